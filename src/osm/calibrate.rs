//! Calibration to known households: a whole-extract total or a roster
//! (`community,households`) whose rows name communities by id, OSM
//! relation id (`r123`: every piece of a unit the import split), `ref` or
//! name. Within each row's communities the estimates are scaled
//! (dasymetric; whole numbers, the total exact); where buildings look
//! thinly mapped the estimates are kept and the households missing are
//! placed as fill points on unmapped land ([`super::fill`]), never piled
//! onto the mapped buildings. Every row says what was done.

use super::communities::Unit;
pub use super::fill::apportion;
use super::fill::{Fill, Ground, place};
use super::homes::Home;
use crate::error::{Error, Problem};
use geo::Area;
use std::path::Path;

/// Completeness below which missing households go to unmapped land.
pub const FILL_BELOW: f64 = 0.8;

/// One row of a roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Its line in the file (1-based).
    pub line: usize,
    /// The community it names: id, OSM relation id, `ref` or name.
    pub key: String,
    /// Its households.
    pub households: u64,
}

/// Reads a `community,households` CSV (a header line is allowed).
///
/// ```
/// let dir = std::env::temp_dir().join(format!("linli-totals-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let p = dir.join("totals.csv");
/// std::fs::write(&p, "community,households\nr1,2400\n\"Kamppi\",5100\n").unwrap();
/// let t = linli::osm::calibrate::read_totals(&p).unwrap();
/// assert_eq!((t[1].line, t[1].key.as_str(), t[1].households), (3, "Kamppi", 5100));
/// std::fs::write(&p, "r1,many\n").unwrap();
/// assert!(linli::osm::calibrate::read_totals(&p).is_err());
/// ```
pub fn read_totals(path: &Path) -> Result<Vec<Row>, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let file = path.display().to_string();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((name, n)) = line.rsplit_once(',') else {
            problems.push(
                Problem::file(
                    &file,
                    format!("line {}: expected community,households", i + 1),
                )
                .with_hint("one community per line: its id or name, a comma, its households"),
            );
            continue;
        };
        let key = name.trim().trim_matches('"').to_string();
        match n.trim().parse::<u64>() {
            Ok(n) => out.push(Row {
                line: i + 1,
                key,
                households: n,
            }),
            Err(_) if i == 0 || out.is_empty() && n.trim().eq_ignore_ascii_case("households") => {}
            Err(_) => problems.push(
                Problem::file(
                    &file,
                    format!(
                        "line {}: households {:?} is not a whole number",
                        i + 1,
                        n.trim()
                    ),
                )
                .with_hint("households must be a whole number ≥ 0"),
            ),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    if out.is_empty() {
        return Err(Error::Input(vec![Problem::file(
            &file,
            "has no community,households line",
        )]));
    }
    Ok(out)
}

/// Whether a roster's key names a community: its id, the OSM relation it
/// is (a piece of), its `ref`, its name or `name:zh`.
fn names(u: &Unit, key: &str) -> bool {
    u.id == key
        || u.relation.as_deref() == Some(key)
        || u.code.as_deref() == Some(key)
        || u.name.as_deref() == Some(key)
        || u.name_zh.as_deref() == Some(key)
}

/// An admin unit above the communities (a street, a district, a
/// country) wholly inside the extract, with the communities inside it: a
/// roster row may name it by its relation id, `ref` or name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parent {
    /// `r<relation id>`.
    pub relation: String,
    /// `name`.
    pub name: Option<String>,
    /// `name:zh`.
    pub name_zh: Option<String>,
    /// `ref`.
    pub code: Option<String>,
    /// The communities inside it.
    pub members: Vec<usize>,
}

impl Parent {
    fn named(&self, key: &str) -> bool {
        self.relation == key
            || self.code.as_deref() == Some(key)
            || self.name.as_deref() == Some(key)
            || self.name_zh.as_deref() == Some(key)
    }
}

/// The communities each row names (every piece of a split unit; a row
/// naming no community but an admin unit above them, every community in
/// it), and the rows that name none.
///
/// ```
/// use linli::osm::calibrate::{match_rows, Row};
/// let unit = |id: &str, name: &str| linli::osm::communities::Unit {
///     id: id.into(), name: Some(name.into()), name_zh: None, admin_level: Some(10),
///     source: "admin_split", area: geo::MultiPolygon(vec![]), whole_area: None,
///     relation: Some("r7".into()), code: Some("091".into()), properties: Default::default(),
/// };
/// let units = [unit("r7-1", "Kamppi"), unit("r7-2", "Kamppi")];
/// let row = |k: &str| Row { line: 2, key: k.into(), households: 100 };
/// let rows = [row("Kamppi"), row("r7"), row("091"), row("r7-2"), row("Kallio")];
/// let (hits, none) = match_rows(&rows, &units, &[]);
/// assert_eq!(hits[0], vec![0, 1]);
/// assert_eq!(hits[1], vec![0, 1]);
/// assert_eq!(hits[2], vec![0, 1]);
/// assert_eq!(hits[3], vec![1]);
/// assert_eq!(none, vec![4]);
/// ```
pub fn match_rows(
    rows: &[Row],
    units: &[Unit],
    parents: &[Parent],
) -> (Vec<Vec<usize>>, Vec<usize>) {
    let hits: Vec<Vec<usize>> = rows
        .iter()
        .map(|r| {
            // An exact community id names that one piece alone.
            let exact: Vec<usize> = (0..units.len()).filter(|&i| units[i].id == r.key).collect();
            if !exact.is_empty() {
                return exact;
            }
            let named: Vec<usize> = (0..units.len())
                .filter(|&i| names(&units[i], &r.key))
                .collect();
            if !named.is_empty() {
                return named;
            }
            let mut inside: Vec<usize> = parents
                .iter()
                .filter(|p| p.named(&r.key))
                .flat_map(|p| p.members.iter().copied())
                .collect();
            inside.sort_unstable();
            inside.dedup();
            inside
        })
        .collect();
    let none = (0..rows.len()).filter(|&i| hits[i].is_empty()).collect();
    (hits, none)
}

/// What calibration works on.
pub struct Input<'a> {
    /// The roster's rows, or one row with key `*` for the whole extract.
    pub rows: &'a [Row],
    /// Communities.
    pub units: &'a [Unit],
    /// Each building's community.
    pub in_unit: &'a [Option<usize>],
    /// Where fill points can go.
    pub ground: Ground<'a>,
    /// Completeness per community.
    pub completeness: &'a [Option<f64>],
    /// Admin units above the communities, for rows that name one.
    pub parents: &'a [Parent],
}

/// What one row of known households did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RowResult {
    /// The row's key (`*` for `--households-total`).
    pub row: String,
    /// Its line in the roster.
    pub line: Option<usize>,
    /// The households it gives.
    pub known: u64,
    /// The communities it calibrated.
    pub communities: Vec<String>,
    /// The share of the named unit's area inside the extract, where the
    /// extract holds only a part of it and its whole area is known.
    pub share_inside: Option<f64>,
    /// The households aimed at inside the extract.
    pub target: u64,
    /// The estimate before calibration.
    pub estimated: u64,
    /// Households on fill points.
    pub filled: u64,
    /// Fill points made.
    pub fill_points: usize,
    /// Households that found no place.
    pub unplaced: u64,
    /// What was done, in words.
    pub done: String,
}

/// Calibration's result.
#[derive(Debug, Clone, Default)]
pub struct Output {
    /// Points of households on unmapped land.
    pub fill: Vec<Fill>,
    /// Each row and what it did.
    pub rows: Vec<RowResult>,
    /// Per community: whether its households now are the known ones.
    pub calibrated: Vec<bool>,
    /// What the planner must know: partial units, unplaced households.
    pub warnings: Vec<String>,
}

/// Scales the residential buildings of a group to `total` (each keeps at
/// least one household when the total allows).
fn scale(homes: &mut [Home], members: &[usize], total: u64) {
    let n = members.len() as u64;
    let floor = u64::from(total >= n);
    let weights: Vec<f64> = members
        .iter()
        .map(|&i| f64::from(homes[i].estimate.households))
        .collect();
    let share = apportion(total - floor * n, &weights);
    for (&i, s) in members.iter().zip(share) {
        let h = &mut homes[i].estimate;
        h.households = (s + floor).min(u64::from(u32::MAX)) as u32;
        h.source = "calibrated";
    }
}

/// The households a row aims at inside the extract, and the share of the
/// unit inside where the extract holds only a part of a unit whose whole
/// area is known (the known total is then shared by area).
fn target(inp: &Input, group: &[usize], known: u64) -> (u64, Option<f64>) {
    let mut rels: Vec<(&str, f64)> = Vec::new();
    let mut inside = 0.0;
    for &u in group {
        let unit = &inp.units[u];
        inside += unit.area.unsigned_area();
        if let (Some(r), Some(w)) = (unit.relation.as_deref(), unit.whole_area)
            && !rels.iter().any(|(x, _)| *x == r)
        {
            rels.push((r, w));
        }
    }
    let whole: f64 = rels.iter().map(|r| r.1).sum();
    // Pieces of the same units only: a share of their whole area.
    let all_known = group.iter().all(|&u| inp.units[u].whole_area.is_some());
    if all_known && whole > 0.0 && inside < 0.99 * whole {
        let share = inside / whole;
        return ((known as f64 * share).round() as u64, Some(share));
    }
    (known, None)
}

/// Calibrates the buildings' households to the known totals; rows that
/// match no community are skipped here (the caller reports them).
pub fn apply(homes: &mut [Home], inp: &Input) -> Output {
    let mut out = Output {
        calibrated: vec![false; inp.units.len()],
        ..Output::default()
    };
    let (hits, _) = match_rows(inp.rows, inp.units, inp.parents);
    for (row, group) in inp.rows.iter().zip(hits) {
        let group = if row.key == "*" && row.line == 0 {
            (0..inp.units.len()).collect()
        } else {
            group
        };
        if group.is_empty() {
            continue;
        }
        let r = calibrate_row(homes, inp, row, &group, &mut out);
        for &u in &group {
            out.calibrated[u] = r.unplaced == 0;
        }
        out.rows.push(r);
    }
    out
}

/// One row: its communities' homes scaled, or kept with the missing
/// households placed on unmapped land.
fn calibrate_row(
    homes: &mut [Home],
    inp: &Input,
    row: &Row,
    group: &[usize],
    out: &mut Output,
) -> RowResult {
    let members: Vec<usize> = (0..homes.len())
        .filter(|&i| homes[i].estimate.use_ == "residential")
        .filter(|&i| inp.in_unit[i].is_some_and(|u| group.contains(&u)))
        .collect();
    let estimated: u64 = members
        .iter()
        .map(|&i| u64::from(homes[i].estimate.households))
        .sum();
    let (goal, share_inside) = if row.line == 0 {
        (row.households, None) // the extract's own total
    } else {
        target(inp, group, row.households)
    };
    let completeness = group_completeness(inp, group, homes, &members);
    let mut r = RowResult {
        row: row.key.clone(),
        line: (row.line > 0).then_some(row.line),
        known: row.households,
        communities: group.iter().map(|&u| inp.units[u].id.clone()).collect(),
        share_inside,
        target: goal,
        estimated,
        ..RowResult::default()
    };
    let thin = members.is_empty() || completeness.is_some_and(|c| c < FILL_BELOW);
    if goal <= estimated || !thin {
        scale(homes, &members, goal);
        r.done = format!(
            "scaled the {} homes' estimate of {estimated} to {goal} households (each keeps its share)",
            members.len()
        );
    } else {
        let placed = place(&inp.ground, group, goal - estimated);
        r.filled = placed.fill.iter().map(|f| u64::from(f.households)).sum();
        r.fill_points = placed.fill.len();
        r.unplaced = placed.unplaced;
        r.done = filled_words(&r, members.len(), completeness);
        out.fill.extend(placed.fill);
    }
    row_warnings(&r, inp, group, out);
    r
}

/// The completeness of a group's communities, weighted by their homes.
fn group_completeness(
    inp: &Input,
    group: &[usize],
    homes: &[Home],
    members: &[usize],
) -> Option<f64> {
    let (mut sum, mut w) = (0.0, 0.0);
    for &u in group {
        if let Some(c) = inp.completeness[u] {
            let n = members
                .iter()
                .filter(|&&i| inp.in_unit[i] == Some(u))
                .map(|&i| f64::from(homes[i].estimate.households))
                .sum::<f64>()
                .max(1.0);
            sum += c * n;
            w += n;
        }
    }
    (w > 0.0).then(|| sum / w)
}

fn filled_words(r: &RowResult, homes: usize, completeness: Option<f64>) -> String {
    let mapped = completeness.map_or("buildings unmeasured".to_string(), |c| {
        format!("buildings ~{:.0}% mapped", c * 100.0)
    });
    let mut s = format!(
        "kept the {} homes' estimate of {} ({mapped}) and placed {} households on unmapped residential land and street frontage as {} fill points of ~{}",
        homes,
        r.estimated,
        r.filled,
        r.fill_points,
        if r.fill_points > 0 {
            r.filled / r.fill_points as u64
        } else {
            0
        }
    );
    if r.unplaced > 0 {
        s.push_str(&format!(
            "; {} could not be placed (no more unmapped land at a plausible density): the communities hold {}, not {}",
            r.unplaced,
            r.estimated + r.filled,
            r.target
        ));
    }
    s
}

/// Warnings for a row: a unit only partly in the extract, households
/// that found no place, a whole-extract total shared by several units.
fn row_warnings(r: &RowResult, inp: &Input, group: &[usize], out: &mut Output) {
    let who = if r.line.is_none() {
        "--households-total".to_string()
    } else {
        format!("{:?} (line {})", r.row, r.line.unwrap_or(0))
    };
    if let Some(s) = r.share_inside {
        out.warnings.push(format!(
            "{who}: {:.0}% of the unit's area is in the extract: {} of its {} known households were placed there (shared by area)",
            s * 100.0,
            r.target,
            r.known
        ));
    } else if group
        .iter()
        .any(|&u| inp.units[u].source == "admin_clipped")
        && r.line.is_some()
    {
        out.warnings.push(format!(
            "{who}: the unit is cut by the extract and its whole area is unknown: all {} known households were placed on the part inside",
            r.known
        ));
    }
    if r.unplaced > 0 {
        out.warnings.push(format!(
            "{who}: {} of {} households could not be placed: {}",
            r.unplaced, r.target, r.done
        ));
    }
}

/// How a whole-extract total was shared by the communities (their
/// households after calibration), with the hint to give a roster.
pub fn total_shared(units: &[Unit], households: &[u64], total: u64) -> Option<String> {
    let mut named: Vec<usize> = (0..units.len()).filter(|&u| households[u] > 0).collect();
    // The largest shares first.
    named.sort_by_key(|&u| (std::cmp::Reverse(households[u]), u));
    if named.len() < 2 {
        return None;
    }
    let mut list: Vec<String> = named
        .iter()
        .take(8)
        .map(|&u| {
            format!(
                "{} {} ({:.0}%)",
                units[u].name.clone().unwrap_or_else(|| units[u].id.clone()),
                households[u],
                households[u] as f64 * 100.0 / total.max(1) as f64
            )
        })
        .collect();
    if named.len() > 8 {
        list.push(format!("and {} more", named.len() - 8));
    }
    Some(format!(
        "--households-total {total} covers {} communities: shared in proportion to their estimates (fill by unmapped land where thinly mapped): {}; give --households-csv (community,households) to set each one's",
        named.len(),
        list.join(", ")
    ))
}
