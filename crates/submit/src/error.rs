//! The one error type of the protocol client, split by who is at fault.

use motcua_forms::LocalizedText;
use serde::{Deserialize, Serialize};

use crate::transport::NetworkErrorKind;

/// Who is at fault for an [`Error`], which decides what the app does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// Our input: the dossier, its files or the address given. Sending it
    /// again will not help; the applicant must change something.
    Input,
    /// The server answered against the protocol, or with a receipt that does
    /// not hold. Retrying may help if it was a passing fault.
    Server,
    /// No answer: the network, or the server down or busy. Retried with
    /// backoff.
    Network,
}

/// One problem the office found with the dossier's content (the `errors`
/// of a `dossier-invalid` problem document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    /// A form field id, `attachments/<file name>` or `components/<id>`.
    pub path: String,
    /// A stable code.
    pub code: String,
    /// What to tell the applicant.
    pub message: LocalizedText,
}

/// What went wrong submitting a dossier. Serializable, so that a failed
/// outbox entry keeps its reason across a reload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    /// The sealed dossier is not valid here already (it does not parse or
    /// its seal does not verify): `code` is the motcua-dossier error code.
    #[error("the sealed dossier is not valid: {detail}")]
    InvalidDossier {
        /// The stable motcua-dossier error code.
        code: String,
        /// Its account of the fault.
        detail: String,
        /// Its message to the applicant.
        message: LocalizedText,
    },
    /// The office address is not an `http://` or `https://` URL.
    #[error("invalid office address {url:?}: expected http(s)://host[:port]")]
    BadEndpoint {
        /// What was given.
        url: String,
    },
    /// An attachment's bytes cannot be read on this device.
    #[error("cannot read attachment {name:?}: {reason}")]
    AttachmentUnreadable {
        /// Its file name.
        name: String,
        /// The platform's reason.
        reason: String,
    },
    /// An attachment's bytes are not those the manifest names (the file
    /// changed since sealing).
    #[error("attachment {name:?} differs from the sealed manifest")]
    AttachmentChanged {
        /// Its file name.
        name: String,
    },
    /// The dossier is over one of the office's limits.
    #[error("{what}: {found}, the office accepts at most {limit}")]
    TooLarge {
        /// What is too large or too many.
        what: String,
        /// The office's limit.
        limit: u64,
        /// The dossier's value.
        found: u64,
    },
    /// The office refused the dossier (RFC 9457 problem `kind`, e.g.
    /// `bad-seal`, `dossier-invalid`, `dossier-conflict`).
    #[error("the office refused the dossier ({problem}, HTTP {status}): {detail}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The problem type without its `/problems/` prefix.
        problem: String,
        /// The office's explanation.
        detail: String,
        /// Each fault in the content, for `dossier-invalid`.
        errors: Vec<FieldProblem>,
        /// The office's localized message, when it sent one.
        message: Option<LocalizedText>,
    },

    /// The server does not speak this protocol version.
    #[error("the server speaks {found:?}, not motcua-intake/1")]
    UnsupportedServer {
        /// Its `protocol`.
        found: String,
    },
    /// The server answered against the protocol.
    #[error("the server broke the protocol: {detail}")]
    Protocol {
        /// What it did.
        detail: String,
    },
    /// The server failed (HTTP 5xx) or asked to come back later.
    #[error("the server failed with HTTP {status}: {detail}")]
    ServerError {
        /// The HTTP status.
        status: u16,
        /// Its explanation.
        detail: String,
        /// How long it asked to wait (Retry-After), in milliseconds.
        retry_after_ms: Option<u64>,
    },
    /// The receipt does not verify with the office's key.
    #[error("the receipt does not verify: {detail}")]
    BadReceipt {
        /// The motcua-dossier error code.
        code: String,
        /// Its account of the fault.
        detail: String,
    },
    /// The receipt verifies but is for another dossier.
    #[error("the receipt is for another dossier: its {field} differs")]
    ReceiptMismatch {
        /// The claim that differs.
        field: String,
    },
    /// The office's published receipt key is not the one expected (pinned
    /// from the office directory, or seen before).
    #[error("the office's receipt key is {found}, expected {expected}")]
    KeyChanged {
        /// The expected key's thumbprint.
        expected: String,
        /// The published key's thumbprint.
        found: String,
    },

    /// No response: offline, no connection, timeout, broken connection.
    #[error("network failure ({kind:?}): {detail}")]
    Network {
        /// What kind.
        kind: NetworkErrorKind,
        /// The platform's description.
        detail: String,
    },
    /// The office limits how fast one client may send; wait.
    #[error("too many requests; retry in {retry_after_ms} ms")]
    RateLimited {
        /// How long to wait, in milliseconds.
        retry_after_ms: u64,
    },
}

impl Error {
    /// Who is at fault.
    pub fn fault(&self) -> Fault {
        match self {
            Self::InvalidDossier { .. }
            | Self::BadEndpoint { .. }
            | Self::AttachmentUnreadable { .. }
            | Self::AttachmentChanged { .. }
            | Self::TooLarge { .. }
            | Self::Refused { .. } => Fault::Input,
            Self::UnsupportedServer { .. }
            | Self::Protocol { .. }
            | Self::ServerError { .. }
            | Self::BadReceipt { .. }
            | Self::ReceiptMismatch { .. }
            | Self::KeyChanged { .. } => Fault::Server,
            Self::Network { .. } | Self::RateLimited { .. } => Fault::Network,
        }
    }

    /// Whether sending again later may succeed without any change: network
    /// faults, server failures and protocol slips (a proxy's error page, a
    /// restart). Refusals, a bad receipt and a changed key are not retried
    /// on their own; the applicant may still retry by hand.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::Network { .. }
                | Self::RateLimited { .. }
                | Self::ServerError { .. }
                | Self::Protocol { .. }
        )
    }

    /// How long the server asked to wait, if it did.
    pub fn retry_after_ms(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after_ms } => Some(*retry_after_ms),
            Self::ServerError { retry_after_ms, .. } => *retry_after_ms,
            _ => None,
        }
    }

    /// The message to show the applicant, in Vietnamese and English.
    pub fn message(&self) -> LocalizedText {
        let t = |vi: String, en: String| LocalizedText::new(vi, en);
        match self {
            Self::InvalidDossier { message, .. } => message.clone(),
            Self::BadEndpoint { url } => t(
                format!("Địa chỉ cơ quan \"{url}\" không hợp lệ."),
                format!("The office address \"{url}\" is not valid."),
            ),
            Self::AttachmentUnreadable { name, .. } => t(
                format!("Không đọc được tệp đính kèm \"{name}\" trên thiết bị này."),
                format!("The attachment \"{name}\" cannot be read on this device."),
            ),
            Self::AttachmentChanged { name } => t(
                format!(
                    "Tệp đính kèm \"{name}\" đã thay đổi sau khi ký hồ sơ; hãy đính kèm và ký lại."
                ),
                format!(
                    "The attachment \"{name}\" changed after the dossier was sealed; attach it and seal again."
                ),
            ),
            Self::TooLarge { what, limit, found } => t(
                format!("Hồ sơ vượt giới hạn của cơ quan ({what}): {found}, tối đa {limit}."),
                format!("The dossier is over the office's limit ({what}): {found}, at most {limit}."),
            ),
            Self::Refused {
                problem,
                detail,
                message,
                ..
            } => message.clone().unwrap_or_else(|| refusal_message(problem, detail)),
            Self::UnsupportedServer { .. } => t(
                "Máy chủ của cơ quan dùng phiên bản giao thức khác; chưa thể nộp hồ sơ tới đây."
                    .into(),
                "The office's server speaks another protocol version; dossiers cannot be sent there yet."
                    .into(),
            ),
            Self::Protocol { .. } => t(
                "Máy chủ của cơ quan trả lời không đúng giao thức. Hồ sơ sẽ được gửi lại sau.".into(),
                "The office's server answered against the protocol. The dossier will be sent again later."
                    .into(),
            ),
            Self::ServerError { status, .. } => t(
                format!("Máy chủ của cơ quan đang gặp lỗi (HTTP {status}). Hồ sơ sẽ được gửi lại sau."),
                format!("The office's server failed (HTTP {status}). The dossier will be sent again later."),
            ),
            Self::BadReceipt { .. } => t(
                "Giấy biên nhận của cơ quan không có chữ ký hợp lệ; chưa thể coi là đã nộp.".into(),
                "The office's receipt does not carry a valid signature; the dossier cannot count as filed."
                    .into(),
            ),
            Self::ReceiptMismatch { .. } => t(
                "Giấy biên nhận không khớp với hồ sơ đã gửi; chưa thể coi là đã nộp.".into(),
                "The receipt does not match the dossier sent; the dossier cannot count as filed.".into(),
            ),
            Self::KeyChanged { .. } => t(
                "Khóa ký biên nhận của cơ quan đã thay đổi so với danh bạ; cần kiểm tra lại trước khi nộp."
                    .into(),
                "The office's receipt key differs from the directory; check before filing.".into(),
            ),
            Self::Network { kind, .. } => match kind {
                NetworkErrorKind::Offline => t(
                    "Thiết bị đang ngoại tuyến. Hồ sơ sẽ được gửi khi có mạng.".into(),
                    "The device is offline. The dossier will be sent when it is back online.".into(),
                ),
                _ => t(
                    "Không kết nối được tới cơ quan. Hồ sơ sẽ được gửi lại sau.".into(),
                    "The office cannot be reached. The dossier will be sent again later.".into(),
                ),
            },
            Self::RateLimited { .. } => t(
                "Cơ quan đang nhận quá nhiều yêu cầu; hồ sơ sẽ được gửi lại sau ít phút.".into(),
                "The office is receiving too many requests; the dossier will be sent again shortly."
                    .into(),
            ),
        }
    }
}

/// A message for a refusal the office sent without one of its own.
fn refusal_message(problem: &str, detail: &str) -> LocalizedText {
    let (vi, en) = match problem {
        "bad-seal" => (
            "Chữ ký trên hồ sơ không hợp lệ; hãy ký lại hồ sơ.",
            "The dossier's seal is not valid; seal the dossier again.",
        ),
        "dossier-invalid" => (
            "Hồ sơ chưa đúng quy định của thủ tục; hãy sửa các lỗi được nêu.",
            "The dossier does not meet the procedure's rules; correct the faults listed.",
        ),
        "dossier-conflict" => (
            "Cơ quan đã nhận một hồ sơ khác cùng mã; hãy tạo hồ sơ mới.",
            "The office already received a different dossier with the same id; make a new dossier.",
        ),
        "unknown-procedure" => (
            "Cơ quan này không giải quyết thủ tục đã chọn.",
            "This office does not handle the chosen procedure.",
        ),
        "procedure-version" => (
            "Biểu mẫu của thủ tục đã thay đổi; hãy khai lại theo biểu mẫu mới.",
            "The procedure's form has changed; fill in the new form.",
        ),
        "wrong-office" => (
            "Máy chủ này không nhận hồ sơ cho cơ quan đã chọn.",
            "This server does not receive dossiers for the chosen office.",
        ),
        "too-large" => (
            "Hồ sơ vượt giới hạn dung lượng của cơ quan.",
            "The dossier is over the office's size limits.",
        ),
        _ => {
            return LocalizedText::new(
                format!("Cơ quan từ chối hồ sơ: {detail}"),
                format!("The office refused the dossier: {detail}"),
            );
        }
    };
    LocalizedText::new(vi, en)
}

impl From<&motcua_dossier::Error> for Error {
    fn from(e: &motcua_dossier::Error) -> Self {
        Self::InvalidDossier {
            code: e.code().to_owned(),
            detail: e.to_string(),
            message: e.message(),
        }
    }
}

impl From<crate::transport::NetworkError> for Error {
    fn from(e: crate::transport::NetworkError) -> Self {
        Self::Network {
            kind: e.kind,
            detail: e.detail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_and_retries() {
        let network = Error::Network {
            kind: NetworkErrorKind::Offline,
            detail: "offline".into(),
        };
        assert_eq!(network.fault(), Fault::Network);
        assert!(network.is_retryable());
        assert!(network.message().vi.contains("ngoại tuyến"));
        let refused = Error::Refused {
            status: 422,
            problem: "bad-seal".into(),
            detail: "x".into(),
            errors: vec![],
            message: None,
        };
        assert_eq!(refused.fault(), Fault::Input);
        assert!(!refused.is_retryable());
        assert!(refused.message().en.contains("seal"));
        let busy = Error::RateLimited {
            retry_after_ms: 2000,
        };
        assert_eq!(busy.retry_after_ms(), Some(2000));
        assert!(
            !Error::BadReceipt {
                code: "bad_signature".into(),
                detail: String::new()
            }
            .is_retryable()
        );
    }

    #[test]
    fn errors_survive_a_round_trip_through_storage() {
        let e = Error::Refused {
            status: 422,
            problem: "dossier-invalid".into(),
            detail: "1 rule".into(),
            errors: vec![FieldProblem {
                path: "requester_personal_id".into(),
                code: "required".into(),
                message: LocalizedText::new("Thiếu", "Missing"),
            }],
            message: None,
        };
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains(r#""error":"refused""#), "{json}");
        assert_eq!(serde_json::from_str::<Error>(&json).unwrap(), e);
    }
}
