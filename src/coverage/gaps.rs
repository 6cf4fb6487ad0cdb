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

/// Sorts `(row, column, member)` triples; as one integer key per cell where
/// the rows and columns span fits one (a third of the time of comparing
/// triples).
fn sort_by_cell(keyed: &mut [(i64, i64, u32)]) {
    // Members given in cell order (see [`cell_order`]) need no sort.
    if keyed.is_sorted() {
        return;
    }
    let (mut r0, mut r1, mut c0, mut c1) = (i64::MAX, i64::MIN, i64::MAX, i64::MIN);
    for &(r, c, _) in keyed.iter() {
        (r0, r1, c0, c1) = (r0.min(r), r1.max(r), c0.min(c), c1.max(c));
    }
    let width = c1.checked_sub(c0).and_then(|w| w.checked_add(1));
    let rows = r1.checked_sub(r0).and_then(|h| h.checked_add(1));
    let fits = match (width, rows) {
        (Some(w), Some(h)) => (w as u64)
            .checked_mul(h as u64)
            .is_some_and(|n| n < 1 << 32),
        _ => false,
    };
    if keyed.is_empty() || !fits {
        keyed.sort_unstable();
        return;
    }
    let width = width.unwrap_or(1) as u64;
    // (cell << 32 | member): ordered as (row, column, member).
    let mut packed: Vec<u64> = keyed
        .iter()
        .map(|&(r, c, k)| ((((r - r0) as u64) * width + (c - c0) as u64) << 32) | u64::from(k))
        .collect();
    packed.sort_unstable();
    for (slot, key) in keyed.iter_mut().zip(packed) {
        let cell = key >> 32;
        *slot = (
            r0 + (cell / width) as i64,
            c0 + (cell % width) as i64,
            key as u32,
        );
    }
}

/// `(row, column, k)` of each `members[k]` on the gap grid (cells link/√2
/// wide).
fn keyed_by_cell(buildings: &[Building], members: &[usize], link_m: f64) -> Vec<(i64, i64, u32)> {
    let cell = (link_m / std::f64::consts::SQRT_2).max(1e-9);
    members
        .iter()
        .enumerate()
        .map(|(k, &m)| {
            let p = buildings[m].location;
            let (c, r) = ((p.x() / cell).floor() as i64, (p.y() / cell).floor() as i64);
            (r, c, k as u32)
        })
        .collect()
}

/// `members` in the order [`gaps`] visits them (by grid cell, row by row,
/// then as given). Any subset of the result, in the same order, is one
/// [`gaps`] need not sort; the gaps are the same in any order.
///
/// ```
/// use geo::Point;
/// use linli::model::Building;
/// let b = |x: f64, y: f64| Building { id: String::new(), footprint: None, location: Point::new(x, y),
///     households: 1, estimated: false, use_: "residential".into() };
/// let bs = vec![b(500.0, 0.0), b(0.0, 500.0), b(0.0, 0.0)];
/// assert_eq!(linli::coverage::gaps::cell_order(&bs, 0..3, 100.0), vec![2, 0, 1]);
/// ```
pub fn cell_order(
    buildings: &[Building],
    members: impl IntoIterator<Item = usize>,
    link_m: f64,
) -> Vec<usize> {
    let members: Vec<usize> = members.into_iter().collect();
    let mut keyed = keyed_by_cell(buildings, &members, link_m);
    sort_by_cell(&mut keyed);
    keyed
        .into_iter()
        .map(|(_, _, k)| members[k as usize])
        .collect()
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
    // The members sorted by cell, row by row: each cell is a run of them,
    // and the cells a row or two up are found by cursors that only move
    // forward (no hashing, no list per cell).
    let mut keyed = keyed_by_cell(buildings, members, link_m);
    sort_by_cell(&mut keyed);
    let cells = cells_of(buildings, members, &keyed);
    let mut parent: Vec<usize> = (0..members.len()).collect();
    let member = |i: usize| keyed[i].2 as usize;
    for c in &cells {
        for i in c.start + 1..c.end {
            union(&mut parent, member(c.start), member(i));
        }
    }
    let near = Linking {
        buildings,
        members,
        keyed: &keyed,
        l2: link_m * link_m,
    };
    link_near_cells(&cells, &near, &mut parent);
    // The groups: members sorted by their root.
    let mut by_root: Vec<(usize, usize)> = (0..members.len())
        .map(|k| (find(&mut parent, k), members[k]))
        .collect();
    by_root.sort_unstable();
    let groups: Vec<Vec<usize>> = by_root
        .chunk_by(|a, b| a.0 == b.0)
        .map(|g| g.iter().map(|&(_, m)| m).collect())
        .collect();
    gap_areas(buildings, groups, margin_m)
}

/// A cell of the gap grid holding members.
struct Cell {
    row: i64,
    col: i64,
    /// `keyed[start..end]` are its members.
    start: usize,
    end: usize,
    bbox: [f64; 4],
}

/// The cells of the members `keyed` (sorted by cell), with their boxes.
fn cells_of(buildings: &[Building], members: &[usize], keyed: &[(i64, i64, u32)]) -> Vec<Cell> {
    let mut cells: Vec<Cell> = Vec::new();
    for (i, &(r, c, k)) in keyed.iter().enumerate() {
        let p = buildings[members[k as usize]].location;
        match cells.last_mut() {
            Some(last) if (last.row, last.col) == (r, c) => {
                last.end = i + 1;
                let b = &mut last.bbox;
                *b = [
                    b[0].min(p.x()),
                    b[1].min(p.y()),
                    b[2].max(p.x()),
                    b[3].max(p.y()),
                ];
            }
            _ => cells.push(Cell {
                row: r,
                col: c,
                start: i,
                end: i + 1,
                bbox: [p.x(), p.y(), p.x(), p.y()],
            }),
        }
    }
    cells
}

/// Joins the sets of `a` and `b` (the root is the smaller member).
fn union(parent: &mut [usize], a: usize, b: usize) {
    let (a, b) = (find(parent, a), find(parent, b));
    if a != b {
        parent[a.max(b)] = a.min(b);
    }
}

/// What the linking of two cells reads: the members' locations, the sorted
/// members and the squared link.
struct Linking<'a> {
    buildings: &'a [Building],
    members: &'a [usize],
    keyed: &'a [(i64, i64, u32)],
    l2: f64,
}

/// Joins every pair of cells up to two apart holding two members within
/// the link.
///
/// Each pair once: the cell itself looks at the two cells to its right and
/// at five cells in each of the two rows above. The groups are the same
/// whatever order pairs are joined in (union-find roots are the smallest
/// member).
fn link_near_cells(cells: &[Cell], near: &Linking, parent: &mut [usize]) {
    let member = |i: usize| near.keyed[i].2 as usize;
    let mut cursor = [0usize; 3];
    for ci in 0..cells.len() {
        let (row, col) = (cells[ci].row, cells[ci].col);
        for dy in 0..=2i64 {
            // The first cell at or after (row + dy, first column).
            let first = (row + dy, if dy == 0 { col + 1 } else { col - 2 });
            let cur = &mut cursor[dy as usize];
            while *cur < cells.len() && (cells[*cur].row, cells[*cur].col) < first {
                *cur += 1;
            }
            let mut oi = *cur;
            while oi < cells.len() && cells[oi].row == row + dy && cells[oi].col <= col + 2 {
                let (kc, oc) = (&cells[ci], &cells[oi]);
                oi += 1;
                let (kb, ob) = (&kc.bbox, &oc.bbox);
                // Boxes farther apart than the link: no pair can join.
                let gx = (ob[0] - kb[2]).max(kb[0] - ob[2]).max(0.0);
                let gy = (ob[1] - kb[3]).max(kb[1] - ob[3]).max(0.0);
                if gx * gx + gy * gy > near.l2
                    || find(parent, member(kc.start)) == find(parent, member(oc.start))
                {
                    continue;
                }
                if let Some((a, b)) = close_pair(kc, oc, near) {
                    union(parent, a, b);
                }
            }
        }
    }
}

/// The first pair of members (one of each cell) within the link, if any.
fn close_pair(kc: &Cell, oc: &Cell, near: &Linking) -> Option<(usize, usize)> {
    let member = |i: usize| near.keyed[i].2 as usize;
    let at = |k: usize| near.buildings[near.members[k]].location;
    // Squared distance from a point to a box (0 inside).
    let to_box = |x: f64, y: f64, b: &[f64; 4]| {
        let dx = (b[0] - x).max(x - b[2]).max(0.0);
        let dy = (b[1] - y).max(y - b[3]).max(0.0);
        dx * dx + dy * dy
    };
    for a in kc.start..kc.end {
        let p = at(member(a));
        if to_box(p.x(), p.y(), &oc.bbox) > near.l2 {
            continue;
        }
        for b in oc.start..oc.end {
            let q = at(member(b));
            let (ddx, ddy) = (p.x() - q.x(), p.y() - q.y());
            if ddx * ddx + ddy * ddy <= near.l2 {
                return Some((member(a), member(b)));
            }
        }
    }
    None
}

/// Each group of buildings as a gap with its households and widened hull
/// (in parallel), largest first.
fn gap_areas(buildings: &[Building], groups: Vec<Vec<usize>>, margin_m: f64) -> Vec<Gap> {
    use rayon::prelude::*;
    let ring = round(margin_m);
    let mut out: Vec<Gap> = groups
        .into_par_iter()
        .map(|mut bs| {
            bs.sort_unstable();
            let households = bs.iter().map(|&b| u64::from(buildings[b].households)).sum();
            let area = hull_area(buildings, &bs, &ring);
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
fn hull_area(buildings: &[Building], bs: &[usize], ring: &[Coord<f64>]) -> MultiPolygon<f64> {
    let mut coords: Vec<Point<f64>> = Vec::new();
    for &b in bs {
        match &buildings[b].footprint {
            Some(f) => coords.extend(f.exterior().0.iter().map(|c: &Coord<f64>| Point(*c))),
            None => coords.push(buildings[b].location),
        }
    }
    let hull = MultiPoint::new(coords).convex_hull();
    let widened = minkowski_candidates(&hull.exterior().0, ring);
    if widened.is_empty() {
        return MultiPolygon::new(Vec::new());
    }
    MultiPolygon::new(vec![MultiPoint::new(widened).convex_hull()])
}

/// The 24-gon standing in for a circle of radius `margin`, counter-clockwise
/// from angle 0 (made once per call of [`gaps`], not per gap).
fn round(margin: f64) -> Vec<Coord<f64>> {
    (0..ROUND)
        .map(|k| {
            let a = std::f64::consts::TAU * k as f64 / ROUND as f64;
            Coord {
                x: margin * a.cos(),
                y: margin * a.sin(),
            }
        })
        .collect()
}

/// Among the sums `h + r` of a convex ring's corners and a convex
/// polygon's offsets (both counter-clockwise), the ones that can be corners
/// of their convex hull: the sums met walking both outlines in order of edge
/// direction (the Minkowski sum), plus both neighbours wherever two edges are
/// within a micrometre of parallel, so rounding can never leave a corner
/// out. Their hull is the hull of all the sums, from about a quarter of the
/// points.
fn minkowski_candidates(hull: &[Coord<f64>], ring: &[Coord<f64>]) -> Vec<Point<f64>> {
    let mut h: Vec<Coord<f64>> = hull.to_vec();
    h.dedup();
    if h.len() > 1 && h[0] == h[h.len() - 1] {
        h.pop();
    }
    if h.is_empty() || ring.is_empty() {
        return Vec::new();
    }
    let sum = |a: Coord<f64>, b: Coord<f64>| Point::new(a.x + b.x, a.y + b.y);
    if h.len() == 1 || ring.len() == 1 {
        return h
            .iter()
            .flat_map(|&a| ring.iter().map(move |&b| sum(a, b)))
            .collect();
    }
    // Each outline from its lowest corner (then leftmost), so both walks
    // start at the same edge direction.
    let lowest = |v: &[Coord<f64>]| {
        (0..v.len())
            .min_by(|&a, &b| v[a].y.total_cmp(&v[b].y).then(v[a].x.total_cmp(&v[b].x)))
            .unwrap_or(0)
    };
    let (hs, rs) = (lowest(&h), lowest(ring));
    let (n, m) = (h.len(), ring.len());
    let p = |i: usize| h[(hs + i) % n];
    let q = |j: usize| ring[(rs + j) % m];
    let mut out = Vec::with_capacity(n + m + 8);
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        out.push(sum(p(i), q(j)));
        if i == n {
            j += 1;
        } else if j == m {
            i += 1;
        } else {
            let (e, f) = (p(i + 1) - p(i), q(j + 1) - q(j));
            let cross = e.x * f.y - e.y * f.x;
            let longer = e.x.hypot(e.y).max(f.x.hypot(f.y));
            if cross.abs() <= 1e-6 * longer {
                // Nearly parallel: both ways round are kept.
                out.push(sum(p(i + 1), q(j)));
                out.push(sum(p(i), q(j + 1)));
            }
            if cross >= 0.0 {
                i += 1;
            }
            if cross <= 0.0 {
                j += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sums(hull: &[Coord<f64>], ring: &[Coord<f64>]) -> Vec<Point<f64>> {
        hull.iter()
            .flat_map(|&a| ring.iter().map(move |&b| Point::new(a.x + b.x, a.y + b.y)))
            .collect()
    }

    proptest! {
        // The candidates' hull is the hull of every sum, to the bit: the
        // same corners in the same order.
        #[test]
        fn candidates_make_the_same_hull(
            pts in prop::collection::vec((300_000.0..300_400.0f64, 3_400_000.0..3_400_400.0f64), 1..40),
            axis in any::<bool>(),
            margin in 0.5..40.0f64,
        ) {
            // Axis-aligned boxes too: their edges run parallel to the ring's.
            let pts: Vec<Point<f64>> = if axis {
                pts.iter().flat_map(|&(x, y)| [Point::new(x, y), Point::new(x + 10.0, y), Point::new(x, y + 5.0)]).collect()
            } else {
                pts.iter().map(|&(x, y)| Point::new(x, y)).collect()
            };
            let hull = MultiPoint::new(pts).convex_hull();
            for n in [4usize, 24] {
                let ring: Vec<Coord<f64>> = (0..n)
                    .map(|k| {
                        let a = std::f64::consts::TAU * k as f64 / n as f64;
                        Coord { x: margin * a.cos(), y: margin * a.sin() }
                    })
                    .collect();
                let all = MultiPoint::new(sums(&hull.exterior().0, &ring)).convex_hull();
                let some = MultiPoint::new(minkowski_candidates(&hull.exterior().0, &ring)).convex_hull();
                prop_assert_eq!(all, some);
            }
        }
    }

    proptest! {
        // Packed keys sort as the triples do, and spans too wide to pack
        // fall back to sorting the triples.
        #[test]
        fn cells_sort_as_triples(
            v in prop::collection::vec((-50i64..50, -50i64..50, 0u32..1000), 0..60),
            wide in any::<bool>(),
        ) {
            let mut v = v;
            if wide && !v.is_empty() {
                v[0].0 = i64::MIN;
                v[0].1 = i64::MAX;
            }
            let mut expected = v.clone();
            expected.sort_unstable();
            sort_by_cell(&mut v);
            prop_assert_eq!(v, expected);
        }
    }

    fn area_bits(g: &Gap) -> Vec<(u64, u64)> {
        g.area
            .0
            .iter()
            .flat_map(|p| {
                p.exterior()
                    .0
                    .iter()
                    .map(|c| (c.x.to_bits(), c.y.to_bits()))
            })
            .collect()
    }

    proptest! {
        // The gaps do not depend on the order of the members: given as they
        // come, shuffled, or as a subset of the cell order (which the search
        // then need not sort), the same gaps, to the bit.
        #[test]
        fn gaps_are_the_same_in_any_member_order(
            pts in prop::collection::vec((0.0..600.0f64, 0.0..600.0f64, 0u32..40, any::<bool>()), 1..120),
            keep in prop::collection::vec(any::<bool>(), 120),
            seed in any::<u64>(),
            link in 5.0..120.0f64,
        ) {
            let buildings: Vec<Building> = pts
                .iter()
                .enumerate()
                .map(|(i, &(x, y, hh, fp))| Building {
                    id: format!("b{i}"),
                    footprint: fp.then(|| geo::Rect::new((x - 4.0, y - 3.0), (x + 4.0, y + 3.0)).to_polygon()),
                    location: Point::new(x, y),
                    households: hh,
                    estimated: false,
                    use_: "residential".into(),
                })
                .collect();
            let members: Vec<usize> = (0..buildings.len()).filter(|&i| keep[i]).collect();
            let reference = gaps(&buildings, &members, link, 0.25 * link);
            let same = |other: Vec<Gap>| -> Result<(), TestCaseError> {
                prop_assert_eq!(other.len(), reference.len());
                for (a, b) in other.iter().zip(&reference) {
                    prop_assert_eq!(&a.buildings, &b.buildings);
                    prop_assert_eq!(a.households, b.households);
                    prop_assert_eq!(area_bits(a), area_bits(b));
                }
                Ok(())
            };
            // Shuffled (a small LCG keeps the case reproducible).
            let mut shuffled = members.clone();
            let mut s = seed | 1;
            for i in (1..shuffled.len()).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (s >> 33) as usize % (i + 1));
            }
            same(gaps(&buildings, &shuffled, link, 0.25 * link))?;
            // A subset of the cell order of all buildings: already sorted.
            let order = cell_order(&buildings, 0..buildings.len(), link);
            let subset: Vec<usize> = order.into_iter().filter(|&i| keep[i]).collect();
            let mut keyed = keyed_by_cell(&buildings, &subset, link);
            prop_assert!(keyed.is_sorted());
            sort_by_cell(&mut keyed);
            same(gaps(&buildings, &subset, link, 0.25 * link))?;
        }
    }

    #[test]
    fn a_point_and_a_segment_widen_to_a_disc_and_a_band() {
        let ring: Vec<Coord<f64>> = (0..ROUND)
            .map(|k| {
                let a = std::f64::consts::TAU * k as f64 / ROUND as f64;
                Coord {
                    x: a.cos(),
                    y: a.sin(),
                }
            })
            .collect();
        let p = [Coord { x: 5.0, y: 5.0 }, Coord { x: 5.0, y: 5.0 }];
        assert_eq!(minkowski_candidates(&p, &ring).len(), ROUND);
        let seg = [
            Coord { x: 0.0, y: 0.0 },
            Coord { x: 10.0, y: 0.0 },
            Coord { x: 0.0, y: 0.0 },
        ];
        let band = MultiPoint::new(minkowski_candidates(&seg, &ring)).convex_hull();
        let all = MultiPoint::new(sums(&seg, &ring)).convex_hull();
        assert_eq!(band, all);
        assert!(minkowski_candidates(&[], &ring).is_empty());
    }
}
