//! The roster a plan is handed in with (issue 26): roster.csv and
//! neighborhoods.csv open in Excel (a byte-order mark), their household
//! totals are summary.json's, codes are unique and stable and extend the
//! community's, every household is in exactly one contact group of about
//! 30, building groups and contact groups are layers, roster.xlsx opens.

use linli::read::{ReadOptions, ScenarioFiles};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn out_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("roster-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "{}: no byte-order mark",
        path.display()
    );
    let text = String::from_utf8(bytes).unwrap();
    linli::read::csv::records(&text)
        .unwrap()
        .into_iter()
        .map(|r| r.fields)
        .collect()
}

#[test]
fn the_roster_totals_codes_and_groups_hold() {
    let d = out_dir("demo");
    linli::plan::run_plan(&linli::demo::files(), &ReadOptions::default(), 1, &d).unwrap();
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).unwrap()).unwrap();
    let total: u64 = summary["neighborhoods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["households"].as_u64().unwrap())
        .sum();
    let roster = rows(&d.join("roster.csv"));
    assert_eq!(roster[0][0], "街道");
    let households: u64 = roster[1..]
        .iter()
        .map(|r| r[7].parse::<u64>().unwrap())
        .sum();
    assert_eq!(households, total);
    // Every building of a neighborhood is listed once.
    let ids: BTreeSet<&String> = roster[1..].iter().map(|r| &r[5]).collect();
    assert_eq!(ids.len(), roster.len() - 1);
    let hoods = rows(&d.join("neighborhoods.csv"));
    let codes: BTreeSet<&String> = hoods[1..].iter().map(|r| &r[0]).collect();
    assert_eq!(codes.len(), hoods.len() - 1, "codes not unique");
    // Names are unique within a community (the community's name comes first
    // wherever one is written in full).
    let names: BTreeSet<(&String, &String)> = hoods[1..].iter().map(|r| (&r[3], &r[1])).collect();
    assert_eq!(
        names.len(),
        hoods.len() - 1,
        "names not unique in a community"
    );
    for r in &hoods[1..] {
        // A neighborhood's code extends its community's.
        assert!(r[0].starts_with(&r[2][..r[2].rfind('-').unwrap()]), "{r:?}");
    }
    let hh: u64 = hoods[1..]
        .iter()
        .map(|r| r[5].parse::<u64>().unwrap())
        .sum();
    assert_eq!(hh, total);
    // Contact groups: every household once, about 30 each.
    let contacts: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("contact_groups.geojson")).unwrap())
            .unwrap();
    let cs = contacts["features"].as_array().unwrap();
    let sum: u64 = cs
        .iter()
        .map(|c| c["properties"]["households"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, total);
    let sizes: Vec<u64> = cs
        .iter()
        .map(|c| c["properties"]["households"].as_u64().unwrap())
        .collect();
    let mean = sum as f64 / sizes.len() as f64;
    assert!((20.0..=45.0).contains(&mean), "mean contact group {mean}");
    // A building's groups: its own code extended.
    for r in &roster[1..] {
        if !r[8].is_empty() {
            assert!(r[8].starts_with(&r[3]), "{r:?}");
            assert!(r[9].split(';').all(|c| c.starts_with(&r[8])), "{r:?}");
        }
    }
    // The same plan again: the same bytes.
    let again = out_dir("demo-again");
    linli::plan::run_plan(&linli::demo::files(), &ReadOptions::default(), 1, &again).unwrap();
    for f in [
        "roster.csv",
        "neighborhoods.csv",
        "roster.xlsx",
        "contact_groups.geojson",
    ] {
        assert_eq!(
            std::fs::read(d.join(f)).unwrap(),
            std::fs::read(again.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn division_codes_make_the_neighborhood_codes() {
    // A community with a 12-digit code: its neighborhoods get 15 digits.
    let base = linli::demo::files();
    let text = base.files["communities.geojson"].replace(
        "\"id\":\"WDK-01\",",
        "\"id\":\"WDK-01\",\"code\":\"110108007001\",",
    );
    let mut files: ScenarioFiles = base.clone();
    files
        .files
        .insert("communities.geojson".into(), text.into());
    let d = out_dir("codes");
    linli::plan::run_plan(&files, &ReadOptions::default(), 1, &d).unwrap();
    let hoods = rows(&d.join("neighborhoods.csv"));
    let wdk01: Vec<&Vec<String>> = hoods[1..]
        .iter()
        .filter(|r| r[2].starts_with("WDK-01-"))
        .collect();
    assert!(!wdk01.is_empty());
    for r in wdk01 {
        assert_eq!(r[0].len(), 15, "{r:?}");
        assert!(r[0].starts_with("110108007001"), "{r:?}");
    }
}

#[test]
fn the_xlsx_opens_in_gdal() {
    if std::process::Command::new("ogrinfo")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("ogrinfo not installed: skipping the .xlsx check");
        return;
    }
    let d = out_dir("xlsx");
    linli::plan::run_plan(&linli::demo::files(), &ReadOptions::default(), 1, &d).unwrap();
    let o = std::process::Command::new("ogrinfo")
        .args(["-so", "-al"])
        .arg(d.join("roster.xlsx"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        text.contains("Layer name: 楼栋台账") && text.contains("Layer name: 邻里台账"),
        "{text}"
    );
    assert!(
        text.contains("Feature Count: 515") || text.contains("Feature Count: 514"),
        "{text}"
    );
}

#[test]
fn a_redraw_keeps_the_codes_of_what_it_keeps() {
    // The plan's own neighborhoods (with their codes) as the existing grid:
    // a redraw keeps them all, with their codes; a grid code the district
    // chose stays too.
    let d = out_dir("plan-for-redraw");
    linli::plan::run_plan(&linli::demo::files(), &ReadOptions::default(), 1, &d).unwrap();
    let planned = std::fs::read_to_string(d.join("neighborhoods.geojson")).unwrap();
    let mut grid: Value = serde_json::from_str(&planned).unwrap();
    grid["features"][3]["properties"]["code"] = "110108007001099".into();
    let mut files = linli::demo::files();
    files
        .files
        .insert("neighborhoods.geojson".into(), grid.to_string().into());
    let r = out_dir("redrawn");
    linli::plan::commands::run_redraw(
        &files,
        &ReadOptions::default(),
        1,
        false,
        &r,
        &linli::model::progress::Silent,
    )
    .unwrap();
    let before = rows(&d.join("neighborhoods.csv"));
    let after = rows(&r.join("neighborhoods.csv"));
    let code_of = |rows: &[Vec<String>], id: &str| -> Option<String> {
        rows[1..].iter().find(|r| r[2] == id).map(|r| r[0].clone())
    };
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(r.join("redraw_summary.json")).unwrap())
            .unwrap();
    let kept: Vec<&str> = summary["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["change"] == "kept")
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert!(kept.len() > 20, "{kept:?}");
    let fourth = grid["features"][3]["properties"]["id"].as_str().unwrap();
    for id in kept {
        let want = if id == fourth {
            Some("110108007001099".to_string())
        } else {
            code_of(&before, id)
        };
        assert_eq!(code_of(&after, id), want, "{id}");
    }
    // The redrawn layer says what happened to each neighborhood.
    let layer: Value =
        serde_json::from_str(&std::fs::read_to_string(r.join("neighborhoods.geojson")).unwrap())
            .unwrap();
    for f in layer["features"].as_array().unwrap() {
        assert!(f["properties"]["change"].is_string(), "{f}");
        assert!(f["properties"]["code"].is_string(), "{f}");
    }
}
