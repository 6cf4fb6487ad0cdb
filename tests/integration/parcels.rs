//! Ready-made blocks: a scenario's `blocks` layer (parcels with households)
//! replaces the polygonized blocks, adjacency comes from shared borders, and
//! neighborhoods still tile the community exactly.

use geo::{Area, LineString, MultiPolygon, Polygon, Validation};
use linli::blocks::build_blocks;
use linli::model::*;

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
    MultiPolygon(vec![Polygon::new(
        LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
        vec![],
    )])
}

fn scenario(parcels: Vec<Parcel>) -> Scenario {
    Scenario {
        communities: vec![Community {
            id: "C".into(),
            name: "C".into(),
            street: "S".into(),
            kind: CommunityKind::Urban,
            social_workers: None,
            area: rect(0.0, 0.0, 200.0, 100.0),
        }],
        // A road through the first parcel: it stays one block.
        barriers: vec![BarrierLine {
            line: vec![(100.0, -10.0), (100.0, 110.0)].into(),
            barrier: Barrier {
                level: 2,
                kind: BarrierKind::Road,
            },
        }],
        buildings: vec![Building {
            id: "b".into(),
            footprint: None,
            location: geo::Point::new(190.0, 50.0),
            households: 40,
            estimated: false,
            use_: "residential".into(),
        }],
        parcels,
        ..Default::default()
    }
}

#[test]
fn parcels_replace_polygonized_blocks() {
    let s = scenario(vec![
        Parcel {
            id: "P1".into(),
            area: rect(0.0, 0.0, 120.0, 100.0),
            households: Some(300),
        },
        Parcel {
            id: "P2".into(),
            area: rect(120.0, 0.0, 180.0, 100.0),
            households: Some(250),
        },
    ]);
    let set = build_blocks(&s, 0.05, 5).unwrap();
    // P1 (across the road), P2, and the uncovered strip 180–200 with the building.
    assert_eq!(
        set.blocks.len(),
        3,
        "{:?}",
        set.blocks.iter().map(|b| b.area).collect::<Vec<_>>()
    );
    let mut areas: Vec<f64> = set.blocks.iter().map(|b| b.area).collect();
    areas.sort_by(f64::total_cmp);
    assert_eq!(areas, vec![2_000.0, 6_000.0, 12_000.0]);
    let mut hh: Vec<u64> = set.blocks.iter().map(|b| b.households).collect();
    hh.sort_unstable();
    assert_eq!(hh, vec![40, 250, 300]);
    for b in &set.blocks {
        assert!(b.polygon.is_valid());
        assert!(
            (b.polygon.unsigned_area() - b.area).abs() < 1e-9,
            "{} polygon {} vs {}",
            b.id,
            b.polygon.unsigned_area(),
            b.area
        );
    }
    // P1–P2 and P2–strip touch; P1 and the strip do not.
    assert_eq!(set.adjacency.edge_count(), 2);
    let planned_tiles: f64 = set.blocks.iter().map(|b| b.area).sum();
    assert!((planned_tiles - s.communities[0].area.unsigned_area()).abs() < 1e-9);
}

#[test]
fn a_parcel_across_a_community_border_shares_its_households_by_area() {
    let mut s = scenario(vec![Parcel {
        id: "P".into(),
        area: rect(150.0, 0.0, 250.0, 100.0),
        households: Some(301),
    }]);
    s.communities.push(Community {
        id: "D".into(),
        name: "D".into(),
        street: "S".into(),
        kind: CommunityKind::Urban,
        social_workers: None,
        area: rect(200.0, 0.0, 300.0, 100.0),
    });
    let set = build_blocks(&s, 0.05, 5).unwrap();
    let parts: Vec<u64> = set
        .blocks
        .iter()
        .filter(|b| {
            b.polygon
                .exterior()
                .0
                .iter()
                .all(|c| c.x >= 150.0 && c.x <= 250.0)
        })
        .map(|b| b.households)
        .collect();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts.iter().sum::<u64>(), 301);
}
