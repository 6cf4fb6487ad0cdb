//! An output folder replaced whole or not at all.
//!
//! A plan is a dozen files that belong together: report.html draws
//! neighborhoods.geojson, summary.json counts it. Each file is written into
//! a staging folder beside the output folder; once every file is there, the
//! two folders swap names in one step (Linux `renameat2(RENAME_EXCHANGE)`;
//! elsewhere, or where the file system cannot, the old folder is renamed
//! aside and the new one into place) and the old one is removed. A run that
//! fails or is killed leaves the previous folder exactly as it was; the
//! next run removes what it left beside it (or, killed between the two
//! renames of the fallback, puts the old folder back).
//!
//! A folder is only replaced when everything in it is linli's (files a
//! linli command writes, or those its manifest.json lists, and stale temp
//! files): a user's own files, or `--out .`, stop the run before it starts.

use crate::error::{Error, Problem};
use std::path::{Component, Path, PathBuf};

/// Every file name a linli command writes into its output folder.
pub const OUTPUT_NAMES: &[&str] = &[
    "audit.geojson",
    "audit_gaps.geojson",
    "audit_overlaps.geojson",
    "audit_summary.json",
    "audit_coverage_summary.json",
    "block_adjacency.csv",
    "blocks.geojson",
    "building_groups.geojson",
    "contact_groups.geojson",
    "blocks_summary.json",
    "coverage.geojson",
    "coverage_summary.json",
    "diff.geojson",
    "diff_buildings.csv",
    "diff_communities.csv",
    "diff_neighborhoods.geojson",
    "diff_summary.json",
    "gaps.geojson",
    "capacity.geojson",
    "manifest.json",
    "neighborhoods.csv",
    "neighborhoods.geojson",
    "partition_summary.json",
    "redraw_summary.json",
    "report.html",
    "roster.csv",
    "roster.xlsx",
    "service_areas.geojson",
    "sites.geojson",
    "sites_model.json",
    "staffing.csv",
    "summary.json",
    "worker_patches.geojson",
];

/// A folder being written beside `out`, put in its place by
/// [`StagedFolder::commit`]; dropped uncommitted, it is removed.
///
/// ```
/// let base = std::env::temp_dir().join(format!("linli-doc-staged-{}", std::process::id()));
/// let out = base.join("plan");
/// let staged = linli::write::folder::StagedFolder::begin(&out).unwrap();
/// std::fs::write(staged.dir().join("summary.json"), "{}").unwrap();
/// assert!(!out.exists()); // nothing is in place before the commit
/// staged.commit().unwrap();
/// assert_eq!(std::fs::read_to_string(out.join("summary.json")).unwrap(), "{}");
/// assert_eq!(std::fs::read_dir(&base).unwrap().count(), 1); // no staging folder left
/// # std::fs::remove_dir_all(&base).unwrap();
/// ```
#[derive(Debug)]
pub struct StagedFolder {
    /// Where the folder goes (symlinks followed).
    out: PathBuf,
    /// The folder being written.
    staging: PathBuf,
    committed: bool,
}

impl StagedFolder {
    /// Checks that `out` may be replaced (absent, or holding only linli's
    /// files), clears what earlier runs left beside it, and makes an empty
    /// staging folder beside it.
    pub fn begin(out: &Path) -> Result<Self, Error> {
        let out = resolve(out)?;
        let (parent, name) = parent_and_name(&out)?;
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        clear_leftovers(&parent, &name, &out);
        check_replaceable(&out)?;
        check_not_mount_point(&parent, &out)?;
        let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir(&staging).map_err(|e| Error::io(&staging, e))?;
        Ok(StagedFolder {
            out,
            staging,
            committed: false,
        })
    }

    /// The staging folder: write every file here.
    pub fn dir(&self) -> &Path {
        &self.staging
    }

    /// Where the folder goes.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// `e`, an error met while writing into the staging folder, as the user
    /// should read it: naming the file in the output folder (not the
    /// staging folder, which is removed), why where the system says (a full
    /// disk, a file-size limit) and that nothing was changed.
    ///
    /// ```
    /// use linli::error::Error;
    /// let base = std::env::temp_dir().join(format!("linli-doc-unwritten-{}", std::process::id()));
    /// let staged = linli::write::folder::StagedFolder::begin(&base.join("plan")).unwrap();
    /// let full = std::io::Error::from_raw_os_error(28); // ENOSPC
    /// let e = staged.unwritten(Error::io(staged.dir().join("blocks.geojson"), full)).to_string();
    /// assert!(e.starts_with(&format!("{}", base.join("plan/blocks.geojson").display())));
    /// assert!(e.contains("the disk is full") && e.contains("nothing was written"));
    /// assert!(!e.contains("staging"));
    /// # drop(staged); std::fs::remove_dir_all(&base).unwrap();
    /// ```
    pub fn unwritten(&self, e: Error) -> Error {
        let Error::Io { path, source } = e else {
            return e;
        };
        let Ok(name) = path.strip_prefix(&self.staging) else {
            return Error::Io { path, source };
        };
        let why = match source.raw_os_error() {
            Some(28) => " (the disk is full: free some space, or give --out on another disk)",
            Some(27) => " (a file-size limit, `ulimit -f`, is below what this file needs)",
            Some(122) => " (the disk quota is used up)",
            _ => "",
        };
        let kept = if std::fs::symlink_metadata(&self.out).is_ok() {
            format!(
                "nothing was changed: {} still holds the plan it had",
                self.out.display()
            )
        } else {
            "nothing was written".to_string()
        };
        Error::io(
            self.out.join(name),
            std::io::Error::new(source.kind(), format!("{source}{why}; {kept}")),
        )
    }

    /// Puts the staging folder in place of the output folder in one step
    /// and removes the old one.
    pub fn commit(mut self) -> Result<(), Error> {
        let io = |e| Error::io(&self.out, e);
        match std::fs::symlink_metadata(&self.out) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::rename(&self.staging, &self.out).map_err(io)?;
                self.committed = true;
                return Ok(());
            }
            Err(e) => return Err(io(e)),
            // Something may have appeared in it while the plan was computed.
            Ok(_) => check_replaceable(&self.out)?,
        }
        if exchange(&self.staging, &self.out) {
            // The old folder now has the staging name.
            self.committed = true;
            let _ = std::fs::remove_dir_all(&self.staging);
            return Ok(());
        }
        // Fallback: the old folder aside, the new one in, the old one gone.
        let (parent, name) = parent_and_name(&self.out)?;
        let aside = parent.join(format!(".{name}.old-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&aside);
        std::fs::rename(&self.out, &aside).map_err(io)?;
        if let Err(e) = std::fs::rename(&self.staging, &self.out) {
            let _ = std::fs::rename(&aside, &self.out);
            return Err(io(e));
        }
        self.committed = true;
        let _ = std::fs::remove_dir_all(&aside);
        Ok(())
    }
}

impl Drop for StagedFolder {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// `out` with a symlink to a folder followed, so that the folder it points
/// to is replaced and the link kept.
fn resolve(out: &Path) -> Result<PathBuf, Error> {
    match std::fs::symlink_metadata(out) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(out).map_err(|e| Error::io(out, e))
        }
        _ => Ok(out.to_path_buf()),
    }
}

/// The folder holding `out`, and `out`'s name; `.`, `..` and `/` have no
/// name to stage beside.
fn parent_and_name(out: &Path) -> Result<(PathBuf, String), Error> {
    let Some(Component::Normal(name)) = out.components().next_back() else {
        return Err(Error::Input(vec![
            Problem::file(
                out.display().to_string(),
                "cannot be an output folder: a plan replaces its folder whole",
            )
            .with_hint("name a folder of its own, e.g. --out plan"),
        ]));
    };
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name.to_string_lossy().into_owned()))
}

/// Whether `name` is a temp file left by [`super::write_pending`]
/// (`.NAME.tmpPID`), and its process id.
pub(crate) fn temp_file_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?;
    let (_, pid) = rest.rsplit_once(".tmp")?;
    pid.parse().ok()
}

/// Whether process `pid` is running (Linux: it has a /proc entry; elsewhere
/// only this process counts as running, so another run's leftovers are
/// removed even while it runs).
pub(crate) fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    cfg!(target_os = "linux") && Path::new("/proc").join(pid.to_string()).exists()
}

/// Removes staging folders of runs that are over, beside `out`; an old
/// folder renamed aside by a run killed before it put the new one in place
/// goes back to `out` when `out` is missing.
fn clear_leftovers(parent: &Path, name: &str, out: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let staging = format!(".{name}.staging-");
    let aside = format!(".{name}.old-");
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let (kind, pid) = if let Some(pid) = file.strip_prefix(&staging) {
            ("staging", pid)
        } else if let Some(pid) = file.strip_prefix(&aside) {
            ("old", pid)
        } else {
            continue;
        };
        if pid.parse().is_ok_and(alive) {
            continue;
        }
        let path = e.path();
        if kind == "old" && std::fs::symlink_metadata(out).is_err() {
            let _ = std::fs::rename(&path, out);
        } else {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// Removes temp files of runs that are over from `dir` (a run killed while
/// writing leaves `.NAME.tmpPID` behind).
pub(crate) fn clear_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if temp_file_pid(&name).is_some_and(|pid| !alive(pid)) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// An error when `out` is a mount point (another file system mounted
/// there): a folder is put in place by renaming, which a mount point
/// refuses (EBUSY) only once the plan is computed.
fn check_not_mount_point(parent: &Path, out: &Path) -> Result<(), Error> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let (Ok(p), Ok(o)) = (std::fs::metadata(parent), std::fs::symlink_metadata(out)) else {
            return Ok(());
        };
        if o.is_dir() && p.dev() != o.dev() {
            return Err(Error::Input(vec![
                Problem::file(
                    out.display().to_string(),
                    "is a mount point (another file system is mounted there): a plan is put in place by renaming its folder, which cannot be done to a mount point",
                )
                .with_hint(format!(
                    "give a folder inside it, e.g. --out {}",
                    out.join("plan").display()
                )),
            ]));
        }
    }
    #[cfg(not(unix))]
    let _ = (parent, out);
    Ok(())
}

/// Whether `name` is a layer converted to another GIS format
/// (`write::export`): `plan.gpkg`, or an output layer's name with a
/// Shapefile's or FlatGeobuf's extensions.
fn exported(name: &str) -> bool {
    if matches!(name, "plan.gpkg" | "shapefile_fields.csv") {
        return true;
    }
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    ["shp", "shx", "dbf", "cpg", "prj", "fgb"].contains(&ext)
        && OUTPUT_NAMES.contains(&format!("{stem}.geojson").as_str())
}

/// An error unless `out` is absent or a folder holding only what linli
/// writes.
fn check_replaceable(out: &Path) -> Result<(), Error> {
    let problem = |what: String| {
        Error::Input(vec![Problem::file(out.display().to_string(), what).with_hint(
            "a plan replaces its output folder whole: choose a new or empty folder with --out, or move those files out of it",
        )])
    };
    let meta = match std::fs::symlink_metadata(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(out, e)),
        Ok(m) => m,
    };
    if !meta.is_dir() {
        return Err(problem("is not a folder".into()));
    }
    let listed = manifest_names(out);
    let mut foreign = Vec::new();
    for e in std::fs::read_dir(out).map_err(|e| Error::io(out, e))? {
        let e = e.map_err(|e| Error::io(out, e))?;
        let name = e.file_name().to_string_lossy().into_owned();
        let is_file = e.file_type().is_ok_and(|t| t.is_file());
        let ours = OUTPUT_NAMES.contains(&name.as_str())
            || exported(&name)
            || listed.contains(&name)
            || temp_file_pid(&name).is_some();
        if !(is_file && ours) {
            foreign.push(name);
        }
    }
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    let more = foreign.len().saturating_sub(3);
    let mut names = foreign
        .iter()
        .take(3)
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    if more > 0 {
        names.push_str(&format!(" and {more} more"));
    }
    Err(problem(format!("holds {names}, which linli did not write")))
}

/// The names listed in `out/manifest.json`, if it is one of linli's.
fn manifest_names(out: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(out.join("manifest.json")) else {
        return Vec::new();
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    v["files"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .filter_map(|f| f["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Swaps two folders' names in one step (Linux `RENAME_EXCHANGE`); false
/// when the system or file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("linli-folder-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn an_old_plan_is_replaced_whole_and_a_failed_one_leaves_it() {
        let b = base("replace");
        let out = b.join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("blocks.geojson"), "old").unwrap();
        std::fs::write(out.join("audit.geojson"), "old").unwrap();
        // A run that fails: dropped before its commit.
        let s = StagedFolder::begin(&out).unwrap();
        std::fs::write(s.dir().join("blocks.geojson"), "new").unwrap();
        drop(s);
        assert_eq!(names(&b), ["out"]);
        assert_eq!(names(&out), ["audit.geojson", "blocks.geojson"]);
        // A run that succeeds: the old audit file goes with its folder.
        let s = StagedFolder::begin(&out).unwrap();
        std::fs::write(s.dir().join("blocks.geojson"), "new").unwrap();
        s.commit().unwrap();
        assert_eq!(names(&b), ["out"]);
        assert_eq!(names(&out), ["blocks.geojson"]);
        assert_eq!(
            std::fs::read_to_string(out.join("blocks.geojson")).unwrap(),
            "new"
        );
        std::fs::remove_dir_all(&b).unwrap();
    }

    #[test]
    fn foreign_files_stop_the_run_before_it_starts() {
        let b = base("foreign");
        let out = b.join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("summary.json"), "{}").unwrap();
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let e = StagedFolder::begin(&out).unwrap_err().to_string();
        assert!(
            e.contains("holds \"notes.txt\", which linli did not write"),
            "{e}"
        );
        assert!(e.contains("choose a new or empty folder"), "{e}");
        assert_eq!(names(&out), ["notes.txt", "summary.json"]);
        assert_eq!(names(&b), ["out"]);
        for bad in [".", "..", "/"] {
            let e = StagedFolder::begin(Path::new(bad)).unwrap_err().to_string();
            assert!(e.contains("cannot be an output folder"), "{bad}: {e}");
        }
        std::fs::remove_dir_all(&b).unwrap();
    }

    #[test]
    fn leftovers_of_dead_runs_are_cleared() {
        let b = base("stale");
        let out = b.join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join(".coverage.geojson.tmp999999999"), "x").unwrap();
        std::fs::write(out.join("summary.json"), "{}").unwrap();
        std::fs::create_dir(b.join(".out.staging-999999999")).unwrap();
        std::fs::write(b.join(".out.staging-999999999/summary.json"), "half").unwrap();
        let s = StagedFolder::begin(&out).unwrap();
        assert_eq!(names(&b).len(), 2, "{:?}", names(&b));
        s.commit().unwrap();
        assert_eq!(names(&b), ["out"]);
        assert!(names(&out).is_empty());
        // Killed between the fallback's two renames: the old folder is back.
        std::fs::rename(&out, b.join(".out.old-999999999")).unwrap();
        let s = StagedFolder::begin(&out).unwrap();
        assert!(out.is_dir());
        drop(s);
        assert_eq!(names(&b), ["out"]);
        std::fs::remove_dir_all(&b).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_folder_is_replaced_through_the_link() {
        let b = base("link");
        std::fs::create_dir(b.join("real")).unwrap();
        std::fs::write(b.join("real/summary.json"), "old").unwrap();
        std::os::unix::fs::symlink(b.join("real"), b.join("link")).unwrap();
        let s = StagedFolder::begin(&b.join("link")).unwrap();
        std::fs::write(s.dir().join("summary.json"), "new").unwrap();
        s.commit().unwrap();
        assert!(
            std::fs::symlink_metadata(b.join("link"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            std::fs::read_to_string(b.join("link/summary.json")).unwrap(),
            "new"
        );
        std::fs::remove_dir_all(&b).unwrap();
    }
}
