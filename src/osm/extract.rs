//! The extract's area and the local plane: the box its header says it was
//! cut to (within the box of its nodes), else the box of its nodes; every
//! node on the plane centred on that area.

use super::assemble::NodeIndex;
use super::context::{extent, lonlat_box};
use super::pbf::OsmData;
use crate::error::{Error, Problem};
use crate::project::{Crs, Projector};
use geo::{Coord, Rect};
use std::collections::HashMap;

/// The extract on the local plane.
pub struct Extract {
    /// The extract's area in lon/lat: west, south.
    pub lo: [f64; 2],
    /// The extract's area in lon/lat: east, north.
    pub hi: [f64; 2],
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
    /// ```
    pub fn of(data: &OsmData, label: &str) -> Result<Extract, Error> {
        let (mut lo, mut hi) = nodes_box(data).ok_or_else(|| {
            Error::Input(vec![Problem::file(
                label.to_string(),
                "has no node with a valid longitude/latitude",
            )])
        })?;
        // Whole ways and relations crossing the header's box bring nodes
        // from far outside it: the header's box wins where there is one.
        let header = data
            .bbox
            .map(|[w, s, e, n]| ([lo[0].max(w), lo[1].max(s)], [hi[0].min(e), hi[1].min(n)]))
            .filter(|(l, h)| l[0] < h[0] && l[1] < h[1]);
        if let Some((l, h)) = header {
            (lo, hi) = (l, h);
        }
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
        let rect = match header {
            Some(_) => lonlat_box(&projector, lo, hi).unwrap_or_else(|| extent(&nodes)),
            None => extent(&nodes),
        };
        Ok(Extract {
            lo,
            hi,
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
}

/// The lon/lat box of the nodes with a valid position, if any.
fn nodes_box(data: &OsmData) -> Option<([f64; 2], [f64; 2])> {
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for &(lon, lat) in data.nodes.values() {
        if lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0 {
            lo = [lo[0].min(lon), lo[1].min(lat)];
            hi = [hi[0].max(lon), hi[1].max(lat)];
        }
    }
    (lo[0] <= hi[0]).then_some((lo, hi))
}
