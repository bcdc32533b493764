//! Thumbnails of the first page of a PDF a citizen attaches.
//!
//! A PDF the citizen already has (a certificate signed by another office, a
//! scan made elsewhere) is attached byte for byte by the `scan` crate, which
//! only counts its pages and hashes it. The attach screen should still show
//! *which* paper it is, as it does for photos: this crate renders the first
//! page, small, with [hayro](https://docs.rs/hayro) (a pure-Rust PDF
//! rasterizer with the 14 standard fonts built in), and hands it back as a
//! JPEG the page can show in an `<img>`.
//!
//! Rendering is the heaviest code of the app (about 1.7 MB of wasm), so the
//! app runs it in a worker of its own that only citizens who attach a PDF
//! download; a thumbnail is a convenience, and when it cannot be made the
//! attachment is unaffected.
//!
//! ```no_run
//! let pdf = std::fs::read("certificate.pdf")?;
//! let thumb = motcua_preview::first_page(&pdf, 320)?;
//! // An A4 page (595 × 842 points) gives 226 × 320 pixels.
//! std::fs::write("certificate-page-1.jpg", &thumb.jpeg)?;
//! println!("{} pages, first page {}×{}", thumb.pages, thumb.width, thumb.height);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::{LoadPdfError, Pdf};
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{PixmapSettings, RenderCache, RenderSettings, render};
use motcua_protocol::{Lang, LocalizedText};
use mozjpeg_rs::{Encoder, Preset};
use serde::{Deserialize, Serialize};

/// The longest side of the thumbnails the attach screen shows, in pixels
/// (twice the CSS size, for high-density phone screens).
pub const DEFAULT_MAX_SIDE: u32 = 320;
/// The largest `max_side` accepted: a thumbnail, not a page render.
pub const MAX_SIDE: u32 = 2048;
/// JPEG quality of thumbnails: text strokes stay clean at this size.
const QUALITY: u8 = 80;

/// A rendered first page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thumbnail {
    /// The page as a baseline JPEG (white background, sRGB).
    pub jpeg: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Pages in the document, as the renderer read them.
    pub pages: u32,
}

/// Why no thumbnail could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Error {
    /// The bytes do not start like a PDF (`%PDF-` within the first 1 KiB).
    #[error("not a PDF file")]
    NotPdf,
    /// The PDF is encrypted and cannot be opened without its password.
    #[error("the PDF is encrypted")]
    Encrypted,
    /// The renderer could not read the file's structure.
    #[error("the PDF's structure cannot be read")]
    Unreadable,
    /// The document has no page.
    #[error("the PDF has no pages")]
    NoPages,
    /// The first page's size is not usable (zero, negative or absurd).
    #[error("the first page measures {width}x{height} points")]
    PageSize {
        /// Width in points, rounded.
        width: i64,
        /// Height in points, rounded.
        height: i64,
    },
    /// The requested thumbnail size is out of range.
    #[error("thumbnail side of {0} pixels, expected 16 to {MAX_SIDE}")]
    Side(u32),
    /// The renderer failed on this file (a bug in it, caught).
    #[error("the renderer failed on this PDF")]
    Renderer,
    /// The JPEG encoder refused the rendered pixels.
    #[error("the thumbnail could not be encoded: {0}")]
    Encode(String),
}

impl Error {
    /// What to tell the applicant: the attachment itself is fine.
    pub fn message(&self) -> LocalizedText {
        let (vi, en) = match self {
            Self::NotPdf => (
                "Tệp không phải PDF nên không có ảnh xem trước.".to_owned(),
                "The file is not a PDF, so it has no preview.".to_owned(),
            ),
            Self::Encrypted => (
                "PDF được mã hoá bằng mật khẩu nên không xem trước được; tệp vẫn được đính kèm nguyên vẹn.".to_owned(),
                "The PDF is password-protected, so it cannot be previewed; it is still attached unchanged.".to_owned(),
            ),
            Self::Unreadable | Self::Renderer => (
                "Không dựng được trang đầu của PDF để xem trước; tệp vẫn được đính kèm nguyên vẹn.".to_owned(),
                "The PDF's first page could not be drawn for a preview; the file is still attached unchanged.".to_owned(),
            ),
            Self::NoPages => (
                "PDF không có trang nào.".to_owned(),
                "The PDF has no pages.".to_owned(),
            ),
            Self::PageSize { width, height } => (
                format!("Trang đầu của PDF có kích thước không hợp lệ ({width} × {height} điểm)."),
                format!("The PDF's first page has an invalid size ({width} × {height} points)."),
            ),
            Self::Side(side) => (
                format!("Kích thước ảnh xem trước {side} điểm ảnh không hợp lệ (16 đến {MAX_SIDE})."),
                format!("A preview of {side} pixels is out of range (16 to {MAX_SIDE})."),
            ),
            Self::Encode(detail) => (
                format!("Không tạo được ảnh xem trước ({detail})."),
                format!("The preview could not be made ({detail})."),
            ),
        };
        LocalizedText::new(vi, en)
    }

    /// [`Error::message`] in one language.
    pub fn message_in(&self, lang: Lang) -> String {
        self.message().get(lang).to_owned()
    }
}

/// Renders the first page of `pdf` so that its longer side is `max_side`
/// pixels, with the page's crop box and `/Rotate` applied.
///
/// The same bytes always give the same thumbnail.
pub fn first_page(pdf: &[u8], max_side: u32) -> Result<Thumbnail, Error> {
    if !(16..=MAX_SIDE).contains(&max_side) {
        return Err(Error::Side(max_side));
    }
    let head = &pdf[..pdf.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(Error::NotPdf);
    }
    // hayro forbids unsafe code and is fuzzed, but a panic on a hostile file
    // must not take the caller down where unwinding exists (natively).
    catch_unwind(AssertUnwindSafe(|| render_first(pdf, max_side))).unwrap_or(Err(Error::Renderer))
}

fn render_first(bytes: &[u8], max_side: u32) -> Result<Thumbnail, Error> {
    let pdf = Pdf::new(bytes.to_vec()).map_err(|err| match err {
        LoadPdfError::Decryption(_) => Error::Encrypted,
        LoadPdfError::Invalid => Error::Unreadable,
    })?;
    let pages = pdf.pages();
    let page = pages.first().ok_or(Error::NoPages)?;
    let (width, height) = page.render_dimensions();
    let usable = |v: f32| v.is_finite() && (1.0..=14_400.0 * 8.0).contains(&v);
    if !usable(width) || !usable(height) {
        return Err(Error::PageSize {
            width: width as i64,
            height: height as i64,
        });
    }
    let scale = max_side as f32 / width.max(height);
    // The renderer truncates; a very long and thin page keeps one pixel.
    let scale_x = scale.max(1.0 / width);
    let scale_y = scale.max(1.0 / height);
    let pixmap = render(
        page,
        &RenderCache::new(),
        &InterpreterSettings::default(),
        &RenderSettings::default(),
        &PixmapSettings {
            x_scale: scale_x,
            y_scale: scale_y,
            bg_color: WHITE,
        },
    );
    let (w, h) = (pixmap.width(), pixmap.height());
    if w == 0 || h == 0 {
        return Err(Error::PageSize {
            width: width as i64,
            height: height as i64,
        });
    }
    // On an opaque white background every pixel has alpha 255, so the
    // premultiplied samples are the plain ones.
    let rgb: Vec<u8> = pixmap
        .data_as_u8_slice()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let jpeg = Encoder::new(Preset::BaselineFastest)
        .quality(QUALITY)
        .encode_rgb(&rgb, u32::from(w), u32::from(h))
        .map_err(|e| Error::Encode(e.to_string()))?;
    Ok(Thumbnail {
        jpeg,
        width: u32::from(w),
        height: u32::from(h),
        pages: u32::try_from(pages.len()).unwrap_or(u32::MAX),
    })
}
