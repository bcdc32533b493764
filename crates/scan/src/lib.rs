//! Attachments: photos of paper documents turned into compact A4 PDF pages,
//! and PDFs kept byte for byte, each hashed and checked against limits.
//!
//! The national portal takes scanned papers as PDF only, and phones take
//! JPEG photos. This crate does the work between, in pure Rust so that the
//! app runs it in a web worker (wasm32) and the `motcua scan` command runs
//! it natively:
//!
//! 1. [`sniff`] tells the type by magic bytes; [`probe`] reads the size and
//!    EXIF orientation from the headers and checks [`Limits`] before any
//!    pixel is decoded (decompression bombs cost a few kilobytes);
//! 2. [`scan_image`] decodes, resizes to fit A4 at the [`Settings`]' dpi
//!    (never enlarging), turns the picture upright, optionally normalizes a
//!    text page to gray ([`ColorMode::Document`]), and encodes a JPEG;
//!    [`page_from_rgba`] does the same from pixels the browser decoded;
//! 3. [`assemble_pdf`] puts the pages into one PDF, embedding the JPEGs
//!    as they are, and hashes it; [`attach_pdf`] checks a user's PDF, counts
//!    its pages and hashes it without touching a byte.
//!
//! The same input and settings always give the same bytes.
//!
//! ```
//! use motcua_scan::{assemble_pdf, page_from_rgba, sha256, Limits, Orientation, PdfMeta, Settings};
//!
//! let limits = Limits::default();
//! // A 40×30 orange picture, as a browser's ImageData would hold it.
//! let rgba: Vec<u8> = [255, 128, 0, 255].repeat(40 * 30);
//! let page = page_from_rgba(&rgba, 40, 30, Orientation::Normal, &Settings::default(), &limits)?;
//! let meta = PdfMeta { title: Some("Giấy khai sinh".into()), created: None };
//! let pdf = assemble_pdf(&[page], &meta, &limits)?;
//! assert_eq!(pdf.info.pages, 1);
//! assert_eq!(pdf.info.sha256, sha256(&pdf.bytes));
//! # Ok::<(), motcua_scan::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod attachment;
mod decode;
mod document;
mod encode;
mod error;
mod fit;
mod hash;
mod limits;
mod media;
mod orientation;
mod page;
mod pdf;
mod pdf_read;
mod probe;
mod raster;

pub use attachment::{Attachment, AttachmentInfo, attach_pdf};
pub use error::Error;
pub use fit::{a4_pixels, fit_a4};
pub use hash::{HASH_CHUNK, ParseSha256Error, Sha256, Sha256Hasher, sha256, sha256_with_progress};
pub use limits::{DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_PIXELS, Limits, OfficeLimits};
pub use media::{MediaType, sniff};
pub use orientation::Orientation;
pub use page::{
    ColorMode, DEFAULT_DPI, DEFAULT_QUALITY, PageImage, Settings, Stage, page_from_rgba,
    scan_image, scan_image_with_progress,
};
pub use pdf::{A4_POINTS, PRODUCER, PdfDate, PdfMeta, assemble_pdf};
pub use probe::{ImageInfo, MAX_TEXT_CHUNK, probe};

/// Counts the pages of a PDF by walking its page tree; damaged
/// cross-reference data is rebuilt by scanning, garbage gives an error.
pub fn pdf_page_count(bytes: &[u8]) -> Result<u32, Error> {
    pdf_read::count_pages(bytes)
}
