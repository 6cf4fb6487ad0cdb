//! Join the plans of a split scenario's parts (`linli split`, each planned
//! by `linli plan`) into one plan folder (`linli merge`): the layers, the
//! tables, summary.json with the district's totals recomputed from the
//! parts', and a report.
//!
//! Each part's communities, buildings and neighborhoods are its own, so
//! most layers are the parts' features one after the other. What a halo
//! shares is taken once: a facility's capacity from the part that owns it,
//! the service areas of a kind as the union of the parts'.

mod layers;
mod report;
mod summary;

use crate::error::{Error, Problem};
use crate::split::PartInfo;
use crate::write::folder::StagedFolder;
use crate::write::manifest::{FileRecord, Inputs};
use crate::write::write_atomic;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A part's plan folder, with its `part.json`.
#[derive(Debug, Clone)]
pub struct PlanPart {
    /// The plan folder.
    pub dir: PathBuf,
    /// The part it plans.
    pub info: PartInfo,
    /// Its summary.json.
    pub summary: serde_json::Value,
}

/// A merged plan, ready to be written.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The parts, in order.
    pub parts: Vec<PlanPart>,
    /// The files of the merged plan folder, by name.
    pub files: Vec<(String, Vec<u8>)>,
    /// The merged summary.
    pub summary: serde_json::Value,
}

/// Merges the plan folders `dirs` (every part of one split, in any order).
///
/// ```
/// use linli::split::{split, part_dirs, SplitBy, SplitOptions};
/// let how = SplitOptions { by: SplitBy::Street, parts: None, halo_m: None };
/// let root = std::env::temp_dir().join(format!("linli-doc-merge-{}", std::process::id()));
/// split(&linli::demo::files(), &Default::default(), &how).unwrap().write(&root.join("parts")).unwrap();
/// let mut plans = Vec::new();
/// for dir in part_dirs(&root.join("parts")).unwrap() {
///     let out = root.join("plans").join(dir.file_name().unwrap());
///     let files = linli::read::ScenarioFiles::from_dir(&dir).unwrap();
///     linli::plan::run_plan(&files, &Default::default(), 1, &out).unwrap();
///     plans.push(out);
/// }
/// let merged = linli::merge::merge(&plans).unwrap();
/// assert_eq!(merged.households(), 8742);
/// merged.write(&root.join("plan")).unwrap();
/// assert!(root.join("plan/neighborhoods.geojson").is_file());
/// # std::fs::remove_dir_all(&root).unwrap();
/// ```
pub fn merge(dirs: &[PathBuf]) -> Result<Merged, Error> {
    let parts = read_parts(dirs)?;
    let mut files = layers::merged_layers(&parts)?;
    files.extend(layers::merged_tables(&parts)?);
    let summary = summary::merged(&parts)?;
    files.push((
        "staffing.csv".into(),
        summary::staffing_csv(&summary).into_bytes(),
    ));
    let text = serde_json::to_string_pretty(&summary).expect("summary is JSON");
    files.push(("summary.json".into(), text.into_bytes()));
    files.push((
        "report.html".into(),
        report::render(&parts, &summary).into_bytes(),
    ));
    for p in &parts {
        let path = p.dir.join("report.html");
        if let Ok(bytes) = std::fs::read(&path) {
            files.push((format!("reports/{}.html", p.info.name), bytes));
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Merged {
        parts,
        files,
        summary,
    })
}

/// The parts' plans, in their order; every part of the split once.
fn read_parts(dirs: &[PathBuf]) -> Result<Vec<PlanPart>, Error> {
    let mut parts = Vec::with_capacity(dirs.len());
    for dir in dirs {
        let path = dir.join("part.json");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Error::Input(vec![
                Problem::file(path.display().to_string(), e.to_string())
                    .with_hint("merge joins plans of the parts `linli split` writes: plan each part folder with `linli plan`"),
            ])
        })?;
        let info: PartInfo = serde_json::from_str(&text).map_err(|e| bad(&path, e))?;
        let sp = dir.join("summary.json");
        let s = std::fs::read_to_string(&sp).map_err(|e| Error::io(&sp, e))?;
        let summary = serde_json::from_str(&s).map_err(|e| bad(&sp, e))?;
        parts.push(PlanPart {
            dir: dir.clone(),
            info,
            summary,
        });
    }
    parts.sort_by_key(|p| p.info.number);
    check_complete(&parts)?;
    Ok(parts)
}

fn bad(path: &Path, e: serde_json::Error) -> Error {
    Error::Input(vec![Problem::file(
        path.display().to_string(),
        e.to_string(),
    )])
}

/// Every part of one split, each once.
fn check_complete(parts: &[PlanPart]) -> Result<(), Error> {
    let Some(first) = parts.first() else {
        return Err(Error::Input(vec![Problem::file(
            "the command line",
            "no plan to merge",
        )]));
    };
    let mut problems = Vec::new();
    let numbers: BTreeSet<usize> = parts.iter().map(|p| p.info.number).collect();
    for p in parts {
        if p.info.of != first.info.of || p.info.source != first.info.source {
            problems.push(Problem::file(
                p.dir.display().to_string(),
                format!(
                    "is part {} of {} of {}, not of {}'s split",
                    p.info.number, p.info.of, p.info.source, first.info.source
                ),
            ));
        }
    }
    if numbers.len() != parts.len() {
        problems.push(Problem::file("the command line", "a part is given twice"));
    }
    let missing: Vec<String> = (1..=first.info.of)
        .filter(|n| !numbers.contains(n))
        .map(|n| format!("part-{n:03}"))
        .collect();
    if !missing.is_empty() {
        problems.push(
            Problem::file(
                "the command line",
                format!(
                    "{} of {} parts missing: {}",
                    missing.len(),
                    first.info.of,
                    missing.join(", ")
                ),
            )
            .with_hint("plan every part folder `linli split` wrote and give all of them"),
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Input(problems))
    }
}

impl Merged {
    /// Neighborhoods in the merged plan.
    pub fn neighborhoods(&self) -> usize {
        self.summary["partition"]["overall"]["count"]
            .as_u64()
            .unwrap_or(0) as usize
    }

    /// Households in the merged plan.
    pub fn households(&self) -> u64 {
        self.summary["partition"]["overall"]["households"]
            .as_u64()
            .unwrap_or(0)
    }

    /// Writes the merged plan folder `out` in one step (replaced whole, or
    /// left as it was), with its manifest.json.
    pub fn write(&self, out: &Path) -> Result<Vec<PathBuf>, Error> {
        let staged = StagedFolder::begin(out)?;
        let dir = staged.dir().to_path_buf();
        let result = (|| {
            for (name, bytes) in &self.files {
                let path = dir.join(name);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
                }
                write_atomic(&path, bytes)?;
            }
            crate::write::manifest::write_manifest(&dir, self.inputs())
        })();
        result.map_err(|e| staged.unwritten(e))?;
        staged.commit()?;
        let mut names: Vec<PathBuf> = self.files.iter().map(|(n, _)| out.join(n)).collect();
        names.push(out.join("manifest.json"));
        Ok(names)
    }

    /// The manifest's inputs: each part's manifest.json.
    fn inputs(&self) -> Inputs {
        use sha2::{Digest, Sha256};
        let mut files = Vec::new();
        let mut h = Sha256::new();
        for p in &self.parts {
            let bytes = std::fs::read(p.dir.join("manifest.json")).unwrap_or_default();
            let sha: String = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            h.update(format!("{}\t{}\n", p.info.name, sha));
            files.push(FileRecord {
                name: format!("{}/manifest.json", p.info.name),
                bytes: bytes.len() as u64,
                sha256: sha,
            });
        }
        Inputs {
            digest: h.finalize().iter().map(|b| format!("{b:02x}")).collect(),
            files,
            options: Default::default(),
        }
    }
}
