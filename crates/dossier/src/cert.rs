//! X.509 certificates as carried in `x5c` (RFC 7515 §4.1.6): the subject
//! public key and a name for reports. The chain is not validated to a trust
//! anchor here; an office that needs that does path validation (RFC 5280 §6)
//! with the certificates the seal carries.

use std::fmt;

use crate::der::{self, Der, oid};
use crate::error::Error;
use crate::key::PublicKey;
use crate::{b64, der::pem_blocks};
use motcua_protocol::Sha256;

/// One DER-encoded X.509 certificate and its subject public key.
#[derive(Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
    public_key: PublicKey,
    common_name: Option<String>,
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("subject_cn", &self.common_name)
            .field("x5t#S256", &self.thumbprint())
            .finish()
    }
}

impl Certificate {
    /// Reads a DER certificate (RFC 5280 §4.1).
    pub fn from_der(der_bytes: &[u8]) -> Result<Self, Error> {
        let mut outer = Der::new(der_bytes, "certificate");
        let mut cert = outer.enter(der::SEQUENCE)?;
        outer.finish()?;
        let mut tbs = cert.enter(der::SEQUENCE)?;
        tbs.skip_if(der::CONTEXT_0)?;
        tbs.expect(der::INTEGER)?; // serialNumber
        tbs.expect(der::SEQUENCE)?; // signature
        tbs.expect(der::SEQUENCE)?; // issuer
        tbs.expect(der::SEQUENCE)?; // validity
        let subject = tbs.expect(der::SEQUENCE)?;
        let spki = tbs.expect_whole(der::SEQUENCE)?;
        cert.expect(der::SEQUENCE)?; // signatureAlgorithm
        cert.expect(der::BIT_STRING)?; // signatureValue
        cert.finish()?;
        Ok(Self {
            der: der_bytes.to_vec(),
            public_key: PublicKey::from_spki(spki)?,
            common_name: common_name(subject),
        })
    }

    /// Reads every `CERTIFICATE` block of a PEM text, leaf first as in the
    /// file. Other blocks are skipped.
    pub fn from_pem_chain(pem: &str) -> Result<Vec<Self>, Error> {
        pem_blocks(pem)?
            .iter()
            .filter(|b| b.label == "CERTIFICATE")
            .map(|b| Self::from_der(&b.der))
            .collect()
    }

    /// Reads an `x5c` entry: standard base64 of the DER (not base64url).
    pub(crate) fn from_x5c(text: &str) -> Result<Self, Error> {
        Self::from_der(&b64::decode_std("x5c", text)?)
    }

    /// The `x5c` entry for this certificate.
    pub(crate) fn to_x5c(&self) -> String {
        b64::encode_std(&self.der)
    }

    /// The DER bytes.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The subject public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// The subject's common name, if it has one as a UTF-8, printable or
    /// IA5 string.
    pub fn common_name(&self) -> Option<&str> {
        self.common_name.as_deref()
    }

    /// The `x5t#S256` value: base64url of the SHA-256 of the DER (RFC 7515
    /// §4.1.8).
    pub fn thumbprint(&self) -> String {
        b64::encode(Sha256::digest(&self.der).as_bytes())
    }
}

/// The first common name of a Name (RFC 5280 §4.1.2.4), if readable.
fn common_name(name: &[u8]) -> Option<String> {
    let mut rdns = Der::new(name, "certificate subject");
    while !rdns.is_empty() {
        let mut set = rdns.enter(der::SET).ok()?;
        while !set.is_empty() {
            let mut atv = set.enter(der::SEQUENCE).ok()?;
            let kind = atv.expect(der::OID).ok()?;
            let (tag, value, _) = atv.next().ok()?;
            // UTF8String, PrintableString, IA5String.
            if kind == oid::COMMON_NAME && matches!(tag, 0x0c | 0x13 | 0x16) {
                return String::from_utf8(value.to_vec()).ok();
            }
        }
    }
    None
}
