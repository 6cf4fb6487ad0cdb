//! The embedded demo scenario (data/demo).
use crate::read::ScenarioFiles;
/// The demo's files.
pub fn files() -> ScenarioFiles {
    ScenarioFiles::from_memory("data/demo", &[])
}
