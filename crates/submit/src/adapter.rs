//! Adapters: how an outbox entry reaches one kind of office backend.
//!
//! Every office in the directory names an adapter. An adapter is one module
//! implementing [`Adapter`]: the three steps of the outbox state machine
//! that talk to a backend — prepare (from waiting), upload (one chunk of
//! one file) and deliver (the dossier itself, ending acknowledged,
//! delivered or failed). The entry keeps its [`AdapterConfig`] (serde), so
//! a reload resumes through the same adapter; the dispatch below is the
//! only place that lists them.
//!
//! Adding an adapter: a module here with its settings type and an
//! `impl Adapter`, a variant of [`AdapterConfig`] and of
//! [`Backend`](crate::Backend) (the directory's spelling), and an arm in
//! each dispatch function.

use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::outbox::{Job, OutboxEntry};
use crate::transport::{Attachments, Transport};

mod motcua_v1;
mod multipart;

pub(crate) use motcua_v1::{MotcuaV1, Outcome};
pub use multipart::{
    DEFAULT_MULTIPART_BYTES, MAX_MULTIPART_BYTES, MultipartConfig, MultipartParts,
};

/// The outbox steps that talk to a backend. Each takes the entry's [`Job`]
/// and returns the next state, making as few requests as it can (the app
/// saves the entry after every step); failures go through
/// [`fail`](crate::outbox::fail), which schedules retries.
pub(crate) trait Adapter {
    /// From waiting: learn what the backend accepts and check the dossier
    /// against it; next uploading, delivering or failed.
    async fn prepare<T: Transport, A: Attachments>(
        &self,
        client: &Client<T, A>,
        job: Job,
    ) -> OutboxEntry;

    /// From uploading: send the next bytes of file `file`.
    async fn upload<T: Transport, A: Attachments>(
        &self,
        client: &Client<T, A>,
        job: Job,
        file: usize,
    ) -> OutboxEntry;

    /// From delivering: hand over the dossier and check the answer; next
    /// acknowledged, delivered, uploading (files lost) or failed.
    async fn deliver<T: Transport, A: Attachments>(
        &self,
        client: &Client<T, A>,
        job: Job,
    ) -> OutboxEntry;
}

/// Which adapter an outbox entry goes through, with its settings. Kept in
/// the entry, so that a reload resumes through the same adapter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "name")]
#[non_exhaustive]
pub enum AdapterConfig {
    /// The motcua intake protocol; the office's address and pinned receipt
    /// key are the entry's [`endpoint`](crate::Job::endpoint) and
    /// [`pinned_receipt_kid`](crate::Job::pinned_receipt_kid).
    #[default]
    #[serde(rename = "motcua-v1")]
    MotcuaV1,
    /// A plain `multipart/form-data` POST.
    #[serde(rename = "multipart")]
    Multipart(MultipartConfig),
}

impl AdapterConfig {
    /// The adapter's name: `motcua-v1` or `multipart`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::MotcuaV1 => "motcua-v1",
            Self::Multipart(_) => "multipart",
        }
    }

    /// Whether the adapter ends with an office-signed receipt
    /// ([`OutboxEntry::Acknowledged`]) rather than an unsigned delivery
    /// record ([`OutboxEntry::Delivered`]).
    pub fn has_signed_receipts(&self) -> bool {
        matches!(self, Self::MotcuaV1)
    }
}

pub(crate) async fn prepare<T: Transport, A: Attachments>(
    client: &Client<T, A>,
    job: Job,
) -> OutboxEntry {
    match job.adapter.clone() {
        AdapterConfig::MotcuaV1 => MotcuaV1.prepare(client, job).await,
        AdapterConfig::Multipart(config) => config.prepare(client, job).await,
    }
}

pub(crate) async fn upload<T: Transport, A: Attachments>(
    client: &Client<T, A>,
    job: Job,
    file: usize,
) -> OutboxEntry {
    match job.adapter.clone() {
        AdapterConfig::MotcuaV1 => MotcuaV1.upload(client, job, file).await,
        AdapterConfig::Multipart(config) => config.upload(client, job, file).await,
    }
}

pub(crate) async fn deliver<T: Transport, A: Attachments>(
    client: &Client<T, A>,
    job: Job,
) -> OutboxEntry {
    match job.adapter.clone() {
        AdapterConfig::MotcuaV1 => MotcuaV1.deliver(client, job).await,
        AdapterConfig::Multipart(config) => config.deliver(client, job).await,
    }
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))]
mod tests;
