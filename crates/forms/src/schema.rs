//! The form part of a procedure schema: sections, fields, groups, rules.
//! `docs/procedure-schema.md` is the reference; these types mirror it.

use serde::{Deserialize, Serialize};

use crate::copy::CopyFrom;
use crate::i18n::LocalizedText;
use crate::logic::Logic;

/// A step of the form (GOV.UK: one section per page), holding fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Identifier, unique among sections.
    pub id: String,
    /// Heading of the step.
    pub title: LocalizedText,
    /// Guidance shown under the heading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<LocalizedText>,
    /// When the whole section is shown; absent means always. May only use
    /// fields of earlier sections.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible: Option<Logic>,
    /// The fields, in order.
    pub fields: Vec<Field>,
    /// "Same as …" offers filling this section's fields from earlier answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copy_from: Vec<CopyFrom>,
}

/// The type of a field; wire spelling in `snake_case`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Several lines of text.
    LongText,
    /// A number; `integer`, `min`, `max` apply.
    Number,
    /// A calendar date typed dd/mm/yyyy; stored `yyyy-mm-dd`.
    Date,
    /// Yes or no; stored as a JSON boolean.
    YesNo,
    /// One of `options`; stored as the option's `value`.
    Choice,
    /// Any of `options`; stored as an array of values.
    MultiChoice,
    /// An e-mail address.
    Email,
    /// A Vietnamese mobile phone number; stored `0xxxxxxxxx`.
    Phone,
    /// A personal identification number (CCCD), 12 digits.
    PersonalId,
    /// A tax code: 10 digits, `NNNNNNNNNN-NNN`, or a 12-digit personal id.
    TaxCode,
    /// A province and a commune: `{"province": "01", "commune": "00004"}`.
    AdminUnit,
    /// A unit and a street line: `{"province", "commune", "street"}`.
    Address,
    /// A person's full name.
    PersonName,
    /// A group of fields; with `repeatable`, a table of rows.
    Group,
}

impl FieldKind {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::LongText => "long_text",
            Self::Number => "number",
            Self::Date => "date",
            Self::YesNo => "yes_no",
            Self::Choice => "choice",
            Self::MultiChoice => "multi_choice",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::PersonalId => "personal_id",
            Self::TaxCode => "tax_code",
            Self::AdminUnit => "admin_unit",
            Self::Address => "address",
            Self::PersonName => "person_name",
            Self::Group => "group",
        }
    }

    /// The `inputmode` a browser should use for this kind's text box, if any.
    pub fn input_mode(self) -> Option<&'static str> {
        match self {
            Self::Number | Self::PersonalId | Self::TaxCode | Self::Date => Some("numeric"),
            Self::Phone => Some("tel"),
            Self::Email => Some("email"),
            Self::Text | Self::LongText | Self::PersonName => Some("text"),
            _ => None,
        }
    }
}

/// One option of a choice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    /// The stored value, unique within the field.
    pub value: String,
    /// What the applicant sees.
    pub label: LocalizedText,
}

/// A field (or a group of fields). Properties that do not apply to the
/// field's `type` are refused when the schema loads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Identifier, unique in the whole procedure: the key in form data and
    /// the name in expressions. `[a-z][a-z0-9_]*`.
    pub id: String,
    /// The type.
    #[serde(rename = "type")]
    pub kind: FieldKind,
    /// The question.
    pub label: LocalizedText,
    /// Help shown under the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<LocalizedText>,
    /// Whether an answer is needed: `true`, `false` (the default) or a
    /// condition.
    #[serde(default = "Logic::never", skip_serializing_if = "Logic::is_never")]
    pub required: Logic,
    /// When the field is shown; absent means always. Hidden fields are
    /// neither validated nor submitted. May only use earlier fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible: Option<Logic>,
    /// Makes the field read-only, its value computed by this expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compute: Option<Logic>,

    /// `text`, `long_text`, `person_name`: fewest characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    /// `text`, `long_text`, `person_name`: most characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// `text`: a regular expression the whole answer must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// `text`: what to say when `pattern` does not match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern_message: Option<LocalizedText>,
    /// `number`: smallest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// `number`: largest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// `number`: whole numbers only.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub integer: bool,
    /// `number`: unit shown after the box ("m²", "đồng").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<LocalizedText>,
    /// `date`: earliest day, `yyyy-mm-dd` or `today`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_date: Option<String>,
    /// `date`: latest day, `yyyy-mm-dd` or `today`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_date: Option<String>,
    /// `choice`, `multi_choice`: the options.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
    /// `multi_choice`: fewest options to pick.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_selected: Option<u32>,
    /// `multi_choice`: most options to pick.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_selected: Option<u32>,
    /// `personal_id`: the field holding the holder's date of birth (a `date`)
    /// or year of birth (an integer `number`), checked against digits 4–6.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date_field: Option<String>,
    /// `personal_id`: the field holding the holder's sex (a `choice` with
    /// options `male` and `female`), checked against digit 4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex_field: Option<String>,
    /// `personal_id`: the holder's sex where the form knows it without
    /// asking: an expression giving `"male"` or `"female"` (a literal for a
    /// role, `"female"` for a mother; a condition on a relationship for a
    /// requester), checked against digit 4. Any other value means unknown.
    /// Not together with `sex_field`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Logic>,
    /// `personal_id`: who holds the number ("người mẹ" / "the mother"),
    /// named in the messages about its digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<LocalizedText>,
    /// `tax_code`: which forms are accepted; all by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_code_kinds: Option<Vec<TaxCodeKind>>,
    /// `group`: the fields of the group (or of each row).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Self>,
    /// `group`: a table of rows (an array of objects in form data).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub repeatable: bool,
    /// `group` with `repeatable`: fewest rows (when the group is shown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_rows: Option<u32>,
    /// `group` with `repeatable`: most rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rows: Option<u32>,
    /// `group` with `repeatable`: label of one row ("Thành viên", "Member").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_label: Option<LocalizedText>,
    /// `group` with `repeatable`: rules checked on each row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// A plain `group`: "same as …" offers filling its fields from earlier
    /// answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copy_from: Vec<CopyFrom>,
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

/// A cross-field rule: `check` must hold, else `message` is reported on
/// the fields named in `fields`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Identifier, unique among rules; the error `rule` in reports.
    pub id: String,
    /// The rule is checked only when this holds; absent means always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Logic>,
    /// What must hold.
    pub check: Logic,
    /// Where to report a failure: field ids, first is the main one. At least one.
    pub fields: Vec<String>,
    /// What to tell the applicant.
    pub message: LocalizedText,
}

impl Field {
    /// Whether this field is a repeatable group.
    pub fn is_table(&self) -> bool {
        self.kind == FieldKind::Group && self.repeatable
    }

    /// Whether the value is computed rather than entered.
    pub fn is_computed(&self) -> bool {
        self.compute.is_some()
    }

    /// The label of an option value, for review pages.
    pub fn option_label(&self, value: &str) -> Option<&LocalizedText> {
        self.options
            .iter()
            .find(|o| o.value == value)
            .map(|o| &o.label)
    }

    /// A blank field of `kind`, for building schemas in code.
    pub fn new(id: impl Into<String>, kind: FieldKind, label: LocalizedText) -> Self {
        Self {
            id: id.into(),
            kind,
            label,
            hint: None,
            required: Logic::never(),
            visible: None,
            compute: None,
            min_length: None,
            max_length: None,
            pattern: None,
            pattern_message: None,
            min: None,
            max: None,
            integer: false,
            suffix: None,
            min_date: None,
            max_date: None,
            options: Vec::new(),
            min_selected: None,
            max_selected: None,
            birth_date_field: None,
            sex_field: None,
            sex: None,
            holder: None,
            tax_code_kinds: None,
            fields: Vec::new(),
            repeatable: false,
            min_rows: None,
            max_rows: None,
            row_label: None,
            rules: Vec::new(),
            copy_from: Vec::new(),
        }
    }
}

/// Walks fields depth-first in form order, with the path of repeatable
/// groups enclosing each (innermost last).
pub(crate) fn walk_fields<'a>(
    fields: &'a [Field],
    tables: &mut Vec<&'a str>,
    f: &mut impl FnMut(&'a Field, &[&'a str]),
) {
    for field in fields {
        f(field, tables);
        if field.kind == FieldKind::Group {
            if field.repeatable {
                tables.push(&field.id);
            }
            walk_fields(&field.fields, tables, f);
            if field.repeatable {
                tables.pop();
            }
        }
    }
}
