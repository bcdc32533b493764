//! base64url without padding (RFC 7515 §2, used for every JWS part) and
//! standard base64 (RFC 7515 §4.1.6, used for `x5c`).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

use crate::error::Error;

/// base64url without padding.
pub(crate) fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url without padding; padding, other alphabets and
/// non-canonical trailing bits are refused, so each value has one spelling.
pub(crate) fn decode(field: &'static str, text: &str) -> Result<Vec<u8>, Error> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| Error::Base64 { field })
}

/// Standard base64 with padding (the `x5c` header parameter).
pub(crate) fn encode_std(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Decodes standard base64 with padding.
pub(crate) fn decode_std(field: &'static str, text: &str) -> Result<Vec<u8>, Error> {
    STANDARD.decode(text).map_err(|_| Error::Base64 { field })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_is_strict() {
        assert_eq!(encode(b"\xfb\xff"), "-_8");
        assert_eq!(decode("t", "-_8").unwrap(), b"\xfb\xff");
        for bad in ["-_8=", "+/8", "-_9", "a b"] {
            assert!(decode("t", bad).is_err(), "{bad:?} accepted");
        }
    }
}
