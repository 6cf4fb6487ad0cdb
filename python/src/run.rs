//! A linli run off the Python thread: computed on a thread of its own
//! while the caller waits without the GIL, printing the stages as they
//! begin and answering Ctrl-C at once.
//!
//! On KeyboardInterrupt the caller returns at once; the run is told to
//! stop and does so at its next stage or step (a [`Progress`] call), which
//! unwinds it without a word: its staged output folder is removed, never
//! put in place half-written (linli's `StagedFolder`).

use linli::error::Error;
use linli::model::progress::Progress;
use pyo3::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

/// What the run's thread tells the waiting one.
enum Message<T> {
    /// A stage began.
    Stage(String),
    /// The run ended (`None`: it panicked).
    Done(Option<Result<T, Error>>),
}

/// The payload a stopped run unwinds with (no panic message is printed:
/// it is raised with `resume_unwind`, which skips the panic hook).
struct Stopped;

/// The run's [`Progress`]: stage names go to the waiting thread; once the
/// caller is interrupted, the next call stops the run.
struct Forward<T> {
    tx: Sender<Message<T>>,
    stop: Arc<AtomicBool>,
}

impl<T: Send> Forward<T> {
    fn check(&self) {
        if self.stop.load(Ordering::Relaxed) {
            std::panic::resume_unwind(Box::new(Stopped));
        }
    }
}

impl<T: Send> Progress for Forward<T> {
    fn begin(&self, stage: &str, _total: u64, _unit: &'static str) {
        self.check();
        let _ = self.tx.send(Message::Stage(stage.to_string()));
    }

    fn advance(&self, _n: u64) {
        self.check();
    }
}

/// Runs `work` on a thread of its own and waits for it with the GIL
/// released, checking for signals every 100 ms; with `show`, each stage
/// is written to `sys.stderr` as `linli: <stage>`.
pub fn in_background<T, F>(py: Python<'_>, show: bool, work: F) -> PyResult<T>
where
    T: Send + 'static,
    F: FnOnce(&dyn Progress) -> Result<T, Error> + Send + 'static,
{
    let (tx, rx) = channel::<Message<T>>();
    let stop = Arc::new(AtomicBool::new(false));
    let forward = Forward {
        tx: tx.clone(),
        stop: stop.clone(),
    };
    std::thread::Builder::new()
        .name("linli".into())
        .spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&forward)));
            let _ = tx.send(Message::Done(result.ok()));
        })
        .map_err(|e| crate::errors::LinliError::new_err(format!("cannot start a thread: {e}")))?;
    let result = wait_for(py, show, rx);
    // However the wait ended (a result, Ctrl-C, an error printing a stage),
    // a run still going stops at its next step.
    stop.store(true, Ordering::Relaxed);
    result
}

/// Waits for the run's result, printing its stages and checking for
/// signals between waits.
fn wait_for<T: Send>(py: Python<'_>, show: bool, rx: Receiver<Message<T>>) -> PyResult<T> {
    let mut last = String::new();
    let mut rx = rx;
    loop {
        // The receiver goes along (it may not be shared with another thread).
        let (got, back) = py.detach(move || (wait(&rx), rx));
        rx = back;
        match got {
            Ok(Message::Stage(s)) => {
                if show && s != last {
                    say(py, &s)?;
                }
                last = s;
            }
            Ok(Message::Done(Some(r))) => return r.map_err(|e| crate::errors::to_py(py, e)),
            Ok(Message::Done(None)) => {
                return Err(crate::errors::LinliError::new_err(
                    "linli stopped on an internal error (a panic, reported above): please report it with the scenario",
                ));
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                return Err(crate::errors::LinliError::new_err(
                    "linli's thread ended without a result",
                ));
            }
        }
        py.check_signals()?;
    }
}

/// The next message, or a timeout after 100 ms.
fn wait<T>(rx: &Receiver<Message<T>>) -> Result<Message<T>, RecvTimeoutError> {
    rx.recv_timeout(Duration::from_millis(100))
}

/// Writes `linli: <stage>` to `sys.stderr`.
fn say(py: Python<'_>, stage: &str) -> PyResult<()> {
    let stderr = py.import("sys")?.getattr("stderr")?;
    if !stderr.is_none() {
        stderr.call_method1("write", (format!("linli: {stage}\n"),))?;
        let _ = stderr.call_method0("flush");
    }
    Ok(())
}
