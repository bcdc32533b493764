//! `POST /api/v1/status`: where a dossier stands, for whoever holds both its
//! code and the applicant's personal ID number.
//!
//! No enumeration: an unknown code and a wrong ID number get the same 404,
//! after the same work (an HMAC check against the stored tag, or against a
//! dummy tag when there is no dossier), and look-ups have their own, small
//! rate limit. The ID number travels in the body, never in a URL, so it
//! stays out of access logs. The server keeps only a keyed hash of it for
//! the look-up (HMAC-SHA256 under a random key of this instance).

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use motcua_dossier::DossierCode;
use serde::Deserialize;
use serde_json::json;

use crate::error::AppError;
use crate::state::AppState;

/// Where look-ups are posted.
pub(crate) const STATUS_PATH: &str = "/api/v1/status";

/// The routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route(STATUS_PATH, post(lookup))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Query {
    dossier_code: String,
    personal_id: String,
}

fn not_found() -> AppError {
    AppError::NotFound("no dossier with this code and personal ID number".into())
}

async fn lookup(
    State(state): State<AppState>,
    body: Result<Json<Query>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, AppError> {
    let Json(query) = body.map_err(|e| AppError::BadRequest {
        code: "bad-query",
        detail: format!(
            "send {{\"dossier_code\": ..., \"personal_id\": ...}} as application/json: {}",
            e.body_text()
        ),
    })?;
    let personal_id = query
        .personal_id
        .parse::<motcua_forms::PersonalId>()
        .map(|id| id.as_str().to_owned())
        .map_err(|_| AppError::BadRequest {
            code: "bad-query",
            detail: "personal_id must be a personal identification number of 12 digits".into(),
        })?;
    let code: DossierCode =
        query
            .dossier_code
            .trim()
            .parse()
            .map_err(|_| AppError::BadRequest {
                code: "bad-query",
                detail: "dossier_code must be 1 to 128 printable ASCII characters".into(),
            })?;
    let record = state.storage().dossier_by_code(&code).await?;
    // The same HMAC check whether or not the code exists.
    let dummy = [0u8; 32];
    let tag = record.as_ref().map_or(&dummy[..], |r| &r.applicant_tag[..]);
    let matches = state.applicant_matches(&personal_id, tag);
    let Some(record) = record.filter(|_| matches) else {
        return Err(not_found());
    };
    let current = record
        .history
        .last()
        .map(|e| e.status)
        .unwrap_or(crate::storage::DossierStatus::Received);
    let body = json!({
        "dossier_code": record.receipt.code,
        "dossier_id": record.receipt.id,
        "office": record.office,
        "procedure": { "code": record.procedure_code, "version": record.procedure_version },
        "received": record.receipt.received,
        "status": current,
        "history": record.history,
    });
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response())
}
