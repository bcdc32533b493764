#!/bin/sh
# Rebuilds the published test vectors with the motcua binary:
#   tests/vectors/make-vectors.sh target/debug/motcua
# Each vector folder gets manifest.json (the manifest as in the sealed file),
# manifest.canonical.json (its RFC 8785 bytes: the JWS payload),
# public-key.jwk.json, sealed.json and sealed.files/ (the attachment).
# The keys are the TEST keys in crates/dossier/tests/fixtures.
set -eu
motcua=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
fixtures="$here/../../crates/dossier/tests/fixtures"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export MOTCUA_PASSPHRASE="test vectors only"

make() {
    name=$1 id=$2 time=$3 key=$4 alg=$5
    dir="$here/$name"
    rm -rf "$dir" && mkdir -p "$dir"
    "$motcua" keygen --import "$fixtures/$key" --alg "$alg" -o "$tmp/$name.key" --force --json > "$tmp/$name.keygen.json"
    # The attachment under its own name, so the manifest names it so.
    cp "$here/giay-chung-sinh.pdf" "$tmp/giay-chung-sinh.pdf"
    "$motcua" seal --key "$tmp/$name.key" --procedure 1.001193 --office 00004 \
        --data "$here/form.json" --attach "birth_certificate=$tmp/giay-chung-sinh.pdf" \
        --id "$id" --time "$time" -o "$dir/sealed.json" --force > /dev/null
    python3 - "$dir" "$tmp/$name.keygen.json" <<'PY'
import json, sys
d, keygen = sys.argv[1], sys.argv[2]
sealed = json.load(open(f"{d}/sealed.json", encoding="utf-8"))
with open(f"{d}/manifest.json", "w", encoding="utf-8") as f:
    json.dump(sealed["manifest"], f, ensure_ascii=False, indent=2)
    f.write("\n")
with open(f"{d}/public-key.jwk.json", "w", encoding="utf-8") as f:
    json.dump(json.load(open(keygen))["public_key"], f, indent=2)
    f.write("\n")
PY
    "$motcua" canonical "$dir/manifest.json" > "$dir/manifest.canonical.json"
    "$motcua" verify "$dir/sealed.json" > /dev/null
}

make es256 7c4f1d0e-9a3b-4c2d-8e5f-0a1b2c3d4e5f 2026-11-25T03:00:00Z p256.pk8.pem ES256
make eddsa 3d6e8f10-2b4c-4d5e-9f60-718293a4b5c6 2026-11-25T03:00:00Z ed25519.pk8.pem EdDSA
make rs256-x5c 5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d 2026-11-25T03:00:00Z rsa2048.bundle.pem RS256
cp "$fixtures/ed25519.pk8.pem" "$here/eddsa/private-key.pk8.pem"
