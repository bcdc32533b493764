//! `GET /.well-known/motcua`: what this server speaks and accepts.
//!
//! A client reads this before it uploads anything, so that limits are checked
//! on the device (before work is done) rather than discovered by a refusal.

use axum::Json;
use axum::extract::State;
use motcua_dossier::Signer;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::state::AppState;

/// The intake protocol this server speaks.
pub const PROTOCOL: &str = "motcua-intake/1";

/// The capabilities document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Capabilities {
    /// Protocol name and major version, [`PROTOCOL`].
    pub protocol: String,
    /// Server software and version.
    pub server: String,
    /// Limits on what is accepted.
    pub limits: Limits,
    /// Where each part of the protocol is served, as absolute paths.
    pub endpoints: Endpoints,
    /// The public key that signs receipts: a JWK (RFC 7517) with `kid`
    /// (its RFC 7638 thumbprint), `alg` and `use` = `sig`.
    pub receipt_key: Map<String, Value>,
}

/// Limits on what the server accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Most bytes of one attachment.
    pub max_attachment_bytes: u64,
    /// Most attachments in one dossier.
    pub max_attachments: u32,
    /// Most bytes of all attachments of one dossier.
    pub max_dossier_bytes: u64,
    /// Most bytes of a sealed manifest.
    pub max_manifest_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_attachment_bytes: 20 * 1024 * 1024,
            max_attachments: 30,
            max_dossier_bytes: 100 * 1024 * 1024,
            max_manifest_bytes: 1024 * 1024,
        }
    }
}

/// Paths of the protocol's endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoints {
    /// The procedure catalog index.
    pub catalog: String,
    /// Liveness and database check.
    pub health: String,
    /// Resumable uploads of attachment bytes (tus 1.0).
    pub uploads: String,
    /// Submission of sealed dossiers.
    pub dossiers: String,
    /// Status look-up by dossier code and personal ID number.
    pub status: String,
}

impl Capabilities {
    pub(crate) fn of(state: &AppState) -> Self {
        let key = state.receipt_key();
        let mut receipt_key = key.public_key().to_jwk();
        receipt_key.insert("kid".into(), key.kid().into());
        receipt_key.insert("alg".into(), key.algorithm().name().into());
        receipt_key.insert("use".into(), "sig".into());
        Self {
            protocol: PROTOCOL.to_owned(),
            server: concat!("motcua-intake/", env!("CARGO_PKG_VERSION")).to_owned(),
            limits: state.limits().clone(),
            endpoints: Endpoints {
                catalog: "/procedures/index.json".to_owned(),
                health: "/healthz".to_owned(),
                uploads: crate::uploads::UPLOADS_PATH.to_owned(),
                dossiers: crate::dossiers::DOSSIERS_PATH.to_owned(),
                status: crate::status::STATUS_PATH.to_owned(),
            },
            receipt_key,
        }
    }
}

pub(crate) async fn get(State(state): State<AppState>) -> Json<Capabilities> {
    Json(Capabilities::of(&state))
}
