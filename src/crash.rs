//! Panics: one line on the console, the details in a report file, exit
//! code 3.
//!
//! A panic is a bug of linli's, never the user's fault: instead of Rust's
//! `thread 'main' panicked at …` and a backtrace, the user reads one line
//! naming where it happened and a file to attach to a bug report. Panics
//! that linli catches on purpose (a decoder that panics on malformed
//! input, a geometry routine on a degenerate case) print nothing: the hook
//! only records, and [`guarded`] reports what reaches it.

use std::backtrace::Backtrace;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::ExitCode;
use std::sync::Mutex;

/// Exit code of an internal error.
const EXIT_INTERNAL: u8 = 3;

/// The last panic seen: where, what, on which thread, and the stack.
struct Panic {
    location: String,
    message: String,
    thread: String,
    backtrace: Backtrace,
}

static LAST: Mutex<Option<Panic>> = Mutex::new(None);

/// Replaces the default panic hook (which prints) by one that records.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = payload_text(info.payload());
        let location = info.location().map_or_else(
            || "an unknown place".into(),
            |l| format!("{}:{}", l.file(), l.line()),
        );
        let thread = std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_string();
        // Frames are captured now and resolved only if a report is written.
        let backtrace = Backtrace::force_capture();
        *LAST.lock().unwrap_or_else(|e| e.into_inner()) = Some(Panic {
            location,
            message,
            thread,
            backtrace,
        });
    }));
}

/// Runs `f`; a panic that reaches here is reported and gives exit code 3.
pub fn guarded(f: impl FnOnce() -> ExitCode) -> ExitCode {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(code) => code,
        Err(payload) => {
            let last = LAST.lock().unwrap_or_else(|e| e.into_inner()).take();
            let p = last.unwrap_or_else(|| Panic {
                location: "an unknown place".into(),
                message: payload_text(payload.as_ref()),
                thread: "main".into(),
                backtrace: Backtrace::disabled(),
            });
            let line = first_line(&p.message);
            match write_report(&p) {
                Some(file) => eprintln!(
                    "linli: internal error in {} ({line}); please report it with this file: {}",
                    p.location,
                    file.display()
                ),
                None => eprintln!(
                    "linli: internal error in {} ({line}); please report it with this message and the command line",
                    p.location
                ),
            }
            ExitCode::from(EXIT_INTERNAL)
        }
    }
}

/// A panic's message (its payload when it is text).
fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

/// The first line of `s`, at most 200 characters.
fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or("");
    match line.char_indices().nth(200) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_string(),
    }
}

/// Writes the report into the temp folder; its path, or `None` if it
/// could not be written.
fn write_report(p: &Panic) -> Option<std::path::PathBuf> {
    let path = std::env::temp_dir().join(format!("linli-crash-{}.txt", std::process::id()));
    let args: Vec<String> = std::env::args().collect();
    let text = format!(
        "linli {} internal error\ncommand: {}\nthread: {}\nat: {}\nmessage: {}\n\nbacktrace:\n{}\n",
        env!("CARGO_PKG_VERSION"),
        args.join(" "),
        p.thread,
        p.location,
        p.message,
        p.backtrace
    );
    std::fs::write(&path, text).ok().map(|()| path)
}
