//! The coverage stage's outputs: coverage.geojson (buildings with metres and
//! minutes per kind), service_areas.geojson, gaps.geojson, sites.geojson
//! (when sites were asked for) and coverage_summary.json.

use super::geojson::{OutGeometry, feature_collection};
use super::{PendingFile, write_atomic, write_json, write_pending};
use crate::config::Threshold;
use crate::coverage::circles::{CircleSummary, ServicePointCheck};
use crate::coverage::report::{Analysis, Sites};
use crate::coverage::{ComponentReport, Coverage, GroupCoverage, LeftOut, round_cm};
use crate::error::Error;
use crate::read::Loaded;
use geo::Area;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A kind's figures in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct KindSummary {
    /// Threshold as configured: `{"minutes": 15}` or `{"metres": 500}`.
    pub threshold: Threshold,
    /// Threshold in metres.
    pub threshold_m: f64,
    /// Facilities of the kind on the network.
    pub facilities: usize,
    /// Gap areas.
    pub gaps: usize,
}

/// The network's figures in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkSummary {
    /// Junctions and vertices.
    pub nodes: usize,
    /// Straight edges.
    pub edges: usize,
    /// Total length, km.
    pub length_km: f64,
    /// Road lines used.
    pub lines_used: usize,
    /// Road lines left out as not walkable, by class.
    pub lines_excluded: BTreeMap<String, usize>,
    /// Separate pieces of the network.
    pub components: usize,
    /// Pieces holding buildings or facilities (when more than one piece).
    pub component_details: Vec<ComponentReport>,
}

/// coverage_summary.json.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageSummary {
    /// Scenario name.
    pub scenario: String,
    /// Walking speed, km/h.
    pub speed_kmh: f64,
    /// Search bound (largest threshold), metres.
    pub search_bound_m: f64,
    /// Snap limit, metres.
    pub snap_limit_m: f64,
    /// Per kind.
    pub kinds: BTreeMap<String, KindSummary>,
    /// The walking network.
    pub network: NetworkSummary,
    /// Every building inside a community.
    pub overall: GroupCoverage,
    /// Buildings outside every community (in no share).
    pub outside_communities: crate::coverage::report::Outside,
    /// Per community.
    pub communities: Vec<GroupCoverage>,
    /// Per street.
    pub streets: Vec<GroupCoverage>,
    /// Per neighborhood (empty when neighborhoods were not planned).
    pub neighborhoods: Vec<GroupCoverage>,
    /// Neighborhoods with no neighborhood_office inside or within 500 m.
    pub neighborhoods_without_office: Vec<String>,
    /// The standards profile used.
    pub standards: StandardsUsed,
    /// Households covered at the 5-, 10- and 15-minute life circles
    /// (keys `"5"`, `"10"`, `"15"`), overall and per group.
    pub life_circles: BTreeMap<String, CircleSummary>,
    /// The service point's limit by network distance, per neighborhood.
    pub service_point: ServicePointCheck,
    /// Buildings left out.
    pub buildings_left_out: usize,
    /// Their households.
    pub households_left_out: u64,
    /// Facilities left out.
    pub facilities_left_out: usize,
    /// What was left out and why (buildings: the first 1000).
    pub left_out: Vec<LeftOut>,
    /// The facility kinds known.
    pub known_kinds: Vec<String>,
    /// Recommended sites, when asked.
    pub sites: Option<Sites>,
    /// Capacity and catchment of the kinds whose facilities have a
    /// capacity (capacity.geojson maps every facility's load).
    pub capacity: Vec<crate::coverage::report::KindCapacity>,
    /// Coverage in persons of the special populations the buildings give
    /// (`elderly`, `children`) for the kinds serving them.
    pub populations: Vec<crate::coverage::populations::PopulationCoverage>,
    /// Warnings.
    pub warnings: Vec<String>,
}

/// The standards profile a summary was made with.
///
/// ```
/// let u = linli::write::coverage::StandardsUsed { name: "GB".into(), file: "built-in".into(),
///     circle_of: [("kindergarten".to_string(), 5)].into() };
/// assert_eq!(serde_json::to_value(&u).unwrap()["circle_of"]["kindergarten"], 5);
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct StandardsUsed {
    /// Its name.
    pub name: String,
    /// Its file (`built-in` for linli's own).
    pub file: String,
    /// Each kind's circle (kinds in no circle left out).
    pub circle_of: BTreeMap<String, u32>,
}

fn num(v: f64) -> Value {
    if v.is_finite() {
        json!(round_cm(v))
    } else {
        Value::Null
    }
}

/// Builds the summary (everything but the per-building figures).
pub fn summary(loaded: &Loaded, cov: &Coverage, an: &Analysis) -> CoverageSummary {
    let w = &loaded.config.walking;
    let mut left_out: Vec<LeftOut> = cov.buildings_left_out.iter().take(1000).cloned().collect();
    left_out.extend(cov.facilities_left_out.iter().cloned());
    CoverageSummary {
        scenario: loaded.config.name.clone(),
        speed_kmh: w.speed_kmh,
        search_bound_m: round_cm(cov.bound_m),
        snap_limit_m: w.snap_limit_m,
        kinds: cov
            .kinds
            .iter()
            .map(|k| {
                (
                    k.kind.clone(),
                    KindSummary {
                        threshold: k.threshold,
                        threshold_m: round_cm(k.threshold_m),
                        facilities: k.facilities.len(),
                        gaps: an.gaps.iter().filter(|g| g.0 == k.kind).count(),
                    },
                )
            })
            .collect(),
        network: NetworkSummary {
            nodes: cov.graph.nodes.len(),
            edges: cov.graph.edges.len(),
            length_km: (cov.graph.edges.iter().map(|e| e.len).sum::<f64>() / 10.0).round() / 100.0,
            lines_used: cov.graph.lines_used,
            lines_excluded: cov.graph.lines_excluded.clone(),
            components: cov.graph.components.len(),
            component_details: cov.components.clone(),
        },
        overall: an.overall.clone(),
        outside_communities: an.outside_communities,
        communities: an.communities.clone(),
        streets: an.streets.clone(),
        neighborhoods: an.neighborhoods.clone(),
        neighborhoods_without_office: an.neighborhoods_without_office.clone(),
        standards: StandardsUsed {
            name: w.standards.name.clone(),
            file: w.standards.file.clone(),
            circle_of: w
                .standards
                .kinds
                .iter()
                .filter_map(|(k, s)| s.circle.map(|c| (k.clone(), c)))
                .collect(),
        },
        life_circles: crate::coverage::circles::summary(
            &cov.life_circles,
            [
                std::slice::from_ref(&an.overall),
                &an.communities,
                &an.streets,
                &an.neighborhoods,
            ],
        ),
        service_point: service_point(w, &an.neighborhoods),
        buildings_left_out: cov.buildings_left_out.len(),
        households_left_out: cov
            .buildings_left_out
            .iter()
            .filter_map(|l| l.households.map(u64::from))
            .sum(),
        facilities_left_out: cov.facilities_left_out.len(),
        left_out,
        known_kinds: cov.known_kinds.clone(),
        sites: an.sites.clone(),
        capacity: an.capacity.clone(),
        populations: an.populations.clone(),
        warnings: cov.warnings.clone(),
    }
}

/// The service-point check of `neighborhoods` with the profile's kind and
/// limit.
fn service_point(w: &crate::config::Walking, neighborhoods: &[GroupCoverage]) -> ServicePointCheck {
    let kind = &w.standards.service_point;
    let limit = crate::coverage::threshold_m(w, kind);
    crate::coverage::circles::service_point_check(neighborhoods, kind, round_cm(limit))
}

/// One grid's figures beside another's (summary.json's
/// `grids_side_by_side`): the same buildings and facilities, counted per
/// neighborhood of each grid.
#[derive(Debug, Clone, Serialize)]
pub struct GridFigures {
    /// Neighborhoods with households.
    pub neighborhoods: usize,
    /// Of those, with every household on the network within the service
    /// point's limit.
    pub service_point_within: usize,
    /// Households beyond the service point's limit, over all neighborhoods.
    pub service_point_households_beyond: u64,
    /// Per kind: neighborhoods with every household covered.
    pub fully_covered: BTreeMap<String, usize>,
    /// Per life circle (minutes): neighborhoods with every household
    /// within the circle's kinds.
    pub fully_within_circle: BTreeMap<u32, usize>,
    /// Per kind: the lowest neighborhood share covered (percent).
    pub lowest_share_percent: BTreeMap<String, f64>,
}

/// [`GridFigures`] of a coverage analysis that was counted per neighborhood.
///
/// ```
/// use linli::coverage::{GroupCoverage, Share};
/// let mut n = GroupCoverage { id: "N1".into(), households: 90, circles: vec![90, 90, 40], ..Default::default() };
/// n.by_kind.insert("clinic".into(), Share { households: 90, covered: 90, ..Default::default() });
/// let w = linli::config::Walking::default();
/// let g = linli::write::coverage::grid_figures(&w, &[n]);
/// assert_eq!((g.neighborhoods, g.fully_covered["clinic"]), (1, 1));
/// assert_eq!((g.fully_within_circle[&10], g.fully_within_circle[&15]), (1, 0));
/// ```
pub fn grid_figures(w: &crate::config::Walking, neighborhoods: &[GroupCoverage]) -> GridFigures {
    let with: Vec<&GroupCoverage> = neighborhoods.iter().filter(|n| n.households > 0).collect();
    let sp = service_point(w, neighborhoods);
    let mut fully_covered = BTreeMap::new();
    let mut lowest = BTreeMap::new();
    for n in &with {
        for (k, sh) in &n.by_kind {
            let full = sh.covered >= sh.households;
            *fully_covered.entry(k.clone()).or_insert(0) += usize::from(full);
            let pct = if sh.households == 0 {
                100.0
            } else {
                100.0 * sh.covered as f64 / sh.households as f64
            };
            let e = lowest.entry(k.clone()).or_insert(100.0_f64);
            *e = e.min((pct * 10.0).round() / 10.0);
        }
    }
    let fully_within_circle = w
        .standards
        .circles
        .keys()
        .enumerate()
        .map(|(ci, minutes)| {
            let on = |n: &&&GroupCoverage| n.circles.get(ci).is_some_and(|&c| c >= n.households);
            (*minutes, with.iter().filter(on).count())
        })
        .collect();
    GridFigures {
        neighborhoods: with.len(),
        service_point_within: sp.neighborhoods_within,
        service_point_households_beyond: sp.households_beyond,
        fully_covered,
        fully_within_circle,
        lowest_share_percent: lowest,
    }
}

/// A building's properties in coverage.geojson, as a JSON object (sorted
/// keys, as a `serde_json::Map` writes them).
fn building_props(s: &crate::model::Scenario, cov: &Coverage, i: usize) -> Map<String, Value> {
    let b = &s.buildings[i];
    let mut m = Map::new();
    m.insert("id".into(), b.id.clone().into());
    m.insert("households".into(), b.households.into());
    match &cov.building_snaps[i] {
        Some(sn) => {
            m.insert("snap_m".into(), num(sn.leg));
            for k in &cov.kinds {
                let d = k.metres[i];
                m.insert(format!("{}_m", k.kind), num(d));
                m.insert(format!("{}_min", k.kind), minutes(cov, d));
                if let Some(f) = k.nearest_facility(i).filter(|_| d.is_finite()) {
                    m.insert(format!("{}_id", k.kind), s.facilities[f].id.clone().into());
                }
            }
            m.insert("all_covered".into(), cov.covers_all(i).into());
            let lc = &cov.life_circles;
            for (ci, c) in lc.circles.iter().enumerate() {
                if lc.measured(ci) {
                    m.insert(format!("circle_{}", c.minutes), lc.covers(i, ci).into());
                }
            }
            if let Some(min) = lc.minutes_of(i) {
                m.insert("life_circle".into(), min.into());
            }
        }
        None => {
            m.insert("left_out".into(), "too_far_from_road".into());
        }
    }
    // As `feature_collection` writes them: no value, no key.
    m.retain(|_, v| !v.is_null());
    m
}

fn minutes(cov: &Coverage, d: f64) -> Value {
    if d.is_finite() {
        json!((d / cov.metres_per_minute * 10.0).round() / 10.0)
    } else {
        Value::Null
    }
}

/// One property of a building on the network, in key order.
#[derive(Clone, Copy)]
enum Prop {
    Id,
    Households,
    Snap,
    Metres(usize),
    Minutes(usize),
    /// The nearest facility's id of a kind.
    FacilityId(usize),
    AllCovered,
    /// Covered at a life circle (its index).
    Circle(usize),
    /// The smallest life circle covered at, in minutes.
    LifeCircle,
}

/// The text of coverage.geojson: the same bytes as
/// [`feature_collection`] over [`building_props`], written straight into
/// text (no map per building), formatted in parallel chunks and streamed to
/// `w` a batch at a time (the whole text of a large city is never held).
fn write_buildings(
    w: &mut dyn std::io::Write,
    loaded: &Loaded,
    cov: &Coverage,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let s = &loaded.scenario;
    let (keys, direct) = property_keys(cov);
    let writer = BuildingFeatures {
        loaded,
        cov,
        keys,
        direct,
    };
    let n = s.buildings.len();
    const CHUNK: usize = 2048;
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    let nchunks = n.div_ceil(CHUNK);
    for batch in (0..nchunks).step_by(16) {
        let parts: Vec<Vec<u8>> = (batch..(batch + 16).min(nchunks))
            .into_par_iter()
            .map(|c| {
                let mut t = Vec::with_capacity(CHUNK * 300);
                let mut scratch = String::new();
                for i in c * CHUNK..((c + 1) * CHUNK).min(n) {
                    if i > 0 {
                        t.extend_from_slice(b",\n");
                    }
                    writer.feature(&mut t, &mut scratch, i);
                }
                t
            })
            .collect();
        for part in &parts {
            w.write_all(part)?;
        }
    }
    w.write_all(b"\n]}\n")
}

/// The keys of a building on the network (JSON-quoted), sorted as a map
/// sorts them, and whether they can be written directly: when two coincide
/// (a kind named like another key) every building goes through the map.
fn property_keys(cov: &Coverage) -> (Vec<(String, Prop)>, bool) {
    let mut keys: Vec<(String, Prop)> = vec![
        ("id".into(), Prop::Id),
        ("households".into(), Prop::Households),
        ("snap_m".into(), Prop::Snap),
        ("all_covered".into(), Prop::AllCovered),
    ];
    for (k, kind) in cov.kinds.iter().enumerate() {
        keys.push((format!("{}_m", kind.kind), Prop::Metres(k)));
        keys.push((format!("{}_min", kind.kind), Prop::Minutes(k)));
        keys.push((format!("{}_id", kind.kind), Prop::FacilityId(k)));
    }
    let lc = &cov.life_circles;
    for (ci, c) in lc.circles.iter().enumerate() {
        if lc.measured(ci) {
            keys.push((format!("circle_{}", c.minutes), Prop::Circle(ci)));
        }
    }
    keys.push(("life_circle".into(), Prop::LifeCircle));
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    let direct = keys.windows(2).all(|w| w[0].0 != w[1].0);
    let keys = keys
        .into_iter()
        .map(|(k, p)| (serde_json::to_string(&k).expect("strings serialize"), p))
        .collect();
    (keys, direct)
}

/// Writes one building's feature of coverage.geojson.
struct BuildingFeatures<'a> {
    loaded: &'a Loaded,
    cov: &'a Coverage,
    /// From [`property_keys`].
    keys: Vec<(String, Prop)>,
    direct: bool,
}

impl BuildingFeatures<'_> {
    /// Building `i`'s feature, appended to `t` (`scratch`: reused text for
    /// the coordinates).
    fn feature(&self, t: &mut Vec<u8>, scratch: &mut String, i: usize) {
        let b = &self.loaded.scenario.buildings[i];
        t.extend_from_slice(b"{\"type\":\"Feature\",\"properties\":");
        match (&self.cov.building_snaps[i], self.direct) {
            (Some(sn), true) => self.properties(t, i, sn.leg),
            _ => {
                let s = &self.loaded.scenario;
                let _ = serde_json::to_writer(&mut *t, &building_props(s, self.cov, i));
            }
        }
        t.extend_from_slice(b",\"geometry\":{\"type\":\"Point\",\"coordinates\":[");
        let (lon, lat) = self
            .loaded
            .projector
            .to_lonlat(b.location.x(), b.location.y());
        scratch.clear();
        coord(scratch, lon);
        scratch.push(',');
        coord(scratch, lat);
        t.extend_from_slice(scratch.as_bytes());
        t.extend_from_slice(b"]}}");
    }

    /// The properties of building `i` on the network (`leg`: its snap
    /// distance), in key order.
    ///
    /// Numbers and ids are formatted as serde_json formats them, straight
    /// into the chunk's bytes: no `Value` or `String` per number.
    fn properties(&self, t: &mut Vec<u8>, i: usize, leg: f64) {
        t.push(b'{');
        let mut first = true;
        for (key, prop) in &self.keys {
            let Some(value) = self.value(*prop, i, leg) else {
                // No value (beyond the search, no circle): the key is left
                // out, as `collection` leaves out nulls.
                continue;
            };
            if !first {
                t.push(b',');
            }
            first = false;
            t.extend_from_slice(key.as_bytes());
            t.push(b':');
            self.push_value(t, value, i);
        }
        t.push(b'}');
    }

    /// What property `prop` of building `i` holds, `None` for no value.
    fn value(&self, prop: Prop, i: usize, leg: f64) -> Option<PropValue> {
        let cov = self.cov;
        let finite = |v: f64| v.is_finite().then_some(PropValue::Number(v));
        match prop {
            Prop::Snap => finite(round_cm(leg)),
            Prop::Metres(k) => finite(round_cm(cov.kinds[k].metres[i])),
            Prop::Minutes(k) => {
                let d = cov.kinds[k].metres[i];
                finite((d / cov.metres_per_minute * 10.0).round() / 10.0)
            }
            Prop::FacilityId(k) => {
                let kc = &cov.kinds[k];
                let f = kc
                    .nearest_facility(i)
                    .filter(|_| kc.metres[i].is_finite())?;
                Some(PropValue::Facility(f))
            }
            Prop::Circle(ci) => Some(PropValue::Bool(cov.life_circles.covers(i, ci))),
            Prop::LifeCircle => cov.life_circles.minutes_of(i).map(PropValue::Whole),
            Prop::Id => Some(PropValue::Id),
            Prop::Households => Some(PropValue::Whole(
                self.loaded.scenario.buildings[i].households,
            )),
            Prop::AllCovered => Some(PropValue::Bool(cov.covers_all(i))),
        }
    }

    /// Writes `v` as serde_json formats it, straight into the chunk's
    /// bytes: no `Value` or `String` per number.
    fn push_value(&self, t: &mut Vec<u8>, v: PropValue, i: usize) {
        use serde_json::ser::{CompactFormatter, Formatter};
        let s = &self.loaded.scenario;
        match v {
            PropValue::Number(x) => {
                let _ = CompactFormatter.write_f64(t, x);
            }
            PropValue::Whole(n) => {
                let _ = CompactFormatter.write_u32(t, n);
            }
            PropValue::Bool(b) => t.extend_from_slice(if b { b"true" } else { b"false" }),
            PropValue::Id => {
                let _ = serde_json::to_writer(&mut *t, &s.buildings[i].id);
            }
            PropValue::Facility(f) => {
                let _ = serde_json::to_writer(&mut *t, &s.facilities[f].id);
            }
        }
    }
}

/// A property's value in coverage.geojson.
#[derive(Clone, Copy)]
enum PropValue {
    Number(f64),
    Whole(u32),
    Bool(bool),
    /// The building's id.
    Id,
    /// A facility's id (its index).
    Facility(usize),
}

/// A lon or lat as the GeoJSON writer prints it: rounded to 7 decimals,
/// trailing zeros dropped, no negative zero.
fn coord(t: &mut String, v: f64) {
    super::geojson::push_coordinate(t, (v * 1e7).round() / 1e7);
}

/// [`feature_collection`] of `features`, the same bytes, drawn in parallel
/// chunks (polygons with many vertices: each vertex is projected back to
/// lon/lat) and stitched.
fn par_feature_collection(
    p: &crate::project::Projector,
    features: Vec<(OutGeometry, Map<String, Value>)>,
) -> String {
    use rayon::prelude::*;
    const HEAD: &str = "{\"type\":\"FeatureCollection\",\"features\":[\n";
    const TAIL: &str = "\n]}\n";
    if features.len() < 64 {
        return feature_collection(p, features);
    }
    let mut chunks: Vec<Vec<(OutGeometry, Map<String, Value>)>> = Vec::new();
    let mut it = features.into_iter().peekable();
    while it.peek().is_some() {
        chunks.push(it.by_ref().take(32).collect());
    }
    let parts: Vec<String> = chunks
        .into_par_iter()
        .map(|c| {
            let t = feature_collection(p, c);
            debug_assert!(t.starts_with(HEAD) && t.ends_with(TAIL));
            t[HEAD.len()..t.len() - TAIL.len()].to_string()
        })
        .collect();
    let mut text = String::with_capacity(parts.iter().map(String::len).sum::<usize>() + 64);
    text.push_str(HEAD);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            text.push_str(",\n");
        }
        text.push_str(part);
    }
    text.push_str(TAIL);
    text
}

/// Writes coverage.geojson, service_areas.geojson (empty when service areas
/// were skipped), gaps.geojson,
/// sites.geojson (when sites were asked for) and coverage_summary.json into
/// `out`; returns the paths written.
pub fn write_coverage(
    out: &Path,
    loaded: &Loaded,
    cov: &Coverage,
    an: &Analysis,
) -> Result<Vec<PathBuf>, Error> {
    // coverage.geojson is the large file: it is written while the others
    // are drawn.
    let (buildings, rest) = rayon::join(
        || pending_buildings(out, loaded, cov),
        || write_the_rest(out, loaded, cov, an),
    );
    let mut written = vec![buildings?.commit()?];
    written.extend(rest?);
    Ok(written)
}

/// coverage.geojson (buildings with their distances), written under a temp
/// name: it needs only the distances, so it can be written while the rest
/// is analysed, and put in place by [`write_coverage_with`] once that
/// succeeded.
pub fn pending_buildings(
    out: &Path,
    loaded: &Loaded,
    cov: &Coverage,
) -> Result<PendingFile, Error> {
    write_pending(&out.join("coverage.geojson"), |w| {
        write_buildings(w, loaded, cov)
    })
}

/// [`write_coverage`] with coverage.geojson already written by
/// [`pending_buildings`].
pub fn write_coverage_with(
    out: &Path,
    loaded: &Loaded,
    cov: &Coverage,
    an: &Analysis,
    buildings: PendingFile,
) -> Result<Vec<PathBuf>, Error> {
    // Putting coverage.geojson in place frees the last run's file, some
    // milliseconds for a large city: it is done while the other files are
    // written.
    let (buildings, rest) = rayon::join(
        || buildings.commit(),
        || write_the_rest(out, loaded, cov, an),
    );
    let mut written = vec![buildings?];
    written.extend(rest?);
    Ok(written)
}

/// Everything but coverage.geojson: service areas, gaps, sites and
/// coverage_summary.json; returns the paths written.
fn write_the_rest(
    out: &Path,
    loaded: &Loaded,
    cov: &Coverage,
    an: &Analysis,
) -> Result<Vec<PathBuf>, Error> {
    let mut written = write_areas_gaps_sites(out, loaded, an)?;
    // Timings are left out so that the same input gives the same bytes; the
    // command line prints them.
    let path = out.join("coverage_summary.json");
    write_summary(&path, loaded, cov, an)?;
    written.push(path);
    Ok(written)
}

/// Writes the coverage summary ([`summary`]) to `path`.
pub fn write_summary(
    path: &Path,
    loaded: &Loaded,
    cov: &Coverage,
    an: &Analysis,
) -> Result<(), Error> {
    write_json(path, &summary(loaded, cov, an))
}

/// Writes service_areas.geojson, gaps.geojson and sites.geojson (when sites
/// were asked for); returns the paths written.
fn write_areas_gaps_sites(
    out: &Path,
    loaded: &Loaded,
    an: &Analysis,
) -> Result<Vec<PathBuf>, Error> {
    let p = &loaded.projector;
    let mut written = Vec::new();

    let areas = an.service_areas.iter().map(|a| {
        let mut m = Map::new();
        m.insert("kind".into(), a.kind.clone().into());
        if let Some(c) = a.circle {
            m.insert("circle_min".into(), c.into());
        }
        m.insert("threshold_m".into(), num(a.threshold_m));
        m.insert("own_limit".into(), a.own_limit.into());
        m.insert("facilities".into(), a.facilities.into());
        m.insert("households".into(), a.households.into());
        m.insert("area_m2".into(), json!(a.area.unsigned_area().round()));
        (OutGeometry::MultiPolygon(a.area.clone()), m)
    });
    let path = out.join("service_areas.geojson");
    write_atomic(&path, par_feature_collection(p, areas.collect()).as_bytes())?;
    written.push(path);

    let mut seq: BTreeMap<&str, usize> = BTreeMap::new();
    let gaps: Vec<(OutGeometry, Map<String, Value>)> = an
        .gaps
        .iter()
        .map(|(kind, g)| {
            let n = seq.entry(kind.as_str()).or_insert(0);
            *n += 1;
            let mut m = Map::new();
            m.insert("id".into(), format!("{kind}-gap-{n:03}").into());
            m.insert("kind".into(), kind.clone().into());
            m.insert("households".into(), g.households.into());
            m.insert("buildings".into(), g.buildings.len().into());
            m.insert("area_m2".into(), json!(g.area.unsigned_area().round()));
            (OutGeometry::MultiPolygon(g.area.clone()), m)
        })
        .collect();
    let path = out.join("gaps.geojson");
    write_atomic(&path, par_feature_collection(p, gaps).as_bytes())?;
    written.push(path);

    if !an.capacity.is_empty() {
        let feats = an.capacity.iter().flat_map(|k| {
            k.facilities.iter().map(|f| {
                let mut m = match serde_json::to_value(f) {
                    Ok(Value::Object(m)) => m,
                    _ => Map::new(),
                };
                m.insert("kind".into(), k.kind.clone().into());
                (OutGeometry::Point(geo::Point(f.at)), m)
            })
        });
        let path = out.join("capacity.geojson");
        write_atomic(&path, feature_collection(p, feats).as_bytes())?;
        written.push(path);
    }

    if let Some(sites) = &an.sites {
        let feats = sites.sites.iter().map(|site| {
            let mut m = Map::new();
            m.insert("rank".into(), site.rank.into());
            m.insert("kind".into(), sites.kind.clone().into());
            m.insert("candidate".into(), site.candidate.clone().into());
            m.insert("gain_households".into(), site.gain_households.into());
            m.insert(
                "exclusive_households".into(),
                site.exclusive_households.into(),
            );
            (OutGeometry::Point(geo::Point(site.at)), m)
        });
        let path = out.join("sites.geojson");
        write_atomic(&path, feature_collection(p, feats).as_bytes())?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// coverage.geojson as the general writer makes it: a map per building.
    fn through_maps(loaded: &Loaded, cov: &Coverage) -> Vec<u8> {
        let feats = loaded.scenario.buildings.iter().enumerate().map(|(i, b)| {
            let props = building_props(&loaded.scenario, cov, i);
            (OutGeometry::Point(b.location), props)
        });
        feature_collection(&loaded.projector, feats).into_bytes()
    }

    fn direct(loaded: &Loaded, cov: &Coverage) -> Vec<u8> {
        let mut out = Vec::new();
        write_buildings(&mut out, loaded, cov).unwrap();
        out
    }

    #[test]
    fn buildings_written_directly_are_the_maps_bytes() {
        let mut loaded = crate::pipeline::load(&crate::demo::files(), &Default::default()).unwrap();
        let w = loaded.config.walking.clone();
        let mut cov = crate::coverage::compute(&loaded.scenario, &w, 0.05).unwrap();
        assert_eq!(direct(&loaded, &cov), through_maps(&loaded, &cov));

        // Ids that need escaping, distances that are not finite, negative
        // zero, long fractions, a building left off the network.
        let n = loaded.scenario.buildings.len();
        assert!(n > 8);
        loaded.scenario.buildings[0].id = "a \"quoted\"\\id\n".into();
        loaded.scenario.buildings[1].id = "楼 7 🏠\u{1}".into();
        loaded.scenario.buildings[2].households = u32::MAX;
        let odd = [
            f64::INFINITY,
            f64::NAN,
            -0.0,
            0.004999,
            1e-300,
            123456789.125,
            f64::NEG_INFINITY,
        ];
        for (k, kind) in cov.kinds.iter_mut().enumerate() {
            for (j, v) in odd.iter().enumerate() {
                kind.metres[(j + k) % n] = *v;
            }
        }
        cov.building_snaps[3] = None;
        if let Some(sn) = cov.building_snaps[4].as_mut() {
            sn.leg = 1e-9;
        }
        assert_eq!(direct(&loaded, &cov), through_maps(&loaded, &cov));

        // A kind whose keys collide with another property: every building
        // goes through the map, with the same result.
        cov.kinds[0].kind = "snap".into();
        assert_eq!(direct(&loaded, &cov), through_maps(&loaded, &cov));
    }
}
