//! Media types and sniffing them from the first bytes of a file.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The kinds of file this crate reads. Photos become PDF pages; PDFs are kept as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MediaType {
    /// JPEG (ISO/IEC 10918-1, JFIF or Exif), `image/jpeg`.
    #[serde(rename = "image/jpeg")]
    Jpeg,
    /// PNG (ISO/IEC 15948), `image/png`.
    #[serde(rename = "image/png")]
    Png,
    /// WebP (RFC 9649), `image/webp`.
    #[serde(rename = "image/webp")]
    Webp,
    /// PDF (ISO 32000), `application/pdf`.
    #[serde(rename = "application/pdf")]
    Pdf,
}

impl MediaType {
    /// The IANA media type, e.g. `image/jpeg`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Pdf => "application/pdf",
        }
    }

    /// Parses an IANA media type; `None` for types this crate does not read.
    pub fn from_media_type(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "image/jpeg" | "image/jpg" => Some(Self::Jpeg),
            "image/png" => Some(Self::Png),
            "image/webp" => Some(Self::Webp),
            "application/pdf" => Some(Self::Pdf),
            _ => None,
        }
    }

    /// Whether this is a picture (becomes a page) rather than a PDF (kept as is).
    pub fn is_image(self) -> bool {
        !matches!(self, Self::Pdf)
    }

    /// A short name for messages: `JPEG`, `PNG`, `WebP`, `PDF`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Jpeg => "JPEG",
            Self::Png => "PNG",
            Self::Webp => "WebP",
            Self::Pdf => "PDF",
        }
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How far into the file a PDF header may start. ISO 32000-2 wants it at
/// byte 0, but readers (Acrobat, pdf.js) accept it within the first 1024 bytes.
const PDF_HEADER_WINDOW: usize = 1024;

/// Tells the type of a file by its magic bytes, never by its name.
///
/// Anything but JPEG, PNG, WebP and PDF is refused with [`Error::UnknownType`],
/// whose `found` names what the bytes look like (a HEIC photo, a ZIP archive…).
///
/// ```
/// use motcua_scan::{sniff, MediaType};
///
/// assert_eq!(sniff(b"%PDF-1.7\n")?, MediaType::Pdf);
/// assert!(sniff(b"GIF89a....").is_err());
/// # Ok::<(), motcua_scan::Error>(())
/// ```
pub fn sniff(bytes: &[u8]) -> Result<MediaType, Error> {
    if bytes.is_empty() {
        return Err(Error::Empty);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(MediaType::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(MediaType::Png);
    }
    if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Ok(MediaType::Webp);
    }
    let window = &bytes[..bytes.len().min(PDF_HEADER_WINDOW)];
    if find(window, b"%PDF-").is_some() {
        return Ok(MediaType::Pdf);
    }
    Err(Error::UnknownType {
        found: describe(bytes),
    })
}

/// Names what an unsupported file looks like, for the refusal message.
fn describe(b: &[u8]) -> String {
    let known: &[(&[u8], usize, &str)] = &[
        (b"GIF87a", 0, "a GIF image"),
        (b"GIF89a", 0, "a GIF image"),
        (b"BM", 0, "a BMP image"),
        (b"II*\0", 0, "a TIFF image"),
        (b"MM\0*", 0, "a TIFF image"),
        (
            b"PK\x03\x04",
            0,
            "a ZIP archive (or a DOCX, XLSX or ODT document)",
        ),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            0,
            "a Microsoft Office 97-2003 document",
        ),
        (b"{\\rtf", 0, "an RTF document"),
        (b"\xFF\xD8", 0, "a damaged JPEG image"),
        (b"\x89PNG", 0, "a damaged PNG image"),
        (b"RIFF", 0, "a RIFF file that is not WebP (audio or video)"),
        (b"\x00\x00\x00\x0CjP  ", 0, "a JPEG 2000 image"),
        (b"\xFF\x0A", 0, "a JPEG XL image"),
        (b"Rar!", 0, "a RAR archive"),
        (b"7z\xBC\xAF\x27\x1C", 0, "a 7-Zip archive"),
        (b"\x1F\x8B", 0, "a gzip archive"),
        (b"<svg", 0, "an SVG drawing"),
        (b"<?xml", 0, "an XML document"),
    ];
    for (magic, at, name) in known {
        if b.len() >= at + magic.len() && &b[*at..at + magic.len()] == *magic {
            return (*name).to_owned();
        }
    }
    // ISO base media files: HEIC/HEIF from phones, AVIF, MP4 and MOV.
    if b.len() >= 12 && &b[4..8] == b"ftyp" {
        let brand = &b[8..12];
        let name = match brand {
            b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1" => {
                "a HEIC/HEIF photo"
            }
            b"avif" | b"avis" => "an AVIF image",
            b"qt  " => "a QuickTime video",
            _ => "an MP4 video or other ISO media file",
        };
        return name.to_owned();
    }
    if b.iter()
        .take(512)
        .all(|&c| c == b'\t' || c == b'\n' || c == b'\r' || (0x20..0x7F).contains(&c))
    {
        return "plain text".to_owned();
    }
    let hex: Vec<String> = b.iter().take(8).map(|c| format!("{c:02X}")).collect();
    format!("unknown data beginning with bytes {}", hex.join(" "))
}

/// The position of the first occurrence of `needle` in `hay`.
pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The position of the last occurrence of `needle` in `hay`.
pub(crate) fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_four_types() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Ok(MediaType::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0"), Ok(MediaType::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Ok(MediaType::Webp));
        assert_eq!(sniff(b"%PDF-1.4"), Ok(MediaType::Pdf));
        assert_eq!(sniff(b"\r\n%PDF-1.4"), Ok(MediaType::Pdf));
    }

    #[test]
    fn names_what_it_refuses() {
        let found = |b: &[u8]| match sniff(b) {
            Err(Error::UnknownType { found }) => found,
            other => panic!("{other:?}"),
        };
        assert_eq!(found(b"GIF89a\x01\x00"), "a GIF image");
        assert_eq!(found(b"\0\0\0\x18ftypheic\0\0\0\0"), "a HEIC/HEIF photo");
        assert_eq!(
            found(b"PK\x03\x04rest"),
            "a ZIP archive (or a DOCX, XLSX or ODT document)"
        );
        assert_eq!(found(b"hello world"), "plain text");
        assert_eq!(
            found(&[0, 1, 2, 3]),
            "unknown data beginning with bytes 00 01 02 03"
        );
        assert_eq!(sniff(b""), Err(Error::Empty));
    }

    #[test]
    fn media_type_spellings() {
        for t in [
            MediaType::Jpeg,
            MediaType::Png,
            MediaType::Webp,
            MediaType::Pdf,
        ] {
            assert_eq!(MediaType::from_media_type(t.as_str()), Some(t));
        }
        assert_eq!(MediaType::from_media_type("image/gif"), None);
    }
}
