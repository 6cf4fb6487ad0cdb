//! The audit's and the redraw's outputs: audit.geojson, audit_gaps.geojson,
//! audit_overlaps.geojson, audit_summary.json; the redrawn
//! neighborhoods.geojson and redraw_summary.json.

use super::geojson::{OutGeometry, feature_collection};
use super::{write_atomic, write_json};
use crate::audit::grid::Piece;
use crate::audit::{Audit, CommunityAudit};
use crate::error::Error;
use crate::model::Parcel;
use crate::read::Loaded;
use crate::redraw::{Change, Moved, Redrawn};
use geo::MultiPolygon;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

fn shape(m: &MultiPolygon<f64>) -> OutGeometry {
    if m.0.len() == 1 {
        OutGeometry::Polygon(m.0[0].clone())
    } else {
        OutGeometry::MultiPolygon(m.clone())
    }
}

fn r2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// One cut building in audit_summary.json.
#[derive(Debug, Clone, Serialize)]
pub struct CutRow {
    /// Building id.
    pub building: String,
    /// Its households.
    pub households: u32,
    /// Neighborhoods counting its households.
    pub counted_in: Vec<String>,
    /// Neighborhoods its footprint lies in, with the share of it.
    pub shares: Vec<(String, f64)>,
}

/// audit_summary.json.
#[derive(Debug, Clone, Serialize)]
pub struct AuditSummary {
    /// Scenario name.
    pub scenario: String,
    /// The settings used (sliver area and width, border distance).
    pub settings: crate::config::AuditSettings,
    /// Over every community.
    pub overall: CommunityAudit,
    /// Per community.
    pub communities: Vec<CommunityAudit>,
    /// Ids of the neighborhoods with a hard flag, with their flags.
    pub non_compliant: Vec<(String, Vec<String>)>,
    /// Buildings cut by a neighborhood border.
    pub cut_buildings: Vec<CutRow>,
}

/// The summary of an audit.
pub fn audit_summary(loaded: &Loaded, audit: &Audit) -> AuditSummary {
    let s = &loaded.scenario;
    let ids = |v: &[usize]| -> Vec<String> {
        v.iter()
            .map(|&i| audit.neighborhoods[i].id.clone())
            .collect()
    };
    AuditSummary {
        scenario: loaded.config.name.clone(),
        settings: loaded.config.audit.clone(),
        overall: audit.overall.clone(),
        communities: audit.communities.clone(),
        non_compliant: audit
            .neighborhoods
            .iter()
            .filter(|f| !f.compliant)
            .map(|f| (f.id.clone(), f.flags.clone()))
            .collect(),
        cut_buildings: audit
            .cut
            .iter()
            .map(|c| CutRow {
                building: s.buildings[c.building].id.clone(),
                households: s.buildings[c.building].households,
                counted_in: ids(&c.counted_in),
                shares: c
                    .shares
                    .iter()
                    .map(|&(h, sh)| (audit.neighborhoods[h].id.clone(), (sh * 1e4).round() / 1e4))
                    .collect(),
            })
            .collect(),
    }
}

fn piece_features<'a>(
    loaded: &'a Loaded,
    audit: &'a Audit,
    pieces: &'a [Piece],
    kind: &'a str,
) -> impl Iterator<Item = (OutGeometry, Map<String, Value>)> + 'a {
    pieces.iter().enumerate().map(move |(i, p)| {
        let mut m = Map::new();
        m.insert("id".into(), json!(format!("{kind}{:03}", i + 1)));
        m.insert("kind".into(), json!(kind));
        m.insert(
            "community".into(),
            json!(loaded.scenario.communities[p.community].id),
        );
        m.insert("area_m2".into(), json!(r2(p.area_m2)));
        m.insert("households".into(), json!(p.households));
        m.insert("buildings".into(), json!(p.buildings));
        m.insert("sliver".into(), json!(p.sliver));
        if !p.holders.is_empty() {
            let ids: Vec<&str> = p
                .holders
                .iter()
                .map(|&h| audit.neighborhoods[h].id.as_str())
                .collect();
            m.insert("neighborhoods".into(), json!(ids));
        }
        (shape(&p.area), m)
    })
}

/// Writes audit.geojson, audit_gaps.geojson, audit_overlaps.geojson and
/// audit_summary.json into `out`; returns the paths written.
pub fn write_audit(
    out: &Path,
    loaded: &Loaded,
    grid: &[Parcel],
    audit: &Audit,
) -> Result<Vec<PathBuf>, Error> {
    let s = &loaded.scenario;
    let features = grid.iter().zip(&audit.neighborhoods).map(|(p, f)| {
        let Ok(Value::Object(mut m)) = serde_json::to_value(f) else {
            unreachable!("figures serialize to an object")
        };
        m.remove("border");
        for (k, v) in [
            ("border_m", f.border.total_m),
            ("border_community_m", f.border.community_m),
            ("border_road_m", f.border.road_m),
            ("border_water_m", f.border.water_m),
            ("border_rail_m", f.border.rail_m),
            ("border_landmark_m", f.border.landmark_m),
        ] {
            m.insert(k.into(), json!(r2(v)));
        }
        let com = f.community.map(|c| &s.communities[c]);
        m.insert("community".into(), json!(com.map(|c| c.id.as_str())));
        m.insert("street".into(), json!(com.map(|c| c.street.as_str())));
        let reached: Vec<&str> = f
            .community_areas
            .iter()
            .filter(|(_, a)| *a >= loaded.config.audit.sliver_m2)
            .map(|&(c, _)| s.communities[c].id.as_str())
            .collect();
        m.insert("communities".into(), super::geojson::list(reached));
        // The neighborhoods it overlaps, and the area they share in all
        // (each piece is in audit_overlaps.geojson).
        m.insert(
            "overlaps".into(),
            super::geojson::list(f.overlaps.iter().map(|&(o, _)| &audit.neighborhoods[o].id)),
        );
        m.insert(
            "overlap_m2".into(),
            // + 0.0: an empty float sum is -0.0.
            json!(r2(f.overlaps.iter().map(|&(_, a)| a).sum::<f64>() + 0.0)),
        );
        m.insert("flags".into(), super::geojson::list(&f.flags));
        (shape(&p.area), m)
    });
    let mut written = Vec::new();
    let path = out.join("audit.geojson");
    write_atomic(
        &path,
        feature_collection(&loaded.projector, features).as_bytes(),
    )?;
    written.push(path);
    for (name, pieces, kind) in [
        ("audit_gaps.geojson", &audit.gaps, "gap"),
        ("audit_overlaps.geojson", &audit.overlaps, "overlap"),
    ] {
        let path = out.join(name);
        let text = feature_collection(
            &loaded.projector,
            piece_features(loaded, audit, pieces, kind),
        );
        write_atomic(&path, text.as_bytes())?;
        written.push(path);
    }
    let path = out.join("audit_summary.json");
    write_json(&path, &audit_summary(loaded, audit))?;
    written.push(path);
    Ok(written)
}

/// One neighborhood of the redrawn grid in redraw_summary.json.
#[derive(Debug, Clone, Serialize)]
pub struct RedrawRow {
    /// Id (inherited or new).
    pub id: String,
    /// Community id.
    pub community: String,
    /// What happened to it.
    pub change: Change,
    /// Households now.
    pub households: u64,
}

/// redraw_summary.json.
#[derive(Debug, Clone, Serialize)]
pub struct RedrawSummary {
    /// Scenario name.
    pub scenario: String,
    /// Neighborhoods before and after.
    pub neighborhoods_before: usize,
    /// After.
    pub neighborhoods_after: usize,
    /// Kept as they were.
    pub kept: usize,
    /// Core kept, border adjusted (gap filled, overlap or stray piece left).
    pub adjusted: usize,
    /// Re-partitioned, id inherited.
    pub redrawn: usize,
    /// Re-partitioned, new id.
    pub new: usize,
    /// Old ids no longer in the grid.
    pub removed: Vec<String>,
    /// Households moved by the ids written.
    pub households: Moved,
    /// Households moved when the redrawn grid is matched one-to-one with the
    /// old one the way a from-scratch partition is (the fair comparison).
    pub households_matched: Moved,
    /// The same figure for a from-scratch partition of the same scenario,
    /// matched one-to-one with the old grid (when computed).
    pub from_scratch: Option<Moved>,
    /// moved / from-scratch moved.
    pub moved_ratio_to_scratch: Option<f64>,
    /// Audit of the grid before.
    pub before: CommunityAudit,
    /// Audit of the redrawn grid.
    pub after: CommunityAudit,
    /// Every neighborhood of the redrawn grid.
    pub rows: Vec<RedrawRow>,
}

/// Builds redraw_summary.json's content.
pub fn redraw_summary(
    loaded: &Loaded,
    grid: &[Parcel],
    redrawn: &Redrawn,
    before: &Audit,
    after: &Audit,
    matched: Moved,
    from_scratch: Option<Moved>,
) -> RedrawSummary {
    let count = |c: Change| redrawn.change.iter().filter(|&&x| x == c).count();
    let n = &redrawn.planned.partition.neighborhoods;
    RedrawSummary {
        scenario: loaded.config.name.clone(),
        neighborhoods_before: grid.len(),
        neighborhoods_after: n.len(),
        kept: count(Change::Kept),
        adjusted: count(Change::Adjusted),
        redrawn: count(Change::Redrawn),
        new: count(Change::New),
        removed: redrawn
            .removed
            .iter()
            .map(|&o| grid[o].id.clone())
            .collect(),
        households: redrawn.moved,
        households_matched: matched,
        from_scratch,
        moved_ratio_to_scratch: from_scratch
            .filter(|s| s.moved > 0)
            .map(|s| (matched.moved as f64 / s.moved as f64 * 1e4).round() / 1e4),
        before: before.overall.clone(),
        after: after.overall.clone(),
        rows: n
            .iter()
            .zip(&redrawn.change)
            .map(|(nb, &c)| RedrawRow {
                id: nb.id.clone(),
                community: loaded.scenario.communities[nb.community].id.clone(),
                change: c,
                households: nb.households,
            })
            .collect(),
    }
}

/// Writes the redrawn neighborhoods.geojson (the partition's properties),
/// partition_summary.json and redraw_summary.json; returns the paths.
pub fn write_redraw(
    out: &Path,
    loaded: &Loaded,
    summary: &RedrawSummary,
    (redrawn, roster): (&Redrawn, &crate::roster::Roster),
) -> Result<Vec<PathBuf>, Error> {
    let change = |k: usize, p: &mut serde_json::Map<String, serde_json::Value>| {
        p.insert("change".into(), serde_json::json!(redrawn.change[k]));
    };
    let mut written = super::neighborhoods::write_neighborhoods_coded(
        out,
        loaded,
        &redrawn.planned,
        None,
        (Some(roster), &change),
    )?;
    let n = redrawn.planned.partition.neighborhoods.len();
    written.extend(super::roster::write_roster(
        out,
        &super::roster::RosterInput {
            loaded,
            planned: &redrawn.planned,
            roster,
            patch_of: vec![String::new(); n],
            office_m: vec![None; n],
            flags: redrawn
                .planned
                .partition
                .neighborhoods
                .iter()
                .map(|x| x.flags.clone())
                .collect(),
        },
    )?);
    let path = out.join("redraw_summary.json");
    write_json(&path, summary)?;
    written.push(path);
    Ok(written)
}
