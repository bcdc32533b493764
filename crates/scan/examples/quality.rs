//! Picks the default JPEG quality: for each photo, the page pixels (resized
//! to A4 at 200 dpi) are encoded at several qualities, decoded again, and
//! compared with SSIM (luma, 8 × 8 windows, stride 4; Wang et al. 2004
//! constants) against the pixels before encoding.
//!
//! Run: `cargo run --release -p motcua-scan --example quality`

use motcua_scan::stages;
use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

const PHOTOS: &[&str] = &[
    "camera-photos/iphone6_3264x2448_8mp.jpg",
    "camera-photos/samsung-galaxy-s7_4032x2012_8mp.jpg",
    "camera-photos/nokia-8.3-5g_4608x1976_9mp.jpg",
    "camera-photos/olympus-e-p3_4032x3024_12mp.jpg",
    "documents/phone-photo-document-page_3024x4032_12mp.png",
    "documents/handwritten-notes-a1_2081x2531.jpg",
    "documents/graph-paper-pencil_1742x1100.jpg",
];
const QUALITIES: &[u8] = &[50, 60, 65, 70, 75, 80, 85, 90];

fn luma(px: &[u8], channels: usize) -> Vec<f64> {
    px.chunks_exact(channels)
        .map(|p| {
            if channels == 1 {
                f64::from(p[0])
            } else {
                0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2])
            }
        })
        .collect()
}

fn ssim(a: &[f64], b: &[f64], w: usize, h: usize) -> f64 {
    let (c1, c2) = ((0.01f64 * 255.0).powi(2), (0.03f64 * 255.0).powi(2));
    let (mut total, mut n) = (0.0, 0.0);
    for y in (0..h.saturating_sub(8)).step_by(4) {
        for x in (0..w.saturating_sub(8)).step_by(4) {
            let (mut sa, mut sb, mut saa, mut sbb, mut sab) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for yy in y..y + 8 {
                for xx in x..x + 8 {
                    let (va, vb) = (a[yy * w + xx], b[yy * w + xx]);
                    sa += va;
                    sb += vb;
                    saa += va * va;
                    sbb += vb * vb;
                    sab += va * vb;
                }
            }
            let m = 64.0;
            let (ma, mb) = (sa / m, sb / m);
            let (va, vb, cov) = (saa / m - ma * ma, sbb / m - mb * mb, sab / m - ma * mb);
            total += ((2.0 * ma * mb + c1) * (2.0 * cov + c2))
                / ((ma * ma + mb * mb + c1) * (va + vb + c2));
            n += 1.0;
        }
    }
    total / n
}

fn main() {
    let dir = motcua_testkit::data::dir();
    print!("{:<28}", "photo (page px)");
    for q in QUALITIES {
        print!(" | q{q:<2} KB  SSIM ");
    }
    println!();
    for rel in PHOTOS {
        let bytes = std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        for gray in [false, true] {
            let decoded = stages::decode(&bytes, gray).unwrap_or_else(|e| panic!("{e}"));
            let page = stages::resize(&decoded, 200, false);
            let reference = luma(&page.3, page.2);
            let name = rel
                .rsplit('/')
                .next()
                .unwrap_or(rel)
                .split('_')
                .next()
                .unwrap_or(rel);
            print!(
                "{:<28}",
                format!(
                    "{name}{} {}x{}",
                    if page.2 == 1 { " gray" } else { "" },
                    page.0,
                    page.1
                )
            );
            for &q in QUALITIES {
                let jpeg = stages::encode(&page, q, 200).unwrap_or_else(|e| panic!("{e}"));
                let cs = if page.2 == 1 {
                    ColorSpace::Luma
                } else {
                    ColorSpace::RGB
                };
                let out = JpegDecoder::new_with_options(
                    ZCursor::new(&jpeg),
                    DecoderOptions::default().jpeg_set_out_colorspace(cs),
                )
                .decode()
                .unwrap_or_else(|e| panic!("{e}"));
                let s = ssim(
                    &reference,
                    &luma(&out, page.2),
                    page.0 as usize,
                    page.1 as usize,
                );
                print!(" | {:>6.0} {:.4}", jpeg.len() as f64 / 1e3, s);
            }
            println!();
            if decoded.2 == 1 {
                break;
            }
        }
    }
}
