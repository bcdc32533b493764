//! Interop: seals made by motcua verify with third-party JOSE libraries
//! (npm `jose`, Python `jwcrypto`), and seals made by those libraries verify
//! with motcua. Missing tools fail the test with the command that installs
//! them (tests/interop/README.md); nothing is skipped.

// Helpers outside #[test] functions panic on broken set-ups, like the tests.
#![expect(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use motcua_dossier::{SealedDossier, SigningKey, Timestamp, VerifyOptions};
use serde_json::Value;

const PASSPHRASE: &str = "interop test passphrase";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn interop() -> PathBuf {
    root().join("tests/interop")
}

fn fixture(name: &str) -> PathBuf {
    root().join("crates/dossier/tests/fixtures").join(name)
}

fn require_tools() {
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.is_ok_and(|o| o.status.success()),
        "node is missing: install Node.js 20 or newer (apt-get install nodejs npm)"
    );
    for package in ["jose", "canonicalize"] {
        assert!(
            interop()
                .join("node_modules")
                .join(package)
                .join("package.json")
                .is_file(),
            "npm package {package} is missing: run `cargo xtask setup` (pinned in tools/package.json)"
        );
    }
    let probe = Command::new(python())
        .args(["-c", "import jwcrypto, jcs"])
        .output();
    assert!(
        probe.is_ok_and(|o| o.status.success()),
        "{} with jwcrypto and jcs is missing: run `cargo xtask setup` (pinned in tools/requirements.txt)",
        python()
    );
}

/// The Python with the pinned test packages: `MOTCUA_PYTHON` (set by
/// `cargo xtask`), else `python3`.
fn python() -> String {
    std::env::var("MOTCUA_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    if !out.stderr.is_empty() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    }
    out
}

fn motcua(args: &[&str]) -> Output {
    run(Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .env("MOTCUA_PASSPHRASE", PASSPHRASE))
}

/// Runs a verifier script on `file`; returns its exit success and report.
fn third_party_verify(file: &Path) -> Vec<(bool, Value)> {
    let python = python();
    let scripts: [(&str, &str); 2] = [
        ("node", "verify_with_jose.mjs"),
        (&python, "verify_with_jwcrypto.py"),
    ];
    scripts
        .iter()
        .map(|(program, script)| {
            let out = run(Command::new(program).arg(interop().join(script)).arg(file));
            let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
                panic!(
                    "{script} printed no JSON ({e}): {}",
                    String::from_utf8_lossy(&out.stdout)
                )
            });
            (out.status.success(), report)
        })
        .collect()
}

/// Sealed dossiers made by `motcua seal`, one per kind of key, plus one
/// with several signers made through the library.
fn motcua_seals(dir: &Path) -> Vec<PathBuf> {
    let data = root().join("tests/vectors/form.json");
    let pdf = root().join("tests/vectors/giay-chung-sinh.pdf");
    let keys: [(&str, Option<&str>, &str); 5] = [
        ("device", None, "ES256"),
        ("ed25519", Some("ed25519.pk8.pem"), "EdDSA"),
        ("rsa-x5c", Some("rsa2048.bundle.pem"), "RS256"),
        ("rsa-pss", Some("rsa2048.pk8.pem"), "PS256"),
        ("p256-x5c", Some("p256.pk8.pem"), "ES256"),
    ];
    let mut files = Vec::new();
    for (name, import, alg) in keys {
        let key = dir.join(format!("{name}.key"));
        let key_s = key.to_str().unwrap();
        let out = match import {
            None => motcua(&["keygen", "-o", key_s]),
            Some(pem) => {
                let pem = fixture(pem);
                let mut args = vec![
                    "keygen",
                    "-o",
                    key_s,
                    "--import",
                    pem.to_str().unwrap(),
                    "--alg",
                    alg,
                ];
                let cert = fixture("p256.cert.pem");
                if name == "p256-x5c" {
                    args.extend(["--cert", cert.to_str().unwrap()]);
                }
                motcua(&args)
            }
        };
        assert!(out.status.success(), "keygen {name}");
        let sealed = dir.join(format!("{name}.json"));
        let attach = format!("birth_certificate={}", pdf.display());
        let out = motcua(&[
            "seal",
            "--key",
            key_s,
            "--procedure",
            "1.001193",
            "--office",
            "00004",
            "--data",
            data.to_str().unwrap(),
            "--attach",
            &attach,
            "-o",
            sealed.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "seal {name}");
        files.push(sealed);
    }

    let first = SealedDossier::from_json(&std::fs::read(&files[0]).unwrap()).unwrap();
    let mut multi = SealedDossier::new(first.manifest().clone()).unwrap();
    let now = Timestamp::now();
    multi
        .sign(&SigningKey::generate_device_key().unwrap(), now)
        .unwrap();
    let pem = std::fs::read_to_string(fixture("rsa2048.bundle.pem")).unwrap();
    multi
        .sign(&SigningKey::from_pem(&pem, None).unwrap(), now)
        .unwrap();
    let pem = std::fs::read_to_string(fixture("ed25519.pk8.pem")).unwrap();
    multi
        .sign(&SigningKey::from_pem(&pem, None).unwrap(), now)
        .unwrap();
    let path = dir.join("multi.json");
    std::fs::write(&path, multi.to_json()).unwrap();
    files.push(path);
    files
}

#[test]
fn motcua_seals_verify_with_jose_and_jwcrypto() {
    require_tools();
    let dir = tempfile::tempdir().unwrap();
    let mut files = motcua_seals(dir.path());
    for vector in ["es256", "eddsa", "rs256-x5c"] {
        files.push(
            root()
                .join("tests/vectors")
                .join(vector)
                .join("sealed.json"),
        );
    }
    for file in &files {
        let sealed = SealedDossier::from_json(&std::fs::read(file).unwrap()).unwrap();
        let ours = sealed.verify(&VerifyOptions::default());
        assert!(ours.is_valid());
        for (ok, report) in third_party_verify(file) {
            assert!(ok, "{}: {report}", file.display());
            assert_eq!(
                report["manifest_sha256"],
                ours.manifest_digest.to_string(),
                "{}",
                file.display()
            );
            assert_eq!(
                report["signatures"].as_array().unwrap().len(),
                ours.signatures.len()
            );
        }
    }

    // They are not vacuous: a changed manifest fails them too.
    let text = std::fs::read_to_string(&files[0]).unwrap();
    let tampered = dir.path().join("tampered.json");
    std::fs::write(
        &tampered,
        text.replacen("Nguyễn Văn An", "Nguyễn Văn Ân", 1),
    )
    .unwrap();
    for (ok, report) in third_party_verify(&tampered) {
        assert!(!ok, "tampered dossier accepted: {report}");
    }
}

#[test]
fn seals_by_jose_and_jwcrypto_verify_with_motcua() {
    require_tools();
    let dir = tempfile::tempdir().unwrap();
    let manifest = root().join("tests/vectors/es256/manifest.json");
    let algs = ["ES256", "EdDSA", "RS256", "PS256"];
    let python = python();
    for (program, script) in [
        ("node", "sign_with_jose.mjs"),
        (python.as_str(), "sign_with_jwcrypto.py"),
    ] {
        let out_file = dir.path().join(format!("{script}.json"));
        let out = run(Command::new(program)
            .arg(interop().join(script))
            .arg(&manifest)
            .arg(&out_file)
            .args(algs));
        assert!(out.status.success(), "{script} failed");
        let out = motcua(&["verify", out_file.to_str().unwrap(), "--json"]);
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(out.status.success(), "{script}: {report}");
        let signers: Vec<_> = report["signatures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["alg"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(signers, algs, "{script}");
        // And the library agrees: the payload is the canonical manifest.
        let sealed = SealedDossier::from_json(&std::fs::read(&out_file).unwrap()).unwrap();
        assert_eq!(
            sealed.payload().unwrap(),
            std::fs::read(root().join("tests/vectors/es256/manifest.canonical.json")).unwrap()
        );
    }
}
