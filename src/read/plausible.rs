//! Plausibility checks on what the layers hold that is valid but unlikely
//! to be meant: counted warnings naming the first features (fractional
//! households, footprints without area, features far outside the
//! scenario), and lon/lat coordinates read in a projected CRS.
//!
//! README.md, "Plausibility limits", lists them with the settings' ranges.

use crate::config::Limits;
use crate::error::Problem;
use crate::error::show;
use crate::model::Scenario;
use geo::{BoundingRect, Coord, Rect};
use geojson::GeometryValue;

/// How many features a counted warning names.
const FIRST: usize = 5;

/// Features that share one finding: how many, and the first few named.
///
/// ```
/// use linli::read::plausible::Tally;
/// let mut t = Tally::default();
/// for id in ["b1", "b2", "b3", "b4", "b5", "b6"] {
///     t.note(|| format!("{id} 12.5"));
/// }
/// assert_eq!(
///     t.warning("buildings.geojson", "buildings have fractional households, rounded").unwrap(),
///     "buildings.geojson: 6 buildings have fractional households, rounded (first: b1 12.5, b2 12.5, b3 12.5, b4 12.5, b5 12.5, …)"
/// );
/// assert!(Tally::default().warning("x", "y").is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// Features with the finding.
    pub count: usize,
    /// The first few, as named in the warning.
    pub first: Vec<String>,
}

impl Tally {
    /// Counts one more feature; `name` is called for the first few only.
    pub fn note(&mut self, name: impl FnOnce() -> String) {
        self.count += 1;
        if self.first.len() < FIRST {
            self.first.push(name());
        }
    }

    /// Adds another tally's features after this one's.
    pub fn extend(&mut self, other: Tally) {
        self.count += other.count;
        for f in other.first {
            if self.first.len() < FIRST {
                self.first.push(f);
            }
        }
    }

    /// `file: N <what> (first: …)`, or `None` when nothing was counted.
    pub fn warning(&self, file: &str, what: &str) -> Option<String> {
        (self.count > 0).then(|| {
            let more = if self.count > self.first.len() {
                ", …"
            } else {
                ""
            };
            format!(
                "{file}: {} {what} (first: {}{more})",
                self.count,
                self.first.join(", ")
            )
        })
    }
}

/// A footprint smaller than this (m²) has no area to speak of.
pub const NO_AREA_M2: f64 = 0.01;

/// The features of a layer lying farther than `limits.far_outside_km`
/// outside the scenario's extent: the communities' bounding box, or,
/// without communities, the box of the middle 98 % of the buildings (so
/// that the stray ones do not widen it themselves).
///
/// ```
/// use linli::model::{Building, Scenario};
/// let b = |id: &str, x: f64| Building { id: id.into(), footprint: None, location: geo::Point::new(x, 0.0),
///     households: 1, estimated: false, use_: "residential".into() };
/// let mut s = Scenario::default();
/// s.buildings = (0..100).map(|i| b(&format!("b{i}"), i as f64 * 10.0)).collect();
/// s.buildings.push(b("far", 1e7));
/// let w = linli::read::plausible::far_outside(&s, &Default::default());
/// assert_eq!(w, vec![("buildings.geojson", linli::read::plausible::Tally { count: 1, first: vec!["far".into()] })]);
/// ```
pub fn far_outside(s: &Scenario, limits: &Limits) -> Vec<(&'static str, Tally)> {
    let Some(extent) = extent(s) else {
        return Vec::new();
    };
    let far = limits.far_outside_km * 1000.0;
    let away = |c: Coord<f64>| {
        let dx = (extent.min().x - c.x).max(c.x - extent.max().x).max(0.0);
        let dy = (extent.min().y - c.y).max(c.y - extent.max().y).max(0.0);
        dx.hypot(dy) > far || !(c.x.is_finite() && c.y.is_finite())
    };
    let mut out = Vec::new();
    let mut tally = |file: &'static str, items: &mut dyn Iterator<Item = (&str, Coord<f64>)>| {
        let mut t = Tally::default();
        for (id, c) in items {
            if away(c) {
                t.note(|| id.to_string());
            }
        }
        if t.count > 0 {
            out.push((file, t));
        }
    };
    tally(
        "buildings.geojson",
        &mut s.buildings.iter().map(|b| (b.id.as_str(), b.location.0)),
    );
    tally(
        "facilities.geojson",
        &mut s.facilities.iter().map(|f| (f.id.as_str(), f.location.0)),
    );
    let centre = |r: Option<Rect<f64>>| r.map_or(Coord { x: 0.0, y: 0.0 }, |r| r.center());
    tally(
        "compounds.geojson",
        &mut s
            .compounds
            .iter()
            .map(|c| (c.id.as_str(), centre(c.area.bounding_rect()))),
    );
    tally(
        "blocks.geojson",
        &mut s
            .parcels
            .iter()
            .map(|p| (p.id.as_str(), centre(p.area.bounding_rect()))),
    );
    out
}

/// The scenario's extent on the plane: its communities' box, else the box
/// of the middle 98 % of its buildings.
fn extent(s: &Scenario) -> Option<Rect<f64>> {
    let boxes = s.communities.iter().filter_map(|c| c.area.bounding_rect());
    if let Some(r) = boxes.reduce(|a, b| {
        Rect::new(
            Coord {
                x: a.min().x.min(b.min().x),
                y: a.min().y.min(b.min().y),
            },
            Coord {
                x: a.max().x.max(b.max().x),
                y: a.max().y.max(b.max().y),
            },
        )
    }) {
        return Some(r);
    }
    let mut xs: Vec<f64> = s.buildings.iter().map(|b| b.location.x()).collect();
    let mut ys: Vec<f64> = s.buildings.iter().map(|b| b.location.y()).collect();
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    ys.sort_by(f64::total_cmp);
    let at = |v: &[f64], q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    Some(Rect::new(
        Coord {
            x: at(&xs, 0.01),
            y: at(&ys, 0.01),
        },
        Coord {
            x: at(&xs, 0.99),
            y: at(&ys, 0.99),
        },
    ))
}

/// A problem when every coordinate read (`lo`–`hi`, in the input CRS)
/// lies within ±180° × ±90° although `crs` is projected: lon/lat data read
/// as metres would be a few metres across and plan as nonsense. `source`
/// says where the CRS was set.
///
/// ```
/// let p = linli::read::plausible::lonlat_in_projected("x/buildings.geojson", [116.3, 39.9], [116.4, 40.0], "EPSG:4527", "--crs").unwrap();
/// assert!(p.what.contains("look like longitude/latitude"), "{}", p.what);
/// assert!(linli::read::plausible::lonlat_in_projected("x", [500000.0, 3.5e6], [510000.0, 3.6e6], "EPSG:4527", "--crs").is_none());
/// ```
pub fn lonlat_in_projected(
    file: &str,
    lo: [f64; 2],
    hi: [f64; 2],
    crs: &str,
    source: &str,
) -> Option<Problem> {
    let fits = |v: f64, m: f64| v.abs() <= m;
    let lonlat = fits(lo[0], 180.0) && fits(hi[0], 180.0) && fits(lo[1], 90.0) && fits(hi[1], 90.0);
    lonlat.then(|| {
        Problem::file(
            file,
            format!(
                "coordinates from ({}, {}) to ({}, {}) look like longitude/latitude, but the CRS {crs} (from {source}) is projected, in metres",
                show(lo[0]),
                show(lo[1]),
                show(hi[0]),
                show(hi[1])
            ),
        )
        .with_hint(format!(
            "lon/lat layers need no CRS: remove it from {source}; or export the layers in {crs}"
        ))
    })
}

/// How far across a geometry is on the plane, metres: the diagonal of the
/// box of its positions (input CRS) with the corners converted. `None` when
/// a corner does not convert.
///
/// ```
/// use linli::project::{Crs, Projector};
/// let p = Projector::new(&Crs::LonLat, 116.33, 39.99).unwrap();
/// let f = linli::read::layer::plane_fn(&p);
/// let conv = linli::read::layer::Converter { f: &f };
/// let g = geojson::GeometryValue::LineString { coordinates: vec![vec![116.33, 39.99].into(), vec![116.34, 39.99].into()] };
/// let d = linli::read::plausible::span_m(&g, &conv).unwrap();
/// assert!((d - 853.0).abs() < 2.0, "{d}");
/// ```
pub fn span_m(g: &GeometryValue, conv: &super::layer::Converter) -> Option<f64> {
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    super::layer::for_each_position(g, &mut |p| {
        let s = p.as_slice();
        if s.len() >= 2 {
            lo = [lo[0].min(s[0]), lo[1].min(s[1])];
            hi = [hi[0].max(s[0]), hi[1].max(s[1])];
        }
    });
    if lo[0] > hi[0] {
        return None;
    }
    let a = conv.point(&vec![lo[0], lo[1]].into()).ok()?;
    let b = conv.point(&vec![hi[0], hi[1]].into()).ok()?;
    Some((a.x() - b.x()).hypot(a.y() - b.y()))
}
