//! A synthetic city as a scenario folder: the GeoJSON layers `linli plan`
//! reads (lon/lat WGS 84, 7 decimals, around Nantong), staff.csv,
//! scenario.toml and synth_summary.json, all written atomically.

use super::SynthCity;
use crate::error::Error;
use crate::project::{Crs, Projector};
use crate::write::geojson::{scenario_layer, OutGeometry};
use crate::write::write_atomic;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Longitude and latitude of the plane's origin: Chongchuan, Nantong.
///
/// ```
/// assert_eq!(linli::synth::files::ORIGIN, (120.86, 32.01));
/// ```
pub const ORIGIN: (f64, f64) = (120.86, 32.01);

fn props(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_null() && v.as_str() != Some(""))
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

impl SynthCity {
    /// File name → contents of the scenario folder.
    ///
    /// ```
    /// let city = linli::synth::generate(&linli::synth::SynthParams::new(2_000, 1)).unwrap();
    /// let files = city.files();
    /// assert!(files["roads.geojson"].contains("\"class\":\"primary\""));
    /// assert!(files.contains_key("staff.csv"));
    /// ```
    pub fn files(&self) -> BTreeMap<String, String> {
        let p = Projector::new(&Crs::LonLat, ORIGIN.0, ORIGIN.1)
            .expect("the origin is a valid lon/lat");
        let mut f = BTreeMap::new();
        f.insert(
            "communities.geojson".into(),
            scenario_layer(
                &p,
                self.communities.iter().map(|c| {
                    (
                        OutGeometry::MultiPolygon(c.area.clone()),
                        props(&[
                            ("id", json!(c.id)),
                            ("name", json!(c.name)),
                            ("street", json!(c.street)),
                            ("kind", json!(c.kind.as_str())),
                        ]),
                    )
                }),
            ),
        );
        f.insert(
            "buildings.geojson".into(),
            scenario_layer(
                &p,
                self.buildings.iter().map(|b| {
                    (
                        OutGeometry::Polygon(b.footprint.clone()),
                        props(&[
                            ("id", json!(b.id)),
                            ("community", json!(self.communities[b.community].id)),
                            ("households", json!(b.households)),
                            ("levels", json!(b.levels)),
                            ("use", json!(b.use_)),
                        ]),
                    )
                }),
            ),
        );
        f.insert(
            "roads.geojson".into(),
            scenario_layer(
                &p,
                self.roads.iter().map(|r| {
                    (
                        OutGeometry::LineString(r.line.clone()),
                        props(&[
                            ("id", json!(r.id)),
                            ("class", json!(r.class)),
                            ("name", json!(r.name)),
                            ("bridge", if r.bridge { json!("yes") } else { Value::Null }),
                        ]),
                    )
                }),
            ),
        );
        f.insert(
            "water.geojson".into(),
            scenario_layer(
                &p,
                self.water.iter().enumerate().map(|(i, w)| {
                    (
                        OutGeometry::Polygon(w.clone()),
                        props(&[
                            ("id", json!(format!("W{}", i + 1))),
                            ("class", json!("river")),
                            ("name", json!("濠河")),
                        ]),
                    )
                }),
            ),
        );
        f.insert(
            "rail.geojson".into(),
            scenario_layer(
                &p,
                self.rail.iter().enumerate().map(|(i, l)| {
                    (
                        OutGeometry::LineString(l.clone()),
                        props(&[
                            ("id", json!(format!("T{}", i + 1))),
                            ("class", json!("rail")),
                        ]),
                    )
                }),
            ),
        );
        f.insert(
            "landmarks.geojson".into(),
            scenario_layer(
                &p,
                self.landmarks.iter().map(|l| {
                    (
                        OutGeometry::Polygon(l.area.clone()),
                        props(&[("id", json!(l.id)), ("class", json!(l.class))]),
                    )
                }),
            ),
        );
        f.insert(
            "compounds.geojson".into(),
            scenario_layer(
                &p,
                self.compounds.iter().map(|c| {
                    (
                        OutGeometry::MultiPolygon(c.area.clone()),
                        props(&[("id", json!(c.id)), ("name", json!(c.name))]),
                    )
                }),
            ),
        );
        f.insert(
            "facilities.geojson".into(),
            scenario_layer(
                &p,
                self.facilities.iter().map(|x| {
                    (
                        OutGeometry::Point(x.location),
                        props(&[
                            ("id", json!(x.id)),
                            ("kind", json!(x.kind)),
                            ("floor_area_m2", json!(x.floor_area_m2)),
                        ]),
                    )
                }),
            ),
        );
        let mut staff = String::from("community,workers\n");
        for c in &self.communities {
            if let Some(w) = c.social_workers {
                staff.push_str(&format!("{},{w}\n", c.id));
            }
        }
        f.insert("staff.csv".into(), staff);
        f.insert(
            "scenario.toml".into(),
            format!(
                "# Generated by `linli synth`: a synthetic district, not a real place.\nname = {}\n",
                toml::Value::String(self.name.clone())
            ),
        );
        let mut summary =
            serde_json::to_string_pretty(&self.summary).expect("the summary serializes");
        summary.push('\n');
        f.insert("synth_summary.json".into(), summary);
        f
    }

    /// The scenario as in-memory files for [`crate::read::read_scenario`].
    ///
    /// ```
    /// let city = linli::synth::generate(&linli::synth::SynthParams::new(2_000, 1)).unwrap();
    /// let loaded = linli::pipeline::load(&city.scenario_files("synth"), &Default::default()).unwrap();
    /// assert_eq!(loaded.scenario.communities.len(), city.communities.len());
    /// ```
    pub fn scenario_files(&self, label: &str) -> crate::read::ScenarioFiles {
        crate::read::ScenarioFiles {
            label: label.to_string(),
            files: self
                .files()
                .into_iter()
                .map(|(n, t)| (n, t.into()))
                .collect(),
        }
    }

    /// Writes the scenario folder, every file atomically.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("linli-synth-doc-{}", std::process::id()));
    /// let city = linli::synth::generate(&linli::synth::SynthParams::new(1_000, 1)).unwrap();
    /// let written = city.write(&dir).unwrap();
    /// assert!(dir.join("buildings.geojson").is_file());
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn write(&self, dir: &Path) -> Result<Vec<PathBuf>, Error> {
        let mut written = Vec::new();
        for (name, text) in self.files() {
            let path = dir.join(&name);
            write_atomic(&path, text.as_bytes())?;
            written.push(path);
        }
        Ok(written)
    }
}
