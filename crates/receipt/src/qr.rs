//! The QR code, drawn as filled rectangles: vector, sharp at any zoom or
//! printer, and a few hundred bytes of content stream.

use pdf_writer::Content;
use qrcode::{Color, EcLevel, QrCode};

use crate::error::Error;

/// The modules of a QR code of `text`, at error correction level M (15 %),
/// the level the app's on-screen code uses.
pub(crate) struct Qr {
    code: QrCode,
}

impl Qr {
    pub(crate) fn new(text: &str) -> Result<Self, Error> {
        QrCode::with_error_correction_level(text, EcLevel::M)
            .map(|code| Self { code })
            .map_err(|_| Error::QrTooLong { len: text.len() })
    }

    /// Modules on a side, without the quiet zone.
    pub(crate) fn width(&self) -> usize {
        self.code.width()
    }

    /// The dark modules as runs along each row: `(row, first column,
    /// length)`, row 0 at the top.
    pub(crate) fn runs(&self) -> Vec<(usize, usize, usize)> {
        let n = self.code.width();
        let mut runs = Vec::new();
        for y in 0..n {
            let mut x = 0;
            while x < n {
                if self.code[(x, y)] == Color::Dark {
                    let start = x;
                    while x < n && self.code[(x, y)] == Color::Dark {
                        x += 1;
                    }
                    runs.push((y, start, x - start));
                } else {
                    x += 1;
                }
            }
        }
        runs
    }

    /// Draws the code with its top-left corner at (`x`, `top`) and `size`
    /// points on a side, in black on the page's white. The caller leaves
    /// the quiet zone (4 modules) free around it.
    pub(crate) fn draw(&self, content: &mut Content, x: f32, top: f32, size: f32) {
        let module = size / self.width() as f32;
        content.save_state();
        content.set_fill_gray(0.0);
        for (row, col, len) in self.runs() {
            content.rect(
                x + col as f32 * module,
                top - (row + 1) as f32 * module,
                len as f32 * module,
                module,
            );
        }
        content.fill_nonzero();
        content.restore_state();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_exactly_the_dark_modules() {
        let qr = Qr::new("000.00.04.H01-261202-0001").expect("fits");
        let n = qr.width();
        let mut painted = vec![false; n * n];
        for (row, col, len) in qr.runs() {
            for x in col..col + len {
                assert!(!painted[row * n + x], "painted twice");
                painted[row * n + x] = true;
            }
        }
        for y in 0..n {
            for x in 0..n {
                assert_eq!(painted[y * n + x], qr.code[(x, y)] == Color::Dark);
            }
        }
    }

    #[test]
    fn too_long_for_a_qr_code() {
        let text = "x".repeat(3000);
        assert_eq!(Qr::new(&text).err(), Some(Error::QrTooLong { len: 3000 }));
    }
}
