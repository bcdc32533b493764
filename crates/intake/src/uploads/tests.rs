//! The tus server, request by request, without a socket.

use axum::body::{Body, Bytes};
use axum::http::{Method, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::*;
use crate::tests::{Fixture, Reply, fixture, request};

/// One request through the fixture's router.
async fn send(
    f: &Fixture,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Body,
) -> Reply {
    request(&f.app, method, path, headers, body).await
}

fn sha256_hex(bytes: &[u8]) -> String {
    crate::blobs::hex(digest::digest(&digest::SHA256, bytes).as_ref())
}

async fn create(f: &Fixture, length: usize, metadata: &str) -> String {
    let length = length.to_string();
    let reply = send(
        f,
        Method::POST,
        UPLOADS_PATH,
        &[
            ("Tus-Resumable", "1.0.0"),
            ("Upload-Length", &length),
            ("Upload-Metadata", metadata),
        ],
        Body::empty(),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(reply.header("tus-resumable"), Some("1.0.0"));
    assert!(reply.header("upload-expires").is_some());
    reply.header("location").unwrap().to_owned()
}

async fn patch(f: &Fixture, url: &str, offset: u64, bytes: &[u8], extra: &[(&str, &str)]) -> Reply {
    let offset = offset.to_string();
    let mut headers = vec![
        ("Tus-Resumable", "1.0.0"),
        ("Upload-Offset", offset.as_str()),
        ("Content-Type", "application/offset+octet-stream"),
    ];
    headers.extend_from_slice(extra);
    send(f, Method::PATCH, url, &headers, Body::from(bytes.to_vec())).await
}

async fn offset_of(f: &Fixture, url: &str) -> u64 {
    let reply = send(
        f,
        Method::HEAD,
        url,
        &[("Tus-Resumable", "1.0.0")],
        Body::empty(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    reply.header("upload-offset").unwrap().parse().unwrap()
}

fn file_bytes(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 % 251) as u8).collect()
}

#[tokio::test]
async fn options_announce_version_extensions_and_limits() {
    let f = fixture().await;
    let reply = send(&f, Method::OPTIONS, UPLOADS_PATH, &[], Body::empty()).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(reply.header("tus-version"), Some("1.0.0"));
    let extensions = reply.header("tus-extension").unwrap();
    for ext in [
        "creation",
        "creation-with-upload",
        "checksum",
        "termination",
        "expiration",
    ] {
        assert!(
            extensions.split(',').any(|e| e == ext),
            "{ext} missing from {extensions}"
        );
    }
    assert_eq!(reply.header("tus-max-size"), Some("1048576"));
    assert!(
        reply
            .header("tus-checksum-algorithm")
            .unwrap()
            .contains("sha256")
    );
}

#[tokio::test]
async fn upload_in_chunks_then_stored_by_content_hash() {
    let f = fixture().await;
    let bytes = file_bytes(300_000);
    let sha = sha256_hex(&bytes);
    let metadata = format!(
        "filename {},sha256 {}",
        BASE64.encode("giay-chung-sinh.pdf"),
        BASE64.encode(&sha)
    );
    let url = create(&f, bytes.len(), &metadata).await;
    assert_eq!(offset_of(&f, &url).await, 0);

    let mut offset = 0;
    for chunk in bytes.chunks(128 * 1024) {
        let reply = patch(&f, &url, offset, chunk, &[]).await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT);
        offset += chunk.len() as u64;
        assert_eq!(reply.header("upload-offset").unwrap(), offset.to_string());
        assert_eq!(offset_of(&f, &url).await, offset);
    }

    let head = send(
        &f,
        Method::HEAD,
        &url,
        &[("Tus-Resumable", "1.0.0")],
        Body::empty(),
    )
    .await;
    assert_eq!(head.header("upload-length"), Some("300000"));
    assert!(
        head.header("upload-expires").is_none(),
        "a finished upload does not expire"
    );
    let stored = std::fs::read(f.state.blobs().blob_path(&sha)).unwrap();
    assert_eq!(stored, bytes);
    let id = UploadId::parse(url.rsplit('/').next().unwrap()).unwrap();
    assert!(!f.state.blobs().partial_path(&id).exists());
    let upload = f.state.storage().upload(&id).await.unwrap().unwrap();
    assert_eq!(upload.sha256.as_deref(), Some(sha.as_str()));
    assert_eq!(upload.metadata["filename"], "giay-chung-sinh.pdf");
}

#[tokio::test]
async fn creation_with_upload_takes_the_first_bytes() {
    let f = fixture().await;
    let bytes = file_bytes(1000);
    let reply = send(
        &f,
        Method::POST,
        UPLOADS_PATH,
        &[
            ("Tus-Resumable", "1.0.0"),
            ("Upload-Length", "1000"),
            ("Content-Type", "application/offset+octet-stream"),
        ],
        Body::from(bytes[..400].to_vec()),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.header("upload-offset"), Some("400"));
    let url = reply.header("location").unwrap().to_owned();
    let reply = patch(&f, &url, 400, &bytes[400..], &[]).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert!(f.state.blobs().blob_path(&sha256_hex(&bytes)).is_file());
}

#[tokio::test]
async fn a_chunk_failing_its_checksum_is_not_kept() {
    let f = fixture().await;
    let bytes = file_bytes(2000);
    let url = create(&f, bytes.len(), "").await;
    let good = BASE64.encode(digest::digest(&digest::SHA256, &bytes[..1000]));
    let reply = patch(
        &f,
        &url,
        0,
        &bytes[..1000],
        &[("Upload-Checksum", &format!("sha256 {good}"))],
    )
    .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);

    let wrong = BASE64.encode(digest::digest(&digest::SHA256, b"something else"));
    let reply = patch(
        &f,
        &url,
        1000,
        &bytes[1000..],
        &[("Upload-Checksum", &format!("sha256 {wrong}"))],
    )
    .await;
    assert_eq!(reply.status.as_u16(), 460);
    assert_eq!(reply.problem_type(), "/problems/checksum-mismatch");
    assert_eq!(offset_of(&f, &url).await, 1000);
    let id = UploadId::parse(url.rsplit('/').next().unwrap()).unwrap();
    assert_eq!(
        std::fs::metadata(f.state.blobs().partial_path(&id))
            .unwrap()
            .len(),
        1000
    );

    let sha1 = BASE64.encode(digest::digest(
        &digest::SHA1_FOR_LEGACY_USE_ONLY,
        &bytes[1000..],
    ));
    let reply = patch(
        &f,
        &url,
        1000,
        &bytes[1000..],
        &[("Upload-Checksum", &format!("sha1 {sha1}"))],
    )
    .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let reply = patch(&f, &url, 0, b"x", &[("Upload-Checksum", "md5 AAAA")]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_interrupted_request_keeps_what_arrived() {
    let f = fixture().await;
    let bytes = file_bytes(3000);
    let url = create(&f, bytes.len(), "").await;
    let first = Bytes::from(bytes[..1200].to_vec());
    let stream = futures::stream::iter(vec![
        Ok(first),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "network lost",
        )),
    ]);
    let reply = send(
        &f,
        Method::PATCH,
        &url,
        &[
            ("Tus-Resumable", "1.0.0"),
            ("Upload-Offset", "0"),
            ("Content-Type", "application/offset+octet-stream"),
        ],
        Body::from_stream(stream),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    // The client asks where to resume, and finishes from there.
    let offset = offset_of(&f, &url).await;
    assert_eq!(offset, 1200);
    let reply = patch(&f, &url, offset, &bytes[1200..], &[]).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(
        std::fs::read(f.state.blobs().blob_path(&sha256_hex(&bytes))).unwrap(),
        bytes
    );
}

#[tokio::test]
async fn protocol_violations_are_refused_with_problems() {
    let f = fixture().await;
    let url = create(&f, 100, "").await;

    let reply = send(&f, Method::HEAD, &url, &[], Body::empty()).await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(reply.header("tus-version"), Some("1.0.0"));

    let reply = patch(&f, &url, 10, b"abc", &[]).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.problem_type(), "/problems/offset-mismatch");

    let reply = send(
        &f,
        Method::PATCH,
        &url,
        &[
            ("Tus-Resumable", "1.0.0"),
            ("Upload-Offset", "0"),
            ("Content-Type", "text/plain"),
        ],
        Body::from("abc"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let reply = patch(&f, &url, 0, &[0u8; 101], &[]).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(offset_of(&f, &url).await, 0);

    let reply = send(
        &f,
        Method::POST,
        UPLOADS_PATH,
        &[("Tus-Resumable", "1.0.0"), ("Upload-Length", "1048577")],
        Body::empty(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    let problem: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(problem["limit"], 1048576);

    for (headers, code) in [
        (vec![("Tus-Resumable", "1.0.0")], "/problems/missing-length"),
        (
            vec![("Tus-Resumable", "1.0.0"), ("Upload-Defer-Length", "1")],
            "/problems/deferred-length",
        ),
        (
            vec![("Tus-Resumable", "1.0.0"), ("Upload-Length", "-5")],
            "/problems/bad-header",
        ),
        (
            vec![
                ("Tus-Resumable", "1.0.0"),
                ("Upload-Length", "5"),
                ("Upload-Metadata", "name !!!"),
            ],
            "/problems/bad-metadata",
        ),
        (
            vec![
                ("Tus-Resumable", "1.0.0"),
                ("Upload-Length", "5"),
                ("Upload-Metadata", "sha256 eHl6"),
            ],
            "/problems/bad-metadata",
        ),
    ] {
        let reply = send(&f, Method::POST, UPLOADS_PATH, &headers, Body::empty()).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{headers:?}");
        assert_eq!(reply.problem_type(), code, "{headers:?}");
    }

    for path in [
        "/api/v1/uploads/../../etc/passwd",
        "/api/v1/uploads/0123",
        "/api/v1/uploads/ffffffffffffffffffffffffffffffff",
    ] {
        let reply = send(
            &f,
            Method::HEAD,
            path,
            &[("Tus-Resumable", "1.0.0")],
            Body::empty(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn a_wrong_declared_hash_is_refused_at_the_last_byte() {
    let f = fixture().await;
    let bytes = file_bytes(500);
    let declared = sha256_hex(b"another file");
    let url = create(
        &f,
        bytes.len(),
        &format!("sha256 {}", BASE64.encode(&declared)),
    )
    .await;
    let reply = patch(&f, &url, 0, &bytes, &[]).await;
    assert_eq!(reply.status.as_u16(), 460);
    assert_eq!(reply.problem_type(), "/problems/file-digest-mismatch");
    let reply = send(
        &f,
        Method::HEAD,
        &url,
        &[("Tus-Resumable", "1.0.0")],
        Body::empty(),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::NOT_FOUND,
        "a refused upload is forgotten"
    );
}

#[tokio::test]
async fn termination_deletes_the_upload() {
    let f = fixture().await;
    let url = create(&f, 100, "").await;
    patch(&f, &url, 0, &[1; 50], &[]).await;
    let id = UploadId::parse(url.rsplit('/').next().unwrap()).unwrap();
    assert!(f.state.blobs().partial_path(&id).is_file());
    let reply = send(
        &f,
        Method::DELETE,
        &url,
        &[("Tus-Resumable", "1.0.0")],
        Body::empty(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert!(!f.state.blobs().partial_path(&id).exists());
    let reply = send(
        &f,
        Method::HEAD,
        &url,
        &[("Tus-Resumable", "1.0.0")],
        Body::empty(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn stale_uploads_expire() {
    let f = fixture().await;
    let url = create(&f, 100, "").await;
    let id = UploadId::parse(url.rsplit('/').next().unwrap()).unwrap();
    let upload = f.state.storage().upload(&id).await.unwrap().unwrap();
    f.state
        .storage()
        .update_upload(&id, 0, None, upload.created_at - 1)
        .await
        .unwrap();

    let reply = send(
        &f,
        Method::HEAD,
        &url,
        &[("Tus-Resumable", "1.0.0")],
        Body::empty(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::GONE);
    assert!(!f.state.blobs().partial_path(&id).exists());

    let other = create(&f, 100, "").await;
    let other_id = UploadId::parse(other.rsplit('/').next().unwrap()).unwrap();
    f.state
        .storage()
        .update_upload(&other_id, 0, None, 0)
        .await
        .unwrap();
    assert_eq!(expire(&f.state).await.unwrap(), 1);
    assert!(f.state.storage().upload(&other_id).await.unwrap().is_none());
    let _keep = &f.dir;
}

/// The `.part` files and upload records left on the server.
async fn leftovers(f: &Fixture) -> (usize, usize) {
    let parts = std::fs::read_dir(f.dir.path().join("data/uploads"))
        .unwrap()
        .count();
    let rows = f
        .state
        .storage()
        .expired_uploads(i64::MAX)
        .await
        .unwrap()
        .len();
    (parts, rows)
}

#[tokio::test]
async fn bytes_refused_with_460_never_become_a_blob() {
    let f = fixture().await;
    let declared = "0".repeat(64);
    let reply = send(
        &f,
        Method::POST,
        UPLOADS_PATH,
        &[
            ("Tus-Resumable", "1.0.0"),
            ("Upload-Length", "5"),
            (
                "Upload-Metadata",
                &format!("sha256 {}", BASE64.encode(&declared)),
            ),
            ("Content-Type", "application/offset+octet-stream"),
        ],
        Body::from(&b"D2xyz"[..]),
    )
    .await;
    assert_eq!(reply.status.as_u16(), 460);
    let real = sha256_hex(b"D2xyz");
    assert!(!f.state.blobs().blob_path(&real).exists(), "no blob");
    let digest: motcua_dossier::Sha256 = real.parse().unwrap();
    assert!(
        f.state
            .storage()
            .unused_blobs(i64::MAX)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        f.state
            .storage()
            .finished_uploads(&digest)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_refused_creation_with_upload_leaves_nothing() {
    let f = fixture().await;
    let wrong = format!(
        "sha256 {}",
        BASE64.encode(digest::digest(&digest::SHA256, b"x"))
    );
    type Case<'a> = (&'a str, &'a [u8], &'a [(&'a str, &'a str)], u16);
    let cases: [Case; 2] = [
        // Upload-Checksum of other bytes: 460.
        ("3", b"abc", &[("Upload-Checksum", wrong.as_str())], 460),
        // More bytes than announced: 413.
        ("3", b"abcdef", &[], 413),
    ];
    for (length, body, extra, status) in cases {
        let mut headers = vec![
            ("Tus-Resumable", "1.0.0"),
            ("Upload-Length", length),
            ("Content-Type", "application/offset+octet-stream"),
        ];
        headers.extend_from_slice(extra);
        let reply = send(
            &f,
            Method::POST,
            UPLOADS_PATH,
            &headers,
            Body::from(body.to_vec()),
        )
        .await;
        assert_eq!(reply.status.as_u16(), status);
        assert!(reply.header("location").is_none());
        assert_eq!(leftovers(&f).await, (0, 0), "answer {status}");
    }
    // A body that breaks off.
    let broken = Body::from_stream(futures::stream::iter([
        Ok::<_, std::io::Error>(Bytes::from_static(b"ab")),
        Err(std::io::Error::other("connection reset")),
    ]));
    let reply = send(
        &f,
        Method::POST,
        UPLOADS_PATH,
        &[
            ("Tus-Resumable", "1.0.0"),
            ("Upload-Length", "3"),
            ("Content-Type", "application/offset+octet-stream"),
        ],
        broken,
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(leftovers(&f).await, (0, 0), "interrupted");
}

#[tokio::test]
async fn patch_on_a_finished_upload_is_idempotent() {
    let f = fixture().await;
    let reply = send(
        &f,
        Method::POST,
        UPLOADS_PATH,
        &[
            ("Tus-Resumable", "1.0.0"),
            ("Upload-Length", "3"),
            ("Content-Type", "application/offset+octet-stream"),
        ],
        Body::from(&b"abc"[..]),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let url = reply.header("location").unwrap().to_owned();
    let reply = patch(&f, &url, 3, b"", &[]).await;
    assert_eq!(
        reply.status,
        StatusCode::NO_CONTENT,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(reply.header("upload-offset"), Some("3"));
    let reply = patch(&f, &url, 3, b"d", &[]).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    let reply = patch(&f, &url, 0, b"abc", &[]).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn numbers_are_plain_digits_and_given_once() {
    let f = fixture().await;
    for headers in [
        vec![("Upload-Length", "+5")],
        vec![("Upload-Length", " 5")],
        vec![("Upload-Length", "5"), ("Upload-Length", "7")],
    ] {
        let mut all = vec![("Tus-Resumable", "1.0.0")];
        all.extend(headers.iter().copied());
        let reply = send(&f, Method::POST, UPLOADS_PATH, &all, Body::empty()).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{headers:?}");
    }
    let url = create(&f, 10, "").await;
    patch(&f, &url, 0, b"abcd", &[]).await;
    let reply = patch(&f, &url, 0, b"efgh", &[]).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    for offset in ["+4", "4 ", "04x"] {
        let reply = send(
            &f,
            Method::PATCH,
            &url,
            &[
                ("Tus-Resumable", "1.0.0"),
                ("Upload-Offset", offset),
                ("Content-Type", "application/offset+octet-stream"),
            ],
            Body::from(&b"efgh"[..]),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{offset:?}");
    }
    let reply = send(
        &f,
        Method::PATCH,
        &url,
        &[
            ("Tus-Resumable", "1.0.0"),
            ("Upload-Offset", "4"),
            ("Upload-Offset", "0"),
            ("Content-Type", "application/offset+octet-stream"),
        ],
        Body::from(&b"efgh"[..]),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.problem_type(), "/problems/duplicate-header");
    assert_eq!(offset_of(&f, &url).await, 4);
}
