//! The evaluation engine: one [`Run`] walks a procedure's form over raw
//! values in the four steps of the module docs of `form`.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::{Env, Evaluation, FieldError, State};
use crate::catalog::Procedure;
use crate::check::MAX_ROWS;
use crate::date::Date;
use crate::error::PersonalIdFault;
use crate::i18n::LocalizedText;
use crate::ids::{PersonalId, Sex};
use crate::kind::{FieldKind, GroupRules, personal_id_fault};
use crate::logic::{self, Evaluator};
use crate::messages::{self, ErrorCode, Fault};
use crate::schema::Field;

/// Most field instances (fields times rows) evaluated; beyond it the form
/// is `too_complex`. Bounds work and memory for hostile nested tables.
const MAX_INSTANCES: usize = 50_000;

pub(super) struct Run<'p, 'e> {
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
        if let Some(group) = f.plain_group() {
            level_ids(&group.fields, out);
        } else {
            out.insert(&f.id);
        }
    }
}

impl<'p, 'e> Run<'p, 'e> {
    pub(super) fn new(proc: &'p Procedure, env: &'e Env<'e>) -> Self {
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

    /// Reports the keys of `raw` that are no field of `levels` (one level
    /// of form data: its fields, looking through plain groups).
    fn unknown_keys<'f>(
        &mut self,
        raw: &Map<String, Value>,
        levels: impl IntoIterator<Item = &'f [Field]>,
        prefix: &str,
    ) {
        let mut ids = HashSet::new();
        for fields in levels {
            level_ids(fields, &mut ids);
        }
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

    pub(super) fn run(mut self, values: &Value) -> Evaluation {
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
        let proc = self.proc;
        self.unknown_keys(raw, proc.sections.iter().map(|s| s.fields.as_slice()), "");

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
            if let Some(group) = field.group()
                && !group.copy_from.is_empty()
            {
                owners.push((self.states[i].visible, &group.copy_from));
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
            match &field.kind {
                FieldKind::Group(group) if group.table.is_none() => {
                    self.walk(
                        &group.fields,
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
                FieldKind::Group(group) => {
                    let rows_out = self.table_rows(
                        field, group, raw, parents, out, &path, rows, section, visible, faults,
                        slot,
                    );
                    if visible {
                        insert(out, &field.id, Value::Array(rows_out));
                    }
                }
                kind => {
                    let value = raw.get(&field.id).unwrap_or(&Value::Null);
                    match kind.normalize(value, self.env) {
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

    /// Walks the rows of a table, each with its own frame; the rows as
    /// normalized.
    #[expect(clippy::too_many_arguments, reason = "recursion state, kept explicit")]
    fn table_rows(
        &mut self,
        field: &'p Field,
        group: &'p GroupRules,
        raw: &Map<String, Value>,
        parents: &[&Value],
        out: &Value,
        path: &str,
        rows: &[(String, usize)],
        section: usize,
        visible: bool,
        faults: &mut Vec<Option<Fault>>,
        slot: usize,
    ) -> Vec<Value> {
        let raw_rows: &[Value] = match raw.get(&field.id) {
            None | Some(Value::Null) => &[],
            Some(Value::Array(a)) => a,
            Some(_) => {
                faults[slot] = Some(Fault::of(ErrorCode::WrongType));
                &[]
            }
        };
        let table = group.table.as_ref();
        let limit = table.map_or(MAX_ROWS, |t| t.row_limit());
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
                        let label = table
                            .and_then(|t| t.row_label.clone())
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
                self.unknown_keys(row_raw, [group.fields.as_slice()], &row_prefix);
            }
            let mut row_out = Value::Object(Map::new());
            let mut row_coords = rows.to_vec();
            row_coords.push((field.id.clone(), i));
            let mut frames: Vec<&Value> = parents.to_vec();
            frames.push(out);
            self.walk(
                &group.fields,
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
        out_rows
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
        if let Some(group) = field.group() {
            if let Some(table) = &group.table {
                let n = current.and_then(Value::as_array).map_or(0, Vec::len);
                if let Some(min) = table.min_rows
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
                    let select = field.kind.is_selected();
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
        let FieldKind::PersonalId(rules) = &field.kind else {
            return None;
        };
        let id: PersonalId = value.as_str()?.parse().ok()?;
        let lookup = |name: &Option<String>| {
            let name = name.as_deref()?;
            frames.iter().rev().find_map(|f| f.get(name)).cloned()
        };
        let year = match lookup(&rules.birth_date_field) {
            Some(Value::String(s)) => s.parse::<Date>().ok().map(Date::year),
            Some(Value::Number(n)) => n.as_i64().and_then(|y| i32::try_from(y).ok()),
            _ => None,
        };
        let sex = match &rules.sex {
            Some(expr) => self.ev.eval(&expr.0, frames),
            None => lookup(&rules.sex_field).unwrap_or(Value::Null),
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
                Some(messages::sex_mismatch(&id, sex?, rules.holder.as_ref()))
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
            let Some((_, table)) = field.table() else {
                continue;
            };
            if !state.visible || table.rules.is_empty() {
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
                for rule in &table.rules {
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
