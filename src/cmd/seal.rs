//! `motcua seal`: build a dossier manifest from form data and files, seal
//! it with a key file, and write the sealed dossier with its attachments
//! beside it:
//!
//! ```text
//! DOSSIER.json            the sealed dossier (manifest + seal)
//! DOSSIER.files/NAME      each attachment, under its manifest file name
//! ```
//!
//! Two steps are deliberately small functions, [`check_form_data`] and
//! [`prepare_attachment`], to be replaced by the `forms` validation and the
//! `scan` pipeline.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use motcua_dossier::{
    Attachment, ClientVersion, ComponentId, DossierId, FileName, KeyFile, MANIFEST_FORMAT,
    Manifest, MediaType, OfficeCode, ProcedureRef, SealedDossier, Signer, Timestamp,
};
use motcua_forms::{Component, Procedure, ProcedureCode};
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

fn parse_attach(s: &str) -> Result<(ComponentId, PathBuf), String> {
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

    let data =
        std::fs::read(&args.data).with_context(|| format!("reading {}", args.data.display()))?;
    let form = match check_form_data(procedure, &data) {
        Ok(form) => form,
        Err(problem) => {
            eprintln!("motcua: {}: {problem}", args.data.display());
            return Ok(ExitCode::FAILURE);
        }
    };

    let mut attachments = Vec::new();
    let mut files = Vec::new();
    for (component_id, path) in &args.attach {
        let Some(component) = procedure
            .components
            .iter()
            .find(|c| c.id == component_id.as_str())
        else {
            let known: Vec<_> = procedure.components.iter().map(|c| c.id.as_str()).collect();
            eprintln!(
                "motcua: procedure {} has no component {component_id}; it has: {}",
                procedure.code,
                known.join(", ")
            );
            return Ok(ExitCode::FAILURE);
        };
        let prepared = match prepare_attachment(component, path)? {
            Ok(p) => p,
            Err(problem) => {
                eprintln!("motcua: {}: {problem}", path.display());
                return Ok(ExitCode::FAILURE);
            }
        };
        if files
            .iter()
            .any(|(n, _): &(FileName, Vec<u8>)| *n == prepared.name)
        {
            eprintln!(
                "motcua: two attachments are named {}; rename one",
                prepared.name
            );
            return Ok(ExitCode::FAILURE);
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

    let now = args.time.unwrap_or_else(Timestamp::now);
    let manifest = Manifest {
        format: MANIFEST_FORMAT,
        id: match args.id {
            Some(id) => id,
            None => DossierId::generate()?,
        },
        procedure: ProcedureRef {
            code: procedure.code.clone(),
            version: procedure.version.parse()?,
        },
        office: args.office.clone(),
        form,
        attachments,
        created: now,
        client: cli_client_version()?,
    };

    let key = match key_file.decrypt(&passphrase(false)?) {
        Ok(key) => key,
        Err(err) => return Ok(refuse(&err, args.json)),
    };
    let sealed = match SealedDossier::seal(manifest, &key, now) {
        Ok(s) => s,
        Err(err) => return Ok(refuse(&err, args.json)),
    };

    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("replacing {}", dir.display()))?;
    }
    if !files.is_empty() {
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    for (name, bytes) in &files {
        let path = dir.join(name.as_str());
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    write_new(&args.output, &sealed.to_json())?;

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

/// This program's `client` value in the manifest.
fn cli_client_version() -> anyhow::Result<ClientVersion> {
    Ok(concat!("motcua-cli/", env!("CARGO_PKG_VERSION")).parse()?)
}

fn read_key_file(path: &Path) -> anyhow::Result<KeyFile> {
    let bytes =
        std::fs::read(path).with_context(|| format!("reading key file {}", path.display()))?;
    KeyFile::from_json(&bytes).with_context(|| format!("reading key file {}", path.display()))
}

/// Checks the form data and returns the values that go into the manifest.
/// For now: a JSON object without repeated keys. The `forms` validation of
/// the procedure's fields and rules replaces this.
fn check_form_data(_procedure: &Procedure, data: &[u8]) -> Result<Map<String, Value>, String> {
    let canonical = motcua_dossier::canonicalize(data).map_err(|e| e.to_string())?;
    match serde_json::from_slice(&canonical) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("the form data must be a JSON object".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Turns a given file into an attachment of `component`. For now the file
/// is taken as it is: its type by magic bytes, its page count if it is a
/// PDF, checked against the component's rule. The `scan` pipeline (photos
/// to PDF pages, limits) replaces this. The outer error is an unreadable
/// file; the inner one a file refused by the rule.
fn prepare_attachment(
    component: &Component,
    path: &Path,
) -> anyhow::Result<Result<Prepared, String>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .parse::<FileName>();
    let name = match name {
        Ok(n) => n,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let media_type = sniff(&bytes);
    let rule = &component.attachment;
    if !rule.accept.iter().any(|a| a == media_type.as_str()) {
        return Ok(Err(format!(
            "{media_type} is not accepted for {}; accepted: {}",
            component.id,
            rule.accept.join(", ")
        )));
    }
    if bytes.len() as u64 > rule.max_bytes {
        return Ok(Err(format!(
            "{} bytes, at most {} for {}",
            bytes.len(),
            rule.max_bytes,
            component.id
        )));
    }
    let pages = (media_type == MediaType::pdf())
        .then(|| pdf_page_count(&bytes))
        .flatten();
    if let Some(p) = pages.filter(|p| *p > rule.max_pages) {
        return Ok(Err(format!(
            "{p} pages, at most {} for {}",
            rule.max_pages, component.id
        )));
    }
    Ok(Ok(Prepared {
        name,
        media_type,
        pages,
        bytes,
    }))
}

/// The media type by magic bytes.
fn sniff(bytes: &[u8]) -> MediaType {
    if bytes.starts_with(b"%PDF-") {
        MediaType::pdf()
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        MediaType::jpeg()
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        MediaType::png()
    } else {
        MediaType::octet_stream()
    }
}

/// A cheap page count: the `/Type /Page` objects (not `/Pages`) in the
/// file. `None` when there are none, e.g. in compressed object streams.
fn pdf_page_count(bytes: &[u8]) -> Option<u32> {
    let mut count = 0u32;
    let mut i = 0;
    while let Some(pos) = find(&bytes[i..], b"/Type") {
        let mut j = i + pos + 5;
        while bytes.get(j).is_some_and(|b| b.is_ascii_whitespace()) {
            j += 1;
        }
        if bytes[j..].starts_with(b"/Page") && !bytes[j..].starts_with(b"/Pages") {
            count += 1;
        }
        i = j;
    }
    (count > 0).then_some(count)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_counts() {
        assert_eq!(
            pdf_page_count(b"<< /Type /Pages /Count 2 >> << /Type /Page >> <</Type/Page>>"),
            Some(2)
        );
        assert_eq!(pdf_page_count(b"<< /Type /Pages >>"), None);
        assert_eq!(pdf_page_count(b"/Type"), None);
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b"%PDF-1.7"), MediaType::pdf());
        assert_eq!(sniff(b"\xff\xd8\xff\xe0"), MediaType::jpeg());
        assert_eq!(sniff(b"GIF89a"), MediaType::octet_stream());
    }
}
