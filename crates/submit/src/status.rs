//! The answer to a status look-up.

use motcua_dossier::{DossierCode, DossierId, OfficeCode, ProcedureRef, Timestamp};
use motcua_forms::LocalizedText;
use serde::{Deserialize, Serialize};

/// Where a dossier stands at the office.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DossierStatus {
    /// Received and acknowledged (đã tiếp nhận).
    Received,
    /// Being handled (đang giải quyết).
    InProgress,
    /// The office asks for more papers (yêu cầu bổ sung).
    SupplementRequested,
    /// Handled; the result is ready (đã có kết quả).
    Completed,
    /// Refused (từ chối).
    Rejected,
    /// A status this client does not know yet.
    #[serde(other)]
    Other,
}

impl DossierStatus {
    /// The name to show.
    pub fn label(&self) -> LocalizedText {
        let (vi, en) = match self {
            Self::Received => ("Đã tiếp nhận", "Received"),
            Self::InProgress => ("Đang giải quyết", "In progress"),
            Self::SupplementRequested => ("Yêu cầu bổ sung hồ sơ", "More papers requested"),
            Self::Completed => ("Đã có kết quả", "Completed"),
            Self::Rejected => ("Từ chối", "Rejected"),
            Self::Other => ("Trạng thái khác", "Other status"),
        };
        LocalizedText::new(vi, en)
    }
}

/// One step of a dossier's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusEvent {
    /// The status entered.
    pub status: DossierStatus,
    /// When.
    pub at: Timestamp,
    /// What the office says, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A dossier's status and history, as the office reports them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusReport {
    /// Its code.
    pub dossier_code: DossierCode,
    /// Its id.
    pub dossier_id: DossierId,
    /// The office.
    pub office: OfficeCode,
    /// The procedure.
    pub procedure: ProcedureRef,
    /// When it was received.
    pub received: Timestamp,
    /// Where it stands now.
    pub status: DossierStatus,
    /// Every status it went through, oldest first.
    pub history: Vec<StatusEvent>,
}
