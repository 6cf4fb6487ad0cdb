//! One function per command besides `plan`: each computes its stages
//! through [`crate::pipeline`] and then writes its files.

use super::PlanResult;
use crate::error::Error;
use crate::model::BlockSet;
use crate::model::Planned;
use crate::model::progress::Progress;
use crate::pipeline::{self, blocks, load, neighborhoods};
use crate::read::{Loaded, ReadOptions, ScenarioFiles};
use crate::staffing::plan_staffing;
use crate::write;
use crate::write::folder::StagedFolder;
use std::path::{Path, PathBuf};

/// Runs the blocks stage end to end and writes its files into `out`.
pub fn run_blocks(
    files: &ScenarioFiles,
    opts: &ReadOptions,
    out: &Path,
) -> Result<(Loaded, BlockSet, Vec<PathBuf>), Error> {
    let loaded = load(files, opts)?;
    let set = blocks(&loaded)?;
    let written = crate::write::blocks::write_blocks(out, &loaded, &set)?;
    let written = exported(out, opts, written)?;
    Ok((loaded, set, written))
}

/// Runs the partition end to end and writes its files into `out`.
pub fn run_partition(
    files: &ScenarioFiles,
    opts: &ReadOptions,
    seed: u64,
    out: &Path,
    labels: Option<&Path>,
) -> Result<(Loaded, Planned, Vec<PathBuf>), Error> {
    let loaded = load(files, opts)?;
    let planned = neighborhoods(&loaded, seed)?;
    let written = crate::write::neighborhoods::write_neighborhoods(out, &loaded, &planned, labels)?;
    let written = exported(out, opts, written)?;
    Ok((loaded, planned, written))
}

/// Runs coverage end to end: reads the scenario, plans neighborhoods when
/// asked (and communities exist), computes distances, shares, service areas,
/// gaps and new sites, and writes them into `out`. Returns the timings of
/// each step too (seconds), which the files leave out to stay deterministic.
#[allow(clippy::type_complexity)]
pub fn run_coverage(
    files: &ScenarioFiles,
    opts: &ReadOptions,
    req: &crate::coverage::report::CoverageRequest,
    out: &Path,
    progress: &dyn crate::model::progress::Progress,
) -> Result<
    (
        Loaded,
        crate::coverage::Coverage,
        crate::coverage::report::Analysis,
        Vec<PathBuf>,
        Vec<(String, f64)>,
    ),
    Error,
> {
    use crate::coverage::report::analyse_prepared;
    use std::time::Instant;
    let mut timings = Vec::new();
    let t = Instant::now();
    let loaded = crate::pipeline::load_with(files, opts, progress)?;
    timings.push(("read_s".to_string(), t.elapsed().as_secs_f64()));
    let t = Instant::now();
    progress.begin("planning neighborhoods", 0, "");
    let nb = coverage_neighborhoods(req, files, &loaded)?;
    timings.push(("neighborhoods_s".to_string(), t.elapsed().as_secs_f64()));
    let t = Instant::now();
    progress.begin("walking distances", 0, "");
    let w = &loaded.config.walking;
    // What the analysis needs of the scenario alone is made meanwhile: the
    // network is built on one core for much of its time.
    let (cov, prepared) = rayon::join(
        || crate::coverage::compute(&loaded.scenario, w, loaded.config.barriers.snap_tolerance_m),
        || crate::coverage::report::prepare(&loaded.scenario, w),
    );
    let cov = cov.map_err(|p| loaded.locate(p))?;
    timings.push(("distances_s".to_string(), t.elapsed().as_secs_f64()));
    timings.extend(cov.timings.iter().cloned());
    let sites = site_request(req, files, &loaded)?;
    // coverage.geojson needs only the distances: it is written (under a
    // temp name, put in place only if the analysis succeeds) meanwhile.
    let out_existed = out.exists();
    let (an, buildings) = rayon::join(
        || {
            analyse_prepared(
                &loaded.scenario,
                w,
                &cov,
                nb.as_ref(),
                sites.as_ref(),
                (!req.no_service_areas).then_some(progress),
                &prepared,
            )
        },
        || crate::write::coverage::pending_buildings(out, &loaded, &cov),
    );
    let an = match an {
        Ok(an) => an,
        Err(problems) => {
            // The temp file is gone with `buildings`; a folder made for it
            // goes too (only if empty).
            drop(buildings);
            if !out_existed {
                let _ = std::fs::remove_dir(out);
            }
            return Err(Error::Input(problems));
        }
    };
    let buildings = buildings?;
    timings.extend(an.timings.iter().cloned());
    let t = Instant::now();
    let written = crate::write::coverage::write_coverage_with(out, &loaded, &cov, &an, buildings)?;
    let written = exported(out, opts, written)?;
    timings.push(("write_s".to_string(), t.elapsed().as_secs_f64()));
    Ok((loaded, cov, an, written, timings))
}

/// Partitions (if needed) and assesses staffing, writing the neighborhoods,
/// staffing.csv and worker_patches.geojson.
pub fn run_staff(
    files: &ScenarioFiles,
    opts: &ReadOptions,
    seed: u64,
    out: &Path,
) -> Result<PlanResult, Error> {
    let loaded = pipeline::load(files, opts)?;
    // The grid the district already has, when the scenario carries one.
    let planned = if loaded.scenario.existing_neighborhoods.is_empty() {
        pipeline::neighborhoods(&loaded, seed)?
    } else {
        crate::existing::existing_grid(&loaded)?
    };
    let staffing = plan_staffing(
        &loaded.scenario,
        &planned.blocks,
        &planned.partition,
        &loaded.config.staffing,
        seed,
    );
    let mut written = write::neighborhoods::write_neighborhoods(out, &loaded, &planned, None)?;
    written.extend(write::staffing::write_staffing(
        out, &loaded, &planned, &staffing,
    )?);
    let written = exported(out, opts, written)?;
    Ok(PlanResult {
        loaded,
        planned,
        staffing,
        coverage_warnings: Vec::new(),
        audit: None,
        written,
    })
}

/// The neighborhoods coverage is counted for: the existing grid's polygons
/// when asked, else planned ones when asked (and the scenario has
/// communities).
fn coverage_neighborhoods(
    req: &crate::coverage::report::CoverageRequest,
    files: &ScenarioFiles,
    loaded: &Loaded,
) -> Result<Option<crate::coverage::report::Neighborhoods>, Error> {
    if req.existing_grid {
        let grid = existing_grid_of(loaded, files)?;
        let audit = crate::audit::audit(&loaded.scenario, &grid, &loaded.config)
            .map_err(|p| loaded.locate(p))?;
        let n = loaded.scenario.buildings.len();
        return Ok(Some(crate::audit::coverage_groups(&audit, &grid, n)));
    }
    if !(req.neighborhoods && files.files.contains_key("communities.geojson")) {
        return Ok(None);
    }
    let planned = neighborhoods(loaded, req.seed)?;
    Ok(Some(crate::coverage::report::Neighborhoods::from_planned(
        &planned,
        loaded.scenario.buildings.len(),
    )))
}

/// The new sites asked for (`--add`, `--kind`), with the candidates
/// layer's points when one is given.
fn site_request(
    req: &crate::coverage::report::CoverageRequest,
    files: &ScenarioFiles,
    loaded: &Loaded,
) -> Result<Option<crate::coverage::report::SiteRequest>, Error> {
    let Some((goal, kind)) = &req.sites else {
        return Ok(None);
    };
    let candidates = match &req.candidates {
        Some(text) => {
            let file = format!("{}/candidates.geojson", files.label);
            let points = crate::read::candidates::read_candidates(&file, text, &loaded.projector);
            Some(points.map_err(|p| loaded.locate(p))?)
        }
        None => None,
    };
    Ok(Some(crate::coverage::report::SiteRequest {
        goal: *goal,
        kind: kind.clone(),
        candidates,
    }))
}

/// The scenario's existing grid, or an error saying it is missing.
fn existing_grid_of(
    loaded: &Loaded,
    files: &ScenarioFiles,
) -> Result<Vec<crate::model::Parcel>, Error> {
    if loaded.scenario.existing_neighborhoods.is_empty() {
        return Err(Error::Input(vec![crate::error::Problem::file(
            format!("{}/neighborhoods.geojson", files.label),
            "missing or empty: the scenario has no existing grid (audit, redraw and --grid existing need one)",
        )
        .with_hint(
            "put the grid as neighborhoods.geojson (polygons with an id) in the scenario folder",
        )]));
    }
    Ok(loaded.scenario.existing_neighborhoods.clone())
}

/// Audits the scenario's existing grid (`neighborhoods.geojson`) and writes
/// audit.geojson, audit_gaps.geojson, audit_overlaps.geojson,
/// audit_summary.json and the grid's coverage (network distances, life
/// circles and the service-point check per grid polygon, not
/// re-partitioned: audit_coverage_summary.json) into `out`.
pub fn run_audit(
    files: &ScenarioFiles,
    opts: &ReadOptions,
    out: &Path,
    progress: &dyn Progress,
) -> Result<(Loaded, crate::audit::Audit, Vec<PathBuf>), Error> {
    // Nothing is computed for a folder that could not be replaced.
    let staged = StagedFolder::begin(out)?;
    let loaded = crate::pipeline::load_with(files, opts, progress)?;
    let grid = existing_grid_of(&loaded, files)?;
    progress.begin("auditing the existing grid", 0, "");
    let audit = crate::audit::audit(&loaded.scenario, &grid, &loaded.config)
        .map_err(|p| loaded.locate(p))?;
    progress.begin("walking distances", 0, "");
    let w = &loaded.config.walking;
    let cov =
        crate::coverage::compute(&loaded.scenario, w, loaded.config.barriers.snap_tolerance_m)
            .map_err(|p| loaded.locate(p))?;
    let an = grid_analysis(&loaded, &grid, &audit, &cov)?;
    progress.begin("writing the audit", 0, "");
    let written = in_staged(staged, opts, |dir| {
        let mut w = crate::write::audit::write_audit(dir, &loaded, &grid, &audit)?;
        w.push(write_grid_coverage(dir, &loaded, &cov, &an)?);
        Ok(w)
    })?;
    Ok((loaded, audit, written))
}

/// Writes a command's files with `write` into a folder staged beside
/// `staged`'s place, converts them as `opts.output` asks, and puts the
/// folder in place whole (a failed or killed run leaves the old one):
/// the files under the names the caller gave.
fn in_staged(
    staged: StagedFolder,
    opts: &ReadOptions,
    write: impl FnOnce(&Path) -> Result<Vec<PathBuf>, Error>,
) -> Result<Vec<PathBuf>, Error> {
    let dir = staged.dir().to_path_buf();
    let written = write(&dir).map_err(|e| staged.unwritten(e))?;
    let written = exported(&dir, opts, written).map_err(|e| staged.unwritten(e))?;
    let out = staged.out().to_path_buf();
    staged.commit()?;
    Ok(named_in(&out, &written))
}

/// `written` (paths in a staging folder) under the names in `out`, where
/// the folder was put in place.
pub(super) fn named_in(out: &Path, written: &[PathBuf]) -> Vec<PathBuf> {
    written
        .iter()
        .filter_map(|p| p.file_name())
        .map(|name| out.join(name))
        .collect()
}

/// The file the existing grid's coverage summary is written to.
///
/// ```
/// assert_eq!(linli::plan::commands::GRID_COVERAGE_FILE, "audit_coverage_summary.json");
/// ```
pub const GRID_COVERAGE_FILE: &str = "audit_coverage_summary.json";

/// Writes the existing grid's coverage summary into `out`.
pub(super) fn write_grid_coverage(
    out: &Path,
    loaded: &Loaded,
    cov: &crate::coverage::Coverage,
    an: &crate::coverage::report::Analysis,
) -> Result<PathBuf, Error> {
    let path = out.join(GRID_COVERAGE_FILE);
    crate::write::coverage::write_summary(&path, loaded, cov, an)?;
    Ok(path)
}

/// Coverage of the existing grid as drawn: the distances `cov` found,
/// counted per grid polygon (its buildings as the audit lays them).
pub(super) fn grid_analysis(
    loaded: &Loaded,
    grid: &[crate::model::Parcel],
    audit: &crate::audit::Audit,
    cov: &crate::coverage::Coverage,
) -> Result<crate::coverage::report::Analysis, Error> {
    let s = &loaded.scenario;
    let nb = crate::audit::coverage_groups(audit, grid, s.buildings.len());
    let w = &loaded.config.walking;
    crate::coverage::report::analyse_with(s, w, cov, Some(&nb), None, false)
        .map_err(|p| loaded.locate(p))
}

/// Redraws the scenario's existing grid with minimal change and writes the
/// redrawn neighborhoods.geojson, partition_summary.json and
/// redraw_summary.json (before/after audits side by side; with
/// `compare_scratch`, the households a from-scratch partition would move).
pub fn run_redraw(
    files: &ScenarioFiles,
    opts: &ReadOptions,
    seed: u64,
    compare_scratch: bool,
    out: &Path,
    progress: &dyn Progress,
) -> Result<
    (
        Loaded,
        crate::redraw::Redrawn,
        crate::write::audit::RedrawSummary,
        Vec<PathBuf>,
    ),
    Error,
> {
    let staged = StagedFolder::begin(out)?;
    let loaded = crate::pipeline::load_with(files, opts, progress)?;
    let grid = existing_grid_of(&loaded, files)?;
    let (s, c) = (&loaded.scenario, &loaded.config);
    progress.begin("auditing the existing grid", 0, "");
    let before = crate::audit::audit(s, &grid, c).map_err(|p| loaded.locate(p))?;
    progress.begin("redrawing", 0, "");
    let redrawn = crate::redraw::redraw(s, &grid, c, seed).map_err(|p| loaded.locate(p))?;
    progress.begin("auditing the redrawn grid", 0, "");
    let after = crate::audit::audit(s, &redrawn.planned.grid(), c).map_err(|p| loaded.locate(p))?;
    let moved = |planned: &Planned| {
        let mut new = vec![None; s.buildings.len()];
        for (bi, blk) in planned.blocks.blocks.iter().enumerate() {
            for &i in &blk.buildings {
                new[i] = Some(planned.partition.block_neighborhood[bi]);
            }
        }
        crate::redraw::households_moved(&s.buildings, &redrawn.old_of_building, &new)
    };
    let matched = moved(&redrawn.planned);
    let scratch = if compare_scratch {
        progress.begin("partitioning from scratch, to compare", 0, "");
        Some(moved(&neighborhoods(&loaded, seed)?))
    } else {
        None
    };
    let summary = crate::write::audit::redraw_summary(
        &loaded, &grid, &redrawn, &before, &after, matched, scratch,
    );
    // Neighborhoods that keep a grid polygon's id keep its code.
    let given = crate::roster::grid_codes(s, &redrawn.planned, |k| redrawn.origin[k].is_some());
    let roster = crate::roster::build_keeping(s, &redrawn.planned, None, &given);
    let written = in_staged(staged, opts, |dir| {
        crate::write::audit::write_redraw(dir, &loaded, &summary, (&redrawn, &roster))
    })?;
    Ok((loaded, redrawn, summary, written))
}

/// `written` after the layers of `out` are converted to the format and CRS
/// `opts.output` asks for (`write::export`): the files made in place of
/// the GeoJSON ones removed.
pub(super) fn exported(
    out: &Path,
    opts: &ReadOptions,
    written: Vec<PathBuf>,
) -> Result<Vec<PathBuf>, Error> {
    let (made, removed) = crate::write::export::export(out, &opts.output)?;
    let mut written: Vec<PathBuf> = written
        .into_iter()
        .filter(|p| !removed.contains(p) && !made.contains(p))
        .collect();
    written.extend(made);
    Ok(written)
}
