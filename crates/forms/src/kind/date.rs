//! `date`: a calendar day typed dd/mm/yyyy, stored `yyyy-mm-dd`, between
//! optional bounds.

use std::fmt;

use serde_json::{Value, json};

use super::string_value;
use crate::date::Date;
use crate::form::Env;
use crate::messages::{ErrorCode, Fault};

/// A bound of a date field: a fixed day, or the day the form is filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateBound {
    /// This day (`yyyy-mm-dd` on the wire).
    Day(Date),
    /// Today in Vietnam (`"today"` on the wire).
    Today,
}

impl DateBound {
    /// Reads the wire spelling: `yyyy-mm-dd` or `today`.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        if s == "today" {
            return Some(Self::Today);
        }
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' {
            return None;
        }
        s.parse().ok().map(Self::Day)
    }

    fn resolve(self, env: &Env<'_>) -> Date {
        match self {
            Self::Day(d) => d,
            Self::Today => env.today,
        }
    }
}

impl fmt::Display for DateBound {
    /// The wire spelling.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Day(d) => f.write_str(&d.iso()),
            Self::Today => f.write_str("today"),
        }
    }
}

/// The rules of a `date` field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DateRules {
    /// Earliest day.
    pub min_date: Option<DateBound>,
    /// Latest day.
    pub max_date: Option<DateBound>,
}

impl DateRules {
    pub(crate) fn normalize(&self, raw: &Value, env: &Env<'_>) -> Result<Option<Value>, Fault> {
        let Some(s) = string_value(raw)? else {
            return Ok(None);
        };
        let d: Date = s.parse().map_err(|_| Fault::of(ErrorCode::InvalidDate))?;
        if let Some(min) = self.min_date.map(|b| b.resolve(env))
            && d < min
        {
            return Err(Fault::new(
                ErrorCode::DateTooEarly,
                format!("ngày không được trước {min}"),
                format!("the date must not be before {min}"),
            ));
        }
        if let Some(bound) = self.max_date
            && d > bound.resolve(env)
        {
            return Err(match bound {
                DateBound::Today => Fault::new(
                    ErrorCode::DateTooLate,
                    "ngày không được sau hôm nay",
                    "the date must not be after today",
                ),
                DateBound::Day(max) => Fault::new(
                    ErrorCode::DateTooLate,
                    format!("ngày không được sau {max}"),
                    format!("the date must not be after {max}"),
                ),
            });
        }
        Ok(Some(Value::String(d.iso())))
    }
}

pub(crate) fn json_schema() -> Value {
    json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
}
