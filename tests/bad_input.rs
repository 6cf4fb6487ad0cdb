use linli::read::{read_scenario, ReadOptions, ScenarioFiles};
use std::path::Path;

#[test]
fn dump() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad");
    let mut dirs: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    for d in dirs {
        let files = ScenarioFiles::from_dir(&d).unwrap();
        match read_scenario(&files, &ReadOptions::default()) {
            Err(e) => println!("== {}\n{e}\n", d.file_name().unwrap().to_string_lossy()),
            Ok(l) => match linli::pipeline::blocks(&l) {
                Err(e) => println!("== {} (blocks)\n{e}\n", d.file_name().unwrap().to_string_lossy()),
                Ok(s) => println!("== {} OK {} blocks, outside {:?} warnings {:?}\n", d.file_name().unwrap().to_string_lossy(), s.blocks.len(), s.outside_buildings, s.warnings),
            },
        }
    }
}
