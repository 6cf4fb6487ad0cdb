//! Checks of layers as written, in lon/lat, by code that shares nothing with
//! the code that wrote them: RFC 7946 ring rules, OGC validity (geo's
//! `Validation`), exact tiling of each community (areas and edges), slivers,
//! buildings split between parts, and strong lines through parts.

#![allow(dead_code)]

use geo::{
    Area, BooleanOps, BoundingRect, Coord, Euclidean, Length, LineString, MultiLineString,
    MultiPolygon, Polygon, Validation,
};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// A feature of a written layer: its properties and geometry.
pub struct Feature {
    pub props: Map<String, Value>,
    pub geometry: Option<geo::Geometry<f64>>,
}

impl Feature {
    pub fn id(&self) -> String {
        match self.props.get("id") {
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => "?".into(),
        }
    }

    pub fn str_prop(&self, k: &str) -> Option<String> {
        match self.props.get(k)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            v => Some(v.to_string()),
        }
    }

    /// The geometry as polygons (empty for other types).
    pub fn polygons(&self) -> MultiPolygon<f64> {
        match &self.geometry {
            Some(geo::Geometry::Polygon(p)) => MultiPolygon(vec![p.clone()]),
            Some(geo::Geometry::MultiPolygon(m)) => m.clone(),
            _ => MultiPolygon(vec![]),
        }
    }
}

/// Reads a FeatureCollection; problems with RFC 7946 rings (not closed,
/// fewer than 4 positions, exterior not counter-clockwise, hole not
/// clockwise, a position outside lon/lat) go to `problems`.
pub fn read_layer(path: &Path, problems: &mut Vec<String>) -> Vec<Feature> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(v["type"], "FeatureCollection", "{}", path.display());
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut out = Vec::new();
    for (i, f) in v["features"].as_array().unwrap().iter().enumerate() {
        let props = f["properties"].as_object().cloned().unwrap_or_default();
        let g = &f["geometry"];
        let polys: Vec<&Value> = match g["type"].as_str() {
            Some("Polygon") => vec![&g["coordinates"]],
            Some("MultiPolygon") => g["coordinates"].as_array().unwrap().iter().collect(),
            _ => vec![],
        };
        for p in polys {
            for (k, r) in p.as_array().unwrap().iter().enumerate() {
                let r = r.as_array().unwrap();
                let pts: Vec<(f64, f64)> = r
                    .iter()
                    .map(|c| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap()))
                    .collect();
                if pts.len() < 4 || pts.first() != pts.last() {
                    problems.push(format!(
                        "{name}#{i}: ring {k} not closed or under 4 positions"
                    ));
                    continue;
                }
                let a = shoelace(&pts);
                if (k == 0) != (a > 0.0) {
                    problems.push(format!("{name}#{i}: ring {k} wrongly oriented"));
                }
                if pts
                    .iter()
                    .any(|&(x, y)| !(-180.0..=180.0).contains(&x) || !(-90.0..=90.0).contains(&y))
                {
                    problems.push(format!("{name}#{i}: position outside lon/lat"));
                }
            }
        }
        let geometry = if g.is_null() {
            None
        } else {
            let gj: geojson::Geometry = serde_json::from_value(g.clone()).unwrap();
            Some(geo::Geometry::try_from(gj).unwrap())
        };
        out.push(Feature { props, geometry });
    }
    out
}

fn shoelace(pts: &[(f64, f64)]) -> f64 {
    let o = pts[0];
    pts.windows(2)
        .map(|w| (w[0].0 - o.0) * (w[1].1 - o.1) - (w[1].0 - o.0) * (w[0].1 - o.1))
        .sum::<f64>()
        / 2.0
}

/// OGC validity of every polygon (geo's rules: GEOS's).
pub fn invalid(name: &str, features: &[Feature]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let mp = f.polygons();
        if mp.0.is_empty() {
            continue;
        }
        if !mp.is_valid() {
            out.push(format!(
                "{name}#{i} ({}): {:?}",
                f.id(),
                mp.validation_errors()
            ));
        }
    }
    out
}

/// Metres per degree of longitude and latitude at `lat`.
pub fn scale(lat: f64) -> (f64, f64) {
    (111_320.0 * lat.to_radians().cos(), 110_540.0)
}

fn to_metres(mp: &MultiPolygon<f64>, lat: f64) -> MultiPolygon<f64> {
    use geo::MapCoords;
    let (sx, sy) = scale(lat);
    mp.map_coords(|c| Coord {
        x: c.x * sx,
        y: c.y * sy,
    })
}

fn centre_lat(mp: &MultiPolygon<f64>) -> f64 {
    mp.bounding_rect().map_or(0.0, |r| r.center().y)
}

/// How far the parts of each whole are from tiling it exactly, as written.
///
/// For each whole: the parts' areas must sum to its area, and the parts'
/// ring edges must cancel in pairs (a→b in one, b→a in another) except
/// those lying on the whole's border, which must cover it exactly. Returns
/// (whole id, relative area error, relative uncovered border, edges off
/// the border) for every whole that fails `tol`, and the wholes without parts.
pub fn tiling(
    parts: &[Feature],
    part_key: &str,
    wholes: &[Feature],
    whole_key: &str,
    tol: f64,
) -> Vec<String> {
    let mut by: HashMap<String, Vec<&Feature>> = HashMap::new();
    for p in parts {
        by.entry(p.str_prop(part_key).unwrap_or_default())
            .or_default()
            .push(p);
    }
    let mut out = Vec::new();
    for w in wholes {
        let id = w.str_prop(whole_key).unwrap_or_default();
        let wm = w.polygons();
        let Some(ps) = by.get(&id) else {
            out.push(format!("{id}: no parts"));
            continue;
        };
        let area_w = wm.unsigned_area();
        let area_p: f64 = ps.iter().map(|p| p.polygons().unsigned_area()).sum();
        let rel = ((area_p - area_w) / area_w).abs();
        // Directed edges of the parts; reverse pairs cancel.
        let mut count: HashMap<(Key, Key), i64> = HashMap::new();
        let k = |c: Coord<f64>| ((c.x + 0.0).to_bits(), (c.y + 0.0).to_bits());
        for p in ps {
            for poly in p.polygons().0 {
                for r in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                    for l in r.lines() {
                        let (a, b) = (k(l.start), k(l.end));
                        if a == b {
                            continue;
                        }
                        let rev = count.entry((b, a)).or_insert(0);
                        if *rev > 0 {
                            *rev -= 1;
                        } else {
                            *count.entry((a, b)).or_insert(0) += 1;
                        }
                    }
                }
            }
        }
        let border: Vec<geo::Line<f64>> =
            wm.0.iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .flat_map(|r| r.lines().collect::<Vec<_>>())
                .collect();
        let perimeter: f64 = border.iter().map(|l| Euclidean.length(l)).sum();
        let eps = 1e-11
            * (1.0
                + wm.bounding_rect()
                    .map_or(0.0, |r| r.width().max(r.height())));
        let mut on_border = 0.0;
        let mut off = 0usize;
        let un = |b: (u64, u64)| Coord {
            x: f64::from_bits(b.0),
            y: f64::from_bits(b.1),
        };
        for (&(a, b), &n) in &count {
            if n <= 0 {
                continue;
            }
            let (a, b) = (un(a), un(b));
            let on = border
                .iter()
                .any(|l| near_segment(a, l, eps) && near_segment(b, l, eps));
            if on {
                on_border += n as f64 * Euclidean.length(&geo::Line::new(a, b));
            } else {
                off += n as usize;
            }
        }
        let uncovered = ((perimeter - on_border) / perimeter).abs();
        if rel > tol || uncovered > tol || off > 0 {
            out.push(format!(
                "{id}: area off by {rel:.2e}, border uncovered {uncovered:.2e}, {off} edge(s) neither shared nor on the border"
            ));
        }
    }
    out
}

/// A position's bits.
type Key = (u64, u64);

fn near_segment(p: Coord<f64>, l: &geo::Line<f64>, eps: f64) -> bool {
    let d = l.end - l.start;
    let len2 = d.x * d.x + d.y * d.y;
    if len2 == 0.0 {
        return (p.x - l.start.x).hypot(p.y - l.start.y) <= eps;
    }
    let t = ((p.x - l.start.x) * d.x + (p.y - l.start.y) * d.y) / len2;
    if !(-1e-12..=1.0 + 1e-12).contains(&t) {
        return false;
    }
    ((p.x - l.start.x) * d.y - (p.y - l.start.y) * d.x).abs() / len2.sqrt() <= eps
}

/// Polygons under `min_m2`, or thinner than `min_width_m` on average
/// (2·area/perimeter).
pub fn slivers(name: &str, features: &[Feature], min_m2: f64, min_width_m: f64) -> Vec<String> {
    let mut out = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let mp = f.polygons();
        if mp.0.is_empty() {
            continue;
        }
        let m = to_metres(&mp, centre_lat(&mp));
        let a = m.unsigned_area();
        let perimeter: f64 =
            m.0.iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .map(|r| Euclidean.length(r))
                .sum();
        if a < min_m2 || 2.0 * a / perimeter < min_width_m {
            out.push(format!(
                "{name}#{i} ({}): {a:.3} m², {:.3} m wide",
                f.id(),
                2.0 * a / perimeter
            ));
        }
    }
    out
}

/// Building footprints with more than `min_m2` inside two or more parts.
pub fn cut_buildings(parts: &[Feature], buildings: &[Feature], min_m2: f64) -> Vec<String> {
    let boxes: Vec<(geo::Rect<f64>, MultiPolygon<f64>)> = parts
        .iter()
        .map(|p| p.polygons())
        .filter_map(|m| Some((m.bounding_rect()?, m)))
        .collect();
    let mut out = Vec::new();
    for b in buildings {
        let fp = b.polygons();
        let Some(r) = fp.bounding_rect() else {
            continue;
        };
        let (sx, sy) = scale(r.center().y);
        let mut pieces = Vec::new();
        for (pr, pm) in &boxes {
            if pr.max().x < r.min().x
                || pr.min().x > r.max().x
                || pr.max().y < r.min().y
                || pr.min().y > r.max().y
            {
                continue;
            }
            let a = fp.intersection(pm).unsigned_area() * sx * sy;
            if a > min_m2 {
                pieces.push(a);
            }
        }
        if pieces.len() > 1 {
            out.push(format!("building {} split {pieces:?} m²", b.id()));
        }
    }
    out
}

/// Parts whose interior (shrunk by 1 m) a line of `lines` crosses for more
/// than `min_m` metres: (part id, line id, metres).
pub fn straddles(parts: &[Feature], lines: &[Feature], min_m: f64) -> Vec<(String, String, f64)> {
    use geo::Buffer;
    let mut out = Vec::new();
    for p in parts {
        let mp = p.polygons();
        let Some(pr) = mp.bounding_rect() else {
            continue;
        };
        let lat = pr.center().y;
        let (sx, sy) = scale(lat);
        let inner = to_metres(&mp, lat).buffer(-1.0);
        for l in lines {
            let ls: Vec<LineString<f64>> = match &l.geometry {
                Some(geo::Geometry::LineString(x)) => vec![x.clone()],
                Some(geo::Geometry::MultiLineString(m)) => m.0.clone(),
                _ => continue,
            };
            let Some(lr) = MultiLineString(ls.clone()).bounding_rect() else {
                continue;
            };
            if lr.max().x < pr.min().x
                || lr.min().x > pr.max().x
                || lr.max().y < pr.min().y
                || lr.min().y > pr.max().y
            {
                continue;
            }
            use geo::MapCoords;
            let lm = MultiLineString(ls).map_coords(|c| Coord {
                x: c.x * sx,
                y: c.y * sy,
            });
            let inside: f64 = inner
                .clip(&lm, false)
                .0
                .iter()
                .map(|x| Euclidean.length(x))
                .sum();
            if inside > min_m {
                out.push((p.id(), l.id(), inside));
            }
        }
    }
    out
}

/// Every polygon layer of a plan folder: ring rules and validity problems.
pub fn polygon_problems(dir: &Path, names: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    for n in names {
        let p = dir.join(n);
        if !p.exists() {
            continue;
        }
        let fs = read_layer(&p, &mut problems);
        problems.extend(invalid(n, &fs));
    }
    problems
}

/// `Polygon` is used by callers building wholes by hand.
pub fn whole(id: &str, p: Polygon<f64>) -> Feature {
    let mut props = Map::new();
    props.insert("id".into(), Value::String(id.into()));
    Feature {
        props,
        geometry: Some(geo::Geometry::Polygon(p)),
    }
}

/// What is wrong with written blocks and neighborhoods as layers: invalid
/// polygons, gaps or overlaps against `communities` (1e-6 of each), and
/// slivers (under 1 m² or 0.5 m wide).
pub fn layer_problems(
    blocks: &[Feature],
    hoods: &[Feature],
    communities: &[Feature],
) -> Vec<String> {
    let mut problems = invalid("blocks", blocks);
    problems.extend(invalid("neighborhoods", hoods));
    for parts in [blocks, hoods] {
        problems.extend(tiling(parts, "community", communities, "id", 1e-6));
    }
    problems.extend(slivers("blocks", blocks, 1.0, 0.5));
    problems.extend(slivers("neighborhoods", hoods, 1.0, 0.5));
    problems
}

/// The buildings no community border runs through (those it does are split
/// by it and listed in partition_summary.json).
pub fn off_community_borders(summary: &Value, buildings: Vec<Feature>) -> Vec<Feature> {
    let on_borders: Vec<&str> = summary["buildings_on_community_borders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    buildings
        .into_iter()
        .filter(|b| !on_borders.contains(&b.id().as_str()))
        .collect()
}

/// Neighborhoods a line of `lines` crosses for more than 20 m that
/// partition_summary.json's `strong_barriers` does not list.
pub fn unreported_straddles(summary: &Value, hoods: &[Feature], lines: &[Feature]) -> Vec<String> {
    let reported: Vec<&str> = summary["strong_barriers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["neighborhood"].as_str().unwrap())
        .collect();
    straddles(hoods, lines, 20.0)
        .into_iter()
        .filter(|(part, _, _)| !reported.contains(&part.as_str()))
        .map(|(part, line, m)| format!("{part} crossed by {line} for {m:.0} m, not reported"))
        .collect()
}
