//! Gap areas: uncovered buildings grouped into places a planner can point at.
//!
//! Buildings closer than a link distance join the same gap (single linkage),
//! so a gap follows a cluster of housing of any shape; its polygon is the
//! convex hull of its buildings (footprint corners, or points) widened by a
//! margin, so even a single building makes a visible area.

use crate::model::Building;
use geo::{ConvexHull, Coord, MultiPoint, MultiPolygon, Point};

/// A group of uncovered buildings.
#[derive(Debug, Clone)]
pub struct Gap {
    /// Building indices, ascending.
    pub buildings: Vec<usize>,
    /// Their households.
    pub households: u64,
    /// The area.
    pub area: MultiPolygon<f64>,
}

fn find(parent: &mut [usize], mut v: usize) -> usize {
    while parent[v] != v {
        parent[v] = parent[parent[v]];
        v = parent[v];
    }
    v
}

/// Groups the buildings `members` (indices into `buildings`): two buildings
/// closer than `link_m` are in the same gap; each gap's polygon is its hull
/// widened by `margin_m`. Gaps come largest (households) first, ties by
/// lowest building index.
///
/// ```
/// use geo::Point;
/// use linli::model::Building;
/// let b = |x: f64, hh| Building { id: format!("{x}"), footprint: None, location: Point::new(x, 0.0),
///     households: hh, estimated: false, use_: "residential".into() };
/// let bs = vec![b(0.0, 10), b(50.0, 20), b(1000.0, 5)];
/// let gaps = linli::coverage::gaps::gaps(&bs, &[0, 1, 2], 100.0, 25.0);
/// assert_eq!(gaps.len(), 2);
/// assert_eq!((gaps[0].buildings.clone(), gaps[0].households), (vec![0, 1], 30));
/// ```
pub fn gaps(buildings: &[Building], members: &[usize], link_m: f64, margin_m: f64) -> Vec<Gap> {
    // Single linkage on a grid of cells link/√2 wide: buildings sharing a
    // cell are within the link of each other, and two cells up to two apart
    // join as soon as one pair of their buildings is close enough; dense
    // housing costs a cell, not every pair of neighbours.
    let cell = (link_m / std::f64::consts::SQRT_2).max(1e-9);
    let at = |k: usize| buildings[members[k]].location;
    // Each cell's buildings and their bounding box.
    let mut cells: crate::blocks::index::CellMap<(Vec<usize>, [f64; 4])> = Default::default();
    for k in 0..members.len() {
        let p = at(k);
        let key = ((p.x() / cell).floor() as i64, (p.y() / cell).floor() as i64);
        let (ks, b) = cells
            .entry(key)
            .or_insert_with(|| (Vec::new(), [f64::MAX, f64::MAX, f64::MIN, f64::MIN]));
        ks.push(k);
        *b = [
            b[0].min(p.x()),
            b[1].min(p.y()),
            b[2].max(p.x()),
            b[3].max(p.y()),
        ];
    }
    let mut parent: Vec<usize> = (0..members.len()).collect();
    let union = |parent: &mut Vec<usize>, a: usize, b: usize| {
        let (a, b) = (find(parent, a), find(parent, b));
        if a != b {
            parent[a.max(b)] = a.min(b);
        }
    };
    for (ks, _) in cells.values() {
        for &k in &ks[1..] {
            union(&mut parent, ks[0], k);
        }
    }
    let l2 = link_m * link_m;
    // Squared distance from a point to a box (0 inside).
    let to_box = |x: f64, y: f64, b: &[f64; 4]| {
        let dx = (b[0] - x).max(x - b[2]).max(0.0);
        let dy = (b[1] - y).max(y - b[3]).max(0.0);
        dx * dx + dy * dy
    };
    // The groups are the same whatever order the cells come in (union-find
    // roots are the smallest member), so the map's order does not matter.
    for (&(cx, cy), (ks, kb)) in &cells {
        for dx in -2i64..=2 {
            for dy in -2i64..=2 {
                // Each pair of cells once.
                if (dx, dy) <= (0, 0) {
                    continue;
                }
                let Some((os, ob)) = cells.get(&(cx + dx, cy + dy)) else {
                    continue;
                };
                // Boxes farther apart than the link: no pair can join.
                let gx = (ob[0] - kb[2]).max(kb[0] - ob[2]).max(0.0);
                let gy = (ob[1] - kb[3]).max(kb[1] - ob[3]).max(0.0);
                if gx * gx + gy * gy > l2 {
                    continue;
                }
                if find(&mut parent, ks[0]) == find(&mut parent, os[0]) {
                    continue;
                }
                'pairs: for &a in ks {
                    let p = at(a);
                    if to_box(p.x(), p.y(), ob) > l2 {
                        continue;
                    }
                    for &b in os {
                        let q = at(b);
                        let (ddx, ddy) = (p.x() - q.x(), p.y() - q.y());
                        if ddx * ddx + ddy * ddy <= l2 {
                            union(&mut parent, a, b);
                            break 'pairs;
                        }
                    }
                }
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for (k, &m) in members.iter().enumerate() {
        let r = find(&mut parent, k);
        groups.entry(r).or_default().push(m);
    }
    use rayon::prelude::*;
    let groups: Vec<Vec<usize>> = groups.into_values().collect();
    let mut out: Vec<Gap> = groups
        .into_par_iter()
        .map(|mut bs| {
            bs.sort_unstable();
            let households = bs.iter().map(|&b| u64::from(buildings[b].households)).sum();
            let area = hull_area(buildings, &bs, margin_m);
            Gap {
                buildings: bs,
                households,
                area,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.households
            .cmp(&a.households)
            .then(a.buildings[0].cmp(&b.buildings[0]))
    });
    out
}

/// Sides of the polygon standing in for the margin's circle.
const ROUND: usize = 24;

/// The hull of the buildings widened by `margin`: the convex hull of the
/// hull's corners, each ringed by a 24-gon (the exact widening of a convex
/// shape by that polygon, far cheaper than a general buffer). A single
/// building or a row of them makes a disc or a band.
fn hull_area(buildings: &[Building], bs: &[usize], margin: f64) -> MultiPolygon<f64> {
    let mut coords: Vec<Point<f64>> = Vec::new();
    for &b in bs {
        match &buildings[b].footprint {
            Some(f) => coords.extend(f.exterior().0.iter().map(|c: &Coord<f64>| Point(*c))),
            None => coords.push(buildings[b].location),
        }
    }
    let hull = MultiPoint::new(coords).convex_hull();
    let ring: Vec<(f64, f64)> = (0..ROUND)
        .map(|k| {
            let a = std::f64::consts::TAU * k as f64 / ROUND as f64;
            (margin * a.cos(), margin * a.sin())
        })
        .collect();
    let widened: Vec<Point<f64>> = hull
        .exterior()
        .0
        .iter()
        .flat_map(|c| {
            ring.iter()
                .map(move |(dx, dy)| Point::new(c.x + dx, c.y + dy))
        })
        .collect();
    if widened.is_empty() {
        return MultiPolygon::new(Vec::new());
    }
    MultiPolygon::new(vec![MultiPoint::new(widened).convex_hull()])
}
