//! Dissolve blocks into neighborhood polygons topologically: keep the network
//! edges whose two sides belong to different neighborhoods and polygonize
//! them. Shared borders come out bit-identical between neighbours, so the
//! neighborhoods tile the community exactly, as the blocks do.

use crate::blocks::BlockSet;
use crate::blocks::noding::{NodedEdge, NodedNetwork};
use crate::blocks::polygonize::polygonize;
use crate::model::BarrierKind;
pub use crate::model::neighborhoods::Dissolved;
use geo::{MultiPolygon, Polygon};

/// Dissolves blocks by their group (`group[block]`, `usize::MAX` = none)
/// into `count` regions.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use linli::model::*;
/// let area = MultiPolygon(vec![polygon![(x: 0.0, y: 0.0), (x: 90.0, y: 0.0), (x: 90.0, y: 30.0), (x: 0.0, y: 30.0)]]);
/// let road = |x| BarrierLine { line: vec![(x, -5.0), (x, 35.0)].into(), barrier: Barrier { level: 2, kind: BarrierKind::Road } };
/// let s = Scenario { communities: vec![Community { id: "C".into(), name: "C".into(), street: "S".into(),
///     kind: CommunityKind::Urban, social_workers: None, area }], barriers: vec![road(30.0), road(60.0)], ..Default::default() };
/// let set = linli::blocks::build_blocks(&s, 0.05, 5).unwrap();
/// let group: Vec<usize> = set.blocks.iter().map(|b| if b.polygon.exterior().0.iter().all(|c| c.x <= 60.0) { 0 } else { 1 }).collect();
/// let d = linli::dissolve::dissolve(&set, &group, 2);
/// assert_eq!(d[0].area.0.len(), 1);
/// assert!((d[0].perimeter_m - 180.0).abs() < 1e-9);
/// assert!((d[0].barrier_border_m - 30.0).abs() < 1e-9);
/// ```
pub fn dissolve(set: &BlockSet, group: &[usize], count: usize) -> Vec<Dissolved> {
    let net = &set.network;
    let side = |b: Option<usize>| b.map(|b| group[b]).filter(|&g| g != usize::MAX);
    let mut kept: Vec<NodedEdge> = Vec::new();
    let mut kept_sides: Vec<[Option<usize>; 2]> = Vec::new();
    let mut out = vec![
        Dissolved {
            area: MultiPolygon(Vec::new()),
            perimeter_m: 0.0,
            community_border_m: 0.0,
            barrier_border_m: 0.0,
        };
        count
    ];
    for (e, sides) in set.edge_blocks.iter().enumerate() {
        let (l, r) = (side(sides[0]), side(sides[1]));
        if l == r {
            continue;
        }
        let edge = net.edges[e];
        kept.push(edge);
        kept_sides.push([l, r]);
        let len = {
            let (p, q) = (net.vertices[edge.a], net.vertices[edge.b]);
            (p.x - q.x).hypot(p.y - q.y)
        };
        for g in [l, r].into_iter().flatten() {
            let d = &mut out[g];
            d.perimeter_m += len;
            if edge.barrier.kind == BarrierKind::Community || l.is_none() || r.is_none() {
                d.community_border_m += len;
            } else if !matches!(edge.barrier.kind, BarrierKind::Cell | BarrierKind::Building) {
                d.barrier_border_m += len;
            }
        }
    }
    let sub = NodedNetwork {
        vertices: net.vertices.clone(),
        edges: kept,
        unresolved_crossings: 0,
    };
    let faces = polygonize(&sub);
    // The region of a face: the group on that side of any of its edges.
    let mut face_group = vec![usize::MAX; faces.faces.len()];
    for (e, fs) in faces.edge_faces.iter().enumerate() {
        for (k, f) in fs.iter().enumerate() {
            if let (Some(f), Some(g)) = (*f, kept_sides[e][k]) {
                face_group[f] = g;
            }
        }
    }
    let mut polys: Vec<Vec<Polygon<f64>>> = vec![Vec::new(); count];
    for (f, face) in faces.faces.into_iter().enumerate() {
        if face_group[f] != usize::MAX {
            polys[face_group[f]].push(face.polygon);
        }
    }
    for (g, ps) in polys.into_iter().enumerate() {
        out[g].area = MultiPolygon(ps);
    }
    out
}
