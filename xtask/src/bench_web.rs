//! `cargo xtask bench-web [forms|seal|scan|all]`: the in-browser benchmarks.
//!
//! 1. builds `bench/web` (package `motcua-bench-web`) for wasm32 with the
//!    app's size profile `wasm-release`, once per build variant, then
//!    wasm-bindgen (`--target web`) and wasm-opt like the app;
//! 2. assembles a static site in `target/bench-web/site/`: the page and its
//!    scripts (`bench/web/www/`), the wasm, the npm peers copied from
//!    `tools/node_modules`, the unit table and the test photos from
//!    `shared/data` (plus a 48 MP photo made with ImageMagick);
//! 3. serves it with `motcua serve` (the app's headers and CSP), opens it in
//!    headless Chromium with a fresh profile through chromedriver, waits for
//!    the page to finish and reads its JSON result;
//! 4. for the scan benchmark, saves every output image and scores it with
//!    SSIM against the source resized by a third-party tool
//!    (`bench/web/ssim.py`: Pillow and scikit-image);
//! 5. prints a table and writes `target/bench-web/results.json`.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use base64::Engine;
use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

use crate::sh::{output, path_with, root, run, step, which};
use crate::tools;

const USAGE: &str = "\
usage: cargo xtask bench-web [forms|seal|scan|all] [options]

  --builds LIST   wasm build variants to compare, comma-separated (default: opt3-simd)
                    size       profile wasm-release, every crate at opt-level z
                    size-simd  the same with -C target-feature=+simd128
                    opt3       opt-level 3 for the image codecs, motcua-scan and ring
                    opt3-simd  both
  --files TEXT    scan only the input files whose name contains TEXT
  --no-peer       skip browser-image-compression (scan)
  --qualities L   scan: also one page per file at each JPEG quality in L
                  (comma-separated), scored like the rest: the size/SSIM trade-off
  --quick         a few samples only: checks the harness, measures nothing
";

/// A wasm build of the bench crate.
#[derive(Debug, Clone, Copy)]
struct Variant {
    name: &'static str,
    simd: bool,
    opt3: bool,
}

const VARIANTS: &[Variant] = &[
    Variant {
        name: "size",
        simd: false,
        opt3: false,
    },
    Variant {
        name: "size-simd",
        simd: true,
        opt3: false,
    },
    Variant {
        name: "opt3",
        simd: false,
        opt3: true,
    },
    Variant {
        name: "opt3-simd",
        simd: true,
        opt3: true,
    },
];

/// The crates whose loops the benchmarks spend their time in; the `opt3`
/// variants build them with `opt-level = 3` inside the size profile.
const HOT_CRATES: &[&str] = &[
    "zune-jpeg",
    "zune-core",
    "mozjpeg-rs",
    "fast_image_resize",
    "png",
    "fdeflate",
    "miniz_oxide",
    "image-webp",
    "motcua-scan",
    "ring",
];

#[derive(Debug)]
struct Options {
    benches: Vec<&'static str>,
    variants: Vec<Variant>,
    files: Option<String>,
    qualities: Option<String>,
    peer: bool,
    quick: bool,
}

/// The options, or `None` when help was asked for.
fn parse(args: &[String]) -> anyhow::Result<Option<Options>> {
    let mut options = Options {
        benches: vec!["forms", "seal", "scan"],
        // The build this harness recommends for the app's scan worker
        // (BENCHMARKS.md): size profile, opt-level 3 for the hot crates, SIMD.
        variants: vec![VARIANTS[3]],
        files: None,
        qualities: None,
        peer: true,
        quick: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "forms" => options.benches = vec!["forms"],
            "seal" => options.benches = vec!["seal"],
            "scan" => options.benches = vec!["scan"],
            "all" => options.benches = vec!["forms", "seal", "scan"],
            "--builds" => {
                let list = args.next().context("--builds needs a list")?;
                options.variants = list
                    .split(',')
                    .map(|name| {
                        VARIANTS
                            .iter()
                            .find(|v| v.name == name)
                            .copied()
                            .with_context(|| format!("unknown build variant {name:?}\n{USAGE}"))
                    })
                    .collect::<anyhow::Result<_>>()?;
            }
            "--files" => options.files = Some(args.next().context("--files needs text")?.clone()),
            "--qualities" => {
                let list = args.next().context("--qualities needs a list")?;
                if list
                    .split(',')
                    .any(|q| q.parse::<u8>().map_or(true, |q| !(1..=100).contains(&q)))
                {
                    bail!("--qualities: JPEG qualities 1 to 100, comma-separated");
                }
                options.qualities = Some(list.clone());
            }
            "--no-peer" => options.peer = false,
            "--quick" => options.quick = true,
            "-h" | "--help" => return Ok(None),
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    Ok(Some(options))
}

/// `cargo xtask bench-web ...`.
pub(crate) fn run_bench(args: &[String]) -> anyhow::Result<()> {
    let Some(options) = parse(args)? else {
        eprint!("{USAGE}");
        return Ok(());
    };
    let scan = options.benches.contains(&"scan");
    tools::ensure_build_tools()?;
    if scan {
        tools::ensure_bench_tools()?;
    }
    let chromedriver = tools::chromedriver()?;

    let out = root().join("target/bench-web");
    let site = out.join("site");
    if site.exists() {
        fs::remove_dir_all(&site).with_context(|| format!("clearing {}", site.display()))?;
    }
    fs::create_dir_all(&site)?;
    step("assembling the benchmark site");
    copy_dir(&root().join("bench/web/www"), &site)?;
    fs::create_dir_all(site.join("units"))?;
    copy(
        &root().join("web/units/units-2025.json"),
        &site.join("units/units-2025.json"),
    )?;
    let peer = root().join("tools/node_modules/browser-image-compression/dist");
    fs::create_dir_all(site.join("peer"))?;
    for name in [
        "browser-image-compression.js",
        "browser-image-compression.mjs",
    ] {
        copy(&peer.join(name), &site.join("peer").join(name))?;
    }
    let inputs = if scan {
        scan_inputs(&out, &site, options.files.as_deref())?
    } else {
        Vec::new()
    };

    let mut wasm_sizes = BTreeMap::new();
    for variant in &options.variants {
        let size = build_variant(variant, &site)?;
        wasm_sizes.insert(variant.name, size);
    }

    step("building the server (release)");
    run(Command::new("cargo").args(["build", "--release", "--bin", "motcua"]))?;
    let server = Server::start(&out, &site)?;
    eprintln!("serving {} on {}", site.display(), server.url);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let mut results = Vec::new();
    for (i, variant) in options.variants.iter().enumerate() {
        step(&format!(
            "running the page in headless Chromium (build {})",
            variant.name
        ));
        let mut query = format!(
            "?build={}&benches={}",
            variant.name,
            options.benches.join(",")
        );
        // The peers do not depend on our build: measure them once.
        if !options.peer || i > 0 {
            query.push_str("&peer=0");
        }
        if options.quick {
            query.push_str("&quick=1");
        }
        // Outputs are the same bytes whatever the build: sweep once.
        if let Some(list) = options.qualities.as_ref().filter(|_| i == 0) {
            query.push_str(&format!("&qualities={list}"));
        }
        let url = format!("{}index.html{query}", server.url);
        let (mut result, images) = runtime.block_on(run_page(&chromedriver, &url, scan))?;
        result["wasm_bytes"] = json!(wasm_sizes.get(variant.name));
        result["variant"] = json!({"name": variant.name, "simd128": variant.simd, "opt_level_3": if variant.opt3 { HOT_CRATES.to_vec() } else { Vec::new() }});
        results.push(result);
        // Keep what the page measured before the (slow) scoring.
        write_report(&out, args, &results)?;
        if scan
            && !images.is_empty()
            && let Some(last) = results.last_mut()
        {
            score_images(&out, &inputs, &images, last)?;
        }
    }
    drop(server);

    for result in &results {
        print_table(result);
    }
    let path = write_report(&out, args, &results)?;
    eprintln!("\nresults written to {}", path.display());
    Ok(())
}

/// Writes `target/bench-web/results.json`; returns its path.
fn write_report(out: &Path, args: &[String], results: &[Value]) -> anyhow::Result<PathBuf> {
    let report = json!({
        "command": format!("cargo xtask bench-web {}", args.join(" ")).trim_end().to_owned(),
        "machine": machine(),
        "results": results,
    });
    let path = out.join("results.json");
    fs::write(&path, serde_json::to_vec_pretty(&report)?)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

/// Builds one variant into `site/pkg/<name>/`; returns the wasm's size.
fn build_variant(variant: &Variant, site: &Path) -> anyhow::Result<u64> {
    step(&format!(
        "building motcua-bench-web for wasm32 (build {})",
        variant.name
    ));
    let mut cargo = Command::new("cargo");
    cargo.args([
        "build",
        "-p",
        "motcua-bench-web",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ]);
    // The root Cargo.toml builds the hot crates at opt-level 3 (the decision
    // these benchmarks led to); the `size` variants put them back to "z".
    let level = if variant.opt3 { "3" } else { "\"z\"" };
    for krate in HOT_CRATES {
        cargo.arg("--config").arg(format!(
            "profile.wasm-release.package.{krate}.opt-level={level}"
        ));
    }
    // Other RUSTFLAGS would make cargo rebuild everything it shares with the
    // app's build, so SIMD builds get a target directory of their own.
    let target_dir = if variant.simd {
        cargo.env("RUSTFLAGS", "-C target-feature=+simd128");
        root().join("target/bench-web/cargo-simd")
    } else {
        cargo.env_remove("RUSTFLAGS");
        root().join("target")
    };
    cargo.env("CARGO_TARGET_DIR", &target_dir);
    run(&mut cargo)?;
    let wasm = target_dir.join("wasm32-unknown-unknown/wasm-release/motcua_bench_web.wasm");
    let pkg = site.join("pkg").join(variant.name);
    fs::create_dir_all(&pkg)?;
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&pkg)
        .arg(&wasm))?;
    let bg = pkg.join("motcua_bench_web_bg.wasm");
    let mut opt = Command::new("wasm-opt");
    opt.arg("-Oz").args(crate::build::WASM_OPT_FEATURES);
    if variant.simd {
        opt.arg("--enable-simd");
    }
    opt.arg(&bg)
        .arg("-o")
        .arg(&bg)
        .env("PATH", path_with(&tools::npm_bin_dirs()));
    run(&mut opt)?;
    Ok(fs::metadata(&bg)?.len())
}

/// One scan input: where it came from and its name on the site.
#[derive(Debug)]
struct Input {
    name: String,
    source: PathBuf,
}

/// The photos of `shared/data/{camera-photos,documents}` of at least one
/// megapixel, and a 48 MP photo upscaled from the 12 MP one; copied into
/// `site/inputs/` with `list.json`.
fn scan_inputs(out: &Path, site: &Path, filter: Option<&str>) -> anyhow::Result<Vec<Input>> {
    let data = shared_data()?;
    let dir = site.join("inputs");
    fs::create_dir_all(&dir)?;
    let mut inputs = Vec::new();
    for folder in ["camera-photos", "documents"] {
        let mut names: Vec<PathBuf> = fs::read_dir(data.join(folder))
            .with_context(|| format!("listing {}", data.join(folder).display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| matches!(extension(p).as_str(), "jpg" | "jpeg" | "png"))
            .collect();
        names.sort();
        for path in names {
            let (w, h) = image_size(&path)?;
            if u64::from(w) * u64::from(h) < 1_000_000 {
                continue;
            }
            inputs.push(Input {
                name: file_name(&path),
                source: path,
            });
        }
    }
    let big = out.join("generated/olympus-upscaled_8064x6048_48mp.jpg");
    if !big.is_file() {
        let photo = data.join("camera-photos/olympus-e-p3_4032x3024_12mp.jpg");
        step("making a 48 MP photo (ImageMagick, 200 % of the 12 MP one)");
        fs::create_dir_all(big.parent().unwrap_or(out))?;
        run(Command::new(imagemagick()?)
            .arg(&photo)
            .args(["-resize", "200%", "-quality", "90"])
            .arg(&big))?;
    }
    inputs.push(Input {
        name: file_name(&big),
        source: big,
    });
    if let Some(text) = filter {
        inputs.retain(|i| i.name.contains(text));
    }
    if inputs.is_empty() {
        bail!("no scan input matches --files");
    }
    let mut list = Vec::new();
    for input in &inputs {
        copy(&input.source, &dir.join(&input.name))?;
        let kind = if extension(&input.source) == "png" {
            "image/png"
        } else {
            "image/jpeg"
        };
        let mut entry = json!({"name": input.name, "type": kind});
        if input.name.contains("48mp") {
            // A few seconds a run: one warm-up, three samples.
            entry["runs"] = json!({"warmup": 1, "min": 3, "max": 3});
        }
        list.push(entry);
    }
    fs::write(
        dir.join("list.json"),
        serde_json::to_vec_pretty(&json!({ "files": list }))?,
    )?;
    Ok(inputs)
}

/// `shared/data` beside the repository, else `/work/shared/data`.
fn shared_data() -> anyhow::Result<PathBuf> {
    let beside = root().join("../shared/data");
    for dir in [beside, PathBuf::from("/work/shared/data")] {
        if dir.join("camera-photos").is_dir() {
            return Ok(dir);
        }
    }
    bail!("no shared/data beside the repository nor in /work/shared/data")
}

/// ImageMagick's command line: `magick` (version 7) or Debian's version 6
/// (`convert-im6.q16`; plain `convert` may be something else on PATH).
fn imagemagick() -> anyhow::Result<PathBuf> {
    ["magick", "convert-im6.q16", "convert"]
        .iter()
        .find_map(|name| which(name))
        .context("ImageMagick is not installed (cargo xtask setup)")
}

/// Width and height from ImageMagick's `identify`.
fn image_size(path: &Path) -> anyhow::Result<(u32, u32)> {
    let identify = ["magick", "identify-im6.q16", "identify"]
        .iter()
        .find(|name| which(name).is_some())
        .context("ImageMagick is not installed (cargo xtask setup)")?;
    let mut cmd = Command::new(identify);
    if *identify == "magick" {
        cmd.arg("identify");
    }
    let text = output(cmd.args(["-format", "%w %h\n"]).arg(path))
        .with_context(|| format!("identify {}", path.display()))?;
    let mut words = text.split_whitespace().map(str::parse::<u32>);
    match (words.next(), words.next()) {
        (Some(Ok(w)), Some(Ok(h))) => Ok((w, h)),
        _ => bail!("identify {}: unexpected output {text:?}", path.display()),
    }
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned()
}

fn copy(from: &Path, to: &Path) -> anyhow::Result<()> {
    fs::copy(from, to)
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    for entry in fs::read_dir(from).with_context(|| format!("listing {}", from.display()))? {
        let path = entry?.path();
        if path.is_file() {
            copy(&path, &to.join(file_name(&path)))?;
        }
    }
    Ok(())
}

/// `motcua serve` over the site, on a free port, quiet.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(out: &Path, site: &Path) -> anyhow::Result<Self> {
        let data = out.join("serve-data");
        if data.exists() {
            fs::remove_dir_all(&data)?;
        }
        let mut child = Command::new(root().join("target/release/motcua"))
            .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
            .arg(&data)
            .arg("--dist")
            .arg(site)
            .env("MOTCUA_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting motcua serve")?;
        let stdout = child.stdout.take().context("server stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let Some(line) = lines.next() else {
                bail!("motcua serve exited before listening");
            };
            if let Some(url) = line?.strip_prefix("motcua: serving on ") {
                break url.to_owned();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Self { child, url })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// chromedriver and a headless Chromium session with a fresh profile.
struct Browser {
    client: Client,
    driver: Child,
    profile: PathBuf,
}

impl Browser {
    async fn start(chromedriver: &Path) -> anyhow::Result<Self> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", chromedriver.display()))?;
        let profile = root().join(format!("target/bench-web/profile-{port}"));
        if profile.exists() {
            fs::remove_dir_all(&profile)?;
        }
        let mut caps = serde_json::Map::new();
        // The flags of the end-to-end tests (tests/e2e/harness.rs), on a
        // desktop-sized window.
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1280,800",
                format!("--user-data-dir={}", profile.display()),
            ]}),
        );
        let webdriver = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = loop {
            let attempt = ClientBuilder::rustls()
                .context("TLS roots")?
                .capabilities(caps.clone())
                .connect(&webdriver)
                .await;
            match attempt {
                Ok(client) => break client,
                Err(e) if Instant::now() > deadline => bail!("no WebDriver session: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        Ok(Self {
            client,
            driver,
            profile,
        })
    }

    async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = fs::remove_dir_all(&self.profile);
    }
}

/// The longest a page may run.
const PAGE_LIMIT: Duration = Duration::from_secs(60 * 60);

/// Opens `url`, prints the page's log as it goes, and returns its result
/// and (for scan) the output images by key.
async fn run_page(
    chromedriver: &Path,
    url: &str,
    scan: bool,
) -> anyhow::Result<(Value, BTreeMap<String, Vec<u8>>)> {
    let browser = Browser::start(chromedriver).await?;
    let outcome = drive(&browser.client, url, scan).await;
    browser.close().await;
    outcome
}

async fn drive(
    client: &Client,
    url: &str,
    scan: bool,
) -> anyhow::Result<(Value, BTreeMap<String, Vec<u8>>)> {
    // One call may wait for a long synchronous stretch of the page (a
    // PBKDF2 unlock in wasm blocks the main thread for seconds).
    client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(Duration::from_secs(600)),
            Some(Duration::from_secs(120)),
            None,
        ))
        .await?;
    eprintln!("{url}");
    client.goto(url).await?;
    let start = Instant::now();
    let state = loop {
        let state = client
            .execute(
                "const s = window.motcuaBench; if (!s) return null; \
                 return { log: s.log.splice(0), done: s.done, error: s.error };",
                vec![],
            )
            .await?;
        if let Some(lines) = state.get("log").and_then(Value::as_array) {
            for line in lines {
                eprintln!("  {}", line.as_str().unwrap_or_default());
            }
        }
        if state.get("done").and_then(Value::as_bool) == Some(true) {
            break state;
        }
        if start.elapsed() > PAGE_LIMIT {
            bail!("the page did not finish in {PAGE_LIMIT:?}");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    if let Some(error) = state.get("error").and_then(Value::as_str) {
        bail!("the benchmark page failed: {error}");
    }
    let result = client
        .execute("return window.motcuaBench.result;", vec![])
        .await?;
    let mut images = BTreeMap::new();
    if scan {
        let keys = client
            .execute("return Object.keys(window.motcuaBench.outputs);", vec![])
            .await?;
        for key in keys
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let b64 = client
                .execute(
                    "const u8 = window.motcuaBench.outputs[arguments[0]]; let s = ''; \
                     for (let i = 0; i < u8.length; i += 0x8000) \
                       s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000)); \
                     return btoa(s);",
                    vec![json!(key)],
                )
                .await?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64.as_str().unwrap_or_default())
                .with_context(|| format!("output {key} is not base64"))?;
            images.insert(key.to_owned(), bytes);
        }
    }
    Ok((result, images))
}

/// Saves the output images and adds each row's SSIM to `result`.
fn score_images(
    out: &Path,
    inputs: &[Input],
    images: &BTreeMap<String, Vec<u8>>,
    result: &mut Value,
) -> anyhow::Result<()> {
    step("scoring the outputs: SSIM against the source resized by Pillow (bench/web/ssim.py)");
    let dir = out.join("outputs");
    fs::create_dir_all(&dir)?;
    let mut jobs = Vec::new();
    for (key, bytes) in images {
        let Some((name, method)) = key.split_once('|') else {
            continue;
        };
        let Some(input) = inputs.iter().find(|i| i.name == name) else {
            continue;
        };
        let path = dir.join(format!("{name}.{method}.jpg"));
        fs::write(&path, bytes)?;
        jobs.push(json!({"key": key, "source": input.source, "output": path}));
    }
    let jobs_path = dir.join("jobs.json");
    fs::write(&jobs_path, serde_json::to_vec_pretty(&jobs)?)?;
    let scored = Command::new(tools::venv_python())
        .arg(root().join("bench/web/ssim.py"))
        .arg(&jobs_path)
        .stderr(Stdio::inherit())
        .output()
        .context("starting bench/web/ssim.py")?;
    if !scored.status.success() {
        bail!(
            "bench/web/ssim.py {} failed ({}); the unscored results are in target/bench-web/results.json",
            jobs_path.display(),
            scored.status
        );
    }
    let text = String::from_utf8_lossy(&scored.stdout);
    let scores: BTreeMap<String, Value> =
        serde_json::from_str(&text).context("reading the SSIM scores")?;
    if let Some(rows) = result.get_mut("rows").and_then(Value::as_array_mut) {
        for row in rows {
            let key = row
                .get("output_key")
                .and_then(Value::as_str)
                .map(str::to_owned);
            if let Some(score) = key.and_then(|k| scores.get(&k)) {
                row["ssim"] = score["ssim"].clone();
                if !score["ssim_cm"].is_null() {
                    row["ssim_cm"] = score["ssim_cm"].clone();
                }
            }
        }
    }
    Ok(())
}

fn machine() -> Value {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let chromium = output(Command::new("chromium").arg("--version"))
        .unwrap_or_default()
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .to_owned();
    json!({"cpu": cpu, "cores": cores, "chromium": chromium})
}

fn number(row: &Value, key: &str) -> Option<f64> {
    row.get(key).and_then(Value::as_f64)
}

/// The median of the row the given row compares itself with (`vs`: an
/// implementation name in the same bench and case).
fn reference(rows: &[Value], row: &Value) -> Option<f64> {
    let vs = row.get("vs")?.as_str()?;
    rows.iter()
        .find(|r| r["bench"] == row["bench"] && r["case"] == row["case"] && r["impl"] == vs)
        .and_then(|r| number(r, "median_ms"))
}

fn reference_bytes(rows: &[Value], row: &Value) -> Option<f64> {
    let vs = row.get("vs")?.as_str()?;
    rows.iter()
        .find(|r| r["bench"] == row["bench"] && r["case"] == row["case"] && r["impl"] == vs)
        .and_then(|r| number(r, "output_bytes"))
}

fn print_table(result: &Value) {
    let empty = Vec::new();
    let rows = result
        .get("rows")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    println!(
        "\nbuild {} ({} bytes of wasm), {}",
        result["variant"]["name"].as_str().unwrap_or_default(),
        result["wasm_bytes"],
        result["user_agent"].as_str().unwrap_or_default()
    );
    println!(
        "{:<6} {:<52} {:<20} {:>11} {:>11} {:>8}  notes",
        "bench", "case", "impl", "median ms", "p90 ms", "ratio"
    );
    for row in rows {
        let median = number(row, "median_ms").unwrap_or(f64::NAN);
        let p90 = number(row, "p90_ms").unwrap_or(f64::NAN);
        let ratio = reference(rows, row).map_or(String::new(), |r| format!("{:.2}×", median / r));
        let mut notes = Vec::new();
        if let Some(ops) = number(row, "ops_per_s") {
            notes.push(format!("{ops:.0}/s"));
        }
        if let (Some(w), Some(h)) = (number(row, "width"), number(row, "height")) {
            notes.push(format!("{w}×{h}"));
        }
        if let Some(bytes) = number(row, "output_bytes") {
            let vs = reference_bytes(rows, row)
                .map_or(String::new(), |b| format!(" ({:.2}× peer)", bytes / b));
            notes.push(format!("{bytes} B{vs}"));
        }
        if let Some(ssim) = number(row, "ssim") {
            notes.push(format!("SSIM {ssim:.4}"));
        }
        if let Some(ssim) = number(row, "ssim_cm") {
            notes.push(format!("(vs ICC-managed source {ssim:.4})"));
        }
        if let Some(stages) = row.get("rust_stages_ms").filter(|v| v.is_object()) {
            notes.push(format!(
                "Rust decode {:.0} + resize {:.0} + encode {:.0} ms",
                number(stages, "decode").unwrap_or(f64::NAN),
                number(stages, "resize").unwrap_or(f64::NAN),
                number(stages, "encode").unwrap_or(f64::NAN)
            ));
        }
        if let Some(browser) = row
            .get("worker_ms")
            .and_then(|w| number(w, "browser_decode"))
        {
            let wasm = row.get("worker_ms").and_then(|w| number(w, "wasm"));
            notes.push(format!(
                "browser {browser:.0} + wasm {:.0} ms",
                wasm.unwrap_or(f64::NAN)
            ));
        }
        if let Some(mem) = number(row, "wasm_memory_bytes") {
            notes.push(format!("wasm memory {:.0} MiB", mem / 1_048_576.0));
        }
        println!(
            "{:<6} {:<52} {:<20} {:>11.3} {:>11.3} {:>8}  {}",
            row["bench"].as_str().unwrap_or_default(),
            row["case"].as_str().unwrap_or_default(),
            row["impl"].as_str().unwrap_or_default(),
            median,
            p90,
            ratio,
            notes.join(", ")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_benches_builds_and_options() {
        let o = parse(&args(&[
            "scan",
            "--builds",
            "size,opt3-simd",
            "--files",
            "12mp",
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(o.benches, vec!["scan"]);
        let names: Vec<_> = o.variants.iter().map(|v| v.name).collect();
        assert_eq!(names, vec!["size", "opt3-simd"]);
        assert!(o.variants[1].simd && o.variants[1].opt3);
        assert_eq!(o.files.as_deref(), Some("12mp"));
        let all = parse(&[]).unwrap().unwrap();
        assert_eq!(all.benches, vec!["forms", "seal", "scan"]);
        assert_eq!(all.variants.len(), 1);
        assert_eq!(all.variants[0].name, "opt3-simd");
        assert!(parse(&args(&["--help"])).unwrap().is_none());
    }

    #[test]
    fn refuses_unknown_builds_and_qualities() {
        assert!(parse(&args(&["--builds", "fast"])).is_err());
        assert!(parse(&args(&["--qualities", "70,101"])).is_err());
        assert!(parse(&args(&["--qualities", "70,x"])).is_err());
        assert!(parse(&args(&["--frobnicate"])).is_err());
    }

    #[test]
    fn ratios_compare_with_the_named_row_of_the_same_case() {
        let rows = vec![
            json!({"bench": "scan", "case": "a.jpg", "impl": "ours", "median_ms": 50.0,
                   "output_bytes": 80.0, "vs": "peer"}),
            json!({"bench": "scan", "case": "b.jpg", "impl": "peer", "median_ms": 1000.0,
                   "output_bytes": 1.0}),
            json!({"bench": "scan", "case": "a.jpg", "impl": "peer", "median_ms": 100.0,
                   "output_bytes": 100.0}),
        ];
        assert_eq!(reference(&rows, &rows[0]), Some(100.0));
        assert_eq!(reference_bytes(&rows, &rows[0]), Some(100.0));
        assert_eq!(reference(&rows, &rows[2]), None);
    }
}
