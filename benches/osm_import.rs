//! OpenStreetMap import of the Helsinki centre extract (685 KB), in MB/s.
//!
//! `cargo bench --bench osm_import` (add `-- --test` to run it once).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use linli::osm::{ImportOptions, import};
use std::hint::black_box;

/// The extract, in ../shared/osm beside the checkout.
const FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/osm/helsinki-centre.osm.pbf"
);

fn bench(c: &mut Criterion) {
    let Ok(bytes) = std::fs::read(FILE) else {
        eprintln!("skipping: {FILE} not found");
        return;
    };
    let opts = ImportOptions::default();
    let t = std::time::Instant::now();
    let imp = import(&bytes, FILE, &opts).expect("the extract imports");
    let s = t.elapsed().as_secs_f64();
    println!(
        "import {} ({:.0} KB): {} roads, {} buildings in {:.3} s = {:.2} MB/s (one run)",
        FILE,
        bytes.len() as f64 / 1e3,
        imp.counts.roads,
        imp.counts.buildings,
        s,
        bytes.len() as f64 / 1e6 / s
    );
    let mut g = c.benchmark_group("osm_import");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.sample_size(10);
    g.bench_function("helsinki-centre", |b| {
        b.iter(|| import(black_box(&bytes), FILE, &opts).expect("imports"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
