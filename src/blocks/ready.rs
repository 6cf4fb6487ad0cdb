//! Ready-made units: polygons a planning bureau already has (parcels,
//! compounds) with households, used as blocks instead of polygonized ones.
//!
//! The units' rings are noded and polygonized like any barrier network, so
//! adjacency and shared lengths come from the actual shared borders (exact or
//! within the snap tolerance), and the dissolve works on them unchanged.

use super::{Adjacency, Block, BlockSet, noding, polygonize};
pub use crate::model::blocks::ReadyUnit;
use crate::model::{Barrier, BarrierKind, BarrierLine};
use geo::{Area, BoundingRect, InteriorPoint, Intersects, Point};
use petgraph::graph::{NodeIndex, UnGraph};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};
use std::collections::BTreeMap;

/// Level of a border between units of different groups (a major road or
/// river) and of one within a group (a local road).
const BETWEEN_GROUPS: u8 = 4;
const WITHIN_GROUP: u8 = 2;

/// Builds blocks (all in community 0) from ready-made units; block `i` is
/// unit `i`. Units must not overlap; slivers between them are left out.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use linli::blocks::ready::{blocks_from_units, ReadyUnit};
/// let sq = |x: f64| MultiPolygon(vec![polygon![(x: x, y: 0.0), (x: x + 10.0, y: 0.0), (x: x + 10.0, y: 10.0), (x: x, y: 10.0)]]);
/// let units = vec![
///     ReadyUnit { area: sq(0.0), households: 100, group: Some("a".into()) },
///     ReadyUnit { area: sq(10.0), households: 200, group: Some("b".into()) },
/// ];
/// let set = blocks_from_units(&units, 0.01);
/// assert_eq!(set.blocks.len(), 2);
/// let adj = set.adjacency.edge_weights().next().unwrap();
/// assert_eq!(adj.shared_m, 10.0);
/// assert_eq!(adj.barrier.level, 4);
/// ```
pub fn blocks_from_units(units: &[ReadyUnit], tolerance: f64) -> BlockSet {
    let mut net = noding::node(&unit_rings(units), tolerance);
    let faces = polygonize::polygonize(&net);
    let face_unit = unit_of_faces(&faces, units);
    let edge_blocks: Vec<[Option<usize>; 2]> = faces
        .edge_faces
        .iter()
        .map(|s| s.map(|f| f.and_then(|f| face_unit[f])))
        .collect();
    let shared = label_borders(&mut net, &edge_blocks, units);
    let mut adjacency = UnGraph::with_capacity(units.len(), shared.len());
    for i in 0..units.len() {
        adjacency.add_node(i);
    }
    for ((a, b), w) in shared {
        adjacency.add_edge(NodeIndex::new(a), NodeIndex::new(b), w);
    }
    let missing = face_unit.iter().filter(|u| u.is_none()).count();
    let mut warnings = Vec::new();
    if missing > 0 {
        warnings.push(format!(
            "{missing} gap(s) or overlap(s) between units were left out"
        ));
    }
    BlockSet {
        blocks: units.iter().enumerate().map(unit_block).collect(),
        adjacency,
        outside_buildings: Vec::new(),
        crossed_buildings: Vec::new(),
        border_buildings: Vec::new(),
        unresolved_crossings: net.unresolved_crossings,
        warnings,
        network: net,
        edge_blocks,
        joins: Vec::new(),
    }
}

/// Every ring of every unit, as a local road.
fn unit_rings(units: &[ReadyUnit]) -> Vec<BarrierLine> {
    let ring_barrier = Barrier {
        level: WITHIN_GROUP,
        kind: BarrierKind::Road,
    };
    let mut lines = Vec::new();
    for u in units {
        for p in &u.area.0 {
            for r in std::iter::once(p.exterior()).chain(p.interiors()) {
                lines.push(BarrierLine {
                    line: r.clone(),
                    barrier: ring_barrier,
                });
            }
        }
    }
    lines
}

/// The unit each face lies in (the first, where units overlap; `None` in a
/// gap).
fn unit_of_faces(faces: &polygonize::Faces, units: &[ReadyUnit]) -> Vec<Option<usize>> {
    let tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>> =
        crate::blocks::index::box_tree(units.iter().map(|u| u.area.bounding_rect()));
    faces
        .faces
        .iter()
        .map(|f| {
            let p: Point<f64> = f.polygon.interior_point()?;
            tree.locate_all_at_point(&[p.x(), p.y()])
                .map(|g| g.data)
                .filter(|&i| units[i].area.intersects(&p))
                .min()
        })
        .collect()
}

/// Unit `i` as block `i`.
fn unit_block((i, u): (usize, &ReadyUnit)) -> Block {
    Block {
        id: i.to_string(),
        community: 0,
        polygon: u
            .area
            .0
            .first()
            .cloned()
            .unwrap_or_else(|| geo::Polygon::new(geo::LineString(Vec::new()), Vec::new())),
        area: u.area.unsigned_area(),
        buildings: Vec::new(),
        households: u.households,
        estimated_households: 0,
        compounds: Vec::new(),
    }
}

/// Each network edge labelled with what it is (a border between groups, a
/// local road within one, or the edge of the units); returns what each
/// pair of touching units shares.
fn label_borders(
    net: &mut noding::NodedNetwork,
    edge_blocks: &[[Option<usize>; 2]],
    units: &[ReadyUnit],
) -> BTreeMap<(usize, usize), Adjacency> {
    let mut shared: BTreeMap<(usize, usize), Adjacency> = BTreeMap::new();
    for (e, sides) in edge_blocks.iter().enumerate() {
        let edge = &mut net.edges[e];
        let barrier = match sides {
            [Some(a), Some(b)] if a != b => {
                let between = units[*a].group.is_some() && units[*a].group != units[*b].group;
                Barrier {
                    level: if between {
                        BETWEEN_GROUPS
                    } else {
                        WITHIN_GROUP
                    },
                    kind: BarrierKind::Road,
                }
            }
            _ => Barrier {
                level: 5,
                kind: BarrierKind::Community,
            },
        };
        edge.barrier = barrier;
        let [Some(a), Some(b)] = *sides else { continue };
        if a == b {
            continue;
        }
        let (p, q) = (net.vertices[edge.a], net.vertices[edge.b]);
        let len = (p.x - q.x).hypot(p.y - q.y);
        shared
            .entry((a.min(b), a.max(b)))
            .and_modify(|x| {
                x.shared_m += len;
                x.barrier = x.barrier.max(barrier);
                x.weakest = x.weakest.min(barrier);
            })
            .or_insert(Adjacency {
                shared_m: len,
                barrier,
                weakest: barrier,
            });
    }
    shared
}
