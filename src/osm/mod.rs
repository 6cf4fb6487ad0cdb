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
pub mod extract;
pub mod features;
pub mod fill;
pub mod homes;
pub mod households;
pub mod levels;
pub mod pbf;
pub mod tags;

use crate::config::DwellingModel;
use crate::error::Error;
use crate::write::geojson::OutGeometry;
use crate::write::{write_atomic, write_json};
use communities::Unit;
use completeness::Completeness;
use context::{Places, locate, region_of, residential_streets};
use extract::Extract;
use features::{Facilities, Gathered, Layer, areal, named};
use geo::{Coord, MultiPolygon, Point};
use homes::{Home, building_homes};
use levels::{CommunityInput, LevelTried};
use serde_json::Map;
use std::collections::BTreeMap;
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
    /// community id, OSM relation id, `ref` or name), e.g. the
    /// civil-affairs roster.
    pub community_totals: Option<PathBuf>,
    /// Rows of the roster that name no community are a warning, not an error.
    pub allow_unmatched: bool,
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
    /// The household model used: `china`, `japan` or `elsewhere`.
    pub region: String,
    /// Buildings sampled per country (ISO 3166-1) when the region was
    /// chosen from them (`region = "auto"`).
    pub region_countries: BTreeMap<String, usize>,
    /// Households written (buildings and land-use fill).
    pub households: u64,
    /// Households by where they came from (`tagged`, `levels`, `height`,
    /// `nearby_levels`, `type_default`, `low_rise`, `calibrated`, `landuse_fill`).
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
    /// Each row of known households (`*` for `--households-total`): the
    /// communities it calibrated and what was done.
    pub calibration: Vec<calibrate::RowResult>,
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
    /// Each admin level judged (finest first): its units' size and
    /// households, and why it was or was not taken as communities.
    pub admin_levels_tried: Vec<LevelTried>,
    /// Where the extract's area came from: `header` (its header's box),
    /// `data` (no header box: where its buildings and local streets are)
    /// or `nodes` (the box of every node).
    pub area_source: String,
    /// The extract's area, lon/lat: west, south, east, north.
    pub area_box: [f64; 4],
    /// The extract's area, km².
    pub area_km2: f64,
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
            sources: Default::default(),
            unread: Vec::new(),
            given: Default::default(),
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
    let ex = Extract::of(&data, label)?;
    c.area_source = ex.source.key().to_string();
    c.area_box = [ex.lo[0], ex.lo[1], ex.hi[0], ex.hi[1]];
    c.area_km2 = round2(ex.rect.width() * ex.rect.height() / 1e6);
    warnings.extend(ex.area_note());
    let f = scenario_features(&data, &ex, &facility_map(opts), &mut c);

    // Households per building, communities, then completeness and known totals.
    let model = household_model(opts, &data, &ex, &mut c);
    let land = &f.area.land;
    let mut homes = extract_homes(&f, model, &ex, &mut c);
    let (units, source) = choose_communities(opts, &ex, &f, &homes, &data, &mut c, &mut warnings)?;
    let home_at: Vec<Coord<f64>> = homes.iter().map(|h| h.centroid).collect();
    let unit_areas: Vec<MultiPolygon<f64>> = units.iter().map(|u| u.area.clone()).collect();
    let in_unit = locate(&unit_areas, &home_at);
    let est_hh = households_per_unit(&homes, &in_unit, units.len());
    let unit_kind = communities::kinds(&units, &est_hh, land, &f.places);
    let road_lines = residential_streets(&data.ways, &ex.nodes);
    let comp = completeness::measure(&completeness::Input {
        units: &units,
        homes: &homes,
        in_unit: &in_unit,
        land,
        streets: &road_lines,
        model,
    });
    let ground = fill::Ground {
        units: &unit_areas,
        land,
        streets: &road_lines,
        built: &home_at,
    };
    let parents = parent_units(opts, &f, &ex, &units);
    let known = Known {
        units: &units,
        in_unit: &in_unit,
        comp: &comp,
        parents: &parents,
    };
    let cal = calibrate_to_totals(opts, &mut homes, &known, ground, &mut c, &mut warnings)?;

    // The buildings and communities layers, the counts, the files.
    let (buildings, per_unit) = buildings_layer(&homes, &in_unit, &cal.fill, units.len(), &mut c);
    if let Some(n) = opts
        .households_total
        .filter(|_| opts.community_totals.is_none())
    {
        warnings.extend(calibrate::total_shared(&units, &per_unit.households, n));
    }
    let communities = communities_layer(
        &units,
        &unit_kind,
        &per_unit,
        &comp,
        &cal.calibrated,
        &mut c,
    );
    c.communities = units.len();
    c.completeness = comp.overall.map(round2);
    let cw = closing_warnings(&c, source, (&comp, &cal.calibrated), &units, &buildings, &f);
    warnings.extend(cw);
    let files = scenario_files(label, opts, &ex, f, communities, buildings, &c.region);
    Ok(Imported {
        files,
        counts: c,
        warnings,
    })
}

/// Every feature layer but buildings and communities, with what homes and
/// communities are judged in.
struct Features<'a> {
    lines: features::Lines,
    gathered: Gathered<'a>,
    area: features::AreaFeatures,
    facilities: Facilities,
    places: Places,
    businesses: Vec<Coord<f64>>,
}

/// The feature layers of the extract (lines, areas, facilities) and the
/// context (areas, land use, places, businesses), counted.
fn scenario_features<'a>(
    data: &'a pbf::OsmData,
    ex: &Extract,
    map: &[(String, String, String)],
    c: &mut ImportCounts,
) -> Features<'a> {
    let mut lines = features::lines(&data.ways, &ex.nodes, &ex.rect, &mut c.dropped);
    count_lines(&lines, c);
    let gathered = features::gather_areas(data, &ex.nodes, &ex.rect, map, &mut c.dropped);
    let mut facilities = Facilities::default();
    let area = features::area_features(
        &gathered.areas,
        map,
        &mut lines.water,
        &mut facilities,
        &mut c.dropped,
    );
    c.water_areas = area.water_areas;
    c.landmarks = area.landmark_n;
    c.compounds = area.compound_n;
    let (places, businesses) = features::node_features(
        &data.tagged_nodes,
        &ex.nodes,
        &ex.rect,
        map,
        &mut facilities,
        &mut c.dropped,
    );
    c.facilities = facilities.by_kind.clone();
    Features {
        lines,
        gathered,
        area,
        facilities,
        places,
        businesses,
    }
}

/// The warnings drawn from the finished counts: buildings outside every
/// community, thin mapping, and layers `linli plan` needs left empty.
fn closing_warnings(
    c: &ImportCounts,
    source: &str,
    (comp, calibrated): (&Completeness, &[bool]),
    units: &[Unit],
    buildings: &Layer,
    f: &Features,
) -> Vec<String> {
    let mut warnings = Vec::new();
    if c.buildings_outside_communities > 0 {
        warnings.push(format!(
            "{} buildings are outside every community (their centroid is in no community of {})",
            c.buildings_outside_communities, source
        ));
    }
    warnings.extend(completeness::warnings(comp, units, calibrated));
    if buildings.is_empty() {
        warnings.push(
            "the extract has no buildings: linli plan needs buildings.geojson features".into(),
        );
    }
    if f.lines.roads.is_empty() {
        warnings.push("the extract has no roads: linli plan needs roads.geojson features".into());
    }
    warnings
}

/// File name → contents: every layer in lon/lat and scenario.toml.
fn scenario_files(
    label: &str,
    opts: &ImportOptions,
    ex: &Extract,
    f: Features,
    communities: Layer,
    buildings: Layer,
    region: &str,
) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for (name, layer) in [
        ("communities.geojson", communities),
        ("roads.geojson", f.lines.roads),
        ("water.geojson", f.lines.water),
        ("rail.geojson", f.lines.rail),
        ("landmarks.geojson", f.area.landmarks),
        ("compounds.geojson", f.area.compounds),
        ("buildings.geojson", buildings),
        ("facilities.geojson", f.facilities.layer),
    ] {
        files.insert(name.to_string(), layer.text(&ex.projector));
    }
    files.insert(
        "scenario.toml".to_string(),
        scenario_toml(label, opts, region),
    );
    files
}

/// The line layers' counts into the import's.
fn count_lines(lines: &features::Lines, c: &mut ImportCounts) {
    c.roads = lines.road_n;
    c.roads_walkable = lines.walk_n;
    c.road_ways_complete = lines.complete_n;
    c.road_ways_split = lines.split_n;
    c.water_lines = lines.water_lines;
    c.rail = lines.rail_n;
}

/// Most buildings whose country decides the region.
const REGION_SAMPLE: usize = 2_000;

/// The household model: the settings' region, else the region of the
/// country most of the extract's buildings stand in (its centre's when it
/// maps none), from real country boundaries.
fn household_model<'a>(
    opts: &'a ImportOptions,
    data: &pbf::OsmData,
    ex: &Extract,
    c: &mut ImportCounts,
) -> &'a DwellingModel {
    let region = match opts.settings.region.as_str() {
        r @ ("china" | "japan" | "elsewhere") => r,
        _ => {
            let inside = |&(lon, lat): &(f64, f64)| {
                (ex.lo[0]..=ex.hi[0]).contains(&lon) && (ex.lo[1]..=ex.hi[1]).contains(&lat)
            };
            let at: Vec<(f64, f64)> = data
                .ways
                .iter()
                .filter(|w| w.tags.contains_key("building"))
                .filter_map(|w| w.refs.first().and_then(|r| data.nodes.get(r)).copied())
                .filter(inside)
                .collect();
            let step = at.len().div_ceil(REGION_SAMPLE).max(1);
            let (mut r, n) = region_of(at.into_iter().step_by(step));
            if r.is_none() {
                r = region_of(std::iter::once(ex.centre())).0;
            }
            c.region_countries = n;
            r.unwrap_or("elsewhere")
        }
    };
    c.region = region.to_string();
    match region {
        "china" => &opts.settings.china,
        "japan" => &opts.settings.japan,
        _ => &opts.settings.elsewhere,
    }
}

/// Every building of the extract with its households (the largest part
/// stands for the footprint); a building is the extract's when its
/// centroid is, as for communities. Unreadable tags are counted.
fn extract_homes<'a>(
    f: &Features<'a>,
    model: &DwellingModel,
    ex: &Extract,
    c: &mut ImportCounts,
) -> Vec<Home<'a>> {
    let areas = &f.gathered.areas;
    let mut homes = building_homes(areas, &f.area.land, &f.businesses, &f.places, model);
    homes.retain(|h| {
        let keep = geo::Contains::contains(&ex.rect, &h.centroid);
        if !keep {
            features::drop(&mut c.dropped, "buildings", "outside_extract");
        }
        keep
    });
    for h in &homes {
        for b in &h.estimate.bad_tags {
            *c.tag_warnings.entry(b.to_string()).or_insert(0) += 1;
        }
    }
    homes
}

/// The communities: a file, else admin boundaries, else derived ones;
/// returns them and where they came from.
fn choose_communities(
    opts: &ImportOptions,
    ex: &Extract,
    f: &Features,
    homes: &[Home],
    data: &pbf::OsmData,
    c: &mut ImportCounts,
    warnings: &mut Vec<String>,
) -> Result<(Vec<Unit>, &'static str), Error> {
    let (units, source) = if let Some(path) = &opts.communities {
        (communities::read_file(path, &ex.projector)?, "file")
    } else {
        let picked = levels::pick(&CommunityInput {
            admin: &f.gathered.admin,
            ways: &f.gathered.ways_by_id,
            nodes: &ex.nodes,
            rect: &ex.rect,
            places: &f.places,
            homes,
            data_ways: &data.ways,
            settings: &opts.settings,
            level: opts.admin_level,
        });
        c.admin_level = picked.level;
        c.admin_levels_seen = picked.levels_seen.clone();
        c.admin_levels_tried = picked.levels.clone();
        warnings.extend(picked.warnings);
        (picked.units, "admin+derived")
    };
    c.communities_source = source.to_string();
    Ok((units, source))
}

/// Households estimated in each of `n` communities.
fn households_per_unit(homes: &[Home], in_unit: &[Option<usize>], n: usize) -> Vec<u64> {
    let mut hh = vec![0u64; n];
    for (h, u) in homes.iter().zip(in_unit) {
        if let Some(u) = u {
            hh[*u] += u64::from(h.estimate.households);
        }
    }
    hh
}

/// What known totals are matched against.
struct Known<'a> {
    units: &'a [Unit],
    in_unit: &'a [Option<usize>],
    comp: &'a Completeness,
    parents: &'a [calibrate::Parent],
}

/// The admin units wholly inside the extract that hold two or more
/// communities (a roster may give their totals); none without a roster.
fn parent_units(
    opts: &ImportOptions,
    f: &Features,
    ex: &Extract,
    units: &[Unit],
) -> Vec<calibrate::Parent> {
    use geo::{Area, BooleanOps, InteriorPoint};
    if opts.community_totals.is_none() {
        return Vec::new();
    }
    let at: Vec<Option<Coord<f64>>> = units
        .iter()
        .map(|u| u.area.interior_point().map(|p| p.0))
        .collect();
    let bounds = MultiPolygon(vec![ex.rect.to_polygon()]);
    let mut out = Vec::new();
    for r in &f.gathered.admin {
        let ways = &f.gathered.ways_by_id;
        let Ok(mp) = assemble::relation_polygons(r, ways, &ex.nodes)
            .or_else(|_| assemble::relation_polygons_present(r, ways, &ex.nodes))
        else {
            continue;
        };
        if (mp.intersection(&bounds).unsigned_area() - mp.unsigned_area()).abs() > 1.0 {
            continue; // cut by the extract: its total is not the part inside
        }
        let members: Vec<usize> = (0..units.len())
            .filter(|&u| at[u].is_some_and(|p| geo::Contains::contains(&mp, &Point(p))))
            .collect();
        if members.len() >= 2 {
            out.push(calibrate::Parent {
                relation: format!("r{}", r.id),
                name: r.tags.get("name").cloned(),
                name_zh: r.tags.get("name:zh").cloned(),
                code: r.tags.get("ref").cloned(),
                members,
            });
        }
    }
    out
}

/// Households scaled to the known totals (a roster, or the extract's
/// total), if any: the fill placed where homes are missing and which
/// communities hold their known households. Rows naming no community are
/// an error (a warning with `allow_unmatched`).
fn calibrate_to_totals(
    opts: &ImportOptions,
    homes: &mut [Home],
    k: &Known,
    ground: fill::Ground,
    c: &mut ImportCounts,
    warnings: &mut Vec<String>,
) -> Result<calibrate::Output, Error> {
    let rows = match (&opts.community_totals, opts.households_total) {
        (Some(path), _) => calibrate::read_totals(path)?,
        (None, Some(n)) => vec![calibrate::Row {
            line: 0,
            key: "*".into(),
            households: n,
        }],
        _ => {
            return Ok(calibrate::Output {
                calibrated: vec![false; k.units.len()],
                ..Default::default()
            });
        }
    };
    if let Some(path) = &opts.community_totals {
        check_rows(path, &rows, k, opts.allow_unmatched, warnings)?;
    }
    let out = calibrate::apply(
        homes,
        &calibrate::Input {
            rows: &rows,
            units: k.units,
            in_unit: k.in_unit,
            ground,
            completeness: &k.comp.per_unit,
            parents: k.parents,
        },
    );
    warnings.extend(out.warnings.iter().cloned());
    c.calibrated = out.calibrated.iter().any(|&x| x);
    c.calibration = out.rows.clone();
    Ok(out)
}

/// Rows naming no community, and communities named by two rows: an error
/// naming the lines (unmatched rows only a warning with `allow`).
fn check_rows(
    path: &Path,
    rows: &[calibrate::Row],
    k: &Known,
    allow: bool,
    warnings: &mut Vec<String>,
) -> Result<(), Error> {
    let units = k.units;
    let file = path.display().to_string();
    let (hits, none) = calibrate::match_rows(rows, units, k.parents);
    let mut problems = Vec::new();
    let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
    for (r, hit) in rows.iter().zip(&hits) {
        for &u in hit {
            if let Some(first) = seen.insert(u, r.line) {
                problems.push(
                    crate::error::Problem::file(
                        &file,
                        format!(
                            "line {}: community {} is already given by line {first}",
                            r.line, units[u].id
                        ),
                    )
                    .with_hint("give each community once"),
                );
            }
        }
    }
    let some: Vec<String> = units
        .iter()
        .filter(|u| u.source != "derived")
        .take(6)
        .map(|u| format!("{} ({})", u.id, u.name.clone().unwrap_or_default()))
        .collect();
    for &i in &none {
        let what = format!(
            "line {}: {:?} names no community of the extract",
            rows[i].line, rows[i].key
        );
        if allow {
            warnings.push(format!(
                "{file} {what}: its {} households were not used",
                rows[i].households
            ));
        } else {
            problems.push(crate::error::Problem::file(&file, what).with_hint(format!(
                "name a community by its id, OSM relation id (r123), ref or name, e.g. {}; or pass --allow-unmatched to go on without it",
                if some.is_empty() { "none is an admin unit here: run without --households-csv to see the derived ones".to_string() } else { some.join(", ") }
            )));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Input(problems))
    }
}

/// Households and buildings per community, as written.
struct PerUnit {
    households: Vec<u64>,
    buildings: Vec<usize>,
}

/// buildings.geojson (footprints, then land-use fill points) and what each
/// community holds; counts the buildings and households by source.
fn buildings_layer(
    homes: &[Home],
    in_unit: &[Option<usize>],
    fill: &[fill::Fill],
    n_units: usize,
    c: &mut ImportCounts,
) -> (Layer, PerUnit) {
    let mut buildings = Layer::default();
    let mut per = PerUnit {
        households: vec![0u64; n_units],
        buildings: vec![0usize; n_units],
    };
    for (h, u) in homes.iter().zip(in_unit) {
        let e = &h.estimate;
        buildings.push(
            h.key,
            OutGeometry::Polygon(h.footprint.clone()),
            home_properties(h),
        );
        count_home(h, c);
        match u {
            Some(i) => {
                per.households[*i] += u64::from(e.households);
                per.buildings[*i] += 1;
            }
            None => c.buildings_outside_communities += 1,
        }
    }
    for (n, f) in fill.iter().enumerate() {
        let mut props = Map::new();
        props.insert("use".into(), "residential".into());
        props.insert("households".into(), f.households.into());
        props.insert("households_source".into(), f.source.into());
        buildings.push_id(
            (4, n as i64, 0),
            format!("fill-{}", n + 1),
            OutGeometry::Point(Point(f.at)),
            props,
        );
        c.households += u64::from(f.households);
        *c.households_by_source.entry(f.source.into()).or_insert(0) += u64::from(f.households);
        *c.buildings_by_source.entry(f.source.into()).or_insert(0) += 1;
        c.buildings += 1;
        if let Some(i) = f.unit {
            per.households[i] += u64::from(f.households);
        }
    }
    (buildings, per)
}

/// A building's properties: name, use, building, levels, households and
/// their source, and what judged a plain footprint.
fn home_properties(h: &Home) -> Map<String, serde_json::Value> {
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
    props
}

/// Counts one building: how it was mapped, its use, its households by source.
fn count_home(h: &Home, c: &mut ImportCounts) {
    let e = &h.estimate;
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
}

/// communities.geojson, and each community in the counts.
fn communities_layer(
    units: &[Unit],
    unit_kind: &[&'static str],
    per: &PerUnit,
    comp: &Completeness,
    calibrated: &[bool],
    c: &mut ImportCounts,
) -> Layer {
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
        p.insert("households".into(), per.households[i].into());
        if let Some(x) = comp.per_unit[i] {
            p.insert("completeness".into(), round2(x).into());
        }
        if calibrated[i] {
            // The plan's reader warns of thin data only where households
            // were calibrated to known totals: not in communities the
            // roster leaves out.
            p.insert("households_calibrated".into(), true.into());
        }
        communities.push_id((3, i as i64, 0), u.id.clone(), areal(u.area.clone()), p);
        match u.source {
            "derived" | "admin_split" => {
                c.communities_derived += 1;
                c.buildings_in_derived_communities += per.buildings[i];
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
            buildings: per.buildings[i],
            households: per.households[i],
            completeness: comp.per_unit[i].map(round2),
        });
    }
    communities
}

/// The imported scenario.toml: where it came from, the attribution, and
/// the settings' own text (else a name).
fn scenario_toml(label: &str, opts: &ImportOptions, region: &str) -> String {
    let stem = Path::new(label)
        .file_name()
        .map(|n| n.to_string_lossy().trim_end_matches(".osm.pbf").to_string())
        .unwrap_or_else(|| label.to_string());
    let head = format!(
        "# Imported by `linli import-osm` from {stem} (household model: {region}).\n# Data © OpenStreetMap contributors, ODbL 1.0.\n"
    );
    match &opts.config_text {
        Some(t) => format!("{head}{t}"),
        None => format!(
            "{head}name = {}\n",
            toml::Value::String(format!("{stem} (OpenStreetMap)"))
        ),
    }
}
