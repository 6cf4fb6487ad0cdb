//! Synthetic districts (`linli synth`): a generated city with the structure
//! of a real one, at any size, the same bytes for the same seed.
//!
//! Imports go one way, down this list: `rng.rs` SplitMix64; `lattice.rs`
//! the 10 m lattice, its warp onto the plane and the thinning of lattice
//! points; `layout.rs` lays out communities, kinds, streets and household
//! budgets; `river.rs` the river; `roads.rs` the street network on the
//! lattice (arterials on community borders, irregular local streets, dead
//! ends, diagonals, bridges); `fill.rs` the land use and buildings;
//! `facilities.rs` services and staff; `city.rs` the generated district's
//! types; `files.rs` writes the scenario folder `linli plan` reads. This
//! file checks the parameters and puts the parts together on the metric
//! plane ([`generate`]).
//!
//! Chongchuan district (DESIGN.md §1): about 400,000 households, 16 streets,
//! 166 communities, 1,074 neighborhoods. `SynthParams::new(400_000, seed)`
//! gives the same counts of streets and communities.

pub mod city;
pub mod facilities;
pub mod files;
pub mod fill;
pub mod lattice;
pub mod layout;
pub mod river;
pub mod rng;
pub mod roads;

pub use city::{SynthBuilding, SynthCity, SynthFacility, SynthLandmark, SynthRoad, SynthSummary};
pub use lattice::{LATTICE_M, Lp};
pub use river::River;

use crate::error::{Error, Problem};
use crate::model::{Community, Compound};
use fill::{AreaPlan, BuildingPlan};
use geo::{Coord, LineString, MultiPolygon, Point, Polygon};
use lattice::{Warp, along, seg_dist, thin};
use layout::Layout;
use rng::Rng;
use roads::RoadRun;
use std::collections::HashMap;

/// Households of one community on average in Chongchuan (≈ 400,000 / 166).
///
/// ```
/// assert_eq!((400_000.0 / linli::synth::HOUSEHOLDS_PER_COMMUNITY).round(), 166.0);
/// ```
pub const HOUSEHOLDS_PER_COMMUNITY: f64 = 2_410.0;

/// Largest city generated, households: a province (~30M) and some room
/// (the generator needs ~0.07 GB per million).
///
/// ```
/// assert!(linli::synth::SynthParams::new(linli::synth::MAX_HOUSEHOLDS + 1, 1).check().is_err());
/// ```
pub const MAX_HOUSEHOLDS: u64 = 50_000_000;

/// What to generate.
///
/// ```
/// let p = linli::synth::SynthParams::new(400_000, 1);
/// assert_eq!(p.community_count(), 166);
/// assert_eq!(p.street_count(), 16);
/// ```
#[derive(Debug, Clone)]
pub struct SynthParams {
    /// Households in the whole district.
    pub households: u64,
    /// Seed: the same seed gives the same bytes.
    pub seed: u64,
    /// Communities; by default one per ~2,410 households.
    pub communities: Option<usize>,
    /// Streets (街道); by default one per ~10.4 communities.
    pub streets: Option<usize>,
}

impl SynthParams {
    /// Defaults for `households` and `seed`.
    ///
    /// ```
    /// assert_eq!(linli::synth::SynthParams::new(5_000, 3).community_count(), 2);
    /// ```
    pub fn new(households: u64, seed: u64) -> Self {
        SynthParams {
            households,
            seed,
            communities: None,
            streets: None,
        }
    }

    /// The number of communities generated.
    ///
    /// ```
    /// assert_eq!(linli::synth::SynthParams::new(1, 1).community_count(), 1);
    /// ```
    pub fn community_count(&self) -> usize {
        self.communities.unwrap_or_else(|| {
            ((self.households as f64 / HOUSEHOLDS_PER_COMMUNITY).round() as usize).max(1)
        })
    }

    /// The number of streets generated.
    ///
    /// ```
    /// assert_eq!(linli::synth::SynthParams::new(1, 1).street_count(), 1);
    /// ```
    pub fn street_count(&self) -> usize {
        self.streets.unwrap_or_else(|| {
            ((self.community_count() as f64 / 10.4).round() as usize)
                .clamp(1, self.community_count())
        })
    }

    /// Checks the parameters, naming the option at fault.
    ///
    /// ```
    /// assert!(linli::synth::SynthParams::new(0, 1).check().is_err());
    /// assert!(linli::synth::SynthParams::new(10, 1).check().is_ok());
    /// ```
    pub fn check(&self) -> Result<(), Error> {
        let bad = |opt: &str, what: String, hint: &str| {
            Err(Error::Input(vec![Problem::file(opt, what).with_hint(hint)]))
        };
        if self.households == 0 {
            return bad(
                "--households",
                "must be at least 1".into(),
                "e.g. --households 400000 for a Chongchuan-sized district",
            );
        }
        if self.households > MAX_HOUSEHOLDS {
            return bad(
                "--households",
                format!("{} is above the limit of {MAX_HOUSEHOLDS}", self.households),
                "generate a district (a few hundred thousand households) or a province (tens of millions), not a country",
            );
        }
        if self.communities == Some(0) {
            return bad(
                "--communities",
                "must be at least 1".into(),
                "leave it out for one per ~2,400 households",
            );
        }
        let c = self.community_count();
        if c > 1 && self.households < 20 * c as u64 {
            return bad(
                "--communities",
                format!(
                    "{c} communities for {} households is fewer than 20 households each",
                    self.households
                ),
                "use fewer communities or more households",
            );
        }
        if c > 100_000 {
            return bad(
                "--communities",
                format!("{c} is too many"),
                "at most 100,000",
            );
        }
        match self.streets {
            Some(0) => bad(
                "--streets",
                "must be at least 1".into(),
                "leave it out for one per ~10 communities",
            ),
            Some(s) if s > c => bad(
                "--streets",
                format!("{s} streets for {c} communities"),
                "a street holds at least one community",
            ),
            _ => Ok(()),
        }
    }
}

/// Generates a district: the layout, river and street network on the
/// lattice, the land filled with buildings and facilities, then every part
/// warped onto the metric plane.
///
/// ```
/// let city = linli::synth::generate(&linli::synth::SynthParams::new(3_000, 7)).unwrap();
/// assert_eq!(city.summary.households, 3_000);
/// assert!(linli::synth::generate(&linli::synth::SynthParams::new(0, 7)).is_err());
/// ```
pub fn generate(p: &SynthParams) -> Result<SynthCity, Error> {
    p.check()?;
    let rng = Rng::new(p.seed);
    let lay = layout::plan_layout(p.households, p.community_count(), p.street_count(), &rng);
    let river = River::new(&lay, &rng);
    let net = roads::plan_network(&lay, &river, &rng);
    let (w, h) = extent_m(&lay);
    let warp = Warp::new(w, h, &rng);
    let keep_out = KeepOut {
        river: &river,
        rail: rail_ends(w, h),
        diagonals: net
            .diagonals
            .iter()
            .map(|(a, b)| (metres(a), metres(b)))
            .collect(),
    };
    let filled = fill::fill(&lay, &net.cells, &|x, y, r| keep_out.blocks(x, y, r), &rng);
    let fac = facilities::place_facilities(&lay, &filled.buildings, &filled.landmarks, &rng);
    let staff = facilities::staff(&lay, &rng);

    let shared = shared_points(&net.roads);
    let mut city = SynthCity {
        name: format!("linli synth: {} households, seed {}", p.households, p.seed),
        communities: community_areas(&lay, &shared, &warp, &staff),
        buildings: building_footprints(&filled.buildings, &warp),
        roads: road_ways(&net.roads, &shared, &warp),
        water: vec![river_area(&river, &warp)],
        rail: vec![railway(keep_out.rail, &warp)],
        landmarks: landmark_areas(&filled.landmarks, &warp),
        compounds: compound_areas(&filled.compounds, &warp),
        facilities: facility_points(&fac, &warp),
        summary: SynthSummary::default(),
    };
    city.summary = summarize(&city, lay.streets, (w, h));
    Ok(city)
}

/// The district's width and height, metres pre-warp.
fn extent_m(lay: &Layout) -> (f64, f64) {
    (
        *lay.cols.last().unwrap_or(&0) as f64 * LATTICE_M,
        *lay.rows.last().unwrap_or(&0) as f64 * LATTICE_M,
    )
}

/// A lattice point in metres pre-warp.
fn metres(q: &Lp) -> (f64, f64) {
    (q.0 as f64 * LATTICE_M, q.1 as f64 * LATTICE_M)
}

/// The railway's ends, metres pre-warp: south-west to north-east, a little
/// beyond the district.
fn rail_ends(w: f64, h: f64) -> ((f64, f64), (f64, f64)) {
    ((-60.0, h * 0.18), (w + 60.0, h * 0.8))
}

/// What buildings keep off: the river, the railway and the diagonal roads.
struct KeepOut<'a> {
    river: &'a River,
    rail: ((f64, f64), (f64, f64)),
    diagonals: Vec<((f64, f64), (f64, f64))>,
}

impl KeepOut<'_> {
    /// Whether a disc of radius `r` at `(x, y)` (metres pre-warp) touches them.
    fn blocks(&self, x: f64, y: f64, r: f64) -> bool {
        self.river.within(x, y, (r + 4.0) * 1.3)
            || seg_dist((x, y), self.rail.0, self.rail.1) < r + 10.0
            || self
                .diagonals
                .iter()
                .any(|(a, b)| seg_dist((x, y), *a, *b) < r + 6.0)
    }
}

/// How many roads share each lattice point. Line ends count twice, so they
/// are kept by every line through them (community borders included).
fn shared_points(roads: &[RoadRun]) -> HashMap<Lp, u32> {
    let mut shared: HashMap<Lp, u32> = HashMap::new();
    for r in roads {
        for (i, p) in r.pts.iter().enumerate() {
            let bonus = if i == 0 || i + 1 == r.pts.len() { 2 } else { 1 };
            *shared.entry(*p).or_insert(0) += bonus;
        }
    }
    shared
}

/// A community's border on the lattice, counter-clockwise from its
/// south-west corner, closed; points no road shares are thinned as roads are.
fn border_ring(rect: [i64; 4], shared: &HashMap<Lp, u32>) -> Vec<Lp> {
    let [x0, x1, y0, y1] = rect;
    let mut ring: Vec<Lp> = Vec::new();
    for (pts, vertical) in [
        ((x0..x1).map(|x| (x, y0)).collect::<Vec<_>>(), false),
        ((y0..y1).map(|y| (x1, y)).collect(), true),
        ((x0 + 1..=x1).rev().map(|x| (x, y1)).collect(), false),
        ((y0 + 1..=y1).rev().map(|y| (x0, y)).collect(), true),
    ] {
        ring.extend(pts.into_iter().enumerate().filter_map(|(i, q)| {
            let keep =
                i == 0 || shared.get(&q).copied().unwrap_or(0) >= 2 || along(q, vertical) % 5 == 0;
            keep.then_some(q)
        }));
    }
    ring.push(ring[0]);
    ring
}

/// The communities on the plane, with their names, streets, kinds and staff.
fn community_areas(
    lay: &Layout,
    shared: &HashMap<Lp, u32>,
    warp: &Warp,
    staff: &[Option<u32>],
) -> Vec<Community> {
    let width = |n: usize| n.to_string().len().max(3);
    let cw = width(lay.communities.len());
    let cid = |i: usize| format!("C{:0cw$}", i + 1);
    lay.communities
        .iter()
        .map(|c| {
            let ring = border_ring(c.rect, shared);
            let ls: LineString<f64> = ring.iter().map(|q| warp.lattice(*q)).collect();
            Community {
                id: cid(c.index),
                name: format!("第{}社区", c.index + 1),
                street: format!("S{:02}", c.street + 1),
                kind: c.kind,
                social_workers: staff[c.index],
                area: MultiPolygon(vec![Polygon::new(ls, vec![])]),
            }
        })
        .collect()
}

/// The road ways on the plane, their unshared lattice points thinned.
fn road_ways(runs: &[RoadRun], shared: &HashMap<Lp, u32>, warp: &Warp) -> Vec<SynthRoad> {
    runs.iter()
        .enumerate()
        .map(|(i, r)| SynthRoad {
            id: format!("R{:05}", i + 1),
            class: r.class.to_string(),
            name: r.name.clone(),
            bridge: r.bridge,
            line: thin(&r.pts, shared)
                .into_iter()
                .map(|q| warp.lattice(q))
                .collect(),
        })
        .collect()
}

/// The buildings' footprints on the plane (rectangles bent by the warp).
fn building_footprints(plans: &[BuildingPlan], warp: &Warp) -> Vec<SynthBuilding> {
    plans
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let (cx, cy) = b.centre;
            let (hw, hd) = (b.size.0 / 2.0, b.size.1 / 2.0);
            let ring: Vec<Coord<f64>> = [(-hw, -hd), (hw, -hd), (hw, hd), (-hw, hd), (-hw, -hd)]
                .iter()
                .map(|(dx, dy)| warp.at(cx + dx, cy + dy))
                .collect();
            SynthBuilding {
                id: format!("B{:06}", i + 1),
                footprint: Polygon::new(LineString(ring), vec![]),
                households: b.households,
                levels: b.levels,
                use_: b.use_.to_string(),
                community: b.community,
            }
        })
        .collect()
}

/// The river's area on the plane.
fn river_area(river: &River, warp: &Warp) -> Polygon<f64> {
    Polygon::new(
        river
            .outline()
            .into_iter()
            .map(|(x, y)| warp.at(x, y))
            .chain(std::iter::once({
                let (x, y) = river.outline()[0];
                warp.at(x, y)
            }))
            .collect(),
        vec![],
    )
}

/// The railway on the plane, a vertex every ~25 m so the warp bends it.
fn railway((a, b): ((f64, f64), (f64, f64)), warp: &Warp) -> LineString<f64> {
    let n = ((b.0 - a.0).hypot(b.1 - a.1) / 25.0).ceil() as usize;
    (0..=n)
        .map(|i| {
            let t = i as f64 / n as f64;
            warp.at(a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
        })
        .collect::<LineString<f64>>()
}

/// Parks and school campuses on the plane.
fn landmark_areas(plans: &[AreaPlan], warp: &Warp) -> Vec<SynthLandmark> {
    plans
        .iter()
        .enumerate()
        .map(|(i, l)| SynthLandmark {
            id: format!("L{:04}", i + 1),
            class: l.class.to_string(),
            area: warp.rect(l.rect),
        })
        .collect()
}

/// Residential compounds on the plane, named by class.
fn compound_areas(plans: &[AreaPlan], warp: &Warp) -> Vec<Compound> {
    plans
        .iter()
        .enumerate()
        .map(|(i, c)| Compound {
            id: format!("X{:05}", i + 1),
            name: if c.class == "resettlement" {
                format!("安置小区{}", i + 1)
            } else {
                format!("小区{}", i + 1)
            },
            area: MultiPolygon(vec![warp.rect(c.rect)]),
        })
        .collect()
}

/// Facilities on the plane.
fn facility_points(plans: &[facilities::FacilityPlan], warp: &Warp) -> Vec<SynthFacility> {
    plans
        .iter()
        .enumerate()
        .map(|(i, f)| SynthFacility {
            id: format!("F{:05}", i + 1),
            kind: f.kind.to_string(),
            location: Point(warp.at(f.at.0, f.at.1)),
            floor_area_m2: f.floor_area_m2,
        })
        .collect()
}

/// The counts of what was generated; `(w, h)` is the extent in metres.
fn summarize(city: &SynthCity, streets: usize, (w, h): (f64, f64)) -> SynthSummary {
    let (buildings, roads, landmarks) = (&city.buildings, &city.roads, &city.landmarks);
    let mut s = SynthSummary {
        households: buildings.iter().map(|b| b.households).sum(),
        communities: city.communities.len(),
        streets,
        buildings: buildings.len(),
        residential_buildings: buildings.iter().filter(|b| b.households > 0).count(),
        towers: buildings.iter().filter(|b| b.households >= 100).count(),
        zero_household_buildings: buildings.iter().filter(|b| b.households == 0).count(),
        roads: roads.len(),
        bridges: roads.iter().filter(|r| r.bridge).count(),
        parks: landmarks.iter().filter(|l| l.class == "park").count(),
        schools: landmarks.iter().filter(|l| l.class == "school").count(),
        compounds: city.compounds.len(),
        social_workers: city
            .communities
            .iter()
            .filter_map(|c| c.social_workers)
            .map(u64::from)
            .sum(),
        communities_without_staff: city
            .communities
            .iter()
            .filter(|c| c.social_workers.is_none())
            .map(|c| c.id.clone())
            .collect(),
        extent_km: ((w / 100.0).round() / 10.0, (h / 100.0).round() / 10.0),
        ..Default::default()
    };
    for c in &city.communities {
        *s.communities_by_kind
            .entry(c.kind.as_str().to_string())
            .or_insert(0) += 1;
    }
    for f in &city.facilities {
        *s.facilities.entry(f.kind.clone()).or_insert(0) += 1;
    }
    s
}
