//! Which file of a scenario folder holds each layer when it is not
//! `<layer>.geojson`: `<layer>.gpkg`, `<layer>.shp` or `<layer>.fgb`, a
//! table named after the layer in `scenario.gpkg` (the whole scenario in
//! one GeoPackage, as a GIS office hands it over), or the files
//! scenario.toml lists for it (`[layers.water] files = ["rivers.shp",
//! "lakes.shp"]`: a Shapefile holds one kind of geometry); and reading
//! them.

use super::foreign::{self, ForeignLayer, Format, Source};
use crate::error::Problem;
use std::collections::BTreeMap;
use std::path::Path;

/// The GeoPackage that may hold every layer, one table each.
pub const SCENARIO_GPKG: &str = "scenario.gpkg";

/// The layers of `dir` not given as `<layer>.geojson`, by the GeoJSON
/// name they stand for (`"roads.geojson"`), for the layer names `layers`
/// (GeoJSON file names); `listed` the files scenario.toml names per layer
/// (`"water"` → `["rivers.shp"]`). A layer given twice is an error naming
/// both files, a listed file that is not there an error naming it.
///
/// ```
/// use std::collections::BTreeMap;
/// let dir = std::env::temp_dir().join(format!("linli-doc-sources-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("roads.fgb"), b"").unwrap();
/// let found = linli::read::sources::find(&dir, &["roads.geojson", "water.geojson"], &BTreeMap::new()).unwrap();
/// assert_eq!(found["roads.geojson"][0].path, dir.join("roads.fgb"));
/// std::fs::write(dir.join("roads.geojson"), b"").unwrap();
/// assert!(linli::read::sources::find(&dir, &["roads.geojson"], &BTreeMap::new()).is_err());
/// std::fs::remove_dir_all(dir).unwrap();
/// ```
pub fn find(
    dir: &Path,
    layers: &[&str],
    listed: &BTreeMap<String, Vec<String>>,
) -> Result<BTreeMap<String, Vec<Source>>, Vec<Problem>> {
    let tables = scenario_tables(dir)?;
    let mut found = BTreeMap::new();
    let mut problems = Vec::new();
    for &name in layers {
        let Some(stem) = name.strip_suffix(".geojson") else {
            continue;
        };
        if let Some(files) = listed.get(stem) {
            match files.iter().map(|f| listed_source(dir, stem, f)).collect() {
                Ok(s) => {
                    found.insert(name.to_string(), s);
                }
                Err(p) => problems.push(p),
            }
            continue;
        }
        let mut given: Vec<Source> = [Format::GeoPackage, Format::Shapefile, Format::FlatGeobuf]
            .into_iter()
            .filter_map(|f| {
                foreign::beside(dir, stem, f.extension()).map(|path| Source {
                    path,
                    format: f,
                    table: None,
                })
            })
            .collect();
        if let Some(t) = tables.iter().find(|t| t.eq_ignore_ascii_case(stem)) {
            given.push(Source {
                path: dir.join(SCENARIO_GPKG),
                format: Format::GeoPackage,
                table: Some(t.clone()),
            });
        }
        let geojson = dir.join(name);
        let mut labels: Vec<String> = given.iter().map(Source::label).collect();
        if geojson.exists() {
            labels.insert(0, geojson.display().to_string());
        }
        if labels.len() > 1 {
            problems.push(
                Problem::file(
                    labels[0].clone(),
                    format!("and {} all give the {stem} layer", labels[1..].join(", ")),
                )
                .with_hint("keep one file per layer"),
            );
        } else if let Some(s) = given.pop() {
            found.insert(name.to_string(), vec![s]);
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

/// A file scenario.toml lists for layer `stem`: in `dir`, of a known
/// extension, there; `file.gpkg:table` for one table.
fn listed_source(dir: &Path, stem: &str, file: &str) -> Result<Source, Problem> {
    let (name, table) = match file.rsplit_once(".gpkg:") {
        Some((n, t)) => (format!("{n}.gpkg"), Some(t.to_string())),
        None => (file.to_string(), None),
    };
    let path = dir.join(&name);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let problem = |what: String| {
        Problem::file(path.display().to_string(), what)
            .with_hint(format!("scenario.toml lists it in [layers.{stem}] files"))
    };
    let format = Format::of_extension(&ext).ok_or_else(|| {
        problem("is not a format linli reads (.geojson, .gpkg, .shp, .fgb)".to_string())
    })?;
    if !path.is_file() {
        return Err(problem("does not exist".to_string()));
    }
    Ok(Source {
        path,
        format,
        table,
    })
}

/// The file names scenario.toml (its text) lists per layer, read before
/// the settings themselves (whose problems are reported with them).
pub fn listed_in(toml_text: Option<&str>) -> BTreeMap<String, Vec<String>> {
    let Some(v) = toml_text.and_then(|t| t.parse::<toml::Table>().ok()) else {
        return BTreeMap::new();
    };
    let Some(layers) = v.get("layers").and_then(|l| l.as_table()) else {
        return BTreeMap::new();
    };
    layers
        .iter()
        .filter_map(|(name, l)| {
            let files = l.get("files")?.as_array()?;
            let files: Vec<String> = files
                .iter()
                .filter_map(|f| f.as_str().map(String::from))
                .collect();
            Some((name.clone(), files))
        })
        .collect()
}

/// The feature tables of `scenario.gpkg`, when there is one.
fn scenario_tables(dir: &Path) -> Result<Vec<String>, Vec<Problem>> {
    let path = dir.join(SCENARIO_GPKG);
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let flags =
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    rusqlite::Connection::open_with_flags(&path, flags)
        .map_err(|e| e.to_string())
        .and_then(|db| super::gpkg::feature_tables(&db))
        .map_err(|e| {
            vec![Problem::file(path.display().to_string(), e).with_hint(
                "give a GeoPackage as GDAL, QGIS or ArcGIS write it, one table per layer (communities, buildings, roads, …)",
            )]
        })
}

/// Reads the layer `name` (`"roads.geojson"`) from `source`, each
/// property the reader looks at kept (`keep`; all when `None`). Its size
/// was checked when it was found.
pub fn read(
    source: &Source,
    name: &str,
    keep: super::lean::Keep,
) -> Result<ForeignLayer, Vec<Problem>> {
    let stem = name.strip_suffix(".geojson").unwrap_or(name);
    match source.format {
        Format::GeoJson => geojson(source, keep),
        Format::GeoPackage => super::gpkg::read(source, stem),
        Format::Shapefile => super::shp::read(source),
        Format::FlatGeobuf => super::fgb::read(source),
    }
}

/// A GeoJSON file listed under another name.
fn geojson(source: &Source, keep: super::lean::Keep) -> Result<ForeignLayer, Vec<Problem>> {
    let label = source.label();
    let text = super::text::Text::read_capped(&source.path, u64::MAX)
        .map_err(|e| vec![Problem::file(label.clone(), e.to_string())])?;
    let features = super::layer::parse_layer_keeping(&label, &text, keep)?;
    let crs = match super::layer_crs::crs_member(&text) {
        Some(Ok(c)) => Some(c),
        Some(Err(e)) => return Err(vec![Problem::file(label, e)]),
        None => None,
    };
    Ok(ForeignLayer { features, crs })
}
