//! Response headers every answer carries: caching and security.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The app's Content-Security-Policy: nothing but our own origin; wasm may be
/// compiled (`wasm-unsafe-eval`), but no inline or evaluated script runs. Images
/// may be `blob:`/`data:` because page thumbnails are made on the device.
/// The app may connect to its own origin and to the backends of the offices
/// in the directory this server publishes (`offices`: normalized origins,
/// see [`crate::normalize_origin`]), and nowhere else.
pub(crate) fn content_security_policy(offices: &[String]) -> HeaderValue {
    let mut connect = String::from("'self'");
    for origin in offices {
        connect.push(' ');
        connect.push_str(origin);
    }
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' blob: data:; connect-src {connect}; worker-src 'self' blob:; \
         manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    );
    // Normalized origins hold no byte a header value refuses; should one
    // slip through, the policy falls back to our own origin only.
    HeaderValue::from_str(&policy).unwrap_or_else(|_| content_security_policy_self_only())
}

fn content_security_policy_self_only() -> HeaderValue {
    HeaderValue::from_static(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' blob: data:; connect-src 'self'; worker-src 'self' blob:; \
         manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'",
    )
}

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// Adds cache and security headers, unless a handler set them already;
/// `csp` is the policy built at start by [`content_security_policy`].
pub(crate) async fn add(State(csp): State<HeaderValue>, request: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    let cache = if hashed && response.status().is_success() {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let headers = response.headers_mut();
    set_default(headers, header::CACHE_CONTROL, cache);
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(csp);
    set_default(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set_default(headers, header::REFERRER_POLICY, "no-referrer");
    set_default(headers, header::X_FRAME_OPTIONS, "DENY");
    set_default(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set_default(
        headers,
        HeaderName::from_static("permissions-policy"),
        "camera=(self), microphone=(), geolocation=(), payment=()",
    );
    response
}

fn set_default(headers: &mut HeaderMap, name: HeaderName, value: &'static str) {
    headers
        .entry(name)
        .or_insert_with(|| HeaderValue::from_static(value));
}

/// Trunk names built assets `<stem>-<16 hex digits>[_bg].<ext>`; such a name
/// changes whenever the content does, so the file may be cached for good.
pub(crate) fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let Some((stem, _ext)) = name.rsplit_once('.') else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    let Some((_, hash)) = stem.rsplit_once('-') else {
        return false;
    };
    hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_asset_names() {
        assert!(is_hashed_asset("/motcua-app-0123456789abcdef_bg.wasm"));
        assert!(is_hashed_asset("/motcua-app-0123456789abcdef.js"));
        assert!(is_hashed_asset("/style-fedcba9876543210.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/procedures/1.001193.json"));
        assert!(!is_hashed_asset("/icon-512.png"));
        assert!(!is_hashed_asset("/sw.js"));
    }
}
