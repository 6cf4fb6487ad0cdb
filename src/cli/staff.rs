//! `linli staff`: social workers against the 2–3 standard.

use super::Run;
use linli::error::Error;

pub(super) fn staff(run: &Run, seed: u64) -> Result<(), Error> {
    let r = linli::plan::run_staff(&run.files, &run.opts, seed, &run.out)?;
    if !run.quiet {
        for c in &r.staffing.communities {
            out!("{}: {}", c.id, row_in_words(c));
        }
        out!(
            "staffing: {}",
            linli::staffing::describe(&r.staffing.communities)
        );
        for p in &r.written {
            out!("wrote {}", p.display());
        }
    }
    Ok(())
}

/// One community's staffing in words: no status where there is no data.
fn row_in_words(c: &linli::staffing::StaffingRow) -> String {
    use linli::staffing::Status;
    let n = format!("{} neighborhoods", c.neighborhoods);
    let Some(w) = c.workers else {
        return format!("{n}, no staff data (add it to staff.csv)");
    };
    let status = match c.status {
        Status::Understaffed => format!("understaffed, {} missing", c.workers_missing),
        Status::Overstaffed => format!("overstaffed, {} surplus", c.workers_surplus),
        Status::WithinStandard => "within the standard".to_string(),
        Status::Mixed => format!(
            "mixed, {} missing, {} surplus",
            c.workers_missing, c.workers_surplus
        ),
        Status::NoData => "no staff data".to_string(),
    };
    format!("{n}, {w} workers: {status}")
}
