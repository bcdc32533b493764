//! Native benchmarks of the pipeline over the real 8–12 MP photos of the
//! shared test data: decode, resize, encode, and the whole photo-to-page.
//!
//! Run: `cargo bench -p motcua-scan --bench pipeline`. Output sizes are
//! printed once per photo before the timings.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use motcua_scan::{ColorMode, Limits, Settings, scan_image, stages};

const PHOTOS: &[&str] = &[
    "camera-photos/iphone6_3264x2448_8mp.jpg",
    "camera-photos/samsung-galaxy-s7_4032x2012_8mp.jpg",
    "camera-photos/nokia-8.3-5g_4608x1976_9mp.jpg",
    "camera-photos/olympus-e-p3_4032x3024_12mp.jpg",
    "documents/phone-photo-document-page_3024x4032_12mp.png",
];

fn load(rel: &str) -> (String, Vec<u8>) {
    let path = motcua_testkit::data::dir().join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = rel
        .rsplit('/')
        .next()
        .unwrap_or(rel)
        .split('_')
        .next()
        .unwrap_or(rel)
        .to_owned();
    (name, bytes)
}

fn bench(c: &mut Criterion) {
    let settings = Settings::default();
    let document = Settings {
        mode: ColorMode::Document,
        ..settings
    };
    let limits = Limits::default();
    for rel in PHOTOS {
        let (name, bytes) = load(rel);
        let decoded = stages::decode(&bytes, false).unwrap_or_else(|e| panic!("{e}"));
        let resized = stages::resize(&decoded, settings.dpi, false);
        let page = scan_image(&bytes, &settings, &limits).unwrap_or_else(|e| panic!("{e}"));
        let doc = scan_image(&bytes, &document, &limits).unwrap_or_else(|e| panic!("{e}"));
        eprintln!(
            "{name}: {} bytes in, {}x{} px; page {}x{}: colour {} bytes, document {} bytes",
            bytes.len(),
            decoded.0,
            decoded.1,
            page.width(),
            page.height(),
            page.jpeg().len(),
            doc.jpeg().len()
        );
        let mut g = c.benchmark_group(name.as_str());
        g.sample_size(10);
        g.bench_function("decode", |b| {
            b.iter(|| stages::decode(black_box(&bytes), false))
        });
        g.bench_function("resize catmull-rom", |b| {
            b.iter(|| stages::resize(black_box(&decoded), 200, false))
        });
        g.bench_function("resize lanczos3", |b| {
            b.iter(|| stages::resize(black_box(&decoded), 200, true))
        });
        g.bench_function("encode", |b| {
            b.iter(|| stages::encode(black_box(&resized), settings.quality, 200))
        });
        g.bench_function("pipeline colour", |b| {
            b.iter(|| scan_image(black_box(&bytes), &settings, &limits))
        });
        g.bench_function("pipeline document", |b| {
            b.iter(|| scan_image(black_box(&bytes), &document, &limits))
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
