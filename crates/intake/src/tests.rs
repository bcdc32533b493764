//! The router, called without a socket.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::{AppState, Catalog, Config, Limits, RateLimit, SqliteStorage, router};

pub(crate) struct Fixture {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) app: axum::Router,
    pub(crate) state: AppState,
}

/// A server on SQLite in a temporary directory, with attachments of at
/// most 1 MiB and no rate limits; `adjust` changes its settings.
pub(crate) async fn fixture_with(adjust: impl FnOnce(&mut Config)) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>app</title>").unwrap();
    std::fs::write(dist.join("app-0123456789abcdef.js"), "export {}").unwrap();
    let catalog_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/procedures");
    let catalog = Catalog::from_dir(&catalog_dir).unwrap();
    let data = dir.path().join("data");
    let storage = SqliteStorage::open(&data).unwrap();
    let mut config = Config::new(([127, 0, 0, 1], 0).into(), data, dist);
    config.limits = Limits {
        max_attachment_bytes: 1024 * 1024,
        ..Limits::default()
    };
    config.rate_limit = RateLimit::OFF;
    config.lookup_rate_limit = RateLimit::OFF;
    adjust(&mut config);
    let state = AppState::open(std::sync::Arc::new(storage), catalog, &config)
        .await
        .unwrap();
    Fixture {
        dir,
        app: router(state.clone()),
        state,
    }
}

pub(crate) async fn fixture() -> Fixture {
    fixture_with(|_| {}).await
}

/// An answer, read whole.
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: axum::http::HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    pub(crate) fn problem_type(&self) -> String {
        self.json()["type"].as_str().unwrap_or_default().to_owned()
    }
}

/// Sends one request through the router.
pub(crate) async fn request(
    app: &axum::Router,
    method: axum::http::Method,
    path: &str,
    headers: &[(&str, &str)],
    body: impl Into<Body>,
) -> Reply {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app
        .clone()
        .oneshot(request.body(body.into()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
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
    let f = fixture().await;
    let (status, headers, body) = get(&f.app, "/.well-known/motcua", "*/*").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let caps: crate::Capabilities = serde_json::from_slice(&body).unwrap();
    assert_eq!(caps.protocol, crate::PROTOCOL);
    assert_eq!(caps.limits.max_attachment_bytes, 1024 * 1024);
    assert_eq!(caps.endpoints.catalog, "/procedures/index.json");
    assert_eq!(caps.endpoints.dossiers, "/api/v1/dossiers");
    assert_eq!(caps.endpoints.status, "/api/v1/status");
    let key = motcua_dossier::PublicKey::from_jwk(&caps.receipt_key).unwrap();
    assert_eq!(caps.receipt_key["kid"], key.thumbprint());
    assert_eq!(caps.receipt_key["alg"], "ES256");
    assert_eq!(caps.receipt_key["use"], "sig");
    assert!(!caps.receipt_key.contains_key("d"), "no private part");
}

#[tokio::test]
async fn health_checks_the_database() {
    let f = fixture().await;
    let (status, _, body) = get(&f.app, "/healthz", "*/*").await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["status"], "ok");
    assert!(json["schema_version"].as_i64().unwrap() >= 1);
}

#[tokio::test]
async fn catalog_is_served_as_loaded() {
    let f = fixture().await;
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
    let f = fixture().await;
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
    let f = fixture().await;
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
