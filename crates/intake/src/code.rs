//! Dossier codes (mã hồ sơ): how the office numbers what it receives.
//!
//! The national format is unconfirmed (DOMAIN.md); commonly it is the
//! office's code, the date and a daily serial number, e.g.
//! `000.00.00.H01-261125-000123`. So the layout is a template, set per
//! server ([`crate::Config::dossier_code`]):
//!
//! | placeholder | value |
//! |---|---|
//! | `{office}` | the office code of the manifest, e.g. `00004` |
//! | `{yyyy}`, `{yy}`, `{mm}`, `{dd}` | the date of receipt in Vietnam (UTC+7) |
//! | `{yymmdd}` | `{yy}{mm}{dd}` |
//! | `{seq}`, `{seq:N}` | the sequence number, zero-padded to N digits (1–12) |
//!
//! The default is `{office}-{yymmdd}-{seq:06}`. The sequence starts at 1 and
//! counts per *scope*: all codes that are the same but for their sequence
//! number share one counter. With the default, that is per office and day;
//! a template without the date numbers for ever.

use std::fmt;
use std::str::FromStr;

use motcua_dossier::{DossierCode, OfficeCode, Timestamp};

use crate::error::Error;

/// Vietnam's time zone, UTC+7 all year (no daylight saving time).
const VIETNAM_OFFSET_SECONDS: i64 = 7 * 60 * 60;
/// Most characters of a code apart from the office code, so that a code
/// never exceeds the 128 a [`DossierCode`] may have.
const MAX_FIXED_CHARS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Office,
    Year4,
    Year2,
    Month,
    Day,
    Sequence { width: usize },
}

/// A dossier code template; see the module docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeFormat {
    template: String,
    parts: Vec<Part>,
}

impl Default for CodeFormat {
    fn default() -> Self {
        Self::from_str(Self::DEFAULT).unwrap_or_else(|_| Self {
            template: String::new(),
            parts: Vec::new(),
        })
    }
}

impl fmt::Display for CodeFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.template)
    }
}

impl FromStr for CodeFormat {
    type Err = Error;

    /// Reads a template: placeholders as in the module docs, other
    /// characters printable ASCII without spaces, braces only around a
    /// placeholder, exactly one `{seq}`.
    fn from_str(template: &str) -> Result<Self, Error> {
        let bad = |reason: &str| Error::CodeFormat {
            format: template.to_owned(),
            reason: reason.to_owned(),
        };
        let mut parts = Vec::new();
        let mut rest = template;
        let mut fixed = 0;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('{') {
                let (name, tail) = after
                    .split_once('}')
                    .ok_or_else(|| bad("a '{' without its '}'"))?;
                let part = match name {
                    "office" => Part::Office,
                    "yyyy" => Part::Year4,
                    "yy" => Part::Year2,
                    "mm" => Part::Month,
                    "dd" => Part::Day,
                    "yymmdd" => {
                        parts.extend([Part::Year2, Part::Month]);
                        Part::Day
                    }
                    "seq" => Part::Sequence { width: 1 },
                    other => match other.strip_prefix("seq:").map(str::parse::<usize>) {
                        Some(Ok(width)) if (1..=12).contains(&width) => Part::Sequence { width },
                        _ => return Err(bad(&format!("unknown placeholder {{{name}}}"))),
                    },
                };
                fixed += match &part {
                    Part::Office | Part::Text(_) => 0,
                    Part::Year4 => 4,
                    Part::Year2 | Part::Month | Part::Day => 2,
                    // A sequence may outgrow its padding.
                    Part::Sequence { width } => (*width).max(12),
                };
                parts.push(part);
                rest = tail;
            } else {
                let end = rest.find('{').unwrap_or(rest.len());
                let text = &rest[..end];
                if text.contains('}') || !text.bytes().all(|b| b.is_ascii_graphic()) {
                    return Err(bad(
                        "text between placeholders must be printable ASCII without spaces or braces",
                    ));
                }
                fixed += text.len();
                parts.push(Part::Text(text.to_owned()));
                rest = &rest[end..];
            }
        }
        let sequences = parts
            .iter()
            .filter(|p| matches!(p, Part::Sequence { .. }))
            .count();
        if sequences != 1 {
            return Err(bad(
                "the template must hold {seq} (or {seq:N}) exactly once",
            ));
        }
        if fixed > MAX_FIXED_CHARS {
            return Err(bad("the template makes codes too long"));
        }
        Ok(Self {
            template: template.to_owned(),
            parts,
        })
    }
}

/// A date in Vietnam.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LocalDate {
    year: u32,
    month: u32,
    day: u32,
}

impl LocalDate {
    fn of(time: Timestamp) -> Self {
        // Timestamp writes RFC 3339 `YYYY-MM-DDTHH:MM:SSZ`; shifted by the
        // offset, its date part is the date in Vietnam.
        let shifted = Timestamp::from_unix(time.unix() + VIETNAM_OFFSET_SECONDS).unwrap_or(time);
        let text = shifted.to_string();
        let number = |range: std::ops::Range<usize>| {
            text.get(range)
                .and_then(|s| s.parse().ok())
                .unwrap_or_default()
        };
        Self {
            year: number(0..4),
            month: number(5..7),
            day: number(8..10),
        }
    }
}

impl CodeFormat {
    /// The default template.
    pub const DEFAULT: &'static str = "{office}-{yymmdd}-{seq:06}";

    fn render(&self, office: &OfficeCode, received: Timestamp, sequence: Option<u64>) -> String {
        let date = LocalDate::of(received);
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Office => out.push_str(office.as_str()),
                Part::Year4 => out.push_str(&format!("{:04}", date.year)),
                Part::Year2 => out.push_str(&format!("{:02}", date.year % 100)),
                Part::Month => out.push_str(&format!("{:02}", date.month)),
                Part::Day => out.push_str(&format!("{:02}", date.day)),
                Part::Sequence { width } => match sequence {
                    Some(n) => out.push_str(&format!("{n:0width$}")),
                    None => out.push_str("{seq}"),
                },
            }
        }
        out
    }

    /// The scope whose counter numbers a dossier for `office` received at
    /// `received`: the code with `{seq}` in place of the number.
    pub fn scope(&self, office: &OfficeCode, received: Timestamp) -> String {
        self.render(office, received, None)
    }

    /// The code of the dossier numbered `sequence` in its scope.
    pub fn code(
        &self,
        office: &OfficeCode,
        received: Timestamp,
        sequence: u64,
    ) -> Result<DossierCode, Error> {
        self.render(office, received, Some(sequence))
            .parse::<DossierCode>()
            .map_err(|e| Error::Receipt(e.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> Timestamp {
        rfc3339.parse().unwrap()
    }

    #[test]
    fn default_format() {
        let format = CodeFormat::default();
        let office: OfficeCode = "00004".parse().unwrap();
        let time = at("2026-11-25T03:00:00Z");
        assert_eq!(format.scope(&office, time), "00004-261125-{seq}");
        assert_eq!(
            format.code(&office, time, 123).unwrap().as_str(),
            "00004-261125-000123"
        );
        assert_eq!(
            format.code(&office, time, 12_345_678).unwrap().as_str(),
            "00004-261125-12345678",
            "numbers outgrow their padding"
        );
    }

    #[test]
    fn the_day_turns_at_midnight_in_vietnam() {
        let format = CodeFormat::default();
        let office: OfficeCode = "00004".parse().unwrap();
        // 16:59:59 UTC is 23:59:59 in Hà Nội; a second later it is tomorrow.
        assert_eq!(
            format.scope(&office, at("2026-12-31T16:59:59Z")),
            "00004-261231-{seq}"
        );
        assert_eq!(
            format.scope(&office, at("2026-12-31T17:00:00Z")),
            "00004-270101-{seq}"
        );
    }

    #[test]
    fn custom_formats() {
        let format: CodeFormat = "000.00.00.H01-{yyyy}{mm}{dd}-{seq:4}".parse().unwrap();
        let office: OfficeCode = "00004".parse().unwrap();
        assert_eq!(
            format
                .code(&office, at("2026-11-25T03:00:00Z"), 7)
                .unwrap()
                .as_str(),
            "000.00.00.H01-20261125-0007"
        );
        assert_eq!(format.to_string(), "000.00.00.H01-{yyyy}{mm}{dd}-{seq:4}");
        for bad in [
            "",
            "{office}-{yymmdd}",
            "{seq}{seq}",
            "{seq:0}",
            "{seq:13}",
            "{seq:x}",
            "{unknown}-{seq}",
            "a b-{seq}",
            "{seq",
            "}{seq}",
            &format!("{}-{{seq}}", "x".repeat(60)),
        ] {
            assert!(bad.parse::<CodeFormat>().is_err(), "{bad:?} accepted");
        }
    }
}
