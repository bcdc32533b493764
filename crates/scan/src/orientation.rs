//! EXIF orientation: reading the tag and turning pixels upright.

use serde::{Deserialize, Serialize};

use crate::raster::Raster;

/// How the stored pixels must be turned to show the picture upright: the
/// EXIF/TIFF `Orientation` tag 0x0112 (TIFF 6.0 §"Orientation"; CIPA DC-008
/// Exif 2.32 §4.6.4). Values 0 and anything outside 1–8 count as 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(into = "u8", from = "u8")]
pub enum Orientation {
    /// 1: already upright.
    #[default]
    Normal,
    /// 2: mirrored left to right.
    MirrorHorizontal,
    /// 3: upside down.
    Rotate180,
    /// 4: mirrored top to bottom.
    MirrorVertical,
    /// 5: mirrored left to right, then turned 270° clockwise (a transpose).
    Transpose,
    /// 6: turned 90° clockwise to show upright (the usual phone portrait).
    Rotate90,
    /// 7: mirrored left to right, then turned 90° clockwise (a transverse).
    Transverse,
    /// 8: turned 270° clockwise (90° anticlockwise) to show upright.
    Rotate270,
}

impl Orientation {
    /// From the tag's value; 0 and values outside 1–8 give [`Orientation::Normal`].
    pub fn from_exif(value: u16) -> Self {
        match value {
            2 => Self::MirrorHorizontal,
            3 => Self::Rotate180,
            4 => Self::MirrorVertical,
            5 => Self::Transpose,
            6 => Self::Rotate90,
            7 => Self::Transverse,
            8 => Self::Rotate270,
            _ => Self::Normal,
        }
    }

    /// The tag's value, 1–8.
    pub fn to_exif(self) -> u8 {
        match self {
            Self::Normal => 1,
            Self::MirrorHorizontal => 2,
            Self::Rotate180 => 3,
            Self::MirrorVertical => 4,
            Self::Transpose => 5,
            Self::Rotate90 => 6,
            Self::Transverse => 7,
            Self::Rotate270 => 8,
        }
    }

    /// Whether showing the picture upright swaps its width and height.
    pub fn swaps_axes(self) -> bool {
        matches!(
            self,
            Self::Transpose | Self::Rotate90 | Self::Transverse | Self::Rotate270
        )
    }

    /// The upright size of a picture stored as `width` × `height`.
    pub fn upright_size(self, width: u32, height: u32) -> (u32, u32) {
        if self.swaps_axes() {
            (height, width)
        } else {
            (width, height)
        }
    }
}

impl From<Orientation> for u8 {
    fn from(o: Orientation) -> Self {
        o.to_exif()
    }
}

impl From<u8> for Orientation {
    fn from(v: u8) -> Self {
        Self::from_exif(u16::from(v))
    }
}

/// Reads the orientation from EXIF data: a TIFF structure, optionally behind
/// the `Exif\0\0` header used in JPEG APP1 and some WebP files. Anything
/// unreadable gives `None`, which callers treat as upright: a broken tag must
/// not cost the applicant their photo.
pub(crate) fn read_exif_orientation(exif: &[u8]) -> Option<Orientation> {
    let tiff = exif.strip_prefix(b"Exif\0\0").unwrap_or(exif);
    let little = match tiff.get(0..2)? {
        b"II" => true,
        b"MM" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b = tiff.get(at..at.checked_add(2)?)?;
        Some(if little {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b = tiff.get(at..at.checked_add(4)?)?;
        Some(if little {
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        } else {
            u32::from_be_bytes([b[0], b[1], b[2], b[3]])
        })
    };
    if u16_at(2)? != 42 {
        return None;
    }
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    for i in 0..count {
        let entry = ifd.checked_add(2)?.checked_add(i.checked_mul(12)?)?;
        if u16_at(entry)? != 0x0112 {
            continue;
        }
        // Type SHORT (3), count 1: the value sits in the first two bytes of
        // the value field.
        if u16_at(entry + 2)? != 3 || u32_at(entry + 4)? != 1 {
            return None;
        }
        return Some(Orientation::from_exif(u16_at(entry + 8)?));
    }
    None
}

/// Turns `src` upright. Run after resizing, on the small image, so it costs
/// little; returns `src` itself when nothing is to be done.
pub(crate) fn apply(src: Raster, orientation: Orientation) -> Raster {
    if orientation == Orientation::Normal {
        return src;
    }
    let (w, h, c) = (src.width as usize, src.height as usize, src.channels);
    let (ow, oh) = orientation.upright_size(src.width, src.height);
    let (ow_us, oh_us) = (ow as usize, oh as usize);
    let mut out = vec![0u8; src.data.len()];
    // For each output pixel (x, y) the stored pixel it shows.
    let source = |x: usize, y: usize| -> (usize, usize) {
        match orientation {
            Orientation::Normal => (x, y),
            Orientation::MirrorHorizontal => (w - 1 - x, y),
            Orientation::Rotate180 => (w - 1 - x, h - 1 - y),
            Orientation::MirrorVertical => (x, h - 1 - y),
            Orientation::Transpose => (y, x),
            Orientation::Rotate90 => (y, h - 1 - x),
            Orientation::Transverse => (w - 1 - y, h - 1 - x),
            Orientation::Rotate270 => (w - 1 - y, x),
        }
    };
    for (y, row) in out.chunks_exact_mut(ow_us * c).enumerate().take(oh_us) {
        for (x, px) in row.chunks_exact_mut(c).enumerate() {
            let (sx, sy) = source(x, y);
            let at = (sy * w + sx) * c;
            px.copy_from_slice(&src.data[at..at + c]);
        }
    }
    Raster {
        width: ow,
        height: oh,
        channels: c,
        data: out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiff(little: bool, value: u16) -> Vec<u8> {
        let mut t = Vec::new();
        let w16 = |t: &mut Vec<u8>, v: u16| {
            t.extend_from_slice(&if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            })
        };
        let w32 = |t: &mut Vec<u8>, v: u32| {
            t.extend_from_slice(&if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            })
        };
        t.extend_from_slice(if little { b"II" } else { b"MM" });
        w16(&mut t, 42);
        w32(&mut t, 8);
        w16(&mut t, 2);
        // An unrelated tag first (ImageWidth), then Orientation.
        w16(&mut t, 0x0100);
        w16(&mut t, 3);
        w32(&mut t, 1);
        w16(&mut t, 640);
        w16(&mut t, 0);
        w16(&mut t, 0x0112);
        w16(&mut t, 3);
        w32(&mut t, 1);
        w16(&mut t, value);
        w16(&mut t, 0);
        w32(&mut t, 0);
        t
    }

    #[test]
    fn reads_both_byte_orders() {
        for v in 1..=8u16 {
            let o = Orientation::from_exif(v);
            assert_eq!(read_exif_orientation(&tiff(true, v)), Some(o));
            let mut with_header = b"Exif\0\0".to_vec();
            with_header.extend(tiff(false, v));
            assert_eq!(read_exif_orientation(&with_header), Some(o));
            assert_eq!(u16::from(o.to_exif()), v);
        }
        assert_eq!(
            read_exif_orientation(&tiff(true, 0)),
            Some(Orientation::Normal)
        );
        assert_eq!(
            read_exif_orientation(&tiff(true, 9)),
            Some(Orientation::Normal)
        );
    }

    #[test]
    fn garbage_is_none_never_a_panic() {
        let good = tiff(true, 6);
        for cut in 0..good.len() {
            let _ = read_exif_orientation(&good[..cut]);
        }
        assert_eq!(read_exif_orientation(b"\xFF\xFF\xFF\xFF\0\0\0\0"), None);
        let mut huge_offset = good;
        huge_offset[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(read_exif_orientation(&huge_offset), None);
    }

    #[test]
    fn turns_a_2x3_image() {
        // Stored 2 wide, 3 high, one channel: values name their position.
        let src = || Raster {
            width: 2,
            height: 3,
            channels: 1,
            data: vec![1, 2, 3, 4, 5, 6],
        };
        let cases: [(Orientation, (u32, u32), [u8; 6]); 8] = [
            (Orientation::Normal, (2, 3), [1, 2, 3, 4, 5, 6]),
            (Orientation::MirrorHorizontal, (2, 3), [2, 1, 4, 3, 6, 5]),
            (Orientation::Rotate180, (2, 3), [6, 5, 4, 3, 2, 1]),
            (Orientation::MirrorVertical, (2, 3), [5, 6, 3, 4, 1, 2]),
            (Orientation::Transpose, (3, 2), [1, 3, 5, 2, 4, 6]),
            (Orientation::Rotate90, (3, 2), [5, 3, 1, 6, 4, 2]),
            (Orientation::Transverse, (3, 2), [6, 4, 2, 5, 3, 1]),
            (Orientation::Rotate270, (3, 2), [2, 4, 6, 1, 3, 5]),
        ];
        for (o, size, data) in cases {
            let r = apply(src(), o);
            assert_eq!((r.width, r.height), size, "{o:?}");
            assert_eq!(r.data, data, "{o:?}");
        }
    }
}
