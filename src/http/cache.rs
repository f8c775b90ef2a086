//! Two caches in front of GraphQL execution, both bounded by entries and bytes, least
//! recently used out, and sharded (a hash picks one of [`SHARDS`] independently locked
//! shards, so concurrent requests rarely wait on the same lock):
//!
//! - [`ResponseCache`]: whole response bodies of GET queries and automatic persisted queries,
//!   keyed by the data being served (graph content version and status, see [`data_key`]),
//!   the response media type and the operation (document text or APQ hash, operation name,
//!   variables in canonical form). Only successful answers (200, no `errors`) are stored. A
//!   reload changes the data key, so an entry made before it is never served after it; the
//!   first request on new data drops the old entries ([`ResponseCache::retire`]).
//! - [`DocumentCache`]: parsed documents that passed [`precheck`](crate::api::limits::precheck),
//!   keyed by their text, so a document is parsed once however many variable sets it runs
//!   with. The limits that depend on variables (page sizes, complexity) are still checked on
//!   every request.
//!
//! A key is stored in full beside its 64-bit hash and compared on every hit: two keys with
//! the same hash never share an entry.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;

use super::validated::Prepared;

use crate::live::Served;

/// Independently locked shards per cache.
pub const SHARDS: usize = 16;

/// A HashMap keyed by a hash already computed: the identity "hasher".
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; fold anything else in for safety.
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

struct Slot<V> {
    key: Box<[u8]>,
    value: V,
    weight: usize,
    used: u64,
}

struct Shard<V> {
    slots: HashMap<u64, Slot<V>, BuildHasherDefault<Prehashed>>,
    /// Last use -> key hash, oldest first.
    by_use: BTreeMap<u64, u64>,
    clock: u64,
    bytes: usize,
}

impl<V> Default for Shard<V> {
    fn default() -> Self {
        Shard {
            slots: HashMap::default(),
            by_use: BTreeMap::new(),
            clock: 0,
            bytes: 0,
        }
    }
}

impl<V> Shard<V> {
    fn remove(&mut self, hash: u64) -> Option<Slot<V>> {
        let slot = self.slots.remove(&hash)?;
        self.by_use.remove(&slot.used);
        self.bytes -= slot.weight;
        Some(slot)
    }
}

/// Counters shown in `/metrics`.
#[derive(Default)]
pub struct CacheStats {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    pub inserts: AtomicU64,
    pub evictions: AtomicU64,
}

/// What [`Lru::snapshot`] reports.
pub struct Usage {
    pub entries: usize,
    pub bytes: usize,
}

/// A sharded LRU map from byte-string keys to `V`, bounded by entries and by weight.
struct Lru<V> {
    shards: Box<[Mutex<Shard<V>>]>,
    max_entries: usize,
    max_bytes: usize,
    stats: CacheStats,
}

/// A key's hash: foldhash, seeded at random once per process, so that nobody outside can
/// aim keys at one slot (a collision only costs a miss: hits compare the whole key).
/// SipHash took about 5% of the server's CPU on a cached GET with a kilobyte-long URL.
fn hash_key(key: &[u8]) -> u64 {
    static STATE: std::sync::LazyLock<foldhash::fast::RandomState> =
        std::sync::LazyLock::new(foldhash::fast::RandomState::default);
    STATE.hash_one(key)
}

impl<V: Clone> Lru<V> {
    /// At most `max_entries` entries and `max_bytes` of weight in all (each shard holds a
    /// [`SHARDS`]th of both, rounded up); 0 entries turns the map off.
    fn new(max_entries: usize, max_bytes: usize) -> Self {
        Lru {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            max_entries: max_entries.div_ceil(SHARDS),
            max_bytes: max_bytes.div_ceil(SHARDS),
            stats: CacheStats::default(),
        }
    }

    fn enabled(&self) -> bool {
        self.max_entries > 0 && self.max_bytes > 0
    }

    fn shard(&self, hash: u64) -> MutexGuard<'_, Shard<V>> {
        // The top bits pick the shard; the map uses all of them.
        let i = (hash >> 58) as usize % SHARDS;
        self.shards[i].lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value under `key`, marked as just used; a miss is counted only if `count_miss`.
    fn get(&self, key: &[u8], count_miss: bool) -> Option<V> {
        if !self.enabled() {
            return None;
        }
        let hash = hash_key(key);
        let mut shard = self.shard(hash);
        shard.clock += 1;
        let now = shard.clock;
        let found = match shard.slots.get_mut(&hash) {
            Some(slot) if *slot.key == *key => {
                let before = std::mem::replace(&mut slot.used, now);
                Some((slot.value.clone(), before))
            }
            _ => None,
        };
        match found {
            Some((value, before)) => {
                shard.by_use.remove(&before);
                shard.by_use.insert(now, hash);
                drop(shard);
                self.stats.hits.fetch_add(1, Ordering::Relaxed);
                Some(value)
            }
            None => {
                drop(shard);
                if count_miss {
                    self.stats.misses.fetch_add(1, Ordering::Relaxed);
                }
                None
            }
        }
    }

    /// Stores `value` under `key` with `weight` (the key's length is added), evicting the
    /// least recently used entries of its shard past the bounds. A value heavier than a
    /// shard's share of the bytes is not stored.
    fn put(&self, key: &[u8], value: V, weight: usize) {
        let weight = weight + key.len();
        if !self.enabled() || weight > self.max_bytes {
            return;
        }
        let hash = hash_key(key);
        let mut shard = self.shard(hash);
        shard.remove(hash);
        shard.clock += 1;
        let now = shard.clock;
        shard.slots.insert(
            hash,
            Slot {
                key: key.into(),
                value,
                weight,
                used: now,
            },
        );
        shard.by_use.insert(now, hash);
        shard.bytes += weight;
        let mut evicted = 0;
        while shard.slots.len() > self.max_entries || shard.bytes > self.max_bytes {
            let Some((_, oldest)) = shard.by_use.pop_first() else {
                break;
            };
            if let Some(slot) = shard.slots.remove(&oldest) {
                shard.bytes -= slot.weight;
                evicted += 1;
            }
        }
        drop(shard);
        self.stats.inserts.fetch_add(1, Ordering::Relaxed);
        self.stats.evictions.fetch_add(evicted, Ordering::Relaxed);
    }

    /// Drops every entry whose key does not start with `prefix`; returns how many.
    fn retain_prefix(&self, prefix: &[u8]) -> u64 {
        let mut dropped = 0;
        for shard in self.shards.iter() {
            let mut shard = shard.lock().unwrap_or_else(|e| e.into_inner());
            let stale: Vec<u64> = shard
                .slots
                .iter()
                .filter(|(_, s)| !s.key.starts_with(prefix))
                .map(|(h, _)| *h)
                .collect();
            for h in stale {
                shard.remove(h);
                dropped += 1;
            }
        }
        self.stats.evictions.fetch_add(dropped, Ordering::Relaxed);
        dropped
    }

    fn usage(&self) -> Usage {
        let mut u = Usage {
            entries: 0,
            bytes: 0,
        };
        for shard in self.shards.iter() {
            let shard = shard.lock().unwrap_or_else(|e| e.into_inner());
            u.entries += shard.slots.len();
            u.bytes += shard.bytes;
        }
        u
    }
}

/// The part of every response-cache key that names the data being served: the graph's
/// content version, and the status a `dataStatus` query reads (load and attempt times,
/// reload counts), which a refused reload changes without changing the graph.
pub fn data_key(served: &Served) -> Vec<u8> {
    let s = &served.status;
    let nanos = |t: std::time::SystemTime| {
        t.duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    };
    let mut key = Vec::with_capacity(s.version.len() + 64);
    key.extend_from_slice(&(s.version.len() as u64).to_le_bytes());
    key.extend_from_slice(s.version.as_bytes());
    key.extend_from_slice(&nanos(s.loaded_at).to_le_bytes());
    key.extend_from_slice(&nanos(s.last_attempt_at).to_le_bytes());
    key.extend_from_slice(&s.reloads.to_le_bytes());
    key.extend_from_slice(&s.failed_reloads.to_le_bytes());
    key.extend_from_slice(&(s.problems.len() as u64).to_le_bytes());
    key
}

/// Builds a response-cache key: the data key, then length-prefixed parts.
pub struct KeyBuilder(Vec<u8>);

impl KeyBuilder {
    /// A key starting with `data_key`, with room for `parts` more bytes of parts.
    pub fn new(data_key: &[u8], parts: usize) -> Self {
        let mut v = Vec::with_capacity(data_key.len() + parts + 32);
        v.extend_from_slice(data_key);
        KeyBuilder(v)
    }

    pub fn part(mut self, bytes: &[u8]) -> Self {
        self.0
            .extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        self.0.extend_from_slice(bytes);
        self
    }

    pub fn finish(self) -> Vec<u8> {
        self.0
    }
}

/// A cached answer: its body, its operation's name for the metrics and the access log, and,
/// under a GET's URL, that URL's ETag (so that a repeated GET is answered without hashing
/// its URL again).
#[derive(Clone)]
pub struct Answer {
    pub body: Bytes,
    pub operation: Arc<str>,
    pub etag: Option<axum::http::HeaderValue>,
}

/// Response bodies of GET queries and persisted queries.
pub struct ResponseCache {
    lru: Lru<Answer>,
    /// The hash of the data key entries are being made for (checked without a lock)...
    current_hash: AtomicU64,
    /// ...and the key itself; a request on other data retires the rest.
    current: Mutex<Vec<u8>>,
}

impl ResponseCache {
    pub fn new(max_entries: usize, max_bytes: usize) -> Self {
        ResponseCache {
            lru: Lru::new(max_entries, max_bytes),
            current_hash: AtomicU64::new(0),
            current: Mutex::new(Vec::new()),
        }
    }

    pub fn enabled(&self) -> bool {
        self.lru.enabled()
    }

    pub fn get(&self, key: &[u8]) -> Option<Answer> {
        self.lru.get(key, true)
    }

    /// A first look under another key for the same answers (a GET's URL as sent): a hit
    /// counts, a miss does not (the look-up under the main key follows).
    pub fn probe(&self, key: &[u8]) -> Option<Answer> {
        self.lru.get(key, false)
    }

    pub fn put(&self, key: &[u8], answer: Answer) {
        let weight = answer.body.len() + answer.operation.len();
        self.lru.put(key, answer, weight);
    }

    /// Called with the data key of the graph now being served (`live.current()`, not an
    /// older snapshot a slow request still holds): on a change, drops every entry made for
    /// other data. One atomic load when nothing changed.
    pub fn retire(&self, data_key: &[u8]) {
        if !self.enabled() {
            return;
        }
        let hash = hash_key(data_key);
        if self.current_hash.load(Ordering::Acquire) == hash {
            return;
        }
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if *current != data_key {
            self.current_hash.store(hash, Ordering::Release);
            current.clear();
            current.extend_from_slice(data_key);
            drop(current);
            let dropped = self.lru.retain_prefix(data_key);
            if dropped > 0 {
                tracing::debug!(dropped, "response cache: new data, older answers dropped");
            }
        }
    }

    pub fn stats(&self) -> &CacheStats {
        &self.lru.stats
    }

    pub fn usage(&self) -> Usage {
        self.lru.usage()
    }
}

/// Parsed documents by their text.
pub struct DocumentCache {
    lru: Lru<Arc<Prepared>>,
}

impl DocumentCache {
    pub fn new(max_entries: usize, max_bytes: usize) -> Self {
        DocumentCache {
            lru: Lru::new(max_entries, max_bytes),
        }
    }

    pub fn get(&self, text: &str) -> Option<Arc<Prepared>> {
        self.lru.get(text.as_bytes(), true)
    }

    /// Stores `doc`, weighed at [`Prepared::weight`] (an upper bound of its size).
    pub fn put(&self, text: &str, doc: Arc<Prepared>) {
        let weight = doc.weight;
        self.lru.put(text.as_bytes(), doc, weight);
    }

    pub fn stats(&self) -> &CacheStats {
        &self.lru.stats
    }

    pub fn usage(&self) -> Usage {
        self.lru.usage()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_recently_used_goes_first_within_entries_and_bytes() {
        // One shard's share: 1 entry... use enough entries for every shard.
        let lru: Lru<u32> = Lru::new(SHARDS, SHARDS * 100);
        for i in 0..(SHARDS as u32 * 4) {
            lru.put(format!("k{i}").as_bytes(), i, 10);
        }
        let u = lru.usage();
        assert!(u.entries <= SHARDS, "{} entries", u.entries);
        // The last key written is always there: it was just used.
        let last = SHARDS as u32 * 4 - 1;
        assert_eq!(lru.get(format!("k{last}").as_bytes(), true), Some(last));
        assert!(lru.stats.evictions.load(Ordering::Relaxed) > 0);

        let heavy: Lru<u32> = Lru::new(1000, SHARDS * 50);
        heavy.put(b"big", 1, 100);
        assert_eq!(
            heavy.get(b"big", true),
            None,
            "heavier than a shard's bytes"
        );
        assert_eq!(heavy.stats.misses.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn a_hit_needs_the_whole_key_and_refreshes_the_entry() {
        let lru: Lru<&str> = Lru::new(SHARDS * 2, 1 << 20);
        lru.put(b"a", "A", 1);
        assert_eq!(lru.get(b"a", true), Some("A"));
        assert_eq!(lru.get(b"ab", false), None);
        assert_eq!(
            lru.stats.misses.load(Ordering::Relaxed),
            0,
            "a probe's miss"
        );
        lru.put(b"a", "A2", 1);
        assert_eq!(lru.get(b"a", true), Some("A2"), "a put replaces");
        assert_eq!(lru.usage().entries, 1);
    }

    #[test]
    fn retiring_keeps_only_the_current_data() {
        let answer = |b: &'static [u8]| Answer {
            etag: None,
            body: Bytes::from_static(b),
            operation: "op".into(),
        };
        let cache = ResponseCache::new(100, 1 << 20);
        let old = KeyBuilder::new(b"v1", 1).part(b"q").finish();
        let new = KeyBuilder::new(b"v2", 1).part(b"q").finish();
        cache.retire(b"v1");
        cache.put(&old, answer(b"old"));
        cache.retire(b"v2");
        assert!(cache.get(&old).is_none());
        cache.put(&new, answer(b"new"));
        cache.retire(b"v2");
        assert_eq!(
            cache.get(&new).map(|a| a.body).as_deref(),
            Some(&b"new"[..])
        );
        assert_eq!(cache.usage().entries, 1);
    }

    #[test]
    fn key_parts_cannot_run_into_each_other() {
        let a = KeyBuilder::new(b"d", 3).part(b"ab").part(b"c").finish();
        let b = KeyBuilder::new(b"d", 3).part(b"a").part(b"bc").finish();
        assert_ne!(a, b);
    }

    #[test]
    fn off_means_nothing_is_kept() {
        let cache = ResponseCache::new(0, 1 << 20);
        assert!(!cache.enabled());
        cache.put(
            b"k",
            Answer {
                etag: None,
                body: Bytes::from_static(b"x"),
                operation: "op".into(),
            },
        );
        assert!(cache.get(b"k").is_none());
    }
}
