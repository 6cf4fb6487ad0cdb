//! Staffing: social workers per neighborhood against the seeds' standard
//! (one full-time social worker per 2–3 neighborhoods), and worker patches
//! of 2–3 adjacent neighborhoods, drawn with the partition engine itself.

use crate::blocks::BlockSet;
use crate::config::Staffing as Standard;
use crate::model::Scenario;
use crate::partition::Partition;
use crate::partition::regions::{Link, Params, Unit, regionalize};

use petgraph::visit::EdgeRef;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a community's staffing compares with the standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Neighborhoods per worker within the standard.
    WithinStandard,
    /// Too many neighborhoods per worker (or no worker at all).
    Understaffed,
    /// Fewer neighborhoods per worker than the standard asks.
    Overstaffed,
    /// No staff data: reported, not guessed.
    NoData,
    /// A street or the district where some communities miss workers and
    /// others have more than they need: workers do not move between
    /// communities, so neither shortfall nor surplus is cancelled.
    Mixed,
}

/// Staffing figures of a community, a street or the district.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StaffingRow {
    /// Community id, street name, or "district".
    pub id: String,
    /// Street (empty for the district row).
    pub street: String,
    /// Neighborhoods.
    pub neighborhoods: usize,
    /// Households.
    pub households: u64,
    /// Social workers (`None`: no data).
    pub workers: Option<u32>,
    /// Neighborhoods per worker (`None` without workers).
    pub neighborhoods_per_worker: Option<f64>,
    /// Against the standard.
    pub status: Status,
    /// Workers to add to meet the standard.
    pub workers_missing: u32,
    /// Workers beyond what the standard needs.
    pub workers_surplus: u32,
}

/// Compares `workers` with the standard for `neighborhoods`.
///
/// ```
/// use linli::config::Staffing;
/// use linli::staffing::{assess, Status};
/// let std = Staffing::default(); // 2–3 neighborhoods per worker
/// assert_eq!(assess(7, Some(2), &std), (Status::Understaffed, 1, 0)); // needs ceil(7/3) = 3
/// assert_eq!(assess(6, Some(2), &std), (Status::WithinStandard, 0, 0));
/// assert_eq!(assess(4, Some(5), &std), (Status::Overstaffed, 0, 3));
/// assert_eq!(assess(4, None, &std), (Status::NoData, 0, 0));
/// ```
pub fn assess(
    neighborhoods: usize,
    workers: Option<u32>,
    standard: &Standard,
) -> (Status, u32, u32) {
    let Some(w) = workers else {
        return (Status::NoData, 0, 0);
    };
    let n = neighborhoods as f64;
    let need_min = (n / standard.max_neighborhoods_per_worker).ceil() as u32;
    let need_max = ((n / standard.min_neighborhoods_per_worker).floor() as u32).max(need_min);
    if w < need_min {
        (Status::Understaffed, need_min - w, 0)
    } else if w > need_max {
        (Status::Overstaffed, 0, w - need_max)
    } else {
        (Status::WithinStandard, 0, 0)
    }
}

fn row(
    id: String,
    street: String,
    n: usize,
    hh: u64,
    workers: Option<u32>,
    standard: &Standard,
) -> StaffingRow {
    let (status, missing, surplus) = assess(n, workers, standard);
    StaffingRow {
        id,
        street,
        neighborhoods: n,
        households: hh,
        workers,
        neighborhoods_per_worker: workers
            .filter(|&w| w > 0)
            .map(|w| ((n as f64 / f64::from(w)) * 100.0).round() / 100.0),
        status,
        workers_missing: missing,
        workers_surplus: surplus,
    }
}

/// A worker patch: adjacent neighborhoods one social worker serves.
#[derive(Debug, Clone)]
pub struct Patch {
    /// `<community>-P1`, …
    pub id: String,
    /// Community index.
    pub community: usize,
    /// Neighborhood indices.
    pub neighborhoods: Vec<usize>,
    /// Households.
    pub households: u64,
}

/// Staffing of a whole partition.
#[derive(Debug, Clone)]
pub struct StaffingPlan {
    /// Per community, in input order.
    pub communities: Vec<StaffingRow>,
    /// Per street, by name.
    pub streets: Vec<StaffingRow>,
    /// The district.
    pub district: StaffingRow,
    /// Worker patches.
    pub patches: Vec<Patch>,
    /// Patch of each neighborhood.
    pub neighborhood_patch: Vec<usize>,
    /// Communities without staff data.
    pub missing_data: Vec<String>,
}

/// Assesses staffing and draws worker patches.
pub fn plan_staffing(
    scenario: &Scenario,
    set: &BlockSet,
    partition: &Partition,
    standard: &Standard,
    seed: u64,
) -> StaffingPlan {
    let nb = &partition.neighborhoods;
    // Each community's neighborhoods and inner borders, in one pass each (a
    // filter over the whole district per community grows with its square).
    let mut of_community: Vec<Vec<usize>> = vec![Vec::new(); scenario.communities.len()];
    for (n, x) in nb.iter().enumerate() {
        if let Some(v) = of_community.get_mut(x.community) {
            v.push(n);
        }
    }
    let mut borders_of: Vec<Vec<Border>> = vec![Vec::new(); scenario.communities.len()];
    for (&(a, b), &w) in &neighborhood_borders(set, partition) {
        if nb[a].community == nb[b].community
            && let Some(v) = borders_of.get_mut(nb[a].community)
        {
            v.push(((a, b), w));
        }
    }
    let mut communities = Vec::new();
    let mut patches = Vec::new();
    let mut neighborhood_patch = vec![usize::MAX; nb.len()];
    let mut missing_data = Vec::new();
    for (ci, c) in scenario.communities.iter().enumerate() {
        let mine = &of_community[ci];
        let hh: u64 = mine.iter().map(|&n| nb[n].households).sum();
        if c.social_workers.is_none() {
            missing_data.push(c.id.clone());
        }
        communities.push(row(
            c.id.clone(),
            c.street.clone(),
            mine.len(),
            hh,
            c.social_workers,
            standard,
        ));
        if mine.is_empty() {
            continue;
        }
        let first = patches.len();
        let groups = community_patches(
            set,
            partition,
            &borders_of[ci],
            mine,
            standard,
            crate::model::seed::community_seed(seed, &scenario.communities[ci].id),
        );
        for (p, members) in groups.into_iter().enumerate() {
            for &m in &members {
                neighborhood_patch[m] = first + p;
            }
            patches.push(Patch {
                id: format!("{}-P{}", c.id, p + 1),
                community: ci,
                households: members.iter().map(|&m| nb[m].households).sum(),
                neighborhoods: members,
            });
        }
    }
    StaffingPlan {
        streets: street_rows(&communities, standard),
        district: district_row(&communities, standard),
        communities,
        patches,
        neighborhood_patch,
        missing_data,
    }
}

/// Border between two neighborhoods: shared length (m) and the strongest
/// barrier level along it, keyed by (lower, higher) neighborhood index.
type Borders = BTreeMap<(usize, usize), (f64, u8)>;

/// One entry of [`Borders`].
type Border = ((usize, usize), (f64, u8));

/// The neighborhood adjacency: the borders shared by their blocks.
fn neighborhood_borders(set: &BlockSet, partition: &Partition) -> Borders {
    let mut shared: Borders = BTreeMap::new();
    for e in set.adjacency.edge_references() {
        let (a, b) = (e.source().index(), e.target().index());
        let (na, nb2) = (
            partition.block_neighborhood[a],
            partition.block_neighborhood[b],
        );
        if na == nb2 || na == usize::MAX || nb2 == usize::MAX {
            continue;
        }
        let w = e.weight();
        let entry = shared.entry((na.min(nb2), na.max(nb2))).or_insert((0.0, 0));
        entry.0 += w.shared_m;
        entry.1 = entry.1.max(w.barrier.level);
    }
    shared
}

/// The worker patches of one community's neighborhoods `mine`, each a list
/// of neighborhood indices.
///
/// The partition engine on neighborhoods, with "buildings" standing for
/// neighborhoods so that 2–3 per patch is its soft rule.
fn community_patches(
    set: &BlockSet,
    partition: &Partition,
    borders: &[Border],
    mine: &[usize],
    standard: &Standard,
    seed: u64,
) -> Vec<Vec<usize>> {
    let nb = &partition.neighborhoods;
    let local: BTreeMap<usize, usize> = mine.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    let units: Vec<Unit> = mine
        .iter()
        .map(|&n| neighborhood_unit(set, &nb[n]))
        .collect();
    let links: Vec<Link> = borders
        .iter()
        .filter_map(|&((a, b), (len, level))| {
            Some(Link {
                a: *local.get(&a)?,
                b: *local.get(&b)?,
                shared_m: len,
                level,
            })
        })
        .collect();
    let n = mine.len() as f64;
    let mid = (standard.min_neighborhoods_per_worker + standard.max_neighborhoods_per_worker) / 2.0;
    // Patches: as many as the standard's middle asks, within its range.
    let k = ((n / mid).round().max(1.0)).clamp(
        (n / standard.max_neighborhoods_per_worker).ceil(),
        (n / standard.min_neighborhoods_per_worker).floor().max(1.0),
    );
    let total: u64 = units.iter().map(|u| u.households).sum();
    let params = Params {
        target: total as f64 / k,
        tolerance: 1.0 / 3.0,
        buildings: Some((
            standard.min_neighborhoods_per_worker.ceil() as u32,
            standard.max_neighborhoods_per_worker.floor() as u32,
        )),
        compound_households: Vec::new(),
        seed,
        effort: 100,
        starts: 1,
        weights: Default::default(),
    };
    let r = regionalize(&units, &links, &params);
    (0..r.count)
        .map(|p| {
            (0..mine.len())
                .filter(|&i| r.region[i] == p)
                .map(|i| mine[i])
                .collect()
        })
        .collect()
}

/// A neighborhood as one unit of the patch search: its households, one
/// "building", and its area-weighted centroid.
fn neighborhood_unit(set: &BlockSet, n: &crate::partition::Neighborhood) -> Unit {
    use crate::partition::shape;
    let s = shape::combined(
        n.blocks
            .iter()
            .map(|&b| shape::shape_of(&set.blocks[b].polygon)),
    );
    Unit {
        households: n.households.max(1),
        buildings: 1,
        centroid: s.centre,
        compound: None,
        area: s.area,
        moment: s.moment,
    }
}

/// One row per street (by name) from the community rows (a plan's, or
/// the parts' of a merged plan).
///
/// Workers do not move between communities: a street's shortfall and
/// surplus are the sums of its communities'.
pub fn street_rows(communities: &[StaffingRow], standard: &Standard) -> Vec<StaffingRow> {
    let mut by_street: BTreeMap<String, (usize, u64, Option<u32>)> = BTreeMap::new();
    for r in communities {
        let e = by_street.entry(r.street.clone()).or_insert((0, 0, Some(0)));
        e.0 += r.neighborhoods;
        e.1 += r.households;
        e.2 = match (e.2, r.workers) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
    }
    by_street
        .into_iter()
        .map(|(s, (n, h, w))| {
            let mut r = row(s.clone(), s, n, h, w, standard);
            let mine: Vec<&StaffingRow> = communities
                .iter()
                .filter(|c| c.street == r.street)
                .collect();
            of_communities(&mut r, &mine);
            r
        })
        .collect()
}

/// A street's or the district's shortfall, surplus and status from its
/// communities': workers do not move between communities, so a district
/// with one community short and another over is `Mixed`, never
/// `Overstaffed` on its average.
fn of_communities(r: &mut StaffingRow, mine: &[&StaffingRow]) {
    r.workers_missing = mine.iter().map(|c| c.workers_missing).sum();
    r.workers_surplus = mine.iter().map(|c| c.workers_surplus).sum();
    r.status = aggregate(
        mine.iter()
            .map(|c| (c.status, c.workers_missing, c.workers_surplus)),
    );
}

/// The status of a street or district from its communities' (status,
/// workers missing, workers in surplus): `Mixed` when some miss workers
/// and others have more than they need, never the status of the average.
///
/// ```
/// use linli::staffing::{aggregate, Status};
/// let parts = [(Status::Understaffed, 1, 0), (Status::Overstaffed, 0, 2)];
/// assert_eq!(aggregate(parts.into_iter()), Status::Mixed);
/// assert_eq!(aggregate([(Status::NoData, 0, 0)].into_iter()), Status::NoData);
/// ```
pub fn aggregate(parts: impl Iterator<Item = (Status, u32, u32)>) -> Status {
    let (mut missing, mut surplus, mut no_data) = (0, 0, false);
    for (s, m, x) in parts {
        missing += m;
        surplus += x;
        no_data |= s == Status::NoData;
    }
    match (missing > 0, surplus > 0) {
        (true, true) => Status::Mixed,
        (true, false) => Status::Understaffed,
        _ if no_data => Status::NoData,
        (false, true) => Status::Overstaffed,
        (false, false) => Status::WithinStandard,
    }
}

/// What staffing comes to, in a sentence a planner can act on: which
/// communities miss workers and which have more than they need, or that
/// there is no staff data and what would give it.
///
/// ```
/// use linli::staffing::{describe, StaffingRow, Status};
/// let row = |id: &str, status, missing, surplus| StaffingRow { id: id.into(), street: "S".into(),
///     neighborhoods: 4, households: 1200, workers: Some(2), neighborhoods_per_worker: Some(2.0),
///     status, workers_missing: missing, workers_surplus: surplus };
/// let rows = vec![row("A", Status::Understaffed, 1, 0), row("B", Status::Overstaffed, 0, 3)];
/// assert_eq!(describe(&rows), "mixed: 1 worker missing in A; 3 surplus in B");
/// let none = vec![StaffingRow { workers: None, status: Status::NoData, ..row("A", Status::NoData, 0, 0) }];
/// assert!(describe(&none).starts_with("no staff data"));
/// ```
pub fn describe(communities: &[StaffingRow]) -> String {
    let ids = |f: &dyn Fn(&StaffingRow) -> bool| {
        let v: Vec<&str> = communities
            .iter()
            .filter(|c| f(c))
            .map(|c| c.id.as_str())
            .collect();
        v.join(", ")
    };
    let missing: u32 = communities.iter().map(|c| c.workers_missing).sum();
    let surplus: u32 = communities.iter().map(|c| c.workers_surplus).sum();
    let no_data = ids(&|c| c.status == Status::NoData);
    if communities.iter().all(|c| c.status == Status::NoData) {
        return "no staff data: give staff.csv (community,workers) in the scenario, or a social_workers property on each community".to_string();
    }
    let plural = |n: u32| if n == 1 { "worker" } else { "workers" };
    let mut parts = Vec::new();
    if missing > 0 {
        parts.push(format!(
            "{missing} {} missing in {}",
            plural(missing),
            ids(&|c| c.workers_missing > 0)
        ));
    }
    if surplus > 0 {
        parts.push(format!(
            "{surplus} surplus in {}",
            ids(&|c| c.workers_surplus > 0)
        ));
    }
    if !no_data.is_empty() {
        parts.push(format!("no staff data for {no_data}"));
    }
    let status = match (missing > 0, surplus > 0) {
        (true, true) => "mixed",
        (true, false) => "understaffed",
        (false, true) => "overstaffed",
        (false, false) if no_data.is_empty() => "within the standard",
        (false, false) => "within the standard where known",
    };
    if parts.is_empty() {
        status.to_string()
    } else {
        format!("{status}: {}", parts.join("; "))
    }
}

/// The district's row: sums of the community rows (shortfall and surplus
/// too, as for streets).
pub fn district_row(communities: &[StaffingRow], standard: &Standard) -> StaffingRow {
    let n: usize = communities.iter().map(|r| r.neighborhoods).sum();
    let h: u64 = communities.iter().map(|r| r.households).sum();
    let w = communities
        .iter()
        .try_fold(0u32, |acc, r| r.workers.map(|w| acc + w));
    let mut district = row("district".into(), String::new(), n, h, w, standard);
    of_communities(&mut district, &communities.iter().collect::<Vec<_>>());
    district
}
