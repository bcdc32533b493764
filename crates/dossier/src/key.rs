//! Signature algorithms and public keys: their JWK form (RFC 7517, RFC 8037),
//! thumbprints (RFC 7638) and signature checks.

use std::fmt;

use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};
use serde_json::{Map, Value};

use crate::b64;
use crate::der::{self, Der, oid};
use crate::error::Error;
use motcua_protocol::Sha256;

/// A JWS signature algorithm this crate makes and accepts (RFC 7518 §3,
/// RFC 8037 §3.1). `none`, the HMAC algorithms and anything else are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// ECDSA on P-256 with SHA-256; the device keys.
    Es256,
    /// Ed25519 (RFC 8037).
    EdDsa,
    /// RSASSA-PKCS1-v1_5 with SHA-256, RSA keys of 2048 to 8192 bits.
    Rs256,
    /// RSASSA-PSS with SHA-256 and MGF1-SHA-256, salt 32 bytes.
    Ps256,
}

impl Algorithm {
    /// Every algorithm, in order of preference.
    pub const ALL: [Self; 4] = [Self::Es256, Self::EdDsa, Self::Ps256, Self::Rs256];

    /// The `alg` header value.
    pub fn name(self) -> &'static str {
        match self {
            Self::Es256 => "ES256",
            Self::EdDsa => "EdDSA",
            Self::Rs256 => "RS256",
            Self::Ps256 => "PS256",
        }
    }

    /// Reads an `alg` value; `None` for any other.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The kind of key the algorithm needs.
    pub fn key_kind(self) -> KeyKind {
        match self {
            Self::Es256 => KeyKind::P256,
            Self::EdDsa => KeyKind::Ed25519,
            Self::Rs256 | Self::Ps256 => KeyKind::Rsa,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The kind of a key pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyKind {
    /// An elliptic-curve key on NIST P-256.
    P256,
    /// An Ed25519 key.
    Ed25519,
    /// An RSA key.
    Rsa,
}

impl KeyKind {
    /// A short name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::P256 => "EC P-256",
            Self::Ed25519 => "Ed25519",
            Self::Rsa => "RSA",
        }
    }

    /// The algorithm used when the caller names none.
    pub fn default_algorithm(self) -> Algorithm {
        match self {
            Self::P256 => Algorithm::Es256,
            Self::Ed25519 => Algorithm::EdDsa,
            Self::Rsa => Algorithm::Rs256,
        }
    }
}

/// A public key of a kind this crate supports.
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PublicKey {
    /// P-256 point, uncompressed: `04 || x || y` (SEC 1 §2.3.3).
    P256([u8; 65]),
    /// Ed25519 public key (RFC 8032 §5.1.5).
    Ed25519([u8; 32]),
    /// RSA modulus and public exponent, big-endian without leading zeros.
    Rsa {
        /// The modulus.
        n: Vec<u8>,
        /// The public exponent.
        e: Vec<u8>,
    },
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PublicKey({}, {})",
            self.kind().name(),
            self.thumbprint()
        )
    }
}

/// JWK members that hold private key material (RFC 7518 §6.2.2, §6.3.2,
/// §6.4.1; RFC 8037 §2).
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

impl PublicKey {
    /// The kind of key.
    pub fn kind(&self) -> KeyKind {
        match self {
            Self::P256(_) => KeyKind::P256,
            Self::Ed25519(_) => KeyKind::Ed25519,
            Self::Rsa { .. } => KeyKind::Rsa,
        }
    }

    /// The RSA modulus size in bits, or `None` for other keys.
    pub fn rsa_bits(&self) -> Option<usize> {
        match self {
            Self::Rsa { n, .. } => n
                .first()
                .map(|top| n.len() * 8 - top.leading_zeros() as usize),
            _ => None,
        }
    }

    /// Builds an RSA key from big-endian bytes (leading zeros are dropped).
    pub(crate) fn rsa(n: &[u8], e: &[u8]) -> Self {
        let strip = |b: &[u8]| b[b.iter().position(|x| *x != 0).unwrap_or(b.len())..].to_vec();
        Self::Rsa {
            n: strip(n),
            e: strip(e),
        }
    }

    /// The public JWK: only the members RFC 7638 §3.2 requires, so the
    /// object is the same whoever writes it.
    pub fn to_jwk(&self) -> Map<String, Value> {
        let mut m = Map::new();
        let mut put = |k: &str, v: String| {
            m.insert(k.to_owned(), Value::String(v));
        };
        match self {
            Self::P256(point) => {
                put("kty", "EC".into());
                put("crv", "P-256".into());
                put("x", b64::encode(&point[1..33]));
                put("y", b64::encode(&point[33..]));
            }
            Self::Ed25519(x) => {
                put("kty", "OKP".into());
                put("crv", "Ed25519".into());
                put("x", b64::encode(x));
            }
            Self::Rsa { n, e } => {
                put("kty", "RSA".into());
                put("n", b64::encode(n));
                put("e", b64::encode(e));
            }
        }
        m
    }

    /// Reads a public JWK. Members other than the key's own (`kid`, `use`,
    /// `alg`, ...) are ignored; private members are refused.
    pub fn from_jwk(jwk: &Map<String, Value>) -> Result<Self, Error> {
        if let Some(member) = PRIVATE_MEMBERS.iter().find(|m| jwk.contains_key(**m)) {
            return Err(Error::PrivateJwk {
                member: (*member).to_owned(),
            });
        }
        let text = |name: &'static str| -> Result<&str, Error> {
            jwk.get(name).and_then(Value::as_str).ok_or(Error::Jwk {
                reason: "a required member is missing or not a string",
            })
        };
        let bytes = |name: &'static str| text(name).and_then(|t| b64::decode("JWK member", t));
        match (text("kty")?, jwk.get("crv").and_then(Value::as_str)) {
            ("EC", Some("P-256")) => {
                let (x, y) = (bytes("x")?, bytes("y")?);
                if x.len() != 32 || y.len() != 32 {
                    return Err(Error::Jwk {
                        reason: "P-256 coordinates must be 32 bytes each",
                    });
                }
                let mut point = [0u8; 65];
                point[0] = 4;
                point[1..33].copy_from_slice(&x);
                point[33..].copy_from_slice(&y);
                Ok(Self::P256(point))
            }
            ("OKP", Some("Ed25519")) => {
                let x: [u8; 32] = bytes("x")?.try_into().map_err(|_| Error::Jwk {
                    reason: "an Ed25519 key must be 32 bytes",
                })?;
                Ok(Self::Ed25519(x))
            }
            ("RSA", _) => {
                let (n, e) = (bytes("n")?, bytes("e")?);
                if n.first() == Some(&0) || e.first() == Some(&0) || n.is_empty() || e.is_empty() {
                    return Err(Error::Jwk {
                        reason: "RSA n and e must be unsigned without leading zeros (RFC 7518 §6.3.1)",
                    });
                }
                Ok(Self::Rsa { n, e })
            }
            (kty, crv) => Err(Error::UnsupportedKey {
                found: match crv {
                    Some(crv) => format!("{kty} {crv}"),
                    None => kty.to_owned(),
                },
            }),
        }
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url), used as `kid`.
    pub fn thumbprint(&self) -> String {
        // The JWK's members in lexicographic order without whitespace:
        // exactly its RFC 8785 form, as the members are plain ASCII strings.
        let canonical = serde_json_canonicalizer::to_vec(&self.to_jwk()).unwrap_or_default();
        b64::encode(Sha256::digest(&canonical).as_bytes())
    }

    /// Reads a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7).
    pub fn from_spki(spki: &[u8]) -> Result<Self, Error> {
        let mut outer = Der::new(spki, "public key");
        let mut seq = outer.enter(der::SEQUENCE)?;
        outer.finish()?;
        let (alg, params) = der::algorithm_identifier(&mut seq)?;
        let bits = seq.expect(der::BIT_STRING)?;
        seq.finish()?;
        let key = match bits {
            [0, key @ ..] => key,
            _ => {
                return Err(Error::Der {
                    what: "public key",
                    reason: "has a bit string with unused bits",
                });
            }
        };
        match (alg, params) {
            (oid::EC, Some(oid::P256)) => {
                let point: [u8; 65] = key.try_into().map_err(|_| Error::Der {
                    what: "public key",
                    reason: "is not an uncompressed P-256 point",
                })?;
                if point[0] != 4 {
                    return Err(Error::Der {
                        what: "public key",
                        reason: "is not an uncompressed P-256 point",
                    });
                }
                Ok(Self::P256(point))
            }
            (oid::ED25519, None) => Ok(Self::Ed25519(key.try_into().map_err(|_| Error::Der {
                what: "public key",
                reason: "is not a 32-byte Ed25519 key",
            })?)),
            (oid::RSA, None) => Self::from_rsa_public_key(key),
            (alg, params) => Err(Error::UnsupportedKey {
                found: describe_key_oid(alg, params),
            }),
        }
    }

    /// Reads a DER RSAPublicKey (RFC 8017 appendix A.1.1).
    pub(crate) fn from_rsa_public_key(der_bytes: &[u8]) -> Result<Self, Error> {
        let mut outer = Der::new(der_bytes, "RSA public key");
        let mut seq = outer.enter(der::SEQUENCE)?;
        outer.finish()?;
        let n = seq.unsigned_integer()?;
        let e = seq.unsigned_integer()?;
        seq.finish()?;
        Ok(Self::rsa(n, e))
    }

    /// Checks `signature` over `message` with `alg`.
    ///
    /// Fails with [`Error::KeyAlgorithmMismatch`] when the key does not suit
    /// the algorithm, [`Error::RsaKeyTooSmall`] for RSA keys under 2048
    /// bits, [`Error::SignatureLength`] when the signature has the
    /// wrong size for the key, [`Error::WeakEd25519Key`] and
    /// [`Error::WeakEd25519Signature`] for small-order or non-canonical
    /// Ed25519 points (which ring accepts), and [`Error::BadSignature`]
    /// otherwise.
    pub fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        if alg.key_kind() != self.kind() {
            return Err(Error::KeyAlgorithmMismatch {
                alg: alg.name(),
                key: self.kind().name(),
            });
        }
        if let Some(bits) = self.rsa_bits().filter(|b| *b < 2048) {
            return Err(Error::RsaKeyTooSmall { bits });
        }
        let expected = self.signature_len();
        if signature.len() != expected {
            return Err(Error::SignatureLength {
                expected,
                found: signature.len(),
            });
        }
        let ok = match (self, alg) {
            (Self::P256(point), _) => {
                UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                    .verify(message, signature)
            }
            (Self::Ed25519(x), _) => {
                if !ed25519_point_is_strict(x) {
                    return Err(Error::WeakEd25519Key);
                }
                if !signature[..32]
                    .try_into()
                    .is_ok_and(ed25519_point_is_strict)
                {
                    return Err(Error::WeakEd25519Signature);
                }
                UnparsedPublicKey::new(&signature::ED25519, x).verify(message, signature)
            }
            (Self::Rsa { n, e }, Algorithm::Ps256) => RsaPublicKeyComponents { n, e }.verify(
                &signature::RSA_PSS_2048_8192_SHA256,
                message,
                signature,
            ),
            (Self::Rsa { n, e }, _) => RsaPublicKeyComponents { n, e }.verify(
                &signature::RSA_PKCS1_2048_8192_SHA256,
                message,
                signature,
            ),
        };
        ok.map_err(|_| Error::BadSignature)
    }

    /// The size of a signature by this key: 64 bytes for ES256 (R || S,
    /// RFC 7518 §3.4) and EdDSA, the modulus size for RSA.
    pub(crate) fn signature_len(&self) -> usize {
        match self {
            Self::P256(_) | Self::Ed25519(_) => 64,
            Self::Rsa { n, .. } => n.len(),
        }
    }
}

/// A readable name for a key algorithm OID, for "unsupported key" errors.
pub(crate) fn describe_key_oid(alg: &[u8], params: Option<&[u8]>) -> String {
    match (alg, params) {
        (oid::EC, Some(oid::P384)) => "EC P-384".into(),
        (oid::EC, Some(oid::P521)) => "EC P-521".into(),
        (oid::EC, _) => "EC on another curve".into(),
        (oid::ED448, _) => "Ed448".into(),
        (oid::RSA_PSS, _) => "RSA-PSS-only key (convert it to a plain RSA key)".into(),
        (oid::RSA, _) => "RSA with unexpected parameters".into(),
        _ => "key algorithm OID ".to_owned() + &dotted_oid(alg),
    }
}

/// Dotted-decimal form of a DER OID (X.690 §8.19).
fn dotted_oid(bytes: &[u8]) -> String {
    let mut parts: Vec<u64> = Vec::new();
    let mut acc: u64 = 0;
    for b in bytes {
        acc = (acc << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if parts.is_empty() {
                let first = (acc / 40).min(2);
                parts.push(first);
                parts.push(acc - first * 40);
            } else {
                parts.push(acc);
            }
            acc = 0;
        }
    }
    parts
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// The y coordinates (little-endian, sign bit clear) of the eight points
/// of small order on edwards25519: 0 (order 4), 1 (the identity), p − 1
/// (order 2) and the two of order 8 (libsodium `has_small_order`,
/// crypto_core/ed25519/ref10/ed25519_ref10.c).
const SMALL_ORDER_Y: [[u8; 32]; 5] = [
    [0; 32],
    {
        let mut one = [0; 32];
        one[0] = 1;
        one
    },
    {
        let mut p_minus_one = P;
        p_minus_one[0] -= 1;
        p_minus_one
    },
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ],
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ],
];

/// The field prime p = 2^255 − 19, little-endian.
const P: [u8; 32] = {
    let mut p = [0xff; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    p
};

/// Whether an Ed25519 point encoding (RFC 8032 §5.1.2) is canonical (y < p)
/// and not of small order, whatever its sign bit. Public keys and R points
/// that fail are refused before ring checks the equation, since a
/// small-order key with a small-order R "verifies" any message.
fn ed25519_point_is_strict(encoding: &[u8; 32]) -> bool {
    let mut y = *encoding;
    y[31] &= 0x7f;
    // y < p, compared from the most significant byte.
    let canonical = y.iter().rev().cmp(P.iter().rev()) == std::cmp::Ordering::Less;
    canonical && !SMALL_ORDER_Y.contains(&y)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fault of issue 12: an all-but-zero key (the identity) and
    /// signature (R the identity, S = 0) "verified" any message.
    #[test]
    fn small_order_and_non_canonical_ed25519_points_are_refused() {
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut signature = [0u8; 64];
        signature[0] = 1;
        let weak = PublicKey::Ed25519(identity);
        for message in [&b"one manifest"[..], b"another", b""] {
            // ring alone takes it, which is why the points are checked here.
            assert!(
                UnparsedPublicKey::new(&signature::ED25519, &identity)
                    .verify(message, &signature)
                    .is_ok()
            );
            assert!(matches!(
                weak.verify(Algorithm::EdDsa, message, &signature),
                Err(Error::WeakEd25519Key)
            ));
        }
        // Every small-order y, with either sign bit, and every y >= p.
        let mut refused = Vec::new();
        for y in SMALL_ORDER_Y {
            for sign in [0, 0x80] {
                let mut e = y;
                e[31] |= sign;
                refused.push(e);
            }
        }
        for k in 0..19u8 {
            let mut e = P;
            e[0] += k;
            refused.push(e);
            e[31] |= 0x80;
            refused.push(e);
        }
        for e in &refused {
            assert!(!ed25519_point_is_strict(e), "{e:02x?}");
        }
        // A real key with a small-order R is refused too.
        // RFC 8037 §A.1's key.
        let x: [u8; 32] = [
            0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64,
            0x07, 0x3a, 0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68,
            0xf7, 0x07, 0x51, 0x1a,
        ];
        assert!(ed25519_point_is_strict(&x));
        let good = PublicKey::Ed25519(x);
        let mut base = [0u8; 32];
        base[0] = 0x58;
        base[1..].fill(0x66);
        assert!(ed25519_point_is_strict(&base), "the base point is fine");
        for r in &refused {
            let mut forged = [0u8; 64];
            forged[..32].copy_from_slice(r);
            assert!(matches!(
                good.verify(Algorithm::EdDsa, b"m", &forged),
                Err(Error::WeakEd25519Signature)
            ));
        }
    }

    #[test]
    fn rfc7638_thumbprint_example() {
        // RFC 7638 §3.1.
        let jwk: Map<String, Value> = serde_json::from_str(
            r#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#,
        )
        .unwrap();
        let key = PublicKey::from_jwk(&jwk).unwrap();
        assert_eq!(
            key.thumbprint(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
        assert_eq!(key.rsa_bits(), Some(2048));
    }

    #[test]
    fn private_jwk_members_are_refused() {
        let jwk: Map<String, Value> =
            serde_json::from_str(r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}"#)
                .unwrap();
        assert!(
            matches!(PublicKey::from_jwk(&jwk), Err(Error::PrivateJwk { member }) if member == "d")
        );
    }

    #[test]
    fn oids() {
        assert_eq!(dotted_oid(oid::RSA), "1.2.840.113549.1.1.1");
        assert_eq!(dotted_oid(oid::ED25519), "1.3.101.112");
    }
}
