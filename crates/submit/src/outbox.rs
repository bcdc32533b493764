//! The outbox entry: one sealed dossier on its way to an office, as a state
//! machine.
//!
//! ```text
//!            ┌──────────── failure ───────────┐
//!            ▼                                │
//! Waiting ──▶ Uploading{file} ──▶ Delivering ──▶ Acknowledged{receipt}
//!    │             │   ▲              │
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

use motcua_dossier::{
    DossierCode, DossierId, FileName, Receipt, ReceiptClaims, SealedDossier, Sha256, VerifyOptions,
};
use serde::{Deserialize, Serialize};

use crate::client::{Client, Event};
use crate::error::Error;
use crate::office::{Endpoint, ServerInfo};
use crate::problem::{self, Problem};
use crate::transport::{Attachments, FileRef, Method, Request, Response, Transport};
use crate::tus;

/// How often the office may answer "attachments missing" before the
/// client stops re-uploading them.
const MAX_MISSING_ROUNDS: u32 = 3;

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
    confirmed: bool,
}

impl FileUpload {
    /// Whether the server holds the whole file.
    pub fn is_done(&self) -> bool {
        self.url.is_some() && self.offset == self.size
    }

    fn restart(&mut self) {
        self.url = None;
        self.offset = 0;
        self.confirmed = false;
    }
}

/// What every state carries: the dossier, where it goes, and how far the
/// upload has come.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    endpoint: Endpoint,
    /// The sealed dossier file, as posted.
    sealed: String,
    dossier_id: DossierId,
    manifest_sha256: Sha256,
    files: Vec<FileUpload>,
    /// The capabilities, once read.
    server: Option<ServerInfo>,
    /// A receipt key thumbprint the office must use (from a signed office
    /// directory).
    pinned_kid: Option<String>,
    /// Failures in a row.
    attempts: u32,
    /// Times the office said attachments were missing.
    missing_rounds: u32,
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

    /// The office's server.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
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

    fn next_file(&self) -> Option<usize> {
        self.files.iter().position(|f| !f.is_done())
    }

    fn unconfirm(&mut self) {
        for f in &mut self.files {
            f.confirmed = false;
        }
    }

    fn sealed_dossier(&self) -> Result<SealedDossier, Error> {
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
    job: Job,
}

/// Uploading the files, one chunk per step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uploading {
    job: Job,
    file: usize,
}

/// Every file is up; the sealed dossier is posted next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivering {
    job: Job,
}

/// The office acknowledged the dossier with a receipt that verifies and is
/// for this dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledged {
    job: Job,
    /// The receipt (compact JWS), as the office signed it.
    receipt: String,
    /// What it says.
    claims: ReceiptClaims,
}

/// Stopped on an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failed {
    job: Job,
    resume: Resume,
    error: Error,
    retryable: bool,
    next_attempt_at_ms: Option<u64>,
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
            Self::Failed(s) => &s.job,
        }
    }

    fn job_mut(&mut self) -> &mut Job {
        match self {
            Self::Waiting(s) => &mut s.job,
            Self::Uploading(s) => &mut s.job,
            Self::Delivering(s) => &mut s.job,
            Self::Acknowledged(s) => &mut s.job,
            Self::Failed(s) => &mut s.job,
        }
    }

    /// The dossier's id.
    pub fn dossier_id(&self) -> DossierId {
        self.job().dossier_id
    }

    /// The state's name: `waiting`, `uploading`, `delivering`,
    /// `acknowledged`, `failed`.
    pub fn state_name(&self) -> &'static str {
        match self {
            Self::Waiting(_) => "waiting",
            Self::Uploading(_) => "uploading",
            Self::Delivering(_) => "delivering",
            Self::Acknowledged(_) => "acknowledged",
            Self::Failed(_) => "failed",
        }
    }

    /// Whether nothing more is to be done without the applicant: acknowledged,
    /// or failed without hope of a retry helping.
    pub fn is_settled(&self) -> bool {
        match self {
            Self::Acknowledged(_) => true,
            Self::Failed(f) => !f.retryable,
            _ => false,
        }
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
fn fail<T: Transport, A: Attachments>(
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
fn after_uploads(job: Job) -> OutboxEntry {
    match job.next_file() {
        Some(file) => OutboxEntry::Uploading(Uploading { job, file }),
        None => OutboxEntry::Delivering(Delivering { job }),
    }
}

impl Waiting {
    /// Reads the office's capabilities and checks the dossier against its
    /// limits and pinned key.
    pub async fn step<T: Transport, A: Attachments>(self, client: &Client<T, A>) -> OutboxEntry {
        let mut job = self.job;
        let info = match client.discover(&job.endpoint).await {
            Ok(info) => info,
            Err(error) => return fail(client, job, Resume::Waiting, error),
        };
        if let Some(pinned) = &job.pinned_kid {
            if *pinned != info.receipt_kid {
                let error = Error::KeyChanged {
                    expected: pinned.clone(),
                    found: info.receipt_kid,
                };
                return fail(client, job, Resume::Waiting, error);
            }
        }
        if let Err(error) = check_limits(&job, &info) {
            return fail(client, job, Resume::Waiting, error);
        }
        client.emit(Event::Discovered {
            dossier: job.dossier_id,
            server: info.server.clone(),
        });
        job.server = Some(info);
        job.attempts = 0;
        after_uploads(job)
    }
}

fn check_limits(job: &Job, info: &ServerInfo) -> Result<(), Error> {
    let limits = &info.limits;
    let too_large = |what: &str, limit: u64, found: u64| {
        (found > limit).then(|| Error::TooLarge {
            what: what.to_owned(),
            limit,
            found,
        })
    };
    let sealed = job.sealed_dossier()?;
    let attachments = &sealed.manifest().attachments;
    let total: u64 = attachments.iter().map(|a| a.size).sum();
    let largest = attachments.iter().map(|a| a.size).max().unwrap_or(0);
    let checks = [
        too_large(
            "sealed dossier bytes",
            limits.max_manifest_bytes,
            job.sealed.len() as u64,
        ),
        too_large(
            "attachments",
            u64::from(limits.max_attachments),
            attachments.len() as u64,
        ),
        too_large(
            "bytes of one attachment",
            limits.max_attachment_bytes,
            largest,
        ),
        too_large("bytes of all attachments", limits.max_dossier_bytes, total),
    ];
    match checks.into_iter().flatten().next() {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// What a tus answer about one file means for its upload.
pub(crate) enum Outcome {
    /// The upload advanced to this offset.
    At(u64),
    /// The upload is gone (expired, terminated, refused): start it again.
    Gone,
    /// The offset is not the server's: ask.
    Unsure,
    /// A failure.
    Failed(Error),
}

impl Uploading {
    /// Sends the next bytes of the current file: creates its upload with
    /// the first chunk, or sends the next chunk — after asking the server
    /// for the upload's offset (tus `HEAD`) when it is not known for sure
    /// (after a failure or a reload). So every step makes progress, with at
    /// most two requests.
    pub async fn step<T: Transport, A: Attachments>(self, client: &Client<T, A>) -> OutboxEntry {
        let Self { mut job, file } = self;
        let Some(server) = job.server.clone() else {
            return OutboxEntry::Waiting(Waiting { job });
        };
        let resume = Resume::Uploading { file };
        if file >= job.files.len() {
            return after_uploads(job);
        }
        let dossier = job.dossier_id;
        if let (Some(url), false) = (job.files[file].url.clone(), job.files[file].confirmed) {
            let upload = &job.files[file];
            let outcome = match client.transport().send(tus::head(&url)).await {
                Ok(response) => tus::offset_of(&response, upload),
                Err(e) => Outcome::Failed(e.into()),
            };
            let f = &mut job.files[file];
            match outcome {
                Outcome::At(offset) => {
                    f.offset = offset;
                    f.confirmed = true;
                    if f.is_done() {
                        return after_uploads(job);
                    }
                }
                Outcome::Gone => f.restart(),
                Outcome::Unsure => return OutboxEntry::Uploading(Self { job, file }),
                Outcome::Failed(error) => return fail(client, job, resume, error),
            }
        }
        let upload = job.files[file].clone();
        let outcome = match &upload.url {
            None => {
                let chunk = match read_chunk(client, dossier, &upload, 0).await {
                    Ok(chunk) => chunk,
                    Err(error) => return fail(client, job, resume, error),
                };
                let request = tus::create(&server.uploads, dossier, &upload, chunk);
                match client.transport().send(request).await {
                    Ok(response) => match created(&job.endpoint, &response, &upload) {
                        Ok((url, offset)) => {
                            job.files[file].url = Some(url);
                            offset
                        }
                        Err(error) => Outcome::Failed(error),
                    },
                    Err(e) => Outcome::Failed(e.into()),
                }
            }
            Some(url) => {
                let chunk = match read_chunk(client, dossier, &upload, upload.offset).await {
                    Ok(chunk) => chunk,
                    Err(error) => return fail(client, job, resume, error),
                };
                let sent = chunk.len() as u64;
                let request = tus::patch(url, upload.offset, chunk);
                let outcome = match client.transport().send(request).await {
                    Ok(response) => tus::patched(&response, &upload, sent),
                    Err(e) => Outcome::Failed(e.into()),
                };
                if let (Outcome::At(_), Some(rate)) =
                    (&outcome, client.policy().max_bytes_per_second)
                {
                    let millis = sent.saturating_mul(1000) / rate.max(1);
                    client
                        .transport()
                        .sleep(std::time::Duration::from_millis(millis))
                        .await;
                }
                outcome
            }
        };
        let f = &mut job.files[file];
        match outcome {
            Outcome::At(offset) => {
                f.offset = offset;
                f.confirmed = true;
                // Bytes went through: the failures in a row are over.
                job.attempts = 0;
                let (sent, total) = job.progress();
                client.emit(Event::Progress {
                    dossier,
                    sent,
                    total,
                });
                if job.files[file].is_done() {
                    after_uploads(job)
                } else {
                    OutboxEntry::Uploading(Self { job, file })
                }
            }
            Outcome::Gone => {
                f.restart();
                OutboxEntry::Uploading(Self { job, file })
            }
            Outcome::Unsure => {
                f.confirmed = false;
                OutboxEntry::Uploading(Self { job, file })
            }
            Outcome::Failed(error) => fail(client, job, resume, error),
        }
    }
}

/// Reads the chunk of `upload` at `offset`, checking its length.
async fn read_chunk<T: Transport, A: Attachments>(
    client: &Client<T, A>,
    dossier: DossierId,
    upload: &FileUpload,
    offset: u64,
) -> Result<Vec<u8>, Error> {
    let want = upload
        .size
        .saturating_sub(offset)
        .min(client.policy().chunk_bytes.max(1) as u64) as usize;
    if want == 0 {
        return Ok(Vec::new());
    }
    let file = FileRef {
        dossier,
        name: &upload.name,
        sha256: &upload.sha256,
        size: upload.size,
    };
    let chunk = client.attachments().read(&file, offset, want).await?;
    if chunk.len() != want {
        // The file is shorter than the manifest says.
        return Err(Error::AttachmentChanged {
            name: upload.name.to_string(),
        });
    }
    Ok(chunk)
}

/// Reads the answer to a creation: the upload's URL and how far it got.
fn created(
    endpoint: &Endpoint,
    response: &Response,
    upload: &FileUpload,
) -> Result<(String, Outcome), Error> {
    match response.status {
        201 => {
            let location = response.header("location").ok_or_else(|| Error::Protocol {
                detail: "the upload was created without a Location".into(),
            })?;
            let url = endpoint.resolve(location)?;
            let outcome = match response.header("upload-offset").map(str::parse::<u64>) {
                Some(Ok(offset)) if offset <= upload.size => Outcome::At(offset),
                Some(_) => {
                    return Err(Error::Protocol {
                        detail: "the upload was created with an impossible Upload-Offset".into(),
                    });
                }
                // The server took no bytes with the creation.
                None => Outcome::At(0),
            };
            Ok((url, outcome))
        }
        _ => Err(tus::failure(response, upload)),
    }
}

impl Delivering {
    /// Posts the sealed dossier and checks the receipt.
    pub async fn step<T: Transport, A: Attachments>(self, client: &Client<T, A>) -> OutboxEntry {
        let mut job = self.job;
        let Some(server) = job.server.clone() else {
            return OutboxEntry::Waiting(Waiting { job });
        };
        let request = Request::new(Method::Post, &server.dossiers)
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .body(job.sealed.clone().into_bytes());
        let response = match client.transport().send(request).await {
            Ok(response) => response,
            Err(e) => return fail(client, job, Resume::Delivering, e.into()),
        };
        if response.status == 422 {
            let problem = Problem::of(&response);
            if problem.name() == "attachment-missing" && job.missing_rounds < MAX_MISSING_ROUNDS {
                // The office lost (or never kept) some files: upload them again.
                job.missing_rounds += 1;
                let mut any = false;
                for f in &mut job.files {
                    if problem.missing.iter().any(|m| *m == f.sha256.to_string()) {
                        f.restart();
                        any = true;
                    }
                }
                if any {
                    return after_uploads(job);
                }
            }
        }
        if !matches!(response.status, 200 | 201) {
            return fail(client, job, Resume::Delivering, problem::refusal(&response));
        }
        match receipt(client, &mut job, &server, &response).await {
            Ok((token, claims)) => {
                job.attempts = 0;
                client.emit(Event::Acknowledged {
                    dossier: job.dossier_id,
                    code: claims.dossier_code.clone(),
                });
                OutboxEntry::Acknowledged(Acknowledged {
                    job,
                    receipt: token,
                    claims,
                })
            }
            Err(error) => fail(client, job, Resume::Delivering, error),
        }
    }
}

/// Checks the receipt in the answer to the dossier: its signature with the
/// office's key, then that it is for this dossier.
async fn receipt<T: Transport, A: Attachments>(
    client: &Client<T, A>,
    job: &mut Job,
    server: &ServerInfo,
    response: &Response,
) -> Result<(String, ReceiptClaims), Error> {
    #[derive(Deserialize)]
    struct Answer {
        receipt: String,
    }
    let answer: Answer = serde_json::from_slice(&response.body).map_err(|e| Error::Protocol {
        detail: format!("the answer to the dossier holds no receipt: {e}"),
    })?;
    let key = server.receipt_public_key()?;
    let verified = match Receipt::verify(&answer.receipt, &key) {
        // The office may have changed its key since it was read; unless a
        // key is pinned, read it again and check with the new one.
        Err(motcua_dossier::Error::UnexpectedKey { .. }) if job.pinned_kid.is_none() => {
            let fresh = client.discover(&job.endpoint).await?;
            let verified = Receipt::verify(&answer.receipt, &fresh.receipt_public_key()?);
            job.server = Some(fresh);
            verified
        }
        other => other,
    }
    .map_err(|e| Error::BadReceipt {
        code: e.code().to_owned(),
        detail: e.to_string(),
    })?;
    let sealed = job.sealed_dossier()?;
    let manifest = sealed.manifest();
    let claims = verified.claims();
    let mismatch = if claims.dossier_id != manifest.id {
        Some("dossier_id")
    } else if claims.manifest_sha256 != job.manifest_sha256 {
        Some("manifest_sha256")
    } else if claims.office != manifest.office {
        Some("office")
    } else if claims.procedure != manifest.procedure {
        Some("procedure")
    } else {
        None
    };
    if let Some(field) = mismatch {
        return Err(Error::ReceiptMismatch {
            field: field.to_owned(),
        });
    }
    Ok((answer.receipt, claims.clone()))
}
