//! OpenStreetMap import: the three real extracts in ../shared/osm become
//! scenarios that `plan` runs on end to end, and the import's counts match
//! counts taken independently from the same files.

use linli::osm::{ImportOptions, import_file};
use linli::read::{ReadOptions, ScenarioFiles};
use osmpbf::{Element, ElementReader};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The extracts live in ../shared/osm beside the checkout.
fn extract(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/osm")
        .join(name);
    if p.is_file() {
        Some(p)
    } else {
        eprintln!("skipping: {} not found", p.display());
        None
    }
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("linli-osm-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Counts taken with a separate simple pass over the file.
#[derive(Debug, Default)]
struct Independent {
    nodes: usize,
    ways: usize,
    relations: usize,
    /// highway ways that are road lines, every node present.
    road_ways_complete: usize,
    /// closed building ways, every node present.
    building_ways_complete: usize,
    /// closed building ways with some node missing.
    building_ways_partial: usize,
    /// facility nodes by kind (amenity values only).
    community_centre_nodes: usize,
}

fn independent(path: &Path) -> Independent {
    let mut node_ids = HashSet::new();
    let mut ways: Vec<(Vec<i64>, HashMap<String, String>)> = Vec::new();
    let mut c = Independent::default();
    let not_roads = [
        "platform",
        "proposed",
        "construction",
        "abandoned",
        "razed",
        "raceway",
        "bus_stop",
        "elevator",
        "services",
        "rest_area",
    ];
    ElementReader::from_path(path)
        .unwrap()
        .for_each(|e| match e {
            Element::Node(n) => {
                node_ids.insert(n.id());
                if n.tags().any(|kv| kv == ("amenity", "community_centre")) {
                    c.community_centre_nodes += 1;
                }
            }
            Element::DenseNode(n) => {
                node_ids.insert(n.id());
                if n.tags().any(|kv| kv == ("amenity", "community_centre")) {
                    c.community_centre_nodes += 1;
                }
            }
            Element::Way(w) => ways.push((
                w.refs().collect(),
                w.tags()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            )),
            Element::Relation(_) => c.relations += 1,
        })
        .unwrap();
    c.nodes = node_ids.len();
    c.ways = ways.len();
    for (refs, tags) in &ways {
        let all = refs.iter().all(|r| node_ids.contains(r));
        if let Some(h) = tags.get("highway")
            && !not_roads.contains(&h.as_str())
            && tags.get("area").map(String::as_str) != Some("yes")
            && all
        {
            c.road_ways_complete += 1;
        }
        let closed = refs.len() >= 4 && refs.first() == refs.last();
        if tags.get("building").is_some_and(|b| b != "no") && closed {
            if all {
                c.building_ways_complete += 1;
            } else {
                c.building_ways_partial += 1;
            }
        }
    }
    c
}

fn check(name: &str) {
    let Some(path) = extract(name) else { return };
    let imp = import_file(&path, &ImportOptions::default()).unwrap();
    let c = &imp.counts;
    let ind = independent(&path);
    eprintln!("{name}: {c:?}\nindependent: {ind:?}");
    assert_eq!(c.nodes, ind.nodes);
    assert_eq!(c.ways, ind.ways);
    assert_eq!(c.relations, ind.relations);
    assert_eq!(c.road_ways_complete, ind.road_ways_complete);
    assert!(c.roads >= c.road_ways_complete + c.road_ways_split);
    // Every complete closed building way is written, or dropped as invalid.
    let invalid = c
        .dropped
        .get("buildings.invalid_polygon")
        .copied()
        .unwrap_or(0);
    assert!(c.building_ways <= ind.building_ways_complete);
    assert!(ind.building_ways_complete <= c.building_ways + invalid);
    assert_eq!(c.buildings, c.building_ways + c.building_relations);
    // Partial building ways are dropped with a count (relations may add more).
    let partial = c
        .dropped
        .get("buildings.area_missing_nodes")
        .copied()
        .unwrap_or(0);
    assert!(partial >= ind.building_ways_partial);
    assert!(
        c.facilities.get("community_centre").copied().unwrap_or(0) >= ind.community_centre_nodes
    );
    assert!(c.buildings_estimated_households <= c.buildings_residential);

    // Written files: RFC 7946 text, deterministic.
    let dir = temp(name);
    let written = imp.write(&dir).unwrap();
    assert!(written.iter().any(|p| p.ends_with("import_summary.json")));
    let again = import_file(&path, &ImportOptions::default()).unwrap();
    assert_eq!(again.files, imp.files, "import is deterministic");
    let roads: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("roads.geojson")).unwrap()).unwrap();
    assert_eq!(roads["features"].as_array().unwrap().len(), c.roads);

    // The scenario is read and partitioned as written (the whole plan on
    // the small extract: coverage's service areas on Helsinki's dense
    // footways take minutes in a debug build).
    let out = temp(&format!("{name}-out"));
    let files = ScenarioFiles::from_dir(&dir).unwrap();
    if c.buildings < 200 {
        let r = linli::plan::run_plan(&files, &ReadOptions::default(), 1, &out).unwrap();
        assert_eq!(r.loaded.scenario.buildings.len(), c.buildings);
        assert!(!r.planned.partition.neighborhoods.is_empty());
    } else {
        let loaded = linli::pipeline::load(&files, &ReadOptions::default()).unwrap();
        assert_eq!(loaded.scenario.buildings.len(), c.buildings);
        let planned = linli::pipeline::neighborhoods(&loaded, 1).unwrap();
        assert!(!planned.partition.neighborhoods.is_empty());
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn nantong_imports_and_plans() {
    check("nantong-haimen-dieshiqiao.osm.pbf");
}

#[test]
fn beijing_imports_and_plans() {
    check("beijing-wudaokou.osm.pbf");
}

#[test]
fn helsinki_imports_and_plans() {
    check("helsinki-centre.osm.pbf");
}

#[test]
fn bad_files_are_errors_naming_the_file() {
    let dir = temp("bad");
    std::fs::create_dir_all(&dir).unwrap();
    let not_pbf = dir.join("not.osm.pbf");
    std::fs::write(&not_pbf, b"{\"type\":\"FeatureCollection\"}").unwrap();
    let e = import_file(&not_pbf, &ImportOptions::default()).unwrap_err();
    assert!(e.to_string().contains("not.osm.pbf"), "{e}");
    let empty = dir.join("empty.osm.pbf");
    std::fs::write(&empty, b"").unwrap();
    let e = import_file(&empty, &ImportOptions::default()).unwrap_err();
    assert!(e.to_string().contains("empty.osm.pbf"), "{e}");
    if let Some(p) = extract("nantong-haimen-dieshiqiao.osm.pbf") {
        let bytes = std::fs::read(p).unwrap();
        for cut in [10, 100, bytes.len() / 2, bytes.len() - 1] {
            let e = linli::osm::import(&bytes[..cut], "cut.osm.pbf", &ImportOptions::default())
                .unwrap_err();
            assert!(e.to_string().contains("cut.osm.pbf"), "{e}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Users extend the facility table: an extra KEY=VALUE → kind mapping adds
/// facilities of that kind and keeps the built-in ones.
#[test]
fn users_extend_the_facility_table() {
    let Some(path) = extract("beijing-wudaokou.osm.pbf") else {
        return;
    };
    let base = import_file(&path, &ImportOptions::default()).unwrap();
    let opts = ImportOptions {
        facility_map: vec![("amenity".into(), "restaurant".into(), "canteen".into())],
        ..ImportOptions::default()
    };
    let more = import_file(&path, &opts).unwrap();
    let added = more.counts.facilities.get("canteen").copied().unwrap_or(0);
    assert!(
        added > 0,
        "the extract has restaurants: {:?}",
        more.counts.facilities
    );
    for (kind, n) in &base.counts.facilities {
        assert_eq!(more.counts.facilities.get(kind), Some(n), "{kind}");
    }
}
