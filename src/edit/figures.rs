//! The figures beside the editor's map, for one community: each
//! neighborhood's households and buildings against the band, contiguity,
//! compactness, barrier share, strong barriers crossed, walking coverage
//! per facility kind and life circle; the community's social-worker ratio
//! and what moved since the plan was loaded.

use super::Editor;
use crate::model::{BarrierKind, STRONG_LEVEL};
use petgraph::visit::EdgeRef;
use serde::Serialize;

/// One neighborhood's figures.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NeighborhoodFigures {
    /// Its id.
    pub id: String,
    /// Households.
    pub households: u64,
    /// Buildings.
    pub buildings: usize,
    /// Whether its households are inside the community's band.
    pub in_band: bool,
    /// Connected pieces (1: contiguous).
    pub pieces: usize,
    /// Polsby–Popper compactness, 4πA/P².
    pub polsby_popper: f64,
    /// Share of its border (off the community border) on a road, river,
    /// rail or landmark edge.
    pub barrier_share: f64,
    /// Borders between two of its blocks on a strong barrier.
    pub strong_crossings: usize,
    /// Locked by the planner.
    pub locked: bool,
    /// Share of its households within each kind's walking limit, by kind.
    pub coverage: Vec<(String, f64)>,
    /// Share of its households covered at each life circle (minutes).
    pub life_circles: Vec<(u32, f64)>,
}

/// One community's figures.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CommunityFigures {
    /// Community id.
    pub id: String,
    /// Community name.
    pub name: String,
    /// The household band, low and high.
    pub band: (f64, f64),
    /// Its neighborhoods, by id.
    pub neighborhoods: Vec<NeighborhoodFigures>,
    /// Social workers (`None`: no data).
    pub social_workers: Option<u32>,
    /// Neighborhoods per social worker.
    pub per_worker: Option<f64>,
    /// The staffing standard's verdict.
    pub staffing: crate::staffing::Status,
    /// Buildings and households in another neighborhood than as loaded.
    pub moved_buildings: usize,
    /// See `moved_buildings`.
    pub moved_households: u64,
}

/// The figures of community `c` as the plan stands.
///
/// ```
/// let ed = linli::edit::open(&linli::demo::files(), &Default::default(), 1, linli::edit::Start::Plan).unwrap();
/// let f = linli::edit::figures::community(&ed, 0);
/// let total: u64 = f.neighborhoods.iter().map(|n| n.households).sum();
/// assert!(total > 0 && f.moved_households == 0);
/// assert!(f.neighborhoods.iter().all(|n| n.pieces == 1));
/// ```
pub fn community(ed: &Editor, c: usize) -> CommunityFigures {
    let s = &ed.loaded.scenario;
    let com = &s.communities[c];
    let band = ed.loaded.config.band(com);
    let mut slots: Vec<usize> = (0..ed.slots.len())
        .filter(|&k| ed.slots[k].community == c && !ed.slots[k].blocks.is_empty())
        .collect();
    slots.sort_by(|&a, &b| ed.slots[a].id.cmp(&ed.slots[b].id));
    let neighborhoods: Vec<NeighborhoodFigures> =
        slots.iter().map(|&k| neighborhood(ed, k, band)).collect();
    let std = &ed.loaded.config.staffing;
    let (staffing, _, _) = crate::staffing::assess(neighborhoods.len(), com.social_workers, std);
    let (mut moved_buildings, mut moved_households) = (0, 0);
    for (b, block) in ed.planned.blocks.blocks.iter().enumerate() {
        if block.community == c && ed.owner[b] != ed.as_loaded[b] {
            moved_buildings += block.buildings.len();
            moved_households += block.households;
        }
    }
    CommunityFigures {
        id: com.id.clone(),
        name: com.name.clone(),
        band,
        per_worker: com
            .social_workers
            .filter(|&w| w > 0)
            .map(|w| neighborhoods.len() as f64 / f64::from(w)),
        neighborhoods,
        social_workers: com.social_workers,
        staffing,
        moved_buildings,
        moved_households,
    }
}

/// Border lengths of slot `k`: (perimeter, on the community border, on a
/// barrier), from the network edges with it on one side only.
fn borders(ed: &Editor, k: usize) -> (f64, f64, f64) {
    let set = &ed.planned.blocks;
    let net = &set.network;
    let (mut perimeter, mut community, mut barrier) = (0.0, 0.0, 0.0);
    let side = |b: Option<usize>| b.map(|b| ed.owner[b]);
    for &b in &ed.slots[k].blocks {
        for &e in &ed.block_edges[b] {
            let [l, r] = set.edge_blocks[e].map(side);
            if l == r || (l != Some(k) && r != Some(k)) {
                continue;
            }
            let edge = net.edges[e];
            let (p, q) = (net.vertices[edge.a], net.vertices[edge.b]);
            let len = (p.x - q.x).hypot(p.y - q.y);
            perimeter += len;
            if edge.barrier.kind == BarrierKind::Community || l.is_none() || r.is_none() {
                community += len;
            } else if !matches!(edge.barrier.kind, BarrierKind::Cell | BarrierKind::Building) {
                barrier += len;
            }
        }
    }
    (perimeter, community, barrier)
}

fn neighborhood(ed: &Editor, k: usize, band: (f64, f64)) -> NeighborhoodFigures {
    let set = &ed.planned.blocks;
    let slot = &ed.slots[k];
    let households: u64 = slot.blocks.iter().map(|&b| set.blocks[b].households).sum();
    let homes: Vec<usize> = slot
        .blocks
        .iter()
        .flat_map(|&b| set.blocks[b].buildings.iter().copied())
        .collect();
    let area: f64 = slot.blocks.iter().map(|&b| set.blocks[b].area).sum();
    let (perimeter, on_community, on_barrier) = borders(ed, k);
    let strong_crossings = slot
        .blocks
        .iter()
        .flat_map(|&b| {
            set.adjacency
                .edges(crate::blocks::BlockSet::node(b))
                .map(move |e| {
                    let (p, q) = (e.source().index(), e.target().index());
                    (if p == b { q } else { p }, b, e.weight().barrier)
                })
                .filter(|&(o, b, _)| o > b)
        })
        .filter(|(o, _, _)| slot.blocks.contains(o))
        .filter(|&(_, _, w)| {
            w.level >= STRONG_LEVEL && !matches!(w.kind, BarrierKind::Cell | BarrierKind::Community)
        })
        .count();
    NeighborhoodFigures {
        id: slot.id.clone(),
        households,
        buildings: homes.len(),
        in_band: (households as f64) >= band.0 && (households as f64) <= band.1,
        pieces: ed.pieces(&slot.blocks),
        polsby_popper: if perimeter > 0.0 {
            4.0 * std::f64::consts::PI * area / (perimeter * perimeter)
        } else {
            0.0
        },
        barrier_share: if perimeter > on_community {
            on_barrier / (perimeter - on_community)
        } else {
            0.0
        },
        strong_crossings,
        locked: slot.locked,
        coverage: coverage(ed, &homes),
        life_circles: circles(ed, &homes),
    }
}

/// Household-weighted share of `homes` for which `covered` holds.
fn share(ed: &Editor, homes: &[usize], covered: impl Fn(usize) -> bool) -> f64 {
    let b = &ed.loaded.scenario.buildings;
    let total: u64 = homes.iter().map(|&i| u64::from(b[i].households)).sum();
    if total == 0 {
        return 0.0;
    }
    let within: u64 = homes
        .iter()
        .filter(|&&i| covered(i))
        .map(|&i| u64::from(b[i].households))
        .sum();
    within as f64 / total as f64
}

fn coverage(ed: &Editor, homes: &[usize]) -> Vec<(String, f64)> {
    ed.coverage
        .kinds
        .iter()
        .map(|k| (k.kind.clone(), share(ed, homes, |i| k.covers(i))))
        .collect()
}

fn circles(ed: &Editor, homes: &[usize]) -> Vec<(u32, f64)> {
    let lc = &ed.coverage.life_circles;
    lc.circles
        .iter()
        .enumerate()
        .map(|(ci, c)| (c.minutes, share(ed, homes, |i| lc.covers(i, ci))))
        .collect()
}
