//! One cell of a sheet, as read from a file or written to a template.

use motcua_forms::Date;

/// One cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing typed.
    Empty,
    /// Text (always, for CSV; a text cell of a spreadsheet).
    Text(String),
    /// A number cell.
    Number(f64),
    /// A true/false cell of a spreadsheet.
    Bool(bool),
    /// A cell a spreadsheet formats as a date (the time of day, if any,
    /// is dropped).
    Date(Date),
}

impl Cell {
    /// Whether nothing but spaces is in the cell.
    pub fn is_blank(&self) -> bool {
        match self {
            Self::Empty => true,
            Self::Text(t) => t.trim().is_empty(),
            Self::Number(_) | Self::Bool(_) | Self::Date(_) => false,
        }
    }

    /// The cell as a person reads it, and as CSV writes it: numbers
    /// without a needless `.0`, dates dd/mm/yyyy.
    pub fn display(&self) -> String {
        match self {
            Self::Empty => String::new(),
            Self::Text(t) => t.clone(),
            Self::Number(n) => number_text(*n),
            Self::Bool(true) => "TRUE".to_owned(),
            Self::Bool(false) => "FALSE".to_owned(),
            Self::Date(d) => d.to_string(),
        }
    }
}

/// A number as digits: whole numbers with no fraction or exponent (a CCCD
/// stored as a number reads `1234567890`, not `1.23E+9`).
pub(crate) fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e17 {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}
