//! Conditions, rules and computed values: a small JSON Logic evaluator.
//!
//! JSON Logic (jsonlogic.com) is plain JSON, so a schema's conditions are
//! data that any backend can evaluate with a stock library (json-logic-js,
//! json-logic-py, ...). We implement the subset forms need, with the
//! semantics of json-logic-js, plus six documented operations (`today`,
//! `year`, `age`, `date_words`, `number_words`, `length`) that a backend
//! adds as custom operations. See `docs/procedure-schema.md`.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

use crate::date::Date;
use crate::error::{SchemaIssue, SchemaProblem};
use crate::words::{date_words, number_words};

/// Deepest expression accepted when a schema loads.
pub(crate) const MAX_DEPTH: usize = 32;
/// Most nodes in one expression.
pub(crate) const MAX_NODES: usize = 2000;
/// Most evaluation steps for one evaluation of a whole form; beyond it
/// expressions yield `null` and the form reports `too_complex`.
pub(crate) const STEP_BUDGET: u64 = 2_000_000;

/// A JSON Logic expression: a condition, a rule or a computed value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Logic(pub Value);

impl Logic {
    /// The constant `false`.
    pub fn never() -> Self {
        Self(Value::Bool(false))
    }

    /// The constant `true`.
    pub fn always() -> Self {
        Self(Value::Bool(true))
    }

    /// Whether this is the constant `false`.
    pub fn is_never(&self) -> bool {
        self.0 == Value::Bool(false)
    }
}

/// Operations and their argument counts (min, max).
const OPS: &[(&str, usize, usize)] = &[
    ("var", 0, 2),
    ("missing", 0, usize::MAX),
    ("if", 0, usize::MAX),
    ("?:", 0, usize::MAX),
    ("==", 2, 2),
    ("===", 2, 2),
    ("!=", 2, 2),
    ("!==", 2, 2),
    ("!", 1, 1),
    ("!!", 1, 1),
    ("or", 1, usize::MAX),
    ("and", 1, usize::MAX),
    ("<", 2, 3),
    ("<=", 2, 3),
    (">", 2, 2),
    (">=", 2, 2),
    ("max", 0, usize::MAX),
    ("min", 0, usize::MAX),
    ("+", 0, usize::MAX),
    ("*", 1, usize::MAX),
    ("-", 1, 2),
    ("/", 2, 2),
    ("%", 2, 2),
    ("in", 2, 2),
    ("cat", 0, usize::MAX),
    ("substr", 2, 3),
    ("all", 2, 2),
    ("some", 2, 2),
    ("none", 2, 2),
    ("map", 2, 2),
    ("filter", 2, 2),
    ("merge", 0, usize::MAX),
    ("today", 0, 0),
    ("year", 1, 1),
    ("age", 2, 2),
    ("date_words", 1, 1),
    ("number_words", 1, 1),
    ("length", 1, 1),
];

const ITERATORS: [&str; 5] = ["all", "some", "none", "map", "filter"];

/// A field name used by an expression, with the repeatable groups whose rows
/// it is evaluated in (from `all`/`some`/`none`/`map`/`filter` over a group).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ref {
    pub(crate) name: String,
    pub(crate) rows_of: Vec<String>,
    pub(crate) path: String,
}

/// The single operator of an operation object, and its arguments as a list.
fn operation(expr: &Map<String, Value>) -> Option<(&str, Vec<&Value>)> {
    if expr.len() != 1 {
        return None;
    }
    let (op, args) = expr.iter().next()?;
    let args = match args {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    Some((op.as_str(), args))
}

/// Checks an expression's shape and lists the fields it uses. Problems go to
/// `issues` with JSON paths under `path`.
pub(crate) fn analyze(expr: &Value, path: &str, issues: &mut Vec<SchemaIssue>) -> Vec<Ref> {
    let mut a = Analyzer {
        issues,
        refs: Vec::new(),
        nodes: 0,
        rows_of: Vec::new(),
    };
    a.walk(expr, path, 0);
    a.refs
}

struct Analyzer<'i> {
    issues: &'i mut Vec<SchemaIssue>,
    refs: Vec<Ref>,
    nodes: usize,
    rows_of: Vec<String>,
}

impl Analyzer<'_> {
    fn fail(&mut self, path: &str, problem: SchemaProblem) {
        self.issues.push(SchemaIssue {
            path: path.to_owned(),
            problem,
        });
    }

    fn walk(&mut self, expr: &Value, path: &str, depth: usize) {
        self.nodes += 1;
        if self.nodes == MAX_NODES + 1 {
            self.fail(
                path,
                SchemaProblem::TooMany {
                    what: "expression nodes",
                    found: self.nodes,
                    limit: MAX_NODES,
                },
            );
        }
        if self.nodes > MAX_NODES {
            return;
        }
        if depth > MAX_DEPTH {
            self.fail(
                path,
                SchemaProblem::TooMany {
                    what: "levels of expression nesting",
                    found: depth,
                    limit: MAX_DEPTH,
                },
            );
            return;
        }
        match expr {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.walk(item, &format!("{path}[{i}]"), depth + 1);
                }
            }
            Value::Object(map) => self.walk_operation(map, path, depth),
            _ => {}
        }
    }

    fn walk_operation(&mut self, map: &Map<String, Value>, path: &str, depth: usize) {
        let Some((op, args)) = operation(map) else {
            self.fail(
                path,
                SchemaProblem::BadExpression(format!(
                    "an operation object has exactly one key, found {}",
                    map.len()
                )),
            );
            return;
        };
        let op_path = format!("{path}{}", json_key(op));
        let Some(&(_, min, max)) = OPS.iter().find(|(name, _, _)| *name == op) else {
            self.fail(&op_path, SchemaProblem::UnknownOperator(op.to_owned()));
            return;
        };
        if args.len() < min || args.len() > max {
            self.fail(
                &op_path,
                SchemaProblem::BadExpression(format!(
                    "{op} takes {} arguments, found {}",
                    if min == max {
                        min.to_string()
                    } else if max == usize::MAX {
                        format!("at least {min}")
                    } else {
                        format!("{min} to {max}")
                    },
                    args.len()
                )),
            );
            return;
        }
        let arg_path = |i: usize| {
            if map.values().next().is_some_and(Value::is_array) {
                format!("{op_path}[{i}]")
            } else {
                op_path.clone()
            }
        };
        match op {
            "var" => self.var(args.first().copied(), &arg_path(0)),
            "missing" => {
                for (i, a) in args.iter().enumerate() {
                    match a {
                        Value::String(name) => self.refer(name, &arg_path(i)),
                        _ => self.fail(
                            &arg_path(i),
                            SchemaProblem::BadExpression(
                                "missing takes literal field names".into(),
                            ),
                        ),
                    }
                }
            }
            _ if ITERATORS.contains(&op) => {
                self.walk(args[0], &arg_path(0), depth + 1);
                let group = match args[0] {
                    Value::Object(m) => match operation(m) {
                        Some(("var", a)) => a.first().and_then(|v| v.as_str()).map(str::to_owned),
                        _ => None,
                    },
                    _ => None,
                };
                self.rows_of.push(group.unwrap_or_default());
                self.walk(args[1], &arg_path(1), depth + 1);
                self.rows_of.pop();
            }
            _ => {
                for (i, a) in args.iter().enumerate() {
                    self.walk(a, &arg_path(i), depth + 1);
                }
            }
        }
    }

    fn var(&mut self, name: Option<&Value>, path: &str) {
        match name {
            None => {}
            Some(Value::String(s)) if s.is_empty() && self.rows_of.is_empty() => {
                self.fail(
                    path,
                    SchemaProblem::BadExpression(
                        "var \"\" (the current item) is only meaningful inside all/some/none/map/filter".into(),
                    ),
                );
            }
            Some(Value::String(s)) if s.is_empty() => {}
            Some(Value::String(s)) => {
                // Only the first segment names a field; the rest digs into it.
                let head = s.split('.').next().unwrap_or_default();
                self.refer(head, path);
            }
            Some(_) => self.fail(
                path,
                SchemaProblem::BadExpression("var takes a literal field name".into()),
            ),
        }
    }

    fn refer(&mut self, name: &str, path: &str) {
        self.refs.push(Ref {
            name: name.to_owned(),
            rows_of: self
                .rows_of
                .iter()
                .filter(|g| !g.is_empty())
                .cloned()
                .collect(),
            path: path.to_owned(),
        });
    }
}

/// A key as appended to a JSON path: `.name`, or `["name"]` when it has odd characters.
pub(crate) fn json_key(key: &str) -> String {
    if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        format!(".{key}")
    } else {
        format!("[{}]", Value::String(key.to_owned()))
    }
}

/// Evaluates expressions over form data. One per evaluation of a form, so
/// the step budget covers the whole form.
#[derive(Debug)]
pub(crate) struct Evaluator {
    today: Date,
    steps: u64,
}

impl Evaluator {
    pub(crate) fn new(today: Date) -> Self {
        Self { today, steps: 0 }
    }

    /// Whether the step budget ran out.
    pub(crate) fn exhausted(&self) -> bool {
        self.steps > STEP_BUDGET
    }

    /// Evaluates `expr` with `frames` as data, innermost (current row) last.
    pub(crate) fn eval(&mut self, expr: &Value, frames: &[&Value]) -> Value {
        self.steps += 1;
        if self.exhausted() {
            return Value::Null;
        }
        match expr {
            Value::Array(items) => {
                Value::Array(items.iter().map(|i| self.eval(i, frames)).collect())
            }
            Value::Object(map) => match operation(map) {
                Some((op, args)) => self.apply(op, &args, frames),
                None => Value::Null,
            },
            other => other.clone(),
        }
    }

    pub(crate) fn truthy(&mut self, expr: &Value, frames: &[&Value]) -> bool {
        truthy(&self.eval(expr, frames))
    }

    fn apply(&mut self, op: &str, args: &[&Value], frames: &[&Value]) -> Value {
        let ev = |e: &mut Self, i: usize| -> Value {
            match args.get(i) {
                Some(a) => e.eval(a, frames),
                None => Value::Null,
            }
        };
        match op {
            "var" => {
                let name = ev(self, 0);
                let default = args.get(1).map(|d| self.eval(d, frames));
                let found = match &name {
                    Value::String(s) => lookup(frames, s),
                    Value::Number(n) => lookup(frames, &n.to_string()),
                    Value::Null => frames.last().map(|v| (*v).clone()),
                    _ => None,
                };
                match (found, default) {
                    (Some(Value::Null) | None, Some(d)) => d,
                    (Some(v), _) => v,
                    (None, None) => Value::Null,
                }
            }
            "missing" => {
                let mut missing = Vec::new();
                for i in 0..args.len() {
                    let name = ev(self, i);
                    let names = match name {
                        Value::Array(a) => a,
                        other => vec![other],
                    };
                    for n in names {
                        let key = js_string(&n);
                        match lookup(frames, &key) {
                            None | Some(Value::Null) => missing.push(Value::String(key)),
                            Some(Value::String(s)) if s.is_empty() => {
                                missing.push(Value::String(key))
                            }
                            _ => {}
                        }
                    }
                }
                Value::Array(missing)
            }
            "if" | "?:" => {
                let mut i = 0;
                while i + 1 < args.len() {
                    if self.truthy(args[i], frames) {
                        return ev(self, i + 1);
                    }
                    i += 2;
                }
                if i < args.len() {
                    ev(self, i)
                } else {
                    Value::Null
                }
            }
            "==" => Value::Bool(loose_eq(&ev(self, 0), &ev(self, 1))),
            "!=" => Value::Bool(!loose_eq(&ev(self, 0), &ev(self, 1))),
            "===" => Value::Bool(strict_eq(&ev(self, 0), &ev(self, 1))),
            "!==" => Value::Bool(!strict_eq(&ev(self, 0), &ev(self, 1))),
            "!" => Value::Bool(!truthy(&ev(self, 0))),
            "!!" => Value::Bool(truthy(&ev(self, 0))),
            "or" => {
                let mut last = Value::Null;
                for a in args {
                    last = self.eval(a, frames);
                    if truthy(&last) {
                        break;
                    }
                }
                last
            }
            "and" => {
                let mut last = Value::Null;
                for a in args {
                    last = self.eval(a, frames);
                    if !truthy(&last) {
                        break;
                    }
                }
                last
            }
            "<" | "<=" | ">" | ">=" => {
                let vals: Vec<Value> = (0..args.len()).map(|i| ev(self, i)).collect();
                let ok = |o: Option<Ordering>| match op {
                    "<" => o == Some(Ordering::Less),
                    "<=" => matches!(o, Some(Ordering::Less | Ordering::Equal)),
                    ">" => o == Some(Ordering::Greater),
                    _ => matches!(o, Some(Ordering::Greater | Ordering::Equal)),
                };
                Value::Bool(vals.windows(2).all(|w| ok(js_compare(&w[0], &w[1]))))
            }
            "max" | "min" => {
                let nums: Vec<f64> = (0..args.len()).map(|i| to_number(&ev(self, i))).collect();
                if nums.is_empty() || nums.iter().any(|n| n.is_nan()) {
                    return Value::Null;
                }
                let pick = if op == "max" { f64::max } else { f64::min };
                number(nums.into_iter().reduce(pick).unwrap_or(f64::NAN))
            }
            "+" => number((0..args.len()).map(|i| to_number(&ev(self, i))).sum()),
            "*" => number((0..args.len()).map(|i| to_number(&ev(self, i))).product()),
            "-" => {
                let a = to_number(&ev(self, 0));
                if args.len() == 1 {
                    number(-a)
                } else {
                    number(a - to_number(&ev(self, 1)))
                }
            }
            "/" => number(to_number(&ev(self, 0)) / to_number(&ev(self, 1))),
            "%" => number(to_number(&ev(self, 0)) % to_number(&ev(self, 1))),
            "in" => {
                let needle = ev(self, 0);
                match ev(self, 1) {
                    Value::String(hay) => Value::Bool(hay.contains(&js_string(&needle))),
                    Value::Array(items) => Value::Bool(items.iter().any(|i| strict_eq(i, &needle))),
                    _ => Value::Bool(false),
                }
            }
            "cat" => Value::String((0..args.len()).map(|i| js_string(&ev(self, i))).collect()),
            "substr" => {
                let s: Vec<char> = js_string(&ev(self, 0)).chars().collect();
                let len = s.len() as f64;
                let start = to_number(&ev(self, 1));
                let start = if start.is_nan() {
                    0.0
                } else if start < 0.0 {
                    (len + start).max(0.0)
                } else {
                    start.min(len)
                };
                let end = if args.len() > 2 {
                    let n = to_number(&ev(self, 2));
                    if n.is_nan() {
                        start
                    } else if n < 0.0 {
                        (len + n).max(start)
                    } else {
                        (start + n).min(len)
                    }
                } else {
                    len
                };
                let (start, end) = (start as usize, (end as usize).max(start as usize));
                Value::String(s[start..end].iter().collect())
            }
            "all" | "some" | "none" | "map" | "filter" => {
                let items = match ev(self, 0) {
                    Value::Array(a) => a,
                    _ => Vec::new(),
                };
                let body = args.get(1).copied().unwrap_or(&Value::Null);
                let mut inner: Vec<&Value> = frames.to_vec();
                let mut results = Vec::with_capacity(items.len());
                for item in &items {
                    inner.push(item);
                    results.push(self.eval(body, &inner));
                    inner.pop();
                    if self.exhausted() {
                        return Value::Null;
                    }
                }
                match op {
                    "all" => Value::Bool(!items.is_empty() && results.iter().all(truthy)),
                    "some" => Value::Bool(results.iter().any(truthy)),
                    "none" => Value::Bool(!results.iter().any(truthy)),
                    "map" => Value::Array(results),
                    _ => Value::Array(
                        items
                            .into_iter()
                            .zip(results)
                            .filter(|(_, r)| truthy(r))
                            .map(|(i, _)| i)
                            .collect(),
                    ),
                }
            }
            "merge" => {
                let mut out = Vec::new();
                for i in 0..args.len() {
                    match ev(self, i) {
                        Value::Array(a) => out.extend(a),
                        other => out.push(other),
                    }
                }
                Value::Array(out)
            }
            "today" => Value::String(self.today.iso()),
            "year" => match ev(self, 0) {
                Value::String(s) => s
                    .parse::<Date>()
                    .map_or(Value::Null, |d| Value::from(d.year())),
                n @ Value::Number(_) => n,
                _ => Value::Null,
            },
            "age" => {
                let date = |v: Value| match v {
                    Value::String(s) => s.parse::<Date>().ok(),
                    _ => None,
                };
                match (date(ev(self, 0)), date(ev(self, 1))) {
                    (Some(birth), Some(on)) => Value::from(birth.years_until(on)),
                    _ => Value::Null,
                }
            }
            "date_words" => match ev(self, 0) {
                Value::String(s) => s
                    .parse::<Date>()
                    .map_or(Value::Null, |d| Value::String(date_words(d))),
                _ => Value::Null,
            },
            "number_words" => match ev(self, 0) {
                Value::Number(n) => n
                    .as_u64()
                    .map_or(Value::Null, |n| Value::String(number_words(n))),
                _ => Value::Null,
            },
            "length" => match ev(self, 0) {
                Value::Array(a) => Value::from(a.len()),
                Value::String(s) => Value::from(s.chars().count()),
                _ => Value::from(0),
            },
            _ => Value::Null,
        }
    }
}

/// Finds a dotted path in the data frames: the first segment in the
/// innermost frame that has it, then the rest inside that value.
fn lookup(frames: &[&Value], path: &str) -> Option<Value> {
    if path.is_empty() {
        return frames.last().map(|v| (*v).clone());
    }
    let mut segments = path.split('.');
    let head = segments.next()?;
    let mut current = frames.iter().rev().find_map(|f| child(f, head))?;
    for seg in segments {
        current = child(current, seg)?;
    }
    Some(current.clone())
}

fn child<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    match v {
        Value::Object(m) => m.get(key),
        Value::Array(a) => key.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    }
}

/// JSON Logic truthiness: `0`, `""`, `[]`, `null`, `false` are false.
pub(crate) fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(_) => true,
    }
}

/// JavaScript's ToNumber, for JSON values.
fn to_number(v: &Value) -> f64 {
    match v {
        Value::Null => 0.0,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                0.0
            } else {
                t.parse().unwrap_or(f64::NAN)
            }
        }
        Value::Array(a) => match a.as_slice() {
            [] => 0.0,
            [one] => to_number(one),
            _ => f64::NAN,
        },
        Value::Object(_) => f64::NAN,
    }
}

/// JavaScript's String(), as `cat` and `in` use it (null → "" as `join` does).
fn js_string(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
            Some(f) => f.to_string(),
            None => n.to_string(),
        },
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(js_string).collect::<Vec<_>>().join(","),
        Value::Object(_) => "[object Object]".to_owned(),
    }
}

/// A number result; NaN and infinities become `null`, whole numbers integers.
fn number(f: f64) -> Value {
    if !f.is_finite() {
        return Value::Null;
    }
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        return Value::from(f as i64);
    }
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

fn strict_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// JavaScript's `==` for JSON values (arrays and objects compare by content).
fn loose_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::String(_), Value::String(_))
        | (Value::Array(_), Value::Array(_))
        | (Value::Object(_), Value::Object(_)) => a == b,
        (Value::Object(_), _) | (_, Value::Object(_)) => false,
        (Value::Array(_), _) | (_, Value::Array(_)) => js_string(a) == js_string(b),
        _ => to_number(a) == to_number(b),
    }
}

/// JavaScript's relational comparison: strings compare as strings (so ISO
/// dates compare by day), anything else as numbers.
fn js_compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::String(x), Value::String(y)) => Some(x.encode_utf16().cmp(y.encode_utf16())),
        _ => to_number(a).partial_cmp(&to_number(b)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn run(expr: Value, data: Value) -> Value {
        let today = Date::new(2026, 11, 25).unwrap();
        Evaluator::new(today).eval(&expr, &[&data])
    }

    #[test]
    fn json_logic_basics() {
        let data =
            json!({"a": 1, "b": "x", "n": null, "rows": [{"k": 1}, {"k": 5}], "s": "2026-01-02"});
        let cases = [
            (json!({"var": "a"}), json!(1)),
            (json!({"var": ["zz", 7]}), json!(7)),
            (json!({"var": "rows.1.k"}), json!(5)),
            (json!({"==": [1, "1"]}), json!(true)),
            (json!({"===": [1, "1"]}), json!(false)),
            (json!({"==": [null, 0]}), json!(false)),
            (json!({"!=": [{"var": "b"}, "x"]}), json!(false)),
            (json!({"!": [[]]}), json!(true)),
            (json!({"!!": ["0"]}), json!(true)),
            (json!({"or": [0, "", "yes"]}), json!("yes")),
            (json!({"and": [1, 0, 2]}), json!(0)),
            (json!({"if": [false, 1, null, 2, 3]}), json!(3)),
            (json!({"<": [1, 2, 3]}), json!(true)),
            (json!({"<=": [1, 1, 0]}), json!(false)),
            (json!({">": ["10", 9]}), json!(true)),
            (json!({"<": ["2025-12-31", {"var": "s"}]}), json!(true)),
            (json!({"+": ["1", 2, 0.5]}), json!(3.5)),
            (json!({"-": [5]}), json!(-5)),
            (json!({"/": [1, 0]}), json!(null)),
            (json!({"%": [7, 4]}), json!(3)),
            (json!({"max": [1, 9, 3]}), json!(9)),
            (json!({"min": []}), json!(null)),
            (json!({"in": ["ll", "hello"]}), json!(true)),
            (json!({"in": [2, [1, 2]]}), json!(true)),
            (json!({"cat": ["a", null, 1, true]}), json!("a1true")),
            (json!({"substr": ["Việt Nam", 5]}), json!("Nam")),
            (json!({"substr": ["abcdef", -3, 2]}), json!("de")),
            (
                json!({"some": [{"var": "rows"}, {">": [{"var": "k"}, 4]}]}),
                json!(true),
            ),
            (
                json!({"all": [{"var": "rows"}, {">": [{"var": "k"}, 4]}]}),
                json!(false),
            ),
            (json!({"all": [[], true]}), json!(false)),
            (
                json!({"none": [{"var": "rows"}, {"==": [{"var": "a"}, 2]}]}),
                json!(true),
            ),
            (
                json!({"map": [{"var": "rows"}, {"*": [{"var": "k"}, 2]}]}),
                json!([2, 10]),
            ),
            (
                json!({"filter": [[1, 2, 3], {">": [{"var": ""}, 1]}]}),
                json!([2, 3]),
            ),
            (json!({"merge": [[1], 2, [3]]}), json!([1, 2, 3])),
            (json!({"missing": ["a", "n", "zz"]}), json!(["n", "zz"])),
            (json!({"today": []}), json!("2026-11-25")),
            (json!({"year": {"var": "s"}}), json!(2026)),
            (json!({"age": ["2000-11-26", {"today": []}]}), json!(25)),
            (json!({"length": {"var": "rows"}}), json!(2)),
            (json!({"number_words": 21}), json!("hai mươi mốt")),
            (
                json!({"date_words": "25/11/2026"}),
                json!("ngày hai mươi lăm tháng mười một năm hai nghìn không trăm hai mươi sáu"),
            ),
            (json!({"date_words": "nope"}), json!(null)),
        ];
        for (expr, want) in cases {
            assert_eq!(run(expr.clone(), data.clone()), want, "{expr}");
        }
    }

    #[test]
    fn row_frames_fall_back_to_outer_data() {
        let root = json!({"limit": 3, "rows": [{"k": 1}, {"k": 5}]});
        let expr = json!({"filter": [{"var": "rows"}, {">": [{"var": "k"}, {"var": "limit"}]}]});
        let today = Date::new(2026, 1, 1).unwrap();
        assert_eq!(
            Evaluator::new(today).eval(&expr, &[&root]),
            json!([{"k": 5}])
        );
    }

    #[test]
    fn analysis_finds_refs_and_faults() {
        let mut issues = Vec::new();
        let refs = analyze(
            &json!({"and": [{"var": "a.b"}, {"some": [{"var": "rows"}, {"==": [{"var": "k"}, {"var": ""}]}]}, {"missing": ["m"]}]}),
            "$.x",
            &mut issues,
        );
        assert!(issues.is_empty(), "{issues:?}");
        let names: Vec<(&str, &[String])> = refs
            .iter()
            .map(|r| (r.name.as_str(), r.rows_of.as_slice()))
            .collect();
        assert_eq!(
            names,
            [
                ("a", &[][..]),
                ("rows", &[][..]),
                ("k", &["rows".to_owned()][..]),
                ("m", &[][..])
            ]
        );

        let bad = [
            (json!({"nope": 1}), "$.x.nope"),
            (json!({"a": 1, "b": 2}), "$.x"),
            (json!({"var": {"cat": ["a"]}}), "$.x.var"),
            (json!({"==": [1]}), "$.x[\"==\"]"),
            (json!({"and": [true, {"frob": []}]}), "$.x.and[1].frob"),
            (json!({"var": ""}), "$.x.var"),
        ];
        for (expr, path) in bad {
            let mut issues = Vec::new();
            analyze(&expr, "$.x", &mut issues);
            assert_eq!(issues.len(), 1, "{expr}: {issues:?}");
            assert_eq!(issues[0].path, path, "{expr}");
        }
    }

    #[test]
    fn deep_or_huge_expressions_are_refused() {
        let mut deep = json!(true);
        for _ in 0..40 {
            deep = json!({"!": [deep]});
        }
        let mut issues = Vec::new();
        analyze(&deep, "$", &mut issues);
        assert!(matches!(
            issues[0].problem,
            SchemaProblem::TooMany {
                limit: MAX_DEPTH,
                ..
            }
        ));
        let huge = json!({"+": vec![1; MAX_NODES + 5]});
        let mut issues = Vec::new();
        analyze(&huge, "$", &mut issues);
        assert!(matches!(
            issues[0].problem,
            SchemaProblem::TooMany {
                limit: MAX_NODES,
                ..
            }
        ));
    }

    #[test]
    fn budget_stops_runaway_evaluation() {
        let rows: Vec<Value> = (0..2000).map(|i| json!({"k": i})).collect();
        let data = json!({"rows": rows});
        let expr = json!({"some": [{"var": "rows"}, {"some": [{"var": "rows"}, {"==": [{"var": "k"}, -1]}]}]});
        let mut ev = Evaluator::new(Date::new(2026, 1, 1).unwrap());
        assert_eq!(ev.eval(&expr, &[&data]), json!(null));
        assert!(ev.exhausted());
    }
}
