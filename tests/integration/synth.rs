//! `linli synth`: a small generated district is deterministic, carries the
//! promised structure (community kinds, streets, a river crossed only by
//! bridges, 0-household schools and shops, towers, facilities with gaps,
//! staff counts) and plans end to end with exact tiling and households
//! conserved.

use geo::{Area, Intersects};
use linli::read::ReadOptions;
use linli::synth::{SynthParams, generate};

fn params(seed: u64) -> SynthParams {
    SynthParams {
        households: 6_000,
        seed,
        communities: Some(9),
        streets: Some(3),
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_city() {
    let a = generate(&params(3)).unwrap().files();
    let b = generate(&params(3)).unwrap().files();
    assert_eq!(a, b);
    let c = generate(&params(4)).unwrap().files();
    assert_ne!(a["buildings.geojson"], c["buildings.geojson"]);
    assert_ne!(a["roads.geojson"], c["roads.geojson"]);
    // On disk too: the writer changes nothing.
    let dir = std::env::temp_dir().join(format!("linli-synth-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    generate(&params(3)).unwrap().write(&dir).unwrap();
    for (name, text) in &a {
        assert_eq!(
            &std::fs::read_to_string(dir.join(name)).unwrap(),
            text,
            "{name}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_parameters_are_clear_errors() {
    for (p, what) in [
        (SynthParams::new(0, 1), "--households"),
        (
            SynthParams {
                communities: Some(0),
                ..SynthParams::new(100, 1)
            },
            "--communities",
        ),
        (
            SynthParams {
                communities: Some(50),
                ..SynthParams::new(100, 1)
            },
            "--communities",
        ),
        (
            SynthParams {
                streets: Some(9),
                communities: Some(3),
                ..SynthParams::new(1_000, 1)
            },
            "--streets",
        ),
    ] {
        let e = generate(&p).unwrap_err().to_string();
        assert!(e.contains(what), "{e}");
    }
    // Tiny cities still work.
    assert_eq!(
        generate(&SynthParams::new(1, 1))
            .unwrap()
            .summary
            .households,
        1
    );
}

#[test]
fn the_city_has_the_structure_of_a_real_one() {
    let city = generate(&params(3)).unwrap();
    let s = &city.summary;
    assert_eq!(s.households, 6_000);
    assert_eq!(
        city.buildings.iter().map(|b| b.households).sum::<u64>(),
        6_000
    );
    assert_eq!(s.communities, 9);
    for kind in ["urban", "rural", "resettlement"] {
        assert!(
            s.communities_by_kind.get(kind).copied().unwrap_or(0) >= 1,
            "{kind}: {s:?}"
        );
    }
    let streets: std::collections::BTreeSet<&str> =
        city.communities.iter().map(|c| c.street.as_str()).collect();
    assert_eq!(streets.len(), 3);
    // Mixed density: towers of 100+ households, rural houses of 1–3, and
    // schools and shops with no households.
    assert!(s.towers >= 1);
    assert!(
        city.buildings
            .iter()
            .any(|b| b.households > 0 && b.households <= 3)
    );
    for u in ["school", "commercial"] {
        assert!(
            city.buildings
                .iter()
                .any(|b| b.use_ == u && b.households == 0),
            "no {u}"
        );
    }
    assert!(
        city.buildings
            .iter()
            .all(|b| (b.use_ == "residential") == (b.households > 0))
    );
    // The river is crossed by bridges only, and every bridge crosses it.
    assert_eq!(city.water.len(), 1);
    let river = &city.water[0];
    assert!(s.bridges >= 1 && s.bridges <= 4, "{} bridges", s.bridges);
    for r in &city.roads {
        assert_eq!(r.line.intersects(river), r.bridge, "{} ({})", r.id, r.class);
    }
    // Irregular streets: dead ends (a road end no other road touches).
    let mut ends = std::collections::BTreeMap::new();
    for r in &city.roads {
        for c in &r.line.0 {
            *ends.entry((c.x.to_bits(), c.y.to_bits())).or_insert(0) += 1;
        }
    }
    let dead = city
        .roads
        .iter()
        .flat_map(|r| [r.line.0[0], r.line.0[r.line.0.len() - 1]])
        .filter(|c| ends[&(c.x.to_bits(), c.y.to_bits())] == 1)
        .count();
    assert!(dead >= 5, "{dead} dead ends");
    for class in ["primary", "secondary", "residential"] {
        assert!(city.roads.iter().any(|r| r.class == class), "{class}");
    }
    assert!(!city.rail.is_empty() && !city.compounds.is_empty());
    assert!(city.landmarks.iter().any(|l| l.class == "school"));
    // Facilities of several kinds; staff counts in staff.csv.
    for kind in [
        "community_centre",
        "neighborhood_office",
        "school",
        "kindergarten",
    ] {
        assert!(s.facilities.get(kind).copied().unwrap_or(0) >= 1, "{kind}");
    }
    let files = city.files();
    let staff_lines = files["staff.csv"].lines().count() - 1;
    assert_eq!(staff_lines, 9 - s.communities_without_staff.len());
    assert!(s.social_workers >= staff_lines as u64);
}

#[test]
fn a_synthetic_district_plans_with_exact_tiling() {
    let city = generate(&params(3)).unwrap();
    let d = std::env::temp_dir().join(format!("linli-synth-plan-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    let r = linli::plan::run_plan(
        &city.scenario_files("synth"),
        &ReadOptions::default(),
        1,
        &d,
    )
    .unwrap();
    let s = &r.loaded.scenario;
    assert_eq!(s.communities.len(), 9);
    assert_eq!(s.buildings.len(), city.buildings.len());
    // Households conserved: read, blocks, neighborhoods.
    let read: u64 = s.buildings.iter().map(|b| u64::from(b.households)).sum();
    assert_eq!(read, 6_000);
    let in_blocks: u64 = r.planned.blocks.blocks.iter().map(|b| b.households).sum();
    assert_eq!(in_blocks, read);
    let nb = &r.planned.partition.neighborhoods;
    assert_eq!(nb.iter().map(|n| n.households).sum::<u64>(), read);
    assert_eq!(r.planned.blocks.unresolved_crossings, 0);
    // Tiling: each community's neighborhoods sum to its area.
    for (ci, c) in s.communities.iter().enumerate() {
        let sum: f64 = nb
            .iter()
            .enumerate()
            .filter(|(_, n)| n.community == ci)
            .map(|(k, _)| r.planned.shapes[k].area.unsigned_area())
            .sum();
        let want = c.area.unsigned_area();
        assert!(
            (sum - want).abs() / want < 1e-6,
            "{}: {sum} vs {want}",
            c.id
        );
        // Every community holds some neighborhoods.
        assert!(nb.iter().any(|n| n.community == ci), "{}", c.id);
    }
    // Most neighborhoods in the band (towers make some too big to balance).
    let t = &r.loaded.config.targets;
    let in_band = nb
        .iter()
        .filter(|n| {
            let h = n.households as f64;
            let tg = f64::from(n.target);
            (h - tg).abs() <= tg * t.tolerance
        })
        .count();
    assert!(
        in_band * 10 >= nb.len() * 7,
        "{in_band} of {} in band",
        nb.len()
    );
    // Staff data went through: the gaps are reported, the rest assessed.
    assert_eq!(
        r.staffing.missing_data.len(),
        city.summary.communities_without_staff.len()
    );
    std::fs::remove_dir_all(&d).unwrap();
}

/// With a single neighborhood office left, the plan lists the neighborhoods
/// without one within 500 m exactly as a brute-force check does.
#[test]
fn neighborhoods_without_an_office_match_a_brute_force_check() {
    let city = generate(&params(3)).unwrap();
    let mut files = city.scenario_files("synth");
    let fac = files.files["facilities.geojson"].clone();
    let mut kept_one = false;
    let lines: Vec<&str> = fac
        .lines()
        .filter(|l| {
            if !l.contains("\"neighborhood_office\"") {
                return true;
            }
            !std::mem::replace(&mut kept_one, true)
        })
        .collect();
    let mut text = lines.join("\n");
    text = text.replace(",\n]}", "\n]}");
    // The last feature may have lost its follower: no trailing comma.
    let text = text.replace("}},\n]}", "}}\n]}");
    files
        .files
        .insert("facilities.geojson".into(), (text + "\n").into());
    let d = std::env::temp_dir().join(format!("linli-synth-office-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    let r = linli::plan::run_plan(&files, &ReadOptions::default(), 1, &d).unwrap();
    let s = &r.loaded.scenario;
    let nb = &r.planned.partition.neighborhoods;
    // Neighborhoods without an office within 500 m: the summary agrees with
    // a brute-force check of every neighborhood against every office.
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).unwrap()).unwrap();
    let listed: Vec<&str> = summary["coverage"]["neighborhoods_without_office"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let offices: Vec<geo::Point<f64>> = s
        .facilities
        .iter()
        .filter(|f| f.kind == "neighborhood_office")
        .map(|f| f.location)
        .collect();
    let brute: Vec<&str> = nb
        .iter()
        .enumerate()
        .filter(|(k, _)| {
            let a = &r.planned.shapes[*k].area;
            !offices
                .iter()
                .any(|o| a.intersects(o) || geo::Distance::distance(&geo::Euclidean, a, o) <= 500.0)
        })
        .map(|(_, n)| n.id.as_str())
        .collect();
    assert_eq!(listed, brute);
    assert!(!brute.is_empty() && brute.len() < nb.len(), "{brute:?}");
    std::fs::remove_dir_all(&d).unwrap();
}
