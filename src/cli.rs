//! Argument parsing and reporting; the library knows nothing of this.

use clap::{Parser, Subcommand};

/// Prints a line to stdout; a closed pipe (`linli plan … | head`) is not an
/// error worth a panic.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}
use linli::error::Error;
use linli::read::{ReadOptions, ScenarioFiles};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit codes: 0 success, 1 I/O failure, 2 bad input or usage (3, an
/// internal error, is the panic guard's: src/crash.rs).
const EXIT_IO: u8 = 1;
const EXIT_INPUT: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "linli",
    version,
    about = "Plans neighborhoods (邻里) for community governance: blocks along roads, rivers and landmarks.",
    after_help = "Examples:\n  linli demo                         plan the embedded demo into ./out\n  linli blocks data/demo --out out   polygonize a scenario into blocks\n  linli blocks city/ --crs EPSG:4549 --out out\n\nA scenario is a folder of GeoJSON layers (communities, buildings, roads, water, rail,\nlandmarks, compounds, facilities) plus an optional scenario.toml; see README.md."
)]
struct Args {
    /// Print nothing but errors.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Datum of lon/lat inputs: wgs84 (also CGCS2000) or gcj02 (AMap/Tencent web maps).
    #[arg(long, global = true, value_enum, default_value_t = Datum::Wgs84)]
    datum: Datum,
    /// Datum of lon/lat outputs: gcj02 to overlay on AMap/Tencent maps.
    #[arg(long, global = true, value_enum, default_value_t = Datum::Wgs84)]
    output_datum: Datum,
    /// Largest input file read, in MB (MiB); a larger one is an error.
    #[arg(long, global = true, default_value_t = linli::read::text::DEFAULT_MAX_BYTES >> 20, value_parser = clap::value_parser!(u64).range(1..=1 << 24))]
    max_input_mb: u64,
    #[command(subcommand)]
    command: Command,
}

/// A lon/lat datum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Datum {
    /// WGS 84 (and CGCS2000, the same to centimetres).
    Wgs84,
    /// GCJ-02, the offset datum of Chinese web maps.
    Gcj02,
}

#[derive(Debug, Subcommand)]
enum Command {
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
        after_help = "Examples:\n  linli audit district/ --out audit\n  linli audit district/ --out audit --crs EPSG:4549\n\nWrites audit.geojson (each neighborhood with its figures and flags), audit_gaps.geojson,\naudit_overlaps.geojson and audit_summary.json. Gaps and overlaps without households under\n[audit] sliver_m2 (5 m²) or thinner than sliver_width_m (0.5 m) are reported as slivers."
    )]
    Audit {
        /// Scenario folder with a neighborhoods.geojson layer.
        scenario: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// CRS of the input layers, e.g. EPSG:4549; lon/lat when absent.
        #[arg(long)]
        crs: Option<String>,
    },
    /// Redraw the existing grid with minimal change: keep compliant neighborhoods, re-partition the rest.
    #[command(
        after_help = "Examples:\n  linli redraw district/ --out redrawn\n  linli redraw district/ --out redrawn --compare-scratch\n\nWrites neighborhoods.geojson (the redrawn grid), partition_summary.json and\nredraw_summary.json: kept/adjusted/redrawn/new/removed neighborhoods, households moved,\nand the audit before and after side by side."
    )]
    Redraw {
        /// Scenario folder with a neighborhoods.geojson layer.
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
        /// Also partition from scratch and report the households that would move.
        #[arg(long)]
        compare_scratch: bool,
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
        after_help = "Examples:\n  linli coverage data/demo --out out\n  linli coverage city/ --out out --crs EPSG:32651 --no-neighborhoods\n  linli coverage city/ --out out --add 5 --kind clinic\n\nWrites coverage.geojson (buildings with metres and minutes per kind), service_areas.geojson,\ngaps.geojson, coverage_summary.json and, with --add, sites.geojson. New sites are chosen among\nthe points of <scenario>/candidates.geojson when it exists, else among the network's junctions.\nThresholds per kind: [walking.thresholds] in scenario.toml."
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
        #[arg(long, requires = "kind")]
        add: Option<usize>,
        /// Facility kind of the new sites, e.g. clinic.
        #[arg(long, requires = "add")]
        kind: Option<String>,
        /// Also write the covering problem solved (sites_model.json: weights,
        /// candidates, what each covers) to check against an exact solver.
        #[arg(long, requires = "add")]
        sites_model: bool,
        /// Skip planning neighborhoods (no per-neighborhood coverage).
        #[arg(long)]
        no_neighborhoods: bool,
        /// Skip the service-area polygons (service_areas.geojson is written empty).
        #[arg(long)]
        no_service_areas: bool,
        /// Seed of the neighborhood search.
        #[arg(long, default_value_t = 1)]
        seed: u64,
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
        after_help = "Examples:\n  linli import-osm city.osm.pbf --out city/\n  linli import-osm city.osm.pbf --out city/ --communities communities.geojson\n  linli import-osm city.osm.pbf --out city/ --admin-level 8 && linli plan city/ --out out\n  linli import-osm city.osm.pbf --out city/ --households-csv roster.csv --config scenario.toml\n\nWrites roads, water, rail, landmarks, compounds, buildings, facilities and communities\n(.geojson), scenario.toml and import_summary.json (the counts printed here).\nCommunities: --communities, else admin boundaries (the finest level whose units hold\n500–10,000 households, or --admin-level), else derived from the major roads.\nHouseholds: estimated per building (docs/households.md); --households-total N or\n--households-csv FILE (community,households) calibrates them to known figures.\nData © OpenStreetMap contributors, ODbL 1.0: keep the attribution on what you derive."
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
        /// (community id or name), e.g. the civil-affairs roster.
        #[arg(long)]
        households_csv: Option<PathBuf>,
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

/// An input file the command reads by itself: a regular file within the
/// limit.
fn check_input(path: &std::path::Path, max_bytes: u64) -> Result<u64, Error> {
    linli::read::text::check_input(path, max_bytes)
}

/// `KEY=VALUE:KIND` → (key, value, kind).
fn parse_facility(s: &str) -> Result<(String, String, String), String> {
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

/// Validated configuration of one run, derived from the arguments.
struct Run {
    files: ScenarioFiles,
    opts: ReadOptions,
    out: PathBuf,
    quiet: bool,
}

pub fn run() -> ExitCode {
    let args = Args::parse();
    let quiet = args.quiet;
    // Datums apply to every command that reads a scenario.
    let base = ReadOptions {
        crs: None,
        input_gcj02: args.datum == Datum::Gcj02,
        output_gcj02: args.output_datum == Datum::Gcj02,
    };
    let max_bytes = args.max_input_mb << 20;
    // For the tests of the panic guard (src/crash.rs): a panic on a worker
    // thread, as a bug in a parallel stage would panic.
    if let Some(m) = std::env::var_os("LINLI_TEST_PANIC") {
        use rayon::prelude::*;
        (0..64).into_par_iter().for_each(|i| {
            if i == 63 {
                panic!("{}", m.to_string_lossy());
            }
        });
    }
    let result = match args.command {
        Command::Demo { out } => {
            let run = Run {
                files: linli::demo::files(),
                opts: base.clone(),
                out,
                quiet,
            };
            plan(&run, 1).map(|()| {
                if !quiet {
                    out!(
                        "demo done: open {0}/report.html in a browser, or {0}/neighborhoods.geojson in QGIS; figures in {0}/summary.json",
                        run.out.display()
                    );
                }
            })
        }
        Command::Plan {
            scenario,
            out,
            crs,
            seed,
            timings,
        } => ScenarioFiles::from_dir_capped(&scenario, max_bytes).and_then(|files| {
            plan_timed(
                &Run {
                    files,
                    opts: ReadOptions {
                        crs,
                        ..base.clone()
                    },
                    out,
                    quiet,
                },
                seed,
                timings,
            )
        }),
        Command::Synth {
            households,
            seed,
            out,
            communities,
            streets,
        } => synth(
            &linli::synth::SynthParams {
                households,
                seed,
                communities,
                streets,
            },
            &out,
            quiet,
        ),
        Command::Staff {
            scenario,
            out,
            crs,
            seed,
        } => ScenarioFiles::from_dir_capped(&scenario, max_bytes).and_then(|files| {
            staff(
                &Run {
                    files,
                    opts: ReadOptions {
                        crs,
                        ..base.clone()
                    },
                    out,
                    quiet,
                },
                seed,
            )
        }),
        Command::Audit { scenario, out, crs } => {
            ScenarioFiles::from_dir_capped(&scenario, max_bytes).and_then(|files| {
                audit(&Run {
                    files,
                    opts: ReadOptions {
                        crs,
                        ..base.clone()
                    },
                    out,
                    quiet,
                })
            })
        }
        Command::Redraw {
            scenario,
            out,
            crs,
            seed,
            compare_scratch,
        } => ScenarioFiles::from_dir_capped(&scenario, max_bytes).and_then(|files| {
            redraw(
                &Run {
                    files,
                    opts: ReadOptions {
                        crs,
                        ..base.clone()
                    },
                    out,
                    quiet,
                },
                seed,
                compare_scratch,
            )
        }),
        Command::Blocks { scenario, out, crs } => {
            ScenarioFiles::from_dir_capped(&scenario, max_bytes).and_then(|files| {
                blocks(&Run {
                    files,
                    opts: ReadOptions {
                        crs,
                        ..base.clone()
                    },
                    out,
                    quiet,
                })
            })
        }
        Command::Partition {
            scenario,
            out,
            crs,
            seed,
            labels,
        } => ScenarioFiles::from_dir_capped(&scenario, max_bytes).and_then(|files| {
            partition(
                &Run {
                    files,
                    opts: ReadOptions {
                        crs,
                        ..base.clone()
                    },
                    out,
                    quiet,
                },
                seed,
                labels.as_deref(),
            )
        }),
        Command::PartitionUnits {
            input,
            output,
            target,
            crs,
            households_prop,
            buildings_prop,
            group_prop,
            seed,
        } => check_input(&input, max_bytes).and_then(|_| {
            partition_units(
                &input,
                &output,
                target,
                crs.as_deref(),
                linli::read::units::UnitProps {
                    households: households_prop,
                    buildings: buildings_prop,
                    group: group_prop,
                },
                seed,
                quiet,
            )
        }),
        Command::Coverage {
            scenario,
            out,
            crs,
            add,
            kind,
            sites_model,
            no_neighborhoods,
            no_service_areas,
            seed,
        } => coverage(
            (&scenario, max_bytes),
            out,
            ReadOptions {
                crs,
                ..base.clone()
            },
            add.zip(kind),
            (!no_neighborhoods, !no_service_areas, sites_model),
            seed,
            quiet,
        ),
        Command::ImportOsm {
            input,
            out,
            communities,
            admin_level,
            households_total,
            households_csv,
            config,
            facility,
        } => check_input(&input, max_bytes)
            .and_then(|_| {
                communities
                    .iter()
                    .chain(households_csv.iter())
                    .chain(config.iter())
                    .try_for_each(|c| check_input(c, max_bytes).map(|_| ()))
            })
            .and_then(|()| import_settings(config.as_deref()))
            .and_then(|(settings, config_text)| {
                import_osm(
                    &input,
                    &out,
                    &linli::osm::ImportOptions {
                        admin_level,
                        communities,
                        facility_map: facility,
                        settings,
                        households_total,
                        community_totals: households_csv,
                        config_text,
                    },
                    quiet,
                )
            }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("linli: {e}");
            ExitCode::from(match e {
                Error::Input(_) | Error::Projection(_) => EXIT_INPUT,
                Error::Io { .. } => EXIT_IO,
            })
        }
    }
}

fn blocks(run: &Run) -> Result<(), Error> {
    let t = std::time::Instant::now();
    let (loaded, set, written) = linli::pipeline::run_blocks(&run.files, &run.opts, &run.out)?;
    if !run.quiet {
        let s = &loaded.scenario;
        out!(
            "{} communities, {} buildings, {} barrier lines → {} blocks, {} adjacent pairs ({:.2} s)",
            s.communities.len(),
            s.buildings.len(),
            s.barriers.len(),
            set.blocks.len(),
            set.adjacency.edge_count(),
            t.elapsed().as_secs_f64()
        );
        for w in loaded.report.warnings.iter().chain(&set.warnings) {
            out!("warning: {w}");
        }
        for p in written {
            out!("wrote {}", p.display());
        }
    }
    Ok(())
}

fn partition(run: &Run, seed: u64, labels: Option<&std::path::Path>) -> Result<(), Error> {
    let t = std::time::Instant::now();
    let (_, planned, written) =
        linli::pipeline::run_partition(&run.files, &run.opts, seed, &run.out, labels)?;
    if !run.quiet {
        let n = &planned.partition.neighborhoods;
        let flagged = n.iter().filter(|x| !x.flags.is_empty()).count();
        out!(
            "{} blocks → {} neighborhoods, {} flagged ({:.2} s)",
            planned.block_count,
            n.len(),
            flagged,
            t.elapsed().as_secs_f64()
        );
        for p in written {
            out!("wrote {}", p.display());
        }
    }
    Ok(())
}

fn partition_units(
    input: &std::path::Path,
    output: &std::path::Path,
    target: f64,
    crs: Option<&str>,
    props: linli::read::units::UnitProps,
    seed: u64,
    quiet: bool,
) -> Result<(), Error> {
    let t = std::time::Instant::now();
    // Its size was checked against --max-input-mb already.
    let text = linli::read::text::Text::read_capped(input, u64::MAX)
        .map_err(|e| e.into_error(input, None))?;
    let layer = linli::read::units::read_units(&input.display().to_string(), &text, crs, &props)?;
    let mut config = linli::config::Config::default();
    config.targets.urban = target.round().clamp(1.0, f64::from(u32::MAX)) as u32;
    let (set, part) = linli::pipeline::partition_units(&layer, &config, seed);
    let mut csv = String::from("block_index,region\n");
    for (i, &n) in part.block_neighborhood.iter().enumerate() {
        csv.push_str(&format!("{i},{n}\n"));
    }
    linli::write::write_atomic(output, csv.as_bytes())?;
    if !quiet {
        out!(
            "{} units → {} neighborhoods ({:.3} s); wrote {}",
            set.blocks.len(),
            part.neighborhoods.len(),
            t.elapsed().as_secs_f64(),
            output.display()
        );
        for w in &set.warnings {
            out!("warning: {w}");
        }
    }
    Ok(())
}

fn plan(run: &Run, seed: u64) -> Result<(), Error> {
    plan_timed(run, seed, false)
}

fn plan_timed(run: &Run, seed: u64, timings: bool) -> Result<(), Error> {
    use std::io::IsTerminal;
    let t = std::time::Instant::now();
    // Seconds per stage: a stage ends when the next one starts.
    let mut stages: Vec<(String, std::time::Instant, Option<f64>)> = Vec::new();
    // A spinner naming the stage, only for a person watching a terminal.
    let bar = (!run.quiet && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new_spinner();
        b.enable_steady_tick(std::time::Duration::from_millis(100));
        b
    });
    let result = linli::plan::run_plan_with(&run.files, &run.opts, seed, &run.out, &mut |stage| {
        stages.push((stage.to_string(), std::time::Instant::now(), cpu_seconds()));
        if let Some(b) = &bar {
            b.set_message(stage.to_string());
        }
    });
    let (end, end_cpu) = (std::time::Instant::now(), cpu_seconds());
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let r = result?;
    if !run.quiet {
        let s = &r.loaded.scenario;
        let n = &r.planned.partition.neighborhoods;
        out!(
            "{} communities, {} buildings → {} blocks → {} neighborhoods ({} flagged); {} worker patches; district {} workers missing ({:.2} s)",
            s.communities.len(),
            s.buildings.len(),
            r.planned.block_count,
            n.len(),
            n.iter().filter(|x| !x.flags.is_empty()).count(),
            r.staffing.patches.len(),
            r.staffing.district.workers_missing,
            t.elapsed().as_secs_f64()
        );
        for w in r
            .loaded
            .report
            .warnings
            .iter()
            .chain(&r.planned.blocks.warnings)
        {
            out!("warning: {w}");
        }
        if !r.staffing.missing_data.is_empty() {
            out!(
                "warning: no staff data for {}",
                r.staffing.missing_data.join(", ")
            );
        }
        for p in &r.written {
            out!("wrote {}", p.display());
        }
    }
    if timings {
        // Printed even with --quiet: asking for timings is asking for output.
        let mut parts = Vec::new();
        let mut cpu = Vec::new();
        for (i, (name, at, c0)) in stages.iter().enumerate() {
            let (until, c1) = stages.get(i + 1).map_or((end, end_cpu), |s| (s.1, s.2));
            let name = name.replace(' ', "_");
            parts.push(format!("{name}={:.3}", (until - *at).as_secs_f64()));
            if let (Some(a), Some(b)) = (c0, c1) {
                cpu.push(format!("{name}={:.2}", b - a));
            }
        }
        parts.push(format!("total={:.3}", (end - t).as_secs_f64()));
        if !cpu.is_empty() {
            out!("cpu seconds: {}", cpu.join(" "));
        }
        out!("timings: {}", parts.join(" "));
    }
    Ok(())
}

/// CPU seconds (user + system) this process has used so far, from
/// /proc/self/stat (Linux; `None` elsewhere). Wall time on a shared machine
/// depends on what else runs; CPU time much less.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses).
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn synth(p: &linli::synth::SynthParams, out: &std::path::Path, quiet: bool) -> Result<(), Error> {
    let t = std::time::Instant::now();
    let city = linli::synth::generate(p)?;
    let written = city.write(out)?;
    if !quiet {
        let s = &city.summary;
        let kinds: Vec<String> = s
            .communities_by_kind
            .iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect();
        out!(
            "{} households in {} buildings ({} towers of 100+, {} schools/shops); {} communities ({}) in {} streets; {:.1} × {:.1} km ({:.2} s)",
            s.households,
            s.buildings,
            s.towers,
            s.zero_household_buildings,
            s.communities,
            kinds.join(", "),
            s.streets,
            s.extent_km.0,
            s.extent_km.1,
            t.elapsed().as_secs_f64()
        );
        let fac: Vec<String> = s
            .facilities
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        out!(
            "{} roads ({} bridges), {} parks, {} compounds; facilities: {}; {} social workers ({} communities without data)",
            s.roads,
            s.bridges,
            s.parks,
            s.compounds,
            fac.join(", "),
            s.social_workers,
            s.communities_without_staff.len()
        );
        for p in written {
            out!("wrote {}", p.display());
        }
    }
    Ok(())
}

fn staff(run: &Run, seed: u64) -> Result<(), Error> {
    let r = linli::plan::run_staff(&run.files, &run.opts, seed, &run.out)?;
    if !run.quiet {
        for c in &r.staffing.communities {
            out!(
                "{}: {} neighborhoods, {} workers, {:?} (missing {}, surplus {})",
                c.id,
                c.neighborhoods,
                c.workers.map_or("no data".to_string(), |w| w.to_string()),
                c.status,
                c.workers_missing,
                c.workers_surplus
            );
        }
        for p in &r.written {
            out!("wrote {}", p.display());
        }
    }
    Ok(())
}

fn audit(run: &Run) -> Result<(), Error> {
    let (_, a, written) = linli::pipeline::run_audit(&run.files, &run.opts, &run.out)?;
    if !run.quiet {
        for c in a.communities.iter().chain([&a.overall]) {
            out!(
                "{}: {} neighborhoods, {} compliant, {:.0}% within band, {} gaps ({} households), {} overlaps, {} multi-part, {} crossing a community border, {} buildings cut, {} slivers",
                c.id,
                c.neighborhoods,
                c.compliant,
                c.share_within_band * 100.0,
                c.gaps,
                c.households_in_gaps,
                c.overlaps,
                c.multi_part,
                c.crossing_border,
                c.cut_buildings,
                c.slivers
            );
        }
        for p in &written {
            out!("wrote {}", p.display());
        }
    }
    Ok(())
}

fn redraw(run: &Run, seed: u64, compare_scratch: bool) -> Result<(), Error> {
    let (_, _, s, written) =
        linli::pipeline::run_redraw(&run.files, &run.opts, seed, compare_scratch, &run.out)?;
    if !run.quiet {
        out!(
            "{} neighborhoods → {}: {} kept, {} adjusted, {} redrawn, {} new, {} removed",
            s.neighborhoods_before,
            s.neighborhoods_after,
            s.kept,
            s.adjusted,
            s.redrawn,
            s.new,
            s.removed.len()
        );
        out!(
            "households moved: {} of {} ({} placed from gaps)",
            s.households_matched.moved,
            s.households_matched.households,
            s.households_matched.placed
        );
        if let Some(f) = &s.from_scratch {
            out!(
                "a from-scratch partition would move {} ({:.1}% of that moved here)",
                f.moved,
                s.moved_ratio_to_scratch.unwrap_or(0.0) * 100.0
            );
        }
        out!(
            "compliant: {} of {} before, {} of {} after; gaps {} → {}, overlaps {} → {}",
            s.before.compliant,
            s.before.neighborhoods,
            s.after.compliant,
            s.after.neighborhoods,
            s.before.gaps,
            s.after.gaps,
            s.before.overlaps,
            s.after.overlaps
        );
        for p in &written {
            out!("wrote {}", p.display());
        }
    }
    Ok(())
}

fn coverage(
    (scenario, max_bytes): (&std::path::Path, u64),
    out: PathBuf,
    opts: ReadOptions,
    sites: Option<(usize, String)>,
    (neighborhoods, service_areas, sites_model): (bool, bool, bool),
    seed: u64,
    quiet: bool,
) -> Result<(), Error> {
    let t = std::time::Instant::now();
    let files = ScenarioFiles::from_dir_capped(scenario, max_bytes)?;
    // Candidate sites live beside the layers; the reader does not know them.
    let cand = scenario.join("candidates.geojson");
    let present = linli::read::text::input_file(&cand, max_bytes)
        .map_err(|e| e.into_error(&cand, None))?
        .is_some();
    let candidates = match (&sites, present) {
        (Some(_), true) => Some(
            linli::read::text::Text::read_capped(&cand, max_bytes)
                .map_err(|e| e.into_error(&cand, None))?
                .to_string(),
        ),
        _ => None,
    };
    let req = linli::coverage::report::CoverageRequest {
        neighborhoods,
        seed,
        sites,
        candidates,
        no_service_areas: !service_areas,
    };
    let (loaded, cov, an, mut written, timings) =
        linli::pipeline::run_coverage(&files, &opts, &req, &out)?;
    if let (true, Some(s)) = (sites_model, &an.sites) {
        let path = out.join("sites_model.json");
        linli::write::write_json(&path, &s.model)?;
        written.push(path);
    }
    if !quiet {
        out!(
            "{} buildings, {} facilities; walking network {} nodes, {} edges ({:.2} s)",
            loaded.scenario.buildings.len(),
            loaded.scenario.facilities.len(),
            cov.graph.nodes.len(),
            cov.graph.edges.len(),
            t.elapsed().as_secs_f64()
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
        if let Some(s) = &an.sites {
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

/// The `[osm]` settings of `--config` and its text, or the defaults.
fn import_settings(
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

fn import_osm(
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
        out!(
            "{} nodes, {} ways, {} relations ({:.1} MB, {:.2} s)",
            c.nodes,
            c.ways,
            c.relations,
            c.bytes as f64 / 1e6,
            t.elapsed().as_secs_f64()
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
            out!("buildings look ~{:.0}% mapped (footprints on residential land, buildings along residential streets)", x * 100.0);
        }
        for (k, n) in &c.tag_warnings {
            out!("warning: {n} buildings with an unreadable {k} (ignored)");
        }
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
            c.admin_level.map(|l| format!(" level {l}")).unwrap_or_default(),
            c.communities_derived,
            c.communities_rural,
            c.buildings_in_derived_communities,
            c.buildings_outside_communities
        );
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
