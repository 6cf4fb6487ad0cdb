//! GCJ-02, the obfuscated datum of Chinese web maps (AMap/Gaode, Tencent):
//! conversion to and from WGS 84.
//!
//! The forward transform is the published one (Krasovsky ellipsoid offsets
//! with the well-known trigonometric series); the inverse is found by fixed-
//! point iteration to 1e-9°. Outside China the datums coincide.

const A: f64 = 6_378_245.0;
const EE: f64 = 0.006_693_421_622_965_943;

/// Whether a point is in the area where GCJ-02 differs from WGS 84 (a box
/// around mainland China).
pub fn in_china(lon: f64, lat: f64) -> bool {
    (72.004..=137.8347).contains(&lon) && (0.8293..=55.8271).contains(&lat)
}

fn offset_lat(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn offset_lon(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// WGS 84 → GCJ-02 (degrees).
///
/// ```
/// // Tiananmen: a shift of a few hundred metres to the south-east.
/// let (lon, lat) = linli::project::gcj02::wgs84_to_gcj02(116.391_275, 39.907_23);
/// assert!((lon - 116.397_5).abs() < 1e-3 && (lat - 39.908_6).abs() < 1e-3);
/// assert_eq!(linli::project::gcj02::wgs84_to_gcj02(24.94, 60.17), (24.94, 60.17));
/// ```
pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if !in_china(lon, lat) {
        return (lon, lat);
    }
    let (x, y) = (lon - 105.0, lat - 35.0);
    let rad = lat.to_radians();
    let magic = 1.0 - EE * rad.sin() * rad.sin();
    let sq = magic.sqrt();
    let dlat = offset_lat(x, y) * 180.0 / ((A * (1.0 - EE)) / (magic * sq) * std::f64::consts::PI);
    let dlon = offset_lon(x, y) * 180.0 / (A / sq * rad.cos() * std::f64::consts::PI);
    (lon + dlon, lat + dlat)
}

/// GCJ-02 → WGS 84 (degrees), inverting [`wgs84_to_gcj02`] to 1e-9°.
///
/// ```
/// use linli::project::gcj02::{gcj02_to_wgs84, wgs84_to_gcj02};
/// let (g_lon, g_lat) = wgs84_to_gcj02(120.9, 32.0);
/// let (lon, lat) = gcj02_to_wgs84(g_lon, g_lat);
/// assert!((lon - 120.9).abs() < 1e-9 && (lat - 32.0).abs() < 1e-9);
/// ```
pub fn gcj02_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    if !in_china(lon, lat) {
        return (lon, lat);
    }
    let (mut w_lon, mut w_lat) = (lon, lat);
    for _ in 0..30 {
        let (g_lon, g_lat) = wgs84_to_gcj02(w_lon, w_lat);
        let (d_lon, d_lat) = (g_lon - lon, g_lat - lat);
        w_lon -= d_lon;
        w_lat -= d_lat;
        if d_lon.abs() < 1e-10 && d_lat.abs() < 1e-10 {
            break;
        }
    }
    (w_lon, w_lat)
}
