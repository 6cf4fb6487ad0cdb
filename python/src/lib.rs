//! `linli._native`: the Python package's bindings to the linli library.
//!
//! Every computation is linli's own: these functions only turn Python
//! values into the library's inputs (layers over the Arrow C stream
//! interface, `scenario.toml` settings as TOML text), call the function
//! the command line calls, and hand back the folder it wrote, whose layers
//! `read_layer` turns into Arrow for GeoPandas. The Python side (`linli/`)
//! wraps them in the public API.

mod arrow_in;
mod arrow_out;
mod cluster;
mod commands;
mod errors;
mod run;
mod scenario;

use pyo3::prelude::*;

// The allocator the linli binary uses (src/main.rs), so that a plan run
// from Python costs what the command line's does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    m.add_class::<arrow_out::ArrowLayer>()?;
    m.add_function(wrap_pyfunction!(arrow_out::read_layer, m)?)?;
    m.add_function(wrap_pyfunction!(commands::plan, m)?)?;
    m.add_function(wrap_pyfunction!(commands::audit, m)?)?;
    m.add_function(wrap_pyfunction!(commands::redraw, m)?)?;
    m.add_function(wrap_pyfunction!(commands::coverage, m)?)?;
    m.add_function(wrap_pyfunction!(commands::import_osm, m)?)?;
    m.add_function(wrap_pyfunction!(commands::copy_folder, m)?)?;
    m.add_function(wrap_pyfunction!(commands::settings_toml, m)?)?;
    m.add_function(wrap_pyfunction!(cluster::split, m)?)?;
    m.add_function(wrap_pyfunction!(cluster::plan_folder, m)?)?;
    m.add_function(wrap_pyfunction!(cluster::merge, m)?)?;
    m.add_function(wrap_pyfunction!(cluster::synth, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
