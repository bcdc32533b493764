//! The intake protocol's name, paths and capabilities document
//! (`GET /.well-known/motcua`), which a client reads before it uploads
//! anything so that limits are checked on the device.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::limits::Limits;

/// The intake protocol and its major version. A server announces it as
/// `motcua-intake/1` or `motcua-intake/1.N`; a client speaks to any `1.N`.
pub const PROTOCOL: &str = "motcua-intake/1";
/// The capabilities document, relative to the server's origin.
pub const WELL_KNOWN: &str = "/.well-known/motcua";
/// The signed office directory, when a server publishes one.
pub const DIRECTORY_PATH: &str = "/.well-known/motcua-directory";
/// The procedure catalog index.
pub const CATALOG_PATH: &str = "/procedures/index.json";
/// Liveness and database check.
pub const HEALTH_PATH: &str = "/healthz";
/// Resumable uploads of attachment bytes (tus 1.0).
pub const UPLOADS_PATH: &str = "/api/v1/uploads";
/// Submission of sealed dossiers.
pub const DOSSIERS_PATH: &str = "/api/v1/dossiers";
/// Status look-up by dossier code and personal ID number.
pub const STATUS_PATH: &str = "/api/v1/status";

/// Whether `announced` (e.g. `motcua-intake/1.2`) is a version of
/// [`PROTOCOL`] this code speaks.
pub fn speaks(announced: &str) -> bool {
    announced.split('.').next() == Some(PROTOCOL)
}

/// The capabilities document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Capabilities {
    /// Protocol name and major version, [`PROTOCOL`].
    pub protocol: String,
    /// Server software and version.
    #[serde(default)]
    pub server: String,
    /// Limits on what is accepted.
    pub limits: Limits,
    /// Where each part of the protocol is served, as absolute paths (or
    /// URLs, which a client resolves against the server's origin).
    pub endpoints: Endpoints,
    /// The public key that signs receipts: a JWK (RFC 7517) with `kid`
    /// (its RFC 7638 thumbprint), `alg` and `use` = `sig`.
    pub receipt_key: Map<String, Value>,
}

/// Paths of the protocol's endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoints {
    /// The procedure catalog index.
    #[serde(default = "catalog_path")]
    pub catalog: String,
    /// Liveness and database check.
    #[serde(default = "health_path")]
    pub health: String,
    /// Resumable uploads of attachment bytes (tus 1.0).
    pub uploads: String,
    /// Submission of sealed dossiers.
    pub dossiers: String,
    /// Status look-up by dossier code and personal ID number.
    pub status: String,
    /// The signed office directory, when the server publishes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory: Option<String>,
}

fn catalog_path() -> String {
    CATALOG_PATH.to_owned()
}

fn health_path() -> String {
    HEALTH_PATH.to_owned()
}

impl Endpoints {
    /// The reference server's paths.
    pub fn reference(with_directory: bool) -> Self {
        Self {
            catalog: CATALOG_PATH.to_owned(),
            health: HEALTH_PATH.to_owned(),
            uploads: UPLOADS_PATH.to_owned(),
            dossiers: DOSSIERS_PATH.to_owned(),
            status: STATUS_PATH.to_owned(),
            directory: with_directory.then(|| DIRECTORY_PATH.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_versions_are_spoken_others_not() {
        assert!(speaks("motcua-intake/1"));
        assert!(speaks("motcua-intake/1.3"));
        assert!(!speaks("motcua-intake/2"));
        assert!(!speaks("motcua-intake/10"));
        assert!(!speaks(""));
    }
}
