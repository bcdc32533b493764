//! `group`: fields shown together; with `repeatable`, a table of rows (an
//! array of objects in form data) with its own bounds and rules.

use serde_json::{Map, Value, json};

use crate::check::{Checker, MAX_ROWS};
use crate::copy::CopyFrom;
use crate::i18n::LocalizedText;
use crate::json_schema::object_level;
use crate::schema::{Field, Rule};

/// The rules of a `group` field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupRules {
    /// The fields of the group (or of each row), at least one.
    pub fields: Vec<Field>,
    /// A plain group: "same as …" offers filling its fields from earlier
    /// answers.
    pub copy_from: Vec<CopyFrom>,
    /// With `repeatable: true`: the group is a table of rows.
    pub table: Option<TableRules>,
}

/// What a repeatable group adds: bounds on its rows, their label and
/// rules checked on each row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableRules {
    /// Fewest rows (when the group is shown).
    pub min_rows: Option<u32>,
    /// Most rows.
    pub max_rows: Option<u32>,
    /// Label of one row ("Thành viên", "Member").
    pub row_label: Option<LocalizedText>,
    /// Rules checked on each row.
    pub rules: Vec<Rule>,
}

impl TableRules {
    /// The most rows a table takes: its `max_rows`, never beyond the
    /// engine's own bound.
    pub fn row_limit(&self) -> usize {
        self.max_rows
            .map_or(MAX_ROWS, |m| (m as usize).min(MAX_ROWS))
    }
}

impl GroupRules {
    /// Checks the group's own properties; its fields and rules are checked
    /// by the walk over the form, which knows their scope.
    pub(crate) fn check(&self, c: &mut Checker<'_>, path: &str) {
        if self.fields.is_empty() {
            c.bad(format!("{path}.fields"), "a group needs at least one field");
        }
        let Some(t) = &self.table else { return };
        if let Some(label) = &t.row_label {
            c.text(label, &format!("{path}.row_label"));
        }
        if let Some(m) = t.max_rows
            && (m as usize > MAX_ROWS || m == 0)
        {
            c.bad(
                format!("{path}.max_rows"),
                format!("max_rows must be 1 to {MAX_ROWS}"),
            );
        }
        if let (Some(a), Some(b)) = (t.min_rows, t.max_rows)
            && a > b
        {
            c.bad(
                format!("{path}.min_rows"),
                format!("min_rows {a} is above max_rows {b}"),
            );
        }
    }

    /// A table's rows as JSON Schema; a plain group's fields sit at its
    /// parent's level (`json_schema::object_level` looks through it).
    pub(crate) fn json_schema(&self) -> Value {
        let mut props = Map::new();
        let mut required = Vec::new();
        object_level(&self.fields, true, &mut props, &mut required);
        let row = json!({
            "type": "object",
            "properties": props,
            "required": required,
            "additionalProperties": false,
        });
        let Some(t) = &self.table else { return row };
        let mut s = json!({"type": "array", "items": row});
        if let Some(min) = t.min_rows {
            s["minItems"] = json!(min);
        }
        if let Some(max) = t.max_rows {
            s["maxItems"] = json!(max);
        }
        s
    }
}
