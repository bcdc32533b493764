//! Fetching the procedure catalog from the server that serves the app.

use gloo::net::http::Request;
use motcua_forms::{CatalogIndex, Procedure, ProcedureCode};

/// Why a catalog document could not be had.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FetchError {
    /// No answer: offline, or the server is down.
    Network(String),
    /// The server answered with an error status.
    Status(u16),
    /// The answer is not a valid document.
    Invalid(String),
}

async fn get_bytes(url: &str) -> Result<Vec<u8>, FetchError> {
    let response = Request::get(url)
        .send()
        .await
        .map_err(|e| FetchError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(FetchError::Status(response.status()));
    }
    response
        .binary()
        .await
        .map_err(|e| FetchError::Network(e.to_string()))
}

/// The catalog index.
pub(crate) async fn index() -> Result<CatalogIndex, FetchError> {
    let bytes = get_bytes("/procedures/index.json").await?;
    CatalogIndex::from_json(&bytes).map_err(|e| FetchError::Invalid(e.to_string()))
}

/// One procedure's schema.
pub(crate) async fn procedure(code: ProcedureCode) -> Result<Procedure, FetchError> {
    let bytes = get_bytes(&format!("/procedures/{code}.json")).await?;
    Procedure::from_json(&bytes).map_err(|e| FetchError::Invalid(e.to_string()))
}
