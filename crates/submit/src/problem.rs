//! Reading error answers: RFC 9457 problem documents and their status codes.

use motcua_protocol::Problem;

use crate::error::Error;
use crate::transport::Response;

/// The wait when a server says "later" without saying how long.
const DEFAULT_RETRY_AFTER_MS: u64 = 5_000;
/// The longest wait a server may ask for, so that a wrong header cannot
/// park an outbox for ever.
const MAX_RETRY_AFTER_MS: u64 = 60 * 60 * 1000;

/// The problem document of `response`, or an empty one when it has none
/// or it cannot be read.
pub(crate) fn problem_of(response: &Response) -> Problem {
    serde_json::from_slice(&response.body).unwrap_or_default()
}

/// `Retry-After` in milliseconds (delay-seconds only, RFC 9110 §10.2.3).
fn retry_after_ms(response: &Response) -> Option<u64> {
    response
        .header("retry-after")
        .and_then(|v| v.parse::<u64>().ok())
        .map(|secs| secs.saturating_mul(1000).min(MAX_RETRY_AFTER_MS))
}

/// An answer that is neither what was expected nor a refusal of the
/// dossier: the server busy or failing, or breaking the protocol.
pub(crate) fn unexpected(response: &Response, what: &str) -> Error {
    let problem = problem_of(response);
    match response.status {
        429 => Error::RateLimited {
            retry_after_ms: retry_after_ms(response).unwrap_or(DEFAULT_RETRY_AFTER_MS),
        },
        408 | 500..=599 => Error::ServerError {
            status: response.status,
            detail: if problem.detail.is_empty() {
                format!("{what} failed")
            } else {
                problem.detail
            },
            retry_after_ms: retry_after_ms(response),
        },
        status => Error::Protocol {
            detail: format!(
                "unexpected HTTP {status} for {what}{}",
                if problem.kind.is_empty() {
                    String::new()
                } else {
                    format!(" ({}: {})", problem.kind, problem.detail)
                }
            ),
        },
    }
}

/// An error answer to the dossier itself: a refusal for 4xx (but 408 and
/// 429), otherwise as [`unexpected`].
pub(crate) fn refusal(response: &Response) -> Error {
    match response.status {
        400..=499 if !matches!(response.status, 408 | 429) => {
            let problem = problem_of(response);
            Error::Refused {
                status: response.status,
                problem: problem.name().to_owned(),
                detail: problem.detail,
                errors: problem.errors,
                message: problem.message,
            }
        }
        _ => unexpected(response, "the dossier"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn statuses() {
        let busy = unexpected(&response(429, &[("Retry-After", "3")], ""), "x");
        assert_eq!(
            busy,
            Error::RateLimited {
                retry_after_ms: 3000
            }
        );
        let busy = unexpected(&response(429, &[("Retry-After", "soon")], ""), "x");
        assert_eq!(busy.retry_after_ms(), Some(DEFAULT_RETRY_AFTER_MS));
        let down = unexpected(&response(503, &[("Retry-After", "99999999")], ""), "x");
        assert_eq!(down.retry_after_ms(), Some(MAX_RETRY_AFTER_MS));
        assert!(matches!(
            unexpected(&response(404, &[], "<html>"), "x"),
            Error::Protocol { .. }
        ));
        let refused = refusal(&response(
            422,
            &[],
            r#"{"type":"/problems/dossier-invalid","detail":"d","errors":[
                {"path":"p","code":"required","message":{"vi":"v","en":"e"}}]}"#,
        ));
        let Error::Refused {
            problem, errors, ..
        } = refused
        else {
            panic!("{refused:?}");
        };
        assert_eq!(problem, "dossier-invalid");
        assert_eq!(errors[0].path, "p");
        assert!(matches!(
            refusal(&response(502, &[], "")),
            Error::ServerError { status: 502, .. }
        ));
    }
}
