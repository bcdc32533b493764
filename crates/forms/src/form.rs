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

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use regex_lite::Regex;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::catalog::Procedure;
use crate::check::{MAX_ROWS, compile_pattern};
use crate::date::Date;
use crate::error::{Error, PersonalIdFault, TaxCodeFault};
use crate::i18n::LocalizedText;
use crate::ids::{Email, MobilePhone, PersonalId, Sex, TaxCode};
use crate::logic::{self, Evaluator};
use crate::messages::{self, ErrorCode, Fault};
use crate::schema::{Field, FieldKind, TaxCodeKind};
use crate::units::AdminUnits;

/// Most characters in any text value, whatever the schema says.
const MAX_VALUE_CHARS: usize = 10_000;
/// Most characters of an address's street line.
const MAX_STREET_CHARS: usize = 500;
/// Most field instances (fields times rows) evaluated; beyond it the form
/// is `too_complex`. Bounds work and memory for hostile nested tables.
const MAX_INSTANCES: usize = 50_000;

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
            fields.iter().find_map(|field| match field.kind {
                FieldKind::PersonName => Some(field),
                FieldKind::Group if !field.repeatable => first(&field.fields),
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
            fields.iter().find_map(|field| match field.kind {
                FieldKind::PersonalId => Some(field),
                FieldKind::Group if !field.repeatable => first(&field.fields),
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
                    find(&f.fields, id)
                }
            })
        }
        self.sections.iter().find_map(|s| find(&s.fields, id))
    }
}

struct Run<'p, 'e> {
    proc: &'p Procedure,
    env: &'e Env<'e>,
    ev: Evaluator,
    states: Vec<State>,
    fields: Vec<&'p Field>,
    errors: Vec<FieldError>,
    sections_visible: Vec<bool>,
    too_many_instances: bool,
}

/// Sets `key` in `target`, an object by construction.
fn insert(target: &mut Value, key: &str, value: Value) {
    if let Value::Object(m) = target {
        m.insert(key.to_owned(), value);
    }
}

/// Ids allowed as keys at one level: the fields of `fields`, looking through
/// plain groups.
fn level_ids<'f>(fields: &'f [Field], out: &mut HashSet<&'f str>) {
    for f in fields {
        if f.kind == FieldKind::Group && !f.repeatable {
            level_ids(&f.fields, out);
        } else {
            out.insert(&f.id);
        }
    }
}

impl<'p, 'e> Run<'p, 'e> {
    fn new(proc: &'p Procedure, env: &'e Env<'e>) -> Self {
        Self {
            proc,
            env,
            ev: Evaluator::new(env.today),
            states: Vec::new(),
            fields: Vec::new(),
            errors: Vec::new(),
            sections_visible: Vec::new(),
            too_many_instances: false,
        }
    }

    fn error(
        &mut self,
        path: &str,
        section: Option<usize>,
        code: ErrorCode,
        message: LocalizedText,
    ) {
        self.errors.push(FieldError {
            path: path.to_owned(),
            code,
            rule: None,
            section: section
                .and_then(|s| self.proc.sections.get(s))
                .map(|s| s.id.clone()),
            message,
        });
    }

    fn unknown_keys(&mut self, raw: &Map<String, Value>, fields: &[Field], prefix: &str) {
        let mut ids = HashSet::new();
        level_ids(fields, &mut ids);
        let unknown: Vec<String> = raw
            .keys()
            .filter(|k| !ids.contains(k.as_str()))
            .cloned()
            .collect();
        for key in unknown {
            let path = format!("{prefix}{key}");
            let f = Fault::of(ErrorCode::UnknownField);
            let label = LocalizedText::new(key.clone(), key.clone());
            self.error(&path, None, f.code, messages::message(&f, &label));
        }
    }

    fn run(mut self, values: &Value) -> Evaluation {
        let empty = Map::new();
        let raw = match values {
            Value::Object(m) => m,
            Value::Null => &empty,
            _ => {
                let f = Fault::of(ErrorCode::WrongType);
                let label = LocalizedText::new("Biểu mẫu", "Form");
                self.error("", None, f.code, messages::message(&f, &label));
                &empty
            }
        };
        let mut ids = HashSet::new();
        for s in &self.proc.sections {
            level_ids(&s.fields, &mut ids);
        }
        let unknown: Vec<String> = raw
            .keys()
            .filter(|k| !ids.contains(k.as_str()))
            .cloned()
            .collect();
        for key in unknown {
            let f = Fault::of(ErrorCode::UnknownField);
            let label = LocalizedText::new(key.clone(), key.clone());
            self.error(&key, None, f.code, messages::message(&f, &label));
        }

        // Step 1: visibility and normalization, in form order.
        let mut data = Value::Object(Map::new());
        let mut faults: Vec<Option<Fault>> = Vec::new();
        for (s, section) in self.proc.sections.iter().enumerate() {
            let visible = match &section.visible {
                Some(cond) => self.ev.truthy(&cond.0, &[&data]),
                None => true,
            };
            self.sections_visible.push(visible);
            self.walk(
                &section.fields,
                raw,
                &mut data,
                &[],
                "",
                &[],
                s,
                visible,
                &mut faults,
            );
        }

        // Step 2: computed values.
        let computed = self.compute(&mut data);

        // Step 3: requiredness and checks.
        for (i, fault) in faults.into_iter().enumerate() {
            self.check_state(i, &data, fault);
        }

        // Step 4: rules.
        self.rules(&data);
        let copies = self.copies(&data);

        if self.ev.exhausted() || self.too_many_instances {
            let f = Fault::of(ErrorCode::TooComplex);
            let label = LocalizedText::new("Biểu mẫu", "Form");
            self.error("", None, f.code, messages::message(&f, &label));
        }
        let index = self
            .states
            .iter()
            .enumerate()
            .map(|(i, s)| (s.path.clone(), i))
            .collect();
        Evaluation {
            index,
            section_ids: self.proc.sections.iter().map(|s| s.id.clone()).collect(),
            sections_visible: self.sections_visible,
            states: self.states,
            errors: self.errors,
            data,
            computed,
            copies,
        }
    }

    /// The "same as …" offers that apply to `data`, by id.
    fn copies(&mut self, data: &Value) -> HashSet<String> {
        let mut owners: Vec<(bool, &'p [crate::copy::CopyFrom])> = Vec::new();
        for (s, section) in self.proc.sections.iter().enumerate() {
            owners.push((self.sections_visible[s], &section.copy_from));
        }
        for (i, field) in self.fields.iter().enumerate() {
            if field.kind == FieldKind::Group && !field.copy_from.is_empty() {
                owners.push((self.states[i].visible, &field.copy_from));
            }
        }
        let mut out = HashSet::new();
        for (visible, copies) in owners {
            for copy in copies.iter().filter(|_| visible) {
                let ev = &mut self.ev;
                if crate::copy::applies(copy, data, |when| ev.truthy(&when.0, &[data])) {
                    out.insert(copy.id.clone());
                }
            }
        }
        out
    }

    #[expect(clippy::too_many_arguments, reason = "recursion state, kept explicit")]
    fn walk(
        &mut self,
        fields: &'p [Field],
        raw: &Map<String, Value>,
        out: &mut Value,
        parents: &[&Value],
        prefix: &str,
        rows: &[(String, usize)],
        section: usize,
        parent_visible: bool,
        faults: &mut Vec<Option<Fault>>,
    ) {
        for field in fields {
            if self.states.len() >= MAX_INSTANCES {
                self.too_many_instances = true;
                return;
            }
            let path = format!("{prefix}{}", field.id);
            let visible = parent_visible
                && match &field.visible {
                    Some(cond) => {
                        let mut frames: Vec<&Value> = parents.to_vec();
                        frames.push(out);
                        self.ev.truthy(&cond.0, &frames)
                    }
                    None => true,
                };
            self.states.push(State {
                path: path.clone(),
                field_id: field.id.clone(),
                section,
                visible,
                required: false,
                rows: rows.to_vec(),
            });
            self.fields.push(field);
            let slot = faults.len();
            faults.push(None);
            if field.is_computed() {
                continue;
            }
            match field.kind {
                FieldKind::Group if !field.repeatable => {
                    self.walk(
                        &field.fields,
                        raw,
                        out,
                        parents,
                        prefix,
                        rows,
                        section,
                        visible,
                        faults,
                    );
                }
                FieldKind::Group => {
                    let raw_rows: &[Value] = match raw.get(&field.id) {
                        None | Some(Value::Null) => &[],
                        Some(Value::Array(a)) => a,
                        Some(_) => {
                            faults[slot] = Some(Fault::of(ErrorCode::WrongType));
                            &[]
                        }
                    };
                    let limit = field
                        .max_rows
                        .map_or(MAX_ROWS, |m| (m as usize).min(MAX_ROWS));
                    if raw_rows.len() > limit {
                        faults[slot] = Some(Fault::new(
                            ErrorCode::TooManyRows,
                            format!("nhiều nhất {limit} dòng, đang có {}", raw_rows.len()),
                            format!("at most {limit} rows, found {}", raw_rows.len()),
                        ));
                    }
                    let empty = Map::new();
                    let mut out_rows = Vec::new();
                    for (i, raw_row) in raw_rows.iter().take(MAX_ROWS).enumerate() {
                        let row_prefix = format!("{path}[{i}].");
                        let row_raw = match raw_row {
                            Value::Object(m) => m,
                            _ => {
                                if visible {
                                    let f = Fault::of(ErrorCode::WrongType);
                                    let label = field
                                        .row_label
                                        .clone()
                                        .unwrap_or_else(|| field.label.clone());
                                    self.error(
                                        &format!("{path}[{i}]"),
                                        Some(section),
                                        f.code,
                                        messages::message(&f, &label),
                                    );
                                }
                                &empty
                            }
                        };
                        if visible {
                            self.unknown_keys(row_raw, &field.fields, &row_prefix);
                        }
                        let mut row_out = Value::Object(Map::new());
                        let mut row_coords = rows.to_vec();
                        row_coords.push((field.id.clone(), i));
                        let mut frames: Vec<&Value> = parents.to_vec();
                        frames.push(out);
                        self.walk(
                            &field.fields,
                            row_raw,
                            &mut row_out,
                            &frames,
                            &row_prefix,
                            &row_coords,
                            section,
                            visible,
                            faults,
                        );
                        out_rows.push(row_out);
                    }
                    if visible {
                        insert(out, &field.id, Value::Array(out_rows));
                    }
                }
                _ => {
                    let value = raw.get(&field.id).unwrap_or(&Value::Null);
                    match normalize(field, value, self.env) {
                        Ok(Some(v)) if visible => {
                            insert(out, &field.id, v);
                        }
                        Ok(_) => {}
                        Err(f) => faults[slot] = Some(f),
                    }
                }
            }
        }
    }

    /// Computes computed fields in dependency order (acyclic: checked at load).
    fn compute(&mut self, data: &mut Value) -> Map<String, Value> {
        let computed: Vec<usize> = (0..self.states.len())
            .filter(|&i| self.fields[i].is_computed())
            .collect();
        let ids: HashSet<&str> = computed
            .iter()
            .map(|&i| self.fields[i].id.as_str())
            .collect();
        let mut done: HashSet<String> = HashSet::new();
        let mut results = Map::new();
        let mut pending = computed;
        while !pending.is_empty() {
            let before = pending.len();
            let mut rest = Vec::new();
            for i in pending {
                let field = self.fields[i];
                let Some(expr) = &field.compute else { continue };
                let mut scratch = Vec::new();
                let ready = logic::analyze(&expr.0, "", &mut scratch)
                    .iter()
                    .all(|r| !ids.contains(r.name.as_str()) || done.contains(&r.name));
                if !ready {
                    rest.push(i);
                    continue;
                }
                let value = self.ev.eval(&expr.0, &[&*data]);
                done.insert(field.id.clone());
                if self.states[i].visible && !value.is_null() {
                    insert(data, &field.id, value.clone());
                }
                results.insert(field.id.clone(), value);
            }
            if rest.len() == before {
                // Unreachable for checked schemas; never loop forever.
                break;
            }
            pending = rest;
        }
        results
    }

    fn frames<'d>(data: &'d Value, rows: &[(String, usize)]) -> Vec<&'d Value> {
        let mut frames = vec![data];
        let mut current = data;
        for (table, i) in rows {
            match current.get(table).and_then(|t| t.get(*i)) {
                Some(row) => {
                    frames.push(row);
                    current = row;
                }
                None => break,
            }
        }
        frames
    }

    fn check_state(&mut self, i: usize, data: &Value, fault: Option<Fault>) {
        if !self.states[i].visible {
            return;
        }
        let field = self.fields[i];
        let frames = Self::frames(data, &self.states[i].rows);
        let required = !field.required.is_never() && self.ev.truthy(&field.required.0, &frames);
        self.states[i].required = required;
        let section = Some(self.states[i].section);
        // The path is cloned only to report an error (which borrows `self`).
        if let Some(f) = fault {
            let path = self.states[i].path.clone();
            self.error(&path, section, f.code, messages::message(&f, &field.label));
            return;
        }
        if field.is_computed() {
            return;
        }
        let current = frames.last().and_then(|row| row.get(&field.id));
        if field.kind == FieldKind::Group {
            if field.repeatable {
                let n = current.and_then(Value::as_array).map_or(0, Vec::len);
                if let Some(min) = field.min_rows
                    && n < min as usize
                {
                    let f = Fault::new(
                        ErrorCode::TooFewRows,
                        format!("cần ít nhất {min} dòng, đang có {n}"),
                        format!("needs at least {min} rows, found {n}"),
                    );
                    let path = self.states[i].path.clone();
                    self.error(&path, section, f.code, messages::message(&f, &field.label));
                }
            }
            return;
        }
        match current {
            None => {
                if required {
                    let select = matches!(
                        field.kind,
                        FieldKind::Choice
                            | FieldKind::MultiChoice
                            | FieldKind::YesNo
                            | FieldKind::AdminUnit
                    );
                    let path = self.states[i].path.clone();
                    self.error(
                        &path,
                        section,
                        ErrorCode::Required,
                        messages::required(&field.label, select),
                    );
                }
            }
            Some(value) => {
                if let Some(f) = self.holder_check(field, value, &frames) {
                    let path = self.states[i].path.clone();
                    self.error(&path, section, f.code, messages::message(&f, &field.label));
                }
            }
        }
    }

    /// A personal id against its holder's date of birth and sex, and today.
    fn holder_check(&mut self, field: &Field, value: &Value, frames: &[&Value]) -> Option<Fault> {
        if field.kind != FieldKind::PersonalId {
            return None;
        }
        let id: PersonalId = value.as_str()?.parse().ok()?;
        let lookup = |name: &Option<String>| {
            let name = name.as_deref()?;
            frames.iter().rev().find_map(|f| f.get(name)).cloned()
        };
        let year = match lookup(&field.birth_date_field) {
            Some(Value::String(s)) => s.parse::<Date>().ok().map(Date::year),
            Some(Value::Number(n)) => n.as_i64().and_then(|y| i32::try_from(y).ok()),
            _ => None,
        };
        let sex = match &field.sex {
            Some(expr) => self.ev.eval(&expr.0, frames),
            None => lookup(&field.sex_field).unwrap_or(Value::Null),
        };
        let sex = sex.as_str().and_then(Sex::from_wire);
        if id.birth_year() > self.env.today.year() {
            return Some(personal_id_fault(PersonalIdFault::FutureBirthYear(
                id.birth_year(),
            )));
        }
        match id.check_holder(year, sex) {
            Ok(()) => None,
            Err(PersonalIdFault::SexMismatch) => {
                Some(messages::sex_mismatch(&id, sex?, field.holder.as_ref()))
            }
            Err(fault) => Some(personal_id_fault(fault)),
        }
    }

    fn rules(&mut self, data: &Value) {
        let errored: HashSet<String> = self.errors.iter().map(|e| e.path.clone()).collect();
        let mut failures = Vec::new();
        // Top-level rules, then each visible row of each repeatable group.
        for rule in &self.proc.rules {
            failures.push((rule, Vec::new()));
        }
        for (i, state) in self.states.iter().enumerate() {
            let field = self.fields[i];
            if !field.is_table() || !state.visible || field.rules.is_empty() {
                continue;
            }
            let n = Self::frames(data, &state.rows)
                .last()
                .and_then(|row| row.get(&field.id))
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            for r in 0..n {
                let mut rows = state.rows.clone();
                rows.push((field.id.clone(), r));
                for rule in &field.rules {
                    failures.push((rule, rows.clone()));
                }
            }
        }
        for (rule, rows) in failures {
            let prefix: String = rows.iter().map(|(t, i)| format!("{t}[{i}].")).collect();
            let paths: Vec<String> = rule.fields.iter().map(|f| format!("{prefix}{f}")).collect();
            if paths.iter().any(|p| errored.contains(p)) {
                continue;
            }
            let frames = Self::frames(data, &rows);
            if let Some(when) = &rule.when
                && !self.ev.truthy(&when.0, &frames)
            {
                continue;
            }
            if self.ev.truthy(&rule.check.0, &frames) {
                continue;
            }
            let path = paths.first().cloned().unwrap_or_default();
            let section = self.index_of(&path).map(|i| self.states[i].section);
            self.errors.push(FieldError {
                path,
                code: ErrorCode::Rule,
                rule: Some(rule.id.clone()),
                section: section
                    .and_then(|s| self.proc.sections.get(s))
                    .map(|s| s.id.clone()),
                message: rule.message.clone(),
            });
        }
    }

    fn index_of(&self, path: &str) -> Option<usize> {
        self.states.iter().position(|s| s.path == path)
    }
}

fn personal_id_fault(fault: PersonalIdFault) -> Fault {
    match fault {
        PersonalIdFault::Length(_) | PersonalIdFault::NotDigits => {
            Fault::of(ErrorCode::InvalidPersonalId)
        }
        PersonalIdFault::UnknownPlace(_) => Fault::of(ErrorCode::PersonalIdPlace),
        PersonalIdFault::FutureBirthYear(y) => Fault::new(
            ErrorCode::PersonalIdBirthYear,
            format!("chữ số thứ 4 đến 6 cho năm sinh {y}, là năm chưa tới"),
            format!("digits 4 to 6 give birth year {y}, which has not come yet"),
        ),
        PersonalIdFault::BirthYearMismatch { encoded, declared } => Fault::new(
            ErrorCode::PersonalIdBirthYear,
            format!(
                "chữ số thứ 4 đến 6 cho năm sinh {encoded}, nhưng năm sinh đã khai là {declared}"
            ),
            format!(
                "digits 4 to 6 give birth year {encoded}, but the year of birth declared is {declared}"
            ),
        ),
        PersonalIdFault::SexMismatch => Fault::of(ErrorCode::PersonalIdSex),
    }
}

fn text_value(field: &Field, raw: &Value) -> Result<Option<String>, Fault> {
    let s = match raw {
        Value::Null => return Ok(None),
        Value::String(s) => s,
        _ => return Err(Fault::of(ErrorCode::WrongType)),
    };
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let t = match field.kind {
        FieldKind::LongText => t.replace("\r\n", "\n"),
        FieldKind::PersonName => t.split_whitespace().collect::<Vec<_>>().join(" "),
        _ => t.to_owned(),
    };
    let n = t.chars().count();
    let max = field
        .max_length
        .map_or(MAX_VALUE_CHARS, |m| (m as usize).min(MAX_VALUE_CHARS));
    if n > max {
        return Err(Fault::new(
            ErrorCode::TooLong,
            format!("nhiều nhất {max} ký tự, đang có {n}"),
            format!("at most {max} characters, found {n}"),
        ));
    }
    if let Some(min) = field.min_length
        && n < min as usize
    {
        return Err(Fault::new(
            ErrorCode::TooShort,
            format!("ít nhất {min} ký tự"),
            format!("at least {min} characters"),
        ));
    }
    Ok(Some(t))
}

fn string_value(raw: &Value) -> Result<Option<&str>, Fault> {
    match raw {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) if s.chars().count() > MAX_VALUE_CHARS => Err(Fault::new(
            ErrorCode::TooLong,
            format!("nhiều nhất {MAX_VALUE_CHARS} ký tự"),
            format!("at most {MAX_VALUE_CHARS} characters"),
        )),
        Value::String(s) => Ok(Some(s.trim())),
        _ => Err(Fault::of(ErrorCode::WrongType)),
    }
}

fn date_bound(bound: &Option<String>, env: &Env<'_>) -> Option<Date> {
    match bound.as_deref()? {
        "today" => Some(env.today),
        s => s.parse().ok(),
    }
}

fn number_value(field: &Field, raw: &Value) -> Result<Option<Value>, Fault> {
    let n = match raw {
        Value::Null => return Ok(None),
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                return Ok(None);
            }
            let ok = {
                let body = t.strip_prefix('-').unwrap_or(t);
                let mut parts = body.splitn(2, ['.', ',']);
                let int = parts.next().unwrap_or_default();
                let frac = parts.next();
                !int.is_empty()
                    && int.len() <= 15
                    && int.bytes().all(|b| b.is_ascii_digit())
                    && frac.is_none_or(|f| {
                        !f.is_empty() && f.len() <= 15 && f.bytes().all(|b| b.is_ascii_digit())
                    })
            };
            if !ok {
                return Err(Fault::of(ErrorCode::NotANumber));
            }
            t.replace(',', ".").parse().unwrap_or(f64::NAN)
        }
        _ => return Err(Fault::of(ErrorCode::WrongType)),
    };
    if !n.is_finite() {
        return Err(Fault::of(ErrorCode::NotANumber));
    }
    if field.integer && n.fract() != 0.0 {
        return Err(Fault::of(ErrorCode::NotAnInteger));
    }
    // A field for a year (whole numbers of four digits between min and
    // max): "95" is a year typed short, not a small number.
    if let (Some(min), Some(max)) = (field.min, field.max)
        && field.integer
        && (1000.0..=9999.0).contains(&min)
        && (min..=9999.0).contains(&max)
        && (0.0..1000.0).contains(&n)
    {
        let example = 1995f64.clamp(min, max);
        return Err(Fault::new(
            ErrorCode::ShortYear,
            format!("nhập năm đủ bốn chữ số, ví dụ {example}"),
            format!("enter the year in four digits, for example {example}"),
        ));
    }
    if let Some(min) = field.min
        && n < min
    {
        return Err(Fault::new(
            ErrorCode::TooSmall,
            format!("nhỏ nhất là {min}"),
            format!("the smallest allowed is {min}"),
        ));
    }
    if let Some(max) = field.max
        && n > max
    {
        return Err(Fault::new(
            ErrorCode::TooLarge,
            format!("lớn nhất là {max}"),
            format!("the largest allowed is {max}"),
        ));
    }
    Ok(Some(if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
    }))
}

fn unit_value(field: &Field, raw: &Value, env: &Env<'_>) -> Result<Option<Value>, Fault> {
    let with_street = field.kind == FieldKind::Address;
    let m = match raw {
        Value::Null => return Ok(None),
        Value::Object(m) => m,
        _ => return Err(Fault::of(ErrorCode::WrongType)),
    };
    let allowed: &[&str] = if with_street {
        &["province", "commune", "street"]
    } else {
        &["province", "commune"]
    };
    if m.keys().any(|k| !allowed.contains(&k.as_str())) {
        return Err(Fault::of(ErrorCode::InvalidUnit));
    }
    let part = |k: &str| string_value(m.get(k).unwrap_or(&Value::Null));
    let province = part("province")?;
    let commune = part("commune")?;
    let street = if with_street { part("street")? } else { None };
    if province.is_none() && commune.is_none() && street.is_none() {
        return Ok(None);
    }
    let (Some(province), Some(commune)) = (province, commune) else {
        return Err(Fault::of(ErrorCode::InvalidUnit));
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(province, 2) || !digits(commune, 5) {
        return Err(Fault::of(ErrorCode::InvalidUnit));
    }
    if let Some(units) = env.units {
        if units.province(province).is_none() {
            return Err(Fault::of(ErrorCode::UnknownProvince));
        }
        match units.commune(commune) {
            None => return Err(Fault::of(ErrorCode::UnknownCommune)),
            Some(c) if c.province.as_str() != province => {
                return Err(Fault::of(ErrorCode::CommuneNotInProvince));
            }
            Some(_) => {}
        }
    }
    let mut out = Map::new();
    out.insert("province".into(), Value::String(province.to_owned()));
    out.insert("commune".into(), Value::String(commune.to_owned()));
    if with_street {
        let Some(street) = street else {
            return Err(Fault::new(
                ErrorCode::InvalidUnit,
                "nhập số nhà, đường, thôn, xóm",
                "enter the house number and street, or village",
            ));
        };
        let n = street.chars().count();
        if n > MAX_STREET_CHARS {
            return Err(Fault::new(
                ErrorCode::TooLong,
                format!("địa chỉ chi tiết nhiều nhất {MAX_STREET_CHARS} ký tự"),
                format!("the street line has at most {MAX_STREET_CHARS} characters"),
            ));
        }
        out.insert(
            "street".into(),
            Value::String(street.split_whitespace().collect::<Vec<_>>().join(" ")),
        );
    }
    Ok(Some(Value::Object(out)))
}

thread_local! {
    /// Compiled patterns by source: compiling costs far more than matching,
    /// and a form is evaluated on every change. Bounded; cleared when full.
    static PATTERNS: RefCell<HashMap<String, Regex>> = RefCell::new(HashMap::new());
}

/// Whether `text` matches the schema pattern `pattern` (anchored), or
/// `None` if it does not compile.
fn pattern_matches(pattern: &str, text: &str) -> Option<bool> {
    PATTERNS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if !cache.contains_key(pattern) {
            if cache.len() >= 512 {
                cache.clear();
            }
            cache.insert(pattern.to_owned(), compile_pattern(pattern).ok()?);
        }
        cache.get(pattern).map(|re| re.is_match(text))
    })
}

/// Normalizes one raw value: `Ok(None)` when empty, the canonical value, or
/// why it is refused.
pub(crate) fn normalize(field: &Field, raw: &Value, env: &Env<'_>) -> Result<Option<Value>, Fault> {
    use FieldKind as K;
    match field.kind {
        K::Text | K::LongText => {
            let Some(t) = text_value(field, raw)? else {
                return Ok(None);
            };
            if let Some(p) = &field.pattern {
                // Checked at load; a failure to compile here cannot happen.
                if pattern_matches(p, &t) == Some(false) {
                    return Err(match &field.pattern_message {
                        Some(m) => Fault {
                            code: ErrorCode::PatternMismatch,
                            problem: m.clone(),
                        },
                        None => Fault::new(
                            ErrorCode::PatternMismatch,
                            "không đúng định dạng yêu cầu",
                            "not in the format required",
                        ),
                    });
                }
            }
            Ok(Some(Value::String(t)))
        }
        K::PersonName => {
            let Some(t) = text_value(field, raw)? else {
                return Ok(None);
            };
            let ok = t.chars().all(|c| {
                c.is_alphabetic()
                    || matches!(c, ' ' | '\'' | '-' | '.' | '’')
                    || ('\u{300}'..='\u{36f}').contains(&c)
            });
            if ok {
                Ok(Some(Value::String(t)))
            } else {
                Err(Fault::of(ErrorCode::InvalidName))
            }
        }
        K::Number => number_value(field, raw),
        K::Date => {
            let Some(s) = string_value(raw)? else {
                return Ok(None);
            };
            let d: Date = s.parse().map_err(|_| Fault::of(ErrorCode::InvalidDate))?;
            if let Some(min) = date_bound(&field.min_date, env)
                && d < min
            {
                return Err(Fault::new(
                    ErrorCode::DateTooEarly,
                    format!("ngày không được trước {min}"),
                    format!("the date must not be before {min}"),
                ));
            }
            if let Some(max) = date_bound(&field.max_date, env)
                && d > max
            {
                return Err(if field.max_date.as_deref() == Some("today") {
                    Fault::new(
                        ErrorCode::DateTooLate,
                        "ngày không được sau hôm nay",
                        "the date must not be after today",
                    )
                } else {
                    Fault::new(
                        ErrorCode::DateTooLate,
                        format!("ngày không được sau {max}"),
                        format!("the date must not be after {max}"),
                    )
                });
            }
            Ok(Some(Value::String(d.iso())))
        }
        K::YesNo => match raw {
            Value::Null => Ok(None),
            Value::Bool(b) => Ok(Some(Value::Bool(*b))),
            _ => Err(Fault::of(ErrorCode::WrongType)),
        },
        K::Choice => {
            let Some(s) = string_value(raw)? else {
                return Ok(None);
            };
            if field.options.iter().any(|o| o.value == s) {
                Ok(Some(Value::String(s.to_owned())))
            } else {
                Err(Fault::of(ErrorCode::UnknownOption))
            }
        }
        K::MultiChoice => {
            let items = match raw {
                Value::Null => return Ok(None),
                Value::Array(a) => a,
                _ => return Err(Fault::of(ErrorCode::WrongType)),
            };
            if items.is_empty() {
                return Ok(None);
            }
            let mut picked = vec![false; field.options.len()];
            for item in items {
                let s = item
                    .as_str()
                    .ok_or_else(|| Fault::of(ErrorCode::WrongType))?;
                let i = field
                    .options
                    .iter()
                    .position(|o| o.value == s)
                    .ok_or_else(|| Fault::of(ErrorCode::UnknownOption))?;
                picked[i] = true;
            }
            let n = picked.iter().filter(|p| **p).count();
            if let Some(min) = field.min_selected
                && n < min as usize
            {
                return Err(Fault::new(
                    ErrorCode::TooFewSelected,
                    format!("chọn ít nhất {min}"),
                    format!("select at least {min}"),
                ));
            }
            if let Some(max) = field.max_selected
                && n > max as usize
            {
                return Err(Fault::new(
                    ErrorCode::TooManySelected,
                    format!("chọn nhiều nhất {max}"),
                    format!("select at most {max}"),
                ));
            }
            // Canonical order: the options' order.
            let values = field
                .options
                .iter()
                .zip(picked)
                .filter(|(_, p)| *p)
                .map(|(o, _)| Value::String(o.value.clone()))
                .collect();
            Ok(Some(Value::Array(values)))
        }
        K::Email => {
            let Some(s) = string_value(raw)? else {
                return Ok(None);
            };
            let e: Email = s.parse().map_err(|_| Fault::of(ErrorCode::InvalidEmail))?;
            Ok(Some(Value::String(e.as_str().to_owned())))
        }
        K::Phone => {
            let Some(s) = string_value(raw)? else {
                return Ok(None);
            };
            let p: MobilePhone = s.parse().map_err(|_| Fault::of(ErrorCode::InvalidPhone))?;
            Ok(Some(Value::String(p.as_str().to_owned())))
        }
        K::PersonalId => {
            let Some(s) = string_value(raw)? else {
                return Ok(None);
            };
            match s.parse::<PersonalId>() {
                Ok(id) => Ok(Some(Value::String(id.as_str().to_owned()))),
                Err(Error::PersonalId { fault, .. }) => Err(personal_id_fault(fault)),
                Err(_) => Err(Fault::of(ErrorCode::InvalidPersonalId)),
            }
        }
        K::TaxCode => {
            let Some(s) = string_value(raw)? else {
                return Ok(None);
            };
            let code = match s.parse::<TaxCode>() {
                Ok(c) => c,
                Err(Error::TaxCode {
                    fault: TaxCodeFault::Checksum,
                    ..
                }) => return Err(Fault::of(ErrorCode::TaxCodeChecksum)),
                Err(Error::TaxCode {
                    fault: TaxCodeFault::PersonalId(f),
                    ..
                }) => return Err(personal_id_fault(f)),
                Err(_) => return Err(Fault::of(ErrorCode::InvalidTaxCode)),
            };
            let kind = match code {
                TaxCode::Main(_) => TaxCodeKind::Main,
                TaxCode::Branch(_) => TaxCodeKind::Branch,
                TaxCode::Personal(_) => TaxCodeKind::Personal,
            };
            if field
                .tax_code_kinds
                .as_ref()
                .is_some_and(|k| !k.contains(&kind))
            {
                return Err(Fault::of(ErrorCode::InvalidTaxCode));
            }
            Ok(Some(Value::String(code.to_string())))
        }
        K::AdminUnit | K::Address => unit_value(field, raw, env),
        K::Group => Ok(None),
    }
}
