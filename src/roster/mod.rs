//! The roster (台账) a plan is adopted with: a code and a name for every
//! neighborhood, and the levels below it that the seeds' party-group chain
//! runs on (邻里党支部 → 楼道党小组 → 党员中心户): building groups (one
//! building, or a few small ones side by side) and contact groups of about
//! 30 households (a run of stairwells of one building, or a few small
//! buildings).
//!
//! Codes extend China's statistical division codes: a community's 12-digit
//! code (its `code` property; else its id) + 3 digits for the
//! neighborhood + 2 for the building group + 2 for the contact group.
//! Numbers follow the neighborhoods' ids (numbered north-west first), so
//! the same input gives the same codes, and a redrawn neighborhood that
//! keeps its id keeps its code.

pub mod groups;
pub mod names;

use crate::model::{Planned, Scenario};
pub use groups::{BuildingGroup, ContactGroup, Share};

/// The columns of roster.csv, one row per building (`write::roster`
/// writes them; `linli diff` reads a plan's buildings by them).
///
/// ```
/// assert_eq!(linli::roster::BUILDING_COLUMNS[7], "户数");
/// ```
pub const BUILDING_COLUMNS: [&str; 11] = [
    "街道",
    "社区",
    "社区编码",
    "邻里编码",
    "邻里名称",
    "楼栋编号",
    "楼栋名称",
    "户数",
    "楼栋组编码",
    "联系组编码",
    "用途",
];

/// Households a contact group holds (the seeds: a key party member keeps
/// contact with about 30 households).
pub const CONTACT_HOUSEHOLDS: u32 = 30;

/// A neighborhood in the roster.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Its code: the community's code and 3 digits.
    pub code: String,
    /// Its name (from what anchors it: the compound, the roads, the community).
    pub name: String,
}

/// A plan's roster: codes and names, and the levels below neighborhoods.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    /// Each community's code (its division code, else its id).
    pub community_codes: Vec<String>,
    /// Each neighborhood's code and name, in the partition's order.
    pub neighborhoods: Vec<Entry>,
    /// Every building group, neighborhood by neighborhood.
    pub building_groups: Vec<BuildingGroup>,
    /// Every contact group, building group by building group.
    pub contact_groups: Vec<ContactGroup>,
    /// Each building's neighborhood, building group and contact groups
    /// (`None`: outside every neighborhood).
    pub of_building: Vec<Option<Place>>,
}

/// Where a building sits in the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// Its neighborhood (index).
    pub neighborhood: usize,
    /// Its building group (index; `None` for a building without households).
    pub group: Option<usize>,
    /// Its contact groups (indices; several for a large building).
    pub contacts: Vec<usize>,
}

/// The roster of a plan.
///
/// ```
/// let loaded = linli::pipeline::load(&linli::demo::files(), &Default::default()).unwrap();
/// let planned = linli::pipeline::neighborhoods(&loaded, 1).unwrap();
/// let r = linli::roster::build(&loaded.scenario, &planned, None);
/// assert_eq!(r.neighborhoods[0].code, "WDK-01-001");
/// let households: u64 = r.contact_groups.iter().map(|c| c.households).sum();
/// let planned_households: u64 = planned.partition.neighborhoods.iter().map(|n| n.households).sum();
/// assert_eq!(households, planned_households);
/// ```
pub fn build(scenario: &Scenario, planned: &Planned, template: Option<&str>) -> Roster {
    build_keeping(scenario, planned, template, &[])
}

/// [`build`] keeping the codes `given` (by neighborhood; `None` or
/// missing: made as `build` makes them): a grid's own codes, for the
/// neighborhoods a redraw or a lock keeps.
///
/// ```
/// let loaded = linli::pipeline::load(&linli::demo::files(), &Default::default()).unwrap();
/// let planned = linli::pipeline::neighborhoods(&loaded, 1).unwrap();
/// let r = linli::roster::build_keeping(&loaded.scenario, &planned, None, &[None, Some("X-9".into())]);
/// assert_eq!(r.neighborhoods[1].code, "X-9");
/// assert_eq!(r.neighborhoods[0].code, "WDK-01-001");
/// ```
pub fn build_keeping(
    scenario: &Scenario,
    planned: &Planned,
    template: Option<&str>,
    given: &[Option<String>],
) -> Roster {
    let community_codes = community_codes(scenario);
    let codes = neighborhood_codes(planned, &community_codes, given);
    let names = names::names(scenario, planned, template, &codes);
    let neighborhoods = codes
        .into_iter()
        .zip(names)
        .map(|(code, name)| Entry { code, name })
        .collect::<Vec<_>>();
    let members = groups::members(scenario, planned);
    let (building_groups, contact_groups) = groups::groups(scenario, &members, &neighborhoods);
    let of_building = groups::places(scenario, planned, &building_groups, &contact_groups);
    Roster {
        community_codes,
        neighborhoods,
        building_groups,
        contact_groups,
        of_building,
    }
}

/// Each community's code in the roster: its division code (`code`), else
/// its id.
///
/// ```
/// let loaded = linli::pipeline::load(&linli::demo::files(), &Default::default()).unwrap();
/// let codes = linli::roster::community_codes(&loaded.scenario);
/// assert_eq!(codes.len(), loaded.scenario.communities.len());
/// assert_eq!(codes[0], "WDK-01");
/// ```
pub fn community_codes(scenario: &Scenario) -> Vec<String> {
    scenario
        .communities
        .iter()
        .enumerate()
        .map(|(c, com)| {
            scenario
                .labels
                .community_codes
                .get(c)
                .cloned()
                .flatten()
                .filter(|code| !code.is_empty())
                .unwrap_or_else(|| com.id.clone())
        })
        .collect()
}

/// Each neighborhood's code: the one `given` (a grid's own code, kept by a
/// redraw and a lock), else its community's code and the number of its id
/// (`WDK-01-07` → 007; a letter counts from A = 1: `WDK-01-C` → 003), or,
/// for an id without one or a number taken, the next number free in its
/// community. A numeric (division) code takes the digits directly, any
/// other a `-` before them.
fn neighborhood_codes(
    planned: &Planned,
    community_codes: &[String],
    given: &[Option<String>],
) -> Vec<String> {
    use std::collections::{BTreeMap, BTreeSet};
    let ns = &planned.partition.neighborhoods;
    let compose = |c: usize, k: u32| {
        let cc = &community_codes[c];
        if cc.chars().all(|ch| ch.is_ascii_digit()) {
            format!("{cc}{k:03}")
        } else {
            format!("{cc}-{k:03}")
        }
    };
    let given_of = |n: usize| given.get(n).cloned().flatten();
    let mut taken: BTreeSet<String> = (0..ns.len()).filter_map(given_of).collect();
    let mut used: BTreeMap<usize, BTreeSet<u32>> = BTreeMap::new();
    let mut out = Vec::with_capacity(ns.len());
    for (i, n) in ns.iter().enumerate() {
        if let Some(code) = given_of(i) {
            out.push(code);
            continue;
        }
        let own = id_number(&n.id).filter(|&k| !taken.contains(&compose(n.community, k)));
        let free = used.entry(n.community).or_default();
        let k = own.filter(|k| !free.contains(k)).unwrap_or_else(|| {
            (1..)
                .find(|&k| !free.contains(&k) && !taken.contains(&compose(n.community, k)))
                .unwrap_or(1)
        });
        free.insert(k);
        let code = compose(n.community, k);
        taken.insert(code.clone());
        out.push(code);
    }
    out
}

/// The grid's own codes of the neighborhoods carrying a grid polygon's id
/// in `planned` when `kept(n)` says the neighborhood keeps it (a lock, a
/// redraw): the codes to keep ([`build_keeping`]).
///
/// ```
/// let loaded = linli::pipeline::load(&linli::demo::files(), &Default::default()).unwrap();
/// let planned = linli::pipeline::neighborhoods(&loaded, 1).unwrap();
/// let given = linli::roster::grid_codes(&loaded.scenario, &planned, |_| true);
/// assert!(given.iter().all(Option::is_none)); // the demo grid has no codes
/// ```
pub fn grid_codes(
    scenario: &Scenario,
    planned: &Planned,
    kept: impl Fn(usize) -> bool,
) -> Vec<Option<String>> {
    planned
        .partition
        .neighborhoods
        .iter()
        .enumerate()
        .map(|(k, n)| {
            kept(k)
                .then(|| scenario.labels.grid_codes.get(&n.id).cloned())
                .flatten()
        })
        .collect()
}

/// The number an id ends with: digits, or one letter (A = 1).
///
/// ```
/// use linli::roster::id_number;
/// assert_eq!(id_number("WDK-01-07"), Some(7));
/// assert_eq!(id_number("WDK-01-C"), Some(3));
/// assert_eq!(id_number("WDK-01-new01"), None);
/// ```
pub fn id_number(id: &str) -> Option<u32> {
    let last = id.rsplit('-').next()?;
    if let Ok(k) = last.parse::<u32>() {
        return Some(k);
    }
    match last.as_bytes() {
        [c] if c.is_ascii_alphabetic() => Some(u32::from(c.to_ascii_uppercase() - b'A') + 1),
        _ => None,
    }
}
