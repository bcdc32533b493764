//! Errors of the intake server: at start-up ([`Error`]) and per request
//! (`AppError`, answered as RFC 9457 problem details).

use std::path::PathBuf;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_protocol::{PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_PREFIX, Problem};
use serde_json::{Map, Value};

/// What stopped the server from starting or running.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be used.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What the server was doing.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The listening socket could not be opened or served.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The database could not be opened or migrated.
    #[error("database {path}: {source}")]
    Database {
        /// The database file.
        path: PathBuf,
        /// SQLite's reason.
        #[source]
        source: rusqlite::Error,
    },
    /// A PostgreSQL statement failed.
    #[error("PostgreSQL at {at}: {source}")]
    Postgres {
        /// Host, port and database (never the password).
        at: String,
        /// The server's or driver's reason.
        #[source]
        source: tokio_postgres::Error,
    },
    /// No PostgreSQL connection could be had from the pool.
    #[error("PostgreSQL connection pool: {0}")]
    Pool(String),
    /// The database was written by a newer version of motcua.
    #[error("database {path} has schema version {found}, newer than this server's {supported}")]
    DatabaseTooNew {
        /// The database file.
        path: PathBuf,
        /// Version found in the file.
        found: i64,
        /// Newest version this server knows.
        supported: i64,
    },
    /// A catalog file is not a valid catalog index or procedure schema.
    #[error("catalog file {file}: {source}")]
    Catalog {
        /// The file, relative to the catalog.
        file: String,
        /// What is wrong with it.
        #[source]
        source: motcua_forms::Error,
    },
    /// A procedure's file does not match its entry in the index.
    #[error("catalog file {file} holds {found}, but the index lists {indexed}")]
    CatalogMismatch {
        /// The procedure's file.
        file: String,
        /// Code and version in the index.
        indexed: String,
        /// Code and version in the file.
        found: String,
    },
    /// The built app is missing.
    #[error("no built app at {0}: build it first (`cargo xtask build`), or pass --dist")]
    NoApp(PathBuf),
    /// A group of database writes could not be committed.
    #[error("database {path}: commit failed: {reason}")]
    Commit {
        /// The database file.
        path: PathBuf,
        /// SQLite's reason.
        reason: String,
    },
    /// The database holds a value this server never writes.
    #[error("the database holds an unreadable value: {0}")]
    Corrupt(String),
    /// The office's receipt key file cannot be read or made.
    #[error("receipt key {path}: {source}")]
    ReceiptKey {
        /// The key file.
        path: PathBuf,
        /// Why it cannot be used.
        #[source]
        source: motcua_dossier::Error,
    },
    /// The key signing the default office directory cannot be read or made.
    #[error("directory publisher key {path}: {source}")]
    PublisherKey {
        /// The key file.
        path: PathBuf,
        /// Why it cannot be used.
        #[source]
        source: motcua_dossier::Error,
    },
    /// A receipt could not be made or signed.
    #[error("cannot issue a receipt: {0}")]
    Receipt(#[source] motcua_dossier::Error),
    /// A CORS origin is not `http(s)://host[:port]` (or `*`).
    #[error("CORS origin {0:?}: expected http(s)://host[:port] without a path, or *")]
    BadOrigin(String),
    /// A dossier code format is not usable.
    #[error("dossier code format {format:?}: {reason}")]
    CodeFormat {
        /// The format given.
        format: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// A request that failed, answered as an RFC 9457 problem document whose
/// `type` is `/problems/<code>` (documented in `docs/intake-protocol.md`).
#[derive(Debug)]
pub(crate) enum AppError {
    /// 400: the request is malformed; `code` names the rule it broke.
    BadRequest { code: &'static str, detail: String },
    /// 403: the request is understood and refused (a CORS preflight from
    /// an origin that is not allowed).
    Forbidden { code: &'static str, detail: String },
    /// 404: the resource does not exist.
    NotFound(String),
    /// 409: the request contradicts the resource's state.
    Conflict { code: &'static str, detail: String },
    /// 405: the resource does not take this method; `allow` lists those
    /// it takes.
    MethodNotAllowed { allow: Option<HeaderValue> },
    /// 408: the request body came slower than the minimum rate
    /// (`conn::MinRate`).
    BodyTooSlow(String),
    /// 410: the resource existed but has expired.
    Gone(String),
    /// 412: the client speaks a protocol version we do not.
    UnsupportedVersion(String),
    /// 413: more bytes than allowed.
    TooLarge { limit: u64, detail: String },
    /// 415: the body has the wrong media type.
    UnsupportedMediaType(String),
    /// 423: another request is working on the resource; try again shortly.
    Locked(String),
    /// 460 (tus): the bytes do not match their checksum.
    ChecksumMismatch(String),
    /// 460: the whole file does not match the SHA-256 declared at creation.
    FileDigestMismatch(String),
    /// 422: the request is well-formed but its content is refused;
    /// `extra` holds further members of the problem document.
    Unprocessable {
        code: &'static str,
        detail: String,
        extra: Map<String, Value>,
    },
    /// 429: the client sent too many requests; it may retry after
    /// `retry_after` seconds.
    RateLimited { retry_after: u64 },
    /// 500: a fault on our side; details go to the log, not to the client.
    Internal(String),
}

impl AppError {
    /// The answer to a request body that could not be read: too slow (the
    /// connection's minimum rate), or broken off.
    pub(crate) fn body(err: &axum::Error) -> Self {
        let mut source = std::error::Error::source(err);
        let mut slow = None;
        while let Some(s) = source {
            slow = slow.or_else(|| s.downcast_ref::<crate::conn::BodyTooSlow>());
            source = s.source();
        }
        match slow {
            Some(slow) => Self::BodyTooSlow(slow.to_string()),
            None => Self::BadRequest {
                code: "interrupted",
                detail: format!("the request body broke off: {err}"),
            },
        }
    }
}

impl From<Error> for AppError {
    fn from(err: Error) -> Self {
        Self::Internal(err.to_string())
    }
}

impl AppError {
    fn parts(&self) -> (StatusCode, &'static str, &'static str, Option<&str>) {
        let checksum = StatusCode::from_u16(460).unwrap_or(StatusCode::BAD_REQUEST);
        match self {
            Self::BadRequest { code, detail } => {
                (StatusCode::BAD_REQUEST, code, "Bad request", Some(detail))
            }
            Self::Forbidden { code, detail } => {
                (StatusCode::FORBIDDEN, code, "Forbidden", Some(detail))
            }
            Self::NotFound(detail) => (
                StatusCode::NOT_FOUND,
                "not-found",
                "Not found",
                Some(detail),
            ),
            Self::Conflict { code, detail } => {
                (StatusCode::CONFLICT, code, "Conflict", Some(detail))
            }
            Self::MethodNotAllowed { .. } => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "Method not allowed",
                Some("this resource does not take this method; see Allow"),
            ),
            Self::BodyTooSlow(detail) => (
                StatusCode::REQUEST_TIMEOUT,
                "body-too-slow",
                "Request body too slow",
                Some(detail),
            ),
            Self::Gone(detail) => (StatusCode::GONE, "expired", "Expired", Some(detail)),
            Self::UnsupportedVersion(detail) => (
                StatusCode::PRECONDITION_FAILED,
                "unsupported-version",
                "Unsupported protocol version",
                Some(detail),
            ),
            Self::TooLarge { detail, .. } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "Too large",
                Some(detail),
            ),
            Self::UnsupportedMediaType(detail) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
                Some(detail),
            ),
            Self::Locked(detail) => (StatusCode::LOCKED, "locked", "Busy", Some(detail)),
            Self::ChecksumMismatch(detail) => (
                checksum,
                "checksum-mismatch",
                "Checksum mismatch",
                Some(detail),
            ),
            Self::FileDigestMismatch(detail) => (
                checksum,
                "file-digest-mismatch",
                "File digest mismatch",
                Some(detail),
            ),
            Self::Unprocessable { code, detail, .. } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                code,
                "Refused",
                Some(detail),
            ),
            Self::RateLimited { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                "Too many requests",
                Some("too many requests from this address; retry after the time in Retry-After"),
            ),
            Self::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Internal server error",
                None,
            ),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Self::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let (status, code, title, detail) = self.parts();
        let limit = match &self {
            Self::TooLarge { limit, .. } => Some(*limit),
            _ => None,
        };
        let extra = match &self {
            Self::Unprocessable { extra, .. } => extra.clone(),
            _ => Map::new(),
        };
        // The members the protocol names are typed; `extra` holds those
        // of a refusal (errors, message, missing) as the handler made them.
        let body = Problem {
            kind: format!("{PROBLEM_TYPE_PREFIX}{code}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: detail.unwrap_or_default().to_owned(),
            limit,
            extra,
            ..Problem::default()
        };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        let mut response =
            (status, [(header::CONTENT_TYPE, PROBLEM_MEDIA_TYPE)], json).into_response();
        match self {
            Self::RateLimited { retry_after } => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            }
            Self::MethodNotAllowed { allow } => {
                let h = response.headers_mut();
                if let Some(allow) = allow {
                    h.insert(header::ALLOW, allow);
                }
                // Also for the status look-up path, whose answers are
                // never stored.
                h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            }
            _ => {}
        }
        response
    }
}

/// Middleware: gives the router's bare 405 a problem body like every other
/// refusal (RFC 9457), keeping its `Allow`.
pub(crate) async fn method_problem(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::METHOD_NOT_ALLOWED
        || response.headers().contains_key(header::CONTENT_TYPE)
    {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    AppError::MethodNotAllowed { allow }.into_response()
}
