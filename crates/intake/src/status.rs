//! `POST /api/v1/status`: where a dossier stands, for whoever holds both its
//! code and the applicant's personal ID number.
//!
//! No enumeration: an unknown code and a wrong ID number get the same 404,
//! after the same work (one indexed read of the applicant's tag, then an
//! HMAC check against it, or against a dummy tag when there is no dossier;
//! the dossier itself is read only once the ID number matched), and look-ups have their own, small
//! rate limit. The ID number travels in the body, never in a URL, so it
//! stays out of access logs. The server keeps only a keyed hash of it for
//! the look-up (HMAC-SHA256 under a random key of this instance).

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use motcua_dossier::DossierCode;
use motcua_protocol::{DossierStatus, ProcedureRef, StatusQuery, StatusReport};

use crate::error::AppError;
use crate::state::AppState;

/// Where look-ups are posted.
pub(crate) use motcua_protocol::STATUS_PATH;

/// The routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route(STATUS_PATH, post(lookup))
}

fn not_found() -> AppError {
    AppError::NotFound("no dossier with this code and personal ID number".into())
}

/// Whether `personal_id` is the applicant's of the dossier whose tag is
/// `tag` (`None`: no dossier has the code). Both cases run the same one
/// HMAC check over a 32-byte tag, so that timing tells a wrong number from
/// an unknown code no more than the answer does (issue 12).
fn opens(state: &AppState, personal_id: &str, tag: Option<&[u8]>) -> bool {
    const DUMMY: [u8; 32] = [0; 32];
    let matches = state.applicant_matches(personal_id, tag.unwrap_or(&DUMMY));
    matches && tag.is_some()
}

async fn lookup(
    State(state): State<AppState>,
    body: Result<Json<StatusQuery>, axum::extract::rejection::JsonRejection>,
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
    // Only the tag is read before the check: the record with its history
    // is loaded for the holder of the right number alone.
    let tag = state.storage().applicant_tag(&code).await?;
    if !opens(&state, &personal_id, tag.as_deref()) {
        return Err(not_found());
    }
    let Some(record) = state.storage().dossier_by_code(&code).await? else {
        return Err(not_found());
    };
    let procedure = ProcedureRef {
        code: record
            .procedure_code
            .parse()
            .map_err(|e| AppError::Internal(format!("stored procedure code of {code}: {e}")))?,
        version: record
            .procedure_version
            .parse()
            .map_err(|e| AppError::Internal(format!("stored procedure version of {code}: {e}")))?,
    };
    let report = StatusReport {
        dossier_code: record.receipt.code,
        dossier_id: record.receipt.id,
        office: record.office,
        procedure,
        received: record.receipt.received,
        status: record
            .history
            .last()
            .map_or(DossierStatus::Received, |e| e.status),
        history: record.history,
    };
    let body = serde_json::to_string(&report)
        .map_err(|e| AppError::Internal(format!("status report of {code}: {e}")))?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::fixture;

    #[tokio::test]
    async fn an_unknown_code_and_a_wrong_number_make_the_same_check() {
        let f = fixture().await;
        let id = "001093012345";
        let tag = f.state.applicant_tag(id);
        let checks = || f.state.applicant_checks();
        let before = checks();
        assert!(!opens(&f.state, id, None));
        assert_eq!(checks(), before + 1, "an unknown code is checked too");
        assert!(!opens(&f.state, "001093012346", Some(&tag)));
        assert_eq!(checks(), before + 2);
        assert!(opens(&f.state, id, Some(&tag)));
        assert_eq!(checks(), before + 3);
    }
}
