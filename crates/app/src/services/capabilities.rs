//! What the intake server that serves the app announces at
//! `/.well-known/motcua`: its limits, so files are refused on the device
//! before any work or upload.

use gloo::net::http::Request;
use motcua_protocol::{Capabilities, Limits, WELL_KNOWN};

use crate::services::catalog::FetchError;

/// The office's attachment limits.
pub(crate) async fn scan_limits() -> Result<Limits, FetchError> {
    let response = Request::get(WELL_KNOWN)
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
    Ok(caps.limits)
}
