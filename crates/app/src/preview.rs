//! First-page thumbnails of the PDFs a citizen attaches, rendered in a
//! worker of their own (`motcua-preview`).
//!
//! The renderer (crate `preview`, hayro) is the largest code of the app, so
//! it is not in the main worker: the page starts this worker only when a PDF
//! is attached, one worker per thumbnail, and terminates it when the answer
//! comes or the deadline passes (a hostile PDF can keep a renderer busy, and
//! only `terminate` stops a busy worker). Both directions carry bytes: the
//! PDF in, the JSON of `Result<Thumbnail, preview::Error>` out, so the two
//! sides share one typed message and no codec beyond serde_json.

use futures::channel::oneshot;
use js_sys::Uint8Array;
use motcua_forms::LocalizedText;
use motcua_preview::{DEFAULT_MAX_SIDE, Thumbnail};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Where Trunk puts the preview worker's script and wasm (worker outputs are
/// not hashed).
const PREVIEW_SCRIPT: &str = "/motcua-preview.js";
const PREVIEW_WASM: &str = "/motcua-preview_bg.wasm";
/// Longest a thumbnail may take: the renderer on a slow phone, after the
/// worker's download.
const DEADLINE_MS: u32 = 30_000;

/// What the worker answers.
type Answer = Result<Thumbnail, motcua_preview::Error>;

/// Runs this thread as the preview worker (the `motcua-preview` binary's main).
pub fn register_preview_worker() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let pdf = Uint8Array::new(&event.data()).to_vec();
        let answer: Answer = motcua_preview::first_page(&pdf, DEFAULT_MAX_SIDE);
        let json = serde_json::to_vec(&answer).unwrap_or_default();
        let _ = reply_to.post_message(&Uint8Array::from(&json[..]));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    // A message that arrives before the handler is set (the wasm loads
    // asynchronously) is dropped, so the page waits for this one.
    let _ = scope.post_message(&JsValue::TRUE);
}

/// Why there is no thumbnail, when the renderer gave no reason of its own.
pub(crate) fn unavailable() -> LocalizedText {
    LocalizedText::new(
        "Chưa xem trước được tệp PDF này (cần mạng lần đầu để tải bộ dựng trang); tệp vẫn được đính kèm nguyên vẹn.",
        "This PDF cannot be previewed now (the page renderer needs the network the first time); the file is still attached unchanged.",
    )
}

/// Starts the preview worker: wasm-bindgen's no-modules script defines
/// `wasm_bindgen` without calling it, so a two-line loader (a blob, which the
/// CSP's `worker-src blob:` allows) imports it and starts the wasm, as
/// gloo-worker does for the main worker.
fn spawn() -> Option<web_sys::Worker> {
    let origin = web_sys::window()?.location().origin().ok()?;
    let loader = format!(
        "importScripts(\"{origin}{PREVIEW_SCRIPT}\");wasm_bindgen(\"{origin}{PREVIEW_WASM}\");"
    );
    let parts = js_sys::Array::of1(&JsValue::from_str(&loader));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let worker = web_sys::Worker::new(&url);
    let _ = web_sys::Url::revoke_object_url(&url);
    worker.ok()
}

/// Renders the first page of `pdf` in a fresh preview worker: the worker
/// says it is ready, gets the PDF, answers once, and is terminated.
pub(crate) async fn first_page(pdf: &[u8]) -> Result<Thumbnail, LocalizedText> {
    let worker = spawn().ok_or_else(unavailable)?;
    let (done, answer) = oneshot::channel::<Option<Vec<u8>>>();
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
    let finish = move |bytes: Option<Vec<u8>>| {
        if let Some(done) = done.borrow_mut().take() {
            let _ = done.send(bytes);
        }
    };
    let on_message = {
        let finish = finish.clone();
        let worker = worker.clone();
        let pdf = Uint8Array::from(pdf);
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            if data.as_bool() == Some(true) {
                // Ready: now the PDF.
                if worker.post_message(&pdf).is_err() {
                    finish(None);
                }
            } else {
                finish(Some(Uint8Array::new(&data).to_vec()));
            }
        })
    };
    // The script could not be fetched (offline before the first use) or the
    // worker crashed.
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| finish(None));
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let deadline = gloo::timers::future::TimeoutFuture::new(DEADLINE_MS);
    let reply = match futures::future::select(answer, deadline).await {
        futures::future::Either::Left((Ok(reply), _)) => reply,
        _ => None,
    };
    worker.terminate();
    drop((on_message, on_error));
    let json = reply.ok_or_else(unavailable)?;
    match serde_json::from_slice::<Answer>(&json) {
        Ok(Ok(thumbnail)) => Ok(thumbnail),
        Ok(Err(err)) => Err(err.message()),
        Err(_) => Err(unavailable()),
    }
}
