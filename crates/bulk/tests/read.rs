//! Reading filled-in sheets back and checking their rows: templates of the
//! real catalog written by this crate (rust_xlsxwriter writes XLSX as Excel
//! does) and by LibreOffice Calc (`tests/data/make.sh`), CSV variants,
//! identifiers a spreadsheet stored as numbers, serial dates, empty rows,
//! a merged title above the headers, and hostile files.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns: a panic is a test failure"
)]

use std::io::Write;

use motcua_bulk::{
    Cell, Checker, Format, Mapping, ProblemCode, ReadError, ReadLimits, Template, columns,
    example_forms, read,
};
use motcua_forms::{Date, Env, Lang, Procedure};
use rust_xlsxwriter::{ExcelDateTime, Format as XFormat, Workbook};

fn procedure(code: &str) -> Procedure {
    let bytes =
        std::fs::read(motcua_testkit::procedures::dir().join(format!("{code}.json"))).unwrap();
    Procedure::from_json(&bytes).unwrap()
}

fn today() -> Date {
    Date::new(2026, 12, 3).unwrap()
}

fn data(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name),
    )
    .unwrap()
}

/// Reads, maps and checks `bytes` as rows of `p`.
fn check(
    p: &Procedure,
    bytes: &[u8],
) -> (motcua_bulk::Sheet, Mapping, Vec<motcua_bulk::CheckedRow>) {
    let sheet = read(bytes, &ReadLimits::default()).unwrap();
    let cols = columns(p).unwrap();
    let mapping = Mapping::detect(&sheet, &cols);
    let env = Env::new(today());
    let rows = Checker::new(p, &cols, &mapping, &env).check_sheet(&sheet);
    (sheet, mapping, rows)
}

fn assert_all_valid(rows: &[motcua_bulk::CheckedRow], expected: &[serde_json::Value]) {
    assert_eq!(rows.len(), expected.len());
    for (row, want) in rows.iter().zip(expected) {
        assert!(row.is_valid(), "row {}: {:?}", row.row, row.problems);
        assert_eq!(&row.form, want, "row {}", row.row);
    }
}

#[test]
fn every_procedures_template_reads_back_as_its_example_rows() {
    for code in ["1.001193", "1.004194", "2.000488", "2.000720"] {
        let p = procedure(code);
        let want = example_forms(&p, 4, today()).unwrap();
        for lang in [Lang::Vi, Lang::En] {
            let t = Template::new(&p, lang)
                .unwrap()
                .with_example_rows(4, today())
                .unwrap();
            for bytes in [t.to_csv().unwrap(), t.to_xlsx().unwrap()] {
                let (_, mapping, rows) = check(&p, &bytes);
                assert_eq!(mapping.header_row, 0);
                let cols = columns(&p).unwrap();
                assert!(
                    mapping.columns.iter().all(Option::is_some),
                    "{code} {lang:?}: every header matched"
                );
                assert_eq!(mapping.columns.len(), cols.len());
                assert_all_valid(&rows, &want);
            }
        }
    }
}

#[test]
fn a_workbook_libreoffice_saved_reads_as_its_rows() {
    let p = procedure("1.001193");
    let want = example_forms(&p, 5, today()).unwrap();
    let (sheet, _, rows) = check(&p, &data("birth-libreoffice-resaved.xlsx"));
    assert_eq!(sheet.format, Format::Xlsx);
    assert_all_valid(&rows, &want);
    // And as CSV from LibreOffice: semicolons, no BOM.
    let (sheet, _, rows) = check(&p, &data("birth-libreoffice.csv"));
    assert_eq!(sheet.format, Format::Csv { delimiter: b';' });
    assert_all_valid(&rows, &want);
}

#[test]
fn identifiers_a_spreadsheet_made_numbers_are_reported_with_the_fix() {
    // The CSV template opened in LibreOffice as anyone would: the CCCD
    // 001093012345 became the number 1093012345, the dates date cells.
    let p = procedure("1.001193");
    let (sheet, mapping, rows) = check(&p, &data("birth-libreoffice-typed.xlsx"));
    let cols = columns(&p).unwrap();
    let id_col = mapping
        .sheet_column(
            cols.iter()
                .position(|c| c.key == "requester_personal_id")
                .unwrap(),
        )
        .unwrap();
    let date_col = mapping
        .sheet_column(
            cols.iter()
                .position(|c| c.key == "child_birth_date")
                .unwrap(),
        )
        .unwrap();
    assert!(matches!(sheet.rows[1][id_col], Cell::Number(_)));
    assert!(matches!(sheet.rows[1][date_col], Cell::Date(_)));
    assert_eq!(rows.len(), 5);
    for row in &rows {
        let on_id: Vec<_> = row
            .problems
            .iter()
            .filter(|p| p.column == Some(id_col))
            .collect();
        assert_eq!(on_id.len(), 1, "{:?}", row.problems);
        assert_eq!(on_id[0].code, ProblemCode::IdentifierAsNumber);
        let id = row.form["requester_personal_id"].as_str().unwrap();
        assert_eq!(id.len(), 10, "never padded silently: {id}");
        assert!(
            on_id[0].message.en.contains(&format!("is it 00{id}?")),
            "{}",
            on_id[0].message.en
        );
        assert!(
            on_id[0].message.vi.starts_with("Ô E"),
            "{}",
            on_id[0].message.vi
        );
        // The date cell is read as the date it shows.
        assert!(!row.problems.iter().any(|p| p.column == Some(date_col)));
        assert_eq!(row.form["child_birth_date"], "2025-11-20");
    }
}

/// A workbook as a person might fill one in Excel: a merged title row,
/// headers on row 2, an empty row, identifiers as numbers or as 1.2E+11
/// text, dates as date cells, as serial numbers and as text.
fn hand_filled_workbook(p: &Procedure) -> Vec<u8> {
    let t = Template::new(p, Lang::Vi)
        .unwrap()
        .with_example_rows(4, today())
        .unwrap();
    let cols = t.columns();
    let at = |key: &str| cols.iter().position(|c| c.key == key).unwrap() as u16;
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    let title = XFormat::new().set_bold();
    s.merge_range(0, 0, 0, 5, "Danh sách đăng ký khai sinh tháng 12", &title)
        .unwrap();
    for (c, col) in cols.iter().enumerate() {
        s.write_string(1, c as u16, &col.header.vi).unwrap();
    }
    let date = XFormat::new().set_num_format("dd/mm/yyyy");
    let mut r = 2u32;
    for (i, row) in t.rows().iter().enumerate() {
        if i == 2 {
            r += 1; // an empty row between
        }
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(v) => s.write_string(r, c as u16, v).unwrap(),
                Cell::Number(n) => s.write_number(r, c as u16, *n).unwrap(),
                _ => s,
            };
        }
        let birth = ExcelDateTime::from_ymd(2025, 11, 20).unwrap();
        match i {
            0 => {
                s.write_datetime_with_format(r, at("child_birth_date"), &birth, &date)
                    .unwrap();
            }
            1 => {
                // A serial number with no date format: 20/11/2025.
                s.write_number(r, at("child_birth_date"), 45981.0).unwrap();
                s.write_number(r, at("requester_phone"), 912345678.0)
                    .unwrap();
            }
            2 => {
                s.write_string(r, at("requester_personal_id"), "1.09301E+11")
                    .unwrap();
            }
            _ => {
                s.write_string(r, at("child_birth_date"), "32/13/2025")
                    .unwrap();
            }
        }
        r += 1;
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn a_hand_filled_workbook_is_read_cell_by_cell() {
    let p = procedure("1.001193");
    let (sheet, mapping, rows) = check(&p, &hand_filled_workbook(&p));
    assert_eq!(mapping.header_row, 1, "the merged title is skipped");
    assert_eq!(rows.len(), 4, "the empty row is left out");
    assert_eq!(rows.iter().map(|r| r.row).collect::<Vec<_>>(), [2, 3, 5, 6]);
    assert!(rows[0].is_valid(), "{:?}", rows[0].problems);
    assert_eq!(rows[0].form["child_birth_date"], "2025-11-20");
    // Row 2: the serial date is read; the phone lost its zero.
    assert_eq!(rows[1].form["child_birth_date"], "2025-11-20");
    assert_eq!(rows[1].problems.len(), 1, "{:?}", rows[1].problems);
    assert_eq!(rows[1].problems[0].code, ProblemCode::IdentifierAsNumber);
    assert!(rows[1].problems[0].message.en.contains("is it 0912345678?"));
    // Row 3: scientific notation, the digits are gone.
    assert_eq!(rows[2].problems.len(), 1, "{:?}", rows[2].problems);
    assert_eq!(rows[2].problems[0].code, ProblemCode::ScientificNotation);
    // Row 4: the engine's own message, on the date's cell.
    let cols = columns(&p).unwrap();
    let date_col = mapping
        .sheet_column(
            cols.iter()
                .position(|c| c.key == "child_birth_date")
                .unwrap(),
        )
        .unwrap();
    assert_eq!(rows[3].problems.len(), 1, "{:?}", rows[3].problems);
    assert_eq!(rows[3].problems[0].column, Some(date_col));
    assert_eq!(
        rows[3].problems[0].field_code.as_deref(),
        Some("invalid_date")
    );
    assert!(sheet.rows[6][date_col] == Cell::Text("32/13/2025".into()));
}

#[test]
fn headers_match_without_diacritics_in_any_order_and_case() {
    let p = procedure("2.000720");
    let t = Template::new(&p, Lang::Vi)
        .unwrap()
        .with_example_rows(2, today())
        .unwrap();
    let want = example_forms(&p, 2, today()).unwrap();
    // Headers folded and upper-cased, columns reversed.
    let cols = t.columns();
    let mut out = Vec::new();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b'\t')
            .from_writer(&mut out);
        let fold = |s: &str| motcua_forms::fold(s).to_uppercase();
        w.write_record(cols.iter().rev().map(|c| fold(&c.header.vi)))
            .unwrap();
        for row in t.rows() {
            w.write_record(row.iter().rev().map(Cell::display)).unwrap();
        }
    }
    let (sheet, mapping, rows) = check(&p, &out);
    assert_eq!(sheet.format, Format::Csv { delimiter: b'\t' });
    assert!(mapping.columns.iter().all(Option::is_some));
    assert_all_valid(&rows, &want);
}

#[test]
fn choices_and_yes_no_are_read_by_their_labels() {
    let p = procedure("1.001193");
    let t = Template::new(&p, Lang::En)
        .unwrap()
        .with_example_rows(1, today())
        .unwrap();
    let cols = t.columns();
    let at = |key: &str| cols.iter().position(|c| c.key == key).unwrap();
    let mut row: Vec<String> = t.rows()[0].iter().map(Cell::display).collect();
    row[at("child_sex")] = "NAM".into(); // the Vietnamese label, capitals, for an English sheet
    row[at("copies_wanted")] = "x".into();
    let mut out = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(cols.iter().map(|c| c.header.en.as_str()))
            .unwrap();
        w.write_record(&row).unwrap();
    }
    let (_, _, rows) = check(&p, &out);
    assert!(rows[0].is_valid(), "{:?}", rows[0].problems);
    assert_eq!(rows[0].form["child_sex"], "male");
    assert_eq!(rows[0].form["copies_wanted"], true);
    row[at("copies_wanted")] = "perhaps".into();
    let mut out = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(cols.iter().map(|c| c.header.en.as_str()))
            .unwrap();
        w.write_record(&row).unwrap();
    }
    let (_, _, rows) = check(&p, &out);
    assert_eq!(rows[0].problems[0].code, ProblemCode::NotYesNo);
}

#[test]
fn the_same_dossier_twice_is_a_duplicate() {
    let p = procedure("1.001193");
    let t = Template::new(&p, Lang::Vi)
        .unwrap()
        .with_example_rows(2, today())
        .unwrap();
    let mut csv_bytes = t.to_csv().unwrap();
    let first_row = String::from_utf8(csv_bytes.clone())
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_owned();
    writeln!(csv_bytes, "{first_row}").unwrap();
    let (_, _, rows) = check(&p, &csv_bytes);
    assert_eq!(rows.len(), 3);
    assert!(rows[0].is_valid() && rows[1].is_valid());
    assert_eq!(rows[2].problems[0].code, ProblemCode::Duplicate);
    assert!(rows[2].problems[0].message.en.contains("row 2"));
}

#[test]
fn a_table_is_read_from_its_numbered_columns() {
    let p = procedure("2.000720");
    let want = example_forms(&p, 1, today()).unwrap();
    let t = Template::new(&p, Lang::Vi)
        .unwrap()
        .with_example_rows(1, today())
        .unwrap();
    let cols = t.columns();
    let members = want[0]["household_members"].as_array().map_or(0, Vec::len);
    // Move member 1 to row 3 of the table: rows 1 and 2 left empty.
    let mut row = t.rows()[0].clone();
    if members > 0 {
        for (c, col) in cols.iter().enumerate() {
            if let Some(rest) = col.key.strip_prefix("household_members.1.") {
                let to = cols
                    .iter()
                    .position(|k| k.key == format!("household_members.3.{rest}"))
                    .unwrap();
                row[to] = std::mem::replace(&mut row[c], Cell::Empty);
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(cols.iter().map(|c| c.header.vi.as_str()))
            .unwrap();
        w.write_record(row.iter().map(Cell::display)).unwrap();
    }
    let (_, _, rows) = check(&p, &out);
    assert_all_valid(&rows, &want);
}

#[test]
fn hostile_and_wrong_files_are_refused_with_a_reason() {
    let limits = ReadLimits::default();
    assert_eq!(read(b"", &limits), Err(ReadError::Empty));
    assert_eq!(
        read(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", &limits),
        Err(ReadError::NotASheet)
    );
    assert_eq!(
        read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0", &limits),
        Err(ReadError::LegacyXls)
    );
    // Windows-1258 (or Latin-1) text from an old export.
    assert!(matches!(
        read(b"name,id\nNguy\xeen,1\n", &limits),
        Err(ReadError::NotUtf8 { line: 2 })
    ));
    // UTF-16 from Excel's "Unicode text".
    assert_eq!(read(b"\xff\xfen\0a\0", &limits), Err(ReadError::NotASheet));
    // A zip that is not a workbook.
    let mut zip_bytes = Vec::new();
    {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(&mut zip_bytes));
        z.start_file("hello.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(b"hello").unwrap();
        z.finish().unwrap();
    }
    assert!(matches!(read(&zip_bytes, &limits), Err(ReadError::Xlsx(_))));
    // Limits are checked before the work.
    let small = ReadLimits {
        max_file_bytes: 10,
        ..limits
    };
    assert!(matches!(
        read(b"a,b,c\n1,2,3\n", &small),
        Err(ReadError::FileTooLarge {
            size: 12,
            limit: 10
        })
    ));
    let rows = ReadLimits {
        max_rows: 2,
        ..limits
    };
    assert_eq!(
        read(b"a\n1\n2\n", &rows),
        Err(ReadError::TooManyRows { limit: 2 })
    );
    let cols = ReadLimits {
        max_columns: 2,
        ..limits
    };
    assert_eq!(
        read(b"a,b,c\n", &cols),
        Err(ReadError::TooManyColumns { limit: 2 })
    );
    let long = ReadLimits {
        max_cell_bytes: 3,
        ..limits
    };
    assert_eq!(
        read(b"a,abcd\n", &long),
        Err(ReadError::CellTooLong {
            cell: "B1".into(),
            limit: 3
        })
    );
    // Every refusal says what to do, in both languages.
    for e in [ReadError::LegacyXls, ReadError::NotUtf8 { line: 2 }] {
        let m = e.message();
        assert!(!m.vi.is_empty() && !m.en.is_empty() && m.vi != m.en);
    }
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_parsed() {
    // A workbook whose shared strings unpack to 64 MiB of spaces (a
    // 64 KiB file), read with a 16 MiB unpacking limit.
    let p = procedure("1.001193");
    let t = Template::new(&p, Lang::Vi)
        .unwrap()
        .with_example_rows(1, today())
        .unwrap();
    let good = t.to_xlsx().unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&good)).unwrap();
    let mut bomb = Vec::new();
    {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(&mut bomb));
        let deflate = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for i in 0..archive.len() {
            let mut part = archive.by_index(i).unwrap();
            let name = part.name().to_owned();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut part, &mut bytes).unwrap();
            z.start_file(&name, deflate).unwrap();
            z.write_all(&bytes).unwrap();
            if name == "xl/worksheets/sheet1.xml" {
                z.start_file("xl/padding.bin", deflate).unwrap();
                let zeros = vec![b' '; 1 << 20];
                for _ in 0..64 {
                    z.write_all(&zeros).unwrap();
                }
            }
        }
        z.finish().unwrap();
    }
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    let limits = ReadLimits {
        max_unpacked_bytes: 16 << 20,
        ..ReadLimits::default()
    };
    assert_eq!(
        read(&bomb, &limits),
        Err(ReadError::UnpacksTooLarge { limit: 16 << 20 })
    );
}

#[test]
fn a_sheet_that_claims_a_million_rows_costs_nothing() {
    // Two cells: A1 and XFD1048576, the last cell a sheet has.
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    s.write_string(0, 0, "a").unwrap();
    s.write_string(1_048_575, 16_383, "z").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let e = read(&bytes, &ReadLimits::default()).unwrap_err();
    assert!(matches!(e, ReadError::TooManyRows { .. }), "{e:?}");
    // Sparse but wide: 100 rows × the last column is too many cells.
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    for r in 0..3000 {
        s.write_string(r, 0, "a").unwrap();
    }
    s.write_string(0, 2100, "z").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let limits = ReadLimits {
        max_columns: 3000,
        ..ReadLimits::default()
    };
    assert_eq!(
        read(&bytes, &limits),
        Err(ReadError::TooManyCells { limit: 4_000_000 })
    );
}
