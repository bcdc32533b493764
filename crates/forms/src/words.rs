//! Numbers and dates written in Vietnamese words, as civil-status papers
//! write a date of birth "bằng chữ".
//!
//! Reading rules (northern standard, the one used in civil-status books):
//! - `mười` for 10–19 and `mươi` for the tens from 20: *mười một*, *hai mươi*;
//! - `mốt` for a final 1 after `mươi`: *hai mươi mốt*, but *mười một*;
//! - `lăm` for a final 5 after a ten: *mười lăm*, *hai mươi lăm*; `năm`
//!   otherwise (*một trăm linh năm*);
//! - `tư` for a final 4 after `mươi`: *hai mươi tư*, but *mười bốn*;
//! - `linh` for a zero ten before a unit: *một trăm linh một*;
//! - a group of three digits after a higher group says its hundreds even
//!   when zero: *hai nghìn không trăm hai mươi sáu*; all-zero groups are
//!   skipped: *một triệu không trăm linh năm*;
//! - group names `nghìn`, `triệu`, `tỷ`; beyond `tỷ` the names repeat
//!   (*một nghìn tỷ*).

use crate::date::Date;

const DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

/// `n` in Vietnamese words, e.g. 2026 → "hai nghìn không trăm hai mươi sáu".
///
/// ```
/// use motcua_forms::number_words;
/// assert_eq!(number_words(21), "hai mươi mốt");
/// assert_eq!(number_words(105), "một trăm linh năm");
/// assert_eq!(number_words(1_000_005), "một triệu không trăm linh năm");
/// ```
pub fn number_words(n: u64) -> String {
    if n == 0 {
        return DIGITS[0].to_owned();
    }
    let mut words = Vec::new();
    push_number(n, &mut words, false);
    words.join(" ")
}

/// Pushes the words of `n` (> 0). `inner` means a higher group precedes it,
/// so a zero hundreds digit is spoken.
fn push_number(n: u64, out: &mut Vec<&'static str>, inner: bool) {
    const BILLION: u64 = 1_000_000_000;
    if n >= BILLION {
        push_number(n / BILLION, out, inner);
        out.push("tỷ");
        let rest = n % BILLION;
        if rest > 0 {
            push_number(rest, out, true);
        }
        return;
    }
    let groups = [
        (n / 1_000_000, "triệu"),
        ((n / 1000) % 1000, "nghìn"),
        (n % 1000, ""),
    ];
    let mut seen = inner;
    for (value, name) in groups {
        if value == 0 {
            continue;
        }
        push_group(value, out, seen);
        if !name.is_empty() {
            out.push(name);
        }
        seen = true;
    }
}

/// Pushes the words of one group 1–999.
fn push_group(n: u64, out: &mut Vec<&'static str>, inner: bool) {
    let (h, t, u) = (
        (n / 100) as usize,
        ((n / 10) % 10) as usize,
        (n % 10) as usize,
    );
    if h > 0 || inner {
        out.push(DIGITS[h]);
        out.push("trăm");
    }
    match t {
        0 => {
            if u > 0 {
                if h > 0 || inner {
                    out.push("linh");
                }
                out.push(DIGITS[u]);
            }
        }
        1 => {
            out.push("mười");
            match u {
                0 => {}
                5 => out.push("lăm"),
                _ => out.push(DIGITS[u]),
            }
        }
        _ => {
            out.push(DIGITS[t]);
            out.push("mươi");
            match u {
                0 => {}
                1 => out.push("mốt"),
                4 => out.push("tư"),
                5 => out.push("lăm"),
                _ => out.push(DIGITS[u]),
            }
        }
    }
}

/// A date in Vietnamese words, as written on a birth declaration:
/// 25/11/2026 → "ngày hai mươi lăm tháng mười một năm hai nghìn không trăm
/// hai mươi sáu". April is *tháng tư*.
///
/// ```
/// use motcua_forms::{date_words, Date};
/// let d = Date::new(1975, 4, 30).unwrap();
/// assert_eq!(date_words(d), "ngày ba mươi tháng tư năm một nghìn chín trăm bảy mươi lăm");
/// ```
pub fn date_words(date: Date) -> String {
    let month = if date.month() == 4 {
        "tư".to_owned()
    } else {
        number_words(u64::from(date.month()))
    };
    format!(
        "ngày {} tháng {} năm {}",
        number_words(u64::from(date.day())),
        month,
        number_words(u64::try_from(date.year()).unwrap_or_default())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_numbers() {
        let expected = [
            (0, "không"),
            (1, "một"),
            (4, "bốn"),
            (5, "năm"),
            (10, "mười"),
            (11, "mười một"),
            (14, "mười bốn"),
            (15, "mười lăm"),
            (20, "hai mươi"),
            (21, "hai mươi mốt"),
            (24, "hai mươi tư"),
            (25, "hai mươi lăm"),
            (31, "ba mươi mốt"),
            (99, "chín mươi chín"),
            (100, "một trăm"),
            (101, "một trăm linh một"),
            (104, "một trăm linh bốn"),
            (105, "một trăm linh năm"),
            (110, "một trăm mười"),
            (115, "một trăm mười lăm"),
            (121, "một trăm hai mươi mốt"),
            (999, "chín trăm chín mươi chín"),
        ];
        for (n, words) in expected {
            assert_eq!(number_words(n), words, "{n}");
        }
    }

    #[test]
    fn years_and_large_numbers() {
        let expected = [
            (1000, "một nghìn"),
            (1001, "một nghìn không trăm linh một"),
            (1010, "một nghìn không trăm mười"),
            (1945, "một nghìn chín trăm bốn mươi lăm"),
            (2000, "hai nghìn"),
            (2005, "hai nghìn không trăm linh năm"),
            (2021, "hai nghìn không trăm hai mươi mốt"),
            (2026, "hai nghìn không trăm hai mươi sáu"),
            (10_000, "mười nghìn"),
            (15_500, "mười lăm nghìn năm trăm"),
            (200_000, "hai trăm nghìn"),
            (1_000_005, "một triệu không trăm linh năm"),
            (1_200_000, "một triệu hai trăm nghìn"),
            (5_000_000_000, "năm tỷ"),
            (1_000_000_000_001, "một nghìn tỷ không trăm linh một"),
        ];
        for (n, words) in expected {
            assert_eq!(number_words(n), words, "{n}");
        }
        // Never panics at the top of the range.
        assert!(number_words(u64::MAX).starts_with("mười tám tỷ bốn trăm bốn mươi sáu triệu"));
    }

    #[test]
    fn dates() {
        let cases = [
            (
                (2026, 11, 25),
                "ngày hai mươi lăm tháng mười một năm hai nghìn không trăm hai mươi sáu",
            ),
            ((2000, 1, 1), "ngày một tháng một năm hai nghìn"),
            (
                (2012, 2, 15),
                "ngày mười lăm tháng hai năm hai nghìn không trăm mười hai",
            ),
            (
                (1990, 12, 31),
                "ngày ba mươi mốt tháng mười hai năm một nghìn chín trăm chín mươi",
            ),
            (
                (2024, 4, 24),
                "ngày hai mươi tư tháng tư năm hai nghìn không trăm hai mươi tư",
            ),
            (
                (2005, 5, 5),
                "ngày năm tháng năm năm hai nghìn không trăm linh năm",
            ),
        ];
        for ((y, m, d), words) in cases {
            assert_eq!(date_words(Date::new(y, m, d).unwrap()), words);
        }
    }
}
