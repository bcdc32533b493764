//! `POST /api/v1/dossiers`: receiving a sealed dossier.
//!
//! The body is the sealed dossier file (docs/dossier-format.md). Its
//! attachments were uploaded before (tus, [`crate::uploads`]) and are found
//! by their SHA-256 in the content-addressed store. The checks run cheapest
//! first: size, JSON, limits, the seal (the same motcua-dossier code the
//! client ran), idempotency by dossier id, office, procedure, form,
//! attachments against their components, then every attachment's bytes
//! (size and SHA-256, read back from the store). Then one database
//! transaction takes the next dossier code, signs the receipt and writes
//! the dossier, its attachments' references and its first status, so a
//! failed request leaves nothing behind.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use motcua_dossier::{
    Manifest, Receipt, ReceiptClaims, SealedDossier, Sha256, Timestamp, VerifyOptions,
};
use serde_json::{Map, Value, json};

use motcua_protocol::{Date, FieldProblem};

use crate::content;
use crate::error::{AppError, Error};
use crate::state::AppState;
use crate::storage::{DossierReceipt, NewAttachment, NewDossier, ReceiptIssuer, StoreOutcome};

/// Where sealed dossiers are posted.
pub(crate) use motcua_protocol::DOSSIERS_PATH;

/// The routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route(DOSSIERS_PATH, post(submit))
}

fn refuse(code: &'static str, detail: impl Into<String>, extra: Map<String, Value>) -> AppError {
    AppError::Unprocessable {
        code,
        detail: detail.into(),
        extra,
    }
}

fn members(pairs: impl IntoIterator<Item = (&'static str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// A dossier error as problem members: its stable code and its message.
fn dossier_error(err: &motcua_dossier::Error) -> Map<String, Value> {
    members([
        ("error_code", err.code().into()),
        ("message", json!(err.message())),
    ])
}

/// Reads the body, at most `limit` bytes.
async fn read_body(body: Body, limit: u64) -> Result<axum::body::Bytes, AppError> {
    let too_large = || AppError::TooLarge {
        limit,
        detail: format!("a sealed dossier may have at most {limit} bytes"),
    };
    axum::body::to_bytes(body, usize::try_from(limit).unwrap_or(usize::MAX))
        .await
        .map_err(|e| {
            let limited = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            if limited {
                too_large()
            } else {
                AppError::body(&e)
            }
        })
}

/// The answer for a dossier already stored under this id.
fn already_stored(existing: DossierReceipt, digest: Sha256) -> Result<Response, AppError> {
    if existing.manifest_sha256 == digest {
        Ok(answer(StatusCode::OK, &existing))
    } else {
        Err(AppError::Conflict {
            code: "dossier-conflict",
            // The stored manifest's hash is not told: it is not the caller's.
            detail: format!(
                "dossier {} was received before with another manifest; \
                 a changed dossier needs a new id",
                existing.id
            ),
        })
    }
}

fn answer(status: StatusCode, receipt: &DossierReceipt) -> Response {
    let body = json!({
        "dossier_id": receipt.id,
        "dossier_code": receipt.code,
        "received": receipt.received,
        "receipt": receipt.receipt,
    });
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn submit(State(state): State<AppState>, request: Request) -> Result<Response, AppError> {
    let (parts, body) = request.into_parts();
    let json_body = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json_body {
        return Err(AppError::UnsupportedMediaType(
            "send the sealed dossier as application/json".into(),
        ));
    }
    let limit = state.limits().max_manifest_bytes;
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(AppError::TooLarge {
            limit,
            detail: format!("a sealed dossier may have at most {limit} bytes"),
        });
    }
    let bytes = read_body(body, limit).await?;

    let sealed = SealedDossier::from_json(&bytes).map_err(|e| AppError::BadRequest {
        code: "bad-dossier",
        detail: format!("not a sealed dossier: {e}"),
    })?;
    let manifest = sealed.manifest();
    check_limits(&state, manifest)?;
    let verification = sealed.verify(&VerifyOptions::default());
    let digest = verification.manifest_digest;
    if let Err(e) = verification.into_result() {
        return Err(refuse(
            "bad-seal",
            format!("the seal does not verify: {e}"),
            dossier_error(&e),
        ));
    }

    // Idempotency: the same id again gets the same receipt.
    if let Some(existing) = state.storage().dossier(&manifest.id).await? {
        return already_stored(existing, digest);
    }

    if !state.offices().is_empty() && !state.offices().contains(&manifest.office) {
        return Err(refuse(
            "wrong-office",
            format!(
                "this server receives dossiers for {}, not for office {}",
                state
                    .offices()
                    .iter()
                    .map(|o| o.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                manifest.office
            ),
            members([("office", manifest.office.as_str().into())]),
        ));
    }
    let code = &manifest.procedure.code;
    let Some(procedure) = state.catalog().procedure(code) else {
        return Err(refuse(
            "unknown-procedure",
            format!("this office does not handle procedure {code}"),
            members([("procedure", code.as_str().into())]),
        ));
    };
    if procedure.version != manifest.procedure.version.as_str() {
        return Err(refuse(
            "procedure-version",
            format!(
                "procedure {code} is at schema version {}, the dossier was made with {}; \
                 fill the form in again",
                procedure.version, manifest.procedure.version
            ),
            members([
                ("procedure", code.as_str().into()),
                ("version", procedure.version.clone().into()),
            ]),
        ));
    }
    let mut findings: Vec<FieldProblem> = Vec::new();
    let today = Date::in_vietnam_at(Timestamp::now().unix())
        .ok_or_else(|| AppError::Internal("the server clock gives no date".into()))?;
    let applicant = match content::check_form(procedure, &manifest.form, state.units(), today) {
        Ok(id) => Some(id),
        Err(errors) => {
            findings.extend(errors);
            None
        }
    };
    findings.extend(content::check_attachments(
        procedure,
        manifest,
        state.limits(),
    ));
    let Some(applicant) = applicant.filter(|_| findings.is_empty()) else {
        return Err(refuse(
            "dossier-invalid",
            format!(
                "the dossier breaks {} rule(s) of procedure {code}",
                findings.len()
            ),
            members([("errors", json!(findings))]),
        ));
    };

    // From here until the dossier is written, no blob is deleted.
    let _gate = state.blob_gate().read().await;
    check_bytes(&state, manifest).await?;
    let received = Timestamp::now();
    let format = state.dossier_code();
    let dossier = NewDossier {
        id: manifest.id,
        office: manifest.office.clone(),
        procedure_code: code.to_string(),
        procedure_version: manifest.procedure.version.to_string(),
        manifest_sha256: digest,
        applicant_tag: state.applicant_tag(&applicant),
        sealed: bytes.to_vec(),
        attachments: manifest
            .attachments
            .iter()
            .map(|a| NewAttachment {
                name: a.name.to_string(),
                sha256: a.sha256,
                size: a.size,
            })
            .collect(),
        received,
        sequence_scope: format.scope(&manifest.office, received),
    };
    let issuer = issuer(&state, manifest, received)?;
    match state.storage().store_dossier(dossier, issuer).await? {
        StoreOutcome::Stored(receipt) => {
            tracing::info!(id = %receipt.id, code = %receipt.code, "dossier received");
            Ok(answer(StatusCode::CREATED, &receipt))
        }
        StoreOutcome::Exists(existing) => already_stored(existing, digest),
        StoreOutcome::MissingBlobs(missing) => Err(missing_attachments(manifest, &missing)),
    }
}

/// Makes the receipt for the dossier numbered `n`, inside the transaction.
fn issuer(
    state: &AppState,
    manifest: &Manifest,
    received: Timestamp,
) -> Result<ReceiptIssuer, AppError> {
    let format = state.dossier_code().clone();
    let key = Arc::clone(state.receipt_key());
    let office = manifest.office.clone();
    // The claims but for the code, which the sequence gives.
    let placeholder = format.code(&office, received, 0)?;
    let claims =
        ReceiptClaims::for_manifest(manifest, placeholder, received).map_err(Error::Receipt)?;
    Ok(Arc::new(move |n| {
        let code = format.code(&office, received, n)?;
        let claims = ReceiptClaims {
            dossier_code: code.clone(),
            ..claims.clone()
        };
        let receipt = Receipt::issue(claims, key.as_ref()).map_err(Error::Receipt)?;
        Ok((code, receipt.token().to_owned()))
    }))
}

/// The limits of the capabilities document on the attachments (the sealed
/// file's size was checked as it was read).
fn check_limits(state: &AppState, manifest: &Manifest) -> Result<(), AppError> {
    let sizes: Vec<u64> = manifest.attachments.iter().map(|a| a.size).collect();
    match state.limits().first_exceeded(0, &sizes) {
        Some(over) => Err(AppError::TooLarge {
            limit: over.limit,
            detail: format!(
                "{}: at most {} in a dossier, this one has {}",
                over.what, over.limit, over.found
            ),
        }),
        None => Ok(()),
    }
}

fn missing_attachments(manifest: &Manifest, missing: &[Sha256]) -> AppError {
    let names: Vec<&str> = manifest
        .attachments
        .iter()
        .filter(|a| missing.contains(&a.sha256))
        .map(|a| a.name.as_str())
        .collect();
    refuse(
        "attachment-missing",
        format!(
            "no uploaded bytes for {}; upload them (tus) and send the dossier again",
            names.join(", ")
        ),
        members([("missing", json!(missing))]),
    )
}

/// Whether a finished upload of the bytes `sha256` was made for the
/// dossier `id` (tus metadata `dossier`). Attachments are cited by hash, so
/// without this anyone who knows a file's hash could cite (and learn of)
/// bytes someone else uploaded; with it, every answer about an attachment
/// is the same whether or not another client has the file.
async fn uploaded_for(state: &AppState, id: &str, sha256: &Sha256) -> Result<bool, AppError> {
    let uploads = state.storage().finished_uploads(sha256).await?;
    Ok(uploads
        .iter()
        .any(|u| u.metadata.get("dossier").is_some_and(|d| d == id)))
}

/// Reads every attachment back from the store and checks its size and
/// SHA-256 against the manifest, that its bytes are of its media type (the
/// same sniffing as the client's, [`motcua_scan::sniff`]) and that its page
/// count, if it states one, is the file's ([`motcua_scan::pdf_page_count`]).
/// Only bytes uploaded for this dossier are looked at.
async fn check_bytes(state: &AppState, manifest: &Manifest) -> Result<(), AppError> {
    if manifest.attachments.is_empty() {
        return Ok(());
    }
    let id = manifest.id.to_string();
    let mut seen = BTreeSet::new();
    let mut attachments = Vec::new();
    let mut missing = Vec::new();
    for a in &manifest.attachments {
        if !seen.insert(a.sha256) {
            continue;
        }
        if uploaded_for(state, &id, &a.sha256).await? {
            attachments.push((a.clone(), state.blobs().blob_path(&a.sha256.to_string())));
        } else {
            missing.push(a.sha256);
        }
    }
    let outcome = tokio::task::spawn_blocking(move || {
        for (attachment, path) in attachments {
            let bytes = match std::fs::read(&path) {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    missing.push(attachment.sha256);
                    continue;
                }
                Err(e) => return Err(AppError::Internal(format!("open {}: {e}", path.display()))),
            };
            match attachment.check(bytes.as_slice()) {
                Ok(()) => {}
                Err(e @ motcua_dossier::Error::AttachmentSize { .. }) => {
                    return Err(refuse(
                        "attachment-mismatch",
                        format!("{e}"),
                        dossier_error(&e),
                    ));
                }
                Err(motcua_dossier::Error::AttachmentDigest { found, .. }) => {
                    // The store named the file by its hash: a different
                    // hash now means the disk changed it. Drop it so that
                    // the client's next upload stores it afresh.
                    tracing::error!(path = %path.display(), %found, "stored blob is corrupt; removed");
                    let _ = std::fs::remove_file(&path);
                    missing.push(attachment.sha256);
                    continue;
                }
                Err(e) => return Err(AppError::Internal(format!("read {}: {e}", path.display()))),
            }
            check_content(&attachment, &bytes)?;
        }
        Ok(missing)
    })
    .await
    .map_err(|e| AppError::Internal(format!("attachment check: {e}")))??;
    if outcome.is_empty() {
        Ok(())
    } else {
        Err(missing_attachments(manifest, &outcome))
    }
}

/// The bytes are what the manifest says: of its media type, and with its
/// page count (a picture is one page).
fn check_content(attachment: &motcua_dossier::Attachment, bytes: &[u8]) -> Result<(), AppError> {
    let name = attachment.name.as_str();
    let mismatch = |detail: String| {
        refuse(
            "attachment-mismatch",
            detail,
            members([("name", name.into())]),
        )
    };
    let declared = attachment.media_type.as_str();
    let sniffed = motcua_scan::sniff(bytes)
        .ok()
        .filter(|t| t.as_str() == declared)
        .ok_or_else(|| mismatch(format!("{name} is not a {declared} file")))?;
    let Some(pages) = attachment.pages else {
        return Ok(());
    };
    let counted = if sniffed.is_image() {
        Some(1)
    } else {
        motcua_scan::pdf_page_count(bytes).ok()
    };
    if counted != Some(pages) {
        return Err(mismatch(match counted {
            Some(n) => format!("{name} has {n} page(s), the manifest says {pages}"),
            None => format!("the pages of {name} cannot be counted, the manifest says {pages}"),
        }));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
