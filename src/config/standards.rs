//! The standards profile (`standards.toml`): the life circles of GB
//! 50180-2018, the seeds' service rules, and per facility kind its circle
//! and walking limit.
//!
//! The built-in profile is `standards.toml` beside this file (docs/standards.md
//! gives its sources); a scenario's own `standards.toml` (or `--standards
//! FILE`) extends it key by key, or replaces its kinds with `replace = true`.
//! Every value is checked while it is read, so a wrong one is an error
//! naming the file, the line and the key.

use super::Threshold;
use crate::error::Problem;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The life circles, in walking minutes: GB 50180-2018's 5-, 10- and
/// 15-minute circles.
pub const CIRCLES: [u32; 3] = [5, 10, 15];

/// The text of the built-in profile.
pub const BUILTIN_TEXT: &str = include_str!("standards.toml");

/// Where the built-in profile comes from, as summaries name it.
pub const BUILTIN_FILE: &str = "built-in";

/// A standards profile, resolved: the built-in one with a file's changes.
///
/// ```
/// let s = linli::config::standards::Standards::builtin();
/// assert_eq!(s.circles[&5], 300.0);
/// assert_eq!(s.circle_of("kindergarten"), Some(5));
/// assert_eq!(s.service_point, "neighborhood_office");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standards {
    /// A name for reports.
    pub name: String,
    /// The file it was read from (`built-in` for the built-in profile).
    pub file: String,
    /// Walking speed, km/h (scenario.toml's `[walking] speed_kmh`, when
    /// given, is over it).
    pub speed_kmh: f64,
    /// Each circle's walking distance, metres, by its minutes.
    pub circles: BTreeMap<u32, f64>,
    /// The kind at the centre of the seeds' 15-minute service circle.
    pub circle_centre: String,
    /// The kind of the seeds' neighborhood service point ("the last 500 m").
    pub service_point: String,
    /// Per facility kind.
    pub kinds: BTreeMap<String, KindStandard>,
}

/// One facility kind's standard.
///
/// ```
/// let s = linli::config::standards::Standards::builtin();
/// let k = &s.kinds["kindergarten"];
/// assert_eq!((k.circle, k.limit), (Some(5), None)); // its circle's 300 m
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindStandard {
    /// Its life circle (5, 10 or 15 minutes); `None`: in no circle.
    pub circle: Option<u32>,
    /// Its own walking limit; `None`: its circle's distance.
    pub limit: Option<Threshold>,
    /// Its name in the standard.
    pub name: String,
    /// Where the rule comes from.
    pub source: String,
    /// The population it serves above all (`elderly`, `children`), whose
    /// coverage is also counted in persons when buildings give them.
    pub serves: Option<String>,
}

impl Default for Standards {
    fn default() -> Self {
        Standards::builtin()
    }
}

static BUILTIN: LazyLock<Standards> = LazyLock::new(|| {
    let empty = Standards {
        name: String::new(),
        file: BUILTIN_FILE.into(),
        speed_kmh: 4.0,
        circles: BTreeMap::new(),
        circle_centre: String::new(),
        service_point: String::new(),
        kinds: BTreeMap::new(),
    };
    Standards::parse(BUILTIN_TEXT, BUILTIN_FILE, &empty).expect("the built-in profile is valid")
});

impl Standards {
    /// The built-in profile (GB 50180-2018 and the seeds).
    ///
    /// ```
    /// let s = linli::config::standards::Standards::builtin();
    /// assert_eq!(s.speed_kmh, 4.0);
    /// ```
    pub fn builtin() -> Standards {
        BUILTIN.clone()
    }

    /// Reads a profile file over `base`: the keys it gives replace
    /// `base`'s, its kinds are added (or, with `replace = true`, are the
    /// only ones); `file` names it in errors, each with its line.
    ///
    /// ```
    /// use linli::config::standards::Standards;
    /// let b = Standards::builtin();
    /// let s = Standards::parse("[kinds.canteen]\ncircle = 5\nname = \"长者食堂\"\n", "s.toml", &b).unwrap();
    /// assert_eq!(s.limit_m("canteen", 4.0), Some(300.0));
    /// let e = Standards::parse("[kinds.clinic]\nmetre = 5\n", "s.toml", &b).unwrap_err();
    /// assert!(e[0].to_string().contains("s.toml: line 2"));
    /// ```
    pub fn parse(text: &str, file: &str, base: &Standards) -> Result<Standards, Vec<Problem>> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let raw: RawProfile =
            toml::from_str(text).map_err(|e| vec![syntax_problem(text, file, &e)])?;
        let s = raw.over(base, file);
        let problems = s.problems(text, file);
        if problems.is_empty() {
            Ok(s)
        } else {
            Err(problems)
        }
    }

    /// The circle of `kind`, if it has one.
    ///
    /// ```
    /// let s = linli::config::standards::Standards::builtin();
    /// assert_eq!(s.circle_of("middle_school"), Some(15));
    /// assert_eq!(s.circle_of("unknown"), None);
    /// ```
    pub fn circle_of(&self, kind: &str) -> Option<u32> {
        self.kinds.get(kind).and_then(|k| k.circle)
    }

    /// The kinds of circle `minutes`, sorted.
    ///
    /// ```
    /// let s = linli::config::standards::Standards::builtin();
    /// assert!(s.kinds_of(5).contains(&"kindergarten".to_string()));
    /// ```
    pub fn kinds_of(&self, minutes: u32) -> Vec<String> {
        self.kinds
            .iter()
            .filter(|(_, k)| k.circle == Some(minutes))
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// The walking limit of `kind`: its own, else its circle's distance.
    ///
    /// ```
    /// use linli::config::Threshold;
    /// let s = linli::config::standards::Standards::builtin();
    /// assert_eq!(s.limit("kindergarten"), Some(Threshold::Metres(300.0)));
    /// assert_eq!(s.limit("community_centre"), Some(Threshold::Minutes(15.0)));
    /// ```
    pub fn limit(&self, kind: &str) -> Option<Threshold> {
        let k = self.kinds.get(kind)?;
        k.limit.or_else(|| {
            k.circle
                .and_then(|c| self.circles.get(&c))
                .map(|&m| Threshold::Metres(m))
        })
    }

    /// [`Standards::limit`] in metres at `speed_kmh`.
    ///
    /// ```
    /// let s = linli::config::standards::Standards::builtin();
    /// assert_eq!(s.limit_m("community_centre", 4.0), Some(1000.0));
    /// ```
    pub fn limit_m(&self, kind: &str, speed_kmh: f64) -> Option<f64> {
        self.limit(kind).map(|t| match t {
            Threshold::Metres(m) => m,
            Threshold::Minutes(min) => ((min * speed_kmh * 1000.0 / 60.0) * 1e6).round() / 1e6,
        })
    }

    /// The kinds every coverage run measures, with or without a facility:
    /// the seeds' two (the service circle's centre, the service point).
    ///
    /// ```
    /// let s = linli::config::standards::Standards::builtin();
    /// assert_eq!(s.always_measured(), vec!["community_centre", "neighborhood_office"]);
    /// ```
    pub fn always_measured(&self) -> Vec<String> {
        let mut k = vec![self.circle_centre.clone(), self.service_point.clone()];
        k.sort();
        k.dedup();
        k
    }

    /// What is wrong with the profile as a whole (a kind without a limit,
    /// circles out of order, a service rule naming no kind), each with the
    /// line of `text` it is on.
    fn problems(&self, text: &str, file: &str) -> Vec<Problem> {
        let mut p = Vec::new();
        let at = |needle: &[String], what: String, hint: &str| {
            let line = needle.iter().find_map(|n| line_of(text, n));
            located(file, line, what).with_hint(hint)
        };
        for (name, k) in &self.kinds {
            if self.limit(name).is_none() {
                p.push(at(
                    &kind_needles(name),
                    format!("kinds.{name} has neither a circle nor a walking limit"),
                    "give circle = 5, 10 or 15, or metres = … / minutes = …",
                ));
            }
            if let Some(c) = k.circle.filter(|c| !self.circles.contains_key(c)) {
                p.push(at(
                    &kind_needles(name),
                    format!("kinds.{name}: circle {c} has no walking distance"),
                    "give [circles.N] metres = …",
                ));
            }
        }
        let reach: Vec<(u32, f64)> = self.circles.iter().map(|(&c, &m)| (c, m)).collect();
        for w in reach.windows(2) {
            if w[0].1 > w[1].1 {
                p.push(at(
                    &[
                        format!("[circles.{}]", w[1].0),
                        format!("[circles.\"{}\"]", w[1].0),
                    ],
                    format!(
                        "circles.{}.metres ({}) is shorter than circles.{}.metres ({})",
                        w[1].0,
                        crate::error::show(w[1].1),
                        w[0].0,
                        crate::error::show(w[0].1)
                    ),
                    "a larger circle walks at least as far as a smaller one",
                ));
            }
        }
        for (key, kind) in [
            ("circle_centre", &self.circle_centre),
            ("service_point", &self.service_point),
        ] {
            if !self.kinds.contains_key(kind) {
                p.push(at(
                    &[format!("{key} =")],
                    format!("service.{key} is {kind:?}, which is not a kind of the profile"),
                    "name a kind listed under [kinds], or add it there",
                ));
            }
        }
        p
    }
}

/// The lines a kind may be given on: its table, or a key in `[kinds]`.
fn kind_needles(name: &str) -> Vec<String> {
    vec![
        format!("[kinds.{name}]"),
        format!("[kinds.\"{name}\"]"),
        format!("{name} ="),
        format!("\"{name}\" ="),
    ]
}

/// The first line (from 1) of `text` that starts with `needle`, blanks
/// before it ignored.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.trim_start().starts_with(needle))
        .map(|i| i + 1)
}

/// A problem of `file`, at `line` when known.
fn located(file: &str, line: Option<usize>, what: String) -> Problem {
    match line {
        Some(n) => Problem::file(format!("{file}: line {n}"), what),
        None => Problem::file(file, what),
    }
}

/// The problem of a file TOML or the profile's types refuse: its line from
/// the error's place, and a hint.
fn syntax_problem(text: &str, file: &str, e: &toml::de::Error) -> Problem {
    let line = e
        .span()
        .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
    let what = e.message().trim_end_matches('.').to_string();
    let hint = if what.contains("unknown field") {
        "a profile has name, replace, speed_kmh, [circles.5|10|15] metres, [service] circle_centre / service_point, and [kinds.<kind>] circle, metres or minutes, name, source, serves (elderly or children; docs/standards.md)"
    } else {
        "see docs/standards.md for the keys and their ranges"
    };
    located(file, line, what).with_hint(hint)
}

/// A profile file as written: every key optional.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: Option<String>,
    #[serde(default)]
    replace: bool,
    #[serde(default, deserialize_with = "speed")]
    speed_kmh: Option<f64>,
    #[serde(default)]
    circles: BTreeMap<CircleKey, RawCircle>,
    service: Option<RawService>,
    #[serde(default)]
    kinds: BTreeMap<String, RawKind>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCircle {
    #[serde(deserialize_with = "metres")]
    metres: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    circle_centre: Option<String>,
    service_point: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    #[serde(default, deserialize_with = "circle")]
    circle: Option<u32>,
    #[serde(default, deserialize_with = "opt_metres")]
    metres: Option<f64>,
    #[serde(default, deserialize_with = "minutes")]
    minutes: Option<f64>,
    name: Option<String>,
    source: Option<String>,
    #[serde(default, deserialize_with = "population")]
    serves: Option<String>,
}

impl RawProfile {
    /// The profile this file makes of `base`.
    fn over(self, base: &Standards, file: &str) -> Standards {
        let mut s = base.clone();
        s.file = file.to_string();
        if let Some(n) = self.name {
            s.name = n;
        }
        if let Some(v) = self.speed_kmh {
            s.speed_kmh = v;
        }
        for (c, raw) in self.circles {
            s.circles.insert(c.0, raw.metres);
        }
        if let Some(sv) = self.service {
            s.circle_centre = sv.circle_centre.unwrap_or(s.circle_centre);
            s.service_point = sv.service_point.unwrap_or(s.service_point);
        }
        if self.replace {
            s.kinds.clear();
        }
        for (name, raw) in self.kinds {
            let k = s.kinds.entry(name).or_insert_with(|| KindStandard {
                circle: None,
                limit: None,
                name: String::new(),
                source: String::new(),
                serves: None,
            });
            raw.over(k);
        }
        s
    }
}

impl RawKind {
    /// Lays the keys given over `k` (circle 0: in no circle).
    fn over(self, k: &mut KindStandard) {
        if let Some(c) = self.circle {
            k.circle = (c != 0).then_some(c);
        }
        match (self.metres, self.minutes) {
            (Some(m), _) => k.limit = Some(Threshold::Metres(m)),
            (None, Some(m)) => k.limit = Some(Threshold::Minutes(m)),
            (None, None) => {}
        }
        if let Some(n) = self.name {
            k.name = n;
        }
        if let Some(src) = self.source {
            k.source = src;
        }
        if let Some(p) = self.serves {
            k.serves = Some(p);
        }
    }
}

/// The special populations buildings may give (persons per building).
pub const POPULATIONS: &[&str] = &["elderly", "children"];

/// A kind's `serves`: one of [`POPULATIONS`].
fn population<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = String::deserialize(d)?;
    if POPULATIONS.contains(&v.as_str()) {
        Ok(Some(v))
    } else {
        Err(serde::de::Error::custom(format!(
            "serves = {v:?}: a kind serves one of {}",
            POPULATIONS.join(", ")
        )))
    }
}

/// A circle's key: `5`, `10` or `15`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct CircleKey(u32);

impl<'de> Deserialize<'de> for CircleKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let t = String::deserialize(d)?;
        match t.parse::<u32>() {
            Ok(c) if CIRCLES.contains(&c) => Ok(CircleKey(c)),
            _ => Err(de::Error::custom(format!(
                "[circles.{t}]: the circles are 5, 10 and 15 (minutes)"
            ))),
        }
    }
}

/// A number within the range scenario.toml gives `key`'s setting.
fn ranged<'de, D: Deserializer<'de>>(d: D, key: &str, what: &str) -> Result<f64, D::Error> {
    let v = f64::deserialize(d)?;
    let r = super::ranges::range_of(key).expect("a ranged setting");
    if r.contains(v) {
        Ok(v)
    } else {
        Err(de::Error::custom(format!(
            "{what} {} is out of range: it must be in {} ({})",
            crate::error::show(v),
            r.interval(),
            r.unit
        )))
    }
}

fn speed<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    ranged(d, "walking.speed_kmh", "speed_kmh").map(Some)
}

fn metres<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    ranged(d, "walking.thresholds.*.metres", "metres")
}

fn opt_metres<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    metres(d).map(Some)
}

fn minutes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    ranged(d, "walking.thresholds.*.minutes", "minutes").map(Some)
}

fn circle<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let v = i64::deserialize(d)?;
    match u32::try_from(v) {
        Ok(c) if c == 0 || CIRCLES.contains(&c) => Ok(Some(c)),
        _ => Err(de::Error::custom(format!(
            "circle {v}: a kind's circle is 5, 10 or 15 (minutes), or 0 for none"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Standards, String> {
        Standards::parse(text, "s.toml", &Standards::builtin()).map_err(|p| {
            p.iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    #[test]
    fn builtin_follows_the_standard() {
        let s = Standards::builtin();
        assert_eq!(
            s.circles,
            BTreeMap::from([(5, 300.0), (10, 500.0), (15, 1000.0)])
        );
        assert_eq!(s.limit_m("neighborhood_office", 4.0), Some(500.0));
        assert_eq!(s.limit_m("primary_school", 4.0), Some(500.0));
        assert_eq!(s.limit_m("clinic", 4.0), Some(1000.0));
        // Every kind linli knows has a standard.
        for k in crate::coverage::KNOWN_KINDS {
            assert!(s.circle_of(k).is_some(), "{k}");
        }
    }

    #[test]
    fn extend_and_replace() {
        let s = parse("[circles.5]\nmetres = 250\n[kinds.clinic]\ncircle = 10\n").unwrap();
        assert_eq!(s.limit_m("kindergarten", 4.0), Some(250.0));
        assert_eq!(s.circle_of("clinic"), Some(10));
        assert_eq!(s.kinds.len(), Standards::builtin().kinds.len());
        let r = parse("replace = true\n[kinds.community_centre]\ncircle = 15\n[kinds.neighborhood_office]\nmetres = 500\ncircle = 0\n").unwrap();
        assert_eq!(r.kinds.len(), 2);
        assert_eq!(r.circle_of("neighborhood_office"), None);
    }

    #[test]
    fn errors_name_the_line_and_key() {
        let e = parse("name = \"x\"\n\n[kinds.clinic]\nmetres = -3\n").unwrap_err();
        assert!(
            e.contains("s.toml: line 4") && e.contains("metres -3 is out of range"),
            "{e}"
        );
        let e = parse("[circles.7]\nmetres = 100\n").unwrap_err();
        assert!(e.contains("line 1") && e.contains("5, 10 and 15"), "{e}");
        let e = parse("[kinds.x]\nname = \"x\"\n").unwrap_err();
        assert!(
            e.contains("line 1") && e.contains("neither a circle"),
            "{e}"
        );
        let e = parse("[circles.15]\nmetres = 400\n").unwrap_err();
        assert!(e.contains("line 1") && e.contains("shorter"), "{e}");
        let e = parse("[service]\nservice_point = \"kiosk\"\n").unwrap_err();
        assert!(e.contains("line 2") && e.contains("kiosk"), "{e}");
        let e = parse("[kinds.clinic]\ncircle = 7\n").unwrap_err();
        assert!(e.contains("line 2") && e.contains("circle 7"), "{e}");
        let e = parse("speed = 4\n").unwrap_err();
        assert!(
            e.contains("line 1") && e.contains("unknown field `speed`") && e.contains("hint"),
            "{e}"
        );
    }
}
