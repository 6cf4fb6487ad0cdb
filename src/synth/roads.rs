//! The street network of a synthetic city on the lattice: arterials on the
//! community borders (primary and secondary, alternating), a tertiary cross
//! in large communities, irregular local streets (jittered spacing, missing
//! sides, dead ends, footways, rural tracks), 45° diagonals, every road cut
//! at the river except the bridges, which are split out as their own ways.
//!
//! Every coordinate is a lattice point, and every line holds every lattice
//! point it passes, so crossings and T-junctions are shared vertices (as in
//! OpenStreetMap) before `lattice::thin` drops the ones nobody shares.

use super::lattice::{LATTICE_M, Lp};
use super::layout::{CommunityPlan, Layout};
use super::river::River;
use super::rng::Rng;
use crate::model::CommunityKind;
use std::collections::BTreeMap;

/// A road way: lattice points, OSM class, name, bridge flag.
///
/// ```
/// # use linli::synth::{layout::plan_layout, roads::plan_network, rng::Rng, River};
/// let rng = Rng::new(1);
/// let l = plan_layout(20_000, 9, 2, &rng);
/// let net = plan_network(&l, &River::new(&l, &rng), &rng);
/// assert!(net.roads.iter().all(|r| r.pts.len() >= 2));
/// ```
#[derive(Debug, Clone)]
pub struct RoadRun {
    /// Every lattice point along it.
    pub pts: Vec<Lp>,
    /// OSM `highway` class.
    pub class: &'static str,
    /// Street name (empty for minor roads).
    pub name: String,
    /// A bridge over the river.
    pub bridge: bool,
}

/// A cell of the local grid: the land between four streets (some of which
/// may be missing), where buildings go.
///
/// ```
/// # use linli::synth::{layout::plan_layout, roads::plan_network, rng::Rng, River};
/// let rng = Rng::new(1);
/// let l = plan_layout(20_000, 9, 2, &rng);
/// let net = plan_network(&l, &River::new(&l, &rng), &rng);
/// assert!(net.cells.iter().all(|c| c.community < 9));
/// ```
#[derive(Debug, Clone)]
pub struct Cell {
    /// Community index.
    pub community: usize,
    /// West, east, south, north (lattice units).
    pub rect: [i64; 4],
}

/// The network and the cells it leaves.
///
/// ```
/// # use linli::synth::{layout::plan_layout, roads::plan_network, rng::Rng, River};
/// let rng = Rng::new(1);
/// let l = plan_layout(20_000, 9, 2, &rng);
/// let net = plan_network(&l, &River::new(&l, &rng), &rng);
/// assert!(!net.diagonals.is_empty());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Network {
    /// Road ways.
    pub roads: Vec<RoadRun>,
    /// Cells per community, in community order.
    pub cells: Vec<Cell>,
    /// Diagonal roads as (start, end) lattice points, for keeping buildings off them.
    pub diagonals: Vec<(Lp, Lp)>,
}

fn vertical(x: i64, y0: i64, y1: i64) -> Vec<Lp> {
    (y0..=y1).map(|y| (x, y)).collect()
}

fn horizontal(y: i64, x0: i64, x1: i64) -> Vec<Lp> {
    (x0..=x1).map(|x| (x, y)).collect()
}

/// Merges touching intervals.
fn merge(mut iv: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    iv.sort();
    let mut out: Vec<(i64, i64)> = Vec::new();
    for (a, b) in iv {
        match out.last_mut() {
            Some(l) if a <= l.1 => l.1 = l.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// Positions strictly inside `(lo, hi)` at jittered spacing `step` (lattice
/// units), the last gap at least `0.6 × step.0`.
fn positions(lo: i64, hi: i64, step: (i64, i64), rng: &mut Rng) -> Vec<i64> {
    let mut out = Vec::new();
    let mut p = lo;
    loop {
        p += rng.between(step.0 as u64, step.1 as u64) as i64;
        if p > hi - (step.0 * 6 / 10).max(6) {
            break;
        }
        out.push(p);
    }
    out
}

/// The class of one side of a local street, `None` where it is missing.
fn minor_class(kind: CommunityKind, rng: &mut Rng) -> Option<&'static str> {
    let r = rng.unit();
    match kind {
        CommunityKind::Rural if r < 0.15 => None,
        CommunityKind::Rural if r < 0.35 => Some("track"),
        CommunityKind::Rural => Some("unclassified"),
        _ if r < 0.08 => None,
        _ if r < 0.16 => Some("footway"),
        _ if r < 0.24 => Some("service"),
        _ => Some("residential"),
    }
}

/// A local street of the lattice line `fixed` (north-south when
/// `is_v`), cut into sides at the crossing lines `cuts`: a side may be
/// missing, half there (a dead end) or of a minor class; runs of sides of
/// one class make one way.
fn street_sides(
    is_v: bool,
    fixed: i64,
    cuts: &[i64],
    kind: CommunityKind,
    rng: &mut Rng,
    out: &mut Network,
) {
    let at = |a: i64| if is_v { (fixed, a) } else { (a, fixed) };
    let mut run: Vec<Lp> = Vec::new();
    let mut run_class: Option<&'static str> = None;
    let flush = |run: &mut Vec<Lp>, class: &mut Option<&'static str>, out: &mut Network| {
        if run.len() >= 2
            && let Some(c) = *class
        {
            out.roads.push(RoadRun {
                pts: std::mem::take(run),
                class: c,
                name: String::new(),
                bridge: false,
            });
        }
        run.clear();
        *class = None;
    };
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let class = minor_class(kind, rng);
        let dead_end = rng.chance(0.07);
        match class {
            None => flush(&mut run, &mut run_class, out),
            Some(c) if dead_end => {
                flush(&mut run, &mut run_class, out);
                let mid = (a + b) / 2;
                let (s, e) = if rng.chance(0.5) { (a, mid) } else { (mid, b) };
                out.roads.push(RoadRun {
                    pts: (s..=e).map(at).collect(),
                    class: c,
                    name: String::new(),
                    bridge: false,
                });
            }
            Some(c) => {
                if run_class != Some(c) {
                    flush(&mut run, &mut run_class, out);
                    run_class = Some(c);
                }
                let start = if run.is_empty() { a } else { a + 1 };
                run.extend((start..=b).map(at));
            }
        }
    }
    flush(&mut run, &mut run_class, out);
}

/// Local streets of one superblock; pushes roads and cells.
fn local_grid(
    community: usize,
    kind: CommunityKind,
    sb: [i64; 4],
    rng: &mut Rng,
    out: &mut Network,
) {
    let step = match kind {
        CommunityKind::Urban => (11, 19),
        CommunityKind::Resettlement => (12, 20),
        CommunityKind::Rural => (20, 33),
    };
    let xs = positions(sb[0], sb[1], step, rng);
    let ys = positions(sb[2], sb[3], step, rng);
    // The lines with the superblock's edges: where the cells end.
    let xb: Vec<i64> = std::iter::once(sb[0])
        .chain(xs.iter().copied())
        .chain([sb[1]])
        .collect();
    let yb: Vec<i64> = std::iter::once(sb[2])
        .chain(ys.iter().copied())
        .chain([sb[3]])
        .collect();
    for &x in &xs {
        street_sides(true, x, &yb, kind, rng, out);
    }
    for &y in &ys {
        street_sides(false, y, &xb, kind, rng, out);
    }
    for i in 0..xb.len() - 1 {
        for j in 0..yb.len() - 1 {
            out.cells.push(Cell {
                community,
                rect: [xb[i], xb[i + 1], yb[j], yb[j + 1]],
            });
        }
    }
}

/// Whether lattice point `p` lies in some community (edges included).
fn in_district(layout: &Layout, p: Lp) -> bool {
    layout
        .communities
        .iter()
        .any(|c| c.rect[0] <= p.0 && p.0 <= c.rect[1] && c.rect[2] <= p.1 && p.1 <= c.rect[3])
}

/// Cuts a run where it enters the river (bridges are split out instead).
fn cut_at_river(r: RoadRun, river: &River, out: &mut Vec<RoadRun>) {
    let wet =
        |p: &Lp, margin: f64| river.within(p.0 as f64 * LATTICE_M, p.1 as f64 * LATTICE_M, margin);
    if r.bridge {
        let idx: Vec<usize> = (0..r.pts.len()).filter(|&i| wet(&r.pts[i], 12.0)).collect();
        let (Some(&a), Some(&b)) = (idx.first(), idx.last()) else {
            out.push(RoadRun { bridge: false, ..r });
            return;
        };
        let (a, b) = (a.saturating_sub(1), (b + 1).min(r.pts.len() - 1));
        for (s, e, bridge) in [(0, a, false), (a, b, true), (b, r.pts.len() - 1, false)] {
            if e > s {
                out.push(RoadRun {
                    pts: r.pts[s..=e].to_vec(),
                    class: r.class,
                    name: r.name.clone(),
                    bridge,
                });
            }
        }
        return;
    }
    let mut cur: Vec<Lp> = Vec::new();
    for p in &r.pts {
        if wet(p, 5.0) {
            if cur.len() >= 2 {
                out.push(RoadRun {
                    pts: std::mem::take(&mut cur),
                    ..r.clone()
                });
            }
            cur.clear();
        } else {
            cur.push(*p);
        }
    }
    if cur.len() >= 2 {
        out.push(RoadRun { pts: cur, ..r });
    }
}

/// Plans the whole network of `layout`.
///
/// ```
/// # use linli::synth::{layout::plan_layout, roads::plan_network, rng::Rng, River};
/// let rng = Rng::new(1);
/// let l = plan_layout(20_000, 9, 2, &rng);
/// let net = plan_network(&l, &River::new(&l, &rng), &rng);
/// assert!(net.roads.iter().any(|r| r.bridge));
/// assert!(net.cells.len() > 9);
/// ```
pub fn plan_network(layout: &Layout, river: &River, rng: &Rng) -> Network {
    let mut r = rng.fork(2);
    let mut net = Network::default();
    let mut runs = arterials(layout);
    for c in &layout.communities {
        // Forked before the diagonals draw from `r`.
        let mut cr = r.fork(c.index as u64 + 100);
        community_streets(c, &mut cr, &mut runs, &mut net.cells);
    }
    diagonal_roads(layout, &mut r, &mut runs, &mut net.diagonals);
    for run in runs {
        cut_at_river(run, river, &mut net.roads);
    }
    net
}

/// Arterials on the community borders, merged along each grid line:
/// primary and secondary alternating, every other north-south one a bridge.
fn arterials(layout: &Layout) -> Vec<RoadRun> {
    let mut runs: Vec<RoadRun> = Vec::new();
    let mut v: BTreeMap<i64, Vec<(i64, i64)>> = BTreeMap::new();
    let mut h: BTreeMap<i64, Vec<(i64, i64)>> = BTreeMap::new();
    for c in &layout.communities {
        let [x0, x1, y0, y1] = c.rect;
        v.entry(x0).or_default().push((y0, y1));
        v.entry(x1).or_default().push((y0, y1));
        h.entry(y0).or_default().push((x0, x1));
        h.entry(y1).or_default().push((x0, x1));
    }
    let class = |i: usize| {
        if i.is_multiple_of(2) {
            "primary"
        } else {
            "secondary"
        }
    };
    for (&x, iv) in &v {
        let i = layout.cols.iter().position(|&c| c == x).unwrap_or(0);
        for (a, b) in merge(iv.clone()) {
            runs.push(RoadRun {
                pts: vertical(x, a, b),
                class: class(i),
                name: format!("经{}路", i + 1),
                // Every other north-south arterial bridges the river.
                bridge: i.is_multiple_of(2),
            });
        }
    }
    for (&y, iv) in &h {
        let j = layout.rows.iter().position(|&c| c == y).unwrap_or(0);
        for (a, b) in merge(iv.clone()) {
            runs.push(RoadRun {
                pts: horizontal(y, a, b),
                class: class(j + 1),
                name: format!("纬{}路", j + 1),
                bridge: false,
            });
        }
    }
    runs
}

/// Inside one community: a tertiary cross when it is large (over 700 m a
/// side), then local streets in each superblock it leaves.
fn community_streets(
    c: &CommunityPlan,
    cr: &mut Rng,
    runs: &mut Vec<RoadRun>,
    cells: &mut Vec<Cell>,
) {
    let [x0, x1, y0, y1] = c.rect;
    let mut xs = vec![x0];
    if (x1 - x0) as f64 * LATTICE_M > 700.0 {
        let m = (x0 + x1) / 2 + cr.between(0, 6) as i64 - 3;
        runs.push(RoadRun {
            pts: vertical(m, y0, y1),
            class: "tertiary",
            name: format!("社区{}南北路", c.index + 1),
            bridge: false,
        });
        xs.push(m);
    }
    xs.push(x1);
    let mut ys = vec![y0];
    if (y1 - y0) as f64 * LATTICE_M > 700.0 {
        let m = (y0 + y1) / 2 + cr.between(0, 6) as i64 - 3;
        runs.push(RoadRun {
            pts: horizontal(m, x0, x1),
            class: "tertiary",
            name: format!("社区{}东西路", c.index + 1),
            bridge: false,
        });
        ys.push(m);
    }
    ys.push(y1);
    let mut local = Network::default();
    for i in 0..xs.len() - 1 {
        for j in 0..ys.len() - 1 {
            local_grid(
                c.index,
                c.kind,
                [xs[i], xs[i + 1], ys[j], ys[j + 1]],
                cr,
                &mut local,
            );
        }
    }
    runs.extend(local.roads);
    cells.extend(local.cells);
}

/// 45° diagonals through the core (one per ~40 communities), kept where
/// they run inside the district; their ends go to `diagonals`.
fn diagonal_roads(
    layout: &Layout,
    r: &mut Rng,
    runs: &mut Vec<RoadRun>,
    diagonals: &mut Vec<(Lp, Lp)>,
) {
    let n = layout.communities.len();
    let count = if n >= 4 { (n / 40).max(1) } else { 0 };
    let gc = layout.cols.len() - 1;
    let gr = layout.rows.len() - 1;
    for d in 0..count {
        let ci = (gc / 4 + r.between(0, (gc / 4) as u64) as usize).min(gc - 1);
        let rj = (gr / 4 + r.between(0, (gr / 4) as u64) as usize).min(gr - 1);
        let (sx, sy) = (layout.cols[ci], layout.rows[rj]);
        let dy: i64 = if d % 2 == 0 { 1 } else { -1 };
        let sy = if dy < 0 { layout.rows[gr - rj] } else { sy };
        let len = (layout.cols[gc].min(layout.rows[gr]) as f64 * 0.55) as i64;
        let pts: Vec<Lp> = (0..=len).map(|k| (sx + k, sy + dy * k)).collect();
        let mut cur: Vec<Lp> = Vec::new();
        let mut pieces = Vec::new();
        for p in pts {
            if in_district(layout, p) {
                cur.push(p);
            } else if !cur.is_empty() {
                pieces.push(std::mem::take(&mut cur));
            }
        }
        pieces.push(cur);
        for p in pieces.into_iter().filter(|p| p.len() >= 2) {
            diagonals.push((p[0], p[p.len() - 1]));
            runs.push(RoadRun {
                pts: p,
                class: "secondary",
                name: format!("斜{}路", d + 1),
                bridge: false,
            });
        }
    }
}
