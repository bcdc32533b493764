//! Answers as people read them on "check your answers": dates dd/mm/yyyy,
//! options by their labels, units by their names, offices by their names
//! and places, times in Vietnam time; and the small texts around fields and
//! papers (date hints, accepted files).

use motcua_dossier::Timestamp;
use motcua_forms::{AdminUnits, Field, FieldKind, Lang, LocalizedText, Money};
use motcua_submit::OfficeEntry;
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
    if value.is_null() {
        return None;
    }
    // What the value says as it is: text as typed, anything else as JSON.
    let plain = || match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let text = match &field.kind {
        FieldKind::Date(_) => match value.as_str().map(|iso| iso.split('-').collect::<Vec<_>>()) {
            Some(parts) if parts.len() == 3 => format!("{}/{}/{}", parts[2], parts[1], parts[0]),
            _ => plain(),
        },
        FieldKind::YesNo => match value.as_bool() {
            Some(b) => if b { Ui::Yes } else { Ui::No }.get(lang).to_owned(),
            None => plain(),
        },
        FieldKind::Choice(_) => match value.as_str() {
            Some(v) => field
                .option_label(v)
                .map_or_else(|| v.to_owned(), |l| l.get(lang).to_owned()),
            None => plain(),
        },
        FieldKind::MultiChoice(_) => match value.as_array() {
            Some(values) => values
                .iter()
                .filter_map(Value::as_str)
                .map(|v| field.option_label(v).map_or(v, |l| l.get(lang)).to_owned())
                .collect::<Vec<_>>()
                .join(", "),
            None => plain(),
        },
        FieldKind::AdminUnit => unit_name(units, value),
        FieldKind::Address => {
            let street = value
                .get("street")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let unit = unit_name(units, value);
            [street, unit.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        }
        FieldKind::Number(rules) => match (value, &rules.suffix) {
            (Value::Number(n), Some(suffix)) => format!("{n} {}", suffix.get(lang)),
            _ => plain(),
        },
        FieldKind::Money(_) => match value.as_u64().map(Money::new) {
            Some(Ok(m)) => format!("{m} {}", Ui::Dong.get(lang)),
            _ => plain(),
        },
        FieldKind::Text(_)
        | FieldKind::LongText(_)
        | FieldKind::PersonName(_)
        | FieldKind::Email
        | FieldKind::Phone
        | FieldKind::PersonalId(_)
        | FieldKind::TaxCode(_)
        | FieldKind::Group(_) => plain(),
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

/// An office as people read it: its name and where it is, instead of its
/// code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OfficeLabel {
    /// Its name.
    pub(crate) name: LocalizedText,
    /// The commune and province it is in, without what its name already
    /// says ("Thành phố Hà Nội" for "Bộ phận một cửa Phường Ba Đình").
    pub(crate) place: Option<String>,
}

impl OfficeLabel {
    /// Name and place on one line.
    pub(crate) fn line(&self, lang: Lang) -> String {
        office_line(self.name.get(lang), self.place.as_deref())
    }
}

/// "name, place", or the name alone.
pub(crate) fn office_line(name: &str, place: Option<&str>) -> String {
    match place {
        Some(place) if !place.is_empty() => format!("{name}, {place}"),
        _ => name.to_owned(),
    }
}

/// The office with `code`: its directory entry's name when there is one,
/// else the unit the code names (a commune code, or a province code with or
/// without `P`, as a form without a directory gives); the code itself only
/// when neither says more.
pub(crate) fn office_label(
    code: &str,
    entry: Option<&OfficeEntry>,
    units: Option<&AdminUnits>,
) -> OfficeLabel {
    let commune_of = |c: &str| units.and_then(|u| u.commune(c));
    let province_of = |p: &str| units.and_then(|u| u.province(p));
    let (name, commune, province) = match entry {
        Some(entry) => (
            entry.name.clone(),
            entry
                .commune
                .as_ref()
                .and_then(|c| commune_of(c.as_str()))
                .map(|c| c.name.clone()),
            province_of(entry.province.as_str()).map(|p| p.name.clone()),
        ),
        None => {
            let bare = code.strip_prefix('P').unwrap_or(code);
            if let Some(commune) = commune_of(code) {
                (
                    LocalizedText::new(
                        format!("Bộ phận một cửa {}", commune.name),
                        format!("One-stop office of {}", commune.name),
                    ),
                    None,
                    province_of(commune.province.as_str()).map(|p| p.name.clone()),
                )
            } else if let Some(province) = province_of(bare) {
                (
                    LocalizedText::new(
                        format!("Trung tâm Phục vụ hành chính công {}", province.name),
                        format!("Public Administrative Service Centre of {}", province.name),
                    ),
                    None,
                    None,
                )
            } else {
                (LocalizedText::new(code, code), None, None)
            }
        }
    };
    let said = |part: &str| name.vi.contains(part) || name.en.contains(part);
    let place = [commune, province]
        .into_iter()
        .flatten()
        .filter(|part| !said(part))
        .collect::<Vec<_>>()
        .join(", ");
    OfficeLabel {
        name,
        place: (!place.is_empty()).then_some(place),
    }
}

/// A time the office gave (`2026-12-01T22:45:35Z`, UTC) in Vietnam time,
/// as the outbox shows times: "05:45 02/12/2026". `None` if it is not such
/// a time.
pub(crate) fn time_vn_of(utc: &str) -> Option<String> {
    let at: Timestamp = utc.parse().ok()?;
    Some(crate::text::time_vn(at.unix() as f64 * 1000.0))
}

/// Who a dossier is for, as the procedure names them (its `subject` field:
/// the child of a birth registration, the applicant, the business), from
/// the form's data; `None` when the procedure names no one or the answer is
/// empty.
pub(crate) fn dossier_subject(procedure: &motcua_forms::Procedure, data: &Value) -> Option<String> {
    let field = procedure.subject_field()?;
    let value = data.get(&field.id)?.as_str()?.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    fn units() -> AdminUnits {
        AdminUnits::from_json(include_bytes!("../../../web/units/units-2025.json")).unwrap()
    }

    fn office(code: &str, name: &str, province: &str, commune: Option<&str>) -> OfficeEntry {
        serde_json::from_value(json!({
            "code": code, "name": {"vi": name, "en": name}, "province": province,
            "commune": commune, "level": if commune.is_some() { "commune" } else { "province" },
            "address": "1 phố Ba Đình", "procedures": "all",
            "backend": {"adapter": "motcua-v1", "url": "https://office.test",
                "receipt_kid": "JHWC4CxpG8-2l1zi8nr74g7ydijFzv6TUO969FkZFq8"}
        }))
        .unwrap()
    }

    #[wasm_bindgen_test]
    fn offices_read_by_name_and_place_not_code() {
        let units = units();
        let entry = office(
            "00004",
            "Bộ phận một cửa Phường Ba Đình",
            "01",
            Some("00004"),
        );
        let label = office_label("00004", Some(&entry), Some(&units));
        assert_eq!(
            label.line(Lang::Vi),
            "Bộ phận một cửa Phường Ba Đình, Thành phố Hà Nội"
        );
        let entry = office("00004", "UBND Ba Đình", "01", Some("00004"));
        assert_eq!(
            office_label("00004", Some(&entry), Some(&units)).line(Lang::Vi),
            "UBND Ba Đình, Phường Ba Đình, Thành phố Hà Nội"
        );
        // Without a directory: the unit the code names.
        let label = office_label("00004", None, Some(&units));
        assert_eq!(
            label.line(Lang::Vi),
            "Bộ phận một cửa Phường Ba Đình, Thành phố Hà Nội"
        );
        assert_eq!(
            label.line(Lang::En),
            "One-stop office of Phường Ba Đình, Thành phố Hà Nội"
        );
        for code in ["79", "P79"] {
            assert_eq!(
                office_label(code, None, Some(&units)).line(Lang::Vi),
                "Trung tâm Phục vụ hành chính công Thành phố Hồ Chí Minh"
            );
        }
        // Nothing known: the code, as before.
        assert_eq!(
            office_label("99999", None, Some(&units)).line(Lang::Vi),
            "99999"
        );
        assert_eq!(office_label("00004", None, None).line(Lang::Vi), "00004");
    }

    #[wasm_bindgen_test]
    fn office_times_read_in_vietnam_time() {
        // The receipt of issue #11: 22:45 UTC is 05:45 the next day in Hà Nội.
        assert_eq!(
            time_vn_of("2026-12-01T22:45:35Z").as_deref(),
            Some("05:45 02/12/2026")
        );
        assert_eq!(
            time_vn_of("2026-12-31T17:00:00Z").as_deref(),
            Some("00:00 01/01/2027")
        );
        assert_eq!(time_vn_of("yesterday"), None);
    }

    #[wasm_bindgen_test]
    fn the_subject_is_the_field_the_procedure_names() {
        let procedure = motcua_forms::Procedure::from_json(include_bytes!(
            "../../../web/procedures/1.001193.json"
        ))
        .unwrap();
        let data = json!({"requester_name": "Trần Văn An", "child_name": "Trần Minh Khang"});
        assert_eq!(
            dossier_subject(&procedure, &data).as_deref(),
            Some("Trần Minh Khang")
        );
        assert_eq!(
            dossier_subject(&procedure, &json!({"child_name": " "})),
            None
        );
    }
}
