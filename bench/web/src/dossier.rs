//! Sealing and verifying a dossier, and unlocking a key file (issue #5,
//! item 8), with the bytes the page needs to do the same with WebCrypto.

use motcua_dossier::{
    KeyFile, Manifest, PublicKey, SealedDossier, Signer, SigningKey, Timestamp, VerifyOptions,
    canonicalize,
};
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// The birth-registration manifest of the published test vectors, the one
/// the native criterion bench (`cargo bench -p motcua-dossier`) seals.
const MANIFEST: &[u8] = include_bytes!("../../../tests/vectors/es256/manifest.json");

/// The passphrase of the benchmark's key file.
pub(crate) const PASSPHRASE: &str = "benchmark passphrase";

/// A fresh device key, a manifest, one sealed copy and an encrypted key
/// file; each method is one operation for the page to time.
#[wasm_bindgen]
#[derive(Debug)]
pub struct SealBench {
    key: SigningKey,
    manifest: Manifest,
    sealed: SealedDossier,
    now: Timestamp,
    signing_input: Vec<u8>,
    signature: Vec<u8>,
    key_file: KeyFile,
}

fn js(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

#[wasm_bindgen]
impl SealBench {
    /// Makes the device key (ES256, as the app does on first use), seals the
    /// manifest once and encrypts the key with PBKDF2 at 600,000 iterations.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<Self, JsError> {
        let key = SigningKey::generate_device_key().map_err(js)?;
        let manifest = Manifest::from_json(MANIFEST).map_err(js)?;
        let now = Timestamp::from_unix(1_795_600_000).map_err(js)?;
        let sealed = SealedDossier::seal(manifest.clone(), &key, now).map_err(js)?;
        let request = SealedDossier::new(manifest.clone())
            .map_err(js)?
            .prepare_signature(key.algorithm(), key.public_key(), &[], now)
            .map_err(js)?;
        let signing_input = request.signing_input().to_vec();
        let signature = key.sign(&signing_input).map_err(js)?;
        let key_file = KeyFile::encrypt(&key, PASSPHRASE, None).map_err(js)?;
        Ok(Self {
            key,
            manifest,
            sealed,
            now,
            signing_input,
            signature,
            key_file,
        })
    }

    /// What the app does on "seal": canonicalize the manifest, build the
    /// protected header, sign, and check the new signature (`seal` verifies
    /// what it signed). Returns the sealed file's length.
    pub fn seal(&self) -> Result<usize, JsError> {
        let sealed = SealedDossier::seal(self.manifest.clone(), &self.key, self.now).map_err(js)?;
        Ok(sealed.to_json().len())
    }

    /// What an office does: re-canonicalize, parse the header, check the
    /// signature and the header rules.
    pub fn verify(&self) -> bool {
        self.sealed.verify(&VerifyOptions::default()).is_valid()
    }

    /// ECDSA P-256 signature alone (ring) over the JWS signing input: the
    /// operation WebCrypto's `sign` does.
    pub fn sign_raw(&self) -> Result<usize, JsError> {
        Ok(self.key.sign(&self.signing_input).map_err(js)?.len())
    }

    /// ECDSA P-256 verification alone (ring) of the stored signature.
    pub fn verify_raw(&self) -> bool {
        self.key
            .public_key()
            .verify(self.key.algorithm(), &self.signing_input, &self.signature)
            .is_ok()
    }

    /// Checks an ES256 signature (`R || S`) made elsewhere, e.g. by
    /// WebCrypto with the same key, over [`signing_input`](Self::signing_input).
    pub fn check_signature(&self, signature: &[u8]) -> bool {
        self.key
            .public_key()
            .verify(self.key.algorithm(), &self.signing_input, signature)
            .is_ok()
    }

    /// Decrypts the key file: PBKDF2-HMAC-SHA256 with 600,000 iterations,
    /// AES-256-GCM, then loading the PKCS#8 key. Returns the key's kid.
    pub fn unlock(&self) -> Result<String, JsError> {
        Ok(self.key_file.decrypt(PASSPHRASE).map_err(js)?.kid())
    }

    /// The JWS signing input, `BASE64URL(header) || '.' || canonical
    /// manifest` (RFC 7797 §3): the exact bytes sign and verify cover.
    pub fn signing_input(&self) -> Vec<u8> {
        self.signing_input.clone()
    }

    /// The RFC 8785 canonical manifest bytes.
    pub fn canonical_manifest(&self) -> Result<Vec<u8>, JsError> {
        self.manifest.canonical_bytes().map_err(js)
    }

    /// The signature [`verify_raw`](Self::verify_raw) checks.
    pub fn signature(&self) -> Vec<u8> {
        self.signature.clone()
    }

    /// The key's thumbprint, to compare with [`unlock`](Self::unlock).
    pub fn kid(&self) -> String {
        self.key.kid()
    }

    /// The public key as a JWK (JSON text), for WebCrypto's `importKey`.
    pub fn public_jwk(&self) -> String {
        Value::Object(self.key.public_key().to_jwk()).to_string()
    }

    /// The passphrase of the key file.
    pub fn passphrase(&self) -> String {
        PASSPHRASE.to_owned()
    }

    /// The key file's PBKDF2 iteration count.
    pub fn iterations(&self) -> u32 {
        self.key_file.kdf.iterations
    }

    /// The key file's salt, base64url as stored.
    pub fn salt(&self) -> String {
        self.key_file.kdf.salt.clone()
    }

    /// The key file's AES-GCM nonce, base64url as stored.
    pub fn nonce(&self) -> String {
        self.key_file.cipher.nonce.clone()
    }

    /// The key file's ciphertext with its tag, base64url as stored.
    pub fn ciphertext(&self) -> String {
        self.key_file.ciphertext.clone()
    }

    /// The additional data the key file's AES-GCM covers: the RFC 8785
    /// form of the file without `ciphertext` (docs/dossier-format.md), so
    /// that WebCrypto can open the same file.
    pub fn aad(&self) -> Result<Vec<u8>, JsError> {
        let mut value = serde_json::to_value(&self.key_file)?;
        if let Value::Object(map) = &mut value {
            map.remove("ciphertext");
        }
        canonicalize(value.to_string().as_bytes()).map_err(js)
    }

    /// Whether `public_jwk` parses back to the key (a self-check of the
    /// page's inputs).
    pub fn jwk_round_trips(&self) -> bool {
        serde_json::from_str::<Value>(&self.public_jwk())
            .ok()
            .and_then(|v| v.as_object().cloned())
            .and_then(|m| PublicKey::from_jwk(&m).ok())
            .is_some_and(|k| &k == self.key.public_key())
    }
}
