//! What the importer knows around a point: land use and campus grounds,
//! named places, the extract's extent, which community holds a point.

use super::assemble::NodeIndex;
use super::households::Landuse;
use super::pbf::{Tags, Way};
use crate::project::Projector;
use geo::{Area, BoundingRect, Contains, Coord, LineString, MultiPolygon, Point, Rect};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

type Boxed = GeomWithData<Rectangle<[f64; 2]>, usize>;

fn boxed(r: Rect<f64>, i: usize) -> Boxed {
    GeomWithData::new(
        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
        i,
    )
}

/// Land-use and campus areas with an index.
#[derive(Default)]
pub struct LandIndex {
    /// Each area, its land use (`None` for campus grounds) and whether it is a campus.
    pub areas: Vec<(MultiPolygon<f64>, Option<Landuse>, bool, f64)>,
    tree: RTree<Boxed>,
}

impl LandIndex {
    /// Adds an area.
    pub fn push(&mut self, mp: &MultiPolygon<f64>, landuse: Option<Landuse>, campus: bool) {
        let a = mp.unsigned_area();
        self.areas.push((mp.clone(), landuse, campus, a));
    }

    /// Builds the index; call after the last `push`.
    pub fn finish(&mut self) {
        let items = self
            .areas
            .iter()
            .enumerate()
            .filter_map(|(i, (m, ..))| m.bounding_rect().map(|r| boxed(r, i)))
            .collect();
        self.tree = RTree::bulk_load(items);
    }

    /// The areas holding a point, indices.
    pub fn at(&self, c: Coord<f64>) -> Vec<usize> {
        let mut v: Vec<usize> = self
            .tree
            .locate_all_at_point(&[c.x, c.y])
            .map(|g| g.data)
            .filter(|&i| self.areas[i].0.contains(&Point(c)))
            .collect();
        v.sort_unstable();
        v
    }

    /// The land use at a point (the smallest area holding it) and whether
    /// it is on campus grounds.
    pub fn context(&self, c: Coord<f64>) -> (Landuse, bool) {
        let hits = self.at(c);
        let campus = hits.iter().any(|&i| self.areas[i].2);
        let lu = hits
            .iter()
            .filter_map(|&i| self.areas[i].1.map(|l| (self.areas[i].3, i, l)))
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
            .map_or(Landuse::None, |x| x.2);
        (lu, campus)
    }

    /// Areas of one land use whose box meets `r`.
    pub fn of_kind(&self, kind: Landuse, r: &Rect<f64>) -> Vec<usize> {
        let env = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        let mut v: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&env)
            .map(|g| g.data)
            .filter(|&i| self.areas[i].1 == Some(kind))
            .collect();
        v.sort_unstable();
        v
    }
}

/// Named place nodes (suburb, quarter, village…), label hints and village markers.
#[derive(Default)]
pub struct Places {
    /// (name, place value, position).
    pub named: Vec<(String, String, Coord<f64>)>,
}

impl Places {
    /// Keeps a node if it is a named place.
    pub fn push(&mut self, t: &Tags, at: Coord<f64>) {
        if let (Some(p), Some(n)) = (t.get("place"), t.get("name")) {
            self.named.push((n.clone(), p.clone(), at));
        }
    }

    /// Positions of places called `name`.
    pub fn called(&self, name: &str) -> impl Iterator<Item = Coord<f64>> + use<'_> {
        let name = name.to_string();
        self.named
            .iter()
            .filter(move |(n, _, _)| *n == name)
            .map(|(_, _, c)| *c)
    }

    /// Whether a village, hamlet or farm place lies in `area`.
    pub fn village_in(&self, area: &MultiPolygon<f64>) -> bool {
        self.named.iter().any(|(_, p, c)| {
            matches!(
                p.as_str(),
                "village" | "hamlet" | "isolated_dwelling" | "farm"
            ) && area.contains(&Point(*c))
        })
    }
}

/// The extract's extent on the plane: the box of its nodes, 1 m wider.
pub fn extent(nodes: &NodeIndex) -> Rect<f64> {
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for c in nodes.values() {
        lo = [lo[0].min(c.x), lo[1].min(c.y)];
        hi = [hi[0].max(c.x), hi[1].max(c.y)];
    }
    if lo[0] > hi[0] {
        lo = [0.0; 2];
        hi = [0.0; 2];
    }
    Rect::new(
        Coord {
            x: lo[0] - 1.0,
            y: lo[1] - 1.0,
        },
        Coord {
            x: hi[0] + 1.0,
            y: hi[1] + 1.0,
        },
    )
}

/// A lon/lat box (`lo` = west, south; `hi` = east, north) on the plane:
/// the box of its border (sampled, as meridians converge), 1 m wider like
/// [`extent`]; `None` if a corner cannot be projected.
///
/// ```
/// use linli::project::{Crs, Projector};
/// let p = Projector::new(&Crs::LonLat, 7.43, 43.74).unwrap();
/// let r = linli::osm::context::lonlat_box(&p, [7.42, 43.73], [7.44, 43.75]).unwrap();
/// assert!((r.width() - 1612.0).abs() < 5.0 && (r.height() - 2226.0).abs() < 5.0);
/// ```
pub fn lonlat_box(projector: &Projector, lo: [f64; 2], hi: [f64; 2]) -> Option<Rect<f64>> {
    const STEPS: usize = 16;
    let (mut a, mut b) = ([f64::MAX; 2], [f64::MIN; 2]);
    for k in 0..=STEPS {
        let t = k as f64 / STEPS as f64;
        let lon = lo[0] + t * (hi[0] - lo[0]);
        let lat = lo[1] + t * (hi[1] - lo[1]);
        for (x, y) in [(lon, lo[1]), (lon, hi[1]), (lo[0], lat), (hi[0], lat)] {
            let (x, y) = projector.to_plane(x, y).ok()?;
            if !(x.is_finite() && y.is_finite()) {
                return None;
            }
            a = [a[0].min(x), a[1].min(y)];
            b = [b[0].max(x), b[1].max(y)];
        }
    }
    Some(Rect::new(
        Coord {
            x: a[0] - 1.0,
            y: a[1] - 1.0,
        },
        Coord {
            x: b[0] + 1.0,
            y: b[1] + 1.0,
        },
    ))
}

/// Whether a box meets the extract's area `rect`.
pub fn meets(b: Option<Rect<f64>>, rect: &Rect<f64>) -> bool {
    b.is_some_and(|b| {
        b.min().x <= rect.max().x
            && b.max().x >= rect.min().x
            && b.min().y <= rect.max().y
            && b.max().y >= rect.min().y
    })
}

/// Whether lon/lat is within China's extent (a box: 73–135°E, 18–54°N).
///
/// ```
/// assert!(linli::osm::context::in_china(116.33, 39.99));
/// assert!(!linli::osm::context::in_china(24.94, 60.17));
/// ```
pub fn in_china(lon: f64, lat: f64) -> bool {
    (73.0..=135.0).contains(&lon) && (18.0..=54.0).contains(&lat)
}

/// The area holding each point (first in order), or `None`.
///
/// ```
/// use geo::{coord, MultiPolygon, Rect};
/// let a = MultiPolygon(vec![Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 10.0, y: 10.0 }).to_polygon()]);
/// let r = linli::osm::context::locate(&[a], &[coord! { x: 5.0, y: 5.0 }, coord! { x: 50.0, y: 5.0 }]);
/// assert_eq!(r, vec![Some(0), None]);
/// ```
pub fn locate(areas: &[MultiPolygon<f64>], points: &[Coord<f64>]) -> Vec<Option<usize>> {
    let tree: RTree<Boxed> = RTree::bulk_load(
        areas
            .iter()
            .enumerate()
            .filter_map(|(i, m)| m.bounding_rect().map(|r| boxed(r, i)))
            .collect(),
    );
    points
        .iter()
        .map(|c| {
            tree.locate_all_at_point(&[c.x, c.y])
                .map(|g| g.data)
                .filter(|&i| areas[i].contains(&Point(*c)))
                .min()
        })
        .collect()
}

/// Local streets people live along (residential, living_street,
/// unclassified), as lines on the plane.
pub fn residential_streets(ways: &[Way], nodes: &NodeIndex) -> Vec<LineString<f64>> {
    let mut out = Vec::new();
    for w in ways {
        if !matches!(
            w.tags.get("highway").map(String::as_str),
            Some("residential" | "living_street" | "unclassified")
        ) {
            continue;
        }
        out.extend(super::assemble::way_runs(&w.refs, nodes).0);
    }
    out
}
