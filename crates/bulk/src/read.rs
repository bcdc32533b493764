//! Reading the sheet a business sends: CSV (any of the usual delimiters,
//! with or without a BOM) or XLSX (its first sheet), into rows of
//! [`Cell`]s. The limits are checked before the work they bound: the file's
//! size first, then, for XLSX, what its parts unpack to (a zip bomb is
//! refused before anything is parsed), then rows and columns cell by cell
//! (a sheet that claims a million columns costs nothing).

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx};
use motcua_forms::{Date, LocalizedText};

use crate::cell::Cell;

/// How big a sheet may be. The defaults fit a business's largest batch
/// (tens of thousands of rows) in a phone's memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Largest file, in bytes.
    pub max_file_bytes: usize,
    /// Most bytes all the parts of an XLSX file may unpack to.
    pub max_unpacked_bytes: u64,
    /// Most rows, the header rows included.
    pub max_rows: usize,
    /// Most columns.
    pub max_columns: usize,
    /// Longest cell, in bytes.
    pub max_cell_bytes: usize,
    /// Most cells of the whole sheet (rows × columns, the empty ones
    /// included), which bounds the memory a sheet takes.
    pub max_cells: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        Self {
            max_file_bytes: 50 << 20,
            max_unpacked_bytes: 400 << 20,
            max_rows: 100_001,
            max_columns: crate::MAX_COLUMNS + 100,
            max_cell_bytes: 32 << 10,
            max_cells: 4_000_000,
        }
    }
}

/// The kind of file a sheet came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma- (or semicolon-, tab-, bar-) separated text.
    Csv {
        /// The delimiter found.
        delimiter: u8,
    },
    /// An Office Open XML workbook.
    Xlsx,
}

/// A sheet: rows of cells, as many cells in each row as the widest row.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// What it was read from.
    pub format: Format,
    /// The rows, top to bottom; trailing empty rows are dropped.
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    /// The number of columns.
    pub fn width(&self) -> usize {
        self.rows.first().map_or(0, Vec::len)
    }
}

/// Why a file cannot be read as a sheet. Each is told to the person who
/// chose the file ([`ReadError::message`]); nothing is read in part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The file is empty.
    #[error("the file is empty")]
    Empty,
    /// The file is larger than allowed.
    #[error("the file is {size} bytes, more than the {limit} allowed")]
    FileTooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// An XLSX file whose parts unpack to more than allowed.
    #[error("the workbook unpacks to more than {limit} bytes")]
    UnpacksTooLarge {
        /// The limit.
        limit: u64,
    },
    /// More rows than allowed.
    #[error("the sheet has more than {limit} rows")]
    TooManyRows {
        /// The limit.
        limit: usize,
    },
    /// More columns than allowed.
    #[error("the sheet has more than {limit} columns")]
    TooManyColumns {
        /// The limit.
        limit: usize,
    },
    /// More cells (rows × columns) than allowed.
    #[error("the sheet has more than {limit} cells")]
    TooManyCells {
        /// The limit.
        limit: usize,
    },
    /// A cell longer than allowed.
    #[error("cell {cell} holds more than {limit} bytes")]
    CellTooLong {
        /// The cell, as a spreadsheet names it (`B7`).
        cell: String,
        /// The limit.
        limit: usize,
    },
    /// A legacy binary workbook (`.xls`), which is not read.
    #[error("an Excel 97-2003 workbook (.xls); save it as .xlsx or .csv")]
    LegacyXls,
    /// Some other binary file (an image, a PDF, an OpenDocument sheet).
    #[error("not a CSV or XLSX file")]
    NotASheet,
    /// A text file that is not UTF-8 (ANSI or UTF-16 from an old export).
    #[error("line {line} is not UTF-8 text")]
    NotUtf8 {
        /// The line, from 1.
        line: u64,
    },
    /// CSV that cannot be read.
    #[error("line {line}: {reason}")]
    Csv {
        /// The line, from 1.
        line: u64,
        /// What the CSV reader said.
        reason: String,
    },
    /// An XLSX file that cannot be read.
    #[error("the workbook cannot be read: {0}")]
    Xlsx(String),
    /// A workbook without sheets.
    #[error("the workbook has no sheet")]
    NoSheet,
}

impl ReadError {
    /// What to tell the person who chose the file, in both languages.
    pub fn message(&self) -> LocalizedText {
        match self {
            Self::Empty => LocalizedText::new("Tệp trống.", "The file is empty."),
            Self::FileTooLarge { size, limit } => LocalizedText::new(
                format!(
                    "Tệp nặng {} MB, quá giới hạn {} MB. Hãy chia thành nhiều tệp.",
                    mb(*size as u64),
                    mb(*limit as u64)
                ),
                format!(
                    "The file is {} MB, over the {} MB limit. Split it into several files.",
                    mb(*size as u64),
                    mb(*limit as u64)
                ),
            ),
            Self::UnpacksTooLarge { limit } => LocalizedText::new(
                format!(
                    "Tệp XLSX giải nén ra hơn {} MB; không đọc tệp này.",
                    mb(*limit)
                ),
                format!(
                    "The XLSX file unpacks to more than {} MB; it is not read.",
                    mb(*limit)
                ),
            ),
            Self::TooManyRows { limit } => LocalizedText::new(
                format!("Bảng có hơn {limit} dòng. Hãy chia thành nhiều tệp."),
                format!("The sheet has more than {limit} rows. Split it into several files."),
            ),
            Self::TooManyColumns { limit } => LocalizedText::new(
                format!("Bảng có hơn {limit} cột; hãy dùng mẫu của thủ tục."),
                format!("The sheet has more than {limit} columns; use the procedure's template."),
            ),
            Self::TooManyCells { limit } => LocalizedText::new(
                format!("Bảng có hơn {limit} ô. Hãy chia thành nhiều tệp."),
                format!("The sheet has more than {limit} cells. Split it into several files."),
            ),
            Self::CellTooLong { cell, limit } => LocalizedText::new(
                format!("Ô {cell} dài hơn {limit} byte."),
                format!("Cell {cell} holds more than {limit} bytes."),
            ),
            Self::LegacyXls => LocalizedText::new(
                "Đây là tệp Excel 97-2003 (.xls). Hãy lưu lại dưới dạng .xlsx hoặc .csv.",
                "This is an Excel 97-2003 file (.xls). Save it as .xlsx or .csv.",
            ),
            Self::NotASheet => LocalizedText::new(
                "Đây không phải tệp bảng tính CSV hoặc XLSX.",
                "This is not a CSV or XLSX spreadsheet.",
            ),
            Self::NotUtf8 { line } => LocalizedText::new(
                format!("Dòng {line} không phải chữ UTF-8. Khi lưu CSV, hãy chọn \"CSV UTF-8\"."),
                format!("Line {line} is not UTF-8 text. Save the CSV as \"CSV UTF-8\"."),
            ),
            Self::Csv { line, reason } => LocalizedText::new(
                format!("Không đọc được dòng {line} của tệp CSV ({reason})."),
                format!("Line {line} of the CSV file cannot be read ({reason})."),
            ),
            Self::Xlsx(reason) => LocalizedText::new(
                format!("Không đọc được tệp XLSX ({reason})."),
                format!("The XLSX file cannot be read ({reason})."),
            ),
            Self::NoSheet => LocalizedText::new(
                "Tệp XLSX không có trang tính nào.",
                "The XLSX file has no sheet.",
            ),
        }
    }
}

fn mb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1 << 20) as f64)
}

/// Reads `bytes` as a sheet: XLSX if it is a zip archive, CSV if it is
/// text. The first sheet of a workbook is the one read.
pub fn read(bytes: &[u8], limits: &ReadLimits) -> Result<Sheet, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    if bytes.len() > limits.max_file_bytes {
        return Err(ReadError::FileTooLarge {
            size: bytes.len(),
            limit: limits.max_file_bytes,
        });
    }
    let rows = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes, limits)?
    } else if bytes.starts_with(&[0xd0, 0xcf, 0x11, 0xe0]) {
        return Err(ReadError::LegacyXls);
    } else if looks_binary(bytes) {
        return Err(ReadError::NotASheet);
    } else {
        let delimiter = sniff_delimiter(bytes);
        let rows = read_csv(bytes, delimiter, limits)?;
        return finish(Format::Csv { delimiter }, rows, limits);
    };
    finish(Format::Xlsx, rows, limits)
}

/// Drops trailing empty rows and makes every row as wide as the widest,
/// within the limit on cells.
fn finish(
    format: Format,
    mut rows: Vec<Vec<Cell>>,
    limits: &ReadLimits,
) -> Result<Sheet, ReadError> {
    while rows.last().is_some_and(|r| r.iter().all(Cell::is_blank)) {
        rows.pop();
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    if width.saturating_mul(rows.len()) > limits.max_cells {
        return Err(ReadError::TooManyCells {
            limit: limits.max_cells,
        });
    }
    for row in &mut rows {
        row.resize(width, Cell::Empty);
    }
    Ok(Sheet { format, rows })
}

/// NUL bytes, or a UTF-16 BOM: not text a CSV reader should see.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) || head.contains(&0)
}

/// The delimiter of the first line: whichever of `,` `;` tab `|` occurs
/// most outside quotes (Excel in Vietnamese locales writes `;` when the
/// decimal separator is a comma).
fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for &b in bytes.iter().take(64 << 10) {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if quoted => {}
            b',' => counts[0] += 1,
            b';' => counts[1] += 1,
            b'\t' => counts[2] += 1,
            b'|' => counts[3] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b';', b'\t', b'|'];
    let mut best = 0;
    for i in 1..4 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    candidates[best]
}

fn read_csv(bytes: &[u8], delimiter: u8, limits: &ReadLimits) -> Result<Vec<Vec<Cell>>, ReadError> {
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let more = reader.read_byte_record(&mut record).map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            ReadError::Csv {
                line,
                reason: e.to_string(),
            }
        })?;
        if !more {
            break;
        }
        if rows.len() >= limits.max_rows {
            return Err(ReadError::TooManyRows {
                limit: limits.max_rows,
            });
        }
        if record.len() > limits.max_columns {
            return Err(ReadError::TooManyColumns {
                limit: limits.max_columns,
            });
        }
        let line = record.position().map_or(0, csv::Position::line);
        let mut row = Vec::with_capacity(record.len());
        for (c, field) in record.iter().enumerate() {
            if field.len() > limits.max_cell_bytes {
                return Err(ReadError::CellTooLong {
                    cell: cell_name(rows.len(), c),
                    limit: limits.max_cell_bytes,
                });
            }
            let text = std::str::from_utf8(field).map_err(|_| ReadError::NotUtf8 { line })?;
            row.push(if text.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(text.to_owned())
            });
        }
        rows.push(row);
    }
    Ok(rows)
}

/// A cell's name as spreadsheets write it: row 0, column 1 → `B1`.
pub fn cell_name(row: usize, column: usize) -> String {
    format!("{}{}", crate::column_name(column), row + 1)
}

fn xlsx_error(e: impl std::fmt::Display) -> ReadError {
    ReadError::Xlsx(e.to_string())
}

/// Unpacks every part of the archive into nowhere, counting: what a part
/// claims to unpack to is not trusted, what it does is.
fn check_unpacked(bytes: &[u8], limits: &ReadLimits) -> Result<(), ReadError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    let limit = limits.max_unpacked_bytes;
    let mut left = limit;
    for i in 0..archive.len() {
        let part = archive.by_index(i).map_err(xlsx_error)?;
        if part.size() > left {
            return Err(ReadError::UnpacksTooLarge { limit });
        }
        let read =
            std::io::copy(&mut part.take(left + 1), &mut std::io::sink()).map_err(xlsx_error)?;
        if read > left {
            return Err(ReadError::UnpacksTooLarge { limit });
        }
        left -= read;
    }
    Ok(())
}

fn read_xlsx(bytes: &[u8], limits: &ReadLimits) -> Result<Vec<Vec<Cell>>, ReadError> {
    check_unpacked(bytes, limits)?;
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsxError::Zip(_) => ReadError::NotASheet,
        other => xlsx_error(other),
    })?;
    let name = book
        .sheet_names()
        .into_iter()
        .next()
        .ok_or(ReadError::NoSheet)?;
    let mut cells = book.worksheet_cells_reader(&name).map_err(xlsx_error)?;
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut count = 0usize;
    while let Some(cell) = cells.next_cell().map_err(xlsx_error)? {
        count += 1;
        if count > limits.max_cells {
            return Err(ReadError::TooManyCells {
                limit: limits.max_cells,
            });
        }
        let (r, c) = cell.get_position();
        let (r, c) = (r as usize, c as usize);
        if r >= limits.max_rows {
            return Err(ReadError::TooManyRows {
                limit: limits.max_rows,
            });
        }
        if c >= limits.max_columns {
            return Err(ReadError::TooManyColumns {
                limit: limits.max_columns,
            });
        }
        let value = match cell.get_value() {
            DataRef::Empty | DataRef::Error(_) => continue,
            DataRef::Int(i) => Cell::Number(*i as f64),
            DataRef::Float(f) => Cell::Number(*f),
            DataRef::Bool(b) => Cell::Bool(*b),
            DataRef::String(s) => text(s, r, c, limits)?,
            DataRef::SharedString(s) => text(s, r, c, limits)?,
            DataRef::DateTime(dt) if dt.is_datetime() => {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                match Date::new(i32::from(y), u32::from(m), u32::from(d)) {
                    Some(date) => Cell::Date(date),
                    None => Cell::Number(dt.as_f64()),
                }
            }
            DataRef::DateTime(dt) => Cell::Number(dt.as_f64()),
            DataRef::DateTimeIso(s) => match s.get(..10).and_then(|d| d.parse().ok()) {
                Some(date) => Cell::Date(date),
                None => text(s, r, c, limits)?,
            },
            DataRef::DurationIso(s) => text(s, r, c, limits)?,
        };
        if rows.len() <= r {
            rows.resize_with(r + 1, Vec::new);
        }
        let row = &mut rows[r];
        if row.len() <= c {
            row.resize(c + 1, Cell::Empty);
        }
        row[c] = value;
    }
    Ok(rows)
}

fn text(s: &str, r: usize, c: usize, limits: &ReadLimits) -> Result<Cell, ReadError> {
    if s.len() > limits.max_cell_bytes {
        return Err(ReadError::CellTooLong {
            cell: cell_name(r, c),
            limit: limits.max_cell_bytes,
        });
    }
    Ok(if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.to_owned())
    })
}
