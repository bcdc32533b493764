//! Building the app: Trunk, then two steps Trunk cannot do.
//!
//! 1. Trunk writes its wasm loader as an inline `<script type="module">`. The
//!    server's Content-Security-Policy forbids inline script, so the loader
//!    moves into a file named by its hash, `boot-<hash>.js`.
//! 2. The worker is built a second time with wasm SIMD (`simd128`), beside
//!    Trunk's plain one: one RUSTFLAGS reaches every Trunk target, and a SIMD
//!    page would not even compile on iOS before 16.4. The page picks the
//!    flavour with `WebAssembly.validate`.
//! 3. Text assets are precompressed (brotli and gzip) so the server sends them
//!    without compressing on every request.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::sh::{path_with, root, run, step};
use crate::tools::{self, digest_hex};

/// Builds the app into `dist/` and returns its path.
pub(crate) fn app() -> anyhow::Result<PathBuf> {
    tools::ensure_build_tools()?;
    step("building the app (Trunk, release)");
    let dist = root().join("dist");
    run(Command::new("trunk")
        .args(["build", "--release"])
        .env("PATH", path_with(&tools::npm_bin_dirs())))?;
    simd_worker(&dist)?;
    step("moving the loader out of index.html, precompressing");
    externalize_loader(&dist)?;
    write_precache(&dist)?;
    precompress(&dist)?;
    Ok(dist)
}

/// wasm-opt's feature flags, as index.html gives them to Trunk.
pub(crate) const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Builds `motcua-worker-simd.js` and `motcua-worker-simd_bg.wasm` into
/// `dist`: the worker of Trunk's build again, with `+simd128` (1.1–1.7× on
/// photos on top of opt-level 3: BENCHMARKS.md, "Scan"), in a target
/// directory of its own so the two builds do not rebuild each other.
fn simd_worker(dist: &Path) -> anyhow::Result<()> {
    step("building the worker again with wasm SIMD");
    let target_dir = root().join("target/simd-worker");
    run(Command::new("cargo")
        .args([
            "build",
            "-p",
            "motcua-app",
            "--bin",
            "motcua-worker",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-release",
        ])
        .env("RUSTFLAGS", "-C target-feature=+simd128")
        .env("CARGO_TARGET_DIR", &target_dir))?;
    let bindgen = target_dir.join("bindgen");
    run(Command::new("wasm-bindgen")
        .args([
            "--target",
            "no-modules",
            "--no-typescript",
            "--out-name",
            "motcua-worker-simd",
            "--out-dir",
        ])
        .arg(&bindgen)
        .arg(target_dir.join("wasm32-unknown-unknown/wasm-release/motcua-worker.wasm")))?;
    run(Command::new("wasm-opt")
        .arg("-Oz")
        .args(WASM_OPT_FEATURES)
        .arg("--enable-simd")
        .arg("-o")
        .arg(dist.join("motcua-worker-simd_bg.wasm"))
        .arg(bindgen.join("motcua-worker-simd_bg.wasm"))
        .env("PATH", path_with(&tools::npm_bin_dirs())))?;
    fs::copy(
        bindgen.join("motcua-worker-simd.js"),
        dist.join("motcua-worker-simd.js"),
    )
    .context("copying the SIMD worker's script")?;
    Ok(())
}

/// Moves the inline module script of `dist/index.html` into its own file.
fn externalize_loader(dist: &Path) -> anyhow::Result<()> {
    let index_path = dist.join("index.html");
    let html = fs::read_to_string(&index_path).context("reading dist/index.html")?;
    let (html, script) = split_inline_script(&html)?;
    let name = format!("boot-{}.js", &digest_hex(script.as_bytes())[..16]);
    fs::write(dist.join(&name), script).with_context(|| format!("writing dist/{name}"))?;
    let html = html.replace(
        INLINE_MARKER,
        &format!("<script type=module src=/{name}></script>"),
    );
    fs::write(&index_path, html).context("writing dist/index.html")?;
    eprintln!("loader moved to {name}");
    Ok(())
}

const INLINE_MARKER: &str = "<!--motcua-loader-->";

/// Splits the one inline `<script type=module>` (Trunk minifies attribute
/// quotes away, or not) from `html`, leaving [`INLINE_MARKER`] in its place.
fn split_inline_script(html: &str) -> anyhow::Result<(String, String)> {
    let openers = ["<script type=module>", "<script type=\"module\">"];
    let Some((start, opener)) = openers
        .iter()
        .filter_map(|o| html.find(o).map(|i| (i, *o)))
        .min_by_key(|(i, _)| *i)
    else {
        bail!("dist/index.html has no inline module script: did Trunk's output change?");
    };
    let body_start = start + opener.len();
    let Some(len) = html[body_start..].find("</script>") else {
        bail!("dist/index.html: unterminated inline script");
    };
    let script = html[body_start..body_start + len].to_owned();
    let rest = format!(
        "{}{}{}",
        &html[..start],
        INLINE_MARKER,
        &html[body_start + len + "</script>".len()..]
    );
    if openers.iter().any(|o| rest.contains(o)) {
        bail!("dist/index.html has more than one inline module script");
    }
    Ok((rest, script))
}

/// Fills the service worker's list of app-shell files (everything the build
/// made but the precompressed copies), and its version, a hash of them.
fn write_precache(dist: &Path) -> anyhow::Result<()> {
    // The catalog index is served by the intake server, not from dist/.
    let mut files = vec![
        "/".to_owned(),
        "/index.html".to_owned(),
        "/procedures/index.json".to_owned(),
    ];
    let mut digest_input = Vec::new();
    collect_files(dist, dist, &mut files, &mut digest_input)?;
    files.sort();
    files.dedup();
    let sw_path = dist.join("sw.js");
    let sw = fs::read_to_string(&sw_path).context("reading dist/sw.js")?;
    if !sw.contains("\"__MOTCUA_PRECACHE__\"") {
        bail!("dist/sw.js has no precache placeholder");
    }
    let list = files
        .iter()
        .map(|f| format!("{f:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let version = &digest_hex(&digest_input)[..16];
    let sw = sw
        .replace("\"__MOTCUA_PRECACHE__\"", &list)
        .replace("__MOTCUA_VERSION__", version);
    fs::write(&sw_path, sw).context("writing dist/sw.js")?;
    eprintln!(
        "service worker precaches {} files (version {version})",
        files.len()
    );
    Ok(())
}

fn collect_files(
    root: &Path,
    dir: &Path,
    files: &mut Vec<String>,
    digest_input: &mut Vec<u8>,
) -> anyhow::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_dir() {
            if name != ".stage" {
                collect_files(root, &path, files, digest_input)?;
            }
            continue;
        }
        let skip = name == "sw.js"
            || name.ends_with(".gz")
            || name.ends_with(".br")
            || name.ends_with(".md");
        if skip {
            continue;
        }
        let relative = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        digest_input.extend_from_slice(relative.as_bytes());
        digest_input.extend_from_slice(&fs::read(&path)?);
        files.push(format!("/{relative}"));
    }
    Ok(())
}

const COMPRESSIBLE: &[&str] = &[
    "wasm",
    "js",
    "css",
    "html",
    "json",
    "svg",
    "webmanifest",
    "ttf",
];

fn precompress(dir: &Path) -> anyhow::Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            if !path.ends_with(".stage") {
                precompress(&path)?;
            }
            continue;
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if !COMPRESSIBLE.contains(&ext) {
            continue;
        }
        let bytes = fs::read(&path)?;
        fs::write(with_suffix(&path, "gz"), gzip(&bytes)?)?;
        fs::write(with_suffix(&path, "br"), brotli(&bytes)?)?;
    }
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

pub(crate) fn gzip(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

pub(crate) fn brotli(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_trunk_loader() {
        let html = "<head><script type=module>import init from '/a.js';\nawait init();</script>\
                    <link rel=modulepreload href=/a.js></head>";
        let (rest, script) = split_inline_script(html).unwrap();
        assert_eq!(script, "import init from '/a.js';\nawait init();");
        assert_eq!(
            rest,
            "<head><!--motcua-loader--><link rel=modulepreload href=/a.js></head>"
        );
    }

    #[test]
    fn refuses_pages_without_or_with_two_loaders() {
        assert!(split_inline_script("<head></head>").is_err());
        let two = "<script type=module>a</script><script type=module>b</script>";
        assert!(split_inline_script(two).is_err());
    }
}
