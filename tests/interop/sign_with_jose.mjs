// Seals a manifest with the `jose` library alone, as another client would:
//   node sign_with_jose.mjs MANIFEST.json OUT.json ALG [ALG...]
// Makes a fresh key per algorithm (ES256, EdDSA, RS256, PS256), signs the
// RFC 8785 bytes of the manifest (from `canonicalize`) as a detached,
// unencoded JWS (RFC 7797) with the motcua protected header, and writes
// { "manifest": ..., "seal": { "signatures": [...] } }.
import { readFileSync, writeFileSync } from 'node:fs';
import * as jose from 'jose';
import canonicalize from 'canonicalize';

const [manifestFile, out, ...algs] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
const payload = new TextEncoder().encode(canonicalize(manifest));
const signatures = [];
for (const alg of algs) {
  const opts = { extractable: true, ...(alg.startsWith('RS') || alg.startsWith('PS') ? { modulusLength: 2048 } : {}) };
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, opts);
  const jwk = await jose.exportJWK(publicKey);
  delete jwk.alg;
  delete jwk.use;
  delete jwk.key_ops;
  delete jwk.ext;
  const kid = await jose.calculateJwkThumbprint(jwk, 'sha256');
  const jws = await new jose.FlattenedSign(payload)
    .setProtectedHeader({
      alg, b64: false, crit: ['b64'], typ: 'motcua-seal+jws', cty: 'motcua-manifest+json',
      iat: Math.floor(Date.now() / 1000), kid, jwk,
    })
    .sign(privateKey);
  signatures.push({ protected: jws.protected, signature: jws.signature });
}
writeFileSync(out, JSON.stringify({ manifest, seal: { signatures } }, null, 2));
console.log(JSON.stringify({ ok: true, signatures: signatures.length }));
