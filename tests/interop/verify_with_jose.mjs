// Verifies a motcua sealed dossier with the `jose` library alone, as an
// office backend in JavaScript would (docs/dossier-format.md):
//   node verify_with_jose.mjs DOSSIER.json
// The payload is the RFC 8785 form of "manifest", computed with the
// independent `canonicalize` package. Every signature must verify; the key
// comes from the header's jwk, or from the x5c leaf certificate.
// Prints one JSON line; exits 0 when all signatures verify, 1 otherwise.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as jose from 'jose';
import canonicalize from 'canonicalize';

const file = process.argv[2];
const dossier = JSON.parse(readFileSync(file, 'utf8'));
const payload = canonicalize(dossier.manifest);
const results = [];
let ok = dossier.seal.signatures.length > 0;
for (const sig of dossier.seal.signatures) {
  const header = jose.decodeProtectedHeader(sig);
  try {
    let key;
    if (header.x5c) {
      const der = Buffer.from(header.x5c[0], 'base64');
      const thumb = createHash('sha256').update(der).digest('base64url');
      if (thumb !== header['x5t#S256']) throw new Error('x5t#S256 does not match x5c[0]');
      const pem = `-----BEGIN CERTIFICATE-----\n${header.x5c[0].match(/.{1,64}/g).join('\n')}\n-----END CERTIFICATE-----\n`;
      key = await jose.importX509(pem, header.alg);
    } else {
      key = jose.EmbeddedJWK;
      const kid = await jose.calculateJwkThumbprint(header.jwk, 'sha256');
      if (kid !== header.kid) throw new Error('kid is not the JWK thumbprint');
    }
    await jose.flattenedVerify(
      { protected: sig.protected, signature: sig.signature, payload },
      key,
      { algorithms: ['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256'] },
    );
    results.push({ ok: true, alg: header.alg, kid: header.kid, typ: header.typ, cty: header.cty });
  } catch (e) {
    ok = false;
    results.push({ ok: false, alg: header.alg, error: String(e.code ?? e.message) });
  }
}
const sha256 = createHash('sha256').update(payload, 'utf8').digest('hex');
console.log(JSON.stringify({ ok, manifest_sha256: sha256, signatures: results }));
process.exit(ok ? 0 : 1);
