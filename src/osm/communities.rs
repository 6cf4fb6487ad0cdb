//! Communities from an extract: admin boundaries assembled and clipped to
//! the extract (cut ones closed along its edge), and, where boundaries are
//! missing or a unit is too large, communities derived from the major-road
//! network merged up to a community's size. Together they tile the
//! extract: no building falls outside every community.

use super::assemble::NodeIndex;
use super::context::{LandIndex, Places, locate};
use super::pbf::{Relation, Way};
use crate::blocks::noding::{NodedNetwork, node};
use crate::blocks::polygonize::{Faces, polygonize};
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
    /// The whole unit's area, m², inside and outside the extract, when
    /// every ring of it is in the extract (`None` when it is cut).
    pub whole_area: Option<f64>,
    /// The admin relation it is (a part of), e.g. `r123`.
    pub relation: Option<String>,
    /// The relation's `ref` tag (an official code), when it has one.
    pub code: Option<String>,
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
    let mut ends: BTreeMap<i64, usize> = BTreeMap::new();
    for r in &runs {
        if r.first() != r.last() {
            for id in [r[0], r[r.len() - 1]] {
                *ends.entry(id).or_insert(0) += 1;
            }
        }
    }
    // Two loose ends far inside the extract: a member way is missing there
    // (not the extract's edge), so they are joined straight.
    let loose: Vec<i64> = ends
        .iter()
        .filter(|&(_, &n)| n == 1)
        .map(|(&id, _)| id)
        .collect();
    let far = |id: &i64| {
        let c = nodes[id];
        let b = to_border(c, rect);
        (b.x - c.x).hypot(b.y - c.y) > 60.0
    };
    let join = loose.len() == 2 && loose.iter().all(far);
    let mut out = Vec::new();
    for r in runs {
        let mut pts: Vec<Coord<f64>> = r.iter().map(|id| nodes[id]).collect();
        pts.dedup();
        if r.first() != r.last() && !join {
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
    if join {
        let mut pair: Vec<Coord<f64>> = loose.iter().map(|id| nodes[id]).collect();
        pair.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
        out.push(LineString::new(pair));
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
        if let [Some(a), Some(b)] = *sides
            && a != b
        {
            adj[a].push(b);
            adj[b].push(a);
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

/// One side of a cut boundary ring and the evidence inside it (label,
/// admin centre, places of the same name; `usize::MAX` for a whole ring).
pub type Side = (MultiPolygon<f64>, usize);

/// An admin relation's area within the extract.
#[derive(Debug, Clone)]
pub struct AdminArea {
    /// The candidate sides (one for a unit whose rings are all known).
    pub sides: Vec<Side>,
    /// Whether the extract's edge cut it.
    pub clipped: bool,
    /// The whole unit's area, m², when its rings are all known.
    pub whole_m2: Option<f64>,
}

/// An admin relation's area within the extract, or `None` when nothing of
/// it can be built. `hints` are points known to be inside it (its label
/// and admin-centre nodes, place nodes of the same name). A relation
/// whose member ways are all there, or whose ways that are there close
/// into rings by themselves (the rest not in the extract at all), is
/// assembled whole; one cut by the extract is closed along its edge.
pub fn admin_area(
    rel: &Relation,
    ways: &HashMap<i64, &Way>,
    nodes: &NodeIndex,
    rect: &Rect<f64>,
    hints: &[Coord<f64>],
) -> Option<AdminArea> {
    let bounds = MultiPolygon(vec![rect.to_polygon()]);
    let whole = super::assemble::relation_polygons(rel, ways, nodes)
        .or_else(|_| super::assemble::relation_polygons_present(rel, ways, nodes));
    if let Ok(mp) = whole {
        let inside = mp.intersection(&bounds);
        let clipped = (mp_area(&inside) - mp_area(&mp)).abs() > 1.0;
        return (mp_area(&inside) > 1.0).then(|| AdminArea {
            sides: vec![(inside, usize::MAX)],
            clipped,
            whole_m2: Some(mp_area(&mp)),
        });
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
                .filter(|&(_, &k)| k == c)
                .map(|(p, _)| p.clone())
                .collect(),
        )
    };
    let (a, b) = (side(0), side(1));
    let votes = |m: &MultiPolygon<f64>| hints.iter().filter(|h| m.contains(&Point(**h))).count();
    // Both sides go on with their evidence: the level's other units decide
    // first (a cut ring's parity can be wrong), the evidence next.
    let (va, vb) = (votes(&a), votes(&b));
    let cands: Vec<(MultiPolygon<f64>, usize)> = [(a, va), (b, vb)]
        .into_iter()
        .filter(|(m, _)| mp_area(m) > 1.0)
        .collect();
    (!cands.is_empty()).then_some(AdminArea {
        sides: cands,
        clipped: true,
        whole_m2: None,
    })
}

/// Picks each unit's side: whole units first, then each cut one takes the
/// side the others cover least (beyond 100 m²), then the side with
/// more evidence (label, admin centre, place of the same name), then the
/// smaller. A unit left with nothing of its own is dropped; overlaps are
/// settled by [`tile`] (the first unit keeps them).
pub fn settle(mut units: Vec<(Unit, Vec<Side>)>) -> Vec<Unit> {
    units.sort_by(|a, b| (a.1.len(), &a.0.id).cmp(&(b.1.len(), &b.0.id)));
    let mut taken: MultiPolygon<f64> = MultiPolygon(vec![]);
    let mut out = Vec::new();
    for (mut u, cands) in units {
        let best = cands
            .into_iter()
            .map(|(c, votes)| {
                let free = c.difference(&taken);
                let a = mp_area(&c);
                let covered = a - mp_area(&free);
                // Borders drawn from the same ways meet exactly: more than
                // 100 m² already taken is a real overlap.
                let covered = if covered > 100.0 { covered } else { 0.0 };
                (covered, std::cmp::Reverse(votes), a, free, c)
            })
            .min_by(|x, y| {
                x.0.total_cmp(&y.0)
                    .then(x.1.cmp(&y.1))
                    .then(x.2.total_cmp(&y.2))
            });
        let Some((covered, _, _, free, raw)) = best else {
            continue;
        };
        if covered > 0.0 {
            // Every side of a cut ring overlaps units already placed: its
            // ring could not be closed right; the land goes to the tiling.
            continue;
        }
        if mp_area(&free) <= 1.0 {
            continue;
        }
        taken = taken.union(&free);
        // The unit keeps its own border; the tiling gives shared faces to
        // the first unit.
        u.area = raw;
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
    /// Local roads: derived communities are cut along them only where the
    /// major lines leave more than a community's households.
    pub minor: &'a [LineString<f64>],
    /// Building centroids and households.
    pub homes: &'a [(Coord<f64>, u32)],
    /// Fewest households a derived community is merged up to.
    pub min_households: u64,
    /// Most households a merge may reach (when a smaller merge exists).
    pub max_households: u64,
    /// Largest area a merge may reach, m²: a community is never merged
    /// beyond it (farmland and forest between villages stay apart).
    pub max_area: f64,
}

/// Units of an admin level that are split along roads like derived
/// communities: those holding more households, or more land, than one
/// community should.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Split {
    /// Split a unit holding more households than this.
    pub households: u64,
    /// Split a unit larger than this inside the extract, m².
    pub area: f64,
}

/// Within this of the extract's edge, a line's end was cut by the extract:
/// it is carried on to the edge so that it divides the land.
const EDGE_M: f64 = 60.0;

/// A line with its ends near the extract's edge carried on to it.
fn to_edge(l: &LineString<f64>, rect: &Rect<f64>) -> LineString<f64> {
    let near = |c: Coord<f64>| {
        let b = to_border(c, rect);
        let d = (b.x - c.x).hypot(b.y - c.y);
        (d > 0.0 && d <= EDGE_M).then_some(b)
    };
    let mut pts = l.0.clone();
    if let (Some(&first), Some(&last)) = (pts.first(), pts.last())
        && first != last
    {
        if let Some(b) = near(first) {
            pts.insert(0, b);
        }
        if let Some(b) = near(last) {
            pts.push(b);
        }
    }
    LineString::new(pts)
}

/// An index of boxes.
fn box_tree(
    boxes: impl Iterator<Item = Option<Rect<f64>>>,
) -> rstar::RTree<rstar::primitives::GeomWithData<rstar::primitives::Rectangle<[f64; 2]>, usize>> {
    use rstar::primitives::{GeomWithData, Rectangle};
    rstar::RTree::bulk_load(
        boxes
            .enumerate()
            .filter_map(|(i, r)| {
                r.map(|r| {
                    GeomWithData::new(
                        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                        i,
                    )
                })
            })
            .collect(),
    )
}

/// Sizes a merge works to: households (fewest, most) and the largest area, m².
#[derive(Debug, Clone, Copy)]
struct Band {
    min: u64,
    max: u64,
    max_area: f64,
}

/// Groups adjacent faces of one owner until each group holds at least
/// `min` households: the smallest group first joins its smallest
/// neighbour that keeps it at most `max` (else its smallest neighbour),
/// across local roads first and major lines only when it must; never
/// beyond `max_area` (a group with no neighbour within it stays as it is).
fn merge(
    households: &[u64],
    areas: &[f64],
    links: &BTreeMap<(usize, usize), bool>,
    band: Band,
) -> Vec<usize> {
    let Band { min, max, max_area } = band;
    let n = households.len();
    let mut group: Vec<usize> = (0..n).collect();
    let mut size: Vec<u64> = households.to_vec();
    let mut area: Vec<f64> = areas.to_vec();
    let mut stuck = vec![false; n];
    let find = |g: &Vec<usize>, mut x: usize| {
        while g[x] != x {
            x = g[x];
        }
        x
    };
    for allow_major in [false, true] {
        loop {
            let mut nbrs: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
            for (&(a, b), &major) in links {
                let (ga, gb) = (find(&group, a), find(&group, b));
                if ga != gb && (allow_major || !major) {
                    nbrs.entry(ga).or_default().push(gb);
                    nbrs.entry(gb).or_default().push(ga);
                }
            }
            let Some((&g, near)) = nbrs
                .iter()
                .filter(|(g, _)| size[**g] < min && !stuck[**g])
                .min_by_key(|(g, _)| (size[**g], **g))
            else {
                break;
            };
            let fits: Vec<usize> = near
                .iter()
                .copied()
                .filter(|&h| area[g] + area[h] <= max_area)
                .collect();
            let pick = fits
                .iter()
                .filter(|&&h| size[g] + size[h] <= max)
                .min_by_key(|&&h| (size[h], h))
                .or_else(|| fits.iter().min_by_key(|&&h| (size[h], h)))
                .copied();
            let Some(h) = pick else {
                stuck[g] = true;
                continue;
            };
            let (keep, gone) = (g.min(h), g.max(h));
            group[gone] = keep;
            size[keep] += size[gone];
            area[keep] += area[gone];
        }
        // Across major lines a stuck group may find a neighbour that fits.
        stuck.iter_mut().for_each(|s| *s = false);
    }
    (0..n).map(|f| find(&group, f)).collect()
}

/// A closed ring without spikes (A → B → A) or repeated vertices.
fn unspike(ring: LineString<f64>) -> LineString<f64> {
    // Vertices closer than this are one: outputs are rounded to ~1 cm.
    let same = |a: Coord<f64>, b: Coord<f64>| (a.x - b.x).hypot(a.y - b.y) < 0.02;
    let mut pts: Vec<Coord<f64>> = ring.0;
    pts.pop(); // the closing vertex
    loop {
        let n = pts.len();
        let mut out: Vec<Coord<f64>> = Vec::with_capacity(n);
        for &c in &pts {
            if out.last().is_some_and(|&l| same(l, c)) {
                continue;
            }
            if out.len() >= 2 && same(out[out.len() - 2], c) {
                out.pop();
                continue;
            }
            out.push(c);
        }
        // Around the closing vertex too.
        while out.len() >= 3 {
            let last = out[out.len() - 1];
            if same(out[0], last) {
                out.pop();
            } else if same(out[1], last) {
                out.remove(0);
                out.pop();
            } else {
                break;
            }
        }
        let done = out.len() == n;
        pts = out;
        if done {
            break;
        }
    }
    if let Some(&first) = pts.first() {
        pts.push(first);
    }
    LineString::new(pts)
}

/// A group's pieces as one valid multipolygon: slivers under 1 m² (faces
/// the noding left between nearly coincident borders) are dropped, and
/// rings that touch themselves are split by a union.
fn clean(polys: Vec<Polygon<f64>>) -> MultiPolygon<f64> {
    use geo::Validation;
    let polys = polys.into_iter().map(|p| {
        let (ext, holes) = p.into_inner();
        Polygon::new(unspike(ext), holes.into_iter().map(unspike).collect())
    });
    let mp = MultiPolygon(polys.filter(|p| p.unsigned_area() >= 1.0).collect());
    if mp.is_valid() {
        return mp;
    }
    let mut acc = MultiPolygon(vec![]);
    for p in mp.0 {
        acc = acc.union(&MultiPolygon(vec![p]));
    }
    MultiPolygon(
        acc.0
            .into_iter()
            .filter(|p| p.unsigned_area() >= 1.0)
            .collect(),
    )
}

/// Tiles the extract: the faces of the network of every unit's border, the
/// extract's edge and the major and local lines go to the first unit
/// holding them; the faces in no unit (and, with `split`, those of units
/// holding more households or land than a community) are merged into
/// derived communities of at most `d.max_area`.
/// Every community is then traced from the network's own edges, so
/// neighbours share their border exactly and none overlaps another.
///
/// ```
/// use geo::{coord, LineString, Rect};
/// use linli::osm::communities::{tile, Derive};
/// let rect = Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 400.0, y: 100.0 });
/// let roads: Vec<LineString<f64>> = (1..4).map(|i| vec![(i as f64 * 100.0, -10.0), (i as f64 * 100.0, 110.0)].into()).collect();
/// let homes: Vec<_> = (0..4).map(|i| (coord! { x: i as f64 * 100.0 + 50.0, y: 50.0 }, 1000)).collect();
/// let d = Derive { major: &roads, minor: &[], homes: &homes, min_households: 1500, max_households: 3000, max_area: 30e6 };
/// let parts = tile(Vec::new(), &rect, &d, None);
/// assert_eq!(parts.len(), 2); // four faces of 1,000 households → two communities of 2,000
/// assert_eq!(parts[0].id, "D01");
/// ```
pub fn tile(units: Vec<Unit>, rect: &Rect<f64>, d: &Derive, split: Option<Split>) -> Vec<Unit> {
    let net = node(&tile_lines(&units, rect, d), TOLERANCE);
    let faces = polygonize(&net);
    let nf = faces.faces.len();
    let mut owner = face_owners(&faces, rect, &units);
    let (households, built) = face_households(&faces, d.homes);
    // Empty land cut by the extract's edge is no community: faces in no
    // unit, without buildings, on the extract's border are left out.
    for sides in &faces.edge_faces {
        if let [Some(f), None] | [None, Some(f)] = *sides
            && owner[f] == Some(usize::MAX)
            && !built[f]
        {
            owner[f] = None;
        }
    }
    let face_area: Vec<f64> = faces
        .faces
        .iter()
        .map(|f| f.polygon.unsigned_area())
        .collect();
    let (mut unit_h, mut unit_a) = (vec![0u64; units.len()], vec![0.0; units.len()]);
    for f in 0..nf {
        if let Some(u) = owner[f].filter(|&u| u != usize::MAX) {
            unit_h[u] += households[f];
            unit_a[u] += face_area[f];
        }
    }
    // Faces in no unit, and those of a unit too large, are merged.
    let too_large =
        |o: usize| split.is_some_and(|s| unit_h[o] > s.households || unit_a[o] > s.area);
    let grouped = |o: usize| o == usize::MAX || too_large(o);
    let links = merge_links(&net, &faces, &owner, &grouped);
    let band = Band {
        min: d.min_households,
        max: d.max_households,
        max_area: d.max_area,
    };
    let merged = merge(&households, &face_area, &links, band);
    // The group of each face: its unit, or its merge root.
    let group: Vec<Option<(usize, usize)>> = (0..nf)
        .map(|f| {
            owner[f].map(|o| {
                if grouped(o) {
                    (o, merged[f])
                } else {
                    (o, usize::MAX)
                }
            })
        })
        .collect();
    let areas = trace_groups(&net, &faces, &group, &built);
    let mut out = name_groups(areas, &units);
    trim_to_settled(&mut out, d);
    out
}

/// The lines the extract is tiled along: its edge and every unit's border
/// (level 5), the major lines (3) and local roads (1) that reach it,
/// carried to the edge where they were cut.
fn tile_lines(units: &[Unit], rect: &Rect<f64>, d: &Derive) -> Vec<BarrierLine> {
    let ring = |l: &LineString<f64>, level, kind| BarrierLine {
        line: l.clone(),
        barrier: Barrier { level, kind },
    };
    let mut lines = vec![ring(&rect_ring(rect), 5, BarrierKind::Community)];
    for u in units {
        for p in &u.area.0 {
            for r in std::iter::once(p.exterior()).chain(p.interiors()) {
                lines.push(ring(r, 5, BarrierKind::Community));
            }
        }
    }
    let inside = |l: &&LineString<f64>| {
        l.bounding_rect().is_some_and(|b| {
            b.min().x <= rect.max().x
                && b.max().x >= rect.min().x
                && b.min().y <= rect.max().y
                && b.max().y >= rect.min().y
        })
    };
    lines.extend(
        d.major
            .iter()
            .filter(inside)
            .map(|l| ring(&to_edge(l, rect), 3, BarrierKind::Road)),
    );
    lines.extend(
        d.minor
            .iter()
            .filter(inside)
            .map(|l| ring(&to_edge(l, rect), 1, BarrierKind::Road)),
    );
    lines
}

/// Each face's owner: `None` outside the extract, else the first unit
/// holding its interior point, or `usize::MAX` for no unit.
fn face_owners(faces: &Faces, rect: &Rect<f64>, units: &[Unit]) -> Vec<Option<usize>> {
    let bounds = rect.to_polygon();
    let unit_tree = box_tree(units.iter().map(|u| u.area.bounding_rect()));
    let mut owner: Vec<Option<usize>> = vec![None; faces.faces.len()];
    for (f, face) in faces.faces.iter().enumerate() {
        let Some(p) = face.polygon.interior_point() else {
            continue;
        };
        if !bounds.contains(&p) {
            continue;
        }
        let u = unit_tree
            .locate_all_at_point(&[p.x(), p.y()])
            .map(|g| g.data)
            .filter(|&i| units[i].area.contains(&p))
            .min();
        owner[f] = Some(u.unwrap_or(usize::MAX));
    }
    owner
}

/// Households per face and whether any building stands in it.
fn face_households(faces: &Faces, homes: &[(Coord<f64>, u32)]) -> (Vec<u64>, Vec<bool>) {
    let nf = faces.faces.len();
    let face_tree = box_tree(faces.faces.iter().map(|f| f.polygon.bounding_rect()));
    let face_at = |c: Coord<f64>| {
        face_tree
            .locate_all_at_point(&[c.x, c.y])
            .map(|g| g.data)
            .filter(|&f| faces.faces[f].polygon.contains(&Point(c)))
            .min()
    };
    let mut households = vec![0u64; nf];
    let mut built = vec![false; nf];
    for &(c, h) in homes {
        if let Some(f) = face_at(c) {
            households[f] += u64::from(h);
            built[f] = true;
        }
    }
    (households, built)
}

/// Links between adjacent faces of one grouped owner, `true` where only
/// major lines (level ≥ 3) part them.
fn merge_links(
    net: &NodedNetwork,
    faces: &Faces,
    owner: &[Option<usize>],
    grouped: &dyn Fn(usize) -> bool,
) -> BTreeMap<(usize, usize), bool> {
    let mut links: BTreeMap<(usize, usize), bool> = BTreeMap::new();
    for (e, sides) in faces.edge_faces.iter().enumerate() {
        if let [Some(a), Some(b)] = *sides
            && a != b
            && owner[a].is_some()
            && owner[a] == owner[b]
            && owner[a].is_some_and(grouped)
        {
            let major = net.edges[e].barrier.level >= 3;
            let k = (a.min(b), a.max(b));
            let m = links.entry(k).or_insert(true);
            *m = *m && major;
        }
    }
    links
}

/// A group's pieces and whether any of its faces holds a building.
type Pieces = (Vec<Polygon<f64>>, bool);

/// Each group's outline, traced from the network's edges between groups
/// (so neighbours share their border exactly): (owner, merge root) → pieces.
fn trace_groups(
    net: &NodedNetwork,
    faces: &Faces,
    group: &[Option<(usize, usize)>],
    built: &[bool],
) -> BTreeMap<(usize, usize), Pieces> {
    let mut border = Vec::new();
    for (e, sides) in faces.edge_faces.iter().enumerate() {
        let g = |s: Option<usize>| s.and_then(|f| group[f]);
        let (ga, gb) = (g(sides[0]), g(sides[1]));
        if ga != gb && (ga.is_some() || gb.is_some()) {
            let ed = net.edges[e];
            border.push(BarrierLine {
                line: LineString::new(vec![net.vertices[ed.a], net.vertices[ed.b]]),
                barrier: Barrier {
                    level: 5,
                    kind: BarrierKind::Community,
                },
            });
        }
    }
    let pieces = polygonize(&node(&border, TOLERANCE));
    let mut areas: BTreeMap<(usize, usize), Pieces> = BTreeMap::new();
    // Each piece takes the group of the faces inside it (a face's interior
    // point is off every border; a piece's own could sit on a face edge).
    let piece_tree = box_tree(pieces.faces.iter().map(|p| p.polygon.bounding_rect()));
    let mut piece_group: Vec<Option<(usize, usize)>> = vec![None; pieces.faces.len()];
    for (f, face) in faces.faces.iter().enumerate() {
        let (Some(g), Some(p)) = (group[f], face.polygon.interior_point()) else {
            continue;
        };
        let hit = piece_tree
            .locate_all_at_point(&[p.x(), p.y()])
            .map(|t| t.data)
            .find(|&k| pieces.faces[k].polygon.contains(&p));
        if let Some(k) = hit {
            piece_group[k] = Some(g);
        }
    }
    for (piece, g) in pieces.faces.into_iter().zip(piece_group) {
        if let Some(g) = g {
            areas.entry(g).or_default().0.push(piece.polygon);
        }
    }
    for (f, g) in group.iter().enumerate() {
        if let (Some(g), true) = (g, built[f])
            && let Some(e) = areas.get_mut(g)
        {
            e.1 = true;
        }
    }
    areas
}

/// Settled land around a building, metres: a derived community larger
/// than a community may be keeps the grid cells of 2 × this holding its
/// buildings and their eight neighbours (900 m around a lone house).
pub const SETTLED_M: f64 = 150.0;

/// Derived communities larger than `d.max_area` (one face of mountain,
/// forest or farmland between distant roads, with a village in it) keep
/// only the settled land around their buildings ([`SETTLED_M`]), as empty
/// land at the extract's edge is left out.
fn trim_to_settled(units: &mut [Unit], d: &Derive) {
    let cell = 2.0 * SETTLED_M;
    for u in units.iter_mut().filter(|u| u.source == "derived") {
        if u.area.unsigned_area() <= d.max_area {
            continue;
        }
        let mut cells: std::collections::BTreeSet<(i64, i64)> = Default::default();
        for (c, _) in d.homes.iter().filter(|(c, _)| u.area.contains(&Point(*c))) {
            let (kx, ky) = ((c.x / cell).floor() as i64, (c.y / cell).floor() as i64);
            for dx in -1..=1 {
                for dy in -1..=1 {
                    cells.insert((kx + dx, ky + dy));
                }
            }
        }
        let squares: Vec<Polygon<f64>> = cells
            .into_iter()
            .map(|(x, y)| {
                let lo = Coord {
                    x: x as f64 * cell,
                    y: y as f64 * cell,
                };
                Rect::new(
                    lo,
                    Coord {
                        x: lo.x + cell,
                        y: lo.y + cell,
                    },
                )
                .to_polygon()
            })
            .collect();
        let settled = geo::algorithm::unary_union(&squares);
        let kept = clean(u.area.intersection(&settled).0);
        if !kept.0.is_empty() {
            u.area = kept;
        }
    }
}

/// The groups as communities: derived ones `D01…` (those with buildings),
/// parts of a split unit `<id>-1…`, and whole units as they were.
fn name_groups(areas: BTreeMap<(usize, usize), Pieces>, units: &[Unit]) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut split_n: BTreeMap<usize, usize> = BTreeMap::new();
    let mut derived = 0;
    for ((o, root), (polys, has_buildings)) in areas {
        let area = clean(polys);
        if o == usize::MAX {
            if !has_buildings {
                continue; // nothing to plan there
            }
            derived += 1;
            out.push(Unit {
                id: format!("D{derived:02}"),
                name: None,
                name_zh: None,
                admin_level: None,
                source: "derived",
                area,
                whole_area: None,
                relation: None,
                code: None,
                properties: Default::default(),
            });
        } else if root != usize::MAX {
            let k = split_n.entry(o).or_insert(0);
            *k += 1;
            out.push(Unit {
                id: format!("{}-{}", units[o].id, k),
                source: "admin_split",
                area,
                whole_area: None,
                ..units[o].clone()
            });
        } else {
            out.push(Unit {
                area,
                ..units[o].clone()
            });
        }
    }
    out
}

/// The admin level of a boundary relation, if it is one.
pub fn admin_level(t: &super::pbf::Tags) -> Option<u8> {
    (t.get("boundary").map(String::as_str) == Some("administrative"))
        .then(|| t.get("admin_level")?.trim().parse::<u8>().ok())
        .flatten()
        .filter(|l| (2..=12).contains(l))
}

/// The major (or local) lines of the extract; where a way runs out of the
/// extract (a node missing), its known run is carried on to the extract's
/// edge, so that cut roads still divide the land.
pub(crate) fn network(
    ways: &[Way],
    nodes: &NodeIndex,
    rect: &Rect<f64>,
    major: bool,
) -> Vec<LineString<f64>> {
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
        if !hit || g("tunnel").is_some_and(|v| v != "no") {
            continue;
        }
        let mut run: Vec<Coord<f64>> = Vec::new();
        let mut cut_before = false;
        for (i, r) in w.refs.iter().enumerate() {
            match nodes.get(r) {
                Some(&c) => run.push(c),
                None => {
                    if !run.is_empty() {
                        if cut_before {
                            run.insert(0, to_border(run[0], rect));
                        }
                        run.push(to_border(run[run.len() - 1], rect));
                        out.push(LineString::new(std::mem::take(&mut run)));
                    }
                    cut_before = i + 1 < w.refs.len();
                }
            }
        }
        if !run.is_empty() {
            if cut_before {
                run.insert(0, to_border(run[0], rect));
            }
            out.push(LineString::new(run));
        }
    }
    out.retain(|l| l.0.len() >= 2);
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
            if let Some(k) = u.properties.get("kind").and_then(|k| k.as_str())
                && let Some(k) = crate::model::CommunityKind::parse(k)
            {
                return k.as_str();
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
                )));
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
            whole_area: None,
            relation: None,
            code: None,
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
        let links: BTreeMap<(usize, usize), bool> =
            [((0, 1), false), ((1, 2), true), ((2, 3), false)].into();
        let band = Band {
            min: 1500,
            max: 3000,
            max_area: 30e6,
        };
        let g = merge(&h, &[1e6; 4], &links, band);
        assert_eq!(g[0], g[1]);
        assert_eq!(g[1], g[2]);
        assert_eq!(g[2], g[3]);
        // Faces of 20 km² each: no merge reaches past 30 km².
        let g = merge(&h, &[20e6; 4], &links, band);
        assert!((0..4).all(|i| g[i] == i), "{g:?}");
    }

    #[test]
    fn merge_reaches_the_band_once() {
        let h = [100, 100, 2000, 100];
        let links: BTreeMap<(usize, usize), bool> =
            [((0, 1), false), ((1, 2), true), ((2, 3), false)].into();
        let band = Band {
            min: 1500,
            max: 3000,
            max_area: f64::INFINITY,
        };
        let g = merge(&h, &[1.0; 4], &links, band);
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
