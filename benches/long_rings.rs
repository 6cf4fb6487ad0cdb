//! Long rings: a footprint of 1,000, 10,000 and 100,000 vertices and a
//! community boundary of 1,000 to 1,000,000 (a surveyed boundary wiggling
//! round a circle), each put into the bad-input corpus's small valid
//! scenario and planned whole (`linli::plan::run_plan`: read with validity
//! checks, blocks, partition, staffing, coverage, every file written). The
//! growth from 10k is the figure to read: linear time is 10× at 100k and
//! 100× at 1M; the goals at most 15× (footprint at 100k) and 150×
//! (boundary at 1M).
//!
//! `cargo bench --bench long_rings`; `-- --test` runs each case once.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use linli::read::{ReadOptions, ScenarioFiles};
use std::path::Path;

/// `n` vertices round an ellipse (`rx`, `ry` degrees) wiggling by 2 %,
/// closed, as a GeoJSON ring.
fn ring(cx: f64, cy: f64, rx: f64, ry: f64, n: usize) -> String {
    let mut s = String::with_capacity(n * 28);
    s.push('[');
    for i in 0..=n {
        let t = std::f64::consts::TAU * (i % n) as f64 / n as f64;
        let r = 1.0 + 0.02 * (37.0 * t).sin();
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            "[{:.9},{:.9}]",
            cx + rx * r * t.cos(),
            cy + ry * r * t.sin()
        ));
    }
    s.push(']');
    s
}

/// The baseline scenario with building b6's footprint, or community C1's
/// boundary, made of `n` vertices. The boundary grows with `n` (about 2 cm
/// between vertices, as a densely surveyed one), the footprint does not.
fn scenario(kind: &str, n: usize) -> ScenarioFiles {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad/valid_baseline");
    let mut files = ScenarioFiles::from_dir(&dir).expect("the bad-input baseline");
    let (name, text) = if kind == "footprint" {
        let r = ring(116.3313, 39.99057, 0.00008, 0.00006, n);
        let b = files.files["buildings.geojson"].to_string();
        let at = b.find("\"id\":\"b6\"").expect("b6");
        let start = at + b[at..].find("[[[").expect("b6's rings") + 1;
        let end = start + b[start..].find("]]").expect("ring end") + 2;
        (
            "buildings.geojson",
            format!("{}{}{}", &b[..start], r, &b[end..]),
        )
    } else {
        let k = (n as f64 * 0.02 / 1400.0).max(1.0);
        let r = ring(116.33115, 39.9909, 0.0013 * k, 0.001 * k, n);
        (
            "communities.geojson",
            format!(
                r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"id":"C1","kind":"urban"}},"geometry":{{"type":"Polygon","coordinates":[{r}]}}}}]}}"#
            ),
        )
    };
    files.files.insert(name.to_string(), text.into());
    files
}

fn bench(c: &mut Criterion) {
    let out = std::env::temp_dir().join(format!("linli-bench-rings-{}", std::process::id()));
    let mut g = c.benchmark_group("long_rings");
    g.sample_size(10);
    // A 1,000,000-vertex boundary (a 60 km ring at 2 cm, a traced
    // coastline) is the province case: the goal is within 150× the 10k.
    for (kind, sizes) in [
        ("footprint", &[1_000usize, 10_000, 100_000][..]),
        ("community", &[1_000, 10_000, 100_000, 1_000_000][..]),
    ] {
        for &n in sizes {
            let files = scenario(kind, n);
            g.bench_with_input(BenchmarkId::new(kind, n), &files, |b, files| {
                b.iter(|| {
                    linli::plan::run_plan(files, &ReadOptions::default(), 1, &out).expect("plans")
                })
            });
        }
    }
    g.finish();
    let _ = std::fs::remove_dir_all(&out);
}

criterion_group!(benches, bench);
criterion_main!(benches);
