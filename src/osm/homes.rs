//! Every building of the extract with its household estimate, in the
//! context of its land use, the businesses inside it and its neighbours'
//! floors.

use super::context::LandIndex;
use super::households::{Context, Estimate, Landuse, estimate};
use super::pbf::Tags;
use crate::config::DwellingModel;
use geo::{Area, BoundingRect, Centroid, Contains, Coord, MultiPolygon, Point, Polygon};
use std::collections::HashMap;

/// A building with its estimate.
pub struct Home<'a> {
    /// Element key (type, OSM id, piece).
    pub key: (u8, i64, usize),
    /// Its tags.
    pub tags: &'a Tags,
    /// The footprint (the largest part of a multipolygon).
    pub footprint: Polygon<f64>,
    /// Footprint centroid.
    pub centroid: Coord<f64>,
    /// Footprint area, m².
    pub area: f64,
    /// The land use holding its centroid.
    pub landuse: Landuse,
    /// Use, households and their source.
    pub estimate: Estimate,
}

/// Radius within which tagged neighbours lend their floors, metres.
const NEARBY_M: f64 = 150.0;
/// Fewest tagged neighbours for their floors to count.
const NEARBY_MIN: usize = 5;

/// A square cell's key.
type Cell = (i64, i64);

/// An area element: key, tags, geometry.
pub type AreaElement<'a> = ((u8, i64, usize), &'a Tags, MultiPolygon<f64>);

/// Points in square cells, for neighbourhood look-ups.
struct Cells {
    size: f64,
    map: HashMap<Cell, Vec<(Coord<f64>, f64)>>,
}

impl Cells {
    fn new(size: f64) -> Self {
        Cells {
            size,
            map: HashMap::new(),
        }
    }
    fn key(&self, c: Coord<f64>) -> (i64, i64) {
        (
            (c.x / self.size).floor() as i64,
            (c.y / self.size).floor() as i64,
        )
    }
    fn push(&mut self, c: Coord<f64>, v: f64) {
        let k = self.key(c);
        self.map.entry(k).or_default().push((c, v));
    }
    /// Points in the cells meeting a box.
    fn in_box(&self, lo: Coord<f64>, hi: Coord<f64>) -> impl Iterator<Item = Coord<f64>> + '_ {
        let (a, b) = (self.key(lo), self.key(hi));
        (a.0..=b.0)
            .flat_map(move |x| (a.1..=b.1).map(move |y| (x, y)))
            .filter_map(|k| self.map.get(&k))
            .flatten()
            .map(|(p, _)| *p)
            .filter(move |p| p.x >= lo.x && p.x <= hi.x && p.y >= lo.y && p.y <= hi.y)
    }
    /// Values within `r` of `c` (r ≤ cell size).
    fn near(&self, c: Coord<f64>, r: f64) -> Vec<f64> {
        let (kx, ky) = self.key(c);
        let mut out = Vec::new();
        for dx in -1..=1 {
            for dy in -1..=1 {
                if let Some(v) = self.map.get(&(kx + dx, ky + dy)) {
                    out.extend(
                        v.iter()
                            .filter(|(p, _)| (p.x - c.x).hypot(p.y - c.y) <= r)
                            .map(|(_, x)| *x),
                    );
                }
            }
        }
        out
    }
}

/// The lower quartile: mappers tag the floors of tall buildings first, so
/// the tagged neighbours' median would lift every untagged one.
fn lower_quartile(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[(v.len() - 1) / 4]
}

/// Estimates every building among `areas`.
pub fn building_homes<'a>(
    areas: &[AreaElement<'a>],
    land: &LandIndex,
    businesses: &[Coord<f64>],
    model: &DwellingModel,
) -> Vec<Home<'a>> {
    let mut shops = Cells::new(50.0);
    for &b in businesses {
        shops.push(b, 0.0);
    }
    // Tagged floors of multi-storey residential-type buildings.
    let mut floors = Cells::new(NEARBY_M);
    let mut homes: Vec<Home<'a>> = Vec::new();
    for (key, t, mp) in areas {
        if !super::tags::is_building(t) {
            continue;
        }
        let Some(fp) =
            mp.0.iter()
                .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))
        else {
            continue;
        };
        let Some(cen) = fp.centroid() else { continue };
        let b = t.get("building").map_or("yes", String::as_str);
        if matches!(b, "yes" | "apartments" | "residential" | "flats") {
            let lv = t
                .get("building:levels")
                .and_then(|v| super::households::parse_number(v, false))
                .filter(|l| (1.0..=200.0).contains(l));
            if let Some(l) = lv {
                floors.push(cen.0, l);
            }
        }
        homes.push(Home {
            key: *key,
            tags: t,
            footprint: fp.clone(),
            centroid: cen.0,
            area: fp.unsigned_area(),
            landuse: Landuse::None,
            estimate: Estimate {
                use_: "other",
                households: 0,
                source: "non_residential",
                floors: None,
                judged: None,
                bad_tags: Vec::new(),
            },
        });
    }
    for h in &mut homes {
        let (landuse, in_campus) = land.context(h.centroid);
        h.landuse = landuse;
        let businesses_inside = h.footprint.bounding_rect().map_or(0, |r| {
            shops
                .in_box(r.min(), r.max())
                .filter(|p| h.footprint.contains(&Point(*p)))
                .count()
        }) as u32;
        let near = floors.near(h.centroid, NEARBY_M);
        let ctx = Context {
            landuse,
            in_campus,
            businesses_inside,
            nearby_floors: (near.len() >= NEARBY_MIN)
                .then(|| lower_quartile(near).round().max(1.0)),
        };
        h.estimate = estimate(h.tags, h.area, &ctx, model);
    }
    homes
}
