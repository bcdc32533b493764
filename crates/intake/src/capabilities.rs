//! `GET /.well-known/motcua`: what this server speaks and accepts.
//!
//! A client reads this before it uploads anything, so that limits are checked
//! on the device (before work is done) rather than discovered by a refusal.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

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
}

impl Capabilities {
    pub(crate) fn of(state: &AppState) -> Self {
        Self {
            protocol: PROTOCOL.to_owned(),
            server: concat!("motcua-intake/", env!("CARGO_PKG_VERSION")).to_owned(),
            limits: state.limits().clone(),
            endpoints: Endpoints {
                catalog: "/procedures/index.json".to_owned(),
                health: "/healthz".to_owned(),
                uploads: crate::uploads::UPLOADS_PATH.to_owned(),
            },
        }
    }
}

pub(crate) async fn get(State(state): State<AppState>) -> Json<Capabilities> {
    Json(Capabilities::of(&state))
}
