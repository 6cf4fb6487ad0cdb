//! Issue 18's "hand-written vs well-kept crate": the lean GeoJSON reader
//! (`read::lean`, serde visitors of our own on serde_json) against serde
//! derive on serde_json and on simd-json, and the writers' digit formatting
//! against ryu, zmij (serde_json's float formatter) and itoa, on the same
//! bytes. Every peer is checked in setup to give the same information (the
//! reader) or the same bytes (the formatting) before it is timed.
//!
//! Inputs: the demo's buildings layer and a generated district's
//! (`linli::synth`, 400,000 households; `LINLI_READERS_HOUSEHOLDS=N` for
//! another size; debug builds use 5,000). `-- --test` runs each bench once.
//!
//! Issue 25's "a GeoPackage within 2× of the same GeoJSON": the generated
//! district read whole (`read::read_scenario`) from its GeoJSON layers and
//! from one `scenario.gpkg` holding the same layers (written by
//! `write::gpkg`), the median of paired runs.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use geojson::GeometryValue;
use linli::read::layer::RawFeature;
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;
use std::hint::black_box;
use std::time::Instant;

/// The properties the reader keeps from a buildings layer
/// (`read::kept_properties`).
const KEEP: &[&str] = &["use", "levels", "households", "households_source"];

fn households() -> u64 {
    if let Some(n) = std::env::var("LINLI_READERS_HOUSEHOLDS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return n;
    }
    if cfg!(debug_assertions) {
        5_000
    } else {
        400_000
    }
}

/// Whether criterion runs each bench once (`-- --test`).
fn quick() -> bool {
    std::env::args().any(|a| a == "--test")
}

/// The crate's time over ours, the median of `rounds` back-to-back pairs
/// (order alternating): on a machine other jobs share, load drifts between
/// criterion's benches but hardly within one pair.
fn paired(label: &str, rounds: usize, mut ours: impl FnMut(), mut theirs: impl FnMut()) {
    let rounds = if quick() { 1 } else { rounds };
    let mut ratios = Vec::with_capacity(rounds);
    for k in 0..rounds {
        let time = |f: &mut dyn FnMut()| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        };
        let (a, b) = if k % 2 == 0 {
            let a = time(&mut ours);
            (a, time(&mut theirs))
        } else {
            let b = time(&mut theirs);
            (time(&mut ours), b)
        };
        ratios.push(b / a);
    }
    ratios.sort_by(f64::total_cmp);
    eprintln!(
        "paired {label}: crate / ours = {:.2} (median of {rounds}; quartiles {:.2}–{:.2})",
        ratios[rounds / 2],
        ratios[rounds / 4],
        ratios[(3 * rounds) / 4]
    );
}

// ---------------------------------------------------------------- derive

/// A FeatureCollection as serde derive reads it, borrowing strings.
#[derive(Deserialize)]
struct DCollection<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    features: Vec<DFeature<'a>>,
}

#[derive(Deserialize)]
struct DFeature<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    id: Option<Value>,
    properties: Option<DProperties>,
    #[serde(borrow)]
    geometry: Option<DGeometry<'a>>,
}

/// The kept properties, as values (the reader reports a wrong type).
#[derive(Deserialize)]
struct DProperties {
    id: Option<Value>,
    #[serde(rename = "use")]
    use_: Option<Value>,
    levels: Option<Value>,
    households: Option<Value>,
    households_source: Option<Value>,
}

/// A building's geometry: a Polygon or a MultiPolygon, which derive tells
/// apart only by buffering the coordinates (`untagged`).
#[derive(Deserialize)]
struct DGeometry<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    coordinates: DCoords,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DCoords {
    Polygon(Vec<Vec<[f64; 2]>>),
    MultiPolygon(Vec<Vec<Vec<[f64; 2]>>>),
}

/// GeoJSON's geometry as serde's internally tagged enum (the idiomatic
/// derive; serde buffers each geometry to find its tag).
#[derive(Deserialize)]
struct TCollection {
    features: Vec<TFeature>,
}

#[derive(Deserialize)]
struct TFeature {
    id: Option<Value>,
    properties: Option<DProperties>,
    geometry: Option<TGeometry>,
}

#[derive(Deserialize)]
#[serde(tag = "type")]
enum TGeometry {
    Polygon {
        coordinates: Vec<Vec<[f64; 2]>>,
    },
    MultiPolygon {
        coordinates: Vec<Vec<Vec<[f64; 2]>>>,
    },
}

fn digest_tagged(fc: &TCollection) -> Vec<Digest> {
    fc.features
        .iter()
        .map(|f| {
            let (id, properties) = digest_props(&f.id, &f.properties);
            let polygons = match f.geometry.as_ref().expect("geometry") {
                TGeometry::Polygon { coordinates } => vec![coordinates.clone()],
                TGeometry::MultiPolygon { coordinates } => coordinates.clone(),
            };
            Digest {
                id,
                properties,
                polygons,
            }
        })
        .collect()
}

/// The most derive can hope for: Polygons only, no buffering (a layer with
/// one MultiPolygon, a z or a Point fails to read).
#[derive(Deserialize)]
struct PCollection<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    features: Vec<PFeature<'a>>,
}

#[derive(Deserialize)]
struct PFeature<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    id: Option<Value>,
    properties: Option<DProperties>,
    #[serde(borrow)]
    geometry: Option<PGeometry<'a>>,
}

#[derive(Deserialize)]
struct PGeometry<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    coordinates: Vec<Vec<[f64; 2]>>,
}

// ---------------------------------------------------------------- same information

/// What the reader takes from one building: id, kept properties, rings.
#[derive(PartialEq, Debug)]
struct Digest {
    id: Option<String>,
    properties: Vec<(&'static str, Value)>,
    polygons: Vec<Vec<Vec<[f64; 2]>>>,
}

fn digest_raw(f: &RawFeature) -> Digest {
    let ring = |r: &Vec<geojson::Position>| r.iter().map(|p| [p[0], p[1]]).collect::<Vec<_>>();
    let poly = |p: &Vec<Vec<geojson::Position>>| p.iter().map(ring).collect::<Vec<_>>();
    Digest {
        id: f.id.clone(),
        properties: ["id", "use", "levels", "households", "households_source"]
            .into_iter()
            .filter_map(|k| f.properties.get(k).map(|v| (k, v.clone())))
            .collect(),
        polygons: match &f.geometry {
            GeometryValue::Polygon { coordinates } => vec![poly(coordinates)],
            GeometryValue::MultiPolygon { coordinates } => coordinates.iter().map(poly).collect(),
            g => panic!("a building is a polygon, not {g:?}"),
        },
    }
}

fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn digest_props(
    id: &Option<Value>,
    p: &Option<DProperties>,
) -> (Option<String>, Vec<(&'static str, Value)>) {
    let Some(p) = p else {
        return (id.as_ref().and_then(id_text), vec![]);
    };
    let id = id.as_ref().or(p.id.as_ref()).and_then(id_text);
    let props = [
        ("id", &p.id),
        ("use", &p.use_),
        ("levels", &p.levels),
        ("households", &p.households),
        ("households_source", &p.households_source),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
    .collect();
    (id, props)
}

fn digest_derived(fc: &DCollection) -> Vec<Digest> {
    assert_eq!(fc.kind, "FeatureCollection");
    fc.features
        .iter()
        .map(|f| {
            assert_eq!(f.kind, "Feature");
            let (id, properties) = digest_props(&f.id, &f.properties);
            let g = f.geometry.as_ref().expect("geometry");
            let polygons = match (&*g.kind, &g.coordinates) {
                ("Polygon", DCoords::Polygon(p)) => vec![p.clone()],
                ("MultiPolygon", DCoords::MultiPolygon(m)) => m.clone(),
                (k, _) => panic!("{k} does not fit its coordinates"),
            };
            Digest {
                id,
                properties,
                polygons,
            }
        })
        .collect()
}

fn digest_polygons(fc: &PCollection) -> Vec<Digest> {
    assert_eq!(fc.kind, "FeatureCollection");
    fc.features
        .iter()
        .map(|f| {
            assert_eq!(f.kind, "Feature");
            let (id, properties) = digest_props(&f.id, &f.properties);
            let g = f.geometry.as_ref().expect("geometry");
            assert_eq!(g.kind, "Polygon");
            Digest {
                id,
                properties,
                polygons: vec![g.coordinates.clone()],
            }
        })
        .collect()
}

/// The derived collection turned into the reader's own features (what
/// replacing the lean reader with derive would have to do).
fn to_raw(fc: DCollection) -> Vec<RawFeature> {
    let ring = |r: Vec<[f64; 2]>| {
        r.into_iter()
            .map(geojson::Position::from)
            .collect::<Vec<_>>()
    };
    let poly = |p: Vec<Vec<[f64; 2]>>| p.into_iter().map(ring).collect::<Vec<_>>();
    fc.features
        .into_iter()
        .enumerate()
        .map(|(index, f)| {
            let mut properties = linli::read::layer::Properties::with_capacity(2);
            let (id, _) = digest_props(&f.id, &None);
            let mut id = id;
            if let Some(p) = f.properties {
                if id.is_none() {
                    id = p.id.as_ref().and_then(id_text);
                }
                for (k, v) in [
                    ("id", p.id),
                    ("use", p.use_),
                    ("levels", p.levels),
                    ("households", p.households),
                    ("households_source", p.households_source),
                ] {
                    if let Some(v) = v {
                        properties.insert(k, v);
                    }
                }
            }
            let geometry = match f.geometry.map(|g| g.coordinates) {
                Some(DCoords::Polygon(p)) => GeometryValue::Polygon {
                    coordinates: poly(p),
                },
                Some(DCoords::MultiPolygon(m)) => GeometryValue::MultiPolygon {
                    coordinates: m.into_iter().map(poly).collect(),
                },
                None => panic!("no geometry"),
            };
            RawFeature {
                index,
                id,
                geometry,
                properties,
            }
        })
        .collect()
}

// ---------------------------------------------------------------- reader bench

fn reader_group(c: &mut Criterion, name: &str, text: &str) {
    let lean = linli::read::lean::parse_whole(text, Some(KEEP)).expect("the lean reader reads it");
    let want: Vec<Digest> = lean.iter().map(digest_raw).collect();
    let derived: DCollection = serde_json::from_str(text).expect("derive reads it");
    assert_eq!(
        digest_derived(&derived),
        want,
        "serde derive: same information"
    );
    let converted = to_raw(serde_json::from_str(text).expect("derive reads it"));
    assert_eq!(converted, lean, "serde derive, converted: same features");
    let tagged: TCollection = serde_json::from_str(text).expect("derive reads it");
    assert_eq!(
        digest_tagged(&tagged),
        want,
        "serde derive, tagged: same information"
    );
    let polys: PCollection = serde_json::from_str(text).expect("derive reads polygons");
    assert_eq!(digest_polygons(&polys), want, "serde derive, polygons only");
    let mut bytes = text.as_bytes().to_vec();
    let simd: PCollection = simd_json::serde::from_slice(&mut bytes).expect("simd-json reads it");
    assert_eq!(digest_polygons(&simd), want, "simd-json: same information");
    let mut bytes = text.as_bytes().to_vec();
    let simd: DCollection = simd_json::serde::from_slice(&mut bytes).expect("simd-json reads it");
    assert_eq!(
        digest_derived(&simd),
        want,
        "simd-json untagged: same information"
    );
    eprintln!(
        "readers bench {name}: {} features, {:.1} MB; every peer gives the lean reader's information",
        lean.len(),
        text.len() as f64 / 1e6
    );

    let lean = || {
        black_box(linli::read::lean::parse_whole(black_box(text), Some(KEEP)));
    };
    let rounds = if text.len() > 1_000_000 { 30 } else { 300 };
    paired(
        &format!("{name} serde derive untagged, into the reader's features"),
        rounds,
        lean,
        || {
            black_box(to_raw(
                serde_json::from_str(black_box(text)).expect("reads"),
            ));
        },
    );
    paired(
        &format!("{name} serde derive untagged"),
        rounds,
        lean,
        || {
            black_box(serde_json::from_str::<DCollection>(black_box(text)).is_ok());
        },
    );
    paired(&format!("{name} serde derive tagged"), rounds, lean, || {
        black_box(serde_json::from_str::<TCollection>(black_box(text)).is_ok());
    });
    paired(
        &format!("{name} serde derive Polygon only"),
        rounds,
        lean,
        || {
            black_box(serde_json::from_str::<PCollection>(black_box(text)).is_ok());
        },
    );
    paired(
        &format!("{name} simd-json serde untagged"),
        rounds,
        lean,
        || {
            let mut bytes = black_box(text).as_bytes().to_vec();
            black_box(simd_json::serde::from_slice::<DCollection>(&mut bytes).is_ok());
        },
    );
    paired(
        &format!("{name} simd-json serde Polygon only"),
        rounds,
        lean,
        || {
            let mut bytes = black_box(text).as_bytes().to_vec();
            black_box(simd_json::serde::from_slice::<PCollection>(&mut bytes).is_ok());
        },
    );

    let mut g = c.benchmark_group(format!("read_{name}"));
    g.sample_size(10);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("lean (ours, one core)", |b| {
        b.iter(|| linli::read::lean::parse_whole(black_box(text), Some(KEEP)))
    });
    g.bench_function("lean (ours, in pieces on every core)", |b| {
        b.iter(|| linli::read::pieces::parse_collection_keeping(black_box(text), Some(KEEP)))
    });
    g.bench_function("serde derive, untagged Polygon|MultiPolygon", |b| {
        b.iter(|| serde_json::from_str::<DCollection>(black_box(text)).map(|fc| fc.features.len()))
    });
    g.bench_function("serde derive, tagged Polygon|MultiPolygon", |b| {
        b.iter(|| serde_json::from_str::<TCollection>(black_box(text)).map(|fc| fc.features.len()))
    });
    g.bench_function("serde derive, untagged, into the reader's features", |b| {
        b.iter(|| to_raw(serde_json::from_str(black_box(text)).expect("reads")))
    });
    g.bench_function("serde derive, Polygon only", |b| {
        b.iter(|| serde_json::from_str::<PCollection>(black_box(text)).map(|fc| fc.features.len()))
    });
    g.bench_function("simd-json serde, Polygon only (incl. copy)", |b| {
        b.iter(|| {
            let mut bytes = black_box(text).as_bytes().to_vec();
            simd_json::serde::from_slice::<PCollection>(&mut bytes).map(|fc| fc.features.len())
        })
    });
    g.bench_function("simd-json serde, untagged (incl. copy)", |b| {
        b.iter(|| {
            let mut bytes = black_box(text).as_bytes().to_vec();
            simd_json::serde::from_slice::<DCollection>(&mut bytes).map(|fc| fc.features.len())
        })
    });
    g.bench_function("simd-json borrowed DOM only (incl. copy)", |b| {
        b.iter(|| {
            let mut bytes = black_box(text).as_bytes().to_vec();

            simd_json::to_borrowed_value(&mut bytes).is_ok()
        })
    });
    g.finish();
}

fn readers(c: &mut Criterion) {
    let demo = include_str!("../data/demo/buildings.geojson");
    reader_group(c, "demo", demo);
    let n = households();
    let city =
        linli::synth::generate(&linli::synth::SynthParams::new(n, 1)).expect("valid parameters");
    let synth = city
        .files()
        .remove("buildings.geojson")
        .expect("a buildings layer");
    reader_group(c, &format!("synth{}k", n / 1000), &synth);
}

// ---------------------------------------------------------------- digits

/// The writers' 7-decimal text through ryu: shortest round-trip digits of
/// the rounded value equal the 7-decimal text where doubles are finer than
/// 1e-7 (|v| < 1e8) and ryu uses no exponent (|v| ≥ 1e-5 or 0).
fn ryu_coordinate(s: &mut String, buf: &mut ryu::Buffer, v: f64) {
    let t = buf.format_finite(v + 0.0);
    if t.contains('e') || v.abs() >= 1e8 {
        linli::write::geojson::push_coordinate(s, v);
        return;
    }
    s.push_str(t.strip_suffix(".0").unwrap_or(t));
}

fn zmij_coordinate(s: &mut String, buf: &mut zmij::Buffer, v: f64) {
    let t = buf.format_finite(v + 0.0);
    if t.contains('e') || v.abs() >= 1e8 {
        linli::write::geojson::push_coordinate(s, v);
        return;
    }
    s.push_str(t.strip_suffix(".0").unwrap_or(t));
}

/// `push_exact` (std's shortest round trip, no exponent) through ryu.
fn ryu_exact(s: &mut String, buf: &mut ryu::Buffer, v: f64) {
    let t = buf.format_finite(v + 0.0);
    if t.contains('e') {
        push_exact_display(s, v);
        return;
    }
    s.push_str(t.strip_suffix(".0").unwrap_or(t));
}

fn zmij_exact(s: &mut String, buf: &mut zmij::Buffer, v: f64) {
    let t = buf.format_finite(v + 0.0);
    if t.contains('e') {
        push_exact_display(s, v);
        return;
    }
    s.push_str(t.strip_suffix(".0").unwrap_or(t));
}

/// `write::geojson::push_coordinate` through zmij, the same bytes for every
/// input (it rounds what is not rounded yet, as ours does); the wrappers
/// above only for inputs already rounded, as the writers pass them.
fn zmij_coordinate_any(s: &mut String, v: f64) {
    if v.abs() < 1e8 {
        let mut buf = zmij::Buffer::new();
        let t = buf.format_finite(v + 0.0);
        let decimals = t.find('.').map_or(0, |dot| t.len() - dot - 1);
        if decimals <= 7 && !t.contains('e') {
            s.push_str(t.strip_suffix(".0").unwrap_or(t));
            return;
        }
        // Not rounded yet (callers round): round as the writers do.
        let r = (v * 1e7).round() / 1e7;
        if r != v {
            return zmij_coordinate_any(s, r);
        }
    }
    // Below 1e-5 (written with an exponent), beyond 1e8, or not finite.
    let mut t = format!("{v:.7}");
    if t.contains('.') {
        t = t.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    s.push_str(if t == "-0" { "0" } else { &t });
}

/// `write::geojson::push_exact` until issue 18: std's `Display`.
fn push_exact_display(s: &mut String, v: f64) {
    use std::fmt::Write;
    let _ = write!(s, "{}", v + 0.0);
}

/// `read::lean::number_text`'s digit loop for a whole number, as written
/// there until issue 18 (commit d669476).
fn number_text_by_hand(mut v: u64) -> String {
    let mut digits = [0u8; 20];
    let mut k = digits.len();
    loop {
        k -= 1;
        digits[k] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    String::from_utf8_lossy(&digits[k..]).into_owned()
}

fn number_text_itoa(v: u64) -> String {
    itoa::Buffer::new().format(v).to_owned()
}

/// Every coordinate of the synth layer as the writers meet them: exact
/// lon/lat (a neighborhood's border) and rounded to 7 decimals.
fn coordinates(text: &str) -> (Vec<f64>, Vec<f64>) {
    let fs = linli::read::lean::parse_whole(text, Some(KEEP)).expect("reads");
    let mut exact = Vec::new();
    for f in &fs {
        if let GeometryValue::Polygon { coordinates } = &f.geometry {
            for p in coordinates.iter().flatten() {
                // Off the 7-decimal grid, as projected vertices are.
                exact.push(p[0] + 1.234_567_891e-9 * (exact.len() % 97) as f64);
                exact.push(p[1] - 7.654_321e-10 * (exact.len() % 89) as f64);
            }
        }
    }
    exact.truncate(400_000);
    let rounded = exact.iter().map(|v| (v * 1e7).round() / 1e7).collect();
    (exact, rounded)
}

fn same_bytes(vs: &[f64], a: impl Fn(&mut String, f64), b: impl Fn(&mut String, f64)) -> usize {
    let (mut s, mut t) = (String::new(), String::new());
    for &v in vs {
        s.clear();
        t.clear();
        a(&mut s, v);
        b(&mut t, v);
        assert_eq!(s, t, "{v:e}");
    }
    vs.len()
}

fn digits(c: &mut Criterion) {
    let city = linli::synth::generate(&linli::synth::SynthParams::new(20_000, 1)).expect("valid");
    let (exact, rounded) = coordinates(&city.files()["buildings.geojson"]);
    let edge: [f64; 11] = [
        0.0, -0.0, 1e-7, -1e-7, 1e-5, 9.9e-6, 123.456, 180.0, -180.0, 31.0, 1e-9,
    ];
    let edge_rounded: Vec<f64> = edge.iter().map(|v| (v * 1e7).round() / 1e7).collect();
    for set in [&rounded[..], &edge_rounded] {
        same_bytes(
            set,
            linli::write::geojson::push_coordinate,
            zmij_coordinate_any,
        );
        same_bytes(
            &exact,
            linli::write::geojson::push_coordinate,
            zmij_coordinate_any,
        );
        same_bytes(set, linli::write::geojson::push_coordinate, |s, v| {
            ryu_coordinate(s, &mut ryu::Buffer::new(), v)
        });
        same_bytes(set, linli::write::geojson::push_coordinate, |s, v| {
            zmij_coordinate(s, &mut zmij::Buffer::new(), v)
        });
    }
    for set in [&exact[..], &edge] {
        same_bytes(set, push_exact_display, linli::write::geojson::push_exact);
        same_bytes(set, push_exact_display, |s, v| {
            ryu_exact(s, &mut ryu::Buffer::new(), v)
        });
        same_bytes(set, push_exact_display, |s, v| {
            zmij_exact(s, &mut zmij::Buffer::new(), v)
        });
    }
    let ids: Vec<u64> = (0..200_000u64)
        .map(|i| {
            if i % 2 == 0 {
                i
            } else {
                30_000_000 + i * 48_271
            }
        })
        .collect();
    for &v in &ids {
        assert_eq!(number_text_by_hand(v), number_text_itoa(v));
    }
    eprintln!(
        "digits bench: {} coordinates, {} whole numbers; the crates give the same bytes",
        rounded.len(),
        ids.len()
    );

    let mut s = String::with_capacity(rounded.len() * 14);
    let mut each = |vs: &[f64], f: &mut dyn FnMut(&mut String, f64)| {
        s.clear();
        for &v in vs {
            f(&mut s, black_box(v));
        }
        black_box(s.len());
    };
    let (mut rb, mut zb) = (ryu::Buffer::new(), zmij::Buffer::new());
    let ours7 = linli::write::geojson::push_coordinate;
    let exact_ours = push_exact_display;
    let each = std::cell::RefCell::new(&mut each);
    let run = |vs: &[f64], f: &mut dyn FnMut(&mut String, f64)| (each.borrow_mut())(vs, f);
    paired(
        "7 decimals ryu, rounded input",
        400,
        || run(&rounded, &mut |s, v| ours7(s, v)),
        || run(&rounded, &mut |s, v| ryu_coordinate(s, &mut rb, v)),
    );
    paired(
        "7 decimals zmij, rounded input",
        400,
        || run(&rounded, &mut |s, v| ours7(s, v)),
        || run(&rounded, &mut |s, v| zmij_coordinate(s, &mut zb, v)),
    );
    paired(
        "7 decimals zmij, any input",
        400,
        || run(&rounded, &mut |s, v| ours7(s, v)),
        || run(&rounded, &mut zmij_coordinate_any),
    );
    paired(
        "exact ryu",
        400,
        || run(&exact, &mut |s, v| exact_ours(s, v)),
        || run(&exact, &mut |s, v| ryu_exact(s, &mut rb, v)),
    );
    paired(
        "exact zmij",
        400,
        || run(&exact, &mut |s, v| exact_ours(s, v)),
        || run(&exact, &mut |s, v| zmij_exact(s, &mut zb, v)),
    );
    paired(
        "exact write::geojson::push_exact",
        400,
        || run(&exact, &mut |s, v| exact_ours(s, v)),
        || run(&exact, &mut linli::write::geojson::push_exact),
    );
    paired(
        "whole numbers itoa",
        100,
        || {
            black_box(
                ids.iter()
                    .map(|&v| number_text_by_hand(black_box(v)).len())
                    .sum::<usize>(),
            );
        },
        || {
            black_box(
                ids.iter()
                    .map(|&v| number_text_itoa(black_box(v)).len())
                    .sum::<usize>(),
            );
        },
    );

    let mut g = c.benchmark_group("digits");
    g.sample_size(20);
    let mut s = String::with_capacity(rounded.len() * 14);
    g.throughput(Throughput::Elements(rounded.len() as u64));
    g.bench_function(BenchmarkId::new("7 decimals", "zmij, any input"), |b| {
        b.iter(|| {
            s.clear();
            for &v in &rounded {
                zmij_coordinate_any(&mut s, black_box(v));
            }
            s.len()
        })
    });
    g.bench_function(
        BenchmarkId::new(
            "7 decimals",
            "write::geojson::push_coordinate (ours, by hand)",
        ),
        |b| {
            b.iter(|| {
                s.clear();
                for &v in &rounded {
                    linli::write::geojson::push_coordinate(&mut s, black_box(v));
                }
                s.len()
            })
        },
    );
    g.bench_function(BenchmarkId::new("7 decimals", "ryu + trim"), |b| {
        let mut buf = ryu::Buffer::new();
        b.iter(|| {
            s.clear();
            for &v in &rounded {
                ryu_coordinate(&mut s, &mut buf, black_box(v));
            }
            s.len()
        })
    });
    g.bench_function(BenchmarkId::new("7 decimals", "zmij + trim"), |b| {
        let mut buf = zmij::Buffer::new();
        b.iter(|| {
            s.clear();
            for &v in &rounded {
                zmij_coordinate(&mut s, &mut buf, black_box(v));
            }
            s.len()
        })
    });
    g.bench_function(
        BenchmarkId::new("exact", "push_exact (ours, std Display)"),
        |b| {
            b.iter(|| {
                s.clear();
                for &v in &exact {
                    linli::write::geojson::push_exact(&mut s, black_box(v));
                }
                s.len()
            })
        },
    );
    g.bench_function(BenchmarkId::new("exact", "ryu + trim"), |b| {
        let mut buf = ryu::Buffer::new();
        b.iter(|| {
            s.clear();
            for &v in &exact {
                ryu_exact(&mut s, &mut buf, black_box(v));
            }
            s.len()
        })
    });
    g.bench_function(BenchmarkId::new("exact", "zmij + trim"), |b| {
        let mut buf = zmij::Buffer::new();
        b.iter(|| {
            s.clear();
            for &v in &exact {
                zmij_exact(&mut s, &mut buf, black_box(v));
            }
            s.len()
        })
    });
    g.throughput(Throughput::Elements(ids.len() as u64));
    g.bench_function(
        BenchmarkId::new("whole numbers", "number_text loop (until issue 18)"),
        |b| {
            b.iter(|| {
                ids.iter()
                    .map(|&v| number_text_by_hand(black_box(v)).len())
                    .sum::<usize>()
            })
        },
    );
    g.bench_function(BenchmarkId::new("whole numbers", "itoa"), |b| {
        b.iter(|| {
            ids.iter()
                .map(|&v| number_text_itoa(black_box(v)).len())
                .sum::<usize>()
        })
    });
    g.finish();
}

/// The district read whole from GeoJSON and from one GeoPackage.
fn formats(c: &mut Criterion) {
    use linli::read::{ReadOptions, ScenarioFiles, read_scenario};
    let n = households();
    let city =
        linli::synth::generate(&linli::synth::SynthParams::new(n, 1)).expect("valid parameters");
    let base = std::env::temp_dir().join(format!("linli-bench-formats-{}", std::process::id()));
    let (json, gpkg) = (base.join("geojson"), base.join("gpkg"));
    for d in [&json, &gpkg] {
        std::fs::create_dir_all(d).expect("a temp folder");
    }
    let mut tables = Vec::new();
    for (name, text) in city.files() {
        std::fs::write(json.join(&name), &text).expect("written");
        match name.strip_suffix(".geojson") {
            Some(stem) => tables.push(
                linli::write::table::from_geojson(stem, &text, linli::project::Crs::LonLat)
                    .expect("a layer"),
            ),
            None => std::fs::write(gpkg.join(&name), &text).expect("written"),
        }
    }
    let buildings = tables
        .iter()
        .find(|t| t.name == "buildings")
        .map_or(0, |t| t.rows.len());
    linli::write::gpkg::write(
        &gpkg.join("scenario.gpkg"),
        &tables,
        linli::project::Crs::LonLat,
        4326,
    )
    .expect("a GeoPackage");
    let read = |d: &std::path::Path| {
        let files = ScenarioFiles::from_dir(d).expect("a scenario");
        read_scenario(&files, &ReadOptions::default()).expect("it reads")
    };
    // The same scenario either way.
    let (a, b) = (read(&json), read(&gpkg));
    assert_eq!(a.scenario.buildings.len(), b.scenario.buildings.len());
    paired(
        &format!("read {buildings} buildings: GeoPackage over GeoJSON"),
        7,
        || drop(black_box(read(&json))),
        || drop(black_box(read(&gpkg))),
    );
    let mut g = c.benchmark_group(format!("formats_synth{}k", n / 1000));
    g.sample_size(10);
    g.bench_function("geojson", |b| b.iter(|| black_box(read(&json))));
    g.bench_function("gpkg", |b| b.iter(|| black_box(read(&gpkg))));
    g.finish();
    let _ = std::fs::remove_dir_all(base);
}

criterion_group!(benches, digits, readers, formats);
criterion_main!(benches);
