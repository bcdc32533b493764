//! Answers as people read them on "check your answers": dates dd/mm/yyyy,
//! options by their labels, units by their names; and the small texts
//! around fields and papers (date hints, accepted files).

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

/// The hint of a date field: the schema's hint, followed by an example
/// unless the hint gives one already (a date written with `/`), so the
/// citizen does not read two examples.
pub(crate) fn date_hint(hint: Option<&str>, lang: Lang) -> String {
    let example = Ui::DateHint.get(lang);
    match hint {
        None => example.to_owned(),
        Some(h) if has_date_example(h) => h.to_owned(),
        Some(h) => format!("{h} {example}"),
    }
}

/// Whether `text` writes a date like 15/03/2021.
fn has_date_example(text: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_digit() || c == '/'))
        .any(|w| w.split('/').filter(|p| !p.is_empty()).count() == 3)
}

/// The files a dossier component takes, in plain words. The app turns
/// photos into PDF pages itself, so a component that takes PDF takes
/// photos too: "PDF hoặc ảnh chụp (JPEG, PNG, WebP)".
pub(crate) fn accepted_files(accept: &[String], lang: Lang) -> String {
    let names: Vec<String> = accept
        .iter()
        .map(|t| match t.as_str() {
            "application/pdf" => "PDF".to_owned(),
            "image/jpeg" => "JPEG".to_owned(),
            "image/webp" => "WebP".to_owned(),
            other => other.rsplit('/').next().unwrap_or(other).to_uppercase(),
        })
        .collect();
    let or = match lang {
        Lang::Vi => " hoặc ",
        Lang::En => " or ",
    };
    if names.iter().any(|n| n == "PDF") {
        let photos = match lang {
            Lang::Vi => "ảnh chụp (JPEG, PNG, WebP)",
            Lang::En => "photos (JPEG, PNG, WebP)",
        };
        let mut kinds: Vec<&str> = names
            .iter()
            .map(String::as_str)
            .filter(|n| !matches!(*n, "JPEG" | "PNG" | "WebP"))
            .collect();
        kinds.push(photos);
        kinds.join(or)
    } else {
        names.join(or)
    }
}
