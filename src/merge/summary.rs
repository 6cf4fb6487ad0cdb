//! The merged summary.json: the parts' per-community and per-neighborhood
//! records one after the other, and the district's totals recomputed from
//! them.

use super::PlanPart;
use crate::error::{Error, Problem};
use crate::staffing::{StaffingRow, district_row, street_rows};
use serde_json::{Value, json};

/// The merged summary of `parts`.
pub fn merged(parts: &[PlanPart]) -> Result<Value, Error> {
    let all = |path: &[&str]| -> Vec<Value> {
        parts
            .iter()
            .flat_map(|p| at(&p.summary, path).as_array().cloned().unwrap_or_default())
            .collect()
    };
    let first = &parts[0].summary;
    let neighborhoods = all(&["neighborhoods"]);
    let partition_communities = all(&["partition", "communities"]);
    let staffing = staffing(parts, all(&["staffing", "communities"]))?;
    Ok(json!({
        "scenario": first["scenario"],
        "merged_from": parts.iter().map(|p| json!({
            "part": p.info.name,
            "communities": p.info.communities.len(),
            "households": p.info.households,
        })).collect::<Vec<_>>(),
        "neighborhoods": neighborhoods,
        "partition": {
            "communities": partition_communities,
            "overall": partition_overall(&neighborhoods, &partition_communities),
            "blocks": sum(parts, &["partition", "blocks"]),
            "units": sum(parts, &["partition", "units"]),
            "buildings_outside": sum(parts, &["partition", "buildings_outside"])
                - parts.iter().map(|p| p.info.guests.len() as u64).sum::<u64>(),
        },
        "blocks": blocks(parts, all(&["blocks", "communities"])),
        "staffing": staffing,
        "coverage": coverage(parts, all(&["coverage", "communities"]), all(&["coverage", "neighborhoods"])),
        "walking_reach": walking_reach(parts),
    }))
}

fn at<'a>(v: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().fold(v, |v, k| &v[*k])
}

/// The sum over the parts of a whole number.
fn sum(parts: &[PlanPart], path: &[&str]) -> u64 {
    parts
        .iter()
        .map(|p| at(&p.summary, path).as_u64().unwrap_or(0))
        .sum()
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// The district's neighborhood figures from the neighborhoods and the
/// communities' (a community's share within the band gives its count).
fn partition_overall(neighborhoods: &[Value], communities: &[Value]) -> Value {
    let mut hh: Vec<u64> = neighborhoods
        .iter()
        .map(|n| n["households"].as_u64().unwrap_or(0))
        .collect();
    hh.sort_unstable();
    let count = hh.len();
    let median = match count {
        0 => 0.0,
        n if n % 2 == 1 => hh[n / 2] as f64,
        n => (hh[n / 2 - 1] + hh[n / 2]) as f64 / 2.0,
    };
    let within: f64 = communities
        .iter()
        .map(|c| {
            (c["share_within_band"].as_f64().unwrap_or(0.0) * c["count"].as_f64().unwrap_or(0.0))
                .round()
        })
        .sum();
    let weighted = |k: &str| {
        let s: f64 = communities
            .iter()
            .map(|c| c[k].as_f64().unwrap_or(0.0) * c["count"].as_f64().unwrap_or(0.0))
            .sum();
        round4(s / count.max(1) as f64)
    };
    let mut flags = serde_json::Map::new();
    for c in communities {
        for (k, v) in c["flags"].as_object().into_iter().flatten() {
            let n = flags.get(k).and_then(Value::as_u64).unwrap_or(0) + v.as_u64().unwrap_or(0);
            flags.insert(k.clone(), n.into());
        }
    }
    json!({
        "id": "all",
        "count": count,
        "households": hh.iter().sum::<u64>(),
        "min_households": hh.first().copied().unwrap_or(0),
        "max_households": hh.last().copied().unwrap_or(0),
        "median_households": median,
        "share_within_band": if count == 0 { 0.0 } else { round4(within / count as f64) },
        "mean_polsby_popper": weighted("mean_polsby_popper"),
        "mean_convex_hull_ratio": weighted("mean_convex_hull_ratio"),
        "flags": flags,
    })
}

/// The blocks' counts, summed.
fn blocks(parts: &[PlanPart], communities: Vec<Value>) -> Value {
    let mut v = serde_json::Map::new();
    for k in [
        "blocks",
        "adjacent_pairs",
        "buildings_in_blocks",
        "households_in_blocks",
        "unresolved_crossings",
    ] {
        v.insert(k.into(), sum(parts, &["blocks", k]).into());
    }
    // What each part read counts its guests (another part's buildings);
    // what it plans does not.
    let buildings: usize = parts.iter().map(|p| p.info.buildings).sum();
    let households: u64 = parts.iter().map(|p| p.info.households).sum();
    v.insert("buildings_read".into(), buildings.into());
    v.insert("households_read".into(), households.into());
    v.insert("communities".into(), communities.into());
    v.into()
}

/// Staffing: the community rows, and the street and district rows made
/// again from them with the first part's standard.
fn staffing(parts: &[PlanPart], communities: Vec<Value>) -> Result<Value, Error> {
    let rows: Vec<StaffingRow> = communities
        .into_iter()
        .map(serde_json::from_value)
        .collect::<Result<_, _>>()
        .map_err(|e| {
            Error::Input(vec![Problem::file(
                "a part's summary.json",
                format!("staffing: {e}"),
            )])
        })?;
    let first = &parts[0].summary["staffing"]["standard"];
    let standard = crate::config::Staffing {
        min_neighborhoods_per_worker: first["min_neighborhoods_per_worker"]
            .as_f64()
            .unwrap_or(2.0),
        max_neighborhoods_per_worker: first["max_neighborhoods_per_worker"]
            .as_f64()
            .unwrap_or(3.0),
    };
    Ok(json!({
        "streets": street_rows(&rows, &standard),
        "district": district_row(&rows, &standard),
        "communities": rows,
        "standard": first,
        "patches": sum(parts, &["staffing", "patches"]),
    }))
}

/// staffing.csv from the merged summary's rows.
pub fn staffing_csv(summary: &Value) -> String {
    let s = &summary["staffing"];
    let rows =
        |v: &Value| -> Vec<StaffingRow> { serde_json::from_value(v.clone()).unwrap_or_default() };
    let district: Option<StaffingRow> = serde_json::from_value(s["district"].clone()).ok();
    match district {
        Some(d) => {
            crate::write::staffing::staffing_csv(&rows(&s["communities"]), &rows(&s["streets"]), &d)
        }
        None => String::new(),
    }
}

/// Coverage: the communities' and neighborhoods' records, and the
/// district's households covered per kind, summed.
fn coverage(parts: &[PlanPart], communities: Vec<Value>, neighborhoods: Vec<Value>) -> Value {
    let households = sum(parts, &["coverage", "overall", "households"]);
    let mut by_kind = serde_json::Map::new();
    for p in parts {
        for (k, v) in p.summary["coverage"]["overall"]["by_kind"]
            .as_object()
            .into_iter()
            .flatten()
        {
            let e = by_kind
                .entry(k.clone())
                .or_insert_with(|| json!({"covered": 0, "households": 0}));
            for f in ["covered", "households"] {
                e[f] = (e[f].as_u64().unwrap_or(0) + v[f].as_u64().unwrap_or(0)).into();
            }
        }
    }
    for v in by_kind.values_mut() {
        let (c, h) = (
            v["covered"].as_f64().unwrap_or(0.0),
            v["households"].as_f64().unwrap_or(0.0),
        );
        v["share"] = (if h > 0.0 { c / h } else { 0.0 }).into();
    }
    json!({
        "overall": {"id": "all", "households": households, "by_kind": by_kind,
            "households_left_out": sum(parts, &["coverage", "overall", "households_left_out"])},
        "communities": communities,
        "neighborhoods": neighborhoods,
    })
}

/// The walking reach's counts, summed; its mean weighted by neighborhoods.
fn walking_reach(parts: &[PlanPart]) -> Value {
    let mut v = serde_json::Map::new();
    for k in [
        "neighborhoods",
        "from_home",
        "from_service_point",
        "beyond_service_point_limit",
        "with_unreached_homes",
    ] {
        v.insert(k.into(), sum(parts, &["walking_reach", k]).into());
    }
    let n = sum(parts, &["walking_reach", "neighborhoods"]) as f64;
    let total: f64 = parts
        .iter()
        .map(|p| {
            let w = &p.summary["walking_reach"];
            w["mean_m"].as_f64().unwrap_or(0.0) * w["neighborhoods"].as_f64().unwrap_or(0.0)
        })
        .sum();
    let max = parts
        .iter()
        .filter_map(|p| p.summary["walking_reach"]["max_m"].as_f64())
        .fold(0.0, f64::max);
    v.insert(
        "mean_m".into(),
        ((total / n.max(1.0) * 10.0).round() / 10.0).into(),
    );
    v.insert("max_m".into(), max.into());
    v.into()
}
