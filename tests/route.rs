//! File anywhere: two intake servers on different loopback ports stand for
//! the one-stop offices of two provinces (Hà Nội's Ba Đình ward, 00004;
//! Thành phố Hồ Chí Minh's provincial centre, P79), and a legacy backend
//! taking multipart POSTs stands for Đà Nẵng's Hải Vân ward (20194). A
//! signed directory lists all three. The same citizen's dossier, sealed
//! for each, goes to each through the shared client (`motcua submit
//! --directory`); each office receives only what was sent to it. A
//! tampered directory is refused with a clear message and nothing is sent;
//! an office that is down leaves the dossier waiting, and it goes through
//! once the office is back.

#![expect(clippy::unwrap_used)]

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use serde_json::{Value, json};

mod support;

use support::{
    DANANG_BACKEND, Legacy, Server, birth_form, directory_office, json_of, motcua, pdf,
    receipt_kid, text,
};

const PERSONAL_ID: &str = "001093012345";

/// The citizen's and the publisher's folder.
struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    fn new() -> Self {
        let work = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        for key in ["citizen.key", "publisher.key"] {
            let out = motcua(&["keygen", "-o", &work.path(key)]);
            assert!(out.status.success(), "{}", text(&out));
        }
        std::fs::write(work.path("data.json"), birth_form(PERSONAL_ID).to_string()).unwrap();
        std::fs::write(work.path("giay-chung-sinh.pdf"), pdf(90_000, 11)).unwrap();
        work
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn sub(&self, name: &str) -> std::path::PathBuf {
        let dir = self.dir.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// The citizen's birth registration sealed for `office` as `name`.
    fn seal(&self, office: &str, name: &str) {
        let attach = format!("birth_certificate={}", self.path("giay-chung-sinh.pdf"));
        let out = motcua(&[
            "seal",
            "--key",
            &self.path("citizen.key"),
            "--procedure",
            "1.001193",
            "--office",
            office,
            "--data",
            &self.path("data.json"),
            "--attach",
            &attach,
            "-o",
            &self.path(name),
        ]);
        assert!(out.status.success(), "{}", text(&out));
    }

    /// `motcua submit --directory SIGNED --publisher pub.jwk DOSSIER --json`.
    fn submit(&self, directory: &str, dossier: &str, extra: &[&str]) -> std::process::Output {
        let (directory, publisher, dossier) = (
            self.path(directory),
            self.path("pub.jwk"),
            self.path(dossier),
        );
        let mut args = vec![
            "submit",
            "--directory",
            &directory,
            "--publisher",
            &publisher,
            &dossier,
            "--json",
            "--max-retry-delay",
            "1",
        ];
        args.extend_from_slice(extra);
        motcua(&args)
    }
}

fn directory(hanoi: &Server, hcm: &Server, legacy: &Legacy) -> Value {
    json!({
        "format": 1,
        "publisher": {"name": {"vi": "Cổng Dịch vụ công (thử)", "en": "Public Service Portal (test)"}},
        "issued": "2026-01-01T00:00:00Z",
        "expires": "2099-01-01T00:00:00Z",
        "offices": [
            directory_office("00004", "01", Some("00004"), "UBND Phường Ba Đình", json!({
                "adapter": "motcua-v1", "url": hanoi.url, "receipt_kid": receipt_kid(&hanoi.url)
            })),
            directory_office("P79", "79", None, "Trung tâm Phục vụ hành chính công TP Hồ Chí Minh", json!({
                "adapter": "motcua-v1", "url": hcm.url, "receipt_kid": receipt_kid(&hcm.url)
            })),
            directory_office("20194", "48", Some("20194"), "UBND Phường Hải Vân", json!({
                "adapter": "multipart",
                "url": legacy.url(),
                "parts": {"sealed": "ho_so_da_ky", "manifest": "ke_khai", "attachment": "tep_{index}"},
                "fields": {"kenh_nop": "motcua"},
                "reference": "/ket_qua/ma_ho_so"
            })),
        ]
    })
}

/// The signed directory with office 00004's backend pointed elsewhere, the
/// signature kept.
fn tampered(signed: &[u8], url: &str) -> Vec<u8> {
    let mut envelope: Value = serde_json::from_slice(signed).unwrap();
    let payload = B64URL
        .decode(envelope["payload"].as_str().unwrap())
        .unwrap();
    let mut payload: Value = serde_json::from_slice(&payload).unwrap();
    payload["offices"][0]["backend"]["url"] = url.into();
    envelope["payload"] = B64URL.encode(serde_json::to_vec(&payload).unwrap()).into();
    serde_json::to_vec(&envelope).unwrap()
}

fn sealed_bytes(work: &Work, name: &str) -> Vec<u8> {
    std::fs::read(work.path(name)).unwrap()
}

fn outbox_state(work: &Work, name: &str) -> Value {
    let path = Path::new(&work.path(name)).with_extension("outbox");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn the_same_citizen_files_at_offices_of_three_provinces() {
    let work = Work::new();
    let hanoi = Server::start_with(&work.sub("hanoi"), "127.0.0.1:0", &["--office", "00004"]);
    let hcm = Server::start_with(&work.sub("hcm"), "127.0.0.1:0", &["--office", "P79"]);
    let mut legacy = Legacy::start(DANANG_BACKEND);
    assert_ne!(hanoi.port(), hcm.port());

    // The publisher signs the directory; the citizen pins its key.
    std::fs::write(
        work.path("directory.json"),
        directory(&hanoi, &hcm, &legacy).to_string(),
    )
    .unwrap();
    let out = motcua(&[
        "directory",
        "sign",
        "--key",
        &work.path("publisher.key"),
        &work.path("directory.json"),
        "-o",
        &work.path("signed.json"),
        "--public-key",
        &work.path("pub.jwk"),
    ]);
    assert!(out.status.success(), "{}", text(&out));

    work.seal("00004", "hanoi.json");
    work.seal("P79", "hcm.json");
    work.seal("20194", "danang.json");
    let counts = || (hanoi.rows("dossier"), hcm.rows("dossier"), legacy.kept());

    // Hà Nội, through the directory (motcua-v1, its receipt key pinned).
    let out = work.submit("signed.json", "hanoi.json", &["--office", "00004"]);
    assert!(out.status.success(), "{}", text(&out));
    let hanoi_receipt = json_of(&out);
    assert_eq!(hanoi_receipt["office"], "00004");
    assert_eq!(hanoi_receipt["office_server"], hanoi.url.as_str());
    let code = hanoi_receipt["dossier_code"].as_str().unwrap().to_owned();
    assert!(code.starts_with("00004-"), "{code}");
    assert_eq!(counts(), (1, 0, 0));

    // Hồ Chí Minh City; the office is the one the dossier is sealed for.
    let out = work.submit("signed.json", "hcm.json", &[]);
    assert!(out.status.success(), "{}", text(&out));
    let hcm_receipt = json_of(&out);
    assert_eq!(hcm_receipt["office"], "P79");
    assert!(
        hcm_receipt["dossier_code"]
            .as_str()
            .unwrap()
            .starts_with("P79-")
    );
    assert_eq!(counts(), (1, 1, 0));

    // Đà Nẵng's legacy backend: one multipart POST, no signed receipt.
    let out = work.submit("signed.json", "danang.json", &[]);
    assert!(out.status.success(), "{}", text(&out));
    let delivered = json_of(&out);
    assert_eq!(delivered["adapter"], "multipart");
    assert_eq!(delivered["signed_receipt"], false);
    assert_eq!(delivered["reference"], "DNG-000001");
    assert_eq!(delivered["office"], "20194");
    assert_eq!(counts(), (1, 1, 1));
    let received = legacy.received();
    assert_eq!(received.len(), 1);
    let names: Vec<&str> = received[0].parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["kenh_nop", "ke_khai", "ho_so_da_ky", "tep_0"]);
    assert_eq!(
        received[0].parts[2].bytes,
        sealed_bytes(&work, "danang.json")
    );
    assert_eq!(
        received[0].parts[3].bytes,
        std::fs::read(work.path("danang.files/giay-chung-sinh.pdf")).unwrap()
    );
    assert_eq!(
        received[0].idempotency_key,
        format!("\"{}\"", delivered["dossier_id"].as_str().unwrap())
    );
    // The sealed dossier the office got verifies on its own.
    std::fs::write(work.path("received.json"), &received[0].parts[2].bytes).unwrap();
    std::fs::create_dir_all(work.path("received.files")).unwrap();
    std::fs::write(
        work.path("received.files/giay-chung-sinh.pdf"),
        &received[0].parts[3].bytes,
    )
    .unwrap();
    let out = motcua(&["verify", &work.path("received.json")]);
    assert!(out.status.success(), "{}", text(&out));

    // Each office holds only its own dossier.
    let office_of = |server: &Server| -> Vec<String> {
        let db = rusqlite::Connection::open(server.work.join("data/motcua.sqlite3")).unwrap();
        let mut rows = db.prepare("SELECT office FROM dossier").unwrap();
        rows.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(office_of(&hanoi), ["00004"]);
    assert_eq!(office_of(&hcm), ["P79"]);

    // The plain --to route reaches the same dossier at the same office.
    let out = motcua(&[
        "submit",
        "--to",
        &hanoi.url,
        &work.path("hanoi.json"),
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(json_of(&out)["dossier_code"], code.as_str());
    // And the directory again: the same receipt, nothing new anywhere.
    let out = work.submit("signed.json", "hanoi.json", &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(json_of(&out)["receipt"], hanoi_receipt["receipt"]);
    assert_eq!(counts(), (1, 1, 1));

    // A dossier sealed for Hà Nội cannot be routed to another office.
    let out = work.submit("signed.json", "hanoi.json", &["--office", "P79"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(json_of(&out)["error"]["error"], "wrong_office");
    assert_eq!(counts(), (1, 1, 1));

    // A tampered directory (Hà Nội's backend pointed at Đà Nẵng's) is
    // refused with a clear message, and nothing is sent anywhere.
    let signed = std::fs::read(work.path("signed.json")).unwrap();
    std::fs::write(work.path("tampered.json"), tampered(&signed, &legacy.url())).unwrap();
    work.seal("00004", "hanoi2.json");
    let out = work.submit("tampered.json", "hanoi2.json", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let refusal = json_of(&out);
    assert_eq!(refusal["error"]["error"], "directory_tampered");
    assert_eq!(
        refusal["message"]["en"],
        "The office directory was changed after it was signed; it is not used."
    );
    assert_eq!(
        refusal["message"]["vi"],
        "Danh bạ cơ quan đã bị sửa đổi sau khi ký; không dùng danh bạ này."
    );
    assert!(!Path::new(&work.path("hanoi2.outbox")).exists());
    assert_eq!(counts(), (1, 1, 1));
    assert_eq!(legacy.received().len(), 1);

    // An office that is down: the dossier waits (a retryable failure kept
    // in the outbox), then goes through once the office is back.
    work.seal("P79", "hcm2.json");
    let hcm_addr = hcm.addr();
    let hcm_work = hcm.work.clone();
    hcm.kill();
    let out = work.submit("signed.json", "hcm2.json", &["--max-attempts", "2"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let waiting = json_of(&out);
    assert_eq!(waiting["retryable"], true, "{waiting}");
    assert_eq!(waiting["fault"], "network");
    let kept = outbox_state(&work, "hcm2.json");
    assert_eq!(kept["state"], "failed");
    assert_eq!(kept["retryable"], true);
    let hcm = Server::start_with(&hcm_work, &hcm_addr, &["--office", "P79"]);
    let out = work.submit("signed.json", "hcm2.json", &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(outbox_state(&work, "hcm2.json")["state"], "acknowledged");
    assert_eq!(hcm.rows("dossier"), 2);

    // The same for the legacy backend.
    work.seal("20194", "danang2.json");
    legacy.stop();
    let out = work.submit("signed.json", "danang2.json", &["--max-attempts", "2"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(json_of(&out)["retryable"], true);
    assert_eq!(outbox_state(&work, "danang2.json")["state"], "failed");
    legacy.restart();
    let out = work.submit("signed.json", "danang2.json", &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(json_of(&out)["reference"], "DNG-000002");
    assert_eq!(outbox_state(&work, "danang2.json")["state"], "delivered");
    assert_eq!(
        (hanoi.rows("dossier"), hcm.rows("dossier"), legacy.kept()),
        (1, 2, 2)
    );
}
