//! `linli import-osm`: an OpenStreetMap extract as a scenario folder.

use super::args::Command;
use super::{Common, check_input};
use linli::error::Error;

/// The `[osm]` settings of `--config` and its text, or the defaults.
pub(super) fn import_settings(
    config: Option<&std::path::Path>,
) -> Result<(linli::config::OsmSettings, Option<String>), Error> {
    let Some(path) = config else {
        return Ok((Default::default(), None));
    };
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let cfg = linli::config::Config::from_toml_str(&text, &path.display().to_string())
        .map_err(Error::Input)?;
    Ok((cfg.osm, Some(text)))
}

pub(super) fn import_osm(
    input: &std::path::Path,
    out: &std::path::Path,
    opts: &linli::osm::ImportOptions,
    quiet: bool,
) -> Result<(), Error> {
    let t = std::time::Instant::now();
    let imp = linli::osm::import_file(input, opts)?;
    let written = imp.write(out)?;
    if !quiet {
        let c = &imp.counts;
        print_read(c, t.elapsed().as_secs_f64());
        print_layers(c);
        for (why, n) in &c.dropped {
            out!("dropped: {why} {n}");
        }
        for w in &imp.warnings {
            out!("warning: {w}");
        }
        for p in written {
            out!("wrote {}", p.display());
        }
    }
    Ok(())
}

/// What was read: elements, roads, buildings and their households.
fn print_read(c: &linli::osm::ImportCounts, elapsed: f64) {
    out!(
        "{} nodes, {} ways, {} relations ({:.1} MB, {:.2} s)",
        c.nodes,
        c.ways,
        c.relations,
        c.bytes as f64 / 1e6,
        elapsed
    );
    let [w, s, e, n] = c.area_box;
    out!(
        "area: {w:.4},{s:.4},{e:.4},{n:.4} ({:.1} km², from {})",
        c.area_km2,
        match c.area_source.as_str() {
            "header" => "the header's box",
            "data" => "where the buildings and streets are: the header gives no box",
            _ => "the box of every node: the header gives no box",
        }
    );
    out!(
        "roads: {} ({} walkable; {} ways whole, {} split at the extract's edge)",
        c.roads,
        c.roads_walkable,
        c.road_ways_complete,
        c.road_ways_split
    );
    out!(
        "buildings: {} ({} residential); households: {} ({} model{})",
        c.buildings,
        c.buildings_residential,
        c.households,
        c.region,
        if c.calibrated {
            ", calibrated to known totals"
        } else {
            ""
        }
    );
    let by: Vec<String> = c
        .households_by_source
        .iter()
        .filter(|(k, _)| *k != "non_residential")
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    out!("households by source: {}", by.join(", "));
    if let Some(x) = c.completeness {
        out!(
            "buildings look ~{:.0}% mapped (footprints on residential land, buildings along residential streets)",
            x * 100.0
        );
    }
    for (k, n) in &c.tag_warnings {
        out!("warning: {n} buildings with an unreadable {k} (ignored)");
    }
}

/// The other layers: facilities, water, rail, landmarks, compounds and
/// communities.
fn print_layers(c: &linli::osm::ImportCounts) {
    let kinds: Vec<String> = c
        .facilities
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    out!(
        "facilities: {}",
        if kinds.is_empty() {
            "none".to_string()
        } else {
            kinds.join(", ")
        }
    );
    out!(
        "water: {} lines, {} areas; rail: {}; landmarks: {}; compounds: {}",
        c.water_lines,
        c.water_areas,
        c.rail,
        c.landmarks,
        c.compounds,
    );
    out!(
        "communities: {} ({} admin{}, {} derived, {} rural; {} buildings in derived communities, {} outside every community)",
        c.communities,
        c.communities_admin,
        c.admin_level
            .map(|l| format!(" level {l}"))
            .unwrap_or_default(),
        c.communities_derived,
        c.communities_rural,
        c.buildings_in_derived_communities,
        c.buildings_outside_communities
    );
    for r in &c.calibration {
        out!(
            "calibration: {}: {} known households → {}: {}",
            if r.line.is_none() {
                "--households-total"
            } else {
                r.row.as_str()
            },
            r.known,
            r.communities.join(", "),
            r.done
        );
    }
    for t in &c.admin_levels_tried {
        out!(
            "communities: admin_level={}: {} units ({} with homes): {}",
            t.admin_level,
            t.units,
            t.with_homes,
            t.why
        );
    }
}

/// `linli import-osm`: every input file checked, the settings read, then
/// the import.
pub(super) fn command(command: Command, c: &Common) -> Result<(), Error> {
    let Command::ImportOsm {
        input,
        out,
        communities,
        admin_level,
        households_total,
        households_csv,
        allow_unmatched,
        config,
        facility,
    } = command
    else {
        unreachable!("called for import-osm only")
    };
    check_input(&input, c.max_bytes)?;
    for extra in communities.iter().chain(&households_csv).chain(&config) {
        check_input(extra, c.max_bytes)?;
    }
    let (settings, config_text) = import_settings(config.as_deref())?;
    let options = linli::osm::ImportOptions {
        admin_level,
        communities,
        facility_map: facility,
        settings,
        households_total,
        community_totals: households_csv,
        allow_unmatched,
        config_text,
    };
    import_osm(&input, &out, &options, c.quiet)
}
