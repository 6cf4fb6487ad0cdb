//! Strong lines that stop inside a block.
//!
//! A river that goes under a road in a culvert, a motorway whose two
//! carriageways end apart at the edge of the data, a railway into a depot:
//! drawn as they are, they end in the middle of a block, bound nothing, and
//! the block (and the neighborhood holding it) straddles them. A strong
//! line's dead end is joined to the nearest other line within
//! [`JOIN_REACH_M`], continuing the barrier, so that it bounds blocks.
//! Ends farther from everything stay, and the partition reports the
//! neighborhoods they run into.

use super::index::BoxGrid;
use super::noding::NodedNetwork;
use crate::model::{BarrierKind, BarrierLine, STRONG_LEVEL};
use geo::Coord;

/// How far (metres) a strong line's dead end is joined to another line.
pub const JOIN_REACH_M: f64 = 100.0;

/// Lines joining each dead end of a strong line in `net` to the nearest
/// point of another line within `reach`, with the dead line's barrier.
///
/// ```
/// use linli::blocks::{dangles::joins, noding::node};
/// use linli::model::{Barrier, BarrierKind, BarrierLine};
/// let road = Barrier { level: 2, kind: BarrierKind::Road };
/// let river = Barrier { level: 4, kind: BarrierKind::Water };
/// let net = node(&[
///     BarrierLine { line: vec![(0.0, 0.0), (100.0, 0.0)].into(), barrier: road },
///     BarrierLine { line: vec![(50.0, 300.0), (50.0, 20.0)].into(), barrier: river },
/// ], 0.05);
/// let j = joins(&net, 100.0);
/// assert_eq!(j.len(), 1); // the lower end, 20 m from the road (the upper is 280 m away)
/// assert_eq!(j[0].line.0, vec![(50.0, 20.0).into(), (50.0, 0.0).into()]);
/// ```
pub fn joins(net: &NodedNetwork, reach: f64) -> Vec<BarrierLine> {
    let n = net.vertices.len();
    let mut incident: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (e, edge) in net.edges.iter().enumerate() {
        incident[edge.a].push(e);
        incident[edge.b].push(e);
    }
    let strong = |e: usize| {
        let b = net.edges[e].barrier;
        b.level >= STRONG_LEVEL && !matches!(b.kind, BarrierKind::Community | BarrierKind::Cell)
    };
    let ends: Vec<usize> = (0..n)
        .filter(|&v| incident[v].len() == 1 && strong(incident[v][0]))
        .collect();
    if ends.is_empty() {
        return Vec::new();
    }
    let grid = BoxGrid::new(
        net.edges
            .iter()
            .map(|e| {
                let (p, q) = (net.vertices[e.a], net.vertices[e.b]);
                [p.x.min(q.x), p.y.min(q.y), p.x.max(q.x), p.y.max(q.y)]
            })
            .collect(),
    );
    let mut out = Vec::new();
    for v in ends {
        let own = chain(net, &incident, v);
        let c = net.vertices[v];
        let q = [c.x - reach, c.y - reach, c.x + reach, c.y + reach];
        let mut best: Option<(f64, Coord<f64>)> = None;
        for e in grid.meeting(q) {
            if own.binary_search(&e).is_ok() {
                continue;
            }
            let edge = &net.edges[e];
            let p = nearest(c, net.vertices[edge.a], net.vertices[edge.b]);
            let d = (p.x - c.x).hypot(p.y - c.y);
            if d <= reach && best.is_none_or(|(b, _)| d < b) {
                best = Some((d, p));
            }
        }
        if let Some((d, p)) = best
            && d > 0.0
        {
            out.push(BarrierLine {
                line: vec![c, p].into(),
                barrier: net.edges[incident[v][0]].barrier,
            });
        }
    }
    out
}

/// The edges of the dead-end run from `v` (through vertices of degree 2),
/// sorted: a line is not joined to itself.
fn chain(net: &NodedNetwork, incident: &[Vec<usize>], v: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let (mut at, mut via) = (v, usize::MAX);
    loop {
        let next = incident[at].iter().copied().find(|&e| e != via);
        let Some(e) = next else { break };
        if out.len() > net.edges.len() {
            break;
        }
        out.push(e);
        let edge = &net.edges[e];
        at = if edge.a == at { edge.b } else { edge.a };
        via = e;
        if incident[at].len() != 2 {
            break;
        }
    }
    out.sort_unstable();
    out
}

/// The point of segment `a`–`b` nearest `c`.
fn nearest(c: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> Coord<f64> {
    let d = b - a;
    let len2 = d.x * d.x + d.y * d.y;
    if len2 == 0.0 {
        return a;
    }
    let t = (((c.x - a.x) * d.x + (c.y - a.y) * d.y) / len2).clamp(0.0, 1.0);
    Coord {
        x: a.x + t * d.x,
        y: a.y + t * d.y,
    }
}
