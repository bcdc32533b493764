//! `motcua template`: the spreadsheet a business fills in to file many
//! dossiers of one procedure at once (bulk filing), as XLSX or CSV.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use motcua_bulk::Template;
use motcua_forms::{Date, Lang};
use motcua_protocol::Timestamp;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// Excel workbook with a guide sheet.
    Xlsx,
    /// UTF-8 CSV with a BOM.
    Csv,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// National procedure code, e.g. 2.000720.
    #[arg(long)]
    procedure: String,
    /// The file's format; by default the output's extension (.csv or .xlsx).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Fill this many rows from the procedure's example, each a different
    /// applicant with valid identifiers (to try bulk filing out).
    #[arg(long, default_value_t = 0)]
    example_rows: usize,
    /// Headers and guide in Vietnamese (vi) or English (en).
    #[arg(long, default_value = "vi", value_parser = parse_lang)]
    lang: Lang,
    /// A procedure catalog directory instead of the built-in one.
    #[arg(long, env = "MOTCUA_CATALOG")]
    catalog: Option<PathBuf>,
    /// Where to write the template.
    #[arg(short, long)]
    output: PathBuf,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    match s {
        "vi" => Ok(Lang::Vi),
        "en" => Ok(Lang::En),
        other => Err(format!("{other:?} is not vi or en")),
    }
}

fn format_of(args: &Args) -> anyhow::Result<Format> {
    if let Some(format) = args.format {
        return Ok(format);
    }
    match args.output.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("xlsx") => Ok(Format::Xlsx),
        Some(e) if e.eq_ignore_ascii_case("csv") => Ok(Format::Csv),
        _ => anyhow::bail!(
            "cannot tell the format of {}: name it .xlsx or .csv, or give --format",
            args.output.display()
        ),
    }
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let format = format_of(&args)?;
    let procedure = crate::catalog::procedure(args.catalog.as_deref(), &args.procedure)?;
    let today =
        Date::in_vietnam_at(Timestamp::now().unix()).context("the clock is out of range")?;
    let template =
        Template::new(&procedure, args.lang)?.with_example_rows(args.example_rows, today)?;
    let bytes = match format {
        Format::Xlsx => template.to_xlsx()?,
        Format::Csv => template.to_csv()?,
    };
    super::keygen::write_new(&args.output, &bytes)?;
    eprintln!(
        "motcua: wrote {} ({} columns, {} rows) to {}",
        procedure.code,
        template.columns().len(),
        template.rows().len(),
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}
