//! A layer as an Esri Shapefile: `.shp`, `.shx`, `.dbf` (UTF-8, with its
//! `.cpg`) and `.prj`.
//!
//! dBase field names hold 10 characters: longer names are shortened by one
//! fixed rule ([`short_name`]), the same for every plan, and
//! `shapefile_fields.csv` lists each shortened name beside the whole one.
//! Lists are already text (see `write::geojson::list`), so they survive.

use super::table::{FieldType, Kind, Table};
use shapefile::dbase::{FieldName, FieldValue, Record, TableWriterBuilder};
use shapefile::{Point, Polygon, PolygonRing, Polyline};

/// Words shortened, in this order, until a name fits.
const WORDS: [(&str, &str); 24] = [
    ("households", "hh"),
    ("household", "hh"),
    ("neighborhoods", "nbhds"),
    ("neighborhood", "nbhd"),
    ("communities", "comms"),
    ("community", "comm"),
    ("buildings", "bldgs"),
    ("building", "bldg"),
    ("residential", "res"),
    ("estimated", "est"),
    ("deviation", "dev"),
    ("perimeter", "perim"),
    ("polsby", "pols"),
    ("popper", "pop"),
    ("barrier", "bar"),
    ("border", "bdr"),
    ("landmark", "lmk"),
    ("declared", "decl"),
    ("crossed", "xed"),
    ("centre", "ctr"),
    ("kindergarten", "kinder"),
    ("elderly", "eld"),
    ("office", "off"),
    ("threshold", "thr"),
];

/// A field name in at most 10 characters: as it is when it fits, else
/// with its words shortened ([`WORDS`]), else without underscores, else cut.
///
/// ```
/// use linli::write::shp::short_name;
/// assert_eq!(short_name("households"), "households");
/// assert_eq!(short_name("estimated_households"), "est_hh");
/// assert_eq!(short_name("residential_buildings"), "res_bldgs");
/// assert_eq!(short_name("community_centre_min"), "commctrmin");
/// ```
pub fn short_name(name: &str) -> String {
    if name.len() <= 10 {
        return name.to_string();
    }
    let words: Vec<&str> = name
        .split('_')
        .map(|w| WORDS.iter().find(|(l, _)| *l == w).map_or(w, |(_, s)| s))
        .collect();
    let joined = words.join("_");
    if joined.len() <= 10 {
        return joined;
    }
    let tight: String = words.concat();
    tight.chars().take(10).collect()
}

/// The Shapefile names of a layer's fields: [`short_name`], made unique
/// within the layer by a closing digit.
pub fn field_names(fields: &[(String, FieldType)]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(fields.len());
    for (n, _) in fields {
        let mut s = short_name(n);
        let mut k = 1;
        while out.contains(&s) {
            let base: String = short_name(n).chars().take(9).collect();
            s = format!("{base}{k}");
            k += 1;
        }
        out.push(s);
    }
    out
}

/// Writes `t` as `<dir>/<name>.shp` with its `.shx`, `.dbf`, `.cpg` and
/// `.prj` (`prj`: the CRS's WKT).
///
/// ```
/// let t = linli::write::table::from_geojson("sites", r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"gain_households":12},"geometry":{"type":"Point","coordinates":[120,30]}}]}"#, linli::project::Crs::LonLat).unwrap();
/// let dir = std::env::temp_dir().join(format!("linli-doc-shp-out-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// linli::write::shp::write(&dir, &t, "GEOGCS[\"WGS 84\"]").unwrap();
/// let mut r = shapefile::Reader::from_path(dir.join("sites.shp")).unwrap();
/// assert_eq!(r.iter_shapes_and_records().count(), 1);
/// std::fs::remove_dir_all(dir).unwrap();
/// ```
pub fn write(dir: &std::path::Path, t: &Table, prj: &str) -> Result<(), String> {
    let path = dir.join(format!("{}.shp", t.name));
    let names = field_names(&t.fields);
    let mut builder = TableWriterBuilder::new();
    for ((n, ty), short) in t.fields.iter().zip(&names) {
        let fname = FieldName::try_from(short.as_str()).map_err(|e| format!("{n}: {e}"))?;
        builder = match ty {
            FieldType::Integer => builder.add_numeric_field(fname, 18, 0),
            FieldType::Real => builder.add_numeric_field(fname, 24, 12),
            FieldType::Boolean => builder.add_logical_field(fname),
            FieldType::Text => builder.add_character_field(fname, text_width(t, n)),
        };
    }
    let mut w = shapefile::Writer::from_path(&path, builder).map_err(|e| e.to_string())?;
    let kind = t.kind().unwrap_or(Kind::Polygon);
    // A Shapefile holds one kind of geometry: the others are left out.
    let fits = |g: &geo::Geometry<f64>| match kind {
        Kind::Polygon => matches!(
            g,
            geo::Geometry::Polygon(_) | geo::Geometry::MultiPolygon(_)
        ),
        Kind::Line => matches!(
            g,
            geo::Geometry::LineString(_) | geo::Geometry::MultiLineString(_)
        ),
        Kind::Point => matches!(g, geo::Geometry::Point(_)),
    };
    for (g, m) in t.rows.iter().filter(|(g, _)| g.as_ref().is_some_and(fits)) {
        let mut rec = Record::default();
        for ((n, ty), short) in t.fields.iter().zip(&names) {
            rec.insert(short.clone(), field_value(m.get(n), *ty));
        }
        let res = match (kind, g) {
            (Kind::Polygon, Some(g)) => w.write_shape_and_record(&polygon(g), &rec),
            (Kind::Line, Some(g)) => w.write_shape_and_record(&polyline(g), &rec),
            (Kind::Point, Some(g)) => w.write_shape_and_record(&point(g), &rec),
            (_, None) => continue,
        };
        res.map_err(|e| e.to_string())?;
    }
    // The files are completed (headers, index) when the writer drops.
    drop(w);
    let io = |e: std::io::Error| e.to_string();
    std::fs::write(path.with_extension("cpg"), "UTF-8").map_err(io)?;
    std::fs::write(path.with_extension("prj"), prj).map_err(io)
}

/// The bytes a text field needs (UTF-8: a Chinese character is 3), within
/// dBase's 254.
fn text_width(t: &Table, name: &str) -> u8 {
    let widest = t
        .rows
        .iter()
        .filter_map(|(_, m)| m.get(name))
        .map(|v| v.as_str().map_or_else(|| v.to_string().len(), str::len))
        .max()
        .unwrap_or(1);
    widest.clamp(1, 254) as u8
}

/// A JSON value as a dBase value of a field of type `ty`.
fn field_value(v: Option<&serde_json::Value>, ty: FieldType) -> FieldValue {
    use serde_json::Value as J;
    match ty {
        FieldType::Integer | FieldType::Real => FieldValue::Numeric(v.and_then(J::as_f64)),
        FieldType::Boolean => FieldValue::Logical(v.and_then(J::as_bool)),
        FieldType::Text => FieldValue::Character(v.filter(|v| !v.is_null()).map(|v| match v {
            J::String(s) => s.clone(),
            other => other.to_string(),
        })),
    }
}

fn polygon(g: &geo::Geometry<f64>) -> Polygon {
    let ring =
        |r: &geo::LineString<f64>| r.0.iter().map(|c| Point::new(c.x, c.y)).collect::<Vec<_>>();
    let polys: Vec<&geo::Polygon<f64>> = match g {
        geo::Geometry::Polygon(p) => vec![p],
        geo::Geometry::MultiPolygon(m) => m.0.iter().collect(),
        _ => Vec::new(),
    };
    let mut rings = Vec::new();
    for p in polys {
        rings.push(PolygonRing::Outer(ring(p.exterior())));
        rings.extend(p.interiors().iter().map(|h| PolygonRing::Inner(ring(h))));
    }
    Polygon::with_rings(rings)
}

fn polyline(g: &geo::Geometry<f64>) -> Polyline {
    let part =
        |l: &geo::LineString<f64>| l.0.iter().map(|c| Point::new(c.x, c.y)).collect::<Vec<_>>();
    match g {
        geo::Geometry::LineString(l) => Polyline::new(part(l)),
        geo::Geometry::MultiLineString(m) => Polyline::with_parts(m.0.iter().map(part).collect()),
        _ => Polyline::new(Vec::new()),
    }
}

fn point(g: &geo::Geometry<f64>) -> Point {
    match g {
        geo::Geometry::Point(p) => Point::new(p.x(), p.y()),
        _ => Point::new(f64::NAN, f64::NAN),
    }
}
