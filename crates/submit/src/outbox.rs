//! The outbox entry: one sealed dossier on its way to an office, as a state
//! machine.
//!
//! ```text
//!            ┌──────────── failure ───────────┐
//!            ▼                                │
//! Waiting ──▶ Uploading{file} ──▶ Delivering ──▶ Acknowledged{receipt}   (motcua-v1)
//!    │             │   ▲              │      └───▶ Delivered{record}        (multipart)
//!    └──── failure ┴───┴── missing ───┘──▶ Failed{error, retryable, next_attempt_at}
//!                                              │ retry()
//!                                              └──▶ back where it failed
//! ```
//!
//! Each state is a struct; [`Client::step`] consumes an entry and returns
//! the next, making at most one request, so the app can persist the entry
//! (IndexedDB) after every step and resume after a reload or a browser
//! restart. Upload URLs and offsets are part of the entry: a resumed upload
//! first asks the server for its offset (tus `HEAD`), then continues.
//!
//! What each state does depends on the entry's adapter
//! ([`AdapterConfig`](crate::AdapterConfig), kept in the entry): the
//! `motcua-v1` adapter goes through every state and ends acknowledged with
//! the office's signed receipt; the `multipart` adapter goes from waiting
//! straight to delivering (one request carries everything) and ends
//! [`Delivered`] with an unsigned record of the backend's answer.

use motcua_dossier::{
    DossierCode, DossierId, FileName, Receipt, ReceiptClaims, SealedDossier, Sha256, VerifyOptions,
};
use serde::{Deserialize, Serialize};

use crate::adapter::{self, AdapterConfig};
use crate::client::Client;
use crate::directory::{Backend, OfficeEntry};
use crate::error::Error;
use crate::office::{Endpoint, ServerInfo};
use crate::transport::{Attachments, Transport};

/// The upload of one file (attachments with the same bytes share one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileUpload {
    /// The first attachment's file name.
    pub name: FileName,
    /// Its size.
    pub size: u64,
    /// Its SHA-256.
    pub sha256: Sha256,
    /// The tus upload URL, once created.
    pub url: Option<String>,
    /// Bytes the server has confirmed.
    pub offset: u64,
    /// Whether `offset` is known to be the server's; after any failure or
    /// reload it is not, and the next step asks (`HEAD`).
    #[serde(skip)]
    pub(crate) confirmed: bool,
}

impl FileUpload {
    /// Whether the server holds the whole file.
    pub fn is_done(&self) -> bool {
        self.url.is_some() && self.offset == self.size
    }

    pub(crate) fn restart(&mut self) {
        self.url = None;
        self.offset = 0;
        self.confirmed = false;
    }
}

/// What every state carries: the dossier, where it goes, and how far the
/// upload has come.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// The office's server (for `multipart`, the origin of its URL).
    pub(crate) endpoint: Endpoint,
    /// How the backend is reached; entries stored before adapters existed
    /// are `motcua-v1`.
    #[serde(default)]
    pub(crate) adapter: AdapterConfig,
    /// The sealed dossier file, as posted.
    pub(crate) sealed: String,
    pub(crate) dossier_id: DossierId,
    pub(crate) manifest_sha256: Sha256,
    pub(crate) files: Vec<FileUpload>,
    /// The capabilities, once read.
    pub(crate) server: Option<ServerInfo>,
    /// A receipt key thumbprint the office must use (from a signed office
    /// directory).
    pub(crate) pinned_kid: Option<String>,
    /// Failures in a row.
    pub(crate) attempts: u32,
    /// Times the office said attachments were missing.
    pub(crate) missing_rounds: u32,
}

impl Job {
    /// The dossier's id.
    pub fn dossier_id(&self) -> DossierId {
        self.dossier_id
    }

    /// SHA-256 of the manifest's canonical bytes.
    pub fn manifest_sha256(&self) -> Sha256 {
        self.manifest_sha256
    }

    /// The office's server (for the `multipart` adapter, the origin of the
    /// URL dossiers are posted to).
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The adapter the dossier goes through, with its settings.
    pub fn adapter(&self) -> &AdapterConfig {
        &self.adapter
    }

    /// The receipt key thumbprint the office must sign with, when pinned
    /// (from the office directory).
    pub fn pinned_receipt_kid(&self) -> Option<&str> {
        self.pinned_kid.as_deref()
    }

    /// The sealed dossier file.
    pub fn sealed(&self) -> &str {
        &self.sealed
    }

    /// The uploads, one per distinct file.
    pub fn files(&self) -> &[FileUpload] {
        &self.files
    }

    /// The office's capabilities, once read.
    pub fn server(&self) -> Option<&ServerInfo> {
        self.server.as_ref()
    }

    /// Failures in a row so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Bytes confirmed by the server, and bytes in all.
    pub fn progress(&self) -> (u64, u64) {
        self.files.iter().fold((0, 0), |(sent, total), f| {
            (sent + f.offset.min(f.size), total + f.size)
        })
    }

    pub(crate) fn next_file(&self) -> Option<usize> {
        self.files.iter().position(|f| !f.is_done())
    }

    pub(crate) fn unconfirm(&mut self) {
        for f in &mut self.files {
            f.confirmed = false;
        }
    }

    pub(crate) fn sealed_dossier(&self) -> Result<SealedDossier, Error> {
        SealedDossier::from_json(self.sealed.as_bytes()).map_err(|e| Error::from(&e))
    }
}

/// Where a failed entry resumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum Resume {
    /// Reading the capabilities.
    Waiting,
    /// Uploading a file.
    Uploading {
        /// Its index in [`Job::files`].
        file: usize,
    },
    /// Posting the dossier.
    Delivering,
}

/// Queued: the office's capabilities are read next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiting {
    pub(crate) job: Job,
}

/// Uploading the files, one chunk per step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uploading {
    pub(crate) job: Job,
    pub(crate) file: usize,
}

/// Every file is up; the sealed dossier is posted next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivering {
    pub(crate) job: Job,
}

/// The office acknowledged the dossier with a receipt that verifies and is
/// for this dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledged {
    pub(crate) job: Job,
    /// The receipt (compact JWS), as the office signed it.
    pub(crate) receipt: String,
    /// What it says.
    pub(crate) claims: ReceiptClaims,
}

/// What a backend without signed receipts (the `multipart` adapter)
/// answered when it took the dossier.
///
/// **This is not a receipt.** Nothing in it is signed by the office: it
/// records that the backend at `url` answered HTTP `status` with this
/// `reference`, over the connection this device made (TLS vouches for the
/// server's name, nothing more). The office can later prove it holds the
/// dossier only by the sealed dossier it received, whose manifest hash is
/// [`Job::manifest_sha256`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRecord {
    /// The adapter that delivered it (`multipart`).
    pub adapter: String,
    /// Where the dossier was posted.
    pub url: String,
    /// The HTTP status of the answer (2xx).
    pub status: u16,
    /// The backend's reference for the dossier, read from its answer.
    pub reference: String,
    /// When the answer arrived, by this device's clock, milliseconds since
    /// the Unix epoch.
    pub delivered_at_ms: u64,
    /// The `Idempotency-Key` sent (the dossier id).
    pub idempotency_key: String,
    /// SHA-256 of the answer's body, to match against the backend's logs.
    pub answer_sha256: Sha256,
}

/// A backend without signed receipts took the dossier: an unsigned
/// [`DeliveryRecord`] is held, not a verified receipt (compare
/// [`Acknowledged`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivered {
    pub(crate) job: Job,
    pub(crate) record: DeliveryRecord,
}

/// Stopped on an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failed {
    pub(crate) job: Job,
    pub(crate) resume: Resume,
    pub(crate) error: Error,
    pub(crate) retryable: bool,
    pub(crate) next_attempt_at_ms: Option<u64>,
}

/// One sealed dossier in the outbox, in one of its states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum OutboxEntry {
    /// Queued.
    Waiting(Waiting),
    /// Uploading attachments.
    Uploading(Uploading),
    /// Posting the sealed dossier.
    Delivering(Delivering),
    /// Done: the office's verified receipt is held.
    Acknowledged(Acknowledged),
    /// Done without a receipt: a backend reached through the `multipart`
    /// adapter took the dossier; an unsigned record of its answer is held.
    Delivered(Delivered),
    /// Stopped on an error; see [`Failed::retry`].
    Failed(Failed),
}

impl OutboxEntry {
    /// Queues `sealed` (a sealed dossier file) for the office at `endpoint`.
    /// The dossier is read and its seal checked here, so that a broken one
    /// never leaves the device.
    pub fn new(endpoint: Endpoint, sealed: &[u8]) -> Result<Self, Error> {
        let dossier = SealedDossier::from_json(sealed).map_err(|e| Error::from(&e))?;
        let verification = dossier.verify(&VerifyOptions::default());
        let manifest_sha256 = verification.manifest_digest;
        verification.into_result().map_err(|e| Error::from(&e))?;
        let manifest = dossier.manifest();
        let mut files: Vec<FileUpload> = Vec::new();
        for a in &manifest.attachments {
            if !files.iter().any(|f| f.sha256 == a.sha256) {
                files.push(FileUpload {
                    name: a.name.clone(),
                    size: a.size,
                    sha256: a.sha256,
                    url: None,
                    offset: 0,
                    confirmed: false,
                });
            }
        }
        let sealed = String::from_utf8(sealed.to_vec()).map_err(|_| Error::InvalidDossier {
            code: "json".into(),
            detail: "the sealed dossier is not UTF-8".into(),
            message: motcua_forms::LocalizedText::new(
                "Tệp hồ sơ không phải văn bản UTF-8.",
                "The dossier file is not UTF-8 text.",
            ),
        })?;
        Ok(Self::Waiting(Waiting {
            job: Job {
                endpoint,
                adapter: AdapterConfig::MotcuaV1,
                sealed,
                dossier_id: manifest.id,
                manifest_sha256,
                files,
                server: None,
                pinned_kid: None,
                attempts: 0,
                missing_rounds: 0,
            },
        }))
    }

    /// Queues `sealed` for an office of the directory, through the adapter
    /// its entry names: for `motcua-v1` the office's intake server with its
    /// receipt key pinned; for `multipart` a POST to its backend.
    ///
    /// Besides the checks of [`new`](Self::new), refused here, before
    /// anything is sent: a dossier sealed for another office
    /// ([`Error::WrongOffice`] — the office is part of the sealed
    /// manifest), a procedure the office does not accept
    /// ([`Error::ProcedureNotAccepted`]), a dossier over the limits the
    /// directory states ([`Error::TooLarge`]), and an adapter this client
    /// does not have ([`Error::UnsupportedAdapter`]).
    pub fn for_office(office: &OfficeEntry, sealed: &[u8]) -> Result<Self, Error> {
        let (endpoint, adapter, pinned) = match &office.backend {
            Backend::MotcuaV1 { url, receipt_kid } => (
                url.clone(),
                AdapterConfig::MotcuaV1,
                Some(receipt_kid.clone()),
            ),
            Backend::Multipart(config) => (
                config.url.parse()?,
                AdapterConfig::Multipart(config.clone()),
                None,
            ),
            Backend::Unsupported { adapter } => {
                return Err(Error::UnsupportedAdapter {
                    office: office.code.to_string(),
                    adapter: adapter.clone(),
                });
            }
        };
        let mut entry = Self::new(endpoint, sealed)?;
        let sealed_dossier = entry.job().sealed_dossier()?;
        let manifest = sealed_dossier.manifest();
        if manifest.office != office.code {
            return Err(Error::WrongOffice {
                office: office.code.to_string(),
                sealed_for: manifest.office.to_string(),
            });
        }
        if !office.accepts(&manifest.procedure.code) {
            return Err(Error::ProcedureNotAccepted {
                office: office.code.to_string(),
                procedure: manifest.procedure.code.to_string(),
            });
        }
        let sizes: Vec<u64> = manifest.attachments.iter().map(|a| a.size).collect();
        if let Some(over) = office.limits.first_exceeded(sealed.len() as u64, &sizes) {
            return Err(Error::too_large(over));
        }
        let job = entry.job_mut();
        job.adapter = adapter;
        job.pinned_kid = pinned;
        Ok(entry)
    }

    /// Requires the office to sign receipts with the key of thumbprint
    /// `kid` (pinned from a signed office directory).
    pub fn with_pinned_receipt_key(mut self, kid: impl Into<String>) -> Self {
        self.job_mut().pinned_kid = Some(kid.into());
        self
    }

    /// What every state carries.
    pub fn job(&self) -> &Job {
        match self {
            Self::Waiting(s) => &s.job,
            Self::Uploading(s) => &s.job,
            Self::Delivering(s) => &s.job,
            Self::Acknowledged(s) => &s.job,
            Self::Delivered(s) => &s.job,
            Self::Failed(s) => &s.job,
        }
    }

    fn job_mut(&mut self) -> &mut Job {
        match self {
            Self::Waiting(s) => &mut s.job,
            Self::Uploading(s) => &mut s.job,
            Self::Delivering(s) => &mut s.job,
            Self::Acknowledged(s) => &mut s.job,
            Self::Delivered(s) => &mut s.job,
            Self::Failed(s) => &mut s.job,
        }
    }

    /// The dossier's id.
    pub fn dossier_id(&self) -> DossierId {
        self.job().dossier_id
    }

    /// The state's name: `waiting`, `uploading`, `delivering`,
    /// `acknowledged`, `delivered`, `failed`.
    pub fn state_name(&self) -> &'static str {
        match self {
            Self::Waiting(_) => "waiting",
            Self::Uploading(_) => "uploading",
            Self::Delivering(_) => "delivering",
            Self::Acknowledged(_) => "acknowledged",
            Self::Delivered(_) => "delivered",
            Self::Failed(_) => "failed",
        }
    }

    /// Whether nothing more is to be done without the applicant:
    /// acknowledged, delivered, or failed without hope of a retry helping.
    pub fn is_settled(&self) -> bool {
        match self {
            Self::Acknowledged(_) | Self::Delivered(_) => true,
            Self::Failed(f) => !f.retryable,
            _ => false,
        }
    }

    /// Whether the office has the dossier: acknowledged (verified receipt)
    /// or delivered (unsigned record).
    pub fn is_sent(&self) -> bool {
        matches!(self, Self::Acknowledged(_) | Self::Delivered(_))
    }
}

impl Acknowledged {
    /// The receipt token (compact JWS) as the office signed it.
    pub fn receipt(&self) -> &str {
        &self.receipt
    }

    /// What the receipt says.
    pub fn claims(&self) -> &ReceiptClaims {
        &self.claims
    }

    /// The dossier code the office assigned.
    pub fn dossier_code(&self) -> &DossierCode {
        &self.claims.dossier_code
    }

    /// What it carries.
    pub fn job(&self) -> &Job {
        &self.job
    }

    /// Checks the receipt again with the office key it was checked with
    /// (e.g. after reading the entry back from storage).
    pub fn verify(&self) -> Result<Receipt, Error> {
        let key = self
            .job
            .server
            .as_ref()
            .ok_or_else(|| Error::Protocol {
                detail: "no office key is known for this receipt".into(),
            })?
            .receipt_public_key()?;
        Receipt::verify(&self.receipt, &key).map_err(|e| Error::BadReceipt {
            code: e.code().to_owned(),
            detail: e.to_string(),
        })
    }

    /// Asks the office for the receipt again (the office answers a dossier
    /// it holds with the same receipt, and stores nothing new).
    pub fn resend(self) -> OutboxEntry {
        OutboxEntry::Delivering(Delivering { job: self.job })
    }
}

impl Delivered {
    /// The backend's answer, as recorded. Not a receipt: see
    /// [`DeliveryRecord`].
    pub fn record(&self) -> &DeliveryRecord {
        &self.record
    }

    /// The backend's reference for the dossier.
    pub fn reference(&self) -> &str {
        &self.record.reference
    }

    /// What it carries.
    pub fn job(&self) -> &Job {
        &self.job
    }

    /// Posts the dossier again with the same `Idempotency-Key`; a backend
    /// that honours it answers with the same reference and keeps one
    /// dossier.
    pub fn resend(self) -> OutboxEntry {
        OutboxEntry::Delivering(Delivering { job: self.job })
    }
}

impl Failed {
    /// Why it stopped.
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// Whether it is worth trying again without any change.
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }

    /// When the next automatic attempt is due, milliseconds since the Unix
    /// epoch (none for errors that retrying will not mend).
    pub fn next_attempt_at_ms(&self) -> Option<u64> {
        self.next_attempt_at_ms
    }

    /// Where it would resume.
    pub fn resumes_at(&self) -> Resume {
        self.resume
    }

    /// What it carries.
    pub fn job(&self) -> &Job {
        &self.job
    }

    /// Tries again now from where it stopped (the applicant pressed
    /// "retry", or the device came back online): the failure count starts
    /// afresh.
    pub fn retry(mut self) -> OutboxEntry {
        self.job.attempts = 0;
        self.resume()
    }

    /// Resumes where it stopped, keeping the failure count (for backoff):
    /// for an automatic attempt the app scheduled at
    /// [`next_attempt_at_ms`](Self::next_attempt_at_ms).
    pub fn resume(mut self) -> OutboxEntry {
        self.job.unconfirm();
        match self.resume {
            Resume::Waiting => OutboxEntry::Waiting(Waiting { job: self.job }),
            Resume::Uploading { file } if file < self.job.files.len() => {
                OutboxEntry::Uploading(Uploading {
                    job: self.job,
                    file,
                })
            }
            Resume::Uploading { .. } => OutboxEntry::Waiting(Waiting { job: self.job }),
            Resume::Delivering => OutboxEntry::Delivering(Delivering { job: self.job }),
        }
    }
}

/// Turns an error into the failed state, with the time of the next attempt
/// for errors worth retrying.
pub(crate) fn fail<T: Transport, A: Attachments>(
    client: &Client<T, A>,
    mut job: Job,
    resume: Resume,
    error: Error,
) -> OutboxEntry {
    job.attempts = job.attempts.saturating_add(1);
    job.unconfirm();
    let retryable = error.is_retryable();
    let now = client.transport().now_ms();
    let next_attempt_at_ms = retryable.then(|| {
        let seed = u64::from_le_bytes(
            job.dossier_id.as_bytes()[..8]
                .try_into()
                .unwrap_or_default(),
        ) ^ now;
        let backoff = client.policy().backoff_ms(job.attempts, seed);
        now + backoff.max(error.retry_after_ms().unwrap_or(0))
    });
    OutboxEntry::Failed(Failed {
        job,
        resume,
        error,
        retryable,
        next_attempt_at_ms,
    })
}

/// The next state once the capabilities are known: the first unfinished
/// file, or the delivery.
pub(crate) fn after_uploads(job: Job) -> OutboxEntry {
    match job.next_file() {
        Some(file) => OutboxEntry::Uploading(Uploading { job, file }),
        None => OutboxEntry::Delivering(Delivering { job }),
    }
}

impl Waiting {
    /// Prepares the delivery through the entry's adapter: for `motcua-v1`
    /// reads the office's capabilities and checks the dossier against its
    /// limits and pinned key; for `multipart` checks the size limit.
    pub async fn step<T: Transport, A: Attachments>(self, client: &Client<T, A>) -> OutboxEntry {
        adapter::prepare(client, self.job).await
    }
}

impl Uploading {
    /// Sends the next bytes of the current file (`motcua-v1`: creates its
    /// tus upload with the first chunk, or sends the next chunk — after
    /// asking the server for the upload's offset when it is not known for
    /// sure, after a failure or a reload). So every step makes progress,
    /// with at most two requests.
    pub async fn step<T: Transport, A: Attachments>(self, client: &Client<T, A>) -> OutboxEntry {
        adapter::upload(client, self.job, self.file).await
    }
}

impl Delivering {
    /// Sends the dossier and checks the answer: for `motcua-v1` posts the
    /// sealed dossier and verifies the office's receipt; for `multipart`
    /// posts everything in one request and records the backend's answer.
    pub async fn step<T: Transport, A: Attachments>(self, client: &Client<T, A>) -> OutboxEntry {
        adapter::deliver(client, self.job).await
    }
}
