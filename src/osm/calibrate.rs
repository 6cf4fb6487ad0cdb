//! Calibration to known households: a whole-extract total or a roster per
//! community (`community,households`). Within each community the
//! estimates are scaled (dasymetric; whole numbers, the total exact); where
//! buildings look thinly mapped, the estimates are kept and the households
//! missing are spread over residential land use as points.

use super::communities::Unit;
use super::context::{LandIndex, locate};
use super::homes::Home;
use super::households::Landuse;
use crate::error::{Error, Problem};
use geo::{Area, BoundingRect, Contains, Coord, InteriorPoint, MultiPolygon, Point};
use std::collections::HashMap;
use std::path::Path;

/// Completeness below which missing households go to unmapped land.
pub const FILL_BELOW: f64 = 0.8;
/// About this many households per spread point.
pub const FILL_POINT_HOUSEHOLDS: f64 = 30.0;

/// Reads a `community,households` CSV (a header line is allowed).
///
/// ```
/// let dir = std::env::temp_dir().join(format!("linli-totals-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let p = dir.join("totals.csv");
/// std::fs::write(&p, "community,households\nr1,2400\n\"Kamppi\",5100\n").unwrap();
/// let t = linli::osm::calibrate::read_totals(&p).unwrap();
/// assert_eq!(t, vec![("r1".to_string(), 2400), ("Kamppi".to_string(), 5100)]);
/// std::fs::write(&p, "r1,many\n").unwrap();
/// assert!(linli::osm::calibrate::read_totals(&p).is_err());
/// ```
pub fn read_totals(path: &Path) -> Result<Vec<(String, u64)>, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let file = path.display().to_string();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((name, n)) = line.rsplit_once(',') else {
            problems.push(
                Problem::file(
                    &file,
                    format!("line {}: expected community,households", i + 1),
                )
                .with_hint("one community per line: its id or name, a comma, its households"),
            );
            continue;
        };
        let name = name.trim().trim_matches('"').to_string();
        match n.trim().parse::<u64>() {
            Ok(n) => out.push((name, n)),
            Err(_) if i == 0 || out.is_empty() && n.trim().eq_ignore_ascii_case("households") => {}
            Err(_) => problems.push(
                Problem::file(
                    &file,
                    format!(
                        "line {}: households {:?} is not a whole number",
                        i + 1,
                        n.trim()
                    ),
                )
                .with_hint("households must be a whole number ≥ 0"),
            ),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    if out.is_empty() {
        return Err(Error::Input(vec![Problem::file(
            &file,
            "has no community,households line",
        )]));
    }
    Ok(out)
}

/// What calibration works on.
pub struct Input<'a> {
    /// Known totals: `("*", n)` for the whole extract, else community id or name.
    pub totals: &'a [(String, u64)],
    /// Communities.
    pub units: &'a [Unit],
    /// Each building's community.
    pub in_unit: &'a [Option<usize>],
    /// Land use (residential areas receive missing households).
    pub land: &'a LandIndex,
    /// Completeness per community.
    pub completeness: &'a [Option<f64>],
    /// Completeness of the whole extract.
    pub overall: Option<f64>,
}

/// Households placed on unmapped residential land.
#[derive(Debug, Clone)]
pub struct Fill {
    /// Where, metres.
    pub at: Coord<f64>,
    /// Households.
    pub households: u32,
    /// Its community.
    pub unit: Option<usize>,
}

/// Calibration's result.
#[derive(Debug, Clone, Default)]
pub struct Output {
    /// Points of households on unmapped land.
    pub fill: Vec<Fill>,
    /// What could not be done.
    pub warnings: Vec<String>,
}

/// Splits `total` over `weights` in proportion (largest remainder; ties
/// to the lower index), whole numbers summing exactly to `total`.
///
/// ```
/// assert_eq!(linli::osm::calibrate::apportion(10, &[1.0, 1.0, 1.0]), vec![4, 3, 3]);
/// assert_eq!(linli::osm::calibrate::apportion(5, &[0.0, 2.0]), vec![0, 5]);
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

/// Scales the residential buildings of a group to `total` (each keeps at
/// least one household when the total allows).
fn scale(homes: &mut [Home], members: &[usize], total: u64) {
    let n = members.len() as u64;
    let floor = u64::from(total >= n);
    let weights: Vec<f64> = members
        .iter()
        .map(|&i| f64::from(homes[i].estimate.households))
        .collect();
    let share = apportion(total - floor * n, &weights);
    for (&i, s) in members.iter().zip(share) {
        let h = &mut homes[i].estimate;
        h.households = (s + floor).min(u64::from(u32::MAX)) as u32;
        h.source = "calibrated";
    }
}

/// Points over residential land in `group` away from mapped buildings,
/// sharing `missing` households.
fn spread(inp: &Input, homes: &[Home], group: &[usize], missing: u64) -> Vec<Fill> {
    let areas: Vec<MultiPolygon<f64>> = inp.units.iter().map(|u| u.area.clone()).collect();
    let whole = inp.totals.first().is_some_and(|(k, _)| k == "*");
    let mut lands: Vec<&MultiPolygon<f64>> = Vec::new();
    for (mp, lu, _, _) in &inp.land.areas {
        if *lu != Some(Landuse::Residential) {
            continue;
        }
        let Some(p) = mp.interior_point() else {
            continue;
        };
        let u = locate(&areas, &[p.0])[0];
        if whole || u.is_some_and(|u| group.contains(&u)) {
            lands.push(mp);
        }
    }
    let land_area: f64 = lands.iter().map(|m| m.unsigned_area()).sum();
    if lands.is_empty() || land_area <= 0.0 {
        return Vec::new();
    }
    let points_wanted = (missing as f64 / FILL_POINT_HOUSEHOLDS).ceil().max(1.0);
    let step = (land_area / points_wanted).sqrt().clamp(15.0, 500.0);
    let key = |c: Coord<f64>| ((c.x / 15.0).floor() as i64, (c.y / 15.0).floor() as i64);
    let mut built: HashMap<(i64, i64), ()> = HashMap::new();
    for h in homes {
        built.insert(key(h.centroid), ());
    }
    let mut pts: Vec<Coord<f64>> = Vec::new();
    for m in &lands {
        let Some(r) = m.bounding_rect() else { continue };
        let mut x = (r.min().x / step).floor() * step + step / 2.0;
        let mut here = 0;
        while x <= r.max().x {
            let mut y = (r.min().y / step).floor() * step + step / 2.0;
            while y <= r.max().y {
                let c = Coord { x, y };
                if m.contains(&Point(c)) && !built.contains_key(&key(c)) {
                    pts.push(c);
                    here += 1;
                }
                y += step;
            }
            x += step;
        }
        if here == 0
            && let Some(p) = m.interior_point()
        {
            pts.push(p.0);
        }
    }
    let shares = apportion(missing, &vec![1.0; pts.len()]);
    let units = locate(&areas, &pts);
    pts.into_iter()
        .zip(shares)
        .zip(units)
        .filter(|((_, h), _)| *h > 0)
        .map(|((at, h), unit)| Fill {
            at,
            households: h.min(u64::from(u32::MAX)) as u32,
            unit,
        })
        .collect()
}

/// Calibrates the buildings' households to the known totals.
pub fn apply(homes: &mut [Home], inp: &Input) -> Output {
    let mut out = Output::default();
    let mut groups: Vec<(String, Vec<usize>, u64, Option<f64>)> = Vec::new();
    for (name, total) in inp.totals {
        if name == "*" {
            groups.push((
                "the extract".into(),
                (0..inp.units.len()).collect(),
                *total,
                inp.overall,
            ));
            continue;
        }
        let hit = inp.units.iter().position(|u| {
            u.id == *name || u.name.as_deref() == Some(name) || u.name_zh.as_deref() == Some(name)
        });
        match hit {
            Some(u) => groups.push((name.clone(), vec![u], *total, inp.completeness[u])),
            None => out.warnings.push(format!(
                "known households for {name:?} matched no community (give a community id or name from communities.geojson)"
            )),
        }
    }
    for (name, group, total, completeness) in groups {
        let whole = name == "the extract";
        let members: Vec<usize> = (0..homes.len())
            .filter(|&i| homes[i].estimate.use_ == "residential")
            .filter(|&i| whole || inp.in_unit[i].is_some_and(|u| group.contains(&u)))
            .collect();
        let estimated: u64 = members
            .iter()
            .map(|&i| u64::from(homes[i].estimate.households))
            .sum();
        if total > estimated && completeness.is_some_and(|c| c < FILL_BELOW) {
            let fill = spread(inp, homes, &group, total - estimated);
            if !fill.is_empty() {
                out.fill.extend(fill);
                continue;
            }
        }
        if members.is_empty() {
            out.warnings.push(format!(
                "{name}: {total} households known but no home mapped and no residential land use to place them on"
            ));
            continue;
        }
        scale(homes, &members, total);
    }
    out
}
