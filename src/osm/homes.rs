//! Every building of the extract with its household estimate, in the
//! context of its land use, the businesses inside it, its neighbours'
//! floors and, for a large untagged one, whether it stands among houses.

use super::context::{LandIndex, Places};
use super::households::{Context, Estimate, Landuse, estimate, house_sized, setting_matters};
use super::pbf::Tags;
use crate::config::DwellingModel;
use geo::{Area, BoundingRect, Centroid, Contains, Coord, MultiPolygon, Point, Polygon};
use rstar::RTree;
use rstar::primitives::GeomWithData;
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

/// Points with a value each in square cells, for neighbourhood look-ups.
struct Cells<T> {
    size: f64,
    map: HashMap<Cell, Vec<(Coord<f64>, T)>>,
}

impl<T: Copy> Cells<T> {
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
    fn push(&mut self, c: Coord<f64>, v: T) {
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
    /// Values within `r` of `c` (r ≤ cell size), cell by cell in a fixed
    /// order, so sums over them are the same on every run.
    fn near(&self, c: Coord<f64>, r: f64) -> Vec<T> {
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

/// Radius of the setting a building is judged in, metres: a village's
/// core, or a few city blocks.
pub const SETTING_M: f64 = 300.0;
/// Footprints covering this share of the setting or more make a dense
/// core, never a setting of houses (villages cover about a tenth, city
/// centres a quarter to two fifths).
pub const LOW_RISE_MAX_COVER: f64 = 0.2;
/// Fewest neighbours of a home's size for their footprints alone to decide.
pub const SETTING_MIN_NEIGHBOURS: usize = 10;
/// Share of house-sized neighbours that makes a setting of houses …
pub const HOUSE_SHARE: f64 = 0.5;
/// … or, when the nearest settlement is a village or hamlet, this share
/// (or fewer than [`SETTING_MIN_NEIGHBOURS`] neighbours).
pub const VILLAGE_HOUSE_SHARE: f64 = 0.3;

/// The footprints and the settlement around a building.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Around {
    /// Buildings of at least `min_home_m2` within [`SETTING_M`], itself not counted.
    pub neighbours: usize,
    /// Of them, house-sized ([`super::households::house_sized`]).
    pub houses: usize,
    /// Every footprint within [`SETTING_M`] (its own included) ÷ the circle's area.
    pub cover: f64,
    /// Whether the nearest settlement place node (city, town, village,
    /// hamlet, isolated dwelling, farm) is a village, hamlet, isolated
    /// dwelling or farm.
    pub village: bool,
}

/// Whether a building stands in a setting of houses: its surroundings
/// are not a dense core, and either most of its neighbours are houses or
/// it is nearest a village and enough of them are (docs/households.md).
///
/// ```
/// use linli::osm::homes::{Around, low_rise_setting};
/// // A street of detached houses.
/// let suburb = Around { neighbours: 40, houses: 30, cover: 0.1, village: false };
/// assert!(low_rise_setting(&suburb));
/// // A city core: blocks close together.
/// assert!(!low_rise_setting(&Around { cover: 0.3, ..suburb }));
/// // Mostly blocks, but a village's.
/// let mixed = Around { neighbours: 40, houses: 16, cover: 0.1, village: false };
/// assert!(!low_rise_setting(&mixed));
/// assert!(low_rise_setting(&Around { village: true, ..mixed }));
/// // Alone in a town: nothing says houses.
/// assert!(!low_rise_setting(&Around { neighbours: 3, houses: 3, cover: 0.01, village: false }));
/// ```
pub fn low_rise_setting(a: &Around) -> bool {
    if a.cover >= LOW_RISE_MAX_COVER {
        return false;
    }
    let share = a.houses as f64 / a.neighbours.max(1) as f64;
    let enough = a.neighbours >= SETTING_MIN_NEIGHBOURS;
    (enough && share >= HOUSE_SHARE) || (a.village && (!enough || share >= VILLAGE_HOUSE_SHARE))
}

type Settlement = GeomWithData<[f64; 2], bool>;

/// What the importer knows around each building: businesses, tagged
/// floors, every footprint, and the settlement places.
struct Surroundings {
    shops: Cells<()>,
    floors: Cells<f64>,
    feet: Cells<(f64, bool)>,
    settlements: RTree<Settlement>,
}

impl Surroundings {
    fn new(businesses: &[Coord<f64>], places: &Places) -> Self {
        let mut shops = Cells::new(50.0);
        for &b in businesses {
            shops.push(b, ());
        }
        let settlements = places
            .named
            .iter()
            .filter_map(|(_, p, c)| {
                let village = matches!(
                    p.as_str(),
                    "village" | "hamlet" | "isolated_dwelling" | "farm"
                );
                (village || matches!(p.as_str(), "city" | "town"))
                    .then(|| Settlement::new([c.x, c.y], village))
            })
            .collect();
        Surroundings {
            shops,
            floors: Cells::new(NEARBY_M),
            feet: Cells::new(SETTING_M),
            settlements: RTree::bulk_load(settlements),
        }
    }

    /// The footprints and the settlement around a home.
    fn around(&self, h: &Home, model: &DwellingModel) -> Around {
        let near = self.feet.near(h.centroid, SETTING_M);
        let mut a = Around::default();
        let mut area = 0.0;
        for (fa, house) in near {
            area += fa;
            if fa >= model.min_home_m2 {
                a.neighbours += 1;
                a.houses += usize::from(house);
            }
        }
        // Itself is not its own neighbour.
        if h.area >= model.min_home_m2 {
            a.neighbours = a.neighbours.saturating_sub(1);
            a.houses = a
                .houses
                .saturating_sub(usize::from(house_sized(h.tags, h.area, model)));
        }
        a.cover = area / (std::f64::consts::PI * SETTING_M * SETTING_M);
        a.village = self
            .settlements
            .nearest_neighbor(&[h.centroid.x, h.centroid.y])
            .is_some_and(|s| s.data);
        a
    }

    /// A home's context: land use, businesses inside, neighbours' floors
    /// and, where its households depend on it, its setting.
    fn context(&self, h: &Home, land: &LandIndex, model: &DwellingModel) -> Context {
        let (landuse, in_campus) = land.context(h.centroid);
        let businesses_inside = h.footprint.bounding_rect().map_or(0, |r| {
            self.shops
                .in_box(r.min(), r.max())
                .filter(|p| h.footprint.contains(&Point(*p)))
                .count()
        }) as u32;
        let near = self.floors.near(h.centroid, NEARBY_M);
        let nearby_floors =
            (near.len() >= NEARBY_MIN).then(|| lower_quartile(near).round().max(1.0));
        let low_rise = nearby_floors.is_none()
            && setting_matters(h.tags, h.area, model)
            && low_rise_setting(&self.around(h, model));
        Context {
            landuse,
            in_campus,
            businesses_inside,
            nearby_floors,
            low_rise,
        }
    }
}

/// Estimates every building among `areas` in its context (land use,
/// businesses, the floors and footprints around it, `places`).
pub fn building_homes<'a>(
    areas: &[AreaElement<'a>],
    land: &LandIndex,
    businesses: &[Coord<f64>],
    places: &Places,
    model: &DwellingModel,
) -> Vec<Home<'a>> {
    let mut around = Surroundings::new(businesses, places);
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
        let area = fp.unsigned_area();
        let b = t.get("building").map_or("yes", String::as_str);
        if matches!(b, "yes" | "apartments" | "residential" | "flats") {
            // Tagged floors of multi-storey residential-type buildings.
            let lv = t
                .get("building:levels")
                .and_then(|v| super::households::parse_number(v, false))
                .filter(|l| (1.0..=200.0).contains(l));
            if let Some(l) = lv {
                around.floors.push(cen.0, l);
            }
        }
        around.feet.push(cen.0, (area, house_sized(t, area, model)));
        homes.push(Home {
            key: *key,
            tags: t,
            footprint: fp.clone(),
            centroid: cen.0,
            area,
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
        let ctx = around.context(h, land, model);
        h.landuse = ctx.landuse;
        h.estimate = estimate(h.tags, h.area, &ctx, model);
    }
    homes
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Rect, coord};

    fn square(x: f64, y: f64, side: f64) -> MultiPolygon<f64> {
        let r = Rect::new(coord! { x: x, y: y }, coord! { x: x + side, y: y + side });
        MultiPolygon(vec![r.to_polygon()])
    }

    /// The households of a 300 m² untagged building at the origin among
    /// others on a grid `spacing` apart, two in five of them squares of
    /// `house` metres a side and the rest of `side`, nearest a `place`.
    fn households_among(house: f64, side: f64, spacing: f64, place: &str) -> (u32, &'static str) {
        let yes: Tags = [("building".to_string(), "yes".to_string())].into();
        let mut areas: Vec<AreaElement> = vec![((1, 0, 0), &yes, square(0.0, 0.0, 300f64.sqrt()))];
        for i in -6..=6i32 {
            for j in -6..=6i32 {
                if (i, j) != (0, 0) {
                    let (x, y) = (f64::from(i) * spacing, f64::from(j) * spacing);
                    let s = if (i + j).rem_euclid(5) < 2 {
                        house
                    } else {
                        side
                    };
                    areas.push(((1, i64::from(i * 100 + j), 0), &yes, square(x, y, s)));
                }
            }
        }
        let mut places = Places::default();
        let name: Tags = [
            ("place".to_string(), place.to_string()),
            ("name".to_string(), "P".to_string()),
        ]
        .into();
        places.push(&name, coord! { x: 500.0, y: 0.0 });
        let m = DwellingModel::elsewhere();
        let homes = building_homes(&areas, &LandIndex::default(), &[], &places, &m);
        let e = &homes[0].estimate;
        (e.households, e.source)
    }

    #[test]
    fn the_setting_decides_a_large_untagged_building() {
        // Among 120 m² houses 40 m apart (7.5 % cover): a two-family house.
        assert_eq!(households_among(11.0, 11.0, 40.0, "town"), (2, "low_rise"));
        // Among 900 m² blocks 45 m apart (44 % cover): a four-storey block.
        assert_eq!(
            households_among(30.0, 30.0, 45.0, "village"),
            (12, "type_default")
        );
        // Two houses in five, the rest 400 m² buildings, 60 m apart (8 %
        // cover): blocks in a town, houses and small blocks in a village.
        assert_eq!(
            households_among(11.0, 20.0, 60.0, "town"),
            (12, "type_default")
        );
        assert_eq!(
            households_among(11.0, 20.0, 60.0, "village"),
            (2, "low_rise")
        );
    }
}
