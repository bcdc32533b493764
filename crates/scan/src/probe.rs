//! Reading an image's headers: type, size and orientation, before any pixel
//! is decoded, so that limits are checked before memory is spent.

use std::io::Cursor;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::limits::Limits;
use crate::media::{self, MediaType};
use crate::orientation::{Orientation, read_exif_orientation};

/// What the headers of an image say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageInfo {
    /// The type, from the magic bytes.
    pub media_type: MediaType,
    /// Stored width in pixels (before orientation).
    pub width: u32,
    /// Stored height in pixels (before orientation).
    pub height: u32,
    /// How to turn the stored pixels upright.
    pub orientation: Orientation,
    /// Whether the pixels are stored as gray levels only.
    pub gray: bool,
}

impl ImageInfo {
    /// Width and height as shown upright.
    pub fn upright_size(&self) -> (u32, u32) {
        self.orientation.upright_size(self.width, self.height)
    }

    /// The pixel count.
    pub fn pixels(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }
}

/// Most bytes one compressed PNG text chunk may inflate to. Pillow uses the
/// same bound (`ImageFile.SAFEBLOCK`, 1 MiB); real captions are far smaller.
pub const MAX_TEXT_CHUNK: u64 = 1 << 20;
/// Most bytes all compressed PNG text chunks together may inflate to, which
/// also bounds the work spent checking them.
const MAX_TEXT_TOTAL: u64 = 4 << 20;

/// Reads an image's type, size and orientation from its headers and checks
/// them against `limits`, without decoding pixels: a decompression bomb is
/// refused here having cost a few kilobytes.
pub fn probe(bytes: &[u8], limits: &Limits) -> Result<ImageInfo, Error> {
    limits.check_input_bytes(bytes.len() as u64)?;
    let media_type = media::sniff(bytes)?;
    let info = match media_type {
        MediaType::Jpeg => probe_jpeg(bytes)?,
        MediaType::Png => probe_png(bytes)?,
        MediaType::Webp => probe_webp(bytes)?,
        MediaType::Pdf => {
            return Err(Error::Unsupported {
                media_type,
                detail: "a PDF is attached as it is, not turned into a page".into(),
            });
        }
    };
    if info.width == 0 || info.height == 0 {
        return Err(Error::ZeroSize {
            width: info.width,
            height: info.height,
        });
    }
    limits.check_pixels(info.width, info.height)?;
    Ok(info)
}

fn truncated(media_type: MediaType, detail: &str) -> Error {
    Error::Truncated {
        media_type,
        detail: detail.to_owned(),
    }
}

fn malformed(media_type: MediaType, detail: impl Into<String>) -> Error {
    Error::Malformed {
        media_type,
        detail: detail.into(),
    }
}

/// Walks the JPEG marker segments up to the first scan (ITU-T T.81 §B.1).
fn probe_jpeg(b: &[u8]) -> Result<ImageInfo, Error> {
    const T: MediaType = MediaType::Jpeg;
    let mut pos = 2;
    let mut orientation = None;
    let mut frame: Option<(u32, u32, u8)> = None;
    let mut subsampled = false;
    loop {
        // Find the next marker; bytes before it are tolerated, as libjpeg
        // does ("extraneous bytes before marker").
        while pos < b.len() && b[pos] != 0xFF {
            pos += 1;
        }
        while pos < b.len() && b[pos] == 0xFF {
            pos += 1;
        }
        let Some(&marker) = b.get(pos) else {
            return Err(truncated(
                T,
                if frame.is_some() {
                    "the file ends before the image data"
                } else {
                    "the file ends before the frame header"
                },
            ));
        };
        pos += 1;
        match marker {
            // Stand-alone markers: TEM, RSTn, a second SOI.
            0x01 | 0xD0..=0xD8 => continue,
            0xD9 => return Err(malformed(T, "end of image before any image data")),
            _ => {}
        }
        let len = match b.get(pos..pos + 2) {
            Some(l) => usize::from(u16::from_be_bytes([l[0], l[1]])),
            None => return Err(truncated(T, "the file ends inside a header")),
        };
        if len < 2 {
            return Err(malformed(T, format!("marker segment length {len}")));
        }
        let Some(seg) = b.get(pos + 2..pos + len) else {
            return Err(truncated(T, "the file ends inside a header"));
        };
        match marker {
            0xE1 if orientation.is_none() && seg.starts_with(b"Exif\0\0") => {
                // Unreadable EXIF counts as upright (see read_exif_orientation).
                orientation = Some(read_exif_orientation(seg).unwrap_or_default());
            }
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                if !matches!(marker, 0xC0..=0xC2) {
                    return Err(Error::Unsupported {
                        media_type: T,
                        detail: format!(
                            "{} coding (SOF{})",
                            if marker >= 0xC9 {
                                "arithmetic"
                            } else {
                                "lossless or hierarchical"
                            },
                            marker - 0xC0
                        ),
                    });
                }
                if seg.len() < 6 {
                    return Err(malformed(T, "frame header too short"));
                }
                let height = u32::from(u16::from_be_bytes([seg[1], seg[2]]));
                let width = u32::from(u16::from_be_bytes([seg[3], seg[4]]));
                // A zero height would be set later by a DNL marker, which
                // no camera writes; refuse both zeros right here.
                if width == 0 || height == 0 {
                    return Err(Error::ZeroSize { width, height });
                }
                frame = Some((width, height, seg[5]));
                subsampled = seg
                    .get(6..)
                    .unwrap_or_default()
                    .chunks_exact(3)
                    .take(usize::from(seg[5]))
                    .any(|c| c[1] != 0x11)
                    && marker != 0xC2;
            }
            0xDA => {
                let Some((width, height, components)) = frame else {
                    return Err(malformed(T, "image data before the frame header"));
                };
                // A sequential file whose first scan lacks components needs
                // the whole image's coefficients buffered; zune-jpeg 0.5
                // decodes that wrongly when chroma is subsampled (docs/scan.md).
                if subsampled && seg.first().is_some_and(|&n| n < components) {
                    return Err(Error::Unsupported {
                        media_type: T,
                        detail: "subsampled sequential JPEG with one scan per component".into(),
                    });
                }
                // Entropy-coded data never holds FF D9 (FF is stuffed as FF 00),
                // so its absence after the first scan means the end is missing.
                if media::find(&b[pos..], &[0xFF, 0xD9]).is_none() {
                    return Err(truncated(T, "no end-of-image marker after the image data"));
                }
                return Ok(ImageInfo {
                    media_type: T,
                    width,
                    height,
                    orientation: orientation.unwrap_or_default(),
                    gray: components == 1,
                });
            }
            _ => {}
        }
        pos += len;
    }
}

/// The component count of a JPEG's frame header, if one is found before the
/// first scan.
pub(crate) fn jpeg_components(b: &[u8]) -> Option<u8> {
    let mut pos = 2;
    loop {
        while *b.get(pos)? != 0xFF {
            pos += 1;
        }
        while *b.get(pos)? == 0xFF {
            pos += 1;
        }
        let marker = *b.get(pos)?;
        pos += 1;
        if matches!(marker, 0x01 | 0xD0..=0xD8) {
            continue;
        }
        if matches!(marker, 0xD9 | 0xDA) {
            return None;
        }
        let len = usize::from(u16::from_be_bytes([*b.get(pos)?, *b.get(pos + 1)?]));
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            return b.get(pos + 7).copied();
        }
        pos += len.max(2);
    }
}

/// Walks the PNG chunks (ISO/IEC 15948 §5.3): IHDR for the size, eXIf for the
/// orientation, and every compressed text chunk inflated against a bound.
fn probe_png(b: &[u8]) -> Result<ImageInfo, Error> {
    const T: MediaType = MediaType::Png;
    let mut pos = 8;
    let mut header: Option<(u32, u32, u8)> = None;
    let mut orientation = None;
    let mut text_total = 0u64;
    let mut seen_idat = false;
    loop {
        let Some(h) = b.get(pos..pos + 8) else {
            return Err(truncated(
                T,
                if seen_idat {
                    "no end chunk (IEND)"
                } else {
                    "the file ends before the image data"
                },
            ));
        };
        let len = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as usize;
        let kind = [h[4], h[5], h[6], h[7]];
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(malformed(T, format!("invalid chunk type {:02X?}", kind)));
        }
        if header.is_none() && &kind != b"IHDR" {
            return Err(malformed(
                T,
                "the first chunk is not the image header (IHDR)",
            ));
        }
        let Some(data) = pos
            .checked_add(8)
            .and_then(|s| b.get(s..s.checked_add(len)?))
        else {
            return Err(truncated(
                T,
                &format!(
                    "the file ends inside a {} chunk",
                    String::from_utf8_lossy(&kind)
                ),
            ));
        };
        match &kind {
            b"IHDR" => {
                if len != 13 {
                    return Err(malformed(
                        T,
                        format!("image header of {len} bytes, expected 13"),
                    ));
                }
                let width = u32::from_be_bytes([data[0], data[1], data[2], data[3]]);
                let height = u32::from_be_bytes([data[4], data[5], data[6], data[7]]);
                if width > i32::MAX as u32 || height > i32::MAX as u32 {
                    return Err(malformed(T, format!("size {width}x{height} out of range")));
                }
                header = Some((width, height, data[9]));
            }
            b"eXIf" if orientation.is_none() => {
                orientation = Some(read_exif_orientation(data).unwrap_or_default());
            }
            b"zTXt" | b"iTXt" => {
                if let Some(compressed) = compressed_text(&kind, data) {
                    let limit = MAX_TEXT_CHUNK.min(MAX_TEXT_TOTAL - text_total);
                    match miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(
                        compressed,
                        limit as usize,
                    ) {
                        Ok(text) => text_total += text.len() as u64,
                        Err(e) if e.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
                            return Err(Error::MetadataBomb {
                                chunk: format!("PNG {}", String::from_utf8_lossy(&kind)),
                                limit,
                            });
                        }
                        // Damaged text is not needed for the page; the
                        // decoder skips it too.
                        Err(_) => {}
                    }
                }
            }
            b"IDAT" => seen_idat = true,
            b"IEND" => break,
            _ => {}
        }
        pos += 12 + len;
    }
    let Some((width, height, color_type)) = header else {
        return Err(malformed(T, "no image header"));
    };
    if !seen_idat {
        return Err(malformed(T, "no image data (IDAT)"));
    }
    Ok(ImageInfo {
        media_type: T,
        width,
        height,
        orientation: orientation.unwrap_or_default(),
        // Gray (0) and gray with alpha (4).
        gray: matches!(color_type, 0 | 4),
    })
}

/// The compressed text of a zTXt or compressed iTXt chunk.
fn compressed_text<'a>(kind: &[u8; 4], data: &'a [u8]) -> Option<&'a [u8]> {
    let keyword_end = data.iter().position(|&c| c == 0)?;
    let rest = data.get(keyword_end + 1..)?;
    if kind == b"zTXt" {
        // Compression method byte, then the zlib stream.
        return rest.get(1..);
    }
    // iTXt: compression flag, method, language tag\0, translated keyword\0.
    if *rest.first()? != 1 {
        return None;
    }
    let rest = rest.get(2..)?;
    let lang_end = rest.iter().position(|&c| c == 0)?;
    let rest = rest.get(lang_end + 1..)?;
    let tk_end = rest.iter().position(|&c| c == 0)?;
    rest.get(tk_end + 1..)
}

/// WebP headers (RFC 9649 §2.5–2.7) through image-webp, which reads the chunk
/// layout without decoding; the EXIF chunk gives the orientation.
fn probe_webp(b: &[u8]) -> Result<ImageInfo, Error> {
    const T: MediaType = MediaType::Webp;
    let mut decoder = image_webp::WebPDecoder::new(Cursor::new(b)).map_err(|e| webp_error(&e))?;
    if decoder.is_animated() {
        return Err(Error::Unsupported {
            media_type: T,
            detail: "animated WebP".into(),
        });
    }
    let (width, height) = decoder.dimensions();
    let orientation = match decoder.exif_metadata() {
        Ok(Some(exif)) => read_exif_orientation(&exif).unwrap_or_default(),
        _ => Orientation::Normal,
    };
    Ok(ImageInfo {
        media_type: T,
        width,
        height,
        orientation,
        gray: false,
    })
}

pub(crate) fn webp_error(e: &image_webp::DecodingError) -> Error {
    use image_webp::DecodingError as E;
    match e {
        E::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            truncated(MediaType::Webp, "the file ends inside the image data")
        }
        E::UnsupportedFeature(f) => Error::Unsupported {
            media_type: MediaType::Webp,
            detail: f.clone(),
        },
        other => malformed(MediaType::Webp, other.to_string()),
    }
}
