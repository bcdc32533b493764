//! `GET /.well-known/motcua`: what this server speaks and accepts.
//!
//! A client reads this before it uploads anything, so that limits are checked
//! on the device (before work is done) rather than discovered by a refusal.

use axum::Json;
use axum::extract::State;
use motcua_dossier::Signer;
pub use motcua_protocol::{Capabilities, Endpoints, Limits, PROTOCOL};

use crate::state::AppState;

/// The capabilities of this server.
pub(crate) fn of(state: &AppState) -> Capabilities {
    let key = state.receipt_key();
    let mut receipt_key = key.public_key().to_jwk();
    receipt_key.insert("kid".into(), key.kid().into());
    receipt_key.insert("alg".into(), key.algorithm().name().into());
    receipt_key.insert("use".into(), "sig".into());
    Capabilities {
        protocol: PROTOCOL.to_owned(),
        server: concat!("motcua-intake/", env!("CARGO_PKG_VERSION")).to_owned(),
        limits: *state.limits(),
        endpoints: Endpoints::reference(state.directory().is_some()),
        receipt_key,
    }
}

pub(crate) async fn get(State(state): State<AppState>) -> Json<Capabilities> {
    Json(of(&state))
}
