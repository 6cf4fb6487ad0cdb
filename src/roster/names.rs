//! Neighborhood names as a street office gives them: after the compound
//! (小区) that holds most of its households (五道口小区一邻里), else the
//! named roads that bound it (成府路荷清路邻里), else its community
//! (荷清苑社区第三邻里); or a template of the user's.

use crate::model::{Planned, Scenario};
use geo::{BoundingRect, Contains, Distance, Euclidean};

/// Chinese numerals for ordinals (1–99).
///
/// ```
/// use linli::roster::names::numeral;
/// assert_eq!(numeral(1), "一");
/// assert_eq!(numeral(10), "十");
/// assert_eq!(numeral(12), "十二");
/// assert_eq!(numeral(30), "三十");
/// ```
pub fn numeral(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_string(),
        10..=19 => format!("十{}", if n > 10 { D[n - 10] } else { "" }),
        20..=99 => format!(
            "{}十{}",
            D[n / 10],
            if !n.is_multiple_of(10) { D[n % 10] } else { "" }
        ),
        _ => n.to_string(),
    }
}

/// What anchors a neighborhood's name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Anchor {
    /// A compound holding most of its households.
    Compound(String),
    /// The one or two named roads along most of its border.
    Roads(String),
    /// Nothing: its community.
    Community(String),
}

/// Each neighborhood's name; `template` (placeholders `{community}`,
/// `{compound}`, `{roads}`, `{n}` the ordinal in its community, `{code}`)
/// replaces the rule when given.
pub fn names(
    scenario: &Scenario,
    planned: &Planned,
    template: Option<&str>,
    codes: &[String],
) -> Vec<String> {
    use rayon::prelude::*;
    let ns = &planned.partition.neighborhoods;
    let index = Index::new(scenario);
    let anchors: Vec<Anchor> = (0..ns.len())
        .into_par_iter()
        .map(|n| anchor(scenario, planned, &index, n))
        .collect();
    // The k-th neighborhood with an anchor, in its community, for ordinals.
    let mut seen: std::collections::BTreeMap<(usize, Anchor), usize> = Default::default();
    let mut count: std::collections::BTreeMap<(usize, Anchor), usize> = Default::default();
    for (n, a) in anchors.iter().enumerate() {
        *count.entry((ns[n].community, a.clone())).or_insert(0) += 1;
    }
    let mut in_community: std::collections::BTreeMap<usize, usize> = Default::default();
    ns.iter()
        .zip(&anchors)
        .enumerate()
        .map(|(n, (nb, a))| {
            let k = seen.entry((nb.community, a.clone())).or_insert(0);
            *k += 1;
            let m = in_community.entry(nb.community).or_insert(0);
            *m += 1;
            let community = &scenario.communities[nb.community].name;
            if let Some(t) = template {
                return fill(t, community, a, numeral(*m), &codes[n]);
            }
            let many = count[&(nb.community, a.clone())] > 1;
            let ord = |k: usize| if many { numeral(k) } else { String::new() };
            // A name in another script keeps a space before the Chinese.
            let gap = |c: &str| if is_cjk(c) { "" } else { " " };
            match a {
                Anchor::Compound(c) | Anchor::Roads(c) => {
                    format!("{c}{}{}邻里", gap(c), ord(*k))
                }
                Anchor::Community(c) => format!("{c}{}第{}邻里", gap(c), numeral(*k)),
            }
        })
        .collect()
}

/// A template filled for one neighborhood.
fn fill(t: &str, community: &str, a: &Anchor, n: String, code: &str) -> String {
    let (compound, roads) = match a {
        Anchor::Compound(c) => (c.as_str(), ""),
        Anchor::Roads(r) => ("", r.as_str()),
        Anchor::Community(_) => ("", ""),
    };
    t.replace("{community}", community)
        .replace("{compound}", compound)
        .replace("{roads}", roads)
        .replace("{n}", &n)
        .replace("{code}", code)
}

/// The named compounds and the named roads, indexed by their boxes once:
/// a scan of all of them per building or per neighborhood grows with the
/// square of a district.
struct Index {
    compounds: crate::blocks::index::BoxTree,
    /// Each named road's segments (a road may run across the district).
    segments: crate::blocks::index::BoxTree,
    /// (road, segment) of each entry of `segments`.
    which: Vec<(usize, usize)>,
}

impl Index {
    fn new(scenario: &Scenario) -> Self {
        let named = |c: &crate::model::Compound| !c.name.is_empty() && c.name != c.id;
        let roads = &scenario.labels.roads;
        let which: Vec<(usize, usize)> = roads
            .iter()
            .enumerate()
            .flat_map(|(r, (l, _))| (0..l.0.len().saturating_sub(1)).map(move |k| (r, k)))
            .collect();
        let seg = |&(r, k): &(usize, usize)| {
            let l = &roads[r].0;
            Some(geo::Rect::new(l.0[k], l.0[k + 1]))
        };
        Index {
            compounds: crate::blocks::index::box_tree(scenario.compounds.iter().map(|c| {
                if named(c) {
                    c.area.bounding_rect()
                } else {
                    None
                }
            })),
            segments: crate::blocks::index::box_tree(which.iter().map(seg)),
            which,
        }
    }
}

/// What anchors neighborhood `n`'s name.
fn anchor(scenario: &Scenario, planned: &Planned, index: &Index, n: usize) -> Anchor {
    let nb = &planned.partition.neighborhoods[n];
    if let Some(c) = compound(scenario, planned, index, n) {
        return Anchor::Compound(c);
    }
    if let Some(r) = roads(scenario, planned, index, n) {
        return Anchor::Roads(r);
    }
    Anchor::Community(scenario.communities[nb.community].name.clone())
}

/// The named compound holding more than half of the neighborhood's
/// households (a compound without a name goes by its id: not a name).
fn compound(scenario: &Scenario, planned: &Planned, index: &Index, n: usize) -> Option<String> {
    let nb = &planned.partition.neighborhoods[n];
    if nb.households == 0 {
        return None;
    }
    let mut by: std::collections::BTreeMap<usize, u64> = Default::default();
    for &b in &nb.blocks {
        for &i in &planned.blocks.blocks[b].buildings {
            let bd = &scenario.buildings[i];
            // The first named compound holding it, in input order.
            let p = bd.location;
            if let Some(c) = index
                .compounds
                .locate_all_at_point(&[p.x(), p.y()])
                .map(|g| g.data)
                .filter(|&c| scenario.compounds[c].area.contains(&p))
                .min()
            {
                *by.entry(c).or_insert(0) += u64::from(bd.households);
            }
        }
    }
    let (c, h) = by
        .into_iter()
        .max_by_key(|&(c, h)| (h, std::cmp::Reverse(c)))?;
    (2 * h > nb.households).then(|| scenario.compounds[c].name.clone())
}

/// The one or two named roads running longest along the neighborhood's
/// border (within 15 m of it), at least 60 m each.
fn roads(scenario: &Scenario, planned: &Planned, index: &Index, n: usize) -> Option<String> {
    let area = &planned.shapes.get(n)?.area;
    let rect = area.bounding_rect()?;
    let (lo, hi) = (rect.min(), rect.max());
    let mut along: std::collections::BTreeMap<&str, f64> = Default::default();
    let rings: Vec<&geo::LineString<f64>> = area
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .collect();
    // The road segments whose boxes come within 15 m of the neighborhood's
    // box, in input order (the sums below add in it). A segment whose
    // middle is within 15 m of the border has its box that near.
    let near = rstar::AABB::from_corners([lo.x - 15.0, lo.y - 15.0], [hi.x + 15.0, hi.y + 15.0]);
    let mut candidates: Vec<(usize, usize)> = index
        .segments
        .locate_in_envelope_intersecting(&near)
        .map(|g| index.which[g.data])
        .collect();
    candidates.sort_unstable();
    for (r, k) in candidates {
        let (line, name) = &scenario.labels.roads[r];
        let seg = geo::Line::new(line.0[k], line.0[k + 1]);
        let mid = geo::Point::from(seg.start + (seg.end - seg.start) * 0.5);
        if rings
            .iter()
            .any(|ring| Euclidean.distance(*ring, &mid) <= 15.0)
        {
            *along.entry(name.as_str()).or_insert(0.0) += Euclidean.distance(seg.start, seg.end);
        }
    }
    let mut best: Vec<(&str, f64)> = along.into_iter().filter(|&(_, l)| l >= 60.0).collect();
    best.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    let names: Vec<&str> = best.iter().take(2).map(|x| x.0).collect();
    // Chinese names run together (成府路荷清路); others keep a separator.
    let sep = if names.iter().all(|n| is_cjk(n)) {
        ""
    } else {
        " – "
    };
    (!names.is_empty()).then(|| names.join(sep))
}

/// Whether a name ends in a CJK character (then 邻里 follows it directly).
///
/// ```
/// use linli::roster::names::is_cjk;
/// assert!(is_cjk("成府路"));
/// assert!(!is_cjk("Yrjönkatu"));
/// ```
pub fn is_cjk(name: &str) -> bool {
    name.chars()
        .last()
        .is_some_and(|c| matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF))
}
