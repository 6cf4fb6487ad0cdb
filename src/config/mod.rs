//! Scenario parameters (`scenario.toml`), with the seeds' defaults.
//!
//! Every field has a default, so an empty file (or none) is a valid
//! configuration. Unknown keys are rejected so that a typo is an error rather
//! than a silently ignored setting.

pub mod ranges;
pub mod standards;

use crate::error::Problem;
use crate::model::{BarrierKind, CommunityKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// All parameters of a scenario.
///
/// ```
/// let cfg = linli::config::Config::from_toml_str("[targets]\nrural = 120\n", "scenario.toml").unwrap();
/// assert_eq!(cfg.targets.rural, 120);
/// assert_eq!(cfg.targets.urban, 300);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// A name for reports.
    pub name: String,
    /// The CRS of the input layers, e.g. `"EPSG:4547"`; lon/lat when absent.
    pub crs: Option<String>,
    /// Neighborhood size targets.
    pub targets: Targets,
    /// How households are estimated for buildings without a `households` value.
    pub households: HouseholdEstimate,
    /// Barrier levels and noding.
    pub barriers: Barriers,
    /// Walking and coverage thresholds.
    pub walking: Walking,
    /// Social-worker standard.
    pub staffing: Staffing,
    /// What the neighborhood search weighs besides the band and barriers.
    pub partition: PartitionSettings,
    /// How an existing grid is audited and redrawn.
    pub audit: AuditSettings,
    /// How `linli import-osm` turns OpenStreetMap into a scenario.
    pub osm: OsmSettings,
    /// Plausibility limits on what the layers hold.
    pub limits: Limits,
    /// linli's property names for the user's field names, in every layer
    /// (`households = "户数"`).
    pub fields: BTreeMap<String, String>,
    /// Settings of one layer (`[layers.buildings]`): its CRS, its field
    /// names.
    pub layers: BTreeMap<String, LayerSettings>,
    /// Settings of one community (`[communities.<id or name>]`, or a row of
    /// `overrides.csv`): its target, band, neighborhood count, kind,
    /// workers. Keyed by community id once the scenario is read.
    pub communities: BTreeMap<String, CommunitySettings>,
    /// The local plane as another scenario laid it (`linli split` gives
    /// each part its whole scenario's, so their outputs agree to the last
    /// digit); `None`: laid over this scenario's own data.
    pub plane: Option<Plane>,
}

/// Where the local metric plane lies, in the layers' CRS: its origin and
/// the extent its conversion is fitted over.
///
/// ```
/// let c = linli::config::Config::from_toml_str(
///     "[plane]\norigin = [116.3, 40.0]\nextent = [[116.2, 39.9], [116.4, 40.1]]\n", "scenario.toml").unwrap();
/// assert_eq!(c.plane.unwrap().origin, [116.3, 40.0]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plane {
    /// The origin (lon, lat, or x, y in a projected CRS).
    pub origin: [f64; 2],
    /// The lower-left and upper-right corners of the fitted extent.
    pub extent: [[f64; 2]; 2],
}

/// What a district sets for one community, over the scenario's defaults
/// (`[communities."WDK-01"]` in scenario.toml, or a row of overrides.csv).
///
/// ```
/// let c = linli::config::Config::from_toml_str(
///     "[communities.WDK-01]\ntarget = 250\nneighborhoods = 4\n", "scenario.toml").unwrap();
/// assert_eq!(c.communities["WDK-01"].target, Some(250));
/// assert_eq!(c.communities["WDK-01"].neighborhoods, Some(4));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CommunitySettings {
    /// Households per neighborhood (over the kind's target).
    pub target: Option<u32>,
    /// Allowed relative deviation from the target.
    pub tolerance: Option<f64>,
    /// The band as fewest and most households (sets target and tolerance).
    pub band: Option<[u32; 2]>,
    /// A fixed number of neighborhoods.
    pub neighborhoods: Option<u32>,
    /// Its kind (urban, rural, resettlement), over the layer's.
    pub kind: Option<CommunityKind>,
    /// Social workers on staff, over staff.csv and the layer's.
    pub workers: Option<u32>,
}

impl CommunitySettings {
    /// `other`'s settings laid over these; the keys both set, by name.
    ///
    /// ```
    /// use linli::config::CommunitySettings;
    /// let mut a = CommunitySettings { target: Some(250), ..Default::default() };
    /// let clash = a.merge(&CommunitySettings { target: Some(200), workers: Some(2), ..Default::default() });
    /// assert_eq!((a.target, a.workers, clash), (Some(200), Some(2), vec!["target"]));
    /// ```
    pub fn merge(&mut self, other: &CommunitySettings) -> Vec<&'static str> {
        let mut clash = Vec::new();
        macro_rules! lay {
            ($($f:ident),*) => {$(
                if other.$f.is_some() {
                    if self.$f.is_some() && self.$f != other.$f {
                        clash.push(stringify!($f));
                    }
                    self.$f = other.$f;
                }
            )*};
        }
        lay!(target, tolerance, band, neighborhoods, kind, workers);
        clash
    }

    /// What is wrong with these settings (the band's ends in order; a band
    /// with a target or a tolerance says the same twice).
    ///
    /// ```
    /// use linli::config::CommunitySettings;
    /// let s = CommunitySettings { band: Some([400, 200]), ..Default::default() };
    /// assert_eq!(s.problems().len(), 1);
    /// ```
    pub fn problems(&self) -> Vec<String> {
        let mut p = self.band_problems();
        let checks = [
            ("target", self.target.map(f64::from)),
            ("tolerance", self.tolerance),
            ("neighborhoods", self.neighborhoods.map(f64::from)),
            ("workers", self.workers.map(f64::from)),
        ];
        for (key, v) in checks {
            let r = ranges::range_of(&format!("communities.*.{key}"));
            if let (Some(v), Some(r)) = (v, r)
                && !r.contains(v)
            {
                p.push(format!(
                    "{key} is {}, outside {} {}",
                    crate::error::show(v),
                    r.interval(),
                    r.unit
                ));
            }
        }
        p
    }

    /// The band's problems (scenario.toml's numbers are range-checked with
    /// the rest of the file).
    fn band_problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        if let Some([lo, hi]) = self.band {
            if lo == 0 || lo >= hi {
                p.push(format!(
                    "band [{lo}, {hi}] needs 0 < fewest < most households"
                ));
            }
            if self.target.is_some() || self.tolerance.is_some() {
                p.push("band sets the target and tolerance: give band, or target and tolerance, not both".into());
            }
        }
        p
    }
}

/// The settings of one layer, `[layers.<name>]` in scenario.toml.
///
/// ```
/// let c = linli::config::Config::from_toml_str(
///     "[layers.neighborhoods]\ncrs = \"EPSG:4549\"\nfields = { id = \"网格编码\" }\n", "scenario.toml").unwrap();
/// assert_eq!(c.layers["neighborhoods"].crs.as_deref(), Some("EPSG:4549"));
/// assert_eq!(c.field_map("neighborhoods")[0], ("id".to_string(), "网格编码".to_string()));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LayerSettings {
    /// The layer's CRS, over what its file says (a wrong .prj) and over the
    /// scenario's.
    pub crs: Option<String>,
    /// linli's property names for this layer's own field names.
    pub fields: BTreeMap<String, String>,
    /// The files holding the layer, in the scenario folder, when they are
    /// not named after it (`["river_lines.shp", "lakes.gpkg"]`; a table of
    /// a GeoPackage as `"city.gpkg:roads"`): read one after the other.
    pub files: Vec<String>,
}

/// The layers a scenario may hold, as `[layers.<name>]` names them.
pub const LAYER_NAMES: [&str; 10] = [
    "communities",
    "buildings",
    "roads",
    "water",
    "rail",
    "landmarks",
    "compounds",
    "facilities",
    "blocks",
    "neighborhoods",
];

impl Default for Config {
    fn default() -> Self {
        Config {
            name: "scenario".into(),
            crs: None,
            targets: Targets::default(),
            households: HouseholdEstimate::default(),
            barriers: Barriers::default(),
            walking: Walking::default(),
            staffing: Staffing::default(),
            partition: PartitionSettings::default(),
            audit: AuditSettings::default(),
            osm: OsmSettings::default(),
            limits: Limits::default(),
            fields: BTreeMap::new(),
            layers: BTreeMap::new(),
            communities: BTreeMap::new(),
            plane: None,
        }
    }
}

impl Config {
    /// The field names of `layer` (`"buildings"`) to read as linli's, as
    /// (linli's name, the layer's name): `[layers.<layer>] fields` over
    /// `[fields]`.
    pub fn field_map(&self, layer: &str) -> Vec<(String, String)> {
        let mut m = self.fields.clone();
        if let Some(l) = self.layers.get(layer) {
            m.extend(l.fields.clone());
        }
        m.into_iter().collect()
    }
}

/// Households per neighborhood by community kind (seeds, 002 §1(一)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Targets {
    /// Urban communities: about 300 households.
    pub urban: u32,
    /// Rural (涉农) communities: about 150 households.
    pub rural: u32,
    /// Resettlement (拆迁安置) compounds: as urban.
    pub resettlement: u32,
    /// Allowed relative deviation from the target (±1/3 by default).
    pub tolerance: f64,
    /// Fewest buildings in an urban neighborhood (soft).
    pub min_buildings: u32,
    /// Most buildings in an urban neighborhood (soft).
    pub max_buildings: u32,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            urban: 300,
            rural: 150,
            resettlement: 300,
            tolerance: 1.0 / 3.0,
            min_buildings: 3,
            max_buildings: 10,
        }
    }
}

impl Targets {
    /// The household target for a community kind.
    ///
    /// ```
    /// use linli::{config::Targets, model::CommunityKind};
    /// assert_eq!(Targets::default().for_kind(CommunityKind::Rural), 150);
    /// ```
    pub fn for_kind(&self, kind: CommunityKind) -> u32 {
        match kind {
            CommunityKind::Urban => self.urban,
            CommunityKind::Rural => self.rural,
            CommunityKind::Resettlement => self.resettlement,
        }
    }

    /// What a neighborhood's households say against the band of its
    /// community's kind: `above_band` (`single_building_above_band` when one
    /// home holds them all: nothing can split it), `below_band`, or nothing.
    /// The band's ends belong to it (households are whole numbers).
    ///
    /// ```
    /// use linli::{config::Targets, model::CommunityKind::Urban};
    /// let t = Targets::default();
    /// assert_eq!(t.band_flag(Urban, 200, 4), None);
    /// assert_eq!(t.band_flag(Urban, 199, 4), Some("below_band"));
    /// assert_eq!(t.band_flag(Urban, 900, 1), Some("single_building_above_band"));
    /// ```
    pub fn band_flag(
        &self,
        kind: CommunityKind,
        households: u64,
        homes: usize,
    ) -> Option<&'static str> {
        let tf = f64::from(self.for_kind(kind));
        let h = households as f64;
        if h > tf * (1.0 + self.tolerance) + crate::model::BAND_EPS {
            Some(if homes == 1 {
                "single_building_above_band"
            } else {
                "above_band"
            })
        } else if h < tf * (1.0 - self.tolerance) - crate::model::BAND_EPS {
            Some("below_band")
        } else {
            None
        }
    }

    /// What a neighborhood's homes say against the 3–10 buildings rule:
    /// `few_buildings`, `many_buildings` or nothing. The rule is made for
    /// multi-storey compounds: it counts `multi`-household buildings, and
    /// where single-family homes (`single`) are the majority the
    /// neighborhood is judged by households alone. Not applied in rural
    /// communities.
    ///
    /// ```
    /// use linli::{config::Targets, model::CommunityKind::*};
    /// let t = Targets::default();
    /// assert_eq!(t.buildings_flag(Urban, 2, 0), Some("few_buildings"));
    /// assert_eq!(t.buildings_flag(Urban, 12, 3), Some("many_buildings"));
    /// assert_eq!(t.buildings_flag(Urban, 2, 120), None); // a suburb of houses
    /// assert_eq!(t.buildings_flag(Rural, 2, 0), None);
    /// ```
    pub fn buildings_flag(
        &self,
        kind: CommunityKind,
        multi: usize,
        single: usize,
    ) -> Option<&'static str> {
        if kind == CommunityKind::Rural || single > multi {
            None
        } else if (multi as u32) < self.min_buildings {
            Some("few_buildings")
        } else if (multi as u32) > self.max_buildings {
            Some("many_buildings")
        } else {
            None
        }
    }

    /// Homes among buildings of these households: (multi-household, single-household).
    ///
    /// ```
    /// assert_eq!(linli::config::Targets::home_counts([0, 1, 1, 40]), (1, 2));
    /// ```
    pub fn home_counts(households: impl IntoIterator<Item = u32>) -> (usize, usize) {
        households.into_iter().fold((0, 0), |(m, s), h| match h {
            0 => (m, s),
            1 => (m, s + 1),
            _ => (m + 1, s),
        })
    }
}

/// Estimation of households from a footprint: `area × levels / unit_size_m2`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HouseholdEstimate {
    /// Gross floor area per household, m² (a Chinese flat is about 90–110 m² gross).
    pub unit_size_m2: f64,
    /// Levels assumed when a building has no `levels` property.
    pub default_levels: f64,
    /// Values of the `use` property that mean no households (schools, shops, firms…).
    pub non_residential_uses: Vec<String>,
}

impl Default for HouseholdEstimate {
    fn default() -> Self {
        HouseholdEstimate {
            unit_size_m2: 100.0,
            default_levels: 3.0,
            non_residential_uses: [
                "commercial",
                "retail",
                "office",
                "industrial",
                "school",
                "education",
                "hospital",
                "public",
                "civic",
                "religious",
                "warehouse",
                "other",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        }
    }
}

/// Barrier strength by kind and road class; higher is stronger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Barriers {
    /// Vertices closer than this (metres) are merged while noding; a line end
    /// this close to another line is joined to it.
    pub snap_tolerance_m: f64,
    /// Community borders: the strongest barrier.
    pub community: u8,
    /// Rivers, canals, lakes.
    pub water: u8,
    /// Railways.
    pub rail: u8,
    /// Landmark (park, campus, institution) edges.
    pub landmark: u8,
    /// Roads by OSM `highway` class.
    pub roads: BTreeMap<String, u8>,
    /// Roads whose class is not in `roads`.
    pub other_road: u8,
}

impl Default for Barriers {
    fn default() -> Self {
        let roads = [
            ("motorway", 4),
            ("motorway_link", 4),
            ("trunk", 4),
            ("trunk_link", 4),
            ("primary", 4),
            ("primary_link", 4),
            ("secondary", 3),
            ("secondary_link", 3),
            ("tertiary", 3),
            ("tertiary_link", 3),
            ("residential", 2),
            ("unclassified", 2),
            ("living_street", 2),
            ("service", 2),
            ("road", 2),
            ("pedestrian", 1),
            ("footway", 1),
            ("path", 1),
            ("cycleway", 1),
            ("steps", 1),
            ("track", 1),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        Barriers {
            snap_tolerance_m: 0.05,
            community: 5,
            water: 4,
            rail: 4,
            landmark: 1,
            roads,
            other_road: 2,
        }
    }
}

impl Barriers {
    /// The level of a barrier of `kind` (road `class` used for roads).
    ///
    /// ```
    /// use linli::{config::Barriers, model::BarrierKind};
    /// let b = Barriers::default();
    /// assert!(b.level(BarrierKind::Road, "primary") > b.level(BarrierKind::Road, "residential"));
    /// assert!(b.level(BarrierKind::Community, "") > b.level(BarrierKind::Water, ""));
    /// ```
    pub fn level(&self, kind: BarrierKind, class: &str) -> u8 {
        match kind {
            BarrierKind::Community => self.community,
            BarrierKind::Water => self.water,
            BarrierKind::Rail => self.rail,
            BarrierKind::Landmark => self.landmark,
            BarrierKind::Cell | BarrierKind::Building => 0,
            BarrierKind::Road => *self.roads.get(class).unwrap_or(&self.other_road),
        }
    }
}

/// Walking speed and service thresholds (GB 50180-2018 life circles).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Walking {
    /// km/h; 4 km/h makes 15 minutes = 1,000 m.
    pub speed_kmh: f64,
    /// Threshold per facility kind, over the standards profile's walking
    /// limit (`[walking.thresholds]`: none by default, the profile gives
    /// every kind's).
    pub thresholds: BTreeMap<String, Threshold>,
    /// Threshold for kinds not listed.
    pub default_threshold: Threshold,
    /// Road classes nobody walks on (left out of the walking network).
    pub excluded_classes: Vec<String>,
    /// A building or facility farther than this (metres) from every walkable
    /// road is reported and left out, never silently snapped.
    pub snap_limit_m: f64,
    /// Half-width (metres) of the band around reached roads that makes a
    /// service-area polygon.
    pub service_area_width_m: f64,
    /// The standards profile (`standards.toml`): each kind's life circle
    /// and walking limit, the circles' distances, the seeds' service rules.
    #[serde(skip)]
    pub standards: standards::Standards,
    /// Whether scenario.toml gives `speed_kmh` (then it is over the
    /// profile's).
    #[serde(skip)]
    pub speed_given: bool,
}

impl Walking {
    /// Takes `s` as the standards profile: its walking speed too, unless
    /// scenario.toml gives one.
    ///
    /// ```
    /// use linli::config::{Walking, standards::Standards};
    /// let mut s = Standards::builtin();
    /// s.speed_kmh = 3.6;
    /// let mut w = Walking::default();
    /// w.use_standards(s);
    /// assert_eq!(w.speed_kmh, 3.6);
    /// ```
    pub fn use_standards(&mut self, s: standards::Standards) {
        if !self.speed_given {
            self.speed_kmh = s.speed_kmh;
        }
        self.standards = s;
    }
}

impl Default for Walking {
    fn default() -> Self {
        let standards = standards::Standards::builtin();
        Walking {
            speed_kmh: standards.speed_kmh,
            thresholds: BTreeMap::new(),
            default_threshold: Threshold::Minutes(15.0),
            excluded_classes: ["motorway", "motorway_link", "trunk", "rail", "railway"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            snap_limit_m: 300.0,
            service_area_width_m: 50.0,
            standards,
            speed_given: false,
        }
    }
}

/// A service threshold, in walking minutes or network metres.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Threshold {
    /// Walking minutes at the scenario's speed.
    Minutes(f64),
    /// Network metres.
    Metres(f64),
}

/// Social workers per neighborhoods (seeds: one per 2–3 neighborhoods).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Staffing {
    /// Fewest neighborhoods one worker should serve.
    pub min_neighborhoods_per_worker: f64,
    /// Most neighborhoods one worker should serve.
    pub max_neighborhoods_per_worker: f64,
}

impl Default for Staffing {
    fn default() -> Self {
        Staffing {
            min_neighborhoods_per_worker: 2.0,
            max_neighborhoods_per_worker: 3.0,
        }
    }
}

/// What the neighborhood search weighs besides the band and the barriers
/// (docs/compactness.md says what each trades).
///
/// ```
/// let cfg = linli::config::Config::from_toml_str("[partition]\ncompactness = 2\n", "scenario.toml").unwrap();
/// assert_eq!(cfg.partition.compactness, 2.0);
/// assert_eq!(cfg.partition.border_cost, 1.5);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PartitionSettings {
    /// Cost per metre of a neighborhood's equivalent perimeter (the disk
    /// with its spread): 0 leaves shapes to the border cost alone.
    pub compactness: f64,
    /// Cost per metre of border cut between two neighborhoods off the
    /// barriers.
    pub border_cost: f64,
    /// Annealing moves per block: more is slower and searches further.
    pub effort: u32,
    /// Independent starts of the search per community part: the cheapest
    /// plan is kept. More starts are slower and less left to chance.
    pub starts: u32,
}

impl Default for PartitionSettings {
    fn default() -> Self {
        let w = crate::model::ShapeWeights::default();
        PartitionSettings {
            compactness: w.shape,
            border_cost: w.border,
            effort: 30,
            starts: 4,
        }
    }
}

impl PartitionSettings {
    /// The search's weights.
    ///
    /// ```
    /// let w = linli::config::PartitionSettings::default().weights();
    /// assert_eq!(w, linli::model::ShapeWeights::default());
    /// ```
    pub fn weights(&self) -> crate::model::ShapeWeights {
        crate::model::ShapeWeights {
            shape: self.compactness,
            border: self.border_cost,
        }
    }
}

/// Audit of an existing grid: what counts as a digitizing sliver and how
/// near a barrier a hand-drawn border must run to count as following it.
///
/// ```
/// let cfg = linli::config::Config::from_toml_str("[audit]\nsliver_m2 = 10\n", "scenario.toml").unwrap();
/// assert_eq!(cfg.audit.sliver_m2, 10.0);
/// assert_eq!(cfg.audit.border_distance_m, 10.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditSettings {
    /// Gaps and overlaps without households smaller than this (m²) are
    /// digitizing slivers: reported apart and snapped away on redraw.
    pub sliver_m2: f64,
    /// Gaps and overlaps without households thinner than this on average
    /// (2 × area / perimeter, metres) are slivers too, whatever their area.
    pub sliver_width_m: f64,
    /// A grid border within this distance (metres) of a road, river, rail
    /// or landmark edge counts as running along it.
    pub border_distance_m: f64,
}

impl Default for AuditSettings {
    fn default() -> Self {
        AuditSettings {
            sliver_m2: 5.0,
            sliver_width_m: 0.5,
            border_distance_m: 10.0,
        }
    }
}

/// `linli import-osm` settings: the household model per region, community
/// sizes and facility tags (docs/households.md, docs/osm.md).
///
/// ```
/// let cfg = linli::config::Config::from_toml_str(
///     "[osm]\nregion = \"china\"\n[osm.china]\ndwelling_m2 = 90\n[osm.facilities]\n\"amenity=pharmacy\" = \"clinic\"\n",
///     "scenario.toml",
/// ).unwrap();
/// assert_eq!(cfg.osm.china.dwelling_m2, 90.0);
/// // The keys left out keep China's values.
/// assert_eq!(cfg.osm.china.apartment_floors, 6.0);
/// assert!(!cfg.osm.china.low_rise);
/// assert_eq!(cfg.osm.elsewhere.dwelling_m2, 90.0);
/// assert_eq!(cfg.osm.facilities["amenity=pharmacy"], "clinic");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OsmSettings {
    /// Which household model applies: `china`, `japan`, `elsewhere`, or
    /// `auto` (the country most of the extract's buildings stand in).
    pub region: String,
    /// The household model for Chinese cities.
    #[serde(deserialize_with = "china_model")]
    pub china: DwellingModel,
    /// The household model for Japan (detached houses and small flats).
    #[serde(deserialize_with = "japan_model")]
    pub japan: DwellingModel,
    /// The household model for other places (European-style housing).
    pub elsewhere: DwellingModel,
    /// Admin units are taken as communities at the finest level whose
    /// units hold, at the median, this many households or more …
    pub admin_min_households: u32,
    /// … and at most this many.
    pub admin_max_households: u32,
    /// Communities derived from the major-road network are merged up to
    /// at least this many households …
    pub community_min_households: u32,
    /// … and a unit above this many is split along major roads.
    pub community_max_households: u32,
    /// Extra facility tags, `"key=value" = "kind"`, checked before the
    /// built-in table.
    pub facilities: BTreeMap<String, String>,
}

impl Default for OsmSettings {
    fn default() -> Self {
        OsmSettings {
            region: "auto".into(),
            china: DwellingModel::china(),
            japan: DwellingModel::japan(),
            elsewhere: DwellingModel::elsewhere(),
            admin_min_households: 500,
            admin_max_households: 10_000,
            community_min_households: 1_500,
            community_max_households: 3_000,
            facilities: BTreeMap::new(),
        }
    }
}

/// Dwellings from a footprint: `area × floors ÷ dwelling_m2 × occupied_share`,
/// with floors from tags or defaults (docs/households.md gives the sources).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DwellingModel {
    /// Gross floor area per dwelling (walls, stairs, shared space included), m².
    pub dwelling_m2: f64,
    /// Share of dwellings that are someone's main home (a household).
    pub occupied_share: f64,
    /// Storey height, m: floors = height ÷ this.
    pub storey_m: f64,
    /// Floors of an apartment block (`apartments`, `residential`,
    /// `dormitory`, or a `yes` judged residential) without tags, when no
    /// tagged neighbours say otherwise.
    pub apartment_floors: f64,
    /// A residential footprint smaller than this is a single home (one household)
    /// when it has at most `house_max_floors` floors.
    pub house_max_m2: f64,
    /// Most floors of a single home.
    pub house_max_floors: f64,
    /// A `building=yes` footprint smaller than this is a shed, garage or kiosk.
    pub min_home_m2: f64,
    /// A `building=yes` footprint larger than this outside residential
    /// land use is taken as non-residential (a hall, a factory, a mall).
    pub max_plain_home_m2: f64,
    /// Footprint of one terrace (row-house) unit, m².
    pub terrace_unit_m2: f64,
    /// Whether a plain `building=yes` in commercial land use holds homes
    /// above its shops (European city centres) or not (Chinese 商业用地).
    pub homes_in_commercial_landuse: bool,
    /// Completeness reference: the share of residential land use that
    /// building footprints cover where everything is mapped.
    pub reference_coverage: f64,
    /// Whether untagged buildings in a setting of houses (few tall or
    /// dense neighbours, mostly house-sized footprints, or a village) are
    /// taken as houses, two-family houses and small blocks rather than
    /// `apartment_floors`-storey blocks (docs/households.md).
    pub low_rise: bool,
    /// In such a setting, a footprint from `house_max_m2` up to this is a
    /// two-family house (two households).
    pub two_family_max_m2: f64,
    /// … a larger one a small block of this many floors (an attic counts half) …
    pub low_rise_floors: f64,
    /// … whose dwellings have this gross floor area, m² (larger than a
    /// city flat: houses' and village flats' dwellings).
    pub low_rise_dwelling_m2: f64,
    /// … and a plain footprint larger than this is a hall, barn or
    /// factory, not a home.
    pub low_rise_max_home_m2: f64,
}

impl DwellingModel {
    /// Chinese cities: 2020 census housing area per household, six-storey
    /// walk-ups as the untagged default (docs/households.md).
    pub fn china() -> Self {
        DwellingModel {
            dwelling_m2: 95.0,
            occupied_share: 0.9,
            storey_m: 3.0,
            apartment_floors: 6.0,
            house_max_m2: 150.0,
            house_max_floors: 3.0,
            min_home_m2: 50.0,
            max_plain_home_m2: 5_000.0,
            terrace_unit_m2: 90.0,
            homes_in_commercial_landuse: false,
            reference_coverage: 0.22,
            // Village houses of three to five floors stand close together:
            // footprints say little about households there.
            low_rise: false,
            two_family_max_m2: 300.0,
            low_rise_floors: 3.0,
            low_rise_dwelling_m2: 120.0,
            low_rise_max_home_m2: 1_000.0,
        }
    }

    /// Japan: the Housing and Land Survey's dwelling sizes and vacancy,
    /// two-storey houses and low-rise flats (docs/households.md).
    pub fn japan() -> Self {
        DwellingModel {
            dwelling_m2: 60.0,
            occupied_share: 0.86,
            storey_m: 3.0,
            apartment_floors: 3.0,
            house_max_m2: 150.0,
            house_max_floors: 3.0,
            min_home_m2: 30.0,
            max_plain_home_m2: 3_000.0,
            terrace_unit_m2: 50.0,
            homes_in_commercial_landuse: true,
            reference_coverage: 0.35,
            // Its defaults are low-rise already (150 m² houses, three-storey
            // アパート of 60 m² flats).
            low_rise: false,
            two_family_max_m2: 300.0,
            low_rise_floors: 2.0,
            low_rise_dwelling_m2: 60.0,
            low_rise_max_home_m2: 1_000.0,
        }
    }

    /// Elsewhere (European-style housing; docs/households.md).
    pub fn elsewhere() -> Self {
        DwellingModel {
            dwelling_m2: 90.0,
            occupied_share: 0.9,
            storey_m: 3.0,
            apartment_floors: 4.0,
            house_max_m2: 200.0,
            house_max_floors: 3.0,
            min_home_m2: 35.0,
            max_plain_home_m2: 5_000.0,
            terrace_unit_m2: 60.0,
            homes_in_commercial_landuse: false,
            reference_coverage: 0.30,
            low_rise: true,
            two_family_max_m2: 400.0,
            low_rise_floors: 2.5,
            low_rise_dwelling_m2: 130.0,
            low_rise_max_home_m2: 1_000.0,
        }
    }
}

impl Default for DwellingModel {
    fn default() -> Self {
        DwellingModel::elsewhere()
    }
}

/// A region's `[osm.<region>]` table over that region's defaults: a key
/// left out keeps the region's value, not the `elsewhere` one that
/// `#[serde(default)]` would give (a partial `[osm.china]` table once
/// took European floors and, now, the low-rise model).
fn model_over<'de, D: serde::Deserializer<'de>>(
    d: D,
    base: DwellingModel,
) -> Result<DwellingModel, D::Error> {
    use serde::de::Error as _;
    let given = toml::Table::deserialize(d)?;
    let mut table = toml::Table::try_from(base).map_err(D::Error::custom)?;
    table.extend(given);
    table.try_into().map_err(D::Error::custom)
}

fn china_model<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DwellingModel, D::Error> {
    model_over(d, DwellingModel::china())
}

fn japan_model<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DwellingModel, D::Error> {
    model_over(d, DwellingModel::japan())
}

/// Plausibility limits on the layers' values (README, "Plausibility
/// limits").
///
/// ```
/// let cfg = linli::config::Config::from_toml_str("[limits]\nmax_households_per_building = 8000\n", "scenario.toml").unwrap();
/// assert_eq!(cfg.limits.max_households_per_building, 8000);
/// assert_eq!(cfg.limits.far_outside_km, 50.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Most households one building may hold; above it a building is an
    /// error (a typo, or a district's total put on one building).
    pub max_households_per_building: u32,
    /// Features farther than this (km) outside the communities' extent (or,
    /// without communities, the buildings' central extent) are counted and
    /// named in a warning.
    pub far_outside_km: f64,
    /// Most a community may span (km, its box's diagonal); a wider one is
    /// an error (a stray vertex, coordinates in the wrong order).
    pub max_community_km: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_households_per_building: 5_000,
            far_outside_km: 50.0,
            max_community_km: 100.0,
        }
    }
}

impl Config {
    /// The size targets of community `com`: the scenario's, with its own
    /// target and band laid over them (a fixed neighborhood count is
    /// [`Config::neighborhood_count`]).
    ///
    /// ```
    /// use linli::model::{Community, CommunityKind};
    /// let c = linli::config::Config::from_toml_str(
    ///     "[communities.A]\nband = [100, 200]\n", "scenario.toml").unwrap();
    /// let com = Community { id: "A".into(), name: "A".into(), street: "S".into(),
    ///     kind: CommunityKind::Rural, social_workers: None, area: geo::MultiPolygon(vec![]) };
    /// let t = c.targets_for(&com);
    /// assert_eq!(t.for_kind(CommunityKind::Rural), 150);
    /// assert!((t.tolerance - 1.0 / 3.0).abs() < 1e-12);
    /// ```
    pub fn targets_for(&self, com: &crate::model::Community) -> Targets {
        let mut t = self.targets.clone();
        let Some(s) = self.communities.get(&com.id) else {
            return t;
        };
        let (target, tolerance) = match s.band {
            Some([lo, hi]) => {
                let (lo, hi) = (f64::from(lo), f64::from(hi));
                (
                    Some(((lo + hi) / 2.0).round() as u32),
                    Some((hi - lo) / (hi + lo)),
                )
            }
            None => (s.target, s.tolerance),
        };
        if let Some(v) = target {
            t.urban = v;
            t.rural = v;
            t.resettlement = v;
        }
        if let Some(v) = tolerance {
            t.tolerance = v;
        }
        t
    }

    /// The household band of community `com`: (fewest, most), its ends
    /// widened by the band's epsilon (households are whole).
    ///
    /// ```
    /// use linli::model::{Community, CommunityKind};
    /// let com = Community { id: "A".into(), name: "A".into(), street: "S".into(),
    ///     kind: CommunityKind::Urban, social_workers: None, area: geo::MultiPolygon(vec![]) };
    /// let (lo, hi) = linli::config::Config::default().band(&com);
    /// assert_eq!((lo.round(), hi.round()), (200.0, 400.0));
    /// ```
    pub fn band(&self, com: &crate::model::Community) -> (f64, f64) {
        let t = self.targets_for(com);
        let tf = f64::from(t.for_kind(com.kind));
        (
            tf * (1.0 - t.tolerance) - crate::model::BAND_EPS,
            tf * (1.0 + t.tolerance) + crate::model::BAND_EPS,
        )
    }

    /// The fixed number of neighborhoods of community `com`, when set.
    ///
    /// ```
    /// use linli::model::{Community, CommunityKind};
    /// let c = linli::config::Config::from_toml_str(
    ///     "[communities.A]\nneighborhoods = 3\n", "scenario.toml").unwrap();
    /// let com = Community { id: "A".into(), name: "A".into(), street: "S".into(),
    ///     kind: CommunityKind::Urban, social_workers: None, area: geo::MultiPolygon(vec![]) };
    /// assert_eq!(c.neighborhood_count(&com), Some(3));
    /// ```
    pub fn neighborhood_count(&self, com: &crate::model::Community) -> Option<u32> {
        self.communities.get(&com.id).and_then(|s| s.neighborhoods)
    }

    /// Parses and validates a `scenario.toml`; `file` names it in errors.
    pub fn from_toml_str(text: &str, file: &str) -> Result<Config, Vec<Problem>> {
        let cfg: Config = toml::from_str(text).map_err(|e| {
            vec![
                Problem::file(file, format!("cannot read settings: {}", e.message()))
                    .with_hint("see README.md, section \"scenario.toml\", for the keys"),
            ]
        })?;
        let mut cfg = cfg;
        cfg.walking.speed_given = toml::from_str::<toml::Table>(text)
            .is_ok_and(|t| t.get("walking").and_then(|w| w.get("speed_kmh")).is_some());
        let problems = cfg.validate(file);
        if problems.is_empty() {
            Ok(cfg)
        } else {
            Err(problems)
        }
    }

    /// Unknown layer names and CRSs linli cannot parse in `[layers]`.
    fn layer_problems(&self, file: &str) -> Vec<Problem> {
        let mut p = Vec::new();
        for (name, l) in &self.layers {
            if !LAYER_NAMES.contains(&name.as_str()) {
                p.push(
                    Problem::file(file, format!("[layers.{name}] is not a layer"))
                        .with_hint(format!("the layers are {}", LAYER_NAMES.join(", "))),
                );
            }
            if let Some(Err(e)) = l.crs.as_ref().map(|c| c.parse::<crate::project::Crs>()) {
                p.push(Problem::file(file, format!("layers.{name}.crs: {e}")));
            }
        }
        p
    }

    /// Checks the values make sense: every number within its range
    /// ([`ranges::RANGES`]), the pairs in order, the names known;
    /// returns every problem found.
    pub fn validate(&self, file: &str) -> Vec<Problem> {
        let mut p = ranges::check_config(self, file);
        let t = &self.targets;
        if t.min_buildings > t.max_buildings {
            p.push(Problem::file(
                file,
                "targets.min_buildings is greater than targets.max_buildings",
            ));
        }
        let o = &self.osm;
        if !["auto", "china", "japan", "elsewhere"].contains(&o.region.as_str()) {
            p.push(
                Problem::file(file, format!("osm.region is {:?}", o.region))
                    .with_hint("use \"auto\", \"china\", \"japan\" or \"elsewhere\""),
            );
        }
        if o.admin_min_households > o.admin_max_households
            || o.community_min_households > o.community_max_households
        {
            p.push(Problem::file(
                file,
                "osm needs admin_min_households <= admin_max_households and community_min_households <= community_max_households",
            ));
        }
        for (tag, kind) in &o.facilities {
            let ok = tag
                .split_once('=')
                .is_some_and(|(k, v)| !k.is_empty() && !v.is_empty());
            if !ok || kind.is_empty() {
                p.push(
                    Problem::file(file, format!("osm.facilities: {tag:?} = {kind:?}")).with_hint(
                        "write \"key=value\" = \"kind\", e.g. \"amenity=pharmacy\" = \"clinic\"",
                    ),
                );
            }
        }
        p.extend(self.layer_problems(file));
        for (id, c) in &self.communities {
            for what in c.band_problems() {
                p.push(Problem::file(file, format!("[communities.{id}]: {what}")));
            }
        }
        let st = &self.staffing;
        if st.min_neighborhoods_per_worker > st.max_neighborhoods_per_worker {
            p.push(Problem::file(
                file,
                "staffing needs min_neighborhoods_per_worker <= max_neighborhoods_per_worker",
            ));
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(
            Config::from_toml_str("", "s.toml").unwrap(),
            Config::default()
        );
    }

    #[test]
    fn a_region_table_keeps_the_region_defaults_it_leaves_out() {
        let c = Config::from_toml_str("[osm.japan]\nlow_rise = true\n", "s.toml").unwrap();
        let want = DwellingModel {
            low_rise: true,
            ..DwellingModel::japan()
        };
        assert_eq!(c.osm.japan, want);
        assert_eq!(c.osm.china, DwellingModel::china());
        let e = Config::from_toml_str("[osm.china]\nfloors = 3\n", "s.toml").unwrap_err();
        assert!(e[0].to_string().contains("floors"), "{}", e[0]);
        let e = Config::from_toml_str("[osm.china]\ndwelling_m2 = 0\n", "s.toml").unwrap_err();
        assert!(
            e[0].to_string().contains("osm.china.dwelling_m2"),
            "{}",
            e[0]
        );
    }

    #[test]
    fn unknown_key_is_an_error() {
        let e = Config::from_toml_str("[targets]\nurbn = 3\n", "s.toml").unwrap_err();
        assert!(e[0].to_string().contains("urbn"), "{}", e[0]);
    }

    #[test]
    fn thresholds_parse() {
        let c = Config::from_toml_str(
            "[walking.thresholds]\nclinic = { minutes = 10 }\npost = { metres = 300 }\n",
            "s.toml",
        )
        .unwrap();
        assert_eq!(c.walking.thresholds["clinic"], Threshold::Minutes(10.0));
        assert_eq!(c.walking.thresholds["post"], Threshold::Metres(300.0));
    }

    #[test]
    fn bad_values_are_listed() {
        let e =
            Config::from_toml_str("[targets]\nurban = 0\ntolerance = 2\n", "s.toml").unwrap_err();
        assert_eq!(e.len(), 2);
    }
}

/// The GIS format layers are written in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OutputFormat {
    /// RFC 7946 GeoJSON, one file per layer (the default).
    #[default]
    GeoJson,
    /// One GeoPackage, `plan.gpkg`, holding every layer and table.
    GeoPackage,
    /// One Shapefile per layer.
    Shapefile,
    /// One FlatGeobuf file per layer.
    FlatGeobuf,
}

impl std::str::FromStr for OutputFormat {
    type Err = String;

    /// `geojson`, `gpkg`, `shp` or `fgb`.
    ///
    /// ```
    /// use linli::config::OutputFormat;
    /// assert_eq!("GPKG".parse::<OutputFormat>(), Ok(OutputFormat::GeoPackage));
    /// assert!("kml".parse::<OutputFormat>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "geojson" | "json" => Ok(OutputFormat::GeoJson),
            "gpkg" | "geopackage" => Ok(OutputFormat::GeoPackage),
            "shp" | "shapefile" => Ok(OutputFormat::Shapefile),
            "fgb" | "flatgeobuf" => Ok(OutputFormat::FlatGeobuf),
            other => Err(format!(
                "{other:?} is not an output format: use geojson, gpkg, shp or fgb"
            )),
        }
    }
}

/// How outputs are written: the layers' format, and their CRS (`None`:
/// lon/lat WGS 84 as RFC 7946 has it; `EPSG:4490` lon/lat labelled
/// CGCS2000; a projected code: the coordinates converted); the language of
/// report.html.
///
/// ```
/// use linli::config::{Lang, Output};
/// let english = Output { lang: Lang::En, ..Output::default() };
/// assert_eq!(Output::default().lang, Lang::Zh);
/// assert!(english.is_geojson_wgs84());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Output {
    /// The format.
    pub format: OutputFormat,
    /// The CRS (`EPSG:4326` when `None`).
    pub crs: Option<u32>,
    /// The language of report.html (Chinese unless asked otherwise).
    pub lang: Lang,
}

/// The language a report is written in.
///
/// ```
/// assert_eq!(linli::config::Lang::default(), linli::config::Lang::Zh);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    /// Simplified Chinese (`zh-CN`), the default: what a planner hands in.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 tag an HTML page declares (`<html lang="…">`).
    ///
    /// ```
    /// assert_eq!(linli::config::Lang::Zh.tag(), "zh-CN");
    /// ```
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;

    /// `zh` (also `zh-CN`, `cn`, `中文`) or `en`.
    ///
    /// ```
    /// use linli::config::Lang;
    /// assert_eq!("zh-CN".parse::<Lang>(), Ok(Lang::Zh));
    /// assert_eq!("EN".parse::<Lang>(), Ok(Lang::En));
    /// assert!("fr".parse::<Lang>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh_cn" | "zh-hans" | "cn" | "中文" => Ok(Lang::Zh),
            "en" | "en-us" | "en-gb" | "english" => Ok(Lang::En),
            other => Err(format!(
                "{other:?} is not a report language: use zh (Chinese) or en (English)"
            )),
        }
    }
}

impl Output {
    /// Whether this is plain RFC 7946 GeoJSON (nothing to convert).
    pub fn is_geojson_wgs84(&self) -> bool {
        self.format == OutputFormat::GeoJson && self.crs.is_none_or(|c| c == 4326)
    }
}
