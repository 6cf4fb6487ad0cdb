//! An existing grid laid on the barrier network: blocks cut by the barriers
//! *and* the grid's own borders, each knowing which grid polygons hold it.
//!
//! Every face of that arrangement lies wholly inside or outside each grid
//! polygon, so gaps (faces held by none), overlaps (held by two or more) and
//! the parts of a polygon in each community come out exactly, with the
//! households of the buildings on them.

use crate::blocks::{BlockSet, build_blocks_as_drawn};
use crate::config::AuditSettings;
use crate::dissolve::dissolve;
use crate::error::Problem;
use crate::model::{Barrier, BarrierKind, BarrierLine, Parcel, Scenario};
use geo::{Area, BoundingRect, InteriorPoint, Intersects, MultiPolygon};
use petgraph::visit::EdgeRef;
use rstar::RTree;
use rstar::primitives::GeomWithData;
use std::borrow::Cow;

/// Blocks of the barrier network cut by the grid's borders.
#[derive(Debug, Clone)]
pub struct GridBlocks {
    /// The blocks (faces of barriers + grid borders + community borders).
    pub set: BlockSet,
    /// For each block, the grid polygons holding it (ascending).
    pub holders: Vec<Vec<usize>>,
    /// Each grid polygon's area, m², with its rings snapped as its blocks
    /// are: what it holds outside every community is this less its
    /// blocks' area, free of the millimetres a ring read back from lon/lat
    /// is off the border it copies (on a 2 km border, square metres).
    pub snapped_area_m2: Vec<f64>,
}

/// Lays `grid` on the scenario's barrier network (with `extra` lines, e.g.
/// cell edges) and finds the grid polygons holding each block. Ready-made
/// parcels of the scenario are ignored here: the grid takes their place.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use linli::model::*;
/// let sq = |x0: f64, x1: f64| MultiPolygon(vec![polygon![(x: x0, y: 0.0), (x: x1, y: 0.0), (x: x1, y: 100.0), (x: x0, y: 100.0)]]);
/// let s = Scenario { communities: vec![Community { id: "C".into(), name: "C".into(), street: "S".into(),
///     kind: CommunityKind::Urban, social_workers: None, area: sq(0.0, 100.0) }], ..Default::default() };
/// // Two grid polygons leaving a gap between x = 40 and x = 50.
/// let grid = vec![Parcel { id: "A".into(), area: sq(0.0, 40.0), households: None },
///                 Parcel { id: "B".into(), area: sq(50.0, 100.0), households: None }];
/// let g = linli::audit::grid::grid_blocks(&s, &grid, &[], 0.05, 5).unwrap();
/// assert_eq!(g.set.blocks.len(), 3);
/// let held: Vec<usize> = g.holders.iter().map(|h| h.len()).collect();
/// assert_eq!(held.iter().filter(|&&n| n == 0).count(), 1); // the gap
/// ```
pub fn grid_blocks(
    scenario: &Scenario,
    grid: &[Parcel],
    extra: &[BarrierLine],
    snap_tolerance: f64,
    community_level: u8,
) -> Result<GridBlocks, Vec<Problem>> {
    grid_blocks_with(
        scenario,
        grid,
        extra,
        (snap_tolerance, community_level),
        (false, &[]),
    )
}

/// [`grid_blocks`] for a redraw and a plan around locked neighborhoods:
/// buildings the scenario's barriers run through stay whole
/// ([`crate::blocks::build_blocks_as_drawn_keeping_buildings`]), and the
/// polygons `exact` names (locked ones) join the network as drawn, not
/// snapped, so that blocks tile them exactly.
pub fn grid_blocks_keeping_buildings(
    scenario: &Scenario,
    grid: &[Parcel],
    extra: &[BarrierLine],
    (snap_tolerance, community_level): (f64, u8),
    exact: &[usize],
) -> Result<GridBlocks, Vec<Problem>> {
    grid_blocks_with(
        scenario,
        grid,
        extra,
        (snap_tolerance, community_level),
        (true, exact),
    )
}

/// The rings of `area` as barrier lines of `barrier`.
fn rings(
    area: &geo::MultiPolygon<f64>,
    barrier: Barrier,
) -> impl Iterator<Item = BarrierLine> + '_ {
    area.0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(move |r| BarrierLine {
            line: r.clone(),
            barrier,
        })
}

fn grid_blocks_with(
    scenario: &Scenario,
    grid: &[Parcel],
    extra: &[BarrierLine],
    (snap_tolerance, community_level): (f64, u8),
    (whole, exact): (bool, &[usize]),
) -> Result<GridBlocks, Vec<Problem>> {
    let border = Barrier {
        level: 0,
        kind: BarrierKind::Cell,
    };
    let s: Cow<Scenario> = if scenario.parcels.is_empty() {
        Cow::Borrowed(scenario)
    } else {
        let mut s = scenario.clone();
        s.parcels.clear();
        Cow::Owned(s)
    };
    // Locked rings never move (noding protects building outlines, level
    // 0, no barrier): the others snap around them.
    let protected = Barrier {
        level: 0,
        kind: BarrierKind::Building,
    };
    let mut fixed: Vec<BarrierLine> = exact
        .iter()
        .flat_map(|&i| rings(&grid[i].area, protected))
        .collect();
    fixed.extend(extra.iter().cloned());
    let (mut lines, snapped_area_m2) = if exact.len() == grid.len() {
        (
            Vec::new(),
            grid.iter().map(|g| g.area.unsigned_area()).collect(),
        )
    } else {
        // The network without the grid first: the grid is snapped onto its
        // noded vertices and edges.
        let base = build_blocks_as_drawn(&s, &fixed, snap_tolerance, community_level)?;
        let snap = Snapper::new(&base.network, snap_tolerance.max(0.02));
        let lines: Vec<BarrierLine> = grid
            .iter()
            .enumerate()
            .filter(|(i, _)| !exact.contains(i))
            .flat_map(|(_, g)| &g.area.0)
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .flat_map(|r| snap.off_network(r, &snap.snapped(r)))
            .map(|line| BarrierLine {
                line,
                barrier: border,
            })
            .collect();
        let areas = grid.iter().map(|g| snap.area(&g.area)).collect();
        (lines, areas)
    };
    lines.extend(fixed);
    let set = if whole {
        crate::blocks::build_blocks_as_drawn_keeping_buildings(
            &s,
            &lines,
            snap_tolerance,
            community_level,
        )?
    } else {
        build_blocks_as_drawn(&s, &lines, snap_tolerance, community_level)?
    };
    let tree = crate::blocks::index::box_tree(grid.iter().map(|g| g.area.bounding_rect()));
    let holders = set
        .blocks
        .iter()
        .map(|b| {
            let Some(p) = b.polygon.interior_point() else {
                return Vec::new();
            };
            let mut h: Vec<usize> = tree
                .locate_all_at_point(&[p.x(), p.y()])
                .map(|g| g.data)
                .filter(|&i| grid[i].area.intersects(&p))
                .collect();
            h.sort_unstable();
            h
        })
        .collect();
    Ok(GridBlocks {
        set,
        holders,
        snapped_area_m2,
    })
}

/// Snaps grid borders onto the noded network they follow, within a
/// tolerance. A grid written to lon/lat and read back is off by millimetres,
/// and a ring wandering either side of the line it copies would leave
/// hairline faces that no arithmetic traces reliably; so vertices move onto
/// the network's vertices (else its edges), network vertices near a border
/// are inserted into it, and the stretches that then run on network edges
/// are left out: the network already has them.
struct Snapper {
    points: RTree<GeomWithData<[f64; 2], usize>>,
    segments: RTree<rstar::primitives::Line<[f64; 2]>>,
    edges: std::collections::HashSet<(usize, usize)>,
    tolerance: f64,
}

impl Snapper {
    fn new(net: &crate::blocks::noding::NodedNetwork, tolerance: f64) -> Self {
        let points = net
            .vertices
            .iter()
            .enumerate()
            .map(|(i, c)| GeomWithData::new([c.x, c.y], i))
            .collect();
        let segments = net
            .edges
            .iter()
            .map(|e| {
                let (a, b) = (net.vertices[e.a], net.vertices[e.b]);
                rstar::primitives::Line::new([a.x, a.y], [b.x, b.y])
            })
            .collect();
        Snapper {
            points: RTree::bulk_load(points),
            segments: RTree::bulk_load(segments),
            edges: net
                .edges
                .iter()
                .map(|e| (e.a.min(e.b), e.a.max(e.b)))
                .collect(),
            tolerance,
        }
    }

    /// `ring` with its vertices on the network's vertices (else its edges)
    /// where they are within the tolerance, and the network's vertices near
    /// it inserted; each vertex with the network vertex it is, if any.
    fn snapped(&self, ring: &geo::LineString<f64>) -> Vec<(geo::Coord<f64>, Option<usize>)> {
        use rstar::PointDistance;
        let tol = self.tolerance;
        let t2 = tol * tol;
        let mut dense: Vec<[f64; 2]> = Vec::with_capacity(ring.0.len());
        for w in ring.0.windows(2) {
            let (a, b) = ([w[0].x, w[0].y], [w[1].x, w[1].y]);
            dense.push(a);
            let seg = rstar::primitives::Line::new(a, b);
            let env = rstar::AABB::from_corners(
                [a[0].min(b[0]) - tol, a[1].min(b[1]) - tol],
                [a[0].max(b[0]) + tol, a[1].max(b[1]) + tol],
            );
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            let len2 = dx * dx + dy * dy;
            if len2 == 0.0 {
                continue;
            }
            let mut inner: Vec<(f64, [f64; 2])> = self
                .points
                .locate_in_envelope(&env)
                .map(|g| *g.geom())
                .filter(|p| {
                    seg.distance_2(p) <= t2 && p.distance_2(&a) > t2 && p.distance_2(&b) > t2
                })
                .map(|p| (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2, p))
                .collect();
            inner.sort_by(|x, y| x.0.total_cmp(&y.0));
            dense.extend(inner.into_iter().map(|(_, p)| p));
        }
        if let Some(last) = ring.0.last() {
            dense.push([last.x, last.y]);
        }
        let mut out: Vec<(geo::Coord<f64>, Option<usize>)> = Vec::with_capacity(dense.len());
        for v in dense {
            let (v, id) = match self.points.nearest_neighbor(&v) {
                Some(p) if p.geom().distance_2(&v) <= t2 => (*p.geom(), Some(p.data)),
                _ => match self.segments.nearest_neighbor(&v) {
                    Some(s) if s.distance_2(&v) <= t2 => (s.nearest_point(&v), None),
                    _ => (v, None),
                },
            };
            let c = geo::Coord { x: v[0], y: v[1] };
            if out.last().map(|o| o.0) != Some(c) {
                out.push((c, id));
            }
        }
        out
    }

    /// The stretches of `ring`, snapped to `out`, off the network (a ring
    /// that snapping folds to under four vertices, as drawn).
    fn off_network(
        &self,
        ring: &geo::LineString<f64>,
        out: &[(geo::Coord<f64>, Option<usize>)],
    ) -> Vec<geo::LineString<f64>> {
        if out.len() < 4 {
            return vec![ring.clone()];
        }
        // Split into the runs of edges the network does not have.
        let mut runs = Vec::new();
        let mut run: Vec<geo::Coord<f64>> = Vec::new();
        for w in out.windows(2) {
            let known = matches!((w[0].1, w[1].1), (Some(p), Some(q)) if self.edges.contains(&(p.min(q), p.max(q))));
            if known {
                if run.len() >= 2 {
                    runs.push(geo::LineString(std::mem::take(&mut run)));
                }
                run.clear();
            } else {
                if run.is_empty() {
                    run.push(w[0].0);
                }
                run.push(w[1].0);
            }
        }
        if run.len() >= 2 {
            runs.push(geo::LineString(run));
        }
        runs
    }

    /// The area of `area` with every ring snapped, m².
    fn area(&self, area: &MultiPolygon<f64>) -> f64 {
        let ring = |r: &geo::LineString<f64>| {
            let s: Vec<geo::Coord<f64>> = self.snapped(r).into_iter().map(|o| o.0).collect();
            geo::Polygon::new(geo::LineString(s), vec![]).unsigned_area()
        };
        area.0
            .iter()
            .map(|p| ring(p.exterior()) - p.interiors().iter().map(ring).sum::<f64>())
            .sum()
    }
}

/// A gap (community area no grid polygon holds) or an overlap (area two or
/// more hold): one connected piece inside one community.
#[derive(Debug, Clone)]
pub struct Piece {
    /// Index of its community.
    pub community: usize,
    /// Its blocks.
    pub blocks: Vec<usize>,
    /// The grid polygons holding it (empty for a gap).
    pub holders: Vec<usize>,
    /// Its shape.
    pub area: MultiPolygon<f64>,
    /// Area, m².
    pub area_m2: f64,
    /// Border length, metres.
    pub perimeter_m: f64,
    /// Households of the buildings on it.
    pub households: u64,
    /// Buildings on it.
    pub buildings: usize,
    /// A digitizing sliver: no households, and smaller or thinner than the
    /// settings allow.
    pub sliver: bool,
}

/// Connected pieces of blocks sharing the same key (`None`: not wanted)
/// inside one community, each sorted, ordered by their first block.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use linli::model::*;
/// let sq = MultiPolygon(vec![polygon![(x: 0.0, y: 0.0), (x: 90.0, y: 0.0), (x: 90.0, y: 30.0), (x: 0.0, y: 30.0)]]);
/// let road = |x| BarrierLine { line: vec![(x, -5.0), (x, 35.0)].into(), barrier: Barrier { level: 2, kind: BarrierKind::Road } };
/// let s = Scenario { communities: vec![Community { id: "C".into(), name: "C".into(), street: "S".into(),
///     kind: CommunityKind::Urban, social_workers: None, area: sq }], barriers: vec![road(30.0), road(60.0)], ..Default::default() };
/// let set = linli::blocks::build_blocks(&s, 0.05, 5).unwrap();
/// let key = vec![Some(1), Some(1), None];
/// assert_eq!(linli::audit::grid::components(&set, &key), vec![vec![0, 1]]);
/// ```
pub fn components<K: PartialEq>(set: &BlockSet, key: &[Option<K>]) -> Vec<Vec<usize>> {
    let n = set.blocks.len();
    let mut seen = vec![false; n];
    let mut out = Vec::new();
    for start in 0..n {
        if seen[start] || key[start].is_none() {
            continue;
        }
        seen[start] = true;
        let mut piece = vec![start];
        let mut stack = vec![start];
        while let Some(b) = stack.pop() {
            for e in set.adjacency.edges(BlockSet::node(b)) {
                let o = if e.source().index() == b {
                    e.target().index()
                } else {
                    e.source().index()
                };
                if !seen[o]
                    && key[o] == key[b]
                    && set.blocks[o].community == set.blocks[b].community
                {
                    seen[o] = true;
                    piece.push(o);
                    stack.push(o);
                }
            }
        }
        piece.sort_unstable();
        out.push(piece);
    }
    out
}

/// The gaps (blocks no holder holds) and overlaps (two or more holders) of
/// a grid, as pieces with their shapes and figures.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use linli::model::*;
/// let sq = |x0: f64, x1: f64| MultiPolygon(vec![polygon![(x: x0, y: 0.0), (x: x1, y: 0.0), (x: x1, y: 100.0), (x: x0, y: 100.0)]]);
/// let s = Scenario { communities: vec![Community { id: "C".into(), name: "C".into(), street: "S".into(),
///     kind: CommunityKind::Urban, social_workers: None, area: sq(0.0, 100.0) }], ..Default::default() };
/// // A overlaps B between x = 40 and 60; nothing holds x > 90.
/// let grid = vec![Parcel { id: "A".into(), area: sq(0.0, 60.0), households: None },
///                 Parcel { id: "B".into(), area: sq(40.0, 90.0), households: None }];
/// let g = linli::audit::grid::grid_blocks(&s, &grid, &[], 0.05, 5).unwrap();
/// let settings = linli::config::AuditSettings::default();
/// let (gaps, overlaps) = linli::audit::grid::gaps_and_overlaps(&g.set, &g.holders, &settings);
/// assert_eq!((gaps.len(), overlaps.len()), (1, 1));
/// assert!((overlaps[0].area_m2 - 2000.0).abs() < 1e-6);
/// assert_eq!(overlaps[0].holders, vec![0, 1]);
/// ```
pub fn gaps_and_overlaps(
    set: &BlockSet,
    holders: &[Vec<usize>],
    settings: &AuditSettings,
) -> (Vec<Piece>, Vec<Piece>) {
    let gap_key: Vec<Option<()>> = holders.iter().map(|h| h.is_empty().then_some(())).collect();
    let overlap_key: Vec<Option<&Vec<usize>>> =
        holders.iter().map(|h| (h.len() > 1).then_some(h)).collect();
    let make = |pieces: Vec<Vec<usize>>| -> Vec<Piece> {
        let mut group = vec![usize::MAX; set.blocks.len()];
        for (i, p) in pieces.iter().enumerate() {
            for &b in p {
                group[b] = i;
            }
        }
        let shapes = dissolve(set, &group, pieces.len());
        pieces
            .into_iter()
            .zip(shapes)
            .map(|(blocks, d)| {
                let households: u64 = blocks.iter().map(|&b| set.blocks[b].households).sum();
                let buildings = blocks.iter().map(|&b| set.blocks[b].buildings.len()).sum();
                let area_m2 = d.area.unsigned_area();
                let width = if d.perimeter_m > 0.0 {
                    2.0 * area_m2 / d.perimeter_m
                } else {
                    0.0
                };
                let sliver = households == 0
                    && buildings == 0
                    && (area_m2 < settings.sliver_m2 || width < settings.sliver_width_m);
                Piece {
                    community: set.blocks[blocks[0]].community,
                    holders: holders[blocks[0]].clone(),
                    blocks,
                    area: d.area,
                    area_m2,
                    perimeter_m: d.perimeter_m,
                    households,
                    buildings,
                    sliver,
                }
            })
            .collect()
    };
    (
        make(components(set, &gap_key)),
        make(components(set, &overlap_key)),
    )
}

/// Who owns each block once slivers are snapped away: its single holder;
/// a sliver gap goes to the holder it shares the longest border with, a
/// sliver overlap to the one of its holders it shares the longest border
/// with; real gaps and overlaps stay unowned (`None`).
pub fn owners(
    set: &BlockSet,
    holders: &[Vec<usize>],
    gaps: &[Piece],
    overlaps: &[Piece],
) -> Vec<Option<usize>> {
    let mut owner: Vec<Option<usize>> = holders
        .iter()
        .map(|h| (h.len() == 1).then(|| h[0]))
        .collect();
    for piece in gaps.iter().chain(overlaps).filter(|p| p.sliver) {
        let mut shared: std::collections::BTreeMap<usize, f64> = Default::default();
        for &b in &piece.blocks {
            for e in set.adjacency.edges(BlockSet::node(b)) {
                let o = if e.source().index() == b {
                    e.target().index()
                } else {
                    e.source().index()
                };
                if let Some(h) = holders[o].first().filter(|_| holders[o].len() == 1)
                    && set.blocks[o].community == piece.community
                    && (piece.holders.is_empty() || piece.holders.contains(h))
                {
                    *shared.entry(*h).or_insert(0.0) += e.weight().shared_m;
                }
            }
        }
        let best = shared
            .iter()
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(&h, _)| h)
            .or_else(|| piece.holders.first().copied());
        for &b in &piece.blocks {
            owner[b] = best;
        }
    }
    owner
}
