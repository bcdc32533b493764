//! What a slip shows, and how its times read.

use motcua_dossier::{DossierCode, OfficeCode, Timestamp};
use motcua_protocol::{Date, Lang, LocalizedText, ProcedureCode};
use serde::{Deserialize, Serialize};

/// Vietnam's time zone: UTC+7 all year, no daylight saving time.
const VIETNAM_OFFSET_SECONDS: i64 = 7 * 60 * 60;

/// The receipt slip's fields: what a one-stop counter's "giấy tiếp nhận hồ
/// sơ và hẹn trả kết quả" holds (Circular 01/2018/TT-VPCP, form 01), taken
/// from the office's signed receipt and the citizen's outbox entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slip {
    /// The dossier code (mã hồ sơ) the office gave.
    pub dossier_code: DossierCode,
    /// The procedure's national code, e.g. `1.001193`.
    pub procedure: ProcedureCode,
    /// The procedure's name.
    pub procedure_name: LocalizedText,
    /// The receiving office's code.
    pub office: OfficeCode,
    /// The office's name, when the office directory gave one.
    pub office_name: Option<LocalizedText>,
    /// The applicant's name, as on the form, when known.
    pub applicant_name: Option<String>,
    /// The applicant's personal ID number, when the form has one.
    pub applicant_id: Option<String>,
    /// When the office received the dossier (its clock).
    pub received: Timestamp,
    /// The date the office promised the result for, when its receipt says.
    pub result_due: Option<Date>,
    /// What the QR code holds (Circular 01/2023/TT-VPCP: dossier code,
    /// procedure code, applicant's identifier; or a status look-up URL).
    pub qr_text: String,
    /// The signed receipt record (JSON) the PDF carries as an embedded file,
    /// byte for byte.
    pub receipt_json: Vec<u8>,
}

impl Slip {
    /// `giay-tiep-nhan-<code>`: the downloads' name without extension.
    fn stem(&self) -> String {
        format!("giay-tiep-nhan-{}", self.dossier_code)
    }

    /// The PDF's file name: `giay-tiep-nhan-<code>.pdf`.
    pub fn pdf_file_name(&self) -> String {
        format!("{}.pdf", self.stem())
    }

    /// The embedded receipt's file name: `giay-tiep-nhan-<code>.json`.
    pub fn json_file_name(&self) -> String {
        format!("{}.json", self.stem())
    }
}

/// A moment in Vietnam time, to the minute, as a slip writes it:
/// "05 giờ 45 phút, ngày 02 tháng 12 năm 2026" / "05:45, 2 December 2026".
pub(crate) fn moment_words(at: Timestamp, lang: Lang) -> String {
    let local = at.unix() + VIETNAM_OFFSET_SECONDS;
    let minutes = local.rem_euclid(86_400) / 60;
    let (hour, minute) = (minutes / 60, minutes % 60);
    let date = Date::from_days_since_epoch(local.div_euclid(86_400));
    let date = date.map(|d| date_words(d, lang)).unwrap_or_default();
    match lang {
        Lang::Vi => format!("{hour:02} giờ {minute:02} phút, {date}"),
        Lang::En => format!("{hour:02}:{minute:02}, {date}"),
    }
}

/// A date as a slip writes it: "ngày 05 tháng 12 năm 2026" / "5 December 2026".
pub(crate) fn date_words(date: Date, lang: Lang) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let (d, m, y) = (date.day(), date.month(), date.year());
    match lang {
        Lang::Vi => format!("ngày {d:02} tháng {m:02} năm {y}"),
        Lang::En => {
            let month = MONTHS.get(m as usize - 1).copied().unwrap_or_default();
            format!("{d} {month} {y}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> Timestamp {
        rfc3339.parse().expect("a valid timestamp")
    }

    #[test]
    fn times_are_vietnam_time() {
        // The example: 22:45:35 UTC is 05:45 the next day in Vietnam.
        let t = at("2026-12-01T22:45:35Z");
        assert_eq!(
            moment_words(t, Lang::Vi),
            "05 giờ 45 phút, ngày 02 tháng 12 năm 2026"
        );
        assert_eq!(moment_words(t, Lang::En), "05:45, 2 December 2026");
    }

    #[test]
    fn a_new_year_in_vietnam_before_utc() {
        let t = at("2026-12-31T17:00:00Z");
        assert_eq!(
            moment_words(t, Lang::Vi),
            "00 giờ 00 phút, ngày 01 tháng 01 năm 2027"
        );
        let t = at("2026-12-31T16:59:59Z");
        assert_eq!(moment_words(t, Lang::En), "23:59, 31 December 2026");
    }

    #[test]
    fn dates_in_words() {
        let d = Date::new(2026, 3, 5).expect("a date");
        assert_eq!(date_words(d, Lang::Vi), "ngày 05 tháng 03 năm 2026");
        assert_eq!(date_words(d, Lang::En), "5 March 2026");
    }
}
