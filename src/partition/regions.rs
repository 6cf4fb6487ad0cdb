//! Group units (blocks or cells) of one community into contiguous regions
//! near a household target, cutting along the strongest barriers.
//!
//! Seeded growth gives a balanced start; a boundary-move local search with
//! simulated annealing then lowers, in this order of weight: households
//! outside the band, internal borders on strong barriers (a neighborhood
//! should not straddle a river or an arterial), cut borders through cells,
//! compounds split, perimeter (compactness), buildings outside 3–10, and the
//! deviation from the target. Every move keeps both regions contiguous.

use std::collections::VecDeque;

/// A unit to group: a block, or a cell of a block too large for one region.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Households in it.
    pub households: u64,
    /// Buildings in it.
    pub buildings: u32,
    /// Its centroid, metres.
    pub centroid: (f64, f64),
    /// The compound (小区) it belongs to, if any.
    pub compound: Option<usize>,
}

/// Two touching units: the shared border's length and strongest barrier level.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    /// First unit.
    pub a: usize,
    /// Second unit.
    pub b: usize,
    /// Shared border, metres.
    pub shared_m: f64,
    /// Strongest barrier level on it (0: none, a cell edge).
    pub level: u8,
}

/// Targets and weights of the search.
#[derive(Debug, Clone)]
pub struct Params {
    /// Households per region.
    pub target: f64,
    /// Allowed relative deviation (the band is target × (1 ± tolerance)).
    pub tolerance: f64,
    /// Soft bounds on buildings per region (`None`: not checked).
    pub buildings: Option<(u32, u32)>,
    /// Households of each compound, to keep those that fit whole.
    pub compound_households: Vec<u64>,
    /// Seed for the annealing.
    pub seed: u64,
    /// Annealing moves per unit.
    pub effort: usize,
}

impl Params {
    fn lo(&self) -> f64 {
        self.target * (1.0 - self.tolerance)
    }
    fn hi(&self) -> f64 {
        self.target * (1.0 + self.tolerance)
    }
}

/// How many regions a connected part of `households` should get: the count
/// whose mean is nearest the target among those that fit the band.
///
/// ```
/// use linli::partition::regions::region_count;
/// assert_eq!(region_count(900, 300.0, 1.0 / 3.0), 3);
/// assert_eq!(region_count(100, 300.0, 1.0 / 3.0), 1);
/// assert_eq!(region_count(0, 300.0, 1.0 / 3.0), 1);
/// ```
pub fn region_count(households: u64, target: f64, tolerance: f64) -> usize {
    let h = households as f64;
    if h <= target * (1.0 + tolerance) {
        return 1;
    }
    let ideal = (h / target).round().max(1.0) as usize;
    let lo = (h / (target * (1.0 + tolerance))).ceil() as usize;
    let hi = (h / (target * (1.0 - tolerance))).floor() as usize;
    if lo <= hi {
        ideal.clamp(lo, hi)
    } else {
        ideal
    }
}

/// Cost of putting `shared_m` of border at `level` inside a region (negative:
/// better inside than cut).
fn inside_cost(level: u8, shared_m: f64) -> f64 {
    let per_m = match level {
        0 => -3.0, // cutting between two cells of one block draws a line through a compound
        1 => 0.2,
        2 => 1.0,
        3 => 4.0,
        _ => 30.0,
    };
    // Compactness: every metre kept inside is a metre of perimeter saved.
    (per_m - 0.5) * shared_m
}

const BAND_WEIGHT: f64 = 20_000.0;
const DEVIATION_WEIGHT: f64 = 400.0;
const BUILDINGS_WEIGHT: f64 = 60.0;
const COMPOUND_WEIGHT: f64 = 3.0;

struct Graph {
    adj: Vec<Vec<(usize, f64)>>, // neighbour, inside cost of the link
}

/// The result of [`regionalize`].
#[derive(Debug, Clone, PartialEq)]
pub struct Regions {
    /// Region of each unit, numbered from 0.
    pub region: Vec<usize>,
    /// Number of regions.
    pub count: usize,
    /// For each region, the connected part of the unit graph it lies in.
    pub part: Vec<usize>,
    /// Number of connected parts (islands, banks without bridges).
    pub parts: usize,
}

/// Splits units into contiguous regions.
///
/// ```
/// use linli::partition::regions::{regionalize, Link, Params, Unit};
/// // Six blocks in a row of 100 households each, a river between 3 and 4.
/// let units: Vec<Unit> = (0..6)
///     .map(|i| Unit { households: 100, buildings: 4, centroid: (i as f64 * 100.0, 0.0), compound: None })
///     .collect();
/// let links: Vec<Link> = (0..5)
///     .map(|i| Link { a: i, b: i + 1, shared_m: 100.0, level: if i == 2 { 4 } else { 2 } })
///     .collect();
/// let params = Params { target: 300.0, tolerance: 1.0 / 3.0, buildings: None,
///     compound_households: vec![], seed: 1, effort: 50 };
/// let r = regionalize(&units, &links, &params);
/// assert_eq!(r.count, 2);
/// assert_eq!(r.region, vec![0, 0, 0, 1, 1, 1]);
/// ```
pub fn regionalize(units: &[Unit], links: &[Link], params: &Params) -> Regions {
    let n = units.len();
    let mut adj: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for l in links {
        if l.a == l.b {
            continue;
        }
        let mut c = inside_cost(l.level, l.shared_m);
        if let (Some(x), Some(y)) = (units[l.a].compound, units[l.b].compound) {
            if x == y
                && params
                    .compound_households
                    .get(x)
                    .copied()
                    .unwrap_or(u64::MAX) as f64
                    <= params.hi()
            {
                c -= COMPOUND_WEIGHT * l.shared_m;
            }
        }
        adj[l.a].push((l.b, c));
        adj[l.b].push((l.a, c));
    }
    for a in adj.iter_mut() {
        a.sort_by_key(|x| x.0);
    }
    let graph = Graph { adj };

    // Connected parts are partitioned independently.
    let mut part = vec![usize::MAX; n];
    let mut parts: Vec<Vec<usize>> = Vec::new();
    for s in 0..n {
        if part[s] != usize::MAX {
            continue;
        }
        let id = parts.len();
        let mut members = vec![s];
        part[s] = id;
        let mut i = 0;
        while i < members.len() {
            let u = members[i];
            i += 1;
            for &(v, _) in &graph.adj[u] {
                if part[v] == usize::MAX {
                    part[v] = id;
                    members.push(v);
                }
            }
        }
        members.sort_unstable();
        parts.push(members);
    }

    let mut region = vec![usize::MAX; n];
    let mut region_part = Vec::new();
    let mut next = 0;
    for (pi, members) in parts.iter().enumerate() {
        let h: u64 = members.iter().map(|&u| units[u].households).sum();
        let k = region_count(h, params.target, params.tolerance).min(members.len());
        let local = solve_part(
            units,
            &graph,
            members,
            k,
            params,
            params.seed ^ (pi as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        );
        let k = local.iter().max().map_or(1, |m| m + 1);
        for (i, &u) in members.iter().enumerate() {
            region[u] = next + local[i];
        }
        next += k;
        region_part.extend(std::iter::repeat_n(pi, k));
    }
    Regions {
        region,
        count: next,
        part: region_part,
        parts: parts.len(),
    }
}

/// SplitMix64: a tiny deterministic generator.
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
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct State<'a> {
    units: &'a [Unit],
    graph: &'a Graph,
    params: &'a Params,
    /// Region of each unit (global index; usize::MAX outside this part).
    region: Vec<usize>,
    households: Vec<f64>,
    buildings: Vec<u32>,
    size: Vec<usize>,
}

impl State<'_> {
    fn region_cost(&self, h: f64, b: u32) -> f64 {
        let p = self.params;
        let t = p.target;
        let mut c = 0.0;
        if h > p.hi() {
            c += BAND_WEIGHT * (1.0 + (h - p.hi()) / t);
        } else if h < p.lo() {
            c += BAND_WEIGHT * (1.0 + (p.lo() - h) / t);
        }
        let d = (h - t) / t;
        c += DEVIATION_WEIGHT * d * d;
        if let Some((lo, hi)) = p.buildings {
            if b < lo {
                c += BUILDINGS_WEIGHT * f64::from(lo - b);
            } else if b > hi {
                c += BUILDINGS_WEIGHT * f64::from(b - hi);
            }
        }
        c
    }

    /// Change in cost of moving `u` to region `to`.
    fn delta(&self, u: usize, to: usize) -> f64 {
        let from = self.region[u];
        let hu = self.units[u].households as f64;
        let bu = self.units[u].buildings;
        let mut d = self.region_cost(self.households[from] - hu, self.buildings[from] - bu)
            - self.region_cost(self.households[from], self.buildings[from])
            + self.region_cost(self.households[to] + hu, self.buildings[to] + bu)
            - self.region_cost(self.households[to], self.buildings[to]);
        for &(v, c) in &self.graph.adj[u] {
            let r = self.region[v];
            if r == from {
                d -= c;
            } else if r == to {
                d += c;
            }
        }
        d
    }

    fn apply(&mut self, u: usize, to: usize) {
        let from = self.region[u];
        let hu = self.units[u].households as f64;
        let bu = self.units[u].buildings;
        self.households[from] -= hu;
        self.buildings[from] -= bu;
        self.size[from] -= 1;
        self.households[to] += hu;
        self.buildings[to] += bu;
        self.size[to] += 1;
        self.region[u] = to;
    }

    /// Whether region of `u` stays connected without `u`.
    fn removable(&self, u: usize) -> bool {
        let r = self.region[u];
        if self.size[r] <= 1 {
            return false;
        }
        let same: Vec<usize> = self.graph.adj[u]
            .iter()
            .map(|&(v, _)| v)
            .filter(|&v| self.region[v] == r)
            .collect();
        if same.len() <= 1 {
            return !same.is_empty();
        }
        // BFS from one same-region neighbour inside the region, avoiding u.
        let mut seen = std::collections::HashSet::new();
        seen.insert(u);
        seen.insert(same[0]);
        let mut q = VecDeque::from([same[0]]);
        let mut found = 1;
        while let Some(x) = q.pop_front() {
            for &(y, _) in &self.graph.adj[x] {
                if self.region[y] == r && seen.insert(y) {
                    if same.contains(&y) {
                        found += 1;
                        if found == same.len() {
                            return true;
                        }
                    }
                    q.push_back(y);
                }
            }
        }
        false
    }

    fn total(&self, k: usize) -> f64 {
        let mut c: f64 = (0..k)
            .map(|r| self.region_cost(self.households[r], self.buildings[r]))
            .sum();
        for (u, a) in self.graph.adj.iter().enumerate() {
            if self.region[u] == usize::MAX {
                continue;
            }
            for &(v, w) in a {
                if u < v && self.region[u] == self.region[v] {
                    c += w;
                }
            }
        }
        c
    }
}

/// Partitions one connected part into `k` regions; returns the local region
/// of each member (in `members` order).
fn solve_part(
    units: &[Unit],
    graph: &Graph,
    members: &[usize],
    k: usize,
    params: &Params,
    seed: u64,
) -> Vec<usize> {
    if k <= 1 {
        return vec![0; members.len()];
    }
    let mut rng = Rng(seed);
    let n = units.len();
    let mut st = State {
        units,
        graph,
        params,
        region: vec![usize::MAX; n],
        households: vec![0.0; k],
        buildings: vec![0; k],
        size: vec![0; k],
    };

    // Seeds: farthest-point sampling from the member with most households.
    let dist2 = |a: usize, b: usize| {
        let (p, q) = (units[a].centroid, units[b].centroid);
        (p.0 - q.0).powi(2) + (p.1 - q.1).powi(2)
    };
    let first = *members
        .iter()
        .max_by(|&&a, &&b| {
            units[a]
                .households
                .cmp(&units[b].households)
                .then(b.cmp(&a))
        })
        .expect("a part has members");
    let mut seeds = vec![first];
    let mut near: Vec<f64> = members.iter().map(|&m| dist2(m, first)).collect();
    while seeds.len() < k {
        let (i, _) = near
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
            .expect("members");
        let s = members[i];
        seeds.push(s);
        for (j, &m) in members.iter().enumerate() {
            near[j] = near[j].min(dist2(m, s));
        }
    }
    for (r, &s) in seeds.iter().enumerate() {
        st.region[s] = usize::MAX - 1; // placeholder, set by apply below
        st.region[s] = r;
        st.households[r] += units[s].households as f64;
        st.buildings[r] += units[s].buildings;
        st.size[r] += 1;
    }

    // Growth: the lightest region takes its cheapest unassigned neighbour.
    let mut unassigned = members.len() - k;
    let mut stuck = vec![false; k];
    let in_part = {
        let mut v = vec![false; n];
        for &m in members {
            v[m] = true;
        }
        v
    };
    let mut frontier: Vec<Vec<usize>> = seeds.iter().map(|&s| vec![s]).collect();
    while unassigned > 0 {
        let Some(r) = (0..k).filter(|&r| !stuck[r]).min_by(|&a, &b| {
            st.households[a]
                .total_cmp(&st.households[b])
                .then(a.cmp(&b))
        }) else {
            break;
        };
        let mut best: Option<(f64, usize)> = None;
        for &m in &frontier[r] {
            for &(v, c) in &graph.adj[m] {
                if in_part[v] && st.region[v] == usize::MAX {
                    let score = -c + 0.001 * dist2(v, seeds[r]).sqrt();
                    if best.is_none_or(|(b, bv)| score < b || (score == b && v < bv)) {
                        best = Some((score, v));
                    }
                }
            }
        }
        match best {
            Some((_, v)) => {
                st.region[v] = r;
                st.households[r] += units[v].households as f64;
                st.buildings[r] += units[v].buildings;
                st.size[r] += 1;
                frontier[r].push(v);
                unassigned -= 1;
            }
            None => stuck[r] = true,
        }
    }
    // Anything left (all regions stuck cannot happen in a connected part,
    // but stay safe): join the region of an assigned neighbour.
    let mut changed = true;
    while changed {
        changed = false;
        for &m in members {
            if st.region[m] == usize::MAX {
                if let Some(&(v, _)) = graph.adj[m].iter().find(|&&(v, _)| st.region[v] < k) {
                    let r = st.region[v];
                    st.region[m] = r;
                    st.households[r] += units[m].households as f64;
                    st.buildings[r] += units[m].buildings;
                    st.size[r] += 1;
                    changed = true;
                }
            }
        }
    }

    // Local search: greedy descent, annealing, greedy descent; keep the best.
    let boundary_moves = |st: &State, u: usize| -> Vec<usize> {
        let mut to: Vec<usize> = graph.adj[u]
            .iter()
            .map(|&(v, _)| st.region[v])
            .filter(|&r| r != st.region[u] && r < k)
            .collect();
        to.sort_unstable();
        to.dedup();
        to
    };
    let descend = |st: &mut State| {
        for _ in 0..100 {
            let mut improved = false;
            for &u in members {
                for to in boundary_moves(st, u) {
                    let d = st.delta(u, to);
                    if d < -1e-9 && st.removable(u) {
                        st.apply(u, to);
                        improved = true;
                        break;
                    }
                }
            }
            if !improved {
                break;
            }
        }
    };
    descend(&mut st);
    let mut best_cost = st.total(k);
    let mut best = st.region.clone();
    let moves = params.effort * members.len();
    if moves > 0 {
        let t0 = 200.0f64;
        for i in 0..moves {
            let temp = t0 * (1.0 - i as f64 / moves as f64).powi(2) + 1e-3;
            let u = members[rng.below(members.len())];
            let to_list = boundary_moves(&st, u);
            if to_list.is_empty() {
                continue;
            }
            let to = to_list[rng.below(to_list.len())];
            let d = st.delta(u, to);
            if (d < 0.0 || rng.unit() < (-d / temp).exp()) && st.removable(u) {
                st.apply(u, to);
            }
        }
        descend(&mut st);
        let c = st.total(k);
        if c < best_cost {
            best_cost = c;
            best = st.region.clone();
        }
    }
    let _ = best_cost;
    st.region = best;
    for r in 0..k {
        st.households[r] = 0.0;
        st.buildings[r] = 0;
        st.size[r] = 0;
    }
    for &m in members {
        let r = st.region[m];
        st.households[r] += units[m].households as f64;
        st.buildings[r] += units[m].buildings;
        st.size[r] += 1;
    }
    merge_small(&mut st, members, k);
    // Renumber the surviving regions 0.. in order of first member.
    let mut map = vec![usize::MAX; k];
    let mut next = 0;
    members
        .iter()
        .map(|&m| {
            let r = st.region[m];
            if map[r] == usize::MAX {
                map[r] = next;
                next += 1;
            }
            map[r]
        })
        .collect()
}

/// Merges a region below the band into the neighbour where that lowers the
/// total cost (a region walled off from households cannot grow by moves).
/// Smallest regions first; passes repeat until nothing merges.
fn merge_small(st: &mut State, members: &[usize], k: usize) {
    let mut of: Vec<Vec<usize>> = vec![Vec::new(); k];
    for &u in members {
        of[st.region[u]].push(u);
    }
    loop {
        let mut small: Vec<usize> = (0..k)
            .filter(|&r| !of[r].is_empty() && st.households[r] < st.params.lo())
            .collect();
        small.sort_by(|&a, &b| {
            st.households[a]
                .total_cmp(&st.households[b])
                .then(a.cmp(&b))
        });
        let mut merged = false;
        for r in small {
            if of[r].is_empty() || st.households[r] >= st.params.lo() {
                continue;
            }
            // Links between r and each neighbouring region.
            let mut between: Vec<(usize, f64)> = Vec::new();
            for &u in &of[r] {
                for &(v, c) in &st.graph.adj[u] {
                    let s = st.region[v];
                    if s != r && s < k {
                        match between.iter_mut().find(|x| x.0 == s) {
                            Some(x) => x.1 += c,
                            None => between.push((s, c)),
                        }
                    }
                }
            }
            // Merge when the result stays within the band, or when the
            // region is so small (under half the band's floor) that it is
            // no neighborhood at all; never just to trade one violation for
            // another.
            let tiny = st.households[r] < st.params.lo() / 2.0;
            let mut best: Option<(f64, usize)> = None;
            for (s, c) in between {
                let merged = st.households[r] + st.households[s];
                if !(tiny || merged <= st.params.hi()) {
                    continue;
                }
                let d = st.region_cost(merged, st.buildings[r] + st.buildings[s])
                    - st.region_cost(st.households[r], st.buildings[r])
                    - st.region_cost(st.households[s], st.buildings[s])
                    + c;
                if (d < 0.0 || tiny) && best.is_none_or(|(b, bs)| d < b || (d == b && s < bs)) {
                    best = Some((d, s));
                }
            }
            let Some((_, s)) = best else {
                continue;
            };
            let moved = std::mem::take(&mut of[r]);
            for &u in &moved {
                st.region[u] = s;
            }
            of[s].extend(moved);
            st.households[s] += st.households[r];
            st.buildings[s] += st.buildings[r];
            st.size[s] += st.size[r];
            st.households[r] = 0.0;
            st.buildings[r] = 0;
            st.size[r] = 0;
            merged = true;
        }
        if !merged {
            return;
        }
    }
}
