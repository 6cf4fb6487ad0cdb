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
    let n = ids.len();
    let mut sp = Spoiler {
        set,
        rng: Rng(seed),
        label: partition.block_neighborhood.clone(),
        names: ids.to_vec(),
        alive: vec![true; n],
        touched: vec![false; n],
        extra: Vec::new(),
        made: Vec::new(),
    };
    // Each kind in turn, until done or out of candidates.
    let _ = (0..defects.merges).try_for_each(|_| sp.merge());
    let _ = (0..defects.splits).try_for_each(|_| sp.split());
    let _ = (0..defects.shifts).try_for_each(|_| sp.shift());
    let _ = (0..defects.gaps).try_for_each(|_| sp.gap());
    let _ = (0..defects.overlaps).try_for_each(|_| sp.overlap());
    let grid = sp.grid();
    (grid, sp.made)
}

/// The grid being spoiled: each block's neighborhood (`usize::MAX`: none),
/// the neighborhoods' names, which are still drawn and which were touched,
/// blocks claimed twice (neighborhood, block) and the defects made.
struct Spoiler<'a> {
    set: &'a BlockSet,
    rng: Rng,
    label: Vec<usize>,
    names: Vec<String>,
    alive: Vec<bool>,
    touched: Vec<bool>,
    extra: Vec<(usize, usize)>,
    made: Vec<Defect>,
}

/// No candidate left for a defect.
struct OutOfCandidates;

impl Spoiler<'_> {
    /// The blocks of neighborhood `g`.
    fn members(&self, g: usize) -> Vec<usize> {
        (0..self.label.len())
            .filter(|&b| self.label[b] == g)
            .collect()
    }

    /// Block pairs (both ways, sorted) across a border between two
    /// neighborhoods of a community.
    fn borders(&self) -> Vec<(usize, usize)> {
        let (set, label) = (self.set, &self.label);
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
    }

    /// A random border pair between two untouched neighborhoods (the first
    /// with two blocks or more when `need_two`).
    fn pick(&mut self, need_two: bool) -> Result<(usize, usize), OutOfCandidates> {
        let cands: Vec<(usize, usize)> = self
            .borders()
            .into_iter()
            .filter(|&(a, b)| !self.touched[self.label[a]] && !self.touched[self.label[b]])
            .filter(|&(a, _)| !need_two || self.members(self.label[a]).len() >= 2)
            .collect();
        if cands.is_empty() {
            return Err(OutOfCandidates);
        }
        Ok(cands[self.rng.below(cands.len())])
    }

    /// Two adjacent neighborhoods drawn as one.
    fn merge(&mut self) -> Result<(), OutOfCandidates> {
        let (a, b) = self.pick(false)?;
        let (x, y) = (self.label[a], self.label[b]);
        for l in self.label.iter_mut().filter(|l| **l == y) {
            *l = x;
        }
        self.alive[y] = false;
        self.touched[x] = true;
        self.touched[y] = true;
        let d = Defect::Merge(self.names[x].clone(), self.names[y].clone());
        self.made.push(d);
        Ok(())
    }

    /// A neighborhood of two blocks or more drawn as two: a connected half
    /// grown from its first block becomes `<id>-b`.
    fn split(&mut self) -> Result<(), OutOfCandidates> {
        let cands: Vec<usize> = (0..self.names.len())
            .filter(|&g| self.alive[g] && !self.touched[g] && self.members(g).len() >= 2)
            .collect();
        if cands.is_empty() {
            return Err(OutOfCandidates);
        }
        let g = cands[self.rng.below(cands.len())];
        let half = self.half_of(g);
        let new = self.names.len();
        self.names.push(format!("{}-b", self.names[g]));
        self.alive.push(true);
        self.touched.push(true);
        self.touched[g] = true;
        for &b in &half {
            self.label[b] = new;
        }
        let d = Defect::Split(self.names[g].clone(), self.names[new].clone());
        self.made.push(d);
        Ok(())
    }

    /// A connected set of blocks of neighborhood `g` grown from its first
    /// block up to half its households, leaving at least one block.
    fn half_of(&self, g: usize) -> Vec<usize> {
        let set = self.set;
        let m = self.members(g);
        let total: u64 = m.iter().map(|&b| set.blocks[b].households).sum();
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
                if self.label[o] == g
                    && !half.contains(&o)
                    && h * 2 < total
                    && half.len() + 1 < m.len()
                {
                    half.push(o);
                    h += set.blocks[o].households;
                }
            }
            i += 1;
        }
        half
    }

    /// A block handed across a border to the neighbour.
    fn shift(&mut self) -> Result<(), OutOfCandidates> {
        let (a, b) = self.pick(true)?;
        let (x, y) = (self.label[a], self.label[b]);
        self.label[a] = y;
        self.touched[x] = true;
        self.touched[y] = true;
        let d = Defect::Shift(self.names[x].clone(), self.names[y].clone());
        self.made.push(d);
        Ok(())
    }

    /// A block at a border left out of every neighborhood.
    fn gap(&mut self) -> Result<(), OutOfCandidates> {
        let (a, _) = self.pick(true)?;
        let x = self.label[a];
        self.label[a] = usize::MAX;
        self.touched[x] = true;
        self.made.push(Defect::Gap(self.names[x].clone()));
        Ok(())
    }

    /// A block of a neighbour claimed by a neighborhood too.
    fn overlap(&mut self) -> Result<(), OutOfCandidates> {
        let (a, b) = self.pick(false)?;
        let (x, y) = (self.label[a], self.label[b]);
        self.extra.push((x, b));
        self.touched[x] = true;
        self.touched[y] = true;
        let d = Defect::Overlap(self.names[x].clone(), self.names[y].clone());
        self.made.push(d);
        Ok(())
    }

    /// The spoiled grid as polygons: each live neighborhood dissolved, with
    /// the blocks it claims twice added.
    fn grid(&self) -> Vec<Parcel> {
        let set = self.set;
        let count = self.names.len();
        let shapes = dissolve(set, &self.label, count);
        let mut areas: Vec<MultiPolygon<f64>> = shapes.into_iter().map(|d| d.area).collect();
        for &(x, b) in &self.extra {
            areas[x] = areas[x].union(&MultiPolygon(vec![set.blocks[b].polygon.clone()]));
        }
        (0..count)
            .filter(|&g| self.alive[g] && !areas[g].0.is_empty())
            .map(|g| Parcel {
                id: self.names[g].clone(),
                area: areas[g].clone(),
                households: None,
            })
            .collect()
    }
}
