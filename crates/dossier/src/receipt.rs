//! Receipts: the office's signed acknowledgement that a dossier arrived.
//!
//! A receipt is a JWS in the compact serialization (RFC 7515 §7.1) whose
//! payload is a small JSON object ([`ReceiptClaims`]): the dossier code the
//! office assigned, the dossier id, office, procedure, time of receipt and
//! the SHA-256 of the manifest's canonical bytes. The office signs it with
//! its receipt key, published in its capabilities document
//! (`/.well-known/motcua`, member `receipt_key`), so the applicant's device
//! can check that the office holds exactly the dossier it sealed
//! (docs/dossier-format.md, "Receipts").

use motcua_protocol::{DossierCode, DossierId, OfficeCode, ProcedureRef, Sha256, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::b64;
use crate::error::Error;
use crate::json::{parse_strict, to_canonical};
use crate::key::{Algorithm, PublicKey};
use crate::manifest::Manifest;
use crate::signer::Signer;

/// The `typ` of every receipt's protected header.
pub const RECEIPT_TYP: &str = "motcua-receipt+jws";
/// The receipt payload format this code reads and writes.
pub const RECEIPT_FORMAT: u32 = 1;
/// Longest receipt token read, in bytes.
pub const MAX_RECEIPT_BYTES: usize = 16 * 1024;

/// What an office states in a receipt: the payload of the JWS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptClaims {
    /// Always [`RECEIPT_FORMAT`].
    pub format: u32,
    /// The code the office assigned.
    pub dossier_code: DossierCode,
    /// The manifest's id (the idempotency key).
    pub dossier_id: DossierId,
    /// The office that received it (the manifest's `office`).
    pub office: OfficeCode,
    /// The procedure and schema version (the manifest's `procedure`).
    pub procedure: ProcedureRef,
    /// When the office received it (the office's clock).
    pub received: Timestamp,
    /// SHA-256 of the manifest's RFC 8785 canonical bytes: the dossier the
    /// office holds is exactly this one.
    pub manifest_sha256: Sha256,
}

impl ReceiptClaims {
    /// The claims for receiving `manifest` under `code` at `received`.
    pub fn for_manifest(
        manifest: &Manifest,
        code: DossierCode,
        received: Timestamp,
    ) -> Result<Self, Error> {
        Ok(Self {
            format: RECEIPT_FORMAT,
            dossier_code: code,
            dossier_id: manifest.id,
            office: manifest.office.clone(),
            procedure: manifest.procedure.clone(),
            received,
            manifest_sha256: manifest.digest()?,
        })
    }

    /// Whether the claims are about `manifest`: its id, office, procedure
    /// and canonical bytes. The client checks this before it trusts a
    /// receipt to stand for its dossier.
    pub fn is_for(&self, manifest: &Manifest) -> bool {
        self.dossier_id == manifest.id
            && self.office == manifest.office
            && self.procedure == manifest.procedure
            && manifest
                .digest()
                .is_ok_and(|digest| digest == self.manifest_sha256)
    }
}

/// A receipt whose signature has been checked (or that was just signed):
/// the compact JWS token and what it says.
///
/// ```
/// use motcua_dossier::{DossierCode, Receipt, ReceiptClaims, SigningKey, Signer, Timestamp};
/// # let manifest = motcua_dossier::Manifest::from_json(br#"{"format":1,
/// #   "id":"0b6f6c2e-3f35-4d7a-9c8e-5c8c2b1f0a11","procedure":{"code":"1.001193",
/// #   "version":"2025.1"},"office":"00004","form":{},"attachments":[],
/// #   "created":"2026-11-25T10:00:00Z","client":"doc/1"}"#)?;
/// let office_key = SigningKey::generate_device_key()?;
/// let code: DossierCode = "00004-261125-000001".parse()?;
/// let claims = ReceiptClaims::for_manifest(&manifest, code, Timestamp::from_unix(1_795_600_000)?)?;
/// let token = Receipt::issue(claims, &office_key)?.token().to_owned();
///
/// // On the applicant's device, with the key the office publishes:
/// let receipt = Receipt::verify(&token, office_key.public_key())?;
/// assert!(receipt.claims().is_for(&manifest));
/// assert_eq!(receipt.claims().dossier_code.as_str(), "00004-261125-000001");
/// # Ok::<(), motcua_dossier::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    token: String,
    claims: ReceiptClaims,
    alg: Algorithm,
    kid: String,
}

impl Receipt {
    /// Signs `claims` with the office's key: a compact JWS with the
    /// protected header `{"alg":…,"kid":…,"typ":"motcua-receipt+jws"}` and
    /// the RFC 8785 bytes of the claims as payload.
    pub fn issue(claims: ReceiptClaims, signer: &dyn Signer) -> Result<Self, Error> {
        if claims.format != RECEIPT_FORMAT {
            return Err(Error::Format {
                what: "receipt",
                found: claims.format,
                expected: RECEIPT_FORMAT,
            });
        }
        let alg = signer.algorithm();
        let kid = signer.public_key().thumbprint();
        let mut header = Map::new();
        header.insert("alg".into(), alg.name().into());
        header.insert("kid".into(), kid.clone().into());
        header.insert("typ".into(), RECEIPT_TYP.into());
        let header = b64::encode(&to_canonical(&header)?);
        let payload = b64::encode(&to_canonical(&claims)?);
        let signing_input = format!("{header}.{payload}");
        let signature = signer.sign(signing_input.as_bytes())?;
        let token = format!("{signing_input}.{}", b64::encode(&signature));
        Ok(Self {
            token,
            claims,
            alg,
            kid,
        })
    }

    /// Checks a receipt token against the office's public key and reads it.
    ///
    /// Refused: a token over [`MAX_RECEIPT_BYTES`] ([`Error::Limit`]); not
    /// three base64url parts ([`Error::Base64`], [`Error::HeaderMember`]);
    /// `alg` `none`, HMAC or unknown ([`Error::ForbiddenAlgorithm`],
    /// [`Error::UnsupportedAlgorithm`]); `typ` other than [`RECEIPT_TYP`]
    /// or any `crit` ([`Error::HeaderValue`], [`Error::UnknownCrit`]); a
    /// `kid` other than `key`'s thumbprint ([`Error::UnexpectedKey`]); a
    /// signature that does not verify ([`Error::BadSignature`]); a payload
    /// that is not receipt claims of format 1 ([`Error::Json`],
    /// [`Error::Format`]).
    pub fn verify(token: &str, key: &PublicKey) -> Result<Self, Error> {
        if token.len() > MAX_RECEIPT_BYTES {
            return Err(Error::Limit {
                what: "receipt bytes",
                limit: MAX_RECEIPT_BYTES as u64,
                found: token.len() as u64,
            });
        }
        let mut parts = token.split('.');
        let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Error::HeaderMember { name: "receipt" });
        };
        let Value::Object(header) =
            parse_strict("receipt header", &b64::decode("protected", header_b64)?)?
        else {
            return Err(Error::HeaderMember { name: "protected" });
        };
        let text = |name: &'static str| {
            header
                .get(name)
                .and_then(Value::as_str)
                .ok_or(Error::HeaderMember { name })
        };
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
        if let Some(crit) = header.get("crit") {
            return Err(Error::UnknownCrit {
                name: crit.to_string(),
            });
        }
        if header.contains_key("b64") {
            return Err(Error::HeaderValue {
                name: "b64",
                found: header.get("b64").map(Value::to_string).unwrap_or_default(),
            });
        }
        let typ = text("typ")?;
        if typ != RECEIPT_TYP {
            return Err(Error::HeaderValue {
                name: "typ",
                found: Value::from(typ).to_string(),
            });
        }
        let kid = text("kid")?;
        if kid != key.thumbprint() {
            return Err(Error::UnexpectedKey {
                kid: kid.to_owned(),
            });
        }
        let signature = b64::decode("signature", signature_b64)?;
        let signing_input_len = header_b64.len() + 1 + payload_b64.len();
        key.verify(alg, &token.as_bytes()[..signing_input_len], &signature)?;

        let payload = parse_strict("receipt", &b64::decode("payload", payload_b64)?)?;
        let format = payload.get("format").and_then(Value::as_u64);
        if format != Some(u64::from(RECEIPT_FORMAT)) {
            return Err(Error::Format {
                what: "receipt",
                found: format.map_or(0, |f| u32::try_from(f).unwrap_or(u32::MAX)),
                expected: RECEIPT_FORMAT,
            });
        }
        let claims: ReceiptClaims =
            serde_json::from_value(payload).map_err(|source| Error::Json {
                what: "receipt",
                source,
            })?;
        Ok(Self {
            token: token.to_owned(),
            claims,
            alg,
            kid: kid.to_owned(),
        })
    }

    /// The compact JWS, as sent and stored.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// What the office states.
    pub fn claims(&self) -> &ReceiptClaims {
        &self.claims
    }

    /// The signature algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The RFC 7638 thumbprint of the office key that signed it.
    pub fn kid(&self) -> &str {
        &self.kid
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signer::SigningKey;

    fn manifest() -> Manifest {
        Manifest::from_json(
            br#"{"format":1,"id":"0b6f6c2e-3f35-4d7a-9c8e-5c8c2b1f0a11",
            "procedure":{"code":"1.001193","version":"2025.1"},"office":"00004","form":{},
            "attachments":[],"created":"2026-11-25T10:00:00Z","client":"doc/1"}"#,
        )
        .unwrap()
    }

    fn issued(key: &SigningKey) -> Receipt {
        let claims = ReceiptClaims::for_manifest(
            &manifest(),
            "00004-261125-000001".parse().unwrap(),
            Timestamp::from_unix(1_795_600_000).unwrap(),
        )
        .unwrap();
        Receipt::issue(claims, key).unwrap()
    }

    /// Re-signs a token with its header and payload replaced.
    fn forge(key: &SigningKey, header: &str, payload: &str) -> String {
        let input = format!(
            "{}.{}",
            b64::encode(header.as_bytes()),
            b64::encode(payload.as_bytes())
        );
        let signature = key.sign(input.as_bytes()).unwrap();
        format!("{input}.{}", b64::encode(&signature))
    }

    #[test]
    fn issue_and_verify() {
        let key = SigningKey::generate_device_key().unwrap();
        let receipt = issued(&key);
        let checked = Receipt::verify(receipt.token(), key.public_key()).unwrap();
        assert_eq!(checked, receipt);
        assert!(checked.claims().is_for(&manifest()));
        assert_eq!(checked.kid(), key.kid());
        assert_eq!(checked.algorithm(), Algorithm::Es256);
        let header = b64::decode("t", receipt.token().split('.').next().unwrap()).unwrap();
        assert_eq!(
            String::from_utf8(header).unwrap(),
            format!(
                r#"{{"alg":"ES256","kid":"{}","typ":"motcua-receipt+jws"}}"#,
                key.kid()
            )
        );
    }

    #[test]
    fn other_manifests_are_not_covered() {
        let key = SigningKey::generate_device_key().unwrap();
        let receipt = issued(&key);
        let mut other = manifest();
        other.form.insert("x".into(), 1.into());
        assert!(!receipt.claims().is_for(&other));
        let mut other = manifest();
        other.office = "00007".parse().unwrap();
        assert!(!receipt.claims().is_for(&other));
    }

    #[test]
    fn refusals() {
        let key = SigningKey::generate_device_key().unwrap();
        let other = SigningKey::generate_device_key().unwrap();
        let receipt = issued(&key);
        let token = receipt.token();
        let err = Receipt::verify(token, other.public_key()).unwrap_err();
        assert!(matches!(err, Error::UnexpectedKey { .. }), "{err}");

        // Same kid, but the signature made by another key.
        let (input, _) = token.rsplit_once('.').unwrap();
        let forged = format!(
            "{input}.{}",
            b64::encode(&other.sign(input.as_bytes()).unwrap())
        );
        let err = Receipt::verify(&forged, key.public_key()).unwrap_err();
        assert!(matches!(err, Error::BadSignature), "{err}");

        // A changed payload.
        let parts: Vec<&str> = token.split('.').collect();
        let payload = String::from_utf8(b64::decode("t", parts[1]).unwrap()).unwrap();
        let changed = payload.replace("000001", "000002");
        let tampered = format!(
            "{}.{}.{}",
            parts[0],
            b64::encode(changed.as_bytes()),
            parts[2]
        );
        let err = Receipt::verify(&tampered, key.public_key()).unwrap_err();
        assert!(matches!(err, Error::BadSignature), "{err}");

        let kid = key.kid();
        let cases: Vec<(String, &str)> = vec![
            (
                format!(r#"{{"alg":"none","kid":"{kid}","typ":"{RECEIPT_TYP}"}}"#),
                "forbidden_algorithm",
            ),
            (
                format!(r#"{{"alg":"HS256","kid":"{kid}","typ":"{RECEIPT_TYP}"}}"#),
                "forbidden_algorithm",
            ),
            (
                format!(r#"{{"alg":"ES256","kid":"{kid}","typ":"JWT"}}"#),
                "header_value",
            ),
            (
                format!(r#"{{"alg":"ES256","kid":"{kid}","typ":"{RECEIPT_TYP}","crit":["x"]}}"#),
                "unknown_crit",
            ),
            (
                format!(r#"{{"alg":"ES256","kid":"{kid}","kid":"{kid}","typ":"{RECEIPT_TYP}"}}"#),
                "duplicate_key",
            ),
            (
                format!(r#"{{"alg":"ES256","typ":"{RECEIPT_TYP}"}}"#),
                "header_member",
            ),
        ];
        for (header, code) in cases {
            let token = forge(&key, &header, &payload);
            let err = Receipt::verify(&token, key.public_key()).unwrap_err();
            assert_eq!(err.code(), code, "{header}: {err}");
        }

        let header = format!(r#"{{"alg":"ES256","kid":"{kid}","typ":"{RECEIPT_TYP}"}}"#);
        for (payload, code) in [
            (payload.replace(r#""format":1"#, r#""format":2"#), "format"),
            (
                payload.replace(r#""format":1,"#, r#""format":1,"extra":true,"#),
                "json",
            ),
            ("[]".to_owned(), "format"),
            ("{".to_owned(), "truncated"),
        ] {
            let token = forge(&key, &header, &payload);
            let err = Receipt::verify(&token, key.public_key()).unwrap_err();
            assert_eq!(err.code(), code, "{payload}: {err}");
        }

        for bad in ["", "a.b", "a.b.c.d", "!!.e30.AA"] {
            assert!(Receipt::verify(bad, key.public_key()).is_err(), "{bad:?}");
        }
        let huge = "a".repeat(MAX_RECEIPT_BYTES + 1);
        let err = Receipt::verify(&huge, key.public_key()).unwrap_err();
        assert!(matches!(err, Error::Limit { .. }), "{err}");
    }

    #[test]
    fn dossier_codes() {
        assert!("000.00.00.H01-261125-000123".parse::<DossierCode>().is_ok());
        for bad in ["", "a b", "é", &"x".repeat(129)] {
            assert!(bad.parse::<DossierCode>().is_err(), "{bad:?}");
        }
    }
}
