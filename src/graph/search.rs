//! Case- and accent-insensitive word and prefix search with field-weighted ranking.
//!
//! Text is folded (NFD, combining marks dropped, lower-cased) and split into words. A query
//! matches a node when every query word is a word, or the start of a word, of the node's
//! indexed text; exact words score twice a prefix, names score above descriptions.
//!
//! Ranking: the score is the sum over query words of the best `field weight x (2 if whole
//! word else 1)` among the node's words that start with it, plus 20 when the whole folded
//! query equals one of the node's names (label, acronyms, aliases, codes), or else plus 5 when
//! the node's folded label contains the folded query. Ties go by folded label, then node index.
//!
//! The index is plain data (no pointers, no hashing state) so a snapshot can store it:
//!
//! - the vocabulary: every distinct folded word, sorted, in one `String`. A word's id is its
//!   position, so the words starting with a prefix are one contiguous id range;
//! - postings: for each word, the nodes that have it, ascending, as LEB128 varints of
//!   `(node delta << 2) | weight code` (CSR: `posting_offsets` by word id);
//! - each node's text (CSR: `node_offsets`): its folded label as it reads, word ids and the
//!   separators between them (runs of other characters, interned in `seps`), then its other
//!   words, ids ascending, as varints of `(id delta << 2) | weight code`. The label words are
//!   exactly the words of weight `NAME`, so the label costs what its sorted ids would;
//! - `label_rank`: each node's position in (folded label, node) order, the tie-break;
//! - `kinds`: each node's kind, so a kind filter reads one byte per candidate;
//! - names by hash bucket: nodes whose folded names hash to a bucket. A search checks the few
//!   candidates in the query's bucket against the entity itself, so the +20 is exact.
//!
//! A search intersects the query words' postings starting from the rarest, keeps what one
//! page needs with a bounded heap, and decides the +5 from the query's shape when it can (a
//! one-word query is in every label with a word starting with it; a query of several words is
//! in no label without a word starting with its last word) and otherwise from the stored
//! label, only for candidates whose score could still put them on the page.

use std::collections::{BinaryHeap, HashMap};

use petgraph::graph::NodeIndex;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::Entity;
use crate::model::EntityKind;

/// Folds case and accents: "Côte d’Ivoire" -> "cote d’ivoire".
pub fn normalize(text: &str) -> String {
    let mut out = String::new();
    fold_into(text, &mut out);
    out
}

/// `text` folded into `out` (replacing its contents).
///
/// NFD leaves ASCII alone, ASCII has no combining marks, and an ASCII character is a starter
/// that canonical reordering never moves marks across: so runs of ASCII are only lower-cased
/// and NFD runs on the rest alone, with the same result as on the whole text.
fn fold_into(text: &str, out: &mut String) {
    out.clear();
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let start = out.len();
        out.push_str(&rest[..ascii]);
        out[start..].make_ascii_lowercase();
        rest = &rest[ascii..];
        let other = rest
            .bytes()
            .position(|b| b.is_ascii())
            .unwrap_or(rest.len());
        out.extend(
            rest[..other]
                .nfd()
                .filter(|c| !is_combining_mark(*c))
                .flat_map(char::to_lowercase),
        );
        rest = &rest[other..];
    }
}

/// The folded words of `text`, in order (repeats kept).
fn words(text: &str) -> Vec<String> {
    normalize(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Calls `f` with each folded word of `text`; ASCII text is folded without allocating.
fn for_each_word(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    if text.is_ascii() {
        for w in text.split(|c: char| !c.is_ascii_alphanumeric()) {
            if !w.is_empty() {
                buf.clear();
                buf.push_str(w);
                buf.make_ascii_lowercase();
                f(buf);
            }
        }
    } else {
        let folded = normalize(text);
        for w in folded.split(|c: char| !c.is_alphanumeric()) {
            if !w.is_empty() {
                f(w);
            }
        }
    }
}

/// Folded text as alternating runs, `separator, word, separator, ..., word, separator`
/// (2k + 1 byte ranges for k words; the outer separators may be empty, the inner ones not).
fn runs(folded: &str, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let (mut start, mut in_word) = (0, false);
    for (i, c) in folded.char_indices() {
        if c.is_alphanumeric() != in_word {
            out.push((start, i));
            start = i;
            in_word = !in_word;
        }
    }
    out.push((start, folded.len()));
    if in_word {
        out.push((folded.len(), folded.len()));
    }
}

/// Whether `text` folded equals `folded`.
fn fold_eq(text: &str, folded: &str) -> bool {
    if text.is_ascii() {
        text.len() == folded.len()
            && text
                .bytes()
                .zip(folded.bytes())
                .all(|(a, b)| a.to_ascii_lowercase() == b)
    } else {
        normalize(text) == folded
    }
}

const NAME: u32 = 10;
const ALIAS: u32 = 8;
const CODE: u32 = 6;
const DESCRIPTION: u32 = 2;

/// Field weights by their 2-bit code, in increasing order so a larger code is a larger weight.
const WEIGHTS: [u32; 4] = [DESCRIPTION, CODE, ALIAS, NAME];
const W_DESCRIPTION: u8 = 0;
const W_CODE: u8 = 1;
const W_ALIAS: u8 = 2;
const W_NAME: u8 = 3;

/// The text fields of an entity with their weight codes: the label first, then acronyms,
/// aliases, codes and descriptions. Every field but descriptions is a name.
fn fields<'e>(e: &'e Entity, f: &mut Vec<(&'e str, u8)>) {
    f.clear();
    f.push((e.label(), W_NAME));
    fn push_all<'e>(f: &mut Vec<(&'e str, u8)>, v: &'e [String], w: u8) {
        f.extend(v.iter().map(|s| (s.as_str(), w)));
    }
    match e {
        Entity::Source(s) => {
            f.push((&s.file, W_CODE));
        }
        Entity::Organization(o) => {
            push_all(f, &o.aliases, W_ALIAS);
            f.extend(o.short_name.as_deref().map(|s| (s, W_ALIAS)));
            f.extend(o.iati_id.as_deref().map(|s| (s, W_CODE)));
            f.extend(o.description.as_deref().map(|s| (s, W_DESCRIPTION)));
        }
        Entity::Programme(p) => {
            push_all(f, &p.aliases, W_ALIAS);
            f.extend(p.short_name.as_deref().map(|s| (s, W_ALIAS)));
            f.extend(p.description.as_deref().map(|s| (s, W_DESCRIPTION)));
        }
        Entity::Project(p) => {
            push_all(f, &p.aliases, W_ALIAS);
            f.extend(p.short_title.as_deref().map(|s| (s, W_ALIAS)));
            f.extend(p.description.as_deref().map(|s| (s, W_DESCRIPTION)));
        }
        Entity::Country(c) => {
            push_all(f, &c.aliases, W_ALIAS);
            f.push((&c.code, W_CODE));
            f.push((&c.alpha3, W_CODE));
        }
        Entity::Region(r) => {
            push_all(f, &r.aliases, W_ALIAS);
            f.extend(r.description.as_deref().map(|s| (s, W_DESCRIPTION)));
        }
        Entity::Theme(t) => {
            push_all(f, &t.aliases, W_ALIAS);
            f.extend(t.dac_code.as_deref().map(|s| (s, W_CODE)));
            f.extend(t.description.as_deref().map(|s| (s, W_DESCRIPTION)));
        }
        Entity::Outcome(o) => {
            f.push((&o.metric, W_ALIAS));
            f.extend(o.note.as_deref().map(|s| (s, W_DESCRIPTION)));
        }
    }
}

/// Whether one of the entity's names, folded, is `phrase`.
fn names_contain(e: &Entity, phrase: &str) -> bool {
    let mut f = Vec::new();
    fields(e, &mut f);
    f.iter()
        .any(|(text, w)| *w > W_DESCRIPTION && fold_eq(text, phrase))
}

/// A fixed 64-bit hash (the index is stored: it must not depend on the process).
fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let x = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = (h ^ x).wrapping_mul(K).rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut b = [0u8; 8];
        b[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(b)).wrapping_mul(K).rotate_left(29);
    }
    // MurmurHash3's finaliser: every input bit reaches the low bits a bucket mask keeps.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

fn write_varint(out: &mut Vec<u8>, mut x: u32) {
    while x >= 0x80 {
        out.push(x as u8 | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

#[inline]
fn read_varint(buf: &[u8], pos: &mut usize) -> u32 {
    let mut x = 0u32;
    let mut shift = 0;
    loop {
        let b = buf[*pos];
        *pos += 1;
        x |= u32::from(b & 0x7f) << shift;
        if b < 0x80 {
            return x;
        }
        shift += 7;
    }
}

/// A varint read that reports truncation and overlong values instead of panicking.
fn read_varint_checked(buf: &[u8], pos: &mut usize) -> Option<u32> {
    let mut x = 0u64;
    for shift in (0..35).step_by(7) {
        let b = *buf.get(*pos)?;
        *pos += 1;
        x |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return u32::try_from(x).ok();
        }
    }
    None
}

/// The first 8 bytes of `s`, big-endian, zero-padded: comparing two of these orders strings
/// as `str` does, up to ties.
fn prefix_key(s: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    let n = s.len().min(8);
    b[..n].copy_from_slice(&s[..n]);
    u64::from_be_bytes(b)
}

fn kind_slot(kind: EntityKind) -> u8 {
    EntityKind::ALL
        .iter()
        .position(|k| *k == kind)
        .expect("ALL lists every kind") as u8
}

/// The kind byte of a node index with no entity: in no kind filter.
const NO_KIND: u8 = 31;

fn to_u32(n: usize, what: &str) -> u32 {
    u32::try_from(n).unwrap_or_else(|_| panic!("search index: {what} above 4 GiB"))
}

/// Separator ids 0 and 1 are always "" and " ".
const SEP_EMPTY: u32 = 0;
const SEP_SPACE: u32 = 1;
/// How a label word's entry says which separator follows it: `(id << 2) | flag`.
const NEXT_SPACE: u32 = 0;
const NEXT_EMPTY: u32 = 1;
const NEXT_GIVEN: u32 = 2;

/// A search result with its score (higher is better).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub node: NodeIndex,
    pub score: u32,
}

/// One page of ranked hits.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage {
    /// The hits after the `after` node, best first, at most `first`.
    pub hits: Vec<SearchHit>,
    /// Every hit of the query (and kinds), before and after the page.
    pub total: usize,
    /// Whether more hits follow the page.
    pub has_next: bool,
}

/// The sizes of a search index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexStats {
    pub nodes: usize,
    /// Distinct folded words.
    pub words: usize,
    /// (node, distinct word) pairs.
    pub postings: usize,
    pub heap_bytes: usize,
    /// Heap bytes by part: vocabulary, postings, node text, per-node arrays, names.
    pub parts: [(&'static str, usize); 5],
}

/// The `after` node of a search is not one of its hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAHit;

/// The search index; see the module documentation for its layout.
#[derive(Serialize, Deserialize)]
pub struct SearchIndex {
    /// Every distinct folded word, sorted, concatenated.
    vocab: String,
    /// Word id -> start of the word in `vocab` (one more entry than words).
    vocab_offsets: Box<[u32]>,
    /// Word id -> start of its postings in `postings` (one more entry than words).
    posting_offsets: Box<[u32]>,
    /// Per word: varints of `(node delta << 2) | weight code`, nodes ascending.
    postings: Box<[u8]>,
    /// Node -> start of its text in `node_text` (one more entry than nodes).
    node_offsets: Box<[u32]>,
    /// Per node: `(label words << 1) | has leading separator`, the leading separator's id if
    /// any, then per label word `(word id << 2) | NEXT_*` (and the separator's id for
    /// `NEXT_GIVEN`); then the other words, `(id delta << 2) | weight code`, ascending.
    node_text: Box<[u8]>,
    /// The distinct separators of labels, concatenated (ids 0 and 1: "" and " ").
    seps: String,
    /// Separator id -> start in `seps` (one more entry than separators).
    sep_offsets: Box<[u32]>,
    /// Node -> position in (folded label, node) order.
    label_rank: Box<[u32]>,
    /// Node -> position of its kind in `EntityKind::ALL` (`NO_KIND` for a hole).
    kinds: Box<[u8]>,
    /// Hash bucket -> start of its nodes in `name_nodes` (a power of two plus one entries).
    name_offsets: Box<[u32]>,
    /// Nodes one of whose folded names hashes to the bucket.
    name_nodes: Box<[u32]>,
}

/// Interns words into one byte arena with an open-addressing table of ids: about 20 bytes a
/// word where a `HashMap<String, u32>` takes three times that.
struct Interner {
    arena: Vec<u8>,
    starts: Vec<u32>,
    tags: Vec<u32>,
    slots: Vec<u32>,
}

impl Interner {
    fn new() -> Self {
        Interner {
            arena: Vec::new(),
            starts: vec![0],
            tags: Vec::new(),
            slots: vec![0; 1024],
        }
    }

    fn len(&self) -> usize {
        self.tags.len()
    }

    fn word(&self, id: u32) -> &[u8] {
        &self.arena[self.starts[id as usize] as usize..self.starts[id as usize + 1] as usize]
    }

    fn intern(&mut self, w: &[u8]) -> u32 {
        if (self.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let h = hash(w);
        let tag = (h >> 32) as u32;
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let s = self.slots[i];
            if s == 0 {
                let id = to_u32(self.len(), "vocabulary");
                assert!(id < 1 << 29, "search index: too many words");
                self.arena.extend_from_slice(w);
                self.starts.push(to_u32(self.arena.len(), "vocabulary"));
                self.tags.push(tag);
                self.slots[i] = id + 1;
                return id;
            }
            if self.tags[s as usize - 1] == tag && self.word(s - 1) == w {
                return s - 1;
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let mut slots = vec![0u32; size];
        for id in 0..self.len() as u32 {
            let mut i = hash(self.word(id)) as usize & (size - 1);
            while slots[i] != 0 {
                i = (i + 1) & (size - 1);
            }
            slots[i] = id + 1;
        }
        self.slots = slots;
    }
}

/// A query word: its vocabulary range and how often the query repeats it.
struct Term {
    /// The ids of the words starting with it.
    lo: u32,
    hi: u32,
    /// The id of the word itself, if it is one.
    exact: Option<u32>,
    mult: u32,
    /// The word whose "a label word starts with it" flag decides the +5 (see `Shape`).
    key: bool,
}

/// What the query's form says about the +5 (the folded label containing the folded query).
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    /// The query is one word and nothing else: a label has it if one of the label's words
    /// starts with it, or if it sits inside a label word (the stored label tells).
    OneWord,
    /// Several words: a label without a word starting with the last one cannot contain it.
    Words,
    /// Anything else (one word with punctuation): the stored label tells.
    Other,
}

/// A word of the folded query with what the +5 check needs.
struct PhraseWord<'q> {
    text: &'q str,
    lo: u32,
    hi: u32,
    exact: Option<u32>,
    /// The separator after the word (empty after the last unless the query ends with one).
    sep: &'q str,
    sep_id: Option<u32>,
}

/// The folded query as its label check reads it: leading separator, then words.
struct Phrase<'q> {
    lead: &'q str,
    words: Vec<PhraseWord<'q>>,
}

/// A node matching every query word so far.
#[derive(Clone, Copy)]
struct Cand {
    node: u32,
    score: u32,
    flags: u8,
}

/// A label word starts with the key query word.
const F_LABEL_PREFIX: u8 = 1;
/// One of the names is the whole query (+20).
const F_NAMED: u8 = 2;
/// The +5 was checked on the stored label; `F_IN_LABEL` holds the answer.
const F_CHECKED: u8 = 4;
const F_IN_LABEL: u8 = 8;

/// A per-candidate term match: `value << 1 | label-prefix flag`, 0 for no match.
type Match = u8;

fn match_value(weight_code: u8, exact: bool) -> Match {
    let v = WEIGHTS[weight_code as usize] * if exact { 2 } else { 1 };
    ((v as u8) << 1) | u8::from(weight_code == W_NAME)
}

fn better(a: Match, b: Match) -> Match {
    (a.max(b) & !1) | ((a | b) & 1)
}

/// A node's label as stored: the leading separator and each word with the separator after.
#[derive(Default)]
struct Label {
    lead: u32,
    words: Vec<(u32, u32)>,
}

impl SearchIndex {
    /// Indexes `nodes` (each index below `node_count`, each at most once; an index not given
    /// is a node with no text).
    pub fn build<'a>(
        nodes: impl Iterator<Item = (NodeIndex, &'a Entity)>,
        node_count: usize,
    ) -> SearchIndex {
        assert!(node_count < 1 << 30, "search index: too many nodes");
        let mut entities: Vec<Option<&Entity>> = vec![None; node_count];
        for (ix, e) in nodes {
            entities[ix.index()] = Some(e);
        }
        let label_rank = label_ranks(&entities);
        let kinds: Box<[u8]> = entities
            .iter()
            .map(|e| e.map_or(NO_KIND, |e| kind_slot(e.kind())))
            .collect();

        // Every node's distinct words (temporary ids, first-seen order) with their best weight
        // as `id << 2 | code`, its label as temporary ids and separators, and the hashes of
        // its folded names.
        let mut interner = Interner::new();
        let mut sep_ids: HashMap<String, u32> =
            HashMap::from([(String::new(), SEP_EMPTY), (" ".to_string(), SEP_SPACE)]);
        let mut pairs: Vec<u32> = Vec::new();
        let mut starts: Vec<u32> = Vec::with_capacity(node_count + 1);
        let mut labels: Vec<u8> = Vec::new();
        let mut label_starts: Vec<u32> = Vec::with_capacity(node_count + 1);
        let mut names: Vec<(u32, u32)> = Vec::new();
        let mut field_buf = Vec::new();
        let mut word_buf = String::new();
        let mut fold_buf = String::new();
        let mut run_buf = Vec::new();
        let mut local: Vec<u32> = Vec::new();
        let mut local_names: Vec<u64> = Vec::new();
        for (node, e) in entities.iter().enumerate() {
            starts.push(to_u32(pairs.len(), "words"));
            label_starts.push(to_u32(labels.len(), "labels"));
            let Some(e) = e else { continue };
            local.clear();
            local_names.clear();
            fields(e, &mut field_buf);
            for (i, &(text, code)) in field_buf.iter().enumerate() {
                if i == 0 {
                    // The label: its words and separators in order.
                    fold_into(text, &mut fold_buf);
                    runs(&fold_buf, &mut run_buf);
                    let mut sep = |r: (usize, usize)| {
                        let s = &fold_buf[r.0..r.1];
                        match s {
                            "" => SEP_EMPTY,
                            " " => SEP_SPACE,
                            _ => match sep_ids.get(s) {
                                Some(id) => *id,
                                None => {
                                    let id = to_u32(sep_ids.len(), "separators");
                                    sep_ids.insert(s.to_string(), id);
                                    id
                                }
                            },
                        }
                    };
                    write_varint(&mut labels, to_u32(run_buf.len() / 2, "label"));
                    write_varint(&mut labels, sep(run_buf[0]));
                    for pair in run_buf[1..].chunks_exact(2) {
                        let id = interner.intern(&fold_buf.as_bytes()[pair[0].0..pair[0].1]);
                        local.push(id << 2 | u32::from(code));
                        write_varint(&mut labels, id);
                        write_varint(&mut labels, sep(pair[1]));
                    }
                } else {
                    for_each_word(text, &mut word_buf, |w| {
                        let id = interner.intern(w.as_bytes());
                        local.push(id << 2 | u32::from(code));
                    });
                    if code > W_DESCRIPTION {
                        fold_into(text, &mut fold_buf);
                    }
                }
                if code > W_DESCRIPTION {
                    local_names.push(hash(fold_buf.as_bytes()));
                }
            }
            // Sorted, a word's entries are adjacent with the best weight last.
            local.sort_unstable();
            for (i, &x) in local.iter().enumerate() {
                if local.get(i + 1).is_none_or(|y| y >> 2 != x >> 2) {
                    pairs.push(x);
                }
            }
            local_names.sort_unstable();
            local_names.dedup();
            names.extend(local_names.iter().map(|h| ((h >> 32) as u32, node as u32)));
        }
        starts.push(to_u32(pairs.len(), "words"));
        label_starts.push(to_u32(labels.len(), "labels"));
        drop(field_buf);
        pairs.shrink_to_fit();
        labels.shrink_to_fit();
        names.shrink_to_fit();

        // The vocabulary, sorted: a prefix's words are then a range of ids.
        let word_count = interner.len();
        let mut order: Vec<(u64, u32)> = (0..word_count as u32)
            .map(|id| (prefix_key(interner.word(id)), id))
            .collect();
        order.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| interner.word(a.1).cmp(interner.word(b.1)))
        });
        let mut final_id = vec![0u32; word_count];
        let mut vocab = String::with_capacity(interner.arena.len());
        let mut vocab_offsets = Vec::with_capacity(word_count + 1);
        for (new, &(_, old)) in order.iter().enumerate() {
            final_id[old as usize] = new as u32;
            vocab_offsets.push(to_u32(vocab.len(), "vocabulary"));
            vocab.push_str(std::str::from_utf8(interner.word(old)).expect("words are UTF-8"));
        }
        vocab_offsets.push(to_u32(vocab.len(), "vocabulary"));
        drop(order);
        drop(interner);

        // Each node's text by final ids, each word's frequency, and the postings' first half:
        // the pairs by final id.
        let mut df = vec![0u32; word_count + 1];
        let mut node_text = Vec::with_capacity(pairs.len() * 3);
        let mut node_offsets = Vec::with_capacity(node_count + 1);
        for node in 0..node_count {
            node_offsets.push(to_u32(node_text.len(), "node text"));
            let (mut pos, end) = (label_starts[node] as usize, label_starts[node + 1] as usize);
            if pos < end {
                let k = read_varint(&labels, &mut pos);
                let lead = read_varint(&labels, &mut pos);
                write_varint(&mut node_text, k << 1 | u32::from(lead != SEP_EMPTY));
                if lead != SEP_EMPTY {
                    write_varint(&mut node_text, lead);
                }
                for _ in 0..k {
                    let id = final_id[read_varint(&labels, &mut pos) as usize];
                    match read_varint(&labels, &mut pos) {
                        SEP_SPACE => write_varint(&mut node_text, id << 2 | NEXT_SPACE),
                        SEP_EMPTY => write_varint(&mut node_text, id << 2 | NEXT_EMPTY),
                        sep => {
                            write_varint(&mut node_text, id << 2 | NEXT_GIVEN);
                            write_varint(&mut node_text, sep);
                        }
                    }
                }
            } else {
                write_varint(&mut node_text, 0);
            }
            let slice = &mut pairs[starts[node] as usize..starts[node + 1] as usize];
            for x in slice.iter_mut() {
                *x = final_id[(*x >> 2) as usize] << 2 | (*x & 3);
                df[(*x >> 2) as usize + 1] += 1;
            }
            slice.sort_unstable();
            let mut prev = 0;
            for &x in slice.iter().filter(|x| *x & 3 != u32::from(W_NAME)) {
                let id = x >> 2;
                write_varint(&mut node_text, (id - prev) << 2 | (x & 3));
                prev = id;
            }
        }
        node_offsets.push(to_u32(node_text.len(), "node text"));
        drop(final_id);
        drop(labels);
        drop(label_starts);
        drop(pairs);
        drop(starts);

        // Postings: nodes come out ascending per word.
        for i in 1..df.len() {
            df[i] += df[i - 1];
        }
        let mut flat = vec![0u32; df[word_count] as usize];
        let mut fill = df;
        let mut label = Label::default();
        for node in 0..node_count as u32 {
            let mut put = |id: u32, code: u32| {
                flat[fill[id as usize] as usize] = node << 2 | code;
                fill[id as usize] += 1;
            };
            let (mut pos, end) = (
                index_read_label(&node_text, &node_offsets, node, &mut label),
                node_offsets[node as usize + 1] as usize,
            );
            label.words.sort_unstable();
            label.words.dedup_by_key(|w| w.0);
            for &(id, _) in &label.words {
                put(id, u32::from(W_NAME));
            }
            let mut id = 0;
            while pos < end {
                let x = read_varint(&node_text, &mut pos);
                id += x >> 2;
                put(id, x & 3);
            }
        }
        // `fill[w]` is now where word w's postings end, the start of word w + 1's.
        let mut postings = Vec::with_capacity(flat.len() * 2);
        let mut posting_offsets = Vec::with_capacity(word_count + 1);
        let mut start = 0;
        for &end in &fill[..word_count] {
            posting_offsets.push(to_u32(postings.len(), "postings"));
            let mut prev = 0;
            for &x in &flat[start..end as usize] {
                let node = x >> 2;
                write_varint(&mut postings, (node - prev) << 2 | (x & 3));
                prev = node;
            }
            start = end as usize;
        }
        posting_offsets.push(to_u32(postings.len(), "postings"));
        drop(flat);
        drop(fill);

        let mut sep_list: Vec<(u32, String)> = sep_ids.into_iter().map(|(s, i)| (i, s)).collect();
        sep_list.sort_unstable();
        let mut seps = String::new();
        let mut sep_offsets = Vec::with_capacity(sep_list.len() + 1);
        for (_, s) in &sep_list {
            sep_offsets.push(to_u32(seps.len(), "separators"));
            seps.push_str(s);
        }
        sep_offsets.push(to_u32(seps.len(), "separators"));

        // Names by hash bucket, about four to a bucket.
        let buckets = (names.len() / 4).max(1).next_power_of_two();
        let mut name_offsets = vec![0u32; buckets + 1];
        for &(h, _) in &names {
            name_offsets[(h as usize & (buckets - 1)) + 1] += 1;
        }
        for i in 1..name_offsets.len() {
            name_offsets[i] += name_offsets[i - 1];
        }
        let mut name_nodes = vec![0u32; names.len()];
        let mut fill = name_offsets.clone();
        for &(h, node) in &names {
            let b = h as usize & (buckets - 1);
            name_nodes[fill[b] as usize] = node;
            fill[b] += 1;
        }
        postings.shrink_to_fit();
        node_text.shrink_to_fit();
        vocab.shrink_to_fit();
        seps.shrink_to_fit();
        SearchIndex {
            vocab,
            vocab_offsets: vocab_offsets.into(),
            posting_offsets: posting_offsets.into(),
            postings: postings.into(),
            node_offsets: node_offsets.into(),
            node_text: node_text.into(),
            seps,
            sep_offsets: sep_offsets.into(),
            label_rank,
            kinds,
            name_offsets: name_offsets.into(),
            name_nodes: name_nodes.into(),
        }
    }

    fn node_count(&self) -> usize {
        self.label_rank.len()
    }

    fn word_count(&self) -> usize {
        self.vocab_offsets.len() - 1
    }

    fn word(&self, id: u32) -> &str {
        &self.vocab
            [self.vocab_offsets[id as usize] as usize..self.vocab_offsets[id as usize + 1] as usize]
    }

    fn sep(&self, id: u32) -> &str {
        &self.seps
            [self.sep_offsets[id as usize] as usize..self.sep_offsets[id as usize + 1] as usize]
    }

    fn sep_id(&self, s: &str) -> Option<u32> {
        match s {
            "" => Some(SEP_EMPTY),
            " " => Some(SEP_SPACE),
            _ => (0..self.sep_offsets.len() as u32 - 1).find(|&i| self.sep(i) == s),
        }
    }

    /// The ids of the words starting with `t`.
    fn prefix_range(&self, t: &str) -> (u32, u32) {
        let (mut lo, mut hi) = (0, self.word_count() as u32);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.word(mid) < t {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let start = lo;
        hi = self.word_count() as u32;
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.word(mid).starts_with(t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (start, lo)
    }

    fn postings_of(&self, word: u32) -> impl Iterator<Item = (u32, u8)> + '_ {
        let mut pos = self.posting_offsets[word as usize] as usize;
        let end = self.posting_offsets[word as usize + 1] as usize;
        let mut node = 0;
        std::iter::from_fn(move || {
            (pos < end).then(|| {
                let x = read_varint(&self.postings, &mut pos);
                node += x >> 2;
                (node, (x & 3) as u8)
            })
        })
    }

    /// Reads `node`'s label into `out`; returns where its other words start.
    fn read_label(&self, node: u32, out: &mut Label) -> usize {
        index_read_label(&self.node_text, &self.node_offsets, node, out)
    }

    /// Calls `f(id, weight code)` for each word of `node` in `lo..hi`: the label's (each time
    /// it occurs) and the others'.
    fn words_in(&self, node: u32, lo: u32, hi: u32, mut f: impl FnMut(u32, u8)) {
        let buf = &self.node_text;
        let mut pos = self.node_offsets[node as usize] as usize;
        let end = self.node_offsets[node as usize + 1] as usize;
        let head = read_varint(buf, &mut pos);
        if head & 1 == 1 {
            read_varint(buf, &mut pos);
        }
        for _ in 0..head >> 1 {
            let x = read_varint(buf, &mut pos);
            if x & 3 == NEXT_GIVEN {
                read_varint(buf, &mut pos);
            }
            let id = x >> 2;
            if (lo..hi).contains(&id) {
                f(id, W_NAME);
            }
        }
        let mut id = 0;
        while pos < end {
            let x = read_varint(buf, &mut pos);
            id += x >> 2;
            if id >= hi {
                break;
            }
            if id >= lo {
                f(id, (x & 3) as u8);
            }
        }
    }

    /// The position of `node` when all nodes are sorted by folded label, then index.
    pub fn label_rank(&self, node: NodeIndex) -> u32 {
        self.label_rank[node.index()]
    }

    /// Sizes, for benchmarks and logs.
    pub fn stats(&self) -> IndexStats {
        IndexStats {
            nodes: self.node_count(),
            words: self.word_count(),
            // A varint's last byte is the only one below 0x80.
            postings: self.postings.iter().filter(|b| **b < 0x80).count(),
            heap_bytes: self.heap_bytes(),
            parts: [
                (
                    "vocabulary",
                    self.vocab.capacity()
                        + 4 * (self.vocab_offsets.len() + self.posting_offsets.len()),
                ),
                ("postings", self.postings.len()),
                (
                    "node text",
                    self.node_text.len() + self.seps.capacity() + 4 * self.sep_offsets.len(),
                ),
                (
                    "offsets, ranks, kinds",
                    4 * (self.node_offsets.len() + self.label_rank.len()) + self.kinds.len(),
                ),
                (
                    "names",
                    4 * (self.name_offsets.len() + self.name_nodes.len()),
                ),
            ],
        }
    }

    /// The heap memory the index holds, in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.vocab.capacity()
            + self.seps.capacity()
            + 4 * (self.vocab_offsets.len()
                + self.posting_offsets.len()
                + self.node_offsets.len()
                + self.sep_offsets.len()
                + self.label_rank.len()
                + self.name_offsets.len()
                + self.name_nodes.len())
            + self.postings.len()
            + self.node_text.len()
            + self.kinds.len()
    }

    /// Checks the structure (offsets, varints, ids in range), as after loading a snapshot: a
    /// valid index never panics when searched.
    pub fn validate(&self) -> Result<(), String> {
        let n = self.node_count();
        let v = self
            .vocab_offsets
            .len()
            .checked_sub(1)
            .ok_or("no vocabulary offsets")?;
        let s = self
            .sep_offsets
            .len()
            .checked_sub(1)
            .ok_or("no separator offsets")?;
        let csr = |name: &str, offsets: &[u32], len: usize, rows: usize| {
            if offsets.len() != rows + 1 || offsets.first() != Some(&0) {
                return Err(format!("{name}: {} offsets for {rows} rows", offsets.len()));
            }
            if offsets.windows(2).any(|w| w[0] > w[1]) || offsets[rows] as usize != len {
                return Err(format!("{name}: offsets out of order or past the end"));
            }
            Ok(())
        };
        csr("vocabulary", &self.vocab_offsets, self.vocab.len(), v)?;
        csr("postings", &self.posting_offsets, self.postings.len(), v)?;
        csr("node text", &self.node_offsets, self.node_text.len(), n)?;
        csr("separators", &self.sep_offsets, self.seps.len(), s)?;
        let buckets = self.name_offsets.len().saturating_sub(1);
        if !buckets.is_power_of_two() {
            return Err("name buckets: not a power of two".into());
        }
        csr("names", &self.name_offsets, self.name_nodes.len(), buckets)?;
        if self.kinds.len() != n
            || self
                .kinds
                .iter()
                .any(|&k| k != NO_KIND && k as usize >= EntityKind::ALL.len())
            || self.name_nodes.iter().any(|&x| x as usize >= n)
        {
            return Err("kinds or names: node out of range".into());
        }
        if self
            .vocab_offsets
            .iter()
            .any(|&o| !self.vocab.is_char_boundary(o as usize))
            || self
                .sep_offsets
                .iter()
                .any(|&o| !self.seps.is_char_boundary(o as usize))
            || s < 2
            || !self.sep(SEP_EMPTY).is_empty()
            || self.sep(SEP_SPACE) != " "
        {
            return Err("vocabulary or separators: bad text".into());
        }
        let mut seen = vec![false; n];
        for &r in self.label_rank.iter() {
            match seen.get_mut(r as usize) {
                Some(s) if !*s => *s = true,
                _ => return Err("label ranks: not a permutation".into()),
            }
        }
        // Ascending lists of `(delta << 2) | code`, each entry below `bound`.
        fn ascending(data: &[u8], mut pos: usize, end: usize, bound: usize) -> Option<()> {
            let mut x = 0u64;
            let mut first = true;
            while pos < end {
                let d = read_varint_checked(&data[..end], &mut pos)?;
                if !first && d >> 2 == 0 {
                    return None;
                }
                x += u64::from(d >> 2);
                first = false;
                if x >= bound as u64 {
                    return None;
                }
            }
            Some(())
        }
        for w in self.posting_offsets.windows(2) {
            ascending(&self.postings, w[0] as usize, w[1] as usize, n)
                .ok_or("postings: bad list")?;
        }
        for w in self.node_offsets.windows(2) {
            let (mut pos, end) = (w[0] as usize, w[1] as usize);
            let data = &self.node_text[..end];
            let bad = || "node text: bad label".to_string();
            let head = read_varint_checked(data, &mut pos).ok_or_else(bad)?;
            if head & 1 == 1 && read_varint_checked(data, &mut pos).ok_or_else(bad)? as usize >= s {
                return Err(bad());
            }
            for _ in 0..head >> 1 {
                let x = read_varint_checked(data, &mut pos).ok_or_else(bad)?;
                if (x >> 2) as usize >= v || x & 3 == 3 {
                    return Err(bad());
                }
                if x & 3 == NEXT_GIVEN
                    && read_varint_checked(data, &mut pos).ok_or_else(bad)? as usize >= s
                {
                    return Err(bad());
                }
            }
            ascending(&self.node_text, pos, end, v).ok_or("node text: bad word list")?;
        }
        Ok(())
    }

    /// Whether the index can belong to a graph of `nodes` nodes (a snapshot check).
    pub fn fits(&self, nodes: usize) -> bool {
        self.node_count() == nodes && self.validate().is_ok()
    }

    /// Whether every word of `text` is a word, or starts a word, of `node`'s indexed text.
    pub fn matches(&self, node: NodeIndex, text: &str) -> bool {
        self.matcher(text).matches(node)
    }

    /// `matches` for many nodes: the words of `text` are looked up once.
    pub fn matcher(&self, text: &str) -> TextMatcher<'_> {
        let ranges = words(text).iter().map(|t| self.prefix_range(t)).collect();
        TextMatcher {
            index: self,
            ranges,
        }
    }

    /// The folded query read as the label check needs it.
    fn phrase<'q>(&self, folded: &'q str) -> Phrase<'q> {
        let mut r = Vec::new();
        runs(folded, &mut r);
        let text = |(a, b): (usize, usize)| &folded[a..b];
        Phrase {
            lead: text(r[0]),
            words: r[1..]
                .chunks_exact(2)
                .map(|p| {
                    let (w, sep) = (text(p[0]), text(p[1]));
                    let (lo, hi) = self.prefix_range(w);
                    PhraseWord {
                        text: w,
                        lo,
                        hi,
                        exact: (lo < hi && self.word(lo) == w).then_some(lo),
                        sep,
                        sep_id: self.sep_id(sep),
                    }
                })
                .collect(),
        }
    }

    /// Whether `node`'s folded label contains the folded query: the query's words must be
    /// consecutive label words (the first may end one, the last may start one) with the same
    /// separators between them.
    fn label_contains(&self, node: u32, p: &Phrase, label: &mut Label) -> bool {
        self.read_label(node, label);
        let (m, k) = (p.words.len(), label.words.len());
        if m == 0 || k < m {
            return false;
        }
        let (first, last) = (&p.words[0], &p.words[m - 1]);
        let in_range = |id: u32, w: &PhraseWord| (w.lo..w.hi).contains(&id);
        let is = |id: u32, w: &PhraseWord| w.exact == Some(id);
        let ends = |id: u32, w: &PhraseWord| is(id, w) || self.word(id).ends_with(w.text);
        // Id comparisons first; the vocabulary and separator texts only when they pass.
        (0..=k - m).any(|i| {
            let x = &label.words[i..i + m];
            let (xf, xl) = (x[0].0, x[m - 1].0);
            let words_ok = match (m, p.lead.is_empty(), last.sep.is_empty()) {
                (1, true, true) => in_range(xf, first) || self.word(xf).contains(first.text),
                (1, false, true) => in_range(xf, first),
                (1, true, false) => ends(xf, first),
                (1, false, false) => is(xf, first),
                (_, lead_empty, tail_empty) => {
                    (if tail_empty {
                        in_range(xl, last)
                    } else {
                        is(xl, last)
                    }) && (0..m - 1).all(|j| p.words[j].sep_id == Some(x[j].1))
                        && (1..m - 1).all(|j| is(x[j].0, &p.words[j]))
                        && (if lead_empty {
                            ends(xf, first)
                        } else {
                            is(xf, first)
                        })
                }
            };
            // The query's outer separators must border the words they border in the label.
            let before = if i == 0 {
                label.lead
            } else {
                label.words[i - 1].1
            };
            words_ok
                && (p.lead.is_empty() || self.sep(before).ends_with(p.lead))
                && (last.sep.is_empty() || self.sep(x[m - 1].1).starts_with(last.sep))
        })
    }

    /// One page of the nodes matching `query`, best first: those ranked after `after` (which
    /// must be a hit itself), at most `first` of them. `entity` gives the entity of a node
    /// (the few candidates whose names hash like the query are checked against their names);
    /// `kinds`, if given, keeps only nodes of those kinds.
    pub fn search<'e>(
        &self,
        query: &str,
        entity: impl Fn(NodeIndex) -> &'e Entity,
        kinds: Option<&[EntityKind]>,
        after: Option<NodeIndex>,
        first: usize,
    ) -> Result<SearchPage, NotAHit> {
        let none = || match after {
            Some(_) => Err(NotAHit),
            None => Ok(SearchPage {
                hits: Vec::new(),
                total: 0,
                has_next: false,
            }),
        };
        let mut ws = words(query);
        if ws.is_empty() {
            return none();
        }
        let folded = normalize(query.trim());
        let phrase = self.phrase(&folded);
        let key_word = phrase.words.last().map(|w| w.text);
        let mut shape = match phrase.words.len() {
            1 if phrase.lead.is_empty() && phrase.words[0].sep.is_empty() => Shape::OneWord,
            1 => Shape::Other,
            _ => Shape::Words,
        };
        if !key_word.is_some_and(|k| ws.iter().any(|w| w == k)) {
            shape = Shape::Other;
        }
        ws.sort_unstable();
        let mut terms: Vec<Term> = Vec::new();
        for (i, w) in ws.iter().enumerate() {
            if i > 0 && ws[i - 1] == *w {
                terms.last_mut().expect("a previous term").mult += 1;
                continue;
            }
            let (lo, hi) = self.prefix_range(w);
            if lo == hi {
                return none();
            }
            terms.push(Term {
                lo,
                hi,
                exact: (self.word(lo) == w).then_some(lo),
                mult: 1,
                key: shape != Shape::Other && key_word == Some(w.as_str()),
            });
        }
        let cost =
            |t: &Term| self.posting_offsets[t.hi as usize] - self.posting_offsets[t.lo as usize];
        terms.sort_by_key(cost);

        // The rarest word's nodes, then only those also matching each other word.
        let mut cands = self.term_nodes(&terms[0]);
        if let Some(ks) = kinds {
            let mask = ks.iter().fold(0u32, |m, k| m | 1 << kind_slot(*k));
            cands.retain(|c| mask >> self.kinds[c.node as usize] & 1 == 1);
        }
        let mut scratch = Vec::new();
        for t in &terms[1..] {
            if cands.is_empty() {
                break;
            }
            self.intersect(t, &mut cands, &mut scratch);
        }
        let total = cands.len();
        let ix = |node: u32| NodeIndex::new(node as usize);

        // +20: the candidates whose folded names hash like the query, checked.
        let h = (hash(folded.as_bytes()) >> 32) as usize;
        let b = h & (self.name_offsets.len() - 2);
        let bucket =
            &self.name_nodes[self.name_offsets[b] as usize..self.name_offsets[b + 1] as usize];
        for &node in bucket {
            if let Ok(i) = cands.binary_search_by_key(&node, |c| c.node)
                && cands[i].flags & F_NAMED == 0
                && names_contain(entity(ix(node)), &folded)
            {
                cands[i].flags |= F_NAMED;
            }
        }

        let known = |c: &Cand| -> Option<u32> {
            if c.flags & F_NAMED != 0 {
                Some(20)
            } else if c.flags & F_CHECKED != 0 {
                Some(if c.flags & F_IN_LABEL != 0 { 5 } else { 0 })
            } else {
                match (shape, c.flags & F_LABEL_PREFIX != 0) {
                    (Shape::OneWord, true) => Some(5),
                    (Shape::Words, false) => Some(0),
                    _ => None,
                }
            }
        };
        let mut label = Label::default();
        let mut check = |c: &mut Cand| {
            c.flags |= F_CHECKED;
            if self.label_contains(c.node, &phrase, &mut label) {
                c.flags |= F_IN_LABEL;
            }
        };
        // Checks the labels of `todo` in batches whose first bytes are loaded together: one
        // candidate's check would otherwise wait for its own cache miss.
        let mut check_all = |cands: &mut [Cand], todo: &[usize]| {
            for batch in todo.chunks(64) {
                let mut starts = [0usize; 64];
                let mut touch = 0u8;
                for (s, &i) in starts.iter_mut().zip(batch) {
                    *s = self.node_offsets[cands[i].node as usize] as usize;
                }
                for s in &starts[..batch.len()] {
                    touch ^= self.node_text[*s];
                }
                std::hint::black_box(touch);
                for &i in batch {
                    check(&mut cands[i]);
                }
            }
        };
        // Smaller is better: score descending, then label rank.
        let key = |score: u32, node: u32| {
            u64::from(u32::MAX - score) << 32 | u64::from(self.label_rank[node as usize])
        };
        // The best and worst keys a candidate's bonus allows.
        let bounds = |c: &Cand| match known(c) {
            Some(b) => (key(c.score + b, c.node), key(c.score + b, c.node)),
            None => (key(c.score + 5, c.node), key(c.score, c.node)),
        };

        let cursor = match after {
            None => None,
            Some(a) => {
                let a = u32::try_from(a.index()).map_err(|_| NotAHit)?;
                let i = cands
                    .binary_search_by_key(&a, |c| c.node)
                    .map_err(|_| NotAHit)?;
                if known(&cands[i]).is_none() {
                    check_all(&mut cands, &[i]);
                }
                let k = bounds(&cands[i]).0;
                // The hits whose bonus decides whether they come before or after it.
                let between: Vec<usize> = (0..cands.len())
                    .filter(|&i| {
                        let (best, worst) = bounds(&cands[i]);
                        best <= k && k < worst
                    })
                    .collect();
                check_all(&mut cands, &between);
                Some(k)
            }
        };
        // The hits after the cursor, and the `first` best worst-case keys among them: no hit
        // whose best case is worse than the last of those can be on the page.
        let mut after_count = 0;
        let mut heap: BinaryHeap<u64> = BinaryHeap::new();
        for c in cands.iter() {
            let (best, worst) = bounds(c);
            if cursor.is_some_and(|k| worst <= k) {
                continue;
            }
            debug_assert!(cursor.is_none_or(|k| best > k));
            after_count += 1;
            if first == 0 {
                continue;
            }
            if heap.len() < first {
                heap.push(worst);
            } else if let Some(mut top) = heap.peek_mut()
                && worst < *top
            {
                *top = worst;
            }
        }
        let threshold = if heap.len() < first {
            u64::MAX
        } else {
            heap.peek().copied().unwrap_or(0)
        };
        let mut page: Vec<(u64, u32, u32)> = Vec::new();
        if first > 0 {
            let mut todo: Vec<usize> = Vec::new();
            for (i, c) in cands.iter().enumerate() {
                let (best, worst) = bounds(c);
                if cursor.is_some_and(|k| worst <= k) || best > threshold {
                    continue;
                }
                match known(c) {
                    Some(b) => page.push((best, c.node, c.score + b)),
                    None => todo.push(i),
                }
            }
            check_all(&mut cands, &todo);
            for &i in &todo {
                let c = &cands[i];
                let bonus = known(c).expect("checked");
                page.push((key(c.score + bonus, c.node), c.node, c.score + bonus));
            }
            page.sort_unstable();
            page.truncate(first);
        }
        Ok(SearchPage {
            hits: page
                .into_iter()
                .map(|(_, node, score)| SearchHit {
                    node: ix(node),
                    score,
                })
                .collect(),
            total,
            has_next: after_count > first,
        })
    }

    /// The nodes with a word starting with `t`, ascending, scored for `t`.
    fn term_nodes(&self, t: &Term) -> Vec<Cand> {
        let flag = |m: Match| if t.key { m & 1 } else { 0 };
        let cand = |node: u32, m: Match| Cand {
            node,
            score: u32::from(m >> 1) * t.mult,
            flags: flag(m),
        };
        if t.hi - t.lo == 1 {
            return self
                .postings_of(t.lo)
                .map(|(node, code)| cand(node, match_value(code, t.exact == Some(t.lo))))
                .collect();
        }
        let mut all: Vec<u64> = Vec::new();
        for w in t.lo..t.hi {
            let exact = t.exact == Some(w);
            all.extend(
                self.postings_of(w)
                    .map(|(node, code)| u64::from(node) << 8 | u64::from(match_value(code, exact))),
            );
        }
        let mut out = Vec::new();
        if use_dense(all.len(), self.node_count()) {
            // Many postings: a byte per node beats sorting them.
            let mut best = vec![0 as Match; self.node_count()];
            for x in all {
                let slot = &mut best[(x >> 8) as usize];
                *slot = better(*slot, x as Match);
            }
            for (node, &m) in best.iter().enumerate() {
                if m != 0 {
                    out.push(cand(node as u32, m));
                }
            }
        } else {
            all.sort_unstable();
            let mut i = 0;
            while i < all.len() {
                let node = (all[i] >> 8) as u32;
                let mut m = 0;
                while i < all.len() && (all[i] >> 8) as u32 == node {
                    m = better(m, all[i] as Match);
                    i += 1;
                }
                out.push(cand(node, m));
            }
        }
        out
    }

    /// Keeps the candidates with a word starting with `t`, adding its score.
    fn intersect(&self, t: &Term, cands: &mut Vec<Cand>, best: &mut Vec<Match>) {
        best.clear();
        best.resize(cands.len(), 0);
        let bytes =
            (self.posting_offsets[t.hi as usize] - self.posting_offsets[t.lo as usize]) as usize;
        if use_postings(bytes, cands.len()) {
            for w in t.lo..t.hi {
                let exact = t.exact == Some(w);
                let words = self.posting_offsets[w as usize + 1] - self.posting_offsets[w as usize];
                // Step through dense candidates; gallop through sparse ones.
                let gallop = (words as usize) < cands.len() / 8;
                let mut i = 0;
                for (node, code) in self.postings_of(w) {
                    if cands[i].node < node {
                        if gallop {
                            let mut step = 1;
                            while i + step < cands.len() && cands[i + step].node < node {
                                i += step;
                                step *= 2;
                            }
                            let end = (i + step).min(cands.len());
                            i += cands[i..end].partition_point(|c| c.node < node);
                        } else {
                            while i < cands.len() && cands[i].node < node {
                                i += 1;
                            }
                        }
                        if i == cands.len() {
                            break;
                        }
                    }
                    if cands[i].node == node {
                        best[i] = better(best[i], match_value(code, exact));
                    }
                }
            }
        } else {
            for (i, c) in cands.iter().enumerate() {
                self.words_in(c.node, t.lo, t.hi, |id, code| {
                    best[i] = better(best[i], match_value(code, t.exact == Some(id)));
                });
            }
        }
        let mut kept = 0;
        for i in 0..cands.len() {
            let m = best[i];
            if m != 0 {
                let mut c = cands[i];
                c.score += u32::from(m >> 1) * t.mult;
                if t.key {
                    c.flags |= m & 1;
                }
                cands[kept] = c;
                kept += 1;
            }
        }
        cands.truncate(kept);
    }
}

/// The words of a text filter, looked up: see [`SearchIndex::matcher`].
pub struct TextMatcher<'i> {
    index: &'i SearchIndex,
    /// The word id range of each word of the text.
    ranges: Vec<(u32, u32)>,
}

impl TextMatcher<'_> {
    pub fn matches(&self, node: NodeIndex) -> bool {
        let Ok(node) = u32::try_from(node.index()) else {
            return false;
        };
        if node as usize >= self.index.node_count() {
            return false;
        }
        self.ranges.iter().all(|&(lo, hi)| {
            let mut found = false;
            self.index.words_in(node, lo, hi, |_, _| found = true);
            found
        })
    }
}

/// Whether to merge a word's postings into a term's candidates rather than read each
/// candidate's own words: the latter costs a cache miss or two a candidate, postings read in
/// order about a nanosecond a byte.
fn use_postings(posting_bytes: usize, candidates: usize) -> bool {
    #[cfg(test)]
    if let Some(force) = tests::FORCE_POSTINGS.get() {
        return force;
    }
    posting_bytes < 64 * candidates
}

/// Whether to merge a prefix's postings in a byte per node rather than by sorting them.
fn use_dense(postings: usize, nodes: usize) -> bool {
    #[cfg(test)]
    if let Some(force) = tests::FORCE_DENSE.get() {
        return force;
    }
    postings > 4096 && postings > nodes / 8
}

/// Reads `node`'s label from a node text CSR into `out`; returns where its other words start.
fn index_read_label(buf: &[u8], offsets: &[u32], node: u32, out: &mut Label) -> usize {
    let mut pos = offsets[node as usize] as usize;
    let head = read_varint(buf, &mut pos);
    out.lead = if head & 1 == 1 {
        read_varint(buf, &mut pos)
    } else {
        SEP_EMPTY
    };
    out.words.clear();
    for _ in 0..head >> 1 {
        let x = read_varint(buf, &mut pos);
        let sep = match x & 3 {
            NEXT_SPACE => SEP_SPACE,
            NEXT_EMPTY => SEP_EMPTY,
            _ => read_varint(buf, &mut pos),
        };
        out.words.push((x >> 2, sep));
    }
    pos
}

/// Each node's position in (folded label, node) order.
fn label_ranks(entities: &[Option<&Entity>]) -> Box<[u32]> {
    let mut blob = String::new();
    let mut offsets = Vec::with_capacity(entities.len() + 1);
    let mut buf = String::new();
    for e in entities {
        offsets.push(blob.len());
        if let Some(e) = e {
            fold_into(e.label(), &mut buf);
            blob.push_str(&buf);
        }
    }
    offsets.push(blob.len());
    let label = |i: u32| &blob.as_bytes()[offsets[i as usize]..offsets[i as usize + 1]];
    let mut order: Vec<(u64, u8, u32)> = (0..entities.len() as u32).map(|i| (0, 0, i)).collect();
    sort_from(&mut order, 0, &label);
    let mut rank = vec![0u32; entities.len()];
    for (r, &(_, _, i)) in order.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    rank.into()
}

/// Sorts `(_, _, node)` entries whose labels agree on their first `depth` bytes by label,
/// then node: by the next 8 bytes and how many bytes remain (up to 9), then, among entries
/// equal on those with more to come, by the bytes after. Labels sharing long beginnings
/// ("Strengthening ...") cost a few integer sorts rather than string comparisons.
fn sort_from<'b>(order: &mut [(u64, u8, u32)], depth: usize, label: &impl Fn(u32) -> &'b [u8]) {
    for e in order.iter_mut() {
        let rest = label(e.2).get(depth..).unwrap_or_default();
        *e = (prefix_key(rest), rest.len().min(9) as u8, e.2);
    }
    order.sort_unstable();
    let mut i = 0;
    while i < order.len() {
        let j = i + order[i..].partition_point(|e| (e.0, e.1) == (order[i].0, order[i].1));
        if j - i > 1 && order[i].1 == 9 {
            sort_from(&mut order[i..j], depth + 8, label);
        }
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use proptest::prelude::*;

    use super::*;
    use crate::model::*;

    thread_local! {
        pub(super) static FORCE_POSTINGS: Cell<Option<bool>> = const { Cell::new(None) };
        pub(super) static FORCE_DENSE: Cell<Option<bool>> = const { Cell::new(None) };
    }

    /// The index before this one (a `BTreeMap` of postings, whole sorts), kept as the
    /// definition of the ranking the compact index must reproduce.
    mod reference {
        use std::collections::{BTreeMap, HashMap};

        use super::super::{normalize, words};
        use crate::graph::Entity;

        const NAME: u32 = 10;
        const ALIAS: u32 = 8;
        const CODE: u32 = 6;
        const DESCRIPTION: u32 = 2;

        fn indexed_fields(e: &Entity) -> Vec<(&str, u32)> {
            let mut f: Vec<(&str, u32)> = vec![(e.label(), NAME)];
            fn push_all<'e>(f: &mut Vec<(&'e str, u32)>, v: &'e [String], w: u32) {
                f.extend(v.iter().map(|s| (s.as_str(), w)));
            }
            match e {
                Entity::Source(s) => {
                    push_all(&mut f, std::slice::from_ref(&s.file), CODE);
                }
                Entity::Organization(o) => {
                    push_all(&mut f, &o.aliases, ALIAS);
                    f.extend(o.short_name.as_deref().map(|s| (s, ALIAS)));
                    f.extend(o.iati_id.as_deref().map(|s| (s, CODE)));
                    f.extend(o.description.as_deref().map(|s| (s, DESCRIPTION)));
                }
                Entity::Programme(p) => {
                    push_all(&mut f, &p.aliases, ALIAS);
                    f.extend(p.short_name.as_deref().map(|s| (s, ALIAS)));
                    f.extend(p.description.as_deref().map(|s| (s, DESCRIPTION)));
                }
                Entity::Project(p) => {
                    push_all(&mut f, &p.aliases, ALIAS);
                    f.extend(p.short_title.as_deref().map(|s| (s, ALIAS)));
                    f.extend(p.description.as_deref().map(|s| (s, DESCRIPTION)));
                }
                Entity::Country(c) => {
                    push_all(&mut f, &c.aliases, ALIAS);
                    f.push((&c.code, CODE));
                    f.push((&c.alpha3, CODE));
                }
                Entity::Region(r) => {
                    push_all(&mut f, &r.aliases, ALIAS);
                    f.extend(r.description.as_deref().map(|s| (s, DESCRIPTION)));
                }
                Entity::Theme(t) => {
                    push_all(&mut f, &t.aliases, ALIAS);
                    f.extend(t.dac_code.as_deref().map(|s| (s, CODE)));
                    f.extend(t.description.as_deref().map(|s| (s, DESCRIPTION)));
                }
                Entity::Outcome(o) => {
                    f.push((&o.metric, ALIAS));
                    f.extend(o.note.as_deref().map(|s| (s, DESCRIPTION)));
                }
            }
            f
        }

        pub struct Reference {
            postings: BTreeMap<String, Vec<(usize, u32)>>,
            node_words: HashMap<usize, Vec<String>>,
            names: HashMap<usize, Vec<String>>,
        }

        impl Reference {
            pub fn build(entities: &[Entity]) -> Reference {
                let mut postings: BTreeMap<String, Vec<(usize, u32)>> = BTreeMap::new();
                let mut node_words = HashMap::new();
                let mut names = HashMap::new();
                for (ix, e) in entities.iter().enumerate() {
                    let mut best: HashMap<String, u32> = HashMap::new();
                    let fields = indexed_fields(e);
                    names.insert(
                        ix,
                        fields
                            .iter()
                            .filter(|(_, w)| *w > DESCRIPTION)
                            .map(|(t, _)| normalize(t))
                            .collect(),
                    );
                    for (text, weight) in fields {
                        for w in words(text) {
                            let slot = best.entry(w).or_insert(0);
                            *slot = (*slot).max(weight);
                        }
                    }
                    let mut ws: Vec<String> = best.keys().cloned().collect();
                    ws.sort();
                    for (w, weight) in best {
                        postings.entry(w).or_default().push((ix, weight));
                    }
                    node_words.insert(ix, ws);
                }
                Reference {
                    postings,
                    node_words,
                    names,
                }
            }

            /// Every hit, best first, as `(node, score)`.
            pub fn search(&self, query: &str) -> Vec<(usize, u32)> {
                let terms: Vec<String> = words(query);
                if terms.is_empty() {
                    return Vec::new();
                }
                let mut scores: HashMap<usize, (u32, usize)> = HashMap::new();
                for (i, term) in terms.iter().enumerate() {
                    let mut best: HashMap<usize, u32> = HashMap::new();
                    for (word, posts) in self
                        .postings
                        .range(term.clone()..)
                        .take_while(|(w, _)| w.starts_with(term.as_str()))
                    {
                        let factor = if word == term { 2 } else { 1 };
                        for &(ix, weight) in posts {
                            let s = best.entry(ix).or_insert(0);
                            *s = (*s).max(weight * factor);
                        }
                    }
                    for (ix, s) in best {
                        let entry = scores.entry(ix).or_insert((0, 0));
                        if entry.1 == i {
                            *entry = (entry.0 + s, i + 1);
                        }
                    }
                }
                let phrase = normalize(query.trim());
                let mut hits: Vec<(usize, u32)> = scores
                    .into_iter()
                    .filter(|(_, (_, matched))| *matched == terms.len())
                    .map(|(node, (score, _))| {
                        let label = &self.names[&node][0];
                        let bonus = if self.names[&node].contains(&phrase) {
                            20
                        } else if label.contains(&phrase) {
                            5
                        } else {
                            0
                        };
                        (node, score + bonus)
                    })
                    .collect();
                hits.sort_by(|a, b| {
                    b.1.cmp(&a.1)
                        .then_with(|| self.names[&a.0][0].cmp(&self.names[&b.0][0]))
                        .then_with(|| a.0.cmp(&b.0))
                });
                hits
            }

            pub fn matches(&self, node: usize, text: &str) -> bool {
                let Some(ws) = self.node_words.get(&node) else {
                    return false;
                };
                words(text).iter().all(|t| {
                    let start = ws.partition_point(|w| w.as_str() < t.as_str());
                    ws.get(start).is_some_and(|w| w.starts_with(t.as_str()))
                })
            }

            pub fn folded_label(&self, node: usize) -> &str {
                &self.names[&node][0]
            }
        }
    }

    fn cite() -> Vec<Citation> {
        Vec::new()
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn org(
        id: &str,
        name: &str,
        short: Option<&str>,
        aliases: &[&str],
        desc: Option<&str>,
    ) -> Entity {
        Entity::Organization(Organization {
            id: id.into(),
            name: name.into(),
            short_name: short.map(Into::into),
            kind: OrgKind::Other,
            aliases: strings(aliases),
            iati_id: None,
            iati_type: None,
            country: None,
            description: desc.map(Into::into),
            cite: cite(),
        })
    }

    fn project(
        id: &str,
        title: &str,
        short: Option<&str>,
        aliases: &[&str],
        desc: Option<&str>,
    ) -> Entity {
        Entity::Project(Project {
            id: id.into(),
            title: title.into(),
            short_title: short.map(Into::into),
            aliases: strings(aliases),
            status: ProjectStatus::Unknown,
            period: None,
            budget: None,
            description: desc.map(Into::into),
            coordinator: None,
            iati: None,
            cite: cite(),
        })
    }

    fn programme(
        id: &str,
        name: &str,
        short: Option<&str>,
        aliases: &[&str],
        desc: Option<&str>,
    ) -> Entity {
        Entity::Programme(Programme {
            id: id.into(),
            name: name.into(),
            short_name: short.map(Into::into),
            kind: ProgrammeKind::Programme,
            aliases: strings(aliases),
            established: None,
            period: None,
            description: desc.map(Into::into),
            cite: cite(),
        })
    }

    fn country(code: &str, alpha3: &str, name: &str, aliases: &[&str]) -> Entity {
        Entity::Country(Country {
            code: code.into(),
            alpha3: alpha3.into(),
            name: name.into(),
            aliases: strings(aliases),
            cite: cite(),
        })
    }

    fn region(id: &str, name: &str, aliases: &[&str], desc: Option<&str>) -> Entity {
        Entity::Region(Region {
            id: id.into(),
            name: name.into(),
            aliases: strings(aliases),
            description: desc.map(Into::into),
            iati: None,
            cite: cite(),
        })
    }

    fn theme(
        id: &str,
        name: &str,
        dac: Option<&str>,
        aliases: &[&str],
        desc: Option<&str>,
    ) -> Entity {
        Entity::Theme(Theme {
            id: id.into(),
            name: name.into(),
            dac_code: dac.map(Into::into),
            iati: None,
            aliases: strings(aliases),
            description: desc.map(Into::into),
            cite: cite(),
        })
    }

    fn outcome(id: &str, metric: &str, label: &str, note: Option<&str>) -> Entity {
        Entity::Outcome(Outcome {
            id: id.into(),
            subject: "s".into(),
            metric: metric.into(),
            label: label.into(),
            value: rust_decimal::Decimal::ONE,
            unit: Unit::Count("people".into()),
            qualifier: Qualifier::Exact,
            status: OutcomeStatus::Achieved,
            period: None,
            country: None,
            note: note.map(Into::into),
            iati: None,
            cite: cite(),
        })
    }

    fn source(id: &str, file: &str, title: &str) -> Entity {
        Entity::Source(Source {
            id: id.into(),
            file: file.into(),
            title: title.into(),
            publisher: None,
            year: None,
            description: None,
            text: None,
        })
    }

    fn index(entities: &[Entity]) -> SearchIndex {
        SearchIndex::build(
            entities
                .iter()
                .enumerate()
                .map(|(i, e)| (NodeIndex::new(i), e)),
            entities.len(),
        )
    }

    fn page(
        idx: &SearchIndex,
        es: &[Entity],
        q: &str,
        kinds: Option<&[EntityKind]>,
        after: Option<usize>,
        first: usize,
    ) -> Result<SearchPage, NotAHit> {
        idx.search(
            q,
            |ix| &es[ix.index()],
            kinds,
            after.map(NodeIndex::new),
            first,
        )
    }

    /// Every hit as `(node, score)`, in one page.
    fn all(idx: &SearchIndex, es: &[Entity], q: &str) -> Vec<(usize, u32)> {
        let p = page(idx, es, q, None, None, usize::MAX).unwrap();
        assert_eq!(p.total, p.hits.len());
        assert!(!p.has_next);
        p.hits.iter().map(|h| (h.node.index(), h.score)).collect()
    }

    fn ids(es: &[Entity], hits: &[(usize, u32)]) -> Vec<String> {
        hits.iter().map(|(n, _)| es[*n].id().to_string()).collect()
    }

    fn sample() -> Vec<Entity> {
        vec![
            org(
                "ilo",
                "International Labour Organization",
                Some("ILO"),
                &["OIT"],
                Some("A UN agency for decent work and labour standards."),
            ),
            org(
                "mhlw",
                "Ministry of Health, Labour and Welfare",
                Some("MHLW"),
                &["Kōsei Rōdō-shō"],
                Some("Japan's ministry for health and labour."),
            ),
            org(
                "itcilo",
                "International Training Centre of the ILO",
                Some("ITCILO"),
                &["Turin Centre"],
                Some("Training in Turín, Italy."),
            ),
            theme(
                "child-labour",
                "Child labour",
                Some("16020"),
                &["child labor"],
                Some("Work that deprives children of their childhood."),
            ),
            theme(
                "labour-statistics",
                "Labour statistics and survey capacity",
                None,
                &[],
                Some("Surveys of child labour and employment."),
            ),
            project(
                "lao-cl",
                "Assessing the Impact of COVID-19 on Child Labour in Lao People’s Democratic Republic",
                None,
                &[],
                Some("A rapid assessment."),
            ),
            country("CI", "CIV", "Côte d’Ivoire", &["Ivory Coast"]),
            country("TR", "TUR", "Türkiye", &["Turkey"]),
            outcome(
                "o1",
                "people_trained",
                "People trained in child labour monitoring",
                Some("Labour inspectors"),
            ),
            source(
                "s1",
                "ilo-report.pdf",
                "Child labour: global estimates 2020",
            ),
            region(
                "asia",
                "Asia and the Pacific",
                &["APAC"],
                Some("ILO regional office in Bangkok"),
            ),
            programme(
                "ipec",
                "International Programme on the Elimination of Child Labour",
                Some("IPEC"),
                &["IPEC+"],
                None,
            ),
        ]
    }

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(normalize("Côte d’Ivoire"), "cote d’ivoire");
        assert_eq!(normalize("TÜRKİYE"), "turkiye");
        assert_eq!(normalize("MHLW Kōsei"), "mhlw kosei");
        let w = words("Lao People’s Democratic Republic");
        assert_eq!(w, ["lao", "people", "s", "democratic", "republic"]);
        let es = sample();
        let idx = index(&es);
        for q in [
            "cote d'ivoire",
            "CÔTE",
            "côte d’Ivoire",
            "turkiye",
            "TÜRKİYE",
            "kosei rodo",
        ] {
            let hits = all(&idx, &es, q);
            assert!(!hits.is_empty(), "{q}");
        }
        assert_eq!(ids(&es, &all(&idx, &es, "TÜRKİYE")), ["TR"]);
    }

    #[test]
    fn prefixes_match_and_exact_words_beat_prefixes() {
        let es = vec![
            project("p1", "Waterway repair", None, &[], None),
            project("p2", "Water supply", None, &[], None),
            project("p3", "Wat Phnom restoration", None, &[], None),
        ];
        let idx = index(&es);
        // "wat" is a whole word of p3 only; all three start with it.
        assert_eq!(
            all(&idx, &es, "wat"),
            [(2, 10 * 2 + 5), (1, 10 + 5), (0, 10 + 5)]
        );
        // Exact "water" (p2) beats the prefix of "waterway" (p1); p3 does not match.
        assert_eq!(all(&idx, &es, "Water"), [(1, 20 + 5), (0, 10 + 5)]);
        assert!(all(&idx, &es, "waters").is_empty());
        assert!(all(&idx, &es, "water zebra").is_empty());
    }

    #[test]
    fn names_beat_descriptions_and_bonuses_apply() {
        let es = sample();
        let idx = index(&es);
        let r = reference::Reference::build(&es);
        // The acronym names the organisation: +20 on top of the whole-word alias score.
        let mhlw = all(&idx, &es, "MHLW");
        assert_eq!(ids(&es, &mhlw)[0], "mhlw");
        assert_eq!(mhlw[0].1, 8 * 2 + 20);
        // A label containing the query gets +5; a description match scores 2 x 2.
        let hits = all(&idx, &es, "child labour");
        assert_eq!(hits, r.search("child labour"));
        assert_eq!(ids(&es, &hits)[0], "child-labour");
        assert_eq!(
            hits[0].1,
            20 + 20 + 20,
            "label words x2 plus the whole name"
        );
        let survey = hits
            .iter()
            .find(|(n, _)| es[*n].id() == "labour-statistics")
            .unwrap();
        assert_eq!(survey.1, 4 + 20, "child only in the description");
        // The programme's label contains "child labour": +5.
        let ipec = hits.iter().find(|(n, _)| es[*n].id() == "ipec").unwrap();
        assert_eq!(ipec.1, 20 + 20 + 5);
        // A +5 inside a label word: the query matches p1 through its alias.
        let es2 = vec![
            project("p1", "Nonwater", None, &["water tank"], None),
            project("p2", "Drinking water", None, &[], None),
        ];
        let idx2 = index(&es2);
        assert_eq!(all(&idx2, &es2, "water"), [(1, 25), (0, 16 + 5)]);
    }

    #[test]
    fn a_checked_bonus_can_overtake_a_known_one_on_a_short_page() {
        let mut u = org("u", "Nonwater", None, &[], None);
        if let Entity::Organization(o) = &mut u {
            o.iati_id = Some("XM-water-1".into());
        }
        let es = vec![project("k", "Waterway", None, &[], None), u];
        let idx = index(&es);
        // k: label prefix 10, +5 known from the index. u: code word 12, and its label holds
        // "water" inside a word: +5 only the entity can tell.
        assert_eq!(all(&idx, &es, "water"), [(1, 17), (0, 15)]);
        let p = page(&idx, &es, "water", None, None, 1).unwrap();
        assert_eq!(
            p.hits,
            [SearchHit {
                node: NodeIndex::new(1),
                score: 17
            }]
        );
        let p = page(&idx, &es, "water", None, Some(1), 1).unwrap();
        assert_eq!(
            p.hits,
            [SearchHit {
                node: NodeIndex::new(0),
                score: 15
            }]
        );
        assert!(!p.has_next);
    }

    #[test]
    fn ties_go_by_folded_label_then_index() {
        let es = vec![
            project("p0", "b water", None, &[], None),
            project("p1", "A water", None, &[], None),
            project("p2", "Á water", None, &[], None),
            project("p3", "a water", None, &[], None),
        ];
        let idx = index(&es);
        // "a water", "a water", "a water" (1, 2, 3 by index), then "b water".
        assert_eq!(
            all(&idx, &es, "water"),
            [(1, 25), (2, 25), (3, 25), (0, 25)]
        );
        assert!(idx.label_rank(NodeIndex::new(1)) < idx.label_rank(NodeIndex::new(2)));
        assert_eq!(idx.label_rank(NodeIndex::new(0)), 3);
    }

    #[test]
    fn matches_needs_every_word_as_a_word_or_word_start() {
        let es = sample();
        let idx = index(&es);
        let r = reference::Reference::build(&es);
        let ilo = NodeIndex::new(0);
        assert!(idx.matches(ilo, "labour"));
        assert!(idx.matches(ilo, "LAB org"));
        assert!(idx.matches(ilo, "decent"), "descriptions count");
        assert!(!idx.matches(ilo, "abour"));
        assert!(!idx.matches(ilo, "labour health"));
        assert!(idx.matches(ilo, ""), "no words: every node");
        assert!(!idx.matches(NodeIndex::new(99), ""), "no node");
        for q in [
            "",
            "lab",
            "child labour",
            "côte",
            "tur",
            "ilo",
            "zzz",
            "s",
            "a b",
        ] {
            for n in 0..es.len() {
                assert_eq!(
                    idx.matches(NodeIndex::new(n), q),
                    r.matches(n, q),
                    "{q} {n}"
                );
            }
        }
    }

    #[test]
    fn pages_follow_one_big_page() {
        let es = sample();
        let idx = index(&es);
        for q in ["labour", "international", "child", "i", "l"] {
            let whole = all(&idx, &es, q);
            for first in 1..4 {
                let mut got = Vec::new();
                let mut after = None;
                loop {
                    let p = page(&idx, &es, q, None, after, first).unwrap();
                    assert_eq!(p.total, whole.len());
                    got.extend(p.hits.iter().map(|h| (h.node.index(), h.score)));
                    assert_eq!(p.has_next, got.len() < whole.len(), "{q} {first}");
                    match p.hits.last() {
                        Some(h) if p.has_next => after = Some(h.node.index()),
                        _ => break,
                    }
                }
                assert_eq!(got, whole, "{q} {first}");
            }
            let p = page(&idx, &es, q, None, None, 0).unwrap();
            assert!(p.hits.is_empty());
            assert_eq!(p.has_next, !whole.is_empty());
        }
        // A cursor that is not a hit.
        let not_hit = (0..es.len()).find(|n| !idx.matches(NodeIndex::new(*n), "labour"));
        assert_eq!(page(&idx, &es, "labour", None, not_hit, 5), Err(NotAHit));
        assert_eq!(page(&idx, &es, "zzz", None, Some(0), 5), Err(NotAHit));
        assert_eq!(page(&idx, &es, "!!", None, Some(0), 5), Err(NotAHit));
        assert_eq!(page(&idx, &es, "labour", None, Some(1000), 5), Err(NotAHit));
    }

    #[test]
    fn kinds_filter_hits_and_total() {
        let es = sample();
        let idx = index(&es);
        let r = reference::Reference::build(&es);
        let themes = [EntityKind::Theme];
        let p = page(&idx, &es, "labour", Some(&themes), None, 1).unwrap();
        let want: Vec<(usize, u32)> = r
            .search("labour")
            .into_iter()
            .filter(|(n, _)| es[*n].kind() == EntityKind::Theme)
            .collect();
        assert_eq!(p.total, want.len());
        assert_eq!(p.total, 2);
        assert_eq!(
            p.hits,
            [SearchHit {
                node: NodeIndex::new(want[0].0),
                score: want[0].1
            }]
        );
        assert!(p.has_next);
        let p = page(&idx, &es, "labour", Some(&[]), None, 10).unwrap();
        assert_eq!((p.total, p.hits.len()), (0, 0));
        // A cursor of another kind is not a hit of the filtered search.
        let org = [EntityKind::Organization];
        assert_eq!(
            page(&idx, &es, "labour", Some(&org), Some(3), 5),
            Err(NotAHit)
        );
    }

    #[test]
    fn round_trips_through_serde() {
        let es = sample();
        let idx = index(&es);
        let json = serde_json::to_string(&idx).unwrap();
        let back: SearchIndex = serde_json::from_str(&json).unwrap();
        back.validate().unwrap();
        assert_eq!(back.heap_bytes(), idx.heap_bytes());
        for q in ["labour", "child labour", "MHLW", "côte", "int", "x"] {
            assert_eq!(all(&back, &es, q), all(&idx, &es, q), "{q}");
        }
    }

    #[test]
    fn validate_rejects_damage() {
        let es = sample();
        let mut idx = index(&es);
        idx.validate().unwrap();
        assert!(idx.fits(es.len()) && !idx.fits(es.len() + 1));
        let last = idx.postings.len() - 1;
        idx.postings[last] |= 0x80;
        assert!(idx.validate().is_err());
        let mut idx = index(&es);
        idx.label_rank[0] = idx.label_rank[1];
        assert!(idx.validate().is_err());
        let mut idx = index(&es);
        idx.kinds[0] = 200;
        assert!(idx.validate().is_err());
    }

    #[test]
    fn nodes_left_out_have_no_text() {
        let es = sample();
        let idx = SearchIndex::build(
            es.iter()
                .enumerate()
                .skip(1)
                .map(|(i, e)| (NodeIndex::new(i), e)),
            es.len() + 2,
        );
        idx.validate().unwrap();
        assert!(!idx.matches(NodeIndex::new(0), "labour"));
        assert!(
            idx.matches(NodeIndex::new(es.len() + 1), ""),
            "a hole: no words to miss"
        );
        assert!(!idx.matches(NodeIndex::new(es.len() + 2), ""));
        assert_eq!(idx.label_rank(NodeIndex::new(0)), 0, "no label sorts first");
        let es2: Vec<Entity> = es.iter().cloned().chain(es[..2].iter().cloned()).collect();
        assert!(
            all(&idx, &es2, "international")
                .iter()
                .all(|(n, _)| *n != 0)
        );
    }

    /// Many nodes: the byte-per-node merge of long prefix ranges and both intersections.
    #[test]
    fn large_sets_agree_with_the_reference() {
        let words = [
            "water", "wat", "waterway", "kenya", "health", "care", "child", "labour",
        ];
        let es: Vec<Entity> = (0..6000)
            .map(|i| {
                let title = format!(
                    "{} {} {}{}",
                    words[i % 8],
                    words[(i / 8) % 8],
                    words[(i / 64) % 8],
                    i % 7
                );
                let desc = format!("{} report", words[(i / 3) % 8]);
                project(&format!("p{i}"), &title, None, &[], Some(&desc))
            })
            .collect();
        let idx = index(&es);
        let r = reference::Reference::build(&es);
        for q in [
            "w",
            "wat",
            "water kenya",
            "c",
            "health care",
            "labour0",
            "k w c",
            "report",
        ] {
            let want = r.search(q);
            for force in [Some(true), Some(false), None] {
                FORCE_POSTINGS.set(force);
                FORCE_DENSE.set(force);
                assert_eq!(all(&idx, &es, q), want, "{q} {force:?}");
                let p = page(&idx, &es, q, None, None, 20).unwrap();
                let top: Vec<(usize, u32)> =
                    p.hits.iter().map(|h| (h.node.index(), h.score)).collect();
                assert_eq!(top, want[..want.len().min(20)]);
            }
        }
        FORCE_POSTINGS.set(None);
        FORCE_DENSE.set(None);
    }

    // Random small data sets and queries against the reference.

    const VOCAB: &[&str] = &[
        "water",
        "Water",
        "wat",
        "waterway",
        "WATERS",
        "kenya",
        "Kenya",
        "Côte",
        "cote",
        "d’Ivoire",
        "health",
        "healthcare",
        "Health-care",
        "UNICEF",
        "unicef",
        "child",
        "labour",
        "labor",
        "aid",
        "a",
        "ai",
        "x-1",
        "réseau",
        "reseau",
        "TÜRKİYE",
        "turkiye",
        "Σοφία",
        "σοφια",
        "ǅemal",
        "straße",
        "strengthening",
        "strengthened",
        "\0",
        "a\0b",
        "e\u{301}\u{327}t\u{e9}",
        "ÉCOLE",
        "ﬁsh",
        "2020",
        "b2b",
    ];
    const SEPS: &[&str] = &[" ", " ", " ", "-", ", ", "’", "/", "  ", " (", ") ", "."];

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec((0..VOCAB.len(), 0..SEPS.len()), 1..5).prop_map(|parts| {
            let mut s = String::new();
            for (i, (w, sep)) in parts.iter().enumerate() {
                if i > 0 {
                    s.push_str(SEPS[*sep]);
                }
                s.push_str(VOCAB[*w]);
            }
            s
        })
    }

    fn entity() -> impl Strategy<Value = Entity> {
        (
            0..8usize,
            text(),
            prop::option::of(text()),
            prop::collection::vec(text(), 0..3),
            prop::option::of(text()),
        )
            .prop_map(|(kind, label, short, aliases, desc)| {
                let a: Vec<&str> = aliases.iter().map(String::as_str).collect();
                let (s, d) = (short.as_deref(), desc.as_deref());
                match kind {
                    0 => org("o", &label, s, &a, d),
                    1 => project("p", &label, s, &a, d),
                    2 => programme("g", &label, s, &a, d),
                    3 => country(s.unwrap_or("KE"), d.unwrap_or("KEN"), &label, &a),
                    4 => region("r", &label, &a, d),
                    5 => theme("t", &label, s, &a, d),
                    6 => outcome("u", s.unwrap_or("metric"), &label, d),
                    _ => source("s", s.unwrap_or("file.pdf"), &label),
                }
            })
    }

    /// A query: some vocabulary words or prefixes, or a name, label or label piece of an
    /// entity (for the bonuses), with or without punctuation around.
    fn query(n: usize) -> impl Strategy<Value = (usize, usize, usize, String, usize)> {
        (0..5usize, 0..n.max(1), 0..64usize, text(), 0..SEPS.len())
    }

    fn make_query(
        es: &[Entity],
        r: &reference::Reference,
        q: &(usize, usize, usize, String, usize),
    ) -> String {
        let (how, node, cut, text, sep) = q;
        let label = es.get(*node).map_or("water", |e| e.label());
        let folded = es.get(*node).map_or("water", |_| r.folded_label(*node));
        match how {
            0 => text.clone(),
            1 => {
                // A prefix of some words.
                let cut = (*cut).min(text.chars().count()).max(1);
                text.chars().take(cut).collect()
            }
            2 => label.to_string(),
            3 => {
                // A piece of the folded label.
                let chars: Vec<char> = folded.chars().collect();
                let a = cut % chars.len().max(1);
                let b = (a + 1 + cut / 3).min(chars.len());
                chars[a..b].iter().collect()
            }
            _ => format!("{}{}{}", SEPS[*sep], text, SEPS[*sep]),
        }
    }

    fn check_against_reference(es: &[Entity], queries: &[String], kinds_mask: u8, first: usize) {
        let idx = index(es);
        idx.validate().unwrap();
        let r = reference::Reference::build(es);
        let mut by_label: Vec<usize> = (0..es.len()).collect();
        by_label.sort_by(|a, b| r.folded_label(*a).cmp(r.folded_label(*b)).then(a.cmp(b)));
        for (rank, n) in by_label.iter().enumerate() {
            assert_eq!(idx.label_rank(NodeIndex::new(*n)) as usize, rank);
        }
        let kinds: Vec<EntityKind> = EntityKind::ALL
            .iter()
            .enumerate()
            .filter(|(i, _)| kinds_mask >> i & 1 == 1)
            .map(|(_, k)| *k)
            .collect();
        for q in queries {
            let want = r.search(q);
            assert_eq!(all(&idx, es, q), want, "query {q:?}");
            let want_kind: Vec<(usize, u32)> = want
                .iter()
                .copied()
                .filter(|(n, _)| kinds.contains(&es[*n].kind()))
                .collect();
            // Pages of `first` after every possible cursor.
            let mut cursors: Vec<Option<usize>> = vec![None];
            cursors.extend(want_kind.iter().map(|(n, _)| Some(*n)));
            for (pos, after) in cursors.iter().enumerate() {
                let p = page(&idx, es, q, Some(&kinds), *after, first).unwrap();
                let got: Vec<(usize, u32)> =
                    p.hits.iter().map(|h| (h.node.index(), h.score)).collect();
                let rest = &want_kind[pos..];
                assert_eq!(
                    got,
                    rest[..rest.len().min(first)],
                    "query {q:?} after {after:?}"
                );
                assert_eq!(p.total, want_kind.len());
                assert_eq!(p.has_next, rest.len() > first);
            }
            for n in 0..es.len() {
                if !want_kind.iter().any(|(m, _)| *m == n) {
                    assert_eq!(
                        page(&idx, es, q, Some(&kinds), Some(n), first),
                        Err(NotAHit)
                    );
                }
                assert_eq!(
                    idx.matches(NodeIndex::new(n), q),
                    r.matches(n, q),
                    "matches {q:?} {n}"
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn agrees_with_the_reference(
            es in prop::collection::vec(entity(), 0..12),
            qs in prop::collection::vec(query(12), 1..6),
            kinds_mask in any::<u8>(),
            first in 1..5usize,
            force in prop::option::of(any::<bool>()),
            dense in prop::option::of(any::<bool>()),
        ) {
            FORCE_POSTINGS.set(force);
            FORCE_DENSE.set(dense);
            let r = reference::Reference::build(&es);
            let queries: Vec<String> = qs.iter().map(|q| make_query(&es, &r, q)).collect();
            check_against_reference(&es, &queries, kinds_mask, first);
            FORCE_POSTINGS.set(None);
            FORCE_DENSE.set(None);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// The stored-label check is a substring search of the folded label.
        #[test]
        fn label_check_is_a_substring_search(
            es in prop::collection::vec(entity(), 1..6),
            cuts in prop::collection::vec((0..6usize, 0..80usize, 0..80usize, 0..SEPS.len(), 0..4usize), 1..12),
            other in prop::collection::vec(text(), 1..4),
        ) {
            let idx = index(&es);
            let r = reference::Reference::build(&es);
            let mut label = Label::default();
            for (n, a, b, sep, how) in cuts {
                let n = n % es.len();
                let chars: Vec<char> = r.folded_label(n).chars().collect();
                let (a, b) = (a % (chars.len() + 1), b % (chars.len() + 1));
                let piece: String = chars[a.min(b)..a.max(b)].iter().collect();
                let q = match how {
                    0 => piece,
                    1 => format!("{piece}{}", SEPS[sep]),
                    2 => format!("{}{piece}", SEPS[sep]),
                    _ => other[sep % other.len()].clone(),
                };
                let folded = normalize(q.trim());
                let p = idx.phrase(&folded);
                if p.words.is_empty() {
                    continue;
                }
                for m in 0..es.len() {
                    let want = r.folded_label(m).contains(folded.as_str());
                    prop_assert_eq!(idx.label_contains(m as u32, &p, &mut label), want, "{:?} in {:?}", folded, r.folded_label(m));
                }
            }
        }
    }

    proptest! {
        /// Folding ASCII runs apart from the rest equals NFD over the whole text.
        #[test]
        fn folding_by_runs_equals_folding_the_whole(
            parts in prop::collection::vec(
                prop_oneof![
                    any::<String>(),
                    "[a-zA-Z ,.-]{0,6}",
                    prop::sample::select(vec![
                        "\u{301}", "\u{327}\u{301}", "É", "İ", "ﬁ", "한국", "ẞ", "Σ", "\u{344}",
                        "e\u{301}", "\u{1100}\u{1161}", "Ǆ", "Å", "\u{0f73}", "\u{2126}",
                    ]).prop_map(str::to_string),
                ],
                0..8,
            ),
        ) {
            let text: String = parts.concat();
            let whole: String = text
                .nfd()
                .filter(|c| !is_combining_mark(*c))
                .flat_map(char::to_lowercase)
                .collect();
            prop_assert_eq!(normalize(&text), whole);
        }
    }

    #[test]
    fn hash_is_fixed() {
        // Stored indexes bucket names by it: a change here needs a new snapshot format.
        assert_eq!(hash(b"child labour"), 0x3efd_10fc_0ef0_bbcf);
        assert_ne!(hash(b"abcdefgh"), hash(b"abcdefgh\0"));
    }
}
