//! The state every handler shares.

use std::path::PathBuf;
use std::sync::Arc;

use crate::capabilities::Limits;
use crate::config::Catalog;
use crate::store::Store;

/// Shared, cheaply cloned state of a running server.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    catalog: Catalog,
    limits: Limits,
    dist_dir: PathBuf,
}

impl AppState {
    /// Bundles the parts of a server.
    pub fn new(store: Store, catalog: Catalog, limits: Limits, dist_dir: PathBuf) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                catalog,
                limits,
                dist_dir,
            }),
        }
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.inner.store
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
    pub fn dist_dir(&self) -> &std::path::Path {
        &self.inner.dist_dir
    }
}
