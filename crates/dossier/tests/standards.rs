//! The published test vectors this crate must agree with: RFC 8785 (JCS)
//! from cyberphone/json-canonicalization, RFC 7520 and RFC 7797 JWS examples
//! from ietf-jose/cookbook (all under ../shared/data), and the project's own
//! vectors under tests/vectors.
// Helpers outside #[test] functions panic on broken fixtures, like the tests.
#![expect(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use motcua_dossier::{
    Algorithm, Error, JwsSignature, PublicKey, SealedDossier, VerifyOptions, canonicalize,
    verify_signature,
};
use serde_json::{Map, Value};

fn shared(rel: &str) -> PathBuf {
    motcua_testkit::data::path(rel)
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn jcs_vectors() {
    let inputs = std::fs::read_dir(shared("jcs/input")).unwrap();
    let mut count = 0;
    for entry in inputs {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let got = canonicalize(&read(&path)).unwrap();
        assert_eq!(got, read(&shared(&format!("jcs/output/{name}"))), "{name}");
        let hex = String::from_utf8(read(&shared(&format!(
            "jcs/outhex/{}",
            name.replace(".json", ".txt")
        ))))
        .unwrap();
        let bytes: Vec<u8> = hex
            .split_whitespace()
            .map(|h| u8::from_str_radix(h, 16).unwrap())
            .collect();
        assert_eq!(got, bytes, "{name} (hex)");
        count += 1;
    }
    assert!(count >= 3, "only {count} JCS vectors found");
}

#[test]
fn jcs_es6_number_samples() {
    let text = String::from_utf8(read(&shared("jcs/es6-number-samples.csv"))).unwrap();
    let mut count = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let (bits, expected) = line.split_once(',').unwrap();
        let value = f64::from_bits(u64::from_str_radix(bits, 16).unwrap());
        // Through the canonicalizer as a JSON document holding that number.
        let json = serde_json::to_vec(&Value::from(value)).unwrap();
        let got = canonicalize(&json).unwrap();
        assert_eq!(String::from_utf8(got).unwrap(), expected, "bits {bits}");
        count += 1;
    }
    assert_eq!(count, 7);
}

fn cookbook(name: &str) -> Value {
    serde_json::from_slice(&read(&shared(&format!("jws/{name}")))).unwrap()
}

fn public_jwk(key: &Value) -> Map<String, Value> {
    let mut jwk = key.as_object().unwrap().clone();
    for private in ["d", "p", "q", "dp", "dq", "qi"] {
        jwk.remove(private);
    }
    jwk
}

fn flat_signature(v: &Value) -> JwsSignature {
    let flat = &v["output"]["json_flat"];
    JwsSignature {
        protected: flat["protected"].as_str().unwrap().to_owned(),
        header: None,
        signature: flat["signature"].as_str().unwrap().to_owned(),
    }
}

#[test]
fn rfc7520_rs256_signature_verifies_but_is_not_a_seal() {
    let v = cookbook("rfc7520-4.1-rs256.json");
    let key = PublicKey::from_jwk(&public_jwk(&v["input"]["key"])).unwrap();
    let input = v["signing"]["sig-input"].as_str().unwrap().as_bytes();
    let sig = base64url(v["signing"]["sig"].as_str().unwrap());
    key.verify(Algorithm::Rs256, input, &sig).unwrap();
    let mut changed = input.to_vec();
    *changed.last_mut().unwrap() ^= 1;
    assert!(matches!(
        key.verify(Algorithm::Rs256, &changed, &sig),
        Err(Error::BadSignature)
    ));
    // Full private JWKs are not public keys.
    assert!(matches!(
        PublicKey::from_jwk(v["input"]["key"].as_object().unwrap()),
        Err(Error::PrivateJwk { .. })
    ));
    // Under the seal rules it is refused: its payload is base64url-encoded.
    let err = verify_signature(&flat_signature(&v), b"", &VerifyOptions::default()).unwrap_err();
    assert!(matches!(err, Error::EncodedPayload), "{err:?}");
}

#[test]
fn rfc7520_other_examples_are_refused_as_seals() {
    for name in [
        "rfc7520-4.3-es512.json",
        "rfc7520-4.4-hs256.json",
        "rfc7520-4.5-detached-content.json",
    ] {
        let v = cookbook(name);
        let err =
            verify_signature(&flat_signature(&v), b"", &VerifyOptions::default()).unwrap_err();
        assert!(matches!(err, Error::EncodedPayload), "{name}: {err:?}");
    }
}

#[test]
fn rfc7797_example() {
    use ring::hmac;
    let v = cookbook("rfc7797-4.2-b64-false-hs256.json");
    let payload = v["input"]["payload"].as_str().unwrap().as_bytes();
    // The file's pre-RFC form: b64 without crit. A strict verifier refuses it.
    let err =
        verify_signature(&flat_signature(&v), payload, &VerifyOptions::default()).unwrap_err();
    assert!(matches!(err, Error::B64NotCritical), "{err:?}");

    // RFC 7797 §4.2 as published (values in shared/data/MANIFEST.md, Notes).
    let protected = "eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19";
    let signature = "A5dxf2s96_n5FLueVuW1Z_vh161FwXZC4YLPff6dmDY";
    // The unencoded signing input: ASCII(BASE64URL(header)) || '.' || payload.
    let k = base64url(v["input"]["key"]["k"].as_str().unwrap());
    let mut input = format!("{protected}.").into_bytes();
    input.extend_from_slice(payload);
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &k), &input);
    assert_eq!(tag.as_ref(), base64url(signature).as_slice());
    // Its header is well-formed for RFC 7797, but a seal refuses HMAC.
    let sig = JwsSignature {
        protected: protected.into(),
        header: None,
        signature: signature.into(),
    };
    let err = verify_signature(&sig, payload, &VerifyOptions::default()).unwrap_err();
    assert!(
        matches!(&err, Error::ForbiddenAlgorithm { alg } if alg == "HS256"),
        "{err:?}"
    );
}

fn base64url(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap()
}

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

/// tests/vectors: each folder has manifest.json, manifest.canonical.json,
/// public-key.jwk.json and sealed.json; the sealed dossier verifies with the
/// published key, and its payload is exactly the published canonical bytes.
#[test]
fn published_vectors() {
    let mut count = 0;
    for entry in std::fs::read_dir(vectors()).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir.display().to_string();
        let manifest = read(&dir.join("manifest.json"));
        let canonical = read(&dir.join("manifest.canonical.json"));
        assert_eq!(canonicalize(&manifest).unwrap(), canonical, "{name}");
        let jwk: Map<String, Value> =
            serde_json::from_slice(&read(&dir.join("public-key.jwk.json"))).unwrap();
        let key = PublicKey::from_jwk(&jwk).unwrap();
        let sealed = SealedDossier::from_json(&read(&dir.join("sealed.json"))).unwrap();
        assert_eq!(sealed.payload().unwrap(), canonical, "{name}");
        let options = VerifyOptions {
            expected_kids: vec![key.thumbprint()],
        };
        let signers = sealed.verify(&options).into_result().unwrap();
        assert_eq!(signers[0].key, key, "{name}");
        for a in &sealed.manifest().attachments {
            let file = std::fs::File::open(dir.join("sealed.files").join(a.name.as_str())).unwrap();
            a.check(file).unwrap();
        }
        count += 1;
    }
    assert!(count >= 2, "only {count} vectors");
}

/// The EdDSA vector is deterministic: signing its manifest again with its
/// (published, test-only) private key gives the same file byte for byte.
#[test]
fn eddsa_vector_is_reproducible() {
    let dir = vectors().join("eddsa");
    let key = motcua_dossier::SigningKey::from_pem(
        &String::from_utf8(read(&dir.join("private-key.pk8.pem"))).unwrap(),
        None,
    )
    .unwrap();
    let published = SealedDossier::from_json(&read(&dir.join("sealed.json"))).unwrap();
    let signed_at = published
        .verify(&VerifyOptions::default())
        .into_result()
        .unwrap()[0]
        .signed_at;
    let again = SealedDossier::seal(published.manifest().clone(), &key, signed_at).unwrap();
    assert_eq!(again.to_json(), read(&dir.join("sealed.json")));
}
