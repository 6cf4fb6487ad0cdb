//! An existing neighborhood grid (the scenario's `neighborhoods.geojson`)
//! as a [`Partition`]: its polygons become the blocks' groups, so staffing
//! and coverage can run on the grid a district already has.

use crate::blocks::{BlockSet, build_blocks_as_drawn};
use crate::config::Config;
use crate::dissolve::dissolve;
use crate::error::Error;
use crate::model::{Planned, Scenario};
use crate::partition::{Neighborhood, Partition};
use crate::read::Loaded;
use geo::{InteriorPoint, Intersects};
use petgraph::visit::EdgeRef;
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
    let set = blocks_with_grid(loaded)?;
    let mut pieces = pieces_by_polygon(s, &set);
    join_slivers(&set, &mut pieces);
    let pieces = drop_empty(pieces);
    let neighborhoods = name_pieces(s, &loaded.config, &set, &pieces);
    let partition = Partition {
        block_neighborhood: pieces.block_piece,
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
        &loaded.config,
    );
    Ok(Planned {
        block_count: set.blocks.len(),
        blocks: set,
        partition,
        shapes,
        straddles,
    })
}

/// The scenario's blocks with the grid's borders in the network (the grid
/// polygons as parcels, their declared households ignored).
fn blocks_with_grid(loaded: &Loaded) -> Result<BlockSet, Error> {
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
    build_blocks_as_drawn(&with_grid, &[], b.snap_tolerance_m, b.community).map_err(Error::Input)
}

/// The blocks grouped by (grid polygon or none, community).
struct Pieces {
    /// Each piece's grid polygon (`None`: in no polygon) and community.
    keys: Vec<(Option<usize>, usize)>,
    /// Each piece's blocks.
    members: Vec<Vec<usize>>,
    /// Each block's piece.
    block_piece: Vec<usize>,
}

/// Each block goes to the grid polygon holding its interior point, per
/// community.
fn pieces_by_polygon(s: &Scenario, set: &BlockSet) -> Pieces {
    let mut key_of: BTreeMap<(Option<usize>, usize), usize> = BTreeMap::new();
    let mut p = Pieces {
        keys: Vec::new(),
        members: Vec::new(),
        block_piece: vec![usize::MAX; set.blocks.len()],
    };
    for (bi, blk) in set.blocks.iter().enumerate() {
        let grid = blk.polygon.interior_point().and_then(|pt| {
            s.existing_neighborhoods
                .iter()
                .position(|n| n.area.intersects(&pt))
        });
        let key = (grid, blk.community);
        let idx = *key_of.entry(key).or_insert_with(|| {
            p.members.push(Vec::new());
            p.keys.push(key);
            p.members.len() - 1
        });
        p.members[idx].push(bi);
        p.block_piece[bi] = idx;
    }
    p
}

/// Pieces under [`SLIVER_M2`] join the neighbouring piece of their
/// community with which they share the longest border.
///
/// Hand-drawn (or rounded) grids leave such slivers along community
/// borders.
fn join_slivers(set: &BlockSet, p: &mut Pieces) {
    let area = |m: &Vec<usize>| m.iter().map(|&b| set.blocks[b].area).sum::<f64>();
    let sliver: Vec<bool> = p.members.iter().map(|m| area(m) < SLIVER_M2).collect();
    for i in 0..p.members.len() {
        if !sliver[i] {
            continue;
        }
        let mut best: Option<(f64, usize)> = None;
        for &b in &p.members[i] {
            for e in set.adjacency.edges(BlockSet::node(b)) {
                let o = if e.source().index() == b {
                    e.target().index()
                } else {
                    e.source().index()
                };
                let j = p.block_piece[o];
                if j != i && !sliver[j] && set.blocks[o].community == set.blocks[b].community {
                    let len = e.weight().shared_m;
                    if best.is_none_or(|(l, bj)| len > l || (len == l && j < bj)) {
                        best = Some((len, j));
                    }
                }
            }
        }
        if let Some((_, j)) = best {
            let moved = std::mem::take(&mut p.members[i]);
            for &b in &moved {
                p.block_piece[b] = j;
            }
            p.members[j].extend(moved);
            p.members[j].sort_unstable();
        }
    }
}

/// The pieces left non-empty, renumbered in order.
fn drop_empty(p: Pieces) -> Pieces {
    let mut renumber = vec![usize::MAX; p.members.len()];
    let mut keys = Vec::new();
    let mut members = Vec::new();
    for (i, m) in p.members.into_iter().enumerate() {
        if !m.is_empty() {
            renumber[i] = members.len();
            keys.push(p.keys[i]);
            members.push(m);
        }
    }
    let block_piece = p.block_piece.into_iter().map(|n| renumber[n]).collect();
    Pieces {
        keys,
        members,
        block_piece,
    }
}

/// The pieces as neighborhoods: a grid polygon's id (`<id>@<community>`
/// when it reaches several communities, flagged
/// `crosses_community_border`), or `<community>-gapNN` for area in no
/// polygon (flagged `not_in_grid`); figures and band flags from the blocks.
fn name_pieces(s: &Scenario, config: &Config, set: &BlockSet, p: &Pieces) -> Vec<Neighborhood> {
    let mut per_grid: BTreeMap<usize, usize> = BTreeMap::new();
    for g in p.keys.iter().filter_map(|k| k.0) {
        *per_grid.entry(g).or_insert(0) += 1;
    }
    let mut gaps_in: BTreeMap<usize, usize> = BTreeMap::new();
    p.keys
        .iter()
        .zip(&p.members)
        .map(|(&(grid, c), blocks)| {
            let com = &s.communities[c];
            let t = config.targets_for(com);
            let mut n = crate::partition::neighborhood_of(s, &t, set, c, blocks.to_vec(), false);
            n.id = match grid {
                Some(g) => {
                    let base = s.existing_neighborhoods[g].id.clone();
                    if per_grid.get(&g).copied().unwrap_or(0) > 1 {
                        n.flags.push("crosses_community_border".to_string());
                        format!("{base}@{}", com.id)
                    } else {
                        base
                    }
                }
                None => {
                    n.flags.push("not_in_grid".to_string());
                    let k = gaps_in.entry(c).or_insert(0);
                    *k += 1;
                    format!("{}-gap{:02}", com.id, k)
                }
            };
            n
        })
        .collect()
}
