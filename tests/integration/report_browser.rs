//! report.html in a real browser (headless Chromium, installed by .ci/run
//! with `fonts-noto-cjk`): the demo's plan is drawn, photographed and read
//! back. The map draws (an SVG with a shape per neighborhood, roads and
//! buildings; the screenshot's map area is many colours, not a blank
//! page), no script fails (the page's own hook counts errors into
//! `data-errors`, and the hook is shown to catch a planted one), the page
//! is Chinese (`lang="zh-CN"`, the roster's names) and, with a CJK font
//! installed, draws Chinese as glyphs rather than boxes. Skipped, with a
//! message, where Chromium is not installed.

use linli::read::ReadOptions;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh folder for this test's files.
fn out_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("linli-browser-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs headless Chromium on `page` with `args` (a profile of its own in
/// `dir`, nothing fetched, 5 s of virtual time for the scripts); its
/// stdout.
fn run(chromium: &str, dir: &Path, page: &Path, args: &[String]) -> String {
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The value of attribute `name` on the DOM's `<body>`.
fn body_attr<'a>(dom: &'a str, name: &str) -> Option<&'a str> {
    let body = &dom[dom.find("<body")?..];
    let body = &body[..body.find('>')?];
    let at = body.find(&format!(" {name}=\""))? + name.len() + 3;
    body[at..].split('"').next()
}

/// Whether a font for Chinese is installed (fontconfig's view).
fn cjk_font() -> bool {
    Command::new("fc-list")
        .arg(":lang=zh")
        .output()
        .is_ok_and(|o| !o.stdout.is_empty())
}

#[test]
fn report_draws_in_chromium() {
    let Some(chromium) = crate::common::chromium() else {
        eprintln!("report_browser: chromium not installed, skipping (.ci/run installs it)");
        return;
    };
    let d = out_dir("demo");
    let plan = d.join("plan");
    linli::plan::run_plan(&linli::demo::files(), &ReadOptions::default(), 1, &plan).unwrap();
    let page = plan.join("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    assert!(
        !html.contains("<script src") && !html.contains("<link") && !html.contains("http://tile")
    );

    let dom = run(chromium, &d, &page, &["--dump-dom".into()]);
    assert_eq!(
        body_attr(&dom, "data-errors"),
        Some("0"),
        "a script failed: {}",
        errors(&dom)
    );
    let neighborhoods = std::fs::read_to_string(plan.join("neighborhoods.csv")).unwrap();
    let rows: Vec<&str> = neighborhoods.lines().skip(1).collect();
    assert_eq!(
        body_attr(&dom, "data-drawn"),
        Some(rows.len().to_string().as_str())
    );
    for class in ["rd r", "bh", "cm", "nbl"] {
        assert!(
            dom.contains(&format!("<path class=\"{class}")),
            "no {class} paths drawn"
        );
    }
    assert!(
        dom.contains("<g id=\"furniture\"><path class=\"sb\""),
        "no scale bar"
    );
    // Names, not ids: every neighborhood's roster name is on the map.
    for row in rows {
        let name = row.split(',').nth(1).unwrap();
        assert!(
            dom.contains(&format!(">{name}</text>")),
            "{name} not labelled"
        );
    }
    if cjk_font() {
        assert_eq!(
            body_attr(&dom, "data-cjk"),
            Some("yes"),
            "Chinese draws as boxes"
        );
    } else {
        eprintln!("report_browser: no CJK font (fonts-noto-cjk): Chinese glyphs not checked");
    }

    let shot = d.join("report.png");
    let size = format!("--window-size={},{}", 1400, 1000);
    run(
        chromium,
        &d,
        &page,
        &[format!("--screenshot={}", shot.display()), size],
    );
    let png = std::fs::read(&shot).expect("no screenshot");
    let (w, h, rgb) = decode_png(&png);
    assert_eq!((w, h), (1400, 1000));
    let colours = map_colours(w, &rgb, 1000);
    assert!(
        colours > 200,
        "the map area is nearly blank: {colours} colours"
    );
}

/// The page's hook sees a script that fails: a copy of the report with a
/// broken script planted counts it.
#[test]
fn report_error_hook_catches_failures() {
    let Some(chromium) = crate::common::chromium() else {
        eprintln!("report_browser: chromium not installed, skipping (.ci/run installs it)");
        return;
    };
    let d = out_dir("hook");
    let plan = d.join("plan");
    linli::plan::run_plan(&linli::demo::files(), &ReadOptions::default(), 1, &plan).unwrap();
    let html = std::fs::read_to_string(plan.join("report.html")).unwrap();
    let broken = html.replacen("</body>", "<script>null.planted();</script></body>", 1);
    let page = d.join("broken.html");
    std::fs::write(&page, broken).unwrap();
    let dom = run(chromium, &d, &page, &["--dump-dom".into()]);
    assert_eq!(
        body_attr(&dom, "data-errors"),
        Some("1"),
        "{}",
        errors(&dom)
    );
    assert!(errors(&dom).contains("planted"));
}

/// The error panel's text, for messages.
fn errors(dom: &str) -> &str {
    dom.find("<pre id=\"errors\"").map_or("", |i| {
        let mut end = dom.len().min(i + 600);
        while !dom.is_char_boundary(end) {
            end -= 1;
        }
        &dom[i..end]
    })
}

/// Distinct colours (5 bits a channel) in the map's part of a screenshot:
/// the left 70 % of rows 80 to `rows`.
fn map_colours(w: usize, rgb: &[[u8; 3]], rows: usize) -> usize {
    let mut seen = std::collections::BTreeSet::new();
    for y in 80..rows {
        for x in 0..w * 7 / 10 {
            let [r, g, b] = rgb[y * w + x];
            seen.insert((r >> 3, g >> 3, b >> 3));
        }
    }
    seen.len()
}

/// Width, height and RGB pixels of an 8-bit RGB or RGBA PNG, not
/// interlaced (what Chromium writes).
fn decode_png(png: &[u8]) -> (usize, usize, Vec<[u8; 3]>) {
    use std::io::Read;
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
    let (mut at, mut idat, mut head) = (8, Vec::new(), (0, 0, 0));
    while at + 8 <= png.len() {
        let (len, kind) = (be(&png[at..]), &png[at + 4..at + 8]);
        let data = &png[at + 8..at + 8 + len];
        match kind {
            b"IHDR" => {
                assert_eq!((data[8], data[12]), (8, 0), "8-bit, not interlaced");
                let channels = match data[9] {
                    2 => 3,
                    6 => 4,
                    t => panic!("colour type {t}"),
                };
                head = (be(data), be(&data[4..]), channels);
            }
            b"IDAT" => idat.extend_from_slice(data),
            _ => {}
        }
        at += 12 + len;
    }
    let (w, h, bpp) = head;
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..])
        .read_to_end(&mut raw)
        .unwrap();
    let stride = w * bpp;
    assert_eq!(raw.len(), h * (stride + 1));
    let mut prev = vec![0u8; stride];
    let mut pixels = Vec::with_capacity(w * h);
    for row in raw.chunks(stride + 1) {
        let line = unfilter(row[0], &row[1..], &prev, bpp);
        pixels.extend(line.chunks(bpp).map(|p| [p[0], p[1], p[2]]));
        prev = line;
    }
    (w, h, pixels)
}

/// One scanline with its PNG filter undone (`prev`: the line above).
fn unfilter(filter: u8, line: &[u8], prev: &[u8], bpp: usize) -> Vec<u8> {
    let mut out = line.to_vec();
    for i in 0..out.len() {
        let a = if i >= bpp { out[i - bpp] } else { 0 };
        let (b, c) = (prev[i], if i >= bpp { prev[i - bpp] } else { 0 });
        let add = match filter {
            0 => 0,
            1 => a,
            2 => b,
            3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
            4 => paeth(a, b, c),
            f => panic!("PNG filter {f}"),
        };
        out[i] = out[i].wrapping_add(add);
    }
    out
}

/// The Paeth predictor.
fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

#[test]
fn png_filters_undo() {
    // Sub then Up on 1-byte pixels.
    assert_eq!(unfilter(1, &[1, 1, 1], &[0, 0, 0], 1), vec![1, 2, 3]);
    assert_eq!(unfilter(2, &[1, 1, 1], &[1, 2, 3], 1), vec![2, 3, 4]);
    assert_eq!(paeth(10, 20, 10), 20);
}
