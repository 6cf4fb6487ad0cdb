//! OpenStreetMap import: an `.osm.pbf` extract → a ready linli scenario.
//!
//! `pbf.rs` reads the file, `assemble.rs` builds lines and areas from node
//! references, `tags.rs` holds the tag → layer tables; this file turns them
//! into the scenario's GeoJSON layers (lon/lat, RFC 7946, sorted by OSM id)
//! and counts what was kept and what was dropped, and why.

pub mod assemble;
pub mod calibrate;
pub mod communities;
pub mod completeness;
pub mod context;
pub mod homes;
pub mod households;
pub mod pbf;
pub mod tags;

use crate::error::{Error, Problem};
use crate::project::{Crs, Projector};
use crate::write::geojson::{scenario_layer, OutGeometry};
use crate::write::{write_atomic, write_json};
use assemble::{relation_polygons, way_polygon, way_runs, NodeIndex};
use communities::{admin_level, CommunityInput};
use context::{extent, in_china, locate, meets, residential_streets, LandIndex, Places};
use geo::{Area, BoundingRect, Contains, Coord, InteriorPoint, LineString, MultiPolygon, Point};
use homes::building_homes;
use pbf::Tags;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Options of an import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// `admin_level` of the boundaries taken as communities; `None`
    /// chooses the finest level whose units hold a community's households.
    pub admin_level: Option<u8>,
    /// A communities layer to use instead of admin boundaries.
    pub communities: Option<PathBuf>,
    /// Users' additions to the facility table: `(key, value, kind)`, e.g.
    /// `("amenity", "pharmacy", "clinic")`; checked before the built-in table.
    pub facility_map: Vec<(String, String, String)>,
    /// The household model, community sizes and facility tags
    /// (`[osm]` of a scenario.toml).
    pub settings: crate::config::OsmSettings,
    /// The extract's known households: estimates are scaled to it.
    pub households_total: Option<u64>,
    /// Known households per community (`community,households` CSV:
    /// community id or name), e.g. the civil-affairs roster.
    pub community_totals: Option<PathBuf>,
    /// The text of the scenario.toml the settings came from: it becomes
    /// the imported scenario's scenario.toml.
    pub config_text: Option<String>,
}

/// What the import kept and dropped.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ImportCounts {
    /// Size of the input, bytes.
    pub bytes: u64,
    /// Nodes read.
    pub nodes: usize,
    /// Ways read.
    pub ways: usize,
    /// Relations read.
    pub relations: usize,
    /// Road features written (a way cut by the extract may give several).
    pub roads: usize,
    /// Road features people walk on.
    pub roads_walkable: usize,
    /// Road ways (highway=*, a road line) with every node in the extract.
    pub road_ways_complete: usize,
    /// Road ways with some nodes outside the extract, kept as their known runs.
    pub road_ways_split: usize,
    /// Water line features.
    pub water_lines: usize,
    /// Water area features.
    pub water_areas: usize,
    /// Rail features.
    pub rail: usize,
    /// Landmark features.
    pub landmarks: usize,
    /// Compound features.
    pub compounds: usize,
    /// Buildings written.
    pub buildings: usize,
    /// Buildings from closed ways.
    pub building_ways: usize,
    /// Buildings from multipolygon relations.
    pub building_relations: usize,
    /// Residential buildings.
    pub buildings_residential: usize,
    /// Residential buildings whose households are estimated (not from building:flats).
    pub buildings_estimated_households: usize,
    /// The household model used: `china` or `elsewhere`.
    pub region: String,
    /// Households written (buildings and land-use fill).
    pub households: u64,
    /// Households by where they came from (`tagged`, `levels`, `height`,
    /// `nearby_levels`, `type_default`, `calibrated`, `landuse_fill`).
    pub households_by_source: BTreeMap<String, u64>,
    /// Buildings by where their households came from (`non_residential` for 0).
    pub buildings_by_source: BTreeMap<String, usize>,
    /// Plain `building=yes` footprints by what decided their use.
    pub plain_buildings_judged: BTreeMap<String, usize>,
    /// Tags that could not be read (unparsable, negative or absurd), by key.
    pub tag_warnings: BTreeMap<String, usize>,
    /// Building completeness of the extract, 0–1 (footprints on residential
    /// land, buildings along residential streets; docs/osm.md).
    pub completeness: Option<f64>,
    /// Whether households were calibrated to known totals.
    pub calibrated: bool,
    /// Facilities by linli kind.
    pub facilities: BTreeMap<String, usize>,
    /// Communities written.
    pub communities: usize,
    /// Where they came from: `admin+derived` or `file`.
    pub communities_source: String,
    /// The admin level taken as communities, if any.
    pub admin_level: Option<u8>,
    /// Admin boundary relations in the extract per admin level.
    pub admin_levels_seen: BTreeMap<u8, usize>,
    /// Communities from admin boundaries (whole or clipped to the extract).
    pub communities_admin: usize,
    /// Communities derived from the major-road network (or split from a
    /// unit too large for one).
    pub communities_derived: usize,
    /// Communities judged rural.
    pub communities_rural: usize,
    /// Buildings placed in derived communities.
    pub buildings_in_derived_communities: usize,
    /// Buildings in no community (0 unless a communities file leaves some out).
    pub buildings_outside_communities: usize,
    /// Each community: id, name, source, kind, buildings, households, completeness.
    pub community_list: Vec<CommunityCount>,
    /// Elements dropped, by `layer.reason`.
    pub dropped: BTreeMap<String, usize>,
}

/// One community of an import.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct CommunityCount {
    /// Its id in communities.geojson.
    pub id: String,
    /// Its name.
    pub name: Option<String>,
    /// `admin`, `admin_clipped`, `admin_split`, `derived` or `file`.
    pub source: String,
    /// `urban` or `rural`.
    pub kind: String,
    /// Buildings in it.
    pub buildings: usize,
    /// Households in it.
    pub households: u64,
    /// Building completeness, 0–1.
    pub completeness: Option<f64>,
}

/// A finished import: the scenario's files and the counts.
#[derive(Debug, Clone)]
pub struct Imported {
    /// File name → contents (GeoJSON layers and scenario.toml).
    pub files: BTreeMap<String, String>,
    /// What was kept and dropped.
    pub counts: ImportCounts,
    /// Non-fatal findings.
    pub warnings: Vec<String>,
}

impl Imported {
    /// The scenario as in-memory files, ready for [`crate::read::read_scenario`].
    ///
    /// ```no_run
    /// let imp = linli::osm::import_file("city.osm.pbf".as_ref(), &Default::default()).unwrap();
    /// let files = imp.scenario_files("city");
    /// assert!(files.files.contains_key("roads.geojson"));
    /// ```
    pub fn scenario_files(&self, label: &str) -> crate::read::ScenarioFiles {
        crate::read::ScenarioFiles {
            label: label.to_string(),
            files: self
                .files
                .iter()
                .map(|(n, t)| (n.clone(), t.clone().into()))
                .collect(),
        }
    }

    /// Writes every file and `import_summary.json` into `dir`, atomically.
    ///
    /// ```no_run
    /// let imp = linli::osm::import_file("city.osm.pbf".as_ref(), &Default::default()).unwrap();
    /// imp.write(std::path::Path::new("scenario")).unwrap();
    /// ```
    pub fn write(&self, dir: &Path) -> Result<Vec<PathBuf>, Error> {
        let mut written = Vec::new();
        for (name, text) in &self.files {
            let p = dir.join(name);
            write_atomic(&p, text.as_bytes())?;
            written.push(p);
        }
        let p = dir.join("import_summary.json");
        write_json(
            &p,
            &serde_json::json!({ "counts": self.counts, "warnings": self.warnings }),
        )?;
        written.push(p);
        Ok(written)
    }
}

/// Imports an `.osm.pbf` file (see [`import`]).
///
/// ```
/// let err = linli::osm::import_file("no/such.osm.pbf".as_ref(), &Default::default()).unwrap_err();
/// assert!(err.to_string().contains("no/such.osm.pbf"));
/// ```
pub fn import_file(path: &Path, opts: &ImportOptions) -> Result<Imported, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    import(&bytes, &path.display().to_string(), opts)
}

/// Element key for sorting: nodes, then ways, then relations, by id.
type Key = (u8, i64, usize);

fn oid(k: Key) -> String {
    let t = ["n", "w", "r"][k.0 as usize];
    if k.2 == 0 {
        format!("{t}{}", k.1)
    } else {
        format!("{t}{}-{}", k.1, k.2)
    }
}

/// Features of one layer, sorted by OSM id when written.
#[derive(Default)]
struct Layer(Vec<(Key, OutGeometry, Map<String, Value>)>);

impl Layer {
    fn push(&mut self, key: Key, g: OutGeometry, props: Map<String, Value>) {
        self.push_id(key, oid(key), g, props);
    }
    fn push_id(&mut self, key: Key, id: String, g: OutGeometry, mut props: Map<String, Value>) {
        props.insert("id".into(), id.into());
        self.0.push((key, g, props));
    }
    fn text(mut self, projector: &Projector) -> String {
        self.0.sort_by_key(|(k, _, _)| *k);
        // id first, then the other properties in a fixed order.
        scenario_layer(
            projector,
            self.0.into_iter().map(|(_, g, p)| {
                let mut out = Map::new();
                out.insert("id".into(), p["id"].clone());
                for (k, v) in p {
                    if k != "id" {
                        out.insert(k, v);
                    }
                }
                (g, out)
            }),
        )
    }
}

fn areal(mp: MultiPolygon<f64>) -> OutGeometry {
    if mp.0.len() == 1 {
        OutGeometry::Polygon(mp.0.into_iter().next().expect("one part"))
    } else {
        OutGeometry::MultiPolygon(mp)
    }
}

fn named(t: &Tags) -> Map<String, Value> {
    let mut m = Map::new();
    if let Some(n) = t.get("name") {
        m.insert("name".into(), n.clone().into());
    }
    m
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The facility table's additions: the command line's, then scenario.toml's.
fn facility_map(opts: &ImportOptions) -> Vec<(String, String, String)> {
    let mut m = opts.facility_map.clone();
    for (tag, kind) in &opts.settings.facilities {
        if let Some((k, v)) = tag.split_once('=') {
            m.push((k.trim().into(), v.trim().into(), kind.clone()));
        }
    }
    m
}

/// Whether a closed element with these tags is wanted as an area.
fn wants_area(t: &Tags, map: &[(String, String, String)]) -> bool {
    !area_layers(t, map).is_empty() || tags::landuse(t).is_some()
}

/// The area layers an element with tags `t` goes to, for drop counts.
fn area_layers(t: &Tags, map: &[(String, String, String)]) -> Vec<&'static str> {
    let mut v = Vec::new();
    if tags::is_building(t) {
        v.push("buildings");
    }
    if tags::is_water_area(t) {
        v.push("water");
    }
    if tags::landmark_class(t).is_some() {
        v.push("landmarks");
    }
    if tags::is_compound(t) {
        v.push("compounds");
    }
    if tags::facility_kind_with(t, map).is_some() {
        v.push("facilities");
    }
    v
}

/// Imports the bytes of an `.osm.pbf` extract into a scenario; `label`
/// names the input in messages.
///
/// ```
/// let err = linli::osm::import(b"\x00\x00\x00\x0dnonsense", "bad.osm.pbf", &Default::default())
///     .unwrap_err();
/// assert!(err.to_string().contains("bad.osm.pbf"));
/// ```
pub fn import(bytes: &[u8], label: &str, opts: &ImportOptions) -> Result<Imported, Error> {
    let data = pbf::read_pbf(bytes, label)?;
    let mut c = ImportCounts {
        bytes: bytes.len() as u64,
        nodes: data.nodes.len(),
        ways: data.ways.len(),
        relations: data.relations.len(),
        ..Default::default()
    };
    let mut warnings = Vec::new();

    // The extract's area: the box the header says it was cut to (whole
    // ways and relations crossing it bring nodes from far outside), within
    // the box of its nodes; the local plane is centred on it.
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for &(lon, lat) in data.nodes.values() {
        if lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0 {
            lo = [lo[0].min(lon), lo[1].min(lat)];
            hi = [hi[0].max(lon), hi[1].max(lat)];
        }
    }
    if lo[0] > hi[0] {
        return Err(Error::Input(vec![Problem::file(
            label.to_string(),
            "has no node with a valid longitude/latitude",
        )]));
    }
    let header = data
        .bbox
        .map(|[w, s, e, n]| ([lo[0].max(w), lo[1].max(s)], [hi[0].min(e), hi[1].min(n)]))
        .filter(|(l, h)| l[0] < h[0] && l[1] < h[1]);
    if let Some((l, h)) = header {
        (lo, hi) = (l, h);
    }
    let projector = Projector::new(&Crs::LonLat, (lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0)?;
    let mut nodes: NodeIndex = HashMap::with_capacity(data.nodes.len());
    for (&id, &(lon, lat)) in &data.nodes {
        if let Ok((x, y)) = projector.to_plane(lon, lat) {
            if x.is_finite() && y.is_finite() {
                nodes.insert(id, Coord { x, y });
            }
        }
    }
    let rect = match header {
        Some(_) => context::lonlat_box(&projector, lo, hi).unwrap_or_else(|| extent(&nodes)),
        None => extent(&nodes),
    };
    let mut drop = |layer: &str, why: &str| {
        *c.dropped.entry(format!("{layer}.{why}")).or_insert(0) += 1;
    };

    let mut roads = Layer::default();
    let mut water = Layer::default();
    let mut rail = Layer::default();
    let (mut road_n, mut walk_n, mut complete_n, mut split_n) = (0, 0, 0, 0);
    let (mut water_lines, mut rail_n) = (0, 0);

    // Lines: roads, waterways, railways, split at nodes outside the extract.
    for w in &data.ways {
        let road = tags::road_class(&w.tags);
        let wl = tags::water_line_class(&w.tags);
        let rl = tags::rail_class(&w.tags);
        if road.is_none() && wl.is_none() && rl.is_none() {
            continue;
        }
        let (runs, complete) = way_runs(&w.refs, &nodes);
        // Runs wholly outside the extract's area (a whole way kept by the
        // extractor) are left out.
        let known = !runs.is_empty();
        let runs: Vec<LineString<f64>> = runs
            .into_iter()
            .filter(|r| meets(r.bounding_rect(), &rect))
            .collect();
        let emit = |layer: &mut Layer, class: &str, extra: &[(&str, Value)]| {
            let n = runs.len();
            for (k, r) in runs.iter().enumerate() {
                let mut p = named(&w.tags);
                p.insert("class".into(), class.into());
                for (key, v) in extra {
                    p.insert((*key).into(), v.clone());
                }
                let piece = if n == 1 { 0 } else { k + 1 };
                layer.push((1, w.id, piece), OutGeometry::LineString(r.clone()), p);
            }
            n
        };
        if let Some(class) = road {
            let walk = tags::walkable(class, &w.tags);
            let n = emit(&mut roads, class, &[("walkable", walk.into())]);
            road_n += n;
            if walk {
                walk_n += n;
            }
            if complete && (n > 0 || !known) {
                complete_n += 1;
            } else if !complete && n > 0 {
                split_n += 1;
            }
        }
        if let Some(class) = wl {
            water_lines += emit(&mut water, class, &[]);
        }
        if let Some(class) = rl {
            rail_n += emit(&mut rail, class, &[]);
        }
        if runs.is_empty() {
            let why = if known {
                "outside_extract"
            } else {
                "way_missing_nodes"
            };
            for (layer, on) in [("roads", road), ("water", wl), ("rail", rl)] {
                if on.is_some() {
                    drop(layer, why);
                }
            }
        }
    }
    c.roads = road_n;
    c.roads_walkable = walk_n;
    c.road_ways_complete = complete_n;
    c.road_ways_split = split_n;
    c.water_lines = water_lines;
    c.rail = rail_n;

    // Areas: closed ways and multipolygon relations; admin boundaries are
    // assembled apart (cut ones are closed along the extract's edge).
    let map = facility_map(opts);
    let mut areas: Vec<(Key, &Tags, MultiPolygon<f64>)> = Vec::new();
    for w in &data.ways {
        if w.tags.is_empty() || !wants_area(&w.tags, &map) {
            continue;
        }
        if w.tags.contains_key("highway") && w.tags.get("area").map(String::as_str) != Some("yes") {
            continue;
        }
        match way_polygon(&w.refs, &nodes) {
            Ok(p) => areas.push(((1, w.id, 0), &w.tags, MultiPolygon(vec![p]))),
            Err(e) => {
                for layer in area_layers(&w.tags, &map) {
                    drop(layer, e.key());
                }
            }
        }
    }
    let ways_by_id: HashMap<i64, &pbf::Way> = data.ways.iter().map(|w| (w.id, w)).collect();
    let mut admin: Vec<&pbf::Relation> = Vec::new();
    for r in &data.relations {
        if admin_level(&r.tags).is_some() {
            admin.push(r);
            continue;
        }
        let t = r.tags.get("type").map(String::as_str);
        if t != Some("multipolygon") || !wants_area(&r.tags, &map) {
            continue;
        }
        match relation_polygons(r, &ways_by_id, &nodes) {
            Ok(mp) => areas.push(((2, r.id, 0), &r.tags, mp)),
            Err(e) => {
                for layer in area_layers(&r.tags, &map) {
                    drop(layer, e.key());
                }
            }
        }
    }

    // Areas wholly outside the extract's area are left out.
    areas.retain(|(_, t, mp)| {
        let keep = meets(mp.bounding_rect(), &rect);
        if !keep {
            for layer in area_layers(t, &map) {
                drop(layer, "outside_extract");
            }
        }
        keep
    });

    let mut landmarks = Layer::default();
    let mut compounds = Layer::default();
    let mut facilities = Layer::default();
    let mut places = Places::default();
    let mut land = LandIndex::default();
    for (key, t, mp) in &areas {
        let area = mp.unsigned_area();
        if tags::is_water_area(t) {
            if area >= tags::WATER_MIN_M2 {
                let mut p = named(t);
                p.insert("class".into(), "water".into());
                water.push(*key, areal(mp.clone()), p);
                c.water_areas += 1;
            } else {
                drop("water", "too_small");
            }
        }
        if let Some(class) = tags::landmark_class(t) {
            if tags::is_campus(class) {
                land.push(mp, None, true);
            }
            if area >= tags::LANDMARK_MIN_M2 {
                let mut p = named(t);
                p.insert("class".into(), class.into());
                landmarks.push(*key, areal(mp.clone()), p);
                c.landmarks += 1;
            } else {
                drop("landmarks", "too_small");
            }
        }
        if let Some(lu) = tags::landuse(t) {
            land.push(mp, Some(lu), false);
        }
        if tags::is_compound(t) {
            if area >= tags::COMPOUND_MIN_M2 {
                compounds.push(*key, areal(mp.clone()), named(t));
                c.compounds += 1;
            } else {
                drop("compounds", "too_small");
            }
        }
        if let Some(kind) = tags::facility_kind_with(t, &map) {
            if let Some(pt) = mp.interior_point() {
                let mut p = named(t);
                p.insert("kind".into(), kind.clone().into());
                facilities.push(*key, OutGeometry::Point(pt), p);
                *c.facilities.entry(kind.to_string()).or_insert(0) += 1;
            }
        }
    }
    land.finish();
    // Facilities mapped as nodes; places and businesses for context.
    let mut businesses: Vec<Coord<f64>> = Vec::new();
    for (id, t) in &data.tagged_nodes {
        let Some(&pt) = nodes.get(id) else {
            if tags::facility_kind_with(t, &map).is_some() {
                drop("facilities", "node_without_location");
            }
            continue;
        };
        places.push(t, pt);
        if tags::is_business(t) {
            businesses.push(pt);
        }
        let Some(kind) = tags::facility_kind_with(t, &map) else {
            continue;
        };
        if !rect.contains(&pt) {
            drop("facilities", "outside_extract");
            continue;
        }
        let mut p = named(t);
        p.insert("kind".into(), kind.clone().into());
        facilities.push((0, *id, 0), OutGeometry::Point(Point(pt)), p);
        *c.facilities.entry(kind.to_string()).or_insert(0) += 1;
    }

    // Buildings: the largest part stands for the footprint.
    let region = match opts.settings.region.as_str() {
        "china" => "china",
        "elsewhere" => "elsewhere",
        _ if in_china((lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0) => "china",
        _ => "elsewhere",
    };
    c.region = region.to_string();
    let model = if region == "china" {
        &opts.settings.china
    } else {
        &opts.settings.elsewhere
    };
    let mut homes = building_homes(&areas, &land, &businesses, model);
    // A building is the extract's when its centroid is, as for communities.
    homes.retain(|h| {
        let keep = rect.contains(&h.centroid);
        if !keep {
            drop("buildings", "outside_extract");
        }
        keep
    });
    for h in &homes {
        for b in &h.estimate.bad_tags {
            *c.tag_warnings.entry(b.to_string()).or_insert(0) += 1;
        }
    }

    // Communities: a file, else admin boundaries, else derived ones.
    let (units, source) = if let Some(path) = &opts.communities {
        (communities::read_file(path, &projector)?, "file")
    } else {
        let picked = communities::pick(&CommunityInput {
            admin: &admin,
            ways: &ways_by_id,
            nodes: &nodes,
            rect: &rect,
            places: &places,
            homes: &homes,
            data_ways: &data.ways,
            settings: &opts.settings,
            level: opts.admin_level,
        });
        c.admin_level = picked.level;
        c.admin_levels_seen = picked.levels_seen.clone();
        warnings.extend(picked.warnings);
        (picked.units, "admin+derived")
    };
    c.communities_source = source.to_string();
    let home_at: Vec<Coord<f64>> = homes.iter().map(|h| h.centroid).collect();
    let unit_areas: Vec<MultiPolygon<f64>> = units.iter().map(|u| u.area.clone()).collect();
    let in_unit = locate(&unit_areas, &home_at);
    let mut est_hh = vec![0u64; units.len()];
    for (h, u) in homes.iter().zip(&in_unit) {
        if let Some(u) = u {
            est_hh[*u] += u64::from(h.estimate.households);
        }
    }
    let unit_kind = communities::kinds(&units, &est_hh, &land, &places);

    // Completeness per community, then calibration to known totals.
    let road_lines = residential_streets(&data.ways, &nodes);
    let comp = completeness::measure(&completeness::Input {
        units: &units,
        homes: &homes,
        in_unit: &in_unit,
        land: &land,
        streets: &road_lines,
        model,
    });
    let mut fill: Vec<calibrate::Fill> = Vec::new();
    let totals = match (&opts.community_totals, opts.households_total) {
        (Some(path), _) => Some(calibrate::read_totals(path)?),
        (None, Some(n)) => Some(vec![("*".to_string(), n)]),
        _ => None,
    };
    if let Some(totals) = totals {
        let out = calibrate::apply(
            &mut homes,
            &calibrate::Input {
                totals: &totals,
                units: &units,
                in_unit: &in_unit,
                land: &land,
                completeness: &comp.per_unit,
                overall: comp.overall,
            },
        );
        warnings.extend(out.warnings);
        fill = out.fill;
        c.calibrated = true;
    }

    // Write buildings, communities and the counts.
    let mut buildings = Layer::default();
    let mut unit_hh = vec![0u64; units.len()];
    let mut unit_b = vec![0usize; units.len()];
    for (h, u) in homes.iter().zip(&in_unit) {
        let e = &h.estimate;
        let mut props = named(h.tags);
        props.insert("use".into(), e.use_.into());
        if let Some(b) = h.tags.get("building") {
            props.insert("building".into(), b.clone().into());
        }
        if let Some(f) = e.floors {
            props.insert("levels".into(), round1(f).into());
        }
        props.insert("households".into(), e.households.into());
        props.insert("households_source".into(), e.source.into());
        if let Some(j) = e.judged {
            props.insert("judged_by".into(), j.into());
        }
        buildings.push(h.key, OutGeometry::Polygon(h.footprint.clone()), props);
        c.buildings += 1;
        if h.key.0 == 1 {
            c.building_ways += 1;
        } else {
            c.building_relations += 1;
        }
        if e.use_ == "residential" {
            c.buildings_residential += 1;
            if e.source != "tagged" {
                c.buildings_estimated_households += 1;
            }
        }
        c.households += u64::from(e.households);
        *c.households_by_source
            .entry(e.source.to_string())
            .or_insert(0) += u64::from(e.households);
        *c.buildings_by_source
            .entry(e.source.to_string())
            .or_insert(0) += 1;
        if let Some(j) = e.judged {
            *c.plain_buildings_judged.entry(j.to_string()).or_insert(0) += 1;
        }
        match u {
            Some(i) => {
                unit_hh[*i] += u64::from(e.households);
                unit_b[*i] += 1;
            }
            None => c.buildings_outside_communities += 1,
        }
    }
    for (n, f) in fill.iter().enumerate() {
        let mut props = Map::new();
        props.insert("use".into(), "residential".into());
        props.insert("households".into(), f.households.into());
        props.insert("households_source".into(), "landuse_fill".into());
        buildings.push_id(
            (4, n as i64, 0),
            format!("fill-{}", n + 1),
            OutGeometry::Point(Point(f.at)),
            props,
        );
        c.households += u64::from(f.households);
        *c.households_by_source
            .entry("landuse_fill".into())
            .or_insert(0) += u64::from(f.households);
        *c.buildings_by_source
            .entry("landuse_fill".into())
            .or_insert(0) += 1;
        c.buildings += 1;
        if let Some(i) = f.unit {
            unit_hh[i] += u64::from(f.households);
        }
    }
    let mut communities = Layer::default();
    for (i, u) in units.iter().enumerate() {
        let mut p = Map::new();
        if let Some(n) = u.name.as_ref().or(u.name_zh.as_ref()) {
            p.insert("name".into(), n.clone().into());
        }
        if let Some(n) = &u.name_zh {
            p.insert("name_zh".into(), n.clone().into());
        }
        p.insert("kind".into(), unit_kind[i].into());
        p.insert("source".into(), u.source.into());
        if let Some(l) = u.admin_level {
            p.insert("admin_level".into(), l.into());
        }
        p.insert("households".into(), unit_hh[i].into());
        if let Some(x) = comp.per_unit[i] {
            p.insert("completeness".into(), round2(x).into());
        }
        communities.push_id((3, i as i64, 0), u.id.clone(), areal(u.area.clone()), p);
        match u.source {
            "derived" | "admin_split" => {
                c.communities_derived += 1;
                c.buildings_in_derived_communities += unit_b[i];
            }
            "file" => {}
            _ => c.communities_admin += 1,
        }
        if unit_kind[i] == "rural" {
            c.communities_rural += 1;
        }
        c.community_list.push(CommunityCount {
            id: u.id.clone(),
            name: u.name.clone().or(u.name_zh.clone()),
            source: u.source.to_string(),
            kind: unit_kind[i].to_string(),
            buildings: unit_b[i],
            households: unit_hh[i],
            completeness: comp.per_unit[i].map(round2),
        });
    }
    c.communities = units.len();
    c.completeness = comp.overall.map(round2);
    if c.buildings_outside_communities > 0 {
        warnings.push(format!(
            "{} buildings are outside every community (their centroid is in no community of {})",
            c.buildings_outside_communities, source
        ));
    }
    for w in completeness::warnings(&comp, &units, c.calibrated) {
        warnings.push(w);
    }
    let mut files = BTreeMap::new();
    files.insert(
        "communities.geojson".to_string(),
        communities.text(&projector),
    );

    if buildings.0.is_empty() {
        warnings.push(
            "the extract has no buildings: linli plan needs buildings.geojson features".into(),
        );
    }
    if roads.0.is_empty() {
        warnings.push("the extract has no roads: linli plan needs roads.geojson features".into());
    }
    for (name, layer) in [
        ("roads.geojson", roads),
        ("water.geojson", water),
        ("rail.geojson", rail),
        ("landmarks.geojson", landmarks),
        ("compounds.geojson", compounds),
        ("buildings.geojson", buildings),
        ("facilities.geojson", facilities),
    ] {
        files.insert(name.to_string(), layer.text(&projector));
    }
    let stem = Path::new(label)
        .file_name()
        .map(|n| n.to_string_lossy().trim_end_matches(".osm.pbf").to_string())
        .unwrap_or_else(|| label.to_string());
    let head = format!(
        "# Imported by `linli import-osm` from {stem} (household model: {}).\n# Data © OpenStreetMap contributors, ODbL 1.0.\n",
        c.region
    );
    let toml_text = match &opts.config_text {
        Some(t) => format!("{head}{t}"),
        None => format!(
            "{head}name = {}\n",
            toml::Value::String(format!("{stem} (OpenStreetMap)"))
        ),
    };
    files.insert("scenario.toml".to_string(), toml_text);
    Ok(Imported {
        files,
        counts: c,
        warnings,
    })
}
