//! Bands along lines: pieces of network (a reach too thin for a hull, see
//! [`super::isochrones`]) or a gap's buildings banded and dissolved into a
//! valid polygon.

use geo::{Buffer, Coord, Line, LineString, MultiLineString, MultiPolygon};

/// Turns reached pieces plus the facility's leg into a dissolved polygon:
/// a band of half-width `width` around them.
///
/// ```
/// use geo::{Area, Coord, Line};
/// let lines = vec![Line::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 100.0, y: 0.0 })];
/// let mp = linli::coverage::areas::polygon(&lines, None, 10.0);
/// assert!((mp.unsigned_area() - (2000.0 + std::f64::consts::PI * 100.0)).abs() < 20.0);
/// ```
pub fn polygon(lines: &[Line<f64>], leg: Option<Line<f64>>, width: f64) -> MultiPolygon<f64> {
    use geo::algorithm::buffer::{BufferStyle, LineCap, LineJoin};
    let all: Vec<Line<f64>> = lines
        .iter()
        .chain(leg.iter())
        .filter(|l| l.start != l.end)
        .copied()
        .collect();
    let mls = MultiLineString::new(chains(&all));
    // Vertices within SIMPLIFY_M of a straight run add nothing a band of
    // tens of metres shows, and cost the buffer its time (chain ends, the
    // exact reach of each street, are kept).
    let mls = {
        use geo::Simplify;
        mls.simplify(SIMPLIFY_M)
    };
    if mls.0.is_empty() {
        return MultiPolygon::new(Vec::new());
    }
    // Coarser arcs than the default (0.2 rad) keep files small; a 50 m band
    // drawn with 0.4 rad arcs is within 1 m of the true circle.
    let style = BufferStyle::new(width)
        .line_join(LineJoin::Round(0.4))
        .line_cap(LineCap::Round(0.4));
    clean(mls.buffer_with_style(style))
}

/// Douglas–Peucker tolerance (m) of the reached lines before buffering: on
/// a 400,000-household generated district it makes service areas 1.6×
/// faster and their file a quarter smaller; the band moves by at most this.
///
/// ```
/// assert!(linli::coverage::areas::SIMPLIFY_M < 1.0);
/// ```
pub const SIMPLIFY_M: f64 = 0.5;

/// Smallest ring kept (m²), and closest vertices kept (m): the buffer can
/// leave slivers and near-duplicate vertices a few millimetres apart, which
/// collapse or cross once written as lon/lat with 7 decimals (about 1 cm).
const MIN_RING_M2: f64 = 1.0;
const MIN_STEP_M: f64 = 0.05;

/// Drops slivers and vertices closer than 5 cm to the previous one, so the
/// polygon stays valid after rounding to the output's centimetre grid.
///
/// ```
/// use geo::{polygon, Area, MultiPolygon};
/// let p = polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.001, y: 0.0), (x: 10.0, y: 10.0)];
/// let c = linli::coverage::areas::clean(MultiPolygon(vec![p]));
/// assert_eq!(c.0[0].exterior().0.len(), 4);
/// ```
pub fn clean(mp: MultiPolygon<f64>) -> MultiPolygon<f64> {
    use geo::{Area, Polygon};
    let ring = |ls: &LineString<f64>| -> Option<LineString<f64>> {
        let mut pts: Vec<Coord<f64>> = Vec::with_capacity(ls.0.len());
        for &c in &ls.0 {
            match pts.last() {
                Some(p) if (p.x - c.x).hypot(p.y - c.y) < MIN_STEP_M => {}
                _ => pts.push(c),
            }
        }
        // Keep the ring closed on its first point.
        while pts.len() > 1 && {
            let (f, l) = (pts[0], pts[pts.len() - 1]);
            (f.x - l.x).hypot(f.y - l.y) < MIN_STEP_M
        } {
            pts.pop();
        }
        if pts.len() < 3 {
            return None;
        }
        pts.push(pts[0]);
        let r = LineString::new(pts);
        (Polygon::new(r.clone(), vec![]).unsigned_area() >= MIN_RING_M2).then_some(r)
    };
    MultiPolygon::new(
        mp.0.iter()
            .filter_map(|p| {
                let ext = ring(p.exterior())?;
                let holes = p.interiors().iter().filter_map(ring).collect();
                Some(Polygon::new(ext, holes))
            })
            .collect(),
    )
}

pub use crate::model::lines::chains;

/// Widths (m) of the openings [`simple_rings`] tries, narrowest first.
const OPENINGS_M: [f64; 3] = [0.05, 0.25, 1.0];

/// `mp` with every ring that crosses or touches itself opened: shrunk and
/// grown back by a few centimetres, which takes off what is thinner than
/// twice that. The overlay of hulls dug along dead-end streets can
/// leave a spike a few centimetres wide whose two sides cross; geo draws
/// it, GEOS and GIS tools reject it (one service area in a 30M-household
/// district). Only such a ring is opened, as the region it bounds: an
/// exterior's pieces within it, a hole's within the hole; the other rings
/// and polygons are returned as they are.
///
/// ```
/// use geo::{polygon, Area, MultiPolygon, Validation};
/// // A 40 m spike folding back across its own side at a 5 cm tip.
/// let p = polygon![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 50.0),
///     (x: 60.0, y: 50.0), (x: 20.0, y: 50.03), (x: 20.0, y: 50.08), (x: 59.0, y: 49.99),
///     (x: 0.0, y: 50.0)];
/// assert!(!p.is_valid());
/// let fixed = linli::coverage::areas::simple_rings(MultiPolygon(vec![p]));
/// assert!(fixed.is_valid());
/// assert!((fixed.unsigned_area() - 5000.0).abs() < 5.0);
/// ```
pub fn simple_rings(mp: MultiPolygon<f64>) -> MultiPolygon<f64> {
    use geo::{Contains, Polygon};
    let mut out = Vec::with_capacity(mp.0.len());
    for p in mp.0 {
        if rings(&p).all(simple) {
            out.push(p);
            continue;
        }
        // Ring by ring: opening a whole district-wide polygon costs seconds
        // and its overlay can pinch rings elsewhere.
        let (ext, holes) = p.into_inner();
        let holes: Vec<LineString<f64>> = holes
            .into_iter()
            .flat_map(|h| match simple(&h) {
                true => vec![h],
                false => opened(h).into_iter().map(|q| q.into_inner().0).collect(),
            })
            .collect();
        if simple(&ext) {
            out.push(Polygon::new(ext, holes));
            continue;
        }
        // Each hole goes to the piece of the opened exterior around it.
        let pieces = opened(ext);
        let mut inner: Vec<Vec<LineString<f64>>> = vec![Vec::new(); pieces.len()];
        for h in holes {
            if let Some(k) = pieces.iter().position(|q| q.contains(&h.0[0])) {
                inner[k].push(h);
            }
        }
        for (q, hs) in pieces.into_iter().zip(inner) {
            out.push(Polygon::new(q.into_inner().0, hs));
        }
    }
    MultiPolygon::new(out)
}

fn rings(p: &geo::Polygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    std::iter::once(p.exterior()).chain(p.interiors())
}

/// Whether a ring neither crosses nor (within [`PINCH_M`]) touches itself;
/// indexed (geo's validation compares every pair of segments, and a
/// district's service area has rings of 40,000 vertices).
fn simple(r: &LineString<f64>) -> bool {
    use crate::read::validity::plain_polygon_valid;
    !pinched(r) && plain_polygon_valid(&geo::Polygon::new(r.clone(), vec![])) == Some(true)
}

/// The region a ring bounds, opened by the narrowest of [`OPENINGS_M`] that
/// leaves every ring simple (the widest if none does); the pieces lie
/// within the region.
fn opened(r: LineString<f64>) -> Vec<geo::Polygon<f64>> {
    let region = MultiPolygon::new(vec![geo::Polygon::new(r, vec![])]);
    let mut pieces = Vec::new();
    for d in OPENINGS_M {
        pieces = clean(grown(grown(region.clone(), -d), d)).0;
        if pieces.iter().all(|q| rings(q).all(simple)) {
            break;
        }
    }
    pieces
}

/// Vertices of one ring closer than this (m) make a pinch: written in
/// lon/lat, two vertices nanometres apart become one point.
const PINCH_M: f64 = 0.001;

/// Whether `ring` passes twice within [`PINCH_M`] of one point (its
/// closing point aside; consecutive vertices are farther apart after
/// [`clean`]): geo's validity allows it, GEOS calls it a ring
/// self-intersection once the output's lon/lat make the two one point.
fn pinched(ring: &LineString<f64>) -> bool {
    let n = ring.0.len().saturating_sub(1);
    let mut at: Vec<Coord<f64>> = ring.0[..n].to_vec();
    at.sort_unstable_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
    (0..at.len()).any(|i| {
        at[i + 1..]
            .iter()
            .take_while(|c| c.x - at[i].x <= PINCH_M)
            .any(|c| (c.y - at[i].y).abs() <= PINCH_M)
    })
}

/// `mp` grown by `d` metres (shrunk when negative), bevelled corners.
pub(super) fn grown(mp: MultiPolygon<f64>, d: f64) -> MultiPolygon<f64> {
    use geo::algorithm::buffer::{BufferStyle, LineJoin};
    mp.buffer_with_style(BufferStyle::new(d).line_join(LineJoin::Bevel))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Polygon, Validation};

    /// The hole GEOS rejected in the neighborhood offices' service area of
    /// a 30M-household synth district (metres from its first point): a
    /// 33 m spike with a 5 cm tip whose sides cross.
    #[test]
    fn the_spike_of_a_province_is_opened() {
        let pts: Vec<(f64, f64)> = vec![
            (0.000000, 0.000000),
            (0.012072, 0.162602),
            (0.277532, 3.746804),
            (1.698931, 28.460198),
            (22.545063, 72.485997),
            (44.898998, 71.904002),
            (70.415635, 71.022197),
            (95.932206, 70.140265),
            (121.392319, 69.058695),
            (146.852488, 67.977121),
            (155.212391, 67.564240),
            (155.825218, 67.534002),
            (168.052588, 66.930057),
            (172.232569, 66.723609),
            (189.252745, 65.883010),
            (197.612644, 65.470094),
            (222.918879, 64.089218),
            (247.581961, 43.101086),
            (246.708043, 24.232740),
            (240.116880, -79.260624),
            (238.112169, -103.704139),
            (202.927233, -122.703449),
            (169.952370, -119.514852),
            (169.902469, -119.510006),
            (235.968096, -125.918602),
            (235.753490, -128.141697),
            (235.537975, -130.374806),
            (233.395305, -152.574005),
            (230.764104, -177.006279),
            (228.132854, -201.438616),
            (227.022031, -211.211498),
            (222.466459, -250.296520),
            (162.653911, -267.036590),
            (0.000000, 0.000000),
        ];
        let hole = LineString::from(pts);
        let outer = LineString::from(vec![
            (-100.0, -400.0),
            (400.0, -400.0),
            (400.0, 200.0),
            (-100.0, 200.0),
            (-100.0, -400.0),
        ]);
        let p = Polygon::new(outer, vec![hole]);
        assert!(!p.is_valid());
        let area = p.unsigned_area();
        let fixed = simple_rings(MultiPolygon::new(vec![p]));
        assert!(fixed.is_valid(), "{fixed:?}");
        let lost = area - fixed.unsigned_area();
        assert!(lost.abs() < 10.0, "{lost} m² lost");
        // What is valid stays as it was.
        assert_eq!(simple_rings(fixed.clone()), fixed);
    }

    /// Two squares meeting at a corner drawn as one ring (a pinch, also in
    /// the 30M district): geo accepts it, GEOS does not; opened, they are
    /// two polygons.
    #[test]
    fn a_pinched_ring_is_opened() {
        let ring = LineString::from(vec![
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (20.0, 10.0),
            (20.0, 20.0),
            (10.0, 20.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ]);
        assert!(pinched(&ring));
        let mut nearly = ring.clone();
        nearly.0[6].x += 1e-9;
        assert!(pinched(&nearly));
        nearly.0[6].x += 0.01;
        assert!(!pinched(&nearly));
        let fixed = simple_rings(MultiPolygon::new(vec![Polygon::new(ring, vec![])]));
        assert_eq!(fixed.0.len(), 2);
        assert!(fixed.0.iter().all(|p| !pinched(p.exterior())));
        assert!((fixed.unsigned_area() - 200.0).abs() < 5.0);
    }
}
