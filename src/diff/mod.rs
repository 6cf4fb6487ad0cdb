//! Two plans of one scenario compared (`linli diff A B`): the buildings
//! and households that changed neighborhood, per community.
//!
//! Each side is a [`Side`]: buildings (by id) with the neighborhoods
//! holding them, read from a plan's `roster.csv` or laid by location on a
//! grid (`side`). Neighborhoods of the two sides are matched one-to-one by
//! the households they share, largest first (the rule `linli redraw`
//! scores itself by), so a neighborhood renumbered or renamed but holding
//! the same homes is not a change. A building *changed neighborhood* when
//! it is in a neighborhood on both sides and none of its B neighborhoods is
//! matched with one of its A neighborhoods; a building in a neighborhood on
//! one side only (a gap of a hand-drawn grid, say) is reported apart.
//!
//! [`compare`] is a pure function of the two sides: the same sides give
//! the same [`Diff`], in the same order.

pub mod side;

use crate::error::Problem;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A community as a side names it.
///
/// ```
/// let c = linli::diff::Community { code: "320602001001".into(), name: "和平桥社区".into() };
/// assert_eq!(c.code.len(), 12);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Community {
    /// Its code in the roster (division code, else id): the key.
    pub code: String,
    /// Its name.
    pub name: String,
}

/// A neighborhood of one side.
///
/// ```
/// let n = linli::diff::Neighborhood { code: "WDK-01-001".into(), name: "荷清苑一邻里".into(), community: "WDK-01".into() };
/// assert!(n.code.starts_with(&n.community));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighborhood {
    /// Its code (roster code, else the grid's id).
    pub code: String,
    /// Its name (empty when the side has none).
    pub name: String,
    /// The code of the community holding it.
    pub community: String,
}

/// A building of one side.
///
/// ```
/// // In no neighborhood: a gap of a hand-drawn grid.
/// let b = linli::diff::Building { id: "w1".into(), name: String::new(), community: "C".into(), households: 50, neighborhoods: vec![] };
/// assert!(b.neighborhoods.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Building {
    /// The scenario's building id: the key across sides.
    pub id: String,
    /// Its name (empty when none).
    pub name: String,
    /// The code of its community.
    pub community: String,
    /// Its households.
    pub households: u64,
    /// The neighborhoods holding it (indices into [`Side::neighborhoods`],
    /// ascending): one in a plan; none in a grid's gap, several in its
    /// overlaps.
    pub neighborhoods: Vec<usize>,
}

/// One plan (or grid) of a scenario, as plain values.
///
/// ```
/// let text = "社区,社区编码,邻里编码,邻里名称,楼栋编号,楼栋名称,户数\n荷清苑社区,WDK-01,WDK-01-001,,b1,,120\n";
/// let side: linli::diff::Side = linli::diff::side::from_roster("roster.csv", text).unwrap();
/// assert_eq!((side.buildings.len(), side.neighborhoods.len()), (1, 1));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Side {
    /// What it was read from, as messages name it (a folder).
    pub label: String,
    /// Its communities.
    pub communities: Vec<Community>,
    /// Its neighborhoods.
    pub neighborhoods: Vec<Neighborhood>,
    /// Its buildings (ids unique).
    pub buildings: Vec<Building>,
}

/// How a building differs between A and B.
///
/// ```
/// use linli::diff::Change;
/// assert_eq!(serde_json::to_string(&Change::OnlyInA).unwrap(), "\"only_in_a\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// In a neighborhood on both sides, not in the match of its A one.
    Moved,
    /// In a neighborhood in A only (left out of every one in B).
    OnlyInA,
    /// In a neighborhood in B only (in none in A: a gap, or not listed).
    OnlyInB,
}

/// How a neighborhood of B differs from A.
///
/// ```
/// use linli::diff::NeighborhoodChange;
/// assert_eq!(serde_json::to_string(&NeighborhoodChange::Unchanged).unwrap(), "\"unchanged\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NeighborhoodChange {
    /// Matched with an A neighborhood holding the same buildings.
    Unchanged,
    /// Matched with an A neighborhood, but buildings came or went.
    Changed,
    /// Matched with none.
    New,
}

/// A building that differs.
///
/// ```
/// use linli::diff::{compare, side::from_roster, Change};
/// let a = from_roster("a", "社区,社区编码,邻里编码,邻里名称,楼栋编号,楼栋名称,户数\nX,C,N1,,b1,,10\n").unwrap();
/// let b = from_roster("b", "社区,社区编码,邻里编码,邻里名称,楼栋编号,楼栋名称,户数\nX,C,N1,,b1,,10\nX,C,N1,,b2,,20\n").unwrap();
/// let c = &compare(&a, &b).unwrap().buildings[0]; // b2 is in no neighborhood of A
/// assert_eq!((c.id.as_str(), c.change, c.from.len(), c.to.len()), ("b2", Change::OnlyInB, 0, 1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildingChange {
    /// Building id.
    pub id: String,
    /// Its name (A's, else B's).
    pub name: String,
    /// Its community's code.
    pub community: String,
    /// Its households.
    pub households: u64,
    /// Its A neighborhoods (indices into A's).
    pub from: Vec<usize>,
    /// Its B neighborhoods (indices into B's).
    pub to: Vec<usize>,
    /// How it differs.
    pub change: Change,
}

/// The figures of one community (or of all: code `all`).
///
/// ```
/// let c = linli::diff::CommunityDiff { code: "C".into(), households: 300, households_moved: 30, ..Default::default() };
/// assert_eq!(c.households_moved * 10, c.households);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CommunityDiff {
    /// Community code.
    pub code: String,
    /// Community name.
    pub name: String,
    /// Households of its buildings (on either side).
    pub households: u64,
    /// Households that changed neighborhood.
    pub households_moved: u64,
    /// Buildings that changed neighborhood.
    pub buildings_moved: usize,
    /// Households in a neighborhood in A only.
    pub households_only_in_a: u64,
    /// Buildings in a neighborhood in A only.
    pub buildings_only_in_a: usize,
    /// Households in a neighborhood in B only.
    pub households_only_in_b: u64,
    /// Buildings in a neighborhood in B only.
    pub buildings_only_in_b: usize,
    /// Neighborhoods in A.
    pub neighborhoods_a: usize,
    /// Neighborhoods in B.
    pub neighborhoods_b: usize,
    /// B neighborhoods matched with an A one holding the same buildings.
    pub unchanged: usize,
    /// B neighborhoods matched, with buildings come or gone.
    pub changed: usize,
    /// B neighborhoods matched with none.
    pub new: usize,
    /// A neighborhoods matched with none.
    pub removed: usize,
}

/// What changed from A to B.
///
/// ```
/// use linli::diff::{compare, side::from_roster, NeighborhoodChange};
/// let roster = "社区,社区编码,邻里编码,邻里名称,楼栋编号,楼栋名称,户数\nX,C,N1,,b1,,10\nX,C,N2,,b2,,20\n";
/// let a = from_roster("a", roster).unwrap();
/// let b = from_roster("b", &roster.replace("N1", "M1")).unwrap(); // renamed only
/// let d = compare(&a, &b).unwrap();
/// assert_eq!(d.change, [NeighborhoodChange::Unchanged, NeighborhoodChange::Unchanged]);
/// assert!(d.buildings.is_empty() && d.removed.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    /// For each B neighborhood, the A neighborhood matched with it.
    pub matched: Vec<Option<usize>>,
    /// For each B neighborhood, how it differs.
    pub change: Vec<NeighborhoodChange>,
    /// A neighborhoods matched with none.
    pub removed: Vec<usize>,
    /// Buildings that differ, by community code, then A and B neighborhood
    /// codes, then id.
    pub buildings: Vec<BuildingChange>,
    /// Per community, by code (every community of either side).
    pub communities: Vec<CommunityDiff>,
    /// Over every community (`code` = `all`).
    pub total: CommunityDiff,
}

/// One building on both sides.
struct Paired<'a> {
    a: Option<&'a Building>,
    b: Option<&'a Building>,
}

impl Paired<'_> {
    fn any(&self) -> &Building {
        self.a.or(self.b).expect("a pair holds at least one side")
    }
    fn in_a(&self) -> &[usize] {
        self.a.map_or(&[], |b| &b.neighborhoods)
    }
    fn in_b(&self) -> &[usize] {
        self.b.map_or(&[], |b| &b.neighborhoods)
    }
}

/// Compares two sides of one scenario.
///
/// Errors when they cannot be of one scenario: no building in common, or a
/// building with other households on each side.
///
/// ```
/// use linli::diff::{compare, Building, Change, Community, Neighborhood, Side};
/// let side = |label: &str, codes: [&str; 2], of: [usize; 3]| Side {
///     label: label.into(),
///     communities: vec![Community { code: "C".into(), name: "社区".into() }],
///     neighborhoods: codes.iter().map(|c| Neighborhood { code: c.to_string(), name: String::new(), community: "C".into() }).collect(),
///     buildings: [("b1", 200), ("b2", 100), ("b3", 100)].iter().zip(of).map(|((id, h), n)| Building {
///         id: id.to_string(), name: String::new(), community: "C".into(), households: *h, neighborhoods: vec![n],
///     }).collect(),
/// };
/// // B renames both neighborhoods and moves b2 from the first to the second.
/// let a = side("A", ["N1", "N2"], [0, 0, 1]);
/// let b = side("B", ["X2", "X1"], [1, 0, 0]);
/// let d = compare(&a, &b).unwrap();
/// assert_eq!(d.matched, [Some(1), Some(0)]); // X2 is N2, X1 is N1
/// assert_eq!(d.buildings.len(), 1);
/// assert_eq!((d.buildings[0].id.as_str(), d.buildings[0].change), ("b2", Change::Moved));
/// assert_eq!((d.total.households_moved, d.total.changed, d.total.unchanged), (100, 2, 0));
/// assert_eq!(compare(&a, &a).unwrap().total.households_moved, 0);
/// ```
pub fn compare(a: &Side, b: &Side) -> Result<Diff, Vec<Problem>> {
    let pairs = pair(a, b)?;
    let matched = match_neighborhoods(&pairs, b.neighborhoods.len());
    let mut used = vec![false; a.neighborhoods.len()];
    for &o in matched.iter().flatten() {
        used[o] = true;
    }
    let removed: Vec<usize> = (0..a.neighborhoods.len()).filter(|&o| !used[o]).collect();
    let change = neighborhood_changes(&pairs, &matched, a.neighborhoods.len());
    let buildings = building_changes(a, b, &pairs, &matched);
    let (communities, total) = communities(a, b, &pairs, &buildings, (&change, &removed));
    Ok(Diff {
        matched,
        change,
        removed,
        buildings,
        communities,
        total,
    })
}

/// Every building of either side by id, checked to be of one scenario.
fn pair<'a>(a: &'a Side, b: &'a Side) -> Result<Vec<Paired<'a>>, Vec<Problem>> {
    let mut by_id: BTreeMap<&str, Paired> = BTreeMap::new();
    for x in &a.buildings {
        by_id.entry(&x.id).or_insert(Paired { a: None, b: None }).a = Some(x);
    }
    for x in &b.buildings {
        by_id.entry(&x.id).or_insert(Paired { a: None, b: None }).b = Some(x);
    }
    let hint = "diff compares two plans of one scenario: plan both from the same buildings, or give the scenario they were made from";
    let mut problems = Vec::new();
    let common = by_id
        .values()
        .filter(|p| p.a.is_some() && p.b.is_some())
        .count();
    if common == 0 && !(a.buildings.is_empty() && b.buildings.is_empty()) {
        problems.push(
            Problem::file(
                &b.label,
                format!(
                    "has no building in common with {} ({} and {} buildings): they are plans of different scenarios",
                    a.label,
                    b.buildings.len(),
                    a.buildings.len()
                ),
            )
            .with_hint(hint),
        );
    }
    let differing: Vec<&Paired> = by_id
        .values()
        .filter(|p| matches!((p.a, p.b), (Some(x), Some(y)) if x.households != y.households))
        .collect();
    if let Some(p) = differing.first() {
        let (x, y) = (p.a.expect("paired"), p.b.expect("paired"));
        problems.push(
            Problem::file(
                &b.label,
                format!(
                    "building {} has {} households here and {} in {} ({} buildings differ): the plans were made from different scenarios",
                    x.id,
                    y.households,
                    x.households,
                    a.label,
                    differing.len()
                ),
            )
            .with_hint(hint),
        );
    }
    if problems.is_empty() {
        Ok(by_id.into_values().collect())
    } else {
        Err(problems)
    }
}

/// For each B neighborhood, the A neighborhood matched with it: pairs by
/// the households they share, largest first (ties: B index, then A
/// index), each neighborhood matched once. Pairs sharing only buildings
/// without households count too, after every other.
fn match_neighborhoods(pairs: &[Paired], b_count: usize) -> Vec<Option<usize>> {
    let mut shared: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    for p in pairs {
        let h = p.any().households;
        for &nb in p.in_b() {
            for &na in p.in_a() {
                *shared.entry((nb, na)).or_insert(0) += h;
            }
        }
    }
    let mut order: Vec<((usize, usize), u64)> = shared.into_iter().collect();
    order.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
    let mut matched = vec![None; b_count];
    let mut used = BTreeSet::new();
    for ((nb, na), _) in order {
        if matched[nb].is_none() && !used.contains(&na) {
            matched[nb] = Some(na);
            used.insert(na);
        }
    }
    matched
}

/// Unchanged (same buildings as its match), changed or new, for each B
/// neighborhood.
fn neighborhood_changes(
    pairs: &[Paired],
    matched: &[Option<usize>],
    a_count: usize,
) -> Vec<NeighborhoodChange> {
    let mut members_a = vec![Vec::new(); a_count];
    let mut members_b = vec![Vec::new(); matched.len()];
    for (i, p) in pairs.iter().enumerate() {
        for &n in p.in_a() {
            members_a[n].push(i);
        }
        for &n in p.in_b() {
            members_b[n].push(i);
        }
    }
    matched
        .iter()
        .zip(&members_b)
        .map(|(m, members)| match m {
            None => NeighborhoodChange::New,
            Some(o) if members_a[*o] == *members => NeighborhoodChange::Unchanged,
            Some(_) => NeighborhoodChange::Changed,
        })
        .collect()
}

/// The buildings that differ, sorted.
fn building_changes(
    a: &Side,
    b: &Side,
    pairs: &[Paired],
    matched: &[Option<usize>],
) -> Vec<BuildingChange> {
    let mut out: Vec<BuildingChange> = pairs
        .iter()
        .filter_map(|p| {
            let (from, to) = (p.in_a(), p.in_b());
            let change = match (from.is_empty(), to.is_empty()) {
                (true, true) => return None,
                (false, true) => Change::OnlyInA,
                (true, false) => Change::OnlyInB,
                (false, false) => {
                    let kept = to
                        .iter()
                        .any(|&n| matched[n].is_some_and(|o| from.contains(&o)));
                    if kept {
                        return None;
                    }
                    Change::Moved
                }
            };
            let x = p.any();
            let name = p.a.map_or("", |x| &x.name);
            let name = if name.is_empty() {
                p.b.map_or("", |x| &x.name)
            } else {
                name
            };
            Some(BuildingChange {
                id: x.id.clone(),
                name: name.to_string(),
                community: x.community.clone(),
                households: x.households,
                from: from.to_vec(),
                to: to.to_vec(),
                change,
            })
        })
        .collect();
    let codes = |side: &Side, ns: &[usize]| -> Vec<String> {
        ns.iter()
            .map(|&n| side.neighborhoods[n].code.clone())
            .collect()
    };
    out.sort_by_cached_key(|c| {
        (
            c.community.clone(),
            codes(a, &c.from),
            codes(b, &c.to),
            c.id.clone(),
        )
    });
    out
}

/// The figures per community and over all.
fn communities(
    a: &Side,
    b: &Side,
    pairs: &[Paired],
    changes: &[BuildingChange],
    (change, removed): (&[NeighborhoodChange], &[usize]),
) -> (Vec<CommunityDiff>, CommunityDiff) {
    let mut by: BTreeMap<String, CommunityDiff> = BTreeMap::new();
    fn entry<'m>(by: &'m mut BTreeMap<String, CommunityDiff>, code: &str) -> &'m mut CommunityDiff {
        by.entry(code.to_string()).or_insert_with(|| CommunityDiff {
            code: code.to_string(),
            ..Default::default()
        })
    }
    for p in pairs {
        entry(&mut by, &p.any().community).households += p.any().households;
    }
    for c in changes {
        let r = entry(&mut by, &c.community);
        let (households, buildings) = match c.change {
            Change::Moved => (&mut r.households_moved, &mut r.buildings_moved),
            Change::OnlyInA => (&mut r.households_only_in_a, &mut r.buildings_only_in_a),
            Change::OnlyInB => (&mut r.households_only_in_b, &mut r.buildings_only_in_b),
        };
        *households += c.households;
        *buildings += 1;
    }
    for n in &a.neighborhoods {
        entry(&mut by, &n.community).neighborhoods_a += 1;
    }
    for &o in removed {
        entry(&mut by, &a.neighborhoods[o].community).removed += 1;
    }
    for (n, ch) in b.neighborhoods.iter().zip(change) {
        let r = entry(&mut by, &n.community);
        r.neighborhoods_b += 1;
        match ch {
            NeighborhoodChange::Unchanged => r.unchanged += 1,
            NeighborhoodChange::Changed => r.changed += 1,
            NeighborhoodChange::New => r.new += 1,
        }
    }
    let names: BTreeMap<&str, &str> = b
        .communities
        .iter()
        .chain(&a.communities)
        .map(|c| (c.code.as_str(), c.name.as_str()))
        .collect();
    let mut total = CommunityDiff {
        code: "all".into(),
        ..Default::default()
    };
    let list: Vec<CommunityDiff> = by
        .into_values()
        .map(|mut r| {
            r.name = names
                .get(r.code.as_str())
                .copied()
                .unwrap_or("")
                .to_string();
            sum_into(&mut total, &r);
            r
        })
        .collect();
    (list, total)
}

/// Adds a community's counts to the total.
fn sum_into(t: &mut CommunityDiff, r: &CommunityDiff) {
    t.households += r.households;
    t.households_moved += r.households_moved;
    t.buildings_moved += r.buildings_moved;
    t.households_only_in_a += r.households_only_in_a;
    t.buildings_only_in_a += r.buildings_only_in_a;
    t.households_only_in_b += r.households_only_in_b;
    t.buildings_only_in_b += r.buildings_only_in_b;
    t.neighborhoods_a += r.neighborhoods_a;
    t.neighborhoods_b += r.neighborhoods_b;
    t.unchanged += r.unchanged;
    t.changed += r.changed;
    t.new += r.new;
    t.removed += r.removed;
}

/// The console's sentence: "312 households in 14 buildings changed
/// neighborhood, in 3 of 7 communities".
///
/// ```
/// use linli::diff::{sentence, CommunityDiff};
/// let c = |moved: u64, b: usize| CommunityDiff { households_moved: moved, buildings_moved: b, ..Default::default() };
/// let d = [c(300, 12), c(0, 0), c(12, 2)];
/// let total = c(312, 14);
/// assert_eq!(sentence(&d, &total), "312 households in 14 buildings changed neighborhood, in 2 of 3 communities");
/// assert_eq!(sentence(&d[1..2], &c(0, 0)), "No building changed neighborhood (1 community)");
/// ```
pub fn sentence(communities: &[CommunityDiff], total: &CommunityDiff) -> String {
    let n = communities.len();
    let of = if n == 1 { "community" } else { "communities" };
    if total.buildings_moved == 0 {
        return format!("No building changed neighborhood ({n} {of})");
    }
    let with = communities.iter().filter(|c| c.buildings_moved > 0).count();
    format!(
        "{} household{} in {} building{} changed neighborhood, in {with} of {n} {of}",
        total.households_moved,
        if total.households_moved == 1 { "" } else { "s" },
        total.buildings_moved,
        if total.buildings_moved == 1 { "" } else { "s" },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(label: &str, hoods: &[&str], buildings: &[(&str, u64, &[usize])]) -> Side {
        Side {
            label: label.into(),
            communities: vec![Community {
                code: "C".into(),
                name: "社区".into(),
            }],
            neighborhoods: hoods
                .iter()
                .map(|c| Neighborhood {
                    code: c.to_string(),
                    name: String::new(),
                    community: "C".into(),
                })
                .collect(),
            buildings: buildings
                .iter()
                .map(|(id, h, ns)| Building {
                    id: id.to_string(),
                    name: String::new(),
                    community: "C".into(),
                    households: *h,
                    neighborhoods: ns.to_vec(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_building_in_an_overlap_stays_when_either_holder_is_matched() {
        // b2 lies where A's two polygons overlap; B puts it in N2's match.
        let a = side(
            "A",
            &["N1", "N2"],
            &[("b1", 300, &[0]), ("b2", 50, &[0, 1]), ("b3", 300, &[1])],
        );
        let b = side(
            "B",
            &["M1", "M2"],
            &[("b1", 300, &[0]), ("b2", 50, &[1]), ("b3", 300, &[1])],
        );
        let d = compare(&a, &b).unwrap();
        assert_eq!(d.matched, [Some(0), Some(1)]);
        assert!(d.buildings.is_empty(), "{:?}", d.buildings);
    }

    #[test]
    fn buildings_on_one_side_only_are_apart_from_moves() {
        // b3 is in A's gap; b4 is left out of B's roster. Rows sort by
        // community, A codes (none first), B codes, id.
        let a = side(
            "A",
            &["N1"],
            &[("b1", 300, &[0]), ("b3", 50, &[]), ("b4", 20, &[0])],
        );
        let b = side("B", &["M1"], &[("b1", 300, &[0]), ("b3", 50, &[0])]);
        let d = compare(&a, &b).unwrap();
        let kinds: Vec<(&str, Change)> = d
            .buildings
            .iter()
            .map(|c| (c.id.as_str(), c.change))
            .collect();
        assert_eq!(kinds, [("b3", Change::OnlyInB), ("b4", Change::OnlyInA)]);
        let t = &d.total;
        assert_eq!(
            (
                t.households_moved,
                t.households_only_in_a,
                t.households_only_in_b
            ),
            (0, 20, 50)
        );
        assert_eq!(t.households, 370);
        assert_eq!(d.change, [NeighborhoodChange::Changed]);
    }

    #[test]
    fn a_split_neighborhood_keeps_its_larger_part() {
        // A's N1 (600) is split in two in B: the larger half keeps the match.
        let a = side("A", &["N1"], &[("b1", 350, &[0]), ("b2", 250, &[0])]);
        let b = side("B", &["M1", "M2"], &[("b1", 350, &[0]), ("b2", 250, &[1])]);
        let d = compare(&a, &b).unwrap();
        assert_eq!(d.matched, [Some(0), None]);
        assert_eq!(
            d.change,
            [NeighborhoodChange::Changed, NeighborhoodChange::New]
        );
        assert_eq!(
            (d.total.households_moved, d.total.buildings_moved),
            (250, 1)
        );
        assert_eq!((d.total.new, d.total.removed), (1, 0));
    }

    #[test]
    fn sides_of_different_scenarios_are_refused() {
        let a = side("A", &["N1"], &[("b1", 300, &[0])]);
        let other = side("B", &["N1"], &[("x1", 300, &[0])]);
        let e = compare(&a, &other).unwrap_err();
        assert!(e[0].what.contains("no building in common"), "{e:?}");
        let more = side("B", &["N1"], &[("b1", 301, &[0])]);
        let e = compare(&a, &more).unwrap_err();
        assert!(
            e[0].what.contains("b1 has 301 households here and 300"),
            "{e:?}"
        );
    }
}
