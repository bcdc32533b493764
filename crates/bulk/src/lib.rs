//! Bulk filing (nộp hồ sơ hàng loạt): a business files many dossiers of one
//! procedure from one spreadsheet. This crate turns a procedure's form into
//! spreadsheet columns ([`columns`]) and writes the template a business
//! fills in ([`Template`]: CSV with a BOM, or XLSX with a guide sheet),
//! optionally with rows made from the procedure's example. It reads the
//! filled-in sheet back ([`read`]: CSV or XLSX, within [`ReadLimits`]),
//! matches its headers to the columns ([`Mapping`]), checks every row with
//! the forms engine ([`Checker`]) and writes the per-row [`Report`]. Pure
//! Rust, so the command line and the app's bulk worker share it.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod cell;
mod check;
mod column;
mod mapping;
mod read;
mod report;
mod template;

pub use cell::Cell;
pub use check::{
    CheckedRow, Checker, ProblemCode, RowProblem, excel_serial_date, mark_duplicates,
    mark_missing_files,
};
pub use column::{CellKind, Column, ColumnsError, MAX_COLUMNS, Part, Target, columns};
pub use mapping::{Mapping, header_key};
pub use read::{Format, ReadError, ReadLimits, Sheet, cell_name, read};
pub use report::{Outcome, Report, RowState};
pub use template::{MAX_EXAMPLE_ROWS, Template, TemplateError, column_name, example_forms};
