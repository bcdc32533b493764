//! "Same as …" (giống thông tin …): a section or a group offers to fill its
//! fields from answers given earlier, so a father who files for his child
//! does not type his name, number and address twice.
//!
//! The schema declares each offer ([`CopyFrom`]); the evaluation says which
//! offers apply now ([`crate::Evaluation::copy_available`]); and
//! [`Procedure::copy_answers`] gives the answers to set. The citizen asks
//! for the copy and can change any copied answer afterwards: nothing is
//! linked.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalog::Procedure;
use crate::form::Evaluation;
use crate::i18n::LocalizedText;
use crate::logic::Logic;
use crate::schema::Field;

/// One "same as …" offer of a section or a plain group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CopyFrom {
    /// Identifier, unique among the procedure's offers.
    pub id: String,
    /// What the button says: "Giống thông tin người yêu cầu".
    pub label: LocalizedText,
    /// When the offer applies (e.g. the requester is the father); absent
    /// means always. May only use fields before the section or group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Logic>,
    /// Target field (in the section or group) → source field (before it).
    /// Sources and targets are of the same type, outside repeatable groups.
    pub fields: BTreeMap<String, String>,
    /// Target field → a constant answer set with the copy, e.g. "lives
    /// abroad: no" so that the copied address shows.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub set: BTreeMap<String, Value>,
}

/// Whether a raw answer holds something (the engine's notion of empty).
fn is_answered(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => m.values().any(is_answered),
        _ => true,
    }
}

impl Procedure {
    /// Every "same as …" offer, of sections and of groups, in form order.
    pub fn copy_offers(&self) -> Vec<&CopyFrom> {
        fn walk<'f>(fields: &'f [Field], out: &mut Vec<&'f CopyFrom>) {
            for f in fields {
                if let Some(group) = f.group() {
                    out.extend(&group.copy_from);
                    walk(&group.fields, out);
                }
            }
        }
        let mut out = Vec::new();
        for s in &self.sections {
            out.extend(&s.copy_from);
            walk(&s.fields, &mut out);
        }
        out
    }

    /// The offer with this id.
    pub fn copy_offer(&self, id: &str) -> Option<&CopyFrom> {
        self.copy_offers().into_iter().find(|c| c.id == id)
    }

    /// The answers "same as …" offer `id` sets, as (field path, answer as
    /// typed) in order, for `values` evaluated as `evaluation`: its
    /// constants, then each source that is shown and answered. Empty when
    /// the offer is unknown or does not apply now. Apply them with
    /// [`crate::set_value`].
    pub fn copy_answers(
        &self,
        id: &str,
        values: &Value,
        evaluation: &Evaluation,
    ) -> Vec<(String, Value)> {
        let Some(offer) = self.copy_offer(id) else {
            return Vec::new();
        };
        if !evaluation.copy_available(id) {
            return Vec::new();
        }
        let mut answers: Vec<(String, Value)> = offer
            .set
            .iter()
            .map(|(target, value)| (target.clone(), value.clone()))
            .collect();
        for (target, source) in &offer.fields {
            if !evaluation.is_visible(source) {
                continue;
            }
            if let Some(value) = values.get(source).filter(|v| is_answered(v)) {
                answers.push((target.clone(), value.clone()));
            }
        }
        answers
    }
}

/// Whether offer `copy` applies to the normalized `data` of an evaluation:
/// its condition holds and a source has an answer.
pub(crate) fn applies(copy: &CopyFrom, data: &Value, when: impl FnOnce(&Logic) -> bool) -> bool {
    copy.fields
        .values()
        .any(|source| data.get(source).is_some())
        && copy.when.as_ref().is_none_or(when)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn answered_means_what_the_engine_means() {
        for empty in [json!(null), json!(" "), json!([]), json!({"street": ""})] {
            assert!(!is_answered(&empty), "{empty}");
        }
        for full in [
            json!(false),
            json!(0),
            json!("a"),
            json!({"province": "01"}),
        ] {
            assert!(is_answered(&full), "{full}");
        }
    }
}
