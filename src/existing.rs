//! An existing neighborhood grid (the scenario's `neighborhoods.geojson`)
//! as a [`Partition`]: its polygons become the blocks' groups, so staffing
//! and coverage can run on the grid a district already has.

use crate::blocks::build_blocks_as_drawn;
use crate::dissolve::dissolve;
use crate::error::Error;
use crate::model::Planned;
use crate::partition::{Neighborhood, Partition};
use crate::read::Loaded;
use geo::{InteriorPoint, Intersects};
use std::collections::BTreeMap;

/// Pieces of the grid smaller than this (m²) are digitizing slivers, not
/// neighborhoods.
pub const SLIVER_M2: f64 = 5.0;

/// The existing grid as planned neighborhoods. Blocks are built with the
/// grid's borders in the network; a block goes to the grid polygon holding
/// its interior point. Area of a community covered by no grid polygon forms
/// neighborhoods flagged `not_in_grid`; a grid polygon cut by a community
/// border counts once per community (flagged `crosses_community_border`).
pub fn existing_grid(loaded: &Loaded) -> Result<Planned, Error> {
    let s = &loaded.scenario;
    let mut with_grid = s.clone();
    with_grid.parcels = s
        .existing_neighborhoods
        .iter()
        .cloned()
        .map(|mut p| {
            p.households = None;
            p
        })
        .collect();
    let b = &loaded.config.barriers;
    let set = build_blocks_as_drawn(&with_grid, &[], b.snap_tolerance_m, b.community)
        .map_err(Error::Input)?;
    let t = &loaded.config.targets;

    // (grid polygon or none, community) → neighborhood.
    let mut key_of: BTreeMap<(Option<usize>, usize), usize> = BTreeMap::new();
    let mut block_neighborhood = vec![usize::MAX; set.blocks.len()];
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut keys: Vec<(Option<usize>, usize)> = Vec::new();
    for (bi, blk) in set.blocks.iter().enumerate() {
        let grid = blk.polygon.interior_point().and_then(|p| {
            s.existing_neighborhoods
                .iter()
                .position(|n| n.area.intersects(&p))
        });
        let key = (grid, blk.community);
        let idx = *key_of.entry(key).or_insert_with(|| {
            members.push(Vec::new());
            keys.push(key);
            members.len() - 1
        });
        members[idx].push(bi);
        block_neighborhood[bi] = idx;
    }
    // Hand-drawn (or rounded) grids leave slivers along community borders:
    // pieces under SLIVER_M2 join the neighbouring piece of their community
    // with which they share the longest border.
    let area = |m: &Vec<usize>| m.iter().map(|&b| set.blocks[b].area).sum::<f64>();
    let sliver: Vec<bool> = members.iter().map(|m| area(m) < SLIVER_M2).collect();
    for i in 0..members.len() {
        if !sliver[i] {
            continue;
        }
        let mut best: Option<(f64, usize)> = None;
        for &b in &members[i] {
            for e in set.adjacency.edges(crate::blocks::BlockSet::node(b)) {
                use petgraph::visit::EdgeRef;
                let o = if e.source().index() == b {
                    e.target().index()
                } else {
                    e.source().index()
                };
                let j = block_neighborhood[o];
                if j != i && !sliver[j] && set.blocks[o].community == set.blocks[b].community {
                    let len = e.weight().shared_m;
                    if best.is_none_or(|(l, bj)| len > l || (len == l && j < bj)) {
                        best = Some((len, j));
                    }
                }
            }
        }
        if let Some((_, j)) = best {
            let moved = std::mem::take(&mut members[i]);
            for &b in &moved {
                block_neighborhood[b] = j;
            }
            members[j].extend(moved);
            members[j].sort_unstable();
        }
    }
    // Drop emptied pieces and renumber.
    let mut renumber = vec![usize::MAX; members.len()];
    let mut kept_keys = Vec::new();
    let mut kept_members = Vec::new();
    for (i, m) in members.into_iter().enumerate() {
        if !m.is_empty() {
            renumber[i] = kept_members.len();
            kept_keys.push(keys[i]);
            kept_members.push(m);
        }
    }
    for n in block_neighborhood.iter_mut() {
        *n = renumber[*n];
    }
    let (keys, members) = (kept_keys, kept_members);
    let mut per_grid: BTreeMap<usize, usize> = BTreeMap::new();
    for (g, _) in &keys {
        if let Some(g) = g {
            *per_grid.entry(*g).or_insert(0) += 1;
        }
    }
    let mut gaps_in: BTreeMap<usize, usize> = BTreeMap::new();
    let neighborhoods = keys
        .iter()
        .zip(&members)
        .map(|(&(grid, c), blocks)| {
            let com = &s.communities[c];
            let target = t.for_kind(com.kind);
            let households: u64 = blocks.iter().map(|&b| set.blocks[b].households).sum();
            let buildings: usize = blocks.iter().map(|&b| set.blocks[b].buildings.len()).sum();
            let (multi, single) = crate::config::Targets::home_counts(
                blocks
                    .iter()
                    .flat_map(|&b| &set.blocks[b].buildings)
                    .map(|&i| s.buildings[i].households),
            );
            let homes = multi + single;
            let mut flags: Vec<String> = t
                .band_flag(com.kind, households, homes)
                .into_iter()
                .chain(t.buildings_flag(com.kind, multi, single))
                .map(String::from)
                .collect();
            let id = match grid {
                Some(g) => {
                    let base = s.existing_neighborhoods[g].id.clone();
                    if per_grid.get(&g).copied().unwrap_or(0) > 1 {
                        flags.push("crosses_community_border".to_string());
                        format!("{base}@{}", com.id)
                    } else {
                        base
                    }
                }
                None => {
                    flags.push("not_in_grid".to_string());
                    let n = gaps_in.entry(c).or_insert(0);
                    *n += 1;
                    format!("{}-gap{:02}", com.id, n)
                }
            };
            Neighborhood {
                id,
                community: c,
                blocks: blocks.clone(),
                households,
                buildings,
                residential_buildings: homes,
                estimated_households: blocks
                    .iter()
                    .map(|&b| set.blocks[b].estimated_households)
                    .sum(),
                target,
                flags,
            }
        })
        .collect::<Vec<_>>();
    let partition = Partition {
        block_neighborhood,
        neighborhoods,
    };
    let shapes = dissolve(
        &set,
        &partition.block_neighborhood,
        partition.neighborhoods.len(),
    );
    let straddles = crate::partition::straddles::straddles(
        &set,
        &partition.block_neighborhood,
        s,
        &loaded.config.targets,
    );
    Ok(Planned {
        block_count: set.blocks.len(),
        blocks: set,
        partition,
        shapes,
        straddles,
    })
}
