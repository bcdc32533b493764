//! The app's web worker: the heavy work (key derivation, signing, later
//! scanning) runs here so the page stays responsive (DESIGN.md: "Heavy work
//! runs in a web worker").
//!
//! [`Engine`] is a gloo-worker actor. The page sends a [`Job`] (an id and a
//! [`Task`]); the worker answers with zero or more progress events and one
//! final [`Outcome`], all tagged with the job id. Both sides are in this
//! module so the message types cannot drift apart.

use gloo::worker::{HandlerId, Worker, WorkerScope};
use motcua_dossier::{
    Certificate, DossierId, KeyFile, Manifest, OfficeCode, ProcedureRef, SealedDossier, Sha256,
    SigningKey, Timestamp,
};
use motcua_forms::{AttachmentRule, Lang, LocalizedText};
use motcua_protocol::Limits as OfficeLimits;
use motcua_scan::{Limits, PageImage, PdfMeta, Settings};
use serde::{Deserialize, Serialize};

use crate::filing::AttachedFile;

/// Something for the worker to do.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Task {
    /// Make an ES256 device key and encrypt it under `passphrase`.
    CreateKey {
        passphrase: String,
        label: Option<String>,
    },
    /// Import a PKCS#8 key (PEM text or DER) with an optional PEM chain.
    ImportKey {
        key: Vec<u8>,
        certificates: Option<String>,
        passphrase: String,
        label: Option<String>,
    },
    /// Build the manifest of `parts` with a new id, the time `now` and this
    /// client's version, and return its canonical bytes and hash, so the
    /// citizen sees what will be signed.
    PrepareManifest { parts: ManifestParts, now: i64 },
    /// Turn one photo (JPEG, PNG, WebP) into an A4 page image.
    ScanPage {
        bytes: Vec<u8>,
        settings: Settings,
        rule: AttachmentRule,
        office: OfficeLimits,
    },
    /// Put page images (JPEG, as made by `ScanPage`) into one PDF.
    AssemblePdf {
        pages: Vec<Vec<u8>>,
        title: String,
        rule: AttachmentRule,
        office: OfficeLimits,
        dossier_bytes_used: u64,
    },
    /// Check a PDF the citizen gave (kept byte for byte): type, pages, hash.
    CheckPdf {
        bytes: Vec<u8>,
        rule: AttachmentRule,
        office: OfficeLimits,
        dossier_bytes_used: u64,
    },
    /// Send outbox entry `id` to its office (asynchronous: the worker keeps
    /// answering other jobs while it waits on the network).
    /// With `now`, a stopped entry is tried again at once, its failure
    /// count reset (the citizen pressed "try again"); without, it resumes
    /// keeping the count, so waits keep growing.
    Send { id: String, now: bool },
    /// Check a signed office directory against the pinned publisher keys
    /// (a JWK Set) at `now` (Unix seconds).
    VerifyDirectory {
        signed: Vec<u8>,
        pins: Vec<u8>,
        now: i64,
    },
    /// Unlock a key file and seal canonical manifest bytes with it.
    Seal {
        key_file: Vec<u8>,
        passphrase: String,
        manifest: Vec<u8>,
        now: i64,
    },
    /// Lay out the printable receipt (motcua-receipt) with `font`.
    ReceiptPdf {
        slip: Box<motcua_receipt::Slip>,
        font: Vec<u8>,
        lang: Lang,
    },
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

/// The limits of making an attachment for `rule` at an office with
/// `office` limits, `used` bytes of the dossier already taken.
fn scan_limits(office: &OfficeLimits, rule: &AttachmentRule, used: u64) -> Limits {
    Limits::for_component(rule, office).with_dossier_bytes_used(used)
}

/// The end of a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) enum Outcome {
    /// A new key file (JSON) and its key id.
    Key { key_file: Vec<u8>, kid: String },
    /// A manifest ready to sign: its canonical bytes, their hash, its id.
    Prepared {
        manifest: Vec<u8>,
        digest: Sha256,
        id: DossierId,
    },
    /// A sealed dossier (JSON).
    Sealed { dossier: Vec<u8> },
    /// A page image (JPEG) and its size in pixels.
    Page {
        jpeg: Vec<u8>,
        width: u32,
        height: u32,
    },
    /// A PDF: its bytes (empty when they are the caller's own), pages, hash.
    Pdf {
        bytes: Vec<u8>,
        pages: u32,
        sha256: Sha256,
    },
    /// A verified office directory (its JSON document).
    Directory { json: Vec<u8> },
    /// A sending ended (acknowledged, or stopped for now); the outbox entry
    /// in device storage says how.
    Delivered,
    /// The printable receipt.
    ReceiptPdf { bytes: Vec<u8> },
    /// The job failed; `code` is stable, `message` is for people.
    Failed {
        code: String,
        message: LocalizedText,
    },
}

/// A job sent to the worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Job {
    pub(crate) id: u32,
    pub(crate) task: Task,
}

/// What the worker sends back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) enum Event {
    /// How far a job has come: `done` of `total` units.
    Progress { job: u32, done: u64, total: u64 },
    /// A job ended.
    Done { job: u32, outcome: Outcome },
}

/// The worker itself.
#[derive(Debug)]
pub(crate) struct Engine;

/// Runs this thread as the app's worker (the `motcua-worker` binary's main).
pub fn register_worker() {
    use gloo::worker::Registrable;
    Engine::registrar().register();
}

fn failed(err: &motcua_dossier::Error) -> Outcome {
    Outcome::Failed {
        code: err.code().to_owned(),
        message: err.message(),
    }
}

fn label_of(label: Option<String>) -> Option<String> {
    label.map(|l| l.trim().to_owned()).filter(|l| !l.is_empty())
}

fn key_outcome(key: &SigningKey, passphrase: &str, label: Option<String>) -> Outcome {
    match KeyFile::encrypt(key, passphrase, label_of(label)) {
        Ok(file) => Outcome::Key {
            key_file: file.to_json(),
            kid: key.kid(),
        },
        Err(err) => failed(&err),
    }
}

fn scan_failed(err: &motcua_scan::Error) -> Outcome {
    Outcome::Failed {
        code: err.code().to_owned(),
        message: LocalizedText::new(err.message(Lang::Vi), err.message(Lang::En)),
    }
}

/// Verifies a signed office directory against the pinned publisher keys.
fn verify_directory(signed: &[u8], pins: &[u8], now: i64) -> Outcome {
    let refused = |err: motcua_submit::Error| Outcome::Failed {
        code: "directory".into(),
        message: err.message(),
    };
    let pins = match motcua_submit::PublisherPins::new().with_json(pins) {
        Ok(pins) => pins,
        Err(err) => return refused(err),
    };
    let now = match Timestamp::from_unix(now) {
        Ok(now) => now,
        Err(err) => {
            return refused(motcua_submit::Error::from(&motcua_dossier::Error::from(
                err,
            )));
        }
    };
    match motcua_submit::Directory::verify(signed, &pins, now) {
        Ok(verified) => Outcome::Directory {
            json: serde_json::to_vec(verified.directory()).unwrap_or_default(),
        },
        Err(err) => refused(err),
    }
}

pub(crate) fn run(task: Task, progress: &mut dyn FnMut(u64, u64)) -> Outcome {
    match task {
        Task::VerifyDirectory { signed, pins, now } => verify_directory(&signed, &pins, now),
        Task::ReceiptPdf { slip, font, lang } => match motcua_receipt::render(&slip, &font, lang) {
            Ok(bytes) => Outcome::ReceiptPdf { bytes },
            Err(err) => Outcome::Failed {
                code: "receipt_pdf".into(),
                message: err.localized(),
            },
        },
        Task::Send { .. } | Task::Seal { .. } => Outcome::Failed {
            code: "async_task".into(),
            message: LocalizedText::new(
                "Việc này chạy bất đồng bộ, không qua hàng đợi đồng bộ.",
                "This task runs asynchronously, not through the synchronous queue.",
            ),
        },
        Task::ScanPage {
            bytes,
            settings,
            rule,
            office,
        } => {
            let limits = scan_limits(&office, &rule, 0);
            let stages = 4;
            let mut done = 0;
            let page = motcua_scan::scan_image_with_progress(&bytes, &settings, &limits, |_| {
                done += 1;
                progress(done, stages);
            });
            match page {
                Ok(page) => Outcome::Page {
                    width: page.width(),
                    height: page.height(),
                    jpeg: page.into_jpeg(),
                },
                Err(err) => scan_failed(&err),
            }
        }
        Task::AssemblePdf {
            pages,
            title,
            rule,
            office,
            dossier_bytes_used,
        } => {
            let limits = scan_limits(&office, &rule, dossier_bytes_used);
            let images: Result<Vec<PageImage>, _> = pages
                .into_iter()
                .map(|jpeg| PageImage::from_jpeg(jpeg, &limits))
                .collect();
            let meta = PdfMeta {
                title: Some(title),
                created: None,
            };
            match images.and_then(|images| motcua_scan::assemble_pdf(&images, &meta, &limits)) {
                Ok(pdf) => Outcome::Pdf {
                    pages: pdf.info.pages,
                    sha256: pdf.info.sha256,
                    bytes: pdf.bytes,
                },
                Err(err) => scan_failed(&err),
            }
        }
        Task::CheckPdf {
            bytes,
            rule,
            office,
            dossier_bytes_used,
        } => {
            match motcua_scan::attach_pdf(&bytes, &scan_limits(&office, &rule, dossier_bytes_used))
            {
                Ok(info) => Outcome::Pdf {
                    bytes: Vec::new(),
                    pages: info.pages,
                    sha256: info.sha256,
                },
                Err(err) => scan_failed(&err),
            }
        }
        Task::CreateKey { passphrase, label } => match SigningKey::generate_device_key() {
            Ok(key) => key_outcome(&key, &passphrase, label),
            Err(err) => failed(&err),
        },
        Task::ImportKey {
            key,
            certificates,
            passphrase,
            label,
        } => {
            let parsed = match std::str::from_utf8(&key) {
                Ok(pem) if pem.contains("-----BEGIN") => SigningKey::from_pem(pem, None),
                _ => SigningKey::from_pkcs8_der(&key, None),
            };
            let with_chain = parsed.and_then(|key| match certificates {
                Some(pem) if !pem.trim().is_empty() => {
                    Certificate::from_pem_chain(&pem).and_then(|chain| key.with_certificates(chain))
                }
                _ => Ok(key),
            });
            match with_chain {
                Ok(key) => key_outcome(&key, &passphrase, label),
                Err(err) => failed(&err),
            }
        }
        Task::PrepareManifest { parts, now } => match prepare_manifest(parts, now) {
            Ok(outcome) => outcome,
            Err(err) => failed(&err),
        },
    }
}

/// Builds the manifest of `parts`, made now by this client.
fn prepare_manifest(parts: ManifestParts, now: i64) -> Result<Outcome, motcua_dossier::Error> {
    let id = DossierId::generate()?;
    let built = Manifest::builder(parts.procedure, parts.office)
        .form_json(&parts.form)?
        .attachments(parts.attachments.iter().map(AttachedFile::attachment))
        .id(id)
        .created(Timestamp::from_unix(now)?)
        .client(crate::CLIENT_VERSION.parse()?)
        .canonical()?;
    Ok(Outcome::Prepared {
        manifest: built.bytes,
        digest: built.digest,
        id,
    })
}

/// Unlocks the key (WebCrypto where the browser has it) and seals the
/// canonical manifest.
pub(crate) async fn seal(key_file: &[u8], passphrase: &str, manifest: &[u8], now: i64) -> Outcome {
    let file = match KeyFile::from_json(key_file) {
        Ok(file) => file,
        Err(err) => return failed(&err),
    };
    let key = match crate::unlock::open_key_file(&file, passphrase).await {
        Ok(key) => key,
        Err(err) => return failed(&err),
    };
    let sealed = Manifest::from_json(manifest)
        .and_then(|manifest| SealedDossier::seal(manifest, &key, Timestamp::from_unix(now)?));
    match sealed {
        Ok(dossier) => Outcome::Sealed {
            dossier: dossier.to_json(),
        },
        Err(err) => failed(&err),
    }
}

impl Worker for Engine {
    type Message = ();
    type Input = Job;
    type Output = Event;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        Self
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, job: Job, who: HandlerId) {
        let id = job.id;
        if let Task::Seal {
            key_file,
            passphrase,
            manifest,
            now,
        } = job.task
        {
            let scope = scope.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let outcome = seal(&key_file, &passphrase, &manifest, now).await;
                scope.respond(who, Event::Done { job: id, outcome });
            });
            return;
        }
        if let Task::Send { id: entry, now } = job.task {
            let scope = scope.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let progress = {
                    let scope = scope.clone();
                    move |done, total| {
                        scope.respond(
                            who,
                            Event::Progress {
                                job: id,
                                done,
                                total,
                            },
                        )
                    }
                };
                crate::delivery::send(&entry, now, progress).await;
                scope.respond(
                    who,
                    Event::Done {
                        job: id,
                        outcome: Outcome::Delivered,
                    },
                );
            });
            return;
        }
        let mut progress = |done, total| {
            scope.respond(
                who,
                Event::Progress {
                    job: id,
                    done,
                    total,
                },
            )
        };
        let outcome = run(job.task, &mut progress);
        scope.respond(who, Event::Done { job: id, outcome });
    }
}
