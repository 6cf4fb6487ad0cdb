//! EPSG codes through PROJ (the `proj` cargo feature).
//!
//! `proj::Proj` holds raw PROJ pointers and is neither `Send` nor `Sync`, so
//! [`InputTransform`](super::InputTransform) keeps only the code and each
//! thread builds its own `Proj` on first use and caches it. That keeps the
//! public types `Send + Sync + Copy` whether or not the feature is on.
//!
//! `Proj::new_known_crs` normalises axis order for visualisation, so input
//! is (easting, northing) or (lon, lat) and output (lon, lat), as in the
//! pure-Rust engine.

use std::cell::RefCell;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use proj::Proj;

use super::ProjectionError;

/// The geographic CRS PROJ converts to and from.
const LONLAT: &str = "EPSG:4326";

thread_local! {
    /// (code, direction: true = lon/lat → code) → transformation.
    static CACHE: RefCell<HashMap<(u32, bool), Proj>> = RefCell::new(HashMap::new());
}

fn create(code: u32, from_lonlat: bool) -> Result<Proj, ProjectionError> {
    let crs = format!("EPSG:{code}");
    let made = if from_lonlat {
        Proj::new_known_crs(LONLAT, &crs, None)
    } else {
        Proj::new_known_crs(&crs, LONLAT, None)
    };
    made.map_err(|e| ProjectionError::Proj {
        code,
        message: e.to_string(),
    })
}

/// Runs `f` with this thread's cached transformation, creating it if needed.
fn with_proj<R>(
    code: u32,
    from_lonlat: bool,
    f: impl FnOnce(&Proj) -> R,
) -> Result<R, ProjectionError> {
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        let proj = match cache.entry((code, from_lonlat)) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(create(code, from_lonlat)?),
        };
        Ok(f(proj))
    })
}

/// Checks that PROJ knows `code` and can convert it both ways.
pub(crate) fn check(code: u32) -> Result<(), ProjectionError> {
    with_proj(code, false, |_| ())?;
    with_proj(code, true, |_| ())
}

/// (x, y) in EPSG:`code` → (lon, lat).
pub(crate) fn to_lonlat(code: u32, x: f64, y: f64) -> Result<(f64, f64), ProjectionError> {
    with_proj(code, false, |p| p.convert((x, y)))?.map_err(|e| ProjectionError::Proj {
        code,
        message: e.to_string(),
    })
}

/// (lon, lat) → (x, y) in EPSG:`code`.
pub(crate) fn from_lonlat(code: u32, lon: f64, lat: f64) -> Result<(f64, f64), ProjectionError> {
    with_proj(code, true, |p| p.convert((lon, lat)))?.map_err(|e| ProjectionError::Proj {
        code,
        message: e.to_string(),
    })
}
