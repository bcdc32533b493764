//! Field kinds as types. Each kind of field owns, in its own module, the
//! schema properties it takes (its *rules*), their check when a schema
//! loads, the normalization of a value when a form is evaluated, and its
//! JSON Schema. [`FieldKind`] ties them together; in the procedure JSON it
//! is the field's `type` and the properties sit beside it (see
//! `docs/procedure-schema.md`).
//!
//! To add a kind: one module here, one variant of [`FieldKind`], then the
//! compiler lists every `match` to extend (there is no `_` arm over kinds,
//! here or in the app), and one widget in the app.

mod choice;
mod date;
mod group;
mod ids;
mod money;
mod number;
mod text;
mod unit;
pub(crate) mod wire;

use serde_json::Value;

pub use choice::{ChoiceOption, ChoiceRules, MultiChoiceRules};
pub use date::{DateBound, DateRules};
pub use group::{GroupRules, TableRules};
pub use ids::{PersonalIdRules, TaxCodeKind, TaxCodeRules};
pub use money::{MAX_MONEY, Money, MoneyError, MoneyRules};
pub use number::NumberRules;
pub use text::{LengthRules, TextRules};

pub(crate) use ids::personal_id_fault;

use crate::check::Checker;
use crate::form::Env;
use crate::messages::Fault;

/// The type of a field with the rules of that type; wire spelling of the
/// tag in `snake_case`.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    /// One line of text.
    Text(TextRules),
    /// Several lines of text.
    LongText(LengthRules),
    /// A person's full name.
    PersonName(LengthRules),
    /// A number.
    Number(NumberRules),
    /// An amount of money in đồng, typed with digits grouped as Vietnamese
    /// write them (`1.500.000`); stored as a whole number of đồng.
    Money(MoneyRules),
    /// A calendar date typed dd/mm/yyyy; stored `yyyy-mm-dd`.
    Date(DateRules),
    /// Yes or no; stored as a JSON boolean.
    YesNo,
    /// One of the options; stored as the option's `value`.
    Choice(ChoiceRules),
    /// Any of the options; stored as an array of values.
    MultiChoice(MultiChoiceRules),
    /// An e-mail address.
    Email,
    /// A Vietnamese mobile phone number; stored `0xxxxxxxxx`.
    Phone,
    /// A personal identification number (CCCD), 12 digits.
    PersonalId(PersonalIdRules),
    /// A tax code: 10 digits, `NNNNNNNNNN-NNN`, or a 12-digit personal id.
    TaxCode(TaxCodeRules),
    /// A province and a commune: `{"province": "01", "commune": "00004"}`.
    AdminUnit,
    /// A unit and a street line: `{"province", "commune", "street"}`.
    Address,
    /// A group of fields; with a table, rows of them.
    Group(GroupRules),
}

impl FieldKind {
    /// The wire spelling of the `type`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Text(_) => "text",
            Self::LongText(_) => "long_text",
            Self::PersonName(_) => "person_name",
            Self::Number(_) => "number",
            Self::Money(_) => "money",
            Self::Date(_) => "date",
            Self::YesNo => "yes_no",
            Self::Choice(_) => "choice",
            Self::MultiChoice(_) => "multi_choice",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::PersonalId(_) => "personal_id",
            Self::TaxCode(_) => "tax_code",
            Self::AdminUnit => "admin_unit",
            Self::Address => "address",
            Self::Group(_) => "group",
        }
    }

    /// The `inputmode` a browser should use for this kind's text box, if it
    /// has one.
    pub fn input_mode(&self) -> Option<&'static str> {
        match self {
            Self::Number(_)
            | Self::Money(_)
            | Self::PersonalId(_)
            | Self::TaxCode(_)
            | Self::Date(_) => Some("numeric"),
            Self::Phone => Some("tel"),
            Self::Email => Some("email"),
            Self::Text(_) | Self::LongText(_) | Self::PersonName(_) => Some("text"),
            Self::YesNo
            | Self::Choice(_)
            | Self::MultiChoice(_)
            | Self::AdminUnit
            | Self::Address
            | Self::Group(_) => None,
        }
    }

    /// Whether a missing answer is "select …" rather than "enter …".
    pub fn is_selected(&self) -> bool {
        match self {
            Self::Choice(_) | Self::MultiChoice(_) | Self::YesNo | Self::AdminUnit => true,
            Self::Text(_)
            | Self::LongText(_)
            | Self::PersonName(_)
            | Self::Number(_)
            | Self::Money(_)
            | Self::Date(_)
            | Self::Email
            | Self::Phone
            | Self::PersonalId(_)
            | Self::TaxCode(_)
            | Self::Address
            | Self::Group(_) => false,
        }
    }

    /// Checks the kind's own rules when a schema loads.
    pub(crate) fn check(&self, c: &mut Checker<'_>, path: &str, tables: &[String]) {
        match self {
            Self::Text(r) => r.check(c, path),
            Self::LongText(r) | Self::PersonName(r) => r.check(c, path),
            Self::Number(r) => r.check(c, path),
            Self::Money(r) => r.check(c, path),
            Self::Date(_) | Self::YesNo | Self::Email | Self::Phone => {}
            Self::Choice(r) => r.check(c, path),
            Self::MultiChoice(r) => r.check(c, path),
            Self::PersonalId(r) => r.check(c, path, tables),
            Self::TaxCode(r) => r.check(c, path),
            Self::AdminUnit | Self::Address => {}
            Self::Group(r) => r.check(c, path),
        }
    }

    /// Normalizes one raw value: `Ok(None)` when empty, the canonical value,
    /// or why it is refused. Groups hold no value of their own.
    pub(crate) fn normalize(&self, raw: &Value, env: &Env<'_>) -> Result<Option<Value>, Fault> {
        match self {
            Self::Text(r) => r.normalize(raw),
            Self::LongText(r) => r.normalize_long(raw),
            Self::PersonName(r) => r.normalize_name(raw),
            Self::Number(r) => r.normalize(raw),
            Self::Money(r) => r.normalize(raw),
            Self::Date(r) => r.normalize(raw, env),
            Self::YesNo => choice::yes_no(raw),
            Self::Choice(r) => r.normalize(raw),
            Self::MultiChoice(r) => r.normalize(raw),
            Self::Email => ids::email(raw),
            Self::Phone => ids::phone(raw),
            Self::PersonalId(_) => ids::personal_id(raw),
            Self::TaxCode(r) => r.normalize(raw),
            Self::AdminUnit => unit::normalize(raw, env, false),
            Self::Address => unit::normalize(raw, env, true),
            Self::Group(_) => Ok(None),
        }
    }

    /// The JSON Schema of a value of this kind (a group's is its rows').
    pub(crate) fn json_schema(&self) -> Value {
        match self {
            Self::Text(r) => r.json_schema(),
            Self::LongText(r) | Self::PersonName(r) => r.json_schema(),
            Self::Number(r) => r.json_schema(),
            Self::Money(r) => r.json_schema(),
            Self::Date(_) => date::json_schema(),
            Self::YesNo => serde_json::json!({"type": "boolean"}),
            Self::Choice(r) => r.json_schema(),
            Self::MultiChoice(r) => r.json_schema(),
            Self::Email => ids::email_schema(),
            Self::Phone => ids::phone_schema(),
            Self::PersonalId(_) => ids::personal_id_schema(),
            Self::TaxCode(r) => r.json_schema(),
            Self::AdminUnit => unit::json_schema(false),
            Self::Address => unit::json_schema(true),
            Self::Group(r) => r.json_schema(),
        }
    }
}

/// A string value trimmed, `None` when empty; the bound every text value
/// keeps whatever its schema says.
pub(crate) fn string_value(raw: &Value) -> Result<Option<&str>, Fault> {
    use crate::messages::ErrorCode;
    match raw {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) if s.chars().count() > MAX_VALUE_CHARS => Err(Fault::new(
            ErrorCode::TooLong,
            format!("nhiều nhất {MAX_VALUE_CHARS} ký tự"),
            format!("at most {MAX_VALUE_CHARS} characters"),
        )),
        Value::String(s) => Ok(Some(s.trim())),
        _ => Err(Fault::of(ErrorCode::WrongType)),
    }
}

/// Most characters in any text value, whatever the schema says.
pub(crate) const MAX_VALUE_CHARS: usize = 10_000;

/// A JSON Schema string with an anchored pattern.
pub(crate) fn string_schema(pattern: &str) -> Value {
    serde_json::json!({"type": "string", "pattern": pattern})
}
