//! Helpers shared by the command-line tests: running `motcua`, starting
//! `motcua serve` as a process, a legacy multipart backend in process,
//! and test files.
#![allow(
    dead_code,
    reason = "each test file is its own crate and uses part of the helpers"
)]
// Helpers panic on broken set-ups, like the tests that call them.
#![allow(clippy::unwrap_used, reason = "test set-up")]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};

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

/// A well-formed one-page PDF of about `size` bytes: its content stream is
/// filled with pseudo-random bytes, so each seed gives different bytes.
pub(crate) fn pdf(size: usize, seed: u32) -> Vec<u8> {
    let mut x = seed | 1;
    let filler: Vec<u8> = (0..size.saturating_sub(400))
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    let mut bytes = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let objects: [Vec<u8>; 4] = [
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
        [
            format!("<< /Length {} >>\nstream\n", filler.len()).into_bytes(),
            filler,
            b"\nendstream".to_vec(),
        ]
        .concat(),
    ];
    for (i, body) in objects.iter().enumerate() {
        offsets.push(bytes.len());
        bytes.extend(format!("{} 0 obj\n", i + 1).into_bytes());
        bytes.extend(body);
        bytes.extend(b"\nendobj\n");
    }
    let xref = bytes.len();
    bytes.extend(b"xref\n0 5\n0000000000 65535 f \n");
    for offset in offsets {
        bytes.extend(format!("{offset:010} 00000 n \n").into_bytes());
    }
    bytes.extend(
        format!("trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").into_bytes(),
    );
    bytes
}

/// The form data of the birth registration's worked example, with the
/// applicant's ID number set.
pub(crate) fn birth_form(personal_id: &str) -> Value {
    let schema: Value = serde_json::from_slice(
        &std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("web/procedures/1.001193.json"))
            .unwrap(),
    )
    .unwrap();
    let mut form = schema
        .get("example")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    form.insert("requester_personal_id".into(), personal_id.into());
    form.entry("child_name")
        .or_insert_with(|| "Nguyễn Minh Khang".into());
    Value::Object(form)
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

/// One part of a request the legacy backend got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    pub(crate) name: String,
    pub(crate) filename: Option<String>,
    pub(crate) bytes: Vec<u8>,
}

/// One request the legacy backend got.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) idempotency_key: String,
    pub(crate) parts: Vec<Part>,
}

#[derive(Debug, Default)]
struct Records {
    received: Vec<Received>,
    /// Idempotency keys of the dossiers kept, with their references.
    kept: Vec<(String, String)>,
}

/// An existing one-stop backend that takes a `multipart/form-data` POST at
/// `/legacy/nop-ho-so` and answers `{"ket_qua": {"ma_ho_so": "DNG-<n>"}}`,
/// keeping one dossier per `Idempotency-Key`. It runs in the test process
/// (axum, parsing bodies with its multipart extractor) and can be stopped
/// and started again on the same port. It answers CORS for any origin, as
/// a backend opened to the app must, so browsers can post to it too.
pub(crate) struct Legacy {
    records: Arc<Mutex<Records>>,
    addr: SocketAddr,
    running: Option<(
        std::thread::JoinHandle<()>,
        tokio::sync::oneshot::Sender<()>,
    )>,
}

impl Legacy {
    /// Starts on a free loopback port.
    pub(crate) fn start() -> Self {
        let mut legacy = Self {
            records: Arc::default(),
            addr: "127.0.0.1:0".parse().unwrap(),
            running: None,
        };
        legacy.run();
        legacy
    }

    fn run(&mut self) {
        let records = Arc::clone(&self.records);
        let listener = std::net::TcpListener::bind(self.addr).unwrap();
        listener.set_nonblocking(true).unwrap();
        self.addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            runtime().block_on(async move {
                let app = axum::Router::new()
                    .route("/legacy/nop-ho-so", axum::routing::post(receive))
                    .with_state(records)
                    .layer(axum::middleware::from_fn(cors));
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await
                    .unwrap();
            });
        });
        self.running = Some((thread, stop));
    }

    /// Where dossiers are posted.
    pub(crate) fn url(&self) -> String {
        format!("http://{}/legacy/nop-ho-so", self.addr)
    }

    /// Stops listening (the port is closed: connections are refused).
    pub(crate) fn stop(&mut self) {
        if let Some((thread, stop)) = self.running.take() {
            let _ = stop.send(());
            thread.join().unwrap();
        }
    }

    /// Listens again on the same port.
    pub(crate) fn restart(&mut self) {
        self.stop();
        self.run();
    }

    /// The requests received so far.
    pub(crate) fn received(&self) -> Vec<Received> {
        self.records.lock().unwrap().received.clone()
    }

    /// The dossiers kept (one per idempotency key).
    pub(crate) fn kept(&self) -> usize {
        self.records.lock().unwrap().kept.len()
    }
}

impl Drop for Legacy {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Answers preflights and lets the requesting origin read the answer.
async fn cors(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, Method, StatusCode, header};
    use axum::response::IntoResponse as _;
    let origin = request.headers().get(header::ORIGIN).cloned();
    let asked = request
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned();
    let mut response = if request.method() == Method::OPTIONS {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    if let Some(origin) = origin {
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("POST"),
        );
        if let Some(asked) = asked {
            headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked);
        }
        headers.insert(header::VARY, HeaderValue::from_static("origin"));
    }
    response
}

async fn receive(
    axum::extract::State(records): axum::extract::State<Arc<Mutex<Records>>>,
    headers: axum::http::HeaderMap,
    mut multipart: axum::extract::Multipart,
) -> axum::Json<Value> {
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.unwrap() {
        parts.push(Part {
            name: field.name().unwrap_or_default().to_owned(),
            filename: field.file_name().map(str::to_owned),
            bytes: field.bytes().await.unwrap().to_vec(),
        });
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let mut records = records.lock().unwrap();
    records.received.push(Received {
        idempotency_key: key.clone(),
        parts,
    });
    let reference = match records.kept.iter().find(|(k, _)| *k == key) {
        Some((_, r)) => r.clone(),
        None => {
            let r = format!("DNG-{:06}", records.kept.len() + 1);
            records.kept.push((key, r.clone()));
            r
        }
    };
    axum::Json(serde_json::json!({ "ket_qua": { "ma_ho_so": reference } }))
}
