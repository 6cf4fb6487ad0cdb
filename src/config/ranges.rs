//! Plausibility limits: the range of every number in `scenario.toml`.
//!
//! README.md, "Plausibility limits", is the table of all of them; a test
//! checks that every number `Config` can hold has a range here and that the
//! table lists each one.

use super::Config;
use crate::error::{Problem, show};

/// The allowed values of one `scenario.toml` number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Dotted key; `*` stands for any name (a road class, a facility kind).
    pub key: &'static str,
    /// Lowest value.
    pub min: f64,
    /// Whether `min` itself is excluded.
    pub min_open: bool,
    /// Highest value.
    pub max: f64,
    /// Whether `max` itself is excluded.
    pub max_open: bool,
    /// What the number counts, for the README's table.
    pub unit: &'static str,
}

const fn closed(key: &'static str, min: f64, max: f64, unit: &'static str) -> Range {
    Range {
        key,
        min,
        min_open: false,
        max,
        max_open: false,
        unit,
    }
}

const fn above(key: &'static str, min: f64, max: f64, unit: &'static str) -> Range {
    Range {
        key,
        min,
        min_open: true,
        max,
        max_open: false,
        unit,
    }
}

/// Most social workers one community may have (`social_workers`,
/// staff.csv).
pub const MAX_SOCIAL_WORKERS: u64 = 10_000;

/// Most households a ready-made block (blocks.geojson) may hold.
pub const MAX_PARCEL_HOUSEHOLDS: u64 = 10_000_000;

/// Every number of `scenario.toml` and its range. Generous: they stop
/// typos and unit mix-ups (metres for kilometres), not unusual plans.
pub const RANGES: &[Range] = &[
    closed("targets.urban", 1.0, 100_000.0, "households"),
    closed("targets.rural", 1.0, 100_000.0, "households"),
    closed("targets.resettlement", 1.0, 100_000.0, "households"),
    Range {
        key: "targets.tolerance",
        min: 0.0,
        min_open: true,
        max: 1.0,
        max_open: true,
        unit: "share of the target",
    },
    closed("targets.min_buildings", 0.0, 10_000.0, "buildings"),
    closed("targets.max_buildings", 0.0, 10_000.0, "buildings"),
    closed("households.unit_size_m2", 10.0, 1_000.0, "m² per household"),
    closed("households.default_levels", 1.0, 300.0, "levels"),
    closed("barriers.snap_tolerance_m", 0.0, 10.0, "metres"),
    closed("barriers.community", 0.0, 255.0, "level"),
    closed("barriers.water", 0.0, 255.0, "level"),
    closed("barriers.rail", 0.0, 255.0, "level"),
    closed("barriers.landmark", 0.0, 255.0, "level"),
    closed("barriers.other_road", 0.0, 255.0, "level"),
    closed("barriers.roads.*", 0.0, 255.0, "level"),
    closed("walking.speed_kmh", 0.5, 20.0, "km/h"),
    above("walking.thresholds.*.minutes", 0.0, 240.0, "minutes"),
    above("walking.thresholds.*.metres", 0.0, 20_000.0, "metres"),
    above("walking.default_threshold.minutes", 0.0, 240.0, "minutes"),
    above("walking.default_threshold.metres", 0.0, 20_000.0, "metres"),
    above("walking.snap_limit_m", 0.0, 10_000.0, "metres"),
    above("walking.service_area_width_m", 0.0, 1_000.0, "metres"),
    above(
        "staffing.min_neighborhoods_per_worker",
        0.0,
        100.0,
        "neighborhoods",
    ),
    above(
        "staffing.max_neighborhoods_per_worker",
        0.0,
        100.0,
        "neighborhoods",
    ),
    closed("partition.compactness", 0.0, 20.0, "cost per metre"),
    closed("partition.border_cost", 0.0, 3.0, "cost per metre"),
    closed("partition.effort", 1.0, 1_000.0, "moves per block"),
    closed("partition.starts", 1.0, 64.0, "starts"),
    closed("audit.sliver_m2", 0.0, 1_000_000.0, "m²"),
    closed("audit.sliver_width_m", 0.0, 1_000.0, "metres"),
    closed("audit.border_distance_m", 0.0, 10_000.0, "metres"),
    closed("osm.*.dwelling_m2", 10.0, 1_000.0, "m² per dwelling"),
    above("osm.*.occupied_share", 0.0, 1.0, "share of dwellings"),
    above("osm.*.storey_m", 0.0, 20.0, "metres"),
    above("osm.*.apartment_floors", 0.0, 300.0, "floors"),
    closed("osm.*.house_max_m2", 0.0, 10_000.0, "m²"),
    above("osm.*.house_max_floors", 0.0, 300.0, "floors"),
    closed("osm.*.min_home_m2", 0.0, 10_000.0, "m²"),
    closed("osm.*.max_plain_home_m2", 0.0, 1_000_000.0, "m²"),
    above("osm.*.terrace_unit_m2", 0.0, 10_000.0, "m²"),
    above(
        "osm.*.reference_coverage",
        0.0,
        1.0,
        "share of residential land",
    ),
    closed("osm.*.two_family_max_m2", 0.0, 10_000.0, "m²"),
    above("osm.*.low_rise_floors", 0.0, 300.0, "floors"),
    closed(
        "osm.*.low_rise_dwelling_m2",
        10.0,
        1_000.0,
        "m² per dwelling",
    ),
    closed("osm.*.low_rise_max_home_m2", 0.0, 1_000_000.0, "m²"),
    closed("osm.admin_min_households", 0.0, 10_000_000.0, "households"),
    closed("osm.admin_max_households", 0.0, 10_000_000.0, "households"),
    closed(
        "osm.community_min_households",
        1.0,
        10_000_000.0,
        "households",
    ),
    closed(
        "osm.community_max_households",
        1.0,
        10_000_000.0,
        "households",
    ),
    closed(
        "limits.max_households_per_building",
        1.0,
        1_000_000.0,
        "households",
    ),
    closed("limits.far_outside_km", 0.1, 20_000.0, "km"),
    closed("communities.*.target", 1.0, 100_000.0, "households"),
    Range {
        key: "communities.*.tolerance",
        min: 0.0,
        min_open: true,
        max: 1.0,
        max_open: true,
        unit: "share of the target",
    },
    closed(
        "communities.*.neighborhoods",
        1.0,
        10_000.0,
        "neighborhoods",
    ),
    closed(
        "communities.*.workers",
        0.0,
        MAX_SOCIAL_WORKERS as f64,
        "workers",
    ),
    closed("limits.max_community_km", 0.1, 20_000.0, "km"),
];

impl Range {
    /// Whether `v` is allowed.
    ///
    /// ```
    /// let r = linli::config::ranges::range_of("targets.tolerance").unwrap();
    /// assert!(r.contains(0.5) && !r.contains(0.0) && !r.contains(1.5) && !r.contains(f64::NAN));
    /// ```
    pub fn contains(&self, v: f64) -> bool {
        let low = if self.min_open {
            v > self.min
        } else {
            v >= self.min
        };
        let high = if self.max_open {
            v < self.max
        } else {
            v <= self.max
        };
        low && high
    }

    /// The range as written in messages and the README: `[1, 300]`,
    /// `(0, 1)`.
    pub fn interval(&self) -> String {
        let open = if self.min_open { '(' } else { '[' };
        let close = if self.max_open { ')' } else { ']' };
        format!("{open}{}, {}{close}", show(self.min), show(self.max))
    }
}

/// The range of `key` (a dotted path, with the names of roads, kinds… as
/// they are written), if it has one.
///
/// ```
/// let r = linli::config::ranges::range_of("walking.thresholds.clinic.minutes").unwrap();
/// assert_eq!(r.key, "walking.thresholds.*.minutes");
/// ```
pub fn range_of(key: &str) -> Option<&'static Range> {
    RANGES.iter().find(|r| matches(r.key, key))
}

/// Whether a dotted `key` fits `pattern` (`*` is any one name).
fn matches(pattern: &str, key: &str) -> bool {
    let (mut p, mut k) = (pattern.split('.'), key.split('.'));
    loop {
        match (p.next(), k.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a == "*" || a == b => {}
            _ => return false,
        }
    }
}

/// Every number of `cfg` outside its range (or without one), each a
/// problem with `file`.
///
/// ```
/// let mut cfg = linli::config::Config::default();
/// assert!(linli::config::ranges::check_config(&cfg, "scenario.toml").is_empty());
/// cfg.walking.service_area_width_m = 1e6;
/// let p = linli::config::ranges::check_config(&cfg, "scenario.toml");
/// assert_eq!(p[0].what, "walking.service_area_width_m is 1000000, must be in (0, 1000] (metres)");
/// ```
pub fn check_config(cfg: &Config, file: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    // As TOML, which keeps NaN and the infinities (JSON would make them null).
    let Ok(value) = toml::Value::try_from(cfg) else {
        return out;
    };
    let mut numbers = Vec::new();
    numbers_in(&value, String::new(), &mut numbers);
    for (key, v) in numbers {
        match range_of(&key) {
            Some(r) if r.contains(v) => {}
            Some(r) => out.push(
                Problem::file(
                    file,
                    format!(
                        "{key} is {}, must be in {} ({})",
                        show(v),
                        r.interval(),
                        r.unit
                    ),
                )
                .with_hint("README.md, \"Plausibility limits\", gives every setting's range"),
            ),
            // A setting added without a range: the test of this module
            // says so; users are not stopped for it.
            None => {}
        }
    }
    out
}

/// Every number of `cfg` with its dotted key, as [`check_config`] checks
/// them (for the test that each has a range).
pub fn numbers_of(cfg: &Config) -> Vec<(String, f64)> {
    let mut numbers = Vec::new();
    if let Ok(value) = toml::Value::try_from(cfg) {
        numbers_in(&value, String::new(), &mut numbers);
    }
    numbers
}

/// The numeric leaves of a settings value with their dotted keys.
fn numbers_in(v: &toml::Value, key: String, out: &mut Vec<(String, f64)>) {
    let join = |k: &str| {
        if key.is_empty() {
            k.to_string()
        } else {
            format!("{key}.{k}")
        }
    };
    match v {
        toml::Value::Integer(i) => out.push((key, *i as f64)),
        toml::Value::Float(f) => out.push((key, *f)),
        toml::Value::Table(m) => {
            for (k, c) in m {
                numbers_in(c, join(k), out);
            }
        }
        // Lists hold names (road classes, uses), not numbers.
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_number_of_the_settings_has_a_range_and_a_row_in_the_readme() {
        let mut cfg = Config::default();
        // Map entries of every kind, so that their patterns are seen.
        cfg.walking
            .thresholds
            .insert("clinic".into(), crate::config::Threshold::Metres(400.0));
        cfg.walking
            .thresholds
            .insert("park".into(), crate::config::Threshold::Minutes(10.0));
        cfg.walking.default_threshold = crate::config::Threshold::Metres(800.0);
        cfg.communities.insert(
            "C".into(),
            crate::config::CommunitySettings {
                target: Some(250),
                tolerance: Some(0.2),
                neighborhoods: Some(3),
                workers: Some(2),
                ..Default::default()
            },
        );
        let keys: Vec<String> = numbers_of(&Config::default())
            .into_iter()
            .chain(numbers_of(&cfg))
            .map(|(k, _)| k)
            .collect();
        assert!(keys.len() > 20, "{keys:?}");
        for k in &keys {
            assert!(
                range_of(k).is_some(),
                "{k} has no range in config::ranges::RANGES"
            );
        }
        let readme = include_str!("../../README.md");
        for r in RANGES {
            let row = format!("| `{}` | {} |", r.key, r.interval());
            assert!(readme.contains(&row), "README lacks the row {row:?}");
            let used = keys.iter().any(|k| matches(r.key, k));
            assert!(used, "{} is not a setting", r.key);
        }
        assert!(check_config(&Config::default(), "s.toml").is_empty());
    }

    #[test]
    fn nan_and_infinities_are_out_of_every_range() {
        let mut cfg = Config::default();
        cfg.targets.tolerance = f64::NAN;
        cfg.walking.speed_kmh = f64::INFINITY;
        let p = check_config(&cfg, "s.toml");
        let what: Vec<&str> = p.iter().map(|p| p.what.as_str()).collect();
        assert_eq!(
            what,
            [
                "targets.tolerance is NaN, must be in (0, 1) (share of the target)",
                "walking.speed_kmh is inf, must be in [0.5, 20] (km/h)"
            ]
        );
    }
}
