//! Property tests: loading and validation never panic on arbitrary JSON,
//! and normalization is idempotent.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns: a panic is a test failure"
)]

use motcua_forms::{
    AdminUnits, Date, Email, Env, MobilePhone, PersonalId, Procedure, TaxCode, date_words, fold,
    number_words,
};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "\\PC{0,12}".prop_map(Value::String),
        // Strings that look like the things forms hold.
        prop_oneof![
            Just("01/02/2000"),
            Just("2000-02-30"),
            Just("0912345678"),
            Just("001090012345"),
            Just("0100233488"),
            Just("male"),
            Just("01"),
            Just("00004"),
            Just("a@b.vn"),
            Just("today"),
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    "[a-z_]{1,8}",
                    Just("var".to_owned()),
                    Just("province".to_owned()),
                    Just("commune".to_owned()),
                    Just("street".to_owned()),
                    Just("members".to_owned()),
                    Just("==".to_owned()),
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn catalog() -> Vec<Procedure> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/procedures");
    ["1.001193", "1.004194", "2.000488", "2.000720"]
        .iter()
        .map(|c| Procedure::from_json(&std::fs::read(format!("{dir}/{c}.json")).unwrap()).unwrap())
        .collect()
}

fn units() -> AdminUnits {
    AdminUnits::from_json(include_bytes!("../../../web/units/units-2025.json")).unwrap()
}

/// Replaces the node at a pseudo-random position of `v` with `with`.
fn graft(v: &mut Value, mut pick: usize, with: &Value) -> bool {
    if pick == 0 {
        *v = with.clone();
        return true;
    }
    pick -= 1;
    let children: Vec<&mut Value> = match v {
        Value::Array(a) => a.iter_mut().collect(),
        Value::Object(m) => m.values_mut().collect(),
        _ => return false,
    };
    let n = children.len();
    if n == 0 {
        return false;
    }
    let mut children = children;
    let child = &mut children[pick % n];
    graft(child, pick / n, with)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn loading_arbitrary_json_never_panics(v in arb_json()) {
        let bytes = serde_json::to_vec(&v).unwrap();
        let _ = Procedure::from_json(&bytes);
        let _ = AdminUnits::from_json(&bytes);
        let _ = motcua_forms::CatalogIndex::from_json(&bytes);
    }

    #[test]
    fn loading_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = Procedure::from_json(&bytes);
    }

    #[test]
    fn mutated_catalog_schemas_never_panic(which in 0usize..4, pick in 0usize..4000, with in arb_json(), values in arb_json()) {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/procedures");
        let code = ["1.001193", "1.004194", "2.000488", "2.000720"][which];
        let mut v: Value = serde_json::from_slice(&std::fs::read(format!("{dir}/{code}.json")).unwrap()).unwrap();
        graft(&mut v, pick, &with);
        if let Ok(p) = Procedure::from_json(&serde_json::to_vec(&v).unwrap()) {
            let env = Env::new(Date::new(2026, 11, 25).unwrap());
            let _ = p.evaluate(&values, &env);
            if let Some(example) = &p.example {
                let ev = p.evaluate(example, &env);
                let _ = ev.is_valid();
            }
            let _ = p.json_schema();
        }
    }

    #[test]
    fn validating_arbitrary_values_never_panics(values in arb_json(), pick in 0usize..400, with in arb_json()) {
        let units = units();
        let env = Env::new(Date::new(2026, 11, 25).unwrap()).with_units(&units);
        for p in catalog() {
            let ev = p.evaluate(&values, &env);
            prop_assert!(!ev.is_valid() || values.is_object() || values.is_null());
            // Also a valid example with one part replaced.
            let mut example = p.example.clone().unwrap();
            graft(&mut example, pick, &with);
            let ev = p.evaluate(&example, &env);
            if let Some(data) = ev.data() {
                // Whatever validates, normalizes to a fixed point.
                prop_assert_eq!(p.validate(data, &env).unwrap(), data.clone());
            }
        }
    }

    #[test]
    fn text_functions_never_panic(s in "\\PC{0,40}", n in any::<u64>(), days in any::<i64>()) {
        let _ = fold(&s);
        prop_assert!(!number_words(n).is_empty());
        let _ = s.parse::<Date>();
        let _ = s.parse::<PersonalId>();
        let _ = s.parse::<TaxCode>();
        let _ = s.parse::<MobilePhone>();
        let _ = s.parse::<Email>();
        if let Some(d) = Date::from_days_since_epoch(days) {
            prop_assert_eq!(d.days_since_epoch(), days);
            prop_assert!(date_words(d).starts_with("ngày "));
            prop_assert_eq!(d.iso().parse::<Date>().unwrap(), d);
            prop_assert_eq!(d.to_string().parse::<Date>().unwrap(), d);
        }
    }

    #[test]
    fn fold_is_idempotent(s in "\\PC{0,40}") {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once);
    }
}

#[test]
fn example_values_survive_grafting_helper() {
    let mut v = json!({"a": [1, {"b": 2}]});
    assert!(graft(&mut v, 0, &json!(null)));
    assert_eq!(v, json!(null));
}
