//! R-trees of bounding boxes, the spatial index every stage uses to find
//! candidates before an exact test; and hash maps keyed by grid cell, for
//! the fixed-radius searches (vertex merging, gap linkage).

use geo::Rect;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;

/// An R-tree of bounding boxes, each carrying its item's index.
pub type BoxTree = RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>;

/// Builds a [`BoxTree`]; item `i` is the `i`-th box (`None`s are left out).
///
/// ```
/// use geo::{coord, Rect};
/// let tree = linli::blocks::index::box_tree([
///     Some(Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 1.0, y: 1.0 })),
///     None,
///     Some(Rect::new(coord! { x: 5.0, y: 5.0 }, coord! { x: 6.0, y: 6.0 })),
/// ]);
/// let hits: Vec<usize> = tree.locate_all_at_point(&[5.5, 5.5]).map(|g| g.data).collect();
/// assert_eq!(hits, vec![2]);
/// ```
pub fn box_tree(boxes: impl IntoIterator<Item = Option<Rect<f64>>>) -> BoxTree {
    RTree::bulk_load(
        boxes
            .into_iter()
            .enumerate()
            .filter_map(|(i, r)| {
                r.map(|r| {
                    GeomWithData::new(
                        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                        i,
                    )
                })
            })
            .collect(),
    )
}

/// A hash map keyed by grid cell `(column, row)`, with a multiplicative hash
/// (the default SipHash, built against hostile keys, was a sixth of noding).
///
/// ```
/// let mut m: linli::blocks::index::CellMap<Vec<usize>> = Default::default();
/// m.entry((3, -4)).or_default().push(7);
/// assert_eq!(m[&(3, -4)], vec![7]);
/// ```
pub type CellMap<V> =
    std::collections::HashMap<(i64, i64), V, std::hash::BuildHasherDefault<CellHasher>>;

/// The hasher of [`CellMap`].
#[derive(Default)]
pub struct CellHasher(u64);

impl std::hash::Hasher for CellHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn write_i64(&mut self, v: i64) {
        self.write_u64(v as u64);
    }
}
