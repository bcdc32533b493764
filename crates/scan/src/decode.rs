//! Decoding an image whose headers passed the limits into gray or RGB pixels.

use std::io::Cursor;

use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;
use zune_jpeg::errors::DecodeErrors;

use crate::error::Error;
use crate::media::MediaType;
use crate::probe::{ImageInfo, webp_error};
use crate::raster::{Raster, luma, over_white, reduce_in_place};

/// Decodes to one channel when `gray` (document mode, or a gray source),
/// else to RGB; alpha is laid over white paper. No full-size copy is made
/// besides the output itself, except for interlaced PNGs and WebPs with alpha.
pub(crate) fn decode(bytes: &[u8], info: &ImageInfo, gray: bool) -> Result<Raster, Error> {
    let channels = if gray { 1 } else { 3 };
    let raster = match info.media_type {
        MediaType::Jpeg => decode_jpeg(bytes, channels)?,
        MediaType::Png => decode_png(bytes, channels)?,
        MediaType::Webp => decode_webp(bytes, channels)?,
        MediaType::Pdf => {
            return Err(Error::Unsupported {
                media_type: MediaType::Pdf,
                detail: "a PDF is attached as it is, not turned into a page".into(),
            });
        }
    };
    // The decoders must agree with the headers read before: the limits were
    // checked on those.
    if (raster.width, raster.height) != (info.width, info.height) {
        return Err(Error::Malformed {
            media_type: info.media_type,
            detail: format!(
                "decoded {}x{} pixels, the header said {}x{}",
                raster.width, raster.height, info.width, info.height
            ),
        });
    }
    Ok(raster)
}

fn decode_jpeg(bytes: &[u8], channels: usize) -> Result<Raster, Error> {
    const T: MediaType = MediaType::Jpeg;
    // Strict: a damaged or cut-off photo is refused rather than turned into a
    // page with grey bands, which an office would reject later.
    let options = DecoderOptions::new_fast()
        .set_strict_mode(true)
        .set_max_width(usize::from(u16::MAX))
        .set_max_height(usize::from(u16::MAX))
        .jpeg_set_out_colorspace(if channels == 1 {
            ColorSpace::Luma
        } else {
            ColorSpace::RGB
        });
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(|e| jpeg_error(&e))?;
    let (Some((width, height)), Some(size), Some(out)) = (
        decoder.dimensions(),
        decoder.output_buffer_size(),
        decoder.output_colorspace(),
    ) else {
        return Err(Error::Malformed {
            media_type: T,
            detail: "no frame header".into(),
        });
    };
    if out.num_components() != channels {
        return Err(Error::Unsupported {
            media_type: T,
            detail: format!("{out:?} output"),
        });
    }
    let mut data = vec![0u8; size];
    decoder.decode_into(&mut data).map_err(|e| jpeg_error(&e))?;
    Ok(Raster {
        width: width as u32,
        height: height as u32,
        channels,
        data,
    })
}

fn jpeg_error(e: &DecodeErrors) -> Error {
    let text = e.to_string();
    match e {
        DecodeErrors::ExhaustedData => Error::Truncated {
            media_type: MediaType::Jpeg,
            detail: "the image data ends early".into(),
        },
        DecodeErrors::Unsupported(s) => Error::Unsupported {
            media_type: MediaType::Jpeg,
            detail: format!("{s:?}"),
        },
        _ if text.contains("Premature end") || text.contains("No more bytes") => Error::Truncated {
            media_type: MediaType::Jpeg,
            detail: text,
        },
        _ => Error::Malformed {
            media_type: MediaType::Jpeg,
            detail: text,
        },
    }
}

fn decode_png(bytes: &[u8], channels: usize) -> Result<Raster, Error> {
    const T: MediaType = MediaType::Png;
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    // 8 bits per sample, palettes expanded, tRNS turned into alpha.
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    // Text was checked for bombs by the probe and is not needed here.
    decoder.set_ignore_text_chunk(true);
    let mut reader = decoder.read_info().map_err(|e| png_error(&e))?;
    let (width, height) = (reader.info().width, reader.info().height);
    let interlaced = reader.info().interlaced;
    let (color, _) = reader.output_color_type();
    let from = color.samples();
    let pixels = width as usize * height as usize;
    let mut data;
    if interlaced {
        // Passes fill the image out of order: decode whole, then convert.
        let size = reader
            .output_buffer_size()
            .ok_or_else(|| Error::Malformed {
                media_type: T,
                detail: "image too large for memory".into(),
            })?;
        let mut full = vec![0u8; size];
        reader.next_frame(&mut full).map_err(|e| png_error(&e))?;
        data = vec![0u8; pixels * channels];
        convert(&full, from, &mut data, channels);
    } else {
        data = vec![0u8; pixels * channels];
        for out_row in data.chunks_exact_mut(width as usize * channels) {
            let row = reader
                .next_row()
                .map_err(|e| png_error(&e))?
                .ok_or_else(|| Error::Truncated {
                    media_type: T,
                    detail: "fewer rows than the header says".into(),
                })?;
            convert(row.data(), from, out_row, channels);
        }
    }
    Ok(Raster {
        width,
        height,
        channels,
        data,
    })
}

/// Converts pixels of `from` samples (gray, gray+alpha, RGB, RGBA) into
/// `to` samples (gray or RGB), laying alpha over white.
fn convert(src: &[u8], from: usize, dst: &mut [u8], to: usize) {
    for (s, d) in src.chunks_exact(from).zip(dst.chunks_exact_mut(to)) {
        let (r, g, b, a) = match from {
            1 => (s[0], s[0], s[0], 255),
            2 => (s[0], s[0], s[0], s[1]),
            3 => (s[0], s[1], s[2], 255),
            _ => (s[0], s[1], s[2], s[3]),
        };
        let (r, g, b) = if a == 255 {
            (r, g, b)
        } else {
            (over_white(r, a), over_white(g, a), over_white(b, a))
        };
        if to == 1 {
            d[0] = if from <= 2 { r } else { luma(r, g, b) };
        } else {
            d.copy_from_slice(&[r, g, b]);
        }
    }
}

fn png_error(e: &png::DecodingError) -> Error {
    match e {
        png::DecodingError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::Truncated {
                media_type: MediaType::Png,
                detail: "the image data ends early".into(),
            }
        }
        png::DecodingError::LimitsExceeded => Error::Unsupported {
            media_type: MediaType::Png,
            detail: "image too large for the decoder's memory limit".into(),
        },
        other => Error::Malformed {
            media_type: MediaType::Png,
            detail: other.to_string(),
        },
    }
}

fn decode_webp(bytes: &[u8], channels: usize) -> Result<Raster, Error> {
    let mut decoder =
        image_webp::WebPDecoder::new(Cursor::new(bytes)).map_err(|e| webp_error(&e))?;
    let (width, height) = decoder.dimensions();
    let from = if decoder.has_alpha() { 4 } else { 3 };
    let size = decoder
        .output_buffer_size()
        .ok_or_else(|| Error::Malformed {
            media_type: MediaType::Webp,
            detail: "image too large for memory".into(),
        })?;
    let mut data = vec![0u8; size];
    decoder.read_image(&mut data).map_err(|e| webp_error(&e))?;
    reduce_in_place(&mut data, from, channels);
    Ok(Raster {
        width,
        height,
        channels,
        data,
    })
}
