//! The stages in order, on plain types: read → project → blocks → … → write.
//!
//! Each function here runs one stage on the output of the previous one and
//! turns stage-specific findings into [`Error`]s; the CLI only parses
//! arguments, calls these and reports.

use crate::blocks::{build_blocks, BlockSet};
use crate::error::Error;
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
