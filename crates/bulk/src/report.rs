//! The report of a batch: the sheet's own columns, then per row what became
//! of it (dossier id and code, office, state, receipt time, the error), in
//! the user's language, as CSV (UTF-8 with a BOM) or XLSX.

use motcua_forms::{Lang, LocalizedText};
use rust_xlsxwriter::{Format as XlsxFormat, Workbook};
use serde::{Deserialize, Serialize};

use crate::cell::Cell;
use crate::read::Sheet;
use crate::template::TemplateError;

/// Where a row of the batch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowState {
    /// Still has problems: not sealed.
    Invalid,
    /// Left out of the batch by the user.
    LeftOut,
    /// Sealed, waiting to be sent.
    Sealed,
    /// On its way to the office.
    Sending,
    /// The office's signed receipt is in.
    Receipted,
    /// Delivered to an office backend that gives no signed receipt.
    Delivered,
    /// The office refused it, or sending gave up (see the message).
    Failed,
}

impl RowState {
    /// The state's name for people.
    pub fn label(self) -> LocalizedText {
        let (vi, en) = match self {
            Self::Invalid => ("có lỗi", "has errors"),
            Self::LeftOut => ("bỏ qua", "left out"),
            Self::Sealed => ("đã ký, chờ gửi", "sealed, waiting"),
            Self::Sending => ("đang gửi", "sending"),
            Self::Receipted => ("đã tiếp nhận", "received"),
            Self::Delivered => (
                "đã chuyển, không có biên nhận ký số",
                "delivered, no signed receipt",
            ),
            Self::Failed => ("không gửi được", "failed"),
        };
        LocalizedText::new(vi, en)
    }

    /// Whether the row is done with: nothing more will be sent for it.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Receipted | Self::Delivered | Self::LeftOut)
    }
}

/// What became of one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The row of the sheet (0-based).
    pub row: usize,
    /// Where it stands.
    pub state: RowState,
    /// The dossier's id, once sealed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier_id: Option<String>,
    /// The code the office gave it (số hồ sơ), once received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier_code: Option<String>,
    /// The office it is filed at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    /// When the office received it (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received: Option<String>,
    /// What went wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<LocalizedText>,
}

impl Outcome {
    /// A row in `state` with nothing else known yet.
    pub fn new(row: usize, state: RowState) -> Self {
        Self {
            row,
            state,
            dossier_id: None,
            dossier_code: None,
            office: None,
            received: None,
            message: None,
        }
    }
}

/// A batch's report: the sheet and each data row's outcome.
#[derive(Debug)]
pub struct Report<'s> {
    sheet: &'s Sheet,
    header_row: usize,
    outcomes: Vec<Outcome>,
    lang: Lang,
}

impl<'s> Report<'s> {
    /// The report of `sheet` (headed at `header_row`) with `outcomes`, in
    /// `lang`.
    pub fn new(sheet: &'s Sheet, header_row: usize, outcomes: Vec<Outcome>, lang: Lang) -> Self {
        Self {
            sheet,
            header_row,
            outcomes,
            lang,
        }
    }

    /// The columns added after the sheet's own.
    fn added_headers(&self) -> [&'static str; 6] {
        match self.lang {
            Lang::Vi => [
                "Mã định danh hồ sơ",
                "Số hồ sơ",
                "Cơ quan tiếp nhận",
                "Trạng thái",
                "Thời điểm tiếp nhận",
                "Lỗi",
            ],
            Lang::En => [
                "Dossier id",
                "Dossier code",
                "Office",
                "State",
                "Received",
                "Error",
            ],
        }
    }

    fn header(&self) -> Vec<String> {
        let width = self.sheet.width();
        let own = self.sheet.rows.get(self.header_row);
        let mut out: Vec<String> = (0..width)
            .map(|c| {
                own.and_then(|r| r.get(c))
                    .map(Cell::display)
                    .unwrap_or_default()
            })
            .collect();
        out.extend(self.added_headers().iter().map(|h| (*h).to_owned()));
        out
    }

    fn added(&self, o: &Outcome) -> [String; 6] {
        let lang = self.lang;
        [
            o.dossier_id.clone().unwrap_or_default(),
            o.dossier_code.clone().unwrap_or_default(),
            o.office.clone().unwrap_or_default(),
            o.state.label().get(lang).to_owned(),
            o.received.clone().unwrap_or_default(),
            o.message
                .as_ref()
                .map(|m| m.get(lang).to_owned())
                .unwrap_or_default(),
        ]
    }

    fn cells(&self, o: &Outcome) -> Vec<Cell> {
        let mut cells = self.sheet.rows.get(o.row).cloned().unwrap_or_default();
        cells.resize(self.sheet.width(), Cell::Empty);
        cells
    }

    /// The report as CSV: UTF-8 with a BOM.
    pub fn to_csv(&self) -> Result<Vec<u8>, TemplateError> {
        let mut out = "\u{feff}".as_bytes().to_vec();
        {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(self.header())?;
            for o in &self.outcomes {
                let mut record: Vec<String> = self.cells(o).iter().map(Cell::display).collect();
                record.extend(self.added(o));
                w.write_record(record)?;
            }
            w.flush().map_err(csv::Error::from)?;
        }
        Ok(out)
    }

    /// The report as XLSX: one sheet, the added columns in bold headers,
    /// text cells as text (identifiers keep their zeros).
    pub fn to_xlsx(&self) -> Result<Vec<u8>, TemplateError> {
        let mut book = Workbook::new();
        let bold = XlsxFormat::new().set_bold();
        let text = XlsxFormat::new().set_num_format("@");
        let sheet = book.add_worksheet();
        sheet.set_name(match self.lang {
            Lang::Vi => "Kết quả",
            Lang::En => "Report",
        })?;
        sheet.set_freeze_panes(1, 0)?;
        let col = |c: usize| u16::try_from(c).unwrap_or(u16::MAX);
        for (c, h) in self.header().iter().enumerate() {
            sheet.write_string_with_format(0, col(c), h, &bold)?;
        }
        for (i, o) in self.outcomes.iter().enumerate() {
            let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let cells = self.cells(o);
            let width = cells.len();
            for (c, cell) in cells.iter().enumerate() {
                match cell {
                    Cell::Empty => {}
                    Cell::Text(t) => {
                        sheet.write_string_with_format(r, col(c), t, &text)?;
                    }
                    Cell::Number(n) => {
                        sheet.write_number(r, col(c), *n)?;
                    }
                    Cell::Bool(b) => {
                        sheet.write_boolean(r, col(c), *b)?;
                    }
                    Cell::Date(d) => {
                        sheet.write_string_with_format(r, col(c), d.to_string(), &text)?;
                    }
                }
            }
            for (k, value) in self.added(o).iter().enumerate() {
                if !value.is_empty() {
                    sheet.write_string_with_format(r, col(width + k), value, &text)?;
                }
            }
        }
        Ok(book.save_to_buffer()?)
    }
}
