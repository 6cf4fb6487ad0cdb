//! Synthetic districts (`linli synth`): a generated city with the structure
//! of a real one, at any size, the same bytes for the same seed.
//!
//! `layout.rs` lays out communities, kinds, streets and household budgets;
//! `roads.rs` the street network on a 10 m lattice (arterials on community
//! borders, irregular local streets, dead ends, diagonals, bridges);
//! `fill.rs` the land use and buildings; `facilities.rs` services and staff;
//! `files.rs` writes the scenario folder `linli plan` reads. This file holds
//! the shared geometry (lattice, warp, river, railway, thinning) and puts the
//! parts together on the metric plane.
//!
//! Chongchuan district (DESIGN.md §1): about 400,000 households, 16 streets,
//! 166 communities, 1,074 neighborhoods. `SynthParams::new(400_000, seed)`
//! gives the same counts of streets and communities.

pub mod facilities;
pub mod files;
pub mod fill;
pub mod layout;
pub mod rng;
pub mod roads;

use crate::error::{Error, Problem};
use crate::model::{Community, Compound};
use geo::{Coord, LineString, MultiPolygon, Point, Polygon};
use rng::Rng;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::f64::consts::TAU;

/// Lattice step, metres: every street vertex lies on it.
///
/// ```
/// assert_eq!(linli::synth::LATTICE_M, 10.0);
/// ```
pub const LATTICE_M: f64 = 10.0;

/// A lattice point (units of [`LATTICE_M`]).
///
/// ```
/// let p: linli::synth::Lp = (3, 4); // (30 m, 40 m)
/// assert_eq!(p.0 as f64 * linli::synth::LATTICE_M, 30.0);
/// ```
pub type Lp = (i64, i64);

/// Households of one community on average in Chongchuan (≈ 400,000 / 166).
///
/// ```
/// assert_eq!((400_000.0 / linli::synth::HOUSEHOLDS_PER_COMMUNITY).round(), 166.0);
/// ```
pub const HOUSEHOLDS_PER_COMMUNITY: f64 = 2_410.0;

/// Largest city generated, households (memory stays around a few GB).
///
/// ```
/// assert!(linli::synth::SynthParams::new(linli::synth::MAX_HOUSEHOLDS + 1, 1).check().is_err());
/// ```
pub const MAX_HOUSEHOLDS: u64 = 20_000_000;

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
                "generate a district (a few hundred thousand households), not a country",
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

/// The river: a meandering band across the district, west to east.
///
/// ```
/// # use linli::synth::{layout::plan_layout, rng::Rng, River};
/// let l = plan_layout(10_000, 4, 1, &Rng::new(1));
/// let r = River::new(&l, &Rng::new(1));
/// assert!(r.within(50.0, r.centre(50.0) + 20.0, 0.0)); // 30 m half width
/// ```
#[derive(Debug, Clone)]
pub struct River {
    y0: f64,
    waves: [(f64, f64, f64); 2],
    half_width: f64,
    x_range: (f64, f64),
}

impl River {
    /// The river of a layout (metres, pre-warp), a little south of the middle.
    ///
    /// ```
    /// # use linli::synth::{layout::plan_layout, rng::Rng, River};
    /// let l = plan_layout(10_000, 4, 1, &Rng::new(1));
    /// let r = River::new(&l, &Rng::new(1));
    /// assert!(r.within(100.0, r.centre(100.0), 0.0));
    /// ```
    pub fn new(layout: &layout::Layout, rng: &Rng) -> Self {
        let mut r = rng.fork(6);
        let w = *layout.cols.last().unwrap_or(&1) as f64 * LATTICE_M;
        let h = *layout.rows.last().unwrap_or(&1) as f64 * LATTICE_M;
        River {
            y0: h * r.range(0.40, 0.50),
            waves: [
                (0.04 * h, TAU * 1.7 / w, r.range(0.0, TAU)),
                (0.012 * h, TAU * 4.1 / w, r.range(0.0, TAU)),
            ],
            half_width: 30.0,
            x_range: (-80.0, w + 80.0),
        }
    }

    /// The centre line's y at `x`.
    ///
    /// ```
    /// # use linli::synth::{layout::plan_layout, rng::Rng, River};
    /// let r = River::new(&plan_layout(10_000, 4, 1, &Rng::new(1)), &Rng::new(1));
    /// assert!(r.centre(0.0).is_finite());
    /// ```
    pub fn centre(&self, x: f64) -> f64 {
        self.y0
            + self
                .waves
                .iter()
                .map(|(a, k, p)| a * (k * x + p).sin())
                .sum::<f64>()
    }

    /// Whether `(x, y)` is in the river or within `margin` of its banks
    /// (measured north-south).
    ///
    /// ```
    /// # use linli::synth::{layout::plan_layout, rng::Rng, River};
    /// let r = River::new(&plan_layout(10_000, 4, 1, &Rng::new(1)), &Rng::new(1));
    /// assert!(!r.within(0.0, r.centre(0.0) + 100.0, 10.0));
    /// ```
    pub fn within(&self, x: f64, y: f64, margin: f64) -> bool {
        (y - self.centre(x)).abs() < self.half_width + margin
    }

    /// The river's outline, metres pre-warp, sampled every 20 m.
    fn outline(&self) -> Vec<(f64, f64)> {
        let (a, b) = self.x_range;
        let n = ((b - a) / 20.0).ceil() as usize;
        let xs: Vec<f64> = (0..=n).map(|i| a + (b - a) * i as f64 / n as f64).collect();
        let mut ring: Vec<(f64, f64)> = xs
            .iter()
            .map(|&x| (x, self.centre(x) - self.half_width))
            .collect();
        ring.extend(
            xs.iter()
                .rev()
                .map(|&x| (x, self.centre(x) + self.half_width)),
        );
        ring
    }
}

/// A smooth displacement (tens of metres over kilometres) so that the grid
/// is not axis-aligned; lines through shared lattice points stay shared.
#[derive(Debug, Clone)]
struct Warp {
    phase: [f64; 4],
    centre: (f64, f64),
}

impl Warp {
    fn at(&self, x: f64, y: f64) -> Coord<f64> {
        let p = self.phase;
        Coord {
            x: x + 25.0 * (TAU * y / 1700.0 + p[0]).sin()
                + 10.0 * (TAU * (x + y) / 2300.0 + p[1]).sin()
                - self.centre.0,
            y: y + 25.0 * (TAU * x / 1900.0 + p[2]).sin()
                + 10.0 * (TAU * (x - y) / 2700.0 + p[3]).sin()
                - self.centre.1,
        }
    }

    fn lattice(&self, p: Lp) -> Coord<f64> {
        self.at(p.0 as f64 * LATTICE_M, p.1 as f64 * LATTICE_M)
    }

    fn rect(&self, r: [f64; 4]) -> Polygon<f64> {
        let [x0, x1, y0, y1] = r;
        let mut pts = Vec::new();
        // Sides sampled every ~50 m so the warp bends them like the streets.
        for (a, b) in [
            ((x0, y0), (x1, y0)),
            ((x1, y0), (x1, y1)),
            ((x1, y1), (x0, y1)),
            ((x0, y1), (x0, y0)),
        ] {
            let n = ((b.0 - a.0).hypot(b.1 - a.1) / 50.0).ceil().max(1.0) as usize;
            for i in 0..n {
                let t = i as f64 / n as f64;
                pts.push(self.at(a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t));
            }
        }
        pts.push(pts[0]);
        Polygon::new(LineString(pts), vec![])
    }
}

/// Where a lattice point is along its line: y on north-south lines, x otherwise.
fn along(p: Lp, vertical: bool) -> i64 {
    if vertical {
        p.1
    } else {
        p.0
    }
}

/// Drops the lattice points of a line that no other line shares, keeping
/// one every 50 m for the shape and the ends.
fn thin(pts: &[Lp], shared: &HashMap<Lp, u32>) -> Vec<Lp> {
    let vertical = pts.len() >= 2 && pts[0].0 == pts[1].0;
    let n = pts.len();
    pts.iter()
        .enumerate()
        .filter(|&(i, p)| {
            i == 0
                || i + 1 == n
                || shared.get(p).copied().unwrap_or(0) >= 2
                || along(*p, vertical) % 5 == 0
        })
        .map(|(_, p)| *p)
        .collect()
}

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

/// Distance from `p` to segment `a`–`b`.
fn seg_dist(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let l2 = dx * dx + dy * dy;
    let t = if l2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / l2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p.0 - a.0 - t * dx).hypot(p.1 - a.1 - t * dy)
}

/// Generates a district.
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
    let w = *lay.cols.last().unwrap_or(&0) as f64 * LATTICE_M;
    let h = *lay.rows.last().unwrap_or(&0) as f64 * LATTICE_M;
    let mut wr = rng.fork(7);
    let warp = Warp {
        phase: [
            wr.range(0.0, TAU),
            wr.range(0.0, TAU),
            wr.range(0.0, TAU),
            wr.range(0.0, TAU),
        ],
        centre: (w / 2.0, h / 2.0),
    };
    let rail_ends = ((-60.0, h * 0.18), (w + 60.0, h * 0.8));
    let diagonals: Vec<((f64, f64), (f64, f64))> = net
        .diagonals
        .iter()
        .map(|(a, b)| {
            let m = |q: &Lp| (q.0 as f64 * LATTICE_M, q.1 as f64 * LATTICE_M);
            (m(a), m(b))
        })
        .collect();
    let blocked = |x: f64, y: f64, r: f64| {
        river.within(x, y, (r + 4.0) * 1.3)
            || seg_dist((x, y), rail_ends.0, rail_ends.1) < r + 10.0
            || diagonals
                .iter()
                .any(|(a, b)| seg_dist((x, y), *a, *b) < r + 6.0)
    };
    let filled = fill::fill(&lay, &net.cells, &blocked, &rng);
    let fac = facilities::place_facilities(&lay, &filled.buildings, &filled.landmarks, &rng);
    let staff = facilities::staff(&lay, &rng);

    // Shared lattice points: line ends count twice, so they are kept by
    // every line through them (community borders included).
    let mut shared: HashMap<Lp, u32> = HashMap::new();
    for r in &net.roads {
        for (i, p) in r.pts.iter().enumerate() {
            let bonus = if i == 0 || i + 1 == r.pts.len() { 2 } else { 1 };
            *shared.entry(*p).or_insert(0) += bonus;
        }
    }
    let width = |n: usize| n.to_string().len().max(3);
    let cw = width(lay.communities.len());
    let cid = |i: usize| format!("C{:0cw$}", i + 1);
    let communities: Vec<Community> = lay
        .communities
        .iter()
        .map(|c| {
            let [x0, x1, y0, y1] = c.rect;
            let mut ring: Vec<Lp> = Vec::new();
            for (pts, vertical) in [
                ((x0..x1).map(|x| (x, y0)).collect::<Vec<_>>(), false),
                ((y0..y1).map(|y| (x1, y)).collect(), true),
                ((x0 + 1..=x1).rev().map(|x| (x, y1)).collect(), false),
                ((y0 + 1..=y1).rev().map(|y| (x0, y)).collect(), true),
            ] {
                ring.extend(pts.into_iter().enumerate().filter_map(|(i, q)| {
                    let keep = i == 0
                        || shared.get(&q).copied().unwrap_or(0) >= 2
                        || along(q, vertical) % 5 == 0;
                    keep.then_some(q)
                }));
            }
            ring.push(ring[0]);
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
        .collect();
    let roads: Vec<SynthRoad> = net
        .roads
        .iter()
        .enumerate()
        .map(|(i, r)| SynthRoad {
            id: format!("R{:05}", i + 1),
            class: r.class.to_string(),
            name: r.name.clone(),
            bridge: r.bridge,
            line: thin(&r.pts, &shared)
                .into_iter()
                .map(|q| warp.lattice(q))
                .collect(),
        })
        .collect();
    let buildings: Vec<SynthBuilding> = filled
        .buildings
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
        .collect();
    let water = vec![Polygon::new(
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
    )];
    let rail = {
        let (a, b) = rail_ends;
        let n = ((b.0 - a.0).hypot(b.1 - a.1) / 25.0).ceil() as usize;
        vec![(0..=n)
            .map(|i| {
                let t = i as f64 / n as f64;
                warp.at(a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
            })
            .collect::<LineString<f64>>()]
    };
    let landmarks: Vec<SynthLandmark> = filled
        .landmarks
        .iter()
        .enumerate()
        .map(|(i, l)| SynthLandmark {
            id: format!("L{:04}", i + 1),
            class: l.class.to_string(),
            area: warp.rect(l.rect),
        })
        .collect();
    let compounds: Vec<Compound> = filled
        .compounds
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
        .collect();
    let facilities: Vec<SynthFacility> = fac
        .iter()
        .enumerate()
        .map(|(i, f)| SynthFacility {
            id: format!("F{:05}", i + 1),
            kind: f.kind.to_string(),
            location: Point(warp.at(f.at.0, f.at.1)),
            floor_area_m2: f.floor_area_m2,
        })
        .collect();

    let mut s = SynthSummary {
        households: buildings.iter().map(|b| b.households).sum(),
        communities: communities.len(),
        streets: lay.streets,
        buildings: buildings.len(),
        residential_buildings: buildings.iter().filter(|b| b.households > 0).count(),
        towers: buildings.iter().filter(|b| b.households >= 100).count(),
        zero_household_buildings: buildings.iter().filter(|b| b.households == 0).count(),
        roads: roads.len(),
        bridges: roads.iter().filter(|r| r.bridge).count(),
        parks: landmarks.iter().filter(|l| l.class == "park").count(),
        schools: landmarks.iter().filter(|l| l.class == "school").count(),
        compounds: compounds.len(),
        social_workers: communities
            .iter()
            .filter_map(|c| c.social_workers)
            .map(u64::from)
            .sum(),
        communities_without_staff: communities
            .iter()
            .filter(|c| c.social_workers.is_none())
            .map(|c| c.id.clone())
            .collect(),
        extent_km: ((w / 100.0).round() / 10.0, (h / 100.0).round() / 10.0),
        ..Default::default()
    };
    for c in &communities {
        *s.communities_by_kind
            .entry(c.kind.as_str().to_string())
            .or_insert(0) += 1;
    }
    for f in &facilities {
        *s.facilities.entry(f.kind.clone()).or_insert(0) += 1;
    }
    Ok(SynthCity {
        name: format!("linli synth: {} households, seed {}", p.households, p.seed),
        communities,
        buildings,
        roads,
        water,
        rail,
        landmarks,
        compounds,
        facilities,
        summary: s,
    })
}
