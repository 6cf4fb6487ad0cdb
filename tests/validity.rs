//! `linli::read::validity` gives geo's own verdict on every polygon it
//! answers for: random rings on a small integer lattice (so points repeat,
//! segments touch, overlap and cross), closed or not.

use geo::{Coord, LineString, Polygon, Validation};
use linli::read::validity::plain_polygon_valid;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_same_verdict_as_geo(
        pts in prop::collection::vec((0i32..5, 0i32..5), 0..9),
        scale in prop_oneof![Just(1.0f64), Just(0.1), Just(1e5)],
        nan in any::<bool>(),
    ) {
        let mut cs: Vec<Coord<f64>> = pts.iter().map(|&(x, y)| Coord { x: x as f64 * scale, y: y as f64 * scale }).collect();
        if nan && cs.len() > 2 {
            cs[1].x = f64::NAN;
        }
        let p = Polygon::new(LineString(cs), vec![]);
        prop_assert_eq!(plain_polygon_valid(&p), Some(p.is_valid()), "{:?}", p);
    }
}

#[test]
fn holes_are_left_to_geo() {
    let ring = |d: f64| LineString::from(vec![(d, d), (10.0 - d, d), (10.0 - d, 10.0 - d), (d, d)]);
    let p = Polygon::new(ring(0.0), vec![ring(2.0)]);
    assert_eq!(plain_polygon_valid(&p), None);
}
