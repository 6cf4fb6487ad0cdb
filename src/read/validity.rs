//! geo's polygon validity, in O(n log n) on long rings and without
//! allocating on short ones.
//!
//! `geo::Validation` tests every ordered pair of a ring's segments for
//! crossing: sixteen pairs for a four-sided footprint (most of the time
//! spent reading a city's buildings after parsing), and 10¹² for a surveyed
//! community boundary of a million vertices (which never finished). This
//! applies the very same rules with the same crossing predicate: on a short
//! ring to each unordered pair once, cheap comparisons first; on a long one
//! only to the pairs whose bounding boxes meet, found with an R-tree over
//! the segments. Holes are checked against the exterior and each other as
//! geo checks them (its prepared `relate`, which indexes the edges itself).

use geo::algorithm::validation::{InvalidPolygon, RingRole};
use geo::coordinate_position::CoordPos;
use geo::dimensions::Dimensions;
use geo::{Coord, Intersects, Line, Polygon, PreparedGeometry, Relate};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

/// Rings with more segments than this are checked through an R-tree; below
/// it, every pair costs less than building one.
const PAIRWISE_MAX_SEGMENTS: usize = 64;

/// Whether geo would find `p` valid: `Some(answer)` for a polygon without
/// holes, `None` (ask [`check_polygon`]) for one with holes.
///
/// ```
/// use geo::{polygon, Validation};
/// use linli::read::validity::plain_polygon_valid;
/// let square = polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0)];
/// let bowtie = polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 4.0), (x: 4.0, y: 0.0), (x: 0.0, y: 4.0)];
/// assert_eq!(plain_polygon_valid(&square), Some(square.is_valid()));
/// assert_eq!(plain_polygon_valid(&bowtie), Some(false));
/// ```
pub fn plain_polygon_valid(p: &Polygon<f64>) -> Option<bool> {
    if !p.interiors().is_empty() {
        return None;
    }
    Some(ring_problem(&p.exterior().0, RingRole::Exterior).is_none())
}

/// geo's `check_validation` of a polygon: the first rule broken, in geo's
/// order and with its message, or `Ok`.
///
/// ```
/// use geo::{polygon, Validation};
/// use linli::read::validity::check_polygon;
/// let bowtie = polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 4.0), (x: 4.0, y: 0.0), (x: 0.0, y: 4.0)];
/// assert_eq!(check_polygon(&bowtie), bowtie.check_validation());
/// assert_eq!(check_polygon(&bowtie).unwrap_err().to_string(), "exterior ring has a self-intersection");
/// ```
pub fn check_polygon(p: &Polygon<f64>) -> Result<(), InvalidPolygon> {
    let rings = std::iter::once(p.exterior()).chain(p.interiors());
    for (k, ring) in rings.enumerate() {
        let role = if k == 0 {
            RingRole::Exterior
        } else {
            RingRole::Interior(k - 1)
        };
        // geo: an empty polygon is valid; an empty ring is skipped.
        if k == 0 && ring.0.is_empty() {
            return Ok(());
        }
        if let Some(e) = ring_problem(&ring.0, role) {
            return Err(e);
        }
    }
    holes_problem(p).map_or(Ok(()), Err)
}

/// The first problem of one ring, in geo's order: too few points, a
/// self-intersection, a coordinate that is not finite.
fn ring_problem(r: &[Coord<f64>], role: RingRole) -> Option<InvalidPolygon> {
    if r.is_empty() {
        return None;
    }
    // geo: fewer than four points once consecutive repeats are dropped.
    let distinct = 1 + r.windows(2).filter(|w| w[0] != w[1]).count();
    if distinct < 4 {
        return Some(InvalidPolygon::TooFewPointsInRing(role));
    }
    let finite = |c: &Coord<f64>| c.x.is_finite() && c.y.is_finite();
    if let Some(at) = r.iter().position(|c| !finite(c)) {
        // geo would first look for crossings with the non-finite numbers in
        // them; there is nothing meaningful to find (and no box to index).
        let crossing = r.len() <= PAIRWISE_MAX_SEGMENTS + 1 && crosses_pairwise(r);
        return Some(if crossing {
            InvalidPolygon::SelfIntersection(role)
        } else {
            InvalidPolygon::NonFiniteCoord(role, geo::algorithm::validation::CoordIndex(at))
        });
    }
    let crossing = if r.len() <= PAIRWISE_MAX_SEGMENTS + 1 {
        crosses_pairwise(r)
    } else {
        crosses_indexed(r)
    };
    crossing.then_some(InvalidPolygon::SelfIntersection(role))
}

/// geo's crossing rule for segments `i ≠ j` of a ring: they intersect,
/// unless one ends where the other starts (the same either way round, so
/// each unordered pair is tested once).
fn segments_cross(a: Line<f64>, b: Line<f64>) -> bool {
    a.start != b.end && a.end != b.start && a.intersects(&b)
}

/// Every pair of segments of a short ring.
fn crosses_pairwise(r: &[Coord<f64>]) -> bool {
    let n = r.len() - 1;
    (0..n).any(|i| {
        let li = Line::new(r[i], r[i + 1]);
        (i + 1..n).any(|j| segments_cross(li, Line::new(r[j], r[j + 1])))
    })
}

/// Consecutive segments of a long ring indexed together: the R-tree holds
/// one box per run of this many (a ring's neighbours lie close together, so
/// a run's box is small), which makes it this many times smaller to build.
const RUN: usize = 8;

/// The pairs of segments whose (closed) bounding boxes meet, found with an
/// R-tree over runs of [`RUN`] consecutive segments: two segments can only
/// intersect where their boxes do. On a real ring each run meets its two
/// neighbours and a few others, so this is O(n log n); the queries run on
/// every core.
fn crosses_indexed(r: &[Coord<f64>]) -> bool {
    use rayon::prelude::*;
    let n = r.len() - 1;
    let seg_box = |i: usize| {
        let (a, b) = (r[i], r[i + 1]);
        [a.x.min(b.x), a.y.min(b.y), a.x.max(b.x), a.y.max(b.y)]
    };
    let run_box = |k: usize| {
        (k * RUN..((k + 1) * RUN).min(n))
            .map(seg_box)
            .reduce(|a, b| {
                [
                    a[0].min(b[0]),
                    a[1].min(b[1]),
                    a[2].max(b[2]),
                    a[3].max(b[3]),
                ]
            })
            .expect("a run has a segment")
    };
    let runs = n.div_ceil(RUN);
    let rect = |b: [f64; 4]| Rectangle::from_corners([b[0], b[1]], [b[2], b[3]]);
    let tree = RTree::bulk_load(
        (0..runs)
            .map(|k| GeomWithData::new(rect(run_box(k)), k))
            .collect::<Vec<_>>(),
    );
    let meet =
        |a: [f64; 4], b: [f64; 4]| a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
    (0..runs).into_par_iter().with_min_len(512).any(|k| {
        let bk = run_box(k);
        let env = AABB::from_corners([bk[0], bk[1]], [bk[2], bk[3]]);
        tree.locate_in_envelope_intersecting(&env)
            .filter(|other| other.data >= k)
            .any(|other| {
                let theirs = other.data * RUN..((other.data + 1) * RUN).min(n);
                (k * RUN..((k + 1) * RUN).min(n)).any(|i| {
                    let (bi, li) = (seg_box(i), Line::new(r[i], r[i + 1]));
                    theirs.clone().any(|j| {
                        j > i
                            && meet(bi, seg_box(j))
                            && segments_cross(li, Line::new(r[j], r[j + 1]))
                    })
                })
            })
    })
}

/// geo's checks of the holes (rings already found simple): each inside the
/// exterior and touching it at points only; no two overlapping or touching
/// on a line.
fn holes_problem(p: &Polygon<f64>) -> Option<InvalidPolygon> {
    if p.interiors().iter().all(|r| r.0.is_empty()) {
        return None;
    }
    let shell = Polygon::new(p.exterior().clone(), vec![]);
    let shell = PreparedGeometry::from(&shell);
    for (i, hole) in p.interiors().iter().enumerate() {
        if hole.0.is_empty() {
            continue;
        }
        let role = RingRole::Interior(i);
        let as_poly = Polygon::new(hole.clone(), vec![]);
        let prepared = PreparedGeometry::from(&as_poly);
        let m = shell.relate(&prepared);
        if !m.is_contains() {
            return Some(InvalidPolygon::InteriorRingNotContainedInExteriorRing(role));
        }
        if m.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
            return Some(InvalidPolygon::IntersectingRingsOnALine(
                RingRole::Exterior,
                role,
            ));
        }
        for (j, other) in p.interiors().iter().enumerate().skip(i + 1) {
            if other.0.is_empty() {
                continue;
            }
            let m = prepared.relate(&Polygon::new(other.clone(), vec![]));
            if m.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                return Some(InvalidPolygon::IntersectingRingsOnAnArea(
                    role,
                    RingRole::Interior(j),
                ));
            }
            if m.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
                return Some(InvalidPolygon::IntersectingRingsOnALine(
                    role,
                    RingRole::Interior(j),
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Validation};

    /// A ring of `n` vertices wiggling around a circle (a surveyed boundary).
    fn wiggly(n: usize, bow: bool) -> Vec<Coord<f64>> {
        let mut r: Vec<Coord<f64>> = (0..n)
            .map(|i| {
                let t = std::f64::consts::TAU * i as f64 / n as f64;
                let rad = 100.0 * (1.0 + 0.02 * (37.0 * t).sin());
                Coord {
                    x: rad * t.cos(),
                    y: rad * t.sin(),
                }
            })
            .collect();
        if bow {
            // Two far vertices swapped: the ring crosses itself there.
            r.swap(n / 4, 3 * n / 4);
        }
        r.push(r[0]);
        r
    }

    #[test]
    fn long_rings_get_geo_s_verdict() {
        for n in [65, 200, 1000] {
            for bow in [false, true] {
                let p = Polygon::new(LineString(wiggly(n, bow)), vec![]);
                assert_eq!(check_polygon(&p), p.check_validation(), "n {n} bow {bow}");
                assert_eq!(plain_polygon_valid(&p), Some(p.is_valid()));
            }
        }
    }

    #[test]
    fn a_ring_touching_itself_at_a_vertex_is_invalid_long_or_short() {
        // A figure eight through (0, 0), densified to any length.
        let lobe = |sx: f64, k: usize| -> Vec<Coord<f64>> {
            (0..=k)
                .map(|i| {
                    let t = std::f64::consts::PI * i as f64 / k as f64;
                    Coord {
                        x: sx * (1.0 - t.cos()) * 10.0,
                        y: t.sin() * 10.0,
                    }
                })
                .collect()
        };
        for k in [4, 100] {
            let mut r = lobe(1.0, k);
            r.extend(
                lobe(-1.0, k)
                    .into_iter()
                    .rev()
                    .skip(1)
                    .map(|c| Coord { x: c.x, y: -c.y }),
            );
            r.push(r[0]);
            let p = Polygon::new(LineString(r), vec![]);
            assert!(!p.is_valid());
            assert_eq!(check_polygon(&p), p.check_validation(), "k {k}");
        }
    }

    #[test]
    fn holes_are_checked_as_geo_checks_them() {
        let sq = |x0: f64, y0: f64, s: f64| {
            LineString::from(vec![
                (x0, y0),
                (x0 + s, y0),
                (x0 + s, y0 + s),
                (x0, y0 + s),
                (x0, y0),
            ])
        };
        for holes in [
            vec![sq(2.0, 2.0, 2.0)],
            vec![sq(8.0, 8.0, 4.0)],
            vec![sq(2.0, 2.0, 3.0), sq(4.0, 4.0, 3.0)],
            vec![sq(2.0, 2.0, 2.0), sq(4.0, 2.0, 2.0)],
            vec![sq(0.0, 2.0, 2.0)],
            vec![LineString(Vec::new())],
        ] {
            let p = Polygon::new(sq(0.0, 0.0, 10.0), holes);
            assert_eq!(check_polygon(&p), p.check_validation(), "{p:?}");
        }
    }
}
