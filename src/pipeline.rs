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
    build_blocks(&loaded.scenario, b.snap_tolerance_m, b.community).map_err(Error::Input)
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
    let set = blocks(loaded)?;
    let t = &loaded.config.targets;
    let s = &loaded.scenario;
    let lines = cell_lines(&set.blocks, &s.buildings, |b| {
        f64::from(t.for_kind(s.communities[b.community].kind)) * (1.0 + t.tolerance)
    });
    if lines.is_empty() {
        return Ok(set);
    }
    let b = &loaded.config.barriers;
    build_blocks_with(s, &lines, b.snap_tolerance_m, b.community).map_err(Error::Input)
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
}

/// Partitions every community and dissolves the neighborhoods.
pub fn neighborhoods(loaded: &Loaded, seed: u64) -> Result<Planned, Error> {
    let set = partition_blocks(loaded)?;
    let part = partition(&set, &loaded.scenario, &loaded.config, seed);
    let shapes = dissolve(&set, &part.block_neighborhood, part.neighborhoods.len());
    Ok(Planned {
        blocks: set,
        partition: part,
        shapes,
    })
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
