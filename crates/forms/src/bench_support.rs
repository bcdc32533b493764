//! A generated procedure of any size, for benchmarks: the criterion bench
//! here and the app's in-browser bench use the same one.

use serde_json::{Map, Value, json};

use crate::catalog::Procedure;

/// A procedure of `n_fields` fields (a mix of every entered kind, some
/// conditional, a repeatable group of three rows with rules, a computed
/// date in words) and valid data for it; `n_fields` is at least 10. The
/// generated schema is valid by construction (a test checks several sizes).
pub fn bench_procedure(n_fields: usize) -> (Procedure, Value) {
    let n = n_fields.max(10);
    let mut fields = Vec::new();
    let mut data = Map::new();
    // A repeatable group with 3 fields, 3 rows: counts as 4 fields.
    fields.push(json!({
        "id": "members", "type": "group", "repeatable": true, "min_rows": 1, "max_rows": 20,
        "label": {"vi": "Thành viên", "en": "Members"},
        "fields": [
            {"id": "m_name", "type": "person_name", "required": true, "label": {"vi": "Họ tên", "en": "Name"}},
            {"id": "m_dob", "type": "date", "required": true, "max_date": "today", "label": {"vi": "Ngày sinh", "en": "Born"}},
            {"id": "m_id", "type": "personal_id", "birth_date_field": "m_dob", "label": {"vi": "Số định danh", "en": "ID"}}
        ],
        "rules": [{"id": "m_rule", "check": {"<=": [{"var": "m_dob"}, {"today": []}]}, "fields": ["m_dob"],
                   "message": {"vi": "Ngày sinh", "en": "Born"}}]
    }));
    data.insert(
        "members".into(),
        json!([
            {"m_name": "Nguyễn Văn An", "m_dob": "01/02/1990", "m_id": "001090012345"},
            {"m_name": "Trần Thị Bình", "m_dob": "03/04/1992", "m_id": "001192012345"},
            {"m_name": "Nguyễn Minh Châu", "m_dob": "05/06/2020", "m_id": "001220012345"}
        ]),
    );
    fields.push(
        json!({"id": "dob_words", "type": "text", "compute": {"date_words": {"var": "f4"}},
                        "label": {"vi": "Bằng chữ", "en": "In words"}}),
    );
    let mut i = 0;
    while fields.len() + 3 < n {
        let id = format!("f{i}");
        let label = json!({"vi": format!("Trường {i}"), "en": format!("Field {i}")});
        let (field, value) = match i % 10 {
            0 => (
                json!({"id": id, "type": "text", "required": true, "max_length": 200, "pattern": "[A-Za-z0-9 ]+", "label": label}),
                json!(" Value 123 "),
            ),
            1 => (
                json!({"id": id, "type": "number", "integer": true, "min": 0, "max": 1000, "label": label}),
                json!("42"),
            ),
            2 => (
                json!({"id": id, "type": "email", "label": label}),
                json!("an.nguyen@example.vn"),
            ),
            3 => (
                json!({"id": id, "type": "phone", "required": true, "label": label}),
                json!("+84 912 345 678"),
            ),
            4 => (
                json!({"id": id, "type": "date", "max_date": "today", "label": label}),
                json!("25/11/2001"),
            ),
            5 => (
                json!({"id": id, "type": "choice", "options": [
                        {"value": "a", "label": {"vi": "A", "en": "A"}},
                        {"value": "b", "label": {"vi": "B", "en": "B"}}], "label": label}),
                json!("b"),
            ),
            6 => (
                json!({"id": id, "type": "tax_code", "label": label,
                        "visible": {"==": [{"var": format!("f{}", i - 1)}, "b"]}}),
                json!("0312687878-001"),
            ),
            7 => (
                json!({"id": id, "type": "yes_no", "required": {"!!": {"var": format!("f{}", i - 4)}}, "label": label}),
                json!(true),
            ),
            8 => (
                json!({"id": id, "type": "person_name", "required": true, "label": label}),
                json!("  Lê   Thị Hoa "),
            ),
            _ => (
                json!({"id": id, "type": "admin_unit", "label": label}),
                json!({"province": "01", "commune": "00004"}),
            ),
        };
        data.insert(format!("f{i}"), value);
        fields.push(field);
        i += 1;
    }
    let schema = json!({
        "format": 1, "code": "9.999999", "version": "bench", "level": "commune",
        "name": {"vi": "Biểu mẫu thử", "en": "Benchmark form"},
        "fee": {"vi": "", "en": ""}, "processing_time": {"vi": "", "en": ""},
        "legal_basis": [], "components": [],
        "sections": [{"id": "main", "title": {"vi": "Tờ khai", "en": "Declaration"}, "fields": fields}],
        "rules": [{"id": "phone_or_mail", "check": {"or": [{"var": "f2"}, {"var": "f3"}]},
                   "fields": ["f3"], "message": {"vi": "Cần số điện thoại hoặc thư điện tử", "en": "Need a phone or an e-mail"}}]
    });
    let bytes = serde_json::to_vec(&schema).unwrap_or_default();
    match Procedure::from_json(&bytes) {
        Ok(p) => (p, Value::Object(data)),
        Err(e) => unreachable_generated(&e),
    }
}

#[expect(
    clippy::panic,
    reason = "the generated schema is valid by construction; tests cover it"
)]
fn unreachable_generated(e: &crate::Error) -> ! {
    panic!("generated benchmark schema is invalid: {e}")
}
