//! report.html: one self-contained page (no tiles, no CDN, no fonts
//! fetched) in Chinese by default or English: a map drawn here as inline
//! SVG from the scenario and the plan (`map`: roads by class, water,
//! buildings, community borders, the neighborhoods coloured by deviation
//! from target with their codes, worker patches, facilities, coverage
//! gaps; a legend, north arrow and scale bar), toggleable layers, details
//! on hover, zoom and pan; then the tables (`tables`); printable on A3
//! landscape (the map on the first sheet). Every word comes from one table
//! per language (`words`); shapes are simplified and rounded to whole
//! metres (`svg`), so a district of 100,000 households stays a few
//! megabytes.

mod map;
mod svg;
mod tables;
mod words;

use crate::audit::Audit;
use crate::config::{Config, Lang};
use crate::coverage::KindCoverage;
use crate::coverage::circles::LifeCircle;
use crate::coverage::report::Analysis;
use crate::model::{Dissolved, Parcel, Scenario};
use crate::roster::Roster;
use crate::staffing::StaffingPlan;
use crate::write::audit::AuditSummary;
use crate::write::coverage::GridFigures;
use crate::write::neighborhoods::{NeighborhoodFigures, PartitionSummary};
use geo::MultiPolygon;
use std::collections::HashMap;
use svg::esc;
use words::Words;

/// The plan's shapes the map draws over the scenario's own layers.
///
/// ```
/// let none = linli::write::report::PlanShapes { neighborhoods: &[], patches: &[], grid: None };
/// assert!(none.neighborhoods.is_empty());
/// ```
#[derive(Debug, Clone, Copy)]
pub struct PlanShapes<'a> {
    /// One per neighborhood, in the order of [`ReportInput::neighborhoods`].
    pub neighborhoods: &'a [Dissolved],
    /// One per worker patch, in the order of the staffing plan's patches.
    pub patches: &'a [MultiPolygon<f64>],
    /// The existing grid (its polygons) and its audit, when the scenario
    /// has one.
    pub grid: Option<(&'a [Parcel], &'a Audit)>,
}

/// Everything the report shows (`linli::plan` fills it in; see [`render`]).
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    /// Scenario name.
    pub title: String,
    /// The language of every word on the page.
    pub lang: Lang,
    /// The scenario on the plane: communities (names, streets), roads,
    /// water, railways, landmarks, buildings, facilities.
    pub scenario: &'a Scenario,
    /// Its parameters (targets, the staffing standard).
    pub config: &'a Config,
    /// The plan's shapes.
    pub shapes: PlanShapes<'a>,
    /// Neighborhood figures.
    pub neighborhoods: &'a [NeighborhoodFigures],
    /// Staffing.
    pub staffing: &'a StaffingPlan,
    /// The coverage stage's kinds (thresholds, facilities).
    pub kinds: &'a [KindCoverage],
    /// Coverage shares per community, street and neighborhood, service
    /// areas and gaps.
    pub analysis: &'a Analysis,
    /// Coverage by life circle per community (scenario order).
    pub circles: &'a [LifeCircle],
    /// The roster: each community's code, each neighborhood's code and
    /// name.
    pub roster: &'a Roster,
    /// Each neighborhood's longest walk from a home to a neighborhood
    /// office, metres (`None`: none reached).
    pub office_m: &'a [Option<f64>],
    /// Households estimated from footprints.
    pub estimated_households: u64,
    /// Warnings of every stage.
    pub warnings: Vec<String>,
    /// The partition's figures per community and street (the same numbers
    /// as partition_summary.json).
    pub partition: &'a PartitionSummary,
    /// The audit of the scenario's existing grid, when it has one.
    pub audit: Option<&'a AuditSummary>,
    /// The existing grid's figures and the plan's, side by side, when the
    /// scenario has a grid.
    pub grids: Option<(GridFigures, GridFigures)>,
    /// Lookups by id, made on first use (`Default::default()`).
    pub ids: std::sync::OnceLock<Ids<'a>>,
}

/// Where each id is: a search per row or per map feature grows with the
/// square of a district. The first of equal ids wins, as a search would.
#[derive(Debug, Clone, Default)]
pub struct Ids<'a> {
    communities: HashMap<&'a str, usize>,
    staffing: HashMap<&'a str, usize>,
    figures: HashMap<&'a str, usize>,
    coverage: HashMap<&'a str, usize>,
}

/// The position of each id in `ids`, the first of equal ones.
fn positions<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    let mut m = HashMap::new();
    for (i, id) in ids.enumerate() {
        m.entry(id).or_insert(i);
    }
    m
}

impl<'a> ReportInput<'a> {
    fn ids(&self) -> &Ids<'a> {
        self.ids.get_or_init(|| Ids {
            communities: positions(self.scenario.communities.iter().map(|c| c.id.as_str())),
            staffing: positions(self.staffing.communities.iter().map(|r| r.id.as_str())),
            figures: positions(self.neighborhoods.iter().map(|f| f.id.as_str())),
            coverage: positions(self.analysis.neighborhoods.iter().map(|g| g.id.as_str())),
        })
    }

    /// The scenario's community of this id.
    fn community_index(&self, id: &str) -> Option<usize> {
        self.ids().communities.get(id).copied()
    }

    /// The staffing row of the community of this id.
    fn staffing_row(&self, id: &str) -> Option<&'a crate::staffing::StaffingRow> {
        let i = *self.ids().staffing.get(id)?;
        self.staffing.communities.get(i)
    }

    /// The index of the neighborhood figures of this id.
    fn figure_index(&self, id: &str) -> Option<usize> {
        self.ids().figures.get(id).copied()
    }

    /// The coverage of the neighborhood of this id.
    fn neighborhood_coverage(&self, id: &str) -> Option<&'a crate::coverage::GroupCoverage> {
        let i = *self.ids().coverage.get(id)?;
        self.analysis.neighborhoods.get(i)
    }
}

impl ReportInput<'_> {
    /// A community's name and code as the page shows it: `荷清苑社区
    /// (110108…)`; its id when it has neither.
    fn community_label(&self, id: &str) -> String {
        let Some(k) = self.community_index(id) else {
            return id.to_string();
        };
        let c = &self.scenario.communities[k];
        let code = self.roster.community_codes.get(k).unwrap_or(&c.id);
        if c.name.is_empty() || c.name == *code {
            code.clone()
        } else {
            format!("{} ({code})", c.name)
        }
    }

    /// Neighborhood `i`'s roster code and name (its id twice without a
    /// roster entry).
    fn code_name(&self, i: usize) -> (&str, &str) {
        match self.roster.neighborhoods.get(i) {
            Some(e) => (e.code.as_str(), e.name.as_str()),
            None => (
                self.neighborhoods[i].id.as_str(),
                self.neighborhoods[i].id.as_str(),
            ),
        }
    }
}

/// Renders the page (the same input gives the same bytes).
///
/// ```
/// use linli::config::{Lang, Output};
/// let out = std::env::temp_dir().join(format!("linli-doc-report-{}", std::process::id()));
/// let opts = linli::read::ReadOptions {
///     output: Output { lang: Lang::En, ..Output::default() },
///     ..Default::default()
/// };
/// linli::plan::run_plan(&linli::demo::files(), &opts, 1, &out).unwrap();
/// let html = std::fs::read_to_string(out.join("report.html")).unwrap();
/// assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
/// assert!(html.contains("荷清苑社区")); // communities by name
/// # std::fs::remove_dir_all(&out).unwrap();
/// ```
pub fn render(input: &ReportInput) -> String {
    let w = Words::of(input.lang);
    let drawn = map::draw(input, w);
    let title = format!("{} — {}", input.title, w.plan);
    let mut page = String::with_capacity(drawn.svg.len() + 200_000);
    page.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{}</title>\n<script>{}</script>\n<style>\n{}</style></head>\n",
        input.lang.tag(),
        esc(&title),
        ERROR_HOOK,
        include_str!("page.css")
    ));
    page.push_str(&format!(
        "<body data-errors=\"0\"><header><h1>{}</h1><span class=\"sub\">{} · {}</span></header>\n<div id=\"nocjk\" hidden>{}</div><pre id=\"errors\" hidden data-title=\"{}\"></pre>\n",
        esc(&input.title),
        esc(w.app),
        esc(w.plan),
        esc(w.no_cjk_font),
        esc(w.script_failed)
    ));
    page.push_str("<main id=\"sheet\"><div id=\"mapbox\">");
    page.push_str(&drawn.svg);
    page.push_str(&format!(
        "<div class=\"mapctl\"><span>{}</span><button id=\"reset\" type=\"button\">{}</button></div></div>\n",
        esc(w.zoom_hint),
        esc(w.reset)
    ));
    page.push_str(&side(&drawn, w));
    page.push_str("</main>\n<section id=\"tables\">");
    page.push_str(&tables::tables(input, w));
    page.push_str("</section>\n<script>\n");
    page.push_str(include_str!("page.js"));
    page.push_str("</script></body></html>\n");
    page
}

/// Notes every script error on the page (`data-errors` on the body and a
/// visible message): installed before anything else runs.
const ERROR_HOOK: &str = "window.LINLI_ERRORS=[];(function(){function note(m){window.LINLI_ERRORS.push(String(m));var b=document.body;if(!b)return;b.setAttribute('data-errors',String(window.LINLI_ERRORS.length));var e=document.getElementById('errors');if(e){e.hidden=false;e.textContent=e.getAttribute('data-title')+'\\n'+window.LINLI_ERRORS.join('\\n');}}window.addEventListener('error',function(e){note((e.message||'error')+' ('+(e.lineno||0)+':'+(e.colno||0)+')');});window.addEventListener('unhandledrejection',function(e){note('unhandled rejection: '+e.reason);});var ce=console.error;console.error=function(){note(Array.prototype.join.call(arguments,' '));return ce.apply(console,arguments);};})();";

/// The side panel: the legend, the layer toggles and the details.
fn side(drawn: &map::Drawn, w: &Words) -> String {
    let mut h = format!("<aside id=\"side\"><h2>{}</h2>", esc(w.legend));
    h.push_str(&legend(drawn, w));
    h.push_str(&format!(
        "<div class=\"screen\"><h2>{}</h2><div id=\"toggles\">",
        esc(w.layers)
    ));
    for (key, name, shown, count) in &drawn.toggles {
        h.push_str(&format!(
            "<label><input type=\"checkbox\" value=\"{key}\"{}> {} ({count})</label>",
            if *shown { " checked" } else { "" },
            esc(name)
        ));
    }
    h.push_str(&format!(
        "</div><h2>{}</h2><div id=\"details\">{}</div></div></aside>\n",
        esc(w.details),
        esc(w.details_hint)
    ));
    h
}

/// One legend line: a swatch (SVG markup in a 34 × 16 box) and a label.
fn legend_item(swatch: &str, label: &str) -> String {
    format!(
        "<li><svg viewBox=\"0 0 34 16\">{swatch}</svg><span>{}</span></li>",
        esc(label)
    )
}

/// The legend: the deviation ramp, then every kind of line, area and dot
/// the map draws.
fn legend(drawn: &map::Drawn, w: &Words) -> String {
    let mut h = format!(
        "<div>{}</div><div class=\"ramp\"><i></i><div><span>{}</span><span>{}</span><span>{}</span></div></div><ul class=\"legend\">",
        esc(w.deviation_title),
        esc(w.deviation_low),
        esc(w.deviation_mid),
        esc(w.deviation_high)
    );
    let line = |class: &str| format!("<path class=\"{class}\" d=\"M2 8h30\"/>");
    let area = |class: &str| format!("<path class=\"{class}\" d=\"M3 2h28v12h-28z\"/>");
    h.push_str(&legend_item(&line("nbl"), w.l_neighborhood_borders));
    h.push_str(&legend_item(&line("cm"), w.l_communities));
    h.push_str(&legend_item(&line("pt"), w.l_patches));
    for &c in &drawn.road_classes {
        h.push_str(&legend_item(&line(&format!("rd r{c}")), w.road_classes[c]));
    }
    if drawn.has[0] {
        let swatch = area("wa") + "<path class=\"wl\" d=\"M2 8h30\"/>";
        h.push_str(&legend_item(&swatch, w.l_water));
    }
    if drawn.has[1] {
        h.push_str(&legend_item(&line("rl"), w.l_rail));
    }
    if drawn.has[2] {
        h.push_str(&legend_item(&area("lm"), w.l_landmarks));
    }
    h.push_str(&legend_item(&area("bh"), w.l_homes));
    h.push_str(&legend_item(&area("bo"), w.l_other_buildings));
    h.push_str(&legend_item(&area("gp"), w.l_gaps));
    h.push_str(&legend_item(&area("sa"), w.l_service_areas));
    if drawn.toggles.iter().any(|t| t.0 == "existing") {
        h.push_str(&legend_item(&line("ex"), w.l_existing));
        h.push_str(&legend_item(&area("eg"), w.l_grid_gaps));
        h.push_str(&legend_item(&area("eo"), w.l_grid_overlaps));
    }
    for (kind, k) in &drawn.kinds {
        let dot =
            format!("<path class=\"fh\" d=\"M17 8h0\"/><path class=\"fc f{k}\" d=\"M17 8h0\"/>");
        h.push_str(&legend_item(&dot, &w.kind(kind)));
    }
    h.push_str("</ul>");
    h
}
