//! Redraw an existing grid with minimal change: keep every compliant
//! neighborhood, re-partition only what is wrong together with as few
//! neighbours as needed, fill gaps and resolve overlaps along the network.
//!
//! The grid is laid on the barrier network ([`crate::audit::grid`]); slivers
//! are snapped to a neighbour. A neighborhood is kept when its core (the
//! blocks it alone holds in its main community, largest connected piece) is
//! within the band. Everything else is free: a free piece too small for a
//! neighborhood joins an adjacent one that stays in the band; a larger piece
//! is partitioned on its own ([`crate::partition::regionalize_blocks`]), and
//! when that cannot reach the band, the adjacent kept neighborhood sharing
//! the most border (weak barriers first) is freed and joins it, and so on.
//! New regions inherit the id of the old neighborhood they share the most
//! households with (one-to-one); households moved count against that match.

pub mod perturb;

use crate::audit::grid::{GridBlocks, components, gaps_and_overlaps, owners};
use crate::audit::main_communities;
use crate::config::Config;
use crate::dissolve::dissolve;
use crate::error::Problem;
use crate::model::Planned;
use crate::model::{Parcel, Scenario};
use crate::partition::{
    Neighborhood, Partition, cells::cell_lines, neighborhood_of, regionalize_blocks_grouped,
};
use petgraph::visit::EdgeRef;
use serde::Serialize;
use std::collections::BTreeMap;

/// What happened to a neighborhood of the redrawn grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// The same blocks (slivers aside), same id: compliant, or as near as
    /// the blocks allow (a whole community below the band).
    Kept,
    /// Compliant core kept, same id; a gap or overlap joined it, or a piece
    /// outside its community or cut off from it left it.
    Adjusted,
    /// Re-partitioned; the id of the old neighborhood it shares the most
    /// households with.
    Redrawn,
    /// Re-partitioned; no old neighborhood left to inherit from.
    New,
}

/// Households moved between neighborhoods.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Moved {
    /// Households in the communities.
    pub households: u64,
    /// Households now in a neighborhood other than the one(s) holding them.
    pub moved: u64,
    /// Households that were in no neighborhood (gaps) and now are.
    pub placed: u64,
}

/// The redrawn grid.
#[derive(Debug)]
pub struct Redrawn {
    /// Blocks (grid borders and cells included), partition and shapes.
    pub planned: Planned,
    /// For each neighborhood of `planned`, what happened to it.
    pub change: Vec<Change>,
    /// For each neighborhood of `planned`, the old grid polygon whose id it
    /// carries.
    pub origin: Vec<Option<usize>>,
    /// Old grid polygons not in the redrawn grid.
    pub removed: Vec<usize>,
    /// Households moved, by the ids written.
    pub moved: Moved,
    /// The old grid polygons holding each building (by location).
    pub old_of_building: Vec<Vec<usize>>,
}

struct Region {
    community: usize,
    blocks: Vec<usize>,
    households: u64,
    /// Old grid polygon it keeps (kept regions).
    keeps: Option<usize>,
    alive: bool,
}

const FREE: usize = usize::MAX;

/// (regions outside the band, households moved): lower is better.
type Score = (usize, u64);

/// Kept neighbours tried, most shared border first, when a piece cannot
/// reach the band on its own.
const NEIGHBOURS_TRIED: usize = 3;

/// Searches per re-cut piece; the best (in band, fewest households moved)
/// is kept.
const TRIES: u64 = 6;

/// Matches new groups with old ones one-to-one, largest shared households
/// first (ties: lowest new, then old index): `shared[(new, old)]` → new → old.
fn match_one_to_one(shared: BTreeMap<(usize, usize), u64>) -> BTreeMap<usize, usize> {
    let mut pairs: Vec<((usize, usize), u64)> = shared.into_iter().collect();
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut matched: BTreeMap<usize, usize> = BTreeMap::new();
    let mut used = std::collections::BTreeSet::new();
    for ((n, o), _) in pairs {
        if !matched.contains_key(&n) && !used.contains(&o) {
            matched.insert(n, o);
            used.insert(o);
        }
    }
    matched
}

/// Whether `blocks` form one connected piece of the adjacency graph.
fn connected(set: &crate::blocks::BlockSet, blocks: &[usize]) -> bool {
    let Some(&first) = blocks.first() else {
        return true;
    };
    let inside: std::collections::BTreeSet<usize> = blocks.iter().copied().collect();
    let mut seen = std::collections::BTreeSet::from([first]);
    let mut stack = vec![first];
    while let Some(b) = stack.pop() {
        for e in set.adjacency.edges(crate::blocks::BlockSet::node(b)) {
            let o = if e.source().index() == b {
                e.target().index()
            } else {
                e.source().index()
            };
            if inside.contains(&o) && seen.insert(o) {
                stack.push(o);
            }
        }
    }
    seen.len() == inside.len()
}

/// Households a set of new groups moves away from the old neighborhoods
/// holding its blocks, each group matched one-to-one with the old one it
/// shares the most households with.
fn moved_within(
    set: &crate::blocks::BlockSet,
    holders: &[Vec<usize>],
    groups: &[Vec<usize>],
) -> u64 {
    let mut shared: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    for (k, gr) in groups.iter().enumerate() {
        for &b in gr {
            for &o in &holders[b] {
                *shared.entry((k, o)).or_insert(0) += set.blocks[b].households;
            }
        }
    }
    let matched = match_one_to_one(shared);
    let mut moved = 0;
    for (k, gr) in groups.iter().enumerate() {
        for &b in gr {
            let h = &holders[b];
            if !h.is_empty() && !matched.get(&k).is_some_and(|o| h.contains(o)) {
                moved += set.blocks[b].households;
            }
        }
    }
    moved
}

/// Redraws `grid` with minimal change (see the module documentation).
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use linli::model::*;
/// let rect = |x0: f64, x1: f64| MultiPolygon(vec![polygon![(x: x0, y: 0.0), (x: x1, y: 0.0), (x: x1, y: 100.0), (x: x0, y: 100.0)]]);
/// let road = |x| BarrierLine { line: vec![(x, -5.0), (x, 105.0)].into(), barrier: Barrier { level: 2, kind: BarrierKind::Road } };
/// let home = |x: f64| Building { id: format!("h{x}"), footprint: None, location: geo::point!(x: x, y: 50.0),
///     households: 110, estimated: false, use_: "residential".into() };
/// // Six blocks of 110 households between roads; a grid of 330 and 220 + a gap.
/// let s = Scenario {
///     communities: vec![Community { id: "C".into(), name: "C".into(), street: "S".into(),
///         kind: CommunityKind::Urban, social_workers: None, area: rect(0.0, 600.0) }],
///     barriers: (1..6).map(|i| road(100.0 * i as f64)).collect(),
///     buildings: (0..6).map(|i| home(50.0 + 100.0 * i as f64)).collect(),
///     ..Default::default()
/// };
/// let grid = vec![Parcel { id: "A".into(), area: rect(0.0, 300.0), households: None },
///                 Parcel { id: "B".into(), area: rect(300.0, 500.0), households: None }];
/// let mut cfg = linli::config::Config::default();
/// cfg.targets.min_buildings = 1;
/// let r = linli::redraw::redraw(&s, &grid, &cfg, 1).unwrap();
/// use linli::redraw::Change;
/// assert_eq!(r.change, vec![Change::Kept, Change::Adjusted]); // the gap joins B
/// assert_eq!(r.planned.partition.neighborhoods[1].households, 330);
/// assert_eq!(r.moved.moved, 0);
/// assert_eq!(r.moved.placed, 110);
/// ```
pub fn redraw(
    scenario: &Scenario,
    grid: &[Parcel],
    config: &Config,
    seed: u64,
) -> Result<Redrawn, Vec<Problem>> {
    let g = grid_with_cells(scenario, grid, config)?;
    let ctx = Context::new(scenario, grid, config, seed, &g);
    let mut regions = kept_cores(&ctx);
    place_free_pieces(&ctx, &mut regions);
    let ids = inherit_ids(&ctx, &regions.list);
    let built = build_neighborhoods(&ctx, &mut regions.list, &ids.origin);
    let removed: Vec<usize> = (0..grid.len()).filter(|&o| !ids.used[o]).collect();
    let (moved, old_of_building) = moved_by_ids(&ctx, &built.block_neighborhood, &built.origin);
    let count = built.neighborhoods.len();
    let partition = Partition {
        block_neighborhood: built.block_neighborhood,
        neighborhoods: built.neighborhoods,
    };
    let mut shapes = dissolve(&g.set, &partition.block_neighborhood, count);
    // Locked neighborhoods as drawn: their blocks tile them exactly, with
    // the vertices noding added.
    for (n, o) in built.origin.iter().enumerate() {
        if let Some(o) = o.filter(|&o| ctx.locked[o]) {
            shapes[n].area = grid[o].area.clone();
        }
    }
    let straddles = crate::partition::straddles::straddles(
        &g.set,
        &partition.block_neighborhood,
        scenario,
        config,
    );
    Ok(Redrawn {
        planned: Planned {
            block_count: g.set.blocks.len(),
            blocks: g.set,
            partition,
            shapes,
            straddles,
        },
        change: built.change,
        origin: built.origin,
        removed,
        moved,
        old_of_building,
    })
}

/// The grid laid on the network; blocks too large for any neighborhood
/// are split into cells first (and the grid laid again with their edges).
pub fn grid_with_cells(
    scenario: &Scenario,
    grid: &[Parcel],
    config: &Config,
) -> Result<GridBlocks, Vec<Problem>> {
    let bc = &config.barriers;
    // Buildings the scenario's barriers run through stay whole: the new
    // borders follow block edges and must split none.
    let whole = crate::audit::grid::grid_blocks_keeping_buildings;
    let exact = locked_polygons(scenario, grid);
    let tol = (bc.snap_tolerance_m, bc.community);
    let g0 = whole(scenario, grid, &[], tol, &exact)?;
    let cells = cell_lines(&g0.set.blocks, &scenario.buildings, |b| {
        band(scenario, config, b.community).1
    });
    if cells.is_empty() {
        Ok(g0)
    } else {
        whole(scenario, grid, &cells, tol, &exact)
    }
}

/// The grid polygons locked (`locked = true` in the scenario's grid).
fn locked_polygons(scenario: &Scenario, grid: &[Parcel]) -> Vec<usize> {
    scenario
        .locked_neighborhoods
        .iter()
        .copied()
        .filter(|&i| {
            grid.get(i)
                .is_some_and(|g| g.id == scenario.existing_neighborhoods[i].id)
        })
        .collect()
}

/// The household band of community `c`, widened by the band's epsilon.
fn band(scenario: &Scenario, config: &Config, c: usize) -> (f64, f64) {
    config.band(&scenario.communities[c])
}

/// What every step of the redraw reads: the scenario, the grid on its
/// blocks, and the old neighborhood owning each block.
struct Context<'a> {
    scenario: &'a Scenario,
    config: &'a Config,
    grid: &'a [Parcel],
    seed: u64,
    g: &'a GridBlocks,
    /// The community holding most of each old polygon.
    main: Vec<Option<usize>>,
    /// The one old polygon owning each block (gaps and overlaps resolved),
    /// counting a polygon only in its main community.
    owner: Vec<Option<usize>>,
    /// Blocks of sliver gaps and overlaps (left out when comparing).
    sliver: Vec<bool>,
    /// Households each old polygon owns.
    old_households: Vec<u64>,
    /// Whether each old polygon is locked: kept exactly.
    locked: Vec<bool>,
}

impl<'a> Context<'a> {
    /// Owners and slivers of the grid's blocks.
    fn new(
        scenario: &'a Scenario,
        grid: &'a [Parcel],
        config: &'a Config,
        seed: u64,
        g: &'a GridBlocks,
    ) -> Self {
        let set = &g.set;
        let main = main_communities(g, grid.len());
        // A polygon holds blocks only in its main community; the rest is free.
        let holders: Vec<Vec<usize>> = g
            .holders
            .iter()
            .enumerate()
            .map(|(bi, h)| {
                h.iter()
                    .copied()
                    .filter(|&x| main[x] == Some(set.blocks[bi].community))
                    .collect()
            })
            .collect();
        let (gaps, overlaps) = gaps_and_overlaps(set, &holders, &config.audit);
        let mut locked = vec![false; grid.len()];
        for i in locked_polygons(scenario, grid) {
            locked[i] = true;
        }
        let mut owner = owners(set, &holders, &gaps, &overlaps);
        // A locked polygon owns all it holds (in any community), and
        // nothing more: no sliver joins it.
        for (b, o) in owner.iter_mut().enumerate() {
            if let Some(&l) = g.holders[b].iter().find(|&&x| locked[x]) {
                *o = Some(l);
            } else if o.is_some_and(|x| locked[x]) {
                *o = None;
            }
        }
        let mut sliver = vec![false; set.blocks.len()];
        for p in gaps.iter().chain(&overlaps).filter(|p| p.sliver) {
            for &b in &p.blocks {
                sliver[b] = true;
            }
        }
        let mut old_households = vec![0u64; grid.len()];
        for (b, o) in owner.iter().enumerate() {
            if let Some(o) = o {
                old_households[*o] += set.blocks[b].households;
            }
        }
        Context {
            scenario,
            config,
            grid,
            seed,
            g,
            main,
            owner,
            sliver,
            old_households,
            locked,
        }
    }

    /// Whether region `r` of `list` keeps a locked polygon.
    fn is_locked(&self, list: &[Region], r: usize) -> bool {
        list[r].keeps.is_some_and(|o| self.locked[o])
    }

    fn set(&self) -> &'a crate::blocks::BlockSet {
        &self.g.set
    }

    /// The band of community `c`.
    fn band(&self, c: usize) -> (f64, f64) {
        band(self.scenario, self.config, c)
    }

    /// Households of `blocks`.
    fn households(&self, blocks: &[usize]) -> u64 {
        blocks
            .iter()
            .map(|&b| self.set().blocks[b].households)
            .sum()
    }

    /// Whether `blocks` make a neighborhood within the band of community
    /// `c` (one block or one home above it cannot be split, so counts).
    fn in_band(&self, c: usize, blocks: &[usize]) -> bool {
        let homes = || {
            blocks
                .iter()
                .flat_map(|&b| &self.set().blocks[b].buildings)
                .filter(|&&i| self.scenario.buildings[i].households > 0)
                .count()
        };
        let (lo, hi) = self.band(c);
        let h = self.households(blocks) as f64;
        (lo <= h && h <= hi) || (h > hi && blocks.len() == 1) || (h > hi && homes() == 1)
    }
}

/// The regions of the new grid and each block's region ([`FREE`]: none
/// yet).
struct Regions {
    list: Vec<Region>,
    assign: Vec<usize>,
}

impl Regions {
    /// Adds a region of `blocks` in community `c`.
    fn push(&mut self, ctx: &Context, c: usize, blocks: Vec<usize>, keeps: Option<usize>) {
        for &b in &blocks {
            self.assign[b] = self.list.len();
        }
        self.list.push(Region {
            community: c,
            households: ctx.households(&blocks),
            blocks,
            keeps,
            alive: true,
        });
    }
}

/// The kept cores: for each old polygon, its largest connected piece in
/// its main community (most households, then area), when within the band.
fn kept_cores(ctx: &Context) -> Regions {
    let set = ctx.set();
    let mut regions = Regions {
        list: Vec::new(),
        assign: vec![FREE; set.blocks.len()],
    };
    let mut pieces_of: BTreeMap<usize, Vec<Vec<usize>>> = BTreeMap::new();
    for piece in components(set, &ctx.owner) {
        if let Some(o) = ctx.owner[piece[0]] {
            pieces_of.entry(o).or_default().push(piece);
        }
    }
    let area = |p: &Vec<usize>| p.iter().map(|&x| set.blocks[x].area).sum::<f64>();
    for (o, pieces) in pieces_of {
        let Some(c) = ctx.main[o] else { continue };
        if ctx.locked[o] {
            let mut all: Vec<usize> = pieces.into_iter().flatten().collect();
            all.sort_unstable();
            regions.push(ctx, c, all, Some(o));
            continue;
        }
        let core = pieces
            .into_iter()
            .max_by(|a, b| {
                ctx.households(a)
                    .cmp(&ctx.households(b))
                    .then(area(a).total_cmp(&area(b)))
                    .then(b[0].cmp(&a[0]))
            })
            .unwrap_or_default();
        if core.is_empty() || !ctx.in_band(c, &core) || set.blocks[core[0]].community != c {
            continue;
        }
        regions.push(ctx, c, core, Some(o));
    }
    regions
}

/// Places every free piece: fill, partition, or free a neighbour and try
/// again, until no block is free.
fn place_free_pieces(ctx: &Context, regions: &mut Regions) {
    loop {
        let free_key: Vec<Option<()>> = regions
            .assign
            .iter()
            .map(|&a| (a == FREE).then_some(()))
            .collect();
        let pieces = components(ctx.set(), &free_key);
        if pieces.is_empty() {
            break;
        }
        for piece in pieces {
            // A neighbour freed: the free pieces have changed.
            if place_piece(ctx, regions, piece) {
                break;
            }
        }
    }
}

/// Places one free piece; returns whether a kept neighbour was freed to
/// join it instead (the piece stays free).
fn place_piece(ctx: &Context, regions: &mut Regions, piece: Vec<usize>) -> bool {
    let c = ctx.set().blocks[piece[0]].community;
    let near = neighbours(ctx, &piece, &regions.assign);
    if (ctx.households(&piece) as f64) < ctx.band(c).0 && join_small(ctx, regions, &piece, &near) {
        return false;
    }
    if sliver_by_locks(ctx, regions, &piece, &near) {
        return false;
    }
    let (score, groups) = best_cut(ctx, &piece);
    let helper = if score.0 > 0 {
        helping_neighbour(ctx, &regions.list, &piece, &near, score)
    } else {
        None
    };
    let Some(r) = helper else {
        for gr in groups.into_iter().filter(|g| !g.is_empty()) {
            regions.push(ctx, c, gr, None);
        }
        return false;
    };
    for &b in &regions.list[r].blocks {
        regions.assign[b] = FREE;
    }
    regions.list[r].alive = false;
    regions.list[r].blocks.clear();
    true
}

/// Regions next to `piece` in its community, by shared border weighted
/// down by the barrier's level (a river between them counts little).
fn neighbours(ctx: &Context, piece: &[usize], assign: &[usize]) -> BTreeMap<usize, f64> {
    let set = ctx.set();
    let mut out = BTreeMap::new();
    for &b in piece {
        for e in set.adjacency.edges(crate::blocks::BlockSet::node(b)) {
            let o = if e.source().index() == b {
                e.target().index()
            } else {
                e.source().index()
            };
            let r = assign[o];
            if r != FREE && set.blocks[o].community == set.blocks[b].community {
                let w = e.weight();
                *out.entry(r).or_insert(0.0) += w.shared_m / (1.0 + f64::from(w.barrier.level));
            }
        }
    }
    out
}

/// A piece without households, under the sliver size, with only locked
/// neighbours (their borders as drawn miss the community's by a hair)
/// goes with the one sharing the most border: its shape stays as drawn,
/// the sliver is left out of it. Returns whether it did.
fn sliver_by_locks(
    ctx: &Context,
    regions: &mut Regions,
    piece: &[usize],
    near: &BTreeMap<usize, f64>,
) -> bool {
    let area: f64 = piece.iter().map(|&b| ctx.set().blocks[b].area).sum();
    let list = &regions.list;
    if ctx.households(piece) > 0
        || area >= ctx.config.audit.sliver_m2
        || near.is_empty()
        || !near.keys().all(|&r| ctx.is_locked(list, r))
    {
        return false;
    }
    let Some(r) = near
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(&r, _)| r)
    else {
        return false;
    };
    for &b in piece {
        regions.assign[b] = r;
    }
    regions.list[r].blocks.extend(piece);
    true
}

/// A piece too small on its own joins a neighbour that stays in the band,
/// a former holder first, then the one nearest the target after joining,
/// then the longest (weak) border. Returns whether one was found.
fn join_small(
    ctx: &Context,
    regions: &mut Regions,
    piece: &[usize],
    near: &BTreeMap<usize, f64>,
) -> bool {
    let c = ctx.set().blocks[piece[0]].community;
    let hi = ctx.band(c).1;
    let h = ctx.households(piece);
    let list = &regions.list;
    let held: Vec<usize> = piece
        .iter()
        .flat_map(|&b| ctx.g.holders[b].clone())
        .collect();
    let com = &ctx.scenario.communities[c];
    let tf = f64::from(ctx.config.targets_for(com).for_kind(com.kind));
    let former = |r: usize| list[r].keeps.is_some_and(|o| held.contains(&o));
    let off = |r: usize| ((list[r].households + h) as f64 - tf).abs();
    let best = near
        .iter()
        .filter(|&(&r, _)| (list[r].households + h) as f64 <= hi && !ctx.is_locked(list, r))
        .max_by(|a, b| {
            former(*a.0)
                .cmp(&former(*b.0))
                .then(off(*b.0).total_cmp(&off(*a.0)))
                .then(a.1.total_cmp(b.1))
                .then(b.0.cmp(a.0))
        })
        .map(|(&r, _)| r);
    let Some(r) = best else { return false };
    for &b in piece {
        regions.assign[b] = r;
    }
    regions.list[r].blocks.extend(piece);
    regions.list[r].households += h;
    true
}

/// The kept neighbour to free (the most shared weak border first) when
/// cutting it together with `piece` leaves fewer regions out of the band
/// than `score`; none when no neighbour helps (towers too big to pair, a
/// small island stay as they are rather than dragging sound ones in).
fn helping_neighbour(
    ctx: &Context,
    list: &[Region],
    piece: &[usize],
    near: &BTreeMap<usize, f64>,
    score: Score,
) -> Option<usize> {
    let mut order: Vec<(usize, f64)> = near
        .iter()
        .filter(|&(&r, _)| list[r].keeps.is_some() && !ctx.is_locked(list, r))
        .map(|(&r, &w)| (r, w))
        .collect();
    order.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(list[a.0].households.cmp(&list[b.0].households))
            .then(a.0.cmp(&b.0))
    });
    for &(r, _) in order.iter().take(NEIGHBOURS_TRIED) {
        let mut union: Vec<usize> = piece.to_vec();
        union.extend(&list[r].blocks);
        union.sort_unstable();
        if best_cut(ctx, &union).0.0 < score.0 {
            return Some(r);
        }
    }
    None
}

/// A few searches of a piece (old neighborhoods that fit the band kept
/// whole where they can); the one with the fewest regions outside the
/// band, then moving the fewest households, wins.
fn best_cut(ctx: &Context, piece: &[usize]) -> (Score, Vec<Vec<usize>>) {
    let set = ctx.set();
    let c = set.blocks[piece[0]].community;
    let mut best = as_drawn(ctx, piece);
    for k in 0..TRIES {
        let rs = regionalize_blocks_grouped(
            set,
            ctx.scenario,
            ctx.config,
            c,
            piece,
            ctx.seed ^ (piece[0] as u64) ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15),
            |b| ctx.owner[b],
            ctx.old_households.clone(),
        );
        let groups: Vec<Vec<usize>> = (0..rs.count)
            .map(|k| {
                piece
                    .iter()
                    .zip(&rs.region)
                    .filter(|&(_, &r)| r == k)
                    .map(|(&b, _)| b)
                    .collect()
            })
            .filter(|g: &Vec<usize>| !g.is_empty())
            .collect();
        let bad = groups.iter().filter(|gr| !ctx.in_band(c, gr)).count();
        let score = (bad, moved_within(set, &ctx.g.holders, &groups));
        if best.as_ref().is_none_or(|(s, _)| score < *s) {
            best = Some((score, groups));
        }
        if score == (0, 0) {
            break;
        }
    }
    best.expect("at least one try")
}

/// The piece as drawn, when every block has one owner and each old
/// neighborhood in it is one piece: it competes with the searches, so
/// towers too big to pair stay as they were rather than being re-cut for
/// nothing.
fn as_drawn(ctx: &Context, piece: &[usize]) -> Option<(Score, Vec<Vec<usize>>)> {
    let set = ctx.set();
    if !piece.iter().all(|&b| ctx.owner[b].is_some()) {
        return None;
    }
    let c = set.blocks[piece[0]].community;
    let mut by_owner: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &b in piece {
        by_owner
            .entry(ctx.owner[b].unwrap_or(usize::MAX))
            .or_default()
            .push(b);
    }
    let groups: Vec<Vec<usize>> = by_owner.into_values().collect();
    if !groups.iter().all(|gr| connected(set, gr)) {
        return None;
    }
    let bad = groups.iter().filter(|gr| !ctx.in_band(c, gr)).count();
    Some(((bad, moved_within(set, &ctx.g.holders, &groups)), groups))
}

/// Which old polygon each region carries the id of, and which old polygons
/// are taken.
struct Ids {
    /// Region → old polygon.
    origin: BTreeMap<usize, usize>,
    /// Old polygons whose id is carried.
    used: Vec<bool>,
}

/// Ids: kept regions keep theirs; the others inherit one-to-one from the
/// old neighborhoods they share the most households (then area) with.
fn inherit_ids(ctx: &Context, regions: &[Region]) -> Ids {
    let set = ctx.set();
    let mut origin: BTreeMap<usize, usize> = BTreeMap::new();
    let mut used = vec![false; ctx.grid.len()];
    let alive = || (0..regions.len()).filter(|&r| regions[r].alive);
    for r in alive() {
        if let Some(o) = regions[r].keeps {
            origin.insert(r, o);
            used[o] = true;
        }
    }
    let mut shared: BTreeMap<(usize, usize), (u64, f64)> = BTreeMap::new();
    for r in alive().filter(|&r| regions[r].keeps.is_none()) {
        for &b in &regions[r].blocks {
            for &o in &ctx.g.holders[b] {
                if !used[o] {
                    let e = shared.entry((r, o)).or_insert((0, 0.0));
                    e.0 += set.blocks[b].households;
                    e.1 += set.blocks[b].area;
                }
            }
        }
    }
    let mut pairs: Vec<((usize, usize), (u64, f64))> = shared.into_iter().collect();
    pairs.sort_by(|a, b| {
        b.1.0
            .cmp(&a.1.0)
            .then(b.1.1.total_cmp(&a.1.1))
            .then(a.0.cmp(&b.0))
    });
    for ((r, o), _) in pairs {
        if !used[o] && !origin.contains_key(&r) {
            used[o] = true;
            origin.insert(r, o);
        }
    }
    Ids { origin, used }
}

/// The new grid's neighborhoods with what happened to each and the old
/// polygon whose id it carries.
struct Built {
    block_neighborhood: Vec<usize>,
    neighborhoods: Vec<Neighborhood>,
    change: Vec<Change>,
    origin: Vec<Option<usize>>,
}

/// The live regions as neighborhoods, by community, kept and redrawn
/// first, new last (`<community>-newNN`, skipping ids the grid has).
fn build_neighborhoods(
    ctx: &Context,
    regions: &mut [Region],
    origin: &BTreeMap<usize, usize>,
) -> Built {
    let (set, grid) = (ctx.set(), ctx.grid);
    let nb = set.blocks.len();
    let taken: std::collections::BTreeSet<&str> = grid.iter().map(|p| p.id.as_str()).collect();
    let mut order: Vec<usize> = (0..regions.len()).filter(|&r| regions[r].alive).collect();
    order.sort_by_key(|&r| {
        (
            regions[r].community,
            origin.get(&r).map_or(usize::MAX, |&o| o),
            regions[r].blocks.iter().min().copied(),
        )
    });
    // Blocks each old polygon held (slivers aside), ascending.
    let mut held: Vec<Vec<usize>> = vec![Vec::new(); grid.len()];
    for b in (0..nb).filter(|&b| !ctx.sliver[b]) {
        for &o in &ctx.g.holders[b] {
            held[o].push(b);
        }
    }
    let mut new_count: BTreeMap<usize, usize> = BTreeMap::new();
    let mut built = Built {
        block_neighborhood: vec![usize::MAX; nb],
        neighborhoods: Vec::new(),
        change: Vec::new(),
        origin: Vec::new(),
    };
    for r in order {
        let reg = &mut regions[r];
        reg.blocks.sort_unstable();
        let c = reg.community;
        let id = match origin.get(&r) {
            Some(&o) => grid[o].id.clone(),
            None => loop {
                let k = new_count.entry(c).or_insert(0);
                *k += 1;
                let id = format!("{}-new{:02}", ctx.scenario.communities[c].id, k);
                if !taken.contains(id.as_str()) {
                    break id;
                }
            },
        };
        let same_as = |o: usize| {
            let mut was: Vec<usize> = held[o].clone();
            let mut now: Vec<usize> = reg
                .blocks
                .iter()
                .copied()
                .filter(|&b| !ctx.sliver[b])
                .collect();
            // The same blocks, in whatever order the search gathered them.
            was.sort_unstable();
            now.sort_unstable();
            was == now
        };
        let ch = match (reg.keeps, origin.get(&r)) {
            (Some(o), _) if ctx.locked[o] => Change::Kept,
            (_, Some(&o)) if same_as(o) => Change::Kept,
            (Some(_), _) => Change::Adjusted,
            (None, Some(_)) => Change::Redrawn,
            (None, None) => Change::New,
        };
        let idx = built.neighborhoods.len();
        for &b in &reg.blocks {
            built.block_neighborhood[b] = idx;
        }
        let scenario = ctx.scenario;
        let targets = ctx.config.targets_for(&scenario.communities[c]);
        let mut n = neighborhood_of(scenario, &targets, set, c, reg.blocks.clone(), false);
        n.id = id;
        built.neighborhoods.push(n);
        built.change.push(ch);
        built.origin.push(origin.get(&r).copied());
    }
    built
}

/// Households moved by the ids written (each building's old polygons
/// against the one whose id its neighborhood carries), and each building's
/// old polygons.
fn moved_by_ids(
    ctx: &Context,
    block_neighborhood: &[usize],
    origins: &[Option<usize>],
) -> (Moved, Vec<Vec<usize>>) {
    let holders = &ctx.g.holders;
    let mut old_of_building = vec![Vec::new(); ctx.scenario.buildings.len()];
    let mut moved = Moved::default();
    for (bi, blk) in ctx.set().blocks.iter().enumerate() {
        let now = origins[block_neighborhood[bi]];
        for &i in &blk.buildings {
            let h = u64::from(ctx.scenario.buildings[i].households);
            old_of_building[i] = holders[bi].clone();
            moved.households += h;
            if holders[bi].is_empty() {
                moved.placed += h;
            } else if !now.is_some_and(|o| holders[bi].contains(&o)) {
                moved.moved += h;
            }
        }
    }
    (moved, old_of_building)
}

/// Households moved from an old grid to new labels, matching each new
/// neighborhood one-to-one with the old one it shares the most households
/// with (greedy, largest first): what a from-scratch partition is scored by.
///
/// `old[i]` are the old grid polygons holding building `i`, `new[i]` its new
/// neighborhood (`None`: outside every community, not counted).
///
/// ```
/// use linli::model::Building;
/// let b = |h| Building { id: "b".into(), footprint: None, location: geo::point!(x: 0.0, y: 0.0),
///     households: h, estimated: false, use_: "residential".into() };
/// let buildings = vec![b(100), b(100), b(50)];
/// let old = vec![vec![0], vec![0], vec![1]];
/// let new = vec![Some(7), Some(8), Some(8)];
/// let m = linli::redraw::households_moved(&buildings, &old, &new);
/// assert_eq!((m.households, m.moved, m.placed), (250, 100, 0)); // 7↔0, 8↔1: one 100 moved
/// ```
pub fn households_moved(
    buildings: &[crate::model::Building],
    old: &[Vec<usize>],
    new: &[Option<usize>],
) -> Moved {
    let mut shared: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    for (i, b) in buildings.iter().enumerate() {
        if let Some(n) = new[i] {
            for &o in &old[i] {
                *shared.entry((n, o)).or_insert(0) += u64::from(b.households);
            }
        }
    }
    let matched_new = match_one_to_one(shared);
    let mut m = Moved::default();
    for (i, b) in buildings.iter().enumerate() {
        let Some(n) = new[i] else { continue };
        let h = u64::from(b.households);
        m.households += h;
        if old[i].is_empty() {
            m.placed += h;
        } else if !matched_new.get(&n).is_some_and(|o| old[i].contains(o)) {
            m.moved += h;
        }
    }
    m
}
