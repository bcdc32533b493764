//! Where the server keeps its records: uploads in progress, the finished
//! files' hashes, dossiers, their receipts and status history.
//! [`Storage`] is the interface; [`SqliteStorage`] the embedded default,
//! [`PostgresStorage`] the one for offices that outgrow a machine. File
//! bytes live in the [`crate::blobs`] store, not here.
//!
//! The two stores share what the SQL allows: the tables (`schema`, which
//! writes each database's DDL) and the reading of rows back into these
//! types (`row`, where a value this server never writes is an error, the
//! same on both). Each keeps its own statements, locking and transactions.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use motcua_dossier::{DossierCode, DossierId, OfficeCode, Sha256, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::Error;

mod postgres;
mod row;
mod schema;
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

pub use motcua_protocol::{DossierStatus, StatusEvent};

/// One attachment of a dossier to store: its bytes are the blob `sha256`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    /// File name in the manifest.
    pub name: String,
    /// The content hash, naming the blob.
    pub sha256: Sha256,
    /// Size in bytes.
    pub size: u64,
}

/// A verified dossier, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDossier {
    /// The manifest's id, the idempotency key.
    pub id: DossierId,
    /// The receiving office.
    pub office: OfficeCode,
    /// National procedure code.
    pub procedure_code: String,
    /// Schema version of the procedure.
    pub procedure_version: String,
    /// SHA-256 of the manifest's canonical bytes.
    pub manifest_sha256: Sha256,
    /// HMAC-SHA256 of the applicant's personal ID number under the
    /// instance's look-up key (docs/intake-protocol.md §7).
    pub applicant_tag: Vec<u8>,
    /// The sealed dossier exactly as received.
    pub sealed: Vec<u8>,
    /// Its attachments, in manifest order.
    pub attachments: Vec<NewAttachment>,
    /// When it was received.
    pub received: Timestamp,
    /// The sequence the dossier code counts in: all codes that differ only
    /// in their sequence number share one.
    pub sequence_scope: String,
}

/// What the office gave a stored dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierReceipt {
    /// The manifest's id.
    pub id: DossierId,
    /// The assigned code.
    pub code: DossierCode,
    /// SHA-256 of the manifest's canonical bytes.
    pub manifest_sha256: Sha256,
    /// The signed receipt (compact JWS).
    pub receipt: String,
    /// When it was received.
    pub received: Timestamp,
}

/// How [`Storage::store_dossier`] ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreOutcome {
    /// Stored now.
    Stored(DossierReceipt),
    /// A dossier with this id was there already; nothing was written.
    Exists(DossierReceipt),
    /// These blobs are not (or no longer) in the store; nothing was written.
    MissingBlobs(Vec<Sha256>),
}

/// A stored dossier, as the status look-up reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierRecord {
    /// Its receipt.
    pub receipt: DossierReceipt,
    /// The receiving office.
    pub office: OfficeCode,
    /// National procedure code.
    pub procedure_code: String,
    /// Schema version of the procedure.
    pub procedure_version: String,
    /// The applicant's look-up tag (see [`NewDossier::applicant_tag`]).
    pub applicant_tag: Vec<u8>,
    /// Every status it went through, oldest first; the last is the current.
    pub history: Vec<StatusEvent>,
}

/// Makes the receipt of a dossier from its sequence number: the code and
/// the signed token. Called by [`Storage::store_dossier`] inside its
/// transaction, so the code is never given twice and never skipped.
pub type ReceiptIssuer =
    Arc<dyn Fn(u64) -> Result<(DossierCode, String), Error> + Send + Sync + 'static>;

/// The records of an intake server.
#[async_trait]
pub trait Storage: Send + Sync + fmt::Debug {
    /// Schema version of the records; also a liveness check.
    async fn schema_version(&self) -> Result<i64, Error>;

    /// Records a new upload.
    async fn create_upload(&self, upload: &Upload) -> Result<(), Error>;

    /// An upload by its identifier.
    async fn upload(&self, id: &UploadId) -> Result<Option<Upload>, Error>;

    /// The finished uploads whose bytes have the SHA-256 `sha256`: who
    /// uploaded a file, for binding it to the dossier that cites it.
    async fn finished_uploads(&self, sha256: &Sha256) -> Result<Vec<Upload>, Error>;

    /// Records progress: the new offset, the new expiry and, when complete,
    /// the content hash.
    async fn update_upload(
        &self,
        id: &UploadId,
        offset: u64,
        sha256: Option<&str>,
        expires_at: i64,
    ) -> Result<(), Error>;

    /// Records in one write that an upload is complete (offset `length`,
    /// content hash `sha256`) and that its blob is in the store, used at `now`.
    async fn finish_upload(
        &self,
        id: &UploadId,
        sha256: &Sha256,
        length: u64,
        now: i64,
    ) -> Result<(), Error>;

    /// Forgets an upload.
    async fn delete_upload(&self, id: &UploadId) -> Result<(), Error>;

    /// Unfinished uploads whose expiry is before `now`.
    async fn expired_uploads(&self, now: i64) -> Result<Vec<UploadId>, Error>;

    /// Forgets finished uploads created before `before` (their bytes stay
    /// in the blob store as long as [`Storage::release_blob`] keeps them).
    /// Returns how many.
    async fn forget_finished_uploads(&self, before: i64) -> Result<u64, Error>;

    /// A value of this instance (keys, identity), set to `default` the first
    /// time it is asked for. Servers sharing a database share the value.
    async fn instance_value(&self, key: &str, default: &str) -> Result<String, Error>;

    /// Records that the blob `sha256` of `size` bytes is in the store, used
    /// at `now` (a finished upload).
    async fn record_blob(&self, sha256: &Sha256, size: u64, now: i64) -> Result<(), Error>;

    /// Blobs no dossier refers to that were last used before `before`.
    async fn unused_blobs(&self, before: i64) -> Result<Vec<Sha256>, Error>;

    /// Forgets the blob `sha256` if no dossier refers to it and it was last
    /// used before `before`; `true` if it did, and the bytes may go.
    async fn release_blob(&self, sha256: &Sha256, before: i64) -> Result<bool, Error>;

    /// A dossier's receipt by its id.
    async fn dossier(&self, id: &DossierId) -> Result<Option<DossierReceipt>, Error>;

    /// Stores a dossier, its attachments' references and its first status
    /// in one transaction: takes the next number of its sequence, calls
    /// `issue` for the code and receipt, and writes all or nothing. Every
    /// blob must be recorded (and is marked used now), and the id new.
    async fn store_dossier(
        &self,
        dossier: NewDossier,
        issue: ReceiptIssuer,
    ) -> Result<StoreOutcome, Error>;

    /// The keyed hash of a dossier's applicant ID number, by the dossier's
    /// code: all a status look-up reads before the ID number is checked,
    /// so that a wrong number costs what an unknown code does.
    async fn applicant_tag(&self, code: &DossierCode) -> Result<Option<Vec<u8>>, Error>;

    /// A dossier with its history, by its code.
    async fn dossier_by_code(&self, code: &DossierCode) -> Result<Option<DossierRecord>, Error>;

    /// Adds a step to a dossier's history; `false` if there is no such dossier.
    async fn add_status(&self, code: &DossierCode, event: &StatusEvent) -> Result<bool, Error>;

    /// The sealed dossier as received.
    async fn sealed_dossier(&self, id: &DossierId) -> Result<Option<Vec<u8>>, Error>;

    /// How many dossiers are stored.
    async fn dossier_count(&self) -> Result<u64, Error>;
}
