//! Loading refuses broken schemas, each problem with its JSON path.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns: a panic is a test failure"
)]

use motcua_forms::{Error, Procedure, SchemaProblem};
use serde_json::{Value, json};

fn procedure(sections: Value, rules: Value) -> Value {
    json!({
        "format": 1, "code": "9.000001", "version": "1", "level": "commune",
        "name": {"vi": "Thử", "en": "Test"}, "fee": {"vi": "", "en": ""},
        "processing_time": {"vi": "", "en": ""}, "legal_basis": [], "components": [],
        "sections": sections, "rules": rules
    })
}

fn field(id: &str, kind: &str) -> Value {
    json!({"id": id, "type": kind, "label": {"vi": id, "en": id}})
}

fn with(mut f: Value, key: &str, v: Value) -> Value {
    f[key] = v;
    f
}

fn section(fields: Vec<Value>) -> Value {
    json!({"id": "s", "title": {"vi": "S", "en": "S"}, "fields": fields})
}

fn load(v: &Value) -> Result<Procedure, Error> {
    Procedure::from_json(&serde_json::to_vec(v).unwrap())
}

/// The single issue of a schema that must fail.
fn issue(v: Value) -> (String, SchemaProblem) {
    match load(&v) {
        Err(Error::Schema(issues)) => {
            assert_eq!(issues.0.len(), 1, "{issues}");
            (issues.0[0].path.clone(), issues.0[0].problem.clone())
        }
        other => panic!("expected a schema error, got {other:?}"),
    }
}

#[test]
fn a_valid_schema_loads() {
    let v = procedure(
        json!([section(vec![
            field("a", "text"),
            with(field("b", "text"), "visible", json!({"var": "a"}))
        ])]),
        json!([]),
    );
    let p = load(&v).unwrap();
    assert_eq!(p.field_ids(), ["a", "b"]);
}

#[test]
fn duplicate_ids() {
    let (path, problem) = issue(procedure(
        json!([section(vec![field("a", "text"), field("a", "date")])]),
        json!([]),
    ));
    assert_eq!(path, "$.sections[0].fields[1].id");
    assert_eq!(
        problem,
        SchemaProblem::DuplicateId {
            id: "a".into(),
            first: "$.sections[0].fields[0]".into()
        }
    );

    let group = with(
        with(field("g", "group"), "repeatable", json!(true)),
        "fields",
        json!([field("a", "text")]),
    );
    let (path, _) = issue(procedure(
        json!([section(vec![field("a", "text"), group])]),
        json!([]),
    ));
    assert_eq!(path, "$.sections[0].fields[1].fields[0].id");

    let two = json!([
        section(vec![field("a", "text")]),
        section(vec![field("b", "text")])
    ]);
    let (path, problem) = issue(procedure(two, json!([])));
    assert_eq!(path, "$.sections[1].id");
    assert!(matches!(problem, SchemaProblem::DuplicateId { .. }));

    let rule = json!({"id": "r", "check": true, "fields": ["a"], "message": {"vi": "", "en": ""}});
    let (path, _) = issue(procedure(
        json!([section(vec![field("a", "text")])]),
        json!([rule, rule]),
    ));
    assert_eq!(path, "$.rules[1].id");

    let choice = with(
        field("c", "choice"),
        "options",
        json!([
        {"value": "x", "label": {"vi": "X", "en": "X"}}, {"value": "x", "label": {"vi": "Y", "en": "Y"}}]),
    );
    let (path, _) = issue(procedure(json!([section(vec![choice])]), json!([])));
    assert_eq!(path, "$.sections[0].fields[0].options[1].value");
}

#[test]
fn invalid_ids() {
    for bad in ["", "A", "1a", "a-b", "a.b", "ä"] {
        let (path, problem) = issue(procedure(
            json!([section(vec![field(bad, "text")])]),
            json!([]),
        ));
        assert_eq!(path, "$.sections[0].fields[0].id");
        assert_eq!(problem, SchemaProblem::InvalidId(bad.into()));
    }
}

#[test]
fn unknown_field_references() {
    let cases = [
        (
            with(
                field("a", "text"),
                "visible",
                json!({"==": [{"var": "nope"}, 1]}),
            ),
            "$.sections[0].fields[0].visible[\"==\"][0].var",
        ),
        (
            with(
                field("a", "text"),
                "required",
                json!({"!": {"var": "nope"}}),
            ),
            "$.sections[0].fields[0].required[\"!\"].var",
        ),
        (
            with(
                field("a", "text"),
                "compute",
                json!({"cat": [{"var": "nope"}]}),
            ),
            "$.sections[0].fields[0].compute.cat[0].var",
        ),
        (
            with(field("a", "personal_id"), "birth_date_field", json!("nope")),
            "$.sections[0].fields[0].birth_date_field",
        ),
        (
            with(field("a", "personal_id"), "sex_field", json!("nope")),
            "$.sections[0].fields[0].sex_field",
        ),
    ];
    for (f, want) in cases {
        let (path, problem) = issue(procedure(json!([section(vec![f])]), json!([])));
        assert_eq!(path, want);
        assert_eq!(problem, SchemaProblem::UnknownField("nope".into()));
    }
    let rule = json!({"id": "r", "check": {"var": "a"}, "fields": ["nope"], "message": {"vi": "", "en": ""}});
    let (path, problem) = issue(procedure(
        json!([section(vec![field("a", "text")])]),
        json!([rule]),
    ));
    assert_eq!(
        (path.as_str(), problem),
        (
            "$.rules[0].fields[0]",
            SchemaProblem::UnknownField("nope".into())
        )
    );
}

#[test]
fn scope_and_order_of_references() {
    let table = with(
        with(field("rows", "group"), "repeatable", json!(true)),
        "fields",
        json!([field("k", "text")]),
    );
    // A row field from outside its rows.
    let (path, problem) = issue(procedure(
        json!([section(vec![
            table.clone(),
            with(field("b", "text"), "required", json!({"var": "k"}))
        ])]),
        json!([]),
    ));
    assert_eq!(
        (path.as_str(), problem),
        (
            "$.sections[0].fields[1].required.var",
            SchemaProblem::OutOfScope("k".into())
        )
    );
    // ...but fine inside some/all over the group.
    let ok = with(
        field("b", "text"),
        "required",
        json!({"some": [{"var": "rows"}, {"var": "k"}]}),
    );
    load(&procedure(json!([section(vec![table, ok])]), json!([]))).unwrap();
    // Visibility may not look ahead, nor at computed fields.
    let (path, problem) = issue(procedure(
        json!([section(vec![
            with(field("a", "text"), "visible", json!({"var": "b"})),
            field("b", "text")
        ])]),
        json!([]),
    ));
    assert_eq!(
        (path.as_str(), problem),
        (
            "$.sections[0].fields[0].visible.var",
            SchemaProblem::ForwardReference("b".into())
        )
    );
    let computed = with(field("c", "text"), "compute", json!("x"));
    let (_, problem) = issue(procedure(
        json!([section(vec![
            computed,
            with(field("b", "text"), "visible", json!({"var": "c"}))
        ])]),
        json!([]),
    ));
    assert_eq!(problem, SchemaProblem::ForwardReference("c".into()));
    // Requiredness may look anywhere.
    let ok = json!([section(vec![
        with(field("a", "text"), "required", json!({"var": "b"})),
        field("b", "text")
    ])]);
    load(&procedure(ok, json!([]))).unwrap();
}

#[test]
fn computed_cycles() {
    let a = with(
        field("a", "text"),
        "compute",
        json!({"cat": [{"var": "b"}]}),
    );
    let b = with(
        field("b", "text"),
        "compute",
        json!({"cat": [{"var": "c"}]}),
    );
    let c = with(
        field("c", "text"),
        "compute",
        json!({"cat": [{"var": "a"}]}),
    );
    let (path, problem) = issue(procedure(json!([section(vec![a, b, c])]), json!([])));
    assert_eq!(path, "$.sections[0].fields[0].compute");
    assert_eq!(
        problem,
        SchemaProblem::ComputedCycle(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    let selfish = with(field("s", "text"), "compute", json!({"var": "s"}));
    let (_, problem) = issue(procedure(json!([section(vec![selfish])]), json!([])));
    assert_eq!(
        problem,
        SchemaProblem::ComputedCycle(vec!["s".into(), "s".into()])
    );
    // A chain is fine.
    let a = with(
        field("a", "text"),
        "compute",
        json!({"cat": [{"var": "b"}, "!"]}),
    );
    let b = with(
        field("b", "text"),
        "compute",
        json!({"cat": [{"var": "x"}]}),
    );
    load(&procedure(
        json!([section(vec![a, b, field("x", "text")])]),
        json!([]),
    ))
    .unwrap();
}

#[test]
fn bad_patterns() {
    for bad in ["(", "[a-", "a{2,1}", "(?P<x>a)(?P<x>b)"] {
        let (path, problem) = issue(procedure(
            json!([section(vec![with(
                field("a", "text"),
                "pattern",
                json!(bad)
            )])]),
            json!([]),
        ));
        assert_eq!(path, "$.sections[0].fields[0].pattern");
        assert!(
            matches!(problem, SchemaProblem::BadPattern { ref pattern, .. } if pattern == bad),
            "{problem}"
        );
    }
    let long = "a".repeat(600);
    let (_, problem) = issue(procedure(
        json!([section(vec![with(
            field("a", "text"),
            "pattern",
            json!(long)
        )])]),
        json!([]),
    ));
    assert!(matches!(problem, SchemaProblem::TooMany { .. }));
}

#[test]
fn bad_expressions() {
    let cases = [
        (
            json!({"frobnicate": [1]}),
            "$.sections[0].fields[0].visible.frobnicate",
            "unknown operator",
        ),
        (
            json!({"a": 1, "b": 2}),
            "$.sections[0].fields[0].visible",
            "exactly one key",
        ),
        (
            json!({"var": {"cat": ["a"]}}),
            "$.sections[0].fields[0].visible.var",
            "literal field name",
        ),
        (
            json!({"substr": ["a"]}),
            "$.sections[0].fields[0].visible.substr",
            "takes 2 to 3 arguments",
        ),
    ];
    for (expr, want_path, want_text) in cases {
        let (path, problem) = issue(procedure(
            json!([section(vec![with(field("a", "text"), "visible", expr)])]),
            json!([]),
        ));
        assert_eq!(path, want_path);
        assert!(problem.to_string().contains(want_text), "{problem}");
    }
}

#[test]
fn properties_must_fit_the_type() {
    let cases = [
        (
            with(field("a", "date"), "pattern", json!("x")),
            "$.sections[0].fields[0].pattern",
        ),
        (
            with(
                field("a", "text"),
                "options",
                json!([{"value": "x", "label": {"vi": "", "en": ""}}]),
            ),
            "$.sections[0].fields[0].options",
        ),
        (field("a", "choice"), "$.sections[0].fields[0].options"),
        (
            with(field("a", "number"), "min_rows", json!(1)),
            "$.sections[0].fields[0].min_rows",
        ),
        (field("a", "group"), "$.sections[0].fields[0].fields"),
        (
            with(with(field("a", "number"), "min", json!(5)), "max", json!(1)),
            "$.sections[0].fields[0].min",
        ),
        (
            with(field("a", "date"), "max_date", json!("31/12/2025")),
            "$.sections[0].fields[0].max_date",
        ),
        (
            with(
                with(field("a", "text"), "compute", json!("x")),
                "required",
                json!(true),
            ),
            "$.sections[0].fields[0].required",
        ),
    ];
    for (f, want) in cases {
        let (path, problem) = issue(procedure(json!([section(vec![f])]), json!([])));
        assert_eq!(path, want);
        assert!(
            matches!(problem, SchemaProblem::BadProperty(_)),
            "{problem}"
        );
    }
    // A personal id's declared sex: a sex or an expression, only on a
    // personal id, not beside a sex field, using known fields.
    for (f, at) in [
        (with(field("a", "text"), "sex", json!("female")), "sex"),
        (
            with(field("a", "personal_id"), "sex", json!("woman")),
            "sex",
        ),
        (with(field("a", "personal_id"), "sex", json!(1)), "sex"),
        (
            with(
                field("a", "text"),
                "holder",
                json!({"vi": "mẹ", "en": "mother"}),
            ),
            "holder",
        ),
    ] {
        let (path, _) = issue(procedure(json!([section(vec![f])]), json!([])));
        assert_eq!(path, format!("$.sections[0].fields[0].{at}"));
    }
    let (path, problem) = issue(procedure(
        json!([section(vec![with(
            field("a", "personal_id"),
            "sex",
            json!({"var": "nobody"})
        )])]),
        json!([]),
    ));
    assert_eq!(path, "$.sections[0].fields[0].sex.var");
    assert_eq!(problem, SchemaProblem::UnknownField("nobody".into()));
    let sex = with(
        field("sx", "choice"),
        "options",
        json!([{"value": "male", "label": {"vi": "Nam", "en": "Male"}},
               {"value": "female", "label": {"vi": "Nữ", "en": "Female"}}]),
    );
    let both = with(
        with(field("id", "personal_id"), "sex_field", json!("sx")),
        "sex",
        json!("male"),
    );
    let (path, _) = issue(procedure(json!([section(vec![sex, both])]), json!([])));
    assert_eq!(path, "$.sections[0].fields[1].sex");
    // The sex field of a personal id must offer male and female.
    let sex = with(
        field("sx", "choice"),
        "options",
        json!([{"value": "m", "label": {"vi": "", "en": ""}}]),
    );
    let id = with(field("id", "personal_id"), "sex_field", json!("sx"));
    let (path, _) = issue(procedure(json!([section(vec![sex, id])]), json!([])));
    assert_eq!(path, "$.sections[0].fields[1].sex_field");
}

#[test]
fn shape_errors_name_their_path_and_unknown_keys_are_refused() {
    let v = procedure(
        json!([section(vec![with(
            field("a", "text"),
            "requried",
            json!(true)
        )])]),
        json!([]),
    );
    match load(&v) {
        Err(Error::Json { path, .. }) => assert_eq!(path, "$.sections[0].fields[0].requried"),
        other => panic!("{other:?}"),
    }
    let v = procedure(json!([section(vec![field("a", "colour")])]), json!([]));
    match load(&v) {
        Err(Error::Json { path, .. }) => assert_eq!(path, "$.sections[0].fields[0].type"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        Procedure::from_json(b"{} trailing"),
        Err(Error::Json { .. })
    ));
    assert!(matches!(
        Procedure::from_json(b"[]"),
        Err(Error::Json { .. })
    ));
}

#[test]
fn limits() {
    let too_deep = (0..10).fold(field("x", "text"), |inner, i| {
        with(field(&format!("g{i}"), "group"), "fields", json!([inner]))
    });
    let (_, problem) = issue(procedure(json!([section(vec![too_deep])]), json!([])));
    assert!(
        matches!(
            problem,
            SchemaProblem::TooMany {
                what: "levels of nested groups",
                ..
            }
        ),
        "{problem}"
    );

    let many: Vec<Value> = (0..2100)
        .map(|i| field(&format!("f{i}"), "yes_no"))
        .collect();
    let (path, problem) = issue(procedure(json!([section(many)]), json!([])));
    assert_eq!(path, "$.sections[0].fields[2000]");
    assert!(matches!(
        problem,
        SchemaProblem::TooMany { what: "fields", .. }
    ));

    let big = vec![b' '; motcua_forms::MAX_SCHEMA_BYTES + 1];
    assert!(matches!(
        Procedure::from_json(&big),
        Err(Error::TooLarge { .. })
    ));

    let long_label = with(
        field("a", "text"),
        "label",
        json!({"vi": "x".repeat(5000), "en": ""}),
    );
    let (path, _) = issue(procedure(json!([section(vec![long_label])]), json!([])));
    assert_eq!(path, "$.sections[0].fields[0].label.vi");

    // Deeply nested JSON is refused by the parser, not by a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(Procedure::from_json(deep.as_bytes()).is_err());
}

#[test]
fn several_problems_are_all_reported() {
    let v = procedure(
        json!([section(vec![
            field("A", "text"),
            with(field("b", "text"), "visible", json!({"var": "zz"})),
            with(field("c", "text"), "pattern", json!("("))
        ])]),
        json!([]),
    );
    let Err(Error::Schema(issues)) = load(&v) else {
        panic!()
    };
    let paths: Vec<&str> = issues.0.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "$.sections[0].fields[0].id",
            "$.sections[0].fields[1].visible.var",
            "$.sections[0].fields[2].pattern"
        ]
    );
    let text = Error::Schema(issues).to_string();
    assert!(
        text.starts_with(
            "invalid procedure schema: at $.sections[0].fields[0].id: invalid id \"A\""
        ),
        "{text}"
    );
}

#[test]
fn copy_offers_are_checked() {
    let offer = |fields: Value, set: Value| {
        json!([{"id": "same", "label": {"vi": "Giống", "en": "Same"},
                "fields": fields, "set": set}])
    };
    let first = section(vec![field("a", "text"), field("n", "number")]);
    let second = |copy: Value| {
        json!({"id": "t", "title": {"vi": "T", "en": "T"}, "copy_from": copy, "fields": [
            field("b", "text"), field("y", "yes_no"),
            with(field("g", "group"), "fields", json!([field("c", "text")])),
        ]})
    };
    // A good offer loads.
    let good = procedure(
        json!([first, second(offer(json!({"b": "a"}), json!({"y": true})))]),
        json!([]),
    );
    let p = load(&good).unwrap();
    assert_eq!(p.copy_offers().len(), 1);
    for (copy, want) in [
        // Target outside the section.
        (
            offer(json!({"a": "a"}), json!({})),
            "$.sections[1].copy_from[0].fields.a",
        ),
        // Source not before the section.
        (
            offer(json!({"b": "c"}), json!({})),
            "$.sections[1].copy_from[0].fields.b",
        ),
        // Types differ.
        (
            offer(json!({"b": "n"}), json!({})),
            "$.sections[1].copy_from[0].fields.b",
        ),
        // A constant that is no answer of its field.
        (
            offer(json!({"b": "a"}), json!({"y": "ja"})),
            "$.sections[1].copy_from[0].set.y",
        ),
        // Unknown source.
        (
            offer(json!({"b": "zz"}), json!({})),
            "$.sections[1].copy_from[0].fields.b",
        ),
        // Nothing to copy.
        (
            offer(json!({}), json!({})),
            "$.sections[1].copy_from[0].fields",
        ),
    ] {
        let (path, _) = issue(procedure(
            json!([
                section(vec![field("a", "text"), field("n", "number")]),
                second(copy)
            ]),
            json!([]),
        ));
        assert_eq!(path, want);
    }
    // Conditions may only look back.
    let mut copy = offer(json!({"b": "a"}), json!({}));
    copy[0]["when"] = json!({"var": "b"});
    let (path, problem) = issue(procedure(
        json!([
            section(vec![field("a", "text"), field("n", "number")]),
            second(copy)
        ]),
        json!([]),
    ));
    assert_eq!(path, "$.sections[1].copy_from[0].when.var");
    assert_eq!(problem, SchemaProblem::ForwardReference("b".into()));
}
