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

/// Country boundaries (ODbL data from OpenStreetMap, embedded by the
/// `country-boundaries` crate), read once.
fn boundaries() -> Option<&'static country_boundaries::CountryBoundaries> {
    static B: std::sync::OnceLock<Option<country_boundaries::CountryBoundaries>> =
        std::sync::OnceLock::new();
    B.get_or_init(|| {
        country_boundaries::CountryBoundaries::from_reader(
            country_boundaries::BOUNDARIES_ODBL_60X30,
        )
        .ok()
    })
    .as_ref()
}

/// The country (ISO 3166-1 alpha-2) holding lon/lat, or `None` at sea.
///
/// ```
/// use linli::osm::context::country_at;
/// assert_eq!(country_at(116.33, 39.99).as_deref(), Some("CN")); // Beijing
/// assert_eq!(country_at(139.69, 35.69).as_deref(), Some("JP")); // Tokyo
/// assert_eq!(country_at(126.98, 37.57).as_deref(), Some("KR")); // Seoul
/// assert_eq!(country_at(-140.0, 10.0), None); // the Pacific
/// ```
pub fn country_at(lon: f64, lat: f64) -> Option<String> {
    let at = country_boundaries::LatLon::new(lat, lon).ok()?;
    boundaries()?
        .ids(at)
        .into_iter()
        .find(|id| id.len() == 2)
        .map(str::to_string)
}

/// The household model of a country: `china` for China (with Hong Kong
/// and Macao), `japan` for Japan, `elsewhere` for the rest.
///
/// ```
/// use linli::osm::context::region_of_country;
/// assert_eq!(region_of_country("CN"), "china");
/// assert_eq!(region_of_country("JP"), "japan");
/// assert_eq!(region_of_country("MN"), "elsewhere");
/// ```
pub fn region_of_country(code: &str) -> &'static str {
    match code {
        "CN" | "HK" | "MO" => "china",
        "JP" => "japan",
        _ => "elsewhere",
    }
}

/// The household region of the places given (lon/lat): the region of the
/// country most of them stand in, and how many stand in each country
/// (points at sea count for none); `None` when every point is at sea.
///
/// ```
/// use linli::osm::context::region_of;
/// // Two buildings in Liechtenstein, one across the Rhine in Switzerland.
/// let (r, n) = region_of([(9.52, 47.14), (9.53, 47.16), (9.49, 47.15)].into_iter());
/// assert_eq!((r, n["LI"]), (Some("elsewhere"), 2));
/// let (r, _) = region_of([(139.69, 35.69)].into_iter());
/// assert_eq!(r, Some("japan"));
/// ```
pub fn region_of(
    points: impl Iterator<Item = (f64, f64)>,
) -> (
    Option<&'static str>,
    std::collections::BTreeMap<String, usize>,
) {
    let mut by_country: std::collections::BTreeMap<String, usize> = Default::default();
    for (lon, lat) in points {
        if let Some(c) = country_at(lon, lat) {
            *by_country.entry(c).or_insert(0) += 1;
        }
    }
    let mut by_region: std::collections::BTreeMap<&'static str, usize> = Default::default();
    for (c, n) in &by_country {
        *by_region.entry(region_of_country(c)).or_insert(0) += n;
    }
    let region = by_region
        .iter()
        .max_by_key(|(r, n)| (**n, std::cmp::Reverse(**r)))
        .map(|(r, _)| *r);
    (region, by_country)
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
