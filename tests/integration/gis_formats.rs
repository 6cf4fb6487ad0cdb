//! GIS interchange (issue 25): the demo read from GeoPackage, Shapefile and
//! FlatGeobuf copies made by GDAL plans the same neighborhoods as from
//! GeoJSON; a grid in CGCS2000 Gauss-Krüger audits as in lon/lat; every
//! output format opens in GDAL, valid, in the CRS asked for, numbers as
//! numbers; bad files get errors naming them.
//!
//! The copies are made with `ogr2ogr` (.ci/run installs gdal-bin); without
//! it those tests say they were skipped.

use linli::read::{ReadOptions, ScenarioFiles};
use std::path::{Path, PathBuf};
use std::process::Command;

fn gdal() -> bool {
    let ok = Command::new("ogr2ogr").arg("--version").output().is_ok();
    if !ok {
        eprintln!("ogr2ogr not installed: skipping the GDAL side of the GIS format tests");
    }
    ok
}

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo")
}

fn fresh(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("gis-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn ogr2ogr(args: &[&str]) {
    let o = Command::new("ogr2ogr").args(args).output().unwrap();
    assert!(
        o.status.success(),
        "ogr2ogr {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The demo's layers, each converted by `convert(layer file, stem, dir)`.
fn demo_as(name: &str, convert: impl Fn(&Path, &str, &Path)) -> PathBuf {
    let dir = fresh(name);
    for e in std::fs::read_dir(demo()).unwrap().flatten() {
        let p = e.path();
        match p.extension().and_then(|x| x.to_str()) {
            Some("geojson") => convert(&p, p.file_stem().unwrap().to_str().unwrap(), &dir),
            _ => {
                std::fs::copy(&p, dir.join(e.file_name())).unwrap();
            }
        }
    }
    dir
}

/// neighborhoods.geojson of a plan of `scenario`.
fn planned(scenario: &Path, tag: &str) -> String {
    let out = fresh(&format!("{tag}-plan"));
    let files = ScenarioFiles::from_dir(scenario).unwrap_or_else(|e| panic!("{tag}: {e}"));
    linli::plan::run_plan(&files, &ReadOptions::default(), 1, &out)
        .unwrap_or_else(|e| panic!("{tag}: {e}"));
    std::fs::read_to_string(out.join("neighborhoods.geojson")).unwrap()
}

#[test]
fn the_demo_from_every_format_plans_the_same_neighborhoods() {
    if !gdal() {
        return;
    }
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let reference = planned(&demo(), "geojson");
    let gpkg = demo_as("gpkg", |p, stem, d| {
        ogr2ogr(&[
            "-f",
            "GPKG",
            &s(&d.join(format!("{stem}.gpkg"))),
            &s(p),
            "-nln",
            stem,
        ])
    });
    let one = demo_as("scenario-gpkg", |p, stem, d| {
        ogr2ogr(&[
            "-f",
            "GPKG",
            "-update",
            "-append",
            &s(&d.join("scenario.gpkg")),
            &s(p),
            "-nln",
            stem,
        ])
    });
    // Without its spatial index a FlatGeobuf keeps the order written.
    let fgb = demo_as("fgb", |p, stem, d| {
        ogr2ogr(&[
            "-f",
            "FlatGeobuf",
            &s(&d.join(format!("{stem}.fgb"))),
            &s(p),
            "-lco",
            "SPATIAL_INDEX=NO",
        ])
    });
    // A Shapefile holds one kind of geometry: water's lines and areas go
    // to two files, which scenario.toml lists; GDAL cuts social_workers to
    // social_wor.
    let shp = demo_as("shp", |p, stem, d| {
        let out = |n: &str| s(&d.join(format!("{n}.shp")));
        if stem == "water" {
            for (n, w) in [
                ("rivers", "OGR_GEOMETRY LIKE '%LINESTRING'"),
                ("lakes", "OGR_GEOMETRY LIKE '%POLYGON'"),
            ] {
                ogr2ogr(&[
                    "-f",
                    "ESRI Shapefile",
                    &out(n),
                    &s(p),
                    "-where",
                    w,
                    "-lco",
                    "ENCODING=UTF-8",
                    "-nln",
                    n,
                ]);
            }
        } else {
            ogr2ogr(&[
                "-f",
                "ESRI Shapefile",
                &out(stem),
                &s(p),
                "-lco",
                "ENCODING=UTF-8",
            ]);
        }
    });
    let toml = std::fs::read_to_string(shp.join("scenario.toml")).unwrap();
    std::fs::write(
        shp.join("scenario.toml"),
        format!("{toml}\n[layers.water]\nfiles = [\"rivers.shp\", \"lakes.shp\"]\n"),
    )
    .unwrap();
    for (tag, dir) in [
        ("gpkg", &gpkg),
        ("scenario.gpkg", &one),
        ("fgb", &fgb),
        ("shp", &shp),
    ] {
        assert!(
            planned(dir, tag) == reference,
            "{tag}: other neighborhoods than from GeoJSON"
        );
    }
}

/// audit_summary.json's overall figures for `scenario`.
fn audited(scenario: &Path, tag: &str) -> serde_json::Value {
    let out = fresh(&format!("{tag}-audit"));
    let files = ScenarioFiles::from_dir(scenario).unwrap();
    linli::plan::run_audit(
        &files,
        &ReadOptions::default(),
        &out,
        &linli::model::progress::Silent,
    )
    .unwrap_or_else(|e| panic!("{tag}: {e}"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("audit_summary.json")).unwrap())
            .unwrap();
    v["overall"].clone()
}

#[test]
fn a_grid_in_gauss_kruger_audits_as_in_lonlat() {
    if !gdal() {
        return;
    }
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let reference = audited(&demo(), "lonlat");
    // The street office's grid in CGCS2000 / 3-degree Gauss-Kruger CM 117E,
    // as GeoJSON with its crs member and as a Shapefile with its .prj; the
    // other layers stay lon/lat.
    for (tag, ext, driver) in [
        ("gk-geojson", "geojson", "GeoJSON"),
        ("gk-shp", "shp", "ESRI Shapefile"),
    ] {
        let dir = demo_as(tag, |p, stem, d| {
            if stem == "neighborhoods" {
                let to = d.join(format!("neighborhoods.{ext}"));
                ogr2ogr(&["-f", driver, &s(&to), &s(p), "-t_srs", "EPSG:4548"]);
            } else {
                std::fs::copy(p, d.join(format!("{stem}.geojson"))).unwrap();
            }
        });
        assert_eq!(audited(&dir, tag), reference, "{tag}");
    }
    // Every layer in Gauss-Krüger: the scenario is read in it.
    let dir = demo_as("gk-all", |p, stem, d| {
        ogr2ogr(&[
            "-f",
            "GeoJSON",
            &s(&d.join(format!("{stem}.geojson"))),
            &s(p),
            "-t_srs",
            "EPSG:4548",
        ])
    });
    assert_eq!(audited(&dir, "gk-all"), reference);
}

/// `ogrinfo -so -al` of a file: feature counts by layer, and the text.
fn ogrinfo(path: &Path) -> (std::collections::BTreeMap<String, u64>, String) {
    let o = Command::new("ogrinfo")
        .args(["-so", "-al"])
        .arg(path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    let mut counts = std::collections::BTreeMap::new();
    let mut layer = String::new();
    for l in text.lines() {
        if let Some(n) = l.strip_prefix("Layer name: ") {
            layer = n.to_string();
        }
        if let Some(c) = l.strip_prefix("Feature Count: ") {
            counts.insert(layer.clone(), c.trim().parse().unwrap());
        }
    }
    (counts, text)
}

/// Features with an invalid geometry in `layer` of `path`.
fn invalid(path: &Path, layer: &str, column: &str) -> u64 {
    let sql = format!("SELECT count(*) AS n FROM \"{layer}\" WHERE NOT ST_IsValid({column})");
    let o = Command::new("ogrinfo")
        .args(["-q", "-dialect", "sqlite", "-sql", &sql])
        .arg(path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    text.lines()
        .find_map(|l| l.trim().strip_prefix("n (Integer) = "))
        .unwrap_or_else(|| panic!("{}: {text}", path.display()))
        .parse()
        .unwrap()
}

#[test]
fn every_output_format_opens_in_gdal_valid_and_in_its_crs() {
    if !gdal() {
        return;
    }
    let geojson = fresh("out-geojson");
    let run = |out: &Path, extra: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_linli"))
            .args(["--quiet", "demo", "--out"])
            .arg(out)
            .args(extra)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{extra:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    run(&geojson, &[]);
    let (reference, _) = {
        let mut all = std::collections::BTreeMap::new();
        for e in std::fs::read_dir(&geojson).unwrap().flatten() {
            if e.path().extension().is_some_and(|x| x == "geojson") {
                all.extend(ogrinfo(&e.path()).0);
            }
        }
        (all, ())
    };
    assert!(reference.len() >= 9, "{reference:?}");
    for (format, crs) in [
        ("gpkg", "EPSG:4490"),
        ("gpkg", "EPSG:4548"),
        ("shp", "EPSG:4548"),
        ("fgb", "EPSG:4490"),
        ("geojson", "EPSG:4548"),
    ] {
        let out = fresh(&format!("out-{format}-{}", &crs[5..]));
        run(&out, &["--format", format, "--out-crs", crs]);
        let code = &crs[5..];
        let files: Vec<PathBuf> = match format {
            "gpkg" => vec![out.join("plan.gpkg")],
            ext => reference
                .keys()
                .map(|l| out.join(format!("{l}.{ext}")))
                .collect(),
        };
        let mut counts = std::collections::BTreeMap::new();
        for f in &files {
            let (c, text) = ogrinfo(f);
            assert!(
                text.contains(&format!("ID[\"EPSG\",{code}]")),
                "{}: not in {crs}",
                f.display()
            );
            assert!(
                !text.contains("(JSON)") && !text.contains("List"),
                "{}: {text}",
                f.display()
            );
            let hoods = f
                .file_stem()
                .is_some_and(|n| n == "neighborhoods" || n == "plan");
            assert!(
                !hoods || text.contains("households: Integer"),
                "{}: households not a number",
                f.display()
            );
            counts.extend(c);
        }
        if format == "gpkg" {
            // The CSV tables ride along as attribute tables.
            assert!(
                counts.remove("staffing").is_some() && counts.remove("block_adjacency").is_some()
            );
        }
        assert_eq!(counts, reference, "{format} {crs}");
        let column = if format == "gpkg" { "geom" } else { "geometry" };
        for (layer, n) in &reference {
            if *n > 0 && layer != "coverage" {
                let f = if format == "gpkg" {
                    out.join("plan.gpkg")
                } else {
                    out.join(format!("{layer}.{format}"))
                };
                assert_eq!(invalid(&f, layer, column), 0, "{format} {crs} {layer}");
            }
        }
        if format == "shp" {
            let fields = std::fs::read_to_string(out.join("shapefile_fields.csv")).unwrap();
            assert!(
                fields.contains("neighborhoods,estimated_households,est_hh"),
                "{fields}"
            );
        }
    }
}

#[test]
fn a_field_map_reads_the_users_own_names() {
    let dir = demo_as("fields", |p, stem, d| {
        let text = std::fs::read_to_string(p).unwrap();
        let text = if stem == "buildings" {
            text.replace("\"households\":", "\"户数\":")
        } else {
            text
        };
        std::fs::write(d.join(format!("{stem}.geojson")), text).unwrap();
    });
    let toml = std::fs::read_to_string(dir.join("scenario.toml")).unwrap();
    std::fs::write(
        dir.join("scenario.toml"),
        format!("{toml}\n[layers.buildings.fields]\nhouseholds = \"户数\"\n"),
    )
    .unwrap();
    assert!(planned(&dir, "fields") == planned(&demo(), "fields-reference"));
}

/// Reading `dir` fails with an error holding every one of `words`.
fn refused(dir: &Path, words: &[&str]) {
    let e = ScenarioFiles::from_dir(dir)
        .and_then(|f| linli::read::read_scenario(&f, &ReadOptions::default()))
        .err()
        .unwrap_or_else(|| panic!("{} read without error", dir.display()))
        .to_string();
    for w in words {
        assert!(e.contains(w), "{w:?} not in: {e}");
    }
}

#[test]
fn bad_gis_files_are_named_with_what_is_wrong() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad/valid_baseline");
    let copy = |tag: &str| {
        let d = fresh(tag);
        for e in std::fs::read_dir(&base).unwrap().flatten() {
            std::fs::copy(e.path(), d.join(e.file_name())).unwrap();
        }
        d
    };
    // Roads as linli's own GeoPackage and Shapefile, then spoiled.
    let roads = |d: &Path, format: &str| {
        let text = std::fs::read_to_string(d.join("roads.geojson")).unwrap();
        std::fs::remove_file(d.join("roads.geojson")).unwrap();
        let t =
            linli::write::table::from_geojson("roads", &text, linli::project::Crs::LonLat).unwrap();
        match format {
            "gpkg" => linli::write::gpkg::write(
                &d.join("roads.gpkg"),
                &[t],
                linli::project::Crs::LonLat,
                4326,
            )
            .unwrap(),
            _ => linli::write::shp::write(
                d,
                &t,
                &linli::project::wkt::wkt_of(linli::project::Crs::LonLat, 4326).unwrap(),
            )
            .unwrap(),
        }
    };
    let d = copy("gpkg-good");
    roads(&d, "gpkg");
    planned(&d, "gpkg-good");
    let d = copy("gpkg-cut");
    roads(&d, "gpkg");
    let bytes = std::fs::read(d.join("roads.gpkg")).unwrap();
    std::fs::write(d.join("roads.gpkg"), &bytes[..bytes.len() / 3]).unwrap();
    refused(&d, &["roads.gpkg"]);
    let d = copy("shp-good");
    roads(&d, "shp");
    planned(&d, "shp-good");
    let d = copy("shp-no-dbf");
    roads(&d, "shp");
    std::fs::remove_file(d.join("roads.dbf")).unwrap();
    refused(&d, &["roads.shp", "has no .dbf"]);
    let d = copy("shp-mercator");
    roads(&d, "shp");
    std::fs::write(d.join("roads.prj"), r#"PROJCS["WGS_1984_Web_Mercator",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]]],PROJECTION["Mercator"]]"#).unwrap();
    refused(&d, &["roads.prj", "Mercator", "[layers.NAME] crs"]);
    let d = copy("two-roads");
    roads(&d, "gpkg");
    std::fs::copy(base.join("roads.geojson"), d.join("roads.geojson")).unwrap();
    refused(
        &d,
        &["roads.geojson", "roads.gpkg", "keep one file per layer"],
    );
}

#[test]
fn gbk_attributes_read_by_their_code_page_and_named_when_mislabelled() {
    if !gdal() {
        return;
    }
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad/valid_baseline");
    let d = fresh("gbk");
    for e in std::fs::read_dir(&base).unwrap().flatten() {
        std::fs::copy(e.path(), d.join(e.file_name())).unwrap();
    }
    std::fs::remove_file(d.join("communities.geojson")).unwrap();
    let src = base.join("communities.geojson");
    ogr2ogr(&[
        "-f",
        "ESRI Shapefile",
        d.join("communities.shp").to_str().unwrap(),
        src.to_str().unwrap(),
        "-lco",
        "ENCODING=CP936",
    ]);
    let files = ScenarioFiles::from_dir(&d).unwrap();
    let loaded = linli::read::read_scenario(&files, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    // The community's Chinese name survives GBK.
    assert_eq!(loaded.scenario.communities[0].name, "测试社区");
    // The same bytes said to be UTF-8: named, with the way out.
    std::fs::write(d.join("communities.cpg"), "UTF-8").unwrap();
    refused(&d, &["communities.shp", "not UTF-8", "GBK"]);
}
