//! The scenario's feature layers from OSM elements: road, water and rail
//! lines; water, landmark, compound and facility areas; facilities mapped
//! as nodes; each feature keyed by its OSM id, and every element left out
//! counted by `layer.reason`.

use super::assemble::{NodeIndex, relation_polygons, way_polygon, way_runs};
use super::communities::admin_level;
use super::context::{LandIndex, Places, meets};
use super::homes::AreaElement;
use super::pbf::{OsmData, Relation, Tags, Way};
use super::tags;
use crate::project::Projector;
use crate::write::geojson::{OutGeometry, scenario_layer};
use geo::{
    Area, BoundingRect, Contains, Coord, InteriorPoint, LineString, MultiPolygon, Point, Rect,
};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// Element key for sorting: nodes, then ways, then relations, by id.
pub type Key = (u8, i64, usize);

/// Elements left out, by `layer.reason`.
pub type Dropped = BTreeMap<String, usize>;

/// Counts one element of `layer` left out for `why`.
pub fn drop(d: &mut Dropped, layer: &str, why: &str) {
    *d.entry(format!("{layer}.{why}")).or_insert(0) += 1;
}

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
pub struct Layer(Vec<(Key, OutGeometry, Map<String, Value>)>);

impl Layer {
    /// Adds a feature with its OSM id.
    pub fn push(&mut self, key: Key, g: OutGeometry, props: Map<String, Value>) {
        self.push_id(key, oid(key), g, props);
    }

    /// Adds a feature with an id of its own, sorted by `key`.
    pub fn push_id(&mut self, key: Key, id: String, g: OutGeometry, mut props: Map<String, Value>) {
        props.insert("id".into(), id.into());
        self.0.push((key, g, props));
    }

    /// Whether it has no feature.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The layer's GeoJSON in lon/lat.
    pub fn text(mut self, projector: &Projector) -> String {
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

/// A polygon, or a multipolygon of several parts.
pub fn areal(mp: MultiPolygon<f64>) -> OutGeometry {
    if mp.0.len() == 1 {
        OutGeometry::Polygon(mp.0.into_iter().next().expect("one part"))
    } else {
        OutGeometry::MultiPolygon(mp)
    }
}

/// The `name` property, when tagged.
pub fn named(t: &Tags) -> Map<String, Value> {
    let mut m = Map::new();
    if let Some(n) = t.get("name") {
        m.insert("name".into(), n.clone().into());
    }
    m
}

/// A way's `bridge`, `tunnel` and `layer` tags, as the walking graph reads
/// them (a bridge meets the streets at its ends, not the one below).
///
/// ```
/// use linli::osm::{features::levels, pbf::Tags};
/// let t: Tags = [("bridge".to_string(), "yes".to_string()), ("layer".to_string(), "1".to_string())].into();
/// let l = levels(&t);
/// assert_eq!(l[0], ("bridge", "yes".into()));
/// assert_eq!(l[1], ("layer", 1.into()));
/// ```
pub fn levels(t: &Tags) -> Vec<(&'static str, Value)> {
    let mut out = Vec::new();
    for key in ["bridge", "tunnel"] {
        if let Some(v) = t.get(key).filter(|v| v.as_str() != "no") {
            out.push((key, Value::from(v.clone())));
        }
    }
    if let Some(l) = t.get("layer").and_then(|v| v.trim().parse::<i64>().ok()) {
        out.push(("layer", Value::from(l)));
    }
    out
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

/// The line layers and their counts.
#[derive(Default)]
pub struct Lines {
    /// roads.geojson.
    pub roads: Layer,
    /// water.geojson (its areas are added later).
    pub water: Layer,
    /// rail.geojson.
    pub rail: Layer,
    /// Road features.
    pub road_n: usize,
    /// Road features people walk on.
    pub walk_n: usize,
    /// Road ways with every node in the extract.
    pub complete_n: usize,
    /// Road ways kept as their known runs.
    pub split_n: usize,
    /// Water line features.
    pub water_lines: usize,
    /// Rail features.
    pub rail_n: usize,
}

/// Roads, waterways and railways, split at nodes outside the extract; runs
/// wholly outside the extract's area `rect` (a whole way kept by the
/// extractor) are left out.
pub fn lines(ways: &[Way], nodes: &NodeIndex, rect: &Rect<f64>, dropped: &mut Dropped) -> Lines {
    let mut out = Lines::default();
    for w in ways {
        let road = tags::road_class(&w.tags);
        let wl = tags::water_line_class(&w.tags);
        let rl = tags::rail_class(&w.tags);
        if road.is_none() && wl.is_none() && rl.is_none() {
            continue;
        }
        let (runs, complete) = way_runs(&w.refs, nodes);
        let known = !runs.is_empty();
        let runs: Vec<LineString<f64>> = runs
            .into_iter()
            .filter(|r| meets(r.bounding_rect(), rect))
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
            let mut extra = vec![("walkable", Value::from(walk))];
            extra.extend(levels(&w.tags));
            let n = emit(&mut out.roads, class, &extra);
            out.road_n += n;
            if walk {
                out.walk_n += n;
            }
            if complete && (n > 0 || !known) {
                out.complete_n += 1;
            } else if !complete && n > 0 {
                out.split_n += 1;
            }
        }
        if let Some(class) = wl {
            out.water_lines += emit(&mut out.water, class, &[]);
        }
        if let Some(class) = rl {
            out.rail_n += emit(&mut out.rail, class, &[]);
        }
        if runs.is_empty() {
            let why = if known {
                "outside_extract"
            } else {
                "way_missing_nodes"
            };
            for (layer, on) in [("roads", road), ("water", wl), ("rail", rl)] {
                if on.is_some() {
                    drop(dropped, layer, why);
                }
            }
        }
    }
    out
}

/// The areas of an extract and what communities are built from.
pub struct Gathered<'a> {
    /// Closed ways and multipolygon relations meeting the extract's area.
    pub areas: Vec<AreaElement<'a>>,
    /// Admin boundary relations (assembled apart: cut ones are closed
    /// along the extract's edge).
    pub admin: Vec<&'a Relation>,
    /// Ways by id.
    pub ways_by_id: HashMap<i64, &'a Way>,
}

/// Areas from closed ways and multipolygon relations, and the admin
/// boundaries; areas wholly outside the extract's area are left out.
pub fn gather_areas<'a>(
    data: &'a OsmData,
    nodes: &NodeIndex,
    rect: &Rect<f64>,
    map: &[(String, String, String)],
    dropped: &mut Dropped,
) -> Gathered<'a> {
    let mut areas = way_areas(&data.ways, nodes, map, dropped);
    let ways_by_id: HashMap<i64, &Way> = data.ways.iter().map(|w| (w.id, w)).collect();
    let mut admin: Vec<&Relation> = Vec::new();
    for r in &data.relations {
        if admin_level(&r.tags).is_some() {
            admin.push(r);
            continue;
        }
        let t = r.tags.get("type").map(String::as_str);
        if t != Some("multipolygon") || !wants_area(&r.tags, map) {
            continue;
        }
        match relation_polygons(r, &ways_by_id, nodes) {
            Ok(mp) => areas.push(((2, r.id, 0), &r.tags, mp)),
            Err(e) => {
                for layer in area_layers(&r.tags, map) {
                    drop(dropped, layer, e.key());
                }
            }
        }
    }
    areas.retain(|(_, t, mp)| {
        let keep = meets(mp.bounding_rect(), rect);
        if !keep {
            for layer in area_layers(t, map) {
                drop(dropped, layer, "outside_extract");
            }
        }
        keep
    });
    Gathered {
        areas,
        admin,
        ways_by_id,
    }
}

/// Areas from closed ways (a highway only with `area=yes`).
fn way_areas<'a>(
    ways: &'a [Way],
    nodes: &NodeIndex,
    map: &[(String, String, String)],
    dropped: &mut Dropped,
) -> Vec<AreaElement<'a>> {
    let mut areas = Vec::new();
    for w in ways {
        if w.tags.is_empty() || !wants_area(&w.tags, map) {
            continue;
        }
        if w.tags.contains_key("highway") && w.tags.get("area").map(String::as_str) != Some("yes") {
            continue;
        }
        match way_polygon(&w.refs, nodes) {
            Ok(p) => areas.push(((1, w.id, 0), &w.tags, MultiPolygon(vec![p]))),
            Err(e) => {
                for layer in area_layers(&w.tags, map) {
                    drop(dropped, layer, e.key());
                }
            }
        }
    }
    areas
}

/// facilities.geojson and its count per kind.
#[derive(Default)]
pub struct Facilities {
    /// The layer.
    pub layer: Layer,
    /// Facilities per linli kind.
    pub by_kind: BTreeMap<String, usize>,
}

impl Facilities {
    /// Adds a facility of `kind` at `at`.
    fn push(&mut self, key: Key, at: Point<f64>, t: &Tags, kind: String) {
        let mut p = named(t);
        p.insert("kind".into(), kind.clone().into());
        self.layer.push(key, OutGeometry::Point(at), p);
        *self.by_kind.entry(kind.to_string()).or_insert(0) += 1;
    }
}

/// The area layers (landmarks, compounds) with their counts, and the land
/// use and campus grounds homes are judged in.
pub struct AreaFeatures {
    /// landmarks.geojson.
    pub landmarks: Layer,
    /// compounds.geojson.
    pub compounds: Layer,
    /// Water areas added to water.geojson.
    pub water_areas: usize,
    /// Landmark features.
    pub landmark_n: usize,
    /// Compound features.
    pub compound_n: usize,
    /// Land use and campus grounds, indexed.
    pub land: LandIndex,
}

/// Water areas (into `water`), landmarks, compounds, land use and
/// facilities mapped as areas (at an interior point); areas under each
/// layer's least size are left out.
pub fn area_features(
    areas: &[AreaElement],
    map: &[(String, String, String)],
    water: &mut Layer,
    facilities: &mut Facilities,
    dropped: &mut Dropped,
) -> AreaFeatures {
    let mut out = AreaFeatures {
        landmarks: Layer::default(),
        compounds: Layer::default(),
        water_areas: 0,
        landmark_n: 0,
        compound_n: 0,
        land: LandIndex::default(),
    };
    for (key, t, mp) in areas {
        let area = mp.unsigned_area();
        if tags::is_water_area(t) {
            if area >= tags::WATER_MIN_M2 {
                let mut p = named(t);
                p.insert("class".into(), "water".into());
                water.push(*key, areal(mp.clone()), p);
                out.water_areas += 1;
            } else {
                drop(dropped, "water", "too_small");
            }
        }
        if let Some(class) = tags::landmark_class(t) {
            if tags::is_campus(class) {
                out.land.push(mp, None, true);
            }
            if area >= tags::LANDMARK_MIN_M2 {
                let mut p = named(t);
                p.insert("class".into(), class.into());
                out.landmarks.push(*key, areal(mp.clone()), p);
                out.landmark_n += 1;
            } else {
                drop(dropped, "landmarks", "too_small");
            }
        }
        if let Some(lu) = tags::landuse(t) {
            out.land.push(mp, Some(lu), false);
        }
        if tags::is_compound(t) {
            if area >= tags::COMPOUND_MIN_M2 {
                out.compounds.push(*key, areal(mp.clone()), named(t));
                out.compound_n += 1;
            } else {
                drop(dropped, "compounds", "too_small");
            }
        }
        if let Some(kind) = tags::facility_kind_with(t, map)
            && let Some(pt) = mp.interior_point()
        {
            facilities.push(*key, pt, t, kind);
        }
    }
    out.land.finish();
    out
}

/// What tagged nodes tell: named places and businesses (context for
/// communities and homes), and facilities mapped as nodes inside the
/// extract's area `rect`.
pub fn node_features(
    tagged_nodes: &[(i64, Tags)],
    nodes: &NodeIndex,
    rect: &Rect<f64>,
    map: &[(String, String, String)],
    facilities: &mut Facilities,
    dropped: &mut Dropped,
) -> (Places, Vec<Coord<f64>>) {
    let mut places = Places::default();
    let mut businesses: Vec<Coord<f64>> = Vec::new();
    for (id, t) in tagged_nodes {
        let Some(&pt) = nodes.get(id) else {
            if tags::facility_kind_with(t, map).is_some() {
                drop(dropped, "facilities", "node_without_location");
            }
            continue;
        };
        places.push(t, pt);
        if tags::is_business(t) {
            businesses.push(pt);
        }
        let Some(kind) = tags::facility_kind_with(t, map) else {
            continue;
        };
        if !rect.contains(&pt) {
            drop(dropped, "facilities", "outside_extract");
            continue;
        }
        facilities.push((0, *id, 0), Point(pt), t, kind);
    }
    (places, businesses)
}
