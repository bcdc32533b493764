//! `motcua bulk` against a real `motcua serve`: a spreadsheet of birth
//! registrations (the template `motcua template` writes, with example rows,
//! a few rows broken), killed mid-batch and run again: every valid row ends
//! as exactly one dossier on the server, the report's every row says what
//! the server holds, and a third run sends nothing new. Unusable input
//! exits 2 and changes nothing.

#![expect(clippy::unwrap_used)]

use std::collections::{HashMap, HashSet};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use motcua_bulk::{Cell, Format, ReadLimits, read};

mod support;

use support::{PASSPHRASE, Server, motcua, pdf, text};

const ROWS: usize = 40;

struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
}

/// A key, a birth certificate to attach to every row, and the template
/// with `ROWS` example rows of which rows 3 and 7 are broken (a phone too
/// short, a date that does not exist).
fn work() -> Work {
    let work = Work {
        dir: tempfile::tempdir().unwrap(),
    };
    let out = motcua(&["keygen", "-o", &work.path("dev.key")]);
    assert!(out.status.success(), "{}", text(&out));
    std::fs::write(work.path("giay-chung-sinh.pdf"), pdf(30_000, 3)).unwrap();
    let out = motcua(&[
        "template",
        "--procedure",
        "1.001193",
        "--format",
        "csv",
        "--example-rows",
        &ROWS.to_string(),
        "-o",
        &work.path("rows.csv"),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let csv = std::fs::read_to_string(work.path("rows.csv")).unwrap();
    let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
    // Line 0 is the header; row 3 is line 3.
    assert!(lines[3].contains(",0912345680,"), "{}", lines[3]);
    lines[3] = lines[3].replace(",0912345680,", ",12345,");
    assert!(lines[7].contains("20/11/2025"));
    lines[7] = lines[7].replace("20/11/2025", "31/02/2025");
    std::fs::write(work.path("rows.csv"), lines.join("\r\n") + "\r\n").unwrap();
    work
}

fn bulk_command(work: &Work, url: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_motcua"));
    c.args([
        "bulk",
        "--procedure",
        "1.001193",
        "--key",
        &work.path("dev.key"),
        "--to",
        url,
        "--attach",
        &format!("birth_certificate={}", work.path("giay-chung-sinh.pdf")),
        "--report",
        &work.path("report.csv"),
        "--lang",
        "en",
        "--concurrency",
        "2",
        "--json",
        &work.path("rows.csv"),
    ])
    .env("MOTCUA_PASSPHRASE", PASSPHRASE);
    c
}

/// The report's rows, by header.
fn report(work: &Work) -> Vec<HashMap<String, String>> {
    let bytes = std::fs::read(work.path("report.csv")).unwrap();
    let sheet = read(&bytes, &ReadLimits::default()).unwrap();
    assert_eq!(sheet.format, Format::Csv { delimiter: b',' });
    let header: Vec<String> = sheet.rows[0].iter().map(Cell::display).collect();
    sheet.rows[1..]
        .iter()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.iter().map(Cell::display))
                .collect()
        })
        .collect()
}

/// The server's dossiers: id → code.
fn stored(server: &Server) -> HashMap<String, String> {
    let db = rusqlite::Connection::open(server.work.join("data/motcua.sqlite3")).unwrap();
    let mut q = db.prepare("SELECT id, code FROM dossier").unwrap();
    q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_batch_killed_halfway_resumes_and_files_every_valid_row_once() {
    let work = work();
    let server = Server::start(work.dir.path(), "127.0.0.1:0");

    // First run, killed once a few dossiers are in.
    let mut first = bulk_command(&work, &server.url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while server.rows("dossier") < 3 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "nothing filed"
        );
        if let Some(status) = first.try_wait().unwrap() {
            panic!("bulk ended before it was killed: {status}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    first.kill().unwrap();
    first.wait().unwrap();
    let after_kill = server.rows("dossier");
    assert!(
        after_kill < (ROWS - 2) as i64,
        "killed halfway: {after_kill}"
    );

    // Second run: the rest is sealed and sent, nothing twice.
    let out = bulk_command(&work, &server.url).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "two rows invalid: {}",
        text(&out)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["rows"], ROWS);
    assert_eq!(summary["receipted"], ROWS - 2);
    assert_eq!(summary["invalid"], 2);
    let held = stored(&server);
    assert_eq!(held.len(), ROWS - 2, "one dossier per valid row");

    // The report: the sheet's columns, then each row's fate, matching the
    // server.
    let rows = report(&work);
    assert_eq!(rows.len(), ROWS);
    let mut ids = HashSet::new();
    for (i, row) in rows.iter().enumerate() {
        if i == 2 || i == 6 {
            assert_eq!(row["State"], "has errors", "row {}", i + 1);
            assert!(row["Dossier id"].is_empty());
            let error = &row["Error"];
            let cell = if i == 2 { "Cell M4" } else { "Cell P8" };
            assert!(error.starts_with(cell), "row {}: {error}", i + 1);
            continue;
        }
        assert_eq!(row["State"], "received", "row {}: {row:?}", i + 1);
        let id = &row["Dossier id"];
        assert_eq!(
            held.get(id),
            Some(&row["Dossier code"]),
            "row {}: the server holds this dossier under this code",
            i + 1
        );
        assert_eq!(row["Office"], "00004");
        assert!(!row["Received"].is_empty());
        assert!(ids.insert(id.clone()), "row {} has its own dossier", i + 1);
        // The sheet's own columns come back as they were.
        assert_eq!(
            row["Họ, chữ đệm, tên người yêu cầu"],
            "Nguyễn Văn An",
            "row {}",
            i + 1
        );
    }
    let first_report = std::fs::read(work.path("report.csv")).unwrap();

    // Third run: nothing new is stored, the same report comes back.
    let out = bulk_command(&work, &server.url).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(stored(&server), held);
    assert_eq!(server.rows("dossier"), (ROWS - 2) as i64);
    assert_eq!(
        std::fs::read(work.path("report.csv")).unwrap(),
        first_report
    );
}

#[test]
fn unusable_input_exits_2_and_sends_nothing() {
    let work = work();
    let server = Server::start(work.dir.path(), "127.0.0.1:0");
    let run = |rows: &str| {
        let mut c = bulk_command(&work, &server.url);
        let mut args: Vec<String> = c.get_args().map(|a| a.to_string_lossy().into()).collect();
        *args.last_mut().unwrap() = rows.to_owned();
        c = Command::new(env!("CARGO_BIN_EXE_motcua"));
        c.args(args).env("MOTCUA_PASSPHRASE", PASSPHRASE);
        c.output().unwrap()
    };
    // A photo is not a sheet.
    std::fs::write(work.path("photo.csv"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let out = run(&work.path("photo.csv"));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("not a CSV or XLSX"), "{}", text(&out));
    // A sheet of some other form.
    std::fs::write(work.path("other.csv"), "Tên hàng,Số lượng\nGạo,10\n").unwrap();
    let out = run(&work.path("other.csv"));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("no column header matches"),
        "{}",
        text(&out)
    );
    // The template without the column every row needs.
    let csv = std::fs::read_to_string(work.path("rows.csv")).unwrap();
    let cut: String = csv
        .lines()
        .map(|l| l.split_once(',').map_or(l, |(_, rest)| rest).to_owned() + "\n")
        .collect();
    std::fs::write(work.path("cut.csv"), cut).unwrap();
    let out = run(&work.path("cut.csv"));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("office_unit.province"),
        "{}",
        text(&out)
    );
    // Missing file.
    let out = run(&work.path("missing.xlsx"));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert_eq!(server.rows("dossier"), 0);
    assert!(!std::path::Path::new(&work.path("report.csv")).exists());
}

#[test]
fn rows_name_their_own_files_and_only_inside_the_attachments_folder() {
    let work = work();
    let server = Server::start(work.dir.path(), "127.0.0.1:0");
    let files = work.dir.path().join("papers");
    std::fs::create_dir(&files).unwrap();
    std::fs::write(files.join("an.pdf"), pdf(20_000, 11)).unwrap();
    // Rows 1–3: their own file, a path out of the folder, a missing file.
    let csv = std::fs::read_to_string(work.path("rows.csv")).unwrap();
    let mut lines: Vec<String> = csv.lines().take(4).map(str::to_owned).collect();
    for (line, name) in lines[1..]
        .iter_mut()
        .zip(["an.pdf", "../dev.key", "none.pdf"])
    {
        assert!(line.ends_with(",,,,"), "{line}");
        line.truncate(line.len() - 3);
        line.push_str(&format!("{name},,,"));
    }
    std::fs::write(work.path("rows.csv"), lines.join("\n") + "\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args([
            "bulk",
            "--procedure",
            "1.001193",
            "--key",
            &work.path("dev.key"),
            "--to",
            &server.url,
            "--attachments",
            &files.display().to_string(),
            "--report",
            &work.path("report.xlsx"),
            "--json",
            &work.path("rows.csv"),
        ])
        .env("MOTCUA_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let outcomes = summary["outcomes"].as_array().unwrap();
    assert_eq!(outcomes[0]["state"], "receipted", "{summary}");
    for o in &outcomes[1..] {
        assert_eq!(o["state"], "invalid", "{o}");
        assert!(
            o["message"]["en"]
                .as_str()
                .unwrap()
                .contains("among the files chosen"),
            "{o}"
        );
    }
    assert_eq!(server.rows("dossier"), 1);
    let db = rusqlite::Connection::open(server.work.join("data/motcua.sqlite3")).unwrap();
    let name: String = db
        .query_row("SELECT name FROM dossier_attachment", [], |r| r.get(0))
        .unwrap();
    assert_eq!(name, "an.pdf");
    // The report is a workbook, read back as one.
    let report = read(
        &std::fs::read(work.path("report.xlsx")).unwrap(),
        &ReadLimits::default(),
    )
    .unwrap();
    assert_eq!(report.format, Format::Xlsx);
    assert_eq!(report.rows.len(), 4);
    assert!(report.rows[0].contains(&Cell::Text("Số hồ sơ".into())));
}

#[test]
fn a_damaged_kept_dossier_is_reported_not_sealed_again() {
    let work = work();
    let server = Server::start(work.dir.path(), "127.0.0.1:0");
    let out = bulk_command(&work, &server.url).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(server.rows("dossier"), (ROWS - 2) as i64);
    // Someone edits one kept dossier: its seal no longer verifies.
    let state = work.dir.path().join("report.bulk");
    let kept = std::fs::read_dir(&state)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .unwrap();
    let edited = std::fs::read_to_string(&kept).unwrap().replacen(
        "Nguyễn Minh Khang",
        "Nguyễn Minh Khanh",
        1,
    );
    std::fs::write(&kept, edited).unwrap();
    let out = bulk_command(&work, &server.url).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["failed"], 1, "{summary}");
    assert_eq!(summary["receipted"], ROWS - 3);
    assert_eq!(
        server.rows("dossier"),
        (ROWS - 2) as i64,
        "nothing sent twice"
    );
    // The report may not overwrite the sheet.
    let mut c = bulk_command(&work, &server.url);
    let args: Vec<String> = c
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let at = args.iter().position(|a| a == "--report").unwrap();
    let mut args = args;
    args[at + 1] = work.path("rows.csv");
    c = Command::new(env!("CARGO_BIN_EXE_motcua"));
    let out = c
        .args(args)
        .env("MOTCUA_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("overwrite the sheet"), "{}", text(&out));
}
