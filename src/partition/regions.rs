//! Group units (blocks or cells) of one community into contiguous regions
//! near a household target, cutting along the strongest barriers.
//!
//! Each connected part is solved on its own. A unit above the band is a
//! region by itself; the rest is seeded per barrier cell (the pieces between
//! major roads, rivers and rail), as many seeds as each cell's households
//! call for, and grown inside the cells. A boundary-move local search with
//! simulated annealing then lowers, in this order of weight: households
//! outside the band, internal borders on strong barriers (a neighborhood
//! should not straddle a river or an arterial), cut borders through cells,
//! compounds split, perimeter (compactness), buildings outside 3–10, and the
//! deviation from the target. A merge-split repair re-partitions each region
//! left outside the band together with one or two neighbours. The search
//! runs twice: first with a prohibitive cost on major barriers inside a
//! region (so regions stay in their cells wherever the band allows), then
//! at the real cost. Every move keeps both regions contiguous.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

pub use crate::model::ShapeWeights;

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
    /// Its area, m² (0: a point, which the compactness term leaves out).
    pub area: f64,
    /// Polar moment of its area about `centroid`, m⁴ (see
    /// [`super::shape`]).
    pub moment: f64,
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
    /// Independent starts of the search; the cheapest result is kept.
    pub starts: usize,
    /// What compact shapes are worth.
    pub weights: ShapeWeights,
}

impl Params {
    // Households are whole: the band's ends belong to it whatever the
    // rounding of target × (1 ± tolerance).
    fn lo(&self) -> f64 {
        self.target * (1.0 - self.tolerance) - crate::model::BAND_EPS
    }
    fn hi(&self) -> f64 {
        self.target * (1.0 + self.tolerance) + crate::model::BAND_EPS
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
    if lo <= hi { ideal.clamp(lo, hi) } else { ideal }
}

/// Cost of putting `shared_m` of border at `level` inside a region (negative:
/// better inside than cut), `border` a metre of cut saved.
fn inside_cost(level: u8, shared_m: f64, border: f64) -> f64 {
    // Compactness: every metre kept inside is a metre of perimeter saved.
    (per_metre(level) - border) * shared_m
}

/// What a metre of barrier at `level` inside a region costs, before the
/// border saved.
fn per_metre(level: u8) -> f64 {
    match level {
        0 => -3.0, // cutting between two cells of one block draws a line through a compound
        1 => 0.2,
        2 => 1.0,
        3 => 4.0,
        _ => 30.0,
    }
}

/// The level a major link between two barrier cells joined into one takes:
/// the join has already crossed it (a strip between two tracks or two
/// carriageways has no households of its own), so keeping it inside a
/// region costs what a footpath does; at its own cost every other strip
/// would go to the other region, and the neighborhoods would interleave.
const JOINED: u8 = 1;

const BAND_WEIGHT: f64 = 20_000.0;
const DEVIATION_WEIGHT: f64 = 400.0;
const BUILDINGS_WEIGHT: f64 = 60.0;
const COMPOUND_WEIGHT: f64 = 3.0;

/// Links at or above this level are major barriers (arterials, rivers, rail):
/// seeds are placed per barrier cell, the pieces of the graph between them.
const MAJOR: u8 = crate::model::STRONG_LEVEL;
/// The level a major link takes when it separates two barrier cells that
/// can each reach the band on their own: no region may contain it.
const HARD: u8 = u8::MAX;
/// Cost of a [`HARD`] link inside a region: no move ever pays it.
const FORBIDDEN: f64 = 1e12;
const NONE: usize = usize::MAX;
/// Starts of each re-partition in the repair.
const TRIES: usize = 2;
/// Cost of a major barrier inside a region in the first phase of the search:
/// above any band violation, so that regions stay in their cells there.
const MAJOR_PHASE_COST: f64 = 100_000.0;

/// A self-contained problem: units numbered `0..len` and their links.
struct Sub {
    h: Vec<f64>,
    b: Vec<u32>,
    /// Centroids, metres from the first unit's (small squares below).
    xy: Vec<(f64, f64)>,
    /// Spread of each unit: area, first moments and polar moment about
    /// the origin of `xy`.
    spread: Vec<Spread>,
    /// Neighbour, inside cost of the link, barrier level.
    adj: Vec<Vec<(usize, f64, u8)>>,
}

/// Area, its first moments and its polar moment about a fixed origin: they
/// add over units, and give a region's spread about its own centre.
type Spread = [f64; 4];

fn plus(a: Spread, b: Spread) -> Spread {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]]
}

fn minus(a: Spread, b: Spread) -> Spread {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2], a[3] - b[3]]
}

/// How much longer the equivalent perimeter of a region of spread `s` is
/// than the perimeter of the disk of its area, metres: 0 for a disk,
/// growing with every arm and strip. The disk's own perimeter is left out
/// so that fewer, larger regions are not cheaper: the count is the band's
/// business.
fn spread_excess(s: Spread) -> f64 {
    // Sums of float moves drift: an emptied region is not a sliver.
    if s[0] < 1e-6 {
        return 0.0;
    }
    let moment = s[3] - (s[1] * s[1] + s[2] * s[2]) / s[0];
    let disk = 2.0 * (std::f64::consts::PI * s[0]).sqrt();
    (super::shape::equivalent_perimeter(s[0], moment) - disk).max(0.0)
}

impl Sub {
    fn len(&self) -> usize {
        self.h.len()
    }

    /// The problem restricted to `members` (indices into `self`); `map` is
    /// scratch of `self.len()` entries, all `NONE` before and after.
    fn induced(&self, members: &[usize], map: &mut [usize]) -> Sub {
        for (i, &m) in members.iter().enumerate() {
            map[m] = i;
        }
        let adj = members
            .iter()
            .map(|&m| {
                self.adj[m]
                    .iter()
                    .filter(|&&(v, _, _)| map[v] != NONE)
                    .map(|&(v, c, l)| (map[v], c, l))
                    .collect()
            })
            .collect();
        let sub = Sub {
            h: members.iter().map(|&m| self.h[m]).collect(),
            b: members.iter().map(|&m| self.b[m]).collect(),
            xy: members.iter().map(|&m| self.xy[m]).collect(),
            spread: members.iter().map(|&m| self.spread[m]).collect(),
            adj,
        };
        for &m in members {
            map[m] = NONE;
        }
        sub
    }

    /// Connected components over the links `keep` accepts (`NONE` for
    /// units `skip` leaves out); returns the component of each unit and
    /// their members, in order of smallest member.
    fn components(
        &self,
        skip: impl Fn(usize) -> bool,
        keep: impl Fn(u8) -> bool,
    ) -> (Vec<usize>, Vec<Vec<usize>>) {
        let n = self.len();
        let mut comp = vec![NONE; n];
        let mut all = Vec::new();
        for s in 0..n {
            if comp[s] != NONE || skip(s) {
                continue;
            }
            let id = all.len();
            comp[s] = id;
            let mut members = vec![s];
            let mut i = 0;
            while i < members.len() {
                let u = members[i];
                i += 1;
                for &(v, _, l) in &self.adj[u] {
                    if comp[v] == NONE && keep(l) && !skip(v) {
                        comp[v] = id;
                        members.push(v);
                    }
                }
            }
            members.sort_unstable();
            all.push(members);
        }
        (comp, all)
    }

    fn dist(&self, a: usize, b: usize) -> f64 {
        let (p, q) = (self.xy[a], self.xy[b]);
        let (dx, dy) = (p.0 - q.0, p.1 - q.1);
        (dx * dx + dy * dy).sqrt()
    }
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
///     .map(|i| Unit { households: 100, buildings: 4, centroid: (i as f64 * 100.0, 0.0), compound: None,
///         area: 10_000.0, moment: 10_000.0 * 20_000.0 / 12.0 })
///     .collect();
/// let links: Vec<Link> = (0..5)
///     .map(|i| Link { a: i, b: i + 1, shared_m: 100.0, level: if i == 2 { 4 } else { 2 } })
///     .collect();
/// let params = Params { target: 300.0, tolerance: 1.0 / 3.0, buildings: None,
///     compound_households: vec![], seed: 1, effort: 50, starts: 1, weights: Default::default() };
/// let r = regionalize(&units, &links, &params);
/// assert_eq!(r.count, 2);
/// assert_eq!(r.region, vec![0, 0, 0, 1, 1, 1]);
/// ```
pub fn regionalize(units: &[Unit], links: &[Link], params: &Params) -> Regions {
    let n = units.len();
    let mut adj: Vec<Vec<(usize, f64, u8)>> = vec![Vec::new(); n];
    for l in links {
        if l.a == l.b {
            continue;
        }
        let mut c = inside_cost(l.level, l.shared_m, params.weights.border);
        if let (Some(x), Some(y)) = (units[l.a].compound, units[l.b].compound)
            && x == y
            && params
                .compound_households
                .get(x)
                .copied()
                .unwrap_or(u64::MAX) as f64
                <= params.hi()
        {
            c -= COMPOUND_WEIGHT * l.shared_m;
        }
        adj[l.a].push((l.b, c, l.level));
        adj[l.b].push((l.a, c, l.level));
    }
    for a in adj.iter_mut() {
        a.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)).then(x.2.cmp(&y.2)));
    }
    let origin = units.first().map_or((0.0, 0.0), |u| u.centroid);
    let xy: Vec<(f64, f64)> = units
        .iter()
        .map(|u| (u.centroid.0 - origin.0, u.centroid.1 - origin.1))
        .collect();
    let spread = units
        .iter()
        .zip(&xy)
        .map(|(u, &(x, y))| {
            let a = u.area.max(0.0);
            [a, a * x, a * y, u.moment.max(0.0) + a * (x * x + y * y)]
        })
        .collect();
    let all = Sub {
        h: units.iter().map(|u| u.households as f64).collect(),
        b: units.iter().map(|u| u.buildings).collect(),
        xy,
        spread,
        adj,
    };

    // Connected parts are partitioned independently.
    let (_, parts) = all.components(|_| false, |_| true);
    let mut map = vec![NONE; n];
    let mut region = vec![NONE; n];
    let mut region_part = Vec::new();
    let mut next = 0;
    for (pi, members) in parts.iter().enumerate() {
        let sub = all.induced(members, &mut map);
        let local = solve_part(
            &sub,
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

/// Cost of a region of `h` households and `b` buildings.
fn region_cost(p: &Params, h: f64, b: u32) -> f64 {
    band_cost(p, h) + fit_cost(p, h, b)
}

/// Cost of `h` households outside the band.
fn band_cost(p: &Params, h: f64) -> f64 {
    let t = p.target;
    if h > p.hi() {
        BAND_WEIGHT * (1.0 + (h - p.hi()) / t)
    } else if h < p.lo() {
        BAND_WEIGHT * (1.0 + (p.lo() - h) / t)
    } else {
        0.0
    }
}

/// Cost of a region's deviation from the target and of its building count.
fn fit_cost(p: &Params, h: f64, b: u32) -> f64 {
    let t = p.target;
    let mut c = 0.0;
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

/// An assignment of a [`Sub`]'s units to regions, with running figures.
struct State<'a> {
    sub: &'a Sub,
    params: &'a Params,
    /// Region of each unit (`NONE`: not yet assigned).
    region: Vec<usize>,
    households: Vec<f64>,
    buildings: Vec<u32>,
    size: Vec<usize>,
    spread: Vec<Spread>,
    /// Regions that never change (a unit above the band on its own).
    fixed: Vec<bool>,
    /// Extra cost of a major barrier inside a region: while positive, the
    /// search looks for a partition that keeps every region inside its
    /// barrier cell, and only then weighs crossings at their real cost.
    major: f64,
    /// Scratch for the contiguity check.
    stamp: Vec<u32>,
    epoch: u32,
}

impl<'a> State<'a> {
    fn new(sub: &'a Sub, params: &'a Params) -> Self {
        State {
            sub,
            params,
            region: vec![NONE; sub.len()],
            households: Vec::new(),
            buildings: Vec::new(),
            size: Vec::new(),
            spread: Vec::new(),
            fixed: Vec::new(),
            major: 0.0,
            stamp: vec![0; sub.len()],
            epoch: 0,
        }
    }

    fn new_region(&mut self, fixed: bool) -> usize {
        self.households.push(0.0);
        self.buildings.push(0);
        self.size.push(0);
        self.spread.push([0.0; 4]);
        self.fixed.push(fixed);
        self.households.len() - 1
    }

    fn count(&self) -> usize {
        self.households.len()
    }

    /// Inside cost of a link of cost `c` at `level`.
    fn link(&self, c: f64, level: u8) -> f64 {
        if level == HARD {
            c + FORBIDDEN
        } else if level >= MAJOR {
            c + self.major
        } else {
            c
        }
    }

    /// Puts an unassigned unit in region `r`.
    fn put(&mut self, u: usize, r: usize) {
        self.region[u] = r;
        self.households[r] += self.sub.h[u];
        self.buildings[r] += self.sub.b[u];
        self.size[r] += 1;
        self.spread[r] = plus(self.spread[r], self.sub.spread[u]);
    }

    fn cost_of(&self, r: usize) -> f64 {
        region_cost(self.params, self.households[r], self.buildings[r])
            + self.shape_cost(self.spread[r])
    }

    /// Compactness cost of a region of spread `s`.
    fn shape_cost(&self, s: Spread) -> f64 {
        let w = self.params.weights.shape;
        if w > 0.0 { w * spread_excess(s) } else { 0.0 }
    }

    fn in_band(&self, r: usize) -> bool {
        let h = self.households[r];
        h >= self.params.lo() && h <= self.params.hi()
    }

    /// Change in cost of moving `u` to region `to`. The compactness part
    /// counts only where it agrees with the band and the strong barriers:
    /// it never pays for a move that puts households outside the band or a
    /// strong barrier inside a region, nor stops one that does the reverse.
    fn delta(&self, u: usize, to: usize) -> f64 {
        let p = self.params;
        let from = self.region[u];
        let (hu, bu) = (self.sub.h[u], self.sub.b[u]);
        let (hf, ht) = (self.households[from], self.households[to]);
        let (bf, bt) = (self.buildings[from], self.buildings[to]);
        let mut hard =
            band_cost(p, hf - hu) - band_cost(p, hf) + band_cost(p, ht + hu) - band_cost(p, ht);
        let mut soft = fit_cost(p, hf - hu, bf - bu) - fit_cost(p, hf, bf)
            + fit_cost(p, ht + hu, bt + bu)
            - fit_cost(p, ht, bt);
        for &(v, c, l) in &self.sub.adj[u] {
            let r = self.region[v];
            let sign = if r == from {
                -1.0
            } else if r == to {
                1.0
            } else {
                continue;
            };
            if l >= MAJOR {
                hard += sign * self.link(c, l);
            } else {
                soft += sign * c;
            }
        }
        let su = self.sub.spread[u];
        let (sf, st) = (self.spread[from], self.spread[to]);
        let shape = self.shape_cost(minus(sf, su)) - self.shape_cost(sf)
            + self.shape_cost(plus(st, su))
            - self.shape_cost(st);
        let shape = if hard > 1e-9 {
            shape.max(0.0)
        } else if hard < -1e-9 {
            shape.min(0.0)
        } else {
            shape
        };
        hard + soft + shape
    }

    fn apply(&mut self, u: usize, to: usize) {
        let from = self.region[u];
        let hu = self.sub.h[u];
        let bu = self.sub.b[u];
        self.households[from] -= hu;
        self.buildings[from] -= bu;
        self.size[from] -= 1;
        self.households[to] += hu;
        self.buildings[to] += bu;
        self.size[to] += 1;
        let su = self.sub.spread[u];
        self.spread[from] = minus(self.spread[from], su);
        self.spread[to] = plus(self.spread[to], su);
        self.region[u] = to;
    }

    /// Regions `u` could move to: neighbouring ones, not its own, not fixed.
    fn moves(&self, u: usize, to: &mut Vec<usize>) {
        to.clear();
        let r = self.region[u];
        if r == NONE || self.fixed[r] {
            return;
        }
        for &(v, _, _) in &self.sub.adj[u] {
            let s = self.region[v];
            if s != r && s != NONE && !self.fixed[s] {
                to.push(s);
            }
        }
        to.sort_unstable();
        to.dedup();
    }

    /// Whether the region of `u` stays connected without `u`.
    fn removable(&mut self, u: usize) -> bool {
        let r = self.region[u];
        if self.size[r] <= 1 {
            return false;
        }
        let adj = &self.sub.adj;
        let mut same = 0;
        let mut first = NONE;
        for &(v, _, _) in &adj[u] {
            if self.region[v] == r {
                if first == NONE {
                    first = v;
                }
                same += 1;
            }
        }
        if same <= 1 {
            return same == 1;
        }
        // Count the distinct same-region neighbours (links may repeat).
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.epoch = 1;
        }
        let e = self.epoch;
        let mut distinct = 0;
        for &(v, _, _) in &adj[u] {
            if self.region[v] == r && self.stamp[v] != e {
                self.stamp[v] = e;
                distinct += 1;
            }
        }
        if distinct <= 1 {
            return true;
        }
        // BFS from one same-region neighbour inside the region, avoiding u,
        // until every same-region neighbour is reached.
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.epoch = 1;
        }
        let seen = self.epoch;
        let mut targets: Vec<usize> = adj[u]
            .iter()
            .map(|&(v, _, _)| v)
            .filter(|&v| self.region[v] == r)
            .collect();
        targets.sort_unstable();
        targets.dedup();
        self.stamp[u] = seen;
        self.stamp[first] = seen;
        let mut found = 1;
        let mut q = VecDeque::from([first]);
        while let Some(x) = q.pop_front() {
            for &(y, _, _) in &adj[x] {
                if self.region[y] == r && self.stamp[y] != seen {
                    self.stamp[y] = seen;
                    if targets.binary_search(&y).is_ok() {
                        found += 1;
                        if found == targets.len() {
                            return true;
                        }
                    }
                    q.push_back(y);
                }
            }
        }
        false
    }

    /// Cost of the whole assignment.
    fn total(&self) -> f64 {
        let mut c: f64 = (0..self.count())
            .filter(|&r| self.size[r] > 0)
            .map(|r| self.cost_of(r))
            .sum();
        for (u, a) in self.sub.adj.iter().enumerate() {
            for &(v, w, l) in a {
                if u < v && self.region[u] == self.region[v] && self.region[u] != NONE {
                    c += self.link(w, l);
                }
            }
        }
        c
    }

    /// Inside cost of the links between units of `set` in one region.
    fn inside(&self, set: &[usize]) -> f64 {
        let mut c = 0.0;
        for &u in set {
            for &(v, w, l) in &self.sub.adj[u] {
                if u < v && self.region[u] == self.region[v] {
                    c += self.link(w, l);
                }
            }
        }
        c
    }

    /// Greedy descent over boundary moves until no move lowers the cost.
    /// A unit is looked at again only once its region or a region it could
    /// move to has changed: its moves' costs depend on nothing else, so the
    /// result is that of full passes.
    fn descend(&mut self, units: &[usize]) {
        let mut to = Vec::new();
        let mut changed_at = vec![0u64; self.count()];
        let mut seen_at = vec![0u64; self.sub.len()];
        let mut clock = 0u64;
        for _ in 0..100 {
            let mut improved = false;
            for &u in units {
                self.moves(u, &mut to);
                let r = self.region[u];
                let stale = |x: usize| changed_at[x] >= seen_at[u];
                if seen_at[u] > 0 && !stale(r) && !to.iter().any(|&x| stale(x)) {
                    continue;
                }
                seen_at[u] = clock + 1;
                for &t in &to {
                    if self.delta(u, t) < -1e-9 && self.removable(u) {
                        self.apply(u, t);
                        clock += 1;
                        changed_at[r] = clock;
                        changed_at[t] = clock;
                        improved = true;
                        break;
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }

    /// Simulated annealing over boundary moves of `units`.
    fn anneal(&mut self, units: &[usize], moves: usize, rng: &mut Rng) {
        if units.is_empty() {
            return;
        }
        let t0 = 200.0f64;
        let mut to = Vec::new();
        for i in 0..moves {
            let temp = t0 * (1.0 - i as f64 / moves as f64).powi(2) + 1e-3;
            let u = units[rng.below(units.len())];
            self.moves(u, &mut to);
            if to.is_empty() {
                continue;
            }
            let r = to[rng.below(to.len())];
            let d = self.delta(u, r);
            if (d < 0.0 || rng.unit() < (-d / temp).exp()) && self.removable(u) {
                self.apply(u, r);
            }
        }
    }

    /// Grows regions from their seeds over the unassigned units: the
    /// lightest region takes its cheapest unassigned neighbour. With `cell`,
    /// a first phase keeps each region inside its seed's cell; the second
    /// lets them cross to units left over.
    fn grow(&mut self, seeds: &[(usize, usize)], cell: Option<&[usize]>) {
        let sub = self.sub;
        let mut frontier: Vec<Vec<usize>> = seeds.iter().map(|&(s, _)| vec![s]).collect();
        let phases: &[bool] = if cell.is_some() {
            &[true, false]
        } else {
            &[false]
        };
        // Load: the region's share of the households plus its share of the
        // ground, so that a region does not crawl along empty street strips
        // while its households stay the fewest.
        let total_h: f64 = sub.h.iter().sum::<f64>().max(1e-9);
        let total_a: f64 = sub.spread.iter().map(|s| s[0]).sum::<f64>().max(1e-9);
        let load = |st: &Self, r: usize| {
            (st.households[r] / total_h + st.spread[r][0] / total_a)
                .max(0.0)
                .to_bits()
        };
        for &restrict in phases {
            // Lightest region first (loads are non-negative, so their bits
            // order like them); ties by seed order.
            let mut heap: BinaryHeap<Reverse<(u64, usize)>> = (0..seeds.len())
                .map(|i| Reverse((load(self, seeds[i].1), i)))
                .collect();
            while let Some(Reverse((_, i))) = heap.pop() {
                let (s, r) = seeds[i];
                let mut best: Option<(f64, usize)> = None;
                let region = &self.region;
                let here = self.spread[r];
                let shape_now = self.shape_cost(here);
                frontier[i].retain(|&m| {
                    let mut open = false;
                    for &(v, c, _) in &sub.adj[m] {
                        if region[v] != NONE {
                            continue;
                        }
                        open = true;
                        if restrict && cell.is_some_and(|cl| cl[v] != cl[s]) {
                            continue;
                        }
                        // The link kept inside, and the region's spread.
                        let score = c + self.shape_cost(plus(here, sub.spread[v])) - shape_now
                            + 0.001 * sub.dist(v, s);
                        if best.is_none_or(|(b, bv)| score < b || (score == b && v < bv)) {
                            best = Some((score, v));
                        }
                    }
                    open
                });
                // No unassigned neighbour (in its cell): stuck for this phase.
                if let Some((_, v)) = best {
                    self.put(v, r);
                    frontier[i].push(v);
                    heap.push(Reverse((load(self, r), i)));
                }
            }
        }
    }
}

/// Seeds by farthest-point sampling among `members`, from `first`.
fn farthest_seeds(sub: &Sub, members: &[usize], first: usize, k: usize) -> Vec<usize> {
    let mut seeds = vec![first];
    let mut near: Vec<f64> = members.iter().map(|&m| sub.dist(m, first)).collect();
    while seeds.len() < k.min(members.len()) {
        let (i, _) = near
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
            .expect("members");
        let s = members[i];
        seeds.push(s);
        for (j, &m) in members.iter().enumerate() {
            near[j] = near[j].min(sub.dist(m, s));
        }
    }
    seeds
}

/// The member with most households (lowest index on ties).
fn heaviest(sub: &Sub, members: &[usize]) -> usize {
    *members
        .iter()
        .max_by(|&&a, &&b| sub.h[a].total_cmp(&sub.h[b]).then(b.cmp(&a)))
        .expect("members")
}

fn solve_part(sub: &Sub, params: &Params, seed: u64) -> Vec<usize> {
    let n = sub.len();
    let total: f64 = sub.h.iter().sum();
    if n <= 1 || total <= params.hi() {
        return vec![0; n];
    }
    // A unit above the band is a region of its own: anything added only
    // takes the region further out. The rest splits into the pieces these
    // units leave, each with its own count of regions.
    let big: Vec<bool> = sub.h.iter().map(|&h| h > params.hi()).collect();
    // Barrier cells: the pieces between major barriers. A cell that cannot
    // reach the band's floor joins the neighbouring cell it shares most
    // major border with; the major links left between these joined cells
    // are hard: no region crosses them.
    let (cell, cells) = sub.components(|u| big[u], |l| l < MAJOR);
    let joined = join_small_cells(sub, &cell, cells.len(), &big, params.lo());
    let hard = with_hard_links(sub, (&cell, &joined), &big, params.weights.border);
    let sub = &hard;
    // Growth from seeds per joined cell, so that regions start on one side
    // of every hard barrier.
    let area: Vec<usize> = (0..n)
        .map(|u| if big[u] { NONE } else { joined[cell[u]] })
        .collect();
    let movable: Vec<usize> = (0..n).filter(|&u| !big[u]).collect();
    // Independent starts (the first from the heaviest units, the others
    // from random ones); the cheapest wins. The search's end depends much
    // on where it starts, so one start alone leaves compactness to chance.
    // The starts run in parallel, each with its own generator; ties go to
    // the earlier start, so the result does not depend on the threads.
    use rayon::prelude::*;
    let run = |t: usize| {
        let mut rng = Rng(seed ^ (t as u64).wrapping_mul(0xA24B_AED4_963E_E407));
        let mut st = State::new(sub, params);
        for (u, _) in big.iter().enumerate().filter(|x| *x.1) {
            let r = st.new_region(true);
            st.put(u, r);
        }
        let jitter = (t > 0).then_some(&mut rng);
        let seeds = place_seeds(&mut st, &big, &area, jitter);
        st.grow(&seeds, Some(&area));
        // A piece is connected and holds a seed, so growth reaches every unit.
        debug_assert!(st.region.iter().all(|&r| r != NONE));
        improve(&mut st, &movable, &cell, &mut rng);
        (rank(&st, seeds.len()), t, st, rng)
    };
    let best = (0..params.starts.max(1))
        .into_par_iter()
        .map(run)
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let (_, _, mut st, mut rng) = best.expect("one start at least");
    // The pair re-cuts, the dearest step, polish the winner only.
    reshape_pairs(&mut st, &mut rng);
    st.descend(&movable);
    repair(&mut st, &mut rng, None);
    st.descend(&movable);
    renumbered(&st)
}

/// How a finished start ranks (lower is better): regions outside the band
/// first, then how far the count strays from the `called` one (the
/// households' own count: fewer, larger regions are no better plan), then
/// the cost.
fn rank(st: &State, called: usize) -> (usize, usize, u64) {
    let live = (0..st.count()).filter(|&r| st.size[r] > 0 && !st.fixed[r]);
    let out = live.clone().filter(|&r| !st.in_band(r)).count();
    let cost = st.total();
    // Costs are finite; shifted bits of a non-negative order like it.
    let key = if cost >= 0.0 {
        cost.to_bits() | (1 << 63)
    } else {
        !cost.to_bits()
    };
    (out, live.count().abs_diff(called), key)
}

/// Seeds for the regions: in each joined cell (`area` of each unit) as many
/// as its households call for, far apart; one in any piece left without.
fn place_seeds(
    st: &mut State,
    big: &[bool],
    area: &[usize],
    mut jitter: Option<&mut Rng>,
) -> Vec<(usize, usize)> {
    let (sub, params) = (st.sub, st.params);
    let (piece, pieces) = sub.components(|u| big[u], |_| true);
    let mut members_of: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for u in (0..sub.len()).filter(|&u| !big[u]) {
        members_of.entry(area[u]).or_default().push(u);
    }
    let mut seeds: Vec<(usize, usize)> = Vec::new();
    let mut seeded = vec![false; pieces.len()];
    for members in members_of.values() {
        let h: f64 = members.iter().map(|&u| sub.h[u]).sum();
        let k = region_count(h.round() as u64, params.target, params.tolerance);
        let first = match jitter.as_deref_mut() {
            Some(rng) => members[rng.below(members.len())],
            None => heaviest(sub, members),
        };
        for s in farthest_seeds(sub, members, first, k) {
            let r = st.new_region(false);
            st.put(s, r);
            seeds.push((s, r));
        }
        seeded[piece[members[0]]] = true;
    }
    for (pi, members) in pieces.iter().enumerate() {
        if !seeded[pi] {
            let s = heaviest(sub, members);
            let r = st.new_region(false);
            st.put(s, r);
            seeds.push((s, r));
        }
    }
    seeds
}

/// The search after growth. First phase, regions kept inside their barrier
/// cells: greedy descent, annealing, greedy descent (keeping the best),
/// then repair. Second phase, barriers at their real cost: a region may
/// now cross one where that brings it into the band.
fn improve(st: &mut State, movable: &[usize], cell: &[usize], rng: &mut Rng) {
    st.major = MAJOR_PHASE_COST;
    st.descend(movable);
    let best_cost = st.total();
    let best = st.region.clone();
    // The moves are shared among the starts.
    let moves = st.params.effort * movable.len() / st.params.starts.max(1);
    if moves > 0 {
        st.anneal(movable, moves, rng);
        st.descend(movable);
        if st.total() >= best_cost {
            st.region = best;
            recount(st);
        }
    }
    repair(st, rng, Some(cell));
    st.major = 0.0;
    st.descend(movable);
    repair(st, rng, None);
    st.descend(movable);
    merge_small(st);
}

/// Re-partitions every two neighbouring regions together, from scratch,
/// where that lowers the cost: what single-unit moves cannot reach when a
/// region's units hang together only through thin street strips (each one
/// then holds its region together and may not move).
fn reshape_pairs(st: &mut State, rng: &mut Rng) {
    let mut of: Vec<Vec<usize>> = vec![Vec::new(); st.count()];
    for u in 0..st.sub.len() {
        of[st.region[u]].push(u);
    }
    let mut map = vec![NONE; st.sub.len()];
    for r in 0..st.count() {
        if st.fixed[r] {
            continue;
        }
        for s in neighbour_regions(st, &of, r) {
            // An earlier regrouping may have taken r away from s.
            if s < r || of[r].is_empty() || of[s].is_empty() {
                continue;
            }
            if neighbour_regions(st, &of, r).binary_search(&s).is_err() {
                continue;
            }
            if let Some(c) = best_regrouping(st, &of, &[vec![r, s]], (None, true), rng, &mut map) {
                apply_regrouping(st, &mut of, c);
            }
        }
    }
}

/// The surviving regions numbered 0.. in order of first member.
fn renumbered(st: &State) -> Vec<usize> {
    let mut map = vec![NONE; st.count()];
    let mut next = 0;
    (0..st.sub.len())
        .map(|u| {
            let r = st.region[u];
            if map[r] == NONE {
                map[r] = next;
                next += 1;
            }
            map[r]
        })
        .collect()
}

/// Joins barrier cells (`cell[u]` of each unit, `count` cells) until every
/// joined cell reaches `lo` households or has no neighbour: the smallest
/// first, with the neighbour it shares most major border with. Returns the
/// joined cell of each cell (named by its smallest cell).
fn join_small_cells(sub: &Sub, cell: &[usize], count: usize, big: &[bool], lo: f64) -> Vec<usize> {
    let mut root: Vec<usize> = (0..count).collect();
    fn find(root: &mut [usize], mut x: usize) -> usize {
        while root[x] != x {
            root[x] = root[root[x]];
            x = root[x];
        }
        x
    }
    let mut h = vec![0.0; count];
    // Border between cells, weighed by the links' inside cost (which grows
    // with their shared length).
    let mut border: std::collections::BTreeMap<(usize, usize), f64> = Default::default();
    for u in (0..sub.len()).filter(|&u| !big[u]) {
        h[cell[u]] += sub.h[u];
        for &(v, c, _) in &sub.adj[u] {
            if !big[v] && cell[u] < cell[v] {
                *border.entry((cell[u], cell[v])).or_insert(0.0) += c.abs() + 1e-9;
            }
        }
    }
    loop {
        let mut small: Vec<usize> = (0..count).filter(|&c| root[c] == c && h[c] < lo).collect();
        small.sort_by(|&a, &b| h[a].total_cmp(&h[b]).then(a.cmp(&b)));
        let mut merged = false;
        for c in small {
            if find(&mut root, c) != c || h[c] >= lo {
                continue;
            }
            let mut with: std::collections::BTreeMap<usize, f64> = Default::default();
            for (&(a, b), &w) in &border {
                let (ra, rb) = (find(&mut root, a), find(&mut root, b));
                if ra != rb && (ra == c || rb == c) {
                    *with.entry(if ra == c { rb } else { ra }).or_insert(0.0) += w;
                }
            }
            // A side with households first: a strip of water or a median
            // between two strong lines goes to the land beside it, and the
            // line in the middle stays a border.
            let best = with.into_iter().max_by(|x, y| {
                (h[x.0] > 0.0)
                    .cmp(&(h[y.0] > 0.0))
                    .then(x.1.total_cmp(&y.1))
                    .then(y.0.cmp(&x.0))
            });
            if let Some((o, _)) = best {
                let (keep, gone) = (c.min(o), c.max(o));
                root[gone] = keep;
                h[keep] = h[c] + h[o];
                merged = true;
            }
        }
        if !merged {
            break;
        }
    }
    (0..count).map(|c| find(&mut root, c)).collect()
}

/// `sub` with the major links between different joined cells made [`HARD`]
/// and those between two cells joined into one made [`JOINED`].
fn with_hard_links(
    sub: &Sub,
    (cell, joined): (&[usize], &[usize]),
    big: &[bool],
    border: f64,
) -> Sub {
    let adj = sub
        .adj
        .iter()
        .enumerate()
        .map(|(u, a)| {
            a.iter()
                .map(|&(v, c, l)| {
                    if l < MAJOR || big[u] || big[v] {
                        return (v, c, l);
                    }
                    if joined[cell[u]] != joined[cell[v]] {
                        return (v, c, HARD);
                    }
                    if cell[u] == cell[v] {
                        return (v, c, l);
                    }
                    // The link's length, from its cost (compounds aside).
                    let shared = c / (per_metre(l) - border);
                    (v, inside_cost(JOINED, shared, border), JOINED)
                })
                .collect()
        })
        .collect();
    Sub {
        h: sub.h.clone(),
        b: sub.b.clone(),
        xy: sub.xy.clone(),
        spread: sub.spread.clone(),
        adj,
    }
}

/// Recomputes the figures of every region from the assignment.
fn recount(st: &mut State) {
    for r in 0..st.count() {
        st.households[r] = 0.0;
        st.buildings[r] = 0;
        st.size[r] = 0;
        st.spread[r] = [0.0; 4];
    }
    for u in 0..st.sub.len() {
        let r = st.region[u];
        st.households[r] += st.sub.h[u];
        st.buildings[r] += st.sub.b[u];
        st.size[r] += 1;
        st.spread[r] = plus(st.spread[r], st.sub.spread[u]);
    }
}

/// Re-partitions `set` (connected units of `st`'s problem) into `k` regions
/// from scratch: seeded growth and descent, a few tries. Returns the cost
/// (regions plus inside links) and the region of each member of `set`.
fn recombine(
    st: &State,
    set: &[usize],
    k: usize,
    rng: &mut Rng,
    map: &mut [usize],
) -> (f64, Vec<usize>) {
    let p = st.params;
    if k <= 1 {
        let h: f64 = set.iter().map(|&u| st.sub.h[u]).sum();
        let b: u32 = set.iter().map(|&u| st.sub.b[u]).sum();
        let s = set.iter().fold([0.0; 4], |s, &u| plus(s, st.sub.spread[u]));
        let mut c = region_cost(p, h, b) + st.shape_cost(s);
        for &u in set {
            map[u] = 0;
        }
        for &u in set {
            for &(v, w, l) in &st.sub.adj[u] {
                if u < v && map[v] != NONE {
                    c += st.link(w, l);
                }
            }
        }
        for &u in set {
            map[u] = NONE;
        }
        return (c, vec![0; set.len()]);
    }
    let sub = st.sub.induced(set, map);
    let all: Vec<usize> = (0..sub.len()).collect();
    let mut best: Option<(f64, Vec<usize>)> = None;
    // One try when every unit is a region or nearly; else a few starts.
    let tries = if sub.len() <= k + 1 { 1 } else { TRIES };
    for t in 0..tries {
        let first = if t == 0 {
            heaviest(&sub, &all)
        } else {
            rng.below(sub.len())
        };
        let mut s = State::new(&sub, p);
        s.major = st.major;
        let mut seeds = Vec::new();
        for u in farthest_seeds(&sub, &all, first, k) {
            let r = s.new_region(false);
            s.put(u, r);
            seeds.push((u, r));
        }
        s.grow(&seeds, None);
        s.descend(&all);
        let c = s.total();
        if best.as_ref().is_none_or(|(b, _)| c < *b - 1e-9) {
            best = Some((c, s.region));
        }
    }
    best.expect("one try at least")
}

/// A re-partition the repair may apply: gain, units, the regions they were
/// in, and the new (0-based) region of each unit.
type Candidate = (f64, Vec<usize>, Vec<usize>, Vec<usize>);

/// Merge-split repair: each region outside the band is re-partitioned on
/// its own, with one neighbour, or with two (a neighbour and a neighbour
/// of either), into as many regions as their households call for (±1),
/// whenever that lowers the cost. This escapes what single-unit moves
/// cannot: a region walled off from households, or units too coarse to
/// shift a few households across one border.
fn repair(st: &mut State, rng: &mut Rng, cell: Option<&[usize]>) {
    let mut of: Vec<Vec<usize>> = vec![Vec::new(); st.count()];
    for u in 0..st.sub.len() {
        of[st.region[u]].push(u);
    }
    let mut map = vec![NONE; st.sub.len()];
    for _ in 0..4 {
        let mut bad: Vec<(f64, usize)> = (0..st.count())
            .filter(|&r| st.size[r] > 0 && !st.fixed[r] && !st.in_band(r))
            .map(|r| (st.cost_of(r), r))
            .collect();
        bad.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut changed = false;
        for (_, a) in bad {
            if st.size[a] == 0 || st.in_band(a) {
                continue;
            }
            let nbrs = neighbour_regions(st, &of, a);
            // Groups of regions to re-partition: alone and in pairs first;
            // triples only when no pair helps.
            let pairs: Vec<Vec<usize>> = std::iter::once(vec![a])
                .chain(nbrs.iter().map(|&b| vec![a, b]))
                .collect();
            let mut best = best_regrouping(st, &of, &pairs, (cell, false), rng, &mut map);
            if best.is_none() {
                let triples = triples_around(st, &of, a, &nbrs);
                best = best_regrouping(st, &of, &triples, (cell, false), rng, &mut map);
            }
            if let Some(candidate) = best {
                apply_regrouping(st, &mut of, candidate);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// The regions next to region `a` (not fixed ones), sorted.
fn neighbour_regions(st: &State, of: &[Vec<usize>], a: usize) -> Vec<usize> {
    let mut v: Vec<usize> = of[a]
        .iter()
        .flat_map(|&u| st.sub.adj[u].iter().map(|&(v, _, _)| st.region[v]))
        .filter(|&r| r != a && !st.fixed[r])
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Region `a` with two of its neighbours, or with a neighbour and a
/// neighbour of that one; each group once.
fn triples_around(st: &State, of: &[Vec<usize>], a: usize, nbrs: &[usize]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, &b) in nbrs.iter().enumerate() {
        for &c in &nbrs[i + 1..] {
            groups.push(vec![a, b, c]);
        }
        for c in neighbour_regions(st, of, b) {
            if c != a && nbrs.binary_search(&c).is_err() {
                groups.push(vec![a, b, c]);
            }
        }
    }
    for g in groups.iter_mut() {
        g[1..].sort_unstable();
    }
    groups.sort();
    groups.dedup();
    groups
}

/// The re-partition of one of `groups` (into as many regions as their
/// households call for, ±1; with `keep_count`, as many as the group has)
/// that lowers the cost most, if any does. With `cell`, only groups inside
/// one cell.
fn best_regrouping(
    st: &State,
    of: &[Vec<usize>],
    groups: &[Vec<usize>],
    (cell, keep_count): (Option<&[usize]>, bool),
    rng: &mut Rng,
    map: &mut [usize],
) -> Option<Candidate> {
    let mut best: Option<Candidate> = None;
    for old in groups {
        let set: Vec<usize> = old.iter().flat_map(|&r| of[r].iter().copied()).collect();
        // Within cells first: a group across cells would only pay the
        // phase's barrier cost.
        if let Some(cl) = cell
            && set.iter().any(|&u| cl[u] != cl[set[0]])
        {
            continue;
        }
        let before: f64 = old.iter().map(|&r| st.cost_of(r)).sum::<f64>() + st.inside(&set);
        let h: f64 = old.iter().map(|&r| st.households[r]).sum();
        let mid = region_count(h.round() as u64, st.params.target, st.params.tolerance);
        let counts = if keep_count {
            old.len()..=old.len()
        } else {
            mid.saturating_sub(1).max(1)..=mid + 1
        };
        for k in counts {
            if k > set.len() || (old.len() == 1 && k == 1) {
                continue;
            }
            let (c, assign) = recombine(st, &set, k, rng, map);
            let gain = before - c;
            if gain > 1e-6 && best.as_ref().is_none_or(|x| gain > x.0 + 1e-9) {
                best = Some((gain, set.clone(), old.clone(), assign));
            }
        }
    }
    best
}

/// Puts the units of a re-partition into their new regions (the old ones
/// reused, new ones made as needed).
fn apply_regrouping(st: &mut State, of: &mut Vec<Vec<usize>>, (_, set, old, assign): Candidate) {
    let k = assign.iter().max().map_or(0, |m| m + 1);
    let mut ids = old;
    while ids.len() < k {
        ids.push(st.new_region(false));
        of.push(Vec::new());
    }
    for &r in &ids {
        st.households[r] = 0.0;
        st.buildings[r] = 0;
        st.size[r] = 0;
        st.spread[r] = [0.0; 4];
        of[r].clear();
    }
    for (i, &u) in set.iter().enumerate() {
        let r = ids[assign[i]];
        st.region[u] = NONE;
        st.put(u, r);
        of[r].push(u);
    }
    for &r in &ids {
        of[r].sort_unstable();
    }
}

/// Merges a region below the band into the neighbour where that lowers the
/// total cost (a region walled off from households cannot grow by moves).
/// Smallest regions first; passes repeat until nothing merges.
fn merge_small(st: &mut State) {
    let k = st.count();
    let lo = st.params.lo();
    let mut of: Vec<Vec<usize>> = vec![Vec::new(); k];
    for u in 0..st.sub.len() {
        of[st.region[u]].push(u);
    }
    loop {
        let mut small: Vec<usize> = (0..k)
            .filter(|&r| !of[r].is_empty() && st.households[r] < lo)
            .collect();
        small.sort_by(|&a, &b| {
            st.households[a]
                .total_cmp(&st.households[b])
                .then(a.cmp(&b))
        });
        let mut merged = false;
        for r in small {
            if of[r].is_empty() || st.households[r] >= lo {
                continue;
            }
            // Links between r and each neighbouring region.
            let mut between: Vec<(usize, f64)> = Vec::new();
            for &u in &of[r] {
                for &(v, c, l) in &st.sub.adj[u] {
                    let s = st.region[v];
                    let c = st.link(c, l);
                    if s != r {
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
            let tiny = st.households[r] < lo / 2.0;
            let mut best: Option<(f64, usize)> = None;
            for (s, c) in between {
                let merged = st.households[r] + st.households[s];
                if !(tiny || merged <= st.params.hi()) || c >= FORBIDDEN / 2.0 {
                    continue;
                }
                let d = region_cost(st.params, merged, st.buildings[r] + st.buildings[s])
                    + st.shape_cost(plus(st.spread[r], st.spread[s]))
                    - st.cost_of(r)
                    - st.cost_of(s)
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
            st.spread[s] = plus(st.spread[s], st.spread[r]);
            st.households[r] = 0.0;
            st.buildings[r] = 0;
            st.size[r] = 0;
            st.spread[r] = [0.0; 4];
            merged = true;
        }
        if !merged {
            return;
        }
    }
}
