//! Sending outbox entries, in the worker: the shared protocol client
//! (motcua-submit) over the browser's `fetch`, reading attachment bytes from
//! device storage, writing every step back to the outbox so a reload resumes.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use js_sys::Uint8Array;
use motcua_forms::LocalizedText;
use motcua_submit::{
    Attachments, Client, Endpoint, Event, FileRef, Method, NetworkError, NetworkErrorKind,
    OutboxEntry as Protocol, Policy, Request, Response, Transport,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::services::outbox::{self, Delivery, OutboxEntry, SendState};
use crate::services::store::{Area, Store};

/// Longest a single HTTP request may take before it counts as failed (a
/// chunk on a slow 3G link takes seconds, not minutes).
const REQUEST_TIMEOUT_MS: i32 = 60_000;
/// Bytes per upload request.
const CHUNK_BYTES: usize = 128 * 1024;

/// `fetch` from whichever global scope this runs in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FetchTransport;

fn global_fetch(request: &web_sys::Request) -> Result<js_sys::Promise, JsValue> {
    let global = js_sys::global();
    let fetch = js_sys::Reflect::get(&global, &JsValue::from_str("fetch"))?;
    let fetch: js_sys::Function = fetch.dyn_into()?;
    fetch.call1(&global, request)?.dyn_into()
}

fn online() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("navigator"))
        .ok()
        .and_then(|n| js_sys::Reflect::get(&n, &JsValue::from_str("onLine")).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(true)
}

impl Transport for FetchTransport {
    async fn send(&self, request: Request) -> Result<Response, NetworkError> {
        let failed = |kind, e: JsValue| NetworkError::new(kind, format!("{e:?}"));
        if !online() {
            return Err(NetworkError::new(
                NetworkErrorKind::Offline,
                "the device is offline",
            ));
        }
        let init = web_sys::RequestInit::new();
        init.set_method(request.method.as_str());
        let headers = web_sys::Headers::new().map_err(|e| failed(NetworkErrorKind::Other, e))?;
        for (name, value) in &request.headers {
            headers
                .set(name, value)
                .map_err(|e| failed(NetworkErrorKind::Other, e))?;
        }
        init.set_headers(&headers);
        if !request.body.is_empty()
            && request.method != Method::Get
            && request.method != Method::Head
        {
            init.set_body(&Uint8Array::from(request.body.as_slice()));
        }
        let controller =
            web_sys::AbortController::new().map_err(|e| failed(NetworkErrorKind::Other, e))?;
        init.set_signal(Some(&controller.signal()));
        let timeout = gloo::timers::callback::Timeout::new(REQUEST_TIMEOUT_MS as u32, move || {
            controller.abort()
        });
        let req = web_sys::Request::new_with_str_and_init(&request.url, &init)
            .map_err(|e| failed(NetworkErrorKind::Other, e))?;
        let promise = global_fetch(&req).map_err(|e| failed(NetworkErrorKind::Other, e))?;
        let response = JsFuture::from(promise).await.map_err(|e| {
            let aborted = e
                .dyn_ref::<js_sys::Error>()
                .is_some_and(|e| e.name() == "AbortError");
            let kind = if aborted {
                NetworkErrorKind::Timeout
            } else if !online() {
                NetworkErrorKind::Offline
            } else {
                NetworkErrorKind::Connect
            };
            failed(kind, e)
        })?;
        let response: web_sys::Response = response
            .dyn_into()
            .map_err(|e| failed(NetworkErrorKind::Other, e))?;
        let mut names = Vec::new();
        if let Ok(Some(iter)) = js_sys::try_iter(&response.headers()) {
            for pair in iter.flatten() {
                let pair: js_sys::Array = pair.unchecked_into();
                if let (Some(n), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                    names.push((n, v));
                }
            }
        }
        let body = match response.array_buffer() {
            Ok(promise) => JsFuture::from(promise)
                .await
                .map(|buffer| Uint8Array::new(&buffer).to_vec())
                .map_err(|e| failed(NetworkErrorKind::Interrupted, e))?,
            Err(e) => return Err(failed(NetworkErrorKind::Interrupted, e)),
        };
        drop(timeout);
        Ok(Response {
            status: response.status(),
            headers: names,
            body,
        })
    }

    async fn sleep(&self, duration: Duration) {
        gloo::timers::future::sleep(duration).await;
    }

    fn now_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }
}

/// Attachment bytes from device storage, by SHA-256.
#[derive(Debug, Clone)]
pub(crate) struct StoredFiles {
    store: Store,
}

impl Attachments for StoredFiles {
    async fn read(
        &self,
        file: &FileRef<'_>,
        offset: u64,
        len: usize,
    ) -> Result<Vec<u8>, motcua_submit::Error> {
        let key = file.sha256.to_string();
        let missing = || motcua_submit::Error::AttachmentUnreadable {
            name: file.name.to_string(),
            reason: "the file is no longer in this device's storage".into(),
        };
        let bytes = self
            .store
            .get_bytes(Area::Files, &key)
            .await
            .ok()
            .flatten()
            .ok_or_else(missing)?;
        let start = (offset as usize).min(bytes.len());
        let end = start.saturating_add(len).min(bytes.len());
        Ok(bytes[start..end].to_vec())
    }
}

/// Sends outbox entry `id` until the office acknowledges it or it fails for
/// now; `progress` hears `(sent, total)` bytes. Returns where it ended.
pub(crate) async fn send(id: &str, now: bool, progress: impl Fn(u64, u64) + 'static) -> Delivery {
    let failed = |vi: &str, en: &str| Delivery::Failed {
        message: LocalizedText::new(vi, en),
        retryable: false,
        next_attempt_at: None,
    };
    let Ok(store) = Store::open().await else {
        return failed(
            "Không mở được bộ nhớ thiết bị.",
            "Device storage could not be opened.",
        );
    };
    let Ok(Some(entry)) = outbox::get(id).await else {
        return failed(
            "Không có hồ sơ này trong hộp thư đi.",
            "This dossier is not in the outbox.",
        );
    };
    let protocol = match entry.state() {
        SendState::Client(protocol) => Some((**protocol).clone()),
        // Not begun, or an earlier app's view without a readable client
        // state: begin afresh, as that app did.
        SendState::Sealed | SendState::Refused { .. } | SendState::Shown(_) => None,
    };
    let protocol = match protocol {
        // A stopped entry goes on where it stopped: at once with a fresh
        // count when the citizen asked, else keeping the count (backoff).
        Some(Protocol::Failed(failed)) if now => failed.retry(),
        Some(Protocol::Failed(failed)) => failed.resume(),
        Some(other) => other,
        None => {
            // The office's directory entry names its backend and adapter;
            // without one, the office is the server that serves the app.
            let office = entry
                .office_entry
                .as_deref()
                .map(serde_json::from_str::<motcua_submit::OfficeEntry>);
            let made = match (office, entry.endpoint.parse::<Endpoint>()) {
                (Some(Ok(office)), _) => Protocol::for_office(&office, entry.dossier.as_bytes()),
                (Some(Err(e)), _) => Err(motcua_submit::Error::DirectoryMalformed {
                    detail: e.to_string(),
                }),
                (None, Ok(endpoint)) => Protocol::new(endpoint, entry.dossier.as_bytes()),
                (None, Err(err)) => Err(err),
            };
            match made {
                Ok(protocol) => protocol,
                Err(err) => {
                    let mut entry = entry;
                    entry.set_state(SendState::Refused {
                        message: err.message(),
                    });
                    let _ = outbox::put(&entry).await;
                    return entry.delivery().clone();
                }
            }
        }
    };
    let client = Client::new(FetchTransport, StoredFiles { store })
        // Phones on 3G: a lost chunk costs a second or two, not a minute.
        .with_policy(Policy {
            chunk_bytes: CHUNK_BYTES,
            // A few quick tries, then the page schedules the next round
            // (at the growing backoff time, when back online, or when the
            // citizen asks), so the worker is never stuck in a long wait.
            max_attempts: 3,
            ..Policy::default()
        })
        .on_event(move |event| {
            if let Event::Progress { sent, total, .. } = event {
                progress(*sent, *total);
            }
        });
    let record = Rc::new(RefCell::new(entry));
    let writer = Writer::default();
    let last = {
        let record = Rc::clone(&record);
        let writer = writer.clone();
        client
            .run(protocol, move |state| {
                let mut entry = record.borrow_mut();
                entry.set_state(SendState::Client(Box::new(state.clone())));
                writer.write(entry.clone());
            })
            .await
    };
    let mut entry = record.borrow().clone();
    entry.set_state(SendState::Client(Box::new(last)));
    writer.write(entry.clone());
    writer.drained().await;
    entry.delivery().clone()
}

/// Writes outbox states to device storage one after another, newest last:
/// the protocol client reports states synchronously, storage is
/// asynchronous, and an older state must never land after a newer one.
#[derive(Debug, Clone, Default)]
struct Writer {
    inner: Rc<RefCell<WriterState>>,
}

#[derive(Debug, Default)]
struct WriterState {
    /// The newest state not yet written.
    pending: Option<OutboxEntry>,
    /// Whether a write loop is running.
    running: bool,
}

impl Writer {
    fn write(&self, entry: OutboxEntry) {
        let mut state = self.inner.borrow_mut();
        state.pending = Some(entry);
        if state.running {
            return;
        }
        state.running = true;
        let inner = Rc::clone(&self.inner);
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                let next = inner.borrow_mut().pending.take();
                let Some(entry) = next else { break };
                let _ = outbox::put(&entry).await;
            }
            inner.borrow_mut().running = false;
        });
    }

    /// Waits until every state handed over is written.
    async fn drained(&self) {
        loop {
            {
                let state = self.inner.borrow();
                if !state.running && state.pending.is_none() {
                    return;
                }
            }
            gloo::timers::future::sleep(Duration::from_millis(5)).await;
        }
    }
}
