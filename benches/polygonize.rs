//! Blocks on a generated city: noding, polygonization and `build_blocks`.
//!
//! The city is the kind of network real data gives: a warped, jittered
//! street grid (120 × 120 streets, junctions shared by the ways meeting
//! there, each block side a polyline of several vertices), arterials every
//! ten streets, missing block sides (T-junctions), diagonals and a ring road
//! crossing the grid between its vertices, dead-end stubs (some joining a
//! street mid-segment or stopping a few centimetres short of it), compound
//! loops inside blocks (some hanging on a bridge, some islands), a
//! meandering two-bank river that local streets stop at and bridges cross,
//! 4 × 4 rectangular communities sharing their borders exactly, and about
//! 50,000 point buildings. Everything comes from a fixed-seed splitmix64,
//! so every run measures the same instance.
//!
//! `cargo bench --bench polygonize` measures; `-- --test` runs each
//! benchmark once. Debug builds (`cargo test --benches`) use a 24 × 24 city;
//! `LINLI_BENCH_STREETS=<n>` overrides the grid size.

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use geo::{Coord, LineString, MultiPolygon, Point, Polygon};
use linli::blocks::{build_blocks, noding::node, polygonize::polygonize};
use linli::model::{
    Barrier, BarrierKind, BarrierLine, Building, Community, CommunityKind, Scenario,
};
use std::f64::consts::{PI, TAU};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Noding tolerance and community level, as in the default config.
const SNAP: f64 = 0.05;
const COMMUNITY_LEVEL: u8 = 5;
/// Street spacing, metres.
const SPACING: f64 = 80.0;
/// River width, metres.
const RIVER_WIDTH: f64 = 50.0;
const SEED: u64 = 0x6c69_6e6c_6900_2025;

/// splitmix64: tiny, fast and good enough for test data.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

fn c(x: f64, y: f64) -> Coord<f64> {
    Coord { x, y }
}

fn barrier(level: u8, kind: BarrierKind) -> Barrier {
    Barrier { level, kind }
}

/// A smooth, gentle displacement so the grid is not axis-aligned.
fn warp(p: Coord<f64>) -> Coord<f64> {
    c(
        p.x + 25.0 * (TAU * p.y / 1700.0).sin() + 12.0 * (TAU * (p.x + p.y) / 2300.0).sin(),
        p.y + 25.0 * (TAU * p.x / 1900.0 + 0.7).sin() + 10.0 * (TAU * (p.x - p.y) / 2700.0).sin(),
    )
}

/// The river's centre line `y = f(x)` on a city of side `side` metres.
fn river_y(x: f64, side: f64) -> f64 {
    0.47 * side
        + 0.06 * side * (TAU * x / (side / 3.0) + 0.4).sin()
        + 0.025 * side * (TAU * x / (side / 7.3) + 1.9).sin()
}

fn near_river(p: Coord<f64>, side: f64, margin: f64) -> bool {
    (p.y - river_y(p.x, side)).abs() < RIVER_WIDTH / 2.0 + margin
}

/// A block side from junction `a` to junction `b`: bowed, 1–3 jittered
/// intermediate vertices.
fn side_points(a: Coord<f64>, b: Coord<f64>, rng: &mut Rng) -> Vec<Coord<f64>> {
    let k = 1 + rng.below(3);
    let d = b - a;
    let len = d.x.hypot(d.y);
    let normal = c(-d.y / len, d.x / len);
    let bow = rng.range(-3.0, 3.0);
    let mut pts = vec![a];
    for m in 0..k {
        let t = (m as f64 + 1.0 + rng.range(-0.25, 0.25)) / (k + 1) as f64;
        let off = bow * (PI * t).sin() + rng.range(-0.5, 0.5);
        pts.push(a + d * t + normal * off);
    }
    pts.push(b);
    pts
}

/// Cuts runs of consecutive block sides into ways of `min..=max` sides.
fn ways(
    sides: Vec<Option<Vec<Coord<f64>>>>,
    min: usize,
    max: usize,
    rng: &mut Rng,
) -> Vec<Vec<Coord<f64>>> {
    let mut out = Vec::new();
    let mut cur: Vec<Coord<f64>> = Vec::new();
    let mut count = 0;
    let mut limit = min + rng.below(max - min + 1);
    for side in sides {
        match side {
            None => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                count = 0;
            }
            Some(pts) => {
                if cur.is_empty() {
                    cur.extend(pts);
                } else {
                    cur.extend(&pts[1..]);
                }
                count += 1;
                if count == limit {
                    out.push(std::mem::take(&mut cur));
                    count = 0;
                    limit = min + rng.below(max - min + 1);
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A polyline sampled every `step` metres from `a` to `b`, jittered
/// sideways, cut into ways of about `per_way` vertices.
fn long_line(
    a: Coord<f64>,
    b: Coord<f64>,
    step: f64,
    per_way: usize,
    rng: &mut Rng,
) -> Vec<Vec<Coord<f64>>> {
    let d = b - a;
    let n = (d.x.hypot(d.y) / step).ceil() as usize;
    let pts: Vec<Coord<f64>> = (0..=n)
        .map(|i| {
            let p = a + d * (i as f64 / n as f64);
            if i == 0 || i == n {
                p
            } else {
                p + c(rng.range(-0.8, 0.8), rng.range(-0.8, 0.8))
            }
        })
        .collect();
    pts.chunks(per_way)
        .enumerate()
        .map(|(i, chunk)| {
            // Consecutive ways share their end vertex.
            let mut w = chunk.to_vec();
            if let Some(next) = pts.get((i + 1) * per_way) {
                w.push(*next);
            }
            w
        })
        .filter(|w| w.len() >= 2)
        .collect()
}

/// The generated city on an `n × n` street grid.
fn city(n: usize, seed: u64) -> Scenario {
    let mut rng = Rng(seed);
    let side = (n - 1) as f64 * SPACING;
    let road = |level| barrier(level, BarrierKind::Road);
    let mut barriers: Vec<BarrierLine> = Vec::new();
    let mut push = |pts: Vec<Coord<f64>>, b: Barrier| {
        if pts.len() >= 2 {
            barriers.push(BarrierLine {
                line: LineString(pts),
                barrier: b,
            });
        }
    };

    // Junctions: row/column offsets, jitter, warp.
    let col_off: Vec<f64> = (0..n).map(|_| rng.range(-6.0, 6.0)).collect();
    let row_off: Vec<f64> = (0..n).map(|_| rng.range(-6.0, 6.0)).collect();
    let junction: Vec<Vec<Coord<f64>>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    warp(c(
                        j as f64 * SPACING + col_off[j] + rng.range(-3.0, 3.0),
                        i as f64 * SPACING + row_off[i] + rng.range(-3.0, 3.0),
                    ))
                })
                .collect()
        })
        .collect();
    let arterial = |k: usize| k % 10 == 5;
    // Local streets stop at the river; arterials and every fifth street bridge it.
    let bridge = |k: usize| arterial(k) || k.is_multiple_of(5);

    // Block sides, kept ones for stubs.
    let mut kept: Vec<Vec<Coord<f64>>> = Vec::new();
    for horizontal in [true, false] {
        for s in 0..n {
            let level = if arterial(s) { 4 } else { 2 };
            let street: Vec<Coord<f64>> = if horizontal {
                junction[s].clone()
            } else {
                junction.iter().map(|row| row[s]).collect()
            };
            let sides: Vec<Option<Vec<Coord<f64>>>> = street
                .windows(2)
                .map(|w| {
                    let pts = side_points(w[0], w[1], &mut rng);
                    let gap = !arterial(s) && rng.chance(0.05);
                    let wet = !bridge(s) && pts.iter().any(|&p| near_river(p, side, 10.0));
                    if gap || wet {
                        None
                    } else {
                        kept.push(pts.clone());
                        Some(pts)
                    }
                })
                .collect();
            let (min, max) = if arterial(s) { (4, 10) } else { (2, 6) };
            for mut w in ways(sides, min, max, &mut rng) {
                // Near-duplicate junction nodes, as digitized data has.
                if rng.chance(0.02) {
                    let a = rng.range(0.0, TAU);
                    let r = rng.range(0.01, 0.04);
                    w[0] = w[0] + c(r * a.cos(), r * a.sin());
                }
                push(w, road(level));
            }
        }
    }

    // Dead-end stubs: from a vertex, a segment's middle, or just short of it.
    for _ in 0..n * n / 5 {
        let pts = &kept[rng.below(kept.len())];
        let m = rng.below(pts.len() - 1);
        let (a, b) = (pts[m], pts[m + 1]);
        let d = b - a;
        let len = d.x.hypot(d.y);
        let sign = if rng.chance(0.5) { 1.0 } else { -1.0 };
        let normal = c(-d.y / len, d.x / len) * sign;
        let r = rng.unit();
        let start = if r < 0.6 && m > 0 {
            a
        } else if r < 0.85 {
            (a + b) * 0.5
        } else {
            (a + b) * 0.5 + normal * rng.range(0.01, 0.045)
        };
        let l = rng.range(12.0, 35.0);
        let mut stub = vec![start, start + normal * (l * 0.5)];
        let bend = rng.range(-0.5, 0.5);
        stub.push(stub[1] + (normal + c(-normal.y, normal.x) * bend) * (l * 0.5));
        push(stub, road(1 + rng.below(2) as u8));
    }

    // Compound loops in block middles; half hang on a bridge to a corner.
    for _ in 0..n * n / 40 {
        let (i, j) = (rng.below(n - 1), rng.below(n - 1));
        let corners = [
            junction[i][j],
            junction[i][j + 1],
            junction[i + 1][j + 1],
            junction[i + 1][j],
        ];
        let centre = (corners[0] + corners[1] + corners[2] + corners[3]) * 0.25;
        if near_river(centre, side, 30.0) {
            continue;
        }
        let h = rng.range(12.0, 20.0);
        let rot = rng.range(0.0, TAU);
        let mut ring: Vec<Coord<f64>> = (0..8usize)
            .map(|k| {
                let t = rot + k as f64 * TAU / 8.0;
                let r = if k.is_multiple_of(2) {
                    h * 2f64.sqrt()
                } else {
                    h
                };
                centre + c(r * t.cos(), r * t.sin())
            })
            .collect();
        ring.push(ring[0]);
        if rng.chance(0.5) {
            let (p, q) = (ring[0], corners[0]);
            push(vec![p, p + (q - p) * 0.4, p + (q - p) * 0.7, q], road(2));
        }
        push(ring, road(2));
    }

    // Diagonals (secondary) and a ring road (primary), crossing the grid
    // between its vertices.
    for (a, b) in [
        (c(-150.0, 0.08 * side), c(side + 150.0, 0.9 * side)),
        (c(0.05 * side, side + 150.0), c(0.95 * side, -150.0)),
        (c(0.3 * side, -150.0), c(side + 150.0, 0.55 * side)),
    ] {
        for w in long_line(a, b, 35.0, 40, &mut rng) {
            push(w, road(3));
        }
    }
    let centre = c(0.5 * side, 0.52 * side);
    let radius = 0.38 * side;
    let nr = (TAU * radius / 25.0) as usize;
    let ring: Vec<Coord<f64>> = (0..=nr)
        .map(|k| {
            let t = TAU * (k % nr) as f64 / nr as f64;
            let r = radius * (1.0 + 0.03 * (3.0 * t).sin());
            centre + c(r * t.cos(), r * t.sin())
        })
        .collect();
    for q in 0..4 {
        push(ring[q * nr / 4..=(q + 1) * nr / 4].to_vec(), road(4));
    }

    // The river: two banks sampled every 12 m, beyond the city on both sides.
    let water = barrier(4, BarrierKind::Water);
    let nx = ((side + 400.0) / 12.0) as usize;
    for sign in [-1.0, 1.0] {
        let bank: Vec<Coord<f64>> = (0..=nx)
            .map(|k| {
                let x = -200.0 + (side + 400.0) * k as f64 / nx as f64;
                c(x, river_y(x, side) + sign * RIVER_WIDTH / 2.0)
            })
            .collect();
        for w in bank.chunks(200).enumerate().map(|(i, ch)| {
            let mut w = ch.to_vec();
            if let Some(next) = bank.get((i + 1) * 200) {
                w.push(*next);
            }
            w
        }) {
            push(w, water);
        }
    }

    // Communities: a grid over the street grid's extent, borders shared exactly.
    let (mut lo, mut hi) = (c(f64::MAX, f64::MAX), c(f64::MIN, f64::MIN));
    for p in junction.iter().flatten() {
        lo = c(lo.x.min(p.x), lo.y.min(p.y));
        hi = c(hi.x.max(p.x), hi.y.max(p.y));
    }
    let (lo, hi) = (lo - c(60.0, 60.0), hi + c(60.0, 60.0));
    let k = if n >= 60 { 4 } else { 2 };
    let xs: Vec<f64> = (0..=k)
        .map(|t| lo.x + (hi.x - lo.x) * t as f64 / k as f64)
        .collect();
    let ys: Vec<f64> = (0..=k)
        .map(|t| lo.y + (hi.y - lo.y) * t as f64 / k as f64)
        .collect();
    let kinds = [
        CommunityKind::Urban,
        CommunityKind::Urban,
        CommunityKind::Resettlement,
        CommunityKind::Rural,
    ];
    let mut communities = Vec::new();
    for r in 0..k {
        for q in 0..k {
            let id = format!("C{r}{q}");
            let ring = vec![
                (xs[q], ys[r]),
                (xs[q + 1], ys[r]),
                (xs[q + 1], ys[r + 1]),
                (xs[q], ys[r + 1]),
                (xs[q], ys[r]),
            ];
            communities.push(Community {
                id: id.clone(),
                name: id,
                street: format!("S{r}"),
                kind: kinds[(r + q) % kinds.len()],
                social_workers: Some(8),
                area: MultiPolygon(vec![Polygon::new(LineString::from(ring), vec![])]),
            });
        }
    }

    // Point buildings with households.
    let buildings = (0..n * n * 7 / 2)
        .map(|i| {
            let residential = rng.chance(0.85);
            Building {
                id: format!("b{i}"),
                footprint: None,
                location: Point::new(rng.range(lo.x, hi.x), rng.range(lo.y, hi.y)),
                households: if residential {
                    20 + rng.below(180) as u32
                } else {
                    0
                },
                estimated: rng.chance(0.1),
                use_: if residential {
                    "residential"
                } else {
                    "commercial"
                }
                .into(),
            }
        })
        .collect();

    Scenario {
        communities,
        buildings,
        barriers,
        ..Default::default()
    }
}

/// What `build_blocks` nodes: community borders, then the barrier lines.
fn noding_input(s: &Scenario) -> Vec<BarrierLine> {
    let border = barrier(COMMUNITY_LEVEL, BarrierKind::Community);
    s.communities
        .iter()
        .flat_map(|c| c.area.0.iter())
        .map(|p| BarrierLine {
            line: p.exterior().clone(),
            barrier: border,
        })
        .chain(s.barriers.iter().cloned())
        .collect()
}

fn segments(lines: &[BarrierLine]) -> usize {
    lines.iter().map(|l| l.line.0.len().saturating_sub(1)).sum()
}

fn streets() -> usize {
    std::env::var("LINLI_BENCH_STREETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n: &usize| n >= 12)
        .unwrap_or(if cfg!(debug_assertions) { 24 } else { 120 })
}

/// Ten flat samples; the measurement time follows the single run timed
/// above, so slow groups fit their ten samples without a warning.
fn configure(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    one: Duration,
) {
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time((one * 11).max(Duration::from_secs(3)));
}

fn bench(crit: &mut Criterion) {
    let n = streets();
    let t = Instant::now();
    let scenario = city(n, SEED);
    let t_gen = t.elapsed();
    let lines = noding_input(&scenario);

    let t = Instant::now();
    let net = node(&lines, SNAP);
    let t_node = t.elapsed();
    let t = Instant::now();
    let faces = polygonize(&net);
    let t_poly = t.elapsed();
    let t = Instant::now();
    let set = build_blocks(&scenario, SNAP, COMMUNITY_LEVEL).expect("communities tile the city");
    let t_blocks = t.elapsed();

    let dangling = faces
        .edge_faces
        .iter()
        .filter(|f| f[0].is_none() && f[1].is_none())
        .count();
    eprintln!(
        "city {n}×{n}: {} road/water segments in {} lines (+{} community-border segments); \
         {} noded vertices, {} noded edges ({} dangling or bridges), {} unresolved crossings; \
         {} faces, {} blocks, {} adjacencies; {} buildings ({} outside), {} households",
        segments(&scenario.barriers),
        scenario.barriers.len(),
        segments(&lines) - segments(&scenario.barriers),
        net.vertices.len(),
        net.edges.len(),
        dangling,
        net.unresolved_crossings,
        faces.faces.len(),
        set.blocks.len(),
        set.adjacency.edge_count(),
        scenario.buildings.len(),
        set.outside_buildings.len(),
        set.blocks.iter().map(|b| b.households).sum::<u64>(),
    );
    eprintln!(
        "single runs: generate {t_gen:.2?}, node {t_node:.2?}, polygonize {t_poly:.2?}, \
         build_blocks {t_blocks:.2?}"
    );
    let id = format!("city_{n}x{n}");

    let mut g = crit.benchmark_group("noding");
    configure(&mut g, t_node);
    g.bench_function(&id, |b| b.iter(|| node(black_box(&lines), SNAP)));
    g.finish();

    let mut g = crit.benchmark_group("polygonize");
    configure(&mut g, t_poly);
    g.bench_function(&id, |b| b.iter(|| polygonize(black_box(&net))));
    g.finish();

    let mut g = crit.benchmark_group("build_blocks");
    configure(&mut g, t_blocks);
    g.bench_function(&id, |b| {
        b.iter(|| build_blocks(black_box(&scenario), SNAP, COMMUNITY_LEVEL))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
