//! The validation engine: from raw form values to visibility, requiredness,
//! computed values, errors and normalized data.
//!
//! Form values are a JSON object keyed by field id. Fields of a plain group
//! sit at the level of the group; a repeatable group holds an array of row
//! objects keyed by the ids of its fields. Evaluation runs in four steps:
//! 1. in form order, decide each field's visibility (conditions see the
//!    normalized values of the *earlier* visible fields) and normalize its
//!    value; hidden fields are dropped;
//! 2. compute computed fields, in dependency order;
//! 3. decide requiredness and check each visible field;
//! 4. check cross-field rules (skipped where a named field already has an error).
//!
//! This module is the API; `run` is the engine. Each kind's normalization
//! lives with its kind (`crate::kind`).

mod run;

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::catalog::Procedure;
use crate::date::Date;
use crate::i18n::LocalizedText;
use crate::kind::FieldKind;
use crate::messages::ErrorCode;
use crate::schema::Field;
use crate::units::AdminUnits;
use run::Run;

/// What validation needs besides the form: today's date (for `today`,
/// `max_date: "today"` and birth years in personal ids) and, when loaded, the
/// administrative-unit table (without it, unit codes are checked for shape
/// only).
#[derive(Debug, Clone, Copy)]
pub struct Env<'a> {
    /// Today, in Vietnam (UTC+7).
    pub today: Date,
    /// The administrative-unit table, if loaded.
    pub units: Option<&'a AdminUnits>,
}

impl<'a> Env<'a> {
    /// An environment without the unit table.
    pub fn new(today: Date) -> Self {
        Self { today, units: None }
    }

    /// Adds the unit table.
    pub fn with_units(self, units: &'a AdminUnits) -> Self {
        Self {
            units: Some(units),
            ..self
        }
    }
}

/// One problem with form data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Where: a field id (`child_name`), a row field (`members[1].full_name`),
    /// a repeatable group (`members`) or `""` for the whole form.
    pub path: String,
    /// Why, as a stable code.
    pub code: ErrorCode,
    /// The failed rule's id, for `code == rule`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The section the field is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// What to tell the applicant.
    pub message: LocalizedText,
}

#[derive(Debug, Clone)]
struct State {
    path: String,
    field_id: String,
    section: usize,
    visible: bool,
    required: bool,
    /// Row coordinates: (repeatable group id, row index), outermost first.
    rows: Vec<(String, usize)>,
}

/// The outcome of evaluating a form: per-field visibility and requiredness,
/// computed values, errors and normalized data. Compute one per change of
/// the values and ask it everything.
#[derive(Debug, Clone)]
pub struct Evaluation {
    states: Vec<State>,
    index: HashMap<String, usize>,
    section_ids: Vec<String>,
    sections_visible: Vec<bool>,
    errors: Vec<FieldError>,
    data: Value,
    computed: Map<String, Value>,
    copies: HashSet<String>,
}

impl Evaluation {
    /// Whether "same as …" offer `id` applies now: its section or group is
    /// shown, its condition holds and one of its sources has an answer.
    pub fn copy_available(&self, id: &str) -> bool {
        self.copies.contains(id)
    }

    /// Every error, in form order, rules last.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// Whether there is no error.
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// The normalized data, if the form is valid: visible fields only,
    /// trimmed, canonical forms, computed values included. Ready for the
    /// dossier manifest.
    pub fn data(&self) -> Option<&Value> {
        self.is_valid().then_some(&self.data)
    }

    /// The normalized data so far, valid or not (invalid values left out).
    pub fn partial_data(&self) -> &Value {
        &self.data
    }

    /// Errors at exactly `path` (a field, a row field or a repeatable group).
    pub fn errors_at<'s>(&'s self, path: &'s str) -> impl Iterator<Item = &'s FieldError> + 's {
        self.errors.iter().filter(move |e| e.path == path)
    }

    /// Errors of one section (for "continue").
    pub fn section_errors<'s>(
        &'s self,
        section: &'s str,
    ) -> impl Iterator<Item = &'s FieldError> + 's {
        self.errors
            .iter()
            .filter(move |e| e.section.as_deref() == Some(section))
    }

    /// Whether the field instance at `path` is shown. Unknown paths are not.
    pub fn is_visible(&self, path: &str) -> bool {
        self.index
            .get(path)
            .is_some_and(|&i| self.states[i].visible)
    }

    /// Whether the field instance at `path` must be answered (false when hidden).
    pub fn is_required(&self, path: &str) -> bool {
        self.index
            .get(path)
            .is_some_and(|&i| self.states[i].visible && self.states[i].required)
    }

    /// Whether a section is shown (a hidden section's fields are all hidden).
    pub fn is_section_visible(&self, section: &str) -> bool {
        self.section_ids
            .iter()
            .position(|s| s == section)
            .is_some_and(|i| self.sections_visible[i])
    }

    /// Computed values by field id (null when they cannot be computed yet).
    pub fn computed(&self) -> &Map<String, Value> {
        &self.computed
    }

    /// The paths of every field instance evaluated, in form order, with the
    /// field id each is an instance of.
    pub fn paths(&self) -> impl Iterator<Item = (&str, &str)> {
        self.states
            .iter()
            .map(|s| (s.path.as_str(), s.field_id.as_str()))
    }
}

impl Procedure {
    /// Evaluates form `values` (see the module docs for their shape).
    /// Never panics; any JSON is accepted and judged.
    pub fn evaluate(&self, values: &Value, env: &Env<'_>) -> Evaluation {
        Run::new(self, env).run(values)
    }

    /// Validates a whole form: the normalized data, or every error.
    pub fn validate(&self, values: &Value, env: &Env<'_>) -> Result<Value, Vec<FieldError>> {
        let mut ev = self.evaluate(values, env);
        if ev.errors.is_empty() {
            Ok(std::mem::take(&mut ev.data))
        } else {
            Err(ev.errors)
        }
    }

    /// Validates one section, for "continue": its errors only.
    pub fn validate_section(
        &self,
        section: &str,
        values: &Value,
        env: &Env<'_>,
    ) -> Vec<FieldError> {
        self.evaluate(values, env)
            .section_errors(section)
            .cloned()
            .collect()
    }

    /// Validates one field instance, for "on blur": errors at `path` only.
    pub fn validate_field(&self, path: &str, values: &Value, env: &Env<'_>) -> Vec<FieldError> {
        self.evaluate(values, env)
            .errors_at(path)
            .cloned()
            .collect()
    }

    /// The applicant's name field: the first `person_name` field in form
    /// order outside tables (declaration forms name the requester first),
    /// for the receipt slip.
    pub fn applicant_name_field(&self) -> Option<&Field> {
        fn first(fields: &[Field]) -> Option<&Field> {
            fields.iter().find_map(|field| match &field.kind {
                FieldKind::PersonName(_) => Some(field),
                FieldKind::Group(g) if g.table.is_none() => first(&g.fields),
                _ => None,
            })
        }
        self.sections
            .iter()
            .find_map(|section| first(&section.fields))
    }

    /// The applicant's personal ID field: the first `personal_id` field in
    /// form order outside tables (declaration forms name the requester
    /// first). Offices look dossiers up by it, and receipts' QR codes carry
    /// it (Circular 01/2023/TT-VPCP).
    pub fn applicant_id_field(&self) -> Option<&Field> {
        fn first(fields: &[Field]) -> Option<&Field> {
            fields.iter().find_map(|field| match &field.kind {
                FieldKind::PersonalId(_) => Some(field),
                FieldKind::Group(g) if g.table.is_none() => first(&g.fields),
                _ => None,
            })
        }
        self.sections
            .iter()
            .find_map(|section| first(&section.fields))
    }

    /// The field with this id, at any depth.
    pub fn field(&self, id: &str) -> Option<&Field> {
        fn find<'f>(fields: &'f [Field], id: &str) -> Option<&'f Field> {
            fields.iter().find_map(|f| {
                if f.id == id {
                    Some(f)
                } else {
                    find(f.fields(), id)
                }
            })
        }
        self.sections.iter().find_map(|s| find(&s.fields, id))
    }
}
