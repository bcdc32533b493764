//! Encoding page pixels as baseline JPEG, the form PDF embeds as-is.

use jpeg_encoder::{ChromaSubsamplingMethod, ColorType, Encoder, PixelDensity, SamplingFactor};

use crate::error::Error;
use crate::raster::Raster;

/// Encodes gray or RGB pixels. Colour uses 4:2:0 chroma with box-averaged
/// chroma; Huffman tables are optimized for each image (smaller files, same
/// pixels). The JFIF density records the page's dpi.
pub(crate) fn encode(page: &Raster, quality: u8, dpi: u16) -> Result<Vec<u8>, Error> {
    let too_big = |v: u32| Error::Setting {
        name: "page size".into(),
        value: v,
        expected: "at most 65535 pixels a side".into(),
    };
    let width = u16::try_from(page.width).map_err(|_| too_big(page.width))?;
    let height = u16::try_from(page.height).map_err(|_| too_big(page.height))?;
    let mut out = Vec::with_capacity(page.data.len() / 8);
    let mut encoder = Encoder::new(&mut out, quality);
    encoder.set_optimized_huffman_tables(true);
    encoder.set_density(PixelDensity::dpi(dpi));
    let color = if page.channels == 1 {
        ColorType::Luma
    } else {
        encoder.set_sampling_factor(SamplingFactor::F_2_2);
        encoder.set_chroma_subsampling_method(ChromaSubsamplingMethod::Average);
        ColorType::Rgb
    };
    encoder
        .encode(&page.data, width, height, color)
        .map_err(|e| Error::Setting {
            name: format!("JPEG encoding ({e})"),
            value: u32::from(quality),
            expected: "a page the encoder accepts".into(),
        })?;
    Ok(out)
}
