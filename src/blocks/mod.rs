//! Blocks: the faces of the barrier network, tagged with their community.
//!
//! Community borders, water, rail, roads and landmark rings are noded
//! ([`noding`]) and polygonized ([`polygonize`]); every face inside a
//! community is a block. Buildings go to the block holding their location
//! ([`assign`]), and blocks that share a border are joined in a petgraph
//! adjacency graph labelled with the shared length and strongest barrier.

pub mod assign;
pub mod dangles;
pub mod faces;
pub mod footprints;
pub mod index;
pub mod noding;
pub mod polygonize;
pub mod ready;

use crate::error::Problem;
pub use crate::model::blocks::{Adjacency, Block, BlockSet};
use crate::model::{Barrier, BarrierKind, BarrierLine, Scenario};
use geo::{BoundingRect, Coord, InteriorPoint, Intersects, LineString, Point, Polygon};
use petgraph::graph::{NodeIndex, UnGraph};
use rstar::RTree;
use rstar::primitives::Rectangle;
use std::collections::BTreeMap;

/// The community-border lines of a scenario as barriers.
fn community_borders(scenario: &Scenario, level: u8) -> Vec<BarrierLine> {
    let barrier = Barrier {
        level,
        kind: BarrierKind::Community,
    };
    let mut out = Vec::new();
    for c in &scenario.communities {
        for p in &c.area.0 {
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                out.push(BarrierLine {
                    line: ring.clone(),
                    barrier,
                });
            }
        }
    }
    out
}

/// Builds the blocks of a scenario.
///
/// `snap_tolerance` is the noding tolerance in metres; `community_level` the
/// barrier level of community borders. Errors when communities overlap.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use linli::model::*;
/// let area = MultiPolygon(vec![polygon![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 100.0), (x: 0.0, y: 100.0)]]);
/// let scenario = Scenario {
///     communities: vec![Community { id: "C1".into(), name: "C1".into(), street: "S".into(),
///         kind: CommunityKind::Urban, social_workers: None, area }],
///     barriers: vec![BarrierLine { line: vec![(50.0, -10.0), (50.0, 110.0)].into(),
///         barrier: Barrier { level: 2, kind: BarrierKind::Road } }],
///     ..Default::default()
/// };
/// let set = linli::blocks::build_blocks(&scenario, 0.05, 5).unwrap();
/// assert_eq!(set.blocks.len(), 2);
/// assert_eq!(set.adjacency.edge_count(), 1);
/// ```
pub fn build_blocks(
    scenario: &Scenario,
    snap_tolerance: f64,
    community_level: u8,
) -> Result<BlockSet, Vec<Problem>> {
    build_blocks_with(scenario, &[], snap_tolerance, community_level)
}

/// [`build_blocks`] with extra lines in the network (e.g. the cell edges
/// that split blocks too large for one neighborhood).
pub fn build_blocks_with(
    scenario: &Scenario,
    extra: &[BarrierLine],
    snap_tolerance: f64,
    community_level: u8,
) -> Result<BlockSet, Vec<Problem>> {
    build(
        scenario,
        extra,
        None,
        snap_tolerance,
        community_level,
        Mode::Tidy,
    )
}

/// [`build_blocks_with`] for blocks `first` split by `cells` (the cell
/// lines of its blocks above the band): strong dead ends are carried on by
/// `first`'s own joins, not to the nearest cell line, since the cells were
/// clipped to the blocks those joins bound (and finding them again would
/// node the whole network twice).
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use linli::model::*;
/// let area = MultiPolygon(vec![polygon![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 100.0), (x: 0.0, y: 100.0)]]);
/// let scenario = Scenario {
///     communities: vec![Community { id: "C1".into(), name: "C1".into(), street: "S".into(),
///         kind: CommunityKind::Urban, social_workers: None, area }],
///     ..Default::default()
/// };
/// let first = linli::blocks::build_blocks(&scenario, 0.05, 5).unwrap();
/// let cell = BarrierLine { line: vec![(0.0, 50.0), (100.0, 50.0)].into(),
///     barrier: Barrier { level: 0, kind: BarrierKind::Cell } };
/// let set = linli::blocks::split_blocks(&scenario, &first, &[cell], 0.05, 5).unwrap();
/// assert_eq!(set.blocks.len(), 2);
/// ```
pub fn split_blocks(
    scenario: &Scenario,
    first: &BlockSet,
    cells: &[BarrierLine],
    snap_tolerance: f64,
    community_level: u8,
) -> Result<BlockSet, Vec<Problem>> {
    build(
        scenario,
        cells,
        Some(&first.joins),
        snap_tolerance,
        community_level,
        Mode::Tidy,
    )
}

/// [`build_blocks_with`] for a grid as drawn (audits, a district's own
/// grid): every face is a block, slivers and buildings cut by a line
/// included, so that the grid's own gaps, overlaps and cut buildings can
/// be measured.
pub fn build_blocks_as_drawn(
    scenario: &Scenario,
    extra: &[BarrierLine],
    snap_tolerance: f64,
    community_level: u8,
) -> Result<BlockSet, Vec<Problem>> {
    build(
        scenario,
        extra,
        None,
        snap_tolerance,
        community_level,
        Mode::AsDrawn,
    )
}

/// [`build_blocks_as_drawn`] where the scenario's own barriers (roads,
/// rivers, landmark edges) keep the buildings they run through whole, as
/// in [`build_blocks`], while the `extra` lines (a grid's borders) cut
/// them as drawn: what a redraw re-partitions, so that its new borders,
/// which follow block edges, split no building the grid left whole.
pub fn build_blocks_as_drawn_keeping_buildings(
    scenario: &Scenario,
    extra: &[BarrierLine],
    snap_tolerance: f64,
    community_level: u8,
) -> Result<BlockSet, Vec<Problem>> {
    build(
        scenario,
        extra,
        None,
        snap_tolerance,
        community_level,
        Mode::DrawnWhole,
    )
}

/// How faces become blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Slivers joined, every building a line runs through kept whole.
    Tidy,
    /// Every face a block.
    AsDrawn,
    /// Every face a block but the pieces of a building one of the
    /// scenario's barriers runs through.
    DrawnWhole,
}

fn build(
    scenario: &Scenario,
    extra: &[BarrierLine],
    joins: Option<&[BarrierLine]>,
    snap_tolerance: f64,
    community_level: u8,
    mode: Mode,
) -> Result<BlockSet, Vec<Problem>> {
    let tidy = mode == Mode::Tidy;
    let Network {
        net,
        crossed,
        on_borders,
        joins,
    } = network(
        scenario,
        extra,
        joins,
        snap_tolerance,
        community_level,
        mode,
    );
    let which: Vec<usize> = crossed.iter().map(|&(i, _)| i).collect();
    let faces = polygonize::polygonize(&net);
    let faces::FacePlaces {
        community: face_community,
        probes,
    } = faces::communities(scenario, &net, &faces)?;
    let outlines: Vec<Polygon<f64>> = which
        .iter()
        .filter_map(|&i| scenario.buildings[i].footprint.clone())
        .collect();
    let grouping = faces::Grouping {
        community: &face_community,
        probes: &probes,
        crossed: &outlines,
        tolerance: snap_tolerance,
        slivers: tidy,
    };
    let group = faces::groups(scenario, &net, &faces, &grouping);
    let (mut blocks, face_block, per_community) =
        make_blocks(scenario, &faces, &face_community, &probes, &group);
    let adjacency = adjacency_graph(&net, &faces, &face_block, blocks.len());
    if blocks.len() < face_community.iter().flatten().count() {
        merge_block_polygons(&net, &faces, &face_block, &mut blocks);
    }
    let outside = assign::assign_buildings(&mut blocks, &scenario.buildings);
    if !scenario.parcels.is_empty() {
        parcel_households(scenario, &mut blocks);
    }
    assign::assign_compounds(&mut blocks, &scenario.compounds);
    let crossed_buildings: Vec<(usize, Barrier)> = crossed
        .into_iter()
        .filter(|(_, b)| !matches!(b.kind, BarrierKind::Cell | BarrierKind::Building))
        .collect();
    let mut warnings = warnings(scenario, &outside, &net, &per_community, &crossed_buildings);
    warnings.extend(border_warning(scenario, &on_borders));
    let edge_blocks = faces
        .edge_faces
        .iter()
        .map(|sides| sides.map(|f| f.map(|f| face_block[f]).filter(|&b| b != usize::MAX)))
        .collect();
    Ok(BlockSet {
        blocks,
        adjacency,
        outside_buildings: outside,
        crossed_buildings,
        border_buildings: on_borders,
        unresolved_crossings: net.unresolved_crossings,
        warnings,
        network: net,
        edge_blocks,
        joins,
    })
}

/// The warning for buildings a community border runs through, if any.
fn border_warning(scenario: &Scenario, on_borders: &[usize]) -> Option<String> {
    if on_borders.is_empty() {
        return None;
    }
    Some(format!(
        "{} building(s) straddle a community border and are split by it; each counts in the community holding its centre (first: {})",
        on_borders.len(),
        on_borders
            .iter()
            .take(5)
            .map(|&i| scenario.buildings[i].id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// The noded network and what it did with buildings.
struct Network {
    net: noding::NodedNetwork,
    /// Buildings a line runs through (their outlines are in the network).
    crossed: Vec<(usize, Barrier)>,
    /// Buildings a community border runs through.
    on_borders: Vec<usize>,
    /// The lines carrying strong dead ends on (`dangles::joins`).
    joins: Vec<BarrierLine>,
}

/// Nodes the network of `build`. When `tidy`, the outlines of buildings a
/// line runs through join it (parcel rings aside: parcels are units as
/// given), so that their pieces go whole to one side (faces::groups).
/// Strong lines that stop inside a block are carried on to the nearest
/// line, so that they bound blocks; such a join may run through buildings
/// too; `joins` gives those lines instead of finding them.
fn network(
    scenario: &Scenario,
    extra: &[BarrierLine],
    joins: Option<&[BarrierLine]>,
    tol: f64,
    community_level: u8,
    mode: Mode,
) -> Network {
    let buildings = &scenario.buildings;
    let mut crossed = Vec::new();
    let mut on_borders = Vec::new();
    let tidy = mode != Mode::AsDrawn;
    if tidy {
        // Drawn-whole: the extra lines (a grid's) may cut buildings.
        let kept = if mode == Mode::Tidy { extra } else { &[] };
        let mut through = network_lines(&Scenario::default(), kept, community_level);
        through.extend(scenario.barriers.iter().cloned());
        crossed = footprints::crossed_closure(buildings, &through, tol);
        let borders = community_borders(scenario, community_level);
        on_borders = footprints::crossed(buildings, &borders, tol)
            .into_iter()
            .map(|c| c.0)
            .collect();
    }
    let which: Vec<usize> = crossed.iter().map(|c| c.0).collect();
    let mut lines = network_lines(scenario, extra, community_level);
    lines.extend(footprints::outlines(buildings, &which));
    let joins = match joins {
        Some(given) => given.to_vec(),
        None => {
            let net = noding::node(&lines, tol);
            let found = dangles::joins(&net, dangles::JOIN_REACH_M);
            if found.is_empty() {
                return Network {
                    net,
                    crossed,
                    on_borders,
                    joins: found,
                };
            }
            found
        }
    };
    if tidy && !joins.is_empty() {
        let more: Vec<(usize, Barrier)> = footprints::crossed_closure(buildings, &joins, tol)
            .into_iter()
            .filter(|c| crossed.binary_search_by_key(&c.0, |x| x.0).is_err())
            .collect();
        let idx: Vec<usize> = more.iter().map(|c| c.0).collect();
        lines.extend(footprints::outlines(buildings, &idx));
        crossed.extend(more);
        crossed.sort_by_key(|c| c.0);
    }
    lines.extend(joins.iter().cloned());
    Network {
        net: noding::node(&lines, tol),
        crossed,
        on_borders,
        joins,
    }
}

/// The lines of the network: community borders, `extra`, parcel rings, and
/// the barriers near some community.
fn network_lines(
    scenario: &Scenario,
    extra: &[BarrierLine],
    community_level: u8,
) -> Vec<BarrierLine> {
    let mut lines = community_borders(scenario, community_level);
    lines.extend(extra.iter().cloned());
    // Ready-made blocks: their rings join the network (as non-barriers, so
    // a parcel edge on a road is a road), and faces are regrouped into them.
    let parcel_edge = Barrier {
        level: 0,
        kind: BarrierKind::Cell,
    };
    for p in &scenario.parcels {
        for poly in &p.area.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                lines.push(BarrierLine {
                    line: ring.clone(),
                    barrier: parcel_edge,
                });
            }
        }
    }
    // Lines far from every community only cost time.
    let box_tree: RTree<Rectangle<[f64; 2]>> = RTree::bulk_load(
        scenario
            .communities
            .iter()
            .filter_map(|c| c.area.bounding_rect())
            .map(|r| Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]))
            .collect(),
    );
    for b in &scenario.barriers {
        if let Some(r) = b.line.bounding_rect() {
            let env = rstar::AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
            if box_tree
                .locate_in_envelope_intersecting(&env)
                .next()
                .is_some()
            {
                lines.push(b.clone());
            }
        }
    }
    lines
}

/// One block per group of faces inside a community, in community order and
/// north-west first within one; the block of each face (`usize::MAX`:
/// none) and the number of blocks per community.
fn make_blocks(
    scenario: &Scenario,
    faces: &polygonize::Faces,
    face_community: &[Option<usize>],
    probes: &[Option<Point<f64>>],
    group: &[usize],
) -> (Vec<Block>, Vec<usize>, Vec<usize>) {
    // Blocks sharing their highest corner (the two below a junction) go
    // by their centroids, which no vertex along an edge moves either.
    let mut order: Vec<(usize, [f64; 4], usize)> = face_community
        .iter()
        .enumerate()
        .filter_map(|(fi, c)| {
            c.map(|c| {
                let poly = &faces.faces[fi].polygon;
                let origin = Point::new(0.0, 0.0);
                let p = top_left(poly).or(probes[fi]).unwrap_or(origin);
                let m = geo::Centroid::centroid(poly).unwrap_or(p);
                (c, [-p.y(), p.x(), -m.y(), m.x()], fi)
            })
        })
        .collect();
    order.sort_by(|a, b| {
        let keys = a.1.iter().zip(&b.1).map(|(x, y)| x.total_cmp(y));
        a.0.cmp(&b.0)
            .then(keys.fold(std::cmp::Ordering::Equal, std::cmp::Ordering::then))
            .then(a.2.cmp(&b.2))
    });
    let mut face_block = vec![usize::MAX; faces.faces.len()];
    let mut blocks: Vec<Block> = Vec::with_capacity(order.len());
    let mut group_block: BTreeMap<usize, usize> = BTreeMap::new();
    let mut per_community = vec![0usize; scenario.communities.len()];
    for &(c, _, fi) in &order {
        if let Some(&b) = group_block.get(&group[fi]) {
            face_block[fi] = b;
            blocks[b].area += faces.faces[fi].area;
            continue;
        }
        group_block.insert(group[fi], blocks.len());
        per_community[c] += 1;
        face_block[fi] = blocks.len();
        let face = &faces.faces[fi];
        blocks.push(Block {
            id: format!("{}-b{:04}", scenario.communities[c].id, per_community[c]),
            community: c,
            polygon: face.polygon.clone(),
            area: face.area,
            buildings: Vec::new(),
            households: 0,
            estimated_households: 0,
            compounds: Vec::new(),
        });
    }
    (blocks, face_block, per_community)
}

/// A polygon's highest corner (the leftmost of equals): where a block
/// stands in its community's north-west-first order. A corner, unlike a
/// point found between the vertices' heights, stays where it is when a
/// neighbouring line adds a vertex along an edge, so a community's blocks
/// come in the same order whatever else the scenario holds.
fn top_left(poly: &Polygon<f64>) -> Option<Point<f64>> {
    let mut best: Option<Coord<f64>> = None;
    for c in &poly.exterior().0 {
        let better = match best {
            None => true,
            Some(b) => c.y > b.y || (c.y == b.y && c.x < b.x),
        };
        if better && c.x.is_finite() && c.y.is_finite() {
            best = Some(*c);
        }
    }
    best.map(Point::from)
}

/// Adjacency from the edges with a different block on each side.
fn adjacency_graph(
    net: &noding::NodedNetwork,
    faces: &polygonize::Faces,
    face_block: &[usize],
    count: usize,
) -> UnGraph<usize, Adjacency> {
    let mut shared: BTreeMap<(usize, usize), Adjacency> = BTreeMap::new();
    for (e, sides) in faces.edge_faces.iter().enumerate() {
        let (Some(l), Some(r)) = (sides[0], sides[1]) else {
            continue;
        };
        let (bl, br) = (face_block[l], face_block[r]);
        if bl == usize::MAX || br == usize::MAX || bl == br {
            continue;
        }
        let edge = &net.edges[e];
        let len = dist(net.vertices[edge.a], net.vertices[edge.b]);
        shared
            .entry((bl.min(br), bl.max(br)))
            .and_modify(|a| {
                a.shared_m += len;
                a.barrier = a.barrier.max(edge.barrier);
                a.weakest = a.weakest.min(edge.barrier);
            })
            .or_insert(Adjacency {
                shared_m: len,
                barrier: edge.barrier,
                weakest: edge.barrier,
            });
    }
    let mut adjacency = UnGraph::with_capacity(count, shared.len());
    for i in 0..count {
        adjacency.add_node(i);
    }
    for ((a, b), adj) in shared {
        adjacency.add_edge(NodeIndex::new(a), NodeIndex::new(b), adj);
    }
    adjacency
}

/// What a planner should know about the blocks.
fn warnings(
    scenario: &Scenario,
    outside: &[usize],
    net: &noding::NodedNetwork,
    per_community: &[usize],
    crossed: &[(usize, Barrier)],
) -> Vec<String> {
    let mut warnings = Vec::new();
    let first = |v: &mut dyn Iterator<Item = usize>| {
        v.take(5)
            .map(|i| scenario.buildings[i].id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !outside.is_empty() {
        warnings.push(format!(
            "{} building(s) lie outside every community and are left out of the results (first: {})",
            outside.len(),
            first(&mut outside.iter().copied())
        ));
    }
    if !crossed.is_empty() {
        warnings.push(format!(
            "{} building(s) have a road, river, railway or landmark edge drawn through them; each went whole to one side (first: {})",
            crossed.len(),
            first(&mut crossed.iter().map(|c| c.0))
        ));
    }
    if net.unresolved_crossings > 0 {
        warnings.push(format!(
            "{} barrier crossing(s) could not be noded; blocks near them may be merged",
            net.unresolved_crossings
        ));
    }
    for (c, n) in per_community.iter().enumerate() {
        if *n == 0 {
            warnings.push(format!(
                "community {:?} produced no block (degenerate polygon?)",
                scenario.communities[c].id
            ));
        }
    }
    warnings
}

/// Polygons of blocks made of several faces: polygonize the edges whose two
/// sides are different blocks.
fn merge_block_polygons(
    net: &noding::NodedNetwork,
    faces: &polygonize::Faces,
    face_block: &[usize],
    blocks: &mut [Block],
) {
    let side = |f: Option<usize>| f.map(|f| face_block[f]).filter(|&b| b != usize::MAX);
    // Only blocks of several faces change; the borders of the others are
    // left out of the re-polygonization (a block's own face does not
    // depend on lines outside it).
    let mut face_count = vec![0u32; blocks.len()];
    for &b in face_block.iter().filter(|&&b| b != usize::MAX) {
        face_count[b] += 1;
    }
    let several = |b: Option<usize>| b.is_some_and(|b| face_count[b] > 1);
    let mut edges = Vec::new();
    let mut sides = Vec::new();
    for (e, fs) in faces.edge_faces.iter().enumerate() {
        let (l, r) = (side(fs[0]), side(fs[1]));
        if l != r && (several(l) || several(r)) {
            edges.push(net.edges[e]);
            sides.push([l, r]);
        }
    }
    let sub = noding::NodedNetwork {
        vertices: net.vertices.clone(),
        edges,
        unresolved_crossings: 0,
    };
    let merged = polygonize::polygonize(&sub);
    // Each block's face once: cloned per edge, a block bounded by a
    // surveyed border of n vertices cost n copies of n vertices.
    let mut face_of: Vec<Option<usize>> = vec![None; blocks.len()];
    for (e, fs) in merged.edge_faces.iter().enumerate() {
        for k in 0..2 {
            if let (Some(f), Some(b)) = (fs[k], sides[e][k])
                && face_count[b] > 1
            {
                face_of[b] = Some(f);
            }
        }
    }
    for (b, f) in face_of.iter().enumerate() {
        if let Some(f) = *f {
            blocks[b].polygon = merged.faces[f].polygon.clone();
        }
    }
}

/// Parcels that give households: their blocks carry those, shared by area
/// (largest remainder, so the sum is exact) when a parcel spans several
/// blocks (a community border through it).
fn parcel_households(scenario: &Scenario, blocks: &mut [Block]) {
    let mut of: Vec<Vec<usize>> = vec![Vec::new(); scenario.parcels.len()];
    for (bi, b) in blocks.iter().enumerate() {
        let Some(probe) = b.polygon.interior_point() else {
            continue;
        };
        if let Some(i) = scenario
            .parcels
            .iter()
            .position(|p| p.area.intersects(&probe))
        {
            of[i].push(bi);
        }
    }
    for (i, bs) in of.iter().enumerate() {
        let Some(h) = scenario.parcels[i].households else {
            continue;
        };
        let total: f64 = bs.iter().map(|&b| blocks[b].area).sum();
        let mut shares: Vec<(u64, f64, usize)> = bs
            .iter()
            .map(|&b| {
                let exact = if total > 0.0 {
                    h as f64 * blocks[b].area / total
                } else {
                    0.0
                };
                (exact.floor() as u64, exact - exact.floor(), b)
            })
            .collect();
        let mut left = h.saturating_sub(shares.iter().map(|s| s.0).sum());
        shares.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)));
        for s in shares.iter_mut() {
            if left == 0 {
                break;
            }
            s.0 += 1;
            left -= 1;
        }
        for (n, _, b) in shares {
            blocks[b].households = n;
            blocks[b].estimated_households = 0;
        }
    }
}

fn dist(a: Coord<f64>, b: Coord<f64>) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// The exterior ring of a polygon as a line (helper for writers and tests).
pub fn exterior_line(p: &Polygon<f64>) -> &LineString<f64> {
    p.exterior()
}
