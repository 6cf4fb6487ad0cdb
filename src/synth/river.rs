//! The river: a meandering band across the district, west to east.

use super::lattice::LATTICE_M;
use super::layout::Layout;
use super::rng::Rng;
use std::f64::consts::TAU;

/// The river: a meandering band across the district, west to east.
///
/// ```
/// # use linli::synth::{layout::plan_layout, rng::Rng, River};
/// let l = plan_layout(10_000, 4, 1, &Rng::new(1));
/// let r = River::new(&l, &Rng::new(1));
/// assert!(r.within(50.0, r.centre(50.0) + 20.0, 0.0)); // 30 m half width
/// ```
#[derive(Debug, Clone)]
pub struct River {
    y0: f64,
    waves: [(f64, f64, f64); 2],
    half_width: f64,
    x_range: (f64, f64),
}

impl River {
    /// The river of a layout (metres, pre-warp), a little south of the middle.
    ///
    /// ```
    /// # use linli::synth::{layout::plan_layout, rng::Rng, River};
    /// let l = plan_layout(10_000, 4, 1, &Rng::new(1));
    /// let r = River::new(&l, &Rng::new(1));
    /// assert!(r.within(100.0, r.centre(100.0), 0.0));
    /// ```
    pub fn new(layout: &Layout, rng: &Rng) -> Self {
        let mut r = rng.fork(6);
        let w = *layout.cols.last().unwrap_or(&1) as f64 * LATTICE_M;
        let h = *layout.rows.last().unwrap_or(&1) as f64 * LATTICE_M;
        River {
            y0: h * r.range(0.40, 0.50),
            waves: [
                (0.04 * h, TAU * 1.7 / w, r.range(0.0, TAU)),
                (0.012 * h, TAU * 4.1 / w, r.range(0.0, TAU)),
            ],
            half_width: 30.0,
            x_range: (-80.0, w + 80.0),
        }
    }

    /// The centre line's y at `x`.
    ///
    /// ```
    /// # use linli::synth::{layout::plan_layout, rng::Rng, River};
    /// let r = River::new(&plan_layout(10_000, 4, 1, &Rng::new(1)), &Rng::new(1));
    /// assert!(r.centre(0.0).is_finite());
    /// ```
    pub fn centre(&self, x: f64) -> f64 {
        self.y0
            + self
                .waves
                .iter()
                .map(|(a, k, p)| a * (k * x + p).sin())
                .sum::<f64>()
    }

    /// Whether `(x, y)` is in the river or within `margin` of its banks
    /// (measured north-south).
    ///
    /// ```
    /// # use linli::synth::{layout::plan_layout, rng::Rng, River};
    /// let r = River::new(&plan_layout(10_000, 4, 1, &Rng::new(1)), &Rng::new(1));
    /// assert!(!r.within(0.0, r.centre(0.0) + 100.0, 10.0));
    /// ```
    pub fn within(&self, x: f64, y: f64, margin: f64) -> bool {
        (y - self.centre(x)).abs() < self.half_width + margin
    }

    /// The river's outline, metres pre-warp, sampled every 20 m.
    pub(super) fn outline(&self) -> Vec<(f64, f64)> {
        let (a, b) = self.x_range;
        let n = ((b - a) / 20.0).ceil() as usize;
        let xs: Vec<f64> = (0..=n).map(|i| a + (b - a) * i as f64 / n as f64).collect();
        let mut ring: Vec<(f64, f64)> = xs
            .iter()
            .map(|&x| (x, self.centre(x) - self.half_width))
            .collect();
        ring.extend(
            xs.iter()
                .rev()
                .map(|&x| (x, self.centre(x) + self.half_width)),
        );
        ring
    }
}
