//! Life circles (GB 50180-2018): the kinds that count at the 5-, 10- and
//! 15-minute circles, and the smallest circle each building is covered at.
//!
//! A circle is *complete* for a building when every kind of that circle
//! with a facility on the network is within its walking limit (the
//! distances already found per kind; nothing is searched again). A
//! building is *covered at* a circle when that circle or a smaller one is
//! complete for it: the circles nest (GB 50180-2018 draws the 5-minute
//! circles inside the 10-minute ones, and those inside the 15-minute
//! ones), so a household covered at 5 counts at 10 and 15 and the shares
//! never decrease from 5 to 10 to 15.

use super::KindCoverage;
use crate::config::standards::{CIRCLES, Standards};

/// No circle covers the building (or it is off the network).
pub const NONE: u8 = u8::MAX;

/// One life circle as measured.
///
/// ```
/// use linli::config::{Threshold, standards::Standards};
/// use linli::coverage::{KindCoverage, circles::life_circles};
/// let k = KindCoverage { kind: "day_care".into(), threshold: Threshold::Metres(300.0),
///     threshold_m: 300.0, facilities: vec![0], metres: vec![100.0], nearest: vec![0] };
/// let c = &life_circles(&[k], &Standards::builtin(), &[true]).circles[0];
/// assert_eq!((c.minutes, c.metres), (5, 300.0));
/// assert_eq!(c.kinds, vec!["day_care"]);
/// assert!(c.without_facility.contains(&"kindergarten".to_string()));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Circle {
    /// Its minutes: 5, 10 or 15.
    pub minutes: u32,
    /// Its walking distance, metres (the profile's).
    pub metres: f64,
    /// The kinds that count: the profile's kinds of this circle with a
    /// facility on the network, sorted.
    pub kinds: Vec<String>,
    /// Their places in the coverage's kinds.
    pub kind_index: Vec<usize>,
    /// The profile's kinds of this circle with no facility on the network
    /// (they cannot count: nobody would be covered).
    pub without_facility: Vec<String>,
}

/// The circles and each building's smallest circle ([`life_circles`]
/// makes it).
///
/// ```
/// let lc = linli::coverage::circles::LifeCircles::default();
/// assert!(lc.circles.is_empty() && lc.level.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LifeCircles {
    /// The 5-, 10- and 15-minute circles, in order.
    pub circles: Vec<Circle>,
    /// Per building, the index in `circles` of the smallest circle it is
    /// covered at, or [`NONE`].
    pub level: Vec<u8>,
}

impl LifeCircles {
    /// Whether building `b` is covered at circle `ci` (an index in
    /// `circles`): that circle or a smaller one is complete for it.
    ///
    /// ```
    /// use linli::coverage::circles::{LifeCircles, NONE};
    /// let lc = LifeCircles { circles: vec![], level: vec![0, 2, NONE] };
    /// assert!(lc.covers(0, 1) && lc.covers(0, 2));
    /// assert!(!lc.covers(1, 1) && lc.covers(1, 2));
    /// assert!(!lc.covers(2, 2));
    /// ```
    pub fn covers(&self, b: usize, ci: usize) -> bool {
        self.level
            .get(b)
            .is_some_and(|&l| l != NONE && usize::from(l) <= ci)
    }

    /// Whether any circle up to `ci` has a kind that counts (else nothing
    /// is measured there: status `no facility`).
    ///
    /// ```
    /// let lc = linli::coverage::circles::LifeCircles::default();
    /// assert!(!lc.measured(0));
    /// ```
    pub fn measured(&self, ci: usize) -> bool {
        self.circles
            .iter()
            .take(ci + 1)
            .any(|c| !c.kinds.is_empty())
    }

    /// The minutes of building `b`'s smallest circle, if any.
    ///
    /// ```
    /// use linli::coverage::circles::{Circle, LifeCircles};
    /// let c = |m| Circle { minutes: m, metres: 0.0, kinds: vec![], kind_index: vec![], without_facility: vec![] };
    /// let lc = LifeCircles { circles: vec![c(5), c(10), c(15)], level: vec![1] };
    /// assert_eq!(lc.minutes_of(0), Some(10));
    /// ```
    pub fn minutes_of(&self, b: usize) -> Option<u32> {
        let l = *self.level.get(b)?;
        self.circles.get(usize::from(l)).map(|c| c.minutes)
    }
}

/// The circles of `standards` measured on `kinds`, and each building's
/// smallest circle (`on[b]`: building `b` is on the network).
///
/// ```
/// use linli::config::{Threshold, standards::Standards};
/// use linli::coverage::{KindCoverage, circles::life_circles};
/// let k = |kind: &str, m: f64, metres: Vec<f64>| KindCoverage { kind: kind.into(),
///     threshold: Threshold::Metres(m), threshold_m: m, facilities: vec![0], metres, nearest: vec![] };
/// // Building 0 has a kindergarten at 200 m and a market at 450 m; building 1 only the market.
/// let kinds = [k("kindergarten", 300.0, vec![200.0, 900.0]), k("market", 500.0, vec![450.0, 480.0])];
/// let lc = life_circles(&kinds, &Standards::builtin(), &[true, true]);
/// assert_eq!(lc.circles[0].kinds, vec!["kindergarten"]);
/// assert_eq!(lc.minutes_of(0), Some(5));
/// assert_eq!(lc.minutes_of(1), Some(10));
/// assert!(lc.covers(0, 2)); // covered at 5, so at 10 and 15 too
/// ```
pub fn life_circles(kinds: &[KindCoverage], standards: &Standards, on: &[bool]) -> LifeCircles {
    let circles: Vec<Circle> = CIRCLES
        .iter()
        .map(|&minutes| circle(kinds, standards, minutes))
        .collect();
    let level = (0..on.len())
        .map(|b| {
            if !on[b] {
                return NONE;
            }
            circles
                .iter()
                .position(|c| complete(kinds, c, b))
                .map_or(NONE, |i| i as u8)
        })
        .collect();
    LifeCircles { circles, level }
}

/// Whether circle `c` is complete for building `b`: it has a kind that
/// counts, and each is within its limit.
fn complete(kinds: &[KindCoverage], c: &Circle, b: usize) -> bool {
    !c.kind_index.is_empty() && c.kind_index.iter().all(|&k| kinds[k].covers(b))
}

/// Circle `minutes` of the profile, on the kinds measured.
fn circle(kinds: &[KindCoverage], standards: &Standards, minutes: u32) -> Circle {
    let (mut counted, mut without) = (Vec::new(), Vec::new());
    for name in standards.kinds_of(minutes) {
        match kinds
            .iter()
            .position(|k| k.kind == name && !k.facilities.is_empty())
        {
            Some(i) => counted.push((name, i)),
            None => without.push(name),
        }
    }
    let (kinds, kind_index) = counted.into_iter().unzip();
    Circle {
        minutes,
        metres: standards.circles.get(&minutes).copied().unwrap_or(0.0),
        kinds,
        kind_index,
        without_facility: without,
    }
}

/// Households covered at each circle per group: `members` lists
/// (building, group) pairs, `on[b]` whether building `b` is on the
/// network; the result has one entry per circle for each of `groups`.
///
/// ```
/// use linli::coverage::circles::{LifeCircles, NONE, tally};
/// let lc = LifeCircles { circles: vec![], level: vec![0, 1, NONE] };
/// let t = tally(&lc, &[10, 20, 30], &[true, true, true], [(0, 0), (1, 0), (2, 0)].into_iter(), 1, 3);
/// assert_eq!(t[0], vec![10, 30, 30]);
/// ```
pub fn tally(
    lc: &LifeCircles,
    households: &[u32],
    on: &[bool],
    members: impl Iterator<Item = (usize, usize)>,
    groups: usize,
    circles: usize,
) -> Vec<Vec<u64>> {
    let mut out = vec![vec![0u64; circles]; groups];
    for (b, g) in members {
        let l = lc.level.get(b).copied().unwrap_or(NONE);
        if !on[b] || l == NONE {
            continue;
        }
        for c in out[g].iter_mut().skip(usize::from(l)) {
            *c += u64::from(households[b]);
        }
    }
    out
}

/// One group's households at one circle, as coverage_summary.json gives
/// them under `life_circles` ([`summary`] makes them).
///
/// ```
/// use linli::coverage::{Share, circles::CircleShare};
/// let c = CircleShare { id: "C1".into(), share: Share::new(200, 50, true), by_kind: Default::default() };
/// let j = serde_json::to_value(&c).unwrap();
/// assert_eq!((j["covered"].as_u64(), j["share"].as_f64()), (Some(50), Some(0.25)));
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CircleShare {
    /// The group's id (`all` for everything).
    pub id: String,
    /// Households on the network, their households covered at the circle
    /// (it or a smaller one complete), the share and its status.
    #[serde(flatten)]
    pub share: super::Share,
    /// Per kind that counts at the circle: households within its limit.
    pub by_kind: std::collections::BTreeMap<String, super::Share>,
}

/// One circle in coverage_summary.json ([`summary`] makes them; its
/// example reads one).
///
/// ```
/// let s = linli::coverage::circles::summary(&Default::default(), [&[], &[], &[], &[]]);
/// assert!(s.is_empty()); // no circles described, none summarised
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CircleSummary {
    /// Its minutes.
    pub minutes: u32,
    /// Its walking distance, metres.
    pub metres: f64,
    /// The kinds that count (the profile's kinds of the circle with a
    /// facility on the network).
    pub kinds: Vec<String>,
    /// The profile's kinds of the circle without a facility.
    pub kinds_without_facility: Vec<String>,
    /// Every building inside a community.
    pub overall: CircleShare,
    /// Per community.
    pub communities: Vec<CircleShare>,
    /// Per street.
    pub streets: Vec<CircleShare>,
    /// Per neighborhood (when neighborhoods were given).
    pub neighborhoods: Vec<CircleShare>,
}

/// The groups a summary reports on: overall, communities, streets,
/// neighborhoods.
pub type GroupSets<'a> = [&'a [super::GroupCoverage]; 4];

/// The `life_circles` of coverage_summary.json: per circle (keyed by its
/// minutes) the kinds that count and the households covered per group
/// (`groups`: overall, communities, streets, neighborhoods, each counted
/// with its `circles`).
///
/// ```
/// use linli::coverage::{GroupCoverage, circles::{Circle, LifeCircles, summary}};
/// let c = |m| Circle { minutes: m, metres: 0.0, kinds: vec!["k".into()], kind_index: vec![0], without_facility: vec![] };
/// let lc = LifeCircles { circles: vec![c(5), c(10), c(15)], level: vec![] };
/// let all = GroupCoverage { id: "all".into(), households: 10, circles: vec![2, 5, 5], ..Default::default() };
/// let s = summary(&lc, [std::slice::from_ref(&all), &[], &[], &[]]);
/// assert_eq!(s["10"].overall.share.share, Some(0.5));
/// ```
pub fn summary(
    lc: &LifeCircles,
    groups: GroupSets,
) -> std::collections::BTreeMap<String, CircleSummary> {
    let [overall, communities, streets, neighborhoods] = groups;
    lc.circles
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let at = |gs: &[super::GroupCoverage]| -> Vec<CircleShare> {
                gs.iter().map(|g| circle_share(lc, c, ci, g)).collect()
            };
            let all = at(overall)
                .pop()
                .unwrap_or_else(|| circle_share(lc, c, ci, &super::GroupCoverage::default()));
            let s = CircleSummary {
                minutes: c.minutes,
                metres: c.metres,
                kinds: c.kinds.clone(),
                kinds_without_facility: c.without_facility.clone(),
                overall: all,
                communities: at(communities),
                streets: at(streets),
                neighborhoods: at(neighborhoods),
            };
            (c.minutes.to_string(), s)
        })
        .collect()
}

/// Group `g`'s households at circle `c` (index `ci`).
fn circle_share(lc: &LifeCircles, c: &Circle, ci: usize, g: &super::GroupCoverage) -> CircleShare {
    let covered = g.circles.get(ci).copied().unwrap_or(0);
    CircleShare {
        id: g.id.clone(),
        share: super::Share::new(g.households, covered, lc.measured(ci)),
        by_kind: c
            .kinds
            .iter()
            .filter_map(|k| g.by_kind.get(k).map(|s| (k.clone(), s.clone())))
            .collect(),
    }
}

/// The seeds' "last 500 m", by network distance: per neighborhood, the
/// households farther than the service point's limit from the nearest
/// service point ([`service_point_check`] makes it).
///
/// ```
/// let c = linli::coverage::circles::service_point_check(&[], "neighborhood_office", 500.0);
/// assert_eq!((c.neighborhoods, c.households_beyond), (0, 0));
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ServicePointCheck {
    /// The service point's kind.
    pub kind: String,
    /// Its walking limit, metres.
    pub limit_m: f64,
    /// Neighborhoods checked (those with households on the network).
    pub neighborhoods: usize,
    /// Of those, the ones with every household within the limit.
    pub neighborhoods_within: usize,
    /// The others, with the households beyond the limit.
    pub neighborhoods_beyond: Vec<NeighborhoodBeyond>,
    /// Households beyond the limit in all neighborhoods (an overlap's
    /// households count in each polygon holding them).
    pub households_beyond: u64,
}

/// A neighborhood with households beyond the service point's limit.
///
/// ```
/// use linli::coverage::{GroupCoverage, Share, circles::service_point_check};
/// let mut g = GroupCoverage { id: "N1".into(), households: 90, ..Default::default() };
/// g.by_kind.insert("neighborhood_office".into(), Share::new(90, 60, true));
/// let b = &service_point_check(&[g], "neighborhood_office", 500.0).neighborhoods_beyond[0];
/// assert_eq!((b.id.as_str(), b.households, b.beyond), ("N1", 90, 30));
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NeighborhoodBeyond {
    /// Its id.
    pub id: String,
    /// Its households on the network.
    pub households: u64,
    /// Of those, farther than the limit from every service point.
    pub beyond: u64,
}

/// The service-point check over `neighborhoods` for `kind` (limit
/// `limit_m`), from their shares: a kind without a facility leaves every
/// household beyond.
///
/// ```
/// use linli::coverage::{GroupCoverage, Share, circles::service_point_check};
/// let mut g = GroupCoverage { id: "N1".into(), households: 300, ..Default::default() };
/// g.by_kind.insert("neighborhood_office".into(), Share::new(300, 250, true));
/// let c = service_point_check(&[g], "neighborhood_office", 500.0);
/// assert_eq!((c.neighborhoods_within, c.households_beyond), (0, 50));
/// ```
pub fn service_point_check(
    neighborhoods: &[super::GroupCoverage],
    kind: &str,
    limit_m: f64,
) -> ServicePointCheck {
    let mut check = ServicePointCheck {
        kind: kind.to_string(),
        limit_m,
        neighborhoods: 0,
        neighborhoods_within: 0,
        neighborhoods_beyond: Vec::new(),
        households_beyond: 0,
    };
    for g in neighborhoods.iter().filter(|g| g.households > 0) {
        check.neighborhoods += 1;
        let covered = g.by_kind.get(kind).map_or(0, |s| s.covered);
        let beyond = g.households - covered.min(g.households);
        if beyond == 0 {
            check.neighborhoods_within += 1;
        } else {
            check.households_beyond += beyond;
            check.neighborhoods_beyond.push(NeighborhoodBeyond {
                id: g.id.clone(),
                households: g.households,
                beyond,
            });
        }
    }
    check
}

/// One life circle's coverage per group of buildings, as the report's
/// tables show it: the circle's kinds, and its share the households
/// covered at it (the nesting of [`life_circles`], the same figures as
/// coverage_summary.json's `life_circles`).
///
/// ```
/// use linli::config::{Threshold, standards::Standards};
/// use linli::coverage::{KindCoverage, circles::{life_circles, by_group}};
/// let k = KindCoverage { kind: "day_care".into(), threshold: Threshold::Metres(300.0),
///     threshold_m: 300.0, facilities: vec![0], metres: vec![100.0, 900.0], nearest: vec![0, 0] };
/// let lc = life_circles(std::slice::from_ref(&k), &Standards::builtin(), &[true, true]);
/// let c = by_group(&[k], &lc, (&[10, 30], &[true, true]), &[Some(0), Some(0)], &["A".into()]);
/// assert_eq!(c[0].minutes, 5);
/// assert_eq!(c[0].groups[0].all_kinds.covered, 10);
/// assert_eq!(c[0].overall.households, 40);
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LifeCircle {
    /// 5, 10 or 15.
    pub minutes: u32,
    /// The kinds that count in it (none: the scenario cannot tell it).
    pub kinds: Vec<String>,
    /// Every group's buildings together.
    pub overall: super::GroupCoverage,
    /// Per group, in the order of the ids given.
    pub groups: Vec<super::GroupCoverage>,
}

/// Each circle's coverage per group (`group[b]`, `ids[g]`) and overall:
/// see [`LifeCircle`].
pub fn by_group(
    kinds: &[KindCoverage],
    lc: &LifeCircles,
    (households, on_network): (&[u32], &[bool]),
    group: &[Option<usize>],
    ids: &[String],
) -> Vec<LifeCircle> {
    let all: Vec<Option<usize>> = group.iter().map(|g| g.map(|_| 0)).collect();
    let of = |group: &[Option<usize>], ids: &[String]| {
        let members = super::Members { group, also: &[] };
        super::shares_of(kinds, Some(lc), (households, on_network), members, ids)
    };
    let overall = of(&all, &["all".to_string()]).pop().unwrap_or_default();
    let groups = of(group, ids);
    lc.circles
        .iter()
        .enumerate()
        .map(|(i, c)| LifeCircle {
            minutes: c.minutes,
            kinds: c.kinds.clone(),
            overall: at_circle(&overall, c, i),
            groups: groups.iter().map(|g| at_circle(g, c, i)).collect(),
        })
        .collect()
}

/// A group's coverage seen at circle `i`: its kinds, and `all_kinds` the
/// households covered at the circle.
fn at_circle(g: &super::GroupCoverage, c: &Circle, i: usize) -> super::GroupCoverage {
    let covered = g.circles.get(i).copied().unwrap_or(0);
    let mut out = g.clone();
    out.by_kind.retain(|k, _| c.kinds.contains(k));
    out.all_kinds_of = c.kinds.clone();
    out.all_kinds = super::Share {
        households: g.households,
        covered,
        share: (g.households > 0 && !c.kinds.is_empty())
            .then(|| covered as f64 / g.households as f64),
        status: if c.kinds.is_empty() {
            "no facility"
        } else if g.households == 0 {
            "n/a"
        } else {
            "ok"
        },
    };
    out
}
