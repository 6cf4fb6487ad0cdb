//! Capacity and catchment: each household goes to the nearest facility of
//! its kind that still has room, within the kind's walking limit.
//!
//! Pairs (building, facility) within the limit are taken nearest first
//! over the whole kind, so a building meets full facilities only when a
//! nearer building filled them: the assignment a district would make by
//! sending each household to its nearest open place. A building's
//! households may be split between facilities when one fills up mid-way.

/// What the assignment gives for one kind.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Assignment {
    /// Per facility: households assigned to it.
    pub load: Vec<u64>,
    /// Per facility: households of the buildings it is nearest to (its
    /// catchment without limits).
    pub catchment: Vec<u64>,
    /// Per facility: households of its catchment that no facility with
    /// room within the limit could take (those it fails).
    pub failed: Vec<u64>,
    /// Per facility: households of its catchment served by a farther
    /// facility because it was full.
    pub sent_on: Vec<u64>,
    /// Per building: the facility serving most of its households, if any.
    pub served_by: Vec<Option<u32>>,
    /// Per building: households no facility with room could take.
    pub unserved: Vec<u64>,
    /// Per building: its nearest facility within the limit, if any.
    pub nearest: Vec<Option<u32>>,
}

/// Assigns the households `need[b]` of each building to facilities:
/// `reach[f]` lists (building, metres) within the limit of facility `f`,
/// `capacity[f]` its room (`None`: no limit). Ties in distance go to the
/// lower building, then the lower facility.
///
/// ```
/// use linli::coverage::capacity::assign;
/// // Two facilities of room 100 and none; three buildings of 80.
/// let reach = vec![vec![(0, 10.0), (1, 20.0), (2, 90.0)], vec![(1, 50.0), (2, 30.0)]];
/// let a = assign(&reach, &[Some(100), Some(100)], &[80, 80, 80]);
/// assert_eq!(a.load, vec![100, 100]);
/// // Building 1 gets the 20 left at 0, then 20 of the 20 left at 1 once
/// // building 2 (30 m from it) has taken 80: 40 of its households fail.
/// assert_eq!(a.unserved, vec![0, 40, 0]);
/// assert_eq!(a.served_by, vec![Some(0), Some(0), Some(1)]);
/// ```
pub fn assign(reach: &[Vec<(u32, f64)>], capacity: &[Option<u64>], need: &[u64]) -> Assignment {
    let mut pairs: Vec<(f64, u32, u32)> = reach
        .iter()
        .enumerate()
        .flat_map(|(f, r)| r.iter().map(move |&(b, m)| (m, b, f as u32)))
        .filter(|&(_, b, _)| (b as usize) < need.len())
        .collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let nf = reach.len();
    let mut a = Assignment {
        load: vec![0; nf],
        catchment: vec![0; nf],
        failed: vec![0; nf],
        sent_on: vec![0; nf],
        served_by: vec![None; need.len()],
        unserved: vec![0; need.len()],
        nearest: vec![None; need.len()],
    };
    let mut left: Vec<u64> = need.to_vec();
    let mut room: Vec<u64> = capacity.iter().map(|c| c.unwrap_or(u64::MAX)).collect();
    let mut most: Vec<u64> = vec![0; need.len()];
    for &(_, b, f) in &pairs {
        let (bi, fi) = (b as usize, f as usize);
        a.nearest[bi].get_or_insert(f);
        let take = left[bi].min(room[fi]);
        if take == 0 {
            continue;
        }
        left[bi] -= take;
        room[fi] -= take;
        a.load[fi] += take;
        if take > most[bi] {
            most[bi] = take;
            a.served_by[bi] = Some(f);
        }
        if a.nearest[bi] != Some(f) {
            a.sent_on[a.nearest[bi].expect("set above") as usize] += take;
        }
    }
    for (b, n) in a.nearest.iter().enumerate() {
        if let Some(f) = n {
            a.catchment[*f as usize] += need[b];
            a.failed[*f as usize] += left[b];
            a.unserved[b] = left[b];
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Reach lists, capacities and households.
    type Instance = (Vec<Vec<(u32, f64)>>, Vec<Option<u64>>, Vec<u64>);

    fn instance() -> impl Strategy<Value = Instance> {
        (1usize..6, 1usize..12).prop_flat_map(|(nf, nb)| {
            (
                prop::collection::vec(
                    prop::collection::btree_map(0..nb as u32, 0u32..1000, 0..nb),
                    nf,
                )
                .prop_map(|v| {
                    v.into_iter()
                        .map(|m| m.into_iter().map(|(b, d)| (b, d as f64)).collect())
                        .collect()
                }),
                prop::collection::vec(prop::option::of(0u64..400), nf),
                prop::collection::vec(0u64..200, nb),
            )
        })
    }

    proptest! {
        #[test]
        fn room_is_never_exceeded_and_households_add_up((reach, cap, need) in instance()) {
            let a = assign(&reach, &cap, &need);
            for (f, c) in cap.iter().enumerate() {
                prop_assert!(c.is_none_or(|c| a.load[f] <= c));
            }
            let reachable: Vec<bool> = (0..need.len() as u32)
                .map(|b| reach.iter().any(|r| r.iter().any(|x| x.0 == b)))
                .collect();
            let need_in: u64 = need.iter().zip(&reachable).filter(|x| *x.1).map(|x| *x.0).sum();
            let load: u64 = a.load.iter().sum();
            prop_assert_eq!(load + a.unserved.iter().sum::<u64>(), need_in);
            prop_assert_eq!(a.catchment.iter().sum::<u64>(), need_in);
            prop_assert_eq!(a.failed.iter().sum::<u64>(), a.unserved.iter().sum::<u64>());
            if cap.iter().all(Option::is_none) {
                for (b, by) in a.served_by.iter().enumerate() {
                    let best = (0..reach.len())
                        .filter_map(|f| reach[f].iter().find(|x| x.0 == b as u32).map(|x| (x.1, f)))
                        .min_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
                    if need[b] > 0 {
                        prop_assert_eq!(*by, best.map(|x| x.1 as u32));
                    }
                }
            }
            // A household goes unserved only when every facility in reach is full.
            for (b, &u) in a.unserved.iter().enumerate() {
                if u > 0 {
                    for (f, r) in reach.iter().enumerate() {
                        if r.iter().any(|x| x.0 == b as u32) {
                            prop_assert_eq!(Some(a.load[f]), cap[f]);
                        }
                    }
                }
            }
        }
    }
}
