//! Noding: turn barrier polylines into a planar graph of straight edges that
//! meet only at shared vertices.
//!
//! Three steps, each deterministic:
//! 1. vertices closer than the snap tolerance merge (stronger barriers keep
//!    their position, so a community border never moves to meet a footpath);
//! 2. a line end within the tolerance of another line is joined to it
//!    (undershoots and overshoots of digitized T-junctions);
//! 3. crossings and collinear overlaps are split, repeatedly, until no two
//!    edges cross; coincident edges merge and keep the strongest barrier.

use super::index::{BoxGrid, CellMap};
pub use crate::model::network::{NodedEdge, NodedNetwork};
use crate::model::{Barrier, BarrierLine};
use geo::{Coord, Line, LineIntersection, line_intersection::line_intersection};

/// Finds, for a point, an existing vertex within the tolerance.
///
/// Cells are four tolerances wide, so the square of `within` around a point
/// meets one cell, seldom two or four (with cells one tolerance wide it was
/// nine lookups); each cell keeps the head of a list threaded through
/// `entries` rather than a list of its own. A vertex that moves is put in
/// again where it went; its old entry stays, as it did in a list per cell
/// (distances are always measured to where it is).
struct VertexGrid {
    cell: f64,
    /// The last entry put in each cell.
    heads: CellMap<u32>,
    /// Each entry: a vertex, and the entry put in the same cell before it
    /// (`u32::MAX` for none).
    entries: Vec<(u32, u32)>,
}

impl VertexGrid {
    fn new(tol: f64) -> Self {
        VertexGrid {
            cell: 4.0 * tol.max(1e-3),
            heads: CellMap::default(),
            entries: Vec::new(),
        }
    }

    fn key(&self, x: f64, y: f64) -> (i64, i64) {
        (
            (x / self.cell).floor() as i64,
            (y / self.cell).floor() as i64,
        )
    }

    /// The nearest vertex within `within` (≤ the grid's tolerance), lowest
    /// index on ties.
    fn find_within(&self, c: Coord<f64>, coords: &[Coord<f64>], within: f64) -> Option<usize> {
        let (x0, y0) = self.key(c.x - within, c.y - within);
        let (x1, y1) = self.key(c.x + within, c.y + within);
        let mut best: Option<(f64, usize)> = None;
        for kx in x0..=x1 {
            for ky in y0..=y1 {
                let mut at = self.heads.get(&(kx, ky)).copied().unwrap_or(u32::MAX);
                while at != u32::MAX {
                    let (id, next) = self.entries[at as usize];
                    let id = id as usize;
                    let d = dist(coords[id], c);
                    if d <= within {
                        let better = match best {
                            None => true,
                            Some((bd, bid)) => d < bd || (d == bd && id < bid),
                        };
                        if better {
                            best = Some((d, id));
                        }
                    }
                    at = next;
                }
            }
        }
        best.map(|(_, id)| id)
    }

    fn insert(&mut self, c: Coord<f64>, id: usize) {
        let k = self.key(c.x, c.y);
        let entry = self.entries.len() as u32;
        let head = self.heads.entry(k).or_insert(u32::MAX);
        self.entries.push((id as u32, *head));
        *head = entry;
    }
}

fn dist(a: Coord<f64>, b: Coord<f64>) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// Segment `(a, b, barrier)` on vertex indices.
type Seg = (usize, usize, Barrier);

/// Distance under which two computed points are the same point (metres);
/// small enough that merging moves no border measurably (1e-7 m).
const MICRO: f64 = 1e-7;

/// Community borders define what blocks must tile, and building outlines
/// what must not be split: they never move.
fn protected(b: Barrier) -> bool {
    matches!(
        b.kind,
        crate::model::BarrierKind::Community | crate::model::BarrierKind::Building
    )
}

/// A community border: it stays one on an edge it shares with any line.
fn border(b: Barrier) -> bool {
    b.kind == crate::model::BarrierKind::Community
}

/// Nodes barrier lines into a planar graph.
///
/// `tolerance` (metres) is the snap distance for near-coincident vertices and
/// for line ends that stop just short of (or just past) another line.
///
/// ```
/// use linli::blocks::noding::node;
/// use linli::model::{Barrier, BarrierKind, BarrierLine};
/// let road = Barrier { level: 2, kind: BarrierKind::Road };
/// let lines = vec![
///     BarrierLine { line: vec![(0.0, 0.0), (10.0, 0.0)].into(), barrier: road },
///     BarrierLine { line: vec![(5.0, -5.0), (5.0, 5.0)].into(), barrier: road },
/// ];
/// let net = node(&lines, 0.01);
/// assert_eq!(net.edges.len(), 4); // the cross is split at (5, 0)
/// ```
pub fn node(lines: &[BarrierLine], tolerance: f64) -> NodedNetwork {
    let tol = tolerance.max(0.0);
    let mut coords: Vec<Coord<f64>> = Vec::new();
    let mut grid = VertexGrid::new(tol);
    // 1. Vertex snapping, strongest barriers first so they keep their place.
    let mut segs = snap_vertices(lines, tol, &mut coords, &mut grid);
    // 2. Join line ends (and other vertices) lying within tol of a segment.
    let mut padded: Option<SegTree> = None;
    if tol > 0.0 {
        let tree = seg_tree(&segs, &coords, tol);
        let splits = snap_vertices_to_segments(&mut coords, &mut grid, &segs, tol, &tree);
        if splits.iter().all(Vec::is_empty) {
            // Nothing joined: the segments are unchanged, and their boxes
            // padded by tol still hold them (a vertex moves less than tol),
            // so the crossing search can use this tree.
            padded = Some(tree);
        } else {
            segs = dedupe(apply_splits(&segs, &splits, &coords));
        }
    }
    // 3. Split crossings until none are left.
    let unresolved = split_crossings(&mut coords, &mut grid, &mut segs, tol, padded);
    compact(coords, segs, unresolved)
}

/// Every line's vertices merged with those within the tolerance (a
/// protected line's only with those at the very same place), strongest
/// lines first; returns the segments between consecutive vertices.
fn snap_vertices(
    lines: &[BarrierLine],
    tol: f64,
    coords: &mut Vec<Coord<f64>>,
    grid: &mut VertexGrid,
) -> Vec<Seg> {
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by_key(|&i| {
        let b = lines[i].barrier;
        (!protected(b), std::cmp::Reverse(b.level), i)
    });
    let mut line_vids: Vec<Vec<usize>> = vec![Vec::new(); lines.len()];
    for &li in &order {
        let vids = &mut line_vids[li];
        // Community borders are exact: their vertices merge only with
        // vertices at the very same place.
        let within = if protected(lines[li].barrier) {
            MICRO.min(tol)
        } else {
            tol
        };
        for c in lines[li].line.0.iter() {
            if !(c.x.is_finite() && c.y.is_finite()) {
                continue;
            }
            let id = match grid.find_within(*c, coords, within) {
                Some(id) => id,
                None => {
                    coords.push(*c);
                    grid.insert(*c, coords.len() - 1);
                    coords.len() - 1
                }
            };
            if vids.last() != Some(&id) {
                vids.push(id);
            }
        }
    }
    let mut segs: Vec<Seg> = Vec::new();
    for (li, vids) in line_vids.iter().enumerate() {
        for w in vids.windows(2) {
            segs.push((w[0], w[1], lines[li].barrier));
        }
    }
    dedupe(segs)
}

/// Splits crossings, round after round, until none is left (or 12 rounds
/// have run); returns the crossings left. After the first round only
/// segments created by splitting can cross anything: unchanged pairs were
/// checked already. `padded` is a tree of the segments to start with.
fn split_crossings(
    coords: &mut Vec<Coord<f64>>,
    grid: &mut VertexGrid,
    segs: &mut Vec<Seg>,
    tol: f64,
    mut padded: Option<SegTree>,
) -> usize {
    let mut unresolved = 0;
    let mut fresh: Option<Vec<bool>> = None;
    for round in 0..12 {
        let tree = padded.take().unwrap_or_else(|| seg_tree(segs, coords, 0.0));
        let (splits, count) = find_crossings(coords, grid, segs, tol, fresh.as_deref(), &tree);
        if count == 0 {
            return 0;
        }
        unresolved = count;
        let before: std::collections::HashSet<(usize, usize)> =
            segs.iter().map(|&(a, b, _)| (a, b)).collect();
        *segs = dedupe(apply_splits(segs, &splits, coords));
        fresh = Some(
            segs.iter()
                .map(|&(a, b, _)| !before.contains(&(a, b)))
                .collect(),
        );
        if round == 11 {
            let tree = seg_tree(segs, coords, 0.0);
            unresolved = find_crossings(coords, grid, segs, tol, fresh.as_deref(), &tree).1;
        }
    }
    unresolved
}

/// Keeps one segment per vertex pair (strongest barrier), drops zero-length
/// ones; sorted by vertex pair.
fn dedupe(segs: Vec<Seg>) -> Vec<Seg> {
    let mut v: Vec<Seg> = segs
        .into_iter()
        .filter(|&(a, b, _)| a != b)
        .map(|(a, b, bar)| (a.min(b), a.max(b), bar))
        .collect();
    // The strongest barrier of a pair sorts last; keep it. A community
    // border stays one whatever level a road on it has: blocks are told
    // apart by community along such edges.
    v.sort_unstable_by(|x, y| {
        (x.0, x.1)
            .cmp(&(y.0, y.1))
            .then((border(x.2), x.2).cmp(&(border(y.2), y.2)))
    });
    let mut out: Vec<Seg> = Vec::with_capacity(v.len());
    for s in v {
        match out.last_mut() {
            Some(last) if (last.0, last.1) == (s.0, s.1) => *last = s,
            _ => out.push(s),
        }
    }
    out
}

/// Segment boxes (padded by `pad`) on a grid; box `i` is segment `i`.
type SegTree = BoxGrid;

fn seg_tree(segs: &[Seg], coords: &[Coord<f64>], pad: f64) -> SegTree {
    BoxGrid::new(
        segs.iter()
            .map(|&(a, b, _)| {
                let (p, q) = (coords[a], coords[b]);
                [
                    p.x.min(q.x) - pad,
                    p.y.min(q.y) - pad,
                    p.x.max(q.x) + pad,
                    p.y.max(q.y) + pad,
                ]
            })
            .collect(),
    )
}

/// Parameter of the projection of `c` on segment `p→q`, and the projected point.
fn project(c: Coord<f64>, p: Coord<f64>, q: Coord<f64>) -> (f64, Coord<f64>) {
    let d = q - p;
    let len2 = d.x * d.x + d.y * d.y;
    if len2 == 0.0 {
        return (0.0, p);
    }
    let t = ((c.x - p.x) * d.x + (c.y - p.y) * d.y) / len2;
    let t = t.clamp(0.0, 1.0);
    (
        t,
        Coord {
            x: p.x + t * d.x,
            y: p.y + t * d.y,
        },
    )
}

/// Step 2 of [`node`]: each vertex within `tol` of a segment (not at its
/// ends) joins it. The weaker side moves: a line end goes onto a stronger
/// line, a protected one never moves. Returns each segment's split vertices.
fn snap_vertices_to_segments(
    coords: &mut [Coord<f64>],
    grid: &mut VertexGrid,
    segs: &[Seg],
    tol: f64,
    tree: &SegTree,
) -> Vec<Vec<usize>> {
    // A vertex's strength: its strongest incident segment.
    let mut level = vec![0u8; coords.len()];
    let mut used = vec![false; coords.len()];
    let mut fixed = vec![false; coords.len()];
    for &(a, b, bar) in segs {
        for v in [a, b] {
            level[v] = level[v].max(bar.level);
            used[v] = true;
            fixed[v] |= protected(bar);
        }
    }
    let near = maybe_near_segments(coords, &used, segs, tol, tree);
    let mut splits: Vec<Vec<usize>> = vec![Vec::new(); segs.len()];
    let mut moved = vec![false; coords.len()];
    for v in 0..coords.len() {
        if !near[v] {
            continue;
        }
        let hits = segments_within(coords, v, segs, tol, tree);
        for (_, si, proj) in hits {
            // The weaker side moves: a footpath end joins a river bank where
            // the bank is, a river never bends to a footpath, and a
            // community border never moves at all.
            let seg_fixed = protected(segs[si].2);
            let move_vertex = if seg_fixed {
                !fixed[v]
            } else {
                segs[si].2.level > level[v] && !fixed[v]
            };
            if move_vertex {
                if moved[v] {
                    // Already placed on another line: a line it now lies
                    // on is still split there, or the two would overlap
                    // without sharing the vertex; a border or outline only
                    // where the vertex is on it, for those never bend.
                    let (p, q) = (coords[segs[si].0], coords[segs[si].1]);
                    let (_, on) = project(coords[v], p, q);
                    let near = if seg_fixed { MICRO } else { tol };
                    if dist(on, coords[v]) <= near && dist(on, p) > tol && dist(on, q) > tol {
                        splits[si].push(v);
                    }
                    continue;
                }
                coords[v] = proj;
                grid.insert(proj, v);
                moved[v] = true;
            } else if seg_fixed {
                continue;
            }
            splits[si].push(v);
        }
    }
    splits
}

/// Which vertices can be near a segment at all, in parallel on the
/// positions before any moves. A vertex moves at most `tol`, and only in
/// its own turn, so a segment within `tol` of a vertex in the pass of
/// [`snap_vertices_to_segments`] is within `2 tol` here: the pass can skip
/// every other vertex.
fn maybe_near_segments(
    coords: &[Coord<f64>],
    used: &[bool],
    segs: &[Seg],
    tol: f64,
    tree: &SegTree,
) -> Vec<bool> {
    use rayon::prelude::*;
    (0..coords.len())
        .into_par_iter()
        .with_min_len(1024)
        .map(|v| {
            used[v] && {
                let c = coords[v];
                tree.at_point(c.x, c.y).any(|si| {
                    let (a, b, _) = segs[si];
                    a != v && b != v && {
                        let (_, proj) = project(c, coords[a], coords[b]);
                        dist(proj, c) <= 2.0 * tol
                    }
                })
            }
        })
        .collect()
}

/// The segments within `tol` of vertex `v` (not at their ends), with the
/// distance and the nearest point: protected ones first, then nearest.
fn segments_within(
    coords: &[Coord<f64>],
    v: usize,
    segs: &[Seg],
    tol: f64,
    tree: &SegTree,
) -> Vec<(f64, usize, Coord<f64>)> {
    let c = coords[v];
    let mut hits: Vec<(f64, usize, Coord<f64>)> = Vec::new();
    for si in tree.at_point(c.x, c.y) {
        let (a, b, _) = segs[si];
        if a == v || b == v {
            continue;
        }
        let (p, q) = (coords[a], coords[b]);
        let (_, proj) = project(c, p, q);
        let d = dist(proj, c);
        if d <= tol && dist(proj, p) > tol && dist(proj, q) > tol {
            hits.push((d, si, proj));
        }
    }
    // Community borders and building outlines first: a vertex near one
    // goes onto it, and weaker lines near it bend to meet it there.
    hits.sort_by(|x, y| {
        (!protected(segs[x.1].2))
            .cmp(&!protected(segs[y.1].2))
            .then(x.0.total_cmp(&y.0))
            .then(x.1.cmp(&y.1))
    });
    hits
}

/// Splits every segment at the given vertices (ordered along the segment).
fn apply_splits(segs: &[Seg], splits: &[Vec<usize>], coords: &[Coord<f64>]) -> Vec<Seg> {
    let mut out = Vec::with_capacity(segs.len() + splits.iter().map(Vec::len).sum::<usize>());
    for (i, &(a, b, bar)) in segs.iter().enumerate() {
        let s = &splits[i];
        if s.is_empty() {
            out.push((a, b, bar));
            continue;
        }
        let (p, q) = (coords[a], coords[b]);
        let d = q - p;
        let len2 = d.x * d.x + d.y * d.y;
        let mut pts: Vec<(f64, usize)> = s
            .iter()
            .filter(|&&v| v != a && v != b)
            .map(|&v| {
                let c = coords[v];
                (((c.x - p.x) * d.x + (c.y - p.y) * d.y) / len2, v)
            })
            .collect();
        pts.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        pts.dedup_by_key(|x| x.1);
        let mut prev = a;
        for (_, v) in pts {
            out.push((prev, v, bar));
            prev = v;
        }
        out.push((prev, b, bar));
    }
    out
}

/// Finds crossings and collinear overlaps; returns split lists and their count.
fn find_crossings(
    coords: &mut Vec<Coord<f64>>,
    grid: &mut VertexGrid,
    segs: &[Seg],
    tol: f64,
    fresh: Option<&[bool]>,
    tree: &SegTree,
) -> (Vec<Vec<usize>>, usize) {
    let pairs = candidate_pairs(coords, segs, fresh, tree);
    let found = intersections(coords, segs, &pairs);
    // Resolved in pair order, as vertices are added.
    let mut splits: Vec<Vec<usize>> = vec![Vec::new(); segs.len()];
    let mut count = 0;
    for (i, j, x) in found {
        let at: Vec<usize> = match x {
            LineIntersection::SinglePoint { intersection, .. } => {
                vec![crossing_vertex(
                    coords,
                    grid,
                    segs,
                    (i, j),
                    intersection,
                    tol,
                )]
            }
            LineIntersection::Collinear { intersection } => {
                overlap_ends(coords, segs, (i, j), [intersection.start, intersection.end])
            }
        };
        let mut hit = false;
        for v in at {
            for s in [i, j] {
                if v != segs[s].0 && v != segs[s].1 {
                    splits[s].push(v);
                    hit = true;
                }
            }
        }
        if hit {
            count += 1;
        }
    }
    (splits, count)
}

/// The pairs of segments whose boxes meet, in order (with `fresh`: only
/// pairs with a new segment, found by querying the tree with each).
fn candidate_pairs(
    coords: &[Coord<f64>],
    segs: &[Seg],
    fresh: Option<&[bool]>,
    tree: &SegTree,
) -> Vec<(usize, usize)> {
    let mut pairs: Vec<(usize, usize)> = match fresh {
        None => tree.pairs(),
        // Only pairs with a new segment: query the tree with each of them.
        Some(fresh) => {
            let mut p = Vec::new();
            for (i, &(a, b, _)) in segs.iter().enumerate() {
                if !fresh[i] {
                    continue;
                }
                let (c, d) = (coords[a], coords[b]);
                let env = [c.x.min(d.x), c.y.min(d.y), c.x.max(d.x), c.y.max(d.y)];
                for j in tree.meeting(env) {
                    if j != i && !(fresh[j] && j < i) {
                        p.push((i.min(j), i.max(j)));
                    }
                }
            }
            p
        }
    };
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// The intersections of the pairs, in parallel (they only read positions).
fn intersections(
    coords: &[Coord<f64>],
    segs: &[Seg],
    pairs: &[(usize, usize)],
) -> Vec<(usize, usize, LineIntersection<f64>)> {
    use rayon::prelude::*;
    pairs
        .par_iter()
        .with_min_len(2048)
        .filter_map(|&(i, j)| {
            let (a1, b1, _) = segs[i];
            let (a2, b2, _) = segs[j];
            // Segments meeting at a shared vertex and not collinear
            // touch only there, which changes nothing: most pairs, as
            // every junction pairs up its edges.
            let shared = [
                (a1, b1, a2, b2),
                (a1, b1, b2, a2),
                (b1, a1, a2, b2),
                (b1, a1, b2, a2),
            ]
            .into_iter()
            .find(|&(s, _, t, _)| s == t);
            if let Some((s, p, _, q)) = shared {
                use geo::kernels::{Kernel, Orientation, RobustKernel};
                if RobustKernel::orient2d(coords[s], coords[p], coords[q]) != Orientation::Collinear
                {
                    return None;
                }
            }
            let l1 = Line::new(coords[a1], coords[b1]);
            let l2 = Line::new(coords[a2], coords[b2]);
            line_intersection(l1, l2).map(|x| (i, j, x))
        })
        .collect()
}

/// The vertex where segments `i` and `j` cross at `intersection`: an end
/// vertex when the crossing is (within tol) at it, but never bending a
/// stronger line towards a weaker line's end (a community border must keep
/// its exact course); else a vertex there, shared by every line crossing
/// at that point.
fn crossing_vertex(
    coords: &mut Vec<Coord<f64>>,
    grid: &mut VertexGrid,
    segs: &[Seg],
    (i, j): (usize, usize),
    intersection: Coord<f64>,
    tol: f64,
) -> usize {
    let (a1, b1, _) = segs[i];
    let (a2, b2, _) = segs[j];
    let (li, lj) = (segs[i].2.level, segs[j].2.level);
    let (pi, pj) = (protected(segs[i].2), protected(segs[j].2));
    let near = |e: usize, other: (usize, usize)| {
        let (_, p) = project(coords[e], coords[other.0], coords[other.1]);
        dist(p, coords[e]) <= MICRO
    };
    let ends = [
        (a1, li, pj, (a2, b2)),
        (b1, li, pj, (a2, b2)),
        (a2, lj, pi, (a1, b1)),
        (b2, lj, pi, (a1, b1)),
    ];
    let at_end = ends
        .iter()
        .filter(|&&(e, lvl, other_fixed, other)| {
            dist(coords[e], intersection) <= tol
                && if other_fixed {
                    near(e, other)
                } else {
                    lvl >= li.max(lj) || near(e, other)
                }
        })
        .map(|&(e, _, _, _)| e)
        .min_by(|&x, &y| {
            dist(coords[x], intersection)
                .total_cmp(&dist(coords[y], intersection))
                .then(x.cmp(&y))
        });
    match at_end {
        Some(e) => e,
        // Crossings of several lines at one point share a vertex.
        None => match grid.find_within(intersection, coords, MICRO) {
            Some(id) => id,
            None => {
                coords.push(intersection);
                grid.insert(intersection, coords.len() - 1);
                coords.len() - 1
            }
        },
    }
}

/// The end vertices of segments `i` and `j` nearest to the two ends of
/// their overlap.
fn overlap_ends(
    coords: &[Coord<f64>],
    segs: &[Seg],
    (i, j): (usize, usize),
    ends: [Coord<f64>; 2],
) -> Vec<usize> {
    let (a1, b1, _) = segs[i];
    let (a2, b2, _) = segs[j];
    ends.into_iter()
        .map(|c| {
            [a1, b1, a2, b2]
                .into_iter()
                .min_by(|&x, &y| {
                    dist(coords[x], c)
                        .total_cmp(&dist(coords[y], c))
                        .then(x.cmp(&y))
                })
                .expect("four candidates")
        })
        .collect()
}

/// Drops unused vertices and renumbers edges so that `a < b`, sorted.
fn compact(coords: Vec<Coord<f64>>, segs: Vec<Seg>, unresolved: usize) -> NodedNetwork {
    let mut new_id = vec![usize::MAX; coords.len()];
    let mut vertices = Vec::new();
    for &(a, b, _) in &segs {
        for v in [a, b] {
            if new_id[v] == usize::MAX {
                new_id[v] = vertices.len();
                vertices.push(coords[v]);
            }
        }
    }
    let mut edges: Vec<NodedEdge> = segs
        .into_iter()
        .map(|(a, b, barrier)| {
            let (a, b) = (new_id[a], new_id[b]);
            NodedEdge {
                a: a.min(b),
                b: a.max(b),
                barrier,
            }
        })
        .collect();
    edges.sort_by_key(|e| (e.a, e.b));
    NodedNetwork {
        vertices,
        edges,
        unresolved_crossings: unresolved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BarrierKind;

    fn road(pts: &[(f64, f64)], level: u8) -> BarrierLine {
        BarrierLine {
            line: pts.to_vec().into(),
            barrier: Barrier {
                level,
                kind: BarrierKind::Road,
            },
        }
    }

    fn assert_planar(net: &NodedNetwork) {
        for (i, e) in net.edges.iter().enumerate() {
            for f in &net.edges[i + 1..] {
                let l1 = Line::new(net.vertices[e.a], net.vertices[e.b]);
                let l2 = Line::new(net.vertices[f.a], net.vertices[f.b]);
                match line_intersection(l1, l2) {
                    None => {}
                    Some(LineIntersection::SinglePoint { intersection, .. }) => {
                        let shared = [e.a, e.b]
                            .iter()
                            .any(|v| [f.a, f.b].contains(v) && net.vertices[*v] == intersection);
                        assert!(shared, "edges {e:?} and {f:?} cross at {intersection:?}");
                    }
                    Some(LineIntersection::Collinear { .. }) => panic!("overlap {e:?} {f:?}"),
                }
            }
        }
    }

    #[test]
    fn cross_is_split() {
        let net = node(
            &[
                road(&[(0., 0.), (10., 0.)], 2),
                road(&[(5., -5.), (5., 5.)], 2),
            ],
            0.01,
        );
        assert_eq!(net.edges.len(), 4);
        assert_eq!(net.vertices.len(), 5);
        assert_planar(&net);
    }

    #[test]
    fn collinear_overlap_merges_and_keeps_strongest() {
        let net = node(
            &[
                road(&[(0., 0.), (10., 0.)], 2),
                road(&[(5., 0.), (15., 0.)], 4),
            ],
            0.01,
        );
        assert_eq!(net.edges.len(), 3);
        let mid = net
            .edges
            .iter()
            .find(|e| {
                let (p, q) = (net.vertices[e.a], net.vertices[e.b]);
                p.x.min(q.x) == 5.0 && p.x.max(q.x) == 10.0
            })
            .unwrap();
        assert_eq!(mid.barrier.level, 4);
        assert_planar(&net);
    }

    #[test]
    fn undershoot_is_joined_and_strong_line_does_not_move() {
        // A footpath stopping 3 cm short of a river.
        let river = BarrierLine {
            line: vec![(0., 0.), (10., 0.)].into(),
            barrier: Barrier {
                level: 4,
                kind: BarrierKind::Water,
            },
        };
        let net = node(&[river, road(&[(5., 10.), (5., 0.03)], 1)], 0.05);
        assert_eq!(net.edges.len(), 3);
        assert!(net.vertices.iter().any(|v| v.x == 5.0 && v.y == 0.0));
        assert!(net.vertices.iter().all(|v| v.y == 0.0 || v.y == 10.0));
    }

    #[test]
    fn near_vertices_merge() {
        let net = node(
            &[
                road(&[(0., 0.), (10., 0.)], 2),
                road(&[(10.01, 0.02), (10., 10.)], 2),
            ],
            0.05,
        );
        assert_eq!(net.vertices.len(), 3);
    }

    #[test]
    fn many_random_lines_are_planar() {
        // A tangle of lines through a common point plus a grid.
        let mut lines = Vec::new();
        for k in 0..12 {
            let a = k as f64 * 0.37;
            lines.push(road(
                &[
                    (50. - 60. * a.cos(), 50. - 60. * a.sin()),
                    (50. + 60. * a.cos(), 50. + 60. * a.sin()),
                ],
                2,
            ));
        }
        for k in 0..6 {
            let x = k as f64 * 20.0 + 0.5;
            lines.push(road(&[(x, -20.), (x, 120.)], 3));
            lines.push(road(&[(-20., x), (120., x)], 3));
        }
        let net = node(&lines, 0.01);
        assert_eq!(net.unresolved_crossings, 0);
        assert_planar(&net);
    }
}
