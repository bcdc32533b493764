//! The bulk worker's side (the `motcua-bulk-worker` binary): it holds one
//! procedure, one sheet, its mapping and its checked rows, so the page
//! never holds the file and each job sends only what the screen shows.
//!
//! Code here runs only in the bulk worker. Every job but [`Open`] is
//! synchronous: the worker has no other work, and a long check sends
//! progress as it goes, so the page stays responsive while the worker
//! is busy.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use gloo::worker::{HandlerId, Worker, WorkerScope};
use motcua_bulk::{
    Cell, CheckedRow, Checker, Column, Mapping, Outcome, ReadLimits, Report, RowState, Sheet,
    Template, TemplateError, columns, mark_duplicates,
};
use motcua_forms::{AdminUnits, Date, Env, Lang, LocalizedText, Procedure, ProcedureCode};

use crate::bulk::jobs::{
    Assign, BulkEnvelope, BulkEvent, BulkRequest, BulkResponse, CheckAll, Checked, ColumnInfo,
    FileBytes, FixCell, MakeReport, MakeTemplate, MappingView, Open, Opened, ReadSheet, RowView,
    SheetFormat, SheetRead, ValidRow, ValidRows,
};
use crate::jobs::JobError;

/// Rows checked between two progress events: a few hundred rows take a
/// few tens of milliseconds, so the bar moves smoothly without a message
/// per row.
const PROGRESS_EVERY: usize = 250;

/// Most sheet columns shown in every row of the table to tell rows apart.
const KEY_COLUMNS: usize = 3;

/// What the worker holds once a procedure is open.
#[derive(Debug)]
struct Loaded {
    procedure: Procedure,
    units: Option<AdminUnits>,
    today: Date,
    sheet: Option<Sheet>,
    mapping: Option<Mapping>,
    checked: Vec<CheckedRow>,
}

/// The bulk worker itself.
#[derive(Debug)]
pub(crate) struct BulkEngine {
    state: Rc<RefCell<Option<Loaded>>>,
}

/// Runs this thread as the bulk worker (the `motcua-bulk-worker` binary's main).
pub fn register_bulk_worker() {
    use gloo::worker::Registrable;
    BulkEngine::registrar()
        .encoding::<crate::bulk::jobs::Json>()
        .register();
}

impl Worker for BulkEngine {
    type Message = ();
    type Input = BulkEnvelope;
    type Output = BulkEvent;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        Self {
            state: Rc::default(),
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, envelope: BulkEnvelope, who: HandlerId) {
        let job = envelope.id;
        let respond = {
            let scope = scope.clone();
            move |response| scope.respond(who, BulkEvent::Done { job, response })
        };
        let request = match envelope.request {
            BulkRequest::Open(open) => {
                let state = Rc::clone(&self.state);
                wasm_bindgen_futures::spawn_local(async move {
                    respond(BulkResponse::Open(open_procedure(open, &state).await));
                });
                return;
            }
            other => other,
        };
        let mut state = self.state.borrow_mut();
        let Some(loaded) = state.as_mut() else {
            respond(not_open(request));
            return;
        };
        let progress = {
            let scope = scope.clone();
            move |done: usize, total: usize| {
                scope.respond(
                    who,
                    BulkEvent::Progress {
                        job,
                        done: done as u64,
                        total: total as u64,
                    },
                );
            }
        };
        respond(answer(loaded, request, &progress));
    }
}

/// Runs one job on the open procedure.
fn answer(
    loaded: &mut Loaded,
    request: BulkRequest,
    progress: &dyn Fn(usize, usize),
) -> BulkResponse {
    match request {
        BulkRequest::Open(_) => BulkResponse::Open(Err(JobError::mismatched())),
        BulkRequest::MakeTemplate(job) => BulkResponse::MakeTemplate(loaded.template(&job)),
        BulkRequest::ReadSheet(job) => BulkResponse::ReadSheet(loaded.read_sheet(job)),
        BulkRequest::Assign(job) => BulkResponse::Assign(loaded.assign(&job)),
        BulkRequest::CheckAll(job) => BulkResponse::CheckAll(loaded.check_all(&job, progress)),
        BulkRequest::FixCell(job) => BulkResponse::FixCell(loaded.fix_cell(job)),
        BulkRequest::MakeReport(job) => BulkResponse::MakeReport(loaded.report(&job)),
        BulkRequest::ValidRows(job) => BulkResponse::ValidRows(Ok(loaded.valid_rows(&job))),
    }
}

/// The answer to a job sent before [`Open`] succeeded.
fn not_open(request: BulkRequest) -> BulkResponse {
    let err = || {
        JobError::new(
            "bulk_not_open",
            LocalizedText::new(
                "Chưa tải được thủ tục. Hãy tải lại trang.",
                "The procedure is not loaded. Reload the page.",
            ),
        )
    };
    match request {
        BulkRequest::Open(_) => BulkResponse::Open(Err(err())),
        BulkRequest::MakeTemplate(_) => BulkResponse::MakeTemplate(Err(err())),
        BulkRequest::ReadSheet(_) => BulkResponse::ReadSheet(Err(err())),
        BulkRequest::Assign(_) => BulkResponse::Assign(Err(err())),
        BulkRequest::CheckAll(_) => BulkResponse::CheckAll(Err(err())),
        BulkRequest::FixCell(_) => BulkResponse::FixCell(Err(err())),
        BulkRequest::MakeReport(_) => BulkResponse::MakeReport(Err(err())),
        BulkRequest::ValidRows(_) => BulkResponse::ValidRows(Err(err())),
    }
}

fn no_sheet() -> JobError {
    JobError::new(
        "bulk_no_sheet",
        LocalizedText::new(
            "Chưa chọn tệp bảng tính.",
            "No spreadsheet has been chosen.",
        ),
    )
}

fn template_error(err: &TemplateError) -> JobError {
    JobError::new(
        "bulk_template",
        LocalizedText::new(
            format!("Không tạo được tệp: {err}"),
            format!("The file cannot be made: {err}"),
        ),
    )
}

/// Fetches the procedure and the unit table and makes them the worker's.
async fn open_procedure(
    open: Open,
    state: &Rc<RefCell<Option<Loaded>>>,
) -> Result<Opened, JobError> {
    let unavailable = || {
        JobError::new(
            "bulk_procedure_unavailable",
            LocalizedText::new(
                "Không tải được thủ tục. Hãy kiểm tra kết nối mạng rồi thử lại.",
                "The procedure cannot be loaded. Check the connection and try again.",
            ),
        )
    };
    // A code from the address: only a well-formed one goes into a URL.
    let code: ProcedureCode = open.code.parse().map_err(|_| {
        JobError::new(
            "bulk_no_such_procedure",
            LocalizedText::new("Không có thủ tục này.", "There is no such procedure."),
        )
    })?;
    let bytes = fetch(&format!("{}/procedures/{code}.json", open.base))
        .await
        .ok_or_else(unavailable)?;
    let procedure = Procedure::from_json(&bytes).map_err(|_| unavailable())?;
    // Without the table, addresses are checked for their shape only; the
    // screen says so.
    let units = match fetch(&format!(
        "{}{}",
        open.base,
        crate::services::units::UNITS_URL
    ))
    .await
    {
        Some(bytes) => AdminUnits::from_json(&bytes).ok(),
        None => None,
    };
    let cols = columns(&procedure).map_err(|e| {
        JobError::new(
            "bulk_too_many_columns",
            LocalizedText::new(
                format!("Thủ tục này không nộp hàng loạt được: {e}"),
                format!("This procedure cannot be filed in bulk: {e}"),
            ),
        )
    })?;
    // Every always-required column is missing from an empty mapping.
    let required = Mapping {
        header_row: 0,
        columns: Vec::new(),
    }
    .missing_required(&cols);
    let opened = Opened {
        name: procedure.name.clone(),
        columns: cols
            .iter()
            .enumerate()
            .map(|(i, c)| ColumnInfo {
                key: c.key.clone(),
                header: c.header.clone(),
                required: required.contains(&i),
            })
            .collect(),
        without_units: units.is_none(),
    };
    drop(cols);
    *state.borrow_mut() = Some(Loaded {
        procedure,
        units,
        today: open.today,
        sheet: None,
        mapping: None,
        checked: Vec::new(),
    });
    Ok(opened)
}

async fn fetch(url: &str) -> Option<Vec<u8>> {
    let response = gloo::net::http::Request::get(url).send().await.ok()?;
    if !response.ok() {
        return None;
    }
    response.binary().await.ok()
}

impl Loaded {
    fn columns(&self) -> Result<Vec<Column<'_>>, JobError> {
        columns(&self.procedure).map_err(|e| template_error(&TemplateError::Columns(e)))
    }

    fn file_name(&self, stem: (&str, &str), lang: Lang, format: SheetFormat) -> String {
        let stem = match lang {
            Lang::Vi => stem.0,
            Lang::En => stem.1,
        };
        format!("{stem}-{}.{}", self.procedure.code, format.extension())
    }

    fn template(&self, job: &MakeTemplate) -> Result<FileBytes, JobError> {
        let template = Template::new(&self.procedure, job.lang).map_err(|e| template_error(&e))?;
        let bytes = match job.format {
            SheetFormat::Xlsx => template.to_xlsx(),
            SheetFormat::Csv => template.to_csv(),
        }
        .map_err(|e| template_error(&e))?;
        Ok(FileBytes {
            name: self.file_name(("mau", "template"), job.lang, job.format),
            media_type: job.format.media_type().to_owned(),
            bytes,
        })
    }

    fn read_sheet(&mut self, job: ReadSheet) -> Result<SheetRead, JobError> {
        // The sheet read before goes first: one sheet at a time in memory.
        self.sheet = None;
        self.mapping = None;
        self.checked.clear();
        let sheet = motcua_bulk::read(&job.bytes, &ReadLimits::default())
            .map_err(|e| JobError::new("bulk_unreadable", e.message()))?;
        drop(job);
        let cols = self.columns()?;
        let mapping = Mapping::detect(&sheet, &cols);
        drop(cols);
        let data_rows = data_rows(&sheet, mapping.header_row).len();
        self.sheet = Some(sheet);
        self.mapping = Some(mapping);
        Ok(SheetRead {
            data_rows,
            mapping: self.mapping_view()?,
        })
    }

    fn mapping_view(&self) -> Result<MappingView, JobError> {
        let (Some(sheet), Some(mapping)) = (&self.sheet, &self.mapping) else {
            return Err(no_sheet());
        };
        let cols = self.columns()?;
        let header = sheet.rows.get(mapping.header_row);
        let headers = (0..sheet.width())
            .map(|c| {
                header
                    .and_then(|r| r.get(c))
                    .map(Cell::display)
                    .unwrap_or_default()
            })
            .collect();
        Ok(MappingView {
            header_row: mapping.header_row,
            headers,
            columns: mapping.columns.clone(),
            missing_required: mapping.missing_required(&cols),
            key_columns: key_columns(mapping, &cols),
        })
    }

    fn assign(&mut self, job: &Assign) -> Result<MappingView, JobError> {
        let width = self.columns()?.len();
        let mapping = self.mapping.as_mut().ok_or_else(no_sheet)?;
        mapping.assign(job.sheet_column, job.column.filter(|&c| c < width));
        // Rows checked under the old match no longer hold.
        self.checked.clear();
        self.mapping_view()
    }

    fn check_all(
        &mut self,
        _job: &CheckAll,
        progress: &dyn Fn(usize, usize),
    ) -> Result<Checked, JobError> {
        let (Some(sheet), Some(mapping)) = (&self.sheet, &self.mapping) else {
            return Err(no_sheet());
        };
        let cols =
            columns(&self.procedure).map_err(|e| template_error(&TemplateError::Columns(e)))?;
        let env = env(self.today, self.units.as_ref());
        let checker = Checker::new(&self.procedure, &cols, mapping, &env);
        // Checker::check_sheet's work, a row at a time, to tell progress.
        let rows = data_rows(sheet, mapping.header_row);
        let total = rows.len();
        let mut checked = Vec::with_capacity(total);
        for (i, &r) in rows.iter().enumerate() {
            if i % PROGRESS_EVERY == 0 {
                progress(i, total);
            }
            checked.push(checker.check_row(r, &sheet.rows[r]));
        }
        mark_duplicates(&mut checked);
        progress(total, total);
        let keys = key_columns(mapping, &cols);
        let view = checked.iter().map(|c| row_view(sheet, &keys, c)).collect();
        drop(cols);
        self.checked = checked;
        Ok(Checked { rows: view })
    }

    fn fix_cell(&mut self, job: FixCell) -> Result<RowView, JobError> {
        let (Some(sheet), Some(mapping)) = (&mut self.sheet, &self.mapping) else {
            return Err(no_sheet());
        };
        let Some(at) = self.checked.iter().position(|c| c.row == job.row) else {
            return Err(no_sheet());
        };
        let Some(cell) = sheet
            .rows
            .get_mut(job.row)
            .and_then(|r| r.get_mut(job.sheet_column))
        else {
            return Err(no_sheet());
        };
        *cell = if job.text.trim().is_empty() {
            Cell::Empty
        } else {
            Cell::Text(job.text)
        };
        let sheet: &Sheet = sheet;
        let cols =
            columns(&self.procedure).map_err(|e| template_error(&TemplateError::Columns(e)))?;
        let env = env(self.today, self.units.as_ref());
        let checker = Checker::new(&self.procedure, &cols, mapping, &env);
        let mut fixed = checker.check_row(job.row, &sheet.rows[job.row]);
        // Fixed into the same dossier as another row: a duplicate of the
        // earlier of the two (only the fixed row is marked; the other stays
        // as the table shows it).
        if fixed.is_valid()
            && let Some(other) = self
                .checked
                .iter()
                .find(|c| c.row != fixed.row && c.is_valid() && c.form == fixed.form)
        {
            let mut pair = if other.row < fixed.row {
                [other.clone(), fixed]
            } else {
                [fixed, other.clone()]
            };
            mark_duplicates(&mut pair);
            let [a, b] = pair;
            fixed = if a.row == job.row { a } else { b };
        }
        let view = row_view(sheet, &key_columns(mapping, &cols), &fixed);
        drop(cols);
        self.checked[at] = fixed;
        Ok(view)
    }

    fn report(&self, job: &MakeReport) -> Result<FileBytes, JobError> {
        let (Some(sheet), Some(mapping)) = (&self.sheet, &self.mapping) else {
            return Err(no_sheet());
        };
        let left_out: BTreeSet<usize> = job.left_out.iter().copied().collect();
        let outcomes = self
            .checked
            .iter()
            .filter_map(|c| {
                if left_out.contains(&c.row) {
                    Some(Outcome::new(c.row, RowState::LeftOut))
                } else if c.is_valid() {
                    None
                } else {
                    let mut o = Outcome::new(c.row, RowState::Invalid);
                    o.message = Some(joined(&c.problems));
                    Some(o)
                }
            })
            .collect();
        let report = Report::new(sheet, mapping.header_row, outcomes, job.lang);
        let bytes = match job.format {
            SheetFormat::Xlsx => report.to_xlsx(),
            SheetFormat::Csv => report.to_csv(),
        }
        .map_err(|e| template_error(&e))?;
        Ok(FileBytes {
            name: self.file_name(("ket-qua", "report"), job.lang, job.format),
            media_type: job.format.media_type().to_owned(),
            bytes,
        })
    }

    fn valid_rows(&self, job: &ValidRows) -> Vec<ValidRow> {
        let left_out: BTreeSet<usize> = job.left_out.iter().copied().collect();
        self.checked
            .iter()
            .filter(|c| c.is_valid() && !left_out.contains(&c.row))
            .map(|c| ValidRow {
                row: c.row,
                form: c.form.clone(),
                files: c.files.clone(),
            })
            .collect()
    }
}

fn env<'a>(today: Date, units: Option<&'a AdminUnits>) -> Env<'a> {
    match units {
        Some(units) => Env::new(today).with_units(units),
        None => Env::new(today),
    }
}

/// The data rows of `sheet` headed at `header_row`: after it, not blank
/// (as [`Checker::check_sheet`] takes them).
fn data_rows(sheet: &Sheet, header_row: usize) -> Vec<usize> {
    sheet
        .rows
        .iter()
        .enumerate()
        .skip(header_row + 1)
        .filter(|(_, cells)| !cells.iter().all(Cell::is_blank))
        .map(|(r, _)| r)
        .collect()
}

/// Sheet columns that tell rows apart: those answering names and personal
/// ids, else the first answered ones.
fn key_columns(mapping: &Mapping, cols: &[Column<'_>]) -> Vec<usize> {
    let answered: Vec<(usize, &str)> = mapping
        .columns
        .iter()
        .enumerate()
        .filter_map(|(s, c)| c.and_then(|c| cols.get(c)).map(|c| (s, c.key.as_str())))
        .collect();
    let telling = |key: &str| key.ends_with("name") || key.contains("personal_id");
    let mut keys: Vec<usize> = answered
        .iter()
        .filter(|(_, key)| telling(key))
        .map(|(s, _)| *s)
        .take(KEY_COLUMNS)
        .collect();
    if keys.is_empty() {
        keys = answered.iter().map(|(s, _)| *s).take(KEY_COLUMNS).collect();
    }
    keys
}

/// What the table shows of `row`: its `keys` cells and its bad cells.
fn row_view(sheet: &Sheet, keys: &[usize], row: &CheckedRow) -> RowView {
    let cells = sheet.rows.get(row.row);
    let text = |c: usize| {
        cells
            .and_then(|r| r.get(c))
            .map(Cell::display)
            .unwrap_or_default()
    };
    let mut bad: Vec<usize> = row.problems.iter().filter_map(|p| p.column).collect();
    bad.sort_unstable();
    bad.dedup();
    RowView {
        row: row.row,
        key: keys.iter().map(|&c| text(c)).collect(),
        cells: bad.into_iter().map(|c| (c, text(c))).collect(),
        problems: row.problems.clone(),
    }
}

/// A row's problems as one message.
fn joined(problems: &[motcua_bulk::RowProblem]) -> LocalizedText {
    let join = |lang: Lang| {
        problems
            .iter()
            .map(|p| p.message.get(lang))
            .collect::<Vec<_>>()
            .join("; ")
    };
    LocalizedText::new(join(Lang::Vi), join(Lang::En))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const BIRTH: &[u8] = include_bytes!("../../../../web/procedures/1.001193.json");

    fn today() -> Date {
        Date::new(2026, 12, 3).unwrap()
    }

    fn loaded() -> Loaded {
        Loaded {
            procedure: Procedure::from_json(BIRTH).unwrap(),
            units: None,
            today: today(),
            sheet: None,
            mapping: None,
            checked: Vec::new(),
        }
    }

    /// Five example rows, the second with a CCCD that lost its zeros.
    fn workbook(p: &Procedure) -> (Vec<u8>, usize, String) {
        let mut t = Template::new(p, Lang::Vi)
            .unwrap()
            .with_example_rows(5, today())
            .unwrap();
        let id = t
            .columns()
            .iter()
            .position(|c| c.key == "requester_personal_id")
            .unwrap();
        let Cell::Text(right) = t.rows()[1][id].clone() else {
            panic!("text");
        };
        assert!(t.set_cell(1, id, Cell::Number(right.parse().unwrap())));
        (t.to_xlsx().unwrap(), id, right)
    }

    #[test]
    fn a_sheet_is_read_checked_fixed_and_reported_row_by_row() {
        let mut w = loaded();
        let (bytes, id, right) = workbook(&w.procedure);
        let read = w.read_sheet(ReadSheet { bytes }).unwrap();
        assert_eq!(read.data_rows, 5);
        assert!(read.mapping.missing_required.is_empty());
        assert!(read.mapping.key_columns.contains(&id));

        let seen = RefCell::new(Vec::new());
        let checked = w
            .check_all(&CheckAll {}, &|done, total| {
                seen.borrow_mut().push((done, total));
            })
            .unwrap();
        assert_eq!(seen.borrow().last(), Some(&(5, 5)));
        let bad: Vec<&RowView> = checked.rows.iter().filter(|r| !r.is_valid()).collect();
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].row, 2, "the header is row 0");
        assert_eq!(bad[0].cells.len(), 1);
        assert_eq!(bad[0].cells[0].0, id);

        // Left out rows and rows with errors are in the report; valid ones
        // wait for sealing.
        assert_eq!(w.valid_rows(&ValidRows { left_out: vec![3] }).len(), 3);
        let report = w
            .report(&MakeReport {
                lang: Lang::En,
                format: SheetFormat::Csv,
                left_out: vec![3],
            })
            .unwrap();
        let csv = String::from_utf8(report.bytes).unwrap();
        assert_eq!(csv.lines().count(), 3, "{csv}");
        assert!(
            csv.contains("left out") && csv.contains("has errors"),
            "{csv}"
        );

        let fixed = w
            .fix_cell(FixCell {
                row: 2,
                sheet_column: id,
                text: right,
            })
            .unwrap();
        assert!(fixed.is_valid(), "{:?}", fixed.problems);
        assert_eq!(w.valid_rows(&ValidRows { left_out: vec![] }).len(), 5);

        // Un-matching a required column leaves every row lacking it.
        let view = w
            .assign(&Assign {
                sheet_column: id,
                column: None,
            })
            .unwrap();
        assert!(!view.missing_required.is_empty());
        let rechecked = w.check_all(&CheckAll {}, &|_, _| {}).unwrap();
        assert!(rechecked.rows.iter().all(|r| !r.is_valid()));
    }

    #[test]
    fn a_fix_that_makes_a_row_another_rows_twin_is_a_duplicate() {
        let mut w = loaded();
        let (bytes, _, _) = workbook(&w.procedure);
        w.read_sheet(ReadSheet { bytes }).unwrap();
        w.check_all(&CheckAll {}, &|_, _| {}).unwrap();
        // Row 2 retyped, cell by cell, as row 1: the same dossier twice.
        let first: Vec<Cell> = w.sheet.as_ref().unwrap().rows[1].clone();
        for (c, cell) in first.iter().enumerate() {
            let text = cell.display();
            w.fix_cell(FixCell {
                row: 2,
                sheet_column: c,
                text,
            })
            .unwrap();
        }
        let twin = w.checked.iter().find(|r| r.row == 2).unwrap();
        assert_eq!(
            twin.problems.first().map(|p| p.code),
            Some(motcua_bulk::ProblemCode::Duplicate),
            "{:?}",
            twin.problems
        );
    }
}
