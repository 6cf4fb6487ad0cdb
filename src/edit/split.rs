//! Cutting a neighborhood in two: two regions grown from its two ends
//! along its longer axis, block by neighbouring block, the one with fewer
//! households growing next, so both halves are contiguous and about equal.

use crate::blocks::BlockSet;
use geo::Centroid;
use std::collections::BTreeSet;

/// The blocks of the second half of `blocks` (the first is the rest).
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use linli::model::*;
/// let area = MultiPolygon(vec![polygon![(x: 0.0, y: 0.0), (x: 400.0, y: 0.0), (x: 400.0, y: 100.0), (x: 0.0, y: 100.0)]]);
/// let road = |x| BarrierLine { line: vec![(x, -5.0), (x, 105.0)].into(), barrier: Barrier { level: 2, kind: BarrierKind::Road } };
/// let s = Scenario { communities: vec![Community { id: "C".into(), name: "C".into(), street: "S".into(),
///     kind: CommunityKind::Urban, social_workers: None, area }],
///     barriers: vec![road(100.0), road(200.0), road(300.0)], ..Default::default() };
/// let set = linli::blocks::build_blocks(&s, 0.05, 5).unwrap();
/// let half = linli::edit::split::halves(&set, &[0, 1, 2, 3]);
/// assert_eq!(half.len(), 2);
/// ```
pub fn halves(set: &BlockSet, blocks: &[usize]) -> Vec<usize> {
    let at: Vec<(f64, f64)> = blocks
        .iter()
        .map(|&b| {
            let p = &set.blocks[b].polygon;
            p.centroid()
                .map(|c| (c.x(), c.y()))
                .unwrap_or((p.exterior().0[0].x, p.exterior().0[0].y))
        })
        .collect();
    let xs = at.iter().map(|p| p.0);
    let ys = at.iter().map(|p| p.1);
    let width = xs.clone().fold(f64::MIN, f64::max) - xs.fold(f64::MAX, f64::min);
    let height = ys.clone().fold(f64::MIN, f64::max) - ys.fold(f64::MAX, f64::min);
    let along: Vec<f64> = at
        .iter()
        .map(|p| if width >= height { p.0 } else { p.1 })
        .collect();
    let weight = |i: usize| set.blocks[blocks[i]].households.max(1) as f64;
    let first = (0..blocks.len()).min_by(|&a, &b| along[a].total_cmp(&along[b]).then(a.cmp(&b)));
    let last = (0..blocks.len()).max_by(|&a, &b| along[a].total_cmp(&along[b]).then(b.cmp(&a)));
    let (Some(first), Some(mut last)) = (first, last) else {
        return Vec::new();
    };
    if last == first {
        // Every block at one place along the axis.
        last = (0..blocks.len()).rfind(|&i| i != first).unwrap_or(first);
    }
    if last == first {
        return Vec::new();
    }
    let local: std::collections::BTreeMap<usize, usize> =
        blocks.iter().enumerate().map(|(i, &b)| (b, i)).collect();
    let mut side = vec![u8::MAX; blocks.len()];
    side[first] = 0;
    side[last] = 1;
    let mut load = [weight(first), weight(last)];
    loop {
        let fronts: [Option<usize>; 2] = [0u8, 1].map(|k| {
            let mut front = BTreeSet::new();
            for i in (0..blocks.len()).filter(|&i| side[i] == k) {
                for n in set.adjacency.neighbors(BlockSet::node(blocks[i])) {
                    if let Some(&j) = local.get(&n.index())
                        && side[j] == u8::MAX
                    {
                        front.insert(j);
                    }
                }
            }
            // Region 0 takes from its own end first, region 1 from its.
            front.into_iter().min_by(|&a, &b| {
                let (x, y) = if k == 0 {
                    (along[a], along[b])
                } else {
                    (along[b], along[a])
                };
                x.total_cmp(&y).then(a.cmp(&b))
            })
        });
        let k = match fronts {
            [None, None] => break,
            [Some(_), None] => 0,
            [None, Some(_)] => 1,
            _ => usize::from(load[1] < load[0]),
        };
        let j = fronts[k].unwrap_or_default();
        side[j] = k as u8;
        load[k] += weight(j);
    }
    (0..blocks.len())
        .filter(|&i| side[i] == 1)
        .map(|i| blocks[i])
        .collect()
}
