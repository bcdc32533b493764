//! Importing keys, and the encrypted key file.
// Helpers outside #[test] functions panic on broken fixtures, like the tests.
#![expect(clippy::unwrap_used)]

use std::path::Path;

use motcua_dossier::{
    Algorithm, Certificate, Error, KeyFile, KeyKind, MIN_ITERATIONS, Signer, SigningKey,
};
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

#[test]
fn supported_keys_import_with_their_default_algorithm() {
    for (file, kind, alg) in [
        ("rsa2048.pk8.pem", KeyKind::Rsa, Algorithm::Rs256),
        ("p256.pk8.pem", KeyKind::P256, Algorithm::Es256),
        ("ed25519.pk8.pem", KeyKind::Ed25519, Algorithm::EdDsa),
    ] {
        let key = SigningKey::from_pem(&fixture(file), None).unwrap();
        assert_eq!(
            (key.public_key().kind(), key.algorithm()),
            (kind, alg),
            "{file}"
        );
        let sig = key.sign(b"input").unwrap();
        key.public_key().verify(alg, b"input", &sig).unwrap();
    }
    let der = SigningKey::from_pkcs8_der(&fixture_bytes("p256.pk8.der"), None).unwrap();
    let pem = SigningKey::from_pem(&fixture("p256.pk8.pem"), None).unwrap();
    assert_eq!(der.public_key(), pem.public_key());
    let pss = SigningKey::from_pem(&fixture("rsa2048.pk8.pem"), Some(Algorithm::Ps256)).unwrap();
    let sig = pss.sign(b"input").unwrap();
    pss.public_key()
        .verify(Algorithm::Ps256, b"input", &sig)
        .unwrap();
    assert!(matches!(
        pss.public_key().verify(Algorithm::Rs256, b"input", &sig),
        Err(Error::BadSignature)
    ));
}

#[test]
fn unusable_keys_get_clear_errors() {
    let err = SigningKey::from_pem(&fixture("p384.pk8.pem"), None).unwrap_err();
    assert!(
        matches!(&err, Error::UnsupportedKey { found } if found == "EC P-384"),
        "{err:?}"
    );
    let err = SigningKey::from_pem(&fixture("rsa1024.pk8.pem"), None).unwrap_err();
    assert!(
        matches!(err, Error::RsaKeyTooSmall { bits: 1024 }),
        "{err:?}"
    );
    let err = SigningKey::from_pem(&fixture("rsa2048.pkcs1.pem"), None).unwrap_err();
    assert!(
        matches!(&err, Error::LegacyKeyFormat { label } if label == "RSA PRIVATE KEY"),
        "{err:?}"
    );
    let err = SigningKey::from_pkcs8_der(&fixture_bytes("p256.sec1.der"), None).unwrap_err();
    assert!(
        matches!(&err, Error::LegacyKeyFormat { label } if label == "EC PRIVATE KEY"),
        "{err:?}"
    );
    let err = SigningKey::from_pem(&fixture("p256.encrypted.pk8.pem"), None).unwrap_err();
    assert!(matches!(err, Error::EncryptedPkcs8), "{err:?}");
    let err = SigningKey::from_pem(&fixture("p256.pk8.pem"), Some(Algorithm::Rs256)).unwrap_err();
    assert!(matches!(err, Error::KeyAlgorithmMismatch { .. }), "{err:?}");
    let err =
        SigningKey::from_pem(&fixture("ed25519.pk8.pem"), Some(Algorithm::Es256)).unwrap_err();
    assert!(matches!(err, Error::KeyAlgorithmMismatch { .. }), "{err:?}");
    let err = SigningKey::from_pem(&fixture("p256.cert.pem"), None).unwrap_err();
    assert!(matches!(err, Error::Pem { .. }), "{err:?}");
    let err = SigningKey::from_pem("", None).unwrap_err();
    assert!(matches!(err, Error::Pem { .. }), "{err:?}");
}

#[test]
fn certificates_must_match_the_key() {
    let chain = Certificate::from_pem_chain(&fixture("rsa2048.chain.pem")).unwrap();
    assert_eq!(chain.len(), 2);
    assert_eq!(chain[1].common_name(), Some("motcua test CA"));
    let rsa = SigningKey::from_pem(&fixture("rsa2048.pk8.pem"), None).unwrap();
    let rsa = rsa.with_certificates(chain.clone()).unwrap();
    assert_eq!(rsa.certificates().len(), 2);

    let p256 = SigningKey::from_pem(&fixture("p256.pk8.pem"), None).unwrap();
    let err = p256.with_certificates(chain).unwrap_err();
    assert!(
        matches!(err, Error::CertificateKeyMismatch { .. }),
        "{err:?}"
    );
    // The same, from one PEM text holding a key and someone else's certificate.
    let mixed = fixture("p256.pk8.pem") + &fixture("ed25519.cert.pem");
    let err = SigningKey::from_pem(&mixed, None).unwrap_err();
    assert!(
        matches!(err, Error::CertificateKeyMismatch { .. }),
        "{err:?}"
    );
}

#[test]
fn key_file_round_trip_and_refusals() {
    let key = SigningKey::generate_device_key().unwrap();
    let file = KeyFile::encrypt(&key, "mật khẩu dài đủ", Some("Điện thoại".into())).unwrap();
    assert_eq!(file.kdf.iterations, MIN_ITERATIONS);
    let bytes = file.to_json();
    let read = KeyFile::from_json(&bytes).unwrap();
    assert_eq!(read, file);
    assert_eq!(read.kid, key.kid());
    assert_eq!(&read.public().unwrap(), key.public_key());
    let opened = read.decrypt("mật khẩu dài đủ").unwrap();
    assert_eq!(opened.public_key(), key.public_key());
    let sig = opened.sign(b"x").unwrap();
    key.public_key()
        .verify(Algorithm::Es256, b"x", &sig)
        .unwrap();

    let err = read.decrypt("mat khau dai du").unwrap_err();
    assert!(matches!(err, Error::WrongPassphrase), "{err:?}");

    // Cleartext members are bound by the AAD: a changed label is noticed.
    let mut v: Value = serde_json::from_slice(&bytes).unwrap();
    v["label"] = json!("Máy khác");
    let changed = KeyFile::from_json(&serde_json::to_vec(&v).unwrap()).unwrap();
    assert!(matches!(
        changed.decrypt("mật khẩu dài đủ"),
        Err(Error::WrongPassphrase)
    ));

    let mut v: Value = serde_json::from_slice(&bytes).unwrap();
    v["kdf"]["iterations"] = json!(1000);
    let err = KeyFile::from_json(&serde_json::to_vec(&v).unwrap()).unwrap_err();
    assert!(
        matches!(err, Error::KdfIterations { found: 1000 }),
        "{err:?}"
    );

    let mut v: Value = serde_json::from_slice(&bytes).unwrap();
    v["kid"] = json!("AAAA");
    let err = KeyFile::from_json(&serde_json::to_vec(&v).unwrap()).unwrap_err();
    assert!(matches!(err, Error::KeyFile { .. }), "{err:?}");

    let text = String::from_utf8(bytes.clone()).unwrap();
    let doubled = text.replacen("\"version\": 1,", "\"version\": 1, \"version\": 1,", 1);
    assert!(matches!(
        KeyFile::from_json(doubled.as_bytes()),
        Err(Error::DuplicateKey { .. })
    ));
    assert!(matches!(
        KeyFile::from_json(&bytes[..bytes.len() / 2]),
        Err(Error::Truncated { .. })
    ));

    let err = KeyFile::encrypt(&key, "short", None).unwrap_err();
    assert!(
        matches!(err, Error::PassphraseTooShort { min: 8, found: 5 }),
        "{err:?}"
    );
}

#[test]
fn key_files_hold_imported_keys_with_chains() {
    let key = SigningKey::from_pem(&fixture("rsa2048.bundle.pem"), Some(Algorithm::Ps256)).unwrap();
    let file = KeyFile::encrypt(&key, "passphrase for rsa", None).unwrap();
    assert_eq!(file.alg, "PS256");
    assert_eq!(file.x5c.len(), 2);
    let opened = KeyFile::from_json(&file.to_json())
        .unwrap()
        .decrypt("passphrase for rsa")
        .unwrap();
    assert_eq!(opened.algorithm(), Algorithm::Ps256);
    assert_eq!(opened.certificates(), key.certificates());
}

/// The inputs `sealed_key` gives open the file with any PBKDF2 and AES-GCM
/// (here ring's, standing in for the browser's WebCrypto), and
/// `key_from_decrypted` accepts only the file's own key.
#[test]
fn key_files_open_with_another_aes_gcm() {
    use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
    let key = SigningKey::generate_device_key().unwrap();
    let file = KeyFile::encrypt(&key, "mật khẩu dài đủ", None).unwrap();
    let sealed = file.sealed_key().unwrap();
    assert_eq!(sealed.iterations.get(), MIN_ITERATIONS);
    assert_eq!(sealed.salt.len(), 16);
    let mut derived = [0u8; 32];
    ring::pbkdf2::derive(
        ring::pbkdf2::PBKDF2_HMAC_SHA256,
        sealed.iterations,
        &sealed.salt,
        "mật khẩu dài đủ".as_bytes(),
        &mut derived,
    );
    let cipher = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &derived).unwrap());
    let mut buf = sealed.ciphertext.clone();
    let pkcs8 = cipher
        .open_in_place(
            Nonce::assume_unique_for_key(sealed.nonce),
            Aad::from(&sealed.aad),
            &mut buf,
        )
        .unwrap();
    let opened = file.key_from_decrypted(pkcs8).unwrap();
    assert_eq!(opened.public_key(), key.public_key());

    // Another key's PKCS#8 is not this file's key.
    let other = fixture_bytes("p256.pk8.der");
    let err = file.key_from_decrypted(&other).unwrap_err();
    assert!(matches!(err, Error::KeyFile { .. }), "{err:?}");

    // A salt too short to be ours is refused before any work.
    let mut v: Value = serde_json::from_slice(&file.to_json()).unwrap();
    v["kdf"]["salt"] = json!("AAAA");
    let short = KeyFile::from_json(&serde_json::to_vec(&v).unwrap()).unwrap();
    assert!(matches!(short.sealed_key(), Err(Error::KeyFile { .. })));
}
