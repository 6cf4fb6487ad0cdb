//! The commands: each calls the library function its `linli` command
//! calls (src/cli/*.rs) on a thread of its own ([`crate::run`]) and returns
//! what it wrote and found as JSON (the Python side reads the folder).

use crate::run::in_background;
use crate::scenario::{LayerArg, Pending};
use linli::error::Error;
use linli::read::ReadOptions;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// What every command on a scenario takes, as the Python side passes it
/// (a dict).
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub struct Request<'py> {
    /// The scenario folder, if any.
    folder: Option<PathBuf>,
    /// Layers handed in (over the folder's files of the same name).
    layers: Vec<LayerArg<'py>>,
    /// Tables as text: (`staff.csv`, text), …
    texts: Vec<(String, String)>,
    /// scenario.toml settings as a JSON object.
    settings: Option<String>,
    /// The input CRS (`--crs`).
    crs: Option<String>,
    /// The output folder.
    out: PathBuf,
    /// Print the stages to stderr.
    progress: bool,
}

impl Request<'_> {
    /// The scenario to read, its read options, the output folder and
    /// whether to show progress.
    fn open(self) -> PyResult<(Pending, ReadOptions, PathBuf, bool)> {
        if let Some(dir) = &self.folder {
            same_folder_refused(dir, &self.out)?;
        }
        let pending = Pending::open(self.folder, self.layers, self.texts, self.settings)?;
        let opts = ReadOptions {
            crs: self.crs,
            ..Default::default()
        };
        Ok((pending, opts, self.out, self.progress))
    }
}

/// The output folder must not be the scenario's (as the CLI refuses).
fn same_folder_refused(dir: &Path, out: &Path) -> PyResult<()> {
    let (Ok(a), Ok(b)) = (dir.canonicalize(), out.canonicalize()) else {
        return Ok(());
    };
    if a == b {
        return Err(PyValueError::new_err(format!(
            "out {} is the scenario folder itself: give another folder",
            out.display()
        )));
    }
    Ok(())
}

/// Paths as text, for the JSON answer.
fn paths(written: &[PathBuf]) -> Vec<String> {
    written.iter().map(|p| p.display().to_string()).collect()
}

/// `linli plan`: [`linli::plan::run_plan_with`]; returns the files
/// written, the warnings and the headline figures.
#[pyfunction]
pub fn plan(py: Python<'_>, request: Request<'_>, seed: u64) -> PyResult<String> {
    let (pending, opts, out, show) = request.open()?;
    in_background(py, show, move |progress| {
        let files = pending.read()?;
        let r = linli::plan::run_plan_with(&files, &opts, seed, &out, progress)?;
        let n = &r.planned.partition.neighborhoods;
        let warnings: Vec<&String> = r
            .loaded
            .report
            .warnings
            .iter()
            .chain(&r.planned.blocks.warnings)
            .chain(&r.coverage_warnings)
            .collect();
        Ok(json!({
            "written": paths(&r.written),
            "warnings": warnings,
            "figures": {
                "communities": r.loaded.scenario.communities.len(),
                "buildings": r.loaded.scenario.buildings.len(),
                "blocks": r.planned.block_count,
                "neighborhoods": n.len(),
                "flagged": n.iter().filter(|x| !x.flags.is_empty()).count(),
                "worker_patches": r.staffing.patches.len(),
            },
        })
        .to_string())
    })
}

/// `linli audit`: [`linli::plan::run_audit`].
#[pyfunction]
pub fn audit(py: Python<'_>, request: Request<'_>) -> PyResult<String> {
    let (pending, opts, out, show) = request.open()?;
    in_background(py, show, move |progress| {
        let files = pending.read()?;
        let (loaded, a, written) = linli::plan::run_audit(&files, &opts, &out, progress)?;
        Ok(json!({
            "written": paths(&written),
            "warnings": loaded.report.warnings,
            "figures": {
                "neighborhoods": a.overall.neighborhoods,
                "compliant": a.overall.compliant,
                "gaps": a.overall.gaps,
                "overlaps": a.overall.overlaps,
                "cut_buildings": a.overall.cut_buildings,
            },
        })
        .to_string())
    })
}

/// `linli redraw`: [`linli::plan::run_redraw`].
#[pyfunction]
pub fn redraw(
    py: Python<'_>,
    request: Request<'_>,
    seed: u64,
    compare_scratch: bool,
) -> PyResult<String> {
    let (pending, opts, out, show) = request.open()?;
    in_background(py, show, move |progress| {
        let files = pending.read()?;
        let (loaded, _, s, written) =
            linli::plan::run_redraw(&files, &opts, seed, compare_scratch, &out, progress)?;
        Ok(json!({
            "written": paths(&written),
            "warnings": loaded.report.warnings,
            "figures": {
                "neighborhoods_before": s.neighborhoods_before,
                "neighborhoods_after": s.neighborhoods_after,
                "kept": s.kept,
                "adjusted": s.adjusted,
                "redrawn": s.redrawn,
                "new": s.new,
                "removed": s.removed.len(),
            },
        })
        .to_string())
    })
}

/// What `linli coverage` takes besides the scenario.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub struct CoverageArgs<'py> {
    seed: u64,
    /// `--add N`.
    add: Option<usize>,
    /// `--fewest`.
    fewest: bool,
    /// `--kind K`.
    kind: Option<String>,
    /// Candidate sites: a layer (points) over the folder's candidates.geojson.
    candidates: Option<Bound<'py, PyAny>>,
    /// Not `--no-neighborhoods`.
    neighborhoods: bool,
    /// Not `--no-service-areas`.
    service_areas: bool,
    /// `--grid existing`.
    existing_grid: bool,
    /// `--sites-model`.
    sites_model: bool,
}

/// `linli coverage`: [`linli::plan::run_coverage`].
#[pyfunction]
pub fn coverage(py: Python<'_>, request: Request<'_>, args: CoverageArgs<'_>) -> PyResult<String> {
    use linli::coverage::report::{CoverageRequest, SiteGoal};
    let goal = match (args.add, args.fewest) {
        (Some(n), _) => Some(SiteGoal::Count(n)),
        (None, true) => Some(SiteGoal::Fewest),
        (None, false) => None,
    };
    if goal.is_some() != args.kind.is_some() {
        return Err(PyValueError::new_err(
            "new sites need both kind= and add=N (the N sites covering most) or fewest=True",
        ));
    }
    let given = match &args.candidates {
        Some(obj) => Some(crate::arrow_in::open(
            obj,
            "candidates.geojson",
            "candidates",
            (None, true),
            Vec::new(),
        )?),
        None => None,
    };
    let folder = request.folder.clone();
    let (pending, opts, out, show) = request.open()?;
    let (wanted, sites_model) = (goal.is_some(), args.sites_model);
    let mut req = CoverageRequest {
        neighborhoods: args.neighborhoods,
        existing_grid: args.existing_grid,
        seed: args.seed,
        sites: goal.zip(args.kind),
        candidates: None,
        no_service_areas: !args.service_areas,
    };
    in_background(py, show, move |progress| {
        req.candidates = match given {
            Some(l) => Some(geojson_text(l.read()?.1)),
            None if wanted => folder
                .as_deref()
                .map(candidates_text)
                .transpose()?
                .flatten(),
            None => None,
        };
        let files = pending.read()?;
        let (loaded, cov, an, mut written, _) =
            linli::plan::run_coverage(&files, &opts, &req, &out, progress)?;
        if let (true, Some(s)) = (sites_model, &an.sites) {
            let path = out.join("sites_model.json");
            linli::write::write_json(&path, &s.model)?;
            written.push(path);
        }
        let warnings: Vec<&String> = loaded.report.warnings.iter().chain(&cov.warnings).collect();
        let o = &an.overall;
        Ok(json!({
            "written": paths(&written),
            "warnings": warnings,
            "figures": {
                "buildings": loaded.scenario.buildings.len(),
                "facilities": loaded.scenario.facilities.len(),
                "households": o.households,
                "households_all_kinds_covered": o.all_kinds.covered,
                "new_sites": an.sites.as_ref().map_or(0, |s| s.sites.len()),
            },
        })
        .to_string())
    })
}

/// The text of candidates.geojson in the scenario folder, if there is one.
fn candidates_text(dir: &Path) -> Result<Option<String>, Error> {
    let path = dir.join("candidates.geojson");
    let max = linli::read::text::DEFAULT_MAX_BYTES;
    match linli::read::text::input_file(&path, max).map_err(|e| e.into_error(&path, None))? {
        None => Ok(None),
        Some(_) => {
            let t = linli::read::text::Text::read_capped(&path, max)
                .map_err(|e| e.into_error(&path, None))?;
            Ok(Some(t.to_string()))
        }
    }
}

/// A layer handed in, as GeoJSON text (what the candidates reader takes).
fn geojson_text(layer: linli::read::foreign::ForeignLayer) -> String {
    let features: Vec<Value> = layer
        .features
        .into_iter()
        .map(|f| {
            let props: serde_json::Map<String, Value> = f
                .properties
                .keys()
                .filter_map(|k| f.properties.get(k).map(|v| (k.to_string(), v.clone())))
                .collect();
            json!({
                "type": "Feature",
                "properties": props,
                "geometry": geojson::Geometry::new(f.geometry),
            })
        })
        .collect();
    json!({ "type": "FeatureCollection", "features": features }).to_string()
}

/// What `linli import-osm` takes besides the extract and the folder.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub struct ImportArgs {
    admin_level: Option<u8>,
    communities: Option<PathBuf>,
    facility: Vec<(String, String, String)>,
    households_total: Option<u64>,
    households_csv: Option<PathBuf>,
    allow_unmatched: bool,
    /// scenario.toml settings (`[osm]` and the rest) as a JSON object.
    settings: Option<String>,
    progress: bool,
}

/// `linli import-osm`: [`linli::osm::import_file`], then
/// [`linli::osm::Imported::write`] into `out`.
#[pyfunction]
pub fn import_osm(
    py: Python<'_>,
    path: PathBuf,
    out: PathBuf,
    args: ImportArgs,
) -> PyResult<String> {
    let label = path.display().to_string();
    in_background(py, args.progress, move |progress| {
        progress.begin("importing the extract", 0, "");
        let config_text = args
            .settings
            .as_deref()
            .map(|s| crate::scenario::merged_settings(None, s, &label))
            .transpose()?;
        let settings = match &config_text {
            Some(t) => {
                linli::config::Config::from_toml_str(t, "scenario.toml")
                    .map_err(Error::Input)?
                    .osm
            }
            None => Default::default(),
        };
        let options = linli::osm::ImportOptions {
            admin_level: args.admin_level,
            communities: args.communities,
            facility_map: args.facility,
            settings,
            households_total: args.households_total,
            community_totals: args.households_csv,
            allow_unmatched: args.allow_unmatched,
            config_text,
        };
        let imp = linli::osm::import_file(&path, &options)?;
        progress.begin("writing the scenario", 0, "");
        std::fs::create_dir_all(&out).map_err(|e| Error::io(&out, e))?;
        let written = imp.write(&out)?;
        Ok(json!({
            "written": paths(&written),
            "warnings": imp.warnings,
            "figures": imp.counts,
        })
        .to_string())
    })
}

/// Copies the files of the output folder `src` into `dst` the way linli
/// writes its folders: staged beside `dst` and put in its place whole;
/// `dst` is replaced only when it holds nothing but linli's files.
#[pyfunction]
pub fn copy_folder(py: Python<'_>, src: PathBuf, dst: PathBuf) -> PyResult<Vec<String>> {
    py.detach(|| copy_staged(&src, &dst))
        .map_err(|e| crate::errors::to_py(py, e))
}

fn copy_staged(src: &Path, dst: &Path) -> Result<Vec<String>, Error> {
    let staged = linli::write::folder::StagedFolder::begin(dst)?;
    let mut names = Vec::new();
    for e in std::fs::read_dir(src).map_err(|e| Error::io(src, e))? {
        let e = e.map_err(|e| Error::io(src, e))?;
        if e.file_type().is_ok_and(|t| t.is_file()) {
            let to = staged.dir().join(e.file_name());
            std::fs::copy(e.path(), &to).map_err(|err| staged.unwritten(Error::io(&to, err)))?;
            names.push(e.file_name().to_string_lossy().into_owned());
        }
    }
    staged.commit()?;
    names.sort();
    Ok(names
        .iter()
        .map(|n| dst.join(n).display().to_string())
        .collect())
}

/// The TOML text of `settings` (a JSON object) laid over `old` (TOML).
#[pyfunction]
#[pyo3(signature = (settings, old=None))]
pub fn settings_toml(py: Python<'_>, settings: &str, old: Option<&str>) -> PyResult<String> {
    crate::scenario::merged_settings(old, settings, MEMORY).map_err(|e| crate::errors::to_py(py, e))
}

const MEMORY: &str = crate::scenario::MEMORY_LABEL;
