//! The `linli` command line: parse arguments, run the pipeline, report.

mod cli;
mod crash;

/// mimalloc rather than the system allocator: reading a city allocates
/// millions of small objects, and glibc's malloc spent as long handing out
/// and faulting in pages as the reader spent parsing.
///
/// Built without transparent huge pages (the `no_thp` feature, Cargo.toml):
/// on a virtual machine whose host takes back memory the guest has left
/// free for a few seconds (free page reporting hands back exactly the 2 MB
/// blocks huge pages are made of), a run of 300,000 buildings spent up to a
/// second of system time getting them back; with 4 KB pages it spends none
/// of that, at 20-30 ms more for page faults.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    crash::install();
    ignore_file_size_signal();
    crash::guarded(cli::run)
}

/// A file-size limit (`ulimit -f`) stops a process with SIGXFSZ at its
/// first write past the limit, without a word. Ignored, that write fails
/// with EFBIG instead, and the error says which file, why, and that the
/// previous plan was kept.
fn ignore_file_size_signal() {
    #[cfg(unix)]
    // SAFETY: sets the disposition of one signal to "ignore" before any
    // other thread starts; no handler code runs.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}
