//! Snapping points to the nearest point on a walking edge (not a junction).
//!
//! A building in the middle of a long block walks to the street in front of
//! it, not to the far corner: snapping to the nearest junction would add up
//! to half a block to every distance. The straight snap leg is part of the
//! walk and is added to every distance.

use super::network::WalkGraph;
use geo::Coord;
use rstar::primitives::{GeomWithData, Line};
use rstar::RTree;

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

/// A spatial index of the graph's edges.
#[derive(Debug)]
pub struct Snapper {
    tree: RTree<GeomWithData<Line<[f64; 2]>, u32>>,
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
        let items = g
            .edges
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let (p, q) = (g.nodes[e.a as usize], g.nodes[e.b as usize]);
                GeomWithData::new(Line::new([p.x, p.y], [q.x, q.y]), i as u32)
            })
            .collect();
        Snapper {
            tree: RTree::bulk_load(items),
        }
    }

    /// The nearest point on any edge; ties go to the lowest edge index so the
    /// result never depends on the tree's layout. `None` on an empty graph
    /// or a non-finite point.
    pub fn snap(&self, g: &WalkGraph, p: Coord<f64>) -> Option<Snap> {
        if !(p.x.is_finite() && p.y.is_finite()) {
            return None;
        }
        let best = self
            .tree
            .nearest_neighbors(&[p.x, p.y])
            .into_iter()
            .map(|item| item.data)
            .min()?;
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
