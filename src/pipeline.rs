//! The stages in order, on plain types: read → project → blocks → … → write.
//!
//! Each function here runs one stage on the output of the previous one and
//! turns stage-specific findings into [`Error`]s; the CLI only parses
//! arguments, calls these and reports.

use crate::blocks::{BlockSet, build_blocks_with};
use crate::dissolve::dissolve;
use crate::error::Error;
use crate::model::BarrierLine;
pub use crate::model::Planned;
use crate::model::progress::{Progress, Silent};
use crate::partition::{Partition, cells::cell_lines, partition_with};
use crate::read::{Loaded, ReadOptions, ScenarioFiles, read_scenario_with};

/// Reads and projects a scenario (folder or embedded texts).
pub fn load(files: &ScenarioFiles, opts: &ReadOptions) -> Result<Loaded, Error> {
    load_with(files, opts, &Silent)
}

/// [`load`], its bytes counted to `progress`.
pub fn load_with(
    files: &ScenarioFiles,
    opts: &ReadOptions,
    progress: &dyn Progress,
) -> Result<Loaded, Error> {
    read_scenario_with(files, opts, progress)
}

/// Polygonizes the barrier network into blocks.
pub fn blocks(loaded: &Loaded) -> Result<BlockSet, Error> {
    blocks_with(loaded, &[])
}

/// The blocks with `extra` lines in the network, and the rings of locked
/// neighborhoods: then every face is a block (none joins across a locked
/// ring) but the pieces of a building a barrier runs through.
fn blocks_with(loaded: &Loaded, extra: &[BarrierLine]) -> Result<BlockSet, Error> {
    let b = &loaded.config.barriers;
    let s = &loaded.scenario;
    let locks = crate::partition::locks::lock_lines(s);
    let built = if locks.is_empty() {
        build_blocks_with(s, extra, b.snap_tolerance_m, b.community)
    } else {
        let mut lines = locks;
        lines.extend(extra.iter().cloned());
        crate::blocks::build_blocks_as_drawn_keeping_buildings(
            s,
            &lines,
            b.snap_tolerance_m,
            b.community,
        )
    };
    built.map_err(|p| loaded.locate(p))
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
    let s = &loaded.scenario;
    let highs: Vec<f64> = s
        .communities
        .iter()
        .map(|c| loaded.config.band(c).1)
        .collect();
    let lines = cell_lines(&set.blocks, &s.buildings, |b| highs[b.community]);
    if lines.is_empty() {
        return Ok(None);
    }
    if !crate::partition::locks::lock_lines(s).is_empty() {
        return blocks_with(loaded, &lines).map(Some);
    }
    let b = &loaded.config.barriers;
    crate::blocks::split_blocks(s, set, &lines, b.snap_tolerance_m, b.community)
        .map(Some)
        .map_err(|p| loaded.locate(p))
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
    neighborhoods_of_split_with(loaded, set, seed, block_count, &Silent)
}

/// [`neighborhoods_of_split`], its communities counted to `progress` as
/// the stage "partitioning neighborhoods".
pub fn neighborhoods_of_split_with(
    loaded: &Loaded,
    set: BlockSet,
    seed: u64,
    block_count: usize,
    progress: &dyn Progress,
) -> Planned {
    progress.begin(
        "partitioning neighborhoods",
        loaded.scenario.communities.len() as u64,
        "communities",
    );
    let part = partition_with(&set, &loaded.scenario, &loaded.config, seed, progress);
    let mut set = set;
    set.warnings.extend(crate::partition::counts_unmet(
        &part,
        &loaded.scenario,
        &loaded.config,
    ));
    let locked = crate::partition::locks::locked_blocks(
        &set,
        &loaded.scenario,
        loaded.config.audit.sliver_m2,
    );
    set.warnings
        .extend(crate::partition::locks::unplaced(&loaded.scenario, &locked));
    progress.begin("dissolving neighborhoods", 0, "");
    let mut shapes = dissolve(&set, &part.block_neighborhood, part.neighborhoods.len());
    crate::partition::locks::exact_shapes(&mut shapes, &part, &loaded.scenario, &locked);
    let straddles = crate::partition::straddles::straddles(
        &set,
        &part.block_neighborhood,
        &loaded.scenario,
        &loaded.config,
    );
    Planned {
        blocks: set,
        partition: part,
        shapes,
        block_count,
        straddles,
    }
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
    let part = crate::partition::partition(&set, &scenario, config, seed);
    (set, part)
}
