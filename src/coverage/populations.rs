//! Special populations: coverage counted in persons (the elderly, young
//! children) for the kinds that serve them, where buildings give them.
//!
//! A household share hides what matters for elderly care or a
//! kindergarten: a district can cover 80 % of its households and leave
//! half of its elderly beyond reach. The standards profile says which
//! kinds serve which population (`serves`); the buildings layer gives the
//! persons (`elderly`, `children`).

use super::KindCoverage;
use crate::config::standards::Standards;
use serde::Serialize;
use std::collections::BTreeMap;

/// Persons of one population and those covered by each kind serving it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PopulationShare {
    /// The group's id (`all`, a community).
    pub id: String,
    /// Persons in buildings on the network.
    pub persons: u64,
    /// Per kind serving the population: persons within its limit.
    pub covered: BTreeMap<String, u64>,
    /// Per kind: `covered / persons` (`None` without persons).
    pub share: BTreeMap<String, Option<f64>>,
}

/// One population's coverage, overall and per community.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PopulationCoverage {
    /// `elderly` or `children`.
    pub population: String,
    /// The kinds serving it that have a facility on the network.
    pub kinds: Vec<String>,
    /// The kinds serving it without any facility (nobody covered).
    pub kinds_without_facility: Vec<String>,
    /// Every building inside a community (all when there are none).
    pub overall: PopulationShare,
    /// Per community, in scenario order.
    pub communities: Vec<PopulationShare>,
}

/// The coverage of every population the buildings give: `persons[p][b]`
/// persons of population `p` in building `b`, `on[b]` whether it is on the
/// network, `group[b]` its community, `ids` the communities' ids.
///
/// ```
/// use std::collections::BTreeMap;
/// use linli::config::standards::Standards;
/// use linli::coverage::{KindCoverage, populations::coverage};
/// use linli::config::Threshold;
/// let k = KindCoverage { kind: "elderly_care".into(), threshold: Threshold::Metres(1000.0),
///     threshold_m: 1000.0, facilities: vec![0], metres: vec![300.0, 1500.0], nearest: vec![] };
/// let persons = BTreeMap::from([("elderly".to_string(), vec![30, 10])]);
/// let p = coverage(&persons, &Standards::builtin(), &[k], &[true, true], &[Some(0), Some(0)], &["C1".into()]);
/// assert_eq!(p[0].overall.covered["elderly_care"], 30);
/// assert_eq!(p[0].overall.share["elderly_care"], Some(0.75));
/// assert!(p[0].kinds_without_facility.contains(&"day_care".to_string()));
/// ```
pub fn coverage(
    persons: &BTreeMap<String, Vec<u32>>,
    standards: &Standards,
    kinds: &[KindCoverage],
    on: &[bool],
    group: &[Option<usize>],
    ids: &[String],
) -> Vec<PopulationCoverage> {
    persons
        .iter()
        .map(|(pop, per)| {
            let serving: Vec<&str> = standards
                .kinds
                .iter()
                .filter(|(_, k)| k.serves.as_deref() == Some(pop.as_str()))
                .map(|(name, _)| name.as_str())
                .collect();
            let found: Vec<&KindCoverage> = kinds
                .iter()
                .filter(|k| serving.contains(&k.kind.as_str()) && !k.facilities.is_empty())
                .collect();
            let tally = |member: &dyn Fn(usize) -> bool, id: &str| -> PopulationShare {
                share_of(id, per, on, &found, member)
            };
            let overall = tally(
                &|b| ids.is_empty() || group.get(b).is_some_and(Option::is_some),
                "all",
            );
            let communities = ids
                .iter()
                .enumerate()
                .map(|(c, id)| tally(&|b| group.get(b) == Some(&Some(c)), id))
                .collect();
            PopulationCoverage {
                population: pop.clone(),
                kinds: found.iter().map(|k| k.kind.clone()).collect(),
                kinds_without_facility: serving
                    .iter()
                    .filter(|s| !found.iter().any(|k| k.kind == **s))
                    .map(|s| s.to_string())
                    .collect(),
                overall,
                communities,
            }
        })
        .collect()
}

/// Persons of the buildings `member` picks, and those each kind covers.
fn share_of(
    id: &str,
    per: &[u32],
    on: &[bool],
    kinds: &[&KindCoverage],
    member: &dyn Fn(usize) -> bool,
) -> PopulationShare {
    let mut s = PopulationShare {
        id: id.to_string(),
        ..Default::default()
    };
    let picked: Vec<usize> = (0..per.len())
        .filter(|&b| on.get(b) == Some(&true) && member(b))
        .collect();
    s.persons = picked.iter().map(|&b| u64::from(per[b])).sum();
    for k in kinds {
        let covered: u64 = picked
            .iter()
            .filter(|&&b| k.covers(b))
            .map(|&b| u64::from(per[b]))
            .sum();
        s.covered.insert(k.kind.clone(), covered);
        let share =
            (s.persons > 0).then(|| (covered as f64 / s.persons as f64 * 1e4).round() / 1e4);
        s.share.insert(k.kind.clone(), share);
    }
    s
}
