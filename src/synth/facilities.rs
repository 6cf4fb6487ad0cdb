//! Service facilities and social workers, with deliberate gaps: every
//! community gets a party-and-public service centre except about one in
//! seventeen; neighborhood offices for about 46 % of the neighborhoods
//! expected (Chongchuan: 493 for 1,074), none in one community in nine;
//! clinics, elderly care and kindergartens, with no clinic at all in the
//! south-east quarter; schools
//! where the school campuses are; and staff counts around the 2–3
//! neighborhoods-per-worker standard, some communities with no data.

use super::fill::{AreaPlan, BuildingPlan};
use super::lattice::LATTICE_M;
use super::layout::{CommunityPlan, Layout};
use super::rng::Rng;
use crate::model::CommunityKind;

/// A facility: kind, position (pre-warp metres), floor area.
///
/// ```
/// # use linli::synth::{layout::plan_layout, roads::plan_network, rng::Rng, River};
/// let rng = Rng::new(1);
/// let l = plan_layout(20_000, 9, 2, &rng);
/// let net = plan_network(&l, &River::new(&l, &rng), &rng);
/// let f = linli::synth::fill::fill(&l, &net.cells, &|_, _, _| false, &rng);
/// let fs = linli::synth::facilities::place_facilities(&l, &f.buildings, &f.landmarks, &rng);
/// assert!(fs.iter().all(|x| x.floor_area_m2 >= 15));
/// ```
#[derive(Debug, Clone)]
pub struct FacilityPlan {
    /// Community index.
    pub community: usize,
    /// Kind, e.g. `community_centre`.
    pub kind: &'static str,
    /// Position, metres.
    pub at: (f64, f64),
    /// Floor area, m².
    pub floor_area_m2: u64,
}

/// Households per neighborhood by kind (the seeds' targets).
fn target(kind: CommunityKind) -> f64 {
    match kind {
        CommunityKind::Rural => 150.0,
        _ => 300.0,
    }
}

/// Whether community `i` is one of the deliberate gaps for `what`.
fn gap(i: usize, what: u64) -> bool {
    (i as u64 * 7 + what) % 17 == 5
}

/// Places the facilities of every community.
///
/// ```
/// # use linli::synth::{facilities::place_facilities, fill::fill, layout::plan_layout, roads::plan_network, rng::Rng, River};
/// let rng = Rng::new(1);
/// let l = plan_layout(8_000, 4, 1, &rng);
/// let net = plan_network(&l, &River::new(&l, &rng), &rng);
/// let f = fill(&l, &net.cells, &|_, _, _| false, &rng);
/// let fs = place_facilities(&l, &f.buildings, &f.landmarks, &rng);
/// assert!(fs.iter().any(|f| f.kind == "neighborhood_office"));
/// ```
pub fn place_facilities(
    layout: &Layout,
    buildings: &[BuildingPlan],
    landmarks: &[AreaPlan],
    rng: &Rng,
) -> Vec<FacilityPlan> {
    let mut out = Vec::new();
    let (w, h) = (
        *layout.cols.last().unwrap_or(&0) as f64 * LATTICE_M,
        *layout.rows.last().unwrap_or(&0) as f64 * LATTICE_M,
    );
    let mut start = 0;
    for c in &layout.communities {
        let mut r = rng.fork(4).fork(c.index as u64);
        // Buildings come community by community.
        let end = start
            + buildings[start..]
                .iter()
                .take_while(|b| b.community == c.index)
                .count();
        let homes: Vec<&BuildingPlan> = buildings[start..end]
            .iter()
            .filter(|b| b.households > 0)
            .collect();
        start = end;
        if homes.is_empty() {
            continue;
        }
        let [x0, x1, y0, y1] = c.rect.map(|v| v as f64 * LATTICE_M);
        // The south-east quarter is the deliberate gap in clinics.
        let south_east = (x0 + x1) / 2.0 > w / 2.0 && (y0 + y1) / 2.0 < h / 2.0;
        community_services(c, &homes, south_east, &mut r, &mut out);
    }
    for l in landmarks.iter().filter(|l| l.class == "school") {
        let [x0, x1, y0, _] = l.rect;
        out.push(FacilityPlan {
            community: l.community,
            kind: "school",
            at: ((x0 + x1) / 2.0, y0 + 3.0),
            floor_area_m2: 6000,
        });
    }
    out
}

/// One community's services beside its homes: the community centre and
/// neighborhood offices (with deliberate gaps), a clinic (none in the
/// south-east), elderly care, kindergartens by households.
fn community_services(
    c: &CommunityPlan,
    homes: &[&BuildingPlan],
    south_east: bool,
    r: &mut Rng,
    out: &mut Vec<FacilityPlan>,
) {
    // Beside the door of the k-th home (in the building's own yard).
    let near = |k: usize| -> (f64, f64) {
        let b = homes[k % homes.len()];
        (b.centre.0, b.centre.1 - b.size.1 / 2.0 - 4.0)
    };
    let mut push = |kind, at, area| {
        out.push(FacilityPlan {
            community: c.index,
            kind,
            at,
            floor_area_m2: area,
        })
    };
    if !gap(c.index, 0) {
        push(
            "community_centre",
            near(homes.len() / 2),
            r.between(400, 1200),
        );
    }
    let expected = c.households as f64 / target(c.kind);
    // One community in nine has no neighborhood office at all.
    let offices = if c.index % 9 == 8 {
        0
    } else {
        (expected * 0.46).round() as usize
    };
    for k in 0..offices {
        let at = near(k * homes.len() / offices.max(1) + homes.len() / (2 * offices.max(1)));
        push("neighborhood_office", at, r.between(15, 60));
    }
    if !south_east && r.chance(0.5) {
        push("clinic", near(r.next_u64() as usize), r.between(200, 800));
    }
    if r.chance(0.45) {
        push(
            "elderly_care",
            near(r.next_u64() as usize),
            r.between(150, 600),
        );
    }
    for _ in 0..(c.households + 600) / 1200 {
        push(
            "kindergarten",
            near(r.next_u64() as usize),
            r.between(800, 2500),
        );
    }
}

/// Social workers per community around the 2–3 standard (one per 1.5–4
/// expected neighborhoods); `None` for about one community in 29 (no data).
///
/// ```
/// # use linli::synth::{facilities::staff, layout::plan_layout, rng::Rng};
/// let l = plan_layout(30_000, 12, 2, &Rng::new(1));
/// let s = staff(&l, &Rng::new(1));
/// assert_eq!(s.len(), 12);
/// assert!(s.iter().flatten().all(|&w| w >= 1));
/// ```
pub fn staff(layout: &Layout, rng: &Rng) -> Vec<Option<u32>> {
    let mut r = rng.fork(5);
    layout
        .communities
        .iter()
        .map(|c| {
            let per = r.range(1.5, 4.0);
            if c.index % 29 == 13 {
                return None;
            }
            let expected = c.households as f64 / target(c.kind);
            Some(((expected / per).round() as u32).max(1))
        })
        .collect()
}
