//! 15-minute service circles: walking distances from every building to the
//! nearest facility of each kind, coverage shares, service areas, gaps and
//! recommended new sites.
//!
//! One module per algorithm: [`network`] builds the walking graph,
//! [`snap`] puts points on its edges, [`dijkstra`] runs the bounded
//! multi-source searches, [`areas`] draws service areas, [`gaps`] groups
//! uncovered buildings, [`circles`] sums coverage by life circle, [`sites`] picks new sites (maximal covering
//! location). Everything here works in metres on plain types.

pub mod areas;
pub mod capacity;
pub mod circles;
pub mod dijkstra;
pub mod fewest;
pub mod gaps;
pub mod isochrones;
pub mod network;
pub mod populations;
pub mod reach;
pub mod report;
pub mod sites;
pub mod snap;

use crate::config::{Threshold, Walking};
use crate::error::Problem;
use crate::model::{Facility, Scenario};
use dijkstra::Search;
use geo::{Coord, Intersects, MultiPolygon};
use network::WalkGraph;
use serde::Serialize;
use snap::{Snap, Snapper};
use std::collections::BTreeMap;

/// Facility kinds linli knows besides those given thresholds in
/// `scenario.toml`; any other kind is reported and left out (a typo such as
/// `clinc` must not silently become a kind of its own).
pub const KNOWN_KINDS: &[&str] = &[
    "community_centre",
    "neighborhood_office",
    "clinic",
    "health_station",
    "hospital",
    "pharmacy",
    "elderly_care",
    "day_care",
    "kindergarten",
    "school",
    "primary_school",
    "middle_school",
    "library",
    "sports",
    "park",
    "market",
    "police",
    "post",
];

/// The known kinds: [`KNOWN_KINDS`] plus every kind of the standards
/// profile and every kind with a threshold, sorted.
///
/// ```
/// let kinds = linli::coverage::known_kinds(&linli::config::Walking::default());
/// assert!(kinds.contains(&"clinic".to_string()));
/// ```
pub fn known_kinds(w: &Walking) -> Vec<String> {
    let mut k: Vec<String> = KNOWN_KINDS.iter().map(|s| s.to_string()).collect();
    k.extend(w.thresholds.keys().cloned());
    k.extend(w.standards.kinds.keys().cloned());
    k.sort();
    k.dedup();
    k
}

/// Walking metres per minute at `speed_kmh`.
///
/// ```
/// assert_eq!(linli::coverage::metres_per_minute(6.0), 100.0);
/// ```
pub fn metres_per_minute(speed_kmh: f64) -> f64 {
    speed_kmh * 1000.0 / 60.0
}

/// A kind's threshold in metres (minutes at the walking speed).
///
/// ```
/// use linli::config::Walking;
/// let w = Walking::default();
/// assert_eq!(linli::coverage::threshold_m(&w, "community_centre"), 1000.0);
/// assert_eq!(linli::coverage::threshold_m(&w, "neighborhood_office"), 500.0);
/// ```
pub fn threshold_m(w: &Walking, kind: &str) -> f64 {
    let m = match threshold(w, kind) {
        Threshold::Metres(m) => m,
        Threshold::Minutes(min) => min * metres_per_minute(w.speed_kmh),
    };
    // 15 min × 66.67 m/min is 1000.0000000000001 in floating point: round
    // to the micrometre so a threshold reads as configured.
    (m * 1e6).round() / 1e6
}

/// A kind's threshold: scenario.toml's `[walking.thresholds]`, else the
/// standards profile's walking limit, else the default threshold.
///
/// ```
/// use linli::config::{Threshold, Walking};
/// let mut w = Walking::default();
/// assert_eq!(linli::coverage::threshold(&w, "kindergarten"), Threshold::Metres(300.0));
/// assert_eq!(linli::coverage::threshold(&w, "bakery"), Threshold::Minutes(15.0));
/// w.thresholds.insert("kindergarten".into(), Threshold::Minutes(10.0));
/// assert_eq!(linli::coverage::threshold(&w, "kindergarten"), Threshold::Minutes(10.0));
/// ```
pub fn threshold(w: &Walking, kind: &str) -> Threshold {
    match w.thresholds.get(kind) {
        Some(t) => *t,
        None => w.standards.limit(kind).unwrap_or(w.default_threshold),
    }
}

/// Slack (metres) in threshold comparisons: a building exactly at the
/// threshold must not fall out because 0.9 − 0.6 is 0.30000000000000004.
pub const EPS_M: f64 = 1e-6;

/// Distances (metres) from each target to the nearest source over the
/// network, snap legs included; infinity beyond `bound` or when the target
/// is `None`.
///
/// A source on edge (u, v) at offset t seeds u with `leg + t·len` and v with
/// `leg + (1 − t)·len`; a target on edge (a, b) at offset s gets
/// `min(d[a] + s·len, d[b] + (1 − s)·len) + leg`, or `|t − s|·len + legs` when
/// a source is on its very edge — the same answer as a Dijkstra on the graph
/// with the snap points inserted as nodes and the legs as edges.
///
/// ```
/// use geo::Coord;
/// use linli::coverage::{distances, network::from_nodes, snap::Snapper, dijkstra::Search};
/// let g = from_nodes(vec![Coord { x: 0.0, y: 0.0 }, Coord { x: 100.0, y: 0.0 }], vec![(0, 1)]);
/// let sn = Snapper::new(&g);
/// let src = sn.snap(&g, Coord { x: 10.0, y: 5.0 }).unwrap();
/// let dst = sn.snap(&g, Coord { x: 70.0, y: -3.0 });
/// let d = distances(&g, &mut Search::new(2), &[src], &[dst], 1000.0);
/// assert!((d[0] - 68.0).abs() < 1e-9); // 5 + 60 + 3, along the same edge
/// ```
pub fn distances(
    g: &WalkGraph,
    search: &mut Search,
    sources: &[Snap],
    targets: &[Option<Snap>],
    bound: f64,
) -> Vec<f64> {
    distances_timed(g, search, sources, targets, bound).0
}

/// [`distances`], also returning the seconds the shortest-path search
/// itself took (what scipy's `dijkstra` does; the rest maps node distances
/// to buildings).
///
/// ```
/// use geo::Coord;
/// use linli::coverage::{distances_timed, network::from_nodes, snap::Snapper, dijkstra::Search};
/// let g = from_nodes(vec![Coord { x: 0.0, y: 0.0 }, Coord { x: 100.0, y: 0.0 }], vec![(0, 1)]);
/// let sn = Snapper::new(&g);
/// let src = sn.snap(&g, Coord { x: 0.0, y: 0.0 }).unwrap();
/// let dst = sn.snap(&g, Coord { x: 30.0, y: 0.0 });
/// let (d, secs) = distances_timed(&g, &mut Search::new(2), &[src], &[dst], 1000.0);
/// assert!((d[0] - 30.0).abs() < 1e-9 && secs >= 0.0);
/// ```
pub fn distances_timed(
    g: &WalkGraph,
    search: &mut Search,
    sources: &[Snap],
    targets: &[Option<Snap>],
    bound: f64,
) -> (Vec<f64>, f64) {
    let near = nearest_sources(g, search, sources, targets, bound);
    (near.metres, near.search_s)
}

/// Each target's distance to its nearest source and which source that is
/// ([`nearest_sources`] makes it; its example reads one).
///
/// ```
/// let n = linli::coverage::Nearest { metres: vec![f64::INFINITY], source: vec![u32::MAX], search_s: 0.0 };
/// assert_eq!(n.source[0], u32::MAX); // nothing within the bound
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Nearest {
    /// Metres, as [`distances`].
    pub metres: Vec<f64>,
    /// The nearest source's index in `sources` (`u32::MAX` where `metres`
    /// is infinite).
    pub source: Vec<u32>,
    /// Seconds the shortest-path search itself took.
    pub search_s: f64,
}

/// [`distances`] with the nearest source of each target: one labelled
/// multi-source search (each node keeps the source it is nearest to).
///
/// ```
/// use geo::Coord;
/// use linli::coverage::{nearest_sources, network::from_nodes, snap::Snapper, dijkstra::Search};
/// let g = from_nodes(vec![Coord { x: 0.0, y: 0.0 }, Coord { x: 100.0, y: 0.0 }, Coord { x: 200.0, y: 0.0 }],
///     vec![(0, 1), (1, 2)]);
/// let sn = Snapper::new(&g);
/// let at = |x: f64| sn.snap(&g, Coord { x, y: 0.0 });
/// let n = nearest_sources(&g, &mut Search::new(3), &[at(0.0).unwrap(), at(200.0).unwrap()],
///     &[at(60.0), at(140.0), at(110.0)], 1000.0);
/// assert_eq!(n.source, vec![0, 1, 1]);
/// assert!((n.metres[2] - 90.0).abs() < 1e-9);
/// ```
pub fn nearest_sources(
    g: &WalkGraph,
    search: &mut Search,
    sources: &[Snap],
    targets: &[Option<Snap>],
    bound: f64,
) -> Nearest {
    let mut seeds = Vec::with_capacity(sources.len() * 2);
    let mut on_edge: Vec<OnEdge> = Vec::with_capacity(sources.len());
    for (i, s) in sources.iter().enumerate() {
        let e = g.edges[s.edge as usize];
        let [(_, da), (_, db)] = s.seeds(e.len);
        seeds.push((e.a, da, i as u32));
        seeds.push((e.b, db, i as u32));
        on_edge.push((s.edge, s.t, s.leg, i as u32));
    }
    on_edge.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)));
    // Edges holding a source, as bits: most targets skip the lookup.
    let mut marks = vec![0u64; g.edges.len().div_ceil(64)];
    for &(e, ..) in &on_edge {
        marks[e as usize / 64] |= 1 << (e % 64);
    }
    let wanted = target_nodes(g, sources, targets);
    let clock = std::time::Instant::now();
    search.run_labelled_until(&g.csr, &seeds, bound, &wanted);
    let search_s = clock.elapsed().as_secs_f64();
    let found: Vec<(f64, u32)> = targets
        .iter()
        .map(|t| match t {
            None => (f64::INFINITY, u32::MAX),
            Some(t) => match target_distance(g, search, &on_edge, &marks, t) {
                (d, src) if d <= bound => (d, src),
                _ => (f64::INFINITY, u32::MAX),
            },
        })
        .collect();
    let (metres, source) = found.into_iter().unzip();
    Nearest {
        metres,
        source,
        search_s,
    }
}

/// The nodes whose distances the targets read (their edges' ends), on the
/// network pieces that hold a source: the search may stop once these are
/// settled, and need not wait for a piece it can never reach.
fn target_nodes(g: &WalkGraph, sources: &[Snap], targets: &[Option<Snap>]) -> Vec<u32> {
    let piece = |s: &Snap| g.component[g.edges[s.edge as usize].a as usize];
    let mut reached: Vec<u32> = sources.iter().map(piece).collect();
    reached.sort_unstable();
    reached.dedup();
    targets
        .iter()
        .flatten()
        .filter(|t| reached.binary_search(&piece(t)).is_ok())
        .flat_map(|t| {
            let e = g.edges[t.edge as usize];
            [e.a, e.b]
        })
        .collect()
}

/// A source on an edge: (edge, offset, leg, source index).
type OnEdge = (u32, f64, f64, u32);

/// One target's distance and nearest source from the search's node
/// distances and the sources sorted by edge.
fn target_distance(
    g: &WalkGraph,
    search: &Search,
    on_edge: &[OnEdge],
    marks: &[u64],
    t: &Snap,
) -> (f64, u32) {
    let e = g.edges[t.edge as usize];
    let d = search.distances();
    let via_a = d[e.a as usize] + t.t * e.len;
    let via_b = d[e.b as usize] + (1.0 - t.t) * e.len;
    let mut best = if via_b < via_a {
        (via_b, search.origin(e.b))
    } else {
        (via_a, search.origin(e.a))
    };
    if marks[t.edge as usize / 64] & (1 << (t.edge % 64)) != 0 {
        let from = on_edge.partition_point(|x| x.0 < t.edge);
        for &(_, st, leg, src) in on_edge[from..].iter().take_while(|x| x.0 == t.edge) {
            let along = (st - t.t).abs() * e.len + leg;
            if along < best.0 {
                best = (along, src);
            }
        }
    }
    (best.0 + t.leg, best.1)
}

/// A building or facility left out, with why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeftOut {
    /// Index in the scenario's list.
    pub index: usize,
    /// Its id.
    pub id: String,
    /// Why: `too_far_from_road` or `unknown_kind`.
    pub reason: String,
    /// Snap distance (metres) for `too_far_from_road`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_m: Option<f64>,
    /// The kind, for facilities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Households, for buildings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub households: Option<u32>,
}

/// Distances to one facility kind.
#[derive(Debug, Clone)]
pub struct KindCoverage {
    /// The kind, e.g. `community_centre`.
    pub kind: String,
    /// Its threshold as configured.
    pub threshold: Threshold,
    /// The threshold in metres.
    pub threshold_m: f64,
    /// Facilities of this kind that are on the network (indices into the
    /// scenario's facilities).
    pub facilities: Vec<usize>,
    /// Network metres from each building to the nearest facility of this
    /// kind; infinity when beyond the search bound or left out.
    pub metres: Vec<f64>,
    /// That nearest facility (index into the scenario's facilities), per
    /// building; `u32::MAX` where `metres` is infinite. Empty when not
    /// known (every building then has none).
    pub nearest: Vec<u32>,
}

impl KindCoverage {
    /// Whether building `b` is within the threshold.
    ///
    /// ```
    /// use linli::config::Threshold;
    /// let k = linli::coverage::KindCoverage { kind: "clinic".into(), threshold: Threshold::Metres(500.0),
    ///     threshold_m: 500.0, facilities: vec![], metres: vec![400.0, 600.0], nearest: vec![] };
    /// assert!(k.covers(0) && !k.covers(1));
    /// ```
    pub fn covers(&self, b: usize) -> bool {
        self.metres[b] <= self.threshold_m + EPS_M
    }

    /// The nearest facility of building `b` (index into the scenario's
    /// facilities), when one is within the search bound.
    ///
    /// ```
    /// use linli::config::Threshold;
    /// let k = linli::coverage::KindCoverage { kind: "clinic".into(), threshold: Threshold::Metres(500.0),
    ///     threshold_m: 500.0, facilities: vec![3], metres: vec![400.0, f64::INFINITY], nearest: vec![3, u32::MAX] };
    /// assert_eq!((k.nearest_facility(0), k.nearest_facility(1)), (Some(3), None));
    /// ```
    pub fn nearest_facility(&self, b: usize) -> Option<usize> {
        self.nearest
            .get(b)
            .filter(|&&f| f != u32::MAX)
            .map(|&f| f as usize)
    }
}

/// Per-component figures for a disconnected network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentReport {
    /// Component number (0 is the largest by length).
    pub component: u32,
    /// Nodes.
    pub nodes: usize,
    /// Total length, metres.
    pub length_m: f64,
    /// Buildings snapped onto it.
    pub buildings: usize,
    /// Their households.
    pub households: u64,
    /// Facilities snapped onto it, by kind.
    pub facilities: BTreeMap<String, usize>,
}

/// Everything the coverage stage computes.
#[derive(Debug)]
pub struct Coverage {
    /// The walking graph.
    pub graph: WalkGraph,
    /// Edge index for snapping (reused by site selection).
    pub snapper: Snapper,
    /// Each building's snap; `None` when left out.
    pub building_snaps: Vec<Option<Snap>>,
    /// Each facility's snap; `None` when left out.
    pub facility_snaps: Vec<Option<Snap>>,
    /// One entry per kind, sorted by kind.
    pub kinds: Vec<KindCoverage>,
    /// The search bound (largest threshold), metres.
    pub bound_m: f64,
    /// Walking speed, metres per minute.
    pub metres_per_minute: f64,
    /// Buildings left out (too far from any walkable road).
    pub buildings_left_out: Vec<LeftOut>,
    /// Facilities left out (unknown kind, or too far from a road).
    pub facilities_left_out: Vec<LeftOut>,
    /// The facility kinds known.
    pub known_kinds: Vec<String>,
    /// Network components with buildings or facilities (when there is more
    /// than one component).
    pub components: Vec<ComponentReport>,
    /// Human-readable warnings.
    pub warnings: Vec<String>,
    /// Seconds per step: network, snapping, searches (not written to files).
    pub timings: Vec<(String, f64)>,
    /// The life circles and each building's smallest one.
    pub life_circles: circles::LifeCircles,
}

impl Coverage {
    /// Whether building `b` is within the threshold of every kind that has a
    /// facility on the network: a kind with none is left out of "all kinds"
    /// (it would make every building uncovered), in coverage.geojson's
    /// `all_covered` as in the summary's shares.
    pub fn covers_all(&self, b: usize) -> bool {
        covered_by_all(&self.kinds, b)
    }
}

/// [`Coverage::covers_all`] on the kinds alone.
fn covered_by_all(kinds: &[KindCoverage], b: usize) -> bool {
    kinds.iter().all(|k| k.facilities.is_empty() || k.covers(b))
}

/// Computes walking distances from every building to every facility kind.
///
/// Errors (as [`Problem`]s) only when nothing can be done: no walkable road.
/// Everything else (unknown kinds, points too far from a road, a
/// disconnected network) is reported in the result and left out.
///
/// ```
/// use geo::Point;
/// use linli::model::{Building, Facility, Scenario, Walkway};
/// let s = Scenario {
///     walkways: vec![Walkway { line: vec![(0.0, 0.0), (2000.0, 0.0)].into(), class: "residential".into(), walkable: None, level: 0 }],
///     buildings: vec![Building { id: "b".into(), footprint: None, location: Point::new(800.0, 20.0),
///         households: 100, estimated: false, use_: "residential".into() }],
///     facilities: vec![Facility { id: "f".into(), kind: "community_centre".into(), name: "f".into(),
///         location: Point::new(0.0, 10.0), capacity: None }],
///     ..Default::default()
/// };
/// let cov = linli::coverage::compute(&s, &linli::config::Walking::default(), 0.05).unwrap();
/// let cc = cov.kinds.iter().find(|k| k.kind == "community_centre").unwrap();
/// assert!((cc.metres[0] - 830.0).abs() < 1e-9);
/// assert!(cc.covers(0)); // 830 m < 15 min at 4 km/h
/// ```
pub fn compute(s: &Scenario, w: &Walking, tolerance: f64) -> Result<Coverage, Vec<Problem>> {
    let clock = std::time::Instant::now();
    let mut timings = Vec::new();
    let graph = network::build(&s.walkways, &w.excluded_classes, tolerance);
    timings.push(("network_s".to_string(), clock.elapsed().as_secs_f64()));
    let clock = std::time::Instant::now();
    if graph.edges.is_empty() {
        return Err(vec![no_walkable_road(s, &graph)]);
    }
    let snapper = Snapper::new(&graph);
    let limit = w.snap_limit_m;
    let mut warnings = Vec::new();
    let buildings = snap_buildings(s, &graph, &snapper, limit, &mut warnings);
    let known = known_kinds(w);
    let facilities = snap_facilities(s, &graph, &snapper, limit, &known, &mut warnings);
    let kind_names = kinds_to_search(s, w, &facilities.snaps);
    let bound_m = kind_names
        .iter()
        .map(|k| threshold_m(w, k))
        .fold(0.0, f64::max);
    timings.push(("snap_s".to_string(), clock.elapsed().as_secs_f64()));

    let clock = std::time::Instant::now();
    let located = Located {
        graph: &graph,
        buildings: &buildings.snaps,
        facilities: &facilities.snaps,
    };
    let (kinds, dijkstra_cpu_s) = search_kinds(s, w, &located, &kind_names, bound_m);
    timings.push(("search_s".to_string(), clock.elapsed().as_secs_f64()));
    // Summed over kinds (they run in parallel): the single-core cost of the
    // shortest-path searches alone, comparable with scipy's dijkstra.
    timings.push(("dijkstra_cpu_s".to_string(), dijkstra_cpu_s));
    for k in kinds.iter().filter(|k| k.facilities.is_empty()) {
        warnings.push(format!(
            "no {} on the network: nobody is covered for it",
            k.kind
        ));
    }
    let components = component_report(&graph, s, &buildings.snaps, &facilities.snaps);
    warnings.extend(network_warnings(&graph, &components));
    let on: Vec<bool> = buildings.snaps.iter().map(Option::is_some).collect();
    let life_circles = circles::life_circles(&kinds, &w.standards, &on);

    Ok(Coverage {
        graph,
        snapper,
        building_snaps: buildings.snaps,
        facility_snaps: facilities.snaps,
        kinds,
        bound_m,
        metres_per_minute: metres_per_minute(w.speed_kmh),
        buildings_left_out: buildings.left_out,
        facilities_left_out: facilities.left_out,
        known_kinds: known,
        components,
        warnings,
        timings,
        life_circles,
    })
}

/// Points put on the walking network: each one's snap (`None`: left out)
/// and the list of those left out with the reason.
struct Snapped {
    snaps: Vec<Option<Snap>>,
    left_out: Vec<LeftOut>,
}

/// The network and where buildings and facilities sit on it: what every
/// kind's search reads.
struct Located<'a> {
    graph: &'a WalkGraph,
    buildings: &'a [Option<Snap>],
    facilities: &'a [Option<Snap>],
}

/// The error when no road is walkable, naming the classes left out.
fn no_walkable_road(s: &Scenario, graph: &WalkGraph) -> Problem {
    let excluded: Vec<String> = graph
        .lines_excluded
        .iter()
        .map(|(c, n)| format!("{n} {c}"))
        .collect();
    Problem::file(
        "roads.geojson",
        format!(
            "has no walkable road ({} lines read{})",
            s.walkways.len(),
            if excluded.is_empty() {
                String::new()
            } else {
                format!("; left out as not walkable: {}", excluded.join(", "))
            }
        ),
    )
    .with_hint(
        "coverage needs the street and path network; walking.excluded_classes in scenario.toml sets the classes left out",
    )
}

/// Puts every building on the network; those farther than `limit` from a
/// road are left out (one warning counts them).
fn snap_buildings(
    s: &Scenario,
    graph: &WalkGraph,
    snapper: &Snapper,
    limit: f64,
    warnings: &mut Vec<String>,
) -> Snapped {
    let mut left_out = Vec::new();
    let snaps: Vec<Option<Snap>> = snap_in_z_order(s, graph, snapper)
        .into_iter()
        .zip(&s.buildings)
        .enumerate()
        .map(|(i, (sn, b))| match sn {
            Some(sn) if sn.leg <= limit => Some(sn),
            _ => {
                left_out.push(LeftOut {
                    index: i,
                    id: b.id.clone(),
                    reason: "too_far_from_road".into(),
                    distance_m: sn.map(|x| round_cm(x.leg)),
                    kind: None,
                    households: Some(b.households),
                });
                None
            }
        })
        .collect();
    if !left_out.is_empty() {
        let hh: u64 = left_out
            .iter()
            .filter_map(|l| l.households.map(u64::from))
            .sum();
        let total: u64 = s.buildings.iter().map(|b| u64::from(b.households)).sum();
        // Most of the scenario left out is a setting or a layer gone wrong.
        let most = if 2 * hh > total {
            format!(
                "; that is {} of all households: check that roads.geojson covers the buildings, or raise [walking] snap_limit_m in scenario.toml (300 m by default)",
                if hh == total {
                    "every one".to_string()
                } else {
                    format!("{:.0}%", 100.0 * hh as f64 / total as f64)
                }
            )
        } else {
            String::new()
        };
        warnings.push(format!(
            "{} buildings ({hh} households) are farther than {} m from any walkable road and are left out (first: {}){most}",
            left_out.len(),
            crate::error::show(limit),
            left_out[0].id
        ));
    }
    Snapped { snaps, left_out }
}

/// The nearest network point of each building, in building order.
///
/// Snaps in parallel, in Z order: neighbours after each other find the same
/// edges in cache.
fn snap_in_z_order(s: &Scenario, graph: &WalkGraph, snapper: &Snapper) -> Vec<Option<Snap>> {
    use rayon::prelude::*;
    let locations: Vec<Coord<f64>> = s.buildings.iter().map(|b| b.location.0).collect();
    let order = crate::blocks::index::spatial_order(&locations, snapper.cell());
    let in_order: Vec<Option<Snap>> = order
        .par_iter()
        .with_min_len(1024)
        .map(|&i| snapper.snap(graph, locations[i as usize]))
        .collect();
    let mut snapped = vec![None; locations.len()];
    for (&i, sn) in order.iter().zip(in_order) {
        snapped[i as usize] = sn;
    }
    snapped
}

/// Puts every facility of a known kind on the network; unknown kinds and
/// facilities farther than `limit` from a road are left out and warned of.
fn snap_facilities(
    s: &Scenario,
    graph: &WalkGraph,
    snapper: &Snapper,
    limit: f64,
    known: &[String],
    warnings: &mut Vec<String>,
) -> Snapped {
    let mut left_out = Vec::new();
    // Per unknown kind: how many, and the first one's id.
    let mut unknown: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let snaps: Vec<Option<Snap>> = s
        .facilities
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if known.binary_search(&f.kind).is_err() {
                unknown
                    .entry(f.kind.clone())
                    .or_insert_with(|| (0, f.id.clone()))
                    .0 += 1;
                left_out.push(left_out_facility(i, f, "unknown_kind", None));
                return None;
            }
            let sn = snapper.snap(graph, f.location.0);
            match sn {
                Some(sn) if sn.leg <= limit => Some(sn),
                _ => {
                    let d = sn.map(|x| round_cm(x.leg));
                    left_out.push(left_out_facility(i, f, "too_far_from_road", d));
                    None
                }
            }
        })
        .collect();
    if !unknown.is_empty() {
        let list: Vec<String> = unknown
            .iter()
            .map(|(k, (n, first))| format!("{k:?} ({n}, first: {first})"))
            .collect();
        warnings.push(format!(
            "facilities of unknown kind left out: {}; known kinds: {} (give a kind a threshold in scenario.toml's [walking.thresholds] to add it)",
            list.join(", "),
            known.join(", ")
        ));
    }
    let far: Vec<&LeftOut> = left_out
        .iter()
        .filter(|l| l.reason == "too_far_from_road")
        .collect();
    if let Some(first) = far.first() {
        let at = first.distance_m.map_or(String::new(), |d| {
            format!(", {} m away", crate::error::show(d))
        });
        warnings.push(format!(
            "{} facilities are farther than {} m from any walkable road and are left out (first: {}{at}); check their coordinates, or raise [walking] snap_limit_m",
            far.len(),
            crate::error::show(limit),
            first.id
        ));
    }
    Snapped { snaps, left_out }
}

/// The kinds searched, sorted: every kind scenario.toml gives a threshold,
/// the seeds' two (the profile's service circle centre and service point),
/// and every kind of a facility on the network.
fn kinds_to_search(s: &Scenario, w: &Walking, facility_snaps: &[Option<Snap>]) -> Vec<String> {
    let mut kind_names: Vec<String> = w.thresholds.keys().cloned().collect();
    kind_names.extend(w.standards.always_measured());
    for (i, f) in s.facilities.iter().enumerate() {
        if facility_snaps[i].is_some() {
            kind_names.push(f.kind.clone());
        }
    }
    kind_names.sort();
    kind_names.dedup();
    kind_names
}

/// Distances from every building to the nearest facility of each kind
/// (kinds in parallel, searches bounded by `bound_m`), with the seconds
/// the searches took summed over kinds.
fn search_kinds(
    s: &Scenario,
    w: &Walking,
    on: &Located,
    kind_names: &[String],
    bound_m: f64,
) -> (Vec<KindCoverage>, f64) {
    use rayon::prelude::*;
    let dijkstra_total = std::sync::Mutex::new(0.0f64);
    let kinds: Vec<KindCoverage> = kind_names
        .par_iter()
        .map_init(
            || Search::new(on.graph.nodes.len()),
            |search, kind| {
                let facilities: Vec<usize> = (0..s.facilities.len())
                    .filter(|&i| s.facilities[i].kind == *kind && on.facilities[i].is_some())
                    .collect();
                let sources: Vec<Snap> = facilities
                    .iter()
                    .filter_map(|&i| on.facilities[i])
                    .collect();
                let near = nearest_sources(on.graph, search, &sources, on.buildings, bound_m);
                dijkstra_total.lock().map(|mut t| *t += near.search_s).ok();
                // Sources are the kind's facilities in order.
                let nearest = near
                    .source
                    .iter()
                    .map(|&i| facilities.get(i as usize).map_or(u32::MAX, |&f| f as u32))
                    .collect();
                KindCoverage {
                    kind: kind.clone(),
                    threshold: threshold(w, kind),
                    threshold_m: threshold_m(w, kind),
                    facilities,
                    metres: near.metres,
                    nearest,
                }
            },
        )
        .collect();
    (kinds, dijkstra_total.into_inner().unwrap_or(0.0))
}

/// Warnings about the network itself: separate pieces, crossings left
/// unnoded.
fn network_warnings(graph: &WalkGraph, components: &[ComponentReport]) -> Vec<String> {
    let mut warnings = Vec::new();
    if graph.components.len() > 1 {
        let off_main: u64 = components
            .iter()
            .filter(|c| c.component != 0)
            .map(|c| c.households)
            .sum();
        warnings.push(format!(
            "the walking network has {} separate pieces; {off_main} households are on pieces other than the main one (see components in coverage_summary.json)",
            graph.components.len()
        ));
    }
    // A facility on a piece with no homes serves nobody: name the kinds.
    let mut stranded: BTreeMap<&str, usize> = BTreeMap::new();
    for c in components.iter().filter(|c| c.households == 0) {
        for (k, n) in &c.facilities {
            *stranded.entry(k.as_str()).or_default() += n;
        }
    }
    if !stranded.is_empty() {
        let list: Vec<String> = stranded.iter().map(|(k, n)| format!("{k} {n}")).collect();
        warnings.push(format!(
            "{} facilities ({}) are on pieces of the walking network with no homes: they serve nobody (see components in coverage_summary.json; a missing footpath or a road marked not walkable is the usual cause)",
            stranded.values().sum::<usize>(),
            list.join(", ")
        ));
    }
    if graph.unresolved_crossings > 0 {
        warnings.push(format!(
            "{} road crossings could not be noded",
            graph.unresolved_crossings
        ));
    }
    warnings
}

fn left_out_facility(i: usize, f: &Facility, reason: &str, d: Option<f64>) -> LeftOut {
    LeftOut {
        index: i,
        id: f.id.clone(),
        reason: reason.into(),
        distance_m: d,
        kind: Some(f.kind.clone()),
        households: None,
    }
}

/// Metres rounded to the centimetre, for reports.
///
/// ```
/// assert_eq!(linli::coverage::round_cm(1.23456), 1.23);
/// ```
pub fn round_cm(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn component_report(
    g: &WalkGraph,
    s: &Scenario,
    bsnaps: &[Option<Snap>],
    fsnaps: &[Option<Snap>],
) -> Vec<ComponentReport> {
    if g.components.len() <= 1 {
        return Vec::new();
    }
    let comp_of = |sn: &Snap| g.component[g.edges[sn.edge as usize].a as usize];
    let mut out: BTreeMap<u32, ComponentReport> = BTreeMap::new();
    let entry = |out: &mut BTreeMap<u32, ComponentReport>, c: u32| {
        let info = &g.components[c as usize];
        out.entry(c)
            .or_insert_with(|| ComponentReport {
                component: c,
                nodes: info.nodes,
                length_m: round_cm(info.length_m),
                buildings: 0,
                households: 0,
                facilities: BTreeMap::new(),
            })
            .component
    };
    for (i, sn) in bsnaps.iter().enumerate() {
        if let Some(sn) = sn {
            let c = entry(&mut out, comp_of(sn));
            let r = out.get_mut(&c).expect("inserted above");
            r.buildings += 1;
            r.households += u64::from(s.buildings[i].households);
        }
    }
    for (i, sn) in fsnaps.iter().enumerate() {
        if let Some(sn) = sn {
            let c = entry(&mut out, comp_of(sn));
            let r = out.get_mut(&c).expect("inserted above");
            *r.facilities
                .entry(s.facilities[i].kind.clone())
                .or_insert(0) += 1;
        }
    }
    out.into_values().collect()
}

/// Households within the threshold for one kind in one group.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Share {
    /// Households counted (buildings on the network).
    pub households: u64,
    /// Of those, within the threshold.
    pub covered: u64,
    /// covered / households; `None` (null) when there is nothing to
    /// measure: no households (`n/a`) or no facility of the kind (`no facility`).
    pub share: Option<f64>,
    /// `ok`, `n/a` (no households) or `no facility` (the kind has none on
    /// the network: nobody is covered, and no share is made up).
    pub status: &'static str,
}

impl Share {
    /// The share of `covered` in `households`, with its status.
    ///
    /// ```
    /// use linli::coverage::Share;
    /// assert_eq!(Share::new(10, 5, true).share, Some(0.5));
    /// assert_eq!(Share::new(0, 0, true).status, "n/a");
    /// assert_eq!(Share::new(10, 0, false).share, None);
    /// ```
    pub fn new(households: u64, covered: u64, has_facility: bool) -> Share {
        let (share, status) = if !has_facility {
            (None, "no facility")
        } else if households == 0 {
            (None, "n/a")
        } else {
            (Some(covered as f64 / households as f64), "ok")
        };
        Share {
            households,
            covered,
            share,
            status,
        }
    }

    /// The share as a percentage for text, or the status (`n/a`, `no facility`).
    ///
    /// ```
    /// assert_eq!(linli::coverage::Share::new(4, 1, true).percent(), "25.0 %");
    /// assert_eq!(linli::coverage::Share::new(4, 1, false).percent(), "no facility");
    /// ```
    pub fn percent(&self) -> String {
        match self.share {
            Some(x) => format!("{:.1} %", 100.0 * x),
            None => self.status.to_string(),
        }
    }
}

/// Coverage of one group (all, a community, a street, a neighborhood).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GroupCoverage {
    /// The group's id.
    pub id: String,
    /// Households in buildings on the network.
    pub households: u64,
    /// Households in buildings left out (too far from a road).
    pub households_left_out: u64,
    /// Share per kind.
    pub by_kind: BTreeMap<String, Share>,
    /// Households covered by every kind in `all_kinds_of` at once (the
    /// complete circle).
    pub all_kinds: Share,
    /// The kinds `all_kinds` covers: those with a facility on the network
    /// (a kind with none would make it 0 everywhere and say nothing).
    pub all_kinds_of: Vec<String>,
    /// Households covered at each life circle (5, 10, 15 minutes), when
    /// counted: coverage_summary.json gives them under `life_circles`.
    #[serde(skip)]
    pub circles: Vec<u64>,
}

/// Coverage shares for groups of buildings: `group[b]` is building `b`'s
/// group (or `None`), `ids[g]` the group ids.
///
/// ```
/// use linli::config::Threshold;
/// use linli::coverage::{shares, KindCoverage};
/// let k = KindCoverage { kind: "clinic".into(), threshold: Threshold::Metres(500.0),
///     threshold_m: 500.0, facilities: vec![0], metres: vec![100.0, 900.0], nearest: vec![] };
/// let g = shares(&[k], &[10, 30], &[true, true], &[Some(0), Some(0)], &["all".to_string()]);
/// assert_eq!(g[0].by_kind["clinic"].covered, 10);
/// assert_eq!(g[0].by_kind["clinic"].share, Some(0.25));
/// ```
pub fn shares(
    kinds: &[KindCoverage],
    households: &[u32],
    on_network: &[bool],
    group: &[Option<usize>],
    ids: &[String],
) -> Vec<GroupCoverage> {
    let members = Members { group, also: &[] };
    shares_of(kinds, None, (households, on_network), members, ids)
}

/// The groups buildings are in: each building's group (`None`: none), and
/// (building, group) pairs for the buildings in more than one (an overlap
/// of two grid polygons counts in both).
#[derive(Debug, Clone, Copy)]
pub struct Members<'a> {
    /// Each building's group.
    pub group: &'a [Option<usize>],
    /// Further (building, group) pairs.
    pub also: &'a [(usize, usize)],
}

impl Members<'_> {
    /// Every (building, group) pair.
    ///
    /// ```
    /// let m = linli::coverage::Members { group: &[Some(0), None], also: &[(1, 2)] };
    /// assert_eq!(m.pairs().collect::<Vec<_>>(), vec![(0, 0), (1, 2)]);
    /// ```
    pub fn pairs(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let first = self
            .group
            .iter()
            .enumerate()
            .filter_map(|(b, g)| g.map(|g| (b, g)));
        first.chain(self.also.iter().copied())
    }
}

/// [`shares`] for buildings in any number of groups, with the households
/// covered at each life circle (`GroupCoverage::circles`) when `circles`
/// is given; `(households, on_network)` per building.
///
/// ```
/// use linli::config::Threshold;
/// use linli::coverage::{shares_of, KindCoverage, Members, circles::LifeCircles};
/// let k = KindCoverage { kind: "clinic".into(), threshold: Threshold::Metres(500.0),
///     threshold_m: 500.0, facilities: vec![0], metres: vec![100.0, 900.0], nearest: vec![] };
/// let lc = LifeCircles { circles: vec![], level: vec![2, linli::coverage::circles::NONE] };
/// let m = Members { group: &[Some(0), Some(0)], also: &[(0, 1)] };
/// let g = shares_of(&[k], Some(&lc), (&[10, 30], &[true, true]), m, &["a".into(), "b".into()]);
/// assert_eq!((g[0].households, g[1].households), (40, 10));
/// assert_eq!(g[1].circles, vec![0, 0, 10]);
/// ```
pub fn shares_of(
    kinds: &[KindCoverage],
    circles: Option<&circles::LifeCircles>,
    (households, on_network): (&[u32], &[bool]),
    members: Members,
    ids: &[String],
) -> Vec<GroupCoverage> {
    let nk = kinds.len();
    let (tally, per_kind) = tally_groups(kinds, (households, on_network), members, ids.len());
    let circle_counts = circles.map(|lc| {
        let n = circle_count(lc);
        circles::tally(lc, households, on_network, members.pairs(), ids.len(), n)
    });
    let with: Vec<String> = kinds
        .iter()
        .filter(|k| !k.facilities.is_empty())
        .map(|k| k.kind.clone())
        .collect();
    ids.iter()
        .enumerate()
        .map(|(g, id)| {
            let t = tally[g];
            GroupCoverage {
                id: id.clone(),
                households: t.households,
                households_left_out: t.left_out,
                by_kind: kinds
                    .iter()
                    .enumerate()
                    .map(|(k, kc)| {
                        let sh = Share::new(
                            t.households,
                            per_kind[g * nk + k],
                            !kc.facilities.is_empty(),
                        );
                        (kc.kind.clone(), sh)
                    })
                    .collect(),
                all_kinds: Share::new(t.households, t.all_covered, !with.is_empty()),
                all_kinds_of: with.clone(),
                circles: circle_counts.as_ref().map_or(Vec::new(), |c| c[g].clone()),
            }
        })
        .collect()
}

/// The circles counted: as many as the life circles hold (three), or as
/// their levels need when none are described.
fn circle_count(lc: &circles::LifeCircles) -> usize {
    if lc.circles.is_empty() {
        crate::config::standards::CIRCLES.len()
    } else {
        lc.circles.len()
    }
}

/// Households per group: on the network, left out, covered by all kinds.
#[derive(Clone, Copy, Default)]
struct Tally {
    households: u64,
    left_out: u64,
    all_covered: u64,
}

/// Tallies by index (households, covered) per group and kind (`per_kind`
/// is group-major): a map lookup per building and kind was most of the
/// time.
fn tally_groups(
    kinds: &[KindCoverage],
    (households, on_network): (&[u32], &[bool]),
    members: Members,
    groups: usize,
) -> (Vec<Tally>, Vec<u64>) {
    let nk = kinds.len();
    let mut tally = vec![Tally::default(); groups];
    let mut per_kind = vec![0u64; groups * nk];
    for (b, g) in members.pairs() {
        let hh = u64::from(households[b]);
        let t = &mut tally[g];
        if !on_network[b] {
            t.left_out += hh;
            continue;
        }
        t.households += hh;
        for (k, kc) in kinds.iter().enumerate() {
            if kc.covers(b) {
                per_kind[g * nk + k] += hh;
            }
        }
        if covered_by_all(kinds, b) {
            t.all_covered += hh;
        }
    }
    (tally, per_kind)
}

/// The community holding each point (first in input order), by bounding-box
/// index then exact containment.
///
/// ```
/// use geo::{polygon, MultiPolygon, Coord};
/// let a = MultiPolygon(vec![polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)]]);
/// let r = linli::coverage::locate(&[a], &[Coord { x: 5.0, y: 5.0 }, Coord { x: 50.0, y: 5.0 }]);
/// assert_eq!(r, vec![Some(0), None]);
/// ```
pub fn locate(areas: &[MultiPolygon<f64>], points: &[Coord<f64>]) -> Vec<Option<usize>> {
    use geo::BoundingRect;
    // A grid of the areas' boxes: one cell lookup per point, where a tree
    // walk cost most of the shares' time on a city of 300,000 buildings.
    // Empty areas (no box) hold no point.
    let (ids, boxes): (Vec<usize>, Vec<[f64; 4]>) = areas
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let r = a.bounding_rect()?;
            let b = [r.min().x, r.min().y, r.max().x, r.max().y];
            b.iter().all(|v| v.is_finite()).then_some((i, b))
        })
        .unzip();
    let grid = crate::blocks::index::BoxGrid::new(boxes);
    use rayon::prelude::*;
    points
        .par_iter()
        .with_min_len(1024)
        .map(|p| {
            // Ascending, so the first area holding the point.
            grid.at_point(p.x, p.y)
                .map(|k| ids[k])
                .find(|&i| areas[i].intersects(p))
        })
        .collect()
}
