//! Snapping points to the nearest point on a walking edge (not a junction).
//!
//! A building in the middle of a long block walks to the street in front of
//! it, not to the far corner: snapping to the nearest junction would add up
//! to half a block to every distance. The straight snap leg is part of the
//! walk and is added to every distance.

use super::network::WalkGraph;
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
    /// Lower-left corner of the grid.
    x0: f64,
    y0: f64,
    /// Cell side, metres.
    cell: f64,
    /// Columns and rows.
    nx: i64,
    ny: i64,
    /// `start[c]..start[c + 1]` indexes `items` for cell `c` (row-major).
    start: Vec<u32>,
    /// Edge indices per cell, ascending.
    items: Vec<u32>,
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
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        let mut total = 0.0;
        for s in &segs {
            lo = [lo[0].min(s[0]).min(s[2]), lo[1].min(s[1]).min(s[3])];
            hi = [hi[0].max(s[0]).max(s[2]), hi[1].max(s[1]).max(s[3])];
            total += (s[2] - s[0]).abs() + (s[3] - s[1]).abs();
        }
        // Cells half the mean edge extent (buildings stand a street's width
        // from the nearest edge, so a query scans a few cells holding a few
        // edges each; twice the extent scanned five times as many edges), at
        // most ~4 cells per edge over the extent (a cap for sparse inputs).
        let (w, h) = (hi[0] - lo[0], hi[1] - lo[1]);
        let mean = total / segs.len() as f64;
        let mut cell = (0.5 * mean).max(1.0);
        let cap = 4.0 * segs.len() as f64 + 16.0;
        while (w / cell + 1.0) * (h / cell + 1.0) > cap {
            cell *= 1.5;
        }
        let nx = (w / cell).floor() as i64 + 1;
        let ny = (h / cell).floor() as i64 + 1;
        let (x0, y0) = (lo[0], lo[1]);
        let col = |x: f64| (((x - x0) / cell).floor() as i64).clamp(0, nx - 1);
        let row = |y: f64| (((y - y0) / cell).floor() as i64).clamp(0, ny - 1);
        // A box widened by a millimetre, so rounding never leaves an edge
        // out of a cell it touches.
        let span = |s: &[f64; 4]| {
            (
                col(s[0].min(s[2]) - 1e-3),
                col(s[0].max(s[2]) + 1e-3),
                row(s[1].min(s[3]) - 1e-3),
                row(s[1].max(s[3]) + 1e-3),
            )
        };
        let ncells = (nx * ny) as usize;
        let mut count = vec![0u32; ncells + 1];
        for s in &segs {
            let (c0, c1, r0, r1) = span(s);
            for r in r0..=r1 {
                for c in c0..=c1 {
                    count[(r * nx + c) as usize] += 1;
                }
            }
        }
        let mut start = Vec::with_capacity(ncells + 1);
        let mut acc = 0u32;
        for &n in &count[..ncells] {
            start.push(acc);
            acc += n;
        }
        start.push(acc);
        let mut fill = start.clone();
        let mut items = vec![0u32; acc as usize];
        for (i, s) in segs.iter().enumerate() {
            let (c0, c1, r0, r1) = span(s);
            for r in r0..=r1 {
                for c in c0..=c1 {
                    let k = (r * nx + c) as usize;
                    items[fill[k] as usize] = i as u32;
                    fill[k] += 1;
                }
            }
        }
        Snapper {
            segs,
            x0,
            y0,
            cell,
            nx,
            ny,
            start,
            items,
        }
    }

    /// The nearest edge to `p`: the smallest squared distance (as rstar's
    /// `Line::distance_2` computes it), ties to the lowest edge index.
    fn nearest(&self, p: [f64; 2]) -> Option<u32> {
        use rstar::PointDistance;
        if self.segs.is_empty() {
            return None;
        }
        let fx = ((p[0] - self.x0) / self.cell).floor();
        let fy = ((p[1] - self.y0) / self.cell).floor();
        // Far outside the grid the cell numbers are clamped: the rings then
        // start at the grid's border, and the bound below stays a lower bound
        // because it is measured from the point itself.
        let big = (self.nx + self.ny + 2) as f64;
        let (cx, cy) = (fx.clamp(-big, big) as i64, fy.clamp(-big, big) as i64);
        let mut best: Option<(f64, u32)> = None;
        let visit = |c: i64, r: i64, best: &mut Option<(f64, u32)>| {
            let k = (r * self.nx + c) as usize;
            for &i in &self.items[self.start[k] as usize..self.start[k + 1] as usize] {
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
        let max_ring = (cx.max(self.nx - 1 - cx))
            .max(cx.min(0).abs())
            .max(cy.max(self.ny - 1 - cy))
            .max(cy.min(0).abs());
        for ring in 0..=max_ring {
            // The cells at Chebyshev distance `ring` from (cx, cy), clipped.
            let (r0, r1) = (cy - ring, cy + ring);
            let (c0, c1) = (cx - ring, cx + ring);
            for r in r0.max(0)..=r1.min(self.ny - 1) {
                if r == r0 || r == r1 {
                    for c in c0.max(0)..=c1.min(self.nx - 1) {
                        visit(c, r, &mut best);
                    }
                } else {
                    for c in [c0, c1] {
                        if c >= 0 && c < self.nx {
                            visit(c, r, &mut best);
                        }
                    }
                }
            }
            if let Some((bd, _)) = best {
                // Every edge not seen yet lies outside the square of cells
                // scanned so far, at least this far from the point.
                let (sx0, sy0) = (
                    self.x0 + (cx - ring) as f64 * self.cell,
                    self.y0 + (cy - ring) as f64 * self.cell,
                );
                let (sx1, sy1) = (
                    self.x0 + (cx + ring + 1) as f64 * self.cell,
                    self.y0 + (cy + ring + 1) as f64 * self.cell,
                );
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
