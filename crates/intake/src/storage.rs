//! Where the server keeps its records: uploads in progress and, later,
//! dossiers and receipts. [`Storage`] is the interface; [`SqliteStorage`] the
//! embedded default. File bytes live in the [`crate::blobs`] store, not here.

use std::collections::BTreeMap;
use std::fmt;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::error::Error;

mod postgres;
mod sqlite;
#[cfg(test)]
mod tests;

pub use postgres::PostgresStorage;
pub use sqlite::SqliteStorage;

/// The identifier of a resumable upload: 128 random bits, hex.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UploadId(String);

impl UploadId {
    /// A fresh random identifier.
    pub fn random() -> Self {
        let mut bytes = [0u8; 16];
        // SystemRandom only fails when the OS has no entropy source at all,
        // in which case nothing secure can run; fall back is not an option.
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
            .unwrap_or_else(|_| panic!("the operating system gave no random bytes"));
        Self(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Parses an identifier from a URL; `None` unless 32 lowercase hex digits,
    /// so no path can be smuggled in through it.
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| Self(text.to_owned()))
    }

    /// The identifier as written in URLs and file names.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UploadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A resumable upload (tus 1.0), as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// Its identifier.
    pub id: UploadId,
    /// Total bytes announced at creation (`Upload-Length`).
    pub length: u64,
    /// Bytes received so far (`Upload-Offset`).
    pub offset: u64,
    /// `Upload-Metadata`, decoded.
    pub metadata: BTreeMap<String, String>,
    /// Creation time, seconds since the Unix epoch.
    pub created_at: i64,
    /// When an unfinished upload may be deleted, seconds since the Unix epoch.
    pub expires_at: i64,
    /// Hex SHA-256 of the bytes, once complete and stored.
    pub sha256: Option<String>,
}

impl Upload {
    /// Whether every announced byte has arrived.
    pub fn is_complete(&self) -> bool {
        self.offset == self.length
    }
}

/// The records of an intake server.
#[async_trait]
pub trait Storage: Send + Sync + fmt::Debug {
    /// Schema version of the records; also a liveness check.
    async fn schema_version(&self) -> Result<i64, Error>;

    /// Records a new upload.
    async fn create_upload(&self, upload: &Upload) -> Result<(), Error>;

    /// An upload by its identifier.
    async fn upload(&self, id: &UploadId) -> Result<Option<Upload>, Error>;

    /// Records progress: the new offset, the new expiry and, when complete,
    /// the content hash.
    async fn update_upload(
        &self,
        id: &UploadId,
        offset: u64,
        sha256: Option<&str>,
        expires_at: i64,
    ) -> Result<(), Error>;

    /// Forgets an upload.
    async fn delete_upload(&self, id: &UploadId) -> Result<(), Error>;

    /// Unfinished uploads whose expiry is before `now`.
    async fn expired_uploads(&self, now: i64) -> Result<Vec<UploadId>, Error>;
}
