//! Why a slip could not be made.

use motcua_protocol::{Lang, LocalizedText};

/// Why [`render`](crate::render) gave no PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The font bytes are not a TrueType font (a wrong or truncated file:
    /// an error page served instead of the font, say).
    #[error("the font is not a readable TrueType font: {0}")]
    Font(ttf_parser::FaceParsingError),
    /// The QR code's text is longer than a QR code holds at error
    /// correction level M (2,331 bytes).
    #[error("the QR code text is {len} bytes, more than a QR code holds")]
    QrTooLong {
        /// Its length in bytes.
        len: usize,
    },
}

impl Error {
    /// A message for the citizen, in Vietnamese and English.
    pub fn localized(&self) -> LocalizedText {
        match self {
            Self::Font(_) => LocalizedText::new(
                "Không đọc được phông chữ của giấy tiếp nhận. Hãy tải lại trang rồi thử lại.",
                "The receipt's font could not be read. Reload the page and try again.",
            ),
            Self::QrTooLong { len } => LocalizedText::new(
                format!("Nội dung mã QR dài {len} byte, quá sức chứa của một mã QR."),
                format!("The QR code's text is {len} bytes, more than a QR code holds."),
            ),
        }
    }

    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        self.localized().get(lang).to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_in_both_languages() {
        for error in [
            Error::Font(ttf_parser::FaceParsingError::UnknownMagic),
            Error::QrTooLong { len: 3000 },
        ] {
            let text = error.localized();
            assert!(!text.vi.is_empty() && !text.en.is_empty());
            assert_ne!(text.vi, text.en);
        }
        assert!(
            Error::QrTooLong { len: 3000 }
                .message(Lang::Vi)
                .contains("3000")
        );
    }
}
