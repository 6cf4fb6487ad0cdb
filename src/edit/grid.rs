//! The existing grid as the editor's start: the scenario's blocks cut by
//! the grid's borders (as a redraw builds them: buildings the scenario's
//! barriers run through kept whole, blocks above the band split into
//! cells), each given to the grid polygon holding it. A polygon reaching
//! several communities is one neighborhood per community
//! (`<id>@<community>`), and area in no polygon one per connected piece
//! (`<community>-gapNN`), as the audit counts them.

use crate::error::Error;
use crate::model::{BlockSet, Partition, Planned};
use crate::read::Loaded;
use std::collections::{BTreeMap, BTreeSet};

/// The grid of `loaded`'s scenario as a plan on fine blocks.
///
/// ```
/// let loaded = linli::pipeline::load(&linli::demo::files(), &Default::default()).unwrap();
/// let p = linli::edit::grid::grid_start(&loaded).unwrap();
/// let ids: Vec<&str> = p.partition.neighborhoods.iter().map(|n| n.id.as_str()).collect();
/// assert!(ids.contains(&"WDK-01-A"));
/// assert!(p.blocks.blocks.len() > ids.len()); // blocks, not one per grid polygon
/// ```
pub fn grid_start(loaded: &Loaded) -> Result<Planned, Error> {
    let s = &loaded.scenario;
    let grid = &s.existing_neighborhoods;
    let g =
        crate::redraw::grid_with_cells(s, grid, &loaded.config).map_err(|p| loaded.locate(p))?;
    let set = g.set;
    let mut groups: BTreeMap<(usize, Option<usize>), Vec<usize>> = BTreeMap::new();
    for (b, block) in set.blocks.iter().enumerate() {
        let holder = g.holders[b].first().copied();
        groups.entry((block.community, holder)).or_default().push(b);
    }
    let mut reach: BTreeMap<usize, usize> = BTreeMap::new();
    for (_, holder) in groups.keys() {
        if let Some(p) = holder {
            *reach.entry(*p).or_default() += 1;
        }
    }
    let mut neighborhoods = Vec::new();
    let mut block_neighborhood = vec![usize::MAX; set.blocks.len()];
    let mut gaps: BTreeMap<usize, usize> = BTreeMap::new();
    for ((c, holder), blocks) in groups {
        let com = &s.communities[c];
        let parts = match holder {
            Some(_) => vec![blocks],
            None => pieces(&set, &blocks),
        };
        for part in parts {
            let id = match holder {
                Some(p) if reach[&p] > 1 => format!("{}@{}", grid[p].id, com.id),
                Some(p) => grid[p].id.clone(),
                None => {
                    let k = gaps.entry(c).or_default();
                    *k += 1;
                    format!("{}-gap{k:02}", com.id)
                }
            };
            for &b in &part {
                block_neighborhood[b] = neighborhoods.len();
            }
            let t = loaded.config.targets_for(com);
            let mut n = crate::partition::neighborhood_of(s, &t, &set, c, part, false);
            n.id = id;
            neighborhoods.push(n);
        }
    }
    let shapes = crate::dissolve::dissolve(&set, &block_neighborhood, neighborhoods.len());
    let straddles =
        crate::partition::straddles::straddles(&set, &block_neighborhood, s, &loaded.config);
    Ok(Planned {
        block_count: set.blocks.len(),
        blocks: set,
        partition: Partition {
            block_neighborhood,
            neighborhoods,
        },
        shapes,
        straddles,
    })
}

/// `blocks` in connected pieces (through shared borders), each in order.
fn pieces(set: &BlockSet, blocks: &[usize]) -> Vec<Vec<usize>> {
    let member: BTreeSet<usize> = blocks.iter().copied().collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for &start in blocks {
        if !seen.insert(start) {
            continue;
        }
        let (mut piece, mut stack) = (vec![start], vec![start]);
        while let Some(b) = stack.pop() {
            for n in set
                .adjacency
                .neighbors(BlockSet::node(b))
                .map(|n| n.index())
            {
                if member.contains(&n) && seen.insert(n) {
                    piece.push(n);
                    stack.push(n);
                }
            }
        }
        piece.sort_unstable();
        out.push(piece);
    }
    out
}
