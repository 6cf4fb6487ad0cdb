//! linli's errors as Python exceptions: `LinliError` and one subclass per
//! kind of [`linli::error::Error`].

use linli::error::Error;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

pyo3::create_exception!(
    linli,
    LinliError,
    PyException,
    "Base class of every error linli raises."
);
pyo3::create_exception!(
    linli,
    InputError,
    LinliError,
    "The scenario has problems: the message lists each (file, feature, id, what, hint); `.problems` holds them as strings and `.details` as dicts."
);
pyo3::create_exception!(
    linli,
    LinliIOError,
    LinliError,
    "A file could not be read or written (`.path` names it)."
);
pyo3::create_exception!(
    linli,
    ProjectionError,
    LinliError,
    "The coordinate system could not be set up (an unknown or unsupported CRS)."
);

/// Adds the exception classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("LinliError", py.get_type::<LinliError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("LinliIOError", py.get_type::<LinliIOError>())?;
    m.add("ProjectionError", py.get_type::<ProjectionError>())?;
    Ok(())
}

/// A linli error as the Python exception of its kind, with its message
/// (linli's own text) and, for input problems, each problem attached.
pub fn to_py(py: Python<'_>, e: Error) -> PyErr {
    let message = e.to_string();
    match e {
        Error::Input(problems) => {
            let err = InputError::new_err(message);
            let _ = attach_problems(py, &err, &problems);
            err
        }
        Error::Io { path, .. } => {
            let err = LinliIOError::new_err(message);
            let _ = err.value(py).setattr("path", path.display().to_string());
            err
        }
        Error::Projection(_) => ProjectionError::new_err(message),
    }
}

/// `.problems` (each as linli shows it) and `.details` (each as a dict:
/// file, feature, id, what, hint) on an InputError.
fn attach_problems(
    py: Python<'_>,
    err: &PyErr,
    problems: &[linli::error::Problem],
) -> PyResult<()> {
    let shown = PyList::new(py, problems.iter().map(|p| p.to_string()))?;
    let details = PyList::empty(py);
    for p in problems {
        let d = PyDict::new(py);
        d.set_item("file", &p.file)?;
        d.set_item("feature", p.feature)?;
        d.set_item("id", &p.id)?;
        d.set_item("what", &p.what)?;
        d.set_item("hint", &p.hint)?;
        details.append(d)?;
    }
    err.value(py).setattr("problems", shown)?;
    err.value(py).setattr("details", details)?;
    Ok(())
}

/// An input problem made here (before linli runs), as linli would show it.
pub fn input_problem(file: &str, feature: Option<(usize, Option<String>)>, what: String) -> Error {
    let p = match feature {
        Some((i, id)) => linli::error::Problem::feature(file, i, id, what),
        None => linli::error::Problem::file(file, what),
    };
    Error::Input(vec![p])
}
