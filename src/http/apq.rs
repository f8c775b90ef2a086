//! Automatic persisted queries, Apollo's protocol: a client sends
//! `extensions.persistedQuery = {"version": 1, "sha256Hash": "<hex>"}` without the query; if
//! the server knows the hash it runs the stored query, else it answers
//! `PERSISTED_QUERY_NOT_FOUND` and the client sends query and hash together, which the server
//! checks and stores. Over GET this turns long URLs into short, cacheable ones.
//!
//! The store is bounded by entries and by bytes, least recently used first out; it holds
//! only documents that parsed and passed the limits.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

/// The hex SHA-256 of a document, as APQ clients compute it.
pub fn sha256_hex(query: &str) -> String {
    let digest = Sha256::digest(query.as_bytes());
    let mut hex = String::with_capacity(64);
    for b in digest {
        use std::fmt::Write;
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

#[derive(Default)]
struct Inner {
    /// Hash -> (document, last use).
    docs: HashMap<String, (std::sync::Arc<str>, u64)>,
    /// Last use -> hash, oldest first.
    by_use: BTreeMap<u64, String>,
    clock: u64,
    bytes: usize,
}

/// The persisted-query store.
pub struct Apq {
    inner: Mutex<Inner>,
    max_entries: usize,
    max_bytes: usize,
}

impl Apq {
    /// A store of at most `max_entries` documents and `max_bytes` of text; 0 entries turns
    /// persisted queries off.
    pub fn new(max_entries: usize, max_bytes: usize) -> Apq {
        Apq {
            inner: Mutex::default(),
            max_entries,
            max_bytes,
        }
    }

    pub fn enabled(&self) -> bool {
        self.max_entries > 0
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The document stored under `hash`, marked as just used.
    pub fn get(&self, hash: &str) -> Option<std::sync::Arc<str>> {
        let mut g = self.inner();
        g.clock += 1;
        let now = g.clock;
        let (doc, used) = g.docs.get_mut(hash)?;
        let (doc, before) = (doc.clone(), std::mem::replace(used, now));
        g.by_use.remove(&before);
        g.by_use.insert(now, hash.to_string());
        Some(doc)
    }

    /// Stores `query` under `hash` (already checked to match), evicting the least recently
    /// used documents past the bounds.
    pub fn put(&self, hash: &str, query: &str) {
        if !self.enabled() || query.len() > self.max_bytes {
            return;
        }
        if self.get(hash).is_some() {
            return;
        }
        let mut g = self.inner();
        g.clock += 1;
        let now = g.clock;
        g.docs.insert(hash.to_string(), (query.into(), now));
        g.by_use.insert(now, hash.to_string());
        g.bytes += query.len();
        while g.docs.len() > self.max_entries || g.bytes > self.max_bytes {
            let Some((_, oldest)) = g.by_use.pop_first() else {
                break;
            };
            if let Some((doc, _)) = g.docs.remove(&oldest) {
                g.bytes -= doc.len();
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner().docs.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_the_hex_sha256_clients_send() {
        // Apollo's docs: sha256("{__typename}")
        assert_eq!(
            sha256_hex("{__typename}"),
            "ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38"
        );
    }

    #[test]
    fn least_recently_used_goes_first_and_bytes_are_bounded() {
        let apq = Apq::new(2, 1000);
        apq.put("a", "{a}");
        apq.put("b", "{b}");
        assert!(apq.get("a").is_some()); // a is now newer than b
        apq.put("c", "{c}");
        assert!(apq.get("b").is_none());
        assert_eq!(apq.get("a").as_deref(), Some("{a}"));
        assert_eq!(apq.len(), 2);

        let small = Apq::new(100, 10);
        small.put("x", "{xxxxxx}");
        small.put("y", "{yyyyyy}");
        assert_eq!(small.len(), 1, "16 bytes do not fit in 10");
        assert!(small.get("y").is_some());
        small.put("big", "{this is longer than ten}");
        assert!(small.get("big").is_none());
    }
}
