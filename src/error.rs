//! Typed errors: every message names the file, the feature and what is wrong.

use std::fmt;
use std::path::PathBuf;

/// One thing wrong with the input, located as precisely as we can.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The file (or layer name for embedded scenarios) the problem is in.
    pub file: String,
    /// Zero-based index of the feature in its FeatureCollection, if any.
    pub feature: Option<usize>,
    /// The feature's `id`, if it has one.
    pub id: Option<String>,
    /// What is wrong, in one sentence.
    pub what: String,
    /// How to fix it, where we can tell.
    pub hint: Option<String>,
}

impl Problem {
    /// A problem with a whole file.
    pub fn file(file: impl Into<String>, what: impl Into<String>) -> Self {
        Problem {
            file: file.into(),
            feature: None,
            id: None,
            what: what.into(),
            hint: None,
        }
    }

    /// A problem with one feature of a file.
    pub fn feature(
        file: impl Into<String>,
        index: usize,
        id: Option<String>,
        what: impl Into<String>,
    ) -> Self {
        Problem {
            file: file.into(),
            feature: Some(index),
            id,
            what: what.into(),
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(i) = self.feature {
            write!(f, ": feature {i}")?;
            if let Some(id) = &self.id {
                write!(f, " (id {id:?})")?;
            }
        }
        write!(f, ": {}", self.what)?;
        if let Some(h) = &self.hint {
            write!(f, "\n    hint: {h}")?;
        }
        Ok(())
    }
}

/// Everything that can stop linli.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario has problems; all of them found in one pass are listed.
    #[error("{}", list_problems(.0))]
    Input(Vec<Problem>),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The coordinate system could not be set up.
    #[error(transparent)]
    Projection(#[from] crate::project::ProjectionError),
}

fn list_problems(problems: &[Problem]) -> String {
    const SHOWN: usize = 25;
    let mut s = format!(
        "the scenario has {} problem{}:",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for p in problems.iter().take(SHOWN) {
        s.push_str("\n  ");
        s.push_str(&p.to_string());
    }
    if problems.len() > SHOWN {
        s.push_str(&format!("\n  … and {} more", problems.len() - SHOWN));
    }
    s
}

impl Error {
    /// An I/O error on a path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// linli's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An area in m² as messages show it: whole square metres from 10 up, one
/// decimal from 0.1, else two significant digits (never "0.0").
///
/// ```
/// use linli::error::show_area;
/// assert_eq!(show_area(1234.4), "1234");
/// assert_eq!(show_area(2.345), "2.3");
/// assert_eq!(show_area(0.000412), "0.00041");
/// ```
pub fn show_area(m2: f64) -> String {
    if m2 >= 10.0 || m2 <= 0.0 || !m2.is_finite() {
        format!("{m2:.0}")
    } else if m2 >= 0.1 {
        format!("{m2:.1}")
    } else {
        let digits = (-m2.log10().floor()) as usize + 1;
        format!("{m2:.digits$}")
    }
}

/// A number as messages show it: whole numbers in full up to 10¹⁵, others
/// in their shortest form, and very large or small ones in scientific
/// notation (1e300, not three hundred digits).
///
/// ```
/// use linli::error::show;
/// assert_eq!(show(1e300), "1e300");
/// assert_eq!(show(-2.5e-9), "-2.5e-9");
/// assert_eq!(show(4549.0), "4549");
/// assert_eq!(show(0.3333), "0.3333");
/// assert_eq!(show(f64::NAN), "NaN");
/// ```
pub fn show(v: f64) -> String {
    let a = v.abs();
    if !v.is_finite() || a == 0.0 || (1e-4..1e15).contains(&a) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}
