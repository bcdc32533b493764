//! Why a value read from the wire is not valid, with its localized message.

use crate::i18n::LocalizedText;

/// A value that is not spelled as the protocol requires. Each variant holds
/// the text found, so the message can quote it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// A dossier id is not a lowercase hyphenated UUID.
    #[error(
        "invalid dossier id {0:?}: expected a lowercase UUID like 0b6f6c2e-3f35-4d7a-9c8e-5c8c2b1f0a11"
    )]
    DossierId(String),
    /// A digest is not 64 lowercase hex digits.
    #[error("invalid SHA-256 {0:?}: expected 64 lowercase hex digits")]
    Digest(String),
    /// An office code has characters other than letters, digits, `._-:`.
    #[error("invalid office code {0:?}: expected 1 to 64 letters, digits, '.', '_', '-' or ':'")]
    OfficeCode(String),
    /// A component id has characters other than `a-z0-9_`.
    #[error("invalid component id {0:?}: expected 1 to 64 of a-z, 0-9 and '_'")]
    ComponentId(String),
    /// A media type is not a lowercase `type/subtype`.
    #[error("invalid media type {0:?}: expected a lowercase type/subtype without parameters")]
    MediaType(String),
    /// A file name could leave its folder or is unprintable.
    #[error(
        "invalid file name {0:?}: no '/', '\\', control characters or leading '.', at most 255 bytes"
    )]
    FileName(String),
    /// A schema version is empty, too long or not printable ASCII.
    #[error("invalid schema version {0:?}: expected 1 to 32 printable ASCII characters")]
    SchemaVersion(String),
    /// A client version is empty, too long or not printable ASCII.
    #[error("invalid client version {0:?}: expected 1 to 64 printable ASCII characters")]
    ClientVersion(String),
    /// A time is outside 1970–9999 or not `YYYY-MM-DDTHH:MM:SSZ`.
    #[error("invalid time {0:?}: expected YYYY-MM-DDTHH:MM:SSZ between 1970 and 9999")]
    Timestamp(String),
    /// A dossier code is empty, too long or not printable ASCII.
    #[error("invalid dossier code {0:?}: expected 1 to 128 printable ASCII characters")]
    DossierCode(String),
    /// A procedure code is not `d.dddddd`.
    #[error("invalid procedure code {0:?}: expected a digit, a dot and six digits, like 1.001193")]
    ProcedureCode(String),
    /// A calendar date does not exist or is not written `dd/mm/yyyy` or
    /// `yyyy-mm-dd`.
    #[error("invalid date {0:?}: expected a real day written dd/mm/yyyy")]
    Date(String),
}

impl ValueError {
    /// A stable code for the kind of value, as problem documents and error
    /// reports name it.
    pub fn code(&self) -> &'static str {
        match self {
            Self::DossierId(_) => "dossier_id",
            Self::Digest(_) => "digest",
            Self::OfficeCode(_) => "office_code",
            Self::ComponentId(_) => "component_id",
            Self::MediaType(_) => "media_type",
            Self::FileName(_) => "file_name",
            Self::SchemaVersion(_) => "schema_version",
            Self::ClientVersion(_) => "client_version",
            Self::Timestamp(_) => "timestamp",
            Self::DossierCode(_) => "dossier_code",
            Self::ProcedureCode(_) => "procedure_code",
            Self::Date(_) => "date",
        }
    }

    /// The text found.
    pub fn found(&self) -> &str {
        match self {
            Self::DossierId(v)
            | Self::Digest(v)
            | Self::OfficeCode(v)
            | Self::ComponentId(v)
            | Self::MediaType(v)
            | Self::FileName(v)
            | Self::SchemaVersion(v)
            | Self::ClientVersion(v)
            | Self::Timestamp(v)
            | Self::DossierCode(v)
            | Self::ProcedureCode(v)
            | Self::Date(v) => v,
        }
    }

    /// What to tell a user, in Vietnamese and English.
    pub fn message(&self) -> LocalizedText {
        let v = self.found();
        let (vi, en) = match self {
            Self::DossierId(_) => ("Mã hồ sơ", "dossier id"),
            Self::Digest(_) => ("Mã băm SHA-256", "SHA-256"),
            Self::OfficeCode(_) => ("Mã cơ quan", "office code"),
            Self::ComponentId(_) => ("Mã thành phần hồ sơ", "dossier component id"),
            Self::MediaType(_) => ("Kiểu tệp", "media type"),
            Self::FileName(_) => ("Tên tệp", "file name"),
            Self::SchemaVersion(_) => ("Phiên bản biểu mẫu", "schema version"),
            Self::ClientVersion(_) => ("Phiên bản phần mềm", "client version"),
            Self::Timestamp(_) => ("Thời điểm", "time"),
            Self::DossierCode(_) => ("Số hồ sơ", "dossier code"),
            Self::ProcedureCode(_) => ("Mã thủ tục", "procedure code"),
            Self::Date(_) => ("Ngày", "date"),
        };
        LocalizedText::new(
            format!("{vi} \"{v}\" không hợp lệ."),
            format!("The {en} \"{v}\" is not valid."),
        )
    }
}

/// The system's source of randomness failed, so no dossier id can be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the system's random number generator failed")]
pub struct RandomnessUnavailable;
