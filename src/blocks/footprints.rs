//! Buildings that a line runs through.
//!
//! A road drawn through a building (an arcade, a footway under a slab), a
//! landmark edge across one, or a cell edge between buildings would split
//! its footprint between two blocks, and so between two neighborhoods. Such
//! footprints have their outline added to the network; the faces inside
//! the outline then go whole to one side (see [`super::faces`]), so the
//! border bends around the building.

use super::index::BoxGrid;
use crate::model::{Barrier, BarrierKind, BarrierLine, Building};
use geo::{Coord, LineString, Polygon};
use rayon::prelude::*;

/// The buildings whose footprint interior some line of `lines` runs through
/// for more than `min_m` metres, ascending, each with the strongest such
/// line's barrier.
///
/// ```
/// use geo::{point, polygon};
/// use linli::blocks::footprints::crossed;
/// use linli::model::*;
/// let fp = polygon![(x: 0.0, y: 0.0), (x: 20.0, y: 0.0), (x: 20.0, y: 10.0), (x: 0.0, y: 10.0)];
/// let b = Building { id: "b".into(), footprint: Some(fp), location: point!(x: 10.0, y: 5.0),
///     households: 20, estimated: false, use_: "residential".into() };
/// let path = BarrierLine { line: vec![(5.0, -5.0), (5.0, 15.0)].into(),
///     barrier: Barrier { level: 1, kind: BarrierKind::Road } };
/// assert_eq!(crossed(&[b.clone()], &[path], 0.05)[0].0, 0);
/// let beside = BarrierLine { line: vec![(25.0, -5.0), (25.0, 15.0)].into(),
///     barrier: Barrier { level: 1, kind: BarrierKind::Road } };
/// assert!(crossed(&[b], &[beside], 0.05).is_empty());
/// ```
pub fn crossed(buildings: &[Building], lines: &[BarrierLine], min_m: f64) -> Vec<(usize, Barrier)> {
    let with: Vec<usize> = (0..buildings.len())
        .filter(|&i| buildings[i].footprint.is_some())
        .collect();
    if with.is_empty() {
        return Vec::new();
    }
    let boxes: Vec<[f64; 4]> = with
        .iter()
        .map(|&i| {
            ring_box(
                buildings[i]
                    .footprint
                    .as_ref()
                    .expect("filtered")
                    .exterior(),
            )
        })
        .collect();
    let grid = BoxGrid::new(boxes);
    let mut hit: Vec<(usize, Barrier)> = lines
        .par_iter()
        .with_min_len(64)
        .flat_map_iter(|l| {
            let mut out = Vec::new();
            for w in l.line.0.windows(2) {
                let (a, b) = (w[0], w[1]);
                let q = [a.x.min(b.x), a.y.min(b.y), a.x.max(b.x), a.y.max(b.y)];
                for k in grid.meeting(q) {
                    let fp = buildings[with[k]].footprint.as_ref().expect("filtered");
                    if inside_length(a, b, fp) > min_m {
                        out.push((with[k], l.barrier));
                    }
                }
            }
            out
        })
        .collect();
    // The strongest barrier per building: sorted so it comes last.
    hit.sort_unstable();
    let mut out: Vec<(usize, Barrier)> = Vec::with_capacity(hit.len());
    for h in hit {
        match out.last_mut() {
            Some(last) if last.0 == h.0 => *last = h,
            _ => out.push(h),
        }
    }
    out
}

/// [`crossed`], and the buildings whose footprint those outlines run
/// through in turn (overlapping footprints), until none is added.
pub fn crossed_closure(
    buildings: &[Building],
    lines: &[BarrierLine],
    min_m: f64,
) -> Vec<(usize, Barrier)> {
    let mut all = crossed(buildings, lines, min_m);
    let mut fresh: Vec<usize> = all.iter().map(|c| c.0).collect();
    while !fresh.is_empty() {
        let more: Vec<(usize, Barrier)> = crossed(buildings, &outlines(buildings, &fresh), min_m)
            .into_iter()
            .filter(|c| all.binary_search_by_key(&c.0, |x| x.0).is_err())
            .collect();
        fresh = more.iter().map(|c| c.0).collect();
        all.extend(more);
        all.sort_by_key(|c| c.0);
    }
    all
}

/// The outlines of `buildings[i]` for `i` in `which`, as lines of the
/// weakest level ([`BarrierKind::Building`]): they only bound the pieces
/// that go whole to one side.
pub fn outlines(buildings: &[Building], which: &[usize]) -> Vec<BarrierLine> {
    let barrier = Barrier {
        level: 0,
        kind: BarrierKind::Building,
    };
    which
        .iter()
        .filter_map(|&i| buildings[i].footprint.as_ref())
        .flat_map(|fp| std::iter::once(fp.exterior()).chain(fp.interiors()))
        .map(|r| BarrierLine {
            line: r.clone(),
            barrier,
        })
        .collect()
}

fn ring_box(r: &LineString<f64>) -> [f64; 4] {
    let mut q = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for c in &r.0 {
        q = [q[0].min(c.x), q[1].min(c.y), q[2].max(c.x), q[3].max(c.y)];
    }
    q
}

/// Length of segment `a`–`b` inside `poly` (boundary excluded).
fn inside_length(a: Coord<f64>, b: Coord<f64>, poly: &Polygon<f64>) -> f64 {
    let d = b - a;
    let len = d.x.hypot(d.y);
    if len == 0.0 {
        return 0.0;
    }
    // Where the segment meets the rings, as fractions of its length.
    let mut ts = vec![0.0, 1.0];
    for r in std::iter::once(poly.exterior()).chain(poly.interiors()) {
        for w in r.0.windows(2) {
            if let Some(t) = crossing(a, d, w[0], w[1]) {
                ts.push(t);
            }
        }
    }
    ts.sort_by(f64::total_cmp);
    let mut inside = 0.0;
    for w in ts.windows(2) {
        if w[1] - w[0] <= 0.0 {
            continue;
        }
        let tm = (w[0] + w[1]) / 2.0;
        let m = Coord {
            x: a.x + tm * d.x,
            y: a.y + tm * d.y,
        };
        if strictly_inside(m, poly) {
            inside += (w[1] - w[0]) * len;
        }
    }
    inside
}

/// The fraction along `a + t·d` where it meets segment `p`–`q`, if it does.
fn crossing(a: Coord<f64>, d: Coord<f64>, p: Coord<f64>, q: Coord<f64>) -> Option<f64> {
    let e = q - p;
    let den = d.x * e.y - d.y * e.x;
    if den == 0.0 {
        return None; // parallel: an overlap runs along the boundary, not inside
    }
    let f = p - a;
    let t = (f.x * e.y - f.y * e.x) / den;
    let u = (f.x * d.y - f.y * d.x) / den;
    ((0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u)).then_some(t)
}

/// Whether `p` is inside `poly` and not on (within 1 µm of) a ring: a line
/// along a wall does not run through the building.
fn strictly_inside(p: Coord<f64>, poly: &Polygon<f64>) -> bool {
    let rings = || std::iter::once(poly.exterior()).chain(poly.interiors());
    let on_ring = rings().any(|r| {
        r.0.windows(2).any(|w| {
            let (a, b) = (w[0], w[1]);
            let d = b - a;
            let len2 = d.x * d.x + d.y * d.y;
            let t = if len2 > 0.0 {
                (((p.x - a.x) * d.x + (p.y - a.y) * d.y) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            (a.x + t * d.x - p.x).hypot(a.y + t * d.y - p.y) <= 1e-6
        })
    });
    !on_ring
        && rings()
            .filter(|r| crate::blocks::polygonize::point_in_ring(p, &r.0))
            .count()
            % 2
            == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn lengths_inside_a_footprint_with_a_courtyard() {
        let fp = polygon![
            exterior: [(x: 0.0, y: 0.0), (x: 30.0, y: 0.0), (x: 30.0, y: 30.0), (x: 0.0, y: 30.0)],
            interiors: [[(x: 10.0, y: 10.0), (x: 20.0, y: 10.0), (x: 20.0, y: 20.0), (x: 10.0, y: 20.0)]],
        ];
        let l = |a: (f64, f64), b: (f64, f64)| {
            inside_length(Coord { x: a.0, y: a.1 }, Coord { x: b.0, y: b.1 }, &fp)
        };
        assert!((l((-5.0, 15.0), (35.0, 15.0)) - 20.0).abs() < 1e-9);
        assert!((l((-5.0, 5.0), (35.0, 5.0)) - 30.0).abs() < 1e-9);
        assert_eq!(l((-5.0, 0.0), (35.0, 0.0)), 0.0); // along the wall
        assert!((l((5.0, 5.0), (5.0, 8.0)) - 3.0).abs() < 1e-9); // wholly inside
        assert_eq!(l((12.0, 12.0), (18.0, 18.0)), 0.0); // in the courtyard
    }
}
