//! R-trees of bounding boxes, the spatial index every stage uses to find
//! candidates before an exact test; and hash maps keyed by grid cell, for
//! the fixed-radius searches (vertex merging, gap linkage).

use geo::Rect;
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};

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

/// Boxes on a uniform grid of cells: the boxes holding a point, the boxes
/// meeting a box, and every pair of boxes that meet (closed boxes, as an
/// R-tree's envelopes). For the many similar-sized segment boxes of a street
/// network this is several times faster than building and joining an R-tree.
///
/// ```
/// use linli::blocks::index::BoxGrid;
/// let g = BoxGrid::new(vec![[0.0, 0.0, 2.0, 2.0], [1.0, 1.0, 3.0, 3.0], [5.0, 5.0, 6.0, 6.0]]);
/// assert_eq!(g.pairs(), vec![(0, 1)]);
/// assert_eq!(g.at_point(1.5, 1.5).collect::<Vec<_>>(), vec![0, 1]);
/// assert_eq!(g.meeting([5.5, 0.0, 9.0, 5.0]), vec![2]);
/// ```
#[derive(Debug, Default)]
pub struct BoxGrid {
    /// `[min x, min y, max x, max y]` per box.
    boxes: Vec<[f64; 4]>,
    x0: f64,
    y0: f64,
    cell: f64,
    nx: i64,
    ny: i64,
    /// `start[c]..start[c + 1]` indexes `items` for cell `c` (row-major).
    start: Vec<u32>,
    /// Box indices per cell, ascending.
    items: Vec<u32>,
}

impl BoxGrid {
    /// Indexes `boxes` (finite, `min <= max`) on cells about the mean box
    /// size.
    pub fn new(boxes: Vec<[f64; 4]>) -> Self {
        let mean = boxes
            .iter()
            .map(|b| (b[2] - b[0]).max(b[3] - b[1]))
            .sum::<f64>()
            / boxes.len().max(1) as f64;
        Self::with_cell(boxes, mean)
    }

    /// Indexes `boxes` on cells of side `cell`, widened as needed to keep at
    /// most ~4 cells per box over the extent.
    pub fn with_cell(boxes: Vec<[f64; 4]>, cell: f64) -> Self {
        if boxes.is_empty() {
            return BoxGrid::default();
        }
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for b in &boxes {
            lo = [lo[0].min(b[0]), lo[1].min(b[1])];
            hi = [hi[0].max(b[2]), hi[1].max(b[3])];
        }
        let (w, h) = (hi[0] - lo[0], hi[1] - lo[1]);
        let mut cell = cell.max(1e-6);
        let cap = 4.0 * boxes.len() as f64 + 16.0;
        while (w / cell + 1.0) * (h / cell + 1.0) > cap {
            cell *= 1.5;
        }
        let mut g = BoxGrid {
            boxes,
            x0: lo[0],
            y0: lo[1],
            cell,
            nx: (w / cell).floor() as i64 + 1,
            ny: (h / cell).floor() as i64 + 1,
            start: Vec::new(),
            items: Vec::new(),
        };
        let ncells = (g.nx * g.ny) as usize;
        let mut count = vec![0u32; ncells + 1];
        for b in &g.boxes {
            let (c0, c1, r0, r1) = g.span(b);
            for r in r0..=r1 {
                for c in c0..=c1 {
                    count[(r * g.nx + c) as usize] += 1;
                }
            }
        }
        let mut start = Vec::with_capacity(ncells + 1);
        let mut acc = 0u32;
        for &n in &count[..ncells] {
            start.push(acc);
            acc += n;
        }
        start.push(acc);
        let mut fill = start.clone();
        let mut items = vec![0u32; acc as usize];
        for (i, b) in g.boxes.iter().enumerate() {
            let (c0, c1, r0, r1) = g.span(b);
            for r in r0..=r1 {
                for c in c0..=c1 {
                    let k = (r * g.nx + c) as usize;
                    items[fill[k] as usize] = i as u32;
                    fill[k] += 1;
                }
            }
        }
        g.start = start;
        g.items = items;
        g
    }

    fn col(&self, x: f64) -> i64 {
        (((x - self.x0) / self.cell).floor() as i64).clamp(0, self.nx - 1)
    }

    fn row(&self, y: f64) -> i64 {
        (((y - self.y0) / self.cell).floor() as i64).clamp(0, self.ny - 1)
    }

    /// Column and row ranges a box covers.
    fn span(&self, b: &[f64; 4]) -> (i64, i64, i64, i64) {
        (
            self.col(b[0]),
            self.col(b[2]),
            self.row(b[1]),
            self.row(b[3]),
        )
    }

    /// Whether no box is indexed.
    pub fn is_empty(&self) -> bool {
        self.boxes.is_empty()
    }

    /// The width of a cell (0 when empty).
    pub fn cell(&self) -> f64 {
        self.cell
    }

    /// Columns and rows of the grid.
    pub fn size(&self) -> (i64, i64) {
        (self.nx, self.ny)
    }

    /// The lower-left corner of cell `(c, r)` (which may lie outside the
    /// grid).
    pub fn corner(&self, c: i64, r: i64) -> [f64; 2] {
        [
            self.x0 + c as f64 * self.cell,
            self.y0 + r as f64 * self.cell,
        ]
    }

    /// The cell holding a point: column and row, unclamped.
    pub fn cell_of(&self, x: f64, y: f64) -> (f64, f64) {
        (
            ((x - self.x0) / self.cell).floor(),
            ((y - self.y0) / self.cell).floor(),
        )
    }

    /// The boxes meeting cell `(c, r)` (inside the grid), ascending.
    pub fn cell_items(&self, c: i64, r: i64) -> &[u32] {
        let k = (r * self.nx + c) as usize;
        &self.items[self.start[k] as usize..self.start[k + 1] as usize]
    }

    /// The boxes holding the point, ascending.
    pub fn at_point(&self, x: f64, y: f64) -> impl Iterator<Item = usize> + '_ {
        let items: &[u32] = if self.boxes.is_empty() {
            &[]
        } else {
            self.cell_items(self.col(x), self.row(y))
        };
        items.iter().map(|&i| i as usize).filter(move |&i| {
            let b = &self.boxes[i];
            b[0] <= x && x <= b[2] && b[1] <= y && y <= b[3]
        })
    }

    /// The boxes meeting `q`, ascending.
    pub fn meeting(&self, q: [f64; 4]) -> Vec<usize> {
        if self.boxes.is_empty() {
            return Vec::new();
        }
        let (c0, c1, r0, r1) = self.span(&q);
        let mut out: Vec<usize> = Vec::new();
        for r in r0..=r1 {
            for c in c0..=c1 {
                out.extend(
                    self.cell_items(c, r)
                        .iter()
                        .map(|&i| i as usize)
                        .filter(|&i| meet(&self.boxes[i], &q)),
                );
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Every pair `(i, j)`, `i < j`, of boxes that meet, sorted. Each pair is
    /// taken in the one cell holding the lower-left corner of the two boxes'
    /// overlap, so no pair is found twice; cells are searched in parallel.
    pub fn pairs(&self) -> Vec<(usize, usize)> {
        use rayon::prelude::*;
        let ncells = (self.nx * self.ny) as usize;
        let mut pairs: Vec<(usize, usize)> = (0..ncells)
            .into_par_iter()
            .with_min_len(4096)
            .flat_map_iter(|k| {
                let (c, r) = (k as i64 % self.nx.max(1), k as i64 / self.nx.max(1));
                let items = &self.items[self.start[k] as usize..self.start[k + 1] as usize];
                let mut out = Vec::new();
                for (n, &i) in items.iter().enumerate() {
                    let a = &self.boxes[i as usize];
                    for &j in &items[n + 1..] {
                        let b = &self.boxes[j as usize];
                        if meet(a, b)
                            && self.col(a[0].max(b[0])) == c
                            && self.row(a[1].max(b[1])) == r
                        {
                            out.push((i.min(j) as usize, i.max(j) as usize));
                        }
                    }
                }
                out
            })
            .collect();
        pairs.par_sort_unstable();
        pairs
    }
}

fn meet(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

/// The indices of `points` in Z order (Morton order of `cell`-wide grid
/// cells, ties by index): points near each other come near each other, so
/// queries made in this order find their index cells already in cache. For
/// points in random order (as a city's buildings often are) it halved the
/// time of snapping them. Non-finite points come last.
///
/// ```
/// use geo::Coord;
/// let p = |x, y| Coord { x, y };
/// let order = linli::blocks::index::spatial_order(&[p(900.0, 900.0), p(1.0, 1.0), p(905.0, 901.0), p(2.0, 3.0)], 100.0);
/// assert_eq!(order, vec![1, 3, 0, 2]);
/// ```
pub fn spatial_order(points: &[geo::Coord<f64>], cell: f64) -> Vec<u32> {
    use rayon::prelude::*;
    let (mut lo, mut ok) = ([f64::INFINITY; 2], false);
    for p in points {
        if p.x.is_finite() && p.y.is_finite() {
            lo = [lo[0].min(p.x), lo[1].min(p.y)];
            ok = true;
        }
    }
    if !ok {
        return (0..points.len() as u32).collect();
    }
    let cell = cell.max(1e-9);
    // Spreads the low 32 bits of v to the even bits.
    fn spread(v: u64) -> u64 {
        let mut v = v & 0xffff_ffff;
        v = (v | (v << 16)) & 0x0000_ffff_0000_ffff;
        v = (v | (v << 8)) & 0x00ff_00ff_00ff_00ff;
        v = (v | (v << 4)) & 0x0f0f_0f0f_0f0f_0f0f;
        v = (v | (v << 2)) & 0x3333_3333_3333_3333;
        (v | (v << 1)) & 0x5555_5555_5555_5555
    }
    let mut keyed: Vec<(u64, u32)> = points
        .par_iter()
        .with_min_len(4096)
        .enumerate()
        .map(|(i, p)| {
            let key = if p.x.is_finite() && p.y.is_finite() {
                let c = ((p.x - lo[0]) / cell).min(u32::MAX as f64) as u64;
                let r = ((p.y - lo[1]) / cell).min(u32::MAX as f64) as u64;
                spread(c) | (spread(r) << 1)
            } else {
                u64::MAX
            };
            (key, i as u32)
        })
        .collect();
    keyed.par_sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}
