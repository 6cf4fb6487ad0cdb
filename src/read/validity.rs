//! geo's polygon validity, answered without allocating for the common case.
//!
//! `geo::Validation` boxes a callback, copies each ring to drop repeated
//! points and tests every ordered pair of a ring's segments for crossing
//! (sixteen pairs for a four-sided footprint, each a robust intersection
//! test): most of the time spent reading a city's buildings after parsing.
//! For a polygon without holes this applies the very same rules, the same
//! crossing predicate on each unordered pair once, cheap comparisons first;
//! for anything else it leaves the answer (and the message) to geo.

use geo::{Coord, Intersects, Line, Polygon};

/// Whether geo would find `p` valid: `Some(answer)` for a polygon without
/// holes, `None` (ask geo) for one with holes.
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
    let r: &[Coord<f64>] = &p.exterior().0;
    // geo: an empty polygon is valid.
    if r.is_empty() {
        return Some(true);
    }
    // geo: fewer than four points once consecutive repeats are dropped.
    let distinct = 1 + r.windows(2).filter(|w| w[0] != w[1]).count();
    if distinct < 4 {
        return Some(false);
    }
    // geo: segments i ≠ j that intersect, unless one ends where the other
    // starts (the same test either way round, so each pair once).
    let n = r.len() - 1;
    for i in 0..n {
        let li = Line::new(r[i], r[i + 1]);
        for j in i + 1..n {
            let lj = Line::new(r[j], r[j + 1]);
            if li.start != lj.end && li.end != lj.start && li.intersects(&lj) {
                return Some(false);
            }
        }
    }
    // geo: every coordinate finite.
    Some(r.iter().all(|c| c.x.is_finite() && c.y.is_finite()))
}
