//! Community borders written exactly as given.
//!
//! The algorithms work on a transverse Mercator plane, where a straight
//! lon/lat edge is a curve; a vertex the plane puts on a border (a road
//! meeting it) would come back off the lon/lat edge, and the neighborhoods
//! as written would leave slivers along the border. So community rings are
//! densified in the input coordinates until their plane chords stay within
//! a millimetre of the curve ([`densify_ring`]), and [`Pins`] remembers, for
//! every plane vertex of a border, the input position it came from: a
//! border vertex is written as given, and a vertex lying on a border edge
//! is written on the input edge, at the same fraction of its length.

use geo::Coord;
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};
use std::collections::HashMap;

/// How far (metres) a plane chord of a densified border may stray from the
/// image of the input edge: far below the noding tolerance (5 cm), so no
/// other vertex is ever on the wrong side of the border as written.
pub const BORDER_SAGITTA_M: f64 = 1e-3;

/// How near (metres) a plane vertex must be to a border edge to count as
/// lying on it: noding puts such vertices on the edge up to rounding.
const ON_EDGE_M: f64 = 1e-6;

/// Most halvings of one edge while densifying.
const MAX_DEPTH: u32 = 10;

/// A border vertex: its input position and its plane position.
pub type BorderPoint = ((f64, f64), Coord<f64>);

/// Densifies a ring (or line) given in input coordinates: between two
/// vertices, midpoints (in input coordinates) are added until the plane
/// chord of every piece stays within `sagitta` metres of the plane image of
/// its midpoint. Returns `(input, plane)` pairs; `None` when a position does
/// not convert.
///
/// Shared edges of two rings get the same points whichever way they run, so
/// neighbouring communities keep sharing every vertex.
///
/// ```
/// use linli::project::pins::densify_ring;
/// // A plane that bends: x stays, y gains x²/1000 (a parabola's sagitta).
/// let to_plane = |x: f64, y: f64| Some((x, y + x * x / 1000.0));
/// let ring = densify_ring(&[(0.0, 0.0), (100.0, 0.0)], &to_plane, 0.01).unwrap();
/// assert!(ring.len() > 2);
/// assert_eq!(ring[0].0, (0.0, 0.0));
/// assert_eq!(ring.last().unwrap().0, (100.0, 0.0));
/// ```
pub fn densify_ring(
    input: &[(f64, f64)],
    to_plane: &dyn Fn(f64, f64) -> Option<(f64, f64)>,
    sagitta: f64,
) -> Option<Vec<BorderPoint>> {
    let conv = |p: (f64, f64)| to_plane(p.0, p.1).map(|(x, y)| Coord { x, y });
    let mut out = Vec::with_capacity(input.len());
    let Some(&first) = input.first() else {
        return Some(out);
    };
    let mut prev = (first, conv(first)?);
    out.push(prev);
    for &p in &input[1..] {
        let next = (p, conv(p)?);
        bisect(prev, next, &conv, sagitta, 0, &mut out)?;
        out.push(next);
        prev = next;
    }
    Some(out)
}

/// Adds the points strictly between `a` and `b` (not `b` itself).
fn bisect(
    a: BorderPoint,
    b: BorderPoint,
    conv: &dyn Fn((f64, f64)) -> Option<Coord<f64>>,
    sagitta: f64,
    depth: u32,
    out: &mut Vec<BorderPoint>,
) -> Option<()> {
    // At most 2^10 pieces per edge: enough for a 120 km edge at 60°N;
    // beyond that the data is not a district (or the projection went
    // wild), and the chords stay as they are.
    if depth >= MAX_DEPTH || a.0 == b.0 {
        return Some(());
    }
    // Symmetric in a and b, so a shared edge gets the same midpoints both ways.
    let mid_in = ((a.0.0 + b.0.0) / 2.0, (a.0.1 + b.0.1) / 2.0);
    let mid = conv(mid_in)?;
    let chord_mid = Coord {
        x: (a.1.x + b.1.x) / 2.0,
        y: (a.1.y + b.1.y) / 2.0,
    };
    if (mid.x - chord_mid.x).hypot(mid.y - chord_mid.y) <= sagitta {
        return Some(());
    }
    let m = (mid_in, mid);
    bisect(a, m, conv, sagitta, depth + 1, out)?;
    out.push(m);
    bisect(m, b, conv, sagitta, depth + 1, out)
}

/// The input position of every border vertex on the plane, and an index of
/// border edges, so that outputs put border vertices exactly where the
/// input has them.
#[derive(Debug, Clone, Default)]
pub struct Pins {
    /// Plane position (bits) → input position.
    points: HashMap<(u64, u64), (f64, f64)>,
    /// Border edges: their two ends.
    edges: Vec<[BorderPoint; 2]>,
    /// The edges' boxes (padded), built on first use.
    index: std::sync::OnceLock<RTree<GeomWithData<Rectangle<[f64; 2]>, u32>>>,
}

/// The same borders (the index is derived).
impl PartialEq for Pins {
    fn eq(&self, other: &Self) -> bool {
        self.points == other.points && self.edges == other.edges
    }
}

fn key(c: Coord<f64>) -> (u64, u64) {
    // +0.0 and -0.0 are one place.
    ((c.x + 0.0).to_bits(), (c.y + 0.0).to_bits())
}

impl Pins {
    /// Adds a border ring (or line) of `(input, plane)` positions.
    ///
    /// ```
    /// use geo::Coord;
    /// use linli::project::pins::Pins;
    /// let mut pins = Pins::default();
    /// let a = ((120.0, 32.0), Coord { x: 0.0, y: 0.0 });
    /// let b = ((120.001, 32.0), Coord { x: 94.4, y: 0.1 });
    /// pins.add_ring(&[a, b]);
    /// assert_eq!(pins.input_of(Coord { x: 94.4, y: 0.1 }), Some((120.001, 32.0)));
    /// // Halfway along the edge on the plane: halfway along it as given.
    /// let (lon, lat) = pins.input_of(Coord { x: 47.2, y: 0.05 }).unwrap();
    /// assert!((lon - 120.0005).abs() < 1e-12 && lat == 32.0);
    /// assert_eq!(pins.input_of(Coord { x: 47.2, y: 3.0 }), None);
    /// ```
    pub fn add_ring(&mut self, ring: &[BorderPoint]) {
        for &(input, plane) in ring {
            self.points.entry(key(plane)).or_insert(input);
        }
        for w in ring.windows(2) {
            if w[0].1 != w[1].1 {
                self.edges.push([w[0], w[1]]);
            }
        }
        self.index = std::sync::OnceLock::new();
    }

    fn index(&self) -> &RTree<GeomWithData<Rectangle<[f64; 2]>, u32>> {
        self.index.get_or_init(|| {
            RTree::bulk_load(
                self.edges
                    .iter()
                    .enumerate()
                    .map(|(i, [(_, a), (_, b)])| {
                        let lo = [a.x.min(b.x) - ON_EDGE_M, a.y.min(b.y) - ON_EDGE_M];
                        let hi = [a.x.max(b.x) + ON_EDGE_M, a.y.max(b.y) + ON_EDGE_M];
                        GeomWithData::new(Rectangle::from_corners(lo, hi), i as u32)
                    })
                    .collect(),
            )
        })
    }

    /// Whether no border was added.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The input position of a plane vertex on a border: the vertex as
    /// given, or the point at the same fraction of the input edge it lies
    /// on; `None` off every border.
    pub fn input_of(&self, c: Coord<f64>) -> Option<(f64, f64)> {
        if let Some(&p) = self.points.get(&key(c)) {
            return Some(p);
        }
        // The lowest edge id that holds it, so the answer never depends on
        // the index's order.
        self.index()
            .locate_all_at_point(&[c.x, c.y])
            .map(|g| g.data)
            .filter_map(|id| {
                let [(ia, pa), (ib, pb)] = self.edges[id as usize];
                let d = pb - pa;
                let len2 = d.x * d.x + d.y * d.y;
                let t = ((c.x - pa.x) * d.x + (c.y - pa.y) * d.y) / len2;
                let off = ((c.x - pa.x) * d.y - (c.y - pa.y) * d.x).abs() / len2.sqrt();
                (off <= ON_EDGE_M && (0.0..=1.0).contains(&t))
                    .then_some((id, (ia.0 + t * (ib.0 - ia.0), ia.1 + t * (ib.1 - ia.1))))
            })
            .min_by_key(|x| x.0)
            .map(|x| x.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_edges_get_the_same_points_both_ways() {
        let to_plane = |x: f64, y: f64| Some((x * 1000.0, y * 1000.0 + (x * 1000.0).powi(2) / 5e4));
        let ab = densify_ring(&[(0.0, 0.0), (1.0, 0.3)], &to_plane, 1e-3).unwrap();
        let mut ba = densify_ring(&[(1.0, 0.3), (0.0, 0.0)], &to_plane, 1e-3).unwrap();
        ba.reverse();
        assert!(ab.len() > 10);
        assert_eq!(ab, ba);
    }

    #[test]
    fn chords_stay_within_the_sagitta() {
        let to_plane = |x: f64, y: f64| Some((x, y + x * x / 2000.0));
        let ring = densify_ring(&[(0.0, 0.0), (1000.0, 0.0)], &to_plane, 1e-3).unwrap();
        for w in ring.windows(2) {
            let mid = ((w[0].0.0 + w[1].0.0) / 2.0, 0.0);
            let (mx, my) = to_plane(mid.0, mid.1).unwrap();
            let cx = (w[0].1.x + w[1].1.x) / 2.0;
            let cy = (w[0].1.y + w[1].1.y) / 2.0;
            assert!((mx - cx).hypot(my - cy) <= 1e-3);
        }
    }
}
