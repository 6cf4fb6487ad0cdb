//! A layer from a FlatGeobuf file: its features in file order, their
//! columns with their types, and the CRS of its header.

use super::feature::Properties;
use super::foreign::{self, ForeignLayer, Source};
use crate::error::Problem;
use flatgeobuf::{FallibleStreamingIterator, FeatureProperties, FgbReader};
use geozero::{ColumnValue, PropertyProcessor, ToGeo};

const HINT: &str =
    "give a FlatGeobuf file as GDAL or QGIS write it (ogr2ogr -f FlatGeobuf out.fgb in.shp)";

/// Reads the FlatGeobuf `source`.
///
/// ```
/// let path = std::env::temp_dir().join(format!("linli-doc-fgb-{}.fgb", std::process::id()));
/// std::fs::write(&path, b"fgb? no").unwrap();
/// let src = linli::read::foreign::Source { path: path.clone(), format: linli::read::foreign::Format::FlatGeobuf, table: None };
/// let e = linli::read::fgb::read(&src).unwrap_err();
/// assert!(e[0].to_string().contains("is not a FlatGeobuf file"));
/// std::fs::remove_file(path).unwrap();
/// ```
pub fn read(source: &Source) -> Result<ForeignLayer, Vec<Problem>> {
    let label = source.label();
    let fail = |what: String| vec![foreign::problem(&label, what, HINT)];
    let file =
        std::fs::File::open(&source.path).map_err(|e| fail(format!("cannot be opened: {e}")))?;
    let reader = FgbReader::open(std::io::BufReader::new(file))
        .map_err(|e| fail(format!("is not a FlatGeobuf file ({e})")))?;
    let crs = header_crs(&reader).map_err(fail)?;
    let mut iter = reader
        .select_all_seq()
        .map_err(|e| fail(format!("cannot be read: {e}")))?;
    let (mut features, mut problems) = (Vec::new(), Vec::new());
    let mut index = 0;
    while let Some(f) = iter
        .next()
        .map_err(|e| fail(format!("is cut short or damaged at feature {index}: {e}")))?
    {
        let mut props = Columns(Properties::default());
        if let Err(e) = f.process_properties(&mut props) {
            problems.push(Problem::feature(
                &label,
                index,
                None,
                format!("has attributes that cannot be read: {e}"),
            ));
        }
        match f.to_geo() {
            Ok(g) => features.push(foreign::feature(index, &g, props.0)),
            Err(e) => problems.push(Problem::feature(
                &label,
                index,
                None,
                format!("has no geometry linli can read ({e})"),
            )),
        }
        index += 1;
    }
    if problems.is_empty() {
        Ok(ForeignLayer { features, crs })
    } else {
        Err(problems)
    }
}

/// The CRS in the header: its EPSG code, else its WKT.
fn header_crs<R: std::io::Read>(
    reader: &FgbReader<R>,
) -> Result<Option<crate::project::Crs>, String> {
    let Some(crs) = reader.header().crs() else {
        return Ok(None);
    };
    let epsg = crs.org().is_none_or(|o| o.eq_ignore_ascii_case("EPSG"));
    if epsg && crs.code() > 0 {
        return format!("EPSG:{}", crs.code())
            .parse()
            .map(Some)
            .map_err(|e| format!("declares EPSG:{}, which linli cannot use: {e}", crs.code()));
    }
    match crs.wkt() {
        Some(w) => crate::project::wkt::crs_from_wkt(w)
            .map(Some)
            .map_err(|e| format!("declares a CRS that {e}")),
        None => Ok(None),
    }
}

/// A feature's columns collected as JSON values.
struct Columns(Properties);

impl PropertyProcessor for Columns {
    fn property(&mut self, _i: usize, name: &str, v: &ColumnValue) -> geozero::error::Result<bool> {
        let value = match *v {
            ColumnValue::Byte(x) => Some(x.into()),
            ColumnValue::UByte(x) => Some(x.into()),
            ColumnValue::Bool(x) => Some(x.into()),
            ColumnValue::Short(x) => Some(x.into()),
            ColumnValue::UShort(x) => Some(x.into()),
            ColumnValue::Int(x) => Some(x.into()),
            ColumnValue::UInt(x) => Some(x.into()),
            ColumnValue::Long(x) => Some(x.into()),
            ColumnValue::ULong(x) => Some(x.into()),
            ColumnValue::Float(x) => foreign::number(f64::from(x)),
            ColumnValue::Double(x) => foreign::number(x),
            ColumnValue::String(s) | ColumnValue::DateTime(s) => Some(s.into()),
            ColumnValue::Json(s) => serde_json::from_str(s).ok(),
            ColumnValue::Binary(_) => None,
        };
        if let Some(v) = value {
            self.0.insert(name.to_string(), v);
        }
        Ok(false)
    }
}
