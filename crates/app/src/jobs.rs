//! The messages between the page and its web worker, compiled into both:
//! the page sends a [`Request`], the worker answers with progress events and
//! one [`Response`] (DESIGN.md: "Heavy work runs in a web worker").
//!
//! Each job is a struct of its own input that names, through [`Job`], the
//! type it yields. The page calls one async function per job
//! (`services::worker`), which returns that type or a [`JobError`]; the
//! worker (`crate::worker`) runs one async function per job. Neither side
//! matches an enum of every possible outcome, and a job answered with
//! another job's result is an error, not a panic.
//!
//! Everything here crosses gloo-worker's codec (bincode), which is not
//! self-describing: no `serde_json::Value`, and no field skipped when
//! serializing.

use motcua_dossier::{DossierId, OfficeCode, ProcedureRef, Sha256};
use motcua_forms::{AttachmentRule, Lang, LocalizedText};
use motcua_protocol::Limits as OfficeLimits;
use motcua_scan::Settings;
use serde::{Deserialize, Serialize};

use crate::filing::AttachedFile;

/// Why a job failed: a stable `code` for machines and tests, a `message`
/// for the citizen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct JobError {
    pub(crate) code: String,
    pub(crate) message: LocalizedText,
}

impl JobError {
    pub(crate) fn new(code: impl Into<String>, message: LocalizedText) -> Self {
        Self {
            code: code.into(),
            message,
        }
    }

    /// The worker did not answer in time (it died of a huge photo, or was
    /// never started).
    pub(crate) fn stopped() -> Self {
        Self::new(
            "worker_stopped",
            LocalizedText::new(
                "Tiến trình xử lý nền không trả lời. Hãy tải lại trang rồi thử lại.",
                "The background worker did not answer. Reload the page and try again.",
            ),
        )
    }

    /// The worker answered a job with another job's result.
    pub(crate) fn mismatched() -> Self {
        Self::new(
            "worker_mismatch",
            LocalizedText::new(
                "Tiến trình xử lý nền trả lời không đúng việc được giao. Hãy tải lại trang rồi thử lại.",
                "The background worker answered with something else. Reload the page and try again.",
            ),
        )
    }
}

impl From<JobError> for LocalizedText {
    fn from(err: JobError) -> Self {
        err.message
    }
}

impl From<motcua_dossier::Error> for JobError {
    fn from(err: motcua_dossier::Error) -> Self {
        Self::new(err.code(), err.message())
    }
}

impl From<motcua_scan::Error> for JobError {
    fn from(err: motcua_scan::Error) -> Self {
        Self::new(
            err.code(),
            LocalizedText::new(err.message(Lang::Vi), err.message(Lang::En)),
        )
    }
}

/// A job for the worker, and what it yields.
pub(crate) trait Job: Into<Request> {
    /// What the job makes.
    type Output;

    /// This job's result, if `response` answers a job of this kind.
    fn output(response: Response) -> Option<Result<Self::Output, JobError>>;
}

/// Defines [`Request`] and [`Response`], one variant per job, and each
/// job's [`Job`] impl, so that a job and its output type are named once.
macro_rules! jobs {
    ($($(#[$doc:meta])* $job:ident => $output:ty,)*) => {
        /// A job sent to the worker.
        #[derive(Debug, Clone, Serialize, Deserialize)]
        pub(crate) enum Request {
            $($(#[$doc])* $job($job),)*
        }

        /// The end of a job: its output or why it failed.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub(crate) enum Response {
            $($(#[$doc])* $job(Result<$output, JobError>),)*
        }

        $(
            impl From<$job> for Request {
                fn from(job: $job) -> Self {
                    Self::$job(job)
                }
            }

            impl Job for $job {
                type Output = $output;

                fn output(response: Response) -> Option<Result<$output, JobError>> {
                    match response {
                        Response::$job(result) => Some(result),
                        _ => None,
                    }
                }
            }
        )*
    };
}

jobs! {
    /// Make an ES256 device key.
    CreateKey => NewKey,
    /// Import a PKCS#8 key.
    ImportKey => NewKey,
    /// Build the manifest to sign.
    PrepareManifest => PreparedManifest,
    /// Turn a photo into an A4 page.
    ScanPage => ScannedPage,
    /// Put pages into one PDF.
    AssemblePdf => AssembledPdf,
    /// Check a PDF the citizen gave.
    CheckPdf => CheckedPdf,
    /// Send an outbox entry.
    SendEntry => Delivered,
    /// Check a signed office directory.
    VerifyDirectory => VerifiedDirectory,
    /// Seal a manifest.
    Seal => Sealed,
    /// Lay out the printable receipt.
    ReceiptPdf => ReceiptPdfBytes,
}

/// Make an ES256 device key and encrypt it under `passphrase`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CreateKey {
    pub(crate) passphrase: String,
    pub(crate) label: Option<String>,
}

/// Import a PKCS#8 key (PEM text or DER) with an optional PEM chain, and
/// encrypt it under `passphrase`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ImportKey {
    pub(crate) key: Vec<u8>,
    pub(crate) certificates: Option<String>,
    pub(crate) passphrase: String,
    pub(crate) label: Option<String>,
}

/// A new key file (JSON) and its key id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct NewKey {
    pub(crate) key_file: Vec<u8>,
    pub(crate) kid: String,
}

/// What the page knows of a manifest: all but the id, time and client,
/// which the worker adds ([`motcua_dossier::ManifestBuilder`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ManifestParts {
    pub(crate) procedure: ProcedureRef,
    pub(crate) office: OfficeCode,
    /// The form values as JSON text: the worker's message codec (bincode)
    /// cannot carry a self-describing `serde_json::Value`.
    pub(crate) form: Vec<u8>,
    pub(crate) attachments: Vec<AttachedFile>,
}

/// Build the manifest of `parts` with a new id, the time `now` (Unix
/// seconds) and this client's version, so the citizen sees what will be
/// signed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PrepareManifest {
    pub(crate) parts: ManifestParts,
    pub(crate) now: i64,
}

/// A manifest ready to sign: its canonical bytes, their hash, its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct PreparedManifest {
    pub(crate) manifest: Vec<u8>,
    pub(crate) digest: Sha256,
    pub(crate) id: DossierId,
}

/// Turn one photo (JPEG, PNG, WebP) into an A4 page image; reports the
/// pipeline's stages as progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ScanPage {
    pub(crate) bytes: Vec<u8>,
    pub(crate) settings: Settings,
    pub(crate) rule: AttachmentRule,
    pub(crate) office: OfficeLimits,
}

/// A page image (JPEG) and its size in pixels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ScannedPage {
    pub(crate) jpeg: Vec<u8>,
    pub(crate) width: u32,
    pub(crate) height: u32,
}

/// Put page images (JPEG, as made by [`ScanPage`]) into one PDF.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AssemblePdf {
    pub(crate) pages: Vec<Vec<u8>>,
    pub(crate) title: String,
    pub(crate) rule: AttachmentRule,
    pub(crate) office: OfficeLimits,
    pub(crate) dossier_bytes_used: u64,
}

/// A PDF made from pages: its bytes, page count and hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct AssembledPdf {
    pub(crate) bytes: Vec<u8>,
    pub(crate) pages: u32,
    pub(crate) sha256: Sha256,
}

/// Check a PDF the citizen gave (kept byte for byte): type, pages, hash.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CheckPdf {
    pub(crate) bytes: Vec<u8>,
    pub(crate) rule: AttachmentRule,
    pub(crate) office: OfficeLimits,
    pub(crate) dossier_bytes_used: u64,
}

/// A checked PDF: its page count and hash (its bytes are the caller's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CheckedPdf {
    pub(crate) pages: u32,
    pub(crate) sha256: Sha256,
}

/// Send outbox entry `id` to its office; reports bytes sent as progress.
/// With `now`, a stopped entry is tried again at once, its failure count
/// reset (the citizen pressed "try again"); without, it resumes keeping
/// the count, so waits keep growing.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SendEntry {
    pub(crate) id: String,
    pub(crate) now: bool,
}

/// A sending ended (acknowledged, or stopped for now); the outbox entry in
/// device storage says how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Delivered;

/// Check a signed office directory against the pinned publisher keys (a
/// JWK Set) at `now` (Unix seconds).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct VerifyDirectory {
    pub(crate) signed: Vec<u8>,
    pub(crate) pins: Vec<u8>,
    pub(crate) now: i64,
}

/// A verified office directory (its JSON document).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct VerifiedDirectory {
    pub(crate) json: Vec<u8>,
}

/// Unlock a key file and seal canonical manifest bytes with it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Seal {
    pub(crate) key_file: Vec<u8>,
    pub(crate) passphrase: String,
    pub(crate) manifest: Vec<u8>,
    pub(crate) now: i64,
}

/// A sealed dossier (JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Sealed {
    pub(crate) dossier: Vec<u8>,
}

/// Lay out the printable receipt (motcua-receipt) with `font`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ReceiptPdf {
    pub(crate) slip: Box<motcua_receipt::Slip>,
    pub(crate) font: Vec<u8>,
    pub(crate) lang: Lang,
}

/// The printable receipt (PDF).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ReceiptPdfBytes {
    pub(crate) bytes: Vec<u8>,
}

/// A job on its way to the worker, with the id its answers carry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Envelope {
    pub(crate) id: u32,
    pub(crate) request: Request,
}

/// What the worker sends back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) enum Event {
    /// How far a job has come: `done` of `total` units.
    Progress { job: u32, done: u64, total: u64 },
    /// A job ended.
    Done { job: u32, response: Response },
}
