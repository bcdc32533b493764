//! The `multipart` adapter: for existing backends that take a plain HTTP
//! `multipart/form-data` POST (RFC 7578). One request carries everything:
//! fixed fields, the manifest, the sealed dossier (so that the office can
//! verify it later) and every attachment; it bears
//! `Idempotency-Key: "<dossier id>"` (draft-ietf-httpapi-idempotency-key-header-07
//! §2, a Structured Field string), so a retry after a lost answer can be
//! recognised. A 2xx answer whose JSON body gives a reference ends the
//! entry [`Delivered`](crate::OutboxEntry::Delivered) with an unsigned
//! record — there is no office-signed receipt here.

use std::collections::BTreeMap;

use motcua_dossier::{Attachment, DossierId, Sha256};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Adapter;
use crate::client::{Client, Event};
use crate::error::Error;
use crate::office::Endpoint;
use crate::outbox::{Delivered, Delivering, DeliveryRecord, Job, OutboxEntry, Resume, fail};
use crate::problem;
use crate::transport::{Attachments, FileRef, Method, Request, Transport};

/// The request size limit when a directory entry states none, in bytes.
pub const DEFAULT_MULTIPART_BYTES: u64 = 25 * 1024 * 1024;
/// The largest request size limit accepted, in bytes: the whole request is
/// built in memory (on a phone, in the browser).
pub const MAX_MULTIPART_BYTES: u64 = 100 * 1024 * 1024;

/// Headers a directory may not set: the adapter sets them, the platform
/// does, or they would carry credentials in a public document.
const RESERVED_HEADERS: &[&str] = &[
    "accept",
    "content-type",
    "content-length",
    "content-encoding",
    "transfer-encoding",
    "host",
    "connection",
    "idempotency-key",
    "authorization",
    "proxy-authorization",
    "cookie",
    "origin",
    "referer",
];

/// Which part names carry what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultipartParts {
    /// The sealed dossier file (a file part, `application/json`).
    #[serde(default = "default_sealed")]
    pub sealed: String,
    /// The manifest's RFC 8785 bytes (a field, `application/json`); `null`
    /// leaves it out.
    #[serde(default = "default_manifest")]
    pub manifest: Option<String>,
    /// Each attachment (a file part with its file name and media type). A
    /// template: `{index}` is the attachment's position in the manifest
    /// (from 0), `{component}` its dossier component; a name without them
    /// repeats for every attachment.
    #[serde(default = "default_attachment")]
    pub attachment: String,
}

fn default_sealed() -> String {
    "sealed_dossier".into()
}

fn default_manifest() -> Option<String> {
    Some("manifest".into())
}

fn default_attachment() -> String {
    "attachment_{index}".into()
}

fn default_max_bytes() -> u64 {
    DEFAULT_MULTIPART_BYTES
}

fn default_reference() -> String {
    "/reference".into()
}

impl Default for MultipartParts {
    fn default() -> Self {
        Self {
            sealed: default_sealed(),
            manifest: default_manifest(),
            attachment: default_attachment(),
        }
    }
}

/// Settings of the `multipart` adapter, as the directory gives them
/// (docs/directory.md, "The multipart adapter").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultipartConfig {
    /// Where the dossier is posted: an absolute `http(s)` URL.
    pub url: String,
    /// Which part names carry what.
    #[serde(default)]
    pub parts: MultipartParts,
    /// Fixed text fields sent first, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// Extra request headers, by name. No credentials: the directory is
    /// public.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The most bytes the whole request may have.
    #[serde(default = "default_max_bytes")]
    pub max_bytes: u64,
    /// A JSON pointer (RFC 6901) to the backend's reference for the dossier
    /// in its 2xx answer, e.g. `/data/code`.
    #[serde(default = "default_reference")]
    pub reference: String,
}

/// Whether `name` may name a part: printable, no `"`, at most 100 bytes.
fn valid_part_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 100 && !name.chars().any(|c| c.is_control() || c == '"')
}

/// Whether `name` is an HTTP field name (RFC 9110 §5.1: a token).
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

impl MultipartConfig {
    /// Checks the settings: an absolute `http(s)` URL without credentials or
    /// fragment, usable and distinct part names, a template with only
    /// `{index}` and `{component}`, header names that are tokens and not
    /// reserved (`Content-Type`, `Idempotency-Key`, `Authorization`,
    /// `Cookie`, ...), header values without line breaks, a size limit from
    /// 1 to [`MAX_MULTIPART_BYTES`], and a JSON pointer.
    pub fn validate(&self) -> Result<(), String> {
        let url_ok = self.url.parse::<Endpoint>().is_ok()
            && self.url.len() <= 2048
            && !self.url.contains('#')
            && !self.url.chars().any(|c| c.is_control() || c == ' ');
        if !url_ok {
            return Err(format!(
                "url: expected an absolute http(s) URL without credentials or fragment, found {:?}",
                self.url
            ));
        }
        let p = &self.parts;
        let mut names: Vec<&str> = vec![&p.sealed];
        names.extend(p.manifest.as_deref());
        names.extend(self.fields.keys().map(String::as_str));
        for name in names.iter().copied().chain([p.attachment.as_str()]) {
            if !valid_part_name(name) {
                return Err(format!(
                    "part name {name:?} is empty, too long or holds a quote or control character"
                ));
            }
        }
        let mut sorted = names.clone();
        sorted.sort_unstable();
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return Err(format!("part name {:?} is used twice", w[0]));
        }
        let mut rest = p.attachment.as_str();
        while let Some(open) = rest.find('{') {
            let after = &rest[open..];
            let Some(close) = after.find('}') else {
                return Err(format!(
                    "parts.attachment {:?}: an unclosed {{",
                    p.attachment
                ));
            };
            let placeholder = &after[..=close];
            if placeholder != "{index}" && placeholder != "{component}" {
                return Err(format!(
                    "parts.attachment: unknown placeholder {placeholder} (expected {{index}} or {{component}})"
                ));
            }
            rest = &after[close + 1..];
        }
        for (name, value) in &self.headers {
            if !is_token(name) {
                return Err(format!("headers: {name:?} is not a header name"));
            }
            let lower = name.to_ascii_lowercase();
            if RESERVED_HEADERS.contains(&lower.as_str())
                || lower.starts_with("sec-")
                || lower.starts_with("proxy-")
                || lower.starts_with("access-control-")
            {
                return Err(format!(
                    "headers: {name} is set by the client or the platform, or would carry credentials"
                ));
            }
            if value.len() > 1024 || value.chars().any(|c| c.is_control() && c != '\t') {
                return Err(format!(
                    "headers: the value of {name} is too long or holds a line break"
                ));
            }
        }
        if !(1..=MAX_MULTIPART_BYTES).contains(&self.max_bytes) {
            return Err(format!(
                "max_bytes {}: expected 1 to {MAX_MULTIPART_BYTES}",
                self.max_bytes
            ));
        }
        if !(self.reference.is_empty() || self.reference.starts_with('/')) {
            return Err(format!(
                "reference {:?} is not a JSON pointer (RFC 6901: empty, or starting with /)",
                self.reference
            ));
        }
        Ok(())
    }

    /// The part name of attachment `index`.
    fn attachment_part(&self, index: usize, attachment: &Attachment) -> String {
        self.parts
            .attachment
            .replace("{index}", &index.to_string())
            .replace("{component}", attachment.component.as_str())
    }
}

/// One part of the request body.
struct Part<'a> {
    name: String,
    filename: Option<&'a str>,
    content_type: Option<&'a str>,
    body: &'a [u8],
}

/// A `Content-Disposition` parameter value: quoted, with `"`, CR and LF
/// percent-encoded as browsers do (WHATWG HTML, "multipart/form-data
/// encoding algorithm"; RFC 7578 §4.2). UTF-8 stays as is.
fn quoted(value: &str) -> String {
    value
        .replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn part_head(boundary: &str, part: &Part<'_>) -> String {
    let mut head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"",
        quoted(&part.name)
    );
    if let Some(filename) = part.filename {
        head.push_str(&format!("; filename=\"{}\"", quoted(filename)));
    }
    head.push_str("\r\n");
    if let Some(content_type) = part.content_type {
        head.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// The length of the body of `parts` with a boundary of `boundary_len`
/// bytes, without building it.
fn body_len(parts: &[Part<'_>], boundary: &str) -> u64 {
    let heads: u64 = parts
        .iter()
        .map(|p| part_head(boundary, p).len() as u64 + p.body.len() as u64 + 2)
        .sum();
    heads + boundary.len() as u64 + 6
}

/// The multipart body (RFC 7578 §4).
fn body(parts: &[Part<'_>], boundary: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(usize::try_from(body_len(parts, boundary)).unwrap_or(0));
    for part in parts {
        out.extend_from_slice(part_head(boundary, part).as_bytes());
        out.extend_from_slice(part.body);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

/// A boundary that occurs in no part (RFC 2046 §5.1.1): derived from the
/// manifest hash, so that a retry sends the same bytes.
fn boundary(manifest_sha256: &Sha256, parts: &[Part<'_>]) -> String {
    (0u32..)
        .map(|n| {
            let mut seed = manifest_sha256.as_bytes().to_vec();
            seed.extend_from_slice(&n.to_be_bytes());
            format!("motcua-{}", &Sha256::digest(&seed).to_string()[..32])
        })
        .find(|b| {
            let b = b.as_bytes();
            parts
                .iter()
                .all(|p| !p.body.windows(b.len()).any(|w| w == b))
        })
        .unwrap_or_default()
}

/// The fields and texts of a request, with the attachments' bytes to come.
struct Plan {
    manifest: Vec<u8>,
    attachments: Vec<Attachment>,
}

impl Plan {
    fn of(job: &Job) -> Result<Self, Error> {
        let sealed = job.sealed_dossier()?;
        let manifest = sealed
            .manifest()
            .canonical_bytes()
            .map_err(|e| Error::from(&e))?;
        Ok(Self {
            manifest,
            attachments: sealed.manifest().attachments.clone(),
        })
    }

    /// The parts, in order: fixed fields, manifest, sealed dossier,
    /// attachments (with `files[i]` as the bytes of attachment `i`).
    fn parts<'a>(
        &'a self,
        config: &'a MultipartConfig,
        job: &'a Job,
        files: &'a [Vec<u8>],
    ) -> Vec<Part<'a>> {
        let mut parts: Vec<Part<'a>> = config
            .fields
            .iter()
            .map(|(name, value)| Part {
                name: name.clone(),
                filename: None,
                content_type: None,
                body: value.as_bytes(),
            })
            .collect();
        if let Some(name) = &config.parts.manifest {
            parts.push(Part {
                name: name.clone(),
                filename: None,
                content_type: Some("application/json"),
                body: &self.manifest,
            });
        }
        parts.push(Part {
            name: config.parts.sealed.clone(),
            filename: Some("sealed-dossier.json"),
            content_type: Some("application/json"),
            body: job.sealed.as_bytes(),
        });
        for (i, a) in self.attachments.iter().enumerate() {
            parts.push(Part {
                name: config.attachment_part(i, a),
                filename: Some(a.name.as_str()),
                content_type: Some(a.media_type.as_str()),
                body: files.get(i).map_or(&[], Vec::as_slice),
            });
        }
        parts
    }
}

/// Reads all of `attachment` and checks it against the manifest.
async fn read_whole<T: Transport, A: Attachments>(
    client: &Client<T, A>,
    dossier: DossierId,
    attachment: &Attachment,
) -> Result<Vec<u8>, Error> {
    let file = FileRef {
        dossier,
        name: &attachment.name,
        sha256: &attachment.sha256,
        size: attachment.size,
    };
    let chunk = client.policy().chunk_bytes.max(1);
    let mut bytes = Vec::with_capacity(usize::try_from(attachment.size).unwrap_or(0));
    while (bytes.len() as u64) < attachment.size {
        let want = (attachment.size - bytes.len() as u64).min(chunk as u64) as usize;
        let got = client
            .attachments()
            .read(&file, bytes.len() as u64, want)
            .await?;
        if got.is_empty() {
            break;
        }
        bytes.extend_from_slice(&got);
    }
    if bytes.len() as u64 != attachment.size || Sha256::digest(&bytes) != attachment.sha256 {
        return Err(Error::AttachmentChanged {
            name: attachment.name.to_string(),
        });
    }
    Ok(bytes)
}

/// The reference at `pointer` in a JSON answer: a non-empty string, or a
/// number written out.
fn reference(body: &[u8], pointer: &str) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    match value.pointer(pointer)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Adapter for MultipartConfig {
    /// Checks the whole request's size against `max_bytes` (no request:
    /// the backend announces nothing); next delivering.
    async fn prepare<T: Transport, A: Attachments>(
        &self,
        client: &Client<T, A>,
        mut job: Job,
    ) -> OutboxEntry {
        let plan = match Plan::of(&job) {
            Ok(plan) => plan,
            Err(error) => return fail(client, job, Resume::Waiting, error),
        };
        // Empty attachment parts, and their sizes added: the exact length
        // without reading a byte (boundaries all have the same length).
        let parts = plan.parts(self, &job, &[]);
        let sizes: u64 = plan.attachments.iter().map(|a| a.size).sum();
        let found = body_len(&parts, "motcua-00000000000000000000000000000000") + sizes;
        if found > self.max_bytes {
            let error = Error::TooLarge {
                what: "bytes of the request to the office".into(),
                limit: self.max_bytes,
                found,
            };
            return fail(client, job, Resume::Waiting, error);
        }
        job.attempts = 0;
        OutboxEntry::Delivering(Delivering { job })
    }

    /// Nothing is uploaded ahead: everything goes with the delivery.
    async fn upload<T: Transport, A: Attachments>(
        &self,
        _client: &Client<T, A>,
        job: Job,
        _file: usize,
    ) -> OutboxEntry {
        OutboxEntry::Delivering(Delivering { job })
    }

    /// Posts fields, manifest, sealed dossier and attachments in one
    /// request, and records the backend's answer.
    async fn deliver<T: Transport, A: Attachments>(
        &self,
        client: &Client<T, A>,
        mut job: Job,
    ) -> OutboxEntry {
        let plan = match Plan::of(&job) {
            Ok(plan) => plan,
            Err(error) => return fail(client, job, Resume::Delivering, error),
        };
        let mut files: Vec<Vec<u8>> = Vec::with_capacity(plan.attachments.len());
        for a in &plan.attachments {
            // Attachments with the same bytes are read once.
            let earlier = plan
                .attachments
                .iter()
                .position(|b| b.sha256 == a.sha256)
                .and_then(|i| files.get(i).cloned());
            let bytes = match earlier {
                Some(bytes) => bytes,
                None => match read_whole(client, job.dossier_id, a).await {
                    Ok(bytes) => bytes,
                    Err(error) => return fail(client, job, Resume::Delivering, error),
                },
            };
            files.push(bytes);
        }
        let (request, total) = {
            let parts = plan.parts(self, &job, &files);
            let boundary = boundary(&job.manifest_sha256, &parts);
            let body = body(&parts, &boundary);
            let mut request = Request::new(Method::Post, &self.url)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .header("idempotency-key", format!("\"{}\"", job.dossier_id))
                .header("accept", "application/json");
            for (name, value) in &self.headers {
                request = request.header(name, value.clone());
            }
            let total = body.len() as u64;
            (request.body(body), total)
        };
        if total > self.max_bytes {
            let error = Error::TooLarge {
                what: "bytes of the request to the office".into(),
                limit: self.max_bytes,
                found: total,
            };
            return fail(client, job, Resume::Delivering, error);
        }
        let response = match client.transport().send(request).await {
            Ok(response) => response,
            Err(e) => return fail(client, job, Resume::Delivering, e.into()),
        };
        if !(200..300).contains(&response.status) {
            return fail(client, job, Resume::Delivering, problem::refusal(&response));
        }
        let Some(reference) = reference(&response.body, &self.reference) else {
            let error = Error::NoReference {
                status: response.status,
                pointer: self.reference.clone(),
            };
            return fail(client, job, Resume::Delivering, error);
        };
        for f in &mut job.files {
            f.offset = f.size;
        }
        job.attempts = 0;
        let (sent, total_bytes) = job.progress();
        client.emit(Event::Progress {
            dossier: job.dossier_id,
            sent,
            total: total_bytes,
        });
        client.emit(Event::Delivered {
            dossier: job.dossier_id,
            reference: reference.clone(),
        });
        let record = DeliveryRecord {
            adapter: "multipart".into(),
            url: self.url.clone(),
            status: response.status,
            reference,
            delivered_at_ms: client.transport().now_ms(),
            idempotency_key: job.dossier_id.to_string(),
            answer_sha256: Sha256::digest(&response.body),
        };
        OutboxEntry::Delivered(Delivered { job, record })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> MultipartConfig {
        serde_json::from_str(r#"{"url": "https://legacy.example.vn/api/nop-ho-so"}"#).unwrap()
    }

    #[test]
    fn defaults_and_validation() {
        let c = config();
        assert_eq!(c.parts, MultipartParts::default());
        assert_eq!(c.max_bytes, DEFAULT_MULTIPART_BYTES);
        assert_eq!(c.reference, "/reference");
        c.validate().unwrap();
        let bad = |edit: &dyn Fn(&mut MultipartConfig)| {
            let mut c = config();
            edit(&mut c);
            c.validate().unwrap_err()
        };
        assert!(bad(&|c| c.url = "ftp://x".into()).contains("url"));
        assert!(bad(&|c| c.url = "https://u:p@x/y".into()).contains("url"));
        assert!(bad(&|c| c.url = "https://x/y#f".into()).contains("url"));
        assert!(bad(&|c| c.parts.sealed = "a\"b".into()).contains("part name"));
        assert!(bad(&|c| c.parts.manifest = Some("sealed_dossier".into())).contains("twice"));
        assert!(
            bad(&|c| {
                c.fields.insert("manifest".into(), "x".into());
            })
            .contains("twice")
        );
        assert!(bad(&|c| c.parts.attachment = "f{name}".into()).contains("placeholder"));
        assert!(bad(&|c| c.parts.attachment = "f{index".into()).contains("unclosed"));
        for header in [
            "Authorization",
            "Idempotency-Key",
            "content-type",
            "Sec-Fetch-Mode",
        ] {
            assert!(
                bad(&|c| {
                    c.headers.insert(header.into(), "x".into());
                })
                .contains("headers"),
                "{header}"
            );
        }
        assert!(
            bad(&|c| {
                c.headers.insert("X-Portal".into(), "a\r\nb".into());
            })
            .contains("line break")
        );
        assert!(bad(&|c| c.max_bytes = 0).contains("max_bytes"));
        assert!(bad(&|c| c.max_bytes = MAX_MULTIPART_BYTES + 1).contains("max_bytes"));
        assert!(bad(&|c| c.reference = "data.code".into()).contains("pointer"));
        let mut ok = config();
        ok.parts.attachment = "files[{component}][{index}]".into();
        ok.parts.manifest = None;
        ok.headers.insert("X-Portal".into(), "motcua".into());
        ok.validate().unwrap();
    }

    #[test]
    fn bodies_follow_rfc_7578_and_their_length_is_known_ahead() {
        let parts = [
            Part {
                name: "a".into(),
                filename: None,
                content_type: None,
                body: b"1",
            },
            Part {
                name: "file \"x\"".into(),
                filename: Some("giấy\nchứng sinh.pdf"),
                content_type: Some("application/pdf"),
                body: b"%PDF-",
            },
        ];
        let sha = Sha256::digest(b"m");
        let b = boundary(&sha, &parts);
        assert_eq!(b, boundary(&sha, &parts), "the same boundary on a retry");
        let out = body(&parts, &b);
        assert_eq!(out.len() as u64, body_len(&parts, &b));
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n\
                 --{b}\r\nContent-Disposition: form-data; name=\"file %22x%22\"; \
                 filename=\"giấy%0Achứng sinh.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-\r\n\
                 --{b}--\r\n"
            )
        );
        // A part holding the first boundary gets another one.
        let trap = format!("x{b}y");
        let parts = [Part {
            name: "a".into(),
            filename: None,
            content_type: None,
            body: trap.as_bytes(),
        }];
        let other = boundary(&sha, &parts);
        assert_ne!(other, b);
        assert!(!trap.contains(&other));
    }

    #[test]
    fn references() {
        assert_eq!(
            reference(br#"{"data":{"ma_ho_so":"DN-1"}}"#, "/data/ma_ho_so").as_deref(),
            Some("DN-1")
        );
        assert_eq!(reference(br#"{"id":42}"#, "/id").as_deref(), Some("42"));
        assert_eq!(reference(br#""R-7""#, "").as_deref(), Some("R-7"));
        assert_eq!(reference(br#"{"id":""}"#, "/id"), None);
        assert_eq!(reference(br#"{"id":null}"#, "/id"), None);
        assert_eq!(reference(b"<html>ok</html>", "/id"), None);
    }
}
