//! Criterion benches of the partition: the search alone on a generated grid
//! of 5,000 units (households skewed like the peers' instances), and the
//! whole neighborhoods stage (blocks with cells → partition → dissolve) on
//! the demo.

use criterion::{Criterion, criterion_group, criterion_main};
use linli::partition::regions::{Link, Params, Unit, regionalize};
use std::hint::black_box;

/// SplitMix64, so the instance is the same on every run.
fn rng(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn grid(nx: usize, ny: usize) -> (Vec<Unit>, Vec<Link>) {
    let mut s = 7u64;
    let mut units = Vec::new();
    for i in 0..nx {
        for j in 0..ny {
            let r = rng(&mut s) % 1000;
            // Most blocks 50–400 households, 4% compounds of 800–2,000, 3% empty.
            let h = if r < 30 {
                0
            } else if r < 70 {
                800 + rng(&mut s) % 1200
            } else {
                50 + rng(&mut s) % 350
            };
            units.push(Unit {
                households: h,
                buildings: (h / 40).max(1) as u32,
                centroid: (i as f64 * 120.0, j as f64 * 100.0),
                compound: None,
                area: 12_000.0,
                moment: 12_000.0 * (120.0f64.powi(2) + 100.0f64.powi(2)) / 12.0,
            });
        }
    }
    let mut links = Vec::new();
    for i in 0..nx {
        for j in 0..ny {
            let u = i * ny + j;
            // Arterials every 8 streets.
            if i + 1 < nx {
                links.push(Link {
                    a: u,
                    b: u + ny,
                    shared_m: 100.0,
                    level: if (i + 1) % 8 == 0 { 4 } else { 2 },
                });
            }
            if j + 1 < ny {
                links.push(Link {
                    a: u,
                    b: u + 1,
                    shared_m: 120.0,
                    level: if (j + 1) % 8 == 0 { 4 } else { 2 },
                });
            }
        }
    }
    (units, links)
}

fn bench(c: &mut Criterion) {
    let (units, links) = grid(100, 50);
    let params = Params {
        target: 300.0,
        tolerance: 1.0 / 3.0,
        buildings: Some((3, 10)),
        compound_households: vec![],
        seed: 1,
        effort: 100,
        starts: 1,
        weights: Default::default(),
    };
    let r = regionalize(&units, &links, &params);
    eprintln!(
        "partition bench: {} units, {} links → {} regions",
        units.len(),
        links.len(),
        r.count
    );
    let mut g = c.benchmark_group("partition");
    g.sample_size(10);
    g.bench_function("regionalize_5000_units", |b| {
        b.iter(|| regionalize(black_box(&units), &links, &params))
    });
    let loaded = linli::pipeline::load(&linli::demo::files(), &Default::default()).unwrap();
    g.bench_function("demo_neighborhoods", |b| {
        b.iter(|| linli::pipeline::neighborhoods(black_box(&loaded), 1).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
