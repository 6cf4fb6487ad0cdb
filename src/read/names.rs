//! Names that are almost right: a property linli reads that no feature of a
//! layer has while another name differs from it only in case or spacing
//! (`Households`), and files in a scenario folder that are no layer
//! (`rivers.geojson`, `building.geojson`). Each is a warning with the fix;
//! read silently, they would leave every household estimated or every road
//! without its class.

use super::feature::RawFeature;

/// The properties linli reads from each layer that matter most.
const READ: [(&str, &[&str]); 6] = [
    ("buildings.geojson", &["households", "levels", "use"]),
    ("roads.geojson", &["class"]),
    (
        "communities.geojson",
        &["id", "kind", "street", "social_workers"],
    ),
    ("facilities.geojson", &["kind", "capacity"]),
    ("neighborhoods.geojson", &["id"]),
    ("blocks.geojson", &["households"]),
];

/// For layer `name`, a warning per property linli reads that no feature
/// has while some feature has a name equal to it but for case, spaces,
/// `-` or `_` (the first such name given). `first` are the property names
/// of the layer's first feature as written (the large layers are read
/// keeping only the names linli reads).
///
/// ```
/// use linli::read::feature::Properties;
/// let mut p = Properties::default();
/// p.insert("Households", serde_json::json!(30));
/// let fs = vec![linli::read::foreign::feature(0, &geo::Geometry::Point(geo::Point::new(0.0, 0.0)), p)];
/// let w = linli::read::names::near_misses("buildings.geojson", "b.geojson", &fs, &[]);
/// assert!(w[0].contains("\"Households\"") && w[0].contains("[fields] households"));
/// ```
pub fn near_misses(
    name: &str,
    file: &str,
    features: &[RawFeature],
    first: &[String],
) -> Vec<String> {
    let Some((_, wanted)) = READ.iter().find(|(n, _)| *n == name) else {
        return Vec::new();
    };
    let fold = |s: &str| s.to_lowercase().replace([' ', '-', '_'], "");
    let mut out = Vec::new();
    for &w in wanted.iter() {
        let has = |f: &RawFeature| f.properties.get(w).is_some() || (w == "id" && f.id.is_some());
        if features.iter().any(has) {
            continue;
        }
        let near = features
            .iter()
            .find_map(|f| {
                f.properties
                    .keys()
                    .find(|k| *k != w && fold(k) == fold(w))
                    .map(str::to_string)
            })
            .or_else(|| {
                first
                    .iter()
                    .find(|k| *k != w && fold(k) == fold(w))
                    .cloned()
            });
        if let Some(k) = near {
            out.push(format!(
                "{file}: no feature has the property {w:?} linli reads, but the features have {k:?}: rename it, or map it in scenario.toml ([fields] {w} = {k:?})"
            ));
        }
    }
    out
}

/// The property names of the first feature of a GeoJSON text, as written.
///
/// ```
/// let t = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"Class":"primary"},"geometry":null}]}"#;
/// assert_eq!(linli::read::names::first_names(t), vec!["Class".to_string()]);
/// ```
pub fn first_names(text: &str) -> Vec<String> {
    let Some(at) = text.find("\"properties\"") else {
        return Vec::new();
    };
    let Some(open) = text[at..].find('{').map(|i| at + i) else {
        return Vec::new();
    };
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, c) in text[open..].char_indices() {
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') => in_string = false,
            (false, _, '"') => in_string = true,
            (false, _, '{') => depth += 1,
            (false, _, '}') => {
                depth -= 1;
                if depth == 0 {
                    let object: Option<serde_json::Map<String, serde_json::Value>> =
                        serde_json::from_str(&text[open..open + i + 1]).ok();
                    return object
                        .map(|o| o.keys().cloned().collect())
                        .unwrap_or_default();
                }
            }
            _ => {}
        }
        if i > 1 << 16 {
            break;
        }
    }
    Vec::new()
}

/// The files of a scenario folder that linli does not read, each with what
/// to do: `known` are the file names it does read.
///
/// ```
/// let w = linli::read::names::unread(&["building.geojson".into(), "notes.txt".into()], &[]);
/// assert_eq!(w.len(), 1);
/// assert!(w[0].contains("buildings.geojson"));
/// ```
pub fn unread(names: &[String], known: &[String]) -> Vec<String> {
    const GIS: [&str; 5] = ["geojson", "json", "gpkg", "shp", "fgb"];
    let layers = crate::config::LAYER_NAMES;
    let mut out = Vec::new();
    for n in names {
        let Some((stem, ext)) = n.rsplit_once('.') else {
            continue;
        };
        if !GIS.contains(&ext.to_ascii_lowercase().as_str()) || known.contains(n) {
            continue;
        }
        let lower = stem.to_lowercase();
        let like = layers
            .iter()
            .find(|l| lower.trim_end_matches('s') == l.trim_end_matches('s') || lower.contains(*l));
        let fix = match like {
            Some(l) => format!(
                "name it {l}.{ext}, or list it in scenario.toml ([layers.{l}] files = [{n:?}])"
            ),
            None => format!(
                "name it after its layer ({}), or list it in scenario.toml ([layers.NAME] files = [{n:?}])",
                layers.join(", ")
            ),
        };
        out.push(format!(
            "{n} is in the scenario folder but is no layer linli reads: {fix}"
        ));
    }
    out
}
