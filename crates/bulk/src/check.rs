//! Checking rows: each data row of the sheet becomes the form data of one
//! dossier and goes through the same `motcua-forms` engine as the single
//! form (conditions, computed fields, identifiers, the 2025 units). What
//! the engine says about a field lands on the cell that answered it.
//!
//! Before the engine, each cell is read as its column's kind asks: a date
//! cell or an Excel serial number in a date column is a date, "có"/"x" in
//! a yes-or-no column is yes, a choice's label (either language, any
//! diacritics) is its value. A number where an identifier belongs (a CCCD
//! that lost its leading zero when Excel took it for a number) is reported
//! with the fix, never silently padded.

use std::collections::HashMap;

use motcua_forms::{Date, Env, Field, FieldKind, LocalizedText, Procedure};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::cell::{Cell, number_text};
use crate::column::{Column, Part, Target};
use crate::mapping::{Mapping, header_key};
use crate::read::{Sheet, cell_name};

/// What is wrong with a row, as a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// The engine refused the answer (see the message; the engine's own
    /// code is in [`RowProblem::field_code`]).
    Field,
    /// An identifier column holds a number: the spreadsheet may have
    /// dropped leading zeros.
    IdentifierAsNumber,
    /// An identifier column holds a number in scientific notation
    /// (`1.23E+11`): its digits are lost.
    ScientificNotation,
    /// A yes-or-no column holds something else.
    NotYesNo,
    /// A date column holds a number that is no date.
    NotADate,
    /// The same dossier as an earlier row.
    Duplicate,
    /// A file named in the row is not among the files chosen.
    MissingFile,
}

/// One problem with a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    /// The sheet column of the cell at fault, if one is.
    pub column: Option<usize>,
    /// Why.
    pub code: ProblemCode,
    /// The engine's code (`required`, `invalid_personal_id` …) for
    /// [`ProblemCode::Field`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_code: Option<String>,
    /// What to tell the person fixing the row.
    pub message: LocalizedText,
}

/// A row after checking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckedRow {
    /// The row of the sheet (0-based).
    pub row: usize,
    /// The normalized form data when the row is valid; what the row holds
    /// otherwise.
    pub form: Value,
    /// The files named for each paper: (component id, file names).
    pub files: Vec<(String, Vec<String>)>,
    /// Everything wrong with it; empty when valid.
    pub problems: Vec<RowProblem>,
}

impl CheckedRow {
    /// Whether the row can become a dossier.
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks rows of one sheet against one procedure.
#[derive(Debug)]
pub struct Checker<'p, 'e> {
    procedure: &'p Procedure,
    columns: &'p [Column<'p>],
    mapping: &'p Mapping,
    env: &'e Env<'e>,
    /// Each choice field's options by their folded names (value and
    /// labels), folded once per sheet rather than once per cell.
    choices: HashMap<&'p str, HashMap<String, &'p str>>,
}

impl<'p, 'e> Checker<'p, 'e> {
    /// A checker of rows mapped by `mapping` to `columns` of `procedure`.
    pub fn new(
        procedure: &'p Procedure,
        columns: &'p [Column<'p>],
        mapping: &'p Mapping,
        env: &'e Env<'e>,
    ) -> Self {
        let mut choices: HashMap<&'p str, HashMap<String, &'p str>> = HashMap::new();
        for field in columns.iter().filter_map(Column::field) {
            if field.options().is_empty() || choices.contains_key(field.id.as_str()) {
                continue;
            }
            let mut names = HashMap::new();
            // Labels first, so that a value equal to another option's
            // label does not shadow the label.
            for o in field.options() {
                names
                    .entry(header_key(&o.label.vi))
                    .or_insert(o.value.as_str());
                names
                    .entry(header_key(&o.label.en))
                    .or_insert(o.value.as_str());
            }
            for o in field.options() {
                names.insert(header_key(&o.value), o.value.as_str());
            }
            choices.insert(field.id.as_str(), names);
        }
        Self {
            procedure,
            columns,
            mapping,
            env,
            choices,
        }
    }

    /// The data rows of `sheet` (after the header, blank rows left out),
    /// each checked, and a later row with the same form data as an earlier
    /// one marked a duplicate of it.
    pub fn check_sheet(&self, sheet: &Sheet) -> Vec<CheckedRow> {
        let mut out: Vec<CheckedRow> = sheet
            .rows
            .iter()
            .enumerate()
            .skip(self.mapping.header_row + 1)
            .filter(|(_, cells)| !cells.iter().all(Cell::is_blank))
            .map(|(r, cells)| self.check_row(r, cells))
            .collect();
        mark_duplicates(&mut out);
        out
    }

    /// Checks one row: `cells` are the row's cells, `row` its place.
    pub fn check_row(&self, row: usize, cells: &[Cell]) -> CheckedRow {
        let mut form = Map::new();
        let mut problems = Vec::new();
        let mut files = Vec::new();
        // Table rows as typed: group id → row index → fields.
        let mut tables: HashMap<&str, Vec<Map<String, Value>>> = HashMap::new();
        // Paths with a problem of our own: the engine's on them are noise.
        let mut ours: Vec<String> = Vec::new();
        for (sheet_column, slot) in self.mapping.columns.iter().enumerate() {
            let (Some(c), Some(cell)) = (slot, cells.get(sheet_column)) else {
                continue;
            };
            let Some(column) = self.columns.get(*c) else {
                continue;
            };
            if cell.is_blank() {
                continue;
            }
            let (field, table_row, part) = match column.target {
                Target::Files(component) => {
                    let names: Vec<String> = cell
                        .display()
                        .split(';')
                        .map(str::trim)
                        .filter(|n| !n.is_empty())
                        .map(str::to_owned)
                        .collect();
                    files.push((component.id.clone(), names));
                    continue;
                }
                Target::Answer { field, row, part } => (field, row, part),
            };
            let value = match read_cell(field, part, cell, self.choices.get(field.id.as_str())) {
                Ok(v) => v,
                Err((code, message, raw)) => {
                    problems.push(RowProblem {
                        column: Some(sheet_column),
                        code,
                        field_code: None,
                        message: LocalizedText::new(
                            format!("Ô {}: {}", cell_name(row, sheet_column), message.vi),
                            format!("Cell {}: {}", cell_name(row, sheet_column), message.en),
                        ),
                    });
                    ours.extend(column.error_path());
                    raw
                }
            };
            let target = match table_row {
                None => &mut form,
                Some((table, i)) => {
                    let rows = tables.entry(table.id.as_str()).or_default();
                    if rows.len() <= i {
                        rows.resize_with(i + 1, Map::new);
                    }
                    &mut rows[i]
                }
            };
            match part.key() {
                None => {
                    target.insert(field.id.clone(), value);
                }
                Some(key) => {
                    let unit = target
                        .entry(field.id.clone())
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(unit) = unit {
                        unit.insert(key.to_owned(), value);
                    }
                }
            }
        }
        // The table rows typed, in order; empty ones in between left out.
        let mut row_index: HashMap<(String, usize), usize> = HashMap::new();
        for (id, rows) in tables {
            let kept: Vec<Value> = rows
                .into_iter()
                .enumerate()
                .filter(|(_, r)| !r.is_empty())
                .enumerate()
                .map(|(engine_i, (sheet_i, r))| {
                    row_index.insert((id.to_owned(), engine_i), sheet_i);
                    Value::Object(r)
                })
                .collect();
            form.insert(id.to_owned(), Value::Array(kept));
        }
        let input = Value::Object(form);
        let form = match self.procedure.validate(&input, self.env) {
            Ok(data) if problems.is_empty() => data,
            Ok(_) => input,
            Err(errors) => {
                for e in errors {
                    let path = sheet_path(&e.path, &row_index);
                    if ours.contains(&path) {
                        continue;
                    }
                    let column = self.sheet_column_at(&path);
                    let place = column.map_or_else(
                        || self.procedure_place(&path),
                        |c| {
                            let name = cell_name(row, c);
                            LocalizedText::new(format!("Ô {name}"), format!("Cell {name}"))
                        },
                    );
                    problems.push(RowProblem {
                        column,
                        code: ProblemCode::Field,
                        field_code: serde_json::to_value(e.code)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned)),
                        message: LocalizedText::new(
                            format!("{}: {}", place.vi, e.message.vi),
                            format!("{}: {}", place.en, e.message.en),
                        ),
                    });
                }
                input
            }
        };
        CheckedRow {
            row,
            form,
            files,
            problems,
        }
    }

    /// The sheet column answering the field at engine path `path` (the
    /// first, for a unit or an address).
    fn sheet_column_at(&self, path: &str) -> Option<usize> {
        let c = self
            .columns
            .iter()
            .position(|c| c.error_path().as_deref() == Some(path))?;
        // A unit's or address's columns in order: the first one answered.
        (c..self.columns.len())
            .take_while(|&i| self.columns[i].error_path().as_deref() == Some(path))
            .find_map(|i| self.mapping.sheet_column(i))
    }

    /// Where a problem without a column is: the field's label, or the form.
    fn procedure_place(&self, path: &str) -> LocalizedText {
        let id = path.rsplit(['.', ']']).next().unwrap_or(path);
        match self.procedure.field(id) {
            Some(field) => field.label.clone(),
            None => LocalizedText::new("Hồ sơ", "Form"),
        }
    }
}

/// An engine path with its table rows counted as the sheet counts them:
/// the engine saw only the rows that were typed.
fn sheet_path(path: &str, rows: &HashMap<(String, usize), usize>) -> String {
    let Some((table, rest)) = path.split_once('[') else {
        return path.to_owned();
    };
    let Some((i, tail)) = rest.split_once(']') else {
        return path.to_owned();
    };
    match i
        .parse::<usize>()
        .ok()
        .and_then(|i| rows.get(&(table.to_owned(), i)))
    {
        Some(sheet_i) => format!("{table}[{sheet_i}]{tail}"),
        None => path.to_owned(),
    }
}

/// Marks every valid row whose form data equals an earlier valid row's.
pub fn mark_duplicates(rows: &mut [CheckedRow]) {
    // Hashes of the forms, each with the rows that have it: equal forms
    // are compared only when their hashes agree.
    let mut seen: HashMap<u64, Vec<usize>> = HashMap::new();
    for i in 0..rows.len() {
        if !rows[i].is_valid() {
            continue;
        }
        let mut hasher = std::hash::DefaultHasher::new();
        hash_value(&rows[i].form, &mut hasher);
        let key = std::hash::Hasher::finish(&hasher);
        let earlier = seen
            .get(&key)
            .and_then(|same| same.iter().copied().find(|&j| rows[j].form == rows[i].form));
        let first_row = earlier.map(|j| rows[j].row);
        let checked = &mut rows[i];
        match first_row {
            Some(first) => {
                let n = first + 1;
                checked.problems.push(RowProblem {
                    column: None,
                    code: ProblemCode::Duplicate,
                    field_code: None,
                    message: LocalizedText::new(
                        format!("Trùng với dòng {n}: cùng một hồ sơ."),
                        format!("The same dossier as row {n}."),
                    ),
                });
            }
            None => seen.entry(key).or_default().push(i),
        }
    }
}

fn hash_value(v: &Value, h: &mut impl std::hash::Hasher) {
    use std::hash::Hash;
    match v {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => (1u8, b).hash(h),
        Value::Number(n) => (2u8, n.to_string()).hash(h),
        Value::String(s) => (3u8, s).hash(h),
        Value::Array(a) => {
            (4u8, a.len()).hash(h);
            a.iter().for_each(|v| hash_value(v, h));
        }
        Value::Object(m) => {
            (5u8, m.len()).hash(h);
            for (k, v) in m {
                k.hash(h);
                hash_value(v, h);
            }
        }
    }
}

/// Marks the rows whose papers cannot be attached: a file named in a row
/// that `exists` does not know, or a required paper with no file named and
/// none given for every row (`shared`, component ids).
pub fn mark_missing_files(
    rows: &mut [CheckedRow],
    procedure: &Procedure,
    columns: &[Column<'_>],
    mapping: &Mapping,
    shared: &[&str],
    exists: impl Fn(&str) -> bool,
) {
    for checked in rows.iter_mut() {
        for component in &procedure.components {
            let column = columns
                .iter()
                .position(|c| matches!(c.target, Target::Files(k) if k.id == component.id))
                .and_then(|c| mapping.sheet_column(c));
            let named = checked
                .files
                .iter()
                .find(|(id, _)| *id == component.id)
                .map(|(_, names)| names.as_slice())
                .unwrap_or_default();
            let place = |lang_vi: bool| match column {
                Some(c) if lang_vi => format!("Ô {}: ", cell_name(checked.row, c)),
                Some(c) => format!("Cell {}: ", cell_name(checked.row, c)),
                None => String::new(),
            };
            for name in named {
                if !exists(name) {
                    let (vi, en) = (place(true), place(false));
                    checked.problems.push(RowProblem {
                        column,
                        code: ProblemCode::MissingFile,
                        field_code: None,
                        message: LocalizedText::new(
                            format!("{vi}không có tệp \"{name}\" trong các tệp đã chọn."),
                            format!("{en}there is no file \"{name}\" among the files chosen."),
                        ),
                    });
                }
            }
            if component.required && named.is_empty() && !shared.contains(&component.id.as_str()) {
                let (vi, en) = (place(true), place(false));
                checked.problems.push(RowProblem {
                    column,
                    code: ProblemCode::MissingFile,
                    field_code: None,
                    message: LocalizedText::new(
                        format!("{vi}thiếu giấy tờ bắt buộc \"{}\".", component.name.vi),
                        format!(
                            "{en}the required paper \"{}\" is missing.",
                            component.name.en
                        ),
                    ),
                });
            }
        }
    }
}

type CellFault = (ProblemCode, LocalizedText, Value);

/// A cell as the JSON value the engine reads for `field`'s `part`.
fn read_cell(
    field: &Field,
    part: Part,
    cell: &Cell,
    choices: Option<&HashMap<String, &str>>,
) -> Result<Value, CellFault> {
    let text = || Value::String(cell.display().trim().to_owned());
    if part != Part::Whole {
        return match (part, cell) {
            (Part::Province | Part::Commune, Cell::Number(n)) => {
                let width = if part == Part::Province { 2 } else { 5 };
                Err(identifier_as_number(*n, width))
            }
            _ => Ok(text()),
        };
    }
    match (&field.kind, cell) {
        (FieldKind::PersonalId(_), Cell::Number(n)) => Err(identifier_as_number(*n, 12)),
        (FieldKind::TaxCode(_), Cell::Number(n)) => {
            let width = if number_text(*n).len() > 10 { 12 } else { 10 };
            Err(identifier_as_number(*n, width))
        }
        (FieldKind::Phone, Cell::Number(n)) => Err(identifier_as_number(*n, 10)),
        (FieldKind::PersonalId(_) | FieldKind::TaxCode(_) | FieldKind::Phone, Cell::Text(t))
            if is_scientific(t) =>
        {
            Err((
                ProblemCode::ScientificNotation,
                LocalizedText::new(
                    format!(
                        "\"{}\" là số dạng lũy thừa do Excel tự chuyển; các chữ số đã mất. Định dạng cột là Văn bản (Text) rồi nhập lại.",
                        t.trim()
                    ),
                    format!(
                        "\"{}\" is a number Excel turned into scientific notation; its digits are lost. Format the column as Text and type it again.",
                        t.trim()
                    ),
                ),
                text(),
            ))
        }
        (FieldKind::Date(_), Cell::Date(d)) => Ok(Value::String(d.iso())),
        (FieldKind::Date(_), Cell::Number(n)) => match excel_serial_date(*n) {
            Some(d) => Ok(Value::String(d.iso())),
            None => Err((
                ProblemCode::NotADate,
                LocalizedText::new(
                    format!(
                        "{} không phải là ngày; nhập ngày/tháng/năm.",
                        number_text(*n)
                    ),
                    format!("{} is not a date; type dd/mm/yyyy.", number_text(*n)),
                ),
                text(),
            )),
        },
        (FieldKind::Number(_) | FieldKind::Money(_), Cell::Number(n)) => Ok(number_value(*n)),
        (FieldKind::YesNo, _) => yes_no(cell).ok_or_else(|| {
            (
                ProblemCode::NotYesNo,
                LocalizedText::new(
                    format!("\"{}\": hãy nhập \"có\" hoặc \"không\".", cell.display()),
                    format!("\"{}\": type \"yes\" or \"no\".", cell.display()),
                ),
                text(),
            )
        }),
        (FieldKind::Choice(_), _) => Ok(choice_value(choices, &cell.display())),
        (FieldKind::MultiChoice(_), _) => Ok(Value::Array(
            cell.display()
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| choice_value(choices, s))
                .collect(),
        )),
        _ => Ok(text()),
    }
}

fn identifier_as_number(n: f64, width: usize) -> CellFault {
    let digits = number_text(n);
    let raw = Value::String(digits.clone());
    if n.fract() != 0.0 || n < 0.0 || digits.len() > width {
        return (
            ProblemCode::IdentifierAsNumber,
            LocalizedText::new(
                format!(
                    "{digits} được lưu dưới dạng số, không phải mã số. Định dạng cột là Văn bản (Text) rồi nhập lại."
                ),
                format!(
                    "{digits} is stored as a number, not as an identifier. Format the column as Text and type it again."
                ),
            ),
            raw,
        );
    }
    let fix = format!("{digits:0>width$}");
    let (vi, en) = if fix == digits {
        (
            format!(
                "{digits} được lưu dưới dạng số. Định dạng cột là Văn bản (Text) để giữ nguyên các chữ số."
            ),
            format!(
                "{digits} is stored as a number. Format the column as Text so its digits are kept."
            ),
        )
    } else {
        (
            format!(
                "{digits} được lưu dưới dạng số nên có thể đã mất số 0 ở đầu; có phải là {fix}? Định dạng cột là Văn bản (Text) rồi nhập lại."
            ),
            format!(
                "{digits} is stored as a number and may have lost its leading zeros; is it {fix}? Format the column as Text and type it again."
            ),
        )
    };
    (
        ProblemCode::IdentifierAsNumber,
        LocalizedText::new(vi, en),
        raw,
    )
}

/// `1.23E+11`, `1,23457E+11`: what Excel shows, and writes to CSV, for a
/// long number.
fn is_scientific(t: &str) -> bool {
    let t = t.trim();
    let Some((mantissa, exponent)) = t.split_once(['E', 'e']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    !mantissa.is_empty()
        && mantissa
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
        && !exponent.is_empty()
        && exponent.bytes().all(|b| b.is_ascii_digit())
}

/// A date from an Excel serial number (1900 date system: day 1 is
/// 1900-01-01, and Excel counts the 29 February 1900 that never was).
pub fn excel_serial_date(serial: f64) -> Option<Date> {
    // Up to 31/12/9999, and whole days only (a time of day is no date).
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    // 1899-12-30 is day 0 for every serial after the fictitious leap day.
    let epoch = Date::new(1899, 12, 30)?.days_since_epoch();
    let days = if days < 61 { days + 1 } else { days };
    Date::from_days_since_epoch(epoch + days)
}

fn number_value(n: f64) -> Value {
    if n.fract() == 0.0 && (0.0..9.0e15).contains(&n) {
        Value::from(n as u64)
    } else if n.fract() == 0.0 && (-9.0e15..0.0).contains(&n) {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

fn yes_no(cell: &Cell) -> Option<Value> {
    match cell {
        Cell::Bool(b) => Some(Value::Bool(*b)),
        Cell::Number(n) if *n == 1.0 => Some(Value::Bool(true)),
        Cell::Number(n) if *n == 0.0 => Some(Value::Bool(false)),
        other => match header_key(&other.display()).as_str() {
            "co" | "yes" | "y" | "x" | "true" | "dung" | "1" => Some(Value::Bool(true)),
            "khong" | "no" | "n" | "false" | "sai" | "0" => Some(Value::Bool(false)),
            _ => None,
        },
    }
}

/// The option `text` names by value or by label (either language, any
/// diacritics); the text itself when none, for the engine to refuse.
fn choice_value(choices: Option<&HashMap<String, &str>>, text: &str) -> Value {
    let text = text.trim();
    let found = choices.and_then(|c| c.get(&header_key(text)));
    Value::String(found.map_or_else(|| text.to_owned(), |v| (*v).to_owned()))
}
