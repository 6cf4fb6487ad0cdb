//! One GeoJSON layer: parse, check structure, convert geometries.

pub use super::feature::{Properties, RawFeature};
use crate::error::Problem;
use crate::project::pins::{BORDER_SAGITTA_M, Pins, densify_ring};
use geo::{Coord, LineString, MultiPolygon, Point, Polygon};
use geojson::{GeoJson, GeometryValue, Position};

/// Parses a layer's text into features; `file` names it in errors.
///
/// Features without geometry are reported; everything else about geometry is
/// checked when it is converted.
pub fn parse_layer(file: &str, text: &str) -> Result<Vec<RawFeature>, Vec<Problem>> {
    parse_layer_keeping(file, text, None)
}

/// [`parse_layer`] keeping only the properties named in `keep` (and `id`);
/// `None` keeps them all.
///
/// ```
/// let fc = r#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","properties":{"households":3,"roof":"flat"},
///    "geometry":{"type":"Point","coordinates":[120.5,31.25]}}]}"#;
/// let fs = linli::read::layer::parse_layer_keeping("b.geojson", fc, Some(&["households"])).unwrap();
/// assert!(fs[0].properties.get("roof").is_none());
/// ```
pub fn parse_layer_keeping(
    file: &str,
    text: &str,
    keep: super::lean::Keep,
) -> Result<Vec<RawFeature>, Vec<Problem>> {
    match super::pieces::parse_collection_keeping(text, keep) {
        Some(fs) => Ok(fs),
        None => match super::lean::repeated_name(text, keep) {
            // The geojson crate would keep the last value without a word.
            Some((index, name)) => Err(vec![
                Problem::feature(
                    file,
                    index,
                    None,
                    format!("has {name:?} twice in one object; which value counts is unclear"),
                )
                .with_hint(
                    "keep one of the two (JSON names must be unique within an object, RFC 8259)",
                ),
            ]),
            None => parse_layer_geojson(file, text),
        },
    }
}

/// [`parse_layer`] through the geojson crate alone: the reference the lean
/// reader is tested against, and the path that explains bad input.
///
/// ```
/// let fc = r#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","properties":{"id":"a"},"geometry":{"type":"Point","coordinates":[1.5,2]}}]}"#;
/// assert_eq!(linli::read::layer::parse_layer_geojson("x", fc).unwrap(),
///            linli::read::layer::parse_layer("x", fc).unwrap());
/// ```
pub fn parse_layer_geojson(file: &str, text: &str) -> Result<Vec<RawFeature>, Vec<Problem>> {
    let gj: GeoJson = text
        .parse()
        .map_err(|e: geojson::Error| diagnose(file, text, e))?;
    let fc = match gj {
        GeoJson::FeatureCollection(fc) => fc,
        GeoJson::Feature(_) => {
            return Err(vec![
                Problem::file(file, "is a single Feature, not a FeatureCollection")
                    .with_hint("wrap it: {\"type\": \"FeatureCollection\", \"features\": [ … ]}"),
            ]);
        }
        GeoJson::Geometry(_) => {
            return Err(vec![
                Problem::file(file, "is a bare Geometry, not a FeatureCollection")
                    .with_hint("wrap it in a Feature inside a FeatureCollection, with properties"),
            ]);
        }
    };
    let mut out = Vec::with_capacity(fc.features.len());
    let mut problems = Vec::new();
    for (index, f) in fc.features.into_iter().enumerate() {
        let properties: Properties = f.properties.unwrap_or_default().into();
        let id = match &f.id {
            Some(geojson::feature::Id::String(s)) => Some(s.clone()),
            Some(geojson::feature::Id::Number(n)) => Some(n.to_string()),
            None => properties.get("id").and_then(|v| match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            }),
        };
        match f.geometry {
            Some(g) => out.push(RawFeature {
                index,
                id,
                geometry: g.value,
                properties,
            }),
            None => problems.push(Problem::feature(file, index, id, "has no geometry")),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Says why a layer did not parse as GeoJSON: broken JSON (with line and
/// column), or the features that are not valid GeoJSON Features, each by
/// index and id, rather than one message for the whole file.
fn diagnose(file: &str, text: &str, err: geojson::Error) -> Vec<Problem> {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return vec![Problem::file(file, format!("is not valid JSON: {e}")).with_hint(
                "the file is cut short or has a syntax error; each layer must be a GeoJSON FeatureCollection (RFC 7946)",
            )]
        }
    };
    let mut problems = Vec::new();
    if value.get("type").and_then(|t| t.as_str()) == Some("FeatureCollection")
        && let Some(features) = value.get("features").and_then(|f| f.as_array())
    {
        for (index, f) in features.iter().enumerate() {
            if let Err(e) = serde_json::from_value::<geojson::Feature>(f.clone()) {
                let id = f
                    .get("id")
                    .or_else(|| f.get("properties").and_then(|p| p.get("id")))
                    .and_then(|v| match v {
                        serde_json::Value::String(s) => Some(s.clone()),
                        serde_json::Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    });
                problems.push(Problem::feature(
                    file,
                    index,
                    id,
                    format!("is not a valid GeoJSON Feature: {e}"),
                ));
            }
        }
    }
    if problems.is_empty() {
        problems.push(
            Problem::file(file, format!("is not valid GeoJSON: {err}"))
                .with_hint("each layer must be a GeoJSON FeatureCollection (RFC 7946)"),
        );
    }
    problems
}

/// The name of a geometry's type, for messages.
pub fn type_name(g: &GeometryValue) -> &'static str {
    match g {
        GeometryValue::Point { .. } => "Point",
        GeometryValue::MultiPoint { .. } => "MultiPoint",
        GeometryValue::LineString { .. } => "LineString",
        GeometryValue::MultiLineString { .. } => "MultiLineString",
        GeometryValue::Polygon { .. } => "Polygon",
        GeometryValue::MultiPolygon { .. } => "MultiPolygon",
        GeometryValue::GeometryCollection { .. } => "GeometryCollection",
    }
}

/// The input-CRS → plane transform of `projector`, as a [`Converter`] wants it.
///
/// ```
/// use linli::project::{Crs, Projector};
/// let p = Projector::new(&Crs::LonLat, 120.9, 32.0).unwrap();
/// let f = linli::read::layer::plane_fn(&p);
/// let c = f(120.9, 32.0).unwrap();
/// assert!(c.x.abs() < 1e-9 && c.y.abs() < 1e-9);
/// ```
pub fn plane_fn(
    projector: &crate::project::Projector,
) -> impl Fn(f64, f64) -> Result<Coord<f64>, String> + '_ {
    move |x, y| {
        projector
            .to_plane(x, y)
            .map(|(x, y)| Coord { x, y })
            .map_err(|e| e.to_string())
    }
}

/// Segments longer than this (metres, on the plane) are densified to follow
/// the input line (shorter ones stray less than 0.3 mm even at 60°).
pub const LONG_SEGMENT_M: f64 = 50.0;

/// Checks ring `k` of a polygon (0: the exterior): closed, 4 positions at least.
fn check_ring(k: usize, r: &[Position]) -> Result<(), String> {
    let which = if k == 0 {
        "the exterior ring".to_string()
    } else {
        format!("hole {k}")
    };
    if r.len() < 4 {
        return Err(format!(
            "{which} has {} position(s); a ring needs at least 4",
            r.len()
        ));
    }
    if r.first().map(Position::as_slice) != r.last().map(Position::as_slice) {
        return Err(format!(
            "{which} is not closed (its first and last positions differ)"
        ));
    }
    Ok(())
}

/// Converts positions with `f` (input CRS → metres); the error is a message.
///
/// The transform is `Sync` so that layers convert their features in
/// parallel (the results are gathered in input order).
pub struct Converter<'a> {
    /// The coordinate transform.
    pub f: &'a (dyn Fn(f64, f64) -> Result<Coord<f64>, String> + Sync),
}

impl Converter<'_> {
    fn pos(&self, p: &Position) -> Result<Coord<f64>, String> {
        let s = p.as_slice();
        if s.len() < 2 {
            return Err(format!("a position has {} number(s), needs 2", s.len()));
        }
        if !(s[0].is_finite() && s[1].is_finite()) {
            return Err("a position is not a finite number".into());
        }
        (self.f)(s[0], s[1])
    }

    /// A point.
    pub fn point(&self, p: &Position) -> Result<Point<f64>, String> {
        self.pos(p).map(Point::from)
    }

    /// A line with at least two distinct positions.
    pub fn line(&self, ps: &[Position]) -> Result<LineString<f64>, String> {
        let mut cs = Vec::with_capacity(ps.len());
        for p in ps {
            cs.push(self.pos(p)?);
        }
        if cs.len() < 2 {
            return Err(format!(
                "a line has {} position(s), needs at least 2",
                cs.len()
            ));
        }
        Ok(LineString(self.follow_input(ps, cs)?))
    }

    /// A line (or ring) is straight between its positions in the input
    /// coordinates, a curve on the plane: a segment longer than
    /// [`LONG_SEGMENT_M`] is densified so that on the plane it follows the
    /// input line within [`BORDER_SAGITTA_M`], as community borders do
    /// (a 10 km straight road would otherwise be a metre off, and the
    /// borders drawn along it with it).
    fn follow_input(
        &self,
        input: &[Position],
        cs: Vec<Coord<f64>>,
    ) -> Result<Vec<Coord<f64>>, String> {
        let long = cs
            .windows(2)
            .any(|w| (w[1].x - w[0].x).hypot(w[1].y - w[0].y) > LONG_SEGMENT_M);
        if !long {
            return Ok(cs);
        }
        let pts: Vec<(f64, f64)> = input
            .iter()
            .map(|p| (p.as_slice()[0], p.as_slice()[1]))
            .collect();
        let to_plane = |x: f64, y: f64| (self.f)(x, y).ok().map(|c| (c.x, c.y));
        densify_ring(&pts, &to_plane, BORDER_SAGITTA_M)
            .map(|v| v.into_iter().map(|(_, c)| c).collect())
            .ok_or_else(|| "a position between two vertices does not convert".to_string())
    }

    /// A polygon; rings must be closed and have at least 4 positions.
    pub fn polygon(&self, rings: &[Vec<Position>]) -> Result<Polygon<f64>, String> {
        if rings.is_empty() {
            return Err("a polygon has no rings".into());
        }
        // Exactly sized: a city's footprints are most of what is read, and
        // a grown ring or an empty holes list kept with spare room is memory
        // the kernel must hand out and zero.
        let mut exterior = LineString(Vec::new());
        let mut holes = Vec::with_capacity(rings.len() - 1);
        for (k, r) in rings.iter().enumerate() {
            check_ring(k, r)?;
            // The ring is closed on identical positions: its last point is
            // its first, converted once.
            let mut cs = Vec::with_capacity(r.len());
            for p in &r[..r.len() - 1] {
                cs.push(self.pos(p)?);
            }
            cs.push(cs[0]);
            let cs = self.follow_input(r, cs)?;
            if k == 0 {
                exterior = LineString(cs);
            } else {
                holes.push(LineString(cs));
            }
        }
        Ok(Polygon::new(exterior, holes))
    }

    /// A community polygon: each ring densified in input coordinates so
    /// that its plane chords follow the input edges within
    /// [`BORDER_SAGITTA_M`], and its vertices recorded in `pins` with the
    /// input positions they come from (see [`crate::project::pins`]).
    pub fn border_polygon(
        &self,
        rings: &[Vec<Position>],
        pins: &mut Option<&mut Pins>,
    ) -> Result<Polygon<f64>, String> {
        if rings.is_empty() {
            return Err("a polygon has no rings".into());
        }
        let to_plane = |x: f64, y: f64| (self.f)(x, y).ok().map(|c| (c.x, c.y));
        let mut out = Vec::with_capacity(rings.len());
        for (k, r) in rings.iter().enumerate() {
            check_ring(k, r)?;
            let mut input = Vec::with_capacity(r.len());
            for p in r {
                let s = p.as_slice();
                self.pos(p)?; // the same checks and messages as other layers
                input.push((s[0], s[1]));
            }
            let dense = densify_ring(&input, &to_plane, BORDER_SAGITTA_M)
                .ok_or_else(|| "a position between two vertices does not convert".to_string())?;
            if let Some(pins) = pins.as_deref_mut() {
                pins.add_ring(&dense);
            }
            out.push(LineString(dense.into_iter().map(|(_, c)| c).collect()));
        }
        let exterior = out.remove(0);
        Ok(Polygon::new(exterior, out))
    }

    /// A polygon kept as drawn (a locked neighborhood): its vertices, none
    /// added, each pinned to its input position, so that it is written
    /// back with the input's own coordinates and every point noding adds
    /// on its edges on the input's straight lines.
    pub fn drawn_polygon(
        &self,
        rings: &[Vec<Position>],
        pins: &mut Pins,
    ) -> Result<Polygon<f64>, String> {
        if rings.is_empty() {
            return Err("a polygon has no rings".into());
        }
        let mut out = Vec::with_capacity(rings.len());
        for (k, r) in rings.iter().enumerate() {
            check_ring(k, r)?;
            let mut ring = Vec::with_capacity(r.len());
            for p in r {
                let s = p.as_slice();
                let c = self.pos(p)?;
                ring.push(((s[0], s[1]), c));
            }
            pins.add_ring(&ring);
            out.push(LineString(ring.into_iter().map(|(_, c)| c).collect()));
        }
        let exterior = out.remove(0);
        Ok(Polygon::new(exterior, out))
    }

    /// [`Converter::drawn_polygon`] for a Polygon or MultiPolygon; `None`
    /// for other types.
    pub fn drawn_areal(
        &self,
        g: &GeometryValue,
        pins: &mut Pins,
    ) -> Option<Result<MultiPolygon<f64>, String>> {
        match g {
            GeometryValue::Polygon { coordinates } => Some(
                self.drawn_polygon(coordinates, pins)
                    .map(|p| MultiPolygon(vec![p])),
            ),
            GeometryValue::MultiPolygon { coordinates } => Some(
                coordinates
                    .iter()
                    .map(|p| self.drawn_polygon(p, pins))
                    .collect::<Result<Vec<_>, _>>()
                    .map(MultiPolygon),
            ),
            _ => None,
        }
    }

    /// [`Converter::areal`] for community borders: see
    /// [`Converter::border_polygon`].
    pub fn border_areal(
        &self,
        g: &GeometryValue,
        mut pins: Option<&mut Pins>,
    ) -> Option<Result<MultiPolygon<f64>, String>> {
        match g {
            GeometryValue::Polygon { coordinates } => Some(
                self.border_polygon(coordinates, &mut pins)
                    .map(|p| MultiPolygon(vec![p])),
            ),
            GeometryValue::MultiPolygon { coordinates } => Some(
                coordinates
                    .iter()
                    .map(|p| self.border_polygon(p, &mut pins))
                    .collect::<Result<Vec<_>, _>>()
                    .map(MultiPolygon),
            ),
            _ => None,
        }
    }

    /// Polygon or MultiPolygon as a MultiPolygon; `None` for other types.
    pub fn areal(&self, g: &GeometryValue) -> Option<Result<MultiPolygon<f64>, String>> {
        match g {
            GeometryValue::Polygon { coordinates } => {
                Some(self.polygon(coordinates).map(|p| MultiPolygon(vec![p])))
            }
            GeometryValue::MultiPolygon { coordinates } => Some(
                coordinates
                    .iter()
                    .map(|p| self.polygon(p))
                    .collect::<Result<Vec<_>, _>>()
                    .map(MultiPolygon),
            ),
            _ => None,
        }
    }

    /// LineString or MultiLineString as lines; `None` for other types.
    pub fn lineal(&self, g: &GeometryValue) -> Option<Result<Vec<LineString<f64>>, String>> {
        match g {
            GeometryValue::LineString { coordinates } => {
                Some(self.line(coordinates).map(|l| vec![l]))
            }
            GeometryValue::MultiLineString { coordinates } => Some(
                coordinates
                    .iter()
                    .map(|l| self.line(l))
                    .collect::<Result<Vec<_>, _>>(),
            ),
            _ => None,
        }
    }
}

/// The centre of the bounding box of every finite position of `features`
/// (input CRS), or `None` when there is none: where the local plane goes.
///
/// ```
/// use linli::read::layer::{centre, parse_layer};
/// let fc = r#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[120,30]}},
///   {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[122,32]}}]}"#;
/// assert_eq!(centre(&parse_layer("x", fc).unwrap()), Some((121.0, 31.0)));
/// ```
pub fn centre(features: &[RawFeature]) -> Option<(f64, f64)> {
    extent(features).map(|(lo, hi)| ((lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0))
}

/// The bounding box (lower-left, upper-right) of every finite position of
/// `features` (input CRS), or `None` when there is none.
///
/// ```
/// use linli::read::layer::{extent, parse_layer};
/// let fc = r#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[120,30],[122,29]]}}]}"#;
/// assert_eq!(extent(&parse_layer("x", fc).unwrap()), Some(([120.0, 29.0], [122.0, 30.0])));
/// ```
pub fn extent(features: &[RawFeature]) -> Option<([f64; 2], [f64; 2])> {
    use rayon::prelude::*;
    // In parallel: a large layer has millions of positions.
    let (lo, hi) = features
        .par_iter()
        .with_min_len(4096)
        .fold(
            || ([f64::MAX; 2], [f64::MIN; 2]),
            |(mut lo, mut hi), f| {
                for_each_position(&f.geometry, &mut |p| {
                    let s = p.as_slice();
                    if s.len() >= 2 && s[0].is_finite() && s[1].is_finite() {
                        lo = [lo[0].min(s[0]), lo[1].min(s[1])];
                        hi = [hi[0].max(s[0]), hi[1].max(s[1])];
                    }
                });
                (lo, hi)
            },
        )
        .reduce(
            || ([f64::MAX; 2], [f64::MIN; 2]),
            |(a, b), (c, d)| {
                (
                    [a[0].min(c[0]), a[1].min(c[1])],
                    [b[0].max(d[0]), b[1].max(d[1])],
                )
            },
        );
    (lo[0] <= hi[0]).then_some((lo, hi))
}

/// Calls `f` on every position of a geometry.
pub fn for_each_position(g: &GeometryValue, f: &mut dyn FnMut(&Position)) {
    match g {
        GeometryValue::Point { coordinates } => f(coordinates),
        GeometryValue::MultiPoint { coordinates } | GeometryValue::LineString { coordinates } => {
            coordinates.iter().for_each(f)
        }
        GeometryValue::MultiLineString { coordinates } | GeometryValue::Polygon { coordinates } => {
            coordinates.iter().flatten().for_each(f)
        }
        GeometryValue::MultiPolygon { coordinates } => {
            coordinates.iter().flatten().flatten().for_each(f)
        }
        GeometryValue::GeometryCollection { geometries } => {
            for g in geometries {
                for_each_position(&g.value, f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_a_feature_collection() {
        let e =
            parse_layer("roads.geojson", r#"{"type":"Point","coordinates":[1,2]}"#).unwrap_err();
        assert!(e[0].to_string().contains("bare Geometry"), "{}", e[0]);
    }

    #[test]
    fn broken_json_names_the_file() {
        let e = parse_layer("roads.geojson", "{\"type\": ").unwrap_err();
        assert!(
            e[0].to_string()
                .starts_with("roads.geojson: is not valid JSON")
        );
    }

    #[test]
    fn unclosed_ring() {
        let c = Converter {
            f: &|x, y| Ok(Coord { x, y }),
        };
        let ring: Vec<Position> = vec![
            [0., 0.].into(),
            [1., 0.].into(),
            [1., 1.].into(),
            [0., 1.].into(),
        ];
        assert!(c.polygon(&[ring]).unwrap_err().contains("not closed"));
    }
}
