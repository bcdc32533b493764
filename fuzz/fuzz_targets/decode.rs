//! The attachment path on arbitrary bytes: sniff, read headers, decode a
//! photo into a page, count a PDF's pages. Any input must give a page or a
//! typed error; never a panic, a hang or an allocation beyond the limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use motcua_scan::{ColorMode, Limits, MediaType, Settings, attach_pdf, probe, scan_image, sniff};

fuzz_target!(|data: &[u8]| {
    // Small limits keep each run fast; the logic is the same at any size.
    let limits = Limits {
        max_pixels: 4_000_000,
        ..Limits::default()
    };
    match sniff(data) {
        Ok(MediaType::Pdf) => {
            let _ = attach_pdf(data, &limits);
        }
        Ok(_) => {
            if let Ok(info) = probe(data, &limits) {
                assert!(info.pixels() <= limits.max_pixels);
            }
            let mode = if data.len() % 2 == 0 {
                ColorMode::Color
            } else {
                ColorMode::Document
            };
            let settings = Settings {
                mode,
                dpi: 72,
                ..Settings::default()
            };
            if let Ok(page) = scan_image(data, &settings, &limits) {
                assert!(page.width() > 0 && page.height() > 0);
            }
        }
        Err(_) => {}
    }
});
