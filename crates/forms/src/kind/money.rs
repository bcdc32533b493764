//! `money`: an amount in đồng. Vietnamese write amounts with a dot between
//! groups of three digits (`1.500.000`) and the comma for decimals, which
//! đồng do not have; forms ask for the amount again in words ("bằng chữ").
//! A value is stored as a whole number of đồng.

use std::fmt;
use std::str::FromStr;

use serde_json::{Value, json};

use crate::check::Checker;
use crate::i18n::LocalizedText;
use crate::messages::{ErrorCode, Fault};
use crate::words::number_words;

/// The largest amount a money field holds: just under a million billion
/// đồng, so every amount is exact in a JSON (IEEE double) number.
pub const MAX_MONEY: u64 = 999_999_999_999_999;

/// An amount of money in đồng (VND), 0 to [`MAX_MONEY`].
///
/// ```
/// use motcua_forms::Money;
/// let m: Money = "1.500.000 đ".parse().unwrap();
/// assert_eq!(m.dong(), 1_500_000);
/// assert_eq!(m.to_string(), "1.500.000");
/// assert_eq!(m.words(), "một triệu năm trăm nghìn đồng");
/// assert!("1,5".parse::<Money>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(u64);

/// Why a text is not an amount in đồng.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyError {
    /// Not digits (with dots or spaces between groups, and `đ`, `đồng` or
    /// `VND` after).
    NotAnAmount,
    /// Dots or spaces not between groups of three digits (`1.50.000`).
    BadGrouping,
    /// A part of a đồng (`1.500,5`): đồng have no smaller unit.
    Fraction,
    /// Below zero.
    Negative,
    /// Above [`MAX_MONEY`].
    TooLarge,
}

impl MoneyError {
    /// What to tell the person who typed it.
    pub fn message(self) -> LocalizedText {
        let (vi, en) = match self {
            Self::NotAnAmount => (
                "nhập số tiền bằng chữ số, ví dụ 1.500.000",
                "enter the amount in digits, for example 1.500.000",
            ),
            Self::BadGrouping => (
                "viết các nhóm ba chữ số cách nhau bằng dấu chấm, ví dụ 1.500.000",
                "separate groups of three digits with dots, for example 1.500.000",
            ),
            Self::Fraction => (
                "số tiền tính bằng đồng, không có phần lẻ",
                "the amount is in whole đồng, without a fraction",
            ),
            Self::Negative => ("số tiền không được âm", "the amount cannot be negative"),
            Self::TooLarge => ("số tiền quá lớn", "the amount is too large"),
        };
        LocalizedText::new(vi, en)
    }
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for MoneyError {}

impl Money {
    /// An amount of `dong`, if within [`MAX_MONEY`].
    pub fn new(dong: u64) -> Result<Self, MoneyError> {
        if dong > MAX_MONEY {
            Err(MoneyError::TooLarge)
        } else {
            Ok(Self(dong))
        }
    }

    /// The amount in đồng.
    pub fn dong(self) -> u64 {
        self.0
    }

    /// The amount in Vietnamese words, as forms ask for it "bằng chữ":
    /// 1.500.000 → "một triệu năm trăm nghìn đồng".
    pub fn words(self) -> String {
        format!("{} đồng", number_words(self.0))
    }

    /// From a JSON value: a whole number, or text as people type it.
    fn from_json(raw: &Value) -> Result<Option<Self>, Fault> {
        let fault = |e: MoneyError| Fault {
            code: ErrorCode::InvalidAmount,
            problem: e.message(),
        };
        match raw {
            Value::Null => Ok(None),
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(d), _, _) => Self::new(d).map(Some).map_err(fault),
                (None, Some(_), _) => Err(fault(MoneyError::Negative)),
                (None, None, Some(f)) if f < 0.0 => Err(fault(MoneyError::Negative)),
                (None, None, Some(f)) if f.fract() != 0.0 => Err(fault(MoneyError::Fraction)),
                _ => Err(fault(MoneyError::TooLarge)),
            },
            Value::String(s) if s.trim().is_empty() => Ok(None),
            Value::String(s) => s.parse().map(Some).map_err(fault),
            _ => Err(Fault::of(ErrorCode::WrongType)),
        }
    }
}

impl fmt::Display for Money {
    /// Digits in groups of three with dots: `1.500.000`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(c);
        }
        f.write_str(&out)
    }
}

impl FromStr for Money {
    type Err = MoneyError;

    /// Reads `1500000`, `1.500.000`, `1 500 000`, each optionally followed
    /// by `đ`, `đồng`, `VND` or `VNĐ`; a comma starts a fraction, refused.
    fn from_str(s: &str) -> Result<Self, MoneyError> {
        let t = s.trim();
        if t.chars().count() > 40 {
            let digits = t
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ' ');
            return Err(if digits {
                MoneyError::TooLarge
            } else {
                MoneyError::NotAnAmount
            });
        }
        let lower = t.to_lowercase();
        let body = ["đồng", "vnđ", "vnd", "đ"]
            .iter()
            .find_map(|unit| lower.strip_suffix(unit))
            .unwrap_or(&lower)
            .trim_end();
        if let Some(rest) = body.strip_prefix('-') {
            return if rest.trim_start().starts_with(|c: char| c.is_ascii_digit()) {
                Err(MoneyError::Negative)
            } else {
                Err(MoneyError::NotAnAmount)
            };
        }
        let (whole, fraction) = match body.split_once(',') {
            Some((w, f)) => (w, Some(f)),
            None => (body, None),
        };
        if let Some(f) = fraction {
            // "1.500,00" is a whole amount written with its cents.
            if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                return Err(MoneyError::NotAnAmount);
            }
            if f.bytes().any(|b| b != b'0') {
                return Err(MoneyError::Fraction);
            }
        }
        if whole.is_empty()
            || !whole
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b' ')
        {
            return Err(MoneyError::NotAnAmount);
        }
        let groups: Vec<&str> = whole.split(['.', ' ']).collect();
        let grouped = groups.len() == 1
            || (!(whole.contains('.') && whole.contains(' '))
                && (1..=3).contains(&groups[0].len())
                && groups[1..].iter().all(|g| g.len() == 3));
        if !grouped {
            return Err(MoneyError::BadGrouping);
        }
        let digits: String = groups.concat();
        if digits.len() > 15 {
            return Err(MoneyError::TooLarge);
        }
        let dong = digits.parse().map_err(|_| MoneyError::NotAnAmount)?;
        Self::new(dong)
    }
}

/// The rules of a `money` field: bounds in đồng.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MoneyRules {
    /// Smallest amount.
    pub min: Option<Money>,
    /// Largest amount.
    pub max: Option<Money>,
}

impl MoneyRules {
    pub(crate) fn check(&self, c: &mut Checker<'_>, path: &str) {
        if let (Some(a), Some(b)) = (self.min, self.max)
            && a > b
        {
            c.bad(format!("{path}.min"), format!("min {a} is above max {b}"));
        }
    }

    pub(crate) fn normalize(&self, raw: &Value) -> Result<Option<Value>, Fault> {
        let Some(m) = Money::from_json(raw)? else {
            return Ok(None);
        };
        if let Some(min) = self.min
            && m < min
        {
            return Err(Fault::new(
                ErrorCode::TooSmall,
                format!("ít nhất là {min} đồng"),
                format!("the smallest allowed is {min} đồng"),
            ));
        }
        if let Some(max) = self.max
            && m > max
        {
            return Err(Fault::new(
                ErrorCode::TooLarge,
                format!("nhiều nhất là {max} đồng"),
                format!("the largest allowed is {max} đồng"),
            ));
        }
        Ok(Some(Value::from(m.dong())))
    }

    pub(crate) fn json_schema(&self) -> Value {
        json!({
            "type": "integer",
            "minimum": self.min.map_or(0, Money::dong),
            "maximum": self.max.map_or(MAX_MONEY, Money::dong),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<u64, MoneyError> {
        s.parse::<Money>().map(Money::dong)
    }

    #[test]
    fn reads_amounts_as_people_type_them() {
        for (text, dong) in [
            ("0", 0),
            ("1500000", 1_500_000),
            ("1.500.000", 1_500_000),
            ("1 500 000", 1_500_000),
            (" 1.500.000 đ ", 1_500_000),
            ("1.500.000đ", 1_500_000),
            ("1.500.000 đồng", 1_500_000),
            ("2.000.000.000 VND", 2_000_000_000),
            ("500 VNĐ", 500),
            ("1.500.000,00", 1_500_000),
            ("999.999.999.999.999", MAX_MONEY),
        ] {
            assert_eq!(parse(text), Ok(dong), "{text:?}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_amount_with_the_reason() {
        for (text, why) in [
            ("", MoneyError::NotAnAmount),
            ("abc", MoneyError::NotAnAmount),
            ("1,5", MoneyError::Fraction),
            ("1.500,50", MoneyError::Fraction),
            ("1,", MoneyError::NotAnAmount),
            ("1.5", MoneyError::BadGrouping),
            ("1.50.000", MoneyError::BadGrouping),
            ("1500.000.000", MoneyError::BadGrouping),
            (".500", MoneyError::BadGrouping),
            ("1.500 000", MoneyError::BadGrouping),
            ("1..500", MoneyError::BadGrouping),
            ("-5", MoneyError::Negative),
            ("- 5", MoneyError::Negative),
            ("-x", MoneyError::NotAnAmount),
            ("+5", MoneyError::NotAnAmount),
            ("1000000000000000", MoneyError::TooLarge),
            ("1.000.000.000.000.000", MoneyError::TooLarge),
            ("5 USD", MoneyError::NotAnAmount),
            ("١٢", MoneyError::NotAnAmount),
        ] {
            assert_eq!(parse(text), Err(why), "{text:?}");
        }
        let long = "9".repeat(100_000);
        assert_eq!(parse(&long), Err(MoneyError::TooLarge));
    }

    #[test]
    fn writes_dots_between_groups_and_reads_in_words() {
        for (dong, grouped, words) in [
            (0, "0", "không đồng"),
            (500, "500", "năm trăm đồng"),
            (1_000, "1.000", "một nghìn đồng"),
            (1_500_000, "1.500.000", "một triệu năm trăm nghìn đồng"),
            (2_000_000_000, "2.000.000.000", "hai tỷ đồng"),
            (
                10_005_000,
                "10.005.000",
                "mười triệu không trăm linh năm nghìn đồng",
            ),
        ] {
            let m = Money::new(dong).unwrap();
            assert_eq!(m.to_string(), grouped);
            assert_eq!(m.words(), words);
            assert_eq!(parse(grouped), Ok(dong), "round trip {grouped}");
        }
        assert_eq!(Money::new(MAX_MONEY + 1), Err(MoneyError::TooLarge));
    }

    #[test]
    fn a_json_value_is_whole_non_negative_dong() {
        let rules = MoneyRules::default();
        assert_eq!(rules.normalize(&json!(1500000)), Ok(Some(json!(1500000))));
        assert_eq!(
            rules.normalize(&json!("1.500.000")),
            Ok(Some(json!(1500000)))
        );
        assert_eq!(rules.normalize(&json!("  ")), Ok(None));
        assert_eq!(rules.normalize(&Value::Null), Ok(None));
        for bad in [
            json!(-1),
            json!(1.5),
            json!(-0.5),
            json!(1e300),
            json!("1,5"),
        ] {
            assert_eq!(
                rules.normalize(&bad).map_err(|f| f.code),
                Err(ErrorCode::InvalidAmount),
                "{bad}"
            );
        }
        assert_eq!(
            rules.normalize(&json!(true)).map_err(|f| f.code),
            Err(ErrorCode::WrongType)
        );
        let bounded = MoneyRules {
            min: Some(Money::new(1_000).unwrap()),
            max: Some(Money::new(10_000).unwrap()),
        };
        assert_eq!(
            bounded.normalize(&json!(999)).map_err(|f| f.code),
            Err(ErrorCode::TooSmall)
        );
        assert_eq!(
            bounded.normalize(&json!("10.001")).map_err(|f| f.code),
            Err(ErrorCode::TooLarge)
        );
        assert_eq!(bounded.normalize(&json!("10.000")), Ok(Some(json!(10000))));
    }
}
