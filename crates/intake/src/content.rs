//! What the office checks in a dossier beyond its seal: the attachments
//! against the procedure's dossier components, and the form data.
//!
//! The form data check is one function, [`check_form`], so that the
//! motcua-forms validation engine (`Procedure::validate`) drops in there.
//! Until then it checks what the server itself needs: the applicant's
//! personal ID number, which the status look-up asks for.

use motcua_dossier::Manifest;
use motcua_forms::{LocalizedText, Procedure};
use serde::Serialize;
use serde_json::{Map, Value};

/// One thing wrong with a dossier's content, as the problem document lists
/// it (`errors`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Finding {
    /// Where: a form field id, or `attachments/<file name>`, or
    /// `components/<component id>`.
    pub(crate) path: String,
    /// Why, as a stable code.
    pub(crate) code: &'static str,
    /// What to tell the applicant.
    pub(crate) message: LocalizedText,
}

/// The form fields that name the applicant's personal ID number, in order
/// of preference: the requester (tờ khai), the person concerned, a business
/// owner. With the forms engine, the first field of type `personal_id` in
/// form order takes their place.
const APPLICANT_ID_FIELDS: [&str; 4] = [
    "requester_personal_id",
    "applicant_personal_id",
    "personal_id",
    "owner_personal_id",
];

/// A personal ID number (số định danh cá nhân): 12 digits, spaces ignored.
pub(crate) fn normalize_personal_id(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == 12 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// Checks the form data of `procedure` and returns the applicant's personal
/// ID number.
pub(crate) fn check_form(
    _procedure: &Procedure,
    form: &Map<String, Value>,
) -> Result<String, Vec<Finding>> {
    let found = APPLICANT_ID_FIELDS
        .iter()
        .find_map(|field| form.get(*field).map(|value| (*field, value)));
    match found {
        Some((_, Value::String(text))) if normalize_personal_id(text).is_some() => {
            Ok(normalize_personal_id(text).unwrap_or_default())
        }
        Some((field, _)) => Err(vec![Finding {
            path: field.to_owned(),
            code: "personal_id",
            message: LocalizedText::new(
                "Số định danh cá nhân phải gồm 12 chữ số.",
                "The personal ID number must have 12 digits.",
            ),
        }]),
        None => Err(vec![Finding {
            path: APPLICANT_ID_FIELDS[0].to_owned(),
            code: "required",
            message: LocalizedText::new(
                "Thiếu số định danh cá nhân của người nộp hồ sơ.",
                "The applicant's personal ID number is missing.",
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

    #[test]
    fn applicant_id_from_the_form() {
        let p = procedure();
        let form = |v: Value| v.as_object().cloned().unwrap();
        assert_eq!(
            check_form(
                &p,
                &form(json!({"requester_personal_id": "001 093 012 345"}))
            )
            .unwrap(),
            "001093012345"
        );
        assert_eq!(
            check_form(
                &p,
                &form(json!({"owner_personal_id": "079090000001", "x": 1}))
            )
            .unwrap(),
            "079090000001"
        );
        let errors = check_form(&p, &form(json!({"requester_personal_id": "12345"}))).unwrap_err();
        assert_eq!(errors[0].code, "personal_id");
        assert_eq!(errors[0].path, "requester_personal_id");
        let errors = check_form(&p, &form(json!({"requester_personal_id": 1}))).unwrap_err();
        assert_eq!(errors[0].code, "personal_id");
        let errors = check_form(&p, &form(json!({}))).unwrap_err();
        assert_eq!(errors[0].code, "required");
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
