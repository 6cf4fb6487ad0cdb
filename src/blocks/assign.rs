//! Buildings and compounds onto blocks (R-tree point location).

use super::Block;
use crate::model::{Building, Compound};
use geo::{BoundingRect, Intersects};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};

fn block_tree(blocks: &[Block]) -> RTree<GeomWithData<Rectangle<[f64; 2]>, usize>> {
    crate::blocks::index::box_tree(blocks.iter().map(|b| b.polygon.bounding_rect()))
}

/// Puts each building in the block holding its location (lowest block index
/// when the location lies on a shared border) and returns the buildings
/// inside no block.
///
/// ```
/// use geo::{point, polygon};
/// use linli::blocks::{assign::assign_buildings, Block};
/// use linli::model::Building;
/// let mut blocks = vec![Block { id: "b".into(), community: 0,
///     polygon: polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0)], area: 50.0,
///     buildings: vec![], households: 0, estimated_households: 0, compounds: vec![] }];
/// let b = |x, y| Building { id: "x".into(), footprint: None, location: point!(x: x, y: y),
///     households: 10, estimated: false, use_: "residential".into() };
/// let outside = assign_buildings(&mut blocks, &[b(8.0, 1.0), b(1.0, 8.0)]);
/// assert_eq!(blocks[0].buildings, vec![0]);
/// assert_eq!(outside, vec![1]);
/// ```
pub fn assign_buildings(blocks: &mut [Block], buildings: &[Building]) -> Vec<usize> {
    let tree = block_tree(blocks);
    let mut outside = Vec::new();
    for (i, b) in buildings.iter().enumerate() {
        let p = b.location;
        let hit = tree
            .locate_all_at_point(&[p.x(), p.y()])
            .map(|g| g.data)
            .filter(|&k| blocks[k].polygon.intersects(&p))
            .min();
        match hit {
            Some(k) => {
                let blk = &mut blocks[k];
                blk.buildings.push(i);
                blk.households += u64::from(b.households);
                if b.estimated {
                    blk.estimated_households += u64::from(b.households);
                }
            }
            None => outside.push(i),
        }
    }
    for blk in blocks.iter_mut() {
        blk.buildings.sort_unstable();
    }
    outside
}

/// Records on each block the compounds (小区) that cover its interior point.
pub fn assign_compounds(blocks: &mut [Block], compounds: &[Compound]) {
    if compounds.is_empty() {
        return;
    }
    let tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>> =
        crate::blocks::index::box_tree(compounds.iter().map(|c| c.area.bounding_rect()));
    for blk in blocks.iter_mut() {
        let Some(p) = super::polygonize::inner_point(&blk.polygon) else {
            continue;
        };
        let mut hits: Vec<usize> = tree
            .locate_all_at_point(&[p.x(), p.y()])
            .map(|g| g.data)
            .filter(|&c| compounds[c].area.intersects(&p))
            .collect();
        hits.sort_unstable();
        blk.compounds = hits;
    }
}
