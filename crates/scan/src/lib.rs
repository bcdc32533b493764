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
pub use hash::{HASH_CHUNK, Sha256, Sha256Hasher, sha256, sha256_with_progress};
pub use limits::{DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_PIXELS, Limits};
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

/// The pipeline's steps one at a time, for the benchmarks and measurement
/// tools of this crate. Not a stable interface: use [`scan_image`].
#[doc(hidden)]
pub mod stages {
    use crate::{Error, Limits, decode, encode, fit, probe};

    /// Decoded pixels: width, height, channels (1 or 3), samples.
    pub type Pixels = (u32, u32, usize, Vec<u8>);

    /// Probe and decode, to gray when `gray`.
    pub fn decode(bytes: &[u8], gray: bool) -> Result<Pixels, Error> {
        let info = probe(bytes, &Limits::default())?;
        let r = decode::decode(bytes, &info, gray || info.gray)?;
        Ok((r.width, r.height, r.channels, r.data))
    }

    /// Resize to the A4 fit at `dpi` (no orientation), with the default
    /// filter or Lanczos3.
    pub fn resize(p: &Pixels, dpi: u16, lanczos: bool) -> Pixels {
        let (w, h) = fit::fit_a4(p.0, p.1, dpi);
        let filter = if lanczos {
            fast_image_resize::FilterType::Lanczos3
        } else {
            fast_image_resize::FilterType::CatmullRom
        };
        let r = fit::resize_with(&p.3, p.0, p.1, p.2, w, h, filter);
        (r.width, r.height, r.channels, r.data)
    }

    /// Encode as the pipeline does.
    pub fn encode(p: &Pixels, quality: u8, dpi: u16) -> Result<Vec<u8>, Error> {
        encode::encode_pixels(&p.3, p.0, p.1, p.2, quality, dpi)
    }
}
