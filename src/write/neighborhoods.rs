//! The partition's outputs: neighborhoods.geojson, partition_summary.json and
//! the optional block → neighborhood labels CSV.

use super::geojson::{OutGeometry, feature_collection};
use super::{write_atomic, write_json};
use crate::error::Error;
use crate::model::Planned;
use crate::read::Loaded;
use geo::Area;
use serde::Serialize;
use serde_json::{Map, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Figures of one neighborhood, as written.
#[derive(Debug, Clone, Serialize)]
pub struct NeighborhoodFigures {
    /// Id.
    pub id: String,
    /// Community id.
    pub community: String,
    /// Street.
    pub street: String,
    /// Households.
    pub households: u64,
    /// Buildings (all uses).
    pub buildings: usize,
    /// Buildings with households.
    pub residential_buildings: usize,
    /// Households estimated.
    pub estimated_households: u64,
    /// Area, m².
    pub area_m2: f64,
    /// Perimeter, m.
    pub perimeter_m: f64,
    /// 4πA/P²: 1 for a circle.
    pub polsby_popper: f64,
    /// Area over the convex hull's area: 1 for a convex shape, low for a
    /// sprawling or hooked one.
    pub convex_hull_ratio: f64,
    /// households / target − 1.
    pub deviation: f64,
    /// Share of the border (community border excluded) on a road, river,
    /// rail or landmark edge; 1 when the whole border is the community's.
    pub barrier_share: f64,
    /// Parts (1 when contiguous).
    pub parts: usize,
    /// Flags.
    pub flags: Vec<String>,
}

/// Per-community (or overall) partition figures.
#[derive(Debug, Clone, Serialize)]
pub struct PartitionStats {
    /// Community id, or "all".
    pub id: String,
    /// Neighborhoods.
    pub count: usize,
    /// Households.
    pub households: u64,
    /// Fewest households in a neighborhood.
    pub min_households: u64,
    /// Median households.
    pub median_households: f64,
    /// Most households.
    pub max_households: u64,
    /// Share of neighborhoods within the band.
    pub share_within_band: f64,
    /// Mean Polsby-Popper.
    pub mean_polsby_popper: f64,
    /// Mean convex-hull ratio.
    pub mean_convex_hull_ratio: f64,
    /// Length-weighted share of internal borders on barriers.
    pub barrier_share: f64,
    /// Flag counts.
    pub flags: std::collections::BTreeMap<String, usize>,
}

/// partition_summary.json.
#[derive(Debug, Clone, Serialize)]
pub struct PartitionSummary {
    /// Scenario name.
    pub scenario: String,
    /// Over every community.
    pub overall: PartitionStats,
    /// Per community.
    pub communities: Vec<PartitionStats>,
    /// Per street.
    pub streets: Vec<PartitionStats>,
    /// Blocks (as blocks.geojson holds them).
    pub blocks: usize,
    /// Units partitioned: the blocks, with those above the band split into
    /// cells around their buildings.
    pub units: usize,
    /// Buildings outside every community (left out).
    pub buildings_outside: usize,
    /// Buildings a road, river, railway or landmark edge runs through
    /// (each kept whole on one side).
    pub buildings_kept_whole: Vec<String>,
    /// Buildings a community border runs through (split by it).
    pub buildings_on_community_borders: Vec<String>,
    /// Neighborhoods a strong barrier (motorway, trunk, primary road,
    /// river, canal, railway) runs through for more than 20 m.
    pub strong_barrier_exceptions: usize,
    /// Every stretch of strong barrier inside a neighborhood, with its reason.
    pub strong_barriers: Vec<StrongBarrierRow>,
}

/// A stretch of strong barrier inside a neighborhood.
#[derive(Debug, Clone, Serialize)]
pub struct StrongBarrierRow {
    /// Neighborhood id.
    pub neighborhood: String,
    /// road, water or rail.
    pub kind: &'static str,
    /// Its barrier level.
    pub level: u8,
    /// Metres inside the neighborhood.
    pub length_m: f64,
    /// Why (see `partition::straddles::Reason`).
    pub reason: crate::partition::straddles::Reason,
    /// Households of the smaller side, or of the whole community.
    pub households: Option<u64>,
}

/// How long (metres) a strong barrier may run inside a neighborhood before
/// it counts as an exception.
pub const STRADDLE_M: f64 = 20.0;

fn round(v: f64, d: i32) -> f64 {
    let m = 10f64.powi(d);
    (v * m).round() / m
}

/// Figures of every neighborhood.
pub fn figures(loaded: &Loaded, planned: &Planned) -> Vec<NeighborhoodFigures> {
    let s = &loaded.scenario;
    planned
        .partition
        .neighborhoods
        .iter()
        .zip(&planned.shapes)
        .map(|(n, d)| {
            let area = d.area.unsigned_area();
            let pp = if d.perimeter_m > 0.0 {
                4.0 * std::f64::consts::PI * area / (d.perimeter_m * d.perimeter_m)
            } else {
                0.0
            };
            let internal = d.perimeter_m - d.community_border_m;
            let share = if internal > 1e-9 {
                d.barrier_border_m / internal
            } else {
                1.0
            };
            let mut flags = n.flags.clone();
            if d.area.0.len() > 1 {
                flags.push("not_contiguous".into());
            }
            NeighborhoodFigures {
                id: n.id.clone(),
                community: s.communities[n.community].id.clone(),
                street: s.communities[n.community].street.clone(),
                households: n.households,
                buildings: n.buildings,
                residential_buildings: n.residential_buildings,
                estimated_households: n.estimated_households,
                area_m2: round(area, 2),
                perimeter_m: round(d.perimeter_m, 2),
                polsby_popper: round(pp, 4),
                convex_hull_ratio: round(hull_ratio(&d.area), 4),
                deviation: round(n.households as f64 / f64::from(n.target) - 1.0, 4),
                barrier_share: round(share, 4),
                parts: d.area.0.len(),
                flags,
            }
        })
        .collect()
}

/// Area over the convex hull's area (0 for no area).
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// let l = polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 1.0, y: 1.0), (x: 1.0, y: 2.0), (x: 0.0, y: 2.0)];
/// assert!((linli::write::neighborhoods::hull_ratio(&MultiPolygon(vec![l])) - 3.0 / 3.5).abs() < 1e-9);
/// ```
pub fn hull_ratio(area: &geo::MultiPolygon<f64>) -> f64 {
    use geo::{Area, ConvexHull};
    let hull = area.convex_hull().unsigned_area();
    if hull > 0.0 {
        area.unsigned_area() / hull
    } else {
        0.0
    }
}

/// Each community's band tolerance (per-community settings over the
/// scenario's).
struct Tolerances {
    by_community: std::collections::BTreeMap<String, f64>,
    default: f64,
}

impl Tolerances {
    fn of(&self, community: &str) -> f64 {
        self.by_community
            .get(community)
            .copied()
            .unwrap_or(self.default)
    }
}

/// Each neighborhood's index by id (the first of equal ids, as a search
/// would find).
type IdIndex<'a> = std::collections::HashMap<&'a str, usize>;

fn stats(
    id: &str,
    figs: &[&NeighborhoodFigures],
    (planned, index): (&Planned, &IdIndex),
    tolerance: &Tolerances,
) -> PartitionStats {
    let mut hh: Vec<u64> = figs.iter().map(|f| f.households).collect();
    hh.sort_unstable();
    let median = match hh.len() {
        0 => 0.0,
        n if n % 2 == 1 => hh[n / 2] as f64,
        n => (hh[n / 2 - 1] + hh[n / 2]) as f64 / 2.0,
    };
    let within = figs
        .iter()
        .filter(|f| f.deviation.abs() <= tolerance.of(&f.community) + 1e-9)
        .count();
    let mut flags = std::collections::BTreeMap::new();
    for f in figs {
        for fl in &f.flags {
            *flags.entry(fl.clone()).or_insert(0) += 1;
        }
    }
    // Internal borders are counted once per side; the ratio is unaffected.
    let (mut barrier, mut internal) = (0.0, 0.0);
    for f in figs {
        if let Some(&i) = index.get(f.id.as_str()) {
            let d = &planned.shapes[i];
            barrier += d.barrier_border_m;
            internal += d.perimeter_m - d.community_border_m;
        }
    }
    let n = figs.len().max(1) as f64;
    PartitionStats {
        id: id.to_string(),
        count: figs.len(),
        households: hh.iter().sum(),
        min_households: hh.first().copied().unwrap_or(0),
        median_households: median,
        max_households: hh.last().copied().unwrap_or(0),
        share_within_band: round(within as f64 / n, 4),
        mean_polsby_popper: round(figs.iter().map(|f| f.polsby_popper).sum::<f64>() / n, 4),
        mean_convex_hull_ratio: round(figs.iter().map(|f| f.convex_hull_ratio).sum::<f64>() / n, 4),
        barrier_share: round(
            if internal > 0.0 {
                barrier / internal
            } else {
                1.0
            },
            4,
        ),
        flags,
    }
}

/// Properties added to neighborhood `k`'s.
pub type MoreProps<'a> = dyn Fn(usize, &mut Map<String, serde_json::Value>) + 'a;

/// The figures by `key`, in the keys' order, each group in input order: one
/// pass (a filter per community or street grows with a district's square).
fn grouped<'a>(
    figs: &'a [NeighborhoodFigures],
    key: impl Fn(&'a NeighborhoodFigures) -> &'a str,
) -> BTreeMap<&'a str, Vec<&'a NeighborhoodFigures>> {
    let mut out: BTreeMap<&str, Vec<&NeighborhoodFigures>> = BTreeMap::new();
    for f in figs {
        out.entry(key(f)).or_default().push(f);
    }
    out
}

/// Computes partition_summary.json.
pub fn summarize(
    loaded: &Loaded,
    planned: &Planned,
    figs: &[NeighborhoodFigures],
) -> PartitionSummary {
    let tol = &Tolerances {
        by_community: loaded
            .scenario
            .communities
            .iter()
            .map(|c| (c.id.clone(), loaded.config.targets_for(c).tolerance))
            .collect(),
        default: loaded.config.targets.tolerance,
    };
    let all: Vec<&NeighborhoodFigures> = figs.iter().collect();
    let mut index = IdIndex::new();
    for (i, n) in planned.partition.neighborhoods.iter().enumerate() {
        index.entry(n.id.as_str()).or_insert(i);
    }
    let of_id = grouped(figs, |f| f.community.as_str());
    let communities = loaded
        .scenario
        .communities
        .iter()
        .map(|c| {
            let fs = of_id.get(c.id.as_str()).cloned().unwrap_or_default();
            stats(&c.id, &fs, (planned, &index), tol)
        })
        .collect();
    let streets = grouped(figs, |f| f.street.as_str())
        .into_iter()
        .map(|(st, fs)| stats(st, &fs, (planned, &index), tol))
        .collect();
    let n = &planned.partition.neighborhoods;
    let strong_barriers: Vec<StrongBarrierRow> = planned
        .straddles
        .iter()
        .map(|x| StrongBarrierRow {
            neighborhood: n[x.neighborhood].id.clone(),
            kind: x.barrier.kind.as_str(),
            level: x.barrier.level,
            length_m: round(x.length_m, 1),
            reason: x.reason,
            households: x.households,
        })
        .collect();
    let mut over: BTreeMap<usize, f64> = BTreeMap::new();
    for x in &planned.straddles {
        *over.entry(x.neighborhood).or_insert(0.0) += x.length_m;
    }
    PartitionSummary {
        scenario: loaded.config.name.clone(),
        overall: stats("all", &all, (planned, &index), tol),
        communities,
        streets,
        blocks: planned.block_count,
        units: planned.blocks.blocks.len(),
        buildings_outside: planned.blocks.outside_buildings.len(),
        buildings_kept_whole: planned
            .blocks
            .crossed_buildings
            .iter()
            .map(|&(i, _)| loaded.scenario.buildings[i].id.clone())
            .collect(),
        buildings_on_community_borders: planned
            .blocks
            .border_buildings
            .iter()
            .map(|&i| loaded.scenario.buildings[i].id.clone())
            .collect(),
        strong_barrier_exceptions: over.values().filter(|&&m| m > STRADDLE_M).count(),
        strong_barriers,
    }
}

/// Writes neighborhoods.geojson, partition_summary.json and (if asked) the
/// labels CSV; returns the paths written.
pub fn write_neighborhoods(
    out: &Path,
    loaded: &Loaded,
    planned: &Planned,
    labels: Option<&Path>,
) -> Result<Vec<PathBuf>, Error> {
    write_neighborhoods_coded(out, loaded, planned, labels, (None, &|_, _| {}))
}

/// [`write_neighborhoods`], each neighborhood with its roster `code` and
/// `name` when a roster is given, and the properties `more(k, props)` adds
/// to neighborhood `k` (a redraw's `change`).
pub fn write_neighborhoods_coded(
    out: &Path,
    loaded: &Loaded,
    planned: &Planned,
    labels: Option<&Path>,
    (roster, more): (Option<&crate::roster::Roster>, &MoreProps<'_>),
) -> Result<Vec<PathBuf>, Error> {
    let figs = figures(loaded, planned);
    let features = figs
        .iter()
        .zip(&planned.shapes)
        .enumerate()
        .map(|(k, (f, d))| {
            let Ok(serde_json::Value::Object(props)) = serde_json::to_value(f) else {
                unreachable!("figures serialize to an object")
            };
            let mut p: Map<String, serde_json::Value> = props;
            p.insert("parts".into(), json!(f.parts));
            p.insert("flags".into(), super::geojson::list(&f.flags));
            if let Some(e) = roster.and_then(|r| r.neighborhoods.get(k)) {
                p.insert("code".into(), json!(e.code));
                p.insert("name".into(), json!(e.name));
            }
            more(k, &mut p);
            let g = if d.area.0.len() == 1 {
                OutGeometry::Polygon(d.area.0[0].clone())
            } else {
                OutGeometry::MultiPolygon(d.area.clone())
            };
            (g, p)
        });
    let path = out.join("neighborhoods.geojson");
    write_atomic(
        &path,
        feature_collection(&loaded.projector, features).as_bytes(),
    )?;
    let summary_path = out.join("partition_summary.json");
    write_json(&summary_path, &summarize(loaded, planned, &figs))?;
    let mut written = vec![path, summary_path];
    if let Some(l) = labels {
        let mut csv = String::from("block_id,neighborhood\n");
        for (b, &n) in planned.partition.block_neighborhood.iter().enumerate() {
            let name = planned
                .partition
                .neighborhoods
                .get(n)
                .map_or("", |n| n.id.as_str());
            csv.push_str(&format!("{},{}\n", planned.blocks.blocks[b].id, name));
        }
        write_atomic(l, csv.as_bytes())?;
        written.push(l.to_path_buf());
    }
    Ok(written)
}
