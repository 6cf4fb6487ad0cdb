//! Audit of an existing neighborhood grid: what is wrong with the grid a
//! district already has, neighborhood by neighborhood and per community.
//!
//! The grid is laid on the barrier network ([`grid::grid_blocks`]), so every
//! figure comes from the same blocks and buildings as the partition: gaps and
//! overlaps as exact pieces with their households, the part of each polygon
//! in each community, buildings cut by a border ([`cut`]), and what the
//! borders run along ([`border`]).

pub mod border;
pub mod crossing;
pub mod cut;
pub mod grid;

use crate::config::Config;
use crate::error::Problem;
use crate::model::{CommunityKind, Parcel, Scenario};
use crate::staffing::{Status, assess};
use border::{BarrierIndex, BorderLengths};
use cut::CutBuilding;
use geo::{Area, Euclidean, Length};
use grid::{GridBlocks, Piece};
use serde::Serialize;
use std::collections::BTreeMap;

/// Flags that make a neighborhood non-compliant (the building-count and
/// cut-building flags are advice: the seeds' 3–10 rule is soft).
pub const HARD_FLAGS: [&str; 8] = [
    "above_band",
    "below_band",
    "multi_part",
    "overlap",
    "crosses_community_border",
    "outside_community",
    "crosses_strong_barrier",
    "empty",
];

pub use crate::model::BAND_EPS;

/// The figures of one grid neighborhood as drawn.
#[derive(Debug, Clone, Serialize)]
pub struct GridFigures {
    /// Its id in the grid layer.
    pub id: String,
    /// The community holding most of its area (`None`: outside them all).
    #[serde(skip)]
    pub community: Option<usize>,
    /// Area in each community it reaches (community index, m²).
    #[serde(skip)]
    pub community_areas: Vec<(usize, f64)>,
    /// Area outside every community, m².
    pub outside_m2: f64,
    /// Area as drawn, m².
    pub area_m2: f64,
    /// Households of the buildings inside it.
    pub households: u64,
    /// Households the layer itself gives, when it does.
    pub declared_households: Option<u64>,
    /// Buildings inside it.
    pub buildings: usize,
    /// Buildings with households.
    pub residential_buildings: usize,
    /// Households estimated from footprints.
    pub estimated_households: u64,
    /// The target of its community's kind.
    pub target: u32,
    /// households / target − 1.
    pub deviation: f64,
    /// Polygon parts larger than a sliver.
    pub parts: usize,
    /// 4πA / P² of the polygon as drawn.
    pub polsby_popper: f64,
    /// What its border runs along.
    pub border: BorderLengths,
    /// Share of its border (community border excluded) along a barrier.
    pub barrier_share: f64,
    /// Other neighborhoods it overlaps (grid index, m²), slivers excluded.
    #[serde(skip)]
    pub overlaps: Vec<(usize, f64)>,
    /// Buildings its border cuts.
    pub cut_buildings: usize,
    /// The strong barrier (water, rail, road) it straddles with homes on
    /// both sides ([`crossing`]); empty when none.
    pub crossed_barrier: String,
    /// What is wrong (see [`HARD_FLAGS`]) or worth a look.
    pub flags: Vec<String>,
    /// No hard flag.
    pub compliant: bool,
}

/// Audit figures of a community (or of everything, `id` = "all").
#[derive(Debug, Clone, Default, Serialize)]
pub struct CommunityAudit {
    /// Community id, or "all".
    pub id: String,
    /// Street.
    pub street: String,
    /// Grid neighborhoods whose main community this is.
    pub neighborhoods: usize,
    /// Of those, compliant.
    pub compliant: usize,
    /// Of those, within the household band (single buildings above it
    /// included: they cannot be split).
    pub within_band: usize,
    /// Share within the band.
    pub share_within_band: f64,
    /// Neighborhoods in more than one part.
    pub multi_part: usize,
    /// Neighborhoods reaching into another community or outside them all.
    pub crossing_border: usize,
    /// Neighborhoods straddling a strong barrier without need.
    pub crossing_strong_barrier: usize,
    /// Households of the community's buildings.
    pub households: u64,
    /// Households in gaps (held by no neighborhood).
    pub households_in_gaps: u64,
    /// Households in overlaps (counted by two or more neighborhoods).
    pub households_in_overlaps: u64,
    /// Real gaps.
    pub gaps: usize,
    /// Their area, m².
    pub gap_m2: f64,
    /// Real overlaps.
    pub overlaps: usize,
    /// Their area, m².
    pub overlap_m2: f64,
    /// Gaps and overlaps that are digitizing slivers.
    pub slivers: usize,
    /// Buildings cut by a neighborhood border.
    pub cut_buildings: usize,
    /// Length-weighted share of borders along a barrier.
    pub barrier_share: f64,
    /// Mean Polsby-Popper.
    pub mean_polsby_popper: f64,
    /// Social workers (`None`: no data).
    pub workers: Option<u32>,
    /// Neighborhoods per worker.
    pub neighborhoods_per_worker: Option<f64>,
    /// Against the 2–3 standard.
    pub staffing: Option<Status>,
}

/// An audit of a grid.
#[derive(Debug, Clone)]
pub struct Audit {
    /// The grid on the barrier network.
    pub grid: GridBlocks,
    /// One entry per grid polygon, in input order.
    pub neighborhoods: Vec<GridFigures>,
    /// Gaps inside communities.
    pub gaps: Vec<Piece>,
    /// Overlaps between neighborhoods.
    pub overlaps: Vec<Piece>,
    /// Buildings whose footprint a border cuts.
    pub cut: Vec<CutBuilding>,
    /// Per community, in input order.
    pub communities: Vec<CommunityAudit>,
    /// Over every community.
    pub overall: CommunityAudit,
}

fn round(v: f64, d: i32) -> f64 {
    let m = 10f64.powi(d);
    // + 0.0: an empty sum is −0.0, which reads oddly in a summary.
    (v * m).round() / m + 0.0
}

/// The grid's neighborhoods as coverage counts them, without
/// re-partitioning: each building in every grid polygon holding its block
/// (an overlap's buildings count in each, as the audit's households do;
/// a gap's in none), the polygons' ids and areas as drawn.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use linli::model::*;
/// let sq = |x0: f64, x1: f64| MultiPolygon(vec![polygon![(x: x0, y: 0.0), (x: x1, y: 0.0), (x: x1, y: 100.0), (x: x0, y: 100.0)]]);
/// let home = |x: f64| Building { id: format!("h{x}"), footprint: None, location: geo::point!(x: x, y: 50.0),
///     households: 10, estimated: false, use_: "residential".into() };
/// let s = Scenario { communities: vec![Community { id: "C".into(), name: "C".into(), street: "S".into(),
///     kind: CommunityKind::Urban, social_workers: None, area: sq(0.0, 100.0) }],
///     buildings: vec![home(20.0), home(55.0), home(95.0)], ..Default::default() };
/// // A overlaps B between 50 and 60; nothing holds 90–100.
/// let grid = vec![Parcel { id: "A".into(), area: sq(0.0, 60.0), households: None },
///                 Parcel { id: "B".into(), area: sq(50.0, 90.0), households: None }];
/// let a = linli::audit::audit(&s, &grid, &linli::config::Config::default()).unwrap();
/// let nb = linli::audit::coverage_groups(&a, &grid, s.buildings.len());
/// assert_eq!(nb.ids, vec!["A", "B"]);
/// assert_eq!(nb.building, vec![Some(0), Some(0), None]);
/// assert_eq!(nb.also, vec![(1, 1)]);
/// ```
pub fn coverage_groups(
    a: &Audit,
    grid: &[Parcel],
    buildings: usize,
) -> crate::coverage::report::Neighborhoods {
    let mut building = vec![None; buildings];
    let mut also = Vec::new();
    for (blk, holders) in a.grid.set.blocks.iter().zip(&a.grid.holders) {
        for &b in blk.buildings.iter().filter(|&&b| b < buildings) {
            for (k, &g) in holders.iter().enumerate() {
                if k == 0 {
                    building[b] = Some(g);
                } else {
                    also.push((b, g));
                }
            }
        }
    }
    also.sort_unstable();
    crate::coverage::report::Neighborhoods {
        ids: grid.iter().map(|p| p.id.clone()).collect(),
        building,
        areas: grid.iter().map(|p| p.area.clone()).collect(),
        also,
    }
}

/// Audits `grid` against the scenario's communities, buildings and barriers.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use linli::model::*;
/// let sq = |x0: f64, x1: f64| MultiPolygon(vec![polygon![(x: x0, y: 0.0), (x: x1, y: 0.0), (x: x1, y: 100.0), (x: x0, y: 100.0)]]);
/// let home = |x: f64| Building { id: format!("h{x}"), footprint: None, location: geo::point!(x: x, y: 50.0),
///     households: 60, estimated: false, use_: "residential".into() };
/// let s = Scenario {
///     communities: vec![Community { id: "C".into(), name: "C".into(), street: "S".into(),
///         kind: CommunityKind::Urban, social_workers: Some(1), area: sq(0.0, 100.0) }],
///     buildings: (0..10).map(|i| home(5.0 + 10.0 * i as f64)).collect(),
///     ..Default::default()
/// };
/// // A grid of one neighborhood that leaves the east 10 m uncovered.
/// let grid = vec![Parcel { id: "N1".into(), area: sq(0.0, 90.0), households: None }];
/// let a = linli::audit::audit(&s, &grid, &linli::config::Config::default()).unwrap();
/// assert_eq!(a.neighborhoods[0].households, 540);
/// assert_eq!(a.neighborhoods[0].flags, vec!["above_band"]);
/// assert_eq!(a.gaps.len(), 1);
/// assert_eq!(a.gaps[0].households, 60);
/// ```
pub fn audit(scenario: &Scenario, grid: &[Parcel], config: &Config) -> Result<Audit, Vec<Problem>> {
    let b = &config.barriers;
    let g = grid::grid_blocks(scenario, grid, &[], b.snap_tolerance_m, b.community)?;
    Ok(audit_on(scenario, grid, config, g))
}

/// [`audit`] on a grid already laid on the network.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use linli::model::*;
/// let sq = |x0: f64, x1: f64| MultiPolygon(vec![polygon![(x: x0, y: 0.0), (x: x1, y: 0.0), (x: x1, y: 100.0), (x: x0, y: 100.0)]]);
/// let s = Scenario { communities: vec![Community { id: "C".into(), name: "C".into(), street: "S".into(),
///     kind: CommunityKind::Urban, social_workers: None, area: sq(0.0, 100.0) }], ..Default::default() };
/// let grid = vec![Parcel { id: "N".into(), area: sq(0.0, 100.0), households: None }];
/// let g = linli::audit::grid::grid_blocks(&s, &grid, &[], 0.05, 5).unwrap();
/// let a = linli::audit::audit_on(&s, &grid, &linli::config::Config::default(), g);
/// assert_eq!(a.neighborhoods[0].flags, vec!["empty", "few_buildings"]);
/// ```
pub fn audit_on(scenario: &Scenario, grid: &[Parcel], config: &Config, g: GridBlocks) -> Audit {
    let st = &config.audit;
    let (gaps, overlaps) = grid::gaps_and_overlaps(&g.set, &g.holders, st);
    let cut = cut::cut_buildings(scenario, grid, &g, st.sliver_m2.max(0.5));
    let ctx = Drawn {
        scenario,
        config,
        main: main_communities(&g, grid.len()),
        tallies: tally_blocks(scenario, &g, grid.len()),
        overlap_with: overlap_areas(&overlaps, grid.len()),
        cut_count: cut_counts(&cut, grid.len()),
        index: BarrierIndex::new(
            &scenario.barriers,
            &scenario.communities,
            st.border_distance_m,
        ),
        snapped_area_m2: g.snapped_area_m2.clone(),
        crossed: crossing::crossings(scenario, &g.set, &g.holders, grid.len(), config),
        grid,
        communities: std::sync::OnceLock::new(),
        community_households: {
            let mut h = vec![0u64; scenario.communities.len()];
            for b in &g.set.blocks {
                h[b.community] += b.households;
            }
            h
        },
    };
    let neighborhoods: Vec<GridFigures> = grid
        .iter()
        .enumerate()
        .map(|(i, p)| grid_figures(&ctx, i, p))
        .collect();
    let found = Found {
        g: &g,
        figures: &neighborhoods,
        gaps: &gaps,
        overlaps: &overlaps,
        cut: &cut,
    };
    let communities: Vec<CommunityAudit> = (0..scenario.communities.len())
        .map(|c| summarize(scenario, config, &found, Some(c)))
        .collect();
    let overall = summarize(scenario, config, &found, None);
    Audit {
        grid: g,
        neighborhoods,
        gaps,
        overlaps,
        cut,
        communities,
        overall,
    }
}

/// What each grid polygon holds, from the blocks it holds.
struct Tallies {
    households: Vec<u64>,
    estimated: Vec<u64>,
    buildings: Vec<usize>,
    /// Buildings with households.
    homes: Vec<usize>,
    /// Of those, single-household ones.
    singles: Vec<usize>,
    /// Area in each community (community → m²).
    areas: Vec<BTreeMap<usize, f64>>,
}

/// Households, buildings and areas of each of the `n` grid polygons.
fn tally_blocks(scenario: &Scenario, g: &GridBlocks, n: usize) -> Tallies {
    let mut t = Tallies {
        households: vec![0; n],
        estimated: vec![0; n],
        buildings: vec![0; n],
        homes: vec![0; n],
        singles: vec![0; n],
        areas: vec![BTreeMap::new(); n],
    };
    for (bi, blk) in g.set.blocks.iter().enumerate() {
        for &h in &g.holders[bi] {
            t.households[h] += blk.households;
            t.estimated[h] += blk.estimated_households;
            t.buildings[h] += blk.buildings.len();
            let (m, s1) = crate::config::Targets::home_counts(
                blk.buildings
                    .iter()
                    .map(|&i| scenario.buildings[i].households),
            );
            t.homes[h] += m + s1;
            t.singles[h] += s1;
            *t.areas[h].entry(blk.community).or_insert(0.0) += blk.area;
        }
    }
    t
}

/// For each of the `n` grid polygons, the others it overlaps (slivers
/// aside) and by how much (m²).
fn overlap_areas(overlaps: &[Piece], n: usize) -> Vec<BTreeMap<usize, f64>> {
    let mut overlap_with: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); n];
    for p in overlaps.iter().filter(|p| !p.sliver) {
        for &a in &p.holders {
            for &o in p.holders.iter().filter(|&&o| o != a) {
                *overlap_with[a].entry(o).or_insert(0.0) += p.area_m2;
            }
        }
    }
    overlap_with
}

/// Buildings each of the `n` grid polygons' borders cut.
fn cut_counts(cut: &[CutBuilding], n: usize) -> Vec<usize> {
    let mut cut_count = vec![0usize; n];
    for c in cut {
        for &(h, _) in &c.shares {
            cut_count[h] += 1;
        }
    }
    cut_count
}

/// What the figures of a grid polygon are made from.
struct Drawn<'a> {
    scenario: &'a Scenario,
    config: &'a Config,
    main: Vec<Option<usize>>,
    tallies: Tallies,
    overlap_with: Vec<BTreeMap<usize, f64>>,
    cut_count: Vec<usize>,
    index: BarrierIndex,
    /// Each polygon's area with its rings snapped as its blocks are.
    snapped_area_m2: Vec<f64>,
    /// The strong barrier each polygon straddles with homes on both sides.
    crossed: Vec<Option<crossing::Crossing>>,
    /// The grid as drawn.
    grid: &'a [Parcel],
    /// Households of each community.
    community_households: Vec<u64>,
    /// Every community's area, made when a polygon reaches outside them.
    communities: std::sync::OnceLock<geo::MultiPolygon<f64>>,
}

impl Drawn<'_> {
    /// The size targets of community `c` (the scenario's when none).
    fn targets_of(&self, c: Option<usize>) -> crate::config::Targets {
        match c {
            Some(c) => self.config.targets_for(&self.scenario.communities[c]),
            None => self.config.targets.clone(),
        }
    }
}

/// The area of grid polygon `i` outside every community in pieces that
/// are not digitizing slivers (at least `sliver_m2` and, on average, at
/// least `sliver_width_m` wide: 2·area/perimeter). A border copied along a
/// community's through another CRS is centimetres off it all along: square
/// metres outside, none of it a piece to speak of.
fn outside_beyond_slivers(ctx: &Drawn, i: usize) -> f64 {
    use geo::{BooleanOps, Euclidean, Length};
    let st = &ctx.config.audit;
    let communities = ctx.communities.get_or_init(|| {
        geo::MultiPolygon(
            ctx.scenario
                .communities
                .iter()
                .flat_map(|c| c.area.0.iter().cloned())
                .collect(),
        )
    });
    ctx.grid[i]
        .area
        .difference(communities)
        .0
        .iter()
        .filter_map(|piece| {
            let a = piece.unsigned_area();
            let perimeter: f64 = std::iter::once(piece.exterior())
                .chain(piece.interiors())
                .map(|r| Euclidean.length(r))
                .sum();
            let wide = perimeter > 0.0 && 2.0 * a / perimeter >= st.sliver_width_m;
            (a >= st.sliver_m2 && wide).then_some(a)
        })
        .sum()
}

/// The figures and flags of grid polygon `i`.
fn grid_figures(ctx: &Drawn, i: usize, p: &Parcel) -> GridFigures {
    let (st, tl) = (&ctx.config.audit, &ctx.tallies);
    let area_m2 = p.area.unsigned_area();
    let inside: f64 = tl.areas[i].values().sum();
    let outside_m2 = (ctx.snapped_area_m2[i] - inside).max(0.0);
    let community = ctx.main[i];
    let t = &ctx.targets_of(community);
    let kind = community.map(|c| ctx.scenario.communities[c].kind);
    let target = t.for_kind(kind.unwrap_or(CommunityKind::Urban));
    let parts = p
        .area
        .0
        .iter()
        .filter(|q| q.unsigned_area() >= st.sliver_m2)
        .count();
    let overlaps: Vec<(usize, f64)> = ctx.overlap_with[i].iter().map(|(&o, &a)| (o, a)).collect();
    let flags = grid_flags(
        ctx,
        i,
        kind,
        parts,
        !overlaps.is_empty(),
        outside_m2,
        area_m2,
    );
    let (border, pp) = border_and_shape(&ctx.index, p, area_m2);
    let compliant = !flags.iter().any(|f| HARD_FLAGS.contains(&f.as_str()));
    GridFigures {
        id: p.id.clone(),
        community,
        community_areas: tl.areas[i].iter().map(|(&c, &a)| (c, a)).collect(),
        outside_m2: round(outside_m2, 2),
        area_m2: round(area_m2, 2),
        households: tl.households[i],
        declared_households: p.households,
        buildings: tl.buildings[i],
        residential_buildings: tl.homes[i],
        estimated_households: tl.estimated[i],
        target,
        deviation: round(tl.households[i] as f64 / f64::from(target) - 1.0, 4),
        parts,
        polsby_popper: round(pp, 4),
        barrier_share: round(border.barrier_share(), 4),
        border,
        overlaps,
        cut_buildings: ctx.cut_count[i],
        crossed_barrier: ctx.crossed[i]
            .map_or("", |c| c.barrier.as_str())
            .to_string(),
        flags,
        compliant,
    }
}

/// The flags of grid polygon `i` (see [`HARD_FLAGS`]), in the order
/// written: band or empty, building count, parts, overlap, community,
/// strong barrier, cut buildings.
fn grid_flags(
    ctx: &Drawn,
    i: usize,
    kind: Option<CommunityKind>,
    parts: usize,
    overlaps: bool,
    outside_m2: f64,
    area_m2: f64,
) -> Vec<String> {
    let (st, tl) = (&ctx.config.audit, &ctx.tallies);
    let community = ctx.main[i];
    let t = &ctx.targets_of(community);
    let mut flags = Vec::new();
    if tl.households[i] == 0 && tl.buildings[i] == 0 && community.is_some() {
        flags.push("empty".to_string());
    } else {
        let k = kind.unwrap_or(CommunityKind::Urban);
        // A community too small for the band holds one neighborhood below
        // it: advice, as the partition would draw the same.
        let whole = community.is_some_and(|c| tl.households[i] >= ctx.community_households[c]);
        flags.extend(
            t.band_flag(k, tl.households[i], tl.homes[i])
                .map(|f| match (f, whole) {
                    ("below_band", true) => "below_band_whole_community".to_string(),
                    (f, _) => f.to_string(),
                }),
        );
    }
    if let Some(k) = kind {
        let multi = tl.homes[i] - tl.singles[i];
        flags.extend(t.buildings_flag(k, multi, tl.singles[i]).map(String::from));
    }
    if parts > 1 {
        flags.push("multi_part".to_string());
    }
    if overlaps {
        flags.push("overlap".to_string());
    }
    if community.is_none() {
        flags.push("outside_community".to_string());
    } else {
        if tl.areas[i]
            .iter()
            .any(|(&c, &a)| Some(c) != community && a >= st.sliver_m2)
        {
            flags.push("crosses_community_border".to_string());
        }
        if outside_m2 >= st.sliver_m2
            && outside_m2 >= 1e-6 * area_m2
            && outside_beyond_slivers(ctx, i) > 0.0
        {
            flags.push("outside_community".to_string());
        }
    }
    // Of need (the far side too small to stand alone) it is advice.
    match ctx.crossed[i] {
        Some(c) if c.needless => flags.push("crosses_strong_barrier".to_string()),
        Some(_) => flags.push("crosses_strong_barrier_small_side".to_string()),
        None => {}
    }
    if ctx.cut_count[i] > 0 {
        flags.push("cuts_buildings".to_string());
    }
    flags
}

/// What the polygon's border runs along, and its Polsby-Popper
/// compactness (4πA / P²).
fn border_and_shape(index: &BarrierIndex, p: &Parcel, area_m2: f64) -> (BorderLengths, f64) {
    let mut border = BorderLengths::default();
    let mut perimeter = 0.0;
    for q in &p.area.0 {
        for r in std::iter::once(q.exterior()).chain(q.interiors()) {
            border.add(&index.along(r));
            perimeter += Euclidean.length(r);
        }
    }
    let pp = if perimeter > 0.0 {
        4.0 * std::f64::consts::PI * area_m2 / (perimeter * perimeter)
    } else {
        0.0
    };
    (border, pp)
}

/// The community holding most of each grid polygon's area (`None` when it
/// lies outside every community).
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use linli::model::*;
/// let sq = |x0: f64, x1: f64| MultiPolygon(vec![polygon![(x: x0, y: 0.0), (x: x1, y: 0.0), (x: x1, y: 100.0), (x: x0, y: 100.0)]]);
/// let s = Scenario { communities: vec![Community { id: "C".into(), name: "C".into(), street: "S".into(),
///     kind: CommunityKind::Urban, social_workers: None, area: sq(0.0, 100.0) }], ..Default::default() };
/// // Mostly inside C, a little outside; and wholly outside.
/// let grid = vec![Parcel { id: "N".into(), area: sq(0.0, 110.0), households: None },
///                 Parcel { id: "X".into(), area: sq(200.0, 300.0), households: None }];
/// let g = linli::audit::grid::grid_blocks(&s, &grid, &[], 0.05, 5).unwrap();
/// assert_eq!(linli::audit::main_communities(&g, 2), vec![Some(0), None]);
/// ```
pub fn main_communities(g: &GridBlocks, count: usize) -> Vec<Option<usize>> {
    let mut areas: Vec<std::collections::BTreeMap<usize, f64>> = vec![Default::default(); count];
    for (bi, blk) in g.set.blocks.iter().enumerate() {
        for &h in &g.holders[bi] {
            *areas[h].entry(blk.community).or_insert(0.0) += blk.area;
        }
    }
    areas
        .iter()
        .map(|a| {
            a.iter()
                .max_by(|x, y| x.1.total_cmp(y.1).then(y.0.cmp(x.0)))
                .map(|(&c, _)| c)
        })
        .collect()
}

/// What the audit found, summed per community by [`summarize`].
struct Found<'a> {
    g: &'a GridBlocks,
    figures: &'a [GridFigures],
    gaps: &'a [Piece],
    overlaps: &'a [Piece],
    cut: &'a [CutBuilding],
}

/// The figures of one community (`None`: over all of them).
fn summarize(
    scenario: &Scenario,
    config: &Config,
    found: &Found,
    community: Option<usize>,
) -> CommunityAudit {
    let of = |c: usize| community.is_none_or(|x| x == c);
    let mine: Vec<&GridFigures> = found
        .figures
        .iter()
        .filter(|f| match community {
            Some(c) => f.community == Some(c),
            None => true,
        })
        .collect();
    let n = mine.len();
    let households: u64 = found
        .g
        .set
        .blocks
        .iter()
        .filter(|b| of(b.community))
        .map(|b| b.households)
        .sum();
    let gaps = PieceTotals::of(found.gaps, of);
    let overlaps = PieceTotals::of(found.overlaps, of);
    let slivers = found
        .gaps
        .iter()
        .chain(found.overlaps)
        .filter(|p| p.sliver && of(p.community))
        .count();
    let (id, street, workers) = who(scenario, community);
    let staffing = match community {
        Some(_) => Some(assess(n, workers, &config.staffing).0),
        // Workers do not move between communities: each is assessed.
        None => Some(crate::staffing::aggregate(
            (0..scenario.communities.len()).map(|c| {
                let n = found
                    .figures
                    .iter()
                    .filter(|f| f.community == Some(c))
                    .count();
                assess(n, scenario.communities[c].social_workers, &config.staffing)
            }),
        )),
    };
    let mut a = CommunityAudit {
        id,
        street,
        households,
        households_in_gaps: gaps.households,
        households_in_overlaps: overlaps.households,
        gaps: gaps.count,
        gap_m2: gaps.area_m2,
        overlaps: overlaps.count,
        overlap_m2: overlaps.area_m2,
        slivers,
        cut_buildings: found
            .cut
            .iter()
            .filter(|c| c.community.is_some_and(of))
            .count(),
        workers,
        neighborhoods_per_worker: workers
            .filter(|&w| w > 0)
            .map(|w| round(n as f64 / f64::from(w), 2)),
        staffing,
        ..Default::default()
    };
    count_neighborhoods(&mut a, &mine);
    a
}

/// Real (not sliver) gaps or overlaps of a community: how many, their
/// area (m², to the cm²) and households.
struct PieceTotals {
    count: usize,
    area_m2: f64,
    households: u64,
}

impl PieceTotals {
    /// The totals of the real pieces of `ps` in the communities `of` picks.
    fn of(ps: &[Piece], of: impl Fn(usize) -> bool) -> Self {
        let r: Vec<&Piece> = ps.iter().filter(|p| !p.sliver && of(p.community)).collect();
        PieceTotals {
            count: r.len(),
            area_m2: round(r.iter().map(|p| p.area_m2).sum(), 2),
            households: r.iter().map(|p| p.households).sum(),
        }
    }
}

/// Id, street and workers of a community, or of everything ("all"; the
/// workers only when every community has a figure).
fn who(scenario: &Scenario, community: Option<usize>) -> (String, String, Option<u32>) {
    match community {
        Some(c) => {
            let com = &scenario.communities[c];
            (com.id.clone(), com.street.clone(), com.social_workers)
        }
        None => {
            let known: Vec<u32> = scenario
                .communities
                .iter()
                .filter_map(|c| c.social_workers)
                .collect();
            let w = (known.len() == scenario.communities.len() && !known.is_empty())
                .then(|| known.iter().sum());
            ("all".to_string(), String::new(), w)
        }
    }
}

/// The neighborhood counts and means of `a` from its neighborhoods `mine`.
fn count_neighborhoods(a: &mut CommunityAudit, mine: &[&GridFigures]) {
    let n = mine.len();
    let has = |f: &GridFigures, flags: &[&str]| f.flags.iter().any(|x| flags.contains(&x.as_str()));
    let within = mine
        .iter()
        .filter(|f| {
            !has(
                f,
                &[
                    "above_band",
                    "below_band",
                    "below_band_whole_community",
                    "empty",
                ],
            )
        })
        .count();
    let mut border = BorderLengths::default();
    for f in mine {
        border.add(&f.border);
    }
    a.neighborhoods = n;
    a.compliant = mine.iter().filter(|f| f.compliant).count();
    a.within_band = within;
    a.share_within_band = if n > 0 {
        round(within as f64 / n as f64, 4)
    } else {
        0.0
    };
    a.multi_part = mine.iter().filter(|f| f.parts > 1).count();
    a.crossing_border = mine
        .iter()
        .filter(|f| has(f, &["crosses_community_border", "outside_community"]))
        .count();
    a.crossing_strong_barrier = mine
        .iter()
        .filter(|f| has(f, &["crosses_strong_barrier"]))
        .count();
    a.barrier_share = round(border.barrier_share(), 4);
    a.mean_polsby_popper = if n > 0 {
        round(
            mine.iter().map(|f| f.polsby_popper).sum::<f64>() / n as f64,
            4,
        )
    } else {
        0.0
    };
}
