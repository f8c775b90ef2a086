//! `/metrics` in the Prometheus text format (version 0.0.4), written by hand: a few counters,
//! one latency histogram per GraphQL operation name, and gauges of the data being served.
//!
//! Labels that clients control are bounded: operation names must be GraphQL names of at most
//! 64 characters, and past [`MAX_OPERATIONS`] distinct names new ones count as `other`, so a
//! scanner cannot grow the registry without bound.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use crate::live::Served;

/// Distinct operation names tracked before the rest count as `other`.
pub const MAX_OPERATIONS: usize = 200;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, secs: f64) {
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            self.counts[i] += 1;
        }
        self.sum += secs;
        self.count += 1;
    }
}

#[derive(Default)]
struct Counters {
    /// (route, method, status) -> count.
    http: BTreeMap<(String, String, u16), u64>,
    /// Operation name -> latency histogram.
    graphql: BTreeMap<String, Histogram>,
    /// Error code -> count.
    errors: BTreeMap<String, u64>,
}

/// The server's counters.
#[derive(Default)]
pub struct Metrics {
    counters: Mutex<Counters>,
    in_flight: AtomicI64,
}

/// A GraphQL request's name for metrics and logs.
pub fn operation_label(name: Option<&str>) -> String {
    match name {
        Some(n)
            if !n.is_empty()
                && n.len() <= 64
                && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !n.as_bytes()[0].is_ascii_digit() =>
        {
            n.to_string()
        }
        Some(_) => "invalid".to_string(),
        None => "anonymous".to_string(),
    }
}

impl Metrics {
    fn counters(&self) -> std::sync::MutexGuard<'_, Counters> {
        self.counters.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A request started; the guard counts it until dropped.
    pub fn start(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(self)
    }

    pub fn http(&self, route: &str, method: &str, status: u16) {
        *self
            .counters()
            .http
            .entry((route.to_string(), method.to_string(), status))
            .or_default() += 1;
    }

    /// A request refused before it ran: only its error code is counted.
    pub fn refused(&self, code: &str) {
        *self.counters().errors.entry(code.to_string()).or_default() += 1;
    }

    /// One GraphQL request answered, with the codes of its errors.
    pub fn graphql(&self, operation: &str, elapsed: Duration, codes: &[String]) {
        let mut c = self.counters();
        let known = c.graphql.contains_key(operation) || c.graphql.len() < MAX_OPERATIONS;
        let key = if known { operation } else { "other" };
        c.graphql
            .entry(key.to_string())
            .or_default()
            .observe(elapsed.as_secs_f64());
        for code in codes {
            *c.errors.entry(code.clone()).or_default() += 1;
        }
    }

    /// The text exposition of every metric.
    pub fn render(&self, served: &Served) -> String {
        let c = self.counters();
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
        for ((route, method, status), n) in &c.http {
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
        for (op, h) in &c.graphql {
            let op = esc(op);
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(h.counts) {
                cumulative += n;
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
                h.count, h.sum, h.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP aidgraph_graphql_errors_total Errors returned by /graphql, by extensions.code (refused requests included).\n\
             # TYPE aidgraph_graphql_errors_total counter"
        );
        for (code, n) in &c.errors {
            let _ = writeln!(
                out,
                "aidgraph_graphql_errors_total{{code=\"{}\"}} {n}",
                esc(code)
            );
        }
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
        let c = m.counters();
        assert_eq!(
            c.graphql.len(),
            MAX_OPERATIONS + 1,
            "200 names plus `other`"
        );
        assert_eq!(c.graphql["other"].count, 5);
        assert_eq!(c.graphql["op0"].count, 2);
        assert_eq!(c.errors["TOO_LARGE"], 1);
    }
}
