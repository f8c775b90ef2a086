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

/// Fills a [`Citations`]: each node's list in node order, each edge's in edge order.
pub struct Builder {
    table: Table,
    /// Each kind's node lists and the edge lists are kept apart while building (the seed
    /// loader cites records and relations as it parses them, kinds interleaved) and joined
    /// by `finish`, kinds in `EntityKind::ALL` order (the graph's node order).
    node_start: [Vec<u32>; KINDS],
    node_ids: [Vec<u32>; KINDS],
    edge_start: Vec<u32>,
    edge_ids: Vec<u32>,
    /// The distinct citations' ids, found by the hash of what they cite (4 bytes a row,
    /// where a map from hash to id takes 16).
    seen: hashbrown::HashTable<u32>,
    source_ids: HashMap<String, u32>,
}

impl Default for Builder {
    fn default() -> Builder {
        Builder {
            table: Table::default(),
            node_start: std::array::from_fn(|_| vec![0]),
            node_ids: Default::default(),
            edge_start: vec![0],
            edge_ids: Vec::new(),
            seen: hashbrown::HashTable::new(),
            source_ids: HashMap::new(),
        }
    }
}

fn hash(c: &Citation) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    c.source.hash(&mut h);
    c.quote.hash(&mut h);
    h.finish()
}

/// [`hash`] of row `i` of `table`.
fn hash_row(table: &Table, i: usize) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    table.sources[table.source[i] as usize]
        .as_str()
        .hash(&mut h);
    table.quote(i).hash(&mut h);
    h.finish()
}

impl Builder {
    /// The table id of each citation, adding the new ones.
    fn intern(&mut self, cites: Vec<Citation>, list: List) {
        for c in cites {
            let h = hash(&c);
            let table = &self.table;
            let id = match self.seen.find(h, |&id| table.is(id as usize, &c)) {
                Some(&id) => id,
                None => {
                    let id = self.add(c);
                    let table = &self.table;
                    self.seen
                        .insert_unique(h, id, |&id| hash_row(table, id as usize));
                    id
                }
            };
            match list {
                List::Node(kind) => self.node_ids[kind].push(id),
                List::Edge => self.edge_ids.push(id),
            }
        }
    }

    fn add(&mut self, c: Citation) -> u32 {
        let table = &mut self.table;
        let source = *self.source_ids.entry(c.source.clone()).or_insert_with(|| {
            table.sources.push(c.source.clone());
            (table.sources.len() - 1) as u32
        });
        table.push(&c, source);
        (table.len() - 1) as u32
    }

    /// The citations of the next node of the kind in slot `kind` of `EntityKind::ALL`.
    pub fn node(&mut self, kind: usize, cites: Vec<Citation>) {
        self.intern(cites, List::Node(kind));
        self.node_start[kind].push(self.node_ids[kind].len() as u32);
    }

    /// The next edge's citations.
    pub fn edge(&mut self, cites: Vec<Citation>) {
        self.intern(cites, List::Edge);
        self.edge_start.push(self.edge_ids.len() as u32);
    }

    /// The next edge's citations: those of node `i` of the kind in slot `kind`.
    pub fn edge_as_node(&mut self, kind: usize, i: usize) {
        let (a, b) = (self.node_start[kind][i], self.node_start[kind][i + 1]);
        for j in a..b {
            let id = self.node_ids[kind][j as usize];
            self.edge_ids.push(id);
        }
        self.edge_start.push(self.edge_ids.len() as u32);
    }

    /// How many edges have their citations here.
    pub fn edges(&self) -> usize {
        self.edge_start.len() - 1
    }

    /// Keeps the citations of the edges `keep` says yes to, in order (the others' stay in
    /// the table, unreferenced).
    pub fn retain_edges(&mut self, mut keep: impl FnMut(usize) -> bool) {
        let mut start = vec![0];
        let mut ids = Vec::new();
        for e in 0..self.edges() {
            if keep(e) {
                let (a, b) = (self.edge_start[e] as usize, self.edge_start[e + 1] as usize);
                ids.extend_from_slice(&self.edge_ids[a..b]);
                start.push(ids.len() as u32);
            }
        }
        self.edge_start = start;
        self.edge_ids = ids;
    }

    pub fn finish(self) -> Citations {
        let Builder {
            mut table,
            node_start: kind_start,
            node_ids: kind_ids,
            edge_start,
            edge_ids,
            ..
        } = self;
        let nodes: usize = kind_start.iter().map(|s| s.len() - 1).sum();
        let total = kind_ids.iter().map(Vec::len).sum::<usize>() + edge_ids.len();
        let mut node_start = Vec::with_capacity(nodes + 1);
        node_start.push(0);
        let mut ids = Vec::with_capacity(total);
        for (start, list) in kind_start.iter().zip(kind_ids) {
            let base = ids.len() as u32;
            node_start.extend(start[1..].iter().map(|s| s + base));
            ids.extend_from_slice(&list);
        }
        let base = ids.len() as u32;
        ids.extend_from_slice(&edge_ids);
        drop(edge_ids);
        table.shrink_to_fit();
        Citations {
            table,
            node_start,
            edge_start: edge_start.into_iter().map(|s| s + base).collect(),
            ids,
        }
    }
}

/// How many kinds of node there are (`EntityKind::ALL`).
pub const KINDS: usize = 8;

#[derive(Clone, Copy)]
enum List {
    Node(usize),
    Edge,
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
        b.node(0, vec![c("a"), c("b")]);
        b.node(0, vec![]);
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

    /// The seed loader cites records of every kind and relations as it reads them; the
    /// lists come out in node order (kind by kind) and edge order all the same.
    #[test]
    fn kinds_cited_interleaved_come_out_in_node_order() {
        let mut b = Builder::default();
        b.edge(vec![c("r1")]);
        b.node(3, vec![c("project")]);
        b.node(1, vec![c("org a")]);
        b.edge(vec![c("org a"), c("r2")]);
        b.node(1, vec![]);
        b.node(7, vec![c("outcome"), c("project")]);
        b.edge_as_node(7, 0);
        let t = b.finish();
        let q = |it: Vec<Citation>| it.into_iter().map(|c| c.quote).collect::<Vec<_>>();
        let nodes: Vec<_> = (0..4).map(|n| q(t.of_node(n).collect())).collect();
        assert_eq!(
            nodes,
            [
                vec!["org a"],
                vec![],
                vec!["project"],
                vec!["outcome", "project"]
            ]
        );
        let edges: Vec<_> = (0..3).map(|e| q(t.of_edge(e).collect())).collect();
        assert_eq!(
            edges,
            [vec!["r1"], vec!["org a", "r2"], vec!["outcome", "project"]]
        );
        assert!(t.fits(4, 3));
        assert_eq!(t.table().len(), 5, "each distinct citation once");
    }

    /// The set of distinct citations re-hashes its rows from the table as it grows: a row's
    /// hash must be its citation's, or repeats would be stored again.
    #[test]
    fn rows_hash_as_their_citations_so_repeats_are_shared() {
        let mut b = Builder::default();
        for _ in 0..3 {
            for i in 0..5000 {
                let cite = Citation {
                    source: format!("s{}", i % 7),
                    quote: format!("quote {i}"),
                };
                b.edge(vec![cite]);
            }
        }
        for i in [0, 1, 4999] {
            assert_eq!(hash_row(&b.table, i), hash(&b.table.get(i)));
        }
        let t = b.finish();
        assert_eq!(t.table().len(), 5000);
        assert_eq!(t.references(), 15000);
    }

    #[test]
    fn parts_rebuild_the_table_and_refuse_bad_ends() {
        let mut b = Builder::default();
        for i in 0..10 {
            b.node(
                0,
                vec![Citation {
                    source: format!("s{}", i % 3),
                    quote: format!("quote é {i}"),
                }],
            );
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
