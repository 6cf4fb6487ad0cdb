//! `linli coverage`: the 15-minute service circles.

use super::Common;
use super::args::Command;
use linli::coverage::report::SiteGoal;
use linli::error::Error;
use linli::read::{ReadOptions, ScenarioFiles};
use std::path::{Path, PathBuf};

pub(super) fn coverage(
    (scenario, max_bytes): (&std::path::Path, u64),
    out: PathBuf,
    opts: ReadOptions,
    sites: Option<(SiteGoal, String)>,
    (neighborhoods, service_areas, sites_model, existing_grid): (bool, bool, bool, bool),
    seed: u64,
    quiet: bool,
) -> Result<(), Error> {
    let t = std::time::Instant::now();
    let files = ScenarioFiles::from_dir_capped(scenario, max_bytes)?;
    let candidates = candidates_text(scenario, max_bytes, sites.is_some())?;
    let req = linli::coverage::report::CoverageRequest {
        neighborhoods,
        existing_grid,
        seed,
        sites,
        candidates,
        no_service_areas: !service_areas,
    };
    let bars = super::progress::Bars::new(quiet);
    let result = linli::plan::run_coverage(&files, &opts, &req, &out, &bars);
    bars.finish();
    let (loaded, cov, an, mut written, timings) = result?;
    if let (true, Some(s)) = (sites_model, &an.sites) {
        let path = out.join("sites_model.json");
        linli::write::write_json(&path, &s.model)?;
        written.push(path);
    }
    if !quiet {
        let elapsed = t.elapsed().as_secs_f64();
        print_coverage(&loaded, &cov, &an, elapsed);
        let steps: Vec<String> = timings.iter().map(|(k, v)| format!("{k}={v:.4}")).collect();
        out!("  timings: {}", steps.join(" "));
        for w in loaded.report.warnings.iter().chain(&cov.warnings) {
            out!("warning: {w}");
        }
        for p in written {
            out!("wrote {}", p.display());
        }
    }
    // The process ends here: handing millions of small objects back to the
    // allocator one by one would only delay the exit (45 ms on a
    // 300,000-building city).
    std::mem::forget((files, loaded, cov, an));
    Ok(())
}

/// The text of candidates.geojson beside the layers, when `wanted` and
/// there is one (the scenario reader does not know it); checked as an input
/// file either way.
fn candidates_text(scenario: &Path, max_bytes: u64, wanted: bool) -> Result<Option<String>, Error> {
    let cand = scenario.join("candidates.geojson");
    let present = linli::read::text::input_file(&cand, max_bytes)
        .map_err(|e| e.into_error(&cand, None))?
        .is_some();
    if !(present && wanted) {
        return Ok(None);
    }
    let text = linli::read::text::Text::read_capped(&cand, max_bytes)
        .map_err(|e| e.into_error(&cand, None))?;
    Ok(Some(text.to_string()))
}

/// Households covered at each life circle, with the kinds that count:
/// "  life circles: 5 min 13.5 % (kindergarten), 10 min 37.6 % (…), …".
fn print_life_circles(cov: &linli::coverage::Coverage, an: &linli::coverage::report::Analysis) {
    let lc = &cov.life_circles;
    let parts: Vec<String> = lc
        .circles
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let covered = an.overall.circles.get(ci).copied().unwrap_or(0);
            let sh = linli::coverage::Share::new(an.overall.households, covered, lc.measured(ci));
            let kinds = if c.kinds.is_empty() {
                "no kind has a facility".to_string()
            } else {
                c.kinds.join(", ")
            };
            format!("{} min {} ({kinds})", c.minutes, sh.percent())
        })
        .collect();
    out!("  life circles: {}", parts.join("; "));
}

/// The network, each kind's share, all kinds at once and the new sites.
fn print_coverage(
    loaded: &linli::read::Loaded,
    cov: &linli::coverage::Coverage,
    an: &linli::coverage::report::Analysis,
    elapsed: f64,
) {
    out!(
        "{} buildings, {} facilities; walking network {} nodes, {} edges ({:.2} s)",
        loaded.scenario.buildings.len(),
        loaded.scenario.facilities.len(),
        cov.graph.nodes.len(),
        cov.graph.edges.len(),
        elapsed
    );
    for (kind, sh) in &an.overall.by_kind {
        out!(
            "  {kind}: {} of {} households within {} m ({})",
            sh.covered,
            sh.households,
            linli::coverage::threshold_m(&loaded.config.walking, kind),
            sh.percent()
        );
    }
    let all = &an.overall.all_kinds;
    out!(
        "  all kinds at once ({}): {} of {} households ({})",
        if an.overall.all_kinds_of.is_empty() {
            "none has a facility".to_string()
        } else {
            an.overall.all_kinds_of.join(", ")
        },
        all.covered,
        all.households,
        all.percent()
    );
    print_life_circles(cov, an);
    print_capacity(an);
    if let Some(
        s @ linli::coverage::report::Sites {
            fewest: Some(f), ..
        },
    ) = &an.sites
    {
        let proof = if f.optimal {
            "proved fewest".to_string()
        } else {
            format!("at least {} needed", f.lower_bound)
        };
        out!(
            "  fewest new {} sites: {} ({proof}) cover {} of {} uncovered households; {} households no candidate reaches ({} candidates; {:.3} s + {:.3} s)",
            s.kind,
            s.sites.len(),
            s.newly_covered_households,
            s.uncovered_households,
            f.unreachable_households,
            s.candidates,
            s.cover_sets_s,
            s.select_s
        );
    } else if let Some(s) = &an.sites {
        out!(
            "  {} new {} sites cover {} of {} uncovered households ({} candidates; {:.3} s + {:.3} s)",
            s.sites.len(),
            s.kind,
            s.newly_covered_households,
            s.uncovered_households,
            s.candidates,
            s.cover_sets_s,
            s.select_s
        );
    }
}

/// `linli coverage`: its arguments checked, then the analysis.
pub(super) fn command(command: Command, c: &Common) -> Result<(), Error> {
    let Command::Coverage {
        scenario,
        out,
        crs,
        add,
        fewest,
        kind,
        sites_model,
        no_neighborhoods,
        grid,
        no_service_areas,
        seed,
    } = command
    else {
        unreachable!("called for coverage only")
    };
    let opts = ReadOptions {
        crs,
        ..c.base.clone()
    };
    let goal = match (add, fewest) {
        (Some(n), _) => Some(SiteGoal::Count(n)),
        (None, true) => Some(SiteGoal::Fewest),
        (None, false) => None,
    };
    if let (Some(k), None) = (&kind, goal) {
        let p = linli::error::Problem::file(
            "--kind",
            format!("new {k} sites asked for, but not how many"),
        )
        .with_hint(
            "give --add N (the N sites covering most) or --fewest (the fewest covering all)",
        );
        return Err(Error::Input(vec![p]));
    }
    coverage(
        (&scenario, c.max_bytes),
        out,
        opts,
        goal.zip(kind),
        (
            !no_neighborhoods,
            !no_service_areas,
            sites_model,
            grid.as_deref() == Some("existing"),
        ),
        seed,
        c.quiet,
    )
}

/// Per kind with capacities: households with a place and the facilities
/// over capacity (the three most over, with the households they fail).
fn print_capacity(an: &linli::coverage::report::Analysis) {
    for k in &an.capacity {
        let mut over: Vec<_> = k
            .facilities
            .iter()
            .filter(|f| f.over_capacity_households > 0)
            .collect();
        over.sort_by_key(|f| std::cmp::Reverse(f.over_capacity_households));
        let named: Vec<String> = over
            .iter()
            .take(3)
            .map(|f| format!("{} fails {}", f.facility, f.failed_households))
            .collect();
        out!(
            "  capacity, {}: {} of {} households in reach have a place; facilities over capacity: {}{}",
            k.kind,
            k.served_households,
            k.households_in_reach,
            over.len(),
            if named.is_empty() {
                String::new()
            } else {
                format!(" ({})", named.join(", "))
            }
        );
    }
}
