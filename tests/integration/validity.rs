//! `linli::read::validity` gives geo's own verdict (and message) on every
//! polygon: random rings on a small integer lattice (so points repeat,
//! segments touch, overlap and cross), closed or not, short (every pair of
//! segments tested) and long (pairs found through the R-tree), with holes.

use geo::{Coord, LineString, Polygon, Validation};
use linli::read::validity::{check_polygon, plain_polygon_valid};
use proptest::prelude::*;

fn ring(pts: &[(i32, i32)], scale: f64) -> LineString<f64> {
    LineString(
        pts.iter()
            .map(|&(x, y)| Coord {
                x: x as f64 * scale,
                y: y as f64 * scale,
            })
            .collect(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_same_verdict_as_geo(
        pts in prop::collection::vec((0i32..5, 0i32..5), 0..9),
        scale in prop_oneof![Just(1.0f64), Just(0.1), Just(1e5)],
        nan in any::<bool>(),
    ) {
        let mut cs = ring(&pts, scale).0;
        if nan && cs.len() > 2 {
            cs[1].x = f64::NAN;
        }
        let p = Polygon::new(LineString(cs), vec![]);
        prop_assert_eq!(plain_polygon_valid(&p), Some(p.is_valid()), "{:?}", p);
        prop_assert_eq!(check_polygon(&p).is_ok(), p.is_valid(), "{:?}", p);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Long rings: a lattice walk that mostly stays simple (a staircase
    /// out and back) with a few random vertices that may break it.
    #[test]
    fn long_rings_get_the_same_verdict_and_message(
        steps in prop::collection::vec(0u8..2, 40..150),
        jolts in prop::collection::vec((0usize..300, -3i32..4, -3i32..4), 0..3),
    ) {
        // Up the staircase on one side, back down shifted right by one.
        let (mut x, mut y) = (0i32, 0i32);
        let mut up = vec![(x, y)];
        for s in &steps {
            if *s == 0 { x += 1 } else { y += 1 }
            up.push((x, y));
        }
        let mut pts = up.clone();
        pts.extend(up.iter().rev().map(|&(x, y)| (x + 2, y - 1)));
        for &(at, dx, dy) in &jolts {
            let k = at % pts.len();
            pts[k] = (pts[k].0 + dx, pts[k].1 + dy);
        }
        pts.push(pts[0]);
        let p = Polygon::new(ring(&pts, 1.0), vec![]);
        prop_assert_eq!(check_polygon(&p), p.check_validation(), "{:?}", p);
    }

    #[test]
    fn holes_get_the_same_verdict_and_message(
        outer in prop::collection::vec((0i32..12, 0i32..12), 3..7),
        holes in prop::collection::vec(prop::collection::vec((0i32..12, 0i32..12), 3..6), 1..3),
    ) {
        let p = Polygon::new(
            ring(&outer, 1.0),
            holes.iter().map(|h| ring(h, 1.0)).collect(),
        );
        prop_assert_eq!(check_polygon(&p), p.check_validation(), "{:?}", p);
    }
}

#[test]
fn holes_are_left_to_check_polygon() {
    let ring = |d: f64| LineString::from(vec![(d, d), (10.0 - d, d), (10.0 - d, 10.0 - d), (d, d)]);
    let p = Polygon::new(ring(0.0), vec![ring(2.0)]);
    assert_eq!(plain_polygon_valid(&p), None);
    assert_eq!(check_polygon(&p), p.check_validation());
}
