//! Locked neighborhoods (issue 26): a polygon of the existing grid marked
//! `locked = true` comes back from `plan` and `redraw` with the same
//! geometry, byte for byte, and the same buildings; the rest of its
//! community is balanced around it and still tiles the community.

use geo::{Area, BooleanOps, MultiPolygon};
use linli::read::{ReadOptions, ScenarioFiles};
use serde_json::Value;
use std::path::{Path, PathBuf};

const LOCKED: [&str; 3] = ["WDK-01-B", "WDK-01-C", "WDK-05-C"];

fn out_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("locks-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// The demo with some grid polygons locked (WDK-01-C is above the band:
/// a lock keeps it all the same).
fn locked_demo(value: Value) -> (ScenarioFiles, Value) {
    let mut files = linli::demo::files();
    let mut grid: Value = serde_json::from_str(&files.files["neighborhoods.geojson"]).unwrap();
    for f in grid["features"].as_array_mut().unwrap() {
        if LOCKED.contains(&f["properties"]["id"].as_str().unwrap()) {
            f["properties"]["locked"] = value.clone();
        }
    }
    files
        .files
        .insert("neighborhoods.geojson".into(), grid.to_string().into());
    (files, grid)
}

fn features(path: &Path) -> Vec<Value> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["features"].as_array().unwrap().clone()
}

fn by_id<'a>(fs: &'a [Value], id: &str) -> &'a Value {
    fs.iter()
        .find(|f| f["properties"]["id"] == id)
        .unwrap_or_else(|| panic!("no {id}"))
}

fn polygons(f: &Value) -> MultiPolygon<f64> {
    let g: geojson::Geometry = serde_json::from_value(f["geometry"].clone()).unwrap();
    match geo::Geometry::<f64>::try_from(g).unwrap() {
        geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
        geo::Geometry::MultiPolygon(m) => m,
        other => panic!("{other:?}"),
    }
}

/// Every community is covered by its neighborhoods, no more, no less
/// (relative area of the difference).
fn assert_tiles(hoods: &[Value]) {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo/communities.geojson");
    for c in features(&demo) {
        let id = c["properties"]["id"].as_str().unwrap();
        let whole = polygons(&c);
        let parts: Vec<MultiPolygon<f64>> = hoods
            .iter()
            .filter(|h| h["properties"]["community"] == id)
            .map(polygons)
            .collect();
        let sum: f64 = parts.iter().map(|p| p.unsigned_area()).sum();
        let union = parts
            .iter()
            .fold(MultiPolygon(vec![]), |acc, p| acc.union(p));
        let rel = |a: f64| a / whole.unsigned_area();
        assert!(
            rel((sum - union.unsigned_area()).abs()) < 1e-6,
            "{id}: overlap"
        );
        assert!(rel(whole.xor(&union).unsigned_area()) < 1e-6, "{id}: gap");
    }
}

/// The households the roster lists in neighborhood `id`.
fn roster_households(dir: &Path, id: &str) -> u64 {
    let text = std::fs::read_to_string(dir.join("roster.csv")).unwrap();
    let hoods = std::fs::read_to_string(dir.join("neighborhoods.csv")).unwrap();
    let code = hoods
        .lines()
        .find(|l| l.split(',').nth(2) == Some(id))
        .and_then(|l| l.split(',').next())
        .unwrap()
        .to_string();
    text.lines()
        .filter(|l| l.split(',').nth(3) == Some(code.as_str()))
        .map(|l| l.split(',').nth(7).unwrap().parse::<u64>().unwrap())
        .sum()
}

#[test]
fn a_plan_keeps_locked_neighborhoods_exactly() {
    let (files, grid) = locked_demo(Value::Bool(true));
    let d = out_dir("plan");
    linli::plan::run_plan(&files, &ReadOptions::default(), 1, &d).unwrap();
    let hoods = features(&d.join("neighborhoods.geojson"));
    let audit = features(&d.join("audit.geojson"));
    let grid = grid["features"].as_array().unwrap().clone();
    for id in LOCKED {
        let (was, now) = (by_id(&grid, id), by_id(&hoods, id));
        assert_eq!(
            was["geometry"].to_string(),
            now["geometry"].to_string(),
            "{id}: geometry changed"
        );
        // The same buildings: the audit counts the grid polygon's.
        assert_eq!(
            now["properties"]["households"],
            by_id(&audit, id)["properties"]["households"],
            "{id}"
        );
        assert_eq!(
            roster_households(&d, id),
            now["properties"]["households"].as_u64().unwrap()
        );
    }
    // WDK-01-C stays above the band; the rest of WDK-01 is balanced.
    for h in hoods.iter().filter(|h| {
        h["properties"]["community"] == "WDK-01"
            && !LOCKED.contains(&h["properties"]["id"].as_str().unwrap())
    }) {
        let n = h["properties"]["households"].as_u64().unwrap();
        assert!((200..=400).contains(&n), "{h}");
    }
    assert_tiles(&hoods);
    // Ids are unique: generated ones skip the locked ones'.
    let mut ids: Vec<&str> = hoods
        .iter()
        .map(|h| h["properties"]["id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

#[test]
fn a_redraw_keeps_locked_neighborhoods_exactly() {
    let (files, grid) = locked_demo(Value::String("是".into()));
    let d = out_dir("redraw");
    linli::plan::commands::run_redraw(
        &files,
        &ReadOptions::default(),
        1,
        false,
        &d,
        &linli::model::progress::Silent,
    )
    .unwrap();
    let hoods = features(&d.join("neighborhoods.geojson"));
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("redraw_summary.json")).unwrap())
            .unwrap();
    let grid = grid["features"].as_array().unwrap().clone();
    for id in LOCKED {
        assert_eq!(
            by_id(&grid, id)["geometry"].to_string(),
            by_id(&hoods, id)["geometry"].to_string(),
            "{id}: geometry changed"
        );
        let row = summary["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap();
        assert_eq!(row["change"], "kept", "{row}");
    }
    // Unlocked, WDK-01-C (511 households) is redrawn.
    let d2 = out_dir("redraw-unlocked");
    linli::plan::commands::run_redraw(
        &linli::demo::files(),
        &ReadOptions::default(),
        1,
        false,
        &d2,
        &linli::model::progress::Silent,
    )
    .unwrap();
    let plain = features(&d2.join("neighborhoods.geojson"));
    assert_ne!(
        by_id(&plain, "WDK-01-C")["properties"]["households"],
        by_id(&hoods, "WDK-01-C")["properties"]["households"]
    );
    assert_tiles(&hoods);
}

#[test]
fn a_wrong_locked_value_is_named() {
    let (files, _) = locked_demo(Value::String("maybe".into()));
    let e = linli::pipeline::load(&files, &ReadOptions::default()).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("neighborhoods.geojson") && text.contains("locked is \"maybe\""),
        "{text}"
    );
}
