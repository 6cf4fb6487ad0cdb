//! The noded barrier network: straight edges that meet only at shared
//! vertices, each carrying the strongest barrier along it.

use super::Barrier;
use geo::Coord;

/// A straight edge between two vertices of a [`NodedNetwork`], `a < b`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodedEdge {
    /// Smaller vertex index.
    pub a: usize,
    /// Larger vertex index.
    pub b: usize,
    /// The strongest barrier running along this edge.
    pub barrier: Barrier,
}

/// A planar straight-line graph: edges meet only at their end vertices.
#[derive(Debug, Clone, Default)]
pub struct NodedNetwork {
    /// Vertex positions, in metres.
    pub vertices: Vec<Coord<f64>>,
    /// Unique edges sorted by `(a, b)`.
    pub edges: Vec<NodedEdge>,
    /// Crossings still present after the last noding round (0 unless the
    /// input is pathological); reported, never hidden.
    pub unresolved_crossings: usize,
}
