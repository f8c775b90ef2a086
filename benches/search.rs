//! Text search on generated data sets of 10,000 and 100,000 nodes (and 1,000,000 with
//! `AIDGRAPH_BENCH_1M=1`): organisations with acronyms and IATI ids, projects titled
//! "<verb> <topic> <topic> in <place>, <country>" with and without descriptions, outcomes,
//! sources, programmes, themes and every ISO country, worded by a deterministic generator.
//!
//! Before the criterion timings, each size prints the index's size (bytes per node, words per
//! node), its build time and peak memory, and the latency of every query of a fixed mix (the
//! fastest of 5 runs each, a page of 20) summarised as median, p90 and max:
//!
//! ```text
//! cargo bench --bench search
//! AIDGRAPH_BENCH_1M=1 cargo bench --bench search
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use petgraph::graph::NodeIndex;

use aidgraph::graph::{KnowledgeGraph, SearchIndex};
use aidgraph::model::codes::COUNTRIES;
use aidgraph::model::*;

#[path = "common/splitmix.rs"]
mod splitmix;
use splitmix::Rng;

#[rustfmt::skip]
const TOPICS: &[&str] = &[
    "water", "sanitation", "health", "maternal", "child", "education", "primary", "school",
    "teacher", "agriculture", "rural", "irrigation", "food", "security", "nutrition", "energy",
    "solar", "grid", "transport", "road", "rail", "urban", "housing", "governance", "public",
    "finance", "tax", "climate", "resilience", "disaster", "risk", "forest", "fisheries",
    "gender", "women", "youth", "employment", "labour", "skills", "vocational", "training",
    "trade", "private", "sector", "digital", "connectivity", "migration", "refugee",
    "humanitarian", "peace", "justice", "police", "border", "statistics", "census", "vaccine",
    "malaria", "tuberculosis", "hospital", "clinic", "nursing", "pharmacy", "drought", "flood",
    "coastal", "biodiversity", "wildlife", "tourism", "mining", "power", "electricity",
    "hydropower", "wind", "waste", "recycling", "pollution", "air", "quality", "microfinance",
    "banking", "insurance", "pension", "social", "protection", "cash", "transfer", "disability",
    "elderly", "land", "tenure", "livestock", "dairy", "rice", "maize", "coffee", "cocoa",
    "market", "value", "chain", "sme", "export", "customs", "ports", "aviation", "safety",
    "occupational", "inspection", "decentralisation", "municipal", "water-supply",
    "e-government", "early", "childhood", "literacy", "university", "research", "innovation",
];
#[rustfmt::skip]
const VERBS: &[&str] = &[
    "Strengthening", "Improving", "Supporting", "Expanding", "Building", "Promoting",
    "Enhancing", "Developing", "Rehabilitating", "Modernising", "Scaling up", "Reforming",
    "Assessing", "Financing", "Protecting",
];
#[rustfmt::skip]
const ORG_TYPES: &[&str] = &[
    "Agency", "Ministry", "Foundation", "Institute", "Fund", "Bank", "Council", "Association",
    "Trust", "Network", "Centre", "Authority", "Cooperative", "Commission",
];
#[rustfmt::skip]
const FILLER: &[&str] = &[
    "the", "of", "and", "for", "in", "with", "to", "through", "local", "national", "capacity",
    "services", "communities", "households", "systems", "access", "programme", "phase",
];
#[rustfmt::skip]
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ra", "te", "su", "no", "ba", "ri", "go", "vé", "da", "ne", "ko", "ma",
    "ti", "za", "pu", "le", "ha", "wo", "ye", "ch", "an", "ou", "ça",
];

/// Place names: a long tail of made-up words (some accented), as districts and towns are.
fn places(rng: &mut Rng, n: usize) -> Vec<String> {
    (0..n)
        .map(|_| {
            let len = 2 + rng.below(3);
            let mut w: String = (0..len).map(|_| *rng.pick(SYLLABLES)).collect();
            if let Some(c) = w.get_mut(0..1) {
                c.make_ascii_uppercase();
            }
            w
        })
        .collect()
}

fn acronym(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_uppercase)
        .collect()
}

/// What the queries are drawn from.
struct Drawn {
    /// (a title topic word, the project's country name)
    title_country: Vec<(String, String)>,
    acronyms: Vec<String>,
    full_names: Vec<String>,
}

fn dataset(n: usize, seed: u64) -> (Dataset, Drawn) {
    let mut rng = Rng(seed);
    let places = places(&mut rng, (n / 50).max(500));
    let mut drawn = Drawn {
        title_country: Vec::new(),
        acronyms: Vec::new(),
        full_names: Vec::new(),
    };
    let countries: Vec<Country> = COUNTRIES
        .iter()
        .map(|(a2, a3, name)| Country {
            code: a2.to_string(),
            alpha3: a3.to_string(),
            name: name.to_string(),
            aliases: Vec::new(),
            cite: Vec::new(),
        })
        .collect();
    let fixed = countries.len() + 200 + 20;
    let n = n.max(fixed + 100) - fixed;
    let themes: Vec<Theme> = (0..200)
        .map(|i| {
            let name = format!("{} {}", rng.pick(TOPICS), rng.pick(TOPICS));
            Theme {
                id: format!("t{i}"),
                name: name[..1].to_uppercase() + &name[1..],
                dac_code: Some(format!("{}", 11000 + i * 10)),
                iati: None,
                aliases: Vec::new(),
                description: Some(format!(
                    "Support to {name} and related {}",
                    rng.pick(TOPICS)
                )),
                cite: Vec::new(),
            }
        })
        .collect();
    let regions: Vec<Region> = (0..20)
        .map(|i| Region {
            id: format!("r{i}"),
            name: format!(
                "{} {} region",
                rng.pick(&places),
                rng.pick(&["North", "South", "East", "West"])
            ),
            aliases: Vec::new(),
            description: None,
            iati: None,
            cite: Vec::new(),
        })
        .collect();
    let (orgs, programmes, sources, outcomes) = (n / 50, n / 100, n / 100, n / 5);
    let projects = n - orgs - programmes - sources - outcomes;
    let organizations: Vec<Organization> = (0..orgs)
        .map(|i| {
            let country = &countries[rng.skewed(countries.len())];
            let name = match rng.below(3) {
                0 => format!(
                    "{} {} {}",
                    country.name,
                    rng.pick(TOPICS),
                    rng.pick(ORG_TYPES)
                ),
                1 => format!(
                    "{} {} {}",
                    rng.pick(&places),
                    rng.pick(TOPICS),
                    rng.pick(ORG_TYPES)
                ),
                _ => format!(
                    "{} {} {} {}",
                    rng.pick(ORG_TYPES),
                    "for",
                    rng.pick(TOPICS),
                    rng.pick(&places)
                ),
            };
            let short = acronym(&name);
            if i % 7 == 0 {
                drawn.acronyms.push(short.clone());
            }
            if i % 11 == 0 {
                drawn.full_names.push(name.clone());
            }
            Organization {
                id: format!("o{i}"),
                short_name: Some(short),
                kind: OrgKind::Other,
                aliases: if i % 5 == 0 {
                    vec![format!("{} {}", rng.pick(&places), rng.pick(ORG_TYPES))]
                } else {
                    Vec::new()
                },
                iati_id: Some(format!("XM-DAC-{}-{i}", 41000 + rng.below(200))),
                iati_type: None,
                country: Some(country.code.clone()),
                description: (i % 2 == 0).then(|| {
                    format!(
                        "{} {} {} {} {}",
                        rng.pick(FILLER),
                        rng.pick(TOPICS),
                        rng.pick(FILLER),
                        rng.pick(TOPICS),
                        rng.pick(&places)
                    )
                }),
                name,
                cite: Vec::new(),
            }
        })
        .collect();
    let programmes: Vec<Programme> = (0..programmes)
        .map(|i| Programme {
            id: format!("g{i}"),
            name: format!(
                "{} {} Programme {}",
                rng.pick(TOPICS),
                rng.pick(TOPICS),
                rng.pick(&places)
            ),
            short_name: None,
            kind: ProgrammeKind::Programme,
            aliases: Vec::new(),
            established: None,
            period: None,
            description: None,
            cite: Vec::new(),
        })
        .collect();
    let projects: Vec<Project> = (0..projects)
        .map(|i| {
            let country = &countries[rng.skewed(countries.len())];
            let (a, b) = (
                TOPICS[rng.skewed(TOPICS.len())],
                TOPICS[rng.skewed(TOPICS.len())],
            );
            let title = format!(
                "{} {a} {b} in {}, {}",
                rng.pick(VERBS),
                rng.pick(&places),
                country.name
            );
            if i % 13 == 0 {
                drawn
                    .title_country
                    .push((a.to_string(), country.name.clone()));
            }
            if i % 997 == 0 {
                drawn.full_names.push(title.clone());
            }
            let description = (i % 5 < 2).then(|| {
                let mut d = String::new();
                for k in 0..6 + rng.below(5) {
                    if k > 0 {
                        d.push(' ');
                    }
                    match rng.below(3) {
                        0 => d.push_str(rng.pick::<&str>(FILLER)),
                        1 => d.push_str(TOPICS[rng.skewed(TOPICS.len())]),
                        _ => d.push_str(rng.pick(&places).as_str()),
                    }
                }
                d
            });
            Project {
                id: format!("p{i}"),
                short_title: (i % 4 == 0).then(|| format!("{}-{}", acronym(&title), i % 1000)),
                title,
                aliases: Vec::new(),
                status: ProjectStatus::Ongoing,
                period: None,
                budget: None,
                description,
                coordinator: None,
                iati: None,
                cite: Vec::new(),
            }
        })
        .collect();
    let sources: Vec<Source> = (0..sources)
        .map(|i| Source {
            id: format!("s{i}"),
            file: format!("report-{i}.pdf"),
            title: format!(
                "Annual report on {} in {}",
                rng.pick(TOPICS),
                rng.pick(&places)
            ),
            publisher: None,
            year: None,
            description: None,
            text: None,
        })
        .collect();
    let outcomes: Vec<Outcome> = (0..outcomes)
        .map(|i| Outcome {
            id: format!("u{i}"),
            subject: format!("p{}", rng.below(projects.len())),
            metric: format!(
                "{}_{}",
                rng.pick(TOPICS),
                rng.pick(&["trained", "reached", "built", "served"])
            ),
            label: format!(
                "People {} in {} {}",
                rng.pick(&["trained", "reached", "served"]),
                rng.pick(TOPICS),
                rng.pick(&places)
            ),
            value: rust_decimal::Decimal::ONE,
            unit: Unit::Count("people".into()),
            qualifier: Qualifier::Exact,
            status: OutcomeStatus::Achieved,
            period: None,
            country: None,
            note: (i % 3 == 0).then(|| format!("{} {}", rng.pick(FILLER), rng.pick(TOPICS))),
            iati: None,
            cite: Vec::new(),
        })
        .collect();
    for c in countries.iter().step_by(7) {
        drawn.full_names.push(c.name.clone());
    }
    let data = Dataset {
        sources,
        organizations,
        programmes,
        projects,
        countries,
        regions,
        themes,
        outcomes,
        relations: Vec::<Relation>::new(),
    };
    (data, drawn)
}

/// A fixed mix of 200 queries: a title word and a country (40%), an acronym (20%), a full
/// name (20%), a single topic word (10%), a typed-ahead prefix and a country (10%).
fn queries(drawn: &Drawn, seed: u64) -> Vec<String> {
    let mut rng = Rng(seed);
    (0..200)
        .map(|i| match i % 10 {
            0..4 => {
                let (w, c) = rng.pick(&drawn.title_country);
                format!("{w} {}", c.to_lowercase())
            }
            4 | 5 => rng.pick(&drawn.acronyms).clone(),
            6 | 7 => rng.pick(&drawn.full_names).clone(),
            8 => TOPICS[rng.skewed(TOPICS.len())].to_string(),
            _ => {
                let (w, c) = rng.pick(&drawn.title_country);
                let cut = w.char_indices().nth(4).map_or(w.len(), |(i, _)| i);
                format!("{} {c}", &w[..cut])
            }
        })
        .collect()
}

/// This thread's CPU time (Linux; `None` elsewhere), immune to time spent waiting for a core.
fn cpu_time() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(
        s.split_whitespace().next()?.parse().ok()?,
    ))
}

/// This process's resident memory now and at its peak (Linux), in bytes.
fn rss() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn report(n: usize, g: &KnowledgeGraph, graph_build: Duration, qs: &[String]) {
    let entity = |i: usize| (NodeIndex::new(i), g.entity(NodeIndex::new(i)));
    // The index again, alone, for its build time and peak memory (the graph keeps its own).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = rss();
    let (t, cpu) = (Instant::now(), cpu_time());
    let index = SearchIndex::build((0..g.node_count()).map(entity), g.node_count());
    let build = t.elapsed();
    let build_cpu = match (cpu, cpu_time()) {
        (Some(a), Some(b)) => format!("{:.0} ms", (b - a).as_secs_f64() * 1e3),
        _ => "?".into(),
    };
    let peak = match (before, rss()) {
        (Some((base, _)), Some((_, hwm))) => {
            format!("{:.0} MB", hwm.saturating_sub(base) as f64 / 1e6)
        }
        _ => "?".into(),
    };
    let stats = index.stats();
    assert_eq!(stats.heap_bytes, g.search_index_bytes());
    assert_eq!(
        stats.parts.iter().map(|p| p.1).sum::<usize>(),
        stats.heap_bytes
    );
    drop(index);
    let mut times: Vec<Duration> = qs
        .iter()
        .map(|q| {
            // The fastest of 5 runs: what the query costs when no other process takes the core.
            (0..5)
                .map(|_| {
                    let t = Instant::now();
                    black_box(g.search(q, None, None, 20).expect("no cursor"));
                    t.elapsed()
                })
                .min()
                .expect("runs")
        })
        .collect();
    let totals: Vec<usize> = qs
        .iter()
        .map(|q| g.search(q, None, None, 20).expect("no cursor").total)
        .collect();
    let mut slowest: Vec<(Duration, &String, usize)> = times
        .iter()
        .zip(qs)
        .zip(&totals)
        .map(|((t, q), n)| (*t, q, *n))
        .collect();
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    times.sort();
    println!(
        "search-{n}: {} nodes, {} words, {:.1} words/node; index {:.1} bytes/node ({:.1} MB), \
         built in {:.0} ms ({build_cpu} CPU, peak +{peak}); whole graph built in {:.1} s",
        stats.nodes,
        stats.words,
        stats.postings as f64 / stats.nodes as f64,
        stats.heap_bytes as f64 / stats.nodes as f64,
        stats.heap_bytes as f64 / 1e6,
        build.as_secs_f64() * 1e3,
        graph_build.as_secs_f64(),
    );
    println!(
        "search-{n}: bytes/node by part: {}",
        stats
            .parts
            .iter()
            .map(|(name, b)| format!("{name} {:.1}", *b as f64 / stats.nodes as f64))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "search-{n}: {} queries, page of 20: median {:.1} µs, p90 {:.1} µs, max {:.1} µs; \
         slowest: {}",
        qs.len(),
        percentile(&times, 0.5).as_secs_f64() * 1e6,
        percentile(&times, 0.9).as_secs_f64() * 1e6,
        times.last().expect("queries").as_secs_f64() * 1e6,
        slowest[..3]
            .iter()
            .map(|(t, q, n)| format!("{q:?} ({n} hits, {:.0} µs)", t.as_secs_f64() * 1e6))
            .collect::<Vec<_>>()
            .join(", "),
    );
}

fn search(c: &mut Criterion) {
    let mut sizes = vec![10_000usize, 100_000];
    if std::env::var_os("AIDGRAPH_BENCH_1M").is_some() {
        sizes.push(1_000_000);
    }
    for n in sizes {
        let (data, drawn) = dataset(n, 42);
        let qs = queries(&drawn, 7);
        drop(drawn);
        let t = Instant::now();
        let g = KnowledgeGraph::build(data);
        let graph_build = t.elapsed();
        report(n, &g, graph_build, &qs);
        let mut group = c.benchmark_group(format!("search-{n}"));
        group.sample_size(20);
        group.bench_function("200-query mix", |b| {
            b.iter(|| {
                for q in &qs {
                    black_box(g.search(q, None, None, 20).expect("no cursor"));
                }
            })
        });
        let first_two = |q: &String| {
            let p = g.search(q, None, None, 20).expect("no cursor");
            p.hits.last().map(|h| h.node)
        };
        let cursors: Vec<(&String, Option<NodeIndex>)> =
            qs.iter().map(|q| (q, first_two(q))).collect();
        group.bench_function("200-query mix, second page", |b| {
            b.iter(|| {
                for (q, after) in &cursors {
                    if after.is_some() {
                        black_box(g.search(q, None, *after, 20).expect("a hit"));
                    }
                }
            })
        });
        group.finish();
    }
}

criterion_group!(benches, search);
criterion_main!(benches);
