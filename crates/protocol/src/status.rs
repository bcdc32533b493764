//! Status look-up (`POST /api/v1/status`): the query, the status values and
//! the report, serialized by the server and read by the client.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::i18n::LocalizedText;
use crate::time::Timestamp;
use crate::value::{DossierCode, DossierId, OfficeCode, ProcedureRef};

/// Where a dossier stands, as its applicant may look it up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DossierStatus {
    /// Received and acknowledged with a receipt (đã tiếp nhận).
    Received,
    /// Being handled by the office (đang giải quyết).
    InProgress,
    /// The office asks the applicant for more papers (yêu cầu bổ sung).
    SupplementRequested,
    /// Handled; the result is ready (đã có kết quả).
    Completed,
    /// Refused by the office (từ chối).
    Rejected,
    /// A status of a newer server that this client does not know. Never
    /// stored or sent by this code.
    #[serde(other)]
    Other,
}

/// A status text that is none of [`DossierStatus::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown dossier status {0:?}")]
pub struct UnknownStatus(pub String);

impl DossierStatus {
    /// Every status a server may record.
    pub const ALL: [Self; 5] = [
        Self::Received,
        Self::InProgress,
        Self::SupplementRequested,
        Self::Completed,
        Self::Rejected,
    ];

    /// The wire and database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::InProgress => "in_progress",
            Self::SupplementRequested => "supplement_requested",
            Self::Completed => "completed",
            Self::Rejected => "rejected",
            Self::Other => "other",
        }
    }

    /// The name to show.
    pub fn label(self) -> LocalizedText {
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

impl fmt::Display for DossierStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DossierStatus {
    type Err = UnknownStatus;

    /// Reads one of [`DossierStatus::ALL`]; `other` is not a status a
    /// store may hold.
    fn from_str(s: &str) -> Result<Self, UnknownStatus> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

/// One step of a dossier's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusEvent {
    /// The status entered.
    pub status: DossierStatus,
    /// When.
    pub at: Timestamp,
    /// What the office tells the applicant, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The look-up: both the code and the applicant's personal ID number, so
/// that a code alone shows nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusQuery {
    /// The dossier code on the receipt.
    pub dossier_code: String,
    /// The applicant's personal ID number (12 digits).
    pub personal_id: String,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_unknown_ones_are_other() {
        for status in DossierStatus::ALL {
            assert_eq!(status.as_str().parse::<DossierStatus>(), Ok(status));
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{status}\""));
        }
        let newer: DossierStatus = serde_json::from_str("\"archived\"").unwrap();
        assert_eq!(newer, DossierStatus::Other);
        assert!("other".parse::<DossierStatus>().is_err());
    }
}
