//! `GET /healthz`: the server is up and its storage answers.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::error::AppError;
use crate::state::AppState;

pub(crate) async fn get(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    let version = state.storage().schema_version().await?;
    Ok(Json(json!({ "status": "ok", "schema_version": version })))
}
