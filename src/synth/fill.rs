//! Land use and buildings: each cell of the local grid becomes a park, a
//! school campus, shops or housing of a density type (high-rise towers of
//! 100+ households, mid-rise slabs, low-rise walk-ups, rural village
//! houses); buildings sit on a grid inside the cell, off the river, the
//! railway and the diagonals, and carry households that sum exactly to
//! their community's budget.

use super::lattice::LATTICE_M;
use super::layout::{CommunityPlan, Layout};
use super::rng::Rng;
use super::roads::Cell;
use crate::model::CommunityKind;

/// A density type of housing.
///
/// ```
/// use linli::synth::fill::Housing;
/// assert_ne!(Housing::Tower, Housing::Village);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Housing {
    /// High-rise tower, 100–240 households.
    Tower,
    /// Mid-rise slab, 24–72 households.
    MidRise,
    /// Low-rise walk-up, 4–16 households.
    LowRise,
    /// Rural village house, 1–3 households.
    Village,
}

/// (pitch x, pitch y, width, depth) in metres.
type Geom = (f64, f64, f64, f64);

/// A cell's index, housing type and building slots.
type Homes = (usize, Housing, Vec<(f64, f64)>);

impl Housing {
    /// Slot geometry, households range, levels range.
    fn spec(self) -> (Geom, (u64, u64), (u64, u64)) {
        match self {
            Housing::Tower => ((45.0, 45.0, 24.0, 18.0), (100, 240), (18, 33)),
            Housing::MidRise => ((60.0, 30.0, 45.0, 12.0), (24, 72), (6, 11)),
            Housing::LowRise => ((24.0, 22.0, 14.0, 10.0), (4, 16), (3, 5)),
            Housing::Village => ((22.0, 22.0, 11.0, 9.0), (1, 3), (2, 3)),
        }
    }
}

/// A building to write: centre and size in pre-warp metres.
///
/// ```
/// # use linli::synth::{layout::plan_layout, roads::plan_network, rng::Rng, River};
/// let rng = Rng::new(1);
/// let l = plan_layout(20_000, 9, 2, &rng);
/// let net = plan_network(&l, &River::new(&l, &rng), &rng);
/// let f = linli::synth::fill::fill(&l, &net.cells, &|_, _, _| false, &rng);
/// assert!(f.buildings.iter().any(|b| b.households >= 100));
/// ```
#[derive(Debug, Clone)]
pub struct BuildingPlan {
    /// Community index.
    pub community: usize,
    /// Centre, metres.
    pub centre: (f64, f64),
    /// Width, depth in metres.
    pub size: (f64, f64),
    /// Households (0 for schools and shops).
    pub households: u64,
    /// Storeys.
    pub levels: u64,
    /// `use`: residential, school, commercial.
    pub use_: &'static str,
}

/// A landmark or compound rectangle, metres.
///
/// ```
/// # use linli::synth::{layout::plan_layout, roads::plan_network, rng::Rng, River};
/// let rng = Rng::new(1);
/// let l = plan_layout(20_000, 9, 2, &rng);
/// let net = plan_network(&l, &River::new(&l, &rng), &rng);
/// let f = linli::synth::fill::fill(&l, &net.cells, &|_, _, _| false, &rng);
/// assert!(f.compounds.iter().all(|c| c.rect[0] < c.rect[1]));
/// ```
#[derive(Debug, Clone)]
pub struct AreaPlan {
    /// Community index.
    pub community: usize,
    /// West, east, south, north in metres.
    pub rect: [f64; 4],
    /// park / school (landmarks) or resettlement / commodity (compounds).
    pub class: &'static str,
}

/// What the land holds.
///
/// ```
/// # use linli::synth::{layout::plan_layout, roads::plan_network, rng::Rng, River};
/// let rng = Rng::new(1);
/// let l = plan_layout(20_000, 9, 2, &rng);
/// let net = plan_network(&l, &River::new(&l, &rng), &rng);
/// let f = linli::synth::fill::fill(&l, &net.cells, &|_, _, _| false, &rng);
/// assert_eq!(f.buildings.iter().map(|b| b.households).sum::<u64>(), 20_000);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Filled {
    /// Buildings, community by community.
    pub buildings: Vec<BuildingPlan>,
    /// Parks and school campuses.
    pub landmarks: Vec<AreaPlan>,
    /// Residential compounds.
    pub compounds: Vec<AreaPlan>,
}

fn rect_m(c: &Cell) -> [f64; 4] {
    c.rect.map(|v| v as f64 * LATTICE_M)
}

/// Slot centres of size `(w, d)` at pitch `(px, py)` inside `r` inset by `inset`.
fn slots(r: [f64; 4], inset: f64, (px, py, w, d): Geom) -> Vec<(f64, f64)> {
    let (x0, x1, y0, y1) = (r[0] + inset, r[1] - inset, r[2] + inset, r[3] - inset);
    if x1 - x0 < w || y1 - y0 < d {
        return Vec::new();
    }
    let nx = ((x1 - x0 - w) / px).floor() as usize + 1;
    let ny = ((y1 - y0 - d) / py).floor() as usize + 1;
    let sx = x0 + w / 2.0 + (x1 - x0 - w - (nx - 1) as f64 * px) / 2.0;
    let sy = y0 + d / 2.0 + (y1 - y0 - d - (ny - 1) as f64 * py) / 2.0;
    let mut out = Vec::with_capacity(nx * ny);
    for j in 0..ny {
        for i in 0..nx {
            out.push((sx + i as f64 * px, sy + j as f64 * py));
        }
    }
    out
}

/// Fills every community's cells; `blocked(x, y, r)` says a disc of radius
/// `r` at `(x, y)` touches the river, the railway or a diagonal.
///
/// ```
/// # use linli::synth::{fill::fill, layout::plan_layout, roads::plan_network, rng::Rng, River};
/// let rng = Rng::new(1);
/// let l = plan_layout(5_000, 4, 1, &rng);
/// let net = plan_network(&l, &River::new(&l, &rng), &rng);
/// let f = fill(&l, &net.cells, &|_, _, _| false, &rng);
/// assert_eq!(f.buildings.iter().map(|b| b.households).sum::<u64>(), 5_000);
/// ```
pub fn fill(
    layout: &Layout,
    cells: &[Cell],
    blocked: &dyn Fn(f64, f64, f64) -> bool,
    rng: &Rng,
) -> Filled {
    let mut out = Filled::default();
    let mut start = 0;
    for c in &layout.communities {
        let mut r = rng.fork(3).fork(c.index as u64);
        // Cells come community by community.
        let end = start
            + cells[start..]
                .iter()
                .take_while(|x| x.community == c.index)
                .count();
        let mine = &cells[start..end];
        start = end;
        let mut homes = land_use(c, mine, blocked, &mut r, &mut out);
        thin_slots(&mut homes, c.households, &mut r);
        r.shuffle(&mut homes);
        let (placed, left) = house(c, mine, &homes, &mut r, &mut out);
        spread_remainder(c, placed, left, &mut out);
    }
    out
}

/// Gives each of a community's cells its use: one school campus (in
/// communities of four cells or more), parks, shops, rural farmland, and
/// housing; pushes the non-housing ones and returns the housing cells with
/// their building slots.
fn land_use(
    c: &CommunityPlan,
    mine: &[Cell],
    blocked: &dyn Fn(f64, f64, f64) -> bool,
    r: &mut Rng,
    out: &mut Filled,
) -> Vec<Homes> {
    let school = if mine.len() >= 4 {
        Some(r.between(0, mine.len() as u64 - 1) as usize)
    } else {
        None
    };
    let mut homes: Vec<Homes> = Vec::new();
    for (k, cell) in mine.iter().enumerate() {
        let rm = rect_m(cell);
        let roll = r.unit();
        let rural = c.kind == CommunityKind::Rural;
        if Some(k) == school {
            school_campus(c.index, rm, blocked, out);
            continue;
        }
        if !rural && roll < 0.05 {
            let [x0, x1, y0, y1] = rm;
            out.landmarks.push(AreaPlan {
                community: c.index,
                rect: [x0 + 10.0, x1 - 10.0, y0 + 10.0, y1 - 10.0],
                class: "park",
            });
            continue;
        }
        if (!rural && roll < 0.13) || (rural && roll < 0.03) {
            shops(c.index, rm, blocked, out);
            continue;
        }
        if rural && roll < 0.15 {
            continue; // farmland
        }
        let housing = housing_type(c, r.unit());
        let (geom, _, _) = housing.spec();
        let half = geom.2.hypot(geom.3) / 2.0;
        let s: Vec<(f64, f64)> = slots(rm, 14.0, geom)
            .into_iter()
            .filter(|&(x, y)| !blocked(x, y, half + 4.0))
            .collect();
        if !s.is_empty() {
            homes.push((k, housing, s));
        }
    }
    homes
}

/// A school campus on cell `rm` with its teaching building in the middle.
fn school_campus(
    community: usize,
    rm: [f64; 4],
    blocked: &dyn Fn(f64, f64, f64) -> bool,
    out: &mut Filled,
) {
    let [x0, x1, y0, y1] = rm;
    out.landmarks.push(AreaPlan {
        community,
        rect: [x0 + 10.0, x1 - 10.0, y0 + 10.0, y1 - 10.0],
        class: "school",
    });
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    if !blocked(cx, cy, 35.0) {
        out.buildings.push(BuildingPlan {
            community,
            centre: (cx, cy),
            size: (50.0, 16.0),
            households: 0,
            levels: 4,
            use_: "school",
        });
    }
}

/// Shops on cell `rm`: every third slot of a 30 × 25 m grid.
fn shops(
    community: usize,
    rm: [f64; 4],
    blocked: &dyn Fn(f64, f64, f64) -> bool,
    out: &mut Filled,
) {
    for (i, (x, y)) in slots(rm, 12.0, (30.0, 25.0, 20.0, 14.0))
        .into_iter()
        .enumerate()
    {
        if i % 3 == 0 && !blocked(x, y, 20.0) {
            out.buildings.push(BuildingPlan {
                community,
                centre: (x, y),
                size: (20.0, 14.0),
                households: 0,
                levels: 2,
                use_: "commercial",
            });
        }
    }
}

/// The housing of a residential cell by community kind and ring (`t` a
/// uniform draw): towers near the centre and in resettlement communities.
fn housing_type(c: &CommunityPlan, t: f64) -> Housing {
    match c.kind {
        CommunityKind::Rural => Housing::Village,
        CommunityKind::Resettlement if t < 0.7 => Housing::Tower,
        CommunityKind::Resettlement => Housing::MidRise,
        CommunityKind::Urban if c.zone < 0.4 && t < 0.6 => Housing::Tower,
        CommunityKind::Urban if c.zone < 0.4 => Housing::MidRise,
        CommunityKind::Urban if t < 0.1 => Housing::Tower,
        CommunityKind::Urban if t < 0.7 => Housing::MidRise,
        CommunityKind::Urban => Housing::LowRise,
    }
}

/// Thins the slots to about the budget (1.2 × `households` of capacity), so
/// every housing cell is lived in; each keeps at least one slot.
fn thin_slots(homes: &mut [Homes], households: u64, r: &mut Rng) {
    let capacity: f64 = homes
        .iter()
        .map(|(_, h, s)| {
            let (_, (lo, hi), _) = h.spec();
            s.len() as f64 * (lo + hi) as f64 / 2.0
        })
        .sum();
    let keep = if capacity > 0.0 {
        (1.2 * households as f64 / capacity).min(1.0)
    } else {
        1.0
    };
    for (_, _, s) in homes.iter_mut() {
        let kept: Vec<(f64, f64)> = s.iter().copied().filter(|_| r.chance(keep)).collect();
        if !kept.is_empty() {
            *s = kept;
        } else {
            s.truncate(1);
        }
    }
}

/// Households drawn per building, cell by cell, until the community's
/// budget is met (a last draw below the type's range goes to the previous
/// building); a cell of two or more (non-rural) buildings is a compound.
/// Returns the residential buildings placed and the households left.
fn house(
    c: &CommunityPlan,
    mine: &[Cell],
    homes: &[Homes],
    r: &mut Rng,
    out: &mut Filled,
) -> (Vec<usize>, u64) {
    let first = out.buildings.len();
    let mut left = c.households;
    let mut placed: Vec<usize> = Vec::new();
    'cells: for (k, housing, s) in homes {
        let (geom, (lo, hi), (llo, lhi)) = housing.spec();
        let mut mine_in_cell = 0;
        for &(x, y) in s {
            if left == 0 {
                break 'cells;
            }
            let draw = r.between(lo, hi).min(left);
            if draw < lo && !placed.is_empty() {
                let last = *placed.last().unwrap_or(&first);
                out.buildings[last].households += draw;
                left = 0;
                break 'cells;
            }
            left -= draw;
            placed.push(out.buildings.len());
            out.buildings.push(BuildingPlan {
                community: c.index,
                centre: (x, y),
                size: (geom.2, geom.3),
                households: draw,
                levels: r.between(llo, lhi),
                use_: "residential",
            });
            mine_in_cell += 1;
        }
        if mine_in_cell >= 2 && c.kind != CommunityKind::Rural {
            let [x0, x1, y0, y1] = rect_m(&mine[*k]);
            out.compounds.push(AreaPlan {
                community: c.index,
                rect: [x0 + 6.0, x1 - 6.0, y0 + 6.0, y1 - 6.0],
                class: if c.kind == CommunityKind::Resettlement {
                    "resettlement"
                } else {
                    "commodity"
                },
            });
        }
    }
    (placed, left)
}

/// Spreads the households `left` evenly over the buildings `placed` (one
/// building in the community's middle when there was no room anywhere), so
/// the community holds its budget exactly.
fn spread_remainder(c: &CommunityPlan, mut placed: Vec<usize>, left: u64, out: &mut Filled) {
    if left == 0 {
        return;
    }
    if placed.is_empty() {
        let [x0, x1, y0, y1] = c.rect.map(|v| v as f64 * LATTICE_M);
        placed.push(out.buildings.len());
        out.buildings.push(BuildingPlan {
            community: c.index,
            centre: ((x0 + x1) / 2.0 + 7.0, (y0 + y1) / 2.0 + 7.0),
            size: (10.0, 8.0),
            households: 0,
            levels: 3,
            use_: "residential",
        });
    }
    let n = placed.len() as u64;
    for (i, &b) in placed.iter().enumerate() {
        out.buildings[b].households += left / n + u64::from((i as u64) < left % n);
    }
}
