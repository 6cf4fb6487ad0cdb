//! manifest.json: every file of a plan folder with its size and sha256, and
//! what made them (linli's version, the inputs' digest and the options).
//!
//! With it a folder can be checked against itself (`sha256sum`), and two
//! folders compared without opening them: the same input digest and
//! version give the same files.

use crate::error::Error;
use crate::read::ScenarioFiles;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// One file: name, size, sha256 (hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileRecord {
    /// The file's name in its folder.
    pub name: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its sha256, lowercase hex.
    pub sha256: String,
}

/// What a plan was made from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inputs {
    /// sha256 over the scenario's files (name, size and sha256 of each, by
    /// name) and the options, one `key=value` line each.
    pub digest: String,
    /// The scenario's files.
    pub files: Vec<FileRecord>,
    /// The options that change the outputs (seed, CRS, datums), by name.
    pub options: BTreeMap<String, String>,
}

/// The manifest of a plan folder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Manifest {
    /// `linli <version>`.
    pub generator: String,
    /// What was read.
    pub inputs: Inputs,
    /// Every other file of the folder, by name.
    pub files: Vec<FileRecord>,
}

/// The sha256 of `bytes` in lowercase hex.
///
/// ```
/// assert_eq!(
///     linli::write::manifest::sha256_hex(b"abc"),
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// ```
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The record of a scenario's files and options, with their digest.
///
/// ```
/// let files = linli::demo::files();
/// let a = linli::write::manifest::inputs(&files, &[("seed".into(), "1".into())]);
/// let b = linli::write::manifest::inputs(&files, &[("seed".into(), "2".into())]);
/// assert_ne!(a.digest, b.digest);
/// assert!(a.files.iter().any(|f| f.name == "buildings.geojson"));
/// ```
pub fn inputs(files: &ScenarioFiles, options: &[(String, String)]) -> Inputs {
    use rayon::prelude::*;
    let records: Vec<FileRecord> = files
        .files
        .par_iter()
        .map(|(name, text)| FileRecord {
            name: name.clone(),
            bytes: text.file_text().len() as u64,
            sha256: sha256_hex(text.file_text().as_bytes()),
        })
        .collect();
    let mut h = Sha256::new();
    for f in &records {
        h.update(format!("{}\t{}\t{}\n", f.name, f.bytes, f.sha256));
    }
    let options: BTreeMap<String, String> = options.iter().cloned().collect();
    for (k, v) in &options {
        h.update(format!("{k}={v}\n"));
    }
    let digest = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Inputs {
        digest,
        files: records,
        options,
    }
}

/// Every regular file of `dir` but manifest.json, by name, hashed in
/// parallel.
pub fn folder_files(dir: &Path) -> Result<Vec<FileRecord>, Error> {
    use rayon::prelude::*;
    let mut names = Vec::new();
    for e in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let e = e.map_err(|e| Error::io(dir, e))?;
        let name = e.file_name().to_string_lossy().into_owned();
        if name != "manifest.json" && e.file_type().is_ok_and(|t| t.is_file()) {
            names.push(name);
        }
    }
    names.sort();
    names
        .into_par_iter()
        .map(|name| {
            let path = dir.join(&name);
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            Ok(FileRecord {
                name,
                bytes: bytes.len() as u64,
                sha256: sha256_hex(&bytes),
            })
        })
        .collect()
}

/// Writes `dir/manifest.json` for the files now in `dir`.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("linli-doc-manifest-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("a.txt"), "abc").unwrap();
/// let inputs = linli::write::manifest::inputs(&linli::demo::files(), &[]);
/// let m = linli::write::manifest::write_manifest(&dir, inputs).unwrap();
/// assert_eq!(m.files[0].bytes, 3);
/// assert!(std::fs::read_to_string(dir.join("manifest.json")).unwrap().contains("ba7816bf"));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn write_manifest(dir: &Path, inputs: Inputs) -> Result<Manifest, Error> {
    let m = Manifest {
        generator: format!("linli {}", env!("CARGO_PKG_VERSION")),
        inputs,
        files: folder_files(dir)?,
    };
    super::write_json(&dir.join("manifest.json"), &m)?;
    Ok(m)
}
