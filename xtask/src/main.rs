//! Developer tasks for motcua: `cargo xtask <task>`.
//!
//! The README's two commands are `cargo xtask run` and `cargo xtask test`.
//! Both install what is missing first (see `tools/`), print each step, and
//! stop at the first failure with its exit status.

use std::process::ExitCode;

mod bench_web;
mod build;
mod postgres;
mod sh;
mod tasks;
mod tools;

const USAGE: &str = "\
usage: cargo xtask <task>

  run      build the app and start `motcua serve` on http://127.0.0.1:8080
  test     everything CI runs: fmt, clippy (native + wasm32), docs, native
           tests, wasm tests in headless Chromium, end-to-end tests
  setup    install every pinned tool (tools/)
  build    build the app into dist/ (Trunk, release, precompressed)
  size     print the app's wasm and JS sizes, raw, gzip and brotli
  bench-web [forms|seal|scan|all] [--builds LIST] [--files TEXT] [--no-peer] [--quick]
           in-browser benchmarks: wasm in headless Chromium next to its
           peers (WebCrypto, browser-image-compression); BENCHMARKS.md
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => tasks::run_app(&args[1..]),
        Some("test") => tasks::test(&args[1..]),
        Some("setup") => tools::setup_all(),
        Some("build") => build::app().map(|_| ()),
        Some("size") => tasks::size(),
        Some("bench-web") => bench_web::run_bench(&args[1..]),
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
