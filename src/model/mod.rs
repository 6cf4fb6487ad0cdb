//! The scenario on the metric plane: plain types, coordinates in metres.
//!
//! Nothing here knows about files or coordinate systems; the `read` stage
//! builds these and the algorithms consume them.

pub mod blocks;
pub mod lines;
pub mod neighborhoods;
pub mod network;
pub mod progress;
pub mod seed;

pub use blocks::{Adjacency, Block, BlockSet, ReadyUnit};
pub use neighborhoods::{Dissolved, Neighborhood, Partition, Planned, Reason, Straddle};
pub use network::{NodedEdge, NodedNetwork};

use geo::{MultiPolygon, Point, Polygon};
use serde::Serialize;

/// Households are whole numbers; the band's ends (200 and 400 for 300 ±
/// 1/3) are inside it whatever the floating-point rounding of 300 × 2/3.
pub const BAND_EPS: f64 = 1e-6;

/// Kind of community, which sets its neighborhood target (seeds 002 §1(一)).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum CommunityKind {
    /// Urban community: about 300 households per neighborhood.
    Urban,
    /// Rural (涉农) community: about 150 households.
    Rural,
    /// Resettlement (拆迁安置) community: as urban.
    Resettlement,
}

impl CommunityKind {
    /// Parses the `kind` property; `None` for unknown values.
    ///
    /// ```
    /// use linli::model::CommunityKind;
    /// assert_eq!(CommunityKind::parse("Rural"), Some(CommunityKind::Rural));
    /// assert_eq!(CommunityKind::parse("涉农"), Some(CommunityKind::Rural));
    /// assert_eq!(CommunityKind::parse("suburb"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "urban" | "城市" | "城镇" => Some(CommunityKind::Urban),
            "rural" | "涉农" | "农村" => Some(CommunityKind::Rural),
            "resettlement" | "拆迁安置" | "安置" => Some(CommunityKind::Resettlement),
            _ => None,
        }
    }

    /// The lowercase name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            CommunityKind::Urban => "urban",
            CommunityKind::Rural => "rural",
            CommunityKind::Resettlement => "resettlement",
        }
    }
}

/// A community (社区): the area neighborhoods must tile.
#[derive(Debug, Clone)]
pub struct Community {
    /// Stable id from the input.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The street (街道) it belongs to.
    pub street: String,
    /// Urban, rural or resettlement.
    pub kind: CommunityKind,
    /// Full-time social workers, when known.
    pub social_workers: Option<u32>,
    /// Its area, in metres.
    pub area: MultiPolygon<f64>,
}

/// A building (楼幢) with its households.
#[derive(Debug, Clone)]
pub struct Building {
    /// Stable id from the input (or `b<index>` when absent).
    pub id: String,
    /// Footprint, when the input has one.
    pub footprint: Option<Polygon<f64>>,
    /// Where the building is: the footprint centroid, or the input point.
    pub location: Point<f64>,
    /// Households living in it.
    pub households: u32,
    /// Whether `households` was estimated from footprint and levels.
    pub estimated: bool,
    /// The `use` property (residential, school, …), lowercased.
    pub use_: String,
}

/// What a barrier line is; the config maps it (and road class) to a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BarrierKind {
    /// A community border.
    Community,
    /// A river, canal or lake shore.
    Water,
    /// A railway.
    Rail,
    /// A road of some class.
    Road,
    /// The edge of a landmark (park, campus, institution).
    Landmark,
    /// No physical barrier: a cell edge drawn between buildings to split a
    /// block too large for one neighborhood.
    Cell,
    /// No physical barrier: the outline of a building a line runs through,
    /// so that the building goes whole to one side. Noding keeps it where
    /// it is, as it keeps community borders.
    Building,
}

impl BarrierKind {
    /// The lowercase name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            BarrierKind::Community => "community",
            BarrierKind::Water => "water",
            BarrierKind::Rail => "rail",
            BarrierKind::Road => "road",
            BarrierKind::Landmark => "landmark",
            BarrierKind::Cell => "cell",
            BarrierKind::Building => "building",
        }
    }
}

/// Barriers at or above this level are strong: motorways, trunk and primary
/// roads, rivers, canals and railways with the default levels. A
/// neighborhood must not straddle one unless its community leaves no other
/// way into the household band (the partition reports every such case).
///
/// ```
/// let b = linli::config::Barriers::default();
/// assert!(b.level(linli::model::BarrierKind::Road, "primary") >= linli::model::STRONG_LEVEL);
/// assert!(b.level(linli::model::BarrierKind::Road, "secondary") < linli::model::STRONG_LEVEL);
/// ```
pub const STRONG_LEVEL: u8 = 4;

/// Below this share of buildings mapped (a community's `completeness`, as
/// `linli import-osm` estimates it), households are a floor, not an
/// estimate (docs/osm.md).
pub const THIN_COMPLETENESS: f64 = 0.6;

/// How strong a barrier is: its level (higher is stronger) and its kind.
///
/// Ordered by level first, so `max` picks the strongest barrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Barrier {
    /// Strength; the community border is the strongest.
    pub level: u8,
    /// What it is.
    pub kind: BarrierKind,
}

/// A barrier polyline: a road, river, railway, landmark or community edge.
#[derive(Debug, Clone)]
pub struct BarrierLine {
    /// The line, in metres.
    pub line: geo::LineString<f64>,
    /// Its strength and kind.
    pub barrier: Barrier,
}

/// A residential compound (小区).
#[derive(Debug, Clone)]
pub struct Compound {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Its area.
    pub area: MultiPolygon<f64>,
}

/// A service facility (community centre, neighborhood office, clinic, …).
#[derive(Debug, Clone)]
pub struct Facility {
    /// Stable id.
    pub id: String,
    /// Kind, e.g. `community_centre`.
    pub kind: String,
    /// Display name.
    pub name: String,
    /// Where it is.
    pub location: Point<f64>,
    /// Households it can serve, when it has a limit (`capacity`, or
    /// `capacity_persons` over [`PERSONS_PER_HOUSEHOLD`]).
    pub capacity: Option<u64>,
}

/// Persons per household where a capacity is given in persons: China's
/// 2020 census average (2.62; 第七次全国人口普查公报 第二号).
pub const PERSONS_PER_HOUSEHOLD: f64 = 2.62;

/// A ready-made block (a parcel or compound a planning bureau already has),
/// from a scenario's `blocks.geojson`: it replaces the polygonized blocks.
#[derive(Debug, Clone)]
pub struct Parcel {
    /// Stable id.
    pub id: String,
    /// Its area.
    pub area: MultiPolygon<f64>,
    /// Households, when the layer gives them (else its buildings' sum).
    pub households: Option<u64>,
}

/// A whole scenario on the metric plane.
#[derive(Debug, Clone, Default)]
pub struct Scenario {
    /// Communities, in input order.
    pub communities: Vec<Community>,
    /// Buildings, in input order.
    pub buildings: Vec<Building>,
    /// Barrier lines (roads, water, rail, landmark rings; community borders
    /// are added by the blocks stage from `communities`).
    pub barriers: Vec<BarrierLine>,
    /// Residential compounds.
    pub compounds: Vec<Compound>,
    /// Facilities.
    pub facilities: Vec<Facility>,
    /// Ready-made blocks (empty: blocks are polygonized from the barriers).
    pub parcels: Vec<Parcel>,
    /// An existing neighborhood grid (`neighborhoods.geojson`), for staffing
    /// and audits of the grid a district already has.
    pub existing_neighborhoods: Vec<Parcel>,
    /// The existing neighborhoods marked `locked = true` (indices into
    /// `existing_neighborhoods`): a plan and a redraw keep them exactly.
    pub locked_neighborhoods: Vec<usize>,
    /// Every line of the roads layer with its class: the walking network.
    pub walkways: Vec<Walkway>,
    /// Names and codes the roster and the neighborhoods' names take.
    pub labels: Labels,
    /// Special populations the buildings layer gives (`elderly`,
    /// `children`): persons per building, in building order; a population
    /// no building gives is absent.
    pub populations: std::collections::BTreeMap<String, Vec<u32>>,
}

/// What a plan's roster and names take from the input besides geometry.
///
/// ```
/// let l = linli::model::Labels::default();
/// assert!(l.roads.is_empty());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Labels {
    /// Each building's name (`name`), by building index; empty when none.
    pub building_names: Vec<String>,
    /// Each community's statistical division code (`code`, 12 digits in
    /// China), by community index, when given.
    pub community_codes: Vec<Option<String>>,
    /// The roads that have a name: line (metres) and name.
    pub roads: Vec<(geo::LineString<f64>, String)>,
    /// The existing grid's codes (`code`), by neighborhood id: a redraw
    /// and a lock keep them.
    pub grid_codes: std::collections::BTreeMap<String, String>,
}

/// A line of the roads layer with its class, for the walking network.
///
/// ```
/// let w = linli::model::Walkway { line: vec![(0.0, 0.0), (10.0, 0.0)].into(), class: "footway".into(), walkable: None, level: 0 };
/// assert_eq!(w.class, "footway");
/// ```
#[derive(Debug, Clone)]
pub struct Walkway {
    /// The line, in metres.
    pub line: geo::LineString<f64>,
    /// The OSM `highway` class (`class` or `highway` property), e.g. `residential`.
    pub class: String,
    /// The layer's `walkable` property (written by `linli import-osm`):
    /// when given it decides, else the class does (`walking.excluded_classes`).
    pub walkable: Option<bool>,
    /// Its vertical level: the `layer` property, else 1 on a `bridge`, -1
    /// in a `tunnel`, else 0. Lines of different levels meet only where
    /// they share a vertex (a bridge joins the streets at its ends, not
    /// the one it passes over).
    pub level: i8,
}

/// What the search pays for shapes, against households outside the band
/// (20,000 a region) and a strong barrier inside a region (30 a metre).
///
/// ```
/// let w = linli::model::ShapeWeights::default();
/// assert!(w.shape > 0.0 && w.border > 1.0); // a local road kept inside is cheaper than cut
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShapeWeights {
    /// Cost per metre that a region's equivalent perimeter (the disk with
    /// the same spread, `partition::shape::equivalent_perimeter`) exceeds the
    /// perimeter of the disk of its area: pulls regions round and keeps arms
    /// and strips from reaching round a neighbour.
    /// Never pays for a move that puts households outside the band or a
    /// strong barrier inside a region, nor stops one that does the reverse.
    pub shape: f64,
    /// Cost per metre of border between two regions on no barrier stronger
    /// than a local road: prefers short cuts.
    pub border: f64,
}

impl Default for ShapeWeights {
    /// The defaults of `[partition]` in scenario.toml.
    fn default() -> Self {
        ShapeWeights {
            shape: 6.0,
            border: 1.5,
        }
    }
}
