//! The command line's arguments (clap): parsing only; what they mean is
//! settled in `cli/mod.rs` and each command's file.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "linli",
    version = env!("LINLI_LONG_VERSION"),
    about = "Plans neighborhoods (邻里) for community governance: blocks along roads, rivers and landmarks.",
    after_help = "Examples:\n  linli demo                         plan the embedded demo into ./out\n  linli blocks data/demo --out out   polygonize a scenario into blocks\n  linli blocks city/ --crs EPSG:4549 --out out\n\nA scenario is a folder of GeoJSON layers (communities, buildings, roads, water, rail,\nlandmarks, compounds, facilities) plus an optional scenario.toml; see README.md."
)]
pub(super) struct Args {
    /// Print nothing but errors.
    #[arg(long, short, global = true)]
    pub(super) quiet: bool,
    /// Datum of lon/lat inputs: wgs84 (also CGCS2000) or gcj02 (AMap/Tencent web maps).
    #[arg(long, global = true, value_enum, default_value_t = Datum::Wgs84)]
    pub(super) datum: Datum,
    /// Datum of lon/lat outputs: gcj02 to overlay on AMap/Tencent maps.
    #[arg(long, global = true, value_enum, default_value_t = Datum::Wgs84)]
    pub(super) output_datum: Datum,
    /// Format of the layers written: geojson (RFC 7946, the default), gpkg
    /// (one plan.gpkg with every layer and table), shp or fgb.
    #[arg(long, global = true, default_value = "geojson")]
    pub(super) format: String,
    /// CRS of the layers written: EPSG:4326 (the default), EPSG:4490
    /// (CGCS2000 lon/lat), a CGCS2000 Gauss-Krüger zone EPSG:4491–4554, or
    /// UTM EPSG:326xx/327xx.
    #[arg(long, global = true)]
    pub(super) out_crs: Option<String>,
    /// Language of report.html: zh (Chinese, the default) or en (English).
    #[arg(long, global = true, default_value = "zh")]
    pub(super) lang: String,
    /// Largest input file read, in MB (MiB); a larger one is an error.
    #[arg(long, global = true, default_value_t = linli::read::text::DEFAULT_MAX_BYTES >> 20, value_parser = clap::value_parser!(u64).range(1..=1 << 24))]
    pub(super) max_input_mb: u64,
    /// A standards profile (life circles and walking limits per facility
    /// kind) over the built-in one, instead of the scenario's
    /// standards.toml; see docs/standards.md.
    #[arg(long, global = true, value_name = "FILE")]
    pub(super) standards: Option<PathBuf>,
    #[command(subcommand)]
    pub(super) command: Command,
}

/// A lon/lat datum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Datum {
    /// WGS 84 (and CGCS2000, the same to centimetres).
    Wgs84,
    /// GCJ-02, the offset datum of Chinese web maps.
    Gcj02,
}

#[derive(Debug, Subcommand)]
pub(super) enum Command {
    /// Plan a scenario: blocks → neighborhoods → staffing; every layer, summary.json and report.html.
    #[command(
        after_help = "Examples:\n  linli plan data/demo --out out\n  linli plan city/ --out out --crs EPSG:4549 --seed 7\n\nWrites blocks.geojson, neighborhoods.geojson, worker_patches.geojson, staffing.csv,\nsummary.json and report.html (open it in a browser; it works offline)."
    )]
    Plan {
        /// Scenario folder.
        scenario: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// CRS of the input layers, e.g. EPSG:4549; lon/lat when absent.
        #[arg(long)]
        crs: Option<String>,
        /// Seed of the partition search.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print the seconds each stage took (the files stay the same).
        #[arg(long)]
        timings: bool,
    },
    /// Edit a plan in the browser: move blocks, split, merge, lock, re-balance, with live figures.
    #[command(
        after_help = "Examples:\n  linli serve data/demo                       the demo's grid, at http://127.0.0.1:8150/\n  linli serve data/demo --replan              linli's own plan of the demo instead\n  linli serve city/ --plan edited/            resumes from edited/edits.jsonl, saves there\n  linli serve city/ --bind 0.0.0.0:8150       off loopback: a token is generated and printed\n\nSave writes every output of `linli plan` into the --plan folder (default: out), with\nedits.jsonl, the log of every edit (time, what moved, from, to)."
    )]
    Serve {
        /// Scenario folder.
        scenario: PathBuf,
        /// Plan folder: resumed from its edits.jsonl when there is one; Save writes here.
        #[arg(long, default_value = "out")]
        plan: PathBuf,
        /// Address to listen on (port 0: any free port).
        #[arg(long, default_value = "127.0.0.1:8150")]
        bind: std::net::SocketAddr,
        /// Token every request must carry (required off loopback; generated when absent).
        #[arg(long)]
        token: Option<String>,
        /// Start from linli's own plan even when the scenario has an existing grid (neighborhoods.geojson).
        #[arg(long)]
        replan: bool,
        /// CRS of the input layers, e.g. EPSG:4549; lon/lat when absent.
        #[arg(long)]
        crs: Option<String>,
        /// Seed of the partition search.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Social workers per neighborhood against the 2–3 standard, and worker patches.
    #[command(
        after_help = "Examples:\n  linli staff data/demo --out out\n\nStaff counts come from staff.csv (community,workers) or the communities' social_workers\nproperty; a community without either is reported, not guessed. Writes staffing.csv,\nworker_patches.geojson and the neighborhoods it partitioned."
    )]
    Staff {
        /// Scenario folder.
        scenario: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// CRS of the input layers, e.g. EPSG:4549; lon/lat when absent.
        #[arg(long)]
        crs: Option<String>,
        /// Seed of the partition search.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Audit the existing grid (the scenario's neighborhoods.geojson): band, gaps, overlaps, borders, cut buildings.
    #[command(
        after_help = "Examples:\n  linli audit district/ --out audit\n  linli audit district/ --out audit --crs EPSG:4549\n  linli audit data/demo                  (writes ./audit)\n\nWrites audit.geojson (each neighborhood with its figures and flags), audit_gaps.geojson,\naudit_overlaps.geojson and audit_summary.json. Gaps and overlaps without households under\n[audit] sliver_m2 (5 m²) or thinner than sliver_width_m (0.5 m) are reported as slivers."
    )]
    Audit {
        /// Scenario folder with a neighborhoods.geojson layer.
        scenario: PathBuf,
        /// Output folder.
        #[arg(long, default_value = "audit")]
        out: PathBuf,
        /// CRS of the input layers, e.g. EPSG:4549; lon/lat when absent.
        #[arg(long)]
        crs: Option<String>,
    },
    /// Redraw the existing grid with minimal change: keep compliant neighborhoods, re-partition the rest.
    #[command(
        after_help = "Examples:\n  linli redraw district/ --out redrawn\n  linli redraw data/demo                 (writes ./redrawn)\n\nWrites neighborhoods.geojson (the redrawn grid), partition_summary.json and\nredraw_summary.json: kept/adjusted/redrawn/new/removed neighborhoods, households moved,\nand the audit before and after side by side."
    )]
    Redraw {
        /// Scenario folder with a neighborhoods.geojson layer.
        scenario: PathBuf,
        /// Output folder.
        #[arg(long, default_value = "redrawn")]
        out: PathBuf,
        /// CRS of the input layers, e.g. EPSG:4549; lon/lat when absent.
        #[arg(long)]
        crs: Option<String>,
        /// Seed of the partition search.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Skip the from-scratch partition that the households moved are
        /// compared with (it takes as long as the redraw).
        #[arg(long)]
        no_compare_scratch: bool,
        /// The comparison is made by default now; kept so scripts run.
        #[arg(long, hide = true)]
        compare_scratch: bool,
    },
    /// Compare two plans (or grids) of one scenario: the buildings and households that changed neighborhood, per community.
    #[command(
        after_help = "Examples:\n  linli plan data/demo --out a --seed 1 && linli plan data/demo --out b --seed 2\n  linli diff a b                         (writes ./diff)\n  linli redraw data/demo && linli diff data/demo redrawn   (the grid kept vs its redraw)\n\nA and B are each a plan folder (its roster.csv), a folder linli wrote with\nneighborhoods.geojson (a redraw's: its buildings found by location on the scenario), or a\nscenario folder with its grid (neighborhoods.geojson). Neighborhoods are matched by the\nhouseholds they share, so one renamed or renumbered but unchanged is not a change.\nWrites diff_buildings.csv, diff_communities.csv, diff.geojson (the buildings that changed),\ndiff_neighborhoods.geojson (B's neighborhoods: unchanged, changed or new) and diff_summary.json."
    )]
    Diff {
        /// The first plan, grid or scenario folder.
        a: PathBuf,
        /// The second.
        b: PathBuf,
        /// Output folder.
        #[arg(long, default_value = "diff")]
        out: PathBuf,
        /// The scenario the plans were made from: needed for a redraw's
        /// folder, and gives the buildings' footprints.
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// CRS of the scenario's layers, e.g. EPSG:4549; lon/lat when absent.
        #[arg(long)]
        crs: Option<String>,
    },
    /// Run the embedded demo scenario (Beijing Wudaokou, from OpenStreetMap) into ./out.
    #[command(after_help = "Example:\n  linli demo --out out")]
    Demo {
        /// Output folder.
        #[arg(long, default_value = "out")]
        out: PathBuf,
    },
    /// Polygonize the barrier network into blocks with their adjacency.
    #[command(
        after_help = "Examples:\n  linli blocks data/demo --out out\n  linli blocks city/ --crs EPSG:4549 --out out\n\nWrites blocks.geojson, block_adjacency.csv and blocks_summary.json."
    )]
    Blocks {
        /// Scenario folder.
        scenario: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// CRS of the input layers, e.g. EPSG:4549; lon/lat when absent.
        #[arg(long)]
        crs: Option<String>,
    },
    /// Group each community's blocks into contiguous ~300-household neighborhoods.
    #[command(
        after_help = "Examples:\n  linli partition data/demo --out out\n  linli partition city/ --out out --seed 7 --labels out/labels.csv\n\nWrites neighborhoods.geojson and partition_summary.json (and the labels CSV: block_id,neighborhood)."
    )]
    Partition {
        /// Scenario folder.
        scenario: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// CRS of the input layers, e.g. EPSG:4549; lon/lat when absent.
        #[arg(long)]
        crs: Option<String>,
        /// Seed of the search: the same input and seed give the same neighborhoods.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also write block_id,neighborhood for every block to this CSV.
        #[arg(long)]
        labels: Option<PathBuf>,
    },
    /// Partition a layer of ready-made units (parcels, compounds with households) and write block_index,region.
    #[command(
        after_help = "Examples:\n  linli partition-units blocks.geojson labels.csv --target 300\n  linli partition-units parcels.geojson labels.csv --target 150 --crs EPSG:4549 --group-prop superblock\n\nUnits of different --group-prop values are taken to be separated by a major road or river.\nThis is how ../shared/peers runs linli beside spopt, GeoDa, GerryChain and METIS."
    )]
    PartitionUnits {
        /// Units layer (GeoJSON polygons with households).
        input: PathBuf,
        /// CSV to write: block_index,region.
        output: PathBuf,
        /// Households per neighborhood.
        #[arg(long, default_value_t = 300.0)]
        target: f64,
        /// CRS of the layer; its legacy `crs` member, or lon/lat, when absent.
        #[arg(long)]
        crs: Option<String>,
        /// Households property.
        #[arg(long, default_value = "households")]
        households_prop: String,
        /// Buildings property.
        #[arg(long, default_value = "buildings")]
        buildings_prop: String,
        /// Barrier-group property.
        #[arg(long, default_value = "superblock")]
        group_prop: String,
        /// Seed of the search.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// 15-minute service circles: walking distances to facilities, coverage, service areas, gaps, new sites.
    #[command(
        after_help = "Examples:\n  linli coverage data/demo --out out\n  linli coverage city/ --out out --crs EPSG:32651 --no-neighborhoods\n  linli coverage city/ --out out --add 5 --kind clinic\n  linli coverage city/ --out out --fewest --kind elderly_care\n  linli coverage data/demo --out out --grid existing\n\nWrites coverage.geojson (buildings with metres and minutes per kind), service_areas.geojson,\ngaps.geojson, coverage_summary.json and, with --add or --fewest, sites.geojson. New sites are chosen among\nthe points of <scenario>/candidates.geojson when it exists, else among the network's junctions.\nThresholds per kind: [walking.thresholds] in scenario.toml."
    )]
    Coverage {
        /// Scenario folder.
        scenario: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// CRS of the input layers, e.g. EPSG:4549; lon/lat when absent.
        #[arg(long)]
        crs: Option<String>,
        /// Recommend this many new sites (needs --kind).
        #[arg(long, requires = "kind", conflicts_with = "fewest")]
        add: Option<usize>,
        /// Recommend the fewest new sites that bring every uncovered
        /// household a candidate can reach within the kind's limit (needs --kind).
        #[arg(long, requires = "kind")]
        fewest: bool,
        /// Facility kind of the new sites, e.g. clinic.
        #[arg(long)]
        kind: Option<String>,
        /// Also write the covering problem solved (sites_model.json: weights,
        /// candidates, what each covers) to check against an exact solver.
        #[arg(long, requires = "kind")]
        sites_model: bool,
        /// Skip planning neighborhoods (no per-neighborhood coverage).
        #[arg(long, conflicts_with = "grid")]
        no_neighborhoods: bool,
        /// Which neighborhoods coverage is counted for: `planned` (partition
        /// the scenario, the default) or `existing` (the polygons of
        /// <scenario>/neighborhoods.geojson as drawn, not re-partitioned).
        #[arg(long, value_parser = ["planned", "existing"])]
        grid: Option<String>,
        /// Skip the service-area polygons (service_areas.geojson is written empty).
        #[arg(long)]
        no_service_areas: bool,
        /// Seed of the neighborhood search.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Split a scenario into parts (a street, a district or a run of communities each) that plan on their own, each with a halo of network and facilities.
    #[command(
        after_help = "Examples:\n  linli split province/ --by street --out parts/\n  linli split city/ --by community --parts 8 --out parts/\n  for p in parts/part-*; do linli plan $p --out plans/$(basename $p); done\n  linli merge plans/* --out plan/\n\nWrites parts/part-001/ … (scenario folders with part.json) and parts/parts.json.\nThe halo (default: the longest walking limit plus twice the snap limit) keeps\nevery walking distance at a part's edge as in the whole plan."
    )]
    Split {
        /// Scenario folder.
        scenario: PathBuf,
        /// The unit of a part: street (街道), district (区, the communities' `district` property) or community.
        #[arg(long, default_value = "street")]
        by: String,
        /// Join neighbouring units into this many parts of about equal households.
        #[arg(long)]
        parts: Option<usize>,
        /// Metres of network, barriers and facilities kept around each part.
        #[arg(long)]
        halo_m: Option<f64>,
        /// Folder to write the parts into.
        #[arg(long)]
        out: PathBuf,
        /// CRS of the scenario's layers, e.g. EPSG:4549; lon/lat when absent.
        #[arg(long)]
        crs: Option<String>,
    },
    /// Join the plans of a split scenario's parts into one plan folder.
    #[command(
        after_help = "Example:\n  linli merge plans/part-001 plans/part-002 --out plan/\n\nWrites the layers, CSV tables, summary.json (district totals recomputed) and report.html."
    )]
    Merge {
        /// The parts' plan folders (each written by `linli plan` on a part of `linli split`).
        #[arg(required = true)]
        plans: Vec<PathBuf>,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
    },
    /// Generate a synthetic district (roads, river, rail, communities, buildings, facilities, staff) as a scenario folder.
    #[command(
        after_help = "Examples:\n  linli synth --households 400000 --seed 1 --out chongchuan/   a Chongchuan-sized district\n  linli synth --households 5000 --communities 6 --out small/ && linli plan small/ --out out\n\nThe same --households, --seed, --communities and --streets give byte-identical files.\nBy default one community per ~2,410 households and one street per ~10.4 communities\n(400,000 households: 166 communities in 16 streets, as Chongchuan). Writes the layers\nlinli plan reads, staff.csv, scenario.toml and synth_summary.json (what was generated)."
    )]
    Synth {
        /// Households in the district.
        #[arg(long)]
        households: u64,
        /// Seed: the same seed gives the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Scenario folder to write.
        #[arg(long)]
        out: PathBuf,
        /// Communities (default: one per ~2,410 households).
        #[arg(long)]
        communities: Option<usize>,
        /// Streets (街道) (default: one per ~10.4 communities).
        #[arg(long)]
        streets: Option<usize>,
    },
    /// Import an OpenStreetMap extract (.osm.pbf) into a ready scenario folder.
    #[command(
        after_help = "Examples:\n  linli import-osm city.osm.pbf --out city/\n  linli import-osm city.osm.pbf --out city/ --communities communities.geojson\n  linli import-osm city.osm.pbf --out city/ --admin-level 8 && linli plan city/ --out out\n  linli import-osm city.osm.pbf --out city/ --households-csv roster.csv --config scenario.toml\n\nWrites roads, water, rail, landmarks, compounds, buildings, facilities and communities\n(.geojson), scenario.toml and import_summary.json (the counts printed here).\nCommunities: --communities, else admin boundaries (the finest level whose units look like\ncommunities: at most 15 km² and 500–10,000 households at the median, or --admin-level),\nelse derived from the roads.\nHouseholds: estimated per building (docs/households.md); --households-total N or\n--households-csv FILE (community,households) calibrates them to known figures.\nData © OpenStreetMap contributors, ODbL 1.0: keep the attribution on what you derive."
    )]
    ImportOsm {
        /// The extract, e.g. from Geofabrik or BBBike.
        input: PathBuf,
        /// Scenario folder to write.
        #[arg(long)]
        out: PathBuf,
        /// Communities layer to use when the extract has no admin boundaries.
        #[arg(long)]
        communities: Option<PathBuf>,
        /// admin_level of the boundaries taken as communities (default: the
        /// finest level whose units hold 500–10,000 households; communities
        /// are derived from the major roads where boundaries are missing).
        #[arg(long)]
        admin_level: Option<u8>,
        /// The extract's known households: estimates are scaled to it.
        #[arg(long)]
        households_total: Option<u64>,
        /// Known households per community, a CSV of community,households
        /// (community id, OSM relation id r123, ref or name), e.g. the
        /// civil-affairs roster.
        #[arg(long)]
        households_csv: Option<PathBuf>,
        /// Rows of --households-csv that name no community of the extract
        /// are a warning, not an error.
        #[arg(long, requires = "households_csv")]
        allow_unmatched: bool,
        /// A scenario.toml whose [osm] section sets the household model,
        /// community sizes and extra facility tags; copied into the scenario.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Extra facility mapping KEY=VALUE:KIND (repeatable), checked before the
        /// built-in table, e.g. --facility amenity=pharmacy:clinic.
        #[arg(long = "facility", value_parser = parse_facility)]
        facility: Vec<(String, String, String)>,
    },
}

/// `KEY=VALUE:KIND` → (key, value, kind).
pub(super) fn parse_facility(s: &str) -> Result<(String, String, String), String> {
    let (tag, kind) = s
        .rsplit_once(':')
        .ok_or_else(|| format!("{s:?}: expected KEY=VALUE:KIND, e.g. amenity=pharmacy:clinic"))?;
    let (k, v) = tag
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: expected KEY=VALUE:KIND, e.g. amenity=pharmacy:clinic"))?;
    if k.is_empty() || v.is_empty() || kind.is_empty() {
        return Err(format!("{s:?}: KEY, VALUE and KIND must not be empty"));
    }
    Ok((k.to_string(), v.to_string(), kind.to_string()))
}
