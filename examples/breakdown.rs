//! Where the time of one GraphQL request goes, step by step, measured in-process on one
//! thread: `benches/load.sh` runs it on the requests of its uncached scenarios and prints
//! the table in BENCHMARKS.md's "Throughput" section.
//!
//! ```text
//! cargo run --release --example breakdown -- REQUESTS [--seed DIR] [--iati FILE]... | [--snapshot FILE]
//! ```
//!
//! `REQUESTS` is a request file of `benches/load/prepare.py` (POST lines: METHOD, path and
//! JSON body, tab-separated). Each step runs over all requests in its own loop for at least
//! 0.2 s of this thread's CPU time, five times, and the median is reported in microseconds of
//! CPU per request (CPU time, so that other work on the machine counts less).
//! The steps are the handler's (`src/http/graphql.rs`), through the public API:
//!
//! - **read**: the JSON body into `query`, `operationName` and `variables`;
//! - **parse**: the lexical limits and async-graphql's parser: once per distinct document,
//!   then the document cache's copy (**copy**) of the parsed document;
//! - **analyze**: the static limits (`api::limits::Analyzer`);
//! - **validate**: async-graphql's strict validation, measured as the difference between
//!   executing on the strict schema and on the `ValidationMode::Fast` one (what requests on a
//!   document validated before run on);
//! - **execute**: executing on the fast schema: request preparation, the fast visitors, the
//!   resolvers, and building the response's value tree;
//! - **serialise**: the response to JSON bytes; **free**: dropping the response.
//!
//! Then the planned executor (`api::plan`), which answers a validated document without
//! async-graphql: **plan** runs the document's plan (compiled once, when the document is
//! parsed) over the graph straight to the JSON bytes, checked to be async-graphql's bytes
//! for every request; the planned total is read, analyze and plan.
//!
//! The HTTP side (hyper, the middleware, the socket) is what the server's CPU time per
//! request under wrk adds to these.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aidgraph::api::limits::{Analyzer, QueryLimits, precheck};
use aidgraph::live::{DataSource, Live};
use async_graphql::ValidationMode;
use serde_json::Value;

struct Req {
    query: String,
    operation_name: Option<String>,
    variables: async_graphql::Variables,
}

fn read(body: &str) -> Req {
    let v: Value = serde_json::from_str(body).expect("a JSON body");
    Req {
        query: v["query"].as_str().expect("a query").to_string(),
        operation_name: v["operationName"].as_str().map(str::to_string),
        variables: async_graphql::Variables::from_json(v["variables"].clone()),
    }
}

/// This thread's CPU time (`/proc/thread-self/schedstat`, nanoseconds), so that other work on
/// the machine does not count; wall time where that file is missing.
fn cpu_now() -> Duration {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map(Duration::from_nanos)
        .unwrap_or_else(|| START.get_or_init(Instant::now).elapsed())
}

/// Runs `step` over `items` for at least 0.2 s of CPU, five times; the median of the five
/// means per item.
fn time<T>(items: &[T], mut step: impl FnMut(&T)) -> Duration {
    let mut rounds: Vec<Duration> = (0..5)
        .map(|_| {
            let started = cpu_now();
            let mut runs = 0u32;
            while cpu_now() - started < Duration::from_millis(200) || runs == 0 {
                for item in items {
                    step(item);
                }
                runs += 1;
            }
            (cpu_now() - started) / (runs * items.len() as u32)
        })
        .collect();
    rounds.sort();
    rounds[2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let file = args
        .next()
        .expect("usage: breakdown REQUESTS [--seed DIR] [--iati FILE]... | [--snapshot FILE]");
    let (mut seed, mut iati, mut snapshot) = (None, Vec::new(), None);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => seed = args.next().map(PathBuf::from),
            "--snapshot" => snapshot = args.next().map(PathBuf::from),
            "--iati" => iati.extend(args.next().map(PathBuf::from)),
            _ => panic!("unknown argument {a}"),
        }
    }
    let base = seed.map_or(DataSource::Embedded, DataSource::Dir);
    let source = if let Some(file) = snapshot {
        DataSource::Snapshot(file)
    } else if iati.is_empty() {
        base
    } else {
        DataSource::WithIati {
            base: Box::new(base),
            iati,
        }
    };
    let served = Live::load(source).expect("valid data").current();
    let bodies: Vec<String> = std::fs::read_to_string(&file)
        .expect("the request file")
        .lines()
        .filter_map(|l| l.splitn(3, '\t').nth(2).map(str::to_string))
        .collect();
    assert!(!bodies.is_empty(), "no POST requests in {file}");
    let limits = QueryLimits {
        max_page_size: 1000,
        ..QueryLimits::default()
    };
    let analyzer = Analyzer::from_sdl(&aidgraph::api::sdl());
    let strict = aidgraph::api::serving_schema_with(true, ValidationMode::Strict);
    let fast = aidgraph::api::serving_schema_with(true, ValidationMode::Fast);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");

    let reqs: Vec<Req> = bodies.iter().map(|b| read(b)).collect();
    let docs: Vec<_> = reqs
        .iter()
        .map(|r| async_graphql::parser::parse_query(&r.query).expect("parses"))
        .collect();
    let items: Vec<(&Req, &async_graphql::parser::types::ExecutableDocument)> =
        reqs.iter().zip(&docs).collect();
    let request = |r: &Req, doc: &async_graphql::parser::types::ExecutableDocument| {
        let mut q = async_graphql::Request::new(r.query.clone()).variables(r.variables.clone());
        if let Some(name) = &r.operation_name {
            q = q.operation_name(name);
        }
        q.set_parsed_query(doc.clone());
        q.data(Arc::clone(&served.graph))
            .data(Arc::clone(&served.status))
    };
    let responses: Vec<async_graphql::Response> = items
        .iter()
        .map(|(r, d)| rt.block_on(fast.execute(request(r, d))))
        .collect();
    for r in &responses {
        assert!(r.errors.is_empty(), "{:?}", r.errors);
    }
    let bytes: usize = responses
        .iter()
        .map(|r| serde_json::to_vec(r).map_or(0, |v| v.len()))
        .sum();

    let t_read = time(&bodies, |b| drop(std::hint::black_box(read(b))));
    let t_parse = time(&reqs, |r| {
        precheck(&r.query, &limits).expect("within limits");
        drop(std::hint::black_box(
            async_graphql::parser::parse_query(&r.query).expect("parses"),
        ));
    });
    let t_copy = time(&docs, |d| drop(std::hint::black_box(d.clone())));
    let t_analyze = time(&items, |(r, d)| {
        analyzer
            .check(d, r.operation_name.as_deref(), &r.variables, &limits)
            .expect("within limits");
    });
    // The request is built outside the timed part of execution: its copies are `copy` above.
    // Strict and fast execution alternate, round by round, so that both see the same
    // machine.
    let (mut strict_rounds, mut fast_rounds) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        strict_rounds.push(time(&items, |(r, d)| {
            drop(rt.block_on(strict.execute(request(r, d))));
        }));
        fast_rounds.push(time(&items, |(r, d)| {
            drop(rt.block_on(fast.execute(request(r, d))));
        }));
    }
    strict_rounds.sort();
    fast_rounds.sort();
    let (t_strict, t_fast) = (strict_rounds[2], fast_rounds[2]);
    let t_build = time(&items, |(r, d)| drop(std::hint::black_box(request(r, d))));
    let t_ser = time(&responses, |r| {
        drop(std::hint::black_box(
            serde_json::to_vec(r).expect("serialises"),
        ))
    });
    // Dropping a response right after making it, as the handler does (its memory is still in
    // the cache): timed with the clock around each drop.
    let t_free = {
        let mut rounds: Vec<Duration> = (0..5)
            .map(|_| {
                let mut total = Duration::ZERO;
                let mut n = 0u32;
                while total < Duration::from_millis(100) || n == 0 {
                    for (r, d) in &items {
                        let response = rt.block_on(fast.execute(request(r, d)));
                        let started = Instant::now();
                        drop(response);
                        total += started.elapsed();
                        n += 1;
                    }
                }
                total / n
            })
            .collect();
        rounds.sort();
        rounds[2]
    };
    let plans: Vec<aidgraph::api::plan::Plan> = items
        .iter()
        .map(|(r, d)| {
            aidgraph::api::plan::Plan::compile(d, r.operation_name.as_deref())
                .expect("the planned executor covers the document")
        })
        .collect();
    let planned: Vec<(&aidgraph::api::plan::Plan, &Req)> = plans.iter().zip(&reqs).collect();
    for ((plan, r), response) in planned.iter().zip(&responses) {
        let body = plan
            .run(&served.graph, &r.variables)
            .expect("the plan answers");
        assert_eq!(body, serde_json::to_vec(response).expect("serialises"));
    }
    let t_plan = time(&planned, |(plan, r)| {
        drop(std::hint::black_box(plan.run(&served.graph, &r.variables)))
    });
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    // Executing includes dropping its response and building the request; both are apart.
    let execute = us(t_fast) - us(t_build) - us(t_free);
    let validate = us(t_strict) - us(t_fast);
    println!(
        "{} requests ({} distinct documents), {} bytes of JSON per answer on average",
        reqs.len(),
        reqs.iter()
            .map(|r| &r.query)
            .collect::<std::collections::HashSet<_>>()
            .len(),
        bytes / reqs.len()
    );
    println!("| step | µs per request |");
    println!("|---|---:|");
    let rows = [
        ("read (JSON body to parameters)", us(t_read)),
        (
            "copy (the cached parsed document, and the request)",
            us(t_build),
        ),
        ("analyze (static limits)", us(t_analyze)),
        ("validate (strict, skipped once validated)", validate),
        ("execute (fast validation, resolvers, value tree)", execute),
        ("serialise (to JSON bytes)", us(t_ser)),
        ("free (drop the response)", us(t_free)),
    ];
    for (name, v) in rows {
        println!("| {name} | {v:.1} |");
    }
    let with = rows.iter().map(|r| r.1).sum::<f64>();
    println!("| total, validated document | {:.1} |", with - validate);
    println!("| total, document validated in full | {with:.1} |");
    println!(
        "| plan (the planned executor, to JSON bytes) | {:.1} |",
        us(t_plan)
    );
    println!(
        "| total, planned (read, analyze, plan) | {:.1} |",
        us(t_read) + us(t_analyze) + us(t_plan)
    );
    println!(
        "| (parse: lexical limits and parser, once per distinct document; copy: {:.1} of it) | {:.1} |",
        us(t_copy),
        us(t_parse)
    );
}
