//! Dossier components (thành phần hồ sơ): the papers a procedure expects,
//! and what files each accepts. The procedure schema lists them; the
//! manifest refers to them by id; both ends check attachments against them.

use serde::{Deserialize, Serialize};

use crate::i18n::LocalizedText;

/// How a paper must be presented (bản chính, bản sao, bản sao chứng thực).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CopyKind {
    /// The original (bản chính).
    Original,
    /// A plain copy (bản sao).
    Copy,
    /// A certified copy (bản sao chứng thực) or an electronic certified copy.
    CertifiedCopy,
    /// The original, or a copy shown with the original.
    OriginalOrCopy,
}

impl CopyKind {
    /// The note shown next to a component.
    pub fn label(self) -> LocalizedText {
        match self {
            Self::Original => LocalizedText::new("Bản chính", "Original"),
            Self::Copy => LocalizedText::new("Bản sao", "Copy"),
            Self::CertifiedCopy => LocalizedText::new("Bản sao có chứng thực", "Certified copy"),
            Self::OriginalOrCopy => {
                LocalizedText::new("Bản chính hoặc bản sao", "Original or copy")
            }
        }
    }
}

/// What files a dossier component accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRule {
    /// Accepted media types, e.g. `application/pdf`, `image/jpeg`.
    pub accept: Vec<String>,
    /// Most pages in the produced attachment.
    pub max_pages: u32,
    /// Most bytes of the produced attachment.
    pub max_bytes: u64,
}

/// A dossier component (thành phần hồ sơ): one paper the office expects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    /// Identifier, unique within the procedure; used in the manifest.
    pub id: String,
    /// What the paper is.
    pub name: LocalizedText,
    /// Whether the dossier is incomplete without it.
    pub required: bool,
    /// Original or copy.
    pub copy: CopyKind,
    /// When it applies, or other advice for the applicant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<LocalizedText>,
    /// Files accepted for it.
    pub attachment: AttachmentRule,
}
