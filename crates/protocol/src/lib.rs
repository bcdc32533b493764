//! The vocabulary both ends of motcua speak, owned once.
//!
//! The app, the command line and the intake server all read and write these
//! types: the server serializes them and the client deserializes the same
//! ones, so that the wire protocol (docs/intake-protocol.md) has one
//! definition. Pure Rust, no I/O: ids and digests ([`value`]), points in
//! time and calendar dates, localized text, dossier components and their
//! attachment rules, [`Limits`], the capabilities document and paths,
//! status look-up, RFC 9457 problem details, and [`check_dossier`], the one
//! check that a dossier's files satisfy its procedure and an office.

#![forbid(unsafe_code)]

mod capabilities;
mod component;
mod conformance;
mod date;
mod error;
mod i18n;
mod limits;
mod problem;
mod status;
mod time;
pub mod value;

pub use capabilities::{
    CATALOG_PATH, Capabilities, DIRECTORY_PATH, DOSSIERS_PATH, Endpoints, HEALTH_PATH, PROTOCOL,
    STATUS_PATH, UPLOADS_PATH, WELL_KNOWN, speaks,
};
pub use component::{AttachmentRule, Component, CopyKind};
pub use conformance::{AttachedFile, check_dossier, missing_components};
pub use date::Date;
pub use error::{RandomnessUnavailable, ValueError};
pub use i18n::{Lang, LocalizedText};
pub use limits::{Exceeded, Limits};
pub use problem::{FieldProblem, PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_PREFIX, Problem};
pub use status::{DossierStatus, StatusEvent, StatusQuery, StatusReport, UnknownStatus};
pub use time::Timestamp;
pub use value::{
    ClientVersion, ComponentId, DossierCode, DossierId, FileName, MediaType, OfficeCode,
    ProcedureCode, ProcedureRef, SchemaVersion, Sha256,
};
