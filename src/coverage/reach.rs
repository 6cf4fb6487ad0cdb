//! Walking reach of a neighborhood: the longest network walk from where
//! its social worker starts (its service point, else its most central
//! home) to any of its households — what a worker walks, and what a long,
//! thin neighborhood makes long.

use super::dijkstra::Search;
use super::network::WalkGraph;
use super::snap::Snap;
use geo::Coord;

/// Where a neighborhood's walks are measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReachFrom {
    /// A service point inside it (index into the scenario's facilities).
    ServicePoint(usize),
    /// Its most central home (index into the scenario's buildings).
    Building(usize),
}

/// The home nearest the household-weighted centre of `homes` (points with
/// their households); ties go to the first. `None` without homes.
///
/// ```
/// use geo::Coord;
/// let c = |x, y| Coord { x, y };
/// let homes = [(c(0.0, 0.0), 10), (c(100.0, 0.0), 10), (c(40.0, 5.0), 1)];
/// assert_eq!(linli::coverage::reach::central_home(&homes), Some(2));
/// ```
pub fn central_home(homes: &[(Coord<f64>, u32)]) -> Option<usize> {
    let total: f64 = homes.iter().map(|h| f64::from(h.1)).sum();
    if homes.is_empty() || total <= 0.0 {
        return None;
    }
    let centre = homes.iter().fold(Coord { x: 0.0, y: 0.0 }, |acc, (p, hh)| {
        acc + *p * (f64::from(*hh) / total)
    });
    let d = |p: Coord<f64>| (p.x - centre.x).hypot(p.y - centre.y);
    (0..homes.len()).min_by(|&a, &b| d(homes[a].0).total_cmp(&d(homes[b].0)))
}

/// The longest walk (metres, snap legs included) from `from` to any of
/// `homes` within `bound`, and how many homes lie beyond the bound or off
/// the network.
///
/// ```
/// use geo::Coord;
/// use linli::coverage::{dijkstra::Search, network::from_nodes, snap::Snapper, reach::longest_walk};
/// let c = |x, y| Coord { x, y };
/// let g = from_nodes(vec![c(0.0, 0.0), c(500.0, 0.0), c(500.0, 400.0)], vec![(0, 1), (1, 2)]);
/// let sn = Snapper::new(&g);
/// let homes = [sn.snap(&g, c(100.0, 10.0)), sn.snap(&g, c(510.0, 300.0)), None];
/// let (m, missed) = longest_walk(&g, &mut Search::new(3), sn.snap(&g, c(0.0, 0.0)).unwrap(), &homes, 5000.0);
/// assert!((m.unwrap() - 810.0).abs() < 1e-9); // 500 + 300 + a 10 m leg
/// assert_eq!(missed, 1);
/// ```
pub fn longest_walk(
    g: &WalkGraph,
    search: &mut Search,
    from: Snap,
    homes: &[Option<Snap>],
    bound: f64,
) -> (Option<f64>, usize) {
    let d = super::distances(g, search, &[from], homes, bound);
    let missed = d.iter().filter(|m| !m.is_finite()).count();
    (
        d.into_iter().filter(|m| m.is_finite()).reduce(f64::max),
        missed,
    )
}
