//! Sealing and verifying dossiers, and every way a seal is refused.
// Helpers outside #[test] functions panic on broken fixtures, like the tests.
#![expect(clippy::unwrap_used)]

use std::path::Path;

use motcua_dossier::{
    Algorithm, Attachment, Certificate, Error, JwsSignature, Manifest, Seal, SealedDossier, Signer,
    SigningKey, Timestamp, VerifyOptions, verify_detached,
};
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
const JPEG: &[u8] = b"\xff\xd8\xff\xe0 not really a jpeg";

fn manifest() -> Manifest {
    Manifest::from_json(
        json!({
            "format": 1,
            "id": "0b6f6c2e-3f35-4d7a-9c8e-5c8c2b1f0a11",
            "procedure": {"code": "1.001193", "version": "2025.1"},
            "office": "00004",
            "form": {
                "child": {"full_name": "Nguyễn Văn An", "birth_date": "2026-11-01", "sex": "male"},
                "copies": 2,
                "ratio": 0.5
            },
            "attachments": [
                {"component": "birth_certificate", "name": "giay-chung-sinh.pdf",
                 "media_type": "application/pdf", "size": PDF.len(), "pages": 1,
                 "sha256": motcua_dossier::Sha256::digest(PDF).to_string()},
                {"component": "other", "name": "anh.jpg", "media_type": "image/jpeg",
                 "size": JPEG.len(), "sha256": motcua_dossier::Sha256::digest(JPEG).to_string()}
            ],
            "created": "2026-11-25T10:00:00Z",
            "client": "motcua-test/0.1.0"
        })
        .to_string()
        .as_bytes(),
    )
    .unwrap()
}

fn now() -> Timestamp {
    Timestamp::from_unix(1_795_600_000).unwrap()
}

fn keys() -> Vec<SigningKey> {
    vec![
        SigningKey::generate_device_key().unwrap(),
        SigningKey::from_pem(&fixture("ed25519.pk8.pem"), None).unwrap(),
        SigningKey::from_pem(&fixture("rsa2048.bundle.pem"), None).unwrap(),
        SigningKey::from_pem(&fixture("rsa2048.pk8.pem"), Some(Algorithm::Ps256)).unwrap(),
        SigningKey::from_pem(&fixture("p256.pk8.pem"), None)
            .unwrap()
            .with_certificates(Certificate::from_pem_chain(&fixture("p256.cert.pem")).unwrap())
            .unwrap(),
    ]
}

fn verify(file: &[u8]) -> Result<Vec<motcua_dossier::SignerInfo>, Error> {
    SealedDossier::from_json(file)?
        .verify(&VerifyOptions::default())
        .into_result()
}

#[test]
fn every_kind_of_key_seals_and_verifies() {
    for key in keys() {
        let sealed = SealedDossier::seal(manifest(), &key, now()).unwrap();
        let file = sealed.to_json();
        let signers = verify(&file).unwrap_or_else(|e| panic!("{:?}: {e}", key.algorithm()));
        assert_eq!(signers.len(), 1);
        let s = &signers[0];
        assert_eq!(
            (s.alg, &s.kid, s.signed_at),
            (key.algorithm(), &key.kid(), now())
        );
        assert_eq!(&s.key, key.public_key());
        assert_eq!(s.certificates.len(), key.certificates().len());
        // Reading and writing again changes nothing.
        assert_eq!(SealedDossier::from_json(&file).unwrap().to_json(), file);
    }
}

#[test]
fn header_carries_jwk_or_certificates() {
    let header = |key: &SigningKey| -> Value {
        let sealed = SealedDossier::seal(manifest(), key, now()).unwrap();
        let p = &sealed.seal_part().signatures[0].protected;
        serde_json::from_slice(&base64url(p)).unwrap()
    };
    let device = SigningKey::generate_device_key().unwrap();
    let h = header(&device);
    assert_eq!(h["alg"], "ES256");
    assert_eq!(h["b64"], false);
    assert_eq!(h["crit"], json!(["b64"]));
    assert_eq!(h["typ"], motcua_dossier::SEAL_TYP);
    assert_eq!(h["cty"], motcua_dossier::MANIFEST_CTY);
    assert_eq!(h["iat"], 1_795_600_000);
    assert_eq!(h["kid"], device.kid());
    assert_eq!(h["jwk"]["crv"], "P-256");
    assert!(h.get("x5c").is_none());

    let chained = SigningKey::from_pem(&fixture("rsa2048.bundle.pem"), None).unwrap();
    let h = header(&chained);
    assert_eq!(h["x5c"].as_array().unwrap().len(), 2);
    assert_eq!(h["x5t#S256"], chained.certificates()[0].thumbprint());
    assert!(h.get("jwk").is_none());
    assert_eq!(
        chained.certificates()[0].common_name(),
        Some("Ho kinh doanh Mau RSA")
    );
}

#[test]
fn several_signers() {
    let ks = keys();
    let mut sealed = SealedDossier::new(manifest()).unwrap();
    for k in &ks {
        sealed.sign(k, now()).unwrap();
    }
    let signers = verify(&sealed.to_json()).unwrap();
    let kids: Vec<_> = signers.iter().map(|s| s.kid.clone()).collect();
    let expected: Vec<_> = ks.iter().map(SigningKey::kid).collect();
    assert_eq!(kids, expected);
}

#[test]
fn two_step_signing_for_external_signers() {
    let key = SigningKey::generate_device_key().unwrap();
    let mut sealed = SealedDossier::new(manifest()).unwrap();
    let request = sealed
        .prepare_signature(Algorithm::Es256, key.public_key(), &[], now())
        .unwrap();
    assert_eq!(
        request.digest(),
        motcua_dossier::Sha256::digest(request.signing_input())
    );
    // A signer that returns garbage is caught before the seal leaves.
    let err = sealed
        .add_signature(request.clone(), &[7u8; 64])
        .unwrap_err();
    assert!(matches!(err, Error::BadSignature), "{err}");
    let signature = key.sign(request.signing_input()).unwrap();
    sealed.add_signature(request, &signature).unwrap();
    verify(&sealed.to_json()).unwrap();
}

fn base64url(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap()
}

fn b64u(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// A sealed-dossier file whose only signature has `header` (as given,
/// serialized compactly) and is really signed by `key` over the manifest.
fn forged(header: &Value, key: &SigningKey) -> Vec<u8> {
    let m = manifest();
    let protected = b64u(&serde_json::to_vec(header).unwrap());
    let mut input = format!("{protected}.").into_bytes();
    input.extend(m.canonical_bytes().unwrap());
    let signature = b64u(&key.sign(&input).unwrap());
    serde_json::to_vec(&json!({
        "manifest": m,
        "seal": {"signatures": [{"protected": protected, "signature": signature}]}
    }))
    .unwrap()
}

/// Whether an error is the one a case expects.
type Expect = fn(&Error) -> bool;

fn good_header(key: &SigningKey) -> Value {
    json!({
        "alg": key.algorithm().name(), "b64": false, "crit": ["b64"],
        "typ": motcua_dossier::SEAL_TYP, "cty": motcua_dossier::MANIFEST_CTY,
        "iat": 1_795_600_000, "kid": key.kid(), "jwk": key.public_key().to_jwk(),
    })
}

fn refused(file: &[u8]) -> Error {
    match verify(file) {
        Ok(_) => panic!("accepted: {}", String::from_utf8_lossy(file)),
        Err(e) => {
            // Every refusal has a message in both languages.
            let m = e.message();
            assert!(!m.vi.is_empty() && !m.en.is_empty());
            e
        }
    }
}

#[test]
fn forged_headers_are_refused_each_with_its_own_error() {
    let key = SigningKey::generate_device_key().unwrap();
    let other = SigningKey::generate_device_key().unwrap();
    let rsa = SigningKey::from_pem(&fixture("rsa2048.pk8.pem"), None).unwrap();
    let base = good_header(&key);
    verify(&forged(&base, &key)).unwrap();

    let with = |k: &str, v: Value| {
        let mut h = base.clone();
        h[k] = v;
        h
    };
    let without = |k: &str| {
        let mut h = base.clone();
        h.as_object_mut().unwrap().remove(k);
        h
    };
    let cases: Vec<(&str, Value, Expect)> = vec![
        (
            "alg none",
            with("alg", json!("none")),
            |e| matches!(e, Error::ForbiddenAlgorithm { alg } if alg == "none"),
        ),
        ("alg HS256", with("alg", json!("HS256")), |e| {
            matches!(e, Error::ForbiddenAlgorithm { .. })
        }),
        ("alg ES384", with("alg", json!("ES384")), |e| {
            matches!(e, Error::UnsupportedAlgorithm { .. })
        }),
        ("no alg", without("alg"), |e| {
            matches!(e, Error::HeaderMember { name: "alg" })
        }),
        (
            "unknown crit",
            with("crit", json!(["b64", "exp"])),
            |e| matches!(e, Error::UnknownCrit { name } if name == "exp"),
        ),
        ("b64 not in crit", without("crit"), |e| {
            matches!(e, Error::B64NotCritical)
        }),
        ("empty crit", with("crit", json!([])), |e| {
            matches!(e, Error::HeaderMember { name: "crit" })
        }),
        ("b64 true", with("b64", json!(true)), |e| {
            matches!(e, Error::EncodedPayload)
        }),
        ("no b64", without("b64"), |e| {
            matches!(e, Error::EncodedPayload)
        }),
        ("wrong typ", with("typ", json!("JWT")), |e| {
            matches!(e, Error::HeaderValue { name: "typ", .. })
        }),
        ("wrong cty", with("cty", json!("json")), |e| {
            matches!(e, Error::HeaderValue { name: "cty", .. })
        }),
        ("no iat", without("iat"), |e| {
            matches!(e, Error::HeaderMember { name: "iat" })
        }),
        ("no key", without("jwk"), |e| matches!(e, Error::NoKey)),
        ("kid of another key", with("kid", json!(other.kid())), |e| {
            matches!(e, Error::KidMismatch { .. })
        }),
        (
            "jwk of another key",
            {
                let mut h = with("jwk", Value::Object(other.public_key().to_jwk()));
                h["kid"] = json!(other.kid());
                h
            },
            |e| matches!(e, Error::BadSignature),
        ),
        (
            "private jwk",
            with("jwk", {
                let mut j = key.public_key().to_jwk();
                j.insert("d".into(), json!("AAAA"));
                Value::Object(j)
            }),
            |e| matches!(e, Error::PrivateJwk { .. }),
        ),
        (
            "RSA jwk with ES256",
            {
                let mut h = with("jwk", Value::Object(rsa.public_key().to_jwk()));
                h["kid"] = json!(rsa.kid());
                h
            },
            |e| matches!(e, Error::KeyAlgorithmMismatch { .. }),
        ),
        (
            "x5c not matching jwk",
            with("x5c", json!([cert_x5c("p256.cert.pem")])),
            |e| {
                // The x5t#S256 check comes first; see the next case for the key check.
                matches!(e, Error::HeaderMember { name: "x5t#S256" })
            },
        ),
        (
            "oversized header",
            with("pad", json!("x".repeat(20_000))),
            |e| matches!(e, Error::HeaderTooLarge { .. }),
        ),
    ];
    for (what, header, expected) in cases {
        let err = refused(&forged(&header, &key));
        assert!(expected(&err), "{what}: got {err:?}");
    }

    let mut h = with("x5c", json!([cert_x5c("p256.cert.pem")]));
    h["x5t#S256"] = json!(x5t("p256.cert.pem"));
    let err = refused(&forged(&h, &key));
    assert!(matches!(err, Error::JwkCertificateMismatch), "{err:?}");
    let mut h = without("jwk");
    h["x5c"] = json!([cert_x5c("p256.cert.pem")]);
    h["x5t#S256"] = json!(b64u(&[0u8; 32]));
    let err = refused(&forged(&h, &key));
    assert!(
        matches!(err, Error::CertificateThumbprint { .. }),
        "{err:?}"
    );
}

fn cert_x5c(name: &str) -> String {
    use base64::Engine;
    let c = &Certificate::from_pem_chain(&fixture(name)).unwrap()[0];
    base64::engine::general_purpose::STANDARD.encode(c.der())
}

fn x5t(name: &str) -> String {
    Certificate::from_pem_chain(&fixture(name)).unwrap()[0].thumbprint()
}

#[test]
fn repeated_header_keys_are_refused() {
    let key = SigningKey::generate_device_key().unwrap();
    let m = manifest();
    let jwk = serde_json::to_string(&key.public_key().to_jwk()).unwrap();
    let header = format!(
        r#"{{"alg":"ES256","alg":"none","b64":false,"crit":["b64"],"typ":"{}","cty":"{}","iat":1,"kid":"{}","jwk":{jwk}}}"#,
        motcua_dossier::SEAL_TYP,
        motcua_dossier::MANIFEST_CTY,
        key.kid()
    );
    let protected = b64u(header.as_bytes());
    let mut input = format!("{protected}.").into_bytes();
    input.extend(m.canonical_bytes().unwrap());
    let seal = Seal {
        payload: None,
        signatures: vec![JwsSignature {
            protected,
            header: None,
            signature: b64u(&key.sign(&input).unwrap()),
        }],
    };
    let file = serde_json::to_vec(&json!({"manifest": m, "seal": seal})).unwrap();
    let err = refused(&file);
    assert!(
        matches!(&err, Error::DuplicateKey { key, .. } if key == "alg"),
        "{err:?}"
    );
}

fn sealed_file() -> (SigningKey, Vec<u8>) {
    let key = SigningKey::generate_device_key().unwrap();
    let file = SealedDossier::seal(manifest(), &key, now())
        .unwrap()
        .to_json();
    (key, file)
}

#[test]
fn a_changed_manifest_byte_breaks_the_signature() {
    let (_, file) = sealed_file();
    let text = String::from_utf8(file).unwrap();
    for (from, to) in [
        ("Nguyễn Văn An", "Nguyễn Văn Ân"),
        ("\"copies\": 2", "\"copies\": 3"),
        ("00004", "00005"),
    ] {
        assert!(text.contains(from));
        let err = refused(text.replacen(from, to, 1).as_bytes());
        assert!(matches!(err, Error::BadSignature), "{from}: {err:?}");
    }
    // Formatting is not content: the payload is the canonical form.
    let reformatted: Value = serde_json::from_str(&text).unwrap();
    verify(&serde_json::to_vec(&reformatted).unwrap()).unwrap();
}

#[test]
fn wrong_key() {
    let (key, file) = sealed_file();
    let sealed = SealedDossier::from_json(&file).unwrap();
    let other = SigningKey::generate_device_key().unwrap();
    let options = VerifyOptions {
        expected_kids: vec![other.kid()],
    };
    let err = sealed.verify(&options).into_result().unwrap_err();
    assert!(
        matches!(&err, Error::UnexpectedKey { kid } if *kid == key.kid()),
        "{err:?}"
    );
    let options = VerifyOptions {
        expected_kids: vec![other.kid(), key.kid()],
    };
    sealed.verify(&options).into_result().unwrap();
}

#[test]
fn truncated_seals() {
    let (_, file) = sealed_file();
    for cut in [1, file.len() / 3, file.len() / 2, file.len() - 3] {
        let err = refused(&file[..cut]);
        assert!(
            matches!(err, Error::Truncated { .. }),
            "cut at {cut}: {err:?}"
        );
    }
    // A signature value cut short.
    let mut v: Value = serde_json::from_slice(&file).unwrap();
    let sig = v["seal"]["signatures"][0]["signature"]
        .as_str()
        .unwrap()
        .to_owned();
    let bytes = base64url(&sig);
    v["seal"]["signatures"][0]["signature"] = json!(b64u(&bytes[..61]));
    let err = refused(&serde_json::to_vec(&v).unwrap());
    assert!(
        matches!(
            err,
            Error::SignatureLength {
                expected: 64,
                found: 61
            }
        ),
        "{err:?}"
    );
    // No signatures at all.
    v["seal"]["signatures"] = json!([]);
    let err = refused(&serde_json::to_vec(&v).unwrap());
    assert!(matches!(err, Error::NoSignatures), "{err:?}");
}

#[test]
fn unprotected_headers_and_unknown_members_are_refused() {
    let (_, file) = sealed_file();
    let mut v: Value = serde_json::from_slice(&file).unwrap();
    v["seal"]["signatures"][0]["header"] = json!({"kid": "x"});
    let err = refused(&serde_json::to_vec(&v).unwrap());
    assert!(matches!(err, Error::UnprotectedHeader), "{err:?}");

    let mut v: Value = serde_json::from_slice(&file).unwrap();
    v["extra"] = json!(1);
    assert!(matches!(
        refused(&serde_json::to_vec(&v).unwrap()),
        Error::Json { .. }
    ));
    let mut v: Value = serde_json::from_slice(&file).unwrap();
    v["manifest"]["extra"] = json!(1);
    assert!(matches!(
        refused(&serde_json::to_vec(&v).unwrap()),
        Error::Json { .. }
    ));
    let mut v: Value = serde_json::from_slice(&file).unwrap();
    v["manifest"]["attachments"][1]["pages"] = Value::Null;
    assert!(matches!(
        refused(&serde_json::to_vec(&v).unwrap()),
        Error::ManifestNotNormal
    ));
    let text = String::from_utf8(file).unwrap();
    let doubled = text.replacen(
        "\"office\": \"00004\",",
        "\"office\": \"00004\", \"office\": \"00005\",",
        1,
    );
    assert!(matches!(
        refused(doubled.as_bytes()),
        Error::DuplicateKey { .. }
    ));
}

#[test]
fn non_canonical_payloads() {
    let key = SigningKey::generate_device_key().unwrap();
    let sealed = SealedDossier::seal(manifest(), &key, now()).unwrap();
    let canonical = sealed.payload().unwrap();
    let (m, checked) =
        verify_detached(sealed.seal_part(), &canonical, &VerifyOptions::default()).unwrap();
    assert_eq!(&m, sealed.manifest());
    assert!(checked.is_valid());

    let pretty = serde_json::to_vec_pretty(sealed.manifest()).unwrap();
    let err = verify_detached(sealed.seal_part(), &pretty, &VerifyOptions::default()).unwrap_err();
    assert!(matches!(err, Error::NonCanonicalPayload), "{err:?}");

    // A seal carrying its payload (RFC 7797 §5.2): it must be the canonical manifest.
    let mut v: Value = serde_json::from_slice(&sealed.to_json()).unwrap();
    v["seal"]["payload"] = json!(String::from_utf8(canonical).unwrap());
    verify(&serde_json::to_vec(&v).unwrap()).unwrap();
    v["seal"]["payload"] = json!(String::from_utf8(pretty).unwrap());
    assert!(matches!(
        refused(&serde_json::to_vec(&v).unwrap()),
        Error::NonCanonicalPayload
    ));
    v["seal"]["payload"] = json!("{\"a\":1}");
    assert!(matches!(
        refused(&serde_json::to_vec(&v).unwrap()),
        Error::PayloadMismatch
    ));
}

#[test]
fn attachments_are_checked_by_size_and_digest() {
    let m = manifest();
    let [pdf, jpeg] = [&m.attachments[0], &m.attachments[1]];
    pdf.check(PDF).unwrap();
    jpeg.check(JPEG).unwrap();
    // Swapped.
    assert!(matches!(pdf.check(JPEG), Err(Error::AttachmentSize { .. })));
    // Same size, one byte changed.
    let mut changed = PDF.to_vec();
    changed[10] ^= 1;
    assert!(matches!(
        pdf.check(&changed[..]),
        Err(Error::AttachmentDigest { .. })
    ));
    // Built from bytes, it is the same description.
    let again = Attachment::from_bytes(
        pdf.component.clone(),
        pdf.name.clone(),
        pdf.media_type.clone(),
        pdf.pages,
        PDF,
    );
    assert_eq!(&again, pdf);
}

#[test]
fn manifest_rules() {
    let mut v = serde_json::to_value(manifest()).unwrap();
    v["attachments"][1]["name"] = json!("giay-chung-sinh.pdf");
    let err = Manifest::from_json(&serde_json::to_vec(&v).unwrap()).unwrap_err();
    assert!(
        matches!(err, Error::DuplicateAttachmentName { .. }),
        "{err:?}"
    );
    let mut v = serde_json::to_value(manifest()).unwrap();
    v["format"] = json!(2);
    let err = Manifest::from_json(&serde_json::to_vec(&v).unwrap()).unwrap_err();
    assert!(matches!(err, Error::Format { found: 2, .. }), "{err:?}");
    let mut v = serde_json::to_value(manifest()).unwrap();
    v["attachments"][0]["name"] = json!("../../etc/passwd");
    assert!(Manifest::from_json(&serde_json::to_vec(&v).unwrap()).is_err());
    let mut v = serde_json::to_value(manifest()).unwrap();
    v["attachments"][0]["size"] = json!(1u64 << 53);
    let err = Manifest::from_json(&serde_json::to_vec(&v).unwrap()).unwrap_err();
    assert!(matches!(err, Error::Limit { .. }), "{err:?}");
}

/// The seal of issue 12: the "all-but-zero" Ed25519 key (the identity
/// point) and signature (R the identity, S = 0), which satisfy the
/// verification equation for any message unless points are checked.
fn sealed_by_the_identity_point(m: &Manifest) -> Vec<u8> {
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let key = motcua_dossier::PublicKey::Ed25519(identity);
    let request = SealedDossier::new(m.clone())
        .unwrap()
        .prepare_signature(Algorithm::EdDsa, &key, &[], now())
        .unwrap();
    let input = request.signing_input();
    let dot = input.iter().position(|b| *b == b'.').unwrap();
    let protected = std::str::from_utf8(&input[..dot]).unwrap();
    let mut signature = [0u8; 64];
    signature[0] = 1;
    serde_json::to_vec(&json!({
        "manifest": m,
        "seal": {"signatures": [{"protected": protected, "signature": b64u(&signature)}]}
    }))
    .unwrap()
}

#[test]
fn a_small_order_key_verifies_no_manifest() {
    let mut other = manifest();
    other.office = "00001".parse().unwrap();
    for m in [manifest(), other] {
        let err = refused(&sealed_by_the_identity_point(&m));
        assert!(matches!(err, Error::WeakEd25519Key), "{err}");
        assert_eq!(err.code(), "weak_ed25519_key");
    }
}
