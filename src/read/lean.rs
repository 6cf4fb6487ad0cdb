//! A lean reader for well-formed GeoJSON FeatureCollections.
//!
//! The geojson crate deserializes every Feature and Geometry through serde's
//! `flatten` (to keep foreign members), which buffers each object in full
//! before converting it: on a 14 MB buildings layer that is most of the read.
//! This reader walks the same JSON once into the same types, ignoring foreign
//! members. It accepts nothing the geojson crate rejects: on anything it does
//! not recognise it gives up (`None`) and the caller parses with the geojson
//! crate, which names the problem.

use super::feature::{Properties, RawFeature};
use geojson::{GeometryValue, Position};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// [`super::pieces::parse_collection_keeping`] in one pass on one core (the reference the
/// parse in pieces is checked against).
///
/// ```
/// let fc = r#"{"type":"FeatureCollection","features":[]}"#;
/// assert_eq!(linli::read::lean::parse_whole(fc, None), Some(vec![]));
/// ```
pub fn parse_whole(text: &str, keep: Keep) -> Option<Vec<RawFeature>> {
    let mut de = serde_json::Deserializer::from_str(text);
    let fs = de.deserialize_map(CollectionVisitor { keep }).ok()?;
    de.end().ok()?;
    Some(fs)
}

/// Marks the error of a member or property name repeated in one object
/// (`\u{1}repeated\u{1}NAME\u{1}`, then the feature's index): well-formed
/// JSON, but which value counts is anybody's guess (RFC 8259 §4), so it is
/// the user's to settle rather than the geojson crate's to pick silently.
const REPEATED: &str = "\u{1}repeated\u{1}";

/// The error for a name repeated in one object.
fn repeated<E: de::Error>(name: &str) -> E {
    E::custom(format!("{REPEATED}{name}\u{1}"))
}

/// `e` located at feature `index`, when it is a repeated name not located
/// yet.
fn at_feature<E: de::Error>(index: usize, e: E) -> E {
    let text = e.to_string();
    match text.strip_prefix(REPEATED) {
        Some(rest) if !rest.contains("\u{2}") => match rest.split_once('\u{1}') {
            Some((name, _)) => E::custom(format!("{REPEATED}{name}\u{1}\u{2}{index}\u{2}")),
            None => e,
        },
        _ => e,
    }
}

/// The first name repeated within a feature, its properties or its
/// geometry (the feature's index and the name), when that is what makes
/// `text` one the lean path gives up on.
///
/// ```
/// let fc = r#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","properties":{"households":3,"households":300},
///    "geometry":{"type":"Point","coordinates":[120.5,31.25]}}]}"#;
/// assert!(linli::read::pieces::parse_collection(fc).is_none());
/// assert_eq!(linli::read::lean::repeated_name(fc, None), Some((0, "households".to_string())));
/// ```
pub fn repeated_name(text: &str, keep: Keep) -> Option<(usize, String)> {
    let mut de = serde_json::Deserializer::from_str(text);
    let e = de
        .deserialize_map(CollectionVisitor { keep })
        .err()?
        .to_string();
    let rest = e.strip_prefix(REPEATED)?;
    let (name, rest) = rest.split_once('\u{1}')?;
    let index = rest
        .strip_prefix('\u{2}')?
        .split_once('\u{2}')?
        .0
        .parse()
        .ok()?;
    Some((index, name.to_string()))
}

/// The property names to keep; `None` keeps every property.
pub type Keep = Option<&'static [&'static str]>;

struct CollectionVisitor {
    keep: Keep,
}

impl<'de> Visitor<'de> for CollectionVisitor {
    type Value = Vec<RawFeature>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a FeatureCollection")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut is_collection = false;
        let mut features = None;
        while let Some(key) = map.next_key::<Name>()? {
            match key {
                Name::Type => {
                    is_collection = map.next_value::<Name>()? == Name::FeatureCollection;
                    if !is_collection {
                        return Err(de::Error::custom("not a FeatureCollection"));
                    }
                }
                Name::Features => {
                    // A repeated features array: the geojson crate decides.
                    if features.is_some() {
                        return Err(de::Error::custom("features twice"));
                    }
                    features = Some(map.next_value_seed(FeaturesSeed { keep: self.keep })?)
                }
                Name::Bbox => {
                    map.next_value::<Option<Vec<f64>>>()?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match (is_collection, features) {
            (true, Some(fs)) => Ok(fs),
            _ => Err(de::Error::custom("not a FeatureCollection")),
        }
    }
}

/// An object key or a `type` value, matched without allocating.
#[derive(PartialEq)]
pub(super) enum Name {
    Type,
    Id,
    Properties,
    Geometry,
    Features,
    Coordinates,
    Geometries,
    Bbox,
    FeatureCollection,
    Feature,
    Point,
    MultiPoint,
    LineString,
    MultiLineString,
    Polygon,
    MultiPolygon,
    GeometryCollection,
    Other,
}

impl<'de> serde::Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(NameVisitor)
    }
}

struct NameVisitor;

impl<'de> Visitor<'de> for NameVisitor {
    type Value = Name;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Name, E> {
        Ok(match v {
            "type" => Name::Type,
            "id" => Name::Id,
            "properties" => Name::Properties,
            "geometry" => Name::Geometry,
            "features" => Name::Features,
            "coordinates" => Name::Coordinates,
            "geometries" => Name::Geometries,
            "bbox" => Name::Bbox,
            "FeatureCollection" => Name::FeatureCollection,
            "Feature" => Name::Feature,
            "Point" => Name::Point,
            "MultiPoint" => Name::MultiPoint,
            "LineString" => Name::LineString,
            "MultiLineString" => Name::MultiLineString,
            "Polygon" => Name::Polygon,
            "MultiPolygon" => Name::MultiPolygon,
            "GeometryCollection" => Name::GeometryCollection,
            _ => Name::Other,
        })
    }
}

struct FeaturesSeed {
    keep: Keep,
}

impl<'de> DeserializeSeed<'de> for FeaturesSeed {
    type Value = Vec<RawFeature>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for FeaturesSeed {
    type Value = Vec<RawFeature>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of Features")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(f) = seq.next_element_seed(FeatureSeed {
            index: out.len(),
            keep: self.keep,
        })? {
            out.push(f);
        }
        Ok(out)
    }
}

pub(super) struct FeatureSeed {
    pub(super) index: usize,
    pub(super) keep: Keep,
}

impl<'de> DeserializeSeed<'de> for FeatureSeed {
    type Value = RawFeature;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FeatureSeed {
    type Value = RawFeature;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Feature")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut typed = false;
        let mut id: Option<serde_json::Value> = None;
        let mut properties: Option<Properties> = None;
        let mut geometry: Option<Option<GeometryValue>> = None;
        let (mut has_id, mut has_properties) = (false, false);
        let at = |e| at_feature(self.index, e);
        while let Some(key) = map.next_key::<Name>()? {
            match key {
                Name::Type => {
                    if typed {
                        return Err(at(repeated("type")));
                    }
                    if map.next_value::<Name>()? != Name::Feature {
                        return Err(de::Error::custom("not a Feature"));
                    }
                    typed = true;
                }
                Name::Id if has_id => return Err(at(repeated("id"))),
                Name::Id => {
                    has_id = true;
                    id = map.next_value()?
                }
                Name::Properties if has_properties => return Err(at(repeated("properties"))),
                Name::Properties => {
                    has_properties = true;
                    properties = map
                        .next_value_seed(PropertiesSeed { keep: self.keep })
                        .map_err(at)?
                }
                Name::Geometry if geometry.is_some() => return Err(at(repeated("geometry"))),
                Name::Geometry => {
                    geometry = Some(map.next_value_seed(OptionalGeometry).map_err(at)?)
                }
                Name::Bbox => {
                    map.next_value::<Option<Vec<f64>>>()?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !typed {
            return Err(de::Error::custom("a Feature needs a type"));
        }
        let properties = properties.unwrap_or_default();
        let id = match id {
            Some(serde_json::Value::String(s)) => Some(s),
            Some(serde_json::Value::Number(n)) => Some(number_text(&n)),
            Some(serde_json::Value::Null) | None => match properties.get("id") {
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                Some(serde_json::Value::Number(n)) => Some(number_text(n)),
                _ => None,
            },
            Some(_) => return Err(de::Error::custom("id must be a string or a number")),
        };
        Ok(RawFeature {
            index: self.index,
            id,
            // A missing or null geometry is reported by the caller.
            geometry: match geometry.flatten() {
                Some(g) => g,
                None => return Err(de::Error::custom("no geometry")),
            },
            properties,
        })
    }
}

/// A number as `Number::to_string` writes it; a whole number (every id a
/// layer numbers its features with) through itoa, as serde_json does,
/// without the formatting machinery.
fn number_text(n: &serde_json::Number) -> String {
    match n.as_u64() {
        Some(v) => itoa::Buffer::new().format(v).to_owned(),
        None => n.to_string(),
    }
}

/// `null` or the properties named in `keep` and `id` (all when `keep` is
/// `None`).
struct PropertiesSeed {
    keep: Keep,
}

impl<'de> DeserializeSeed<'de> for PropertiesSeed {
    type Value = Option<Properties>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for PropertiesSeed {
    type Value = Option<Properties>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // A kept few are usually two (an id and one more: households, a
        // road's class): room for them, not the four a first push makes,
        // is tens of megabytes less for a city's buildings.
        let mut out = match self.keep {
            Some(_) => Properties::with_capacity(2),
            None => Properties::default(),
        };
        while let Some(PropertyName(key)) = map.next_key()? {
            match self.keep {
                None => {
                    if out.get(&key).is_some() {
                        return Err(repeated(&key));
                    }
                    let v: serde_json::Value = map.next_value()?;
                    out.insert(key.into_owned(), v);
                }
                // A kept name is stored as the keep list's own text.
                Some(keep) => match std::iter::once(&"id")
                    .chain(keep)
                    .find(|k| **k == key.as_ref())
                {
                    Some(name) => {
                        if out.get(name).is_some() {
                            return Err(repeated(name));
                        }
                        let v: serde_json::Value = map.next_value()?;
                        out.insert(*name, v);
                    }
                    None => {
                        map.next_value::<IgnoredAny>()?;
                    }
                },
            }
        }
        Ok(Some(out))
    }
}

/// A property name, borrowed from the text unless it has escapes.
struct PropertyName<'de>(std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for PropertyName<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PropertyName<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(PropertyName(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(PropertyName(std::borrow::Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// `null` or a Geometry.
struct OptionalGeometry;

impl<'de> DeserializeSeed<'de> for OptionalGeometry {
    type Value = Option<GeometryValue>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for OptionalGeometry {
    type Value = Option<GeometryValue>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Geometry or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(GeometryVisitor).map(Some)
    }
}

struct GeometryVisitor;

impl<'de> serde::Deserialize<'de> for Lean<GeometryValue> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(GeometryVisitor).map(Lean)
    }
}

/// A value read by this module's visitors.
struct Lean<T>(T);

impl<'de> Visitor<'de> for GeometryVisitor {
    type Value = GeometryValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Geometry")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut kind: Option<Name> = None;
        let mut coords: Option<Coords> = None;
        let mut geometries: Option<Vec<Lean<GeometryValue>>> = None;
        while let Some(key) = map.next_key::<Name>()? {
            match key {
                Name::Type if kind.is_some() => return Err(repeated("type")),
                Name::Coordinates if coords.is_some() => return Err(repeated("coordinates")),
                Name::Geometries if geometries.is_some() => return Err(repeated("geometries")),
                Name::Type => kind = Some(map.next_value()?),
                Name::Coordinates => coords = Some(map.next_value()?),
                Name::Geometries => geometries = Some(map.next_value()?),
                Name::Bbox => {
                    map.next_value::<Option<Vec<f64>>>()?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let kind = kind.ok_or_else(|| de::Error::custom("a Geometry needs a type"))?;
        let bad = || de::Error::custom("coordinates do not fit the geometry type");
        use Coords::*;
        Ok(match (kind, coords, geometries) {
            (Name::Point, Some(Zero(p)), None) if p.len() >= 2 => {
                GeometryValue::Point { coordinates: p }
            }
            (Name::LineString, Some(One(c)), None) => GeometryValue::LineString { coordinates: c },
            (Name::MultiPoint, Some(One(c)), None) => GeometryValue::MultiPoint { coordinates: c },
            (Name::Polygon, Some(Two(c)), None) => GeometryValue::Polygon { coordinates: c },
            (Name::MultiLineString, Some(Two(c)), None) => {
                GeometryValue::MultiLineString { coordinates: c }
            }
            (Name::MultiPolygon, Some(Three(c)), None) => {
                GeometryValue::MultiPolygon { coordinates: c }
            }
            (Name::GeometryCollection, None, Some(gs)) => GeometryValue::GeometryCollection {
                geometries: gs
                    .into_iter()
                    .map(|g| geojson::Geometry::new(g.0))
                    .collect(),
            },
            // Empty coordinate arrays and everything else: the geojson crate
            // decides.
            _ => return Err(bad()),
        })
    }
}

/// Coordinates nested 0–3 deep (a position, a line, rings, polygons).
enum Coords {
    Zero(Position),
    One(Vec<Position>),
    Two(Vec<Vec<Position>>),
    Three(Vec<Vec<Vec<Position>>>),
}

impl<'de> serde::Deserialize<'de> for Coords {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(CoordsVisitor)
    }
}

/// A number or a nested array, as the first element of an array tells which.
enum Element {
    Number(f64),
    Nested(Coords),
}

impl<'de> serde::Deserialize<'de> for Element {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ElementVisitor)
    }
}

struct ElementVisitor;

impl<'de> Visitor<'de> for ElementVisitor {
    type Value = Element;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number or an array")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Element, E> {
        Ok(Element::Number(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Element, E> {
        Ok(Element::Number(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Element, E> {
        Ok(Element::Number(v as f64))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Element, A::Error> {
        CoordsVisitor.visit_seq(seq).map(Element::Nested)
    }
}

struct CoordsVisitor;

impl<'de> Visitor<'de> for CoordsVisitor {
    type Value = Coords;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("coordinates")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Coords, A::Error> {
        Ok(match seq.next_element::<Element>()? {
            // An empty array: the geojson crate decides what it means.
            None => return Err(de::Error::custom("empty coordinates")),
            Some(Element::Number(x)) => Coords::Zero(position_after(x, &mut seq)?),
            Some(Element::Nested(Coords::Zero(first))) => {
                // Room for a closed quadrilateral, the usual footprint, in
                // one allocation (a 1-element start grows twice).
                let mut v = Vec::with_capacity(5);
                v.push(first);
                while let Some(Lean(p)) = seq.next_element::<Lean<Position>>()? {
                    v.push(p);
                }
                Coords::One(v)
            }
            Some(Element::Nested(Coords::One(first))) => {
                let mut v = vec![first];
                while let Some(Lean(l)) = seq.next_element::<Lean<Vec<Position>>>()? {
                    v.push(l);
                }
                Coords::Two(v)
            }
            Some(Element::Nested(Coords::Two(first))) => {
                let mut v = vec![first];
                while let Some(Lean(r)) = seq.next_element::<Lean<Vec<Vec<Position>>>>()? {
                    v.push(r);
                }
                Coords::Three(v)
            }
            Some(Element::Nested(Coords::Three(_))) => {
                return Err(de::Error::custom("coordinates nested too deep"));
            }
        })
    }
}

impl<'de> serde::Deserialize<'de> for Lean<Position> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(PositionVisitor).map(Lean)
    }
}

/// A position where one is expected (after the first of a line or ring):
/// its numbers read as numbers, without first asking whether they are
/// arrays. Anything else is not a position, as [`CoordsVisitor`] finds.
struct PositionVisitor;

impl<'de> Visitor<'de> for PositionVisitor {
    type Value = Position;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a position")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Position, A::Error> {
        let Some(x) = seq.next_element::<f64>()? else {
            return Err(de::Error::custom("empty coordinates"));
        };
        position_after(x, &mut seq)
    }
}

/// The position whose first number `x` was read: the rest of its numbers.
/// Two numbers stay inline in the Position; a third (z) or more go to the
/// heap as the geojson crate does.
fn position_after<'de, A: SeqAccess<'de>>(x: f64, seq: &mut A) -> Result<Position, A::Error> {
    Ok(match seq.next_element::<f64>()? {
        None => Position::from(vec![x]),
        Some(y) => match seq.next_element::<f64>()? {
            None => Position::from([x, y]),
            Some(z) => {
                let mut v = vec![x, y, z];
                while let Some(w) = seq.next_element::<f64>()? {
                    v.push(w);
                }
                Position::from(v)
            }
        },
    })
}

impl<'de> serde::Deserialize<'de> for Lean<Vec<Position>> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Coords::deserialize(d)? {
            Coords::One(v) => Ok(Lean(v)),
            _ => Err(de::Error::custom("expected a line or ring")),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Lean<Vec<Vec<Position>>> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Coords::deserialize(d)? {
            Coords::Two(v) => Ok(Lean(v)),
            _ => Err(de::Error::custom("expected a polygon")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::number_text;

    #[test]
    fn odd_positions_read_as_the_geojson_crate_reads_them() {
        let line = |coords: &str| {
            format!(
                r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{{"type":"LineString","coordinates":{coords}}}}}]}}"#
            )
        };
        for coords in [
            "[[1,2],[3,4]]",
            "[[1,2],[3,4,5]]",
            "[[1,2,3,4],[3,4]]",
            "[[1,2],[3]]",
            "[[1,2],[]]",
            "[[1,2],[[3,4]]]",
            "[[1,2],[\"3\",4]]",
            "[[1,2],[3,null]]",
            "[[1,2],3]",
            "[[-0,2],[1e400,-0.0]]",
            "[[1,2],[18446744073709551615,-9223372036854775808]]",
        ] {
            let text = line(coords);
            let crate_read = super::super::layer::parse_layer_geojson("x", &text);
            // `None`: the geojson crate decides, as the reader does then.
            if let Some(fs) = super::super::pieces::parse_collection(&text) {
                assert_eq!(Ok(fs), crate_read, "{coords}");
            }
        }
    }

    #[test]
    fn whole_numbers_read_as_to_string_writes_them() {
        for text in [
            "0",
            "7",
            "10",
            "99",
            "100",
            "123456789",
            "18446744073709551615",
            "-1",
            "-0",
            "2.5",
            "1e3",
            "1E400",
        ] {
            if let Ok(n) = serde_json::from_str::<serde_json::Number>(text) {
                assert_eq!(number_text(&n), n.to_string(), "{text}");
            }
        }
    }
}
