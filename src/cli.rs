//! Argument parsing and reporting; the library knows nothing of this.

use clap::{Parser, Subcommand};
use linli::error::Error;
use linli::read::{ReadOptions, ScenarioFiles};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit codes: 0 success, 1 internal or I/O failure, 2 bad input or usage.
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
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
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
    let result = match args.command {
        Command::Demo { out } => {
            let run = Run {
                files: linli::demo::files(),
                opts: ReadOptions::default(),
                out,
                quiet,
            };
            blocks(&run).and_then(|()| partition(&run, 1, None)).map(|()| {
                if !quiet {
                    println!(
                        "demo done: open {0}/neighborhoods.geojson and {0}/blocks.geojson in QGIS, or read {0}/partition_summary.json",
                        run.out.display()
                    );
                }
            })
        }
        Command::Blocks { scenario, out, crs } => {
            ScenarioFiles::from_dir(&scenario).and_then(|files| {
                blocks(&Run {
                    files,
                    opts: ReadOptions { crs },
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
        } => ScenarioFiles::from_dir(&scenario).and_then(|files| {
            partition(
                &Run {
                    files,
                    opts: ReadOptions { crs },
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
        } => partition_units(
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
        ),
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
        println!(
            "{} communities, {} buildings, {} barrier lines → {} blocks, {} adjacent pairs ({:.2} s)",
            s.communities.len(),
            s.buildings.len(),
            s.barriers.len(),
            set.blocks.len(),
            set.adjacency.edge_count(),
            t.elapsed().as_secs_f64()
        );
        for w in loaded.report.warnings.iter().chain(&set.warnings) {
            println!("warning: {w}");
        }
        for p in written {
            println!("wrote {}", p.display());
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
        println!(
            "{} blocks → {} neighborhoods, {} flagged ({:.2} s)",
            planned.blocks.blocks.len(),
            n.len(),
            flagged,
            t.elapsed().as_secs_f64()
        );
        for p in written {
            println!("wrote {}", p.display());
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
    let text = std::fs::read_to_string(input).map_err(|e| Error::io(input, e))?;
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
        println!(
            "{} units → {} neighborhoods ({:.3} s); wrote {}",
            set.blocks.len(),
            part.neighborhoods.len(),
            t.elapsed().as_secs_f64(),
            output.display()
        );
        for w in &set.warnings {
            println!("warning: {w}");
        }
    }
    Ok(())
}
