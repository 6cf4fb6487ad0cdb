//! Property tests: blocks tile each community exactly, every building lands
//! in exactly one block, households are conserved, on many generated street
//! networks (parallel, collinear, touching and dangling lines included).

use geo::{Area, BooleanOps, Coord, LineString, MultiPolygon, Polygon, Validation};
use linli::blocks::build_blocks;
use linli::model::*;
use proptest::prelude::*;

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
    Polygon::new(
        LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
        vec![],
    )
}

fn community(id: &str, area: Polygon<f64>) -> Community {
    Community {
        id: id.into(),
        name: id.into(),
        street: "S".into(),
        kind: CommunityKind::Urban,
        social_workers: None,
        area: MultiPolygon(vec![area]),
    }
}

fn road(pts: Vec<(f64, f64)>, level: u8) -> BarrierLine {
    BarrierLine {
        line: pts.into(),
        barrier: Barrier {
            level,
            kind: BarrierKind::Road,
        },
    }
}

/// A generated city: two communities side by side (sharing a border), a
/// jittered street grid, random segments (dangling, crossing), collinear
/// duplicates, lines along the community border, and buildings.
#[derive(Debug, Clone)]
struct City {
    scenario: Scenario,
}

fn city() -> impl Strategy<Value = City> {
    (
        2usize..6,
        2usize..6,
        prop::collection::vec(
            (0.0f64..400.0, 0.0f64..300.0, 0.0f64..400.0, 0.0f64..300.0),
            0..12,
        ),
        prop::collection::vec((0.0f64..400.0, 0.0f64..300.0, 0u32..80), 1..60),
        prop::collection::vec(-4.0f64..4.0, 12),
        any::<bool>(),
    )
        .prop_map(|(nx, ny, segs, blds, jitter, odd_split)| {
            let split = if odd_split { 173.3 } else { 200.0 };
            let communities = vec![
                community("A", rect(0.0, 0.0, split, 300.0)),
                community("B", rect(split, 0.0, 400.0, 300.0)),
            ];
            let mut barriers = Vec::new();
            for i in 1..nx {
                let x = 400.0 * i as f64 / nx as f64 + jitter[i];
                barriers.push(road(vec![(x, -20.0), (x + jitter[i + 5], 320.0)], 3));
            }
            for j in 1..ny {
                let y = 300.0 * j as f64 / ny as f64 + jitter[j + 6];
                barriers.push(road(vec![(-20.0, y), (210.0, y + 1.0), (420.0, y)], 2));
            }
            // A collinear duplicate of the first street, and a road along the border.
            if let Some(first) = barriers.first().cloned() {
                barriers.push(BarrierLine {
                    barrier: Barrier {
                        level: 1,
                        kind: BarrierKind::Landmark,
                    },
                    ..first
                });
            }
            barriers.push(road(vec![(split, 50.0), (split, 250.0)], 2));
            // A road touching the outer border from inside, and a closed ring (landmark).
            barriers.push(road(vec![(0.0, 150.0), (60.0, 150.0)], 1));
            barriers.push(BarrierLine {
                line: vec![
                    (20.0, 20.0),
                    (60.0, 20.0),
                    (60.0, 60.0),
                    (20.0, 60.0),
                    (20.0, 20.0),
                ]
                .into(),
                barrier: Barrier {
                    level: 1,
                    kind: BarrierKind::Landmark,
                },
            });
            for (x0, y0, x1, y1) in segs {
                barriers.push(road(vec![(x0, y0), (x1, y1)], 1));
            }
            let buildings = blds
                .into_iter()
                .enumerate()
                .map(|(i, (x, y, h))| Building {
                    id: format!("b{i}"),
                    footprint: None,
                    location: geo::Point::new(x + 0.123, y + 0.456),
                    households: h,
                    estimated: false,
                    use_: "residential".into(),
                })
                .collect();
            City {
                scenario: Scenario {
                    communities,
                    buildings,
                    barriers,
                    ..Default::default()
                },
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn blocks_tile_communities_and_conserve_households(c in city()) {
        let s = &c.scenario;
        let set = build_blocks(s, 0.05, 5).expect("no overlap");
        prop_assert_eq!(set.unresolved_crossings, 0);
        for (ci, com) in s.communities.iter().enumerate() {
            let blocks: Vec<_> = set.blocks.iter().filter(|b| b.community == ci).collect();
            let sum: f64 = blocks.iter().map(|b| b.area).sum();
            let area = com.area.unsigned_area();
            prop_assert!(((sum - area) / area).abs() < 1e-9, "community {} area {} blocks {}", com.id, area, sum);
            // No overlaps: pairwise intersections have no area.
            for (i, a) in blocks.iter().enumerate() {
                prop_assert!(a.polygon.is_valid(), "block {} invalid: {:?} {:?}", a.id, a.polygon.validation_errors(), a.polygon);
                prop_assert!((a.polygon.unsigned_area() - a.area).abs() < 1e-6);
                for b in &blocks[i + 1..] {
                    let inter = a.polygon.intersection(&b.polygon).unsigned_area();
                    prop_assert!(inter < 1e-6, "{} and {} overlap by {}", a.id, b.id, inter);
                }
            }
        }
        // Every building in exactly one block or reported outside; households conserved.
        let mut seen = vec![0u32; s.buildings.len()];
        for b in &set.blocks {
            for &i in &b.buildings { seen[i] += 1; }
        }
        for &i in &set.outside_buildings { seen[i] += 1; }
        prop_assert!(seen.iter().all(|&n| n == 1));
        let total: u64 = s.buildings.iter().map(|b| u64::from(b.households)).sum();
        let in_blocks: u64 = set.blocks.iter().map(|b| b.households).sum();
        let outside: u64 = set.outside_buildings.iter().map(|&i| u64::from(s.buildings[i].households)).sum();
        prop_assert_eq!(total, in_blocks + outside);
        // Adjacency: symmetric shared lengths are positive; community border
        // pairs carry the community level.
        for e in set.adjacency.edge_indices() {
            let w = set.adjacency[e];
            prop_assert!(w.shared_m > 0.0);
            let (a, b) = set.adjacency.edge_endpoints(e).unwrap();
            if set.blocks[a.index()].community != set.blocks[b.index()].community {
                prop_assert_eq!(w.barrier.level, 5);
            }
        }
    }

    #[test]
    fn blocks_are_deterministic(c in city()) {
        let a = build_blocks(&c.scenario, 0.05, 5).unwrap();
        let b = build_blocks(&c.scenario, 0.05, 5).unwrap();
        prop_assert_eq!(a.blocks.len(), b.blocks.len());
        for (x, y) in a.blocks.iter().zip(&b.blocks) {
            prop_assert_eq!(&x.id, &y.id);
            prop_assert_eq!(&x.polygon, &y.polygon);
            prop_assert_eq!(&x.buildings, &y.buildings);
        }
    }
}

#[test]
fn dangling_roads_make_no_slivers() {
    let s = Scenario {
        communities: vec![community("A", rect(0.0, 0.0, 100.0, 100.0))],
        barriers: vec![
            road(vec![(50.0, 0.0), (50.0, 60.0)], 2),    // dead end
            road(vec![(10.0, 10.0), (30.0, 30.0)], 1),   // floating
            road(vec![(100.0, 50.0), (120.0, 50.0)], 2), // leaves the community
        ],
        ..Default::default()
    };
    let set = build_blocks(&s, 0.05, 5).unwrap();
    assert_eq!(set.blocks.len(), 1);
    assert!((set.blocks[0].area - 10_000.0).abs() < 1e-9);
}

/// A river that stops 30 m short of the community's edge is carried on to
/// it; cell lines later drawn in the two blocks it bounds end on that join.
/// Rebuilt with the cells, the river keeps its join (found again, it would
/// stop at the nearer cell lines and the strip below them would be one
/// block across the river).
#[test]
fn split_blocks_keep_the_first_joins() {
    let river = BarrierLine {
        line: vec![(100.0, 100.0), (100.0, 30.0)].into(),
        barrier: Barrier {
            level: 4,
            kind: BarrierKind::Water,
        },
    };
    let s = Scenario {
        communities: vec![community("A", rect(0.0, 0.0, 200.0, 100.0))],
        barriers: vec![river],
        ..Default::default()
    };
    let first = build_blocks(&s, 0.05, 5).unwrap();
    assert_eq!(first.blocks.len(), 2);
    assert_eq!(first.joins.len(), 1);
    let cell = |x0: f64, x1: f64| BarrierLine {
        line: vec![(x0, 20.0), (x1, 20.0)].into(),
        barrier: Barrier {
            level: 0,
            kind: BarrierKind::Cell,
        },
    };
    let cells = [cell(0.0, 100.0), cell(100.0, 200.0)];
    let found_again = linli::blocks::build_blocks_with(&s, &cells, 0.05, 5).unwrap();
    assert_eq!(found_again.blocks.len(), 3);
    let set = linli::blocks::split_blocks(&s, &first, &cells, 0.05, 5).unwrap();
    assert_eq!(set.blocks.len(), 4);
    for b in &set.blocks {
        assert!((b.area - 2_000.0).abs() < 1e-6 || (b.area - 8_000.0).abs() < 1e-6);
    }
}

#[test]
fn overlapping_communities_are_an_error() {
    let s = Scenario {
        communities: vec![
            community("A", rect(0.0, 0.0, 100.0, 100.0)),
            community("B", rect(50.0, 0.0, 150.0, 100.0)),
        ],
        ..Default::default()
    };
    let e = build_blocks(&s, 0.05, 5).unwrap_err();
    assert!(e[0].to_string().contains("overlap"), "{}", e[0]);
}

#[test]
fn community_with_hole_and_river() {
    let outer = Polygon::new(
        LineString::from(vec![
            (0.0, 0.0),
            (200.0, 0.0),
            (200.0, 200.0),
            (0.0, 200.0),
            (0.0, 0.0),
        ]),
        vec![LineString::from(vec![
            (80.0, 80.0),
            (80.0, 120.0),
            (120.0, 120.0),
            (120.0, 80.0),
            (80.0, 80.0),
        ])],
    );
    let s = Scenario {
        communities: vec![Community {
            area: MultiPolygon(vec![outer.clone()]),
            ..community("A", rect(0., 0., 1., 1.))
        }],
        barriers: vec![BarrierLine {
            line: LineString::from(vec![
                Coord { x: -10.0, y: 30.0 },
                Coord { x: 210.0, y: 35.0 },
            ]),
            barrier: Barrier {
                level: 4,
                kind: BarrierKind::Water,
            },
        }],
        ..Default::default()
    };
    let set = build_blocks(&s, 0.05, 5).unwrap();
    assert_eq!(set.blocks.len(), 2);
    let sum: f64 = set.blocks.iter().map(|b| b.area).sum();
    assert!((sum - outer.unsigned_area()).abs() < 1e-6);
    assert_eq!(set.adjacency.edge_count(), 1);
    let w = set.adjacency.edge_weights().next().unwrap();
    assert_eq!(w.barrier.kind, BarrierKind::Water);
    assert!((w.shared_m - 200.0f64.hypot(200.0 * 5.0 / 220.0)).abs() < 1e-6);
}
