//! Parsing a large FeatureCollection in pieces, on every core.
//!
//! JSON parsing is serial: on a 300,000-building layer it was a fifth of a
//! coverage run, on one core while the other waited. The text is cut at a
//! few places that look like the start of a feature (`},{`), and each piece
//! is parsed on its own core, feature by feature, up to the next cut. The
//! first piece starts at the array's first feature, found by the parser, so
//! a piece that ends exactly on the next cut proves that cut a feature's
//! start, and so on down the chain; the text around the array is parsed on
//! its own. A cut that was not a feature's start (inside a string, say) or
//! any doubt at all gives `None`, and the caller parses the layer whole: the
//! features are the same either way.

use super::feature::RawFeature;
use super::lean::{FeatureSeed, Keep, Name, parse_whole};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::cell::Cell;
use std::fmt;

/// Layers at least this long (2 MiB) are parsed in pieces.
pub const PIECES_FROM_BYTES: usize = 1 << 21;

/// Pieces per core: a few, so that a core finishing early (or one busy with
/// another layer) does not leave the rest waiting.
const PIECES_PER_THREAD: usize = 4;

/// Parses a FeatureCollection; `None` when the text is not one the lean path
/// is sure about (the geojson crate then decides and explains).
///
/// ```
/// let fc = r#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","id":7,"properties":{"households":3},
///    "geometry":{"type":"Point","coordinates":[120.5,31.25]}}]}"#;
/// let fs = linli::read::pieces::parse_collection(fc).unwrap();
/// assert_eq!(fs[0].id.as_deref(), Some("7"));
/// assert!(linli::read::pieces::parse_collection(r#"{"type":"Point","coordinates":[1,2]}"#).is_none());
/// ```
pub fn parse_collection(text: &str) -> Option<Vec<RawFeature>> {
    parse_collection_keeping(text, None)
}

/// [`parse_collection`] keeping only the properties named in `keep` (and
/// `id`); `None` keeps them all. A buildings layer's dozens of attributes a
/// planner's GIS export carries cost allocations the reader never looks at.
///
/// ```
/// let fc = r#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","properties":{"id":"b1","households":3,"roof":"flat"},
///    "geometry":{"type":"Point","coordinates":[120.5,31.25]}}]}"#;
/// let fs = linli::read::pieces::parse_collection_keeping(fc, Some(&["households"])).unwrap();
/// assert_eq!(fs[0].properties.len(), 2);
/// assert_eq!(fs[0].id.as_deref(), Some("b1"));
/// ```
pub fn parse_collection_keeping(text: &str, keep: Keep) -> Option<Vec<RawFeature>> {
    if text.len() >= PIECES_FROM_BYTES
        && rayon::current_num_threads() > 1
        && let Some(fs) = parse_in_pieces(text, keep)
    {
        return Some(fs);
    }
    parse_whole(text, keep)
}

/// The features of `text` (a FeatureCollection), parsed in pieces; `None`
/// when the text cannot be cut or the pieces do not fit together.
///
/// ```
/// let f = r#"{"type":"Feature","properties":{"h":1},"geometry":{"type":"Point","coordinates":[1,2]}}"#;
/// let text = format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, vec![f; 20_000].join(","));
/// let fs = linli::read::pieces::parse_in_pieces(&text, None).unwrap();
/// assert_eq!(fs.len(), 20_000);
/// assert!(fs.iter().enumerate().all(|(i, f)| f.index == i));
/// assert_eq!(fs, linli::read::pieces::parse_collection(&text).unwrap());
/// ```
pub fn parse_in_pieces(text: &str, keep: Keep) -> Option<Vec<RawFeature>> {
    let first = first_feature(text)?;
    let n = PIECES_PER_THREAD * rayon::current_num_threads().max(1);
    let mut cuts: Vec<usize> = vec![first];
    for k in 1..n {
        if let Some(c) = feature_start_after(text, k * text.len() / n)
            && cuts.last().is_none_or(|&l| c > l)
        {
            cuts.push(c);
        }
    }
    use rayon::prelude::*;
    let pieces: Vec<Option<(Vec<RawFeature>, usize)>> = (0..cuts.len())
        .into_par_iter()
        .map(|k| {
            // The first piece's list is made large enough for the whole
            // layer, so that the others are appended to it in place.
            let end = cuts.get(k + 1).copied();
            let room_for = match k {
                0 => text.len() - cuts[0],
                _ => end.unwrap_or(text.len()) - cuts[k],
            };
            parse_piece(text, cuts[k], end, keep, room_for)
        })
        .collect();
    let mut total = 0;
    let mut end = 0;
    for p in &pieces {
        let (fs, e) = p.as_ref()?;
        total += fs.len();
        end = *e;
    }
    // The collection around the array, with the array emptied, must read as
    // a FeatureCollection with no features (and no second array).
    let skeleton = format!("{}{}", &text[..first], &text[end..]);
    if parse_whole(&skeleton, keep)?.is_empty() {
        let mut pieces = pieces.into_iter().flatten();
        let (mut out, _) = pieces.next()?;
        out.reserve_exact(total - out.len());
        for (piece, _) in pieces {
            let base = out.len();
            out.extend(piece.into_iter().map(|mut f| {
                f.index += base;
                f
            }));
        }
        Some(out)
    } else {
        None
    }
}

/// Where the first feature of the collection's array starts; `None` when
/// the array is empty or the text is not a collection the lean reader reads.
fn first_feature(text: &str) -> Option<usize> {
    let found = Cell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    // The visitor stops at the first feature, so this always "fails".
    let _ = de.deserialize_map(FirstFeature {
        base: text.as_ptr() as usize,
        found: &found,
    });
    found.get()
}

/// The start of the next feature-looking object at or after `from`: the `{`
/// of the first `}` `,` `{` (with any whitespace between).
fn feature_start_after(text: &str, from: usize) -> Option<usize> {
    let b = text.as_bytes();
    let ws = |c: u8| matches!(c, b' ' | b'\n' | b'\r' | b'\t');
    let mut i = from;
    while i < b.len() {
        let close = i + b[i..].iter().position(|&c| c == b'}')?;
        let mut j = close + 1;
        while j < b.len() && ws(b[j]) {
            j += 1;
        }
        if j < b.len() && b[j] == b',' {
            j += 1;
            while j < b.len() && ws(b[j]) {
                j += 1;
            }
            if j < b.len() && b[j] == b'{' {
                return Some(j);
            }
        }
        i = close + 1;
    }
    None
}

thread_local! {
    /// The properties kept by [`PieceFeature`] on this thread.
    static KEEP: Cell<Keep> = const { Cell::new(None) };
}

/// A feature read alone (serde_json's stream reader wants a `Deserialize`
/// type; the properties to keep come from [`KEEP`]).
struct PieceFeature(RawFeature);

impl<'de> serde::Deserialize<'de> for PieceFeature {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        FeatureSeed {
            index: 0,
            keep: KEEP.with(Cell::get),
        }
        .deserialize(d)
        .map(PieceFeature)
    }
}

/// The features from byte `start` (a feature's `{`) up to the cut `end` (the
/// next piece's first feature), or to the end of the array when `None`; and
/// where they stop (the cut, or the array's `]`). Indices count from 0 within
/// the piece.
fn parse_piece(
    text: &str,
    start: usize,
    end: Option<usize>,
    keep: Keep,
    room_for: usize,
) -> Option<(Vec<RawFeature>, usize)> {
    KEEP.with(|k| k.set(keep));
    let b = text.as_bytes();
    let skip_ws = |mut i: usize| {
        while i < b.len() && matches!(b[i], b' ' | b'\n' | b'\r' | b'\t') {
            i += 1;
        }
        i
    };
    let mut out = Vec::new();
    let mut pos = start;
    loop {
        let mut stream =
            serde_json::Deserializer::from_str(&text[pos..]).into_iter::<PieceFeature>();
        let PieceFeature(mut f) = stream.next()?.ok()?;
        if out.is_empty() {
            // Room for features like the first over `room_for` bytes, and
            // half as many again: a list that doubles copies itself, and
            // room never written costs no memory.
            let first = stream.byte_offset().max(1);
            out.reserve(room_for / first * 3 / 2 + 16);
        }
        f.index = out.len();
        out.push(f);
        pos = skip_ws(pos + stream.byte_offset());
        match b.get(pos) {
            Some(b',') => {
                pos = skip_ws(pos + 1);
                match end {
                    Some(e) if pos == e => return Some((out, e)),
                    Some(e) if pos > e => return None,
                    _ => {}
                }
            }
            Some(b']') if end.is_none() => return Some((out, pos)),
            _ => return None,
        }
    }
}

/// Reads a FeatureCollection up to its array's first feature and stops.
struct FirstFeature<'a> {
    base: usize,
    found: &'a Cell<Option<usize>>,
}

impl<'de> Visitor<'de> for FirstFeature<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a FeatureCollection")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Name>()? {
            match key {
                Name::Type => {
                    if map.next_value::<Name>()? != Name::FeatureCollection {
                        return Err(de::Error::custom("not a FeatureCollection"));
                    }
                }
                Name::Features => {
                    return map.next_value_seed(FirstOfArray {
                        base: self.base,
                        found: self.found,
                    });
                }
                Name::Bbox => {
                    map.next_value::<Option<Vec<f64>>>()?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Err(de::Error::custom("no features"))
    }
}

struct FirstOfArray<'a> {
    base: usize,
    found: &'a Cell<Option<usize>>,
}

impl<'de> DeserializeSeed<'de> for FirstOfArray<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for FirstOfArray<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of Features")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // The first element's text is borrowed from the layer's: its address
        // is its place.
        if let Some(raw) = seq.next_element::<&'de RawValue>()? {
            self.found
                .set(Some(raw.get().as_ptr() as usize - self.base));
        }
        Err(de::Error::custom("stop"))
    }
}
