//! A small `.osm.pbf` writer for tests: nodes, ways and relations in one
//! data block, blobs stored raw (uncompressed), and a way to take a real
//! extract's blocks out of zlib so that its bytes can be mutated.

#![allow(dead_code)]

/// Appends a varint.
fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn key(out: &mut Vec<u8>, field: u64, wire: u64) {
    varint(out, (field << 3) | wire);
}

fn int_field(out: &mut Vec<u8>, field: u64, v: u64) {
    key(out, field, 0);
    varint(out, v);
}

fn bytes_field(out: &mut Vec<u8>, field: u64, b: &[u8]) {
    key(out, field, 2);
    varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn packed(out: &mut Vec<u8>, field: u64, vs: impl IntoIterator<Item = u64>) {
    let mut body = Vec::new();
    for v in vs {
        varint(&mut body, v);
    }
    bytes_field(out, field, &body);
}

/// One element of a test extract.
pub enum Element<'a> {
    /// id, lon, lat, tags.
    Node(i64, f64, f64, &'a [(&'a str, &'a str)]),
    /// id, node refs, tags.
    Way(i64, &'a [i64], &'a [(&'a str, &'a str)]),
    /// id, members (type: 0 node, 1 way, 2 relation, anything else is
    /// malformed; id; role), tags.
    Relation(i64, &'a [(u64, i64, &'a str)], &'a [(&'a str, &'a str)]),
}

/// A whole `.osm.pbf` file holding `elements`.
pub fn extract(elements: &[Element]) -> Vec<u8> {
    let mut strings: Vec<String> = vec![String::new()];
    let mut sid = |s: &str| -> u64 {
        match strings.iter().position(|x| x == s) {
            Some(i) => i as u64,
            None => {
                strings.push(s.to_string());
                (strings.len() - 1) as u64
            }
        }
    };
    let mut group = Vec::new();
    for e in elements {
        let mut m = Vec::new();
        match e {
            Element::Node(id, lon, lat, tags) => {
                int_field(&mut m, 1, zigzag(*id));
                packed(&mut m, 2, tags.iter().map(|(k, _)| sid(k)));
                packed(&mut m, 3, tags.iter().map(|(_, v)| sid(v)));
                int_field(&mut m, 8, zigzag((lat * 1e7).round() as i64));
                int_field(&mut m, 9, zigzag((lon * 1e7).round() as i64));
                bytes_field(&mut group, 1, &m);
            }
            Element::Way(id, refs, tags) => {
                int_field(&mut m, 1, *id as u64);
                packed(&mut m, 2, tags.iter().map(|(k, _)| sid(k)));
                packed(&mut m, 3, tags.iter().map(|(_, v)| sid(v)));
                let mut last = 0;
                packed(
                    &mut m,
                    8,
                    refs.iter().map(|&r| {
                        let d = r - last;
                        last = r;
                        zigzag(d)
                    }),
                );
                bytes_field(&mut group, 3, &m);
            }
            Element::Relation(id, members, tags) => {
                int_field(&mut m, 1, *id as u64);
                packed(&mut m, 2, tags.iter().map(|(k, _)| sid(k)));
                packed(&mut m, 3, tags.iter().map(|(_, v)| sid(v)));
                packed(&mut m, 8, members.iter().map(|(_, _, role)| sid(role)));
                let mut last = 0;
                packed(
                    &mut m,
                    9,
                    members.iter().map(|&(_, id, _)| {
                        let d = id - last;
                        last = id;
                        zigzag(d)
                    }),
                );
                packed(&mut m, 10, members.iter().map(|&(t, _, _)| t));
                bytes_field(&mut group, 4, &m);
            }
        }
    }
    let mut table = Vec::new();
    for s in &strings {
        bytes_field(&mut table, 1, s.as_bytes());
    }
    let mut block = Vec::new();
    bytes_field(&mut block, 1, &table);
    bytes_field(&mut block, 2, &group);
    let mut header = Vec::new();
    bytes_field(&mut header, 4, b"OsmSchema-V0.6");
    let mut out = Vec::new();
    push_blob(&mut out, "OSMHeader", &header);
    push_blob(&mut out, "OSMData", &block);
    out
}

/// Appends a blob of `kind` holding `data` raw.
pub fn push_blob(out: &mut Vec<u8>, kind: &str, data: &[u8]) {
    let mut blob = Vec::new();
    bytes_field(&mut blob, 1, data);
    int_field(&mut blob, 2, data.len() as u64);
    let mut head = Vec::new();
    bytes_field(&mut head, 1, kind.as_bytes());
    int_field(&mut head, 3, blob.len() as u64);
    out.extend_from_slice(&(head.len() as u32).to_be_bytes());
    out.extend_from_slice(&head);
    out.extend_from_slice(&blob);
}

/// Reads a varint at `*at`.
fn read_varint(b: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*at)?;
        *at += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Some(v);
        }
    }
    None
}

/// The length-delimited fields `field` of a message.
fn fields(b: &[u8], field: u64) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < b.len() {
        let Some(k) = read_varint(b, &mut at) else {
            break;
        };
        match k & 7 {
            0 => {
                read_varint(b, &mut at);
            }
            2 => {
                let Some(n) = read_varint(b, &mut at) else {
                    break;
                };
                let end = (at + n as usize).min(b.len());
                if k >> 3 == field {
                    out.push(&b[at..end]);
                }
                at = end;
            }
            1 => at += 8,
            5 => at += 4,
            _ => break,
        }
    }
    out
}

/// A real extract's blocks as (kind, uncompressed data), to mutate and
/// write back with [`push_blob`].
pub fn blocks(file: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut out = Vec::new();
    let mut at = 0;
    while at + 4 <= file.len() {
        let n = u32::from_be_bytes(file[at..at + 4].try_into().unwrap()) as usize;
        at += 4;
        let head = &file[at..at + n];
        at += n;
        let kind = String::from_utf8_lossy(fields(head, 1)[0]).into_owned();
        let mut i = 0;
        let mut size = 0;
        while i < head.len() {
            let k = read_varint(head, &mut i).unwrap();
            if k & 7 == 0 {
                let v = read_varint(head, &mut i).unwrap();
                if k >> 3 == 3 {
                    size = v as usize;
                }
            } else {
                let l = read_varint(head, &mut i).unwrap() as usize;
                i += l;
            }
        }
        let blob = &file[at..at + size];
        at += size;
        let data = if let Some(raw) = fields(blob, 1).first() {
            raw.to_vec()
        } else {
            let z = fields(blob, 3)[0];
            let mut d = Vec::new();
            flate2::read::ZlibDecoder::new(z)
                .read_to_end(&mut d)
                .unwrap();
            d
        };
        out.push((kind, data));
    }
    out
}
