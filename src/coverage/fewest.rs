//! Fewest new sites: the smallest set of candidates that covers every
//! demand point some candidate can cover (the location set covering
//! problem, LSCP).
//!
//! Exact where it can be proved: the problem splits into independent
//! pieces (candidates that share no demand point), each piece is reduced by
//! the classic rules (a demand point only one candidate covers makes that
//! candidate essential; a candidate covering a subset of another's is
//! dropped; a demand point covered by a superset of another's candidates is
//! dropped, since covering the other covers it), and what remains is solved
//! by branch and bound with a disjoint-demand lower bound. A piece whose
//! work exceeds its budget keeps the best cover found (greedy, then
//! improved) and reports the gap to its lower bound. The budget counts
//! steps, not seconds, so a result never depends on the machine.

/// The chosen cover and how good it is known to be.
#[derive(Debug, Clone, PartialEq)]
pub struct Cover {
    /// Chosen candidates, in the order a planner would build them: each
    /// covers the most demand weight not covered by those before it.
    pub chosen: Vec<usize>,
    /// Demand points no candidate covers (left out of the problem).
    pub unreachable: Vec<u32>,
    /// Whether `chosen` is proved to be a smallest cover.
    pub optimal: bool,
    /// A proved lower bound on the number of sites (equal to
    /// `chosen.len()` when optimal).
    pub lower_bound: usize,
    /// Independent pieces the problem split into.
    pub pieces: usize,
    /// Candidates fixed by the reductions (essential ones).
    pub essential: usize,
    /// Branch-and-bound nodes searched in all.
    pub nodes: u64,
}

/// Steps (set elements visited) a piece may spend on the dominance rules
/// and on the search before settling for the best cover found: about a
/// second of work.
pub const WORK_BUDGET: u64 = 300_000_000;

/// The fewest candidates covering every coverable one of `demand_points`;
/// `covers[c]` lists the demand points candidate `c` covers. Deterministic:
/// ties go to the lowest index.
///
/// ```
/// use linli::coverage::fewest::fewest_cover;
/// // Three points on a line, candidates covering {0,1}, {1,2}, {2}, {0}.
/// let c = fewest_cover(&[vec![0, 1], vec![1, 2], vec![2], vec![0]], 4, 10_000);
/// assert_eq!(c.chosen.len(), 2);
/// assert!(c.optimal);
/// assert_eq!(c.unreachable, vec![3]); // nobody covers point 3
/// ```
pub fn fewest_cover(covers: &[Vec<u32>], demand_points: usize, budget: u64) -> Cover {
    let covered_by = invert(covers, demand_points);
    let unreachable: Vec<u32> = (0..demand_points as u32)
        .filter(|&d| covered_by[d as usize].is_empty())
        .collect();
    let pieces = pieces(covers, &covered_by);
    let mut out = Cover {
        chosen: Vec::new(),
        unreachable,
        optimal: true,
        lower_bound: 0,
        pieces: pieces.len(),
        essential: 0,
        nodes: 0,
    };
    for (cands, demands) in &pieces {
        let p = Piece::new(covers, &covered_by, cands, demands);
        let solved = p.solve(budget);
        out.essential += solved.essential;
        out.nodes += solved.nodes;
        out.optimal &= solved.optimal;
        out.lower_bound += solved.lower_bound;
        out.chosen.extend(solved.chosen);
    }
    out.chosen = build_order(covers, &out.chosen, None);
    out
}

/// For each demand point, the candidates covering it.
fn invert(covers: &[Vec<u32>], demand_points: usize) -> Vec<Vec<u32>> {
    let mut by = vec![Vec::new(); demand_points];
    for (c, ds) in covers.iter().enumerate() {
        for &d in ds {
            if let Some(v) = by.get_mut(d as usize) {
                v.push(c as u32);
            }
        }
    }
    by
}

/// The independent pieces: connected components of candidates linked by a
/// shared demand point, as (candidates, demand points), each sorted.
fn pieces(covers: &[Vec<u32>], covered_by: &[Vec<u32>]) -> Vec<(Vec<u32>, Vec<u32>)> {
    let mut piece = vec![u32::MAX; covers.len()];
    let mut out = Vec::new();
    for start in 0..covers.len() {
        if piece[start] != u32::MAX || covers[start].is_empty() {
            continue;
        }
        let id = out.len() as u32;
        let (mut cands, mut demands) = (vec![start as u32], Vec::new());
        piece[start] = id;
        let mut i = 0;
        while i < cands.len() {
            for &d in &covers[cands[i] as usize] {
                demands.push(d);
                for &c in &covered_by[d as usize] {
                    if piece[c as usize] == u32::MAX {
                        piece[c as usize] = id;
                        cands.push(c);
                    }
                }
            }
            i += 1;
        }
        cands.sort_unstable();
        demands.sort_unstable();
        demands.dedup();
        out.push((cands, demands));
    }
    out
}

/// `chosen` reordered greedily: each next site covers the most weight (or,
/// without weights, the most points) not covered by those before it.
///
/// ```
/// use linli::coverage::fewest::build_order;
/// let covers = vec![vec![0], vec![1, 2, 3], vec![3, 4]];
/// assert_eq!(build_order(&covers, &[0, 2, 1], None), vec![1, 0, 2]);
/// assert_eq!(build_order(&covers, &[0, 2, 1], Some(&[50, 1, 1, 1, 1])), vec![0, 1, 2]);
/// ```
pub fn build_order(covers: &[Vec<u32>], chosen: &[usize], weight: Option<&[u64]>) -> Vec<usize> {
    let n = covers
        .iter()
        .flatten()
        .map(|&d| d as usize + 1)
        .max()
        .unwrap_or(0);
    let w = |d: u32| weight.map_or(1, |w| w.get(d as usize).copied().unwrap_or(0));
    let mut done = vec![false; n];
    let mut left: Vec<usize> = chosen.to_vec();
    left.sort_unstable();
    let mut out = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let gain = |c: usize| -> u64 {
            covers[c]
                .iter()
                .filter(|&&d| !done[d as usize])
                .map(|&d| w(d))
                .sum()
        };
        // Highest gain, lowest index on ties (left is sorted).
        let (i, _) = left
            .iter()
            .enumerate()
            .fold((0, None), |best, (i, &c)| match best.1 {
                Some(g) if gain(c) <= g => best,
                _ => (i, Some(gain(c))),
            });
        let c = left.remove(i);
        for &d in &covers[c] {
            done[d as usize] = true;
        }
        out.push(c);
    }
    out
}

/// One independent piece, renumbered densely: `sets[c]` the piece's demand
/// points candidate `c` covers, `of[d]` the candidates covering `d`.
struct Piece {
    /// Candidate indices in the whole problem.
    ids: Vec<u32>,
    sets: Vec<Vec<u32>>,
    of: Vec<Vec<u32>>,
}

/// What solving a piece gives.
struct Solved {
    chosen: Vec<usize>,
    optimal: bool,
    lower_bound: usize,
    essential: usize,
    nodes: u64,
}

impl Piece {
    fn new(covers: &[Vec<u32>], covered_by: &[Vec<u32>], cands: &[u32], demands: &[u32]) -> Self {
        let local_c = |c: u32| cands.binary_search(&c).expect("candidate of the piece") as u32;
        let local_d = |d: u32| demands.binary_search(&d).expect("demand of the piece") as u32;
        Piece {
            ids: cands.to_vec(),
            sets: cands
                .iter()
                .map(|&c| covers[c as usize].iter().map(|&d| local_d(d)).collect())
                .collect(),
            of: demands
                .iter()
                .map(|&d| covered_by[d as usize].iter().map(|&c| local_c(c)).collect())
                .collect(),
        }
    }

    /// Reduces, then searches what is left.
    fn solve(&self, budget: u64) -> Solved {
        let mut k = Kernel::new(self, budget);
        k.reduce();
        let essential = k.fixed.len();
        let (rest, optimal, bound, nodes) = k.search(k.work_left.max(budget / 2));
        let mut chosen: Vec<usize> = k
            .fixed
            .iter()
            .chain(&rest)
            .map(|&c| self.ids[c as usize] as usize)
            .collect();
        chosen.sort_unstable();
        Solved {
            lower_bound: essential + bound,
            chosen,
            optimal,
            essential,
            nodes,
        }
    }
}

/// The reducible state of a piece: which candidates and demand points are
/// still in play, and the candidates fixed so far.
struct Kernel<'a> {
    p: &'a Piece,
    cand_on: Vec<bool>,
    demand_on: Vec<bool>,
    fixed: Vec<u32>,
    /// Steps the dominance rules may still take.
    work_left: u64,
}

impl<'a> Kernel<'a> {
    fn new(p: &'a Piece, budget: u64) -> Self {
        Kernel {
            p,
            cand_on: vec![true; p.sets.len()],
            demand_on: vec![true; p.of.len()],
            fixed: Vec::new(),
            work_left: budget,
        }
    }

    /// Takes `n` steps of the dominance rules' budget; false once spent.
    fn spend(&mut self, n: usize) -> bool {
        self.work_left = self.work_left.saturating_sub(n as u64);
        self.work_left > 0
    }

    fn cands_of(&self, d: usize) -> impl Iterator<Item = u32> + '_ {
        self.p.of[d]
            .iter()
            .copied()
            .filter(|&c| self.cand_on[c as usize])
    }

    fn demands_of(&self, c: usize) -> impl Iterator<Item = u32> + '_ {
        self.p.sets[c]
            .iter()
            .copied()
            .filter(|&d| self.demand_on[d as usize])
    }

    /// Applies the three rules until none changes anything.
    fn reduce(&mut self) {
        loop {
            // Once the budget is spent only the linear rule goes on.
            let mut changed = self.essentials();
            if self.work_left > 0 {
                changed |= self.drop_dominated_candidates() | self.drop_dominated_demands();
            }
            if !changed {
                break;
            }
        }
    }

    /// A demand point with one candidate left fixes that candidate.
    fn essentials(&mut self) -> bool {
        let mut changed = false;
        for d in 0..self.p.of.len() {
            if !self.demand_on[d] {
                continue;
            }
            let only = {
                let mut it = self.cands_of(d);
                match (it.next(), it.next()) {
                    (Some(c), None) => Some(c),
                    _ => None,
                }
            };
            if let Some(c) = only {
                self.fix(c);
                changed = true;
            }
        }
        changed
    }

    fn fix(&mut self, c: u32) {
        self.fixed.push(c);
        self.cand_on[c as usize] = false;
        for &d in &self.p.sets[c as usize] {
            self.demand_on[d as usize] = false;
        }
    }

    /// Drops candidates whose remaining points another candidate also
    /// covers (identical sets: the higher index goes).
    fn drop_dominated_candidates(&mut self) -> bool {
        let n = self.p.sets.len();
        let mut count = vec![0u32; n];
        let mut touched = Vec::new();
        let mut changed = false;
        for a in 0..n {
            if !self.cand_on[a] {
                continue;
            }
            let mine: Vec<u32> = self.demands_of(a).collect();
            let steps: usize = mine.iter().map(|&d| self.p.of[d as usize].len()).sum();
            if !self.spend(steps + 1) {
                break;
            }
            let dominated = mine.is_empty() || {
                for &d in &mine {
                    for b in self.cands_of(d as usize) {
                        if count[b as usize] == 0 {
                            touched.push(b);
                        }
                        count[b as usize] += 1;
                    }
                }
                let full = |b: u32| b as usize != a && count[b as usize] as usize == mine.len();
                let hit = touched.iter().any(|&b| {
                    full(b) && (b < a as u32 || self.demands_of(b as usize).count() > mine.len())
                });
                for &b in &touched {
                    count[b as usize] = 0;
                }
                touched.clear();
                hit
            };
            if dominated {
                self.cand_on[a] = false;
                changed = true;
            }
        }
        changed
    }

    /// Drops demand points whose candidates include all of another point's
    /// (identical sets: the higher index goes).
    fn drop_dominated_demands(&mut self) -> bool {
        let n = self.p.of.len();
        let mut count = vec![0u32; n];
        let mut touched = Vec::new();
        let mut changed = false;
        for d2 in 0..n {
            if !self.demand_on[d2] {
                continue;
            }
            let mine: Vec<u32> = self.cands_of(d2).collect();
            let steps: usize = mine.iter().map(|&c| self.p.sets[c as usize].len()).sum();
            if !self.spend(steps + 1) {
                break;
            }
            for &c in &mine {
                for d1 in self.demands_of(c as usize) {
                    if count[d1 as usize] == 0 {
                        touched.push(d1);
                    }
                    count[d1 as usize] += 1;
                }
            }
            let hit = touched.iter().any(|&d1| {
                let k = count[d1 as usize] as usize;
                d1 as usize != d2
                    && k == self.cands_of(d1 as usize).count()
                    && (k < mine.len() || (d1 as usize) < d2)
            });
            for &d1 in &touched {
                count[d1 as usize] = 0;
            }
            touched.clear();
            if hit {
                self.demand_on[d2] = false;
                changed = true;
            }
        }
        changed
    }
}

impl Kernel<'_> {
    /// Branch and bound on what the reductions left: (chosen candidates,
    /// proved optimal, lower bound, nodes searched).
    fn search(&self, budget: u64) -> (Vec<u32>, bool, usize, u64) {
        let b = Bnb::new(self);
        if b.demands == 0 {
            return (Vec::new(), true, 0, 0);
        }
        b.run(budget)
    }
}

/// Branch-and-bound state over the kernel, with demand points as bits.
struct Bnb {
    /// Candidates (piece indices) still in play.
    cands: Vec<u32>,
    /// Each candidate's demand points, as a bitset over the kernel's points.
    sets: Vec<Vec<u64>>,
    /// Each kernel point's candidates (kernel indices).
    of: Vec<Vec<u32>>,
    /// Kernel points, fewest candidates first (the bound's order).
    order: Vec<u32>,
    demands: usize,
    /// Steps one search node costs: the candidate lists of all points.
    steps_per_node: u64,
}

impl Bnb {
    fn new(k: &Kernel) -> Self {
        let demands: Vec<u32> = (0..k.p.of.len() as u32)
            .filter(|&d| k.demand_on[d as usize])
            .collect();
        let cands: Vec<u32> = (0..k.p.sets.len() as u32)
            .filter(|&c| k.cand_on[c as usize])
            .collect();
        let words = demands.len().div_ceil(64);
        let mut sets = vec![vec![0u64; words]; cands.len()];
        let mut of = vec![Vec::new(); demands.len()];
        for (i, &d) in demands.iter().enumerate() {
            for c in k.cands_of(d as usize) {
                let ci = cands.binary_search(&c).expect("active candidate");
                sets[ci][i / 64] |= 1 << (i % 64);
                of[i].push(ci as u32);
            }
        }
        let mut order: Vec<u32> = (0..demands.len() as u32).collect();
        order.sort_by_key(|&d| (of[d as usize].len(), d));
        let steps_per_node = of.iter().map(|c| c.len() as u64 + 1).sum();
        Bnb {
            cands,
            sets,
            of,
            order,
            demands: demands.len(),
            steps_per_node,
        }
    }

    fn run(&self, budget: u64) -> (Vec<u32>, bool, usize, u64) {
        let all = full_bits(self.demands);
        let mut banned = vec![false; self.cands.len()];
        let root = self.bound(&all, &banned).unwrap_or(usize::MAX);
        let mut s = State {
            best: self.greedy(&all),
            chosen: Vec::new(),
            nodes: 0,
            work: 0,
            budget,
            aborted: false,
        };
        if s.best.len() > root {
            let mut open = all.clone();
            self.branch(&mut open, &mut banned, &mut s);
        }
        let optimal = !s.aborted;
        let bound = if optimal { s.best.len() } else { root };
        let chosen = s.best.iter().map(|&c| self.cands[c as usize]).collect();
        (chosen, optimal, bound, s.nodes)
    }

    /// Greedy cover (most open points, lowest index on ties) without the
    /// sites it made redundant: the first incumbent.
    fn greedy(&self, all: &[u64]) -> Vec<u32> {
        let mut open = all.to_vec();
        let mut chosen = Vec::new();
        while open.iter().any(|&w| w != 0) {
            let (c, _) = (0..self.cands.len()).fold((0, 0), |best, c| {
                let g = and_count(&self.sets[c], &open);
                if g > best.1 { (c, g) } else { best }
            });
            minus(&mut open, &self.sets[c]);
            chosen.push(c as u32);
        }
        // Drop, latest first, any site the others already cover for.
        let mut i = chosen.len();
        while i > 0 {
            i -= 1;
            let mut rest = all.to_vec();
            for (j, &c) in chosen.iter().enumerate() {
                if j != i {
                    minus(&mut rest, &self.sets[c as usize]);
                }
            }
            if rest.iter().all(|&w| w == 0) {
                chosen.remove(i);
            }
        }
        chosen
    }

    /// Open points whose candidates (not banned) are pairwise disjoint:
    /// each needs a site of its own. `None` when an open point has no
    /// candidate left (the branch cannot be completed).
    fn bound(&self, open: &[u64], banned: &[bool]) -> Option<usize> {
        let mut used = vec![false; self.cands.len()];
        let mut lb = 0;
        for &d in &self.order {
            let d = d as usize;
            if open[d / 64] & (1 << (d % 64)) == 0 {
                continue;
            }
            let mut live = self.of[d]
                .iter()
                .filter(|&&c| !banned[c as usize])
                .peekable();
            live.peek()?;
            if live.clone().all(|&c| !used[c as usize]) {
                lb += 1;
                for &c in live {
                    used[c as usize] = true;
                }
            }
        }
        Some(lb)
    }

    /// Covers the open point with the fewest live candidates each way in
    /// turn (a candidate tried is banned for the later branches).
    fn branch(&self, open: &mut Vec<u64>, banned: &mut [bool], s: &mut State) {
        s.nodes += 1;
        // A node costs about one pass over the open points' candidates.
        s.work += self.steps_per_node;
        if s.work > s.budget {
            s.aborted = true;
            return;
        }
        let Some(lb) = self.bound(open, banned) else {
            return;
        };
        if lb == 0 && open.iter().all(|&w| w == 0) {
            if s.chosen.len() < s.best.len() {
                s.best = s.chosen.clone();
            }
            return;
        }
        if s.chosen.len() + lb >= s.best.len() {
            return;
        }
        let d = self
            .order
            .iter()
            .map(|&d| d as usize)
            .filter(|&d| open[d / 64] & (1 << (d % 64)) != 0)
            .min_by_key(|&d| {
                (
                    self.of[d].iter().filter(|&&c| !banned[c as usize]).count(),
                    d,
                )
            })
            .expect("an open point");
        let mut tries: Vec<u32> = self.of[d]
            .iter()
            .copied()
            .filter(|&c| !banned[c as usize])
            .collect();
        tries.sort_by_key(|&c| {
            (
                std::cmp::Reverse(and_count(&self.sets[c as usize], open)),
                c,
            )
        });
        for &c in &tries {
            let before = open.clone();
            minus(open, &self.sets[c as usize]);
            s.chosen.push(c);
            self.branch(open, banned, s);
            s.chosen.pop();
            *open = before;
            banned[c as usize] = true;
            if s.aborted {
                break;
            }
        }
        for &c in &tries {
            banned[c as usize] = false;
        }
    }
}

/// The search's running state.
struct State {
    best: Vec<u32>,
    chosen: Vec<u32>,
    nodes: u64,
    work: u64,
    budget: u64,
    aborted: bool,
}

fn full_bits(n: usize) -> Vec<u64> {
    let mut v = vec![u64::MAX; n.div_ceil(64)];
    if !n.is_multiple_of(64) {
        let last = v.len() - 1;
        v[last] = (1u64 << (n % 64)) - 1;
    }
    v
}

fn and_count(a: &[u64], b: &[u64]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum()
}

fn minus(a: &mut [u64], b: &[u64]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x &= !y;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The smallest cover of the coverable points, by trying every subset.
    fn brute(covers: &[Vec<u32>], n: usize) -> usize {
        let coverable: Vec<bool> = (0..n as u32)
            .map(|d| covers.iter().any(|c| c.contains(&d)))
            .collect();
        (0u32..(1 << covers.len()))
            .filter(|mask| {
                let mut hit = vec![false; n];
                for (c, cv) in covers.iter().enumerate() {
                    if mask & (1 << c) != 0 {
                        cv.iter().for_each(|&d| hit[d as usize] = true);
                    }
                }
                hit.iter().zip(&coverable).all(|(h, c)| *h || !*c)
            })
            .map(|mask| mask.count_ones() as usize)
            .min()
            .unwrap_or(0)
    }

    fn instance() -> impl Strategy<Value = (Vec<Vec<u32>>, usize)> {
        (1usize..25, 1usize..13).prop_flat_map(|(n, c)| {
            (
                prop::collection::vec(prop::collection::btree_set(0..n as u32, 0..6), c),
                Just(n),
            )
                .prop_map(|(sets, n)| {
                    (
                        sets.into_iter().map(|s| s.into_iter().collect()).collect(),
                        n,
                    )
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn smallest_cover_of_every_coverable_point((covers, n) in instance()) {
            let got = fewest_cover(&covers, n, WORK_BUDGET);
            let mut hit = vec![false; n];
            for &c in &got.chosen {
                covers[c].iter().for_each(|&d| hit[d as usize] = true);
            }
            for d in 0..n as u32 {
                prop_assert_eq!(hit[d as usize], !got.unreachable.contains(&d));
            }
            prop_assert!(got.optimal);
            prop_assert_eq!(got.chosen.len(), brute(&covers, n));
            prop_assert_eq!(got.lower_bound, got.chosen.len());
        }

        #[test]
        fn a_tiny_budget_still_covers_and_bounds((covers, n) in instance()) {
            let got = fewest_cover(&covers, n, 1);
            let best = brute(&covers, n);
            let mut hit = vec![false; n];
            for &c in &got.chosen {
                covers[c].iter().for_each(|&d| hit[d as usize] = true);
            }
            prop_assert!((0..n as u32).all(|d| hit[d as usize] || got.unreachable.contains(&d)));
            prop_assert!(got.lower_bound <= best && best <= got.chosen.len());
            if got.optimal {
                prop_assert_eq!(got.chosen.len(), best);
            }
        }
    }

    #[test]
    fn the_reductions_find_what_greedy_misses() {
        // Greedy takes the 6-point middle set first and then needs two more;
        // points 6 and 7 make the two halves essential, and they suffice.
        let covers = vec![vec![0, 1, 2, 3, 4, 5], vec![0, 1, 2, 6], vec![3, 4, 5, 7]];
        let c = fewest_cover(&covers, 8, WORK_BUDGET);
        assert_eq!((c.chosen.clone(), c.essential), (vec![1, 2], 2));
        assert!(c.optimal);
    }

    #[test]
    fn an_odd_ring_needs_the_search() {
        // Five points in a ring, each candidate covering two neighbours: no
        // rule applies, the bound says 2, and only the search proves 3.
        let covers: Vec<Vec<u32>> = (0..5).map(|i| vec![i, (i + 1) % 5]).collect();
        let quick = fewest_cover(&covers, 5, 1);
        assert_eq!(
            (quick.optimal, quick.lower_bound, quick.chosen.len()),
            (false, 2, 3)
        );
        let full = fewest_cover(&covers, 5, WORK_BUDGET);
        assert_eq!(
            (full.optimal, full.lower_bound, full.chosen.len()),
            (true, 3, 3)
        );
        assert!(full.nodes > 1);
    }
}
