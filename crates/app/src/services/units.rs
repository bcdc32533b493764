//! The administrative-unit table, fetched when a form first needs it, so it
//! does not weigh on the app's start (150 KB, 35 KB compressed).

use gloo::net::http::Request;
use motcua_forms::AdminUnits;

use crate::services::catalog::FetchError;

/// Where the build puts the table (`web/units/`).
pub(crate) const UNITS_URL: &str = "/units/units-2025.json";

/// Fetches and parses the table.
pub(crate) async fn load() -> Result<AdminUnits, FetchError> {
    let response = Request::get(UNITS_URL)
        .send()
        .await
        .map_err(|e| FetchError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(FetchError::Status(response.status()));
    }
    let bytes = response
        .binary()
        .await
        .map_err(|e| FetchError::Network(e.to_string()))?;
    AdminUnits::from_json(&bytes).map_err(|e| FetchError::Invalid(e.to_string()))
}
