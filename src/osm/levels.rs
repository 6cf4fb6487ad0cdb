//! Which admin level, if any, holds the extract's communities: each level
//! is judged by its units' area (the whole unit's where its rings are all
//! in the extract) and their households (the whole unit's, scaled from the
//! part inside by area), and how many of the extract's households they
//! hold; the finest level that looks like communities is taken, its units
//! too large for one community are split along roads, and a level of
//! units larger than communities (towns, districts, provinces) is never
//! taken: communities are then derived from the road network.

use super::assemble::NodeIndex;
use super::communities::{Derive, Split, Unit, admin_area, admin_level, network, settle, tile};
use super::context::{Places, locate};
use super::homes::Home;
use super::pbf::{Relation, Way};
use crate::config::OsmSettings;
use geo::{Area, Contains, Coord, MultiPolygon, Point, Rect};
use std::collections::{BTreeMap, HashMap};

/// A level whose units are larger than this at the median, km², is not a
/// community level: a community (社区/村, 里, a commune's quarter) covers
/// about 1–15 km² in a city.
pub const COMMUNITY_KM2: f64 = 15.0;

/// No community is larger than this, km²: admin units above it are split
/// along roads, and derived communities are not merged beyond it (rural
/// village communities reach it; larger units are townships and towns).
pub const MAX_COMMUNITY_KM2: f64 = 30.0;

/// A level whose units are larger than this at the median, km², is a
/// district or larger (区/县, a département, a province).
pub const DISTRICT_KM2: f64 = 100.0;

/// A community that has less than this share of its whole area in the
/// extract is named in a warning: its households are only the part inside.
pub const MOSTLY_OUTSIDE: f64 = 0.5;

/// What communities are chosen from.
pub struct CommunityInput<'a> {
    /// Admin boundary relations (every level).
    pub admin: &'a [&'a Relation],
    /// Ways by id.
    pub ways: &'a HashMap<i64, &'a Way>,
    /// Node positions.
    pub nodes: &'a NodeIndex,
    /// The extract's extent.
    pub rect: &'a Rect<f64>,
    /// Named places.
    pub places: &'a Places,
    /// Buildings with their households.
    pub homes: &'a [Home<'a>],
    /// All ways (for the major and minor road networks).
    pub data_ways: &'a [Way],
    /// Sizes.
    pub settings: &'a OsmSettings,
    /// The admin level asked for, if any.
    pub level: Option<u8>,
}

/// One admin level as the level test saw it.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct LevelTried {
    /// The `admin_level`.
    pub admin_level: u8,
    /// Units of it built in the extract.
    pub units: usize,
    /// Those holding homes.
    pub with_homes: usize,
    /// Households of a unit with homes at the median, the whole unit's
    /// (scaled from the part inside by area where the whole is known).
    pub median_households: u64,
    /// Area of a unit with homes at the median, km² (the whole unit's
    /// where known, else the part inside the extract).
    pub median_km2: f64,
    /// The largest unit with homes, km².
    pub largest_km2: f64,
    /// Share of the extract's households inside its units.
    pub households_share: f64,
    /// Whether its units were taken as communities.
    pub taken: bool,
    /// Why, in words.
    pub why: String,
}

/// What the level test knows of one unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitSize {
    /// Households estimated inside the extract.
    pub households: u64,
    /// Its area inside the extract, m².
    pub inside: f64,
    /// The whole unit's area, m², when known.
    pub whole: Option<f64>,
}

impl UnitSize {
    /// The whole unit's households: the part inside's, scaled by area
    /// where the whole is known (a lower bound otherwise).
    fn households_whole(&self) -> u64 {
        match self.whole {
            Some(w) if self.inside > 0.0 && w > self.inside => {
                (self.households as f64 * w / self.inside).round() as u64
            }
            _ => self.households,
        }
    }

    fn km2(&self) -> f64 {
        self.whole.unwrap_or(self.inside) / 1e6
    }
}

fn median<T: Copy + PartialOrd>(mut v: Vec<T>) -> Option<T> {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v.get(v.len() / 2).copied()
}

/// Judges one admin level: its units look like communities when they
/// hold at least half the extract's `total` households, are at most
/// [`COMMUNITY_KM2`] at the median and hold, at the median, a community's
/// households (`settings.admin_min_households`–`admin_max_households`).
///
/// ```
/// use linli::osm::levels::{judge, UnitSize};
/// let s = linli::config::OsmSettings::default();
/// let quarter = UnitSize { households: 2_000, inside: 1.5e6, whole: Some(1.5e6) };
/// assert!(judge(10, &[quarter; 6], 12_000, &s).taken);
/// // Two provinces, each with a sliver of the extract inside: never communities.
/// let province = UnitSize { households: 6_000, inside: 3e6, whole: Some(12_000e6) };
/// let t = judge(6, &[province; 2], 12_000, &s);
/// assert!(!t.taken && t.why.contains("district"), "{}", t.why);
/// ```
pub fn judge(level: u8, sizes: &[UnitSize], total: u64, s: &OsmSettings) -> LevelTried {
    let lived: Vec<&UnitSize> = sizes.iter().filter(|u| u.households > 0).collect();
    let inside: u64 = sizes.iter().map(|u| u.households).sum();
    let share = if total > 0 {
        inside as f64 / total as f64
    } else {
        0.0
    };
    let median_households = median(lived.iter().map(|u| u.households_whole()).collect());
    let median_km2 = median(lived.iter().map(|u| u.km2()).collect()).unwrap_or(0.0);
    let largest_km2 = lived.iter().map(|u| u.km2()).fold(0.0, f64::max);
    let mut t = LevelTried {
        admin_level: level,
        units: sizes.len(),
        with_homes: lived.len(),
        median_households: median_households.unwrap_or(0),
        median_km2: (median_km2 * 100.0).round() / 100.0,
        largest_km2: (largest_km2 * 100.0).round() / 100.0,
        households_share: (share * 1000.0).round() / 1000.0,
        taken: false,
        why: String::new(),
    };
    let (lo, hi) = (
        u64::from(s.admin_min_households),
        u64::from(s.admin_max_households),
    );
    let mh = t.median_households;
    t.why = if lived.is_empty() {
        "no unit of it holds a home".into()
    } else if share < 0.5 {
        format!(
            "its units hold {:.0}% of the extract's households (at least half are needed)",
            share * 100.0
        )
    } else if median_km2 > DISTRICT_KM2 {
        format!(
            "its units cover {median_km2:.0} km² at the median: a district or larger, never a community (at most {COMMUNITY_KM2:.0} km²)"
        )
    } else if median_km2 > COMMUNITY_KM2 {
        format!(
            "its units cover {median_km2:.1} km² at the median: larger than a community (at most {COMMUNITY_KM2:.0} km²)"
        )
    } else if mh > hi {
        format!(
            "its units hold ~{mh} households at the median: more than a community (at most {hi})"
        )
    } else if mh < lo {
        format!(
            "its units hold ~{mh} households at the median: fewer than a community (at least {lo})"
        )
    } else {
        t.taken = true;
        format!(
            "units of {median_km2:.1} km² and ~{mh} households at the median, holding {:.0}% of the households: taken as communities",
            share * 100.0
        )
    };
    t
}

/// The communities chosen and why.
#[derive(Debug, Clone, Default)]
pub struct Picked {
    /// Communities, tiling the extract.
    pub units: Vec<Unit>,
    /// The admin level used, if any.
    pub level: Option<u8>,
    /// Admin relations in the extract per level.
    pub levels_seen: BTreeMap<u8, usize>,
    /// Each level judged, finest first, and why it was or was not taken.
    pub levels: Vec<LevelTried>,
    /// What was decided, in words.
    pub warnings: Vec<String>,
}

/// The units of one admin level in the extract, settled so that no two
/// claim the same land.
fn level_units(inp: &CommunityInput, level: u8) -> Vec<Unit> {
    let mut cands = Vec::new();
    for r in inp
        .admin
        .iter()
        .filter(|r| admin_level(&r.tags) == Some(level))
    {
        let name = r.tags.get("name").cloned();
        let mut hints: Vec<Coord<f64>> = r
            .members
            .iter()
            .filter(|m| !m.is_way && matches!(m.role.as_str(), "label" | "admin_centre"))
            .filter_map(|m| inp.nodes.get(&m.id).copied())
            .collect();
        if let Some(n) = &name {
            hints.extend(inp.places.called(n));
        }
        let Some(a) = admin_area(r, inp.ways, inp.nodes, inp.rect, &hints) else {
            continue;
        };
        cands.push((
            Unit {
                id: format!("r{}", r.id),
                name,
                name_zh: r.tags.get("name:zh").cloned(),
                admin_level: Some(level),
                source: if a.clipped { "admin_clipped" } else { "admin" },
                area: MultiPolygon(vec![]),
                whole_area: a.whole_m2,
                relation: Some(format!("r{}", r.id)),
                code: r.tags.get("ref").cloned(),
                properties: Default::default(),
            },
            a.sides,
        ));
    }
    settle(cands)
}

/// Households estimated inside each unit.
fn households_in(units: &[Unit], homes: &[Home]) -> Vec<u64> {
    let areas: Vec<MultiPolygon<f64>> = units.iter().map(|u| u.area.clone()).collect();
    let pts: Vec<Coord<f64>> = homes.iter().map(|h| h.centroid).collect();
    let mut hh = vec![0u64; units.len()];
    for (h, u) in homes.iter().zip(locate(&areas, &pts)) {
        if let Some(u) = u {
            hh[u] += u64::from(h.estimate.households);
        }
    }
    hh
}

/// Chooses the communities (see the module documentation).
pub fn pick(inp: &CommunityInput) -> Picked {
    let mut out = Picked::default();
    for r in inp.admin {
        if let Some(l) = admin_level(&r.tags) {
            *out.levels_seen.entry(l).or_insert(0) += 1;
        }
    }
    let s = inp.settings;
    let units = match inp.level {
        Some(l) => asked_level(inp, l, &mut out),
        None => finest_community_level(inp, &mut out),
    };
    out.warnings.extend(mostly_outside(&units));
    let major = network(inp.data_ways, inp.nodes, inp.rect, true);
    let minor = network(inp.data_ways, inp.nodes, inp.rect, false);
    let pts: Vec<(Coord<f64>, u32)> = inp
        .homes
        .iter()
        .map(|h| (h.centroid, h.estimate.households))
        .collect();
    let d = Derive {
        major: &major,
        minor: &minor,
        homes: &pts,
        min_households: u64::from(s.community_min_households),
        max_households: u64::from(s.community_max_households),
        max_area: MAX_COMMUNITY_KM2 * 1e6,
    };
    // One tiling of the extract: admin units (split when far above a
    // community's size, if chosen automatically) and derived communities.
    let split = inp.level.is_none().then_some(Split {
        households: u64::from(s.admin_max_households),
        area: MAX_COMMUNITY_KM2 * 1e6,
    });
    let mut kept = tile(units, inp.rect, &d, split);
    let n = name_derived(&mut kept, inp.places);
    if n > 0 {
        out.warnings.push(format!(
            "{n} communities derived from the major-road network where no admin boundary was taken"
        ));
    }
    kept.sort_by(|a, b| a.id.cmp(&b.id));
    out.units = kept;
    out
}

/// The units whose whole area is mostly outside the extract, named in a
/// warning (none when there are none).
fn mostly_outside(units: &[Unit]) -> Option<String> {
    let named: Vec<String> = units
        .iter()
        .filter_map(|u| {
            let whole = u.whole_area.filter(|w| *w > 0.0)?;
            let share = u.area.unsigned_area() / whole;
            (share < MOSTLY_OUTSIDE).then(|| {
                format!(
                    "{} ({:.0}% inside)",
                    u.name.clone().unwrap_or_else(|| u.id.clone()),
                    share * 100.0
                )
            })
        })
        .collect();
    (!named.is_empty()).then(|| {
        format!(
            "{} communities lie mostly outside the extract's area: {}; their households are those of the part inside",
            named.len(),
            named.join(", ")
        )
    })
}

/// The units of the admin level asked for (none, with a warning, when
/// none can be built).
fn asked_level(inp: &CommunityInput, l: u8, out: &mut Picked) -> Vec<Unit> {
    let units = level_units(inp, l);
    if units.is_empty() {
        out.warnings.push(format!(
            "no admin_level={l} boundary could be built in the extract ({} relations at that level): communities are derived from the road network",
            out.levels_seen.get(&l).copied().unwrap_or(0)
        ));
    } else {
        out.level = Some(l);
    }
    units
}

/// The units of the finest admin level that looks like communities
/// ([`judge`]); each level tried is reported, and when none is taken,
/// why communities are derived from roads instead.
fn finest_community_level(inp: &CommunityInput, out: &mut Picked) -> Vec<Unit> {
    let total: u64 = inp
        .homes
        .iter()
        .map(|h| u64::from(h.estimate.households))
        .sum();
    let levels: Vec<u8> = out.levels_seen.keys().rev().copied().collect();
    for l in levels {
        let us = level_units(inp, l);
        if us.is_empty() {
            continue;
        }
        let sizes: Vec<UnitSize> = households_in(&us, inp.homes)
            .into_iter()
            .zip(&us)
            .map(|(households, u)| UnitSize {
                households,
                inside: u.area.unsigned_area(),
                whole: u.whole_area,
            })
            .collect();
        let t = judge(l, &sizes, total, inp.settings);
        let taken = t.taken;
        out.levels.push(t);
        if taken {
            out.level = Some(l);
            return us;
        }
    }
    if !out.levels.is_empty() {
        out.warnings.push(
            "no admin level looks like communities here: communities are derived from the road network".into(),
        );
    }
    Vec::new()
}

/// Names each derived community after the first (by name) suburb,
/// quarter, neighbourhood, village, hamlet or town inside it; returns how
/// many communities are derived.
fn name_derived(units: &mut [Unit], places: &Places) -> usize {
    let mut n = 0;
    for u in units.iter_mut().filter(|u| u.source == "derived") {
        n += 1;
        u.name = places
            .named
            .iter()
            .filter(|(_, p, c)| {
                matches!(
                    p.as_str(),
                    "suburb" | "quarter" | "neighbourhood" | "village" | "hamlet" | "town"
                ) && u.area.contains(&Point(*c))
            })
            .map(|(nm, _, _)| nm.clone())
            .min();
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_of_towns_is_not_taken_even_with_few_homes_inside() {
        let s = OsmSettings::default();
        // Andorra's parishes: whole, 12–125 km², a few hundred households mapped.
        let parish = |km2: f64, h| UnitSize {
            households: h,
            inside: km2 * 1e6,
            whole: Some(km2 * 1e6),
        };
        let sizes = [parish(12.0, 900), parish(74.0, 600), parish(61.0, 700)];
        let t = judge(7, &sizes, 2_200, &s);
        assert!(!t.taken);
        assert!(t.why.contains("larger than a community"), "{}", t.why);
        // Quarters of a city, the last cut by the extract: taken.
        let q = |h| UnitSize {
            households: h,
            inside: 1e6,
            whole: Some(2e6),
        };
        let t = judge(10, &[q(1_000), q(1_500), q(2_000)], 4_500, &s);
        assert!(t.taken, "{}", t.why);
        assert_eq!(t.median_households, 3_000);
    }

    #[test]
    fn a_level_holding_few_of_the_households_is_not_taken() {
        let s = OsmSettings::default();
        let u = UnitSize {
            households: 1_000,
            inside: 1e6,
            whole: None,
        };
        let t = judge(9, &[u], 10_000, &s);
        assert!(!t.taken && t.why.contains("10%"), "{}", t.why);
    }
}
