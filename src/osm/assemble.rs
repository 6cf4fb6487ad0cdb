//! Geometries from node references: line runs, closed-way areas and
//! multipolygon relations (outer/inner rings joined end to end), on the
//! local metric plane.

use super::pbf::{Relation, Way};
use geo::{Contains, Coord, LineString, MultiPolygon, Point, Polygon, Validation};
use std::collections::HashMap;

/// Node id → position on the local plane (metres).
pub type NodeIndex = HashMap<i64, Coord<f64>>;

/// Why an area could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaDrop {
    /// A way that does not end where it starts.
    NotClosed,
    /// Some nodes or member ways are outside the extract.
    Incomplete,
    /// The rings do not join into closed rings.
    OpenRings,
    /// A self-intersecting or otherwise invalid polygon.
    Invalid,
}

impl AreaDrop {
    /// The reason as a key of the import's `dropped` counts.
    ///
    /// ```
    /// assert_eq!(linli::osm::assemble::AreaDrop::Invalid.key(), "invalid_polygon");
    /// ```
    pub fn key(self) -> &'static str {
        match self {
            AreaDrop::NotClosed => "area_not_closed",
            AreaDrop::Incomplete => "area_missing_nodes",
            AreaDrop::OpenRings => "relation_open_rings",
            AreaDrop::Invalid => "invalid_polygon",
        }
    }
}

fn line(refs: &[i64], nodes: &NodeIndex) -> Vec<Coord<f64>> {
    let mut out: Vec<Coord<f64>> = Vec::with_capacity(refs.len());
    for r in refs {
        if let Some(&c) = nodes.get(r)
            && out.last() != Some(&c)
        {
            out.push(c);
        }
    }
    out
}

/// The runs of known nodes of a way (≥ 2 distinct points each) and whether
/// every node was known.
///
/// ```
/// use geo::Coord;
/// use linli::osm::assemble::{way_runs, NodeIndex};
/// let nodes: NodeIndex = [(1, Coord { x: 0.0, y: 0.0 }), (2, Coord { x: 1.0, y: 0.0 }),
///     (4, Coord { x: 3.0, y: 0.0 }), (5, Coord { x: 4.0, y: 0.0 })].into();
/// let (runs, complete) = way_runs(&[1, 2, 3, 4, 5], &nodes);
/// assert_eq!((runs.len(), complete), (2, false));
/// ```
pub fn way_runs(refs: &[i64], nodes: &NodeIndex) -> (Vec<LineString<f64>>, bool) {
    let mut runs = Vec::new();
    let mut complete = true;
    let mut start = 0;
    for (i, r) in refs.iter().enumerate() {
        if !nodes.contains_key(r) {
            complete = false;
            runs.push(&refs[start..i]);
            start = i + 1;
        }
    }
    runs.push(&refs[start.min(refs.len())..]);
    let lines = runs
        .into_iter()
        .map(|run| line(run, nodes))
        .filter(|c| c.len() >= 2)
        .map(LineString::new)
        .collect();
    (lines, complete)
}

/// A closed way's polygon, valid, or why not.
///
/// ```
/// use geo::Coord;
/// use linli::osm::assemble::{way_polygon, NodeIndex};
/// let nodes: NodeIndex = [(1, Coord { x: 0.0, y: 0.0 }), (2, Coord { x: 10.0, y: 0.0 }),
///     (3, Coord { x: 10.0, y: 10.0 })].into();
/// assert!(way_polygon(&[1, 2, 3, 1], &nodes).is_ok());
/// ```
pub fn way_polygon(refs: &[i64], nodes: &NodeIndex) -> Result<Polygon<f64>, AreaDrop> {
    if refs.len() < 4 || refs.first() != refs.last() {
        return Err(AreaDrop::NotClosed);
    }
    if refs.iter().any(|r| !nodes.contains_key(r)) {
        return Err(AreaDrop::Incomplete);
    }
    let p = Polygon::new(LineString::new(line(refs, nodes)), vec![]);
    if p.exterior().0.len() < 4 || !p.is_valid() {
        return Err(AreaDrop::Invalid);
    }
    Ok(p)
}

/// Joins way segments (node-id lists) end to end into closed rings.
fn join_rings(mut rest: Vec<Vec<i64>>) -> Option<Vec<Vec<i64>>> {
    rest.retain(|s| s.len() >= 2);
    rest.reverse(); // pop takes them in member order
    let mut rings = Vec::new();
    while let Some(mut cur) = rest.pop() {
        loop {
            let (first, last) = (cur[0], cur[cur.len() - 1]);
            if cur.len() >= 4 && first == last {
                rings.push(cur);
                break;
            }
            let at = rest
                .iter()
                .rposition(|s| s[0] == last || s[s.len() - 1] == last)?;
            let mut next = rest.remove(at);
            if next[0] != last {
                next.reverse();
            }
            cur.extend_from_slice(&next[1..]);
        }
    }
    Some(rings)
}

/// A multipolygon (or boundary) relation's polygons, valid, or why not.
///
/// ```
/// use geo::Coord;
/// use linli::osm::assemble::{relation_polygons, NodeIndex};
/// use linli::osm::pbf::{Member, Relation, Way};
/// let nodes: NodeIndex = [(1, Coord { x: 0.0, y: 0.0 }), (2, Coord { x: 10.0, y: 0.0 }),
///     (3, Coord { x: 10.0, y: 10.0 })].into();
/// let ways = vec![
///     Way { id: 10, refs: vec![1, 2], tags: Default::default() },
///     Way { id: 11, refs: vec![1, 3, 2], tags: Default::default() },
/// ];
/// let by_id = ways.iter().map(|w| (w.id, w)).collect();
/// let member = |id| Member { is_way: true, id, role: "outer".into() };
/// let rel = Relation { id: 1, members: vec![member(10), member(11)], tags: Default::default() };
/// assert_eq!(relation_polygons(&rel, &by_id, &nodes).unwrap().0.len(), 1);
/// ```
pub fn relation_polygons(
    rel: &Relation,
    ways: &HashMap<i64, &Way>,
    nodes: &NodeIndex,
) -> Result<MultiPolygon<f64>, AreaDrop> {
    polygons_of(rel, ways, nodes, false)
}

/// The polygons of a relation some of whose member ways are not in the
/// extract at all, when the ways that are there (each with all its nodes)
/// close into valid rings by themselves: e.g. a municipality whose
/// exclave, or a stretch of border shared with nothing in the extract,
/// was left out. A member way cut by the extract is an error, as in
/// [`relation_polygons`].
///
/// ```
/// use geo::Coord;
/// use linli::osm::assemble::{relation_polygons, relation_polygons_present, NodeIndex};
/// use linli::osm::pbf::{Member, Relation, Way};
/// let nodes: NodeIndex = [(1, Coord { x: 0.0, y: 0.0 }), (2, Coord { x: 10.0, y: 0.0 }),
///     (3, Coord { x: 10.0, y: 10.0 })].into();
/// let ways = vec![Way { id: 10, refs: vec![1, 2, 3, 1], tags: Default::default() }];
/// let by_id = ways.iter().map(|w| (w.id, w)).collect();
/// let member = |id| Member { is_way: true, id, role: "outer".into() };
/// // Way 99 (an exclave far away) is not in the extract.
/// let rel = Relation { id: 1, members: vec![member(10), member(99)], tags: Default::default() };
/// assert!(relation_polygons(&rel, &by_id, &nodes).is_err());
/// assert_eq!(relation_polygons_present(&rel, &by_id, &nodes).unwrap().0.len(), 1);
/// ```
pub fn relation_polygons_present(
    rel: &Relation,
    ways: &HashMap<i64, &Way>,
    nodes: &NodeIndex,
) -> Result<MultiPolygon<f64>, AreaDrop> {
    polygons_of(rel, ways, nodes, true)
}

fn polygons_of(
    rel: &Relation,
    ways: &HashMap<i64, &Way>,
    nodes: &NodeIndex,
    skip_absent: bool,
) -> Result<MultiPolygon<f64>, AreaDrop> {
    let (mut outer, mut inner) = (Vec::new(), Vec::new());
    for m in rel.members.iter().filter(|m| m.is_way) {
        let Some(w) = ways.get(&m.id) else {
            if skip_absent {
                continue;
            }
            return Err(AreaDrop::Incomplete);
        };
        if w.refs.iter().any(|r| !nodes.contains_key(r)) {
            return Err(AreaDrop::Incomplete);
        }
        match m.role.as_str() {
            "inner" => inner.push(w.refs.clone()),
            "outer" | "" => outer.push(w.refs.clone()),
            _ => {}
        }
    }
    let outer = join_rings(outer).ok_or(AreaDrop::OpenRings)?;
    let inner = join_rings(inner).ok_or(AreaDrop::OpenRings)?;
    if outer.is_empty() {
        return Err(AreaDrop::Incomplete);
    }
    let mut polys: Vec<Polygon<f64>> = outer
        .iter()
        .map(|r| Polygon::new(LineString::new(line(r, nodes)), vec![]))
        .collect();
    for r in &inner {
        let ring = LineString::new(line(r, nodes));
        let Some(&probe) = ring.0.first() else {
            continue;
        };
        if let Some(p) = polys.iter_mut().find(|p| p.contains(&Point(probe))) {
            p.interiors_push(ring);
        }
    }
    let mp = MultiPolygon(polys);
    if mp.0.iter().any(|p| p.exterior().0.len() < 4) || !mp.is_valid() {
        return Err(AreaDrop::Invalid);
    }
    Ok(mp)
}
