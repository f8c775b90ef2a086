//! A data set staged for the graph while it is read: each relation as the keys of its two
//! ends and the 16-byte [`Edge`] it becomes, every citation of a record or relation in the
//! citation table, and hashes of both for the content version. The seed loader stages as it
//! parses, so a large data set never holds its relations as [`Relation`]s (264 bytes each,
//! plus their strings) nor its citations as strings; [`KnowledgeGraph::build`] stages a
//! [`Dataset`] the same way, so both give the same graph.
//!
//! [`KnowledgeGraph::build`]: super::KnowledgeGraph::build
//! [`Dataset`]: crate::model::Dataset

use std::hash::Hasher;

use super::cite::{self, KINDS};
use super::edge::Edge;
use crate::model::{Citation, Dataset, Relation};

/// Relations in data order and the records' citations, with running hashes of both.
#[derive(Default)]
pub struct Stage {
    pub(super) edges: Vec<Staged>,
    pub(super) cites: cite::Builder,
    relations: std::hash::DefaultHasher,
    /// Per kind (in `EntityKind::ALL` order; sources are hashed with their documents, by
    /// the graph): the hash of its records, as read, and how many.
    records: [(std::hash::DefaultHasher, u64); KINDS],
}

pub(super) struct Staged {
    pub from: u32,
    pub to: u32,
    pub edge: Edge,
}

/// Feeds bytes written to it into a hasher.
pub(super) struct Feed<'h>(pub &'h mut std::hash::DefaultHasher);

impl std::io::Write for Feed<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.write(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Hashes `value`'s encoding.
pub(super) fn feed(hasher: &mut std::hash::DefaultHasher, value: &impl serde::Serialize) {
    // Neither the writer nor any model type's `Serialize` can fail.
    let encoded = postcard::to_io(value, Feed(hasher)).is_ok();
    debug_assert!(encoded);
}

impl Stage {
    /// Stages `r`, whose ends have the keys `from` and `to` (the caller's numbering, mapped
    /// to nodes when the graph is built).
    pub fn relation(&mut self, from: u32, to: u32, r: Relation) {
        feed(&mut self.relations, &r);
        let (edge, cite) = Edge::from_relation(r);
        self.cites.edge(cite);
        self.edges.push(Staged { from, to, edge });
    }

    /// Stages the next record of the kind in slot `kind` of `EntityKind::ALL` (not a source):
    /// hashes it as it is, then takes its citations (`cite`) into the table.
    pub fn record<T: serde::Serialize>(
        &mut self,
        kind: usize,
        record: &mut T,
        cite: impl FnOnce(&mut T) -> &mut Vec<Citation>,
    ) {
        let (hasher, count) = &mut self.records[kind];
        feed(hasher, &*record);
        *count += 1;
        self.cites.node(kind, std::mem::take(cite(record)));
    }

    /// Stages record `i` of the kind in slot `kind` of `data` ([`Stage::record`]); sources
    /// (slot 0) are not staged.
    pub fn record_at(&mut self, data: &mut Dataset, kind: usize, i: usize) {
        macro_rules! at {
            ($list:ident) => {
                if let Some(e) = data.$list.get_mut(i) {
                    self.record(kind, e, |e| &mut e.cite);
                }
            };
        }
        match kind {
            1 => at!(organizations),
            2 => at!(programmes),
            3 => at!(projects),
            4 => at!(countries),
            5 => at!(regions),
            6 => at!(themes),
            7 => at!(outcomes),
            _ => {}
        }
    }

    pub fn len(&self) -> usize {
        self.edges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }

    /// Rewrites the keys of the ends (the loader's references to ids declared later are
    /// given keys once every file is read).
    pub fn map_keys(&mut self, mut f: impl FnMut(u32) -> u32) {
        for s in &mut self.edges {
            s.from = f(s.from);
            s.to = f(s.to);
        }
    }

    /// Adds the hashes of the records and relations staged (each with its count) to `h`.
    pub(super) fn fingerprint(&self, h: &mut std::hash::DefaultHasher) {
        for (hasher, count) in &self.records[1..] {
            h.write_u64(*count);
            h.write_u64(hasher.finish());
        }
        h.write_u64(self.edges.len() as u64);
        h.write_u64(self.relations.finish());
    }
}

/// How many records of the kind in slot `kind` of `EntityKind::ALL` `data` has.
pub fn records(data: &Dataset, kind: usize) -> usize {
    match kind {
        0 => data.sources.len(),
        1 => data.organizations.len(),
        2 => data.programmes.len(),
        3 => data.projects.len(),
        4 => data.countries.len(),
        5 => data.regions.len(),
        6 => data.themes.len(),
        7 => data.outcomes.len(),
        _ => 0,
    }
}
