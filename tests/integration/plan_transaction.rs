//! A plan folder changes whole or not at all: `linli plan` killed at many
//! moments (while computing, while writing the staging folder) leaves the
//! previous plan exactly as it was, byte for byte; a run that fails leaves
//! it too; the next run clears what the killed ones left beside it; and
//! manifest.json describes the folder it is in.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn linli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_linli"))
}

fn fresh(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("plan_transaction-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Every entry of a folder, name → bytes (folders as "<dir>").
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            let bytes = if e.file_type().unwrap().is_dir() {
                b"<dir>".to_vec()
            } else {
                std::fs::read(e.path()).unwrap()
            };
            (name, bytes)
        })
        .collect()
}

/// Names beside `out` other than `out` itself.
fn beside(out: &Path) -> Vec<String> {
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.")))
        .collect()
}

fn plan(scenario: &Path, out: &Path, seed: u32) -> Command {
    let mut c = linli();
    c.arg("-q")
        .arg("plan")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .arg("--seed")
        .arg(seed.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

fn run_ok(mut c: Command) {
    let r = c.output().unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
}

#[test]
fn a_killed_plan_leaves_the_previous_folder_intact() {
    let base = fresh("kill");
    let scenario = base.join("district");
    let mut synth = linli();
    synth.args([
        "-q",
        "synth",
        "--households",
        "3000",
        "--seed",
        "3",
        "--out",
    ]);
    synth.arg(&scenario);
    run_ok(synth);

    // The previous plan (seed 1) and the one that replaces it (seed 2).
    let out = base.join("out");
    run_ok(plan(&scenario, &out, 1));
    let old = snapshot(&out);
    let other = base.join("other");
    // The shortest of two runs: kills are timed as fractions of it.
    let took = (0..2)
        .map(|_| {
            let t = Instant::now();
            run_ok(plan(&scenario, &other, 2));
            t.elapsed()
        })
        .min()
        .unwrap();
    let new = snapshot(&other);
    assert_ne!(old, new, "the two seeds should give different plans");
    assert!(old.contains_key("manifest.json") && old.contains_key("report.html"));

    // Killed at moments spread over the run.
    let mut killed_running = 0;
    for f in [0.02, 0.1, 0.25, 0.4, 0.55, 0.7, 0.8, 0.9, 0.95, 0.99] {
        let mut child = plan(&scenario, &out, 2).spawn().unwrap();
        std::thread::sleep(took.mul_f64(f));
        let running = child.try_wait().unwrap().is_none();
        child.kill().unwrap();
        child.wait().unwrap();
        let now = snapshot(&out);
        if now == new {
            // It finished first: the new plan is whole; put the old back.
            run_ok(plan(&scenario, &out, 1));
        } else {
            assert!(
                now == old,
                "killed at {f} of the run: the folder is neither plan"
            );
            killed_running += usize::from(running);
        }
    }
    eprintln!("a plan takes {took:?}; {killed_running} of 10 kills hit a running plan");
    assert!(killed_running >= 4, "only {killed_running} kills hit a run");

    // Killed while it writes: as soon as the staging folder holds a file.
    let mut hits = 0;
    for _ in 0..3 {
        let mut child = plan(&scenario, &out, 2).spawn().unwrap();
        let deadline = Instant::now() + took * 4;
        let writing = loop {
            let staged = beside(&out).into_iter().find(|n| n.contains(".staging-"));
            let files = staged.map_or(0, |s| {
                std::fs::read_dir(base.join(s)).map_or(0, |rd| rd.count())
            });
            if files > 0 || Instant::now() > deadline {
                break files > 0;
            }
            if child.try_wait().unwrap().is_some() {
                break false;
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        child.kill().unwrap();
        child.wait().unwrap();
        let now = snapshot(&out);
        if now == new {
            run_ok(plan(&scenario, &out, 1));
        } else {
            assert!(
                now == old,
                "killed while writing: the folder is neither plan"
            );
            hits += usize::from(writing);
        }
    }
    eprintln!("{hits} of 3 kills landed while the staging folder was written");
    assert!(
        hits >= 1,
        "no kill landed while the staging folder was written"
    );

    // What the killed runs left beside the folder goes with the next run.
    assert!(!beside(&out).is_empty(), "the kills left nothing to clear");
    run_ok(plan(&scenario, &out, 2));
    assert!(
        snapshot(&out) == new,
        "the next run should give the new plan"
    );
    assert_eq!(beside(&out), Vec::<String>::new());
    std::fs::remove_dir_all(&base).unwrap();
}

#[test]
fn a_plan_that_fails_late_leaves_the_previous_folder_intact() {
    let base = fresh("fail");
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad/valid_baseline");
    let out = base.join("out");
    run_ok(plan(&scenario, &out, 1));
    let old = snapshot(&out);
    // Reading succeeds, the blocks stage fails on overlapping communities.
    let overlap =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad/overlapping_communities");
    let r = plan(&overlap, &out, 1).output().unwrap();
    assert_eq!(r.status.code(), Some(2));
    assert!(snapshot(&out) == old);
    assert_eq!(beside(&out), Vec::<String>::new());

    // A folder with a user's own file in it is not replaced, and nothing
    // is computed for it.
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let r = plan(&scenario, &out, 2).output().unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("holds \"notes.txt\", which linli did not write"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    std::fs::remove_dir_all(&base).unwrap();
}

#[test]
fn the_manifest_describes_its_folder() {
    let base = fresh("manifest");
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad/valid_baseline");
    let out = base.join("out");
    run_ok(plan(&scenario, &out, 1));
    let m: Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        m["generator"],
        format!("linli {}", env!("CARGO_PKG_VERSION"))
    );
    let listed: Vec<&str> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    let mut on_disk: Vec<String> = snapshot(&out).into_keys().collect();
    on_disk.retain(|n| n != "manifest.json");
    assert_eq!(listed, on_disk);
    for f in m["files"].as_array().unwrap() {
        let bytes = std::fs::read(out.join(f["name"].as_str().unwrap())).unwrap();
        assert_eq!(f["bytes"].as_u64().unwrap(), bytes.len() as u64);
        assert_eq!(
            f["sha256"].as_str().unwrap(),
            linli::write::manifest::sha256_hex(&bytes)
        );
    }
    let inputs: Vec<&str> = m["inputs"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(inputs.contains(&"buildings.geojson") && inputs.contains(&"staff.csv"));
    assert_eq!(m["inputs"]["options"]["seed"], "1");
    // Another seed: another input digest; the same inputs: the same bytes.
    let again = base.join("again");
    run_ok(plan(&scenario, &again, 2));
    let m2: Value =
        serde_json::from_slice(&std::fs::read(again.join("manifest.json")).unwrap()).unwrap();
    assert_ne!(m["inputs"]["digest"], m2["inputs"]["digest"]);
    run_ok(plan(&scenario, &again, 1));
    assert!(snapshot(&again) == snapshot(&out));
    std::fs::remove_dir_all(&base).unwrap();
}
