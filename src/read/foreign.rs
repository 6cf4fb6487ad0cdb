//! Layers given in a GIS format other than GeoJSON (GeoPackage, Shapefile,
//! FlatGeobuf), as the rest of the reader takes them: [`RawFeature`]s in
//! the layer's own CRS, and that CRS when the file says it.
//!
//! What the formats share lives here: where a layer's file is, how a
//! geometry and a row of attributes become a feature, and a problem naming
//! the file.

use super::feature::{Properties, RawFeature};
use crate::error::Problem;
use crate::project::Crs;
use std::path::{Path, PathBuf};

/// A GIS file format linli reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// GeoJSON, when a layer's file is not named after it
    /// (`[layers.water] files = ["rivers.geojson"]`).
    GeoJson,
    /// OGC GeoPackage (`.gpkg`, SQLite).
    GeoPackage,
    /// Esri Shapefile (`.shp` with `.dbf`, `.prj`, `.cpg`).
    Shapefile,
    /// FlatGeobuf (`.fgb`).
    FlatGeobuf,
}

impl Format {
    /// The format of a file extension (lower case, no dot).
    ///
    /// ```
    /// use linli::read::foreign::Format;
    /// assert_eq!(Format::of_extension("gpkg"), Some(Format::GeoPackage));
    /// assert_eq!(Format::of_extension("geojson"), Some(Format::GeoJson));
    /// assert_eq!(Format::of_extension("kml"), None);
    /// ```
    pub fn of_extension(ext: &str) -> Option<Format> {
        match ext {
            "geojson" | "json" => Some(Format::GeoJson),
            "gpkg" => Some(Format::GeoPackage),
            "shp" => Some(Format::Shapefile),
            "fgb" => Some(Format::FlatGeobuf),
            _ => None,
        }
    }

    /// Its usual extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::GeoJson => "geojson",
            Format::GeoPackage => "gpkg",
            Format::Shapefile => "shp",
            Format::FlatGeobuf => "fgb",
        }
    }
}

/// Where a layer given in another format is: its file and, for a
/// GeoPackage holding several layers (`scenario.gpkg`), its table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The file (`.shp` for a Shapefile; its `.dbf`, `.prj` and `.cpg` sit
    /// beside it).
    pub path: PathBuf,
    /// Its format.
    pub format: Format,
    /// The GeoPackage table, when the file holds more than this layer.
    pub table: Option<String>,
}

impl Source {
    /// The name messages give it: the file, and `:table` for one table of
    /// a GeoPackage.
    ///
    /// ```
    /// use linli::read::foreign::{Format, Source};
    /// let s = Source { path: "city/scenario.gpkg".into(), format: Format::GeoPackage, table: Some("roads".into()) };
    /// assert_eq!(s.label(), "city/scenario.gpkg:roads");
    /// ```
    pub fn label(&self) -> String {
        match &self.table {
            Some(t) => format!("{}:{t}", self.path.display()),
            None => self.path.display().to_string(),
        }
    }

    /// The files it is read from, for the manifest's digest: a Shapefile's
    /// sidecars too.
    pub fn files(&self) -> Vec<PathBuf> {
        if self.format != Format::Shapefile {
            return vec![self.path.clone()];
        }
        ["shp", "shx", "dbf", "prj", "cpg"]
            .iter()
            .map(|e| self.path.with_extension(e))
            .filter(|p| p.is_file())
            .collect()
    }
}

/// A layer read from another format: its features, in its own CRS, and
/// that CRS when the file declares one.
#[derive(Debug, Clone, Default)]
pub struct ForeignLayer {
    /// The features, numbered from 0 in file order.
    pub features: Vec<RawFeature>,
    /// The CRS the file declares (`None`: it says nothing).
    pub crs: Option<Crs>,
}

/// Feature `index` of a layer from a geometry and its attributes; the
/// `id` attribute (text or number) is its id.
///
/// ```
/// use linli::read::feature::Properties;
/// let mut p = Properties::default();
/// p.insert("id", serde_json::json!(7));
/// let f = linli::read::foreign::feature(0, &geo::Geometry::Point(geo::Point::new(1.0, 2.0)), p);
/// assert_eq!(f.id.as_deref(), Some("7"));
/// ```
pub fn feature(index: usize, geometry: &geo::Geometry<f64>, properties: Properties) -> RawFeature {
    let id = properties.get("id").and_then(|v| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(match n.as_f64() {
            Some(x) if x.fract() == 0.0 && x.abs() < 9e15 => format!("{}", x as i64),
            _ => n.to_string(),
        }),
        _ => None,
    });
    RawFeature {
        index,
        id,
        geometry: geojson::GeometryValue::from(geometry),
        properties,
    }
}

/// A number as JSON: a whole one as an integer (a dBase or SQLite REAL
/// holding 120 is a count of households), else a float; `None` for NaN.
///
/// ```
/// assert_eq!(linli::read::foreign::number(120.0), Some(serde_json::json!(120)));
/// assert_eq!(linli::read::foreign::number(0.5), Some(serde_json::json!(0.5)));
/// ```
pub fn number(x: f64) -> Option<serde_json::Value> {
    if x.fract() == 0.0 && x.abs() < 9e15 {
        Some(serde_json::json!(x as i64))
    } else {
        serde_json::Number::from_f64(x).map(serde_json::Value::Number)
    }
}

/// A problem with the file `path` (or a table of it).
pub fn problem(label: &str, what: impl Into<String>, hint: &str) -> Problem {
    Problem::file(label.to_string(), what).with_hint(hint)
}

/// The file of layer `stem` in folder `dir` with extension `ext`, if it is
/// there.
pub fn beside(dir: &Path, stem: &str, ext: &str) -> Option<PathBuf> {
    let p = dir.join(format!("{stem}.{ext}"));
    p.is_file().then_some(p)
}
