//! Grid polygons that straddle a strong barrier, and whether they must.
//!
//! The partition keeps a neighborhood on one side of each strong barrier
//! (motorway, trunk and primary roads, rivers, canals, railways) unless the
//! piece on one side cannot reach the household band on its own. A
//! hand-drawn grid is held to the same rule: a polygon holding homes on two
//! sides of a strong barrier crosses it; needlessly where two of those
//! sides could each be a neighborhood of their own, of need where all but
//! one are too small (a river bank of 97 households must join someone
//! across the river). Sides are "barrier cells", the pieces of
//! a community that no strong barrier separates (blocks joined wherever the
//! weakest barrier of their shared border is below strong), so a border
//! drawn a few metres off a river (a sliver of land on its far bank) does
//! not count: the sliver holds no homes.

use crate::blocks::BlockSet;
use crate::config::Config;
use crate::model::{BarrierKind, STRONG_LEVEL, Scenario};
use petgraph::visit::EdgeRef;

/// A polygon's homes on two sides of a strong barrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crossing {
    /// The barrier along the longest border between two of its sides.
    pub barrier: BarrierKind,
    /// Two of its sides could each be a neighborhood on their own.
    pub needless: bool,
}

/// For each of `n` grid polygons, the strong barrier it straddles with
/// homes on both sides, or `None`.
///
/// `holders[b]` are the grid polygons holding block `b`.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use linli::model::*;
/// let sq = MultiPolygon(vec![polygon![(x: 0.0, y: 0.0), (x: 200.0, y: 0.0), (x: 200.0, y: 100.0), (x: 0.0, y: 100.0)]]);
/// let river = BarrierLine { line: vec![(100.0, -5.0), (100.0, 105.0)].into(),
///     barrier: Barrier { level: 4, kind: BarrierKind::Water } };
/// let home = |x: f64, h| Building { id: format!("b{x}"), footprint: None, location: geo::Point::new(x, 50.0),
///     households: h, estimated: false, use_: "residential".into() };
/// let s = Scenario { communities: vec![Community { id: "C".into(), name: "C".into(), street: "S".into(),
///     kind: CommunityKind::Urban, social_workers: None, area: sq }],
///     barriers: vec![river], buildings: vec![home(50.0, 300), home(150.0, 300)], ..Default::default() };
/// let set = linli::blocks::build_blocks(&s, 0.05, 5).unwrap();
/// let one_polygon = vec![vec![0]; set.blocks.len()];
/// let config = linli::config::Config::default();
/// let crossed = linli::audit::crossing::crossings(&s, &set, &one_polygon, 1, &config);
/// assert_eq!(crossed[0].map(|c| (c.barrier, c.needless)), Some((BarrierKind::Water, true)));
/// ```
pub fn crossings(
    scenario: &Scenario,
    set: &BlockSet,
    holders: &[Vec<usize>],
    n: usize,
    config: &Config,
) -> Vec<Option<Crossing>> {
    let (cell, cell_households) = barrier_cells(set);
    // A side could stand alone when it reaches the band's floor.
    let alone: Vec<bool> = cell_households
        .iter()
        .zip(cell_floor(
            scenario,
            set,
            &cell,
            cell_households.len(),
            config,
        ))
        .map(|(&h, floor)| h as f64 >= floor)
        .collect();
    // The sides holding homes of each polygon.
    let mut sides: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (b, hs) in holders.iter().enumerate() {
        if set.blocks[b].households == 0 {
            continue;
        }
        for &i in hs {
            if !sides[i].contains(&cell[b]) {
                sides[i].push(cell[b]);
            }
        }
    }
    let mut longest: Vec<Option<(f64, BarrierKind)>> = vec![None; n];
    for e in set.adjacency.edge_references() {
        let (u, v) = (e.source().index(), e.target().index());
        let w = e.weight();
        if cell[u] == cell[v]
            || w.barrier.level < STRONG_LEVEL
            || w.barrier.kind == BarrierKind::Community
        {
            continue;
        }
        for &i in holders[u].iter().filter(|i| holders[v].contains(i)) {
            let both = sides[i].contains(&cell[u]) && sides[i].contains(&cell[v]);
            if both && longest[i].is_none_or(|(m, _)| w.shared_m > m) {
                longest[i] = Some((w.shared_m, w.barrier.kind));
            }
        }
    }
    longest
        .into_iter()
        .zip(&sides)
        .map(|(l, s)| {
            let (_, barrier) = l.filter(|_| s.len() >= 2)?;
            let needless = s.iter().filter(|&&c| alone[c]).count() >= 2;
            Some(Crossing { barrier, needless })
        })
        .collect()
}

/// Each block's barrier cell and each cell's households.
fn barrier_cells(set: &BlockSet) -> (Vec<usize>, Vec<u64>) {
    let n = set.blocks.len();
    let mut cell = vec![usize::MAX; n];
    let mut households = Vec::new();
    for s in 0..n {
        if cell[s] != usize::MAX {
            continue;
        }
        let id = households.len();
        let (mut h, mut stack) = (0, vec![s]);
        cell[s] = id;
        while let Some(u) = stack.pop() {
            h += set.blocks[u].households;
            for e in set.adjacency.edges(BlockSet::node(u)) {
                let v = if e.source().index() == u {
                    e.target().index()
                } else {
                    e.source().index()
                };
                if cell[v] == usize::MAX && e.weight().weakest.level < STRONG_LEVEL {
                    cell[v] = id;
                    stack.push(v);
                }
            }
        }
        households.push(h);
    }
    (cell, households)
}

/// The band's floor of each cell's community.
fn cell_floor(
    scenario: &Scenario,
    set: &BlockSet,
    cell: &[usize],
    cells: usize,
    config: &Config,
) -> Vec<f64> {
    let lows: Vec<f64> = scenario
        .communities
        .iter()
        .map(|c| config.band(c).0)
        .collect();
    let mut floor = vec![0.0; cells];
    for (b, &c) in cell.iter().enumerate() {
        floor[c] = lows[set.blocks[b].community];
    }
    floor
}
