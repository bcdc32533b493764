"""Seals a manifest with jwcrypto alone, as another client would:

    python3 sign_with_jwcrypto.py MANIFEST.json OUT.json ALG [ALG...]

Makes a fresh key per algorithm (ES256, EdDSA, RS256, PS256), signs the
RFC 8785 bytes of the manifest (from `jcs`) as a detached, unencoded JWS
(RFC 7797) with the motcua protected header, and writes
{"manifest": ..., "seal": {"signatures": [...]}}.
"""

import json
import sys
import time

import jcs
from jwcrypto import jwk, jws

KEYS = {
    "ES256": lambda: jwk.JWK.generate(kty="EC", crv="P-256"),
    "EdDSA": lambda: jwk.JWK.generate(kty="OKP", crv="Ed25519"),
    "RS256": lambda: jwk.JWK.generate(kty="RSA", size=2048),
    "PS256": lambda: jwk.JWK.generate(kty="RSA", size=2048),
}


def main() -> int:
    manifest_file, out, *algs = sys.argv[1:]
    with open(manifest_file, encoding="utf-8") as f:
        manifest = json.load(f)
    payload = jcs.canonicalize(manifest)
    signatures = []
    for alg in algs:
        key = KEYS[alg]()
        public = json.loads(key.export_public())
        header = {
            "alg": alg, "b64": False, "crit": ["b64"], "typ": "motcua-seal+jws",
            "cty": "motcua-manifest+json", "iat": int(time.time()),
            "kid": key.thumbprint(), "jwk": public,
        }
        token = jws.JWS(payload)
        token.allowed_algs = list(KEYS)
        token.add_signature(key, alg=alg, protected=json.dumps(header))
        token.detach_payload()
        flat = json.loads(token.serialize())
        signatures.append({"protected": flat["protected"], "signature": flat["signature"]})
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"manifest": manifest, "seal": {"signatures": signatures}}, f, ensure_ascii=False, indent=2)
    print(json.dumps({"ok": True, "signatures": len(signatures)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
