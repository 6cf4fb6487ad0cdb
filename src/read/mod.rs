//! Read a scenario: layers → validated plain types on the metric plane.
//!
//! A scenario is a folder of GeoJSON layers (DESIGN.md §2) plus an optional
//! `scenario.toml`. Every problem found is collected and returned at once,
//! each naming the file, the feature index and id, and what is wrong.

pub mod candidates;
pub mod csv;
pub mod feature;
pub mod fgb;
pub mod foreign;
pub mod gpkg;
pub mod households;
pub mod layer;
pub mod layer_crs;
pub mod lean;
pub mod names;
pub mod overrides;
pub mod pieces;
pub mod plausible;
pub mod shp;
pub mod sources;
pub mod text;
pub mod units;
pub mod validity;

use crate::config::Config;
use crate::error::{Error, Problem};
use crate::model::*;
use crate::project::{Crs, InputTransform, Projector, looks_projected, suggest_epsg};
use geo::{Area, BoundingRect, Centroid, Coord, LineString, MultiPolygon, Point, Polygon};
use geojson::GeometryValue;
use layer::{Converter, RawFeature, parse_layer_keeping, type_name};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Layer files a scenario folder may hold.
pub const LAYER_FILES: &[&str] = &[
    "communities.geojson",
    "buildings.geojson",
    "roads.geojson",
    "water.geojson",
    "rail.geojson",
    "landmarks.geojson",
    "compounds.geojson",
    "facilities.geojson",
    "blocks.geojson",
    "neighborhoods.geojson",
    "staff.csv",
    "overrides.csv",
    "scenario.toml",
    "standards.toml",
    "part.json",
];

/// The properties the reader looks at in the two large layers (every other
/// layer keeps all of its properties). Keep in step with `read_buildings` and
/// the roads' class in `read_scenario`.
fn kept_properties(layer: &str) -> Option<&'static [&'static str]> {
    match layer {
        "buildings.geojson" => Some(&[
            "use",
            "levels",
            "households",
            "households_source",
            "name",
            "elderly",
            "children",
        ]),
        "roads.geojson" => Some(&[
            "class", "highway", "walkable", "name", "bridge", "tunnel", "layer",
        ]),
        _ => None,
    }
}

/// The raw texts of a scenario's files, from a folder or embedded.
#[derive(Debug, Clone, Default)]
pub struct ScenarioFiles {
    /// Prefix for file names in messages (the folder).
    pub label: String,
    /// File name → contents, for the files present (large files read from
    /// a folder are mapped, see [`text::Text`]).
    pub files: BTreeMap<String, text::Text>,
    /// The layers not given as `<layer>.geojson` (a GeoPackage, Shapefile
    /// or FlatGeobuf, or files scenario.toml lists), by the GeoJSON name
    /// they stand for: read one after the other.
    pub sources: BTreeMap<String, Vec<foreign::Source>>,
    /// Warnings for GIS files in the folder that are no layer.
    pub unread: Vec<String>,
    /// Layers a program handed in already parsed (the Python package's
    /// GeoDataFrames), by the GeoJSON name they stand for; over a file of
    /// the same name.
    pub given: BTreeMap<String, std::sync::Arc<foreign::ForeignLayer>>,
}

impl ScenarioFiles {
    /// Reads the known layer files of a folder (each at most
    /// [`text::DEFAULT_MAX_BYTES`]).
    pub fn from_dir(dir: &Path) -> Result<Self, Error> {
        Self::from_dir_capped(dir, text::DEFAULT_MAX_BYTES)
    }

    /// Reads the known layer files of a folder: only regular files (or
    /// symlinks to them) of at most `max_bytes` each; a dangling symlink, a
    /// loop, a FIFO, a device or a folder under a layer's name is an error
    /// naming it.
    pub fn from_dir_capped(dir: &Path, max_bytes: u64) -> Result<Self, Error> {
        if !dir.is_dir() {
            return Err(Error::Input(vec![Problem::file(
                dir.display().to_string(),
                "is not a folder",
            )
            .with_hint("a scenario is a folder holding communities.geojson, buildings.geojson, roads.geojson, …")]));
        }
        // Read in parallel: a large city's layers are a hundred megabytes.
        use rayon::prelude::*;
        let read: Vec<Option<Result<(String, text::Text), Error>>> = LAYER_FILES
            .par_iter()
            .map(|name| {
                let p = dir.join(name);
                // The reader's hint speaks of GeoJSON.
                let problem = |e: text::TextError| {
                    let hint = match (&e, *name) {
                        (text::TextError::NotUtf8(_), "staff.csv" | "overrides.csv") => Some(
                            "save it as UTF-8 (in a spreadsheet: \"CSV UTF-8\"; Excel's plain CSV is GBK on Chinese Windows)",
                        ),
                        (text::TextError::NotUtf8(_), "scenario.toml") => {
                            Some("save scenario.toml as UTF-8 in a text editor (TOML is UTF-8)")
                        }
                        _ => None,
                    };
                    e.into_error(&p, hint)
                };
                match text::input_file(&p, max_bytes) {
                    Ok(None) => None,
                    Err(e) => Some(Err(problem(e))),
                    Ok(Some(_)) => Some(
                        text::Text::read_capped(&p, max_bytes)
                            .map(|t| (name.to_string(), t))
                            .map_err(problem),
                    ),
                }
            })
            .collect();
        let mut files = BTreeMap::new();
        let mut problems = Vec::new();
        for r in read.into_iter().flatten() {
            match r {
                Ok((name, text)) => {
                    files.insert(name, text);
                }
                Err(Error::Input(p)) => problems.extend(p),
                Err(e) => return Err(e),
            }
        }
        let listed = sources::listed_in(files.get("scenario.toml").map(|t| &**t));
        let sources = match sources::find(dir, LAYER_FILES, &listed) {
            Ok(s) => s,
            Err(p) => {
                problems.extend(p);
                BTreeMap::new()
            }
        };
        for s in sources.values().flatten() {
            if let Err(e) = text::input_file(&s.path, max_bytes) {
                problems.push(Problem::file(s.label(), e.to_string()));
            }
        }
        if !problems.is_empty() {
            return Err(Error::Input(problems));
        }
        let unread = unread_files(dir, &files, &sources);
        Ok(ScenarioFiles {
            label: dir.display().to_string(),
            files,
            sources,
            unread,
            given: BTreeMap::new(),
        })
    }

    /// Wraps in-memory texts (e.g. the embedded demo).
    pub fn from_memory(label: &str, files: &[(&str, &str)]) -> Self {
        ScenarioFiles {
            label: label.to_string(),
            files: files
                .iter()
                .map(|(n, t)| (n.to_string(), text::Text::from(*t)))
                .collect(),
            sources: BTreeMap::new(),
            unread: Vec::new(),
            given: BTreeMap::new(),
        }
    }

    /// Adds a layer handed in already parsed, under the GeoJSON name it
    /// stands for (`"buildings.geojson"`); it replaces a file of that name.
    ///
    /// ```
    /// use linli::read::{ScenarioFiles, foreign::ForeignLayer};
    /// let mut files = ScenarioFiles::from_memory("notebook", &[]);
    /// files.give("water.geojson", ForeignLayer::default());
    /// assert!(files.has("water.geojson"));
    /// ```
    pub fn give(&mut self, name: &str, layer: foreign::ForeignLayer) {
        self.files.remove(name);
        self.sources.remove(name);
        self.given
            .insert(name.to_string(), std::sync::Arc::new(layer));
    }

    /// Whether the layer `name` (`"roads.geojson"`) is given, in any format.
    pub fn has(&self, name: &str) -> bool {
        self.files.contains_key(name)
            || self.sources.contains_key(name)
            || self.given.contains_key(name)
    }

    /// The file holding `name`, as messages give it.
    fn path(&self, name: &str) -> String {
        match self.sources.get(name) {
            Some(s) => s
                .iter()
                .map(foreign::Source::label)
                .collect::<Vec<_>>()
                .join(" + "),
            None => format!("{}/{}", self.label.trim_end_matches('/'), name),
        }
    }
}

/// Warnings for the GIS files of `dir` that are no layer linli reads.
fn unread_files(
    dir: &Path,
    files: &BTreeMap<String, text::Text>,
    sources: &BTreeMap<String, Vec<foreign::Source>>,
) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut known: Vec<String> = files.keys().cloned().collect();
    known.extend(["candidates.geojson".into(), sources::SCENARIO_GPKG.into()]);
    known.extend(
        sources
            .values()
            .flatten()
            .filter_map(|s| s.path.file_name().map(|n| n.to_string_lossy().into_owned())),
    );
    names::unread(&names, &known)
}

/// Options that override `scenario.toml`.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Input CRS, e.g. `EPSG:4547` (the CLI's `--crs`).
    pub crs: Option<String>,
    /// Input lon/lat are GCJ-02 (Chinese web maps), not WGS 84 (`--datum gcj02`).
    pub input_gcj02: bool,
    /// Write outputs in GCJ-02 for overlays on AMap/Tencent (`--output-datum gcj02`).
    pub output_gcj02: bool,
    /// The GIS format and CRS layers are written in (`--format`, `--out-crs`).
    pub output: crate::config::Output,
    /// A standards profile to use over the built-in one instead of the
    /// scenario's `standards.toml` (`--standards FILE`).
    pub standards: Option<std::path::PathBuf>,
}

/// What reading found, for the report.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ReadReport {
    /// Features per layer file.
    pub features: BTreeMap<String, usize>,
    /// Buildings whose households were estimated.
    pub estimated_buildings: usize,
    /// Households estimated.
    pub estimated_households: u64,
    /// Non-fatal findings.
    pub warnings: Vec<String>,
    /// The CRS the layers were converted into (`--crs`, scenario.toml's
    /// `crs`, else the communities' or buildings' own).
    pub scenario_crs: String,
    /// The CRS each layer was read in, by layer file.
    pub crs: BTreeMap<String, String>,
}

/// A scenario read, validated and projected.
#[derive(Debug)]
pub struct Loaded {
    /// The scenario on the metric plane.
    pub scenario: Scenario,
    /// Its parameters.
    pub config: Config,
    /// Plane ↔ lon/lat, for writing outputs.
    pub projector: Projector,
    /// What reading found.
    pub report: ReadReport,
    /// The scenario's folder (or label), as messages name its files.
    pub label: String,
    /// Each community's feature index in communities.geojson.
    pub community_features: Vec<usize>,
}

impl Loaded {
    /// The error for problems a later stage found: files named by the
    /// layer alone get the scenario's folder, and a community named by its
    /// index in the scenario (the blocks stage does so) its feature index.
    ///
    /// ```
    /// use linli::error::Problem;
    /// let loaded = linli::pipeline::load(&linli::demo::files(), &Default::default()).unwrap();
    /// let e = loaded.locate(vec![Problem::feature("communities.geojson", 0, None, "overlaps")]);
    /// assert!(e.to_string().contains("demo/communities.geojson: feature 0: overlaps"), "{e}");
    /// ```
    pub fn locate(&self, problems: Vec<Problem>) -> Error {
        let problems = problems
            .into_iter()
            .map(|mut p| {
                if LAYER_FILES.contains(&p.file.as_str()) {
                    if p.file == "communities.geojson" {
                        p.feature = p
                            .feature
                            .and_then(|c| self.community_features.get(c).copied())
                            .filter(|&i| i != usize::MAX);
                    }
                    p.file = format!("{}/{}", self.label.trim_end_matches('/'), p.file);
                }
                p
            })
            .collect();
        Error::Input(problems)
    }
}

/// A scenario's layers by file name, their CRS, and its plane.
pub type ScenarioLayers = (BTreeMap<String, Vec<RawFeature>>, Crs, crate::config::Plane);

/// Every layer of a scenario as parsed, with all its properties, in the
/// scenario's CRS (the layers in another converted into it), before any
/// validation or projection: for tools that rewrite a scenario's layers
/// (`linli split`). Returns the layers by file name, that CRS, and the
/// local plane the scenario is read on.
///
/// ```
/// let (layers, crs, _plane) = linli::read::scenario_layers(&linli::demo::files(), &Default::default()).unwrap();
/// assert_eq!(crs, linli::project::Crs::LonLat);
/// assert!(layers["buildings.geojson"].len() > 100);
/// ```
pub fn scenario_layers(files: &ScenarioFiles, opts: &ReadOptions) -> Result<ScenarioLayers, Error> {
    let config = read_settings(files, opts)?;
    let silent = crate::model::progress::Silent;
    let (mut layers, mut report, declared) = parse_layers(files, &config, true, &silent)?;
    let given: Option<Crs> = match opts.crs.clone().or(config.crs.clone()) {
        Some(t) => Some(t.parse().map_err(Error::Projection)?),
        None => None,
    };
    let crs = given.unwrap_or_else(|| layer_crs::scenario_crs(&declared));
    into_scenario_crs(files, &mut layers, &declared, (given, crs), &mut report)?;
    let plane = config.plane.unwrap_or_else(|| plane_of(&layers));
    let layers = layers
        .into_iter()
        .map(|(n, fs)| (n.to_string(), fs))
        .collect();
    Ok((layers, crs, plane))
}

/// Reads, validates and projects a scenario.
///
/// The steps: settings; every layer parsed (in parallel); coordinates
/// checked against the CRS; the local plane laid at the data's centre;
/// communities (their borders pinned), buildings, barriers, the walking
/// network and the other layers converted onto it.
pub fn read_scenario(files: &ScenarioFiles, opts: &ReadOptions) -> Result<Loaded, Error> {
    read_scenario_with(files, opts, &crate::model::progress::Silent)
}

/// [`read_scenario`], counting the layers' bytes parsed to `progress`.
pub fn read_scenario_with(
    files: &ScenarioFiles,
    opts: &ReadOptions,
    progress: &dyn crate::model::progress::Progress,
) -> Result<Loaded, Error> {
    let config = read_settings(files, opts)?;
    let (mut layers, mut report, declared) = parse_layers(files, &config, false, progress)?;
    let crs_text = opts.crs.clone().or(config.crs.clone());
    let given: Option<Crs> = match &crs_text {
        Some(t) => Some(t.parse().map_err(Error::Projection)?),
        None => None,
    };
    let crs = given.unwrap_or_else(|| layer_crs::scenario_crs(&declared));
    into_scenario_crs(files, &mut layers, &declared, (given, crs), &mut report)?;
    report.warnings.extend(files.unread.iter().cloned());
    for (name, fs) in layers.iter_mut() {
        layer_crs::rename_fields(fs, &config.field_map(name.trim_end_matches(".geojson")));
        let first = files
            .files
            .get(*name)
            .map(|t| names::first_names(t))
            .unwrap_or_default();
        report
            .warnings
            .extend(names::near_misses(name, &files.path(name), fs, &first));
    }
    let input = InputTransform::new(&crs)?;
    let extent = data_extent(&layers);
    if let (false, Some((lo, hi)), Some(crs)) = (input.is_lonlat(), extent, &crs_text) {
        let source = if opts.crs.is_some() {
            "--crs".to_string()
        } else {
            files.path("scenario.toml")
        };
        if let Some(p) = plausible::lonlat_in_projected(&files.label, lo, hi, crs, &source) {
            return Err(Error::Input(vec![p]));
        }
    }
    let plane = config.plane.as_ref();
    let extent = plane.map(|p| (p.extent[0], p.extent[1])).or(extent);
    let origin = plane.map(|p| (p.origin[0], p.origin[1]));
    let projector = local_plane(&crs, &input, &layers, (origin, extent), opts)?;
    let mut problems: Vec<Problem> = Vec::new();
    let mut ctx = Ctx {
        files,
        problems: &mut problems,
    };
    let (mut scenario, projector) =
        convert_layers(&mut ctx, &mut layers, projector, &config, &mut report);
    error_if_any(problems)?;
    let mut config = config;
    per_community_settings(files, &mut config, &mut scenario)?;
    let community_features = community_features(&layers, &scenario);
    // The parsed layers are millions of small allocations: they are handed
    // back on another thread while the caller goes on (60 ms on a city of
    // 300,000 buildings).
    drop_aside(layers);
    Ok(Loaded {
        scenario,
        config,
        projector,
        report,
        label: files.label.clone(),
        community_features,
    })
}

/// Every layer converted into the scenario's CRS `crs`: a layer is in the
/// CRS it declares, else in the one given (`--crs`, scenario.toml), else in
/// lon/lat (RFC 7946: a GeoJSON layer without a `crs` member is WGS 84),
/// and then must not look projected. `report` records each layer's CRS.
fn into_scenario_crs(
    files: &ScenarioFiles,
    layers: &mut Layers,
    declared: &BTreeMap<String, Crs>,
    (given, crs): (Option<Crs>, Crs),
    report: &mut ReadReport,
) -> Result<(), Error> {
    let mut problems = Vec::new();
    for (name, fs) in layers.iter_mut() {
        if let (Some(&c), Some(g)) = (declared.get(*name), given)
            && c != g
        {
            report.warnings.push(format!(
                "{} declares its CRS as {c}: it is read in that, not in {g} (--crs or scenario.toml's crs); if the file is wrong, set [layers.{}] crs in scenario.toml",
                files.path(name),
                name.trim_end_matches(".geojson")
            ));
        }
        let from = match (declared.get(*name), given) {
            (Some(&c), _) | (None, Some(c)) => c,
            (None, None) => {
                problems.extend(projected_looking(files, name, fs));
                Crs::LonLat
            }
        };
        report.crs.insert(name.to_string(), from.to_string());
        if from != crs
            && let Err(p) = layer_crs::reproject(fs, from, crs, &files.path(name))
        {
            problems.push(p);
        }
    }
    report.scenario_crs = crs.to_string();
    error_if_any(problems)
}

/// `Err` holding `problems`, if there are any.
fn error_if_any(problems: Vec<Problem>) -> Result<(), Error> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Input(problems))
    }
}

/// `[communities]` of scenario.toml and overrides.csv, laid over the
/// settings and the scenario.
fn per_community_settings(
    files: &ScenarioFiles,
    config: &mut Config,
    scenario: &mut Scenario,
) -> Result<(), Error> {
    let csv_file = files.path(overrides::FILE);
    let rows = match files.files.get(overrides::FILE) {
        Some(t) => overrides::rows(t, &csv_file).map_err(Error::Input)?,
        None => Vec::new(),
    };
    let toml_file = files.path("scenario.toml");
    overrides::apply(config, scenario, &rows, (&toml_file, &csv_file)).map_err(Error::Input)
}

/// The parsed layers by file name.
type Layers<'a> = BTreeMap<&'a str, Vec<RawFeature>>;

/// The scenario's settings (`scenario.toml`, else the defaults), once the
/// layers every scenario needs are known to be there.
fn read_settings(files: &ScenarioFiles, opts: &ReadOptions) -> Result<Config, Error> {
    let mut config = match files.files.get("scenario.toml") {
        Some(t) => Config::from_toml_str(t, &files.path("scenario.toml")).map_err(Error::Input)?,
        None => Config::default(),
    };
    config.walking.use_standards(read_standards(files, opts)?);
    let mut problems = Vec::new();
    for required in ["buildings.geojson", "roads.geojson"] {
        if !files.has(required) {
            problems.push(
                Problem::file(files.path(required), "is missing")
                    .with_hint("a scenario needs at least buildings and roads: buildings.geojson and roads.geojson, or .gpkg, .shp or .fgb files of those names, or tables of those names in scenario.gpkg"),
            );
        }
    }
    error_if_any(problems)?;
    Ok(config)
}

/// The standards profile: `--standards FILE`, else the scenario's
/// `standards.toml`, else the built-in one (a file extends the built-in
/// profile, or replaces its kinds).
///
/// ```
/// use linli::read::{ReadOptions, ScenarioFiles, read_standards};
/// let files = ScenarioFiles::from_memory("s", &[("standards.toml", "[circles.5]\nmetres = 250\n")]);
/// let s = read_standards(&files, &ReadOptions::default()).unwrap();
/// assert_eq!(s.circles[&5], 250.0);
/// assert_eq!(s.file, "s/standards.toml");
/// ```
pub fn read_standards(
    files: &ScenarioFiles,
    opts: &ReadOptions,
) -> Result<crate::config::standards::Standards, Error> {
    use crate::config::standards::Standards;
    let base = Standards::builtin();
    let (file, text) = match &opts.standards {
        Some(path) => {
            let text = text::Text::read_capped(path, text::DEFAULT_MAX_BYTES)
                .map_err(|e| e.into_error(path, None))?;
            (path.display().to_string(), text)
        }
        None => match files.files.get("standards.toml") {
            Some(t) => (files.path("standards.toml"), t.clone()),
            None => return Ok(base),
        },
    };
    Standards::parse(&text, &file, &base).map_err(Error::Input)
}

/// Every layer present, parsed in parallel (taken in the fixed order), with
/// the feature counts and the CRS each declares (its file, or
/// `[layers.<name>] crs`); the layers a scenario needs must not be empty.
fn parse_layers(
    files: &ScenarioFiles,
    config: &Config,
    all_properties: bool,
    progress: &dyn crate::model::progress::Progress,
) -> Result<(Layers<'static>, ReadReport, BTreeMap<String, Crs>), Error> {
    use rayon::prelude::*;
    let present: Vec<(&str, Input)> = LAYER_FILES
        .iter()
        .filter(|n| n.ends_with(".geojson"))
        .filter_map(|&n| match (files.files.get(n), files.sources.get(n)) {
            _ if files.given.contains_key(n) => Some((n, Input::Given(&files.given[n]))),
            (Some(t), _) => Some((n, Input::GeoJson(t))),
            (None, Some(s)) => Some((n, Input::Other(s.as_slice()))),
            _ => None,
        })
        .collect();
    progress.begin(
        "reading the scenario",
        present.iter().map(|(_, i)| i.bytes()).sum(),
        "bytes",
    );
    let parsed: Vec<(&str, Parsed)> = present
        .into_par_iter()
        .map(|(name, input)| {
            // A field map names properties the lean reader would drop.
            let stem = name.trim_end_matches(".geojson");
            let keep = kept_properties(name)
                .filter(|_| !all_properties && config.field_map(stem).is_empty());
            let layer = input.parse(&files.path(name), name, keep);
            progress.advance(input.bytes());
            (name, layer)
        })
        .collect();
    let mut layers = BTreeMap::new();
    let mut report = ReadReport::default();
    let mut declared = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, result) in parsed {
        let (fs, crs) = match result {
            Ok(x) => x,
            Err(p) => {
                problems.extend(p);
                continue;
            }
        };
        let needed = ["buildings.geojson", "roads.geojson", "communities.geojson"];
        if fs.is_empty() && needed.contains(&name) {
            problems.push(
                Problem::file(files.path(name), "has no features").with_hint(
                    "this layer cannot be empty; remove the file if the layer is optional",
                ),
            );
        }
        let stem = name.trim_end_matches(".geojson");
        // scenario.toml's word on a layer's CRS is over its file's.
        let set = config.layers.get(stem).and_then(|l| l.crs.as_ref());
        match (set.map(|c| c.parse::<Crs>()), crs) {
            (Some(Ok(c)), _) => {
                declared.insert(name.to_string(), c);
            }
            (_, Some(Ok(c))) => {
                declared.insert(name.to_string(), c);
            }
            (_, Some(Err(e))) => problems.push(Problem::file(files.path(name), e).with_hint(
                "give the layer's CRS in scenario.toml ([layers.NAME] crs = \"EPSG:…\")",
            )),
            _ => {}
        }
        report.features.insert(name.to_string(), fs.len());
        layers.insert(name, fs);
    }
    error_if_any(problems)?;
    Ok((layers, report, declared))
}

/// A layer parsed: its features and the CRS its file declares.
type Parsed = Result<(Vec<RawFeature>, Option<Result<Crs, String>>), Vec<Problem>>;

/// A layer from one file or several, numbered on from one to the next;
/// a part in another CRS than the first's converted into it.
fn read_parts(
    parts: &[foreign::Source],
    name: &str,
    keep: lean::Keep,
) -> Result<(Vec<RawFeature>, Option<Crs>), Vec<Problem>> {
    let mut all: Vec<RawFeature> = Vec::new();
    let mut crs = None;
    for part in parts {
        let mut l = sources::read(part, name, keep)?;
        match (crs, l.crs) {
            (None, c) => crs = c,
            (Some(first), Some(c)) if c != first => {
                layer_crs::reproject(&mut l.features, c, first, &part.label())
                    .map_err(|p| vec![p])?;
            }
            _ => {}
        }
        let offset = all.len();
        all.extend(l.features.into_iter().map(|mut f| {
            f.index += offset;
            f
        }));
    }
    Ok((all, crs))
}

/// Where a layer's features come from.
enum Input<'a> {
    GeoJson(&'a text::Text),
    Other(&'a [foreign::Source]),
    Given(&'a foreign::ForeignLayer),
}

impl Input<'_> {
    /// Its size, for the progress of reading.
    fn bytes(&self) -> u64 {
        match self {
            Input::GeoJson(t) => t.len() as u64,
            Input::Other(s) => s
                .iter()
                .map(|s| std::fs::metadata(&s.path).map_or(0, |m| m.len()))
                .sum(),
            Input::Given(l) => l.features.len() as u64,
        }
    }

    /// Its features and the CRS its file declares.
    fn parse(&self, label: &str, name: &str, keep: lean::Keep) -> Parsed {
        match self {
            Input::GeoJson(t) => {
                let fs = parse_layer_keeping(label, t, keep)?;
                Ok((fs, layer_crs::crs_member(t)))
            }
            Input::Other(parts) => {
                let (fs, crs) = read_parts(parts, name, keep)?;
                Ok((fs, crs.map(Ok)))
            }
            Input::Given(l) => Ok((l.features.clone(), l.crs.map(Ok))),
        }
    }
}

/// For a layer read as lon/lat: its first coordinate that looks like
/// projected metres, with the EPSG code it may be in.
fn projected_looking(files: &ScenarioFiles, name: &str, fs: &[RawFeature]) -> Option<Problem> {
    let mut bad: Option<(usize, Option<String>, f64, f64)> = None;
    for f in fs {
        layer::for_each_position(&f.geometry, &mut |p| {
            let s = p.as_slice();
            if bad.is_none() && s.len() >= 2 && looks_projected(s[0], s[1]) {
                bad = Some((f.index, f.id.clone(), s[0], s[1]));
            }
        });
        if bad.is_some() {
            break;
        }
    }
    let (i, id, x, y) = bad?;
    let stem = name.trim_end_matches(".geojson");
    let hint = match suggest_epsg(x, y) {
        Some(code) => format!(
            "these look like projected metres; pass --crs EPSG:{code} (or set crs in scenario.toml, or [layers.{stem}] crs for this layer alone)"
        ),
        None => format!(
            "these look like projected metres; pass --crs EPSG:… with the layer's projection (e.g. EPSG:4549 for CGCS2000 Gauss-Krüger CM 120°E), or [layers.{stem}] crs in scenario.toml for this layer alone"
        ),
    };
    let what = format!(
        "coordinate ({}, {}) is not a longitude/latitude",
        crate::error::show(x),
        crate::error::show(y)
    );
    Some(Problem::feature(files.path(name), i, id, what).with_hint(hint))
}

/// Every layer's extent together, in the input CRS.
fn data_extent(layers: &Layers) -> Option<([f64; 2], [f64; 2])> {
    layers
        .values()
        .filter_map(|fs| layer::extent(fs))
        .reduce(|(a, b), (c, d)| {
            (
                [a[0].min(c[0]), a[1].min(c[1])],
                [b[0].max(d[0]), b[1].max(d[1])],
            )
        })
}

/// Lower-left and upper-right corners.
type Extent = ([f64; 2], [f64; 2]);

/// The plane [`local_plane`] lays over `layers` by itself.
fn plane_of(layers: &Layers) -> crate::config::Plane {
    let origin_layer = if layers.contains_key("communities.geojson") {
        "communities.geojson"
    } else {
        "buildings.geojson"
    };
    let (cx, cy) = layers
        .get(origin_layer)
        .and_then(|l| layer::centre(l))
        .unwrap_or((0.0, 0.0));
    let (lo, hi) = data_extent(layers).unwrap_or(([cx, cy], [cx, cy]));
    crate::config::Plane {
        origin: [cx, cy],
        extent: [lo, hi],
    }
}

/// The local plane, its origin at the centre of the communities (else the
/// buildings) or as scenario.toml's `[plane]` gives it; inside the data's
/// extent positions convert through a fit of the exact conversion (0.1 µm),
/// outputs near it back the same way.
fn local_plane(
    crs: &Crs,
    input: &InputTransform,
    layers: &Layers,
    (origin, extent): (Option<(f64, f64)>, Option<Extent>),
    opts: &ReadOptions,
) -> Result<Projector, Error> {
    let origin_layer = if layers.contains_key("communities.geojson") {
        "communities.geojson"
    } else {
        "buildings.geojson"
    };
    let centre = || layer::centre(&layers[origin_layer]).unwrap_or((0.0, 0.0));
    let (cx, cy) = origin.unwrap_or_else(centre);
    let (olon, olat) = input.to_lonlat(cx, cy)?;
    let projector =
        Projector::new(crs, olon, olat)?.with_gcj02(opts.input_gcj02, opts.output_gcj02);
    Ok(match extent {
        Some((lo, hi)) => projector.fitted_to(lo, hi),
        None => projector,
    })
}

/// Every layer converted onto the plane into the scenario; the projector
/// comes back pinned to the communities' borders as given.
fn convert_layers(
    ctx: &mut Ctx,
    layers: &mut Layers,
    projector: Projector,
    config: &Config,
    report: &mut ReadReport,
) -> (Scenario, Projector) {
    let exact_or_fitted = projector.clone();
    let f = layer::plane_fn(&exact_or_fitted);
    let conv = Converter { f: &f };
    let mut scenario = Scenario::default();
    let mut pins = crate::project::pins::Pins::default();
    if let Some(fs) = layers.get("communities.geojson") {
        let max_km = config.limits.max_community_km;
        scenario.communities = read_communities(ctx, fs, &conv, &mut pins, max_km);
    }
    let buildings = layers.remove("buildings.geojson").unwrap_or_default();
    let building_names = names_by_id(&buildings, "name");
    let populations = populations_of(ctx, &buildings);
    scenario.buildings = read_buildings(ctx, buildings, &conv, config, report);
    scenario.populations = by_building(&scenario.buildings, populations);
    read_barriers(ctx, layers, &conv, config, &mut scenario);
    scenario.labels = labels(layers, &conv, &scenario, &building_names);
    read_other_layers(ctx, layers, (&conv, &mut pins), &mut scenario, report);
    if let Some(fs) = layers.get("communities.geojson") {
        report.warnings.extend(thin_data_warning(fs));
        report.warnings.extend(unnamed_communities(
            fs,
            &ctx.files.path("communities.geojson"),
        ));
    }
    if let Some(w) = no_households(&scenario) {
        report.warnings.push(w);
    }
    // Before a community is made over the buildings' whole extent.
    for (file, far) in plausible::far_outside(&scenario, &config.limits) {
        report.warnings.extend(far.warning(
            &ctx.files.path(file),
            &format!(
                "features lie more than {} km outside the scenario (the communities' extent, else the middle 98 % of the buildings); they are kept, check their coordinates",
                crate::error::show(config.limits.far_outside_km)
            ),
        ));
    }
    if scenario.communities.is_empty()
        && ctx.problems.is_empty()
        && let Some(c) = whole_extent_community(&scenario)
    {
        report.warnings.push(
                "no communities.geojson: the whole extent of the buildings is treated as one urban community".into(),
            );
        scenario.communities.push(c);
    }
    (scenario, projector.with_pins(pins))
}

/// The communities whose buildings look thinly mapped (their `completeness`
/// under [`crate::model::THIN_COMPLETENESS`], households not calibrated to
/// known totals), in one warning.
fn thin_data_warning(fs: &[RawFeature]) -> Option<String> {
    let thin: Vec<String> = fs
        .iter()
        .filter(|f| f.properties.get("households_calibrated") != Some(&Value::Bool(true)))
        .filter_map(|f| {
            let x = f.properties.get("completeness")?.as_f64()?;
            (x < crate::model::THIN_COMPLETENESS).then(|| {
                let name = str_prop(&f.properties, &["name"]).unwrap_or_else(|| community_id(f));
                format!("{name} (~{:.0}%)", x * 100.0)
            })
        })
        .collect();
    if thin.is_empty() {
        return None;
    }
    let more = thin.len().saturating_sub(8);
    let mut list = thin.into_iter().take(8).collect::<Vec<_>>().join(", ");
    if more > 0 {
        list.push_str(&format!(" and {more} more"));
    }
    Some(format!(
        "buildings look thinly mapped in {list} (communities.geojson's completeness): households there are a floor, not an estimate; give import-osm --households-total or a community totals CSV (--households-csv)"
    ))
}

/// Roads (barriers and the walking network), water, rail and landmarks.
fn read_barriers(
    ctx: &mut Ctx,
    layers: &Layers,
    conv: &Converter,
    config: &Config,
    scenario: &mut Scenario,
) {
    let b = &config.barriers;
    // Roads are converted once, for the barriers and the walking network.
    let road_fs: &[RawFeature] = layers.get("roads.geojson").map_or(&[], |v| v.as_slice());
    let mut road_lines = convert_lines(road_fs, conv, Takes::Lines);
    read_converted_lines(
        ctx,
        ("roads.geojson", Takes::Lines),
        road_fs,
        &road_lines,
        &mut scenario.barriers,
        |props| {
            let class = prop_text(props, &["class", "highway"]).unwrap_or_default();
            if class == "rail" || class == "railway" {
                Barrier {
                    level: b.rail,
                    kind: BarrierKind::Rail,
                }
            } else {
                Barrier {
                    level: b.level(BarrierKind::Road, &class),
                    kind: BarrierKind::Road,
                }
            }
        },
    );
    // Conversion problems were reported just above.
    scenario.walkways = walkways(road_fs, &mut road_lines);
    let layer_barriers = [
        ("water.geojson", Takes::Both, b.water, BarrierKind::Water),
        ("rail.geojson", Takes::Lines, b.rail, BarrierKind::Rail),
        (
            "landmarks.geojson",
            Takes::Areas,
            b.landmark,
            BarrierKind::Landmark,
        ),
    ];
    for (file, takes, level, kind) in layer_barriers {
        let barrier = Barrier { level, kind };
        read_lines(
            ctx,
            (file, takes),
            layers,
            conv,
            &mut scenario.barriers,
            |_| barrier,
        );
    }
}

/// Each feature's text property `key`, by feature id.
/// Persons of each special population (`elderly`, `children`) per
/// building id, for the populations some building gives; a value that is
/// no count of persons is a problem naming the building.
fn populations_of(ctx: &mut Ctx, fs: &[RawFeature]) -> Vec<(String, HashMap<String, u32>)> {
    let mut out = Vec::new();
    for &p in crate::config::standards::POPULATIONS {
        let mut m = HashMap::new();
        for f in fs {
            match num_prop(&f.properties, p) {
                Ok(Some(v)) => {
                    let id = f.id.clone().unwrap_or_else(|| format!("b{}", f.index));
                    m.insert(id, v.round().min(f64::from(u32::MAX)) as u32);
                }
                Ok(None) => {}
                Err(e) => {
                    ctx.feature("buildings.geojson", f, e).hint =
                        Some(format!("{p} is a count of persons living in the building"));
                }
            }
        }
        if !m.is_empty() {
            out.push((p.to_string(), m));
        }
    }
    out
}

/// The populations per building, in building order (0 where a building
/// gives none).
fn by_building(
    buildings: &[Building],
    populations: Vec<(String, HashMap<String, u32>)>,
) -> BTreeMap<String, Vec<u32>> {
    populations
        .into_iter()
        .map(|(p, m)| {
            let per = buildings
                .iter()
                .map(|b| m.get(&b.id).copied().unwrap_or(0))
                .collect();
            (p, per)
        })
        .collect()
}

fn names_by_id(fs: &[RawFeature], key: &str) -> HashMap<String, String> {
    fs.iter()
        .filter_map(|f| Some((f.id.clone()?, str_prop(&f.properties, &[key])?)))
        .collect()
}

/// The names and codes of the roster: buildings' names, communities'
/// division codes, named roads.
fn labels(
    layers: &Layers,
    conv: &Converter,
    scenario: &Scenario,
    building_names: &HashMap<String, String>,
) -> Labels {
    let codes = layers
        .get("communities.geojson")
        .map(|fs| {
            fs.iter()
                .map(|f| {
                    let code = f.properties.get("code").and_then(|v| match v {
                        Value::String(s) => Some(s.trim().to_string()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    });
                    (community_id(f), code)
                })
                .collect::<HashMap<String, Option<String>>>()
        })
        .unwrap_or_default();
    let roads = layers
        .get("roads.geojson")
        .map(|fs| {
            fs.iter()
                .filter_map(|f| {
                    let name = str_prop(&f.properties, &["name"])?;
                    let lines = conv.lineal(&f.geometry)?.ok()?;
                    Some(lines.into_iter().map(move |l| (l, name.clone())))
                })
                .flatten()
                .collect()
        })
        .unwrap_or_default();
    Labels {
        building_names: scenario
            .buildings
            .iter()
            .map(|b| building_names.get(&b.id).cloned().unwrap_or_default())
            .collect(),
        community_codes: scenario
            .communities
            .iter()
            .map(|c| codes.get(&c.id).cloned().flatten())
            .collect(),
        roads,
        grid_codes: layers
            .get("neighborhoods.geojson")
            .map(|fs| {
                fs.iter()
                    .filter_map(|f| Some((parcel_id(f), str_prop(&f.properties, &["code"])?)))
                    .filter(|(_, c)| !c.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The walking network: every road line with its class and `walkable`.
fn walkways(road_fs: &[RawFeature], road_lines: &mut [LineConv]) -> Vec<Walkway> {
    use rayon::prelude::*;
    road_fs
        .par_iter()
        .zip(road_lines.par_iter_mut())
        .with_min_len(1024)
        .flat_map_iter(|(f, c)| {
            let ls = match c.take() {
                Some((true, Ok(ls))) => ls,
                _ => Vec::new(),
            };
            let mut class = if ls.is_empty() {
                String::new()
            } else {
                str_prop(&f.properties, &["class", "highway"]).unwrap_or_default()
            };
            // `walkable` (true/false, as import-osm writes it) decides
            // over the class when present.
            let walkable = match f.properties.get("walkable") {
                Some(Value::Bool(b)) => Some(*b),
                Some(Value::String(s)) if matches!(s.as_str(), "yes" | "no") => Some(s == "yes"),
                _ => None,
            };
            let level = walk_level(&f.properties);
            // The last piece (nearly always the only one) takes the class.
            let last = ls.len().saturating_sub(1);
            ls.into_iter().enumerate().map(move |(k, line)| Walkway {
                line,
                class: if k == last {
                    std::mem::take(&mut class)
                } else {
                    class.clone()
                },
                walkable,
                level,
            })
        })
        .collect()
}

/// A road's vertical level: `layer` (a whole number from -5 to 5, OSM's
/// range), else 1 on a bridge and -1 in a tunnel (`bridge`/`tunnel` other
/// than "no"; a building passage is at street level), else 0.
fn walk_level(props: &layer::Properties) -> i8 {
    let yes = |key: &str| match props.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => {
            !matches!(s.trim(), "" | "no" | "false" | "0" | "building_passage")
        }
        Some(Value::Number(n)) => n.as_f64().is_some_and(|v| v != 0.0),
        _ => false,
    };
    let layer = match props.get("layer") {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|v| v.fract() == 0.0 && (-5.0..=5.0).contains(v));
    match layer {
        Some(v) => v as i8,
        None if yes("bridge") => 1,
        None if yes("tunnel") => -1,
        None => 0,
    }
}

/// Compounds, facilities, ready-made blocks, the existing grid and staff.
fn read_other_layers(
    ctx: &mut Ctx,
    layers: &Layers,
    (conv, pins): (&Converter, &mut crate::project::pins::Pins),
    scenario: &mut Scenario,
    report: &mut ReadReport,
) {
    if let Some(fs) = layers.get("compounds.geojson") {
        scenario.compounds = read_compounds(ctx, fs, conv);
    }
    if let Some(fs) = layers.get("facilities.geojson") {
        scenario.facilities = read_facilities(ctx, fs, conv);
    }
    for (file, parcels, locked) in [
        ("blocks.geojson", &mut scenario.parcels, None),
        (
            "neighborhoods.geojson",
            &mut scenario.existing_neighborhoods,
            Some(&mut scenario.locked_neighborhoods),
        ),
    ] {
        if let Some(fs) = layers.get(file) {
            let mut fractional = plausible::Tally::default();
            let conv = (conv, locked.is_some().then_some(&mut *pins));
            let (read, locks) = read_parcels(ctx, file, fs, conv, &mut fractional);
            *parcels = read;
            if let Some(l) = locked {
                *l = locks;
            }
            report.warnings.extend(fractional.warning(
                &ctx.files.path(file),
                "polygons have households that are not whole numbers; each was rounded to the nearest whole household",
            ));
        }
    }
    if let Some(text) = ctx.files.files.get("staff.csv") {
        // Every community id in the file, also of features rejected above.
        let listed: Vec<String> = layers
            .get("communities.geojson")
            .map(|fs| fs.iter().map(community_id).collect())
            .unwrap_or_default();
        read_staff(ctx, text, &mut scenario.communities, &listed);
    }
}

/// Each community's feature index in communities.geojson (`usize::MAX` for
/// one made over the buildings' extent).
fn community_features(layers: &Layers, scenario: &Scenario) -> Vec<usize> {
    let Some(fs) = layers.get("communities.geojson") else {
        return Vec::new();
    };
    let index: HashMap<String, usize> = fs
        .iter()
        .rev()
        .map(|f| (community_id(f), f.index))
        .collect();
    scenario
        .communities
        .iter()
        .map(|c| index.get(&c.id).copied().unwrap_or(usize::MAX))
        .collect()
}

/// Drops `v` on a thread of its own (here, if none can be started: the
/// closure holding it is dropped then).
fn drop_aside<T: Send + 'static>(v: T) {
    let _ = std::thread::Builder::new()
        .name("linli-drop".into())
        .spawn(move || drop(v));
}

struct Ctx<'a> {
    files: &'a ScenarioFiles,
    problems: &'a mut Vec<Problem>,
}

impl Ctx<'_> {
    fn feature(&mut self, file: &str, f: &RawFeature, what: impl Into<String>) -> &mut Problem {
        self.feature_at(file, (f.index, f.id.clone()), what)
    }

    /// [`Ctx::feature`] by the feature's index and id.
    fn feature_at(&mut self, file: &str, (index, id): At, what: impl Into<String>) -> &mut Problem {
        self.problems
            .push(Problem::feature(self.files.path(file), index, id, what));
        self.problems.last_mut().expect("just pushed")
    }

    fn wrong_type(&mut self, file: &str, f: &RawFeature, expected: &str) {
        let at = (f.index, f.id.clone());
        self.wrong_type_at(file, at, type_name(&f.geometry), expected);
    }

    fn wrong_type_at(&mut self, file: &str, at: At, found: &str, expected: &str) {
        self.feature_at(
            file,
            at,
            format!("is a {found}; this layer takes {expected}"),
        )
        .hint = Some(format!(
            "move {found} features to the right layer, or convert them"
        ));
    }

    /// Reports duplicate ids in a layer: each repeat names the feature that
    /// last had its id before it.
    fn check_ids(&mut self, file: &str, fs: &[RawFeature]) {
        use rayon::prelude::*;
        // Sorting beats hashing fifty thousand ids, and parallelises.
        let mut ids: Vec<(&str, usize)> = fs
            .iter()
            .enumerate()
            .filter_map(|(k, f)| f.id.as_deref().map(|id| (id, k)))
            .collect();
        ids.par_sort_unstable();
        let mut repeats: Vec<(usize, usize)> = ids
            .windows(2)
            .filter(|w| w[0].0 == w[1].0)
            .map(|w| (w[1].1, fs[w[0].1].index))
            .collect();
        repeats.sort_unstable();
        for (k, first) in repeats {
            self.feature(file, &fs[k], format!("repeats the id of feature {first}"))
                .hint = Some("ids must be unique within a layer".into());
        }
    }
}

fn str_prop(props: &layer::Properties, keys: &[&str]) -> Option<String> {
    prop_text(props, keys).map(std::borrow::Cow::into_owned)
}

/// [`str_prop`] borrowed from the properties where it can be (a string).
fn prop_text<'a>(props: &'a layer::Properties, keys: &[&str]) -> Option<std::borrow::Cow<'a, str>> {
    use std::borrow::Cow;
    keys.iter().find_map(|k| match props.get(k) {
        Some(Value::String(s)) => Some(Cow::Borrowed(s.trim())),
        Some(Value::Number(n)) => Some(Cow::Owned(n.to_string())),
        _ => None,
    })
}

/// A facility's capacity in households: `capacity`, else
/// `capacity_persons` over the census household size (rounded down: a
/// place for part of a household serves none).
fn facility_capacity(props: &layer::Properties) -> Result<Option<u64>, String> {
    // Spreadsheets and shapefiles write "" for a cell left empty: no limit.
    let given = |k: &str| -> Result<Option<f64>, String> {
        match props.get(k) {
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            _ => num_prop(props, k),
        }
    };
    if let Some(c) = given("capacity")? {
        return Ok(Some(c.floor() as u64));
    }
    let persons = given("capacity_persons")?;
    Ok(persons.map(|p| (p / crate::model::PERSONS_PER_HOUSEHOLD).floor() as u64))
}

/// A non-negative finite number property: Ok(None) when absent or null.
fn num_prop(props: &layer::Properties, key: &str) -> Result<Option<f64>, String> {
    match props.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => {
            let v = n.as_f64().unwrap_or(f64::NAN);
            if !v.is_finite() {
                Err(format!("{key} is not a finite number"))
            } else if v < 0.0 {
                Err(format!("{key} is negative ({v})"))
            } else {
                Ok(Some(v))
            }
        }
        Some(Value::String(s)) => match s.trim().parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
            Ok(v) if v < 0.0 => Err(format!("{key} is negative ({v})")),
            _ => Err(format!("{key} is {s:?}, not a number")),
        },
        Some(other) => Err(format!("{key} is {other}, not a number")),
    }
}

/// Geometry validity in metres (self-intersection, holes outside, …).
fn check_valid(ctx: &mut Ctx, file: &str, f: &RawFeature, mp: &MultiPolygon<f64>) -> bool {
    match invalid_part(mp) {
        Some(e) => {
            ctx.feature(file, f, e).hint =
                Some("fix it in a GIS (e.g. QGIS \"Fix geometries\") and try again".into());
            false
        }
        None => true,
    }
}

/// The message for the first invalid part of `mp`, if any.
fn invalid_part(mp: &MultiPolygon<f64>) -> Option<String> {
    for (k, p) in mp.0.iter().enumerate() {
        if let Err(e) = validity::check_polygon(p) {
            let part = if mp.0.len() > 1 {
                format!(" (part {k})")
            } else {
                String::new()
            };
            return Some(format!("invalid polygon{part}: {e}"));
        }
    }
    None
}

/// A building's geometry converted: footprint (largest part) and location.
enum BuildingGeom {
    Ok(Option<Polygon<f64>>, Point<f64>),
    /// A conversion problem.
    Problem(String),
    /// An invalid polygon (reported with the fix-it hint).
    Invalid(String),
    WrongType,
}

fn building_geom(conv: &Converter, g: &GeometryValue) -> BuildingGeom {
    match g {
        GeometryValue::Point { coordinates } => match conv.point(coordinates) {
            Ok(p) => BuildingGeom::Ok(None, p),
            Err(e) => BuildingGeom::Problem(e),
        },
        g => match conv.areal(g) {
            Some(Ok(mp)) => {
                if let Some(e) = invalid_part(&mp) {
                    return BuildingGeom::Invalid(e);
                }
                let Some(c) = mp.centroid() else {
                    return BuildingGeom::Problem("footprint has no area".into());
                };
                // The largest part stands for the footprint.
                let main =
                    mp.0.into_iter()
                        .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()));
                BuildingGeom::Ok(main, c)
            }
            Some(Err(e)) => BuildingGeom::Problem(e),
            None => BuildingGeom::WrongType,
        },
    }
}

/// Communities, their borders densified and pinned (see
/// [`crate::project::pins`]).
fn read_communities(
    ctx: &mut Ctx,
    fs: &[RawFeature],
    conv: &Converter,
    pins: &mut crate::project::pins::Pins,
    max_community_km: f64,
) -> Vec<Community> {
    const FILE: &str = "communities.geojson";
    ctx.check_ids(FILE, fs);
    let mut out = Vec::new();
    let max_m = max_community_km * 1000.0;
    for f in fs {
        // Before its border is densified (a border across a continent
        // would be millions of points).
        if let Some(d) = plausible::span_m(&f.geometry, conv).filter(|&d| d > max_m || d.is_nan()) {
            ctx.feature(
                FILE,
                f,
                format!(
                    "spans {} km, more than a community may ({} km)",
                    crate::error::show((d / 1000.0).round()),
                    crate::error::show(max_community_km)
                ),
            )
            .hint = Some("check its coordinates (a vertex at 0, 0 or in the wrong order?); if it is right, raise [limits] max_community_km in scenario.toml".into());
            continue;
        }
        let area = match conv.areal(&f.geometry) {
            Some(Ok(a)) => a,
            Some(Err(e)) => {
                ctx.feature(FILE, f, e);
                continue;
            }
            None => {
                ctx.wrong_type(FILE, f, "Polygon or MultiPolygon");
                continue;
            }
        };
        // Checked as given (densified rings hold many more vertices, and
        // the same shape).
        if !check_valid(ctx, FILE, f, &area) {
            continue;
        }
        let area = match conv.border_areal(&f.geometry, Some(&mut *pins)) {
            Some(Ok(a)) => a,
            Some(Err(e)) => {
                ctx.feature(FILE, f, e);
                continue;
            }
            None => continue,
        };
        let id = community_id(f);
        let Some(kind) = community_kind(ctx, f) else {
            continue;
        };
        let social_workers = social_workers(ctx, f);
        out.push(Community {
            name: str_prop(&f.properties, &["name"]).unwrap_or_else(|| id.clone()),
            street: str_prop(&f.properties, &["street"]).unwrap_or_default(),
            id,
            kind,
            social_workers,
            area,
        });
    }
    out
}

/// A community's `kind` (urban when absent); `None` after reporting one
/// not known.
fn community_kind(ctx: &mut Ctx, f: &RawFeature) -> Option<CommunityKind> {
    let Some(k) = str_prop(&f.properties, &["kind"]) else {
        return Some(CommunityKind::Urban);
    };
    let kind = CommunityKind::parse(&k);
    if kind.is_none() {
        ctx.feature("communities.geojson", f, format!("kind {k:?} is not known"))
            .hint = Some("use urban, rural or resettlement".into());
    }
    kind
}

/// A community's `social_workers`, a whole number (a problem reported
/// otherwise).
fn social_workers(ctx: &mut Ctx, f: &RawFeature) -> Option<u32> {
    const FILE: &str = "communities.geojson";
    match num_prop(&f.properties, "social_workers") {
        Ok(Some(v)) => {
            match whole_count(&v.to_string(), crate::config::ranges::MAX_SOCIAL_WORKERS) {
                Ok(w) => Some(w as u32),
                Err(e) => {
                    ctx.feature(FILE, f, format!("social_workers {e}"));
                    None
                }
            }
        }
        Ok(None) => None,
        Err(e) => {
            ctx.feature(FILE, f, e);
            None
        }
    }
}

/// A community's id: its `id`, or `C<n>` numbered from 1.
/// The warning for communities without an `id`: they are named `C<n>` by
/// their place in the file, which changes when the file does.
fn unnamed_communities(fs: &[RawFeature], file: &str) -> Option<String> {
    let mut t = plausible::Tally::default();
    for f in fs.iter().filter(|f| f.id.is_none()) {
        t.note(|| format!("feature {} named {}", f.index, community_id(f)));
    }
    t.warning(
        file,
        "communities have no id and are named by their place in the file (C1, C2, …), so a neighborhood's code changes when the file does; give each an id property (its 12-digit division code, where it has one)",
    )
}

/// The warning for a scenario without a single household: every
/// neighborhood is then empty and no band can be met.
fn no_households(s: &Scenario) -> Option<String> {
    let any = s.buildings.iter().any(|b| b.households > 0);
    (!any && !s.buildings.is_empty()).then(|| {
        format!(
            "all {} buildings have 0 households, so every neighborhood is empty and none can reach the band: give homes a households property, or levels and a footprint with use = residential (non-residential uses count 0)",
            s.buildings.len()
        )
    })
}

fn community_id(f: &RawFeature) -> String {
    f.id.clone().unwrap_or_else(|| format!("C{}", f.index + 1))
}

fn read_buildings(
    ctx: &mut Ctx,
    fs: Vec<RawFeature>,
    conv: &Converter,
    config: &Config,
    report: &mut ReadReport,
) -> Vec<Building> {
    const FILE: &str = "buildings.geojson";
    ctx.check_ids(FILE, &fs);
    // Buildings are read in parallel; problems are reported in input order.
    // Each feature is used up as it is read: its id moves into the
    // building, and the rest is freed while the memory is warm, for the
    // buildings to reuse.
    let read: Vec<BuildingRead> = {
        use rayon::prelude::*;
        fs.into_par_iter()
            .with_min_len(256)
            .map(|f| read_building(f, conv, config))
            .collect()
    };
    let mut out = Vec::with_capacity(read.len());
    let (mut fractional, mut no_area) = (plausible::Tally::default(), plausible::Tally::default());
    for r in read {
        match r {
            BuildingRead::Ok(b, odd) => {
                if b.estimated {
                    report.estimated_buildings += 1;
                    report.estimated_households += u64::from(b.households);
                }
                if let Some(h) = odd.fractional {
                    fractional.note(|| format!("{} {}", b.id, crate::error::show(h)));
                }
                if odd.no_area {
                    no_area.note(|| b.id.clone());
                }
                out.push(b);
            }
            BuildingRead::Problem(at, e, hint) => {
                ctx.feature_at(FILE, at, e).hint = hint.map(str::to_owned)
            }
            BuildingRead::WrongType(at, found) => {
                ctx.wrong_type_at(FILE, at, found, "Polygon, MultiPolygon or Point")
            }
        }
    }
    let file = ctx.files.path(FILE);
    report.warnings.extend(fractional.warning(
        &file,
        "buildings have households that are not whole numbers; each was rounded to the nearest whole household",
    ));
    report.warnings.extend(no_area.warning(
        &file,
        &format!(
            "footprints have no area (under {} m²); each building stands at its footprint's centre, and an estimate from it is 0 households",
            plausible::NO_AREA_M2
        ),
    ));
    out
}

/// What is valid but odd about a building read, for counted warnings.
#[derive(Default)]
struct Odd {
    /// Its `households` when not a whole number.
    fractional: Option<f64>,
    /// Its footprint has (almost) no area.
    no_area: bool,
}

/// A feature's place in its layer, for messages: index and id.
type At = (usize, Option<String>);

/// One building read, or what is wrong with it (and a hint).
enum BuildingRead {
    Ok(Building, Odd),
    Problem(At, String, Option<&'static str>),
    /// The geometry type found.
    WrongType(At, &'static str),
}

fn read_building(f: RawFeature, conv: &Converter, config: &Config) -> BuildingRead {
    let at = |f: RawFeature| (f.index, f.id);
    let (footprint, location) = match building_geom(conv, &f.geometry) {
        BuildingGeom::Ok(footprint, location) => (footprint, location),
        BuildingGeom::Problem(e) => return BuildingRead::Problem(at(f), e, None),
        BuildingGeom::Invalid(e) => {
            return BuildingRead::Problem(
                at(f),
                e,
                Some("fix it in a GIS (e.g. QGIS \"Fix geometries\") and try again"),
            );
        }
        BuildingGeom::WrongType => {
            let found = type_name(&f.geometry);
            return BuildingRead::WrongType(at(f), found);
        }
    };
    let use_ = match f.properties.get("use") {
        None => "residential".to_string(),
        Some(_) => str_prop(&f.properties, &["use"])
            .unwrap_or_else(|| "residential".into())
            .to_lowercase(),
    };
    let levels = match num_prop(&f.properties, "levels") {
        Ok(v) => v,
        Err(e) => return BuildingRead::Problem(at(f), e, None),
    };
    let no_area = footprint
        .as_ref()
        .is_some_and(|p| p.unsigned_area() < plausible::NO_AREA_M2);
    let mut odd = Odd {
        no_area,
        ..Odd::default()
    };
    let given = Given {
        properties: &f.properties,
        footprint: footprint.as_ref(),
        levels,
        use_: &use_,
    };
    let (households, estimated) = match building_households(&given, config, &mut odd) {
        Ok(h) => h,
        Err((what, hint)) => return BuildingRead::Problem(at(f), what, hint),
    };
    let index = f.index;
    let b = Building {
        id: f.id.unwrap_or_else(|| format!("b{index}")),
        footprint,
        location,
        households,
        estimated,
        use_,
    };
    BuildingRead::Ok(b, odd)
}

/// What a building's households are judged from.
struct Given<'a> {
    properties: &'a layer::Properties,
    footprint: Option<&'a Polygon<f64>>,
    levels: Option<f64>,
    use_: &'a str,
}

/// A building's households and whether they are an estimate: as given
/// (rounded, a fraction noted in `odd`), else estimated from its footprint
/// and levels; above the limit or impossible to tell is a problem (what,
/// hint).
fn building_households(
    b: &Given,
    config: &Config,
    odd: &mut Odd,
) -> Result<(u32, bool), (String, Option<&'static str>)> {
    // Households given with a source other than `tagged` (import-osm's
    // estimates) are still estimates.
    let given_estimate = prop_text(b.properties, &["households_source"])
        .is_some_and(|s| !matches!(&*s, "tagged" | "given" | "census" | "roster"));
    let max = config.limits.max_households_per_building;
    match num_prop(b.properties, "households") {
        Ok(Some(h)) if h.round() > f64::from(max) => Err((
            format!(
                "households is {}, above the most one building may hold ({max})",
                crate::error::show(h)
            ),
            Some(
                "check the value (a tower holds a few hundred households); if it is right, raise [limits] max_households_per_building in scenario.toml",
            ),
        )),
        Ok(Some(h)) => {
            if h.fract() != 0.0 {
                odd.fractional = Some(h);
            }
            Ok((h.round() as u32, given_estimate))
        }
        Ok(None) => match households::estimate(b.footprint, b.levels, b.use_, &config.households) {
            Some(h) if h > max => Err((
                format!(
                    "has {h} households estimated from its footprint and {} levels, above the most one building may hold ({max})",
                    b.levels
                        .map_or("the default".to_string(), crate::error::show)
                ),
                Some(
                    "check levels and the footprint, or give households; if it is right, raise [limits] max_households_per_building in scenario.toml",
                ),
            )),
            Some(h) => Ok((h, true)),
            None => Err((
                "has no households and no footprint to estimate them from".into(),
                Some("add a households property to point buildings"),
            )),
        },
        Err(e) => Err((
            e,
            Some("households must be a non-negative number, or absent to estimate it"),
        )),
    }
}

fn read_lines(
    ctx: &mut Ctx,
    (file, takes): (&str, Takes),
    layers: &BTreeMap<&str, Vec<RawFeature>>,
    conv: &Converter,
    out: &mut Vec<BarrierLine>,
    barrier: impl Fn(&layer::Properties) -> Barrier + Sync,
) {
    let Some(fs) = layers.get(file) else {
        return;
    };
    let lines = convert_lines(fs, conv, takes);
    read_converted_lines(ctx, (file, takes), fs, &lines, out, barrier);
}

/// A line layer's feature converted: `None` when it is neither lines nor an
/// area; the flag is true for the feature's own lines, false for area rings.
type LineConv = Option<(bool, Result<Vec<LineString<f64>>, String>)>;

/// The geometry types a barrier layer takes.
#[derive(Clone, Copy, PartialEq)]
enum Takes {
    /// LineString, MultiLineString (roads, rail).
    Lines,
    /// Polygon, MultiPolygon (landmarks).
    Areas,
    /// Either (water: rivers and lakes).
    Both,
}

impl Takes {
    /// The types, as messages name them.
    fn names(self) -> &'static str {
        match self {
            Takes::Lines => "LineString or MultiLineString",
            Takes::Areas => "Polygon or MultiPolygon",
            Takes::Both => "LineString, MultiLineString, Polygon or MultiPolygon",
        }
    }
}

/// Converts a line layer's features, in parallel (results in input order);
/// a type the layer does not take is `None`.
fn convert_lines(fs: &[RawFeature], conv: &Converter, takes: Takes) -> Vec<LineConv> {
    use rayon::prelude::*;
    fs.par_iter()
        .with_min_len(256)
        .map(|f| match conv.lineal(&f.geometry) {
            Some(r) if takes != Takes::Areas => Some((true, r)),
            Some(_) => None,
            None if takes == Takes::Lines => None,
            // Areas (lakes, landmark polygons) bound blocks with their rings.
            None => conv.areal(&f.geometry).map(|r| {
                (
                    false,
                    r.map(|mp| {
                        mp.0.iter()
                            .flat_map(|p| {
                                std::iter::once(p.exterior().clone())
                                    .chain(p.interiors().iter().cloned())
                            })
                            .collect()
                    }),
                )
            }),
        })
        .collect()
}

/// [`read_lines`] on features already converted by [`convert_lines`].
fn read_converted_lines(
    ctx: &mut Ctx,
    (file, takes): (&str, Takes),
    fs: &[RawFeature],
    lines: &[LineConv],
    out: &mut Vec<BarrierLine>,
    barrier: impl Fn(&layer::Properties) -> Barrier + Sync,
) {
    // The lines in parallel (a city has a hundred thousand roads), in input
    // order; then the problems, in input order.
    use rayon::prelude::*;
    let barrier = &barrier;
    let made: Vec<BarrierLine> = fs
        .par_iter()
        .zip(lines)
        .with_min_len(1024)
        .flat_map_iter(|(f, c)| {
            let ls = match c {
                Some((_, Ok(ls))) => Some(ls),
                _ => None,
            };
            ls.into_iter().flat_map(move |ls| {
                let bar = barrier(&f.properties);
                ls.iter().map(move |line| BarrierLine {
                    line: line.clone(),
                    barrier: bar,
                })
            })
        })
        .collect();
    out.extend(made);
    for (f, c) in fs.iter().zip(lines) {
        match c {
            None => ctx.wrong_type(file, f, takes.names()),
            Some((_, Ok(_))) => {}
            Some((_, Err(e))) => {
                ctx.feature(file, f, e.clone());
            }
        }
    }
}

fn read_compounds(ctx: &mut Ctx, fs: &[RawFeature], conv: &Converter) -> Vec<Compound> {
    const FILE: &str = "compounds.geojson";
    ctx.check_ids(FILE, fs);
    let mut out = Vec::new();
    for f in fs {
        match conv.areal(&f.geometry) {
            Some(Ok(area)) => {
                let id =
                    f.id.clone()
                        .unwrap_or_else(|| format!("compound{}", f.index));
                out.push(Compound {
                    name: str_prop(&f.properties, &["name"]).unwrap_or_else(|| id.clone()),
                    id,
                    area,
                });
            }
            Some(Err(e)) => {
                ctx.feature(FILE, f, e);
            }
            None => ctx.wrong_type(FILE, f, "Polygon or MultiPolygon"),
        }
    }
    out
}

/// Polygons with an id and optional households (`blocks.geojson`, and the
/// existing grid in `neighborhoods.geojson`).
fn read_parcels(
    ctx: &mut Ctx,
    file: &str,
    fs: &[RawFeature],
    (conv, mut pins): (&Converter, Option<&mut crate::project::pins::Pins>),
    fractional: &mut plausible::Tally,
) -> (Vec<Parcel>, Vec<usize>) {
    ctx.check_ids(file, fs);
    let mut out = Vec::new();
    let mut locks = Vec::new();
    for f in fs {
        let locked = match locked_prop(&f.properties) {
            Ok(l) => l && pins.is_some(),
            Err(e) => {
                ctx.feature(file, f, e).hint =
                    Some("write locked as true or false (or 1/0, 是/否)".into());
                continue;
            }
        };
        // A locked polygon is written back with the input's own
        // coordinates: its vertices are pinned, as community borders are.
        let area = match if let (true, Some(pins)) = (locked, pins.as_deref_mut()) {
            conv.drawn_areal(&f.geometry, pins)
        } else {
            conv.areal(&f.geometry)
        } {
            Some(Ok(a)) => a,
            Some(Err(e)) => {
                ctx.feature(file, f, e);
                continue;
            }
            None => {
                ctx.wrong_type(file, f, "Polygon or MultiPolygon");
                continue;
            }
        };
        if !check_valid(ctx, file, f, &area) {
            continue;
        }
        let households = match num_prop(&f.properties, "households") {
            Ok(Some(v)) if v.round() > crate::config::ranges::MAX_PARCEL_HOUSEHOLDS as f64 => {
                ctx.feature(
                    file,
                    f,
                    format!(
                        "households is {}, above the plausible most for one block ({})",
                        crate::error::show(v),
                        crate::config::ranges::MAX_PARCEL_HOUSEHOLDS
                    ),
                );
                continue;
            }
            Ok(v) => {
                if v.is_some_and(|v| v.fract() != 0.0) {
                    fractional.note(|| {
                        format!("{} {}", parcel_id(f), crate::error::show(v.unwrap_or(0.0)))
                    });
                }
                v.map(|v| v.round() as u64)
            }
            Err(e) => {
                ctx.feature(file, f, e);
                continue;
            }
        };
        if locked {
            locks.push(out.len());
        }
        out.push(Parcel {
            id: parcel_id(f),
            area,
            households,
        });
    }
    (out, locks)
}

/// The `locked` property: true, "true", "yes", 1, "是", "锁定"; absent or
/// null is false; anything else an error.
fn locked_prop(props: &layer::Properties) -> Result<bool, String> {
    match props.get("locked") {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::Number(n)) if n.as_f64() == Some(1.0) => Ok(true),
        Some(Value::Number(n)) if n.as_f64() == Some(0.0) => Ok(false),
        Some(Value::String(s)) => match s.trim().to_lowercase().as_str() {
            "true" | "yes" | "1" | "是" | "锁定" => Ok(true),
            "false" | "no" | "0" | "否" | "" => Ok(false),
            _ => Err(format!("locked is {s:?}, not true or false")),
        },
        Some(other) => Err(format!("locked is {other}, not true or false")),
    }
}

/// A parcel's id: its `id`, or `p<index>`.
fn parcel_id(f: &RawFeature) -> String {
    f.id.clone().unwrap_or_else(|| format!("p{}", f.index))
}

fn read_facilities(ctx: &mut Ctx, fs: &[RawFeature], conv: &Converter) -> Vec<Facility> {
    const FILE: &str = "facilities.geojson";
    ctx.check_ids(FILE, fs);
    let mut out = Vec::new();
    for f in fs {
        let location = match &f.geometry {
            GeometryValue::Point { coordinates } => conv.point(coordinates),
            g => match conv.areal(g) {
                Some(r) => r.and_then(|mp| mp.centroid().ok_or_else(|| "has no area".to_string())),
                None => {
                    ctx.wrong_type(FILE, f, "Point (or Polygon)");
                    continue;
                }
            },
        };
        let location = match location {
            Ok(p) => p,
            Err(e) => {
                ctx.feature(FILE, f, e);
                continue;
            }
        };
        let Some(kind) = str_prop(&f.properties, &["kind"]) else {
            ctx.feature(FILE, f, "has no kind").hint = Some(
                "set kind, e.g. community_centre, neighborhood_office, clinic, elderly_care".into(),
            );
            continue;
        };
        let capacity = match facility_capacity(&f.properties) {
            Ok(c) => c,
            Err(e) => {
                ctx.feature(FILE, f, e).hint = Some(
                    "capacity is in households (capacity_persons in persons); leave it out for no limit".into(),
                );
                continue;
            }
        };
        let id = f.id.clone().unwrap_or_else(|| format!("f{}", f.index));
        out.push(Facility {
            name: str_prop(&f.properties, &["name"]).unwrap_or_else(|| id.clone()),
            id,
            kind,
            location,
            capacity,
        });
    }
    out
}

/// `staff.csv`: `community,workers` per record (CSV as RFC 4180 writes it;
/// header optional). `listed` holds the ids of every feature of
/// communities.geojson: a record for a community rejected there is skipped,
/// its problem already reported.
fn read_staff(ctx: &mut Ctx, text: &str, communities: &mut [Community], listed: &[String]) {
    let file = ctx.files.path("staff.csv");
    let records = match csv::records(text) {
        Ok(r) => r,
        Err(e) => {
            ctx.problems.push(
                Problem::file(
                    format!("{file}, line {}", e.line),
                    format!("is not CSV: {}", e.what),
                )
                .with_hint(
                    "write community,workers per line; quote a field holding a comma with \"…\"",
                ),
            );
            return;
        }
    };
    let index: HashMap<String, usize> = communities
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.clone(), i))
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (k, r) in records.iter().enumerate() {
        let cols = &r.fields;
        if cols[0].starts_with('#') {
            continue;
        }
        if k == 0 && cols.get(1).is_some_and(|c| c.parse::<f64>().is_err()) {
            continue; // header
        }
        let at = |what: String| Problem::file(format!("{file}, line {}", r.line), what);
        if cols.len() < 2 {
            ctx.problems
                .push(at("needs two columns: community,workers".into()));
            continue;
        }
        let workers = match whole_count(&cols[1], crate::config::ranges::MAX_SOCIAL_WORKERS) {
            Ok(w) => w as u32,
            Err(e) => {
                ctx.problems.push(at(format!("workers {e}")));
                continue;
            }
        };
        if let Some(first) = seen.insert(cols[0].clone(), r.line) {
            ctx.problems.push(
                at(format!(
                    "community {:?} is listed again (first on line {first})",
                    cols[0]
                ))
                .with_hint("one line per community"),
            );
            continue;
        }
        match index.get(&cols[0]) {
            Some(&i) => communities[i].social_workers = Some(workers),
            None if listed.iter().any(|id| *id == cols[0]) => {}
            None => ctx.problems.push(
                at(format!(
                    "community {:?} is not in communities.geojson",
                    cols[0]
                ))
                .with_hint("the first column must be a community id"),
            ),
        }
    }
}

/// A count written as text: a whole number from 0 to `max`, or what is
/// wrong with it.
fn whole_count(text: &str, max: u64) -> Result<u64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= max as f64 => Ok(v as u64),
        Ok(v) if v.is_finite() && v > max as f64 => Err(format!(
            "{} is above the plausible most ({max})",
            crate::error::show(v)
        )),
        _ => Err(format!("{text:?} is not a whole number from 0 to {max}")),
    }
}

/// One community covering the buildings' extent, padded by 50 m.
fn whole_extent_community(s: &Scenario) -> Option<Community> {
    let pts: geo::MultiPoint<f64> = s.buildings.iter().map(|b| b.location).collect();
    let r = pts.bounding_rect()?;
    let pad = 50.0;
    let rect = geo::Rect::new(
        Coord {
            x: r.min().x - pad,
            y: r.min().y - pad,
        },
        Coord {
            x: r.max().x + pad,
            y: r.max().y + pad,
        },
    );
    Some(Community {
        id: "C1".into(),
        name: "whole extent".into(),
        street: String::new(),
        kind: CommunityKind::Urban,
        social_workers: None,
        area: MultiPolygon(vec![rect.to_polygon()]),
    })
}
