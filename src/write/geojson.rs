//! RFC 7946 GeoJSON from metric geometries: lon/lat, exterior rings
//! counter-clockwise, holes clockwise, deterministic bytes.
//!
//! Points and lines are written with 7 decimals (1 cm). Polygons are written
//! with every digit of their lon/lat (the shortest text that reads back as
//! the same number), and their community-border vertices as the input gives
//! them ([`Projector::border_lonlat`]): rounding would move shared vertices
//! off the borders they lie on and could fold thin rings over themselves,
//! and planners' tools check that neighborhoods tile their community
//! exactly and are valid.

use crate::project::Projector;
use geo::{Coord, LineString, MultiPolygon, Point, Polygon};
use serde_json::{Map, Value};
use std::fmt::Write;

/// A geometry on the metric plane, to be written as lon/lat.
#[derive(Debug, Clone)]
pub enum OutGeometry {
    /// A point.
    Point(Point<f64>),
    /// A line.
    LineString(LineString<f64>),
    /// A polygon.
    Polygon(Polygon<f64>),
    /// A multipolygon.
    MultiPolygon(MultiPolygon<f64>),
    /// Several points (buildings without a footprint).
    MultiPoint(geo::MultiPoint<f64>),
}

/// Builds the text of a FeatureCollection, one feature per line.
///
/// ```
/// use geo::point;
/// use linli::project::{Crs, Projector};
/// use linli::write::geojson::{feature_collection, OutGeometry};
/// let proj = Projector::new(&Crs::LonLat, 120.9, 32.0).unwrap();
/// let mut props = serde_json::Map::new();
/// props.insert("id".into(), "a".into());
/// let text = feature_collection(&proj, vec![(OutGeometry::Point(point!(x: 0.0, y: 0.0)), props)]);
/// assert!(text.contains("[120.9,32]"));
/// ```
pub fn feature_collection(
    projector: &Projector,
    features: impl IntoIterator<Item = (OutGeometry, Map<String, Value>)>,
) -> String {
    collection(projector, features, Polygons::Exact)
}

/// [`feature_collection`] for a scenario layer that linli writes for a
/// planner to edit (an OSM import, a generated district): every position
/// with 7 decimals, as such layers usually come.
///
/// ```
/// use geo::polygon;
/// use linli::project::{Crs, Projector};
/// use linli::write::geojson::{scenario_layer, OutGeometry};
/// let proj = Projector::new(&Crs::LonLat, 120.9, 32.0).unwrap();
/// let square = polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)];
/// let text = scenario_layer(&proj, vec![(OutGeometry::Polygon(square), Default::default())]);
/// assert!(text.contains("[120.9001058,32]"));
/// ```
pub fn scenario_layer(
    projector: &Projector,
    features: impl IntoIterator<Item = (OutGeometry, Map<String, Value>)>,
) -> String {
    collection(projector, features, Polygons::Rounded)
}

/// A list property (flags, ids) as GIS tools read it: one string, the items
/// joined by commas, empty when there are none. GDAL reads a JSON array of
/// strings as a string list but an empty one as JSON text, so an array
/// would change type from one plan to the next; and Shapefile and
/// GeoPackage hold strings, not lists.
///
/// ```
/// use linli::write::geojson::list;
/// assert_eq!(list(["above_band", "few_buildings"]), "above_band,few_buildings");
/// assert_eq!(list(Vec::<String>::new()), "");
/// ```
pub fn list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
    let items: Vec<S> = items.into_iter().collect();
    let parts: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    Value::String(parts.join(","))
}

/// The GeoJSON text of one geometry in lon/lat, as [`feature_collection`]
/// writes it (polygons with every digit, community borders as given): for
/// a layer assembled from geometries of several sources.
///
/// ```
/// use geo::point;
/// use linli::project::{Crs, Projector};
/// use linli::write::geojson::{geometry_text, OutGeometry};
/// let proj = Projector::new(&Crs::LonLat, 120.9, 32.0).unwrap();
/// let text = geometry_text(&proj, &OutGeometry::Point(point!(x: 0.0, y: 0.0)));
/// assert_eq!(text, r#"{"type":"Point","coordinates":[120.9,32]}"#);
/// ```
pub fn geometry_text(projector: &Projector, g: &OutGeometry) -> String {
    let mut s = String::new();
    geometry(&mut s, projector, g, Polygons::Exact);
    s
}

/// How polygon positions are written.
#[derive(Clone, Copy, PartialEq)]
enum Polygons {
    /// Every digit, community borders as given.
    Exact,
    /// 7 decimals.
    Rounded,
}

fn collection(
    projector: &Projector,
    features: impl IntoIterator<Item = (OutGeometry, Map<String, Value>)>,
    polygons: Polygons,
) -> String {
    let mut s = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    let mut first = true;
    for (g, mut props) in features {
        if !first {
            s.push_str(",\n");
        }
        first = false;
        // A property without a value is left out (GIS tools read it as
        // NULL either way): a column null in every feature of one plan
        // would be read by GDAL as a string, and as a number in the next.
        props.retain(|_, v| !v.is_null());
        s.push_str("{\"type\":\"Feature\",\"properties\":");
        s.push_str(&serde_json::to_string(&Value::Object(props)).expect("JSON values serialize"));
        s.push_str(",\"geometry\":");
        geometry(&mut s, projector, &g, polygons);
        s.push('}');
    }
    s.push_str("\n]}\n");
    s
}

/// A coordinate already rounded to 7 decimals, printed with at most 7
/// decimals, trailing zeros dropped and no negative zero: the same bytes as
/// `format!("{v:.7}")` trimmed, by integer arithmetic (float formatting was
/// a tenth of writing a large layer; zmij, serde_json's float
/// formatter, made to give these bytes for every input is 1.36× slower:
/// benches/readers.rs).
///
/// ```
/// let mut s = String::new();
/// for v in [121.4895874, -0.5, -0.0, 31.0, 1e-7, -33.1000001] {
///     linli::write::geojson::push_coordinate(&mut s, v);
///     s.push(' ');
/// }
/// assert_eq!(s, "121.4895874 -0.5 0 31 0.0000001 -33.1000001 ");
/// ```
pub fn push_coordinate(s: &mut String, v: f64) {
    let scaled = (v * 1e7).round();
    if scaled.is_nan() || scaled.abs() >= 9e15 {
        // Beyond exact integers (or not finite): the general path.
        let mut t = format!("{v:.7}");
        if t.contains('.') {
            t = t.trim_end_matches('0').trim_end_matches('.').to_string();
        }
        s.push_str(if t == "-0" { "0" } else { &t });
        return;
    }
    let n = scaled as i64;
    // The digits by hand, right to left: the formatting machinery was most
    // of the time of writing a coordinate.
    let mut buf = [0u8; 32];
    let mut k = buf.len();
    let m = n.unsigned_abs();
    let (mut int, mut frac) = (m / 10_000_000, m % 10_000_000);
    if frac != 0 {
        let mut width = 7;
        while frac % 10 == 0 {
            frac /= 10;
            width -= 1;
        }
        for _ in 0..width {
            k -= 1;
            buf[k] = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        k -= 1;
        buf[k] = b'.';
    }
    loop {
        k -= 1;
        buf[k] = b'0' + (int % 10) as u8;
        int /= 10;
        if int == 0 {
            break;
        }
    }
    if n < 0 {
        k -= 1;
        buf[k] = b'-';
    }
    if let Ok(text) = std::str::from_utf8(&buf[k..]) {
        s.push_str(text); // always: digits, a point and a sign
    }
}

fn num(s: &mut String, v: f64) {
    push_coordinate(s, v);
}

fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}

fn lonlat(p: &Projector, c: Coord<f64>) -> (f64, f64) {
    let (lon, lat) = p.to_lonlat(c.x, c.y);
    (round7(lon), round7(lat))
}

fn position(s: &mut String, (x, y): (f64, f64)) {
    s.push('[');
    num(s, x);
    s.push(',');
    num(s, y);
    s.push(']');
}

/// A coordinate with every digit: the shortest decimal text that reads back
/// as the same `f64` (no exponent, no negative zero).
///
/// ```
/// let mut s = String::new();
/// for v in [121.48958741234567, -0.0, 31.0, 1e-9] {
///     linli::write::geojson::push_exact(&mut s, v);
///     s.push(' ');
/// }
/// assert_eq!(s, "121.48958741234567 0 31 0.000000001 ");
/// ```
pub fn push_exact(s: &mut String, v: f64) {
    // + 0.0 drops the sign of zero. zmij gives the same shortest digits as
    // `Display` 2.9× faster (benches/readers.rs), but with an exponent below
    // 1e-5 and breaking a tie between two shortest texts to even where
    // `Display` rounds up: those go to `Display`.
    let v = v + 0.0;
    if v.abs() < 1e15 && !may_tie(v) {
        let mut buf = zmij::Buffer::new();
        let t = buf.format_finite(v);
        if !t.contains('e') {
            s.push_str(t.strip_suffix(".0").unwrap_or(t));
            return;
        }
    }
    let _ = write!(s, "{v}");
}

/// Whether two shortest texts of `v` can be equally near it: only when its
/// exact decimal value has at most 18 significant digits (integers
/// included), which a coordinate computed in floating point almost never
/// has (0.50000762939453125 = 0.5 + 2⁻¹⁷ has 17; the two 16-digit texts
/// around it are equally near).
fn may_tie(v: f64) -> bool {
    let bits = v.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (m, e) = match biased {
        0 => (fraction, -1074),
        _ => (fraction | 1 << 52, biased - 1075),
    };
    if m == 0 {
        return true;
    }
    // v = m · 2^e exactly; with m odd, its decimal has -e fractional digits
    // and the significant digits of m · 5^-e.
    let (m, e) = (m >> m.trailing_zeros(), e + m.trailing_zeros() as i32);
    if e >= 0 {
        return true;
    }
    -e < 26 && u128::from(m) * 5u128.pow(e.unsigned_abs()) < 10u128.pow(18)
}

fn exact_position(s: &mut String, (x, y): (f64, f64)) {
    s.push('[');
    push_exact(s, x);
    s.push(',');
    push_exact(s, y);
    s.push(']');
}

/// A polygon ring in lon/lat, without repeated points, oriented as asked.
fn ring(p: &Projector, ls: &LineString<f64>, ccw: bool, polygons: Polygons) -> Vec<(f64, f64)> {
    let mut pts: Vec<(f64, f64)> = Vec::with_capacity(ls.0.len());
    for c in &ls.0 {
        let q = match polygons {
            Polygons::Exact => p.border_lonlat(c.x, c.y),
            Polygons::Rounded => lonlat(p, *c),
        };
        if pts.last() != Some(&q) {
            pts.push(q);
        }
    }
    if pts.first() != pts.last()
        && let Some(&f) = pts.first()
    {
        pts.push(f);
    }
    let mut area = 0.0;
    if let Some(&o) = pts.first() {
        for w in pts.windows(2) {
            area += (w[0].0 - o.0) * (w[1].1 - o.1) - (w[1].0 - o.0) * (w[0].1 - o.1);
        }
    }
    if (area > 0.0) != ccw {
        pts.reverse();
    }
    pts
}

fn polygon(s: &mut String, p: &Projector, poly: &Polygon<f64>, polygons: Polygons) {
    s.push('[');
    for (k, r) in std::iter::once(poly.exterior())
        .chain(poly.interiors())
        .enumerate()
    {
        if k > 0 {
            s.push(',');
        }
        s.push('[');
        for (i, q) in ring(p, r, k == 0, polygons).into_iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            match polygons {
                Polygons::Exact => exact_position(s, q),
                Polygons::Rounded => position(s, q),
            }
        }
        s.push(']');
    }
    s.push(']');
}

fn geometry(s: &mut String, p: &Projector, g: &OutGeometry, polygons: Polygons) {
    match g {
        OutGeometry::Point(pt) => {
            s.push_str("{\"type\":\"Point\",\"coordinates\":");
            position(s, lonlat(p, pt.0));
        }
        OutGeometry::LineString(ls) => {
            s.push_str("{\"type\":\"LineString\",\"coordinates\":[");
            for (i, c) in ls.0.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                position(s, lonlat(p, *c));
            }
            s.push(']');
        }
        OutGeometry::Polygon(poly) => {
            s.push_str("{\"type\":\"Polygon\",\"coordinates\":");
            polygon(s, p, poly, polygons);
        }
        OutGeometry::MultiPolygon(mp) => {
            s.push_str("{\"type\":\"MultiPolygon\",\"coordinates\":[");
            for (i, poly) in mp.0.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                polygon(s, p, poly, polygons);
            }
            s.push(']');
        }
        OutGeometry::MultiPoint(mp) => {
            s.push_str("{\"type\":\"MultiPoint\",\"coordinates\":[");
            for (i, pt) in mp.0.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                position(s, lonlat(p, pt.0));
            }
            s.push(']');
        }
    }
    s.push('}');
}

/// Formats a float for CSV with up to `decimals` decimals (no trailing zeros).
pub fn fmt_num(v: f64, decimals: usize) -> String {
    let mut t = String::new();
    let _ = write!(t, "{v:.decimals$}");
    if t.contains('.') {
        while t.ends_with('0') {
            t.pop();
        }
        if t.ends_with('.') {
            t.pop();
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::{push_coordinate, push_exact};
    use proptest::prelude::*;

    /// What `push_coordinate` must print: `{:.7}`, trailing zeros and a
    /// bare point dropped, no negative zero.
    fn reference(v: f64) -> String {
        let mut t = format!("{v:.7}");
        if t.contains('.') {
            t = t.trim_end_matches('0').trim_end_matches('.').to_string();
        }
        if t == "-0" { "0".into() } else { t }
    }

    proptest! {
        #[test]
        fn digits_by_hand_are_the_formatted_ones(
            whole in -1_000_000_000i64..1_000_000_000,
            frac in 0u32..10_000_000,
            small in -1e-6..1e-6f64,
        ) {
            // Rounded to 7 decimals, as callers pass them.
            let v = ((whole as f64 + frac as f64 / 1e7) * 1e7).round() / 1e7;
            for x in [v, -v, small, (small * 1e7).round() / 1e7, v / 1e3] {
                let x = (x * 1e7).round() / 1e7;
                let mut s = String::new();
                push_coordinate(&mut s, x);
                prop_assert_eq!(s, reference(x));
            }
        }
    }

    proptest! {
        #[test]
        fn exact_digits_are_display_ones(bits in any::<u64>(), lon in -180.0..180.0f64) {
            // Every double (any bit pattern), lon/lat-sized ones, and
            // ones with few significant bits, where shortest texts tie.
            let few = |k: i32| (lon * 2f64.powi(k)).round() / 2f64.powi(k);
            for v in [f64::from_bits(bits), lon, lon / 1e6, lon * 1e14, few(15), few(17), few(30)] {
                let mut s = String::new();
                push_exact(&mut s, v);
                prop_assert_eq!(s, format!("{}", v + 0.0));
            }
        }
    }

    #[test]
    fn exact_ties_round_up_as_display_does() {
        for v in [
            0.5 + 2f64.powi(-17),
            100.0 + 2f64.powi(-15),
            8_388_608.0 + 2f64.powi(-10),
            -1_635_337_880_276_196.0 - 0.25,
        ] {
            let mut s = String::new();
            push_exact(&mut s, v);
            assert_eq!(s, format!("{v}"));
        }
    }

    #[test]
    fn edges() {
        for v in [
            0.0f64,
            -0.0,
            1.0,
            -1.0,
            0.1,
            -0.1,
            1e-7,
            -1e-7,
            9e8,
            123.456,
            180.0,
            -180.0,
            899_999_999.999_999_9,
        ] {
            let v = (v * 1e7).round() / 1e7;
            let mut s = String::new();
            push_coordinate(&mut s, v);
            assert_eq!(s, reference(v), "{v}");
        }
    }
}
