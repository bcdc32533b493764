//! The seal: a JWS in the general JSON serialization (RFC 7515 §7.2.1) over
//! the manifest's RFC 8785 bytes, detached and unencoded (RFC 7797), and
//! the sealed-dossier file that carries both.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::b64;
use crate::cert::Certificate;
use crate::error::Error;
use crate::json::{parse_strict, to_canonical};
use crate::key::{Algorithm, PublicKey};
use crate::manifest::Manifest;
use crate::signer::{MAX_CHAIN, Signer};
use motcua_protocol::Sha256;
use motcua_protocol::Timestamp;

/// The `typ` of every seal's protected header.
pub const SEAL_TYP: &str = "motcua-seal+jws";
/// The `cty` of every seal's protected header: the payload is a manifest.
pub const MANIFEST_CTY: &str = "motcua-manifest+json";
/// Largest sealed-dossier file read, in bytes.
pub const MAX_SEALED_BYTES: usize = 8 * 1024 * 1024;
/// Most signatures on one dossier.
pub const MAX_SIGNATURES: usize = 16;
/// Largest protected header, in bytes of JSON (before base64url).
pub const MAX_PROTECTED_BYTES: usize = 16 * 1024;

/// One signature of a JWS JSON serialization (RFC 7515 §7.2.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwsSignature {
    /// base64url of the protected header JSON.
    pub protected: String,
    /// An unprotected header: read only to be refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<Value>,
    /// base64url of the signature.
    pub signature: String,
}

/// The JWS general JSON serialization without its payload (detached,
/// RFC 7515 appendix F). A `payload` member, if a tool added one, must be
/// the unencoded canonical manifest (RFC 7797 §5.2).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seal {
    /// The unencoded payload, normally absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    /// The signatures, at least one.
    pub signatures: Vec<JwsSignature>,
}

/// What a checked signature says about its signer.
#[derive(Debug, Clone, PartialEq)]
pub struct SignerInfo {
    /// The algorithm.
    pub alg: Algorithm,
    /// RFC 7638 thumbprint of the key.
    pub kid: String,
    /// When the signer says it signed (`iat`).
    pub signed_at: Timestamp,
    /// The key that verified the signature.
    pub key: PublicKey,
    /// The certificate chain from `x5c`, leaf first; empty for `jwk` keys.
    pub certificates: Vec<Certificate>,
}

/// The outcome for one signature.
#[derive(Debug)]
pub struct SignatureCheck {
    /// Its position in `signatures`.
    pub index: usize,
    /// The signer, or why the signature is refused.
    pub outcome: Result<SignerInfo, Error>,
}

/// The outcome of checking every signature of a seal.
#[derive(Debug)]
pub struct Verification {
    /// SHA-256 of the canonical manifest bytes.
    pub manifest_digest: Sha256,
    /// One entry per signature, in order.
    pub signatures: Vec<SignatureCheck>,
}

impl Verification {
    /// True when there is at least one signature and all verify.
    pub fn is_valid(&self) -> bool {
        !self.signatures.is_empty() && self.signatures.iter().all(|c| c.outcome.is_ok())
    }

    /// The signers, or the first failure ([`Error::NoSignatures`] when there
    /// is no signature).
    pub fn into_result(self) -> Result<Vec<SignerInfo>, Error> {
        if self.signatures.is_empty() {
            return Err(Error::NoSignatures);
        }
        self.signatures.into_iter().map(|c| c.outcome).collect()
    }
}

/// What the verifier accepts beyond the JWS rules.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// If not empty, each signature's key thumbprint (`kid`) must be one of
    /// these, otherwise it fails with [`Error::UnexpectedKey`].
    pub expected_kids: Vec<String>,
}

/// Bytes to be signed by an external signer, and the header that goes with
/// them. Made by [`SealedDossier::prepare_signature`].
#[derive(Debug, Clone)]
pub struct SignatureRequest {
    protected: String,
    signing_input: Vec<u8>,
    alg: Algorithm,
    key: PublicKey,
}

impl SignatureRequest {
    /// The JWS signing input, `BASE64URL(protected) || '.' || payload`
    /// (RFC 7797 §3): the bytes to sign.
    pub fn signing_input(&self) -> &[u8] {
        &self.signing_input
    }

    /// SHA-256 of the signing input, for services that sign a hash (the CSC
    /// API's `signHash` with ES256, RS256 or PS256).
    pub fn digest(&self) -> Sha256 {
        Sha256::digest(&self.signing_input)
    }

    /// The algorithm the signature must use.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }
}

/// A manifest and its seal: the file `motcua seal` writes and offices
/// receive (docs/dossier-format.md):
///
/// ```json
/// { "manifest": { ... }, "seal": { "signatures": [ { "protected": "...", "signature": "..." } ] } }
/// ```
///
/// ```
/// use motcua_dossier::{Manifest, SealedDossier, SigningKey, Timestamp, VerifyOptions};
/// # let manifest = Manifest::from_json(br#"{"format":1,"id":"0b6f6c2e-3f35-4d7a-9c8e-5c8c2b1f0a11",
/// #   "procedure":{"code":"1.001193","version":"2025.1"},"office":"00004","form":{},
/// #   "attachments":[],"created":"2026-11-25T10:00:00Z","client":"doc/1"}"#)?;
/// let key = SigningKey::generate_device_key()?;
/// let now = Timestamp::from_unix(1_795_600_000)?;
/// let sealed = SealedDossier::seal(manifest, &key, now)?;
/// let file = sealed.to_json();
/// let signers = SealedDossier::from_json(&file)?.verify(&VerifyOptions::default()).into_result()?;
/// assert_eq!(signers[0].kid, key.kid());
/// # Ok::<(), motcua_dossier::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SealedDossier {
    manifest: Manifest,
    seal: Seal,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SealedWire {
    manifest: Value,
    seal: Seal,
}

impl SealedDossier {
    /// A dossier with no signature yet. Checks the manifest.
    pub fn new(manifest: Manifest) -> Result<Self, Error> {
        manifest.check()?;
        Ok(Self {
            manifest,
            seal: Seal::default(),
        })
    }

    /// Seals `manifest` with one signer.
    pub fn seal(manifest: Manifest, signer: &dyn Signer, now: Timestamp) -> Result<Self, Error> {
        let mut sealed = Self::new(manifest)?;
        sealed.sign(signer, now)?;
        Ok(sealed)
    }

    /// Adds a signature by `signer` (a second signer: an authorised
    /// representative, a co-applicant).
    pub fn sign(&mut self, signer: &dyn Signer, now: Timestamp) -> Result<(), Error> {
        let request = self.prepare_signature(
            signer.algorithm(),
            signer.public_key(),
            signer.certificates(),
            now,
        )?;
        let signature = signer.sign(request.signing_input())?;
        self.add_signature(request, &signature)
    }

    /// Step one of signing with an external signer: the protected header
    /// for `key` (with `jwk`, or with `x5c` and `x5t#S256` when
    /// `certificates` is not empty) and the signing input.
    pub fn prepare_signature(
        &self,
        alg: Algorithm,
        key: &PublicKey,
        certificates: &[Certificate],
        now: Timestamp,
    ) -> Result<SignatureRequest, Error> {
        if alg.key_kind() != key.kind() {
            return Err(Error::KeyAlgorithmMismatch {
                alg: alg.name(),
                key: key.kind().name(),
            });
        }
        if self.seal.signatures.len() >= MAX_SIGNATURES {
            return Err(Error::Limit {
                what: "signatures",
                limit: MAX_SIGNATURES as u64,
                found: self.seal.signatures.len() as u64 + 1,
            });
        }
        let mut h = Map::new();
        h.insert("alg".into(), alg.name().into());
        h.insert("b64".into(), false.into());
        h.insert("crit".into(), vec!["b64"].into());
        h.insert("cty".into(), MANIFEST_CTY.into());
        h.insert("iat".into(), now.unix().into());
        h.insert("kid".into(), key.thumbprint().into());
        h.insert("typ".into(), SEAL_TYP.into());
        match certificates.first() {
            None => {
                h.insert("jwk".into(), Value::Object(key.to_jwk()));
            }
            Some(leaf) => {
                if leaf.public_key() != key {
                    return Err(Error::CertificateKeyMismatch {
                        kid: key.thumbprint(),
                        certificate: leaf.public_key().thumbprint(),
                    });
                }
                if certificates.len() > MAX_CHAIN {
                    return Err(Error::Limit {
                        what: "certificates in the chain",
                        limit: MAX_CHAIN as u64,
                        found: certificates.len() as u64,
                    });
                }
                let x5c: Vec<Value> = certificates.iter().map(|c| c.to_x5c().into()).collect();
                h.insert("x5c".into(), x5c.into());
                h.insert("x5t#S256".into(), leaf.thumbprint().into());
            }
        }
        let header = to_canonical(&h)?;
        if header.len() > MAX_PROTECTED_BYTES {
            return Err(Error::HeaderTooLarge {
                limit: MAX_PROTECTED_BYTES,
                found: header.len(),
            });
        }
        let protected = b64::encode(&header);
        let signing_input = signing_input(&protected, &self.manifest.canonical_bytes()?);
        Ok(SignatureRequest {
            protected,
            signing_input,
            alg,
            key: key.clone(),
        })
    }

    /// Step two: checks `signature` against the request and adds it. A
    /// signer that returns a bad signature is caught here, not at the office.
    pub fn add_signature(
        &mut self,
        request: SignatureRequest,
        signature: &[u8],
    ) -> Result<(), Error> {
        let payload = self.manifest.canonical_bytes()?;
        if signing_input(&request.protected, &payload) != request.signing_input {
            // The manifest changed between the two steps.
            return Err(Error::BadSignature);
        }
        request
            .key
            .verify(request.alg, &request.signing_input, signature)?;
        self.seal.signatures.push(JwsSignature {
            protected: request.protected,
            header: None,
            signature: b64::encode(signature),
        });
        Ok(())
    }

    /// Reads a sealed-dossier file. Refuses repeated keys, unknown members,
    /// files over [`MAX_SEALED_BYTES`] and more than [`MAX_SIGNATURES`]
    /// signatures; does not check signatures (see [`verify`](Self::verify)).
    pub fn from_json(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() > MAX_SEALED_BYTES {
            return Err(Error::Limit {
                what: "sealed dossier bytes",
                limit: MAX_SEALED_BYTES as u64,
                found: bytes.len() as u64,
            });
        }
        let value = parse_strict("sealed dossier", bytes)?;
        let wire: SealedWire = serde_json::from_value(value).map_err(|source| Error::Json {
            what: "sealed dossier",
            source,
        })?;
        if wire.seal.signatures.len() > MAX_SIGNATURES {
            return Err(Error::Limit {
                what: "signatures",
                limit: MAX_SIGNATURES as u64,
                found: wire.seal.signatures.len() as u64,
            });
        }
        // The payload is the canonical form of the manifest as written in
        // the file; the typed manifest must give the same bytes, so that
        // what is shown is what was signed.
        let as_written = to_canonical(&wire.manifest)?;
        let manifest = Manifest::from_value(wire.manifest)?;
        if manifest.canonical_bytes()? != as_written {
            return Err(Error::ManifestNotNormal);
        }
        Ok(Self {
            manifest,
            seal: wire.seal,
        })
    }

    /// The file: pretty-printed JSON. The manifest's own formatting does not
    /// matter, since the payload is its RFC 8785 form.
    pub fn to_json(&self) -> Vec<u8> {
        let wire = serde_json::json!({ "manifest": self.manifest, "seal": self.seal });
        let mut out = serde_json::to_vec_pretty(&wire).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The seal.
    pub fn seal_part(&self) -> &Seal {
        &self.seal
    }

    /// The JWS payload: the manifest's RFC 8785 bytes.
    pub fn payload(&self) -> Result<Vec<u8>, Error> {
        self.manifest.canonical_bytes()
    }

    /// Checks every signature over the manifest's canonical bytes.
    pub fn verify(&self, options: &VerifyOptions) -> Verification {
        match self.manifest.canonical_bytes() {
            Ok(payload) => verify_seal(&self.seal, &payload, options),
            Err(e) => Verification {
                manifest_digest: Sha256::from_bytes([0; 32]),
                signatures: vec![SignatureCheck {
                    index: 0,
                    outcome: Err(e),
                }],
            },
        }
    }
}

/// Checks a detached seal against payload bytes received apart from it
/// (e.g. a manifest POSTed as its own body). The payload must be canonical
/// RFC 8785 bytes of a valid manifest.
pub fn verify_detached(
    seal: &Seal,
    payload: &[u8],
    options: &VerifyOptions,
) -> Result<(Manifest, Verification), Error> {
    let value = parse_strict("manifest", payload)?;
    if to_canonical(&value)? != payload {
        return Err(Error::NonCanonicalPayload);
    }
    let manifest = Manifest::from_value(value)?;
    if manifest.canonical_bytes()? != payload {
        return Err(Error::ManifestNotNormal);
    }
    Ok((manifest, verify_seal(seal, payload, options)))
}

fn verify_seal(seal: &Seal, payload: &[u8], options: &VerifyOptions) -> Verification {
    let attached = match &seal.payload {
        None => Ok(()),
        Some(p) if p.as_bytes() == payload => Ok(()),
        Some(p) => {
            match parse_strict("seal payload", p.as_bytes()).and_then(|v| to_canonical(&v)) {
                Ok(canonical) if canonical == p.as_bytes() => Err(Error::PayloadMismatch),
                _ => Err(Error::NonCanonicalPayload),
            }
        }
    };
    let signatures = seal
        .signatures
        .iter()
        .enumerate()
        .map(|(index, sig)| SignatureCheck {
            index,
            outcome: match &attached {
                Err(Error::PayloadMismatch) => Err(Error::PayloadMismatch),
                Err(_) => Err(Error::NonCanonicalPayload),
                Ok(()) => verify_signature(sig, payload, options),
            },
        })
        .collect();
    Verification {
        manifest_digest: Sha256::digest(payload),
        signatures,
    }
}

fn signing_input(protected: &str, payload: &[u8]) -> Vec<u8> {
    let mut input = Vec::with_capacity(protected.len() + 1 + payload.len());
    input.extend_from_slice(protected.as_bytes());
    input.push(b'.');
    input.extend_from_slice(payload);
    input
}

/// Checks one JWS signature over `payload` under the seal's header rules
/// (docs/dossier-format.md, "Verifying"). [`SealedDossier::verify`] does this
/// for each signature; this form also serves JWS objects that are not
/// dossiers, such as the RFC 7520 and RFC 7797 examples in the tests.
pub fn verify_signature(
    sig: &JwsSignature,
    payload: &[u8],
    options: &VerifyOptions,
) -> Result<SignerInfo, Error> {
    if sig.header.is_some() {
        return Err(Error::UnprotectedHeader);
    }
    let header = parse_header(&sig.protected)?;
    let signature = b64::decode("signature", &sig.signature)?;
    header.key.verify(
        header.alg,
        &signing_input(&sig.protected, payload),
        &signature,
    )?;
    if !options.expected_kids.is_empty() && !options.expected_kids.contains(&header.kid) {
        return Err(Error::UnexpectedKey { kid: header.kid });
    }
    Ok(header)
}

/// Reads a protected header and checks the rules of docs/dossier-format.md
/// ("Protected header"), in this order: size, JSON, `crit` and `b64`, `alg`,
/// `typ` and `cty`, `iat`, the key (`x5c` / `x5t#S256` / `jwk`), `kid`.
fn parse_header(protected: &str) -> Result<SignerInfo, Error> {
    // base64url turns 3 bytes into 4 characters.
    let estimated = protected.len() / 4 * 3;
    if estimated > MAX_PROTECTED_BYTES {
        return Err(Error::HeaderTooLarge {
            limit: MAX_PROTECTED_BYTES,
            found: estimated,
        });
    }
    let bytes = b64::decode("protected", protected)?;
    if bytes.len() > MAX_PROTECTED_BYTES {
        return Err(Error::HeaderTooLarge {
            limit: MAX_PROTECTED_BYTES,
            found: bytes.len(),
        });
    }
    let Value::Object(h) = parse_strict("protected header", &bytes)? else {
        return Err(Error::HeaderMember { name: "protected" });
    };
    let text = |name: &'static str| {
        h.get(name)
            .and_then(Value::as_str)
            .ok_or(Error::HeaderMember { name })
    };

    // RFC 7515 §4.1.11: crit is a non-empty array of understood names; RFC
    // 7797 §6: b64 must be listed there.
    let crit = match h.get("crit") {
        None => Vec::new(),
        Some(Value::Array(items)) if !items.is_empty() => {
            let mut names = Vec::new();
            for item in items {
                let name = item.as_str().ok_or(Error::HeaderMember { name: "crit" })?;
                if name != "b64" {
                    return Err(Error::UnknownCrit {
                        name: name.to_owned(),
                    });
                }
                if names.contains(&name) {
                    return Err(Error::HeaderValue {
                        name: "crit",
                        found: Value::Array(items.clone()).to_string(),
                    });
                }
                names.push(name);
            }
            names
        }
        Some(_) => return Err(Error::HeaderMember { name: "crit" }),
    };
    match h.get("b64") {
        Some(Value::Bool(false)) => {}
        Some(Value::Bool(true)) | None => return Err(Error::EncodedPayload),
        Some(_) => return Err(Error::HeaderMember { name: "b64" }),
    }
    if !crit.contains(&"b64") {
        return Err(Error::B64NotCritical);
    }

    let alg_name = text("alg")?;
    let alg = match Algorithm::from_name(alg_name) {
        Some(alg) => alg,
        None if alg_name.eq_ignore_ascii_case("none") || alg_name.starts_with("HS") => {
            return Err(Error::ForbiddenAlgorithm {
                alg: alg_name.to_owned(),
            });
        }
        None => {
            return Err(Error::UnsupportedAlgorithm {
                alg: alg_name.to_owned(),
            });
        }
    };

    for (name, required) in [("typ", SEAL_TYP), ("cty", MANIFEST_CTY)] {
        let found = text(name)?;
        if found != required {
            return Err(Error::HeaderValue {
                name,
                found: Value::from(found).to_string(),
            });
        }
    }
    let signed_at = h
        .get("iat")
        .and_then(Value::as_i64)
        .ok_or(Error::HeaderMember { name: "iat" })
        .and_then(|secs| {
            Timestamp::from_unix(secs).map_err(|_| Error::HeaderValue {
                name: "iat",
                found: secs.to_string(),
            })
        })?;

    let jwk = match h.get("jwk") {
        None => None,
        Some(Value::Object(jwk)) => Some(PublicKey::from_jwk(jwk)?),
        Some(_) => return Err(Error::HeaderMember { name: "jwk" }),
    };
    let certificates = match h.get("x5c") {
        None => Vec::new(),
        Some(Value::Array(items)) if !items.is_empty() && items.len() <= MAX_CHAIN => items
            .iter()
            .map(|c| {
                c.as_str()
                    .ok_or(Error::HeaderMember { name: "x5c" })
                    .and_then(Certificate::from_x5c)
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(Value::Array(items)) if items.len() > MAX_CHAIN => {
            return Err(Error::Limit {
                what: "certificates in the chain",
                limit: MAX_CHAIN as u64,
                found: items.len() as u64,
            });
        }
        Some(_) => return Err(Error::HeaderMember { name: "x5c" }),
    };
    let key = match (certificates.first(), jwk) {
        (Some(leaf), jwk) => {
            let found = text("x5t#S256")?;
            let expected = leaf.thumbprint();
            if found != expected {
                return Err(Error::CertificateThumbprint {
                    expected,
                    found: found.to_owned(),
                });
            }
            if jwk.is_some_and(|k| &k != leaf.public_key()) {
                return Err(Error::JwkCertificateMismatch);
            }
            leaf.public_key().clone()
        }
        (None, Some(jwk)) => {
            if h.contains_key("x5t#S256") {
                return Err(Error::HeaderMember { name: "x5c" });
            }
            jwk
        }
        (None, None) => return Err(Error::NoKey),
    };
    if alg.key_kind() != key.kind() {
        return Err(Error::KeyAlgorithmMismatch {
            alg: alg.name(),
            key: key.kind().name(),
        });
    }
    let kid = text("kid")?;
    let expected = key.thumbprint();
    if kid != expected {
        return Err(Error::KidMismatch {
            kid: kid.to_owned(),
            expected,
        });
    }
    Ok(SignerInfo {
        alg,
        kid: expected,
        signed_at,
        key,
        certificates,
    })
}
