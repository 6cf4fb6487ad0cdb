//! Communities from an extract: admin boundaries assembled and clipped to
//! the extract (cut ones closed along its edge), and, where boundaries are
//! missing or a unit is too large, communities derived from the major-road
//! network merged up to a community's size. Together they tile the
//! extract: no building falls outside every community.

use super::assemble::NodeIndex;
use super::context::{locate, LandIndex, Places};
use super::homes::Home;
use super::pbf::{Relation, Way};
use crate::blocks::{noding::node, polygonize::polygonize};
use crate::config::OsmSettings;
use crate::model::{Barrier, BarrierKind, BarrierLine};
use geo::{
    Area, BooleanOps, BoundingRect, Contains, Coord, InteriorPoint, LineString, MultiPolygon,
    Point, Polygon, Rect,
};
use std::collections::{BTreeMap, HashMap};

/// Noding tolerance for boundaries, metres.
const TOLERANCE: f64 = 0.05;

/// One community before it is written.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Stable id: `r<relation>` for admin units, `D<n>` for derived ones.
    pub id: String,
    /// `name`, when known.
    pub name: Option<String>,
    /// `name:zh`, when known.
    pub name_zh: Option<String>,
    /// The admin level it came from.
    pub admin_level: Option<u8>,
    /// `admin`, `admin_clipped` (cut by the extract's edge), `admin_split`
    /// (a part of a unit too large for one community) or `derived`.
    pub source: &'static str,
    /// Its area, metres.
    pub area: MultiPolygon<f64>,
    /// Properties kept from a communities file.
    pub properties: serde_json::Map<String, serde_json::Value>,
}

fn mp_area(m: &MultiPolygon<f64>) -> f64 {
    m.unsigned_area()
}

fn rect_ring(r: &Rect<f64>) -> LineString<f64> {
    r.to_polygon().exterior().clone()
}

/// The nearest point on the rectangle's border.
fn to_border(p: Coord<f64>, r: &Rect<f64>) -> Coord<f64> {
    let (lo, hi) = (r.min(), r.max());
    let d = [p.x - lo.x, hi.x - p.x, p.y - lo.y, hi.y - p.y];
    let k = (0..4).min_by(|&a, &b| d[a].total_cmp(&d[b])).unwrap_or(0);
    match k {
        0 => Coord { x: lo.x, y: p.y },
        1 => Coord { x: hi.x, y: p.y },
        2 => Coord { x: p.x, y: lo.y },
        _ => Coord { x: p.x, y: hi.y },
    }
}

/// The runs of an incomplete relation's member ways, each loose end
/// extended to the extract's border.
fn boundary_runs(
    rel: &Relation,
    ways: &HashMap<i64, &Way>,
    nodes: &NodeIndex,
    rect: &Rect<f64>,
) -> Vec<LineString<f64>> {
    let mut runs: Vec<Vec<i64>> = Vec::new();
    for m in rel.members.iter().filter(|m| m.is_way) {
        if !matches!(m.role.as_str(), "outer" | "inner" | "") {
            continue;
        }
        let Some(w) = ways.get(&m.id) else { continue };
        let mut cur = Vec::new();
        for r in &w.refs {
            if nodes.contains_key(r) {
                cur.push(*r);
            } else if !cur.is_empty() {
                runs.push(std::mem::take(&mut cur));
            }
        }
        if !cur.is_empty() {
            runs.push(cur);
        }
    }
    let mut ends: HashMap<i64, usize> = HashMap::new();
    for r in &runs {
        if r.first() != r.last() {
            for id in [r[0], r[r.len() - 1]] {
                *ends.entry(id).or_insert(0) += 1;
            }
        }
    }
    let mut out = Vec::new();
    for r in runs {
        let mut pts: Vec<Coord<f64>> = r.iter().map(|id| nodes[id]).collect();
        pts.dedup();
        if r.first() != r.last() {
            if ends[&r[0]] == 1 {
                pts.insert(0, to_border(pts[0], rect));
            }
            if ends[&r[r.len() - 1]] == 1 {
                let last = pts[pts.len() - 1];
                pts.push(to_border(last, rect));
            }
        }
        pts.dedup();
        if pts.len() >= 2 {
            out.push(LineString::new(pts));
        }
    }
    out
}

/// Faces of lines plus the rectangle's border, 2-coloured across the lines
/// (`class[f]` is 0 or 1): one class is inside the unit, the other outside.
fn two_classes(lines: &[LineString<f64>], rect: &Rect<f64>) -> (Vec<Polygon<f64>>, Vec<u8>) {
    let mark = |kind, l: &LineString<f64>| BarrierLine {
        line: l.clone(),
        barrier: Barrier { level: 1, kind },
    };
    let mut all: Vec<BarrierLine> = lines
        .iter()
        .map(|l| mark(BarrierKind::Community, l))
        .collect();
    all.push(mark(BarrierKind::Cell, &rect_ring(rect)));
    let net = node(&all, TOLERANCE);
    let faces = polygonize(&net);
    let n = faces.faces.len();
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (e, sides) in faces.edge_faces.iter().enumerate() {
        if net.edges[e].barrier.kind != BarrierKind::Community {
            continue;
        }
        if let [Some(a), Some(b)] = *sides {
            if a != b {
                adj[a].push(b);
                adj[b].push(a);
            }
        }
    }
    let mut class = vec![u8::MAX; n];
    for s in 0..n {
        if class[s] != u8::MAX {
            continue;
        }
        class[s] = 0;
        let mut stack = vec![s];
        while let Some(f) = stack.pop() {
            for &g in &adj[f] {
                if class[g] == u8::MAX {
                    class[g] = 1 - class[f];
                    stack.push(g);
                }
            }
        }
    }
    (faces.faces.into_iter().map(|f| f.polygon).collect(), class)
}

/// An admin relation's area within the extract, or `None` when nothing of
/// it can be built. `hints` are points known to be inside it (its label
/// and admin-centre nodes, place nodes of the same name); `clipped` says
/// whether the extract's edge cut it.
pub fn admin_area(
    rel: &Relation,
    ways: &HashMap<i64, &Way>,
    nodes: &NodeIndex,
    rect: &Rect<f64>,
    hints: &[Coord<f64>],
) -> Option<(Vec<MultiPolygon<f64>>, bool)> {
    let bounds = MultiPolygon(vec![rect.to_polygon()]);
    if let Ok(mp) = super::assemble::relation_polygons(rel, ways, nodes) {
        let inside = mp.intersection(&bounds);
        let clipped = (mp_area(&inside) - mp_area(&mp)).abs() > 1.0;
        return (mp_area(&inside) > 1.0).then(|| (vec![inside], clipped));
    }
    let runs = boundary_runs(rel, ways, nodes, rect);
    if runs.is_empty() {
        return None;
    }
    let (faces, class) = two_classes(&runs, rect);
    if faces.is_empty() {
        return None;
    }
    let side = |c: u8| {
        MultiPolygon(
            faces
                .iter()
                .zip(&class)
                .filter(|(_, &k)| k == c)
                .map(|(p, _)| p.clone())
                .collect(),
        )
    };
    let (a, b) = (side(0), side(1));
    let votes = |m: &MultiPolygon<f64>| hints.iter().filter(|h| m.contains(&Point(**h))).count();
    let (va, vb) = (votes(&a), votes(&b));
    let cands = if va > vb {
        vec![a]
    } else if vb > va {
        vec![b]
    } else {
        // No evidence: both sides go on; the level's other units decide.
        vec![a, b]
    };
    let cands: Vec<MultiPolygon<f64>> = cands.into_iter().filter(|m| mp_area(m) > 1.0).collect();
    (!cands.is_empty()).then_some((cands, true))
}

/// Picks each unit's side and removes overlaps: units with evidence first,
/// then each undecided one takes the side the others cover least (the
/// smaller on a tie); later units lose what earlier ones hold.
pub fn settle(mut units: Vec<(Unit, Vec<MultiPolygon<f64>>)>) -> Vec<Unit> {
    units.sort_by(|a, b| (a.1.len(), &a.0.id).cmp(&(b.1.len(), &b.0.id)));
    let mut taken: MultiPolygon<f64> = MultiPolygon(vec![]);
    let mut out = Vec::new();
    for (mut u, cands) in units {
        let best = cands
            .into_iter()
            .map(|c| {
                let free = c.difference(&taken);
                let covered = mp_area(&c) - mp_area(&free);
                (covered, mp_area(&c), free)
            })
            .min_by(|x, y| x.0.total_cmp(&y.0).then(x.1.total_cmp(&y.1)));
        let Some((_, _, free)) = best else { continue };
        if mp_area(&free) <= 1.0 {
            continue;
        }
        taken = taken.union(&free);
        u.area = free;
        out.push(u);
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// What derived communities are drawn from: barrier lines, buildings'
/// centroids with their households, and the size band.
pub struct Derive<'a> {
    /// Major lines (tertiary and larger roads, rivers, canals, rail).
    pub major: &'a [LineString<f64>],
    /// Lines that split a face still above the band (local roads).
    pub minor: &'a [LineString<f64>],
    /// Building centroids and households.
    pub homes: &'a [(Coord<f64>, u32)],
    /// Fewest households a derived community is merged up to.
    pub min_households: u64,
    /// Most households before a face is split along minor lines.
    pub max_households: u64,
}

fn lines_in(region: &MultiPolygon<f64>, lines: &[LineString<f64>]) -> Vec<BarrierLine> {
    let Some(r) = region.bounding_rect() else {
        return Vec::new();
    };
    let mut out: Vec<BarrierLine> = lines
        .iter()
        .filter(|l| {
            l.bounding_rect().is_some_and(|b| {
                b.min().x <= r.max().x
                    && b.max().x >= r.min().x
                    && b.min().y <= r.max().y
                    && b.max().y >= r.min().y
            })
        })
        .map(|l| BarrierLine {
            line: l.clone(),
            barrier: Barrier {
                level: 2,
                kind: BarrierKind::Road,
            },
        })
        .collect();
    for p in &region.0 {
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            out.push(BarrierLine {
                line: ring.clone(),
                barrier: Barrier {
                    level: 5,
                    kind: BarrierKind::Community,
                },
            });
        }
    }
    out
}

/// The faces of `region` cut by `lines`, with households, and the pairs
/// of faces sharing an edge with its length.
fn cut(
    region: &MultiPolygon<f64>,
    lines: &[LineString<f64>],
    homes: &[(Coord<f64>, u32)],
) -> (Vec<Polygon<f64>>, Vec<u64>, BTreeMap<(usize, usize), f64>) {
    let net = node(&lines_in(region, lines), TOLERANCE);
    let faces = polygonize(&net);
    // Keep the faces inside the region (its holes are faces too).
    let mut keep = vec![usize::MAX; faces.faces.len()];
    let mut polys = Vec::new();
    for (i, f) in faces.faces.iter().enumerate() {
        if let Some(p) = f.polygon.interior_point() {
            if region.contains(&p) {
                keep[i] = polys.len();
                polys.push(f.polygon.clone());
            }
        }
    }
    let mut households = vec![0u64; polys.len()];
    let boxes: Vec<Option<Rect<f64>>> = polys.iter().map(|p| p.bounding_rect()).collect();
    for &(c, h) in homes {
        let pt = Point(c);
        if !region.contains(&pt) {
            continue;
        }
        if let Some(i) = (0..polys.len()).find(|&i| {
            boxes[i].is_some_and(|b| b.contains(&c) || b.intersects_coord(c))
                && polys[i].contains(&pt)
        }) {
            households[i] += u64::from(h);
        }
    }
    let mut shared: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for (e, sides) in faces.edge_faces.iter().enumerate() {
        if let [Some(a), Some(b)] = *sides {
            let (a, b) = (keep[a], keep[b]);
            if a != b && a != usize::MAX && b != usize::MAX {
                let ed = net.edges[e];
                let len = ((net.vertices[ed.a].x - net.vertices[ed.b].x).powi(2)
                    + (net.vertices[ed.a].y - net.vertices[ed.b].y).powi(2))
                .sqrt();
                *shared.entry((a.min(b), a.max(b))).or_insert(0.0) += len;
            }
        }
    }
    (polys, households, shared)
}

trait CoordIn {
    fn intersects_coord(&self, c: Coord<f64>) -> bool;
}

impl CoordIn for Rect<f64> {
    fn intersects_coord(&self, c: Coord<f64>) -> bool {
        c.x >= self.min().x && c.x <= self.max().x && c.y >= self.min().y && c.y <= self.max().y
    }
}

/// Groups adjacent faces until each group holds at least `min` households
/// (a group merges with its smallest neighbour that keeps it at most
/// `max`, else its smallest neighbour). Returns each face's group.
fn merge(
    households: &[u64],
    shared: &BTreeMap<(usize, usize), f64>,
    min: u64,
    max: u64,
) -> Vec<usize> {
    let n = households.len();
    let mut group: Vec<usize> = (0..n).collect();
    let mut size: Vec<u64> = households.to_vec();
    let find = |g: &Vec<usize>, mut x: usize| {
        while g[x] != x {
            x = g[x];
        }
        x
    };
    loop {
        // The smallest group below the band that has a neighbour.
        let mut nbrs: BTreeMap<usize, BTreeMap<usize, f64>> = BTreeMap::new();
        for (&(a, b), &len) in shared {
            let (ga, gb) = (find(&group, a), find(&group, b));
            if ga != gb {
                *nbrs.entry(ga).or_default().entry(gb).or_insert(0.0) += len;
                *nbrs.entry(gb).or_default().entry(ga).or_insert(0.0) += len;
            }
        }
        let Some((&g, near)) = nbrs
            .iter()
            .filter(|(g, _)| size[**g] < min)
            .min_by_key(|(g, _)| (size[**g], **g))
        else {
            break;
        };
        let pick = near
            .keys()
            .filter(|&&h| size[g] + size[h] <= max)
            .min_by_key(|&&h| (size[h], h))
            .or_else(|| near.keys().min_by_key(|&&h| (size[h], h)))
            .copied();
        let Some(h) = pick else { break };
        let (keep, gone) = (g.min(h), g.max(h));
        group[gone] = keep;
        size[keep] += size[gone];
    }
    (0..n).map(|f| find(&group, f)).collect()
}

/// Dissolves faces into their groups: the union of each group's faces.
fn dissolve(polys: &[Polygon<f64>], group: &[usize]) -> Vec<MultiPolygon<f64>> {
    let mut by: BTreeMap<usize, Vec<Polygon<f64>>> = BTreeMap::new();
    for (p, &g) in polys.iter().zip(group) {
        by.entry(g).or_default().push(p.clone());
    }
    by.into_values()
        .map(|ps| {
            let mut acc = MultiPolygon(vec![]);
            for p in ps {
                acc = acc.union(&MultiPolygon(vec![p]));
            }
            acc
        })
        .collect()
}

/// Divides `region` into communities along the major lines (and, in faces
/// above the band, the minor ones), merged up to the band.
///
/// ```
/// use geo::{coord, LineString, MultiPolygon, Rect};
/// use linli::osm::communities::{derive, Derive};
/// let region = MultiPolygon(vec![Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 400.0, y: 100.0 }).to_polygon()]);
/// let roads: Vec<LineString<f64>> = (1..4).map(|i| vec![(i as f64 * 100.0, -10.0), (i as f64 * 100.0, 110.0)].into()).collect();
/// let homes: Vec<_> = (0..4).map(|i| (coord! { x: i as f64 * 100.0 + 50.0, y: 50.0 }, 1000)).collect();
/// let parts = derive(&region, &Derive { major: &roads, minor: &[], homes: &homes, min_households: 1500, max_households: 3000 });
/// assert_eq!(parts.len(), 2); // four faces of 1,000 households → two communities of 2,000
/// ```
pub fn derive(region: &MultiPolygon<f64>, d: &Derive) -> Vec<MultiPolygon<f64>> {
    let (polys, households, shared) = cut(region, d.major, d.homes);
    // Faces above the band are cut again along the local roads.
    let mut pieces: Vec<Polygon<f64>> = Vec::new();
    let mut piece_h: Vec<u64> = Vec::new();
    let mut origin: Vec<usize> = Vec::new();
    for (i, p) in polys.iter().enumerate() {
        if households[i] > d.max_households && !d.minor.is_empty() {
            let face = MultiPolygon(vec![p.clone()]);
            let (sub, sub_h, _) = cut(&face, d.minor, d.homes);
            if sub.len() > 1 {
                for (q, h) in sub.into_iter().zip(sub_h) {
                    pieces.push(q);
                    piece_h.push(h);
                    origin.push(i);
                }
                continue;
            }
        }
        pieces.push(p.clone());
        piece_h.push(households[i]);
        origin.push(i);
    }
    let shared = if pieces.len() == polys.len() {
        shared
    } else {
        // Adjacency of the finer pieces: recomputed on their own network.
        let all = MultiPolygon(pieces.clone());
        let rings: Vec<LineString<f64>> = pieces
            .iter()
            .flat_map(|p| {
                std::iter::once(p.exterior().clone()).chain(p.interiors().iter().cloned())
            })
            .collect();
        let (again, again_h, again_shared) = cut(&all, &rings, d.homes);
        pieces = again;
        piece_h = again_h;
        again_shared
    };
    let group = merge(&piece_h, &shared, d.min_households, d.max_households);
    dissolve(&pieces, &group)
        .into_iter()
        .filter(|m| mp_area(m) > 1.0)
        .collect()
}

/// What communities are chosen from.
pub struct CommunityInput<'a> {
    /// Admin boundary relations (every level).
    pub admin: &'a [&'a Relation],
    /// Ways by id.
    pub ways: &'a HashMap<i64, &'a Way>,
    /// Node positions.
    pub nodes: &'a NodeIndex,
    /// The extract's extent.
    pub rect: &'a Rect<f64>,
    /// Named places.
    pub places: &'a Places,
    /// Buildings with their households.
    pub homes: &'a [Home<'a>],
    /// All ways (for the major and minor road networks).
    pub data_ways: &'a [Way],
    /// Sizes.
    pub settings: &'a OsmSettings,
    /// The admin level asked for, if any.
    pub level: Option<u8>,
}

/// The communities chosen and why.
#[derive(Debug, Clone, Default)]
pub struct Picked {
    /// Communities, tiling the extract.
    pub units: Vec<Unit>,
    /// The admin level used, if any.
    pub level: Option<u8>,
    /// Admin relations in the extract per level.
    pub levels_seen: BTreeMap<u8, usize>,
    /// What was decided, in words.
    pub warnings: Vec<String>,
}

/// The admin level of a boundary relation, if it is one.
pub fn admin_level(t: &super::pbf::Tags) -> Option<u8> {
    (t.get("boundary").map(String::as_str) == Some("administrative"))
        .then(|| t.get("admin_level")?.trim().parse::<u8>().ok())
        .flatten()
        .filter(|l| (2..=12).contains(l))
}

fn network(ways: &[Way], nodes: &NodeIndex, major: bool) -> Vec<LineString<f64>> {
    let mut out = Vec::new();
    for w in ways {
        let g = |k: &str| w.tags.get(k).map(String::as_str);
        let hit = if major {
            matches!(
                g("highway"),
                Some("motorway" | "trunk" | "primary" | "secondary" | "tertiary")
            ) || matches!(g("waterway"), Some("river" | "canal"))
                || super::tags::rail_class(&w.tags).is_some()
        } else {
            matches!(
                g("highway"),
                Some("residential" | "unclassified" | "living_street")
            )
        };
        if hit && g("tunnel").is_none_or(|v| v == "no") {
            out.extend(super::assemble::way_runs(&w.refs, nodes).0);
        }
    }
    out
}

fn level_units(inp: &CommunityInput, level: u8) -> Vec<Unit> {
    let mut cands = Vec::new();
    for r in inp
        .admin
        .iter()
        .filter(|r| admin_level(&r.tags) == Some(level))
    {
        let name = r.tags.get("name").cloned();
        let mut hints: Vec<Coord<f64>> = r
            .members
            .iter()
            .filter(|m| !m.is_way && matches!(m.role.as_str(), "label" | "admin_centre"))
            .filter_map(|m| inp.nodes.get(&m.id).copied())
            .collect();
        if let Some(n) = &name {
            hints.extend(inp.places.called(n));
        }
        let Some((areas, clipped)) = admin_area(r, inp.ways, inp.nodes, inp.rect, &hints) else {
            continue;
        };
        cands.push((
            Unit {
                id: format!("r{}", r.id),
                name,
                name_zh: r.tags.get("name:zh").cloned(),
                admin_level: Some(level),
                source: if clipped { "admin_clipped" } else { "admin" },
                area: MultiPolygon(vec![]),
                properties: Default::default(),
            },
            areas,
        ));
    }
    settle(cands)
}

fn households_in(units: &[Unit], homes: &[Home]) -> Vec<u64> {
    let areas: Vec<MultiPolygon<f64>> = units.iter().map(|u| u.area.clone()).collect();
    let pts: Vec<Coord<f64>> = homes.iter().map(|h| h.centroid).collect();
    let mut hh = vec![0u64; units.len()];
    for (h, u) in homes.iter().zip(locate(&areas, &pts)) {
        if let Some(u) = u {
            hh[u] += u64::from(h.estimate.households);
        }
    }
    hh
}

/// Chooses the communities (see the module documentation).
pub fn pick(inp: &CommunityInput) -> Picked {
    let mut out = Picked::default();
    for r in inp.admin {
        if let Some(l) = admin_level(&r.tags) {
            *out.levels_seen.entry(l).or_insert(0) += 1;
        }
    }
    let s = inp.settings;
    let total: u64 = inp
        .homes
        .iter()
        .map(|h| u64::from(h.estimate.households))
        .sum();
    let mut units = Vec::new();
    if let Some(l) = inp.level {
        units = level_units(inp, l);
        if units.is_empty() {
            out.warnings.push(format!(
                "no admin_level={l} boundary could be built in the extract ({} relations at that level): communities are derived from the road network",
                out.levels_seen.get(&l).copied().unwrap_or(0)
            ));
        } else {
            out.level = Some(l);
        }
    } else {
        for &l in out.levels_seen.keys().rev() {
            let us = level_units(inp, l);
            if us.is_empty() {
                continue;
            }
            let hh = households_in(&us, inp.homes);
            let covered: u64 = hh.iter().sum();
            let mut lived: Vec<u64> = hh.iter().copied().filter(|&h| h > 0).collect();
            lived.sort_unstable();
            let median = lived.get(lived.len() / 2).copied().unwrap_or(0);
            let ok = total > 0
                && covered as f64 >= 0.5 * total as f64
                && (u64::from(s.admin_min_households)..=u64::from(s.admin_max_households))
                    .contains(&median);
            out.warnings.push(format!(
                "admin_level={l}: {} units in the extract, median {median} households, {:.0}% of the households: {}",
                us.len(),
                if total > 0 { covered as f64 * 100.0 / total as f64 } else { 0.0 },
                if ok { "taken as communities" } else { "not a community level" }
            ));
            if ok {
                out.level = Some(l);
                units = us;
                break;
            }
        }
    }
    let major = network(inp.data_ways, inp.nodes, true);
    let minor = network(inp.data_ways, inp.nodes, false);
    let pts: Vec<(Coord<f64>, u32)> = inp
        .homes
        .iter()
        .map(|h| (h.centroid, h.estimate.households))
        .collect();
    let d = Derive {
        major: &major,
        minor: &minor,
        homes: &pts,
        min_households: u64::from(s.community_min_households),
        max_households: u64::from(s.community_max_households),
    };
    // Units far above a community's size are split (only when chosen automatically).
    let mut kept = Vec::new();
    let hh = households_in(&units, inp.homes);
    for (u, h) in units.into_iter().zip(hh) {
        if inp.level.is_none() && h > u64::from(s.admin_max_households) {
            let parts = derive(&u.area, &d);
            if parts.len() > 1 {
                for (k, a) in parts.into_iter().enumerate() {
                    kept.push(Unit {
                        id: format!("{}-{}", u.id, k + 1),
                        source: "admin_split",
                        area: a,
                        ..u.clone()
                    });
                }
                continue;
            }
        }
        kept.push(u);
    }
    // The rest of the extract: derived communities.
    let mut rest = MultiPolygon(vec![inp.rect.to_polygon()]);
    for u in &kept {
        rest = rest.difference(&u.area);
    }
    let all: Vec<Coord<f64>> = inp.homes.iter().map(|h| h.centroid).collect();
    let parts = if mp_area(&rest) > 1.0 {
        derive(&rest, &d)
    } else {
        Vec::new()
    };
    let holds = locate(&parts, &all);
    let mut n = 0;
    for (k, a) in parts.into_iter().enumerate() {
        if !holds.contains(&Some(k)) {
            continue; // no building: nothing to plan there
        }
        n += 1;
        let name = inp
            .places
            .named
            .iter()
            .filter(|(_, p, c)| {
                matches!(
                    p.as_str(),
                    "suburb" | "quarter" | "neighbourhood" | "village" | "hamlet" | "town"
                ) && a.contains(&Point(*c))
            })
            .map(|(nm, _, _)| nm.clone())
            .min();
        kept.push(Unit {
            id: format!("D{n:02}"),
            name,
            name_zh: None,
            admin_level: None,
            source: "derived",
            area: a,
            properties: Default::default(),
        });
    }
    if n > 0 {
        out.warnings.push(format!(
            "{n} communities derived from the major-road network where no admin boundary was taken"
        ));
    }
    out.units = kept;
    out
}

/// Each community's kind: `rural` where farmland (≥ 25% of its area) or a
/// village place lies and it holds under 1,000 households per km²; else
/// `urban` (a communities file's own `kind` is kept).
pub fn kinds(units: &[Unit], hh: &[u64], land: &LandIndex, places: &Places) -> Vec<&'static str> {
    let areas: Vec<MultiPolygon<f64>> = units.iter().map(|u| u.area.clone()).collect();
    let mut farm = vec![0.0; units.len()];
    let farms: Vec<(Coord<f64>, f64)> = land
        .areas
        .iter()
        .filter(|a| a.1 == Some(super::households::Landuse::Farm))
        .filter_map(|a| a.0.interior_point().map(|p| (p.0, a.3)))
        .collect();
    let at: Vec<Coord<f64>> = farms.iter().map(|f| f.0).collect();
    for (u, (_, a)) in locate(&areas, &at).into_iter().zip(&farms) {
        if let Some(u) = u {
            farm[u] += a;
        }
    }
    units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            if let Some(k) = u.properties.get("kind").and_then(|k| k.as_str()) {
                if let Some(k) = crate::model::CommunityKind::parse(k) {
                    return k.as_str();
                }
            }
            let km2 = mp_area(&u.area) / 1e6;
            let sparse = km2 > 0.0 && (hh[i] as f64) / km2 < 1000.0;
            let farmland = farm[i] >= 0.25 * mp_area(&u.area);
            if sparse && (farmland || places.village_in(&u.area)) {
                "rural"
            } else {
                "urban"
            }
        })
        .collect()
}

/// A communities layer (GeoJSON, lon/lat) as units on the plane.
pub fn read_file(
    path: &std::path::Path,
    projector: &crate::project::Projector,
) -> Result<Vec<Unit>, crate::error::Error> {
    use crate::error::{Error, Problem};
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let bad = |what: String| {
        Error::Input(vec![Problem::file(&file, what).with_hint(
            "give a GeoJSON FeatureCollection of Polygon/MultiPolygon communities in lon/lat",
        )])
    };
    let fc: geojson::FeatureCollection = text
        .parse()
        .map_err(|e| bad(format!("is not a GeoJSON FeatureCollection: {e}")))?;
    let mut out = Vec::new();
    for (i, f) in fc.features.into_iter().enumerate() {
        let props = f.properties.clone().unwrap_or_default();
        let id = props
            .get("id")
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .or_else(|| {
                f.id.as_ref().map(|id| match id {
                    geojson::feature::Id::String(s) => s.clone(),
                    geojson::feature::Id::Number(n) => n.to_string(),
                })
            })
            .unwrap_or_else(|| format!("C{}", i + 1));
        let Some(g) = f.geometry else {
            return Err(bad(format!("feature {i} has no geometry")));
        };
        let mp: MultiPolygon<f64> = match geo::Geometry::<f64>::try_from(g.value) {
            Ok(geo::Geometry::Polygon(p)) => MultiPolygon(vec![p]),
            Ok(geo::Geometry::MultiPolygon(m)) => m,
            _ => {
                return Err(bad(format!(
                    "feature {i} ({id}) is not a Polygon or MultiPolygon"
                )))
            }
        };
        let failed = std::cell::Cell::new(false);
        let plane = geo::MapCoords::map_coords(&mp, |c| match projector.to_plane(c.x, c.y) {
            Ok((x, y)) => Coord { x, y },
            Err(_) => {
                failed.set(true);
                c
            }
        });
        if failed.get() {
            return Err(bad(format!(
                "feature {i} ({id}) has coordinates that are not lon/lat"
            )));
        }
        out.push(Unit {
            id,
            name: props
                .get("name")
                .and_then(|v| v.as_str())
                .map(str::to_string),
            name_zh: None,
            admin_level: None,
            source: "file",
            area: plane,
            properties: props,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::coord;

    #[test]
    fn merge_reaches_the_band() {
        let h = [100, 100, 2000, 100];
        let shared: BTreeMap<(usize, usize), f64> =
            [((0, 1), 1.0), ((1, 2), 1.0), ((2, 3), 1.0)].into();
        let g = merge(&h, &shared, 1500, 3000);
        assert_eq!(g[0], g[1]);
        assert_eq!(g[1], g[2]);
        assert_eq!(g[2], g[3]);
    }

    #[test]
    fn a_cut_boundary_is_closed_along_the_extract() {
        // A unit whose west half lies outside the extract: its border
        // runs are closed along the extract's edge, and the label decides.
        let rect = Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 100.0, y: 100.0 });
        let run: LineString<f64> =
            vec![(0.5, 20.0), (60.0, 20.0), (60.0, 80.0), (0.5, 80.0)].into();
        let ext: Vec<LineString<f64>> = vec![
            vec![
                to_border(coord! { x: 0.5, y: 20.0 }, &rect),
                coord! { x: 0.5, y: 20.0 },
            ]
            .into(),
            run,
            vec![
                coord! { x: 0.5, y: 80.0 },
                to_border(coord! { x: 0.5, y: 80.0 }, &rect),
            ]
            .into(),
        ];
        let (faces, class) = two_classes(&ext, &rect);
        assert_eq!(faces.len(), 2);
        assert_ne!(class[0], class[1]);
        let inside: f64 = faces
            .iter()
            .filter(|f| f.contains(&Point::new(30.0, 50.0)))
            .map(|f| f.unsigned_area())
            .sum();
        assert!((inside - 60.0 * 60.0).abs() < 1.0, "{inside}");
    }
}
