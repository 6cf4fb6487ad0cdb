//! Snapping points to the nearest point on a walking edge (not a junction).
//!
//! A building in the middle of a long block walks to the street in front of
//! it, not to the far corner: snapping to the nearest junction would add up
//! to half a block to every distance. The straight snap leg is part of the
//! walk and is added to every distance.

use super::network::WalkGraph;
use crate::blocks::index::BoxGrid;
use geo::Coord;
use rstar::primitives::Line;

/// Where a point meets the network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// The edge (index into [`WalkGraph::edges`]).
    pub edge: u32,
    /// Offset along the edge from its node `a` (0) to `b` (1).
    pub t: f64,
    /// Straight distance from the point to the edge, metres.
    pub leg: f64,
    /// The point on the edge.
    pub at: Coord<f64>,
}

impl Snap {
    /// Starting distances of the edge's two nodes for a search from this
    /// point: the leg plus the way along the edge to each end.
    ///
    /// ```
    /// use linli::coverage::snap::Snap;
    /// let s = Snap { edge: 0, t: 0.25, leg: 10.0, at: geo::Coord { x: 25.0, y: 0.0 } };
    /// assert_eq!(s.seeds(100.0), [(0, 35.0), (1, 85.0)]);
    /// ```
    pub fn seeds(&self, len: f64) -> [(usize, f64); 2] {
        [
            (0, self.leg + self.t * len),
            (1, self.leg + (1.0 - self.t) * len),
        ]
    }
}

/// A spatial index of the graph's edges: a uniform grid of cells, each
/// listing the edges whose bounding box meets it. A query scans rings of
/// cells around the point until no unseen edge can be nearer, several times
/// faster than a tree walk for the tens of thousands of buildings of a city.
#[derive(Debug, Default)]
pub struct Snapper {
    /// Each edge as `[ax, ay, bx, by]`.
    segs: Vec<[f64; 4]>,
    /// The edges' boxes on a grid.
    grid: BoxGrid,
}

impl Snapper {
    /// Indexes the edges of `g`.
    ///
    /// ```
    /// use geo::Coord;
    /// use linli::coverage::{network::from_nodes, snap::Snapper};
    /// let g = from_nodes(vec![Coord { x: 0.0, y: 0.0 }, Coord { x: 100.0, y: 0.0 }], vec![(0, 1)]);
    /// let s = Snapper::new(&g).snap(&g, Coord { x: 30.0, y: 12.0 }).unwrap();
    /// assert_eq!((s.edge, s.t, s.leg), (0, 0.3, 12.0));
    /// ```
    pub fn new(g: &WalkGraph) -> Self {
        let segs: Vec<[f64; 4]> = g
            .edges
            .iter()
            .map(|e| {
                let (p, q) = (g.nodes[e.a as usize], g.nodes[e.b as usize]);
                [p.x, p.y, q.x, q.y]
            })
            .collect();
        if segs.is_empty() {
            return Snapper::default();
        }
        let mean = segs
            .iter()
            .map(|s| (s[2] - s[0]).abs() + (s[3] - s[1]).abs())
            .sum::<f64>()
            / segs.len() as f64;
        // Cells half the mean edge extent (buildings stand a street's width
        // from the nearest edge, so a query scans a few cells holding a few
        // edges each; twice the extent scanned five times as many edges).
        // Boxes are widened by a millimetre, so rounding never leaves an
        // edge out of a cell it touches.
        let boxes = segs
            .iter()
            .map(|s| {
                [
                    s[0].min(s[2]) - 1e-3,
                    s[1].min(s[3]) - 1e-3,
                    s[0].max(s[2]) + 1e-3,
                    s[1].max(s[3]) + 1e-3,
                ]
            })
            .collect();
        Snapper {
            grid: BoxGrid::with_cell(boxes, (0.5 * mean).max(1.0)),
            segs,
        }
    }

    /// The width of the index's cells, metres (0 when empty).
    ///
    /// ```
    /// use geo::Coord;
    /// use linli::coverage::{network::from_nodes, snap::Snapper};
    /// let g = from_nodes(vec![Coord { x: 0.0, y: 0.0 }, Coord { x: 100.0, y: 0.0 }], vec![(0, 1)]);
    /// assert_eq!(Snapper::new(&g).cell(), 50.0);
    /// ```
    pub fn cell(&self) -> f64 {
        self.grid.cell()
    }

    /// The nearest edge to `p`: the smallest squared distance (as rstar's
    /// `Line::distance_2` computes it), ties to the lowest edge index.
    fn nearest(&self, p: [f64; 2]) -> Option<u32> {
        use rstar::PointDistance;
        if self.grid.is_empty() {
            return None;
        }
        let (nx, ny) = self.grid.size();
        let (fx, fy) = self.grid.cell_of(p[0], p[1]);
        // Far outside the grid the cell numbers are clamped: the rings then
        // start at the grid's border, and the bound below stays a lower bound
        // because it is measured from the point itself.
        let big = (nx + ny + 2) as f64;
        let (cx, cy) = (fx.clamp(-big, big) as i64, fy.clamp(-big, big) as i64);
        let mut best: Option<(f64, u32)> = None;
        let cell = self.grid.cell();
        let visit = |c: i64, r: i64, best: &mut Option<(f64, u32)>| {
            if let Some((bd, _)) = *best {
                // A cell farther than the best edge holds no nearer point of
                // any edge (an edge's nearest point lies in a cell it is
                // listed in); a millimetre of slack covers rounding.
                let [x0, y0] = self.grid.corner(c, r);
                let dx = (x0 - p[0]).max(p[0] - (x0 + cell)).max(0.0);
                let dy = (y0 - p[1]).max(p[1] - (y0 + cell)).max(0.0);
                let (dx, dy) = ((dx - 1e-3).max(0.0), (dy - 1e-3).max(0.0));
                if dx * dx + dy * dy > bd {
                    return;
                }
            }
            for &i in self.grid.cell_items(c, r) {
                let s = &self.segs[i as usize];
                let d2 = Line::new([s[0], s[1]], [s[2], s[3]]).distance_2(&p);
                let better = match *best {
                    None => true,
                    Some((bd, bi)) => d2 < bd || (d2 == bd && i < bi),
                };
                if better {
                    *best = Some((d2, i));
                }
            }
        };
        let max_ring = (cx.max(nx - 1 - cx))
            .max(cx.min(0).abs())
            .max(cy.max(ny - 1 - cy))
            .max(cy.min(0).abs());
        for ring in 0..=max_ring {
            // The cells at Chebyshev distance `ring` from (cx, cy), clipped.
            let (r0, r1) = (cy - ring, cy + ring);
            let (c0, c1) = (cx - ring, cx + ring);
            for r in r0.max(0)..=r1.min(ny - 1) {
                if r == r0 || r == r1 {
                    for c in c0.max(0)..=c1.min(nx - 1) {
                        visit(c, r, &mut best);
                    }
                } else {
                    for c in [c0, c1] {
                        if c >= 0 && c < nx {
                            visit(c, r, &mut best);
                        }
                    }
                }
            }
            if let Some((bd, _)) = best {
                // Every edge not seen yet lies outside the square of cells
                // scanned so far, at least this far from the point.
                let [sx0, sy0] = self.grid.corner(cx - ring, cy - ring);
                let [sx1, sy1] = self.grid.corner(cx + ring + 1, cy + ring + 1);
                let gap = (p[0] - sx0).min(sx1 - p[0]).min(p[1] - sy0).min(sy1 - p[1]) - 1e-3;
                if gap > 0.0 && bd < gap * gap {
                    break;
                }
            }
        }
        best.map(|(_, i)| i)
    }

    /// The nearest point on any edge; ties go to the lowest edge index so the
    /// result never depends on the index's layout. `None` on an empty graph
    /// or a non-finite point.
    pub fn snap(&self, g: &WalkGraph, p: Coord<f64>) -> Option<Snap> {
        if !(p.x.is_finite() && p.y.is_finite()) {
            return None;
        }
        let best = self.nearest([p.x, p.y])?;
        let e = g.edges[best as usize];
        let (a, b) = (g.nodes[e.a as usize], g.nodes[e.b as usize]);
        let t = project(p, a, b);
        let at = Coord {
            x: a.x + t * (b.x - a.x),
            y: a.y + t * (b.y - a.y),
        };
        Some(Snap {
            edge: best,
            t,
            leg: (p.x - at.x).hypot(p.y - at.y),
            at,
        })
    }
}

/// Offset in [0, 1] of the projection of `p` on segment `a→b`.
fn project(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> f64 {
    let d = b - a;
    let len2 = d.x * d.x + d.y * d.y;
    if len2 == 0.0 {
        return 0.0;
    }
    (((p.x - a.x) * d.x + (p.y - a.y) * d.y) / len2).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::network::from_nodes;
    use proptest::prelude::*;

    /// Every edge tried: the smallest squared distance, ties to the lowest
    /// edge index.
    fn brute(g: &WalkGraph, p: Coord<f64>) -> Option<u32> {
        use rstar::PointDistance;
        let mut best: Option<(f64, u32)> = None;
        for (i, e) in g.edges.iter().enumerate() {
            let (a, b) = (g.nodes[e.a as usize], g.nodes[e.b as usize]);
            let d2 = Line::new([a.x, a.y], [b.x, b.y]).distance_2(&[p.x, p.y]);
            if best.is_none_or(|(bd, _)| d2 < bd) {
                best = Some((d2, i as u32));
            }
        }
        best.map(|(_, i)| i)
    }

    proptest! {
        // The grid search finds the brute force's edge: short and long
        // edges, edges on a lattice (ties), points inside and far outside.
        #[test]
        fn nearest_edge_is_the_brute_forces(
            nodes in prop::collection::vec((0i32..40, 0i32..40), 2..60),
            pairs in prop::collection::vec((0usize..60, 0usize..60), 1..80),
            points in prop::collection::vec((-100.0..500.0f64, -100.0..500.0f64), 1..40),
            scale in prop::sample::select(vec![1.0, 10.0, 37.5]),
        ) {
            let ns: Vec<Coord<f64>> = nodes
                .iter()
                .map(|&(x, y)| Coord { x: f64::from(x) * scale, y: f64::from(y) * scale })
                .collect();
            let segs: Vec<(u32, u32)> = pairs
                .iter()
                .map(|&(a, b)| ((a % ns.len()) as u32, (b % ns.len()) as u32))
                .collect();
            let g = from_nodes(ns, segs);
            let sn = Snapper::new(&g);
            for &(x, y) in &points {
                let p = Coord { x: x * scale / 10.0, y: y * scale / 10.0 };
                let got = sn.snap(&g, p).map(|s| s.edge);
                prop_assert_eq!(got, brute(&g, p), "at {:?}", p);
            }
        }
    }
}
