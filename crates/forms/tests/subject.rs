//! A procedure's `subject`: the field naming whom a dossier is for.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use motcua_forms::Procedure;
use serde_json::{Value, json};

fn birth() -> Value {
    serde_json::from_slice(include_bytes!("../../../web/procedures/1.001193.json")).unwrap()
}

fn load(schema: &Value) -> Result<Procedure, motcua_forms::Error> {
    Procedure::from_json(&serde_json::to_vec(schema).unwrap())
}

#[test]
fn the_subject_names_a_field_of_the_form() {
    let procedure = load(&birth()).unwrap();
    assert_eq!(procedure.subject.as_deref(), Some("child_name"));
    assert_eq!(
        procedure.subject_field().map(|f| f.id.as_str()),
        Some("child_name")
    );

    let mut none = birth();
    none.as_object_mut().unwrap().remove("subject");
    assert_eq!(load(&none).unwrap().subject_field(), None);
}

#[test]
fn a_subject_that_is_no_name_field_is_refused() {
    for (subject, why) in [
        ("baby_name", "unknown field"),
        ("child_birth_date", "text or person_name"),
    ] {
        let mut schema = birth();
        schema["subject"] = json!(subject);
        let err = load(&schema).unwrap_err().to_string();
        assert!(
            err.contains("$.subject") && err.contains(why),
            "{subject}: {err}"
        );
    }
}
