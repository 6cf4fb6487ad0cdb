//! The district's layout: communities on a grid of arterial-bounded
//! rectangles (small and dense at the centre, large and sparse at the edge),
//! their kinds (rural at the edge, resettlement in the middle ring), their
//! streets (contiguous runs of a serpentine order) and household budgets
//! that sum exactly to the requested total.

use super::lattice::LATTICE_M;
use super::rng::Rng;
use crate::model::CommunityKind;

/// One community of the layout, in lattice units (see [`LATTICE_M`]).
///
/// ```
/// # use linli::synth::{layout::plan_layout, rng::Rng};
/// let l = plan_layout(20_000, 9, 2, &Rng::new(1));
/// assert!(l.communities.iter().all(|c| c.rect[0] < c.rect[1] && c.rect[2] < c.rect[3]));
/// ```
#[derive(Debug, Clone)]
pub struct CommunityPlan {
    /// Index in the layout.
    pub index: usize,
    /// Column and row on the community grid.
    pub col: usize,
    /// Row on the community grid.
    pub row: usize,
    /// West, east, south, north edges (lattice units).
    pub rect: [i64; 4],
    /// Urban, rural or resettlement.
    pub kind: CommunityKind,
    /// Street (街道) index.
    pub street: usize,
    /// Distance of the centre from the district centre, 0 (centre) … 1 (edge).
    pub zone: f64,
    /// Households to place in it.
    pub households: u64,
}

/// The district's communities and the grid lines between them.
///
/// ```
/// # use linli::synth::{layout::plan_layout, rng::Rng};
/// let l = plan_layout(20_000, 9, 2, &Rng::new(1));
/// assert_eq!(l.cols.len(), 4); // 3 × 3 communities
/// assert_eq!(l.streets, 2);
/// ```
#[derive(Debug, Clone)]
pub struct Layout {
    /// x of the community grid's column lines (lattice units), west to east.
    pub cols: Vec<i64>,
    /// y of the row lines (lattice units), south to north.
    pub rows: Vec<i64>,
    /// The communities, row by row from the south-west.
    pub communities: Vec<CommunityPlan>,
    /// Number of streets.
    pub streets: usize,
}

/// Widths (lattice units) of `n` grid bands: narrow at the centre, wide at
/// the edge, scaled by `scale`. Their mean is that of the continuous profile
/// whatever `n`, so density does not change with the district's size.
fn bands(n: usize, scale: f64, rng: &mut Rng) -> Vec<i64> {
    let half = (n as f64 - 1.0) / 2.0;
    let profile = |t: f64| 350.0 + 750.0 * t.powf(1.6);
    let raw: Vec<f64> = (0..n)
        .map(|i| {
            let t = if half > 0.0 {
                ((i as f64 - half).abs() / half).min(1.0)
            } else {
                0.0
            };
            profile(t) * rng.range(0.85, 1.15)
        })
        .collect();
    // Mean of the profile over t uniform in [0, 1]: 350 + 750 / 2.6.
    let want = 350.0 + 750.0 / 2.6;
    let norm = want * n as f64 / raw.iter().sum::<f64>().max(1.0);
    raw.iter()
        .map(|m| ((scale * m * norm / LATTICE_M).round() as i64).max(16))
        .collect()
}

/// Splits `total` into integer parts proportional to `weights` (largest
/// remainder), so the parts sum to `total` exactly.
///
/// ```
/// # use linli::synth::layout::apportion;
/// assert_eq!(apportion(10, &[1.0, 1.0, 2.0]), vec![3, 2, 5]);
/// assert_eq!(apportion(10, &[1.0, 1.0, 2.0]).iter().sum::<u64>(), 10);
/// ```
pub fn apportion(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    if weights.is_empty() || sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut parts: Vec<u64> = exact.iter().map(|e| e.floor() as u64).collect();
    let mut left = total.saturating_sub(parts.iter().sum());
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    for &i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
}

/// Lays out `communities` communities in `streets` streets holding
/// `households` in total.
///
/// ```
/// # use linli::synth::{layout::plan_layout, rng::Rng};
/// let l = plan_layout(10_000, 6, 2, &Rng::new(1));
/// assert_eq!(l.communities.len(), 6);
/// assert_eq!(l.communities.iter().map(|c| c.households).sum::<u64>(), 10_000);
/// ```
pub fn plan_layout(households: u64, communities: usize, streets: usize, rng: &Rng) -> Layout {
    let mut r = rng.fork(1);
    let n = communities.max(1);
    let gc = (n as f64).sqrt().ceil() as usize;
    let gr = n.div_ceil(gc);
    // Community sides grow with the households each must hold, so density
    // stays that of a Chinese city whatever the total.
    let per = households as f64 / n as f64;
    let scale = (per / 2400.0).sqrt().clamp(0.25, 3.0);
    let cols = grid_lines(&bands(gc, scale, &mut r));
    let rows = grid_lines(&bands(gr, scale, &mut r));
    let mut plans = community_grid(n, &cols, &rows);
    assign_kinds(&mut plans);
    let s = streets.clamp(1, n);
    assign_streets(&mut plans, gc, gr, s);
    household_budgets(&mut plans, households, &mut r);
    Layout {
        cols,
        rows,
        communities: plans,
        streets: s,
    }
}

/// The grid lines bounding bands of these widths, from 0.
fn grid_lines(widths: &[i64]) -> Vec<i64> {
    let mut lines = vec![0i64];
    for w in widths {
        lines.push(lines.last().copied().unwrap_or(0) + w);
    }
    lines
}

/// `n` urban communities on the grid, row by row from the south-west, each
/// with its distance from the district centre (`zone`).
fn community_grid(n: usize, cols: &[i64], rows: &[i64]) -> Vec<CommunityPlan> {
    let (gc, gr) = (cols.len() - 1, rows.len() - 1);
    let (cx, cy) = (cols[gc] as f64 / 2.0, rows[gr] as f64 / 2.0);
    (0..n)
        .map(|i| {
            let (row, col) = (i / gc, i % gc);
            let rect = [cols[col], cols[col + 1], rows[row], rows[row + 1]];
            let mx = ((rect[0] + rect[1]) as f64 / 2.0 - cx) / cx.max(1.0);
            let my = ((rect[2] + rect[3]) as f64 / 2.0 - cy) / cy.max(1.0);
            CommunityPlan {
                index: i,
                col,
                row,
                rect,
                kind: CommunityKind::Urban,
                street: 0,
                zone: (mx.hypot(my) / std::f64::consts::SQRT_2).min(1.0),
                households: 0,
            }
        })
        .collect()
}

/// Kinds: the farthest ~22 % rural, ~10 % of the middle ring resettlement.
fn assign_kinds(plans: &mut [CommunityPlan]) {
    let n = plans.len();
    if n < 3 {
        return;
    }
    let mut by_zone: Vec<usize> = (0..n).collect();
    by_zone.sort_by(|&a, &b| plans[a].zone.total_cmp(&plans[b].zone).then(a.cmp(&b)));
    let rural = ((n as f64 * 0.22).round() as usize).max(1);
    for &i in by_zone.iter().rev().take(rural) {
        plans[i].kind = CommunityKind::Rural;
    }
    let rest = &by_zone[..n - rural];
    let resettle = ((n as f64 * 0.10).round() as usize).max(1);
    // Evenly through the outer half of the non-rural communities.
    let ring = &rest[rest.len() / 2..];
    for k in 0..resettle.min(ring.len()) {
        let i = ring[(k * ring.len()) / resettle.min(ring.len())];
        plans[i].kind = CommunityKind::Resettlement;
    }
}

/// Streets: `s` contiguous chunks of a serpentine walk over the `gc` × `gr` grid.
fn assign_streets(plans: &mut [CommunityPlan], gc: usize, gr: usize, s: usize) {
    let n = plans.len();
    let mut order: Vec<usize> = Vec::with_capacity(n);
    for row in 0..gr {
        let mut line: Vec<usize> = (0..gc).map(|c| row * gc + c).filter(|&i| i < n).collect();
        if row % 2 == 1 {
            line.reverse();
        }
        order.extend(line);
    }
    for (k, &i) in order.iter().enumerate() {
        plans[i].street = k * s / n;
    }
}

/// Household budgets summing to `households`: rural communities hold
/// fewer, resettlement more, each ±25 %.
fn household_budgets(plans: &mut [CommunityPlan], households: u64, r: &mut Rng) {
    let weights: Vec<f64> = plans
        .iter()
        .map(|p| {
            let w = match p.kind {
                CommunityKind::Urban => 1.0,
                CommunityKind::Resettlement => 1.3,
                CommunityKind::Rural => 0.55,
            };
            w * r.range(0.75, 1.25)
        })
        .collect();
    for (p, h) in plans.iter_mut().zip(apportion(households, &weights)) {
        p.households = h;
    }
}
