//! Templates: the sheet a business fills in, one row per dossier, as CSV
//! (UTF-8 with a BOM, so Excel reads the Vietnamese) or XLSX (with a second
//! sheet that explains each column). Identifier columns are text cells, so
//! a CCCD keeps its leading zero.

use motcua_forms::{Date, Env, FieldKind, Lang, LocalizedText, Money, Procedure};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde_json::Value;

use crate::cell::Cell;
use crate::column::{CellKind, Column, ColumnsError, Part, Target, columns};

/// Most example rows a template is filled with.
pub const MAX_EXAMPLE_ROWS: usize = 100_000;

/// Why a template cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The form has too many columns.
    #[error(transparent)]
    Columns(#[from] ColumnsError),
    /// Example rows were asked of a procedure without a valid example.
    #[error("procedure {0} has no valid example to fill rows from")]
    NoExample(String),
    /// More example rows than allowed.
    #[error("{found} example rows asked, at most {limit}")]
    TooManyRows {
        /// Rows asked.
        found: usize,
        /// The limit.
        limit: usize,
    },
    /// The XLSX writer failed.
    #[error("cannot write the XLSX file: {0}")]
    Xlsx(#[from] XlsxError),
    /// The CSV writer failed.
    #[error("cannot write the CSV file: {0}")]
    Csv(#[from] csv::Error),
}

/// A procedure's template: its columns and rows to write.
#[derive(Debug)]
pub struct Template<'p> {
    procedure: &'p Procedure,
    columns: Vec<Column<'p>>,
    rows: Vec<Vec<Cell>>,
    lang: Lang,
}

impl<'p> Template<'p> {
    /// An empty template of `procedure`, headed in `lang`.
    pub fn new(procedure: &'p Procedure, lang: Lang) -> Result<Self, TemplateError> {
        Ok(Self {
            procedure,
            columns: columns(procedure)?,
            rows: Vec::new(),
            lang,
        })
    }

    /// The columns.
    pub fn columns(&self) -> &[Column<'p>] {
        &self.columns
    }

    /// The rows so far.
    pub fn rows(&self) -> &[Vec<Cell>] {
        &self.rows
    }

    /// Adds `n` rows made from the procedure's example, each a different
    /// applicant: every personal id (and a personal tax code equal to one)
    /// gets other last six digits, every phone other last four, so the
    /// rows pass the engine and do not look like one person filing twice.
    pub fn with_example_rows(mut self, n: usize, today: Date) -> Result<Self, TemplateError> {
        for row in example_forms(self.procedure, n, today)? {
            let cells = self
                .columns
                .iter()
                .map(|c| cell(c, &row, self.lang))
                .collect();
            self.rows.push(cells);
        }
        Ok(self)
    }

    /// Puts `cell` at data row `row`, template column `column` (both from
    /// 0; the header is not a data row), for templates with a few cells
    /// typed wrong on purpose: tests and demonstrations of the checks.
    /// Returns whether there is such a cell.
    pub fn set_cell(&mut self, row: usize, column: usize, cell: Cell) -> bool {
        match self.rows.get_mut(row).and_then(|r| r.get_mut(column)) {
            Some(slot) => {
                *slot = cell;
                true
            }
            None => false,
        }
    }

    /// The header row in the template's language.
    fn headers(&self) -> Vec<&str> {
        self.columns
            .iter()
            .map(|c| c.header.get(self.lang))
            .collect()
    }

    /// The template as CSV: UTF-8 with a BOM, a header row, then the rows.
    pub fn to_csv(&self) -> Result<Vec<u8>, TemplateError> {
        let mut out = "\u{feff}".as_bytes().to_vec();
        {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(self.headers())?;
            for row in &self.rows {
                w.write_record(row.iter().map(Cell::display))?;
            }
            w.flush().map_err(csv::Error::from)?;
        }
        Ok(out)
    }

    /// The template as XLSX: the rows on the first sheet (text columns
    /// formatted as text), what to type in each column on the second.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, TemplateError> {
        let lang = self.lang;
        let mut book = Workbook::new();
        let header = Format::new().set_bold().set_text_wrap();
        let text = Format::new().set_num_format("@");
        let rows = book.add_worksheet();
        rows.set_name(ui(lang, "Hồ sơ", "Dossiers"))?;
        rows.set_freeze_panes(1, 0)?;
        for (c, column) in self.columns.iter().enumerate() {
            let c = col(c);
            rows.set_column_width(c, 24)?;
            if column.cell == CellKind::Text {
                rows.set_column_format(c, &text)?;
            }
            rows.write_string_with_format(0, c, column.header.get(lang), &header)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (c, value) in row.iter().enumerate() {
                match value {
                    Cell::Empty => {}
                    Cell::Text(t) => {
                        rows.write_string_with_format(r, col(c), t, &text)?;
                    }
                    Cell::Number(n) => {
                        rows.write_number(r, col(c), *n)?;
                    }
                    Cell::Bool(b) => {
                        rows.write_boolean(r, col(c), *b)?;
                    }
                    Cell::Date(d) => {
                        rows.write_string_with_format(r, col(c), d.to_string(), &text)?;
                    }
                }
            }
        }
        let guide = book.add_worksheet();
        guide.set_name(ui(lang, "Hướng dẫn", "Guide"))?;
        let titles = [
            ui(lang, "Cột", "Column"),
            ui(lang, "Tên cột", "Header"),
            ui(lang, "Mã", "Key"),
            ui(lang, "Bắt buộc", "Required"),
            ui(lang, "Nhập gì", "What to type"),
        ];
        for (c, title) in titles.iter().enumerate() {
            guide.write_string_with_format(0, col(c), *title, &header)?;
        }
        for (c, width) in [8, 40, 32, 16, 60].into_iter().enumerate() {
            guide.set_column_width(col(c), width)?;
        }
        for (i, column) in self.columns.iter().enumerate() {
            let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
            guide.write_string(r, 0, column_name(i))?;
            guide.write_string(r, 1, column.header.get(lang))?;
            guide.write_string(r, 2, &column.key)?;
            guide.write_string(r, 3, required(column).get(lang))?;
            guide.write_string(r, 4, what_to_type(column).get(lang))?;
        }
        Ok(book.save_to_buffer()?)
    }
}

/// `n` forms made from `procedure`'s example (normalized as on `today`),
/// each a different applicant: see [`Template::with_example_rows`].
pub fn example_forms(
    procedure: &Procedure,
    n: usize,
    today: Date,
) -> Result<Vec<Value>, TemplateError> {
    if n > MAX_EXAMPLE_ROWS {
        return Err(TemplateError::TooManyRows {
            found: n,
            limit: MAX_EXAMPLE_ROWS,
        });
    }
    let code = procedure.code.to_string();
    let example = procedure
        .example
        .as_ref()
        .ok_or_else(|| TemplateError::NoExample(code.clone()))?;
    let data = procedure
        .validate(example, &Env::new(today))
        .map_err(|_| TemplateError::NoExample(code))?;
    Ok((0..n).map(|i| vary(&data, i)).collect())
}

fn ui(lang: Lang, vi: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// A column index as the XLSX writer counts them (at most 16,384 columns;
/// `MAX_COLUMNS` keeps well below).
fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// A spreadsheet column's letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_name(mut i: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

fn required(column: &Column<'_>) -> LocalizedText {
    let (field, row) = match column.target {
        Target::Answer { field, row, .. } => (field, row),
        Target::Files(component) if component.required => {
            return LocalizedText::new("có", "yes");
        }
        Target::Files(_) => return LocalizedText::new("không", "no"),
    };
    let field_required = &field.required;
    if field_required.is_never() {
        LocalizedText::new("không", "no")
    } else if field_required.0 == Value::Bool(true) && row.is_none() {
        LocalizedText::new("có", "yes")
    } else {
        LocalizedText::new("tùy trường hợp", "depends on other answers")
    }
}

fn what_to_type(column: &Column<'_>) -> LocalizedText {
    let (field, part) = match column.target {
        Target::Answer { field, part, .. } => (field, part),
        Target::Files(_) => {
            return LocalizedText::new(
                "tên tệp (PDF hoặc ảnh chụp) trong thư mục tệp đính kèm; nhiều tệp cách nhau bằng dấu chấm phẩy",
                "file names (PDF or photos) in the attachments folder; several separated by semicolons",
            );
        }
    };
    let (vi, en): (String, String) = match (part, &field.kind) {
        (Part::Province, _) => (
            "mã tỉnh, thành phố 2 chữ số theo danh mục năm 2025, ví dụ 01 (Hà Nội)".into(),
            "the 2-digit province code of the 2025 list, e.g. 01 (Hà Nội)".into(),
        ),
        (Part::Commune, _) => (
            "mã xã, phường 5 chữ số theo danh mục năm 2025, ví dụ 00004 (Phường Ba Đình)".into(),
            "the 5-digit commune code of the 2025 list, e.g. 00004 (Ba Đình ward)".into(),
        ),
        (Part::Street, _) => (
            "số nhà, đường, thôn, xóm".into(),
            "house number and street, or village".into(),
        ),
        (Part::Whole, kind) => match kind {
            FieldKind::Text(_) | FieldKind::LongText(_) => ("chữ".into(), "text".into()),
            FieldKind::PersonName(_) => ("họ, chữ đệm và tên".into(), "full name".into()),
            FieldKind::Number(r) if r.integer => ("số nguyên".into(), "a whole number".into()),
            FieldKind::Number(_) => ("số".into(), "a number".into()),
            FieldKind::Money(_) => (
                "số tiền bằng đồng, ví dụ 200.000.000".into(),
                "an amount in đồng, e.g. 200.000.000".into(),
            ),
            FieldKind::Date(_) => (
                "ngày/tháng/năm, ví dụ 25/11/2026".into(),
                "dd/mm/yyyy, e.g. 25/11/2026".into(),
            ),
            FieldKind::YesNo => ("có hoặc không".into(), "yes or no".into()),
            FieldKind::Choice(c) => {
                let (vi, en) = options(&c.options);
                (format!("một trong: {vi}"), format!("one of: {en}"))
            }
            FieldKind::MultiChoice(c) => {
                let (vi, en) = options(&c.options);
                (
                    format!("một hoặc nhiều, cách nhau bằng dấu chấm phẩy: {vi}"),
                    format!("one or more, separated by semicolons: {en}"),
                )
            }
            FieldKind::Email => ("địa chỉ thư điện tử".into(), "an e-mail address".into()),
            FieldKind::Phone => (
                "số điện thoại di động, ví dụ 0912345678".into(),
                "a mobile number, e.g. 0912345678".into(),
            ),
            FieldKind::PersonalId(_) => (
                "số định danh cá nhân 12 chữ số".into(),
                "the 12-digit personal identification number".into(),
            ),
            FieldKind::TaxCode(_) => (
                "mã số thuế 10 chữ số, 10-3 chữ số, hoặc số định danh 12 chữ số".into(),
                "a tax code: 10 digits, 10-3 digits, or a 12-digit personal id".into(),
            ),
            FieldKind::AdminUnit | FieldKind::Address | FieldKind::Group(_) => {
                (String::new(), String::new())
            }
        },
    };
    LocalizedText::new(vi, en)
}

fn options(options: &[motcua_forms::ChoiceOption]) -> (String, String) {
    let list = |lang: Lang| {
        options
            .iter()
            .map(|o| o.label.get(lang).to_owned())
            .collect::<Vec<_>>()
            .join("; ")
    };
    (list(Lang::Vi), list(Lang::En))
}

/// The normalized example data made a different applicant for row `i`.
fn vary(data: &Value, i: usize) -> Value {
    let mut ids = Vec::new();
    collect_ids(data, &mut ids);
    let mut out = data.clone();
    replace(&mut out, &ids, i);
    out
}

fn is_personal_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_mobile(s: &str) -> bool {
    s.len() == 10 && s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit())
}

fn collect_ids(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if is_personal_id(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|v| collect_ids(v, out)),
        Value::Object(m) => m.values().for_each(|v| collect_ids(v, out)),
        _ => {}
    }
}

/// Keeps digits 1–6 (place, sex and century, year of birth: what the
/// engine checks) and counts the last six on by `i`.
fn replace(v: &mut Value, ids: &[String], i: usize) {
    match v {
        Value::String(s) if is_personal_id(s) && ids.contains(s) => {
            let serial: usize = s[6..].parse().unwrap_or(0);
            *s = format!("{}{:06}", &s[..6], (serial + i) % 1_000_000);
        }
        Value::String(s) if is_mobile(s) => {
            let tail: usize = s[6..].parse().unwrap_or(0);
            *s = format!("{}{:04}", &s[..6], (tail + i) % 10_000);
        }
        Value::Array(a) => a.iter_mut().for_each(|v| replace(v, ids, i)),
        Value::Object(m) => m.values_mut().for_each(|v| replace(v, ids, i)),
        _ => {}
    }
}

/// The cell of `column` for normalized form `data`.
fn cell(column: &Column<'_>, data: &Value, lang: Lang) -> Cell {
    let Target::Answer { field, row, part } = column.target else {
        return Cell::Empty;
    };
    let mut at = data;
    if let Some((table, r)) = row {
        match data.get(&table.id).and_then(|rows| rows.get(r)) {
            Some(row) => at = row,
            None => return Cell::Empty,
        }
    }
    let Some(mut value) = at.get(&field.id) else {
        return Cell::Empty;
    };
    if let Some(key) = part.key() {
        match value.get(key) {
            Some(v) => value = v,
            None => return Cell::Empty,
        }
    }
    match (&field.kind, value) {
        (_, Value::Null) => Cell::Empty,
        (FieldKind::Date(_), Value::String(iso)) => match iso.parse::<Date>() {
            Ok(d) => Cell::Text(d.to_string()),
            Err(_) => Cell::Text(iso.clone()),
        },
        (FieldKind::YesNo, Value::Bool(b)) => Cell::Text(
            match (b, lang) {
                (true, Lang::Vi) => "có",
                (false, Lang::Vi) => "không",
                (true, Lang::En) => "yes",
                (false, Lang::En) => "no",
            }
            .to_owned(),
        ),
        (FieldKind::Choice(_), Value::String(v)) => Cell::Text(
            field
                .option_label(v)
                .map_or_else(|| v.clone(), |l| l.get(lang).to_owned()),
        ),
        (FieldKind::MultiChoice(_), Value::Array(values)) => Cell::Text(
            values
                .iter()
                .filter_map(Value::as_str)
                .map(|v| field.option_label(v).map_or(v, |l| l.get(lang)).to_owned())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (FieldKind::Money(_), Value::Number(n)) => match n.as_u64().map(Money::new) {
            Some(Ok(m)) => Cell::Number(m.dong() as f64),
            _ => Cell::Text(n.to_string()),
        },
        (_, Value::Number(n)) => n.as_f64().map_or(Cell::Empty, Cell::Number),
        (_, Value::String(s)) => Cell::Text(s.clone()),
        (_, other) => Cell::Text(other.to_string()),
    }
}
