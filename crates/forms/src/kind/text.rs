//! `text`, `long_text` and `person_name`: free text with length bounds, and
//! for one-line text a pattern.

use std::cell::RefCell;
use std::collections::HashMap;

use regex_lite::Regex;
use serde_json::{Value, json};

use super::MAX_VALUE_CHARS;
use crate::check::{Checker, MAX_PATTERN_CHARS, compile_pattern};
use crate::error::SchemaProblem;
use crate::i18n::LocalizedText;
use crate::messages::{ErrorCode, Fault};

/// Length bounds in characters (`min_length`, `max_length`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LengthRules {
    /// Fewest characters.
    pub min_length: Option<u32>,
    /// Most characters.
    pub max_length: Option<u32>,
}

/// The rules of a `text` field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextRules {
    /// Length bounds.
    pub length: LengthRules,
    /// A regular expression the whole answer must match.
    pub pattern: Option<String>,
    /// What to say when `pattern` does not match.
    pub pattern_message: Option<LocalizedText>,
}

impl LengthRules {
    pub(crate) fn check(&self, c: &mut Checker<'_>, path: &str) {
        if let (Some(a), Some(b)) = (self.min_length, self.max_length)
            && a > b
        {
            c.bad(
                format!("{path}.min_length"),
                format!("min_length {a} is above max_length {b}"),
            );
        }
    }

    /// The trimmed text within bounds, `None` when empty.
    fn value(&self, raw: &Value, clean: impl Fn(&str) -> String) -> Result<Option<String>, Fault> {
        let s = match raw {
            Value::Null => return Ok(None),
            Value::String(s) => s,
            _ => return Err(Fault::of(ErrorCode::WrongType)),
        };
        let t = s.trim();
        if t.is_empty() {
            return Ok(None);
        }
        let t = clean(t);
        let n = t.chars().count();
        let max = self
            .max_length
            .map_or(MAX_VALUE_CHARS, |m| (m as usize).min(MAX_VALUE_CHARS));
        if n > max {
            return Err(Fault::new(
                ErrorCode::TooLong,
                format!("nhiều nhất {max} ký tự, đang có {n}"),
                format!("at most {max} characters, found {n}"),
            ));
        }
        if let Some(min) = self.min_length
            && n < min as usize
        {
            return Err(Fault::new(
                ErrorCode::TooShort,
                format!("ít nhất {min} ký tự"),
                format!("at least {min} characters"),
            ));
        }
        Ok(Some(t))
    }

    /// Several lines: Windows line ends made `\n`.
    pub(crate) fn normalize_long(&self, raw: &Value) -> Result<Option<Value>, Fault> {
        Ok(self
            .value(raw, |t| t.replace("\r\n", "\n"))?
            .map(Value::String))
    }

    /// A person's name: inner spaces collapsed; letters (any script, with
    /// combining marks), spaces and `'’-.` only.
    pub(crate) fn normalize_name(&self, raw: &Value) -> Result<Option<Value>, Fault> {
        let Some(t) = self.value(raw, |t| t.split_whitespace().collect::<Vec<_>>().join(" "))?
        else {
            return Ok(None);
        };
        let ok = t.chars().all(|c| {
            c.is_alphabetic()
                || matches!(c, ' ' | '\'' | '-' | '.' | '’')
                || ('\u{300}'..='\u{36f}').contains(&c)
        });
        if ok {
            Ok(Some(Value::String(t)))
        } else {
            Err(Fault::of(ErrorCode::InvalidName))
        }
    }

    pub(crate) fn json_schema(&self) -> Value {
        let mut s = json!({"type": "string", "minLength": self.min_length.unwrap_or(1).max(1)});
        if let Some(max) = self.max_length {
            s["maxLength"] = json!(max);
        }
        s
    }
}

impl TextRules {
    pub(crate) fn check(&self, c: &mut Checker<'_>, path: &str) {
        self.length.check(c, path);
        if self.pattern.is_none() && self.pattern_message.is_some() {
            c.bad(
                format!("{path}.pattern_message"),
                "pattern_message does not apply to a text field without a pattern",
            );
        }
        if let Some(m) = &self.pattern_message {
            c.text(m, &format!("{path}.pattern_message"));
        }
        if let Some(p) = &self.pattern {
            let n = p.chars().count();
            if n > MAX_PATTERN_CHARS {
                c.fail(
                    format!("{path}.pattern"),
                    SchemaProblem::TooMany {
                        what: "characters in a pattern",
                        found: n,
                        limit: MAX_PATTERN_CHARS,
                    },
                );
            } else if let Err(e) = compile_pattern(p) {
                c.fail(
                    format!("{path}.pattern"),
                    SchemaProblem::BadPattern {
                        pattern: p.clone(),
                        reason: e.to_string(),
                    },
                );
            }
        }
    }

    pub(crate) fn normalize(&self, raw: &Value) -> Result<Option<Value>, Fault> {
        let Some(t) = self.length.value(raw, str::to_owned)? else {
            return Ok(None);
        };
        if let Some(p) = &self.pattern {
            // Checked at load; a failure to compile here cannot happen.
            if pattern_matches(p, &t) == Some(false) {
                return Err(match &self.pattern_message {
                    Some(m) => Fault {
                        code: ErrorCode::PatternMismatch,
                        problem: m.clone(),
                    },
                    None => Fault::new(
                        ErrorCode::PatternMismatch,
                        "không đúng định dạng yêu cầu",
                        "not in the format required",
                    ),
                });
            }
        }
        Ok(Some(Value::String(t)))
    }

    pub(crate) fn json_schema(&self) -> Value {
        let mut s = self.length.json_schema();
        if let Some(p) = &self.pattern {
            s["pattern"] = json!(format!("^(?:{p})$"));
        }
        s
    }
}

thread_local! {
    /// Compiled patterns by source: compiling costs far more than matching,
    /// and a form is evaluated on every change. Bounded; cleared when full.
    static PATTERNS: RefCell<HashMap<String, Regex>> = RefCell::new(HashMap::new());
}

/// Whether `text` matches the schema pattern `pattern` (anchored), or
/// `None` if it does not compile.
fn pattern_matches(pattern: &str, text: &str) -> Option<bool> {
    PATTERNS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if !cache.contains_key(pattern) {
            if cache.len() >= 512 {
                cache.clear();
            }
            cache.insert(pattern.to_owned(), compile_pattern(pattern).ok()?);
        }
        cache.get(pattern).map(|re| re.is_match(text))
    })
}
