//! Which column of the sheet answers which column of the template. The
//! header row is found among the first rows (a title or merged group
//! header above it is skipped), and each header is matched by its name in
//! either language, with or without diacritics, by the template's key, or
//! by the field's own label. People correct the match on the bulk screen
//! with [`Mapping::assign`].

use motcua_forms::fold;
use serde::{Deserialize, Serialize};

use crate::cell::Cell;
use crate::column::{Column, Part, Target};
use crate::read::Sheet;

/// Rows searched for the header row.
const HEADER_SEARCH_ROWS: usize = 20;

/// How the sheet's columns answer the template's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    /// The header row (0-based); the rows after it are data.
    pub header_row: usize,
    /// For each column of the sheet, the template column it answers.
    pub columns: Vec<Option<usize>>,
}

/// A header folded for matching: [`fold`], then every run of characters
/// that are not letters or digits is one space (`"Họ và tên *"` and
/// `"ho_va_ten"` both fold to `"ho va ten"`).
pub fn header_key(text: &str) -> String {
    let folded = fold(text);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// The names a column is known by, folded with [`header_key`].
fn names(column: &Column<'_>) -> Vec<String> {
    let mut out = vec![
        header_key(&column.header.vi),
        header_key(&column.header.en),
        header_key(&column.key),
    ];
    match column.target {
        Target::Answer {
            field,
            row: None,
            part: Part::Whole,
        } => {
            out.push(header_key(&field.label.vi));
            out.push(header_key(&field.label.en));
        }
        Target::Answer { .. } => {}
        Target::Files(component) => {
            out.push(header_key(&component.name.vi));
            out.push(header_key(&component.name.en));
            out.push(header_key(&component.id));
        }
    }
    out.retain(|n| !n.is_empty());
    out
}

impl Mapping {
    /// Finds the header row and matches its cells to `columns`: the row
    /// among the first twenty whose cells name the most columns. A sheet
    /// without any known header gets row 0 and no matches.
    pub fn detect(sheet: &Sheet, columns: &[Column<'_>]) -> Self {
        let known: Vec<Vec<String>> = columns.iter().map(names).collect();
        let mut best = Self {
            header_row: 0,
            columns: vec![None; sheet.width()],
        };
        let mut best_score = 0;
        for (r, row) in sheet.rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
            let matched = match_row(row, &known);
            let score = matched.iter().flatten().count();
            if score > best_score {
                best_score = score;
                best = Self {
                    header_row: r,
                    columns: matched,
                };
            }
        }
        best
    }

    /// Says that sheet column `sheet_column` answers template column
    /// `column` (or nothing); a column answered elsewhere before is no
    /// longer answered there.
    pub fn assign(&mut self, sheet_column: usize, column: Option<usize>) {
        if sheet_column >= self.columns.len() {
            return;
        }
        if let Some(c) = column {
            for slot in &mut self.columns {
                if *slot == Some(c) {
                    *slot = None;
                }
            }
        }
        self.columns[sheet_column] = column;
    }

    /// The sheet column answering template column `column`.
    pub fn sheet_column(&self, column: usize) -> Option<usize> {
        self.columns.iter().position(|c| *c == Some(column))
    }

    /// Template columns that every row must answer (always-required fields
    /// outside tables, required papers) and no sheet column does.
    pub fn missing_required(&self, columns: &[Column<'_>]) -> Vec<usize> {
        (0..columns.len())
            .filter(|&c| always_required(&columns[c]) && self.sheet_column(c).is_none())
            .collect()
    }
}

fn always_required(column: &Column<'_>) -> bool {
    match column.target {
        Target::Answer {
            field, row: None, ..
        } => field.required.0 == serde_json::Value::Bool(true) && !field.is_computed(),
        Target::Answer { .. } => false,
        Target::Files(component) => component.required,
    }
}

/// The template column each cell of a header row names; a column named
/// twice is matched to its first cell only.
fn match_row(row: &[Cell], known: &[Vec<String>]) -> Vec<Option<usize>> {
    let mut taken = vec![false; known.len()];
    row.iter()
        .map(|cell| {
            let Cell::Text(text) = cell else {
                return None;
            };
            let key = header_key(text);
            if key.is_empty() {
                return None;
            }
            // The template's own headers first, then labels and keys.
            let found = (0..known.len())
                .find(|&c| !taken[c] && known[c].iter().take(2).any(|n| *n == key))
                .or_else(|| (0..known.len()).find(|&c| !taken[c] && known[c].contains(&key)))?;
            taken[found] = true;
            Some(found)
        })
        .collect()
}
