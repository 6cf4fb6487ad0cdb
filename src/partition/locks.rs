//! Locked neighborhoods: the existing grid's polygons marked
//! `locked = true` are kept exactly, their area and their buildings, and
//! the rest of each community is partitioned around them.
//!
//! Their rings join the block network as drawn (never snapped: noding
//! keeps them as it keeps building outlines), so blocks tile them exactly;
//! each block inside one belongs to it; its neighborhood's shape is the
//! polygon itself, written with the input's own coordinates.

use crate::blocks::BlockSet;
use crate::config::Config;
use crate::model::neighborhoods::{Dissolved, Neighborhood, Partition};
use crate::model::{Barrier, BarrierKind, BarrierLine, Scenario};
use geo::{BoundingRect, InteriorPoint, Intersects};

/// The rings of the locked neighborhoods as network lines: level 0, no
/// barrier, never moved by noding.
///
/// ```
/// let s = linli::model::Scenario::default();
/// assert!(linli::partition::locks::lock_lines(&s).is_empty());
/// ```
pub fn lock_lines(scenario: &Scenario) -> Vec<BarrierLine> {
    let barrier = Barrier {
        level: 0,
        kind: BarrierKind::Building,
    };
    scenario
        .locked_neighborhoods
        .iter()
        .flat_map(|&i| &scenario.existing_neighborhoods[i].area.0)
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(|r| BarrierLine {
            line: r.clone(),
            barrier,
        })
        .collect()
}

/// For each block, the locked neighborhood (index into
/// `existing_neighborhoods`) holding it; empty when none is locked. A
/// piece of a community without households, smaller than `sliver_m2` and
/// cut off from the rest of it by locked neighborhoods (their borders as
/// drawn miss the community's by a hair) goes with the locked neighbour
/// it shares most border with: it cannot make a neighborhood of its own.
///
/// ```
/// let loaded = linli::pipeline::load(&linli::demo::files(), &Default::default()).unwrap();
/// let set = linli::pipeline::blocks(&loaded).unwrap();
/// assert!(linli::partition::locks::locked_blocks(&set, &loaded.scenario, 5.0).is_empty());
/// ```
pub fn locked_blocks(set: &BlockSet, scenario: &Scenario, sliver_m2: f64) -> Vec<Option<usize>> {
    if scenario.locked_neighborhoods.is_empty() {
        return Vec::new();
    }
    let locked = &scenario.locked_neighborhoods;
    let tree = crate::blocks::index::box_tree(
        locked
            .iter()
            .map(|&i| scenario.existing_neighborhoods[i].area.bounding_rect()),
    );
    let mut of: Vec<Option<usize>> = set
        .blocks
        .iter()
        .map(|b| {
            let p = b.polygon.interior_point()?;
            tree.locate_all_at_point(&[p.x(), p.y()])
                .map(|g| locked[g.data])
                .filter(|&i| scenario.existing_neighborhoods[i].area.intersects(&p))
                .min()
        })
        .collect();
    for (piece, to) in cut_off_slivers(set, &of, sliver_m2) {
        for b in piece {
            of[b] = Some(to);
        }
    }
    of
}

/// The free pieces of a community (connected unlocked blocks) without
/// households and under `sliver_m2`, each with the locked neighborhood
/// sharing the longest border with it (none: left as they are).
fn cut_off_slivers(
    set: &BlockSet,
    of: &[Option<usize>],
    sliver_m2: f64,
) -> Vec<(Vec<usize>, usize)> {
    use petgraph::visit::EdgeRef;
    let n = set.blocks.len();
    let mut seen = vec![false; n];
    let mut out = Vec::new();
    for start in 0..n {
        if seen[start] || of[start].is_some() {
            continue;
        }
        let c = set.blocks[start].community;
        let (mut piece, mut stack) = (Vec::new(), vec![start]);
        let mut shared: std::collections::BTreeMap<usize, f64> = Default::default();
        seen[start] = true;
        while let Some(b) = stack.pop() {
            piece.push(b);
            for e in set.adjacency.edges(BlockSet::node(b)) {
                let o = if e.source().index() == b {
                    e.target().index()
                } else {
                    e.source().index()
                };
                match of[o] {
                    Some(l) => *shared.entry(l).or_insert(0.0) += e.weight().shared_m,
                    None if !seen[o] && set.blocks[o].community == c => {
                        seen[o] = true;
                        stack.push(o);
                    }
                    None => {}
                }
            }
        }
        let households: u64 = piece.iter().map(|&b| set.blocks[b].households).sum();
        let area: f64 = piece.iter().map(|&b| set.blocks[b].area).sum();
        let best = shared
            .iter()
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(&l, _)| l);
        if let (0, true, Some(l)) = (households, area < sliver_m2, best) {
            out.push((piece, l));
        }
    }
    out
}

/// Whether block `b` is locked (`locked` as [`locked_blocks`] gives it).
pub fn is_locked(locked: &[Option<usize>], b: usize) -> bool {
    locked.get(b).is_some_and(|l| l.is_some())
}

/// The ids the locked neighborhoods of community `ci` hold (generated ids
/// skip them).
pub fn taken_ids(
    scenario: &Scenario,
    set: &BlockSet,
    locked: &[Option<usize>],
    ci: usize,
) -> Vec<String> {
    locked_in(scenario, set, locked, ci)
        .into_iter()
        .map(|(p, _)| scenario.existing_neighborhoods[p].id.clone())
        .collect()
}

/// The locked neighborhoods whose main community (the one holding most of
/// their blocks' area) is `ci`, with their blocks, in input order.
fn locked_in(
    scenario: &Scenario,
    set: &BlockSet,
    locked: &[Option<usize>],
    ci: usize,
) -> Vec<(usize, Vec<usize>)> {
    let mut out = Vec::new();
    for &p in &scenario.locked_neighborhoods {
        let blocks: Vec<usize> = (0..locked.len())
            .filter(|&b| locked[b] == Some(p))
            .collect();
        let mut area = vec![0.0; scenario.communities.len()];
        for &b in &blocks {
            area[set.blocks[b].community] += set.blocks[b].area;
        }
        let main = (0..area.len()).max_by(|&a, &b| area[a].total_cmp(&area[b]).then(b.cmp(&a)));
        if !blocks.is_empty() && main == Some(ci) {
            out.push((p, blocks));
        }
    }
    out
}

/// Adds the locked neighborhoods of community `ci` to `out`, their ids as
/// given.
pub fn add_locked(
    out: &mut Partition,
    (set, scenario, config): (&BlockSet, &Scenario, &Config),
    locked: &[Option<usize>],
    ci: usize,
) {
    let targets = config.targets_for(&scenario.communities[ci]);
    for (p, blocks) in locked_in(scenario, set, locked, ci) {
        let idx = out.neighborhoods.len();
        for &b in &blocks {
            out.block_neighborhood[b] = idx;
        }
        let mut n: Neighborhood =
            super::neighborhood_of(scenario, &targets, set, ci, blocks, false);
        n.id = scenario.existing_neighborhoods[p].id.clone();
        out.neighborhoods.push(n);
    }
}

/// Each locked neighborhood's shape made its polygon as drawn (the
/// dissolved blocks tile it, but with the vertices noding added).
pub fn exact_shapes(
    shapes: &mut [Dissolved],
    partition: &Partition,
    scenario: &Scenario,
    locked: &[Option<usize>],
) {
    for (n, nb) in partition.neighborhoods.iter().enumerate() {
        let Some(&b) = nb.blocks.first() else {
            continue;
        };
        let Some(p) = locked.get(b).copied().flatten() else {
            continue;
        };
        let parcel = &scenario.existing_neighborhoods[p];
        if parcel.id == nb.id && nb.blocks.iter().all(|&x| locked[x] == Some(p)) {
            shapes[n].area = parcel.area.clone();
        }
    }
}

/// A warning for each locked neighborhood that holds no block of any
/// community (drawn outside them all).
pub fn unplaced(scenario: &Scenario, locked: &[Option<usize>]) -> Vec<String> {
    scenario
        .locked_neighborhoods
        .iter()
        .filter(|&&p| !locked.contains(&Some(p)))
        .map(|&p| {
            format!(
                "locked neighborhood {} lies outside every community: it is not in the plan",
                scenario.existing_neighborhoods[p].id
            )
        })
        .collect()
}
