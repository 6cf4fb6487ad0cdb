//! Outputs are put in place whole: over an old file, beside nothing, and
//! never over a directory; no temp file is left behind.

use std::path::Path;

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn fresh(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("linli-wa-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn replaces_an_old_file_and_leaves_nothing_else() {
    let dir = fresh("old");
    let p = dir.join("coverage.geojson");
    linli::write::write_atomic(&p, b"old contents, longer than the new").unwrap();
    for round in 0..3 {
        let text = format!("new {round}");
        linli::write::write_atomic(&p, text.as_bytes()).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), text);
        assert_eq!(names(&dir), ["coverage.geojson"]);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_pending_file_committed_over_an_old_one() {
    let dir = fresh("pending");
    let p = dir.join("a.json");
    std::fs::write(&p, "old").unwrap();
    let pending = linli::write::write_pending(&p, |w| w.write_all(b"new")).unwrap();
    // Until committed the old file stands.
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
    assert_eq!(pending.commit().unwrap(), p);
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
    assert_eq!(names(&dir), ["a.json"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_directory_in_the_way_is_an_error_and_stays() {
    let dir = fresh("dir");
    let p = dir.join("gaps.geojson");
    std::fs::create_dir(&p).unwrap();
    std::fs::write(p.join("inside.txt"), "keep").unwrap();
    let err = linli::write::write_atomic(&p, b"x").unwrap_err();
    assert!(err.to_string().contains("gaps.geojson"), "{err}");
    assert!(p.is_dir());
    assert_eq!(
        std::fs::read_to_string(p.join("inside.txt")).unwrap(),
        "keep"
    );
    assert_eq!(names(&dir), ["gaps.geojson"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn a_symlink_in_the_way_is_replaced_not_followed() {
    let dir = fresh("link");
    let target = dir.join("elsewhere.txt");
    std::fs::write(&target, "untouched").unwrap();
    let p = dir.join("summary.json");
    std::os::unix::fs::symlink(&target, &p).unwrap();
    linli::write::write_atomic(&p, b"{}").unwrap();
    assert!(
        !std::fs::symlink_metadata(&p)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "{}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "untouched");
    assert_eq!(names(&dir), ["elsewhere.txt", "summary.json"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn temp_files_of_killed_runs_are_removed_by_the_next_write() {
    let dir = fresh("stale");
    // A run killed while writing (its process is gone), and a file of ours
    // being written right now: only the first goes.
    std::fs::write(dir.join(".coverage.geojson.tmp999999999"), "half").unwrap();
    let ours = format!(".gaps.geojson.tmp{}", std::process::id());
    std::fs::write(dir.join(&ours), "in progress").unwrap();
    std::fs::write(dir.join(".hidden.txt"), "a user's").unwrap();
    linli::write::write_atomic(&dir.join("summary.json"), b"{}").unwrap();
    assert_eq!(
        names(&dir),
        [
            ".gaps.geojson.tmp".to_string() + &std::process::id().to_string(),
            ".hidden.txt".into(),
            "summary.json".into()
        ]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
