//! A Chebyshev interpolant of a smooth map over a box, trusted only where it
//! is checked to agree with the map.
//!
//! Converting a projected input (UTM, Gauss-Krüger) to the local plane runs
//! two Krüger series per position, about half a microsecond; a 300,000
//! building scenario has over a million positions. Over a city-sized extent
//! these maps are so smooth that a tensor Chebyshev interpolant of degree 5–8
//! reproduces them to well under a micrometre, at a twentieth of the cost.
//! The fit is checked on a grid three times finer than its nodes, and not
//! used at all when it misses the tolerance; outside its box the exact map
//! is used. (GDAL's approximate transformer does the same with a linear
//! interpolant and a pixel tolerance.)

/// A fitted map `(x, y) → (u, v)` over `[lo, hi]`.
///
/// ```
/// use linli::project::fitted::ChebyshevMap;
/// let f = |x: f64, y: f64| Some((x.sin() * 1000.0, (x * y).exp()));
/// let m = ChebyshevMap::fit([0.0, 0.0], [0.1, 0.2], [1e-9, 1e-12], &f).unwrap();
/// let (u, v) = m.eval(0.05, 0.07).unwrap();
/// assert!((u - 0.05f64.sin() * 1000.0).abs() < 1e-9);
/// assert!((v - (0.05f64 * 0.07).exp()).abs() < 1e-12);
/// assert!(m.eval(0.2, 0.0).is_none()); // outside the box
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ChebyshevMap {
    lo: [f64; 2],
    hi: [f64; 2],
    /// Coefficients of both outputs, `c[i * n + j]` for `T_i(s) T_j(t)`,
    /// side by side so that one pass evaluates both.
    c: Vec<[f64; 2]>,
    /// Terms per variable (degree + 1).
    n: usize,
    /// The largest differences found when checking, per output.
    pub max_error: [f64; 2],
}

/// Degrees tried in turn; the first that meets the tolerance is kept.
const DEGREES: [usize; 5] = [4, 6, 8, 10, 12];

impl ChebyshevMap {
    /// Fits `f` over the box `lo`–`hi`; `None` when `f` fails anywhere it is
    /// sampled, the box is empty, or no degree meets `tolerance` (per output).
    pub fn fit(
        lo: [f64; 2],
        hi: [f64; 2],
        tolerance: [f64; 2],
        f: &dyn Fn(f64, f64) -> Option<(f64, f64)>,
    ) -> Option<Self> {
        if !(lo[0] < hi[0] && lo[1] < hi[1] && lo.iter().chain(&hi).all(|v| v.is_finite())) {
            return None;
        }
        for degree in DEGREES {
            let mut m = Self::fit_degree(lo, hi, degree + 1, f)?;
            if m.check(tolerance, f)? {
                return Some(m);
            }
        }
        None
    }

    /// The fit with `n` terms per variable, from `f` at the Chebyshev nodes;
    /// `None` when `f` fails at one.
    fn fit_degree(
        lo: [f64; 2],
        hi: [f64; 2],
        n: usize,
        f: &dyn Fn(f64, f64) -> Option<(f64, f64)>,
    ) -> Option<Self> {
        // Values at the Chebyshev nodes cos(π (k + ½) / n).
        let nodes: Vec<f64> = (0..n)
            .map(|k| (std::f64::consts::PI * (k as f64 + 0.5) / n as f64).cos())
            .collect();
        let mut fu = vec![0.0; n * n];
        let mut fv = vec![0.0; n * n];
        for (k, s) in nodes.iter().enumerate() {
            for (l, t) in nodes.iter().enumerate() {
                let (x, y) = denormalise(lo, hi, *s, *t);
                let (u, v) = f(x, y)?;
                fu[k * n + l] = u;
                fv[k * n + l] = v;
            }
        }
        // t[i * n + k] = T_i(s_k)
        let t: Vec<f64> = (0..n)
            .flat_map(|i| nodes.iter().map(move |s| chebyshev(i, *s)))
            .collect();
        Some(ChebyshevMap {
            lo,
            hi,
            c: coefficients(&fu, &t, n)
                .into_iter()
                .zip(coefficients(&fv, &t, n))
                .map(|(u, v)| [u, v])
                .collect(),
            n,
            max_error: [0.0; 2],
        })
    }

    /// Whether the fit is within `tolerance` of `f` on a grid three times
    /// finer than the nodes, edges included (the largest errors found kept
    /// in `max_error`); `None` when `f` fails at a point.
    fn check(
        &mut self,
        tolerance: [f64; 2],
        f: &dyn Fn(f64, f64) -> Option<(f64, f64)>,
    ) -> Option<bool> {
        let steps = 3 * self.n;
        for a in 0..=steps {
            for b in 0..=steps {
                let s = -1.0 + 2.0 * a as f64 / steps as f64;
                let t = -1.0 + 2.0 * b as f64 / steps as f64;
                let (x, y) = denormalise(self.lo, self.hi, s, t);
                let (u, v) = f(x, y)?;
                let (pu, pv) = self.eval_normalised(s, t);
                self.max_error[0] = self.max_error[0].max((pu - u).abs());
                self.max_error[1] = self.max_error[1].max((pv - v).abs());
                if !(self.max_error[0] <= tolerance[0] && self.max_error[1] <= tolerance[1]) {
                    return Some(false);
                }
            }
        }
        Some(true)
    }

    /// The fitted map at `(x, y)`, or `None` outside the box.
    pub fn eval(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        if !(x >= self.lo[0] && x <= self.hi[0] && y >= self.lo[1] && y <= self.hi[1]) {
            return None;
        }
        let s = (2.0 * x - self.lo[0] - self.hi[0]) / (self.hi[0] - self.lo[0]);
        let t = (2.0 * y - self.lo[1] - self.hi[1]) / (self.hi[1] - self.lo[1]);
        Some(self.eval_normalised(s, t))
    }

    /// The terms per variable (degree + 1) of the fit kept.
    pub fn terms(&self) -> usize {
        self.n
    }

    fn eval_normalised(&self, s: f64, t: f64) -> (f64, f64) {
        let n = self.n;
        let mut ts = [0.0; 13];
        let mut tt = [0.0; 13];
        ts[0] = 1.0;
        tt[0] = 1.0;
        ts[1] = s;
        tt[1] = t;
        for i in 2..n {
            ts[i] = 2.0 * s * ts[i - 1] - ts[i - 2];
            tt[i] = 2.0 * t * tt[i - 1] - tt[i - 2];
        }
        // Rows of coefficients zipped with the terms, in the same order of
        // operations as indexing them (the same bits), without the bounds
        // checks that were a third of the work.
        let (mut u, mut v) = (0.0, 0.0);
        for (si, row) in ts[..n].iter().zip(self.c.chunks_exact(n)) {
            let (mut ru, mut rv) = (0.0, 0.0);
            for (tj, c) in tt[..n].iter().zip(row) {
                ru += c[0] * tj;
                rv += c[1] * tj;
            }
            u += ru * si;
            v += rv * si;
        }
        (u, v)
    }
}

fn denormalise(lo: [f64; 2], hi: [f64; 2], s: f64, t: f64) -> (f64, f64) {
    (
        lo[0] + (s + 1.0) / 2.0 * (hi[0] - lo[0]),
        lo[1] + (t + 1.0) / 2.0 * (hi[1] - lo[1]),
    )
}

/// T_i(s) by the recurrence.
fn chebyshev(i: usize, s: f64) -> f64 {
    let (mut a, mut b) = (1.0, s);
    match i {
        0 => a,
        _ => {
            for _ in 1..i {
                (a, b) = (b, 2.0 * s * b - a);
            }
            b
        }
    }
}

/// Chebyshev coefficients of values `fk` at the nodes (`t[i * n + k]` =
/// T_i(s_k)): c_ij = (2/n)² Σ_k Σ_l f(s_k, t_l) T_i(s_k) T_j(t_l), halved
/// for i = 0 and for j = 0 (the discrete orthogonality of T at the nodes).
fn coefficients(fk: &[f64], t: &[f64], n: usize) -> Vec<f64> {
    let mut c = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            let mut sum = 0.0;
            for k in 0..n {
                let mut row = 0.0;
                for l in 0..n {
                    row += fk[k * n + l] * t[j * n + l];
                }
                sum += row * t[i * n + k];
            }
            let mut w = 4.0 / (n * n) as f64;
            if i == 0 {
                w /= 2.0;
            }
            if j == 0 {
                w /= 2.0;
            }
            c[i * n + j] = sum * w;
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chebyshev_values() {
        assert_eq!(chebyshev(0, 0.3), 1.0);
        assert_eq!(chebyshev(1, 0.3), 0.3);
        assert!((chebyshev(3, 0.3) - (4.0 * 0.027 - 0.9)).abs() < 1e-15);
    }

    #[test]
    fn a_polynomial_is_reproduced_at_the_lowest_degree() {
        let f = |x: f64, y: f64| Some((3.0 * x * x * y - y + 2.0, x - y * y * y));
        let m = ChebyshevMap::fit([-5.0, 1.0], [7.0, 4.0], [1e-10, 1e-10], &f).unwrap();
        assert_eq!(m.terms(), 5);
        let (u, v) = m.eval(1.5, 2.5).unwrap();
        assert!((u - (3.0 * 2.25 * 2.5 - 2.5 + 2.0)).abs() < 1e-10);
        assert!((v - (1.5 - 15.625)).abs() < 1e-10);
    }

    #[test]
    fn no_fit_for_a_kink_or_a_failing_map() {
        let kink = |x: f64, _y: f64| Some((x.abs(), 0.0));
        assert!(ChebyshevMap::fit([-1.0, -1.0], [1.0, 1.0], [1e-6, 1e-6], &kink).is_none());
        let fails = |x: f64, _y: f64| (x < 0.5).then_some((x, x));
        assert!(ChebyshevMap::fit([0.0, 0.0], [1.0, 1.0], [1e-6, 1e-6], &fails).is_none());
        let f = |x: f64, y: f64| Some((x, y));
        assert!(ChebyshevMap::fit([0.0, 0.0], [0.0, 1.0], [1e-6, 1e-6], &f).is_none());
    }
}
