//! `GET /.well-known/motcua-directory`: the signed office directory this
//! server publishes (docs/directory.md), served as it was signed.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::state::AppState;

/// Where the directory is served (RFC 8615 well-known URI).
pub use motcua_protocol::DIRECTORY_PATH;
/// Where the app this server serves reads the publisher keys it pins
/// (docs/directory.md §5): a file of the built app, unless the directory
/// brings its own ([`PublishedDirectory::with_app_pins`]).
pub const PUBLISHERS_PATH: &str = "/directory-publishers.json";
/// Its media type: a JWS in the flattened JSON serialization (RFC 7515
/// §9.2.2).
const MEDIA_TYPE: &str = "application/jose+json";
/// The longest time a cache may keep it before asking again, in seconds.
const MAX_AGE_SECS: i64 = 3600;

/// A signed office directory to publish. The server serves the bytes as
/// they are; whoever configures it checks them first (`motcua serve`
/// verifies the signature against the publisher key and refuses to start
/// otherwise).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedDirectory {
    signed: Arc<[u8]>,
    expires_unix: i64,
    etag: String,
    backend_origins: Vec<String>,
    app_pins: Option<Arc<[u8]>>,
}

impl PublishedDirectory {
    /// The signed file, and its `expires` time (seconds since the Unix
    /// epoch), after which caches are told not to keep it.
    pub fn new(signed: Vec<u8>, expires_unix: i64) -> Self {
        let digest = ring::digest::digest(&ring::digest::SHA256, &signed);
        let etag = format!("\"{}\"", crate::blobs::hex(&digest.as_ref()[..16]));
        Self {
            signed: signed.into(),
            expires_unix,
            etag,
            backend_origins: Vec::new(),
            app_pins: None,
        }
    }

    /// The JWK Set the app this server serves pins (`keys` of publisher
    /// keys), served at [`PUBLISHERS_PATH`] instead of the built app's file:
    /// for a directory this server signs itself, whose key the build cannot
    /// know.
    pub fn with_app_pins(mut self, jwk_set: Vec<u8>) -> Self {
        self.app_pins = Some(jwk_set.into());
        self
    }

    /// The JWK Set served at [`PUBLISHERS_PATH`], if not the app's file.
    pub fn app_pins(&self) -> Option<&[u8]> {
        self.app_pins.as_deref()
    }

    /// The origins of the offices' backends (`https://host[:port]`), which
    /// the app this server serves may connect to (its Content-Security-Policy
    /// `connect-src`). An origin that is not one is an error.
    pub fn with_backend_origins<'a>(
        mut self,
        origins: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, crate::Error> {
        let mut normalized = origins
            .into_iter()
            .map(crate::normalize_origin)
            .collect::<Result<Vec<_>, _>>()?;
        normalized.sort();
        normalized.dedup();
        self.backend_origins = normalized;
        Ok(self)
    }

    /// The offices' backend origins, normalized, sorted, without repeats.
    pub fn backend_origins(&self) -> &[String] {
        &self.backend_origins
    }

    /// The signed file.
    pub fn bytes(&self) -> &[u8] {
        &self.signed
    }

    /// Its entity tag (RFC 9110 §8.8.3): a strong tag from its SHA-256.
    pub fn etag(&self) -> &str {
        &self.etag
    }

    /// `Cache-Control` at `now`: shared caches may keep it an hour, never
    /// past its expiry; once expired, every use asks again.
    fn cache_control(&self, now: i64) -> String {
        let left = self.expires_unix.saturating_sub(now);
        if left <= 0 {
            "no-cache".to_owned()
        } else {
            format!("public, max-age={}", left.min(MAX_AGE_SECS))
        }
    }
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

pub(crate) async fn get(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(directory) = state.directory() else {
        return AppError::NotFound("this server publishes no office directory".into())
            .into_response();
    };
    let cache = directory.cache_control(now_unix());
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim() == directory.etag || t.trim() == "*")
        });
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, MEDIA_TYPE)],
            directory.bytes().to_vec(),
        )
            .into_response()
    };
    let h = response.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(&directory.etag) {
        h.insert(header::ETAG, etag);
    }
    if let Ok(cache) = HeaderValue::from_str(&cache) {
        h.insert(header::CACHE_CONTROL, cache);
    }
    // A public, signed document: any app may read it.
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// `GET /directory-publishers.json`: the pins the directory brings, else
/// the built app's file.
pub(crate) async fn publishers(State(state): State<AppState>, request: Request) -> Response {
    let Some(pins) = state.directory().and_then(PublishedDirectory::app_pins) else {
        return crate::assets::static_files(State(state), request).await;
    };
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            // The app asks again each time it loads the directory; the
            // service worker keeps its own copy for offline use.
            (header::CACHE_CONTROL, "no-cache"),
        ],
        pins.to_vec(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caching_follows_the_expiry() {
        let d = PublishedDirectory::new(b"{}".to_vec(), 10_000);
        assert_eq!(d.cache_control(0), "public, max-age=3600");
        assert_eq!(d.cache_control(9_000), "public, max-age=1000");
        assert_eq!(d.cache_control(10_000), "no-cache");
        assert_eq!(d.etag().len(), 34);
        assert_ne!(d.etag(), PublishedDirectory::new(b"{ }".to_vec(), 1).etag());
    }
}
