//! What the office checks in a dossier beyond its seal: the form data with
//! the same validation engine the app ran (motcua-forms), and the
//! attachments against the procedure's dossier components.

use motcua_dossier::Manifest;
use motcua_forms::{AdminUnits, Date, Env, LocalizedText, Procedure};
use motcua_protocol::{FieldProblem, Limits};
use serde_json::{Map, Value};

/// Validates the form data of `procedure` as the app did, and returns the
/// applicant's personal ID number (normalized, 12 digits).
pub(crate) fn check_form(
    procedure: &Procedure,
    form: &Map<String, Value>,
    units: Option<&AdminUnits>,
    today: Date,
) -> Result<String, Vec<FieldProblem>> {
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
                .map(|e| FieldProblem {
                    path: e.path,
                    code: e.code.as_str().to_owned(),
                    message: e.message,
                })
                .collect::<Vec<_>>()
        })?;
    // The applicant's ID, which the status look-up asks for.
    let field = procedure.applicant_id_field();
    let id = field.and_then(|f| data.get(&f.id)).and_then(Value::as_str);
    match (field, id) {
        (_, Some(id)) => Ok(id.to_owned()),
        (Some(field), None) => Err(vec![FieldProblem {
            path: field.id.clone(),
            code: "required".to_owned(),
            message: LocalizedText::new(
                "Thiếu số định danh cá nhân của người nộp hồ sơ.",
                "The applicant's personal ID number is missing.",
            ),
        }]),
        (None, None) => Err(vec![FieldProblem {
            path: String::new(),
            code: "no_applicant_id".to_owned(),
            message: LocalizedText::new(
                "Thủ tục này không có trường số định danh cá nhân để tra cứu hồ sơ.",
                "This procedure has no personal ID field to look the dossier up by.",
            ),
        }]),
    }
}

/// Checks the attachments against the procedure's dossier components and
/// the office's limits: the protocol's one conformance check, which the
/// app and the command line run before sealing.
pub(crate) fn check_attachments(
    procedure: &Procedure,
    manifest: &Manifest,
    limits: &Limits,
) -> Vec<FieldProblem> {
    manifest.conformance(&procedure.components, limits)
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
    fn attachments_against_components() {
        let p = procedure();
        let ok = manifest(json!([attachment(
            "birth_certificate",
            "a.pdf",
            "application/pdf",
            10,
            1
        )]));
        assert_eq!(check_attachments(&p, &ok, &Limits::default()), vec![]);

        let findings = check_attachments(&p, &manifest(json!([])), &Limits::default());
        assert_eq!(findings.len(), 1);
        assert_eq!(
            (findings[0].path.as_str(), findings[0].code.as_str()),
            ("components/birth_certificate", "required")
        );

        let bad = manifest(json!([
            attachment("birth_certificate", "a.jpg", "image/jpeg", 20_000_000, 11),
            attachment("no_such_thing", "b.pdf", "application/pdf", 1, 1),
        ]));
        let codes: Vec<_> = check_attachments(&p, &bad, &Limits::default())
            .iter()
            .map(|f| (f.path.clone(), f.code.clone()))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("attachments/a.jpg".to_owned(), "media_type".to_owned()),
                ("attachments/a.jpg".to_owned(), "too_large".to_owned()),
                ("attachments/a.jpg".to_owned(), "too_many_pages".to_owned()),
                (
                    "attachments/b.pdf".to_owned(),
                    "unknown_component".to_owned()
                ),
            ]
        );
    }
}
