//! Photos to an A4 PDF page (issue #4, items 5 and 6), from the file's bytes
//! or from pixels the browser decoded. The page's worker
//! (`www/scan-worker.js`) calls these.

use motcua_scan::{
    ColorMode, Limits, Orientation, PdfMeta, Settings, assemble_pdf, fit_a4, page_from_rgba, probe,
    scan_image,
};
use wasm_bindgen::prelude::*;

/// One scanned page: its JPEG (for the quality check) and the one-page PDF
/// the app would attach.
#[wasm_bindgen]
#[derive(Debug)]
pub struct ScanOutput {
    jpeg: Vec<u8>,
    pdf_len: usize,
    width: u32,
    height: u32,
}

#[wasm_bindgen]
impl ScanOutput {
    /// The page's JPEG, exactly as embedded in the PDF.
    pub fn page_jpeg(&self) -> Vec<u8> {
        self.jpeg.clone()
    }

    /// Size of the PDF in bytes.
    pub fn pdf_len(&self) -> usize {
        self.pdf_len
    }

    /// Page width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Page height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }
}

fn js(e: motcua_scan::Error) -> JsError {
    JsError::new(&e.to_string())
}

fn settings(dpi: u16, quality: u8) -> Settings {
    Settings {
        dpi,
        mode: ColorMode::Color,
        quality,
    }
}

fn finish(page: motcua_scan::PageImage, limits: &Limits) -> Result<ScanOutput, JsError> {
    let meta = PdfMeta {
        title: Some("benchmark".into()),
        created: None,
    };
    let pdf = assemble_pdf(std::slice::from_ref(&page), &meta, limits).map_err(js)?;
    Ok(ScanOutput {
        width: page.width(),
        height: page.height(),
        pdf_len: pdf.bytes.len(),
        jpeg: page.into_jpeg(),
    })
}

/// The whole pipeline on a file's bytes: sniff, probe, decode with the Rust
/// codecs, fit to A4 at `dpi`, orient, encode at `quality`, one-page PDF
/// with its SHA-256.
#[wasm_bindgen]
pub fn scan_file(bytes: &[u8], dpi: u16, quality: u8) -> Result<ScanOutput, JsError> {
    let limits = Limits::default();
    let page = scan_image(bytes, &settings(dpi, quality), &limits).map_err(js)?;
    finish(page, &limits)
}

/// The pipeline from pixels the browser decoded (already upright): fit to
/// A4, encode, one-page PDF.
#[wasm_bindgen]
pub fn scan_rgba(
    rgba: &[u8],
    width: u32,
    height: u32,
    dpi: u16,
    quality: u8,
) -> Result<ScanOutput, JsError> {
    let limits = Limits::default();
    let page = page_from_rgba(
        rgba,
        width,
        height,
        Orientation::Normal,
        &settings(dpi, quality),
        &limits,
    )
    .map_err(js)?;
    finish(page, &limits)
}

/// The page size the pipeline picks for a file, from its headers alone:
/// `[width, height]` of the upright picture fitted to A4 at `dpi`.
#[wasm_bindgen]
pub fn a4_fit(bytes: &[u8], dpi: u16) -> Result<Vec<u32>, JsError> {
    let info = probe(bytes, &Limits::default()).map_err(js)?;
    let (w, h) = info.upright_size();
    let (fw, fh) = fit_a4(w, h, dpi);
    Ok(vec![fw, fh])
}

/// The Rust pipeline's steps one at a time, for the page to time each
/// (decode, resize, encode); a profile, not the app's path.
#[wasm_bindgen]
#[derive(Debug)]
pub struct ScanStages {
    pixels: motcua_scan::stages::Pixels,
}

#[wasm_bindgen]
impl ScanStages {
    /// Probes and decodes `bytes` with the Rust codecs.
    pub fn decode(bytes: &[u8]) -> Result<Self, JsError> {
        let pixels = motcua_scan::stages::decode(bytes, false).map_err(js)?;
        Ok(Self { pixels })
    }

    /// Resizes to the A4 fit at `dpi` (Catmull-Rom, or Lanczos3).
    pub fn resize(&mut self, dpi: u16, lanczos: bool) {
        self.pixels = motcua_scan::stages::resize(&self.pixels, dpi, lanczos);
    }

    /// Encodes as the pipeline does; returns the JPEG's length.
    pub fn encode(&self, quality: u8, dpi: u16) -> Result<usize, JsError> {
        Ok(motcua_scan::stages::encode(&self.pixels, quality, dpi)
            .map_err(js)?
            .len())
    }
}
