//! The coordinate layer: local plane accuracy, built-in EPSG grids, CRS parsing.

use geo::{Distance, Geodesic, Point};
use linli::project::{
    Crs, Ellipsoid, InputTransform, LocalPlane, ProjectionError, Projector, TransverseMercator,
    crs_hint, looks_projected, suggest_epsg,
};
use proptest::prelude::*;

/// Metres per degree of latitude, close enough to turn angle errors into lengths.
const M_PER_DEG: f64 = 111_320.0;

/// Ground distance (m) between two lon/lat points, from their angle difference.
fn angle_error_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let dlat = (a.1 - b.1) * M_PER_DEG;
    // -180 and 180 are the same meridian.
    let dlon = (a.0 - b.0 + 180.0).rem_euclid(360.0) - 180.0;
    let dlon = dlon * M_PER_DEG * a.1.to_radians().cos();
    dlat.hypot(dlon)
}

/// Origins: Nantong, Helsinki, Harbin, Sanya, Urumqi.
const ORIGINS: [(f64, f64); 5] = [
    (120.9, 32.0),
    (24.94, 60.17),
    (126.63, 45.75),
    (109.51, 18.25),
    (87.62, 43.83),
];

#[test]
fn local_plane_round_trip_within_50km() {
    let mut worst_plane = 0.0_f64;
    let mut worst_ground = 0.0_f64;
    for &(lon0, lat0) in &ORIGINS {
        let plane = LocalPlane::new(lon0, lat0);
        assert_eq!(plane.forward(lon0, lat0), (0.0, 0.0));
        for i in -10..=10 {
            for j in -10..=10 {
                // metres → lon/lat → metres
                let (x, y) = (f64::from(i) * 5_000.0, f64::from(j) * 5_000.0);
                let (lon, lat) = plane.inverse(x, y);
                let (x2, y2) = plane.forward(lon, lat);
                worst_plane = worst_plane.max((x2 - x).hypot(y2 - y));
                // lon/lat → metres → lon/lat, over ±0.45° (≈ ±50 km north-south)
                let ll = (
                    lon0 + f64::from(i) * 0.045 / lat0.to_radians().cos(),
                    lat0 + f64::from(j) * 0.045,
                );
                let (x, y) = plane.forward(ll.0, ll.1);
                let back = plane.inverse(x, y);
                worst_ground = worst_ground.max(angle_error_m(ll, back));
            }
        }
    }
    println!(
        "local plane round trip: worst {worst_plane:.3e} m (plane), {worst_ground:.3e} m (ground)"
    );
    assert!(worst_plane < 0.01, "{worst_plane}");
    assert!(worst_ground < 0.01, "{worst_ground}");
    // Measured: about 1e-8 m; anything near a millimetre means a broken series.
    assert!(worst_plane < 1e-6 && worst_ground < 1e-6);
}

#[test]
fn local_plane_distances_match_geodesic() {
    let mut worst = 0.0_f64;
    for &(lon0, lat0) in &ORIGINS {
        let plane = LocalPlane::new(lon0, lat0);
        // A 30 km district: points on a 7 × 7 grid from −15 km to +15 km.
        let mut pts = Vec::new();
        for i in -3..=3 {
            for j in -3..=3 {
                pts.push(plane.inverse(f64::from(i) * 5_000.0, f64::from(j) * 5_000.0));
            }
        }
        for (a, p) in pts.iter().enumerate() {
            for q in &pts[a + 1..] {
                let geodesic = Geodesic.distance(Point::new(p.0, p.1), Point::new(q.0, q.1));
                let (x1, y1) = plane.forward(p.0, p.1);
                let (x2, y2) = plane.forward(q.0, q.1);
                let planar = (x2 - x1).hypot(y2 - y1);
                let rel = (planar - geodesic).abs() / geodesic;
                worst = worst.max(rel);
            }
        }
    }
    println!(
        "local plane distance error over a 30 km district: worst {:.2e} relative",
        worst
    );
    assert!(worst < 1e-3, "{worst}");
    // Theory: scale error ≤ x²/(2R²) = 2.8e-6 at 15 km from the origin's meridian.
    assert!(worst < 5e-6, "{worst}");
}

#[test]
fn local_plane_scale_is_one_on_the_origin_meridian() {
    let plane = LocalPlane::new(120.9, 32.0);
    for lat in [31.5, 32.0, 32.5] {
        assert!((plane.scale(120.9, lat) - 1.0).abs() < 1e-12);
    }
    // 30 km east: k ≈ 1 + x²/2R² ≈ 1.0000111
    let (lon, lat) = plane.inverse(30_000.0, 0.0);
    let k = plane.scale(lon, lat);
    assert!(
        (k - 1.0 - 30_000f64.powi(2) / (2.0 * 6_371_000f64.powi(2))).abs() < 2e-7,
        "{k}"
    );
}

fn utm(code: u32) -> InputTransform {
    InputTransform::builtin(&Crs::Epsg(code)).unwrap()
}

fn close(a: (f64, f64), b: (f64, f64), tol: f64) -> bool {
    (a.0 - b.0).abs() <= tol && (a.1 - b.1).abs() <= tol
}

#[test]
fn utm_known_points() {
    // Equator on the central meridian of zone 50.
    let (e, n) = utm(32650).from_lonlat(117.0, 0.0).unwrap();
    assert!(close((e, n), (500_000.0, 0.0), 1e-9), "{e} {n}");
    let (e, n) = utm(32750).from_lonlat(117.0, 0.0).unwrap();
    assert!(close((e, n), (500_000.0, 10_000_000.0), 1e-9), "{e} {n}");
    assert!(close(
        utm(32650).to_lonlat(500_000.0, 0.0).unwrap(),
        (117.0, 0.0),
        1e-12
    ));
    // GeographicLib's GeoConvert documentation: 33.3N 44.4E → 38n 444140.54 3684706.36.
    let (e, n) = utm(32638).from_lonlat(44.4, 33.3).unwrap();
    assert!(close((e, n), (444_140.54, 3_684_706.36), 0.006), "{e} {n}");
    // PROJ's quick start: `echo 12 55 | proj +proj=utm +zone=32 +ellps=GRS80`
    // → 691875.63 6098907.83 (691875.632140 6098907.825005 with -f %.6f).
    let tm = TransverseMercator::new(Ellipsoid::GRS80, 9.0, 0.9996);
    let (x, y) = tm.forward(12.0, 55.0);
    assert!(
        close(
            (x + 500_000.0, y),
            (691_875.632_140, 6_098_907.825_005),
            1e-5
        ),
        "{x} {y}"
    );
    // Helsinki in UTM 35N, from PROJ 9.1.1 (cs2cs EPSG:4326 EPSG:32635).
    let (e, n) = utm(32635).from_lonlat(24.94, 60.17).unwrap();
    assert!(
        close((e, n), (385_700.421_386, 6_672_126.743_134), 1e-5),
        "{e} {n}"
    );
}

#[test]
fn central_meridian_maps_to_false_easting() {
    for code in [
        32601, 32631, 32650, 32660, 32701, 32735, 32760, 4491, 4501, 4508, 4513, 4528, 4549,
    ] {
        let t = utm(code);
        let (lon0, south) = central_meridian(code);
        let fe = false_easting(code);
        for lat in [0.0, 10.0, 32.0, 45.0, 60.0, 79.0] {
            let lat = if south { -lat } else { lat };
            let (e, _) = t.from_lonlat(lon0, lat).unwrap();
            assert_eq!(e, fe, "EPSG:{code} lat {lat}");
        }
    }
}

/// Central meridian and hemisphere, from the EPSG definitions.
fn central_meridian(code: u32) -> (f64, bool) {
    match code {
        4491..=4501 => (f64::from(code - 4491 + 13) * 6.0 - 3.0, false),
        4502..=4512 => (75.0 + 6.0 * f64::from(code - 4502), false),
        4513..=4533 => (f64::from(code - 4513 + 25) * 3.0, false),
        4534..=4554 => (75.0 + 3.0 * f64::from(code - 4534), false),
        32601..=32660 => (f64::from(code - 32600) * 6.0 - 183.0, false),
        32701..=32760 => (f64::from(code - 32700) * 6.0 - 183.0, true),
        _ => unreachable!(),
    }
}

fn false_easting(code: u32) -> f64 {
    match code {
        4491..=4501 => f64::from(code - 4491 + 13) * 1e6 + 500_000.0,
        4513..=4533 => f64::from(code - 4513 + 25) * 1e6 + 500_000.0,
        _ => 500_000.0,
    }
}

#[test]
fn scale_on_central_meridian_is_k0() {
    // From the projection's own point scale …
    let tm = TransverseMercator::new(Ellipsoid::WGS84, 117.0, 0.9996);
    for lat in [0.0, 20.0, 40.0, 70.0] {
        assert!((tm.scale(117.0, lat) - 0.9996).abs() < 1e-12);
    }
    // … and from a 1 km step along the meridian against the geodesic.
    let t = utm(32650);
    let (e1, n1) = t.from_lonlat(117.0, 40.0).unwrap();
    let (e2, n2) = t.from_lonlat(117.0, 40.009).unwrap();
    let ground = Geodesic.distance(Point::new(117.0, 40.0), Point::new(117.0, 40.009));
    let k = (e2 - e1).hypot(n2 - n1) / ground;
    assert!((k - 0.9996).abs() < 1e-9, "{k}");
    // Gauss-Kruger: k0 = 1.
    let t = utm(4549);
    let (_, n1) = t.from_lonlat(120.0, 32.0).unwrap();
    let (_, n2) = t.from_lonlat(120.0, 32.009).unwrap();
    let ground = Geodesic.distance(Point::new(120.0, 32.0), Point::new(120.0, 32.009));
    assert!(((n2 - n1) / ground - 1.0).abs() < 1e-7);
}

#[test]
fn eastings_are_symmetric_about_the_central_meridian() {
    for code in [32650, 32735, 4528, 4549, 4498] {
        let t = utm(code);
        let (lon0, south) = central_meridian(code);
        let fe = false_easting(code);
        for d in [0.1, 0.7, 1.5, 3.0] {
            let lat = if south { -25.0 } else { 32.0 };
            let (e_east, n_east) = t.from_lonlat(lon0 + d, lat).unwrap();
            let (e_west, n_west) = t.from_lonlat(lon0 - d, lat).unwrap();
            assert!(((e_east - fe) - (fe - e_west)).abs() < 1e-6, "{code} {d}");
            assert!((n_east - n_west).abs() < 1e-6, "{code} {d}");
            assert!(e_east > fe && e_west < fe);
        }
    }
}

#[test]
fn gk_zone_40_and_cm_120e_differ_by_the_prefix() {
    let zone40 = InputTransform::builtin(&"EPSG:4528".parse().unwrap()).unwrap();
    let cm120 = InputTransform::builtin(&"EPSG:4549".parse().unwrap()).unwrap();
    for &(lon, lat) in &[(120.9, 32.0), (118.6, 24.9), (121.47, 31.23), (119.0, 40.0)] {
        let (e40, n40) = zone40.from_lonlat(lon, lat).unwrap();
        let (e, n) = cm120.from_lonlat(lon, lat).unwrap();
        assert!((e40 - 40_000_000.0 - e).abs() < 1e-7, "{e40} {e}");
        assert_eq!(n40, n);
        let a = zone40.to_lonlat(e40, n40).unwrap();
        let b = cm120.to_lonlat(e, n).unwrap();
        assert!(close(a, b, 1e-12) && close(a, (lon, lat), 1e-11));
    }
    // Nantong, from PROJ 9.1.1 (cs2cs EPSG:4490 EPSG:4549 with 32 120.9).
    let (e, n) = cm120.from_lonlat(120.9, 32.0).unwrap();
    assert!(
        close((e, n), (585_045.372_901, 3_542_206.408_897), 1e-5),
        "{e} {n}"
    );
}

#[test]
fn input_transform_round_trips_for_every_builtin_code() {
    let codes = (4491..=4554).chain(32601..=32660).chain(32701..=32760);
    let mut worst = 0.0_f64;
    let mut n_codes = 0;
    for code in codes {
        n_codes += 1;
        let t = InputTransform::new(&Crs::Epsg(code)).unwrap();
        assert!(!t.is_lonlat());
        let (lon0, south) = central_meridian(code);
        let half_width = if (4513..=4554).contains(&code) {
            1.5
        } else {
            3.0
        };
        for lat in [5.0, 25.0, 45.0, 70.0] {
            let lat = if south { -lat } else { lat };
            for d in [-half_width, -0.3, 0.0, 0.3, half_width] {
                let ll = (lon0 + d, lat);
                let (e, n) = t.from_lonlat(ll.0, ll.1).unwrap();
                let back = t.to_lonlat(e, n).unwrap();
                worst = worst.max(angle_error_m(ll, back));
            }
        }
    }
    assert_eq!(n_codes, 184);
    println!("InputTransform round trip over {n_codes} codes: worst {worst:.3e} m");
    assert!(worst < 1e-6, "{worst}");
}

#[test]
fn lonlat_input_is_the_identity() {
    for crs in [Crs::LonLat, Crs::Epsg(4326), Crs::Epsg(4490)] {
        let t = InputTransform::new(&crs).unwrap();
        assert!(t.is_lonlat());
        assert_eq!(t.to_lonlat(120.9, 32.0).unwrap(), (120.9, 32.0));
        assert_eq!(t.from_lonlat(120.9, 32.0).unwrap(), (120.9, 32.0));
    }
}

#[test]
fn projector_agrees_across_input_crs() {
    let (lon0, lat0) = (120.9, 32.0);
    let ll = Projector::new(&Crs::LonLat, lon0, lat0).unwrap();
    let gk = Projector::new(&Crs::Epsg(4549), lon0, lat0).unwrap();
    let gk40 = Projector::new(&Crs::Epsg(4528), lon0, lat0).unwrap();
    let utm51 = Projector::new(&Crs::Epsg(32651), lon0, lat0).unwrap();
    let to_gk = InputTransform::new(&Crs::Epsg(4549)).unwrap();
    let to_utm = InputTransform::new(&Crs::Epsg(32651)).unwrap();
    for &(lon, lat) in &[(120.9, 32.0), (120.75, 31.9), (121.1, 32.2)] {
        let expect = ll.to_plane(lon, lat).unwrap();
        let (e, n) = to_gk.from_lonlat(lon, lat).unwrap();
        assert!(close(gk.to_plane(e, n).unwrap(), expect, 1e-6));
        assert!(close(gk40.to_plane(e + 40e6, n).unwrap(), expect, 1e-6));
        let (e, n) = to_utm.from_lonlat(lon, lat).unwrap();
        assert!(close(utm51.to_plane(e, n).unwrap(), expect, 1e-6));
        let (e, n) = to_gk.from_lonlat(lon, lat).unwrap();
        let (x, y) = gk.to_plane(e, n).unwrap();
        assert!(close(gk.to_lonlat(x, y), (lon, lat), 1e-11));
    }
    assert_eq!(gk.origin(), (lon0, lat0));
}

#[test]
fn crs_parsing() {
    let parse = |s: &str| s.parse::<Crs>();
    assert_eq!(parse("EPSG:4547").unwrap(), Crs::Epsg(4547));
    assert_eq!(parse("epsg:4326").unwrap(), Crs::LonLat);
    assert_eq!(parse("4326").unwrap(), Crs::LonLat);
    assert_eq!(parse("4490").unwrap(), Crs::LonLat);
    assert_eq!(parse("EPSG:4490").unwrap(), Crs::LonLat);
    assert_eq!(parse("lonlat").unwrap(), Crs::LonLat);
    assert_eq!(parse("WGS84").unwrap(), Crs::LonLat);
    assert_eq!(parse("CGCS2000").unwrap(), Crs::LonLat);
    assert_eq!(parse("32650").unwrap(), Crs::Epsg(32650));
    assert_eq!(
        parse("urn:ogc:def:crs:EPSG::4528").unwrap(),
        Crs::Epsg(4528)
    );
    let err = parse("EPSG:foo").unwrap_err();
    assert!(matches!(err, ProjectionError::InvalidCrs { ref input } if input == "EPSG:foo"));
    assert!(err.to_string().contains("EPSG:foo"));
    assert!(parse("Beijing54").is_err());
    assert_eq!(Crs::default(), Crs::LonLat);
    assert_eq!(Crs::Epsg(4528).to_string(), "EPSG:4528");
    assert_eq!(
        Crs::Epsg(4549).name().unwrap(),
        "CGCS2000 / 3-degree Gauss-Kruger CM 120E"
    );
}

#[test]
fn unsupported_codes_are_errors_naming_the_code() {
    // Xian 1980 / 3-degree Gauss-Kruger CM 120E: another datum, not built in.
    let err = InputTransform::builtin(&Crs::Epsg(2385)).unwrap_err();
    assert_eq!(err, ProjectionError::UnsupportedEpsg { code: 2385 });
    let msg = err.to_string();
    assert!(msg.contains("EPSG:2385"), "{msg}");
    assert!(msg.contains("4534") && msg.contains("32601"), "{msg}");
    assert!(msg.contains("--features proj"), "{msg}");
    for code in [3857, 4214, 4555, 4490 + 65, 32661, 32700, 32761] {
        assert!(InputTransform::builtin(&Crs::Epsg(code)).is_err(), "{code}");
    }
    #[cfg(not(feature = "proj"))]
    {
        assert!(matches!(
            InputTransform::new(&Crs::Epsg(2385)),
            Err(ProjectionError::UnsupportedEpsg { code: 2385 })
        ));
        assert!(Projector::new(&Crs::Epsg(3857), 120.9, 32.0).is_err());
    }
}

#[test]
fn bad_coordinates_are_errors() {
    let ll = InputTransform::new(&Crs::LonLat).unwrap();
    let err = ll.to_lonlat(585_045.0, 3_542_206.0).unwrap_err();
    assert!(matches!(err, ProjectionError::NotLonLat { .. }));
    assert!(err.to_string().contains("--crs EPSG:"), "{err}");
    assert!(matches!(
        ll.to_lonlat(f64::INFINITY, 0.0),
        Err(ProjectionError::NonFinite { .. })
    ));
    let gk40 = InputTransform::builtin(&Crs::Epsg(4528)).unwrap();
    let err = gk40.to_lonlat(585_045.0, 3_542_206.0).unwrap_err();
    assert!(matches!(
        err,
        ProjectionError::OutOfRange { code: 4528, .. }
    ));
    assert!(err.to_string().contains("EPSG:4549"), "{err}");
    let utm = InputTransform::builtin(&Crs::Epsg(32650)).unwrap();
    assert!(utm.to_lonlat(500_000.0, 12_000_000.0).is_err());
    assert!(utm.to_lonlat(39_500_000.0, 3_000_000.0).is_err());
    assert!(Projector::new(&Crs::LonLat, f64::NAN, 0.0).is_err());
}

#[test]
fn hints_for_projected_looking_input() {
    assert!(looks_projected(585_045.0, 3_542_206.0));
    assert!(looks_projected(181.0, 0.0));
    assert!(looks_projected(0.0, -90.5));
    assert!(!looks_projected(-180.0, 90.0));
    // CGCS2000 3° zones 25..45 → EPSG:4513..4533.
    assert_eq!(suggest_epsg(25_500_000.0, 4_000_000.0), Some(4513));
    assert_eq!(suggest_epsg(40_585_045.0, 3_542_206.0), Some(4528));
    assert_eq!(suggest_epsg(39_420_000.0, 3_542_206.0), Some(4527));
    assert_eq!(suggest_epsg(45_400_000.0, 5_000_000.0), Some(4533));
    // CGCS2000 6° zones 13..23 → EPSG:4491..4501.
    assert_eq!(suggest_epsg(13_500_000.0, 4_000_000.0), Some(4491));
    assert_eq!(suggest_epsg(21_300_000.0, 3_542_206.0), Some(4499));
    assert_eq!(suggest_epsg(23_500_000.0, 5_000_000.0), Some(4501));
    // No prefix, or an impossible one: no guess.
    assert_eq!(suggest_epsg(585_045.0, 3_542_206.0), None);
    assert_eq!(suggest_epsg(24_500_000.0, 3_542_206.0), None);
    assert_eq!(suggest_epsg(46_500_000.0, 3_542_206.0), None);
    assert_eq!(suggest_epsg(40_950_000.0, 3_542_206.0), None);
    assert_eq!(suggest_epsg(40_500_000.0, -100.0), None);
    assert_eq!(suggest_epsg(120.9, 32.0), None);
    assert!(
        crs_hint(40_585_045.0, 3_542_206.0)
            .unwrap()
            .contains("EPSG:4528")
    );
    assert!(
        crs_hint(585_045.0, 3_542_206.0)
            .unwrap()
            .contains("EPSG:4549")
    );
    assert!(crs_hint(120.9, 32.0).is_none());
}

#[test]
fn projector_is_shareable_across_threads() {
    let p = Projector::new(&Crs::Epsg(4549), 120.9, 32.0).unwrap();
    let results: Vec<(f64, f64)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let p = &p;
                s.spawn(move || p.to_plane(585_045.0 + f64::from(i), 3_542_206.0).unwrap())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let base = p.to_plane(585_045.0, 3_542_206.0).unwrap();
    for (i, r) in results.iter().enumerate() {
        // 1 m apart per thread index; the two grids are rotated by about 0.5°.
        let d = (r.0 - base.0).hypot(r.1 - base.1);
        assert!((d - i as f64).abs() < 1e-3, "{r:?}");
    }
}

/// With PROJ available the built-in engine must agree with it.
#[cfg(feature = "proj")]
#[test]
fn builtin_engine_matches_proj() {
    let mut worst = 0.0_f64;
    for code in (4491..=4554).chain([32635, 32650, 32651, 32735]) {
        let ours = InputTransform::builtin(&Crs::Epsg(code)).unwrap();
        let theirs = InputTransform::new(&Crs::Epsg(code)).unwrap();
        let (lon0, south) = central_meridian(code);
        for lat in [20.0, 32.0, 45.0, 60.0] {
            let lat = if south { -lat } else { lat };
            for d in [-1.5, -0.4, 0.0, 0.9, 1.5] {
                let a = ours.from_lonlat(lon0 + d, lat).unwrap();
                let b = theirs.from_lonlat(lon0 + d, lat).unwrap();
                worst = worst.max((a.0 - b.0).hypot(a.1 - b.1));
                let la = ours.to_lonlat(a.0, a.1).unwrap();
                let lb = theirs.to_lonlat(a.0, a.1).unwrap();
                worst = worst.max(angle_error_m(la, lb));
            }
        }
    }
    println!("built-in vs PROJ: worst {worst:.3e} m");
    assert!(worst < 1e-3, "{worst}");
}

#[cfg(feature = "proj")]
#[test]
fn proj_feature_accepts_other_codes() {
    // Xian 1980 / 3-degree Gauss-Kruger CM 120E goes through PROJ.
    let t = InputTransform::new(&Crs::Epsg(2385)).unwrap();
    let (lon, lat) = t.to_lonlat(500_000.0, 3_540_000.0).unwrap();
    assert!(
        (lon - 120.0).abs() < 0.01 && (lat - 32.0).abs() < 0.1,
        "{lon} {lat}"
    );
    assert!(matches!(
        InputTransform::new(&Crs::Epsg(999_999)),
        Err(ProjectionError::Proj { code: 999_999, .. })
    ));
}

proptest! {
    #[test]
    fn prop_round_trip_near_chinese_origins(
        lon0 in 75.0f64..135.0,
        lat0 in 18.0f64..53.0,
        dx in -50_000.0f64..50_000.0,
        dy in -50_000.0f64..50_000.0,
    ) {
        let p = Projector::new(&Crs::LonLat, lon0, lat0).unwrap();
        let (lon, lat) = p.to_lonlat(dx, dy);
        let (x, y) = p.to_plane(lon, lat).unwrap();
        prop_assert!((x - dx).hypot(y - dy) < 1e-6);
    }

    #[test]
    fn prop_gk_round_trip(zone in 25u32..=45, de in -170_000.0f64..170_000.0, n in 2_000_000.0f64..6_000_000.0) {
        let t = InputTransform::builtin(&Crs::Epsg(4513 + zone - 25)).unwrap();
        let e = f64::from(zone) * 1e6 + 500_000.0 + de;
        let (lon, lat) = t.to_lonlat(e, n).unwrap();
        prop_assert!((lon - 3.0 * f64::from(zone)).abs() < 3.0);
        let (e2, n2) = t.from_lonlat(lon, lat).unwrap();
        prop_assert!((e2 - e).abs() < 1e-6 && (n2 - n).abs() < 1e-6);
    }
}

/// GCJ-02 input (`--datum gcj02`) lands on the same plane point as the WGS 84
/// original, and GCJ-02 output (`--output-datum gcj02`) is the forward shift.
#[test]
fn gcj02_datum_round_trips_through_the_projector() {
    use linli::project::{Crs, Projector, gcj02};
    let wgs = Projector::new(&Crs::LonLat, 116.33, 39.99).unwrap();
    let from_gcj = wgs.clone().with_gcj02(true, false);
    let to_gcj = wgs.clone().with_gcj02(false, true);
    for (lon, lat) in [(116.30, 39.98), (116.35, 40.01), (120.9, 32.0)] {
        let (gl, gt) = gcj02::wgs84_to_gcj02(lon, lat);
        // The shift is hundreds of metres in China.
        let (x0, y0) = wgs.to_plane(lon, lat).unwrap();
        let (x1, y1) = from_gcj.to_plane(gl, gt).unwrap();
        assert!(
            (x0 - x1).abs() < 1e-3 && (y0 - y1).abs() < 1e-3,
            "{lon} {lat}"
        );
        let (ol, ot) = to_gcj.to_lonlat(x0, y0);
        assert!((ol - gl).abs() < 1e-9 && (ot - gt).abs() < 1e-9);
        let moved = wgs.to_plane(gl, gt).unwrap();
        assert!((moved.0 - x0).hypot(moved.1 - y0) > 100.0);
    }
}

/// The fitted conversions (`Projector::fitted_to`, used by the reader over
/// the data's extent) stay within 0.1 µm (1e-12° for lon/lat) of the exact
/// ones everywhere in the box, for lon/lat, UTM, Gauss-Krüger and GCJ-02
/// input, from a block to a 60 km district; outside the box the exact
/// conversion is used.
#[test]
fn fitted_conversions_match_the_exact_ones() {
    use linli::project::{Crs, Projector, gcj02};
    // (crs, origin lon/lat, extent half-width in degrees, gcj02 input)
    let cases: [(&str, f64, f64, f64, bool); 6] = [
        ("EPSG:4326", 116.33, 39.99, 0.005, false),
        ("EPSG:4326", 120.9, 32.0, 0.3, false),
        ("EPSG:4326", 116.33, 39.99, 0.1, true),
        ("EPSG:32651", 121.45, 31.22, 0.07, false),
        ("EPSG:4549", 120.9, 32.0, 0.3, false),
        ("EPSG:32635", 24.94, 60.17, 0.1, false),
    ];
    for (code, lon, lat, half, gcj) in cases {
        let crs: Crs = code.parse().unwrap();
        let exact = Projector::new(&crs, lon, lat)
            .unwrap()
            .with_gcj02(gcj, false);
        let input = exact.input();
        // The extent in the input CRS.
        let corner = |dl: f64, dt: f64| {
            let (l, t) = if gcj {
                gcj02::wgs84_to_gcj02(lon + dl, lat + dt)
            } else {
                (lon + dl, lat + dt)
            };
            input.from_lonlat(l, t).unwrap()
        };
        let cs = [
            corner(-half, -half),
            corner(half, -half),
            corner(-half, half),
            corner(half, half),
        ];
        let lo = [
            cs.iter().map(|c| c.0).fold(f64::MAX, f64::min),
            cs.iter().map(|c| c.1).fold(f64::MAX, f64::min),
        ];
        let hi = [
            cs.iter().map(|c| c.0).fold(f64::MIN, f64::max),
            cs.iter().map(|c| c.1).fold(f64::MIN, f64::max),
        ];
        let fast = exact.clone().fitted_to(lo, hi);
        assert!(fast.is_fitted(), "{code} ±{half}°: no fit");
        let mut worst = (0.0f64, 0.0f64);
        for a in 0..=57 {
            for b in 0..=57 {
                let x = lo[0] + (hi[0] - lo[0]) * a as f64 / 57.0;
                let y = lo[1] + (hi[1] - lo[1]) * b as f64 / 57.0;
                let e = exact.to_plane(x, y).unwrap();
                let f = fast.to_plane(x, y).unwrap();
                worst.0 = worst.0.max((e.0 - f.0).abs()).max((e.1 - f.1).abs());
                let el = exact.to_lonlat(e.0, e.1);
                let fl = fast.to_lonlat(e.0, e.1);
                worst.1 = worst.1.max((el.0 - fl.0).abs()).max((el.1 - fl.1).abs());
            }
        }
        assert!(worst.0 <= 1e-7, "{code} ±{half}°: plane {:e} m", worst.0);
        assert!(worst.1 <= 1e-12, "{code} ±{half}°: lon/lat {:e}°", worst.1);
        // Far outside the box: the exact conversion, bit for bit.
        let far = (lo[0] - (hi[0] - lo[0]), hi[1] + (hi[1] - lo[1]));
        assert_eq!(exact.to_plane(far.0, far.1), fast.to_plane(far.0, far.1));
    }
}
