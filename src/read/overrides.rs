//! Per-community settings: `[communities.<id or name>]` in scenario.toml
//! and the rows of `overrides.csv`, resolved to community ids, checked,
//! and laid over the scenario (a community's kind and workers on staff) and
//! the settings (its target, band and neighborhood count).
//!
//! overrides.csv has a header naming its columns, in English or Chinese:
//! `community` (社区: an id or a name), `target` (目标户数), `tolerance`
//! (容差), `band_min`/`band_max` (最少户数/最多户数), `neighborhoods`
//! (邻里数), `kind` (类型: urban/rural/resettlement, 城市/涉农/安置),
//! `workers` (社工数). An empty cell sets nothing.

use crate::config::{CommunitySettings, Config};
use crate::error::Problem;
use crate::model::{CommunityKind, Scenario};
use std::collections::BTreeMap;

/// The name of the per-community settings file.
pub const FILE: &str = "overrides.csv";

/// A column of overrides.csv.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Community,
    Target,
    Tolerance,
    BandMin,
    BandMax,
    Neighborhoods,
    Kind,
    Workers,
}

/// Header names, English and Chinese.
const HEADERS: &[(&str, Column)] = &[
    ("community", Column::Community),
    ("社区", Column::Community),
    ("社区编号", Column::Community),
    ("社区名称", Column::Community),
    ("target", Column::Target),
    ("目标户数", Column::Target),
    ("tolerance", Column::Tolerance),
    ("容差", Column::Tolerance),
    ("band_min", Column::BandMin),
    ("最少户数", Column::BandMin),
    ("band_max", Column::BandMax),
    ("最多户数", Column::BandMax),
    ("neighborhoods", Column::Neighborhoods),
    ("邻里数", Column::Neighborhoods),
    ("kind", Column::Kind),
    ("类型", Column::Kind),
    ("workers", Column::Workers),
    ("social_workers", Column::Workers),
    ("社工数", Column::Workers),
];

/// One row read: where it is, whom it names, what it sets.
#[derive(Debug, Clone)]
pub struct Row {
    /// Its line in the file.
    pub line: usize,
    /// The community, as written (an id or a name).
    pub community: String,
    /// What it sets.
    pub settings: CommunitySettings,
}

/// The rows of overrides.csv, or every problem found (each naming its
/// line and column).
///
/// ```
/// use linli::read::overrides::rows;
/// let r = rows("社区,目标户数,邻里数,类型\nWDK-01,250,,涉农\n", "overrides.csv").unwrap();
/// assert_eq!(r[0].settings.target, Some(250));
/// assert_eq!(r[0].settings.neighborhoods, None);
/// assert_eq!(r[0].settings.kind, Some(linli::model::CommunityKind::Rural));
/// let e = rows("community,households\nA,3\n", "overrides.csv").unwrap_err();
/// assert!(e[0].to_string().contains("\"households\""));
/// ```
pub fn rows(text: &str, file: &str) -> Result<Vec<Row>, Vec<Problem>> {
    let records = crate::read::csv::records(text).map_err(|e| {
        vec![
            Problem::file(
                format!("{file}, line {}", e.line),
                format!("is not CSV: {}", e.what),
            )
            .with_hint("quote a field holding a comma with \"…\""),
        ]
    })?;
    let mut records = records
        .into_iter()
        .filter(|r| !r.fields[0].starts_with('#'));
    let Some(head) = records.next() else {
        return Ok(Vec::new());
    };
    let columns = header(&head, file)?;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for r in records {
        if r.fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        match row(&r, &columns) {
            Ok(row) => out.push(row),
            Err(what) => problems.push(Problem::file(format!("{file}, line {}", r.line), what)),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The columns the header names; the community column is required.
fn header(head: &crate::read::csv::Record, file: &str) -> Result<Vec<Column>, Vec<Problem>> {
    let mut columns = Vec::new();
    for name in &head.fields {
        let key = name.trim().to_lowercase();
        match HEADERS.iter().find(|(h, _)| *h == key) {
            Some(&(_, c)) => columns.push(c),
            None => {
                return Err(vec![
                    Problem::file(
                        format!("{file}, line {}", head.line),
                        format!("column {name:?} is not a setting"),
                    )
                    .with_hint(
                        "the first line names the columns: community, target, tolerance, band_min, band_max, neighborhoods, kind, workers (or 社区, 目标户数, 容差, 最少户数, 最多户数, 邻里数, 类型, 社工数)",
                    ),
                ]);
            }
        }
    }
    if !columns.contains(&Column::Community) {
        return Err(vec![
            Problem::file(format!("{file}, line {}", head.line), "has no community column")
                .with_hint("name the first column community (or 社区): an id or a name from communities.geojson"),
        ]);
    }
    Ok(columns)
}

/// One row's settings, or what is wrong with it.
fn row(r: &crate::read::csv::Record, columns: &[Column]) -> Result<Row, String> {
    let mut out = Row {
        line: r.line,
        community: String::new(),
        settings: CommunitySettings::default(),
    };
    let (mut lo, mut hi) = (None, None);
    for (c, v) in columns.iter().zip(&r.fields) {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        let s = &mut out.settings;
        match c {
            Column::Community => out.community = v.to_string(),
            Column::Target => s.target = Some(whole(v, "target")?),
            Column::Tolerance => s.tolerance = Some(number(v, "tolerance")?),
            Column::BandMin => lo = Some(whole(v, "band_min")?),
            Column::BandMax => hi = Some(whole(v, "band_max")?),
            Column::Neighborhoods => s.neighborhoods = Some(whole(v, "neighborhoods")?),
            Column::Kind => {
                s.kind = Some(CommunityKind::parse(v).ok_or_else(|| {
                    format!("kind {v:?} is not urban, rural or resettlement (城市, 涉农, 安置)")
                })?)
            }
            Column::Workers => s.workers = Some(whole(v, "workers")?),
        }
    }
    if out.community.is_empty() {
        return Err("names no community".into());
    }
    match (lo, hi) {
        (Some(l), Some(h)) => out.settings.band = Some([l, h]),
        (None, None) => {}
        _ => return Err("gives one end of the band: give band_min and band_max both".into()),
    }
    match out.settings.problems().first() {
        Some(p) => Err(p.clone()),
        None => Ok(out),
    }
}

/// A whole number cell.
fn whole(v: &str, key: &str) -> Result<u32, String> {
    match v.parse::<f64>() {
        Ok(x) if x.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&x) => Ok(x as u32),
        _ => Err(format!("{key} {v:?} is not a whole number")),
    }
}

/// A number cell.
fn number(v: &str, key: &str) -> Result<f64, String> {
    v.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| format!("{key} {v:?} is not a number"))
}

/// The settings of scenario.toml (`toml_file`) and overrides.csv
/// (`rows`, `csv_file`) by community id, each key resolved (an id, else a
/// name naming one community), and laid over the scenario: kinds and
/// workers. Returns every problem found, each naming its key or line.
///
/// ```
/// use linli::read::overrides::{apply, rows};
/// let mut loaded = linli::pipeline::load(&linli::demo::files(), &Default::default()).unwrap();
/// let csv = rows("community,neighborhoods,workers\n荷清苑社区,5,4\n", "overrides.csv").unwrap();
/// apply(&mut loaded.config, &mut loaded.scenario, &csv, ("scenario.toml", "overrides.csv")).unwrap();
/// assert_eq!(loaded.config.communities["WDK-01"].neighborhoods, Some(5));
/// assert_eq!(loaded.scenario.communities[0].social_workers, Some(4));
/// let bad = rows("community,target\nWDK-99,250\n", "overrides.csv").unwrap();
/// let e = apply(&mut loaded.config, &mut loaded.scenario, &bad, ("scenario.toml", "overrides.csv")).unwrap_err();
/// assert!(e[0].to_string().contains("overrides.csv, line 2"), "{}", e[0]);
/// ```
pub fn apply(
    config: &mut Config,
    scenario: &mut Scenario,
    rows: &[Row],
    (toml_file, csv_file): (&str, &str),
) -> Result<(), Vec<Problem>> {
    let mut problems = Vec::new();
    let mut by_id: BTreeMap<String, CommunitySettings> = BTreeMap::new();
    let toml = std::mem::take(&mut config.communities);
    let mut from_toml: BTreeMap<String, String> = BTreeMap::new();
    for (key, s) in &toml {
        let at = || format!("[communities.{key}]");
        match resolve(scenario, key) {
            Ok(i) => {
                let id = scenario.communities[i].id.clone();
                if let Some(other) = from_toml.insert(id.clone(), key.clone()) {
                    problems.push(Problem::file(
                        toml_file,
                        format!(
                            "{} and [communities.{other}] name the same community {id:?}",
                            at()
                        ),
                    ));
                }
                by_id.entry(id).or_default().merge(s);
            }
            Err(what) => problems.push(
                Problem::file(toml_file, format!("{}: {what}", at())).with_hint(ids_hint(scenario)),
            ),
        }
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for r in rows {
        let at = format!("{csv_file}, line {}", r.line);
        let i = match resolve(scenario, &r.community) {
            Ok(i) => i,
            Err(what) => {
                problems.push(Problem::file(at, what).with_hint(ids_hint(scenario)));
                continue;
            }
        };
        let id = scenario.communities[i].id.clone();
        if let Some(first) = seen.insert(id.clone(), r.line) {
            problems.push(
                Problem::file(
                    at,
                    format!("community {id:?} is listed again (first on line {first})"),
                )
                .with_hint("one line per community"),
            );
            continue;
        }
        let clash = by_id.entry(id.clone()).or_default().merge(&r.settings);
        if !clash.is_empty() {
            problems.push(
                Problem::file(
                    at.clone(),
                    format!(
                        "sets {} of {id:?}, which {toml_file} sets otherwise",
                        clash.join(", ")
                    ),
                )
                .with_hint("set a community's value in one place"),
            );
        }
        if let Some(p) = by_id[&id].problems().into_iter().next() {
            problems.push(Problem::file(at, format!("with {toml_file}: {p}")));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    for c in scenario.communities.iter_mut() {
        if let Some(s) = by_id.get(&c.id) {
            c.kind = s.kind.unwrap_or(c.kind);
            c.social_workers = s.workers.or(c.social_workers);
        }
    }
    config.communities = by_id;
    Ok(())
}

/// The community a key names: its id, else its name when one community
/// has it.
fn resolve(scenario: &Scenario, key: &str) -> Result<usize, String> {
    let cs = &scenario.communities;
    if let Some(i) = cs.iter().position(|c| c.id == key) {
        return Ok(i);
    }
    let named: Vec<usize> = (0..cs.len()).filter(|&i| cs[i].name == key).collect();
    match named.as_slice() {
        [i] => Ok(*i),
        [] => Err(format!("no community has the id or name {key:?}")),
        many => Err(format!(
            "{} communities are named {key:?} ({}): give the id",
            many.len(),
            many.iter()
                .map(|&i| cs[i].id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The first community ids, for a hint.
fn ids_hint(scenario: &Scenario) -> String {
    let ids: Vec<&str> = scenario
        .communities
        .iter()
        .take(8)
        .map(|c| c.id.as_str())
        .collect();
    let more = if scenario.communities.len() > 8 {
        ", …"
    } else {
        ""
    };
    format!("the communities are {}{more}", ids.join(", "))
}
