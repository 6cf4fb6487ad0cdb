//! `linli plan` and `linli demo`: the whole plan, with stage timings on request.

use super::Common;
use super::Run;
use linli::error::Error;
use std::path::PathBuf;

pub(super) fn plan(run: &Run, seed: u64) -> Result<(), Error> {
    plan_timed(run, seed, false)
}

pub(super) fn plan_timed(run: &Run, seed: u64, timings: bool) -> Result<(), Error> {
    let t = std::time::Instant::now();
    let bars = super::progress::Bars::new(run.quiet);
    let result = linli::plan::run_plan_with(&run.files, &run.opts, seed, &run.out, &bars);
    let (end, end_cpu) = (std::time::Instant::now(), cpu_seconds());
    // Seconds per stage: a stage ends when the next one starts.
    let stages = bars.finish();
    let r = result?;
    if !run.quiet {
        let s = &r.loaded.scenario;
        let n = &r.planned.partition.neighborhoods;
        out!(
            "{} communities, {} buildings → {} blocks → {} neighborhoods ({} flagged); {} worker patches ({:.2} s)",
            s.communities.len(),
            s.buildings.len(),
            r.planned.block_count,
            n.len(),
            n.iter().filter(|x| !x.flags.is_empty()).count(),
            r.staffing.patches.len(),
            t.elapsed().as_secs_f64()
        );
        out!(
            "staffing: {}",
            linli::staffing::describe(&r.staffing.communities)
        );
        if let Some(a) = &r.audit {
            let o = &a.overall;
            use super::count;
            out!(
                "existing grid: {}, {} compliant; {} ({} households), {}, {} cut (audit.geojson; linli redraw repairs it with minimal change)",
                count(o.neighborhoods as u64, "neighborhood", "neighborhoods"),
                o.compliant,
                count(o.gaps as u64, "gap", "gaps"),
                o.households_in_gaps,
                count(o.overlaps as u64, "overlap", "overlaps"),
                count(o.cut_buildings as u64, "building", "buildings")
            );
        }
        for w in r
            .loaded
            .report
            .warnings
            .iter()
            .chain(&r.planned.blocks.warnings)
            .chain(&r.coverage_warnings)
        {
            out!("warning: {w}");
        }
        for p in &r.written {
            out!("wrote {}", p.display());
        }
    }
    if timings {
        // Printed even with --quiet: asking for timings is asking for output.
        let mut parts = Vec::new();
        let mut cpu = Vec::new();
        for (i, st) in stages.iter().enumerate() {
            let (until, c1) = stages.get(i + 1).map_or((end, end_cpu), |s| (s.at, s.cpu));
            let name = st.name.replace(' ', "_");
            parts.push(format!("{name}={:.3}", (until - st.at).as_secs_f64()));
            if let (Some(a), Some(b)) = (st.cpu, c1) {
                cpu.push(format!("{name}={:.2}", b - a));
            }
        }
        parts.push(format!("total={:.3}", (end - t).as_secs_f64()));
        if !cpu.is_empty() {
            out!("cpu seconds: {}", cpu.join(" "));
        }
        out!("timings: {}", parts.join(" "));
    }
    Ok(())
}

/// CPU seconds (user + system) this process has used so far, from
/// /proc/self/stat (Linux; `None` elsewhere). Wall time on a shared machine
/// depends on what else runs; CPU time much less.
pub(super) fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses).
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// `linli demo`: the embedded scenario planned into `out`.
pub(super) fn demo(out: PathBuf, c: &Common) -> Result<(), Error> {
    let run = Run {
        files: linli::demo::files(),
        opts: c.base.clone(),
        out,
        quiet: c.quiet,
    };
    plan(&run, 1)?;
    if !c.quiet {
        out!(
            "demo done: open {0}/report.html in a browser, or {0}/neighborhoods.geojson in QGIS; figures in {0}/summary.json",
            run.out.display()
        );
    }
    Ok(())
}
