//! Who signs: the [`Signer`] trait and [`SigningKey`], the signer over a
//! private key held in memory (a device key or an imported key).

use std::fmt;

use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, RsaKeyPair};
use zeroize::Zeroizing;

use crate::cert::Certificate;
use crate::der::{self, Der, oid, pem_blocks};
use crate::error::Error;
use crate::key::{Algorithm, KeyKind, PublicKey, describe_key_oid};

/// Most certificates in an `x5c` chain.
pub const MAX_CHAIN: usize = 10;

/// Something that signs JWS signing inputs.
///
/// The trait is object safe (`&dyn Signer`), so other kinds of signer plug
/// in beside [`SigningKey`]: a WebAuthn credential, a remote signing service
/// (CSC API `signatures/signHash`), a USB token behind a local service.
/// Those sign asynchronously; they use the two-step API instead of this
/// trait: [`SealedDossier::prepare_signature`](crate::SealedDossier::prepare_signature)
/// gives the exact bytes to sign (and their SHA-256 for a hash-signing
/// service), the signature comes back later, and
/// [`SealedDossier::add_signature`](crate::SealedDossier::add_signature)
/// checks and attaches it. See `docs/dossier-format.md`.
pub trait Signer {
    /// The JWS algorithm of the signatures this signer makes.
    fn algorithm(&self) -> Algorithm;

    /// The public key that checks them.
    fn public_key(&self) -> &PublicKey;

    /// The certificate chain, leaf first, or nothing for a bare key. With a
    /// chain the seal carries `x5c` and `x5t#S256`, otherwise `jwk`.
    fn certificates(&self) -> &[Certificate] {
        &[]
    }

    /// Signs `signing_input` and returns the JWS signature bytes (for ES256
    /// the 64-byte `R || S`, RFC 7518 §3.4, not DER).
    fn sign(&self, signing_input: &[u8]) -> Result<Vec<u8>, Error>;
}

enum Pair {
    P256(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
    Rsa(RsaKeyPair),
}

/// A private key in memory, ready to sign: a device key made here, or a key
/// imported from PKCS#8, perhaps with its certificate chain.
///
/// The PKCS#8 bytes are kept (wiped on drop) so the key can be written to
/// an encrypted [`KeyFile`](crate::KeyFile) again.
pub struct SigningKey {
    alg: Algorithm,
    pair: Pair,
    public: PublicKey,
    chain: Vec<Certificate>,
    pkcs8: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("alg", &self.alg)
            .field("public", &self.public)
            .field("chain", &self.chain.len())
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Makes a new device key: ECDSA P-256 for ES256, from the system's
    /// secure random source.
    pub fn generate_device_key() -> Result<Self, Error> {
        let rng = SystemRandom::new();
        let doc = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .map_err(|_| Error::Random)?;
        Self::from_pkcs8_der(doc.as_ref(), Some(Algorithm::Es256))
    }

    /// Reads an unencrypted PKCS#8 private key (RFC 5958) in DER: RSA of at
    /// least 2048 bits, EC P-256 or Ed25519.
    ///
    /// `alg` picks the algorithm; `None` takes ES256, EdDSA or RS256 by key
    /// kind. An algorithm that does not suit the key is refused.
    pub fn from_pkcs8_der(pkcs8: &[u8], alg: Option<Algorithm>) -> Result<Self, Error> {
        let (kind, rsa_bits) = pkcs8_kind(pkcs8)?;
        let alg = alg.unwrap_or(kind.default_algorithm());
        if alg.key_kind() != kind {
            return Err(Error::KeyAlgorithmMismatch {
                alg: alg.name(),
                key: kind.name(),
            });
        }
        if let Some(bits) = rsa_bits.filter(|b| *b < 2048) {
            return Err(Error::RsaKeyTooSmall { bits });
        }
        let rejected = |e: ring::error::KeyRejected| Error::Pkcs8 {
            reason: e.to_string(),
        };
        let (pair, public) = match kind {
            KeyKind::P256 => {
                let pair = EcdsaKeyPair::from_pkcs8(
                    &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                    pkcs8,
                    &SystemRandom::new(),
                )
                .map_err(rejected)?;
                let point: [u8; 65] =
                    pair.public_key()
                        .as_ref()
                        .try_into()
                        .map_err(|_| Error::Pkcs8 {
                            reason: "unexpected P-256 public key size".into(),
                        })?;
                (Pair::P256(pair), PublicKey::P256(point))
            }
            KeyKind::Ed25519 => {
                let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8).map_err(rejected)?;
                let x: [u8; 32] =
                    pair.public_key()
                        .as_ref()
                        .try_into()
                        .map_err(|_| Error::Pkcs8 {
                            reason: "unexpected Ed25519 public key size".into(),
                        })?;
                (Pair::Ed25519(pair), PublicKey::Ed25519(x))
            }
            KeyKind::Rsa => {
                let pair = RsaKeyPair::from_pkcs8(pkcs8).map_err(rejected)?;
                let public = PublicKey::from_rsa_public_key(pair.public().as_ref())?;
                (Pair::Rsa(pair), public)
            }
        };
        Ok(Self {
            alg,
            pair,
            public,
            chain: Vec::new(),
            pkcs8: Zeroizing::new(pkcs8.to_vec()),
        })
    }

    /// Reads a PEM text holding one `PRIVATE KEY` (unencrypted PKCS#8) and,
    /// optionally, its `CERTIFICATE` chain, leaf first.
    ///
    /// Encrypted PKCS#8 and the older `RSA PRIVATE KEY` / `EC PRIVATE KEY`
    /// forms are refused with an error saying how to convert them.
    pub fn from_pem(pem: &str, alg: Option<Algorithm>) -> Result<Self, Error> {
        let blocks = pem_blocks(pem)?;
        let mut key = None;
        let mut chain = Vec::new();
        for block in &blocks {
            match block.label.as_str() {
                "PRIVATE KEY" if key.is_none() => key = Some(block),
                "PRIVATE KEY" => {
                    return Err(Error::Pem {
                        reason: "more than one PRIVATE KEY block",
                    });
                }
                "ENCRYPTED PRIVATE KEY" => return Err(Error::EncryptedPkcs8),
                "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
                    return Err(Error::LegacyKeyFormat {
                        label: block.label.clone(),
                    });
                }
                "CERTIFICATE" => chain.push(Certificate::from_der(&block.der)?),
                _ => {}
            }
        }
        let Some(key) = key else {
            return Err(Error::Pem {
                reason: "no PRIVATE KEY block",
            });
        };
        let signer = Self::from_pkcs8_der(&key.der, alg)?;
        if chain.is_empty() {
            Ok(signer)
        } else {
            signer.with_certificates(chain)
        }
    }

    /// Attaches the certificate chain, leaf first. The leaf's public key
    /// must be this key's.
    pub fn with_certificates(mut self, chain: Vec<Certificate>) -> Result<Self, Error> {
        if chain.len() > MAX_CHAIN {
            return Err(Error::Limit {
                what: "certificates in the chain",
                limit: MAX_CHAIN as u64,
                found: chain.len() as u64,
            });
        }
        if let Some(leaf) = chain.first()
            && leaf.public_key() != &self.public
        {
            return Err(Error::CertificateKeyMismatch {
                kid: self.public.thumbprint(),
                certificate: leaf.public_key().thumbprint(),
            });
        }
        self.chain = chain;
        Ok(self)
    }

    /// The RFC 7638 thumbprint of the public key, the `kid` of its seals.
    pub fn kid(&self) -> String {
        self.public.thumbprint()
    }

    /// The unencrypted PKCS#8 DER, for encryption into a key file.
    pub(crate) fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }
}

impl Signer for SigningKey {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn public_key(&self) -> &PublicKey {
        &self.public
    }

    fn certificates(&self) -> &[Certificate] {
        &self.chain
    }

    fn sign(&self, signing_input: &[u8]) -> Result<Vec<u8>, Error> {
        let rng = SystemRandom::new();
        match &self.pair {
            Pair::P256(pair) => pair
                .sign(&rng, signing_input)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| Error::Signing),
            Pair::Ed25519(pair) => Ok(pair.sign(signing_input).as_ref().to_vec()),
            Pair::Rsa(pair) => {
                let padding: &'static dyn signature::RsaEncoding = match self.alg {
                    Algorithm::Ps256 => &signature::RSA_PSS_SHA256,
                    _ => &signature::RSA_PKCS1_SHA256,
                };
                let mut out = vec![0u8; pair.public().modulus_len()];
                pair.sign(padding, &rng, signing_input, &mut out)
                    .map_err(|_| Error::Signing)?;
                Ok(out)
            }
        }
    }
}

/// The kind of key in a PKCS#8 PrivateKeyInfo (RFC 5958 §2), and for RSA
/// its modulus size in bits.
fn pkcs8_kind(pkcs8: &[u8]) -> Result<(KeyKind, Option<usize>), Error> {
    let mut outer = Der::new(pkcs8, "PKCS#8 private key");
    let mut info = outer.enter(der::SEQUENCE)?;
    outer.finish()?;
    let mut peek = info;
    if let Ok((der::SEQUENCE, _, _)) = peek.next() {
        // EncryptedPrivateKeyInfo starts with an AlgorithmIdentifier.
        return Err(Error::EncryptedPkcs8);
    }
    info.expect(der::INTEGER)?;
    // The pre-PKCS#8 forms: RSAPrivateKey (RFC 8017 A.1.2) goes on with the
    // modulus, ECPrivateKey (RFC 5915 §3) with the private key octets.
    match info.clone().next() {
        Ok((der::INTEGER, _, _)) => {
            return Err(Error::LegacyKeyFormat {
                label: "RSA PRIVATE KEY".into(),
            });
        }
        Ok((der::OCTET_STRING, _, _)) => {
            return Err(Error::LegacyKeyFormat {
                label: "EC PRIVATE KEY".into(),
            });
        }
        _ => {}
    }
    let (alg, params) = der::algorithm_identifier(&mut info)?;
    match (alg, params) {
        (oid::EC, Some(oid::P256)) => Ok((KeyKind::P256, None)),
        (oid::ED25519, None) => Ok((KeyKind::Ed25519, None)),
        (oid::RSA, None) => {
            let private = info.expect(der::OCTET_STRING)?;
            let mut outer = Der::new(private, "RSA private key");
            let mut seq = outer.enter(der::SEQUENCE)?;
            seq.expect(der::INTEGER)?;
            let n = seq.unsigned_integer()?;
            let bits = n
                .first()
                .map_or(0, |top| n.len() * 8 - top.leading_zeros() as usize);
            Ok((KeyKind::Rsa, Some(bits)))
        }
        (alg, params) => Err(Error::UnsupportedKey {
            found: describe_key_oid(alg, params),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_keys_sign_and_verify() {
        let key = SigningKey::generate_device_key().unwrap();
        assert_eq!(key.algorithm(), Algorithm::Es256);
        let sig = key.sign(b"hello").unwrap();
        assert_eq!(sig.len(), 64);
        key.public_key()
            .verify(Algorithm::Es256, b"hello", &sig)
            .unwrap();
        assert!(matches!(
            key.public_key().verify(Algorithm::Es256, b"hellO", &sig),
            Err(Error::BadSignature)
        ));
        let again = SigningKey::from_pkcs8_der(key.pkcs8(), None).unwrap();
        assert_eq!(again.public_key(), key.public_key());
        assert!(matches!(
            SigningKey::from_pkcs8_der(key.pkcs8(), Some(Algorithm::Rs256)),
            Err(Error::KeyAlgorithmMismatch { .. })
        ));
    }

    #[test]
    fn garbage_is_not_a_key() {
        for bad in [&b""[..], b"\x30\x03\x02\x01\x00", b"not der at all"] {
            assert!(SigningKey::from_pkcs8_der(bad, None).is_err());
        }
    }
}
