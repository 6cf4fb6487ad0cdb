//! A CRS as a .prj file or a GIS format writes it (OGC WKT, ESRI's or
//! GDAL's dialect, WKT1 or WKT2), identified as an EPSG code.
//!
//! An `AUTHORITY["EPSG",…]` or `ID["EPSG",…]` on the CRS itself wins. ESRI
//! .prj files carry none (`PROJCS["CGCS2000_3_Degree_GK_CM_120E",…]`), so
//! a projected CRS is matched by its parameters against the built-in table
//! (datum, central meridian, scale, false easting and northing): every
//! CGCS2000 Gauss-Krüger zone and UTM zone is found whatever its name.

use super::Crs;
use super::epsg::{self, EpsgDef};

/// A WKT node: `NAME[arg, arg, …]`, an argument a quoted text, a number or a
/// node.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Text(String),
    Number(f64),
    Tree(String, Vec<Node>),
}

/// The EPSG CRS a WKT text describes.
///
/// ```
/// use linli::project::{Crs, wkt::crs_from_wkt};
/// let esri = r#"PROJCS["CGCS2000_3_Degree_GK_CM_120E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",
///   DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],
///   UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],
///   PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],
///   PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
/// assert_eq!(crs_from_wkt(esri), Ok(Crs::Epsg(4549)));
/// let wgs84 = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],
///   PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
/// assert_eq!(crs_from_wkt(wgs84), Ok(Crs::LonLat));
/// assert!(crs_from_wkt(r#"PROJCS["Xian_1980_3_Degree_GK_CM_120E",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]]]]"#).is_err());
/// ```
pub fn crs_from_wkt(wkt: &str) -> Result<Crs, String> {
    let node =
        parse(wkt.trim()).ok_or_else(|| "is not WKT (a CRS written as NAME[…])".to_string())?;
    let Node::Tree(kind, args) = &node else {
        return Err("is not WKT (a CRS written as NAME[…])".to_string());
    };
    let name = match args.first() {
        Some(Node::Text(t)) => t.clone(),
        _ => String::new(),
    };
    if let Some(code) = authority(args) {
        return Ok(crs_of_code(code));
    }
    let kind = kind.to_ascii_uppercase();
    if kind.starts_with("GEOG") || kind == "GEODCRS" || kind == "GEOGCRS" {
        return geographic(args, &name).map(|()| Crs::LonLat);
    }
    if kind.starts_with("PROJ") {
        return projected(args, &name);
    }
    Err(format!(
        "describes a {kind} CRS ({name}); linli reads geographic and projected CRSs"
    ))
}

/// The WKT (OGC WKT1, as GDAL writes it, with its EPSG authority) of a CRS
/// of the built-in table; `geographic` names the lon/lat CRS (4326 or
/// 4490) that lon/lat stands for. `None` for a code the table lacks.
///
/// ```
/// use linli::project::{Crs, wkt::{crs_from_wkt, wkt_of}};
/// let w = wkt_of(Crs::Epsg(4549), 4490).unwrap();
/// assert!(w.starts_with("PROJCS[\"CGCS2000 / 3-degree Gauss-Kruger CM 120E\""));
/// assert_eq!(crs_from_wkt(&w), Ok(Crs::Epsg(4549)));
/// assert!(wkt_of(Crs::LonLat, 4490).unwrap().contains("AUTHORITY[\"EPSG\",\"4490\"]"));
/// ```
pub fn wkt_of(crs: Crs, geographic: u32) -> Option<String> {
    const WGS84: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]"#;
    const CGCS2000: &str = r#"GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]]"#;
    let code = match crs {
        Crs::LonLat => geographic,
        Crs::Epsg(c) => c,
    };
    match epsg::lookup(code)? {
        EpsgDef::LonLat => Some(if code == 4490 { CGCS2000 } else { WGS84 }.to_string()),
        EpsgDef::Tm(d) => {
            let geog = if d.ellipsoid == super::tmerc::Ellipsoid::GRS80 {
                CGCS2000
            } else {
                WGS84
            };
            Some(format!(
                r#"PROJCS["{}",{geog},PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",{}],PARAMETER["scale_factor",{}],PARAMETER["false_easting",{}],PARAMETER["false_northing",{}],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","{code}"]]"#,
                epsg::name(code)?,
                d.lon0,
                d.k0,
                d.false_easting,
                d.false_northing
            ))
        }
    }
}

/// The CRS of an EPSG code: lon/lat for the two geographic ones.
fn crs_of_code(code: u32) -> Crs {
    match epsg::lookup(code) {
        Some(EpsgDef::LonLat) => Crs::LonLat,
        _ => Crs::Epsg(code),
    }
}

/// `AUTHORITY["EPSG","4549"]` (WKT1) or `ID["EPSG",4549]` (WKT2) among a
/// node's own arguments.
fn authority(args: &[Node]) -> Option<u32> {
    args.iter().find_map(|a| match a {
        Node::Tree(k, v) if k.eq_ignore_ascii_case("AUTHORITY") || k.eq_ignore_ascii_case("ID") => {
            let org = matches!(v.first(), Some(Node::Text(o)) if o.eq_ignore_ascii_case("EPSG"));
            match v.get(1) {
                Some(Node::Text(c)) if org => c.trim().parse().ok(),
                Some(Node::Number(c)) if org => Some(*c as u32),
                _ => None,
            }
        }
        _ => None,
    })
}

/// Whether a datum is one linli reads without a shift: WGS 84 or CGCS2000
/// (the same to a few centimetres); `Some(true)` for CGCS2000.
fn datum_cgcs2000(args: &[Node]) -> Option<bool> {
    let text = format!("{args:?}")
        .to_ascii_uppercase()
        .replace([' ', '-'], "_");
    if text.contains("CHINA_2000") || text.contains("CGCS2000") || text.contains("CGCS_2000") {
        Some(true)
    } else if text.contains("WGS_1984") || text.contains("WGS_84") || text.contains("WGS84") {
        Some(false)
    } else {
        None
    }
}

fn geographic(args: &[Node], name: &str) -> Result<(), String> {
    datum_cgcs2000(args)
        .map(|_| ())
        .ok_or_else(|| unsupported_datum(name))
}

fn unsupported_datum(name: &str) -> String {
    format!(
        "is on a datum linli does not convert ({name}); linli reads WGS 84 and CGCS2000 (Xian 1980 and Beijing 1954 need a datum shift: convert the layer to CGCS2000 first, e.g. with ogr2ogr -t_srs EPSG:4490)"
    )
}

/// A projected CRS matched against the built-in transverse Mercator grids.
fn projected(args: &[Node], name: &str) -> Result<Crs, String> {
    let cgcs2000 = datum_cgcs2000(args).ok_or_else(|| unsupported_datum(name))?;
    let method = args.iter().find_map(|a| match a {
        Node::Tree(k, v)
            if k.eq_ignore_ascii_case("PROJECTION") || k.eq_ignore_ascii_case("METHOD") =>
        {
            match v.first() {
                Some(Node::Text(t)) => Some(t.to_ascii_lowercase()),
                _ => None,
            }
        }
        _ => None,
    });
    let tm = method
        .as_deref()
        .is_some_and(|m| m.contains("transverse") || m.contains("gauss"));
    if !tm {
        return Err(format!(
            "uses the projection {} ({name}); linli's built-in engine reads transverse Mercator grids (CGCS2000 Gauss-Krüger, UTM); build with --features proj for others",
            method.unwrap_or_else(|| "?".into())
        ));
    }
    let p = |names: &[&str], default: f64| parameter(args, names).unwrap_or(default);
    let lon0 = p(&["central_meridian", "longitude of natural origin"], 0.0);
    let k0 = p(&["scale_factor", "scale factor at natural origin"], 1.0);
    let fe = p(&["false_easting"], 0.0);
    let fn_ = p(&["false_northing"], 0.0);
    let lat0 = p(&["latitude_of_origin", "latitude of natural origin"], 0.0);
    if lat0.abs() > 1e-9 {
        return Err(format!(
            "has a latitude of origin of {lat0}° ({name}); the built-in grids start at the equator"
        ));
    }
    epsg::find_tm(cgcs2000, lon0, k0, fe, fn_)
        .map(Crs::Epsg)
        .ok_or_else(|| {
            format!(
                "is a transverse Mercator grid linli does not know ({name}: central meridian {lon0}°, scale {k0}, false easting {fe}, false northing {fn_}); give the layer's EPSG code in scenario.toml ([layers.NAME] crs = \"EPSG:…\")"
            )
        })
}

/// The value of the first `PARAMETER` whose name (case, spaces and `_`
/// aside) is one of `names`.
fn parameter(args: &[Node], names: &[&str]) -> Option<f64> {
    let norm = |s: &str| s.to_ascii_lowercase().replace([' ', '_'], "");
    args.iter().find_map(|a| match a {
        Node::Tree(k, v) if k.eq_ignore_ascii_case("PARAMETER") => match (v.first(), v.get(1)) {
            (Some(Node::Text(n)), Some(Node::Number(x)))
                if names.iter().any(|m| norm(m) == norm(n)) =>
            {
                Some(*x)
            }
            _ => None,
        },
        _ => None,
    })
}

/// Parses one WKT node.
fn parse(s: &str) -> Option<Node> {
    let mut p = Parser {
        b: s.as_bytes(),
        i: 0,
    };
    let n = p.node()?;
    p.skip_ws();
    (p.i == p.b.len()).then_some(n)
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn node(&mut self) -> Option<Node> {
        self.skip_ws();
        let start = self.i;
        while self.i < self.b.len()
            && (self.b[self.i].is_ascii_alphanumeric() || self.b[self.i] == b'_')
        {
            self.i += 1;
        }
        let name = std::str::from_utf8(&self.b[start..self.i])
            .ok()?
            .to_string();
        self.skip_ws();
        let close = match self.b.get(self.i)? {
            b'[' => b']',
            b'(' => b')',
            _ => return None,
        };
        self.i += 1;
        let mut args = Vec::new();
        loop {
            self.skip_ws();
            match *self.b.get(self.i)? {
                c if c == close => {
                    self.i += 1;
                    return Some(Node::Tree(name, args));
                }
                b',' => self.i += 1,
                b'"' => args.push(self.text()?),
                c if c == b'-' || c == b'+' || c == b'.' || c.is_ascii_digit() => {
                    args.push(self.number()?)
                }
                _ => {
                    // A node, else a bare word (`AXIS["x",NORTH]`).
                    let at = self.i;
                    match self.node() {
                        Some(n) => args.push(n),
                        None => {
                            self.i = at;
                            args.push(self.bare()?);
                        }
                    }
                }
            }
        }
    }

    /// A quoted text; `""` inside is a quote.
    fn text(&mut self) -> Option<Node> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let c = *self.b.get(self.i)?;
            self.i += 1;
            if c == b'"' {
                if self.b.get(self.i) == Some(&b'"') {
                    out.push(b'"');
                    self.i += 1;
                    continue;
                }
                return String::from_utf8(out).ok().map(Node::Text);
            }
            out.push(c);
        }
    }

    fn number(&mut self) -> Option<Node> {
        let start = self.i;
        while self.i < self.b.len()
            && matches!(
                self.b[self.i],
                b'0'..=b'9' | b'.' | b'-' | b'+' | b'e' | b'E'
            )
        {
            self.i += 1;
        }
        std::str::from_utf8(&self.b[start..self.i])
            .ok()?
            .parse()
            .ok()
            .map(Node::Number)
    }

    /// A bare word argument (WKT2's `AXIS["x",east]`).
    fn bare(&mut self) -> Option<Node> {
        let start = self.i;
        while self.i < self.b.len()
            && (self.b[self.i].is_ascii_alphanumeric() || self.b[self.i] == b'_')
        {
            self.i += 1;
        }
        (self.i > start)
            .then(|| Node::Text(String::from_utf8_lossy(&self.b[start..self.i]).into_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gdal_wkt1_with_an_authority_and_utm_by_parameters() {
        let gdal = r#"PROJCS["CGCS2000 / 3-degree Gauss-Kruger zone 40",GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4490"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",120],PARAMETER["scale_factor",1],PARAMETER["false_easting",40500000],PARAMETER["false_northing",0],UNIT["metre",1],AXIS["Northing",NORTH],AXIS["Easting",EAST],AUTHORITY["EPSG","4528"]]"#;
        assert_eq!(crs_from_wkt(gdal), Ok(Crs::Epsg(4528)));
        let utm = r#"PROJCS["WGS_1984_UTM_Zone_51N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",123.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
        assert_eq!(crs_from_wkt(utm), Ok(Crs::Epsg(32651)));
        // The zone number in the false easting: 3-degree zone 40.
        let zoned = utm
            .replace("WGS_1984_UTM_Zone_51N", "CGCS2000_3_Degree_GK_Zone_40")
            .replace("D_WGS_1984", "D_China_2000")
            .replace("500000.0", "40500000.0")
            .replace("123.0", "120.0")
            .replace("0.9996", "1.0");
        assert_eq!(crs_from_wkt(&zoned), Ok(Crs::Epsg(4528)));
    }

    #[test]
    fn wkt2_and_unknown_grids() {
        let wkt2 = r#"GEOGCRS["China Geodetic Coordinate System 2000",DATUM["China 2000",ELLIPSOID["CGCS2000",6378137,298.257222101,LENGTHUNIT["metre",1]]],CS[ellipsoidal,2],AXIS["geodetic latitude (Lat)",north],AXIS["geodetic longitude (Lon)",east],ANGLEUNIT["degree",0.0174532925199433],ID["EPSG",4490]]"#;
        assert_eq!(crs_from_wkt(wkt2), Ok(Crs::LonLat));
        let merc = r#"PROJCS["WGS_1984_Web_Mercator",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]]],PROJECTION["Mercator"]]"#;
        assert!(crs_from_wkt(merc).unwrap_err().contains("Mercator"));
        assert!(crs_from_wkt("not a crs").is_err());
        assert!(crs_from_wkt("PROJCS[").is_err());
    }
}
