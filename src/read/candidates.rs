//! Candidate sites for new facilities (`--candidates`): a layer of points.

use super::layer::parse_layer;
use crate::error::Problem;
use crate::project::Projector;
use geo::Coord;

/// Reads a candidates layer (Points; other geometries are problems) into
/// metric points with ids (`id`, else `c<index>`).
///
/// ```
/// use linli::project::{Crs, Projector};
/// let p = Projector::new(&Crs::LonLat, 121.0, 31.0).unwrap();
/// let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"a"},"geometry":{"type":"Point","coordinates":[121.0,31.0]}}]}"#;
/// let c = linli::read::candidates::read_candidates("candidates.geojson", text, &p).unwrap();
/// assert_eq!(c[0].0, "a");
/// assert!(c[0].1.x.abs() < 1e-6);
/// ```
pub fn read_candidates(
    file: &str,
    text: &str,
    projector: &Projector,
) -> Result<Vec<(String, Coord<f64>)>, Vec<Problem>> {
    let fs = parse_layer(file, text)?;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for f in fs {
        let id = f.id.clone().unwrap_or_else(|| format!("c{}", f.index));
        match &f.geometry {
            geojson::GeometryValue::Point { coordinates } if coordinates.len() >= 2 => {
                match projector.to_plane(coordinates[0], coordinates[1]) {
                    Ok((x, y)) => out.push((id, Coord { x, y })),
                    Err(e) => {
                        problems.push(Problem::feature(file, f.index, f.id.clone(), e.to_string()))
                    }
                }
            }
            _ => problems.push(
                Problem::feature(file, f.index, f.id.clone(), "is not a Point")
                    .with_hint("candidate sites are points"),
            ),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}
