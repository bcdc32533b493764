//! Checks a parsed procedure schema: ids, references, scopes, cycles,
//! patterns, property/type fit and limits. Every problem is reported with
//! its JSON path; nothing here panics on hostile input.

use std::collections::{BTreeMap, HashMap};

use regex_lite::Regex;

use crate::catalog::Procedure;
use crate::copy::CopyFrom;
use crate::error::{SchemaIssue, SchemaProblem};
use crate::i18n::LocalizedText;
use crate::kind::FieldKind;
use crate::logic::{self, Ref};
use crate::schema::{Field, Rule};

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

pub(crate) struct Checker<'p> {
    issues: Vec<SchemaIssue>,
    places: HashMap<&'p str, Place<'p>>,
    order: usize,
    fields_seen: usize,
}

impl<'p> Checker<'p> {
    pub(crate) fn fail(&mut self, path: impl Into<String>, problem: SchemaProblem) {
        self.issues.push(SchemaIssue {
            path: path.into(),
            problem,
        });
    }

    pub(crate) fn bad(&mut self, path: impl Into<String>, what: impl Into<String>) {
        self.fail(path, SchemaProblem::BadProperty(what.into()));
    }

    pub(crate) fn text(&mut self, t: &LocalizedText, path: &str) {
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
            if let Some(group) = field.group() {
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
                let table = group.table.is_some();
                if table {
                    tables.push(field.id.clone());
                }
                self.register(&group.fields, &fpath, tables, ancestors);
                if table {
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
            let (order, plain_group, computed) = (
                place.order,
                place.field.plain_group().is_some(),
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
            if plain_group {
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

    pub(crate) fn expr(
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
            if let Some(group) = field.group()
                && ancestors.len() < MAX_GROUP_DEPTH
            {
                if let Some(table) = &group.table {
                    tables.push(field.id.clone());
                    for (r, rule) in table.rules.iter().enumerate() {
                        self.rule(rule, &format!("{fpath}.rules[{r}]"), tables, rule_ids);
                    }
                }
                self.fields(&group.fields, &fpath, tables, rule_ids);
                if group.table.is_some() {
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
        self.text(&f.label, &format!("{path}.label"));
        if let Some(h) = &f.hint {
            self.text(h, &format!("{path}.hint"));
        }
        for m in &f.misfits {
            self.bad(format!("{path}.{}", m.property), m.problem.clone());
        }
        f.kind.check(self, path, tables);
        let group = f.group().is_some();
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

    pub(crate) fn holder_ref(
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
                } else if f.group().is_some() || f.is_computed() || !place.tables.is_empty() {
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
                    .is_some_and(|env| matches!(f.kind.normalize(value, &env), Ok(Some(_))));
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
                } else if f.group().is_some() || f.is_computed() || !place.tables.is_empty() {
                    self.bad(spath, format!("{source:?} cannot be copied"));
                } else if f.kind.as_str() != t.kind.as_str()
                    || !f
                        .options()
                        .iter()
                        .all(|o| t.options().iter().any(|to| to.value == o.value))
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
            if f.group().is_some_and(|g| !g.copy_from.is_empty()) {
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
            let Some(rules) = group.plain_group().filter(|_| place.tables.is_empty()) else {
                c.bad(
                    format!("{gpath}.copy_from"),
                    "copy_from applies to sections and to plain groups outside tables",
                );
                continue;
            };
            let mut inner = Vec::new();
            crate::schema::walk_fields(&rules.fields, &mut Vec::new(), &mut |f, _| {
                inner.push(f.id.as_str());
            });
            c.copies(
                &rules.copy_from,
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
                    || !matches!(
                        place.field.kind,
                        FieldKind::Text(_) | FieldKind::PersonName(_)
                    ) =>
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
