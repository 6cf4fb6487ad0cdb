//! OpenStreetMap import: an `.osm.pbf` extract → a ready linli scenario.
//!
//! `pbf.rs` reads the file, `assemble.rs` builds lines and areas from node
//! references, `tags.rs` holds the tag → layer tables; this file turns them
//! into the scenario's GeoJSON layers (lon/lat, RFC 7946, sorted by OSM id)
//! and counts what was kept and what was dropped, and why.

pub mod assemble;
pub mod pbf;
pub mod tags;

use crate::error::{Error, Problem};
use crate::project::{Crs, Projector};
use crate::write::geojson::{scenario_layer, OutGeometry};
use crate::write::{write_atomic, write_json};
use assemble::{relation_polygons, way_polygon, way_runs, NodeIndex};
use geo::{Area, BoundingRect, Centroid, Contains, Coord, MultiPolygon, Point, Rect};
use pbf::Tags;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Options of an import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// `admin_level` of the boundaries taken as communities.
    pub admin_level: u8,
    /// A communities layer to use when the extract has no admin boundaries.
    pub communities: Option<PathBuf>,
    /// Users' additions to the facility table: `(key, value, kind)`, e.g.
    /// `("amenity", "pharmacy", "clinic")`; checked before the built-in table.
    pub facility_map: Vec<(String, String, String)>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            admin_level: 10,
            communities: None,
            facility_map: Vec::new(),
        }
    }
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
    /// Residential buildings without building:flats: linli estimates their households.
    pub buildings_estimated_households: usize,
    /// Facilities by linli kind.
    pub facilities: BTreeMap<String, usize>,
    /// Communities written.
    pub communities: usize,
    /// Where they came from: `admin`, `file` or `extent`.
    pub communities_source: String,
    /// Elements dropped, by `layer.reason`.
    pub dropped: BTreeMap<String, usize>,
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
    fn push(&mut self, key: Key, g: OutGeometry, mut props: Map<String, Value>) {
        props.insert("id".into(), oid(key).into());
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

/// Whether a closed element with these tags is wanted as an area.
fn wants_area(t: &Tags, admin_level: &str, map: &[(String, String, String)]) -> bool {
    tags::is_building(t)
        || tags::is_water_area(t)
        || tags::landmark_class(t).is_some()
        || tags::is_compound(t)
        || tags::facility_kind_with(t, map).is_some()
        || is_admin(t, admin_level)
}

fn is_admin(t: &Tags, level: &str) -> bool {
    t.get("boundary").map(String::as_str) == Some("administrative")
        && t.get("admin_level").map(String::as_str) == Some(level)
}

/// The area layers an element with tags `t` goes to, for drop counts.
fn area_layers(t: &Tags, admin_level: &str, map: &[(String, String, String)]) -> Vec<&'static str> {
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
    if is_admin(t, admin_level) {
        v.push("communities");
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

    // The local plane around the centre of the nodes' extent.
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
    let projector = Projector::new(&Crs::LonLat, (lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0)?;
    let mut nodes: NodeIndex = HashMap::with_capacity(data.nodes.len());
    for (&id, &(lon, lat)) in &data.nodes {
        if let Ok((x, y)) = projector.to_plane(lon, lat) {
            if x.is_finite() && y.is_finite() {
                nodes.insert(id, Coord { x, y });
            }
        }
    }
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
            if complete {
                complete_n += 1;
            } else if n > 0 {
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
            for (layer, on) in [("roads", road), ("water", wl), ("rail", rl)] {
                if on.is_some() {
                    drop(layer, "way_missing_nodes");
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

    // Areas: closed ways and multipolygon / boundary relations.
    let level = opts.admin_level.to_string();
    let mut areas: Vec<(Key, &Tags, MultiPolygon<f64>)> = Vec::new();
    for w in &data.ways {
        if w.tags.is_empty() || !wants_area(&w.tags, &level, &opts.facility_map) {
            continue;
        }
        if w.tags.contains_key("highway") && w.tags.get("area").map(String::as_str) != Some("yes") {
            continue;
        }
        match way_polygon(&w.refs, &nodes) {
            Ok(p) => areas.push(((1, w.id, 0), &w.tags, MultiPolygon(vec![p]))),
            Err(e) => {
                for layer in area_layers(&w.tags, &level, &opts.facility_map) {
                    // Open boundary ways are members of boundary relations.
                    if !(layer == "communities" && e == assemble::AreaDrop::NotClosed) {
                        drop(layer, e.key());
                    }
                }
            }
        }
    }
    let ways_by_id: HashMap<i64, &pbf::Way> = data.ways.iter().map(|w| (w.id, w)).collect();
    for r in &data.relations {
        let t = r.tags.get("type").map(String::as_str);
        let admin = is_admin(&r.tags, &level);
        if !(t == Some("multipolygon") || (t == Some("boundary") && admin))
            || !wants_area(&r.tags, &level, &opts.facility_map)
        {
            continue;
        }
        match relation_polygons(r, &ways_by_id, &nodes) {
            Ok(mp) => areas.push(((2, r.id, 0), &r.tags, mp)),
            Err(e) => {
                for layer in area_layers(&r.tags, &level, &opts.facility_map) {
                    drop(layer, e.key());
                }
            }
        }
    }

    let mut landmarks = Layer::default();
    let mut compounds = Layer::default();
    let mut communities = Layer::default();
    let mut facilities = Layer::default();
    let mut buildings = Layer::default();
    let mut residential_areas: Vec<(Rect<f64>, &MultiPolygon<f64>)> = Vec::new();
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
            if area >= tags::LANDMARK_MIN_M2 {
                let mut p = named(t);
                p.insert("class".into(), class.into());
                landmarks.push(*key, areal(mp.clone()), p);
                c.landmarks += 1;
            } else {
                drop("landmarks", "too_small");
            }
        }
        if tags::is_compound(t) {
            if let Some(r) = mp.bounding_rect() {
                residential_areas.push((r, mp));
            }
            if area >= tags::COMPOUND_MIN_M2 {
                compounds.push(*key, areal(mp.clone()), named(t));
                c.compounds += 1;
            } else {
                drop("compounds", "too_small");
            }
        }
        if is_admin(t, &level) {
            let mut p = named(t);
            p.insert("kind".into(), "urban".into());
            communities.push(*key, areal(mp.clone()), p);
        }
        if let Some(kind) = tags::facility_kind_with(t, &opts.facility_map) {
            if let Some(pt) = mp.centroid() {
                let mut p = named(t);
                p.insert("kind".into(), kind.clone().into());
                facilities.push(*key, OutGeometry::Point(pt), p);
                *c.facilities.entry(kind.to_string()).or_insert(0) += 1;
            }
        }
    }
    // Facilities mapped as nodes.
    for (id, t) in &data.tagged_nodes {
        let Some(kind) = tags::facility_kind_with(t, &opts.facility_map) else {
            continue;
        };
        let Some(&pt) = nodes.get(id) else {
            drop("facilities", "node_without_location");
            continue;
        };
        let mut p = named(t);
        p.insert("kind".into(), kind.clone().into());
        facilities.push((0, *id, 0), OutGeometry::Point(Point(pt)), p);
        *c.facilities.entry(kind.to_string()).or_insert(0) += 1;
    }

    // Buildings: the largest part stands for the footprint.
    for (key, t, mp) in &areas {
        if !tags::is_building(t) {
            continue;
        }
        let Some(fp) =
            mp.0.iter()
                .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))
        else {
            continue;
        };
        let area = fp.unsigned_area();
        let mut use_ = tags::building_use(t);
        let mut props = named(t);
        if use_ == "other" && tags::is_plain_building(t) && area >= 150.0 {
            if let Some(cen) = fp.centroid() {
                if residential_areas
                    .iter()
                    .any(|(r, a)| r.contains(&cen) && a.contains(&cen))
                {
                    use_ = "residential";
                    props.insert("use_inferred".into(), true.into());
                }
            }
        }
        props.insert("use".into(), use_.into());
        if let Some(b) = t.get("building") {
            props.insert("building".into(), b.clone().into());
        }
        let levels = t.get("building:levels").and_then(|v| tags::parse_count(v));
        let flats = t.get("building:flats").and_then(|v| tags::parse_count(v));
        match levels {
            Some(l) => {
                props.insert("levels".into(), l.into());
            }
            None if use_ == "residential" => {
                props.insert("levels".into(), tags::default_levels(t).into());
                props.insert("levels_estimated".into(), true.into());
            }
            None => {}
        }
        if use_ == "residential" {
            c.buildings_residential += 1;
            match flats {
                Some(f) => {
                    props.insert("households".into(), f.into());
                }
                None => c.buildings_estimated_households += 1,
            }
        } else {
            props.insert("households".into(), 0.into());
        }
        buildings.push(*key, OutGeometry::Polygon(fp.clone()), props);
        c.buildings += 1;
        if key.0 == 1 {
            c.building_ways += 1;
        } else {
            c.building_relations += 1;
        }
    }

    // Communities: admin boundaries, else the given file, else the extent.
    let mut files = BTreeMap::new();
    c.communities = communities.0.len();
    if c.communities > 0 {
        c.communities_source = "admin".into();
        files.insert(
            "communities.geojson".to_string(),
            communities.text(&projector),
        );
    } else if let Some(path) = &opts.communities {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        c.communities_source = "file".into();
        c.communities = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v.get("features").and_then(|f| f.as_array().map(Vec::len)))
            .unwrap_or(0);
        files.insert("communities.geojson".to_string(), text);
    } else {
        let mut pts: Vec<Point<f64>> = Vec::new();
        for layer in [&buildings, &roads] {
            for (_, g, _) in &layer.0 {
                match g {
                    OutGeometry::LineString(l) => pts.extend(l.points()),
                    OutGeometry::Polygon(p) => pts.extend(p.exterior().points()),
                    _ => {}
                }
            }
        }
        if let Some(r) = geo::MultiPoint(pts).bounding_rect() {
            let pad = 20.0;
            let rect = Rect::new(
                Coord {
                    x: r.min().x - pad,
                    y: r.min().y - pad,
                },
                Coord {
                    x: r.max().x + pad,
                    y: r.max().y + pad,
                },
            );
            let mut p = Map::new();
            p.insert("name".into(), "whole extract".into());
            p.insert("kind".into(), "urban".into());
            let mut one = Layer::default();
            one.push((2, 0, 0), OutGeometry::Polygon(rect.to_polygon()), p);
            let mut text = one.text(&projector);
            text = text.replace("\"id\":\"r0\"", "\"id\":\"C1\"");
            files.insert("communities.geojson".to_string(), text);
            c.communities = 1;
            c.communities_source = "extent".into();
            warnings.push(format!(
                "no admin_level={} boundaries in the extract and no --communities: one community covers the whole data extent",
                opts.admin_level
            ));
        }
    }

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
    files.insert(
        "scenario.toml".to_string(),
        format!(
            "# Imported by `linli import-osm` from {}.\n# Data © OpenStreetMap contributors, ODbL 1.0.\nname = {}\n",
            stem,
            toml::Value::String(format!("{stem} (OpenStreetMap)"))
        ),
    );
    Ok(Imported {
        files,
        counts: c,
        warnings,
    })
}
