//! A layer from an Esri Shapefile: the shapes of the `.shp` (with its
//! `.shx`), the attributes of the `.dbf` in the code page its `.cpg` (or
//! the dBase header) names, GBK included, and the CRS of its `.prj`.
//!
//! dBase field names are case-blind and often written in capitals
//! (`HOUSEHOLDS`): ASCII letters are read in lower case. They hold at most
//! 10 characters, so GIS tools cut longer names: the cut names of the
//! properties linli reads are read as the whole ones (`social_wor` is
//! `social_workers`).

use super::feature::Properties;
use super::foreign::{self, ForeignLayer, Source};
use crate::error::Problem;
use geo::orient::{Direction, Orient};
use geo::{Contains, Coord, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use shapefile::dbase::FieldValue;
use shapefile::{PolygonRing, Shape};

const HINT: &str = "a Shapefile is a .shp with its .shx and .dbf beside it (and .prj for its CRS, .cpg for its text encoding); copy them together";

/// Reads the Shapefile `source`.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("linli-doc-shp-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("roads.shp"), [0u8; 10]).unwrap();
/// let src = linli::read::foreign::Source { path: dir.join("roads.shp"), format: linli::read::foreign::Format::Shapefile, table: None };
/// let e = linli::read::shp::read(&src).unwrap_err();
/// assert!(e[0].to_string().contains("roads.shp"));
/// std::fs::remove_dir_all(dir).unwrap();
/// ```
pub fn read(source: &Source) -> Result<ForeignLayer, Vec<Problem>> {
    let label = source.label();
    let crs = prj(source).map_err(|p| vec![p])?;
    let mut reader =
        shapefile::Reader::from_path(&source.path).map_err(|e| vec![opening(&label, e)])?;
    let (mut features, mut problems) = (Vec::new(), Vec::new());
    for (index, item) in reader.iter_shapes_and_records().enumerate() {
        let (shape, record) = match item {
            Ok(x) => x,
            Err(e) => {
                problems.push(record_problem(source, &label, index, e));
                // A record that cannot be read leaves the rest unreadable.
                break;
            }
        };
        let mut props = Properties::default();
        let mut mangled = false;
        for (name, value) in record {
            if let Some(v) = value_of(value) {
                // A code page read as UTF-8 leaves replacement characters.
                mangled |= v.as_str().is_some_and(|s| s.contains('\u{fffd}'));
                props.insert(whole_name(name.to_ascii_lowercase()), v);
            }
        }
        if mangled {
            problems.push(not_utf8(source, &label, index));
            break;
        }
        match geometry(shape) {
            Some(g) => features.push(foreign::feature(index, &g, props)),
            None => problems.push(Problem::feature(
                &label,
                index,
                None,
                "has no geometry (a null shape) or one linli does not read (a multipatch)",
            )),
        }
    }
    if problems.is_empty() {
        Ok(ForeignLayer { features, crs })
    } else {
        Err(problems)
    }
}

/// The properties linli reads whose names are longer than dBase's 10
/// characters, by the name a GIS tool cuts them to (names whose cut ones
/// would collide, `households_source` with `households`, are left out).
const CUT_NAMES: [(&str, &str); 2] = [
    ("social_wor", "social_workers"),
    ("completene", "completeness"),
];

/// `name`, or the whole name of a property it is the cut name of.
///
/// ```
/// assert_eq!(linli::read::shp::whole_name("social_wor".into()), "social_workers");
/// assert_eq!(linli::read::shp::whole_name("households".into()), "households");
/// ```
pub fn whole_name(name: String) -> String {
    match CUT_NAMES.iter().find(|(cut, _)| *cut == name) {
        Some((_, whole)) => whole.to_string(),
        None => name,
    }
}

/// The CRS of the `.prj` beside the `.shp`, if there is one.
fn prj(source: &Source) -> Result<Option<crate::project::Crs>, Problem> {
    let path = source.path.with_extension("prj");
    let Ok(text) = std::fs::read(&path) else {
        return Ok(None);
    };
    let text = String::from_utf8_lossy(&text);
    crate::project::wkt::crs_from_wkt(&text).map(Some).map_err(|e| {
        Problem::file(path.display().to_string(), e).with_hint(
            "fix or remove the .prj, or give the layer's CRS in scenario.toml ([layers.NAME] crs = \"EPSG:…\")",
        )
    })
}

/// The error of opening the files.
fn opening(label: &str, e: shapefile::Error) -> Problem {
    match e {
        shapefile::Error::MissingDbf => {
            foreign::problem(label, "has no .dbf beside it (its attributes)", HINT)
        }
        shapefile::Error::MissingIndexFile => {
            foreign::problem(label, "has no .shx beside it (its index)", HINT)
        }
        e => foreign::problem(
            label,
            format!("is not a Shapefile linli can read: {e}"),
            HINT,
        ),
    }
}

/// The error of reading record `index`: text in another code page than the
/// one the files name is the usual one.
fn record_problem(source: &Source, label: &str, index: usize, e: shapefile::Error) -> Problem {
    let text = e.to_string();
    if text.to_ascii_lowercase().contains("utf") {
        return not_utf8(source, label, index);
    }
    Problem::feature(label, index, None, format!("cannot be read: {text}")).with_hint(HINT)
}

/// Text that is not UTF-8 where the files say (or leave it to mean) UTF-8.
fn not_utf8(source: &Source, label: &str, index: usize) -> Problem {
    let cpg = source.path.with_extension("cpg");
    let said = std::fs::read_to_string(&cpg)
        .map(|c| format!("its .cpg says {}", c.trim()))
        .unwrap_or_else(|_| "it has no .cpg, so UTF-8 was assumed".into());
    Problem::feature(label, index, None, format!("has attribute text that is not UTF-8 ({said})")).with_hint(format!(
        "a Shapefile written on Chinese Windows is in GBK: put the word GBK in {} (or re-export it as UTF-8)",
        cpg.display()
    ))
}

/// A dBase value as JSON; `None` for an empty one.
fn value_of(v: FieldValue) -> Option<serde_json::Value> {
    match v {
        FieldValue::Character(s) => s.map(|s| s.trim_end().to_string().into()),
        FieldValue::Memo(s) => Some(s.into()),
        FieldValue::Numeric(x) => x.and_then(foreign::number),
        FieldValue::Float(x) => x.and_then(|x| foreign::number(f64::from(x))),
        FieldValue::Double(x) | FieldValue::Currency(x) => foreign::number(x),
        FieldValue::Integer(i) => Some(i.into()),
        FieldValue::Logical(b) => b.map(Into::into),
        FieldValue::Date(d) => {
            d.map(|d| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()).into())
        }
        FieldValue::DateTime(_) => None,
    }
}

/// A shape as a geometry (Z and M dropped); `None` for a null shape or a
/// multipatch.
fn geometry(shape: Shape) -> Option<geo::Geometry<f64>> {
    let c = |x: f64, y: f64| Coord { x, y };
    Some(match shape {
        Shape::Point(p) => Point::new(p.x, p.y).into(),
        Shape::PointM(p) => Point::new(p.x, p.y).into(),
        Shape::PointZ(p) => Point::new(p.x, p.y).into(),
        Shape::Multipoint(m) => {
            MultiPoint(m.points().iter().map(|p| Point::new(p.x, p.y)).collect()).into()
        }
        Shape::MultipointM(m) => {
            MultiPoint(m.points().iter().map(|p| Point::new(p.x, p.y)).collect()).into()
        }
        Shape::MultipointZ(m) => {
            MultiPoint(m.points().iter().map(|p| Point::new(p.x, p.y)).collect()).into()
        }
        Shape::Polyline(l) => lines(
            l.parts()
                .iter()
                .map(|p| p.iter().map(|q| c(q.x, q.y)).collect()),
        ),
        Shape::PolylineM(l) => lines(
            l.parts()
                .iter()
                .map(|p| p.iter().map(|q| c(q.x, q.y)).collect()),
        ),
        Shape::PolylineZ(l) => lines(
            l.parts()
                .iter()
                .map(|p| p.iter().map(|q| c(q.x, q.y)).collect()),
        ),
        Shape::Polygon(p) => polygons(p.rings().iter().map(|r| ring(r, |q| c(q.x, q.y)))),
        Shape::PolygonM(p) => polygons(p.rings().iter().map(|r| ring(r, |q| c(q.x, q.y)))),
        Shape::PolygonZ(p) => polygons(p.rings().iter().map(|r| ring(r, |q| c(q.x, q.y)))),
        Shape::NullShape | Shape::Multipatch(_) => return None,
    })
}

/// A polyline: one line, or several.
fn lines(parts: impl Iterator<Item = Vec<Coord<f64>>>) -> geo::Geometry<f64> {
    let mut ls: Vec<LineString<f64>> = parts.map(LineString).collect();
    if ls.len() == 1 {
        ls.remove(0).into()
    } else {
        MultiLineString(ls).into()
    }
}

/// A ring with whether it is an outer one.
fn ring<P>(r: &PolygonRing<P>, c: impl Fn(&P) -> Coord<f64>) -> (bool, LineString<f64>) {
    match r {
        PolygonRing::Outer(ps) => (true, LineString(ps.iter().map(&c).collect())),
        PolygonRing::Inner(ps) => (false, LineString(ps.iter().map(&c).collect())),
    }
}

/// The rings of a Shapefile polygon as polygons: each hole goes to the
/// outer ring holding it (else, as Esri writes them, to the one before it).
fn polygons(rings: impl Iterator<Item = (bool, LineString<f64>)>) -> geo::Geometry<f64> {
    let mut outers: Vec<(LineString<f64>, Vec<LineString<f64>>)> = Vec::new();
    let mut holes = Vec::new();
    for (outer, r) in rings {
        if outer {
            outers.push((r, Vec::new()));
        } else {
            holes.push((outers.len().saturating_sub(1), r));
        }
    }
    for (before, h) in holes {
        let inside = h.0.first().and_then(|&p| {
            outers
                .iter()
                .position(|(o, _)| Polygon::new(o.clone(), vec![]).contains(&Point::from(p)))
        });
        if let Some(o) = outers.get_mut(inside.unwrap_or(before)) {
            o.1.push(h);
        }
    }
    // Esri draws outer rings clockwise: turned as RFC 7946 draws them, so
    // a layer reads as the GeoJSON it was exported from.
    let mut ps: Vec<Polygon<f64>> = outers
        .into_iter()
        .map(|(o, h)| Polygon::new(o, h).orient(Direction::Default))
        .collect();
    if ps.len() == 1 {
        ps.remove(0).into()
    } else {
        MultiPolygon(ps).into()
    }
}
