//! `motcua procedures`, `check`, `schema` and `example` against the
//! built-in catalog (and a catalog directory).

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns: a panic is a test failure"
)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

fn motcua(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .output()
        .unwrap()
}

fn motcua_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

const CODES: [&str; 4] = ["1.001193", "1.004194", "2.000488", "2.000720"];

#[test]
fn procedures_lists_the_catalog() {
    let out = motcua(&["procedures"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("1.001193")
            && text.contains("Đăng ký khai sinh")
            && text.contains("Birth registration")
    );
    assert!(text.ends_with("4 procedures\n"), "{text}");
    let out = motcua(&["procedures", "--json"]);
    assert!(out.status.success());
    let index = stdout_json(&out);
    let codes: Vec<&str> = index["procedures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, CODES);
}

#[test]
fn every_example_checks_valid() {
    let dir = tempfile::tempdir().unwrap();
    for code in CODES {
        let out = motcua(&["example", "--procedure", code]);
        assert!(out.status.success(), "{code}");
        let example = stdout_json(&out);
        assert!(example.is_object());
        let file = dir.path().join(format!("{code}.json"));
        std::fs::write(&file, &out.stdout).unwrap();
        let out = motcua(&[
            "check",
            "--procedure",
            code,
            "--today",
            "25/11/2026",
            file.to_str().unwrap(),
        ]);
        let report = stdout_json(&out);
        assert_eq!(out.status.code(), Some(0), "{code}: {report}");
        assert_eq!(report["valid"], json!(true));
        assert_eq!(report["procedure"], json!(code));
        assert_eq!(report["errors"], json!([]));
        assert!(report["data"].is_object());
        // The normalized data checks valid again.
        let normalized = dir.path().join(format!("{code}.normalized.json"));
        std::fs::write(&normalized, report["data"].to_string()).unwrap();
        let again = motcua(&[
            "check",
            "--procedure",
            code,
            "--today",
            "2026-11-25",
            normalized.to_str().unwrap(),
        ]);
        assert_eq!(stdout_json(&again)["data"], report["data"]);
    }
}

#[test]
fn check_reports_errors_with_exit_1() {
    let out = motcua(&["example", "--procedure", "1.001193"]);
    let mut data = stdout_json(&out);
    data["requester_phone"] = json!("12345");
    data["child_sex"] = json!("unknown");
    data.as_object_mut().unwrap().remove("mother_name");
    let out = motcua_stdin(
        &[
            "check",
            "--procedure",
            "1.001193",
            "--today",
            "25/11/2026",
            "-",
        ],
        data.to_string().as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    let report = stdout_json(&out);
    assert_eq!(report["valid"], json!(false));
    assert!(report.get("data").is_none());
    let errors = report["errors"].as_array().unwrap();
    let got: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e["path"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("requester_phone", "invalid_phone"),
            ("child_sex", "unknown_option"),
            ("mother_name", "required")
        ]
    );
    for e in errors {
        assert!(!e["message"]["vi"].as_str().unwrap().is_empty());
        assert!(!e["message"]["en"].as_str().unwrap().is_empty());
    }
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("3 error(s)"), "{stderr}");
}

#[test]
fn business_capital_is_checked_as_money_in_dong() {
    let mut data = stdout_json(&motcua(&["example", "--procedure", "2.000720"]));
    data["capital"] = json!("1.500.000.000 đ");
    let out = motcua_stdin(
        &["check", "--procedure", "2.000720", "-"],
        data.to_string().as_bytes(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report = stdout_json(&out);
    assert_eq!(report["valid"], json!(true));
    assert_eq!(report["data"]["capital"], json!(1_500_000_000u64));

    for (typed, code) in [
        ("1.500,5", "invalid_amount"),
        ("15.00.000", "invalid_amount"),
    ] {
        data["capital"] = json!(typed);
        let out = motcua_stdin(
            &["check", "--procedure", "2.000720", "-"],
            data.to_string().as_bytes(),
        );
        assert_eq!(out.status.code(), Some(1), "{typed}");
        let report = stdout_json(&out);
        assert_eq!(report["errors"][0]["path"], json!("capital"), "{typed}");
        assert_eq!(report["errors"][0]["code"], json!(code), "{typed}");
    }

    let schema = stdout_json(&motcua(&["schema", "--procedure", "2.000720"]));
    assert_eq!(schema["properties"]["capital"]["type"], json!("integer"));
    assert_eq!(schema["properties"]["capital"]["minimum"], json!(0));
}

#[test]
fn unknown_commune_is_caught_with_the_built_in_units() {
    let mut data = stdout_json(&motcua(&["example", "--procedure", "2.000720"]));
    data["office_unit"] = json!({"province": "01", "commune": "99999"});
    let out = motcua_stdin(
        &["check", "--procedure", "2.000720", "-"],
        data.to_string().as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout_json(&out)["errors"][0]["code"],
        json!("unknown_commune")
    );
}

#[test]
fn unusable_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{not json").unwrap();
    let missing = dir.path().join("missing.json");
    let cases: [Vec<&str>; 6] = [
        vec!["check", "--procedure", "1.001193", bad.to_str().unwrap()],
        vec![
            "check",
            "--procedure",
            "1.001193",
            missing.to_str().unwrap(),
        ],
        vec!["check", "--procedure", "9.999999", bad.to_str().unwrap()],
        vec!["check", "--procedure", "nonsense", bad.to_str().unwrap()],
        vec!["schema", "--procedure", "9.999999"],
        vec!["example", "--procedure", "1.00119"],
    ];
    for args in cases {
        let out = motcua(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn schema_prints_json_schema() {
    for code in CODES {
        let out = motcua(&["schema", "--procedure", code]);
        assert!(out.status.success());
        let schema = stdout_json(&out);
        assert_eq!(
            schema["$schema"],
            json!("https://json-schema.org/draft/2020-12/schema")
        );
        assert_eq!(schema["type"], json!("object"));
        assert!(!schema["properties"].as_object().unwrap().is_empty());
    }
}

#[test]
fn a_catalog_directory_is_used_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("web/procedures");
    for name in [
        "index.json",
        "1.001193.json",
        "1.004194.json",
        "2.000488.json",
        "2.000720.json",
    ] {
        std::fs::copy(web.join(name), dir.path().join(name)).unwrap();
    }
    let d = dir.path().to_str().unwrap();
    assert!(motcua(&["procedures", "--catalog", d]).status.success());
    // Break one schema: an unknown field in a condition stops every command.
    let path = dir.path().join("2.000720.json");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("\"var\": \"founder_type\"", "\"var\": \"founder_typo\"");
    std::fs::write(&path, text).unwrap();
    let out = motcua(&["schema", "--catalog", d, "--procedure", "2.000720"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("unknown field \"founder_typo\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("$.sections[3].fields[1].visible[\"==\"][0].var"),
        "{stderr}"
    );
    // An index whose search keywords drift from the schema's is refused too.
    std::fs::copy(web.join("2.000720.json"), &path).unwrap();
    let index = dir.path().join("index.json");
    let text = std::fs::read_to_string(&index)
        .unwrap()
        .replace("\"giấy khai sinh\",", "");
    std::fs::write(&index, text).unwrap();
    let out = motcua(&["procedures", "--catalog", d]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("1.001193.json") && stderr.contains("keywords"),
        "{stderr}"
    );
}

#[test]
fn template_writes_a_spreadsheet_of_valid_example_rows() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("ho-kinh-doanh.csv");
    let out = motcua(&[
        "template",
        "--procedure",
        "2.000720",
        "--example-rows",
        "5",
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a BOM for Excel");
    let mut lines = text.lines();
    assert!(lines.next().unwrap().contains("Vốn kinh doanh"));
    assert_eq!(lines.count(), 5);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("5 rows"), "{stderr}");

    let xlsx = dir.path().join("t.xlsx");
    let out = motcua(&[
        "template",
        "--procedure",
        "1.001193",
        "--lang",
        "en",
        "-o",
        xlsx.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::read(&xlsx).unwrap().starts_with(b"PK"),
        "a zip (XLSX)"
    );

    // A name that says no format, an unknown procedure: exit 2, nothing written.
    let odd = dir.path().join("t.txt");
    let out = motcua(&[
        "template",
        "--procedure",
        "1.001193",
        "-o",
        odd.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format"));
    assert!(!odd.exists());
    let out = motcua(&[
        "template",
        "--procedure",
        "9.999999",
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
}
