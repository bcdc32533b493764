//! What the intake server that serves the app announces at
//! `/.well-known/motcua`: its limits, so files are refused on the device
//! before any work or upload.

use gloo::net::http::Request;
use serde::Deserialize;

use crate::services::catalog::FetchError;
use crate::worker::ScanOffice;

#[derive(Debug, Deserialize)]
struct Capabilities {
    limits: Limits,
}

#[derive(Debug, Deserialize)]
struct Limits {
    max_attachment_bytes: u64,
    max_dossier_bytes: u64,
}

/// The office's attachment limits.
pub(crate) async fn scan_limits() -> Result<ScanOffice, FetchError> {
    let response = Request::get("/.well-known/motcua")
        .send()
        .await
        .map_err(|e| FetchError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(FetchError::Status(response.status()));
    }
    let caps: Capabilities = response
        .json()
        .await
        .map_err(|e| FetchError::Invalid(e.to_string()))?;
    Ok(ScanOffice {
        max_attachment_bytes: caps.limits.max_attachment_bytes,
        max_dossier_bytes: caps.limits.max_dossier_bytes,
    })
}
