//! `number`: a number with bounds, whole or not, with a unit after the box.

use serde_json::{Value, json};

use crate::check::Checker;
use crate::i18n::LocalizedText;
use crate::messages::{ErrorCode, Fault};

/// The rules of a `number` field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NumberRules {
    /// Smallest value.
    pub min: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
    /// Whole numbers only.
    pub integer: bool,
    /// Unit shown after the box ("m²").
    pub suffix: Option<LocalizedText>,
}

impl NumberRules {
    pub(crate) fn check(&self, c: &mut Checker<'_>, path: &str) {
        if let (Some(a), Some(b)) = (self.min, self.max)
            && a > b
        {
            c.bad(format!("{path}.min"), format!("min {a} is above max {b}"));
        }
        if let Some(s) = &self.suffix {
            c.text(s, &format!("{path}.suffix"));
        }
    }

    /// Whether this asks for a year: whole numbers of four digits.
    pub fn is_year(&self) -> bool {
        matches!((self.min, self.max), (Some(min), Some(max))
            if self.integer && (1000.0..=9999.0).contains(&min) && (min..=9999.0).contains(&max))
    }

    pub(crate) fn normalize(&self, raw: &Value) -> Result<Option<Value>, Fault> {
        let n = match raw {
            Value::Null => return Ok(None),
            Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
            Value::String(s) => {
                let t = s.trim();
                if t.is_empty() {
                    return Ok(None);
                }
                let ok = {
                    let body = t.strip_prefix('-').unwrap_or(t);
                    let mut parts = body.splitn(2, ['.', ',']);
                    let int = parts.next().unwrap_or_default();
                    let frac = parts.next();
                    !int.is_empty()
                        && int.len() <= 15
                        && int.bytes().all(|b| b.is_ascii_digit())
                        && frac.is_none_or(|f| {
                            !f.is_empty() && f.len() <= 15 && f.bytes().all(|b| b.is_ascii_digit())
                        })
                };
                if !ok {
                    return Err(Fault::of(ErrorCode::NotANumber));
                }
                t.replace(',', ".").parse().unwrap_or(f64::NAN)
            }
            _ => return Err(Fault::of(ErrorCode::WrongType)),
        };
        if !n.is_finite() {
            return Err(Fault::of(ErrorCode::NotANumber));
        }
        if self.integer && n.fract() != 0.0 {
            return Err(Fault::of(ErrorCode::NotAnInteger));
        }
        // A field for a year: "95" is a year typed short, not a small number.
        if let (true, Some(min), Some(max)) = (self.is_year(), self.min, self.max)
            && (0.0..1000.0).contains(&n)
        {
            let example = 1995f64.clamp(min, max);
            return Err(Fault::new(
                ErrorCode::ShortYear,
                format!("nhập năm đủ bốn chữ số, ví dụ {example}"),
                format!("enter the year in four digits, for example {example}"),
            ));
        }
        if let Some(min) = self.min
            && n < min
        {
            return Err(Fault::new(
                ErrorCode::TooSmall,
                format!("nhỏ nhất là {min}"),
                format!("the smallest allowed is {min}"),
            ));
        }
        if let Some(max) = self.max
            && n > max
        {
            return Err(Fault::new(
                ErrorCode::TooLarge,
                format!("lớn nhất là {max}"),
                format!("the largest allowed is {max}"),
            ));
        }
        Ok(Some(if n.fract() == 0.0 && n.abs() < 9.0e15 {
            Value::from(n as i64)
        } else {
            serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
        }))
    }

    pub(crate) fn json_schema(&self) -> Value {
        let mut s = json!({"type": if self.integer { "integer" } else { "number" }});
        if let Some(min) = self.min {
            s["minimum"] = json!(min);
        }
        if let Some(max) = self.max {
            s["maximum"] = json!(max);
        }
        s
    }
}
