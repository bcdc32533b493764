//! An office's intake server: its address ([`Endpoint`]) and what it
//! announces at `/.well-known/motcua` ([`ServerInfo`]).

use std::fmt;
use std::str::FromStr;

use motcua_dossier::PublicKey;
use motcua_protocol::{Capabilities, Limits, WELL_KNOWN, speaks};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::transport::Response;

/// The origin of an office's server: `http://` or `https://`, host and
/// optional port, without a path, e.g. `https://motcua.hanoi.gov.vn`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Endpoint(String);

impl FromStr for Endpoint {
    type Err = Error;

    /// Reads an address; a trailing `/` or path is dropped, since the
    /// capabilities document is at the origin's root.
    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = || Error::BadEndpoint { url: s.to_owned() };
        let rest = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .ok_or_else(bad)?;
        let scheme = &s[..s.len() - rest.len()];
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let ok = !authority.is_empty()
            && !authority.contains('@')
            && authority
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._:[]".contains(&b));
        if !ok {
            return Err(bad());
        }
        Ok(Self(format!("{scheme}{}", authority.to_ascii_lowercase())))
    }
}

impl TryFrom<String> for Endpoint {
    type Error = Error;

    fn try_from(s: String) -> Result<Self, Error> {
        s.parse()
    }
}

impl From<Endpoint> for String {
    fn from(e: Endpoint) -> Self {
        e.0
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Endpoint {
    /// The origin, e.g. `https://motcua.hanoi.gov.vn`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Resolves what a server sent (an absolute path, or an absolute
    /// `http(s)` URL, as tus `Location` may be) to an absolute URL.
    pub(crate) fn resolve(&self, reference: &str) -> Result<String, Error> {
        if reference.starts_with("https://") || reference.starts_with("http://") {
            Ok(reference.to_owned())
        } else if reference.starts_with('/') && !reference.starts_with("//") {
            Ok(format!("{}{reference}", self.0))
        } else {
            Err(Error::Protocol {
                detail: format!("expected an absolute path or URL, found {reference:?}"),
            })
        }
    }

    /// The capabilities document's URL.
    pub fn capabilities_url(&self) -> String {
        format!("{}{WELL_KNOWN}", self.0)
    }
}

/// What the client keeps of an office's capabilities document: absolute
/// URLs of its endpoints, its limits and its receipt key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerInfo {
    /// `protocol`, e.g. `motcua-intake/1`.
    pub protocol: String,
    /// `server`, e.g. `motcua-intake/0.1.0`.
    pub server: String,
    /// Where uploads are created (tus).
    pub uploads: String,
    /// Where sealed dossiers are posted.
    pub dossiers: String,
    /// Where status look-ups are posted.
    pub status: String,
    /// The limits.
    pub limits: Limits,
    /// The receipt key as a JWK.
    pub receipt_key: Map<String, Value>,
    /// Its RFC 7638 thumbprint.
    pub receipt_kid: String,
}

impl ServerInfo {
    /// Reads the capabilities document of `endpoint` from its response.
    pub(crate) fn from_response(endpoint: &Endpoint, response: &Response) -> Result<Self, Error> {
        if response.status != 200 {
            return Err(crate::problem::unexpected(
                response,
                "the capabilities document",
            ));
        }
        let wire: Capabilities =
            serde_json::from_slice(&response.body).map_err(|e| Error::Protocol {
                detail: format!("the capabilities document is not as expected: {e}"),
            })?;
        if !speaks(&wire.protocol) {
            return Err(Error::UnsupportedServer {
                found: wire.protocol,
            });
        }
        let key = PublicKey::from_jwk(&wire.receipt_key).map_err(|e| Error::Protocol {
            detail: format!("the receipt key is not a usable public JWK: {e}"),
        })?;
        let receipt_kid = key.thumbprint();
        if let Some(kid) = wire.receipt_key.get("kid").and_then(Value::as_str)
            && kid != receipt_kid
        {
            return Err(Error::Protocol {
                detail: format!(
                    "the receipt key's kid {kid:?} is not its thumbprint {receipt_kid:?}"
                ),
            });
        }
        Ok(Self {
            protocol: wire.protocol,
            server: wire.server,
            uploads: endpoint.resolve(&wire.endpoints.uploads)?,
            dossiers: endpoint.resolve(&wire.endpoints.dossiers)?,
            status: endpoint.resolve(&wire.endpoints.status)?,
            limits: wire.limits,
            receipt_key: wire.receipt_key,
            receipt_kid,
        })
    }

    /// The receipt key.
    pub fn receipt_public_key(&self) -> Result<PublicKey, Error> {
        PublicKey::from_jwk(&self.receipt_key).map_err(|e| Error::Protocol {
            detail: format!("the receipt key is not a usable public JWK: {e}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        let e: Endpoint = "https://MotCua.Example.vn:8443/some/path?x"
            .parse()
            .unwrap();
        assert_eq!(e.as_str(), "https://motcua.example.vn:8443");
        assert_eq!(
            e.capabilities_url(),
            "https://motcua.example.vn:8443/.well-known/motcua"
        );
        assert_eq!(
            e.resolve("/api/v1/uploads/ab").unwrap(),
            "https://motcua.example.vn:8443/api/v1/uploads/ab"
        );
        assert_eq!(
            e.resolve("https://files.example.vn/u/1").unwrap(),
            "https://files.example.vn/u/1"
        );
        assert!(e.resolve("//evil.example/x").is_err());
        assert!(e.resolve("relative").is_err());
        assert_eq!(
            "http://127.0.0.1:8080/"
                .parse::<Endpoint>()
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            "http://[::1]:8080".parse::<Endpoint>().unwrap().as_str(),
            "http://[::1]:8080"
        );
        for bad in [
            "",
            "ftp://x",
            "http://",
            "https://user:pw@host",
            "https://a b",
            "motcua.vn",
        ] {
            assert!(bad.parse::<Endpoint>().is_err(), "{bad:?}");
        }
    }
}
