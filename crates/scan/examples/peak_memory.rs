//! Peak heap allocation of the pipeline per photo: the 12 MP Olympus photo
//! of the shared data and a 48 MP photo made from it (8064 × 6048, each
//! pixel doubled both ways, saved as a camera would: JPEG quality 90, 4:2:0,
//! one interleaved scan).
//!
//! Run: `cargo run --release -p motcua-scan --example peak_memory`

use std::sync::atomic::Ordering;

use motcua_scan::{ColorMode, Limits, Settings, scan_image, stages};

#[path = "../tests/counting/mod.rs"]
mod counting;

use counting::{LIVE, PEAK};

fn measure(label: &str, bytes: &[u8], settings: &Settings) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let page =
        scan_image(bytes, settings, &Limits::default()).unwrap_or_else(|e| panic!("{label}: {e}"));
    let peak = PEAK.load(Ordering::Relaxed) - before;
    println!(
        "{label:<34} page {}x{} {:>7} bytes   peak heap {:>6.1} MB",
        page.width(),
        page.height(),
        page.jpeg().len(),
        peak as f64 / 1e6
    );
}

fn main() {
    let dir = motcua_testkit::data::dir();
    let path = dir.join("camera-photos/olympus-e-p3_4032x3024_12mp.jpg");
    let photo = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));

    let (w, h, c, px) = stages::decode(&photo, false).unwrap_or_else(|e| panic!("{e}"));
    let (w2, h2) = (w * 2, h * 2);
    let mut big = vec![0u8; (w2 * h2) as usize * c];
    for y in 0..h2 as usize {
        for x in 0..w2 as usize {
            let s = ((y / 2) * w as usize + x / 2) * c;
            let d = (y * w2 as usize + x) * c;
            big[d..d + c].copy_from_slice(&px[s..s + c]);
        }
    }
    drop(px);
    // As a camera writes it: 4:2:0, one interleaved scan.
    let mut jpeg48 = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut jpeg48, 90);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    let (ew, eh) = (
        u16::try_from(w2).unwrap_or(u16::MAX),
        u16::try_from(h2).unwrap_or(u16::MAX),
    );
    encoder
        .encode(&big, ew, eh, jpeg_encoder::ColorType::Rgb)
        .unwrap_or_else(|e| panic!("{e}"));
    drop(big);

    let colour = Settings::default();
    let document = Settings {
        mode: ColorMode::Document,
        ..colour
    };
    println!(
        "input: 12 MP {w}x{h} {} bytes; 48 MP {w2}x{h2} {} bytes",
        photo.len(),
        jpeg48.len()
    );
    measure("12 MP colour", &photo, &colour);
    measure("12 MP document", &photo, &document);
    measure("48 MP colour", &jpeg48, &colour);
    measure("48 MP document", &jpeg48, &document);
    for (label, bytes) in [("12 MP", &photo), ("48 MP", &jpeg48)] {
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let decoded = stages::decode(bytes, false).unwrap_or_else(|e| panic!("{e}"));
        let decode_peak = PEAK.load(Ordering::Relaxed) - before;
        let held = LIVE.load(Ordering::Relaxed);
        PEAK.store(held, Ordering::Relaxed);
        let page = stages::resize(&decoded, 200, false);
        let resize_peak = PEAK.load(Ordering::Relaxed) - held;
        println!(
            "{label} steps: decode peak {:.1} MB (pixels {:.1} MB), resize adds {:.1} MB (page {:.1} MB)",
            decode_peak as f64 / 1e6,
            decoded.3.len() as f64 / 1e6,
            resize_peak as f64 / 1e6,
            page.3.len() as f64 / 1e6
        );
    }
}
