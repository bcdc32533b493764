//! Document mode: gray pages with the paper made white and the ink dark,
//! whatever the lighting was when the photo was taken.

use crate::raster::Raster;

/// Normalizes the contrast of a gray page in place.
///
/// 1. The paper's brightness is estimated per block of about 8 mm (its 90th
///    percentile: most of any block is paper), smoothed over neighbouring
///    blocks and interpolated, so shadows and uneven light are followed.
/// 2. Each pixel is divided by that background, which makes paper white.
///    Dark surroundings (a table around the sheet) are not brightened more
///    than 2.3 times, so their noise is not blown up into speckles.
/// 3. Levels are stretched: the darkest 1 % become black (never past a gray
///    of 96, so a blank page is not turned into noise), and near-white
///    becomes pure white, which also makes the JPEG much smaller.
pub(crate) fn normalize(page: &mut Raster, dpi: u16) {
    debug_assert_eq!(page.channels, 1);
    let (w, h) = (page.width as usize, page.height as usize);
    if w == 0 || h == 0 {
        return;
    }
    let block = ((f64::from(dpi) * 8.0 / 25.4).round() as usize).clamp(8, 256);
    let (gw, gh) = (w.div_ceil(block), h.div_ceil(block));
    let mut grid = vec![0f32; gw * gh];
    let mut hist = [0u32; 256];
    for gy in 0..gh {
        for gx in 0..gw {
            hist.fill(0);
            let (x0, y0) = (gx * block, gy * block);
            let (x1, y1) = ((x0 + block).min(w), (y0 + block).min(h));
            for y in y0..y1 {
                for &v in &page.data[y * w + x0..y * w + x1] {
                    hist[usize::from(v)] += 1;
                }
            }
            let n = ((x1 - x0) * (y1 - y0)) as u32;
            grid[gy * gw + gx] = f32::from(percentile(&hist, n, 0.90));
        }
    }
    let grid = smooth(&grid, gw, gh);
    // Divide by the interpolated background (block centres are the knots).
    // Horizontal weights are the same on every row: compute them once.
    const FLOOR: f32 = 110.0;
    let knots: Vec<(usize, usize, f32)> = (0..w)
        .map(|x| {
            let fx = ((x as f32 + 0.5) / block as f32 - 0.5).clamp(0.0, (gw - 1) as f32);
            let gx0 = fx.floor() as usize;
            (gx0, (gx0 + 1).min(gw - 1), fx.fract())
        })
        .collect();
    let mut column = vec![0f32; gw];
    for y in 0..h {
        let fy = ((y as f32 + 0.5) / block as f32 - 0.5).clamp(0.0, (gh - 1) as f32);
        let (gy0, ty) = (fy.floor() as usize, fy.fract());
        let gy1 = (gy0 + 1).min(gh - 1);
        for (gx, c) in column.iter_mut().enumerate() {
            *c = grid[gy0 * gw + gx] * (1.0 - ty) + grid[gy1 * gw + gx] * ty;
        }
        let row = &mut page.data[y * w..(y + 1) * w];
        for (v, &(gx0, gx1, tx)) in row.iter_mut().zip(&knots) {
            let bg = (column[gx0] + (column[gx1] - column[gx0]) * tx).max(FLOOR);
            *v = (f32::from(*v) * (255.0 / bg)).min(255.0) as u8;
        }
    }
    // Stretch the levels.
    let mut hist = [0u32; 256];
    for &v in &page.data {
        hist[usize::from(v)] += 1;
    }
    let black = percentile(&hist, page.data.len() as u32, 0.01).min(96);
    let white: u8 = 235;
    let mut lut = [0u8; 256];
    for (i, out) in lut.iter_mut().enumerate() {
        let i = i as u8;
        *out = if i <= black {
            0
        } else if i >= white {
            255
        } else {
            ((u32::from(i - black) * 255 + u32::from(white - black) / 2) / u32::from(white - black))
                as u8
        };
    }
    for v in &mut page.data {
        *v = lut[usize::from(*v)];
    }
}

/// The value below which a fraction `q` of the `n` counted samples lie.
fn percentile(hist: &[u32; 256], n: u32, q: f64) -> u8 {
    let target = (f64::from(n) * q).ceil() as u32;
    let mut seen = 0;
    for (v, &c) in hist.iter().enumerate() {
        seen += c;
        if seen >= target.max(1) {
            return v as u8;
        }
    }
    255
}

/// A 3 × 3 median over the block grid, so that one block full of ink or a
/// picture does not carve a hole into the background, while a smooth change
/// of light is followed without bias.
fn smooth(grid: &[f32], gw: usize, gh: usize) -> Vec<f32> {
    let mut out = vec![0f32; grid.len()];
    let mut near = Vec::with_capacity(9);
    for gy in 0..gh {
        for gx in 0..gw {
            near.clear();
            for y in gy.saturating_sub(1)..=(gy + 1).min(gh - 1) {
                for x in gx.saturating_sub(1)..=(gx + 1).min(gw - 1) {
                    near.push(grid[y * gw + x]);
                }
            }
            near.sort_unstable_by(f32::total_cmp);
            // The lower median: at the grid's edges, where the window is
            // lopsided, a darker background errs towards whiter paper.
            out[gy * gw + gx] = near[(near.len() - 1) / 2];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shaded_paper_becomes_white_and_ink_black() {
        // A page lit from the left: paper from 200 down to 120, with a dark
        // stroke (60 % of the paper's brightness) across the middle.
        let (w, h) = (400u32, 300u32);
        let mut data = vec![0u8; (w * h) as usize];
        for y in 0..h {
            for x in 0..w {
                let paper = 200.0 - 80.0 * f64::from(x) / f64::from(w);
                let ink = (140..150).contains(&y);
                data[(y * w + x) as usize] = if ink {
                    (paper * 0.3) as u8
                } else {
                    paper as u8
                };
            }
        }
        let mut page = Raster {
            width: w,
            height: h,
            channels: 1,
            data,
        };
        normalize(&mut page, 200);
        let at = |x: u32, y: u32| page.data[(y * w + x) as usize];
        assert_eq!(at(10, 20), 255);
        assert_eq!(at(390, 280), 255);
        assert!(at(10, 145) < 40, "{}", at(10, 145));
        assert!(at(390, 145) < 40, "{}", at(390, 145));
    }

    #[test]
    fn blank_page_stays_blank() {
        let mut page = Raster {
            width: 50,
            height: 50,
            channels: 1,
            data: vec![180; 2500],
        };
        normalize(&mut page, 200);
        assert!(page.data.iter().all(|&v| v == 255));
    }
}
