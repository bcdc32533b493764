//! Installing the pinned tools of `tools/`, idempotently.
//!
//! Each check is cheap (a version query), so `run` and `test` call these on
//! every start; only what is missing or at another version gets installed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::sh::{self, has, output, root, run, step};

/// Everything the build of the app needs.
pub(crate) fn ensure_build_tools() -> anyhow::Result<()> {
    step("checking build tools");
    ensure_apt(&["clang", "lld", "nodejs", "npm"])?;
    ensure_wasm_target()?;
    ensure_cargo_tools()?;
    ensure_wasm_bindgen()?;
    ensure_npm()?;
    Ok(())
}

/// Everything the tests need.
pub(crate) fn ensure_test_tools() -> anyhow::Result<()> {
    ensure_build_tools()?;
    step("checking test tools");
    ensure_apt(&[])?;
    ensure_python()?;
    Ok(())
}

/// What `cargo xtask bench-web scan` needs beyond the build: ImageMagick
/// (a 48 MP input) and the Python tools (SSIM).
pub(crate) fn ensure_bench_tools() -> anyhow::Result<()> {
    step("checking benchmark tools");
    ensure_apt(&["imagemagick", "python3", "python3-venv"])?;
    ensure_python()
}

/// `cargo xtask setup`.
pub(crate) fn setup_all() -> anyhow::Result<()> {
    ensure_test_tools()?;
    eprintln!("\nall tools are installed");
    Ok(())
}

/// Directories of npm tool binaries, to put in front of PATH.
pub(crate) fn npm_bin_dirs() -> Vec<PathBuf> {
    vec![root().join("tools/node_modules/.bin")]
}

/// The Python of the tools' virtual environment.
pub(crate) fn venv_python() -> PathBuf {
    root().join("target/tools/venv/bin/python3")
}

struct AptTool {
    package: String,
    command: Option<String>,
}

fn apt_list() -> anyhow::Result<Vec<AptTool>> {
    let text = fs::read_to_string(root().join("tools/apt.txt")).context("reading tools/apt.txt")?;
    Ok(text
        .lines()
        .map(|line| line.split('#').next().unwrap_or_default())
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let package = words.next()?.to_owned();
            let command = words.next().filter(|c| *c != "-").map(str::to_owned);
            Some(AptTool { package, command })
        })
        .collect())
}

fn apt_present(tool: &AptTool) -> bool {
    match &tool.command {
        Some(command) => has(command),
        None if tool.package == "python3-venv" => venv_works(),
        None => dpkg_installed(&tool.package),
    }
}

fn dpkg_installed(package: &str) -> bool {
    output(Command::new("dpkg-query").args(["-W", "-f=${Status}", package]))
        .is_some_and(|status| status.contains("install ok installed"))
}

fn venv_works() -> bool {
    root().join("target/tools/venv/bin/python3").is_file()
        || output(Command::new("python3").args(["-c", "import venv, ensurepip"])).is_some()
}

/// Installs the Debian packages of `tools/apt.txt` that are missing; `only`
/// narrows the list to some packages (empty: all).
fn ensure_apt(only: &[&str]) -> anyhow::Result<()> {
    let missing: Vec<String> = apt_list()?
        .into_iter()
        .filter(|tool| only.is_empty() || only.contains(&tool.package.as_str()))
        .filter(|tool| !apt_present(tool))
        .map(|tool| tool.package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!("missing Debian packages: {}", missing.join(" "));
    if !has("apt-get") {
        bail!(
            "this is not a Debian-like system (no apt-get); install these yourself: {}",
            missing.join(" ")
        );
    }
    let is_root = output(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
    let apt = |args: &[&str]| {
        let mut cmd = if is_root {
            Command::new("apt-get")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.arg("apt-get");
            sudo
        };
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    run(&mut apt(&["update", "-qq"]))?;
    let mut install = apt(&["install", "-y", "-qq"]);
    install.args(&missing);
    run(&mut install)
}

fn ensure_wasm_target() -> anyhow::Result<()> {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed
        .lines()
        .any(|t| t.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// `(crate, binary, version)` from `tools/cargo.txt`.
fn cargo_list() -> anyhow::Result<Vec<(String, String, String)>> {
    let text =
        fs::read_to_string(root().join("tools/cargo.txt")).context("reading tools/cargo.txt")?;
    let mut tools = Vec::new();
    for line in text
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default())
    {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [] => {}
            [name, version] => {
                tools.push((name.to_string(), name.to_string(), version.to_string()))
            }
            [name, binary, version] => {
                tools.push((name.to_string(), binary.to_string(), version.to_string()))
            }
            _ => bail!("tools/cargo.txt: cannot read line {line:?}"),
        }
    }
    Ok(tools)
}

fn installed_version(binary: &str) -> Option<String> {
    let text = output(Command::new(binary).arg("--version"))?;
    text.split_whitespace()
        .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .map(str::to_owned)
}

fn ensure_cargo_tools() -> anyhow::Result<()> {
    for (name, binary, version) in cargo_list()? {
        if installed_version(&binary).as_deref() == Some(version.as_str()) {
            continue;
        }
        run(Command::new("cargo").args(["install", "--locked", &name, "--version", &version]))?;
    }
    Ok(())
}

/// The `wasm-bindgen` version in Cargo.lock; the CLI must be the very same.
pub(crate) fn wasm_bindgen_version() -> anyhow::Result<String> {
    let lock = fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(version) = lines
                .next()
                .and_then(|l| l.strip_prefix("version = \""))
                .and_then(|l| l.strip_suffix('"'))
        {
            return Ok(version.to_owned());
        }
    }
    bail!("Cargo.lock has no wasm-bindgen package")
}

fn ensure_wasm_bindgen() -> anyhow::Result<()> {
    let version = wasm_bindgen_version()?;
    let cli = installed_version("wasm-bindgen");
    let runner = installed_version("wasm-bindgen-test-runner");
    if cli.as_deref() == Some(version.as_str()) && runner.as_deref() == Some(version.as_str()) {
        return Ok(());
    }
    // Not `--locked`: wasm-bindgen's maintainers publish the CLI to be built
    // with current dependencies.
    run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &version]))
}

fn stamp_matches(stamp: &Path, source: &[u8]) -> bool {
    fs::read(stamp).is_ok_and(|old| old == digest_hex(source).as_bytes())
}

fn write_stamp(stamp: &Path, source: &[u8]) -> anyhow::Result<()> {
    fs::write(stamp, digest_hex(source)).with_context(|| format!("writing {}", stamp.display()))
}

pub(crate) fn digest_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn ensure_npm() -> anyhow::Result<()> {
    let dir = root().join("tools");
    let lock =
        fs::read(dir.join("package-lock.json")).context("reading tools/package-lock.json")?;
    let stamp = dir.join("node_modules/.motcua-stamp");
    if stamp_matches(&stamp, &lock) {
        return link_interop_modules();
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir))?;
    link_interop_modules()?;
    write_stamp(&stamp, &lock)
}

/// Node resolves packages from the script's folder upwards; the interop
/// scripts in `tests/interop/` find the pinned packages through this link.
fn link_interop_modules() -> anyhow::Result<()> {
    let link = root().join("tests/interop/node_modules");
    if link.exists() || link.symlink_metadata().is_ok() {
        return Ok(());
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink("../../tools/node_modules", &link)
        .with_context(|| format!("linking {}", link.display()))?;
    Ok(())
}

fn ensure_python() -> anyhow::Result<()> {
    let requirements = root().join("tools/requirements.txt");
    let wanted = fs::read(&requirements).context("reading tools/requirements.txt")?;
    let venv = root().join("target/tools/venv");
    let stamp = venv.join(".motcua-stamp");
    if stamp_matches(&stamp, &wanted) {
        return Ok(());
    }
    if !venv_python().is_file() {
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    }
    run(Command::new(venv_python())
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&requirements))?;
    write_stamp(&stamp, &wanted)
}

/// Path of chromedriver, which the wasm and end-to-end tests need.
pub(crate) fn chromedriver() -> anyhow::Result<PathBuf> {
    sh::which("chromedriver").context("chromedriver is not installed (cargo xtask setup)")
}
