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

mod client;
mod error;
mod office;
mod outbox;
mod policy;
mod problem;
mod status;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod testutil;
mod transport;
mod tus;

pub use client::{Client, Event};
pub use error::{Error, Fault, FieldProblem};
pub use office::{Endpoint, PROTOCOL, ServerInfo, ServerLimits, WELL_KNOWN};
pub use outbox::{
    Acknowledged, Delivering, Failed, FileUpload, Job, OutboxEntry, Resume, Uploading, Waiting,
};
pub use policy::Policy;
pub use status::{DossierStatus, StatusEvent, StatusReport};
pub use transport::{
    Attachments, FileRef, Method, NetworkError, NetworkErrorKind, Request, Response, Transport,
};
