//! Templates of the real catalog: their columns, the CSV and XLSX files a
//! spreadsheet program reads (XLSX read back with calamine), and example
//! rows that are each a different, valid applicant.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns: a panic is a test failure"
)]

use std::collections::HashSet;

use calamine::{Data, Reader, Xlsx};
use motcua_bulk::{CellKind, Template, column_name, columns, example_forms};
use motcua_forms::{Date, Env, Lang, Procedure};

fn procedure(code: &str) -> Procedure {
    let bytes =
        std::fs::read(motcua_testkit::procedures::dir().join(format!("{code}.json"))).unwrap();
    Procedure::from_json(&bytes).unwrap()
}

fn today() -> Date {
    Date::new(2026, 12, 3).unwrap()
}

#[test]
fn a_form_becomes_one_column_per_answer() {
    let p = procedure("2.000720");
    let cols = columns(&p).unwrap();
    let keys: Vec<&str> = cols.iter().map(|c| c.key.as_str()).collect();
    // Units as codes, addresses with their street, a table as numbered
    // columns up to its maximum (30 members of five fields, an address of
    // three parts each).
    for key in [
        "office_unit.province",
        "office_unit.commune",
        "owner_residence.street",
        "capital",
        "household_members.1.hm_name",
        "household_members.30.hm_residence.street",
    ] {
        assert!(keys.contains(&key), "no column {key}");
    }
    assert!(!keys.contains(&"household_members.31.hm_name"));
    let members = keys
        .iter()
        .filter(|k| k.starts_with("household_members."))
        .count();
    assert_eq!(members, 30 * 7);
    let unique: HashSet<&&str> = keys.iter().collect();
    assert_eq!(unique.len(), keys.len(), "keys are unique");
    let by_key = |k: &str| cols.iter().find(|c| c.key == k).unwrap();
    assert_eq!(by_key("capital").cell, CellKind::Number);
    assert_eq!(by_key("owner_personal_id").cell, CellKind::Text);
    let member_name = &by_key("household_members.2.hm_name").header;
    let name_label = &p.field("hm_name").unwrap().label;
    assert!(
        member_name.vi.ends_with(&format!(" 2: {}", name_label.vi)),
        "{member_name:?}"
    );
    assert!(
        member_name.en.ends_with(&format!(" 2: {}", name_label.en)),
        "{member_name:?}"
    );
    // Computed fields are the engine's to fill.
    let birth = procedure("1.001193");
    let birth_keys: Vec<String> = columns(&birth)
        .unwrap()
        .into_iter()
        .map(|c| c.key)
        .collect();
    assert!(!birth_keys.iter().any(|k| k == "child_birth_date_words"));
    assert!(birth_keys.iter().any(|k| k == "child_birth_date"));
}

#[test]
fn example_forms_are_different_valid_applicants() {
    for code in ["1.001193", "1.004194", "2.000488", "2.000720"] {
        let p = procedure(code);
        let forms = example_forms(&p, 50, today()).unwrap();
        let id_field = p.applicant_id_field().unwrap().id.clone();
        let mut ids = HashSet::new();
        for form in &forms {
            p.validate(form, &Env::new(today()))
                .unwrap_or_else(|e| panic!("{code}: {e:?}"));
            if let Some(id) = form.get(&id_field).and_then(|v| v.as_str()) {
                ids.insert(id.to_owned());
            }
        }
        assert_eq!(ids.len(), 50, "{code}: applicants repeat");
    }
}

#[test]
fn csv_has_a_bom_headers_and_identifiers_with_their_zeros() {
    let p = procedure("2.000720");
    let t = Template::new(&p, Lang::Vi)
        .unwrap()
        .with_example_rows(3, today())
        .unwrap();
    let bytes = t.to_csv().unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "UTF-8 BOM for Excel"
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(headers.len(), t.columns().len());
    assert!(
        headers.contains(&"Vốn kinh doanh".to_owned()),
        "{headers:?}"
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let id = at(&p.field("owner_personal_id").unwrap().label.vi);
    assert_eq!(&rows[0][id], "001185004321");
    assert_eq!(&rows[1][id], "001185004322");
    assert_eq!(&rows[0][at("Vốn kinh doanh")], "200000000");
    let en = Template::new(&p, Lang::En).unwrap().to_csv().unwrap();
    assert!(String::from_utf8(en).unwrap().contains("Business capital"));
}

#[test]
fn xlsx_keeps_identifiers_as_text_and_explains_each_column() {
    let p = procedure("2.000720");
    let t = Template::new(&p, Lang::Vi)
        .unwrap()
        .with_example_rows(2, today())
        .unwrap();
    let bytes = t.to_xlsx().unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["Hồ sơ", "Hướng dẫn"]);
    let rows = book.worksheet_range("Hồ sơ").unwrap();
    let header: Vec<String> = rows
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    let at = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let id = at(&p.field("owner_personal_id").unwrap().label.vi);
    let first: Vec<&Data> = rows.rows().nth(1).unwrap().iter().collect();
    assert_eq!(
        first[id],
        &Data::String("001185004321".into()),
        "a CCCD stays text"
    );
    assert_eq!(
        first[at("Vốn kinh doanh")],
        &Data::Float(200_000_000.0),
        "money is a number"
    );
    let guide = book.worksheet_range("Hướng dẫn").unwrap();
    let lines: Vec<Vec<String>> = guide
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    assert_eq!(lines.len(), t.columns().len() + 1);
    let capital = lines.iter().find(|l| l[2] == "capital").unwrap();
    assert_eq!(capital[0], column_name(at("Vốn kinh doanh")));
    assert_eq!(capital[3], "có");
    assert!(capital[4].contains("đồng"), "{capital:?}");
    let sex = lines.iter().find(|l| l[2] == "owner_sex").unwrap();
    assert!(sex[4].contains("Nam") && sex[4].contains("Nữ"), "{sex:?}");
}

#[test]
fn column_names_count_as_spreadsheets_do() {
    for (i, name) in [
        (0, "A"),
        (25, "Z"),
        (26, "AA"),
        (51, "AZ"),
        (52, "BA"),
        (701, "ZZ"),
        (702, "AAA"),
    ] {
        assert_eq!(column_name(i), name);
    }
}

#[test]
fn too_many_example_rows_are_refused() {
    let p = procedure("1.001193");
    let err = Template::new(&p, Lang::Vi)
        .unwrap()
        .with_example_rows(1_000_000, today())
        .unwrap_err();
    assert!(err.to_string().contains("at most"), "{err}");
}

#[test]
fn a_cell_can_be_typed_wrong_on_purpose() {
    let p = procedure("1.001193");
    let mut t = Template::new(&p, Lang::Vi)
        .unwrap()
        .with_example_rows(2, today())
        .unwrap();
    let id = t
        .columns()
        .iter()
        .position(|c| c.key == "requester_personal_id")
        .unwrap();
    assert!(t.set_cell(1, id, motcua_bulk::Cell::Number(1_093_012_345.0)));
    assert_eq!(t.rows()[1][id], motcua_bulk::Cell::Number(1_093_012_345.0));
    assert!(!t.set_cell(2, id, motcua_bulk::Cell::Empty), "no third row");
    assert!(
        !t.set_cell(0, 10_000, motcua_bulk::Cell::Empty),
        "no such column"
    );
}
