//! `motcua scan`: photos of paper documents into one A4 PDF, or a PDF kept
//! as it is; prints size, pages and SHA-256.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use motcua_forms::Lang;
use motcua_scan::{
    AttachmentInfo, ColorMode, DEFAULT_DPI, DEFAULT_QUALITY, Error, Limits, MediaType, PdfMeta,
    Settings, assemble_pdf, attach_pdf, probe, scan_image, sniff,
};
use serde_json::json;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The PDF to write. Nothing is written if any input is refused.
    #[arg(short, long)]
    output: PathBuf,
    /// Resolution of the A4 pages in dots per inch (72–600).
    #[arg(long, default_value_t = DEFAULT_DPI)]
    dpi: u16,
    /// Document mode: gray pages with white paper and dark ink, for text.
    #[arg(long)]
    document: bool,
    /// JPEG quality of the pages (1–100).
    #[arg(long, default_value_t = DEFAULT_QUALITY)]
    quality: u8,
    /// Title written into the PDF.
    #[arg(long)]
    title: Option<String>,
    /// Most pages allowed.
    #[arg(long)]
    max_pages: Option<u32>,
    /// Most bytes allowed for the produced PDF.
    #[arg(long)]
    max_bytes: Option<u64>,
    /// Most pixels allowed per photo, read from its headers.
    #[arg(long)]
    max_pixels: Option<u64>,
    /// Language of refusal messages: `vi` or `en`.
    #[arg(long, default_value = "vi", value_parser = ["vi", "en"])]
    lang: String,
    /// Print the result as JSON on standard output.
    #[arg(long)]
    json: bool,
    /// Photos (JPEG, PNG, WebP), one page each in order; or a single PDF.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// A refusal: which file (if one), and why.
struct Refusal {
    file: Option<PathBuf>,
    error: Error,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let lang = Lang::from_tag(&args.lang);
    let mut limits = Limits::default();
    if let Some(n) = args.max_pages {
        limits.max_pages = n;
    }
    if let Some(n) = args.max_bytes {
        limits.max_attachment_bytes = n;
    }
    if let Some(n) = args.max_pixels {
        limits.max_pixels = n;
    }
    let settings = Settings {
        dpi: args.dpi,
        mode: if args.document {
            ColorMode::Document
        } else {
            ColorMode::Color
        },
        quality: args.quality,
    };
    if let Err(e) = settings.validate() {
        anyhow::bail!("{e}");
    }
    match make(&args, &settings, &limits)? {
        Ok((bytes, info, inputs)) => {
            write_atomically(&args.output, &bytes)?;
            report(&args, &info, &inputs)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(refusal) => {
            let name = refusal.file.as_ref().map(|f| f.display().to_string());
            if args.json {
                let out = json!({
                    "error": {
                        "code": refusal.error.code(),
                        "file": name,
                        "message": refusal.error.localized(),
                        "detail": refusal.error.to_string(),
                    }
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
            }
            match name {
                Some(n) => eprintln!("motcua: {n}: {}", refusal.error.message(lang)),
                None => eprintln!("motcua: {}", refusal.error.message(lang)),
            }
            eprintln!("motcua: nothing written to {}", args.output.display());
            Ok(ExitCode::from(1))
        }
    }
}

type Made = (Vec<u8>, AttachmentInfo, Vec<serde_json::Value>);

/// Reads the inputs and makes the PDF in memory. I/O failures are errors
/// (exit 2); refused inputs are `Ok(Err(_))` (exit 1).
fn make(
    args: &Args,
    settings: &Settings,
    limits: &Limits,
) -> anyhow::Result<Result<Made, Refusal>> {
    let refuse = |file: &Path, error: Error| {
        Ok(Err(Refusal {
            file: Some(file.to_owned()),
            error,
        }))
    };
    let n = args.files.len();
    // A PDF is kept as it is, so it must come alone.
    let mut pdfs = 0;
    let mut inputs = Vec::with_capacity(n);
    for file in &args.files {
        let meta =
            std::fs::metadata(file).with_context(|| format!("reading {}", file.display()))?;
        let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
        if sniff(&bytes) == Ok(MediaType::Pdf) {
            pdfs += 1;
        }
        inputs.push((file, meta.len(), bytes));
    }
    if pdfs > 0 && n > 1 {
        anyhow::bail!(
            "a PDF is attached as it is and must be the only input ({n} inputs given, {pdfs} of them PDF)"
        );
    }
    if pdfs == 1 {
        let (file, _, bytes) = inputs.pop().context("one input")?;
        eprintln!("motcua: [1/1] {}: PDF, kept byte for byte", file.display());
        return Ok(match attach_pdf(&bytes, limits) {
            Ok(info) => {
                let input =
                    json!({"file": file.display().to_string(), "media_type": MediaType::Pdf});
                Ok((bytes, info, vec![input]))
            }
            Err(e) => Err(Refusal {
                file: Some(file.clone()),
                error: e,
            }),
        });
    }
    // Refuse too many pages before decoding any photo.
    if let Err(e) = limits.check_pages(n as u64) {
        return Ok(Err(Refusal {
            file: None,
            error: e,
        }));
    }
    let mut pages = Vec::with_capacity(n);
    let mut report = Vec::with_capacity(n);
    for (i, (file, size, bytes)) in inputs.into_iter().enumerate() {
        let info = match probe(&bytes, limits) {
            Ok(info) => info,
            Err(e) => return refuse(file, e),
        };
        let page = match scan_image(&bytes, settings, limits) {
            Ok(page) => page,
            Err(e) => return refuse(file, e),
        };
        let (w, h) = info.upright_size();
        eprintln!(
            "motcua: [{}/{n}] {}: {} {w}x{h}, {size} bytes -> page {}x{}, {} bytes",
            i + 1,
            file.display(),
            info.media_type,
            page.width(),
            page.height(),
            page.jpeg().len()
        );
        report.push(json!({
            "file": file.display().to_string(),
            "media_type": info.media_type,
            "bytes": size,
            "width": w,
            "height": h,
            "orientation": info.orientation,
            "page_width": page.width(),
            "page_height": page.height(),
            "page_jpeg_bytes": page.jpeg().len(),
        }));
        pages.push(page);
    }
    let meta = PdfMeta {
        title: args.title.clone(),
        created: None,
    };
    Ok(match assemble_pdf(&pages, &meta, limits) {
        Ok(pdf) => Ok((pdf.bytes, pdf.info, report)),
        Err(e) => Err(Refusal {
            file: None,
            error: e,
        }),
    })
}

/// Writes to a temporary file beside the output, then renames it: the
/// output either appears whole or not at all.
fn write_atomically(output: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = output.file_name().context("the output needs a file name")?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, output)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("writing {}", output.display()))
}

fn report(args: &Args, info: &AttachmentInfo, inputs: &[serde_json::Value]) -> anyhow::Result<()> {
    if args.json {
        let out = json!({
            "output": args.output.display().to_string(),
            "media_type": info.media_type,
            "bytes": info.bytes,
            "pages": info.pages,
            "sha256": info.sha256,
            "inputs": inputs,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!("{}", args.output.display());
        println!("  pages   {}", info.pages);
        println!("  size    {} bytes", info.bytes);
        println!("  sha256  {}", info.sha256);
    }
    Ok(())
}
