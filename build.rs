//! Records the git commit the binary is built from, for `linli --version`.
//!
//! `LINLI_GIT_COMMIT` set by a packager wins; outside a git checkout (a
//! crates.io tarball) or without git, the version stands alone.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
}

fn main() {
    println!("cargo:rerun-if-env-changed=LINLI_GIT_COMMIT");
    let commit = std::env::var("LINLI_GIT_COMMIT").ok().or_else(|| {
        // Rebuilt when HEAD moves (a commit, a checkout), not on every edit.
        if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
            println!("cargo:rerun-if-changed={dir}/HEAD");
            if let Some(head) = git(&["symbolic-ref", "-q", "HEAD"]) {
                println!("cargo:rerun-if-changed={dir}/{head}");
            }
            println!("cargo:rerun-if-changed={dir}/packed-refs");
        }
        let hash = git(&["rev-parse", "--short=12", "HEAD"])?;
        let date = git(&["log", "-1", "--format=%cs", "HEAD"]).unwrap_or_default();
        Some(format!("{hash} {date}").trim().to_string())
    });
    let version = match commit {
        Some(c) => format!("{} ({c})", env!("CARGO_PKG_VERSION")),
        None => env!("CARGO_PKG_VERSION").to_string(),
    };
    println!("cargo:rustc-env=LINLI_LONG_VERSION={version}");
}
