//! An OGC GeoPackage (1.3) holding every layer of a plan as a feature table
//! and its CSV tables as attribute tables: the one file a GIS office takes
//! a plan in.
//!
//! Written with SQLite directly (the core tables, GeoPackage WKB
//! geometries with their envelope); every timestamp is fixed, so the same
//! plan gives the same bytes.

use super::table::{FieldType, Kind, Table};
use crate::project::Crs;
use geozero::{CoordDimensions, ToWkb};
use rusqlite::{Connection, params};

/// `last_change` of every table: fixed, for byte-identical outputs.
const CHANGED: &str = "2000-01-01T00:00:00.000Z";

/// Writes `tables` into a new GeoPackage at `path` (replacing none: the
/// caller writes to a temp path), geometries in `crs` (`geographic`: the
/// EPSG code lon/lat stands for, 4326 or 4490).
///
/// ```
/// use linli::write::table::{from_geojson, Table};
/// let t = from_geojson("sites", r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"rank":1},"geometry":{"type":"Point","coordinates":[120,30]}}]}"#, linli::project::Crs::LonLat).unwrap();
/// let path = std::env::temp_dir().join(format!("linli-doc-{}.gpkg", std::process::id()));
/// let _ = std::fs::remove_file(&path);
/// linli::write::gpkg::write(&path, &[t], linli::project::Crs::LonLat, 4326).unwrap();
/// let db = rusqlite::Connection::open(&path).unwrap();
/// let n: i64 = db.query_row("SELECT count(*) FROM sites", [], |r| r.get(0)).unwrap();
/// assert_eq!(n, 1);
/// std::fs::remove_file(path).unwrap();
/// ```
pub fn write(
    path: &std::path::Path,
    tables: &[Table],
    crs: Crs,
    geographic: u32,
) -> Result<(), String> {
    let mut db = Connection::open(path).map_err(|e| e.to_string())?;
    let srs_id = i64::from(match crs {
        Crs::LonLat => geographic,
        Crs::Epsg(c) => c,
    });
    let tx = db.transaction().map_err(|e| e.to_string())?;
    core_tables(&tx, crs, geographic, srs_id)?;
    for t in tables {
        table(&tx, t, srs_id)?;
    }
    tx.commit().map_err(|e| e.to_string())?;
    db.execute_batch("VACUUM").map_err(|e| e.to_string())
}

/// The GeoPackage's own tables and the spatial reference systems.
fn core_tables(db: &Connection, crs: Crs, geographic: u32, srs_id: i64) -> Result<(), String> {
    let e = |e: rusqlite::Error| e.to_string();
    db.execute_batch(
        "PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;
         CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
         CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL, min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
         CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
         INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
         INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');",
    )
    .map_err(e)?;
    let wkt =
        crate::project::wkt::wkt_of(crs, geographic).ok_or_else(|| format!("no WKT for {crs}"))?;
    let name = match crs {
        Crs::LonLat if geographic == 4490 => "China Geodetic Coordinate System 2000".to_string(),
        Crs::LonLat => "WGS 84".to_string(),
        Crs::Epsg(_) => crs.name().unwrap_or_else(|| crs.to_string()),
    };
    db.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, 'EPSG', ?2, ?3, NULL)",
        params![name, srs_id, wkt],
    )
    .map_err(e)?;
    Ok(())
}

/// One layer: a feature table (with its geometry column) or, without
/// geometries, an attribute table.
fn table(db: &Connection, t: &Table, srs_id: i64) -> Result<(), String> {
    let e = |e: rusqlite::Error| format!("{}: {e}", t.name);
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let features = t.kind().is_some();
    let mut cols = vec!["fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL".to_string()];
    if features {
        cols.push("geom BLOB".into());
    }
    for (n, ty) in &t.fields {
        let sql = match ty {
            FieldType::Integer => "INTEGER",
            FieldType::Real => "REAL",
            FieldType::Text => "TEXT",
            FieldType::Boolean => "BOOLEAN",
        };
        cols.push(format!("{} {sql}", q(n)));
    }
    db.execute_batch(&format!(
        "CREATE TABLE {} ({})",
        q(&t.name),
        cols.join(", ")
    ))
    .map_err(e)?;
    let b = t.bounds();
    db.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, last_change, min_x, min_y, max_x, max_y, srs_id) VALUES (?1, ?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            t.name,
            if features { "features" } else { "attributes" },
            CHANGED,
            b.map(|b| b[0]),
            b.map(|b| b[1]),
            b.map(|b| b[2]),
            b.map(|b| b[3]),
            features.then_some(srs_id)
        ],
    )
    .map_err(e)?;
    if features {
        db.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, ?3, 0, 0)",
            params![t.name, geometry_type(t), srs_id],
        )
        .map_err(e)?;
    }
    rows(db, t, features, srs_id).map_err(|x| format!("{}: {x}", t.name))
}

/// The geometry type a layer's column declares.
fn geometry_type(t: &Table) -> &'static str {
    let multi = t.rows.iter().any(|(g, _)| {
        matches!(
            g,
            Some(
                geo::Geometry::MultiPolygon(_)
                    | geo::Geometry::MultiLineString(_)
                    | geo::Geometry::MultiPoint(_)
            )
        )
    });
    if t.mixed() {
        return "GEOMETRY";
    }
    match (t.kind(), multi) {
        (Some(Kind::Polygon), true) => "MULTIPOLYGON",
        (Some(Kind::Polygon), false) => "POLYGON",
        (Some(Kind::Line), true) => "MULTILINESTRING",
        (Some(Kind::Line), false) => "LINESTRING",
        (Some(Kind::Point), true) => "MULTIPOINT",
        (Some(Kind::Point), false) => "POINT",
        (None, _) => "GEOMETRY",
    }
}

/// Every row of `t`.
fn rows(db: &Connection, t: &Table, features: bool, srs_id: i64) -> Result<(), String> {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut names: Vec<String> = Vec::new();
    if features {
        names.push("geom".into());
    }
    names.extend(t.fields.iter().map(|(n, _)| q(n)));
    if names.is_empty() {
        return Ok(());
    }
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        q(&t.name),
        names.join(", "),
        marks.join(", ")
    );
    let mut st = db.prepare(&sql).map_err(|e| e.to_string())?;
    for (g, m) in &t.rows {
        let mut values: Vec<rusqlite::types::Value> = Vec::with_capacity(names.len());
        if features {
            values.push(match g {
                Some(g) => rusqlite::types::Value::Blob(blob(g, srs_id)?),
                None => rusqlite::types::Value::Null,
            });
        }
        for (n, ty) in &t.fields {
            values.push(sql_value(m.get(n), *ty));
        }
        st.execute(rusqlite::params_from_iter(values))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// A JSON value as the SQL value of a field of type `ty`.
fn sql_value(v: Option<&serde_json::Value>, ty: FieldType) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    use serde_json::Value as J;
    match (v, ty) {
        (None | Some(J::Null), _) => V::Null,
        (Some(J::Bool(b)), _) => V::Integer(i64::from(*b)),
        (Some(J::Number(n)), FieldType::Integer) => n.as_i64().map_or(V::Null, V::Integer),
        (Some(J::Number(n)), FieldType::Real) => n.as_f64().map_or(V::Null, V::Real),
        (Some(J::String(s)), _) => V::Text(s.clone()),
        (Some(other), _) => V::Text(other.to_string()),
    }
}

/// A geometry as a GeoPackage blob: the `GP` header with its envelope
/// (little-endian), then standard WKB.
fn blob(g: &geo::Geometry<f64>, srs_id: i64) -> Result<Vec<u8>, String> {
    use geo::BoundingRect;
    let wkb = g.to_wkb(CoordDimensions::xy()).map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(wkb.len() + 40);
    out.extend_from_slice(b"GP");
    out.push(0); // version 1
    match g.bounding_rect() {
        Some(r) => {
            out.push(0b0000_0011); // envelope [minx, maxx, miny, maxy], little-endian
            out.extend_from_slice(&(srs_id as i32).to_le_bytes());
            for v in [r.min().x, r.max().x, r.min().y, r.max().y] {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        None => {
            out.push(0b0001_0001); // empty, no envelope
            out.extend_from_slice(&(srs_id as i32).to_le_bytes());
        }
    }
    out.extend_from_slice(&wkb);
    Ok(out)
}
