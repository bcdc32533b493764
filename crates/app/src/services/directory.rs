//! The office directory: which one-stop offices exist, what they accept and
//! how their backends are reached (docs/directory.md).
//!
//! The signed directory comes from the server that serves the app
//! (`/.well-known/motcua-directory`) and is checked in the worker against
//! the publisher keys pinned in the app's own files
//! (`/directory-publishers.json`, shipped with the app's build, so it is as
//! trusted as the app's code). The signed bytes are kept on the device and
//! checked again when the network is gone, so a tampered copy is refused
//! there too.

use std::rc::Rc;

use gloo::net::http::Request;
use motcua_forms::LocalizedText;
use motcua_submit::Directory;

use crate::services::store::{Area, Store};
use crate::services::worker;

/// Where the server publishes its directory.
pub(crate) const DIRECTORY_URL: &str = "/.well-known/motcua-directory";
/// The pinned publisher keys, a JWK Set shipped with the app.
pub(crate) const PUBLISHERS_URL: &str = "/directory-publishers.json";
/// Device-storage keys of the cached signed directory and pins.
const CACHED_DIRECTORY: &str = "directory:signed";
const CACHED_PUBLISHERS: &str = "directory:publishers";

/// What is known of the offices.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Offices {
    /// No directory is published: dossiers go to the server that serves
    /// the app.
    ServingServer,
    /// A verified directory.
    Directory(Rc<Directory>),
    /// A directory was found but refused (tampered, untrusted, expired);
    /// dossiers go to the serving server only.
    Refused(LocalizedText),
}

/// `Some(bytes)` for 200, `None` for 404, `Err` when the network failed.
/// `fresh` asks the server every time (the browser's cache may answer only
/// after the server said it is current), so that offline the app falls back
/// on the copy it keeps and verifies itself, not on the browser's.
async fn fetch(url: &str, fresh: bool) -> Result<Option<Vec<u8>>, ()> {
    let mut request = Request::get(url);
    if fresh {
        request = request.cache(web_sys::RequestCache::NoCache);
    }
    let response = request.send().await.map_err(|_| ())?;
    match response.status() {
        200 => response.binary().await.map(Some).map_err(|_| ()),
        404 => Ok(None),
        _ => Err(()),
    }
}

/// Fetches (or, offline, takes the cached copy of) the directory and checks it.
pub(crate) async fn load() -> Offices {
    let store = Store::open().await.ok();
    let cached = |key: &'static str| {
        let store = store.clone();
        async move {
            match &store {
                Some(store) => store.get_bytes(Area::Files, key).await.ok().flatten(),
                None => None,
            }
        }
    };
    let signed = match fetch(DIRECTORY_URL, true).await {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Offices::ServingServer,
        Err(()) => match cached(CACHED_DIRECTORY).await {
            Some(bytes) => bytes,
            None => return Offices::ServingServer,
        },
    };
    let pins = match fetch(PUBLISHERS_URL, false).await {
        Ok(Some(bytes)) => bytes,
        _ => cached(CACHED_PUBLISHERS).await.unwrap_or_default(),
    };
    let now = (js_sys::Date::now() / 1000.0).floor() as i64;
    match worker::verify_directory(signed.clone(), pins.clone(), now).await {
        Ok(json) => match Directory::from_json(&json) {
            Ok(directory) => {
                if let Some(store) = &store {
                    let _ = store
                        .put_bytes(Area::Files, CACHED_DIRECTORY, &signed)
                        .await;
                    let _ = store.put_bytes(Area::Files, CACHED_PUBLISHERS, &pins).await;
                }
                Offices::Directory(Rc::new(directory))
            }
            Err(err) => Offices::Refused(err.message()),
        },
        Err(err) => Offices::Refused(err.message),
    }
}
