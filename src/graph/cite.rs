//! The citations of every node and edge, each distinct citation stored once.
//!
//! Generated and imported data cite the same sentence for a project and all its relations,
//! so a table of distinct citations and per-item lists of `u32` ids cost a fraction of a
//! `Vec<Citation>` per item.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

use crate::model::Citation;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Citations {
    /// Written and read in chunks by the snapshot (it is the largest part of a graph).
    #[serde(skip)]
    table: Vec<Citation>,
    /// `node_start[n]..node_start[n + 1]` index `ids` for node `n`.
    node_start: Vec<u32>,
    edge_start: Vec<u32>,
    ids: Vec<u32>,
}

/// Fills a [`Citations`]: every node's list first, in node order, then every edge's.
#[derive(Default)]
pub struct Builder {
    out: Citations,
    seen: HashMap<u64, u32>,
}

fn hash(c: &Citation) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    c.source.hash(&mut h);
    c.quote.hash(&mut h);
    h.finish()
}

impl Builder {
    fn push(&mut self, cites: Vec<Citation>) {
        for c in cites {
            let h = hash(&c);
            let id = match self.seen.get(&h) {
                Some(&id) if self.out.table[id as usize] == c => id,
                Some(_) => self.add(c),
                None => {
                    let id = self.add(c);
                    self.seen.insert(h, id);
                    id
                }
            };
            self.out.ids.push(id);
        }
    }

    fn add(&mut self, c: Citation) -> u32 {
        self.out.table.push(c);
        (self.out.table.len() - 1) as u32
    }

    pub fn node(&mut self, cites: Vec<Citation>) {
        if self.out.node_start.is_empty() {
            self.out.node_start.push(0);
        }
        self.push(cites);
        self.out.node_start.push(self.out.ids.len() as u32);
    }

    pub fn edge(&mut self, cites: Vec<Citation>) {
        if self.out.edge_start.is_empty() {
            self.out.edge_start.push(self.out.ids.len() as u32);
        }
        self.push(cites);
        self.out.edge_start.push(self.out.ids.len() as u32);
    }

    pub fn finish(mut self) -> Citations {
        let end = self.out.ids.len() as u32;
        if self.out.node_start.is_empty() {
            self.out.node_start.push(end);
        }
        if self.out.edge_start.is_empty() {
            self.out.edge_start.push(end);
        }
        self.out.table.shrink_to_fit();
        self.out.ids.shrink_to_fit();
        self.out
    }
}

impl Citations {
    fn list(&self, start: &[u32], i: usize) -> impl ExactSizeIterator<Item = &Citation> + '_ {
        let ids = &self.ids[start[i] as usize..start[i + 1] as usize];
        ids.iter().map(|id| &self.table[*id as usize])
    }

    pub fn of_node(&self, node: usize) -> impl ExactSizeIterator<Item = &Citation> + '_ {
        self.list(&self.node_start, node)
    }

    pub fn of_edge(&self, edge: usize) -> impl ExactSizeIterator<Item = &Citation> + '_ {
        self.list(&self.edge_start, edge)
    }

    /// The distinct citations, for the snapshot to write in chunks.
    pub fn table(&self) -> &[Citation] {
        &self.table
    }

    /// Puts back the table read in chunks by the snapshot.
    pub fn set_table(&mut self, table: Vec<Citation>) {
        self.table = table;
    }

    /// Whether the table can belong to a graph of `nodes` and `edges` (a snapshot check).
    pub fn fits(&self, nodes: usize, edges: usize) -> bool {
        let ok = |start: &[u32], items: usize| {
            start.len() == items + 1 && start.windows(2).all(|w| w[0] <= w[1])
        };
        ok(&self.node_start, nodes)
            && ok(&self.edge_start, edges)
            && self.node_start.first() == Some(&0)
            && self.node_start.last() == self.edge_start.first()
            && self.edge_start.last().copied() == Some(self.ids.len() as u32)
            && self.ids.iter().all(|id| (*id as usize) < self.table.len())
    }

    /// Distinct citations.
    pub fn distinct(&self) -> usize {
        self.table.len()
    }

    pub fn heap_bytes(&self) -> usize {
        self.table
            .iter()
            .map(|c| 48 + c.source.capacity() + c.quote.capacity())
            .sum::<usize>()
            + (self.node_start.len() + self.edge_start.len() + self.ids.len()) * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(q: &str) -> Citation {
        Citation {
            source: "s".into(),
            quote: q.into(),
        }
    }

    #[test]
    fn shares_equal_citations_and_keeps_lists_in_order() {
        let mut b = Builder::default();
        b.node(vec![c("a"), c("b")]);
        b.node(vec![]);
        b.edge(vec![c("b")]);
        b.edge(vec![c("a"), c("c")]);
        let t = b.finish();
        assert_eq!(t.distinct(), 3);
        let q = |it: Vec<&Citation>| it.iter().map(|c| c.quote.clone()).collect::<Vec<_>>();
        assert_eq!(q(t.of_node(0).collect()), ["a", "b"]);
        assert!(t.of_node(1).next().is_none());
        assert_eq!(q(t.of_edge(0).collect()), ["b"]);
        assert_eq!(q(t.of_edge(1).collect()), ["a", "c"]);
    }
}
