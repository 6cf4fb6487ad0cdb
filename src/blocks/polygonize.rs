//! Polygonize a noded network into faces (geo has no polygonize).
//!
//! Classic half-edge face tracing: at each vertex the outgoing half-edges are
//! sorted by angle, and a face is walked by always turning to the next edge
//! clockwise from the one we arrived on. Dangling edges (dead-end roads) and
//! bridges (a road into a roundabout inside a block) bound no area, so they
//! are removed first; a connected piece lying inside a face of another piece
//! becomes a hole of that face.

use super::noding::NodedNetwork;
use geo::{Coord, LineString, Polygon};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};

/// A bounded face of the network.
#[derive(Debug, Clone)]
pub struct Face {
    /// The face as a polygon: exterior counter-clockwise, holes clockwise.
    pub polygon: Polygon<f64>,
    /// Area in m² (exterior minus holes).
    pub area: f64,
}

/// The faces of a network and, for each edge, the faces on its two sides.
#[derive(Debug, Clone, Default)]
pub struct Faces {
    /// Bounded faces.
    pub faces: Vec<Face>,
    /// For edge `e` of the network: the face left of `a→b` and the face
    /// left of `b→a` (`None` = unbounded, or the edge was removed as a
    /// dangle or bridge).
    pub edge_faces: Vec<[Option<usize>; 2]>,
}

/// Traces the bounded faces of a planar network.
///
/// ```
/// use linli::blocks::{noding::node, polygonize::polygonize};
/// use linli::model::{Barrier, BarrierKind, BarrierLine};
/// let road = Barrier { level: 2, kind: BarrierKind::Road };
/// let square = BarrierLine {
///     line: vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)].into(),
///     barrier: road,
/// };
/// let dead_end = BarrierLine { line: vec![(5.0, 5.0), (5.0, 10.0)].into(), barrier: road };
/// let faces = polygonize(&node(&[square, dead_end], 0.01));
/// assert_eq!(faces.faces.len(), 1);
/// assert_eq!(faces.faces[0].area, 100.0);
/// ```
pub fn polygonize(net: &NodedNetwork) -> Faces {
    let half = HalfEdges::new(net);
    let mut alive = vec![true; net.edges.len()];
    let cycles = trace_cycles(&half, &mut alive);
    let mut pieces = Pieces::new(net, &alive);
    let mut traced = Traced {
        face_of: vec![None; 2 * net.edges.len()],
        ..Traced::default()
    };
    for cyc in &cycles {
        traced.add_cycle(&half, cyc, &mut pieces);
    }
    traced.place_outer_boundaries(&half, &mut pieces);
    traced.into_faces(&alive)
}

/// The half-edges of a network: half-edge `h` is edge `h / 2`, from `a` to
/// `b` when `h` is even; each vertex's outgoing half-edges sorted by angle.
struct HalfEdges<'a> {
    net: &'a NodedNetwork,
    incident: Vec<Vec<usize>>,
}

impl<'a> HalfEdges<'a> {
    fn new(net: &'a NodedNetwork) -> Self {
        let mut incident: Vec<Vec<usize>> = vec![Vec::new(); net.vertices.len()];
        for (e, edge) in net.edges.iter().enumerate() {
            incident[edge.a].push(2 * e);
            incident[edge.b].push(2 * e + 1);
        }
        let half = HalfEdges { net, incident };
        let mut incident = half.incident.clone();
        for list in incident.iter_mut() {
            list.sort_by(|&x, &y| half.angle(x).total_cmp(&half.angle(y)).then(x.cmp(&y)));
        }
        HalfEdges { net, incident }
    }

    /// The vertex half-edge `h` leaves.
    fn origin(&self, h: usize) -> usize {
        let e = &self.net.edges[h / 2];
        if h.is_multiple_of(2) { e.a } else { e.b }
    }

    /// The direction of half-edge `h`.
    fn angle(&self, h: usize) -> f64 {
        let (p, q) = (
            self.net.vertices[self.origin(h)],
            self.net.vertices[self.origin(h ^ 1)],
        );
        (q.y - p.y).atan2(q.x - p.x)
    }

    /// The closed ring through the origins of the half-edges of a loop.
    fn ring_of(&self, lp: &[usize]) -> Vec<Coord<f64>> {
        let mut pts: Vec<Coord<f64>> = lp
            .iter()
            .map(|&h| self.net.vertices[self.origin(h)])
            .collect();
        pts.push(pts[0]);
        pts
    }
}

/// The boundary cycles of the network's faces, each its half-edges; edges
/// that bound no area (dangles, bridges) are marked dead in `alive` first.
fn trace_cycles(half: &HalfEdges, alive: &mut [bool]) -> Vec<Vec<usize>> {
    let ne = alive.len();
    loop {
        prune_dangles(half.net, alive, &half.incident);
        let out: Vec<Vec<usize>> = half
            .incident
            .iter()
            .map(|l| l.iter().copied().filter(|&h| alive[h / 2]).collect())
            .collect();
        let mut pos = vec![0usize; 2 * ne];
        for l in &out {
            for (i, &h) in l.iter().enumerate() {
                pos[h] = i;
            }
        }
        let mut half_face = vec![usize::MAX; 2 * ne];
        let mut cycles = Vec::new();
        for start in 0..2 * ne {
            if !alive[start / 2] || half_face[start] != usize::MAX {
                continue;
            }
            let id = cycles.len();
            let mut cyc = Vec::new();
            let mut h = start;
            loop {
                half_face[h] = id;
                cyc.push(h);
                // Turn to the next edge clockwise from the one arrived on.
                let twin = h ^ 1;
                let l = &out[half.origin(twin)];
                h = l[(pos[twin] + l.len() - 1) % l.len()];
                if h == start {
                    break;
                }
            }
            cycles.push(cyc);
        }
        // A bridge has the same face on both sides: it bounds nothing.
        let mut bridges = false;
        for e in 0..ne {
            if alive[e] && half_face[2 * e] == half_face[2 * e + 1] {
                alive[e] = false;
                bridges = true;
            }
        }
        if !bridges {
            return cycles;
        }
    }
}

/// Signed area of a closed ring (counter-clockwise positive); shoelace
/// relative to the first point, for precision.
fn signed_area(pts: &[Coord<f64>]) -> f64 {
    let o = pts[0];
    let mut s = 0.0;
    for w in pts.windows(2) {
        s += (w[0].x - o.x) * (w[1].y - o.y) - (w[1].x - o.x) * (w[0].y - o.y);
    }
    s / 2.0
}

/// Connected pieces of the live network (union-find), to keep a piece's
/// own faces from "containing" it.
struct Pieces(Vec<usize>);

impl Pieces {
    fn new(net: &NodedNetwork, alive: &[bool]) -> Self {
        let mut p = Pieces((0..net.vertices.len()).collect());
        for (e, edge) in net.edges.iter().enumerate() {
            if alive[e] {
                let (ra, rb) = (p.find(edge.a), p.find(edge.b));
                if ra != rb {
                    p.0[ra.max(rb)] = ra.min(rb);
                }
            }
        }
        p
    }

    /// The piece of vertex `x`.
    fn find(&mut self, mut x: usize) -> usize {
        let c = &mut self.0;
        while c[x] != x {
            c[x] = c[c[x]];
            x = c[x];
        }
        x
    }
}

/// Faces as they are traced: each exterior ring with its area (less its
/// holes) and piece, the holes, and the face left of each half-edge.
#[derive(Default)]
struct Traced {
    /// Exterior ring, area, piece.
    faces: Vec<(Vec<Coord<f64>>, f64, usize)>,
    holes: Vec<Vec<Vec<Coord<f64>>>>,
    /// Area of each exterior ring alone.
    ext_area: Vec<f64>,
    face_of: Vec<Option<usize>>,
    /// Outer boundaries of pieces: their loops, to become holes.
    outer: Vec<Vec<Vec<usize>>>,
}

impl Traced {
    /// Adds the faces a boundary cycle bounds, or keeps it as a piece's
    /// outer boundary (clockwise in total).
    fn add_cycle(&mut self, half: &HalfEdges, cyc: &[usize], pieces: &mut Pieces) {
        // Loops of a cycle: a boundary that touches itself at a vertex is
        // split there, so every ring is simple (OGC-valid).
        let loops = split_pinches(cyc, &|h| half.origin(h));
        let areas: Vec<f64> = loops
            .iter()
            .map(|l| signed_area(&half.ring_of(l)))
            .collect();
        if areas.iter().sum::<f64>() <= 0.0 {
            self.outer.push(loops);
            return;
        }
        // Every counter-clockwise loop is a face of its own (two lobes
        // touching at a vertex are two polygons); the clockwise loops
        // pinched off them are holes touching them.
        let piece = pieces.find(half.origin(cyc[0]));
        let first = self.faces.len();
        for (k, lp) in loops.iter().enumerate() {
            if areas[k] > 0.0 {
                for &h in lp {
                    self.face_of[h] = Some(self.faces.len());
                }
                self.ext_area.push(areas[k]);
                self.faces.push((half.ring_of(lp), areas[k], piece));
                self.holes.push(Vec::new());
            }
        }
        for (k, lp) in loops.iter().enumerate() {
            if areas[k] < 0.0 {
                let ring = half.ring_of(lp);
                let n = self.faces.len();
                let f = (first..n)
                    .filter(|&f| n - first == 1 || holds(&self.faces[f].0, &ring))
                    .min_by(|&x, &y| self.ext_area[x].total_cmp(&self.ext_area[y]))
                    .unwrap_or(first);
                self.add_hole(f, lp, ring, areas[k]);
            }
        }
    }

    /// `ring` (the loop `lp`, of signed area `area`) as a hole of face `f`.
    fn add_hole(&mut self, f: usize, lp: &[usize], ring: Vec<Coord<f64>>, area: f64) {
        for &h in lp {
            self.face_of[h] = Some(f);
        }
        self.faces[f].1 += area;
        self.holes[f].push(ring);
    }

    /// Each piece's outer boundary becomes a hole in the smallest face of
    /// another piece that contains it.
    fn place_outer_boundaries(&mut self, half: &HalfEdges, pieces: &mut Pieces) {
        let tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>> = RTree::bulk_load(
            self.faces
                .iter()
                .enumerate()
                .map(|(i, (pts, _, _))| {
                    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
                    for c in pts {
                        lo = [lo[0].min(c.x), lo[1].min(c.y)];
                        hi = [hi[0].max(c.x), hi[1].max(c.y)];
                    }
                    GeomWithData::new(Rectangle::from_corners(lo, hi), i)
                })
                .collect(),
        );
        for loops in std::mem::take(&mut self.outer) {
            for lp in loops {
                let ring = half.ring_of(&lp);
                let area = signed_area(&ring);
                if area >= 0.0 {
                    continue;
                }
                let piece = pieces.find(half.origin(lp[0]));
                let probe = ring[0];
                let container = tree
                    .locate_all_at_point(&[probe.x, probe.y])
                    .map(|g| g.data)
                    .filter(|&f| self.faces[f].2 != piece && point_in_ring(probe, &self.faces[f].0))
                    .min_by(|&x, &y| {
                        self.ext_area[x]
                            .total_cmp(&self.ext_area[y])
                            .then(x.cmp(&y))
                    });
                if let Some(f) = container {
                    self.add_hole(f, &lp, ring, area);
                }
            }
        }
    }

    /// The faces as polygons, and each live edge's two faces.
    fn into_faces(self, alive: &[bool]) -> Faces {
        let face_of = self.face_of;
        let faces: Vec<Face> = self
            .faces
            .into_iter()
            .zip(self.holes)
            .map(|((ext, a, _), hs)| {
                // `a` is the exterior less every hole (pinched or of another piece).
                Face {
                    polygon: Polygon::new(
                        LineString(ext),
                        hs.into_iter().map(LineString).collect(),
                    ),
                    area: a,
                }
            })
            .collect();
        let edge_faces = (0..alive.len())
            .map(|e| {
                if !alive[e] {
                    return [None, None];
                }
                [face_of[2 * e], face_of[2 * e + 1]]
            })
            .collect();
        Faces { faces, edge_faces }
    }
}

/// Whether `ring` (a hole touching `outer` at a vertex) lies inside `outer`:
/// the midpoint of one of its edges that is not an edge of `outer` is.
fn holds(outer: &[Coord<f64>], ring: &[Coord<f64>]) -> bool {
    ring.windows(2)
        .find(|w| !(outer.contains(&w[0]) && outer.contains(&w[1])))
        .is_some_and(|w| {
            let m = Coord {
                x: (w[0].x + w[1].x) / 2.0,
                y: (w[0].y + w[1].y) / 2.0,
            };
            point_in_ring(m, outer)
        })
}

/// Splits a cycle of half-edges at repeated vertices (`origin` of each)
/// into simple loops of half-edges.
fn split_pinches(cyc: &[usize], origin: &dyn Fn(usize) -> usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut stack: Vec<usize> = Vec::with_capacity(cyc.len());
    let mut at: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for &h in cyc {
        let v = origin(h);
        if let Some(&i) = at.get(&v) {
            let loop_: Vec<usize> = stack.drain(i..).collect();
            for &u in &loop_ {
                at.remove(&origin(u));
            }
            out.push(loop_);
        }
        at.insert(v, stack.len());
        stack.push(h);
    }
    if !stack.is_empty() {
        out.push(stack);
    }
    out.retain(|l| l.len() >= 3);
    out
}

/// Removes edges hanging from vertices of degree 1, repeatedly.
fn prune_dangles(net: &NodedNetwork, alive: &mut [bool], incident: &[Vec<usize>]) {
    let mut degree: Vec<usize> = incident
        .iter()
        .map(|l| l.iter().filter(|&&h| alive[h / 2]).count())
        .collect();
    let mut stack: Vec<usize> = (0..degree.len()).filter(|&v| degree[v] == 1).collect();
    while let Some(v) = stack.pop() {
        if degree[v] != 1 {
            continue;
        }
        if let Some(&h) = incident[v].iter().find(|&&h| alive[h / 2]) {
            let e = h / 2;
            alive[e] = false;
            degree[v] -= 1;
            let other = if net.edges[e].a == v {
                net.edges[e].b
            } else {
                net.edges[e].a
            };
            degree[other] -= 1;
            if degree[other] == 1 {
                stack.push(other);
            }
        }
    }
}

/// A point inside a polygon (holes excluded), found on one horizontal line:
/// the middle of the widest stretch of that line inside the polygon. The
/// line runs through the middle of the polygon's height, nudged off every
/// vertex, so each ring edge it meets it crosses once. Linear in the
/// vertices (geo's `InteriorPoint` relates candidate points to the polygon,
/// which was most of the blocks stage on faces with many vertices); falls
/// back to geo's where the polygon has no width.
///
/// ```
/// use geo::{polygon, Contains};
/// let l = polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 2.0), (x: 2.0, y: 2.0), (x: 2.0, y: 10.0), (x: 0.0, y: 10.0)];
/// let p = linli::blocks::polygonize::inner_point(&l).unwrap();
/// assert!(l.contains(&p));
/// ```
pub fn inner_point(poly: &Polygon<f64>) -> Option<geo::Point<f64>> {
    let rings = || std::iter::once(poly.exterior()).chain(poly.interiors());
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for c in &poly.exterior().0 {
        lo = lo.min(c.y);
        hi = hi.max(c.y);
    }
    // No height (or NaN): geo's search handles the degenerate case.
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        return geo::InteriorPoint::interior_point(poly);
    }
    // The middle height, moved to the middle of the gap between the
    // vertex heights around it, so no vertex lies on the line.
    let mid = (lo + hi) / 2.0;
    let (mut below, mut above) = (lo, hi);
    for r in rings() {
        for c in &r.0 {
            if c.y <= mid && c.y > below {
                below = c.y;
            }
            if c.y > mid && c.y < above {
                above = c.y;
            }
        }
    }
    let y = (below + above) / 2.0;
    let mut xs: Vec<f64> = Vec::new();
    for r in rings() {
        for w in r.0.windows(2) {
            let (a, b) = (w[0], w[1]);
            if (a.y > y) != (b.y > y) {
                xs.push(a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x));
            }
        }
    }
    xs.sort_by(f64::total_cmp);
    let best = xs
        .chunks_exact(2)
        .filter(|p| p[1] > p[0])
        .max_by(|p, q| (p[1] - p[0]).total_cmp(&(q[1] - q[0])));
    match best {
        Some(p) => Some(geo::Point::new((p[0] + p[1]) / 2.0, y)),
        None => geo::InteriorPoint::interior_point(poly),
    }
}

/// Even-odd test of a point against a closed ring.
pub(crate) fn point_in_ring(p: Coord<f64>, ring: &[Coord<f64>]) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a.y > p.y) != (b.y > p.y) {
            let x = a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x);
            if p.x < x {
                inside = !inside;
            }
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocks::noding::node;
    use crate::model::{Barrier, BarrierKind, BarrierLine};
    use geo::{Area, Validation};

    fn l(pts: &[(f64, f64)]) -> BarrierLine {
        BarrierLine {
            line: pts.to_vec().into(),
            barrier: Barrier {
                level: 2,
                kind: BarrierKind::Road,
            },
        }
    }

    #[test]
    fn grid_of_four() {
        let lines = vec![
            l(&[(0., 0.), (20., 0.), (20., 20.), (0., 20.), (0., 0.)]),
            l(&[(10., -5.), (10., 25.)]),
            l(&[(-5., 10.), (25., 10.)]),
        ];
        let f = polygonize(&node(&lines, 0.01));
        assert_eq!(f.faces.len(), 4);
        for face in &f.faces {
            assert!((face.area - 100.0).abs() < 1e-9);
            assert!(face.polygon.is_valid());
        }
    }

    #[test]
    fn island_becomes_hole_and_bridge_is_removed() {
        let lines = vec![
            l(&[(0., 0.), (100., 0.), (100., 100.), (0., 100.), (0., 0.)]),
            l(&[(40., 40.), (60., 40.), (60., 60.), (40., 60.), (40., 40.)]),
            l(&[(0., 50.), (40., 50.)]), // a bridge into the island
        ];
        let f = polygonize(&node(&lines, 0.01));
        assert_eq!(f.faces.len(), 2);
        let total: f64 = f.faces.iter().map(|x| x.area).sum();
        assert!((total - 10_000.0).abs() < 1e-9);
        let big = f.faces.iter().find(|x| x.area > 1000.0).unwrap();
        assert_eq!(big.polygon.interiors().len(), 1);
        assert!((big.polygon.unsigned_area() - 9_600.0).abs() < 1e-9);
        assert!(big.polygon.is_valid());
    }
}
