//! The slip as other PDF software reads it: the intake server's page
//! counter (motcua-scan), qpdf's structural check, poppler's text extraction
//! (through the ToUnicode CMap) and its attachment extraction.

use std::path::Path;
use std::process::{Command, Output};

use motcua_protocol::{Date, Lang, LocalizedText};
use motcua_receipt::{Error, Slip, render};

const FONT: &[u8] = include_bytes!("../../../web/fonts/DejaVuSans-vi.ttf");
const CODE: &str = "000.00.04.H01-261202-0001";

fn slip() -> Slip {
    Slip {
        dossier_code: CODE.parse().expect("code"),
        procedure: "1.001193".parse().expect("procedure"),
        procedure_name: LocalizedText::new("Đăng ký khai sinh", "Birth registration"),
        office: "00004".parse().expect("office"),
        office_name: Some(LocalizedText::new(
            "UBND phường Ba Đình, Thành phố Hà Nội",
            "Ba Dinh Ward People's Committee, Ha Noi",
        )),
        applicant_name: Some("Nguyễn Thị Hoa".into()),
        applicant_id: Some("001190000001".into()),
        received: "2026-12-01T22:45:35Z".parse().expect("time"),
        result_due: Date::new(2026, 12, 7),
        qr_text: format!(r#"{{"ma_ho_so":"{CODE}","ma_thu_tuc":"1.001193","so_dinh_danh":"001190000001"}}"#),
        // Not ASCII, no trailing newline: byte for byte means these bytes.
        receipt_json: format!(r#"{{"dossier_code":"{CODE}","office":"Phường Ba Đình","receipt":"eyJhbGciOiJFUzI1NiJ9..c2ln"}}"#)
            .into_bytes(),
    }
}

fn run(tool: &str, package: &str, args: &[&str]) -> Output {
    Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool} ({e}): install the Debian package {package}"))
}

fn write(dir: &Path, pdf: &[u8]) -> String {
    let path = dir.join("slip.pdf");
    std::fs::write(&path, pdf).expect("writing the PDF");
    path.to_string_lossy().into_owned()
}

fn text_of(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), pdf);
    let out = run("pdftotext", "poppler-utils", &["-enc", "UTF-8", &path, "-"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 text")
}

#[test]
fn one_page_for_the_intake_page_counter_and_qpdf() {
    let pdf = render(&slip(), FONT, Lang::Vi).expect("a PDF");
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(motcua_scan::pdf_page_count(&pdf).expect("readable"), 1);

    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), &pdf);
    let check = run("qpdf", "qpdf", &["--check", &path]);
    assert!(
        check.status.success(),
        "qpdf --check: {}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let pages = run("qpdf", "qpdf", &["--show-npages", &path]);
    assert_eq!(String::from_utf8_lossy(&pages.stdout).trim(), "1");
}

#[test]
fn the_text_reads_back_in_vietnamese() {
    let text = text_of(&render(&slip(), FONT, Lang::Vi).expect("a PDF"));
    for expected in [
        CODE,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "UBND PHƯỜNG BA ĐÌNH",
        "Đăng ký khai sinh (1.001193)",
        "Nguyễn Thị Hoa",
        "001190000001",
        // 22:45:35 UTC is 05:45 the next day in Vietnam (issue 11, item 7).
        "05 giờ 45 phút, ngày 02 tháng 12 năm 2026",
        "(giờ Việt",
        "ngày 07 tháng 12 năm 2026",
        "giay-tiep-nhan-000.00.04.H01-261202-0001.json",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
}

#[test]
fn english_labels_and_no_result_date_when_the_receipt_has_none() {
    let mut slip = slip();
    slip.result_due = None;
    let text = text_of(&render(&slip, FONT, Lang::En).expect("a PDF"));
    for expected in [
        CODE,
        "Dossier code",
        "Birth registration (1.001193)",
        "05:45, 2 December 2026",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
    assert!(!text.contains("Result due"), "{text}");
    assert!(!text.contains("HẸN TRẢ KẾT QUẢ"), "{text}");
    assert!(text.contains("GIẤY TIẾP NHẬN HỒ SƠ"), "{text}");
}

#[test]
fn the_signed_receipt_is_embedded_byte_for_byte() {
    let slip = slip();
    let pdf = render(&slip, FONT, Lang::Vi).expect("a PDF");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), &pdf);

    let list = run("pdfdetach", "poppler-utils", &["-list", &path]);
    let list = String::from_utf8_lossy(&list.stdout);
    // poppler lists the file once per way to it: the catalog's
    // EmbeddedFiles and the page's file attachment annotation.
    let names: Vec<&str> = list
        .lines()
        .filter_map(|l| l.split_once(": ").map(|(_, name)| name))
        .collect();
    assert!(!names.is_empty(), "{list}");
    assert!(names.iter().all(|n| *n == slip.json_file_name()), "{list}");

    let out = dir.path().join("out.json");
    let save = run(
        "pdfdetach",
        "poppler-utils",
        &["-save", "1", "-o", &out.to_string_lossy(), &path],
    );
    assert!(
        save.status.success(),
        "{}",
        String::from_utf8_lossy(&save.stderr)
    );
    assert_eq!(std::fs::read(&out).expect("saved"), slip.receipt_json);
}

#[test]
fn the_same_slip_gives_the_same_bytes() {
    let a = render(&slip(), FONT, Lang::Vi).expect("a PDF");
    let b = render(&slip(), FONT, Lang::Vi).expect("a PDF");
    assert_eq!(a, b);
}

#[test]
fn long_values_wrap_and_stay_on_one_page() {
    let mut slip = slip();
    slip.applicant_name = Some("Tôn Nữ Thị Phương Thảo ".repeat(40));
    slip.office_name = Some(LocalizedText::new(
        "Trung tâm Phục vụ hành chính công ".repeat(10),
        "x",
    ));
    let pdf = render(&slip, FONT, Lang::Vi).expect("a PDF");
    assert_eq!(motcua_scan::pdf_page_count(&pdf).expect("readable"), 1);
    let text = text_of(&pdf);
    assert!(
        text.contains('…'),
        "a long value is cut with an ellipsis:\n{text}"
    );
    assert!(text.contains(CODE));
}

#[test]
fn a_file_that_is_not_a_font_is_refused() {
    let page = b"<!doctype html><title>404</title>";
    assert!(matches!(
        render(&slip(), page, Lang::Vi),
        Err(Error::Font(_))
    ));
}
