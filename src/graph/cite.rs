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
    /// The distinct citations, in columns. Written and read in chunks by the snapshot (it is
    /// the largest part of a graph).
    #[serde(skip)]
    table: Table,
    /// `node_start[n]..node_start[n + 1]` index `ids` for node `n`.
    node_start: Vec<u32>,
    edge_start: Vec<u32>,
    ids: Vec<u32>,
}

/// Distinct citations as columns: a citation is a source id from a short list and a quote in
/// one text, so a million citations are three allocations, not two million strings.
#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Table {
    /// The distinct source ids, in order of first use.
    sources: Vec<String>,
    /// Per citation: its index in `sources`.
    source: Vec<u32>,
    /// Per citation: the end of its quote in `quotes` (it starts where the previous ends).
    end: Vec<u64>,
    quotes: String,
}

impl Table {
    pub fn len(&self) -> usize {
        self.source.len()
    }

    pub fn is_empty(&self) -> bool {
        self.source.is_empty()
    }

    fn quote(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.end[i - 1] as usize };
        &self.quotes[start..self.end[i] as usize]
    }

    /// Citation `i`; `i` must be below `len()`.
    pub fn get(&self, i: usize) -> Citation {
        Citation {
            source: self.sources[self.source[i] as usize].clone(),
            quote: self.quote(i).to_string(),
        }
    }

    fn is(&self, i: usize, c: &Citation) -> bool {
        self.sources[self.source[i] as usize] == c.source && self.quote(i) == c.quote
    }

    fn push(&mut self, c: &Citation, source: u32) {
        self.source.push(source);
        self.quotes.push_str(&c.quote);
        self.end.push(self.quotes.len() as u64);
    }

    /// Rows `range` as a self-contained part, for the snapshot to write in chunks.
    pub fn part(&self, range: std::ops::Range<usize>) -> Table {
        let start = if range.start == 0 {
            0
        } else {
            self.end[range.start - 1] as usize
        };
        let stop = if range.end == 0 {
            0
        } else {
            self.end[range.end - 1] as usize
        };
        let source = &self.source[range.clone()];
        Table {
            // The part names sources by their index in the whole table; only the first part
            // carries the list.
            sources: if range.start == 0 {
                self.sources.clone()
            } else {
                Vec::new()
            },
            source: source.to_vec(),
            end: self.end[range].iter().map(|e| e - start as u64).collect(),
            quotes: self.quotes[start..stop].to_string(),
        }
    }

    /// Appends a part written by [`Table::part`]; false when it does not fit (a damaged
    /// snapshot): ends out of order or beyond its text, or not on a character boundary.
    pub fn append(&mut self, part: Table) -> bool {
        if !part.sources.is_empty() {
            if !self.is_empty() || !self.sources.is_empty() {
                return false;
            }
            self.sources = part.sources;
        }
        let base = self.quotes.len() as u64;
        let mut previous = 0;
        for &e in &part.end {
            if e < previous
                || e as usize > part.quotes.len()
                || !part.quotes.is_char_boundary(e as usize)
            {
                return false;
            }
            previous = e;
        }
        if previous as usize != part.quotes.len() || part.end.len() != part.source.len() {
            return false;
        }
        self.source.extend_from_slice(&part.source);
        self.end.extend(part.end.iter().map(|e| e + base));
        self.quotes.push_str(&part.quotes);
        true
    }

    pub fn reserve(&mut self, rows: usize) {
        self.source.reserve_exact(rows);
        self.end.reserve_exact(rows);
    }

    fn shrink_to_fit(&mut self) {
        self.sources.shrink_to_fit();
        self.source.shrink_to_fit();
        self.end.shrink_to_fit();
        self.quotes.shrink_to_fit();
    }
}

/// Fills a [`Citations`]: every node's list first, in node order, then every edge's.
#[derive(Default)]
pub struct Builder {
    out: Citations,
    seen: HashMap<u64, u32>,
    source_ids: HashMap<String, u32>,
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
                Some(&id) if self.out.table.is(id as usize, &c) => id,
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
        let table = &mut self.out.table;
        let source = *self.source_ids.entry(c.source.clone()).or_insert_with(|| {
            table.sources.push(c.source.clone());
            (table.sources.len() - 1) as u32
        });
        table.push(&c, source);
        (table.len() - 1) as u32
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
    fn list(&self, start: &[u32], i: usize) -> impl ExactSizeIterator<Item = Citation> + '_ {
        let ids = &self.ids[start[i] as usize..start[i + 1] as usize];
        ids.iter().map(|id| self.table.get(*id as usize))
    }

    pub fn of_node(&self, node: usize) -> impl ExactSizeIterator<Item = Citation> + '_ {
        self.list(&self.node_start, node)
    }

    pub fn of_edge(&self, edge: usize) -> impl ExactSizeIterator<Item = Citation> + '_ {
        self.list(&self.edge_start, edge)
    }

    /// How many citations the nodes and edges make in all (with repeats).
    pub fn references(&self) -> usize {
        self.ids.len()
    }

    /// The distinct citations, for the snapshot to write in chunks.
    pub fn table(&self) -> &Table {
        &self.table
    }

    /// Puts back the table read in chunks by the snapshot.
    pub fn set_table(&mut self, table: Table) {
        self.table = table;
    }

    /// Whether the table can belong to a graph of `nodes` and `edges` (a snapshot check).
    pub fn fits(&self, nodes: usize, edges: usize) -> bool {
        let ok = |start: &[u32], items: usize| {
            start.len() == items + 1 && start.windows(2).all(|w| w[0] <= w[1])
        };
        let sources = self.table.sources.len();
        ok(&self.node_start, nodes)
            && ok(&self.edge_start, edges)
            && self.node_start.first() == Some(&0)
            && self.node_start.last() == self.edge_start.first()
            && self.edge_start.last().copied() == Some(self.ids.len() as u32)
            && self.ids.iter().all(|id| (*id as usize) < self.table.len())
            && self.table.source.iter().all(|s| (*s as usize) < sources)
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
        assert_eq!(t.table().len(), 3);
        let q = |it: Vec<Citation>| it.into_iter().map(|c| c.quote).collect::<Vec<_>>();
        assert_eq!(q(t.of_node(0).collect()), ["a", "b"]);
        assert!(t.of_node(1).next().is_none());
        assert_eq!(q(t.of_edge(0).collect()), ["b"]);
        assert_eq!(q(t.of_edge(1).collect()), ["a", "c"]);
    }

    #[test]
    fn parts_rebuild_the_table_and_refuse_bad_ends() {
        let mut b = Builder::default();
        for i in 0..10 {
            b.node(vec![Citation {
                source: format!("s{}", i % 3),
                quote: format!("quote é {i}"),
            }]);
        }
        let t = b.finish();
        let mut back = Table::default();
        for r in [0..4, 4..4, 4..10] {
            assert!(back.append(t.table().part(r)));
        }
        assert_eq!(&back, t.table());
        assert_eq!(back.get(7).quote, "quote é 7");
        assert_eq!(back.get(7).source, "s1");
        let mut bad = t.table().part(0..3);
        bad.end[0] = 7; // inside `é`
        assert!(!Table::default().append(bad));
        let mut bad = t.table().part(0..3);
        bad.end[2] += 1; // beyond the text
        assert!(!Table::default().append(bad));
        // A second part that repeats the source list.
        let mut twice = Table::default();
        assert!(twice.append(t.table().part(0..3)));
        assert!(!twice.append(t.table().part(0..3)));
    }
}
