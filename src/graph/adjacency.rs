//! Per-relationship-type adjacency: for every node and direction, its edges sorted by
//! (relation type, kind of the other end, edge index), in compressed sparse rows.
//!
//! A traversal of one type from a node is a binary search for the type's range and a slice,
//! so a page of a hub's million relations costs what a page of a leaf's ten does; a cursor
//! (an edge index) is found by another binary search inside the range, never by a scan.

use petgraph::Direction;
use serde::{Deserialize, Serialize};

use crate::model::{EntityKind, RelationType};

/// One adjacency entry: the edge and the node at its other end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adj {
    pub edge: u32,
    pub other: u32,
}

/// One direction's rows.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Rows {
    /// `start[n]..start[n + 1]` are node `n`'s entries.
    start: Vec<u32>,
    /// (relation type, other kind) of each entry, for the range searches.
    key: Vec<u16>,
    entry: Vec<Adj>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Adjacency {
    out: Rows,
    inc: Rows,
}

pub fn type_slot(kind: RelationType) -> u16 {
    RelationType::ALL
        .iter()
        .position(|k| *k == kind)
        .expect("ALL lists every type") as u16
}

pub fn kind_slot(kind: EntityKind) -> u16 {
    EntityKind::ALL
        .iter()
        .position(|k| *k == kind)
        .expect("ALL lists every kind") as u16
}

fn key(kind: RelationType, other: EntityKind) -> u16 {
    (type_slot(kind) << 8) | kind_slot(other)
}

impl Adjacency {
    /// Builds the rows from the edges in index order (`edges()` lists them afresh, as
    /// `(from, to, type)`: a graph's edges need no copy), and each node's kind.
    pub fn build<I: ExactSizeIterator<Item = (u32, u32, RelationType)>>(
        nodes: usize,
        edges: impl Fn() -> I,
        kind_of: impl Fn(u32) -> EntityKind,
    ) -> Adjacency {
        let rows = |outgoing: bool| {
            let mut start = vec![0u32; nodes + 1];
            for (a, b, _) in edges() {
                let at = if outgoing { a } else { b };
                start[at as usize + 1] += 1;
            }
            for i in 0..nodes {
                start[i + 1] += start[i];
            }
            let mut fill = start.clone();
            let count = edges().len();
            let mut key_of = vec![0u16; count];
            let mut entry = vec![Adj { edge: 0, other: 0 }; count];
            for (i, (a, b, kind)) in edges().enumerate() {
                let (at, other) = if outgoing { (a, b) } else { (b, a) };
                let slot = fill[at as usize] as usize;
                fill[at as usize] += 1;
                key_of[slot] = key(kind, kind_of(other));
                entry[slot] = Adj {
                    edge: i as u32,
                    other,
                };
            }
            // Entries arrive in edge order; a stable sort by key keeps that order per key.
            let mut scratch: Vec<(u16, Adj)> = Vec::new();
            for n in 0..nodes {
                let (s, e) = (start[n] as usize, start[n + 1] as usize);
                if key_of[s..e].is_sorted() {
                    continue;
                }
                scratch.clear();
                scratch.extend(
                    key_of[s..e]
                        .iter()
                        .copied()
                        .zip(entry[s..e].iter().copied()),
                );
                scratch.sort_by_key(|(k, _)| *k);
                for (i, (k, a)) in scratch.iter().enumerate() {
                    key_of[s + i] = *k;
                    entry[s + i] = *a;
                }
            }
            Rows {
                start,
                key: key_of,
                entry,
            }
        };
        Adjacency {
            out: rows(true),
            inc: rows(false),
        }
    }

    fn rows(&self, dir: Direction) -> &Rows {
        match dir {
            Direction::Outgoing => &self.out,
            Direction::Incoming => &self.inc,
        }
    }

    fn range(&self, node: u32, dir: Direction, lo: u16, hi: u16) -> &[Adj] {
        let r = self.rows(dir);
        let (s, e) = (
            r.start[node as usize] as usize,
            r.start[node as usize + 1] as usize,
        );
        let keys = &r.key[s..e];
        let a = keys.partition_point(|k| *k < lo);
        let b = keys.partition_point(|k| *k < hi);
        &r.entry[s + a..s + b]
    }

    /// The entries of one relation type, in edge order within each other kind.
    pub fn of_type(&self, node: u32, dir: Direction, kind: RelationType) -> &[Adj] {
        let t = type_slot(kind) << 8;
        self.range(node, dir, t, t + 256)
    }

    /// The entries of one relation type whose other end is of one kind, in edge order.
    pub fn of_type_to(
        &self,
        node: u32,
        dir: Direction,
        kind: RelationType,
        other: EntityKind,
    ) -> &[Adj] {
        let k = key(kind, other);
        self.range(node, dir, k, k + 1)
    }

    /// The runs of `node`'s entries in `dir` that are each in edge order (one per type and
    /// other kind), optionally only of one type.
    pub fn runs(&self, node: u32, dir: Direction, kind: Option<RelationType>) -> Vec<&[Adj]> {
        let r = self.rows(dir);
        let (s, e) = (
            r.start[node as usize] as usize,
            r.start[node as usize + 1] as usize,
        );
        let (lo, hi) = match kind {
            Some(k) => (type_slot(k) << 8, (type_slot(k) << 8) + 256),
            None => (0, u16::MAX),
        };
        let keys = &r.key[s..e];
        let mut i = keys.partition_point(|k| *k < lo);
        let end = keys.partition_point(|k| *k < hi);
        let mut out = Vec::new();
        while i < end {
            let k = keys[i];
            let j = i + keys[i..end].partition_point(|x| *x == k);
            out.push(&r.entry[s + i..s + j]);
            i = j;
        }
        out
    }

    /// Whether these rows can belong to a graph of `nodes` and `edges` (a snapshot check).
    pub fn fits(&self, nodes: usize, edges: usize) -> bool {
        [&self.out, &self.inc].iter().all(|r| {
            r.start.len() == nodes + 1
                && r.start.first() == Some(&0)
                && r.start.windows(2).all(|w| w[0] <= w[1])
                && r.start[nodes] as usize == edges
                && r.key.len() == edges
                && r.entry.len() == edges
                && r.entry
                    .iter()
                    .all(|a| (a.edge as usize) < edges && (a.other as usize) < nodes)
        })
    }
}

/// A list that is the union of runs each sorted by edge index, read in edge order: what a
/// traversal over several kinds (or every type) pages through, without merging it all.
pub struct Merged<'a> {
    runs: Vec<&'a [Adj]>,
    len: usize,
}

impl<'a> Merged<'a> {
    pub fn new(runs: Vec<&'a [Adj]>) -> Merged<'a> {
        let runs: Vec<&[Adj]> = runs.into_iter().filter(|r| !r.is_empty()).collect();
        let len = runs.iter().map(|r| r.len()).sum();
        Merged { runs, len }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The position of `edge` in the list and its entry, if it is in it.
    pub fn position(&self, edge: u32) -> Option<(usize, Adj)> {
        let mut found = None;
        let mut before = 0;
        for r in &self.runs {
            let p = r.partition_point(|a| a.edge < edge);
            found = found.or(r.get(p).filter(|a| a.edge == edge).copied());
            before += p;
        }
        found.map(|a| (before, a))
    }

    /// How many entries have an edge index below `edge`, per run.
    fn offsets_below(&self, edge: u32) -> Vec<usize> {
        self.runs
            .iter()
            .map(|r| r.partition_point(|a| a.edge < edge))
            .collect()
    }

    /// The entries at positions `from..to`.
    pub fn slice(&self, from: usize, to: usize) -> Vec<Adj> {
        let to = to.min(self.len);
        if from >= to {
            return Vec::new();
        }
        if let [one] = self.runs.as_slice() {
            return one[from..to].to_vec();
        }
        // Find the smallest edge index with `from` entries below it, then merge forward.
        let (mut lo, mut hi) = (0u64, u64::from(u32::MAX) + 1);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let below: usize = self
                .runs
                .iter()
                .map(|r| r.partition_point(|a| u64::from(a.edge) < mid))
                .sum();
            if below <= from {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        // `lo - 1` is the edge at position `from`.
        let mut at = self.offsets_below((lo - 1) as u32);
        let mut out = Vec::with_capacity(to - from);
        while out.len() < to - from {
            let next = (0..self.runs.len())
                .filter(|&i| at[i] < self.runs[i].len())
                .min_by_key(|&i| self.runs[i][at[i]].edge)
                .expect("positions are below the length");
            out.push(self.runs[next][at[next]]);
            at[next] += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EntityKind::*;
    use RelationType::*;

    #[test]
    fn runs_are_typed_and_seekable() {
        // 0 -> 1 (funds, project), 0 -> 2 (funds, programme), 0 -> 3 (in_country), 0 -> 1 (funds)
        let kinds = [Organization, Project, Programme, Country];
        let edges = [
            (0, 1, Funds),
            (0, 2, Funds),
            (0, 3, InCountry),
            (0, 1, Funds),
        ];
        let adj = Adjacency::build(4, || edges.iter().copied(), |n| kinds[n as usize]);
        let funds = adj.of_type(0, Direction::Outgoing, Funds);
        assert_eq!(funds.len(), 3);
        let to_projects = adj.of_type_to(0, Direction::Outgoing, Funds, Project);
        assert_eq!(
            to_projects.iter().map(|a| a.edge).collect::<Vec<_>>(),
            [0, 3]
        );
        assert_eq!(adj.of_type(1, Direction::Incoming, Funds).len(), 2);
        let all = Merged::new(adj.runs(0, Direction::Outgoing, None));
        assert_eq!(all.len(), 4);
        let order: Vec<u32> = all.slice(0, 4).iter().map(|a| a.edge).collect();
        assert_eq!(order, [0, 1, 2, 3], "merged runs read in edge order");
        assert_eq!(
            all.slice(1, 3).iter().map(|a| a.edge).collect::<Vec<_>>(),
            [1, 2]
        );
        assert_eq!(all.position(3).map(|(p, a)| (p, a.edge)), Some((3, 3)));
        assert_eq!(all.position(7), None);
    }

    #[test]
    fn merged_slices_match_a_full_merge() {
        let runs: Vec<Vec<Adj>> = vec![
            [1, 4, 9, 10]
                .iter()
                .map(|&e| Adj { edge: e, other: 0 })
                .collect(),
            [0, 2, 3, 11, 20]
                .iter()
                .map(|&e| Adj { edge: e, other: 0 })
                .collect(),
            [5].iter().map(|&e| Adj { edge: e, other: 0 }).collect(),
        ];
        let m = Merged::new(runs.iter().map(Vec::as_slice).collect());
        let mut all: Vec<u32> = runs.iter().flatten().map(|a| a.edge).collect();
        all.sort();
        for from in 0..all.len() {
            for to in from..=all.len() + 1 {
                let got: Vec<u32> = m.slice(from, to).iter().map(|a| a.edge).collect();
                assert_eq!(got, all[from..to.min(all.len())], "{from}..{to}");
            }
        }
        for (i, e) in all.iter().enumerate() {
            assert_eq!(m.position(*e).map(|(p, _)| p), Some(i));
        }
    }
}
