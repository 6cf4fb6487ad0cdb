//! The command line: arguments are parsed (`args`), turned into a validated
//! run (`Common`, `Run`), and handed to the command's own file, which calls
//! the library and reports. The library knows nothing of this.

/// Prints a line to stdout; a closed pipe (`linli plan … | head`) is not an
/// error worth a panic.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod args;
mod audit;
mod blocks;
mod coverage;
mod diff;
mod import_osm;
mod plan;
mod progress;
mod serve;
mod split;
mod staff;
mod synth;

use args::{Args, Command, Datum};
use clap::Parser;
use linli::error::Error;
use linli::read::{ReadOptions, ScenarioFiles};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `n` with its noun, singular or plural: "1 gap", "3 gaps".
fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Exit codes: 0 success, 1 I/O failure, 2 bad input or usage (3, an
/// internal error, is the panic guard's: src/crash.rs).
const EXIT_IO: u8 = 1;
const EXIT_INPUT: u8 = 2;

/// An input file the command reads by itself: a regular file within the
/// limit.
fn check_input(path: &Path, max_bytes: u64) -> Result<u64, Error> {
    linli::read::text::check_input(path, max_bytes)
}

/// What every command shares, from the global arguments.
struct Common {
    quiet: bool,
    /// Datums apply to every command that reads a scenario.
    base: ReadOptions,
    max_bytes: u64,
}

/// Validated configuration of one run on a scenario folder.
struct Run {
    files: ScenarioFiles,
    opts: ReadOptions,
    out: PathBuf,
    quiet: bool,
}

impl Common {
    fn from_args(args: &Args) -> Result<Self, Error> {
        Ok(Common {
            quiet: args.quiet,
            base: ReadOptions {
                crs: None,
                input_gcj02: args.datum == Datum::Gcj02,
                output_gcj02: args.output_datum == Datum::Gcj02,
                output: output(args)?,
                standards: args.standards.clone(),
            },
            max_bytes: args.max_input_mb << 20,
        })
    }

    /// A run on the scenario folder `dir` (its layers read within the size
    /// limit) in the CRS `crs`, writing into `out`.
    fn scenario(&self, dir: &Path, crs: Option<String>, out: PathBuf) -> Result<Run, Error> {
        same_folder_refused(dir, &out)?;
        Ok(Run {
            files: ScenarioFiles::from_dir_capped(dir, self.max_bytes)?,
            opts: ReadOptions {
                crs,
                ..self.base.clone()
            },
            out,
            quiet: self.quiet,
        })
    }
}

/// `--format`, `--out-crs` and `--lang`, checked: a format linli writes,
/// a CRS it has a definition of, and not a projected CRS with GCJ-02 (a
/// lon/lat datum); a language the report has.
fn output(args: &Args) -> Result<linli::config::Output, Error> {
    use linli::error::Problem;
    let usage = |what: String, hint: &str| {
        Error::Input(vec![
            Problem::file("the command line", what).with_hint(hint),
        ])
    };
    let format = args
        .format
        .parse()
        .map_err(|e: String| usage(format!("--format: {e}"), "e.g. --format gpkg"))?;
    let crs = match &args.out_crs {
        None => None,
        Some(t) => {
            let code: Option<u32> = t
                .trim()
                .to_ascii_uppercase()
                .strip_prefix("EPSG:")
                .and_then(|c| c.parse().ok());
            let known = code.filter(|&c| {
                let crs = match c {
                    4326 | 4490 => linli::project::Crs::LonLat,
                    c => linli::project::Crs::Epsg(c),
                };
                linli::project::wkt::wkt_of(crs, c).is_some()
            });
            let Some(code) = known else {
                return Err(usage(
                    format!("--out-crs {t} is not a CRS linli writes"),
                    "use EPSG:4326, EPSG:4490, a CGCS2000 Gauss-Krüger zone (EPSG:4491–4554) or UTM (EPSG:326xx, EPSG:327xx)",
                ));
            };
            Some(code)
        }
    };
    if args.output_datum == Datum::Gcj02 && crs.is_some_and(|c| c != 4326 && c != 4490) {
        return Err(usage(
            "--output-datum gcj02 with a projected --out-crs".into(),
            "GCJ-02 is a lon/lat datum for Chinese web maps: use one or the other",
        ));
    }
    let lang = args
        .lang
        .parse()
        .map_err(|e: String| usage(format!("--lang: {e}"), "e.g. --lang en"))?;
    Ok(linli::config::Output { format, crs, lang })
}

/// An error when `out` is the scenario folder itself: a command's outputs
/// (neighborhoods.geojson) would write over its inputs (the existing grid).
fn same_folder_refused(dir: &Path, out: &Path) -> Result<(), Error> {
    let same = match (std::fs::canonicalize(dir), std::fs::canonicalize(out)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(Error::Input(vec![
            linli::error::Problem::file(
                out.display().to_string(),
                "is the scenario folder: the outputs would be written over its layers (neighborhoods.geojson is the existing grid)",
            )
            .with_hint("give --out another folder, e.g. --out out"),
        ]));
    }
    Ok(())
}

/// Parses the arguments, runs the command, and says how it went.
pub fn run() -> ExitCode {
    let args = Args::parse();
    panic_when_testing();
    let common = match Common::from_args(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("linli: {e}");
            return ExitCode::from(EXIT_INPUT);
        }
    };
    match dispatch(args.command, &common) {
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

/// For the tests of the panic guard (src/crash.rs): a panic on a worker
/// thread, as a bug in a parallel stage would panic.
fn panic_when_testing() {
    if let Some(m) = std::env::var_os("LINLI_TEST_PANIC") {
        use rayon::prelude::*;
        (0..64).into_par_iter().for_each(|i| {
            if i == 63 {
                panic!("{}", m.to_string_lossy());
            }
        });
    }
}

/// Runs one command.
fn dispatch(command: Command, c: &Common) -> Result<(), Error> {
    match command {
        Command::Demo { out } => plan::demo(out, c),
        Command::Plan {
            scenario,
            out,
            crs,
            seed,
            timings,
        } => plan::plan_timed(&c.scenario(&scenario, crs, out)?, seed, timings),
        Command::Synth {
            households,
            seed,
            out,
            communities,
            streets,
        } => {
            let p = linli::synth::SynthParams {
                households,
                seed,
                communities,
                streets,
            };
            synth::synth(&p, &out, c.quiet)
        }
        Command::Staff {
            scenario,
            out,
            crs,
            seed,
        } => staff::staff(&c.scenario(&scenario, crs, out)?, seed),
        Command::Audit { scenario, out, crs } => audit::audit(&c.scenario(&scenario, crs, out)?),
        Command::Redraw {
            scenario,
            out,
            crs,
            seed,
            no_compare_scratch,
            compare_scratch: _,
        } => audit::redraw(&c.scenario(&scenario, crs, out)?, seed, !no_compare_scratch),
        Command::Blocks { scenario, out, crs } => blocks::blocks(&c.scenario(&scenario, crs, out)?),
        Command::Partition {
            scenario,
            out,
            crs,
            seed,
            labels,
        } => blocks::partition(&c.scenario(&scenario, crs, out)?, seed, labels.as_deref()),
        command @ Command::PartitionUnits { .. } => blocks::partition_units_command(command, c),
        command @ Command::Coverage { .. } => coverage::command(command, c),
        command @ Command::Diff { .. } => diff::command(command, c),
        command @ Command::ImportOsm { .. } => import_osm::command(command, c),
        command @ Command::Serve { .. } => serve::command(command, c),
        command @ (Command::Split { .. } | Command::Merge { .. }) => split::command(command, c),
    }
}
