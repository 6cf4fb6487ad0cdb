//! The whole plan: blocks → partition → staffing (→ coverage), every layer,
//! summary.json and report.html.

pub mod commands;
pub mod diff;
pub mod reach;

use crate::blocks::BlockSet;
use crate::config::Lang;
use crate::error::Error;
use crate::model::progress::{Progress, Silent};
use crate::pipeline::{self, Planned};
use crate::read::{Loaded, ReadOptions, ScenarioFiles};
use crate::staffing::{StaffingPlan, plan_staffing};
use crate::write::folder::StagedFolder;
use crate::write::report::{PlanShapes, ReportInput, render};
use crate::write::{self, manifest, write_atomic, write_json};
pub use commands::{run_audit, run_blocks, run_coverage, run_partition, run_redraw, run_staff};
use serde_json::json;
use std::path::{Path, PathBuf};

/// The options a plan's outputs depend on besides its files, for its
/// manifest.
fn plan_options(opts: &ReadOptions, seed: u64) -> Vec<(String, String)> {
    let datum = |gcj02: bool| if gcj02 { "gcj02" } else { "wgs84" }.to_string();
    vec![
        ("seed".into(), seed.to_string()),
        ("crs".into(), opts.crs.clone().unwrap_or_default()),
        ("datum".into(), datum(opts.input_gcj02)),
        ("output_datum".into(), datum(opts.output_gcj02)),
        ("lang".into(), opts.output.lang.tag().to_string()),
    ]
}

/// What a plan produced.
#[derive(Debug)]
pub struct PlanResult {
    /// The scenario read.
    pub loaded: Loaded,
    /// Neighborhoods.
    pub planned: Planned,
    /// Staffing.
    pub staffing: StaffingPlan,
    /// What the coverage stage left out and why (also in
    /// coverage_summary.json).
    pub coverage_warnings: Vec<String>,
    /// The audit of the scenario's existing grid, when it has one.
    pub audit: Option<crate::audit::Audit>,
    /// Files written.
    pub written: Vec<PathBuf>,
}

/// Runs every stage and writes every layer, summary.json and report.html.
pub fn run_plan(
    files: &ScenarioFiles,
    opts: &ReadOptions,
    seed: u64,
    out: &Path,
) -> Result<PlanResult, Error> {
    run_plan_with(files, opts, seed, out, &Silent)
}

/// [`run_plan`], telling `progress` each stage as it starts and its steps
/// as they are done (the CLI draws them; the library prints nothing).
///
/// Every stage is computed before anything is written; the files go into a
/// staging folder beside `out`, with manifest.json, which then takes the
/// place of `out` in one step ([`write::folder::StagedFolder`]): a run that
/// fails or is killed leaves the previous plan as it was.
pub fn run_plan_with(
    files: &ScenarioFiles,
    opts: &ReadOptions,
    seed: u64,
    out: &Path,
    progress: &dyn Progress,
) -> Result<PlanResult, Error> {
    // Nothing is computed for a folder the plan could not replace.
    let staged = StagedFolder::begin(out)?;
    let loaded = pipeline::load_with(files, opts, progress)?;
    let computed = compute_plan(&loaded, seed, progress)?;
    let dir = staged.dir();
    let written = write_plan(dir, &loaded, &computed, opts.output.lang, progress)
        .map_err(|e| staged.unwritten(e))?;
    progress.begin("converting the layers", 0, "");
    let written = finish(staged, written, (files, opts, seed))?;
    Ok(PlanResult {
        loaded,
        planned: computed.planned,
        staffing: computed.staffing,
        coverage_warnings: computed.cov.warnings,
        audit: computed.audit,
        written,
    })
}

/// Writes a plan whose neighborhoods were drawn elsewhere (edited by hand
/// in `linli serve`): the stages after the neighborhoods are computed on
/// `planned` and every file of [`run_plan`] is written, with `extra` files
/// (name, bytes: the edit log) beside them, into `out` in one step.
pub fn write_edited(
    loaded: &Loaded,
    files: &ScenarioFiles,
    opts: &ReadOptions,
    seed: u64,
    (polygonized, planned): (Option<BlockSet>, Planned),
    extra: &[(&str, &[u8])],
    out: &Path,
) -> Result<Vec<PathBuf>, Error> {
    let staged = StagedFolder::begin(out)?;
    let computed = compute_from(loaded, polygonized, planned, seed, &Silent)?;
    let dir = staged.dir();
    let mut written = write_plan(dir, loaded, &computed, opts.output.lang, &Silent)
        .map_err(|e| staged.unwritten(e))?;
    for (name, bytes) in extra {
        let path = dir.join(name);
        write_atomic(&path, bytes).map_err(|e| staged.unwritten(e))?;
        written.push(path);
    }
    finish(staged, written, (files, opts, seed))
}

/// The end of a plan's writing: the layers converted for `--format` and
/// `--out-crs`, manifest.json, the staged folder put in place; returns the
/// files under the names the caller gave.
fn finish(
    staged: StagedFolder,
    written: Vec<PathBuf>,
    (files, opts, seed): (&ScenarioFiles, &ReadOptions, u64),
) -> Result<Vec<PathBuf>, Error> {
    let dir = staged.dir();
    let mut written = commands::exported(dir, opts, written).map_err(|e| staged.unwritten(e))?;
    // A part of a split scenario: its identity goes with its plan, for merge.
    if let Some(part) = files.files.get("part.json") {
        let path = dir.join("part.json");
        write_atomic(&path, part.file_text().as_bytes()).map_err(|e| staged.unwritten(e))?;
        written.push(path);
    }
    let inputs = manifest::inputs(files, &plan_options(opts, seed));
    manifest::write_manifest(dir, inputs).map_err(|e| staged.unwritten(e))?;
    written.push(dir.join("manifest.json"));
    let out = staged.out().to_path_buf();
    staged.commit()?;
    Ok(commands::named_in(&out, &written))
}

/// Everything a plan computes, before any of it is written.
struct Computed {
    /// The blocks as polygonized, when the partition ran on them with the
    /// blocks above the band split into cells (else `planned.blocks`).
    polygonized: Option<BlockSet>,
    planned: Planned,
    staffing: StaffingPlan,
    cov: crate::coverage::Coverage,
    an: crate::coverage::report::Analysis,
    audit: Option<crate::audit::Audit>,
    /// The existing grid's coverage (with the audit).
    grid_coverage: Option<crate::coverage::report::Analysis>,
    roster: crate::roster::Roster,
    /// Each neighborhood's walking reach.
    reach: Vec<reach::NeighborhoodReach>,
}

impl Computed {
    /// The blocks as blocks.geojson shows them: as polygonized.
    fn blocks(&self) -> &BlockSet {
        self.polygonized.as_ref().unwrap_or(&self.planned.blocks)
    }
}

/// Every stage after reading: blocks, neighborhoods, staffing, coverage
/// and the audit of an existing grid; `progress` hears each one.
fn compute_plan(loaded: &Loaded, seed: u64, progress: &dyn Progress) -> Result<Computed, Error> {
    let (polygonized, planned) = plan_neighborhoods(loaded, seed, progress)?;
    compute_from(loaded, polygonized, planned, seed, progress)
}

/// The blocks and neighborhoods of a plan: the blocks as polygonized when
/// some were split into cells (`None`: the planned blocks are those), and
/// the neighborhoods drawn on the split blocks.
///
/// ```
/// let loaded = linli::pipeline::load(&linli::demo::files(), &Default::default()).unwrap();
/// let (_, planned) = linli::plan::plan_neighborhoods(&loaded, 1, &linli::model::progress::Silent).unwrap();
/// assert!(!planned.partition.neighborhoods.is_empty());
/// ```
pub fn plan_neighborhoods(
    loaded: &Loaded,
    seed: u64,
    progress: &dyn Progress,
) -> Result<(Option<BlockSet>, Planned), Error> {
    progress.begin("polygonizing blocks", 0, "");
    let set = pipeline::blocks(loaded)?;
    // blocks.geojson shows the blocks as polygonized; the partition runs on
    // them with the blocks above the band split into cells.
    progress.begin("splitting blocks above the band", 0, "");
    let block_count = set.blocks.len();
    Ok(match pipeline::oversized_split(loaded, &set)? {
        Some(cells) => (
            Some(set),
            pipeline::neighborhoods_of_split_with(loaded, cells, seed, block_count, progress),
        ),
        None => (
            None,
            pipeline::neighborhoods_of_split_with(loaded, set, seed, block_count, progress),
        ),
    })
}

/// The stages after the neighborhoods: staffing, coverage, the audit of an
/// existing grid, the roster and the walking reach.
fn compute_from(
    loaded: &Loaded,
    polygonized: Option<BlockSet>,
    planned: Planned,
    seed: u64,
    progress: &dyn Progress,
) -> Result<Computed, Error> {
    progress.begin("staffing", 0, "");
    let staffing = plan_staffing(
        &loaded.scenario,
        &planned.blocks,
        &planned.partition,
        &loaded.config.staffing,
        seed,
    );
    // Coverage: the 15-minute circles, per neighborhood too.
    progress.begin("walking distances", 0, "");
    let w = &loaded.config.walking;
    let cov =
        crate::coverage::compute(&loaded.scenario, w, loaded.config.barriers.snap_tolerance_m)
            .map_err(|p| loaded.locate(p))?;
    let nb = crate::coverage::report::Neighborhoods::from_planned(
        &planned,
        loaded.scenario.buildings.len(),
    );
    let an = crate::coverage::report::analyse_prepared(
        &loaded.scenario,
        w,
        &cov,
        Some(&nb),
        None,
        Some(progress),
        &crate::coverage::report::prepare(&loaded.scenario, w),
    )
    .map_err(|p| loaded.locate(p))?;
    // The grid the district already has, audited against the same rules.
    let grid = &loaded.scenario.existing_neighborhoods;
    let audit = if grid.is_empty() {
        None
    } else {
        progress.begin("auditing the existing grid", 0, "");
        let a = crate::audit::audit(&loaded.scenario, grid, &loaded.config);
        Some(a.map_err(|p| loaded.locate(p))?)
    };
    let grid_coverage = match &audit {
        Some(a) => Some(commands::grid_analysis(loaded, grid, a, &cov)?),
        None => None,
    };
    progress.begin("the roster", 0, "");
    let roster = roster_of(loaded, &planned);
    let reach = reach::walking_reach(loaded, &planned, &cov);
    Ok(Computed {
        polygonized,
        planned,
        staffing,
        cov,
        an,
        audit,
        grid_coverage,
        roster,
        reach,
    })
}

/// The plan's roster: codes and names, a locked neighborhood keeping the
/// code the grid gives it.
fn roster_of(loaded: &Loaded, planned: &Planned) -> crate::roster::Roster {
    let s = &loaded.scenario;
    let locked: Vec<&str> = s
        .locked_neighborhoods
        .iter()
        .map(|&i| s.existing_neighborhoods[i].id.as_str())
        .collect();
    let ns = &planned.partition.neighborhoods;
    let given = crate::roster::grid_codes(s, planned, |k| locked.contains(&ns[k].id.as_str()));
    crate::roster::build_keeping(s, planned, None, &given)
}

/// The files a plan writes besides manifest.json: blocks (3), neighborhoods
/// (2), staffing (2), coverage (4), the roster (5), the audit (4, with a
/// grid, and the grid's coverage), the summary and the report.
fn plan_files(c: &Computed) -> u64 {
    18 + if c.audit.is_some() { 5 } else { 0 }
}

/// Writes every file of a plan into `dir`: the layers, summary.json and
/// report.html (in `lang`); returns their paths. Each file written is a step of the
/// stage "writing the plan".
fn write_plan(
    dir: &Path,
    loaded: &Loaded,
    c: &Computed,
    lang: Lang,
    progress: &dyn Progress,
) -> Result<Vec<PathBuf>, Error> {
    progress.begin("writing the plan", plan_files(c), "files");
    let grid = &loaded.scenario.existing_neighborhoods;
    let mut written = Vec::new();
    let mut done = |paths: Vec<PathBuf>| {
        progress.advance(paths.len() as u64);
        written.extend(paths);
    };
    done(write::blocks::write_blocks(dir, loaded, c.blocks())?);
    done(write::neighborhoods::write_neighborhoods_coded(
        dir,
        loaded,
        &c.planned,
        None,
        (Some(&c.roster), &|k, p| reach_props(loaded, c, k, p)),
    )?);
    done(write::staffing::write_staffing(
        dir,
        loaded,
        &c.planned,
        &c.staffing,
    )?);
    done(write::coverage::write_coverage(dir, loaded, &c.cov, &c.an)?);
    let roster = roster_input(loaded, c);
    done(write::roster::write_roster(dir, &roster)?);
    if let Some(a) = &c.audit {
        done(write::audit::write_audit(dir, loaded, grid, a)?);
    }
    if let Some(an) = &c.grid_coverage {
        done(vec![commands::write_grid_coverage(
            dir, loaded, &c.cov, an,
        )?]);
    }
    let summary = Summaries::of(dir, loaded, c)?;
    let summary_path = dir.join("summary.json");
    write_json(&summary_path, &summary.json(loaded, c))?;
    done(vec![summary_path]);
    let report_path = dir.join("report.html");
    let html = report_html(loaded, c, &summary, &roster.office_m, lang);
    write_atomic(&report_path, html.as_bytes())?;
    done(vec![report_path]);
    Ok(written)
}

/// What the roster's tables show of a plan: worker patches, the walk to a
/// neighborhood office, flags.
fn roster_input<'a>(loaded: &'a Loaded, c: &'a Computed) -> write::roster::RosterInput<'a> {
    let n = c.planned.partition.neighborhoods.len();
    let mut patch_of = vec![String::new(); n];
    for p in &c.staffing.patches {
        for &k in &p.neighborhoods {
            patch_of[k].clone_from(&p.id);
        }
    }
    let office = c.cov.kinds.iter().find(|k| k.kind == "neighborhood_office");
    let office_m = (0..n)
        .map(|k| {
            let office = office?;
            c.planned.partition.neighborhoods[k]
                .blocks
                .iter()
                .flat_map(|&b| &c.planned.blocks.blocks[b].buildings)
                .filter(|&&i| loaded.scenario.buildings[i].households > 0)
                .map(|&i| office.metres[i])
                .filter(|m| m.is_finite())
                .reduce(f64::max)
        })
        .collect();
    write::roster::RosterInput {
        loaded,
        planned: &c.planned,
        roster: &c.roster,
        patch_of,
        office_m,
        flags: c
            .planned
            .partition
            .neighborhoods
            .iter()
            .map(|n| n.flags.clone())
            .collect(),
    }
}

/// The figures summary.json and report.html share.
struct Summaries {
    blocks: write::blocks::BlocksSummary,
    figures: Vec<write::neighborhoods::NeighborhoodFigures>,
    partition: write::neighborhoods::PartitionSummary,
    coverage: serde_json::Value,
    audit: Option<write::audit::AuditSummary>,
}

impl Summaries {
    fn of(dir: &Path, loaded: &Loaded, c: &Computed) -> Result<Self, Error> {
        // As coverage_summary.json reads back: serde_json parses a float's
        // shortest digits to within one unit in the last place, not always
        // to the same bits, and summary.json has always held what it read.
        let coverage: serde_json::Value =
            serde_json::to_string(&write::coverage::summary(loaded, &c.cov, &c.an))
                .and_then(|text| serde_json::from_str(&text))
                .map_err(|e| Error::io(dir.join("summary.json"), std::io::Error::other(e)))?;
        let figures = write::neighborhoods::figures(loaded, &c.planned);
        let partition = write::neighborhoods::summarize(loaded, &c.planned, &figures);
        Ok(Summaries {
            blocks: write::blocks::summarize(loaded, c.blocks()),
            figures,
            partition,
            coverage,
            audit: c
                .audit
                .as_ref()
                .map(|a| write::audit::audit_summary(loaded, a)),
        })
    }

    /// summary.json.
    fn json(&self, loaded: &Loaded, c: &Computed) -> serde_json::Value {
        let staffing = &c.staffing;
        json!({
            "scenario": loaded.config.name,
            "read": loaded.report,
            "blocks": self.blocks,
            "partition": self.partition,
            "neighborhoods": self.figures,
            "coverage": self.coverage,
            "staffing": {
                "standard": loaded.config.staffing,
                "communities": staffing.communities,
                "streets": staffing.streets,
                "district": staffing.district,
                "in_words": crate::staffing::describe(&staffing.communities),
                "patches": staffing.patches.len(),
                "missing_data": staffing.missing_data,
            },
            "audit": self.audit,
            "grids_side_by_side": grids_side_by_side(loaded, c),
            "walking_reach": reach::summary(&c.reach, service_point_limit(loaded)),
        })
    }
}

/// A neighborhood's walking reach as neighborhoods.geojson gives it:
/// `walking_reach_m` and `reach_from` (`service_point <id>` or
/// `home <id>`).
fn reach_props(
    loaded: &Loaded,
    c: &Computed,
    k: usize,
    p: &mut serde_json::Map<String, serde_json::Value>,
) {
    use crate::coverage::reach::ReachFrom;
    let Some(r) = c.reach.get(k) else { return };
    if let Some(m) = r.metres {
        p.insert("walking_reach_m".into(), json!((m * 10.0).round() / 10.0));
    }
    if r.missed > 0 {
        p.insert("reach_unreached_homes".into(), json!(r.missed));
    }
    let s = &loaded.scenario;
    let from = match r.from {
        Some(ReachFrom::ServicePoint(f)) => format!("service_point {}", s.facilities[f].id),
        Some(ReachFrom::Building(b)) => format!("home {}", s.buildings[b].id),
        None => return,
    };
    p.insert("reach_from".into(), json!(from));
}

/// The service point's walking limit, metres.
fn service_point_limit(loaded: &Loaded) -> f64 {
    let w = &loaded.config.walking;
    crate::coverage::threshold_m(w, &w.standards.service_point)
}

/// The existing grid's figures beside the proposed plan's, when the
/// scenario has a grid (null otherwise).
fn grids_side_by_side(loaded: &Loaded, c: &Computed) -> serde_json::Value {
    let w = &loaded.config.walking;
    match &c.grid_coverage {
        Some(grid) => json!({
            "existing": write::coverage::grid_figures(w, &grid.neighborhoods),
            "proposed": write::coverage::grid_figures(w, &c.an.neighborhoods),
        }),
        None => serde_json::Value::Null,
    }
}

/// report.html in `lang`: the scenario's layers and the plan's shapes on
/// the map, the summaries' figures, the roster's codes and names and the
/// walk to a neighborhood office (`office_m`) in the tables.
fn report_html(
    loaded: &Loaded,
    c: &Computed,
    summary: &Summaries,
    office_m: &[Option<f64>],
    lang: Lang,
) -> String {
    let patches = patch_shapes(&c.planned, &c.staffing);
    let circles = life_circles(loaded, c);
    let grid = &loaded.scenario.existing_neighborhoods;
    let mut warnings = loaded.report.warnings.clone();
    warnings.extend(c.planned.blocks.warnings.iter().cloned());
    render(&ReportInput {
        title: loaded.config.name.clone(),
        lang,
        scenario: &loaded.scenario,
        config: &loaded.config,
        shapes: PlanShapes {
            neighborhoods: &c.planned.shapes,
            patches: &patches,
            grid: c.audit.as_ref().map(|a| (grid.as_slice(), a)),
        },
        neighborhoods: &summary.figures,
        staffing: &c.staffing,
        kinds: &c.cov.kinds,
        analysis: &c.an,
        circles: &circles,
        roster: &c.roster,
        office_m,
        estimated_households: loaded.report.estimated_households,
        warnings,
        partition: &summary.partition,
        audit: summary.audit.as_ref(),
        grids: c.grid_coverage.as_ref().map(|g| {
            let w = &loaded.config.walking;
            (
                write::coverage::grid_figures(w, &g.neighborhoods),
                write::coverage::grid_figures(w, &c.an.neighborhoods),
            )
        }),
        ids: Default::default(),
    })
}

/// Coverage by life circle per community (each building's community the
/// one of its neighborhood), for the report.
fn life_circles(loaded: &Loaded, c: &Computed) -> Vec<crate::coverage::circles::LifeCircle> {
    let s = &loaded.scenario;
    let ns = &c.planned.partition.neighborhoods;
    let households: Vec<u32> = s.buildings.iter().map(|b| b.households).collect();
    let on: Vec<bool> = c.cov.building_snaps.iter().map(Option::is_some).collect();
    let group: Vec<Option<usize>> = c
        .roster
        .of_building
        .iter()
        .map(|p| p.as_ref().map(|p| ns[p.neighborhood].community))
        .collect();
    let ids: Vec<String> = s.communities.iter().map(|m| m.id.clone()).collect();
    crate::coverage::circles::by_group(
        &c.cov.kinds,
        &c.cov.life_circles,
        (&households, &on),
        &group,
        &ids,
    )
}

/// The worker patches' shapes: the blocks dissolved by the patch of their
/// neighborhood (as worker_patches.geojson draws them).
fn patch_shapes(planned: &Planned, staffing: &StaffingPlan) -> Vec<geo::MultiPolygon<f64>> {
    let group: Vec<usize> = planned
        .partition
        .block_neighborhood
        .iter()
        .map(|&n| {
            staffing
                .neighborhood_patch
                .get(n)
                .copied()
                .unwrap_or(usize::MAX)
        })
        .collect();
    crate::dissolve::dissolve(&planned.blocks, &group, staffing.patches.len())
        .into_iter()
        .map(|d| d.area)
        .collect()
}
