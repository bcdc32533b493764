//! `yes_no`, `choice` and `multi_choice`: answers picked from a list.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::string_value;
use crate::check::{Checker, MAX_ID_BYTES, MAX_OPTIONS};
use crate::error::SchemaProblem;
use crate::i18n::LocalizedText;
use crate::messages::{ErrorCode, Fault};

/// One option of a choice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    /// The stored value, unique within the field.
    pub value: String,
    /// What the applicant sees.
    pub label: LocalizedText,
}

/// The rules of a `choice` field: its options.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChoiceRules {
    /// The options, at least one.
    pub options: Vec<ChoiceOption>,
}

/// The rules of a `multi_choice` field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MultiChoiceRules {
    /// The options, at least one.
    pub options: Vec<ChoiceOption>,
    /// Fewest options to pick.
    pub min_selected: Option<u32>,
    /// Most options to pick.
    pub max_selected: Option<u32>,
}

/// Checks a list of options: at least one, within limits, values unique.
fn check_options(options: &[ChoiceOption], c: &mut Checker<'_>, path: &str) {
    if options.is_empty() {
        c.bad(
            format!("{path}.options"),
            "a choice needs at least one option",
        );
    }
    if options.len() > MAX_OPTIONS {
        c.fail(
            format!("{path}.options"),
            SchemaProblem::TooMany {
                what: "options",
                found: options.len(),
                limit: MAX_OPTIONS,
            },
        );
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, o) in options.iter().enumerate().take(MAX_OPTIONS) {
        c.text(&o.label, &format!("{path}.options[{i}].label"));
        if o.value.is_empty() || o.value.len() > MAX_ID_BYTES {
            c.bad(
                format!("{path}.options[{i}].value"),
                "an option value has 1 to 64 bytes",
            );
        }
        if let Some(first) = seen.insert(&o.value, i) {
            c.fail(
                format!("{path}.options[{i}].value"),
                SchemaProblem::DuplicateId {
                    id: o.value.clone(),
                    first: format!("{path}.options[{first}].value"),
                },
            );
        }
    }
}

fn values(options: &[ChoiceOption]) -> Vec<String> {
    options.iter().map(|o| o.value.clone()).collect()
}

impl ChoiceRules {
    pub(crate) fn check(&self, c: &mut Checker<'_>, path: &str) {
        check_options(&self.options, c, path);
    }

    /// Whether this offers exactly the two sexes (`male`, `female`), so a
    /// personal id can be checked against it.
    pub fn is_sex(&self) -> bool {
        ["male", "female"]
            .iter()
            .all(|v| self.options.iter().any(|o| o.value == *v))
    }

    pub(crate) fn normalize(&self, raw: &Value) -> Result<Option<Value>, Fault> {
        let Some(s) = string_value(raw)? else {
            return Ok(None);
        };
        if self.options.iter().any(|o| o.value == s) {
            Ok(Some(Value::String(s.to_owned())))
        } else {
            Err(Fault::of(ErrorCode::UnknownOption))
        }
    }

    pub(crate) fn json_schema(&self) -> Value {
        json!({"enum": values(&self.options)})
    }
}

impl MultiChoiceRules {
    pub(crate) fn check(&self, c: &mut Checker<'_>, path: &str) {
        check_options(&self.options, c, path);
    }

    pub(crate) fn normalize(&self, raw: &Value) -> Result<Option<Value>, Fault> {
        let items = match raw {
            Value::Null => return Ok(None),
            Value::Array(a) => a,
            _ => return Err(Fault::of(ErrorCode::WrongType)),
        };
        if items.is_empty() {
            return Ok(None);
        }
        let mut picked = vec![false; self.options.len()];
        for item in items {
            let s = item
                .as_str()
                .ok_or_else(|| Fault::of(ErrorCode::WrongType))?;
            let i = self
                .options
                .iter()
                .position(|o| o.value == s)
                .ok_or_else(|| Fault::of(ErrorCode::UnknownOption))?;
            picked[i] = true;
        }
        let n = picked.iter().filter(|p| **p).count();
        if let Some(min) = self.min_selected
            && n < min as usize
        {
            return Err(Fault::new(
                ErrorCode::TooFewSelected,
                format!("chọn ít nhất {min}"),
                format!("select at least {min}"),
            ));
        }
        if let Some(max) = self.max_selected
            && n > max as usize
        {
            return Err(Fault::new(
                ErrorCode::TooManySelected,
                format!("chọn nhiều nhất {max}"),
                format!("select at most {max}"),
            ));
        }
        // Canonical order: the options' order.
        let values = self
            .options
            .iter()
            .zip(picked)
            .filter(|(_, p)| *p)
            .map(|(o, _)| Value::String(o.value.clone()))
            .collect();
        Ok(Some(Value::Array(values)))
    }

    pub(crate) fn json_schema(&self) -> Value {
        let mut s = json!({
            "type": "array",
            "items": {"enum": values(&self.options)},
            "uniqueItems": true,
            "minItems": self.min_selected.unwrap_or(1).max(1),
        });
        if let Some(max) = self.max_selected {
            s["maxItems"] = json!(max);
        }
        s
    }
}

/// Yes or no: a JSON boolean.
pub(crate) fn yes_no(raw: &Value) -> Result<Option<Value>, Fault> {
    match raw {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(Value::Bool(*b))),
        _ => Err(Fault::of(ErrorCode::WrongType)),
    }
}
