//! What the client needs from its platform: HTTP, a clock and a timer
//! ([`Transport`]), and the attachments' bytes ([`Attachments`]).
//!
//! The app implements both with `fetch`, `Date.now()`, `setTimeout` and
//! IndexedDB; the command line with an HTTP client, the system clock and
//! files. Neither trait asks for `Send`, so futures built on browser
//! promises (which are not `Send`) implement them.

use std::fmt;
use std::time::Duration;

use motcua_dossier::{DossierId, FileName, Sha256};

use crate::error::Error;

/// An HTTP method the protocol uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`.
    Get,
    /// `HEAD`.
    Head,
    /// `POST`.
    Post,
    /// `PATCH`.
    Patch,
    /// `DELETE`.
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Head => "HEAD",
            Self::Post => "POST",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One HTTP request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// Header names (lowercase) and values.
    pub headers: Vec<(String, String)>,
    /// The body; empty for none.
    pub body: Vec<u8>,
}

impl Request {
    pub(crate) fn new(method: Method, url: impl Into<String>) -> Self {
        Self {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub(crate) fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }

    pub(crate) fn body(mut self, body: Vec<u8>) -> Self {
        self.body = body;
        self
    }
}

/// One HTTP response, read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Header names and values (any case).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of header `name`, compared without case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }
}

/// How a request failed to get any response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NetworkErrorKind {
    /// The device is offline (the browser says so).
    Offline,
    /// No connection could be made: refused, unreachable, DNS, TLS.
    Connect,
    /// No answer in time.
    Timeout,
    /// The connection broke while sending or receiving.
    Interrupted,
    /// Anything else the platform reports.
    Other,
}

/// A request that got no response. The request may or may not have reached
/// the server; the client finds out by asking again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkError {
    /// What kind of failure.
    pub kind: NetworkErrorKind,
    /// The platform's description, for logs.
    pub detail: String,
}

impl NetworkError {
    /// A network error of `kind`.
    pub fn new(kind: NetworkErrorKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
        }
    }
}

/// HTTP, a clock and a timer.
///
/// Implementations should give each request a timeout (a minute is plenty
/// for one chunk on a slow network) and report it as
/// [`NetworkErrorKind::Timeout`]; redirects may be followed.
#[expect(
    async_fn_in_trait,
    reason = "browser futures are not Send; callers that need Send wrap the client"
)]
pub trait Transport {
    /// Sends `request` and reads the whole response. Any response, whatever
    /// its status, is `Ok`; `Err` means no response arrived.
    async fn send(&self, request: Request) -> Result<Response, NetworkError>;

    /// Waits `duration` (between retries).
    async fn sleep(&self, duration: Duration);

    /// The current time, milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
}

/// Which attachment bytes to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef<'a> {
    /// The dossier.
    pub dossier: DossierId,
    /// The attachment's file name in the manifest (the first, when several
    /// attachments have the same bytes).
    pub name: &'a FileName,
    /// Its SHA-256.
    pub sha256: &'a Sha256,
    /// Its size.
    pub size: u64,
}

/// The attachments' bytes, wherever the platform keeps them.
#[expect(
    async_fn_in_trait,
    reason = "browser futures are not Send; callers that need Send wrap the client"
)]
pub trait Attachments {
    /// Reads `len` bytes of `file` from `offset` (fewer only at its end).
    /// A file that cannot be read is [`Error::AttachmentUnreadable`].
    async fn read(&self, file: &FileRef<'_>, offset: u64, len: usize) -> Result<Vec<u8>, Error>;
}
