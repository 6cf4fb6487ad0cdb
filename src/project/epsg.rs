//! The EPSG codes the pure-Rust engine knows.
//!
//! Only definitions that are exactly a transverse Mercator on WGS84 or on the
//! CGCS2000 ellipsoid (= GRS80) are listed, so no datum shift is needed:
//!
//! | codes | CRS | central meridian | false easting |
//! | --- | --- | --- | --- |
//! | 4326, 4490 | WGS 84, CGCS2000 geographic 2D | – | – |
//! | 4491–4501 | CGCS2000 / Gauss-Kruger zone 13–23 (6°) | 6·zone − 3 (75°E–135°E) | zone·10⁶ + 500 000 |
//! | 4502–4512 | CGCS2000 / Gauss-Kruger CM 75E–135E (6°) | 75°E + 6°·i | 500 000 |
//! | 4513–4533 | CGCS2000 / 3-degree Gauss-Kruger zone 25–45 | 3·zone (75°E–135°E) | zone·10⁶ + 500 000 |
//! | 4534–4554 | CGCS2000 / 3-degree Gauss-Kruger CM 75E–135E | 75°E + 3°·i | 500 000 |
//! | 32601–32660 | WGS 84 / UTM zone 1N–60N | 6·zone − 183 | 500 000 |
//! | 32701–32760 | WGS 84 / UTM zone 1S–60S | 6·zone − 183 | 500 000, FN 10 000 000 |
//!
//! All Gauss-Kruger codes have scale 1 on the central meridian and false
//! northing 0; UTM has scale 0.9996. Coordinates are read as
//! (easting, northing), the order GIS files store them in, even though the
//! EPSG database lists northing first for the CGCS2000 Gauss-Kruger CRSs.

use super::tmerc::Ellipsoid;

/// Human-readable summary of the built-in codes, used in error messages.
pub(crate) const SUPPORTED_SUMMARY: &str = "EPSG:4326 and EPSG:4490 (lon/lat), \
EPSG:4491–4501 (CGCS2000 6° Gauss-Kruger zones 13–23, zone prefix), \
EPSG:4502–4512 (CGCS2000 6° Gauss-Kruger CM 75E–135E), \
EPSG:4513–4533 (CGCS2000 3° Gauss-Kruger zones 25–45, zone prefix), \
EPSG:4534–4554 (CGCS2000 3° Gauss-Kruger CM 75E–135E), \
EPSG:32601–32660 and EPSG:32701–32760 (WGS 84 / UTM north and south)";

/// A transverse Mercator CRS from the built-in table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TmDef {
    pub code: u32,
    pub ellipsoid: Ellipsoid,
    /// Central meridian, degrees east.
    pub lon0: f64,
    pub k0: f64,
    pub false_easting: f64,
    pub false_northing: f64,
    /// The zone number carried in the false easting, if any.
    pub prefix_zone: Option<u32>,
}

/// A built-in EPSG definition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum EpsgDef {
    /// Geographic lon/lat on WGS 84 or CGCS2000.
    LonLat,
    /// A transverse Mercator grid.
    Tm(TmDef),
}

/// Looks a code up in the built-in table.
pub(crate) fn lookup(code: u32) -> Option<EpsgDef> {
    let gk = |lon0: f64, prefix_zone: Option<u32>| {
        let fe = prefix_zone.map_or(0.0, |z| f64::from(z) * 1e6) + 500_000.0;
        EpsgDef::Tm(TmDef {
            code,
            ellipsoid: Ellipsoid::GRS80,
            lon0,
            k0: 1.0,
            false_easting: fe,
            false_northing: 0.0,
            prefix_zone,
        })
    };
    let utm = |zone: u32, south: bool| {
        EpsgDef::Tm(TmDef {
            code,
            ellipsoid: Ellipsoid::WGS84,
            lon0: f64::from(zone) * 6.0 - 183.0,
            k0: 0.9996,
            false_easting: 500_000.0,
            false_northing: if south { 10_000_000.0 } else { 0.0 },
            prefix_zone: None,
        })
    };
    Some(match code {
        4326 | 4490 => EpsgDef::LonLat,
        4491..=4501 => {
            let zone = code - 4491 + 13;
            gk(f64::from(zone) * 6.0 - 3.0, Some(zone))
        }
        4502..=4512 => gk(75.0 + 6.0 * f64::from(code - 4502), None),
        4513..=4533 => {
            let zone = code - 4513 + 25;
            gk(f64::from(zone) * 3.0, Some(zone))
        }
        4534..=4554 => gk(75.0 + 3.0 * f64::from(code - 4534), None),
        32601..=32660 => utm(code - 32600, false),
        32701..=32760 => utm(code - 32700, true),
        _ => return None,
    })
}

/// The built-in transverse Mercator code with these parameters (on the
/// CGCS2000 ellipsoid, else WGS 84): 3° Gauss-Krüger first, then 6°, then
/// UTM. Grids with the same parameters (a 6° and a 3° central meridian
/// that coincide) are the same projection; the 3° code is given.
pub(crate) fn find_tm(cgcs2000: bool, lon0: f64, k0: f64, fe: f64, fn_: f64) -> Option<u32> {
    let codes = (4534..=4554)
        .chain(4513..=4533)
        .chain(4502..=4512)
        .chain(4491..=4501)
        .chain(32601..=32660)
        .chain(32701..=32760);
    codes.into_iter().find(|&code| match lookup(code) {
        Some(EpsgDef::Tm(d)) => {
            (d.ellipsoid == Ellipsoid::GRS80) == cgcs2000
                && (d.lon0 - lon0).abs() < 1e-9
                && (d.k0 - k0).abs() < 1e-9
                && (d.false_easting - fe).abs() < 1e-3
                && (d.false_northing - fn_).abs() < 1e-3
        }
        _ => false,
    })
}

/// EPSG code of CGCS2000 3° Gauss-Kruger zone `zone` (25–45) with the zone prefix.
pub(crate) fn gk3_prefixed(zone: u32) -> Option<u32> {
    (25..=45).contains(&zone).then(|| 4513 + zone - 25)
}

/// EPSG code of CGCS2000 6° Gauss-Kruger zone `zone` (13–23) with the zone prefix.
pub(crate) fn gk6_prefixed(zone: u32) -> Option<u32> {
    (13..=23).contains(&zone).then(|| 4491 + zone - 13)
}

/// The code of the same CGCS2000 grid with the zone prefix added or removed.
pub(crate) fn prefix_twin(code: u32) -> Option<u32> {
    match code {
        4491..=4501 => Some(code + 11),
        4502..=4512 => Some(code - 11),
        4513..=4533 => Some(code + 21),
        4534..=4554 => Some(code - 21),
        _ => None,
    }
}

/// The EPSG name of a built-in code, e.g. "CGCS2000 / 3-degree Gauss-Kruger zone 40".
pub(crate) fn name(code: u32) -> Option<String> {
    Some(match code {
        4326 => "WGS 84".to_owned(),
        4490 => "China Geodetic Coordinate System 2000".to_owned(),
        4491..=4501 => format!("CGCS2000 / Gauss-Kruger zone {}", code - 4491 + 13),
        4502..=4512 => format!("CGCS2000 / Gauss-Kruger CM {}E", 75 + 6 * (code - 4502)),
        4513..=4533 => format!("CGCS2000 / 3-degree Gauss-Kruger zone {}", code - 4513 + 25),
        4534..=4554 => format!(
            "CGCS2000 / 3-degree Gauss-Kruger CM {}E",
            75 + 3 * (code - 4534)
        ),
        32601..=32660 => format!("WGS 84 / UTM zone {}N", code - 32600),
        32701..=32760 => format!("WGS 84 / UTM zone {}S", code - 32700),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tm(code: u32) -> TmDef {
        match lookup(code) {
            Some(EpsgDef::Tm(d)) => d,
            other => panic!("EPSG:{code}: {other:?}"),
        }
    }

    #[test]
    fn table_edges() {
        assert_eq!(lookup(4326), Some(EpsgDef::LonLat));
        assert_eq!(lookup(4490), Some(EpsgDef::LonLat));
        assert_eq!(lookup(4490 + 65), None);
        assert_eq!(lookup(4489), None);
        assert_eq!(lookup(32600), None);
        assert_eq!(lookup(32661), None);
        assert_eq!(lookup(32700), None);
        assert_eq!(lookup(32761), None);

        let d = tm(4491);
        assert_eq!(
            (d.lon0, d.false_easting, d.prefix_zone),
            (75.0, 13_500_000.0, Some(13))
        );
        let d = tm(4501);
        assert_eq!((d.lon0, d.false_easting), (135.0, 23_500_000.0));
        assert_eq!((tm(4502).lon0, tm(4502).false_easting), (75.0, 500_000.0));
        assert_eq!(tm(4512).lon0, 135.0);
        let d = tm(4513);
        assert_eq!(
            (d.lon0, d.false_easting, d.prefix_zone),
            (75.0, 25_500_000.0, Some(25))
        );
        let d = tm(4528);
        assert_eq!((d.lon0, d.false_easting), (120.0, 40_500_000.0));
        assert_eq!(tm(4533).lon0, 135.0);
        assert_eq!((tm(4534).lon0, tm(4534).false_easting), (75.0, 500_000.0));
        assert_eq!(tm(4549).lon0, 120.0);
        assert_eq!(tm(4554).lon0, 135.0);
        for code in 4491..=4554 {
            let d = tm(code);
            assert_eq!(d.ellipsoid, Ellipsoid::GRS80);
            assert_eq!((d.k0, d.false_northing), (1.0, 0.0));
        }
        let d = tm(32601);
        assert_eq!((d.lon0, d.k0, d.false_northing), (-177.0, 0.9996, 0.0));
        assert_eq!(tm(32650).lon0, 117.0);
        assert_eq!(tm(32660).lon0, 177.0);
        let d = tm(32735);
        assert_eq!((d.lon0, d.false_northing), (27.0, 10_000_000.0));
        assert_eq!(d.ellipsoid, Ellipsoid::WGS84);
    }

    #[test]
    fn twins_share_the_meridian() {
        for code in (4491..=4512).chain(4513..=4554) {
            let twin = prefix_twin(code).unwrap();
            assert_eq!(prefix_twin(twin), Some(code));
            assert_eq!(tm(code).lon0, tm(twin).lon0, "{code} {twin}");
            assert_ne!(
                tm(code).prefix_zone.is_some(),
                tm(twin).prefix_zone.is_some()
            );
        }
        assert_eq!(prefix_twin(4528), Some(4549));
        assert_eq!(prefix_twin(32650), None);
        assert_eq!(gk3_prefixed(40), Some(4528));
        assert_eq!(gk6_prefixed(20), Some(4498));
        assert_eq!(gk3_prefixed(24), None);
        assert_eq!(gk6_prefixed(24), None);
    }

    #[test]
    fn names() {
        assert_eq!(
            name(4528).unwrap(),
            "CGCS2000 / 3-degree Gauss-Kruger zone 40"
        );
        assert_eq!(
            name(4549).unwrap(),
            "CGCS2000 / 3-degree Gauss-Kruger CM 120E"
        );
        assert_eq!(name(4498).unwrap(), "CGCS2000 / Gauss-Kruger zone 20");
        assert_eq!(name(4509).unwrap(), "CGCS2000 / Gauss-Kruger CM 117E");
        assert_eq!(name(32750).unwrap(), "WGS 84 / UTM zone 50S");
        for code in 1..100_000 {
            assert_eq!(name(code).is_some(), lookup(code).is_some(), "{code}");
        }
    }
}
