//! What a long stage says about itself as it runs: its name, how many
//! steps it has and how many are done. The library only counts; the
//! command line draws the bar (or nothing: `--quiet`, not a terminal).

/// Hears the stages of a run and their steps. Stages run on many threads
/// at once (a community per core), so steps may arrive from any of them.
///
/// ```
/// use linli::model::progress::Progress;
/// use std::sync::atomic::{AtomicU64, Ordering};
/// struct Count(AtomicU64);
/// impl Progress for Count {
///     fn begin(&self, _stage: &str, _total: u64, _unit: &'static str) {}
///     fn advance(&self, n: u64) {
///         self.0.fetch_add(n, Ordering::Relaxed);
///     }
/// }
/// let c = Count(AtomicU64::new(0));
/// c.begin("partitioning neighborhoods", 2, "communities");
/// c.advance(1);
/// c.advance(1);
/// assert_eq!(c.0.load(Ordering::Relaxed), 2);
/// ```
pub trait Progress: Sync {
    /// Stage `stage` begins, with `total` steps counted in `unit` (a total of
    /// 0: the steps are not counted, only the time).
    fn begin(&self, stage: &str, total: u64, unit: &'static str);
    /// `n` more steps of the current stage are done.
    fn advance(&self, n: u64);
}

/// Hears nothing: for library callers that show no progress.
///
/// ```
/// use linli::model::progress::{Progress, Silent};
/// Silent.begin("reading the scenario", 10, "bytes");
/// Silent.advance(10);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn begin(&self, _stage: &str, _total: u64, _unit: &'static str) {}
    fn advance(&self, _n: u64) {}
}
