//! `linli audit` and `linli redraw`: the grid a district already has.

use super::Run;
use linli::error::Error;

pub(super) fn audit(run: &Run) -> Result<(), Error> {
    let (_, a, written) = linli::plan::run_audit(&run.files, &run.opts, &run.out)?;
    if !run.quiet {
        for c in a.communities.iter().chain([&a.overall]) {
            out!(
                "{}: {} neighborhoods, {} compliant, {:.0}% within band, {} gaps ({} households), {} overlaps, {} multi-part, {} crossing a community border, {} buildings cut, {} slivers",
                c.id,
                c.neighborhoods,
                c.compliant,
                c.share_within_band * 100.0,
                c.gaps,
                c.households_in_gaps,
                c.overlaps,
                c.multi_part,
                c.crossing_border,
                c.cut_buildings,
                c.slivers
            );
        }
        for p in &written {
            out!("wrote {}", p.display());
        }
    }
    Ok(())
}

pub(super) fn redraw(run: &Run, seed: u64, compare_scratch: bool) -> Result<(), Error> {
    let (_, _, s, written) =
        linli::plan::run_redraw(&run.files, &run.opts, seed, compare_scratch, &run.out)?;
    if !run.quiet {
        out!(
            "{} neighborhoods → {}: {} kept, {} adjusted, {} redrawn, {} new, {} removed",
            s.neighborhoods_before,
            s.neighborhoods_after,
            s.kept,
            s.adjusted,
            s.redrawn,
            s.new,
            s.removed.len()
        );
        out!(
            "households moved: {} of {} ({} placed from gaps)",
            s.households_matched.moved,
            s.households_matched.households,
            s.households_matched.placed
        );
        if let Some(f) = &s.from_scratch {
            out!(
                "a from-scratch partition would move {} ({:.1}% of that moved here)",
                f.moved,
                s.moved_ratio_to_scratch.unwrap_or(0.0) * 100.0
            );
        }
        out!(
            "compliant: {} of {} before, {} of {} after; gaps {} → {}, overlaps {} → {}",
            s.before.compliant,
            s.before.neighborhoods,
            s.after.compliant,
            s.after.neighborhoods,
            s.before.gaps,
            s.after.gaps,
            s.before.overlaps,
            s.after.overlaps
        );
        for p in &written {
            out!("wrote {}", p.display());
        }
    }
    Ok(())
}
