//! `motcua scan`: photos to one PDF, PDFs passed through byte for byte,
//! refusals that write nothing. Needs qpdf, pdftoppm (poppler-utils) and
//! sha256sum (coreutils) on the PATH.

use std::path::Path;
use std::process::{Command, Output};

use motcua_testkit::data;

fn motcua(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running motcua: {e}"))
}

fn tool(name: &str, package: &str, args: &[&str]) -> Output {
    Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name} ({e}): install the Debian package {package}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}{}",
            text(&out.stdout),
            text(&out.stderr)
        )
    })
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn sha256sum(p: &Path) -> String {
    let sum = tool("sha256sum", "coreutils", &[&s(p)]);
    text(&sum.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn photos_become_one_checked_pdf_with_the_printed_hash() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = s(&dir.path().join("giay-to.pdf"));
    let again = s(&dir.path().join("again.pdf"));
    let photos = [
        s(&data::path("camera-photos/iphone6_3264x2448_8mp.jpg")),
        s(&data::path(
            "exif-orientation/recurser-landscape-orientation-6.jpg",
        )),
        s(&data::path(
            "documents/scan-brochure-page-300dpi_2550x3300.png",
        )),
    ];
    let args = |output: &str| -> Vec<String> {
        let mut a: Vec<String> = ["scan", "--json", "--title", "Giấy tờ nhà đất", "-o", output]
            .iter()
            .map(|x| (*x).to_owned())
            .collect();
        a.extend(photos.iter().cloned());
        a
    };
    let first = args(&out);
    let run = motcua(&first.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(run.status.success(), "{}", text(&run.stderr));
    let report = json(&run);
    assert_eq!(report["pages"], 3);
    assert_eq!(report["media_type"], "application/pdf");
    // One progress line per file on stderr.
    let progress = text(&run.stderr);
    assert_eq!(
        progress.lines().filter(|l| l.contains("] ")).count(),
        3,
        "{progress}"
    );
    let bytes = std::fs::read(&out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report["bytes"], bytes.len());
    assert_eq!(report["sha256"], sha256sum(Path::new(&out)));
    // The EXIF-rotated photo is upright: a landscape page.
    assert_eq!(report["inputs"][1]["orientation"], 6);
    assert_eq!(report["inputs"][1]["page_width"], 1800);
    assert_eq!(report["inputs"][1]["page_height"], 1200);
    let check = tool("qpdf", "qpdf", &["--check", &out]);
    assert!(
        check.status.success(),
        "qpdf --check: {}{}",
        text(&check.stdout),
        text(&check.stderr)
    );
    let prefix = s(&dir.path().join("page"));
    let render = tool(
        "pdftoppm",
        "poppler-utils",
        &["-r", "30", "-png", &out, &prefix],
    );
    assert!(
        render.status.success() && render.stderr.is_empty(),
        "pdftoppm: {}",
        text(&render.stderr)
    );
    let pngs = std::fs::read_dir(dir.path())
        .map(|d| {
            d.filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "png"))
            })
            .count()
        })
        .unwrap_or(0);
    assert_eq!(pngs, 3);
    // The same inputs give the same bytes.
    let second = args(&again);
    let run = motcua(&second.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert_eq!(std::fs::read(&again).ok(), Some(bytes));
}

#[test]
fn human_report_names_size_pages_and_hash() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("a.pdf");
    let run = motcua(&[
        "scan",
        "--document",
        "--dpi",
        "150",
        "--quality",
        "60",
        "-o",
        &s(&out),
        &s(&data::path("documents/handwritten-notes-a2_2122x2735.jpg")),
    ]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let report = text(&run.stdout);
    assert!(report.contains("pages   1"), "{report}");
    assert!(report.contains(&sha256sum(&out)), "{report}");
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    assert!(
        report.contains(&format!("size    {size} bytes")),
        "{report}"
    );
}

#[test]
fn user_pdfs_are_copied_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for name in [
        "plain-empty-a4-page.pdf",
        "plain-trivial-pdf13.pdf",
        "scanned-book-page-huckleberry-finn.pdf",
        "signed-adbe-pkcs7-detached.pdf",
        "signed-pades-cades-detached.pdf",
        "signed-weird-byterange.pdf",
    ] {
        let src = data::path(&format!("pdf/{name}"));
        let out = dir.path().join(name);
        let run = motcua(&["scan", "--json", "-o", &s(&out), &s(&src)]);
        assert!(run.status.success(), "{name}: {}", text(&run.stderr));
        assert_eq!(
            std::fs::read(&out).ok(),
            std::fs::read(&src).ok(),
            "{name} changed"
        );
        let report = json(&run);
        let npages = tool("qpdf", "qpdf", &["--show-npages", &s(&src)]);
        assert_eq!(
            report["pages"].to_string(),
            text(&npages.stdout).trim(),
            "{name}"
        );
        assert_eq!(report["sha256"], sha256sum(&src), "{name}");
    }
}

#[test]
fn a_refused_input_writes_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("out.pdf");
    let o = s(&out);
    let good = s(&data::path("camera-photos/small-nikon-d70.jpg"));
    for (bad, code, words) in [
        (
            "malformed-images/jpeg-bomb-lottapixel-64250x64250.jpg",
            "too_many_pixels",
            "too large",
        ),
        (
            "malformed-images/png-truncated-idat.png",
            "truncated",
            "cut short",
        ),
        ("malformed-images/jpeg-empty-0-bytes.jpg", "empty", "empty"),
    ] {
        let bad_path = s(&data::path(bad));
        let run = motcua(&["scan", "--json", "--lang", "en", "-o", &o, &good, &bad_path]);
        assert_eq!(run.status.code(), Some(1), "{bad}: {}", text(&run.stderr));
        assert_eq!(json(&run)["error"]["code"], code, "{bad}");
        assert!(
            text(&run.stderr).contains(words),
            "{bad}: {}",
            text(&run.stderr)
        );
        assert!(!out.exists(), "{bad}: output written");
        let left = std::fs::read_dir(dir.path())
            .map(|d| d.count())
            .unwrap_or(1);
        assert_eq!(left, 0, "{bad}: a temporary file was left");
    }
    // Vietnamese by default.
    let ztxt = s(&data::path(
        "malformed-images/png-ztxt-decompression-bomb.png",
    ));
    let run = motcua(&["scan", "-o", &o, &ztxt]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        text(&run.stderr).contains("Tệp bị từ chối"),
        "{}",
        text(&run.stderr)
    );
    // Too many pages is refused before any photo is decoded.
    let run = motcua(&["scan", "--max-pages", "1", "-o", &o, &good, &good]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        !text(&run.stderr).contains("] "),
        "decoded before refusing: {}",
        text(&run.stderr)
    );
    // A PDF must come alone; an unreadable file is unusable input (2).
    let pdf = s(&data::path("pdf/plain-trivial-pdf13.pdf"));
    assert_eq!(
        motcua(&["scan", "-o", &o, &pdf, &good]).status.code(),
        Some(2)
    );
    let missing = motcua(&["scan", "-o", &o, "/nonexistent/photo.jpg"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(!out.exists());
}
