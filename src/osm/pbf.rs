//! Reading an `.osm.pbf` extract into plain nodes, ways and relations.

use crate::error::{Error, Problem};
use osmpbf::{BlobDecode, BlobReader, Element, ElementReader, RelMemberType};
use std::collections::{BTreeMap, HashMap};

/// OSM tags of one element, sorted by key.
pub type Tags = BTreeMap<String, String>;

/// A way: its id, node references and tags.
#[derive(Debug, Clone)]
pub struct Way {
    /// OSM way id.
    pub id: i64,
    /// Node ids in order.
    pub refs: Vec<i64>,
    /// Tags.
    pub tags: Tags,
}

/// A relation member (only ways matter for areas).
#[derive(Debug, Clone)]
pub struct Member {
    /// True when the member is a way.
    pub is_way: bool,
    /// Member id.
    pub id: i64,
    /// Role, e.g. `outer` or `inner`.
    pub role: String,
}

/// A relation: its id, members and tags.
#[derive(Debug, Clone)]
pub struct Relation {
    /// OSM relation id.
    pub id: i64,
    /// Members in order.
    pub members: Vec<Member>,
    /// Tags.
    pub tags: Tags,
}

/// Everything read from an extract.
#[derive(Debug, Clone, Default)]
pub struct OsmData {
    /// Node id → (lon, lat).
    pub nodes: HashMap<i64, (f64, f64)>,
    /// Nodes that carry tags, sorted by id.
    pub tagged_nodes: Vec<(i64, Tags)>,
    /// Ways, sorted by id.
    pub ways: Vec<Way>,
    /// Relations, sorted by id.
    pub relations: Vec<Relation>,
    /// The area the extract was cut to, from the file's header: west,
    /// south, east, north in degrees (`None` when the header gives none).
    /// Extractors keep whole ways and relations that cross it, so nodes
    /// may lie far outside.
    pub bbox: Option<[f64; 4]>,
}

/// The header's bounding box, when it gives a valid one of some extent.
fn header_bbox(bytes: &[u8]) -> Option<[f64; 4]> {
    // The header is the file's first blob.
    let blob = BlobReader::new(std::io::Cursor::new(bytes)).next()?.ok()?;
    let BlobDecode::OsmHeader(h) = blob.decode().ok()? else {
        return None;
    };
    // osmpbf names the fields after the protocol: `top` is the north edge.
    let b = h.bbox()?;
    let (w, s, e, n) = (b.left, b.bottom.min(b.top), b.right, b.bottom.max(b.top));
    let valid = [w, s, e, n].iter().all(|v| v.is_finite())
        && (-180.0..=180.0).contains(&w)
        && (-180.0..=180.0).contains(&e)
        && (-90.0..=90.0).contains(&s)
        && (-90.0..=90.0).contains(&n)
        && w < e
        && s < n;
    valid.then_some([w, s, e, n])
}

fn tags<'a>(it: impl Iterator<Item = (&'a str, &'a str)>) -> Tags {
    it.map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Parses the bytes of an `.osm.pbf` file; `label` names it in errors.
///
/// A truncated or non-PBF input is an [`Error::Input`] naming `label`.
///
/// ```
/// let err = linli::osm::pbf::read_pbf(b"not a pbf file", "x.osm.pbf").unwrap_err();
/// assert!(err.to_string().contains("x.osm.pbf"));
/// ```
pub fn read_pbf(bytes: &[u8], label: &str) -> Result<OsmData, Error> {
    let bad = |what: String| {
        Error::Input(vec![Problem::file(label.to_string(), what).with_hint(
            "give an OpenStreetMap extract in PBF format (.osm.pbf), e.g. from Geofabrik or BBBike",
        )])
    };
    if bytes.is_empty() {
        return Err(bad("is empty".into()));
    }
    // The decoder may panic on some malformed input (unknown enum values);
    // that is bad input, not a bug of ours: it becomes an error.
    let result = std::panic::catch_unwind(|| {
        let mut data = OsmData {
            bbox: header_bbox(bytes),
            ..Default::default()
        };
        let r = ElementReader::new(std::io::Cursor::new(bytes)).for_each(|e| match e {
            Element::Node(n) => {
                data.nodes.insert(n.id(), (n.lon(), n.lat()));
                let t = tags(n.tags());
                if !t.is_empty() {
                    data.tagged_nodes.push((n.id(), t));
                }
            }
            Element::DenseNode(n) => {
                data.nodes.insert(n.id(), (n.lon(), n.lat()));
                let t = tags(n.tags());
                if !t.is_empty() {
                    data.tagged_nodes.push((n.id(), t));
                }
            }
            Element::Way(w) => data.ways.push(Way {
                id: w.id(),
                refs: w.refs().collect(),
                tags: tags(w.tags()),
            }),
            Element::Relation(r) => data.relations.push(Relation {
                id: r.id(),
                members: r
                    .members()
                    .map(|m| Member {
                        is_way: m.member_type == RelMemberType::Way,
                        id: m.member_id,
                        role: m.role().unwrap_or("").to_string(),
                    })
                    .collect(),
                tags: tags(r.tags()),
            }),
        });
        r.map(|()| data)
    });
    let mut data = match result {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => return Err(bad(format!("is not a readable OSM PBF file: {e}"))),
        Err(_) => {
            return Err(bad(
                "is not a readable OSM PBF file (malformed block)".into()
            ));
        }
    };
    if data.nodes.is_empty() && data.ways.is_empty() {
        return Err(bad("holds no OSM nodes or ways".into()));
    }
    data.tagged_nodes.sort_by_key(|(id, _)| *id);
    data.ways.sort_by_key(|w| w.id);
    data.relations.sort_by_key(|r| r.id);
    Ok(data)
}
