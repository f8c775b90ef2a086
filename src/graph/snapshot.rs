//! A compact binary snapshot of a built graph, so a server starts without parsing, checking
//! and indexing its data again (`aidgraph snapshot`, `aidgraph serve --snapshot`).
//!
//! Layout: a 16-byte magic, a little-endian `u32` format number, then frames, each a `u64`
//! length, a `u64` checksum of its bytes and a postcard-encoded value. Frames are small
//! enough to be read one at a time (entities and edges come in chunks), so reading needs
//! little memory beyond the graph itself. Everything the graph computes at build time (the
//! version, the per-type adjacency, the id, kind and search indexes, the citation table) is
//! stored, not recomputed; only petgraph's own edge lists are rebuilt as edges are added.
//!
//! *Invariant*: a snapshot that is truncated, corrupted, of another format or inconsistent
//! is refused with a [`SnapshotError`]; it never yields a half-built graph or a panic later.

use std::collections::HashMap;
use std::io::{self, Read, Write};

use petgraph::graph::{DiGraph, NodeIndex};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{Edge, Entity, KnowledgeGraph, adjacency, cite, search};
use crate::model::EntityKind;

const MAGIC: &[u8; 16] = b"AIDGRAPH-SNAPSHT";
/// Bumped whenever the layout or any stored type changes.
const FORMAT: u32 = 5;
/// Items per entity or edge frame.
const CHUNK: usize = 1 << 16;
/// Frames of items stop growing past this size.
const FRAME_BYTES: usize = 8 << 20;
/// No frame of a valid snapshot is larger.
const MAX_FRAME: u64 = 1 << 33;

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error(
        "not an aidgraph snapshot (it does not start with the snapshot header); make one with \
         `aidgraph snapshot --out FILE`"
    )]
    NotASnapshot,
    #[error(
        "snapshot format {found} is not the format this aidgraph reads ({FORMAT}); make the \
         snapshot again with this version: `aidgraph snapshot --out FILE`"
    )]
    Format { found: u32 },
    #[error("snapshot is damaged at byte {offset}: {what}; make it again with `aidgraph snapshot`")]
    Damaged { offset: u64, what: String },
}

#[derive(Serialize, Deserialize)]
struct Header {
    /// The aidgraph version that wrote the snapshot (informative).
    writer: String,
    /// The data's content version.
    version: String,
    nodes: u64,
    edges: u64,
}

#[derive(Serialize, Deserialize)]
struct Indexes {
    by_id: Vec<u32>,
    by_kind: Vec<Vec<u32>>,
    by_iati: Vec<(String, u32)>,
}

/// FNV-1a over 8-byte words: catches truncation and bit rot at memory speed.
fn checksum(bytes: &[u8]) -> u64 {
    let mut h = FNV_OFFSET;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        h ^= u64::from_le_bytes(w.try_into().expect("8 bytes"));
        h = h.wrapping_mul(FNV_PRIME);
    }
    for b in words.remainder() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// Counts and sums (as [`checksum`]) the bytes written to it.
#[derive(Default)]
struct Sum {
    len: u64,
    hash: Option<u64>,
    word: [u8; 8],
    filled: usize,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

impl Write for Sum {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let h = self.hash.get_or_insert(FNV_OFFSET);
        for b in bytes {
            self.word[self.filled] = *b;
            self.filled += 1;
            if self.filled == 8 {
                *h ^= u64::from_le_bytes(self.word);
                *h = h.wrapping_mul(FNV_PRIME);
                self.filled = 0;
            }
        }
        self.len += bytes.len() as u64;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Sum {
    /// The length and checksum of everything written.
    fn finish(self) -> (u64, u64) {
        let mut h = self.hash.unwrap_or(FNV_OFFSET);
        for b in &self.word[..self.filled] {
            h ^= u64::from(*b);
            h = h.wrapping_mul(FNV_PRIME);
        }
        (self.len, h)
    }
}

struct Writer<W: Write> {
    out: W,
    buf: Vec<u8>,
    bytes: u64,
}

impl<W: Write> Writer<W> {
    /// Writes `value` as one frame, encoded twice rather than held: once to measure and sum
    /// it, once to write it (the adjacency of a large graph is a frame of 100 MB and more).
    fn frame<T: Serialize + ?Sized>(&mut self, value: &T) -> io::Result<()> {
        let sum = postcard::to_io(value, Sum::default()).map_err(io::Error::other)?;
        let (len, checksum) = sum.finish();
        self.out.write_all(&len.to_le_bytes())?;
        self.out.write_all(&checksum.to_le_bytes())?;
        postcard::to_io(value, &mut self.out).map_err(io::Error::other)?;
        self.bytes += 16 + len;
        Ok(())
    }

    /// Writes `items` as frames that each decode as a `Vec<T>`: at most [`CHUNK`] items and,
    /// past the first item, at most [`FRAME_BYTES`], so one large item (a source's text)
    /// never makes the reader hold a huge buffer for thousands of others.
    fn frames<'a, T: Serialize + 'a>(
        &mut self,
        items: impl IntoIterator<Item = &'a T>,
    ) -> io::Result<()> {
        let mut body = Vec::new();
        let mut count = 0usize;
        for item in items {
            body = postcard::to_extend(item, body).map_err(io::Error::other)?;
            count += 1;
            if count == CHUNK || body.len() >= FRAME_BYTES {
                self.items_frame(count, &mut body)?;
                count = 0;
            }
        }
        if count > 0 {
            self.items_frame(count, &mut body)?;
        }
        Ok(())
    }

    /// A postcard sequence is its length as a varint, then its items.
    fn items_frame(&mut self, count: usize, body: &mut Vec<u8>) -> io::Result<()> {
        self.buf.clear();
        let buf = std::mem::take(&mut self.buf);
        self.buf = postcard::to_extend(&(count as u64), buf).map_err(io::Error::other)?;
        self.buf.extend_from_slice(body);
        body.clear();
        self.emit()
    }

    fn emit(&mut self) -> io::Result<()> {
        self.out.write_all(&(self.buf.len() as u64).to_le_bytes())?;
        self.out.write_all(&checksum(&self.buf).to_le_bytes())?;
        self.out.write_all(&self.buf)?;
        self.bytes += 16 + self.buf.len() as u64;
        Ok(())
    }
}

struct Reader<R: Read> {
    input: R,
    buf: Vec<u8>,
    offset: u64,
}

impl<R: Read> Reader<R> {
    fn damaged(&self, what: impl Into<String>) -> SnapshotError {
        SnapshotError::Damaged {
            offset: self.offset,
            what: what.into(),
        }
    }

    fn exact(&mut self, n: usize) -> Result<(), SnapshotError> {
        self.buf.resize(n, 0);
        match self.input.read_exact(&mut self.buf) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                Err(self.damaged("the file ends early (truncated)"))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn frame<T: DeserializeOwned>(&mut self, what: &str) -> Result<T, SnapshotError> {
        self.exact(16)?;
        let len = u64::from_le_bytes(self.buf[..8].try_into().expect("8 bytes"));
        let sum = u64::from_le_bytes(self.buf[8..16].try_into().expect("8 bytes"));
        if len > MAX_FRAME {
            return Err(self.damaged(format!("the {what} frame claims {len} bytes")));
        }
        self.offset += 16;
        self.exact(len as usize)?;
        if checksum(&self.buf) != sum {
            return Err(self.damaged(format!("the {what} frame fails its checksum")));
        }
        let value = postcard::from_bytes(&self.buf)
            .map_err(|e| self.damaged(format!("the {what} frame does not decode ({e})")))?;
        self.offset += len;
        if self.buf.capacity() > 2 * FRAME_BYTES {
            // One large frame (the adjacency) must not stay allocated for the rest.
            self.buf = Vec::new();
        }
        Ok(value)
    }
}

impl KnowledgeGraph {
    /// Writes the graph as a snapshot; returns the bytes written.
    pub fn write_snapshot(&self, out: impl Write) -> io::Result<u64> {
        let mut w = Writer {
            out: io::BufWriter::with_capacity(1 << 20, out),
            buf: Vec::new(),
            bytes: 20,
        };
        w.out.write_all(MAGIC)?;
        w.out.write_all(&FORMAT.to_le_bytes())?;
        w.frame(&Header {
            writer: env!("CARGO_PKG_VERSION").to_string(),
            version: self.version.clone(),
            nodes: self.graph.node_count() as u64,
            edges: self.graph.edge_count() as u64,
        })?;
        w.frames(self.graph.node_weights())?;
        // A chunk of edges at a time: a list of every edge would be 16 bytes each.
        for chunk in self.graph.raw_edges().chunks(CHUNK) {
            let edges: Vec<(u32, u32, &Edge)> = (chunk.iter())
                .map(|e| {
                    (
                        e.source().index() as u32,
                        e.target().index() as u32,
                        &e.weight,
                    )
                })
                .collect();
            w.frame(&edges)?;
        }
        // The lists, the table's length, then the table in parts.
        let table = self.cites.table();
        w.frame(&(&self.cites, table.len() as u64))?;
        for start in (0..table.len()).step_by(CHUNK) {
            w.frame(&table.part(start..(start + CHUNK).min(table.len())))?;
        }
        w.frame(&self.adjacency)?;
        let ix = |v: &[NodeIndex]| v.iter().map(|n| n.index() as u32).collect::<Vec<u32>>();
        let mut by_iati: Vec<(String, u32)> = self
            .by_iati
            .iter()
            .map(|(k, v)| (k.clone(), v.index() as u32))
            .collect();
        by_iati.sort();
        w.frame(&Indexes {
            by_id: ix(&self.by_id),
            by_kind: self.by_kind.iter().map(|l| ix(l)).collect(),
            by_iati,
        })?;
        w.frame(&self.search)?;
        w.out.flush()?;
        Ok(w.bytes)
    }

    /// Reads a snapshot written by [`KnowledgeGraph::write_snapshot`].
    pub fn read_snapshot(input: impl Read) -> Result<KnowledgeGraph, SnapshotError> {
        let mut r = Reader {
            input: io::BufReader::with_capacity(1 << 20, input),
            buf: Vec::new(),
            offset: 0,
        };
        match r.exact(20) {
            Err(SnapshotError::Damaged { .. }) => return Err(SnapshotError::NotASnapshot),
            other => other?,
        }
        if &r.buf[..16] != MAGIC {
            return Err(SnapshotError::NotASnapshot);
        }
        let found = u32::from_le_bytes(r.buf[16..20].try_into().expect("4 bytes"));
        if found != FORMAT {
            return Err(SnapshotError::Format { found });
        }
        r.offset = 20;
        let header: Header = r.frame("header")?;
        let (n, m) = (header.nodes as usize, header.edges as usize);
        if n > u32::MAX as usize / 2 || m > u32::MAX as usize / 2 {
            return Err(r.damaged("the header's counts are out of range"));
        }
        let mut graph: DiGraph<Entity, Edge> = DiGraph::with_capacity(n, m);
        while graph.node_count() < n {
            let chunk: Vec<Entity> = r.frame("entities")?;
            if chunk.is_empty() || graph.node_count() + chunk.len() > n {
                return Err(r.damaged("the entity frames do not add up to the header's count"));
            }
            for e in chunk {
                graph.add_node(e);
            }
        }
        while graph.edge_count() < m {
            let chunk: Vec<(u32, u32, Edge)> = r.frame("edges")?;
            if chunk.is_empty() || graph.edge_count() + chunk.len() > m {
                return Err(r.damaged("the edge frames do not add up to the header's count"));
            }
            for (a, b, e) in chunk {
                if a as usize >= n || b as usize >= n {
                    return Err(r.damaged("an edge names a node that does not exist"));
                }
                if !e.is_well_formed() {
                    return Err(r.damaged("an edge's percentage is out of range"));
                }
                graph.add_edge(NodeIndex::new(a as usize), NodeIndex::new(b as usize), e);
            }
        }
        let (mut cites, distinct): (cite::Citations, u64) = r.frame("citation lists")?;
        if distinct > (u32::MAX as u64) {
            return Err(r.damaged("the citation count is out of range"));
        }
        // Every distinct citation is cited at least once.
        if distinct > cites.references() as u64 {
            return Err(r.damaged("the citation count is out of range"));
        }
        let mut table = cite::Table::default();
        table.reserve(distinct as usize);
        while table.len() < distinct as usize {
            let part: cite::Table = r.frame("citations")?;
            if part.is_empty() || table.len() + part.len() > distinct as usize {
                return Err(r.damaged("the citation frames do not add up to their count"));
            }
            if !table.append(part) {
                return Err(r.damaged("a citation frame does not fit its table"));
            }
        }
        cites.set_table(table);
        if !cites.fits(n, m) {
            return Err(r.damaged("the citation table does not fit the graph"));
        }
        let adjacency: adjacency::Adjacency = r.frame("adjacency")?;
        if !adjacency.fits(n, m) {
            return Err(r.damaged("the adjacency does not fit the graph"));
        }
        let indexes: Indexes = r.frame("indexes")?;
        let nodes = |v: Vec<u32>| -> Option<Vec<NodeIndex>> {
            v.into_iter()
                .map(|i| ((i as usize) < n).then(|| NodeIndex::new(i as usize)))
                .collect()
        };
        let by_id = nodes(indexes.by_id).filter(|v| v.len() == n);
        let by_kind: Option<Vec<Vec<NodeIndex>>> = indexes.by_kind.into_iter().map(nodes).collect();
        let by_iati: Option<HashMap<String, NodeIndex>> = indexes
            .by_iati
            .into_iter()
            .map(|(k, i)| ((i as usize) < n).then(|| (k, NodeIndex::new(i as usize))))
            .collect();
        let (Some(by_id), Some(by_kind), Some(by_iati)) = (by_id, by_kind, by_iati) else {
            return Err(r.damaged("an index names a node that does not exist"));
        };
        if by_kind.len() != EntityKind::ALL.len() {
            return Err(r.damaged("the kind index does not list every kind"));
        }
        let search: search::SearchIndex = r.frame("search index")?;
        if !search.fits(n) {
            return Err(r.damaged("the search index does not fit the graph"));
        }
        let mut rest = [0u8; 1];
        if r.input.read(&mut rest)? != 0 {
            return Err(r.damaged("there are bytes after the last frame"));
        }
        Ok(KnowledgeGraph {
            kind_rank: super::kind_ranks(n, &by_kind),
            graph,
            cites,
            adjacency,
            by_id,
            by_iati,
            by_kind,
            search,
            analytics: Default::default(),
            version: header.version,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frame's sum is taken while it is encoded, in writes of any size; it must be the
    /// checksum of the whole, which the reader checks.
    #[test]
    fn the_streamed_sum_is_the_checksum_of_the_bytes() {
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        for len in [0, 1, 7, 8, 9, 15, 16, 17, 999, 1000] {
            for step in [1, 3, 8, 64] {
                let mut sum = Sum::default();
                for piece in bytes[..len].chunks(step) {
                    sum.write_all(piece).unwrap();
                }
                assert_eq!(sum.finish(), (len as u64, checksum(&bytes[..len])));
            }
        }
    }
}
