//! `linli staff` on a scenario that already has a neighborhood grid: the
//! grid is used as it is (ids kept, households conserved), not redrawn.

use linli::read::{ReadOptions, ScenarioFiles};

#[test]
fn staff_uses_an_existing_grid() {
    let base = std::env::temp_dir().join(format!("linli-existing-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let first = base.join("plan");
    let planned =
        linli::plan::run_plan(&linli::demo::files(), &ReadOptions::default(), 1, &first).unwrap();

    // A scenario folder: the demo's layers plus the planned grid.
    let scenario = base.join("scenario");
    std::fs::create_dir_all(&scenario).unwrap();
    for (name, text) in &linli::demo::files().files {
        std::fs::write(scenario.join(name), text).unwrap();
    }
    std::fs::copy(
        first.join("neighborhoods.geojson"),
        scenario.join("neighborhoods.geojson"),
    )
    .unwrap();

    let files = ScenarioFiles::from_dir(&scenario).unwrap();
    let r =
        linli::plan::run_staff(&files, &ReadOptions::default(), 99, &base.join("staff")).unwrap();
    let before: Vec<(String, u64)> = planned
        .planned
        .partition
        .neighborhoods
        .iter()
        .map(|n| (n.id.clone(), n.households))
        .collect();
    let mut after: Vec<(String, u64)> = r
        .planned
        .partition
        .neighborhoods
        .iter()
        .map(|n| (n.id.clone(), n.households))
        .collect();
    after.sort();
    let mut before_sorted = before.clone();
    before_sorted.sort();
    // The grid written with 7 decimals reads back as the same neighborhoods.
    assert_eq!(after, before_sorted);
    assert!(
        r.planned
            .partition
            .neighborhoods
            .iter()
            .all(|n| !n.flags.iter().any(|f| f == "not_in_grid"))
    );
    let counts: Vec<usize> = r
        .staffing
        .communities
        .iter()
        .map(|c| c.neighborhoods)
        .collect();
    let expected: Vec<usize> = planned
        .staffing
        .communities
        .iter()
        .map(|c| c.neighborhoods)
        .collect();
    assert_eq!(counts, expected);
}
