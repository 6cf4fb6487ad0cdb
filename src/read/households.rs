//! Households per building: given, or estimated from footprint × levels.

use crate::config::HouseholdEstimate;
use geo::{Area, Polygon};

/// Estimates households of a building without a `households` value.
///
/// Non-residential uses (schools, shops, offices… see
/// [`HouseholdEstimate::non_residential_uses`]) have none; otherwise
/// `round(footprint area × levels / unit size)`. `None` when there is no
/// footprint to estimate from.
///
/// ```
/// use geo::polygon;
/// use linli::{config::HouseholdEstimate, read::households::estimate};
/// let fp = polygon![(x: 0.0, y: 0.0), (x: 20.0, y: 0.0), (x: 20.0, y: 30.0), (x: 0.0, y: 30.0)];
/// let cfg = HouseholdEstimate::default(); // 100 m² per household
/// assert_eq!(estimate(Some(&fp), Some(6.0), "residential", &cfg), Some(36));
/// assert_eq!(estimate(Some(&fp), Some(6.0), "school", &cfg), Some(0));
/// assert_eq!(estimate(None, Some(6.0), "residential", &cfg), None);
/// ```
pub fn estimate(
    footprint: Option<&Polygon<f64>>,
    levels: Option<f64>,
    use_: &str,
    cfg: &HouseholdEstimate,
) -> Option<u32> {
    if cfg.non_residential_uses.iter().any(|u| u == use_) {
        return Some(0);
    }
    let area = footprint?.unsigned_area();
    let levels = levels.unwrap_or(cfg.default_levels);
    let h = (area * levels / cfg.unit_size_m2).round();
    Some(h.clamp(0.0, u32::MAX as f64) as u32)
}
