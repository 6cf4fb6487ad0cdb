//! A good grid spoiled on purpose, to evaluate audits and redraws: some
//! neighborhoods merged, split or shifted, gaps and overlaps added, each
//! defect listed so a test knows what must be found.

use crate::blocks::BlockSet;
use crate::dissolve::dissolve;
use crate::model::Parcel;
use crate::partition::Partition;
use geo::{BooleanOps, MultiPolygon};
use petgraph::visit::EdgeRef;

/// How many defects of each kind to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Defects {
    /// Two adjacent neighborhoods drawn as one.
    pub merges: usize,
    /// A neighborhood drawn as two.
    pub splits: usize,
    /// A block handed across a border to the neighbour.
    pub shifts: usize,
    /// A block at a border left out of every neighborhood.
    pub gaps: usize,
    /// A block of a neighbour claimed by a neighborhood too.
    pub overlaps: usize,
}

/// One defect made, naming the neighborhoods involved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Defect {
    /// `0` absorbed `1`.
    Merge(String, String),
    /// `0` lost half of itself to the new `1`.
    Split(String, String),
    /// A block went from `0` to `1`.
    Shift(String, String),
    /// `0` lost a block to no one.
    Gap(String),
    /// `0` claims a block of `1`.
    Overlap(String, String),
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Spoils the grid `partition` draws on `set` with `defects`, choosing
/// neighborhoods at random (`seed`) and touching each at most once; returns
/// the spoiled grid as polygons (ids kept, split-off halves `<id>-b`) and
/// the defects made (fewer when the grid runs out of candidates).
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use linli::model::*;
/// use linli::redraw::perturb::{perturb, Defects};
/// let area = MultiPolygon(vec![polygon![(x: 0.0, y: 0.0), (x: 600.0, y: 0.0), (x: 600.0, y: 100.0), (x: 0.0, y: 100.0)]]);
/// let road = |x| BarrierLine { line: vec![(x, -5.0), (x, 105.0)].into(), barrier: Barrier { level: 2, kind: BarrierKind::Road } };
/// let s = Scenario { communities: vec![Community { id: "C".into(), name: "C".into(), street: "S".into(),
///     kind: CommunityKind::Urban, social_workers: None, area }],
///     barriers: (1..6).map(|i| road(100.0 * i as f64)).collect(), ..Default::default() };
/// let set = linli::blocks::build_blocks(&s, 0.05, 5).unwrap();
/// let part = linli::partition::Partition { block_neighborhood: (0..6).map(|b| b / 2).collect(), neighborhoods: vec![] };
/// let ids: Vec<String> = vec!["N1".into(), "N2".into(), "N3".into()];
/// let (grid, made) = perturb(&set, &part, &ids, Defects { merges: 1, splits: 0, shifts: 0, gaps: 0, overlaps: 0 }, 3);
/// assert_eq!(made.len(), 1);
/// assert_eq!(grid.len(), 2);
/// ```
pub fn perturb(
    set: &BlockSet,
    partition: &Partition,
    ids: &[String],
    defects: Defects,
    seed: u64,
) -> (Vec<Parcel>, Vec<Defect>) {
    let mut rng = Rng(seed);
    let n = ids.len();
    let mut label: Vec<usize> = partition.block_neighborhood.clone();
    let mut names: Vec<String> = ids.to_vec();
    let mut alive = vec![true; n];
    let mut touched = vec![false; n];
    let mut extra: Vec<(usize, usize)> = Vec::new();
    let mut made = Vec::new();
    let members = |label: &[usize], g: usize| -> Vec<usize> {
        (0..label.len()).filter(|&b| label[b] == g).collect()
    };
    // Block pairs across a border between two neighborhoods of a community.
    let borders = |label: &[usize]| -> Vec<(usize, usize)> {
        let mut v: Vec<(usize, usize)> = set
            .adjacency
            .edge_references()
            .map(|e| (e.source().index(), e.target().index()))
            .filter(|&(a, b)| {
                label[a] != usize::MAX
                    && label[b] != usize::MAX
                    && label[a] != label[b]
                    && set.blocks[a].community == set.blocks[b].community
            })
            .flat_map(|(a, b)| [(a, b), (b, a)])
            .collect();
        v.sort_unstable();
        v
    };
    let pick = |rng: &mut Rng, label: &[usize], touched: &[bool], need_two: bool| {
        let cands: Vec<(usize, usize)> = borders(label)
            .into_iter()
            .filter(|&(a, b)| !touched[label[a]] && !touched[label[b]])
            .filter(|&(a, _)| !need_two || members(label, label[a]).len() >= 2)
            .collect();
        (!cands.is_empty()).then(|| cands[rng.below(cands.len())])
    };
    for _ in 0..defects.merges {
        let Some((a, b)) = pick(&mut rng, &label, &touched, false) else {
            break;
        };
        let (x, y) = (label[a], label[b]);
        for l in label.iter_mut().filter(|l| **l == y) {
            *l = x;
        }
        alive[y] = false;
        touched[x] = true;
        touched[y] = true;
        made.push(Defect::Merge(names[x].clone(), names[y].clone()));
    }
    for _ in 0..defects.splits {
        let cands: Vec<usize> = (0..n)
            .filter(|&g| alive[g] && !touched[g] && members(&label, g).len() >= 2)
            .collect();
        if cands.is_empty() {
            break;
        }
        let g = cands[rng.below(cands.len())];
        let m = members(&label, g);
        let total: u64 = m.iter().map(|&b| set.blocks[b].households).sum();
        // Grow a connected half from the first block.
        let mut half = vec![m[0]];
        let mut h = set.blocks[m[0]].households;
        let mut i = 0;
        while i < half.len() && h * 2 < total && half.len() + 1 < m.len() {
            let b = half[i];
            for e in set.adjacency.edges(BlockSet::node(b)) {
                let o = if e.source().index() == b {
                    e.target().index()
                } else {
                    e.source().index()
                };
                if label[o] == g && !half.contains(&o) && h * 2 < total && half.len() + 1 < m.len()
                {
                    half.push(o);
                    h += set.blocks[o].households;
                }
            }
            i += 1;
        }
        let new = names.len();
        names.push(format!("{}-b", names[g]));
        alive.push(true);
        touched.push(true);
        touched[g] = true;
        for &b in &half {
            label[b] = new;
        }
        made.push(Defect::Split(names[g].clone(), names[new].clone()));
    }
    for _ in 0..defects.shifts {
        let Some((a, b)) = pick(&mut rng, &label, &touched, true) else {
            break;
        };
        let (x, y) = (label[a], label[b]);
        label[a] = y;
        touched[x] = true;
        touched[y] = true;
        made.push(Defect::Shift(names[x].clone(), names[y].clone()));
    }
    for _ in 0..defects.gaps {
        let Some((a, _)) = pick(&mut rng, &label, &touched, true) else {
            break;
        };
        let x = label[a];
        label[a] = usize::MAX;
        touched[x] = true;
        made.push(Defect::Gap(names[x].clone()));
    }
    for _ in 0..defects.overlaps {
        let Some((a, b)) = pick(&mut rng, &label, &touched, false) else {
            break;
        };
        let (x, y) = (label[a], label[b]);
        extra.push((x, b));
        touched[x] = true;
        touched[y] = true;
        made.push(Defect::Overlap(names[x].clone(), names[y].clone()));
    }
    let count = names.len();
    let shapes = dissolve(set, &label, count);
    let mut areas: Vec<MultiPolygon<f64>> = shapes.into_iter().map(|d| d.area).collect();
    for (x, b) in extra {
        areas[x] = areas[x].union(&MultiPolygon(vec![set.blocks[b].polygon.clone()]));
    }
    let grid = (0..count)
        .filter(|&g| alive[g] && !areas[g].0.is_empty())
        .map(|g| Parcel {
            id: names[g].clone(),
            area: areas[g].clone(),
            households: None,
        })
        .collect();
    (grid, made)
}
