//! A scenario as Python gives it → linli's [`ScenarioFiles`]: a folder
//! (read as `linli plan` reads it), layers handed in over Arrow (each
//! replacing the folder's file of that name), tables as text (staff.csv,
//! overrides.csv, standards.toml) and `scenario.toml` settings, merged key
//! by key over the folder's.

use crate::arrow_in::{self, OpenLayer};
use linli::error::{Error, Problem};
use linli::read::ScenarioFiles;
use linli::read::foreign::ForeignLayer;
use linli::read::text::Text;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use std::path::PathBuf;

/// The label of a scenario given in memory, as messages name its layers
/// (`<python>/buildings.geojson: feature 3 …`).
pub const MEMORY_LABEL: &str = "<python>";

/// A layer as the Python side hands it: GeoJSON name (`buildings.geojson`),
/// the object with `__arrow_c_stream__`, its CRS (when known) and whether
/// the CRS is to be taken from the GeoArrow metadata instead, and the
/// columns holding JSON text (mixed values) to be read back as JSON.
pub type LayerArg<'py> = (String, Bound<'py, PyAny>, Option<String>, bool, Vec<String>);

/// A scenario to read once off the Python thread.
pub struct Pending {
    folder: Option<PathBuf>,
    layers: Vec<OpenLayer>,
    texts: Vec<(String, String)>,
    settings: Option<String>,
}

impl Pending {
    /// Opens every layer's stream (with the GIL: it calls into Python).
    pub fn open(
        folder: Option<PathBuf>,
        layers: Vec<LayerArg<'_>>,
        texts: Vec<(String, String)>,
        settings: Option<String>,
    ) -> PyResult<Self> {
        let label = folder
            .as_ref()
            .map_or(MEMORY_LABEL.to_string(), |d| d.display().to_string());
        let mut open = Vec::new();
        for (name, obj, crs, from_metadata, json) in &layers {
            if !linli::read::LAYER_FILES.contains(&name.as_str()) || !name.ends_with(".geojson") {
                return Err(PyValueError::new_err(format!(
                    "{name:?} is no layer linli reads; the layers are {}",
                    layer_names()
                )));
            }
            let shown = format!("{}/{name}", label.trim_end_matches('/'));
            let crs = (crs.as_deref(), *from_metadata);
            open.push(arrow_in::open(obj, name, &shown, crs, json.clone())?);
        }
        if folder.is_none() && layers.is_empty() {
            return Err(PyValueError::new_err(format!(
                "the scenario has no layers: give a folder or a dict of layers ({})",
                layer_names()
            )));
        }
        Ok(Pending {
            folder,
            layers: open,
            texts,
            settings,
        })
    }

    /// The scenario's files: the folder read, the layers' rows converted,
    /// the texts and settings laid over them.
    pub fn read(self) -> Result<ScenarioFiles, Error> {
        let mut files = match &self.folder {
            Some(d) => ScenarioFiles::from_dir(d)?,
            None => ScenarioFiles::from_memory(MEMORY_LABEL, &[]),
        };
        for (name, text) in self.texts {
            files.files.insert(name, Text::from(text));
        }
        if let Some(json) = &self.settings {
            let old = files.files.get("scenario.toml").map(|t| t.to_string());
            let merged = merged_settings(old.as_deref(), json, &files.label)?;
            files
                .files
                .insert("scenario.toml".into(), Text::from(merged));
        }
        for layer in self.layers {
            let (name, layer): (String, ForeignLayer) = layer.read()?;
            files.give(&name, layer);
        }
        Ok(files)
    }
}

/// The layer names a dict of layers may use.
fn layer_names() -> String {
    linli::read::LAYER_FILES
        .iter()
        .filter_map(|n| n.strip_suffix(".geojson"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `settings` (a JSON object) as TOML, laid over the TOML text `old`
/// table by table (a key given replaces the old one; a table given is
/// merged into the old table of that name).
pub fn merged_settings(old: Option<&str>, settings: &str, label: &str) -> Result<String, Error> {
    let problem = |what: String| {
        Error::Input(vec![Problem::file(
            format!("{}/scenario.toml", label.trim_end_matches('/')),
            what,
        )])
    };
    let json: serde_json::Value =
        serde_json::from_str(settings).map_err(|e| problem(format!("settings: {e}")))?;
    let new: toml::Table = toml::Table::try_from(json)
        .map_err(|e| problem(format!("the settings given cannot be TOML: {e}")))?;
    let mut table = match old {
        Some(t) => t
            .parse::<toml::Table>()
            .map_err(|e| problem(format!("cannot merge the settings given into it: {e}")))?,
        None => toml::Table::new(),
    };
    merge(&mut table, new);
    toml::to_string(&table)
        .map_err(|e| problem(format!("the settings cannot be written as TOML: {e}")))
}

/// `new` laid over `old`, tables merged key by key.
fn merge(old: &mut toml::Table, new: toml::Table) {
    for (k, v) in new {
        match (old.get_mut(&k), v) {
            (Some(toml::Value::Table(o)), toml::Value::Table(n)) => merge(o, n),
            (_, v) => {
                old.insert(k, v);
            }
        }
    }
}
