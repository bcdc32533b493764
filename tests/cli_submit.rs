//! `motcua submit` against a real `motcua serve`: a verified receipt, the
//! same receipt again, a server killed mid-upload and restarted (the upload
//! resumes; one dossier is stored, byte for byte), and refusals that store
//! nothing.

// Helpers outside #[test] functions panic on broken set-ups, like the tests.
#![expect(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use motcua_dossier::{PublicKey, Receipt, Sha256};
use serde_json::{Value, json};

mod support;

use support::{Server, birth_form, json_of, motcua, pdf, runtime, seal_args, text};

const PERSONAL_ID: &str = "001093012345";

/// A work folder with a key and a sealed birth registration whose birth
/// certificate has `size` bytes.
struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    fn new(size: usize) -> Self {
        let work = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        let out = motcua(&["keygen", "-o", &work.path("dev.key")]);
        assert!(out.status.success(), "{}", text(&out));
        let form = birth_form(PERSONAL_ID);
        std::fs::write(work.dir.path().join("data.json"), form.to_string()).unwrap();
        std::fs::write(work.dir.path().join("giay-chung-sinh.pdf"), pdf(size, 7)).unwrap();
        let attach = format!("birth_certificate={}", work.path("giay-chung-sinh.pdf"));
        let out = motcua(&seal_args(
            &work.path("dev.key"),
            "1.001193",
            "00004",
            &work.path("data.json"),
            &[&attach],
            &work.path("d.json"),
        ));
        assert!(out.status.success(), "{}", text(&out));
        work
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn sealed(&self) -> Value {
        serde_json::from_slice(&std::fs::read(self.path("d.json")).unwrap()).unwrap()
    }

    fn attachment(&self) -> PathBuf {
        self.dir.path().join("d.files/giay-chung-sinh.pdf")
    }

    fn submit(&self, server: &str, extra: &[&str]) -> Output {
        let dossier = self.path("d.json");
        let mut args = vec!["submit", "--to", server, dossier.as_str()];
        args.extend_from_slice(extra);
        motcua(&args)
    }

    /// How many rows `table` has in the server's database.
    fn rows(&self, table: &str) -> i64 {
        let db = rusqlite::Connection::open(self.dir.path().join("data/motcua.sqlite3")).unwrap();
        db.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    /// The stored bytes of the file with this hash.
    fn blob(&self, sha256: &str) -> Vec<u8> {
        std::fs::read(
            self.dir
                .path()
                .join("data/blobs/sha256")
                .join(&sha256[..2])
                .join(sha256),
        )
        .unwrap()
    }
}

/// A response body as JSON.
async fn body(response: reqwest::Response) -> Value {
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

/// The receipt key the server publishes.
fn published_key(url: &str) -> PublicKey {
    runtime().block_on(async {
        let caps = body(
            reqwest::get(format!("{url}/.well-known/motcua"))
                .await
                .unwrap(),
        )
        .await;
        PublicKey::from_jwk(caps["receipt_key"].as_object().unwrap()).unwrap()
    })
}

#[test]
fn submit_prints_a_verified_receipt_and_the_same_one_again() {
    let work = Work::new(150_000);
    let server = Server::start(work.dir.path(), "127.0.0.1:0");

    let out = work.submit(&server.url, &["--json", "--chunk-size", "65536"]);
    assert!(out.status.success(), "{}", text(&out));
    let first = json_of(&out);
    assert_eq!(first["ok"], true);
    let sealed = work.sealed();
    assert_eq!(first["dossier_id"], sealed["manifest"]["id"]);
    assert_eq!(first["office"], "00004");
    let code = first["dossier_code"].as_str().unwrap().to_owned();
    assert!(
        code.starts_with("00004-") && code.ends_with("-000001"),
        "{code}"
    );

    // Anyone can check the receipt with the key the office publishes.
    let receipt = Receipt::verify(
        first["receipt"].as_str().unwrap(),
        &published_key(&server.url),
    )
    .unwrap();
    assert_eq!(receipt.claims().dossier_code.as_str(), code);
    assert_eq!(
        receipt.claims().manifest_sha256.to_string(),
        first["manifest_sha256"].as_str().unwrap()
    );

    // Again: the same receipt, nothing new at the office.
    let out = work.submit(&server.url, &["--json"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(json_of(&out), first);
    // And without the progress file, uploading everything again.
    std::fs::remove_file(work.path("d.outbox")).unwrap();
    let out = work.submit(&server.url, &[]);
    assert!(out.status.success(), "{}", text(&out));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains(&code), "{shown}");
    assert!(
        shown.contains(first["receipt"].as_str().unwrap()),
        "{shown}"
    );
    assert_eq!(work.rows("dossier"), 1);

    // The status look-up finds it with the applicant's ID number.
    let status = runtime().block_on(async {
        reqwest::Client::new()
            .post(format!("{}/api/v1/status", server.url))
            .header("content-type", "application/json")
            .body(json!({ "dossier_code": code, "personal_id": PERSONAL_ID }).to_string())
            .send()
            .await
            .unwrap()
    });
    let status = runtime().block_on(body(status));
    assert_eq!(status["status"], "received");
}

#[test]
fn a_server_killed_mid_upload_is_resumed_and_keeps_one_dossier() {
    let work = Work::new(1024 * 1024);
    let server = Server::start(work.dir.path(), "127.0.0.1:0");
    let addr = format!("127.0.0.1:{}", server.port());
    let url = server.url.clone();

    // 64 KiB chunks at 256 KiB/s: about four seconds for the file.
    let client = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["submit", "--to", &url])
        .arg(work.path("d.json"))
        .args([
            "--json",
            "--chunk-size",
            "65536",
            "--limit-rate",
            "262144",
            "--max-retry-delay",
            "1",
            "--max-attempts",
            "30",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    // Kill the server once part of the file has arrived.
    let uploads = work.dir.path().join("data/uploads");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let arrived: u64 = std::fs::read_dir(&uploads)
            .unwrap()
            .filter_map(|e| e.ok()?.metadata().ok())
            .map(|m| m.len())
            .sum();
        if arrived >= 2 * 65536 {
            break;
        }
        assert!(Instant::now() < deadline, "the upload did not start");
        std::thread::sleep(Duration::from_millis(10));
    }
    server.kill();
    assert!(work.rows("dossier") == 0, "killed before the end");
    std::thread::sleep(Duration::from_millis(500));
    let server = Server::start(work.dir.path(), &addr);

    let out = client.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("retrying"), "{stderr}");
    let receipt = json_of(&out);
    assert_eq!(receipt["ok"], true);
    Receipt::verify(
        receipt["receipt"].as_str().unwrap(),
        &published_key(&server.url),
    )
    .unwrap();

    // One dossier, from one upload (resumed, not started again), its bytes
    // hashing to the manifest's values.
    assert_eq!(work.rows("dossier"), 1);
    assert_eq!(work.rows("upload"), 1);
    for a in work.sealed()["manifest"]["attachments"].as_array().unwrap() {
        let sha = a["sha256"].as_str().unwrap();
        let stored = work.blob(sha);
        assert_eq!(Sha256::digest(&stored).to_string(), sha);
        assert_eq!(stored.len() as u64, a["size"].as_u64().unwrap());
        assert_eq!(stored, std::fs::read(work.attachment()).unwrap());
    }
}

#[test]
fn tampered_seals_and_swapped_files_are_refused_and_nothing_is_stored() {
    let work = Work::new(20_000);
    let server = Server::start(work.dir.path(), "127.0.0.1:0");
    let original = std::fs::read(work.path("d.json")).unwrap();
    let tampered = String::from_utf8(original.clone())
        .unwrap()
        .replace("Nguyễn Minh Khang", "Nguyễn Minh Khanh");
    assert_ne!(tampered.as_bytes(), original);

    // The command refuses before sending anything.
    std::fs::write(work.path("d.json"), &tampered).unwrap();
    let out = work.submit(&server.url, &["--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(json_of(&out)["error"], "bad_signature");
    std::fs::write(work.path("d.json"), &original).unwrap();
    let genuine = std::fs::read(work.attachment()).unwrap();
    let swapped = pdf(genuine.len(), 99);
    std::fs::write(work.attachment(), &swapped).unwrap();
    let out = work.submit(&server.url, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("giay-chung-sinh.pdf"), "{}", text(&out));

    // And so does the office, when a client sends them anyway.
    runtime().block_on(async {
        let http = reqwest::Client::new();
        let reply = http
            .post(format!("{}/api/v1/dossiers", server.url))
            .header("content-type", "application/json")
            .body(tampered)
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 422);
        let problem = body(reply).await;
        assert_eq!(problem["type"], "/problems/bad-seal");

        // The swapped file uploaded in place of the sealed one.
        let reply = http
            .post(format!("{}/api/v1/uploads", server.url))
            .header("tus-resumable", "1.0.0")
            .header("upload-length", swapped.len().to_string())
            .header("content-type", "application/offset+octet-stream")
            .body(swapped.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 201);
        let reply = http
            .post(format!("{}/api/v1/dossiers", server.url))
            .header("content-type", "application/json")
            .body(original.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 422);
        let problem = body(reply).await;
        assert_eq!(problem["type"], "/problems/attachment-missing");
    });
    assert_eq!(work.rows("dossier"), 0, "nothing stored");
}

#[test]
fn unusable_input_exits_2() {
    let work = Work::new(1000);
    for (to, file) in [
        ("ftp://example.vn", work.path("d.json")),
        ("http://127.0.0.1:9", work.path("missing.json")),
        ("http://127.0.0.1:9", work.path("data.json")),
    ] {
        let out = motcua(&["submit", "--to", to, &file]);
        assert_eq!(out.status.code(), Some(2), "{to} {file}: {}", text(&out));
    }
}
