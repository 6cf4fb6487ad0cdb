//! Editing a plan by hand: moving blocks (or the cells of a split block,
//! its building groups) between neighborhoods, splitting, merging, locking
//! and re-balancing, with undo and redo, a version per state and a log of
//! every edit. `linli serve` is its web front; this module knows nothing of
//! HTTP and works on the plan's own values.
//!
//! Neighborhoods are *slots*: a slot keeps its index and id for the whole
//! session (a merged neighborhood's slot is left empty, a split adds one),
//! so that undo, redo and the log can name them. Every edit is a list of
//! block moves and lock changes, undone by playing it backwards.

pub mod figures;
pub mod grid;
pub mod log;
pub mod split;

use crate::blocks::BlockSet;
use crate::error::Error;
use crate::model::Planned;
use crate::read::Loaded;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// An edit a planner asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// Move one block (or cell) into a neighbouring neighborhood.
    Move {
        /// Block index.
        block: usize,
        /// Neighborhood id.
        to: String,
    },
    /// Move `from`'s blocks into `into` (neighbours in one community).
    Merge {
        /// Neighborhood that stays.
        into: String,
        /// Neighborhood that goes.
        from: String,
    },
    /// Cut a neighborhood in two contiguous halves of about equal households.
    Split {
        /// Neighborhood id.
        neighborhood: String,
    },
    /// Keep a neighborhood as it is (no move, no re-balance touches it).
    Lock {
        /// Neighborhood id.
        neighborhood: String,
    },
    /// Undo [`Edit::Lock`].
    Unlock {
        /// Neighborhood id.
        neighborhood: String,
    },
    /// Re-partition a community's unlocked neighborhoods around its locked ones.
    Rebalance {
        /// Community id.
        community: String,
    },
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
}

/// Why an edit was refused (shown to the planner as is).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refusal(pub String);

fn refuse<T>(why: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal(why.into()))
}

/// One neighborhood of the session.
#[derive(Debug, Clone)]
pub struct Slot {
    /// Its id (`<community>-NN`).
    pub id: String,
    /// Its community (index).
    pub community: usize,
    /// Its blocks (empty: merged away or undone).
    pub blocks: BTreeSet<usize>,
    /// Locked by the planner.
    pub locked: bool,
}

/// What an edit changed: blocks moved (block, from slot, to slot) and
/// locks set (slot, before, after).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// Blocks moved, in order.
    pub moves: Vec<(usize, usize, usize)>,
    /// Locks changed.
    pub locks: Vec<(usize, bool, bool)>,
}

impl Change {
    fn reversed(&self) -> Change {
        Change {
            moves: self
                .moves
                .iter()
                .rev()
                .map(|&(b, f, t)| (b, t, f))
                .collect(),
            locks: self
                .locks
                .iter()
                .rev()
                .map(|&(s, a, b)| (s, b, a))
                .collect(),
        }
    }
}

/// A plan being edited.
pub struct Editor {
    /// The scenario.
    pub loaded: Loaded,
    /// The seed the plan was drawn with (re-balancing uses it too).
    pub seed: u64,
    /// The blocks as polygonized (when some were split into cells).
    pub polygonized: Option<BlockSet>,
    /// The plan as loaded; its blocks are the units edited.
    pub planned: Planned,
    /// The neighborhoods now.
    pub slots: Vec<Slot>,
    /// Slot of each block now.
    pub owner: Vec<usize>,
    /// Slot of each block as loaded.
    pub as_loaded: Vec<usize>,
    /// The state's version: every edit, undo and redo adds one.
    pub version: u64,
    /// Walking distances of every building (the figures' coverage).
    pub coverage: crate::coverage::Coverage,
    /// The network edges around each block.
    pub block_edges: Vec<Vec<usize>>,
    undo: Vec<Change>,
    redo: Vec<Change>,
}

impl Editor {
    /// A session on a plan: its neighborhoods become the slots.
    ///
    /// ```
    /// let loaded = linli::pipeline::load(&linli::demo::files(), &Default::default()).unwrap();
    /// let (poly, planned) = linli::plan::plan_neighborhoods(&loaded, 1, &linli::model::progress::Silent).unwrap();
    /// let n = planned.partition.neighborhoods.len();
    /// let ed = linli::edit::Editor::new(loaded, 1, poly, planned).unwrap();
    /// assert_eq!(ed.slots.len(), n);
    /// assert_eq!(ed.version, 0);
    /// ```
    pub fn new(
        loaded: Loaded,
        seed: u64,
        polygonized: Option<BlockSet>,
        planned: Planned,
    ) -> Result<Self, Error> {
        let w = &loaded.config.walking;
        let coverage =
            crate::coverage::compute(&loaded.scenario, w, loaded.config.barriers.snap_tolerance_m)
                .map_err(|p| loaded.locate(p))?;
        let mut block_edges = vec![Vec::new(); planned.blocks.blocks.len()];
        for (e, sides) in planned.blocks.edge_blocks.iter().enumerate() {
            for b in sides.iter().flatten() {
                if block_edges[*b].last() != Some(&e) {
                    block_edges[*b].push(e);
                }
            }
        }
        let slots: Vec<Slot> = planned
            .partition
            .neighborhoods
            .iter()
            .map(|n| Slot {
                id: n.id.clone(),
                community: n.community,
                blocks: n.blocks.iter().copied().collect(),
                locked: false,
            })
            .collect();
        let owner = planned.partition.block_neighborhood.clone();
        Ok(Editor {
            loaded,
            coverage,
            block_edges,
            seed,
            polygonized,
            planned,
            as_loaded: owner.clone(),
            owner,
            slots,
            version: 0,
            undo: Vec::new(),
            redo: Vec::new(),
        })
    }

    /// The slot of neighborhood `id`.
    pub fn slot_of(&self, id: &str) -> Result<usize, Refusal> {
        match self.slots.iter().position(|s| s.id == id) {
            Some(k) if !self.slots[k].blocks.is_empty() => Ok(k),
            _ => refuse(format!("there is no neighborhood {id}")),
        }
    }

    /// Applies `edit`; returns what changed (nothing is changed when it is
    /// refused). Undo and redo replay the history; any other edit clears
    /// what could be redone.
    ///
    /// ```
    /// use linli::edit::Edit;
    /// let mut ed = linli::edit::open(&linli::demo::files(), &Default::default(), 1, linli::edit::Start::Plan).unwrap();
    /// let id = ed.slots[0].id.clone();
    /// ed.apply(&Edit::Lock { neighborhood: id.clone() }).unwrap();
    /// let refused = ed.apply(&Edit::Lock { neighborhood: id }).unwrap_err();
    /// assert!(refused.0.contains("already locked"));
    /// ed.apply(&Edit::Undo).unwrap();
    /// assert_eq!((ed.version, ed.history()), (2, (0, 1)));
    /// ```
    pub fn apply(&mut self, edit: &Edit) -> Result<Change, Refusal> {
        let change = match edit {
            Edit::Undo => {
                let Some(c) = self.undo.pop() else {
                    return refuse("nothing to undo");
                };
                let back = c.reversed();
                self.play(&back);
                self.redo.push(c);
                self.version += 1;
                return Ok(back);
            }
            Edit::Redo => {
                let Some(c) = self.redo.pop() else {
                    return refuse("nothing to redo");
                };
                self.play(&c);
                self.undo.push(c.clone());
                self.version += 1;
                return Ok(c);
            }
            Edit::Move { block, to } => self.check_move(*block, self.slot_of(to)?)?,
            Edit::Merge { into, from } => self.merging(self.slot_of(into)?, self.slot_of(from)?)?,
            Edit::Split { neighborhood } => self.splitting(self.slot_of(neighborhood)?)?,
            Edit::Lock { neighborhood } => self.locking(self.slot_of(neighborhood)?, true)?,
            Edit::Unlock { neighborhood } => self.locking(self.slot_of(neighborhood)?, false)?,
            Edit::Rebalance { community } => self.rebalancing(community)?,
        };
        self.play(&change);
        self.undo.push(change.clone());
        self.redo.clear();
        self.version += 1;
        Ok(change)
    }

    /// Whether an undo (and a redo) is possible.
    pub fn history(&self) -> (usize, usize) {
        (self.undo.len(), self.redo.len())
    }

    fn play(&mut self, c: &Change) {
        for &(b, from, to) in &c.moves {
            self.slots[from].blocks.remove(&b);
            self.slots[to].blocks.insert(b);
            self.owner[b] = to;
        }
        for &(s, _, after) in &c.locks {
            self.slots[s].locked = after;
        }
    }

    fn unlocked(&self, k: usize) -> Result<(), Refusal> {
        if self.slots[k].locked {
            return refuse(format!("{} is locked: unlock it first", self.slots[k].id));
        }
        Ok(())
    }

    /// What moving `block` into slot `to` would change, or why it is
    /// refused: another community, a locked neighborhood, a block not
    /// touching `to`, or one whose leaving would cut its neighborhood.
    pub fn check_move(&self, block: usize, to: usize) -> Result<Change, Refusal> {
        let Some(&from) = self.owner.get(block) else {
            return refuse(format!("there is no block {block}"));
        };
        if from == to {
            return refuse(format!("block {block} is already in {}", self.slots[to].id));
        }
        if self.slots[from].community != self.slots[to].community {
            return refuse(format!(
                "block {block} is in community {}, {} in {}: a move may not cross a community border",
                self.community_id(from),
                self.slots[to].id,
                self.community_id(to)
            ));
        }
        self.unlocked(from)?;
        self.unlocked(to)?;
        if self.slots[from].blocks.len() == 1 {
            return refuse(format!(
                "block {block} is all of {}: merge the two instead",
                self.slots[from].id
            ));
        }
        if !self.neighbours(block).any(|n| self.owner[n] == to) {
            return refuse(format!(
                "block {block} does not touch {}: it would be cut in two",
                self.slots[to].id
            ));
        }
        let mut rest = self.slots[from].blocks.clone();
        rest.remove(&block);
        if self.pieces(&rest) > self.pieces(&self.slots[from].blocks) {
            return refuse(format!(
                "moving block {block} would cut {} in two",
                self.slots[from].id
            ));
        }
        Ok(Change {
            moves: vec![(block, from, to)],
            locks: Vec::new(),
        })
    }

    fn merging(&self, into: usize, from: usize) -> Result<Change, Refusal> {
        if into == from {
            return refuse("a neighborhood cannot be merged with itself");
        }
        if self.slots[into].community != self.slots[from].community {
            return refuse("a merge may not cross a community border");
        }
        self.unlocked(into)?;
        self.unlocked(from)?;
        let touches = self.slots[from]
            .blocks
            .iter()
            .any(|&b| self.neighbours(b).any(|n| self.owner[n] == into));
        if !touches {
            return refuse(format!(
                "{} and {} do not touch",
                self.slots[into].id, self.slots[from].id
            ));
        }
        Ok(Change {
            moves: self.slots[from]
                .blocks
                .iter()
                .map(|&b| (b, from, into))
                .collect(),
            locks: Vec::new(),
        })
    }

    fn locking(&self, k: usize, lock: bool) -> Result<Change, Refusal> {
        if self.slots[k].locked == lock {
            let state = if lock { "locked" } else { "not locked" };
            return refuse(format!("{} is already {state}", self.slots[k].id));
        }
        Ok(Change {
            moves: Vec::new(),
            locks: vec![(k, !lock, lock)],
        })
    }

    fn community_id(&self, slot: usize) -> &str {
        &self.loaded.scenario.communities[self.slots[slot].community].id
    }

    /// The blocks sharing a border with `b`.
    pub fn neighbours(&self, b: usize) -> impl Iterator<Item = usize> + '_ {
        self.planned
            .blocks
            .adjacency
            .neighbors(BlockSet::node(b))
            .map(|n| n.index())
    }

    /// Connected pieces of a set of blocks (through shared borders).
    pub fn pieces(&self, blocks: &BTreeSet<usize>) -> usize {
        let mut seen = BTreeSet::new();
        let mut count = 0;
        for &start in blocks {
            if !seen.insert(start) {
                continue;
            }
            count += 1;
            let mut stack = vec![start];
            while let Some(b) = stack.pop() {
                for n in self.neighbours(b) {
                    if blocks.contains(&n) && seen.insert(n) {
                        stack.push(n);
                    }
                }
            }
        }
        count
    }

    /// A new slot for community `c` with the next free number.
    fn new_slot(&mut self, c: usize) -> usize {
        let cid = self.loaded.scenario.communities[c].id.clone();
        let taken: BTreeSet<&str> = self.slots.iter().map(|s| s.id.as_str()).collect();
        let id = (1..)
            .map(|k| format!("{cid}-{k:02}"))
            .find(|id| !taken.contains(id.as_str()))
            .unwrap_or_default();
        self.slots.push(Slot {
            id,
            community: c,
            blocks: BTreeSet::new(),
            locked: false,
        });
        self.slots.len() - 1
    }

    fn splitting(&mut self, k: usize) -> Result<Change, Refusal> {
        self.unlocked(k)?;
        let blocks: Vec<usize> = self.slots[k].blocks.iter().copied().collect();
        if blocks.len() < 2 {
            return refuse(format!(
                "{} is one block: it cannot be split",
                self.slots[k].id
            ));
        }
        let half = split::halves(&self.planned.blocks, &blocks);
        let c = self.slots[k].community;
        // An empty slot of the community (merged away before) is reused, so
        // that undoing and redoing splits does not pile up numbers.
        let to = match self
            .slots
            .iter()
            .position(|s| s.community == c && s.blocks.is_empty() && !s.locked)
        {
            Some(s) => s,
            None => self.new_slot(c),
        };
        Ok(Change {
            moves: half.into_iter().map(|b| (b, k, to)).collect(),
            locks: Vec::new(),
        })
    }

    fn rebalancing(&mut self, community: &str) -> Result<Change, Refusal> {
        let s = &self.loaded.scenario;
        let Some(c) = s.communities.iter().position(|x| x.id == community) else {
            return refuse(format!("there is no community {community}"));
        };
        let members: Vec<usize> = (0..self.owner.len())
            .filter(|&b| self.planned.blocks.blocks[b].community == c)
            .filter(|&b| !self.slots[self.owner[b]].locked)
            .collect();
        if members.is_empty() {
            return refuse(format!("every neighborhood of {community} is locked"));
        }
        let r = crate::partition::regionalize_blocks(
            &self.planned.blocks,
            s,
            &self.loaded.config,
            c,
            &members,
            self.seed,
        );
        let targets = self.region_slots(c, &members, &r.region, r.count);
        let moves = members
            .iter()
            .zip(&r.region)
            .filter(|&(&b, &g)| self.owner[b] != targets[g])
            .map(|(&b, &g)| (b, self.owner[b], targets[g]))
            .collect();
        Ok(Change {
            moves,
            locks: Vec::new(),
        })
    }

    /// A slot for each region of a re-balanced community: the unlocked slot
    /// sharing most blocks with it (so ids stay where the plan stays), else
    /// a new one.
    fn region_slots(
        &mut self,
        c: usize,
        members: &[usize],
        region: &[usize],
        count: usize,
    ) -> Vec<usize> {
        let mut overlap: std::collections::BTreeMap<(usize, usize), usize> = Default::default();
        for (&b, &g) in members.iter().zip(region) {
            *overlap.entry((g, self.owner[b])).or_default() += 1;
        }
        let mut pairs: Vec<(usize, usize, usize)> =
            overlap.into_iter().map(|((g, s), n)| (n, g, s)).collect();
        pairs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut slot_of = vec![usize::MAX; count];
        let mut used = BTreeSet::new();
        for (_, g, s) in pairs {
            if slot_of[g] == usize::MAX && used.insert(s) {
                slot_of[g] = s;
            }
        }
        for target in slot_of.iter_mut() {
            if *target == usize::MAX {
                let free = (0..self.slots.len()).find(|&s| {
                    self.slots[s].community == c
                        && self.slots[s].blocks.is_empty()
                        && !used.contains(&s)
                });
                let s = free.unwrap_or_else(|| self.new_slot(c));
                used.insert(s);
                *target = s;
            }
        }
        slot_of
    }

    /// The plan as edited: the neighborhoods now, with their figures, flags
    /// and dissolved shapes, ready for [`crate::plan::write_edited`].
    ///
    /// ```
    /// let ed = linli::edit::open(&linli::demo::files(), &Default::default(), 1, linli::edit::Start::Plan).unwrap();
    /// let p = ed.edited();
    /// assert_eq!(p.partition.block_neighborhood, ed.planned.partition.block_neighborhood);
    /// assert_eq!(p.shapes.len(), ed.slots.len());
    /// ```
    pub fn edited(&self) -> Planned {
        let s = &self.loaded.scenario;
        let mut order: Vec<usize> = (0..self.slots.len())
            .filter(|&k| !self.slots[k].blocks.is_empty())
            .collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (&self.slots[a], &self.slots[b]);
            x.community.cmp(&y.community).then(x.id.cmp(&y.id))
        });
        let set = &self.planned.blocks;
        let mut block_neighborhood = vec![usize::MAX; self.owner.len()];
        let mut neighborhoods = Vec::with_capacity(order.len());
        for (i, &k) in order.iter().enumerate() {
            let slot = &self.slots[k];
            let t = self
                .loaded
                .config
                .targets_for(&s.communities[slot.community]);
            let blocks: Vec<usize> = slot.blocks.iter().copied().collect();
            for &b in &blocks {
                block_neighborhood[b] = i;
            }
            let separate = self.pieces(&slot.blocks) > 1;
            let mut n =
                crate::partition::neighborhood_of(s, &t, set, slot.community, blocks, separate);
            n.id.clone_from(&slot.id);
            neighborhoods.push(n);
        }
        let partition = crate::model::Partition {
            block_neighborhood,
            neighborhoods,
        };
        let shapes = crate::dissolve::dissolve(
            set,
            &partition.block_neighborhood,
            partition.neighborhoods.len(),
        );
        let straddles = crate::partition::straddles::straddles(
            set,
            &partition.block_neighborhood,
            s,
            &self.loaded.config,
        );
        Planned {
            blocks: set.clone(),
            partition,
            shapes,
            block_count: self.planned.block_count,
            straddles,
        }
    }
}

/// Where an editing session starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The scenario's existing grid (its neighborhoods.geojson) when it
    /// has one, else linli's plan.
    Grid,
    /// linli's plan, whatever grid the scenario has.
    Plan,
}

/// Loads a scenario and the plan to edit: its existing grid or linli's
/// plan (see [`Start`]).
///
/// ```
/// use linli::edit::{open, Start};
/// let files = linli::demo::files();
/// let planned = open(&files, &Default::default(), 1, Start::Plan).unwrap();
/// let grid = open(&files, &Default::default(), 1, Start::Grid).unwrap();
/// assert!(planned.polygonized.is_some() && grid.polygonized.is_none());
/// ```
pub fn open(
    files: &crate::read::ScenarioFiles,
    opts: &crate::read::ReadOptions,
    seed: u64,
    start: Start,
) -> Result<Editor, Error> {
    let loaded = crate::pipeline::load(files, opts)?;
    if start == Start::Grid && !loaded.scenario.existing_neighborhoods.is_empty() {
        let planned = grid::grid_start(&loaded)?;
        return Editor::new(loaded, seed, None, planned);
    }
    let (poly, planned) =
        crate::plan::plan_neighborhoods(&loaded, seed, &crate::model::progress::Silent)?;
    Editor::new(loaded, seed, poly, planned)
}
