//! The page's side of the web worker: one worker for the whole app, spawned
//! on first use. Each job has its own async function here, which returns
//! that job's output or a [`JobError`]; progress goes to a callback. The
//! messages are in [`crate::jobs`]; what the worker does with them, in
//! [`crate::worker`].

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::oneshot;
use gloo::worker::{Spawnable, WorkerBridge};
use motcua_forms::{AttachmentRule, Lang};
use motcua_protocol::Limits as OfficeLimits;
use motcua_scan::Settings;
use yew::Callback;

use crate::jobs::{
    AssemblePdf, AssembledPdf, CheckPdf, CheckedPdf, CreateKey, Envelope, Event, ImportKey, Job,
    JobError, ManifestParts, NewKey, PrepareManifest, PreparedManifest, ReceiptPdf, Response,
    ScanPage, ScannedPage, Seal, SendEntry, VerifyDirectory,
};
use crate::worker::Engine;

/// Where Trunk puts the worker's script (worker outputs are not hashed).
const WORKER_SCRIPT: &str = "/motcua-worker.js";
/// The same worker built with wasm SIMD (`cargo xtask build`), about 1.5×
/// faster on photos; browsers without wasm SIMD (iOS before 16.4) cannot
/// compile it.
const WORKER_SCRIPT_SIMD: &str = "/motcua-worker-simd.js";

/// A module with one function using a SIMD instruction (`i8x16.splat`,
/// `i8x16.popcnt`): it validates where wasm SIMD is supported.
const SIMD_PROBE: [u8; 31] = [
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253,
    15, 253, 98, 11,
];

/// The worker's script for this browser: the SIMD build where wasm SIMD is
/// supported. The service worker makes the same choice for its precache.
pub(crate) fn worker_script() -> &'static str {
    let probe = js_sys::Uint8Array::from(&SIMD_PROBE[..]);
    match js_sys::WebAssembly::validate(&probe) {
        Ok(true) => WORKER_SCRIPT_SIMD,
        _ => WORKER_SCRIPT,
    }
}

struct Pending {
    progress: Option<Callback<(u64, u64)>>,
    done: oneshot::Sender<Response>,
}

struct Client {
    bridge: WorkerBridge<Engine>,
    pending: Rc<RefCell<HashMap<u32, Pending>>>,
    next: Cell<u32>,
}

thread_local! {
    static CLIENT: RefCell<Option<Rc<Client>>> = const { RefCell::new(None) };
}

fn client() -> Rc<Client> {
    CLIENT.with(|slot| {
        if let Some(client) = slot.borrow().as_ref() {
            return Rc::clone(client);
        }
        let pending: Rc<RefCell<HashMap<u32, Pending>>> = Rc::default();
        let route = Rc::clone(&pending);
        let bridge = Engine::spawner()
            .callback(move |event: Event| match event {
                Event::Progress { job, done, total } => {
                    if let Some(p) = route.borrow().get(&job).and_then(|p| p.progress.clone()) {
                        p.emit((done, total));
                    }
                }
                Event::Done { job, response } => {
                    if let Some(p) = route.borrow_mut().remove(&job) {
                        let _ = p.done.send(response);
                    }
                }
            })
            .spawn(worker_script());
        let client = Rc::new(Client {
            bridge,
            pending,
            next: Cell::new(1),
        });
        *slot.borrow_mut() = Some(Rc::clone(&client));
        client
    })
}

/// Runs `job` in the worker; `progress` hears `(done, total)` on the way.
async fn call<J: Job>(
    job: J,
    progress: Option<Callback<(u64, u64)>>,
) -> Result<J::Output, JobError> {
    let client = client();
    let id = client.next.get();
    client.next.set(id.wrapping_add(1));
    let (done, response) = oneshot::channel();
    client
        .pending
        .borrow_mut()
        .insert(id, Pending { progress, done });
    client.bridge.send(Envelope {
        id,
        request: job.into(),
    });
    // A worker that dies (out of memory on a huge photo) never answers; the
    // citizen is told rather than left waiting.
    let deadline = gloo::timers::future::TimeoutFuture::new(JOB_DEADLINE_MS);
    match futures::future::select(response, deadline).await {
        futures::future::Either::Left((Ok(response), _)) => {
            J::output(response).unwrap_or_else(|| Err(JobError::mismatched()))
        }
        futures::future::Either::Left((Err(_), _)) | futures::future::Either::Right(_) => {
            client.pending.borrow_mut().remove(&id);
            Err(JobError::stopped())
        }
    }
}

/// A key to put in the device's key store: made here, or imported.
#[derive(Debug, Clone)]
pub(crate) enum KeyJob {
    Create(CreateKey),
    Import(ImportKey),
}

/// Makes or imports a key, encrypted under the passphrase given.
pub(crate) async fn make_key(job: KeyJob) -> Result<NewKey, JobError> {
    match job {
        KeyJob::Create(job) => call(job, None).await,
        KeyJob::Import(job) => call(job, None).await,
    }
}

/// Builds the manifest of `parts` (with a new id, made at `now`, Unix
/// seconds): its canonical bytes, hash and id.
pub(crate) async fn prepare_manifest(
    parts: ManifestParts,
    now: i64,
) -> Result<PreparedManifest, JobError> {
    call(PrepareManifest { parts, now }, None).await
}

/// Seals canonical manifest bytes with a key file; the sealed dossier's JSON.
pub(crate) async fn seal(
    key_file: Vec<u8>,
    passphrase: String,
    manifest: Vec<u8>,
    now: i64,
) -> Result<Vec<u8>, JobError> {
    let job = Seal {
        key_file,
        passphrase,
        manifest,
        now,
    };
    call(job, None).await.map(|sealed| sealed.dossier)
}

/// Turns one photo into an A4 page; `progress` hears its stages.
pub(crate) async fn scan_page(
    bytes: Vec<u8>,
    settings: Settings,
    rule: AttachmentRule,
    office: OfficeLimits,
    progress: Callback<(u64, u64)>,
) -> Result<ScannedPage, JobError> {
    let job = ScanPage {
        bytes,
        settings,
        rule,
        office,
    };
    call(job, Some(progress)).await
}

/// Puts page images (JPEG) into one PDF titled `title`.
pub(crate) async fn assemble_pdf(
    pages: Vec<Vec<u8>>,
    title: String,
    rule: AttachmentRule,
    office: OfficeLimits,
    dossier_bytes_used: u64,
) -> Result<AssembledPdf, JobError> {
    let job = AssemblePdf {
        pages,
        title,
        rule,
        office,
        dossier_bytes_used,
    };
    call(job, None).await
}

/// Checks a PDF the citizen gave: its pages and hash.
pub(crate) async fn check_pdf(
    bytes: Vec<u8>,
    rule: AttachmentRule,
    office: OfficeLimits,
    dossier_bytes_used: u64,
) -> Result<CheckedPdf, JobError> {
    let job = CheckPdf {
        bytes,
        rule,
        office,
        dossier_bytes_used,
    };
    call(job, None).await
}

/// Sends outbox entry `id` (at once with a fresh count when `now`); how it
/// ended is in the entry in device storage.
pub(crate) async fn send_entry(
    id: String,
    now: bool,
    progress: Callback<(u64, u64)>,
) -> Result<(), JobError> {
    call(SendEntry { id, now }, Some(progress)).await.map(drop)
}

/// Checks a signed office directory against the pinned publisher keys at
/// `now` (Unix seconds); the directory's JSON.
pub(crate) async fn verify_directory(
    signed: Vec<u8>,
    pins: Vec<u8>,
    now: i64,
) -> Result<Vec<u8>, JobError> {
    call(VerifyDirectory { signed, pins, now }, None)
        .await
        .map(|verified| verified.json)
}

/// Lays out the printable receipt.
pub(crate) async fn receipt_pdf(
    slip: motcua_receipt::Slip,
    font: Vec<u8>,
    lang: Lang,
) -> Result<Vec<u8>, JobError> {
    let job = ReceiptPdf {
        slip: Box::new(slip),
        font,
        lang,
    };
    call(job, None).await.map(|pdf| pdf.bytes)
}

/// Longest a job may take: a 48 MP photo on a slow phone, or PBKDF2.
const JOB_DEADLINE_MS: u32 = 180_000;
