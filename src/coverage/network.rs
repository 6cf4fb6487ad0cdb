//! The walking graph: walkable road lines noded at true intersections.
//!
//! Roads are noded with the blocks stage's noder, so a footpath that crosses
//! a street meets it, and a line end that stops a few centimetres short of a
//! street is joined to it. Rivers are not in this graph: a road crossing a
//! river is a bridge, the only way over. Edges are straight segments, so an
//! edge's weight is its exact length and any point on it is a linear offset.

use super::dijkstra::Csr;
use crate::blocks::noding::node;
use crate::model::{Barrier, BarrierKind, BarrierLine, Walkway};
use geo::Coord;
use serde::Serialize;
use std::collections::BTreeMap;

/// A straight walkable segment between nodes `a < b`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WalkEdge {
    /// Smaller node index.
    pub a: u32,
    /// Larger node index.
    pub b: u32,
    /// Length, metres.
    pub len: f64,
}

/// The walking network on the metric plane.
#[derive(Debug, Clone, Default)]
pub struct WalkGraph {
    /// Node positions, metres.
    pub nodes: Vec<Coord<f64>>,
    /// Edges sorted by `(a, b)`.
    pub edges: Vec<WalkEdge>,
    /// The same edges as a CSR graph for searches.
    pub csr: Csr,
    /// Connected component of each node: 0 is the largest (by length).
    pub component: Vec<u32>,
    /// Figures of each component, largest first.
    pub components: Vec<ComponentInfo>,
    /// Road lines used.
    pub lines_used: usize,
    /// Road lines left out, by class.
    pub lines_excluded: BTreeMap<String, usize>,
    /// Crossings the noder could not resolve (0 on sane input).
    pub unresolved_crossings: usize,
}

/// Size of one connected piece of the network.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ComponentInfo {
    /// Nodes in it.
    pub nodes: usize,
    /// Edges in it.
    pub edges: usize,
    /// Total length, metres.
    pub length_m: f64,
}

/// Builds the walking graph from `walkways`, leaving out lines whose class is
/// in `excluded` (compared case-insensitively) unless their own `walkable`
/// says otherwise (it decides when given). `tolerance` is the noding snap
/// distance (metres).
///
/// ```
/// use linli::coverage::network::build;
/// use linli::model::Walkway;
/// let w = |pts: Vec<(f64, f64)>, c: &str| Walkway { line: pts.into(), class: c.into(), walkable: None, level: 0 };
/// let g = build(&[w(vec![(0.0, 0.0), (100.0, 0.0)], "residential"),
///                 w(vec![(50.0, -50.0), (50.0, 50.0)], "footway"),
///                 w(vec![(0.0, 10.0), (100.0, 10.0)], "motorway")],
///               &["motorway".to_string()], 0.05);
/// assert_eq!(g.edges.len(), 4); // the cross is split where the footway meets the street
/// assert_eq!(g.lines_excluded["motorway"], 1);
/// // A pedestrian street walks; a service road marked not walkable does not.
/// let mut ped = w(vec![(0.0, 20.0), (100.0, 20.0)], "motorway");
/// ped.walkable = Some(true);
/// let mut private = w(vec![(0.0, 30.0), (100.0, 30.0)], "service");
/// private.walkable = Some(false);
/// let g = build(&[ped, private], &["motorway".to_string()], 0.05);
/// assert_eq!(g.edges.len(), 1);
/// assert_eq!(g.lines_excluded["service (walkable=false)"], 1);
/// ```
pub fn build(walkways: &[Walkway], excluded: &[String], tolerance: f64) -> WalkGraph {
    let excluded: Vec<String> = excluded.iter().map(|c| c.trim().to_lowercase()).collect();
    let mut lines_excluded = BTreeMap::new();
    // Every walkable line is the same kind of "barrier" to the noder: no line
    // may move another, they only meet.
    let road = Barrier {
        level: 1,
        kind: BarrierKind::Road,
    };
    // Whether a class is excluded; an ASCII class (nearly all) is compared
    // without making its lowercase copy.
    let is_excluded = |class: &str| {
        let class = class.trim();
        if class.is_ascii() {
            excluded.iter().any(|e| e.eq_ignore_ascii_case(class))
        } else {
            excluded.contains(&class.to_lowercase())
        }
    };
    // A line's own `walkable` decides over its class.
    let left_out = |w: &Walkway| w.walkable.map_or_else(|| is_excluded(&w.class), |x| !x);
    for w in walkways {
        if left_out(w) {
            let class = w.class.trim().to_lowercase();
            let key = if w.walkable == Some(false) && !is_excluded(&w.class) {
                format!("{class} (walkable=false)")
            } else {
                class
            };
            *lines_excluded.entry(key).or_insert(0) += 1;
        }
    }
    // The lines copied in parallel, in order, by level.
    use rayon::prelude::*;
    let kept: Vec<&Walkway> = walkways.iter().filter(|w| !left_out(w)).collect();
    let mut levels: Vec<i8> = kept.iter().map(|w| w.level).collect();
    levels.sort_unstable();
    levels.dedup();
    let mut joined = LevelJoin::new(tolerance);
    let mut unresolved = 0;
    for &level in &levels {
        let lines: Vec<BarrierLine> = kept
            .par_iter()
            .with_min_len(1024)
            .filter(|w| w.level == level)
            .map(|w| BarrierLine {
                line: w.line.clone(),
                barrier: road,
            })
            .collect();
        let net = node(&lines, tolerance);
        unresolved += net.unresolved_crossings;
        joined.add(net, levels.len() > 1);
    }
    from_segments(
        joined.nodes,
        joined.segments,
        kept.len(),
        lines_excluded,
        unresolved,
    )
}

/// The noded levels of the network joined: within a level lines meet
/// wherever they cross; between levels only at a vertex both have (within
/// the noding tolerance), as a bridge meets the streets at its ends.
struct LevelJoin {
    nodes: Vec<Coord<f64>>,
    segments: Vec<(u32, u32)>,
    /// Nodes by grid cell of the tolerance's size.
    cells: std::collections::HashMap<(i64, i64), Vec<u32>>,
    tolerance: f64,
}

impl LevelJoin {
    fn new(tolerance: f64) -> Self {
        LevelJoin {
            nodes: Vec::new(),
            segments: Vec::new(),
            cells: Default::default(),
            tolerance: tolerance.max(1e-6),
        }
    }

    fn cell(&self, c: Coord<f64>) -> (i64, i64) {
        (
            (c.x / self.tolerance).floor() as i64,
            (c.y / self.tolerance).floor() as i64,
        )
    }

    /// Adds one level's noded network; `index` when more levels follow or
    /// came before (a single level is taken as it is).
    fn add(&mut self, net: crate::model::network::NodedNetwork, index: bool) {
        let ids: Vec<u32> = net.vertices.iter().map(|&v| self.node(v, index)).collect();
        self.segments
            .extend(net.edges.iter().map(|e| (ids[e.a], ids[e.b])));
    }

    /// The id of a node at `v`: one of an earlier level within the
    /// tolerance, else a new one.
    fn node(&mut self, v: Coord<f64>, index: bool) -> u32 {
        if !index {
            self.nodes.push(v);
            return self.nodes.len() as u32 - 1;
        }
        let (cx, cy) = self.cell(v);
        let near = (cx - 1..=cx + 1)
            .flat_map(|x| (cy - 1..=cy + 1).map(move |y| (x, y)))
            .filter_map(|k| self.cells.get(&k))
            .flatten()
            .copied()
            .filter(|&i| {
                let p = self.nodes[i as usize];
                (p.x - v.x).hypot(p.y - v.y) <= self.tolerance
            })
            .min();
        if let Some(i) = near {
            return i;
        }
        let id = self.nodes.len() as u32;
        self.nodes.push(v);
        self.cells.entry((cx, cy)).or_default().push(id);
        id
    }
}

/// Builds the graph from already-noded nodes and segments `(a, b)`: lengths
/// are the straight distances; zero-length and repeated segments are dropped.
///
/// ```
/// use geo::Coord;
/// let g = linli::coverage::network::from_nodes(
///     vec![Coord { x: 0.0, y: 0.0 }, Coord { x: 3.0, y: 4.0 }], vec![(0, 1), (1, 0)]);
/// assert_eq!(g.edges.len(), 1);
/// assert_eq!(g.edges[0].len, 5.0);
/// ```
pub fn from_nodes(nodes: Vec<Coord<f64>>, segments: Vec<(u32, u32)>) -> WalkGraph {
    let n = segments.len();
    from_segments(nodes, segments, n, BTreeMap::new(), 0)
}

fn from_segments(
    nodes: Vec<Coord<f64>>,
    mut segments: Vec<(u32, u32)>,
    lines_used: usize,
    lines_excluded: BTreeMap<String, usize>,
    unresolved_crossings: usize,
) -> WalkGraph {
    for s in segments.iter_mut() {
        *s = (s.0.min(s.1), s.0.max(s.1));
    }
    segments.sort_unstable();
    segments.dedup();
    let edges: Vec<WalkEdge> = segments
        .into_iter()
        .filter(|&(a, b)| a != b && (a as usize) < nodes.len() && (b as usize) < nodes.len())
        .map(|(a, b)| {
            let (p, q) = (nodes[a as usize], nodes[b as usize]);
            WalkEdge {
                a,
                b,
                len: (p.x - q.x).hypot(p.y - q.y),
            }
        })
        .filter(|e| e.len > 0.0)
        .collect();
    let csr = Csr::from_edges(
        nodes.len(),
        &edges.iter().map(|e| (e.a, e.b, e.len)).collect::<Vec<_>>(),
    );
    let (component, components) = components(nodes.len(), &edges);
    WalkGraph {
        nodes,
        edges,
        csr,
        component,
        components,
        lines_used,
        lines_excluded,
        unresolved_crossings,
    }
}

fn find(parent: &mut [u32], mut v: u32) -> u32 {
    while parent[v as usize] != v {
        let p = parent[v as usize];
        parent[v as usize] = parent[p as usize];
        v = p;
    }
    v
}

/// Labels components 0.. by decreasing length (ties: lowest node first), so
/// the numbering is deterministic and 0 is the main network.
fn components(n: usize, edges: &[WalkEdge]) -> (Vec<u32>, Vec<ComponentInfo>) {
    let mut parent: Vec<u32> = (0..n as u32).collect();
    for e in edges {
        let (ra, rb) = (find(&mut parent, e.a), find(&mut parent, e.b));
        if ra != rb {
            parent[ra.max(rb) as usize] = ra.min(rb);
        }
    }
    let mut root_info: BTreeMap<u32, ComponentInfo> = BTreeMap::new();
    let mut root_of = vec![0u32; n];
    for v in 0..n as u32 {
        let r = find(&mut parent, v);
        root_of[v as usize] = r;
        root_info.entry(r).or_default().nodes += 1;
    }
    for e in edges {
        let info = root_info.entry(root_of[e.a as usize]).or_default();
        info.edges += 1;
        info.length_m += e.len;
    }
    let mut order: Vec<(u32, ComponentInfo)> = root_info.into_iter().collect();
    order.sort_by(|x, y| y.1.length_m.total_cmp(&x.1.length_m).then(x.0.cmp(&y.0)));
    let mut label: BTreeMap<u32, u32> = BTreeMap::new();
    for (i, (r, _)) in order.iter().enumerate() {
        label.insert(*r, i as u32);
    }
    let component = root_of.iter().map(|r| label[r]).collect();
    (component, order.into_iter().map(|(_, i)| i).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_ordered_by_length() {
        let c = |x, y| Coord { x, y };
        let g = from_nodes(
            vec![c(0., 0.), c(1., 0.), c(10., 0.), c(20., 0.), c(40., 0.)],
            vec![(0, 1), (2, 3), (3, 4)],
        );
        assert_eq!(g.component, vec![1, 1, 0, 0, 0]);
        assert_eq!(g.components[0].length_m, 30.0);
        assert_eq!(g.components[1].nodes, 2);
    }
}
