//! Checks a parsed procedure schema: ids, references, scopes, cycles,
//! patterns, property/type fit and limits. Every problem is reported with
//! its JSON path; nothing here panics on hostile input.

use std::collections::{BTreeMap, HashMap};

use regex_lite::Regex;

use crate::catalog::Procedure;
use crate::copy::CopyFrom;
use crate::error::{SchemaIssue, SchemaProblem};
use crate::i18n::LocalizedText;
use crate::logic::{self, Ref};
use crate::schema::{Field, FieldKind, Rule};

/// Limits against hostile schemas.
pub(crate) const MAX_SECTIONS: usize = 64;
pub(crate) const MAX_FIELDS: usize = 2000;
pub(crate) const MAX_GROUP_DEPTH: usize = 4;
pub(crate) const MAX_OPTIONS: usize = 1000;
pub(crate) const MAX_RULES: usize = 500;
pub(crate) const MAX_COMPONENTS: usize = 100;
pub(crate) const MAX_TEXT_CHARS: usize = 4000;
pub(crate) const MAX_PATTERN_CHARS: usize = 512;
pub(crate) const MAX_ID_BYTES: usize = 64;
pub(crate) const MAX_KEYWORDS: usize = 50;
pub(crate) const MAX_KEYWORD_CHARS: usize = 100;
/// Most rows of any repeatable group, whatever its `max_rows`.
pub(crate) const MAX_ROWS: usize = 1000;

/// Compiles a schema `pattern` as the engine uses it: anchored at both ends.
pub(crate) fn compile_pattern(pattern: &str) -> Result<Regex, regex_lite::Error> {
    regex_lite::RegexBuilder::new(&format!("^(?:{pattern})$"))
        .size_limit(1 << 20)
        .nest_limit(32)
        .build()
}

/// Where a field sits: its JSON path, its place in form order, the
/// repeatable groups around it (outermost first) and its ancestors.
#[derive(Debug)]
pub(crate) struct Place<'p> {
    pub(crate) field: &'p Field,
    pub(crate) path: String,
    pub(crate) order: usize,
    pub(crate) tables: Vec<String>,
    pub(crate) ancestors: Vec<String>,
}

pub(crate) fn is_valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= MAX_ID_BYTES
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
}

struct Checker<'p> {
    issues: Vec<SchemaIssue>,
    places: HashMap<&'p str, Place<'p>>,
    order: usize,
    fields_seen: usize,
}

impl<'p> Checker<'p> {
    fn fail(&mut self, path: impl Into<String>, problem: SchemaProblem) {
        self.issues.push(SchemaIssue {
            path: path.into(),
            problem,
        });
    }

    fn bad(&mut self, path: impl Into<String>, what: impl Into<String>) {
        self.fail(path, SchemaProblem::BadProperty(what.into()));
    }

    fn text(&mut self, t: &LocalizedText, path: &str) {
        for (lang, s) in [("vi", &t.vi), ("en", &t.en)] {
            let n = s.chars().count();
            if n > MAX_TEXT_CHARS {
                self.fail(
                    format!("{path}.{lang}"),
                    SchemaProblem::TooMany {
                        what: "characters of text",
                        found: n,
                        limit: MAX_TEXT_CHARS,
                    },
                );
            }
        }
    }

    fn id(&mut self, id: &str, path: &str) {
        if !is_valid_id(id) {
            self.fail(
                format!("{path}.id"),
                SchemaProblem::InvalidId(id.chars().take(80).collect()),
            );
        }
    }

    /// First pass: register every field with its place; check ids and limits.
    fn register(
        &mut self,
        fields: &'p [Field],
        path: &str,
        tables: &mut Vec<String>,
        ancestors: &mut Vec<String>,
    ) {
        for (i, field) in fields.iter().enumerate() {
            let fpath = format!("{path}.fields[{i}]");
            self.fields_seen += 1;
            if self.fields_seen == MAX_FIELDS + 1 {
                self.fail(
                    &fpath,
                    SchemaProblem::TooMany {
                        what: "fields",
                        found: self.fields_seen,
                        limit: MAX_FIELDS,
                    },
                );
            }
            if self.fields_seen > MAX_FIELDS {
                return;
            }
            self.id(&field.id, &fpath);
            if let Some(first) = self.places.get(field.id.as_str()) {
                let first = first.path.clone();
                self.fail(
                    format!("{fpath}.id"),
                    SchemaProblem::DuplicateId {
                        id: field.id.clone(),
                        first,
                    },
                );
            } else {
                self.places.insert(
                    &field.id,
                    Place {
                        field,
                        path: fpath.clone(),
                        order: self.order,
                        tables: tables.clone(),
                        ancestors: ancestors.clone(),
                    },
                );
            }
            self.order += 1;
            if field.kind == FieldKind::Group {
                if ancestors.len() + 1 > MAX_GROUP_DEPTH {
                    self.fail(
                        &fpath,
                        SchemaProblem::TooMany {
                            what: "levels of nested groups",
                            found: ancestors.len() + 1,
                            limit: MAX_GROUP_DEPTH,
                        },
                    );
                    continue;
                }
                ancestors.push(field.id.clone());
                if field.repeatable {
                    tables.push(field.id.clone());
                }
                self.register(&field.fields, &fpath, tables, ancestors);
                if field.repeatable {
                    tables.pop();
                }
                ancestors.pop();
            }
        }
    }

    /// Checks the fields an expression uses: that they exist and can be
    /// seen from `tables` (the repeatable groups around the expression).
    /// With `before`, they must also come earlier in form order, not be
    /// computed and not enclose the owner (visibility conditions).
    fn refs(&mut self, refs: &[Ref], tables: &[String], before: Option<(usize, &[String])>) {
        for r in refs {
            let Some(place) = self.places.get(r.name.as_str()) else {
                self.fail(&r.path, SchemaProblem::UnknownField(r.name.clone()));
                continue;
            };
            let (order, kind, repeatable, computed) = (
                place.order,
                place.field.kind,
                place.field.repeatable,
                place.field.is_computed(),
            );
            let field_tables = place.tables.clone();
            // Tables visible here: the enclosing ones, and for refs inside
            // all/some/none/map/filter over a table, that table and its own.
            let mut reachable: Vec<String> = tables.to_vec();
            for g in &r.rows_of {
                if let Some(gp) = self.places.get(g.as_str()) {
                    reachable.extend(gp.tables.iter().cloned());
                }
                reachable.push(g.clone());
            }
            if kind == FieldKind::Group && !repeatable {
                self.fail(
                    &r.path,
                    SchemaProblem::BadExpression(format!(
                        "group {:?} has no value of its own; use its fields",
                        r.name
                    )),
                );
                continue;
            }
            if !field_tables.iter().all(|t| reachable.contains(t)) {
                self.fail(&r.path, SchemaProblem::OutOfScope(r.name.clone()));
                continue;
            }
            if let Some((owner_order, owner_ancestors)) = before
                && (order >= owner_order || computed || owner_ancestors.contains(&r.name))
            {
                self.fail(&r.path, SchemaProblem::ForwardReference(r.name.clone()));
            }
        }
    }

    fn expr(
        &mut self,
        e: &crate::logic::Logic,
        path: &str,
        tables: &[String],
        before: Option<(usize, &[String])>,
    ) -> Vec<Ref> {
        let refs = logic::analyze(&e.0, path, &mut self.issues);
        self.refs(&refs, tables, before);
        refs
    }

    /// Second pass: properties, expressions and references of each field.
    fn fields(
        &mut self,
        fields: &'p [Field],
        path: &str,
        tables: &mut Vec<String>,
        rule_ids: &mut BTreeMap<String, String>,
    ) {
        for (i, field) in fields.iter().enumerate() {
            let fpath = format!("{path}.fields[{i}]");
            let Some(place) = self.places.get(field.id.as_str()) else {
                continue;
            };
            if !std::ptr::eq(place.field, field) {
                // A duplicate: reported already.
                continue;
            }
            let (order, ancestors) = (place.order, place.ancestors.clone());
            self.field(field, &fpath, tables, order, &ancestors);
            if field.kind == FieldKind::Group && ancestors.len() < MAX_GROUP_DEPTH {
                if field.repeatable {
                    tables.push(field.id.clone());
                }
                for (r, rule) in field.rules.iter().enumerate() {
                    self.rule(rule, &format!("{fpath}.rules[{r}]"), tables, rule_ids);
                }
                self.fields(&field.fields, &fpath, tables, rule_ids);
                if field.repeatable {
                    tables.pop();
                }
            }
        }
    }

    fn field(
        &mut self,
        f: &'p Field,
        path: &str,
        tables: &[String],
        order: usize,
        ancestors: &[String],
    ) {
        use FieldKind as K;
        self.text(&f.label, &format!("{path}.label"));
        if let Some(h) = &f.hint {
            self.text(h, &format!("{path}.hint"));
        }
        let k = f.kind;
        let only = |ok: bool, name: &str, this: &mut Self| {
            if !ok {
                this.bad(
                    format!("{path}.{name}"),
                    format!("{name} does not apply to a {} field", k.as_str()),
                );
            }
        };
        let texty = matches!(k, K::Text | K::LongText | K::PersonName);
        only(texty || f.min_length.is_none(), "min_length", self);
        only(texty || f.max_length.is_none(), "max_length", self);
        if let (Some(a), Some(b)) = (f.min_length, f.max_length)
            && a > b
        {
            self.bad(
                format!("{path}.min_length"),
                format!("min_length {a} is above max_length {b}"),
            );
        }
        only(k == K::Text || f.pattern.is_none(), "pattern", self);
        only(
            f.pattern.is_some() || f.pattern_message.is_none(),
            "pattern_message",
            self,
        );
        if let Some(p) = &f.pattern {
            let n = p.chars().count();
            if n > MAX_PATTERN_CHARS {
                self.fail(
                    format!("{path}.pattern"),
                    SchemaProblem::TooMany {
                        what: "characters in a pattern",
                        found: n,
                        limit: MAX_PATTERN_CHARS,
                    },
                );
            } else if let Err(e) = compile_pattern(p) {
                self.fail(
                    format!("{path}.pattern"),
                    SchemaProblem::BadPattern {
                        pattern: p.clone(),
                        reason: e.to_string(),
                    },
                );
            }
        }
        for (name, set) in [
            ("min", f.min.is_some()),
            ("max", f.max.is_some()),
            ("integer", f.integer),
            ("suffix", f.suffix.is_some()),
        ] {
            only(k == K::Number || !set, name, self);
        }
        if let (Some(a), Some(b)) = (f.min, f.max)
            && a > b
        {
            self.bad(format!("{path}.min"), format!("min {a} is above max {b}"));
        }
        for (name, v) in [("min_date", &f.min_date), ("max_date", &f.max_date)] {
            only(k == K::Date || v.is_none(), name, self);
            if let Some(v) = v
                && v != "today"
                && v.parse::<crate::date::Date>()
                    .map_or(true, |_| v.len() != 10 || v.as_bytes()[4] != b'-')
            {
                self.bad(
                    format!("{path}.{name}"),
                    format!("{name} {v:?} is neither yyyy-mm-dd nor \"today\""),
                );
            }
        }
        let choosy = matches!(k, K::Choice | K::MultiChoice);
        if choosy && f.options.is_empty() {
            self.bad(
                format!("{path}.options"),
                "a choice needs at least one option",
            );
        }
        only(choosy || f.options.is_empty(), "options", self);
        if f.options.len() > MAX_OPTIONS {
            self.fail(
                format!("{path}.options"),
                SchemaProblem::TooMany {
                    what: "options",
                    found: f.options.len(),
                    limit: MAX_OPTIONS,
                },
            );
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, o) in f.options.iter().enumerate().take(MAX_OPTIONS) {
            self.text(&o.label, &format!("{path}.options[{i}].label"));
            if o.value.is_empty() || o.value.len() > MAX_ID_BYTES {
                self.bad(
                    format!("{path}.options[{i}].value"),
                    "an option value has 1 to 64 bytes",
                );
            }
            if let Some(first) = seen.insert(&o.value, i) {
                self.fail(
                    format!("{path}.options[{i}].value"),
                    SchemaProblem::DuplicateId {
                        id: o.value.clone(),
                        first: format!("{path}.options[{first}].value"),
                    },
                );
            }
        }
        only(
            k == K::MultiChoice || f.min_selected.is_none(),
            "min_selected",
            self,
        );
        only(
            k == K::MultiChoice || f.max_selected.is_none(),
            "max_selected",
            self,
        );
        only(
            k == K::PersonalId || f.birth_date_field.is_none(),
            "birth_date_field",
            self,
        );
        only(
            k == K::PersonalId || f.sex_field.is_none(),
            "sex_field",
            self,
        );
        only(k == K::PersonalId || f.sex.is_none(), "sex", self);
        only(k == K::PersonalId || f.holder.is_none(), "holder", self);
        if let Some(h) = &f.holder {
            self.text(h, &format!("{path}.holder"));
        }
        if let Some(sex) = &f.sex {
            if f.sex_field.is_some() {
                self.bad(
                    format!("{path}.sex"),
                    "sex and sex_field cannot both be set",
                );
            }
            // A constant must be one of the two sexes; an expression is
            // checked like any other (its result is judged when evaluated).
            if !sex.0.is_object() && !matches!(sex.0.as_str(), Some("male" | "female")) {
                self.bad(
                    format!("{path}.sex"),
                    "sex is \"male\", \"female\" or an expression giving one of them",
                );
            }
            self.expr(sex, &format!("{path}.sex"), tables, None);
        }
        only(
            k == K::TaxCode || f.tax_code_kinds.is_none(),
            "tax_code_kinds",
            self,
        );
        if f.tax_code_kinds.as_ref().is_some_and(Vec::is_empty) {
            self.bad(
                format!("{path}.tax_code_kinds"),
                "tax_code_kinds lists at least one kind",
            );
        }
        self.holder_ref(
            f.birth_date_field.as_deref(),
            &format!("{path}.birth_date_field"),
            tables,
            |hf| hf.kind == K::Date || (hf.kind == K::Number && hf.integer),
            "a date or an integer number (year) field",
        );
        self.holder_ref(
            f.sex_field.as_deref(),
            &format!("{path}.sex_field"),
            tables,
            |hf| {
                hf.kind == K::Choice
                    && ["male", "female"]
                        .iter()
                        .all(|v| hf.options.iter().any(|o| o.value == *v))
            },
            "a choice field with options \"male\" and \"female\"",
        );

        let group = k == K::Group;
        if group && f.fields.is_empty() {
            self.bad(format!("{path}.fields"), "a group needs at least one field");
        }
        only(group || f.fields.is_empty(), "fields", self);
        only(group || !f.repeatable, "repeatable", self);
        let table = f.is_table();
        for (name, set) in [
            ("min_rows", f.min_rows.is_some()),
            ("max_rows", f.max_rows.is_some()),
            ("row_label", f.row_label.is_some()),
            ("rules", !f.rules.is_empty()),
        ] {
            if set && !table {
                self.bad(
                    format!("{path}.{name}"),
                    format!("{name} applies only to a repeatable group"),
                );
            }
        }
        if let Some(m) = f.max_rows
            && (m as usize > MAX_ROWS || m == 0)
        {
            self.bad(
                format!("{path}.max_rows"),
                format!("max_rows must be 1 to {MAX_ROWS}"),
            );
        }
        if let (Some(a), Some(b)) = (f.min_rows, f.max_rows)
            && a > b
        {
            self.bad(
                format!("{path}.min_rows"),
                format!("min_rows {a} is above max_rows {b}"),
            );
        }
        if group && !f.required.is_never() {
            self.bad(
                format!("{path}.required"),
                "a group is not required itself; require its fields, or set min_rows",
            );
        }
        if let Some(c) = &f.compute {
            if group {
                self.bad(format!("{path}.compute"), "a group cannot be computed");
            }
            if !tables.is_empty() {
                self.bad(
                    format!("{path}.compute"),
                    "computed fields cannot be inside a repeatable group",
                );
            }
            if !f.required.is_never() {
                self.bad(
                    format!("{path}.required"),
                    "a computed field is not entered, so not required",
                );
            }
            self.expr(c, &format!("{path}.compute"), tables, None);
        }
        self.expr(&f.required, &format!("{path}.required"), tables, None);
        if let Some(v) = &f.visible {
            self.expr(
                v,
                &format!("{path}.visible"),
                tables,
                Some((order, ancestors)),
            );
        }
    }

    fn holder_ref(
        &mut self,
        id: Option<&str>,
        path: &str,
        tables: &[String],
        ok: impl Fn(&Field) -> bool,
        want: &str,
    ) {
        let Some(id) = id else { return };
        let Some(place) = self.places.get(id) else {
            self.fail(path, SchemaProblem::UnknownField(id.to_owned()));
            return;
        };
        if !place.tables.iter().all(|t| tables.contains(t)) {
            self.fail(path, SchemaProblem::OutOfScope(id.to_owned()));
        } else if !ok(place.field) {
            self.bad(path, format!("{id:?} must be {want}"));
        }
    }

    fn rule(
        &mut self,
        rule: &Rule,
        path: &str,
        tables: &[String],
        ids: &mut BTreeMap<String, String>,
    ) {
        self.id(&rule.id, path);
        if let Some(first) = ids.get(&rule.id) {
            let first = first.clone();
            self.fail(
                format!("{path}.id"),
                SchemaProblem::DuplicateId {
                    id: rule.id.clone(),
                    first,
                },
            );
        } else {
            ids.insert(rule.id.clone(), path.to_owned());
        }
        if ids.len() > MAX_RULES {
            self.fail(
                path,
                SchemaProblem::TooMany {
                    what: "rules",
                    found: ids.len(),
                    limit: MAX_RULES,
                },
            );
        }
        self.text(&rule.message, &format!("{path}.message"));
        if let Some(w) = &rule.when {
            self.expr(w, &format!("{path}.when"), tables, None);
        }
        self.expr(&rule.check, &format!("{path}.check"), tables, None);
        if rule.fields.is_empty() {
            self.bad(
                format!("{path}.fields"),
                "a rule names at least one field to report on",
            );
        }
        for (i, id) in rule.fields.iter().enumerate() {
            let fpath = format!("{path}.fields[{i}]");
            match self.places.get(id.as_str()) {
                None => self.fail(fpath, SchemaProblem::UnknownField(id.clone())),
                Some(p) if !p.tables.iter().all(|t| tables.contains(t)) => {
                    self.fail(fpath, SchemaProblem::OutOfScope(id.clone()));
                }
                Some(_) => {}
            }
        }
    }

    /// "Same as …" offers of one owner (a section, or a plain group at
    /// `owner_order` with `ancestors`): targets among `members`, sources
    /// before the owner, of the same type, outside tables.
    fn copies(
        &mut self,
        copies: &[CopyFrom],
        path: &str,
        members: &[&str],
        owner: (usize, &[String]),
        ids: &mut HashMap<String, String>,
    ) {
        use FieldKind as K;
        for (i, copy) in copies.iter().enumerate() {
            let cpath = format!("{path}.copy_from[{i}]");
            self.id(&copy.id, &cpath);
            if let Some(first) = ids.insert(copy.id.clone(), cpath.clone()) {
                self.fail(
                    format!("{cpath}.id"),
                    SchemaProblem::DuplicateId {
                        id: copy.id.clone(),
                        first,
                    },
                );
            }
            self.text(&copy.label, &format!("{cpath}.label"));
            if let Some(w) = &copy.when {
                self.expr(w, &format!("{cpath}.when"), &[], Some(owner));
            }
            if copy.fields.is_empty() {
                self.bad(
                    format!("{cpath}.fields"),
                    "an offer copies at least one field",
                );
            }
            let targets = copy
                .fields
                .keys()
                .map(|t| (t, "fields"))
                .chain(copy.set.keys().map(|t| (t, "set")));
            let mut target_kinds = HashMap::new();
            for (target, key) in targets {
                let tpath = format!("{cpath}.{key}{}", crate::logic::json_key(target));
                let Some(place) = self.places.get(target.as_str()) else {
                    self.fail(tpath, SchemaProblem::UnknownField(target.clone()));
                    continue;
                };
                let f = place.field;
                if !members.contains(&target.as_str()) {
                    self.bad(
                        tpath,
                        format!("{target:?} is not a field of this section or group"),
                    );
                } else if f.kind == K::Group || f.is_computed() || !place.tables.is_empty() {
                    self.bad(tpath, format!("{target:?} cannot be answered by a copy"));
                } else if target_kinds.insert(target.as_str(), f).is_some() {
                    self.bad(tpath, format!("{target:?} is both copied and set"));
                }
            }
            for (target, value) in &copy.set {
                let Some(&f) = target_kinds.get(target.as_str()) else {
                    continue;
                };
                // Constants are yes/no, choices, text: no date bound or unit
                // table matters, so any day will do.
                let fits = crate::date::Date::new(2000, 1, 1)
                    .map(crate::form::Env::new)
                    .is_some_and(|env| {
                        matches!(crate::form::normalize(f, value, &env), Ok(Some(_)))
                    });
                if !fits {
                    self.bad(
                        format!("{cpath}.set{}", crate::logic::json_key(target)),
                        format!("{value} is not an answer of {target:?}"),
                    );
                }
            }
            for (target, source) in &copy.fields {
                let spath = format!("{cpath}.fields{}", crate::logic::json_key(target));
                let Some(&t) = target_kinds.get(target.as_str()) else {
                    continue;
                };
                let Some(place) = self.places.get(source.as_str()) else {
                    self.fail(spath, SchemaProblem::UnknownField(source.clone()));
                    continue;
                };
                let f = place.field;
                if members.contains(&source.as_str()) || place.order >= owner.0 {
                    self.fail(spath, SchemaProblem::ForwardReference(source.clone()));
                } else if f.kind == K::Group || f.is_computed() || !place.tables.is_empty() {
                    self.bad(spath, format!("{source:?} cannot be copied"));
                } else if f.kind != t.kind
                    || !f
                        .options
                        .iter()
                        .all(|o| t.options.iter().any(|to| to.value == o.value))
                {
                    self.bad(
                        spath,
                        format!(
                            "{source:?} ({}) does not fit {target:?} ({})",
                            f.kind.as_str(),
                            t.kind.as_str()
                        ),
                    );
                }
            }
        }
    }

    /// Computed fields must not depend on each other in a circle.
    fn cycles(&mut self) {
        let mut deps: BTreeMap<&str, (String, Vec<String>)> = BTreeMap::new();
        for (id, place) in &self.places {
            if let Some(c) = &place.field.compute {
                let mut scratch = Vec::new();
                let refs = logic::analyze(&c.0, "", &mut scratch);
                let on: Vec<String> = refs
                    .into_iter()
                    .map(|r| r.name)
                    .filter(|n| {
                        self.places
                            .get(n.as_str())
                            .is_some_and(|p| p.field.is_computed())
                    })
                    .collect();
                deps.insert(id, (format!("{}.compute", place.path), on));
            }
        }
        // Iterative DFS with colours: 1 on the stack, 2 done.
        let mut colour: HashMap<&str, u8> = HashMap::new();
        let mut reported = false;
        for &start in deps.keys() {
            if colour.contains_key(start) || reported {
                continue;
            }
            let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
            colour.insert(start, 1);
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let on = &deps[node].1;
                if *next < on.len() {
                    let child = on[*next].as_str();
                    *next += 1;
                    match colour.get(child) {
                        Some(1) => {
                            let mut cycle: Vec<String> = stack
                                .iter()
                                .map(|(n, _)| (*n).to_owned())
                                .skip_while(|n| n != child)
                                .collect();
                            cycle.push(child.to_owned());
                            let path = deps[child].0.clone();
                            self.fail(path, SchemaProblem::ComputedCycle(cycle));
                            reported = true;
                            break;
                        }
                        Some(_) => {}
                        None => {
                            if let Some((k, _)) = deps.get_key_value(child) {
                                colour.insert(k, 1);
                                stack.push((k, 0));
                            }
                        }
                    }
                } else {
                    colour.insert(node, 2);
                    stack.pop();
                }
            }
        }
    }
}

/// Checks a procedure; returns every problem found.
pub(crate) fn check(p: &Procedure) -> Vec<SchemaIssue> {
    let mut c = Checker {
        issues: Vec::new(),
        places: HashMap::new(),
        order: 0,
        fields_seen: 0,
    };
    if p.sections.len() > MAX_SECTIONS {
        c.fail(
            "$.sections",
            SchemaProblem::TooMany {
                what: "sections",
                found: p.sections.len(),
                limit: MAX_SECTIONS,
            },
        );
        return c.issues;
    }
    if p.components.len() > MAX_COMPONENTS {
        c.fail(
            "$.components",
            SchemaProblem::TooMany {
                what: "components",
                found: p.components.len(),
                limit: MAX_COMPONENTS,
            },
        );
        return c.issues;
    }
    c.text(&p.name, "$.name");
    if p.keywords.len() > MAX_KEYWORDS {
        c.fail(
            "$.keywords",
            SchemaProblem::TooMany {
                what: "keywords",
                found: p.keywords.len(),
                limit: MAX_KEYWORDS,
            },
        );
    }
    for (i, k) in p.keywords.iter().enumerate().take(MAX_KEYWORDS) {
        let n = k.chars().count();
        if k.trim().is_empty() || n > MAX_KEYWORD_CHARS {
            c.bad(
                format!("$.keywords[{i}]"),
                format!("a keyword has 1 to {MAX_KEYWORD_CHARS} characters"),
            );
        }
    }
    let mut component_ids: HashMap<&str, usize> = HashMap::new();
    for (i, comp) in p.components.iter().enumerate() {
        let path = format!("$.components[{i}]");
        c.id(&comp.id, &path);
        c.text(&comp.name, &format!("{path}.name"));
        if let Some(first) = component_ids.insert(&comp.id, i) {
            c.fail(
                format!("{path}.id"),
                SchemaProblem::DuplicateId {
                    id: comp.id.clone(),
                    first: format!("$.components[{first}].id"),
                },
            );
        }
    }
    let mut section_ids: HashMap<&str, usize> = HashMap::new();
    for (s, section) in p.sections.iter().enumerate() {
        let path = format!("$.sections[{s}]");
        c.id(&section.id, &path);
        c.text(&section.title, &format!("{path}.title"));
        if let Some(first) = section_ids.insert(&section.id, s) {
            c.fail(
                format!("{path}.id"),
                SchemaProblem::DuplicateId {
                    id: section.id.clone(),
                    first: format!("$.sections[{first}].id"),
                },
            );
        }
        c.register(&section.fields, &path, &mut Vec::new(), &mut Vec::new());
    }
    let mut rule_ids = BTreeMap::new();
    let mut section_start = 0;
    for (s, section) in p.sections.iter().enumerate() {
        let path = format!("$.sections[{s}]");
        if let Some(v) = &section.visible {
            c.expr(
                v,
                &format!("{path}.visible"),
                &[],
                Some((section_start, &[])),
            );
        }
        c.fields(&section.fields, &path, &mut Vec::new(), &mut rule_ids);
        let mut count = 0;
        crate::schema::walk_fields(&section.fields, &mut Vec::new(), &mut |_, _| count += 1);
        section_start += count;
    }
    if p.rules.len() > MAX_RULES {
        c.fail(
            "$.rules",
            SchemaProblem::TooMany {
                what: "rules",
                found: p.rules.len(),
                limit: MAX_RULES,
            },
        );
    } else {
        for (r, rule) in p.rules.iter().enumerate() {
            c.rule(rule, &format!("$.rules[{r}]"), &[], &mut rule_ids);
        }
    }
    let mut copy_ids = HashMap::new();
    let mut section_start = 0;
    for (s, section) in p.sections.iter().enumerate() {
        let path = format!("$.sections[{s}]");
        let mut members = Vec::new();
        let mut groups = Vec::new();
        crate::schema::walk_fields(&section.fields, &mut Vec::new(), &mut |f, _| {
            members.push(f.id.as_str());
            if !f.copy_from.is_empty() {
                groups.push(f);
            }
        });
        c.copies(
            &section.copy_from,
            &path,
            &members,
            (section_start, &[]),
            &mut copy_ids,
        );
        section_start += members.len();
        for group in groups {
            let Some(place) = c.places.get(group.id.as_str()) else {
                continue;
            };
            let (gpath, order, ancestors) =
                (place.path.clone(), place.order, place.ancestors.clone());
            if group.kind != FieldKind::Group || group.repeatable || !place.tables.is_empty() {
                c.bad(
                    format!("{gpath}.copy_from"),
                    "copy_from applies to sections and to plain groups outside tables",
                );
                continue;
            }
            let mut inner = Vec::new();
            crate::schema::walk_fields(&group.fields, &mut Vec::new(), &mut |f, _| {
                inner.push(f.id.as_str());
            });
            c.copies(
                &group.copy_from,
                &gpath,
                &inner,
                (order, &ancestors),
                &mut copy_ids,
            );
        }
    }
    c.cycles();
    if let Some(subject) = &p.subject {
        match c.places.get(subject.as_str()) {
            None => c.fail("$.subject", SchemaProblem::UnknownField(subject.clone())),
            Some(place)
                if !place.tables.is_empty()
                    || !matches!(place.field.kind, FieldKind::Text | FieldKind::PersonName) =>
            {
                c.fail(
                    "$.subject",
                    SchemaProblem::BadProperty(format!(
                        "the subject {subject:?} must be a text or person_name field outside tables"
                    )),
                );
            }
            Some(_) => {}
        }
    }
    c.issues
}
