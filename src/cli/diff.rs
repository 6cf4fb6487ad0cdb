//! `linli diff A B`: two plans of one scenario compared.

use super::args::Command;
use super::{Common, count};
use linli::error::Error;
use linli::plan::diff::{DiffRequest, run_diff};
use linli::read::ReadOptions;

pub(super) fn command(command: Command, c: &Common) -> Result<(), Error> {
    let Command::Diff {
        a,
        b,
        out,
        scenario,
        crs,
    } = command
    else {
        unreachable!("dispatched on Command::Diff")
    };
    let req = DiffRequest {
        a,
        b,
        scenario,
        opts: ReadOptions {
            crs,
            ..c.base.clone()
        },
        max_bytes: c.max_bytes,
        out,
    };
    let bars = super::progress::Bars::new(c.quiet);
    let result = run_diff(&req, &bars);
    bars.finish();
    let r = result?;
    if !c.quiet {
        say(&r);
    }
    Ok(())
}

/// A line per community where something changed, the sentence, notes and
/// the files written.
fn say(r: &linli::plan::diff::DiffResult) {
    let d = &r.diff;
    for com in d
        .communities
        .iter()
        .filter(|x| x.buildings_moved + x.buildings_only_in_a + x.buildings_only_in_b > 0)
    {
        let moved = if com.buildings_moved == 0 {
            "no building changed neighborhood".to_string()
        } else {
            format!(
                "{} in {} changed neighborhood",
                count(com.households_moved, "household", "households"),
                count(com.buildings_moved as u64, "building", "buildings"),
            )
        };
        let mut line = format!(
            "{} {}: {moved}; neighborhoods {} → {} ({} unchanged, {} changed, {} new, {} removed)",
            com.code,
            com.name,
            com.neighborhoods_a,
            com.neighborhoods_b,
            com.unchanged,
            com.changed,
            com.new,
            com.removed
        );
        if com.buildings_only_in_a > 0 {
            line += &format!(
                "; {} in no neighborhood in B",
                count(com.households_only_in_a, "household", "households")
            );
        }
        if com.buildings_only_in_b > 0 {
            line += &format!(
                "; {} in no neighborhood in A",
                count(com.households_only_in_b, "household", "households")
            );
        }
        out!("{line}");
    }
    let t = &d.total;
    out!(
        "{} ({} households in all); neighborhoods {} → {}: {} unchanged, {} changed, {} new, {} removed",
        linli::diff::sentence(&d.communities, t),
        t.households,
        t.neighborhoods_a,
        t.neighborhoods_b,
        t.unchanged,
        t.changed,
        t.new,
        t.removed
    );
    for w in &r.warnings {
        out!("note: {w}");
    }
    for p in &r.written {
        out!("wrote {}", p.display());
    }
}
