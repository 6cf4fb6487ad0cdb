//! Audits of constructed grids with one defect each (found with the right
//! figures), and redraws that come back compliant, tile the community
//! exactly and leave compliant neighborhoods alone.

use geo::{Area, BooleanOps, MultiPolygon, Polygon, polygon};
use linli::audit::audit;
use linli::config::Config;
use linli::model::*;
use linli::redraw::{Change, redraw};
use proptest::prelude::*;

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
    polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1)]
}

fn multi(p: Polygon<f64>) -> MultiPolygon<f64> {
    MultiPolygon(vec![p])
}

fn road(pts: Vec<(f64, f64)>) -> BarrierLine {
    BarrierLine {
        line: pts.into(),
        barrier: Barrier {
            level: 2,
            kind: BarrierKind::Road,
        },
    }
}

/// Community C1 (0–600 × 0–200) and C2 above it (0–600 × 200–300), cut
/// by roads into 100 m blocks; three buildings of 100 households in all per
/// block (34 + 33 + 33), each a 10 m square.
fn town() -> Scenario {
    let mut barriers: Vec<BarrierLine> = (1..6)
        .map(|i| road(vec![(100.0 * i as f64, -10.0), (100.0 * i as f64, 310.0)]))
        .collect();
    barriers.push(road(vec![(-10.0, 100.0), (610.0, 100.0)]));
    let mut buildings = Vec::new();
    for col in 0..6 {
        for row in 0..3 {
            for (k, h) in [34u32, 33, 33].into_iter().enumerate() {
                let x = 100.0 * col as f64 + 20.0 + 25.0 * k as f64;
                let y = 100.0 * row as f64 + 45.0;
                buildings.push(Building {
                    id: format!("b{col}-{row}-{k}"),
                    footprint: Some(rect(x, y, x + 10.0, y + 10.0)),
                    location: geo::point!(x: x + 5.0, y: y + 5.0),
                    households: h,
                    estimated: false,
                    use_: "residential".into(),
                });
            }
        }
    }
    let community = |id: &str, area, workers| Community {
        id: id.into(),
        name: id.into(),
        street: "S".into(),
        kind: CommunityKind::Urban,
        social_workers: workers,
        area,
    };
    Scenario {
        communities: vec![
            community("C1", multi(rect(0.0, 0.0, 600.0, 200.0)), Some(2)),
            community("C2", multi(rect(0.0, 200.0, 600.0, 300.0)), None),
        ],
        buildings,
        barriers,
        ..Default::default()
    }
}

fn cell(id: &str, area: MultiPolygon<f64>) -> Parcel {
    Parcel {
        id: id.into(),
        area,
        households: None,
    }
}

/// The sound grid: four neighborhoods of three blocks in C1, two in C2.
fn good_grid() -> Vec<Parcel> {
    vec![
        cell("N1", multi(rect(0.0, 0.0, 300.0, 100.0))),
        cell("N2", multi(rect(300.0, 0.0, 600.0, 100.0))),
        cell("N3", multi(rect(0.0, 100.0, 300.0, 200.0))),
        cell("N4", multi(rect(300.0, 100.0, 600.0, 200.0))),
        cell("M1", multi(rect(0.0, 200.0, 300.0, 300.0))),
        cell("M2", multi(rect(300.0, 200.0, 600.0, 300.0))),
    ]
}

fn config() -> Config {
    let mut c = Config::default();
    c.targets.min_buildings = 3;
    c.targets.max_buildings = 10;
    c
}

fn with(grid: &mut [Parcel], id: &str, area: MultiPolygon<f64>) {
    grid.iter_mut().find(|p| p.id == id).expect("id").area = area;
}

fn fig<'a>(a: &'a linli::audit::Audit, id: &str) -> &'a linli::audit::GridFigures {
    a.neighborhoods.iter().find(|f| f.id == id).expect("id")
}

#[test]
fn a_sound_grid_is_compliant_and_runs_on_roads() {
    let a = audit(&town(), &good_grid(), &config()).unwrap();
    assert_eq!(a.overall.neighborhoods, 6);
    assert_eq!(a.overall.compliant, 6);
    assert!(a.gaps.is_empty() && a.overlaps.is_empty() && a.cut.is_empty());
    for f in &a.neighborhoods {
        assert_eq!(f.households, 300, "{}", f.id);
        assert_eq!(f.residential_buildings, 9);
        assert_eq!(f.parts, 1);
        assert!(f.flags.is_empty(), "{}: {:?}", f.id, f.flags);
        assert!((f.barrier_share - 1.0).abs() < 1e-9, "{}", f.id);
        // 300 × 100 rectangle: 4π·30000 / 800².
        let pp = 4.0 * std::f64::consts::PI * 30_000.0 / 640_000.0;
        assert!((f.polsby_popper - pp).abs() < 1e-4);
    }
    // N1 runs 400 m along the community border and 400 m along roads.
    let n1 = fig(&a, "N1");
    assert!(
        (n1.border.community_m - 400.0).abs() < 1e-6,
        "{:?}",
        n1.border
    );
    assert!((n1.border.road_m - 400.0).abs() < 1e-6, "{:?}", n1.border);
    // C1: 4 neighborhoods, 2 workers: within the 2–3 standard; C2 no data.
    assert_eq!(a.communities[0].neighborhoods_per_worker, Some(2.0));
    assert_eq!(
        a.communities[0].staffing,
        Some(linli::staffing::Status::WithinStandard)
    );
    assert_eq!(
        a.communities[1].staffing,
        Some(linli::staffing::Status::NoData)
    );
}

#[test]
fn a_gap_is_found_with_its_households() {
    let mut g = good_grid();
    with(&mut g, "N1", multi(rect(0.0, 0.0, 200.0, 100.0)));
    let a = audit(&town(), &g, &config()).unwrap();
    assert_eq!(a.gaps.len(), 1);
    let gap = &a.gaps[0];
    assert!(!gap.sliver);
    assert!((gap.area_m2 - 10_000.0).abs() < 1e-6);
    assert_eq!((gap.households, gap.buildings), (100, 3));
    assert_eq!(a.communities[0].households_in_gaps, 100);
    // N1 keeps 200 households: the band's lower end, still inside it.
    let n1 = fig(&a, "N1");
    assert_eq!(n1.households, 200);
    assert!(n1.flags.is_empty(), "{:?}", n1.flags);
    assert!(n1.compliant);
}

#[test]
fn an_overlap_is_found_with_both_neighborhoods() {
    let mut g = good_grid();
    with(&mut g, "N1", multi(rect(0.0, 0.0, 400.0, 100.0)));
    let a = audit(&town(), &g, &config()).unwrap();
    assert_eq!(a.overlaps.len(), 1);
    let o = &a.overlaps[0];
    assert!((o.area_m2 - 10_000.0).abs() < 1e-6);
    assert_eq!(o.households, 100);
    assert_eq!(o.holders, vec![0, 1]);
    assert_eq!(fig(&a, "N1").households, 400);
    for id in ["N1", "N2"] {
        let f = fig(&a, id);
        assert!(f.flags.contains(&"overlap".to_string()), "{id}");
        assert_eq!(f.overlaps.len(), 1);
        assert!((f.overlaps[0].1 - 10_000.0).abs() < 1e-6);
    }
    assert_eq!(a.overall.households_in_overlaps, 100);
}

#[test]
fn crossing_a_community_border_and_leaving_every_community_are_found() {
    let mut g = good_grid();
    // N3 reaches 50 m into C2 (over M1) and N2 20 m below C1.
    with(&mut g, "N3", multi(rect(0.0, 100.0, 300.0, 250.0)));
    with(&mut g, "N2", multi(rect(300.0, -20.0, 600.0, 100.0)));
    let a = audit(&town(), &g, &config()).unwrap();
    let n3 = fig(&a, "N3");
    assert!(n3.flags.contains(&"crosses_community_border".to_string()));
    assert_eq!(n3.community, Some(0));
    let in_c2: f64 = n3
        .community_areas
        .iter()
        .filter(|(c, _)| *c == 1)
        .map(|(_, a)| a)
        .sum();
    assert!((in_c2 - 15_000.0).abs() < 1e-6, "{in_c2}");
    let n2 = fig(&a, "N2");
    assert!(n2.flags.contains(&"outside_community".to_string()));
    assert!((n2.outside_m2 - 6_000.0).abs() < 0.01);
    assert_eq!(a.overall.crossing_border, 2);
}

#[test]
fn a_cut_building_names_who_counts_it() {
    let mut g = good_grid();
    // The N1/N2 border drawn 15 m east of the road, through a building
    // put there (x 308–320, centroid in N1).
    with(&mut g, "N1", multi(rect(0.0, 0.0, 315.0, 100.0)));
    with(&mut g, "N2", multi(rect(315.0, 0.0, 600.0, 100.0)));
    let mut s = town();
    s.buildings.push(Building {
        id: "straddler".into(),
        footprint: Some(rect(308.0, 10.0, 320.0, 20.0)),
        location: geo::point!(x: 314.0, y: 15.0),
        households: 6,
        estimated: false,
        use_: "residential".into(),
    });
    let a = audit(&s, &g, &config()).unwrap();
    assert_eq!(a.cut.len(), 1);
    let c = &a.cut[0];
    assert_eq!(s.buildings[c.building].id, "straddler");
    assert_eq!(c.counted_in, vec![0]);
    assert_eq!(c.shares.len(), 2);
    assert!((c.shares[0].1 - 7.0 / 12.0).abs() < 1e-9);
    assert!((c.shares[1].1 - 5.0 / 12.0).abs() < 1e-9);
    assert_eq!(fig(&a, "N1").cut_buildings, 1);
    // N1's east side now runs 15 m from the road: off any barrier, but for
    // its last 10 m at each end, within reach of the road and the border.
    let n1 = fig(&a, "N1");
    let b = n1.border;
    let off = b.total_m - b.community_m - b.road_m;
    assert!((off - 80.0).abs() < 2.0, "{b:?}");
    assert!(n1.barrier_share < 0.85, "{b:?}");
}

#[test]
fn a_multi_part_neighborhood_is_found() {
    let mut g = good_grid();
    with(
        &mut g,
        "N1",
        MultiPolygon(vec![
            rect(0.0, 0.0, 100.0, 100.0),
            rect(200.0, 0.0, 300.0, 100.0),
        ]),
    );
    let a = audit(&town(), &g, &config()).unwrap();
    let n1 = fig(&a, "N1");
    assert_eq!(n1.parts, 2);
    assert!(n1.flags.contains(&"multi_part".to_string()));
    assert_eq!(a.overall.multi_part, 1);
    assert_eq!(a.gaps.len(), 1);
}

#[test]
fn digitizing_slivers_are_reported_apart() {
    let mut g = good_grid();
    // N2 starts 0.2 m east of N1's edge: a 20 m² hairline gap; N4 reaches
    // 0.1 m over N3: a hairline overlap.
    with(&mut g, "N2", multi(rect(300.2, 0.0, 600.0, 100.0)));
    with(&mut g, "N4", multi(rect(299.9, 100.0, 600.0, 200.0)));
    let a = audit(&town(), &g, &config()).unwrap();
    assert_eq!(a.gaps.len(), 1);
    assert!(a.gaps[0].sliver, "{:?}", a.gaps[0].area_m2);
    assert_eq!(a.overlaps.len(), 1);
    assert!(a.overlaps[0].sliver);
    assert_eq!(a.overall.gaps, 0);
    assert_eq!(a.overall.overlaps, 0);
    assert_eq!(a.overall.slivers, 2);
    assert_eq!(a.overall.compliant, 6);
    // The redraw snaps them away and keeps every neighborhood.
    let r = redraw(&town(), &g, &config(), 1).unwrap();
    assert!(
        r.change.iter().all(|&c| c == Change::Kept),
        "{:?}",
        r.change
    );
    assert_tiles(&town(), &r);
}

fn assert_tiles(s: &Scenario, r: &linli::redraw::Redrawn) {
    let p = &r.planned;
    for (ci, c) in s.communities.iter().enumerate() {
        let mut union = MultiPolygon::<f64>(Vec::new());
        let mut sum = 0.0;
        for (n, d) in p.partition.neighborhoods.iter().zip(&p.shapes) {
            if n.community == ci {
                assert_eq!(d.area.0.len(), 1, "{} is one piece", n.id);
                sum += d.area.unsigned_area();
                union = union.union(&d.area);
            }
        }
        let want = c.area.unsigned_area();
        assert!(
            (sum - want).abs() < 1e-6 * want,
            "{}: {sum} vs {want}",
            c.id
        );
        assert!(
            (union.unsigned_area() - want).abs() < 1e-6 * want,
            "no overlaps"
        );
    }
    let households: u64 = s.buildings.iter().map(|b| u64::from(b.households)).sum();
    let got: u64 = p.partition.neighborhoods.iter().map(|n| n.households).sum();
    assert_eq!(got, households, "households conserved");
}

#[test]
fn redraw_fixes_a_spoiled_grid_and_keeps_the_sound_part() {
    let mut g = good_grid();
    // N1 leaves a gap, N3 and N4 drawn as one, M1 claims a block of M2.
    with(&mut g, "N1", multi(rect(0.0, 0.0, 200.0, 100.0)));
    with(&mut g, "N3", multi(rect(0.0, 100.0, 600.0, 200.0)));
    g.retain(|p| p.id != "N4");
    with(&mut g, "M1", multi(rect(0.0, 200.0, 400.0, 300.0)));
    let s = town();
    let r = redraw(&s, &g, &config(), 1).unwrap();
    assert_tiles(&s, &r);
    let ids: Vec<&str> = r
        .planned
        .partition
        .neighborhoods
        .iter()
        .map(|n| n.id.as_str())
        .collect();
    let change = |id: &str| r.change[ids.iter().position(|&x| x == id).unwrap()];
    // N2 was sound: same id, same shape.
    assert_eq!(change("N2"), Change::Kept);
    let n2 = ids.iter().position(|&x| x == "N2").unwrap();
    assert!((r.planned.shapes[n2].area.unsigned_area() - 30_000.0).abs() < 1e-6);
    // N1 (200 households, in the band) stays; M1 loses its claim to M2.
    assert_eq!(change("N1"), Change::Kept);
    assert_eq!(change("M1"), Change::Adjusted);
    assert_eq!(change("M2"), Change::Kept);
    // N3 ∪ N4 and the gap beside it (700 households) are cut in two, one
    // keeping the id N3.
    assert_eq!(change("N3"), Change::Redrawn);
    assert_eq!(r.planned.partition.neighborhoods.len(), 6);
    let hh = |id: &str| {
        r.planned.partition.neighborhoods[ids.iter().position(|&x| x == id).unwrap()].households
    };
    assert_eq!((hh("N1"), hh("M1"), hh("M2")), (200, 300, 300));
    // Only half of N3 ∪ N4 moved (the gap's households were placed).
    assert_eq!(r.moved.placed, 100);
    assert_eq!(r.moved.moved, 300);
    // The redrawn grid audits clean.
    let after: Vec<Parcel> = r.planned.grid();
    let a = audit(&s, &after, &config()).unwrap();
    assert_eq!(a.overall.compliant, 6);
    assert_eq!((a.overall.gaps, a.overall.overlaps), (0, 0));
    // Deterministic.
    let again = redraw(&s, &g, &config(), 1).unwrap();
    assert_eq!(again.change, r.change);
    assert_eq!(
        again.planned.partition.block_neighborhood,
        r.planned.partition.block_neighborhood
    );
}

#[test]
fn an_above_band_neighborhood_is_split_and_a_small_one_absorbed() {
    let mut g = good_grid();
    // N1 is split into 100 + 200: the 100 is too small for any neighbour
    // (all at 300) and has to be re-cut with one.
    with(&mut g, "N1", multi(rect(0.0, 0.0, 100.0, 100.0)));
    g.push(cell("N1b", multi(rect(100.0, 0.0, 300.0, 100.0))));
    let s = town();
    let r = redraw(&s, &g, &config(), 1).unwrap();
    assert_tiles(&s, &r);
    let after: Vec<Parcel> = r.planned.grid();
    let a = audit(&s, &after, &config()).unwrap();
    assert_eq!(a.overall.compliant, a.overall.neighborhoods);
    assert_eq!(r.removed.len(), 1);
    assert_eq!(r.moved.moved, 100);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Spoiling a linli grid of a generated town in random ways: the
    /// redraw always tiles each community, keeps households, draws each
    /// neighborhood in one piece and leaves no gap or overlap.
    #[test]
    fn redraw_of_any_spoiled_grid_tiles(
        hh in proptest::collection::vec(40u32..160, 18),
        seed in 0u64..1000,
        merges in 0usize..2, splits in 0usize..2, shifts in 0usize..2,
        gaps in 0usize..2, overlaps in 0usize..2,
    ) {
        let mut s = town();
        for (i, b) in s.buildings.iter_mut().enumerate() {
            b.households = hh[i / 3] / 3 + u32::from(i % 3 == 0) * (hh[i / 3] % 3);
        }
        let cfg = config();
        let blocks = linli::blocks::build_blocks(&s, 0.05, 5).unwrap();
        let part = linli::partition::partition(&blocks, &s, &cfg, seed);
        let ids: Vec<String> = part.neighborhoods.iter().map(|n| n.id.clone()).collect();
        let d = linli::redraw::perturb::Defects { merges, splits, shifts, gaps, overlaps };
        let (grid, _) = linli::redraw::perturb::perturb(&blocks, &part, &ids, d, seed);
        let r = redraw(&s, &grid, &cfg, 1).unwrap();
        assert_tiles(&s, &r);
        let after: Vec<Parcel> = r.planned.grid();
        let a = audit(&s, &after, &cfg).unwrap();
        prop_assert_eq!((a.overall.gaps, a.overall.overlaps, a.overall.multi_part), (0, 0, 0));
        prop_assert_eq!(a.overall.crossing_border, 0);
    }
}
