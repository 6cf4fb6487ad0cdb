//! Partition: group each community's blocks into contiguous neighborhoods of
//! about the target households, cut along the strongest barriers.
//!
//! Communities are independent and run in parallel (rayon). Within one, the
//! blocks and their adjacency become [`regions::Unit`]s and
//! [`regions::Link`]s, and [`regions::regionalize`] does the search.

pub mod cells;
pub mod locks;
pub mod regions;
pub mod shape;
pub mod straddles;

use crate::blocks::BlockSet;
use crate::config::{Config, Targets};
pub use crate::model::neighborhoods::{Neighborhood, Partition};
use crate::model::{CommunityKind, Scenario};
use geo::Centroid;
use petgraph::visit::EdgeRef;
use rayon::prelude::*;
use regions::{Link, Params, Unit, regionalize};

/// Partitions every community of a block set.
///
/// `seed` makes the search reproducible: the same blocks and seed give the
/// same neighborhoods.
pub fn partition(set: &BlockSet, scenario: &Scenario, config: &Config, seed: u64) -> Partition {
    partition_with(set, scenario, config, seed, &crate::model::progress::Silent)
}

/// [`partition`], counting each community partitioned to `progress` (the
/// stage itself is begun by the caller).
pub fn partition_with(
    set: &BlockSet,
    scenario: &Scenario,
    config: &Config,
    seed: u64,
    progress: &dyn crate::model::progress::Progress,
) -> Partition {
    let locked = locks::locked_blocks(set, scenario, config.audit.sliver_m2);
    // Each community's free blocks, in one pass (a filter over the whole
    // district per community grows with its square).
    let mut free: Vec<Vec<usize>> = vec![Vec::new(); scenario.communities.len()];
    for (b, blk) in set.blocks.iter().enumerate() {
        if let Some(v) = free.get_mut(blk.community)
            && !locks::is_locked(&locked, b)
        {
            v.push(b);
        }
    }
    let per_community: Vec<(usize, Vec<usize>, regions::Regions)> = free
        .into_par_iter()
        .enumerate()
        .map(|(ci, members)| {
            let r = regionalize_blocks(set, scenario, config, ci, &members, seed);
            progress.advance(1);
            (ci, members, r)
        })
        .collect();
    let mut out = Partition {
        block_neighborhood: vec![usize::MAX; set.blocks.len()],
        neighborhoods: Vec::new(),
    };
    for (ci, members, regions) in per_community {
        let targets = config.targets_for(&scenario.communities[ci]);
        let taken = locks::taken_ids(scenario, set, &locked, ci);
        let community = CommunityRegions {
            set,
            scenario,
            targets: &targets,
            ci,
            members: &members,
            regions: &regions,
            taken: &taken,
        };
        community.add_to(&mut out);
        locks::add_locked(&mut out, (set, scenario, config), &locked, ci);
    }
    out
}

/// A sentence for each community whose fixed neighborhood count
/// (`neighborhoods` in its settings) the partition could not draw.
///
/// ```
/// let mut loaded = linli::pipeline::load(&linli::demo::files(), &Default::default()).unwrap();
/// loaded.config.communities.insert("WDK-02".into(),
///     linli::config::CommunitySettings { neighborhoods: Some(3), ..Default::default() });
/// let planned = linli::pipeline::neighborhoods(&loaded, 1).unwrap();
/// let unmet = linli::partition::counts_unmet(&planned.partition, &loaded.scenario, &loaded.config);
/// assert!(unmet.is_empty(), "{unmet:?}");
/// let n = planned.partition.neighborhoods.iter().filter(|n| n.id.starts_with("WDK-02-")).count();
/// assert_eq!(n, 3);
/// ```
pub fn counts_unmet(partition: &Partition, scenario: &Scenario, config: &Config) -> Vec<String> {
    let mut got = vec![0usize; scenario.communities.len()];
    for n in &partition.neighborhoods {
        got[n.community] += 1;
    }
    scenario
        .communities
        .iter()
        .zip(got)
        .filter_map(|(c, g)| {
            let n = config.neighborhood_count(c)? as usize;
            (g != n).then(|| format!(
                "community {} ({}): {n} neighborhoods asked for, {g} drawn: parts that cannot join (islands, banks without a bridge), compounds kept whole or blocks that cannot be split decide the count",
                c.id, c.name
            ))
        })
        .collect()
}

/// One community's regions, to become its neighborhoods.
struct CommunityRegions<'a> {
    set: &'a BlockSet,
    scenario: &'a Scenario,
    targets: &'a Targets,
    ci: usize,
    /// Its blocks (indices into `set.blocks`).
    members: &'a [usize],
    regions: &'a regions::Regions,
    /// Ids locked neighborhoods hold.
    taken: &'a [String],
}

impl CommunityRegions<'_> {
    /// Adds the regions as neighborhoods, numbered north-west first.
    fn add_to(&self, out: &mut Partition) {
        let width = if self.regions.count >= 100 { 3 } else { 2 };
        let main_part = self.main_part();
        let mut number = 0;
        for r in self.north_west_first() {
            let idx = out.neighborhoods.len();
            let blocks: Vec<usize> = self
                .members
                .iter()
                .enumerate()
                .filter(|&(i, _)| self.regions.region[i] == r)
                .map(|(_, &b)| b)
                .collect();
            for &b in &blocks {
                out.block_neighborhood[b] = idx;
            }
            // An island or a bank without a bridge: drawn on its own.
            let separate = self.regions.parts > 1 && Some(self.regions.part[r]) != main_part;
            let mut n = neighborhood_of(
                self.scenario,
                self.targets,
                self.set,
                self.ci,
                blocks,
                separate,
            );
            n.id = loop {
                number += 1;
                let id = format!("{}-{:0width$}", n.id, number);
                if !self.taken.contains(&id) {
                    break id;
                }
            };
            out.neighborhoods.push(n);
        }
    }

    /// The regions ordered north-west first (by area-weighted centre, in
    /// 100 m rows), for readable ids.
    fn north_west_first(&self) -> Vec<usize> {
        let (set, region) = (self.set, &self.regions.region);
        let mut key: Vec<(f64, f64, usize)> = (0..self.regions.count)
            .map(|r| {
                let (mut sx, mut sy, mut n) = (0.0, 0.0, 0.0);
                for (i, &b) in self.members.iter().enumerate() {
                    if region[i] == r
                        && let Some(c) = set.blocks[b].polygon.centroid()
                    {
                        let a = set.blocks[b].area.max(1e-9);
                        sx += c.x() * a;
                        sy += c.y() * a;
                        n += a;
                    }
                }
                (-(sy / n.max(1e-9)), sx / n.max(1e-9), r)
            })
            .collect();
        key.sort_by(|a, b| {
            (a.0 / 100.0)
                .floor()
                .total_cmp(&(b.0 / 100.0).floor())
                .then(a.1.total_cmp(&b.1))
                .then(a.2.cmp(&b.2))
        });
        key.into_iter().map(|k| k.2).collect()
    }

    /// The part of the community (pieces the search could not join) holding
    /// the most households.
    fn main_part(&self) -> Option<usize> {
        let mut part_h = vec![0u64; self.regions.parts];
        for (i, &b) in self.members.iter().enumerate() {
            part_h[self.regions.part[self.regions.region[i]]] += self.set.blocks[b].households;
        }
        (0..self.regions.parts).max_by_key(|&p| (part_h[p], std::cmp::Reverse(p)))
    }
}

/// Groups some blocks of community `ci` (`members`, indices into
/// `set.blocks`) into regions with the partition's own rules: the units and
/// links are the blocks and their shared borders, the band is the
/// community kind's. Region `r` of `members[i]` is `result.region[i]`.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use linli::model::*;
/// let area = MultiPolygon(vec![polygon![(x: 0.0, y: 0.0), (x: 600.0, y: 0.0), (x: 600.0, y: 100.0), (x: 0.0, y: 100.0)]]);
/// let road = |x| BarrierLine { line: vec![(x, -5.0), (x, 105.0)].into(), barrier: Barrier { level: 2, kind: BarrierKind::Road } };
/// let home = |x: f64| Building { id: format!("h{x}"), footprint: None, location: geo::point!(x: x, y: 50.0),
///     households: 100, estimated: false, use_: "residential".into() };
/// let s = Scenario { communities: vec![Community { id: "C".into(), name: "C".into(), street: "S".into(),
///     kind: CommunityKind::Urban, social_workers: None, area }],
///     barriers: (1..6).map(|i| road(100.0 * i as f64)).collect(),
///     buildings: (0..6).map(|i| home(50.0 + 100.0 * i as f64)).collect(), ..Default::default() };
/// let set = linli::blocks::build_blocks(&s, 0.05, 5).unwrap();
/// let mut cfg = linli::config::Config::default();
/// cfg.targets.min_buildings = 1;
/// let r = linli::partition::regionalize_blocks(&set, &s, &cfg, 0, &[0, 1, 2, 3, 4, 5], 1);
/// assert_eq!(r.count, 2); // 600 households: two of 300
/// ```
pub fn regionalize_blocks(
    set: &BlockSet,
    scenario: &Scenario,
    config: &Config,
    ci: usize,
    members: &[usize],
    seed: u64,
) -> regions::Regions {
    let mut compound_households = vec![0u64; scenario.compounds.len()];
    for &b in members {
        if let Some(&c) = set.blocks[b].compounds.first() {
            compound_households[c] += set.blocks[b].households;
        }
    }
    regionalize_blocks_grouped(
        set,
        scenario,
        config,
        ci,
        members,
        seed,
        |b| set.blocks[b].compounds.first().copied(),
        compound_households,
    )
}

/// [`regionalize_blocks`] keeping other groups of blocks together where the
/// band allows (as it does compounds): `group(block)` names a block's group,
/// `group_households[g]` is group `g`'s total. The redraw uses the old
/// neighborhoods as groups, so re-cut areas keep their old borders where
/// they can.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use linli::model::*;
/// let area = MultiPolygon(vec![polygon![(x: 0.0, y: 0.0), (x: 600.0, y: 0.0), (x: 600.0, y: 100.0), (x: 0.0, y: 100.0)]]);
/// let road = |x| BarrierLine { line: vec![(x, -5.0), (x, 105.0)].into(), barrier: Barrier { level: 2, kind: BarrierKind::Road } };
/// let home = |x: f64| Building { id: format!("h{x}"), footprint: None, location: geo::point!(x: x, y: 50.0),
///     households: 100, estimated: false, use_: "residential".into() };
/// let s = Scenario { communities: vec![Community { id: "C".into(), name: "C".into(), street: "S".into(),
///     kind: CommunityKind::Urban, social_workers: None, area }],
///     barriers: (1..6).map(|i| road(100.0 * i as f64)).collect(),
///     buildings: (0..6).map(|i| home(50.0 + 100.0 * i as f64)).collect(), ..Default::default() };
/// let set = linli::blocks::build_blocks(&s, 0.05, 5).unwrap();
/// let mut cfg = linli::config::Config::default();
/// cfg.targets.min_buildings = 1;
/// /// // Blocks 0–2 were one old neighborhood: they stay together.
/// let old = |b: usize| Some(b / 3);
/// let r = linli::partition::regionalize_blocks_grouped(&set, &s, &cfg, 0, &[0, 1, 2, 3, 4, 5], 1, old, vec![300, 300]);
/// assert_eq!(r.region[0], r.region[2]);
/// assert_ne!(r.region[0], r.region[3]);
/// ```
#[allow(clippy::too_many_arguments)]
pub fn regionalize_blocks_grouped(
    set: &BlockSet,
    scenario: &Scenario,
    config: &Config,
    ci: usize,
    members: &[usize],
    seed: u64,
    group: impl Fn(usize) -> Option<usize>,
    group_households: Vec<u64>,
) -> regions::Regions {
    let com = &scenario.communities[ci];
    let t = &config.targets_for(com);
    let mut local = std::collections::HashMap::with_capacity(members.len());
    for (i, &b) in members.iter().enumerate() {
        local.insert(b, i);
    }
    let units = block_units(set, scenario, members, &group);
    let mut links = Vec::new();
    for &b in members {
        for e in set.adjacency.edges(BlockSet::node(b)) {
            let o = e.target().index();
            let o = if o == b { e.source().index() } else { o };
            if let (Some(&lo), true) = (local.get(&o), b < o) {
                links.push(Link {
                    a: local[&b],
                    b: lo,
                    shared_m: e.weight().shared_m,
                    level: e.weight().barrier.level,
                });
            }
        }
    }
    let kind = com.kind;
    let target = t.for_kind(kind);
    // Areas of single-family homes are judged by households alone.
    let (multi, single) = Targets::home_counts(
        members
            .iter()
            .flat_map(|&b| &set.blocks[b].buildings)
            .map(|&i| scenario.buildings[i].households),
    );
    let params = Params {
        target: f64::from(target),
        tolerance: t.tolerance,
        buildings: (kind != CommunityKind::Rural && single <= multi)
            .then_some((t.min_buildings, t.max_buildings)),
        compound_households: group_households,
        seed: crate::model::seed::community_seed(seed, &com.id),
        effort: config.partition.effort as usize,
        starts: config.partition.starts as usize,
        weights: config.partition.weights(),
    };
    match config.neighborhood_count(com) {
        Some(n) => regionalize_to_count(&units, &links, params, n as usize),
        None => regionalize(&units, &links, &params),
    }
}

/// The blocks `members` as units of the search: households, multi-household
/// buildings, shape, group.
fn block_units(
    set: &BlockSet,
    scenario: &Scenario,
    members: &[usize],
    group: &impl Fn(usize) -> Option<usize>,
) -> Vec<Unit> {
    members
        .iter()
        .map(|&b| {
            let blk = &set.blocks[b];
            let shape = shape::shape_of(&blk.polygon);
            let c = if shape.area > 0.0 {
                shape.centre
            } else {
                blk.polygon
                    .centroid()
                    .map(|p| (p.x(), p.y()))
                    .unwrap_or((0.0, 0.0))
            };
            Unit {
                households: blk.households,
                // The 3–10 rule counts multi-household buildings, not
                // houses, sheds and shops.
                buildings: blk
                    .buildings
                    .iter()
                    .filter(|&&i| scenario.buildings[i].households > 1)
                    .count() as u32,
                centroid: c,
                compound: group(b),
                area: shape.area,
                moment: shape.moment,
            }
        })
        .collect()
}

/// Regions of a fixed count `n`: the target set to the households over
/// `n`, then moved until the count found is the count asked (parts that
/// cannot join, compounds kept whole and blocks that cannot be split decide
/// the count too): by the ratio of the two counts until a target giving too
/// many and one giving too few are known, then halfway between them, a few
/// times; the count nearest `n` wins (a ratio step alone can swing between
/// n − 1 and n + 1 for ever).
fn regionalize_to_count(
    units: &[Unit],
    links: &[Link],
    mut params: Params,
    n: usize,
) -> regions::Regions {
    let total: u64 = units.iter().map(|u| u.households).sum();
    params.target = (total as f64 / n as f64).max(1.0);
    let mut best = regionalize(units, links, &params);
    // Targets known to give too many regions (too small) and too few.
    let (mut small, mut large): (Option<f64>, Option<f64>) = (None, None);
    let mut last = best.count;
    for _ in 0..12 {
        if best.count == n {
            break;
        }
        if last > n {
            small = Some(small.map_or(params.target, |s: f64| s.max(params.target)));
        } else {
            large = Some(large.map_or(params.target, |l: f64| l.min(params.target)));
        }
        params.target = match (small, large) {
            (Some(s), Some(l)) => (s + l) / 2.0,
            _ => params.target * last as f64 / n as f64,
        };
        let r = regionalize(units, links, &params);
        last = r.count;
        if r.count.abs_diff(n) < best.count.abs_diff(n) {
            best = r;
        }
    }
    best
}

/// A neighborhood of `blocks` in community `c` with its figures and flags
/// (band, then `separate_part` when `separate`: on a part of the community
/// apart from its main one, then building count). Its id is the
/// community's; callers number it. The partition, the existing grid and the
/// redraw all count neighborhoods this way.
pub fn neighborhood_of(
    scenario: &Scenario,
    t: &Targets,
    set: &BlockSet,
    c: usize,
    blocks: Vec<usize>,
    separate: bool,
) -> Neighborhood {
    let com = &scenario.communities[c];
    let households: u64 = blocks.iter().map(|&b| set.blocks[b].households).sum();
    let buildings: usize = blocks.iter().map(|&b| set.blocks[b].buildings.len()).sum();
    let (multi, single) = Targets::home_counts(
        blocks
            .iter()
            .flat_map(|&b| &set.blocks[b].buildings)
            .map(|&i| scenario.buildings[i].households),
    );
    let homes = multi + single;
    let estimated_households = blocks
        .iter()
        .map(|&b| set.blocks[b].estimated_households)
        .sum();
    let mut flags: Vec<String> = t
        .band_flag(com.kind, households, homes)
        .map(String::from)
        .into_iter()
        .collect();
    if separate {
        flags.push("separate_part".to_string());
    }
    flags.extend(t.buildings_flag(com.kind, multi, single).map(String::from));
    Neighborhood {
        id: com.id.clone(),
        community: c,
        blocks,
        households,
        buildings,
        residential_buildings: homes,
        estimated_households,
        target: t.for_kind(com.kind),
        flags,
    }
}
