// Verifies a signed motcua office directory with the `jose` library alone,
// against a pinned publisher key, as any JavaScript client could
// (docs/directory.md §3):
//   node verify_directory_with_jose.mjs SIGNED.json PUB.jwk
// Prints one JSON line: the protected header and the payload's text, or the
// error; exits 0 when the signature verifies, 1 otherwise.
import { readFileSync } from 'node:fs';
import * as jose from 'jose';

const signed = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const jwk = JSON.parse(readFileSync(process.argv[3], 'utf8'));
try {
  const header = jose.decodeProtectedHeader(signed);
  const pinned = await jose.calculateJwkThumbprint(jwk, 'sha256');
  if (header.kid !== pinned) throw new Error('not signed by the pinned key');
  if (header.typ !== 'motcua-directory+jws') throw new Error(`typ ${header.typ}`);
  const key = await jose.importJWK(jwk, header.alg);
  const { payload, protectedHeader } = await jose.flattenedVerify(signed, key, {
    algorithms: ['ES256', 'EdDSA', 'Ed25519'],
  });
  const text = new TextDecoder().decode(payload);
  console.log(JSON.stringify({ ok: true, header: protectedHeader, payload: text }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e.code ?? e.message) }));
  process.exit(1);
}
