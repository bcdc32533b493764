//! Answers as people read them on "check your answers": dates dd/mm/yyyy,
//! options by their labels, units by their names.

use motcua_forms::{AdminUnits, Field, FieldKind, Lang};
use serde_json::Value;

use crate::text::Ui;

fn unit_name(units: Option<&AdminUnits>, value: &Value) -> String {
    let province = value
        .get("province")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let commune = value
        .get("commune")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let names = units.map(|u| {
        (
            u.commune(commune).map(|c| c.name.clone()),
            u.province(province).map(|p| p.name.clone()),
        )
    });
    match names {
        Some((Some(c), Some(p))) => format!("{c}, {p}"),
        Some((None, Some(p))) => p,
        _ => [commune, province]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The answer of `field` (normalized `value`) in words, or `None` if empty.
pub(crate) fn answer(
    field: &Field,
    value: &Value,
    lang: Lang,
    units: Option<&AdminUnits>,
) -> Option<String> {
    let text = match (field.kind, value) {
        (_, Value::Null) => return None,
        (FieldKind::Date, Value::String(iso)) => match iso.split('-').collect::<Vec<_>>()[..] {
            [y, m, d] => format!("{d}/{m}/{y}"),
            _ => iso.clone(),
        },
        (FieldKind::YesNo, Value::Bool(b)) => {
            if *b { Ui::Yes } else { Ui::No }.get(lang).to_owned()
        }
        (FieldKind::Choice, Value::String(v)) => field
            .option_label(v)
            .map_or_else(|| v.clone(), |l| l.get(lang).to_owned()),
        (FieldKind::MultiChoice, Value::Array(values)) => values
            .iter()
            .filter_map(Value::as_str)
            .map(|v| field.option_label(v).map_or(v, |l| l.get(lang)).to_owned())
            .collect::<Vec<_>>()
            .join(", "),
        (FieldKind::AdminUnit, v) => unit_name(units, v),
        (FieldKind::Address, v) => {
            let street = v.get("street").and_then(Value::as_str).unwrap_or_default();
            let unit = unit_name(units, v);
            [street, unit.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        }
        (FieldKind::Number, Value::Number(n)) => match &field.suffix {
            Some(suffix) => format!("{n} {}", suffix.get(lang)),
            None => n.to_string(),
        },
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    };
    (!text.is_empty()).then_some(text)
}
