//! Faces into blocks: the community of each face, and which faces make one
//! block.
//!
//! A face's community is found per zone, the faces joined by edges that
//! are not community borders: one probe decides a whole zone, so a thin
//! face along a border is never lost to an unlucky probe. Faces then group
//! into blocks: the faces of one ready-made parcel; the pieces of a
//! building a line runs through, with the face beside them they share most
//! border with (the border bends around the building); and slivers (under
//! a square metre, or thinner than half a metre) with the neighbour they
//! share most border with, so no block a planner sees is a sliver.

use super::noding::NodedNetwork;
use super::polygonize::Faces;
use crate::error::Problem;
use crate::model::{BarrierKind, Scenario};
use geo::{Contains, Distance, Intersects, Point};
use std::collections::BTreeMap;

/// Smallest block area, m².
pub const SLIVER_M2: f64 = 1.0;
/// Smallest mean width of a block (2 × area / perimeter), metres.
pub const SLIVER_WIDTH_M: f64 = 0.5;
/// Faces are merged up to this factor above both limits: a block at the
/// limit measured on the plane can fall just under it measured on the
/// written lon/lat (a 2.42 m² block 0.5001 m wide here was 0.499 m there).
const SLIVER_MARGIN: f64 = 1.02;

/// The faces' sides and lengths, edge by edge: (left face, right face,
/// length, on a community border).
struct Sides(Vec<(usize, usize, f64, bool)>);

impl Sides {
    fn new(net: &NodedNetwork, faces: &Faces) -> Self {
        let mut v = Vec::new();
        for (e, fs) in faces.edge_faces.iter().enumerate() {
            if let [Some(l), Some(r)] = *fs {
                let edge = &net.edges[e];
                let (p, q) = (net.vertices[edge.a], net.vertices[edge.b]);
                let len = (p.x - q.x).hypot(p.y - q.y);
                v.push((l, r, len, edge.barrier.kind == BarrierKind::Community));
            }
        }
        Sides(v)
    }
}

/// Union-find over faces.
struct Union(Vec<usize>);

impl Union {
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }

    /// Joins the two sets; the smaller root stays root.
    fn join(&mut self, a: usize, b: usize) -> usize {
        let (a, b) = (self.find(a), self.find(b));
        let (lo, hi) = (a.min(b), a.max(b));
        self.0[hi] = lo;
        lo
    }
}

/// Where each face is.
pub struct FacePlaces {
    /// The community of each face (`None`: outside every community).
    pub community: Vec<Option<usize>>,
    /// An interior point of each face.
    pub probes: Vec<Option<Point<f64>>>,
}

/// The community of every face and an interior point of every face.
/// Errors name communities that overlap.
pub fn communities(
    scenario: &Scenario,
    net: &NodedNetwork,
    faces: &Faces,
) -> Result<FacePlaces, Vec<Problem>> {
    use rayon::prelude::*;
    let n = faces.faces.len();
    let probes: Vec<Option<Point<f64>>> = faces
        .faces
        .par_iter()
        .with_min_len(256)
        .map(|f| super::polygonize::inner_point(&f.polygon))
        .collect();
    let mut zones = Union((0..n).collect());
    for &(l, r, _, border) in &Sides::new(net, faces).0 {
        if !border {
            zones.join(l, r);
        }
    }
    // The largest face of each zone decides it.
    let mut judge: BTreeMap<usize, usize> = BTreeMap::new();
    for f in 0..n {
        let z = zones.find(f);
        let best = judge.entry(z).or_insert(f);
        if faces.faces[f].area > faces.faces[*best].area {
            *best = f;
        }
    }
    let tree = super::index::box_tree(scenario.communities.iter().map(|c| {
        use geo::BoundingRect;
        c.area.bounding_rect()
    }));
    let mut zone_community: BTreeMap<usize, Option<usize>> = BTreeMap::new();
    let mut problems = Vec::new();
    for (&z, &f) in &judge {
        let Some(p) = probes[f] else {
            zone_community.insert(z, None);
            continue;
        };
        let mut inside: Vec<usize> = tree
            .locate_all_at_point(&[p.x(), p.y()])
            .map(|g| g.data)
            .filter(|&c| scenario.communities[c].area.intersects(&p))
            .collect();
        inside.sort_unstable();
        if inside.len() > 1 {
            problems.push(overlap(scenario, inside[0], inside[1], faces.faces[f].area));
        }
        zone_community.insert(z, inside.first().copied());
    }
    if !problems.is_empty() {
        problems.dedup_by(|a, b| a.what == b.what);
        return Err(problems);
    }
    let community = (0..n).map(|f| zone_community[&zones.find(f)]).collect();
    Ok(FacePlaces { community, probes })
}

/// The problem of communities `a` and `b` overlapping by `area` m² at
/// least. Its feature is `a`'s index in the scenario: the pipeline names
/// the file and the feature's index in it (`read::Loaded::locate`).
fn overlap(scenario: &Scenario, ai: usize, b: usize, area: f64) -> Problem {
    let (a, b) = (&scenario.communities[ai], &scenario.communities[b]);
    Problem::feature(
        "communities.geojson",
        ai,
        Some(a.id.clone()),
        format!(
            "communities {:?} and {:?} overlap ({} m² at least)",
            a.id,
            b.id,
            crate::error::show_area(area)
        ),
    )
    .with_hint(if area < 1.0 {
        "an overlap this small is rounding along a shared border: snap the two borders together (QGIS: Snap geometries to layer), so that neighborhoods can tile the communities"
    } else {
        "neighborhoods must tile communities; fix the shared border"
    })
}

/// What decides which faces make one block.
pub struct Grouping<'a> {
    /// The community of each face.
    pub community: &'a [Option<usize>],
    /// An interior point of each face.
    pub probes: &'a [Option<Point<f64>>],
    /// Footprints a line runs through (their faces go whole to one side).
    pub crossed: &'a [geo::Polygon<f64>],
    /// The noding tolerance: outlines move up to this much, so a face
    /// whose probe is this near a footprint is a piece of it.
    pub tolerance: f64,
    /// Whether slivers join a neighbour.
    pub slivers: bool,
}

/// The group of every face: faces with the same group make one block.
/// Groups are named by their smallest face.
pub fn groups(scenario: &Scenario, net: &NodedNetwork, faces: &Faces, g: &Grouping) -> Vec<usize> {
    let n = faces.faces.len();
    let sides = Sides::new(net, faces);
    let mut u = Union((0..n).collect());
    let same = |l: usize, r: usize| g.community[l].is_some() && g.community[l] == g.community[r];
    // Faces of one parcel.
    let parcel = parcel_of(scenario, g.probes);
    for &(l, r, _, _) in &sides.0 {
        if same(l, r) && parcel[l].is_some() && parcel[l] == parcel[r] {
            u.join(l, r);
        }
    }
    // Pieces of a building a line runs through: one piece, then with the
    // face beside it that shares most border.
    // The pieces of one building (and of buildings overlapping it) that
    // touch along an edge are one group: a block is always one piece.
    let in_footprint = footprint_faces(g);
    for &(l, r, _, border) in &sides.0 {
        if !border && same(l, r) && in_footprint[l] && in_footprint[r] && parcel[l] == parcel[r] {
            u.join(l, r);
        }
    }
    let mut stats = Stats::new(&mut u, faces, &sides, &same, &in_footprint);
    let pieces: Vec<usize> = (0..n)
        .filter(|&f| stats.piece[f] && stats.u.find(f) == f && g.community[f].is_some())
        .collect();
    for f in pieces {
        // To the side where most of the building lies: beside its largest
        // piece (within its parcel: parcels are units as given).
        let largest = stats.members[f]
            .iter()
            .copied()
            .max_by(|&a, &b| {
                faces.faces[a]
                    .area
                    .total_cmp(&faces.faces[b].area)
                    .then(b.cmp(&a))
            })
            .unwrap_or(f);
        let ok = |s: &Stats, o: usize| !s.piece[o] && parcel[o] == parcel[f];
        let into = stats
            .best_beside(f, largest, ok)
            .or_else(|| stats.best_neighbour(f, ok));
        if let Some(o) = into {
            stats.merge(f, o);
        }
    }
    if g.slivers {
        merge_slivers(&mut stats, g.community);
    }
    (0..n).map(|f| stats.u.find(f)).collect()
}

/// Slivers join the neighbour sharing most border, smallest first, until
/// none is left that has a neighbour.
fn merge_slivers(stats: &mut Stats, community: &[Option<usize>]) {
    loop {
        let mut slivers: Vec<(f64, usize)> = Vec::new();
        for (f, c) in community.iter().enumerate() {
            if c.is_some() && stats.u.find(f) == f && stats.is_sliver(f) {
                slivers.push((stats.area[f], f));
            }
        }
        slivers.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut merged = false;
        for (_, f) in slivers {
            if stats.u.find(f) != f || !stats.is_sliver(f) {
                continue;
            }
            if let Some(o) = stats.best_neighbour(f, |_, _| true) {
                stats.merge(f, o);
                merged = true;
            }
        }
        if !merged {
            break;
        }
    }
}

/// Running figures of the groups (kept at each group's root).
struct Stats<'u> {
    u: &'u mut Union,
    area: Vec<f64>,
    perimeter: Vec<f64>,
    /// Whether the group is (pieces of) a building a line runs through.
    piece: Vec<bool>,
    /// Per face: (neighbour face, shared length) across non-border edges
    /// inside one community.
    next: Vec<Vec<(usize, f64)>>,
    members: Vec<Vec<usize>>,
}

impl<'u> Stats<'u> {
    fn new(
        u: &'u mut Union,
        faces: &Faces,
        sides: &Sides,
        same: &dyn Fn(usize, usize) -> bool,
        piece: &[bool],
    ) -> Self {
        use geo::{Euclidean, Length};
        let n = faces.faces.len();
        let mut next: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        for &(l, r, len, border) in &sides.0 {
            if l != r && !border && same(l, r) {
                next[l].push((r, len));
                next[r].push((l, len));
            }
        }
        let mut s = Stats {
            u,
            area: vec![0.0; n],
            perimeter: vec![0.0; n],
            piece: vec![false; n],
            next,
            members: vec![Vec::new(); n],
        };
        for (f, face) in faces.faces.iter().enumerate() {
            let root = s.u.find(f);
            s.area[root] += face.area;
            s.members[root].push(f);
            s.piece[root] |= piece[f];
            s.perimeter[root] += std::iter::once(face.polygon.exterior())
                .chain(face.polygon.interiors())
                .map(|r| Euclidean.length(r))
                .sum::<f64>();
        }
        // Groups already joined (parcels, building pieces): the edges
        // between their faces are inside.
        for f in 0..n {
            for k in 0..s.next[f].len() {
                let (o, len) = s.next[f][k];
                if f < o && s.u.find(f) == s.u.find(o) {
                    let root = s.u.find(f);
                    s.perimeter[root] -= 2.0 * len;
                }
            }
        }
        s
    }

    fn is_sliver(&self, root: usize) -> bool {
        let (a, p) = (self.area[root], self.perimeter[root]);
        a < SLIVER_M2 * SLIVER_MARGIN || (p > 0.0 && 2.0 * a / p < SLIVER_WIDTH_M * SLIVER_MARGIN)
    }

    /// The neighbouring group (root) sharing most border with group `root`
    /// among those `ok` accepts; the smallest root on ties.
    fn best_neighbour(&mut self, root: usize, ok: impl Fn(&Self, usize) -> bool) -> Option<usize> {
        let faces = self.members[root].clone();
        self.best_across(root, &faces, ok)
    }

    /// [`Stats::best_neighbour`] counting only the border of `face`.
    fn best_beside(
        &mut self,
        root: usize,
        face: usize,
        ok: impl Fn(&Self, usize) -> bool,
    ) -> Option<usize> {
        self.best_across(root, &[face], ok)
    }

    /// The group `ok` accepts sharing most border with `faces` of `root`.
    fn best_across(
        &mut self,
        root: usize,
        faces: &[usize],
        ok: impl Fn(&Self, usize) -> bool,
    ) -> Option<usize> {
        let mut shared: BTreeMap<usize, f64> = BTreeMap::new();
        for &f in faces {
            for k in 0..self.next[f].len() {
                let (o, len) = self.next[f][k];
                let r = self.u.find(o);
                if r != root {
                    *shared.entry(r).or_insert(0.0) += len;
                }
            }
        }
        let mut best: Option<(f64, usize)> = None;
        for (r, len) in shared {
            if ok(self, r) && best.is_none_or(|(b, _)| len > b) {
                best = Some((len, r));
            }
        }
        best.map(|(_, r)| r)
    }

    /// Joins groups `a` and `b` (roots); the result is no building piece.
    fn merge(&mut self, a: usize, b: usize) {
        let mut shared = 0.0;
        for i in 0..self.members[a].len() {
            let f = self.members[a][i];
            for k in 0..self.next[f].len() {
                let (o, len) = self.next[f][k];
                if self.u.find(o) == b {
                    shared += len;
                }
            }
        }
        let (area, perimeter) = (
            self.area[a] + self.area[b],
            self.perimeter[a] + self.perimeter[b] - 2.0 * shared,
        );
        let mut members = std::mem::take(&mut self.members[a]);
        members.append(&mut self.members[b]);
        let root = self.u.join(a, b);
        self.area[root] = area;
        self.perimeter[root] = perimeter;
        self.piece[root] = false;
        self.members[root] = members;
    }
}

/// The parcel (ready-made block) holding each face's probe.
fn parcel_of(scenario: &Scenario, probes: &[Option<Point<f64>>]) -> Vec<Option<usize>> {
    if scenario.parcels.is_empty() {
        return vec![None; probes.len()];
    }
    let tree = super::index::box_tree(scenario.parcels.iter().map(|p| {
        use geo::BoundingRect;
        p.area.bounding_rect()
    }));
    probes
        .iter()
        .map(|p| {
            let p = (*p)?;
            tree.locate_all_at_point(&[p.x(), p.y()])
                .map(|g| g.data)
                .filter(|&i| scenario.parcels[i].area.intersects(&p))
                .min()
        })
        .collect()
}

/// Whether each face lies inside (or within the noding tolerance of) a
/// footprint some line runs through.
fn footprint_faces(g: &Grouping) -> Vec<bool> {
    if g.crossed.is_empty() {
        return vec![false; g.probes.len()];
    }
    let tree = super::index::box_tree(g.crossed.iter().map(|p| {
        use geo::BoundingRect;
        p.bounding_rect()
    }));
    let t = g.tolerance;
    g.probes
        .iter()
        .map(|p| {
            p.is_some_and(|p| {
                let env = rstar::AABB::from_corners([p.x() - t, p.y() - t], [p.x() + t, p.y() + t]);
                tree.locate_in_envelope_intersecting(&env).any(|h| {
                    let fp = &g.crossed[h.data];
                    fp.contains(&p) || geo::Euclidean.distance(fp, &p) <= t
                })
            })
        })
        .collect()
}
