//! The pipeline over the shared test data: real photos, EXIF orientation
//! sets, malformed images and user PDFs. Every PDF made here is checked with
//! qpdf and rendered with pdftoppm (Debian packages qpdf, poppler-utils).

use std::path::PathBuf;
use std::process::Command;

use motcua_testkit::data::{dir as data_dir, read};

use motcua_scan::{
    ColorMode, Error, Limits, MediaType, Orientation, PageImage, PdfMeta, Settings, assemble_pdf,
    attach_pdf, fit_a4, pdf_page_count, probe, scan_image, sha256,
};
use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

fn files(dir: &str) -> Vec<(String, Vec<u8>)> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(data_dir().join(dir))
        .unwrap_or_else(|e| panic!("listing {dir}: {e}"))
        .map(|e| {
            e.map(|e| e.path())
                .unwrap_or_else(|e| panic!("listing {dir}: {e}"))
        })
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bytes =
                std::fs::read(&p).unwrap_or_else(|e| panic!("reading {}: {e}", p.display()));
            (name, bytes)
        })
        .collect()
}

/// Runs a checking tool; a missing tool fails the test with the package to install.
fn run_tool(tool: &str, package: &str, args: &[&str]) -> std::process::Output {
    Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool} ({e}): install the Debian package {package}"))
}

/// `qpdf --check` passes and `pdftoppm` renders every page.
fn check_pdf(pdf: &[u8], pages: u32, label: &str) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = dir.path().join("out.pdf");
    std::fs::write(&path, pdf).unwrap_or_else(|e| panic!("writing: {e}"));
    let p = path.to_string_lossy().into_owned();
    let check = run_tool("qpdf", "qpdf", &["--check", &p]);
    assert!(
        check.status.success(),
        "{label}: qpdf --check failed: {}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let npages = run_tool("qpdf", "qpdf", &["--show-npages", &p]);
    assert_eq!(
        String::from_utf8_lossy(&npages.stdout).trim(),
        pages.to_string(),
        "{label}"
    );
    let prefix = dir.path().join("page").to_string_lossy().into_owned();
    let render = run_tool(
        "pdftoppm",
        "poppler-utils",
        &["-r", "20", "-png", &p, &prefix],
    );
    assert!(
        render.status.success() && render.stderr.is_empty(),
        "{label}: pdftoppm failed: {}",
        String::from_utf8_lossy(&render.stderr)
    );
    let rendered = std::fs::read_dir(dir.path())
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(
        rendered,
        pages as usize + 1,
        "{label}: pdftoppm made {} files",
        rendered - 1
    );
}

/// Decodes a page's JPEG to RGB for probing.
fn pixels(page: &PageImage) -> Vec<u8> {
    let options = DecoderOptions::default().jpeg_set_out_colorspace(ColorSpace::RGB);
    JpegDecoder::new_with_options(ZCursor::new(page.jpeg()), options)
        .decode()
        .unwrap_or_else(|e| panic!("decoding our own JPEG: {e}"))
}

/// Block means (16 × 16 pixels, RGB) at a 7 × 7 grid of probes over an
/// image given as a pixel lookup.
fn signature(w: usize, h: usize, px: impl Fn(usize, usize) -> [u8; 3]) -> Vec<f64> {
    let mut out = Vec::new();
    for gy in 1..8 {
        for gx in 1..8 {
            let (x0, y0) = (gx * (w - 16) / 8, gy * (h - 16) / 8);
            let mut s = [0f64; 3];
            for y in y0..y0 + 16 {
                for x in x0..x0 + 16 {
                    let p = px(x, y);
                    for c in 0..3 {
                        s[c] += f64::from(p[c]);
                    }
                }
            }
            out.extend(s.map(|v| v / 256.0));
        }
    }
    out
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f64>() / a.len() as f64
}

/// How far `page` is from `reference` as it is, and from the reference
/// mirrored left-right, turned 180° and mirrored top-bottom: the pixel probe.
fn probe_distances(page: &PageImage, reference: &PageImage) -> [f64; 4] {
    assert_eq!(
        (page.width(), page.height()),
        (reference.width(), reference.height())
    );
    let (w, h) = (page.width() as usize, page.height() as usize);
    let (p, r) = (pixels(page), pixels(reference));
    let at = |buf: &[u8], x: usize, y: usize| {
        let i = (y * w + x) * 3;
        [buf[i], buf[i + 1], buf[i + 2]]
    };
    let sig = signature(w, h, |x, y| at(&p, x, y));
    [
        distance(&sig, &signature(w, h, |x, y| at(&r, x, y))),
        distance(&sig, &signature(w, h, |x, y| at(&r, w - 1 - x, y))),
        distance(&sig, &signature(w, h, |x, y| at(&r, w - 1 - x, h - 1 - y))),
        distance(&sig, &signature(w, h, |x, y| at(&r, x, h - 1 - y))),
    ]
}

/// The page shows the reference upright: within `bound` of it, and clearly
/// closer to it than to any mirrored or turned version.
fn assert_upright(page: &PageImage, reference: &PageImage, name: &str, bound: f64) {
    let d = probe_distances(page, reference);
    assert!(
        d[0] < bound,
        "{name}: differs from the upright reference by {:.1}",
        d[0]
    );
    for (other, label) in d[1..].iter().zip(["mirrored", "turned 180°", "flipped"]) {
        assert!(
            d[0] * 1.5 < *other,
            "{name}: as close to the reference {label} ({other:.1}) as upright ({:.1})",
            d[0]
        );
    }
}

fn scan(bytes: &[u8]) -> PageImage {
    scan_image(bytes, &Settings::default(), &Limits::default()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn exif_orientations_give_upright_pages() {
    let sets = [
        // (file prefix, values, upright size, bound). The exifpy files each
        // show their own number in large digits at the centre, so they differ
        // from the reference there (measured 16.4, against 30 and more for a
        // mirrored or turned picture).
        ("recurser-landscape-orientation-", 0..=8, (1800, 1200), 3.0),
        ("exifpy-portrait-orientation-", 1..=8, (450, 600), 18.0),
    ];
    for (prefix, values, size, bound) in sets {
        let reference = scan(&read(&format!("exif-orientation/{prefix}1.jpg")));
        assert_eq!((reference.width(), reference.height()), size, "{prefix}1");
        for v in values {
            let name = format!("{prefix}{v}.jpg");
            let bytes = read(&format!("exif-orientation/{name}"));
            let info = probe(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(info.orientation, Orientation::from_exif(v), "{name}");
            let page = scan(&bytes);
            assert_eq!((page.width(), page.height()), size, "{name}");
            assert_upright(&page, &reference, &name, bound);
        }
    }
    // The small Pillow set has no orientation-1 file: all must agree.
    let first = scan(&read("exif-orientation/pillow-hopper-orientation-2.jpg"));
    for v in 3..=8 {
        let page = scan(&read(&format!(
            "exif-orientation/pillow-hopper-orientation-{v}.jpg"
        )));
        assert_upright(&page, &first, &format!("pillow hopper {v}"), 3.0);
    }
}

#[test]
fn malformed_images_are_refused_with_the_right_error() {
    let kind = |r: Result<PageImage, Error>| match r {
        Ok(_) => "ok".to_owned(),
        Err(e) => e.code().to_owned(),
    };
    let expected = [
        ("jpeg-bomb-lottapixel-64250x64250.jpg", "too_many_pixels"),
        // A fuzzed stream whose DC predictor overflows: it ends properly and
        // decodes without error (the overflow wraps, as in libjpeg), so it
        // gives a page, of noise. Refusing it would need a judge of content.
        ("jpeg-dc-predictor-overflow.jpg", "ok"),
        ("jpeg-empty-0-bytes.jpg", "empty"),
        // Only the EXIF block is damaged: the photo is fine and counts as
        // upright ("0/invalid = 1").
        ("jpeg-invalid-exif.jpg", "ok"),
        ("jpeg-junk-before-markers.jpg", "malformed"),
        ("jpeg-missing-sof.jpg", "truncated"),
        // Frame header, then the end-of-image marker: no scan at all.
        ("jpeg-missing-sos.jpg", "malformed"),
        ("jpeg-truncated-progressive.jpg", "truncated"),
        ("jpeg-zero-height-in-sof.jpg", "zero_size"),
        ("jpeg-zero-width-in-sof.jpg", "zero_size"),
        ("png-signature-then-garbage.png", "malformed"),
        ("png-truncated-idat.png", "truncated"),
        ("png-ztxt-decompression-bomb.png", "metadata_bomb"),
    ];
    let found = files("malformed-images");
    assert_eq!(
        found.len(),
        expected.len(),
        "a file was added to malformed-images: list it here"
    );
    for ((name, bytes), (want_name, want)) in found.iter().zip(expected) {
        assert_eq!(name, want_name);
        let got = kind(scan_image(bytes, &Settings::default(), &Limits::default()));
        assert_eq!(got, want, "{name}");
    }
    let bomb = read("malformed-images/jpeg-bomb-lottapixel-64250x64250.jpg");
    assert_eq!(
        probe(&bomb, &Limits::default()),
        Err(Error::TooManyPixels {
            width: 64250,
            height: 64250,
            max: motcua_scan::DEFAULT_MAX_PIXELS
        })
    );
    let ztxt = read("malformed-images/png-ztxt-decompression-bomb.png");
    assert!(matches!(
        probe(&ztxt, &Limits::default()),
        Err(Error::MetadataBomb {
            limit: motcua_scan::MAX_TEXT_CHUNK,
            ..
        })
    ));
}

#[test]
fn invalid_exif_counts_as_upright() {
    let bytes = read("malformed-images/jpeg-invalid-exif.jpg");
    let info = probe(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info.orientation, Orientation::Normal);
    assert_eq!((info.width, info.height), (200, 200));
}

#[test]
fn real_photos_and_documents_all_process() {
    let mut pages = Vec::new();
    for dir in ["camera-photos", "documents"] {
        for (name, bytes) in files(dir) {
            let info = probe(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
            for mode in [ColorMode::Color, ColorMode::Document] {
                let settings = Settings {
                    mode,
                    ..Settings::default()
                };
                let page = scan_image(&bytes, &settings, &Limits::default())
                    .unwrap_or_else(|e| panic!("{name} {mode:?}: {e}"));
                let (uw, uh) = info.upright_size();
                assert_eq!((page.width(), page.height()), fit_a4(uw, uh, 200), "{name}");
                assert!(page.width() <= 2339 && page.height() <= 2339, "{name}");
                assert_eq!(
                    page.gray(),
                    mode == ColorMode::Document || info.gray,
                    "{name}"
                );
                // A page is much smaller than the photo.
                assert!(
                    page.jpeg().len() < 1_500_000,
                    "{name}: {} bytes",
                    page.jpeg().len()
                );
                if mode == ColorMode::Color {
                    pages.push(page);
                }
            }
        }
    }
    let pdf = assemble_pdf(&pages, &PdfMeta::default(), &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pdf.info.pages as usize, pages.len());
    assert_eq!(pdf.info.sha256, sha256(&pdf.bytes));
    assert_eq!(pdf_page_count(&pdf.bytes), Ok(pdf.info.pages));
    check_pdf(&pdf.bytes, pdf.info.pages, "all photos");
}

#[test]
fn same_input_same_bytes() {
    let bytes = read("camera-photos/canon-ixus40_1704x2272_portrait.jpg");
    let meta = PdfMeta {
        title: Some("Sổ hộ khẩu — trang 1".into()),
        created: None,
    };
    let make = || {
        let page = scan(&bytes);
        assemble_pdf(&[page], &meta, &Limits::default()).unwrap_or_else(|e| panic!("{e}"))
    };
    let (a, b) = (make(), make());
    assert_eq!(a.bytes, b.bytes);
    assert_eq!(a.info, b.info);
    check_pdf(&a.bytes, 1, "titled");
}

#[test]
fn user_pdfs_are_described_not_changed() {
    for (name, bytes) in files("pdf") {
        let before = bytes.clone();
        let info = attach_pdf(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(bytes, before);
        assert_eq!(info.media_type, MediaType::Pdf);
        assert_eq!(info.bytes, bytes.len() as u64);
        assert_eq!(info.sha256, sha256(&bytes), "{name}");
        let qpdf = run_tool(
            "qpdf",
            "qpdf",
            &[
                "--show-npages",
                &data_dir().join("pdf").join(&name).to_string_lossy(),
            ],
        );
        assert_eq!(
            info.pages.to_string(),
            String::from_utf8_lossy(&qpdf.stdout).trim(),
            "{name}"
        );
    }
}

/// Page counts through the forms qpdf writes: object and cross-reference
/// streams, linearized files, and an incremental update.
#[test]
fn page_counts_through_qpdf_rewrites() {
    let page = scan(&read("camera-photos/small-canon-powershot-s40_480x360.jpg"));
    let pdf = assemble_pdf(&vec![page; 7], &PdfMeta::default(), &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let src = dir.path().join("in.pdf");
    std::fs::write(&src, &pdf.bytes).unwrap_or_else(|e| panic!("{e}"));
    let src = src.to_string_lossy().into_owned();
    let variants: [(&str, &[&str]); 4] = [
        ("object streams", &["--object-streams=generate"]),
        ("linearized", &["--linearize"]),
        (
            "linearized with object streams",
            &["--linearize", "--object-streams=generate"],
        ),
        ("three pages kept", &["--pages", ".", "1-3", "--"]),
    ];
    for (label, args) in variants {
        let out = dir.path().join("out.pdf").to_string_lossy().into_owned();
        let mut all = vec![src.as_str()];
        all.extend_from_slice(args);
        all.push(&out);
        let status = run_tool("qpdf", "qpdf", &all);
        assert!(
            status.status.success(),
            "{label}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        let bytes = std::fs::read(&out).unwrap_or_else(|e| panic!("{e}"));
        let want = if label == "three pages kept" { 3 } else { 7 };
        assert_eq!(pdf_page_count(&bytes), Ok(want), "{label}");
    }
    // An incremental update that drops pages (as an editor saving a signed
    // file would append): the newest page tree counts.
    let mut updated = pdf.bytes;
    let prev = updated
        .windows(9)
        .rposition(|w| w == b"startxref")
        .map(|p| {
            String::from_utf8_lossy(&updated[p + 10..])
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_owned()
        })
        .unwrap_or_default();
    let at = updated.len();
    updated.extend(b"2 0 obj\n<< /Type /Pages /Kids [4 0 R 7 0 R] /Count 2 >>\nendobj\n");
    let xref = updated.len();
    updated.extend(format!("xref\n2 1\n{at:010} 00000 n \ntrailer\n<< /Size 25 /Root 1 0 R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n").bytes());
    assert_eq!(pdf_page_count(&updated), Ok(2));
}

#[test]
fn limits_are_checked() {
    let photo = read("camera-photos/iphone6_3264x2448_8mp.jpg");
    let small = Limits {
        max_input_bytes: 1_000_000,
        ..Limits::default()
    };
    assert!(matches!(
        scan_image(&photo, &Settings::default(), &small),
        Err(Error::FileTooLarge { .. })
    ));
    let few_pixels = Limits {
        max_pixels: 7_000_000,
        ..Limits::default()
    };
    assert_eq!(
        scan_image(&photo, &Settings::default(), &few_pixels).map(|p| p.width()),
        Err(Error::TooManyPixels {
            width: 3264,
            height: 2448,
            max: 7_000_000
        })
    );
    let page = scan(&photo);
    let two_pages = Limits {
        max_pages: 2,
        ..Limits::default()
    };
    assert_eq!(
        assemble_pdf(&vec![page.clone(); 3], &PdfMeta::default(), &two_pages).map(|a| a.info),
        Err(Error::TooManyPages { pages: 3, max: 2 })
    );
    let tiny = Limits {
        max_attachment_bytes: 10_000,
        ..Limits::default()
    };
    assert!(matches!(
        assemble_pdf(&[page], &PdfMeta::default(), &tiny),
        Err(Error::AttachmentTooLarge { max: 10_000, .. })
    ));
    let signed = read("pdf/signed-pades-cades-detached.pdf");
    let full = Limits::default().with_dossier_bytes_used(Limits::default().max_dossier_bytes - 100);
    assert!(matches!(
        attach_pdf(&signed, &full),
        Err(Error::DossierTooLarge { .. })
    ));
    let no_pdf = Limits {
        accept: vec![MediaType::Jpeg],
        ..Limits::default()
    };
    assert!(matches!(
        attach_pdf(&signed, &no_pdf),
        Err(Error::NotAccepted { .. })
    ));
}

/// Encodes a test pattern as a camera would (4:2:0), optionally with one scan
/// per component.
fn pattern_jpeg(width: u16, height: u16, scan_per_component: bool) -> Vec<u8> {
    let (w, h) = (usize::from(width), usize::from(height));
    let mut px = vec![0u8; w * h * 3];
    for (i, p) in px.chunks_exact_mut(3).enumerate() {
        let (x, y) = (i % w, i / w);
        p.copy_from_slice(&[
            (x * 255 / w) as u8,
            (y * 255 / h) as u8,
            ((x / 64 + y / 64) % 2 * 200) as u8,
        ]);
    }
    let mut out = Vec::new();
    let mut e = jpeg_encoder::Encoder::new(&mut out, 90);
    e.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    // jpeg-encoder writes one scan per component when it optimizes tables.
    e.set_optimized_huffman_tables(scan_per_component);
    e.encode(&px, width, height, jpeg_encoder::ColorType::Rgb)
        .unwrap_or_else(|e| panic!("{e}"));
    out
}

#[test]
fn a_48_megapixel_photo_works() {
    let jpeg = pattern_jpeg(8000, 6000, false);
    let page = scan(&jpeg);
    assert_eq!((page.width(), page.height()), (2205, 1654));
    let pdf = assemble_pdf(&[page], &PdfMeta::default(), &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    check_pdf(&pdf.bytes, 1, "48 MP");
}

/// zune-jpeg 0.5.15 decodes subsampled sequential JPEGs with one scan per
/// component into wrong colours: they are refused rather than turned into a
/// wrong page, and 4:4:4 ones still work.
#[test]
fn regression_scan_per_component_subsampled_jpeg_is_refused() {
    let jpeg = pattern_jpeg(256, 128, true);
    assert!(matches!(
        scan_image(&jpeg, &Settings::default(), &Limits::default()),
        Err(Error::Unsupported {
            media_type: MediaType::Jpeg,
            ..
        })
    ));
    // The pages this crate writes are interleaved and read back right.
    let page = scan(&pattern_jpeg(256, 128, false));
    let again = scan(page.jpeg());
    assert_upright(&again, &page, "re-read page", 3.0);
}

#[test]
fn a_jpeg_made_elsewhere_becomes_a_page_as_it_is() {
    let jpeg = pattern_jpeg(300, 200, false);
    let page =
        PageImage::from_jpeg(jpeg.clone(), &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (page.width(), page.height(), page.gray()),
        (300, 200, false)
    );
    let pdf = assemble_pdf(&[page], &PdfMeta::default(), &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    // Embedded byte for byte.
    assert!(pdf.bytes.windows(jpeg.len()).any(|w| w == jpeg.as_slice()));
    check_pdf(&pdf.bytes, 1, "canvas JPEG");
    let png = read("documents/receipt-photo-cord_864x1296.png");
    assert!(matches!(
        PageImage::from_jpeg(png, &Limits::default()),
        Err(Error::NotAccepted { .. })
    ));
}
