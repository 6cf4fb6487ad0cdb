//! Criterion benches of every stage of `linli plan` on a generated district
//! (`linli::synth`): generation, reading the GeoJSON, blocks, neighborhoods
//! (cells, partition, dissolve), staffing, walking distances and the
//! coverage analysis with service areas.
//!
//! The district has 130,000 households (54 communities) by default;
//! `LINLI_DISTRICT_HOUSEHOLDS=400000` gives Chongchuan's size. Debug builds
//! (`cargo test --benches`) use 5,000. `-- --test` runs each bench once.
//! `benches/district.sh` measures the whole `linli plan` at three sizes
//! (wall, memory, per-stage exponents, threads).

use criterion::{Criterion, criterion_group, criterion_main};
use linli::synth::{SynthParams, generate};
use std::hint::black_box;

fn households() -> u64 {
    if let Some(n) = std::env::var("LINLI_DISTRICT_HOUSEHOLDS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return n;
    }
    if cfg!(debug_assertions) {
        5_000
    } else {
        130_000
    }
}

fn bench(c: &mut Criterion) {
    let params = SynthParams::new(households(), 1);
    let city = generate(&params).expect("valid parameters");
    let files = city.scenario_files("synth");
    let loaded = linli::pipeline::load(&files, &Default::default()).expect("synth reads");
    let set = linli::pipeline::blocks(&loaded).expect("blocks");
    let planned = linli::pipeline::neighborhoods_from(&loaded, set.clone(), 1).expect("partition");
    eprintln!(
        "district bench: {} households, {} communities, {} buildings, {} road ways → {} blocks → {} blocks with cells → {} neighborhoods",
        city.summary.households,
        city.summary.communities,
        city.summary.buildings,
        city.summary.roads,
        set.blocks.len(),
        planned.blocks.blocks.len(),
        planned.partition.neighborhoods.len()
    );
    let mut g = c.benchmark_group("district");
    g.sample_size(10);
    g.bench_function("synth_generate", |b| {
        b.iter(|| generate(black_box(&params)).expect("valid"))
    });
    g.bench_function("synth_files", |b| b.iter(|| black_box(&city).files()));
    g.bench_function("read", |b| {
        b.iter(|| linli::pipeline::load(black_box(&files), &Default::default()).expect("reads"))
    });
    g.bench_function("blocks", |b| {
        b.iter(|| linli::pipeline::blocks(black_box(&loaded)).expect("blocks"))
    });
    g.bench_function("neighborhoods", |b| {
        b.iter(|| {
            linli::pipeline::neighborhoods_from(&loaded, black_box(set.clone()), 1)
                .expect("partition")
        })
    });
    g.bench_function("staffing", |b| {
        b.iter(|| {
            linli::staffing::plan_staffing(
                &loaded.scenario,
                &planned.blocks,
                &planned.partition,
                &loaded.config.staffing,
                1,
            )
        })
    });
    let w = &loaded.config.walking;
    let tol = loaded.config.barriers.snap_tolerance_m;
    g.bench_function("coverage_distances", |b| {
        b.iter(|| linli::coverage::compute(black_box(&loaded.scenario), w, tol).expect("coverage"))
    });
    let cov = linli::coverage::compute(&loaded.scenario, w, tol).expect("coverage");
    let nb = linli::coverage::report::Neighborhoods::from_planned(
        &planned,
        loaded.scenario.buildings.len(),
    );
    g.bench_function("coverage_analysis_with_service_areas", |b| {
        b.iter(|| {
            linli::coverage::report::analyse_with(&loaded.scenario, w, &cov, Some(&nb), None, true)
                .expect("analysis")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
