//! `linli serve`: checks the address and token, plans (or resumes) the
//! scenario, and runs the editor's server until Ctrl-C.

use super::Common;
use super::args::Command;
use linli::error::{Error, Problem};
use linli::read::{ReadOptions, ScenarioFiles};

pub(super) fn command(command: Command, c: &Common) -> Result<(), Error> {
    let Command::Serve {
        scenario,
        plan,
        bind,
        token,
        replan,
        crs,
        seed,
    } = command
    else {
        unreachable!("dispatched on Command::Serve")
    };
    let files = ScenarioFiles::from_dir_capped(&scenario, c.max_bytes)?;
    let opts = ReadOptions {
        crs,
        ..c.base.clone()
    };
    // Off loopback anyone on the network could edit: a token is required.
    let token = match token {
        Some(t) if t.is_empty() => return Err(usage("--token is empty")),
        Some(t) => Some(t),
        None if !bind.ip().is_loopback() => Some(generated_token(&bind)),
        None => None,
    };
    let replay = resumed(&plan)?;
    if !c.quiet {
        eprintln!("linli serve: reading {} …", scenario.display());
    }
    // The grid a district already has is what its planners edit first.
    let start = if replan {
        linli::edit::Start::Plan
    } else {
        linli::edit::Start::Grid
    };
    let editor = linli::edit::open(&files, &opts, seed, start)?;
    let session =
        linli::serve::Session::new(editor, files, opts, plan.clone(), replay).map_err(|why| {
            Error::Input(vec![Problem::file(
                plan.join("edits.jsonl").display().to_string(),
                why,
            )])
        })?;
    let router = linli::serve::router(session, token.clone());
    let query = token.map(|t| format!("?token={t}")).unwrap_or_default();
    linli::serve::run(router, bind, |addr| {
        println!("linli serve: http://{addr}/{query}  (Ctrl-C to stop)");
    })
    .map_err(|e| Error::io(bind.to_string(), e))
}

fn usage(what: &str) -> Error {
    Error::Input(vec![Problem::file("the command line", what)])
}

/// The edits a saved plan folder holds (none when it has no log).
fn resumed(plan: &std::path::Path) -> Result<Vec<linli::edit::log::Entry>, Error> {
    let path = plan.join("edits.jsonl");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(&path, e)),
    };
    linli::edit::log::parse(&text).map_err(|why| {
        Error::Input(vec![
            Problem::file(path.display().to_string(), why).with_hint(
                "it is written by linli serve's Save; remove it to start from a fresh plan",
            ),
        ])
    })
}

/// A token no one can guess from outside: the hash of the time, the
/// process and the address.
fn generated_token(bind: &std::net::SocketAddr) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(format!(
        "{:?}{}{bind}",
        std::time::SystemTime::now(),
        std::process::id()
    ));
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}
