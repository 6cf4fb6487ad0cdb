//! The dependency rule of ARCHITECTURE.md, checked on the source: a module
//! imports only modules below it in [`LAYERS`], and inside a folder module
//! no two files import each other (directly or round a loop).
//!
//! Imports are read from the text: every `crate::name` outside comments and
//! outside the unit tests at the foot of a file (a test may build its
//! fixture with any stage). The binary (`main.rs` and the modules it
//! declares: `cli`, `crash`) sits on top and is not checked.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The library's modules, lowest first; a module may import those on lower
/// lines only (modules on one line do not import each other).
const LAYERS: &[&[&str]] = &[
    &["model", "project"],
    &["error"],
    &["config"],
    &["read"],
    &["blocks"],
    &["partition"],
    &["dissolve"],
    &["coverage"],
    &["staffing"],
    &["existing", "audit", "roster"],
    &["redraw", "diff"],
    &["pipeline"],
    &["write"],
    &["plan", "split"],
    &["edit", "merge"],
    &["serve"],
    &["demo", "synth", "osm"],
];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without comments and without its `#[cfg(test)]`
/// module (always the last item of a file here).
fn code(text: &str) -> String {
    let body = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    body.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `prefix::name` in `code` (names are lowercase identifiers).
fn paths_after<'a>(code: &'a str, prefix: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            // `prefix::{a, b::c}`: the first name of each item.
            let close = group.find('}').unwrap_or(group.len());
            for item in group[..close].split(',') {
                let item = item.trim();
                let n = name_len(item);
                if n > 0 {
                    out.push(&item[..n]);
                }
            }
        } else if name_len(rest) > 0 {
            out.push(&rest[..name_len(rest)]);
        }
    }
    out
}

/// Length of the lowercase identifier `s` starts with.
fn name_len(s: &str) -> usize {
    s.find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
        .unwrap_or(s.len())
}

struct Source {
    /// Path under src/, e.g. `read/lean.rs`.
    rel: String,
    code: String,
}

fn sources() -> Vec<Source> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .map(|p| Source {
            rel: p
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/"),
            code: code(&std::fs::read_to_string(&p).unwrap()),
        })
        .filter(|s| !matches!(s.rel.as_str(), "main.rs" | "lib.rs"))
        .filter(|s| !binary_modules().contains(&top_module(&s.rel).to_string()))
        .collect()
}

/// The modules of the binary (`mod x;` in main.rs): the command line.
fn binary_modules() -> Vec<String> {
    let main =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/main.rs")).unwrap();
    main.lines()
        .filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';'))
        .map(str::to_string)
        .collect()
}

fn top_module(rel: &str) -> &str {
    rel.split('/').next().unwrap().trim_end_matches(".rs")
}

#[test]
fn every_module_is_in_a_layer() {
    for s in sources() {
        let m = top_module(&s.rel);
        assert!(
            rank(m).is_some(),
            "src/{}: module `{m}` is in no layer of tests/architecture.rs (and ARCHITECTURE.md)",
            s.rel
        );
    }
}

#[test]
fn modules_import_only_lower_layers() {
    let mut wrong = BTreeSet::new();
    for s in sources() {
        let from = top_module(&s.rel);
        let Some(r) = rank(from) else { continue };
        for to in paths_after(&s.code, "crate::") {
            if to == from {
                continue;
            }
            match rank(to) {
                Some(t) if t < r => {}
                _ => {
                    wrong.insert(format!("src/{} imports crate::{to}", s.rel));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that climb the pipeline (see ARCHITECTURE.md, \"Dependency rule\"):\n{}",
        wrong.into_iter().collect::<Vec<_>>().join("\n")
    );
}

/// The files of one folder module that each file imports (`super::x`,
/// `crate::folder::x`), `mod.rs` left out: it declares the others and
/// re-exports from them.
fn sibling_imports(folder: &str, all: &[Source]) -> BTreeMap<String, BTreeSet<String>> {
    let files: Vec<&Source> = all
        .iter()
        .filter(|s| s.rel.starts_with(&format!("{folder}/")) && s.rel.matches('/').count() == 1)
        .collect();
    let name = |s: &Source| {
        s.rel[folder.len() + 1..]
            .trim_end_matches(".rs")
            .to_string()
    };
    let names: BTreeSet<String> = files.iter().map(|s| name(s)).collect();
    let mut graph = BTreeMap::new();
    for s in files.iter().filter(|s| !s.rel.ends_with("/mod.rs")) {
        let own = format!("crate::{folder}::");
        let mut to: BTreeSet<String> = paths_after(&s.code, "super::")
            .into_iter()
            .chain(paths_after(&s.code, &own))
            .map(str::to_string)
            .filter(|n| names.contains(n) && *n != name(s) && n != "mod")
            .collect();
        to.remove("mod");
        graph.insert(name(s), to);
    }
    graph
}

/// A loop in `graph`, if any, as the names along it.
fn find_loop(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(n) {
            Some(2) => return None,
            Some(1) => {
                let i = path.iter().position(|p| p == n).unwrap();
                let mut l = path[i..].to_vec();
                l.push(n.to_string());
                return Some(l);
            }
            _ => {}
        }
        state.insert(n.to_string(), 1);
        path.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            if let Some(l) = visit(m, g, state, path) {
                return Some(l);
            }
        }
        path.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if let Some(l) = visit(n, graph, &mut state, &mut Vec::new()) {
            return Some(l);
        }
    }
    None
}

#[test]
fn files_of_a_folder_module_import_each_other_one_way() {
    let all = sources();
    let folders: BTreeSet<String> = all
        .iter()
        .filter(|s| s.rel.contains('/'))
        .map(|s| top_module(&s.rel).to_string())
        .collect();
    let mut loops = Vec::new();
    for f in &folders {
        if let Some(l) = find_loop(&sibling_imports(f, &all)) {
            loops.push(format!("src/{f}/: {}", l.join(" -> ")));
        }
    }
    assert!(
        loops.is_empty(),
        "files that import each other:\n{}",
        loops.join("\n")
    );
}

#[test]
fn the_checker_sees_imports() {
    // The checker itself: it must find what it is meant to forbid.
    let c = code(
        "use crate::write::x; // crate::plan\n/// crate::osm\nfn f() { crate::read::g(); }\nuse crate::{blocks::B, coverage};\n#[cfg(test)]\nmod tests { use crate::plan; }",
    );
    assert_eq!(
        paths_after(&c, "crate::"),
        ["write", "read", "blocks", "coverage"]
    );
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    g.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(find_loop(&g).unwrap(), ["a", "b", "a"]);
    assert!(rank("plan") > rank("pipeline") && rank("model") < rank("read"));
}

/// Most lines a function may span (from `fn` to its closing brace) unless
/// a comment just above it, starting `// Long:`, says why.
const MAX_FUNCTION_LINES: usize = 80;

/// Functions longer than [`MAX_FUNCTION_LINES`] in `text`: (line, name,
/// lines). Braces in strings and comments are skipped.
fn long_functions(text: &str) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim_start();
        let t = t
            .strip_prefix("pub(crate) ")
            .or_else(|| t.strip_prefix("pub(super) "))
            .or_else(|| t.strip_prefix("pub "))
            .unwrap_or(t);
        let t = t.strip_prefix("const ").unwrap_or(t);
        let Some(rest) = t.strip_prefix("fn ") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let Some(end) = closing_line(&lines, i) else {
            continue;
        };
        let reason = lines[..i]
            .iter()
            .rev()
            .take_while(|l| l.trim_start().starts_with("//") || l.trim_start().starts_with("#["))
            .any(|l| l.trim_start().starts_with("// Long:"));
        if end - i + 1 > MAX_FUNCTION_LINES && !reason {
            out.push((i + 1, name, end - i + 1));
        }
    }
    out
}

/// The line of the brace closing the body that opens at or after line
/// `start`; `None` for a declaration without a body.
fn closing_line(lines: &[&str], start: usize) -> Option<usize> {
    let mut depth = 0i32;
    // Brackets and parentheses of the signature: `[i64; 4]` holds a `;`.
    let mut nested = 0i32;
    let mut opened = false;
    for (j, l) in lines.iter().enumerate().skip(start) {
        let mut in_str = false;
        let mut prev = ' ';
        let mut chars = l.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if prev != '\\' => in_str = !in_str,
                '/' if !in_str && chars.peek() == Some(&'/') => break,
                '\'' if !in_str => {
                    // A char literal such as '{' (not a lifetime).
                    let rest: String = chars.clone().take(3).collect();
                    if rest.len() >= 2 && rest.chars().nth(1) == Some('\'') {
                        chars.next();
                        chars.next();
                    }
                }
                '{' if !in_str => {
                    depth += 1;
                    opened = true;
                }
                '}' if !in_str => depth -= 1,
                '(' | '[' if !in_str => nested += 1,
                ')' | ']' if !in_str => nested -= 1,
                ';' if !in_str && !opened && depth == 0 && nested == 0 => return None,
                _ => {}
            }
            prev = if prev == '\\' && c == '\\' { ' ' } else { c };
        }
        if opened && depth == 0 {
            return Some(j);
        }
    }
    None
}

#[test]
fn no_function_is_over_80_lines_without_a_reason() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut long = Vec::new();
    for p in files {
        let text = std::fs::read_to_string(&p).unwrap();
        for (line, name, n) in long_functions(&text) {
            let rel = p.strip_prefix(&src).unwrap().display().to_string();
            long.push(format!("src/{rel}:{line} fn {name}: {n} lines"));
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines (split them, or say why above them in a `// Long:` comment):\n{}",
        long.join("\n")
    );
}

#[test]
fn the_length_check_counts_bodies() {
    let body = "    let x = 1;\n".repeat(85);
    let text = format!(
        "fn short() {{ '{{'; \"}}\"; }}\n\npub fn long() {{\n{body}}}\n\n// Long: one tight loop.\nfn allowed() {{\n{body}}}\nfn declared();\nfn array(a: [u8; 2]) {{\n{body}}}\n"
    );
    let found = long_functions(&text);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(
        (found[0].0, found[0].1.as_str(), found[0].2),
        (3, "long", 87)
    );
}
