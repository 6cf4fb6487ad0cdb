//! Straight pieces joined into polylines.

use geo::{Coord, Line, LineString};

/// Joins pieces that meet end to end at a point where only they meet into
/// longer polylines (a street network's buffer draws one join per vertex
/// instead of two caps; a Voronoi separator can be simplified as a whole).
///
/// ```
/// use geo::{Coord, Line};
/// let c = |x, y| Coord { x, y };
/// let lines = [Line::new(c(0.0, 0.0), c(1.0, 0.0)), Line::new(c(2.0, 0.0), c(1.0, 0.0)),
///              Line::new(c(5.0, 5.0), c(6.0, 5.0))];
/// let ch = linli::model::lines::chains(&lines);
/// assert_eq!(ch.len(), 2);
/// assert_eq!(ch[0].0.len(), 3);
/// ```
pub fn chains(lines: &[Line<f64>]) -> Vec<LineString<f64>> {
    use std::collections::HashMap;
    let key = |c: Coord<f64>| (c.x.to_bits(), c.y.to_bits());
    let mut at: HashMap<(u64, u64), Vec<usize>> = HashMap::with_capacity(lines.len() * 2);
    for (i, l) in lines.iter().enumerate() {
        at.entry(key(l.start)).or_default().push(i);
        at.entry(key(l.end)).or_default().push(i);
    }
    let mut used = vec![false; lines.len()];
    let mut out = Vec::new();
    // The next unused piece through `c`, when exactly two pieces meet there.
    let next = |c: Coord<f64>, from: usize, used: &[bool]| -> Option<usize> {
        let ids = &at[&key(c)];
        if ids.len() != 2 {
            return None;
        }
        let o = if ids[0] == from { ids[1] } else { ids[0] };
        (o != from && !used[o]).then_some(o)
    };
    for i in 0..lines.len() {
        if used[i] {
            continue;
        }
        used[i] = true;
        let mut fwd = vec![lines[i].start, lines[i].end];
        for dir in 0..2 {
            let (mut cur, mut tip) = (i, *fwd.last().expect("two points"));
            while let Some(o) = next(tip, cur, &used) {
                used[o] = true;
                let l = lines[o];
                tip = if key(l.start) == key(tip) {
                    l.end
                } else {
                    l.start
                };
                fwd.push(tip);
                cur = o;
            }
            if dir == 0 {
                fwd.reverse();
            }
        }
        out.push(LineString::new(fwd));
    }
    out
}
