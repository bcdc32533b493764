//! The encrypted key file: a private key at rest, encrypted under a
//! passphrase. One format for the app's IndexedDB, backup export and import,
//! and `motcua keygen -o KEY` (docs/dossier-format.md, "Encrypted key file").
//!
//! PBKDF2-HMAC-SHA256 (RFC 8018 §5.2, ≥ 600,000 iterations as OWASP advises
//! for this PRF) turns the passphrase into a 256-bit key; AES-256-GCM
//! (NIST SP 800-38D) encrypts the PKCS#8 DER. The additional authenticated
//! data is the RFC 8785 form of the file without `ciphertext`, so none of
//! the cleartext members can be changed unnoticed.

use std::num::NonZeroU32;

use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::pbkdf2;
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::b64;
use crate::cert::Certificate;
use crate::error::Error;
use crate::json::{parse_strict, to_canonical};
use crate::key::{Algorithm, PublicKey};
use crate::signer::{MAX_CHAIN, Signer, SigningKey};

/// The `type` member of a key file.
pub const KEY_FILE_TYPE: &str = "motcua-encrypted-key";
/// The key file format version this code reads and writes.
pub const KEY_FILE_VERSION: u32 = 1;
/// PBKDF2 iterations used for new files, and the fewest accepted.
pub const MIN_ITERATIONS: u32 = 600_000;
/// The most PBKDF2 iterations accepted, so a hostile file cannot stall the
/// device.
pub const MAX_ITERATIONS: u32 = 10_000_000;
/// The shortest passphrase accepted for a new key file, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 8;
/// The largest key file read, in bytes.
pub const MAX_KEY_FILE_BYTES: usize = 256 * 1024;

const KDF_NAME: &str = "PBKDF2-HMAC-SHA256";
const CIPHER_NAME: &str = "A256GCM";
const SALT_LEN: usize = 16;

/// Key derivation parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kdf {
    /// Always `PBKDF2-HMAC-SHA256`.
    pub name: String,
    /// PBKDF2 iteration count.
    pub iterations: u32,
    /// base64url of the random salt (16 bytes when written here).
    pub salt: String,
}

/// Cipher parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cipher {
    /// Always `A256GCM`.
    pub name: String,
    /// base64url of the random 12-byte nonce.
    pub nonce: String,
}

/// What decrypting a key file takes, checked: PBKDF2-HMAC-SHA256 of the
/// passphrase's UTF-8 bytes with `salt` and `iterations` gives the AES-256
/// key; AES-GCM with `nonce` and `aad` opens `ciphertext` (tag appended) to
/// the PKCS#8 DER.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedKey {
    /// The PBKDF2 salt (16 to 64 bytes).
    pub salt: Vec<u8>,
    /// The PBKDF2 iteration count, within the accepted bounds.
    pub iterations: NonZeroU32,
    /// The AES-GCM nonce.
    pub nonce: [u8; 12],
    /// The additional authenticated data.
    pub aad: Vec<u8>,
    /// The ciphertext with its 16-byte tag.
    pub ciphertext: Vec<u8>,
}

/// An encrypted private key with its public parts in clear, so the app can
/// list keys (label, algorithm, kid, certificate) without the passphrase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFile {
    /// Always [`KEY_FILE_TYPE`].
    #[serde(rename = "type")]
    pub kind: String,
    /// Always [`KEY_FILE_VERSION`].
    pub version: u32,
    /// The JWS algorithm the key signs with.
    pub alg: String,
    /// RFC 7638 thumbprint of the public key.
    pub kid: String,
    /// The public key as a JWK.
    pub public_key: Map<String, Value>,
    /// The certificate chain, leaf first, as in `x5c`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub x5c: Vec<String>,
    /// A name the user gave the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// How the encryption key is derived from the passphrase.
    pub kdf: Kdf,
    /// How the private key is encrypted.
    pub cipher: Cipher,
    /// base64url of AES-256-GCM(PKCS#8 DER) with the 16-byte tag appended.
    pub ciphertext: String,
}

impl KeyFile {
    /// Encrypts `key` under `passphrase` with [`MIN_ITERATIONS`].
    ///
    /// The passphrase is used as its UTF-8 bytes; the app normalizes it to
    /// NFC first (`String.prototype.normalize`), since Vietnamese keyboards
    /// may type the same letter composed or decomposed.
    pub fn encrypt(
        key: &SigningKey,
        passphrase: &str,
        label: Option<String>,
    ) -> Result<Self, Error> {
        Self::encrypt_with_iterations(key, passphrase, label, MIN_ITERATIONS)
    }

    /// Like [`encrypt`](Self::encrypt) with a chosen iteration count between
    /// [`MIN_ITERATIONS`] and [`MAX_ITERATIONS`].
    pub fn encrypt_with_iterations(
        key: &SigningKey,
        passphrase: &str,
        label: Option<String>,
        iterations: u32,
    ) -> Result<Self, Error> {
        let chars = passphrase.chars().count();
        if chars < MIN_PASSPHRASE_CHARS {
            return Err(Error::PassphraseTooShort {
                min: MIN_PASSPHRASE_CHARS,
                found: chars,
            });
        }
        let rounds = check_iterations(iterations)?;
        let rng = SystemRandom::new();
        let mut salt = [0u8; SALT_LEN];
        let mut nonce = [0u8; aead::NONCE_LEN];
        rng.fill(&mut salt).map_err(|_| Error::Random)?;
        rng.fill(&mut nonce).map_err(|_| Error::Random)?;
        let mut file = Self {
            kind: KEY_FILE_TYPE.to_owned(),
            version: KEY_FILE_VERSION,
            alg: key.algorithm().name().to_owned(),
            kid: key.kid(),
            public_key: key.public_key().to_jwk(),
            x5c: key.certificates().iter().map(Certificate::to_x5c).collect(),
            label,
            kdf: Kdf {
                name: KDF_NAME.to_owned(),
                iterations,
                salt: b64::encode(&salt),
            },
            cipher: Cipher {
                name: CIPHER_NAME.to_owned(),
                nonce: b64::encode(&nonce),
            },
            ciphertext: String::new(),
        };
        let aad = file.aad()?;
        let cipher = cipher_key(passphrase, rounds, &salt)?;
        let mut buf = Zeroizing::new(key.pkcs8().to_vec());
        cipher
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(&aad),
                &mut *buf,
            )
            .map_err(|_| Error::Signing)?;
        file.ciphertext = b64::encode(&buf);
        Ok(file)
    }

    /// Decrypts the private key. A wrong passphrase, or any change to the
    /// file, gives [`Error::WrongPassphrase`].
    pub fn decrypt(&self, passphrase: &str) -> Result<SigningKey, Error> {
        let sealed = self.sealed_key()?;
        let cipher = cipher_key(passphrase, sealed.iterations, &sealed.salt)?;
        let mut buf = Zeroizing::new(sealed.ciphertext);
        let plain = cipher
            .open_in_place(
                Nonce::assume_unique_for_key(sealed.nonce),
                Aad::from(&sealed.aad),
                &mut buf,
            )
            .map_err(|_| Error::WrongPassphrase)?;
        self.key_from_decrypted(plain)
    }

    /// The checked inputs of decryption, for opening the file with another
    /// PBKDF2 and AES-GCM implementation: the app uses the browser's
    /// WebCrypto, five times faster than ring in wasm at 600,000 iterations
    /// (BENCHMARKS.md, "Seal"). Finish with [`KeyFile::key_from_decrypted`].
    pub fn sealed_key(&self) -> Result<SealedKey, Error> {
        self.check()?;
        let salt = b64::decode("kdf.salt", &self.kdf.salt)?;
        if !(SALT_LEN..=64).contains(&salt.len()) {
            return Err(Error::KeyFile {
                reason: "kdf.salt must be 16 to 64 bytes",
            });
        }
        let nonce: [u8; aead::NONCE_LEN] = b64::decode("cipher.nonce", &self.cipher.nonce)?
            .try_into()
            .map_err(|_| Error::KeyFile {
                reason: "cipher.nonce must be 12 bytes",
            })?;
        Ok(SealedKey {
            salt,
            iterations: check_iterations(self.kdf.iterations)?,
            nonce,
            aad: self.aad()?,
            ciphertext: b64::decode("ciphertext", &self.ciphertext)?,
        })
    }

    /// The signing key from the decrypted PKCS#8 DER, checked against the
    /// file's public key and joined to its certificate chain.
    pub fn key_from_decrypted(&self, pkcs8_der: &[u8]) -> Result<SigningKey, Error> {
        let (alg, public, chain) = self.check()?;
        let key = SigningKey::from_pkcs8_der(pkcs8_der, Some(alg))?;
        if key.public_key() != &public {
            return Err(Error::KeyFile {
                reason: "the decrypted key does not match public_key",
            });
        }
        if chain.is_empty() {
            Ok(key)
        } else {
            key.with_certificates(chain)
        }
    }

    /// Reads a key file, refusing repeated keys and unknown members.
    pub fn from_json(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() > MAX_KEY_FILE_BYTES {
            return Err(Error::Limit {
                what: "key file bytes",
                limit: MAX_KEY_FILE_BYTES as u64,
                found: bytes.len() as u64,
            });
        }
        let value = parse_strict("key file", bytes)?;
        let file: Self = serde_json::from_value(value).map_err(|source| Error::Json {
            what: "key file",
            source,
        })?;
        file.check()?;
        Ok(file)
    }

    /// The file as pretty-printed JSON.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    /// The algorithm of the key.
    pub fn algorithm(&self) -> Result<Algorithm, Error> {
        self.check().map(|(alg, _, _)| alg)
    }

    /// The public key.
    pub fn public(&self) -> Result<PublicKey, Error> {
        self.check().map(|(_, public, _)| public)
    }

    /// Checks the cleartext members and returns them typed.
    fn check(&self) -> Result<(Algorithm, PublicKey, Vec<Certificate>), Error> {
        if self.kind != KEY_FILE_TYPE {
            return Err(Error::KeyFile {
                reason: "type is not motcua-encrypted-key",
            });
        }
        if self.version != KEY_FILE_VERSION {
            return Err(Error::Format {
                what: "key file",
                found: self.version,
                expected: KEY_FILE_VERSION,
            });
        }
        if self.kdf.name != KDF_NAME || self.cipher.name != CIPHER_NAME {
            return Err(Error::KeyFile {
                reason: "kdf must be PBKDF2-HMAC-SHA256 and cipher A256GCM",
            });
        }
        check_iterations(self.kdf.iterations)?;
        let alg = Algorithm::from_name(&self.alg).ok_or_else(|| Error::UnsupportedAlgorithm {
            alg: self.alg.clone(),
        })?;
        let public = PublicKey::from_jwk(&self.public_key)?;
        if public.thumbprint() != self.kid {
            return Err(Error::KeyFile {
                reason: "kid is not the thumbprint of public_key",
            });
        }
        if self.x5c.len() > MAX_CHAIN {
            return Err(Error::Limit {
                what: "certificates in the chain",
                limit: MAX_CHAIN as u64,
                found: self.x5c.len() as u64,
            });
        }
        let chain = self
            .x5c
            .iter()
            .map(|c| Certificate::from_x5c(c))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((alg, public, chain))
    }

    /// The additional authenticated data: RFC 8785 bytes of the file
    /// without `ciphertext`.
    fn aad(&self) -> Result<Vec<u8>, Error> {
        let mut value = serde_json::to_value(self).map_err(|source| Error::Json {
            what: "key file",
            source,
        })?;
        if let Value::Object(map) = &mut value {
            map.remove("ciphertext");
        }
        to_canonical(&value)
    }
}

fn check_iterations(iterations: u32) -> Result<NonZeroU32, Error> {
    if (MIN_ITERATIONS..=MAX_ITERATIONS).contains(&iterations) {
        NonZeroU32::new(iterations).ok_or(Error::KdfIterations { found: iterations })
    } else {
        Err(Error::KdfIterations { found: iterations })
    }
}

fn cipher_key(passphrase: &str, iterations: NonZeroU32, salt: &[u8]) -> Result<LessSafeKey, Error> {
    let mut derived = Zeroizing::new([0u8; 32]);
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        iterations,
        salt,
        passphrase.as_bytes(),
        &mut *derived,
    );
    let unbound = UnboundKey::new(&aead::AES_256_GCM, &*derived).map_err(|_| Error::Signing)?;
    Ok(LessSafeKey::new(unbound))
}
