//! Errors of the intake server: at start-up ([`Error`]) and per request
//! (`AppError`, answered as RFC 9457 problem details).

use std::path::PathBuf;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

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
}

/// A request that failed, answered as an RFC 9457 problem document.
#[derive(Debug)]
pub(crate) enum AppError {
    /// The resource does not exist.
    NotFound(String),
    /// A fault on our side; the details go to the log, not to the client.
    Internal(String),
}

/// RFC 9457 §3.1 problem details.
#[derive(Debug, Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    title: &'a str,
    status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, kind, title, detail) = match &self {
            Self::NotFound(what) => (
                StatusCode::NOT_FOUND,
                "https://motcua.invalid/problems/not-found",
                "Not found",
                Some(what.as_str()),
            ),
            Self::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "about:blank",
                    "Internal server error",
                    None,
                )
            }
        };
        let body = Problem {
            kind,
            title,
            status: status.as_u16(),
            detail,
        };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            json,
        )
            .into_response()
    }
}
