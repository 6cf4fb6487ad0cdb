//! A [`Side`] from what a plan leaves: its `roster.csv` (a row per
//! building), or a grid (the scenario's `neighborhoods.geojson`, or a
//! redraw's) laid on the scenario's blocks, each building in the grid
//! polygons holding its block.

use super::{Building, Community, Neighborhood, Side};
use crate::error::Problem;
use crate::model::{Parcel, Scenario};
use std::collections::BTreeMap;

/// The columns of roster.csv a side is read from (`linli plan` writes them:
/// `write::roster`).
///
/// ```
/// assert_eq!(linli::diff::side::ROSTER_COLUMNS[6], "户数");
/// ```
pub const ROSTER_COLUMNS: [&str; 7] = {
    let c = crate::roster::BUILDING_COLUMNS;
    [c[1], c[2], c[3], c[4], c[5], c[6], c[7]]
};

/// A side from the text of a roster.csv (`file` names it in messages):
/// each row a building with its community, neighborhood and households.
///
/// ```
/// let text = "\u{feff}街道,社区,社区编码,邻里编码,邻里名称,楼栋编号,楼栋名称,户数\n\
///             清华园街道,荷清苑社区,WDK-01,WDK-01-001,荷清苑一邻里,b1,1号楼,120\n\
///             清华园街道,荷清苑社区,WDK-01,WDK-01-002,荷清苑二邻里,b2,,80\n";
/// let side = linli::diff::side::from_roster("out/roster.csv", text).unwrap();
/// assert_eq!(side.neighborhoods.len(), 2);
/// assert_eq!(side.buildings[1].neighborhoods, [1]);
/// assert_eq!(side.communities[0].name, "荷清苑社区");
/// let bad = text.replace(",120", ",many");
/// let e = linli::diff::side::from_roster("out/roster.csv", &bad).unwrap_err();
/// assert!(e[0].what.contains("line 2"), "{}", e[0].what);
/// ```
pub fn from_roster(file: &str, text: &str) -> Result<Side, Vec<Problem>> {
    let hint = "roster.csv as `linli plan` writes it: a header of Chinese column names, a row per building";
    let records = crate::read::csv::records(text).map_err(|e| {
        vec![Problem::file(file, format!("line {}: {}", e.line, e.what)).with_hint(hint)]
    })?;
    let Some((header, rows)) = records.split_first() else {
        return Err(vec![Problem::file(file, "is empty").with_hint(hint)]);
    };
    let mut col = [0usize; 7];
    for (k, name) in ROSTER_COLUMNS.iter().enumerate() {
        match header.fields.iter().position(|f| f == name) {
            Some(j) => col[k] = j,
            None => {
                return Err(vec![
                    Problem::file(file, format!("has no column {name}")).with_hint(hint),
                ]);
            }
        }
    }
    let mut side = Side {
        label: file.to_string(),
        ..Default::default()
    };
    let mut reading = RosterReading::default();
    let mut problems = Vec::new();
    for r in rows {
        let get = |k: usize| r.fields.get(col[k]).map_or("", String::as_str);
        if let Err(what) = reading.row(&mut side, r.line, get) {
            problems.push(Problem::file(file, format!("line {}: {what}", r.line)).with_hint(hint));
        }
        if problems.len() >= 10 {
            break;
        }
    }
    if problems.is_empty() {
        Ok(side)
    } else {
        Err(problems)
    }
}

/// What reading a roster has seen: neighborhoods and communities by code,
/// buildings by id (with their line).
#[derive(Default)]
struct RosterReading {
    neighborhoods: BTreeMap<String, usize>,
    communities: BTreeMap<String, usize>,
    buildings: BTreeMap<String, usize>,
}

impl RosterReading {
    /// Adds one row (`get(k)`: the field of [`ROSTER_COLUMNS`]`[k]`).
    fn row<'a>(
        &mut self,
        side: &mut Side,
        line: usize,
        get: impl Fn(usize) -> &'a str,
    ) -> Result<(), String> {
        let (community, code, id) = (get(1), get(2), get(4));
        if id.is_empty() {
            return Err("has no building id (楼栋编号)".into());
        }
        if code.is_empty() {
            return Err(format!("building {id} has no neighborhood code (邻里编码)"));
        }
        let households: u64 = get(6).parse().map_err(|_| {
            format!(
                "building {id}: households (户数) {:?} is not a whole number",
                get(6)
            )
        })?;
        if let Some(first) = self.buildings.insert(id.to_string(), line) {
            return Err(format!(
                "building {id} is listed twice (first on line {first})"
            ));
        }
        if !self.communities.contains_key(community) {
            self.communities
                .insert(community.to_string(), side.communities.len());
            side.communities.push(Community {
                code: community.to_string(),
                name: get(0).to_string(),
            });
        }
        let n = *self
            .neighborhoods
            .entry(code.to_string())
            .or_insert_with(|| {
                side.neighborhoods.push(Neighborhood {
                    code: code.to_string(),
                    name: get(3).to_string(),
                    community: community.to_string(),
                });
                side.neighborhoods.len() - 1
            });
        side.buildings.push(Building {
            id: id.to_string(),
            name: get(5).to_string(),
            community: community.to_string(),
            households,
            neighborhoods: vec![n],
        });
        Ok(())
    }
}

/// A side from a grid laid on the scenario's blocks (with the scenario's
/// barriers and the grid's borders; buildings a road or river runs
/// through kept whole, as `linli redraw` lays a grid): each building in
/// the grid polygons holding its block, none in a gap. `labels` gives each
/// polygon's code and name (its `code` or `id`, its `name`); a polygon's
/// community is the one holding most of its area.
///
/// ```
/// let loaded = linli::pipeline::load(&linli::demo::files(), &Default::default()).unwrap();
/// let grid = &loaded.scenario.existing_neighborhoods;
/// let labels: Vec<(String, String)> = grid.iter().map(|p| (p.id.clone(), String::new())).collect();
/// let side = linli::diff::side::from_grid("demo", &loaded.scenario, grid, &labels, (0.05, 5)).unwrap();
/// assert_eq!(side.neighborhoods.len(), grid.len());
/// // The demo's grid leaves a corner out: buildings in no polygon.
/// assert!(side.buildings.iter().any(|b| b.neighborhoods.is_empty()));
/// ```
pub fn from_grid(
    label: &str,
    scenario: &Scenario,
    grid: &[Parcel],
    labels: &[(String, String)],
    (snap_tolerance, community_level): (f64, u8),
) -> Result<Side, Vec<Problem>> {
    let g = crate::audit::grid::grid_blocks_keeping_buildings(
        scenario,
        grid,
        &[],
        (snap_tolerance, community_level),
        &[],
    )?;
    let codes = crate::roster::community_codes(scenario);
    let mut area: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); grid.len()];
    let mut buildings = Vec::new();
    for (blk, holders) in g.set.blocks.iter().zip(&g.holders) {
        for &h in holders {
            *area[h].entry(blk.community).or_insert(0.0) += blk.area;
        }
        for &i in &blk.buildings {
            let b = &scenario.buildings[i];
            buildings.push(Building {
                id: b.id.clone(),
                name: scenario
                    .labels
                    .building_names
                    .get(i)
                    .cloned()
                    .unwrap_or_default(),
                community: codes[blk.community].clone(),
                households: u64::from(b.households),
                neighborhoods: holders.clone(),
            });
        }
    }
    buildings.sort_by(|x, y| x.id.cmp(&y.id));
    let neighborhoods = grid
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let (code, name) = labels
                .get(k)
                .cloned()
                .unwrap_or_else(|| (p.id.clone(), String::new()));
            let main = area[k]
                .iter()
                .max_by(|x, y| x.1.total_cmp(y.1).then(y.0.cmp(x.0)))
                .map(|(&c, _)| codes[c].clone());
            Neighborhood {
                code,
                name,
                community: main.unwrap_or_default(),
            }
        })
        .collect();
    let communities = scenario
        .communities
        .iter()
        .zip(&codes)
        .map(|(c, code)| Community {
            code: code.clone(),
            name: c.name.clone(),
        })
        .collect();
    Ok(Side {
        label: label.to_string(),
        communities,
        neighborhoods,
        buildings,
    })
}
