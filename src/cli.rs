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
            blocks(&run).map(|()| {
                if !quiet {
                    println!(
                        "demo done: open {}/blocks.geojson in QGIS, or read {}/blocks_summary.json",
                        run.out.display(),
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
