//! The merged plan's layers and tables.

use super::PlanPart;
use crate::error::{Error, Problem};
use geo::MultiPolygon;
use serde_json::Value;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, BTreeSet};

/// Every GeoJSON layer of the parts, merged.
pub fn merged_layers(parts: &[PlanPart]) -> Result<Vec<(String, Vec<u8>)>, Error> {
    // Layers are independent: merged in parallel.
    use rayon::prelude::*;
    let names: Vec<String> = names_in(parts, ".geojson").into_iter().collect();
    names
        .into_par_iter()
        .map(|name| merged_layer(parts, name))
        .collect()
}

/// One layer of every part, merged.
fn merged_layer(parts: &[PlanPart], name: String) -> Result<(String, Vec<u8>), Error> {
    let mut per_part = Vec::with_capacity(parts.len());
    for p in parts {
        per_part.push(features_of(&p.dir.join(&name))?);
    }
    let features = match name.as_str() {
        "capacity.geojson" => owned_capacity(parts, per_part)?,
        "service_areas.geojson" => unions(
            parts,
            per_part,
            &["kind", "circle_min", "threshold_m", "own_limit"],
        )?,
        "gaps.geojson" => renumbered(per_part)?,
        "coverage.geojson" => without_guests(parts, per_part)?,
        _ => per_part
            .into_iter()
            .flatten()
            .map(|f| f.get().to_string())
            .collect(),
    };
    Ok((name, collection(&features).into_bytes()))
}

/// The file names ending in `ext` in any part's folder, sorted.
fn names_in(parts: &[PlanPart], ext: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for p in parts {
        for e in std::fs::read_dir(&p.dir).into_iter().flatten().flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.ends_with(ext) {
                names.insert(n);
            }
        }
    }
    names
}

#[derive(serde::Deserialize)]
struct Collection {
    features: Vec<Box<RawValue>>,
}

/// A layer's features as written (none when the part has no such file).
fn features_of(path: &std::path::Path) -> Result<Vec<Box<RawValue>>, Error> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(path, e)),
    };
    let c: Collection = serde_json::from_str(&text).map_err(|e| {
        Error::Input(vec![Problem::file(
            path.display().to_string(),
            e.to_string(),
        )])
    })?;
    Ok(c.features)
}

/// A FeatureCollection as the plan writes it: one feature per line.
fn collection(features: &[String]) -> String {
    format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}\n",
        features.join(",\n")
    )
}

fn parse(f: &RawValue) -> Result<Value, Error> {
    serde_json::from_str(f.get())
        .map_err(|e| Error::Input(vec![Problem::file("a part's layer", e.to_string())]))
}

/// Each facility's capacity from the part owning it.
fn owned_capacity(
    parts: &[PlanPart],
    per_part: Vec<Vec<Box<RawValue>>>,
) -> Result<Vec<String>, Error> {
    kept(parts, per_part, "facility", |p, id| {
        p.info.facilities.iter().any(|(f, _)| f == id)
    })
}

/// The buildings' coverage, each from the part that plans it (a part's
/// guests are another part's buildings).
fn without_guests(
    parts: &[PlanPart],
    per_part: Vec<Vec<Box<RawValue>>>,
) -> Result<Vec<String>, Error> {
    kept(parts, per_part, "id", |p, id| {
        !p.info.guests.iter().any(|g| g == id)
    })
}

/// The parts' features whose text property `key` the part `keeps`.
fn kept(
    parts: &[PlanPart],
    per_part: Vec<Vec<Box<RawValue>>>,
    key: &str,
    keeps: impl Fn(&PlanPart, &str) -> bool,
) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for (p, fs) in parts.iter().zip(per_part) {
        for f in fs {
            let v = parse(&f)?;
            if v["properties"][key].as_str().is_some_and(|id| keeps(p, id)) {
                out.push(f.get().to_string());
            }
        }
    }
    Ok(out)
}

/// Features with the same `keys` joined: their areas united, their
/// households and buildings summed (each building is in one part only),
/// their facilities those the parts own of the kind.
fn unions(
    parts: &[PlanPart],
    per_part: Vec<Vec<Box<RawValue>>>,
    keys: &[&str],
) -> Result<Vec<String>, Error> {
    type Group = (Value, Vec<geo::Polygon<f64>>);
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let mut order = Vec::new();
    for f in per_part.into_iter().flatten() {
        let v = parse(&f)?;
        let key: Vec<String> = keys
            .iter()
            .map(|k| v["properties"][*k].to_string())
            .collect();
        let key = key.join("|");
        let area = area_of(&v["geometry"]);
        match groups.get_mut(&key) {
            Some((props, polys)) => {
                polys.extend(area.0);
                for k in ["households", "buildings"] {
                    if let (Some(a), Some(b)) = (props[k].as_u64(), v["properties"][k].as_u64()) {
                        props[k] = (a + b).into();
                    }
                }
            }
            None => {
                order.push(key.clone());
                groups.insert(key, (v["properties"].clone(), area.0));
            }
        }
    }
    // Each kind's areas united at once, the kinds in parallel.
    use rayon::prelude::*;
    Ok(order
        .into_par_iter()
        .map(|k| {
            let (props, polys) = &groups[&k];
            let area: MultiPolygon<f64> = geo::unary_union(polys);
            let mut props = props.clone();
            props["area_m2"] = square_metres(&area).round().into();
            if let Some(kind) = props["kind"].as_str().map(str::to_string) {
                let owned = parts.iter().flat_map(|p| &p.info.facilities);
                props["facilities"] = owned.filter(|(_, k)| *k == kind).count().into();
            }
            let g = geojson::Geometry::from(&area);
            serde_json::json!({"type": "Feature", "properties": props, "geometry": g}).to_string()
        })
        .collect())
}

/// The area of a lon/lat (multi)polygon in m², on a plane laid at its
/// mean latitude (the parts' own planes are gone; at a city's size the
/// figure is within a few parts in 10,000 of theirs).
fn square_metres(area: &MultiPolygon<f64>) -> f64 {
    use geo::{Area, BoundingRect, MapCoords};
    let Some(r) = area.bounding_rect() else {
        return 0.0;
    };
    let lat0 = ((r.min().y + r.max().y) / 2.0).to_radians();
    let (kx, ky) = (111_320.0 * lat0.cos(), 110_574.0);
    area.map_coords(|c| geo::Coord {
        x: c.x * kx,
        y: c.y * ky,
    })
    .unsigned_area()
}

/// A (multi)polygon geometry (empty for anything else).
fn area_of(g: &Value) -> MultiPolygon<f64> {
    let Ok(g) = serde_json::from_value::<geojson::Geometry>(g.clone()) else {
        return MultiPolygon(Vec::new());
    };
    match geo::Geometry::<f64>::try_from(g) {
        Ok(geo::Geometry::Polygon(p)) => MultiPolygon(vec![p]),
        Ok(geo::Geometry::MultiPolygon(m)) => m,
        _ => MultiPolygon(Vec::new()),
    }
}

/// The parts' gaps one after the other, numbered again per kind.
fn renumbered(per_part: Vec<Vec<Box<RawValue>>>) -> Result<Vec<String>, Error> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for f in per_part.into_iter().flatten() {
        let mut v = parse(&f)?;
        let kind = v["properties"]["kind"].as_str().unwrap_or("").to_string();
        let n = counts.entry(kind.clone()).or_default();
        *n += 1;
        v["properties"]["id"] = format!("{kind}-gap-{:03}", *n).into();
        out.push(v.to_string());
    }
    Ok(out)
}

/// The CSV tables but staffing.csv (recomputed from the summaries): the
/// parts' rows one after the other under the first part's header.
pub fn merged_tables(parts: &[PlanPart]) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut out = Vec::new();
    for name in names_in(parts, ".csv") {
        if name == "staffing.csv" {
            continue;
        }
        let mut text = String::new();
        for p in parts {
            let path = p.dir.join(&name);
            let Ok(t) = std::fs::read_to_string(&path) else {
                continue;
            };
            let mut lines = t.lines();
            let header = lines.next().unwrap_or("");
            if text.is_empty() {
                text.push_str(header);
                text.push('\n');
            }
            for l in lines {
                text.push_str(l);
                text.push('\n');
            }
        }
        out.push((name, text.into_bytes()));
    }
    Ok(out)
}
