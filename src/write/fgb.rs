//! A layer as a FlatGeobuf file: typed columns, the CRS in its header, the
//! features in the order written (no spatial index, which would reorder
//! them by their Hilbert codes).

use super::table::{FieldType, Kind, Table};
use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
use geozero::{ColumnValue, PropertyProcessor};

/// Writes `t` to `path`, its CRS the EPSG code `epsg`.
///
/// ```
/// let t = linli::write::table::from_geojson("gaps", r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"households":3},"geometry":{"type":"Polygon","coordinates":[[[120,30],[120.1,30],[120.1,30.1],[120,30]]]}}]}"#, linli::project::Crs::LonLat).unwrap();
/// let path = std::env::temp_dir().join(format!("linli-doc-{}.fgb", std::process::id()));
/// linli::write::fgb::write(&path, &t, 4326).unwrap();
/// assert!(std::fs::metadata(&path).unwrap().len() > 100);
/// std::fs::remove_file(path).unwrap();
/// ```
pub fn write(path: &std::path::Path, t: &Table, epsg: u32) -> Result<(), String> {
    let e = |e: flatgeobuf::Error| format!("{}: {e}", t.name);
    let geometry_type = match t.kind().filter(|_| !t.mixed()) {
        Some(Kind::Polygon) => GeometryType::MultiPolygon,
        Some(Kind::Line) => GeometryType::MultiLineString,
        Some(Kind::Point) => GeometryType::Point,
        None => GeometryType::Unknown,
    };
    let options = FgbWriterOptions {
        write_index: false,
        crs: FgbCrs {
            code: epsg as i32,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut w = FgbWriter::create_with_options(&t.name, geometry_type, options).map_err(e)?;
    for (n, ty) in &t.fields {
        let c = match ty {
            FieldType::Integer => ColumnType::Long,
            FieldType::Real => ColumnType::Double,
            FieldType::Text => ColumnType::String,
            FieldType::Boolean => ColumnType::Bool,
        };
        w.add_column(n, c, |_, col| col.nullable = true);
    }
    for (g, m) in &t.rows {
        let Some(g) = g else { continue };
        w.add_feature_geom(g.clone(), |f| {
            for (i, (n, ty)) in t.fields.iter().enumerate() {
                if let Some(v) = m.get(n) {
                    put(f, i, n, v, *ty);
                }
            }
        })
        .map_err(|x| format!("{}: {x}", t.name))?;
    }
    let file = std::fs::File::create(path).map_err(|x| x.to_string())?;
    w.write(std::io::BufWriter::new(file)).map_err(e)
}

/// One value of column `i`.
fn put(f: &mut impl PropertyProcessor, i: usize, name: &str, v: &serde_json::Value, ty: FieldType) {
    use serde_json::Value as J;
    let text;
    let value = match (ty, v) {
        (FieldType::Integer, J::Number(n)) => n.as_i64().map(ColumnValue::Long),
        (FieldType::Real, J::Number(n)) => n.as_f64().map(ColumnValue::Double),
        (FieldType::Boolean, J::Bool(b)) => Some(ColumnValue::Bool(*b)),
        (FieldType::Text, J::String(s)) => Some(ColumnValue::String(s)),
        (FieldType::Text, J::Null) | (_, J::Null) => None,
        (_, other) => {
            text = other.to_string();
            Some(ColumnValue::String(&text))
        }
    };
    if let Some(value) = value {
        let _ = f.property(i, name, &value);
    }
}
