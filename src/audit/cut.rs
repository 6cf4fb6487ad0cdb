//! Buildings cut by a neighborhood border: footprints shared by two or more
//! grid polygons, and the neighborhood that counts their households.

use super::grid::GridBlocks;
use crate::model::{Parcel, Scenario};
use geo::{Area, BooleanOps, BoundingRect, MultiPolygon};

/// A building whose footprint two or more neighborhoods share.
#[derive(Debug, Clone, PartialEq)]
pub struct CutBuilding {
    /// Index of the building.
    pub building: usize,
    /// Its community (`None`: outside them all).
    pub community: Option<usize>,
    /// Grid polygons and the share of the footprint in each.
    pub shares: Vec<(usize, f64)>,
    /// The grid polygons counting its households (those holding its
    /// location; none when it lies in a gap).
    pub counted_in: Vec<usize>,
}

/// Buildings whose footprint lies more than `min_m2` (and 1% of it) in two
/// or more grid polygons.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use linli::model::*;
/// let sq = |x0: f64, x1: f64| MultiPolygon(vec![polygon![(x: x0, y: 0.0), (x: x1, y: 0.0), (x: x1, y: 100.0), (x: x0, y: 100.0)]]);
/// let s = Scenario {
///     communities: vec![Community { id: "C".into(), name: "C".into(), street: "S".into(),
///         kind: CommunityKind::Urban, social_workers: None, area: sq(0.0, 100.0) }],
///     buildings: vec![Building { id: "B".into(),
///         footprint: Some(polygon![(x: 40.0, y: 40.0), (x: 70.0, y: 40.0), (x: 70.0, y: 60.0), (x: 40.0, y: 60.0)]),
///         location: geo::point!(x: 55.0, y: 50.0), households: 30, estimated: false, use_: "residential".into() }],
///     ..Default::default()
/// };
/// let grid = vec![Parcel { id: "W".into(), area: sq(0.0, 50.0), households: None },
///                 Parcel { id: "E".into(), area: sq(50.0, 100.0), households: None }];
/// let g = linli::audit::grid::grid_blocks(&s, &grid, &[], 0.05, 5).unwrap();
/// let cut = linli::audit::cut::cut_buildings(&s, &grid, &g, 1.0);
/// assert_eq!(cut.len(), 1);
/// assert_eq!(cut[0].counted_in, vec![1]); // its centroid is in E
/// assert!((cut[0].shares[0].1 - 1.0 / 3.0).abs() < 1e-9);
/// ```
pub fn cut_buildings(
    scenario: &Scenario,
    grid: &[Parcel],
    g: &GridBlocks,
    min_m2: f64,
) -> Vec<CutBuilding> {
    let tree = crate::blocks::index::box_tree(grid.iter().map(|p| p.area.bounding_rect()));
    let mut block_of = vec![None; scenario.buildings.len()];
    for (bi, blk) in g.set.blocks.iter().enumerate() {
        for &i in &blk.buildings {
            block_of[i] = Some(bi);
        }
    }
    let mut out = Vec::new();
    for (i, b) in scenario.buildings.iter().enumerate() {
        let Some(fp) = &b.footprint else {
            continue;
        };
        let Some(r) = fp.bounding_rect() else {
            continue;
        };
        let env = rstar::AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        let mut near: Vec<usize> = tree
            .locate_in_envelope_intersecting(&env)
            .map(|x| x.data)
            .collect();
        if near.len() < 2 {
            continue;
        }
        near.sort_unstable();
        let total = fp.unsigned_area();
        if total <= 0.0 {
            continue;
        }
        let fp = MultiPolygon(vec![fp.clone()]);
        let shares: Vec<(usize, f64)> = near
            .into_iter()
            .filter_map(|h| {
                let a = fp.intersection(&grid[h].area).unsigned_area();
                (a > min_m2 && a > 0.01 * total).then_some((h, a / total))
            })
            .collect();
        if shares.len() < 2 {
            continue;
        }
        let block = block_of[i];
        out.push(CutBuilding {
            building: i,
            community: block.map(|bi| g.set.blocks[bi].community),
            shares,
            counted_in: block.map(|bi| g.holders[bi].clone()).unwrap_or_default(),
        });
    }
    out
}
