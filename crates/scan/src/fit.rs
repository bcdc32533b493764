//! Fitting a picture to an A4 page at a target resolution, and resizing.

use fast_image_resize::images::{TypedImage, TypedImageRef};
use fast_image_resize::pixels::{U8, U8x3, U8x4};
use fast_image_resize::{FilterType, PixelTrait, ResizeAlg, ResizeOptions, Resizer};

use crate::raster::Raster;

/// A4 in millimetres (ISO 216).
const A4_MM: (f64, f64) = (210.0, 297.0);

/// The A4 page in pixels at `dpi`, portrait: 1654 × 2339 at 200 dpi.
pub fn a4_pixels(dpi: u16) -> (u32, u32) {
    let px = |mm: f64| (mm / 25.4 * f64::from(dpi)).round() as u32;
    (px(A4_MM.0), px(A4_MM.1))
}

/// The size a picture shown upright as `width` × `height` gets on an A4 page
/// at `dpi`: the page is portrait, or landscape for a wider-than-tall
/// picture; the aspect ratio is kept; pictures are never enlarged.
pub fn fit_a4(width: u32, height: u32, dpi: u16) -> (u32, u32) {
    let (short, long) = a4_pixels(dpi);
    let (bw, bh) = if width > height {
        (long, short)
    } else {
        (short, long)
    };
    let scale = (f64::from(bw) / f64::from(width)).min(f64::from(bh) / f64::from(height));
    if scale >= 1.0 {
        return (width, height);
    }
    let w = ((f64::from(width) * scale).round() as u32).clamp(1, bw);
    let h = ((f64::from(height) * scale).round() as u32).clamp(1, bh);
    (w, h)
}

/// The filter used to shrink photos. Catmull-Rom keeps strokes of text
/// sharp and costs 5–25 % less than Lanczos3 (see docs/scan.md).
const FILTER: FilterType = FilterType::CatmullRom;

/// Resizes gray, RGB or opaque RGBA pixels to `width` × `height`.
pub(crate) fn resize(
    src: &[u8],
    src_width: u32,
    src_height: u32,
    channels: usize,
    width: u32,
    height: u32,
) -> Raster {
    resize_with(src, src_width, src_height, channels, width, height, FILTER)
}

/// [`resize`] with a chosen filter (benchmarks compare them).
pub(crate) fn resize_with(
    src: &[u8],
    src_width: u32,
    src_height: u32,
    channels: usize,
    width: u32,
    height: u32,
    filter: FilterType,
) -> Raster {
    let mut out = vec![0u8; width as usize * height as usize * channels];
    if (width, height) == (src_width, src_height) {
        let n = out.len();
        out.copy_from_slice(&src[..n]);
    } else {
        // Typed resizing monomorphizes only the three pixel types used here:
        // the untyped `resize` links every type fast_image_resize knows,
        // with a 512 KiB table for 16-bit alpha (docs/scan.md, wasm size).
        let options = ResizeOptions::new()
            .resize_alg(ResizeAlg::Convolution(filter))
            .use_alpha(false);
        match channels {
            1 => resize_typed::<U8>(
                src, src_width, src_height, &mut out, width, height, &options,
            ),
            3 => resize_typed::<U8x3>(
                src, src_width, src_height, &mut out, width, height, &options,
            ),
            _ => resize_typed::<U8x4>(
                src, src_width, src_height, &mut out, width, height, &options,
            ),
        }
    }
    Raster {
        width,
        height,
        channels,
        data: out,
    }
}

fn resize_typed<P: PixelTrait>(
    src: &[u8],
    src_width: u32,
    src_height: u32,
    out: &mut [u8],
    width: u32,
    height: u32,
    options: &ResizeOptions,
) {
    // Sizes and buffer lengths are computed by the caller, and u8 pixels
    // have no alignment needs, so these cannot fail.
    let (Ok(src_image), Ok(mut dst_image)) = (
        TypedImageRef::<P>::from_buffer(src_width, src_height, src),
        TypedImage::<P>::from_buffer(width, height, out),
    ) else {
        unreachable!("buffers sized for their images")
    };
    if let Err(e) = Resizer::new().resize_typed(&src_image, &mut dst_image, options) {
        unreachable!("no crop, same pixel type: {e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a4_at_200_dpi() {
        assert_eq!(a4_pixels(200), (1654, 2339));
        assert_eq!(a4_pixels(300), (2480, 3508));
    }

    #[test]
    fn fits_and_never_enlarges() {
        // 12 MP landscape photo: landscape page.
        assert_eq!(fit_a4(4032, 3024, 200), (2205, 1654));
        // Portrait.
        let (w, h) = fit_a4(3024, 4032, 200);
        assert_eq!((w, h), (1654, 2205));
        // Very wide.
        assert_eq!(fit_a4(4608, 1976, 200).0, 2339);
        // Small pictures stay as they are.
        assert_eq!(fit_a4(480, 360, 200), (480, 360));
        assert_eq!(fit_a4(1, 100_000, 200), (1, 2339));
    }
}
