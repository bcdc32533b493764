//! `motcua bulk`: file one dossier per row of a spreadsheet (a template
//! from `motcua template`, filled in), with the same engine as the app's
//! bulk screen (motcua-bulk): read the sheet, match its headers, check
//! every row; unlock the key once, seal each valid row as its own dossier,
//! send them a few at a time through the office's adapter, and write a
//! report with the sheet's columns and what became of each row.
//!
//! Everything is kept in `REPORT.bulk/` beside the report: per row, the
//! sealed dossier (`ROW.json`, named by a fingerprint of the row's data
//! and files), its attachments (`ROW.files/`) and its progress
//! (`ROW.outbox`). Running the same command again resumes: a row sealed
//! before is not sealed again (same dossier id, so the office stores it
//! once), a receipted row is asked again and reported, nothing is sent
//! twice.
//!
//! Exit status: 0 when every row is receipted (or delivered), 1 when some
//! rows are invalid or refused (the report says why), 2 when the input is
//! unusable (unreadable sheet, no matching columns, unknown procedure).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use futures::StreamExt;
use motcua_bulk::{
    CheckedRow, Checker, Mapping, Outcome, ReadLimits, Report, RowState, columns,
    mark_missing_files,
};
use motcua_dossier::{
    ComponentId, DossierId, Manifest, OfficeCode, ProcedureRef, SealedDossier, Timestamp,
    VerifyOptions,
};
use motcua_forms::{Date, Env, Lang, LocalizedText, Procedure, ProcedureCode};
use motcua_protocol::Limits as OfficeLimits;
use motcua_submit::{Client, Directory, Endpoint, OutboxEntry, Policy};
use serde_json::{Value, json};

use crate::cmd::EXIT_UNUSABLE;
use crate::cmd::keygen::{passphrase, refuse, write_new};
use crate::cmd::seal::{
    Papers, cli_client_version, files_dir, papers, parse_attach, read_key_file, write_sealed,
};
use crate::cmd::submit::{Files, Http, RouteArgs, resume, state_path};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// National procedure code of every row, e.g. 1.001193.
    #[arg(long, value_name = "CODE")]
    procedure: ProcedureCode,
    /// The encrypted key file to seal with (unlocked once for the batch).
    #[arg(long, value_name = "KEY")]
    key: PathBuf,
    #[command(flatten)]
    route: RouteArgs,
    /// The office every row is filed at (default: each row's own
    /// `office_unit`).
    #[arg(long, value_name = "CODE")]
    office: Option<OfficeCode>,
    /// The filled-in sheet: XLSX or CSV.
    #[arg(value_name = "ROWS.xlsx|ROWS.csv")]
    rows: PathBuf,
    /// The folder holding the files the rows name in their file columns.
    #[arg(long, value_name = "DIR")]
    attachments: Option<PathBuf>,
    /// Attach FILE to every row as component COMPONENT (repeatable).
    #[arg(long, value_name = "COMPONENT=FILE", value_parser = parse_attach)]
    attach: Vec<(ComponentId, PathBuf)>,
    /// Where to write the report: `.xlsx` for a workbook, CSV otherwise.
    #[arg(long, value_name = "REPORT.csv")]
    report: PathBuf,
    /// Dossiers sent at the same time.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..=32))]
    concurrency: u16,
    /// The report's language.
    #[arg(long, value_name = "vi|en", default_value = "vi", value_parser = parse_lang)]
    lang: Lang,
    /// Failed attempts in a row before a dossier is given up for this run.
    #[arg(long, value_name = "N", default_value_t = 5)]
    max_attempts: u32,
    /// A procedure catalog directory to use instead of the built-in one.
    #[arg(long, env = "MOTCUA_CATALOG")]
    catalog: Option<PathBuf>,
    /// Print the summary and every row's outcome as JSON.
    #[arg(long)]
    json: bool,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    match s {
        "vi" => Ok(Lang::Vi),
        "en" => Ok(Lang::En),
        other => Err(format!("expected vi or en, found {other:?}")),
    }
}

/// Prints why the input cannot be used, and gives status 2.
fn unusable(message: &str) -> anyhow::Result<ExitCode> {
    eprintln!("motcua: {message}");
    Ok(ExitCode::from(EXIT_UNUSABLE))
}

/// Whether two paths name one file (the second may not exist yet).
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The folder that keeps the batch's dossiers: `r.csv` → `r.bulk`.
fn state_dir(report: &Path) -> PathBuf {
    report.with_extension("bulk")
}

/// A valid row on its way: where its dossier is kept, and the outcome.
struct Filing {
    /// Index into the checked rows.
    index: usize,
    dossier: PathBuf,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let catalog = crate::catalog::load(args.catalog.as_deref())?;
    let Some(procedure) = catalog.procedure(&args.procedure) else {
        return unusable(&format!("unknown procedure {}", args.procedure));
    };
    if same_file(&args.rows, &args.report) {
        return unusable(
            "the report would overwrite the sheet it reports on; give another --report",
        );
    }
    let bytes = match std::fs::read(&args.rows) {
        Ok(b) => b,
        Err(e) => return unusable(&format!("cannot read {}: {e}", args.rows.display())),
    };
    let sheet = match motcua_bulk::read(&bytes, &ReadLimits::default()) {
        Ok(sheet) => sheet,
        Err(e) => {
            return unusable(&format!(
                "{}: {}",
                args.rows.display(),
                e.message().get(args.lang)
            ));
        }
    };
    let cols = columns(procedure)?;
    let mapping = Mapping::detect(&sheet, &cols);
    if mapping.columns.iter().all(Option::is_none) {
        return unusable(&format!(
            "{}: no column header matches a field of procedure {}; start from `motcua template --procedure {}`",
            args.rows.display(),
            procedure.code,
            procedure.code
        ));
    }
    let shared: Vec<&str> = args.attach.iter().map(|(c, _)| c.as_str()).collect();
    let missing: Vec<String> = mapping
        .missing_required(&cols)
        .into_iter()
        .map(|c| &cols[c])
        .filter(|c| {
            !c.key
                .strip_prefix("files.")
                .is_some_and(|k| shared.contains(&k))
        })
        .map(|c| format!("{} ({})", c.header.get(args.lang), c.key))
        .collect();
    if !missing.is_empty() {
        return unusable(&format!(
            "{}: no column for what every row must give: {}",
            args.rows.display(),
            missing.join(", ")
        ));
    }
    for (c, slot) in mapping.columns.iter().enumerate() {
        if slot.is_none() {
            let header = sheet
                .rows
                .get(mapping.header_row)
                .and_then(|r| r.get(c))
                .map(motcua_bulk::Cell::display)
                .unwrap_or_default();
            if !header.trim().is_empty() {
                eprintln!(
                    "motcua: column {} ({header}) matches no field; it is left out",
                    motcua_bulk::column_name(c)
                );
            }
        }
    }

    let now = Timestamp::now();
    let units = crate::catalog::units(None)?;
    let today = Date::in_vietnam_at(now.unix()).context("the clock gives no date")?;
    let env = Env::new(today).with_units(&units);
    let mut rows = Checker::new(procedure, &cols, &mapping, &env).check_sheet(&sheet);
    let dir = args.attachments.clone();
    mark_missing_files(&mut rows, procedure, &cols, &mapping, &shared, |name| {
        dir.as_ref()
            .is_some_and(|d| safe_name(name) && d.join(name).is_file())
    });
    let offices: Vec<Option<OfficeCode>> = rows
        .iter()
        .map(|r| office_of(&args, procedure, r))
        .collect();
    let mut outcomes: Vec<Outcome> = rows
        .iter()
        .zip(&offices)
        .map(|(r, office)| {
            let mut o = Outcome::new(r.row, RowState::Invalid);
            o.office = office.as_ref().map(ToString::to_string);
            if r.is_valid() && office.is_none() {
                o.message = Some(LocalizedText::new(
                    "Không rõ cơ quan tiếp nhận: điền Kính gửi, hoặc dùng --office.",
                    "No office to file at: fill in the office unit, or give --office.",
                ));
            } else if !r.is_valid() {
                o.message = Some(join_problems(r));
            }
            o
        })
        .collect();
    let valid: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].is_valid() && offices[i].is_some())
        .collect();
    eprintln!(
        "motcua: {} rows read: {} valid, {} with errors",
        rows.len(),
        valid.len(),
        rows.len() - valid.len()
    );

    // Seal what is not sealed yet; the key is unlocked only if needed.
    let state = state_dir(&args.report);
    std::fs::create_dir_all(&state).with_context(|| format!("creating {}", state.display()))?;
    let mut filings = Vec::new();
    let mut key = None;
    for &i in &valid {
        let Some(office) = offices[i].clone() else {
            continue;
        };
        let groups = match file_groups(&args, &rows[i]) {
            Ok(g) => g,
            Err(message) => {
                outcomes[i].message = Some(message);
                continue;
            }
        };
        let name = fingerprint(&rows[i].form, &office, &groups);
        let dossier = state.join(format!("row-{name}.json"));
        if dossier.exists() && kept(&dossier, &rows[i], &office).is_none() {
            // Sealing again would make a second dossier of the row, which
            // the office may already hold: the person decides.
            outcomes[i].state = RowState::Failed;
            outcomes[i].message = Some(LocalizedText::new(
                format!(
                    "Hồ sơ đã ký của dòng này ({}) bị hỏng hoặc bị sửa; kiểm tra rồi xóa tệp để ký lại.",
                    dossier.display()
                ),
                format!(
                    "This row's sealed dossier ({}) is damaged or was edited; check it, then delete it to seal the row again.",
                    dossier.display()
                ),
            ));
            continue;
        }
        if !dossier.exists() {
            if key.is_none() {
                let key_file = read_key_file(&args.key)?;
                match key_file.decrypt(&passphrase(false)?) {
                    Ok(k) => key = Some(k),
                    Err(err) => return Ok(refuse(&err, args.json)),
                }
            }
            let Some(key) = key.as_ref() else {
                continue;
            };
            match seal_row(
                procedure,
                &rows[i],
                office.clone(),
                &groups,
                key,
                &dossier,
                now,
            )? {
                Ok(()) => {}
                Err(message) => {
                    outcomes[i].message = Some(message);
                    continue;
                }
            }
        }
        let Some(sealed) = kept(&dossier, &rows[i], &office) else {
            anyhow::bail!("{} was sealed but does not verify", dossier.display());
        };
        outcomes[i].state = RowState::Sealed;
        outcomes[i].dossier_id = Some(sealed.manifest().id.to_string());
        filings.push(Filing { index: i, dossier });
    }
    eprintln!("motcua: {} dossiers sealed", filings.len());

    let sent = send_all(&args, &filings)?;
    let sent = match sent {
        Ok(sent) => sent,
        Err(message) => return unusable(&message),
    };
    for (index, outcome) in sent {
        let row = outcomes[index].row;
        let dossier_id = outcomes[index].dossier_id.take();
        outcomes[index] = Outcome {
            row,
            dossier_id: outcome.dossier_id.or(dossier_id),
            ..outcome
        };
    }

    let report = Report::new(&sheet, mapping.header_row, outcomes.clone(), args.lang);
    let bytes = if args
        .report
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    {
        report.to_xlsx()?
    } else {
        report.to_csv()?
    };
    write_new(&args.report, &bytes)?;

    let count = |s: RowState| outcomes.iter().filter(|o| o.state == s).count();
    let done = count(RowState::Receipted) + count(RowState::Delivered);
    if args.json {
        let out = json!({
            "ok": done == outcomes.len(),
            "rows": outcomes.len(),
            "receipted": count(RowState::Receipted),
            "delivered": count(RowState::Delivered),
            "invalid": count(RowState::Invalid),
            "failed": count(RowState::Failed),
            "report": args.report,
            "outcomes": outcomes,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!(
            "motcua: {} of {} rows received by the office ({} invalid, {} failed); report in {}",
            done,
            outcomes.len(),
            count(RowState::Invalid),
            count(RowState::Failed),
            args.report.display()
        );
    }
    Ok(if done == outcomes.len() && !outcomes.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The dossier kept for a row, if it is whole, its seal verifies and it
/// holds the row's form for the row's office.
fn kept(dossier: &Path, row: &CheckedRow, office: &OfficeCode) -> Option<SealedDossier> {
    let sealed = SealedDossier::from_json(&std::fs::read(dossier).ok()?).ok()?;
    sealed
        .verify(&VerifyOptions::default())
        .into_result()
        .ok()?;
    let m = sealed.manifest();
    let same = m.office == *office && row.form.as_object() == Some(&m.form);
    same.then_some(sealed)
}

/// A file name a row may name: a plain name inside the attachments folder.
fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains(['/', '\\'])
        && name != "."
        && name != ".."
        && !name.starts_with('.')
}

/// The office a row is filed at: `--office`, or the row's own unit.
fn office_of(args: &Args, procedure: &Procedure, row: &CheckedRow) -> Option<OfficeCode> {
    if let Some(office) = &args.office {
        return Some(office.clone());
    }
    procedure.default_office(&row.form)?.parse().ok()
}

fn join_problems(row: &CheckedRow) -> LocalizedText {
    let join = |lang: Lang| {
        row.problems
            .iter()
            .map(|p| p.message.get(lang).to_owned())
            .collect::<Vec<_>>()
            .join("; ")
    };
    LocalizedText::new(join(Lang::Vi), join(Lang::En))
}

/// The files of a row per component: the shared ones, then those the row
/// names in the attachments folder.
fn file_groups(
    args: &Args,
    row: &CheckedRow,
) -> Result<Vec<(ComponentId, Vec<PathBuf>)>, LocalizedText> {
    let mut groups: Vec<(ComponentId, Vec<PathBuf>)> = Vec::new();
    let mut add = |component: ComponentId, path: PathBuf| match groups
        .iter_mut()
        .find(|(c, _)| *c == component)
    {
        Some((_, paths)) => paths.push(path),
        None => groups.push((component, vec![path])),
    };
    for (component, path) in &args.attach {
        add(component.clone(), path.clone());
    }
    for (component, names) in &row.files {
        let component: ComponentId = component
            .parse()
            .map_err(|e| LocalizedText::new(format!("{e}"), format!("{e}")))?;
        let Some(dir) = &args.attachments else {
            return Err(LocalizedText::new(
                "Dòng có tên tệp đính kèm nhưng không có --attachments.",
                "The row names files but no --attachments folder was given.",
            ));
        };
        for name in names {
            add(component.clone(), dir.join(name));
        }
    }
    Ok(groups)
}

/// A row's dossier name in the state folder: the SHA-256 of what it will
/// hold (form data, office, file paths and sizes), so an unchanged row is
/// found again and a corrected one is a new dossier.
fn fingerprint(
    form: &Value,
    office: &OfficeCode,
    groups: &[(ComponentId, Vec<PathBuf>)],
) -> String {
    let files: Vec<Value> = groups
        .iter()
        .map(|(c, paths)| {
            let paths: Vec<Value> = paths
                .iter()
                .map(|p| {
                    let size = std::fs::metadata(p).map_or(0, |m| m.len());
                    json!([p.to_string_lossy(), size])
                })
                .collect();
            json!([c.as_str(), paths])
        })
        .collect();
    let spec = json!([form, office.as_str(), files]).to_string();
    let digest = ring::digest::digest(&ring::digest::SHA256, spec.as_bytes());
    digest.as_ref()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Seals one valid row into `dossier` (attachments first, the dossier last,
/// so that a dossier on disk is always whole). The inner error is what the
/// rules refuse, for the report.
fn seal_row(
    procedure: &Procedure,
    row: &CheckedRow,
    office: OfficeCode,
    groups: &[(ComponentId, Vec<PathBuf>)],
    key: &motcua_dossier::SigningKey,
    dossier: &Path,
    now: Timestamp,
) -> anyhow::Result<Result<(), LocalizedText>> {
    let refused = |m: String| LocalizedText::new(m.clone(), m);
    let Papers { attachments, files } = match papers(procedure, groups)? {
        Ok(p) => p,
        Err(problem) => return Ok(Err(refused(problem))),
    };
    let Value::Object(form) = row.form.clone() else {
        return Ok(Err(refused("the form data is not an object".into())));
    };
    let manifest = Manifest::builder(
        ProcedureRef {
            code: procedure.code.clone(),
            version: procedure.version.parse()?,
        },
        office,
    )
    .form(form)
    .attachments(attachments)
    .id(DossierId::generate()?)
    .created(now)
    .client(cli_client_version()?)
    .build()?;
    let findings = manifest.conformance(&procedure.components, &OfficeLimits::default());
    if !findings.is_empty() {
        let join = |lang: Lang| {
            findings
                .iter()
                .map(|f| f.message.get(lang).to_owned())
                .collect::<Vec<_>>()
                .join("; ")
        };
        return Ok(Err(LocalizedText::new(join(Lang::Vi), join(Lang::En))));
    }
    let sealed = match SealedDossier::seal(manifest, key, now) {
        Ok(s) => s,
        Err(e) => return Ok(Err(refused(e.to_string()))),
    };
    write_sealed(dossier, &sealed, &files)?;
    Ok(Ok(()))
}

/// How every dossier is routed: one server, or each office's directory
/// entry.
enum Route {
    Server(Endpoint),
    Directory(Box<Directory>),
}

impl Route {
    fn from_args(args: &Args) -> anyhow::Result<Result<Self, String>> {
        if let Some(to) = &args.route.to {
            return Ok(to.parse().map(Self::Server).map_err(|e| format!("{e}")));
        }
        let Some(path) = &args.route.directory else {
            return Ok(Err("give --to URL or --directory SIGNED.json".into()));
        };
        let pins = match crate::cmd::directory::pins(&args.route.publisher) {
            Ok(pins) => pins,
            Err(e) => return Ok(Err(format!("{e:#}"))),
        };
        Ok(
            match crate::cmd::directory::read_verified(path, &pins, Timestamp::now())? {
                Ok(verified) => Ok(Self::Directory(Box::new(verified.directory().clone()))),
                Err(e) => Err(format!("{}: {e}", path.display())),
            },
        )
    }

    /// The outbox entry of a sealed dossier, or why it cannot be sent
    /// (the office is not in the directory, or takes no such dossier).
    fn entry(&self, bytes: &[u8], office: &OfficeCode) -> Result<OutboxEntry, LocalizedText> {
        let entry = match self {
            Self::Server(endpoint) => OutboxEntry::new(endpoint.clone(), bytes),
            Self::Directory(directory) => directory.outbox_entry(office, bytes),
        };
        entry.map_err(|e| e.message())
    }
}

/// Sends the sealed dossiers, `--concurrency` at a time, each resuming from
/// its progress file; gives each row's outcome. The inner error is an
/// unusable route.
fn send_all(
    args: &Args,
    filings: &[Filing],
) -> anyhow::Result<Result<Vec<(usize, Outcome)>, String>> {
    if filings.is_empty() {
        return Ok(Ok(Vec::new()));
    }
    let route = match Route::from_args(args)? {
        Ok(r) => r,
        Err(message) => return Ok(Err(message)),
    };
    let transport = Http::new(Duration::from_secs(120))?;
    let policy = Policy {
        max_attempts: args.max_attempts.max(1),
        ..Policy::default()
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let total = filings.len();
    let finished = std::cell::Cell::new(0usize);
    let jobs = filings.iter().map(|filing| {
        let (route, transport, finished) = (&route, transport.clone(), &finished);
        async move {
            let outcome = send_one(route, transport, policy, filing).await;
            finished.set(finished.get() + 1);
            eprintln!(
                "motcua: [{}/{total}] row {}: {}",
                finished.get(),
                filing.index + 1,
                match &outcome {
                    Ok(o) => o.state.label().en,
                    Err(e) => format!("{e:#}"),
                }
            );
            (filing.index, outcome)
        }
    });
    let results: Vec<(usize, anyhow::Result<Outcome>)> = runtime.block_on(
        futures::stream::iter(jobs)
            .buffer_unordered(usize::from(args.concurrency))
            .collect(),
    );
    let mut out = Vec::with_capacity(results.len());
    for (index, outcome) in results {
        out.push((index, outcome?));
    }
    Ok(Ok(out))
}

async fn send_one(
    route: &Route,
    transport: Http,
    policy: Policy,
    filing: &Filing,
) -> anyhow::Result<Outcome> {
    let bytes = std::fs::read(&filing.dossier)
        .with_context(|| format!("reading {}", filing.dossier.display()))?;
    let sealed = SealedDossier::from_json(&bytes)
        .with_context(|| format!("reading {}", filing.dossier.display()))?;
    let office = sealed.manifest().office.clone();
    let mut outcome = Outcome::new(0, RowState::Failed);
    outcome.dossier_id = Some(sealed.manifest().id.to_string());
    outcome.office = Some(office.to_string());
    let fresh = match route.entry(&bytes, &office) {
        Ok(e) => e,
        Err(message) => {
            outcome.message = Some(message);
            return Ok(outcome);
        }
    };
    let progress = state_path(&filing.dossier);
    let entry = resume(&progress, &fresh)?.unwrap_or(fresh);
    let client = Client::new(
        transport,
        Files {
            dir: files_dir(&filing.dossier),
        },
    )
    .with_policy(policy);
    let mut save_error = None;
    let done = client
        .run(entry, |state| {
            let saved = serde_json::to_vec_pretty(state)
                .map_err(anyhow::Error::from)
                .and_then(|json| write_new(&progress, &json));
            if let Err(e) = saved {
                save_error.get_or_insert(e);
            }
        })
        .await;
    if let Some(e) = save_error {
        return Err(e.context(format!("saving progress to {}", progress.display())));
    }
    match &done {
        OutboxEntry::Acknowledged(ack) => {
            let c = ack.claims();
            outcome.state = RowState::Receipted;
            outcome.dossier_code = Some(c.dossier_code.to_string());
            outcome.received = Some(c.received.to_string());
        }
        OutboxEntry::Delivered(delivered) => {
            outcome.state = RowState::Delivered;
            outcome.dossier_code = Some(delivered.record().reference.clone());
        }
        OutboxEntry::Failed(failed) => {
            outcome.message = Some(failed.error().message());
        }
        other => {
            outcome.message = Some(LocalizedText::new(
                format!("dừng khi {}; chạy lại lệnh để tiếp tục", other.state_name()),
                format!(
                    "stopped while {}; run the command again to continue",
                    other.state_name()
                ),
            ));
        }
    }
    Ok(outcome)
}
