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
