"""Verifies a motcua sealed dossier with jwcrypto alone, as an office backend
in Python would (docs/dossier-format.md):

    python3 verify_with_jwcrypto.py DOSSIER.json

The payload is the RFC 8785 form of "manifest", from the independent `jcs`
package. Every signature must verify; the key comes from the header's jwk,
or from the x5c leaf certificate. Prints one JSON line; exits 0 when all
signatures verify, 1 otherwise.
"""

import base64
import hashlib
import json
import sys

import jcs
from jwcrypto import jwk, jws

ALGS = ["ES256", "EdDSA", "RS256", "PS256"]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        dossier = json.load(f)
    payload = jcs.canonicalize(dossier["manifest"])
    results = []
    ok = len(dossier["seal"]["signatures"]) > 0
    for sig in dossier["seal"]["signatures"]:
        protected = sig["protected"]
        header = json.loads(base64.urlsafe_b64decode(protected + "=" * (-len(protected) % 4)))
        try:
            if "x5c" in header:
                der = base64.b64decode(header["x5c"][0])
                if b64url(hashlib.sha256(der).digest()) != header["x5t#S256"]:
                    raise ValueError("x5t#S256 does not match x5c[0]")
                pem = b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der) + b"-----END CERTIFICATE-----\n"
                key = jwk.JWK.from_pem(pem)
            else:
                key = jwk.JWK(**header["jwk"])
                if key.thumbprint() != header["kid"]:
                    raise ValueError("kid is not the JWK thumbprint")
            token = jws.JWS()
            token.allowed_algs = ALGS
            token.deserialize(json.dumps({"protected": protected, "signature": sig["signature"]}))
            token.verify(key, detached_payload=payload)
            results.append({"ok": True, "alg": header["alg"], "kid": header["kid"]})
        except Exception as e:  # report every failure, go on with the next signature
            ok = False
            results.append({"ok": False, "alg": header.get("alg"), "error": f"{type(e).__name__}: {e}"})
    print(json.dumps({"ok": ok, "manifest_sha256": hashlib.sha256(payload).hexdigest(), "signatures": results}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
