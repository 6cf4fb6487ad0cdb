//! The random seed of one community's search, from the plan's seed and the
//! community's id.

/// The seed of community `id`'s search: the plan's `seed` mixed with a hash
/// of the id (FNV-1a), not with the community's place in the file, so a
/// community is planned the same whether it is planned alone, with its
/// district, or as one part of a province (`linli split`).
///
/// ```
/// use linli::model::seed::community_seed;
/// assert_eq!(community_seed(1, "WDK-01"), community_seed(1, "WDK-01"));
/// assert_ne!(community_seed(1, "WDK-01"), community_seed(1, "WDK-02"));
/// assert_ne!(community_seed(1, "WDK-01"), community_seed(2, "WDK-01"));
/// ```
pub fn community_seed(seed: u64, id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    seed ^ h.wrapping_mul(0xD6E8_FEB8_6659_FD93)
}
