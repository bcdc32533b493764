//! The signed directory: a JWS in the flattened JSON serialization
//! (RFC 7515 §7.2.2) whose payload is the directory's RFC 8785 bytes, and
//! the publisher keys a client pins to check it.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use motcua_dossier::{Algorithm, PublicKey, Signer, Timestamp};
use serde_json::{Map, Value};

use super::{DIRECTORY_TYP, Directory, MAX_DIRECTORY_BYTES, is_thumbprint, malformed};
use crate::error::Error;

/// How far the device's clock may run behind the publisher's before a new
/// directory counts as not yet valid, in seconds.
const CLOCK_SKEW_SECS: i64 = 300;

/// A key that is trusted to sign directories.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pin {
    /// Its RFC 7638 thumbprint.
    kid: String,
    /// The key, when pinned as a JWK (needed for directories whose header
    /// names the key by `kid` only).
    key: Option<PublicKey>,
}

/// The publisher keys a client trusts: JWKs or their RFC 7638 thumbprints.
///
/// A directory signed by `motcua directory sign` carries the publisher's
/// public key in its protected header (`jwk`), so a thumbprint alone pins
/// it: the app can compile in the thumbprints of its publishers and read
/// more from a key file served with it (docs/directory.md, "Pinning").
///
/// ```
/// use motcua_submit::PublisherPins;
/// let pins = PublisherPins::new()
///     .with_thumbprint("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")?
///     .with_json(br#"{"keys":[{"kty":"OKP","crv":"Ed25519",
///         "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#)?;
/// assert_eq!(pins.thumbprints().count(), 2);
/// # Ok::<(), motcua_submit::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublisherPins {
    pins: Vec<Pin>,
}

impl PublisherPins {
    /// Trusts no key yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also trusts `key`.
    pub fn with_key(mut self, key: PublicKey) -> Self {
        let kid = key.thumbprint();
        self.pins.retain(|p| p.kid != kid);
        self.pins.push(Pin {
            kid,
            key: Some(key),
        });
        self
    }

    /// Also trusts the key with this RFC 7638 SHA-256 thumbprint.
    pub fn with_thumbprint(mut self, kid: &str) -> Result<Self, Error> {
        if !is_thumbprint(kid) {
            return Err(Error::PublisherKey {
                detail: format!(
                    "expected an RFC 7638 SHA-256 thumbprint (43 base64url characters), found {kid:?}"
                ),
            });
        }
        if !self.pins.iter().any(|p| p.kid == kid) {
            self.pins.push(Pin {
                kid: kid.to_owned(),
                key: None,
            });
        }
        Ok(self)
    }

    /// Also trusts the keys of a JSON document: one public JWK (RFC 7517
    /// §4), or a JWK Set (`{"keys": [...]}`, RFC 7517 §5).
    pub fn with_json(mut self, json: &[u8]) -> Result<Self, Error> {
        let bad = |detail: String| Error::PublisherKey { detail };
        let value: Value =
            serde_json::from_slice(json).map_err(|e| bad(format!("not JSON: {e}")))?;
        let jwks: Vec<&Map<String, Value>> = match value.get("keys") {
            Some(Value::Array(keys)) => keys
                .iter()
                .map(|k| {
                    k.as_object()
                        .ok_or_else(|| bad("a member of \"keys\" is not an object".into()))
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(bad("\"keys\" is not an array".into())),
            None => vec![
                value
                    .as_object()
                    .ok_or_else(|| bad("expected a JWK or a JWK Set".into()))?,
            ],
        };
        if jwks.is_empty() {
            return Err(bad("the JWK Set holds no key".into()));
        }
        for jwk in jwks {
            let key = PublicKey::from_jwk(jwk).map_err(|e| bad(e.to_string()))?;
            self = self.with_key(key);
        }
        Ok(self)
    }

    /// The thumbprints of the trusted keys.
    pub fn thumbprints(&self) -> impl Iterator<Item = &str> {
        self.pins.iter().map(|p| p.kid.as_str())
    }

    /// Whether no key is trusted.
    pub fn is_empty(&self) -> bool {
        self.pins.is_empty()
    }

    fn find(&self, kid: &str) -> Option<&Pin> {
        self.pins.iter().find(|p| p.kid == kid)
    }
}

/// A directory whose signature, publisher and validity were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedDirectory {
    directory: Directory,
    publisher_kid: String,
    algorithm: Algorithm,
}

impl VerifiedDirectory {
    /// The directory.
    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    /// The directory, owned.
    pub fn into_directory(self) -> Directory {
        self.directory
    }

    /// The RFC 7638 thumbprint of the publisher key that signed it.
    pub fn publisher_kid(&self) -> &str {
        &self.publisher_kid
    }

    /// The signature algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}

fn b64_decode(what: &str, text: &str) -> Result<Vec<u8>, Error> {
    B64URL
        .decode(text)
        .map_err(|e| malformed(format!("{what} is not base64url: {e}")))
}

/// The accepted signature algorithms: ES256 (P-256) and EdDSA (Ed25519).
fn accepted(alg: Algorithm) -> bool {
    matches!(alg, Algorithm::Es256 | Algorithm::EdDsa)
}

impl Directory {
    /// Signs a directory document for publication: checks it
    /// ([`from_json`](Self::from_json), and no unknown members), and signs
    /// its RFC 8785 bytes with `signer` (ES256 or EdDSA). The result is the
    /// signed file: a flattened JWS JSON object with the protected header
    /// `{"alg", "jwk", "kid", "typ": "motcua-directory+jws"}`.
    pub fn sign(json: &[u8], signer: &dyn Signer) -> Result<Vec<u8>, Error> {
        let canonical = motcua_dossier::canonicalize(json).map_err(|e| malformed(e.to_string()))?;
        let value: Value =
            serde_json::from_slice(&canonical).map_err(|e| malformed(e.to_string()))?;
        let unknown = Self::unknown_members(&value);
        if !unknown.is_empty() {
            return Err(malformed(format!(
                "members this format does not define: {}",
                unknown.join(", ")
            )));
        }
        Self::from_value(value)?;
        let alg = signer.algorithm();
        if !accepted(alg) {
            return Err(Error::Signing {
                detail: format!("directories are signed with ES256 or EdDSA, not {alg}"),
            });
        }
        let key = signer.public_key();
        let mut header = Map::new();
        header.insert("alg".into(), alg.name().into());
        header.insert("jwk".into(), Value::Object(key.to_jwk()));
        header.insert("kid".into(), key.thumbprint().into());
        header.insert("typ".into(), DIRECTORY_TYP.into());
        let header = serde_json::to_vec(&header)
            .map_err(|e| e.to_string())
            .and_then(|json| motcua_dossier::canonicalize(&json).map_err(|e| e.to_string()))
            .map_err(|detail| Error::Signing { detail })?;
        let protected = B64URL.encode(header);
        let payload = B64URL.encode(&canonical);
        let signing_input = format!("{protected}.{payload}");
        let signature = signer
            .sign(signing_input.as_bytes())
            .map_err(|e| Error::Signing {
                detail: e.to_string(),
            })?;
        let mut out = Map::new();
        out.insert("payload".into(), payload.into());
        out.insert("protected".into(), protected.into());
        out.insert("signature".into(), B64URL.encode(signature).into());
        let mut bytes = serde_json::to_vec(&out).map_err(|e| Error::Signing {
            detail: e.to_string(),
        })?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// Checks a signed directory file and reads it.
    ///
    /// In order, with a distinct error for each: the file is a flattened JWS
    /// JSON object of at most [`MAX_DIRECTORY_BYTES`]
    /// ([`Error::DirectoryMalformed`]); it is signed — not a bare directory,
    /// no `alg` `none`, a signature present ([`Error::DirectoryUnsigned`]);
    /// the key named in its header (`jwk`, or `kid` of a key pinned as a
    /// JWK) is one of `pins` ([`Error::DirectoryUntrusted`]); the header is
    /// `typ` `motcua-directory+jws`, ES256 or EdDSA, no `crit`
    /// ([`Error::DirectoryMalformed`]); the signature verifies
    /// ([`Error::DirectoryTampered`]); the payload is a valid directory
    /// ([`Error::DirectoryMalformed`]); and `now` is within its validity —
    /// not before `issued` (allowing five minutes of clock skew,
    /// [`Error::DirectoryNotYetValid`]), not after `expires`
    /// ([`Error::DirectoryExpired`]).
    pub fn verify(
        signed: &[u8],
        pins: &PublisherPins,
        now: Timestamp,
    ) -> Result<VerifiedDirectory, Error> {
        if signed.len() > MAX_DIRECTORY_BYTES {
            return Err(malformed(format!(
                "{} bytes, at most {MAX_DIRECTORY_BYTES}",
                signed.len()
            )));
        }
        motcua_dossier::canonicalize(signed).map_err(|e| malformed(e.to_string()))?;
        let envelope: Map<String, Value> = serde_json::from_slice(signed)
            .map_err(|e| malformed(format!("not a JSON object: {e}")))?;
        if envelope.contains_key("offices") {
            // A bare directory document, never signed.
            return Err(Error::DirectoryUnsigned);
        }
        if envelope.contains_key("signatures") {
            return Err(malformed(
                "the general JWS serialization is not read; sign with one key (flattened)",
            ));
        }
        if envelope.contains_key("header") {
            return Err(malformed("an unprotected JWS header is not accepted"));
        }
        let text = |name: &str| envelope.get(name).and_then(Value::as_str);
        let (Some(protected), Some(payload)) = (text("protected"), text("payload")) else {
            return Err(malformed(
                "\"protected\" and \"payload\" (strings) are needed",
            ));
        };
        let signature = match text("signature") {
            Some(s) if !s.is_empty() => b64_decode("signature", s)?,
            _ => return Err(Error::DirectoryUnsigned),
        };
        let header_bytes = b64_decode("protected", protected)?;
        motcua_dossier::canonicalize(&header_bytes)
            .map_err(|e| malformed(format!("protected header: {e}")))?;
        let header: Map<String, Value> = serde_json::from_slice(&header_bytes)
            .map_err(|e| malformed(format!("protected header: {e}")))?;
        let alg_name = header.get("alg").and_then(Value::as_str).unwrap_or("");
        if alg_name.eq_ignore_ascii_case("none") {
            return Err(Error::DirectoryUnsigned);
        }

        // Which key signed it, and is it trusted?
        let kid = header.get("kid").and_then(Value::as_str);
        let key = match header.get("jwk") {
            Some(Value::Object(jwk)) => {
                let key = PublicKey::from_jwk(jwk)
                    .map_err(|e| malformed(format!("protected header jwk: {e}")))?;
                let thumbprint = key.thumbprint();
                if kid.is_some_and(|k| k != thumbprint) {
                    return Err(malformed(
                        "the header's kid is not the thumbprint of its jwk",
                    ));
                }
                if pins.find(&thumbprint).is_none() {
                    return Err(Error::DirectoryUntrusted { kid: thumbprint });
                }
                key
            }
            Some(_) => return Err(malformed("protected header jwk is not an object")),
            None => {
                let kid = kid.ok_or_else(|| malformed("the header names no key (jwk or kid)"))?;
                match pins.find(kid).and_then(|p| p.key.clone()) {
                    Some(key) => key,
                    None => {
                        return Err(Error::DirectoryUntrusted {
                            kid: kid.to_owned(),
                        });
                    }
                }
            }
        };

        let typ = header.get("typ").and_then(Value::as_str);
        if typ != Some(DIRECTORY_TYP) {
            return Err(malformed(format!(
                "protected header typ {typ:?}, expected {DIRECTORY_TYP:?}"
            )));
        }
        if header.contains_key("crit") || header.contains_key("b64") {
            return Err(malformed("protected header crit or b64 is not accepted"));
        }
        let alg = Algorithm::from_name(alg_name)
            .filter(|a| accepted(*a))
            .ok_or_else(|| {
                malformed(format!(
                    "algorithm {alg_name:?}: directories are signed with ES256 or EdDSA"
                ))
            })?;
        if alg.key_kind() != key.kind() {
            return Err(malformed(format!(
                "algorithm {alg} does not suit the {} key",
                key.kind().name()
            )));
        }
        let signing_input = format!("{protected}.{payload}");
        key.verify(alg, signing_input.as_bytes(), &signature)
            .map_err(|_| Error::DirectoryTampered)?;

        let payload = b64_decode("payload", payload)?;
        let directory = Self::from_json(&payload)?;
        if now.unix() + CLOCK_SKEW_SECS < directory.issued.unix() {
            return Err(Error::DirectoryNotYetValid {
                issued: directory.issued,
            });
        }
        if now >= directory.expires {
            return Err(Error::DirectoryExpired {
                expires: directory.expires,
            });
        }
        Ok(VerifiedDirectory {
            directory,
            publisher_kid: key.thumbprint(),
            algorithm: alg,
        })
    }
}
