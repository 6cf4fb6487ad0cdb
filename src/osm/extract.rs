//! The extract's area and the local plane: the box its header says it was
//! cut to (within the box of its nodes); without one, the box of where its
//! data is (buildings and local streets, with a margin), not the box of
//! every node, which long boundary ways and rivers stretch tens of
//! kilometres out; every node on the plane centred on that area.

use super::assemble::NodeIndex;
use super::context::{extent, lonlat_box};
use super::pbf::OsmData;
use crate::error::{Error, Problem};
use crate::project::{Crs, Projector};
use geo::{Coord, Rect};
use std::collections::HashMap;

/// Margin around the data's box when the header gives none, metres: a
/// building or street at the data's edge keeps the land around it.
pub const DATA_MARGIN_M: f64 = 250.0;

/// Fewest building centroids for their box to stand for the data's area
/// (with local streets); below it, every node's box is kept.
const MIN_DATA_POINTS: usize = 20;

/// Streets that stay near the homes they serve: unlike motorways, rivers
/// or boundaries, they do not run far outside the area an extract was cut to.
const LOCAL_STREETS: &[&str] = &[
    "residential",
    "living_street",
    "service",
    "unclassified",
    "pedestrian",
];

/// Where the extract's area came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaSource {
    /// The box in the file's header.
    Header,
    /// The box of the buildings and local streets, with a margin (no header box).
    Data,
    /// The box of every node (no header box, too little data to do better).
    Nodes,
}

impl AreaSource {
    /// The source as written in `import_summary.json`.
    ///
    /// ```
    /// assert_eq!(linli::osm::extract::AreaSource::Data.key(), "data");
    /// ```
    pub fn key(self) -> &'static str {
        match self {
            AreaSource::Header => "header",
            AreaSource::Data => "data",
            AreaSource::Nodes => "nodes",
        }
    }
}

/// The extract on the local plane.
pub struct Extract {
    /// The extract's area in lon/lat: west, south.
    pub lo: [f64; 2],
    /// The extract's area in lon/lat: east, north.
    pub hi: [f64; 2],
    /// Where that area came from.
    pub source: AreaSource,
    /// The box of every node, lon/lat (west, south, east, north).
    pub nodes_box: [f64; 4],
    /// Lon/lat ↔ the local plane, centred on the area.
    pub projector: Projector,
    /// Every node on the plane.
    pub nodes: NodeIndex,
    /// The extract's area on the plane (1 m wider).
    pub rect: Rect<f64>,
}

impl Extract {
    /// The area of `data` and its nodes on the plane; `label` names the
    /// input in the error when no node has a valid position.
    ///
    /// ```
    /// let mut data = linli::osm::pbf::OsmData::default();
    /// data.nodes.insert(1, (7.42, 43.73));
    /// data.nodes.insert(2, (7.43, 43.74));
    /// let ex = linli::osm::extract::Extract::of(&data, "x.osm.pbf").unwrap();
    /// assert_eq!(ex.nodes.len(), 2);
    /// assert!(ex.rect.width() > 800.0);
    /// assert_eq!(ex.source, linli::osm::extract::AreaSource::Nodes);
    /// ```
    pub fn of(data: &OsmData, label: &str) -> Result<Extract, Error> {
        let (nlo, nhi) = nodes_box(data).ok_or_else(|| {
            Error::Input(vec![Problem::file(
                label.to_string(),
                "has no node with a valid longitude/latitude",
            )])
        })?;
        // Whole ways and relations crossing the header's box bring nodes
        // from far outside it: the header's box wins where there is one,
        // else the box of where the buildings and streets are.
        let within = |[w, s, e, n]: [f64; 4]| {
            let (l, h) = (
                [nlo[0].max(w), nlo[1].max(s)],
                [nhi[0].min(e), nhi[1].min(n)],
            );
            (l[0] < h[0] && l[1] < h[1]).then_some((l, h))
        };
        let (source, (lo, hi)) = match data.bbox.and_then(within) {
            Some(b) => (AreaSource::Header, b),
            None => match data_box(data).and_then(within) {
                Some(b) => (AreaSource::Data, b),
                None => (AreaSource::Nodes, (nlo, nhi)),
            },
        };
        let projector = Projector::new(&Crs::LonLat, (lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0)?;
        let mut nodes: NodeIndex = HashMap::with_capacity(data.nodes.len());
        for (&id, &(lon, lat)) in &data.nodes {
            if let Ok((x, y)) = projector.to_plane(lon, lat)
                && x.is_finite()
                && y.is_finite()
            {
                nodes.insert(id, Coord { x, y });
            }
        }
        let rect = match source {
            AreaSource::Nodes => extent(&nodes),
            _ => lonlat_box(&projector, lo, hi).unwrap_or_else(|| extent(&nodes)),
        };
        Ok(Extract {
            lo,
            hi,
            source,
            nodes_box: [nlo[0], nlo[1], nhi[0], nhi[1]],
            projector,
            nodes,
            rect,
        })
    }

    /// The area's centre, lon/lat.
    pub fn centre(&self) -> (f64, f64) {
        (
            (self.lo[0] + self.hi[0]) / 2.0,
            (self.lo[1] + self.hi[1]) / 2.0,
        )
    }

    /// What the area is, in words, when the header gave none (`None` when
    /// it did): the box taken, its size, and the box of all nodes left.
    pub fn area_note(&self) -> Option<String> {
        let km2 = self.rect.width() * self.rect.height() / 1e6;
        let [w, s, e, n] = self.nodes_box;
        let all = format!("{w:.4},{s:.4},{e:.4},{n:.4}");
        match self.source {
            AreaSource::Header => None,
            AreaSource::Data => Some(format!(
                "the extract's header gives no bounding box: its area is taken as where its buildings and local streets are, with {DATA_MARGIN_M:.0} m around them ({:.4},{:.4},{:.4},{:.4}, {km2:.1} km²), not the box of all its nodes ({all}), which ways and relations reaching out of the extract stretch",
                self.lo[0], self.lo[1], self.hi[0], self.hi[1]
            )),
            AreaSource::Nodes => Some(format!(
                "the extract's header gives no bounding box and it holds too few buildings to tell where its data is: its area is the box of all its nodes ({all}, {km2:.1} km²)"
            )),
        }
    }
}

/// The lon/lat box of the nodes with a valid position, if any.
fn nodes_box(data: &OsmData) -> Option<([f64; 2], [f64; 2])> {
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for &(lon, lat) in data.nodes.values() {
        if valid(lon, lat) {
            lo = [lo[0].min(lon), lo[1].min(lat)];
            hi = [hi[0].max(lon), hi[1].max(lat)];
        }
    }
    (lo[0] <= hi[0]).then_some((lo, hi))
}

fn valid(lon: f64, lat: f64) -> bool {
    lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0
}

/// Where the data is, lon/lat (west, south, east, north): the box of the
/// buildings' centroids and the local streets' nodes, widened by
/// [`DATA_MARGIN_M`]; `None` with fewer than [`MIN_DATA_POINTS`] buildings.
fn data_box(data: &OsmData) -> Option<[f64; 4]> {
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    let mut take = |(lon, lat): (f64, f64)| {
        if valid(lon, lat) {
            lo = [lo[0].min(lon), lo[1].min(lat)];
            hi = [hi[0].max(lon), hi[1].max(lat)];
        }
    };
    let mut buildings = 0;
    for w in &data.ways {
        let at = || w.refs.iter().filter_map(|r| data.nodes.get(r).copied());
        if w.tags.contains_key("building") {
            let (n, sx, sy) =
                at().fold((0.0, 0.0, 0.0), |(n, x, y), (a, b)| (n + 1.0, x + a, y + b));
            if n > 0.0 {
                buildings += 1;
                take((sx / n, sy / n));
            }
        } else if w
            .tags
            .get("highway")
            .is_some_and(|h| LOCAL_STREETS.contains(&h.as_str()))
        {
            at().for_each(&mut take);
        }
    }
    if buildings < MIN_DATA_POINTS || lo[0] > hi[0] {
        return None;
    }
    let dlat = DATA_MARGIN_M / 111_320.0;
    let mid = ((lo[1] + hi[1]) / 2.0).to_radians().cos().max(0.01);
    let dlon = dlat / mid;
    Some([lo[0] - dlon, lo[1] - dlat, hi[0] + dlon, hi[1] + dlat])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osm::pbf::Way;

    #[test]
    fn without_a_header_box_the_area_is_where_the_buildings_are() {
        // 25 buildings in a 500 m square, and one boundary way reaching 30 km east.
        let mut data = OsmData::default();
        let mut id = 0;
        for i in 0..5 {
            for j in 0..5 {
                let (lon, lat) = (15.60 + 0.0015 * i as f64, 48.40 + 0.001 * j as f64);
                let refs: Vec<i64> = (0..4)
                    .map(|k| {
                        id += 1;
                        let d = 0.0001 * f64::from(k % 2);
                        data.nodes
                            .insert(id, (lon + d, lat + 0.0001 * f64::from(k / 2)));
                        id
                    })
                    .collect();
                let tags = [("building".to_string(), "yes".to_string())].into();
                data.ways.push(Way { id, refs, tags });
            }
        }
        data.nodes.insert(9_000, (16.0, 48.40));
        data.ways.push(Way {
            id: 9_000,
            refs: vec![1, 9_000],
            tags: Default::default(),
        });
        let ex = Extract::of(&data, "x.osm.pbf").unwrap();
        assert_eq!(ex.source, AreaSource::Data);
        // 600 m of buildings + 2 × 250 m of margin, not 30 km.
        assert!(ex.rect.width() < 1_300.0, "{}", ex.rect.width());
        assert!(ex.area_note().unwrap().contains("no bounding box"));
    }
}
