//! Resumable uploads of attachment bytes: tus 1.0
//! (<https://tus.io/protocols/resumable-upload>) with the extensions
//! creation, creation-with-upload, checksum (sha1, sha256), termination and
//! expiration.
//!
//! Every acknowledged byte is on disk: a PATCH syncs the file before the new
//! offset is recorded, so a client that resumes from `Upload-Offset` after a
//! crash never skips a byte. When the last byte arrives the file moves into
//! the content-addressed store ([`crate::blobs`]); if the client declared the
//! file's SHA-256 in the metadata (`sha256`, hex), a mismatch is refused.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{head, post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use http_body_util::BodyExt;
use ring::digest;

use crate::blobs::Blobs;
use crate::error::AppError;
use crate::state::AppState;
use crate::storage::{Upload, UploadId};

/// The tus protocol version spoken.
pub(crate) const TUS_VERSION: &str = "1.0.0";
const EXTENSIONS: &str = "creation,creation-with-upload,checksum,termination,expiration";
const CHECKSUM_ALGORITHMS: &str = "sha1,sha256";
/// Longest `Upload-Metadata` header accepted.
const METADATA_MAX: usize = 4096;
/// The media type of PATCH bodies.
const OFFSET_STREAM: &str = "application/offset+octet-stream";
/// How long an unfinished upload is kept after its last progress.
pub(crate) const EXPIRY: Duration = Duration::from_secs(24 * 60 * 60);
/// The path uploads are created at.
pub(crate) use motcua_protocol::UPLOADS_PATH;

static TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
static TUS_VERSION_H: HeaderName = HeaderName::from_static("tus-version");
static TUS_EXTENSION: HeaderName = HeaderName::from_static("tus-extension");
static TUS_MAX_SIZE: HeaderName = HeaderName::from_static("tus-max-size");
static TUS_CHECKSUM_ALGORITHM: HeaderName = HeaderName::from_static("tus-checksum-algorithm");
static UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
static UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");
static UPLOAD_METADATA: HeaderName = HeaderName::from_static("upload-metadata");
static UPLOAD_EXPIRES: HeaderName = HeaderName::from_static("upload-expires");
static UPLOAD_CHECKSUM: HeaderName = HeaderName::from_static("upload-checksum");
static UPLOAD_DEFER_LENGTH: HeaderName = HeaderName::from_static("upload-defer-length");

/// The tus routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(UPLOADS_PATH, post(create).options(options))
        .route(
            "/api/v1/uploads/{id}",
            head(status)
                .patch(append)
                .delete(terminate)
                .options(options),
        )
        .layer(middleware::from_fn(tus_headers))
}

/// Checks `Tus-Resumable` on requests and sets it on responses (tus §3.2).
async fn tus_headers(request: Request, next: Next) -> Response {
    let is_options = request.method() == Method::OPTIONS;
    let version_ok = request
        .headers()
        .get(&TUS_RESUMABLE)
        .is_some_and(|v| v == TUS_VERSION);
    let mut response = if is_options || version_ok {
        next.run(request).await
    } else {
        let mut response =
            AppError::UnsupportedVersion(format!("send the header Tus-Resumable: {TUS_VERSION}"))
                .into_response();
        response
            .headers_mut()
            .insert(TUS_VERSION_H.clone(), HeaderValue::from_static(TUS_VERSION));
        response
    };
    let headers = response.headers_mut();
    headers.insert(TUS_RESUMABLE.clone(), HeaderValue::from_static(TUS_VERSION));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `OPTIONS`: what this server supports (tus §3.2.3).
async fn options(State(state): State<AppState>) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(TUS_VERSION_H.clone(), HeaderValue::from_static(TUS_VERSION));
    headers.insert(TUS_EXTENSION.clone(), HeaderValue::from_static(EXTENSIONS));
    headers.insert(
        TUS_CHECKSUM_ALGORITHM.clone(),
        HeaderValue::from_static(CHECKSUM_ALGORITHMS),
    );
    headers.insert(
        TUS_MAX_SIZE.clone(),
        HeaderValue::from(state.limits().max_attachment_bytes),
    );
    (StatusCode::NO_CONTENT, headers).into_response()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

fn http_date(unix: i64) -> HeaderValue {
    let time = UNIX_EPOCH + Duration::from_secs(unix.max(0) as u64);
    HeaderValue::from_str(&httpdate::fmt_http_date(time))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn bad(code: &'static str, detail: impl Into<String>) -> AppError {
    AppError::BadRequest {
        code,
        detail: detail.into(),
    }
}

/// A header's value as text; `None` when absent. A header given twice is
/// refused: with two `Upload-Length` or `Upload-Offset` values, which one a
/// proxy or the server reads is a guess, and a guess is a smuggling risk.
pub(crate) fn header_str<'a>(
    headers: &'a HeaderMap,
    name: &HeaderName,
) -> Result<Option<&'a str>, AppError> {
    let mut values = headers.get_all(name).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(bad(
            "duplicate-header",
            format!("header {name} is given more than once; send it once"),
        ));
    }
    value
        .to_str()
        .map(Some)
        .map_err(|_| bad("bad-header", format!("header {name} is not text")))
}

/// A header holding a non-negative integer written as plain digits (tus
/// §3.2.2: no sign, no spaces, no other notation).
pub(crate) fn header_u64(headers: &HeaderMap, name: &HeaderName) -> Result<Option<u64>, AppError> {
    header_str(headers, name)?
        .map(|text| {
            let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
            digits
                .then(|| text.parse::<u64>().ok())
                .flatten()
                .ok_or_else(|| {
                    bad(
                        "bad-header",
                        format!("header {name} must be a non-negative integer, found {text:?}"),
                    )
                })
        })
        .transpose()
}

/// Parses `Upload-Metadata` (tus §3.3.2): comma-separated `key base64value`.
pub(crate) fn parse_metadata(text: &str) -> Result<BTreeMap<String, String>, AppError> {
    if text.len() > METADATA_MAX {
        return Err(bad(
            "bad-metadata",
            format!("Upload-Metadata is longer than {METADATA_MAX} bytes"),
        ));
    }
    let mut metadata = BTreeMap::new();
    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut parts = pair.split(' ');
        let key = parts.next().unwrap_or_default();
        let value = parts.next().unwrap_or_default();
        if parts.next().is_some() || key.is_empty() || !key.is_ascii() {
            return Err(bad(
                "bad-metadata",
                format!("malformed Upload-Metadata pair {pair:?}"),
            ));
        }
        let bytes = BASE64
            .decode(value)
            .map_err(|_| bad("bad-metadata", format!("value of {key:?} is not base64")))?;
        let value = String::from_utf8(bytes)
            .map_err(|_| bad("bad-metadata", format!("value of {key:?} is not UTF-8")))?;
        if metadata.insert(key.to_owned(), value).is_some() {
            return Err(bad("bad-metadata", format!("key {key:?} given twice")));
        }
    }
    if let Some(sha256) = metadata.get("sha256") {
        let ok = sha256.len() == 64
            && sha256
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !ok {
            return Err(bad(
                "bad-metadata",
                "metadata sha256 must be 64 lowercase hex digits",
            ));
        }
    }
    Ok(metadata)
}

fn encode_metadata(metadata: &BTreeMap<String, String>) -> String {
    metadata
        .iter()
        .map(|(k, v)| format!("{k} {}", BASE64.encode(v)))
        .collect::<Vec<_>>()
        .join(",")
}

/// `Upload-Checksum: <algorithm> <base64 digest>` (tus checksum extension).
struct Checksum {
    algorithm: &'static digest::Algorithm,
    expected: Vec<u8>,
}

fn parse_checksum(headers: &HeaderMap) -> Result<Option<Checksum>, AppError> {
    let Some(text) = header_str(headers, &UPLOAD_CHECKSUM)? else {
        return Ok(None);
    };
    let (name, value) = text.split_once(' ').ok_or_else(|| {
        bad(
            "bad-checksum",
            "Upload-Checksum must be `<algorithm> <base64>`",
        )
    })?;
    let algorithm = match name {
        "sha256" => &digest::SHA256,
        "sha1" => &digest::SHA1_FOR_LEGACY_USE_ONLY,
        other => {
            return Err(bad(
                "unsupported-checksum",
                format!("checksum algorithm {other:?} is not supported; use sha256 or sha1"),
            ));
        }
    };
    let expected = BASE64
        .decode(value.trim())
        .map_err(|_| bad("bad-checksum", "Upload-Checksum digest is not base64"))?;
    Ok(Some(Checksum {
        algorithm,
        expected,
    }))
}

/// Holds an upload for one writer; released on drop.
struct WriteLock {
    state: AppState,
    id: UploadId,
}

impl WriteLock {
    fn take(state: &AppState, id: &UploadId) -> Result<Self, AppError> {
        if state.lock_upload(id) {
            Ok(Self {
                state: state.clone(),
                id: id.clone(),
            })
        } else {
            Err(AppError::Locked(format!(
                "upload {id} is being written by another request; retry shortly"
            )))
        }
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        self.state.unlock_upload(&self.id);
    }
}

/// Finds an upload, forgetting it if it expired unfinished.
async fn find(state: &AppState, id: &str) -> Result<Upload, AppError> {
    let not_found = || AppError::NotFound(format!("no upload {id:?}"));
    let id = UploadId::parse(id).ok_or_else(not_found)?;
    let upload = state.storage().upload(&id).await?.ok_or_else(not_found)?;
    if !upload.is_complete() && upload.expires_at < now() {
        forget(state, &id).await?;
        return Err(AppError::Gone(format!(
            "upload {id} expired unfinished; start a new one"
        )));
    }
    Ok(upload)
}

async fn forget(state: &AppState, id: &UploadId) -> Result<(), AppError> {
    state.blobs().remove_partial(id).await?;
    state.storage().delete_upload(id).await?;
    Ok(())
}

/// `POST`: creates an upload, optionally with its first bytes (tus creation,
/// creation-with-upload).
async fn create(State(state): State<AppState>, request: Request) -> Result<Response, AppError> {
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;
    if headers.contains_key(&UPLOAD_DEFER_LENGTH) {
        return Err(bad(
            "deferred-length",
            "Upload-Defer-Length is not supported: send Upload-Length",
        ));
    }
    let length = header_u64(headers, &UPLOAD_LENGTH)?
        .ok_or_else(|| bad("missing-length", "send the file's size as Upload-Length"))?;
    let limit = state.limits().max_attachment_bytes;
    if length > limit {
        return Err(AppError::TooLarge {
            limit,
            detail: format!("an attachment may have at most {limit} bytes, this one has {length}"),
        });
    }
    let metadata = match header_str(headers, &UPLOAD_METADATA)? {
        Some(text) => parse_metadata(text)?,
        None => BTreeMap::new(),
    };
    let with_body = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v == OFFSET_STREAM);
    let checksum = parse_checksum(headers)?;
    let created_at = now();
    let upload = Upload {
        id: UploadId::random(),
        length,
        offset: 0,
        metadata,
        created_at,
        expires_at: created_at + EXPIRY.as_secs() as i64,
        sha256: None,
    };
    state.blobs().create_partial(&upload.id).await?;
    state.storage().create_upload(&upload).await?;
    let location = format!("{UPLOADS_PATH}/{}", upload.id);
    let mut response_headers = HeaderMap::new();
    response_headers.insert(
        header::LOCATION,
        HeaderValue::from_str(&location).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    let upload = if with_body || length == 0 {
        let _lock = WriteLock::take(&state, &upload.id)?;
        let id = upload.id.clone();
        match receive(&state, upload, body, checksum).await {
            Ok(upload) => {
                response_headers.insert(UPLOAD_OFFSET.clone(), HeaderValue::from(upload.offset));
                upload
            }
            Err(err) => {
                // The refusal names no `Location`, so the client cannot come
                // back to this upload: nothing of it may stay.
                forget(&state, &id).await?;
                return Err(err);
            }
        }
    } else {
        upload
    };
    if !upload.is_complete() {
        response_headers.insert(UPLOAD_EXPIRES.clone(), http_date(upload.expires_at));
    }
    Ok((StatusCode::CREATED, response_headers).into_response())
}

/// The upload id of the path. A segment that is not even text once
/// percent-decoded (`%fc`) names no upload: `404` like any unknown id, not
/// axum's plain-text `400` (found by the tus fuzz target).
struct UploadPath(String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for UploadPath {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, AppError> {
        Path::<String>::from_request_parts(parts, state)
            .await
            .map(|Path(id)| Self(id))
            .map_err(|_| AppError::NotFound("no such upload".into()))
    }
}

/// `HEAD`: how far an upload has come (tus §3.2.1).
async fn status(
    State(state): State<AppState>,
    UploadPath(id): UploadPath,
) -> Result<Response, AppError> {
    let upload = find(&state, &id).await?;
    let mut headers = HeaderMap::new();
    headers.insert(UPLOAD_OFFSET.clone(), HeaderValue::from(upload.offset));
    headers.insert(UPLOAD_LENGTH.clone(), HeaderValue::from(upload.length));
    if !upload.metadata.is_empty()
        && let Ok(value) = HeaderValue::from_str(&encode_metadata(&upload.metadata))
    {
        headers.insert(UPLOAD_METADATA.clone(), value);
    }
    if !upload.is_complete() {
        headers.insert(UPLOAD_EXPIRES.clone(), http_date(upload.expires_at));
    }
    Ok((StatusCode::OK, headers).into_response())
}

/// `PATCH`: appends bytes at `Upload-Offset` (tus §3.2.2).
async fn append(
    State(state): State<AppState>,
    UploadPath(id): UploadPath,
    request: Request,
) -> Result<Response, AppError> {
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;
    if headers
        .get(header::CONTENT_TYPE)
        .is_none_or(|v| v != OFFSET_STREAM)
    {
        return Err(AppError::UnsupportedMediaType(format!(
            "a PATCH body must be {OFFSET_STREAM}"
        )));
    }
    let offset = header_u64(headers, &UPLOAD_OFFSET)?
        .ok_or_else(|| bad("missing-offset", "send Upload-Offset"))?;
    let checksum = parse_checksum(headers)?;
    let upload = find(&state, &id).await?;
    let _lock = WriteLock::take(&state, &upload.id)?;
    // Read again under the lock: a request that just finished may have moved it.
    let upload = find(&state, &id).await?;
    if offset != upload.offset {
        return Err(AppError::Conflict {
            code: "offset-mismatch",
            detail: format!(
                "the upload is at offset {}, the request starts at {offset}; resume from {}",
                upload.offset, upload.offset
            ),
        });
    }
    if upload.is_complete() {
        // Every byte is stored already (and the file moved into the blob
        // store): a retried last PATCH gets the same answer, more bytes a 413.
        refuse_more_bytes(body, upload.length).await?;
        let mut headers = HeaderMap::new();
        headers.insert(UPLOAD_OFFSET.clone(), HeaderValue::from(upload.offset));
        return Ok((StatusCode::NO_CONTENT, headers).into_response());
    }
    let upload = receive(&state, upload, body, checksum).await?;
    let mut headers = HeaderMap::new();
    headers.insert(UPLOAD_OFFSET.clone(), HeaderValue::from(upload.offset));
    if !upload.is_complete() {
        headers.insert(UPLOAD_EXPIRES.clone(), http_date(upload.expires_at));
    }
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}

/// Reads a body that must be empty; a byte in it goes beyond `length`.
async fn refuse_more_bytes(mut body: Body, length: u64) -> Result<(), AppError> {
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| AppError::body(&e))?;
        if frame.data_ref().is_some_and(|d| !d.is_empty()) {
            return Err(AppError::TooLarge {
                limit: length,
                detail: format!(
                    "the upload was announced with {length} bytes, all of which have arrived"
                ),
            });
        }
    }
    Ok(())
}

/// `DELETE`: abandons an upload (tus termination).
async fn terminate(
    State(state): State<AppState>,
    UploadPath(id): UploadPath,
) -> Result<Response, AppError> {
    let upload = find(&state, &id).await?;
    let _lock = WriteLock::take(&state, &upload.id)?;
    forget(&state, &upload.id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Writes a request body at the upload's offset, records the progress that
/// reached the disk, and stores the file when complete.
async fn receive(
    state: &AppState,
    mut upload: Upload,
    body: Body,
    checksum: Option<Checksum>,
) -> Result<Upload, AppError> {
    let start = upload.offset;
    let (offset, outcome) = write_body(state.blobs(), &upload, body, checksum).await;
    let complete = offset == upload.length && outcome.is_ok();
    if offset != start && !complete {
        upload.offset = offset;
        upload.expires_at = now() + EXPIRY.as_secs() as i64;
        state
            .storage()
            .update_upload(&upload.id, upload.offset, None, upload.expires_at)
            .await?;
    }
    outcome?;
    if complete {
        upload.offset = offset;
        // No blob is deleted while one is being stored.
        let _gate = state.blob_gate().read().await;
        let sha256 = state.blobs().hash_partial(&upload.id).await?;
        if let Some(declared) = upload.metadata.get("sha256")
            && *declared != sha256
        {
            // Refused bytes never enter the store: no dossier can cite them.
            forget(state, &upload.id).await?;
            return Err(AppError::FileDigestMismatch(format!(
                "the file's SHA-256 is {sha256}, but {declared} was declared"
            )));
        }
        state.blobs().store(&upload.id, &sha256).await?;
        let digest: motcua_dossier::Sha256 = sha256
            .parse()
            .map_err(|e| AppError::Internal(format!("blob name {sha256}: {e}")))?;
        // One write: the upload finished, the blob recorded.
        state
            .storage()
            .finish_upload(&upload.id, &digest, upload.length, now())
            .await?;
        upload.sha256 = Some(sha256);
    }
    Ok(upload)
}

/// Streams `body` into the upload's file. Returns the offset that is safely
/// on disk, and whether the request as a whole succeeded.
async fn write_body(
    blobs: &Blobs,
    upload: &Upload,
    mut body: Body,
    checksum: Option<Checksum>,
) -> (u64, Result<(), AppError>) {
    let start = upload.offset;
    let mut file = match blobs.writer_at(&upload.id, start).await {
        Ok(file) => file,
        Err(e) => return (start, Err(e.into())),
    };
    let mut hasher = checksum.as_ref().map(|c| digest::Context::new(c.algorithm));
    let mut offset = start;
    let mut failure = None;
    while let Some(frame) = body.frame().await {
        let data = match frame {
            Ok(frame) => match frame.into_data() {
                Ok(data) => data,
                Err(_) => continue,
            },
            Err(e) => {
                failure = Some(AppError::body(&e));
                break;
            }
        };
        if offset + data.len() as u64 > upload.length {
            failure = Some(AppError::TooLarge {
                limit: upload.length,
                detail: format!(
                    "the upload was announced with {} bytes; this request goes beyond",
                    upload.length
                ),
            });
            // Nothing of this request is kept.
            offset = start;
            break;
        }
        if let Err(e) = Blobs::write(&mut file, &data, &upload.id).await {
            failure = Some(e.into());
            break;
        }
        if let Some(hasher) = hasher.as_mut() {
            hasher.update(&data);
        }
        offset += data.len() as u64;
    }
    if let (Some(checksum), Some(hasher)) = (checksum, hasher) {
        let whole = failure.is_none();
        let matches = whole && hasher.finish().as_ref() == checksum.expected.as_slice();
        if !matches {
            // A checksummed request is all or nothing.
            if failure.is_none() {
                failure = Some(AppError::ChecksumMismatch(
                    "the request body does not match Upload-Checksum; send it again".into(),
                ));
            }
            offset = start;
        }
    }
    if offset == start {
        let _ = blobs.truncate(&upload.id, start).await;
        return (start, failure.map_or(Ok(()), Err));
    }
    // Acknowledge only what is durably written.
    if let Err(e) = file.sync_data().await {
        let _ = blobs.truncate(&upload.id, start).await;
        return (
            start,
            Err(AppError::Internal(format!(
                "sync upload {}: {e}",
                upload.id
            ))),
        );
    }
    (offset, failure.map_or(Ok(()), Err))
}

/// Deletes uploads that expired unfinished. Runs at start and periodically.
pub(crate) async fn expire(state: &AppState) -> Result<usize, AppError> {
    let ids = state.storage().expired_uploads(now()).await?;
    for id in &ids {
        forget(state, id).await?;
    }
    if !ids.is_empty() {
        tracing::info!(count = ids.len(), "expired unfinished uploads deleted");
    }
    Ok(ids.len())
}

#[cfg(test)]
mod tests;
