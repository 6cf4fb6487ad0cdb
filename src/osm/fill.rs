//! Known households the map does not show: where buildings are thinly
//! mapped, the households a roster counts beyond the estimate are placed
//! as fill points of about [`FILL_POINT_HOUSEHOLDS`] on unmapped
//! residential land use, then on unmapped street frontage (residential
//! streets with no building near), never piled onto the mapped buildings;
//! what does not fit at a plausible density is left unplaced and said.

use super::context::{LandIndex, locate};
use super::households::Landuse;
use geo::{Area, BoundingRect, Contains, Coord, InteriorPoint, LineString, MultiPolygon, Point};
use std::collections::HashMap;

/// About this many households per fill point (a stairwell or a small
/// compound: the size a neighborhood is built from).
pub const FILL_POINT_HOUSEHOLDS: f64 = 30.0;
/// A fill point never holds more than this: beyond it the land cannot
/// take the households at a plausible density and the rest is unplaced.
pub const MAX_FILL_POINT: u64 = 60;
/// Fill points are never closer together than this, metres.
pub const MIN_STEP_M: f64 = 20.0;
/// A fill point keeps this far from a mapped building's centroid, metres.
pub const CLEAR_M: f64 = 20.0;
/// Street frontage counts as unmapped where no building stands within
/// this of the street, metres (as completeness measures it).
pub const FRONTAGE_M: f64 = 50.0;

/// Households placed where the map shows no building.
#[derive(Debug, Clone, PartialEq)]
pub struct Fill {
    /// Where, metres.
    pub at: Coord<f64>,
    /// Households.
    pub households: u32,
    /// Its community.
    pub unit: Option<usize>,
    /// `landuse_fill` (residential land use) or `street_fill` (frontage of
    /// a residential street with no building mapped near).
    pub source: &'static str,
}

/// Where fill can go: the communities, land use, residential streets and
/// the mapped buildings' centroids, all on the plane.
pub struct Ground<'a> {
    /// Community areas.
    pub units: &'a [MultiPolygon<f64>],
    /// Land use.
    pub land: &'a LandIndex,
    /// Residential streets.
    pub streets: &'a [LineString<f64>],
    /// Mapped buildings' centroids.
    pub built: &'a [Coord<f64>],
}

/// What [`place`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Placed {
    /// The fill points.
    pub fill: Vec<Fill>,
    /// Households that found no place.
    pub unplaced: u64,
}

/// Centroids in square cells, for "is a building near" questions.
struct Near {
    cell: f64,
    map: HashMap<(i64, i64), Vec<Coord<f64>>>,
}

impl Near {
    fn new(points: &[Coord<f64>], cell: f64) -> Near {
        let mut map: HashMap<(i64, i64), Vec<Coord<f64>>> = HashMap::new();
        for &p in points {
            map.entry(Near::key(p, cell)).or_default().push(p);
        }
        Near { cell, map }
    }
    fn key(p: Coord<f64>, cell: f64) -> (i64, i64) {
        ((p.x / cell).floor() as i64, (p.y / cell).floor() as i64)
    }
    /// Whether a point lies within `r` (≤ the cell size) of `c`.
    fn any(&self, c: Coord<f64>, r: f64) -> bool {
        let (kx, ky) = Near::key(c, self.cell);
        (-1..=1).any(|dx| {
            (-1..=1).any(|dy| {
                self.map
                    .get(&(kx + dx, ky + dy))
                    .is_some_and(|v| v.iter().any(|p| (p.x - c.x).hypot(p.y - c.y) <= r))
            })
        })
    }
}

/// Places `missing` households in the communities `group` (indices into
/// `g.units`): fill points of about [`FILL_POINT_HOUSEHOLDS`], at most
/// [`MAX_FILL_POINT`] each, on unmapped residential land use first and on
/// unmapped street frontage next; the rest is `unplaced`.
///
/// ```
/// use geo::{coord, MultiPolygon, Rect};
/// use linli::osm::{context::LandIndex, fill::{place, Ground}, households::Landuse};
/// let sq = MultiPolygon(vec![Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 400.0, y: 400.0 }).to_polygon()]);
/// let mut land = LandIndex::default();
/// land.push(&sq, Some(Landuse::Residential), false);
/// land.finish();
/// let g = Ground { units: &[sq.clone()], land: &land, streets: &[], built: &[] };
/// let p = place(&g, &[0], 900);
/// assert_eq!(p.unplaced, 0);
/// assert_eq!(p.fill.iter().map(|f| u64::from(f.households)).sum::<u64>(), 900);
/// assert!(p.fill.iter().all(|f| f.households <= 31), "about 30 each");
/// ```
pub fn place(g: &Ground, group: &[usize], missing: u64) -> Placed {
    if missing == 0 {
        return Placed::default();
    }
    let wanted = (missing as f64 / FILL_POINT_HOUSEHOLDS).ceil().max(1.0) as usize;
    let near = Near::new(g.built, FRONTAGE_M);
    let mut cands = landuse_points(g, group, &near, wanted);
    if cands.len() < wanted {
        cands.extend(frontage_points(g, group, &near));
    }
    if cands.is_empty() {
        return Placed {
            fill: Vec::new(),
            unplaced: missing,
        };
    }
    // Evenly through the candidates (land use first) when there are more
    // than needed; every one, at up to MAX_FILL_POINT, when there are fewer.
    let chosen: Vec<(Coord<f64>, &'static str)> = if cands.len() > wanted {
        (0..wanted)
            .map(|i| cands[i * cands.len() / wanted])
            .collect()
    } else {
        cands
    };
    let capacity = chosen.len() as u64 * MAX_FILL_POINT;
    let placed = missing.min(capacity);
    let shares = apportion(placed, &vec![1.0; chosen.len()]);
    let at: Vec<Coord<f64>> = chosen.iter().map(|c| c.0).collect();
    let units = locate(g.units, &at);
    let fill = chosen
        .into_iter()
        .zip(shares)
        .zip(units)
        .filter(|((_, h), _)| *h > 0)
        .map(|(((at, source), h), unit)| Fill {
            at,
            households: h as u32,
            unit,
            source,
        })
        .collect();
    Placed {
        fill,
        unplaced: missing - placed,
    }
}

/// Grid points on the group's residential land use, clear of mapped
/// buildings, about twice as many as wanted.
fn landuse_points(
    g: &Ground,
    group: &[usize],
    near: &Near,
    wanted: usize,
) -> Vec<(Coord<f64>, &'static str)> {
    let mut lands: Vec<&MultiPolygon<f64>> = Vec::new();
    for (mp, lu, _, _) in &g.land.areas {
        if *lu != Some(Landuse::Residential) {
            continue;
        }
        let Some(p) = mp.interior_point() else {
            continue;
        };
        if locate(g.units, &[p.0])[0].is_some_and(|u| group.contains(&u)) {
            lands.push(mp);
        }
    }
    let area: f64 = lands.iter().map(|m| m.unsigned_area()).sum();
    if area <= 0.0 {
        return Vec::new();
    }
    let step = (area / (2.0 * wanted as f64)).sqrt().max(MIN_STEP_M);
    let mut out = Vec::new();
    for m in lands {
        let Some(r) = m.bounding_rect() else { continue };
        let mut x = (r.min().x / step).floor() * step + step / 2.0;
        while x <= r.max().x {
            let mut y = (r.min().y / step).floor() * step + step / 2.0;
            while y <= r.max().y {
                let c = Coord { x, y };
                if m.contains(&Point(c)) && !near.any(c, CLEAR_M) {
                    out.push((c, "landuse_fill"));
                }
                y += step;
            }
            x += step;
        }
    }
    keep_in_group(g, group, out)
}

/// Points beside residential streets (both sides, [`CLEAR_M`] off the
/// centre line, every 2 × [`MIN_STEP_M`]) where no building is mapped
/// within [`FRONTAGE_M`].
fn frontage_points(g: &Ground, group: &[usize], near: &Near) -> Vec<(Coord<f64>, &'static str)> {
    let step = 2.0 * MIN_STEP_M;
    let mut out = Vec::new();
    for l in g.streets {
        for w in l.0.windows(2) {
            let (a, b) = (w[0], w[1]);
            let len = (b.x - a.x).hypot(b.y - a.y);
            if len <= 0.0 {
                continue;
            }
            let (ux, uy) = ((b.x - a.x) / len, (b.y - a.y) / len);
            let mut t = step / 2.0;
            while t < len {
                let s = Coord {
                    x: a.x + ux * t,
                    y: a.y + uy * t,
                };
                if !near.any(s, FRONTAGE_M) {
                    for side in [-1.0, 1.0] {
                        let c = Coord {
                            x: s.x - uy * CLEAR_M * side,
                            y: s.y + ux * CLEAR_M * side,
                        };
                        out.push((c, "street_fill"));
                    }
                }
                t += step;
            }
        }
    }
    keep_in_group(g, group, out)
}

fn keep_in_group(
    g: &Ground,
    group: &[usize],
    pts: Vec<(Coord<f64>, &'static str)>,
) -> Vec<(Coord<f64>, &'static str)> {
    let at: Vec<Coord<f64>> = pts.iter().map(|p| p.0).collect();
    locate(g.units, &at)
        .into_iter()
        .zip(pts)
        .filter(|(u, _)| u.is_some_and(|u| group.contains(&u)))
        .map(|(_, p)| p)
        .collect()
}

/// Splits `total` over `weights` in proportion (largest remainder; ties
/// to the lower index), whole numbers summing exactly to `total`.
///
/// ```
/// assert_eq!(linli::osm::fill::apportion(10, &[1.0, 1.0, 1.0]), vec![4, 3, 3]);
/// assert_eq!(linli::osm::fill::apportion(5, &[0.0, 2.0]), vec![0, 5]);
/// ```
pub fn apportion(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    if weights.is_empty() {
        return Vec::new();
    }
    if sum <= 0.0 {
        return apportion(total, &vec![1.0; weights.len()]);
    }
    let exact: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut out: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
    let given: u64 = out.iter().sum();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    for &i in order
        .iter()
        .cycle()
        .take(total.saturating_sub(given) as usize)
    {
        out[i] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Rect, coord};

    #[test]
    fn unmapped_frontage_takes_what_land_use_cannot_and_the_rest_is_said() {
        let sq = MultiPolygon(vec![
            Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 1000.0, y: 1000.0 }).to_polygon(),
        ]);
        let land = {
            let mut l = LandIndex::default();
            l.finish();
            l
        };
        // One 400 m street, no building near: 10 samples, two sides.
        let street: LineString<f64> = vec![(100.0, 500.0), (500.0, 500.0)].into();
        let g = Ground {
            units: std::slice::from_ref(&sq),
            land: &land,
            streets: std::slice::from_ref(&street),
            built: &[],
        };
        let p = place(&g, &[0], 600);
        assert!(p.fill.iter().all(|f| f.source == "street_fill"));
        assert_eq!(p.unplaced, 0);
        assert!(
            p.fill
                .iter()
                .all(|f| u64::from(f.households) <= MAX_FILL_POINT)
        );
        // Far more than the frontage holds at 60 a point: the rest is unplaced.
        let p = place(&g, &[0], 10_000);
        assert_eq!(p.unplaced, 10_000 - 20 * MAX_FILL_POINT);
        // A building beside the street: that frontage is mapped.
        let built = [coord! { x: 300.0, y: 520.0 }];
        let g = Ground { built: &built, ..g };
        assert!(place(&g, &[0], 10_000).fill.len() < 20);
    }
}
