//! `linli audit` and `linli redraw`: the grid a district already has.

use super::Run;
use linli::error::Error;

pub(super) fn audit(run: &Run) -> Result<(), Error> {
    let bars = super::progress::Bars::new(run.quiet);
    let result = linli::plan::run_audit(&run.files, &run.opts, &run.out, &bars);
    bars.finish();
    let (_, a, written) = result?;
    if !run.quiet {
        use super::count;
        for c in a.communities.iter().chain([&a.overall]) {
            out!(
                "{}: {}, {} compliant, {:.0}% within band, {} ({} households), {}, {} multi-part, {} crossing a community border, {} crossing a strong barrier, {} cut, {}",
                c.id,
                count(c.neighborhoods as u64, "neighborhood", "neighborhoods"),
                c.compliant,
                c.share_within_band * 100.0,
                count(c.gaps as u64, "gap", "gaps"),
                c.households_in_gaps,
                count(c.overlaps as u64, "overlap", "overlaps"),
                c.multi_part,
                c.crossing_border,
                c.crossing_strong_barrier,
                count(c.cut_buildings as u64, "building", "buildings"),
                count(c.slivers as u64, "sliver", "slivers")
            );
        }
        for f in a.neighborhoods.iter().filter(|f| !f.compliant) {
            out!("not compliant: {} ({})", f.id, f.flags.join(", "));
        }
        for p in &written {
            out!("wrote {}", p.display());
        }
    }
    Ok(())
}

pub(super) fn redraw(run: &Run, seed: u64, compare_scratch: bool) -> Result<(), Error> {
    let bars = super::progress::Bars::new(run.quiet);
    let result = linli::plan::run_redraw(
        &run.files,
        &run.opts,
        seed,
        compare_scratch,
        &run.out,
        &bars,
    );
    bars.finish();
    let (_, _, s, written) = result?;
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
        say_moved(&s.households_matched, s.from_scratch.as_ref());
        out!(
            "compliant: {} of {} before, {} of {} after; gaps {} → {}, overlaps {} → {}, buildings cut {} → {}",
            s.before.compliant,
            s.before.neighborhoods,
            s.after.compliant,
            s.after.neighborhoods,
            s.before.gaps,
            s.after.gaps,
            s.before.overlaps,
            s.after.overlaps,
            s.before.cut_buildings,
            s.after.cut_buildings
        );
        for p in &written {
            out!("wrote {}", p.display());
        }
    }
    Ok(())
}

/// The households the redraw moved, against a from-scratch partition's,
/// as counts and in a sentence.
fn say_moved(m: &linli::redraw::Moved, scratch: Option<&linli::redraw::Moved>) {
    let share = |n: u64| 100.0 * n as f64 / m.households.max(1) as f64;
    out!(
        "households moved: {} of {} ({:.1}%), and {} placed from gaps",
        m.moved,
        m.households,
        share(m.moved),
        m.placed
    );
    let Some(f) = scratch else {
        return;
    };
    out!(
        "households a from-scratch partition would move: {} ({:.1}%)",
        f.moved,
        share(f.moved)
    );
    let sentence = if m.moved == 0 {
        "The redraw kept every household where it was.".to_string()
    } else if f.moved > m.moved {
        format!(
            "The redraw moves {:.1}× fewer households than drawing the grid again from scratch.",
            f.moved as f64 / m.moved as f64
        )
    } else {
        "The redraw moves no fewer households than drawing the grid again from scratch: most of the old grid could not be kept.".to_string()
    };
    out!("{sentence}");
}
