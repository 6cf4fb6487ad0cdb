//! Coverage: distances on a hand-worked graph (the same answers networkx's
//! multi_source_dijkstra gives on the graph with the snap points inserted as
//! nodes and the snap legs as edges — see benches/coverage_networkx_check.py),
//! service-area validity, bad input, the demo end to end and determinism.

use geo::{Area, Coord, Distance, Point, Validation};
use linli::config::Walking;
use linli::coverage::dijkstra::Search;
use linli::coverage::network::from_nodes;
use linli::coverage::report::{CoverageRequest, SiteRequest, analyse};
use linli::coverage::snap::Snapper;
use linli::coverage::{compute, distances};
use linli::model::{Building, Facility, Scenario, Walkway};

fn c(x: f64, y: f64) -> Coord<f64> {
    Coord { x, y }
}

/// A(0,0) B(100,0) C(100,100) D(0,100) E(200,0); edges AB BC CD DA BE.
fn square() -> linli::coverage::network::WalkGraph {
    from_nodes(
        vec![
            c(0., 0.),
            c(100., 0.),
            c(100., 100.),
            c(0., 100.),
            c(200., 0.),
        ],
        vec![(0, 1), (1, 2), (2, 3), (0, 3), (1, 4)],
    )
}

#[test]
fn hand_worked_distances_with_mid_edge_and_same_edge_snaps() {
    let g = square();
    let sn = Snapper::new(&g);
    // F on AB at t = 0.3, 10 m off; G on AD at t = 0.5, 4 m off.
    let f = sn.snap(&g, c(30., -10.)).unwrap();
    let gg = sn.snap(&g, c(-4., 50.)).unwrap();
    assert_eq!((f.edge, f.t, f.leg), (0, 0.3, 10.0));
    assert_eq!((gg.t, gg.leg), (0.5, 4.0));
    let targets: Vec<_> = [c(105., 60.), c(70., 8.), c(150., 3.), c(2., 80.)]
        .iter()
        .map(|&p| sn.snap(&g, p))
        .collect();
    let mut search = Search::new(g.nodes.len());
    // Worked by hand:
    // P (105,60) on BC s=0.6 leg 5: F→B 10+70, B→P 60, +5        = 145
    // Q (70,8) on AB s=0.7 leg 8: same edge as F, 40 + 10 + 8     = 58
    // R (150,3) on BE s=0.5 leg 3: F→B 80, +50, +3                = 133
    // T (2,80) on AD s=0.8 leg 2: same edge as G, 30 + 4 + 2      = 36
    let d = distances(&g, &mut search, &[f, gg], &targets, 1000.0);
    let want = [145.0, 58.0, 133.0, 36.0];
    for (got, want) in d.iter().zip(want) {
        assert!((got - want).abs() < 0.01, "{d:?}");
    }
    // F alone: T goes F→A (10+30), A→T 80, +2 = 122.
    let d = distances(&g, &mut search, &[f], &targets, 1000.0);
    assert!((d[3] - 122.0).abs() < 0.01, "{d:?}");
    // Bounded: beyond 130 m is unknown (infinity), within stays exact.
    let d = distances(&g, &mut search, &[f], &targets, 130.0);
    assert!(d[0].is_infinite() && (d[1] - 58.0).abs() < 0.01 && d[2].is_infinite());
}

#[test]
fn networkx_multi_source_semantics() {
    // The graph networkx sees: nodes 0..4 as above plus the snap points as
    // nodes splitting their edges, legs as edges. multi_source_dijkstra from
    // the two facility nodes gives (computed with networkx 3, see
    // benches/coverage_networkx_check.py): every building below.
    let g = square();
    let sn = Snapper::new(&g);
    let src = [
        sn.snap(&g, c(30., -10.)).unwrap(),
        sn.snap(&g, c(200., 50.)).unwrap(),
    ];
    // Second facility: 50 m off E, nearest point E itself (t = 1 on BE).
    assert_eq!((src[1].t, src[1].leg), (1.0, 50.0));
    let pts = [c(150., 3.), c(190., -1.), c(100., 100.), c(50., 102.)];
    let t: Vec<_> = pts.iter().map(|&p| sn.snap(&g, p)).collect();
    let d = distances(&g, &mut Search::new(5), &src, &t, 10_000.0);
    // (150,3): via F 80+50+3 = 133; via E 50+50+3 = 103   → 103
    // (190,-1): via E 50+10+1 = 61                        → 61
    // C: via F 80+100 = 180; via E 50+100+100 = 250       → 180
    // (50,102) on CD s=0.5 leg 2: via C 180+50+2 = 232; via A 40+100+50+2 = 192 → 192
    let want = [103.0, 61.0, 180.0, 192.0];
    for (got, want) in d.iter().zip(want) {
        assert!((got - want).abs() < 0.01, "{d:?}");
    }
}

#[test]
fn isochrones_are_valid_and_hold_every_junction_in_reach() {
    use linli::coverage::isochrones::{HullStyle, Level, isochrones};
    // A 10 × 10 grid of 100 m blocks with three facilities.
    let mut nodes = Vec::new();
    let mut segs = Vec::new();
    for i in 0..11 {
        for j in 0..11 {
            nodes.push(c(i as f64 * 100.0, j as f64 * 100.0));
            let v = (i * 11 + j) as u32;
            if i < 10 {
                segs.push((v, v + 11));
            }
            if j < 10 {
                segs.push((v, v + 1));
            }
        }
    }
    let g = from_nodes(nodes.clone(), segs);
    let sn = Snapper::new(&g);
    let at = [c(512., 498.), c(3., 3.), c(777., 140.)];
    let snaps: Vec<_> = at.iter().map(|&p| sn.snap(&g, p).unwrap()).collect();
    let levels: Vec<Level> = [250.0, 420.0, 1000.0]
        .iter()
        .map(|&metres| Level {
            metres,
            circle: None,
        })
        .collect();
    let style = HullStyle {
        concavity: 2.0,
        edge_m: 30.0,
    };
    let mut search = Search::new(g.nodes.len());
    let areas = isochrones(&g, &mut search, &snaps, &at, &levels, style);
    let junctions: Vec<_> = nodes.iter().map(|&p| sn.snap(&g, p)).collect();
    let d = distances(
        &g,
        &mut Search::new(g.nodes.len()),
        &snaps,
        &junctions,
        2000.0,
    );
    for (l, a) in levels.iter().zip(&areas) {
        assert!(a.is_valid(), "{:?}", a.validation_errors());
        for (p, m) in nodes.iter().zip(&d) {
            if *m <= l.metres {
                let gap = geo::Euclidean.distance(&Point(*p), a);
                assert!(
                    gap < 0.01,
                    "junction {p:?} at {m} m is {gap} m outside the {} m isochrone",
                    l.metres
                );
            }
        }
    }
    assert!(
        areas
            .windows(2)
            .all(|w| w[0].unsigned_area() < w[1].unsigned_area())
    );
    // Within 1000 m of three facilities the whole 1 km grid is reached.
    assert!(areas[2].unsigned_area() > 0.9e6);
}

fn building(id: &str, x: f64, y: f64, hh: u32) -> Building {
    Building {
        id: id.into(),
        footprint: None,
        location: Point::new(x, y),
        households: hh,
        estimated: false,
        use_: "residential".into(),
    }
}

fn facility(id: &str, kind: &str, x: f64, y: f64) -> Facility {
    Facility {
        id: id.into(),
        kind: kind.into(),
        name: id.into(),
        location: Point::new(x, y),
        capacity: None,
    }
}

fn way(pts: &[(f64, f64)], class: &str) -> Walkway {
    Walkway {
        line: pts.to_vec().into(),
        class: class.into(),
        walkable: None,
        level: 0,
    }
}

#[test]
fn bad_input_is_reported_and_left_out() {
    let s = Scenario {
        // A cross that must be noded, a motorway (not walkable) and an
        // island footpath far away.
        walkways: vec![
            way(&[(0., 0.), (2000., 0.)], "residential"),
            way(&[(1000., -1000.), (1000., 1000.)], "footway"),
            way(&[(0., 50.), (2000., 50.)], "motorway"),
            way(&[(5000., 5000.), (5100., 5000.)], "path"),
        ],
        buildings: vec![
            building("near", 1000., 500., 100),
            building("far", 3000., 3000., 40),
            building("island", 5050., 5010., 7),
        ],
        facilities: vec![
            facility("cc", "community_centre", 900., 10.),
            facility("typo", "clinc", 100., 0.),
            facility("lost", "clinic", -900., 900.),
        ],
        ..Default::default()
    };
    let w = Walking::default();
    let cov = compute(&s, &w, 0.05).unwrap();
    assert_eq!(cov.graph.lines_excluded["motorway"], 1);
    // The cross is split: 4 edges + the island's.
    assert_eq!(cov.graph.edges.len(), 5);
    let cc = cov
        .kinds
        .iter()
        .find(|k| k.kind == "community_centre")
        .unwrap();
    // cc snaps to (900, 0) leg 10; building on the footway at (1000, 500).
    assert!((cc.metres[0] - 610.0).abs() < 0.01);
    assert!(cc.metres[2].is_infinite()); // island
    assert_eq!(cov.buildings_left_out.len(), 1);
    assert_eq!(cov.buildings_left_out[0].id, "far");
    let reasons: Vec<_> = cov
        .facilities_left_out
        .iter()
        .map(|l| (l.id.as_str(), l.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        vec![("typo", "unknown_kind"), ("lost", "too_far_from_road")]
    );
    let all = cov.warnings.join("\n");
    assert!(
        all.contains("\"clinc\"") && all.contains("community_centre"),
        "{all}"
    );
    assert!(all.contains("2 separate pieces"), "{all}");
    assert_eq!(cov.components.len(), 2);
    assert_eq!(cov.components[1].households, 7);

    // Nothing walkable: a clear error.
    let s2 = Scenario {
        walkways: vec![way(&[(0., 0.), (10., 0.)], "motorway")],
        ..Default::default()
    };
    let e = compute(&s2, &w, 0.05).unwrap_err();
    assert!(e[0].to_string().contains("no walkable road"), "{}", e[0]);

    // Sites for a kind nobody knows: an error naming the kinds.
    let req = SiteRequest {
        goal: linli::coverage::report::SiteGoal::Count(1),
        kind: "bakery".into(),
        candidates: None,
    };
    let e = analyse(&s, &w, &cov, None, Some(&req)).unwrap_err();
    assert!(e[0].to_string().contains("bakery"));
}

#[test]
fn a_bridge_meets_streets_at_its_ends_not_the_one_below() {
    // A street along y = 0; a footbridge over it along x = 300 from
    // (300, -100) to (300, 100), its ends on two side streets (y = ±100)
    // that reach the main street only at x = 0 and x = 600.
    let mut bridge = way(&[(300., -100.), (300., 100.)], "footway");
    bridge.level = 1;
    let walkways = vec![
        way(&[(0., 0.), (600., 0.)], "residential"),
        bridge,
        way(&[(0., 100.), (300., 100.), (600., 100.)], "residential"),
        way(&[(0., -100.), (300., -100.), (600., -100.)], "residential"),
        way(&[(0., -100.), (0., 100.)], "residential"),
        way(&[(600., -100.), (600., 100.)], "residential"),
    ];
    let s = Scenario {
        walkways,
        buildings: vec![building("on-bridge", 305., 50., 10)],
        facilities: vec![facility("cc", "community_centre", 280., -5.)],
        ..Default::default()
    };
    let cov = compute(&s, &Walking::default(), 0.05).unwrap();
    let cc = &cov
        .kinds
        .iter()
        .find(|k| k.kind == "community_centre")
        .unwrap();
    // Not 5 + 50 + 20 + 5 through a junction that is not there: 5 to the
    // bridge, up it to (300, 100), 300 m to the corner, 100 m down, 280 m
    // along the street, 5 to the centre: 740 m.
    assert!((cc.metres[0] - 740.0).abs() < 0.01, "{}", cc.metres[0]);
    assert_eq!(cov.graph.components.len(), 1);
    // The same on the ground: a junction.
    let mut ground = s.clone();
    ground.walkways[1].level = 0;
    let cov = compute(&ground, &Walking::default(), 0.05).unwrap();
    let cc = &cov
        .kinds
        .iter()
        .find(|k| k.kind == "community_centre")
        .unwrap();
    assert!((cc.metres[0] - 80.0).abs() < 0.01, "{}", cc.metres[0]);
}

#[test]
fn bridge_tunnel_and_layer_are_read_from_roads() {
    let mut files = linli::demo::files();
    let roads = files.files["roads.geojson"].to_string();
    let mut v: serde_json::Value = serde_json::from_str(&roads).unwrap();
    let fs = v["features"].as_array_mut().unwrap();
    fs[0]["properties"]["bridge"] = "yes".into();
    fs[1]["properties"]["tunnel"] = "yes".into();
    fs[2]["properties"]["layer"] = "-2".into();
    fs[3]["properties"]["bridge"] = "yes".into();
    fs[3]["properties"]["layer"] = 2.into();
    fs[4]["properties"]["tunnel"] = "building_passage".into();
    files
        .files
        .insert("roads.geojson".into(), v.to_string().into());
    let loaded = linli::pipeline::load(&files, &Default::default()).unwrap();
    let levels: Vec<i8> = loaded.scenario.walkways[..5]
        .iter()
        .map(|w| w.level)
        .collect();
    assert_eq!(levels, vec![1, -1, -2, 2, 0]);
}

fn run_demo(out: &std::path::Path) -> Vec<std::path::PathBuf> {
    let req = CoverageRequest {
        neighborhoods: true,
        existing_grid: false,
        seed: 1,
        sites: Some((linli::coverage::report::SiteGoal::Count(3), "clinic".into())),
        candidates: None,
        no_service_areas: false,
    };
    let (_, cov, an, written, _) = linli::plan::run_coverage(
        &linli::demo::files(),
        &Default::default(),
        &req,
        out,
        &linli::model::progress::Silent,
    )
    .unwrap();
    for kind in [
        "community_centre",
        "neighborhood_office",
        "clinic",
        "school",
        "kindergarten",
    ] {
        let k = cov.kinds.iter().find(|k| k.kind == kind).unwrap();
        assert!(!k.facilities.is_empty(), "{kind}");
        let sh = &an.overall.by_kind[kind];
        assert!(sh.covered <= sh.households && sh.households > 0);
    }
    assert!(!an.neighborhoods.is_empty());
    assert_eq!(
        an.neighborhoods
            .iter()
            .map(|n| n.households + n.households_left_out)
            .sum::<u64>(),
        an.overall.households + an.overall.households_left_out
    );
    // One isochrone per kind and limit, valid, growing with the limit; at
    // its own limit it holds the kind's covered households.
    for a in &an.service_areas {
        assert!(a.area.is_valid(), "{} at {} m", a.kind, a.threshold_m);
        assert!(!a.area.0.is_empty());
        if a.own_limit {
            assert_eq!(
                a.households, an.overall.by_kind[&a.kind].covered,
                "{}",
                a.kind
            );
        }
    }
    for w in an.service_areas.windows(2) {
        if w[0].kind == w[1].kind {
            assert!(w[0].threshold_m < w[1].threshold_m && w[0].households <= w[1].households);
            assert!(
                w[0].area.unsigned_area() < w[1].area.unsigned_area(),
                "{}",
                w[0].kind
            );
            // The circles nest: nothing of the smaller area lies outside but
            // the centimetres the cleaning of written polygons moves (under
            // 1 m² of a school's 100,000).
            use geo::BooleanOps;
            let outside = w[0].area.difference(&w[1].area).unsigned_area();
            assert!(
                outside < 1e-4 * w[0].area.unsigned_area(),
                "{}: {outside} m²",
                w[0].kind
            );
        }
    }
    let kinds: std::collections::BTreeSet<&str> =
        an.service_areas.iter().map(|a| a.kind.as_str()).collect();
    assert_eq!(
        kinds.len(),
        cov.kinds
            .iter()
            .filter(|k| !k.facilities.is_empty())
            .count()
    );
    for (_, g) in &an.gaps {
        assert!(g.area.is_valid());
    }
    let sites = an.sites.as_ref().unwrap();
    assert_eq!(sites.sites.len(), 3);
    assert!(sites.newly_covered_households > 0);
    // The demo's kindergarten has room for 800 households of the 1,184
    // within 300 m: it fails the rest; the clinics have room to spare.
    let kg = an
        .capacity
        .iter()
        .find(|k| k.kind == "kindergarten")
        .unwrap();
    assert_eq!((kg.households_in_reach, kg.served_households), (1184, 800));
    assert_eq!(kg.over_capacity.len(), 1);
    assert_eq!(kg.facilities[0].failed_households, 384);
    let clinic = an.capacity.iter().find(|k| k.kind == "clinic").unwrap();
    assert_eq!(clinic.unserved_households, 0);
    written
}

#[test]
fn demo_end_to_end_and_deterministic() {
    let base = std::env::temp_dir().join(format!("linli-coverage-{}", std::process::id()));
    let a = run_demo(&base.join("a"));
    let b = run_demo(&base.join("b"));
    // coverage, service areas, gaps, sites, capacity (the demo's clinics
    // and kindergarten have one) and the summary.
    assert_eq!(a.len(), 6);
    for (x, y) in a.iter().zip(&b) {
        let (bx, by) = (std::fs::read(x).unwrap(), std::fs::read(y).unwrap());
        assert!(bx == by, "{} differs between runs", x.display());
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(base.join("a/coverage_summary.json")).unwrap())
            .unwrap();
    assert!(
        summary["overall"]["by_kind"]["community_centre"]["share"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    let _ = std::fs::remove_dir_all(&base);
}

/// coverage.geojson is written while the analysis runs, but a failing
/// analysis (an unknown kind for new sites) leaves nothing behind: no file,
/// no temp file, no folder made for them.
#[test]
fn a_failed_analysis_writes_nothing() {
    let base = std::env::temp_dir().join(format!("linli-coverage-fail-{}", std::process::id()));
    let req = CoverageRequest {
        neighborhoods: false,
        existing_grid: false,
        seed: 1,
        sites: Some((
            linli::coverage::report::SiteGoal::Count(2),
            "no_such_kind".into(),
        )),
        candidates: None,
        no_service_areas: true,
    };
    let r = linli::plan::run_coverage(
        &linli::demo::files(),
        &Default::default(),
        &req,
        &base,
        &linli::model::progress::Silent,
    );
    let Err(linli::error::Error::Input(problems)) = r else {
        panic!("an unknown kind is an input error");
    };
    assert!(problems[0].to_string().contains("no_such_kind"));
    assert!(!base.exists(), "{} was left behind", base.display());
    // Into a folder that exists: it stays, empty.
    std::fs::create_dir_all(&base).unwrap();
    assert!(
        linli::plan::run_coverage(
            &linli::demo::files(),
            &Default::default(),
            &req,
            &base,
            &linli::model::progress::Silent
        )
        .is_err()
    );
    assert_eq!(std::fs::read_dir(&base).unwrap().count(), 0);
    let _ = std::fs::remove_dir_all(&base);
}

/// GDAL (GEOS) reads the demo's service areas and gaps as valid polygons
/// once written as lon/lat; skipped when ogrinfo is not installed.
#[test]
fn demo_polygons_are_gdal_valid() {
    if std::process::Command::new("ogrinfo")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("ogrinfo not installed: skipping the GDAL check");
        return;
    }
    let dir = std::env::temp_dir().join(format!("linli-coverage-gdal-{}", std::process::id()));
    run_demo(&dir);
    for layer in ["service_areas", "gaps"] {
        let out = std::process::Command::new("ogrinfo")
            .args(["-q", "-dialect", "SQLite", "-sql"])
            .arg(format!(
                "SELECT count(*) - sum(ST_IsValid(geometry)) AS invalid FROM {layer}"
            ))
            .arg(dir.join(format!("{layer}.geojson")))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("invalid (Integer) = 0"), "{layer}: {text}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn prepared_analysis_is_the_plain_one() {
    use linli::coverage::report::{Prepared, analyse_prepared, analyse_with, prepare};
    let loaded = linli::pipeline::load(&linli::demo::files(), &Default::default()).unwrap();
    let (s, w) = (&loaded.scenario, &loaded.config.walking);
    let cov = compute(s, w, 0.05).unwrap();
    let text = |an: &linli::coverage::report::Analysis| {
        let gaps: Vec<(String, Vec<usize>, u64, String)> = an
            .gaps
            .iter()
            .map(|(k, g)| {
                (
                    k.clone(),
                    g.buildings.clone(),
                    g.households,
                    format!("{:?}", g.area),
                )
            })
            .collect();
        format!(
            "{}\n{:?}",
            serde_json::to_string(&linli::write::coverage::summary(&loaded, &cov, an)).unwrap(),
            gaps
        )
    };
    let plain = text(&analyse_with(s, w, &cov, None, None, false).unwrap());
    let prepared = prepare(s, w);
    assert_eq!(prepared.community.len(), s.buildings.len());
    assert!(prepared.community.iter().all(Option::is_some));
    let with = analyse_prepared(s, w, &cov, None, None, None, &prepared).unwrap();
    assert_eq!(text(&with), plain);
    assert!(!with.gaps.is_empty());
    // Prepared for another scenario: made again, not misread.
    let stale = Prepared {
        community: vec![Some(0)],
        gap_order: vec![7],
    };
    let again = analyse_prepared(s, w, &cov, None, None, None, &stale).unwrap();
    assert_eq!(text(&again), plain);
}

#[test]
fn fewest_sites_on_the_demo_cover_every_reachable_household_and_are_proved() {
    let out = std::env::temp_dir().join(format!("linli-fewest-{}", std::process::id()));
    for kind in ["kindergarten", "clinic", "elderly_care"] {
        let req = CoverageRequest {
            neighborhoods: false,
            existing_grid: false,
            seed: 1,
            sites: Some((linli::coverage::report::SiteGoal::Fewest, kind.into())),
            candidates: None,
            no_service_areas: true,
        };
        let (_, _, an, _, _) = linli::plan::run_coverage(
            &linli::demo::files(),
            &Default::default(),
            &req,
            &out,
            &linli::model::progress::Silent,
        )
        .unwrap();
        let s = an.sites.unwrap();
        let proof = s.fewest.clone().unwrap();
        assert!(proof.optimal, "{kind}");
        assert_eq!(proof.lower_bound, s.sites.len());
        assert_eq!(
            s.newly_covered_households + proof.unreachable_households,
            s.uncovered_households,
            "{kind}"
        );
        // Built in order: each site adds the most of what is left.
        let gains: Vec<u64> = s.sites.iter().map(|x| x.gain_households).collect();
        assert!(gains.windows(2).all(|w| w[0] >= w[1]), "{kind}: {gains:?}");
        assert!(gains.iter().all(|&g| g > 0));
        // One site fewer cannot cover it all: the greedy max-cover of
        // len − 1 sites leaves something.
        let m = &s.model;
        if !s.sites.is_empty() {
            let fewer = linli::coverage::sites::max_cover(&m.covers, &m.weights, s.sites.len() - 1);
            assert!(fewer.covered < s.newly_covered_households, "{kind}");
        }
    }
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn coverage_of_the_existing_grid_counts_its_polygons_as_drawn() {
    let out = std::env::temp_dir().join(format!("linli-grid-cov-{}", std::process::id()));
    let req = CoverageRequest {
        neighborhoods: true,
        existing_grid: true,
        seed: 1,
        sites: None,
        candidates: None,
        no_service_areas: true,
    };
    let (loaded, _, an, written, _) = linli::plan::run_coverage(
        &linli::demo::files(),
        &Default::default(),
        &req,
        &out,
        &linli::model::progress::Silent,
    )
    .unwrap();
    let grid: Vec<&str> = loaded
        .scenario
        .existing_neighborhoods
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    let ids: Vec<&str> = an.neighborhoods.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, grid);
    // The audit counts the same grid the same way.
    let audit_out = out.join("audit");
    linli::plan::run_audit(
        &linli::demo::files(),
        &Default::default(),
        &audit_out,
        &linli::model::progress::Silent,
    )
    .unwrap();
    let a: serde_json::Value = serde_json::from_slice(
        &std::fs::read(audit_out.join("audit_coverage_summary.json")).unwrap(),
    )
    .unwrap();
    let c: serde_json::Value = serde_json::from_slice(
        &std::fs::read(
            written
                .iter()
                .find(|p| p.ends_with("coverage_summary.json"))
                .unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(a["neighborhoods"], c["neighborhoods"]);
    assert_eq!(a["service_point"], c["service_point"]);
    let _ = std::fs::remove_dir_all(&out);
}
