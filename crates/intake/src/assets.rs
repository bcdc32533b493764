//! The app and the catalog: static files from the built app, the catalog from
//! memory, and `index.html` for every in-app route.

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use motcua_forms::ProcedureCode;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::error::AppError;
use crate::state::AppState;

/// Routes for the catalog.
pub(crate) fn catalog_routes() -> Router<AppState> {
    Router::new()
        .route("/procedures/index.json", get(index))
        .route("/procedures/{file}", get(procedure))
}

async fn index(State(state): State<AppState>) -> Response {
    json_bytes(state.catalog().index_bytes().to_vec())
}

async fn procedure(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let not_found = || AppError::NotFound(format!("no procedure {file:?} in this catalog"));
    let code: ProcedureCode = file
        .strip_suffix(".json")
        .ok_or_else(not_found)?
        .parse()
        .map_err(|_| not_found())?;
    let bytes = state
        .catalog()
        .procedure_bytes(&code)
        .ok_or_else(not_found)?;
    Ok(json_bytes(bytes.to_vec()))
}

fn json_bytes(bytes: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

/// Serves files of the built app, precompressed variants when the build made
/// them. A page navigation (a request that accepts HTML) to a path with no
/// file is an in-app route and gets `index.html`; anything else missing is a
/// plain 404, so a broken asset link is not hidden behind the app's page.
pub(crate) async fn static_files(State(state): State<AppState>, request: Request) -> Response {
    let dist = state.dist_dir();
    let path = request.uri().path().to_owned();
    let navigation = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    let serve_dir = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true);
    let response = match serve_dir.oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    };
    if response.status() != StatusCode::NOT_FOUND {
        return response;
    }
    if !navigation {
        return AppError::NotFound(format!("no file {path}")).into_response();
    }
    let index = Request::builder()
        .uri("/index.html")
        .body(axum::body::Body::empty())
        .unwrap_or_default();
    match ServeFile::new(dist.join("index.html")).oneshot(index).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    }
}
