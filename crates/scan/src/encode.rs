//! Encoding page pixels as baseline JPEG, the form PDF embeds as-is.

use jpeg_encoder::{ChromaSubsamplingMethod, ColorType, Encoder, PixelDensity, SamplingFactor};

use crate::error::Error;
use crate::raster::Raster;

/// Encodes gray or RGB pixels as baseline JPEG with one interleaved scan
/// and the standard Huffman tables (ITU-T T.81 Annex K). Colour uses 4:2:0
/// with box-averaged chroma. The JFIF density records the page's dpi.
///
/// Optimized Huffman tables would save 1.5–5 % but make jpeg-encoder write
/// one scan per component, which some decoders (zune-jpeg 0.5) get wrong and
/// which costs 30 % more encoding time (docs/scan.md).
pub(crate) fn encode(page: &Raster, quality: u8, dpi: u16) -> Result<Vec<u8>, Error> {
    encode_pixels(
        &page.data,
        page.width,
        page.height,
        page.channels,
        quality,
        dpi,
    )
}

/// [`encode`] on pixels held elsewhere.
pub(crate) fn encode_pixels(
    data: &[u8],
    width: u32,
    height: u32,
    channels: usize,
    quality: u8,
    dpi: u16,
) -> Result<Vec<u8>, Error> {
    let too_big = |v: u32| Error::Setting {
        name: "page size".into(),
        value: v,
        expected: "at most 65535 pixels a side".into(),
    };
    let (w, h) = (width, height);
    let width = u16::try_from(w).map_err(|_| too_big(w))?;
    let height = u16::try_from(h).map_err(|_| too_big(h))?;
    let mut out = Vec::with_capacity(data.len() / 8);
    let mut encoder = Encoder::new(&mut out, quality);
    encoder.set_density(PixelDensity::dpi(dpi));
    let color = if channels == 1 {
        ColorType::Luma
    } else {
        encoder.set_sampling_factor(SamplingFactor::F_2_2);
        encoder.set_chroma_subsampling_method(ChromaSubsamplingMethod::Average);
        ColorType::Rgb
    };
    encoder
        .encode(data, width, height, color)
        .map_err(|e| Error::Setting {
            name: format!("JPEG encoding ({e})"),
            value: u32::from(quality),
            expected: "a page the encoder accepts".into(),
        })?;
    Ok(out)
}
