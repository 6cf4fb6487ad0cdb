//! A layer from an OGC GeoPackage: one feature table of a SQLite file, its
//! geometries (GeoPackage WKB) and attributes, and its CRS from
//! `gpkg_spatial_ref_sys`.

use super::feature::{Properties, RawFeature};
use super::foreign::{self, ForeignLayer, Source};
use crate::error::Problem;
use crate::project::Crs;
use geozero::ToGeo;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

const HINT: &str =
    "give a GeoPackage as GDAL, QGIS or ArcGIS write it (ogr2ogr -f GPKG out.gpkg in.shp)";

/// Reads the feature table of `source` (its `table`, else the only feature
/// table, else the one named `stem`).
///
/// ```
/// let path = std::env::temp_dir().join(format!("linli-doc-gpkg-{}.gpkg", std::process::id()));
/// std::fs::write(&path, b"not a database").unwrap();
/// let src = linli::read::foreign::Source { path: path.clone(), format: linli::read::foreign::Format::GeoPackage, table: None };
/// let e = linli::read::gpkg::read(&src, "roads").unwrap_err();
/// assert!(e[0].to_string().contains("is not a GeoPackage"));
/// std::fs::remove_file(path).unwrap();
/// ```
pub fn read(source: &Source, stem: &str) -> Result<ForeignLayer, Vec<Problem>> {
    let label = source.label();
    let fail = |what: String| vec![foreign::problem(&label, what, HINT)];
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let db = Connection::open_with_flags(&source.path, flags)
        .map_err(|e| fail(format!("cannot be opened as a GeoPackage: {e}")))?;
    let table = match &source.table {
        Some(t) => t.clone(),
        None => feature_table(&db, stem).map_err(fail)?,
    };
    let (column, srs_id) = geometry_column(&db, &table).map_err(fail)?;
    let crs = srs(&db, srs_id).map_err(fail)?;
    let features = rows(&db, &table, &column, &label)?;
    Ok(ForeignLayer { features, crs })
}

/// The feature tables of the file, in name order; an error when the file
/// is no GeoPackage.
pub fn feature_tables(db: &Connection) -> Result<Vec<String>, String> {
    let mut st = db
        .prepare(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name",
        )
        .map_err(|e| format!("is not a GeoPackage (no gpkg_contents table: {e})"))?;
    st.query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("is not a GeoPackage ({e})"))
}

/// The table to read: the only feature table, or the one named `stem`.
fn feature_table(db: &Connection, stem: &str) -> Result<String, String> {
    let tables = feature_tables(db)?;
    match tables.as_slice() {
        [one] => Ok(one.clone()),
        many => many
            .iter()
            .find(|t| t.eq_ignore_ascii_case(stem))
            .cloned()
            .ok_or_else(|| {
                format!(
                    "holds {} feature tables ({}) and none is named {stem}",
                    many.len(),
                    many.join(", ")
                )
            }),
    }
}

/// The geometry column of `table` and its `srs_id`.
fn geometry_column(db: &Connection, table: &str) -> Result<(String, i64), String> {
    db.query_row(
        "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?1",
        [table],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
    )
    .map_err(|e| format!("has no geometry column for table {table} in gpkg_geometry_columns ({e})"))
}

/// The CRS of `srs_id`: its EPSG code, else its WKT; `None` for the
/// undefined systems (0 and -1).
fn srs(db: &Connection, srs_id: i64) -> Result<Option<Crs>, String> {
    if srs_id <= 0 {
        return Ok(None);
    }
    let (org, code, wkt) = db
        .query_row(
            "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs_id],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)),
        )
        .map_err(|e| format!("has no spatial reference system {srs_id} in gpkg_spatial_ref_sys ({e})"))?;
    if org.eq_ignore_ascii_case("EPSG") {
        return format!("EPSG:{code}")
            .parse()
            .map(Some)
            .map_err(|e| format!("declares EPSG:{code}, which linli cannot use: {e}"));
    }
    crate::project::wkt::crs_from_wkt(&wkt)
        .map(Some)
        .map_err(|e| format!("declares a CRS that {e}"))
}

/// Every row of `table` as a feature, in row order.
fn rows(
    db: &Connection,
    table: &str,
    column: &str,
    label: &str,
) -> Result<Vec<RawFeature>, Vec<Problem>> {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let sql = format!("SELECT * FROM {} ORDER BY rowid", q(table));
    let fail = |e: rusqlite::Error| {
        vec![foreign::problem(
            label,
            format!("cannot be read: {e}"),
            HINT,
        )]
    };
    let mut st = db.prepare(&sql).map_err(fail)?;
    let names: Vec<String> = st.column_names().iter().map(|s| s.to_string()).collect();
    let geom = names.iter().position(|n| n == column);
    let mut rows = st.query([]).map_err(fail)?;
    // SQLite hands rows out one at a time; the geometries are decoded
    // after, on every core (a city's buildings are most of the work).
    let mut read: Vec<(Properties, Option<Vec<u8>>)> = Vec::new();
    while let Some(row) = rows.next().map_err(fail)? {
        let mut props = Properties::with_capacity(names.len());
        let mut blob = None;
        for (i, name) in names.iter().enumerate() {
            match row.get_ref(i).map_err(fail)? {
                ValueRef::Blob(b) if Some(i) == geom => blob = Some(b.to_vec()),
                ValueRef::Integer(v) if name != "fid" => props.insert(name.clone(), v.into()),
                ValueRef::Real(v) => {
                    if let Some(v) = foreign::number(v) {
                        props.insert(name.clone(), v);
                    }
                }
                ValueRef::Text(t) => props.insert(name.clone(), String::from_utf8_lossy(t).into()),
                _ => {}
            }
        }
        read.push((props, blob));
    }
    decode(read, label)
}

/// Each row's feature, its GeoPackage WKB decoded (in parallel); problems
/// in row order.
fn decode(
    read: Vec<(Properties, Option<Vec<u8>>)>,
    label: &str,
) -> Result<Vec<RawFeature>, Vec<Problem>> {
    use rayon::prelude::*;
    let decoded: Vec<Result<RawFeature, Problem>> = read
        .into_par_iter()
        .enumerate()
        .map(
            |(index, (props, blob))| match blob.map(|b| geozero::wkb::GpkgWkb(b).to_geo()) {
                Some(Ok(g)) => Ok(foreign::feature(index, &g, props)),
                Some(Err(e)) => Err(Problem::feature(
                    label,
                    index,
                    None,
                    format!("has a geometry that is not GeoPackage WKB: {e}"),
                )),
                None => Err(Problem::feature(label, index, None, "has no geometry")),
            },
        )
        .collect();
    let (mut out, mut problems) = (Vec::with_capacity(decoded.len()), Vec::new());
    for d in decoded {
        match d {
            Ok(f) => out.push(f),
            Err(p) => problems.push(p),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}
