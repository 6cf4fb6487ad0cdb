//! A layer of ready-made units (parcels, compounds) with households.

use super::feature::RawFeature;
use super::layer::{Converter, parse_layer};
use crate::error::{Error, Problem};
use crate::model::ReadyUnit;
use crate::project::{Crs, InputTransform, Projector};
use serde_json::Value;

/// Property names of a units layer.
#[derive(Debug, Clone)]
pub struct UnitProps {
    /// Households (required).
    pub households: String,
    /// Buildings (optional; 1 per unit with households when absent).
    pub buildings: String,
    /// Barrier group (optional): units of different groups are separated by
    /// a major road or river.
    pub group: String,
}

impl Default for UnitProps {
    fn default() -> Self {
        UnitProps {
            households: "households".into(),
            buildings: "buildings".into(),
            group: "superblock".into(),
        }
    }
}

/// Units read from a layer, with their building counts and the projector.
#[derive(Debug)]
pub struct UnitsLayer {
    /// The units, in input order.
    pub units: Vec<ReadyUnit>,
    /// Buildings per unit.
    pub buildings: Vec<u32>,
    /// Plane ↔ lon/lat.
    pub projector: Projector,
}

fn num(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// One unit and its count of buildings (as given, else one when it has
/// households), or what is wrong with it.
fn read_unit(
    file: &str,
    feat: &RawFeature,
    conv: &Converter,
    props: &UnitProps,
) -> Result<(ReadyUnit, u32), Problem> {
    let problem = |what: String| Problem::feature(file, feat.index, feat.id.clone(), what);
    let area = match conv.areal(&feat.geometry) {
        Some(Ok(a)) => a,
        Some(Err(e)) => return Err(problem(e)),
        None => return Err(problem("is not a Polygon or MultiPolygon".into())),
    };
    let Some(h) =
        num(feat.properties.get(&props.households)).filter(|h| h.is_finite() && *h >= 0.0)
    else {
        let what = format!(
            "{} is missing or not a non-negative number",
            props.households
        );
        return Err(problem(what)
            .with_hint("units need households; name the property with --households-prop"));
    };
    let h = h.round() as u64;
    let b = num(feat.properties.get(&props.buildings))
        .filter(|b| b.is_finite() && *b >= 0.0)
        .map(|b| b.round() as u32)
        .unwrap_or(u32::from(h > 0));
    let group = feat.properties.get(&props.group).and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    });
    let unit = ReadyUnit {
        area,
        households: h,
        group,
    };
    Ok((unit, b))
}

/// Reads a units layer. The CRS is `crs`, else the file's legacy `crs`
/// member, else lon/lat.
pub fn read_units(
    file: &str,
    text: &str,
    crs: Option<&str>,
    props: &UnitProps,
) -> Result<UnitsLayer, Error> {
    let features = parse_layer(file, text).map_err(Error::Input)?;
    let declared = serde_json::from_str::<Value>(text).ok().and_then(|v| {
        v.get("crs")?
            .get("properties")?
            .get("name")?
            .as_str()
            .map(str::to_string)
    });
    let crs: Crs = match crs.map(str::to_string).or(declared) {
        Some(c) => c.parse().map_err(Error::Projection)?,
        None => Crs::LonLat,
    };
    let input = InputTransform::new(&crs)?;
    let Some((lo, hi)) = super::layer::extent(&features) else {
        return Err(Error::Input(vec![Problem::file(
            file,
            "has no coordinates",
        )]));
    };
    let (cx, cy) = ((lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0);
    let (olon, olat) = input.to_lonlat(cx, cy)?;
    let projector = Projector::new(&crs, olon, olat)?.fitted_to(lo, hi);
    let exact_or_fitted = projector.clone();
    let f = super::layer::plane_fn(&exact_or_fitted);
    let conv = Converter { f: &f };
    let mut problems = Vec::new();
    let mut units = Vec::with_capacity(features.len());
    let mut buildings = Vec::with_capacity(features.len());
    for feat in &features {
        match read_unit(file, feat, &conv, props) {
            Ok((unit, b)) => {
                units.push(unit);
                buildings.push(b);
            }
            Err(p) => problems.push(p),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    Ok(UnitsLayer {
        units,
        buildings,
        projector,
    })
}
