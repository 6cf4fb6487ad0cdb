//! The staffing stage's outputs: staffing.csv and worker_patches.geojson.

use super::geojson::{OutGeometry, feature_collection, fmt_num};
use super::write_atomic;
use crate::dissolve::dissolve;
use crate::error::Error;
use crate::model::Planned;
use crate::read::Loaded;
use crate::staffing::{StaffingPlan, StaffingRow};
use serde_json::{Map, json};
use std::path::{Path, PathBuf};

fn csv_row(level: &str, r: &StaffingRow) -> String {
    let status = serde_json::to_value(r.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    format!(
        "{level},{},{},{},{},{},{},{},{},{}\n",
        csv_field(&r.id),
        csv_field(&r.street),
        r.neighborhoods,
        r.households,
        r.workers.map_or(String::new(), |w| w.to_string()),
        r.neighborhoods_per_worker
            .map_or(String::new(), |v| fmt_num(v, 2)),
        status,
        r.workers_missing,
        r.workers_surplus
    )
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The text of staffing.csv: the community rows, the street rows, the
/// district row.
pub fn staffing_csv(
    communities: &[StaffingRow],
    streets: &[StaffingRow],
    district: &StaffingRow,
) -> String {
    // A byte-order mark: Excel on Chinese Windows reads the names as UTF-8.
    let mut csv = String::from(
        "\u{feff}level,id,street,neighborhoods,households,workers,neighborhoods_per_worker,status,workers_missing,workers_surplus\n",
    );
    for r in communities {
        csv.push_str(&csv_row("community", r));
    }
    for r in streets {
        csv.push_str(&csv_row("street", r));
    }
    csv.push_str(&csv_row("district", district));
    csv
}

/// Writes staffing.csv and worker_patches.geojson into `out`.
pub fn write_staffing(
    out: &Path,
    loaded: &Loaded,
    planned: &Planned,
    plan: &StaffingPlan,
) -> Result<Vec<PathBuf>, Error> {
    let csv = staffing_csv(&plan.communities, &plan.streets, &plan.district);
    let csv_path = out.join("staffing.csv");
    write_atomic(&csv_path, csv.as_bytes())?;

    // Patch shapes: blocks dissolved by the patch of their neighborhood.
    let group: Vec<usize> = planned
        .partition
        .block_neighborhood
        .iter()
        .map(|&n| {
            plan.neighborhood_patch
                .get(n)
                .copied()
                .unwrap_or(usize::MAX)
        })
        .collect();
    let shapes = dissolve(&planned.blocks, &group, plan.patches.len());
    let s = &loaded.scenario;
    let features = plan.patches.iter().zip(shapes).map(|(p, d)| {
        let mut m = Map::new();
        m.insert("id".into(), json!(p.id));
        m.insert("community".into(), json!(s.communities[p.community].id));
        m.insert("households".into(), json!(p.households));
        m.insert("neighborhood_count".into(), json!(p.neighborhoods.len()));
        m.insert(
            "neighborhoods".into(),
            super::geojson::list(
                p.neighborhoods
                    .iter()
                    .map(|&n| &planned.partition.neighborhoods[n].id),
            ),
        );
        let g = if d.area.0.len() == 1 {
            OutGeometry::Polygon(d.area.0[0].clone())
        } else {
            OutGeometry::MultiPolygon(d.area)
        };
        (g, m)
    });
    let patch_path = out.join("worker_patches.geojson");
    write_atomic(
        &patch_path,
        feature_collection(&loaded.projector, features).as_bytes(),
    )?;
    Ok(vec![csv_path, patch_path])
}
