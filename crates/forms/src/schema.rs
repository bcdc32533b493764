//! The form part of a procedure schema: sections, fields, groups, rules.
//! `docs/procedure-schema.md` is the reference; these types mirror it.

use serde::{Deserialize, Serialize};

use crate::copy::CopyFrom;
use crate::i18n::LocalizedText;
use crate::kind::wire::FieldWire;
use crate::kind::{ChoiceOption, FieldKind, GroupRules, TableRules};
use crate::logic::Logic;

/// A step of the form (GOV.UK: one section per page), holding fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Identifier, unique among sections.
    pub id: String,
    /// Heading of the step.
    pub title: LocalizedText,
    /// Guidance shown under the heading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<LocalizedText>,
    /// When the whole section is shown; absent means always. May only use
    /// fields of earlier sections.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible: Option<Logic>,
    /// The fields, in order.
    pub fields: Vec<Field>,
    /// "Same as …" offers filling this section's fields from earlier answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copy_from: Vec<CopyFrom>,
}

/// A field (or a group of fields): what every kind has, and its kind with
/// the kind's own rules. In the procedure JSON all of it is one object
/// (`kind::wire`); properties that do not fit the field's `type` are
/// refused when the schema loads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "FieldWire", into = "FieldWire")]
pub struct Field {
    /// Identifier, unique in the whole procedure: the key in form data and
    /// the name in expressions. `[a-z][a-z0-9_]*`.
    pub id: String,
    /// The question.
    pub label: LocalizedText,
    /// Help shown under the label.
    pub hint: Option<LocalizedText>,
    /// Whether an answer is needed: `true`, `false` (the default) or a
    /// condition.
    pub required: Logic,
    /// When the field is shown; absent means always. Hidden fields are
    /// neither validated nor submitted. May only use earlier fields.
    pub visible: Option<Logic>,
    /// Makes the field read-only, its value computed by this expression.
    pub compute: Option<Logic>,
    /// The type (`type` on the wire) and its rules.
    pub kind: FieldKind,
    /// Properties the JSON gave that do not fit the kind, for the schema
    /// check to report; empty for a field built in code.
    pub(crate) misfits: Vec<Misfit>,
}

/// A property given to a field whose kind does not take it (or with a
/// value the kind cannot hold).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Misfit {
    /// The property's wire name.
    pub(crate) property: &'static str,
    /// Why it does not fit.
    pub(crate) problem: String,
}

/// A cross-field rule: `check` must hold, else `message` is reported on
/// the fields named in `fields`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Identifier, unique among rules; the error `rule` in reports.
    pub id: String,
    /// The rule is checked only when this holds; absent means always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Logic>,
    /// What must hold.
    pub check: Logic,
    /// Where to report a failure: field ids, first is the main one. At least one.
    pub fields: Vec<String>,
    /// What to tell the applicant.
    pub message: LocalizedText,
}

impl Field {
    /// A field of `kind` with nothing else set, for building schemas in code.
    pub fn new(id: impl Into<String>, kind: FieldKind, label: LocalizedText) -> Self {
        Self {
            id: id.into(),
            label,
            hint: None,
            required: Logic::never(),
            visible: None,
            compute: None,
            kind,
            misfits: Vec::new(),
        }
    }

    /// The group's rules, if this is a group.
    pub fn group(&self) -> Option<&GroupRules> {
        match &self.kind {
            FieldKind::Group(g) => Some(g),
            _ => None,
        }
    }

    /// A plain (not repeatable) group's rules.
    pub fn plain_group(&self) -> Option<&GroupRules> {
        self.group().filter(|g| g.table.is_none())
    }

    /// A repeatable group's rules and its table's.
    pub fn table(&self) -> Option<(&GroupRules, &TableRules)> {
        self.group().and_then(|g| g.table.as_ref().map(|t| (g, t)))
    }

    /// The fields inside a group; none for any other kind.
    pub fn fields(&self) -> &[Self] {
        self.group().map_or(&[], |g| g.fields.as_slice())
    }

    /// Whether this field is a repeatable group.
    pub fn is_table(&self) -> bool {
        self.table().is_some()
    }

    /// Whether the value is computed rather than entered.
    pub fn is_computed(&self) -> bool {
        self.compute.is_some()
    }

    /// The options of a choice or multiple choice; none for other kinds.
    pub fn options(&self) -> &[ChoiceOption] {
        match &self.kind {
            FieldKind::Choice(c) => &c.options,
            FieldKind::MultiChoice(c) => &c.options,
            _ => &[],
        }
    }

    /// The label of an option value, for review pages.
    pub fn option_label(&self, value: &str) -> Option<&LocalizedText> {
        self.options()
            .iter()
            .find(|o| o.value == value)
            .map(|o| &o.label)
    }
}

/// Walks fields depth-first in form order, with the path of repeatable
/// groups enclosing each (innermost last).
pub(crate) fn walk_fields<'a>(
    fields: &'a [Field],
    tables: &mut Vec<&'a str>,
    f: &mut impl FnMut(&'a Field, &[&'a str]),
) {
    for field in fields {
        f(field, tables);
        if let Some(group) = field.group() {
            let table = group.table.is_some();
            if table {
                tables.push(&field.id);
            }
            walk_fields(&group.fields, tables, f);
            if table {
                tables.pop();
            }
        }
    }
}
