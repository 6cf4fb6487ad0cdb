//! `linli staff`: social workers against the 2–3 standard.

use super::Run;
use linli::error::Error;

pub(super) fn staff(run: &Run, seed: u64) -> Result<(), Error> {
    let r = linli::plan::run_staff(&run.files, &run.opts, seed, &run.out)?;
    if !run.quiet {
        for c in &r.staffing.communities {
            out!(
                "{}: {} neighborhoods, {} workers, {:?} (missing {}, surplus {})",
                c.id,
                c.neighborhoods,
                c.workers.map_or("no data".to_string(), |w| w.to_string()),
                c.status,
                c.workers_missing,
                c.workers_surplus
            );
        }
        for p in &r.written {
            out!("wrote {}", p.display());
        }
    }
    Ok(())
}
