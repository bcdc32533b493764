//! The real catalog in web/procedures: every schema loads, its example is
//! valid, the index agrees, and the JSON Schema export accepts the
//! normalized examples and refuses broken data (checked by the third-party
//! `jsonschema` validator).

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns: a panic is a test failure"
)]

use std::path::PathBuf;

use motcua_forms::{AdminUnits, CatalogIndex, Date, Env, ErrorCode, Procedure};
use serde_json::{Value, json};

fn web() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web")
}

fn catalog() -> (CatalogIndex, Vec<Procedure>) {
    let dir = web().join("procedures");
    let index = CatalogIndex::from_json(&std::fs::read(dir.join("index.json")).unwrap()).unwrap();
    let procedures = index
        .procedures
        .iter()
        .map(|p| {
            let bytes = std::fs::read(dir.join(format!("{}.json", p.code))).unwrap();
            Procedure::from_json(&bytes).unwrap_or_else(|e| panic!("{}: {e}", p.code))
        })
        .collect();
    (index, procedures)
}

fn units() -> AdminUnits {
    AdminUnits::from_json(&std::fs::read(web().join("units/units-2025.json")).unwrap()).unwrap()
}

fn today() -> Date {
    Date::new(2026, 11, 25).unwrap()
}

#[test]
fn index_lists_every_procedure_file_and_agrees_with_it() {
    let (index, procedures) = catalog();
    let mut on_disk: Vec<String> = std::fs::read_dir(web().join("procedures"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "index.json")
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = index
        .procedures
        .iter()
        .map(|p| format!("{}.json", p.code))
        .collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    assert!(procedures.len() >= 4);
    for (entry, p) in index.procedures.iter().zip(&procedures) {
        // Code, version, level, name and search keywords alike.
        assert_eq!(entry, &p.summary());
    }
    let codes: Vec<&str> = procedures.iter().map(|p| p.code.as_str()).collect();
    for code in ["1.001193", "1.004194", "2.000488", "2.000720"] {
        assert!(codes.contains(&code), "{code} missing");
    }
}

#[test]
fn search_finds_procedures_as_people_spell_them() {
    let (index, _) = catalog();
    let found = |query: &str| -> Vec<&str> {
        index
            .procedures
            .iter()
            .filter(|p| p.matches(query))
            .map(|p| p.code.as_str())
            .collect()
    };
    for query in [
        "dang ky khai sinh",
        "dang ki khai sinh",
        "Đăng kí khai sinh",
        "giay khai sinh",
        "khai sinh con",
        "khaisinh",
        "birth certificate",
    ] {
        assert_eq!(found(query), ["1.001193"], "{query:?}");
    }
    assert_eq!(found("li lich tu phap"), ["2.000488"]);
    assert_eq!(found("ho khau"), ["1.004194"]);
    assert_eq!(found("giay phep kinh doanh"), ["2.000720"]);
    assert_eq!(found("2.000488"), ["2.000488"]);
    assert!(found("không có thủ tục này").is_empty());
}

#[test]
fn every_example_is_valid_and_normalizes_idempotently() {
    let (_, procedures) = catalog();
    let units = units();
    let env = Env::new(today()).with_units(&units);
    for p in &procedures {
        let example = p
            .example
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no example", p.code));
        let data = p.validate(example, &env).unwrap_or_else(|e| {
            panic!(
                "{} example invalid: {}",
                p.code,
                serde_json::to_string_pretty(&e).unwrap()
            )
        });
        // Normalized data is valid input and normalizes to itself.
        assert_eq!(p.validate(&data, &env).unwrap(), data, "{}", p.code);
        // Every section has at least one field, every field a bilingual label.
        for s in &p.sections {
            assert!(!s.fields.is_empty(), "{} {}", p.code, s.id);
        }
    }
}

#[test]
fn no_hint_repeats_what_the_app_says_itself() {
    // The app marks optional fields in their label ("(không bắt buộc)") and
    // gives date fields an example unless their hint has one: a hint that
    // only says "optional" would say it twice.
    let (_, procedures) = catalog();
    for p in &procedures {
        for s in &p.sections {
            let mut hints = Vec::new();
            collect_hints(&s.fields, &mut hints);
            for (id, hint) in hints {
                for text in [&hint.vi, &hint.en] {
                    let folded = motcua_forms::fold(text);
                    assert!(
                        !["khong bat buoc", "optional", "neu co"]
                            .contains(&folded.trim_end_matches('.')),
                        "{} {id}: hint {text:?}",
                        p.code
                    );
                }
            }
        }
    }
}

fn collect_hints<'f>(
    fields: &'f [motcua_forms::Field],
    out: &mut Vec<(&'f str, &'f motcua_forms::LocalizedText)>,
) {
    for f in fields {
        if let Some(h) = &f.hint {
            out.push((&f.id, h));
        }
        collect_hints(f.fields(), out);
    }
}

#[test]
fn birth_example_computes_the_date_in_words() {
    let (_, procedures) = catalog();
    let birth = procedures
        .iter()
        .find(|p| p.code.as_str() == "1.001193")
        .unwrap();
    let env = Env::new(today());
    let data = birth
        .validate(birth.example.as_ref().unwrap(), &env)
        .unwrap();
    assert_eq!(data["child_birth_date"], "2025-11-20");
    assert_eq!(
        data["child_birth_date_words"],
        "ngày hai mươi tháng mười một năm hai nghìn không trăm hai mươi lăm"
    );
    assert_eq!(data["requester_phone"], "0912345678");
}

#[test]
fn birth_registration_with_mistakes() {
    let (_, procedures) = catalog();
    let birth = procedures
        .iter()
        .find(|p| p.code.as_str() == "1.001193")
        .unwrap();
    let units = units();
    let env = Env::new(today()).with_units(&units);
    let mut values = birth.example.clone().unwrap();
    values["child_birth_date"] = json!("31/02/2025");
    values["requester_phone"] = json!("0212345678");
    values["office_unit"] = json!({"province": "79", "commune": "00004"});
    values["mother_birth_year"] = json!(1800);
    values["father_personal_id"] = json!("001094012345");
    values.as_object_mut().unwrap().remove("child_name");
    let ev = birth.evaluate(&values, &env);
    let got: Vec<(&str, &str)> = ev
        .errors()
        .iter()
        .map(|e| (e.path.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("office_unit", "commune_not_in_province"),
            ("requester_phone", "invalid_phone"),
            ("child_name", "required"),
            ("child_birth_date", "invalid_date"),
            ("mother_birth_year", "too_small"),
            ("father_personal_id", "personal_id_birth_year"),
        ]
    );
    let child: Vec<ErrorCode> = ev.section_errors("child").map(|e| e.code).collect();
    assert_eq!(child, [ErrorCode::Required, ErrorCode::InvalidDate]);
    assert!(ev.data().is_none());
    assert_eq!(
        ev.errors()[2].message.vi,
        "Vui lòng nhập “Họ, chữ đệm, tên”"
    );
    assert_eq!(ev.errors()[2].message.en, "Enter “Full name”");
}

#[test]
fn birth_registration_checks_the_sex_digit_of_each_parent() {
    let (_, procedures) = catalog();
    let birth = procedures
        .iter()
        .find(|p| p.code.as_str() == "1.001193")
        .unwrap();
    let env = Env::new(today());
    let refused = |values: &Value| -> Vec<(String, ErrorCode)> {
        birth
            .evaluate(values, &env)
            .errors()
            .iter()
            .map(|e| (e.path.clone(), e.code))
            .collect()
    };
    let mut values = birth.example.clone().unwrap();
    // A mother born in 2001 whose number has the male digit 2.
    values["mother_birth_year"] = json!(2001);
    values["mother_personal_id"] = json!("001201012345");
    assert_eq!(
        refused(&values),
        [("mother_personal_id".into(), ErrorCode::PersonalIdSex)]
    );
    let message = birth.evaluate(&values, &env).errors()[0].message.clone();
    assert!(message.vi.contains("người mẹ là nữ"), "{}", message.vi);
    values["mother_personal_id"] = json!("001301012345");
    assert_eq!(refused(&values), []);
    // The father's number with a female digit.
    values["father_personal_id"] = json!("001193012345");
    assert_eq!(
        refused(&values),
        [("father_personal_id".into(), ErrorCode::PersonalIdSex)]
    );
    values["father_personal_id"] = json!("001093012345");
    // The requester's sex follows from the relationship: the father's
    // number is a man's, so "mother" does not fit; "other" says nothing.
    values["requester_relationship"] = json!("mother");
    assert_eq!(
        refused(&values),
        [("requester_personal_id".into(), ErrorCode::PersonalIdSex)]
    );
    values["requester_relationship"] = json!("other");
    values["requester_relationship_other"] = json!("Ông nội");
    assert_eq!(refused(&values), []);
}

#[test]
fn birth_registration_copies_the_requester_into_the_father() {
    let (_, procedures) = catalog();
    let birth = procedures
        .iter()
        .find(|p| p.code.as_str() == "1.001193")
        .unwrap();
    let env = Env::new(today());
    let example = birth.example.clone().unwrap();
    // The requester (the father) and the mother as typed; nothing of the father yet.
    let mut values = json!({});
    for key in [
        "requester_name",
        "requester_document_type",
        "requester_personal_id",
        "requester_residence",
        "requester_relationship",
        "mother_lives_abroad",
        "mother_residence",
    ] {
        values[key] = example[key].clone();
    }
    values["mother_residence"]["street"] = json!("Số 5 ngõ Văn Chương");
    let ev = birth.evaluate(&values, &env);
    // The father's group is hidden until he is declared: no offer yet.
    assert!(!ev.copy_available("father_from_requester"));
    assert!(ev.copy_available("mother_residence_from_requester"));
    assert!(
        !ev.copy_available("mother_from_requester"),
        "he is the father"
    );
    values["father_declared"] = json!(true);
    let ev = birth.evaluate(&values, &env);
    assert!(ev.copy_available("father_from_requester"));
    let answers = birth.copy_answers("father_from_requester", &values, &ev);
    for (path, value) in answers {
        motcua_forms::set_value(&mut values, &path, value).unwrap();
    }
    assert_eq!(values["father_name"], example["requester_name"]);
    assert_eq!(values["father_personal_id"], "001093012345");
    assert_eq!(values["father_lives_abroad"], false);
    assert_eq!(values["father_residence"], example["requester_residence"]);
    // Then "lives where the mother lives" replaces the address.
    let ev = birth.evaluate(&values, &env);
    for (path, value) in birth.copy_answers("father_residence_from_mother", &values, &ev) {
        motcua_forms::set_value(&mut values, &path, value).unwrap();
    }
    assert_eq!(values["father_residence"]["street"], "Số 5 ngõ Văn Chương");
    let ev = birth.evaluate(&values, &env);
    assert_eq!(
        ev.section_errors("father")
            .map(|e| e.path.as_str())
            .collect::<Vec<_>>(),
        [
            "father_birth_year",
            "father_ethnicity",
            "father_nationality"
        ],
        "only what the requester could not say is left"
    );
    // An offer that does not apply gives nothing.
    assert!(
        birth
            .copy_answers("mother_from_requester", &values, &ev)
            .is_empty()
    );
    assert!(birth.copy_answers("nonsense", &values, &ev).is_empty());
}

#[test]
fn json_schema_export_accepts_examples_and_refuses_broken_data() {
    let (_, procedures) = catalog();
    let env = Env::new(today());
    for p in &procedures {
        let schema = p.json_schema();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        let validator =
            jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("{}: {e}", p.code));
        let data = p.validate(p.example.as_ref().unwrap(), &env).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&data)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", p.code);

        let Value::Object(map) = &data else { panic!() };
        // An unknown property.
        let mut bad = map.clone();
        bad.insert("nonsense".into(), json!(1));
        assert!(!validator.is_valid(&Value::Object(bad)), "{}", p.code);
        // A required property missing.
        let required = schema["required"].as_array().unwrap();
        assert!(!required.is_empty(), "{}", p.code);
        let mut bad = map.clone();
        bad.remove(required[0].as_str().unwrap());
        assert!(!validator.is_valid(&Value::Object(bad)), "{}", p.code);
        // A wrong type for every property in turn.
        for key in map.keys() {
            let mut bad = map.clone();
            bad.insert(key.clone(), json!({"x": [1]}));
            let readonly = schema["properties"][key]["readOnly"] == json!(true);
            assert_eq!(
                validator.is_valid(&Value::Object(bad)),
                readonly,
                "{} {key}",
                p.code
            );
        }
    }
}

#[test]
fn json_schema_checks_canonical_forms() {
    let (_, procedures) = catalog();
    let ct01 = procedures
        .iter()
        .find(|p| p.code.as_str() == "1.004194")
        .unwrap();
    let validator = jsonschema::draft202012::new(&ct01.json_schema()).unwrap();
    let env = Env::new(today());
    let data = ct01.validate(ct01.example.as_ref().unwrap(), &env).unwrap();
    for (key, value) in [
        ("phone", json!("+84987654321")),
        ("personal_id", json!("03819800123")),
        ("birth_date", json!("12/05/1998")),
        ("sex", json!("other")),
        ("members", json!([{"member_name": "A"}])),
        (
            "residence_address",
            json!({"province": "1", "commune": "00004", "street": "x"}),
        ),
    ] {
        let mut bad = data.clone();
        bad[key] = value;
        assert!(!validator.is_valid(&bad), "{key}");
    }
}

#[test]
fn every_procedure_names_its_applicant_id_field() {
    let (_, procedures) = catalog();
    let found: Vec<(String, Option<String>)> = procedures
        .iter()
        .map(|p| {
            (
                p.code.to_string(),
                p.applicant_id_field().map(|f| f.id.clone()),
            )
        })
        .collect();
    for (code, field) in &found {
        let field = field
            .as_deref()
            .unwrap_or_else(|| panic!("{code} has no personal_id field"));
        let procedure = procedures.iter().find(|p| p.code.as_str() == code).unwrap();
        let example = procedure.example.as_ref().unwrap();
        assert!(
            example.get(field).is_some(),
            "{code}: the example lacks {field}"
        );
    }
    let birth = found.iter().find(|(c, _)| c == "1.001193").unwrap();
    assert_eq!(birth.1.as_deref(), Some("requester_personal_id"));
}
