//! The stages in order, on plain types: read → project → blocks → … → write.
//!
//! Each function here runs one stage on the output of the previous one and
//! turns stage-specific findings into [`Error`]s; the CLI only parses
//! arguments, calls these and reports.

use crate::blocks::{build_blocks, build_blocks_with, BlockSet};
use crate::dissolve::{dissolve, Dissolved};
use crate::error::Error;
use crate::partition::{cells::cell_lines, partition, Partition};
use crate::read::{read_scenario, Loaded, ReadOptions, ScenarioFiles};
use std::path::{Path, PathBuf};

/// Reads and projects a scenario (folder or embedded texts).
pub fn load(files: &ScenarioFiles, opts: &ReadOptions) -> Result<Loaded, Error> {
    read_scenario(files, opts)
}

/// Polygonizes the barrier network into blocks.
pub fn blocks(loaded: &Loaded) -> Result<BlockSet, Error> {
    let b = &loaded.config.barriers;
    build_blocks(&loaded.scenario, b.snap_tolerance_m, b.community).map_err(|p| loaded.locate(p))
}

/// Runs the blocks stage end to end and writes its files into `out`.
pub fn run_blocks(
    files: &ScenarioFiles,
    opts: &ReadOptions,
    out: &Path,
) -> Result<(Loaded, BlockSet, Vec<PathBuf>), Error> {
    let loaded = load(files, opts)?;
    let set = blocks(&loaded)?;
    let written = crate::write::blocks::write_blocks(out, &loaded, &set)?;
    Ok((loaded, set, written))
}

/// Blocks ready for partitioning: blocks above the household band of their
/// community are split into cells around their buildings first.
pub fn partition_blocks(loaded: &Loaded) -> Result<BlockSet, Error> {
    split_oversized(loaded, blocks(loaded)?)
}

/// Rebuilds `set` with blocks above their community's band split into cells
/// around their buildings (returns `set` unchanged when none is).
pub fn split_oversized(loaded: &Loaded, set: BlockSet) -> Result<BlockSet, Error> {
    Ok(oversized_split(loaded, &set)?.unwrap_or(set))
}

/// The blocks of `set` rebuilt with those above their community's band
/// split into cells around their buildings; `None` when none is.
pub fn oversized_split(loaded: &Loaded, set: &BlockSet) -> Result<Option<BlockSet>, Error> {
    let t = &loaded.config.targets;
    let s = &loaded.scenario;
    let lines = cell_lines(&set.blocks, &s.buildings, |b| {
        f64::from(t.for_kind(s.communities[b.community].kind)) * (1.0 + t.tolerance)
    });
    if lines.is_empty() {
        return Ok(None);
    }
    let b = &loaded.config.barriers;
    build_blocks_with(s, &lines, b.snap_tolerance_m, b.community)
        .map(Some)
        .map_err(|p| loaded.locate(p))
}

/// Neighborhoods: blocks (with cells), their partition and dissolved shapes.
#[derive(Debug)]
pub struct Planned {
    /// The blocks partitioned (cells included).
    pub blocks: BlockSet,
    /// Which block went where.
    pub partition: Partition,
    /// One dissolved shape per neighborhood.
    pub shapes: Vec<Dissolved>,
    /// Blocks before those above the band were split into cells: what
    /// blocks.geojson holds and what the console and summaries count.
    pub block_count: usize,
    /// Strong barriers inside neighborhoods, with their reasons.
    pub straddles: Vec<crate::partition::straddles::Straddle>,
}

impl Planned {
    /// The neighborhoods as a grid: their polygons with their ids, as a
    /// district's own neighborhoods.geojson holds them (for audits, redraws
    /// and comparisons).
    ///
    /// ```
    /// let loaded = linli::pipeline::load(&linli::demo::files(), &Default::default()).unwrap();
    /// let planned = linli::pipeline::neighborhoods(&loaded, 1).unwrap();
    /// let grid = planned.grid();
    /// assert_eq!(grid.len(), planned.partition.neighborhoods.len());
    /// assert_eq!(grid[0].id, planned.partition.neighborhoods[0].id);
    /// ```
    pub fn grid(&self) -> Vec<crate::model::Parcel> {
        self.partition
            .neighborhoods
            .iter()
            .zip(&self.shapes)
            .map(|(n, d)| crate::model::Parcel {
                id: n.id.clone(),
                area: d.area.clone(),
                households: None,
            })
            .collect()
    }
}

/// Partitions every community and dissolves the neighborhoods.
pub fn neighborhoods(loaded: &Loaded, seed: u64) -> Result<Planned, Error> {
    neighborhoods_from(loaded, blocks(loaded)?, seed)
}

/// [`neighborhoods`] from blocks already built.
pub fn neighborhoods_from(loaded: &Loaded, set: BlockSet, seed: u64) -> Result<Planned, Error> {
    let block_count = set.blocks.len();
    Ok(neighborhoods_of_split(
        loaded,
        split_oversized(loaded, set)?,
        seed,
        block_count,
    ))
}

/// [`neighborhoods`] from blocks already split by [`oversized_split`];
/// `block_count` is the number of blocks before the split.
pub fn neighborhoods_of_split(
    loaded: &Loaded,
    set: BlockSet,
    seed: u64,
    block_count: usize,
) -> Planned {
    let part = partition(&set, &loaded.scenario, &loaded.config, seed);
    let shapes = dissolve(&set, &part.block_neighborhood, part.neighborhoods.len());
    let straddles = crate::partition::straddles::straddles(
        &set,
        &part.block_neighborhood,
        &loaded.scenario,
        &loaded.config.targets,
    );
    Planned {
        blocks: set,
        partition: part,
        shapes,
        block_count,
        straddles,
    }
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
    Ok((loaded, planned, written))
}

/// Partitions ready-made units (one community, urban target `target`):
/// returns the blocks built from them and the partition. Block `i` is unit
/// `i`; units above the band stay whole (they become their own
/// neighborhoods), since a units layer carries no building positions.
pub fn partition_units(
    layer: &crate::read::units::UnitsLayer,
    config: &crate::config::Config,
    seed: u64,
) -> (BlockSet, Partition) {
    use crate::model::{Building, Community, CommunityKind, Scenario};
    use geo::InteriorPoint;
    let mut set =
        crate::blocks::ready::blocks_from_units(&layer.units, config.barriers.snap_tolerance_m);
    // Stand-in buildings at each unit's interior point carry the counts.
    let mut buildings = Vec::new();
    for (i, u) in layer.units.iter().enumerate() {
        let n = layer.buildings[i];
        let at = u.area.interior_point().unwrap_or(geo::Point::new(0.0, 0.0));
        for k in 0..n {
            let share =
                u.households / u64::from(n) + u64::from(u64::from(k) < u.households % u64::from(n));
            set.blocks[i].buildings.push(buildings.len());
            buildings.push(Building {
                id: format!("{i}-{k}"),
                footprint: None,
                location: at,
                households: share as u32,
                estimated: false,
                use_: "residential".into(),
            });
        }
    }
    let scenario = Scenario {
        communities: vec![Community {
            id: "units".into(),
            name: "units".into(),
            street: String::new(),
            kind: CommunityKind::Urban,
            social_workers: None,
            area: geo::MultiPolygon(Vec::new()),
        }],
        buildings,
        ..Default::default()
    };
    let part = partition(&set, &scenario, config, seed);
    (set, part)
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
    use crate::coverage::report::{analyse_prepared, read_candidates, Neighborhoods, SiteRequest};
    use std::time::Instant;
    let mut timings = Vec::new();
    let t = Instant::now();
    let loaded = load(files, opts)?;
    timings.push(("read_s".to_string(), t.elapsed().as_secs_f64()));
    let t = Instant::now();
    let nb = if req.neighborhoods && files.files.contains_key("communities.geojson") {
        let planned = neighborhoods(&loaded, req.seed)?;
        Some(Neighborhoods::from_planned(
            &planned,
            loaded.scenario.buildings.len(),
        ))
    } else {
        None
    };
    timings.push(("neighborhoods_s".to_string(), t.elapsed().as_secs_f64()));
    let t = Instant::now();
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
    let sites = match &req.sites {
        Some((count, kind)) => Some(SiteRequest {
            count: *count,
            kind: kind.clone(),
            candidates: match &req.candidates {
                Some(text) => Some(
                    read_candidates(
                        &format!("{}/candidates.geojson", files.label),
                        text,
                        &loaded.projector,
                    )
                    .map_err(|p| loaded.locate(p))?,
                ),
                None => None,
            },
        }),
        None => None,
    };
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
                !req.no_service_areas,
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
    timings.push(("write_s".to_string(), t.elapsed().as_secs_f64()));
    Ok((loaded, cov, an, written, timings))
}

/// The scenario's existing grid, or an error saying it is missing.
fn existing_grid_of(
    loaded: &Loaded,
    files: &ScenarioFiles,
) -> Result<Vec<crate::model::Parcel>, Error> {
    if loaded.scenario.existing_neighborhoods.is_empty() {
        return Err(Error::Input(vec![crate::error::Problem::file(
            format!("{}/neighborhoods.geojson", files.label),
            "missing or empty: there is no existing grid to audit",
        )
        .with_hint(
            "put the grid as neighborhoods.geojson (polygons with an id) in the scenario folder",
        )]));
    }
    Ok(loaded.scenario.existing_neighborhoods.clone())
}

/// Audits the scenario's existing grid (`neighborhoods.geojson`) and writes
/// audit.geojson, audit_gaps.geojson, audit_overlaps.geojson and
/// audit_summary.json into `out`.
pub fn run_audit(
    files: &ScenarioFiles,
    opts: &ReadOptions,
    out: &Path,
) -> Result<(Loaded, crate::audit::Audit, Vec<PathBuf>), Error> {
    let loaded = load(files, opts)?;
    let grid = existing_grid_of(&loaded, files)?;
    let audit = crate::audit::audit(&loaded.scenario, &grid, &loaded.config)
        .map_err(|p| loaded.locate(p))?;
    let written = crate::write::audit::write_audit(out, &loaded, &grid, &audit)?;
    Ok((loaded, audit, written))
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
) -> Result<
    (
        Loaded,
        crate::redraw::Redrawn,
        crate::write::audit::RedrawSummary,
        Vec<PathBuf>,
    ),
    Error,
> {
    let loaded = load(files, opts)?;
    let grid = existing_grid_of(&loaded, files)?;
    let (s, c) = (&loaded.scenario, &loaded.config);
    let before = crate::audit::audit(s, &grid, c).map_err(|p| loaded.locate(p))?;
    let redrawn = crate::redraw::redraw(s, &grid, c, seed).map_err(|p| loaded.locate(p))?;
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
        Some(moved(&neighborhoods(&loaded, seed)?))
    } else {
        None
    };
    let summary = crate::write::audit::redraw_summary(
        &loaded, &grid, &redrawn, &before, &after, matched, scratch,
    );
    let written = crate::write::audit::write_redraw(out, &loaded, &summary, &redrawn)?;
    Ok((loaded, redrawn, summary, written))
}
