//! The one error type of this crate, and its messages for people.

use motcua_protocol::{Lang, LocalizedText};
use serde::{Deserialize, Serialize};

use crate::media::MediaType;

/// Why a file was refused or a page could not be made.
///
/// Every variant carries the offending values, so that [`Error::message`] can
/// tell the applicant what was wrong in Vietnamese or English. The type is
/// serializable so that a web worker can hand it to the page unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Error {
    /// The file has no bytes at all.
    #[error("empty file")]
    Empty,
    /// The magic bytes are not those of JPEG, PNG, WebP or PDF.
    #[error("unsupported file type: found {found}, expected JPEG, PNG, WebP or PDF")]
    UnknownType {
        /// What the bytes look like, e.g. "a HEIC/HEIF photo".
        found: String,
    },
    /// The dossier component does not accept what this file would become.
    #[error("{media_type} is not accepted here, expected one of {accept:?}")]
    NotAccepted {
        /// The type of the attachment that would be produced.
        media_type: MediaType,
        /// What the component accepts.
        accept: Vec<MediaType>,
    },
    /// An input file is larger than allowed, checked before reading it.
    #[error("file of {bytes} bytes is larger than the limit of {max} bytes")]
    FileTooLarge {
        /// Size of the file.
        bytes: u64,
        /// The limit.
        max: u64,
    },
    /// The image's header declares more pixels than allowed (a decompression
    /// bomb, or a photo too large to handle); refused before decoding.
    #[error("image of {width}x{height} pixels is over the limit of {max} pixels")]
    TooManyPixels {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// The limit, in pixels.
        max: u64,
    },
    /// The image's header declares a zero width or height.
    #[error("image declares {width}x{height} pixels, expected both above zero")]
    ZeroSize {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
    },
    /// Compressed metadata inflates beyond what any real file holds (a
    /// metadata decompression bomb, e.g. PNG zTXt).
    #[error("{chunk} metadata inflates beyond the limit of {limit} bytes")]
    MetadataBomb {
        /// The offending chunk, e.g. "PNG zTXt".
        chunk: String,
        /// The limit, in inflated bytes.
        limit: u64,
    },
    /// The file ends before its data does (an interrupted copy or upload).
    #[error("truncated {media_type} file: {detail}")]
    Truncated {
        /// The type the file claims to be.
        media_type: MediaType,
        /// What was missing.
        detail: String,
    },
    /// The file's structure or data is damaged.
    #[error("malformed {media_type} file: {detail}")]
    Malformed {
        /// The type the file claims to be.
        media_type: MediaType,
        /// What the reader found wrong.
        detail: String,
    },
    /// A valid file using a feature this crate does not read (arithmetic-coded
    /// or lossless JPEG, animated WebP, an encrypted PDF's hidden page tree).
    #[error("unsupported {media_type} feature: {detail}")]
    Unsupported {
        /// The type of the file.
        media_type: MediaType,
        /// The feature.
        detail: String,
    },
    /// More pages than the component allows.
    #[error("{pages} pages is over the limit of {max}")]
    TooManyPages {
        /// Pages in the attachment, or requested.
        pages: u64,
        /// The limit.
        max: u32,
    },
    /// The produced (or given) attachment is larger than allowed.
    #[error("attachment of {bytes} bytes is over the limit of {max} bytes")]
    AttachmentTooLarge {
        /// Size of the attachment.
        bytes: u64,
        /// The limit.
        max: u64,
    },
    /// Adding the attachment would take the dossier over its total size.
    #[error("dossier would hold {total} bytes, over the limit of {max} bytes")]
    DossierTooLarge {
        /// The dossier's total with this attachment.
        total: u64,
        /// The limit.
        max: u64,
    },
    /// A PDF was asked for with no pages.
    #[error("no pages to put in the PDF")]
    NoPages,
    /// Caller misuse: a pixel buffer whose length does not match its size.
    #[error(
        "pixel buffer of {len} bytes does not hold {width}x{height} RGBA pixels ({expected} bytes)"
    )]
    PixelBuffer {
        /// Width given.
        width: u32,
        /// Height given.
        height: u32,
        /// Length of the buffer.
        len: u64,
        /// Length expected, `width * height * 4`.
        expected: u64,
    },
    /// Caller misuse: a setting out of its range.
    #[error("invalid setting {name} = {value}, expected {expected}")]
    Setting {
        /// Which setting ("dpi", "quality").
        name: String,
        /// The value given.
        value: u32,
        /// The allowed range.
        expected: String,
    },
}

impl Error {
    /// A stable code naming the variant, for logs and machine-readable output.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::UnknownType { .. } => "unknown_type",
            Self::NotAccepted { .. } => "not_accepted",
            Self::FileTooLarge { .. } => "file_too_large",
            Self::TooManyPixels { .. } => "too_many_pixels",
            Self::ZeroSize { .. } => "zero_size",
            Self::MetadataBomb { .. } => "metadata_bomb",
            Self::Truncated { .. } => "truncated",
            Self::Malformed { .. } => "malformed",
            Self::Unsupported { .. } => "unsupported",
            Self::TooManyPages { .. } => "too_many_pages",
            Self::AttachmentTooLarge { .. } => "attachment_too_large",
            Self::DossierTooLarge { .. } => "dossier_too_large",
            Self::NoPages => "no_pages",
            Self::PixelBuffer { .. } => "pixel_buffer",
            Self::Setting { .. } => "setting",
        }
    }

    /// Whether the caller, not the file, is at fault.
    pub fn is_misuse(&self) -> bool {
        matches!(self, Self::PixelBuffer { .. } | Self::Setting { .. })
    }

    /// The message shown to the applicant, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        self.localized().get(lang).to_owned()
    }

    /// The message shown to the applicant, in Vietnamese and English.
    pub fn localized(&self) -> LocalizedText {
        fn t(vi: impl Into<String>, en: impl Into<String>) -> LocalizedText {
            LocalizedText::new(vi, en)
        }
        match self {
            Self::Empty => t("Tệp trống, không có dữ liệu.", "The file is empty."),
            Self::UnknownType { found } => t(
                format!(
                    "Không nhận loại tệp này ({}). Hãy chọn ảnh JPEG, PNG, WebP hoặc tệp PDF.",
                    found_vi(found)
                ),
                format!(
                    "This kind of file is not accepted ({found}). Choose a JPEG, PNG or WebP photo, or a PDF."
                ),
            ),
            Self::NotAccepted { media_type, accept } => {
                let list: Vec<&str> = accept.iter().map(|m| m.label()).collect();
                t(
                    format!(
                        "Thành phần hồ sơ này không nhận tệp {media_type}; chỉ nhận: {}.",
                        list.join(", ")
                    ),
                    format!(
                        "This dossier component does not accept {media_type}; it accepts: {}.",
                        list.join(", ")
                    ),
                )
            }
            Self::FileTooLarge { bytes, max } => t(
                format!(
                    "Tệp quá lớn ({}); tối đa {}.",
                    size(Lang::Vi, *bytes),
                    size(Lang::Vi, *max)
                ),
                format!(
                    "The file is too large ({}); the limit is {}.",
                    size(Lang::En, *bytes),
                    size(Lang::En, *max)
                ),
            ),
            Self::TooManyPixels { width, height, max } => t(
                format!(
                    "Ảnh quá lớn: {width} × {height} điểm ảnh ({} MP), tối đa {} MP. Hãy chụp lại với độ phân giải thấp hơn.",
                    mp(u64::from(*width) * u64::from(*height)),
                    mp(*max)
                ),
                format!(
                    "The image is too large: {width} × {height} pixels ({} MP), the limit is {} MP. Take the photo again at a lower resolution.",
                    mp(u64::from(*width) * u64::from(*height)),
                    mp(*max)
                ),
            ),
            Self::ZeroSize { width, height } => t(
                format!("Ảnh bị hỏng: kích thước khai báo {width} × {height} điểm ảnh."),
                format!("The image is damaged: it declares {width} × {height} pixels."),
            ),
            Self::MetadataBomb { chunk, .. } => t(
                format!(
                    "Tệp bị từ chối: phần siêu dữ liệu ({chunk}) giải nén ra quá lớn, có thể là tệp độc hại."
                ),
                format!(
                    "The file is refused: its metadata ({chunk}) inflates to an unreasonable size, it may be malicious."
                ),
            ),
            Self::Truncated { media_type, .. } => t(
                format!("Tệp {media_type} bị cắt cụt (thiếu phần cuối). Hãy chép hoặc chụp lại."),
                format!(
                    "The {media_type} file is cut short (its end is missing). Copy or take it again."
                ),
            ),
            Self::Malformed { media_type, detail } => t(
                format!("Tệp {media_type} bị hỏng, không đọc được ({detail})."),
                format!("The {media_type} file is damaged and cannot be read ({detail})."),
            ),
            Self::Unsupported { media_type, detail } => t(
                format!(
                    "Tệp {media_type} dùng tính năng chưa hỗ trợ ({detail}). Hãy lưu lại ở dạng thông thường."
                ),
                format!(
                    "The {media_type} file uses a feature that is not supported ({detail}). Save it again in a common form."
                ),
            ),
            Self::TooManyPages { pages, max } => t(
                format!("Quá nhiều trang: {pages} trang, tối đa {max} trang."),
                format!("Too many pages: {pages}, the limit is {max}."),
            ),
            Self::AttachmentTooLarge { bytes, max } => t(
                format!(
                    "Tệp đính kèm quá lớn ({}); tối đa {}. Hãy bớt trang hoặc chọn chất lượng thấp hơn.",
                    size(Lang::Vi, *bytes),
                    size(Lang::Vi, *max)
                ),
                format!(
                    "The attachment is too large ({}); the limit is {}. Remove pages or choose a lower quality.",
                    size(Lang::En, *bytes),
                    size(Lang::En, *max)
                ),
            ),
            Self::DossierTooLarge { total, max } => t(
                format!(
                    "Tổng dung lượng hồ sơ sẽ là {}, vượt giới hạn {}.",
                    size(Lang::Vi, *total),
                    size(Lang::Vi, *max)
                ),
                format!(
                    "The dossier would total {}, over the limit of {}.",
                    size(Lang::En, *total),
                    size(Lang::En, *max)
                ),
            ),
            Self::NoPages => t("Chưa có trang nào.", "There are no pages yet."),
            Self::PixelBuffer { .. } | Self::Setting { .. } => t(
                format!("Lỗi nội bộ của ứng dụng: {self}."),
                format!("Internal error in the application: {self}."),
            ),
        }
    }
}

/// Translates the descriptions `sniff` gives of unsupported files.
fn found_vi(found: &str) -> String {
    let known = [
        ("a GIF image", "ảnh GIF"),
        ("a BMP image", "ảnh BMP"),
        ("a TIFF image", "ảnh TIFF"),
        (
            "a ZIP archive (or a DOCX, XLSX or ODT document)",
            "tệp nén ZIP hoặc tài liệu DOCX, XLSX, ODT",
        ),
        (
            "a Microsoft Office 97-2003 document",
            "tài liệu Microsoft Office 97-2003",
        ),
        ("an RTF document", "tài liệu RTF"),
        ("a damaged JPEG image", "ảnh JPEG bị hỏng"),
        ("a damaged PNG image", "ảnh PNG bị hỏng"),
        (
            "a RIFF file that is not WebP (audio or video)",
            "tệp âm thanh hoặc video RIFF",
        ),
        ("a JPEG 2000 image", "ảnh JPEG 2000"),
        ("a JPEG XL image", "ảnh JPEG XL"),
        ("a RAR archive", "tệp nén RAR"),
        ("a 7-Zip archive", "tệp nén 7-Zip"),
        ("a gzip archive", "tệp nén gzip"),
        ("an SVG drawing", "hình vẽ SVG"),
        ("an XML document", "tài liệu XML"),
        (
            "a HEIC/HEIF photo",
            "ảnh HEIC/HEIF; hãy đặt máy ảnh lưu JPEG",
        ),
        ("an AVIF image", "ảnh AVIF"),
        ("a QuickTime video", "video QuickTime"),
        ("an MP4 video or other ISO media file", "video MP4"),
        ("plain text", "văn bản thuần"),
    ];
    for (en, vi) in known {
        if found == en {
            return vi.to_owned();
        }
    }
    found.replace(
        "unknown data beginning with bytes",
        "dữ liệu lạ bắt đầu bằng các byte",
    )
}

/// A size for people: bytes, KB or MB (powers of 1000), with the decimal
/// separator of `lang` (Vietnamese writes 1,5 MB).
fn size(lang: Lang, bytes: u64) -> String {
    let (value, unit) = if bytes >= 1_000_000 {
        (bytes as f64 / 1e6, "MB")
    } else if bytes >= 1_000 {
        (bytes as f64 / 1e3, "KB")
    } else {
        return match lang {
            Lang::Vi => format!("{bytes} byte"),
            Lang::En => format!("{bytes} bytes"),
        };
    };
    let text = format!("{value:.1} {unit}");
    match lang {
        Lang::Vi => text.replace('.', ","),
        Lang::En => text,
    }
}

/// Megapixels, one decimal.
fn mp(pixels: u64) -> String {
    format!("{:.1}", pixels as f64 / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_in_both_languages() {
        let e = Error::TooManyPixels {
            width: 64250,
            height: 64250,
            max: 100_000_000,
        };
        assert!(
            e.message(Lang::Vi).contains("Ảnh quá lớn"),
            "{}",
            e.message(Lang::Vi)
        );
        assert!(
            e.message(Lang::En).contains("4128.1 MP"),
            "{}",
            e.message(Lang::En)
        );
        assert_eq!(
            e.to_string(),
            "image of 64250x64250 pixels is over the limit of 100000000 pixels"
        );
        let e = Error::AttachmentTooLarge {
            bytes: 1_500_000,
            max: 1_000_000,
        };
        assert!(
            e.message(Lang::Vi).contains("1,5 MB"),
            "{}",
            e.message(Lang::Vi)
        );
        assert!(
            e.message(Lang::En).contains("1.5 MB"),
            "{}",
            e.message(Lang::En)
        );
    }

    #[test]
    fn heic_gets_advice() {
        let e = Error::UnknownType {
            found: "a HEIC/HEIF photo".into(),
        };
        assert!(e.message(Lang::Vi).contains("HEIC"));
        assert!(e.message(Lang::En).contains("HEIC"));
    }
}
