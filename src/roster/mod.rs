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
    let community_codes: Vec<String> = scenario
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
        .collect();
    let codes = neighborhood_codes(planned, &community_codes);
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

/// Each neighborhood's code: its community's code and the number of its id
/// (`WDK-01-07` → 007), or, for an id without one (a redraw's new
/// neighborhood), the next number free in its community. A numeric
/// (division) code takes the digits directly, any other a `-` before them.
fn neighborhood_codes(planned: &Planned, community_codes: &[String]) -> Vec<String> {
    let ns = &planned.partition.neighborhoods;
    let number = |id: &str| -> Option<u32> { id.rsplit('-').next()?.parse().ok() };
    let mut used: std::collections::BTreeMap<usize, std::collections::BTreeSet<u32>> =
        Default::default();
    for n in ns {
        if let Some(k) = number(&n.id) {
            used.entry(n.community).or_default().insert(k);
        }
    }
    ns.iter()
        .map(|n| {
            let k = number(&n.id).unwrap_or_else(|| {
                let taken = used.entry(n.community).or_default();
                let k = (1..).find(|k| !taken.contains(k)).unwrap_or(1);
                taken.insert(k);
                k
            });
            let c = &community_codes[n.community];
            if c.chars().all(|ch| ch.is_ascii_digit()) {
                format!("{c}{k:03}")
            } else {
                format!("{c}-{k:03}")
            }
        })
        .collect()
}
