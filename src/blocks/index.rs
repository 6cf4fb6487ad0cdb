//! R-trees of bounding boxes, the spatial index every stage uses to find
//! candidates before an exact test.

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
