//! What the editor page draws, as lon/lat GeoJSON: the blocks (cells of
//! split blocks included), the roads, water and rail, and each
//! neighborhood's dissolved shape.

use crate::edit::{Editor, figures};
use crate::model::BarrierKind;
use geo::{LineString, Polygon};
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn ring(ed: &Editor, r: &LineString<f64>) -> Value {
    let p = &ed.loaded.projector;
    Value::Array(
        r.0.iter()
            .map(|c| {
                let (lon, lat) = p.to_lonlat(c.x, c.y);
                json!([(lon * 1e7).round() / 1e7, (lat * 1e7).round() / 1e7])
            })
            .collect(),
    )
}

fn polygon(ed: &Editor, poly: &Polygon<f64>) -> Value {
    Value::Array(
        std::iter::once(poly.exterior())
            .chain(poly.interiors())
            .map(|r| ring(ed, r))
            .collect(),
    )
}

/// The slots as the page lists them: id, community, locked.
pub fn slots(ed: &Editor) -> Vec<Value> {
    ed.slots
        .iter()
        .map(|s| json!({"id": s.id, "community": s.community, "locked": s.locked, "alive": !s.blocks.is_empty()}))
        .collect()
}

/// The dissolved shape of every slot, rebuilt for the communities in
/// `touched` and taken from `previous` for the others.
pub fn outlines(ed: &Editor, touched: &BTreeSet<usize>, mut previous: Vec<Value>) -> Vec<Value> {
    let set = &ed.planned.blocks;
    let group: Vec<usize> = (0..ed.owner.len())
        .map(|b| {
            if touched.contains(&set.blocks[b].community) {
                ed.owner[b]
            } else {
                usize::MAX
            }
        })
        .collect();
    let shapes = crate::dissolve::dissolve(set, &group, ed.slots.len());
    previous.resize(ed.slots.len(), Value::Null);
    for (k, d) in shapes.iter().enumerate() {
        if !touched.contains(&ed.slots[k].community) {
            continue;
        }
        previous[k] = feature(ed, k, &ed.slots[k].id, &d.area);
    }
    previous
}

/// Slot `k`'s shape as a GeoJSON feature (null when empty).
fn feature(ed: &Editor, k: usize, id: &str, area: &geo::MultiPolygon<f64>) -> Value {
    if area.0.is_empty() {
        return Value::Null;
    }
    json!({
        "type": "Feature",
        "properties": {"slot": k, "id": id},
        "geometry": {"type": "MultiPolygon", "coordinates": area.0.iter().map(|p| polygon(ed, p)).collect::<Vec<_>>()},
    })
}

/// The neighborhoods as the plan was loaded (the page's side-by-side
/// comparison draws them over the edited ones).
pub fn loaded_outlines(ed: &Editor) -> Vec<Value> {
    let hoods = &ed.planned.partition.neighborhoods;
    crate::dissolve::dissolve(&ed.planned.blocks, &ed.as_loaded, hoods.len())
        .iter()
        .enumerate()
        .map(|(k, d)| feature(ed, k, &hoods[k].id, &d.area))
        .collect()
}

/// The outlines of community `c`'s slots (empty ones as null, so the page
/// removes them).
pub fn community_outlines(ed: &Editor, outlines: &[Value], c: usize) -> Vec<Value> {
    (0..ed.slots.len())
        .filter(|&k| ed.slots[k].community == c)
        .map(|k| json!({"slot": k, "feature": outlines.get(k).cloned().unwrap_or(Value::Null)}))
        .collect()
}

/// The whole state the page starts from, as JSON text.
pub fn state(ed: &Editor, outlines: &[Value], loaded: &[Value]) -> String {
    let s = &ed.loaded.scenario;
    let blocks: Vec<Value> = ed
        .planned
        .blocks
        .blocks
        .iter()
        .enumerate()
        .map(|(b, block)| {
            json!({"type": "Feature", "properties": {"b": b, "c": block.community, "id": block.id,
                "households": block.households, "buildings": block.buildings.len()},
                "geometry": {"type": "Polygon", "coordinates": polygon(ed, &block.polygon)}})
        })
        .collect();
    let lines: Vec<Value> = s
        .barriers
        .iter()
        .filter(|l| {
            matches!(
                l.barrier.kind,
                BarrierKind::Road | BarrierKind::Water | BarrierKind::Rail
            )
        })
        .map(|l| {
            let kind = format!("{:?}", l.barrier.kind).to_lowercase();
            json!({"type": "Feature", "properties": {"kind": kind, "level": l.barrier.level},
                "geometry": {"type": "LineString", "coordinates": ring(ed, &l.line)}})
        })
        .collect();
    let (undo, redo) = ed.history();
    let body = json!({
        "version": ed.version,
        "undo": undo,
        "redo": redo,
        "communities": s.communities.iter().map(|c| json!({"id": c.id, "name": c.name})).collect::<Vec<_>>(),
        "slots": slots(ed),
        "owner": ed.owner,
        "blocks": {"type": "FeatureCollection", "features": blocks},
        "lines": {"type": "FeatureCollection", "features": lines},
        "outlines": outlines,
        "loaded": loaded,
        "figures": (0..s.communities.len()).map(|c| figures::community(ed, c)).collect::<Vec<_>>(),
    });
    body.to_string()
}
