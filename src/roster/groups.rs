//! The levels below a neighborhood: building groups (楼道党小组: one
//! building, or small buildings side by side joined until they hold a
//! stairwell group's households) and contact groups (党员中心户: about
//! [`super::CONTACT_HOUSEHOLDS`] households, a run of one building's
//! households or a few small buildings whole).

use super::Entry;
use crate::model::{Planned, Scenario};

/// Households from which a building is a building group of its own.
const OWN_GROUP: u32 = 30;
/// Small buildings farther apart than this (metres, between centres) are
/// not side by side.
const SIDE_BY_SIDE_M: f64 = 60.0;
/// A building group of small buildings stops growing at this many
/// households.
const GROUP_MAX: u32 = 90;

/// A building group.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildingGroup {
    /// Its code: the neighborhood's and 2 digits.
    pub code: String,
    /// Its neighborhood (index).
    pub neighborhood: usize,
    /// Its buildings (indices), in the order listed.
    pub buildings: Vec<usize>,
    /// Households.
    pub households: u64,
}

/// A contact group: some buildings whole, or part of one building's
/// households (a run of its stairwells).
#[derive(Debug, Clone, PartialEq)]
pub struct ContactGroup {
    /// Its code: the building group's and 2 digits.
    pub code: String,
    /// Its building group (index).
    pub group: usize,
    /// What it holds of each of its buildings.
    pub shares: Vec<Share>,
    /// Households.
    pub households: u64,
}

/// The households of one building a contact group holds: numbers `first`
/// to `first + count − 1` of the building's (numbered from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    /// The building (index).
    pub building: usize,
    /// The first of its households held.
    pub first: u32,
    /// How many.
    pub count: u32,
}

/// Each neighborhood's buildings with households, north-west first (rows of
/// 50 m from the north, west to east within a row).
pub fn members(scenario: &Scenario, planned: &Planned) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); planned.partition.neighborhoods.len()];
    for (b, block) in planned.blocks.blocks.iter().enumerate() {
        let n = planned.partition.block_neighborhood[b];
        if n == usize::MAX {
            continue;
        }
        out[n].extend(
            block
                .buildings
                .iter()
                .copied()
                .filter(|&i| scenario.buildings[i].households > 0),
        );
    }
    for m in &mut out {
        m.sort_by(|&a, &b| {
            let (p, q) = (
                scenario.buildings[a].location,
                scenario.buildings[b].location,
            );
            let row = |y: f64| (-y / 50.0).floor() as i64;
            row(p.y())
                .cmp(&row(q.y()))
                .then(p.x().total_cmp(&q.x()))
                .then(a.cmp(&b))
        });
        m.dedup();
    }
    out
}

/// The building groups and contact groups of every neighborhood
/// (`members`: its buildings with households, in order).
pub fn groups(
    scenario: &Scenario,
    members: &[Vec<usize>],
    neighborhoods: &[Entry],
) -> (Vec<BuildingGroup>, Vec<ContactGroup>) {
    let mut building_groups = Vec::new();
    let mut contact_groups = Vec::new();
    for (n, m) in members.iter().enumerate() {
        for (k, buildings) in building_runs(scenario, m).into_iter().enumerate() {
            let g = building_groups.len();
            let code = format!("{}{:02}", neighborhoods[n].code, k + 1);
            let households = buildings
                .iter()
                .map(|&i| u64::from(scenario.buildings[i].households))
                .sum();
            for (j, shares) in contacts(scenario, &buildings).into_iter().enumerate() {
                contact_groups.push(ContactGroup {
                    code: format!("{code}{:02}", j + 1),
                    group: g,
                    households: shares.iter().map(|s| u64::from(s.count)).sum(),
                    shares,
                });
            }
            building_groups.push(BuildingGroup {
                code,
                neighborhood: n,
                buildings,
                households,
            });
        }
    }
    (building_groups, contact_groups)
}

/// A neighborhood's buildings as building groups: a building of
/// [`OWN_GROUP`] households or more alone; smaller ones with the small
/// ones side by side before them, up to [`GROUP_MAX`] households.
fn building_runs(scenario: &Scenario, members: &[usize]) -> Vec<Vec<usize>> {
    let hh = |i: usize| scenario.buildings[i].households;
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut open: Option<usize> = None;
    for &i in members {
        if hh(i) >= OWN_GROUP {
            out.push(vec![i]);
            continue;
        }
        let near = |j: usize| {
            let (p, q) = (
                scenario.buildings[i].location,
                scenario.buildings[j].location,
            );
            (p.x() - q.x()).hypot(p.y() - q.y()) <= SIDE_BY_SIDE_M
        };
        let joins = open.is_some_and(|g| {
            let sum: u32 = out[g].iter().map(|&j| hh(j)).sum();
            sum + hh(i) <= GROUP_MAX && out[g].iter().any(|&j| near(j))
        });
        match (joins, open) {
            (true, Some(g)) => out[g].push(i),
            _ => {
                open = Some(out.len());
                out.push(vec![i]);
            }
        }
    }
    out
}

/// A building group's contact groups: its households in runs of about
/// [`super::CONTACT_HOUSEHOLDS`], buildings taken in order, a building
/// split between runs only where it alone is larger than one.
fn contacts(scenario: &Scenario, buildings: &[usize]) -> Vec<Vec<Share>> {
    let total: u32 = buildings
        .iter()
        .map(|&i| scenario.buildings[i].households)
        .sum();
    let k = ((f64::from(total) / f64::from(super::CONTACT_HOUSEHOLDS)).round() as u32).max(1);
    // Run r ends after households ⌊total·(r+1)/k⌋, counted through the group.
    let ends: Vec<u32> = (1..=k)
        .map(|r| (u64::from(total) * u64::from(r) / u64::from(k)) as u32)
        .collect();
    let mut runs: Vec<Vec<Share>> = vec![Vec::new(); k as usize];
    let mut before = 0u32;
    for &i in buildings {
        let h = scenario.buildings[i].households;
        let mut done = 0;
        while done < h {
            let at = before + done;
            let r = ends.iter().position(|&e| at < e).unwrap_or(ends.len() - 1);
            let count = (ends[r] - at).min(h - done);
            // Small buildings stay whole: a run takes the rest of one it
            // starts unless the building alone is larger than a run.
            let count = if h < super::CONTACT_HOUSEHOLDS && done == 0 {
                h
            } else {
                count
            };
            runs[r].push(Share {
                building: i,
                first: done + 1,
                count,
            });
            done += count;
        }
        before += h;
    }
    runs.retain(|r| !r.is_empty());
    runs
}

/// Where each building sits: its neighborhood, building group, contact
/// groups.
pub fn places(
    scenario: &Scenario,
    planned: &Planned,
    building_groups: &[BuildingGroup],
    contact_groups: &[ContactGroup],
) -> Vec<Option<super::Place>> {
    let mut out: Vec<Option<super::Place>> = vec![None; scenario.buildings.len()];
    for (b, block) in planned.blocks.blocks.iter().enumerate() {
        let n = planned.partition.block_neighborhood[b];
        if n == usize::MAX {
            continue;
        }
        for &i in &block.buildings {
            out[i].get_or_insert(super::Place {
                neighborhood: n,
                group: None,
                contacts: Vec::new(),
            });
        }
    }
    for (g, bg) in building_groups.iter().enumerate() {
        for &i in &bg.buildings {
            if let Some(p) = out[i].as_mut() {
                p.group = Some(g);
            }
        }
    }
    for (c, cg) in contact_groups.iter().enumerate() {
        for s in &cg.shares {
            if let Some(p) = out[s.building].as_mut() {
                p.contacts.push(c);
            }
        }
    }
    out
}
