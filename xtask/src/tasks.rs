//! The tasks behind `run`, `test` and `size`.

use std::fs;
use std::process::Command;

use anyhow::Context;

use crate::build;
use crate::sh::{path_with, root, run, step};
use crate::tools;

/// `cargo xtask run`: build everything, then become `motcua serve`.
pub(crate) fn run_app(extra: &[String]) -> anyhow::Result<()> {
    let dist = build::app()?;
    step("building the server (release)");
    run(Command::new("cargo").args(["build", "--release", "--bin", "motcua"]))?;
    let server = root().join("target/release/motcua");
    let mut serve = Command::new(server);
    serve
        .args(["serve", "--addr", "127.0.0.1:8080", "--data-dir"])
        .arg(root().join("data"))
        .arg("--dist")
        .arg(&dist)
        .args(extra)
        .current_dir(root());
    step("starting the server (Ctrl-C stops it)");
    exec(serve)
}

#[cfg(unix)]
fn exec(mut cmd: Command) -> anyhow::Result<()> {
    use std::os::unix::process::CommandExt;
    // Replace this process, so Ctrl-C and SIGTERM reach the server directly
    // and it shuts down cleanly.
    Err(cmd.exec()).context("starting motcua serve")
}

#[cfg(not(unix))]
fn exec(mut cmd: Command) -> anyhow::Result<()> {
    crate::sh::run(&mut cmd)
}

/// `cargo xtask test`: everything CI runs, in order of speed.
pub(crate) fn test(_extra: &[String]) -> anyhow::Result<()> {
    tools::ensure_test_tools()?;
    let chromedriver = tools::chromedriver()?;

    step("formatting (cargo fmt --check)");
    run(Command::new("cargo").args(["fmt", "--all", "--check"]))?;

    // deny.toml says what is checked and why advisories are not.
    step("dependency hygiene (cargo deny: licenses, bans, sources)");
    run(Command::new("cargo").args(["deny", "--locked", "check", "licenses", "bans", "sources"]))?;
    // The product without the e2e WebDriver client: a crate banned in
    // deny.toml but admitted through a wrapper (aws-lc-rs) is an error here.
    run(Command::new("cargo").args([
        "deny",
        "--locked",
        "--exclude",
        "fantoccini",
        "check",
        "bans",
        "--deny",
        "allowed-by-wrapper",
        "--allow",
        "unused-wrapper",
    ]))?;

    step("lints, native (clippy -D warnings)");
    run(Command::new("cargo").args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--all-features",
        "--",
        "-D",
        "warnings",
    ]))?;

    step("lints, wasm32 (clippy -D warnings)");
    run(Command::new("cargo").args([
        "clippy",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
        "-p",
        "motcua-app",
        "-p",
        "motcua-forms",
        "-p",
        "motcua-scan",
        "-p",
        "motcua-dossier",
        "-p",
        "motcua-submit",
        "-p",
        "motcua-preview",
        "-p",
        "motcua-receipt",
        "-p",
        "motcua-bulk",
        "--",
        "-D",
        "warnings",
    ]))?;

    step("API docs (rustdoc -D warnings)");
    run(Command::new("cargo")
        .args(["doc", "--workspace", "--no-deps", "--exclude", "xtask"])
        .env("RUSTDOCFLAGS", "-D warnings"))?;

    let postgres = crate::postgres::Postgres::start()?;
    crate::postgres::check(&postgres)?;
    step("native tests (storage against SQLite and PostgreSQL)");
    run(Command::new("cargo")
        .args([
            "test",
            "--workspace",
            "--exclude",
            "motcua-app",
            "--features",
            "motcua-intake/test-postgres",
        ])
        .env("MOTCUA_TEST_DATABASE_URL", &postgres.url)
        .env("MOTCUA_PYTHON", tools::venv_python())
        .env("PATH", path_with(&tools::npm_bin_dirs())))?;
    drop(postgres);

    step("wasm tests in headless Chromium");
    run(Command::new("cargo")
        .args([
            "test",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "motcua-app",
        ])
        .env("CHROMEDRIVER", &chromedriver)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
        .current_dir(root().join("crates/app")))?;

    let dist = build::app()?;

    step("end-to-end tests: motcua serve + the built app in headless Chromium");
    run(Command::new("cargo")
        .args(["test", "-p", "motcua", "--features", "e2e", "--test", "e2e"])
        .env("MOTCUA_DIST", &dist)
        .env("CHROMEDRIVER", &chromedriver)
        .env("PATH", path_with(&tools::npm_bin_dirs())))?;

    eprintln!("\nall tests passed");
    Ok(())
}

/// `cargo xtask size`: what a browser downloads to start the app.
pub(crate) fn size() -> anyhow::Result<()> {
    let dist = root().join("dist");
    let mut rows = Vec::new();
    for entry in fs::read_dir(&dist).context("reading dist/ (run `cargo xtask build` first)")? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if !(name.ends_with(".wasm") || name.ends_with(".js")) {
            continue;
        }
        let bytes = fs::read(&path)?;
        rows.push((
            name,
            bytes.len(),
            build::gzip(&bytes)?.len(),
            build::brotli(&bytes)?.len(),
        ));
    }
    rows.sort();
    println!(
        "{:<48} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip -9", "brotli 11"
    );
    let mut total = (0, 0, 0);
    for (name, raw, gz, br) in &rows {
        println!("{name:<48} {raw:>10} {gz:>10} {br:>10}");
        total = (total.0 + raw, total.1 + gz, total.2 + br);
    }
    println!(
        "{:<48} {:>10} {:>10} {:>10}",
        "total", total.0, total.1, total.2
    );
    let kib = |n: usize| n as f64 / 1024.0;
    println!(
        "total: {:.1} KiB raw, {:.1} KiB gzip, {:.1} KiB brotli",
        kib(total.0),
        kib(total.1),
        kib(total.2)
    );
    // The worker and the service worker load after the page, when first
    // needed; what a phone must fetch before the first screen is the rest.
    // The worker comes in two builds, of which a browser loads one; the PDF
    // preview worker loads only when a citizen attaches a PDF, the bulk
    // worker only when the bulk screen opens.
    let lazy = |name: &str| {
        name.starts_with("motcua-worker")
            || name.starts_with("motcua-preview")
            || name.starts_with("motcua-bulk-worker")
            || name == "sw.js"
    };
    let sum = |keep: &dyn Fn(&str) -> bool| {
        rows.iter()
            .filter(|(name, ..)| keep(name))
            .fold((0, 0, 0), |t, (_, r, g, b)| (t.0 + r, t.1 + g, t.2 + b))
    };
    let start = sum(&|name| !lazy(name));
    let simd = sum(&|name| name.starts_with("motcua-worker-simd"));
    let plain =
        sum(&|name| name.starts_with("motcua-worker") && !name.starts_with("motcua-worker-simd"));
    println!(
        "first screen (app + loader): {:.1} KiB raw, {:.1} KiB gzip, {:.1} KiB brotli",
        kib(start.0),
        kib(start.1),
        kib(start.2)
    );
    let preview = sum(&|name| name.starts_with("motcua-preview"));
    let bulk = sum(&|name| name.starts_with("motcua-bulk-worker"));
    for (flavour, (raw, gz, br)) in [
        ("worker with wasm SIMD", simd),
        ("worker without SIMD", plain),
        ("PDF preview worker", preview),
        ("bulk filing worker", bulk),
    ] {
        println!(
            "{flavour}, loaded when first needed: {:.1} KiB raw, {:.1} KiB gzip, {:.1} KiB brotli",
            kib(raw),
            kib(gz),
            kib(br)
        );
    }
    Ok(())
}
