//! How completely an extract maps buildings, per community: the share of
//! residential land use that footprints cover, and the share of points
//! along residential streets with a building near, each against a
//! reference for fully mapped areas (docs/osm.md).

use super::communities::Unit;
use super::context::{LandIndex, locate};
use super::homes::Home;
use super::households::Landuse;
use crate::config::DwellingModel;
use geo::{Coord, InteriorPoint, LineString};
use std::collections::HashMap;

/// Share of sample points along residential streets with a building
/// within [`NEAR_M`] where everything is mapped.
pub const REFERENCE_STREET_SHARE: f64 = 0.8;
/// Distance from a street sample to a building's centroid that counts as built.
pub const NEAR_M: f64 = 50.0;
/// Spacing of street samples, metres.
pub const SAMPLE_M: f64 = 25.0;

/// What completeness is measured from.
pub struct Input<'a> {
    /// Communities.
    pub units: &'a [Unit],
    /// Buildings.
    pub homes: &'a [Home<'a>],
    /// Each building's community.
    pub in_unit: &'a [Option<usize>],
    /// Land use.
    pub land: &'a LandIndex,
    /// Residential streets.
    pub streets: &'a [LineString<f64>],
    /// The household model (its reference coverage).
    pub model: &'a DwellingModel,
}

/// Completeness per community and over the extract (0–1; `None` when
/// there is nothing to measure by).
#[derive(Debug, Clone, Default)]
pub struct Completeness {
    /// Per community.
    pub per_unit: Vec<Option<f64>>,
    /// The whole extract.
    pub overall: Option<f64>,
}

fn along(l: &LineString<f64>, step: f64, out: &mut Vec<Coord<f64>>) {
    let mut carry = 0.0;
    for w in l.0.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = (b.x - a.x).hypot(b.y - a.y);
        let mut t = carry;
        while t < len {
            let f = t / len;
            out.push(Coord {
                x: a.x + (b.x - a.x) * f,
                y: a.y + (b.y - a.y) * f,
            });
            t += step;
        }
        carry = t - len;
    }
}

fn ratio(num: f64, den: f64) -> Option<f64> {
    (den > 0.0).then(|| (num / den).min(1.0))
}

fn mean(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some((x + y) / 2.0),
        (x, None) => x,
        (None, y) => y,
    }
}

/// Measures completeness (see the module documentation).
pub fn measure(inp: &Input) -> Completeness {
    let n = inp.units.len();
    let areas: Vec<_> = inp.units.iter().map(|u| u.area.clone()).collect();
    // Residential land use and the footprints on it.
    let mut lu_area = vec![0.0; n];
    let mut lu_points = Vec::new();
    let mut lu_sizes = Vec::new();
    for (mp, lu, _, a) in &inp.land.areas {
        if *lu == Some(Landuse::Residential)
            && let Some(p) = mp.interior_point()
        {
            lu_points.push(p.0);
            lu_sizes.push(*a);
        }
    }
    for (u, a) in locate(&areas, &lu_points).into_iter().zip(lu_sizes) {
        if let Some(u) = u {
            lu_area[u] += a;
        }
    }
    let mut fp_area = vec![0.0; n];
    for (h, u) in inp.homes.iter().zip(inp.in_unit) {
        if let (Some(u), Landuse::Residential) = (u, h.landuse) {
            fp_area[*u] += h.area;
        }
    }
    // Street samples with a building near.
    let cell = NEAR_M;
    let key = |c: Coord<f64>| ((c.x / cell).floor() as i64, (c.y / cell).floor() as i64);
    let mut grid: HashMap<(i64, i64), Vec<Coord<f64>>> = HashMap::new();
    for h in inp.homes {
        grid.entry(key(h.centroid)).or_default().push(h.centroid);
    }
    let mut samples = Vec::new();
    for l in inp.streets {
        along(l, SAMPLE_M, &mut samples);
    }
    let (mut total, mut built) = (vec![0.0; n], vec![0.0; n]);
    for (s, u) in samples.iter().zip(locate(&areas, &samples)) {
        let Some(u) = u else { continue };
        total[u] += 1.0;
        let (kx, ky) = key(*s);
        let near = (-1..=1).any(|dx| {
            (-1..=1).any(|dy| {
                grid.get(&(kx + dx, ky + dy))
                    .is_some_and(|v| v.iter().any(|p| (p.x - s.x).hypot(p.y - s.y) <= NEAR_M))
            })
        });
        if near {
            built[u] += 1.0;
        }
    }
    let reference = inp.model.reference_coverage;
    let by_land = |fp: f64, lu: f64| (lu >= 5_000.0).then(|| ratio(fp, lu * reference)).flatten();
    let by_street = |b: f64, t: f64| {
        (t >= 8.0)
            .then(|| ratio(b, t * REFERENCE_STREET_SHARE))
            .flatten()
    };
    let per_unit = (0..n)
        .map(|u| {
            mean(
                by_land(fp_area[u], lu_area[u]),
                by_street(built[u], total[u]),
            )
        })
        .collect();
    let sum = |v: &[f64]| v.iter().sum::<f64>();
    let overall = mean(
        by_land(sum(&fp_area), sum(&lu_area)),
        by_street(sum(&built), sum(&total)),
    );
    Completeness { per_unit, overall }
}

/// Below this, households are a floor, not an estimate.
pub const THIN: f64 = crate::model::THIN_COMPLETENESS;

/// Plain-language warnings about thin data: the extract's completeness,
/// and the thin communities whose households were not calibrated to
/// known totals (`calibrated[i]`), which are a floor.
pub fn warnings(c: &Completeness, units: &[Unit], calibrated: &[bool]) -> Vec<String> {
    let mut out = Vec::new();
    let thin: Vec<String> = c
        .per_unit
        .iter()
        .zip(units)
        .zip(calibrated)
        .filter(|((x, _), known)| x.is_some_and(|x| x < THIN) && !**known)
        .map(|((x, u), _)| {
            format!(
                "{} (~{:.0}%)",
                u.name.clone().unwrap_or_else(|| u.id.clone()),
                x.unwrap_or(0.0) * 100.0
            )
        })
        .collect();
    if let Some(x) = c.overall.filter(|x| *x < THIN) {
        out.push(if thin.is_empty() && calibrated.iter().any(|&k| k) {
            format!(
                "buildings look ~{:.0}% mapped here: the households are the known totals (calibration says how they were placed)",
                x * 100.0
            )
        } else {
            format!(
                "buildings look ~{:.0}% mapped here: households are a floor, not an estimate, where not calibrated; give --households-total or a community totals CSV (--households-csv)",
                x * 100.0
            )
        });
    }
    if !thin.is_empty() {
        let more = thin.len().saturating_sub(8);
        let mut list = thin.into_iter().take(8).collect::<Vec<_>>().join(", ");
        if more > 0 {
            list.push_str(&format!(" and {more} more"));
        }
        out.push(format!(
            "communities with buildings thinly mapped (households a floor, not calibrated): {list}"
        ));
    }
    out
}
