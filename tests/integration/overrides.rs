//! Per-community settings (issue 26): overrides.csv and
//! `[communities.…]` in scenario.toml change the plan as asked (a fixed
//! neighborhood count, a target, a kind, workers on staff), the redraw
//! honours them, and a wrong row is an error naming its file and line.

use linli::read::{ReadOptions, ScenarioFiles};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn out_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("overrides-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn with(file: &str, text: &str) -> ScenarioFiles {
    let mut files = linli::demo::files();
    let old = files
        .files
        .get(file)
        .map(|t| t.to_string())
        .unwrap_or_default();
    files
        .files
        .insert(file.into(), format!("{old}\n{text}").into());
    files
}

fn summary(files: &ScenarioFiles, name: &str) -> Value {
    let d = out_dir(name);
    linli::plan::run_plan(files, &ReadOptions::default(), 1, &d).unwrap();
    serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).unwrap()).unwrap()
}

fn of<'a>(s: &'a Value, community: &str) -> Vec<&'a Value> {
    s["neighborhoods"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["community"] == community)
        .collect()
}

fn workers(s: &Value, community: &str) -> Option<u64> {
    s["staffing"]["communities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == community)
        .and_then(|c| c["workers"].as_u64())
}

#[test]
fn overrides_change_the_plan_as_asked() {
    let base = summary(&linli::demo::files(), "base");
    let csv = "社区,邻里数,目标户数,类型,社工数\n荷清苑社区,5,,,\nWDK-05,,200,,\nWDK-06,,,涉农,\nWDK-03,,,,4\n";
    let mut files = linli::demo::files();
    files.files.insert("overrides.csv".into(), csv.into());
    let s = summary(&files, "csv");
    // A fixed count, by the community's name.
    assert_ne!(of(&base, "WDK-01").len(), 5);
    assert_eq!(of(&s, "WDK-01").len(), 5);
    // A lower target: more, smaller neighborhoods, each near 200.
    assert!(of(&s, "WDK-05").len() > of(&base, "WDK-05").len());
    for n in of(&s, "WDK-05") {
        let h = n["households"].as_f64().unwrap();
        let d = n["deviation"].as_f64().unwrap();
        assert!((h / 200.0 - 1.0 - d).abs() < 0.01, "{n}");
    }
    // Rural: measured against 150.
    for n in of(&s, "WDK-06") {
        let h = n["households"].as_f64().unwrap();
        let d = n["deviation"].as_f64().unwrap();
        assert!((h / 150.0 - 1.0 - d).abs() < 0.01, "{n}");
    }
    assert_eq!(workers(&s, "WDK-03"), Some(4));
    // Communities without a row are planned as before.
    assert_eq!(of(&s, "WDK-02"), of(&base, "WDK-02"));
    // The same settings in scenario.toml give the same plan.
    let toml = "[communities.\"荷清苑社区\"]\nneighborhoods = 5\n[communities.WDK-05]\ntarget = 200\n[communities.WDK-06]\nkind = \"rural\"\n[communities.WDK-03]\nworkers = 4\n";
    let t = summary(&with("scenario.toml", toml), "toml");
    assert_eq!(t["neighborhoods"], s["neighborhoods"]);
}

#[test]
fn a_band_sets_target_and_tolerance() {
    let s = summary(
        &with("scenario.toml", "[communities.WDK-05]\nband = [100, 200]\n"),
        "band",
    );
    for n in of(&s, "WDK-05") {
        let h = n["households"].as_u64().unwrap();
        let flags = n["flags"].as_array().unwrap();
        let in_band = (100..=200).contains(&h);
        assert_eq!(
            in_band,
            !flags.iter().any(|f| f.as_str().unwrap().contains("band")),
            "{n}"
        );
    }
}

#[test]
fn a_wrong_row_is_named() {
    let cases = [
        (
            "community,target\nWDK-01,250\nWDK-99,200\n",
            "overrides.csv, line 3: no community has the id or name \"WDK-99\"",
        ),
        (
            "community,target\nWDK-01,two hundred\n",
            "overrides.csv, line 2: target \"two hundred\" is not a whole number",
        ),
        (
            "community,households\nWDK-01,250\n",
            "overrides.csv, line 1: column \"households\" is not a setting",
        ),
        (
            "community,band_min\nWDK-01,100\n",
            "overrides.csv, line 2: gives one end of the band",
        ),
        (
            "community,neighborhoods\nWDK-01,0\n",
            "overrides.csv, line 2: neighborhoods is 0, outside [1, 10000]",
        ),
        (
            "community,workers\nWDK-01,2\nWDK-01,3\n",
            "overrides.csv, line 3: community \"WDK-01\" is listed again",
        ),
    ];
    for (csv, want) in cases {
        let mut files = linli::demo::files();
        files.files.insert("overrides.csv".into(), csv.into());
        let e = linli::pipeline::load(&files, &ReadOptions::default()).unwrap_err();
        assert!(e.to_string().contains(want), "{csv:?}: {e}");
    }
    let e = linli::pipeline::load(
        &with("scenario.toml", "[communities.Nowhere]\ntarget = 200\n"),
        &ReadOptions::default(),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("scenario.toml: [communities.Nowhere]: no community has the id or name"),
        "{e}"
    );
    let e = linli::pipeline::load(
        &with("scenario.toml", "[communities.WDK-01]\ntolerance = 2\n"),
        &ReadOptions::default(),
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("communities.WDK-01.tolerance is 2"),
        "{e}"
    );
}

#[test]
fn the_redraw_honours_the_settings() {
    // The demo grid's four WDK-05 neighborhoods are below the band of 300;
    // at a target of 150 they are within it and the redraw keeps them.
    let redraw = |files: &ScenarioFiles, name: &str| -> Value {
        let d = out_dir(name);
        linli::plan::commands::run_redraw(
            files,
            &ReadOptions::default(),
            1,
            false,
            &d,
            &linli::model::progress::Silent,
        )
        .unwrap();
        serde_json::from_str(&std::fs::read_to_string(d.join("redraw_summary.json")).unwrap())
            .unwrap()
    };
    let sizes = |g: &Value| -> Vec<u64> {
        g["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["community"] == "WDK-05")
            .map(|r| r["households"].as_u64().unwrap())
            .collect()
    };
    let before = redraw(&linli::demo::files(), "redraw-base");
    let after = redraw(
        &with("scenario.toml", "[communities.WDK-05]\ntarget = 150\n"),
        "redraw-150",
    );
    // The band of 150 is 100–200; one building of 1,080 households stays whole.
    let (b, a) = (sizes(&before), sizes(&after));
    assert!(b.iter().any(|&h| h > 200 && h < 1000), "{b:?}");
    assert!(a.len() > b.len(), "{a:?} vs {b:?}");
    assert!(
        a.iter().all(|&h| (100..=200).contains(&h) || h > 1000),
        "{a:?}"
    );
}
