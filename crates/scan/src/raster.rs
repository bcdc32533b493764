//! Decoded pixels in memory, and the few conversions between pixel layouts.

/// Pixels, 8 bits per sample, rows top to bottom without padding; 1 channel
/// (gray) or 3 (RGB).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Raster {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) channels: usize,
    pub(crate) data: Vec<u8>,
}

/// Luma from RGB with the JPEG/BT.601 weights (ITU-T T.871 §7), in fixed point.
#[inline]
pub(crate) fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((19_595 * u32::from(r) + 38_470 * u32::from(g) + 7_471 * u32::from(b) + 32_768) >> 16) as u8
}

/// A sample with alpha laid over white paper.
#[inline]
pub(crate) fn over_white(v: u8, a: u8) -> u8 {
    let (v, a) = (u32::from(v), u32::from(a));
    ((v * a + 255 * (255 - a) + 127) / 255) as u8
}

/// Rewrites interleaved pixels of `from` channels into `to` channels within
/// the same buffer (`to <= from`), laying alpha over white and taking luma
/// when going to one channel, then shortens the buffer. Works in place since
/// each write lands at or before the bytes still to be read.
pub(crate) fn reduce_in_place(data: &mut Vec<u8>, from: usize, to: usize) {
    debug_assert!(to <= from && (to == 1 || to == 3));
    let pixels = data.len() / from;
    for i in 0..pixels {
        let s = i * from;
        let px: [u8; 4] = match from {
            1 => [data[s], data[s], data[s], 255],
            2 => [data[s], data[s], data[s], data[s + 1]],
            3 => [data[s], data[s + 1], data[s + 2], 255],
            _ => [data[s], data[s + 1], data[s + 2], data[s + 3]],
        };
        let (r, g, b) = if px[3] == 255 {
            (px[0], px[1], px[2])
        } else {
            (
                over_white(px[0], px[3]),
                over_white(px[1], px[3]),
                over_white(px[2], px[3]),
            )
        };
        let d = i * to;
        if to == 1 {
            data[d] = if from <= 2 { r } else { luma(r, g, b) };
        } else {
            data[d] = r;
            data[d + 1] = g;
            data[d + 2] = b;
        }
    }
    data.truncate(pixels * to);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduces_rgba_over_white() {
        let mut d = vec![10, 20, 30, 255, 0, 0, 0, 0, 100, 100, 100, 128];
        reduce_in_place(&mut d, 4, 3);
        assert_eq!(d, vec![10, 20, 30, 255, 255, 255, 177, 177, 177]);
        let mut g = vec![200, 255, 0, 0];
        reduce_in_place(&mut g, 2, 1);
        assert_eq!(g, vec![200, 255]);
        let mut rgb = vec![255, 255, 255, 0, 0, 0];
        reduce_in_place(&mut rgb, 3, 1);
        assert_eq!(rgb, vec![255, 0]);
    }
}
