//! Every field of every layer linli writes keeps one type as GDAL reads it,
//! whatever the command (plan, audit, redraw, coverage) and whatever the
//! plan holds: a GIS import set up on one plan must read the next. Checked
//! with `ogrinfo` on the demo (flagged neighborhoods, an existing grid with
//! gaps and cut buildings) and on a small clean scenario (no flag, a grid
//! that is the plan itself); no field may be a JSON text or a list.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn linli(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_linli"))
        .arg("--quiet")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "linli {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// (layer file, field) → type, as `ogrinfo -so -al` prints it.
fn field_types(dir: &Path, into: &mut BTreeMap<(String, String), BTreeMap<String, String>>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if !name.ends_with(".geojson") {
            continue;
        }
        let out = Command::new("ogrinfo")
            .args(["-so", "-al"])
            .arg(e.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && !stderr.contains("ERROR"),
            "{name}: {stderr}"
        );
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            // "households: Integer (0.0)", "flags: String (0.0)"
            let Some((field, rest)) = line.split_once(": ") else {
                continue;
            };
            let is_field = !field.is_empty()
                && field
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && rest.ends_with(')')
                && rest.contains(" (");
            if !is_field {
                continue;
            }
            let ty = rest.rsplit_once(" (").map_or(rest, |(t, _)| t).to_string();
            into.entry((name.clone(), field.to_string()))
                .or_default()
                .insert(dir.display().to_string(), ty);
        }
    }
}

fn fresh(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("field-types-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// A copy of the clean baseline scenario whose grid is its own plan.
fn clean_with_grid(plan: &Path) -> PathBuf {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad/valid_baseline");
    let s = fresh("clean-scenario");
    std::fs::create_dir_all(&s).unwrap();
    for e in std::fs::read_dir(&base).unwrap().flatten() {
        std::fs::copy(e.path(), s.join(e.file_name())).unwrap();
    }
    std::fs::copy(
        plan.join("neighborhoods.geojson"),
        s.join("neighborhoods.geojson"),
    )
    .unwrap();
    s
}

#[test]
fn every_field_has_one_type_across_commands_and_plans() {
    if Command::new("ogrinfo").arg("--version").output().is_err() {
        eprintln!("ogrinfo not installed: skipping the GDAL field-type check");
        return;
    }
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad/valid_baseline");
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let dirs: Vec<PathBuf> = ["demo-plan", "demo-audit", "demo-redraw", "clean-plan"]
        .iter()
        .map(|n| fresh(n))
        .collect();
    linli(&["plan", &s(&demo), "--out", &s(&dirs[0])]);
    linli(&["audit", &s(&demo), "--out", &s(&dirs[1])]);
    linli(&["redraw", &s(&demo), "--out", &s(&dirs[2])]);
    linli(&["plan", &s(&base), "--out", &s(&dirs[3])]);
    let clean = clean_with_grid(&dirs[3]);
    let more: Vec<PathBuf> = ["clean-audit", "clean-redraw", "clean-coverage"]
        .iter()
        .map(|n| fresh(n))
        .collect();
    linli(&["audit", &s(&clean), "--out", &s(&more[0])]);
    linli(&["redraw", &s(&clean), "--out", &s(&more[1])]);
    linli(&["coverage", &s(&clean), "--out", &s(&more[2])]);
    // The clean plan has no flagged neighborhood, the demo's has.
    let flags = std::fs::read_to_string(dirs[3].join("neighborhoods.geojson")).unwrap();
    assert!(
        flags.contains("\"flags\":\"\""),
        "the clean plan has a flag"
    );
    let mut types = BTreeMap::new();
    for d in dirs.iter().chain(&more) {
        field_types(d, &mut types);
    }
    assert!(types.len() > 60, "too few fields read: {types:?}");
    let mut wrong = Vec::new();
    for ((layer, field), seen) in &types {
        let distinct: std::collections::BTreeSet<&String> = seen.values().collect();
        if distinct.len() > 1 {
            wrong.push(format!("{layer} {field}: {seen:?}"));
        }
        for t in distinct {
            if t.contains("JSON") || t.contains("List") {
                wrong.push(format!("{layer} {field}: {t}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
