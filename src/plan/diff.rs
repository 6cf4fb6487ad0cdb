//! `linli diff A B`: two plans (or grids) of one scenario compared.
//!
//! Each of A and B is one of three folders:
//!
//! - a **plan** (`linli plan`'s folder): its `roster.csv` gives every
//!   building's neighborhood; `neighborhoods.geojson` the shapes;
//! - a **grid**: a folder linli wrote with `neighborhoods.geojson` but no
//!   roster (`linli redraw`'s, `linli partition`'s): the grid is laid on
//!   the scenario's blocks, so the scenario is needed (`--scenario`, or the
//!   other side's);
//! - a **scenario** with its own grid (`neighborhoods.geojson`, the grid a
//!   district keeps): read with linli's reader and laid the same way.
//!
//! Everything is read and compared before anything is written; the five
//! files then go into a staging folder that takes the place of `--out` in
//! one step ([`crate::write::folder::StagedFolder`]).

use crate::diff::{self, Diff, Side, side};
use crate::error::{Error, Problem};
use crate::model::progress::Progress;
use crate::read::text::Text;
use crate::read::{Loaded, ReadOptions, ScenarioFiles};
use crate::write::diff::{DiffOutput, Source};
use crate::write::folder::StagedFolder;
use crate::write::geojson::{OutGeometry, geometry_text};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What a folder given to `linli diff` is.
///
/// ```
/// use linli::plan::diff::{kind_of, Kind};
/// assert_ne!(kind_of(std::path::Path::new("data/demo")).unwrap(), Kind::Plan);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A plan folder: roster.csv.
    Plan,
    /// A folder linli wrote with neighborhoods.geojson and no roster.
    Grid,
    /// A scenario folder (buildings.geojson) with its grid.
    Scenario,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Plan => "plan",
            Kind::Grid => "grid",
            Kind::Scenario => "scenario",
        }
    }
}

/// What `linli diff` is asked.
///
/// ```
/// let req = linli::plan::diff::DiffRequest {
///     a: "plan_a".into(), b: "plan_b".into(), scenario: Some("data/demo".into()),
///     opts: Default::default(), max_bytes: 1 << 30, out: "diff".into(),
/// };
/// assert_eq!(req.out, std::path::Path::new("diff"));
/// ```
#[derive(Debug, Clone)]
pub struct DiffRequest {
    /// The first plan, grid or scenario.
    pub a: PathBuf,
    /// The second.
    pub b: PathBuf,
    /// The scenario both were made from (else a side that is one).
    pub scenario: Option<PathBuf>,
    /// How the scenario is read (`--crs`, datums).
    pub opts: ReadOptions,
    /// Largest input file read, bytes.
    pub max_bytes: u64,
    /// The folder written.
    pub out: PathBuf,
}

/// What `linli diff` found and wrote.
///
/// ```
/// use linli::plan::diff::{run_diff, DiffRequest, Kind};
/// // The demo's grid against itself: every neighborhood unchanged.
/// let out = std::env::temp_dir().join(format!("linli-doc-diffresult-{}", std::process::id()));
/// let req = DiffRequest { a: "data/demo".into(), b: "data/demo".into(), scenario: None,
///     opts: Default::default(), max_bytes: 1 << 30, out: out.clone() };
/// let r = run_diff(&req, &linli::model::progress::Silent).unwrap();
/// assert_eq!(r.kinds, (Kind::Scenario, Kind::Scenario));
/// assert_eq!(r.diff.total.households_moved, 0);
/// assert_eq!(r.diff.total.unchanged, r.b.neighborhoods.len());
/// # std::fs::remove_dir_all(&out).unwrap();
/// ```
#[derive(Debug)]
pub struct DiffResult {
    /// Side A as read.
    pub a: Side,
    /// Side B as read.
    pub b: Side,
    /// The comparison.
    pub diff: Diff,
    /// What each side was read from.
    pub kinds: (Kind, Kind),
    /// Things the files lack, said on the console.
    pub warnings: Vec<String>,
    /// The files written, under `out`.
    pub written: Vec<PathBuf>,
}

/// What `dir` is, or an error saying why it is none of the three.
///
/// ```
/// use linli::plan::diff::{kind_of, Kind};
/// assert_eq!(kind_of(std::path::Path::new("data/demo")).unwrap(), Kind::Scenario);
/// let e = kind_of(std::path::Path::new("src")).unwrap_err().to_string();
/// assert!(e.contains("src: holds no roster.csv"), "{e}");
/// ```
pub fn kind_of(dir: &Path) -> Result<Kind, Error> {
    let shown = dir.display().to_string();
    if !dir.is_dir() {
        return Err(Error::Input(vec![
            Problem::file(shown, "is not a folder").with_hint(
                "give two plan folders (linli plan … --out DIR), a redraw's folder or a scenario folder with neighborhoods.geojson",
            ),
        ]));
    }
    let has = |name: &str| dir.join(name).exists();
    if has("roster.csv") {
        return Ok(Kind::Plan);
    }
    if has("buildings.geojson") || has("scenario.gpkg") || has("scenario.toml") {
        return Ok(Kind::Scenario);
    }
    if has("neighborhoods.geojson")
        && [
            "partition_summary.json",
            "redraw_summary.json",
            "manifest.json",
        ]
        .iter()
        .any(|n| has(n))
    {
        return Ok(Kind::Grid);
    }
    let what = if has("summary.json") || has("plan.gpkg") {
        "holds no roster.csv: a plan written before rosters were (or with --format other than geojson)"
    } else {
        "holds no roster.csv, no neighborhoods.geojson that linli wrote and no buildings.geojson: it is neither a plan, a redraw nor a scenario"
    };
    Err(Error::Input(vec![Problem::file(shown, what).with_hint(
        "plan it again (linli plan SCENARIO --out DIR writes roster.csv), or give a scenario folder holding its grid as neighborhoods.geojson",
    )]))
}

/// Compares A and B and writes the five files into `out`; nothing is
/// written when reading or comparing fails.
///
/// ```
/// use linli::plan::diff::{run_diff, DiffRequest};
/// let base = std::env::temp_dir().join(format!("linli-doc-rundiff-{}", std::process::id()));
/// // The grid the demo's street office keeps against a plan drawn from scratch.
/// linli::plan::run_plan(&linli::demo::files(), &Default::default(), 1, &base.join("plan")).unwrap();
/// let req = DiffRequest { a: "data/demo".into(), b: base.join("plan"), scenario: None,
///     opts: Default::default(), max_bytes: 1 << 30, out: base.join("diff") };
/// let r = run_diff(&req, &linli::model::progress::Silent).unwrap();
/// let moved: u64 = r.diff.buildings.iter()
///     .filter(|c| c.change == linli::diff::Change::Moved).map(|c| c.households).sum();
/// assert_eq!(moved, r.diff.total.households_moved);
/// assert!(base.join("diff/diff_buildings.csv").exists());
/// # std::fs::remove_dir_all(&base).unwrap();
/// ```
pub fn run_diff(req: &DiffRequest, progress: &dyn Progress) -> Result<DiffResult, Error> {
    let kinds = (kind_of(&req.a)?, kind_of(&req.b)?);
    for dir in [Some(&req.a), Some(&req.b), req.scenario.as_ref()]
        .into_iter()
        .flatten()
    {
        not_the_output(dir, &req.out)?;
    }
    let staged = StagedFolder::begin(&req.out)?;
    let scenario = scenario_dir(req, kinds)?;
    let files = match &scenario {
        Some(dir) => Some(ScenarioFiles::from_dir_capped(dir, req.max_bytes)?),
        None => None,
    };
    same_scenario(req, kinds, files.as_ref())?;
    let reader = Reader {
        req,
        files: files.as_ref(),
        progress,
    };
    let (a, a_grid) = reader.side(&req.a, kinds.0)?;
    let (b, b_grid) = reader.side(&req.b, kinds.1)?;
    // The buildings' shapes: from a scenario loaded for a grid, else from
    // the scenario loaded now.
    let loaded_now = match (&a_grid, &b_grid, &files) {
        (None, None, Some(f)) => Some(reader.load(f)?),
        _ => None,
    };
    let shapes_from = a_grid
        .as_ref()
        .or(b_grid.as_ref())
        .map(|g| &g.0)
        .or(loaded_now.as_ref());
    progress.begin("comparing", 0, "");
    let d = diff::compare(&a, &b).map_err(Error::Input)?;
    let mut warnings = Vec::new();
    let building_shapes = building_shapes(req, shapes_from, &d, &mut warnings);
    let neighborhood_shapes = match &b_grid {
        Some((loaded, grid)) => grid_shapes(loaded, grid),
        None => plan_shapes(&req.b, &b, req.max_bytes, &mut warnings),
    };
    let output = DiffOutput {
        a: &a,
        b: &b,
        a_source: source(&req.a, kinds.0),
        b_source: source(&req.b, kinds.1),
        scenario: scenario.map(|d| d.display().to_string()),
        diff: &d,
        building_shapes,
        neighborhood_shapes,
    };
    let dir = staged.dir();
    let written = crate::write::diff::write_diff(dir, &output).map_err(|e| staged.unwritten(e))?;
    // The layers in the format and CRS asked (--format, --out-crs).
    let written =
        super::commands::exported(dir, &req.opts, written).map_err(|e| staged.unwritten(e))?;
    staged.commit()?;
    let written = written
        .iter()
        .filter_map(|p| p.file_name())
        .map(|n| req.out.join(n))
        .collect();
    Ok(DiffResult {
        a,
        b,
        diff: d,
        kinds,
        warnings,
        written,
    })
}

fn source(dir: &Path, kind: Kind) -> Source {
    Source {
        folder: dir.display().to_string(),
        kind: kind.name().to_string(),
    }
}

/// An error when `out` is `dir` itself: the diff would replace a plan.
fn not_the_output(dir: &Path, out: &Path) -> Result<(), Error> {
    let same = match (std::fs::canonicalize(dir), std::fs::canonicalize(out)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(Error::Input(vec![
            Problem::file(
                out.display().to_string(),
                "is one of the folders compared: the diff would be written over it",
            )
            .with_hint("give --out another folder, e.g. --out diff"),
        ]));
    }
    Ok(())
}

/// The scenario the buildings are placed with: `--scenario`, else a side
/// that is one; an error when a grid side needs one and there is none.
fn scenario_dir(req: &DiffRequest, kinds: (Kind, Kind)) -> Result<Option<PathBuf>, Error> {
    if let Some(s) = &req.scenario {
        if kind_of(s)? != Kind::Scenario {
            return Err(Error::Input(vec![
                Problem::file(
                    s.display().to_string(),
                    "is not a scenario folder (no buildings.geojson)",
                )
                .with_hint("--scenario takes the folder the plans were made from"),
            ]));
        }
        return Ok(Some(s.clone()));
    }
    let sides = [(&req.a, kinds.0), (&req.b, kinds.1)];
    if let Some((dir, _)) = sides.iter().find(|(_, k)| *k == Kind::Scenario) {
        return Ok(Some((*dir).clone()));
    }
    if let Some((dir, _)) = sides.iter().find(|(_, k)| *k == Kind::Grid) {
        return Err(Error::Input(vec![
            Problem::file(
                dir.display().to_string(),
                "holds neighborhoods.geojson but no roster.csv (a redraw's or partition's folder): its buildings are found by location, on the scenario",
            )
            .with_hint(
                "give the scenario it was made from: linli diff SCENARIO DIR (its grid as A), or --scenario SCENARIO",
            ),
        ]));
    }
    Ok(None)
}

/// Reads the sides, loading the scenario (with a side's grid) as needed.
struct Reader<'a> {
    req: &'a DiffRequest,
    files: Option<&'a ScenarioFiles>,
    progress: &'a dyn Progress,
}

/// A grid side's scenario (with that grid) and the grid.
type GridSide = Option<(Loaded, Vec<crate::model::Parcel>)>;

impl Reader<'_> {
    fn load(&self, files: &ScenarioFiles) -> Result<Loaded, Error> {
        crate::pipeline::load_with(files, &self.req.opts, self.progress)
    }

    /// Side `dir` of kind `kind`; for a grid or a scenario, the scenario
    /// loaded with that grid too.
    fn side(&self, dir: &Path, kind: Kind) -> Result<(Side, GridSide), Error> {
        let shown = dir.display().to_string();
        if kind == Kind::Plan {
            let path = dir.join("roster.csv");
            let text = read_text(&path, self.req.max_bytes)?;
            let side = side::from_roster(&path.display().to_string(), &text);
            return Ok((side.map_err(Error::Input)?, None));
        }
        self.progress.begin("reading the scenario", 0, "");
        let files = self.files.expect("a grid side has a scenario");
        let loaded = if kind == Kind::Scenario {
            let own = ScenarioFiles::from_dir_capped(dir, self.req.max_bytes)?;
            self.load(&own)?
        } else {
            let path = dir.join("neighborhoods.geojson");
            let mut with_grid = files.clone();
            with_grid.sources.remove("neighborhoods.geojson");
            with_grid.files.insert(
                "neighborhoods.geojson".into(),
                lonlat_layer(&path, self.req.max_bytes)?,
            );
            let from = format!(
                "{}/neighborhoods.geojson",
                files.label.trim_end_matches('/')
            );
            self.load(&with_grid)
                .map_err(|e| renamed(e, &from, &path.display().to_string()))?
        };
        let grid = loaded.scenario.existing_neighborhoods.clone();
        if grid.is_empty() {
            return Err(Error::Input(vec![
                Problem::file(
                    format!("{}/neighborhoods.geojson", shown.trim_end_matches('/')),
                    "missing or empty: there is no grid to compare",
                )
                .with_hint(
                    "put the grid as neighborhoods.geojson (polygons with an id) in the folder",
                ),
            ]));
        }
        let labels = grid_labels(dir, &grid, self.req.max_bytes);
        self.progress.begin("laying the grid on the blocks", 0, "");
        let b = &loaded.config.barriers;
        let side = side::from_grid(
            &shown,
            &loaded.scenario,
            &grid,
            &labels,
            (b.snap_tolerance_m, b.community),
        )
        .map_err(|p| loaded.locate(p))?;
        Ok((side, Some((loaded, grid))))
    }
}

/// The text of `path`, or an error naming it.
fn read_text(path: &Path, max_bytes: u64) -> Result<Text, Error> {
    Text::read_capped(path, max_bytes).map_err(|e| e.into_error(path, None))
}

/// A GeoJSON layer linli wrote (RFC 7946: lon/lat without a `crs`
/// member) marked as lon/lat, so a scenario in a projected CRS reads it
/// right.
fn lonlat_layer(path: &Path, max_bytes: u64) -> Result<Text, Error> {
    let text = read_text(path, max_bytes)?;
    if crate::read::layer_crs::crs_member(&text).is_some() {
        return Ok(text);
    }
    let body = text.trim_start_matches('\u{feff}').trim_start();
    match body.strip_prefix('{') {
        Some(rest) => Ok(Text::from(format!(
            "{{\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"urn:ogc:def:crs:OGC:1.3:CRS84\"}}}},{rest}"
        ))),
        None => Ok(text),
    }
}

/// `e` with the file `from` named `to` (a grid read in the scenario's
/// place).
fn renamed(e: Error, from: &str, to: &str) -> Error {
    match e {
        Error::Input(ps) => Error::Input(
            ps.into_iter()
                .map(|mut p| {
                    if p.file == from {
                        p.file = to.to_string();
                    }
                    p
                })
                .collect(),
        ),
        e => e,
    }
}

/// Each grid polygon's code (`code`, else its id) and name (`name`), from
/// the folder's neighborhoods.geojson; the id alone when it cannot be read.
fn grid_labels(dir: &Path, grid: &[crate::model::Parcel], max_bytes: u64) -> Vec<(String, String)> {
    let mut by_id: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (props, _) in features(&dir.join("neighborhoods.geojson"), max_bytes) {
        let Some(id) = text_prop(&props, "id") else {
            continue;
        };
        let code = text_prop(&props, "code").unwrap_or_else(|| id.clone());
        let name = text_prop(&props, "name").unwrap_or_default();
        by_id.entry(id).or_insert((code, name));
    }
    grid.iter()
        .map(|p| {
            by_id
                .get(&p.id)
                .cloned()
                .unwrap_or_else(|| (p.id.clone(), String::new()))
        })
        .collect()
}

/// The (properties, geometry) of each feature of a GeoJSON file; none when
/// it cannot be read.
fn features(path: &Path, max_bytes: u64) -> Vec<(serde_json::Map<String, Value>, Value)> {
    let Ok(text) = Text::read_capped(path, max_bytes) else {
        return Vec::new();
    };
    let body = text.trim_start_matches('\u{feff}');
    let Ok(Value::Object(mut fc)) = serde_json::from_str::<Value>(body) else {
        return Vec::new();
    };
    let Some(Value::Array(fs)) = fc.remove("features") else {
        return Vec::new();
    };
    fs.into_iter()
        .filter_map(|f| match f {
            Value::Object(mut f) => {
                let props = match f.remove("properties") {
                    Some(Value::Object(m)) => m,
                    _ => serde_json::Map::new(),
                };
                Some((props, f.remove("geometry").unwrap_or(Value::Null)))
            }
            _ => None,
        })
        .collect()
}

/// A property as text: a string, or a number written out.
fn text_prop(props: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    match props.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Each grid polygon's lon/lat geometry.
fn grid_shapes(loaded: &Loaded, grid: &[crate::model::Parcel]) -> Vec<Option<String>> {
    grid.iter()
        .map(|p| {
            let g = if p.area.0.len() == 1 {
                OutGeometry::Polygon(p.area.0[0].clone())
            } else {
                OutGeometry::MultiPolygon(p.area.clone())
            };
            Some(geometry_text(&loaded.projector, &g))
        })
        .collect()
}

/// Each neighborhood's geometry from a plan's neighborhoods.geojson (by
/// `code`, else `id`), as linli wrote it; none (with a warning) when the
/// file is missing or not in lon/lat.
fn plan_shapes(
    dir: &Path,
    side: &Side,
    max_bytes: u64,
    warnings: &mut Vec<String>,
) -> Vec<Option<String>> {
    let path = dir.join("neighborhoods.geojson");
    let lonlat = Text::read_capped(&path, max_bytes)
        .is_ok_and(|t| crate::read::layer_crs::crs_member(&t).is_none());
    let mut by_code: BTreeMap<String, String> = BTreeMap::new();
    if lonlat {
        for (props, g) in features(&path, max_bytes) {
            if let Some(code) = text_prop(&props, "code").or_else(|| text_prop(&props, "id")) {
                by_code.entry(code).or_insert_with(|| g.to_string());
            }
        }
    }
    if by_code.is_empty() && !side.neighborhoods.is_empty() {
        warnings.push(format!(
            "{} is missing or not lon/lat GeoJSON: diff_neighborhoods.geojson has no shapes",
            path.display()
        ));
    }
    side.neighborhoods
        .iter()
        .map(|n| by_code.get(&n.code).cloned())
        .collect()
}

/// The lon/lat geometry of every building that differs: its footprint (or
/// point) from the scenario, else its point from a plan's coverage.geojson.
fn building_shapes(
    req: &DiffRequest,
    loaded: Option<&Loaded>,
    d: &Diff,
    warnings: &mut Vec<String>,
) -> BTreeMap<String, String> {
    let wanted: BTreeSet<&str> = d.buildings.iter().map(|c| c.id.as_str()).collect();
    let mut out = BTreeMap::new();
    if let Some(l) = loaded {
        for b in l
            .scenario
            .buildings
            .iter()
            .filter(|b| wanted.contains(b.id.as_str()))
        {
            let g = match &b.footprint {
                Some(f) => OutGeometry::Polygon(f.clone()),
                None => OutGeometry::Point(b.location),
            };
            out.insert(b.id.clone(), geometry_text(&l.projector, &g));
        }
    } else {
        for dir in [&req.b, &req.a] {
            for (props, g) in features(&dir.join("coverage.geojson"), req.max_bytes) {
                if let Some(id) = text_prop(&props, "id").filter(|id| wanted.contains(id.as_str()))
                {
                    out.entry(id).or_insert_with(|| g.to_string());
                }
            }
        }
        if !wanted.is_empty() {
            warnings.push(
                "buildings drawn as points from the plans' coverage.geojson: give --scenario for their footprints".into(),
            );
        }
    }
    let missing = wanted.iter().filter(|id| !out.contains_key(**id)).count();
    if missing > 0 {
        warnings.push(format!(
            "{missing} buildings of diff.geojson have no geometry (give --scenario to place them)"
        ));
    }
    out
}

/// The sha256 of buildings.geojson and communities.geojson each plan
/// folder's manifest.json lists, and the scenario's: an error when two
/// differ.
fn same_scenario(
    req: &DiffRequest,
    kinds: (Kind, Kind),
    files: Option<&ScenarioFiles>,
) -> Result<(), Error> {
    let mut seen: Vec<(String, BTreeMap<String, String>)> = Vec::new();
    for (dir, kind) in [(&req.a, kinds.0), (&req.b, kinds.1)] {
        if kind == Kind::Plan {
            let path = dir.join("manifest.json");
            if let Some(m) = manifest_inputs(&path, req.max_bytes) {
                seen.push((path.display().to_string(), m));
            }
        }
    }
    if let Some(f) = files {
        let digests = f
            .files
            .iter()
            .map(|(name, t)| {
                let sha = crate::write::manifest::sha256_hex(t.file_text().as_bytes());
                (name.clone(), sha)
            })
            .collect();
        seen.push((f.label.clone(), digests));
    }
    for name in ["buildings.geojson", "communities.geojson"] {
        let listed: Vec<(&String, &String)> = seen
            .iter()
            .filter_map(|(label, m)| Some((label, m.get(name)?)))
            .collect();
        if let Some(w) = listed.windows(2).find(|w| w[0].1 != w[1].1) {
            return Err(Error::Input(vec![Problem::file(
                w[1].0.clone(),
                format!(
                    "was made from another {name} (sha256 {}…) than {} ({}…): these are plans of different scenarios",
                    &w[1].1[..12.min(w[1].1.len())],
                    w[0].0,
                    &w[0].1[..12.min(w[0].1.len())]
                ),
            )
            .with_hint("diff compares plans of one scenario: plan both from the same folder, or give the scenario they were made from with --scenario")]));
        }
    }
    Ok(())
}

/// The scenario files a plan's manifest.json lists (name → sha256); none
/// when it has none or cannot be read.
fn manifest_inputs(path: &Path, max_bytes: u64) -> Option<BTreeMap<String, String>> {
    let text = Text::read_capped(path, max_bytes).ok()?;
    let v: Value = serde_json::from_str(&text).ok()?;
    let files = v.get("inputs")?.get("files")?.as_array()?;
    Some(
        files
            .iter()
            .filter_map(|f| {
                Some((
                    f.get("name")?.as_str()?.to_string(),
                    f.get("sha256")?.as_str()?.to_string(),
                ))
            })
            .collect(),
    )
}
