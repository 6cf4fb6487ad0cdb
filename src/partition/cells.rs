//! Cells for blocks too large for one neighborhood: a Voronoi diagram of the
//! block's buildings, clipped to the block, so that no building is split.

use crate::blocks::Block;
use crate::model::{Barrier, BarrierKind, BarrierLine, Building};
use geo::algorithm::voronoi::{VoronoiClip, VoronoiParams};
use geo::{Coord, Line, MultiPoint, Point, Voronoi};

/// Cell edges (as barrier lines of kind [`BarrierKind::Cell`], level 0) for
/// every block whose households exceed `max_households(block)` and that has
/// at least two buildings at distinct places.
///
/// ```
/// use geo::{point, polygon};
/// use linli::blocks::Block;
/// use linli::model::Building;
/// use linli::partition::cells::cell_lines;
/// let block = Block { id: "b".into(), community: 0,
///     polygon: polygon![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 50.0), (x: 0.0, y: 50.0)],
///     area: 5000.0, buildings: vec![0, 1], households: 1000, estimated_households: 0, compounds: vec![] };
/// let tower = |x| Building { id: "t".into(), footprint: None, location: point!(x: x, y: 25.0),
///     households: 500, estimated: false, use_: "residential".into() };
/// let lines = cell_lines(&[block], &[tower(25.0), tower(75.0)], |_| 400.0);
/// assert_eq!(lines.len(), 1); // the bisector x = 50
/// ```
pub fn cell_lines(
    blocks: &[Block],
    buildings: &[Building],
    max_households: impl Fn(&Block) -> f64 + Sync,
) -> Vec<BarrierLine> {
    let barrier = Barrier {
        level: 0,
        kind: BarrierKind::Cell,
    };
    // Blocks are independent: their cells are drawn in parallel and
    // gathered in block order, so the lines are the same on any core count.
    use rayon::prelude::*;
    let per_block: Vec<Vec<BarrierLine>> = blocks
        .par_iter()
        .map(|b| {
            let mut out = Vec::new();
            if b.buildings.len() < 2 || (b.households as f64) <= max_households(b) {
                return out;
            }
            let mut pts: Vec<Coord<f64>> = b
                .buildings
                .iter()
                .map(|&i| buildings[i].location.0)
                .collect();
            pts.sort_by(|p, q| p.x.total_cmp(&q.x).then(p.y.total_cmp(&q.y)));
            pts.dedup();
            if pts.len() < 2 {
                return out;
            }
            let mp: MultiPoint<f64> = pts.iter().map(|&c| Point(c)).collect();
            let params = VoronoiParams::new().clip(VoronoiClip::Polygon(&b.polygon));
            // geo's Voronoi debug-asserts on some near-degenerate inputs; a
            // planner's run must not stop there, so such blocks fall back too.
            let voronoi = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                mp.voronoi_edges_with_params(params)
            }));
            let edges: Vec<Line<f64>> = match voronoi {
                // geo's clip lets some edges of near-regular point grids (planned
                // compounds) run kilometres out of the block, where they would
                // cut other blocks into slivers: clip them again.
                Ok(Ok(e)) => clip_to(e, &b.polygon),
                // Collinear buildings: the perpendicular bisectors, clipped.
                _ => bisectors(&pts, &b.polygon),
            };
            out.extend(
                edges
                    .into_iter()
                    .filter(|l| l.start != l.end)
                    .map(|l| BarrierLine {
                        line: vec![l.start, l.end].into(),
                        barrier,
                    }),
            );
            out
        })
        .collect();
    per_block.into_iter().flatten().collect()
}

/// The parts of `edges` inside `poly` (edges wholly inside its bounding box
/// and polygon are kept as they are).
fn clip_to(edges: Vec<Line<f64>>, poly: &geo::Polygon<f64>) -> Vec<Line<f64>> {
    use geo::{BooleanOps, BoundingRect, Contains};
    let Some(r) = poly.bounding_rect() else {
        return Vec::new();
    };
    let (mut inside, mut other) = (Vec::new(), Vec::new());
    for l in edges {
        if r.contains(&l.start) && r.contains(&l.end) && poly.contains(&l) {
            inside.push(l);
        } else {
            other.push(vec![l.start, l.end].into());
        }
    }
    if !other.is_empty() {
        for ls in poly.clip(&geo::MultiLineString(other), false) {
            inside.extend(ls.lines());
        }
    }
    inside
}

/// Perpendicular bisectors of consecutive points, clipped to the polygon.
fn bisectors(pts: &[Coord<f64>], poly: &geo::Polygon<f64>) -> Vec<Line<f64>> {
    use geo::{BooleanOps, BoundingRect};
    let Some(r) = poly.bounding_rect() else {
        return Vec::new();
    };
    let reach = (r.width() + r.height()) * 2.0;
    let mut lines = Vec::new();
    for w in pts.windows(2) {
        let m = Coord {
            x: (w[0].x + w[1].x) / 2.0,
            y: (w[0].y + w[1].y) / 2.0,
        };
        let d = w[1] - w[0];
        let len = d.x.hypot(d.y);
        if len == 0.0 {
            continue;
        }
        let n = Coord {
            x: -d.y / len * reach,
            y: d.x / len * reach,
        };
        let mls = geo::MultiLineString(vec![vec![m - n, m + n].into()]);
        for ls in poly.clip(&mls, false) {
            for seg in ls.lines() {
                lines.push(seg);
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{point, polygon, Contains, Intersects};

    /// A planned compound: buildings on a regular (slightly sheared) grid in
    /// an L-shaped block. Every cell edge stays in the block.
    #[test]
    fn regular_grids_stay_in_their_block() {
        let poly = polygon![(x: 0.0, y: 0.0), (x: 300.0, y: 0.0), (x: 300.0, y: 120.0),
            (x: 120.0, y: 120.0), (x: 120.0, y: 300.0), (x: 0.0, y: 300.0)];
        let mut buildings = Vec::new();
        for i in 0..12 {
            for j in 0..12 {
                let (x, y) = (
                    10.0 + 24.0 * i as f64 + 0.001 * j as f64,
                    10.0 + 24.0 * j as f64,
                );
                if poly.contains(&point!(x: x, y: y)) {
                    buildings.push(Building {
                        id: format!("{i}-{j}"),
                        footprint: None,
                        location: point!(x: x, y: y),
                        households: 3,
                        estimated: false,
                        use_: "residential".into(),
                    });
                }
            }
        }
        let block = Block {
            id: "b".into(),
            community: 0,
            polygon: poly.clone(),
            area: 0.0,
            buildings: (0..buildings.len()).collect(),
            households: 3 * buildings.len() as u64,
            estimated_households: 0,
            compounds: vec![],
        };
        let lines = cell_lines(&[block], &buildings, |_| 10.0);
        assert!(!lines.is_empty());
        let grown = geo::Rect::new((-1e-6, -1e-6), (300.0 + 1e-6, 300.0 + 1e-6));
        for l in &lines {
            for c in &l.line.0 {
                assert!(grown.intersects(c), "{c:?} is outside the block");
                let p = geo::Point(*c);
                assert!(
                    !(c.x > 120.0 + 1e-6 && c.y > 120.0 + 1e-6),
                    "{p:?} in the L's notch"
                );
            }
        }
    }
}
