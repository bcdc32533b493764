//! `motcua check`: validate form data against a procedure, with the same
//! engine the app runs. Prints JSON on stdout: `valid`, the procedure and
//! schema version, `errors` (path, code, rule, section, message in vi and
//! en) and, when valid, the normalized `data`. A one-line summary goes to
//! stderr. Exit status 0 valid, 1 invalid, 2 unusable input.

use motcua_dossier::Timestamp;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use motcua_forms::{Date, Env};
use serde_json::{Value, json};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// National procedure code, e.g. 1.001193.
    #[arg(long)]
    procedure: String,
    /// The form data: a JSON object keyed by field id; `-` reads stdin.
    data: PathBuf,
    /// A procedure catalog directory instead of the built-in one.
    #[arg(long, env = "MOTCUA_CATALOG")]
    catalog: Option<PathBuf>,
    /// An administrative-unit table instead of the built-in one.
    #[arg(long)]
    units: Option<PathBuf>,
    /// The day to check against (dd/mm/yyyy or yyyy-mm-dd); default today in Vietnam.
    #[arg(long, value_parser = parse_date)]
    today: Option<Date>,
}

fn parse_date(s: &str) -> Result<Date, String> {
    s.parse()
        .map_err(|e: motcua_protocol::ValueError| e.to_string())
}

/// Today in Vietnam (UTC+7, no daylight saving).
fn today_in_vietnam() -> anyhow::Result<Date> {
    Date::in_vietnam_at(Timestamp::now().unix()).context("the clock is out of range")
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let procedure = crate::catalog::procedure(args.catalog.as_deref(), &args.procedure)?;
    let units = crate::catalog::units(args.units.as_deref())?;
    let bytes = if args.data.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("reading form data from stdin")?;
        buf
    } else {
        std::fs::read(&args.data).with_context(|| format!("reading {}", args.data.display()))?
    };
    if bytes.len() > motcua_forms::MAX_SCHEMA_BYTES {
        anyhow::bail!(
            "form data too large: {} bytes, at most {}",
            bytes.len(),
            motcua_forms::MAX_SCHEMA_BYTES
        );
    }
    let values: Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not JSON", args.data.display()))?;
    let today = match args.today {
        Some(d) => d,
        None => today_in_vietnam()?,
    };
    let env = Env::new(today).with_units(&units);
    let evaluation = procedure.evaluate(&values, &env);
    let mut report = json!({
        "valid": evaluation.is_valid(),
        "procedure": procedure.code,
        "version": procedure.version,
        "errors": evaluation.errors(),
    });
    if let Some(data) = evaluation.data() {
        report["data"] = data.clone();
    }
    println!("{}", serde_json::to_string_pretty(&report)?);
    let n = evaluation.errors().len();
    if n == 0 {
        eprintln!(
            "motcua: {} is valid for {} {}",
            args.data.display(),
            procedure.code,
            procedure.version
        );
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "motcua: {} has {n} error(s) for {} {}",
            args.data.display(),
            procedure.code,
            procedure.version
        );
        Ok(ExitCode::from(1))
    }
}
