//! The intake server's tus endpoint on arbitrary requests: never a panic,
//! never a 5xx, and every refusal a problem document (RFC 9457).
//!
//! The input is a request: byte 0 picks the method, byte 1 the target (the
//! creation URL, a fresh upload of 10 bytes made just before, or the path
//! that follows), then header lines `name: value` up to an empty line, then
//! the body. The requests go through the whole router, as over a socket, so
//! the tus header parsing (numbers, metadata, checksums, duplicates) and
//! the upload state machine are both reached.
#![no_main]

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Method, Request, header};
use http_body_util::BodyExt;
use libfuzzer_sys::fuzz_target;
use motcua_intake::{AppState, Catalog, Config, RateLimit, SqliteStorage, router};
use tower::ServiceExt;

const METHODS: [Method; 6] = [
    Method::POST,
    Method::PATCH,
    Method::HEAD,
    Method::OPTIONS,
    Method::DELETE,
    Method::GET,
];

struct Server {
    runtime: tokio::runtime::Runtime,
    app: axum::Router,
    _dir: tempfile::TempDir,
}

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let dir = tempfile::tempdir().expect("a temporary directory");
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(&dist).expect("dist");
        std::fs::write(dist.join("index.html"), "<!doctype html>").expect("index.html");
        let catalog = Catalog::from_dir(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/procedures"),
        )
        .expect("the catalog");
        let data = dir.path().join("data");
        let storage = SqliteStorage::open(&data).expect("the database");
        let mut config = Config::new(([127, 0, 0, 1], 0).into(), data, dist);
        config.rate_limit = RateLimit::OFF;
        config.lookup_rate_limit = RateLimit::OFF;
        let state = runtime
            .block_on(AppState::open(
                std::sync::Arc::new(storage),
                catalog,
                &config,
            ))
            .expect("the state");
        Server {
            runtime,
            app: router(state),
            _dir: dir,
        }
    })
}

/// A fresh upload of 10 bytes bound to a dossier; its URL.
async fn fresh_upload(app: &axum::Router) -> String {
    let request = Request::post("/api/v1/uploads")
        .header("tus-resumable", "1.0.0")
        .header("upload-length", "10")
        // `dossier` = base64 of a dossier id.
        .header(
            "upload-metadata",
            "dossier MGI2ZjZjMmUtM2YzNS00ZDdhLTljOGUtNWM4YzJiMWYwYTEx",
        )
        .body(Body::empty())
        .expect("a request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    response
        .headers()
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or("/api/v1/uploads/none")
        .to_owned()
}

fuzz_target!(|data: &[u8]| {
    let [method, target, rest @ ..] = data else {
        return;
    };
    let method = METHODS[usize::from(*method) % METHODS.len()].clone();
    let (head, body) = match rest.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&rest[..at], &rest[at + 2..]),
        None => (rest, &[][..]),
    };
    let server = server();
    server.runtime.block_on(async {
        let mut lines = head.split(|b| *b == b'\n');
        let path = match target % 3 {
            0 => "/api/v1/uploads".to_owned(),
            1 => fresh_upload(&server.app).await,
            // The first line is the path under the uploads URL.
            _ => format!(
                "/api/v1/uploads/{}",
                String::from_utf8_lossy(lines.next().unwrap_or_default())
            ),
        };
        let mut request = Request::builder().method(method.clone()).uri(&path);
        for line in lines {
            let Some(colon) = line.iter().position(|b| *b == b':') else {
                continue;
            };
            let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(&line[..colon]),
                HeaderValue::from_bytes(line[colon + 1..].trim_ascii()),
            ) else {
                continue;
            };
            request = request.header(name, value);
        }
        // Paths that are no URI are the HTTP parser's, not ours.
        let Ok(request) = request.body(Body::from(body.to_vec())) else {
            return;
        };
        let response = server
            .app
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let status = response.status();
        assert!(!status.is_server_error(), "{method} {path}: {status}");
        let problem = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|t| t == "application/problem+json");
        if status.is_client_error() && method != Method::HEAD {
            assert!(problem, "{method} {path}: {status} without a problem body");
        }
        let _ = response.into_body().collect().await;
    });
});
