//! The blocks stage's outputs: blocks.geojson, block_adjacency.csv,
//! blocks_summary.json.

use super::geojson::{OutGeometry, feature_collection, fmt_num};
use super::{write_atomic, write_json};
use crate::blocks::BlockSet;
use crate::error::Error;
use crate::read::Loaded;
use geo::Area;
use petgraph::visit::EdgeRef;
use serde::Serialize;
use serde_json::{Map, json};
use std::path::{Path, PathBuf};

/// Per-community figures of the blocks stage.
#[derive(Debug, Clone, Serialize)]
pub struct CommunityBlocks {
    /// Community id.
    pub id: String,
    /// Community name.
    pub name: String,
    /// Street.
    pub street: String,
    /// Kind.
    pub kind: &'static str,
    /// Blocks in it.
    pub blocks: usize,
    /// Buildings in it.
    pub buildings: usize,
    /// Households in it.
    pub households: u64,
    /// Community area, m².
    pub area_m2: f64,
    /// Sum of its block areas, m² (equals `area_m2`: blocks tile it).
    pub blocks_area_m2: f64,
}

/// blocks_summary.json.
#[derive(Debug, Clone, Serialize)]
pub struct BlocksSummary {
    /// Scenario name.
    pub scenario: String,
    /// Per community.
    pub communities: Vec<CommunityBlocks>,
    /// All blocks.
    pub blocks: usize,
    /// Adjacent block pairs.
    pub adjacent_pairs: usize,
    /// Buildings read.
    pub buildings_read: usize,
    /// Buildings in a block.
    pub buildings_in_blocks: usize,
    /// Buildings in no community (ids listed), kept out of results.
    pub buildings_outside: Vec<String>,
    /// Households read.
    pub households_read: u64,
    /// Households in blocks.
    pub households_in_blocks: u64,
    /// Buildings whose households were estimated.
    pub estimated_buildings: usize,
    /// Households estimated.
    pub estimated_households: u64,
    /// Unresolved barrier crossings (0 on sane input).
    pub unresolved_crossings: usize,
    /// Warnings.
    pub warnings: Vec<String>,
}

/// Computes the blocks summary.
pub fn summarize(loaded: &Loaded, set: &BlockSet) -> BlocksSummary {
    let s = &loaded.scenario;
    let mut of_community: Vec<Vec<&crate::blocks::Block>> = vec![Vec::new(); s.communities.len()];
    for b in &set.blocks {
        if let Some(v) = of_community.get_mut(b.community) {
            v.push(b);
        }
    }
    let communities = s
        .communities
        .iter()
        .zip(of_community)
        .map(|(c, blocks)| CommunityBlocks {
            id: c.id.clone(),
            name: c.name.clone(),
            street: c.street.clone(),
            kind: c.kind.as_str(),
            blocks: blocks.len(),
            buildings: blocks.iter().map(|b| b.buildings.len()).sum(),
            households: blocks.iter().map(|b| b.households).sum(),
            area_m2: round2(c.area.unsigned_area()),
            blocks_area_m2: round2(blocks.iter().map(|b| b.area).sum()),
        })
        .collect();
    let mut warnings = loaded.report.warnings.clone();
    warnings.extend(set.warnings.iter().cloned());
    BlocksSummary {
        scenario: loaded.config.name.clone(),
        communities,
        blocks: set.blocks.len(),
        adjacent_pairs: set.adjacency.edge_count(),
        buildings_read: s.buildings.len(),
        buildings_in_blocks: set.blocks.iter().map(|b| b.buildings.len()).sum(),
        buildings_outside: set
            .outside_buildings
            .iter()
            .map(|&i| s.buildings[i].id.clone())
            .collect(),
        households_read: s.buildings.iter().map(|b| u64::from(b.households)).sum(),
        households_in_blocks: set.blocks.iter().map(|b| b.households).sum(),
        estimated_buildings: loaded.report.estimated_buildings,
        estimated_households: loaded.report.estimated_households,
        unresolved_crossings: set.unresolved_crossings,
        warnings,
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Writes the blocks stage's files into `out`; returns their paths.
pub fn write_blocks(out: &Path, loaded: &Loaded, set: &BlockSet) -> Result<Vec<PathBuf>, Error> {
    let s = &loaded.scenario;
    let features = set.blocks.iter().map(|b| {
        let mut p = Map::new();
        p.insert("id".into(), json!(b.id));
        p.insert("community".into(), json!(s.communities[b.community].id));
        p.insert("households".into(), json!(b.households));
        p.insert("estimated_households".into(), json!(b.estimated_households));
        p.insert("buildings".into(), json!(b.buildings.len()));
        p.insert("area_m2".into(), json!(round2(b.area)));
        p.insert(
            "compounds".into(),
            super::geojson::list(b.compounds.iter().map(|&c| &s.compounds[c].id)),
        );
        (OutGeometry::Polygon(b.polygon.clone()), p)
    });
    let blocks_path = out.join("blocks.geojson");
    write_atomic(
        &blocks_path,
        feature_collection(&loaded.projector, features).as_bytes(),
    )?;

    let mut csv =
        String::from("\u{feff}block_a,block_b,shared_m,barrier_level,barrier_kind,weakest_level\n");
    for e in set.adjacency.edge_references() {
        let (a, b) = (e.source().index(), e.target().index());
        let w = e.weight();
        csv.push_str(&format!(
            "{},{},{},{},{},{}\n",
            set.blocks[a].id,
            set.blocks[b].id,
            fmt_num(w.shared_m, 2),
            w.barrier.level,
            w.barrier.kind.as_str(),
            w.weakest.level
        ));
    }
    let adj_path = out.join("block_adjacency.csv");
    write_atomic(&adj_path, csv.as_bytes())?;

    let summary_path = out.join("blocks_summary.json");
    write_json(&summary_path, &summarize(loaded, set))?;
    Ok(vec![blocks_path, adj_path, summary_path])
}
