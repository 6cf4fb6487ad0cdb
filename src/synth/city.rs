//! A generated district on the metric plane: the communities, buildings,
//! roads, water, rail, landmarks, compounds and facilities `files.rs`
//! writes, and the counts of what was generated.

use crate::model::{Community, Compound};
use geo::{LineString, Point, Polygon};
use serde::Serialize;
use std::collections::BTreeMap;

/// A building of the synthetic city.
///
/// ```
/// let city = linli::synth::generate(&linli::synth::SynthParams::new(3_000, 1)).unwrap();
/// assert!(city.buildings.iter().all(|b| b.footprint.exterior().0.len() == 5));
/// ```
#[derive(Debug, Clone)]
pub struct SynthBuilding {
    /// Id (`B000001` …).
    pub id: String,
    /// Footprint on the metric plane.
    pub footprint: Polygon<f64>,
    /// Households (0 for schools and shops).
    pub households: u64,
    /// Storeys.
    pub levels: u64,
    /// residential, school or commercial.
    pub use_: String,
    /// Index of the community it stands in.
    pub community: usize,
}

/// A road way of the synthetic city.
///
/// ```
/// let city = linli::synth::generate(&linli::synth::SynthParams::new(3_000, 1)).unwrap();
/// assert!(city.roads.iter().any(|r| r.class == "primary"));
/// ```
#[derive(Debug, Clone)]
pub struct SynthRoad {
    /// Id (`R00001` …).
    pub id: String,
    /// OSM `highway` class.
    pub class: String,
    /// Name (empty for minor roads).
    pub name: String,
    /// A bridge over the river.
    pub bridge: bool,
    /// The line on the metric plane.
    pub line: LineString<f64>,
}

/// A park or school campus.
///
/// ```
/// let city = linli::synth::generate(&linli::synth::SynthParams::new(3_000, 1)).unwrap();
/// assert!(city.landmarks.iter().all(|l| l.class == "park" || l.class == "school"));
/// ```
#[derive(Debug, Clone)]
pub struct SynthLandmark {
    /// Id.
    pub id: String,
    /// park or school.
    pub class: String,
    /// Outline on the metric plane.
    pub area: Polygon<f64>,
}

/// A service facility.
///
/// ```
/// let city = linli::synth::generate(&linli::synth::SynthParams::new(3_000, 1)).unwrap();
/// assert!(city.facilities.iter().any(|f| f.kind == "community_centre"));
/// ```
#[derive(Debug, Clone)]
pub struct SynthFacility {
    /// Id (`F00001` …).
    pub id: String,
    /// Kind (community_centre, neighborhood_office, clinic, …).
    pub kind: String,
    /// Where it is on the metric plane.
    pub location: Point<f64>,
    /// Floor area, m².
    pub floor_area_m2: u64,
}

/// Counts of what was generated, for tests and people.
///
/// ```
/// let city = linli::synth::generate(&linli::synth::SynthParams::new(3_000, 1)).unwrap();
/// assert_eq!(city.summary.households, 3_000);
/// assert_eq!(city.summary.buildings, city.buildings.len());
/// ```
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SynthSummary {
    /// Households placed (equals the request).
    pub households: u64,
    /// Communities.
    pub communities: usize,
    /// Communities per kind.
    pub communities_by_kind: BTreeMap<String, usize>,
    /// Streets (街道).
    pub streets: usize,
    /// Buildings.
    pub buildings: usize,
    /// Buildings with households.
    pub residential_buildings: usize,
    /// Buildings of 100 households or more.
    pub towers: usize,
    /// Schools and shops (0 households).
    pub zero_household_buildings: usize,
    /// Road ways.
    pub roads: usize,
    /// Of which bridges.
    pub bridges: usize,
    /// Parks.
    pub parks: usize,
    /// School campuses.
    pub schools: usize,
    /// Residential compounds.
    pub compounds: usize,
    /// Facilities per kind.
    pub facilities: BTreeMap<String, usize>,
    /// Social workers in staff.csv.
    pub social_workers: u64,
    /// Communities left out of staff.csv (no data).
    pub communities_without_staff: Vec<String>,
    /// Extent, km (west-east, south-north).
    pub extent_km: (f64, f64),
}

/// A generated district on the metric plane, ready to write.
///
/// ```
/// let city = linli::synth::generate(&linli::synth::SynthParams::new(3_000, 1)).unwrap();
/// assert_eq!(city.communities.len(), city.summary.communities);
/// ```
#[derive(Debug, Clone)]
pub struct SynthCity {
    /// Scenario name.
    pub name: String,
    /// Communities (kind, street; `social_workers` as in staff.csv).
    pub communities: Vec<Community>,
    /// Buildings.
    pub buildings: Vec<SynthBuilding>,
    /// Road ways.
    pub roads: Vec<SynthRoad>,
    /// The river.
    pub water: Vec<Polygon<f64>>,
    /// The railway.
    pub rail: Vec<LineString<f64>>,
    /// Parks and school campuses.
    pub landmarks: Vec<SynthLandmark>,
    /// Residential compounds.
    pub compounds: Vec<Compound>,
    /// Facilities.
    pub facilities: Vec<SynthFacility>,
    /// What was generated.
    pub summary: SynthSummary,
}
