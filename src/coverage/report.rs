//! Everything a coverage run reports beyond the distances: shares per
//! community, street and neighborhood, neighborhoods without a service point,
//! service areas, gap areas and recommended sites.

use super::dijkstra::Search;
use super::fewest::{WORK_BUDGET, build_order, fewest_cover};
use super::gaps::{Gap, cell_order, gaps};
use super::network::WalkGraph;
use super::sites::{Selection, cover_sets, max_cover, selection_of};
use super::snap::Snap;
use super::{Coverage, GroupCoverage, Members, locate, shares_of};
use crate::config::Walking;
use crate::error::Problem;
use crate::model::Scenario;
use crate::model::progress::Progress;
use geo::{Coord, Distance, Euclidean, Intersects, MultiPolygon, Point};
use serde::Serialize;
use std::time::Instant;

/// Neighborhoods to report on: ids, each building's neighborhood and shapes.
#[derive(Debug, Clone, Default)]
pub struct Neighborhoods {
    /// Neighborhood ids.
    pub ids: Vec<String>,
    /// Each building's neighborhood, if any.
    pub building: Vec<Option<usize>>,
    /// Each neighborhood's area.
    pub areas: Vec<MultiPolygon<f64>>,
    /// Buildings in a further neighborhood (building, neighborhood): an
    /// existing grid's overlaps count in each polygon holding them.
    pub also: Vec<(usize, usize)>,
}

/// What a site request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteGoal {
    /// This many sites covering the most uncovered households (maximal
    /// covering location, `--add N`).
    Count(usize),
    /// The fewest sites covering every uncovered household a candidate can
    /// reach (location set covering, `--fewest`).
    Fewest,
}

/// A request for new sites of `kind`, chosen among `candidates` (points)
/// or, when `None`, among the network's junctions.
#[derive(Debug, Clone)]
pub struct SiteRequest {
    /// How many sites, or the fewest that cover everything.
    pub goal: SiteGoal,
    /// Facility kind.
    pub kind: String,
    /// Candidate points (e.g. from candidates.geojson), with ids.
    pub candidates: Option<Vec<(String, Coord<f64>)>>,
}

/// A facility kind's service area at one walking limit: where its
/// facilities reach over the network, dissolved over the kind.
#[derive(Debug, Clone)]
pub struct ServiceArea {
    /// Facility kind.
    pub kind: String,
    /// The life circle (minutes) whose walking distance this is, if any.
    pub circle: Option<u32>,
    /// Walking limit, metres.
    pub threshold_m: f64,
    /// Whether this is the kind's own limit (the others are the smaller
    /// life circles' distances).
    pub own_limit: bool,
    /// Facilities of the kind on the network.
    pub facilities: usize,
    /// Households within the limit over the network.
    pub households: u64,
    /// The isochrone.
    pub area: MultiPolygon<f64>,
}

/// A recommended site.
#[derive(Debug, Clone, Serialize)]
pub struct Site {
    /// Rank, from 1.
    pub rank: usize,
    /// Candidate id (`node-<n>` for a junction).
    pub candidate: String,
    /// Where, metres.
    #[serde(skip)]
    pub at: Coord<f64>,
    /// Households newly covered, given the sites ranked before it.
    pub gain_households: u64,
    /// Households only this site covers among the chosen ones.
    pub exclusive_households: u64,
}

/// The outcome of a site request.
#[derive(Debug, Clone, Serialize)]
pub struct Sites {
    /// Kind sited.
    pub kind: String,
    /// `"max_cover"` (a number of sites asked for) or `"fewest"`.
    pub goal: &'static str,
    /// Sites asked for (`None` when the fewest were asked for).
    pub requested: Option<usize>,
    /// The fewest-sites search: whether the count is proved smallest and
    /// the bound it is proved against.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fewest: Option<FewestProof>,
    /// `candidates.geojson` or `network junctions`.
    pub candidates_from: String,
    /// Candidates considered.
    pub candidates: usize,
    /// Candidates left out (farther than the snap limit from a road).
    pub candidates_left_out: usize,
    /// Households not covered for the kind before the new sites.
    pub uncovered_households: u64,
    /// Of those, newly covered by the sites.
    pub newly_covered_households: u64,
    /// Greedy alone, before swap improvement.
    pub greedy_covered_households: u64,
    /// Swaps made.
    pub swaps: usize,
    /// Seconds to find what each candidate covers (not written: outputs
    /// stay byte-identical from run to run).
    #[serde(skip)]
    pub cover_sets_s: f64,
    /// Seconds to choose (greedy + swaps); not written either.
    #[serde(skip)]
    pub select_s: f64,
    /// The sites.
    pub sites: Vec<Site>,
    /// The covering problem solved (for checking against an exact solver;
    /// not in the summary).
    #[serde(skip)]
    pub model: CoverModel,
}

/// A maximal covering problem as solved: pick `p` candidates maximizing the
/// weight of demand points covered.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CoverModel {
    /// `"max_cover"` (pick `p`, cover the most) or `"fewest"` (cover every
    /// coverable point with the fewest; `p` is how many linli needed).
    pub goal: &'static str,
    /// Sites to pick.
    pub p: usize,
    /// Households of each demand point.
    pub weights: Vec<u64>,
    /// Candidate ids.
    pub candidates: Vec<String>,
    /// For each candidate, the demand points it covers.
    pub covers: Vec<Vec<u32>>,
    /// What linli's greedy + swaps covered.
    pub covered: u64,
}

/// Buildings outside every community: left out of the shares.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Outside {
    /// How many.
    pub buildings: usize,
    /// Their households.
    pub households: u64,
}

/// Everything reported.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Every building inside a community (all of them when the scenario
    /// has no communities).
    pub overall: GroupCoverage,
    /// Buildings outside every community, left out of every share.
    pub outside_communities: Outside,
    /// Per community (scenario order).
    pub communities: Vec<GroupCoverage>,
    /// Per street (sorted).
    pub streets: Vec<GroupCoverage>,
    /// Per neighborhood, when given.
    pub neighborhoods: Vec<GroupCoverage>,
    /// Neighborhoods with no neighborhood_office inside or within 500 m.
    pub neighborhoods_without_office: Vec<String>,
    /// Each facility's service area.
    pub service_areas: Vec<ServiceArea>,
    /// Gaps per kind: (kind, gap).
    pub gaps: Vec<(String, Gap)>,
    /// New sites, when asked.
    pub sites: Option<Sites>,
    /// Capacity and catchment of the kinds whose facilities have a
    /// capacity.
    pub capacity: Vec<KindCapacity>,
    /// Coverage in persons of the special populations the buildings give,
    /// for the kinds serving them.
    pub populations: Vec<super::populations::PopulationCoverage>,
    /// Seconds per step.
    pub timings: Vec<(String, f64)>,
}

/// How close (metres, straight line) a neighborhood_office must be to a
/// neighborhood that has none inside ("the last 500 m"), when the
/// standards profile gives the service point no limit.
pub const OFFICE_REACH_M: f64 = 500.0;

/// Works out shares, service areas, gaps and (when asked) new sites.
///
/// ```
/// use geo::Point;
/// use linli::model::{Building, Facility, Scenario, Walkway};
/// let s = Scenario {
///     walkways: vec![Walkway { line: vec![(0.0, 0.0), (3000.0, 0.0)].into(), class: "residential".into(), walkable: None, level: 0 }],
///     buildings: [500.0, 2500.0].iter().enumerate().map(|(i, &x)| Building { id: format!("b{i}"),
///         footprint: None, location: Point::new(x, 20.0), households: 100, estimated: false,
///         use_: "residential".into() }).collect(),
///     facilities: vec![Facility { id: "f".into(), kind: "clinic".into(), name: "f".into(),
///         location: Point::new(0.0, 10.0), capacity: None }],
///     ..Default::default()
/// };
/// let w = linli::config::Walking::default();
/// let cov = linli::coverage::compute(&s, &w, 0.05).unwrap();
/// use linli::coverage::report::{SiteGoal, SiteRequest};
/// let req = SiteRequest { goal: SiteGoal::Count(1), kind: "clinic".into(), candidates: None };
/// let a = linli::coverage::report::analyse(&s, &w, &cov, None, Some(&req)).unwrap();
/// assert_eq!(a.overall.by_kind["clinic"].covered, 100);
/// assert_eq!(a.sites.unwrap().newly_covered_households, 100);
/// ```
pub fn analyse(
    s: &Scenario,
    w: &Walking,
    cov: &Coverage,
    nb: Option<&Neighborhoods>,
    sites: Option<&SiteRequest>,
) -> Result<Analysis, Vec<Problem>> {
    analyse_with(s, w, cov, nb, sites, true)
}

/// As [`analyse`], drawing service areas only when `with_areas`.
///
/// ```
/// use linli::model::{Scenario, Walkway};
/// let s = Scenario { walkways: vec![Walkway { line: vec![(0.0, 0.0), (10.0, 0.0)].into(), class: "path".into(), walkable: None, level: 0 }],
///     ..Default::default() };
/// let w = linli::config::Walking::default();
/// let cov = linli::coverage::compute(&s, &w, 0.05).unwrap();
/// let a = linli::coverage::report::analyse_with(&s, &w, &cov, None, None, false).unwrap();
/// assert!(a.service_areas.is_empty());
/// ```
pub fn analyse_with(
    s: &Scenario,
    w: &Walking,
    cov: &Coverage,
    nb: Option<&Neighborhoods>,
    sites: Option<&SiteRequest>,
    with_areas: bool,
) -> Result<Analysis, Vec<Problem>> {
    let silent = crate::model::progress::Silent;
    let areas = with_areas.then_some(&silent as &dyn Progress);
    analyse_prepared(s, w, cov, nb, sites, areas, &prepare(s, w))
}

/// What the analysis needs of the scenario alone, not of the distances:
/// made by [`prepare`], which can run while the distances are computed.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The community holding each building (first in input order).
    pub community: Vec<Option<usize>>,
    /// The buildings with households, in the order of the gap grid's cells
    /// (every kind's gaps are found among them).
    pub gap_order: Vec<usize>,
}

/// Locates the buildings in their communities and orders them for the gap
/// search.
///
/// ```
/// use geo::Point;
/// use linli::model::{Building, Scenario};
/// let b = |x: f64, hh| Building { id: format!("{x}"), footprint: None, location: Point::new(x, 0.0),
///     households: hh, estimated: false, use_: "residential".into() };
/// let s = Scenario { buildings: vec![b(900.0, 5), b(0.0, 0), b(10.0, 3)], ..Default::default() };
/// let p = linli::coverage::report::prepare(&s, &linli::config::Walking::default());
/// assert_eq!(p.community, vec![None, None, None]); // no communities
/// assert_eq!(p.gap_order, vec![2, 0]); // west to east; no households, no gap
/// ```
pub fn prepare(s: &Scenario, w: &Walking) -> Prepared {
    let locs: Vec<Coord<f64>> = s.buildings.iter().map(|b| b.location.0).collect();
    let areas: Vec<MultiPolygon<f64>> = s.communities.iter().map(|c| c.area.clone()).collect();
    let (community, gap_order) = rayon::join(
        || locate(&areas, &locs),
        || {
            let with_households = (0..s.buildings.len()).filter(|&b| s.buildings[b].households > 0);
            cell_order(&s.buildings, with_households, gap_link_m(w))
        },
    );
    Prepared {
        community,
        gap_order,
    }
}

/// Buildings closer than this are in the same gap.
fn gap_link_m(w: &Walking) -> f64 {
    2.0 * w.service_area_width_m
}

/// [`analyse_with`] with the scenario's part [`prepare`]d (for the same
/// scenario and walking settings); service areas are drawn when `areas` is
/// given, each facility's counted to it as the stage "service areas".
pub fn analyse_prepared(
    s: &Scenario,
    w: &Walking,
    cov: &Coverage,
    nb: Option<&Neighborhoods>,
    sites: Option<&SiteRequest>,
    areas: Option<&dyn Progress>,
    prepared: &Prepared,
) -> Result<Analysis, Vec<Problem>> {
    // Prepared for another scenario: made again rather than misread.
    let again;
    let prepared = if prepared.community.len() == s.buildings.len()
        && prepared.gap_order.iter().all(|&b| b < s.buildings.len())
    {
        prepared
    } else {
        again = prepare(s, w);
        &again
    };
    let mut timings = Vec::new();
    let t = Instant::now();
    let on: Vec<bool> = cov.building_snaps.iter().map(Option::is_some).collect();
    let groups = group_shares(s, w, cov, nb, &prepared.community, &on);
    timings.push(("shares_s".to_string(), t.elapsed().as_secs_f64()));

    let t = Instant::now();
    let service_areas = match areas {
        Some(progress) => service_areas(s, w, cov, progress),
        None => Vec::new(),
    };
    timings.push(("service_areas_s".to_string(), t.elapsed().as_secs_f64()));

    let t = Instant::now();
    let gaps = gaps_per_kind(s, w, cov, &prepared.gap_order, &on);
    timings.push(("gaps_s".to_string(), t.elapsed().as_secs_f64()));

    let comm_ids: Vec<String> = s.communities.iter().map(|c| c.id.clone()).collect();
    let populations = super::populations::coverage(
        &s.populations,
        &w.standards,
        &cov.kinds,
        &on,
        &prepared.community,
        &comm_ids,
    );
    let t = Instant::now();
    let capacity = capacities(s, cov);
    timings.push(("capacity_s".to_string(), t.elapsed().as_secs_f64()));

    let sites = match sites {
        Some(req) => Some(recommend(s, w, cov, req)?),
        None => None,
    };
    Ok(Analysis {
        overall: groups.overall,
        outside_communities: groups.outside_communities,
        communities: groups.communities,
        streets: groups.streets,
        neighborhoods: groups.neighborhoods,
        neighborhoods_without_office: groups.neighborhoods_without_office,
        service_areas,
        gaps,
        sites,
        capacity,
        populations,
        timings,
    })
}

/// The shares of every grouping of the buildings (see [`Analysis`]).
struct GroupShares {
    overall: GroupCoverage,
    outside_communities: Outside,
    communities: Vec<GroupCoverage>,
    streets: Vec<GroupCoverage>,
    neighborhoods: Vec<GroupCoverage>,
    neighborhoods_without_office: Vec<String>,
}

/// Coverage shares over everything, per community, street and (when given)
/// neighborhood; `comm` is each building's community, `on` whether it is on
/// the network.
fn group_shares(
    s: &Scenario,
    w: &Walking,
    cov: &Coverage,
    nb: Option<&Neighborhoods>,
    comm: &[Option<usize>],
    on: &[bool],
) -> GroupShares {
    let hh: Vec<u32> = s.buildings.iter().map(|b| b.households).collect();
    // The whole scenario is its communities: a building outside every one
    // is in no neighborhood, so it is counted apart, as the blocks do.
    let all: Vec<Option<usize>> = if s.communities.is_empty() {
        vec![Some(0); s.buildings.len()]
    } else {
        comm.iter().map(|c| c.map(|_| 0)).collect()
    };
    let shares = |group: &[Option<usize>], also: &[(usize, usize)], ids: &[String]| {
        let members = Members { group, also };
        shares_of(&cov.kinds, Some(&cov.life_circles), (&hh, on), members, ids)
    };
    let overall = shares(&all, &[], &["all".to_string()])
        .pop()
        .unwrap_or_default();
    let outside: Vec<usize> = (0..s.buildings.len())
        .filter(|&b| all[b].is_none())
        .collect();
    let outside_communities = Outside {
        buildings: outside.len(),
        households: outside.iter().map(|&b| u64::from(hh[b])).sum(),
    };
    let comm_ids: Vec<String> = s.communities.iter().map(|c| c.id.clone()).collect();
    let communities = shares(comm, &[], &comm_ids);
    let mut street_ids: Vec<String> = s.communities.iter().map(|c| c.street.clone()).collect();
    street_ids.sort();
    street_ids.dedup();
    let street_of: Vec<usize> = s
        .communities
        .iter()
        .map(|c| street_ids.binary_search(&c.street).unwrap_or(0))
        .collect();
    let street: Vec<Option<usize>> = comm.iter().map(|c| c.map(|c| street_of[c])).collect();
    let streets = shares(&street, &[], &street_ids);
    let (neighborhoods, neighborhoods_without_office) = match nb {
        Some(nb) => (
            shares(&nb.building, &nb.also, &nb.ids),
            without_office(s, w, cov, nb),
        ),
        None => (Vec::new(), Vec::new()),
    };
    GroupShares {
        overall,
        outside_communities,
        communities,
        streets,
        neighborhoods,
        neighborhoods_without_office,
    }
}

/// The gaps of every kind (kinds in parallel), as (kind, gap) in kind order.
fn gaps_per_kind(
    s: &Scenario,
    w: &Walking,
    cov: &Coverage,
    gap_order: &[usize],
    on: &[bool],
) -> Vec<(String, Gap)> {
    use rayon::prelude::*;
    let link = gap_link_m(w);
    let margin = 0.5 * w.service_area_width_m;
    let per_kind: Vec<Vec<Gap>> = cov
        .kinds
        .par_iter()
        .map(|k| {
            // In cell order already: the gap search need not sort.
            let members: Vec<usize> = gap_order
                .iter()
                .copied()
                .filter(|&b| on[b] && !k.covers(b))
                .collect();
            gaps(&s.buildings, &members, link, margin)
        })
        .collect();
    let mut all_gaps = Vec::new();
    for (k, gs) in cov.kinds.iter().zip(per_kind) {
        for g in gs {
            all_gaps.push((k.kind.clone(), g));
        }
    }
    all_gaps
}

/// The neighborhoods with no service point (the profile's kind) inside or
/// within its walking limit in a straight line.
fn without_office(s: &Scenario, w: &Walking, cov: &Coverage, nb: &Neighborhoods) -> Vec<String> {
    use geo::BoundingRect;
    use rstar::{AABB, RTree};
    let kind = &w.standards.service_point;
    let reach = w
        .standards
        .limit_m(kind, w.speed_kmh)
        .unwrap_or(OFFICE_REACH_M);
    let offices: Vec<[f64; 2]> = s
        .facilities
        .iter()
        .enumerate()
        .filter(|(i, f)| f.kind == *kind && cov.facility_snaps[*i].is_some())
        .map(|(_, f)| [f.location.x(), f.location.y()])
        .collect();
    // Only offices in the neighborhood's box grown by the reach can be near
    // it: an R-tree keeps this linear in neighborhoods (it was
    // neighborhoods × offices).
    let tree = RTree::bulk_load(offices);
    nb.areas
        .iter()
        .enumerate()
        .filter(|(_, a)| {
            let near = |o: &[f64; 2]| {
                let o = Point::new(o[0], o[1]);
                a.intersects(&o) || Euclidean.distance(*a, &o) <= reach
            };
            let Some(r) = a.bounding_rect() else {
                return !tree.iter().any(near);
            };
            let d = reach;
            let bx = AABB::from_corners(
                [r.min().x - d, r.min().y - d],
                [r.max().x + d, r.max().y + d],
            );
            !tree.locate_in_envelope(&bx).any(near)
        })
        .map(|(i, _)| nb.ids[i].clone())
        .collect()
}

/// Hull concavity of the isochrones (concaveman's default): hull edges
/// are dug in towards points nearer than half their length.
pub const CONCAVITY: f64 = 2.0;

/// Every kind's isochrones at its [`levels`](super::isochrones::levels),
/// kinds in parallel, each counted to `progress` when drawn.
fn service_areas(
    s: &Scenario,
    w: &Walking,
    cov: &Coverage,
    progress: &dyn Progress,
) -> Vec<ServiceArea> {
    use super::isochrones::{HullStyle, isochrones, levels};
    use rayon::prelude::*;
    let style = HullStyle {
        concavity: CONCAVITY,
        edge_m: w.service_area_width_m,
    };
    progress.begin("service areas", cov.kinds.len() as u64, "kinds");
    let per_kind: Vec<Vec<ServiceArea>> = cov
        .kinds
        .par_iter()
        .map_init(
            || Search::new(cov.graph.nodes.len()),
            |search, k| {
                let lv = levels(k.threshold_m, &w.standards.circles);
                let snaps: Vec<Snap> = k
                    .facilities
                    .iter()
                    .filter_map(|&f| cov.facility_snaps[f])
                    .collect();
                let at: Vec<Coord<f64>> = k
                    .facilities
                    .iter()
                    .map(|&f| s.facilities[f].location.0)
                    .collect();
                let areas = isochrones(&cov.graph, search, &snaps, &at, &lv, style);
                progress.advance(1);
                // A kind with no facility reaches nothing: no feature.
                lv.iter()
                    .zip(areas)
                    .filter(|(_, area)| !area.0.is_empty())
                    .map(|(l, area)| ServiceArea {
                        kind: k.kind.clone(),
                        circle: l.circle,
                        threshold_m: l.metres,
                        own_limit: l.metres == k.threshold_m,
                        facilities: snaps.len(),
                        households: households_within(s, k, l.metres),
                        area,
                    })
                    .collect()
            },
        )
        .collect();
    per_kind.into_iter().flatten().collect()
}

/// Households within `metres` of kind `k` over the network.
fn households_within(s: &Scenario, k: &super::KindCoverage, metres: f64) -> u64 {
    k.metres
        .iter()
        .zip(&s.buildings)
        .filter(|(m, _)| **m <= metres + super::EPS_M)
        .map(|(_, b)| u64::from(b.households))
        .sum()
}

/// One facility's load under capacity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FacilityLoad {
    /// Facility id.
    pub facility: String,
    /// Its name.
    pub name: String,
    /// Households it can serve (`None`: no limit).
    pub capacity: Option<u64>,
    /// Households of the buildings it is the nearest facility to.
    pub catchment_households: u64,
    /// Households assigned to it.
    pub assigned_households: u64,
    /// Households of its catchment sent on to a farther facility.
    pub sent_on_households: u64,
    /// Households of its catchment no facility with room could take.
    pub failed_households: u64,
    /// Buildings with households it failed.
    pub failed_buildings: usize,
    /// How far its catchment exceeds its capacity (0 when within).
    pub over_capacity_households: u64,
    /// Where it stands, metres.
    #[serde(skip)]
    pub at: Coord<f64>,
}

/// Capacity and catchment of one facility kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindCapacity {
    /// Facility kind.
    pub kind: String,
    /// Walking limit, metres.
    pub threshold_m: f64,
    /// Households within the limit of some facility of the kind.
    pub households_in_reach: u64,
    /// Of those, served by a facility with room.
    pub served_households: u64,
    /// Of those, left without a place: every facility in reach is full.
    pub unserved_households: u64,
    /// Facilities whose catchment exceeds their capacity, most over first.
    pub over_capacity: Vec<String>,
    /// Every facility of the kind on the network, in scenario order.
    pub facilities: Vec<FacilityLoad>,
}

/// The capacitated assignment of every kind whose facilities have a
/// capacity (see [`super::capacity::assign`]).
fn capacities(s: &Scenario, cov: &Coverage) -> Vec<KindCapacity> {
    let demand: Vec<usize> = (0..s.buildings.len())
        .filter(|&b| s.buildings[b].households > 0 && cov.building_snaps[b].is_some())
        .collect();
    let snaps: Vec<Snap> = demand
        .iter()
        .filter_map(|&b| cov.building_snaps[b])
        .collect();
    let need: Vec<u64> = demand
        .iter()
        .map(|&b| u64::from(s.buildings[b].households))
        .collect();
    cov.kinds
        .iter()
        .filter(|k| {
            k.facilities
                .iter()
                .any(|&f| s.facilities[f].capacity.is_some())
        })
        .map(|k| {
            let fac: Vec<Snap> = k
                .facilities
                .iter()
                .filter_map(|&f| cov.facility_snaps[f])
                .collect();
            let reach = super::sites::reach_lists(&cov.graph, &fac, &snaps, k.threshold_m);
            let cap: Vec<Option<u64>> = k
                .facilities
                .iter()
                .map(|&f| s.facilities[f].capacity)
                .collect();
            let a = super::capacity::assign(&reach, &cap, &need);
            kind_capacity(s, k, &a, &cap)
        })
        .collect()
}

/// The report of one kind's assignment.
fn kind_capacity(
    s: &Scenario,
    k: &super::KindCoverage,
    a: &super::capacity::Assignment,
    cap: &[Option<u64>],
) -> KindCapacity {
    let mut failed_buildings = vec![0usize; k.facilities.len()];
    for (b, &u) in a.unserved.iter().enumerate() {
        if u > 0 {
            // The failing facility is the building's nearest: its catchment.
            if let Some(f) = a.nearest[b] {
                failed_buildings[f as usize] += 1;
            }
        }
    }
    let facilities: Vec<FacilityLoad> = k
        .facilities
        .iter()
        .enumerate()
        .map(|(i, &f)| FacilityLoad {
            facility: s.facilities[f].id.clone(),
            name: s.facilities[f].name.clone(),
            capacity: cap[i],
            catchment_households: a.catchment[i],
            assigned_households: a.load[i],
            sent_on_households: a.sent_on[i],
            failed_households: a.failed[i],
            failed_buildings: failed_buildings[i],
            over_capacity_households: cap[i].map_or(0, |c| a.catchment[i].saturating_sub(c)),
            at: s.facilities[f].location.0,
        })
        .collect();
    let mut over: Vec<&FacilityLoad> = facilities
        .iter()
        .filter(|f| f.over_capacity_households > 0)
        .collect();
    over.sort_by(|x, y| {
        y.over_capacity_households
            .cmp(&x.over_capacity_households)
            .then(x.facility.cmp(&y.facility))
    });
    let served: u64 = a.load.iter().sum();
    let unserved: u64 = a.unserved.iter().sum();
    KindCapacity {
        kind: k.kind.clone(),
        threshold_m: k.threshold_m,
        households_in_reach: served + unserved,
        served_households: served,
        unserved_households: unserved,
        over_capacity: over.iter().map(|f| f.facility.clone()).collect(),
        facilities,
    }
}

/// New sites for `req` (see [`Sites`]): the uncovered households of the
/// kind are the demand, the candidates given or the junctions within reach
/// of them the supply, [`max_cover`] or [`fewest_cover`] picks.
fn recommend(
    s: &Scenario,
    w: &Walking,
    cov: &Coverage,
    req: &SiteRequest,
) -> Result<Sites, Vec<Problem>> {
    // A known kind without a facility yet: every household is its demand
    // (siting the first ones is what the request is most often for).
    let none_yet;
    let k = match cov.kinds.iter().find(|k| k.kind == req.kind) {
        Some(k) => k,
        None if cov.known_kinds.contains(&req.kind) => {
            none_yet = super::KindCoverage {
                kind: req.kind.clone(),
                threshold: super::threshold(w, &req.kind),
                threshold_m: super::threshold_m(w, &req.kind),
                facilities: Vec::new(),
                metres: vec![f64::INFINITY; s.buildings.len()],
                nearest: Vec::new(),
            };
            &none_yet
        }
        None => return Err(vec![unknown_kind(cov, req)]),
    };
    let g = &cov.graph;
    let r = k.threshold_m;
    let t = Instant::now();
    let demand = uncovered_demand(s, cov, k);
    let cands = match &req.candidates {
        Some(c) => given_candidates(cov, w, c),
        None => junction_candidates(g, &demand.snaps, r),
    };
    let covers = cover_sets(g, &cands.snaps, &demand.snaps, r);
    let cover_sets_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let pick = choose(req.goal, &covers, &demand.weight);
    let select_s = t.elapsed().as_secs_f64();
    let sites = pick
        .sel
        .chosen
        .iter()
        .enumerate()
        .map(|(i, &c)| Site {
            rank: i + 1,
            candidate: cands.ids[c].clone(),
            at: cands.points[c],
            gain_households: pick.sel.gains[i],
            exclusive_households: pick.sel.exclusive[i],
        })
        .collect();
    let (goal, requested) = match req.goal {
        SiteGoal::Count(n) => ("max_cover", Some(n)),
        SiteGoal::Fewest => ("fewest", None),
    };
    Ok(Sites {
        kind: k.kind.clone(),
        goal,
        requested,
        fewest: pick.proof,
        candidates_from: cands.from.to_string(),
        candidates: cands.snaps.len(),
        candidates_left_out: cands.left_out,
        uncovered_households: demand.weight.iter().sum::<u64>(),
        newly_covered_households: pick.sel.covered,
        greedy_covered_households: pick.sel.greedy_covered,
        swaps: pick.sel.swaps,
        cover_sets_s,
        select_s,
        model: CoverModel {
            goal,
            p: pick.sel.chosen.len(),
            covered: pick.sel.covered,
            weights: demand.weight,
            candidates: cands.ids,
            covers,
        },
        sites,
    })
}

/// How far the fewest sites found are proved to be the fewest, and what no
/// candidate can reach.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FewestProof {
    /// Whether no smaller set of candidates covers what these cover.
    pub optimal: bool,
    /// Sites any cover needs at least (equal to the sites when optimal).
    pub lower_bound: usize,
    /// Uncovered households no candidate reaches within the limit.
    pub unreachable_households: u64,
    /// Their buildings.
    pub unreachable_buildings: usize,
    /// Independent pieces the problem split into.
    pub pieces: usize,
    /// Sites every smallest cover needs (fixed by the reductions).
    pub essential: usize,
    /// Branch-and-bound nodes searched.
    pub search_nodes: u64,
}

/// The sites a goal picks, with the proof of a fewest-sites search.
struct Pick {
    sel: Selection,
    proof: Option<FewestProof>,
}

/// Picks the sites of `goal` among the candidates' `covers`.
fn choose(goal: SiteGoal, covers: &[Vec<u32>], weight: &[u64]) -> Pick {
    match goal {
        SiteGoal::Count(n) => Pick {
            sel: max_cover(covers, weight, n),
            proof: None,
        },
        SiteGoal::Fewest => {
            let f = fewest_cover(covers, weight.len(), WORK_BUDGET);
            let chosen = build_order(covers, &f.chosen, Some(weight));
            let sel = selection_of(covers, weight, chosen);
            let proof = FewestProof {
                optimal: f.optimal,
                lower_bound: f.lower_bound,
                unreachable_households: f.unreachable.iter().map(|&d| weight[d as usize]).sum(),
                unreachable_buildings: f.unreachable.len(),
                pieces: f.pieces,
                essential: f.essential,
                search_nodes: f.nodes,
            };
            Pick {
                sel,
                proof: Some(proof),
            }
        }
    }
}

/// The error for a site request of a kind linli does not know.
fn unknown_kind(cov: &Coverage, req: &SiteRequest) -> Problem {
    let mut known = cov.known_kinds.clone();
    known.retain(|x| !x.is_empty());
    Problem::file(
        "--kind",
        format!("{:?} is not a known facility kind", req.kind),
    )
    .with_hint(format!("use one of: {}", known.join(", ")))
}

/// The demand of a site request: buildings with households on the network
/// that kind `k` does not cover, where they sit and their households.
struct Demand {
    snaps: Vec<Snap>,
    weight: Vec<u64>,
}

/// The households kind `k` leaves uncovered, in building order.
fn uncovered_demand(s: &Scenario, cov: &Coverage, k: &super::KindCoverage) -> Demand {
    let demand_idx: Vec<usize> = (0..s.buildings.len())
        .filter(|&b| {
            s.buildings[b].households > 0 && cov.building_snaps[b].is_some() && !k.covers(b)
        })
        .collect();
    Demand {
        snaps: demand_idx
            .iter()
            .filter_map(|&b| cov.building_snaps[b])
            .collect(),
        weight: demand_idx
            .iter()
            .map(|&b| u64::from(s.buildings[b].households))
            .collect(),
    }
}

/// Candidate sites on the network: ids, points, snaps, how many were left
/// out (too far from a road) and where they came from.
struct Candidates {
    ids: Vec<String>,
    points: Vec<Coord<f64>>,
    snaps: Vec<Snap>,
    left_out: usize,
    from: &'static str,
}

/// The candidates given (candidates.geojson) within the snap limit of a
/// road.
fn given_candidates(cov: &Coverage, w: &Walking, given: &[(String, Coord<f64>)]) -> Candidates {
    let (mut ids, mut points, mut snaps) = (Vec::new(), Vec::new(), Vec::new());
    let mut left_out = 0;
    for (id, p) in given {
        match cov.snapper.snap(&cov.graph, *p) {
            Some(sn) if sn.leg <= w.snap_limit_m => {
                ids.push(id.clone());
                points.push(*p);
                snaps.push(sn);
            }
            _ => left_out += 1,
        }
    }
    Candidates {
        ids,
        points,
        snaps,
        left_out,
        from: "candidates.geojson",
    }
}

/// Junctions within `r` of some uncovered household: no other junction can
/// gain anything.
fn junction_candidates(g: &WalkGraph, demand: &[Snap], r: f64) -> Candidates {
    let mut search = Search::new(g.nodes.len());
    let mut seeds = Vec::new();
    for d in demand {
        let e = g.edges[d.edge as usize];
        let [(_, da), (_, db)] = d.seeds(e.len);
        seeds.push((e.a, da));
        seeds.push((e.b, db));
    }
    search.run(&g.csr, &seeds, r);
    let mut nodes: Vec<u32> = search.reached().to_vec();
    nodes.sort_unstable();
    let snaps: Vec<Snap> = nodes
        .iter()
        .filter_map(|&v| {
            g.csr.incident(v).next().map(|(_, _, eid)| {
                let e = g.edges[eid as usize];
                Snap {
                    edge: eid,
                    t: if e.a == v { 0.0 } else { 1.0 },
                    leg: 0.0,
                    at: g.nodes[v as usize],
                }
            })
        })
        .collect();
    Candidates {
        ids: nodes.iter().map(|v| format!("node-{v}")).collect(),
        points: snaps.iter().map(|s| s.at).collect(),
        snaps,
        left_out: 0,
        from: "network junctions",
    }
}

impl Neighborhoods {
    /// Each building's neighborhood from a planned partition: a building's
    /// neighborhood is that of the block holding it.
    pub fn from_planned(p: &crate::model::Planned, buildings: usize) -> Self {
        let mut building = vec![None; buildings];
        for (bi, block) in p.blocks.blocks.iter().enumerate() {
            let n = p.partition.block_neighborhood.get(bi).copied();
            for &b in &block.buildings {
                if b < buildings {
                    building[b] = n;
                }
            }
        }
        Neighborhoods {
            ids: p
                .partition
                .neighborhoods
                .iter()
                .map(|n| n.id.clone())
                .collect(),
            building,
            areas: p.shapes.iter().map(|d| d.area.clone()).collect(),
            also: Vec::new(),
        }
    }
}

/// What a coverage run is asked to do beyond distances and shares.
#[derive(Debug, Clone, Default)]
pub struct CoverageRequest {
    /// Plan neighborhoods (when the scenario has communities) and report
    /// coverage per neighborhood.
    pub neighborhoods: bool,
    /// Report coverage per polygon of the scenario's existing grid
    /// (`neighborhoods.geojson`, as drawn) instead of planning.
    pub existing_grid: bool,
    /// Seed of the partition.
    pub seed: u64,
    /// New sites: how many, of which kind.
    pub sites: Option<(SiteGoal, String)>,
    /// The text of a candidates layer (points), when there is one.
    pub candidates: Option<String>,
    /// Skip the service-area polygons (the costliest step; distances,
    /// shares, gaps and sites do not need them).
    pub no_service_areas: bool,
}
