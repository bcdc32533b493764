//! The app's storage on the device: IndexedDB, one database, a few stores.
//!
//! Drafts, keys, sealed dossiers and upload progress must survive reloads and
//! crashes, and photos are too big for `localStorage`; IndexedDB holds both
//! structured values and bytes. Values are stored as JSON text, bytes as
//! `Uint8Array`. Each call is one transaction, so a write is either wholly
//! there after a crash or not at all.

use js_sys::{Array, Promise, Uint8Array};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbRequest, IdbTransactionMode};

/// The database name; one per origin.
const DB_NAME: &str = "motcua";
/// Bumped whenever [`Area`] gains a store.
const DB_VERSION: u32 = 1;

/// A store of the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Area {
    /// Form drafts, by procedure code.
    Drafts,
    /// Encrypted signing keys, by key id.
    Keys,
    /// Sealed dossiers waiting for or past submission, by dossier id.
    Outbox,
    /// Bytes of attachments and scanned pages, by id.
    Files,
}

impl Area {
    const ALL: [Self; 4] = [Self::Drafts, Self::Keys, Self::Outbox, Self::Files];

    fn name(self) -> &'static str {
        match self {
            Self::Drafts => "drafts",
            Self::Keys => "keys",
            Self::Outbox => "outbox",
            Self::Files => "files",
        }
    }
}

/// Why storage failed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum StoreError {
    /// The browser has no IndexedDB, or refused it (private mode, policy).
    Unavailable(String),
    /// A read or write failed (quota exceeded, disk error).
    Failed(String),
    /// A stored value could not be read back as the expected type.
    Corrupt(String),
}

fn describe(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

/// Waits for an IndexedDB request to succeed or fail.
async fn done(request: &IdbRequest) -> Result<JsValue, StoreError> {
    let promise = Promise::new(&mut |resolve, reject| {
        let ok_request = request.clone();
        let on_success = Closure::once_into_js(move || {
            let result = ok_request.result().unwrap_or(JsValue::UNDEFINED);
            let _ = resolve.call1(&JsValue::NULL, &result);
        });
        let failed_request = request.clone();
        let on_error = Closure::once_into_js(move || {
            let reason = failed_request
                .error()
                .ok()
                .flatten()
                .map(|e| e.message())
                .unwrap_or_else(|| "unknown IndexedDB error".into());
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&reason));
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise)
        .await
        .map_err(|e| StoreError::Failed(describe(&e)))
}

/// An open database.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    db: IdbDatabase,
}

impl Store {
    /// Opens the database, creating or upgrading its stores.
    pub(crate) async fn open() -> Result<Self, StoreError> {
        // The page and the worker both keep data here: take `indexedDB`
        // from whichever global scope this is.
        let factory: web_sys::IdbFactory =
            js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("indexedDB"))
                .ok()
                .filter(|f| !f.is_undefined() && !f.is_null())
                .map(JsCast::unchecked_into)
                .ok_or_else(|| StoreError::Unavailable("no IndexedDB in this browser".into()))?;
        let request = factory
            .open_with_u32(DB_NAME, DB_VERSION)
            .map_err(|e| StoreError::Unavailable(describe(&e)))?;
        let upgrade_request = request.clone();
        let on_upgrade = Closure::once_into_js(move || {
            let Ok(db) = upgrade_request.result() else {
                return;
            };
            let db: IdbDatabase = db.unchecked_into();
            let existing = db.object_store_names();
            for area in Area::ALL {
                if !existing.contains(area.name()) {
                    let _ = db.create_object_store(area.name());
                }
            }
        });
        request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
        let db = done(&request).await?;
        Ok(Self {
            db: db.unchecked_into(),
        })
    }

    /// Closes the connection: every later call fails, as a write fails
    /// when the device is full (for tests of those failures).
    #[cfg(all(test, target_arch = "wasm32"))]
    pub(crate) fn close(&self) {
        self.db.close();
    }

    fn store(&self, area: Area, mode: IdbTransactionMode) -> Result<IdbObjectStore, StoreError> {
        self.db
            .transaction_with_str_and_mode(area.name(), mode)
            .and_then(|tx| tx.object_store(area.name()))
            .map_err(|e| StoreError::Failed(describe(&e)))
    }

    async fn put(&self, area: Area, key: &str, value: &JsValue) -> Result<(), StoreError> {
        let store = self.store(area, IdbTransactionMode::Readwrite)?;
        let request = store
            .put_with_key(value, &JsValue::from_str(key))
            .map_err(|e| StoreError::Failed(describe(&e)))?;
        done(&request).await.map(drop)
    }

    async fn get(&self, area: Area, key: &str) -> Result<JsValue, StoreError> {
        let store = self.store(area, IdbTransactionMode::Readonly)?;
        let request = store
            .get(&JsValue::from_str(key))
            .map_err(|e| StoreError::Failed(describe(&e)))?;
        done(&request).await
    }

    /// Stores `value` as JSON under `key`, replacing what was there.
    pub(crate) async fn put_json<T: Serialize>(
        &self,
        area: Area,
        key: &str,
        value: &T,
    ) -> Result<(), StoreError> {
        let text = serde_json::to_string(value).map_err(|e| StoreError::Failed(e.to_string()))?;
        self.put(area, key, &JsValue::from_str(&text)).await
    }

    /// The JSON value under `key`, if any.
    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        area: Area,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        let value = self.get(area, key).await?;
        match value.as_string() {
            None if value.is_undefined() || value.is_null() => Ok(None),
            None => Err(StoreError::Corrupt(format!(
                "{}/{key} is not JSON text",
                area.name()
            ))),
            Some(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| StoreError::Corrupt(format!("{}/{key}: {e}", area.name()))),
        }
    }

    /// Stores bytes under `key`.
    pub(crate) async fn put_bytes(
        &self,
        area: Area,
        key: &str,
        bytes: &[u8],
    ) -> Result<(), StoreError> {
        self.put(area, key, &Uint8Array::from(bytes).into()).await
    }

    /// The bytes under `key`, if any.
    pub(crate) async fn get_bytes(
        &self,
        area: Area,
        key: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let value = self.get(area, key).await?;
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        value
            .dyn_into::<Uint8Array>()
            .map(|array| Some(array.to_vec()))
            .map_err(|_| StoreError::Corrupt(format!("{}/{key} is not bytes", area.name())))
    }

    /// Removes `key`; removing what is not there is not an error.
    pub(crate) async fn delete(&self, area: Area, key: &str) -> Result<(), StoreError> {
        let store = self.store(area, IdbTransactionMode::Readwrite)?;
        let request = store
            .delete(&JsValue::from_str(key))
            .map_err(|e| StoreError::Failed(describe(&e)))?;
        done(&request).await.map(drop)
    }

    /// Every key of a store.
    pub(crate) async fn keys(&self, area: Area) -> Result<Vec<String>, StoreError> {
        let store = self.store(area, IdbTransactionMode::Readonly)?;
        let request = store
            .get_all_keys()
            .map_err(|e| StoreError::Failed(describe(&e)))?;
        let keys: Array = done(&request).await?.unchecked_into();
        Ok(keys.iter().filter_map(|k| k.as_string()).collect())
    }
}
