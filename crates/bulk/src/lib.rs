//! Bulk filing (nộp hồ sơ hàng loạt): a business files many dossiers of one
//! procedure from one spreadsheet. This crate turns a procedure's form into
//! spreadsheet columns ([`columns`]) and writes the template a business
//! fills in ([`Template`]: CSV with a BOM, or XLSX with a guide sheet),
//! optionally with rows made from the procedure's example. Pure Rust, so
//! the command line and (later) the app's bulk worker share it.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod column;
mod template;

pub use column::{CellKind, Column, ColumnsError, MAX_COLUMNS, Part, columns};
pub use template::{Cell, MAX_EXAMPLE_ROWS, Template, TemplateError, column_name, example_forms};
