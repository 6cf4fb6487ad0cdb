//! Bad input gets a clear error naming the file, the feature (index and id)
//! and what is wrong, with a hint where one helps; no input makes linli panic.
//!
//! The corpus is `tests/data/bad/`, written by `make_corpus.py` there: a small
//! valid scenario (`valid_baseline`) and one folder per defect.

use linli::error::{Error, Problem};
use linli::pipeline;
use linli::read::{Loaded, ReadOptions, ScenarioFiles, read_scenario};
use serde_json::{Value, json};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Every folder of the corpus; `corpus_is_complete` checks the list.
const CASES: &[&str] = &[
    "bad_toml_bad_value",
    "bad_toml_unknown_key",
    "bad_toml_wrong_type",
    "building_outside",
    "duplicate_ids",
    "empty_buildings",
    "facility_without_kind",
    "invalid_json",
    "missing_roads",
    "nan_households",
    "negative_households",
    "non_numeric_households",
    "not_feature_collection",
    "null_geometry",
    "overlapping_communities",
    "point_with_one_number",
    "position_with_one_number",
    "projected_coordinates",
    "self_intersecting_building",
    "self_intersecting_community",
    "single_feature",
    "staff_csv_unknown_community",
    "too_few_positions_line",
    "too_few_positions_ring",
    "unclosed_ring",
    "unknown_community_kind",
    "valid_baseline",
    "wrong_geometry_type_buildings",
    "wrong_geometry_type_roads",
];

/// Households of the baseline's buildings b1–b5 (b6 is estimated).
const GIVEN_HOUSEHOLDS: u64 = 40 + 60 + 80 + 100 + 30;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad")
}

fn files(case: &str) -> ScenarioFiles {
    ScenarioFiles::from_dir(&corpus().join(case)).expect("a corpus folder")
}

fn read(case: &str) -> Result<Loaded, Error> {
    read_scenario(&files(case), &ReadOptions::default())
}

/// The problems reading `case` reports, and the whole message.
fn problems(case: &str) -> (Vec<Problem>, String) {
    match read(case) {
        Ok(_) => panic!("{case}: read without error"),
        Err(e) => {
            let text = e.to_string();
            match e {
                Error::Input(p) => (p, text),
                other => panic!("{case}: not an input error: {other}"),
            }
        }
    }
}

/// What one problem must say.
struct Expect<'a> {
    /// File name (after the folder), e.g. `roads.geojson`.
    file: &'a str,
    /// Feature index and id.
    feature: Option<(usize, Option<&'a str>)>,
    /// Pieces of the description.
    what: &'a [&'a str],
    /// A piece of the hint, when there must be one.
    hint: Option<&'a str>,
}

/// Checks a problem's fields and how it reads in the message.
fn check(case: &str, p: &Problem, message: &str, e: &Expect) {
    let ctx = format!("{case}: {p:?}\n--- message:\n{message}");
    let path = format!("{case}/{}", e.file);
    assert!(
        p.file.ends_with(&path),
        "file should end with {path}: {ctx}"
    );
    // The line as the user sees it: file, feature, id, then what is wrong.
    let mut head = p.file.clone();
    match e.feature {
        Some((i, id)) => {
            assert_eq!(p.feature, Some(i), "feature index: {ctx}");
            assert_eq!(p.id.as_deref(), id, "feature id: {ctx}");
            head.push_str(&format!(": feature {i}"));
            if let Some(id) = id {
                head.push_str(&format!(" (id {id:?})"));
            }
        }
        None => assert_eq!(p.feature, None, "no feature expected: {ctx}"),
    }
    head.push_str(": ");
    assert!(message.contains(&head), "message lacks {head:?}: {ctx}");
    for w in e.what {
        assert!(p.what.contains(w), "what should contain {w:?}: {ctx}");
    }
    let line = message
        .lines()
        .find(|l| l.contains(&head))
        .expect("the problem's line");
    assert!(
        e.what.iter().all(|w| line.contains(w)),
        "the line should say {:?}: {ctx}",
        e.what
    );
    if let Some(h) = e.hint {
        let hint = p
            .hint
            .as_deref()
            .unwrap_or_else(|| panic!("no hint: {ctx}"));
        assert!(hint.contains(h), "hint should contain {h:?}: {ctx}");
        assert!(
            message.contains(&format!("hint: {hint}")),
            "message lacks the hint: {ctx}"
        );
    }
}

/// Reading `case` reports exactly one problem, as `e` says.
fn expect_one(case: &str, e: Expect) -> Problem {
    let (ps, message) = problems(case);
    assert_eq!(ps.len(), 1, "{case}: one problem expected:\n{message}");
    assert!(
        message.starts_with("the scenario has 1 problem:"),
        "{message}"
    );
    check(case, &ps[0], &message, &e);
    ps[0].clone()
}

// ---------------------------------------------------------------------------
// The corpus itself.

#[test]
fn corpus_is_complete() {
    let mut on_disk: Vec<String> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    assert_eq!(on_disk, CASES, "tests/data/bad/ and CASES differ");
}

#[test]
fn valid_baseline_reads_and_makes_four_blocks() {
    let loaded = read("valid_baseline").unwrap();
    let s = &loaded.scenario;
    assert_eq!(s.communities.len(), 1);
    assert_eq!(s.communities[0].id, "C1");
    assert_eq!(s.communities[0].social_workers, Some(2), "staff.csv wins");
    assert_eq!(s.buildings.len(), 6);
    assert_eq!(s.facilities.len(), 1);
    assert_eq!(loaded.report.estimated_buildings, 1);
    let set = pipeline::blocks(&loaded).unwrap();
    assert_eq!(set.blocks.len(), 4, "two crossing roads cut C1 in four");
    assert!(set.outside_buildings.is_empty());
    assert!(set.warnings.is_empty(), "{:?}", set.warnings);
    let summary = linli::write::blocks::summarize(&loaded, &set);
    assert_eq!(summary.buildings_in_blocks, 6);
    assert_eq!(summary.households_in_blocks, summary.households_read);
    assert_eq!(
        summary.households_read,
        GIVEN_HOUSEHOLDS + loaded.report.estimated_households
    );
}

// ---------------------------------------------------------------------------
// One test per defect.

#[test]
fn not_feature_collection() {
    expect_one(
        "not_feature_collection",
        Expect {
            file: "roads.geojson",
            feature: None,
            what: &["is a bare Geometry, not a FeatureCollection"],
            hint: Some("wrap it"),
        },
    );
}

#[test]
fn single_feature() {
    expect_one(
        "single_feature",
        Expect {
            file: "roads.geojson",
            feature: None,
            what: &["is a single Feature, not a FeatureCollection"],
            hint: Some("FeatureCollection"),
        },
    );
}

#[test]
fn invalid_json() {
    expect_one(
        "invalid_json",
        Expect {
            file: "buildings.geojson",
            feature: None,
            what: &["is not valid JSON", "EOF", "line 4"],
            hint: Some("cut short"),
        },
    );
}

#[test]
fn wrong_geometry_type_roads() {
    expect_one(
        "wrong_geometry_type_roads",
        Expect {
            file: "roads.geojson",
            feature: Some((1, Some("r2"))),
            what: &["is a Point", "this layer takes LineString"],
            hint: Some("move Point features to the right layer"),
        },
    );
}

#[test]
fn wrong_geometry_type_buildings() {
    expect_one(
        "wrong_geometry_type_buildings",
        Expect {
            file: "buildings.geojson",
            feature: Some((2, Some("b3"))),
            what: &[
                "is a LineString",
                "this layer takes Polygon, MultiPolygon or Point",
            ],
            hint: Some("move LineString features"),
        },
    );
}

#[test]
fn unclosed_ring() {
    expect_one(
        "unclosed_ring",
        Expect {
            file: "buildings.geojson",
            feature: Some((1, Some("b2"))),
            what: &["exterior ring is not closed"],
            hint: None,
        },
    );
}

#[test]
fn self_intersecting_building() {
    expect_one(
        "self_intersecting_building",
        Expect {
            file: "buildings.geojson",
            feature: Some((2, Some("b3"))),
            what: &["invalid polygon", "self-intersection"],
            hint: Some("Fix geometries"),
        },
    );
}

#[test]
fn self_intersecting_community() {
    // One problem: staff.csv's line for C1 is not reported again.
    expect_one(
        "self_intersecting_community",
        Expect {
            file: "communities.geojson",
            feature: Some((0, Some("C1"))),
            what: &["invalid polygon", "self-intersection"],
            hint: Some("Fix geometries"),
        },
    );
}

#[test]
fn empty_buildings() {
    expect_one(
        "empty_buildings",
        Expect {
            file: "buildings.geojson",
            feature: None,
            what: &["has no features"],
            hint: Some("cannot be empty"),
        },
    );
}

#[test]
fn negative_households() {
    expect_one(
        "negative_households",
        Expect {
            file: "buildings.geojson",
            feature: Some((1, Some("b2"))),
            what: &["households is negative (-5)"],
            hint: Some("non-negative number"),
        },
    );
}

#[test]
fn nan_households() {
    expect_one(
        "nan_households",
        Expect {
            file: "buildings.geojson",
            feature: Some((1, Some("b2"))),
            what: &["households is \"NaN\", not a number"],
            hint: Some("non-negative number"),
        },
    );
}

#[test]
fn non_numeric_households() {
    expect_one(
        "non_numeric_households",
        Expect {
            file: "buildings.geojson",
            feature: Some((1, Some("b2"))),
            what: &["households is \"abc\", not a number"],
            hint: Some("non-negative number"),
        },
    );
}

#[test]
fn projected_coordinates_name_the_crs_to_pass() {
    let (ps, message) = problems("projected_coordinates");
    // One problem per layer, at its first feature.
    let expected = [
        ("buildings.geojson", "b1"),
        ("communities.geojson", "C1"),
        ("facilities.geojson", "fac1"),
        ("roads.geojson", "r1"),
    ];
    assert_eq!(ps.len(), expected.len(), "{message}");
    for (p, (file, id)) in ps.iter().zip(expected) {
        check(
            "projected_coordinates",
            p,
            &message,
            &Expect {
                file,
                feature: Some((0, Some(id))),
                what: &["coordinate (39", "is not a longitude/latitude"],
                // CGCS2000 3° Gauss-Krüger zone 39 with the zone prefix.
                hint: Some("pass --crs EPSG:4527"),
            },
        );
    }
}

#[test]
fn projected_coordinates_read_with_the_suggested_crs() {
    let opts = ReadOptions {
        crs: Some("EPSG:4527".into()),
        ..Default::default()
    };
    let loaded = read_scenario(&files("projected_coordinates"), &opts).unwrap();
    let base = read("valid_baseline").unwrap();
    let set = pipeline::blocks(&loaded).unwrap();
    assert_eq!(set.blocks.len(), 4);
    assert!(set.outside_buildings.is_empty());
    assert_eq!(
        loaded.report.estimated_households,
        base.report.estimated_households
    );
    // Same place on the ground, within a few centimetres.
    for (a, b) in loaded
        .scenario
        .buildings
        .iter()
        .zip(&base.scenario.buildings)
    {
        let (pa, pb) = (
            loaded.projector.to_lonlat(a.location.x(), a.location.y()),
            base.projector.to_lonlat(b.location.x(), b.location.y()),
        );
        let d = ((pa.0 - pb.0) * 85_000.0).hypot((pa.1 - pb.1) * 111_000.0);
        assert!(d < 0.05, "{}: {d} m apart", a.id);
    }
}

#[test]
fn duplicate_ids() {
    expect_one(
        "duplicate_ids",
        Expect {
            file: "buildings.geojson",
            feature: Some((1, Some("b1"))),
            what: &["repeats the id of feature 0"],
            hint: Some("unique"),
        },
    );
}

#[test]
fn missing_roads() {
    expect_one(
        "missing_roads",
        Expect {
            file: "roads.geojson",
            feature: None,
            what: &["is missing"],
            hint: Some("buildings.geojson and roads.geojson"),
        },
    );
}

#[test]
fn bad_toml_unknown_key() {
    expect_one(
        "bad_toml_unknown_key",
        Expect {
            file: "scenario.toml",
            feature: None,
            what: &["unknown field `urbn`", "`urban`"],
            hint: Some("scenario.toml"),
        },
    );
}

#[test]
fn bad_toml_bad_value() {
    expect_one(
        "bad_toml_bad_value",
        Expect {
            file: "scenario.toml",
            feature: None,
            what: &["targets.tolerance is 1.5, must be in (0, 1)"],
            hint: None,
        },
    );
}

#[test]
fn bad_toml_wrong_type() {
    expect_one(
        "bad_toml_wrong_type",
        Expect {
            file: "scenario.toml",
            feature: None,
            what: &["invalid type", "\"three hundred\""],
            hint: Some("scenario.toml"),
        },
    );
}

#[test]
fn unknown_community_kind() {
    // One problem: staff.csv's line for C1 is not reported again.
    expect_one(
        "unknown_community_kind",
        Expect {
            file: "communities.geojson",
            feature: Some((0, Some("C1"))),
            what: &["kind \"suburb\" is not known"],
            hint: Some("urban, rural or resettlement"),
        },
    );
}

#[test]
fn staff_csv_unknown_community() {
    expect_one(
        "staff_csv_unknown_community",
        Expect {
            file: "staff.csv, line 2",
            feature: None,
            what: &["community \"C9\" is not in communities.geojson"],
            hint: Some("community id"),
        },
    );
}

#[test]
fn facility_without_kind() {
    expect_one(
        "facility_without_kind",
        Expect {
            file: "facilities.geojson",
            feature: Some((0, Some("fac1"))),
            what: &["has no kind"],
            hint: Some("set kind"),
        },
    );
}

#[test]
fn too_few_positions_line() {
    expect_one(
        "too_few_positions_line",
        Expect {
            file: "roads.geojson",
            feature: Some((0, Some("r1"))),
            what: &["a line has 1 position(s), needs at least 2"],
            hint: None,
        },
    );
}

#[test]
fn too_few_positions_ring() {
    expect_one(
        "too_few_positions_ring",
        Expect {
            file: "buildings.geojson",
            feature: Some((1, Some("b2"))),
            what: &["exterior ring has 3 position(s); a ring needs at least 4"],
            hint: None,
        },
    );
}

#[test]
fn position_with_one_number() {
    expect_one(
        "position_with_one_number",
        Expect {
            file: "roads.geojson",
            feature: Some((1, Some("r2"))),
            what: &["a position has 1 number(s), needs 2"],
            hint: None,
        },
    );
}

#[test]
fn point_with_one_number() {
    // The GeoJSON parser itself rejects it; still named by feature and id.
    expect_one(
        "point_with_one_number",
        Expect {
            file: "facilities.geojson",
            feature: Some((0, Some("fac1"))),
            what: &["is not a valid GeoJSON Feature", "two or more elements"],
            hint: None,
        },
    );
}

#[test]
fn null_geometry() {
    expect_one(
        "null_geometry",
        Expect {
            file: "buildings.geojson",
            feature: Some((3, Some("b4"))),
            what: &["has no geometry"],
            hint: None,
        },
    );
}

#[test]
fn overlapping_communities_fail_in_the_blocks_stage() {
    let loaded = read("overlapping_communities").expect("reading succeeds");
    let e = pipeline::blocks(&loaded).expect_err("overlap is an error");
    let message = e.to_string();
    let Error::Input(ps) = e else {
        panic!("not an input error: {message}")
    };
    assert_eq!(ps.len(), 1, "{message}");
    assert!(ps[0].file.ends_with("communities.geojson"), "{message}");
    assert!(
        message.contains("communities \"C1\" and \"C2\" overlap"),
        "{message}"
    );
    assert!(
        ps[0].hint.as_deref().unwrap_or("").contains("tile"),
        "{message}"
    );
}

#[test]
fn building_outside_is_counted_and_kept_out_of_blocks() {
    let loaded = read("building_outside").unwrap();
    let s = &loaded.scenario;
    let b7 = s.buildings.iter().position(|b| b.id == "b7").unwrap();
    assert_eq!(s.buildings[b7].households, 25);
    let set = pipeline::blocks(&loaded).unwrap();
    assert_eq!(set.blocks.len(), 4);
    assert_eq!(set.outside_buildings, vec![b7]);
    assert!(set.blocks.iter().all(|b| !b.buildings.contains(&b7)));
    assert!(
        set.warnings
            .iter()
            .any(|w| w.contains("outside every community") && w.contains("b7")),
        "{:?}",
        set.warnings
    );
    let summary = linli::write::blocks::summarize(&loaded, &set);
    assert_eq!(summary.buildings_outside, vec!["b7".to_string()]);
    assert_eq!(summary.buildings_read, 7);
    assert_eq!(summary.buildings_in_blocks, 6);
    assert_eq!(summary.households_in_blocks, summary.households_read - 25);
    assert_eq!(
        summary.communities[0].households,
        summary.households_in_blocks
    );
}

// ---------------------------------------------------------------------------
// No panic, whatever the input.

/// Reads, builds blocks and summarizes; records a panic as a failure.
fn survives(label: &str, files: &ScenarioFiles, opts: &ReadOptions, log: &mut Log) {
    let t = Instant::now();
    let r = catch_unwind(AssertUnwindSafe(|| {
        let loaded = read_scenario(files, opts).ok()?;
        let set = pipeline::blocks(&loaded).ok()?;
        let _ = linli::write::blocks::summarize(&loaded, &set);
        Some(())
    }));
    let took = t.elapsed();
    log.runs += 1;
    if took > log.slowest.0 {
        log.slowest = (took, label.to_string());
    }
    if let Ok(Some(())) = r {
        log.blocks += 1;
    }
    if let Err(payload) = r {
        let msg = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        log.panics.push(format!("{label}: {msg}"));
    }
}

#[derive(Default)]
struct Log {
    runs: usize,
    /// Runs that got through the blocks stage.
    blocks: usize,
    panics: Vec<String>,
    slowest: (Duration, String),
}

impl Log {
    fn assert_no_panic(&self) {
        println!(
            "{} runs ({} through blocks), slowest {:.3} s ({})",
            self.runs,
            self.blocks,
            self.slowest.0.as_secs_f64(),
            self.slowest.1
        );
        assert!(
            self.panics.is_empty(),
            "{} of {} runs panicked:\n{}",
            self.panics.len(),
            self.runs,
            self.panics.join("\n")
        );
    }
}

fn with_file(base: &ScenarioFiles, name: &str, text: Option<String>) -> ScenarioFiles {
    let mut f = base.clone();
    match text {
        Some(t) => f.files.insert(name.to_string(), t.into()),
        None => f.files.remove(name),
    };
    f
}

/// JSON pointers to every node of a value.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                pointers(c, format!("{at}/{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                pointers(c, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

const GEOMETRY_TYPES: [&str; 7] = [
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// Well-formed geometries of every type inside the baseline's community.
fn sample_geometries() -> Vec<Value> {
    let p = json!([116.3310, 39.9911]);
    let line = json!([[116.3301, 39.9901], [116.3322, 39.9917]]);
    let ring = json!([
        [116.3307, 39.9903],
        [116.3309, 39.9903],
        [116.3309, 39.9905],
        [116.3307, 39.9905],
        [116.3307, 39.9903]
    ]);
    vec![
        json!({"type": "Point", "coordinates": p}),
        json!({"type": "MultiPoint", "coordinates": [p, p]}),
        json!({"type": "LineString", "coordinates": line}),
        json!({"type": "MultiLineString", "coordinates": [line, line]}),
        json!({"type": "Polygon", "coordinates": [ring]}),
        json!({"type": "MultiPolygon", "coordinates": [[ring], [ring]]}),
        json!({"type": "GeometryCollection", "geometries": [
            {"type": "Point", "coordinates": p},
            {"type": "Polygon", "coordinates": [ring]}
        ]}),
        json!({"type": "Polygon", "coordinates": []}),
        json!({"type": "MultiPolygon", "coordinates": []}),
        json!({"type": "MultiPolygon", "coordinates": [[]]}),
        json!({"type": "LineString", "coordinates": []}),
        json!({"type": "GeometryCollection", "geometries": []}),
        Value::Null,
    ]
}

/// Every mutation of one JSON layer: numbers, strings, members, arrays,
/// geometry types and whole geometries replaced.
fn json_mutations(text: &str) -> Vec<(String, String)> {
    let root: Value = serde_json::from_str(text).unwrap();
    let mut ptrs = Vec::new();
    pointers(&root, String::new(), &mut ptrs);
    let numbers = [
        json!(0),
        json!(-1),
        json!(-0.0),
        json!(1e-300),
        json!(180.0),
        json!(-180.0),
        json!(90.0),
        json!(-90.0),
        json!(89.9999999),
        json!(180.0000001),
        json!(1e9),
        json!(-1e9),
        json!(4.0e7),
        json!(1e300),
        json!(-1e300),
        json!(u64::MAX),
        json!(i64::MIN),
    ];
    let mut out: Vec<(String, Value)> = Vec::new();
    let mut edit = |label: String, ptr: &str, f: &dyn Fn(&mut Value)| {
        let mut v = root.clone();
        if let Some(node) = v.pointer_mut(ptr) {
            f(node);
            out.push((label, v));
        }
    };
    for ptr in &ptrs {
        let node = root.pointer(ptr).unwrap();
        match node {
            Value::Number(_) => {
                for n in &numbers {
                    edit(format!("{ptr} = {n}"), ptr, &|v| *v = n.clone());
                }
                edit(format!("{ptr} = \"NaN\""), ptr, &|v| *v = json!("NaN"));
            }
            Value::String(_) => {
                for s in ["", "NaN", "-inf", "1e999", "urban", "b1", " "] {
                    edit(format!("{ptr} = {s:?}"), ptr, &|v| *v = json!(s));
                }
                edit(format!("{ptr} = 7"), ptr, &|v| *v = json!(7));
            }
            Value::Object(m) => {
                for key in m.keys() {
                    edit(format!("{ptr} drop {key}"), ptr, &|v| {
                        v.as_object_mut().unwrap().remove(key);
                    });
                }
                edit(format!("{ptr} = {{}}"), ptr, &|v| *v = json!({}));
                edit(format!("{ptr} = null"), ptr, &|v| *v = Value::Null);
                if m.contains_key("coordinates") || m.contains_key("geometries") {
                    for t in GEOMETRY_TYPES {
                        edit(format!("{ptr} type {t}"), ptr, &|v| v["type"] = json!(t));
                    }
                    for (j, g) in sample_geometries().into_iter().enumerate() {
                        edit(format!("{ptr} = sample {j}"), ptr, &|v| *v = g.clone());
                    }
                }
            }
            Value::Array(a) => {
                edit(format!("{ptr} = []"), ptr, &|v| *v = json!([]));
                if !a.is_empty() {
                    edit(format!("{ptr} drop first"), ptr, &|v| {
                        v.as_array_mut().unwrap().remove(0);
                    });
                    edit(format!("{ptr} repeat first"), ptr, &|v| {
                        let first = v[0].clone();
                        v.as_array_mut().unwrap().insert(0, first);
                    });
                    edit(format!("{ptr} reverse"), ptr, &|v| {
                        v.as_array_mut().unwrap().reverse();
                    });
                }
                edit(format!("{ptr} = 1"), ptr, &|v| *v = json!(1));
            }
            _ => edit(format!("{ptr} = 0"), ptr, &|v| *v = json!(0)),
        }
    }
    out.into_iter()
        .map(|(l, v)| (l, serde_json::to_string(&v).unwrap()))
        .collect()
}

/// Every coordinate of a layer replaced by each longitude (or latitude) that
/// occurs in the scenario: coincident vertices, collinear and zero-length
/// segments, rings touching themselves, lines along borders.
fn snap_mutations(text: &str, pool: &[Vec<f64>; 2]) -> Vec<(String, String)> {
    let root: Value = serde_json::from_str(text).unwrap();
    let mut ptrs = Vec::new();
    pointers(&root, String::new(), &mut ptrs);
    let mut out = Vec::new();
    for ptr in ptrs.iter().filter(|p| p.contains("/coordinates/")) {
        if !root.pointer(ptr).unwrap().is_number() {
            continue;
        }
        let axis = usize::from(ptr.ends_with("/1"));
        for &x in &pool[axis] {
            let mut v = root.clone();
            *v.pointer_mut(ptr).unwrap() = json!(x);
            out.push((format!("{ptr} = {x}"), serde_json::to_string(&v).unwrap()));
        }
    }
    out
}

/// The distinct longitudes and latitudes of a scenario's layers.
fn coordinate_pool(files: &ScenarioFiles) -> [Vec<f64>; 2] {
    let mut pool = [Vec::new(), Vec::new()];
    for (name, text) in &files.files {
        if !name.ends_with(".geojson") {
            continue;
        }
        let root: Value = serde_json::from_str(text).unwrap();
        let mut ptrs = Vec::new();
        pointers(&root, String::new(), &mut ptrs);
        for ptr in ptrs.iter().filter(|p| p.contains("/coordinates/")) {
            if let Some(x) = root.pointer(ptr).and_then(Value::as_f64) {
                pool[usize::from(ptr.ends_with("/1"))].push(x);
            }
        }
    }
    for axis in &mut pool {
        axis.sort_by(f64::total_cmp);
        axis.dedup();
    }
    pool
}

/// Cuts a text at about `n` places (on character boundaries).
fn truncations(text: &str, n: usize) -> Vec<String> {
    let step = (text.len() / n).max(1);
    let mut cuts: Vec<usize> = (0..text.len()).step_by(step).collect();
    cuts.extend(text.len().saturating_sub(4)..text.len());
    cuts.into_iter()
        .filter(|&i| text.is_char_boundary(i))
        .map(|i| text[..i].to_string())
        .collect()
}

#[test]
fn no_panic_on_the_corpus() {
    let mut log = Log::default();
    for case in CASES {
        let f = files(case);
        survives(case, &f, &ReadOptions::default(), &mut log);
        for crs in [
            "EPSG:4527",
            "EPSG:4549",
            "EPSG:3857",
            "EPSG:32650",
            "EPSG:4326",
        ] {
            let opts = ReadOptions {
                crs: Some(crs.into()),
                ..Default::default()
            };
            survives(&format!("{case} --crs {crs}"), &f, &opts, &mut log);
        }
    }
    log.assert_no_panic();
}

#[test]
fn no_panic_on_truncated_or_missing_files() {
    let base = files("valid_baseline");
    let opts = ReadOptions::default();
    let mut log = Log::default();
    for (name, text) in &base.files {
        survives(
            &format!("without {name}"),
            &with_file(&base, name, None),
            &opts,
            &mut log,
        );
        for (i, cut) in truncations(text, 60).into_iter().enumerate() {
            let f = with_file(&base, name, Some(cut));
            survives(&format!("{name} truncated #{i}"), &f, &opts, &mut log);
        }
    }
    log.assert_no_panic();
}

#[test]
fn no_panic_on_mutated_layers() {
    let base = files("valid_baseline");
    let opts = ReadOptions::default();
    let mut log = Log::default();
    for (name, text) in &base.files {
        if !name.ends_with(".geojson") {
            continue;
        }
        for (label, mutated) in json_mutations(text) {
            let f = with_file(&base, name, Some(mutated));
            survives(&format!("{name} {label}"), &f, &opts, &mut log);
        }
        // Not a FeatureCollection at all.
        for other in [
            "[]",
            "{}",
            "null",
            "\"x\"",
            "1",
            "",
            " ",
            "\u{feff}{}",
            r#"{"type":"FeatureCollection"}"#,
            r#"{"type":"FeatureCollection","features":{}}"#,
            r#"{"type":"FeatureCollection","features":[null, 1, "x", []]}"#,
            r#"{"type":"Feature"}"#,
            r#"{"type":"GeometryCollection","geometries":[]}"#,
            r#"{"type":"Topology"}"#,
            "{\"type\":\"FeatureCollection\",\"features\":[]}\u{0}",
        ] {
            let f = with_file(&base, name, Some(other.to_string()));
            survives(&format!("{name} = {other:?}"), &f, &opts, &mut log);
        }
    }
    log.assert_no_panic();
}

#[test]
fn no_panic_on_snapped_coordinates() {
    let base = files("valid_baseline");
    let pool = coordinate_pool(&base);
    let opts = ReadOptions::default();
    let mut log = Log::default();
    for (name, text) in &base.files {
        if name.ends_with(".geojson") {
            for (label, mutated) in snap_mutations(text, &pool) {
                let f = with_file(&base, name, Some(mutated));
                survives(&format!("{name} {label}"), &f, &opts, &mut log);
            }
        }
    }
    log.assert_no_panic();
}

/// A FeatureCollection of the given geometries, ids `<prefix><n>`.
fn layer(prefix: &str, props: Value, geometries: &[Value]) -> String {
    let features: Vec<Value> = geometries
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let mut p = props.clone();
            p["id"] = json!(format!("{prefix}{}", i + 1));
            json!({"type": "Feature", "properties": p, "geometry": g})
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

fn line(ps: &[[f64; 2]]) -> Value {
    json!({"type": "LineString", "coordinates": ps})
}

fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<[f64; 2]> {
    vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
}

fn poly(rings: &[Vec<[f64; 2]>]) -> Value {
    json!({"type": "Polygon", "coordinates": rings})
}

/// Valid but awkward geometry that reaches the blocks stage.
#[test]
fn no_panic_on_odd_but_valid_geometry() {
    let base = files("valid_baseline");
    let opts = ReadOptions::default();
    let mut log = Log::default();
    let (w, s, e, n) = (116.3300, 39.9900, 116.3323, 39.9918);
    let (mx, my) = (116.33115, 39.9909);
    let eps = 1e-9;
    let roads: Vec<(&str, Vec<Value>)> = vec![
        (
            "no roads inside",
            vec![line(&[[117.0, 40.0], [117.1, 40.1]])],
        ),
        ("zero-length road", vec![line(&[[mx, my], [mx, my]])]),
        (
            "road of repeated vertices",
            vec![line(&[[mx, s], [mx, s], [mx, my], [mx, my], [mx, n]])],
        ),
        (
            "road along the border",
            vec![line(&[[w, s], [e, s], [e, n], [w, n], [w, s]])],
        ),
        (
            "road back and forth",
            vec![line(&[[w, my], [e, my], [w, my], [e, my]])],
        ),
        (
            "collinear overlapping roads",
            vec![line(&[[w, my], [mx, my]]), line(&[[w, my], [e, my]])],
        ),
        (
            "road through corners",
            vec![line(&[[w, s], [e, n]]), line(&[[w, n], [e, s]])],
        ),
        (
            "road ending on the border",
            vec![line(&[[mx, s], [mx, my]])],
        ),
        (
            "dangling road inside",
            vec![line(&[[mx, my], [mx + 0.0002, my]])],
        ),
        (
            "roads a nanodegree apart",
            vec![
                line(&[[w, my], [e, my]]),
                line(&[[w, my + eps], [e, my + eps]]),
            ],
        ),
        (
            "road almost on the border",
            vec![line(&[[w - 0.001, s + eps], [e + 0.001, s + eps]])],
        ),
        (
            "closed loop road inside",
            vec![line(&square(
                mx - 0.0003,
                my - 0.0003,
                mx + 0.0003,
                my + 0.0003,
            ))],
        ),
        (
            "road loop around a building",
            vec![line(&square(116.3302, 39.9911, 116.3307, 39.9915))],
        ),
        (
            "many crossing roads",
            (0..12)
                .map(|i| {
                    let t = f64::from(i) / 11.0;
                    line(&[[w - 0.001, s + t * (n - s)], [e + 0.001, n - t * (n - s)]])
                })
                .collect(),
        ),
        (
            "road polygon (area road)",
            vec![poly(&[square(
                mx - 0.0001,
                s - 0.001,
                mx + 0.0001,
                n + 0.001,
            )])],
        ),
    ];
    for (label, gs) in &roads {
        let f = with_file(
            &base,
            "roads.geojson",
            Some(layer("r", json!({"class": "residential"}), gs)),
        );
        survives(&format!("roads: {label}"), &f, &opts, &mut log);
    }
    let props = json!({"kind": "urban"});
    let communities: Vec<(&str, Vec<Value>)> = vec![
        (
            "community with a hole",
            vec![poly(&[
                square(w, s, e, n),
                square(116.3302, 39.9902, 116.3308, 39.9906)
                    .into_iter()
                    .rev()
                    .collect(),
            ])],
        ),
        (
            "two communities sharing an edge",
            vec![poly(&[square(w, s, mx, n)]), poly(&[square(mx, s, e, n)])],
        ),
        (
            "communities touching at a corner",
            vec![poly(&[square(w, s, mx, my)]), poly(&[square(mx, my, e, n)])],
        ),
        (
            "community inside another's hole",
            vec![
                poly(&[
                    square(w, s, e, n),
                    square(116.3302, 39.9902, 116.3308, 39.9906)
                        .into_iter()
                        .rev()
                        .collect(),
                ]),
                poly(&[square(116.3302, 39.9902, 116.3308, 39.9906)]),
            ],
        ),
        (
            "sliver community",
            vec![poly(&[square(w, my, e, my + 1e-8)])],
        ),
        (
            "tiny community",
            vec![poly(&[square(mx, my, mx + 1e-7, my + 1e-7)])],
        ),
        (
            "multipolygon of touching parts",
            vec![
                json!({"type": "MultiPolygon", "coordinates": [[square(w, s, mx, n)], [square(mx, s, e, n)]]}),
            ],
        ),
        (
            "clockwise community",
            vec![poly(&[square(w, s, e, n).into_iter().rev().collect()])],
        ),
        (
            "community far from everything",
            vec![poly(&[square(117.0, 40.0, 117.01, 40.01)])],
        ),
        (
            "community at the antimeridian",
            vec![poly(&[square(179.99, 39.99, 180.0, 40.0)])],
        ),
        (
            "community at the pole",
            vec![poly(&[square(w, 89.99, e, 90.0)])],
        ),
        (
            "community spanning the globe",
            vec![poly(&[square(-179.0, -89.0, 179.0, 89.0)])],
        ),
    ];
    for (label, gs) in &communities {
        let f = with_file(
            &base,
            "communities.geojson",
            Some(layer("C", props.clone(), gs)),
        );
        let f = with_file(&f, "staff.csv", None);
        survives(&format!("communities: {label}"), &f, &opts, &mut log);
    }
    let hh = json!({"households": 10});
    let buildings: Vec<(&str, Vec<Value>)> = vec![
        (
            "point on a road",
            vec![json!({"type": "Point", "coordinates": [mx, my]})],
        ),
        (
            "point on the border",
            vec![json!({"type": "Point", "coordinates": [w, my]})],
        ),
        (
            "point at a corner",
            vec![json!({"type": "Point", "coordinates": [w, s]})],
        ),
        (
            "footprint across a road",
            vec![poly(&[square(
                mx - 0.0001,
                my - 0.0001,
                mx + 0.0001,
                my + 0.0001,
            )])],
        ),
        (
            "footprint across the border",
            vec![poly(&[square(w - 0.0001, my, w + 0.0001, my + 0.0001)])],
        ),
        (
            "footprint of no area",
            vec![poly(&[vec![
                [mx, my],
                [mx + 0.0001, my],
                [mx + 0.0002, my],
                [mx, my],
            ]])],
        ),
        (
            "footprint far away",
            vec![poly(&[square(0.0, 0.0, 0.0001, 0.0001)])],
        ),
        (
            "the same point twice",
            vec![
                json!({"type": "Point", "coordinates": [mx, my]}),
                json!({"type": "Point", "coordinates": [mx, my]}),
            ],
        ),
        (
            "many households",
            vec![json!({"type": "Point", "coordinates": [116.3305, 39.9905]}); 5],
        ),
    ];
    for (label, gs) in &buildings {
        let mut props = hh.clone();
        if label == &"many households" {
            props["households"] = json!(4_294_967_295u64);
        }
        let f = with_file(&base, "buildings.geojson", Some(layer("b", props, gs)));
        survives(&format!("buildings: {label}"), &f, &opts, &mut log);
    }
    log.assert_no_panic();
}

#[test]
fn no_panic_on_bad_staff_and_settings() {
    let base = files("valid_baseline");
    let opts = ReadOptions::default();
    let mut log = Log::default();
    for staff in [
        "",
        ",",
        ",,,,",
        "C1",
        "C1,",
        "C1,-1",
        "C1,1e99",
        "C1,99999999999",
        "C1,2,extra",
        "\u{feff}community,workers\nC1,2",
        "community,workers\nC1,2\nC1,3",
        "community;workers\nC1;2",
        "\"C1\",\"2\"",
        "\n\n\n",
    ] {
        let f = with_file(&base, "staff.csv", Some(staff.to_string()));
        survives(&format!("staff.csv = {staff:?}"), &f, &opts, &mut log);
    }
    for toml in [
        "",
        "name = ",
        "[targets",
        "crs = \"EPSG:4527\"",
        "crs = \"EPSG:4326\"",
        "crs = \"EPSG:999999\"",
        "crs = \"lonlat\"",
        "crs = \"\"",
        "crs = 4527",
        "[targets]\nurban = 0",
        "[targets]\nurban = -1",
        "[targets]\nurban = 1\nrural = 1\nresettlement = 1",
        "[targets]\ntolerance = nan",
        "[targets]\ntolerance = inf",
        "[targets]\nmin_buildings = 10\nmax_buildings = 1",
        "[households]\nunit_size_m2 = 0",
        "[households]\nunit_size_m2 = 1e-300\ndefault_levels = 1e300",
        "[households]\nnon_residential_uses = []",
        "[barriers]\nsnap_tolerance_m = 0",
        "[barriers]\nsnap_tolerance_m = 10",
        "[barriers]\nsnap_tolerance_m = -1",
        "[barriers]\nsnap_tolerance_m = nan",
        "[barriers]\ncommunity = 0\nwater = 255\nrail = 255\nlandmark = 255\nother_road = 0",
        "[barriers.roads]\nresidential = 255\ntertiary = 0",
        "[walking]\nspeed_kmh = 0",
        "[walking]\nspeed_kmh = inf",
        "[walking.thresholds]\nclinic = { minutes = -1 }",
        "[walking.thresholds]\nclinic = { metres = nan }",
        "[walking.thresholds]\nclinic = { hours = 1 }",
        "[staffing]\nmin_neighborhoods_per_worker = 0",
        "[staffing]\nmin_neighborhoods_per_worker = 3\nmax_neighborhoods_per_worker = 2",
        "[staffing]\nmin_neighborhoods_per_worker = nan",
    ] {
        let f = with_file(&base, "scenario.toml", Some(toml.to_string()));
        survives(&format!("scenario.toml = {toml:?}"), &f, &opts, &mut log);
    }
    log.assert_no_panic();
}

// ---------------------------------------------------------------------------
// The command line: exit code 2, the message on stderr, no output written.

/// An empty output folder for one test.
fn empty_out(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bad_input-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn files_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Runs `linli blocks tests/data/bad/<case> --out <out> [extra…]`.
fn run_cli(case: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_linli"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("blocks")
        .arg(format!("tests/data/bad/{case}"))
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn cli_rejects_projected_coordinates_and_writes_nothing() {
    let out = empty_out("projected");
    let r = run_cli("projected_coordinates", &out, &[]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("linli: the scenario has 4 problems:"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "tests/data/bad/projected_coordinates/buildings.geojson: feature 0 (id \"b1\"): coordinate ("
        ),
        "{stderr}"
    );
    assert!(stderr.contains("pass --crs EPSG:4527"), "{stderr}");
    assert_eq!(files_in(&out), Vec::<String>::new());

    // The hint works: with it, the same folder runs.
    let r = run_cli("projected_coordinates", &out, &["--crs", "EPSG:4527", "-q"]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let mut written = files_in(&out);
    written.sort();
    assert_eq!(
        written,
        [
            "block_adjacency.csv",
            "blocks.geojson",
            "blocks_summary.json"
        ]
    );
}

#[test]
fn cli_rejects_overlapping_communities_and_writes_nothing() {
    // Reading succeeds; the blocks stage fails before anything is written.
    let out = empty_out("overlap");
    let r = run_cli("overlapping_communities", &out, &[]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("communities \"C1\" and \"C2\" overlap"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: "), "{stderr}");
    assert!(
        r.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&r.stdout)
    );
    assert_eq!(files_in(&out), Vec::<String>::new());
}

#[test]
fn cli_rejects_a_missing_layer_and_writes_nothing() {
    let out = empty_out("missing").join("not-yet");
    let r = run_cli("missing_roads", &out, &[]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("tests/data/bad/missing_roads/roads.geojson: is missing"),
        "{stderr}"
    );
    assert!(!out.exists(), "the output folder was created");
}

#[test]
fn cli_reports_a_building_outside_and_keeps_it_out() {
    let out = empty_out("outside");
    let r = run_cli("building_outside", &out, &[]);
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(
        stdout.contains("warning: 1 building(s) lie outside every community"),
        "{stdout}"
    );
    let summary: Value =
        serde_json::from_slice(&std::fs::read(out.join("blocks_summary.json")).unwrap()).unwrap();
    assert_eq!(summary["buildings_outside"], json!(["b7"]));
    assert_eq!(
        summary["households_in_blocks"].as_u64().unwrap() + 25,
        summary["households_read"].as_u64().unwrap()
    );
}

#[test]
fn a_file_that_is_not_utf8_is_named_with_a_hint() {
    let dir = std::env::temp_dir().join(format!("linli-not-utf8-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // Latin-1 "é" in a property: valid JSON bytes otherwise.
    let mut bytes =
        br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"caf"#
            .to_vec();
    bytes.push(0xe9);
    bytes.extend_from_slice(br#""},"geometry":{"type":"Point","coordinates":[120.5,31.2]}}]}"#);
    std::fs::write(dir.join("buildings.geojson"), &bytes).unwrap();
    std::fs::write(
        dir.join("roads.geojson"),
        r#"{"type":"FeatureCollection","features":[]}"#,
    )
    .unwrap();
    let err = ScenarioFiles::from_dir(&dir).unwrap_err().to_string();
    assert!(err.contains("buildings.geojson"), "{err}");
    assert!(err.contains("is not UTF-8 text (byte 83 is not)"), "{err}");
    assert!(err.contains("save the file as UTF-8"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------
// Absurd input (issue 19): each kind gives a clear error or a counted
// warning, never a silent clamp, a hang or a raw panic.

/// The baseline with `name` replaced by `text`.
fn baseline_with(name: &str, text: &str) -> ScenarioFiles {
    with_file(&files("valid_baseline"), name, Some(text.to_string()))
}

/// The baseline's buildings.geojson with building `id`'s properties or
/// geometry edited by `edit`.
fn buildings_edited(id: &str, edit: impl Fn(&mut Value)) -> ScenarioFiles {
    let base = files("valid_baseline");
    let mut v: Value = serde_json::from_str(&base.files["buildings.geojson"]).unwrap();
    for f in v["features"].as_array_mut().unwrap() {
        if f["properties"]["id"] == id {
            edit(f);
        }
    }
    with_file(&base, "buildings.geojson", Some(v.to_string()))
}

/// Reading `f` reports exactly one problem, as `e` says.
fn expect_one_in(f: &ScenarioFiles, e: Expect) -> Problem {
    let (ps, message) = match read_scenario(f, &ReadOptions::default()) {
        Ok(_) => panic!("read without error"),
        Err(Error::Input(ps)) => {
            let m = Error::Input(ps.clone()).to_string();
            (ps, m)
        }
        Err(other) => panic!("not an input error: {other}"),
    };
    assert_eq!(ps.len(), 1, "one problem expected:\n{message}");
    check("valid_baseline", &ps[0], &message, &e);
    ps[0].clone()
}

/// The warnings reading `f` gives (it must read).
fn warnings_of(f: &ScenarioFiles) -> Vec<String> {
    read_scenario(f, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .report
        .warnings
}

#[test]
fn households_far_above_any_building_are_an_error_never_a_clamp() {
    for (v, shown) in [
        (json!(1e12), "1000000000000"),
        (json!(u64::MAX), "1.8446744073709552e19"),
        (json!(5001), "5001"),
    ] {
        let f = buildings_edited("b2", |f| f["properties"]["households"] = v.clone());
        expect_one_in(
            &f,
            Expect {
                file: "buildings.geojson",
                feature: Some((1, Some("b2"))),
                what: &[
                    &format!("households is {shown}"),
                    "above the most one building may hold (5000)",
                ],
                hint: Some("[limits] max_households_per_building"),
            },
        );
    }
    // The limit is a setting.
    let f = with_file(
        &buildings_edited("b2", |f| f["properties"]["households"] = json!(5001)),
        "scenario.toml",
        Some("[limits]\nmax_households_per_building = 6000\n".into()),
    );
    assert!(read_scenario(&f, &ReadOptions::default()).is_ok());
    // An estimate is held to it too: a footprint of 90 m² on 10,000 levels.
    let f = buildings_edited("b6", |f| f["properties"]["levels"] = json!(10000));
    expect_one_in(
        &f,
        Expect {
            file: "buildings.geojson",
            feature: Some((5, Some("b6"))),
            what: &["households estimated from its footprint and 10000 levels"],
            hint: Some("check levels"),
        },
    );
}

#[test]
fn fractional_households_are_rounded_and_counted() {
    let f = buildings_edited("b1", |f| f["properties"]["households"] = json!(12.5));
    let loaded = read_scenario(&f, &ReadOptions::default()).unwrap();
    let b1 = loaded
        .scenario
        .buildings
        .iter()
        .find(|b| b.id == "b1")
        .unwrap();
    assert_eq!(b1.households, 13);
    let w = &loaded.report.warnings;
    assert!(
        w.iter().any(|w| w.contains("valid_baseline/buildings.geojson: 1 buildings have households that are not whole numbers")
            && w.contains("(first: b1 12.5)")),
        "{w:?}"
    );
}

#[test]
fn a_road_drawn_as_a_polygon_is_an_error() {
    let base = files("valid_baseline");
    let mut v: Value = serde_json::from_str(&base.files["roads.geojson"]).unwrap();
    v["features"][1]["geometry"] = poly(&[square(116.3301, 39.9908, 116.3322, 39.9910)]);
    let f = with_file(&base, "roads.geojson", Some(v.to_string()));
    expect_one_in(
        &f,
        Expect {
            file: "roads.geojson",
            feature: Some((1, Some("r2"))),
            what: &["is a Polygon; this layer takes LineString or MultiLineString"],
            hint: Some("move Polygon features to the right layer"),
        },
    );
}

#[test]
fn a_footprint_without_area_is_a_counted_warning() {
    // Collinear: a valid ring in geo's rules, of area zero.
    let flat = poly(&[vec![
        [116.3303, 39.9912],
        [116.3304, 39.9912],
        [116.3305, 39.9912],
        [116.3303, 39.9912],
    ]]);
    let f = buildings_edited("b1", |f| f["geometry"] = flat.clone());
    let w = warnings_of(&f);
    assert!(
        w.iter().any(
            |w| w.contains("buildings.geojson: 1 footprints have no area")
                && w.contains("(first: b1)")
        ),
        "{w:?}"
    );
}

#[test]
fn a_building_in_the_other_hemisphere_is_a_counted_warning() {
    let f = buildings_edited("b5", |f| {
        f["geometry"] = json!({"type": "Point", "coordinates": [-63.7, -39.99]})
    });
    let w = warnings_of(&f);
    assert!(
        w.iter().any(|w| w
            .contains("buildings.geojson: 1 features lie more than 50 km outside the scenario")
            && w.contains("(first: b5)")),
        "{w:?}"
    );
}

#[test]
fn a_json_name_repeated_in_a_feature_is_an_error() {
    let base = files("valid_baseline");
    let text = base.files["buildings.geojson"].replace(
        "\"households\":60,",
        "\"households\":60,\"households\":6000,",
    );
    assert_ne!(text, *base.files["buildings.geojson"]);
    expect_one_in(
        &with_file(&base, "buildings.geojson", Some(text)),
        Expect {
            file: "buildings.geojson",
            feature: Some((1, None)),
            what: &["has \"households\" twice in one object"],
            hint: Some("keep one of the two"),
        },
    );
    let text = base.files["roads.geojson"].replacen(
        "\"geometry\":",
        "\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,0]},\"geometry\":",
        1,
    );
    expect_one_in(
        &with_file(&base, "roads.geojson", Some(text)),
        Expect {
            file: "roads.geojson",
            feature: Some((0, None)),
            what: &["has \"geometry\" twice in one object"],
            hint: None,
        },
    );
}

#[test]
fn properties_null_is_valid_geojson_and_its_households_are_estimated() {
    // RFC 7946 §3.2 allows it; what was made of it shows in the counts.
    let f = buildings_edited("b6", |f| f["properties"] = Value::Null);
    let loaded = read_scenario(&f, &ReadOptions::default()).unwrap();
    assert_eq!(loaded.report.estimated_buildings, 1);
    assert!(loaded.scenario.buildings.iter().any(|b| b.id == "b5"));
}

#[test]
fn settings_out_of_range_are_errors_naming_the_range() {
    let f = baseline_with("scenario.toml", "[walking]\nservice_area_width_m = 1e6\n");
    expect_one_in(
        &f,
        Expect {
            file: "scenario.toml",
            feature: None,
            what: &["walking.service_area_width_m is 1000000, must be in (0, 1000] (metres)"],
            hint: Some("Plausibility limits"),
        },
    );
    let f = baseline_with(
        "scenario.toml",
        "[walking.thresholds]\nclinic = { minutes = 1e300 }\n",
    );
    expect_one_in(
        &f,
        Expect {
            file: "scenario.toml",
            feature: None,
            what: &["walking.thresholds.clinic.minutes is 1e300, must be in (0, 240]"],
            hint: None,
        },
    );
}

#[test]
fn a_projected_crs_on_lonlat_data_says_so() {
    let f = baseline_with("scenario.toml", "crs = \"EPSG:4527\"\n");
    let e = read_scenario(&f, &ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("look like longitude/latitude, but the CRS EPSG:4527"),
        "{e}"
    );
    assert!(
        e.contains("valid_baseline/scenario.toml) is projected"),
        "{e}"
    );
    assert!(e.contains("remove it from"), "{e}");
    let opts = ReadOptions {
        crs: Some("EPSG:4549".into()),
        ..Default::default()
    };
    let e = read_scenario(&files("valid_baseline"), &opts)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("the CRS EPSG:4549 (from --crs) is projected"),
        "{e}"
    );
    assert!(!e.contains("walkable"), "{e}");
}

#[test]
fn communities_overlapping_by_rounding_are_named_with_path_feature_and_area() {
    // C2 starts 1e-9° (0.09 mm) inside C1's east border.
    let (w, s, e, n) = (116.3300, 39.9900, 116.3323, 39.9918);
    let communities = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "C1"}, "geometry": poly(&[square(w, s, e, n)])},
        {"type": "Feature", "properties": {"id": "C2"}, "geometry": poly(&[square(e - 1e-9, s, e + 0.002, n)])},
    ]});
    let f = with_file(
        &with_file(&files("valid_baseline"), "staff.csv", None),
        "communities.geojson",
        Some(communities.to_string()),
    );
    let loaded = read_scenario(&f, &ReadOptions::default()).unwrap();
    let err = pipeline::blocks(&loaded).unwrap_err();
    let message = err.to_string();
    let Error::Input(ps) = err else {
        panic!("{message}")
    };
    assert_eq!(ps.len(), 1, "{message}");
    check(
        "valid_baseline",
        &ps[0],
        &message,
        &Expect {
            file: "communities.geojson",
            feature: Some((0, Some("C1"))),
            what: &["communities \"C1\" and \"C2\" overlap (0.0"],
            hint: Some("rounding along a shared border"),
        },
    );
    assert!(!message.contains("0.0 m²"), "{message}");
}

#[test]
fn staff_csv_is_read_as_spreadsheets_write_it() {
    let f = baseline_with(
        "staff.csv",
        "\u{feff}\"community\",\"workers\"\r\n\"C1\",\"3\"\r\n",
    );
    let loaded = read_scenario(&f, &ReadOptions::default()).unwrap();
    assert_eq!(loaded.scenario.communities[0].social_workers, Some(3));
    for (text, what) in [
        (
            "community,workers\nC1,2\nC1,3\n",
            "community \"C1\" is listed again (first on line 2)",
        ),
        (
            "community,workers\nC1,99999999999\n",
            "workers 99999999999 is above the plausible most (10000)",
        ),
        (
            "community,workers\nC1,2.5\n",
            "workers \"2.5\" is not a whole number",
        ),
        (
            "community,workers\n\"C1,2\n",
            "is not CSV: a quoted field is not closed",
        ),
    ] {
        let (ps, message) =
            match read_scenario(&baseline_with("staff.csv", text), &ReadOptions::default()) {
                Err(Error::Input(ps)) => {
                    let m = Error::Input(ps.clone()).to_string();
                    (ps, m)
                }
                other => panic!("{text:?}: {other:?}"),
            };
        assert_eq!(ps.len(), 1, "{message}");
        assert!(ps[0].file.contains("staff.csv, line "), "{message}");
        assert!(ps[0].what.contains(what), "{text:?}: {message}");
    }
}

#[test]
fn staff_csv_that_is_not_utf8_gets_a_csv_hint() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bad_input-staff-gbk");
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&corpus().join("valid_baseline"), &dir);
    // "社区" in GBK.
    std::fs::write(
        dir.join("staff.csv"),
        b"community,workers\n\xc9\xe7\xc7\xf8,2\n",
    )
    .unwrap();
    let e = ScenarioFiles::from_dir(&dir).unwrap_err().to_string();
    assert!(e.contains("staff.csv: is not UTF-8 text"), "{e}");
    assert!(e.contains("CSV UTF-8") && !e.contains("GeoJSON"), "{e}");
}

#[test]
fn a_huge_coordinate_is_shown_short() {
    let f = buildings_edited("b5", |f| {
        f["geometry"] = json!({"type": "Point", "coordinates": [1e300, 39.99]})
    });
    let e = read_scenario(&f, &ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("coordinate (1e300, 39.99) is not a longitude/latitude"),
        "{e}"
    );
    assert!(!e.contains("000000000000000000000"), "{e}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// A scenario folder (the baseline) with water.geojson made by `make`, run
/// through the command line with `extra` arguments: exit code and stderr.
fn cli_with_water(tag: &str, make: impl Fn(&Path), extra: &[&str]) -> (Option<i32>, String) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bad_input-water-{tag}"));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&corpus().join("valid_baseline"), &dir);
    make(&dir.join("water.geojson"));
    let out = dir.join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_linli"))
        .args(extra)
        .arg("blocks")
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A FIFO opened for reading would block forever: never wait long.
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("{tag}: linli did not finish");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let r = child.wait_with_output().unwrap();
    assert!(!out.exists(), "{tag}: wrote output");
    (
        r.status.code(),
        String::from_utf8_lossy(&r.stderr).into_owned(),
    )
}

#[cfg(unix)]
#[test]
fn special_files_are_errors_naming_them() {
    use std::os::unix::fs::symlink;
    type Make = Box<dyn Fn(&Path)>;
    let cases: [(&str, Make, &str); 4] = [
        (
            "dangling",
            Box::new(|p| symlink(p.with_file_name("nowhere.geojson"), p).unwrap()),
            "water.geojson: is a symlink to",
        ),
        (
            "loop",
            Box::new(|p| symlink(p, p).unwrap()),
            "water.geojson: is a symlink loop",
        ),
        (
            "fifo",
            Box::new(|p| {
                assert!(Command::new("mkfifo").arg(p).status().unwrap().success());
            }),
            "water.geojson: is a FIFO (named pipe), not a regular file",
        ),
        (
            "device",
            Box::new(|p| symlink("/dev/zero", p).unwrap()),
            "water.geojson: is a device, not a regular file",
        ),
    ];
    for (tag, make, says) in cases {
        let (code, stderr) = cli_with_water(tag, make, &[]);
        assert_eq!(code, Some(2), "{tag}: {stderr}");
        assert!(stderr.contains(says), "{tag}: {stderr}");
        assert!(
            stderr.contains("hint: linli reads regular files"),
            "{tag}: {stderr}"
        );
    }
    // Over the size limit, and read once the limit is raised.
    let big = |p: &Path| {
        let fc = format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[]{}}}",
            " ".repeat(1 << 20)
        );
        std::fs::write(p, fc).unwrap();
    };
    let (code, stderr) = cli_with_water("big", big, &["--max-input-mb", "1"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("water.geojson: is 1.0 MB, above the limit of 1.0 MB"),
        "{stderr}"
    );
    assert!(stderr.contains("--max-input-mb"), "{stderr}");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bad_input-water-big");
    let r = Command::new(env!("CARGO_BIN_EXE_linli"))
        .args(["-q", "--max-input-mb", "2", "blocks"])
        .arg(&dir)
        .arg("--out")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
}

#[test]
fn a_panic_is_one_line_a_report_file_and_exit_code_3() {
    let r = Command::new(env!("CARGO_BIN_EXE_linli"))
        .env("LINLI_TEST_PANIC", "boom\nsecond line")
        .args(["blocks", "tests/data/bad/valid_baseline", "--out"])
        .arg(empty_out("panic").join("out"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(3), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("linli: internal error in src/cli/mod.rs:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("(boom); please report it with this file: "),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let file = stderr.trim().rsplit(": ").next().unwrap();
    let report = std::fs::read_to_string(file).unwrap();
    assert!(report.contains("message: boom\nsecond line"), "{report}");
    assert!(report.contains("backtrace:"), "{report}");
    std::fs::remove_file(file).unwrap();
}

use crate::pbf;

#[test]
fn a_malformed_extract_is_an_error_without_panic_text() {
    use pbf::Element::*;
    // A relation member of type 7 (only 0–2 exist): the decoder panics on
    // it, linli catches that; nothing of the panic reaches the user.
    let bytes = pbf::extract(&[
        Node(1, 116.33, 39.99, &[]),
        Node(2, 116.34, 39.99, &[]),
        Way(10, &[1, 2], &[("highway", "residential")]),
        Relation(20, &[(7, 10, "outer")], &[("type", "multipolygon")]),
    ]);
    let dir = empty_out("pbf");
    let input = dir.join("bad.osm.pbf");
    std::fs::write(&input, &bytes).unwrap();
    let r = Command::new(env!("CARGO_BIN_EXE_linli"))
        .arg("import-osm")
        .arg(&input)
        .arg("--out")
        .arg(dir.join("scenario"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("bad.osm.pbf: is not a readable OSM PBF file"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The same extract with a valid member type imports.
    let good = pbf::extract(&[
        Node(1, 116.33, 39.99, &[]),
        Node(2, 116.34, 39.99, &[]),
        Way(10, &[1, 2], &[("highway", "residential")]),
        Relation(20, &[(1, 10, "outer")], &[("type", "multipolygon")]),
    ]);
    let ok = linli::osm::pbf::read_pbf(&good, "good.osm.pbf").unwrap();
    assert_eq!(
        (ok.nodes.len(), ok.ways.len(), ok.relations.len()),
        (2, 1, 1)
    );
}

#[test]
fn a_community_across_a_continent_is_an_error() {
    // One vertex at longitude 0: the border would run 10,000 km.
    let (w, s, e, n) = (116.3300, 39.9900, 116.3323, 39.9918);
    let communities = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "C1"},
         "geometry": poly(&[vec![[w, s], [e, s], [e, n], [0.0, n], [w, s]]])},
    ]});
    let f = baseline_with("communities.geojson", &communities.to_string());
    let t = Instant::now();
    expect_one_in(
        &f,
        Expect {
            file: "communities.geojson",
            feature: Some((0, Some("C1"))),
            what: &["spans 99", "km, more than a community may (100 km)"],
            hint: Some("[limits] max_community_km"),
        },
    );
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
}

// ---------------------------------------------------------------------------
// Words that do not mislead (issue 23): the last silent or raw cases.

/// The baseline copied into a folder of its own, edited by `edit`.
fn baseline_copy(tag: &str, edit: impl Fn(&Path)) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bad_input-words-{tag}"));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&corpus().join("valid_baseline"), &dir);
    edit(&dir);
    dir
}

/// `linli <args>`: exit code, stdout and stderr.
fn linli(args: &[&str]) -> (Option<i32>, String, String) {
    let r = Command::new(env!("CARGO_BIN_EXE_linli"))
        .args(args)
        .output()
        .unwrap();
    (
        r.status.code(),
        String::from_utf8_lossy(&r.stdout).into_owned(),
        String::from_utf8_lossy(&r.stderr).into_owned(),
    )
}

#[test]
fn a_snap_limit_of_zero_is_an_error_not_a_silent_empty_coverage() {
    let f = baseline_with("scenario.toml", "[walking]\nsnap_limit_m = 0\n");
    let e = read_scenario(&f, &ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("scenario.toml"), "{e}");
    assert!(
        e.contains("walking.snap_limit_m") && e.contains("(0, 10000]"),
        "{e}"
    );
}

#[test]
fn coverage_left_outs_are_on_the_plan_console() {
    // A facility of a kind linli does not know, and one 42 km away.
    let dir = baseline_copy("facilities", |d| {
        let text = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"fac1","kind":"community_centre"},"geometry":{"type":"Point","coordinates":[116.331,39.9911]}},
{"type":"Feature","properties":{"id":"fac2","kind":"bakery"},"geometry":{"type":"Point","coordinates":[116.331,39.9912]}},
{"type":"Feature","properties":{"id":"fac3","kind":"clinic"},"geometry":{"type":"Point","coordinates":[116.33,40.37]}}]}"#;
        std::fs::write(d.join("facilities.geojson"), text).unwrap();
    });
    let out = dir.join("out");
    let (code, stdout, stderr) = linli(&[
        "plan",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout
            .contains("warning: facilities of unknown kind left out: \"bakery\" (1, first: fac2)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("farther than 300 m from any walkable road and are left out (first: fac3"),
        "{stdout}"
    );
}

#[test]
fn a_community_without_an_id_is_named_in_a_warning() {
    let base = files("valid_baseline");
    let text = base.files["communities.geojson"].replace("\"id\":\"C1\",", "");
    assert!(!text.contains("\"C1\""));
    // staff.csv names C1, which the community now is by its place.
    let w = warnings_of(&with_file(&base, "communities.geojson", Some(text)));
    assert!(
        w.iter().any(
            |w| w.contains("communities.geojson: 1 communities have no id")
                && w.contains("feature 0 named C1")
                && w.contains("12-digit division code")
        ),
        "{w:?}"
    );
}

#[test]
fn a_scenario_without_households_says_so() {
    let base = files("valid_baseline");
    let mut v: Value = serde_json::from_str(&base.files["buildings.geojson"]).unwrap();
    for f in v["features"].as_array_mut().unwrap() {
        f["properties"]["households"] = json!(0);
    }
    let w = warnings_of(&with_file(&base, "buildings.geojson", Some(v.to_string())));
    assert!(
        w.iter()
            .any(|w| w.contains("all 6 buildings have 0 households")),
        "{w:?}"
    );
}

#[test]
fn a_layer_with_a_byte_order_mark_reads_as_without() {
    let base = files("valid_baseline");
    let with_bom = format!("\u{feff}{}", &*base.files["roads.geojson"]);
    let a = read_scenario(&base, &ReadOptions::default()).unwrap();
    let b = read_scenario(
        &with_file(&base, "roads.geojson", Some(with_bom)),
        &ReadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.scenario.barriers.len(), b.scenario.barriers.len());
    // And scenario.toml, as Windows editors save it.
    let toml = baseline_with("scenario.toml", "\u{feff}[walking]\nspeed_kmh = 4.5\n");
    let c = read_scenario(&toml, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.config.walking.speed_kmh, 4.5);
}

#[test]
fn a_missing_extract_says_it_does_not_exist() {
    let (code, _, stderr) = linli(&["import-osm", "/no/such/city.osm.pbf", "--out", "/tmp/x"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("/no/such/city.osm.pbf: does not exist"),
        "{stderr}"
    );
    assert!(!stderr.contains("entity not found"), "{stderr}");
}

#[test]
fn no_staff_data_gives_no_status_and_says_what_would() {
    let dir = baseline_copy("no-staff", |d| {
        std::fs::remove_file(d.join("staff.csv")).unwrap();
        let c = std::fs::read_to_string(d.join("communities.geojson")).unwrap();
        std::fs::write(
            d.join("communities.geojson"),
            c.replace(",\"social_workers\":1", ""),
        )
        .unwrap();
    });
    let out = dir.join("out");
    let (code, stdout, stderr) = linli(&[
        "plan",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("staffing: no staff data: give staff.csv"),
        "{stdout}"
    );
    assert!(!stdout.contains("workers missing"), "{stdout}");
    let csv = std::fs::read_to_string(out.join("staffing.csv")).unwrap();
    assert!(
        !csv.contains("overstaffed") && !csv.contains("within_standard"),
        "{csv}"
    );
}

#[test]
fn a_district_short_in_one_community_is_never_overstaffed() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bad_input-words-mixed");
    let _ = std::fs::remove_dir_all(&out);
    let (code, stdout, stderr) = linli(&["demo", "--out", out.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    // WDK-01 and WDK-05 miss a worker; three others have one to spare.
    assert!(
        stdout.contains("staffing: mixed: 2 workers missing in WDK-01, WDK-05; 3 surplus in"),
        "{stdout}"
    );
    let csv = std::fs::read_to_string(out.join("staffing.csv")).unwrap();
    let district = csv.lines().find(|l| l.starts_with("district,")).unwrap();
    assert!(district.contains(",mixed,2,3"), "{district}");
}

/// Mounts a tmpfs of `kb` KiB at a fresh folder, or `None` where this
/// process may not mount (then the test says it was skipped).
#[cfg(target_os = "linux")]
fn tmpfs(tag: &str, kb: u32) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bad_input-tmpfs-{tag}"));
    let _ = Command::new("umount").arg(&dir).output();
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={kb}k"), "tmpfs"])
        .arg(&dir)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("cannot mount a tmpfs here: skipping {tag}");
        return None;
    }
    Some(dir)
}

#[cfg(target_os = "linux")]
fn unmount(dir: &Path) {
    let _ = Command::new("umount").arg(dir).output();
}

#[cfg(target_os = "linux")]
#[test]
fn a_mount_point_as_out_is_refused_before_planning() {
    let Some(m) = tmpfs("mount-point", 1024) else {
        return;
    };
    let base = corpus().join("valid_baseline");
    let (code, _, stderr) = linli(&["plan", base.to_str().unwrap(), "--out", m.to_str().unwrap()]);
    unmount(&m);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("is a mount point"), "{stderr}");
    assert!(
        stderr.contains("--out") && stderr.contains("/plan"),
        "{stderr}"
    );
    assert!(!stderr.contains("os error 16"), "{stderr}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_names_the_file_and_keeps_the_old_plan() {
    // Room for the small baseline's plan, not for the demo's beside it.
    let Some(m) = tmpfs("full-disk", 512) else {
        return;
    };
    let out = m.join("plan");
    let base = corpus().join("valid_baseline");
    let (code, _, stderr) = linli(&[
        "plan",
        base.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let before = std::fs::read(out.join("summary.json")).unwrap();
    let (code, _, stderr) = linli(&["demo", "--out", out.to_str().unwrap()]);
    let after = std::fs::read(out.join("summary.json")).unwrap();
    let left: Vec<String> = files_in(&m);
    unmount(&m);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("the disk is full"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "nothing was changed: {} still holds the plan it had",
            out.display()
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("staging"), "{stderr}");
    assert_eq!(before, after, "the old plan changed");
    assert_eq!(
        left,
        vec!["plan".to_string()],
        "left beside the plan: {left:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_file_size_limit_is_an_error_with_a_message_not_a_silent_death() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bad_input-words-fsize");
    let _ = std::fs::remove_dir_all(&out);
    let r = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -f 40 && exec '{}' demo --out '{}'",
            env!("CARGO_BIN_EXE_linli"),
            out.display()
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("File too large") && stderr.contains("ulimit -f"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn a_property_name_off_by_case_is_named_with_the_fix() {
    let base = files("valid_baseline");
    let text = base.files["roads.geojson"].replace("\"class\":", "\"Class\":");
    let w = warnings_of(&with_file(&base, "roads.geojson", Some(text)));
    assert!(
        w.iter()
            .any(|w| w.contains("no feature has the property \"class\"")
                && w.contains("\"Class\"")
                && w.contains("[fields] class = \"Class\"")),
        "{w:?}"
    );
}

#[test]
fn a_file_that_is_no_layer_is_named_with_the_fix() {
    let dir = baseline_copy("unread", |d| {
        std::fs::write(
            d.join("rivers.geojson"),
            "{\"type\":\"FeatureCollection\",\"features\":[]}",
        )
        .unwrap();
        std::fs::write(
            d.join("building.geojson"),
            "{\"type\":\"FeatureCollection\",\"features\":[]}",
        )
        .unwrap();
    });
    let w = warnings_of(&ScenarioFiles::from_dir(&dir).unwrap());
    assert!(
        w.iter().any(
            |w| w.contains("building.geojson is in the scenario folder but is no layer")
                && w.contains("name it buildings.geojson")
        ),
        "{w:?}"
    );
    assert!(
        w.iter()
            .any(|w| w.contains("rivers.geojson") && w.contains("[layers.NAME] files")),
        "{w:?}"
    );
}

#[test]
fn out_may_not_be_the_scenario_folder() {
    let dir = baseline_copy("self-out", |_| {});
    for cmd in ["plan", "redraw", "partition", "blocks"] {
        let (code, _, stderr) =
            linli(&[cmd, dir.to_str().unwrap(), "--out", dir.to_str().unwrap()]);
        assert_eq!(code, Some(2), "{cmd}: {stderr}");
        assert!(stderr.contains("is the scenario folder"), "{cmd}: {stderr}");
    }
}
