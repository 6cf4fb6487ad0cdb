//! The merged plan's report.html: the district's totals, one row per part
//! and per community, and a link to each part's own report (copied into
//! `reports/`, with its map).

use super::PlanPart;
use serde_json::Value;
use std::fmt::Write;

/// Text made safe for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The page.
pub fn render(parts: &[PlanPart], summary: &Value) -> String {
    let o = &summary["partition"]["overall"];
    let d = &summary["staffing"]["district"];
    let mut h = String::from(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>邻里划分（合并）</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}</style></head><body>\n",
    );
    let _ = writeln!(
        h,
        "<h1>{} — 邻里划分（{} 个分片合并）</h1>",
        esc(summary["scenario"].as_str().unwrap_or("")),
        parts.len()
    );
    let _ = writeln!(
        h,
        "<p>邻里 {} 个，户数 {}，户数中位数 {}，在 {}–{} 户区间内的比例 {:.1}%。社工 {} 人，每名社工服务邻里 {}。</p>",
        o["count"],
        o["households"],
        o["median_households"],
        o["min_households"],
        o["max_households"],
        o["share_within_band"].as_f64().unwrap_or(0.0) * 100.0,
        d["workers"],
        d["neighborhoods_per_worker"]
    );
    h.push_str(
        "<h2>分片</h2>\n<table><tr><th>分片</th><th>社区</th><th>户数</th><th>报告</th></tr>\n",
    );
    for p in parts {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><a href=\"reports/{}.html\">打开</a></td></tr>",
            esc(&p.info.name),
            p.info.communities.len(),
            p.info.households,
            esc(&p.info.name)
        );
    }
    h.push_str("</table>\n<h2>社区</h2>\n<table><tr><th>社区</th><th>邻里</th><th>户数</th><th>区间内比例</th><th>社工</th><th>状态</th></tr>\n");
    let staff = summary["staffing"]["communities"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for c in summary["partition"]["communities"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let id = c["id"].as_str().unwrap_or("");
        let s = staff.iter().find(|s| s["id"].as_str() == Some(id));
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.0}%</td><td>{}</td><td>{}</td></tr>",
            esc(id),
            c["count"],
            c["households"],
            c["share_within_band"].as_f64().unwrap_or(0.0) * 100.0,
            s.map_or(String::new(), |s| s["workers"].to_string()),
            esc(s.and_then(|s| s["status"].as_str()).unwrap_or(""))
        );
    }
    h.push_str("</table>\n<p>地图与覆盖分析见各分片报告；图层（neighborhoods.geojson 等）为各分片之合并。</p>\n</body></html>\n");
    h
}
