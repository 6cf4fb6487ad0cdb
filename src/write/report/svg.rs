//! Shapes on the metric plane as SVG path data, small: simplified
//! (Douglas-Peucker within a tolerance that grows with the map's extent),
//! rounded to whole map units, written as relative moves.

use geo::{Coord, LineString, MultiPolygon, Polygon, Rect, Simplify};

/// The map's frame: the plane's extent shown, and how plane metres become
/// SVG units (x to the east, y down from the north edge).
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    /// West edge, metres.
    pub min_x: f64,
    /// North edge, metres.
    pub max_y: f64,
    /// Metres per SVG unit (1 below 40 km across).
    pub unit: f64,
    /// Width and height, SVG units.
    pub width: i64,
    pub height: i64,
    /// Douglas-Peucker tolerance, metres.
    pub tolerance: f64,
    /// The extent, metres (for culling).
    pub rect: Rect<f64>,
}

impl Frame {
    /// The frame around `rect` with a margin of 2% of its larger side.
    pub(super) fn around(rect: Rect<f64>) -> Frame {
        let span = rect.width().max(rect.height()).max(1.0);
        let m = span * 0.02;
        let (lo, hi) = (rect.min(), rect.max());
        let rect = Rect::new(
            Coord {
                x: lo.x - m,
                y: lo.y - m,
            },
            Coord {
                x: hi.x + m,
                y: hi.y + m,
            },
        );
        let unit = (span / 40_000.0).ceil().max(1.0);
        Frame {
            min_x: rect.min().x,
            max_y: rect.max().y,
            unit,
            width: (rect.width() / unit).ceil() as i64,
            height: (rect.height() / unit).ceil() as i64,
            // Half a metre on a town, a metre and a half on a 30 km district:
            // a tenth of a millimetre on an A3 sheet either way.
            tolerance: (span / 20_000.0).clamp(0.5, 5.0),
            rect,
        }
    }

    /// A point in SVG units.
    pub(super) fn point(&self, c: Coord<f64>) -> (i64, i64) {
        (
            ((c.x - self.min_x) / self.unit).round() as i64,
            ((self.max_y - c.y) / self.unit).round() as i64,
        )
    }

    /// A length in metres as SVG units (not rounded).
    pub(super) fn length(&self, metres: f64) -> f64 {
        metres / self.unit
    }

    /// Whether a shape with bounding box `b` may show.
    pub(super) fn shows(&self, b: Option<Rect<f64>>) -> bool {
        b.is_some_and(|b| {
            b.min().x <= self.rect.max().x
                && b.max().x >= self.rect.min().x
                && b.min().y <= self.rect.max().y
                && b.max().y >= self.rect.min().y
        })
    }

    /// The points of `ls` simplified and rounded, repeats dropped.
    fn points(&self, ls: &LineString<f64>) -> Vec<(i64, i64)> {
        let simple = ls.simplify(self.tolerance);
        let mut pts: Vec<(i64, i64)> = Vec::with_capacity(simple.0.len());
        for c in &simple.0 {
            let p = self.point(*c);
            if pts.last() != Some(&p) {
                pts.push(p);
            }
        }
        pts
    }

    /// Appends a ring (closed with `z`); nothing when it shrinks to less
    /// than a triangle.
    pub(super) fn ring(&self, d: &mut String, ls: &LineString<f64>) {
        let mut pts = self.points(ls);
        if pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        if pts.len() >= 3 {
            moves(d, &pts);
            d.push('z');
        }
    }

    /// Appends a polygon (every ring; fill-rule evenodd draws the holes).
    pub(super) fn polygon(&self, d: &mut String, p: &Polygon<f64>) {
        self.ring(d, p.exterior());
        for r in p.interiors() {
            self.ring(d, r);
        }
    }

    /// Appends every polygon of `m`.
    pub(super) fn multi_polygon(&self, d: &mut String, m: &MultiPolygon<f64>) {
        for p in &m.0 {
            self.polygon(d, p);
        }
    }

    /// Appends an open line; nothing when it shrinks to a point.
    pub(super) fn line(&self, d: &mut String, ls: &LineString<f64>) {
        let pts = self.points(ls);
        if pts.len() >= 2 {
            moves(d, &pts);
        }
    }

    /// Appends a dot at `c` (a zero-length line: round caps draw it).
    pub(super) fn dot(&self, d: &mut String, c: Coord<f64>) {
        let (x, y) = self.point(c);
        d.push('M');
        number(d, x, true);
        number(d, y, false);
        d.push_str("h0");
    }

    /// Appends a small square of `side` metres centred on `c` (a building
    /// known by its point only).
    pub(super) fn square(&self, d: &mut String, c: Coord<f64>, side: f64) {
        let s = self.length(side).round().max(1.0) as i64;
        let (x, y) = self.point(c);
        d.push('M');
        number(d, x - s / 2, true);
        number(d, y - s / 2, false);
        d.push('h');
        number(d, s, true);
        d.push('v');
        number(d, s, true);
        d.push('h');
        number(d, -s, true);
        d.push('z');
    }
}

/// `M x y l dx dy …` for `pts` (at least one point).
fn moves(d: &mut String, pts: &[(i64, i64)]) {
    let (x0, y0) = pts[0];
    d.push('M');
    number(d, x0, true);
    number(d, y0, false);
    if pts.len() > 1 {
        d.push('l');
        let mut first = true;
        for w in pts.windows(2) {
            number(d, w[1].0 - w[0].0, first);
            number(d, w[1].1 - w[0].1, false);
            first = false;
        }
    }
}

/// Appends `v`, after a space unless it is the first number after a
/// command or negative (the minus sign separates it).
fn number(d: &mut String, v: i64, first: bool) {
    if !first && v >= 0 {
        d.push(' ');
    }
    d.push_str(itoa::Buffer::new().format(v));
}

/// Text made safe inside an HTML element or a quoted attribute.
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, polygon};

    fn frame() -> Frame {
        Frame::around(Rect::new(
            coord! { x: 0.0, y: 0.0 },
            coord! { x: 100.0, y: 100.0 },
        ))
    }

    #[test]
    fn rings_are_relative_and_rounded() {
        let f = frame();
        let mut d = String::new();
        f.polygon(
            &mut d,
            &polygon![(x: 0.0, y: 0.0), (x: 10.2, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)],
        );
        // The 2 m margin: (0, 0) is at (2, 102) with y down.
        assert_eq!(d, "M2 102l10 0 0-10-10 0z");
    }

    #[test]
    fn tiny_rings_and_lines_vanish() {
        let f = frame();
        let mut d = String::new();
        f.polygon(
            &mut d,
            &polygon![(x: 0.0, y: 0.0), (x: 0.2, y: 0.0), (x: 0.1, y: 0.2)],
        );
        f.line(&mut d, &vec![(5.0, 5.0), (5.1, 5.1)].into());
        assert_eq!(d, "");
        f.line(&mut d, &vec![(5.0, 5.0), (5.0, 50.0), (5.0, 90.0)].into());
        assert_eq!(d, "M7 97l0-85");
    }

    #[test]
    fn dots_squares_and_escapes() {
        let f = frame();
        let mut d = String::new();
        f.dot(&mut d, coord! { x: 1.0, y: 1.0 });
        f.square(&mut d, coord! { x: 50.0, y: 50.0 }, 4.0);
        assert_eq!(d, "M3 101h0M50 50h4v4h-4z");
        assert_eq!(esc("a<b & \"c\"\nd"), "a&lt;b &amp; &quot;c&quot;&#10;d");
        assert!(f.shows(Some(Rect::new(
            coord! { x: 99.0, y: 99.0 },
            coord! { x: 200.0, y: 200.0 }
        ))));
        assert!(!f.shows(Some(Rect::new(
            coord! { x: 300.0, y: 0.0 },
            coord! { x: 400.0, y: 1.0 }
        ))));
    }
}
