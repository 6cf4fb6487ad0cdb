//! Blocks: the faces of the barrier network, tagged with their community.
//!
//! Community borders, water, rail, roads and landmark rings are noded
//! ([`noding`]) and polygonized ([`polygonize`]); every face inside a
//! community is a block. Buildings go to the block holding their location
//! ([`assign`]), and blocks that share a border are joined in a petgraph
//! adjacency graph labelled with the shared length and strongest barrier.

pub mod assign;
pub mod noding;
pub mod polygonize;
pub mod ready;

use crate::error::Problem;
use crate::model::{Barrier, BarrierKind, BarrierLine, Scenario};
use geo::{BoundingRect, Coord, InteriorPoint, Intersects, LineString, Point, Polygon};
use petgraph::graph::{NodeIndex, UnGraph};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;
use std::collections::BTreeMap;

/// A block: one face of the barrier network inside one community.
#[derive(Debug, Clone)]
pub struct Block {
    /// Readable id, `<community>-b0001`, numbered north-west to south-east.
    pub id: String,
    /// Index of its community in [`Scenario::communities`].
    pub community: usize,
    /// Its area, exterior counter-clockwise, holes clockwise.
    pub polygon: Polygon<f64>,
    /// Area in m².
    pub area: f64,
    /// Indices of the buildings in it (into [`Scenario::buildings`]).
    pub buildings: Vec<usize>,
    /// Households of those buildings.
    pub households: u64,
    /// Households of those buildings that were estimated.
    pub estimated_households: u64,
    /// Indices of the compounds (小区) covering it.
    pub compounds: Vec<usize>,
}

/// What two touching blocks share.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Adjacency {
    /// Length of the shared border, metres.
    pub shared_m: f64,
    /// The strongest barrier along it.
    pub barrier: Barrier,
    /// The weakest barrier along it.
    pub weakest: Barrier,
}

/// Blocks of a scenario with their adjacency graph.
#[derive(Debug, Clone)]
pub struct BlockSet {
    /// The blocks, grouped by community in input order.
    pub blocks: Vec<Block>,
    /// Node `i` is block `i`; edge weights say what the two blocks share.
    pub adjacency: UnGraph<usize, Adjacency>,
    /// Buildings inside no community: counted and reported, kept out of results.
    pub outside_buildings: Vec<usize>,
    /// Crossings noding could not resolve (0 on sane input).
    pub unresolved_crossings: usize,
    /// Non-fatal findings for the report.
    pub warnings: Vec<String>,
    /// The noded barrier network the blocks were traced from.
    pub network: noding::NodedNetwork,
    /// For each network edge, the blocks left of `a→b` and left of `b→a`
    /// (`None`: outside every community, or the edge bounds no block).
    pub edge_blocks: Vec<[Option<usize>; 2]>,
}

impl BlockSet {
    /// The node of block `i` in the adjacency graph.
    pub fn node(i: usize) -> NodeIndex {
        NodeIndex::new(i)
    }
}

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
    let mut lines = community_borders(scenario, community_level);
    lines.extend(extra.iter().cloned());
    // Lines far from every community only cost time.
    let community_boxes: Vec<geo::Rect<f64>> = scenario
        .communities
        .iter()
        .filter_map(|c| c.area.bounding_rect())
        .collect();
    let box_tree: RTree<Rectangle<[f64; 2]>> = RTree::bulk_load(
        community_boxes
            .iter()
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
    let net = noding::node(&lines, snap_tolerance);
    let faces = polygonize::polygonize(&net);

    // Which community each face lies in.
    let community_tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>> = RTree::bulk_load(
        scenario
            .communities
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                c.area.bounding_rect().map(|r| {
                    GeomWithData::new(
                        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                        i,
                    )
                })
            })
            .collect(),
    );
    let mut problems = Vec::new();
    let mut face_community: Vec<Option<usize>> = vec![None; faces.faces.len()];
    // Interior points are costly (geo relates candidates): compute once.
    let probes: Vec<Option<Point<f64>>> = faces
        .faces
        .iter()
        .map(|f| f.polygon.interior_point())
        .collect();
    let mut reported = std::collections::BTreeSet::new();
    for (fi, face) in faces.faces.iter().enumerate() {
        let Some(p) = probes[fi] else {
            continue;
        };
        let mut inside: Vec<usize> = community_tree
            .locate_all_at_point(&[p.x(), p.y()])
            .map(|g| g.data)
            .filter(|&c| scenario.communities[c].area.intersects(&p))
            .collect();
        inside.sort_unstable();
        if inside.len() > 1 && reported.insert((inside[0], inside[1])) {
            let (a, b) = (
                &scenario.communities[inside[0]],
                &scenario.communities[inside[1]],
            );
            problems.push(
                Problem::file(
                    "communities.geojson",
                    format!(
                        "communities {:?} and {:?} overlap (an overlap of {:.1} m² at least)",
                        a.id, b.id, face.area
                    ),
                )
                .with_hint("neighborhoods must tile communities; fix the shared border"),
            );
        }
        face_community[fi] = inside.first().copied();
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    // Blocks in community order, then north-west first.
    let mut order: Vec<(usize, f64, f64, usize)> = face_community
        .iter()
        .enumerate()
        .filter_map(|(fi, c)| {
            c.map(|c| {
                let p = probes[fi].unwrap_or(Point::new(0.0, 0.0));
                (c, -p.y(), p.x(), fi)
            })
        })
        .collect();
    order.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.total_cmp(&b.1))
            .then(a.2.total_cmp(&b.2))
            .then(a.3.cmp(&b.3))
    });
    let mut face_block = vec![usize::MAX; faces.faces.len()];
    let mut blocks: Vec<Block> = Vec::with_capacity(order.len());
    let mut per_community = vec![0usize; scenario.communities.len()];
    for &(c, _, _, fi) in &order {
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

    // Adjacency from the edges with a block on each side.
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
    let mut adjacency = UnGraph::with_capacity(blocks.len(), shared.len());
    for i in 0..blocks.len() {
        adjacency.add_node(i);
    }
    for ((a, b), adj) in shared {
        adjacency.add_edge(NodeIndex::new(a), NodeIndex::new(b), adj);
    }

    let outside = assign::assign_buildings(&mut blocks, &scenario.buildings);
    assign::assign_compounds(&mut blocks, &scenario.compounds);
    let mut warnings = Vec::new();
    if !outside.is_empty() {
        warnings.push(format!(
            "{} building(s) lie outside every community and are left out of the results (first: {})",
            outside.len(),
            outside
                .iter()
                .take(5)
                .map(|&i| scenario.buildings[i].id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
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
    let edge_blocks = faces
        .edge_faces
        .iter()
        .map(|sides| sides.map(|f| f.map(|f| face_block[f]).filter(|&b| b != usize::MAX)))
        .collect();
    Ok(BlockSet {
        blocks,
        adjacency,
        outside_buildings: outside,
        unresolved_crossings: net.unresolved_crossings,
        warnings,
        network: net,
        edge_blocks,
    })
}

fn dist(a: Coord<f64>, b: Coord<f64>) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// The exterior ring of a polygon as a line (helper for writers and tests).
pub fn exterior_line(p: &Polygon<f64>) -> &LineString<f64> {
    p.exterior()
}
