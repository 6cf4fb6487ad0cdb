//! Write outputs: RFC 7946 GeoJSON, CSV and JSON, atomically.
//!
//! Every file is written to a temporary name in the same folder and renamed
//! into place, so a reader never sees half a file and a failed run leaves the
//! previous output intact; a plan's folder is replaced whole
//! ([`folder::StagedFolder`]), with a [`manifest`].

pub mod audit;
pub mod blocks;
pub mod diff;
pub mod export;
pub mod fgb;
pub mod folder;
pub mod geojson;
pub mod gpkg;
pub mod manifest;
pub mod neighborhoods;
pub mod report;
pub mod roster;
pub mod shp;
pub mod staffing;
pub mod table;

use crate::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically (temp file in the same folder + rename).
///
/// ```
/// let dir = std::env::temp_dir().join(format!("linli-doc-{}", std::process::id()));
/// linli::write::write_atomic(&dir.join("a.txt"), b"hello").unwrap();
/// assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), b"hello");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    // No fsync: the rename already makes the file appear whole or not at
    // all, which is the guarantee; forcing it to disk first (against a power
    // cut) took longer than computing a city's coverage.
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Writes `path` atomically by streaming: `fill` writes the contents into a
/// temp file in the same folder, which is renamed into place once `fill`
/// succeeds (and removed otherwise). For the large layers, whose text need
/// never be held whole.
///
/// ```
/// use std::io::Write;
/// let dir = std::env::temp_dir().join(format!("linli-doc-w-{}", std::process::id()));
/// linli::write::write_atomic_with(&dir.join("a.txt"), |w| w.write_all(b"hi")).unwrap();
/// assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), b"hi");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    write_pending(path, fill)?.commit().map(|_| ())
}

/// A file written under a temp name beside its place, put there by
/// [`PendingFile::commit`]; dropped uncommitted, the temp file is removed.
/// Lets a large file be written while other work may still fail.
///
/// ```
/// use std::io::Write;
/// let dir = std::env::temp_dir().join(format!("linli-doc-p-{}", std::process::id()));
/// let p = linli::write::write_pending(&dir.join("a.txt"), |w| w.write_all(b"hi")).unwrap();
/// assert!(!dir.join("a.txt").exists());
/// drop(p); // not committed: nothing is left behind
/// assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
/// let p = linli::write::write_pending(&dir.join("a.txt"), |w| w.write_all(b"hi")).unwrap();
/// p.commit().unwrap();
/// assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), b"hi");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug)]
pub struct PendingFile {
    tmp: PathBuf,
    path: PathBuf,
    committed: bool,
}

impl PendingFile {
    /// Renames the file into place; returns its path.
    pub fn commit(mut self) -> Result<PathBuf, Error> {
        if swap_names(&self.tmp, &self.path) {
            // The previous file now has the temp name.
            self.committed = true;
            let _ = std::fs::remove_file(&self.tmp);
        } else {
            std::fs::rename(&self.tmp, &self.path).map_err(|e| Error::io(&self.path, e))?;
            self.committed = true;
        }
        Ok(self.path.clone())
    }
}

/// Swaps two existing files' names in one step (Linux `RENAME_EXCHANGE`);
/// false when either is missing or the file system cannot.
///
/// Why not a plain rename: ext4 writes a file renamed over another out to
/// disk before the rename returns (`auto_da_alloc`), 20 ms for 89 MB here.
/// A swap is as atomic for readers and leaves the writeback to the kernel.
#[cfg(target_os = "linux")]
fn swap_names(a: &Path, b: &Path) -> bool {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    // Only over a plain file: a directory or a symlink in the way is left to
    // rename, which refuses or replaces it as before.
    let plain = std::fs::symlink_metadata(b).is_ok_and(|m| m.file_type().is_file());
    plain && renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
}

#[cfg(not(target_os = "linux"))]
fn swap_names(_: &Path, _: &Path) -> bool {
    false
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writes `path`'s contents with `fill` under a temp name beside it; see
/// [`PendingFile`].
pub fn write_pending(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<PendingFile, Error> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    clear_temp_files_once(dir);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let pending = PendingFile {
        tmp: dir.join(format!(".{name}.tmp{}", std::process::id())),
        path: path.to_path_buf(),
        committed: false,
    };
    // On failure `pending` is dropped, which removes the temp file.
    let mut f = std::fs::File::create(&pending.tmp).map_err(|e| Error::io(path, e))?;
    fill(&mut f).map_err(|e| Error::io(path, e))?;
    Ok(pending)
}

/// Removes the temp files runs killed while writing left in `dir`, the
/// first time this process writes there.
fn clear_temp_files_once(dir: &Path) {
    static CLEARED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    let mut cleared = CLEARED.lock().unwrap_or_else(|e| e.into_inner());
    if !cleared.iter().any(|d| d == dir) {
        cleared.push(dir.to_path_buf());
        folder::clear_temp_files(dir);
    }
}

/// Writes a value as pretty JSON, atomically.
pub fn write_json(path: &Path, value: &impl serde::Serialize) -> Result<(), Error> {
    let mut s = serde_json::to_string_pretty(value)
        .map_err(|e| Error::io(path, std::io::Error::other(e)))?;
    s.push('\n');
    write_atomic(path, s.as_bytes())
}
pub mod coverage;
