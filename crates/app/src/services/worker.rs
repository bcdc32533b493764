//! The page's side of the web worker: one worker for the whole app, spawned
//! on first use; each job gets an id, its progress goes to a callback and its
//! outcome to the future that [`run`] returns.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::oneshot;
use gloo::worker::{Spawnable, WorkerBridge};
use motcua_forms::LocalizedText;
use yew::Callback;

use crate::worker::{Engine, Event, Job, Outcome, Task};

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
    done: oneshot::Sender<Outcome>,
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
                Event::Done { job, outcome } => {
                    if let Some(p) = route.borrow_mut().remove(&job) {
                        let _ = p.done.send(outcome);
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

/// Runs `task` in the worker; `progress` hears `(done, total)` on the way.
pub(crate) async fn run(task: Task, progress: Option<Callback<(u64, u64)>>) -> Outcome {
    let client = client();
    let id = client.next.get();
    client.next.set(id.wrapping_add(1));
    let (done, outcome) = oneshot::channel();
    client
        .pending
        .borrow_mut()
        .insert(id, Pending { progress, done });
    client.bridge.send(Job { id, task });
    // A worker that dies (out of memory on a huge photo) never answers; the
    // citizen is told rather than left waiting.
    let deadline = gloo::timers::future::TimeoutFuture::new(JOB_DEADLINE_MS);
    let stopped = || Outcome::Failed {
        code: "worker_stopped".into(),
        message: LocalizedText::new(
            "Tiến trình xử lý nền không trả lời. Hãy tải lại trang rồi thử lại.",
            "The background worker did not answer. Reload the page and try again.",
        ),
    };
    match futures::future::select(outcome, deadline).await {
        futures::future::Either::Left((Ok(outcome), _)) => outcome,
        futures::future::Either::Left((Err(_), _)) | futures::future::Either::Right(_) => {
            client.pending.borrow_mut().remove(&id);
            stopped()
        }
    }
}

/// Longest a job may take: a 48 MP photo on a slow phone, or PBKDF2.
const JOB_DEADLINE_MS: u32 = 180_000;
