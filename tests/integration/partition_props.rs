//! Property tests of the partition on generated cities: neighborhoods tile
//! each community exactly, are contiguous, conserve households, never split
//! a building, are deterministic, and respect the band when the instance
//! admits it.

use geo::{Area, BooleanOps, LineString, MultiPolygon, Polygon, Validation};
use linli::blocks::build_blocks_with;
use linli::config::Config;
use linli::dissolve::dissolve;
use linli::model::*;
use linli::partition::regions::{self, regionalize};
use linli::partition::{cells::cell_lines, partition};
use proptest::prelude::*;

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
    Polygon::new(
        LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
        vec![],
    )
}

/// A city of `nx × ny` street blocks in two communities, a river, and
/// buildings whose households are drawn per block.
fn city() -> impl Strategy<Value = Scenario> {
    (
        3usize..8,
        3usize..8,
        prop::collection::vec((0u32..4, 1u32..120), 64),
        any::<bool>(),
        prop::collection::vec(-3.0f64..3.0, 16),
    )
        .prop_map(|(nx, ny, cells, river, jitter)| {
            let (w, h) = (nx as f64 * 100.0, ny as f64 * 100.0);
            let split = (nx / 2) as f64 * 100.0;
            let communities = vec![
                Community {
                    id: "A".into(),
                    name: "A".into(),
                    street: "S".into(),
                    kind: CommunityKind::Urban,
                    social_workers: None,
                    area: MultiPolygon(vec![rect(0.0, 0.0, split, h)]),
                },
                Community {
                    id: "B".into(),
                    name: "B".into(),
                    street: "S".into(),
                    kind: CommunityKind::Rural,
                    social_workers: None,
                    area: MultiPolygon(vec![rect(split, 0.0, w, h)]),
                },
            ];
            let road = |pts: Vec<(f64, f64)>, level: u8| BarrierLine {
                line: pts.into(),
                barrier: Barrier {
                    level,
                    kind: BarrierKind::Road,
                },
            };
            let mut barriers = Vec::new();
            for i in 1..nx {
                let x = i as f64 * 100.0 + jitter[i % 16];
                barriers.push(road(
                    vec![(x, -10.0), (x, h + 10.0)],
                    if i % 3 == 0 { 4 } else { 2 },
                ));
            }
            for j in 1..ny {
                let y = j as f64 * 100.0 + jitter[(j + 7) % 16];
                barriers.push(road(vec![(-10.0, y), (w + 10.0, y)], 2));
            }
            if river {
                barriers.push(BarrierLine {
                    line: vec![(-10.0, 37.0), (w + 10.0, h - 37.0)].into(),
                    barrier: Barrier {
                        level: 4,
                        kind: BarrierKind::Water,
                    },
                });
            }
            let mut buildings = Vec::new();
            for i in 0..nx {
                for j in 0..ny {
                    let (n, hh) = cells[(i * ny + j) % 64];
                    for k in 0..n {
                        buildings.push(Building {
                            id: format!("b{i}-{j}-{k}"),
                            footprint: None,
                            location: geo::Point::new(
                                i as f64 * 100.0 + 20.0 + 20.0 * k as f64,
                                j as f64 * 100.0 + 30.0 + 13.0 * k as f64,
                            ),
                            households: hh * (1 + (k % 2)),
                            estimated: false,
                            use_: "residential".into(),
                        });
                    }
                }
            }
            Scenario {
                communities,
                buildings,
                barriers,
                ..Default::default()
            }
        })
}

fn plan(
    s: &Scenario,
    seed: u64,
) -> (
    linli::blocks::BlockSet,
    linli::partition::Partition,
    Vec<linli::dissolve::Dissolved>,
) {
    let cfg = Config::default();
    let t = &cfg.targets;
    let first = build_blocks_with(s, &[], 0.05, 5).unwrap();
    let lines = cell_lines(&first.blocks, &s.buildings, |b| {
        f64::from(t.for_kind(s.communities[b.community].kind)) * (1.0 + t.tolerance)
    });
    let set = linli::blocks::split_blocks(s, &first, &lines, 0.05, 5).unwrap();
    let part = partition(&set, s, &cfg, seed);
    let shapes = dissolve(&set, &part.block_neighborhood, part.neighborhoods.len());
    (set, part, shapes)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn neighborhoods_tile_are_contiguous_and_conserve(s in city(), seed in 0u64..4) {
        let (set, part, shapes) = plan(&s, seed);
        // Every block in exactly one neighborhood of its own community.
        for (b, &n) in part.block_neighborhood.iter().enumerate() {
            prop_assert!(n < part.neighborhoods.len());
            prop_assert_eq!(part.neighborhoods[n].community, set.blocks[b].community);
        }
        for (ci, c) in s.communities.iter().enumerate() {
            let area = c.area.unsigned_area();
            let mine: Vec<usize> = (0..part.neighborhoods.len()).filter(|&n| part.neighborhoods[n].community == ci).collect();
            let sum: f64 = mine.iter().map(|&n| shapes[n].area.unsigned_area()).sum();
            prop_assert!(((sum - area) / area).abs() < 1e-9, "{}: {} vs {}", c.id, sum, area);
            for (i, &a) in mine.iter().enumerate() {
                // Contiguous: one polygon, valid.
                prop_assert_eq!(shapes[a].area.0.len(), 1, "{} has {} parts", part.neighborhoods[a].id, shapes[a].area.0.len());
                prop_assert!(shapes[a].area.is_valid());
                for &b in &mine[i + 1..] {
                    let inter = shapes[a].area.intersection(&shapes[b].area).unsigned_area();
                    prop_assert!(inter < 1e-6, "overlap {}", inter);
                }
            }
        }
        // Households conserved; no building split (each in exactly one neighborhood).
        let mut seen = vec![0; s.buildings.len()];
        let mut hh = 0u64;
        for n in &part.neighborhoods {
            hh += n.households;
            for &b in &n.blocks {
                for &i in &set.blocks[b].buildings { seen[i] += 1; }
            }
        }
        for &i in &set.outside_buildings { seen[i] += 1; }
        prop_assert!(seen.iter().all(|&k| k == 1));
        let total: u64 = s.buildings.iter().map(|b| u64::from(b.households)).sum();
        prop_assert_eq!(hh, total);
    }

    /// The same seed gives the same plan, whatever the threads: the search's
    /// starts run in parallel and the earlier start wins a tie.
    #[test]
    fn partition_is_deterministic(s in city()) {
        let (_, a, _) = plan(&s, 3);
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let (_, b, _) = one.install(|| plan(&s, 3));
        prop_assert_eq!(a.block_neighborhood, b.block_neighborhood);
    }
}

/// Where the instance admits it (blocks of 100 households in a grid, every
/// community a multiple of the target), every neighborhood is in the band.
#[test]
fn band_respected_when_admissible() {
    let mut buildings = Vec::new();
    for i in 0..6 {
        for j in 0..6 {
            for k in 0..2 {
                buildings.push(Building {
                    id: format!("b{i}{j}{k}"),
                    footprint: None,
                    location: geo::Point::new(
                        i as f64 * 100.0 + 30.0 + 40.0 * k as f64,
                        j as f64 * 100.0 + 50.0,
                    ),
                    households: 50,
                    estimated: false,
                    use_: "residential".into(),
                });
            }
        }
    }
    let road = |pts: Vec<(f64, f64)>| BarrierLine {
        line: pts.into(),
        barrier: Barrier {
            level: 2,
            kind: BarrierKind::Road,
        },
    };
    let mut barriers = Vec::new();
    for i in 1..6 {
        let v = i as f64 * 100.0;
        barriers.push(road(vec![(v, -5.0), (v, 605.0)]));
        barriers.push(road(vec![(-5.0, v), (605.0, v)]));
    }
    let s = Scenario {
        communities: vec![Community {
            id: "A".into(),
            name: "A".into(),
            street: "S".into(),
            kind: CommunityKind::Urban,
            social_workers: None,
            area: MultiPolygon(vec![rect(0.0, 0.0, 600.0, 600.0)]),
        }],
        buildings,
        barriers,
        ..Default::default()
    };
    for seed in 0..5 {
        let (_, part, _) = plan(&s, seed);
        assert_eq!(part.neighborhoods.len(), 12);
        for n in &part.neighborhoods {
            assert!(
                (200..=400).contains(&n.households),
                "seed {seed}: {} has {}",
                n.id,
                n.households
            );
        }
    }
}

/// A river through the middle: no neighborhood straddles it when a partition
/// without that exists.
#[test]
fn neighborhoods_do_not_straddle_a_river() {
    let mut buildings = Vec::new();
    for i in 0..4 {
        for j in 0..4 {
            buildings.push(Building {
                id: format!("b{i}{j}"),
                footprint: None,
                location: geo::Point::new(i as f64 * 100.0 + 50.0, j as f64 * 100.0 + 50.0),
                households: 75,
                estimated: false,
                use_: "residential".into(),
            });
        }
    }
    let line = |pts: Vec<(f64, f64)>, level, kind| BarrierLine {
        line: pts.into(),
        barrier: Barrier { level, kind },
    };
    let mut barriers = vec![line(
        vec![(-5.0, 200.0), (405.0, 200.0)],
        4,
        BarrierKind::Water,
    )];
    for i in 1..4 {
        let v = i as f64 * 100.0;
        barriers.push(line(vec![(v, -5.0), (v, 405.0)], 2, BarrierKind::Road));
        if i != 2 {
            barriers.push(line(vec![(-5.0, v), (405.0, v)], 2, BarrierKind::Road));
        }
    }
    let s = Scenario {
        communities: vec![Community {
            id: "A".into(),
            name: "A".into(),
            street: "S".into(),
            kind: CommunityKind::Urban,
            social_workers: None,
            area: MultiPolygon(vec![rect(0.0, 0.0, 400.0, 400.0)]),
        }],
        buildings,
        barriers,
        ..Default::default()
    };
    let (set, part, shapes) = plan(&s, 1);
    assert_eq!(part.neighborhoods.len(), 4);
    for (n, d) in part.neighborhoods.iter().zip(&shapes) {
        let ys: Vec<f64> = n
            .blocks
            .iter()
            .map(|&b| set.blocks[b].polygon.exterior().0[0].y)
            .collect();
        let north = ys.iter().all(|&y| y >= 200.0);
        let south = n.blocks.iter().all(|&b| {
            set.blocks[b]
                .polygon
                .exterior()
                .0
                .iter()
                .all(|c| c.y <= 200.0)
        });
        assert!(north || south, "{} straddles the river", n.id);
        assert!(d.barrier_border_m > 0.0);
    }
}

/// Units on a `w × h` grid (row-major), linked to their right and upper
/// neighbours with `level(a, b)`.
fn grid_links(w: usize, h: usize, level: impl Fn(usize, usize) -> u8) -> Vec<regions::Link> {
    let mut links = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let a = y * w + x;
            if x + 1 < w {
                links.push(regions::Link {
                    a,
                    b: a + 1,
                    shared_m: 100.0,
                    level: level(a, a + 1),
                });
            }
            if y + 1 < h {
                links.push(regions::Link {
                    a,
                    b: a + w,
                    shared_m: 100.0,
                    level: level(a, a + w),
                });
            }
        }
    }
    links
}

fn grid_units(w: usize, h: usize, households: impl Fn(usize) -> u64) -> Vec<regions::Unit> {
    (0..w * h)
        .map(|i| regions::Unit {
            households: households(i),
            buildings: 4,
            centroid: ((i % w) as f64 * 100.0, (i / w) as f64 * 100.0),
            compound: None,
            // 100 m squares.
            area: 10_000.0,
            moment: 10_000.0 * 20_000.0 / 12.0,
        })
        .collect()
}

/// Each region is connected over `links`.
fn assert_contiguous(r: &regions::Regions, links: &[regions::Link]) {
    for g in 0..r.count {
        let members: Vec<usize> = (0..r.region.len()).filter(|&u| r.region[u] == g).collect();
        assert!(!members.is_empty(), "region {g} is empty");
        let mut seen = vec![members[0]];
        let mut i = 0;
        while i < seen.len() {
            let u = seen[i];
            i += 1;
            for l in links {
                let v = if l.a == u {
                    l.b
                } else if l.b == u {
                    l.a
                } else {
                    continue;
                };
                if r.region[v] == g && !seen.contains(&v) {
                    seen.push(v);
                }
            }
        }
        assert_eq!(seen.len(), members.len(), "region {g} is not contiguous");
    }
}

fn params(seed: u64) -> regions::Params {
    regions::Params {
        target: 300.0,
        tolerance: 1.0 / 3.0,
        buildings: None,
        compound_households: vec![],
        seed,
        effort: 50,
        starts: 1,
        weights: Default::default(),
    }
}

/// A unit above the band is a region of its own and does not take a
/// share of the region count from the rest, which stays in the band.
#[test]
fn a_unit_above_the_band_stands_alone() {
    let units = grid_units(5, 5, |i| if i == 12 { 1_000 } else { 75 });
    let links = grid_links(5, 5, |_, _| 2);
    for seed in 0..5 {
        let r = regionalize(&units, &links, &params(seed));
        assert_contiguous(&r, &links);
        let big = r.region[12];
        assert_eq!(r.region.iter().filter(|&&g| g == big).count(), 1);
        for g in (0..r.count).filter(|&g| g != big) {
            let h: u64 = (0..25)
                .filter(|&u| r.region[u] == g)
                .map(|u| units[u].households)
                .sum();
            assert!((200..=400).contains(&h), "seed {seed}: region {g} has {h}");
        }
    }
}

/// Two halves between a major barrier, each admitting in-band regions of
/// its own: every region stays on one side and in the band.
#[test]
fn regions_stay_inside_their_barrier_cells() {
    // 8 × 3 units of 50 households; a river between columns 3 and 4.
    let units = grid_units(8, 3, |_| 50);
    let links = grid_links(8, 3, |a, b| if a % 8 == 3 && b % 8 == 4 { 4 } else { 2 });
    for seed in 0..5 {
        let r = regionalize(&units, &links, &params(seed));
        assert_contiguous(&r, &links);
        assert_eq!(r.count, 4, "seed {seed}");
        for g in 0..r.count {
            let members: Vec<usize> = (0..24).filter(|&u| r.region[u] == g).collect();
            let west = members.iter().all(|&u| u % 8 < 4);
            let east = members.iter().all(|&u| u % 8 >= 4);
            assert!(west || east, "seed {seed}: region {g} crosses the river");
            let h = members.len() * 50;
            assert!((200..=400).contains(&h), "seed {seed}: region {g} has {h}");
        }
    }
}
