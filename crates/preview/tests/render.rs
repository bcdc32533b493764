//! First-page thumbnails of the real PDFs of `shared/data/pdf`, of PDFs the
//! scan pipeline makes, and of broken files, checked against poppler's
//! `pdftoppm` rendering of the same pages.

use std::process::Command;

use motcua_testkit::data::{dir as data_dir, read};

use motcua_preview::{DEFAULT_MAX_SIDE, Error, Thumbnail, first_page};
use motcua_scan::{Limits, PdfMeta, Settings, assemble_pdf, pdf_page_count, scan_image};
use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

fn sample_pdfs() -> Vec<(String, Vec<u8>)> {
    let mut names: Vec<String> = std::fs::read_dir(data_dir().join("pdf"))
        .unwrap_or_else(|e| panic!("listing pdf/: {e}"))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pdf"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 6,
        "expected the six sample PDFs, found {names:?}"
    );
    names
        .into_iter()
        .map(|n| {
            let bytes = read(&format!("pdf/{n}"));
            (n, bytes)
        })
        .collect()
}

/// An RGB image decoded from a JPEG.
struct Rgb {
    width: usize,
    height: usize,
    data: Vec<u8>,
}

fn decode(jpeg: &[u8], label: &str) -> Rgb {
    let options = DecoderOptions::default().jpeg_set_out_colorspace(ColorSpace::RGB);
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(jpeg), options);
    let data = decoder
        .decode()
        .unwrap_or_else(|e| panic!("{label}: decoding: {e}"));
    let (width, height) = decoder
        .dimensions()
        .unwrap_or_else(|| panic!("{label}: no dimensions"));
    Rgb {
        width,
        height,
        data,
    }
}

/// Mean luma of each cell of an 8 × 8 grid over the image: what a thumbnail
/// is for (where the page is dark or light), independent of antialiasing.
fn grid(img: &Rgb) -> Vec<f64> {
    let mut sums = vec![(0f64, 0u32); 64];
    for y in 0..img.height {
        for x in 0..img.width {
            let i = (y * img.width + x) * 3;
            let p = &img.data[i..i + 3];
            let luma = 0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2]);
            let cell = (y * 8 / img.height) * 8 + x * 8 / img.width;
            sums[cell].0 += luma;
            sums[cell].1 += 1;
        }
    }
    sums.into_iter()
        .map(|(s, n)| s / f64::from(n.max(1)))
        .collect()
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f64>() / a.len() as f64
}

/// Poppler's rendering of page 1 with the same longer side.
fn poppler(pdf: &[u8], side: u32) -> Rgb {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let src = dir.path().join("in.pdf");
    std::fs::write(&src, pdf).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("page");
    let output = Command::new("pdftoppm")
        .args([
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            "-jpeg",
            "-jpegopt",
            "quality=95",
        ])
        .args(["-scale-to", &side.to_string()])
        .arg(&src)
        .arg(&out)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run pdftoppm ({e}): install the Debian package poppler-utils")
        });
    assert!(
        output.status.success(),
        "pdftoppm: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let jpeg = std::fs::read(dir.path().join("page.jpg")).unwrap_or_else(|e| panic!("{e}"));
    decode(&jpeg, "pdftoppm output")
}

fn thumbnail(pdf: &[u8], label: &str) -> Thumbnail {
    first_page(pdf, DEFAULT_MAX_SIDE).unwrap_or_else(|e| panic!("{label}: {e}"))
}

/// Checks a thumbnail's size and JPEG, and compares it with poppler's; returns
/// the grid of mean luma.
fn check_against_poppler(pdf: &[u8], label: &str) -> Vec<f64> {
    let thumb = thumbnail(pdf, label);
    assert_eq!(
        thumb.width.max(thumb.height),
        DEFAULT_MAX_SIDE,
        "{label}: longer side"
    );
    let ours = decode(&thumb.jpeg, label);
    assert_eq!(
        (ours.width, ours.height),
        (thumb.width as usize, thumb.height as usize)
    );
    let theirs = poppler(pdf, DEFAULT_MAX_SIDE);
    // Sizes agree to the rounding of the two renderers.
    assert!(
        ours.width.abs_diff(theirs.width) <= 1 && ours.height.abs_diff(theirs.height) <= 1,
        "{label}: ours {}x{}, poppler {}x{}",
        ours.width,
        ours.height,
        theirs.width,
        theirs.height
    );
    let (a, b) = (grid(&ours), grid(&theirs));
    let d = distance(&a, &b);
    // Measured: at most 0.8 (the photo and the scan); a text page left blank
    // would be 0.3 to 1.8 away, a scan left blank 61.
    assert!(
        d < 1.2,
        "{label}: mean luma differs from poppler's by {d:.2} per cell"
    );
    a
}

#[test]
fn every_sample_pdf_renders_like_poppler() {
    for (name, bytes) in sample_pdfs() {
        let thumb = thumbnail(&bytes, &name);
        let pages = pdf_page_count(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(thumb.pages, pages, "{name}: page count");
        check_against_poppler(&bytes, &name);
    }
}

#[test]
fn a_blank_page_is_white_and_a_scanned_page_is_not() {
    let blank = check_against_poppler(&read("pdf/plain-empty-a4-page.pdf"), "blank");
    assert!(blank.iter().all(|&l| l > 250.0), "blank page: {blank:?}");
    let scan = check_against_poppler(
        &read("pdf/scanned-book-page-huckleberry-finn.pdf"),
        "scanned page",
    );
    let (lo, hi) = scan
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &l| (lo.min(l), hi.max(l)));
    assert!(hi - lo > 30.0, "scanned page looks flat: {scan:?}");
    // A page of text in a standard font (not embedded): the built-in fonts
    // draw it.
    let text = check_against_poppler(&read("pdf/signed-pades-cades-detached.pdf"), "text page");
    let ink = distance(&text, &[255.0; 64]);
    assert!(ink > 1.0, "text page looks blank: {ink:.2}");
}

#[test]
fn a4_pages_have_a4_thumbnails() {
    let thumb = thumbnail(&read("pdf/plain-empty-a4-page.pdf"), "blank");
    // 595 × 842 points scaled to 320 high: 226.1 wide.
    assert_eq!((thumb.width, thumb.height), (226, 320));
}

#[test]
fn a_pdf_made_from_a_photo_shows_the_photo() {
    let photo = read("camera-photos/olympus-e-p3_4032x3024_12mp.jpg");
    let page = scan_image(&photo, &Settings::default(), &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let pdf = assemble_pdf(&[page], &PdfMeta::default(), &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let thumb = thumbnail(&pdf.bytes, "photo PDF");
    // A landscape photo becomes a landscape A4 page.
    assert!(
        thumb.width > thumb.height,
        "{}x{}",
        thumb.width,
        thumb.height
    );
    check_against_poppler(&pdf.bytes, "photo PDF");
}

#[test]
fn page_rotation_is_applied() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let src = dir.path().join("in.pdf");
    let out = dir.path().join("rotated.pdf");
    std::fs::write(&src, read("pdf/scanned-book-page-huckleberry-finn.pdf"))
        .unwrap_or_else(|e| panic!("{e}"));
    let status = Command::new("qpdf")
        .arg("--rotate=+90:1")
        .arg(&src)
        .arg(&out)
        .status()
        .unwrap_or_else(|e| panic!("cannot run qpdf ({e}): install the Debian package qpdf"));
    assert!(status.success(), "qpdf --rotate failed");
    let upright = thumbnail(&std::fs::read(&src).unwrap_or_default(), "upright");
    let rotated_pdf = std::fs::read(&out).unwrap_or_else(|e| panic!("{e}"));
    let rotated = thumbnail(&rotated_pdf, "rotated");
    assert_eq!(
        (rotated.width, rotated.height),
        (upright.height, upright.width),
        "a quarter turn swaps the sides"
    );
    check_against_poppler(&rotated_pdf, "rotated");
}

#[test]
fn the_same_pdf_gives_the_same_thumbnail() {
    let pdf = read("pdf/signed-pades-cades-detached.pdf");
    assert_eq!(thumbnail(&pdf, "first"), thumbnail(&pdf, "second"));
}

#[test]
fn what_is_not_a_pdf_is_refused() {
    assert_eq!(first_page(b"", 320), Err(Error::NotPdf));
    assert_eq!(
        first_page(&read("camera-photos/small-nikon-d70.jpg"), 320),
        Err(Error::NotPdf)
    );
    let garbage = b"%PDF-1.7\n\x00\x01 this is not a PDF body at all\n%%EOF\n";
    assert!(matches!(
        first_page(garbage, 320),
        Err(Error::Unreadable | Error::NoPages)
    ));
    assert_eq!(
        first_page(&read("pdf/plain-empty-a4-page.pdf"), 8),
        Err(Error::Side(8))
    );
    assert_eq!(
        first_page(&read("pdf/plain-empty-a4-page.pdf"), 100_000),
        Err(Error::Side(100_000))
    );
    // Every error has a message in both languages.
    let msg = Error::Unreadable.message();
    assert!(msg.vi.contains("PDF") && msg.en.contains("PDF"));
}

#[test]
fn broken_pdfs_give_an_answer_not_a_crash() {
    // Truncations and byte flips of every sample: each gives a thumbnail or
    // an error, never a panic (which `first_page` would turn into
    // `Error::Renderer`: failing here shows it).
    for (name, bytes) in sample_pdfs() {
        let cuts = [
            bytes.len() / 4,
            bytes.len() / 2,
            bytes.len() * 3 / 4,
            bytes.len() - 1,
        ];
        for cut in cuts {
            let result = first_page(&bytes[..cut], 64);
            assert_ne!(result, Err(Error::Renderer), "{name} cut at {cut}");
        }
        for step in [7usize, 13, 101] {
            let mut flipped = bytes.clone();
            for i in (64..flipped.len()).step_by(step) {
                flipped[i] ^= 0x5a;
            }
            let result = first_page(&flipped, 64);
            assert_ne!(result, Err(Error::Renderer), "{name} flipped every {step}");
        }
    }
}
