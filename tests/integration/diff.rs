//! `linli diff` end to end on the demo: two plans with different seeds
//! (moved households are the moved buildings' households, per community and
//! in all), a plan against itself (nothing changed), the demo's own grid
//! against its redraw (the households the redraw says it moved), bad input
//! (clear errors, never a panic), RFC 7946 layers that GDAL opens (and
//! `--format gpkg`), and the same bytes on every run.

use super::common::written::{invalid, read_layer};
use linli::read::ReadOptions;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The demo as a scenario folder and two plans of it (seeds 1 and 2),
/// made once for every test of the module.
struct Fixture {
    base: PathBuf,
    scenario: PathBuf,
    a: PathBuf,
    b: PathBuf,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let base = std::env::temp_dir().join(format!("linli-diff-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let scenario = base.join("scenario");
        std::fs::create_dir_all(&scenario).unwrap();
        let files = linli::demo::files();
        for (name, text) in &files.files {
            std::fs::write(scenario.join(name), text).unwrap();
        }
        let files = linli::read::ScenarioFiles::from_dir(&scenario).unwrap();
        let (a, b) = (base.join("a"), base.join("b"));
        for (out, seed) in [(&a, 1), (&b, 2)] {
            linli::plan::run_plan(&files, &ReadOptions::default(), seed, out).unwrap();
        }
        Fixture {
            base,
            scenario,
            a,
            b,
        }
    })
}

fn linli(args: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_linli"))
        .args(args)
        .output()
        .unwrap()
}

fn diff(args: &[&Path]) -> Output {
    let mut all: Vec<&Path> = vec![Path::new("diff")];
    all.extend(args);
    let o = linli(&all);
    assert!(
        o.status.success(),
        "linli diff {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// The rows of a CSV linli wrote (after checking its byte-order mark), as
/// header → field maps.
fn csv_rows(p: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(p).unwrap();
    assert!(text.starts_with('\u{feff}'), "{}: no BOM", p.display());
    let records = linli::read::csv::records(&text).unwrap();
    let header = &records[0].fields;
    records[1..]
        .iter()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.fields.iter().cloned())
                .collect()
        })
        .collect()
}

fn num(v: &str) -> u64 {
    v.parse().unwrap()
}

/// RFC 7946 ring rules and validity of the two layers.
fn layers_valid(out: &Path) {
    let mut problems = Vec::new();
    for name in ["diff.geojson", "diff_neighborhoods.geojson"] {
        let fs = read_layer(&out.join(name), &mut problems);
        problems.extend(invalid(name, &fs));
        assert!(
            fs.iter().all(|f| f.geometry.is_some()),
            "{name}: a feature without geometry"
        );
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn two_seeds_moved_households_are_the_moved_buildings() {
    let f = fixture();
    let out = f.base.join("diff-seeds");
    let o = diff(&[
        &f.a,
        &f.b,
        Path::new("--out"),
        &out,
        Path::new("--scenario"),
        &f.scenario,
    ]);
    let s = json(&out.join("diff_summary.json"));
    let total = &s["total"];
    assert_eq!(total["households"], 8742);
    let moved = total["households_moved"].as_u64().unwrap();
    assert!(moved > 0, "two seeds plan the same neighborhoods: {s}");

    // Every moved household is a moved building's, per community too.
    let rows = csv_rows(&out.join("diff_buildings.csv"));
    let mut per: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for r in rows.iter().filter(|r| r["变动"] == "调整邻里") {
        let e = per.entry(r["社区编码"].clone()).or_default();
        e.0 += num(&r["户数"]);
        e.1 += 1;
        assert_ne!(r["原邻里编码"], "", "{r:?}");
        assert_ne!(r["新邻里编码"], "", "{r:?}");
    }
    assert_eq!(per.values().map(|v| v.0).sum::<u64>(), moved);
    let communities = csv_rows(&out.join("diff_communities.csv"));
    assert_eq!(communities.last().unwrap()["社区"], "合计");
    for c in &communities[..communities.len() - 1] {
        let (h, b) = per.get(&c["社区编码"]).copied().unwrap_or_default();
        assert_eq!(
            (num(&c["调整户数"]), num(&c["调整楼栋数"])),
            (h, b),
            "{c:?}"
        );
    }
    assert_eq!(num(&communities.last().unwrap()["调整户数"]), moved);

    // The layer holds the same buildings, with their footprints.
    let mut problems = Vec::new();
    let layer = read_layer(&out.join("diff.geojson"), &mut problems);
    assert_eq!(layer.len(), rows.len());
    let layer_moved: u64 = layer
        .iter()
        .filter(|f| f.str_prop("change").as_deref() == Some("moved"))
        .map(|f| f.props["households"].as_u64().unwrap())
        .sum();
    assert_eq!(layer_moved, moved);
    assert!(layer.iter().any(|f| !f.polygons().0.is_empty()));
    layers_valid(&out);

    // The console says it in a sentence.
    let stdout = String::from_utf8_lossy(&o.stdout);
    let sentence = s["in_words"].as_str().unwrap();
    assert!(
        sentence.starts_with(&format!("{moved} households in ")),
        "{sentence}"
    );
    assert!(stdout.contains(sentence), "{stdout}");

    // The same plans give the same bytes.
    let again = f.base.join("diff-seeds-again");
    diff(&[
        &f.a,
        &f.b,
        Path::new("--out"),
        &again,
        Path::new("--scenario"),
        &f.scenario,
    ]);
    for name in linli::write::diff::DIFF_FILES {
        let (x, y) = (out.join(name), again.join(name));
        assert_eq!(
            std::fs::read(&x).unwrap(),
            std::fs::read(&y).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn a_plan_against_itself_changes_nothing() {
    let f = fixture();
    let out = f.base.join("diff-self");
    let o = diff(&[&f.a, &f.a, Path::new("--out"), &out]);
    let s = json(&out.join("diff_summary.json"));
    assert_eq!(s["total"]["households_moved"], 0);
    assert_eq!(s["total"]["buildings_only_in_a"], 0);
    assert_eq!(s["total"]["buildings_only_in_b"], 0);
    assert_eq!(s["total"]["changed"], 0);
    assert_eq!(s["total"]["new"], 0);
    assert!(csv_rows(&out.join("diff_buildings.csv")).is_empty());
    let hoods = json(&out.join("diff_neighborhoods.geojson"));
    for h in hoods["features"].as_array().unwrap() {
        assert_eq!(h["properties"]["change"], "unchanged");
        assert_eq!(h["properties"]["matched_code"], h["properties"]["code"]);
        assert!(h["geometry"].is_object(), "{h}");
    }
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("No building changed neighborhood"),
        "{stdout}"
    );
}

#[test]
fn the_demo_grid_against_its_redraw_moves_what_the_redraw_reports() {
    let f = fixture();
    let redrawn = f.base.join("redrawn");
    let o = linli(&[
        Path::new("redraw"),
        &f.scenario,
        Path::new("--out"),
        &redrawn,
        Path::new("--no-compare-scratch"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let reported = json(&redrawn.join("redraw_summary.json"))["households_matched"].clone();
    let out = f.base.join("diff-redraw");
    diff(&[&f.scenario, &redrawn, Path::new("--out"), &out]);
    let s = json(&out.join("diff_summary.json"));
    assert_eq!(s["a"]["kind"], "scenario");
    // A redraw writes its roster: read as a plan.
    assert_eq!(s["b"]["kind"], "plan");
    let t = &s["total"];
    assert!(reported["moved"].as_u64().unwrap() > 0, "{reported}");
    assert_eq!(t["households_moved"], reported["moved"], "{s}");
    // The corner the grid left out (50 households) is placed by the redraw.
    assert_eq!(t["households_only_in_b"], reported["placed"], "{s}");
    assert_eq!(t["households"], reported["households"], "{s}");
    // The redraw keeps most neighborhoods as they were.
    let kept = json(&redrawn.join("redraw_summary.json"))["kept"]
        .as_u64()
        .unwrap();
    assert!(t["unchanged"].as_u64().unwrap() >= kept, "{s}");
    layers_valid(&out);
}

/// Runs `linli diff` expecting bad input: exit code 2 and an error naming
/// `names` with a hint.
fn refused(args: &[&Path], names: &[&str]) -> String {
    let mut all: Vec<&Path> = vec![Path::new("diff")];
    all.extend(args);
    let o = linli(&all);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    for n in names {
        assert!(err.contains(n), "{args:?}: {n:?} not in {err}");
    }
    assert!(err.contains("hint:"), "{err}");
    err
}

#[test]
fn bad_input_is_a_clear_error() {
    let f = fixture();
    let b = f.base.join("bad");
    std::fs::create_dir_all(&b).unwrap();
    let out = b.join("out");
    let o: &Path = Path::new("--out");
    // A folder that is neither a plan, a redraw nor a scenario.
    let empty = b.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    refused(&[&f.a, &empty, o, &out], &["empty", "neither a plan"]);
    refused(
        &[&f.a, &b.join("missing"), o, &out],
        &["missing", "is not a folder"],
    );
    // A plan folder without its roster.
    let no_roster = b.join("no_roster");
    std::fs::create_dir_all(&no_roster).unwrap();
    std::fs::copy(f.a.join("summary.json"), no_roster.join("summary.json")).unwrap();
    refused(
        &[&no_roster, &f.b, o, &out],
        &["no_roster", "holds no roster.csv"],
    );
    // A roster that is not one.
    let broken = b.join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(broken.join("roster.csv"), "\u{feff}社区,楼栋编号\nx,y\n").unwrap();
    refused(
        &[&broken, &f.b, o, &out],
        &["broken/roster.csv", "has no column"],
    );
    // A redraw's folder without the scenario.
    let grid = b.join("grid");
    std::fs::create_dir_all(&grid).unwrap();
    for n in ["neighborhoods.geojson", "partition_summary.json"] {
        std::fs::copy(f.a.join(n), grid.join(n)).unwrap();
    }
    refused(&[&f.a, &grid, o, &out], &["grid", "--scenario"]);
    // Plans of different scenarios: other households, or another manifest.
    let other = b.join("other");
    std::fs::create_dir_all(&other).unwrap();
    let roster = std::fs::read_to_string(f.b.join("roster.csv")).unwrap();
    let changed = roster.replacen(",49,", ",48,", 1);
    assert_ne!(changed, roster);
    std::fs::write(other.join("roster.csv"), changed).unwrap();
    refused(
        &[&f.a, &other, o, &out],
        &["other/roster.csv", "different scenarios"],
    );
    let manifest = std::fs::read_to_string(f.b.join("manifest.json")).unwrap();
    let sha = json(&f.b.join("manifest.json"))["inputs"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "buildings.geojson")
        .unwrap()["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(other.join("roster.csv"), &roster).unwrap();
    std::fs::write(
        other.join("manifest.json"),
        manifest.replace(&sha, &"0".repeat(64)),
    )
    .unwrap();
    refused(
        &[&f.a, &other, o, &out],
        &["other/manifest.json", "different scenarios"],
    );
    // The output is one of the plans.
    refused(&[&f.a, &f.b, o, &f.a], &["one of the folders compared"]);
    assert!(f.a.join("roster.csv").exists());
    assert!(!out.exists(), "nothing is written when the diff fails");
}

#[test]
fn gdal_opens_the_layers() {
    if Command::new("ogrinfo").arg("--version").output().is_err() {
        eprintln!("ogrinfo not installed: skipping the GDAL check");
        return;
    }
    let f = fixture();
    let out = f.base.join("diff-gdal");
    diff(&[
        &f.a,
        &f.b,
        Path::new("--out"),
        &out,
        Path::new("--scenario"),
        &f.scenario,
    ]);
    for name in ["diff.geojson", "diff_neighborhoods.geojson"] {
        let o = Command::new("ogrinfo")
            .args(["-ro", "-al", "-so"])
            .arg(out.join(name))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(text.contains("Feature Count"), "{name}: {text}");
        let fields: &[&str] = if name == "diff.geojson" {
            &["change: String", "households: Integer", "from_code: String"]
        } else {
            &[
                "change: String",
                "matched_code: String",
                "households: Integer",
            ]
        };
        for field in fields {
            assert!(text.contains(field), "{name}: {field} not in {text}");
        }
    }
    // --format gpkg: both layers in one plan.gpkg, the CSVs beside it.
    let gpkg = f.base.join("diff-gpkg");
    diff(&[
        &f.a,
        &f.b,
        Path::new("--out"),
        &gpkg,
        Path::new("--format"),
        Path::new("gpkg"),
    ]);
    assert!(gpkg.join("diff_buildings.csv").exists());
    assert!(!gpkg.join("diff.geojson").exists());
    let o = Command::new("ogrinfo")
        .args(["-ro", "-so"])
        .arg(gpkg.join("plan.gpkg"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("diff_neighborhoods") && text.contains("1: diff"),
        "{text}"
    );
}
