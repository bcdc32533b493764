//! Turning one photo into one page image: the pipeline.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::limits::Limits;
use crate::media::MediaType;
use crate::orientation::{self, Orientation};
use crate::probe::{ImageInfo, probe};
use crate::raster::{Raster, luma, over_white};
use crate::{decode, document, encode, fit};

/// Colour kept, or gray with contrast normalized for pages of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorMode {
    /// Colour, as the archival rules ask (a gray photo stays gray).
    #[default]
    Color,
    /// Gray, paper made white and ink dark: smaller, more legible text pages.
    Document,
}

/// How photos become pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Resolution of the A4 page in dots per inch, 72–600. At the default
    /// 200 dpi (the archival minimum) the page is 1654 × 2339 pixels.
    pub dpi: u16,
    /// Colour or document mode.
    pub mode: ColorMode,
    /// JPEG quality, 1–100.
    pub quality: u8,
}

/// Default dpi: 200, the minimum of the archival rules (Circular 02/2019/TT-BNV).
pub const DEFAULT_DPI: u16 = 200;
/// Default JPEG quality, chosen by measurement (docs/scan.md): the lowest
/// quality whose SSIM against the resized original stays ≥ 0.97 on every
/// sample photo, faint pencil strokes included.
pub const DEFAULT_QUALITY: u8 = 75;

impl Default for Settings {
    fn default() -> Self {
        Self {
            dpi: DEFAULT_DPI,
            mode: ColorMode::Color,
            quality: DEFAULT_QUALITY,
        }
    }
}

impl Settings {
    /// Refuses settings out of range.
    pub fn validate(&self) -> Result<(), Error> {
        if !(72..=600).contains(&self.dpi) {
            return Err(Error::Setting {
                name: "dpi".into(),
                value: u32::from(self.dpi),
                expected: "72 to 600".into(),
            });
        }
        if !(1..=100).contains(&self.quality) {
            return Err(Error::Setting {
                name: "quality".into(),
                value: u32::from(self.quality),
                expected: "1 to 100".into(),
            });
        }
        Ok(())
    }
}

/// The steps of [`scan_image_with_progress`], reported as each one ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Headers read and limits checked.
    Probed,
    /// Pixels decoded.
    Decoded,
    /// Resized to the page, turned upright, contrast normalized if asked.
    Resized,
    /// Encoded as JPEG: done.
    Encoded,
}

impl Stage {
    /// Rough share of the work done once this step has ended, 0–1, for a
    /// progress bar.
    pub fn fraction(self) -> f32 {
        match self {
            Self::Probed => 0.02,
            Self::Decoded => 0.55,
            Self::Resized => 0.75,
            Self::Encoded => 1.0,
        }
    }
}

/// One page: a JPEG ready to be embedded in a PDF as it is.
#[derive(Clone, PartialEq, Eq)]
pub struct PageImage {
    jpeg: Vec<u8>,
    width: u32,
    height: u32,
    gray: bool,
}

impl std::fmt::Debug for PageImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageImage")
            .field("jpeg_bytes", &self.jpeg.len())
            .field("width", &self.width)
            .field("height", &self.height)
            .field("gray", &self.gray)
            .finish()
    }
}

impl PageImage {
    /// Takes a JPEG made elsewhere (e.g. by the browser's canvas) as a page,
    /// reading its size from its headers. It must be gray or YCbCr/RGB (a
    /// CMYK JPEG would need a different PDF colour space).
    pub fn from_jpeg(jpeg: Vec<u8>, limits: &Limits) -> Result<Self, Error> {
        let info = probe(&jpeg, limits)?;
        if info.media_type != MediaType::Jpeg {
            return Err(Error::NotAccepted {
                media_type: info.media_type,
                accept: vec![MediaType::Jpeg],
            });
        }
        match crate::probe::jpeg_components(&jpeg) {
            Some(1 | 3) => {}
            other => {
                return Err(Error::Unsupported {
                    media_type: MediaType::Jpeg,
                    detail: format!("{} colour components", other.unwrap_or(0)),
                });
            }
        }
        Ok(Self {
            width: info.width,
            height: info.height,
            gray: info.gray,
            jpeg,
        })
    }

    /// The JPEG bytes.
    pub fn jpeg(&self) -> &[u8] {
        &self.jpeg
    }

    /// Gives back the JPEG bytes.
    pub fn into_jpeg(self) -> Vec<u8> {
        self.jpeg
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Whether the page is gray.
    pub fn gray(&self) -> bool {
        self.gray
    }
}

/// Turns a photo (JPEG, PNG or WebP bytes) into an upright page image fitted
/// to A4 at the settings' dpi.
///
/// ```
/// use motcua_scan::{scan_image, Limits, Settings};
///
/// // A 1×1 gray PNG.
/// let png = [
///     0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
///     0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0, 0x3A, 0x7E, 0x9B, 0x55, 0, 0, 0, 10,
///     b'I', b'D', b'A', b'T', 0x78, 0x9C, 0x63, 0x68, 0x00, 0x00, 0x00, 0x82, 0x00, 0x81,
///     0x77, 0xCD, 0x72, 0xB6, 0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82,
/// ];
/// let page = scan_image(&png, &Settings::default(), &Limits::default())?;
/// assert_eq!((page.width(), page.height()), (1, 1));
/// # Ok::<(), motcua_scan::Error>(())
/// ```
pub fn scan_image(bytes: &[u8], settings: &Settings, limits: &Limits) -> Result<PageImage, Error> {
    scan_image_with_progress(bytes, settings, limits, |_| {})
}

/// [`scan_image`], calling `progress` as each [`Stage`] ends.
pub fn scan_image_with_progress(
    bytes: &[u8],
    settings: &Settings,
    limits: &Limits,
    mut progress: impl FnMut(Stage),
) -> Result<PageImage, Error> {
    settings.validate()?;
    limits.check_accepts(MediaType::Pdf)?;
    let info = probe(bytes, limits)?;
    progress(Stage::Probed);
    let gray = info.gray || settings.mode == ColorMode::Document;
    let raster = decode::decode(bytes, &info, gray)?;
    progress(Stage::Decoded);
    let page = shape(&raster.data, &info, raster.channels, settings);
    drop(raster);
    progress(Stage::Resized);
    let jpeg = encode::encode(&page, settings.quality, settings.dpi)?;
    progress(Stage::Encoded);
    Ok(PageImage {
        width: page.width,
        height: page.height,
        gray: page.channels == 1,
        jpeg,
    })
}

/// Turns pixels decoded elsewhere (e.g. by the browser's `createImageBitmap`
/// and an `OffscreenCanvas`) into a page: `rgba` holds `width` × `height`
/// pixels, 4 bytes each, not premultiplied (as `ImageData` is), stored as
/// `orientation` says (pass [`Orientation::Normal`] if the browser already
/// turned them upright). Alpha is laid over white.
pub fn page_from_rgba(
    rgba: &[u8],
    width: u32,
    height: u32,
    orientation: Orientation,
    settings: &Settings,
    limits: &Limits,
) -> Result<PageImage, Error> {
    settings.validate()?;
    limits.check_accepts(MediaType::Pdf)?;
    let expected = u64::from(width) * u64::from(height) * 4;
    if rgba.len() as u64 != expected || width == 0 || height == 0 {
        return Err(Error::PixelBuffer {
            width,
            height,
            len: rgba.len() as u64,
            expected,
        });
    }
    limits.check_pixels(width, height)?;
    let info = ImageInfo {
        media_type: MediaType::Png,
        width,
        height,
        orientation,
        gray: false,
    };
    let opaque = rgba.chunks_exact(4).all(|p| p[3] == 255);
    let page = if opaque {
        // Resize the 4-channel pixels directly: no full-size copy.
        let small = shape_rgba(rgba, &info, settings);
        let channels = if settings.mode == ColorMode::Document {
            1
        } else {
            3
        };
        finish_rgba(small, channels, settings)
    } else {
        let mut rgb = Vec::with_capacity(rgba.len() / 4 * 3);
        for p in rgba.chunks_exact(4) {
            rgb.extend_from_slice(&[
                over_white(p[0], p[3]),
                over_white(p[1], p[3]),
                over_white(p[2], p[3]),
            ]);
        }
        let (data, channels) = if settings.mode == ColorMode::Document {
            (
                rgb.chunks_exact(3)
                    .map(|p| luma(p[0], p[1], p[2]))
                    .collect(),
                1,
            )
        } else {
            (rgb, 3)
        };
        shape(&data, &info, channels, settings)
    };
    let jpeg = encode::encode(&page, settings.quality, settings.dpi)?;
    Ok(PageImage {
        width: page.width,
        height: page.height,
        gray: page.channels == 1,
        jpeg,
    })
}

/// Resizes stored pixels to the page, turns them upright and, in document
/// mode, normalizes them.
fn shape(data: &[u8], info: &ImageInfo, channels: usize, settings: &Settings) -> Raster {
    let (uw, uh) = info.upright_size();
    let (tw, th) = fit::fit_a4(uw, uh, settings.dpi);
    // Resize in the stored orientation, then turn the small result.
    let (sw, sh) = info.orientation.upright_size(tw, th);
    let resized = fit::resize(data, info.width, info.height, channels, sw, sh);
    let mut page = orientation::apply(resized, info.orientation);
    if settings.mode == ColorMode::Document && page.channels == 1 {
        document::normalize(&mut page, settings.dpi);
    }
    page
}

fn shape_rgba(rgba: &[u8], info: &ImageInfo, settings: &Settings) -> Raster {
    let (uw, uh) = info.upright_size();
    let (tw, th) = fit::fit_a4(uw, uh, settings.dpi);
    let (sw, sh) = info.orientation.upright_size(tw, th);
    let resized = fit::resize(rgba, info.width, info.height, 4, sw, sh);
    orientation::apply(resized, info.orientation)
}

fn finish_rgba(small: Raster, channels: usize, settings: &Settings) -> Raster {
    let data: Vec<u8> = if channels == 1 {
        small
            .data
            .chunks_exact(4)
            .map(|p| luma(p[0], p[1], p[2]))
            .collect()
    } else {
        small
            .data
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect()
    };
    let mut page = Raster {
        width: small.width,
        height: small.height,
        channels,
        data,
    };
    if settings.mode == ColorMode::Document {
        document::normalize(&mut page, settings.dpi);
    }
    page
}
