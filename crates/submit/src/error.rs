//! The one error type of the protocol client, split by who is at fault.

use motcua_dossier::Timestamp;
use motcua_protocol::LocalizedText;
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

pub use motcua_protocol::FieldProblem;

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

    /// The office directory is not a signed directory this client reads:
    /// not JSON, a member missing or of the wrong type, an unknown format,
    /// or a rule of `docs/directory.md` broken.
    #[error("the office directory is malformed: {detail}")]
    DirectoryMalformed {
        /// What is wrong, naming the member.
        detail: String,
    },
    /// The directory carries no signature: a bare directory document, an
    /// empty signature, or `alg` `none`.
    #[error("the office directory is not signed")]
    DirectoryUnsigned,
    /// The directory is signed by a key that is not a pinned publisher key.
    #[error("the office directory is signed by key {kid}, not by a trusted publisher")]
    DirectoryUntrusted {
        /// The RFC 7638 thumbprint of the key that signed it.
        kid: String,
    },
    /// The signature does not verify with the publisher's key: the
    /// directory was changed after it was signed.
    #[error("the office directory's signature does not verify: it was changed after signing")]
    DirectoryTampered,
    /// The directory's validity ended.
    #[error("the office directory expired at {expires}")]
    DirectoryExpired {
        /// Its `expires` time.
        expires: Timestamp,
    },
    /// The directory is not valid yet (or the device's clock is wrong).
    #[error("the office directory is not valid before {issued}")]
    DirectoryNotYetValid {
        /// Its `issued` time.
        issued: Timestamp,
    },
    /// A publisher key to pin is not a usable public key or thumbprint.
    #[error("unusable publisher key: {detail}")]
    PublisherKey {
        /// What is wrong with it.
        detail: String,
    },
    /// The directory lists no office with this code.
    #[error("no office {office} in the directory")]
    UnknownOffice {
        /// The code asked for.
        office: String,
    },
    /// The dossier is sealed for another office than the one chosen (the
    /// office is part of the sealed manifest).
    #[error("the dossier is sealed for office {sealed_for}, not for {office}")]
    WrongOffice {
        /// The office chosen.
        office: String,
        /// The manifest's `office`.
        sealed_for: String,
    },
    /// The office does not handle the dossier's procedure (per the directory).
    #[error("office {office} does not accept procedure {procedure}")]
    ProcedureNotAccepted {
        /// The office.
        office: String,
        /// The dossier's procedure code.
        procedure: String,
    },
    /// The office is reached through an adapter this client does not have.
    #[error("office {office} needs adapter {adapter:?}, which this client does not have")]
    UnsupportedAdapter {
        /// The office.
        office: String,
        /// The adapter's name in the directory.
        adapter: String,
    },
    /// A backend without signed receipts took the dossier (HTTP 2xx) but its
    /// answer gives no reference. It may hold the dossier: not retried on
    /// its own, so that a backend that ignores `Idempotency-Key` does not
    /// get it twice.
    #[error("the backend answered HTTP {status} without a reference at {pointer:?}")]
    NoReference {
        /// The HTTP status.
        status: u16,
        /// The JSON pointer that found nothing.
        pointer: String,
    },
    /// Signing a directory failed (the key cannot sign, or does not use an
    /// accepted algorithm).
    #[error("cannot sign the directory: {detail}")]
    Signing {
        /// What went wrong.
        detail: String,
    },
}

impl Error {
    /// A dossier over one of an office's limits.
    pub(crate) fn too_large(over: motcua_protocol::Exceeded) -> Self {
        Self::TooLarge {
            what: over.what.to_owned(),
            limit: over.limit,
            found: over.found,
        }
    }

    /// Who is at fault.
    pub fn fault(&self) -> Fault {
        match self {
            Self::InvalidDossier { .. }
            | Self::BadEndpoint { .. }
            | Self::AttachmentUnreadable { .. }
            | Self::AttachmentChanged { .. }
            | Self::TooLarge { .. }
            | Self::Refused { .. } => Fault::Input,
            Self::UnknownOffice { .. }
            | Self::WrongOffice { .. }
            | Self::ProcedureNotAccepted { .. }
            | Self::UnsupportedAdapter { .. }
            | Self::PublisherKey { .. }
            | Self::Signing { .. } => Fault::Input,
            Self::UnsupportedServer { .. }
            | Self::Protocol { .. }
            | Self::ServerError { .. }
            | Self::BadReceipt { .. }
            | Self::ReceiptMismatch { .. }
            | Self::KeyChanged { .. }
            | Self::NoReference { .. }
            | Self::DirectoryMalformed { .. }
            | Self::DirectoryUnsigned
            | Self::DirectoryUntrusted { .. }
            | Self::DirectoryTampered
            | Self::DirectoryExpired { .. }
            | Self::DirectoryNotYetValid { .. } => Fault::Server,
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
            Self::DirectoryMalformed { .. } => t(
                "Danh bạ cơ quan không đúng định dạng; hãy tải lại danh bạ.".into(),
                "The office directory is malformed; download it again.".into(),
            ),
            Self::DirectoryUnsigned => t(
                "Danh bạ cơ quan không có chữ ký nên không thể tin cậy; hãy tải lại danh bạ từ nguồn chính thức."
                    .into(),
                "The office directory is not signed, so it cannot be trusted; download it again from the official source."
                    .into(),
            ),
            Self::DirectoryUntrusted { .. } => t(
                "Danh bạ cơ quan không do đơn vị phát hành tin cậy ký; không dùng danh bạ này.".into(),
                "The office directory is not signed by a trusted publisher; it is not used.".into(),
            ),
            Self::DirectoryTampered => t(
                "Danh bạ cơ quan đã bị sửa đổi sau khi ký; không dùng danh bạ này.".into(),
                "The office directory was changed after it was signed; it is not used.".into(),
            ),
            Self::DirectoryExpired { expires } => t(
                format!("Danh bạ cơ quan đã hết hạn lúc {expires}; hãy tải bản mới."),
                format!("The office directory expired at {expires}; download a current one."),
            ),
            Self::DirectoryNotYetValid { issued } => t(
                format!(
                    "Danh bạ cơ quan chưa có hiệu lực (từ {issued}); hãy kiểm tra đồng hồ của thiết bị."
                ),
                format!(
                    "The office directory is not valid until {issued}; check the device's clock."
                ),
            ),
            Self::PublisherKey { .. } => t(
                "Khóa của đơn vị phát hành danh bạ không dùng được.".into(),
                "The directory publisher's key cannot be used.".into(),
            ),
            Self::UnknownOffice { office } => t(
                format!("Không có cơ quan \"{office}\" trong danh bạ."),
                format!("There is no office \"{office}\" in the directory."),
            ),
            Self::WrongOffice { office, sealed_for } => t(
                format!(
                    "Hồ sơ đã được ký để nộp cho cơ quan {sealed_for}, không phải {office}; hãy chọn lại cơ quan rồi ký lại."
                ),
                format!(
                    "The dossier was sealed for office {sealed_for}, not {office}; choose the office again and seal again."
                ),
            ),
            Self::ProcedureNotAccepted { office, procedure } => t(
                format!("Cơ quan {office} không tiếp nhận thủ tục {procedure}; hãy chọn cơ quan khác."),
                format!("Office {office} does not accept procedure {procedure}; choose another office."),
            ),
            Self::UnsupportedAdapter { office, .. } => t(
                format!(
                    "Phiên bản ứng dụng này chưa nộp được hồ sơ tới cơ quan {office}; hãy cập nhật ứng dụng."
                ),
                format!(
                    "This version of the app cannot send dossiers to office {office} yet; update the app."
                ),
            ),
            Self::NoReference { .. } => t(
                "Máy chủ của cơ quan đã nhận yêu cầu nhưng không trả về mã tiếp nhận; hãy liên hệ cơ quan trước khi gửi lại."
                    .into(),
                "The office's server took the request but gave no reference; check with the office before sending again."
                    .into(),
            ),
            Self::Signing { .. } => t(
                "Không ký được danh bạ cơ quan.".into(),
                "The office directory could not be signed.".into(),
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
