//! The coordinate layer: input CRS → lon/lat → a local metric plane, and back.
//!
//! linli's algorithms work in metres on a [`LocalPlane`], a transverse
//! Mercator centred on the study area (scale 1 at its origin, distortion
//! below 0.01 % within 90 km of it). Inputs are lon/lat (WGS 84 or CGCS2000,
//! treated as the same datum: they agree to a few centimetres, far below what
//! neighbourhood planning needs) or a projected CRS named by its EPSG code;
//! outputs go back to lon/lat. [`Projector`] bundles the whole path.
//!
//! The default build converts with a pure-Rust Krüger-series transverse
//! Mercator ([`TransverseMercator`]) and a built-in table of EPSG codes: the
//! CGCS2000 Gauss-Kruger grids used across China and WGS 84 UTM. With the
//! `proj` cargo feature, any EPSG code PROJ knows is accepted instead.
//!
//! ```
//! use linli::project::{Crs, Projector};
//! let crs: Crs = "EPSG:4549".parse()?; // CGCS2000 3° Gauss-Kruger, CM 120°E
//! let p = Projector::new(&crs, 120.9, 32.0)?;
//! // Nantong, 120.9°E 32°N, is the plane's origin.
//! let (x, y) = p.to_plane(585_045.373, 3_542_206.409)?;
//! assert!(x.abs() < 0.01 && y.abs() < 0.01);
//! let (lon, lat) = p.to_lonlat(1_000.0, 0.0);
//! assert!((lon - 120.9106).abs() < 1e-4 && (lat - 32.0).abs() < 1e-4);
//! # Ok::<(), linli::project::ProjectionError>(())
//! ```

mod epsg;
pub mod fitted;
pub mod gcj02;
pub mod pins;
#[cfg(feature = "proj")]
mod proj_engine;
mod tmerc;
pub mod wkt;

use std::fmt;
use std::str::FromStr;

pub use tmerc::{Ellipsoid, TransverseMercator};

use epsg::{EpsgDef, TmDef};

/// Half the length of a meridian (equator to pole) on GRS80/WGS84, in metres,
/// rounded up: the largest |northing| a transverse Mercator grid can reach.
const QUARTER_MERIDIAN: f64 = 10_001_966.0;

/// Largest |easting − false easting| accepted for a built-in grid, in metres.
///
/// With a zone prefix the easting must stay inside its zone's million
/// (`zone·10⁶ ≤ E < (zone+1)·10⁶`), else the prefix would be wrong. Without
/// one, 1 000 km: real data in one 3° or 6° zone stays within a few hundred
/// km of the central meridian (Krüger's series itself is accurate to
/// nanometres out to 3 900 km), so anything farther is a wrong CRS, typically
/// an easting with a zone prefix the CRS does not expect.
fn max_easting_offset(def: &TmDef) -> f64 {
    if def.prefix_zone.is_some() {
        500_000.0
    } else {
        1_000_000.0
    }
}

/// Errors of the coordinate layer.
///
/// ```
/// use linli::project::{Crs, ProjectionError};
/// let err = "EPSG:nope".parse::<Crs>().unwrap_err();
/// assert!(matches!(err, ProjectionError::InvalidCrs { .. }));
/// assert!(err.to_string().contains("EPSG:nope"));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ProjectionError {
    /// The CRS text could not be read.
    #[error(
        "cannot read CRS `{input}`: expected EPSG:<code> (e.g. EPSG:4549), a bare code, \
         `lonlat`, `WGS84` or `CGCS2000`"
    )]
    InvalidCrs {
        /// The text as given.
        input: String,
    },
    /// The EPSG code is not in the built-in table.
    #[error(
        "EPSG:{code} is not supported by linli's built-in projection engine; supported are {}. \
         Reproject the data to one of these, or build linli with `--features proj` to use PROJ \
         for any EPSG code",
        epsg::SUPPORTED_SUMMARY
    )]
    UnsupportedEpsg {
        /// The code asked for.
        code: u32,
    },
    /// PROJ refused the code or a coordinate (only with the `proj` feature).
    #[error("PROJ cannot use EPSG:{code}: {message}")]
    Proj {
        /// The code asked for.
        code: u32,
        /// PROJ's message.
        message: String,
    },
    /// A coordinate was NaN or infinite.
    #[error("coordinate ({x}, {y}) is not finite")]
    NonFinite {
        /// First coordinate as given.
        x: f64,
        /// Second coordinate as given.
        y: f64,
    },
    /// A coordinate read as lon/lat is out of range.
    #[error("({x}, {y}) is not a lon/lat coordinate{hint}")]
    NotLonLat {
        /// First coordinate as given.
        x: f64,
        /// Second coordinate as given.
        y: f64,
        /// Advice, starting with "; " (empty if none).
        hint: String,
    },
    /// A coordinate lies outside the area the projected CRS can represent.
    #[error("({x}, {y}) is outside the area EPSG:{code} can represent{hint}")]
    OutOfRange {
        /// The input CRS.
        code: u32,
        /// Easting as given.
        x: f64,
        /// Northing as given.
        y: f64,
        /// Advice, starting with "; " (empty if none).
        hint: String,
    },
}

/// A coordinate reference system linli can read.
///
/// Parse one from the `--crs` text with [`str::parse`]; EPSG:4326 and
/// EPSG:4490 become [`Crs::LonLat`].
///
/// ```
/// use linli::project::Crs;
/// assert_eq!("EPSG:4547".parse::<Crs>()?, Crs::Epsg(4547));
/// assert_eq!("epsg:4326".parse::<Crs>()?, Crs::LonLat);
/// assert_eq!("CGCS2000".parse::<Crs>()?, Crs::LonLat);
/// assert_eq!(Crs::Epsg(4547).to_string(), "EPSG:4547");
/// # Ok::<(), linli::project::ProjectionError>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub enum Crs {
    /// Longitude, latitude in degrees on WGS 84 or CGCS2000 (EPSG:4326, EPSG:4490).
    #[default]
    LonLat,
    /// A CRS by EPSG code; for the built-in engine one of the projected grids listed
    /// in [`ProjectionError::UnsupportedEpsg`]'s message.
    Epsg(u32),
}

impl Crs {
    /// The EPSG code: 4326 for [`Crs::LonLat`].
    ///
    /// ```
    /// use linli::project::Crs;
    /// assert_eq!(Crs::LonLat.epsg_code(), 4326);
    /// assert_eq!(Crs::Epsg(4549).epsg_code(), 4549);
    /// ```
    pub fn epsg_code(&self) -> u32 {
        match self {
            Crs::LonLat => 4326,
            Crs::Epsg(c) => *c,
        }
    }

    /// The EPSG name for a built-in code, or `None` if the code is not built in.
    ///
    /// ```
    /// use linli::project::Crs;
    /// assert_eq!(
    ///     Crs::Epsg(4528).name().as_deref(),
    ///     Some("CGCS2000 / 3-degree Gauss-Kruger zone 40")
    /// );
    /// assert_eq!(Crs::Epsg(2385).name(), None);
    /// ```
    pub fn name(&self) -> Option<String> {
        epsg::name(self.epsg_code())
    }

    /// Whether the pure-Rust engine handles this CRS (PROJ is then not needed).
    ///
    /// ```
    /// use linli::project::Crs;
    /// assert!(Crs::Epsg(32650).is_builtin());
    /// assert!(!Crs::Epsg(3857).is_builtin());
    /// ```
    pub fn is_builtin(&self) -> bool {
        epsg::lookup(self.epsg_code()).is_some()
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Crs::LonLat => f.write_str("lonlat"),
            Crs::Epsg(c) => write!(f, "EPSG:{c}"),
        }
    }
}

impl FromStr for Crs {
    type Err = ProjectionError;

    /// Reads `EPSG:4547`, `epsg:4326`, `4326`, `lonlat`, `WGS84`, `CGCS2000`,
    /// `CRS84` and the OGC URN/URL forms found in GeoJSON files
    /// (`urn:ogc:def:crs:EPSG::4547`, `http://www.opengis.net/def/crs/EPSG/0/4547`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || ProjectionError::InvalidCrs {
            input: s.to_owned(),
        };
        let lower = s.trim().to_ascii_lowercase();
        let compact: String = lower
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '_' | '/'))
            .collect();
        if matches!(
            compact.as_str(),
            "lonlat" | "wgs84" | "cgcs2000" | "crs84" | "ogc:crs84"
        ) || (lower.starts_with("urn:ogc:def:crs:ogc:") && lower.ends_with(":crs84"))
            || lower.ends_with("/def/crs/ogc/1.3/crs84")
        {
            return Ok(Crs::LonLat);
        }
        let digits = if let Some(rest) = lower.strip_prefix("urn:ogc:def:crs:epsg:") {
            // urn:ogc:def:crs:EPSG::4547 or urn:ogc:def:crs:EPSG:6.6:4547
            rest.rsplit(':').next().unwrap_or("")
        } else if let Some(rest) = lower.strip_prefix("epsg:") {
            rest.trim_start_matches(':').trim()
        } else if let Some(pos) = lower.find("/def/crs/epsg/") {
            lower[pos..].rsplit('/').next().unwrap_or("")
        } else {
            lower.as_str()
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        match digits.parse::<u32>() {
            Ok(0) | Err(_) => Err(invalid()),
            Ok(4326 | 4490) => Ok(Crs::LonLat),
            Ok(code) => Ok(Crs::Epsg(code)),
        }
    }
}

impl TryFrom<String> for Crs {
    type Error = ProjectionError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Crs> for String {
    fn from(c: Crs) -> String {
        c.to_string()
    }
}

/// A transverse Mercator plane centred on an origin lon/lat (false easting and
/// northing 0, scale 1), on WGS 84: the metric plane linli's algorithms use.
///
/// The origin maps to (0, 0); x grows east and y north along the origin's
/// meridian. Scale error is about x²/(2R²): 0.003 % at 30 km, 0.01 % at 57 km.
///
/// ```
/// use linli::project::LocalPlane;
/// let plane = LocalPlane::new(120.9, 32.0);
/// assert_eq!(plane.forward(120.9, 32.0), (0.0, 0.0));
/// let (x, y) = plane.forward(121.0, 32.0);
/// assert!((x - 9_449.316).abs() < 1e-3 && (y - 4.370).abs() < 1e-3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalPlane {
    tm: TransverseMercator,
    origin: (f64, f64),
    /// Northing of the origin on the unshifted projection.
    y0: f64,
}

impl LocalPlane {
    /// Centres the plane on `origin_lon`, `origin_lat` (degrees).
    ///
    /// ```
    /// use linli::project::LocalPlane;
    /// let plane = LocalPlane::new(24.94, 60.17); // Helsinki
    /// assert_eq!(plane.origin(), (24.94, 60.17));
    /// ```
    pub fn new(origin_lon: f64, origin_lat: f64) -> Self {
        let tm = TransverseMercator::new(Ellipsoid::WGS84, origin_lon, 1.0);
        let y0 = tm.forward(origin_lon, origin_lat).1;
        LocalPlane {
            tm,
            origin: (origin_lon, origin_lat),
            y0,
        }
    }

    /// The origin lon/lat in degrees.
    ///
    /// ```
    /// use linli::project::LocalPlane;
    /// assert_eq!(LocalPlane::new(120.9, 32.0).origin(), (120.9, 32.0));
    /// ```
    pub fn origin(&self) -> (f64, f64) {
        self.origin
    }

    /// Lon/lat (degrees) → plane (metres).
    ///
    /// ```
    /// use linli::project::LocalPlane;
    /// let plane = LocalPlane::new(120.9, 32.0);
    /// let (_, y) = plane.forward(120.9, 32.1);
    /// assert!((y - 11_088.769).abs() < 1e-3); // 0.1° of latitude
    /// ```
    pub fn forward(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (x, y) = self.tm.forward(lon, lat);
        (x, y - self.y0)
    }

    /// Plane (metres) → lon/lat (degrees).
    ///
    /// ```
    /// use linli::project::LocalPlane;
    /// let plane = LocalPlane::new(120.9, 32.0);
    /// let (lon, lat) = plane.inverse(plane.forward(121.0, 31.9).0, plane.forward(121.0, 31.9).1);
    /// assert!((lon - 121.0).abs() < 1e-12 && (lat - 31.9).abs() < 1e-12);
    /// ```
    pub fn inverse(&self, x: f64, y: f64) -> (f64, f64) {
        self.tm.inverse(x, y + self.y0)
    }

    /// Point scale factor at lon/lat: 1 on the origin's meridian, more away from it.
    ///
    /// ```
    /// use linli::project::LocalPlane;
    /// let plane = LocalPlane::new(120.9, 32.0);
    /// assert!((plane.scale(120.9, 33.0) - 1.0).abs() < 1e-12);
    /// assert!(plane.scale(121.2, 32.0) - 1.0 < 1e-5);
    /// ```
    pub fn scale(&self, lon: f64, lat: f64) -> f64 {
        self.tm.scale(lon, lat)
    }
}

/// How an [`InputTransform`] converts. One per transform, so the size of
/// the `Builtin` variant (the series coefficients, ~200 bytes) does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy, PartialEq)]
enum Engine {
    LonLat,
    Builtin {
        def: TmDef,
        tm: TransverseMercator,
    },
    /// Through PROJ; `def` is the built-in definition of the code, if any,
    /// used only for the same range checks as the built-in engine.
    #[cfg(feature = "proj")]
    Proj {
        code: u32,
        def: Option<TmDef>,
    },
}

/// Converts input coordinates to lon/lat and back.
///
/// Projected input is read as (easting, northing) in metres; lon/lat input
/// as (longitude, latitude) in degrees.
///
/// ```
/// use linli::project::{Crs, InputTransform};
/// let t = InputTransform::new(&Crs::Epsg(32650))?; // WGS 84 / UTM zone 50N
/// let (lon, lat) = t.to_lonlat(500_000.0, 0.0)?;
/// assert!((lon - 117.0).abs() < 1e-9 && lat.abs() < 1e-9);
/// # Ok::<(), linli::project::ProjectionError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InputTransform {
    crs: Crs,
    engine: Engine,
}

impl InputTransform {
    /// Prepares the conversion for `crs`; with the `proj` feature EPSG codes go
    /// through PROJ, otherwise through the built-in table (an unknown code is
    /// [`ProjectionError::UnsupportedEpsg`]).
    ///
    /// ```
    /// use linli::project::{Crs, InputTransform, ProjectionError};
    /// assert!(InputTransform::new(&Crs::Epsg(4528)).is_ok());
    /// # #[cfg(not(feature = "proj"))]
    /// assert!(matches!(
    ///     InputTransform::new(&Crs::Epsg(2385)),
    ///     Err(ProjectionError::UnsupportedEpsg { code: 2385 })
    /// ));
    /// ```
    pub fn new(crs: &Crs) -> Result<Self, ProjectionError> {
        #[cfg(feature = "proj")]
        {
            if let Some(EpsgDef::LonLat) = epsg::lookup(crs.epsg_code()) {
                return Ok(InputTransform {
                    crs: *crs,
                    engine: Engine::LonLat,
                });
            }
            let code = crs.epsg_code();
            proj_engine::check(code)?;
            let def = match epsg::lookup(code) {
                Some(EpsgDef::Tm(def)) => Some(def),
                _ => None,
            };
            Ok(InputTransform {
                crs: *crs,
                engine: Engine::Proj { code, def },
            })
        }
        #[cfg(not(feature = "proj"))]
        {
            Self::builtin(crs)
        }
    }

    /// Like [`new`](Self::new) but always uses the pure-Rust engine, even when
    /// the `proj` feature is on.
    ///
    /// ```
    /// use linli::project::{Crs, InputTransform};
    /// let t = InputTransform::builtin(&Crs::Epsg(4549))?;
    /// let (lon, _) = t.to_lonlat(500_000.0, 3_500_000.0)?;
    /// assert!((lon - 120.0).abs() < 1e-12);
    /// # Ok::<(), linli::project::ProjectionError>(())
    /// ```
    pub fn builtin(crs: &Crs) -> Result<Self, ProjectionError> {
        let code = crs.epsg_code();
        let engine = match epsg::lookup(code) {
            Some(EpsgDef::LonLat) => Engine::LonLat,
            Some(EpsgDef::Tm(def)) => Engine::Builtin {
                def,
                tm: TransverseMercator::new(def.ellipsoid, def.lon0, def.k0),
            },
            None => return Err(ProjectionError::UnsupportedEpsg { code }),
        };
        Ok(InputTransform { crs: *crs, engine })
    }

    /// The CRS this transform reads.
    ///
    /// ```
    /// use linli::project::{Crs, InputTransform};
    /// assert_eq!(InputTransform::new(&Crs::LonLat)?.crs(), Crs::LonLat);
    /// # Ok::<(), linli::project::ProjectionError>(())
    /// ```
    pub fn crs(&self) -> Crs {
        self.crs
    }

    /// Whether the input already is lon/lat (the conversion is the identity).
    ///
    /// ```
    /// use linli::project::{Crs, InputTransform};
    /// assert!(InputTransform::new(&Crs::LonLat)?.is_lonlat());
    /// assert!(!InputTransform::new(&Crs::Epsg(4549))?.is_lonlat());
    /// # Ok::<(), linli::project::ProjectionError>(())
    /// ```
    pub fn is_lonlat(&self) -> bool {
        matches!(self.engine, Engine::LonLat)
    }

    /// Input coordinate → lon/lat in degrees.
    ///
    /// Lon/lat input must satisfy |lon| ≤ 180 and |lat| ≤ 90, else
    /// [`ProjectionError::NotLonLat`] (with a `--crs` hint when the numbers
    /// look projected). Projected input far outside its grid (e.g. an easting
    /// without the zone prefix the CRS expects) is [`ProjectionError::OutOfRange`].
    ///
    /// ```
    /// use linli::project::{Crs, InputTransform};
    /// let t = InputTransform::new(&Crs::Epsg(4528))?; // CGCS2000 3° GK zone 40
    /// let (lon, lat) = t.to_lonlat(40_500_000.0, 3_541_852.434)?;
    /// assert!((lon - 120.0).abs() < 1e-9 && (lat - 32.0).abs() < 1e-8);
    /// assert!(t.to_lonlat(500_000.0, 3_541_852.434).is_err()); // prefix missing
    /// # Ok::<(), linli::project::ProjectionError>(())
    /// ```
    pub fn to_lonlat(&self, x: f64, y: f64) -> Result<(f64, f64), ProjectionError> {
        if !x.is_finite() || !y.is_finite() {
            return Err(ProjectionError::NonFinite { x, y });
        }
        match &self.engine {
            Engine::LonLat => {
                if looks_projected(x, y) {
                    Err(ProjectionError::NotLonLat {
                        x,
                        y,
                        hint: crs_hint(x, y).map_or_else(String::new, |h| format!("; {h}")),
                    })
                } else {
                    Ok((x, y))
                }
            }
            Engine::Builtin { def, tm } => {
                check_grid(def, x, y)?;
                Ok(tm.inverse(x - def.false_easting, y - def.false_northing))
            }
            #[cfg(feature = "proj")]
            Engine::Proj { code, def } => {
                if let Some(def) = def {
                    check_grid(def, x, y)?;
                }
                let (lon, lat) = proj_engine::to_lonlat(*code, x, y)?;
                if lon.is_finite() && lat.is_finite() {
                    Ok((lon, lat))
                } else {
                    Err(ProjectionError::OutOfRange {
                        code: *code,
                        x,
                        y,
                        hint: String::new(),
                    })
                }
            }
        }
    }

    /// Lon/lat in degrees → input coordinate (the inverse of [`to_lonlat`](Self::to_lonlat)).
    ///
    /// ```
    /// use linli::project::{Crs, InputTransform};
    /// let t = InputTransform::new(&Crs::Epsg(4549))?;
    /// let (e, n) = t.from_lonlat(120.0, 32.0)?;
    /// assert!((e - 500_000.0).abs() < 1e-6 && (n - 3_541_852.434).abs() < 1e-3);
    /// # Ok::<(), linli::project::ProjectionError>(())
    /// ```
    pub fn from_lonlat(&self, lon: f64, lat: f64) -> Result<(f64, f64), ProjectionError> {
        if !lon.is_finite() || !lat.is_finite() {
            return Err(ProjectionError::NonFinite { x: lon, y: lat });
        }
        if looks_projected(lon, lat) {
            return Err(ProjectionError::NotLonLat {
                x: lon,
                y: lat,
                hint: String::new(),
            });
        }
        match &self.engine {
            Engine::LonLat => Ok((lon, lat)),
            Engine::Builtin { def, tm } => {
                let (x, y) = tm.forward(lon, lat);
                Ok((x + def.false_easting, y + def.false_northing))
            }
            #[cfg(feature = "proj")]
            Engine::Proj { code, .. } => proj_engine::from_lonlat(*code, lon, lat),
        }
    }
}

/// Rejects coordinates outside what grid `def` can represent.
fn check_grid(def: &TmDef, x: f64, y: f64) -> Result<(), ProjectionError> {
    let dx = x - def.false_easting;
    let dy = y - def.false_northing;
    if dx.abs() > max_easting_offset(def) || dy.abs() > QUARTER_MERIDIAN {
        Err(out_of_range(def, x, y))
    } else {
        Ok(())
    }
}

fn out_of_range(def: &TmDef, x: f64, y: f64) -> ProjectionError {
    let dx = x - def.false_easting;
    let mut hint = String::new();
    if dx.abs() > max_easting_offset(def) {
        if let Some(twin) = epsg::prefix_twin(def.code) {
            let has_prefix = x.abs() >= 1_000_000.0;
            if def.prefix_zone.is_some() != has_prefix {
                hint = format!(
                    "; the easting {} a zone prefix, so try --crs EPSG:{twin} ({})",
                    if has_prefix { "has" } else { "lacks" },
                    epsg::name(twin).unwrap_or_default()
                );
            }
        }
        if hint.is_empty()
            && let Some(code) = suggest_epsg(x, y)
        {
            hint = format!(
                "; the easting suggests --crs EPSG:{code} ({})",
                epsg::name(code).unwrap_or_default()
            );
        }
    }
    ProjectionError::OutOfRange {
        code: def.code,
        x,
        y,
        hint,
    }
}

/// Input CRS → local plane and local plane → lon/lat, the one object the pipeline uses.
///
/// ```
/// use linli::project::{Crs, Projector};
/// let p = Projector::new(&Crs::LonLat, 120.9, 32.0)?;
/// let (x, y) = p.to_plane(120.91, 32.0)?;
/// assert!((x - 944.931).abs() < 1e-3 && (y - 0.044).abs() < 1e-3);
/// let (lon, lat) = p.to_lonlat(x, y);
/// assert!((lon - 120.91).abs() < 1e-12 && (lat - 32.0).abs() < 1e-12);
/// # Ok::<(), linli::project::ProjectionError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Projector {
    input: InputTransform,
    plane: LocalPlane,
    /// Input lon/lat are GCJ-02 (Chinese web maps), converted to WGS 84.
    input_gcj02: bool,
    /// Output lon/lat are converted to GCJ-02 (for AMap/Tencent overlays).
    output_gcj02: bool,
    /// Fitted conversions over the data's extent (see [`Projector::fitted_to`]).
    fitted: Option<std::sync::Arc<Fitted>>,
    /// Community borders as given (see [`pins`]); `None` where the input is
    /// not the output's lon/lat.
    pins: Option<std::sync::Arc<pins::Pins>>,
}

/// The conversions fitted over a scenario's extent, each only when it met
/// its tolerance.
#[derive(Debug, PartialEq)]
struct Fitted {
    to_plane: Option<fitted::ChebyshevMap>,
    to_lonlat: Option<fitted::ChebyshevMap>,
}

/// How far a fitted conversion may stray from the exact one: 0.1 µm on the
/// plane, and 1e-12° (about 0.1 µm) in lon/lat, five orders of magnitude
/// below the 7-decimal (1 cm) output.
const FIT_TOLERANCE_M: f64 = 1e-7;
const FIT_TOLERANCE_DEG: f64 = 1e-12;

impl Projector {
    /// Reads `crs` and centres the local plane on `origin_lon`, `origin_lat` (degrees).
    ///
    /// ```
    /// use linli::project::{Crs, Projector};
    /// let p = Projector::new(&"EPSG:4528".parse()?, 120.9, 32.0)?;
    /// assert_eq!(p.origin(), (120.9, 32.0));
    /// assert!(Projector::new(&Crs::LonLat, 500_000.0, 3_500_000.0).is_err());
    /// # Ok::<(), linli::project::ProjectionError>(())
    /// ```
    pub fn new(crs: &Crs, origin_lon: f64, origin_lat: f64) -> Result<Self, ProjectionError> {
        if !origin_lon.is_finite() || !origin_lat.is_finite() {
            return Err(ProjectionError::NonFinite {
                x: origin_lon,
                y: origin_lat,
            });
        }
        if looks_projected(origin_lon, origin_lat) {
            return Err(ProjectionError::NotLonLat {
                x: origin_lon,
                y: origin_lat,
                hint: "; the origin of the local plane must be lon/lat in degrees".to_owned(),
            });
        }
        Ok(Projector {
            input: InputTransform::new(crs)?,
            plane: LocalPlane::new(origin_lon, origin_lat),
            input_gcj02: false,
            output_gcj02: false,
            fitted: None,
            pins: None,
        })
    }

    /// Reads lon/lat input as GCJ-02 (`input`) and/or writes GCJ-02 output
    /// (`output`) instead of WGS 84.
    ///
    /// ```
    /// use linli::project::{gcj02, Crs, Projector};
    /// let p = Projector::new(&Crs::LonLat, 116.39, 39.9)?.with_gcj02(true, false);
    /// let (g_lon, g_lat) = gcj02::wgs84_to_gcj02(116.39, 39.9);
    /// let (x, y) = p.to_plane(g_lon, g_lat)?;
    /// assert!(x.abs() < 1e-3 && y.abs() < 1e-3); // back on the WGS 84 origin
    /// # Ok::<(), linli::project::ProjectionError>(())
    /// ```
    pub fn with_gcj02(mut self, input: bool, output: bool) -> Self {
        self.input_gcj02 = input;
        self.output_gcj02 = output;
        self.fitted = None;
        self.pins = None;
        self
    }

    /// Fits both conversions over the input-CRS box `lo`–`hi` (the data's
    /// extent) and the plane box it maps to, for speed: inside, positions
    /// convert through [`fitted::ChebyshevMap`]s checked to stay within
    /// 0.1 µm (1e-12° for lon/lat) of the exact conversion; outside, or
    /// where no fit met that, the exact conversion is used.
    ///
    /// ```
    /// use linli::project::{Crs, Projector};
    /// let exact = Projector::new(&"EPSG:32651".parse()?, 121.45, 31.22)?;
    /// let fast = exact.clone().fitted_to([340_000.0, 3_440_000.0], [360_000.0, 3_460_000.0]);
    /// assert!(fast.is_fitted());
    /// let (a, b) = (exact.to_plane(351_234.5, 3_452_345.6)?, fast.to_plane(351_234.5, 3_452_345.6)?);
    /// assert!((a.0 - b.0).abs() < 1e-7 && (a.1 - b.1).abs() < 1e-7);
    /// let (c, d) = (exact.to_lonlat(a.0, a.1), fast.to_lonlat(a.0, a.1));
    /// assert!((c.0 - d.0).abs() < 1e-12 && (c.1 - d.1).abs() < 1e-12);
    /// # Ok::<(), linli::project::ProjectionError>(())
    /// ```
    pub fn fitted_to(mut self, lo: [f64; 2], hi: [f64; 2]) -> Self {
        self.fitted = None;
        // A margin so that a single building or a straight road still has
        // a box: 1e-4° or 10 m.
        let pad = if self.input.is_lonlat() { 1e-4 } else { 10.0 };
        let (lo, hi) = ([lo[0] - pad, lo[1] - pad], [hi[0] + pad, hi[1] + pad]);
        let exact = self.clone();
        let to_plane = |x: f64, y: f64| exact.to_plane(x, y).ok();
        let fit_plane = fitted::ChebyshevMap::fit(lo, hi, [FIT_TOLERANCE_M; 2], &to_plane);
        // The plane box: the input box's outline mapped, plus a margin for
        // what outputs add around the data (buffers, hulls).
        let mut plo = [f64::MAX; 2];
        let mut phi = [f64::MIN; 2];
        const STEPS: usize = 32;
        for k in 0..=STEPS {
            let a = k as f64 / STEPS as f64;
            for (x, y) in [
                (lo[0] + a * (hi[0] - lo[0]), lo[1]),
                (lo[0] + a * (hi[0] - lo[0]), hi[1]),
                (lo[0], lo[1] + a * (hi[1] - lo[1])),
                (hi[0], lo[1] + a * (hi[1] - lo[1])),
            ] {
                if let Some((px, py)) = to_plane(x, y) {
                    plo = [plo[0].min(px), plo[1].min(py)];
                    phi = [phi[0].max(px), phi[1].max(py)];
                }
            }
        }
        let margin = 100.0 + 0.05 * (phi[0] - plo[0]).max(phi[1] - plo[1]);
        let (plo, phi) = (
            [plo[0] - margin, plo[1] - margin],
            [phi[0] + margin, phi[1] + margin],
        );
        let to_lonlat = |x: f64, y: f64| Some(exact.to_lonlat_exact(x, y));
        let fit_lonlat = fitted::ChebyshevMap::fit(plo, phi, [FIT_TOLERANCE_DEG; 2], &to_lonlat);
        if fit_plane.is_some() || fit_lonlat.is_some() {
            self.fitted = Some(std::sync::Arc::new(Fitted {
                to_plane: fit_plane,
                to_lonlat: fit_lonlat,
            }));
        }
        self
    }

    /// Whether [`Projector::fitted_to`] found a fit for either conversion.
    pub fn is_fitted(&self) -> bool {
        self.fitted
            .as_ref()
            .is_some_and(|f| f.to_plane.is_some() || f.to_lonlat.is_some())
    }

    /// Input CRS coordinate → local plane metres.
    ///
    /// ```
    /// use linli::project::{Crs, Projector};
    /// let p = Projector::new(&Crs::Epsg(4549), 120.0, 32.0)?;
    /// let (x, _) = p.to_plane(501_000.0, 3_543_000.0)?;
    /// assert!((x - 1_000.0).abs() < 0.01); // same central meridian, scale 1
    /// # Ok::<(), linli::project::ProjectionError>(())
    /// ```
    pub fn to_plane(&self, x: f64, y: f64) -> Result<(f64, f64), ProjectionError> {
        if let Some(p) = self
            .fitted
            .as_ref()
            .and_then(|f| f.to_plane.as_ref())
            .and_then(|m| m.eval(x, y))
        {
            return Ok(p);
        }
        let (mut lon, mut lat) = self.input.to_lonlat(x, y)?;
        if self.input_gcj02 {
            (lon, lat) = gcj02::gcj02_to_wgs84(lon, lat);
        }
        Ok(self.plane.forward(lon, lat))
    }

    /// Local plane metres → WGS 84 lon/lat in degrees (for output).
    ///
    /// ```
    /// use linli::project::{Crs, Projector};
    /// let p = Projector::new(&Crs::LonLat, 24.94, 60.17)?; // Helsinki
    /// let (lon, lat) = p.to_lonlat(0.0, 1_000.0);
    /// assert!((lon - 24.94).abs() < 1e-12 && (lat - 60.178_98).abs() < 1e-5);
    /// # Ok::<(), linli::project::ProjectionError>(())
    /// ```
    pub fn to_lonlat(&self, x: f64, y: f64) -> (f64, f64) {
        if let Some(p) = self
            .fitted
            .as_ref()
            .and_then(|f| f.to_lonlat.as_ref())
            .and_then(|m| m.eval(x, y))
        {
            return p;
        }
        self.to_lonlat_exact(x, y)
    }

    /// Whether outputs are in the input's own coordinates (lon/lat, same
    /// datum): then community borders can be written exactly as given.
    ///
    /// ```
    /// use linli::project::{Crs, Projector};
    /// assert!(Projector::new(&Crs::LonLat, 120.9, 32.0)?.writes_input_coordinates());
    /// assert!(!Projector::new(&Crs::Epsg(4549), 120.9, 32.0)?.writes_input_coordinates());
    /// # Ok::<(), linli::project::ProjectionError>(())
    /// ```
    pub fn writes_input_coordinates(&self) -> bool {
        self.input.is_lonlat() && self.input_gcj02 == self.output_gcj02
    }

    /// Writes the community borders of `pins` as given (only when
    /// [`Projector::writes_input_coordinates`]; otherwise they are ignored).
    pub fn with_pins(mut self, pins: pins::Pins) -> Self {
        self.pins = (self.writes_input_coordinates() && !pins.is_empty())
            .then(|| std::sync::Arc::new(pins));
        self
    }

    /// Local plane metres → lon/lat for a vertex of a polygon that tiles
    /// communities: on a community border, the border as given (see
    /// [`pins`]); elsewhere [`Projector::to_lonlat`].
    ///
    /// ```
    /// use geo::Coord;
    /// use linli::project::{pins::Pins, Crs, Projector};
    /// let p = Projector::new(&Crs::LonLat, 120.9, 32.0)?;
    /// let (x, y) = p.to_plane(120.9123456789, 32.01)?;
    /// let mut pins = Pins::default();
    /// pins.add_ring(&[((120.9123456789, 32.01), Coord { x, y })]);
    /// let p = p.with_pins(pins);
    /// assert_eq!(p.border_lonlat(x, y), (120.9123456789, 32.01));
    /// # Ok::<(), linli::project::ProjectionError>(())
    /// ```
    pub fn border_lonlat(&self, x: f64, y: f64) -> (f64, f64) {
        self.pins
            .as_ref()
            .and_then(|p| p.input_of(geo::Coord { x, y }))
            .unwrap_or_else(|| self.to_lonlat(x, y))
    }

    /// [`Projector::to_lonlat`] without the fit.
    fn to_lonlat_exact(&self, x: f64, y: f64) -> (f64, f64) {
        let (lon, lat) = self.plane.inverse(x, y);
        if self.output_gcj02 {
            gcj02::wgs84_to_gcj02(lon, lat)
        } else {
            (lon, lat)
        }
    }

    /// The origin of the local plane, lon/lat in degrees.
    ///
    /// ```
    /// use linli::project::{Crs, Projector};
    /// assert_eq!(Projector::new(&Crs::LonLat, 1.0, 2.0)?.origin(), (1.0, 2.0));
    /// # Ok::<(), linli::project::ProjectionError>(())
    /// ```
    pub fn origin(&self) -> (f64, f64) {
        self.plane.origin()
    }

    /// The local plane.
    ///
    /// ```
    /// use linli::project::{Crs, Projector};
    /// let p = Projector::new(&Crs::LonLat, 120.9, 32.0)?;
    /// assert_eq!(p.plane().forward(120.9, 32.0), (0.0, 0.0));
    /// # Ok::<(), linli::project::ProjectionError>(())
    /// ```
    pub fn plane(&self) -> &LocalPlane {
        &self.plane
    }

    /// The input conversion.
    ///
    /// ```
    /// use linli::project::{Crs, Projector};
    /// assert!(Projector::new(&Crs::LonLat, 120.9, 32.0)?.input().is_lonlat());
    /// # Ok::<(), linli::project::ProjectionError>(())
    /// ```
    pub fn input(&self) -> &InputTransform {
        &self.input
    }
}

/// Whether (x, y) cannot be lon/lat: |x| > 180 or |y| > 90. Used for the
/// "pass --crs EPSG:…" hint.
///
/// ```
/// use linli::project::looks_projected;
/// assert!(looks_projected(40_500_000.0, 3_544_000.0));
/// assert!(!looks_projected(120.9, 32.0));
/// ```
pub fn looks_projected(x: f64, y: f64) -> bool {
    x.abs() > 180.0 || y.abs() > 90.0
}

/// Best-effort guess of the EPSG code of projected coordinates, for the hint.
///
/// Only eastings that carry a CGCS2000 Gauss-Kruger zone prefix can be
/// placed: `zone·10⁶ + 500 000 ± a few hundred km` with zone 25–45 is a 3°
/// zone (EPSG:4513–4533), with zone 13–23 a 6° zone (EPSG:4491–4501). The
/// northing must be 0–10 000 km (northern hemisphere). Eastings without a
/// prefix (UTM-like, 166 000–834 000 m) do not tell the central meridian, so
/// the answer is `None`: [`crs_hint`] then words a general hint. Also `None`
/// when the point does not look projected.
///
/// ```
/// use linli::project::suggest_epsg;
/// assert_eq!(suggest_epsg(40_512_345.0, 3_544_000.0), Some(4528)); // 3° zone 40
/// assert_eq!(suggest_epsg(20_612_345.0, 3_544_000.0), Some(4498)); // 6° zone 20
/// assert_eq!(suggest_epsg(512_345.0, 3_544_000.0), None);
/// assert_eq!(suggest_epsg(120.9, 32.0), None);
/// ```
pub fn suggest_epsg(x: f64, y: f64) -> Option<u32> {
    if !looks_projected(x, y) || !x.is_finite() || !(0.0..=QUARTER_MERIDIAN).contains(&y) {
        return None;
    }
    if !(1_000_000.0..100_000_000.0).contains(&x) {
        return None;
    }
    let zone = (x / 1e6).floor();
    let local = x - zone * 1e6;
    // The zone number is below 100, so the cast is exact.
    let zone = zone as u32;
    // Half a 3° zone is at most 167 km wide, half a 6° zone 334 km; allow slack
    // for data just over the zone edge.
    if (200_000.0..=800_000.0).contains(&local)
        && let Some(code) = epsg::gk3_prefixed(zone)
    {
        return Some(code);
    }
    if (100_000.0..=900_000.0).contains(&local) {
        return epsg::gk6_prefixed(zone);
    }
    None
}

/// A one-line hint for coordinates that look projected when lon/lat was
/// expected, naming the `--crs` to pass when [`suggest_epsg`] can tell.
/// `None` when (x, y) could be lon/lat.
///
/// ```
/// use linli::project::crs_hint;
/// let hint = crs_hint(40_512_345.0, 3_544_000.0).unwrap();
/// assert!(hint.contains("--crs EPSG:4528"));
/// assert!(crs_hint(512_345.0, 3_544_000.0).unwrap().contains("--crs EPSG:"));
/// assert_eq!(crs_hint(120.9, 32.0), None);
/// ```
pub fn crs_hint(x: f64, y: f64) -> Option<String> {
    if !looks_projected(x, y) {
        return None;
    }
    Some(match suggest_epsg(x, y) {
        Some(code) => format!(
            "the coordinates look projected; the easting's zone prefix suggests --crs EPSG:{code} ({})",
            epsg::name(code).unwrap_or_default()
        ),
        None if (100_000.0..1_000_000.0).contains(&x) => {
            "the coordinates look projected (easting without zone prefix); pass --crs EPSG:<code>, \
             e.g. EPSG:4534–4554 for CGCS2000 3° Gauss-Kruger by central meridian \
             (EPSG:4549 = CM 120E), EPSG:4502–4512 for 6° zones, or EPSG:326xx for WGS 84 UTM"
                .to_owned()
        }
        None => {
            "the coordinates look projected; pass --crs EPSG:<code> with the data's CRS".to_owned()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_variants() {
        let ok = |s: &str| s.parse::<Crs>().unwrap();
        assert_eq!(ok("EPSG:4547"), Crs::Epsg(4547));
        assert_eq!(ok(" epsg:4547 "), Crs::Epsg(4547));
        assert_eq!(ok("EPSG::4547"), Crs::Epsg(4547));
        assert_eq!(ok("4547"), Crs::Epsg(4547));
        assert_eq!(ok("urn:ogc:def:crs:EPSG::4547"), Crs::Epsg(4547));
        assert_eq!(ok("urn:ogc:def:crs:EPSG:6.6:4547"), Crs::Epsg(4547));
        assert_eq!(
            ok("http://www.opengis.net/def/crs/EPSG/0/4547"),
            Crs::Epsg(4547)
        );
        for s in [
            "EPSG:4326",
            "epsg:4490",
            "4326",
            "lonlat",
            "LonLat",
            "lon/lat",
            "WGS84",
            "WGS 84",
            "wgs-84",
            "CGCS2000",
            "cgcs 2000",
            "CRS84",
            "OGC:CRS84",
            "urn:ogc:def:crs:OGC:1.3:CRS84",
            "urn:ogc:def:crs:EPSG::4326",
            "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        ] {
            assert_eq!(ok(s), Crs::LonLat, "{s}");
        }
        for s in [
            "",
            "EPSG:",
            "EPSG:abc",
            "EPSG:0",
            "-4326",
            "4326.0",
            "utm50",
            "99999999999",
        ] {
            assert!(
                matches!(s.parse::<Crs>(), Err(ProjectionError::InvalidCrs { .. })),
                "{s}"
            );
        }
    }

    #[test]
    fn display_round_trips() {
        for c in [Crs::LonLat, Crs::Epsg(4549), Crs::Epsg(32650)] {
            assert_eq!(c.to_string().parse::<Crs>().unwrap(), c);
        }
    }

    #[test]
    fn serde_as_string() {
        let c: Crs = serde_json::from_str("\"EPSG:4528\"").unwrap();
        assert_eq!(c, Crs::Epsg(4528));
        assert_eq!(serde_json::to_string(&Crs::LonLat).unwrap(), "\"lonlat\"");
        assert!(serde_json::from_str::<Crs>("\"nonsense\"").is_err());
    }

    #[test]
    fn projector_is_send_sync() {
        fn check<T: Send + Sync + Clone>() {}
        check::<Projector>();
        check::<InputTransform>();
        check::<ProjectionError>();
    }

    #[test]
    fn missing_prefix_hint() {
        let t = InputTransform::builtin(&Crs::Epsg(4528)).unwrap();
        let err = t.to_lonlat(512_000.0, 3_544_000.0).unwrap_err();
        assert!(err.to_string().contains("EPSG:4549"), "{err}");
        let t = InputTransform::builtin(&Crs::Epsg(4549)).unwrap();
        let err = t.to_lonlat(40_512_000.0, 3_544_000.0).unwrap_err();
        assert!(err.to_string().contains("EPSG:4528"), "{err}");
        // A prefixed easting of another zone given to a prefixed CRS.
        let t = InputTransform::builtin(&Crs::Epsg(4528)).unwrap();
        let err = t.to_lonlat(39_512_000.0, 3_544_000.0).unwrap_err();
        assert!(err.to_string().contains("EPSG:4527"), "{err}");
    }

    #[test]
    fn lonlat_range_checks() {
        let t = InputTransform::new(&Crs::LonLat).unwrap();
        assert_eq!(t.to_lonlat(-180.0, -90.0).unwrap(), (-180.0, -90.0));
        let err = t.to_lonlat(40_512_345.0, 3_544_000.0).unwrap_err();
        assert!(err.to_string().contains("--crs EPSG:4528"), "{err}");
        assert!(matches!(
            t.to_lonlat(f64::NAN, 0.0),
            Err(ProjectionError::NonFinite { .. })
        ));
    }
}
