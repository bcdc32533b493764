//! What the office checks in a dossier beyond its seal: the form data with
//! the same validation engine the app ran (motcua-forms), and the
//! attachments against the procedure's dossier components.

use motcua_dossier::Manifest;
use motcua_forms::{AdminUnits, Date, Env, LocalizedText, Procedure};
use serde::Serialize;
use serde_json::{Map, Value};

/// One thing wrong with a dossier's content, as the problem document lists
/// it (`errors`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Finding {
    /// Where: a form field path, or `attachments/<file name>`, or
    /// `components/<component id>`.
    pub(crate) path: String,
    /// Why, as a stable code.
    pub(crate) code: &'static str,
    /// What to tell the applicant.
    pub(crate) message: LocalizedText,
}

/// The date in Vietnam (UTC+7) at `unix` seconds: the "today" of the form
/// rules (dates not in the future, ages).
pub(crate) fn vietnam_date(unix: i64) -> Option<Date> {
    Date::from_days_since_epoch((unix + 7 * 3600).div_euclid(86_400))
}

/// Validates the form data of `procedure` as the app did, and returns the
/// applicant's personal ID number (normalized, 12 digits).
pub(crate) fn check_form(
    procedure: &Procedure,
    form: &Map<String, Value>,
    units: Option<&AdminUnits>,
    today: Date,
) -> Result<String, Vec<Finding>> {
    let env = Env::new(today);
    let env = match units {
        Some(units) => env.with_units(units),
        None => env,
    };
    let data = procedure
        .validate(&Value::Object(form.clone()), &env)
        .map_err(|errors| {
            errors
                .into_iter()
                .map(|e| Finding {
                    path: e.path,
                    code: e.code.as_str(),
                    message: e.message,
                })
                .collect::<Vec<_>>()
        })?;
    // The applicant's ID, which the status look-up asks for.
    let field = procedure.applicant_id_field();
    let id = field.and_then(|f| data.get(&f.id)).and_then(Value::as_str);
    match (field, id) {
        (_, Some(id)) => Ok(id.to_owned()),
        (Some(field), None) => Err(vec![Finding {
            path: field.id.clone(),
            code: "required",
            message: LocalizedText::new(
                "Thiếu số định danh cá nhân của người nộp hồ sơ.",
                "The applicant's personal ID number is missing.",
            ),
        }]),
        (None, None) => Err(vec![Finding {
            path: String::new(),
            code: "no_applicant_id",
            message: LocalizedText::new(
                "Thủ tục này không có trường số định danh cá nhân để tra cứu hồ sơ.",
                "This procedure has no personal ID field to look the dossier up by.",
            ),
        }]),
    }
}

/// Checks each attachment against its dossier component's rule, and that
/// every required component has a file (Decree 45/2020/NĐ-CP: a dossier
/// is complete when it holds every required paper).
pub(crate) fn check_attachments(procedure: &Procedure, manifest: &Manifest) -> Vec<Finding> {
    let mut findings = Vec::new();
    for a in &manifest.attachments {
        let path = format!("attachments/{}", a.name);
        let Some(component) = procedure
            .components
            .iter()
            .find(|c| c.id == a.component.as_str())
        else {
            findings.push(Finding {
                path,
                code: "unknown_component",
                message: LocalizedText::new(
                    format!("Thủ tục này không có thành phần hồ sơ \"{}\".", a.component),
                    format!(
                        "This procedure has no dossier component \"{}\".",
                        a.component
                    ),
                ),
            });
            continue;
        };
        let rule = &component.attachment;
        if !rule.accept.iter().any(|m| m == a.media_type.as_str()) {
            findings.push(Finding {
                path: path.clone(),
                code: "media_type",
                message: LocalizedText::new(
                    format!(
                        "Tệp \"{}\" có kiểu {}, không được nhận cho \"{}\" (chỉ nhận {}).",
                        a.name,
                        a.media_type,
                        component.name.vi,
                        rule.accept.join(", ")
                    ),
                    format!(
                        "The file \"{}\" is {}, not accepted for \"{}\" (accepted: {}).",
                        a.name,
                        a.media_type,
                        component.name.en,
                        rule.accept.join(", ")
                    ),
                ),
            });
        }
        if a.size > rule.max_bytes {
            findings.push(Finding {
                path: path.clone(),
                code: "too_large",
                message: LocalizedText::new(
                    format!(
                        "Tệp \"{}\" có {} byte, tối đa {} byte.",
                        a.name, a.size, rule.max_bytes
                    ),
                    format!(
                        "The file \"{}\" has {} bytes, at most {}.",
                        a.name, a.size, rule.max_bytes
                    ),
                ),
            });
        }
        if let Some(pages) = a.pages.filter(|p| *p > rule.max_pages) {
            findings.push(Finding {
                path,
                code: "too_many_pages",
                message: LocalizedText::new(
                    format!(
                        "Tệp \"{}\" có {pages} trang, tối đa {} trang.",
                        a.name, rule.max_pages
                    ),
                    format!(
                        "The file \"{}\" has {pages} pages, at most {}.",
                        a.name, rule.max_pages
                    ),
                ),
            });
        }
    }
    for component in procedure.components.iter().filter(|c| c.required) {
        if !manifest
            .attachments
            .iter()
            .any(|a| a.component.as_str() == component.id)
        {
            findings.push(Finding {
                path: format!("components/{}", component.id),
                code: "required",
                message: LocalizedText::new(
                    format!("Thiếu thành phần hồ sơ bắt buộc \"{}\".", component.name.vi),
                    format!(
                        "The required dossier component \"{}\" is missing.",
                        component.name.en
                    ),
                ),
            });
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn procedure() -> Procedure {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../web/procedures/1.001193.json");
        Procedure::from_json(&std::fs::read(path).unwrap()).unwrap()
    }

    fn manifest(attachments: Value) -> Manifest {
        Manifest::from_json(
            json!({"format":1,"id":"0b6f6c2e-3f35-4d7a-9c8e-5c8c2b1f0a11",
                "procedure":{"code":"1.001193","version":"2025.1"},"office":"00004","form":{},
                "attachments": attachments,"created":"2026-11-25T10:00:00Z","client":"t/1"})
            .to_string()
            .as_bytes(),
        )
        .unwrap()
    }

    fn attachment(component: &str, name: &str, media_type: &str, size: u64, pages: u32) -> Value {
        json!({"component": component, "name": name, "media_type": media_type, "size": size,
               "pages": pages, "sha256": "ab".repeat(32)})
    }

    fn units() -> AdminUnits {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../web/units/units-2025.json");
        AdminUnits::from_json(&std::fs::read(path).unwrap()).unwrap()
    }

    #[test]
    fn form_data_is_validated_by_the_forms_engine() {
        let p = procedure();
        let units = units();
        let today = Date::new(2026, 11, 25).unwrap();
        let example = p.example.clone().unwrap();
        let form = |v: &Value| v.as_object().cloned().unwrap();
        // The app sends normalized data; the engine takes it as well.
        let normalized = p
            .validate(&example, &Env::new(today).with_units(&units))
            .unwrap();
        assert_eq!(
            check_form(&p, &form(&normalized), Some(&units), today).unwrap(),
            "001093012345"
        );

        let mut broken = normalized.clone();
        broken["requester_personal_id"] = json!("12345");
        broken["requester_phone"] = json!("0212345678");
        let errors = check_form(&p, &form(&broken), Some(&units), today).unwrap_err();
        let paths: Vec<_> = errors.iter().map(|e| e.path.as_str()).collect();
        assert!(paths.contains(&"requester_personal_id"), "{paths:?}");
        assert!(paths.contains(&"requester_phone"), "{paths:?}");

        let mut foreign = normalized.clone();
        foreign["office_unit"] = json!({"province": "01", "commune": "99999"});
        let errors = check_form(&p, &form(&foreign), Some(&units), today).unwrap_err();
        assert_eq!(errors[0].code, "unknown_commune", "{errors:?}");

        // A child born after the day of receipt is refused.
        let mut future = normalized;
        future["child_birth_date"] = json!("2026-12-01");
        assert!(check_form(&p, &form(&future), Some(&units), today).is_err());
    }

    #[test]
    fn vietnam_date_is_utc_plus_seven() {
        // 2026-11-25T17:30:00Z is already 26 November in Vietnam.
        let d = vietnam_date(1_795_627_800).unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2026, 11, 26));
    }

    #[test]
    fn attachments_against_components() {
        let p = procedure();
        let ok = manifest(json!([attachment(
            "birth_certificate",
            "a.pdf",
            "application/pdf",
            10,
            1
        )]));
        assert_eq!(check_attachments(&p, &ok), vec![]);

        let findings = check_attachments(&p, &manifest(json!([])));
        assert_eq!(findings.len(), 1);
        assert_eq!(
            (findings[0].path.as_str(), findings[0].code),
            ("components/birth_certificate", "required")
        );

        let bad = manifest(json!([
            attachment("birth_certificate", "a.jpg", "image/jpeg", 20_000_000, 11),
            attachment("no_such_thing", "b.pdf", "application/pdf", 1, 1),
        ]));
        let codes: Vec<_> = check_attachments(&p, &bad)
            .iter()
            .map(|f| (f.path.clone(), f.code))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("attachments/a.jpg".to_owned(), "media_type"),
                ("attachments/a.jpg".to_owned(), "too_large"),
                ("attachments/a.jpg".to_owned(), "too_many_pages"),
                ("attachments/b.pdf".to_owned(), "unknown_component"),
            ]
        );
    }
}
