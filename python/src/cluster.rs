//! Split, plan one folder, merge: what a cluster run (`linli.dask`) calls,
//! each the library function the command line calls
//! (`linli split`, `linli plan`, `linli merge`).

use linli::read::{ReadOptions, ScenarioFiles};
use linli::split::{SplitOptions, split as split_scenario};
use pyo3::prelude::*;
use std::path::PathBuf;

/// Splits the scenario folder `scenario` into part folders under `out`;
/// returns them in order.
#[pyfunction]
#[pyo3(signature = (scenario, out, by="street", parts=None, halo_m=None))]
pub fn split(
    py: Python<'_>,
    scenario: PathBuf,
    out: PathBuf,
    by: &str,
    parts: Option<usize>,
    halo_m: Option<f64>,
) -> PyResult<Vec<String>> {
    let by = by
        .parse()
        .map_err(pyo3::exceptions::PyValueError::new_err)?;
    let how = SplitOptions { by, parts, halo_m };
    py.detach(|| {
        let files = ScenarioFiles::from_dir(&scenario)?;
        let s = split_scenario(&files, &ReadOptions::default(), &how)?;
        s.write(&out)?;
        linli::split::part_dirs(&out)
    })
    .map(|dirs| dirs.iter().map(|d| d.display().to_string()).collect())
    .map_err(|e| crate::errors::to_py(py, e))
}

/// Plans the scenario folder `scenario` into `out` (`linli plan`).
#[pyfunction]
#[pyo3(signature = (scenario, out, seed=1))]
pub fn plan_folder(py: Python<'_>, scenario: PathBuf, out: PathBuf, seed: u64) -> PyResult<String> {
    py.detach(|| {
        let files = ScenarioFiles::from_dir(&scenario)?;
        linli::plan::run_plan(&files, &ReadOptions::default(), seed, &out)
    })
    .map(|_| out.display().to_string())
    .map_err(|e| crate::errors::to_py(py, e))
}

/// Merges the parts' plan folders `plans` into `out` (`linli merge`).
#[pyfunction]
pub fn merge(py: Python<'_>, plans: Vec<PathBuf>, out: PathBuf) -> PyResult<String> {
    py.detach(|| {
        let merged = linli::merge::merge(&plans)?;
        merged.write(&out)
    })
    .map(|_| out.display().to_string())
    .map_err(|e| crate::errors::to_py(py, e))
}

/// Writes a generated district of `households` into the scenario folder
/// `out` (`linli synth`).
#[pyfunction]
#[pyo3(signature = (households, out, seed=1, communities=None, streets=None))]
pub fn synth(
    py: Python<'_>,
    households: u64,
    out: PathBuf,
    seed: u64,
    communities: Option<usize>,
    streets: Option<usize>,
) -> PyResult<String> {
    let p = linli::synth::SynthParams {
        households,
        seed,
        communities,
        streets,
    };
    py.detach(|| linli::synth::generate(&p)?.write(&out))
        .map(|_| out.display().to_string())
        .map_err(|e| crate::errors::to_py(py, e))
}
