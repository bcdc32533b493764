//! The app's web worker: the heavy work (key derivation, signing, scanning,
//! sending) runs here so the page stays responsive (DESIGN.md: "Heavy work
//! runs in a web worker").
//!
//! Code in this module and below it runs only in the worker (the
//! `motcua-worker` binary), never on the page; the messages both sides
//! share are in [`crate::jobs`], the page's side in
//! `crate::services::worker`.
//!
//! [`Engine`] is a gloo-worker actor. Each [`Envelope`] it receives runs as
//! one async function per job, each returning that job's typed `Result`;
//! the answer goes back tagged with the job's id, after zero or more
//! progress events.

mod delivery;
pub(crate) mod unlock;

use std::rc::Rc;

use gloo::worker::{HandlerId, Worker, WorkerScope};
use motcua_dossier::{
    Certificate, DossierId, KeyFile, Manifest, SealedDossier, SigningKey, Timestamp,
};
use motcua_forms::AttachmentRule;
use motcua_protocol::Limits as OfficeLimits;
use motcua_scan::{Limits, PageImage, PdfMeta};

use crate::filing::AttachedFile;
use crate::jobs::{
    AssemblePdf, AssembledPdf, CheckPdf, CheckedPdf, CreateKey, Delivered, Envelope, Event,
    ImportKey, JobError, NewKey, PrepareManifest, PreparedManifest, ReceiptPdf, ReceiptPdfBytes,
    Request, Response, ScanPage, ScannedPage, Seal, Sealed, SendEntry, VerifiedDirectory,
    VerifyDirectory,
};

/// Hears how far a job has come: `(done, total)`.
pub(crate) type Progress = Rc<dyn Fn(u64, u64)>;

/// The worker itself.
#[derive(Debug)]
pub(crate) struct Engine;

/// Runs this thread as the app's worker (the `motcua-worker` binary's main).
pub fn register_worker() {
    use gloo::worker::Registrable;
    Engine::registrar().register();
}

/// Runs one job to its end.
pub(crate) async fn answer(request: Request, progress: Progress) -> Response {
    match request {
        Request::CreateKey(job) => Response::CreateKey(create_key(job)),
        Request::ImportKey(job) => Response::ImportKey(import_key(job)),
        Request::PrepareManifest(job) => Response::PrepareManifest(prepare_manifest(job)),
        Request::ScanPage(job) => Response::ScanPage(scan_page(job, &*progress)),
        Request::AssemblePdf(job) => Response::AssemblePdf(assemble_pdf(job)),
        Request::CheckPdf(job) => Response::CheckPdf(check_pdf(job)),
        Request::SendEntry(job) => Response::SendEntry(send_entry(job, progress).await),
        Request::VerifyDirectory(job) => Response::VerifyDirectory(verify_directory(job)),
        Request::Seal(job) => Response::Seal(seal(job).await),
        Request::ReceiptPdf(job) => Response::ReceiptPdf(receipt_pdf(job)),
    }
}

/// The limits of making an attachment for `rule` at an office with
/// `office` limits, `used` bytes of the dossier already taken.
fn scan_limits(office: &OfficeLimits, rule: &AttachmentRule, used: u64) -> Limits {
    Limits::for_component(rule, office).with_dossier_bytes_used(used)
}

fn label_of(label: Option<String>) -> Option<String> {
    label.map(|l| l.trim().to_owned()).filter(|l| !l.is_empty())
}

fn new_key(key: &SigningKey, passphrase: &str, label: Option<String>) -> Result<NewKey, JobError> {
    let file = KeyFile::encrypt(key, passphrase, label_of(label))?;
    Ok(NewKey {
        key_file: file.to_json(),
        kid: key.kid(),
    })
}

/// Makes an ES256 device key and encrypts it.
pub(crate) fn create_key(job: CreateKey) -> Result<NewKey, JobError> {
    let key = SigningKey::generate_device_key()?;
    new_key(&key, &job.passphrase, job.label)
}

/// Reads a PKCS#8 key (PEM or DER) and its chain, and encrypts it.
fn import_key(job: ImportKey) -> Result<NewKey, JobError> {
    let parsed = match std::str::from_utf8(&job.key) {
        Ok(pem) if pem.contains("-----BEGIN") => SigningKey::from_pem(pem, None),
        _ => SigningKey::from_pkcs8_der(&job.key, None),
    };
    let key = parsed.and_then(|key| match job.certificates {
        Some(pem) if !pem.trim().is_empty() => {
            Certificate::from_pem_chain(&pem).and_then(|chain| key.with_certificates(chain))
        }
        _ => Ok(key),
    })?;
    new_key(&key, &job.passphrase, job.label)
}

/// Builds the manifest of the page's parts, made now by this client.
pub(crate) fn prepare_manifest(job: PrepareManifest) -> Result<PreparedManifest, JobError> {
    let parts = job.parts;
    let id = DossierId::generate().map_err(motcua_dossier::Error::from)?;
    let client = crate::CLIENT_VERSION
        .parse()
        .map_err(motcua_dossier::Error::from)?;
    let built = Manifest::builder(parts.procedure, parts.office)
        .form_json(&parts.form)?
        .attachments(parts.attachments.iter().map(AttachedFile::attachment))
        .id(id)
        .created(Timestamp::from_unix(job.now).map_err(motcua_dossier::Error::from)?)
        .client(client)
        .canonical()?;
    Ok(PreparedManifest {
        manifest: built.bytes,
        digest: built.digest,
        id,
    })
}

/// Scans one photo into an A4 page, reporting its four stages.
fn scan_page(job: ScanPage, progress: &dyn Fn(u64, u64)) -> Result<ScannedPage, JobError> {
    let limits = scan_limits(&job.office, &job.rule, 0);
    let stages = 4;
    let mut done = 0;
    let page = motcua_scan::scan_image_with_progress(&job.bytes, &job.settings, &limits, |_| {
        done += 1;
        progress(done, stages);
    })?;
    Ok(ScannedPage {
        width: page.width(),
        height: page.height(),
        jpeg: page.into_jpeg(),
    })
}

/// Puts page images into one PDF.
fn assemble_pdf(job: AssemblePdf) -> Result<AssembledPdf, JobError> {
    let limits = scan_limits(&job.office, &job.rule, job.dossier_bytes_used);
    let images = job
        .pages
        .into_iter()
        .map(|jpeg| PageImage::from_jpeg(jpeg, &limits))
        .collect::<Result<Vec<_>, _>>()?;
    let meta = PdfMeta {
        title: Some(job.title),
        created: None,
    };
    let pdf = motcua_scan::assemble_pdf(&images, &meta, &limits)?;
    Ok(AssembledPdf {
        pages: pdf.info.pages,
        sha256: pdf.info.sha256,
        bytes: pdf.bytes,
    })
}

/// Checks a PDF the citizen gave.
fn check_pdf(job: CheckPdf) -> Result<CheckedPdf, JobError> {
    let limits = scan_limits(&job.office, &job.rule, job.dossier_bytes_used);
    let info = motcua_scan::attach_pdf(&job.bytes, &limits)?;
    Ok(CheckedPdf {
        pages: info.pages,
        sha256: info.sha256,
    })
}

/// Sends an outbox entry; how it ended is in the entry in device storage.
async fn send_entry(job: SendEntry, progress: Progress) -> Result<Delivered, JobError> {
    delivery::send(&job.id, job.now, move |sent, total| progress(sent, total)).await;
    Ok(Delivered)
}

/// Verifies a signed office directory against the pinned publisher keys.
fn verify_directory(job: VerifyDirectory) -> Result<VerifiedDirectory, JobError> {
    let refused = |err: motcua_submit::Error| JobError::new("directory", err.message());
    let pins = motcua_submit::PublisherPins::new()
        .with_json(&job.pins)
        .map_err(refused)?;
    let now = Timestamp::from_unix(job.now).map_err(|err| {
        refused(motcua_submit::Error::from(&motcua_dossier::Error::from(
            err,
        )))
    })?;
    let verified = motcua_submit::Directory::verify(&job.signed, &pins, now).map_err(refused)?;
    Ok(VerifiedDirectory {
        json: serde_json::to_vec(verified.directory()).unwrap_or_default(),
    })
}

/// Unlocks the key (WebCrypto where the browser has it) and seals the
/// canonical manifest.
pub(crate) async fn seal(job: Seal) -> Result<Sealed, JobError> {
    let file = KeyFile::from_json(&job.key_file)?;
    let key = unlock::open_key_file(&file, &job.passphrase).await?;
    let manifest = Manifest::from_json(&job.manifest)?;
    let now = Timestamp::from_unix(job.now).map_err(motcua_dossier::Error::from)?;
    let dossier = SealedDossier::seal(manifest, &key, now)?;
    Ok(Sealed {
        dossier: dossier.to_json(),
    })
}

/// Lays out the printable receipt.
fn receipt_pdf(job: ReceiptPdf) -> Result<ReceiptPdfBytes, JobError> {
    motcua_receipt::render(&job.slip, &job.font, job.lang)
        .map(|bytes| ReceiptPdfBytes { bytes })
        .map_err(|err| JobError::new("receipt_pdf", err.localized()))
}

impl Worker for Engine {
    type Message = ();
    type Input = Envelope;
    type Output = Event;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        Self
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, envelope: Envelope, who: HandlerId) {
        let job = envelope.id;
        let progress: Progress = {
            let scope = scope.clone();
            Rc::new(move |done, total| scope.respond(who, Event::Progress { job, done, total }))
        };
        let scope = scope.clone();
        // Every job runs as a task of its own: one waiting on the network
        // or on WebCrypto does not hold up the others.
        wasm_bindgen_futures::spawn_local(async move {
            let response = answer(envelope.request, progress).await;
            scope.respond(who, Event::Done { job, response });
        });
    }
}
