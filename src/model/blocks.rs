//! Blocks: the faces of the barrier network inside communities, with their
//! adjacency (built by [`crate::blocks`]), and ready-made units that stand
//! in for them.

use super::network::NodedNetwork;
use super::{Barrier, BarrierLine};
use geo::{MultiPolygon, Polygon};
use petgraph::graph::{NodeIndex, UnGraph};

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
    /// Buildings a road, river, railway or landmark edge runs through, with
    /// the strongest such barrier: each went whole to one side.
    pub crossed_buildings: Vec<(usize, Barrier)>,
    /// Buildings a community border runs through: split by it.
    pub border_buildings: Vec<usize>,
    /// Crossings noding could not resolve (0 on sane input).
    pub unresolved_crossings: usize,
    /// Non-fatal findings for the report.
    pub warnings: Vec<String>,
    /// The noded barrier network the blocks were traced from.
    pub network: NodedNetwork,
    /// For each network edge, the blocks left of `a→b` and left of `b→a`
    /// (`None`: outside every community, or the edge bounds no block).
    pub edge_blocks: Vec<[Option<usize>; 2]>,
    /// The lines that carry strong lines' dead ends on to the nearest other
    /// line (`blocks::dangles`), part of `network`.
    pub joins: Vec<BarrierLine>,
}

impl BlockSet {
    /// The node of block `i` in the adjacency graph.
    pub fn node(i: usize) -> NodeIndex {
        NodeIndex::new(i)
    }
}

/// A ready-made unit.
#[derive(Debug, Clone)]
pub struct ReadyUnit {
    /// Its area, metres.
    pub area: MultiPolygon<f64>,
    /// Households.
    pub households: u64,
    /// Barrier group (e.g. the arterial × river cell it lies in): a border
    /// between units of different groups runs on a major barrier.
    pub group: Option<String>,
}
