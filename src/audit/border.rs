//! What a hand-drawn border runs along: a road, river, railway, landmark
//! edge or community border within a distance, or nothing.
//!
//! A planner drawing "along the road" follows its edge, not its centre line,
//! so a border counts as on a barrier when it stays within a few metres of
//! one. The border is walked in short steps and each step classified by the
//! strongest barrier near its midpoint.

use crate::model::{BarrierKind, BarrierLine, Community};
use geo::LineString;
use rstar::RTree;
use rstar::primitives::{GeomWithData, Line};
use serde::Serialize;

/// Border lengths of a polygon by what they run along, metres.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct BorderLengths {
    /// The whole border.
    pub total_m: f64,
    /// On the community border.
    pub community_m: f64,
    /// Along a road.
    pub road_m: f64,
    /// Along a river, canal or lake shore.
    pub water_m: f64,
    /// Along a railway.
    pub rail_m: f64,
    /// Along a landmark edge.
    pub landmark_m: f64,
}

impl BorderLengths {
    /// Share of the border (community border excluded) along a barrier; 1
    /// when the whole border is the community's.
    ///
    /// ```
    /// let b = linli::audit::border::BorderLengths { total_m: 100.0, community_m: 50.0, road_m: 25.0, ..Default::default() };
    /// assert_eq!(b.barrier_share(), 0.5);
    /// ```
    pub fn barrier_share(&self) -> f64 {
        let inner = self.total_m - self.community_m;
        if inner > 1e-9 {
            ((self.road_m + self.water_m + self.rail_m + self.landmark_m) / inner).min(1.0)
        } else {
            1.0
        }
    }

    /// Adds `other` to these lengths.
    ///
    /// ```
    /// let mut a = linli::audit::border::BorderLengths { total_m: 1.0, ..Default::default() };
    /// a.add(&a.clone());
    /// assert_eq!(a.total_m, 2.0);
    /// ```
    pub fn add(&mut self, other: &BorderLengths) {
        self.total_m += other.total_m;
        self.community_m += other.community_m;
        self.road_m += other.road_m;
        self.water_m += other.water_m;
        self.rail_m += other.rail_m;
        self.landmark_m += other.landmark_m;
    }
}

/// The barriers and community borders of a scenario, indexed by segment.
pub struct BarrierIndex {
    tree: RTree<GeomWithData<Line<[f64; 2]>, BarrierKind>>,
    distance: f64,
}

impl BarrierIndex {
    /// Indexes `barriers` (cell edges left out) and the communities' borders;
    /// a border within `distance` metres of one runs along it.
    ///
    /// ```
    /// use linli::audit::border::BarrierIndex;
    /// use linli::model::*;
    /// let road = BarrierLine { line: vec![(0.0, 0.0), (100.0, 0.0)].into(),
    ///     barrier: Barrier { level: 2, kind: BarrierKind::Road } };
    /// let idx = BarrierIndex::new(&[road], &[], 10.0);
    /// // A border drawn 4 m beside the road, then turning away from it
    /// // (its first metres after the corner are still near the road's end).
    /// let b = idx.along(&vec![(0.0, 4.0), (100.0, 4.0), (100.0, 104.0)].into());
    /// assert!((b.total_m - 200.0).abs() < 1e-9);
    /// assert!(b.road_m >= 100.0 && b.road_m < 110.0);
    /// ```
    pub fn new(barriers: &[BarrierLine], communities: &[Community], distance: f64) -> Self {
        let mut segs = Vec::new();
        let mut push = |l: &LineString<f64>, kind: BarrierKind| {
            for w in l.0.windows(2) {
                segs.push(GeomWithData::new(
                    Line::new([w[0].x, w[0].y], [w[1].x, w[1].y]),
                    kind,
                ));
            }
        };
        for b in barriers {
            if !matches!(b.barrier.kind, BarrierKind::Cell | BarrierKind::Building) {
                push(&b.line, b.barrier.kind);
            }
        }
        for c in communities {
            for p in &c.area.0 {
                for r in std::iter::once(p.exterior()).chain(p.interiors()) {
                    push(r, BarrierKind::Community);
                }
            }
        }
        BarrierIndex {
            tree: RTree::bulk_load(segs),
            distance,
        }
    }

    /// Lengths of `line` by what runs within the distance of each step: the
    /// nearest line, the stronger of two about as near (community border,
    /// water, rail, road, landmark in that order).
    ///
    /// ```
    /// use linli::audit::border::BarrierIndex;
    /// use linli::model::*;
    /// let river = BarrierLine { line: vec![(0.0, 0.0), (100.0, 0.0)].into(),
    ///     barrier: Barrier { level: 4, kind: BarrierKind::Water } };
    /// let b = BarrierIndex::new(&[river], &[], 10.0).along(&vec![(10.0, -3.0), (90.0, -3.0)].into());
    /// assert!((b.water_m - 80.0).abs() < 1e-9);
    /// assert_eq!(b.barrier_share(), 1.0);
    /// ```
    pub fn along(&self, line: &LineString<f64>) -> BorderLengths {
        let mut out = BorderLengths::default();
        let step = (self.distance / 2.0).max(0.5);
        let d2 = self.distance * self.distance;
        for w in line.0.windows(2) {
            let (a, b) = (w[0], w[1]);
            let len = (b.x - a.x).hypot(b.y - a.y);
            if len == 0.0 {
                continue;
            }
            let n = (len / step).ceil().max(1.0) as usize;
            let piece = len / n as f64;
            for k in 0..n {
                let t = (k as f64 + 0.5) / n as f64;
                let m = [a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t];
                // The nearest line wins (within half a metre, the stronger).
                let mut best: Option<(f64, BarrierKind)> = None;
                for g in self.tree.locate_within_distance(m, d2) {
                    let rank = |k: BarrierKind| match k {
                        BarrierKind::Community => 5,
                        BarrierKind::Water => 4,
                        BarrierKind::Rail => 3,
                        BarrierKind::Road => 2,
                        BarrierKind::Landmark => 1,
                        BarrierKind::Cell | BarrierKind::Building => 0,
                    };
                    use rstar::PointDistance;
                    let d = g.geom().distance_2(&m).sqrt();
                    let better = best.is_none_or(|(bd, bk)| {
                        d < bd - 0.5 || (d <= bd + 0.5 && rank(g.data) > rank(bk))
                    });
                    if better {
                        best = Some((d, g.data));
                    }
                }
                let best = best.map(|(_, k)| k);
                out.total_m += piece;
                match best {
                    Some(BarrierKind::Community) => out.community_m += piece,
                    Some(BarrierKind::Water) => out.water_m += piece,
                    Some(BarrierKind::Rail) => out.rail_m += piece,
                    Some(BarrierKind::Road) => out.road_m += piece,
                    Some(BarrierKind::Landmark) => out.landmark_m += piece,
                    _ => {}
                }
            }
        }
        out
    }
}
