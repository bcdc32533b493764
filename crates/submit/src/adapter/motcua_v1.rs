//! The `motcua-v1` adapter: the motcua intake protocol
//! (docs/intake-protocol.md). Capabilities from `/.well-known/motcua`,
//! each distinct file uploaded with tus 1.0 in chunks (resumed from the
//! server's offset), the sealed dossier posted, and the office's signed
//! receipt checked.

use motcua_dossier::{DossierId, Receipt, ReceiptClaims};
use serde::Deserialize;

use super::Adapter;
use crate::client::{Client, Event};
use crate::error::Error;
use crate::office::{Endpoint, ServerInfo};
use crate::outbox::{
    Acknowledged, FileUpload, Job, OutboxEntry, Resume, Uploading, Waiting, after_uploads, fail,
};
use crate::problem::{self, problem_of};
use crate::transport::{Attachments, FileRef, Method, Request, Response, Transport};
use crate::tus;

/// How often the office may answer "attachments missing" before the
/// client stops re-uploading them.
const MAX_MISSING_ROUNDS: u32 = 3;

/// The motcua intake protocol, version 1.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MotcuaV1;

impl Adapter for MotcuaV1 {
    /// Reads the office's capabilities and checks the dossier against its
    /// limits and pinned key.
    async fn prepare<T: Transport, A: Attachments>(
        &self,
        client: &Client<T, A>,
        mut job: Job,
    ) -> OutboxEntry {
        let info = match client.discover(&job.endpoint).await {
            Ok(info) => info,
            Err(error) => return fail(client, job, Resume::Waiting, error),
        };
        if let Some(pinned) = &job.pinned_kid
            && *pinned != info.receipt_kid
        {
            let error = Error::KeyChanged {
                expected: pinned.clone(),
                found: info.receipt_kid,
            };
            return fail(client, job, Resume::Waiting, error);
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

    /// Sends the next bytes of the current file: creates its upload with
    /// the first chunk, or sends the next chunk — after asking the server
    /// for the upload's offset (tus `HEAD`) when it is not known for sure
    /// (after a failure or a reload). So every step makes progress, with at
    /// most two requests.
    async fn upload<T: Transport, A: Attachments>(
        &self,
        client: &Client<T, A>,
        mut job: Job,
        file: usize,
    ) -> OutboxEntry {
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
                Outcome::Unsure => return OutboxEntry::Uploading(Uploading { job, file }),
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
                    OutboxEntry::Uploading(Uploading { job, file })
                }
            }
            Outcome::Gone => {
                f.restart();
                OutboxEntry::Uploading(Uploading { job, file })
            }
            Outcome::Unsure => {
                f.confirmed = false;
                OutboxEntry::Uploading(Uploading { job, file })
            }
            Outcome::Failed(error) => fail(client, job, resume, error),
        }
    }

    /// Posts the sealed dossier and checks the receipt.
    async fn deliver<T: Transport, A: Attachments>(
        &self,
        client: &Client<T, A>,
        mut job: Job,
    ) -> OutboxEntry {
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
            let problem = problem_of(&response);
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

fn check_limits(job: &Job, info: &ServerInfo) -> Result<(), Error> {
    let sealed = job.sealed_dossier()?;
    let sizes: Vec<u64> = sealed
        .manifest()
        .attachments
        .iter()
        .map(|a| a.size)
        .collect();
    match info.limits.first_exceeded(job.sealed.len() as u64, &sizes) {
        Some(over) => Err(Error::too_large(over)),
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
