//! The spread of an area: its size, centre and polar moment, the figures
//! the partition's compactness term adds up per region.
//!
//! A region's polar moment about its own centre, against that of the disk
//! of the same area, says how far its ground lies from its middle: a long
//! strip or an arm reaching round another neighborhood has a large one, a
//! round or square region the smallest. Moments add over the units of a
//! region (the parallel-axis rule), so a move in the search updates them in
//! constant time.

use geo::{LineString, Polygon};

/// Area, centre and polar moment (about the centre) of a shape, metres.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Shape {
    /// Area, m².
    pub area: f64,
    /// Centre of the area.
    pub centre: (f64, f64),
    /// Polar second moment of the area about its centre, m⁴.
    pub moment: f64,
}

/// The [`Shape`] of a polygon (holes taken out).
///
/// ```
/// use geo::polygon;
/// use linli::partition::shape::shape_of;
/// let square = polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)];
/// let s = shape_of(&square);
/// assert!((s.area - 100.0).abs() < 1e-9);
/// assert!((s.centre.0 - 5.0).abs() < 1e-9 && (s.centre.1 - 5.0).abs() < 1e-9);
/// // A(w² + h²)/12 for a rectangle.
/// assert!((s.moment - 100.0 * 200.0 / 12.0).abs() < 1e-6);
/// ```
pub fn shape_of(polygon: &Polygon) -> Shape {
    // Sums relative to the first vertex keep the squares small.
    let Some(o) = polygon.exterior().0.first().copied() else {
        return Shape::default();
    };
    let mut sums = ring_sums(polygon.exterior(), (o.x, o.y));
    for hole in polygon.interiors() {
        let h = ring_sums(hole, (o.x, o.y));
        // A hole's winding is opposite to the exterior's: subtract its
        // magnitude whatever way it was written.
        let sign = if (h[0] > 0.0) == (sums[0] > 0.0) {
            -1.0
        } else {
            1.0
        };
        for (s, v) in sums.iter_mut().zip(h) {
            *s += sign * v;
        }
    }
    let sign = if sums[0] < 0.0 { -1.0 } else { 1.0 };
    let [a, sx, sy, sq] = sums.map(|v| v * sign);
    if a <= 0.0 {
        return Shape {
            area: 0.0,
            centre: (o.x, o.y),
            moment: 0.0,
        };
    }
    let (cx, cy) = (sx / a, sy / a);
    Shape {
        area: a,
        centre: (o.x + cx, o.y + cy),
        moment: (sq - a * (cx * cx + cy * cy)).max(0.0),
    }
}

/// Signed area, first moments and polar moment about `o` of a ring (Green's
/// theorem over its edges).
fn ring_sums(ring: &LineString, o: (f64, f64)) -> [f64; 4] {
    let mut s = [0.0; 4];
    for w in ring.0.windows(2) {
        let (x0, y0) = (w[0].x - o.0, w[0].y - o.1);
        let (x1, y1) = (w[1].x - o.0, w[1].y - o.1);
        let c = x0 * y1 - x1 * y0;
        s[0] += c / 2.0;
        s[1] += c * (x0 + x1) / 6.0;
        s[2] += c * (y0 + y1) / 6.0;
        s[3] += c * (x0 * x0 + x0 * x1 + x1 * x1 + y0 * y0 + y0 * y1 + y1 * y1) / 12.0;
    }
    s
}

/// The shape of several shapes together.
///
/// ```
/// use geo::polygon;
/// use linli::partition::shape::{combined, shape_of};
/// let left = shape_of(&polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)]);
/// let right = shape_of(&polygon![(x: 10.0, y: 0.0), (x: 20.0, y: 0.0), (x: 20.0, y: 10.0), (x: 10.0, y: 10.0)]);
/// let both = shape_of(&polygon![(x: 0.0, y: 0.0), (x: 20.0, y: 0.0), (x: 20.0, y: 10.0), (x: 0.0, y: 10.0)]);
/// let c = combined([left, right]);
/// assert!((c.area - both.area).abs() < 1e-9);
/// assert!((c.moment - both.moment).abs() < 1e-6);
/// ```
pub fn combined(shapes: impl IntoIterator<Item = Shape>) -> Shape {
    let shapes: Vec<Shape> = shapes.into_iter().collect();
    let a: f64 = shapes.iter().map(|s| s.area).sum();
    if a <= 0.0 {
        return shapes.first().copied().unwrap_or_default();
    }
    let cx = shapes.iter().map(|s| s.area * s.centre.0).sum::<f64>() / a;
    let cy = shapes.iter().map(|s| s.area * s.centre.1).sum::<f64>() / a;
    let moment = shapes
        .iter()
        .map(|s| {
            let (dx, dy) = (s.centre.0 - cx, s.centre.1 - cy);
            s.moment + s.area * (dx * dx + dy * dy)
        })
        .sum();
    Shape {
        area: a,
        centre: (cx, cy),
        moment,
    }
}

/// The perimeter of the disk whose spread matches `area` and `moment`
/// (2π·√(2·moment/area)), metres: the disk's own perimeter for a disk, more
/// for any shape whose ground lies farther from its centre.
///
/// ```
/// use linli::partition::shape::equivalent_perimeter;
/// let r = 100.0f64;
/// let disk = (std::f64::consts::PI * r * r, std::f64::consts::PI * r.powi(4) / 2.0);
/// assert!((equivalent_perimeter(disk.0, disk.1) - 2.0 * std::f64::consts::PI * r).abs() < 1e-6);
/// assert_eq!(equivalent_perimeter(0.0, 0.0), 0.0);
/// ```
pub fn equivalent_perimeter(area: f64, moment: f64) -> f64 {
    if area <= 0.0 || moment <= 0.0 {
        return 0.0;
    }
    std::f64::consts::TAU * (2.0 * moment / area).sqrt()
}
