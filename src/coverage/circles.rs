//! Coverage by life circle (GB 50180-2018: the 15-, 10- and 5-minute
//! circles, about 1,000, 500 and 300 m on foot): each facility kind falls
//! in the circle its own threshold is nearest to, and a circle's share is
//! the households within reach of every kind of it that has a facility.
//! A circle no kind falls in is reported empty, never guessed.

use super::{GroupCoverage, KindCoverage, shares};
use serde::Serialize;

/// The circles, widest first (minutes).
///
/// ```
/// assert_eq!(linli::coverage::circles::CIRCLES, [15, 10, 5]);
/// ```
pub const CIRCLES: [u32; 3] = [15, 10, 5];

/// One life circle's coverage.
///
/// ```
/// let c = linli::coverage::circles::life_circles(&[], &[10], &[true], &[Some(0)], &["A".into()]);
/// assert!(c.iter().all(|c| c.kinds.is_empty())); // no kinds: nothing to tell
/// assert_eq!(c[0].groups[0].households, 10);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LifeCircle {
    /// 15, 10 or 5.
    pub minutes: u32,
    /// The kinds that fall in it and have a facility on the network (none:
    /// the scenario cannot tell this circle's coverage).
    pub kinds: Vec<String>,
    /// Every group's buildings together.
    pub overall: GroupCoverage,
    /// Per group, in the order of the ids given.
    pub groups: Vec<GroupCoverage>,
}

/// The circle a threshold of `metres` belongs to: 15 from 650 m, 10 from
/// 400 m, else 5 (the midpoints between the standard's distances).
///
/// ```
/// use linli::coverage::circles::circle_of;
/// assert_eq!(circle_of(1000.0), 15);
/// assert_eq!(circle_of(500.0), 10);
/// assert_eq!(circle_of(300.0), 5);
/// ```
pub fn circle_of(metres: f64) -> u32 {
    if metres >= 650.0 {
        15
    } else if metres >= 400.0 {
        10
    } else {
        5
    }
}

/// Each circle's coverage for the buildings' groups (`group[b]`, ids as in
/// [`shares`]); `all_kinds` of each share is the circle's.
///
/// ```
/// use linli::config::Threshold;
/// use linli::coverage::{KindCoverage, circles::life_circles};
/// let k = |kind: &str, t: f64, m: Vec<f64>| KindCoverage { kind: kind.into(),
///     threshold: Threshold::Metres(t), threshold_m: t, facilities: vec![0], metres: m };
/// let kinds = [k("clinic", 1000.0, vec![100.0, 900.0]), k("kindergarten", 300.0, vec![100.0, 900.0])];
/// let c = life_circles(&kinds, &[10, 30], &[true, true], &[Some(0), Some(0)], &["A".to_string()]);
/// assert_eq!(c[0].minutes, 15);
/// assert_eq!(c[0].groups[0].all_kinds.covered, 40);
/// assert!(c[1].kinds.is_empty()); // no kind within 10 minutes
/// assert_eq!(c[2].overall.all_kinds.covered, 10);
/// ```
pub fn life_circles(
    kinds: &[KindCoverage],
    households: &[u32],
    on_network: &[bool],
    group: &[Option<usize>],
    ids: &[String],
) -> Vec<LifeCircle> {
    let all: Vec<Option<usize>> = group.iter().map(|g| g.map(|_| 0)).collect();
    CIRCLES
        .iter()
        .map(|&minutes| {
            let of: Vec<KindCoverage> = kinds
                .iter()
                .filter(|k| !k.facilities.is_empty() && circle_of(k.threshold_m) == minutes)
                .cloned()
                .collect();
            let overall = shares(&of, households, on_network, &all, &["all".to_string()])
                .pop()
                .unwrap_or_default();
            LifeCircle {
                minutes,
                kinds: of.iter().map(|k| k.kind.clone()).collect(),
                overall,
                groups: shares(&of, households, on_network, group, ids),
            }
        })
        .collect()
}
