//! Neighborhoods that a strong barrier runs through, and why.
//!
//! The partition keeps every neighborhood on one side of each strong
//! barrier (motorway, trunk and primary roads, rivers, canals, railways)
//! unless a piece between such barriers cannot reach the household band on
//! its own. Every stretch of strong barrier left inside a neighborhood is
//! listed here with its reason, so a planner sees each exception.

use crate::blocks::{BlockSet, index};
use crate::config::Config;
pub use crate::model::neighborhoods::{Reason, Straddle};
use crate::model::{Barrier, BarrierKind, STRONG_LEVEL, Scenario};
use geo::{BoundingRect, Intersects, Point};
use petgraph::visit::EdgeRef;
use std::collections::BTreeMap;

/// Every strong barrier stretch inside a neighborhood, summed per
/// neighborhood, barrier and reason; in neighborhood order.
pub fn straddles(
    set: &BlockSet,
    block_neighborhood: &[usize],
    scenario: &Scenario,
    config: &Config,
) -> Vec<Straddle> {
    let net = &set.network;
    let highs: Vec<f64> = scenario
        .communities
        .iter()
        .map(|c| config.band(c).1)
        .collect();
    let cells = barrier_cells(set);
    let mut sum: BTreeMap<(usize, Barrier, Reason), (f64, Option<u64>)> = BTreeMap::new();
    let locate = BlockLocator::new(set);
    for (e, edge) in net.edges.iter().enumerate() {
        let b = edge.barrier;
        if b.level < STRONG_LEVEL
            || matches!(
                b.kind,
                BarrierKind::Community | BarrierKind::Cell | BarrierKind::Building
            )
        {
            continue;
        }
        let (p, q) = (net.vertices[edge.a], net.vertices[edge.b]);
        let len = (p.x - q.x).hypot(p.y - q.y);
        let (key, hh) = match set.edge_blocks[e] {
            [Some(l), Some(r)] if l == r => ((block_neighborhood[l], Reason::InsideBlock), None),
            [Some(l), Some(r)] if block_neighborhood[l] == block_neighborhood[r] => {
                let c = set.blocks[l].community;
                let total: u64 = cells.total[c];
                if total as f64 <= highs[c] {
                    ((block_neighborhood[l], Reason::WholeCommunity), Some(total))
                } else if cells.of[l] == cells.of[r] {
                    ((block_neighborhood[l], Reason::OpenEnded), None)
                } else {
                    let small = cells.households[cells.of[l]].min(cells.households[cells.of[r]]);
                    ((block_neighborhood[l], Reason::SmallSide), Some(small))
                }
            }
            [None, None] => {
                let mid = Point::new((p.x + q.x) / 2.0, (p.y + q.y) / 2.0);
                match locate.block_at(set, mid) {
                    Some(blk) => ((block_neighborhood[blk], Reason::DeadEnd), None),
                    None => continue,
                }
            }
            _ => continue,
        };
        if key.0 == usize::MAX {
            continue;
        }
        let entry = sum.entry((key.0, b, key.1)).or_insert((0.0, None));
        entry.0 += len;
        if let Some(h) = hh {
            entry.1 = Some(entry.1.map_or(h, |x: u64| x.min(h)));
        }
    }
    sum.into_iter()
        .map(
            |((neighborhood, barrier, reason), (length_m, households))| Straddle {
                neighborhood,
                barrier,
                length_m,
                reason,
                households,
            },
        )
        .collect()
}

/// The pieces of each community between strong barriers.
struct Cells {
    /// Cell of each block.
    of: Vec<usize>,
    /// Households of each cell.
    households: Vec<u64>,
    /// Households of each community.
    total: Vec<u64>,
}

fn barrier_cells(set: &BlockSet) -> Cells {
    let n = set.blocks.len();
    let mut of = vec![usize::MAX; n];
    let mut households = Vec::new();
    let mut total = vec![
        0u64;
        set.blocks
            .iter()
            .map(|b| b.community + 1)
            .max()
            .unwrap_or(0)
    ];
    for s in 0..n {
        total[set.blocks[s].community] += set.blocks[s].households;
        if of[s] != usize::MAX {
            continue;
        }
        let id = households.len();
        let mut h = 0;
        let mut stack = vec![s];
        of[s] = id;
        while let Some(u) = stack.pop() {
            h += set.blocks[u].households;
            for e in set.adjacency.edges(BlockSet::node(u)) {
                let v = if e.source().index() == u {
                    e.target().index()
                } else {
                    e.source().index()
                };
                if of[v] == usize::MAX && e.weight().barrier.level < STRONG_LEVEL {
                    of[v] = id;
                    stack.push(v);
                }
            }
        }
        households.push(h);
    }
    Cells {
        of,
        households,
        total,
    }
}

/// Finds the block holding a point.
struct BlockLocator(index::BoxTree);

impl BlockLocator {
    fn new(set: &BlockSet) -> Self {
        BlockLocator(index::box_tree(
            set.blocks.iter().map(|b| b.polygon.bounding_rect()),
        ))
    }

    fn block_at(&self, set: &BlockSet, p: Point<f64>) -> Option<usize> {
        self.0
            .locate_all_at_point(&[p.x(), p.y()])
            .map(|g| g.data)
            .filter(|&b| set.blocks[b].polygon.intersects(&p))
            .min()
    }
}
