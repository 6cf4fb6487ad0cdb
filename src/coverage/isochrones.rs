//! Service areas as network isochrones: for a facility kind and a walking
//! limit, the concave hull of the network each facility reaches first,
//! dissolved over the kind.
//!
//! One labelled multi-source search per kind gives every junction its
//! distance to the nearest facility and which facility that is; each
//! street is then cut where the limit runs out and where two facilities'
//! walks meet, so the reached network splits into one connected catchment
//! per facility. A catchment's hull costs O(n log n) in its own points and
//! the catchments share no street, so a kind's isochrones grow with the
//! network, not with facilities × reach as buffered service areas did.

use super::dijkstra::Search;
use super::network::{WalkEdge, WalkGraph};
use super::snap::Snap;
use geo::{Coord, Line, MultiPolygon, Polygon};
use std::collections::BTreeMap;

/// One walking limit to draw: its metres and the life circle (minutes) it
/// is the limit of, if any.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Level {
    /// Walking limit, metres.
    pub metres: f64,
    /// The life circle (minutes) whose walking distance this is.
    pub circle: Option<u32>,
}

/// The limits drawn for a kind: every life circle's distance below the
/// kind's own limit, then the kind's limit (named by its circle when it is
/// one's distance).
///
/// ```
/// use std::collections::BTreeMap;
/// use linli::coverage::isochrones::levels;
/// let circles = BTreeMap::from([(5, 300.0), (10, 500.0), (15, 1000.0)]);
/// let l = levels(1000.0, &circles);
/// assert_eq!(l.iter().map(|l| (l.metres, l.circle)).collect::<Vec<_>>(),
///     vec![(300.0, Some(5)), (500.0, Some(10)), (1000.0, Some(15))]);
/// assert_eq!(levels(400.0, &circles).last().unwrap().circle, None);
/// ```
pub fn levels(limit_m: f64, circles: &BTreeMap<u32, f64>) -> Vec<Level> {
    let mut out: Vec<Level> = circles
        .iter()
        .filter(|(_, m)| **m < limit_m - super::EPS_M)
        .map(|(&c, &m)| Level {
            metres: m,
            circle: Some(c),
        })
        .collect();
    let own = circles
        .iter()
        .find(|(_, m)| (**m - limit_m).abs() <= super::EPS_M)
        .map(|(&c, _)| c);
    out.push(Level {
        metres: limit_m,
        circle: own,
    });
    out
}

/// Spacing (m) of the points taken along reached streets: the hull follows
/// a street no farther than this from it.
pub const STEP_M: f64 = 40.0;

/// How the hulls are drawn: concaveman's concavity (lower digs deeper)
/// and the hull edge length (m) below which it stops digging.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HullStyle {
    /// Relative concavity (concaveman's; 2 is its default).
    pub concavity: f64,
    /// Hull edges shorter than this are kept (metres).
    pub edge_m: f64,
}

/// A kind's isochrone at each of `levels` (ascending): `sources` are the
/// kind's facilities on the network, `at` where they stand.
///
/// ```
/// use geo::{Area, Coord, Validation};
/// use linli::coverage::{dijkstra::Search, network::from_nodes, snap::Snapper};
/// use linli::coverage::isochrones::{isochrones, HullStyle, Level};
/// let c = |x, y| Coord { x, y };
/// // A 1 km grid of streets every 100 m, a facility in the middle.
/// let (mut nodes, mut segs) = (Vec::new(), Vec::new());
/// for j in 0..11 { for i in 0..11 { nodes.push(c(i as f64 * 100.0, j as f64 * 100.0)); } }
/// for j in 0..11u32 { for i in 0..11u32 {
///     if i < 10 { segs.push((j * 11 + i, j * 11 + i + 1)); }
///     if j < 10 { segs.push((j * 11 + i, (j + 1) * 11 + i)); }
/// } }
/// let g = from_nodes(nodes, segs);
/// let f = Snapper::new(&g).snap(&g, c(500.0, 500.0)).unwrap();
/// let lv = [Level { metres: 300.0, circle: Some(5) }, Level { metres: 500.0, circle: Some(10) }];
/// let style = HullStyle { concavity: 2.0, edge_m: 50.0 };
/// let a = isochrones(&g, &mut Search::new(g.nodes.len()), &[f], &[c(500.0, 500.0)], &lv, style);
/// assert!(a.iter().all(|p| p.is_valid()));
/// // A walking diamond dug along the streets: at most 2·r², well short
/// // of the disc's π·r².
/// let (s, l) = (a[0].unsigned_area(), a[1].unsigned_area());
/// assert!(s > 1.2 * 300.0 * 300.0 && s <= 2.0 * 300.0 * 300.0, "{s}");
/// assert!(l > s);
/// ```
pub fn isochrones(
    g: &WalkGraph,
    search: &mut Search,
    sources: &[Snap],
    at: &[Coord<f64>],
    levels: &[Level],
    style: HullStyle,
) -> Vec<MultiPolygon<f64>> {
    let Some(top) = levels.iter().map(|l| l.metres).reduce(f64::max) else {
        return Vec::new();
    };
    let mut seeds = Vec::with_capacity(sources.len() * 2);
    for (i, s) in sources.iter().enumerate() {
        let e = g.edges[s.edge as usize];
        let [(_, da), (_, db)] = s.seeds(e.len);
        seeds.push((e.a, da, i as u32));
        seeds.push((e.b, db, i as u32));
    }
    search.run_labelled(&g.csr, &seeds, top);
    let mut out: Vec<MultiPolygon<f64>> = Vec::with_capacity(levels.len());
    for l in levels {
        let pieces = catchments(g, search, sources, at, l.metres);
        use rayon::prelude::*;
        let mut hulls: Vec<Polygon<f64>> = pieces
            .par_iter()
            .flat_map_iter(|p| hull(p, style))
            .collect();
        // The circles nest: a hull at a larger limit can dig in where the
        // smaller one reached, so the smaller area is part of the larger.
        if let Some(smaller) = out.last() {
            hulls.extend(smaller.0.iter().cloned());
        }
        let union = geo::unary_union(&hulls);
        out.push(super::areas::simple_rings(super::areas::clean(
            MultiPolygon::new(union.0.into_iter().map(without_spikes).collect()),
        )));
    }
    out
}

/// The pieces of network each source reaches first within `limit`, as
/// lines per source (its snap leg included).
fn catchments(
    g: &WalkGraph,
    search: &Search,
    sources: &[Snap],
    at: &[Coord<f64>],
    limit: f64,
) -> Vec<Vec<Line<f64>>> {
    let mut out: Vec<Vec<Line<f64>>> = vec![Vec::new(); sources.len()];
    for (i, s) in sources.iter().enumerate() {
        if s.leg > limit {
            continue;
        }
        let e = g.edges[s.edge as usize];
        let (rest, x) = (limit - s.leg, s.t * e.len);
        let (lo, hi) = ((x - rest).max(0.0), (x + rest).min(e.len));
        out[i].push(Line::new(point(g, &e, lo), point(g, &e, hi)));
        out[i].push(Line::new(at[i], s.at));
    }
    for &u in search.reached() {
        for (v, len, id) in g.csr.incident(u) {
            // Each edge once: from its lower reached end.
            if search.dist(v).is_finite() && v < u {
                continue;
            }
            let e = g.edges[id as usize];
            let (da, db) = (search.dist(e.a), search.dist(e.b));
            let (ra, rb) = ((limit - da).max(0.0), (limit - db).max(0.0));
            // Where the walks from the two ends meet (all of it from a
            // when b is unreached).
            let meet = if db.is_finite() {
                ((len + db - da) / 2.0).clamp(0.0, len)
            } else {
                len
            };
            let (to_a, from_b) = (ra.min(meet), (len - rb).max(meet));
            let mut push = |node: u32, x0: f64, x1: f64| {
                let label = search.origin(node) as usize;
                if x1 > x0 && label < out.len() {
                    out[label].push(Line::new(point(g, &e, x0), point(g, &e, x1)));
                }
            };
            push(e.a, 0.0, to_a);
            push(e.b, from_b, len);
        }
    }
    out
}

/// The point `x` metres along edge `e` from its end `a`.
fn point(g: &WalkGraph, e: &WalkEdge, x: f64) -> Coord<f64> {
    let (p, q) = (g.nodes[e.a as usize], g.nodes[e.b as usize]);
    let t = if e.len > 0.0 {
        (x / e.len).clamp(0.0, 1.0)
    } else {
        0.0
    };
    Coord {
        x: p.x + t * (q.x - p.x),
        y: p.y + t * (q.y - p.y),
    }
}

/// The concave hull of the points along `lines` (every [`STEP_M`]), or the
/// lines banded by a quarter of the hull edge when they enclose nothing.
fn hull(lines: &[Line<f64>], style: HullStyle) -> Vec<Polygon<f64>> {
    use geo::concave_hull::ConcaveHullOptions;
    use geo::{Area, ConcaveHull, MultiPoint};
    if lines.is_empty() {
        return Vec::new();
    }
    let mut pts: Vec<Coord<f64>> = Vec::new();
    for l in lines {
        let d = l.end - l.start;
        let n = (d.x.hypot(d.y) / STEP_M).ceil().max(1.0) as usize;
        for k in 0..=n {
            pts.push(l.start + d * (k as f64 / n as f64));
        }
    }
    pts.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
    pts.dedup();
    let h = MultiPoint::from(pts).concave_hull_with_options(ConcaveHullOptions {
        concavity: style.concavity,
        length_threshold: style.edge_m,
    });
    // A hull thinner than a narrow band along the lines says the reach is
    // a line (a lone street, a dead end): the band is drawn instead.
    let length: f64 = lines
        .iter()
        .map(|l| (l.start.x - l.end.x).hypot(l.start.y - l.end.y))
        .sum();
    if h.unsigned_area() < 0.25 * style.edge_m * length {
        return super::areas::polygon(lines, None, 0.25 * style.edge_m).0;
    }
    super::areas::grown(MultiPolygon::new(vec![h]), NEEDLE_M).0
}

/// How much each hull grows (m): a hull dug along a dead-end street and
/// back on the same points leaves a needle of no width, which GEOS and
/// GIS tools reject; grown by a centimetre (the overlay resolving the
/// needle's two sides) it is a valid polygon at no visible cost.
pub const NEEDLE_M: f64 = 0.01;

/// Widest spike removed (m): where a ring turns back on itself and its
/// triangle with the neighbouring vertices is lower than this over its
/// longest side, the ring runs out and back along one line (the hull dug
/// to the end of a dead-end street, then the overlay snapped the two sides
/// together). geo accepts such a ring; GEOS and GIS tools call it a
/// self-intersection.
pub const SPIKE_M: f64 = 0.001;

/// `p` without spikes (see [`SPIKE_M`]) in any ring; other vertices stay
/// where they are, so nothing new can cross.
///
/// ```
/// use geo::{polygon, Validation};
/// let spiky = polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 5.0),
///     (x: 60.0, y: 5.0), (x: 10.0, y: 5.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)];
/// let clean = linli::coverage::isochrones::without_spikes(spiky);
/// assert_eq!(clean.exterior().0.len(), 6); // (10, 5) stays once, in line
/// assert!(clean.is_valid());
/// let needle = polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 60.0, y: 0.0001), (x: 10.0, y: 0.0002), (x: 0.0, y: 10.0)];
/// assert_eq!(linli::coverage::isochrones::without_spikes(needle).exterior().0.len(), 5);
/// assert!(clean.is_valid());
/// ```
pub fn without_spikes(p: Polygon<f64>) -> Polygon<f64> {
    use geo::LineString;
    let ring = |ls: &LineString<f64>| -> LineString<f64> {
        let mut pts: Vec<Coord<f64>> = ls.0.clone();
        pts.pop(); // the closing point
        let mut changed = true;
        while changed && pts.len() > 3 {
            changed = false;
            let mut i = 0;
            while i < pts.len() && pts.len() > 3 {
                let n = pts.len();
                let (a, v, b) = (pts[(i + n - 1) % n], pts[i], pts[(i + 1) % n]);
                let twice_area = ((v.x - a.x) * (b.y - a.y) - (v.y - a.y) * (b.x - a.x)).abs();
                let side = (v.x - a.x)
                    .hypot(v.y - a.y)
                    .max((v.x - b.x).hypot(v.y - b.y));
                let back = (v.x - a.x) * (b.x - v.x) + (v.y - a.y) * (b.y - v.y) < 0.0;
                let repeated = v == a;
                if repeated || (back && twice_area < SPIKE_M * side) {
                    pts.remove(i);
                    changed = true;
                } else {
                    i += 1;
                }
            }
        }
        pts.push(pts[0]);
        LineString::new(pts)
    };
    let (ext, holes) = p.into_inner();
    Polygon::new(ring(&ext), holes.iter().map(ring).collect())
}
