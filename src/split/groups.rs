//! Which communities go together into a part.

use super::SplitBy;
use crate::error::{Error, Problem};
use crate::read::Loaded;
use crate::read::feature::RawFeature;

/// Each community's unit: its id, its street, or its district.
pub(crate) fn unit_keys(
    loaded: &Loaded,
    raw: &[RawFeature],
    by: SplitBy,
    label: &str,
) -> Result<Vec<String>, Error> {
    let mut problems = Vec::new();
    let keys = loaded
        .scenario
        .communities
        .iter()
        .enumerate()
        .map(|(c, com)| match by {
            SplitBy::Community => com.id.clone(),
            SplitBy::Street => com.street.clone(),
            SplitBy::District => {
                let f = loaded.community_features.get(c).and_then(|&i| raw.get(i));
                let d = f.and_then(|f| {
                    ["district", "区", "county"]
                        .iter()
                        .find_map(|k| f.properties.get(k).and_then(|v| v.as_str()))
                });
                match d {
                    Some(d) => d.to_string(),
                    None => {
                        let at = f.map(|f| f.index);
                        problems.push(
                            Problem::feature(
                                format!("{}/communities.geojson", label.trim_end_matches('/')),
                                at.unwrap_or(c),
                                Some(com.id.clone()),
                                "has no district property to split by",
                            )
                            .with_hint("give each community a `district` (区) property, or split --by street or --by community"),
                        );
                        String::new()
                    }
                }
            }
        })
        .collect();
    if problems.is_empty() {
        Ok(keys)
    } else {
        Err(Error::Input(problems))
    }
}

/// Households planned in each community (its buildings, as
/// the split assigns them).
pub(crate) fn community_households(loaded: &Loaded, of_building: &[usize]) -> Vec<u64> {
    let mut h = vec![0u64; loaded.scenario.communities.len()];
    for (b, &c) in loaded.scenario.buildings.iter().zip(of_building) {
        h[c] += u64::from(b.households);
    }
    h
}

/// The parts: the units in the order their first community comes, each
/// with its communities in the scenario's order; with `parts`, runs of
/// neighbouring units joined into that many parts of about equal
/// households.
///
/// ```
/// use linli::split::groups::parts_of;
/// let keys: Vec<String> = ["a", "b", "a", "c"].iter().map(|s| s.to_string()).collect();
/// assert_eq!(parts_of(&keys, &[1, 1, 1, 1], None), vec![vec![0, 2], vec![1], vec![3]]);
/// assert_eq!(parts_of(&keys, &[5, 1, 5, 9], Some(2)), vec![vec![0, 2], vec![1, 3]]);
/// ```
pub fn parts_of(keys: &[String], households: &[u64], parts: Option<usize>) -> Vec<Vec<usize>> {
    let mut order: Vec<&str> = Vec::new();
    let mut units: Vec<Vec<usize>> = Vec::new();
    for (c, k) in keys.iter().enumerate() {
        match order.iter().position(|o| *o == k) {
            Some(u) => units[u].push(c),
            None => {
                order.push(k);
                units.push(vec![c]);
            }
        }
    }
    match parts {
        Some(n) if n >= 1 && n < units.len() => join_units(units, households, n),
        _ => units,
    }
}

/// Runs of units joined into `n` parts: a part closes once the households
/// so far reach its share of the total, leaving a unit for every part left.
fn join_units(units: Vec<Vec<usize>>, households: &[u64], n: usize) -> Vec<Vec<usize>> {
    let weight = |u: &Vec<usize>| u.iter().map(|&c| households[c]).sum::<u64>();
    let total: u64 = units.iter().map(weight).sum();
    let count = units.len();
    let mut out: Vec<Vec<usize>> = vec![Vec::new()];
    let mut so_far = 0u64;
    for (i, u) in units.into_iter().enumerate() {
        so_far += weight(&u);
        out.last_mut().expect("a part is open").extend(u);
        let closed = out.len();
        let share = total as f64 * closed as f64 / n as f64;
        let left_units = count - i - 1;
        let left_parts = n - closed;
        let close = (so_far as f64 >= share || left_units == left_parts) && left_parts > 0;
        if close && left_units >= left_parts {
            out.push(Vec::new());
        }
    }
    out.retain(|p| !p.is_empty());
    out
}
