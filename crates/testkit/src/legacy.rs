//! An existing one-stop backend, the kind the `multipart` adapter talks to:
//! it takes a dossier as one `multipart/form-data` POST and answers with the
//! office's reference in a JSON document of its own shape, keeping one
//! dossier per `Idempotency-Key`.
//!
//! Bodies are parsed with axum's multipart extractor (multer), not with our
//! own code, so the tests check the adapter against an independent parser.
//! It serves in process: as an [`axum::Router`] for a transport that calls
//! the router directly ([`Legacy::app`]), or on a loopback port that can be
//! stopped and opened again ([`Legacy::listen`]). It answers CORS for any
//! origin, as a backend opened to the app must, so browsers can post to it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// What a backend is like: where it takes dossiers and how it names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// The path dossiers are posted to (`/legacy/nop-ho-so`).
    pub path: &'static str,
    /// Where the reference stands in the answer, as a JSON pointer
    /// (`/ket_qua/ma_ho_so` answers `{"ket_qua": {"ma_ho_so": …}}`).
    pub reference_at: &'static str,
    /// What the references start with (`DNG-` gives `DNG-000001`, …).
    pub prefix: &'static str,
}

/// How the backend answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `200` with the dossier's reference, one per idempotency key.
    Accept,
    /// `200 {"ok":true}`: no reference.
    NoReference,
    /// This status with a problem document.
    Status(u16),
}

/// One part of a request the backend got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// One request the backend got.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    /// The `Idempotency-Key` header, empty if there was none.
    pub idempotency_key: String,
    pub parts: Vec<Part>,
}

#[derive(Debug)]
struct Records {
    mode: Mode,
    received: Vec<Received>,
    /// Idempotency keys of the dossiers kept, with their references.
    kept: Vec<(String, String)>,
}

#[derive(Debug)]
struct Shared {
    dialect: Dialect,
    records: Mutex<Records>,
}

impl Shared {
    /// The records, even after a test thread panicked holding them.
    fn records(&self) -> MutexGuard<'_, Records> {
        self.records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The backend (see the [module docs](self)); stops listening when dropped.
#[derive(Debug)]
pub struct Legacy {
    shared: Arc<Shared>,
    /// The port, once it listened: it listens on the same one again.
    addr: Option<SocketAddr>,
    running: Option<(JoinHandle<()>, tokio::sync::oneshot::Sender<()>)>,
}

impl Legacy {
    /// A backend of `dialect`, not listening yet, accepting dossiers.
    pub fn new(dialect: Dialect) -> Self {
        Self {
            shared: Arc::new(Shared {
                dialect,
                records: Mutex::new(Records {
                    mode: Mode::Accept,
                    received: Vec::new(),
                    kept: Vec::new(),
                }),
            }),
            addr: None,
            running: None,
        }
    }

    /// A backend of `dialect` listening on a free loopback port.
    pub fn start(dialect: Dialect) -> Self {
        let mut legacy = Self::new(dialect);
        legacy.listen();
        legacy
    }

    /// The backend as a router, for a transport that calls it directly.
    pub fn app(&self) -> axum::Router {
        axum::Router::new()
            .route(self.shared.dialect.path, axum::routing::post(receive))
            .with_state(Arc::clone(&self.shared))
            .layer(axum::middleware::from_fn(cors))
    }

    /// Listens on a loopback port, in a thread of its own: a free one the
    /// first time, the same one after [`stop`](Self::stop).
    ///
    /// # Panics
    ///
    /// When the port cannot be bound.
    pub fn listen(&mut self) {
        if self.running.is_some() {
            return;
        }
        let addr = self.addr.unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0)));
        let listener = std::net::TcpListener::bind(addr)
            .unwrap_or_else(|e| panic!("legacy backend: binding {addr}: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("legacy backend: no local address: {e}"));
        listener
            .set_nonblocking(true)
            .unwrap_or_else(|e| panic!("legacy backend: {e}"));
        self.addr = Some(addr);
        let app = self.app();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap_or_else(|e| panic!("legacy backend: no runtime: {e}"));
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener)
                    .unwrap_or_else(|e| panic!("legacy backend: {e}"));
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await
                    .unwrap_or_else(|e| panic!("legacy backend: serving: {e}"));
            });
        });
        self.running = Some((thread, stop));
    }

    /// Where dossiers are posted.
    ///
    /// # Panics
    ///
    /// When the backend never listened.
    pub fn url(&self) -> String {
        let addr = self
            .addr
            .unwrap_or_else(|| panic!("legacy backend: url() before listen()"));
        format!("http://{addr}{}", self.shared.dialect.path)
    }

    /// Stops listening (the port is closed: connections are refused).
    pub fn stop(&mut self) {
        if let Some((thread, stop)) = self.running.take() {
            let _ = stop.send(());
            // A panic in the server thread was already printed.
            let _ = thread.join();
        }
    }

    /// Listens again on the same port.
    pub fn restart(&mut self) {
        self.stop();
        self.listen();
    }

    /// Changes how the backend answers from now on.
    pub fn set_mode(&self, mode: Mode) {
        self.shared.records().mode = mode;
    }

    /// The requests received so far.
    pub fn received(&self) -> Vec<Received> {
        self.shared.records().received.clone()
    }

    /// How many dossiers it keeps (one per idempotency key).
    pub fn kept(&self) -> usize {
        self.shared.records().kept.len()
    }
}

impl Drop for Legacy {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Answers preflights and lets the requesting origin read the answer.
async fn cors(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
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

/// `{"a": {"b": reference}}` for the pointer `/a/b`.
fn answer(pointer: &str, reference: &str) -> Value {
    pointer
        .rsplit('/')
        .filter(|key| !key.is_empty())
        .fold(Value::from(reference), |inner, key| json!({ key: inner }))
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let mut parts = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes.to_vec(),
            Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
        };
        parts.push(Part {
            name,
            filename,
            content_type,
            bytes,
        });
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let mut records = shared.records();
    records.received.push(Received {
        headers,
        idempotency_key: key.clone(),
        parts,
    });
    match records.mode {
        Mode::Status(status) => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            [(header::CONTENT_TYPE, "application/problem+json")],
            r#"{"type":"/problems/refused","detail":"no"}"#,
        )
            .into_response(),
        Mode::NoReference => axum::Json(json!({"ok": true})).into_response(),
        Mode::Accept => {
            let reference = match records.kept.iter().find(|(k, _)| *k == key) {
                Some((_, r)) => r.clone(),
                None => {
                    let r = format!("{}{:06}", shared.dialect.prefix, records.kept.len() + 1);
                    records.kept.push((key, r.clone()));
                    r
                }
            };
            axum::Json(answer(shared.dialect.reference_at, &reference)).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::answer;

    #[test]
    fn the_reference_stands_where_the_pointer_says() {
        assert_eq!(
            answer("/ket_qua/ma_ho_so", "DNG-000001").to_string(),
            r#"{"ket_qua":{"ma_ho_so":"DNG-000001"}}"#
        );
        assert_eq!(answer("/ref", "x").to_string(), r#"{"ref":"x"}"#);
    }
}
