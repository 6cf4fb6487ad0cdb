//! `linli plan` on data/demo end to end: the summary's figures agree with
//! the layers (households conserved, neighborhood counts per community,
//! staffing arithmetic); report.html carries the figures (it is drawn in a
//! real browser in `report_browser.rs`).

use linli::read::ReadOptions;
use serde_json::Value;
use std::path::PathBuf;

fn out_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("linli-plan-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn read_json(p: PathBuf) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn plan_summary_agrees_with_layers() {
    let d = out_dir("summary");
    let r = linli::plan::run_plan(&linli::demo::files(), &ReadOptions::default(), 1, &d).unwrap();
    let summary = read_json(d.join("summary.json"));
    let nb = read_json(d.join("neighborhoods.geojson"));
    let blocks = read_json(d.join("blocks.geojson"));
    let patches = read_json(d.join("worker_patches.geojson"));
    let features = |v: &Value| v["features"].as_array().unwrap().clone();
    let sum = |fs: &[Value], k: &str| {
        fs.iter()
            .map(|f| f["properties"][k].as_u64().unwrap())
            .sum::<u64>()
    };

    // Households conserved across layers and stages.
    let read: u64 = r
        .loaded
        .scenario
        .buildings
        .iter()
        .map(|b| u64::from(b.households))
        .sum();
    let outside = summary["blocks"]["buildings_outside"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(outside, 0);
    assert_eq!(sum(&features(&blocks), "households"), read);
    assert_eq!(sum(&features(&nb), "households"), read);
    assert_eq!(sum(&features(&patches), "households"), read);
    assert_eq!(
        summary["partition"]["overall"]["households"]
            .as_u64()
            .unwrap(),
        read
    );
    assert_eq!(
        summary["staffing"]["district"]["households"]
            .as_u64()
            .unwrap(),
        read
    );

    // Neighborhood counts per community agree between the layer, the
    // partition summary and the staffing table.
    for c in summary["staffing"]["communities"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        let in_layer = features(&nb)
            .iter()
            .filter(|f| f["properties"]["community"] == id)
            .count() as u64;
        assert_eq!(c["neighborhoods"].as_u64().unwrap(), in_layer, "{id}");
        let ps = summary["partition"]["communities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id)
            .unwrap();
        assert_eq!(ps["count"].as_u64().unwrap(), in_layer);
        // Staffing arithmetic against the 2–3 standard.
        let n = in_layer as f64;
        let w = c["workers"].as_u64().unwrap() as f64;
        let need_min = (n / 3.0).ceil();
        let need_max = (n / 2.0).floor().max(need_min);
        assert_eq!(
            c["workers_missing"].as_f64().unwrap(),
            (need_min - w).max(0.0),
            "{id}"
        );
        assert_eq!(
            c["workers_surplus"].as_f64().unwrap(),
            (w - need_max).max(0.0),
            "{id}"
        );
        if w > 0.0 {
            let ratio = c["neighborhoods_per_worker"].as_f64().unwrap();
            assert!((ratio - n / w).abs() < 0.01);
        }
    }
    let district = &summary["staffing"]["district"];
    let missing: u64 = summary["staffing"]["communities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["workers_missing"].as_u64().unwrap())
        .sum();
    assert_eq!(district["workers_missing"].as_u64().unwrap(), missing);
    assert_eq!(
        district["neighborhoods"].as_u64().unwrap(),
        features(&nb).len() as u64
    );
    // Every neighborhood is in exactly one patch.
    let mut seen = std::collections::BTreeMap::new();
    for p in features(&patches) {
        // A list as GIS tools read it: ids joined by commas.
        let ns: Vec<&str> = p["properties"]["neighborhoods"]
            .as_str()
            .unwrap()
            .split(',')
            .collect();
        assert!(
            (1..=3).contains(&ns.len()) || ns.len() <= 4,
            "{}",
            p["properties"]["id"]
        );
        for n in ns {
            *seen.entry(n.to_string()).or_insert(0) += 1;
        }
    }
    assert_eq!(seen.len(), features(&nb).len());
    assert!(seen.values().all(|&k| k == 1));
    // The report carries the summary's figures.
    let html = std::fs::read_to_string(d.join("report.html")).unwrap();
    assert!(html.contains(&format!(
        "<td class=\"n households\">{}</td>",
        summary["staffing"]["communities"][0]["households"]
    )));
    assert!(
        !html.contains("<script src") && !html.contains("<link"),
        "report must be self-contained"
    );
}
