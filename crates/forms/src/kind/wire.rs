//! The field as the procedure JSON spells it: one flat object with a `type`
//! and the properties of every kind side by side. [`Field`] is read through
//! this shape so that a property that does not fit its kind is not a
//! parse error at some byte offset but a schema issue at its JSON path
//! (`$.sections[0].fields[2].pattern`), reported with every other issue.

use serde::{Deserialize, Serialize};

use super::{
    ChoiceOption, ChoiceRules, DateBound, DateRules, FieldKind, GroupRules, LengthRules, MAX_MONEY,
    Money, MoneyRules, MultiChoiceRules, NumberRules, PersonalIdRules, TableRules, TaxCodeKind,
    TaxCodeRules, TextRules,
};
use crate::copy::CopyFrom;
use crate::i18n::LocalizedText;
use crate::logic::Logic;
use crate::schema::{Field, Misfit, Rule};

/// The `type` of a field on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Tag {
    Text,
    LongText,
    PersonName,
    Number,
    Money,
    Date,
    YesNo,
    Choice,
    MultiChoice,
    Email,
    Phone,
    PersonalId,
    TaxCode,
    AdminUnit,
    Address,
    Group,
}

/// A field as written in the procedure JSON (`docs/procedure-schema.md`).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FieldWire {
    id: String,
    #[serde(rename = "type")]
    kind: Tag,
    label: LocalizedText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hint: Option<LocalizedText>,
    #[serde(default = "Logic::never", skip_serializing_if = "Logic::is_never")]
    required: Logic,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    visible: Option<Logic>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    compute: Option<Logic>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pattern: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pattern_message: Option<LocalizedText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max: Option<f64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    integer: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    suffix: Option<LocalizedText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_date: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    options: Vec<ChoiceOption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min_selected: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_selected: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    birth_date_field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sex_field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sex: Option<Logic>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    holder: Option<LocalizedText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tax_code_kinds: Option<Vec<TaxCodeKind>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    fields: Vec<Field>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    repeatable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min_rows: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_rows: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    row_label: Option<LocalizedText>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    rules: Vec<Rule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    copy_from: Vec<CopyFrom>,
}

impl FieldWire {
    fn blank(field: &Field, kind: Tag) -> Self {
        Self {
            id: field.id.clone(),
            kind,
            label: field.label.clone(),
            hint: field.hint.clone(),
            required: field.required.clone(),
            visible: field.visible.clone(),
            compute: field.compute.clone(),
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

    /// The kind-specific properties still set, by wire name.
    fn left_over(&self) -> Vec<&'static str> {
        [
            ("min_length", self.min_length.is_some()),
            ("max_length", self.max_length.is_some()),
            ("pattern", self.pattern.is_some()),
            ("pattern_message", self.pattern_message.is_some()),
            ("min", self.min.is_some()),
            ("max", self.max.is_some()),
            ("integer", self.integer),
            ("suffix", self.suffix.is_some()),
            ("min_date", self.min_date.is_some()),
            ("max_date", self.max_date.is_some()),
            ("options", !self.options.is_empty()),
            ("min_selected", self.min_selected.is_some()),
            ("max_selected", self.max_selected.is_some()),
            ("birth_date_field", self.birth_date_field.is_some()),
            ("sex_field", self.sex_field.is_some()),
            ("sex", self.sex.is_some()),
            ("holder", self.holder.is_some()),
            ("tax_code_kinds", self.tax_code_kinds.is_some()),
            ("fields", !self.fields.is_empty()),
            ("repeatable", self.repeatable),
            ("min_rows", self.min_rows.is_some()),
            ("max_rows", self.max_rows.is_some()),
            ("row_label", self.row_label.is_some()),
            ("rules", !self.rules.is_empty()),
            ("copy_from", !self.copy_from.is_empty()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect()
    }
}

fn length(w: &mut FieldWire) -> LengthRules {
    LengthRules {
        min_length: w.min_length.take(),
        max_length: w.max_length.take(),
    }
}

/// A money bound: whole đồng from 0 to [`MAX_MONEY`].
fn money(v: Option<f64>, name: &'static str, misfits: &mut Vec<Misfit>) -> Option<Money> {
    let v = v?;
    let dong = (v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= MAX_MONEY as f64)
        .then(|| Money::new(v as u64).ok())
        .flatten();
    if dong.is_none() {
        misfits.push(Misfit {
            property: name,
            problem: format!(
                "{name} of a money field is a whole number of đồng from 0 to {MAX_MONEY}, not {v}"
            ),
        });
    }
    dong
}

fn bound(v: Option<String>, name: &'static str, misfits: &mut Vec<Misfit>) -> Option<DateBound> {
    let v = v?;
    let b = DateBound::parse(&v);
    if b.is_none() {
        misfits.push(Misfit {
            property: name,
            problem: format!("{name} {v:?} is neither yyyy-mm-dd nor \"today\""),
        });
    }
    b
}

impl From<FieldWire> for Field {
    fn from(mut w: FieldWire) -> Self {
        let mut misfits = Vec::new();
        let kind = match w.kind {
            Tag::Text => FieldKind::Text(TextRules {
                length: length(&mut w),
                pattern: w.pattern.take(),
                pattern_message: w.pattern_message.take(),
            }),
            Tag::LongText => FieldKind::LongText(length(&mut w)),
            Tag::PersonName => FieldKind::PersonName(length(&mut w)),
            Tag::Number => FieldKind::Number(NumberRules {
                min: w.min.take(),
                max: w.max.take(),
                integer: std::mem::take(&mut w.integer),
                suffix: w.suffix.take(),
            }),
            Tag::Money => FieldKind::Money(MoneyRules {
                min: money(w.min.take(), "min", &mut misfits),
                max: money(w.max.take(), "max", &mut misfits),
            }),
            Tag::Date => FieldKind::Date(DateRules {
                min_date: bound(w.min_date.take(), "min_date", &mut misfits),
                max_date: bound(w.max_date.take(), "max_date", &mut misfits),
            }),
            Tag::YesNo => FieldKind::YesNo,
            Tag::Choice => FieldKind::Choice(ChoiceRules {
                options: std::mem::take(&mut w.options),
            }),
            Tag::MultiChoice => FieldKind::MultiChoice(MultiChoiceRules {
                options: std::mem::take(&mut w.options),
                min_selected: w.min_selected.take(),
                max_selected: w.max_selected.take(),
            }),
            Tag::Email => FieldKind::Email,
            Tag::Phone => FieldKind::Phone,
            Tag::PersonalId => FieldKind::PersonalId(PersonalIdRules {
                birth_date_field: w.birth_date_field.take(),
                sex_field: w.sex_field.take(),
                sex: w.sex.take(),
                holder: w.holder.take(),
            }),
            Tag::TaxCode => FieldKind::TaxCode(TaxCodeRules {
                kinds: w.tax_code_kinds.take(),
            }),
            Tag::AdminUnit => FieldKind::AdminUnit,
            Tag::Address => FieldKind::Address,
            Tag::Group => {
                let table = std::mem::take(&mut w.repeatable).then(|| TableRules {
                    min_rows: w.min_rows.take(),
                    max_rows: w.max_rows.take(),
                    row_label: w.row_label.take(),
                    rules: std::mem::take(&mut w.rules),
                });
                FieldKind::Group(GroupRules {
                    fields: std::mem::take(&mut w.fields),
                    copy_from: std::mem::take(&mut w.copy_from),
                    table,
                })
            }
        };
        let table_only = ["min_rows", "max_rows", "row_label", "rules"];
        for property in w.left_over() {
            let problem = if w.kind == Tag::Group && table_only.contains(&property) {
                format!("{property} applies only to a repeatable group")
            } else {
                format!("{property} does not apply to a {} field", kind.as_str())
            };
            misfits.push(Misfit { property, problem });
        }
        Self {
            id: w.id,
            label: w.label,
            hint: w.hint,
            required: w.required,
            visible: w.visible,
            compute: w.compute,
            kind,
            misfits,
        }
    }
}

impl From<Field> for FieldWire {
    fn from(f: Field) -> Self {
        let tag = match &f.kind {
            FieldKind::Text(_) => Tag::Text,
            FieldKind::LongText(_) => Tag::LongText,
            FieldKind::PersonName(_) => Tag::PersonName,
            FieldKind::Number(_) => Tag::Number,
            FieldKind::Money(_) => Tag::Money,
            FieldKind::Date(_) => Tag::Date,
            FieldKind::YesNo => Tag::YesNo,
            FieldKind::Choice(_) => Tag::Choice,
            FieldKind::MultiChoice(_) => Tag::MultiChoice,
            FieldKind::Email => Tag::Email,
            FieldKind::Phone => Tag::Phone,
            FieldKind::PersonalId(_) => Tag::PersonalId,
            FieldKind::TaxCode(_) => Tag::TaxCode,
            FieldKind::AdminUnit => Tag::AdminUnit,
            FieldKind::Address => Tag::Address,
            FieldKind::Group(_) => Tag::Group,
        };
        let mut w = Self::blank(&f, tag);
        match f.kind {
            FieldKind::Text(r) => {
                (w.min_length, w.max_length) = (r.length.min_length, r.length.max_length);
                (w.pattern, w.pattern_message) = (r.pattern, r.pattern_message);
            }
            FieldKind::LongText(r) | FieldKind::PersonName(r) => {
                (w.min_length, w.max_length) = (r.min_length, r.max_length);
            }
            FieldKind::Number(r) => {
                (w.min, w.max, w.integer, w.suffix) = (r.min, r.max, r.integer, r.suffix);
            }
            FieldKind::Money(r) => {
                let as_f64 = |m: Money| m.dong() as f64;
                (w.min, w.max) = (r.min.map(as_f64), r.max.map(as_f64));
            }
            FieldKind::Date(r) => {
                w.min_date = r.min_date.map(|b| b.to_string());
                w.max_date = r.max_date.map(|b| b.to_string());
            }
            FieldKind::Choice(r) => w.options = r.options,
            FieldKind::MultiChoice(r) => {
                (w.options, w.min_selected, w.max_selected) =
                    (r.options, r.min_selected, r.max_selected);
            }
            FieldKind::PersonalId(r) => {
                (w.birth_date_field, w.sex_field, w.sex, w.holder) =
                    (r.birth_date_field, r.sex_field, r.sex, r.holder);
            }
            FieldKind::TaxCode(r) => w.tax_code_kinds = r.kinds,
            FieldKind::Group(r) => {
                (w.fields, w.copy_from) = (r.fields, r.copy_from);
                if let Some(t) = r.table {
                    w.repeatable = true;
                    (w.min_rows, w.max_rows, w.row_label, w.rules) =
                        (t.min_rows, t.max_rows, t.row_label, t.rules);
                }
            }
            FieldKind::YesNo
            | FieldKind::Email
            | FieldKind::Phone
            | FieldKind::AdminUnit
            | FieldKind::Address => {}
        }
        w
    }
}
