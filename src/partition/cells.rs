//! Cells for blocks too large for one neighborhood: the Voronoi diagram of
//! points on the block's building outlines, keeping only the edges between
//! two different buildings, clipped to the block. The cells so follow the
//! gaps between buildings (a slab next to a house is not cut through its
//! middle, as a diagram of building centres would), and no building is
//! split: where a cell edge still grazes one, the blocks stage keeps it
//! whole (`blocks::footprints`). The edges between two buildings are joined
//! and simplified (see [`SEPARATOR_TOLERANCE_M`]) before they join the
//! network.

use crate::blocks::Block;
use crate::model::{Barrier, BarrierKind, BarrierLine, Building};
use geo::{Coord, Line, LineString};
use spade::handles::VoronoiVertex::{Inner, Outer};
use spade::{DelaunayTriangulation, HasPosition, Point2, Triangulation};

/// Spacing of the points put on building outlines, metres.
const OUTLINE_STEP_M: f64 = 4.0;
/// Most points per building (long outlines get a coarser spacing).
const MAX_POINTS: usize = 96;

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
            if b.buildings.len() < 2 || (b.households as f64) <= max_households(b) {
                return Vec::new();
            }
            let sites = sites(&b.buildings, buildings);
            let distinct =
                sites.iter().map(|s| s.building).max() != sites.iter().map(|s| s.building).min();
            if !distinct {
                return Vec::new();
            }
            let edges = match separators(&sites, &b.polygon) {
                Some(e) => clip_to(simplified(e), &b.polygon),
                // Every point on one line: the perpendicular bisectors.
                None => {
                    let mut pts: Vec<Coord<f64>> = b
                        .buildings
                        .iter()
                        .map(|&i| buildings[i].location.0)
                        .collect();
                    pts.sort_by(|p, q| p.x.total_cmp(&q.x).then(p.y.total_cmp(&q.y)));
                    pts.dedup();
                    bisectors(&pts, &b.polygon)
                        .into_iter()
                        .map(|l| LineString::new(vec![l.start, l.end]))
                        .collect()
                }
            };
            edges
                .into_iter()
                .filter(|l| l.0.iter().any(|c| *c != l.0[0]))
                .map(|line| BarrierLine { line, barrier })
                .collect()
        })
        .collect();
    per_block.into_iter().flatten().collect()
}

/// A point on a building's outline (its location when it has no footprint).
#[derive(Debug, Clone, Copy)]
struct Site {
    at: Point2<f64>,
    /// Rank of its building in the block.
    building: u32,
}

impl HasPosition for Site {
    type Scalar = f64;
    fn position(&self) -> Point2<f64> {
        self.at
    }
}

/// Points along the outlines of `which`, each place once (a wall shared by
/// two buildings gives its points to the first).
fn sites(which: &[usize], buildings: &[Building]) -> Vec<Site> {
    let mut out = Vec::new();
    for (rank, &i) in which.iter().enumerate() {
        let b = &buildings[i];
        let rank = rank as u32;
        let Some(fp) = &b.footprint else {
            out.push(Site {
                at: Point2::new(b.location.x(), b.location.y()),
                building: rank,
            });
            continue;
        };
        let ring = &fp.exterior().0;
        let length: f64 = ring
            .windows(2)
            .map(|w| (w[1] - w[0]).x.hypot((w[1] - w[0]).y))
            .sum();
        let step = OUTLINE_STEP_M.max(length / MAX_POINTS as f64);
        for w in ring.windows(2) {
            let d = w[1] - w[0];
            let n = (d.x.hypot(d.y) / step).ceil().max(1.0) as usize;
            for k in 0..n {
                let t = k as f64 / n as f64;
                out.push(Site {
                    at: Point2::new(w[0].x + t * d.x, w[0].y + t * d.y),
                    building: rank,
                });
            }
        }
    }
    out.sort_by(|a, b| {
        a.at.x
            .total_cmp(&b.at.x)
            .then(a.at.y.total_cmp(&b.at.y))
            .then(a.building.cmp(&b.building))
    });
    out.dedup_by(|a, b| a.at == b.at);
    out
}

/// Voronoi edges between sites of different buildings; rays are cut at
/// twice the size of `poly` (the caller clips to it). `None` when the
/// sites are all on one line (no Voronoi vertex).
fn separators(sites: &[Site], poly: &geo::Polygon<f64>) -> Option<Vec<Line<f64>>> {
    use geo::BoundingRect;
    let r = poly.bounding_rect()?;
    let reach = 2.0 * (r.width() + r.height());
    let t = DelaunayTriangulation::<Site>::bulk_load_stable(sites.to_vec()).ok()?;
    if t.num_inner_faces() == 0 {
        return None;
    }
    let c = |p: Point2<f64>| Coord { x: p.x, y: p.y };
    let mut out = Vec::new();
    for e in t.undirected_voronoi_edges() {
        let [a, b] = e.as_delaunay_edge().vertices();
        if a.data().building == b.data().building {
            continue;
        }
        match e.vertices() {
            [Inner(f), Inner(g)] => out.push(Line::new(c(f.circumcenter()), c(g.circumcenter()))),
            [Inner(f), Outer(o)] | [Outer(o), Inner(f)] => {
                let (start, d) = (f.circumcenter(), o.direction_vector());
                let len = d.x.hypot(d.y);
                if len > 0.0 {
                    let end = Coord {
                        x: start.x + d.x / len * reach,
                        y: start.y + d.y / len * reach,
                    };
                    out.push(Line::new(c(start), end));
                }
            }
            [Outer(_), Outer(_)] => {}
        }
    }
    Some(out)
}

/// How far (m) a simplified separator may stray from the Voronoi edges it
/// replaces. The edges of points sampled every [`OUTLINE_STEP_M`] along
/// two outlines zig-zag about the line between them; straightened within
/// half a metre, a separator keeps its course between the buildings with
/// a fraction of the vertices (each of which the blocks stage nodes and
/// polygonizes, and the outputs carry).
pub const SEPARATOR_TOLERANCE_M: f64 = 0.25;

/// The separators joined where only two meet (between the same two
/// buildings) and simplified within [`SEPARATOR_TOLERANCE_M`]; their ends,
/// where three buildings meet, stay put, so the separators still meet.
fn simplified(edges: Vec<Line<f64>>) -> Vec<LineString<f64>> {
    use geo::Simplify;
    crate::model::lines::chains(&edges)
        .into_iter()
        .map(|c| c.simplify(SEPARATOR_TOLERANCE_M))
        .collect()
}

/// The parts of `lines` inside `poly` (lines wholly inside its bounding box
/// and polygon are kept as they are).
fn clip_to(lines: Vec<LineString<f64>>, poly: &geo::Polygon<f64>) -> Vec<LineString<f64>> {
    use geo::{BooleanOps, BoundingRect, Contains};
    use rstar::primitives::{GeomWithData, Rectangle};
    let Some(r) = poly.bounding_rect() else {
        return Vec::new();
    };
    // The block's ring segments, indexed once: a line meeting none of them
    // with a point inside lies wholly inside (geo's `contains` would build
    // its own index for every line).
    let rings: Vec<Line<f64>> = std::iter::once(poly.exterior())
        .chain(poly.interiors())
        .flat_map(|ring| ring.lines())
        .collect();
    let tree: rstar::RTree<GeomWithData<Rectangle<[f64; 2]>, usize>> = rstar::RTree::bulk_load(
        rings
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let lo = [s.start.x.min(s.end.x), s.start.y.min(s.end.y)];
                let hi = [s.start.x.max(s.end.x), s.start.y.max(s.end.y)];
                GeomWithData::new(Rectangle::from_corners(lo, hi), i)
            })
            .collect(),
    );
    let meets_ring = |l: Line<f64>| {
        let env = rstar::AABB::from_corners(
            [l.start.x.min(l.end.x), l.start.y.min(l.end.y)],
            [l.start.x.max(l.end.x), l.start.y.max(l.end.y)],
        );
        tree.locate_in_envelope_intersecting(&env)
            .any(|g| geo::Intersects::intersects(&l, &rings[g.data]))
    };
    let (mut inside, mut other) = (Vec::new(), Vec::new());
    for ls in lines {
        let within = ls.0.iter().all(|c| r.contains(c))
            && !ls.lines().any(meets_ring)
            && poly.contains(&ls.0[0]);
        if within {
            inside.push(ls);
        } else {
            other.push(ls);
        }
    }
    if !other.is_empty() {
        inside.extend(poly.clip(&geo::MultiLineString(other), false));
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
    use geo::{Contains, Intersects, point, polygon};

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
