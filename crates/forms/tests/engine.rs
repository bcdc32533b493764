//! The validation engine: conditions, requiredness, repeatable groups,
//! computed values, rules, normalization and the incremental API.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns: a panic is a test failure"
)]

use motcua_forms::{AdminUnits, Date, Env, ErrorCode, Procedure};
use serde_json::{Value, json};

fn procedure(sections: Value, rules: Value) -> Procedure {
    let v = json!({
        "format": 1, "code": "9.000001", "version": "1", "level": "commune",
        "name": {"vi": "Thử", "en": "Test"}, "fee": {"vi": "", "en": ""},
        "processing_time": {"vi": "", "en": ""}, "legal_basis": [], "components": [],
        "sections": sections, "rules": rules
    });
    Procedure::from_json(&serde_json::to_vec(&v).unwrap()).unwrap_or_else(|e| panic!("{e}"))
}

fn f(id: &str, kind: &str, extra: Value) -> Value {
    let mut v = json!({"id": id, "type": kind, "label": {"vi": format!("Nhãn {id}"), "en": format!("Label {id}")}});
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

fn section(id: &str, fields: Vec<Value>) -> Value {
    json!({"id": id, "title": {"vi": id, "en": id}, "fields": fields})
}

fn env() -> Env<'static> {
    Env::new(Date::new(2026, 11, 25).unwrap())
}

fn codes(p: &Procedure, values: Value) -> Vec<(String, &'static str)> {
    p.evaluate(&values, &env())
        .errors()
        .iter()
        .map(|e| (e.path.clone(), e.code.as_str()))
        .collect()
}

fn yes_no_options() -> Value {
    json!([{"value": "yes", "label": {"vi": "Có", "en": "Yes"}}, {"value": "no", "label": {"vi": "Không", "en": "No"}}])
}

#[test]
fn hidden_fields_are_neither_validated_nor_submitted() {
    let p = procedure(
        json!([section(
            "s",
            vec![
                f("abroad", "yes_no", json!({"required": true})),
                f(
                    "country",
                    "text",
                    json!({"required": true, "visible": {"==": [{"var": "abroad"}, true]}})
                ),
                f(
                    "street",
                    "address",
                    json!({"required": true, "visible": {"==": [{"var": "abroad"}, false]}})
                ),
            ]
        )]),
        json!([]),
    );
    let values = json!({"abroad": true, "country": "Nhật Bản", "street": {"province": "xx"}});
    let data = p.validate(&values, &env()).unwrap();
    assert_eq!(data, json!({"abroad": true, "country": "Nhật Bản"}));
    let ev = p.evaluate(&values, &env());
    assert!(ev.is_visible("country") && !ev.is_visible("street"));
    assert!(ev.is_required("country") && !ev.is_required("street"));
    // Flip the answer: now the address is checked, the country dropped.
    assert_eq!(
        codes(&p, json!({"abroad": false, "country": "Nhật Bản"})),
        [("street".into(), "required")]
    );
    // Unanswered condition: neither is shown.
    assert_eq!(codes(&p, json!({})), [("abroad".into(), "required")]);
}

#[test]
fn conditions_cascade_through_hidden_fields() {
    let p = procedure(
        json!([section(
            "s",
            vec![
                f("a", "yes_no", json!({})),
                f(
                    "b",
                    "choice",
                    json!({"options": yes_no_options(), "visible": {"var": "a"}})
                ),
                f(
                    "c",
                    "text",
                    json!({"required": true, "visible": {"==": [{"var": "b"}, "yes"]}})
                ),
            ]
        )]),
        json!([]),
    );
    // b keeps a stale "yes" but is hidden, so c is hidden too.
    let ev = p.evaluate(&json!({"a": false, "b": "yes"}), &env());
    assert!(!ev.is_visible("b") && !ev.is_visible("c"));
    assert!(ev.is_valid());
    assert_eq!(
        codes(&p, json!({"a": true, "b": "yes"})),
        [("c".into(), "required")]
    );
}

#[test]
fn conditional_requiredness_and_sections() {
    let p = procedure(
        json!([
            section("first", vec![
                f("has_email", "yes_no", json!({"required": true})),
                f("email", "email", json!({"required": {"==": [{"var": "has_email"}, true]}})),
            ]),
            {"id": "second", "title": {"vi": "2", "en": "2"}, "visible": {"var": "has_email"},
             "fields": [f("newsletter", "yes_no", json!({"required": true}))]},
        ]),
        json!([]),
    );
    assert_eq!(codes(&p, json!({"has_email": false})), []);
    let ev = p.evaluate(&json!({"has_email": true, "email": "x"}), &env());
    assert!(ev.is_section_visible("second") && ev.is_required("email"));
    let got: Vec<&str> = ev.errors().iter().map(|e| e.path.as_str()).collect();
    assert_eq!(got, ["email", "newsletter"]);
    assert_eq!(ev.section_errors("first").count(), 1);
    assert_eq!(ev.section_errors("second").count(), 1);
    assert_eq!(ev.errors()[0].section.as_deref(), Some("first"));
    let e = &p.validate_field("email", &json!({"has_email": true, "email": "x"}), &env())[0];
    assert_eq!(e.code, ErrorCode::InvalidEmail);
    assert_eq!(
        e.message.en,
        "“Label email”: enter an e-mail address in the right format, like name@example.vn"
    );
    assert!(
        p.validate_section(
            "first",
            &json!({"has_email": true, "email": "a@b.vn"}),
            &env()
        )
        .is_empty()
    );
}

#[test]
fn repeatable_groups_with_min_and_max() {
    let p = procedure(
        json!([section(
            "s",
            vec![
                f("owner_id", "personal_id", json!({"required": true})),
                f(
                    "members",
                    "group",
                    json!({"repeatable": true, "min_rows": 1, "max_rows": 2, "fields": [
                f("name", "person_name", json!({"required": true})),
                f("dob", "date", json!({"required": true})),
                f("sex", "choice", json!({"options": [{"value": "male", "label": {"vi": "Nam", "en": "Male"}}, {"value": "female", "label": {"vi": "Nữ", "en": "Female"}}]})),
                f("pid", "personal_id", json!({"birth_date_field": "dob", "sex_field": "sex"})),
                f("school", "text", json!({"visible": {"<": [{"age": [{"var": "dob"}, {"today": []}]}, 18]}})),
            ], "rules": [{"id": "not_owner", "check": {"!=": [{"var": "pid"}, {"var": "owner_id"}]}, "fields": ["pid"],
                          "message": {"vi": "Trùng chủ hộ", "en": "Same as the owner"}}]})
                ),
            ]
        )]),
        json!([]),
    );
    let owner = "001090012345";
    assert_eq!(
        codes(&p, json!({"owner_id": owner})),
        [("members".into(), "too_few_rows")]
    );
    assert_eq!(
        codes(&p, json!({"owner_id": owner, "members": []})),
        [("members".into(), "too_few_rows")]
    );
    let row = json!({"name": "An", "dob": "01/01/2010"});
    assert_eq!(
        codes(&p, json!({"owner_id": owner, "members": [row, row, row]})),
        [("members".into(), "too_many_rows")]
    );
    let values = json!({"owner_id": owner, "members": [
        {"name": " Lê  Văn  Bình ", "dob": "02/03/2012", "sex": "male", "pid": "001212000001", "school": "THCS Ba Đình"},
        {"name": "Lê Thị Cúc", "dob": "1990-04-05", "sex": "female", "pid": "001090012345", "school": "ignored: adult"},
    ]});
    assert_eq!(
        codes(&p, values.clone()),
        [("members[1].pid".into(), "personal_id_sex")]
    );
    let ev = p.evaluate(&values, &env());
    assert!(ev.is_visible("members[0].school") && !ev.is_visible("members[1].school"));
    let mut fixed = values;
    fixed["members"][1]["pid"] = json!("001190012345");
    assert_eq!(codes(&p, fixed.clone()), []);
    fixed["members"][1]["pid"] = json!(owner);
    fixed["members"][1]["sex"] = json!("male");
    let ev = p.evaluate(&fixed, &env());
    assert_eq!(ev.errors().len(), 1);
    assert_eq!(
        (ev.errors()[0].path.as_str(), ev.errors()[0].rule.as_deref()),
        ("members[1].pid", Some("not_owner"))
    );
    fixed["members"][1]["pid"] = json!("001190012345");
    fixed["members"][1]["sex"] = json!("female");
    let data = p.validate(&fixed, &env()).unwrap();
    assert_eq!(
        data["members"],
        json!([
            {"name": "Lê Văn Bình", "dob": "2012-03-02", "sex": "male", "pid": "001212000001", "school": "THCS Ba Đình"},
            {"name": "Lê Thị Cúc", "dob": "1990-04-05", "sex": "female", "pid": "001190012345"},
        ])
    );
    // Broken rows and unknown keys are reported, not fatal.
    assert_eq!(
        codes(
            &p,
            json!({"owner_id": owner, "members": [7, {"name": "A", "dob": "01/01/2000", "zz": 1}]})
        ),
        [
            ("members[0]".into(), "wrong_type"),
            ("members[1].zz".into(), "unknown_field"),
            ("members[0].name".into(), "required"),
            ("members[0].dob".into(), "required"),
        ]
    );
    assert_eq!(
        codes(&p, json!({"owner_id": owner, "members": "x"})),
        [("members".into(), "wrong_type")]
    );
}

#[test]
fn computed_values_in_dependency_order() {
    let p = procedure(
        json!([section(
            "s",
            vec![
                f(
                    "words_upper",
                    "text",
                    json!({"compute": {"cat": ["Ngày sinh: ", {"var": "words"}]}})
                ),
                f(
                    "words",
                    "text",
                    json!({"compute": {"date_words": {"var": "dob"}}})
                ),
                f("dob", "date", json!({"required": true})),
                f(
                    "age",
                    "number",
                    json!({"compute": {"age": [{"var": "dob"}, {"today": []}]}})
                ),
            ]
        )]),
        json!([]),
    );
    let data = p
        .validate(
            &json!({"dob": "25/11/2026", "words": "typed by a user: ignored"}),
            &env(),
        )
        .unwrap();
    assert_eq!(
        data,
        json!({
            "dob": "2026-11-25",
            "words": "ngày hai mươi lăm tháng mười một năm hai nghìn không trăm hai mươi sáu",
            "words_upper": "Ngày sinh: ngày hai mươi lăm tháng mười một năm hai nghìn không trăm hai mươi sáu",
            "age": 0,
        })
    );
    let ev = p.evaluate(&json!({"dob": "bad"}), &env());
    assert_eq!(ev.computed()["words"], Value::Null);
    assert_eq!(ev.computed()["words_upper"], json!("Ngày sinh: "));
}

#[test]
fn cross_field_rules() {
    let p = procedure(
        json!([section(
            "s",
            vec![
                f("phone", "phone", json!({})),
                f("email", "email", json!({})),
                f("from", "date", json!({})),
                f("to", "date", json!({})),
            ]
        )]),
        json!([
            {"id": "contact", "check": {"or": [{"var": "phone"}, {"var": "email"}]}, "fields": ["phone", "email"],
             "message": {"vi": "Cần số điện thoại hoặc email", "en": "Give a phone number or an e-mail"}},
            {"id": "order", "when": {"and": [{"var": "from"}, {"var": "to"}]}, "check": {"<=": [{"var": "from"}, {"var": "to"}]},
             "fields": ["to"], "message": {"vi": "Ngày kết thúc trước ngày bắt đầu", "en": "The end is before the start"}},
        ]),
    );
    assert_eq!(codes(&p, json!({})), [("phone".into(), "rule")]);
    assert_eq!(codes(&p, json!({"email": "a@b.vn"})), []);
    // Dates compare as days, whatever way they were typed.
    assert_eq!(
        codes(
            &p,
            json!({"email": "a@b.vn", "from": "02/01/2026", "to": "2026-01-10"})
        ),
        []
    );
    assert_eq!(
        codes(
            &p,
            json!({"email": "a@b.vn", "from": "10/01/2026", "to": "2/1/2026"})
        ),
        [("to".into(), "rule")]
    );
    // A field with its own error is not blamed again by a rule.
    assert_eq!(
        codes(&p, json!({"phone": "12"})),
        [("phone".into(), "invalid_phone")]
    );
}

#[test]
fn normalization_of_every_kind() {
    let units =
        AdminUnits::from_json(include_bytes!("../../../web/units/units-2025.json")).unwrap();
    let env = env().with_units(&units);
    let options = json!([{"value": "a", "label": {"vi": "A", "en": "A"}}, {"value": "b", "label": {"vi": "B", "en": "B"}}, {"value": "c", "label": {"vi": "C", "en": "C"}}]);
    let p = procedure(
        json!([section(
            "s",
            vec![
                f("text", "text", json!({})),
                f("long", "long_text", json!({})),
                f("num", "number", json!({})),
                f("int", "number", json!({"integer": true})),
                f("day", "date", json!({})),
                f("yes", "yes_no", json!({})),
                f("one", "choice", json!({"options": options})),
                f("many", "multi_choice", json!({"options": options})),
                f("mail", "email", json!({})),
                f("tel", "phone", json!({})),
                f("pid", "personal_id", json!({})),
                f("tax", "tax_code", json!({})),
                f("unit", "admin_unit", json!({})),
                f("addr", "address", json!({})),
                f("name", "person_name", json!({})),
            ]
        )]),
        json!([]),
    );
    let values = json!({
        "text": "  hello  ", "long": " a\r\nb ", "num": "12,5", "int": 42.0, "day": "5/1/2026", "yes": false,
        "one": "b", "many": ["c", "a", "c"], "mail": " An@Example.VN ", "tel": "84 912 345 678",
        "pid": "001 090 012345", "tax": "0312.687.878-001", "unit": {"province": "79", "commune": "25747"},
        "addr": {"province": "01", "commune": "00004", "street": "  Số 1   phố Huế "}, "name": "  nguyễn   văn  an ",
    });
    let data = p
        .validate(&values, &env)
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        data,
        json!({
            "text": "hello", "long": "a\nb", "num": 12.5, "int": 42, "day": "2026-01-05", "yes": false,
            "one": "b", "many": ["a", "c"], "mail": "An@example.vn", "tel": "0912345678",
            "pid": "001090012345", "tax": "0312687878-001", "unit": {"province": "79", "commune": "25747"},
            "addr": {"province": "01", "commune": "00004", "street": "Số 1 phố Huế"}, "name": "nguyễn văn an",
        })
    );
    // Empty answers are left out.
    let empty =
        json!({"text": "  ", "many": [], "unit": {"province": "", "commune": ""}, "day": null});
    assert_eq!(p.validate(&empty, &env).unwrap(), json!({}));
}

#[test]
fn value_faults() {
    let units =
        AdminUnits::from_json(include_bytes!("../../../web/units/units-2025.json")).unwrap();
    let env = env().with_units(&units);
    let p = procedure(
        json!([section(
            "s",
            vec![
                f(
                    "t",
                    "text",
                    json!({"min_length": 2, "max_length": 4, "pattern": "[a-z]+"})
                ),
                f("n", "number", json!({"integer": true, "min": 1, "max": 9})),
                f(
                    "d",
                    "date",
                    json!({"min_date": "2020-01-01", "max_date": "today"})
                ),
                f(
                    "m",
                    "multi_choice",
                    json!({"options": yes_no_options(), "min_selected": 2})
                ),
                f("u", "admin_unit", json!({})),
                f("x", "tax_code", json!({"tax_code_kinds": ["main"]})),
                f("nm", "person_name", json!({})),
                f("y", "yes_no", json!({})),
            ]
        )]),
        json!([]),
    );
    let cases = [
        (json!({"t": "a"}), "too_short"),
        (json!({"t": "abcde"}), "too_long"),
        (json!({"t": "AB"}), "pattern_mismatch"),
        (json!({"t": 12}), "wrong_type"),
        (json!({"n": "1.5"}), "not_an_integer"),
        (json!({"n": "1e3"}), "not_a_number"),
        (json!({"n": 0}), "too_small"),
        (json!({"n": "10"}), "too_large"),
        (json!({"d": "31/12/2019"}), "date_too_early"),
        (json!({"d": "26/11/2026"}), "date_too_late"),
        (json!({"d": "2026-13-01"}), "invalid_date"),
        (json!({"m": ["yes"]}), "too_few_selected"),
        (json!({"m": ["maybe"]}), "unknown_option"),
        (json!({"u": {"province": "01"}}), "invalid_unit"),
        (
            json!({"u": {"province": "02", "commune": "00004"}}),
            "unknown_province",
        ),
        (
            json!({"u": {"province": "01", "commune": "99999"}}),
            "unknown_commune",
        ),
        (
            json!({"u": {"province": "79", "commune": "00004"}}),
            "commune_not_in_province",
        ),
        (json!({"x": "0314409058-002"}), "invalid_tax_code"),
        (json!({"x": "0100233480"}), "tax_code_checksum"),
        (json!({"nm": "An 3"}), "invalid_name"),
        (json!({"y": "yes"}), "wrong_type"),
        (json!({"zz": 1}), "unknown_field"),
        (json!([1, 2]), "wrong_type"),
        (json!({"t": "a".repeat(20_000)}), "too_long"),
    ];
    for (values, code) in cases {
        let ev = p.evaluate(&values, &env);
        let got: Vec<&str> = ev.errors().iter().map(|e| e.code.as_str()).collect();
        assert_eq!(got, [code], "{values}");
        assert!(!ev.errors()[0].message.vi.is_empty() && !ev.errors()[0].message.en.is_empty());
    }
    // Without the unit table only the shape of codes is checked.
    let ev = p.evaluate(
        &json!({"u": {"province": "02", "commune": "00004"}}),
        &Env::new(env.today),
    );
    assert!(ev.is_valid());
}

#[test]
fn personal_id_checks_against_holder_and_today() {
    let p = procedure(
        json!([section(
            "s",
            vec![
                f("year", "number", json!({"integer": true})),
                f("pid", "personal_id", json!({"birth_date_field": "year"})),
            ]
        )]),
        json!([]),
    );
    assert_eq!(codes(&p, json!({"year": 1990, "pid": "001090012345"})), []);
    assert_eq!(
        codes(&p, json!({"year": 1991, "pid": "001090012345"})),
        [("pid".into(), "personal_id_birth_year")]
    );
    // 2027 has not come yet on 25/11/2026.
    assert_eq!(
        codes(&p, json!({"pid": "001227012345"})),
        [("pid".into(), "personal_id_birth_year")]
    );
    assert_eq!(
        codes(&p, json!({"pid": "999090012345"})),
        [("pid".into(), "personal_id_place")]
    );
    assert_eq!(
        codes(&p, json!({"pid": "00109001234"})),
        [("pid".into(), "invalid_personal_id")]
    );
}

#[test]
fn a_year_typed_short_is_told_to_use_four_digits() {
    let p = procedure(
        json!([section(
            "s",
            vec![
                f(
                    "year",
                    "number",
                    json!({"integer": true, "min": 1900, "max": 2100})
                ),
                f("count", "number", json!({"integer": true, "min": 1000})),
                f("small", "number", json!({"integer": true, "min": 5})),
            ]
        )]),
        json!([]),
    );
    for typed in [json!("95"), json!(5), json!("0")] {
        let ev = p.evaluate(&json!({ "year": typed }), &env());
        assert_eq!(ev.errors().len(), 1, "{typed}");
        let e = &ev.errors()[0];
        assert_eq!(e.code, ErrorCode::ShortYear, "{typed}");
        assert_eq!(
            e.message.vi,
            "“Nhãn year”: nhập năm đủ bốn chữ số, ví dụ 1995"
        );
        assert_eq!(
            e.message.en,
            "“Label year”: enter the year in four digits, for example 1995"
        );
    }
    // Four digits out of range are still too small or too large.
    assert_eq!(
        codes(&p, json!({"year": 1899})),
        [("year".into(), "too_small")]
    );
    assert_eq!(
        codes(&p, json!({"year": 2101})),
        [("year".into(), "too_large")]
    );
    // A field without four-digit bounds is no year: a small number is small.
    assert_eq!(
        codes(&p, json!({"count": 95})),
        [("count".into(), "too_small")]
    );
    assert_eq!(
        codes(&p, json!({"small": 2})),
        [("small".into(), "too_small")]
    );
}

#[test]
fn personal_id_sex_from_the_holder_role() {
    let relationship = json!([
        {"value": "father", "label": {"vi": "Cha", "en": "Father"}},
        {"value": "mother", "label": {"vi": "Mẹ", "en": "Mother"}},
        {"value": "other", "label": {"vi": "Khác", "en": "Other"}},
    ]);
    let rel = json!({"var": "rel"});
    let p = procedure(
        json!([section(
            "s",
            vec![
                // The requester's sex follows from a later answer.
                f(
                    "requester_id",
                    "personal_id",
                    json!({"sex": {"if": [
                        {"==": [rel, "father"]}, "male",
                        {"==": [rel, "mother"]}, "female",
                        null
                    ]}, "holder": {"vi": "người yêu cầu", "en": "the requester"}})
                ),
                f("rel", "choice", json!({"options": relationship})),
                f("mother_year", "number", json!({"integer": true})),
                f(
                    "mother_id",
                    "personal_id",
                    json!({"birth_date_field": "mother_year", "sex": "female",
                           "holder": {"vi": "người mẹ", "en": "the mother"}})
                ),
                f("father_id", "personal_id", json!({"sex": "male"})),
            ]
        )]),
        json!([]),
    );
    // A 2000s-born mother: 3 is female, 2 male.
    assert_eq!(
        codes(
            &p,
            json!({"mother_year": 2001, "mother_id": "001301012345"})
        ),
        []
    );
    let ev = p.evaluate(
        &json!({"mother_year": 2001, "mother_id": "001201012345"}),
        &env(),
    );
    assert_eq!(ev.errors().len(), 1);
    let e = &ev.errors()[0];
    assert_eq!(
        (e.path.as_str(), e.code),
        ("mother_id", ErrorCode::PersonalIdSex)
    );
    assert_eq!(
        e.message.vi,
        "“Nhãn mother_id”: chữ số giới tính (chữ số thứ 4) không khớp: người mẹ là nữ, \
         sinh năm 2000–2099 thì chữ số này là 3, không phải 2"
    );
    assert_eq!(
        e.message.en,
        "“Label mother_id”: the sex digit (the 4th) does not match: the mother is female, \
         and for a birth in 2000–2099 this digit is 3, not 2"
    );
    // Without a holder, the message speaks of "this person"; 1900s digits 0/1.
    let ev = p.evaluate(&json!({"father_id": "001190012345"}), &env());
    assert_eq!(ev.errors()[0].code, ErrorCode::PersonalIdSex);
    assert!(
        ev.errors()[0]
            .message
            .vi
            .ends_with("người này là nam, sinh năm 1900–1999 thì chữ số này là 0, không phải 1"),
        "{}",
        ev.errors()[0].message.vi
    );
    assert_eq!(codes(&p, json!({"father_id": "001090012345"})), []);
    // The requester: checked when the relationship tells the sex, not otherwise.
    let woman = "001190012345";
    assert_eq!(
        codes(&p, json!({"requester_id": woman, "rel": "mother"})),
        []
    );
    assert_eq!(
        codes(&p, json!({"requester_id": woman, "rel": "father"})),
        [("requester_id".into(), "personal_id_sex")]
    );
    assert_eq!(
        codes(&p, json!({"requester_id": woman, "rel": "other"})),
        []
    );
    assert_eq!(codes(&p, json!({"requester_id": woman})), []);
    // A wrong birth year is reported as such, before the sex.
    assert_eq!(
        codes(
            &p,
            json!({"mother_year": 2001, "mother_id": "001101012345"})
        ),
        [("mother_id".into(), "personal_id_birth_year")]
    );
}

#[test]
fn generated_benchmark_procedures_are_valid() {
    for n in [10, 50, 300, 1000] {
        let (p, values) = motcua_forms::bench_procedure(n);
        assert!(p.field_ids().len() >= n - 1, "{n}: {}", p.field_ids().len());
        let ev = p.evaluate(&values, &env());
        assert!(ev.is_valid(), "{n}: {:?}", ev.errors());
    }
}

#[test]
fn nested_tables_are_bounded() {
    let inner = f(
        "inner",
        "group",
        json!({"repeatable": true, "fields": [f("a", "text", json!({})), f("b", "text", json!({}))]}),
    );
    let p = procedure(
        json!([section(
            "s",
            vec![f(
                "outer",
                "group",
                json!({"repeatable": true, "fields": [inner]})
            )]
        )]),
        json!([]),
    );
    let rows: Vec<Value> = (0..300)
        .map(|_| json!({"inner": vec![json!({"a": "x"}); 300]}))
        .collect();
    let ev = p.evaluate(&json!({"outer": rows}), &env());
    assert_eq!(
        ev.errors().last().map(|e| e.code),
        Some(ErrorCode::TooComplex)
    );
    assert!(ev.paths().count() <= 50_000);
}
