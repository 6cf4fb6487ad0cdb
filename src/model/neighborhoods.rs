//! Neighborhoods: the partition of the blocks (made by
//! [`crate::partition`]), their dissolved shapes (by [`crate::dissolve`]),
//! the strong barriers left inside them, and the planned result as a whole.

use super::blocks::BlockSet;
use super::{Barrier, Parcel};
use geo::MultiPolygon;
use serde::Serialize;

/// A neighborhood (邻里) before dissolving: its blocks and figures.
#[derive(Debug, Clone)]
pub struct Neighborhood {
    /// `<community>-01`, numbered north-west to south-east.
    pub id: String,
    /// Index of its community.
    pub community: usize,
    /// Its blocks (indices into [`BlockSet::blocks`]).
    pub blocks: Vec<usize>,
    /// Households.
    pub households: u64,
    /// Buildings (all uses: the seeds count shops and schools in).
    pub buildings: usize,
    /// Buildings with households (what the 3–10 rule counts).
    pub residential_buildings: usize,
    /// Households that were estimated.
    pub estimated_households: u64,
    /// The household target it was drawn for.
    pub target: u32,
    /// What a planner should look at (outside the band, few buildings, …).
    pub flags: Vec<String>,
}

/// A partition of every community.
#[derive(Debug, Clone)]
pub struct Partition {
    /// Neighborhood of each block.
    pub block_neighborhood: Vec<usize>,
    /// The neighborhoods, grouped by community.
    pub neighborhoods: Vec<Neighborhood>,
}

/// A dissolved region and what its border runs along.
#[derive(Debug, Clone)]
pub struct Dissolved {
    /// The region (one polygon when contiguous; holes where another region
    /// lies inside it).
    pub area: MultiPolygon<f64>,
    /// Border length, metres.
    pub perimeter_m: f64,
    /// Border length on the community border (or the edge of the data).
    pub community_border_m: f64,
    /// Border length on a road, river, rail or landmark edge (not on the
    /// community border).
    pub barrier_border_m: f64,
}

/// Why a strong barrier runs through a neighborhood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The piece of the community on one side of it holds fewer households
    /// than the band's floor: it joined the other side.
    SmallSide,
    /// The whole community holds no more than one neighborhood's
    /// households: it is one neighborhood.
    WholeCommunity,
    /// The line does not cut the community in two here (its two sides are
    /// joined around its end): the neighborhood reaches round it.
    OpenEnded,
    /// The line ends inside a block, farther than the join reach from
    /// anything, so it bounds nothing.
    DeadEnd,
    /// The line runs inside one block: through a building kept whole, or a
    /// sliver merged across it.
    InsideBlock,
}

/// A stretch of strong barrier inside a neighborhood.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Straddle {
    /// Index of the neighborhood.
    pub neighborhood: usize,
    /// The barrier (its kind and level).
    pub barrier: Barrier,
    /// Length inside the neighborhood, metres.
    pub length_m: f64,
    /// Why.
    pub reason: Reason,
    /// Households on the smaller side (for [`Reason::SmallSide`]), or of
    /// the community (for [`Reason::WholeCommunity`]).
    pub households: Option<u64>,
}

/// Neighborhoods: blocks (with cells), their partition and dissolved shapes.
#[derive(Debug)]
pub struct Planned {
    /// The blocks partitioned (cells included).
    pub blocks: BlockSet,
    /// Which block went where.
    pub partition: Partition,
    /// One dissolved shape per neighborhood.
    pub shapes: Vec<Dissolved>,
    /// Blocks before those above the band were split into cells: what
    /// blocks.geojson holds and what the console and summaries count.
    pub block_count: usize,
    /// Strong barriers inside neighborhoods, with their reasons.
    pub straddles: Vec<Straddle>,
}

impl Planned {
    /// The neighborhoods as a grid: their polygons with their ids, as a
    /// district's own neighborhoods.geojson holds them (for audits, redraws
    /// and comparisons).
    ///
    /// ```
    /// let loaded = linli::pipeline::load(&linli::demo::files(), &Default::default()).unwrap();
    /// let planned = linli::pipeline::neighborhoods(&loaded, 1).unwrap();
    /// let grid = planned.grid();
    /// assert_eq!(grid.len(), planned.partition.neighborhoods.len());
    /// assert_eq!(grid[0].id, planned.partition.neighborhoods[0].id);
    /// ```
    pub fn grid(&self) -> Vec<Parcel> {
        self.partition
            .neighborhoods
            .iter()
            .zip(&self.shapes)
            .map(|(n, d)| Parcel {
                id: n.id.clone(),
                area: d.area.clone(),
                households: None,
            })
            .collect()
    }
}
