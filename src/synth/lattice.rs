//! The lattice every street vertex lies on, the smooth warp that bends it
//! on the plane, and the thinning of lattice points nobody shares.

use super::rng::Rng;
use geo::{Coord, LineString, Polygon};
use std::collections::HashMap;
use std::f64::consts::TAU;

/// Lattice step, metres: every street vertex lies on it.
///
/// ```
/// assert_eq!(linli::synth::LATTICE_M, 10.0);
/// ```
pub const LATTICE_M: f64 = 10.0;

/// A lattice point (units of [`LATTICE_M`]).
///
/// ```
/// let p: linli::synth::Lp = (3, 4); // (30 m, 40 m)
/// assert_eq!(p.0 as f64 * linli::synth::LATTICE_M, 30.0);
/// ```
pub type Lp = (i64, i64);

/// A smooth displacement (tens of metres over kilometres) so that the grid
/// is not axis-aligned; lines through shared lattice points stay shared.
#[derive(Debug, Clone)]
pub(super) struct Warp {
    phase: [f64; 4],
    centre: (f64, f64),
}

impl Warp {
    /// The warp of a district `w` × `h` metres, centred on it.
    pub(super) fn new(w: f64, h: f64, rng: &Rng) -> Self {
        let mut wr = rng.fork(7);
        Warp {
            phase: [
                wr.range(0.0, TAU),
                wr.range(0.0, TAU),
                wr.range(0.0, TAU),
                wr.range(0.0, TAU),
            ],
            centre: (w / 2.0, h / 2.0),
        }
    }

    /// A point, metres pre-warp, on the plane.
    pub(super) fn at(&self, x: f64, y: f64) -> Coord<f64> {
        let p = self.phase;
        Coord {
            x: x + 25.0 * (TAU * y / 1700.0 + p[0]).sin()
                + 10.0 * (TAU * (x + y) / 2300.0 + p[1]).sin()
                - self.centre.0,
            y: y + 25.0 * (TAU * x / 1900.0 + p[2]).sin()
                + 10.0 * (TAU * (x - y) / 2700.0 + p[3]).sin()
                - self.centre.1,
        }
    }

    /// A lattice point on the plane.
    pub(super) fn lattice(&self, p: Lp) -> Coord<f64> {
        self.at(p.0 as f64 * LATTICE_M, p.1 as f64 * LATTICE_M)
    }

    /// A rectangle (west, east, south, north metres pre-warp) on the plane.
    pub(super) fn rect(&self, r: [f64; 4]) -> Polygon<f64> {
        let [x0, x1, y0, y1] = r;
        let mut pts = Vec::new();
        // Sides sampled every ~50 m so the warp bends them like the streets.
        for (a, b) in [
            ((x0, y0), (x1, y0)),
            ((x1, y0), (x1, y1)),
            ((x1, y1), (x0, y1)),
            ((x0, y1), (x0, y0)),
        ] {
            let n = ((b.0 - a.0).hypot(b.1 - a.1) / 50.0).ceil().max(1.0) as usize;
            for i in 0..n {
                let t = i as f64 / n as f64;
                pts.push(self.at(a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t));
            }
        }
        pts.push(pts[0]);
        Polygon::new(LineString(pts), vec![])
    }
}

/// Where a lattice point is along its line: y on north-south lines, x otherwise.
pub(super) fn along(p: Lp, vertical: bool) -> i64 {
    if vertical { p.1 } else { p.0 }
}

/// Drops the lattice points of a line that no other line shares, keeping
/// one every 50 m for the shape and the ends.
pub(super) fn thin(pts: &[Lp], shared: &HashMap<Lp, u32>) -> Vec<Lp> {
    let vertical = pts.len() >= 2 && pts[0].0 == pts[1].0;
    let n = pts.len();
    pts.iter()
        .enumerate()
        .filter(|&(i, p)| {
            i == 0
                || i + 1 == n
                || shared.get(p).copied().unwrap_or(0) >= 2
                || along(*p, vertical) % 5 == 0
        })
        .map(|(_, p)| *p)
        .collect()
}

/// Distance from `p` to segment `a`–`b`.
pub(super) fn seg_dist(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let l2 = dx * dx + dy * dy;
    let t = if l2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / l2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p.0 - a.0 - t * dx).hypot(p.1 - a.1 - t * dy)
}
