//! CORS (WHATWG Fetch, "CORS protocol") for the app origins an office
//! allows, so that an app served from one origin can file at offices on
//! others.
//!
//! A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`)
//! is answered here, before routing, so it never reaches the rate limits
//! (403 for an origin not allowed, also when none is configured);
//! a tus `OPTIONS` without those headers still reaches the tus handler.
//! Other requests from an allowed origin get `Access-Control-Allow-Origin`
//! and the headers a client must read (`Location`, `Upload-Offset`, ...).
//! Credentials are never allowed: the protocol uses none.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{AppError, Error};
use crate::state::AppState;

/// The methods of the protocol.
const ALLOW_METHODS: &str = "GET, HEAD, POST, PATCH, DELETE, OPTIONS";
/// The request headers of the protocol and of tus clients.
const ALLOW_HEADERS: &str = "Content-Type, Accept, Tus-Resumable, Upload-Length, Upload-Offset, \
Upload-Metadata, Upload-Checksum, Upload-Defer-Length, Upload-Concat, X-HTTP-Method-Override, \
X-Requested-With, Idempotency-Key, If-None-Match";
/// The response headers a cross-origin client may read.
const EXPOSE_HEADERS: &str = "Location, Upload-Offset, Upload-Length, Upload-Expires, \
Upload-Metadata, Tus-Resumable, Tus-Version, Tus-Extension, Tus-Max-Size, \
Tus-Checksum-Algorithm, Retry-After, ETag";
/// How long a browser may keep a preflight's answer (Chromium caps it at
/// two hours).
const MAX_AGE: &str = "7200";

/// The origins allowed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum Origins {
    /// No CORS: only the server's own origin (the app it serves).
    #[default]
    None,
    /// Any origin (`*`).
    Any,
    /// These origins, normalized.
    List(Vec<String>),
}

impl Origins {
    /// Reads the configured origins: each `*` or `http(s)://host[:port]`.
    pub(crate) fn new(origins: &[String]) -> Result<Self, Error> {
        if origins.is_empty() {
            return Ok(Self::None);
        }
        if origins.iter().any(|o| o == "*") {
            return Ok(Self::Any);
        }
        let list = origins
            .iter()
            .map(|o| normalize_origin(o))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::List(list))
    }

    fn allows(&self, origin: &str) -> bool {
        match self {
            Self::None => false,
            Self::Any => true,
            Self::List(list) => normalize_origin(origin).is_ok_and(|o| list.contains(&o)),
        }
    }

    fn allow_origin(&self, origin: &HeaderValue) -> HeaderValue {
        match self {
            Self::Any => HeaderValue::from_static("*"),
            _ => origin.clone(),
        }
    }
}

/// An origin as browsers send it (RFC 6454 §6.2): scheme and host in lower
/// case, the default port left out.
pub fn normalize_origin(origin: &str) -> Result<String, Error> {
    let bad = || Error::BadOrigin(origin.to_owned());
    let lower = origin.to_ascii_lowercase();
    let (scheme, rest) = lower.split_once("://").ok_or_else(bad)?;
    let default_port = match scheme {
        "https" => ":443",
        "http" => ":80",
        _ => return Err(bad()),
    };
    let ok = !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._:[]".contains(&b));
    if !ok {
        return Err(bad());
    }
    let host = rest.strip_suffix(default_port).unwrap_or(rest);
    Ok(format!("{scheme}://{host}"))
}

fn add_vary(headers: &mut HeaderMap, value: &'static str) {
    headers.append(header::VARY, HeaderValue::from_static(value));
}

/// Middleware: answers preflights and marks responses to allowed origins.
pub(crate) async fn handle(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let origins = state.cors_origins();
    let origin = request.headers().get(header::ORIGIN).cloned();
    let preflight = request.method() == Method::OPTIONS
        && origin.is_some()
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    // Without configured origins a preflight still gets its 403 here (a
    // browser never preflights its own origin), taking no rate-limit
    // token; other requests pass untouched.
    if *origins == Origins::None && !preflight {
        return next.run(request).await;
    }
    let allowed = origin
        .as_ref()
        .and_then(|o| o.to_str().ok())
        .is_some_and(|o| origins.allows(o));
    if preflight {
        let mut response = if allowed {
            let mut response = StatusCode::NO_CONTENT.into_response();
            let h = response.headers_mut();
            if let Some(origin) = &origin {
                h.insert(
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    origins.allow_origin(origin),
                );
            }
            h.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static(ALLOW_METHODS),
            );
            h.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static(ALLOW_HEADERS),
            );
            h.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static(MAX_AGE),
            );
            response
        } else {
            AppError::Forbidden {
                code: "cors-origin",
                detail: "this server does not take requests from that origin".into(),
            }
            .into_response()
        };
        let h = response.headers_mut();
        add_vary(h, "Origin");
        add_vary(h, "Access-Control-Request-Method");
        add_vary(h, "Access-Control-Request-Headers");
        return response;
    }
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if let (true, Some(origin)) = (allowed, &origin) {
        h.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            origins.allow_origin(origin),
        );
        h.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSE_HEADERS),
        );
    }
    // Credentials stay off: `Access-Control-Allow-Credentials` is never sent.
    if *origins != Origins::Any {
        add_vary(h, "Origin");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalized_as_browsers_send_them() {
        assert_eq!(
            normalize_origin("HTTPS://Portal.Example.vn:443").unwrap(),
            "https://portal.example.vn"
        );
        assert_eq!(
            normalize_origin("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(normalize_origin("http://[::1]:80").unwrap(), "http://[::1]");
        for bad in [
            "",
            "portal.example.vn",
            "ftp://x",
            "https://",
            "https://x/app",
            "https://u@x",
            "null",
        ] {
            assert!(normalize_origin(bad).is_err(), "{bad:?}");
        }
        let list = Origins::new(&["https://a.example".into()]).unwrap();
        assert!(list.allows("https://a.example"));
        assert!(list.allows("https://a.example:443"));
        assert!(!list.allows("https://b.example"));
        assert!(!list.allows("http://a.example"));
        assert!(!list.allows("null"));
        assert_eq!(Origins::new(&[]).unwrap(), Origins::None);
        assert_eq!(
            Origins::new(&["https://a.example".into(), "*".into()]).unwrap(),
            Origins::Any
        );
    }
}
