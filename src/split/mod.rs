//! Split a scenario into parts that plan on their own (`linli split`): a
//! street, a district or a run of communities each, with the walking
//! network, barriers and facilities of a halo around it, so that every
//! part's neighborhoods and walking distances are those of the whole plan
//! (`merge` joins the parts' plans back).

pub mod groups;
pub mod select;

use crate::error::{Error, Problem};
use crate::pipeline;
use crate::read::feature::RawFeature;
use crate::read::{ReadOptions, ScenarioFiles};
use crate::write::folder::StagedFolder;
use crate::write::write_atomic;
use select::{Frame, Owner};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What a part is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SplitBy {
    /// Each community (or a run of them, with `parts`).
    Community,
    /// Each street (街道): communities of the same `street`.
    Street,
    /// Each district (区): communities of the same `district` property.
    District,
}

impl std::str::FromStr for SplitBy {
    type Err = String;
    /// ```
    /// use linli::split::SplitBy;
    /// assert_eq!("street".parse::<SplitBy>(), Ok(SplitBy::Street));
    /// assert!("county".parse::<SplitBy>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "community" => Ok(SplitBy::Community),
            "street" => Ok(SplitBy::Street),
            "district" => Ok(SplitBy::District),
            _ => Err(format!(
                "`{s}` is no way to split: use street, district or community"
            )),
        }
    }
}

/// How to split.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SplitOptions {
    /// The unit of a part.
    pub by: SplitBy,
    /// Join neighbouring units (in the scenario's order) into this many
    /// parts of about equal households (`None`: one part per unit).
    pub parts: Option<usize>,
    /// Metres of network, barriers and facilities kept around a part
    /// (`None`: [`default_halo_m`]).
    pub halo_m: Option<f64>,
}

/// A part's identity, written as `part.json` in its scenario folder (and
/// carried by `linli plan` into its plan folder, for `merge`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartInfo {
    /// Its folder name, `part-001`.
    pub name: String,
    /// 1-based number, and how many parts the scenario was split into.
    pub number: usize,
    /// Parts in all.
    pub of: usize,
    /// The unit of the split.
    pub by: SplitBy,
    /// The halo kept around it, metres.
    pub halo_m: f64,
    /// The communities it plans, by id, with their place in the whole
    /// scenario's communities layer.
    pub communities: Vec<(String, usize)>,
    /// The facilities it owns (those in its communities; a facility of the
    /// halo belongs to the part it lies in), by id, with their kind.
    pub facilities: Vec<(String, String)>,
    /// Buildings of other parts it holds only for their outlines: they
    /// straddle into its communities, and the whole plan's blocks keep them
    /// whole (merge leaves them to the part that plans them).
    #[serde(default)]
    pub guests: Vec<String>,
    /// Buildings it plans.
    pub buildings: usize,
    /// Households.
    pub households: u64,
    /// The whole scenario, as messages named it.
    pub source: String,
}

/// One part: its identity and its scenario's files (name, text).
#[derive(Debug, Clone)]
pub struct Part {
    /// What it is.
    pub info: PartInfo,
    /// Its scenario folder's files.
    pub files: Vec<(String, String)>,
}

/// A scenario split into parts.
#[derive(Debug, Clone)]
pub struct Split {
    /// The parts, in the scenario's community order.
    pub parts: Vec<Part>,
}

/// The halo that makes coverage at a part's edge exact: the longest
/// walking limit of the scenario's facility kinds, plus the snap limit
/// twice (a building and a facility each join the network up to that far).
///
/// ```
/// let loaded = linli::pipeline::load(&linli::demo::files(), &Default::default()).unwrap();
/// let halo = linli::split::default_halo_m(&loaded);
/// assert!(halo >= 1000.0 + 2.0 * loaded.config.walking.snap_limit_m);
/// ```
pub fn default_halo_m(loaded: &crate::read::Loaded) -> f64 {
    let w = &loaded.config.walking;
    let longest = loaded
        .scenario
        .facilities
        .iter()
        .map(|f| crate::coverage::threshold_m(w, &f.kind))
        .fold(
            crate::coverage::threshold_m(w, "community_centre"),
            f64::max,
        );
    longest + 2.0 * w.snap_limit_m
}

/// Splits the scenario of `files` into parts.
///
/// ```
/// use linli::split::{split, SplitBy, SplitOptions};
/// let how = SplitOptions { by: SplitBy::Street, parts: None, halo_m: None };
/// let s = split(&linli::demo::files(), &Default::default(), &how).unwrap();
/// assert_eq!(s.parts.len(), 2); // the demo's two streets
/// let buildings: usize = s.parts.iter().map(|p| p.info.buildings).sum();
/// assert_eq!(buildings, 515);
/// ```
pub fn split(
    files: &ScenarioFiles,
    opts: &ReadOptions,
    how: &SplitOptions,
) -> Result<Split, Error> {
    let loaded = pipeline::load(files, opts)?;
    let (mut layers, crs, plane) = crate::read::scenario_layers(files, opts)?;
    let halo_m = match how.halo_m {
        Some(h) if h.is_finite() && h >= 0.0 => h,
        Some(h) => return Err(usage(format!("--halo-m {h} is not a distance"))),
        None => default_halo_m(&loaded),
    };
    let communities = layers.remove("communities.geojson").unwrap_or_default();
    let keys = groups::unit_keys(&loaded, &communities, how.by, &files.label)?;
    let of_building = select::building_communities(&loaded);
    let households = groups::community_households(&loaded, &of_building);
    let units = groups::parts_of(&keys, &households, how.parts);
    let frame = Frame::new(crs, &communities);
    let owner = Owner::new(&communities, &loaded.community_features, &units);
    let toml = with_plane(
        files.files.get("scenario.toml").map(|t| t.to_string()),
        &plane,
    );
    // Parts are independent: made in parallel.
    use rayon::prelude::*;
    let parts: Vec<Part> = units
        .par_iter()
        .enumerate()
        .map(|(k, members)| {
            let info = PartInfo {
                name: format!("part-{:03}", k + 1),
                number: k + 1,
                of: units.len(),
                by: how.by,
                halo_m,
                communities: members
                    .iter()
                    .map(|&c| (loaded.scenario.communities[c].id.clone(), c))
                    .collect(),
                facilities: Vec::new(),
                guests: Vec::new(),
                buildings: 0,
                households: 0,
                source: files.label.clone(),
            };
            let ctx = select::PartContext {
                part: k,
                members,
                loaded: &loaded,
                frame: &frame,
                owner: &owner,
                halo_m,
                of_building: &of_building,
            };
            select::part_files(ctx, info, &communities, &layers, files, toml.as_deref())
        })
        .collect();
    Ok(Split { parts })
}

impl Split {
    /// Writes every part's scenario folder under `dir` (`dir/part-001/…`)
    /// and `dir/parts.json`, in one step: `dir` is replaced whole or left
    /// as it was.
    ///
    /// ```
    /// use linli::split::{split, part_dirs, SplitBy, SplitOptions};
    /// let how = SplitOptions { by: SplitBy::Community, parts: Some(3), halo_m: None };
    /// let dir = std::env::temp_dir().join(format!("linli-doc-split-{}", std::process::id()));
    /// split(&linli::demo::files(), &Default::default(), &how).unwrap().write(&dir).unwrap();
    /// let parts = part_dirs(&dir).unwrap();
    /// assert_eq!(parts.len(), 3);
    /// assert!(parts[0].join("part.json").is_file() && parts[0].join("roads.geojson").is_file());
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn write(&self, dir: &Path) -> Result<Vec<PathBuf>, Error> {
        let staged = StagedFolder::begin(dir)?;
        let written = self
            .write_into(staged.dir())
            .map_err(|e| staged.unwritten(e))?;
        staged.commit()?;
        Ok(written.iter().map(|p| dir.join(p)).collect())
    }

    fn write_into(&self, root: &Path) -> Result<Vec<PathBuf>, Error> {
        let mut written = Vec::new();
        for part in &self.parts {
            let d = root.join(&part.info.name);
            std::fs::create_dir_all(&d).map_err(|e| Error::io(&d, e))?;
            for (name, text) in &part.files {
                write_atomic(&d.join(name), text.as_bytes())?;
                written.push(PathBuf::from(&part.info.name).join(name));
            }
        }
        let infos: Vec<&PartInfo> = self.parts.iter().map(|p| &p.info).collect();
        let text = serde_json::to_string_pretty(&infos).expect("part infos are JSON");
        write_atomic(&root.join("parts.json"), text.as_bytes())?;
        written.push(PathBuf::from("parts.json"));
        Ok(written)
    }
}

/// scenario.toml with the whole scenario's `[plane]`, so every part is
/// read on the same plane and its outputs agree with the whole plan's to
/// the last digit.
fn with_plane(toml: Option<String>, plane: &crate::config::Plane) -> Option<String> {
    let mut text = toml.unwrap_or_default();
    if text.lines().any(|l| l.trim() == "[plane]") {
        return Some(text);
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    // Debug prints the shortest text that reads back as the same f64.
    let [lo, hi] = plane.extent;
    text.push_str(&format!(
        "\n# The whole scenario's local plane (linli split): the parts agree to the last digit.\n[plane]\norigin = [{:?}, {:?}]\nextent = [[{:?}, {:?}], [{:?}, {:?}]]\n",
        plane.origin[0], plane.origin[1], lo[0], lo[1], hi[0], hi[1]
    ));
    Some(text)
}

/// An error in how the split was asked for.
fn usage(what: String) -> Error {
    Error::Input(vec![Problem::file("the command line", what)])
}

/// A raw feature as a GeoJSON Feature's text, its id as the `id` member.
pub(crate) fn feature_json(f: &RawFeature) -> serde_json::Value {
    let mut props = serde_json::Map::new();
    for k in f.properties.keys() {
        if let Some(v) = f.properties.get(k) {
            props.insert(k.to_string(), v.clone());
        }
    }
    let mut out = serde_json::Map::new();
    out.insert("type".into(), "Feature".into());
    if let Some(id) = &f.id {
        out.insert("id".into(), id.clone().into());
    }
    out.insert("properties".into(), props.into());
    let g = geojson::Geometry::new(f.geometry.clone());
    out.insert(
        "geometry".into(),
        serde_json::to_value(g).expect("geometry is JSON"),
    );
    out.into()
}

/// A layer's text from its features, one per line.
pub(crate) fn collection(
    features: &[serde_json::Value],
    crs: Option<&serde_json::Value>,
) -> String {
    let mut s = String::from("{\"type\":\"FeatureCollection\",");
    if let Some(c) = crs {
        s.push_str("\"crs\":");
        s.push_str(&c.to_string());
        s.push(',');
    }
    s.push_str("\"features\":[\n");
    for (i, f) in features.iter().enumerate() {
        if i > 0 {
            s.push_str(",\n");
        }
        s.push_str(&f.to_string());
    }
    s.push_str("\n]}\n");
    s
}

/// Where each part's scenario is, for the caller to plan: `dir/part-NNN`
/// (from `dir/parts.json`; see [`Split::write`]).
pub fn part_dirs(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let index = dir.join("parts.json");
    let text = std::fs::read_to_string(&index).map_err(|e| Error::io(&index, e))?;
    let infos: Vec<PartInfo> = serde_json::from_str(&text).map_err(|e| {
        Error::Input(vec![Problem::file(
            index.display().to_string(),
            e.to_string(),
        )])
    })?;
    Ok(infos.iter().map(|i| dir.join(&i.name)).collect())
}
