//! A feature of a layer as parsed, before projection: the type every
//! GeoJSON reader (lean, in pieces, the geojson crate) produces.

use geojson::GeometryValue;
use std::borrow::Cow;

/// A feature of a layer, before projection.
#[derive(Debug, Clone, PartialEq)]
pub struct RawFeature {
    /// Position in the FeatureCollection.
    pub index: usize,
    /// `id` member or `id` property, as text.
    pub id: Option<String>,
    /// The geometry (input CRS).
    pub geometry: GeometryValue,
    /// Properties (empty when absent).
    pub properties: Properties,
}

/// A feature's properties, name → value in the order read; a repeated name
/// replaces the earlier value, as in a JSON object. (A small list rather
/// than a map: features carry a handful of properties, and a map's node per
/// feature was most of the memory of a large layer.)
///
/// ```
/// use linli::read::feature::Properties;
/// let mut p = Properties::default();
/// p.insert("households", 12.into());
/// p.insert("households".to_string(), 14.into());
/// assert_eq!(p.get("households"), Some(&serde_json::json!(14)));
/// assert_eq!(p.len(), 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Properties(Vec<(Cow<'static, str>, serde_json::Value)>);

/// The same names with the same values, in any order (as JSON objects
/// compare).
impl PartialEq for Properties {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.0.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl Properties {
    /// No properties yet, with room for `n` without growing.
    ///
    /// ```
    /// let p = linli::read::feature::Properties::with_capacity(2);
    /// assert!(p.is_empty());
    /// ```
    pub fn with_capacity(n: usize) -> Self {
        Properties(Vec::with_capacity(n))
    }

    /// The value of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&serde_json::Value> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Sets `name` to `value`, replacing an earlier value. A `&'static str`
    /// name (a name the reader looks for) is kept without a copy.
    pub fn insert(&mut self, name: impl Into<Cow<'static, str>>, value: serde_json::Value) {
        let name = name.into();
        match self.0.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
    }

    /// The names, in the order read.
    ///
    /// ```
    /// let mut p = linli::read::feature::Properties::default();
    /// p.insert("id", "a".into());
    /// assert_eq!(p.keys().collect::<Vec<_>>(), ["id"]);
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_ref())
    }

    /// Takes the value of `name` out, if present.
    ///
    /// ```
    /// let mut p = linli::read::feature::Properties::default();
    /// p.insert("户数", 12.into());
    /// assert_eq!(p.remove("户数"), Some(serde_json::json!(12)));
    /// assert!(p.is_empty());
    /// ```
    pub fn remove(&mut self, name: &str) -> Option<serde_json::Value> {
        let i = self.0.iter().position(|(k, _)| k == name)?;
        Some(self.0.remove(i).1)
    }

    /// How many properties there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<geojson::JsonObject> for Properties {
    fn from(o: geojson::JsonObject) -> Self {
        Properties(o.into_iter().map(|(k, v)| (Cow::Owned(k), v)).collect())
    }
}
