//! `/metrics` in the Prometheus text format (version 0.0.4), written by hand: a few counters,
//! one latency histogram per GraphQL operation name, and gauges of the data being served.
//!
//! Labels that clients control are bounded: operation names must be GraphQL names of at most
//! 64 characters, and past [`MAX_OPERATIONS`] distinct names new ones count as `other`, so a
//! scanner cannot grow the registry without bound.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, RwLock};
use std::time::Duration;

use axum::http::Method;

use super::cache::{CacheStats, Usage};
use crate::live::Served;

/// Distinct operation names tracked before the rest count as `other`.
pub const MAX_OPERATIONS: usize = 200;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// A latency histogram updated with atomics only.
#[derive(Default)]
struct Histogram {
    counts: [AtomicU64; BUCKETS.len()],
    sum_nanos: AtomicU64,
    count: AtomicU64,
}

impl Histogram {
    fn observe(&self, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            self.counts[i].fetch_add(1, Ordering::Relaxed);
        }
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        self.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }
}

/// The routes counted without a lock; any other route string goes to a locked map.
const ROUTES: [&str; 8] = [
    "/graphql",
    "/export/{format}",
    "/",
    "/graphiql/{file}",
    "/healthz",
    "/readyz",
    "/metrics",
    "unmatched",
];

/// The methods counted without a lock (the standard ones).
const METHODS: [Method; 9] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::DELETE,
    Method::OPTIONS,
    Method::PATCH,
    Method::TRACE,
    Method::CONNECT,
];

/// Statuses 100 to 599, one counter each.
const STATUSES: usize = 500;

/// HTTP answers by (route, method, status): a row of atomic counters per known route and
/// method, made on first use; anything else (a route added later, an extension method)
/// in a locked map.
struct HttpCounters {
    rows: Box<[OnceLock<Box<[AtomicU64]>>]>,
    other: Mutex<BTreeMap<(String, String, u16), u64>>,
}

impl Default for HttpCounters {
    fn default() -> Self {
        HttpCounters {
            rows: (0..ROUTES.len() * METHODS.len())
                .map(|_| OnceLock::new())
                .collect(),
            other: Mutex::default(),
        }
    }
}

impl HttpCounters {
    fn add(&self, route: &str, method: &Method, status: u16) {
        let r = ROUTES.iter().position(|r| *r == route);
        let m = METHODS.iter().position(|m| m == method);
        let s = usize::from(status)
            .checked_sub(100)
            .filter(|s| *s < STATUSES);
        if let (Some(r), Some(m), Some(s)) = (r, m, s) {
            let row = self.rows[r * METHODS.len() + m]
                .get_or_init(|| (0..STATUSES).map(|_| AtomicU64::new(0)).collect());
            row[s].fetch_add(1, Ordering::Relaxed);
        } else {
            let mut other = self.other.lock().unwrap_or_else(|e| e.into_inner());
            *other
                .entry((route.to_string(), method.as_str().to_string(), status))
                .or_default() += 1;
        }
    }

    /// Every non-zero counter, sorted.
    fn all(&self) -> BTreeMap<(String, String, u16), u64> {
        let mut all = self.other.lock().unwrap_or_else(|e| e.into_inner()).clone();
        for (i, row) in self.rows.iter().enumerate() {
            let Some(row) = row.get() else { continue };
            let (route, method) = (ROUTES[i / METHODS.len()], &METHODS[i % METHODS.len()]);
            for (s, n) in row.iter().enumerate() {
                let n = n.load(Ordering::Relaxed);
                if n > 0 {
                    let status = u16::try_from(s + 100).unwrap_or(u16::MAX);
                    *all.entry((route.to_string(), method.as_str().to_string(), status))
                        .or_default() += n;
                }
            }
        }
        all
    }
}

/// The server's counters. Answering a request touches atomics and, for its operation's
/// histogram, a read lock; only a new operation name or an error code takes a lock for
/// writing.
#[derive(Default)]
pub struct Metrics {
    http: HttpCounters,
    /// Operation name -> latency histogram.
    graphql: RwLock<HashMap<Box<str>, Histogram>>,
    /// Error code -> count.
    errors: Mutex<BTreeMap<String, u64>>,
    in_flight: AtomicI64,
    /// Documents validated in full, and requests that skipped it (`validated.rs`).
    validations: [AtomicU64; 2],
    /// Requests answered by a plan, and by async-graphql (`api::plan`).
    executors: [AtomicU64; 2],
}

/// A cache's figures for `/metrics`.
pub struct CacheReport<'a> {
    /// The metric name's middle part: `response_cache`, `document_cache`.
    pub name: &'static str,
    pub what: &'static str,
    pub stats: &'a CacheStats,
    pub usage: Usage,
}

/// A GraphQL request's name for metrics and logs.
pub fn operation_label(name: Option<&str>) -> std::borrow::Cow<'static, str> {
    match name {
        Some(n)
            if !n.is_empty()
                && n.len() <= 64
                && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !n.as_bytes()[0].is_ascii_digit() =>
        {
            n.to_string().into()
        }
        Some(_) => "invalid".into(),
        None => "anonymous".into(),
    }
}

impl Metrics {
    /// A request started; the guard counts it until dropped.
    pub fn start(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(self)
    }

    pub fn http(&self, route: &str, method: &Method, status: u16) {
        self.http.add(route, method, status);
    }

    fn error(&self, code: &str) {
        let mut errors = self.errors.lock().unwrap_or_else(|e| e.into_inner());
        match errors.get_mut(code) {
            Some(n) => *n += 1,
            None => {
                errors.insert(code.to_string(), 1);
            }
        }
    }

    /// A document went through async-graphql's validation in full (`full`), or skipped it
    /// because it passed before and the variables fit.
    pub fn validation(&self, full: bool) {
        self.validations[usize::from(!full)].fetch_add(1, Ordering::Relaxed);
    }

    /// A request was answered by its document's plan (`planned`) or by async-graphql.
    pub fn executor(&self, planned: bool) {
        self.executors[usize::from(!planned)].fetch_add(1, Ordering::Relaxed);
    }

    /// A request refused before it ran: only its error code is counted.
    pub fn refused(&self, code: &str) {
        self.error(code);
    }

    /// One GraphQL request answered, with the codes of its errors.
    pub fn graphql(&self, operation: &str, elapsed: Duration, codes: &[String]) {
        {
            let map = self.graphql.read().unwrap_or_else(|e| e.into_inner());
            let known = map.get(operation).or_else(|| {
                (map.len() >= MAX_OPERATIONS)
                    .then(|| map.get("other"))
                    .flatten()
            });
            if let Some(h) = known {
                h.observe(elapsed);
            } else {
                drop(map);
                let mut map = self.graphql.write().unwrap_or_else(|e| e.into_inner());
                let key = if map.contains_key(operation) || map.len() < MAX_OPERATIONS {
                    operation
                } else {
                    "other"
                };
                map.entry(key.into()).or_default().observe(elapsed);
            }
        }
        for code in codes {
            self.error(code);
        }
    }

    /// The text exposition of every metric.
    pub fn render(&self, served: &Served, caches: &[CacheReport<'_>]) -> String {
        let http = self.http.all();
        let graphql = self.graphql.read().unwrap_or_else(|e| e.into_inner());
        let graphql: BTreeMap<&str, &Histogram> = graphql.iter().map(|(k, v)| (&**k, v)).collect();
        let errors = self
            .errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let mut out = String::new();
        let esc = |s: &str| {
            s.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n")
        };
        let _ = writeln!(
            out,
            "# HELP aidgraph_http_requests_total HTTP requests answered, by route, method and status.\n\
             # TYPE aidgraph_http_requests_total counter"
        );
        for ((route, method, status), n) in &http {
            let _ = writeln!(
                out,
                "aidgraph_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
                esc(route),
                esc(method)
            );
        }
        let _ = writeln!(
            out,
            "# HELP aidgraph_graphql_request_duration_seconds GraphQL requests by operation name: \
             time from the body read to the response.\n\
             # TYPE aidgraph_graphql_request_duration_seconds histogram"
        );
        for (op, h) in &graphql {
            let op = esc(op);
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(&h.counts) {
                cumulative += n.load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "aidgraph_graphql_request_duration_seconds_bucket{{operation=\"{op}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "aidgraph_graphql_request_duration_seconds_bucket{{operation=\"{op}\",le=\"+Inf\"}} {}\n\
                 aidgraph_graphql_request_duration_seconds_sum{{operation=\"{op}\"}} {}\n\
                 aidgraph_graphql_request_duration_seconds_count{{operation=\"{op}\"}} {}",
                h.count.load(Ordering::Relaxed),
                h.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9,
                h.count.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP aidgraph_graphql_errors_total Errors returned by /graphql, by extensions.code (refused requests included).\n\
             # TYPE aidgraph_graphql_errors_total counter"
        );
        for (code, n) in &errors {
            let _ = writeln!(
                out,
                "aidgraph_graphql_errors_total{{code=\"{}\"}} {n}",
                esc(code)
            );
        }
        let _ = writeln!(
            out,
            "# HELP aidgraph_graphql_validations_total Requests executed, by how their document \
             was validated: in full, or skipped (validated before, and the variables fit).\n\
             # TYPE aidgraph_graphql_validations_total counter\n\
             aidgraph_graphql_validations_total{{mode=\"full\"}} {}\n\
             aidgraph_graphql_validations_total{{mode=\"skipped\"}} {}",
            self.validations[0].load(Ordering::Relaxed),
            self.validations[1].load(Ordering::Relaxed),
        );
        let _ = writeln!(
            out,
            "# HELP aidgraph_graphql_executions_total Requests executed, by executor: a plan \
             compiled from the validated document (`planned`), or async-graphql.\n\
             # TYPE aidgraph_graphql_executions_total counter\n\
             aidgraph_graphql_executions_total{{executor=\"planned\"}} {}\n\
             aidgraph_graphql_executions_total{{executor=\"async-graphql\"}} {}",
            self.executors[0].load(Ordering::Relaxed),
            self.executors[1].load(Ordering::Relaxed),
        );
        let s = &served.status;
        let _ = writeln!(
            out,
            "# HELP aidgraph_data_reloads_total Data reloads since start: swapped in, or refused for problems.\n\
             # TYPE aidgraph_data_reloads_total counter\n\
             aidgraph_data_reloads_total{{outcome=\"ok\"}} {}\n\
             aidgraph_data_reloads_total{{outcome=\"refused\"}} {}",
            s.reloads, s.failed_reloads
        );
        let _ = writeln!(
            out,
            "# HELP aidgraph_requests_in_flight Requests being answered now.\n\
             # TYPE aidgraph_requests_in_flight gauge\n\
             aidgraph_requests_in_flight {}\n\
             # HELP aidgraph_graph_nodes Nodes in the graph being served.\n\
             # TYPE aidgraph_graph_nodes gauge\n\
             aidgraph_graph_nodes {}\n\
             # HELP aidgraph_graph_relations Relations in the graph being served.\n\
             # TYPE aidgraph_graph_relations gauge\n\
             aidgraph_graph_relations {}\n\
             # HELP aidgraph_graph_info The graph being served: its content version and source.\n\
             # TYPE aidgraph_graph_info gauge\n\
             aidgraph_graph_info{{version=\"{}\",source=\"{}\"}} 1\n\
             # HELP aidgraph_data_current 1 when the served graph is the data as last read, 0 when the last reload was refused.\n\
             # TYPE aidgraph_data_current gauge\n\
             aidgraph_data_current {}",
            self.in_flight.load(Ordering::Relaxed),
            s.nodes,
            s.relations,
            esc(&s.version),
            esc(&s.source),
            u8::from(s.is_current()),
        );
        for c in caches {
            let (name, what) = (c.name, c.what);
            let load = |n: &AtomicU64| n.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "# HELP aidgraph_{name}_requests_total Lookups in the {what}, by result.\n\
                 # TYPE aidgraph_{name}_requests_total counter\n\
                 aidgraph_{name}_requests_total{{result=\"hit\"}} {}\n\
                 aidgraph_{name}_requests_total{{result=\"miss\"}} {}\n\
                 # HELP aidgraph_{name}_inserts_total Entries stored in the {what}.\n\
                 # TYPE aidgraph_{name}_inserts_total counter\n\
                 aidgraph_{name}_inserts_total {}\n\
                 # HELP aidgraph_{name}_evictions_total Entries dropped from the {what}: least recently used past its bounds, or made for data no longer served.\n\
                 # TYPE aidgraph_{name}_evictions_total counter\n\
                 aidgraph_{name}_evictions_total {}\n\
                 # HELP aidgraph_{name}_entries Entries in the {what}.\n\
                 # TYPE aidgraph_{name}_entries gauge\n\
                 aidgraph_{name}_entries {}\n\
                 # HELP aidgraph_{name}_bytes Bytes the {what} counts against its bound.\n\
                 # TYPE aidgraph_{name}_bytes gauge\n\
                 aidgraph_{name}_bytes {}",
                load(&c.stats.hits),
                load(&c.stats.misses),
                load(&c.stats.inserts),
                load(&c.stats.evictions),
                c.usage.entries,
                c.usage.bytes,
            );
        }
        out
    }
}

/// Counts a request in flight until dropped.
pub struct InFlight<'a>(&'a Metrics);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_labels_are_bounded_graphql_names() {
        assert_eq!(operation_label(Some("WhatMhlwFunded")), "WhatMhlwFunded");
        assert_eq!(operation_label(None), "anonymous");
        assert_eq!(operation_label(Some("a\"b")), "invalid");
        assert_eq!(operation_label(Some("9lives")), "invalid");
        assert_eq!(operation_label(Some(&"x".repeat(65))), "invalid");
    }

    #[test]
    fn histogram_buckets_are_cumulative_and_names_are_capped() {
        let m = Metrics::default();
        for i in 0..MAX_OPERATIONS + 5 {
            m.graphql(&format!("op{i}"), Duration::from_millis(2), &[]);
        }
        m.graphql("op0", Duration::from_millis(300), &["TOO_LARGE".into()]);
        let graphql = m.graphql.read().unwrap();
        assert_eq!(graphql.len(), MAX_OPERATIONS + 1, "200 names plus `other`");
        assert_eq!(graphql["other"].count.load(Ordering::Relaxed), 5);
        assert_eq!(graphql["op0"].count.load(Ordering::Relaxed), 2);
        assert_eq!(m.errors.lock().unwrap()["TOO_LARGE"], 1);
    }

    #[test]
    fn http_counters_take_any_route_method_and_status() {
        let m = Metrics::default();
        m.http("/graphql", &Method::POST, 200);
        m.http("/graphql", &Method::POST, 200);
        m.http("/new-route", &Method::GET, 200);
        let odd = Method::from_bytes(b"PURGE").unwrap();
        m.http("/graphql", &odd, 405);
        m.http("/graphql", &Method::GET, 999);
        let all = m.http.all();
        let n = |r: &str, m: &str, s: u16| all.get(&(r.to_string(), m.to_string(), s)).copied();
        assert_eq!(n("/graphql", "POST", 200), Some(2));
        assert_eq!(n("/new-route", "GET", 200), Some(1));
        assert_eq!(n("/graphql", "PURGE", 405), Some(1));
        assert_eq!(n("/graphql", "GET", 999), Some(1));
        assert_eq!(all.len(), 4);
    }
}
