//! `motcua seal`: build a dossier manifest from form data and files, seal
//! it with a key file, and write the sealed dossier with its attachments
//! beside it:
//!
//! ```text
//! DOSSIER.json            the sealed dossier (manifest + seal)
//! DOSSIER.files/NAME      each attachment, under its manifest file name
//! ```
//!
//! The form data is checked with the same engine as the app and the office
//! (motcua-forms, with the unit table), and its normalized values go into the
//! manifest. Attachments go through the same pipeline as the app's
//! (motcua-scan): a PDF is kept byte for byte; the photos given for one
//! component become the pages of one A4 PDF, `COMPONENT.pdf`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use motcua_dossier::{
    Attachment, ClientVersion, ComponentId, DossierId, FileName, KeyFile, Manifest, MediaType,
    OfficeCode, ProcedureRef, SealedDossier, Signer, Timestamp,
};
use motcua_forms::{Component, Date, Env, Procedure, ProcedureCode};
use motcua_protocol::Limits as OfficeLimits;
use motcua_scan::{Limits, PdfMeta, Settings, assemble_pdf, attach_pdf, scan_image, sniff};
use serde_json::{Map, Value};

use crate::cmd::EXIT_UNUSABLE;
use crate::cmd::keygen::{passphrase, refuse, write_new};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The encrypted key file to sign with (from `motcua keygen`).
    #[arg(long, value_name = "KEY")]
    key: PathBuf,
    /// National procedure code, e.g. 1.001193.
    #[arg(long, value_name = "CODE")]
    procedure: ProcedureCode,
    /// Code of the office that is to receive the dossier, e.g. 00004.
    #[arg(long, value_name = "CODE")]
    office: OfficeCode,
    /// The form values: a JSON object.
    #[arg(long, value_name = "DATA.json")]
    data: PathBuf,
    /// Attach FILE as dossier component COMPONENT (repeatable).
    #[arg(long, value_name = "COMPONENT=FILE", value_parser = parse_attach)]
    attach: Vec<(ComponentId, PathBuf)>,
    /// Where to write the sealed dossier; attachments go to DOSSIER.files/.
    #[arg(short, long, value_name = "DOSSIER.json")]
    output: PathBuf,
    /// A procedure catalog directory to use instead of the built-in one.
    #[arg(long, env = "MOTCUA_CATALOG")]
    catalog: Option<PathBuf>,
    /// Dossier id to use instead of a random one (for fixtures and tests).
    #[arg(long)]
    id: Option<DossierId>,
    /// Creation and signing time, YYYY-MM-DDTHH:MM:SSZ, instead of now (for
    /// fixtures and tests).
    #[arg(long)]
    time: Option<Timestamp>,
    /// Replace DOSSIER.json and its attachments folder if they exist.
    #[arg(long)]
    force: bool,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn parse_attach(s: &str) -> Result<(ComponentId, PathBuf), String> {
    let (component, file) = s
        .split_once('=')
        .ok_or_else(|| format!("expected COMPONENT=FILE, found {s:?}"))?;
    let component = component.parse().map_err(|e| format!("{e}"))?;
    Ok((component, PathBuf::from(file)))
}

/// The folder of attachments beside a sealed dossier: `x.json` → `x.files`.
pub(crate) fn files_dir(dossier: &Path) -> PathBuf {
    dossier.with_extension("files")
}

/// An attachment ready to go into the manifest.
struct Prepared {
    name: FileName,
    media_type: MediaType,
    pages: Option<u32>,
    bytes: Vec<u8>,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let catalog = crate::catalog::load(args.catalog.as_deref())?;
    let Some(procedure) = catalog.procedure(&args.procedure) else {
        eprintln!("motcua: unknown procedure {}", args.procedure);
        return Ok(ExitCode::from(EXIT_UNUSABLE));
    };
    let dir = files_dir(&args.output);
    if !args.force && (args.output.exists() || dir.exists()) {
        bail!(
            "{} or {} exists; pass --force to replace",
            args.output.display(),
            dir.display()
        );
    }
    let key_file = read_key_file(&args.key)?;

    let now = args.time.unwrap_or_else(Timestamp::now);
    let data =
        std::fs::read(&args.data).with_context(|| format!("reading {}", args.data.display()))?;
    let form = match check_form_data(procedure, &data, now)? {
        Ok(form) => form,
        Err(problems) => {
            eprintln!(
                "motcua: {}: the form data is not valid:",
                args.data.display()
            );
            for problem in problems {
                eprintln!("  {problem}");
            }
            return Ok(ExitCode::FAILURE);
        }
    };

    // Files per component, in the order given.
    let mut groups: Vec<(ComponentId, Vec<PathBuf>)> = Vec::new();
    for (component_id, path) in &args.attach {
        match groups.iter_mut().find(|(c, _)| c == component_id) {
            Some((_, paths)) => paths.push(path.clone()),
            None => groups.push((component_id.clone(), vec![path.clone()])),
        }
    }
    let Papers { attachments, files } = match papers(procedure, &groups)? {
        Ok(papers) => papers,
        Err(problem) => {
            eprintln!("motcua: refused: {problem}");
            return Ok(ExitCode::FAILURE);
        }
    };

    let procedure_ref = ProcedureRef {
        code: procedure.code.clone(),
        version: procedure.version.parse()?,
    };
    let manifest = Manifest::builder(procedure_ref, args.office.clone())
        .form(form)
        .attachments(attachments)
        .id(match args.id {
            Some(id) => id,
            None => DossierId::generate()?,
        })
        .created(now)
        .client(cli_client_version()?)
        .build()?;

    let key = match key_file.decrypt(&passphrase(false)?) {
        Ok(key) => key,
        Err(err) => return Ok(refuse(&err, args.json)),
    };
    // The office runs the same check on receipt: refuse here what it would.
    let findings = manifest.conformance(&procedure.components, &OfficeLimits::default());
    if !findings.is_empty() {
        if args.json {
            let out = serde_json::json!({"ok": false, "errors": findings});
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        eprintln!(
            "motcua: the dossier does not hold what procedure {} asks for:",
            procedure.code
        );
        for f in &findings {
            eprintln!("  {}: {} / {}", f.path, f.message.vi, f.message.en);
        }
        return Ok(ExitCode::FAILURE);
    }
    let sealed = match SealedDossier::seal(manifest, &key, now) {
        Ok(s) => s,
        Err(err) => return Ok(refuse(&err, args.json)),
    };

    write_sealed(&args.output, &sealed, &files)?;

    let m = sealed.manifest();
    let digest = m.digest()?;
    if args.json {
        let out = serde_json::json!({
            "ok": true,
            "file": args.output,
            "attachments_dir": if files.is_empty() { None } else { Some(&dir) },
            "id": m.id,
            "manifest_sha256": digest,
            "kid": key.kid(),
            "alg": key.algorithm().name(),
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!(
            "motcua: sealed dossier {} → {}",
            m.id,
            args.output.display()
        );
        println!(
            "  procedure {} (schema {}), office {}",
            m.procedure.code, m.procedure.version, m.office
        );
        println!("  manifest SHA-256 {digest}");
        println!("  signed {} with key {}", key.algorithm(), key.kid());
        for a in &m.attachments {
            println!(
                "  attached {} as {} ({} bytes) → {}",
                a.name,
                a.component,
                a.size,
                dir.join(a.name.as_str()).display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a sealed dossier and its attachments beside it (`x.files/`,
/// replaced if it exists): the attachments first and the dossier last,
/// through a temporary file, so a dossier on disk is always whole.
pub(crate) fn write_sealed(
    path: &Path,
    sealed: &SealedDossier,
    files: &[(FileName, Vec<u8>)],
) -> anyhow::Result<()> {
    let dir = files_dir(path);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("replacing {}", dir.display()))?;
    }
    if !files.is_empty() {
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    for (name, bytes) in files {
        let path = dir.join(name.as_str());
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    write_new(path, &sealed.to_json())
}

/// A dossier's papers: the manifest's attachments and the files' bytes.
pub(crate) struct Papers {
    pub(crate) attachments: Vec<Attachment>,
    pub(crate) files: Vec<(FileName, Vec<u8>)>,
}

/// Turns the files given for each component into the dossier's papers
/// (see [`prepare_attachments`]). The outer error is an unreadable file;
/// the inner one what the rules refuse (an unknown component, a file the
/// scanner refuses, two files of one name), said for people.
pub(crate) fn papers(
    procedure: &Procedure,
    groups: &[(ComponentId, Vec<PathBuf>)],
) -> anyhow::Result<Result<Papers, String>> {
    let mut attachments = Vec::new();
    let mut files: Vec<(FileName, Vec<u8>)> = Vec::new();
    for (component_id, paths) in groups {
        let Some(component) = procedure
            .components
            .iter()
            .find(|c| c.id == component_id.as_str())
        else {
            let known: Vec<_> = procedure.components.iter().map(|c| c.id.as_str()).collect();
            return Ok(Err(format!(
                "procedure {} has no component {component_id}; it has: {}",
                procedure.code,
                known.join(", ")
            )));
        };
        let paths: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
        let prepared = match prepare_attachments(component, &paths)? {
            Ok(p) => p,
            Err(problem) => return Ok(Err(problem)),
        };
        for prepared in prepared {
            if files.iter().any(|(n, _)| *n == prepared.name) {
                return Ok(Err(format!(
                    "two attachments are named {}; rename one",
                    prepared.name
                )));
            }
            attachments.push(Attachment::from_bytes(
                component_id.clone(),
                prepared.name.clone(),
                prepared.media_type,
                prepared.pages,
                &prepared.bytes,
            ));
            files.push((prepared.name, prepared.bytes));
        }
    }
    Ok(Ok(Papers { attachments, files }))
}

/// This program's `client` value in the manifest.
pub(crate) fn cli_client_version() -> anyhow::Result<ClientVersion> {
    Ok(concat!("motcua-cli/", env!("CARGO_PKG_VERSION")).parse()?)
}

pub(crate) fn read_key_file(path: &Path) -> anyhow::Result<KeyFile> {
    let bytes =
        std::fs::read(path).with_context(|| format!("reading key file {}", path.display()))?;
    KeyFile::from_json(&bytes).with_context(|| format!("reading key file {}", path.display()))
}

/// Validates the form data with the forms engine, as the office will, and
/// returns the normalized values; the problems, in Vietnamese and English,
/// otherwise.
fn check_form_data(
    procedure: &Procedure,
    data: &[u8],
    now: Timestamp,
) -> anyhow::Result<Result<Map<String, Value>, Vec<String>>> {
    let values: Value = match serde_json::from_slice(data) {
        Ok(values) => values,
        Err(e) => return Ok(Err(vec![format!("not JSON: {e}")])),
    };
    let units = crate::catalog::units(None)?;
    let today = Date::in_vietnam_at(now.unix()).context("the clock gives no date")?;
    let env = Env::new(today).with_units(&units);
    Ok(match procedure.validate(&values, &env) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(vec!["the form data must be a JSON object".into()]),
        Err(errors) => Err(errors
            .iter()
            .map(|e| format!("{}: {} / {}", e.path, e.message.vi, e.message.en))
            .collect()),
    })
}

/// The limits of a component within those a client plans with when it
/// knows nothing of the office (the protocol's defaults).
fn limits_for(component: &Component) -> Limits {
    Limits::for_component(&component.attachment, &OfficeLimits::default())
}

/// Turns the files given for `component` into its attachments: each PDF as
/// it is, all photos together as the pages of `COMPONENT.pdf`. The outer
/// error is an unreadable file; the inner one a file the rules refuse.
fn prepare_attachments(
    component: &Component,
    paths: &[&Path],
) -> anyhow::Result<Result<Vec<Prepared>, String>> {
    let limits = limits_for(component);
    let mut prepared = Vec::new();
    let mut pages = Vec::new();
    for path in paths {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let refused = |e: motcua_scan::Error| format!("{}: {e}", path.display());
        // PDF or photo by the magic bytes, as the scanner (and so the app
        // and the office) tells them.
        if sniff(&bytes) == Ok(motcua_scan::MediaType::Pdf) {
            let info = match attach_pdf(&bytes, &limits) {
                Ok(info) => info,
                Err(e) => return Ok(Err(refused(e))),
            };
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .parse::<FileName>();
            let name = match name {
                Ok(n) => n,
                Err(e) => return Ok(Err(format!("{}: {e}", path.display()))),
            };
            prepared.push(Prepared {
                name,
                media_type: MediaType::pdf(),
                pages: Some(info.pages),
                bytes,
            });
        } else {
            match scan_image(&bytes, &Settings::default(), &limits) {
                Ok(page) => pages.push(page),
                Err(e) => return Ok(Err(refused(e))),
            }
        }
    }
    if !pages.is_empty() {
        let meta = PdfMeta {
            title: Some(component.name.vi.clone()),
            created: None,
        };
        let pdf = match assemble_pdf(&pages, &meta, &limits) {
            Ok(pdf) => pdf,
            Err(e) => return Ok(Err(format!("{}: {e}", component.id))),
        };
        prepared.push(Prepared {
            name: format!("{}.pdf", component.id)
                .parse()
                .map_err(|e| anyhow::anyhow!("{e}"))?,
            media_type: MediaType::pdf(),
            pages: Some(pdf.info.pages),
            bytes: pdf.bytes,
        });
    }
    Ok(Ok(prepared))
}
