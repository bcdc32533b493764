//! `email`, `phone`, `personal_id` and `tax_code`: Vietnamese identifiers,
//! parsed into their types from `crate::ids` and stored in canonical form.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{FieldKind, string_schema, string_value};
use crate::check::Checker;
use crate::error::{Error, PersonalIdFault, TaxCodeFault};
use crate::i18n::LocalizedText;
use crate::ids::{Email, MobilePhone, PersonalId, TaxCode};
use crate::logic::Logic;
use crate::messages::{ErrorCode, Fault};

/// The rules of a `personal_id` field: who holds it, and the fields its
/// digits are checked against.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonalIdRules {
    /// The field holding the holder's date of birth (a `date`) or year of
    /// birth (an integer `number`), checked against digits 4–6.
    pub birth_date_field: Option<String>,
    /// The field holding the holder's sex (a `choice` with options `male`
    /// and `female`), checked against digit 4.
    pub sex_field: Option<String>,
    /// The holder's sex where the form knows it without asking: an
    /// expression giving `"male"` or `"female"` (a literal for a role,
    /// `"female"` for a mother; a condition on a relationship for a
    /// requester), checked against digit 4. Any other value means unknown.
    /// Not together with `sex_field`.
    pub sex: Option<Logic>,
    /// Who holds the number ("người mẹ" / "the mother"), named in the
    /// messages about its digits.
    pub holder: Option<LocalizedText>,
}

/// Forms of tax code a `tax_code` field accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxCodeKind {
    /// 10 digits.
    Main,
    /// 13 digits `NNNNNNNNNN-NNN`.
    Branch,
    /// A 12-digit personal id.
    Personal,
}

/// The rules of a `tax_code` field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaxCodeRules {
    /// Which forms are accepted; all when absent.
    pub kinds: Option<Vec<TaxCodeKind>>,
}

impl PersonalIdRules {
    pub(crate) fn check(&self, c: &mut Checker<'_>, path: &str, tables: &[String]) {
        if let Some(h) = &self.holder {
            c.text(h, &format!("{path}.holder"));
        }
        if let Some(sex) = &self.sex {
            if self.sex_field.is_some() {
                c.bad(
                    format!("{path}.sex"),
                    "sex and sex_field cannot both be set",
                );
            }
            // A constant must be one of the two sexes; an expression is
            // checked like any other (its result is judged when evaluated).
            if !sex.0.is_object() && !matches!(sex.0.as_str(), Some("male" | "female")) {
                c.bad(
                    format!("{path}.sex"),
                    "sex is \"male\", \"female\" or an expression giving one of them",
                );
            }
            c.expr(sex, &format!("{path}.sex"), tables, None);
        }
        c.holder_ref(
            self.birth_date_field.as_deref(),
            &format!("{path}.birth_date_field"),
            tables,
            |hf| match &hf.kind {
                FieldKind::Date(_) => true,
                FieldKind::Number(n) => n.integer,
                _ => false,
            },
            "a date or an integer number (year) field",
        );
        c.holder_ref(
            self.sex_field.as_deref(),
            &format!("{path}.sex_field"),
            tables,
            |hf| matches!(&hf.kind, FieldKind::Choice(choice) if choice.is_sex()),
            "a choice field with options \"male\" and \"female\"",
        );
    }
}

impl TaxCodeRules {
    pub(crate) fn check(&self, c: &mut Checker<'_>, path: &str) {
        if self.kinds.as_ref().is_some_and(Vec::is_empty) {
            c.bad(
                format!("{path}.tax_code_kinds"),
                "tax_code_kinds lists at least one kind",
            );
        }
    }

    pub(crate) fn normalize(&self, raw: &Value) -> Result<Option<Value>, Fault> {
        let Some(s) = string_value(raw)? else {
            return Ok(None);
        };
        let code = match s.parse::<TaxCode>() {
            Ok(c) => c,
            Err(Error::TaxCode {
                fault: TaxCodeFault::Checksum,
                ..
            }) => return Err(Fault::of(ErrorCode::TaxCodeChecksum)),
            Err(Error::TaxCode {
                fault: TaxCodeFault::PersonalId(f),
                ..
            }) => return Err(personal_id_fault(f)),
            Err(_) => return Err(Fault::of(ErrorCode::InvalidTaxCode)),
        };
        let kind = match code {
            TaxCode::Main(_) => TaxCodeKind::Main,
            TaxCode::Branch(_) => TaxCodeKind::Branch,
            TaxCode::Personal(_) => TaxCodeKind::Personal,
        };
        if self.kinds.as_ref().is_some_and(|k| !k.contains(&kind)) {
            return Err(Fault::of(ErrorCode::InvalidTaxCode));
        }
        Ok(Some(Value::String(code.to_string())))
    }

    pub(crate) fn json_schema(&self) -> Value {
        const ALL: [TaxCodeKind; 3] = [
            TaxCodeKind::Main,
            TaxCodeKind::Branch,
            TaxCodeKind::Personal,
        ];
        let alts: Vec<&str> = self
            .kinds
            .as_deref()
            .unwrap_or(&ALL)
            .iter()
            .map(|k| match k {
                TaxCodeKind::Main => "[0-9]{10}",
                TaxCodeKind::Branch => "[0-9]{10}-[0-9]{3}",
                TaxCodeKind::Personal => "[0-9]{12}",
            })
            .collect();
        string_schema(&format!("^(?:{})$", alts.join("|")))
    }
}

pub(crate) fn email(raw: &Value) -> Result<Option<Value>, Fault> {
    let Some(s) = string_value(raw)? else {
        return Ok(None);
    };
    let e: Email = s.parse().map_err(|_| Fault::of(ErrorCode::InvalidEmail))?;
    Ok(Some(Value::String(e.as_str().to_owned())))
}

pub(crate) fn phone(raw: &Value) -> Result<Option<Value>, Fault> {
    let Some(s) = string_value(raw)? else {
        return Ok(None);
    };
    let p: MobilePhone = s.parse().map_err(|_| Fault::of(ErrorCode::InvalidPhone))?;
    Ok(Some(Value::String(p.as_str().to_owned())))
}

/// The number's own shape; its holder is checked once the form is
/// normalized (`form::run`), since that needs other fields.
pub(crate) fn personal_id(raw: &Value) -> Result<Option<Value>, Fault> {
    let Some(s) = string_value(raw)? else {
        return Ok(None);
    };
    match s.parse::<PersonalId>() {
        Ok(id) => Ok(Some(Value::String(id.as_str().to_owned()))),
        Err(Error::PersonalId { fault, .. }) => Err(personal_id_fault(fault)),
        Err(_) => Err(Fault::of(ErrorCode::InvalidPersonalId)),
    }
}

pub(crate) fn email_schema() -> Value {
    serde_json::json!({"type": "string", "format": "email", "maxLength": 254})
}

pub(crate) fn phone_schema() -> Value {
    string_schema("^0[35789][0-9]{8}$")
}

pub(crate) fn personal_id_schema() -> Value {
    string_schema("^[0-9]{12}$")
}

pub(crate) fn personal_id_fault(fault: PersonalIdFault) -> Fault {
    match fault {
        PersonalIdFault::Length(_) | PersonalIdFault::NotDigits => {
            Fault::of(ErrorCode::InvalidPersonalId)
        }
        PersonalIdFault::UnknownPlace(_) => Fault::of(ErrorCode::PersonalIdPlace),
        PersonalIdFault::FutureBirthYear(y) => Fault::new(
            ErrorCode::PersonalIdBirthYear,
            format!("chữ số thứ 4 đến 6 cho năm sinh {y}, là năm chưa tới"),
            format!("digits 4 to 6 give birth year {y}, which has not come yet"),
        ),
        PersonalIdFault::BirthYearMismatch { encoded, declared } => Fault::new(
            ErrorCode::PersonalIdBirthYear,
            format!(
                "chữ số thứ 4 đến 6 cho năm sinh {encoded}, nhưng năm sinh đã khai là {declared}"
            ),
            format!(
                "digits 4 to 6 give birth year {encoded}, but the year of birth declared is {declared}"
            ),
        ),
        PersonalIdFault::SexMismatch => Fault::of(ErrorCode::PersonalIdSex),
    }
}
