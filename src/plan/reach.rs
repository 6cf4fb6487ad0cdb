//! Each planned neighborhood's walking reach (see
//! [`crate::coverage::reach`]), for neighborhoods.geojson and
//! summary.json.

use crate::coverage::reach::{ReachFrom, central_home, longest_walk};
use crate::coverage::{Coverage, dijkstra::Search};
use crate::model::Planned;
use crate::read::Loaded;
use serde::Serialize;

/// Walks longer than this (m) are not looked for: a neighborhood is
/// never that wide.
const BOUND_M: f64 = 20_000.0;

/// One neighborhood's walking reach.
#[derive(Debug, Clone, PartialEq)]
pub struct NeighborhoodReach {
    /// The longest walk, metres (`None`: no home reached).
    pub metres: Option<f64>,
    /// Where it is measured from.
    pub from: Option<ReachFrom>,
    /// Homes off the network or beyond reach of the start.
    pub missed: usize,
}

/// Each neighborhood's walking reach: from a service point inside it (the
/// first in input order), else from its most central home.
pub fn walking_reach(loaded: &Loaded, planned: &Planned, cov: &Coverage) -> Vec<NeighborhoodReach> {
    use rayon::prelude::*;
    let s = &loaded.scenario;
    let kind = &loaded.config.walking.standards.service_point;
    let areas: Vec<_> = planned.shapes.iter().map(|d| d.area.clone()).collect();
    let points: Vec<_> = s.facilities.iter().map(|f| f.location.0).collect();
    let inside = crate::coverage::locate(&areas, &points);
    let mut point_of: Vec<Option<usize>> = vec![None; areas.len()];
    for (f, k) in inside.iter().enumerate() {
        let usable = s.facilities[f].kind == *kind && cov.facility_snaps[f].is_some();
        if let (true, Some(k)) = (usable, *k) {
            point_of[k].get_or_insert(f);
        }
    }
    (0..planned.partition.neighborhoods.len())
        .into_par_iter()
        .map_init(
            || Search::new(cov.graph.nodes.len()),
            |search, k| {
                let homes: Vec<usize> = planned.partition.neighborhoods[k]
                    .blocks
                    .iter()
                    .flat_map(|&b| &planned.blocks.blocks[b].buildings)
                    .copied()
                    .filter(|&i| s.buildings[i].households > 0)
                    .collect();
                let from = match point_of[k] {
                    Some(f) => Some(ReachFrom::ServicePoint(f)),
                    None => {
                        let on: Vec<usize> = homes
                            .iter()
                            .copied()
                            .filter(|&i| cov.building_snaps[i].is_some())
                            .collect();
                        let at: Vec<(geo::Coord<f64>, u32)> = on
                            .iter()
                            .map(|&i| (s.buildings[i].location.0, s.buildings[i].households))
                            .collect();
                        central_home(&at).map(|j| ReachFrom::Building(on[j]))
                    }
                };
                let start = match from {
                    Some(ReachFrom::ServicePoint(f)) => cov.facility_snaps[f],
                    Some(ReachFrom::Building(b)) => cov.building_snaps[b],
                    None => None,
                };
                // The start home is no walk from itself.
                let start_home = match from {
                    Some(ReachFrom::Building(b)) => Some(b),
                    _ => None,
                };
                let targets: Vec<_> = homes
                    .iter()
                    .filter(|&&i| Some(i) != start_home)
                    .map(|&i| cov.building_snaps[i])
                    .collect();
                let (metres, missed) = match start {
                    Some(_) if targets.is_empty() => (Some(0.0), 0),
                    Some(st) => longest_walk(&cov.graph, search, st, &targets, BOUND_M),
                    None => (None, targets.len()),
                };
                NeighborhoodReach {
                    metres,
                    from,
                    missed,
                }
            },
        )
        .collect()
}

/// The reach summed up for summary.json.
#[derive(Debug, Clone, Serialize)]
pub struct ReachSummary {
    /// Neighborhoods with a reach.
    pub neighborhoods: usize,
    /// Measured from a service point inside.
    pub from_service_point: usize,
    /// Measured from the most central home.
    pub from_home: usize,
    /// Mean longest walk, metres.
    pub mean_m: f64,
    /// Median, metres.
    pub median_m: f64,
    /// Longest, metres.
    pub max_m: f64,
    /// Neighborhoods whose longest walk exceeds the service point's limit.
    pub beyond_service_point_limit: usize,
    /// Neighborhoods with homes the start cannot reach (off the network,
    /// or on another piece of it): their reach leaves those homes out.
    pub with_unreached_homes: usize,
    /// That limit, metres.
    pub service_point_limit_m: f64,
}

/// [`ReachSummary`] of `reach` against the service point's limit.
pub fn summary(reach: &[NeighborhoodReach], limit_m: f64) -> ReachSummary {
    let mut m: Vec<f64> = reach.iter().filter_map(|r| r.metres).collect();
    m.sort_by(f64::total_cmp);
    let n = m.len();
    let round = |v: f64| (v * 10.0).round() / 10.0;
    ReachSummary {
        neighborhoods: n,
        from_service_point: reach
            .iter()
            .filter(|r| matches!(r.from, Some(ReachFrom::ServicePoint(_))))
            .count(),
        from_home: reach
            .iter()
            .filter(|r| matches!(r.from, Some(ReachFrom::Building(_))))
            .count(),
        mean_m: if n > 0 {
            round(m.iter().sum::<f64>() / n as f64)
        } else {
            0.0
        },
        median_m: if n > 0 { round(m[n / 2]) } else { 0.0 },
        max_m: m.last().copied().map_or(0.0, round),
        beyond_service_point_limit: m
            .iter()
            .filter(|&&v| v > limit_m + crate::coverage::EPS_M)
            .count(),
        with_unreached_homes: reach.iter().filter(|r| r.missed > 0).count(),
        service_point_limit_m: limit_m,
    }
}
