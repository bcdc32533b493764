//! A real intake server in process, reached through a transport that
//! injects faults, with a fake clock; and attachments in memory. Test PDFs,
//! the procedures and the legacy receiver come from `motcua-testkit`.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use http_body_util::BodyExt;
use motcua_dossier::{
    Attachment, Manifest, MediaType, SealedDossier, Sha256, SigningKey, Timestamp,
};
use motcua_intake::{AppState, Catalog, Config, RateLimit, SqliteStorage};
use motcua_testkit::legacy::Dialect;
use motcua_testkit::pdf::{Layout, OnePagePdf};
use motcua_testkit::procedures;
use tower::ServiceExt;

use crate::transport::{
    Attachments, FileRef, Method, NetworkError, NetworkErrorKind, Request, Response, Transport,
};
use crate::{Endpoint, Error};

pub(crate) const BASE: &str = "http://office.test";
pub(crate) const PERSONAL_ID: &str = "001093012345";

/// An intake server on SQLite in a temporary directory.
pub(crate) struct Office {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) app: axum::Router,
    pub(crate) state: AppState,
}

impl Office {
    pub(crate) async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dist.join("index.html"), "<!doctype html>").unwrap();
        let catalog = Catalog::from_dir(&procedures::dir()).unwrap();
        let data = dir.path().join("data");
        let storage = SqliteStorage::open(&data).unwrap();
        let mut config = Config::new(([127, 0, 0, 1], 0).into(), data, dist);
        config.rate_limit = RateLimit::OFF;
        config.lookup_rate_limit = RateLimit::OFF;
        let state = AppState::open(Arc::new(storage), catalog, &config)
            .await
            .unwrap();
        Self {
            app: motcua_intake::router(state.clone()),
            dir,
            state,
        }
    }

    pub(crate) async fn dossiers(&self) -> u64 {
        self.state.storage().dossier_count().await.unwrap()
    }

    pub(crate) fn blob_path(&self, sha256: &Sha256) -> std::path::PathBuf {
        let hex = sha256.to_string();
        self.dir
            .path()
            .join("data/blobs/sha256")
            .join(&hex[..2])
            .join(hex)
    }
}

/// What the transport does to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Inject {
    /// Nothing: pass it on.
    Pass,
    /// The request never reaches the server.
    Refuse,
    /// The server handles it, but the answer is lost.
    LoseAnswer,
    /// Only the first `n` body bytes reach the server, then the connection breaks.
    Cut(usize),
    /// One body byte is changed on the way.
    Corrupt,
    /// A proxy answers with this status instead of the server.
    Status(u16, Option<u64>),
}

type Rule = Box<dyn Fn(&Request, usize) -> Inject>;
type Rewrite = Box<dyn Fn(&Request, Response) -> Response>;

/// The transport: routes requests into the office's router.
pub(crate) struct Faulty {
    app: axum::Router,
    rule: Rule,
    rewrite: Option<Rewrite>,
    pub(crate) clock: Cell<u64>,
    pub(crate) slept: RefCell<Vec<u64>>,
    pub(crate) log: RefCell<Vec<(Method, String, String)>>,
    count: Cell<usize>,
}

impl Faulty {
    pub(crate) fn new(office: &Office, rule: impl Fn(&Request, usize) -> Inject + 'static) -> Self {
        Self::to(office.app.clone(), rule)
    }

    /// A transport into any router (whatever the URL's origin).
    pub(crate) fn to(
        app: axum::Router,
        rule: impl Fn(&Request, usize) -> Inject + 'static,
    ) -> Self {
        Self {
            app,
            rule: Box::new(rule),
            rewrite: None,
            clock: Cell::new(1_800_000_000_000),
            slept: RefCell::new(Vec::new()),
            log: RefCell::new(Vec::new()),
            count: Cell::new(0),
        }
    }

    pub(crate) fn reliable(office: &Office) -> Self {
        Self::new(office, |_, _| Inject::Pass)
    }

    /// Changes the server's answers on their way back.
    pub(crate) fn rewriting(
        mut self,
        rewrite: impl Fn(&Request, Response) -> Response + 'static,
    ) -> Self {
        self.rewrite = Some(Box::new(rewrite));
        self
    }

    pub(crate) fn requests(&self, method: Method) -> usize {
        self.log
            .borrow()
            .iter()
            .filter(|(m, _, _)| *m == method)
            .count()
    }

    async fn forward(&self, request: &Request, body: Body) -> Response {
        // The path after the origin: every origin leads to this router.
        let after_scheme = request.url.split_once("://").map_or("", |(_, r)| r);
        let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
        let mut builder = axum::http::Request::builder()
            .method(request.method.as_str())
            .uri(path);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let response = self
            .app
            .clone()
            .oneshot(builder.body(body).unwrap())
            .await
            .unwrap();
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_owned()))
            .collect();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Response {
            status,
            headers,
            body: body.to_vec(),
        }
    }
}

impl Transport for Faulty {
    async fn send(&self, request: Request) -> Result<Response, NetworkError> {
        let n = self.count.get();
        self.count.set(n + 1);
        let inject = (self.rule)(&request, n);
        let outcome = match &inject {
            Inject::Pass => Ok(self
                .forward(&request, Body::from(request.body.clone()))
                .await),
            Inject::Refuse => Err(NetworkError::new(NetworkErrorKind::Connect, "refused")),
            Inject::LoseAnswer => {
                let _ = self
                    .forward(&request, Body::from(request.body.clone()))
                    .await;
                Err(NetworkError::new(
                    NetworkErrorKind::Interrupted,
                    "answer lost",
                ))
            }
            Inject::Cut(keep) => {
                let head = Bytes::from(request.body[..(*keep).min(request.body.len())].to_vec());
                let stream = futures_stream(head);
                let _ = self.forward(&request, Body::from_stream(stream)).await;
                Err(NetworkError::new(NetworkErrorKind::Interrupted, "cut"))
            }
            Inject::Corrupt => {
                let mut body = request.body.clone();
                let middle = body.len() / 2;
                if let Some(b) = body.get_mut(middle) {
                    *b ^= 0x55;
                }
                Ok(self.forward(&request, Body::from(body)).await)
            }
            Inject::Status(status, retry_after) => Ok(Response {
                status: *status,
                headers: retry_after
                    .map(|s| vec![("Retry-After".to_owned(), s.to_string())])
                    .unwrap_or_default(),
                body: b"<html>proxy error</html>".to_vec(),
            }),
        };
        let outcome = match (outcome, &self.rewrite) {
            (Ok(response), Some(rewrite)) => Ok(rewrite(&request, response)),
            (other, _) => other,
        };
        let shown = match &outcome {
            Ok(r) => r.status.to_string(),
            Err(e) => format!("{:?}", e.kind),
        };
        self.log
            .borrow_mut()
            .push((request.method, request.url.clone(), shown));
        outcome
    }

    async fn sleep(&self, duration: Duration) {
        let ms = duration.as_millis() as u64;
        self.slept.borrow_mut().push(ms);
        self.clock.set(self.clock.get() + ms);
    }

    fn now_ms(&self) -> u64 {
        // Each look at the clock moves it a little, as real time would.
        self.clock.set(self.clock.get() + 1);
        self.clock.get()
    }
}

/// A body that yields `head`, then breaks like a lost connection.
fn futures_stream(head: Bytes) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> {
    futures::stream::iter(vec![
        Ok(head),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "connection lost",
        )),
    ])
}

/// Attachments in memory, by SHA-256.
#[derive(Debug, Default, Clone)]
pub(crate) struct Memory {
    pub(crate) files: HashMap<Sha256, Vec<u8>>,
}

impl Attachments for Memory {
    async fn read(&self, file: &FileRef<'_>, offset: u64, len: usize) -> Result<Vec<u8>, Error> {
        let bytes = self
            .files
            .get(file.sha256)
            .ok_or_else(|| Error::AttachmentUnreadable {
                name: file.name.to_string(),
                reason: "not in memory".into(),
            })?;
        let start = (offset as usize).min(bytes.len());
        let end = (start + len).min(bytes.len());
        Ok(bytes[start..end].to_vec())
    }
}

/// A deterministic roll of the dice for request `n` (SplitMix64).
pub(crate) fn dice(n: usize) -> u64 {
    let mut z = (n as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A one-page PDF of exactly `size` bytes (or the smallest one), different
/// for every `seed` (the office sniffs what it receives and counts its
/// pages): the bare layout, without cross-reference table.
pub(crate) fn pdf(size: usize, seed: u8) -> Vec<u8> {
    OnePagePdf::new(seed.into())
        .layout(Layout::Bare)
        .len(size)
        .build()
}

/// A birth registration with `files` as birth certificates, sealed with a
/// fresh device key for office 00004.
pub(crate) fn seal(files: &[&[u8]]) -> (Vec<u8>, Manifest, Memory) {
    seal_for("00004", files)
}

/// A birth registration for `office` with `files` as birth certificates,
/// sealed with a fresh device key.
pub(crate) fn seal_for(office: &str, files: &[&[u8]]) -> (Vec<u8>, Manifest, Memory) {
    let mut memory = Memory::default();
    let attachments = files
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            memory.files.insert(Sha256::digest(bytes), bytes.to_vec());
            Attachment::from_bytes(
                "birth_certificate".parse().unwrap(),
                format!("giay-chung-sinh-{i}.pdf").parse().unwrap(),
                MediaType::pdf(),
                Some(1),
                bytes,
            )
        })
        .collect();
    let manifest = procedures::birth_manifest(
        office,
        procedures::birth_form(Some(PERSONAL_ID)),
        attachments,
        Timestamp::from_unix(1_795_600_000).unwrap(),
        "motcua-test/1",
    );
    let key = SigningKey::generate_device_key().unwrap();
    let sealed = SealedDossier::seal(manifest.clone(), &key, Timestamp::now()).unwrap();
    (sealed.to_json(), manifest, memory)
}

pub(crate) fn endpoint() -> Endpoint {
    BASE.parse().unwrap()
}

/// The legacy receiver of the sample directory's multipart office: a POST
/// at `/api/nop-ho-so`, answered `{"data": {"maHoSo": "DN-<n>"}}`.
pub(crate) const LEGACY: Dialect = Dialect {
    path: "/api/nop-ho-so",
    reference_at: "/data/maHoSo",
    prefix: "DN-",
};
