//! The state every handler shares.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::blobs::Blobs;
use crate::capabilities::Limits;
use crate::config::Catalog;
use crate::storage::{Storage, UploadId};

/// Shared, cheaply cloned state of a running server.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    storage: Arc<dyn Storage>,
    blobs: Blobs,
    catalog: Catalog,
    limits: Limits,
    dist_dir: PathBuf,
    /// Uploads a request is writing to right now.
    writing: Mutex<HashSet<UploadId>>,
}

impl AppState {
    /// Bundles the parts of a server; attachment bytes go under `data_dir`.
    pub fn new(
        storage: Arc<dyn Storage>,
        data_dir: &Path,
        catalog: Catalog,
        limits: Limits,
        dist_dir: PathBuf,
    ) -> Result<Self, crate::Error> {
        Ok(Self {
            inner: Arc::new(Inner {
                storage,
                blobs: Blobs::open(data_dir)?,
                catalog,
                limits,
                dist_dir,
                writing: Mutex::new(HashSet::new()),
            }),
        })
    }

    /// The records.
    pub fn storage(&self) -> &dyn Storage {
        self.inner.storage.as_ref()
    }

    pub(crate) fn blobs(&self) -> &Blobs {
        &self.inner.blobs
    }

    /// The procedure catalog.
    pub fn catalog(&self) -> &Catalog {
        &self.inner.catalog
    }

    /// The limits announced and enforced.
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// Where the built app lives.
    pub fn dist_dir(&self) -> &Path {
        &self.inner.dist_dir
    }

    /// Marks an upload as being written; `false` if it already is.
    pub(crate) fn lock_upload(&self, id: &UploadId) -> bool {
        self.inner
            .writing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(id.clone())
    }

    pub(crate) fn unlock_upload(&self, id: &UploadId) {
        self.inner
            .writing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(id);
    }
}
