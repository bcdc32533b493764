//! Helpers shared by the command-line tests: running `motcua`, starting
//! `motcua serve` as a process, and the test directory's offices. Test
//! files, procedures and the legacy multipart backend come from
//! `motcua-testkit`.
#![allow(
    dead_code,
    reason = "each test file is its own crate and uses part of the helpers"
)]
// Helpers panic on broken set-ups, like the tests that call them.
#![allow(clippy::unwrap_used, reason = "test set-up")]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use motcua_testkit::legacy::Dialect;
#[allow(
    unused_imports,
    reason = "each test file is its own crate and uses part of the helpers"
)]
pub(crate) use motcua_testkit::legacy::Legacy;
use motcua_testkit::pdf::OnePagePdf;
use serde_json::Value;

pub(crate) const PASSPHRASE: &str = "mật khẩu kiểm thử";

/// Runs `motcua` with `args` (the passphrase in the environment).
pub(crate) fn motcua(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .env("MOTCUA_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap()
}

/// The arguments of `motcua seal` for `procedure` at `office`, each of
/// `attach` a `component=path`; flags may follow.
pub(crate) fn seal_args<'a>(
    key: &'a str,
    procedure: &'a str,
    office: &'a str,
    data: &'a str,
    attach: &[&'a str],
    out: &'a str,
) -> Vec<&'a str> {
    let mut args = vec![
        "seal",
        "--key",
        key,
        "--procedure",
        procedure,
        "--office",
        office,
        "--data",
        data,
    ];
    for a in attach {
        args.extend(["--attach", a]);
    }
    args.extend(["-o", out]);
    args
}

/// Stdout and stderr, for assertion messages.
pub(crate) fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Stdout as JSON.
pub(crate) fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(out)))
}

/// A built app stand-in in `work/dist`.
pub(crate) fn dist(work: &Path) -> PathBuf {
    let dist = work.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>t</title>").unwrap();
    dist
}

/// A running `motcua serve`; killed when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) url: String,
    pub(crate) work: PathBuf,
}

impl Server {
    /// Starts a server on `addr` with its data in `work/data`.
    pub(crate) fn start(work: &Path, addr: &str) -> Self {
        Self::start_with(work, addr, &[])
    }

    /// Starts a server on `addr` with its data in `work/data` and more
    /// flags; its log goes to `work/serve.log`.
    pub(crate) fn start_with(work: &Path, addr: &str, extra: &[&str]) -> Self {
        let dist = dist(work);
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(work.join("serve.log"))
            .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
            .args(["serve", "--addr", addr, "--data-dir"])
            .arg(work.join("data"))
            .arg("--dist")
            .arg(&dist)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("motcua: serving on ")
            .unwrap_or_else(|| {
                let log = std::fs::read_to_string(work.join("serve.log")).unwrap_or_default();
                panic!("server did not start: {line:?}\n{log}")
            })
            .trim_end_matches('/')
            .to_owned();
        Self {
            child,
            url,
            work: work.to_owned(),
        }
    }

    /// `127.0.0.1:PORT`.
    pub(crate) fn addr(&self) -> String {
        self.url.trim_start_matches("http://").to_owned()
    }

    pub(crate) fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// Kills the process at once (SIGKILL): no graceful shutdown.
    pub(crate) fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// How many rows `table` has in the server's database.
    pub(crate) fn rows(&self, table: &str) -> i64 {
        let db = rusqlite::Connection::open(self.work.join("data/motcua.sqlite3")).unwrap();
        db.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A well-formed one-page PDF of `size` bytes (a cross-reference table,
/// a content stream of pseudo-random bytes): each seed gives other bytes.
pub(crate) fn pdf(size: usize, seed: u32) -> Vec<u8> {
    OnePagePdf::new(seed.into()).len(size).build()
}

/// The form data of the birth registration's worked example, with the
/// applicant's ID number set.
pub(crate) fn birth_form(personal_id: &str) -> Value {
    Value::Object(motcua_testkit::procedures::birth_form(Some(personal_id)))
}

/// One office of a test directory (docs/directory.md), accepting the birth
/// registration; `commune` makes it a commune-level office.
pub(crate) fn directory_office(
    code: &str,
    province: &str,
    commune: Option<&str>,
    name: &str,
    backend: Value,
) -> Value {
    let mut office = serde_json::json!({
        "code": code,
        "level": if commune.is_some() { "commune" } else { "province" },
        "province": province,
        "name": {"vi": name, "en": name},
        "address": name,
        "procedures": ["1.001193"],
        "backend": backend,
    });
    if let Some(commune) = commune {
        office["commune"] = commune.into();
    }
    office
}

/// A single-threaded runtime for the HTTP calls of a test.
pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// GET `url`: status, headers, body.
pub(crate) fn get(
    url: &str,
    headers: &[(&str, &str)],
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    runtime().block_on(async {
        let mut request = reqwest::Client::new().get(url);
        for (n, v) in headers {
            request = request.header(*n, *v);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (status, headers, response.bytes().await.unwrap().to_vec())
    })
}

/// The receipt key thumbprint a server publishes.
pub(crate) fn receipt_kid(url: &str) -> String {
    let (_, _, body) = get(&format!("{url}/.well-known/motcua"), &[]);
    let caps: Value = serde_json::from_slice(&body).unwrap();
    caps["receipt_key"]["kid"].as_str().unwrap().to_owned()
}

/// Đà Nẵng's existing one-stop backend (office 20194 of the test
/// directories): a multipart POST at `/legacy/nop-ho-so`, answered with
/// `{"ket_qua": {"ma_ho_so": "DNG-<n>"}}`.
pub(crate) const DANANG_BACKEND: Dialect = Dialect {
    path: "/legacy/nop-ho-so",
    reference_at: "/ket_qua/ma_ho_so",
    prefix: "DNG-",
};
