//! report.html: one self-contained page (no tiles, no CDN) with a map of the
//! neighborhoods coloured by deviation from target, toggleable layers with
//! hover details, and the tables of the summary.

use super::neighborhoods::NeighborhoodFigures;
use crate::staffing::{StaffingPlan, StaffingRow};
use serde_json::Value;

/// A map layer for the report: GeoJSON text (RFC 7946) and how to draw it.
#[derive(Debug, Clone)]
pub struct MapLayer {
    /// Shown name (also the toggle's label).
    pub name: String,
    /// CSS class used for styling and by tests (e.g. `neighborhood`).
    pub class: String,
    /// A FeatureCollection.
    pub geojson: String,
    /// Shown when the page opens.
    pub visible: bool,
}

/// Everything the report shows.
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    /// Scenario name.
    pub title: String,
    /// Map layers, bottom first.
    pub layers: Vec<MapLayer>,
    /// Neighborhood figures.
    pub neighborhoods: &'a [NeighborhoodFigures],
    /// Staffing.
    pub staffing: &'a StaffingPlan,
    /// Coverage share of households per kind, per community id (empty
    /// without a coverage stage).
    pub coverage: Vec<(String, Vec<(String, f64)>)>,
    /// The same per street name.
    pub street_coverage: Vec<(String, Vec<(String, f64)>)>,
    /// Households estimated from footprints.
    pub estimated_households: u64,
    /// Warnings of every stage.
    pub warnings: Vec<String>,
    /// The partition's figures per community and street (the same numbers
    /// as partition_summary.json).
    pub partition: &'a super::neighborhoods::PartitionSummary,
    /// The audit of the scenario's existing grid, when it has one.
    pub audit: Option<&'a super::audit::AuditSummary>,
}

fn audit_section(a: &super::audit::AuditSummary) -> String {
    let mut h = String::from(
        "<h3>Existing grid (audit)</h3><p>The grid the scenario already has (its neighborhoods.geojson), checked against the same rules; the planned neighborhoods above are drawn from scratch. <code>linli redraw</code> fixes it with minimal change.</p><table class=\"audit\"><tr><th>community</th><th>neighborhoods</th><th>compliant</th><th>within band</th><th>gaps (households)</th><th>overlaps (households)</th><th>multi-part</th><th>crossing border</th><th>crossing a strong barrier</th><th>buildings cut</th><th>slivers</th><th>barrier share</th><th>per worker</th><th>staffing</th></tr>",
    );
    for c in a.communities.iter().chain([&a.overall]) {
        let staffing = c
            .staffing
            .and_then(|s| serde_json::to_value(s).ok())
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        h.push_str(&format!(
            "<tr data-id=\"{}\"><td>{}</td><td class=\"n\">{}</td><td class=\"n compliant\">{}</td><td class=\"n\">{:.0}%</td><td class=\"n\">{} ({})</td><td class=\"n\">{} ({})</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{:.0}%</td><td class=\"n\">{}</td><td class=\"{}\">{}</td></tr>",
            esc(&c.id),
            esc(&c.id),
            c.neighborhoods,
            c.compliant,
            c.share_within_band * 100.0,
            c.gaps,
            c.households_in_gaps,
            c.overlaps,
            c.households_in_overlaps,
            c.multi_part,
            c.crossing_border,
            c.crossing_strong_barrier,
            c.cut_buildings,
            c.slivers,
            c.barrier_share * 100.0,
            c.neighborhoods_per_worker.map_or("–".to_string(), |v| format!("{v:.2}")),
            staffing,
            staffing.replace('_', " "),
        ));
    }
    h.push_str("</table>");
    if !a.non_compliant.is_empty() {
        h.push_str("<table class=\"audit_flags\"><tr><th>existing neighborhood</th><th>what is wrong</th></tr>");
        for (id, flags) in &a.non_compliant {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td></tr>",
                esc(id),
                esc(&flags.join(", "))
            ));
        }
        h.push_str("</table>");
    }
    h
}

/// The strong barriers left inside neighborhoods, with their reasons.
fn strong_barrier_section(p: &super::neighborhoods::PartitionSummary) -> String {
    use crate::partition::straddles::Reason;
    let rows: Vec<_> = p
        .strong_barriers
        .iter()
        .filter(|r| r.length_m > super::neighborhoods::STRADDLE_M)
        .collect();
    if rows.is_empty() {
        return "<p>No neighborhood straddles a motorway, trunk or primary road, river, canal or railway.</p>".into();
    }
    let mut h = String::from(
        "<h3>Strong barriers inside neighborhoods</h3><table class=\"straddles\"><tr><th>neighborhood</th><th>barrier</th><th>metres</th><th>why</th></tr>",
    );
    for r in rows {
        let why = match (r.reason, r.households) {
            (Reason::SmallSide, Some(h)) => {
                format!("the side across it holds {h} households, below the band: joined")
            }
            (Reason::WholeCommunity, Some(h)) => {
                format!("the whole community holds {h} households: one neighborhood")
            }
            (Reason::OpenEnded, _) => {
                "the line ends nearby: both sides are one piece of the community".into()
            }
            (Reason::DeadEnd, _) => {
                "the line ends inside the block, far from any other line".into()
            }
            (Reason::InsideBlock, _) => {
                "runs inside one block (under a building kept whole)".into()
            }
            _ => String::new(),
        };
        h.push_str(&format!(
            "<tr><td>{}</td><td>{} (level {})</td><td class=\"n\">{:.0}</td><td>{}</td></tr>",
            esc(&r.neighborhood),
            esc(r.kind),
            r.level,
            r.length_m,
            esc(&why)
        ));
    }
    h.push_str("</table>");
    h
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One cell per kind: the share covered, or a dash where unknown.
fn coverage_cells(kinds: &[String], shares: Option<&[(String, f64)]>) -> String {
    kinds
        .iter()
        .map(|k| {
            let v = shares
                .and_then(|v| v.iter().find(|x| &x.0 == k))
                .map(|x| x.1);
            format!(
                "<td class=\"n\">{}</td>",
                v.map_or("–".into(), |v| format!("{:.0}%", v * 100.0))
            )
        })
        .collect()
}

fn staffing_table(title: &str, rows: &[StaffingRow]) -> String {
    let mut h = format!(
        "<h3>{}</h3><table class=\"staffing\"><tr><th>id</th><th>street</th><th>neighborhoods</th><th>households</th><th>workers</th><th>neighborhoods per worker</th><th>status</th><th>missing</th><th>surplus</th></tr>",
        esc(title)
    );
    for r in rows {
        let status = serde_json::to_value(r.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        h.push_str(&format!(
            "<tr data-id=\"{}\"><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"{}\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&r.id),
            esc(&r.id),
            esc(&r.street),
            r.neighborhoods,
            r.households,
            r.workers.map_or("no data".to_string(), |w| w.to_string()),
            r.neighborhoods_per_worker.map_or("–".to_string(), |v| format!("{v:.2}")),
            status,
            status.replace('_', " "),
            r.workers_missing,
            r.workers_surplus
        ));
    }
    h.push_str("</table>");
    h
}

/// Renders the page.
pub fn render(input: &ReportInput) -> String {
    let kinds = kinds_covered(input);
    let mut tables = community_table(input, &kinds);
    tables.push_str(&street_table(input, &kinds));
    tables.push_str(&staffing_table(
        "Staffing by community",
        &input.staffing.communities,
    ));
    tables.push_str(&staffing_table(
        "Staffing by street",
        &input.staffing.streets,
    ));
    tables.push_str(&staffing_table(
        "District",
        std::slice::from_ref(&input.staffing.district),
    ));
    tables.push_str(&format!(
        "<p class=\"staffing_words\">Staffing: {}.</p>",
        esc(&crate::staffing::describe(&input.staffing.communities))
    ));
    tables.push_str(&flag_table(input.neighborhoods));
    tables.push_str(&strong_barrier_section(input.partition));
    if let Some(a) = input.audit {
        tables.push_str(&audit_section(a));
    }
    let data = layers_data(&input.layers).replace("</", "<\\/");
    TEMPLATE
        .replace("{{TITLE}}", &esc(&input.title))
        .replace("{{TABLES}}", &tables)
        .replace("{{NOTES}}", &notes(input))
        .replace("{{DATA}}", &data)
}

/// The facility kinds of the coverage shares, sorted.
fn kinds_covered(input: &ReportInput) -> Vec<String> {
    let mut k: Vec<String> = input
        .coverage
        .iter()
        .flat_map(|(_, v)| v.iter().map(|x| x.0.clone()))
        .collect();
    k.sort();
    k.dedup();
    k
}

/// Per community: households, neighborhoods, band share, shape, barrier
/// share and coverage.
fn community_table(input: &ReportInput, kinds: &[String]) -> String {
    let mut h = String::from(
        "<h3>Communities</h3><table class=\"communities\"><tr><th>community</th><th>street</th><th>households</th><th>neighborhoods</th><th>within band</th><th>mean Polsby-Popper</th><th>barrier share</th>",
    );
    for k in kinds {
        h.push_str(&format!("<th>covered: {}</th>", esc(k)));
    }
    h.push_str("</tr>");
    for r in &input.staffing.communities {
        let st = input.partition.communities.iter().find(|c| c.id == r.id);
        let (within, pp, bs) = st.map_or((0.0, 0.0, 0.0), |c| {
            (c.share_within_band, c.mean_polsby_popper, c.barrier_share)
        });
        h.push_str(&format!(
            "<tr data-id=\"{}\"><td>{}</td><td>{}</td><td class=\"n households\">{}</td><td class=\"n count\">{}</td><td class=\"n\">{:.0}%</td><td class=\"n\">{:.2}</td><td class=\"n\">{:.0}%</td>",
            esc(&r.id),
            esc(&r.id),
            esc(&r.street),
            r.households,
            r.neighborhoods,
            within * 100.0,
            pp,
            bs * 100.0
        ));
        let cov = input.coverage.iter().find(|(c, _)| c == &r.id);
        h.push_str(&coverage_cells(kinds, cov.map(|(_, v)| v.as_slice())));
        h.push_str("</tr>");
    }
    h.push_str("</table>");
    h
}

/// Per street: the same figures over the street's communities.
fn street_table(input: &ReportInput, kinds: &[String]) -> String {
    let mut h = String::from(
        "<h3>Streets</h3><table class=\"streets\"><tr><th>street</th><th>households</th><th>neighborhoods</th><th>within band</th>",
    );
    for k in kinds {
        h.push_str(&format!("<th>covered: {}</th>", esc(k)));
    }
    h.push_str("</tr>");
    for r in &input.staffing.streets {
        let within = input
            .partition
            .streets
            .iter()
            .find(|s| s.id == r.street)
            .map_or(0.0, |s| s.share_within_band);
        h.push_str(&format!(
            "<tr data-id=\"{}\"><td>{}</td><td class=\"n households\">{}</td><td class=\"n count\">{}</td><td class=\"n\">{:.0}%</td>",
            esc(&r.street),
            esc(&r.street),
            r.households,
            r.neighborhoods,
            within * 100.0
        ));
        let cov = input.street_coverage.iter().find(|(s, _)| s == &r.street);
        h.push_str(&coverage_cells(kinds, cov.map(|(_, v)| v.as_slice())));
        h.push_str("</tr>");
    }
    h.push_str("</table>");
    h
}

/// The neighborhoods with flags.
fn flag_table(neighborhoods: &[NeighborhoodFigures]) -> String {
    let mut h = String::from(
        "<h3>Flagged neighborhoods</h3><table class=\"flags\"><tr><th>neighborhood</th><th>households</th><th>flags</th></tr>",
    );
    for f in neighborhoods.iter().filter(|f| !f.flags.is_empty()) {
        h.push_str(&format!(
            "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&f.id),
            f.households,
            esc(&f.flags.join(", "))
        ));
    }
    h.push_str("</table>");
    h
}

/// The notes beside the map: estimated households, missing staff data,
/// warnings.
fn notes(input: &ReportInput) -> String {
    let mut notes = format!(
        "<p>{} households were estimated from footprint × levels.</p>",
        input.estimated_households
    );
    if !input.staffing.missing_data.is_empty() {
        notes.push_str(&format!(
            "<p>No staff data for: {}.</p>",
            esc(&input.staffing.missing_data.join(", "))
        ));
    }
    for w in &input.warnings {
        notes.push_str(&format!("<p class=\"warning\">{}</p>", esc(w)));
    }
    notes
}

/// The map's layers as a JSON array.
///
/// The layers' GeoJSON goes in as written (linli's own files, valid JSON):
/// parsing tens of megabytes into a value tree only to print it again was
/// most of this stage on a district.
fn layers_data(layers: &[MapLayer]) -> String {
    let mut data = String::with_capacity(layers.iter().map(|l| l.geojson.len() + 96).sum());
    data.push('[');
    for (i, l) in layers.iter().enumerate() {
        if i > 0 {
            data.push(',');
        }
        let text = l.geojson.trim();
        let geojson = if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
            text
        } else {
            "null"
        };
        data.push_str(&format!(
            "{{\"class\":{},\"data\":{geojson},\"name\":{},\"visible\":{}}}",
            Value::from(l.class.as_str()),
            Value::from(l.name.as_str()),
            l.visible
        ));
    }
    data.push(']');
    data
}

const TEMPLATE: &str = r##"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>linli — {{TITLE}}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222}
header{padding:10px 16px;background:#23395d;color:#fff}
main{display:flex;gap:12px;padding:12px}
#map{flex:2;min-width:0;border:1px solid #ccc;background:#fafaf7}
#side{flex:1;min-width:260px}
svg{width:100%;height:70vh;display:block}
path{vector-effect:non-scaling-stroke}circle{vector-effect:non-scaling-stroke}
path.neighborhood{stroke:#333;stroke-width:.6}
path.neighborhood:hover,path.neighborhood.pinned{stroke:#000;stroke-width:2.5}
path.service_area{fill:#3b82f6;fill-opacity:.12;stroke:#3b82f6;stroke-width:.4}
path.gap{fill:#111;fill-opacity:.28;stroke:#111;stroke-width:1.2;stroke-dasharray:3 2}
path.patch{fill:none;stroke:#7c3aed;stroke-width:2;stroke-dasharray:4 3}
path.existing{fill:none;stroke:#ea580c;stroke-width:1.6;stroke-dasharray:6 3}
path.audit_gap{fill:#ea580c;fill-opacity:.45;stroke:#ea580c;stroke-width:1}
path.audit_overlap{fill:#be123c;fill-opacity:.45;stroke:#be123c;stroke-width:1}
circle.facility{fill:#111;stroke:#fff;stroke-width:1}
table{border-collapse:collapse;margin:6px 0 14px;font-size:13px}
td,th{border:1px solid #ddd;padding:3px 6px}td.n{text-align:right}
td.understaffed{color:#b91c1c}td.overstaffed{color:#b45309}td.within_standard{color:#15803d}td.mixed{color:#7c3aed}td.no_data{color:#6b7280}
.legend span{display:inline-block;width:18px;height:10px;margin-left:6px}
#details{white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:12px;background:#f4f4f4;padding:6px;min-height:4em}
section{padding:0 16px 16px}
</style></head><body>
<header><b>linli</b> 邻里 — {{TITLE}}</header>
<main><div id="map"><svg id="svg" xmlns="http://www.w3.org/2000/svg"></svg></div>
<div id="side"><h3>Layers</h3><div id="toggles"></div>
<div class="legend">deviation from target:<span style="background:#2563eb"></span>−1/3<span style="background:#f7f7f7;border:1px solid #ccc"></span>0<span style="background:#dc2626"></span>+1/3</div>
<h3>Details</h3><div id="details">hover or click a shape</div>{{NOTES}}</div></main>
<section>{{TABLES}}</section>
<script>
const LAYERS={{DATA}};
const svg=document.getElementById('svg');const NS='http://www.w3.org/2000/svg';
let minX=1e9,minY=1e9,maxX=-1e9,maxY=-1e9,lat0=0,n=0;
function each(g,f){if(!g)return;const t=g.type,c=g.coordinates;if(t==='Point')f(c);else if(t==='LineString'||t==='MultiPoint')c.forEach(f);else if(t==='Polygon'||t==='MultiLineString')c.forEach(r=>r.forEach(f));else if(t==='MultiPolygon')c.forEach(p=>p.forEach(r=>r.forEach(f)));}
LAYERS.forEach(l=>(l.data&&l.data.features||[]).forEach(ft=>each(ft.geometry,p=>{lat0+=p[1];n++;})));
lat0=n?lat0/n:0;const k=Math.cos(lat0*Math.PI/180);
const X=p=>p[0]*k,Y=p=>-p[1];
LAYERS.forEach(l=>(l.data&&l.data.features||[]).forEach(ft=>each(ft.geometry,p=>{minX=Math.min(minX,X(p));maxX=Math.max(maxX,X(p));minY=Math.min(minY,Y(p));maxY=Math.max(maxY,Y(p));})));
const W=maxX-minX||1,H=maxY-minY||1;svg.setAttribute('viewBox',`${minX-W*.02} ${minY-H*.02} ${W*1.04} ${H*1.04}`);
const r=W/300;
function ring(rr){return 'M'+rr.map(p=>X(p)+','+Y(p)).join('L')+'Z';}
function d(g){if(g.type==='Polygon')return g.coordinates.map(ring).join('');if(g.type==='MultiPolygon')return g.coordinates.map(p=>p.map(ring).join('')).join('');if(g.type==='LineString')return 'M'+g.coordinates.map(p=>X(p)+','+Y(p)).join('L');return '';}
function colour(dev){const t=Math.max(-1,Math.min(1,dev*3));const a=[247,247,247],b=t<0?[37,99,235]:[220,38,38],s=Math.abs(t);return `rgb(${a.map((v,i)=>Math.round(v+(b[i]-v)*s)).join(',')})`;}
const details=document.getElementById('details');let pinned=null;
function show(ft){details.textContent=Object.entries(ft.properties||{}).map(([k,v])=>k+': '+(Array.isArray(v)?v.join(', '):v)).join('\n');}
LAYERS.forEach(l=>{const g=document.createElementNS(NS,'g');g.setAttribute('data-layer',l.class);if(!l.visible)g.style.display='none';svg.appendChild(g);
(l.data&&l.data.features||[]).forEach(ft=>{let el;if(ft.geometry.type==='Point'){el=document.createElementNS(NS,'circle');el.setAttribute('cx',X(ft.geometry.coordinates));el.setAttribute('cy',Y(ft.geometry.coordinates));el.setAttribute('r',r);}else{el=document.createElementNS(NS,'path');el.setAttribute('d',d(ft.geometry));el.setAttribute('fill-rule','evenodd');}
el.setAttribute('class',l.class);if(l.class==='neighborhood'){el.setAttribute('fill',colour(ft.properties.deviation||0));el.setAttribute('data-id',ft.properties.id);}
el.addEventListener('mouseenter',()=>{if(!pinned)show(ft);});el.addEventListener('click',()=>{if(pinned)pinned.classList.remove('pinned');pinned=el;el.classList.add('pinned');show(ft);});g.appendChild(el);});
const lab=document.createElement('label');const cb=document.createElement('input');cb.type='checkbox';cb.checked=l.visible;cb.onchange=()=>{g.style.display=cb.checked?'':'none';};lab.appendChild(cb);lab.appendChild(document.createTextNode(' '+l.name+' ('+((l.data&&l.data.features)||[]).length+')'));document.getElementById('toggles').appendChild(lab);document.getElementById('toggles').appendChild(document.createElement('br'));});
document.body.setAttribute('data-drawn',svg.querySelectorAll('path.neighborhood').length);
</script></body></html>
"##;
