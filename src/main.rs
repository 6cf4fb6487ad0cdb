//! The `linli` command line: parse arguments, run the pipeline, report.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
