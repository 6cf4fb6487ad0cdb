//! What goes into a part: its communities and buildings, the barriers,
//! network and facilities of the halo around it, and the rows of its
//! tables.

use super::{Part, PartInfo, collection, feature_json};
use crate::project::Crs;
use crate::read::feature::RawFeature;
use crate::read::layer::for_each_position;
use crate::read::{Loaded, ScenarioFiles};
use geo::{BoundingRect, Distance, Euclidean, Geometry, InteriorPoint, Intersects, Point};
use std::collections::BTreeMap;

/// Each building's community: the first holding its location, as the
/// blocks stage puts it in a block; a building outside every community
/// goes with the nearest.
pub(crate) fn building_communities(loaded: &Loaded) -> Vec<usize> {
    let cs = &loaded.scenario.communities;
    let boxes: Vec<_> = cs.iter().map(|c| c.area.bounding_rect()).collect();
    loaded
        .scenario
        .buildings
        .iter()
        .map(|b| {
            let p = b.location;
            let inside = (0..cs.len())
                .find(|&c| boxes[c].is_some_and(|r| r.intersects(&p)) && cs[c].area.intersects(&p));
            inside.unwrap_or_else(|| nearest(cs.iter().map(|c| Euclidean.distance(&p, &c.area))))
        })
        .collect()
}

/// The index of the smallest distance (the first of equals).
fn nearest(ds: impl Iterator<Item = f64>) -> usize {
    let mut best = (0, f64::INFINITY);
    for (i, d) in ds.enumerate() {
        if d < best.1 {
            best = (i, d);
        }
    }
    best.0
}

/// The scenario's coordinates: metres of halo in its units.
pub(crate) struct Frame {
    crs: Crs,
    /// Degrees of longitude and latitude per metre (lon/lat), else 1.
    per_m: (f64, f64),
}

impl Frame {
    /// The frame of layers in `crs`, laid over `communities` (lon/lat: a
    /// metre of longitude taken at their latitude farthest from the
    /// equator, so the halo is never short).
    pub(crate) fn new(crs: Crs, communities: &[RawFeature]) -> Self {
        let per_m = if crs == Crs::LonLat {
            let mut lat: f64 = 0.0;
            for f in communities {
                for_each_position(&f.geometry, &mut |p| lat = lat.max(p[1].abs()));
            }
            let cos = lat.min(89.0).to_radians().cos();
            (1.0 / (111_320.0 * cos), 1.0 / 110_574.0)
        } else {
            (1.0, 1.0)
        };
        Frame { crs, per_m }
    }

    /// A box grown by `m` metres.
    fn grow(&self, b: [f64; 4], m: f64) -> [f64; 4] {
        let (dx, dy) = (m * self.per_m.0 * 1.01, m * self.per_m.1 * 1.01);
        [b[0] - dx, b[1] - dy, b[2] + dx, b[3] + dy]
    }

    /// The `crs` member of a layer in this frame (none for lon/lat).
    fn crs_member(&self) -> Option<serde_json::Value> {
        match self.crs {
            Crs::LonLat => None,
            Crs::Epsg(c) => Some(serde_json::json!({
                "type": "name",
                "properties": {"name": format!("urn:ogc:def:crs:EPSG::{c}")}
            })),
        }
    }
}

/// A feature's bounding box in its own units.
pub(crate) fn raw_box(f: &RawFeature) -> Option<[f64; 4]> {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for_each_position(&f.geometry, &mut |p| {
        b = [
            b[0].min(p[0]),
            b[1].min(p[1]),
            b[2].max(p[0]),
            b[3].max(p[1]),
        ];
    });
    (b[0] <= b[2]).then_some(b)
}

fn overlaps(a: [f64; 4], b: [f64; 4]) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

/// A point of a feature: inside it for an area, on it for a line.
fn inner_point(f: &RawFeature) -> Option<Point<f64>> {
    let g: Geometry<f64> = Geometry::try_from(&f.geometry).ok()?;
    g.interior_point()
}

/// Which part a place belongs to: the part of the first community holding
/// it, else of the nearest.
pub(crate) struct Owner {
    areas: Vec<(Geometry<f64>, usize)>,
}

impl Owner {
    /// The owner of places among `communities` (raw, in the scenario's
    /// order) split into `parts` (community indices per part).
    /// (`feature_of`: each community's feature in `communities`).
    pub(crate) fn new(
        communities: &[RawFeature],
        feature_of: &[usize],
        parts: &[Vec<usize>],
    ) -> Self {
        let mut part_of = vec![usize::MAX; communities.len()];
        for (k, members) in parts.iter().enumerate() {
            for &c in members {
                if let Some(slot) = feature_of.get(c).and_then(|&i| part_of.get_mut(i)) {
                    *slot = k;
                }
            }
        }
        let areas = communities
            .iter()
            .zip(part_of)
            .filter_map(|(f, k)| Some((Geometry::try_from(&f.geometry).ok()?, k)))
            .filter(|(_, k)| *k != usize::MAX)
            .collect();
        Owner { areas }
    }

    /// The part owning `f` (by a point inside it).
    pub(crate) fn part_of(&self, f: &RawFeature) -> Option<usize> {
        let p = inner_point(f)?;
        let hit = self.areas.iter().find(|(g, _)| g.intersects(&p));
        Some(match hit {
            Some((_, k)) => *k,
            None => {
                self.areas[nearest(self.areas.iter().map(|(g, _)| Euclidean.distance(&p, g)))].1
            }
        })
    }
}

/// What [`part_files`] needs to know of the whole split.
pub(crate) struct PartContext<'a> {
    /// The part's number, from 0.
    pub part: usize,
    /// Its communities (indices in the scenario).
    pub members: &'a [usize],
    /// The whole scenario, read.
    pub loaded: &'a Loaded,
    /// Its coordinates.
    pub frame: &'a Frame,
    /// Who owns a place.
    pub owner: &'a Owner,
    /// Halo, metres.
    pub halo_m: f64,
    /// Each building's community.
    pub of_building: &'a [usize],
}

/// Layers taken whole where they touch the halo: the barriers, the walking
/// network and what is walked to.
const HALO_LAYERS: &[&str] = &[
    "roads.geojson",
    "water.geojson",
    "rail.geojson",
    "landmarks.geojson",
    "compounds.geojson",
    "facilities.geojson",
];

/// Layers of areas drawn inside communities, owned by where they lie.
const OWNED_LAYERS: &[&str] = &["neighborhoods.geojson", "blocks.geojson"];

/// The files of part `ctx.part`.
pub(crate) fn part_files(
    ctx: PartContext,
    mut info: PartInfo,
    communities: &[RawFeature],
    layers: &BTreeMap<String, Vec<RawFeature>>,
    files: &ScenarioFiles,
    toml: Option<&str>,
) -> Part {
    let crs = ctx.frame.crs_member();
    let mut out: Vec<(String, String)> = Vec::new();
    let mut add = |name: &str, fs: Vec<serde_json::Value>| {
        out.push((name.to_string(), collection(&fs, crs.as_ref())));
    };
    let coms = &ctx.loaded.scenario.communities;
    let raw_of = |c: usize| &communities[ctx.loaded.community_features[c]];
    let mut core = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut own = Vec::new();
    for &c in ctx.members {
        let mut f = raw_of(c).clone();
        if let Some(b) = raw_box(&f) {
            core = [
                core[0].min(b[0]),
                core[1].min(b[1]),
                core[2].max(b[2]),
                core[3].max(b[3]),
            ];
        }
        // The id the whole scenario gave it, which may come from its place.
        f.id = Some(coms[c].id.clone());
        own.push(feature_json(&f));
    }
    add("communities.geojson", own);
    let halo = ctx.frame.grow(core, ctx.halo_m);
    add("buildings.geojson", part_buildings(&ctx, layers, &mut info));
    for &name in HALO_LAYERS {
        let Some(fs) = layers.get(name) else { continue };
        let near: Vec<&RawFeature> = fs
            .iter()
            .filter(|f| raw_box(f).is_some_and(|b| overlaps(b, halo)))
            .collect();
        if name == "facilities.geojson" {
            info.facilities = owned_facilities(&ctx, &near);
        }
        add(name, near.into_iter().map(feature_json).collect());
    }
    for &name in OWNED_LAYERS {
        let Some(fs) = layers.get(name) else { continue };
        let mine = fs.iter().filter(|f| ctx.owner.part_of(f) == Some(ctx.part));
        add(name, mine.map(feature_json).collect());
    }
    out.extend(tables(&ctx, files, toml));
    let json = serde_json::to_string_pretty(&info).expect("part info is JSON");
    out.push(("part.json".into(), json));
    Part { info, files: out }
}

/// The part's buildings (their ids as the whole scenario read them), with
/// their count and households noted in `info`; and as guests the buildings
/// of other parts whose footprints reach into its communities.
fn part_buildings(
    ctx: &PartContext,
    layers: &BTreeMap<String, Vec<RawFeature>>,
    info: &mut PartInfo,
) -> Vec<serde_json::Value> {
    let fs = layers
        .get("buildings.geojson")
        .map_or(&[][..], Vec::as_slice);
    let bs = &ctx.loaded.scenario.buildings;
    let mut out = Vec::new();
    for (i, f) in fs.iter().enumerate() {
        let own = ctx
            .of_building
            .get(i)
            .is_some_and(|c| ctx.members.contains(c));
        if own {
            info.buildings += 1;
            info.households += u64::from(bs[i].households);
        } else if reaches_in(ctx, &bs[i]) {
            info.guests.push(bs[i].id.clone());
        } else {
            continue;
        }
        let mut f = f.clone();
        f.id = Some(bs[i].id.clone());
        out.push(feature_json(&f));
    }
    out
}

/// Whether the footprint of a building of another part reaches into the
/// part's communities (a barrier through it keeps it whole there too).
fn reaches_in(ctx: &PartContext, b: &crate::model::Building) -> bool {
    let Some(fp) = &b.footprint else { return false };
    let r = fp.bounding_rect();
    ctx.members.iter().any(|&m| {
        let area = &ctx.loaded.scenario.communities[m].area;
        area.bounding_rect()
            .zip(r)
            .is_some_and(|(a, r)| a.intersects(&r))
            && area.intersects(fp)
    })
}

/// The facilities among `near` the part owns, by id and kind.
fn owned_facilities(ctx: &PartContext, near: &[&RawFeature]) -> Vec<(String, String)> {
    near.iter()
        .filter(|f| ctx.owner.part_of(f) == Some(ctx.part))
        .filter_map(|f| {
            let kind = f
                .properties
                .get("kind")
                .and_then(|v| v.as_str())
                .unwrap_or("");
            Some((f.id.clone()?, kind.to_string()))
        })
        .collect()
}

/// The part's tables and settings: staff.csv's rows of its communities,
/// overrides.csv, scenario.toml and standards.toml as they are.
fn tables(ctx: &PartContext, files: &ScenarioFiles, toml: Option<&str>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(t) = toml {
        out.push(("scenario.toml".into(), t.to_string()));
    }
    for name in ["standards.toml", "overrides.csv"] {
        if let Some(t) = files.files.get(name) {
            out.push((name.into(), t.to_string()));
        }
    }
    if let Some(t) = files.files.get("staff.csv") {
        let ids: Vec<&str> = ctx
            .members
            .iter()
            .map(|&c| ctx.loaded.scenario.communities[c].id.as_str())
            .collect();
        out.push(("staff.csv".into(), staff_rows(t, &ids)));
    }
    out
}

/// The header of staff.csv and the rows whose `community` (社区) field,
/// else first field, is one of `ids`.
///
/// ```
/// let t = "workers,community\n2,C1\n3,C2\n";
/// assert_eq!(linli::split::select::staff_rows(t, &["C2"]), "workers,community\n3,C2\n");
/// let t = "community,workers\nC1,2\nC2,3\n";
/// assert_eq!(linli::split::select::staff_rows(t, &["C2"]), "community,workers\nC2,3\n");
/// ```
pub fn staff_rows(text: &str, ids: &[&str]) -> String {
    let mut lines = text.lines();
    let mut s = String::new();
    let mut col = 0;
    if let Some(h) = lines.next() {
        let names = h
            .trim_start_matches('\u{feff}')
            .split(',')
            .map(|n| n.trim().trim_matches('"'));
        col = names
            .enumerate()
            .find(|(_, n)| *n == "community" || *n == "社区")
            .map_or(0, |(i, _)| i);
        s.push_str(h);
        s.push('\n');
    }
    for l in lines {
        let first = l.split(',').nth(col).unwrap_or("").trim().trim_matches('"');
        if ids.contains(&first) {
            s.push_str(l);
            s.push('\n');
        }
    }
    s
}
