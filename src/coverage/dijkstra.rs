//! Bounded multi-source Dijkstra on a compressed (CSR) undirected graph.
//!
//! One search serves a whole facility kind: every source seeds the heap with
//! its own starting distance (the snap leg plus the way along its edge), so
//! each node ends with the distance to its nearest source. The search stops at
//! a bound (the largest threshold): nodes beyond it stay at infinity, which
//! keeps a city-wide pass proportional to the area actually reached.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// An undirected weighted graph in compressed sparse row form.
///
/// ```
/// use linli::coverage::dijkstra::Csr;
/// let g = Csr::from_edges(3, &[(0, 1, 2.0), (1, 2, 3.0)]);
/// assert_eq!(g.neighbours(1).count(), 2);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Csr {
    /// `offsets[v]..offsets[v + 1]` indexes the neighbours of `v`.
    pub offsets: Vec<u32>,
    /// Neighbour node of each half-edge.
    pub targets: Vec<u32>,
    /// Length (metres) of each half-edge.
    pub weights: Vec<f64>,
    /// Index of the undirected edge (in the input order) of each half-edge.
    pub edge_ids: Vec<u32>,
}

impl Csr {
    /// Builds the graph of `n` nodes from undirected edges `(a, b, length)`.
    ///
    /// ```
    /// use linli::coverage::dijkstra::Csr;
    /// let g = Csr::from_edges(2, &[(0, 1, 5.0)]);
    /// assert_eq!(g.neighbours(0).collect::<Vec<_>>(), vec![(1, 5.0)]);
    /// ```
    pub fn from_edges(n: usize, edges: &[(u32, u32, f64)]) -> Self {
        let mut degree = vec![0u32; n + 1];
        for &(a, b, _) in edges {
            degree[a as usize] += 1;
            degree[b as usize] += 1;
        }
        let mut offsets = Vec::with_capacity(n + 1);
        let mut acc = 0u32;
        for d in degree.iter().take(n) {
            offsets.push(acc);
            acc += d;
        }
        offsets.push(acc);
        let mut fill: Vec<u32> = offsets[..n].to_vec();
        let mut targets = vec![0u32; acc as usize];
        let mut weights = vec![0.0; acc as usize];
        let mut edge_ids = vec![0u32; acc as usize];
        for (i, &(a, b, w)) in edges.iter().enumerate() {
            for (u, v) in [(a, b), (b, a)] {
                let k = fill[u as usize] as usize;
                targets[k] = v;
                weights[k] = w;
                edge_ids[k] = i as u32;
                fill[u as usize] += 1;
            }
        }
        Csr {
            offsets,
            targets,
            weights,
            edge_ids,
        }
    }

    /// The neighbours of `v` with the lengths and edge indices.
    ///
    /// ```
    /// let g = linli::coverage::dijkstra::Csr::from_edges(3, &[(0, 1, 1.0), (1, 2, 2.0)]);
    /// assert_eq!(g.incident(2).collect::<Vec<_>>(), vec![(1, 2.0, 1)]);
    /// ```
    pub fn incident(&self, v: u32) -> impl Iterator<Item = (u32, f64, u32)> + '_ {
        let (s, e) = (
            self.offsets[v as usize] as usize,
            self.offsets[v as usize + 1] as usize,
        );
        (s..e).map(move |k| (self.targets[k], self.weights[k], self.edge_ids[k]))
    }

    /// Number of nodes.
    ///
    /// ```
    /// assert_eq!(linli::coverage::dijkstra::Csr::from_edges(4, &[]).len(), 4);
    /// ```
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether the graph has no nodes.
    ///
    /// ```
    /// assert!(linli::coverage::dijkstra::Csr::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The neighbours of `v` with the edge lengths.
    ///
    /// ```
    /// let g = linli::coverage::dijkstra::Csr::from_edges(2, &[(0, 1, 1.5)]);
    /// assert_eq!(g.neighbours(1).next(), Some((0, 1.5)));
    /// ```
    pub fn neighbours(&self, v: u32) -> impl Iterator<Item = (u32, f64)> + '_ {
        let (s, e) = (
            self.offsets[v as usize] as usize,
            self.offsets[v as usize + 1] as usize,
        );
        self.targets[s..e]
            .iter()
            .copied()
            .zip(self.weights[s..e].iter().copied())
    }
}

/// Reusable state of bounded Dijkstra searches: distances stay allocated and
/// only the nodes touched by the last search are reset, so thousands of small
/// searches (one per facility or candidate) cost what they reach, not the
/// size of the city.
///
/// ```
/// use linli::coverage::dijkstra::{Csr, Search};
/// let g = Csr::from_edges(3, &[(0, 1, 2.0), (1, 2, 3.0)]);
/// let mut s = Search::new(g.len());
/// s.run(&g, &[(0, 0.0), (2, 1.0)], f64::INFINITY);
/// assert_eq!(s.dist(1), 2.0);
/// s.run(&g, &[(0, 0.0)], 4.0);
/// assert_eq!(s.dist(2), f64::INFINITY); // 5 m is beyond the 4 m bound
/// ```
#[derive(Debug, Clone)]
pub struct Search {
    dist: Vec<f64>,
    /// The seed label each node was reached from ([`Search::run_labelled`]).
    origin: Vec<u32>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
    /// Nodes a search until settled still waits for: `epoch` marks them.
    wanted: Vec<u32>,
    epoch: u32,
}

/// Non-negative finite floats order like their bit patterns, which makes an
/// exact, total heap key without a float wrapper.
fn key(d: f64) -> u64 {
    d.to_bits()
}

impl Search {
    /// State for graphs of `n` nodes.
    ///
    /// ```
    /// let s = linli::coverage::dijkstra::Search::new(3);
    /// assert_eq!(s.dist(0), f64::INFINITY);
    /// ```
    pub fn new(n: usize) -> Self {
        Search {
            dist: vec![f64::INFINITY; n],
            origin: Vec::new(),
            touched: Vec::new(),
            heap: BinaryHeap::new(),
            wanted: Vec::new(),
            epoch: 0,
        }
    }

    /// Runs a search from `seeds` (node, starting distance); nodes farther
    /// than `bound` stay at infinity. Seeds beyond the bound, negative or not
    /// finite are ignored.
    ///
    /// ```
    /// use linli::coverage::dijkstra::{Csr, Search};
    /// let g = Csr::from_edges(2, &[(0, 1, 10.0)]);
    /// let mut s = Search::new(2);
    /// s.run(&g, &[(0, 3.0)], 100.0);
    /// assert_eq!((s.dist(0), s.dist(1)), (3.0, 13.0));
    /// ```
    pub fn run(&mut self, g: &Csr, seeds: &[(u32, f64)], bound: f64) {
        self.search::<false>(g, seeds.iter().map(|&(v, d)| (v, d, 0)), bound, None);
    }

    /// [`Search::run`] with a label per seed (`(node, distance, label)`):
    /// each node reached also keeps the label of the seed it is nearest
    /// to ([`Search::origin`]), as one multi-source pass.
    ///
    /// ```
    /// use linli::coverage::dijkstra::{Csr, Search};
    /// let g = Csr::from_edges(4, &[(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)]);
    /// let mut s = Search::new(4);
    /// s.run_labelled(&g, &[(0, 0.0, 7), (3, 0.5, 9)], 10.0);
    /// assert_eq!((s.origin(1), s.origin(2)), (7, 9));
    /// ```
    pub fn run_labelled(&mut self, g: &Csr, seeds: &[(u32, f64, u32)], bound: f64) {
        if self.origin.len() != self.dist.len() {
            self.origin = vec![u32::MAX; self.dist.len()];
        }
        self.search::<true>(g, seeds.iter().copied(), bound, None);
    }

    /// [`Search::run_labelled`] that stops once every node of `wanted` is
    /// settled (or beyond the bound): their distances and labels are final,
    /// other nodes' may not be. A search for a few nodes near its sources so
    /// costs what it reaches, not the whole bound.
    ///
    /// ```
    /// use linli::coverage::dijkstra::{Csr, Search};
    /// let g = Csr::from_edges(4, &[(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)]);
    /// let mut s = Search::new(4);
    /// s.run_labelled_until(&g, &[(0, 0.0, 7)], 10.0, &[1]);
    /// assert_eq!((s.dist(1), s.origin(1)), (1.0, 7));
    /// assert!(s.dist(3).is_infinite()); // never reached
    /// ```
    pub fn run_labelled_until(
        &mut self,
        g: &Csr,
        seeds: &[(u32, f64, u32)],
        bound: f64,
        wanted: &[u32],
    ) {
        if self.origin.len() != self.dist.len() {
            self.origin = vec![u32::MAX; self.dist.len()];
        }
        self.search::<true>(g, seeds.iter().copied(), bound, Some(wanted));
    }

    /// Marks `nodes` as waited for; returns how many distinct ones.
    fn want(&mut self, nodes: &[u32]) -> usize {
        if self.wanted.len() != self.dist.len() {
            self.wanted = vec![0; self.dist.len()];
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.wanted.iter_mut().for_each(|w| *w = 0);
            self.epoch = 1;
        }
        let mut n = 0;
        for &v in nodes {
            if let Some(w) = self.wanted.get_mut(v as usize)
                && *w != self.epoch
            {
                *w = self.epoch;
                n += 1;
            }
        }
        n
    }

    /// The label of the seed node `v` was reached from in the last
    /// [`Search::run_labelled`] (`u32::MAX` when not reached or unlabelled).
    ///
    /// ```
    /// let s = linli::coverage::dijkstra::Search::new(1);
    /// assert_eq!(s.origin(0), u32::MAX);
    /// ```
    pub fn origin(&self, v: u32) -> u32 {
        self.origin.get(v as usize).copied().unwrap_or(u32::MAX)
    }

    /// The search, keeping each node's seed label when `LABEL`.
    fn search<const LABEL: bool>(
        &mut self,
        g: &Csr,
        seeds: impl Iterator<Item = (u32, f64, u32)>,
        bound: f64,
        until: Option<&[u32]>,
    ) {
        // Labels are cleared with the distances, whichever search left
        // them: a label never outlives its node's distance.
        let labelled = !self.origin.is_empty();
        for &v in &self.touched {
            self.dist[v as usize] = f64::INFINITY;
            if labelled {
                self.origin[v as usize] = u32::MAX;
            }
        }
        self.touched.clear();
        self.heap.clear();
        for (v, d, label) in seeds {
            if !(d.is_finite() && d >= 0.0 && d <= bound) || v as usize >= self.dist.len() {
                continue;
            }
            let cur = &mut self.dist[v as usize];
            if d < *cur {
                if cur.is_infinite() {
                    self.touched.push(v);
                }
                *cur = d;
                if LABEL {
                    self.origin[v as usize] = label;
                }
                self.heap.push(Reverse((key(d), v)));
            }
        }
        let mut waiting = until.map_or(0, |w| self.want(w));
        if until.is_some() && waiting == 0 {
            return;
        }
        while let Some(Reverse((k, v))) = self.heap.pop() {
            let d = f64::from_bits(k);
            if d > self.dist[v as usize] {
                continue; // stale entry
            }
            if waiting > 0 && self.wanted[v as usize] == self.epoch {
                self.wanted[v as usize] = 0;
                waiting -= 1;
                if waiting == 0 {
                    return;
                }
            }
            let (s, e) = (
                g.offsets[v as usize] as usize,
                g.offsets[v as usize + 1] as usize,
            );
            let label = if LABEL { self.origin[v as usize] } else { 0 };
            for i in s..e {
                let u = g.targets[i];
                let nd = d + g.weights[i];
                if nd > bound {
                    continue;
                }
                let cur = &mut self.dist[u as usize];
                if nd < *cur {
                    if cur.is_infinite() {
                        self.touched.push(u);
                    }
                    *cur = nd;
                    if LABEL {
                        self.origin[u as usize] = label;
                    }
                    self.heap.push(Reverse((key(nd), u)));
                }
            }
        }
    }

    /// Distance of node `v` in the last search (infinity when not reached).
    ///
    /// ```
    /// let s = linli::coverage::dijkstra::Search::new(1);
    /// assert!(s.dist(0).is_infinite());
    /// ```
    pub fn dist(&self, v: u32) -> f64 {
        self.dist[v as usize]
    }

    /// All distances of the last search, indexed by node.
    ///
    /// ```
    /// let s = linli::coverage::dijkstra::Search::new(2);
    /// assert_eq!(s.distances().len(), 2);
    /// ```
    pub fn distances(&self) -> &[f64] {
        &self.dist
    }

    /// Nodes reached by the last search, in the order first reached.
    ///
    /// ```
    /// use linli::coverage::dijkstra::{Csr, Search};
    /// let g = Csr::from_edges(3, &[(0, 1, 1.0)]);
    /// let mut s = Search::new(3);
    /// s.run(&g, &[(0, 0.0)], 5.0);
    /// assert_eq!(s.reached(), &[0, 1]);
    /// ```
    pub fn reached(&self) -> &[u32] {
        &self.touched
    }
}

/// Distances from `seeds` to every node, infinity beyond `bound`: one
/// multi-source pass.
///
/// ```
/// use linli::coverage::dijkstra::{multi_source, Csr};
/// let g = Csr::from_edges(4, &[(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)]);
/// assert_eq!(multi_source(&g, &[(0, 0.0), (3, 0.0)], 10.0), vec![0.0, 1.0, 1.0, 0.0]);
/// ```
pub fn multi_source(g: &Csr, seeds: &[(u32, f64)], bound: f64) -> Vec<f64> {
    let mut s = Search::new(g.len());
    s.run(g, seeds, bound);
    s.dist
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stopping once the wanted nodes are settled leaves exactly the
    /// distances and labels a full search gives them, whatever the graph,
    /// the seeds and the wanted set (a grid with pseudo-random weights).
    #[test]
    fn a_search_until_settled_agrees_with_a_full_one() {
        let mut x = 7u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let (w, h) = (30u32, 20u32);
        let mut edges = Vec::new();
        for j in 0..h {
            for i in 0..w {
                let v = j * w + i;
                if i + 1 < w {
                    edges.push((v, v + 1, 1.0 + (next() % 100) as f64));
                }
                if j + 1 < h {
                    edges.push((v, v + w, 1.0 + (next() % 100) as f64));
                }
            }
        }
        let n = (w * h) as usize;
        let g = Csr::from_edges(n, &edges);
        let (mut full, mut part) = (Search::new(n), Search::new(n));
        for round in 0..50 {
            let seeds: Vec<(u32, f64, u32)> = (0..1 + round % 3)
                .map(|k| ((next() % n as u64) as u32, (next() % 10) as f64, k))
                .collect();
            let wanted: Vec<u32> = (0..1 + round % 7)
                .map(|_| (next() % n as u64) as u32)
                .collect();
            let bound = 300.0 + (next() % 2000) as f64;
            full.run_labelled(&g, &seeds, bound);
            part.run_labelled_until(&g, &seeds, bound, &wanted);
            for &v in &wanted {
                assert_eq!(full.dist(v), part.dist(v), "round {round}, node {v}");
                assert_eq!(full.origin(v), part.origin(v), "round {round}, node {v}");
            }
        }
    }

    #[test]
    fn bound_and_stale_entries() {
        // A shortcut found late makes a stale heap entry that must be skipped.
        let g = Csr::from_edges(3, &[(0, 1, 10.0), (0, 2, 1.0), (2, 1, 1.0)]);
        let d = multi_source(&g, &[(0, 0.0)], 100.0);
        assert_eq!(d, vec![0.0, 2.0, 1.0]);
        let d = multi_source(&g, &[(0, 0.0)], 1.5);
        assert_eq!(d, vec![0.0, f64::INFINITY, 1.0]);
    }

    #[test]
    fn labels_follow_the_nearest_seed_and_are_cleared() {
        let g = Csr::from_edges(3, &[(0, 1, 4.0), (1, 2, 4.0)]);
        let mut s = Search::new(3);
        s.run_labelled(&g, &[(0, 0.0, 5), (2, 1.0, 6)], 100.0);
        assert_eq!((s.origin(0), s.origin(1), s.origin(2)), (5, 5, 6));
        s.run(&g, &[(2, 0.0)], 1.0);
        s.run_labelled(&g, &[(2, 0.0, 1)], 1.0);
        assert_eq!(
            (s.origin(0), s.origin(1), s.origin(2)),
            (u32::MAX, u32::MAX, 1)
        );
    }

    #[test]
    fn bad_seeds_are_ignored() {
        let g = Csr::from_edges(2, &[(0, 1, 1.0)]);
        let d = multi_source(&g, &[(0, f64::NAN), (1, -1.0), (7, 0.0)], 10.0);
        assert!(d.iter().all(|x| x.is_infinite()));
    }
}
