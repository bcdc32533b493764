//! `motcua keygen`, `seal`, `verify` and `canonical`: exact shapes, reports
//! and exit statuses (0 ok, 1 refused, 2 unusable input).

// Helpers outside #[test] functions panic on broken set-ups, like the tests.
#![expect(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod support;

use motcua_testkit::data;
use support::{json_of as json, motcua, seal_args, text};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> String {
    root()
        .join("crates/dossier/tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

/// A work folder with a key, form data and a PDF to attach.
struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    fn new() -> Self {
        let work = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        let out = motcua(&["keygen", "-o", &work.path("dev.key")]);
        assert_eq!(code(&out), 0, "{}", text(&out));
        std::fs::copy(
            root().join("tests/vectors/form.json"),
            work.dir.path().join("data.json"),
        )
        .unwrap();
        std::fs::copy(
            root().join("tests/vectors/giay-chung-sinh.pdf"),
            work.dir.path().join("giay-chung-sinh.pdf"),
        )
        .unwrap();
        work
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn seal(&self, out: &str, extra: &[&str]) -> Output {
        let attach = format!("birth_certificate={}", self.path("giay-chung-sinh.pdf"));
        let (key, data, out) = (self.path("dev.key"), self.path("data.json"), self.path(out));
        let mut args = seal_args(&key, "1.001193", "00004", &data, &[&attach], &out);
        args.extend_from_slice(extra);
        motcua(&args)
    }
}

#[test]
fn keygen_writes_an_encrypted_key_file() {
    let work = Work::new();
    let key: Value = serde_json::from_slice(&std::fs::read(work.path("dev.key")).unwrap()).unwrap();
    assert_eq!(key["type"], "motcua-encrypted-key");
    assert_eq!(key["alg"], "ES256");
    assert_eq!(key["kdf"]["name"], "PBKDF2-HMAC-SHA256");
    assert!(key["kdf"]["iterations"].as_u64().unwrap() >= 600_000);
    assert_eq!(key["cipher"]["name"], "A256GCM");
    assert!(
        !String::from_utf8(std::fs::read(work.path("dev.key")).unwrap())
            .unwrap()
            .contains("PRIVATE")
    );

    // Never replaced without --force.
    let out = motcua(&["keygen", "-o", &work.path("dev.key")]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("--force"));

    let out = motcua(&[
        "keygen",
        "-o",
        &work.path("rsa.key"),
        "--import",
        &fixture("rsa2048.bundle.pem"),
        "--alg",
        "PS256",
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let report = json(&out);
    assert_eq!(
        (report["alg"].as_str(), report["certificates"].as_u64()),
        (Some("PS256"), Some(2))
    );
}

#[test]
fn keygen_refusals() {
    let work = Work::new();
    for (pem, expected) in [
        ("p384.pk8.pem", "unsupported_key"),
        ("rsa1024.pk8.pem", "rsa_key_too_small"),
        ("rsa2048.pkcs1.pem", "legacy_key_format"),
        ("p256.encrypted.pk8.pem", "encrypted_pkcs8"),
    ] {
        let out = motcua(&[
            "keygen",
            "-o",
            &work.path("x.key"),
            "--import",
            &fixture(pem),
            "--json",
        ]);
        assert_eq!(code(&out), 1, "{pem}: {}", text(&out));
        assert_eq!(json(&out)["error"]["code"], expected, "{pem}");
    }
    let out = motcua(&[
        "keygen",
        "-o",
        &work.path("x.key"),
        "--import",
        &fixture("p256.pk8.pem"),
        "--cert",
        &fixture("ed25519.cert.pem"),
    ]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        text(&out).contains("Chứng thư số không thuộc về khóa bí mật này"),
        "{}",
        text(&out)
    );
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["keygen", "-o", &work.path("y.key")])
        .env("MOTCUA_PASSPHRASE", "short")
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(!Path::new(&work.path("y.key")).exists());
}

#[test]
fn seal_then_verify() {
    let work = Work::new();
    let out = work.seal("dossier.json", &["--json"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let sealed = json(&out);
    let attachment = PathBuf::from(work.path("dossier.files/giay-chung-sinh.pdf"));
    assert_eq!(
        std::fs::read(&attachment).unwrap(),
        std::fs::read(work.path("giay-chung-sinh.pdf")).unwrap()
    );

    let out = motcua(&["verify", &work.path("dossier.json")]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let report = text(&out);
    assert!(
        report.contains("VALID") && report.contains("ok   attachment giay-chung-sinh.pdf"),
        "{report}"
    );

    let out = motcua(&["verify", &work.path("dossier.json"), "--json"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let report = json(&out);
    assert_eq!(report["valid"], true);
    assert_eq!(report["manifest"]["sha256"], sealed["manifest_sha256"]);
    assert_eq!(report["manifest"]["id"], sealed["id"]);
    assert_eq!(report["signatures"][0]["kid"], sealed["kid"]);
    assert_eq!(report["attachments"]["checked"], true);
    assert_eq!(report["attachments"]["items"][0]["ok"], true);

    // The pages of the PDF are counted.
    let file: Value =
        serde_json::from_slice(&std::fs::read(work.path("dossier.json")).unwrap()).unwrap();
    assert_eq!(file["manifest"]["attachments"][0]["pages"], 1);
    assert_eq!(
        file["manifest"]["attachments"][0]["media_type"],
        "application/pdf"
    );

    // A folder holding the dossier verifies the same way, with attachments required.
    let two = work.dir.path().join("two");
    std::fs::create_dir(&two).unwrap();
    std::fs::copy(work.path("dossier.json"), two.join("a.json")).unwrap();
    std::fs::copy(work.path("dossier.json"), two.join("b.json")).unwrap();
    let out = motcua(&["verify", &two.display().to_string()]);
    assert_eq!(code(&out), 2, "which of two .json files: {}", text(&out));
    let folder = work.dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(work.path("dossier.json"), folder.join("dossier.json")).unwrap();
    let out = motcua(&["verify", &folder.display().to_string(), "--json"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert_eq!(
        json(&out)["attachments"]["items"][0]["error"]["code"],
        "attachment_missing"
    );
    std::fs::copy(&attachment, folder.join("giay-chung-sinh.pdf")).unwrap();
    let out = motcua(&["verify", &folder.display().to_string()]);
    assert_eq!(code(&out), 0, "{}", text(&out));

    // Expected keys.
    let kid = sealed["kid"].as_str().unwrap();
    assert_eq!(
        code(&motcua(&[
            "verify",
            &work.path("dossier.json"),
            "--expect-kid",
            kid
        ])),
        0
    );
    let out = motcua(&[
        "verify",
        &work.path("dossier.json"),
        "--expect-kid",
        "someone-else",
        "--json",
    ]);
    assert_eq!(code(&out), 1);
    assert_eq!(
        json(&out)["signatures"][0]["error"]["code"],
        "unexpected_key"
    );
}

/// Issue 12: a seal by the "all-but-zero" Ed25519 key (the identity point)
/// with R the identity and S = 0 satisfies the equation for any manifest;
/// `verify` refuses it as a weak key.
#[test]
fn verify_refuses_a_small_order_ed25519_key() {
    use motcua_dossier::{Algorithm, PublicKey, SealedDossier, Timestamp};
    let work = Work::new();
    assert_eq!(code(&work.seal("dossier.json", &[])), 0);
    let dossier = work.path("dossier.json");
    let sealed = SealedDossier::from_json(&std::fs::read(&dossier).unwrap()).unwrap();
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let request = SealedDossier::new(sealed.manifest().clone())
        .unwrap()
        .prepare_signature(
            Algorithm::EdDsa,
            &PublicKey::Ed25519(identity),
            &[],
            Timestamp::now(),
        )
        .unwrap();
    let input = request.signing_input();
    let dot = input.iter().position(|b| *b == b'.').unwrap();
    let forged = serde_json::json!({
        "manifest": sealed.manifest(),
        "seal": {"signatures": [{
            "protected": std::str::from_utf8(&input[..dot]).unwrap(),
            "signature": format!("AQ{}", "A".repeat(84)),
        }]}
    });
    std::fs::write(&dossier, forged.to_string()).unwrap();
    let out = motcua(&["verify", &dossier, "--json"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    let report = json(&out);
    assert_eq!(report["valid"], false, "{report}");
    assert_eq!(report["signatures"][0]["ok"], false, "{report}");
    assert_eq!(
        report["signatures"][0]["error"]["code"], "weak_ed25519_key",
        "{report}"
    );
    let out = motcua(&["verify", &dossier]);
    assert_eq!(code(&out), 1);
    assert!(
        text(&out).contains("FAIL signature 1: the Ed25519 public key is a small-order"),
        "{}",
        text(&out)
    );
}

#[test]
fn verify_refuses_changes() {
    let work = Work::new();
    assert_eq!(code(&work.seal("dossier.json", &[])), 0);
    let dossier = work.path("dossier.json");
    let original = std::fs::read_to_string(&dossier).unwrap();

    // A swapped attachment.
    let attachment = work.path("dossier.files/giay-chung-sinh.pdf");
    let pdf = std::fs::read(&attachment).unwrap();
    let mut other = pdf.clone();
    other[20] ^= 0x20;
    std::fs::write(&attachment, &other).unwrap();
    let out = motcua(&["verify", &dossier, "--json"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    let report = json(&out);
    assert_eq!(report["valid"], false);
    assert_eq!(report["signatures"][0]["ok"], true);
    assert_eq!(
        report["attachments"]["items"][0]["error"]["code"],
        "attachment_digest"
    );
    std::fs::write(&attachment, b"short").unwrap();
    let out = motcua(&["verify", &dossier]);
    assert_eq!(code(&out), 1);
    assert!(
        text(&out).contains("FAIL attachment giay-chung-sinh.pdf"),
        "{}",
        text(&out)
    );
    std::fs::write(&attachment, &pdf).unwrap();
    assert_eq!(code(&motcua(&["verify", &dossier])), 0);

    // A changed manifest byte.
    std::fs::write(&dossier, original.replacen("\"00004\"", "\"00005\"", 1)).unwrap();
    let out = motcua(&["verify", &dossier, "--json"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert_eq!(
        json(&out)["signatures"][0]["error"]["code"],
        "bad_signature"
    );

    // A truncated file is unusable.
    std::fs::write(&dossier, &original[..original.len() / 2]).unwrap();
    let out = motcua(&["verify", &dossier, "--json"]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert_eq!(json(&out)["error"]["code"], "truncated");

    // A repeated key is refused.
    std::fs::write(
        &dossier,
        original.replacen("\"format\": 1,", "\"format\": 1, \"format\": 1,", 1),
    )
    .unwrap();
    let out = motcua(&["verify", &dossier]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains("twice"), "{}", text(&out));
}

#[test]
fn seal_refusals() {
    let work = Work::new();
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(seal_args(
            &work.path("dev.key"),
            "1.001193",
            "00004",
            &work.path("data.json"),
            &[],
            &work.path("a.json"),
        ))
        .arg("--json")
        .env("MOTCUA_PASSPHRASE", "not the passphrase")
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert_eq!(json(&out)["error"]["code"], "wrong_passphrase");
    assert!(!Path::new(&work.path("a.json")).exists());

    let out = motcua(&seal_args(
        &work.path("dev.key"),
        "9.999999",
        "00004",
        &work.path("data.json"),
        &[],
        &work.path("b.json"),
    ));
    assert_eq!(code(&out), 2, "{}", text(&out));

    let attach = format!("no_such_component={}", work.path("giay-chung-sinh.pdf"));
    let out = motcua(&seal_args(
        &work.path("dev.key"),
        "1.001193",
        "00004",
        &work.path("data.json"),
        &[&attach],
        &work.path("c.json"),
    ));
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        text(&out).contains("birth_certificate"),
        "lists the components: {}",
        text(&out)
    );

    // A broken photo is refused by the scan pipeline, with its reason.
    let jpeg = work.path("photo.jpg");
    std::fs::write(&jpeg, b"\xff\xd8\xff\xe0JFIF").unwrap();
    let attach = format!("birth_certificate={jpeg}");
    let out = motcua(&seal_args(
        &work.path("dev.key"),
        "1.001193",
        "00004",
        &work.path("data.json"),
        &[&attach],
        &work.path("d.json"),
    ));
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        text(&out).contains("refused") && text(&out).contains("truncated"),
        "{}",
        text(&out)
    );

    std::fs::write(work.path("dup.json"), br#"{"a":1,"a":2}"#).unwrap();
    let out = motcua(&seal_args(
        &work.path("dev.key"),
        "1.001193",
        "00004",
        &work.path("dup.json"),
        &[],
        &work.path("e.json"),
    ));
    assert_eq!(code(&out), 1, "{}", text(&out));

    let out = motcua(&seal_args(
        &work.path("dev.key"),
        "1.001193",
        "bad code",
        &work.path("data.json"),
        &[],
        &work.path("f.json"),
    ));
    assert_eq!(
        code(&out),
        2,
        "clap refuses a bad office code: {}",
        text(&out)
    );
}

#[test]
fn canonical_prints_rfc8785_bytes() {
    let work = Work::new();
    let vectors = root().join("tests/vectors/eddsa");
    let out = motcua(&[
        "canonical",
        &vectors.join("manifest.json").display().to_string(),
    ]);
    assert_eq!(code(&out), 0);
    assert_eq!(
        out.stdout,
        std::fs::read(vectors.join("manifest.canonical.json")).unwrap()
    );

    std::fs::write(work.path("dup.json"), br#"{"a":{"b":1,"b":2}}"#).unwrap();
    let out = motcua(&["canonical", &work.path("dup.json")]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(out.stdout.is_empty());
    assert!(text(&out).contains("\"b\" twice"), "{}", text(&out));

    std::fs::write(work.path("bad.json"), b"{\"a\":").unwrap();
    assert_eq!(code(&motcua(&["canonical", &work.path("bad.json")])), 2);
    assert_eq!(code(&motcua(&["canonical", &work.path("missing.json")])), 2);
}

#[test]
fn seal_turns_photos_into_one_pdf_and_checks_the_form() {
    let work = Work::new();
    let photo = format!(
        "birth_certificate={}",
        data::path("exif-orientation/exifpy-portrait-orientation-6.jpg").display()
    );
    let page = format!(
        "birth_certificate={}",
        data::path("documents/graph-paper-ink_938x735.jpg").display()
    );
    let out = motcua(
        &[
            seal_args(
                &work.path("dev.key"),
                "1.001193",
                "00004",
                &work.path("data.json"),
                &[&photo, &page],
                &work.path("photos.json"),
            ),
            vec!["--json"],
        ]
        .concat(),
    );
    assert_eq!(code(&out), 0, "{}", text(&out));
    let sealed: Value =
        serde_json::from_slice(&std::fs::read(work.path("photos.json")).unwrap()).unwrap();
    let attachments = sealed["manifest"]["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 1, "two photos, one PDF: {attachments:?}");
    assert_eq!(attachments[0]["name"], "birth_certificate.pdf");
    assert_eq!(attachments[0]["pages"], 2);
    let pdf = std::fs::read(work.path("photos.files/birth_certificate.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // Normalized values go into the manifest: the phone in its 0… form.
    assert_eq!(sealed["manifest"]["form"]["requester_phone"], "0912345678");
    let out = motcua(&["verify", &work.path("photos.json")]);
    assert_eq!(code(&out), 0, "{}", text(&out));

    // Form data the office would refuse is refused before sealing.
    let mut bad: Value =
        serde_json::from_slice(&std::fs::read(work.path("data.json")).unwrap()).unwrap();
    bad["requester_phone"] = "0212".into();
    std::fs::write(work.path("bad.json"), bad.to_string()).unwrap();
    let out = motcua(&seal_args(
        &work.path("dev.key"),
        "1.001193",
        "00004",
        &work.path("bad.json"),
        &[],
        &work.path("bad-sealed.json"),
    ));
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains("requester_phone"), "{}", text(&out));
    assert!(!std::path::Path::new(&work.path("bad-sealed.json")).exists());
}

/// `seal` runs the office's conformance check: a dossier without its
/// required paper is refused before anything is written.
#[test]
fn seal_refuses_a_dossier_without_its_required_paper() {
    let work = Work::new();
    let out = motcua(
        &[
            seal_args(
                &work.path("dev.key"),
                "1.001193",
                "00004",
                &work.path("data.json"),
                &[],
                &work.path("c.json"),
            ),
            vec!["--json"],
        ]
        .concat(),
    );
    assert_eq!(code(&out), 1, "{}", text(&out));
    let report = json(&out);
    assert_eq!(report["errors"][0]["path"], "components/birth_certificate");
    assert_eq!(report["errors"][0]["code"], "required");
    assert!(!Path::new(&work.path("c.json")).exists());
}
