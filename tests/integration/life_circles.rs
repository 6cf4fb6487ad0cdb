//! Life circles and the standards profile: a hand-made network whose
//! distances and covered households are known exactly; `linli plan` on the
//! demo writes `life_circles` whose shares never decrease from 5 to 10 to
//! 15 minutes; a wrong standards.toml is named with its line; `linli
//! audit` writes the existing grid's coverage without re-partitioning.

use geo::Point;
use linli::config::Walking;
use linli::coverage::report::{Neighborhoods, analyse_with};
use linli::model::{Building, Facility, Scenario, Walkway};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn base(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("linli-circles-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn linli(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_linli"))
        .args(args)
        .output()
        .unwrap()
}

fn json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// A scenario folder with the demo's layers.
fn demo_scenario(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in &linli::demo::files().files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// One straight street 2 km long; facilities on it, homes 10 m off it.
fn street() -> Scenario {
    let fac = |id: &str, kind: &str, x: f64| Facility {
        id: id.into(),
        kind: kind.into(),
        name: id.into(),
        location: Point::new(x, 0.0),
        capacity: None,
    };
    let home = |id: &str, x: f64, households| Building {
        id: id.into(),
        footprint: None,
        location: Point::new(x, 10.0),
        households,
        estimated: false,
        use_: "residential".into(),
    };
    Scenario {
        walkways: vec![Walkway {
            line: vec![(0.0, 0.0), (2000.0, 0.0)].into(),
            class: "residential".into(),
            walkable: None,
            level: 0,
        }],
        facilities: vec![
            fac("K1", "kindergarten", 0.0),
            fac("K2", "kindergarten", 1200.0),
            fac("M1", "market", 100.0),
            fac("N1", "neighborhood_office", 600.0),
            fac("C1", "clinic", 1900.0),
            fac("CC1", "community_centre", 0.0),
            fac("CC2", "community_centre", 1600.0),
        ],
        buildings: vec![
            home("b0", 250.0, 100), // kindergarten 260 m: the 5-minute circle
            home("b1", 700.0, 50),  // market 610 m, clinic beyond: none
            home("b2", 1150.0, 30), // kindergarten K2 60 m: 5
            home("b3", 1500.0, 20), // clinic 410 m, centre 110 m: 15
            home("b4", 300.0, 40),  // kindergarten 310 m; market 210, office 310: 10
        ],
        ..Default::default()
    }
}

#[test]
fn a_hand_made_street_gives_the_exact_distances_and_households() {
    let s = street();
    let w = Walking::default();
    let cov = linli::coverage::compute(&s, &w, 0.05).unwrap();
    let kind = |k: &str| cov.kinds.iter().find(|c| c.kind == k).unwrap();
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    let kg = kind("kindergarten");
    assert!(close(kg.metres[0], 260.0) && close(kg.metres[4], 310.0));
    assert!(close(kg.metres[1], 510.0)); // K2 (500 + 10) is nearer than K1 (710)
    let id = |k: &str, b: usize| {
        kind(k)
            .nearest_facility(b)
            .map(|f| s.facilities[f].id.clone())
    };
    assert_eq!(id("kindergarten", 1).as_deref(), Some("K2"));
    assert_eq!(id("kindergarten", 0).as_deref(), Some("K1"));
    assert_eq!(id("community_centre", 3).as_deref(), Some("CC2"));
    assert!(close(kind("clinic").metres[3], 410.0));
    // The clinic is 1,810 m from b1: beyond the search bound, no id.
    assert!(kind("clinic").metres[1].is_infinite());
    assert_eq!(id("clinic", 1), None);

    let lc = &cov.life_circles;
    assert_eq!(lc.circles[0].kinds, vec!["kindergarten"]);
    assert_eq!(lc.circles[1].kinds, vec!["market", "neighborhood_office"]);
    assert_eq!(lc.circles[2].kinds, vec!["clinic", "community_centre"]);
    let minutes: Vec<Option<u32>> = (0..5).map(|b| lc.minutes_of(b)).collect();
    assert_eq!(minutes, vec![Some(5), None, Some(5), Some(15), Some(10)]);

    // Two neighborhoods: b0, b1 and b4 west, b2 and b3 east.
    let nb = Neighborhoods {
        ids: vec!["W".into(), "E".into()],
        building: vec![Some(0), Some(0), Some(1), Some(1), Some(0)],
        areas: vec![geo::MultiPolygon(vec![]), geo::MultiPolygon(vec![])],
        also: vec![],
    };
    let an = analyse_with(&s, &w, &cov, Some(&nb), None, false).unwrap();
    assert_eq!(an.overall.circles, vec![130, 170, 190]);
    assert_eq!(an.neighborhoods[0].circles, vec![100, 140, 140]);
    assert_eq!(an.neighborhoods[1].circles, vec![30, 30, 50]);
    // "The last 500 m": b1 (50 households) is 110 m from the office, b3
    // (20) and b2 (30) are 900 m and more away.
    assert_eq!(
        an.neighborhoods[0].by_kind["neighborhood_office"].covered,
        190
    );
    assert_eq!(
        an.neighborhoods[1].by_kind["neighborhood_office"].covered,
        0
    );
}

#[test]
fn a_circle_is_counted_at_every_larger_one() {
    // A profile putting the clinic in the 5-minute circle: b3 (clinic 410
    // m, beyond 300 m) drops out of the 15-minute circle's kinds; the
    // shares still never decrease.
    let s = street();
    let mut w = Walking::default();
    let p = "[kinds.clinic]\ncircle = 5\n";
    w.use_standards(linli::config::standards::Standards::parse(p, "s.toml", &w.standards).unwrap());
    let cov = linli::coverage::compute(&s, &w, 0.05).unwrap();
    let an = analyse_with(&s, &w, &cov, None, None, false).unwrap();
    let c = &an.overall.circles;
    assert!(c[0] <= c[1] && c[1] <= c[2], "{c:?}");
    // Nobody has both a kindergarten and the clinic within 300 m; b0 and
    // b4 (office and market) at 10; the community centre alone makes the
    // 15-minute circle, for everybody else.
    assert_eq!(c, &vec![0, 140, 240]);
}

/// Every circle's share in `life` (coverage_summary.json's
/// `life_circles`) for `group` is non-decreasing from 5 to 10 to 15.
fn non_decreasing(life: &Value, pick: impl Fn(&Value) -> Vec<Value>) -> usize {
    let at = |c: &str| pick(&life[c]);
    let (five, ten, fifteen) = (at("5"), at("10"), at("15"));
    assert_eq!(five.len(), ten.len());
    assert_eq!(ten.len(), fifteen.len());
    for ((a, b), c) in five.iter().zip(&ten).zip(&fifteen) {
        let n = |v: &Value| v["covered"].as_u64().unwrap();
        assert!(n(a) <= n(b) && n(b) <= n(c), "{a}\n{b}\n{c}");
        let sh = |v: &Value| v["share"].as_f64().unwrap_or(0.0);
        assert!(sh(a) <= sh(b) && sh(b) <= sh(c));
    }
    five.len()
}

#[test]
fn the_demo_plan_writes_life_circles_that_never_decrease() {
    let out = base("plan").join("out");
    let o = linli(&[
        "plan",
        "data/demo",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = json(&out.join("coverage_summary.json"));
    let life = &s["life_circles"];
    let keys: Vec<&String> = life.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["10", "15", "5"]);
    assert_eq!(life["5"]["metres"], 300.0);
    assert_eq!(
        life["15"]["kinds"],
        serde_json::json!(["clinic", "community_centre"])
    );
    let all = non_decreasing(life, |c| vec![c["overall"].clone()]);
    assert_eq!(all, 1);
    let list = |k: &'static str| move |c: &Value| c[k].as_array().unwrap().clone();
    assert!(non_decreasing(life, list("communities")) >= 7);
    assert!(non_decreasing(life, list("neighborhoods")) >= 25);
    assert!(life["15"]["overall"]["covered"].as_u64() > life["5"]["overall"]["covered"].as_u64());
    assert_eq!(s["standards"]["file"], "built-in");
    assert_eq!(s["service_point"]["limit_m"], 500.0);

    // Per building: the circles nest, and each kind's nearest facility is named.
    let c = json(&out.join("coverage.geojson"));
    let mut named = 0;
    for f in c["features"].as_array().unwrap() {
        let p = &f["properties"];
        let at = |m: &str| p[format!("circle_{m}")].as_bool();
        if p.get("left_out").is_some() {
            assert!(at("5").is_none());
            continue;
        }
        let (a, b, c) = (at("5").unwrap(), at("10").unwrap(), at("15").unwrap());
        assert!((!a || b) && (!b || c), "{p}");
        assert_eq!(p.get("life_circle").is_some(), c, "{p}");
        if p.get("clinic_m").is_some() {
            assert!(p["clinic_id"].is_string(), "{p}");
            named += 1;
        } else {
            assert!(p.get("clinic_id").is_none());
        }
    }
    assert!(named > 50);
}

#[test]
fn a_wrong_standards_profile_is_named_with_its_line() {
    let b = base("bad");
    let scenario = b.join("scenario");
    demo_scenario(&scenario);
    let bad = "# our district\n[kinds.kindergarten]\ncircle = 5\nmetres = 3000000\n";
    std::fs::write(scenario.join("standards.toml"), bad).unwrap();
    let out = b.join("out");
    let o = linli(&[
        "plan",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("standards.toml: line 4"), "{e}");
    assert!(
        e.contains("metres 3000000 is out of range") && e.contains("hint"),
        "{e}"
    );

    // --standards FILE is over the scenario's file; an unknown key is named.
    let other = b.join("mine.toml");
    std::fs::write(&other, "[kinds.clinic]\ncircle = 10\nradius = 500\n").unwrap();
    let o = linli(&[
        "coverage",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--standards",
        other.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("mine.toml: line 3") && e.contains("unknown field `radius`"),
        "{e}"
    );

    // A good one is used: the clinic in the 10-minute circle, 500 m.
    std::fs::write(&other, "[kinds.clinic]\ncircle = 10\nmetres = 500\n").unwrap();
    let o = linli(&[
        "coverage",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--standards",
        other.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = json(&out.join("coverage_summary.json"));
    assert_eq!(s["kinds"]["clinic"]["threshold_m"], 500.0);
    assert!(
        s["life_circles"]["10"]["kinds"]
            .as_array()
            .unwrap()
            .contains(&"clinic".into())
    );
    assert!(
        s["standards"]["file"]
            .as_str()
            .unwrap()
            .ends_with("mine.toml")
    );
}

#[test]
fn audit_writes_the_existing_grids_coverage() {
    let out = base("audit").join("audit");
    let o = linli(&[
        "audit",
        "data/demo",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let cov = json(&out.join("audit_coverage_summary.json"));
    let audit = json(&out.join("audit.geojson"));
    // The grid as drawn: the same polygons, the same households (the
    // audit's count), not a partition.
    let drawn: Vec<(String, u64)> = audit["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["id"].as_str().unwrap().to_string(),
                p["households"].as_u64().unwrap(),
            )
        })
        .collect();
    let counted: Vec<(String, u64)> = cov["neighborhoods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let hh = n["households"].as_u64().unwrap() + n["households_left_out"].as_u64().unwrap();
            (n["id"].as_str().unwrap().to_string(), hh)
        })
        .collect();
    assert_eq!(counted, drawn);
    assert_eq!(drawn.len(), 27);
    let life = &cov["life_circles"];
    let list = |c: &Value| c["neighborhoods"].as_array().unwrap().clone();
    assert_eq!(non_decreasing(life, list), 27);
    // The service point by network distance, per grid neighborhood.
    let sp = &cov["service_point"];
    assert_eq!(sp["kind"], "neighborhood_office");
    let beyond = sp["neighborhoods_beyond"].as_array().unwrap().len() as u64;
    assert_eq!(
        sp["neighborhoods_within"].as_u64().unwrap() + beyond,
        sp["neighborhoods"].as_u64().unwrap()
    );
}

/// The demo with `elderly` and `children` given on its buildings (a
/// fixed share of households, so the expected persons are known).
fn demo_with_populations(dir: &Path) -> (u64, u64) {
    demo_scenario(dir);
    let path = dir.join("buildings.geojson");
    let mut fc: Value = json(&path);
    let (mut elderly, mut children) = (0u64, 0u64);
    for (i, f) in fc["features"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        let p = f["properties"].as_object_mut().unwrap();
        let (e, c) = ((i % 7) as u64 * 3, (i % 5) as u64);
        p.insert("elderly".into(), e.into());
        p.insert("children".into(), c.into());
        elderly += e;
        children += c;
    }
    std::fs::write(&path, serde_json::to_string(&fc).unwrap()).unwrap();
    (elderly, children)
}

#[test]
fn the_elderly_and_children_are_counted_for_the_kinds_serving_them() {
    let d = base("populations");
    let scen = d.join("scen");
    let (elderly, children) = demo_with_populations(&scen);
    let out = d.join("out");
    let o = linli(&[
        "--quiet",
        "coverage",
        scen.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-neighborhoods",
        "--no-service-areas",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = json(&out.join("coverage_summary.json"));
    let pops = s["populations"].as_array().unwrap();
    let by = |name: &str| {
        pops.iter()
            .find(|p| p["population"] == name)
            .unwrap()
            .clone()
    };
    let (e, c) = (by("elderly"), by("children"));
    // The persons of the buildings on the network inside a community:
    // nearly all of the demo's.
    for (p, total) in [(&e, elderly), (&c, children)] {
        let n = p["overall"]["persons"].as_u64().unwrap();
        assert!(
            n <= total && n as f64 >= 0.9 * total as f64,
            "{n} of {total}"
        );
    }
    // The demo has no elderly care: named, nobody counted; its
    // kindergarten serves the children.
    assert!(
        e["kinds_without_facility"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == "elderly_care")
    );
    assert_eq!(c["kinds"], serde_json::json!(["kindergarten"]));
    let covered = c["overall"]["covered"]["kindergarten"].as_u64().unwrap();
    assert!(covered > 0 && covered < c["overall"]["persons"].as_u64().unwrap());
    // The communities add up to the whole.
    let sum: u64 = c["communities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["persons"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, c["overall"]["persons"].as_u64().unwrap());

    // A count that is no count names the building.
    let path = scen.join("buildings.geojson");
    let text =
        std::fs::read_to_string(&path)
            .unwrap()
            .replacen("\"elderly\":0", "\"elderly\":-4", 1);
    std::fs::write(&path, text).unwrap();
    let o = linli(&[
        "--quiet",
        "coverage",
        scen.to_str().unwrap(),
        "--out",
        d.join("bad").to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success()
            && err.contains("buildings.geojson")
            && err.contains("elderly is negative"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn each_neighborhood_has_its_walking_reach_and_hull_ratio() {
    let d = base("reach");
    let out = d.join("plan");
    let o = linli(&["--quiet", "demo", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let fc = json(&out.join("neighborhoods.geojson"));
    let feats = fc["features"].as_array().unwrap();
    let (mut from_point, mut max) = (0, 0.0f64);
    for f in feats {
        let p = &f["properties"];
        let ratio = p["convex_hull_ratio"].as_f64().unwrap();
        assert!(ratio > 0.0 && ratio <= 1.0, "{p}");
        if p["households"].as_u64().unwrap() == 0 {
            continue;
        }
        let reach = p["walking_reach_m"]
            .as_f64()
            .unwrap_or_else(|| panic!("{p}"));
        let from = p["reach_from"].as_str().unwrap();
        assert!(
            from.starts_with("service_point ") || from.starts_with("home "),
            "{from}"
        );
        from_point += usize::from(from.starts_with("service_point "));
        // The demo's communities are under 2 km across.
        assert!((0.0..5000.0).contains(&reach), "{reach}");
        max = max.max(reach);
    }
    let s = json(&out.join("summary.json"));
    let r = &s["walking_reach"];
    assert_eq!(
        r["from_service_point"].as_u64().unwrap() as usize,
        from_point
    );
    assert!((r["max_m"].as_f64().unwrap() - max).abs() < 0.11);
    assert!(
        r["beyond_service_point_limit"].as_u64().unwrap() <= r["neighborhoods"].as_u64().unwrap()
    );
    assert!(
        s["partition"]["overall"]["mean_convex_hull_ratio"]
            .as_f64()
            .unwrap()
            > 0.3
    );
    let _ = std::fs::remove_dir_all(&d);
}
