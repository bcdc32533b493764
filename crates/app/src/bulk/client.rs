//! The page's side of the bulk worker. The bulk screen spawns its own
//! worker when it opens and drops it when it closes (gloo-worker terminates
//! a worker when its last bridge goes), so the sheet's memory is given back
//! and no other screen ever downloads the spreadsheet code.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::oneshot;
use gloo::worker::{Spawnable, WorkerBridge};
use yew::Callback;

use crate::bulk::engine::BulkEngine;
use crate::bulk::jobs::{BulkEnvelope, BulkEvent, BulkJob, BulkResponse, Json};
use crate::jobs::JobError;

/// Where Trunk puts the bulk worker's script (worker outputs are not hashed).
const BULK_WORKER_SCRIPT: &str = "/motcua-bulk-worker.js";

/// Longest a job may take: checking the largest sheet the limits allow on a
/// slow phone.
const DEADLINE_MS: u32 = 600_000;

struct Pending {
    progress: Option<Callback<(u64, u64)>>,
    done: oneshot::Sender<BulkResponse>,
}

struct Inner {
    bridge: WorkerBridge<BulkEngine>,
    pending: Rc<RefCell<HashMap<u32, Pending>>>,
    next: Cell<u32>,
}

/// A bulk worker, shared by the bulk screen's components.
#[derive(Clone)]
pub(crate) struct BulkClient {
    inner: Rc<Inner>,
}

impl PartialEq for BulkClient {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl std::fmt::Debug for BulkClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BulkClient")
    }
}

impl BulkClient {
    /// Starts a bulk worker.
    pub(crate) fn spawn() -> Self {
        let pending: Rc<RefCell<HashMap<u32, Pending>>> = Rc::default();
        let route = Rc::clone(&pending);
        let bridge = BulkEngine::spawner()
            .encoding::<Json>()
            .callback(move |event: BulkEvent| match event {
                BulkEvent::Progress { job, done, total } => {
                    if let Some(p) = route.borrow().get(&job).and_then(|p| p.progress.clone()) {
                        p.emit((done, total));
                    }
                }
                BulkEvent::Done { job, response } => {
                    if let Some(p) = route.borrow_mut().remove(&job) {
                        let _ = p.done.send(response);
                    }
                }
            })
            .spawn(BULK_WORKER_SCRIPT);
        Self {
            inner: Rc::new(Inner {
                bridge,
                pending,
                next: Cell::new(1),
            }),
        }
    }

    /// Runs `job` in the worker; `progress` hears `(done, total)` on the way.
    pub(crate) async fn call<J: BulkJob>(
        &self,
        job: J,
        progress: Option<Callback<(u64, u64)>>,
    ) -> Result<J::Output, JobError> {
        let inner = &self.inner;
        let id = inner.next.get();
        inner.next.set(id.wrapping_add(1));
        let (done, response) = oneshot::channel();
        inner
            .pending
            .borrow_mut()
            .insert(id, Pending { progress, done });
        inner.bridge.send(BulkEnvelope {
            id,
            request: job.into(),
        });
        // A worker that dies (out of memory on a huge sheet) or whose script
        // cannot be had (offline before its first use) never answers.
        let deadline = gloo::timers::future::TimeoutFuture::new(DEADLINE_MS);
        match futures::future::select(response, deadline).await {
            futures::future::Either::Left((Ok(response), _)) => {
                J::output(response).unwrap_or_else(|| Err(JobError::mismatched()))
            }
            futures::future::Either::Left((Err(_), _)) | futures::future::Either::Right(_) => {
                inner.pending.borrow_mut().remove(&id);
                Err(JobError::stopped())
            }
        }
    }
}
