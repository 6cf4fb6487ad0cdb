//! The report's tables, rendered here: the district summary, per
//! community and per street (households, neighborhoods in and out of the
//! band, workers against the standard, coverage per kind), each
//! community's neighborhoods, strong barriers inside neighborhoods, the
//! existing grid's audit, and the notes.

use super::ReportInput;
use super::map::shares_text;
use super::svg::esc;
use super::words::{Words, fill};
use crate::config::Threshold;
use crate::coverage::GroupCoverage;
use crate::coverage::circles::LifeCircle;
use crate::staffing::StaffingRow;
use crate::write::coverage::GridFigures;
use crate::write::neighborhoods::NeighborhoodFigures;
use std::collections::{BTreeMap, HashMap};

/// Every table and note, in order.
pub(super) fn tables(input: &ReportInput, w: &Words) -> String {
    let mut h = String::from("<section class=\"district\">");
    h.push_str(&summary(input, w));
    h.push_str(&communities(input, w));
    h.push_str(&streets(input, w));
    h.push_str("</section>");
    h.push_str(&neighborhoods(input, w));
    h.push_str("<section class=\"rest\">");
    h.push_str(&strong_barriers(input, w));
    if let Some(a) = input.audit {
        h.push_str(&audit(input, a, w));
    }
    if let Some((existing, proposed)) = &input.grids {
        h.push_str(&grids(existing, proposed, w));
    }
    h.push_str(&notes(input, w));
    h.push_str("</section>");
    h
}

/// A table with a header row: `<table class><thead>…</thead><tbody>`
/// (the caller closes it with [`END`]).
fn head(class: &str, cells: &[&str]) -> String {
    let mut h = format!("<table class=\"{class}\"><thead><tr>");
    for c in cells {
        h.push_str(&format!("<th>{}</th>", esc(c)));
    }
    h.push_str("</tr></thead><tbody>");
    h
}

/// Closes a table [`head`] opened.
const END: &str = "</tbody></table>";

/// A cell of text.
fn td(text: &str) -> String {
    format!("<td>{}</td>", esc(text))
}

/// A cell of a code (never wrapped).
fn td_code(code: &str) -> String {
    format!("<td class=\"code\">{}</td>", esc(code))
}

/// A cell of a number (right-aligned), with an extra class.
fn tn(v: impl std::fmt::Display, class: &str) -> String {
    if class.is_empty() {
        format!("<td class=\"n\">{v}</td>")
    } else {
        format!("<td class=\"n {class}\">{v}</td>")
    }
}

/// A share as a whole percentage.
fn pct(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}

/// The coverage kinds shown: those with a facility on the network.
fn kinds<'a>(input: &'a ReportInput) -> Vec<&'a crate::coverage::KindCoverage> {
    input
        .kinds
        .iter()
        .filter(|k| !k.facilities.is_empty())
        .collect()
}

/// A kind's column header: its name and threshold (its life circle).
fn kind_header(w: &Words, k: &crate::coverage::KindCoverage) -> String {
    let reach = match k.threshold {
        Threshold::Minutes(m) => format!("{m} {}", w.minutes),
        Threshold::Metres(m) => format!("{m} {}", w.metres),
    };
    fill(w.kind_covered, &[&w.kind(&k.kind), &reach])
}

/// One cell per kind shown (and all kinds at once when more than one):
/// the share covered, or a dash.
fn coverage_cells(input: &ReportInput, g: Option<&GroupCoverage>) -> String {
    let ks = kinds(input);
    let mut h = String::new();
    for k in &ks {
        let share = g.and_then(|g| g.by_kind.get(&k.kind)).and_then(|s| s.share);
        h.push_str(&tn(share.map_or("–".into(), pct), ""));
    }
    if ks.len() > 1 {
        h.push_str(&tn(
            g.and_then(|g| g.all_kinds.share).map_or("–".into(), pct),
            "",
        ));
    }
    h
}

/// The coverage columns' headers.
fn coverage_headers(input: &ReportInput, w: &Words) -> Vec<String> {
    let ks = kinds(input);
    let mut v: Vec<String> = ks.iter().map(|k| kind_header(w, k)).collect();
    if ks.len() > 1 {
        v.push(format!("{} {}", w.covered, w.all_kinds));
    }
    v
}

/// Neighborhoods within, below and above the band, of `figs`.
fn band_counts<'a>(figs: impl Iterator<Item = &'a NeighborhoodFigures>) -> (usize, usize, usize) {
    let (mut within, mut below, mut above) = (0, 0, 0);
    for f in figs {
        let has = |c: &str| f.flags.iter().any(|x| x == c);
        if has("below_band") {
            below += 1;
        } else if has("above_band") || has("single_building_above_band") {
            above += 1;
        } else {
            within += 1;
        }
    }
    (within, below, above)
}

/// Workers the standard asks for `n` neighborhoods: (fewest, most).
fn workers_needed(input: &ReportInput, n: usize) -> (u64, u64) {
    let st = &input.config.staffing;
    let n = n as f64;
    let least = (n / st.max_neighborhoods_per_worker).ceil();
    let most = (n / st.min_neighborhoods_per_worker).floor().max(least);
    (least as u64, most as u64)
}

/// The district summary: households, neighborhoods and the band, the
/// targets, workers against the standard, coverage, strong barriers.
fn summary(input: &ReportInput, w: &Words) -> String {
    let d = &input.staffing.district;
    let t = &input.config.targets;
    let (within, below, above) = band_counts(input.neighborhoods.iter());
    let n = input.neighborhoods.len();
    let share = if n > 0 { within as f64 / n as f64 } else { 0.0 };
    let mut lines = vec![
        fill(
            w.s_households,
            &[
                &d.households,
                &input.estimated_households,
                &input.scenario.communities.len(),
                &input.staffing.streets.len(),
            ],
        ),
        fill(
            w.s_neighborhoods,
            &[&n, &within, &pct(share), &below, &above],
        ),
        fill(
            w.s_target,
            &[
                &t.urban,
                &t.rural,
                &format!("{:.0}%", t.tolerance * 100.0),
                &t.min_buildings,
                &t.max_buildings,
            ],
        ),
    ];
    lines.push(staffing_line(input, w));
    if !kinds(input).is_empty() {
        let g = &input.analysis.overall;
        lines.push(fill(w.s_coverage, &[&shares_text(input, w, g)]));
    }
    if input.partition.strong_barrier_exceptions > 0 {
        lines.push(fill(
            w.s_strong,
            &[&input.partition.strong_barrier_exceptions],
        ));
    }
    let mut h = format!(
        "<h2 id=\"summary\">{}</h2><ul class=\"summary\">",
        w.h_summary
    );
    for l in lines {
        h.push_str(&format!("<li>{}</li>", esc(&l)));
    }
    h.push_str("</ul>");
    h.push_str(&circles(input, w, |lc| Some(&lc.overall)));
    if !kinds(input).is_empty() {
        h.push_str(&format!("<p class=\"note\">{}</p>", esc(w.n_circles)));
    }
    h
}

/// The district's workers against the standard, in a sentence.
fn staffing_line(input: &ReportInput, w: &Words) -> String {
    let d = &input.staffing.district;
    let Some(workers) = d.workers else {
        return w.s_workers_unknown.to_string();
    };
    let st = &input.config.staffing;
    let (least, most) = workers_needed(input, d.neighborhoods);
    fill(
        w.s_workers,
        &[
            &workers,
            &st.min_neighborhoods_per_worker,
            &st.max_neighborhoods_per_worker,
            &least,
            &most,
            &d.workers_missing,
            &d.workers_surplus,
        ],
    )
}

/// The staffing cells of a row: workers, the standard's need, missing,
/// surplus, status.
fn staffing_cells(input: &ReportInput, w: &Words, r: &StaffingRow) -> String {
    let (least, most) = workers_needed(input, r.neighborhoods);
    let status = serde_json::to_value(r.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let need = if least == most {
        least.to_string()
    } else {
        format!("{least}–{most}")
    };
    format!(
        "{}{}{}{}<td class=\"{status}\">{}</td>",
        tn(
            r.workers.map_or(w.no_data.to_string(), |v| v.to_string()),
            "workers"
        ),
        tn(need, ""),
        tn(r.workers_missing, ""),
        tn(r.workers_surplus, ""),
        esc(w.status(r.status)),
    )
}

/// One row per community: its name and code, street, households,
/// neighborhoods in and out of the band, workers against the standard,
/// coverage per kind.
fn communities(input: &ReportInput, w: &Words) -> String {
    let mut cols = vec![
        w.community.to_string(),
        w.code.into(),
        w.street.into(),
        w.households.into(),
        w.neighborhoods.into(),
        w.in_band.into(),
        w.below_band.into(),
        w.above_band.into(),
        w.workers.into(),
        w.workers_needed.into(),
        w.missing.into(),
        w.surplus.into(),
        w.staffing.into(),
    ];
    cols.extend(coverage_headers(input, w));
    let cols: Vec<&str> = cols.iter().map(String::as_str).collect();
    let mut h = format!("<h2 id=\"communities\">{}</h2>", w.h_communities);
    h.push_str(&head("communities", &cols));
    // Lookups by community id, made once: a search per row grows with the
    // square of a district. The first of equal ids wins, as a search would.
    let mut figs: HashMap<&str, Vec<&NeighborhoodFigures>> = HashMap::new();
    for f in input.neighborhoods {
        figs.entry(f.community.as_str()).or_default().push(f);
    }
    let mut coverage: HashMap<&str, _> = HashMap::new();
    for g in &input.analysis.communities {
        coverage.entry(g.id.as_str()).or_insert(g);
    }
    for r in &input.staffing.communities {
        let k = input.community_index(&r.id);
        let name = k.map_or(r.id.as_str(), |k| {
            input.scenario.communities[k].name.as_str()
        });
        let code = k
            .and_then(|k| input.roster.community_codes.get(k))
            .unwrap_or(&r.id);
        let mine = figs.get(r.id.as_str()).map_or(&[][..], Vec::as_slice);
        let (within, below, above) = band_counts(mine.iter().copied());
        let cov = coverage.get(r.id.as_str()).copied();
        h.push_str(&format!(
            "<tr data-id=\"{}\">{}{}{}{}{}{}{}{}{}{}</tr>",
            esc(&r.id),
            td(name),
            td(code),
            td(&r.street),
            tn(r.households, "households"),
            tn(r.neighborhoods, "count"),
            tn(within, ""),
            tn(below, ""),
            tn(above, ""),
            staffing_cells(input, w, r),
            coverage_cells(input, cov),
        ));
    }
    h.push_str(END);
    h
}

/// One row per street and the district: the same figures summed.
fn streets(input: &ReportInput, w: &Words) -> String {
    let mut cols = vec![
        w.street.to_string(),
        w.communities.into(),
        w.households.into(),
        w.neighborhoods.into(),
        w.share_in_band.into(),
        w.workers.into(),
        w.workers_needed.into(),
        w.missing.into(),
        w.surplus.into(),
        w.staffing.into(),
    ];
    cols.extend(coverage_headers(input, w));
    let cols: Vec<&str> = cols.iter().map(String::as_str).collect();
    let mut h = format!("<h2 id=\"streets\">{}</h2>", w.h_streets);
    h.push_str(&head("streets", &cols));
    let rows = input
        .staffing
        .streets
        .iter()
        .chain(std::iter::once(&input.staffing.district));
    for (i, r) in rows.enumerate() {
        let district = i == input.staffing.streets.len();
        let (label, n_communities, within, cov) = if district {
            let within = input.partition.overall.share_within_band;
            let n = input.scenario.communities.len();
            (w.district, n, within, Some(&input.analysis.overall))
        } else {
            let n = input
                .staffing
                .communities
                .iter()
                .filter(|c| c.street == r.id)
                .count();
            let st = input.partition.streets.iter().find(|s| s.id == r.id);
            let cov = input.analysis.streets.iter().find(|g| g.id == r.id);
            (
                r.id.as_str(),
                n,
                st.map_or(0.0, |s| s.share_within_band),
                cov,
            )
        };
        h.push_str(&format!(
            "<tr data-id=\"{}\"{}>{}{}{}{}{}{}{}</tr>",
            esc(&r.id),
            if district { " class=\"total\"" } else { "" },
            td(label),
            tn(n_communities, ""),
            tn(r.households, "households"),
            tn(r.neighborhoods, "count"),
            tn(pct(within), ""),
            staffing_cells(input, w, r),
            coverage_cells(input, cov),
        ));
    }
    h.push_str(END);
    h
}

/// A section per community (a sheet of its own when printed): its
/// figures, its neighborhoods, its coverage by life circle.
fn neighborhoods(input: &ReportInput, w: &Words) -> String {
    let mut by_community: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, f) in input.neighborhoods.iter().enumerate() {
        by_community
            .entry(f.community.as_str())
            .or_default()
            .push(i);
    }
    // Built once: a map per community section was communities × neighborhoods.
    let cov: BTreeMap<&str, &GroupCoverage> = input
        .analysis
        .neighborhoods
        .iter()
        .map(|g| (g.id.as_str(), g))
        .collect();
    let mut h = String::new();
    for (k, c) in input.scenario.communities.iter().enumerate() {
        let Some(list) = by_community.get(c.id.as_str()) else {
            continue;
        };
        h.push_str(&format!(
            "<section class=\"community\" data-id=\"{}\"><h2>{}{}{}</h2>",
            esc(&c.id),
            esc(&input.community_label(&c.id)),
            if c.street.is_empty() { "" } else { " · " },
            esc(&c.street)
        ));
        h.push_str(&community_line(input, w, &c.id, list));
        h.push_str(&neighborhood_table(input, w, list, &cov));
        h.push_str(&circles(input, w, |lc| lc.groups.get(k)));
        h.push_str("</section>");
    }
    h
}

/// A community's figures in a sentence: households, neighborhoods, those
/// within the band, workers and their status.
fn community_line(input: &ReportInput, w: &Words, id: &str, list: &[usize]) -> String {
    let figs = list.iter().map(|&i| &input.neighborhoods[i]);
    let households: u64 = figs.clone().map(|f| f.households).sum();
    let (within, _, _) = band_counts(figs);
    let workers = match input.staffing_row(id) {
        Some(r) => match r.workers {
            Some(n) => format!("{n} ({})", w.status(r.status)),
            None => w.no_data.to_string(),
        },
        None => w.no_data.to_string(),
    };
    let line = fill(
        w.community_line,
        &[&households, &list.len(), &within, &workers],
    );
    format!("<p class=\"note\">{}</p>", esc(&line))
}

/// The neighborhoods' table: code, name, households and deviation,
/// buildings, area, worker patch, the walk to a neighborhood office,
/// coverage per kind, flags.
fn neighborhood_table(
    input: &ReportInput,
    w: &Words,
    list: &[usize],
    cov: &BTreeMap<&str, &GroupCoverage>,
) -> String {
    let mut cols = vec![
        w.code.to_string(),
        w.name.into(),
        w.households.into(),
        w.deviation.into(),
        w.buildings.into(),
        w.homes.into(),
        w.area_ha.into(),
        w.patch.into(),
        w.office_walk.into(),
    ];
    cols.extend(coverage_headers(input, w));
    cols.push(w.flags.into());
    let cols: Vec<&str> = cols.iter().map(String::as_str).collect();
    let mut h = head("neighborhoods", &cols);
    for &i in list {
        let c = cov.get(input.neighborhoods[i].id.as_str()).copied();
        h.push_str(&neighborhood_row(input, w, i, c));
    }
    h.push_str(END);
    h
}

/// One neighborhood's row.
fn neighborhood_row(
    input: &ReportInput,
    w: &Words,
    i: usize,
    cov: Option<&GroupCoverage>,
) -> String {
    let f = &input.neighborhoods[i];
    let (code, name) = input.code_name(i);
    let patch = input
        .staffing
        .neighborhood_patch
        .get(i)
        .and_then(|&p| input.staffing.patches.get(p))
        .map_or("", |p| p.id.as_str());
    let walk = input.office_m.get(i).copied().flatten();
    format!(
        "<tr data-id=\"{}\"{}>{}{}{}{}{}{}{}{}{}{}{}</tr>",
        esc(&f.id),
        if f.flags.is_empty() {
            ""
        } else {
            " class=\"flagged\""
        },
        td_code(code),
        td(name),
        tn(f.households, "households"),
        tn(format!("{:+.0}%", f.deviation * 100.0), ""),
        tn(f.buildings, ""),
        tn(f.residential_buildings, ""),
        tn(format!("{:.1}", f.area_m2 / 10_000.0), ""),
        td(patch),
        tn(walk.map_or("–".into(), |m| format!("{m:.0}")), ""),
        coverage_cells(input, cov),
        td(&w.flag_list(&f.flags)),
    )
}

/// Coverage by life circle of one group (`pick` finds it in each circle):
/// a row per circle, its kinds and share, or why it cannot be told.
fn circles<'a>(
    input: &'a ReportInput,
    w: &Words,
    pick: impl Fn(&'a LifeCircle) -> Option<&'a GroupCoverage>,
) -> String {
    if kinds(input).is_empty() {
        return format!("<p class=\"note\">{}</p>", esc(w.n_no_facilities));
    }
    let mut h = format!("<h3>{}</h3>", esc(w.h_circles));
    h.push_str(&head(
        "circles",
        &[
            w.circle_col,
            w.circle_kinds,
            w.covered_households,
            w.covered,
        ],
    ));
    for lc in input.circles {
        let name = fill(w.circle, &[&lc.minutes]);
        let g = pick(lc);
        let (kinds, covered, share) = match g.filter(|_| !lc.kinds.is_empty()) {
            None => (w.n_no_circle.to_string(), "–".into(), "–".into()),
            Some(g) => {
                let names: Vec<String> = lc.kinds.iter().map(|k| w.kind(k)).collect();
                let share = g.all_kinds.share.map_or("–".into(), pct);
                (names.join(w.sep), g.all_kinds.covered.to_string(), share)
            }
        };
        h.push_str(&format!(
            "<tr data-minutes=\"{}\"><th>{}</th>{}{}{}</tr>",
            lc.minutes,
            esc(&name),
            td(&kinds),
            tn(covered, ""),
            tn(share, "circle"),
        ));
    }
    h.push_str(END);
    h
}

/// The strong barriers left inside neighborhoods, with their reasons.
fn strong_barriers(input: &ReportInput, w: &Words) -> String {
    let rows: Vec<_> = input
        .partition
        .strong_barriers
        .iter()
        .filter(|r| r.length_m > crate::write::neighborhoods::STRADDLE_M)
        .collect();
    if rows.is_empty() {
        return format!("<p class=\"note\">{}</p>", esc(w.n_no_strong));
    }
    let mut h = format!("<h2 id=\"strong\">{}</h2>", w.h_strong);
    h.push_str(&head(
        "straddles",
        &[w.code, w.name, w.barrier, w.level, w.metres_inside, w.why],
    ));
    for r in rows {
        let i = input.figure_index(&r.neighborhood);
        let (code, name) = i.map_or((r.neighborhood.as_str(), ""), |i| input.code_name(i));
        h.push_str(&format!(
            "<tr>{}{}{}{}{}{}</tr>",
            td(code),
            td(name),
            td(w.barrier_kind(r.kind)),
            tn(r.level, ""),
            tn(format!("{:.0}", r.length_m), ""),
            td(&w.reason(r.reason, r.households)),
        ));
    }
    h.push_str(END);
    h
}

/// The audit of the scenario's existing grid: per community and overall,
/// and the neighborhoods that do not comply.
fn audit(input: &ReportInput, a: &crate::write::audit::AuditSummary, w: &Words) -> String {
    let mut h = format!(
        "<section id=\"audit\"><h2>{}</h2><p class=\"note\">{}</p>",
        w.h_audit,
        esc(w.n_audit)
    );
    h.push_str(&head(
        "audit",
        &[
            w.community,
            w.neighborhoods,
            w.compliant,
            w.share_in_band,
            w.gaps,
            w.overlaps,
            w.multi_part,
            w.crossing_border,
            w.crossing_strong,
            w.cut_buildings,
            w.slivers,
            w.barrier_share,
            w.per_worker,
            w.staffing,
        ],
    ));
    for c in a.communities.iter().chain([&a.overall]) {
        let name = if c.id == "all" {
            w.district.to_string()
        } else {
            input.community_label(&c.id)
        };
        h.push_str(&format!(
            "<tr data-id=\"{}\">{}{}{}{}{}{}{}{}{}{}{}{}{}{}</tr>",
            esc(&c.id),
            td(&name),
            tn(c.neighborhoods, ""),
            tn(c.compliant, "compliant"),
            tn(pct(c.share_within_band), ""),
            tn(format!("{} ({})", c.gaps, c.households_in_gaps), ""),
            tn(format!("{} ({})", c.overlaps, c.households_in_overlaps), ""),
            tn(c.multi_part, ""),
            tn(c.crossing_border, ""),
            tn(c.crossing_strong_barrier, ""),
            tn(c.cut_buildings, ""),
            tn(c.slivers, ""),
            tn(pct(c.barrier_share), ""),
            tn(
                c.neighborhoods_per_worker
                    .map_or("–".into(), |v| format!("{v:.2}")),
                ""
            ),
            td(c.staffing.map_or("", |s| w.status(s))),
        ));
    }
    h.push_str(END);
    if !a.non_compliant.is_empty() {
        h.push_str(&format!("<h3>{}</h3>", w.h_audit_flags));
        h.push_str(&head(
            "audit_flags",
            &[w.existing_neighborhood, w.what_is_wrong],
        ));
        for (id, flags) in &a.non_compliant {
            h.push_str(&format!("<tr>{}{}</tr>", td(id), td(&w.flag_list(flags))));
        }
        h.push_str(END);
    }
    h.push_str("</section>");
    h
}

/// The existing grid's figures beside the plan's.
fn grids(e: &GridFigures, p: &GridFigures, w: &Words) -> String {
    let mut h = format!(
        "<section id=\"grids\"><h2>{}</h2><p class=\"note\">{}</p>",
        w.h_grids,
        esc(w.n_grids)
    );
    h.push_str(&head("grids", &["", w.grid_existing, w.grid_proposed]));
    let row = |h: &mut String, what: &str, a: String, b: String| {
        h.push_str(&format!("<tr>{}{}{}</tr>", td(what), tn(a, ""), tn(b, "")));
    };
    row(
        &mut h,
        w.g_neighborhoods,
        e.neighborhoods.to_string(),
        p.neighborhoods.to_string(),
    );
    row(
        &mut h,
        w.g_service_point_within,
        e.service_point_within.to_string(),
        p.service_point_within.to_string(),
    );
    row(
        &mut h,
        w.g_households_beyond,
        e.service_point_households_beyond.to_string(),
        p.service_point_households_beyond.to_string(),
    );
    for (minutes, n) in &e.fully_within_circle {
        let other = p.fully_within_circle.get(minutes).copied().unwrap_or(0);
        let what = w.g_within_circle.replace("{}", &minutes.to_string());
        row(&mut h, &what, n.to_string(), other.to_string());
    }
    for (kind, n) in &e.fully_covered {
        let other = p.fully_covered.get(kind).copied().unwrap_or(0);
        let what = w.g_fully_covered.replace("{}", &w.kind(kind));
        row(&mut h, &what, n.to_string(), other.to_string());
    }
    h.push_str(END);
    h.push_str("</section>");
    h
}

/// The notes: estimated households, missing staff data, warnings (as the
/// stages wrote them).
fn notes(input: &ReportInput, w: &Words) -> String {
    let mut h = format!(
        "<h2 id=\"notes\">{}</h2><p class=\"note\">{}</p>",
        w.h_notes,
        esc(&fill(w.n_estimated, &[&input.estimated_households]))
    );
    if !input.staffing.missing_data.is_empty() {
        let names: Vec<String> = input
            .staffing
            .missing_data
            .iter()
            .map(|id| input.community_label(id))
            .collect();
        h.push_str(&format!(
            "<p class=\"note\">{}</p>",
            esc(&fill(w.n_no_staff, &[&names.join(w.sep)]))
        ));
    }
    if !input.warnings.is_empty() {
        h.push_str(&format!(
            "<p class=\"note\">{}</p><ul class=\"warnings\">",
            esc(w.n_warnings)
        ));
        for m in &input.warnings {
            h.push_str(&format!("<li class=\"warning\">{}</li>", esc(m)));
        }
        h.push_str("</ul>");
    }
    h
}
