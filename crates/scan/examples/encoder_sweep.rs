//! Which JPEG encoder, and which of its settings, for the pages? Issue #4
//! asks for ≤ 0.8× the peer's bytes at SSIM ≥ the peer's. Writes the page of
//! one photo (A4 at 200 dpi) encoded by the pipeline, by jpeg-encoder 0.7 (the
//! pipeline's encoder before) and by mozjpeg-rs (a pure-Rust port of mozjpeg)
//! with optimized Huffman tables only, trellis quantization, progressive
//! scans, and both, at a range of qualities, with Catmull-Rom (the
//! pipeline's) and Lanczos3 resizing, and times each encoder natively.
//! `bench/web/ssim.py` then scores every output against the source.
//!
//! Run (BENCHMARKS.md, "Encoders"):
//!
//! ```text
//! cargo run --release -p motcua-scan --example encoder_sweep -- PHOTO OUT_DIR
//! target/tools/venv/bin/python bench/web/ssim.py OUT_DIR/jobs.json > OUT_DIR/ssim.json
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use motcua_scan::stages::{self, Pixels};
use mozjpeg_rs::{Encoder, Preset, QuantTableIdx, Subsampling, TrellisConfig};

const QUALITIES: std::ops::RangeInclusive<u8> = 70..=86;

/// The mozjpeg-rs settings compared, by name.
const MOZJPEG: &[&str] = &["huffman", "trellis", "progressive", "progressive-trellis"];

fn mozjpeg(config: &str, quality: u8) -> Encoder {
    let encoder = Encoder::new(Preset::BaselineBalanced)
        .quality(quality)
        .subsampling(Subsampling::S420)
        .quant_tables(QuantTableIdx::JpegAnnexK);
    let no_trellis = |e: Encoder| {
        e.trellis(TrellisConfig::disabled())
            .overshoot_deringing(false)
    };
    match config {
        "huffman" => no_trellis(encoder),
        "trellis" => encoder,
        "progressive" => no_trellis(encoder).progressive(true),
        _ => encoder.progressive(true),
    }
}

/// jpeg-encoder 0.7 as the pipeline used it before: standard Huffman
/// tables, 4:2:0 with averaged chroma.
fn jpeg_encoder_420(page: &Pixels, quality: u8) -> Vec<u8> {
    use jpeg_encoder::{ChromaSubsamplingMethod, ColorType, SamplingFactor};
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(SamplingFactor::F_2_2);
    encoder.set_chroma_subsampling_method(ChromaSubsamplingMethod::Average);
    let (w, h) = (page.0 as u16, page.1 as u16);
    encoder
        .encode(&page.3, w, h, ColorType::Rgb)
        .unwrap_or_else(|e| panic!("jpeg-encoder: {e}"));
    out
}

/// Median of three runs of `encode`, and its output.
fn timed(encode: impl Fn() -> Vec<u8>) -> (Vec<u8>, Duration) {
    let mut times = Vec::new();
    let mut out = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        out = encode();
        times.push(start.elapsed());
    }
    times.sort();
    (out, times[1])
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [photo, out_dir] = &args[..] else {
        eprintln!("usage: encoder_sweep PHOTO OUT_DIR");
        std::process::exit(2);
    };
    let source = std::fs::canonicalize(photo).unwrap_or_else(|e| panic!("{photo}: {e}"));
    let out_dir = PathBuf::from(out_dir);
    std::fs::create_dir_all(&out_dir).unwrap_or_else(|e| panic!("{}: {e}", out_dir.display()));
    let bytes = std::fs::read(&source).unwrap_or_else(|e| panic!("{photo}: {e}"));
    let decoded = stages::decode(&bytes, false).unwrap_or_else(|e| panic!("{photo}: {e}"));
    assert_eq!(decoded.2, 3, "{photo}: a colour photo is expected");
    let mut jobs = Vec::new();
    println!("{:<32} {:>9} {:>9}", "output", "bytes", "encode");
    for (filter, lanczos) in [("catmull-rom", false), ("lanczos3", true)] {
        let page: Pixels = stages::resize(&decoded, 200, lanczos);
        let mut write = |name: String, jpeg: &[u8], took: Duration| {
            let path = out_dir.join(format!("{name}.jpg"));
            std::fs::write(&path, jpeg).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            println!(
                "{name:<32} {:>9} {:>7.1}ms",
                jpeg.len(),
                took.as_secs_f64() * 1e3
            );
            jobs.push(serde_json::json!({
                "key": name,
                "source": source,
                "output": std::fs::canonicalize(&path).unwrap_or(path),
            }));
        };
        for quality in QUALITIES.step_by(2) {
            let (jpeg, took) =
                timed(|| stages::encode(&page, quality, 200).unwrap_or_else(|e| panic!("{e}")));
            write(format!("{filter}-pipeline-q{quality}"), &jpeg, took);
            let (jpeg, took) = timed(|| jpeg_encoder_420(&page, quality));
            write(format!("{filter}-jpeg-encoder-q{quality}"), &jpeg, took);
            for config in MOZJPEG {
                let (jpeg, took) = timed(|| {
                    mozjpeg(config, quality)
                        .encode_rgb(&page.3, page.0, page.1)
                        .unwrap_or_else(|e| panic!("mozjpeg-rs: {e}"))
                });
                write(format!("{filter}-mozjpeg-{config}-q{quality}"), &jpeg, took);
            }
        }
    }
    let jobs_path = out_dir.join("jobs.json");
    let json = serde_json::to_vec_pretty(&jobs).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&jobs_path, json).unwrap_or_else(|e| panic!("{}: {e}", jobs_path.display()));
    println!("wrote {}", jobs_path.display());
}
