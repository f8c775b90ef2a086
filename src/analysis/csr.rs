//! The [`Snapshot`]: compressed sparse row (CSR) adjacency of a graph over nodes `0..n`, in a
//! directed simple view and an undirected simple view.

/// One CSR adjacency: the neighbours of `v` are `targets[offsets[v]..offsets[v + 1]]`, sorted
/// ascending and distinct.
#[derive(Debug, Clone, Default)]
struct Csr {
    offsets: Vec<usize>,
    targets: Vec<u32>,
}

impl Csr {
    /// Builds the adjacency of `n` nodes from `(source, target)` pairs (all `< n`), sorting
    /// each row and collapsing duplicates. Counting sort by source: O(n + m + Σ d log d).
    fn build(n: usize, pairs: &[(u32, u32)]) -> Csr {
        let mut offsets = vec![0usize; n + 1];
        for &(u, _) in pairs {
            offsets[u as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut cursor = offsets.clone();
        let mut targets = vec![0u32; pairs.len()];
        for &(u, v) in pairs {
            let slot = &mut cursor[u as usize];
            targets[*slot] = v;
            *slot += 1;
        }
        // Sort and deduplicate each row, compacting in place.
        let mut write = 0;
        let mut start = 0;
        for v in 0..n {
            let end = offsets[v + 1];
            targets[start..end].sort_unstable();
            let row_start = write;
            for i in start..end {
                let t = targets[i];
                if write == row_start || targets[write - 1] != t {
                    targets[write] = t;
                    write += 1;
                }
            }
            start = end;
            offsets[v + 1] = write;
        }
        targets.truncate(write);
        targets.shrink_to_fit();
        Csr { offsets, targets }
    }

    fn row(&self, v: u32) -> &[u32] {
        let v = v as usize;
        &self.targets[self.offsets[v]..self.offsets[v + 1]]
    }
}

/// An index-only view of a graph with `n` nodes, in two simple forms: the directed simple
/// graph (parallel edges collapsed) and the undirected simple graph (parallel and antiparallel
/// edges collapsed). Self-loops are dropped from both.
///
/// Both views are stored as CSR adjacency with neighbours sorted ascending, so every
/// algorithm visits neighbours in the order NetworkX does for a graph whose nodes were added
/// as `0..n`.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    n: usize,
    /// Directed simple view: successors.
    out: Csr,
    /// Undirected simple view: each edge `{u, v}` appears in both rows.
    und: Csr,
}

impl Snapshot {
    /// Builds the snapshot from directed edges `(from, to)` over nodes `0..n`.
    ///
    /// Self-loops are dropped and parallel edges collapsed; `(u, v)` and `(v, u)` are two
    /// directed edges but one undirected edge.
    ///
    /// # Panics
    ///
    /// Panics if an endpoint is `>= n` (callers pass indexes of their own graph).
    pub fn from_edges(n: usize, edges: impl IntoIterator<Item = (u32, u32)>) -> Snapshot {
        let mut directed = Vec::new();
        for (u, v) in edges {
            assert!(
                (u as usize) < n && (v as usize) < n,
                "edge ({u}, {v}) has an endpoint outside 0..{n}"
            );
            if u != v {
                directed.push((u, v));
            }
        }
        let out = Csr::build(n, &directed);
        let mut undirected = directed;
        let len = undirected.len();
        undirected.reserve(len);
        for i in 0..len {
            let (u, v) = undirected[i];
            undirected.push((v, u));
        }
        let und = Csr::build(n, &undirected);
        Snapshot { n, out, und }
    }

    /// The number of nodes `n`; nodes are `0..n`.
    pub fn node_count(&self) -> usize {
        self.n
    }

    /// The number of distinct directed edges `(u, v)` with `u != v`.
    pub fn directed_edge_count(&self) -> usize {
        self.out.targets.len()
    }

    /// The number of distinct undirected edges `{u, v}` with `u != v`.
    pub fn undirected_edge_count(&self) -> usize {
        self.und.targets.len() / 2
    }

    /// The neighbours of `v` in the undirected simple view, ascending.
    ///
    /// # Panics
    ///
    /// Panics if `v >= n`.
    pub fn neighbors(&self, v: u32) -> &[u32] {
        self.und.row(v)
    }

    /// The successors of `v` in the directed simple view, ascending.
    ///
    /// # Panics
    ///
    /// Panics if `v >= n`.
    pub fn successors(&self, v: u32) -> &[u32] {
        self.out.row(v)
    }

    /// The degree of `v` in the undirected simple view.
    pub(crate) fn degree_of(&self, v: u32) -> usize {
        let v = v as usize;
        self.und.offsets[v + 1] - self.und.offsets[v]
    }

    /// The out-degree of `v` in the directed simple view.
    pub(crate) fn out_degree_of(&self, v: u32) -> usize {
        let v = v as usize;
        self.out.offsets[v + 1] - self.out.offsets[v]
    }
}
