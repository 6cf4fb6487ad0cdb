//! Fuzzing the readers: GeoJSON layers, scenario.toml, staff.csv and
//! .osm.pbf extracts, mutated from seed inputs (the bad-input corpus, the
//! shared OSM extracts) byte by byte and value by value, and run through
//! reading and the stages after it until a time budget is spent.
//!
//! Every input must end in a result or an error, never a panic. The budget
//! is `LINLI_FUZZ_SECONDS` per target (3 s by default, so that `cargo test`
//! stays quick; `.ci/run` gives each target 30 s in release mode); inputs
//! are drawn from `LINLI_FUZZ_SEED` (0 by default) on, so a run is
//! repeatable. A finding is written to `target/tmp/fuzz-findings/` with the
//! input that made it.

use linli::read::{ReadOptions, ScenarioFiles, read_scenario};
use serde_json::{Value, json};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[path = "support/pbf.rs"]
mod pbf;

/// SplitMix64: the same seed, the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

fn budget() -> Duration {
    let s = std::env::var("LINLI_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(3.0);
    Duration::from_secs_f64(s)
}

fn first_seed() -> u64 {
    std::env::var("LINLI_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// Runs `case(rng)` for new seeds until the budget is spent; each case
/// returns a label and the input (for the findings file) and runs its
/// check, which must not panic.
fn fuzz(target: &str, mut case: impl FnMut(&mut Rng) -> (String, Vec<u8>, Box<dyn FnOnce() + '_>)) {
    // Panics inside the readers that linli catches on purpose (the PBF
    // decoder) are not findings: nothing is printed for any panic in this
    // test binary, what escapes is caught below and printed with the input.
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let start = Instant::now();
    let mut runs = 0u64;
    let mut slowest = (Duration::ZERO, String::new());
    let mut findings = Vec::new();
    let mut seed = first_seed();
    while start.elapsed() < budget() || runs == 0 {
        let mut rng = Rng(seed ^ 0x5EED_0000_0000_0000 ^ target.len() as u64);
        let (label, input, check) = case(&mut rng);
        let t = Instant::now();
        let r = catch_unwind(AssertUnwindSafe(check));
        let took = t.elapsed();
        if took > slowest.0 {
            slowest = (took, format!("{label}, seed {seed}"));
        }
        if took > Duration::from_secs(2) {
            // Not a failure (a debug build is slow), but worth a look.
            save_finding(
                &format!("{target}-slow"),
                seed,
                &label,
                &format!("{took:?}"),
                &input,
            );
        }
        if let Err(payload) = r {
            let msg = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            let file = save_finding(target, seed, &label, &msg, &input);
            findings.push(format!("seed {seed}: {label}: {msg} ({})", file.display()));
        }
        runs += 1;
        seed += 1;
    }
    for f in &findings {
        println!("finding: {f}");
    }
    println!(
        "fuzz {target}: {runs} inputs in {:.1} s, slowest {:.3} s ({})",
        start.elapsed().as_secs_f64(),
        slowest.0.as_secs_f64(),
        slowest.1
    );
    assert!(
        findings.is_empty(),
        "fuzz {target}: {} of {runs} inputs panicked:\n{}",
        findings.len(),
        findings.join("\n")
    );
}

fn save_finding(target: &str, seed: u64, label: &str, msg: &str, input: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-findings");
    let _ = std::fs::create_dir_all(&dir);
    let base = dir.join(format!("{target}-{seed}"));
    let _ = std::fs::write(base.with_extension("txt"), format!("{label}\n{msg}\n"));
    let _ = std::fs::write(base.with_extension("input"), input);
    base.with_extension("input")
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad")
}

/// Every file of the bad-input corpus's folders, by name: the seeds.
fn seeds() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for d in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            if let Ok(text) = std::fs::read_to_string(&f) {
                let name = f.file_name().unwrap().to_string_lossy().into_owned();
                out.push((name, text));
            }
        }
    }
    out
}

const TOKENS: &[&str] = &[
    "null",
    "true",
    "[]",
    "{}",
    "[[",
    "]]",
    "\"",
    ",",
    ":",
    "-",
    "0",
    "-0",
    "1e999",
    "-1e308",
    "1e-320",
    "4294967296",
    "18446744073709551616",
    "NaN",
    "\"type\"",
    "\"Feature\"",
    "\"Polygon\"",
    "\"MultiPolygon\"",
    "\"LineString\"",
    "\"Point\"",
    "\"coordinates\"",
    "\"geometry\"",
    "\"properties\"",
    "\"households\"",
    "\"id\"",
    "\\u0000",
    "\u{feff}",
    "邻里",
    "\n",
    "=",
    "[targets]",
    "[walking]",
    "nan",
    "inf",
    "\"EPSG:4527\"",
    "# ",
];

/// A few byte-level edits of `text` (kept UTF-8).
fn mutate_bytes(rng: &mut Rng, text: &str, others: &[(String, String)]) -> String {
    let mut b = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(b.len() + 1);
        match rng.below(6) {
            0 if !b.is_empty() => {
                let at = at.min(b.len() - 1);
                b[at] = *rng.pick(b"{}[],:\"0123456789.-eE ntfa\\");
            }
            1 => {
                let end = (at + 1 + rng.below(16)).min(b.len());
                b.drain(at.min(end)..end);
            }
            2 => {
                let end = (at + 1 + rng.below(64)).min(b.len());
                let piece = b[at.min(end)..end].to_vec();
                let to = rng.below(b.len() + 1);
                b.splice(to..to, piece);
            }
            3 => {
                let t = rng.pick(TOKENS).as_bytes();
                b.splice(at..at, t.iter().copied());
            }
            4 if !others.is_empty() => {
                // A piece of another seed spliced in.
                let (_, o) = rng.pick(others);
                let o = o.as_bytes();
                let s = rng.below(o.len());
                let e = (s + 1 + rng.below(200)).min(o.len());
                b.splice(at..at, o[s..e].iter().copied());
            }
            _ => b.truncate(at),
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

/// JSON pointers to every node of a value.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                pointers(
                    c,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                pointers(c, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// A value that breaks assumptions.
fn odd_value(rng: &mut Rng) -> Value {
    let ring = json!([
        [116.3307, 39.9903],
        [116.3309, 39.9903],
        [116.3309, 39.9905],
        [116.3307, 39.9903]
    ]);
    match rng.below(14) {
        0 => json!(null),
        1 => json!(0),
        2 => json!(-1),
        3 => json!(1e300),
        4 => json!(-1e-300),
        5 => json!(u64::MAX),
        6 => json!(12.5),
        7 => json!(""),
        8 => json!("NaN"),
        9 => json!([]),
        10 => json!({}),
        11 => json!({"type": "Polygon", "coordinates": [ring]}),
        12 => json!({"type": "LineString", "coordinates": [[116.33, 39.99], [116.33, 39.99]]}),
        _ => json!([116.33 + rng.below(100) as f64 * 1e-5, 39.99]),
    }
}

/// A few value-level edits of a JSON text: a node replaced, a member
/// dropped, an array element repeated; `None` when it is not JSON.
fn mutate_json(rng: &mut Rng, text: &str) -> Option<String> {
    let mut root: Value = serde_json::from_str(text).ok()?;
    for _ in 0..1 + rng.below(3) {
        let mut ptrs = Vec::new();
        pointers(&root, String::new(), &mut ptrs);
        let ptr = rng.pick(&ptrs).clone();
        let kind = rng.below(4);
        let odd = odd_value(rng);
        let Some(node) = root.pointer_mut(&ptr) else {
            continue;
        };
        match (kind, node) {
            (0, Value::Object(m)) if !m.is_empty() => {
                let k = m.keys().nth(rng.below(m.len())).unwrap().clone();
                m.remove(&k);
            }
            (1, Value::Array(a)) if !a.is_empty() => {
                let i = rng.below(a.len());
                let e = a[i].clone();
                a.insert(i, e);
            }
            (2, Value::Array(a)) if !a.is_empty() => {
                a.remove(rng.below(a.len()));
            }
            (_, node) => *node = odd,
        }
    }
    serde_json::to_string(&root).ok()
}

/// Reads a scenario and runs the stages after reading; errors are fine.
fn run_scenario(files: &ScenarioFiles, deep: bool) {
    let Ok(loaded) = read_scenario(files, &ReadOptions::default()) else {
        return;
    };
    let Ok(set) = linli::pipeline::blocks(&loaded) else {
        return;
    };
    let _ = linli::write::blocks::summarize(&loaded, &set);
    if deep {
        if let Ok(planned) = linli::pipeline::neighborhoods_from(&loaded, set, 1) {
            let _ = linli::staffing::plan_staffing(
                &loaded.scenario,
                &planned.blocks,
                &planned.partition,
                &loaded.config.staffing,
                1,
            );
        }
        let w = &loaded.config.walking;
        let _ =
            linli::coverage::compute(&loaded.scenario, w, loaded.config.barriers.snap_tolerance_m);
    }
}

fn baseline() -> ScenarioFiles {
    ScenarioFiles::from_dir(&corpus().join("valid_baseline")).unwrap()
}

fn with(base: &ScenarioFiles, name: &str, text: String) -> ScenarioFiles {
    let mut f = base.clone();
    f.files.insert(name.to_string(), text.into());
    f
}

#[test]
fn fuzz_geojson_layers() {
    let base = baseline();
    let seeds: Vec<(String, String)> = seeds()
        .into_iter()
        .filter(|(n, _)| n.ends_with(".geojson"))
        .collect();
    let mut k = 0u64;
    fuzz("geojson", |rng| {
        k += 1;
        let (name, text) = rng.pick(&seeds).clone();
        let (how, mutated) = match rng.below(3) {
            0 => ("bytes", mutate_bytes(rng, &text, &seeds)),
            _ => match mutate_json(rng, &text) {
                Some(m) => ("values", m),
                None => ("bytes", mutate_bytes(rng, &text, &seeds)),
            },
        };
        let files = with(&base, &name, mutated.clone());
        let deep = k.is_multiple_of(4);
        (
            format!("{name} ({how})"),
            mutated.into_bytes(),
            Box::new(move || run_scenario(&files, deep)),
        )
    });
}

/// Every setting with a value, for the settings fuzzer to start from.
const FULL_TOML: &str = r#"name = "fuzz"
[targets]
urban = 300
rural = 150
resettlement = 300
tolerance = 0.3333
min_buildings = 3
max_buildings = 10
[households]
unit_size_m2 = 100
default_levels = 3
[barriers]
snap_tolerance_m = 0.05
community = 5
water = 4
rail = 4
landmark = 1
other_road = 2
[barriers.roads]
primary = 4
residential = 2
[walking]
speed_kmh = 4.0
snap_limit_m = 300
service_area_width_m = 50
[walking.thresholds]
community_centre = { minutes = 15 }
neighborhood_office = { metres = 500 }
[staffing]
min_neighborhoods_per_worker = 2
max_neighborhoods_per_worker = 3
[audit]
sliver_m2 = 5
sliver_width_m = 0.5
border_distance_m = 10
[limits]
max_households_per_building = 5000
far_outside_km = 50
max_community_km = 100
"#;

#[test]
fn fuzz_scenario_toml() {
    let base = baseline();
    let numbers = [
        "0",
        "-1",
        "1",
        "0.5",
        "1e308",
        "-1e308",
        "1e-308",
        "nan",
        "inf",
        "-inf",
        "-0.0",
        "9223372036854775807",
        "255",
        "256",
        "1000000",
        "0.0001",
    ];
    let mut k = 0u64;
    fuzz("scenario.toml", |rng| {
        k += 1;
        let mutated = if rng.below(2) == 0 {
            // A number replaced by an odd one.
            let lines: Vec<&str> = FULL_TOML.lines().collect();
            let mut out = String::new();
            for line in &lines {
                match line.split_once(" = ") {
                    Some((key, v))
                        if v.chars().next().is_some_and(|c| c.is_ascii_digit())
                            && rng.below(4) == 0 =>
                    {
                        out.push_str(&format!("{key} = {}\n", rng.pick(&numbers)));
                    }
                    _ => {
                        out.push_str(line);
                        out.push('\n');
                    }
                }
            }
            out
        } else {
            mutate_bytes(rng, FULL_TOML, &[])
        };
        let files = with(&base, "scenario.toml", mutated.clone());
        let deep = k.is_multiple_of(3);
        (
            "scenario.toml".to_string(),
            mutated.into_bytes(),
            Box::new(move || run_scenario(&files, deep)),
        )
    });
}

#[test]
fn fuzz_staff_csv() {
    let base = baseline();
    let pieces = [
        "C1",
        "C2",
        "c1",
        ",",
        ",",
        "\"",
        "\"\"",
        "\n",
        "\r\n",
        "2",
        "0",
        "-1",
        "2.5",
        "1e9",
        "99999999999",
        "#",
        "\u{feff}",
        " ",
        "community",
        "workers",
        "社区",
        "\t",
        ";",
    ];
    fuzz("staff.csv", |rng| {
        let mut text = String::new();
        for _ in 0..rng.below(40) {
            let piece: &&str = rng.pick(&pieces);
            text.push_str(piece);
        }
        let files = with(&base, "staff.csv", text.clone());
        (
            "staff.csv".to_string(),
            text.into_bytes(),
            Box::new(move || run_scenario(&files, false)),
        )
    });
}

#[test]
fn fuzz_pbf_extracts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/osm");
    let mut seeds = Vec::new();
    // The small extract always; the larger one where time allows (release).
    for name in [
        "nantong-haimen-dieshiqiao.osm.pbf",
        "beijing-wudaokou.osm.pbf",
    ] {
        if name.starts_with("beijing") && cfg!(debug_assertions) {
            continue;
        }
        if let Ok(bytes) = std::fs::read(dir.join(name)) {
            seeds.push((name, pbf::blocks(&bytes)));
        }
    }
    if seeds.is_empty() {
        eprintln!("no OSM extracts in tests/data/osm: skipping the PBF fuzzer");
        return;
    }
    fuzz("pbf", |rng| {
        let (name, blocks) = rng.pick(&seeds);
        let mut file = Vec::new();
        for (kind, data) in blocks {
            let mut data = data.clone();
            if kind == "OSMData" && rng.below(2) == 0 && !data.is_empty() {
                for _ in 0..1 + rng.below(8) {
                    let at = rng.below(data.len());
                    match rng.below(4) {
                        0 => data[at] = rng.next() as u8,
                        1 => data[at] ^= 1 << rng.below(8),
                        2 => data.truncate(at.max(1)),
                        _ => {
                            // A large varint where a small one was.
                            data.splice(at..at, [0xff, 0xff, 0xff, 0xff, 0x0f]);
                        }
                    }
                }
            }
            pbf::push_blob(&mut file, kind, &data);
        }
        // Now and then the framing itself is cut or bent.
        match rng.below(8) {
            0 => file.truncate(rng.below(file.len())),
            1 => {
                let at = rng.below(file.len());
                file[at] = rng.next() as u8;
            }
            _ => {}
        }
        let input = file.clone();
        (
            name.to_string(),
            input,
            Box::new(move || {
                let _ = linli::osm::import(&file, "fuzz.osm.pbf", &Default::default());
            }),
        )
    });
}
