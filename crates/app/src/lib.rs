//! The motcua filing app: a Yew single-page app over the pure crates.
//!
//! This crate is a thin shell. What a procedure is, how a form is checked, how
//! a photo becomes a PDF page and how a dossier is sealed live in the pure
//! crates; here are the screens, browser storage and network calls.
//!
//! [`mount`] renders the app into a host element, so that a provincial portal
//! can embed it in its own page; the `motcua-app` binary mounts it into
//! `#motcua` (or `<body>`) of the app's own `index.html`.
//!
//! # Where code runs
//!
//! One crate, four wasm binaries (`src/bin/`): the page (`motcua-app`), the
//! web worker (`motcua-worker`), the PDF preview worker
//! (`motcua-preview`) and the bulk filing worker (`motcua-bulk-worker`). The modules say where their code runs:
//!
//! - on the page: `pages` (one per screen), `components`, `hooks`, `route`,
//!   `state` and `filing` (reducers), `services` (what the screens ask of
//!   device storage, the network and the workers: `services::worker` is the
//!   page's side of the web worker, one async function per job);
//! - in the web worker only: `worker` and everything below it
//!   (`worker::delivery` sends the outbox, `worker::unlock` opens key
//!   files), one async function per job;
//! - on both sides of that boundary: `jobs`, the messages between them,
//!   and the device storage they share (`services::store`,
//!   `services::outbox`);
//! - in the preview worker: `preview` (its page side and its worker side);
//! - in the bulk worker: `bulk::engine`; its page side is `bulk::client`
//!   and `bulk::state`, with the screen in `pages::bulk`.
#![deny(unsafe_code)]
#![deny(missing_docs)]

mod bulk;
mod components;
mod dom;
mod dom_files;
mod filing;
mod format;
mod hooks;
mod jobs;
mod pages;
mod preview;
mod route;
mod search;
mod services;
mod state;
#[cfg(test)]
#[cfg(target_arch = "wasm32")]
mod tests;
mod text;
mod worker;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::header::Header;
use crate::components::offline::OfflineIndicator;
use crate::route::{Route, switch};
use crate::services::sender::Sender;
use crate::state::PrefsProvider;

pub use crate::bulk::engine::register_bulk_worker;
pub use crate::preview::register_preview_worker;
pub use crate::state::LANG_STORAGE_KEY;
pub use crate::worker::register_worker;

/// Names this program in the manifests it makes.
pub(crate) const CLIENT_VERSION: &str = concat!("motcua-app/", env!("CARGO_PKG_VERSION"));

/// The whole app: preferences, router and the current page.
#[component]
pub fn App() -> Html {
    html! {
        <PrefsProvider>
            <Sender>
            <BrowserRouter>
                <div class="mc-app">
                    <Header />
                    <OfflineIndicator />
                    <main class="mc-main" id="mc-main">
                        <Switch<Route> render={switch} />
                    </main>
                </div>
            </BrowserRouter>
            </Sender>
        </PrefsProvider>
    }
}

/// Renders the app into `host` and keeps it running.
pub fn mount(host: web_sys::Element) {
    host.class_list().add_1("motcua").ok();
    yew::Renderer::<App>::with_root(host).render();
}

/// Installs the service worker that lets the app open offline. Only the
/// standalone app does this: a portal embedding the app owns its origin's
/// service worker.
pub fn register_service_worker() {
    let container = gloo::utils::window().navigator().service_worker();
    // A failed registration (private mode, insecure origin) only loses the
    // offline start; the app works on.
    let _ = container.register("/sw.js");
}

/// The element the app mounts into: `#motcua` if the page has one, else `<body>`.
pub fn default_host() -> Option<web_sys::Element> {
    let document = gloo::utils::document();
    document
        .get_element_by_id("motcua")
        .or_else(|| document.body().map(Into::into))
}
