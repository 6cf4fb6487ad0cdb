//! A folder's layers in the GIS format and CRS asked for (`--format`,
//! `--out-crs`): every command writes its layers as RFC 7946 GeoJSON (the
//! report draws them), then they are converted here.
//!
//! - `gpkg`: one `plan.gpkg` with every layer and the CSV tables
//!   (staffing, block adjacency) as attribute tables;
//! - `shp`: a Shapefile per layer, with `shapefile_fields.csv` listing the
//!   dBase names of the fields whose names are longer than 10 characters;
//! - `fgb`: a FlatGeobuf file per layer;
//! - `geojson` in another CRS: each layer rewritten in it, with a `crs`
//!   member as GDAL reads it.
//!
//! The GeoJSON layers are then removed (report.html carries its own copy).

use super::table::{self, Table};
use crate::config::{Output, OutputFormat};
use crate::error::Error;
use crate::project::Crs;
use std::path::{Path, PathBuf};

/// The GeoJSON layers of `dir` linli wrote, in name order.
fn layers(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "geojson")
                && p.file_name().is_some_and(|n| {
                    super::folder::OUTPUT_NAMES.contains(&n.to_string_lossy().as_ref())
                })
        })
        .collect();
    out.sort();
    Ok(out)
}

/// Converts the layers of `dir` as `output` asks; returns the files
/// written and the GeoJSON files removed.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("linli-doc-export-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("sites.geojson"), r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"rank":1},"geometry":{"type":"Point","coordinates":[120,30]}}]}"#).unwrap();
/// let out = linli::config::Output { format: linli::config::OutputFormat::GeoPackage, crs: Some(4549), ..Default::default() };
/// let (written, removed) = linli::write::export::export(&dir, &out).unwrap();
/// assert_eq!(written, vec![dir.join("plan.gpkg")]);
/// assert_eq!(removed, vec![dir.join("sites.geojson")]);
/// std::fs::remove_dir_all(dir).unwrap();
/// ```
pub fn export(dir: &Path, output: &Output) -> Result<(Vec<PathBuf>, Vec<PathBuf>), Error> {
    if output.is_geojson_wgs84() {
        return Ok((Vec::new(), Vec::new()));
    }
    let (crs, geographic) = crs_of(output);
    let paths = layers(dir)?;
    let tables: Vec<Table> = paths
        .iter()
        .map(|p| table::read(p, crs))
        .collect::<Result<_, _>>()?;
    let failed = |p: &Path| {
        let p = p.to_path_buf();
        move |e: String| Error::io(p, std::io::Error::other(e))
    };
    let code = match crs {
        Crs::LonLat => geographic,
        Crs::Epsg(c) => c,
    };
    let prj = crate::project::wkt::wkt_of(crs, geographic).unwrap_or_default();
    let mut written = Vec::new();
    match output.format {
        OutputFormat::GeoPackage => {
            let path = dir.join("plan.gpkg");
            let temp = dir.join(".plan.gpkg.tmp");
            let _ = std::fs::remove_file(&temp);
            let mut all = tables;
            all.extend(csv_tables(dir)?);
            super::gpkg::write(&temp, &all, crs, geographic).map_err(failed(&path))?;
            std::fs::rename(&temp, &path).map_err(|e| Error::io(&path, e))?;
            written.push(path);
        }
        OutputFormat::Shapefile => {
            for t in &tables {
                super::shp::write(dir, t, &prj).map_err(failed(&dir.join(&t.name)))?;
                for ext in ["shp", "shx", "dbf", "cpg", "prj"] {
                    written.push(dir.join(format!("{}.{ext}", t.name)));
                }
            }
            let path = dir.join("shapefile_fields.csv");
            super::write_atomic(&path, shapefile_fields(&tables).as_bytes())?;
            written.push(path);
        }
        OutputFormat::FlatGeobuf => {
            for t in &tables {
                let path = dir.join(format!("{}.fgb", t.name));
                super::fgb::write(&path, t, code).map_err(failed(&path))?;
                written.push(path);
            }
        }
        OutputFormat::GeoJson => {
            for (t, p) in tables.iter().zip(&paths) {
                super::write_atomic(p, geojson_in(t, code).as_bytes())?;
            }
            return Ok((paths, Vec::new()));
        }
    }
    for p in &paths {
        std::fs::remove_file(p).map_err(|e| Error::io(p, e))?;
    }
    Ok((written, paths))
}

/// The CRS to write in and the EPSG code lon/lat stands for.
fn crs_of(output: &Output) -> (Crs, u32) {
    match output.crs {
        None | Some(4326) => (Crs::LonLat, 4326),
        Some(4490) => (Crs::LonLat, 4490),
        Some(c) => (Crs::Epsg(c), 4326),
    }
}

/// The CSV tables of `dir` linli wrote, as attribute tables.
fn csv_tables(dir: &Path) -> Result<Vec<Table>, Error> {
    let mut out = Vec::new();
    for name in ["block_adjacency", "staffing"] {
        let path = dir.join(format!("{name}.csv"));
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        out.push(
            table::from_csv(name, &text).map_err(|e| Error::io(&path, std::io::Error::other(e)))?,
        );
    }
    Ok(out)
}

/// `layer,field,shapefile_field` for every field whose dBase name differs.
fn shapefile_fields(tables: &[Table]) -> String {
    let mut s = String::from("layer,field,shapefile_field\n");
    for t in tables {
        for ((n, _), short) in t.fields.iter().zip(super::shp::field_names(&t.fields)) {
            if *n != short {
                s.push_str(&format!("{},{n},{short}\n", t.name));
            }
        }
    }
    s
}

/// A layer as GeoJSON in the CRS `code`, with its `crs` member.
fn geojson_in(t: &Table, code: u32) -> String {
    let features: Vec<geojson::Feature> = t
        .rows
        .iter()
        .map(|(g, m)| geojson::Feature {
            geometry: g
                .as_ref()
                .map(|g| geojson::Geometry::new(geojson::GeometryValue::from(g))),
            properties: Some(m.clone()),
            ..Default::default()
        })
        .collect();
    let mut crs = serde_json::Map::new();
    crs.insert(
        "crs".into(),
        serde_json::json!({"type": "name", "properties": {"name": format!("urn:ogc:def:crs:EPSG::{code}")}}),
    );
    let fc = geojson::FeatureCollection {
        bbox: None,
        features,
        foreign_members: Some(crs),
    };
    let mut text = fc.to_string();
    text.push('\n');
    text
}
