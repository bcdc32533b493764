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

    /// A header's value, if it is text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
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
    let reply = request(
        app,
        axum::http::Method::GET,
        path,
        &[(header::ACCEPT.as_str(), accept)],
        Body::empty(),
    )
    .await;
    (reply.status, reply.headers, reply.body)
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

const PORTAL: &str = "https://portal.example.vn";

fn header_text<'a>(reply: &'a Reply, name: &str) -> &'a str {
    reply
        .headers
        .get(name)
        .map_or("", |v| v.to_str().unwrap_or(""))
}

fn vary(reply: &Reply) -> String {
    reply
        .headers
        .get_all(header::VARY)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

async fn preflight(app: &axum::Router, origin: &str, method: &str) -> Reply {
    request(
        app,
        axum::http::Method::OPTIONS,
        "/api/v1/uploads",
        &[
            ("origin", origin),
            ("access-control-request-method", method),
            (
                "access-control-request-headers",
                "tus-resumable,upload-length,upload-metadata,upload-checksum,content-type",
            ),
        ],
        Body::empty(),
    )
    .await
}

async fn create_upload(app: &axum::Router, origin: &str) -> Reply {
    request(
        app,
        axum::http::Method::POST,
        "/api/v1/uploads",
        &[
            ("origin", origin),
            ("tus-resumable", "1.0.0"),
            ("upload-length", "10"),
        ],
        Body::empty(),
    )
    .await
}

#[tokio::test]
async fn cors_for_allowed_origins_and_preflights_take_no_rate_limit_token() {
    let f = fixture_with(|c| {
        c.cors_origins = vec![PORTAL.into(), "http://127.0.0.1:8081".into()];
        // One protocol request, then none for a long while.
        c.rate_limit = RateLimit {
            per_second: 0.001,
            burst: 1,
        };
    })
    .await;
    for method in ["POST", "PATCH", "HEAD", "DELETE", "POST", "PATCH"] {
        let reply = preflight(&f.app, PORTAL, method).await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{method}");
        assert_eq!(header_text(&reply, "access-control-allow-origin"), PORTAL);
        let methods = header_text(&reply, "access-control-allow-methods");
        assert!(methods.contains(method), "{methods}");
        let allowed = header_text(&reply, "access-control-allow-headers").to_ascii_lowercase();
        for h in [
            "tus-resumable",
            "upload-length",
            "upload-offset",
            "upload-metadata",
            "upload-checksum",
            "content-type",
        ] {
            assert!(allowed.contains(h), "{h} in {allowed}");
        }
        assert_eq!(header_text(&reply, "access-control-max-age"), "7200");
        assert!(
            !reply
                .headers
                .contains_key("access-control-allow-credentials")
        );
        assert!(vary(&reply).contains("Origin"));
    }
    // The preflights took nothing: the one request allowed goes through,
    // and the client may read what it needs.
    let created = create_upload(&f.app, PORTAL).await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(header_text(&created, "access-control-allow-origin"), PORTAL);
    let exposed = header_text(&created, "access-control-expose-headers").to_owned();
    for h in [
        "Location",
        "Upload-Offset",
        "Upload-Length",
        "Upload-Expires",
        "Tus-Resumable",
        "Tus-Version",
        "Tus-Max-Size",
        "Retry-After",
    ] {
        assert!(exposed.contains(h), "{h} in {exposed}");
    }
    assert!(
        !created
            .headers
            .contains_key("access-control-allow-credentials")
    );
    assert!(vary(&created).contains("Origin"));
    // The next is over the limit; the app can still read why and when.
    let limited = create_upload(&f.app, "http://127.0.0.1:8081").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        header_text(&limited, "access-control-allow-origin"),
        "http://127.0.0.1:8081"
    );
    assert!(limited.headers.contains_key(header::RETRY_AFTER));
}

#[tokio::test]
async fn cors_refuses_other_origins() {
    let f = fixture_with(|c| c.cors_origins = vec![PORTAL.into()]).await;
    // A tus OPTIONS (no Access-Control-Request-Method) still reaches tus.
    let tus = request(
        &f.app,
        axum::http::Method::OPTIONS,
        "/api/v1/uploads",
        &[("origin", PORTAL)],
        Body::empty(),
    )
    .await;
    assert_eq!(header_text(&tus, "tus-version"), "1.0.0");
    assert_eq!(header_text(&tus, "access-control-allow-origin"), PORTAL);
    for origin in [
        "https://evil.example",
        "http://portal.example.vn",
        "https://portal.example.vn.evil.example",
        "null",
    ] {
        let reply = preflight(&f.app, origin, "POST").await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{origin}");
        assert_eq!(reply.problem_type(), "/problems/cors-origin");
        assert!(!reply.headers.contains_key("access-control-allow-origin"));
        let simple = request(
            &f.app,
            axum::http::Method::GET,
            "/.well-known/motcua",
            &[("origin", origin)],
            Body::empty(),
        )
        .await;
        assert_eq!(simple.status, StatusCode::OK);
        assert!(!simple.headers.contains_key("access-control-allow-origin"));
        assert!(vary(&simple).contains("Origin"));
    }
    // Without configured origins nothing is allowed: the documented 403
    // (issue 12: it was tus's 204 here, 405 on dossiers and status).
    let plain = fixture().await;
    let reply = preflight(&plain.app, PORTAL, "POST").await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.problem_type(), "/problems/cors-origin");
    assert!(!reply.headers.contains_key("access-control-allow-origin"));
    assert!(!reply.headers.contains_key("tus-version"));
    // `*`: any origin, named as `*`.
    let any = fixture_with(|c| c.cors_origins = vec!["*".into()]).await;
    let reply = preflight(&any.app, "https://elsewhere.example", "PATCH").await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(header_text(&reply, "access-control-allow-origin"), "*");
}

/// Issue 12: without `--cors-origin`, foreign preflights on every protocol
/// path get the 403 problem, and take no rate-limit token.
#[tokio::test]
async fn without_cors_origins_preflights_get_403_and_take_no_token() {
    let f = fixture_with(|c| {
        let one = RateLimit {
            per_second: 0.001,
            burst: 1,
        };
        c.rate_limit = one;
        c.lookup_rate_limit = one;
    })
    .await;
    for path in [
        "/api/v1/uploads",
        "/api/v1/uploads/0123456789abcdef0123456789abcdef",
        "/api/v1/dossiers",
        "/api/v1/status",
    ] {
        for _ in 0..3 {
            let reply = request(
                &f.app,
                axum::http::Method::OPTIONS,
                path,
                &[
                    ("origin", "https://elsewhere.example"),
                    ("access-control-request-method", "POST"),
                ],
                Body::empty(),
            )
            .await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
            assert_eq!(reply.problem_type(), "/problems/cors-origin", "{path}");
            assert!(!reply.headers.contains_key("access-control-allow-origin"));
        }
    }
    // Both buckets are still full: one request each goes through.
    let created = create_upload(&f.app, "https://elsewhere.example").await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert!(!created.headers.contains_key("access-control-allow-origin"));
    let lookup = request(
        &f.app,
        axum::http::Method::POST,
        "/api/v1/status",
        &[("content-type", "application/json")],
        r#"{"dossier_code":"X-1","personal_id":"001093012345"}"#,
    )
    .await;
    assert_eq!(lookup.status, StatusCode::NOT_FOUND);
    // A tus OPTIONS (no Access-Control-Request-Method) is still tus's.
    let tus = request(
        &fixture().await.app,
        axum::http::Method::OPTIONS,
        "/api/v1/uploads",
        &[],
        Body::empty(),
    )
    .await;
    assert_eq!(header_text(&tus, "tus-version"), "1.0.0");
}

/// Found by the tus fuzz target: an upload path that is not text once
/// percent-decoded got axum's plain-text 400.
#[tokio::test]
async fn an_upload_path_that_is_not_text_is_an_unknown_upload() {
    let f = fixture().await;
    for method in [axum::http::Method::PATCH, axum::http::Method::DELETE] {
        let reply = request(
            &f.app,
            method.clone(),
            "/api/v1/uploads/..%2f%fc",
            &[
                ("tus-resumable", "1.0.0"),
                ("upload-offset", "0"),
                ("content-type", "application/offset+octet-stream"),
            ],
            Body::empty(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method}");
        assert_eq!(reply.problem_type(), "/problems/not-found", "{method}");
    }
}

/// Issue 12: a 405 carries a problem body (and its Allow), like every
/// other refusal.
#[tokio::test]
async fn method_not_allowed_is_a_problem_with_allow() {
    let f = fixture().await;
    for (method, path, allowed) in [
        (axum::http::Method::GET, "/api/v1/dossiers", "POST"),
        (axum::http::Method::DELETE, "/api/v1/dossiers", "POST"),
        (axum::http::Method::GET, "/api/v1/status", "POST"),
        (axum::http::Method::POST, "/.well-known/motcua", "GET"),
    ] {
        let reply = request(&f.app, method.clone(), path, &[], Body::empty()).await;
        assert_eq!(
            reply.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_eq!(
            header_text(&reply, "content-type"),
            "application/problem+json"
        );
        assert_eq!(reply.problem_type(), "/problems/method-not-allowed");
        assert_eq!(reply.json()["status"], 405);
        assert!(
            header_text(&reply, "allow").contains(allowed),
            "{method} {path}: {:?}",
            reply.headers
        );
    }
}

/// Issue 12: every status answer, refusals included, is `no-store` (they
/// were `no-cache`).
#[tokio::test]
async fn status_answers_are_never_stored() {
    let f = fixture_with(|c| {
        c.lookup_rate_limit = RateLimit {
            per_second: 0.001,
            burst: 3,
        };
    })
    .await;
    let lookup = |body: &'static str| {
        request(
            &f.app,
            axum::http::Method::POST,
            "/api/v1/status",
            &[("content-type", "application/json")],
            body,
        )
    };
    let not_found = lookup(r#"{"dossier_code":"X-1","personal_id":"001093012345"}"#).await;
    let bad = lookup(r#"{"dossier_code":"X-1"}"#).await;
    let wrong_method = request(
        &f.app,
        axum::http::Method::GET,
        "/api/v1/status",
        &[],
        Body::empty(),
    )
    .await;
    let limited = lookup(r#"{"dossier_code":"X-1","personal_id":"001093012345"}"#).await;
    for (reply, status) in [
        (not_found, StatusCode::NOT_FOUND),
        (bad, StatusCode::BAD_REQUEST),
        (limited, StatusCode::TOO_MANY_REQUESTS),
        (wrong_method, StatusCode::METHOD_NOT_ALLOWED),
    ] {
        assert_eq!(reply.status, status);
        assert_eq!(header_text(&reply, "cache-control"), "no-store", "{status}");
    }
}

#[tokio::test]
async fn bad_cors_origins_stop_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let catalog_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/procedures");
    let catalog = Catalog::from_dir(&catalog_dir).unwrap();
    let data = dir.path().join("data");
    let storage = SqliteStorage::open(&data).unwrap();
    let mut config = Config::new(([127, 0, 0, 1], 0).into(), data, dir.path().into());
    config.cors_origins = vec!["portal.example.vn".into()];
    let err = AppState::open(std::sync::Arc::new(storage), catalog, &config)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("portal.example.vn"), "{err}");
}

#[tokio::test]
async fn a_published_directory_is_served_as_signed_with_caching() {
    let signed = br#"{"payload":"e30","protected":"e30","signature":"AA"}"#.to_vec();
    let f = fixture_with(|c| {
        c.directory = Some(crate::PublishedDirectory::new(signed.clone(), i64::MAX));
    })
    .await;
    let (status, headers, body) = get(&f.app, crate::DIRECTORY_PATH, "*/*").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, signed);
    assert_eq!(headers[header::CONTENT_TYPE], "application/jose+json");
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=3600");
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    let again = request(
        &f.app,
        axum::http::Method::GET,
        crate::DIRECTORY_PATH,
        &[("if-none-match", &etag)],
        Body::empty(),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    let (_, _, caps) = get(&f.app, "/.well-known/motcua", "*/*").await;
    let caps: crate::Capabilities = serde_json::from_slice(&caps).unwrap();
    assert_eq!(
        caps.endpoints.directory.as_deref(),
        Some("/.well-known/motcua-directory")
    );

    let none = fixture().await;
    let (status, headers, _) = get(&none.app, crate::DIRECTORY_PATH, "*/*").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
    let (_, _, caps) = get(&none.app, "/.well-known/motcua", "*/*").await;
    assert!(!String::from_utf8(caps).unwrap().contains("directory"));
}

#[tokio::test]
async fn a_directory_with_its_own_pins_replaces_the_apps_publishers_file() {
    let apps_file = br#"{"keys":[]}"#;
    let pins = br#"{"keys":[{"kty":"EC","crv":"P-256","x":"x","y":"y"}]}"#.to_vec();
    let signed = br#"{"payload":"e30","protected":"e30","signature":"AA"}"#.to_vec();
    let f = fixture_with(|c| {
        std::fs::write(c.dist_dir.join("directory-publishers.json"), apps_file).unwrap();
        c.directory = Some(
            crate::PublishedDirectory::new(signed.clone(), i64::MAX).with_app_pins(pins.clone()),
        );
    })
    .await;
    let (status, headers, body) = get(&f.app, crate::PUBLISHERS_PATH, "*/*").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, pins);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");

    // A directory without pins, or none: the app's own file.
    for f in [
        fixture_with(|c| {
            std::fs::write(c.dist_dir.join("directory-publishers.json"), apps_file).unwrap();
            c.directory = Some(crate::PublishedDirectory::new(signed.clone(), i64::MAX));
        })
        .await,
        fixture_with(|c| {
            std::fs::write(c.dist_dir.join("directory-publishers.json"), apps_file).unwrap();
        })
        .await,
    ] {
        let (status, _, body) = get(&f.app, crate::PUBLISHERS_PATH, "*/*").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, apps_file);
    }
}
