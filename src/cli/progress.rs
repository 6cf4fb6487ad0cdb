//! The library's stages drawn on stderr (indicatif): a bar with counts and
//! the time left where a stage counts its steps, a spinner with the time
//! spent where it does not; nothing with `--quiet` or when stderr is not a
//! terminal. Each stage's wall and CPU seconds are kept for `--timings`.

use indicatif::{ProgressBar, ProgressStyle};
use linli::model::progress::Progress;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A stage as it was run: its name, when it began and the CPU seconds the
/// process had used by then.
pub(super) struct Stage {
    pub(super) name: String,
    pub(super) at: Instant,
    pub(super) cpu: Option<f64>,
}

/// Draws the stages of one run and remembers them.
pub(super) struct Bars {
    draw: bool,
    state: Mutex<State>,
}

struct State {
    bar: Option<ProgressBar>,
    stages: Vec<Stage>,
}

impl Bars {
    /// Bars on stderr unless `quiet` or stderr is not a terminal.
    pub(super) fn new(quiet: bool) -> Self {
        use std::io::IsTerminal;
        Bars {
            draw: !quiet && std::io::stderr().is_terminal(),
            state: Mutex::new(State {
                bar: None,
                stages: Vec::new(),
            }),
        }
    }

    /// Clears the last bar and hands back the stages run.
    pub(super) fn finish(self) -> Vec<Stage> {
        let state = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        if let Some(b) = state.bar {
            b.finish_and_clear();
        }
        state.stages
    }
}

/// The bar of a stage of `total` steps in `unit` (a spinner when 0).
fn bar(stage: &str, total: u64, unit: &'static str) -> ProgressBar {
    let b = if total == 0 {
        let b = ProgressBar::new_spinner();
        b.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        b
    } else {
        let b = ProgressBar::new(total);
        let counts = if unit == "bytes" {
            "{binary_bytes}/{binary_total_bytes}"
        } else {
            "{human_pos}/{human_len} {prefix}"
        };
        let template = format!("{{msg}} [{{bar:30}}] {counts} ({{eta}} left)");
        b.set_style(
            ProgressStyle::with_template(&template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        b.set_prefix(unit);
        b
    };
    b.set_message(stage.to_string());
    b.enable_steady_tick(Duration::from_millis(200));
    b
}

impl Progress for Bars {
    fn begin(&self, stage: &str, total: u64, unit: &'static str) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.stages.push(Stage {
            name: stage.to_string(),
            at: Instant::now(),
            cpu: super::plan::cpu_seconds(),
        });
        if let Some(b) = state.bar.take() {
            b.finish_and_clear();
        }
        if self.draw {
            state.bar = Some(bar(stage, total, unit));
        }
    }

    fn advance(&self, n: u64) {
        // The bar counts atomically; the lock only guards which bar it is.
        if let Some(b) = &self.state.lock().unwrap_or_else(|e| e.into_inner()).bar {
            b.inc(n);
        }
    }
}
