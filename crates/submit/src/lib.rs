//! The intake protocol client: how a sealed dossier reaches an office,
//! exactly once, on a bad network.
//!
//! An [`OutboxEntry`] is one sealed dossier on its way: a state machine
//! (waiting → uploading → delivering → acknowledged, or failed) that a
//! [`Client`] advances one request at a time. It reads the office's
//! capabilities (`/.well-known/motcua`), uploads each attachment with tus
//! 1.0 (chunks with `Upload-Checksum: sha256`, resumed from the server's
//! offset after any failure), posts the sealed dossier, and checks the
//! office's receipt: its signature with the office's published key, and
//! that it names this dossier's id and manifest hash. Entries serialize
//! (serde), so the app keeps them in IndexedDB and resumes after a reload;
//! the retries back off exponentially with jitter. The protocol is in
//! `docs/intake-protocol.md`.
//!
//! The client is transport-agnostic: the platform implements [`Transport`]
//! (HTTP, clock, timer) and [`Attachments`] (the files' bytes) — with
//! `fetch` and IndexedDB in the browser, an HTTP client and files natively.
//!
//! Offices are found in a signed office [`Directory`] (`docs/directory.md`),
//! checked with [`Directory::verify`] against the publisher keys the app
//! pins ([`PublisherPins`]), searched with [`Directory::search`] and
//! [`Directory::suggest`]. Each office names an adapter: `motcua-v1` (the
//! protocol above, ending [`OutboxEntry::Acknowledged`] with a verified
//! receipt) or `multipart` (one plain multipart POST to an existing
//! backend, ending [`OutboxEntry::Delivered`] with an unsigned
//! [`DeliveryRecord`]). [`Directory::outbox_entry`] queues a dossier for an
//! office through its adapter; the entry remembers it.
//!
//! ```no_run
//! use motcua_submit::{Client, Endpoint, OutboxEntry, Transport, Attachments};
//!
//! async fn send<T: Transport, A: Attachments>(
//!     client: &Client<T, A>,
//!     sealed: &[u8],
//! ) -> Result<(), motcua_submit::Error> {
//!     let endpoint: Endpoint = "https://motcua.example.vn".parse()?;
//!     let entry = OutboxEntry::new(endpoint, sealed)?;
//!     let done = client
//!         .run(entry, |state| {
//!             // Persist `state` (serde) so a reload resumes it.
//!             let _ = serde_json::to_string(state);
//!         })
//!         .await;
//!     match done {
//!         OutboxEntry::Acknowledged(ack) => println!("filed as {}", ack.dossier_code()),
//!         OutboxEntry::Failed(failed) => println!("{}", failed.error().message().vi),
//!         _ => {}
//!     }
//!     Ok(())
//! }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod adapter;
mod client;
mod directory;
mod error;
mod office;
mod outbox;
mod policy;
mod problem;
mod status;
// The protocol tests run the real intake server in process: native only.
#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))]
mod tests;
#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))]
mod testutil;
mod transport;
mod tus;

pub use adapter::{
    AdapterConfig, DEFAULT_MULTIPART_BYTES, MAX_MULTIPART_BYTES, MultipartConfig, MultipartParts,
};
pub use client::{Client, Event};
pub use directory::{
    Backend, DIRECTORY_FORMAT, DIRECTORY_MEDIA_TYPE, DIRECTORY_TYP, Directory, MAX_DIRECTORY_BYTES,
    MAX_OFFICES, OfficeEntry, OfficeLevel, OfficeQuery, Procedures, Publisher, PublisherPins,
    VerifiedDirectory,
};
pub use error::{Error, Fault, FieldProblem};
/// The protocol's names, paths and limits, for users of the client.
pub use motcua_protocol::{DIRECTORY_PATH, Limits, PROTOCOL, WELL_KNOWN};
pub use office::{Endpoint, ServerInfo};
pub use outbox::{
    Acknowledged, Delivered, Delivering, DeliveryRecord, Failed, FileUpload, Job, OutboxEntry,
    Resume, Uploading, Waiting,
};
pub use policy::Policy;
pub use status::{DossierStatus, StatusEvent, StatusQuery, StatusReport};
pub use transport::{
    Attachments, FileRef, Method, NetworkError, NetworkErrorKind, Request, Response, Transport,
};
