//! `GET /healthz`: the server is up and its database answers.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::error::AppError;
use crate::state::AppState;

pub(crate) async fn get(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    let store = state.store().clone();
    let version = tokio::task::spawn_blocking(move || store.schema_version())
        .await
        .map_err(|e| AppError::Internal(format!("health check task: {e}")))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Json(json!({ "status": "ok", "schema_version": version })))
}
