//! The `linli` command line: parse arguments, run the pipeline, report.

mod cli;

/// mimalloc rather than the system allocator: reading a city allocates
/// millions of small objects, and glibc's malloc spent as long handing out
/// and faulting in pages as the reader spent parsing.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
