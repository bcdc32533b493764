//! RFC 9457 problem details: how the intake server says no, and what the
//! client reads of it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::i18n::LocalizedText;

/// The media type of a problem document.
pub const PROBLEM_MEDIA_TYPE: &str = "application/problem+json";
/// The prefix of the `type` of this protocol's problems: `/problems/<name>`.
pub const PROBLEM_TYPE_PREFIX: &str = "/problems/";

/// One thing wrong with a dossier's content: a form field, an attachment or
/// a missing component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    /// A form field path, `attachments/<file name>` or `components/<id>`.
    pub path: String,
    /// Why, as a stable code.
    pub code: String,
    /// What to tell the applicant.
    pub message: LocalizedText,
}

/// A problem document (RFC 9457 §3.1) with the members this protocol adds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// `/problems/<name>`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// A short English summary of the kind.
    #[serde(default)]
    pub title: String,
    /// The HTTP status.
    #[serde(default)]
    pub status: u16,
    /// What went wrong, for developers (English).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
    /// The limit exceeded, for `too-large`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// What is wrong with the dossier's content, item by item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// What to tell the applicant, when the problem is theirs to fix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<LocalizedText>,
    /// Attachments the server has not received (file names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// Members of newer servers, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Problem {
    /// The problem's name: its `type` without the `/problems/` prefix.
    pub fn name(&self) -> &str {
        self.kind.rsplit('/').next().unwrap_or_default()
    }
}
