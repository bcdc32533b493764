//! The bulk screen's state, in one reducer: what the worker said about the
//! procedure, the sheet and its rows, and what the user chose (rows left
//! out). The rows themselves stay in the worker; here are only the views
//! the table shows.

use std::collections::BTreeSet;
use std::rc::Rc;

use motcua_forms::LocalizedText;
use yew::Reducible;

use crate::bulk::jobs::{MappingView, Opened, RowView, SheetRead};

/// What the worker is busy with, for the screen to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Busy {
    Opening,
    Reading,
    Checking { done: u64, total: u64 },
    Making,
}

/// The bulk screen.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Bulk {
    pub(crate) opened: Option<Rc<Opened>>,
    pub(crate) busy: Option<Busy>,
    /// The last job's failure, shown until the next job starts.
    pub(crate) error: Option<LocalizedText>,
    pub(crate) file_name: Option<String>,
    pub(crate) data_rows: usize,
    pub(crate) mapping: Option<Rc<MappingView>>,
    /// The checked rows, in sheet order.
    pub(crate) rows: Vec<Rc<RowView>>,
    /// Rows (sheet row numbers) that had problems when last checked in
    /// full: the table's "with errors" view keeps them while they are
    /// fixed, so a row does not vanish under the cursor.
    pub(crate) flagged: Rc<BTreeSet<usize>>,
    /// Rows the user left out of the batch.
    pub(crate) left_out: Rc<BTreeSet<usize>>,
}

/// Valid, with errors and left out rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Totals {
    pub(crate) valid: usize,
    pub(crate) with_errors: usize,
    pub(crate) left_out: usize,
}

/// A change to the bulk screen.
#[derive(Debug, Clone)]
pub(crate) enum BulkAction {
    Busy(Busy),
    /// A job that changes nothing here (a download) is done.
    Idle,
    Failed(LocalizedText),
    Opened(Opened),
    Read {
        file_name: String,
        read: SheetRead,
    },
    Mapped(MappingView),
    Checked(Vec<RowView>),
    Fixed(RowView),
    /// Leave the row out, or take it back in.
    ToggleLeftOut(usize),
    /// Leave out every row that has problems now.
    LeaveOutInvalid,
}

impl Reducible for Bulk {
    type Action = BulkAction;

    fn reduce(self: Rc<Self>, action: BulkAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            BulkAction::Busy(busy) => {
                next.busy = Some(busy);
                next.error = None;
            }
            BulkAction::Idle => next.busy = None,
            BulkAction::Failed(message) => {
                next.busy = None;
                next.error = Some(message);
            }
            BulkAction::Opened(opened) => {
                next.busy = None;
                next.opened = Some(Rc::new(opened));
            }
            BulkAction::Read { file_name, read } => {
                next.busy = None;
                next.file_name = Some(file_name);
                next.data_rows = read.data_rows;
                next.mapping = Some(Rc::new(read.mapping));
                next.rows.clear();
                next.flagged = Rc::default();
                next.left_out = Rc::default();
            }
            BulkAction::Mapped(mapping) => {
                next.busy = None;
                next.mapping = Some(Rc::new(mapping));
            }
            BulkAction::Checked(rows) => {
                next.busy = None;
                next.flagged = Rc::new(
                    rows.iter()
                        .filter(|r| !r.is_valid())
                        .map(|r| r.row)
                        .collect(),
                );
                // Rows left out stay out when the sheet is checked again.
                let present: BTreeSet<usize> = rows.iter().map(|r| r.row).collect();
                next.left_out = Rc::new(
                    next.left_out
                        .iter()
                        .copied()
                        .filter(|r| present.contains(r))
                        .collect(),
                );
                next.rows = rows.into_iter().map(Rc::new).collect();
            }
            BulkAction::Fixed(row) => {
                next.busy = None;
                if let Ok(i) = next.rows.binary_search_by_key(&row.row, |r| r.row) {
                    next.rows[i] = Rc::new(row);
                }
            }
            BulkAction::ToggleLeftOut(row) => {
                let left_out = Rc::make_mut(&mut next.left_out);
                if !left_out.remove(&row) {
                    left_out.insert(row);
                }
            }
            BulkAction::LeaveOutInvalid => {
                let invalid: Vec<usize> = next
                    .rows
                    .iter()
                    .filter(|r| !r.is_valid())
                    .map(|r| r.row)
                    .collect();
                Rc::make_mut(&mut next.left_out).extend(invalid);
            }
        }
        Rc::new(next)
    }
}

impl Bulk {
    /// The totals the screen always shows: a row left out counts only as
    /// left out, whatever its problems.
    pub(crate) fn totals(&self) -> Totals {
        let mut totals = Totals::default();
        for row in &self.rows {
            if self.left_out.contains(&row.row) {
                totals.left_out += 1;
            } else if row.is_valid() {
                totals.valid += 1;
            } else {
                totals.with_errors += 1;
            }
        }
        totals
    }

    /// The rows to file: valid and not left out. Sealing (issue 14, item
    /// 4) asks the worker for their forms with `ValidRows { left_out }`.
    pub(crate) fn rows_to_file(&self) -> Vec<usize> {
        self.rows
            .iter()
            .filter(|r| r.is_valid() && !self.left_out.contains(&r.row))
            .map(|r| r.row)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(row: usize, bad: bool) -> RowView {
        let problems = if bad {
            vec![motcua_bulk::RowProblem {
                column: Some(1),
                code: motcua_bulk::ProblemCode::NotADate,
                field_code: None,
                message: LocalizedText::new("sai", "wrong"),
            }]
        } else {
            Vec::new()
        };
        RowView {
            row,
            key: Vec::new(),
            cells: Vec::new(),
            problems,
        }
    }

    #[test]
    fn totals_follow_fixes_and_rows_left_out() {
        let state = Rc::new(Bulk::default());
        let state = state.reduce(BulkAction::Checked(vec![
            row(1, false),
            row(2, true),
            row(3, true),
        ]));
        assert_eq!(
            state.totals(),
            Totals {
                valid: 1,
                with_errors: 2,
                left_out: 0
            }
        );
        let state = state.reduce(BulkAction::Fixed(row(2, false)));
        let state = state.reduce(BulkAction::ToggleLeftOut(3));
        assert_eq!(
            state.totals(),
            Totals {
                valid: 2,
                with_errors: 0,
                left_out: 1
            }
        );
        assert!(state.flagged.contains(&2), "a fixed row stays in view");
        assert_eq!(state.rows_to_file(), vec![1, 2]);
        let state = state.reduce(BulkAction::ToggleLeftOut(3));
        let state = state.reduce(BulkAction::LeaveOutInvalid);
        assert_eq!(state.left_out.iter().copied().collect::<Vec<_>>(), vec![3]);
    }
}
