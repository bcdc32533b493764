//! The router, called without a socket.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::{AppState, Catalog, Limits, SqliteStorage, router};

pub(crate) struct Fixture {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) app: axum::Router,
    pub(crate) state: AppState,
}

pub(crate) fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>app</title>").unwrap();
    std::fs::write(dist.join("app-0123456789abcdef.js"), "export {}").unwrap();
    let catalog_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/procedures");
    let catalog = Catalog::from_dir(&catalog_dir).unwrap();
    let data = dir.path().join("data");
    let storage = SqliteStorage::open(&data).unwrap();
    let limits = Limits {
        max_attachment_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let state = AppState::new(std::sync::Arc::new(storage), &data, catalog, limits, dist).unwrap();
    Fixture {
        dir,
        app: router(state.clone()),
        state,
    }
}

async fn get(
    app: &axum::Router,
    path: &str,
    accept: &str,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let request = Request::get(path)
        .header(header::ACCEPT, accept)
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, headers, body)
}

#[tokio::test]
async fn capabilities_announce_protocol_limits_and_endpoints() {
    let f = fixture();
    let (status, headers, body) = get(&f.app, "/.well-known/motcua", "*/*").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let caps: crate::Capabilities = serde_json::from_slice(&body).unwrap();
    assert_eq!(caps.protocol, crate::PROTOCOL);
    assert_eq!(caps.limits.max_attachment_bytes, 1024 * 1024);
    assert_eq!(caps.endpoints.catalog, "/procedures/index.json");
}

#[tokio::test]
async fn health_checks_the_database() {
    let f = fixture();
    let (status, _, body) = get(&f.app, "/healthz", "*/*").await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["status"], "ok");
    assert!(json["schema_version"].as_i64().unwrap() >= 1);
}

#[tokio::test]
async fn catalog_is_served_as_loaded() {
    let f = fixture();
    let (status, headers, body) = get(&f.app, "/procedures/1.001193.json", "*/*").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let on_disk = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/procedures/1.001193.json"),
    )
    .unwrap();
    assert_eq!(body, on_disk);
    for missing in [
        "/procedures/9.999999.json",
        "/procedures/nonsense",
        "/procedures/1.001193",
    ] {
        let (status, headers, _) = get(&f.app, missing, "*/*").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
    }
}

#[tokio::test]
async fn navigations_get_the_app_and_missing_files_a_problem() {
    let f = fixture();
    let (status, headers, body) = get(&f.app, "/procedure/1.001193", "text/html,*/*").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("<title>app</title>")
    );
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    assert!(headers.contains_key(header::CONTENT_SECURITY_POLICY));

    let (status, headers, body) = get(&f.app, "/missing-0123456789abcdef.js", "*/*").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
    let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(problem["status"], 404);
    // A 404 must not be cached as if it were the immutable asset.
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_typed() {
    let f = fixture();
    let (status, headers, _) = get(&f.app, "/app-0123456789abcdef.js", "*/*").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}
