//! `linli diff`'s outputs: `diff_buildings.csv` (a row per building that
//! changed neighborhood, or is in one on one side only),
//! `diff_communities.csv` (a row per community and the total),
//! `diff.geojson` (those buildings), `diff_neighborhoods.geojson` (B's
//! neighborhoods with what changed) and `diff_summary.json`.
//!
//! The CSV files start with a byte-order mark and have Chinese headers,
//! as roster.csv ([`super::roster`]).

use super::roster::csv;
use super::{write_atomic, write_json};
use crate::diff::{Change, Diff, NeighborhoodChange, Side, sentence};
use crate::error::Error;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every file `linli diff` writes.
///
/// ```
/// assert!(linli::write::diff::DIFF_FILES.contains(&"diff.geojson"));
/// ```
pub const DIFF_FILES: [&str; 5] = [
    "diff_buildings.csv",
    "diff_communities.csv",
    "diff.geojson",
    "diff_neighborhoods.geojson",
    "diff_summary.json",
];

/// What one side was read from.
///
/// ```
/// let s = linli::write::diff::Source { folder: "out".into(), kind: "plan".into() };
/// assert_eq!(serde_json::to_value(&s).unwrap()["kind"], "plan");
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// The folder, as given.
    pub folder: String,
    /// `plan` (its roster.csv), `grid` (a linli neighborhoods.geojson laid
    /// on the scenario) or `scenario` (the scenario's own grid).
    pub kind: String,
}

/// Everything the files are made of.
///
/// ```
/// use linli::diff::{compare, side::from_roster};
/// use linli::write::diff::{DiffOutput, Source};
/// let roster = "社区,社区编码,邻里编码,邻里名称,楼栋编号,楼栋名称,户数\n荷清苑社区,C,N1,,b1,,30\n荷清苑社区,C,N2,,b2,,20\n";
/// let a = from_roster("a", roster).unwrap();
/// let b = from_roster("b", &roster.replace("N2,,b2", "N1,,b2")).unwrap();
/// let d = compare(&a, &b).unwrap();
/// let source = |f: &str| Source { folder: f.into(), kind: "plan".into() };
/// let o = DiffOutput { a: &a, b: &b, a_source: source("a"), b_source: source("b"), scenario: None, diff: &d,
///     building_shapes: [("b2".to_string(), r#"{"type":"Point","coordinates":[120,32]}"#.to_string())].into(),
///     neighborhood_shapes: vec![None] };
/// assert_eq!(linli::write::diff::summary(&o).total.households_moved, 20);
/// ```
pub struct DiffOutput<'a> {
    /// Side A.
    pub a: &'a Side,
    /// Side B.
    pub b: &'a Side,
    /// What A was read from.
    pub a_source: Source,
    /// What B was read from.
    pub b_source: Source,
    /// The scenario the buildings were placed with, when one was read.
    pub scenario: Option<String>,
    /// The comparison.
    pub diff: &'a Diff,
    /// Each building's lon/lat GeoJSON geometry text, by id (those
    /// missing are written with a null geometry).
    pub building_shapes: BTreeMap<String, String>,
    /// Each B neighborhood's lon/lat GeoJSON geometry text.
    pub neighborhood_shapes: Vec<Option<String>>,
}

const BUILDING_HEADER: [&str; 11] = [
    "社区编码",
    "社区",
    "楼栋编号",
    "楼栋名称",
    "户数",
    "原邻里编码",
    "原邻里名称",
    "新邻里编码",
    "新邻里名称",
    "新邻里对应原邻里编码",
    "变动",
];

const COMMUNITY_HEADER: [&str; 15] = [
    "社区编码",
    "社区",
    "户数",
    "调整户数",
    "调整楼栋数",
    "A邻里数",
    "B邻里数",
    "未变邻里数",
    "有调整邻里数",
    "新增邻里数",
    "撤销邻里数",
    "仅A入邻里户数",
    "仅A入邻里楼栋数",
    "仅B入邻里户数",
    "仅B入邻里楼栋数",
];

/// A building's change as the CSV says it.
///
/// ```
/// use linli::diff::Change;
/// assert_eq!(linli::write::diff::change_label(Change::Moved), "调整邻里");
/// ```
pub fn change_label(c: Change) -> &'static str {
    match c {
        Change::Moved => "调整邻里",
        Change::OnlyInA => "B中不在任何邻里",
        Change::OnlyInB => "A中不在任何邻里",
    }
}

/// Codes and names of neighborhoods `ns` of `side`, each joined by `;`.
fn codes_names(side: &Side, ns: &[usize]) -> (String, String) {
    let codes: Vec<&str> = ns
        .iter()
        .map(|&n| side.neighborhoods[n].code.as_str())
        .collect();
    let names: Vec<&str> = ns
        .iter()
        .map(|&n| side.neighborhoods[n].name.as_str())
        .collect();
    (codes.join(";"), names.join(";"))
}

/// The codes of the A neighborhoods matched with B neighborhoods `ns`
/// (`;`-joined; empty for a new one): what a building's new neighborhood
/// was in A.
fn matched_codes(o: &DiffOutput, ns: &[usize]) -> String {
    let codes: Vec<&str> = ns
        .iter()
        .map(|&n| o.diff.matched[n].map_or("", |x| o.a.neighborhoods[x].code.as_str()))
        .collect();
    codes.join(";")
}

/// diff_buildings.csv's rows.
fn building_rows(o: &DiffOutput) -> Vec<Vec<String>> {
    let names = community_names(o);
    o.diff
        .buildings
        .iter()
        .map(|c| {
            let (from_code, from_name) = codes_names(o.a, &c.from);
            let (to_code, to_name) = codes_names(o.b, &c.to);
            vec![
                c.community.clone(),
                names.get(c.community.as_str()).cloned().unwrap_or_default(),
                c.id.clone(),
                c.name.clone(),
                c.households.to_string(),
                from_code,
                from_name,
                to_code,
                to_name,
                matched_codes(o, &c.to),
                change_label(c.change).to_string(),
            ]
        })
        .collect()
}

/// Community names by code (B's, else A's).
fn community_names(o: &DiffOutput) -> BTreeMap<String, String> {
    o.a.communities
        .iter()
        .chain(&o.b.communities)
        .map(|c| (c.code.clone(), c.name.clone()))
        .collect()
}

/// diff_communities.csv's rows: one per community, then the total (合计).
fn community_rows(o: &DiffOutput) -> Vec<Vec<String>> {
    o.diff
        .communities
        .iter()
        .map(|c| (c.code.clone(), c.name.clone(), c))
        .chain([(String::new(), "合计".to_string(), &o.diff.total)])
        .map(|(code, name, c)| {
            let mut row = vec![code, name];
            row.extend(
                [
                    c.households,
                    c.households_moved,
                    c.buildings_moved as u64,
                    c.neighborhoods_a as u64,
                    c.neighborhoods_b as u64,
                    c.unchanged as u64,
                    c.changed as u64,
                    c.new as u64,
                    c.removed as u64,
                    c.households_only_in_a,
                    c.buildings_only_in_a as u64,
                    c.households_only_in_b,
                    c.buildings_only_in_b as u64,
                ]
                .iter()
                .map(u64::to_string),
            );
            row
        })
        .collect()
}

/// A FeatureCollection of `(geometry text, properties)`, one feature per
/// line; properties without a value left out.
fn collection(features: impl Iterator<Item = (Option<String>, Map<String, Value>)>) -> String {
    let mut s = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (i, (g, mut props)) in features.enumerate() {
        if i > 0 {
            s.push_str(",\n");
        }
        props.retain(|_, v| !v.is_null());
        s.push_str("{\"type\":\"Feature\",\"properties\":");
        s.push_str(&Value::Object(props).to_string());
        s.push_str(",\"geometry\":");
        s.push_str(g.as_deref().unwrap_or("null"));
        s.push('}');
    }
    s.push_str("\n]}\n");
    s
}

/// diff.geojson's text: the buildings that differ.
fn buildings_layer(o: &DiffOutput) -> String {
    let names = community_names(o);
    collection(o.diff.buildings.iter().map(|c| {
        let (from_code, from_name) = codes_names(o.a, &c.from);
        let (to_code, to_name) = codes_names(o.b, &c.to);
        let text = |s: String| if s.is_empty() { Value::Null } else { json!(s) };
        let mut m = Map::new();
        m.insert("id".into(), json!(c.id));
        m.insert("name".into(), text(c.name.clone()));
        m.insert("community".into(), json!(c.community));
        m.insert(
            "community_name".into(),
            text(names.get(&c.community).cloned().unwrap_or_default()),
        );
        m.insert("households".into(), json!(c.households));
        m.insert("change".into(), json!(c.change));
        m.insert("from_code".into(), text(from_code));
        m.insert("from_name".into(), text(from_name));
        m.insert("to_code".into(), text(to_code));
        m.insert("to_name".into(), text(to_name));
        m.insert("to_matched_code".into(), text(matched_codes(o, &c.to)));
        (o.building_shapes.get(&c.id).cloned(), m)
    }))
}

/// diff_neighborhoods.geojson's text: B's neighborhoods, each with its
/// change, its match in A and the households that came into it.
fn neighborhoods_layer(o: &DiffOutput) -> String {
    let (b, d) = (o.b, o.diff);
    let mut households = vec![0u64; b.neighborhoods.len()];
    let mut buildings = vec![0usize; b.neighborhoods.len()];
    for x in &b.buildings {
        for &n in &x.neighborhoods {
            households[n] += x.households;
            buildings[n] += 1;
        }
    }
    let mut came = vec![0u64; b.neighborhoods.len()];
    for c in d.buildings.iter().filter(|c| c.change != Change::OnlyInA) {
        for &n in &c.to {
            came[n] += c.households;
        }
    }
    collection(b.neighborhoods.iter().enumerate().map(|(k, n)| {
        let matched = d.matched[k].map(|x| &o.a.neighborhoods[x]);
        let mut m = Map::new();
        m.insert("code".into(), json!(n.code));
        if !n.name.is_empty() {
            m.insert("name".into(), json!(n.name));
        }
        m.insert("community".into(), json!(n.community));
        m.insert("households".into(), json!(households[k]));
        m.insert("buildings".into(), json!(buildings[k]));
        m.insert("change".into(), json!(d.change[k]));
        if let Some(a) = matched {
            m.insert("matched_code".into(), json!(a.code));
            if !a.name.is_empty() {
                m.insert("matched_name".into(), json!(a.name));
            }
        }
        m.insert("households_moved_in".into(), json!(came[k]));
        (o.neighborhood_shapes.get(k).cloned().flatten(), m)
    }))
}

/// One neighborhood of B in diff_summary.json.
///
/// ```
/// use linli::diff::NeighborhoodChange;
/// let r = linli::write::diff::MatchRow { code: "X1".into(), matched: Some("N1".into()), change: NeighborhoodChange::Unchanged };
/// assert_eq!(serde_json::to_value(&r).unwrap()["change"], "unchanged");
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct MatchRow {
    /// B's code.
    pub code: String,
    /// The A neighborhood matched with it.
    pub matched: Option<String>,
    /// Unchanged, changed or new.
    pub change: NeighborhoodChange,
}

/// diff_summary.json.
///
/// ```
/// use linli::diff::{compare, side::from_roster};
/// use linli::write::diff::{DiffOutput, Source};
/// let roster = "社区,社区编码,邻里编码,邻里名称,楼栋编号,楼栋名称,户数\n荷清苑社区,C,N1,,b1,,30\n荷清苑社区,C,N2,,b2,,20\n";
/// let a = from_roster("a", roster).unwrap();
/// let b = from_roster("b", &roster.replace("N2,,b2", "N1,,b2")).unwrap();
/// let d = compare(&a, &b).unwrap();
/// let source = |f: &str| Source { folder: f.into(), kind: "plan".into() };
/// let o = DiffOutput { a: &a, b: &b, a_source: source("a"), b_source: source("b"), scenario: None, diff: &d,
///     building_shapes: [("b2".to_string(), r#"{"type":"Point","coordinates":[120,32]}"#.to_string())].into(),
///     neighborhood_shapes: vec![None] };
/// let s: linli::write::diff::DiffSummary = linli::write::diff::summary(&o);
/// assert_eq!(s.in_words, "20 households in 1 building changed neighborhood, in 1 of 1 community");
/// assert_eq!(s.removed, ["N2"]);
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct DiffSummary {
    /// What A was read from.
    pub a: Source,
    /// What B was read from.
    pub b: Source,
    /// The scenario the buildings were placed with, when one was read.
    pub scenario: Option<String>,
    /// The console's sentence.
    pub in_words: String,
    /// Over every community.
    pub total: crate::diff::CommunityDiff,
    /// Per community.
    pub communities: Vec<crate::diff::CommunityDiff>,
    /// B's neighborhoods and their matches.
    pub neighborhoods: Vec<MatchRow>,
    /// A's neighborhoods matched with none.
    pub removed: Vec<String>,
}

/// diff_summary.json's content.
///
/// ```
/// use linli::diff::{compare, side::from_roster};
/// use linli::write::diff::{DiffOutput, Source};
/// let roster = "社区,社区编码,邻里编码,邻里名称,楼栋编号,楼栋名称,户数\n荷清苑社区,C,N1,,b1,,30\n荷清苑社区,C,N2,,b2,,20\n";
/// let a = from_roster("a", roster).unwrap();
/// let b = from_roster("b", &roster.replace("N2,,b2", "N1,,b2")).unwrap();
/// let d = compare(&a, &b).unwrap();
/// let source = |f: &str| Source { folder: f.into(), kind: "plan".into() };
/// let o = DiffOutput { a: &a, b: &b, a_source: source("a"), b_source: source("b"), scenario: None, diff: &d,
///     building_shapes: [("b2".to_string(), r#"{"type":"Point","coordinates":[120,32]}"#.to_string())].into(),
///     neighborhood_shapes: vec![None] };
/// assert_eq!(linli::write::diff::summary(&o).neighborhoods[0].matched.as_deref(), Some("N1"));
/// ```
pub fn summary(o: &DiffOutput) -> DiffSummary {
    let d = o.diff;
    DiffSummary {
        a: o.a_source.clone(),
        b: o.b_source.clone(),
        scenario: o.scenario.clone(),
        in_words: sentence(&d.communities, &d.total),
        total: d.total.clone(),
        communities: d.communities.clone(),
        neighborhoods: o
            .b
            .neighborhoods
            .iter()
            .enumerate()
            .map(|(k, n)| MatchRow {
                code: n.code.clone(),
                matched: d.matched[k].map(|x| o.a.neighborhoods[x].code.clone()),
                change: d.change[k],
            })
            .collect(),
        removed: d
            .removed
            .iter()
            .map(|&x| o.a.neighborhoods[x].code.clone())
            .collect(),
    }
}

/// Writes the five files of [`DIFF_FILES`] into `dir`; returns their paths.
///
/// ```
/// use linli::diff::{compare, side::from_roster};
/// use linli::write::diff::{DiffOutput, Source};
/// let roster = "社区,社区编码,邻里编码,邻里名称,楼栋编号,楼栋名称,户数\n荷清苑社区,C,N1,,b1,,30\n荷清苑社区,C,N2,,b2,,20\n";
/// let a = from_roster("a", roster).unwrap();
/// let b = from_roster("b", &roster.replace("N2,,b2", "N1,,b2")).unwrap();
/// let d = compare(&a, &b).unwrap();
/// let source = |f: &str| Source { folder: f.into(), kind: "plan".into() };
/// let o = DiffOutput { a: &a, b: &b, a_source: source("a"), b_source: source("b"), scenario: None, diff: &d,
///     building_shapes: [("b2".to_string(), r#"{"type":"Point","coordinates":[120,32]}"#.to_string())].into(),
///     neighborhood_shapes: vec![None] };
/// let dir = std::env::temp_dir().join(format!("linli-doc-diff-{}", std::process::id()));
/// let written = linli::write::diff::write_diff(&dir, &o).unwrap();
/// assert_eq!(written.len(), 5);
/// let csv = std::fs::read_to_string(dir.join("diff_buildings.csv")).unwrap();
/// assert!(csv.starts_with('\u{feff}') && csv.contains("b2,,20,N2,,N1,,N1,调整邻里"), "{csv}");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn write_diff(dir: &Path, o: &DiffOutput) -> Result<Vec<PathBuf>, Error> {
    let mut written = Vec::new();
    let texts = [
        csv(&BUILDING_HEADER, &building_rows(o)),
        csv(&COMMUNITY_HEADER, &community_rows(o)),
        buildings_layer(o),
        neighborhoods_layer(o),
    ];
    for (name, text) in DIFF_FILES.iter().zip(texts) {
        let path = dir.join(name);
        write_atomic(&path, text.as_bytes())?;
        written.push(path);
    }
    let path = dir.join(DIFF_FILES[4]);
    write_json(&path, &summary(o))?;
    written.push(path);
    Ok(written)
}
