//! A written layer as the GIS formats take it: its features' geometries
//! in the output CRS, and a schema of typed fields, one type per field
//! whatever the features hold (numbers stay numbers, ids stay text).

use crate::error::Error;
use crate::project::{Crs, InputTransform};
use serde_json::{Map, Value};
use std::path::Path;

/// The type of a field, as every format has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Whole numbers.
    Integer,
    /// Other numbers.
    Real,
    /// Text.
    Text,
    /// True or false.
    Boolean,
}

/// A feature: its geometry (`None` in a table without geometries) and its
/// values.
pub type Row = (Option<geo::Geometry<f64>>, Map<String, Value>);

/// A layer: name, fields in order, features.
#[derive(Debug, Clone)]
pub struct Table {
    /// The layer's name (the GeoJSON file's stem, `neighborhoods`).
    pub name: String,
    /// Each field and its type, in name order.
    pub fields: Vec<(String, FieldType)>,
    /// Each feature: its geometry (`None` for a table without geometry)
    /// and its values.
    pub rows: Vec<Row>,
    /// The kind of geometry (`None`: a table without geometries).
    pub geometry: Option<Kind>,
}

impl Table {
    /// The bounding box of the geometries: (min x, min y, max x, max y).
    pub fn bounds(&self) -> Option<[f64; 4]> {
        use geo::BoundingRect;
        self.rows
            .iter()
            .filter_map(|(g, _)| g.as_ref()?.bounding_rect())
            .fold(None, |acc: Option<[f64; 4]>, r| {
                let (a, b) = (r.min(), r.max());
                Some(match acc {
                    None => [a.x, a.y, b.x, b.y],
                    Some(m) => [m[0].min(a.x), m[1].min(a.y), m[2].max(b.x), m[3].max(b.y)],
                })
            })
    }

    /// The kind of geometry, as a format with one geometry type per layer
    /// must declare it; `None` for a table without geometries.
    pub fn kind(&self) -> Option<Kind> {
        self.geometry
    }

    /// Whether a geometry is of another kind than [`Table::kind`] (a group
    /// of buildings without footprints among footprints).
    pub fn mixed(&self) -> bool {
        self.rows
            .iter()
            .filter_map(|(g, _)| g.as_ref())
            .any(|g| Some(kind_of_geometry(g)) != self.geometry)
    }
}

/// The kind of one geometry.
fn kind_of_geometry(g: &geo::Geometry<f64>) -> Kind {
    match g {
        geo::Geometry::Polygon(_) | geo::Geometry::MultiPolygon(_) => Kind::Polygon,
        geo::Geometry::LineString(_) | geo::Geometry::MultiLineString(_) => Kind::Line,
        _ => Kind::Point,
    }
}

/// The kind of the first geometry of `rows`, else the kind layer `name`
/// holds (an empty layer still has one: sites and coverage points, the
/// rest polygons).
fn kind_of(name: &str, rows: &[Row]) -> Kind {
    let first = rows
        .iter()
        .find_map(|(g, _)| g.as_ref().map(kind_of_geometry));
    first.unwrap_or(if matches!(name, "coverage" | "sites") {
        Kind::Point
    } else {
        Kind::Polygon
    })
}

/// The geometry kind of a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Points.
    Point,
    /// Lines.
    Line,
    /// Polygons.
    Polygon,
}

/// The type a field holds: the widest of its values' (integers and reals
/// are reals; anything with text is text); `None` when no value is set.
fn field_type(values: impl Iterator<Item = Option<FieldType>>) -> Option<FieldType> {
    values.flatten().reduce(|a, b| match (a, b) {
        (x, y) if x == y => x,
        (FieldType::Integer, FieldType::Real) | (FieldType::Real, FieldType::Integer) => {
            FieldType::Real
        }
        _ => FieldType::Text,
    })
}

/// The type of one value; `None` for null.
fn value_type(v: &Value) -> Option<FieldType> {
    match v {
        Value::Null => None,
        Value::Bool(_) => Some(FieldType::Boolean),
        Value::Number(n) if n.is_f64() => Some(FieldType::Real),
        Value::Number(_) => Some(FieldType::Integer),
        _ => Some(FieldType::Text),
    }
}

/// The schema of rows: every field any row sets, with its type.
pub fn schema(rows: &[Row]) -> Vec<(String, FieldType)> {
    let mut names: Vec<&String> = rows.iter().flat_map(|(_, m)| m.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter_map(|n| {
            let t = field_type(rows.iter().map(|(_, m)| m.get(n).and_then(value_type)))?;
            Some((n.clone(), t))
        })
        .collect()
}

/// A GeoJSON layer linli wrote (lon/lat), read back with its geometries
/// in `crs`.
///
/// ```
/// let text = r#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","properties":{"id":"a","households":300,"share":0.5},"geometry":{"type":"Point","coordinates":[120.0,30.0]}}]}"#;
/// let t = linli::write::table::from_geojson("neighborhoods", text, linli::project::Crs::Epsg(4549)).unwrap();
/// assert_eq!(t.fields.len(), 3);
/// let Some(geo::Geometry::Point(p)) = &t.rows[0].0 else { panic!() };
/// assert!((p.x() - 500_000.0).abs() < 1e-6);
/// ```
pub fn from_geojson(name: &str, text: &str, crs: Crs) -> Result<Table, String> {
    let fc: geojson::FeatureCollection = text.parse().map_err(|e| format!("{e}"))?;
    let to = InputTransform::new(&crs).map_err(|e| e.to_string())?;
    let mut rows = Vec::with_capacity(fc.features.len());
    for f in fc.features {
        let g = match f.geometry {
            Some(g) => {
                let mut g = geo::Geometry::<f64>::try_from(g).map_err(|e| e.to_string())?;
                if !to.is_lonlat() {
                    project(&mut g, &to)?;
                }
                Some(g)
            }
            None => None,
        };
        rows.push((g, f.properties.unwrap_or_default()));
    }
    Ok(Table {
        name: name.to_string(),
        fields: schema(&rows),
        geometry: Some(kind_of(name, &rows)),
        rows,
    })
}

/// Every position of `g` from lon/lat into `to`'s CRS.
fn project(g: &mut geo::Geometry<f64>, to: &InputTransform) -> Result<(), String> {
    use geo::MapCoordsInPlace;
    let failed = std::cell::RefCell::new(None);
    g.map_coords_in_place(|c| match to.from_lonlat(c.x, c.y) {
        Ok((x, y)) => geo::Coord { x, y },
        Err(e) => {
            failed.borrow_mut().get_or_insert(e.to_string());
            c
        }
    });
    failed.into_inner().map_or(Ok(()), Err)
}

/// A CSV file linli wrote (a header line, then records), as a table
/// without geometry: numbers that read as numbers are numbers.
pub fn from_csv(name: &str, text: &str) -> Result<Table, String> {
    let records =
        crate::read::csv::records(text).map_err(|e| format!("line {}: {}", e.line, e.what))?;
    let mut it = records.into_iter().map(|r| r.fields);
    let header = it.next().unwrap_or_default();
    let rows: Vec<_> = it
        .map(|r| {
            let m: Map<String, Value> = header
                .iter()
                .zip(r)
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| {
                    let value = match (v.parse::<i64>(), v.parse::<f64>()) {
                        (Ok(i), _) => Value::from(i),
                        (_, Ok(x)) if x.is_finite() => Value::from(x),
                        _ => Value::from(v),
                    };
                    (k.clone(), value)
                })
                .collect();
            (None, m)
        })
        .collect();
    Ok(Table {
        name: name.to_string(),
        fields: schema(&rows),
        rows,
        geometry: None,
    })
}

/// The layer of GeoJSON file `path`, as [`from_geojson`] reads it.
pub fn read(path: &Path, crs: Crs) -> Result<Table, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    from_geojson(&name, &text, crs).map_err(|e| {
        Error::io(
            path,
            std::io::Error::other(format!("cannot be converted: {e}")),
        )
    })
}
