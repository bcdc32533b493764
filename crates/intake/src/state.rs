//! The state every handler shares.

use std::collections::HashSet;
use std::path::Path;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use motcua_dossier::{OfficeCode, SigningKey};
use ring::hmac;
use ring::rand::SecureRandom;

use crate::blobs::Blobs;
use crate::capabilities::Limits;
use crate::code::CodeFormat;
use crate::config::{Catalog, Config};
use crate::cors::Origins;
use crate::directory::PublishedDirectory;
use crate::error::Error;
use crate::rate_limit::Limiter;
use crate::storage::{Storage, UploadId};

/// Shared, cheaply cloned state of a running server.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    storage: Arc<dyn Storage>,
    blobs: Blobs,
    catalog: Catalog,
    limits: Limits,
    dist_dir: PathBuf,
    offices: Vec<OfficeCode>,
    units: Option<Arc<motcua_forms::AdminUnits>>,
    dossier_code: CodeFormat,
    receipt_key: Arc<SigningKey>,
    lookup_key: hmac::Key,
    protocol_limiter: Limiter,
    lookup_limiter: Limiter,
    cors_origins: Origins,
    directory: Option<PublishedDirectory>,
    /// Held (shared) while a blob is being stored or a dossier that refers
    /// to blobs is checked and written, and (exclusive) while unused blobs
    /// are deleted, so that a blob is never deleted under a dossier.
    blob_gate: tokio::sync::RwLock<()>,
    /// Uploads a request is writing to right now.
    writing: Mutex<HashSet<UploadId>>,
    /// Applicant checks made, for the tests of equal work.
    #[cfg(test)]
    applicant_checks: std::sync::atomic::AtomicUsize,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Keys stay out of logs.
        f.debug_struct("AppState")
            .field("storage", &self.storage)
            .field("dist_dir", &self.dist_dir)
            .field("receipt_kid", &self.receipt_key.kid())
            .finish_non_exhaustive()
    }
}

/// The `instance` entry holding the status look-up key.
const LOOKUP_KEY: &str = "lookup_hmac_key";

impl AppState {
    /// Bundles the parts of a server: attachment bytes and the receipt key
    /// go under `config.data_dir`; the look-up key is kept in `storage`, so
    /// servers sharing a database share it.
    pub async fn open(
        storage: Arc<dyn Storage>,
        catalog: Catalog,
        config: &Config,
    ) -> Result<Self, Error> {
        let cors_origins = Origins::new(&config.cors_origins)?;
        let data_dir = config.data_dir.clone();
        let (blobs, receipt_key) = tokio::task::spawn_blocking(move || {
            Ok::<_, Error>((
                Blobs::open(&data_dir)?,
                crate::keys::receipt_key(&data_dir)?,
            ))
        })
        .await
        .map_err(|e| Error::Io {
            action: "open",
            path: config.data_dir.clone(),
            source: std::io::Error::other(e),
        })??;
        let mut fresh = [0u8; 32];
        ring::rand::SystemRandom::new()
            .fill(&mut fresh)
            .map_err(|_| Error::Corrupt("the operating system gave no random bytes".into()))?;
        let hex = crate::blobs::hex(&fresh);
        let stored = storage.instance_value(LOOKUP_KEY, &hex).await?;
        let key_bytes = decode_hex(&stored)
            .ok_or_else(|| Error::Corrupt(format!("instance value {LOOKUP_KEY}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                storage,
                blobs,
                catalog,
                limits: config.limits,
                dist_dir: config.dist_dir.clone(),
                offices: config.offices.clone(),
                units: config.units.clone(),
                dossier_code: config.dossier_code.clone(),
                receipt_key: Arc::new(receipt_key),
                lookup_key: hmac::Key::new(hmac::HMAC_SHA256, &key_bytes),
                protocol_limiter: Limiter::new(config.rate_limit),
                lookup_limiter: Limiter::new(config.lookup_rate_limit),
                cors_origins,
                directory: config.directory.clone(),
                blob_gate: tokio::sync::RwLock::new(()),
                writing: Mutex::new(HashSet::new()),
                #[cfg(test)]
                applicant_checks: std::sync::atomic::AtomicUsize::new(0),
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

    /// The administrative-unit table form data is checked against, if loaded.
    pub(crate) fn units(&self) -> Option<&motcua_forms::AdminUnits> {
        self.inner.units.as_deref()
    }

    /// The offices accepted; empty for all.
    pub(crate) fn offices(&self) -> &[OfficeCode] {
        &self.inner.offices
    }

    pub(crate) fn dossier_code(&self) -> &CodeFormat {
        &self.inner.dossier_code
    }

    /// The key that signs receipts.
    pub fn receipt_key(&self) -> &Arc<SigningKey> {
        &self.inner.receipt_key
    }

    /// The applicant's look-up tag: HMAC-SHA256 of the personal ID number
    /// under this instance's key.
    pub(crate) fn applicant_tag(&self, personal_id: &str) -> Vec<u8> {
        hmac::sign(&self.inner.lookup_key, personal_id.as_bytes())
            .as_ref()
            .to_vec()
    }

    /// Whether `tag` is the tag of `personal_id`, in constant time.
    pub(crate) fn applicant_matches(&self, personal_id: &str, tag: &[u8]) -> bool {
        #[cfg(test)]
        self.inner
            .applicant_checks
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        hmac::verify(&self.inner.lookup_key, personal_id.as_bytes(), tag).is_ok()
    }

    /// How many applicant checks were made.
    #[cfg(test)]
    pub(crate) fn applicant_checks(&self) -> usize {
        self.inner
            .applicant_checks
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    pub(crate) fn protocol_limiter(&self) -> &Limiter {
        &self.inner.protocol_limiter
    }

    pub(crate) fn lookup_limiter(&self) -> &Limiter {
        &self.inner.lookup_limiter
    }

    pub(crate) fn cors_origins(&self) -> &Origins {
        &self.inner.cors_origins
    }

    /// The signed office directory this server publishes, if any.
    pub fn directory(&self) -> Option<&PublishedDirectory> {
        self.inner.directory.as_ref()
    }

    pub(crate) fn blob_gate(&self) -> &tokio::sync::RwLock<()> {
        &self.inner.blob_gate
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

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || text.is_empty() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}
