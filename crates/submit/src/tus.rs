//! tus 1.0 requests and answers (<https://tus.io/protocols/resumable-upload>):
//! creation with upload, `HEAD` for the offset, `PATCH` with
//! `Upload-Checksum: sha256`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use motcua_dossier::{DossierId, Sha256};

use crate::adapter::Outcome;
use crate::error::Error;
use crate::outbox::FileUpload;
use crate::problem::{self, problem_of};
use crate::transport::{Method, Request, Response};

const TUS_VERSION: &str = "1.0.0";
const OFFSET_STREAM: &str = "application/offset+octet-stream";

fn checksum(chunk: &[u8]) -> String {
    format!("sha256 {}", BASE64.encode(Sha256::digest(chunk).as_bytes()))
}

/// `Upload-Metadata`: the file name, its SHA-256 (checked by the server
/// when the last byte arrives) and the dossier it belongs to.
fn metadata(dossier: DossierId, upload: &FileUpload) -> String {
    [
        ("filename", upload.name.to_string()),
        ("sha256", upload.sha256.to_string()),
        ("dossier", dossier.to_string()),
    ]
    .iter()
    .map(|(k, v)| format!("{k} {}", BASE64.encode(v)))
    .collect::<Vec<_>>()
    .join(",")
}

/// Creates the upload with its first chunk (creation-with-upload).
pub(crate) fn create(
    uploads: &str,
    dossier: DossierId,
    upload: &FileUpload,
    chunk: Vec<u8>,
) -> Request {
    let mut request = Request::new(Method::Post, uploads)
        .header("tus-resumable", TUS_VERSION)
        .header("upload-length", upload.size.to_string())
        .header("upload-metadata", metadata(dossier, upload));
    if !chunk.is_empty() {
        request = request
            .header("content-type", OFFSET_STREAM)
            .header("upload-checksum", checksum(&chunk))
            .body(chunk);
    }
    request
}

/// Asks how far an upload has come.
pub(crate) fn head(url: &str) -> Request {
    Request::new(Method::Head, url).header("tus-resumable", TUS_VERSION)
}

/// Sends the chunk at `offset`.
pub(crate) fn patch(url: &str, offset: u64, chunk: Vec<u8>) -> Request {
    Request::new(Method::Patch, url)
        .header("tus-resumable", TUS_VERSION)
        .header("upload-offset", offset.to_string())
        .header("content-type", OFFSET_STREAM)
        .header("upload-checksum", checksum(&chunk))
        .body(chunk)
}

fn offset_header(response: &Response) -> Option<u64> {
    response.header("upload-offset")?.parse().ok()
}

/// The failure an error answer about `upload` stands for.
pub(crate) fn failure(response: &Response, upload: &FileUpload) -> Error {
    let problem = problem_of(response);
    match response.status {
        // The whole file's SHA-256 differs from the one declared: the bytes
        // on this device are not the sealed ones.
        460 if problem.name() == "file-digest-mismatch" => Error::AttachmentChanged {
            name: upload.name.to_string(),
        },
        // One chunk arrived damaged: send it again.
        460 => Error::Protocol {
            detail: "a chunk arrived damaged (checksum mismatch)".into(),
        },
        413 => Error::TooLarge {
            what: format!("bytes of {}", upload.name),
            limit: problem.limit.unwrap_or(0),
            found: upload.size,
        },
        // Another request of ours is still writing (a retry overtook a
        // request the network lost); ask again shortly.
        423 => Error::ServerError {
            status: 423,
            detail: problem.detail,
            retry_after_ms: Some(1_000),
        },
        _ => problem::unexpected(response, "an upload"),
    }
}

/// Reads the answer to `HEAD`.
pub(crate) fn offset_of(response: &Response, upload: &FileUpload) -> Outcome {
    match response.status {
        200 | 204 => {
            let length = response
                .header("upload-length")
                .and_then(|v| v.parse().ok());
            match (offset_header(response), length) {
                (Some(offset), Some(length)) if length == upload.size && offset <= length => {
                    Outcome::At(offset)
                }
                // Not the upload of this file: start a new one.
                (Some(_), Some(_)) => Outcome::Gone,
                _ => Outcome::Failed(Error::Protocol {
                    detail: "HEAD of an upload gave no Upload-Offset and Upload-Length".into(),
                }),
            }
        }
        404 | 410 => Outcome::Gone,
        _ => Outcome::Failed(failure(response, upload)),
    }
}

/// Reads the answer to `PATCH` of `sent` bytes.
pub(crate) fn patched(response: &Response, upload: &FileUpload, sent: u64) -> Outcome {
    match response.status {
        204 | 200 => match offset_header(response) {
            Some(offset) if offset > upload.offset && offset <= upload.offset + sent => {
                Outcome::At(offset)
            }
            _ => Outcome::Failed(Error::Protocol {
                detail: "PATCH answered without a plausible Upload-Offset".into(),
            }),
        },
        409 => Outcome::Unsure,
        404 | 410 => Outcome::Gone,
        _ => Outcome::Failed(failure(response, upload)),
    }
}
