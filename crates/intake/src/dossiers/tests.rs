//! Submissions and status look-ups, request by request, without a socket.

use axum::http::{Method, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use motcua_dossier::{
    Attachment, DossierId, MANIFEST_FORMAT, PublicKey, Receipt, SealedDossier, SigningKey,
};
use motcua_testkit::pdf::{Layout, OnePagePdf};
use serde_json::json;

use super::*;
use crate::tests::{Fixture, Reply, fixture, fixture_with, request};
use crate::{DossierStatus, RateLimit, StatusEvent};

const PERSONAL_ID: &str = "001093012345";

/// A one-page PDF, different for every `seed` (the server sniffs and
/// counts the pages of what it receives).
fn pdf(seed: u8) -> Vec<u8> {
    OnePagePdf::new(seed.into())
        .layout(Layout::Bare)
        .len(2048)
        .build()
}

/// The form data of the procedure's worked example (`example` in its
/// schema, once the forms engine brings it), or the least the server checks
/// without the engine.
fn example_form() -> serde_json::Map<String, serde_json::Value> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/procedures/1.001193.json");
    let schema: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut form = schema
        .get("example")
        .and_then(serde_json::Value::as_object)
        .cloned()
        .unwrap_or_default();
    form.insert("requester_personal_id".into(), PERSONAL_ID.into());
    form.entry("child_name")
        .or_insert_with(|| "Nguyễn Minh Khang".into());
    form
}

struct Draft {
    manifest: Manifest,
}

impl Draft {
    fn new(files: &[(&str, &[u8])]) -> Self {
        let attachments = files
            .iter()
            .map(|(name, bytes)| {
                Attachment::from_bytes(
                    "birth_certificate".parse().unwrap(),
                    name.parse().unwrap(),
                    motcua_dossier::MediaType::pdf(),
                    Some(1),
                    bytes,
                )
            })
            .collect();
        Self {
            manifest: Manifest {
                format: MANIFEST_FORMAT,
                id: DossierId::generate().unwrap(),
                procedure: motcua_dossier::ProcedureRef {
                    code: "1.001193".parse().unwrap(),
                    version: catalog_version().parse().unwrap(),
                },
                office: "00004".parse().unwrap(),
                form: example_form(),
                attachments,
                created: Timestamp::from_unix(1_795_600_000).unwrap(),
                client: "motcua-test/1".parse().unwrap(),
            },
        }
    }

    fn seal(&self) -> Vec<u8> {
        let key = SigningKey::generate_device_key().unwrap();
        SealedDossier::seal(self.manifest.clone(), &key, Timestamp::now())
            .unwrap()
            .to_json()
    }
}

/// Uploads `bytes` for the dossier `draft` (tus metadata `dossier`), as
/// the reference client does.
async fn upload(f: &Fixture, draft: &Draft, bytes: &[u8]) {
    upload_for(f, &draft.manifest.id.to_string(), bytes).await;
}

async fn upload_for(f: &Fixture, dossier: &str, bytes: &[u8]) {
    let metadata = format!("dossier {}", BASE64.encode(dossier));
    let reply = create_with_upload(f, &metadata, bytes).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(
        reply.headers["upload-offset"],
        bytes.len().to_string().as_str()
    );
}

/// A tus creation-with-upload of all of `bytes`, with `metadata` as its
/// `Upload-Metadata`.
async fn create_with_upload(f: &Fixture, metadata: &str, bytes: &[u8]) -> Reply {
    let length = bytes.len().to_string();
    request(
        &f.app,
        Method::POST,
        "/api/v1/uploads",
        &[
            ("Tus-Resumable", "1.0.0"),
            ("Upload-Length", &length),
            ("Upload-Metadata", metadata),
            ("Content-Type", "application/offset+octet-stream"),
        ],
        bytes.to_vec(),
    )
    .await
}

async fn post(f: &Fixture, body: Vec<u8>) -> Reply {
    request(
        &f.app,
        Method::POST,
        DOSSIERS_PATH,
        &[("Content-Type", "application/json")],
        body,
    )
    .await
}

async fn lookup(f: &Fixture, code: &str, personal_id: &str) -> Reply {
    request(
        &f.app,
        Method::POST,
        "/api/v1/status",
        &[("Content-Type", "application/json")],
        json!({"dossier_code": code, "personal_id": personal_id}).to_string(),
    )
    .await
}

async fn receipt_key(f: &Fixture) -> PublicKey {
    let caps = request(&f.app, Method::GET, "/.well-known/motcua", &[], "").await;
    let jwk = caps.json()["receipt_key"].as_object().cloned().unwrap();
    PublicKey::from_jwk(&jwk).unwrap()
}

async fn count(f: &Fixture) -> u64 {
    f.state.storage().dossier_count().await.unwrap()
}

#[tokio::test]
async fn a_dossier_is_verified_stored_and_acknowledged() {
    let f = fixture().await;
    let file = pdf(3);
    let draft = Draft::new(&[("giay-chung-sinh.pdf", &file)]);
    upload(&f, &draft, &file).await;
    let sealed = draft.seal();

    let reply = post(&f, sealed.clone()).await;
    assert_eq!(
        reply.status,
        StatusCode::CREATED,
        "{}",
        reply.problem_type()
    );
    let body = reply.json();
    let receipt = Receipt::verify(body["receipt"].as_str().unwrap(), &receipt_key(&f).await)
        .expect("the receipt verifies with the published key");
    let claims = receipt.claims();
    assert!(claims.is_for(&draft.manifest));
    let today = today();
    assert_eq!(
        claims.dossier_code.as_str(),
        format!("00004-{today}-000001")
    );
    assert_eq!(body["dossier_code"], claims.dossier_code.as_str());
    assert_eq!(body["dossier_id"], draft.manifest.id.to_string());
    assert_eq!(body["received"], claims.received.to_string());

    assert_eq!(count(&f).await, 1);
    let stored = f
        .state
        .storage()
        .sealed_dossier(&draft.manifest.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored, sealed, "kept byte for byte");

    // The next dossier takes the next number.
    let second = Draft::new(&[("giay-chung-sinh.pdf", &file)]);
    upload(&f, &second, &file).await;
    let reply = post(&f, second.seal()).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(
        reply.json()["dossier_code"],
        format!("00004-{today}-000002")
    );
}

/// Today's `yymmdd` in Vietnam, as the default code format writes it.
fn today() -> String {
    let scope = crate::CodeFormat::default().scope(&"X".parse().unwrap(), Timestamp::now());
    scope[2..8].to_owned()
}

#[tokio::test]
async fn the_same_dossier_again_gets_the_same_receipt() {
    let f = fixture().await;
    let file = pdf(5);
    let draft = Draft::new(&[("a.pdf", &file)]);
    upload(&f, &draft, &file).await;
    let sealed = draft.seal();
    let first = post(&f, sealed.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = post(&f, sealed).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json(), first.json());
    // Sealed anew (another signature, same manifest): still the same dossier.
    let resealed = post(&f, draft.seal()).await;
    assert_eq!(resealed.status, StatusCode::OK);
    assert_eq!(resealed.json(), first.json());
    assert_eq!(count(&f).await, 1);

    let mut changed = draft;
    changed
        .manifest
        .form
        .insert("child_name".into(), "Khác".into());
    let reply = post(&f, changed.seal()).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.problem_type(), "/problems/dossier-conflict");
    assert_eq!(count(&f).await, 1);
}

#[tokio::test]
async fn concurrent_copies_of_one_dossier_store_one() {
    let f = fixture().await;
    let file = pdf(7);
    let draft = Draft::new(&[("a.pdf", &file)]);
    upload(&f, &draft, &file).await;
    let sealed = draft.seal();
    let replies = futures::future::join_all((0..8).map(|_| post(&f, sealed.clone()))).await;
    let created = replies
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1);
    assert!(replies.iter().all(|r| r.status.is_success()));
    let receipts: std::collections::BTreeSet<String> = replies
        .iter()
        .map(|r| r.json()["receipt"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(receipts.len(), 1);
    assert_eq!(count(&f).await, 1);
}

#[tokio::test]
async fn refused_dossiers_leave_nothing_behind() {
    let f = fixture_with(|c| {
        c.limits.max_attachments = 2;
        c.limits.max_manifest_bytes = 64 * 1024;
    })
    .await;
    let file = pdf(9);
    let good = Draft::new(&[("a.pdf", &file)]);
    upload(&f, &good, &file).await;

    // A seal broken after signing: a form value changed in the file.
    let text = String::from_utf8(good.seal()).unwrap();
    let tampered = text.replace("Nguyễn Minh Khang", "Nguyễn Minh Khanh");
    assert_ne!(text, tampered);
    let reply = post(&f, tampered.into_bytes()).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.problem_type(), "/problems/bad-seal");
    assert_eq!(reply.json()["error_code"], "bad_signature");
    assert!(reply.json()["message"]["vi"].is_string());

    // An attachment never uploaded, or swapped for other bytes.
    let other = pdf(11);
    let missing = Draft::new(&[("a.pdf", &other)]);
    let reply = post(&f, missing.seal()).await;
    assert_eq!(reply.problem_type(), "/problems/attachment-missing");
    assert_eq!(
        reply.json()["missing"],
        json!([Sha256::digest(&other).to_string()])
    );
    let swapped = pdf(13);
    upload(&f, &missing, &swapped).await;
    let reply = post(&f, missing.seal()).await;
    assert_eq!(reply.problem_type(), "/problems/attachment-missing");

    let mut no_id = Draft::new(&[("a.pdf", &file)]);
    no_id.manifest.form.remove("requester_personal_id");
    let mut no_file = Draft::new(&[]);
    no_file
        .manifest
        .form
        .insert("requester_personal_id".into(), "12".into());
    let mut unknown = Draft::new(&[("a.pdf", &file)]);
    unknown.manifest.procedure.code = "9.999999".parse().unwrap();
    let mut old = Draft::new(&[("a.pdf", &file)]);
    old.manifest.procedure.version = "2020.1".parse().unwrap();
    let mut many = Draft::new(&[("a.pdf", &file), ("b.pdf", &file), ("c.pdf", &file)]);
    many.manifest.attachments[2].component = "authorization".parse().unwrap();
    let cases = [
        (no_id, StatusCode::UNPROCESSABLE_ENTITY, "dossier-invalid"),
        (no_file, StatusCode::UNPROCESSABLE_ENTITY, "dossier-invalid"),
        (
            unknown,
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown-procedure",
        ),
        (old, StatusCode::UNPROCESSABLE_ENTITY, "procedure-version"),
        (many, StatusCode::PAYLOAD_TOO_LARGE, "too-large"),
    ];
    for (draft, status, kind) in cases {
        let reply = post(&f, draft.seal()).await;
        assert_eq!(reply.status, status, "{kind}: {}", reply.json());
        assert_eq!(reply.problem_type(), format!("/problems/{kind}"));
    }
    let mut no_file = Draft::new(&[]);
    no_file
        .manifest
        .form
        .insert("requester_personal_id".into(), "12".into());
    let errors = post(&f, no_file.seal()).await.json()["errors"].clone();
    let paths: Vec<&str> = errors
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["requester_personal_id", "components/birth_certificate"],
        "every fault at once"
    );
    assert!(errors[0]["message"]["en"].is_string());

    let reply = post(&f, b"{\"manifest\": 1}".to_vec()).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.problem_type(), "/problems/bad-dossier");
    let reply = post(&f, vec![b' '; 64 * 1024 + 1]).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    let reply = request(
        &f.app,
        Method::POST,
        DOSSIERS_PATH,
        &[("Content-Type", "text/plain")],
        good.seal(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    assert_eq!(count(&f).await, 0, "nothing stored");
    // And no dossier number was used up.
    let reply = post(&f, good.seal()).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert!(
        reply.json()["dossier_code"]
            .as_str()
            .unwrap()
            .ends_with("-000001")
    );
}

#[tokio::test]
async fn offices_and_code_formats_are_configured() {
    let f = fixture_with(|c| {
        c.offices = vec!["00007".parse().unwrap()];
        c.dossier_code = "000.00.00.H01-{yyyy}-{seq:4}".parse().unwrap();
    })
    .await;
    let file = pdf(15);
    let mut draft = Draft::new(&[("a.pdf", &file)]);
    upload(&f, &draft, &file).await;
    let reply = post(&f, draft.seal()).await;
    assert_eq!(reply.problem_type(), "/problems/wrong-office");
    draft.manifest.office = "00007".parse().unwrap();
    let reply = post(&f, draft.seal()).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let code = reply.json()["dossier_code"].as_str().unwrap().to_owned();
    assert!(code.starts_with("000.00.00.H01-20"), "{code}");
    assert!(code.ends_with("-0001"), "{code}");
}

#[tokio::test]
async fn status_look_up_needs_code_and_personal_id() {
    let f = fixture().await;
    let file = pdf(17);
    let draft = Draft::new(&[("a.pdf", &file)]);
    upload(&f, &draft, &file).await;
    let reply = post(&f, draft.seal()).await;
    let code = reply.json()["dossier_code"].as_str().unwrap().to_owned();

    let found = lookup(&f, &code, "001 093 012 345").await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(found.headers["cache-control"], "no-store");
    let body = found.json();
    assert_eq!(body["status"], "received");
    assert_eq!(body["dossier_code"], code.as_str());
    assert_eq!(body["procedure"]["code"], "1.001193");
    assert_eq!(body["history"].as_array().unwrap().len(), 1);

    let wrong_id = lookup(&f, &code, "001093012346").await;
    let unknown_code = lookup(&f, "00004-000000-999999", PERSONAL_ID).await;
    assert_eq!(wrong_id.status, StatusCode::NOT_FOUND);
    assert_eq!(
        wrong_id.body, unknown_code.body,
        "an unknown code and a wrong ID look the same"
    );
    assert_eq!(
        unknown_code.headers.get("content-length"),
        wrong_id.headers.get("content-length")
    );

    for body in [
        json!({"dossier_code": code, "personal_id": "123"}),
        json!({"dossier_code": "", "personal_id": PERSONAL_ID}),
        json!({"dossier_code": code}),
        json!({"dossier_code": code, "personal_id": PERSONAL_ID, "x": 1}),
    ] {
        let reply = request(
            &f.app,
            Method::POST,
            "/api/v1/status",
            &[("Content-Type", "application/json")],
            body.to_string(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(reply.problem_type(), "/problems/bad-query");
    }

    let event = StatusEvent {
        status: DossierStatus::InProgress,
        at: Timestamp::now(),
        note: Some("Đang thẩm định".into()),
    };
    assert!(
        f.state
            .storage()
            .add_status(&code.parse().unwrap(), &event)
            .await
            .unwrap()
    );
    let body = lookup(&f, &code, PERSONAL_ID).await.json();
    assert_eq!(body["status"], "in_progress");
    assert_eq!(body["history"][1]["note"], "Đang thẩm định");
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let f = fixture_with(|c| {
        c.rate_limit = RateLimit {
            per_second: 0.01,
            burst: 2,
        };
        c.lookup_rate_limit = RateLimit {
            per_second: 0.5,
            burst: 1,
        };
    })
    .await;
    for _ in 0..2 {
        let reply = post(&f, b"{}".to_vec()).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    }
    let reply = post(&f, b"{}".to_vec()).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.problem_type(), "/problems/rate-limited");
    let retry: u64 = reply.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=100).contains(&retry), "{retry}");
    // Uploads share the bucket; look-ups and the catalog do not.
    let reply = request(&f.app, Method::OPTIONS, "/api/v1/uploads", &[], "").await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        lookup(&f, "X-1", PERSONAL_ID).await.status,
        StatusCode::NOT_FOUND
    );
    let reply = lookup(&f, "X-1", PERSONAL_ID).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.headers["retry-after"], "2");
    let reply = request(&f.app, Method::GET, "/.well-known/motcua", &[], "").await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn blobs_of_stored_dossiers_are_never_collected() {
    let f = fixture().await;
    let kept = pdf(19);
    let unused = pdf(23);
    let first = Draft::new(&[("a.pdf", &kept)]);
    upload(&f, &first, &kept).await;
    upload(&f, &first, &unused).await;
    let reply = post(&f, first.seal()).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let path = |bytes: &[u8]| {
        f.state
            .blobs()
            .blob_path(&Sha256::digest(bytes).to_string())
    };
    let now = Timestamp::now().unix();
    assert_eq!(
        crate::gc::collect(&f.state, now).await.unwrap(),
        0,
        "too soon"
    );
    let later = now + crate::gc::BLOB_RETENTION.as_secs() as i64 + 1;
    assert_eq!(crate::gc::collect(&f.state, later).await.unwrap(), 1);
    assert!(path(&kept).is_file(), "a stored dossier's file stays");
    assert!(!path(&unused).exists());
    assert_eq!(crate::gc::collect(&f.state, later * 2).await.unwrap(), 0);
    assert!(path(&kept).is_file());
    let second = Draft::new(&[("b.pdf", &unused)]);
    let reply = post(&f, second.seal()).await;
    assert_eq!(reply.problem_type(), "/problems/attachment-missing");
    // Uploaded again, it is accepted.
    upload(&f, &second, &unused).await;
    let reply = post(&f, second.seal()).await;
    assert_eq!(reply.status, StatusCode::CREATED);
}

#[tokio::test]
async fn a_corrupted_blob_is_reported_missing_and_taken_again() {
    let f = fixture().await;
    let file = pdf(29);
    let draft = Draft::new(&[("a.pdf", &file)]);
    upload(&f, &draft, &file).await;
    let path = f
        .state
        .blobs()
        .blob_path(&Sha256::digest(&file).to_string());
    let mut damaged = file.clone();
    damaged[100] ^= 1;
    std::fs::write(&path, &damaged).unwrap();
    let reply = post(&f, draft.seal()).await;
    assert_eq!(reply.problem_type(), "/problems/attachment-missing");
    upload(&f, &draft, &file).await;
    assert_eq!(std::fs::read(&path).unwrap(), file);
    let reply = post(&f, draft.seal()).await;
    assert_eq!(reply.status, StatusCode::CREATED);
}

/// The schema version of the birth registration in the catalog, so the
/// manifests here match whatever version the catalog is at.
fn catalog_version() -> String {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/procedures/1.001193.json");
    let schema: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    schema["version"].as_str().unwrap().to_owned()
}

/// The problem document of a reply, without the parts that name the
/// request's own files (so two replies can be compared).
fn problem_shape(reply: &Reply) -> serde_json::Value {
    let mut body = reply.json();
    body.as_object_mut().unwrap().remove("missing");
    body.as_object_mut().unwrap().remove("detail");
    json!({"status": reply.status.as_u16(), "body": body})
}

#[tokio::test]
async fn other_peoples_files_can_be_neither_cited_nor_detected() {
    let f = fixture().await;
    // Someone files a dossier with a file.
    let theirs = pdf(31);
    let owner = Draft::new(&[("a.pdf", &theirs)]);
    upload(&f, &owner, &theirs).await;
    assert_eq!(post(&f, owner.seal()).await.status, StatusCode::CREATED);
    // Another file was uploaded for a dossier not sent yet.
    let pending = pdf(37);
    upload_for(&f, &DossierId::generate().unwrap().to_string(), &pending).await;

    // Someone else knows the hashes, not the bytes.
    let never = pdf(41);
    let answers: Vec<_> = [&theirs, &pending, &never]
        .into_iter()
        .map(|bytes| Draft::new(&[("a.pdf", bytes)]))
        .collect();
    let mut shapes = Vec::new();
    for draft in &answers {
        let reply = post(&f, draft.seal()).await;
        assert_eq!(reply.problem_type(), "/problems/attachment-missing");
        assert_eq!(
            reply.json()["missing"],
            json!([draft.manifest.attachments[0].sha256.to_string()])
        );
        shapes.push(problem_shape(&reply));
        // The same with a wrong size: no "mismatch" telling the real one.
        let mut resized = Draft::new(&[("a.pdf", b"x")]);
        resized.manifest.attachments[0].sha256 = draft.manifest.attachments[0].sha256;
        let reply = post(&f, resized.seal()).await;
        assert_eq!(reply.problem_type(), "/problems/attachment-missing");
        assert!(!String::from_utf8_lossy(&reply.body).contains(&theirs.len().to_string()));
    }
    assert!(shapes.windows(2).all(|w| w[0] == w[1]), "{shapes:?}");

    // A replayed id with another manifest: refused, the stored hash untold.
    let mut replay = Draft::new(&[("a.pdf", &never)]);
    replay.manifest.id = owner.manifest.id;
    upload(&f, &replay, &never).await;
    let reply = post(&f, replay.seal()).await;
    assert_eq!(reply.problem_type(), "/problems/dossier-conflict");
    let stored = f
        .state
        .storage()
        .dossier(&owner.manifest.id)
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&reply.body).into_owned();
    assert!(
        !text.contains(&stored.manifest_sha256.to_string()),
        "{text}"
    );
}

#[tokio::test]
async fn bytes_refused_at_upload_cannot_be_cited() {
    let f = fixture().await;
    let file = pdf(43);
    let draft = Draft::new(&[("a.pdf", &file)]);
    let metadata = format!(
        "dossier {},sha256 {}",
        BASE64.encode(draft.manifest.id.to_string()),
        BASE64.encode("0".repeat(64))
    );
    let reply = create_with_upload(&f, &metadata, &file).await;
    assert_eq!(reply.status.as_u16(), 460);
    let reply = post(&f, draft.seal()).await;
    assert_eq!(reply.problem_type(), "/problems/attachment-missing");
}

#[tokio::test]
async fn attachments_are_what_the_manifest_says() {
    let f = fixture().await;
    // Five bytes sent as a PDF.
    let not_pdf = b"hello".to_vec();
    let draft = Draft::new(&[("a.pdf", &not_pdf)]);
    upload(&f, &draft, &not_pdf).await;
    let reply = post(&f, draft.seal()).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.problem_type(), "/problems/attachment-mismatch");
    assert_eq!(reply.json()["name"], "a.pdf");

    // A one-page PDF said to have 0 or 2 pages.
    let file = pdf(47);
    for pages in [0, 2] {
        let mut draft = Draft::new(&[("a.pdf", &file)]);
        draft.manifest.attachments[0].pages = Some(pages);
        upload(&f, &draft, &file).await;
        let reply = post(&f, draft.seal()).await;
        assert_eq!(
            reply.problem_type(),
            "/problems/attachment-mismatch",
            "{pages}"
        );
    }
    assert_eq!(count(&f).await, 0);
    let draft = Draft::new(&[("a.pdf", &file)]);
    upload(&f, &draft, &file).await;
    assert_eq!(post(&f, draft.seal()).await.status, StatusCode::CREATED);
}

/// Issue 12: a seal by the "all-but-zero" Ed25519 key (the identity point)
/// with R the identity and S = 0 was taken for any manifest.
#[tokio::test]
async fn a_small_order_ed25519_key_seals_nothing() {
    let f = fixture().await;
    let file = pdf(21);
    let draft = Draft::new(&[("a.pdf", &file)]);
    upload(&f, &draft, &file).await;
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let request = SealedDossier::new(draft.manifest.clone())
        .unwrap()
        .prepare_signature(
            motcua_dossier::Algorithm::EdDsa,
            &PublicKey::Ed25519(identity),
            &[],
            Timestamp::now(),
        )
        .unwrap();
    let input = request.signing_input();
    let dot = input.iter().position(|b| *b == b'.').unwrap();
    let forged = json!({
        "manifest": draft.manifest,
        "seal": {"signatures": [{
            "protected": std::str::from_utf8(&input[..dot]).unwrap(),
            "signature": format!("AQ{}", "A".repeat(84)),
        }]}
    });
    let reply = post(&f, forged.to_string().into_bytes()).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.problem_type(), "/problems/bad-seal");
    assert_eq!(reply.json()["error_code"], "weak_ed25519_key");
    assert!(reply.json()["message"]["vi"].is_string());
    assert_eq!(count(&f).await, 0);
}

/// Issue 12: the time of a look-up with a stored code and a wrong ID number
/// against one with an unknown code, interleaved, through the router (no
/// socket). Prints the quantiles for BENCHMARKS.md; run with
/// `cargo test -p motcua-intake --release status_timing -- --ignored --nocapture`.
#[tokio::test]
#[ignore = "a measurement, not a check"]
async fn status_timing_of_a_wrong_number_and_an_unknown_code() {
    let f = fixture().await;
    let file = pdf(23);
    let draft = Draft::new(&[("a.pdf", &file)]);
    upload(&f, &draft, &file).await;
    let reply = post(&f, draft.seal()).await;
    let code = reply.json()["dossier_code"].as_str().unwrap().to_owned();
    let unknown = "00004-000000-999999";
    let rounds = 5000;
    let (mut wrong, mut none) = (Vec::new(), Vec::new());
    for i in 0..rounds + 500 {
        for (code, times) in [(code.as_str(), &mut wrong), (unknown, &mut none)] {
            let start = std::time::Instant::now();
            let reply = lookup(&f, code, "001093012346").await;
            let took = start.elapsed();
            assert_eq!(reply.status, StatusCode::NOT_FOUND);
            // The first 500 rounds warm caches up.
            if i >= 500 {
                times.push(took.as_nanos() as f64 / 1000.0);
            }
        }
    }
    for (name, times) in [("wrong ID number", &mut wrong), ("unknown code", &mut none)] {
        times.sort_by(f64::total_cmp);
        let q = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
        println!(
            "{name:>16}: p10 {:.1} µs, median {:.1} µs, p90 {:.1} µs, p99 {:.1} µs",
            q(0.1),
            q(0.5),
            q(0.9),
            q(0.99)
        );
    }
}
