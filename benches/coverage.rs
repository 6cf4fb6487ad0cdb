//! Coverage on a generated city: a warped street grid with footpaths,
//! buildings along the streets and facilities of three kinds.
//!
//! `cargo bench --bench coverage` (add `-- --test` to run each once).

use criterion::{Criterion, criterion_group, criterion_main};
use geo::Point;
use linli::config::{Threshold, Walking};
use linli::coverage::dijkstra::Search;
use linli::coverage::distances;
use linli::coverage::report::{SiteRequest, analyse_with};
use linli::model::{Building, Facility, Scenario, Walkway};
use std::hint::black_box;

/// A city of `n × n` blocks of 140 m, 10 buildings per block, one facility
/// of each kind per ~12 blocks, with a small LCG for jitter.
fn city(n: usize) -> Scenario {
    let mut seed = 7u64;
    let mut rnd = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let s = 140.0;
    let mut walkways = Vec::new();
    for i in 0..=n {
        let x = i as f64 * s;
        // Streets with a bend in every block, so edges are short, like OSM.
        let pts: Vec<(f64, f64)> = (0..=2 * n)
            .map(|k| (x + 3.0 * (k as f64).sin(), k as f64 * s / 2.0))
            .collect();
        walkways.push(Walkway {
            line: pts.into(),
            class: "residential".into(),
            walkable: None,
            level: 0,
        });
        let pts: Vec<(f64, f64)> = (0..=2 * n)
            .map(|k| (k as f64 * s / 2.0, x + 3.0 * (k as f64).cos()))
            .collect();
        walkways.push(Walkway {
            line: pts.into(),
            class: if i % 6 == 0 { "primary" } else { "residential" }.into(),
            walkable: None,
            level: 0,
        });
    }
    let mut buildings = Vec::new();
    let mut facilities = Vec::new();
    let kinds = ["clinic", "elderly_care", "primary_school"];
    for i in 0..n {
        for j in 0..n {
            let (x0, y0) = (i as f64 * s, j as f64 * s);
            for _ in 0..10 {
                buildings.push(Building {
                    id: format!("b{}", buildings.len()),
                    footprint: None,
                    location: Point::new(x0 + 15.0 + 110.0 * rnd(), y0 + 15.0 + 110.0 * rnd()),
                    households: 10 + (rnd() * 100.0) as u32,
                    estimated: false,
                    use_: "residential".into(),
                });
            }
            if rnd() < 0.25 {
                let k = kinds[(rnd() * 3.0) as usize % 3];
                facilities.push(Facility {
                    id: format!("f{}", facilities.len()),
                    kind: k.into(),
                    name: k.into(),
                    location: Point::new(x0 + 70.0, y0 + 20.0),
                    capacity: None,
                });
            }
        }
    }
    Scenario {
        walkways,
        buildings,
        facilities,
        ..Default::default()
    }
}

fn walking() -> Walking {
    let mut w = Walking::default();
    w.thresholds.clear();
    for k in ["clinic", "elderly_care", "primary_school"] {
        w.thresholds.insert(k.into(), Threshold::Metres(1000.0));
    }
    w
}

fn bench(c: &mut Criterion) {
    // 70 × 70 blocks: 49,000 buildings, ~1,200 facilities.
    let s = city(70);
    let w = walking();
    let mut g = c.benchmark_group("coverage");
    g.sample_size(10);
    g.bench_function("distances_49k_buildings", |b| {
        b.iter(|| black_box(linli::coverage::compute(&s, &w, 0.05).unwrap()))
    });
    let cov = linli::coverage::compute(&s, &w, 0.05).unwrap();
    // The searches alone (one multi-source pass per kind, with every
    // building's distance), one thread: what scipy's csgraph.dijkstra does.
    g.bench_function("searches_49k_one_thread", |b| {
        let mut search = Search::new(cov.graph.nodes.len());
        b.iter(|| {
            for k in &cov.kinds {
                let sources: Vec<_> = k
                    .facilities
                    .iter()
                    .filter_map(|&i| cov.facility_snaps[i])
                    .collect();
                black_box(distances(
                    &cov.graph,
                    &mut search,
                    &sources,
                    &cov.building_snaps,
                    cov.bound_m,
                ));
            }
        })
    });
    g.bench_function("shares_gaps_sites_49k", |b| {
        let req = SiteRequest {
            goal: linli::coverage::report::SiteGoal::Count(10),
            kind: "clinic".into(),
            candidates: None,
        };
        b.iter(|| black_box(analyse_with(&s, &w, &cov, None, Some(&req), false).unwrap()))
    });
    let small = city(12);
    let cov_small = linli::coverage::compute(&small, &w, 0.05).unwrap();
    g.bench_function("service_areas_1440_buildings", |b| {
        b.iter(|| black_box(analyse_with(&small, &w, &cov_small, None, None, true).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
