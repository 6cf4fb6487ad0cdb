//! Each layer in its own CRS: the CRS a layer declares (a GeoJSON `crs`
//! member, a `.prj`, a GeoPackage's or FlatGeobuf's spatial reference, or
//! `[layers.<name>] crs` in scenario.toml), the scenario's CRS chosen from
//! them, each layer converted into it through the CRS engine, and the
//! user's field names read as linli's.

use super::feature::RawFeature;
use crate::error::Problem;
use crate::project::{Crs, InputTransform};
use geojson::{GeometryValue, Position};

/// The CRS a GeoJSON text declares in its `crs` member (GeoJSON 2008, as
/// GDAL writes it for anything but WGS 84), or `None`; an error text for a
/// member linli cannot read. Only the start of the text is looked at: the
/// member comes before the features.
///
/// ```
/// use linli::project::Crs;
/// use linli::read::layer_crs::crs_member;
/// let t = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}},"features":[]}"#;
/// assert_eq!(crs_member(t), Some(Ok(Crs::Epsg(4549))));
/// assert_eq!(crs_member(r#"{"type":"FeatureCollection","features":[]}"#), None);
/// // Cut within a character, the start is still read.
/// let long = format!("{{\"type\":\"FeatureCollection\",\"name\":\"{}\"", "党".repeat(2000));
/// assert_eq!(crs_member(&long), None);
/// ```
pub fn crs_member(text: &str) -> Option<Result<Crs, String>> {
    let mut end = text.len().min(4096);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let head = head.get(..head.find("\"features\"").unwrap_or(head.len()))?;
    let at = head.find("\"crs\"")?;
    let open = at + head[at..].find('{')?;
    let mut depth = 0;
    let end = head[open..].char_indices().find_map(|(i, c)| {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        (depth == 0).then_some(open + i + 1)
    })?;
    let v: serde_json::Value = match serde_json::from_str(&head[open..end]) {
        Ok(v) => v,
        Err(e) => return Some(Err(format!("has a crs member that is not JSON ({e})"))),
    };
    let name = v["properties"]["name"].as_str().unwrap_or_default();
    Some(crs_of_name(name).ok_or_else(|| format!("has a crs member linli does not know ({name})")))
}

/// `urn:ogc:def:crs:EPSG::4549`, `EPSG:4549`, `urn:ogc:def:crs:OGC:1.3:CRS84`.
fn crs_of_name(name: &str) -> Option<Crs> {
    if name.ends_with("CRS84") || name.ends_with("crs84") {
        return Some(Crs::LonLat);
    }
    let code = name.rsplit(':').next()?.trim();
    format!("EPSG:{code}").parse().ok()
}

/// The scenario's CRS when neither `--crs` nor scenario.toml gives one: the
/// communities' declared CRS, else the buildings', else lon/lat (a GeoJSON
/// layer that declares none is WGS 84 by RFC 7946, so one grid in
/// Gauss-Krüger among lon/lat layers is converted, not the others).
///
/// ```
/// use linli::project::Crs;
/// let declared = [("buildings.geojson".to_string(), Crs::Epsg(4549))].into_iter().collect();
/// assert_eq!(linli::read::layer_crs::scenario_crs(&declared), Crs::Epsg(4549));
/// let grid = [("neighborhoods.geojson".to_string(), Crs::Epsg(4548))].into_iter().collect();
/// assert_eq!(linli::read::layer_crs::scenario_crs(&grid), Crs::LonLat);
/// ```
pub fn scenario_crs(declared: &std::collections::BTreeMap<String, Crs>) -> Crs {
    ["communities.geojson", "buildings.geojson"]
        .iter()
        .find_map(|n| declared.get(*n))
        .copied()
        .unwrap_or(Crs::LonLat)
}

/// Converts every position of `features` from `from` into `to` (lon/lat
/// between the two); the first position that cannot be converted is a
/// problem naming `file` and its feature.
///
/// ```
/// use linli::project::Crs;
/// use linli::read::foreign::feature;
/// let mut fs = vec![feature(0, &geo::Geometry::Point(geo::Point::new(500_000.0, 3_500_000.0)), Default::default())];
/// linli::read::layer_crs::reproject(&mut fs, Crs::Epsg(4549), Crs::LonLat, "b.shp").unwrap();
/// let geojson::GeometryValue::Point { coordinates } = &fs[0].geometry else { panic!() };
/// assert!((coordinates[0] - 120.0).abs() < 1e-9);
/// ```
pub fn reproject(
    features: &mut [RawFeature],
    from: Crs,
    to: Crs,
    file: &str,
) -> Result<(), Problem> {
    let (src, dst) = match (InputTransform::new(&from), InputTransform::new(&to)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            return Err(Problem::file(
                file,
                format!("cannot be converted from {from} to {to}: {e}"),
            ));
        }
    };
    for f in features.iter_mut() {
        let mut failed = None;
        for_each_position_mut(&mut f.geometry, &mut |p| {
            if failed.is_some() || p.len() < 2 {
                return;
            }
            let converted = src
                .to_lonlat(p[0], p[1])
                .and_then(|(lon, lat)| dst.from_lonlat(lon, lat));
            match converted {
                Ok((x, y)) => {
                    p[0] = x;
                    p[1] = y;
                }
                Err(e) => failed = Some(e.to_string()),
            }
        });
        if let Some(e) = failed {
            return Err(Problem::feature(
                file,
                f.index,
                f.id.clone(),
                format!("cannot be converted from {from} to the scenario's {to}: {e}"),
            ));
        }
    }
    Ok(())
}

/// Calls `f` on every position of `g`.
fn for_each_position_mut(g: &mut GeometryValue, f: &mut dyn FnMut(&mut Position)) {
    match g {
        GeometryValue::Point { coordinates } => f(coordinates),
        GeometryValue::MultiPoint { coordinates } | GeometryValue::LineString { coordinates } => {
            coordinates.iter_mut().for_each(f)
        }
        GeometryValue::MultiLineString { coordinates } | GeometryValue::Polygon { coordinates } => {
            coordinates.iter_mut().flatten().for_each(f)
        }
        GeometryValue::MultiPolygon { coordinates } => {
            coordinates.iter_mut().flatten().flatten().for_each(f)
        }
        GeometryValue::GeometryCollection { geometries } => {
            for g in geometries {
                for_each_position_mut(&mut g.value, f);
            }
        }
    }
}

/// Reads the user's field names as linli's: for each (linli's name, the
/// user's name) of `map`, a feature's value under the user's name moves to
/// linli's (the `id` too).
///
/// ```
/// use linli::read::feature::Properties;
/// let mut p = Properties::default();
/// p.insert("户数", serde_json::json!(120));
/// let mut fs = vec![linli::read::foreign::feature(0, &geo::Geometry::Point(geo::Point::new(0.0, 0.0)), p)];
/// linli::read::layer_crs::rename_fields(&mut fs, &[("households".into(), "户数".into())]);
/// assert_eq!(fs[0].properties.get("households"), Some(&serde_json::json!(120)));
/// ```
pub fn rename_fields(features: &mut [RawFeature], map: &[(String, String)]) {
    if map.is_empty() {
        return;
    }
    for f in features.iter_mut() {
        for (ours, theirs) in map {
            let Some(v) = f.properties.remove(theirs) else {
                continue;
            };
            if ours == "id" {
                f.id = match &v {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    _ => f.id.take(),
                };
            }
            f.properties.insert(ours.clone(), v);
        }
    }
}
