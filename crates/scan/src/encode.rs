//! Encoding page pixels as baseline JPEG, the form PDF embeds as-is.

use mozjpeg_rs::{
    DensityUnit, Encoder, PixelDensity, Preset, QuantTableIdx, Subsampling, TrellisConfig,
};

use crate::error::Error;
use crate::raster::Raster;

/// Encodes gray or RGB pixels as baseline JPEG with one interleaved scan,
/// the standard quantization tables (ITU-T T.81 Annex K) and Huffman tables
/// optimized for the page. Colour uses 4:2:0. The JFIF density records the
/// page's dpi.
///
/// The encoder is mozjpeg-rs (a pure-Rust port of mozjpeg) with trellis
/// quantization and progressive scans off: optimized tables cost no time
/// and save 1–2 % on photos and most of the bytes of flat pages, while
/// trellis saves 4 % more at equal SSIM for 4–5× the encoding time
/// (BENCHMARKS.md, "Encoders").
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
    for side in [width, height] {
        if side > u32::from(u16::MAX) {
            return Err(too_big(side));
        }
    }
    let encoder = Encoder::new(Preset::BaselineBalanced)
        .quality(quality)
        .quant_tables(QuantTableIdx::JpegAnnexK)
        .trellis(TrellisConfig::disabled())
        .overshoot_deringing(false)
        .progressive(false)
        .optimize_huffman(true)
        .subsampling(Subsampling::S420)
        .pixel_density(PixelDensity {
            unit: DensityUnit::DotsPerInch,
            x: dpi,
            y: dpi,
        });
    let encoded = if channels == 1 {
        encoder.encode_gray(data, width, height)
    } else {
        encoder.encode_rgb(data, width, height)
    };
    encoded.map_err(|e| Error::Setting {
        name: format!("JPEG encoding ({e})"),
        value: u32::from(quality),
        expected: "a page the encoder accepts".into(),
    })
}
