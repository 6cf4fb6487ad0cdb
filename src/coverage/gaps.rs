//! Gap areas: uncovered buildings grouped into places a planner can point at.
//!
//! Buildings closer than a link distance join the same gap (single linkage),
//! so a gap follows a cluster of housing of any shape; its polygon is the
//! convex hull of its buildings (footprint corners, or points) widened by a
//! margin, so even a single building makes a visible area.

use crate::model::Building;
use geo::{Area, Buffer, ConvexHull, Coord, MultiPoint, MultiPolygon, Point};
use rstar::primitives::GeomWithData;
use rstar::RTree;

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
    let pts: Vec<GeomWithData<[f64; 2], usize>> = members
        .iter()
        .enumerate()
        .map(|(k, &b)| {
            let p = buildings[b].location;
            GeomWithData::new([p.x(), p.y()], k)
        })
        .collect();
    let tree = RTree::bulk_load(pts.clone());
    let mut parent: Vec<usize> = (0..members.len()).collect();
    for p in &pts {
        for q in tree.locate_within_distance(*p.geom(), link_m * link_m) {
            let (a, b) = (find(&mut parent, p.data), find(&mut parent, q.data));
            if a != b {
                parent[a.max(b)] = a.min(b);
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

fn hull_area(buildings: &[Building], bs: &[usize], margin: f64) -> MultiPolygon<f64> {
    let mut coords: Vec<Point<f64>> = Vec::new();
    for &b in bs {
        match &buildings[b].footprint {
            Some(f) => coords.extend(f.exterior().0.iter().map(|c: &Coord<f64>| Point(*c))),
            None => coords.push(buildings[b].location),
        }
    }
    let hull = MultiPoint::new(coords).convex_hull();
    if hull.unsigned_area() > 1.0 {
        hull.buffer(margin)
    } else if hull.exterior().0.len() > 1 && hull.exterior().0[0] != hull.exterior().0[1] {
        // Collinear buildings: a band along the line.
        hull.exterior().buffer(margin)
    } else {
        hull.exterior()
            .0
            .first()
            .map(|c| Point(*c).buffer(margin))
            .unwrap_or_else(|| MultiPolygon::new(Vec::new()))
    }
}
