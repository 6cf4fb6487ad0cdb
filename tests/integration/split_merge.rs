//! `linli split` → `linli plan` on each part → `linli merge` gives the
//! plan of the whole scenario: the same neighborhoods with the same codes
//! and figures, the same walking distance for every building, the same
//! staffing table and district totals.

use geo::{Area, BooleanOps, MultiPolygon};
use linli::read::{ReadOptions, ScenarioFiles};
use linli::split::{SplitBy, SplitOptions, split};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("linli-split-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// A layer's features by a property.
fn by(dir: &Path, layer: &str, key: &str) -> BTreeMap<String, Value> {
    let text = std::fs::read_to_string(dir.join(layer)).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["properties"][key].as_str().unwrap().to_string(),
                f.clone(),
            )
        })
        .collect()
}

fn area(g: &Value) -> MultiPolygon<f64> {
    let g: geojson::Geometry = serde_json::from_value(g.clone()).unwrap();
    match geo::Geometry::<f64>::try_from(g).unwrap() {
        geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
        geo::Geometry::MultiPolygon(m) => m,
        other => panic!("not an area: {other:?}"),
    }
}

/// Plans `files` whole and in parts; returns (whole, merged) plan folders.
fn whole_and_merged(files: &ScenarioFiles, how: SplitOptions, name: &str) -> (PathBuf, PathBuf) {
    let root = tmp(name);
    let opts = ReadOptions::default();
    let whole = root.join("whole");
    linli::plan::run_plan(files, &opts, 1, &whole).unwrap();
    let parts = split(files, &opts, &how).unwrap();
    assert!(parts.parts.len() > 1, "{name}: one part only");
    parts.write(&root.join("parts")).unwrap();
    let mut plans = Vec::new();
    for dir in linli::split::part_dirs(&root.join("parts")).unwrap() {
        let out = root.join("plans").join(dir.file_name().unwrap());
        let pf = ScenarioFiles::from_dir(&dir).unwrap();
        linli::plan::run_plan(&pf, &opts, 1, &out).unwrap();
        plans.push(out);
    }
    plans.reverse(); // any order
    let merged = linli::merge::merge(&plans).unwrap();
    merged.write(&root.join("merged")).unwrap();
    (whole, root.join("merged"))
}

fn assert_same_plan(whole: &Path, merged: &Path) {
    // Neighborhoods: the same codes, every figure the same, the same areas
    // (a border between two parts may carry other collinear vertices).
    let (a, b) = (
        by(whole, "neighborhoods.geojson", "code"),
        by(merged, "neighborhoods.geojson", "code"),
    );
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (code, fa) in &a {
        let fb = &b[code];
        assert_eq!(fa["properties"], fb["properties"], "{code}");
        let (ga, gb) = (area(&fa["geometry"]), area(&fb["geometry"]));
        let off = ga.xor(&gb).unsigned_area() / ga.unsigned_area();
        assert!(off < 1e-9, "{code}: {off} of its area differs");
    }
    // Every building's walking distances, to the centimetre.
    let (a, b) = (
        by(whole, "coverage.geojson", "id"),
        by(merged, "coverage.geojson", "id"),
    );
    assert_eq!(a.len(), b.len());
    for (id, fa) in &a {
        assert_eq!(fa, &b[id], "building {id}");
    }
    // Staffing: communities, streets and the district.
    let read = |d: &Path, f: &str| std::fs::read_to_string(d.join(f)).unwrap();
    assert_eq!(read(whole, "staffing.csv"), read(merged, "staffing.csv"));
    assert_eq!(
        read(whole, "roster.csv").lines().count(),
        read(merged, "roster.csv").lines().count()
    );
    let sum = |d: &Path| -> Value { serde_json::from_str(&read(d, "summary.json")).unwrap() };
    let (sa, sb) = (sum(whole), sum(merged));
    for k in [
        "count",
        "households",
        "min_households",
        "max_households",
        "median_households",
        "share_within_band",
        "flags",
    ] {
        assert_eq!(
            sa["partition"]["overall"][k], sb["partition"]["overall"][k],
            "partition.overall.{k}"
        );
    }
    assert_eq!(sa["staffing"]["district"], sb["staffing"]["district"]);
    for (kind, v) in sa["coverage"]["overall"]["by_kind"].as_object().unwrap() {
        assert_eq!(
            v["covered"], sb["coverage"]["overall"]["by_kind"][kind]["covered"],
            "{kind}"
        );
    }
    for k in [
        "blocks",
        "buildings_read",
        "households_read",
        "households_in_blocks",
    ] {
        assert_eq!(sa["blocks"][k], sb["blocks"][k], "blocks.{k}");
    }
    assert_eq!(
        sa["partition"]["buildings_outside"],
        sb["partition"]["buildings_outside"]
    );
}

#[test]
fn a_synth_district_in_four_parts_merges_into_its_whole_plan() {
    let p = linli::synth::SynthParams {
        households: 12_000,
        seed: 5,
        communities: Some(8),
        streets: Some(3),
    };
    let files = linli::synth::generate(&p).unwrap().scenario_files("synth");
    let how = SplitOptions {
        by: SplitBy::Community,
        parts: Some(4),
        halo_m: None,
    };
    let (whole, merged) = whole_and_merged(&files, how, "synth");
    assert_same_plan(&whole, &merged);
    let _ = std::fs::remove_dir_all(whole.parent().unwrap());
}

#[test]
fn the_demo_by_street_merges_into_its_whole_plan() {
    let how = SplitOptions {
        by: SplitBy::Street,
        parts: None,
        halo_m: None,
    };
    let (whole, merged) = whole_and_merged(&linli::demo::files(), how, "demo");
    assert_same_plan(&whole, &merged);
    let _ = std::fs::remove_dir_all(whole.parent().unwrap());
}

/// Community by community, the demo's parts hold buildings that straddle
/// into them from their neighbours (guests): their outlines shape the
/// blocks as in the whole plan, and only the part planning them counts
/// them.
#[test]
fn the_demo_by_community_with_straddling_buildings_merges_into_its_whole_plan() {
    let how = SplitOptions {
        by: SplitBy::Community,
        parts: Some(3),
        halo_m: None,
    };
    let files = linli::demo::files();
    let s = split(&files, &ReadOptions::default(), &how).unwrap();
    assert!(
        s.parts.iter().any(|p| !p.info.guests.is_empty()),
        "no guests"
    );
    let (whole, merged) = whole_and_merged(&files, how, "demo-communities");
    assert_same_plan(&whole, &merged);
    let _ = std::fs::remove_dir_all(whole.parent().unwrap());
}

#[test]
fn a_missing_part_is_named() {
    let root = tmp("missing");
    let how = SplitOptions {
        by: SplitBy::Street,
        parts: None,
        halo_m: None,
    };
    let s = split(&linli::demo::files(), &ReadOptions::default(), &how).unwrap();
    s.write(&root.join("parts")).unwrap();
    let dir = &linli::split::part_dirs(&root.join("parts")).unwrap()[0];
    let out = root.join("plan-1");
    linli::plan::run_plan(
        &ScenarioFiles::from_dir(dir).unwrap(),
        &ReadOptions::default(),
        1,
        &out,
    )
    .unwrap();
    let e = linli::merge::merge(&[out]).unwrap_err().to_string();
    assert!(e.contains("1 of 2 parts missing: part-002"), "{e}");
    let e = linli::merge::merge(&[root.join("nowhere")])
        .unwrap_err()
        .to_string();
    assert!(e.contains("part.json") && e.contains("linli split"), "{e}");
    let _ = std::fs::remove_dir_all(&root);
}
