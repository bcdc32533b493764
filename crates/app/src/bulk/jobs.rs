//! The messages between the bulk screen and the bulk worker, compiled into
//! both, in the style of [`crate::jobs`]: one struct per job, naming through
//! [`BulkJob`] the type it yields; one [`BulkRequest`] and one
//! [`BulkResponse`] variant per job.
//!
//! Unlike the main worker's, these cross a JSON codec ([`Json`]): checked
//! rows carry form data as `serde_json::Value`, which bincode (not
//! self-describing) cannot carry, and a JSON message of ten thousand rows
//! is still only a few megabytes.

use motcua_bulk::RowProblem;
use motcua_forms::{Date, Lang, LocalizedText};
use serde::{Deserialize, Serialize};

use crate::jobs::JobError;

/// gloo-worker's message codec for the bulk worker: JSON bytes.
#[derive(Debug)]
pub(crate) struct Json;

impl gloo::worker::Codec for Json {
    fn encode<I: Serialize>(input: I) -> wasm_bindgen::JsValue {
        // Our own types, all of which serialize: an empty message would be
        // refused by `decode` on the other side, never misread.
        let bytes = serde_json::to_vec(&input).unwrap_or_default();
        js_sys::Uint8Array::from(&bytes[..]).into()
    }

    fn decode<O: for<'de> Deserialize<'de>>(input: wasm_bindgen::JsValue) -> O {
        let bytes = js_sys::Uint8Array::new(&input).to_vec();
        match serde_json::from_slice(&bytes) {
            Ok(message) => message,
            // Only the two halves of this app talk here; a message that does
            // not decode is a bug of a mismatched build (a stale cached
            // worker), and the codec cannot return an error, so the handler
            // stops with a JavaScript exception rather than a Rust panic.
            Err(err) => wasm_bindgen::throw_str(&format!("bulk worker message: {err}")),
        }
    }
}

/// A bulk job, and what it yields.
pub(crate) trait BulkJob: Into<BulkRequest> {
    /// What the job makes.
    type Output;

    /// This job's result, if `response` answers a job of this kind.
    fn output(response: BulkResponse) -> Option<Result<Self::Output, JobError>>;
}

/// Defines [`BulkRequest`] and [`BulkResponse`] and each job's
/// [`BulkJob`] impl, so a job and its output type are named once.
macro_rules! bulk_jobs {
    ($($(#[$doc:meta])* $job:ident => $output:ty,)*) => {
        /// A job sent to the bulk worker.
        #[derive(Debug, Clone, Serialize, Deserialize)]
        pub(crate) enum BulkRequest {
            $($(#[$doc])* $job($job),)*
        }

        /// The end of a bulk job: its output or why it failed.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub(crate) enum BulkResponse {
            $($(#[$doc])* $job(Result<$output, JobError>),)*
        }

        $(
            impl From<$job> for BulkRequest {
                fn from(job: $job) -> Self {
                    Self::$job(job)
                }
            }

            impl BulkJob for $job {
                type Output = $output;

                fn output(response: BulkResponse) -> Option<Result<$output, JobError>> {
                    match response {
                        BulkResponse::$job(result) => Some(result),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
            }
        )*
    };
}

bulk_jobs! {
    /// Load a procedure (and the unit table) into the worker.
    Open => Opened,
    /// Make the procedure's empty template.
    MakeTemplate => FileBytes,
    /// Read a chosen file as the sheet to file.
    ReadSheet => SheetRead,
    /// Correct which template column a sheet column answers.
    Assign => MappingView,
    /// Check every data row.
    CheckAll => Checked,
    /// Change one cell and check its row again.
    FixCell => RowView,
    /// The report of the rows that will not be filed.
    MakeReport => FileBytes,
    /// The rows to seal (the seam for sealing and sending).
    ValidRows => Vec<ValidRow>,
}

/// A job and the id its answer comes back with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct BulkEnvelope {
    pub(crate) id: u32,
    pub(crate) request: BulkRequest,
}

/// What the bulk worker says about a job: progress, then its end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) enum BulkEvent {
    Progress { job: u32, done: u64, total: u64 },
    Done { job: u32, response: BulkResponse },
}

/// Spreadsheet file formats offered and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum SheetFormat {
    Xlsx,
    Csv,
}

impl SheetFormat {
    /// The file name's extension.
    pub(crate) fn extension(self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Csv => "csv",
        }
    }

    /// The media type of a download.
    pub(crate) fn media_type(self) -> &'static str {
        match self {
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Csv => "text/csv;charset=utf-8",
        }
    }
}

/// Load procedure `code` from `base` (the app's origin: a worker started
/// from a blob has no base of its own to resolve `/procedures/…` against),
/// to be checked as on `today`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Open {
    pub(crate) base: String,
    pub(crate) code: String,
    pub(crate) today: Date,
}

/// One column of the procedure's template, for the match selects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ColumnInfo {
    pub(crate) key: String,
    pub(crate) header: LocalizedText,
    /// Every row must answer it.
    pub(crate) required: bool,
}

/// The procedure is loaded: its name and template columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Opened {
    pub(crate) name: LocalizedText,
    pub(crate) columns: Vec<ColumnInfo>,
    /// The unit table could not be had: addresses are checked without it.
    pub(crate) without_units: bool,
}

/// Make the template, headed in `lang`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct MakeTemplate {
    pub(crate) lang: Lang,
    pub(crate) format: SheetFormat,
}

/// A file to download.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct FileBytes {
    pub(crate) name: String,
    pub(crate) media_type: String,
    pub(crate) bytes: Vec<u8>,
}

/// Read `bytes` (a CSV or XLSX file) as the sheet to file; the sheet read
/// before is dropped.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ReadSheet {
    pub(crate) bytes: Vec<u8>,
}

/// A sheet read: its size, its header row and the match found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SheetRead {
    /// Rows after the header row that are not blank.
    pub(crate) data_rows: usize,
    pub(crate) mapping: MappingView,
}

/// How the sheet's columns answer the template's, as the screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct MappingView {
    /// The header row (0-based).
    pub(crate) header_row: usize,
    /// Each sheet column's header, as the sheet has it.
    pub(crate) headers: Vec<String>,
    /// Each sheet column's template column.
    pub(crate) columns: Vec<Option<usize>>,
    /// Required template columns no sheet column answers.
    pub(crate) missing_required: Vec<usize>,
    /// Sheet columns that tell rows apart (names, identifiers), shown in
    /// every row of the table.
    pub(crate) key_columns: Vec<usize>,
}

/// Say that sheet column `sheet_column` answers template column `column`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Assign {
    pub(crate) sheet_column: usize,
    pub(crate) column: Option<usize>,
}

/// Check every data row, with progress every few hundred rows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CheckAll {}

/// Every data row, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Checked {
    pub(crate) rows: Vec<RowView>,
}

/// One checked row as the screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct RowView {
    /// The row of the sheet (0-based; people read it + 1).
    pub(crate) row: usize,
    /// The key columns' cells, in `MappingView::key_columns` order.
    pub(crate) key: Vec<String>,
    /// The cells with a problem: (sheet column, its text).
    pub(crate) cells: Vec<(usize, String)>,
    pub(crate) problems: Vec<RowProblem>,
}

impl RowView {
    pub(crate) fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Put `text` in the cell at (`row`, `sheet_column`) and check the row again.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct FixCell {
    pub(crate) row: usize,
    pub(crate) sheet_column: usize,
    pub(crate) text: String,
}

/// The report of the rows that will not be filed (with errors, or left out
/// by the user: rows of `left_out`), in `lang`. Once sealing exists, the
/// filed rows join it with their dossier ids and states.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct MakeReport {
    pub(crate) lang: Lang,
    pub(crate) format: SheetFormat,
    pub(crate) left_out: Vec<usize>,
}

/// The valid rows not in `left_out`, with their form data: what sealing
/// (issue 14, item 4) turns into dossiers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ValidRows {
    pub(crate) left_out: Vec<usize>,
}

/// A row ready to seal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ValidRow {
    pub(crate) row: usize,
    /// The normalized form data.
    pub(crate) form: serde_json::Value,
    /// The files named for each paper: (component id, file names).
    pub(crate) files: Vec<(String, Vec<String>)>,
}
