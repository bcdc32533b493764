//! `motcua directory sign|verify` for publishers, and `motcua serve
//! --directory` publishing a signed directory (with CORS for app origins),
//! refusing to start with one that does not verify.

#![expect(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use serde_json::{Value, json};

mod support;

use support::{PASSPHRASE, Server, get, json_of, motcua, runtime, text};

const PORTAL: &str = "https://portal.example.vn";
const SOME_KID: &str = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

/// A publisher's work folder: its key and a directory document.
struct Publisher {
    dir: tempfile::TempDir,
}

impl Publisher {
    fn new() -> Self {
        let p = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        let out = motcua(&["keygen", "-o", &p.path("publisher.key")]);
        assert!(out.status.success(), "{}", text(&out));
        p.write_doc("d.json", &document());
        p
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn write_doc(&self, name: &str, doc: &Value) {
        std::fs::write(self.path(name), serde_json::to_vec_pretty(doc).unwrap()).unwrap();
    }

    /// Signs `name` into `out`; the public key goes to pub.jwk.
    fn sign(&self, name: &str, out: &str) -> std::process::Output {
        motcua(&[
            "directory",
            "sign",
            "--key",
            &self.path("publisher.key"),
            &self.path(name),
            "-o",
            &self.path(out),
            "--public-key",
            &self.path("pub.jwk"),
            "--json",
        ])
    }

    fn verify(&self, publisher: &str, signed: &str, extra: &[&str]) -> std::process::Output {
        let mut args = vec!["directory", "verify", "--publisher", publisher];
        let signed = self.path(signed);
        args.push(&signed);
        args.extend_from_slice(extra);
        motcua(&args)
    }

    /// The publisher's key, unlocked (to sign what the command refuses to).
    fn key(&self) -> motcua_dossier::SigningKey {
        let bytes = std::fs::read(self.path("publisher.key")).unwrap();
        motcua_dossier::KeyFile::from_json(&bytes)
            .unwrap()
            .decrypt(PASSPHRASE)
            .unwrap()
    }
}

fn document() -> Value {
    json!({
        "format": 1,
        "publisher": {"name": {"vi": "Sở Thông tin (thử)", "en": "Information Department (test)"}},
        "issued": "2026-01-01T00:00:00Z",
        "expires": "2099-01-01T00:00:00Z",
        "offices": [
            {
                "code": "00004", "level": "commune", "province": "01", "commune": "00004",
                "name": {"vi": "UBND Phường Ba Đình", "en": "Ba Dinh Ward People's Committee"},
                "address": "Hà Nội", "procedures": "all",
                "backend": {"adapter": "motcua-v1", "url": "https://motcua.hanoi.example", "receipt_kid": SOME_KID}
            },
            {
                "code": "P48", "level": "province", "province": "48",
                "name": {"vi": "Trung tâm Phục vụ hành chính công Đà Nẵng", "en": "Da Nang Public Service Centre"},
                "address": "Đà Nẵng", "procedures": ["1.001193"],
                "backend": {"adapter": "multipart", "url": "https://legacy.danang.example/nop"}
            }
        ]
    })
}

/// The signed file with its payload changed and its signature kept.
fn tamper(signed: &[u8], edit: impl Fn(&mut Value)) -> Vec<u8> {
    let mut envelope: Value = serde_json::from_slice(signed).unwrap();
    let payload = B64URL
        .decode(envelope["payload"].as_str().unwrap())
        .unwrap();
    let mut payload: Value = serde_json::from_slice(&payload).unwrap();
    edit(&mut payload);
    envelope["payload"] = B64URL.encode(serde_json::to_vec(&payload).unwrap()).into();
    serde_json::to_vec(&envelope).unwrap()
}

#[test]
fn sign_then_verify_with_the_key_or_its_thumbprint() {
    let p = Publisher::new();
    let out = p.sign("d.json", "s.json");
    assert!(out.status.success(), "{}", text(&out));
    let signed = json_of(&out);
    let kid = signed["publisher_kid"].as_str().unwrap().to_owned();
    assert_eq!(signed["alg"], "ES256");
    assert_eq!(signed["offices"], 2);
    assert_eq!(signed["adapters"], json!({"motcua-v1": 1, "multipart": 1}));
    let jwk: Value = serde_json::from_slice(&std::fs::read(p.path("pub.jwk")).unwrap()).unwrap();
    assert_eq!(jwk, signed["public_key"]);

    let out = p.verify(&p.path("pub.jwk"), "s.json", &[]);
    assert!(out.status.success(), "{}", text(&out));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("UBND Phường Ba Đình"), "{shown}");
    assert!(
        shown.contains("https://legacy.danang.example/nop"),
        "{shown}"
    );
    let out = p.verify(&kid, "s.json", &["--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let report = json_of(&out);
    assert_eq!(report["publisher_kid"], kid);
    let codes: Vec<&str> = report["offices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["00004", "P48"]);
    assert_eq!(report["offices"][1]["adapter"], "multipart");

    // Valid from `issued` to `expires` only.
    let out = p.verify(&kid, "s.json", &["--at", "2099-01-01T00:00:00Z"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("expired"), "{}", text(&out));
    let out = p.verify(&kid, "s.json", &["--at", "2025-06-01T00:00:00Z"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("not valid before"), "{}", text(&out));
}

#[test]
fn verify_refuses_tampered_unsigned_and_foreign_directories() {
    let p = Publisher::new();
    assert!(p.sign("d.json", "s.json").status.success());
    let signed = std::fs::read(p.path("s.json")).unwrap();

    // A backend address swapped for another one, the signature kept.
    let tampered = tamper(&signed, |d| {
        d["offices"][0]["backend"]["url"] = "https://evil.example".into();
    });
    std::fs::write(p.path("tampered.json"), tampered).unwrap();
    let out = p.verify(&p.path("pub.jwk"), "tampered.json", &["--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report = json_of(&out);
    assert_eq!(report["error"]["error"], "directory_tampered");
    assert!(
        report["message"]["vi"]
            .as_str()
            .unwrap()
            .contains("bị sửa đổi")
    );
    assert!(
        report["message"]["en"]
            .as_str()
            .unwrap()
            .contains("changed after it was signed")
    );

    // The bare document is not signed.
    let out = p.verify(&p.path("pub.jwk"), "d.json", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("not signed"), "{}", text(&out));

    // Signed by someone else.
    let other = Publisher::new();
    assert!(other.sign("d.json", "s.json").status.success());
    let out = other.verify(&p.path("pub.jwk"), "s.json", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("not by a trusted publisher"),
        "{}",
        text(&out)
    );

    // Unusable input: no such file, a publisher that is neither.
    let out = p.verify(&p.path("pub.jwk"), "missing.json", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = p.verify("not-a-key", "s.json", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

/// A change to a directory document.
type Edit = Box<dyn Fn(&mut Value)>;

#[test]
fn sign_refuses_mistakes() {
    let p = Publisher::new();
    let cases: [(&str, Edit, &str); 5] = [
        (
            "typo.json",
            Box::new(|d| d["offices"][1]["procedure"] = json!(["1.001193"])),
            "offices[1].procedure",
        ),
        (
            "province.json",
            Box::new(|d| d["offices"][0]["province"] = "79".into()),
            "commune 00004 is in province 01",
        ),
        (
            "commune.json",
            Box::new(|d| {
                d["offices"][0]["code"] = "99999".into();
                d["offices"][0]["commune"] = "99999".into();
            }),
            "no commune 99999",
        ),
        (
            "expired.json",
            Box::new(|d| d["expires"] = "2026-01-02T00:00:00Z".into()),
            "expired",
        ),
        (
            "header.json",
            Box::new(|d| {
                d["offices"][1]["backend"]["headers"] = json!({"Authorization": "Bearer x"})
            }),
            "Authorization",
        ),
    ];
    for (name, edit, says) in cases {
        let mut doc = document();
        edit(&mut doc);
        p.write_doc(name, &doc);
        let out = p.sign(name, "out.json");
        assert_eq!(out.status.code(), Some(1), "{name}: {}", text(&out));
        assert!(text(&out).contains(says), "{name}: {}", text(&out));
        assert!(!Path::new(&p.path("out.json")).exists(), "{name}");
    }
    assert!(p.sign("d.json", "out.json").status.success());
    let out = p.sign("d.json", "out.json");
    assert_eq!(out.status.code(), Some(2), "exists: {}", text(&out));
}

fn preflight(url: &str, origin: &str) -> (u16, reqwest::header::HeaderMap) {
    runtime().block_on(async {
        let response = reqwest::Client::new()
            .request(reqwest::Method::OPTIONS, format!("{url}/api/v1/uploads"))
            .header("origin", origin)
            .header("access-control-request-method", "PATCH")
            .header(
                "access-control-request-headers",
                "tus-resumable,upload-offset,upload-checksum,content-type",
            )
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.headers().clone())
    })
}

#[test]
fn serve_publishes_the_directory_and_answers_cors() {
    let p = Publisher::new();
    assert!(p.sign("d.json", "s.json").status.success());
    let signed = std::fs::read(p.path("s.json")).unwrap();
    let work = tempfile::tempdir().unwrap();
    let server = Server::start_with(
        work.path(),
        "127.0.0.1:0",
        &[
            "--directory",
            &p.path("s.json"),
            "--directory-publisher",
            &p.path("pub.jwk"),
            "--cors-origin",
            PORTAL,
        ],
    );
    let url = format!("{}/.well-known/motcua-directory", server.url);
    let (status, headers, body) = get(&url, &[("origin", "https://elsewhere.example")]);
    assert_eq!(status, 200);
    assert_eq!(body, signed, "served as signed");
    assert_eq!(headers["content-type"], "application/jose+json");
    assert_eq!(headers["cache-control"], "public, max-age=3600");
    assert_eq!(
        headers["access-control-allow-origin"], "*",
        "a public document"
    );
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let (status, _, body) = get(&url, &[("if-none-match", &etag)]);
    assert_eq!(status, 304);
    assert!(body.is_empty());
    let (_, _, caps) = get(&format!("{}/.well-known/motcua", server.url), &[]);
    let caps: Value = serde_json::from_slice(&caps).unwrap();
    assert_eq!(
        caps["endpoints"]["directory"],
        "/.well-known/motcua-directory"
    );
    // The app it serves may connect to the offices' backends, no further.
    let (_, headers, _) = get(&format!("{}/", server.url), &[("accept", "text/html")]);
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains(
            "connect-src 'self' https://legacy.danang.example https://motcua.hanoi.example;"
        ),
        "{csp}"
    );
    // What was downloaded verifies as the app checks it.
    std::fs::write(p.path("downloaded.json"), body_of(&url)).unwrap();
    let out = p.verify(&p.path("pub.jwk"), "downloaded.json", &[]);
    assert!(out.status.success(), "{}", text(&out));

    // CORS: the portal may file here, another origin may not.
    let (status, headers) = preflight(&server.url, PORTAL);
    assert_eq!(status, 204);
    assert_eq!(headers["access-control-allow-origin"], PORTAL);
    assert!(
        headers["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("PATCH")
    );
    assert!(!headers.contains_key("access-control-allow-credentials"));
    let (status, headers) = preflight(&server.url, "https://evil.example");
    assert_eq!(status, 403);
    assert!(!headers.contains_key("access-control-allow-origin"));
}

fn body_of(url: &str) -> Vec<u8> {
    get(url, &[]).2
}

/// `motcua serve` with this directory and publisher; it must not start.
fn serve_refuses(directory: &Path, publisher: &str) -> String {
    let work = tempfile::tempdir().unwrap();
    let dist = support::dist(work.path());
    let data: PathBuf = work.path().join("data");
    let out = motcua(&[
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--data-dir",
        data.to_str().unwrap(),
        "--dist",
        dist.to_str().unwrap(),
        "--directory",
        directory.to_str().unwrap(),
        "--directory-publisher",
        publisher,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("serving on"),
        "{}",
        text(&out)
    );
    text(&out)
}

#[test]
fn serve_refuses_a_directory_that_does_not_verify() {
    let p = Publisher::new();
    assert!(p.sign("d.json", "s.json").status.success());
    let signed = std::fs::read(p.path("s.json")).unwrap();
    let jwk = p.path("pub.jwk");

    let tampered = tamper(&signed, |d| d["offices"][0]["address"] = "elsewhere".into());
    std::fs::write(p.path("tampered.json"), tampered).unwrap();
    let said = serve_refuses(Path::new(&p.path("tampered.json")), &jwk);
    assert!(said.contains("changed after it was signed"), "{said}");

    let said = serve_refuses(Path::new(&p.path("s.json")), SOME_KID);
    assert!(said.contains("not by a trusted publisher"), "{said}");

    // An expired directory (the command refuses to sign one; the library
    // does not check the clock when signing).
    let mut doc = document();
    doc["expires"] = "2026-01-02T00:00:00Z".into();
    let expired =
        motcua_submit::Directory::sign(&serde_json::to_vec(&doc).unwrap(), &p.key()).unwrap();
    std::fs::write(p.path("expired.json"), expired).unwrap();
    let said = serve_refuses(Path::new(&p.path("expired.json")), &jwk);
    assert!(said.contains("expired"), "{said}");

    // --directory needs --directory-publisher.
    let work = tempfile::tempdir().unwrap();
    let out = motcua(&[
        "serve",
        "--data-dir",
        work.path().to_str().unwrap(),
        "--directory",
        &p.path("s.json"),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("--directory-publisher"),
        "{}",
        text(&out)
    );
}

/// Runs the `jose` (npm) verifier on a signed directory with a pinned key.
fn jose_verify(signed: &str, jwk: &str) -> (bool, Value) {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/verify_directory_with_jose.mjs");
    let out = std::process::Command::new("node")
        .arg(script)
        .args([signed, jwk])
        .output()
        .expect("node is needed (tests/interop/README.md)");
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON from the jose verifier ({e}); run `cargo xtask setup`: {}",
            text(&out)
        )
    });
    (out.status.success(), report)
}

#[test]
fn a_stock_jose_library_verifies_signed_directories() {
    let p = Publisher::new();
    assert!(p.sign("d.json", "s.json").status.success());
    let (ok, report) = jose_verify(&p.path("s.json"), &p.path("pub.jwk"));
    assert!(ok, "{report}");
    assert_eq!(report["header"]["typ"], "motcua-directory+jws");
    assert_eq!(report["header"]["alg"], "ES256");
    // The payload is the document's RFC 8785 form.
    let canonical =
        motcua_dossier::canonicalize(&std::fs::read(p.path("d.json")).unwrap()).unwrap();
    assert_eq!(
        report["payload"].as_str().unwrap().as_bytes(),
        canonical.as_slice()
    );
    // And it refuses what motcua refuses.
    let signed = std::fs::read(p.path("s.json")).unwrap();
    let tampered = tamper(&signed, |d| d["offices"][0]["address"] = "x".into());
    std::fs::write(p.path("tampered.json"), tampered).unwrap();
    let (ok, report) = jose_verify(&p.path("tampered.json"), &p.path("pub.jwk"));
    assert!(!ok, "{report}");
    let other = Publisher::new();
    assert!(other.sign("d.json", "s.json").status.success());
    let (ok, report) = jose_verify(&other.path("s.json"), &p.path("pub.jwk"));
    assert!(!ok, "{report}");
}

/// Out of the box (issue #11): a fresh `motcua serve` publishes a directory
/// of every commune's and province's office, all of them this server, signed
/// with a key it made in its data directory and pinned in the app it serves;
/// `--no-default-directory` and `--office` narrow it.
#[test]
fn a_fresh_server_publishes_every_office_at_itself_signed_with_a_key_its_app_pins() {
    let work = tempfile::tempdir().unwrap();
    // The app as the repository ships it: no publisher pinned.
    let dist = support::dist(work.path());
    std::fs::write(dist.join("directory-publishers.json"), r#"{"keys": []}"#).unwrap();
    let server = Server::start(work.path(), "127.0.0.1:0");
    let (status, headers, signed) =
        get(&format!("{}/.well-known/motcua-directory", server.url), &[]);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&signed));
    assert_eq!(headers["content-type"], "application/jose+json");
    let (status, _, pins) = get(&format!("{}/directory-publishers.json", server.url), &[]);
    assert_eq!(status, 200);
    let pins_json: Value = serde_json::from_slice(&pins).unwrap();
    assert_eq!(
        pins_json["keys"].as_array().unwrap().len(),
        1,
        "{pins_json}"
    );

    // It verifies against what the app pins, as the app checks it.
    let check = tempfile::tempdir().unwrap();
    let path = |name: &str| check.path().join(name).display().to_string();
    std::fs::write(path("signed.json"), &signed).unwrap();
    std::fs::write(path("pins.json"), &pins).unwrap();
    let out = motcua(&[
        "directory",
        "verify",
        "--publisher",
        &path("pins.json"),
        &path("signed.json"),
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let report = json_of(&out);
    let offices = report["offices"].as_array().unwrap();
    assert_eq!(offices.len(), 3321 + 34);
    let office = |code: &str| offices.iter().find(|o| o["code"] == code).cloned();
    let ba_dinh = office("00004").expect("a commune's office");
    assert_eq!(ba_dinh["name"]["vi"], "Bộ phận một cửa Phường Ba Đình");
    assert_eq!(ba_dinh["level"], "commune");
    assert_eq!(ba_dinh["url"], server.url.as_str(), "filed to this server");
    let hanoi = office("P01").expect("a province's office");
    assert_eq!(hanoi["level"], "province");
    assert_eq!(hanoi["url"], server.url.as_str());
    let receipt_kid = support::receipt_kid(&server.url);
    let payload: Value = serde_json::from_slice(
        &B64URL
            .decode(json_from(&signed)["payload"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert!(
        payload["offices"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["backend"]["receipt_kid"] == receipt_kid.as_str()),
        "every office names this server's receipt key"
    );

    // The publisher key stays in the data directory, owner-only, and signs
    // again after a restart: the app's pin still holds.
    let key_file = work.path().join("data/directory-publisher-key.p8");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    server.kill();
    let server = Server::start(work.path(), "127.0.0.1:0");
    let (_, _, again) = get(&format!("{}/directory-publishers.json", server.url), &[]);
    assert_eq!(again, pins, "the same publisher key after a restart");
    server.kill();

    // A server for some offices lists only those; one told not to, none.
    let only = tempfile::tempdir().unwrap();
    let server = Server::start_with(only.path(), "127.0.0.1:0", &["--office", "00004"]);
    let (_, _, signed) = get(&format!("{}/.well-known/motcua-directory", server.url), &[]);
    let payload: Value = serde_json::from_slice(
        &B64URL
            .decode(json_from(&signed)["payload"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(payload["offices"].as_array().unwrap().len(), 1);
    assert_eq!(payload["offices"][0]["code"], "00004");
    server.kill();
    let none = tempfile::tempdir().unwrap();
    let server = Server::start_with(none.path(), "127.0.0.1:0", &["--no-default-directory"]);
    let (status, _, _) = get(&format!("{}/.well-known/motcua-directory", server.url), &[]);
    assert_eq!(status, 404);
    assert!(!none.path().join("data/directory-publisher-key.p8").exists());
}

fn json_from(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap()
}
