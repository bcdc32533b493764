//! The `money` field kind end to end in a procedure: loading (its bounds
//! and misfit properties), evaluation of amounts as people type them, the
//! JSON Schema export, and the real household-business registration.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns: a panic is a test failure"
)]

use motcua_forms::{Date, Env, Error, ErrorCode, FieldKind, Money, Procedure, SchemaProblem};
use serde_json::{Value, json};

fn procedure(field: Value) -> Value {
    json!({
        "format": 1, "code": "9.000001", "version": "1", "level": "commune",
        "name": {"vi": "Thử", "en": "Test"}, "fee": {"vi": "", "en": ""},
        "processing_time": {"vi": "", "en": ""}, "legal_basis": [], "components": [],
        "sections": [{"id": "s", "title": {"vi": "S", "en": "S"}, "fields": [field]}]
    })
}

fn load(v: &Value) -> Result<Procedure, Error> {
    Procedure::from_json(&serde_json::to_vec(v).unwrap())
}

fn env() -> Env<'static> {
    Env::new(Date::new(2026, 12, 3).unwrap())
}

fn capital() -> Value {
    json!({"id": "capital", "type": "money", "required": true, "min": 1000000,
           "max": 10000000000u64, "label": {"vi": "Vốn", "en": "Capital"}})
}

#[test]
fn a_money_field_takes_whole_dong_bounds_and_nothing_else() {
    let p = load(&procedure(capital())).unwrap();
    let FieldKind::Money(rules) = &p.field("capital").unwrap().kind else {
        panic!("not a money field");
    };
    assert_eq!(rules.min, Some(Money::new(1_000_000).unwrap()));
    for (key, value) in [
        ("min", json!(1.5)),
        ("min", json!(-1)),
        ("max", json!(1e18)),
        ("suffix", json!({"vi": "đồng", "en": "VND"})),
        ("integer", json!(true)),
        ("pattern", json!("[0-9]+")),
    ] {
        let mut f = capital();
        f[key] = value.clone();
        match load(&procedure(f)) {
            Err(Error::Schema(issues)) => {
                assert_eq!(issues.0.len(), 1, "{key}={value}: {issues}");
                assert_eq!(issues.0[0].path, format!("$.sections[0].fields[0].{key}"));
                assert!(matches!(issues.0[0].problem, SchemaProblem::BadProperty(_)));
            }
            other => panic!("{key}={value}: expected a schema error, got {other:?}"),
        }
    }
    let mut upside_down = capital();
    upside_down["min"] = json!(20000000000u64);
    assert!(matches!(
        load(&procedure(upside_down)),
        Err(Error::Schema(_))
    ));
}

#[test]
fn amounts_are_read_as_people_type_them_and_stored_as_dong() {
    let p = load(&procedure(capital())).unwrap();
    for typed in [
        json!("200.000.000"),
        json!("200 000 000"),
        json!(" 200.000.000 đồng "),
        json!("200000000"),
        json!(200000000),
    ] {
        let data = p.validate(&json!({ "capital": typed }), &env()).unwrap();
        assert_eq!(data, json!({"capital": 200000000}), "{typed}");
    }
    for (typed, code) in [
        (json!("200,5"), ErrorCode::InvalidAmount),
        (json!("2.00.000"), ErrorCode::InvalidAmount),
        (json!("hai trăm triệu"), ErrorCode::InvalidAmount),
        (json!("999.999"), ErrorCode::TooSmall),
        (json!("10.000.000.001"), ErrorCode::TooLarge),
        (json!(""), ErrorCode::Required),
        (json!(["1"]), ErrorCode::WrongType),
    ] {
        let errors = p
            .validate(&json!({ "capital": typed }), &env())
            .unwrap_err();
        assert_eq!(errors.len(), 1, "{typed}: {errors:?}");
        assert_eq!(errors[0].code, code, "{typed}");
        assert_eq!(errors[0].path, "capital");
        assert!(
            errors[0].message.vi.contains("Vốn"),
            "{:?}",
            errors[0].message
        );
    }
    let errors = p
        .validate(&json!({"capital": "999.999"}), &env())
        .unwrap_err();
    assert!(
        errors[0].message.vi.contains("1.000.000 đồng"),
        "{:?}",
        errors[0].message
    );
}

#[test]
fn json_schema_of_money_is_an_integer_range() {
    let p = load(&procedure(capital())).unwrap();
    let schema = p.json_schema();
    assert_eq!(schema["properties"]["capital"]["type"], "integer");
    assert_eq!(schema["properties"]["capital"]["minimum"], 1000000);
    assert_eq!(schema["properties"]["capital"]["maximum"], 10000000000u64);
}

/// Numbers as doubles, since `min: 1900` reads back as `1900.0`.
fn numbers_as_f64(v: Value) -> Value {
    match v {
        Value::Number(n) => json!(n.as_f64().unwrap()),
        Value::Array(a) => Value::Array(a.into_iter().map(numbers_as_f64).collect()),
        Value::Object(m) => {
            Value::Object(m.into_iter().map(|(k, v)| (k, numbers_as_f64(v))).collect())
        }
        other => other,
    }
}

#[test]
fn schemas_survive_a_round_trip_through_their_wire_form() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/procedures");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "index.json" || !name.ends_with(".json") {
            continue;
        }
        let p = Procedure::from_json(&std::fs::read(&path).unwrap()).unwrap();
        let again = Procedure::from_json(&serde_json::to_vec(&p).unwrap()).unwrap();
        assert_eq!(p, again, "{name}");
        // The wire form is the file's own: nothing added, nothing lost.
        let file: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(
            numbers_as_f64(serde_json::to_value(&p).unwrap()["sections"].clone()),
            numbers_as_f64(file["sections"].clone()),
            "{name}"
        );
        seen += 1;
    }
    assert!(seen >= 4, "only {seen} procedures");
}

#[test]
fn household_business_capital_is_money() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/procedures");
    let p = Procedure::from_json(&std::fs::read(dir.join("2.000720.json")).unwrap()).unwrap();
    assert!(matches!(
        p.field("capital").unwrap().kind,
        FieldKind::Money(_)
    ));
    let mut values = p.example.clone().unwrap();
    values["capital"] = json!("1.500.000.000 đ");
    let data = p.validate(&values, &env()).unwrap();
    assert_eq!(data["capital"], json!(1_500_000_000u64));
}
