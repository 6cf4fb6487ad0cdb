//! The embedded demo scenario: `data/demo`, built from OpenStreetMap
//! (Beijing Wudaokou; © OpenStreetMap contributors, ODbL 1.0).
//!
//! Embedded so that `linli demo` works from any folder with nothing else
//! on disk.

use crate::read::ScenarioFiles;

macro_rules! demo_files {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../data/demo/", $name)))),*]
    };
}

const FILES: &[(&str, &str)] = demo_files!(
    "communities.geojson",
    "buildings.geojson",
    "roads.geojson",
    "water.geojson",
    "landmarks.geojson",
    "compounds.geojson",
    "facilities.geojson",
    "neighborhoods.geojson",
    "scenario.toml",
);

/// The demo's files, as if read from `data/demo`.
///
/// ```
/// let files = linli::demo::files();
/// assert!(files.files.contains_key("buildings.geojson"));
/// // The grid the street office keeps, for `linli audit` and `redraw`.
/// assert!(files.files.contains_key("neighborhoods.geojson"));
/// ```
pub fn files() -> ScenarioFiles {
    ScenarioFiles::from_memory("data/demo", FILES)
}
