//! The `aidgraph` command: serve (the default), check, schema, export, import, generate.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::builder::TypedValueParser;
use clap::{Args, Parser, Subcommand};

use std::time::Duration;

use aidgraph::api::limits::QueryLimits;
use aidgraph::graph::KnowledgeGraph;
use aidgraph::http::{DEFAULT_RATE, RateLimit, ServerConfig, Watch};
use aidgraph::live::{DataSource, Live};
use aidgraph::model::Dataset;
use aidgraph::seed::{self, Counts, Diagnostics};

/// A GraphQL knowledge-graph server for development-cooperation data.
#[derive(Parser)]
#[command(version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Serve GraphQL at /graphql and GraphiQL at / (the default).
    Serve(ServeArgs),
    /// Validate a data set and report every problem with file:line:col.
    Check {
        /// The data folder; the built-in seed when omitted.
        dir: Option<PathBuf>,
        /// IATI 2.03 activity or organisation files (or folders of *.xml) to read beside it.
        #[arg(long = "iati", value_name = "PATH", num_args = 1..)]
        iati: Vec<PathBuf>,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Write the graph, or a neighbourhood of a node, for Gephi, NetworkX or Cytoscape.
    Export(ExportArgs),
    /// Write the graph built from a data set as a binary snapshot, for `serve --snapshot`.
    Snapshot {
        /// The snapshot file to write (replaced if it exists).
        #[arg(long)]
        out: PathBuf,
        /// The data folder; the built-in seed when omitted.
        #[arg(long, env = "AIDGRAPH_SEED")]
        seed: Option<PathBuf>,
        /// IATI 2.03 activity or organisation files (or folders of *.xml) to read beside it.
        #[arg(long = "iati", value_name = "PATH", num_args = 1..)]
        iati: Vec<PathBuf>,
    },
    /// Write a large synthetic data set, byte-for-byte the same for the same seed.
    Generate(GenerateArgs),
    /// Convert data from another standard into a seed folder a curator can review.
    #[command(subcommand)]
    Import(ImportCommand),
}

#[derive(Subcommand)]
enum ImportCommand {
    /// IATI 2.03 activity and organisation files -> a seed folder: the base data set, the
    /// IATI files in sources/, and iati.toml with every imported record citing them.
    Iati {
        /// IATI XML files, or folders of *.xml files.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// The folder to write (created; must be empty if it exists).
        #[arg(long)]
        out: PathBuf,
        /// The base data folder the import joins; the built-in seed when omitted.
        #[arg(long, env = "AIDGRAPH_SEED")]
        seed: Option<PathBuf>,
    },
}

#[derive(Args)]
struct GenerateArgs {
    /// iati: an IATI 2.03 activity file, valid against the official XSDs; seed: a seed data
    /// folder (TOML files and sources/) that `aidgraph check` accepts; snapshot: the graph that
    /// folder loads to, as a snapshot for `serve --snapshot` (the folder is written beside
    /// --out, loaded, and removed).
    #[arg(long)]
    format: aidgraph::generate::Format,
    /// How many nodes: for iati, the number of activities (publishers come on top); for seed,
    /// about the number of nodes the folder loads to (sources included; at least 1000), with
    /// about five edges each.
    #[arg(long, required_unless_present = "target_bytes",
          value_parser = clap::value_parser!(u32).range(1..=10_000_000).map(|n| n as usize))]
    nodes: Option<usize>,
    /// Instead of --nodes, for iati only: as many activities as make about this size (e.g.
    /// 200MB, 1GiB).
    #[arg(long, conflicts_with = "nodes", value_parser = aidgraph::generate::parse_size)]
    target_bytes: Option<u64>,
    /// The random seed: the same seed and size give the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// For iati, the file to write (replaced if it exists); for seed, the folder to write
    /// (created; it must be new or empty).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
struct ExportArgs {
    /// graphml, gexf, nodes.csv, edges.csv, csv (both, into the --out folder), cytoscape,
    /// node-link, or iati (IATI 2.03 activity XML of the selected projects).
    #[arg(long)]
    format: String,
    /// Export only the neighbourhood of this node (a global id such as `org:mhlw`).
    #[arg(long)]
    around: Option<String>,
    /// Hops from --around (default 1, at most 4).
    #[arg(long)]
    depth: Option<String>,
    /// Keep only these entity kinds (comma-separated, e.g. ORGANIZATION,PROJECT).
    #[arg(long)]
    kinds: Option<String>,
    /// Keep only these relation types (comma-separated, e.g. FUNDS,IMPLEMENTS).
    #[arg(long)]
    types: Option<String>,
    /// The most nodes a neighbourhood may have (default 5000, at most 100000).
    #[arg(long)]
    limit: Option<String>,
    /// Load this data folder instead of the built-in seed.
    #[arg(long, env = "AIDGRAPH_SEED")]
    seed: Option<PathBuf>,
    /// Add the activities of these IATI 2.03 XML files (or folders of them), as `serve --iati`.
    #[arg(long = "iati", value_name = "PATH", num_args = 1..)]
    iati: Vec<PathBuf>,
    /// Write to this file (a folder for --format csv) instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Args, Clone)]
struct ServeArgs {
    /// The address to listen on.
    #[arg(long, env = "AIDGRAPH_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Load this data folder instead of the built-in seed.
    #[arg(long, env = "AIDGRAPH_SEED", conflicts_with = "snapshot")]
    seed: Option<PathBuf>,
    /// IATI 2.03 activity or organisation files (or folders of *.xml) to load beside the seed
    /// (repeatable); imported organisations with a seed organisation's IATI identifier are
    /// that organisation.
    #[arg(long = "iati", value_name = "PATH", num_args = 1.., conflicts_with = "snapshot")]
    iati: Vec<PathBuf>,
    /// Start from a graph snapshot written by `aidgraph snapshot` instead of loading data
    /// files (--watch and SIGHUP re-read it).
    #[arg(long, env = "AIDGRAPH_SNAPSHOT", value_name = "FILE")]
    snapshot: Option<PathBuf>,
    /// Reload the --seed folder (and --iati files) when its files change (SIGHUP always reloads).
    #[arg(long, env = "AIDGRAPH_WATCH")]
    watch: bool,
    /// How often --watch looks at the files.
    #[arg(long, env = "AIDGRAPH_WATCH_INTERVAL", default_value = "1s", value_parser = duration)]
    watch_interval: Duration,
    /// Log lines as `text` or `json` (one object per line); the level comes from AIDGRAPH_LOG
    /// (e.g. `info`, `warn,aidgraph::access=off`).
    #[arg(long, env = "AIDGRAPH_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
    log_format: String,
    /// Deepest selection-set nesting a query may have.
    #[arg(long, env = "AIDGRAPH_MAX_DEPTH", default_value_t = QueryLimits::default().max_depth)]
    max_depth: usize,
    /// Highest complexity a query may have: each field costs 1, and a connection multiplies
    /// what it selects by its page size (`first`/`last`, 20 by default).
    #[arg(long, env = "AIDGRAPH_MAX_COMPLEXITY", default_value_t = QueryLimits::default().max_complexity)]
    max_complexity: u64,
    /// Most aliased fields an operation may have.
    #[arg(long, env = "AIDGRAPH_MAX_ALIASES", default_value_t = QueryLimits::default().max_aliases)]
    max_aliases: usize,
    /// Most fields an operation's root selection may have.
    #[arg(long, env = "AIDGRAPH_MAX_ROOT_FIELDS", default_value_t = QueryLimits::default().max_root_fields)]
    max_root_fields: usize,
    /// Largest `first`/`last` a connection accepts (at most 1000).
    #[arg(long, env = "AIDGRAPH_MAX_PAGE_SIZE", default_value_t = QueryLimits::default().max_page_size,
          value_parser = clap::value_parser!(u16).range(1..=1000).map(usize::from))]
    max_page_size: usize,
    /// Largest GraphQL document, in bytes.
    #[arg(long, env = "AIDGRAPH_MAX_DOCUMENT_BYTES", default_value_t = QueryLimits::default().max_document_bytes)]
    max_document_bytes: usize,
    /// Largest request body, in bytes.
    #[arg(long, env = "AIDGRAPH_MAX_BODY_BYTES", default_value_t = ServerConfig::default().max_body_bytes)]
    max_body_bytes: usize,
    /// Most operations in a batched (JSON array) POST; 0 refuses batches.
    #[arg(long, env = "AIDGRAPH_MAX_BATCH", default_value_t = ServerConfig::default().max_batch)]
    max_batch: usize,
    /// Longest a GraphQL request may run (e.g. `30s`, `500ms`); past it, 504.
    #[arg(long, env = "AIDGRAPH_REQUEST_TIMEOUT", default_value = "30s", value_parser = duration)]
    request_timeout: Duration,
    /// Longest a client may take to send its request body; past it, 408.
    #[arg(long, env = "AIDGRAPH_BODY_TIMEOUT", default_value = "10s", value_parser = duration)]
    body_timeout: Duration,
    /// GraphQL requests executed at once; more wait, then get 503.
    #[arg(long, env = "AIDGRAPH_MAX_CONCURRENT", default_value_t = ServerConfig::default().max_concurrent,
          value_parser = clap::value_parser!(u32).range(1..).map(|n| n as usize))]
    max_concurrent: usize,
    /// Requests per second per client IP on /graphql and /export (bursts of --rate-burst);
    /// 0 turns the limit off.
    #[arg(long, env = "AIDGRAPH_RATE_LIMIT", default_value_t = DEFAULT_RATE.per_second)]
    rate_limit: u32,
    /// Requests a client may send at once before --rate-limit applies.
    #[arg(long, env = "AIDGRAPH_RATE_BURST", default_value_t = DEFAULT_RATE.burst,
          value_parser = clap::value_parser!(u32).range(1..))]
    rate_burst: u32,
    /// Take the client IP from the last X-Forwarded-For entry (only behind a proxy that sets
    /// it; otherwise clients choose their own rate-limit bucket).
    #[arg(long, env = "AIDGRAPH_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,
    /// An origin allowed to call the API from a browser (repeat, or comma-separate in the
    /// environment variable); `*` allows any. None by default.
    #[arg(
        long = "cors-origin",
        env = "AIDGRAPH_CORS_ORIGINS",
        value_delimiter = ','
    )]
    cors_origins: Vec<String>,
    /// Turn off introspection (`__schema`, `__type`); GraphiQL then has no docs or completion.
    #[arg(long, env = "AIDGRAPH_NO_INTROSPECTION")]
    no_introspection: bool,
    /// Persisted queries (APQ) kept in memory; 0 turns APQ off.
    #[arg(long, env = "AIDGRAPH_APQ_ENTRIES", default_value_t = ServerConfig::default().apq_entries)]
    apq_entries: usize,
    /// Answers kept in the response cache (GET queries and persisted queries, per data
    /// version); 0 turns it off.
    #[arg(long, env = "AIDGRAPH_RESPONSE_CACHE_ENTRIES", default_value_t = ServerConfig::default().response_cache_entries)]
    response_cache_entries: usize,
    /// Bytes of answers the response cache may hold.
    #[arg(long, env = "AIDGRAPH_RESPONSE_CACHE_BYTES", default_value_t = ServerConfig::default().response_cache_bytes)]
    response_cache_bytes: usize,
    /// Parsed GraphQL documents kept, so that each distinct document is parsed once; 0
    /// turns it off.
    #[arg(long, env = "AIDGRAPH_DOCUMENT_CACHE_ENTRIES", default_value_t = ServerConfig::default().document_cache_entries)]
    document_cache_entries: usize,
}

/// `30s`, `500ms`, `2m`, or a plain number of seconds.
fn duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map_or((s, "s"), |i| (&s[..i], s[i..].trim()));
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration; write e.g. 30s, 500ms or 2m"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        _ => return Err(format!("`{unit}` is not a unit; use ms, s or m")),
    };
    if !(secs > 0.0 && secs <= 86_400.0) {
        return Err(format!("`{s}` must be above zero and at most a day"));
    }
    Ok(Duration::from_secs_f64(secs))
}

impl ServeArgs {
    fn config(&self) -> ServerConfig {
        ServerConfig {
            limits: QueryLimits {
                max_document_bytes: self.max_document_bytes,
                max_depth: self.max_depth,
                max_complexity: self.max_complexity,
                max_aliases: self.max_aliases,
                max_root_fields: self.max_root_fields,
                max_page_size: self.max_page_size,
                introspection: !self.no_introspection,
            },
            max_body_bytes: self.max_body_bytes,
            max_batch: self.max_batch,
            request_timeout: self.request_timeout,
            body_timeout: self.body_timeout,
            max_concurrent: self.max_concurrent,
            rate_limit: (self.rate_limit > 0).then_some(RateLimit {
                per_second: self.rate_limit,
                burst: self.rate_burst,
            }),
            trust_forwarded_for: self.trust_forwarded_for,
            cors_origins: self
                .cors_origins
                .iter()
                .map(|o| o.trim().to_string())
                .filter(|o| !o.is_empty())
                .collect(),
            apq_entries: self.apq_entries,
            response_cache_entries: self.response_cache_entries,
            response_cache_bytes: self.response_cache_bytes,
            document_cache_entries: self.document_cache_entries,
        }
    }
}

fn init_logs(format: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("AIDGRAPH_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    if format == "json" {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .init();
    } else {
        builder.with_target(false).init();
    }
}

fn load(dir: Option<&PathBuf>) -> Result<Dataset, Diagnostics> {
    match dir {
        Some(d) => seed::load_dir(d),
        None => seed::load_embedded(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Schema) => {
            print!("{}", aidgraph::api::sdl());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check { dir, iati }) => Ok(check(dir.as_ref(), &iati)),
        Some(Command::Import(ImportCommand::Iati { paths, out, seed })) => {
            import_iati(&paths, &out, seed.as_ref())
        }
        Some(Command::Serve(args)) => serve(args),
        Some(Command::Export(args)) => export(args),
        Some(Command::Generate(args)) => generate(args),
        Some(Command::Snapshot { out, seed, iati }) => {
            snapshot(data_source(seed.as_ref(), &iati), &out)
        }
        None => serve(cli.serve),
    };
    result.unwrap_or_else(|e| {
        eprintln!("aidgraph: error: {e:#}");
        ExitCode::FAILURE
    })
}

/// The data folder (or the built-in seed) with the records of IATI files added.
fn load_with_iati(dir: Option<&PathBuf>, iati: &[PathBuf]) -> Result<Dataset, Diagnostics> {
    load(dir).and_then(|base| {
        if iati.is_empty() {
            return Ok(base);
        }
        let files = aidgraph::iati::files(iati)?;
        let imported = aidgraph::iati::import(&files, &base, true)?;
        aidgraph::iati::report_warnings(&imported.warnings);
        Ok(aidgraph::iati::merge(base, imported.data))
    })
}

fn check(dir: Option<&PathBuf>, iati: &[PathBuf]) -> ExitCode {
    // A folder alone is checked as the server reads it, relations staged (within 2 GB at 1M
    // nodes); with IATI files the records are joined, so the data set is loaded whole.
    let counts = match (dir, iati.is_empty()) {
        (Some(d), true) => seed::check_dir(d),
        _ => load_with_iati(dir, iati).map(|data| seed::Counts::of(&data)),
    };
    match counts {
        Ok(Counts {
            records: r,
            relations,
        }) => {
            println!(
                "ok: {} sources, {} organisations, {} programmes, {} projects, {} countries, \
                 {} regions, {} themes, {} outcomes, {relations} relations; every quote found in \
                 its source{}",
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                if iati.is_empty() {
                    ""
                } else {
                    " (IATI records quote their files as read)"
                }
            );
            ExitCode::SUCCESS
        }
        Err(diags) => {
            eprintln!("{diags}");
            ExitCode::FAILURE
        }
    }
}

fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    init_logs(&args.log_format);
    if args.watch && args.seed.is_none() && args.iati.is_empty() && args.snapshot.is_none() {
        anyhow::bail!(
            "--watch needs something to watch: add --seed DIR or --snapshot FILE (the built-in \
             seed cannot change)"
        )
    }
    let source = match &args.snapshot {
        Some(file) => DataSource::Snapshot(file.clone()),
        None => data_source(args.seed.as_ref(), &args.iati),
    };
    let config = args.config();
    if config
        .cors_origins
        .iter()
        .any(|o| o != "*" && !o.starts_with("http://") && !o.starts_with("https://"))
    {
        anyhow::bail!(
            "--cors-origin takes origins such as https://app.example.org (scheme and host), or *"
        );
    }
    let live = match Live::load(source) {
        Ok(live) => Arc::new(live),
        Err(diags) => {
            eprintln!("{diags}");
            eprintln!("aidgraph: not serving: the data has problems (fix them, then run again)");
            return Ok(ExitCode::FAILURE);
        }
    };
    let watch = Watch {
        interval: args.watch.then_some(args.watch_interval),
    };
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime
        .block_on(aidgraph::http::serve(args.addr, live, config, watch))
        .with_context(|| format!("cannot serve on {}", args.addr))?;
    Ok(ExitCode::SUCCESS)
}

/// The built-in seed or a folder, with IATI files beside it if any.
fn data_source(seed: Option<&PathBuf>, iati: &[PathBuf]) -> DataSource {
    let base = match seed {
        Some(dir) => DataSource::Dir(dir.clone()),
        None => DataSource::Embedded,
    };
    if iati.is_empty() {
        base
    } else {
        DataSource::WithIati {
            base: Box::new(base),
            iati: iati.to_vec(),
        }
    }
}

/// `aidgraph snapshot`: load, build, write the snapshot next to its final name and rename it
/// into place, so no reader ever sees half a snapshot.
fn snapshot(source: DataSource, out: &std::path::Path) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let graph = match source.build() {
        Ok(g) => g,
        Err(diags) => {
            eprintln!("{diags}");
            eprintln!("aidgraph: no snapshot written: the data has problems");
            return Ok(ExitCode::FAILURE);
        }
    };
    let built = started.elapsed();
    let bytes = write_snapshot(&graph, out)?;
    eprintln!(
        "{}: {}; built in {:.2} s, written in {:.2} s",
        out.display(),
        snapshot_sizes(&graph, bytes),
        built.as_secs_f64(),
        (started.elapsed() - built).as_secs_f64(),
    );
    Ok(ExitCode::SUCCESS)
}

/// "N nodes, M relations, B bytes (x per node, y per relation)".
fn snapshot_sizes(graph: &aidgraph::graph::KnowledgeGraph, bytes: u64) -> String {
    format!(
        "{} nodes, {} relations, {bytes} bytes ({:.1} per node, {:.1} per relation)",
        graph.node_count(),
        graph.edge_count(),
        bytes as f64 / graph.node_count().max(1) as f64,
        bytes as f64 / graph.edge_count().max(1) as f64,
    )
}

fn write_snapshot(
    graph: &aidgraph::graph::KnowledgeGraph,
    out: &std::path::Path,
) -> anyhow::Result<u64> {
    let name = out
        .file_name()
        .with_context(|| format!("--out {}: give a file name", out.display()))?;
    let mut partial = name.to_os_string();
    partial.push(".partial");
    let tmp = out.with_file_name(partial);
    let result = std::fs::File::create(&tmp)
        .and_then(|f| graph.write_snapshot(f))
        .and_then(|bytes| std::fs::rename(&tmp, out).map(|()| bytes));
    match result {
        Ok(bytes) => Ok(bytes),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e).with_context(|| format!("cannot write the snapshot {}", out.display()))
        }
    }
}

fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    use aidgraph::export::{self, ExportParams, Format};

    let formats: Vec<Format> = if args.format.trim().eq_ignore_ascii_case("csv") {
        vec![Format::NodesCsv, Format::EdgesCsv]
    } else {
        vec![
            args.format
                .parse::<Format>()
                .map_err(|e| anyhow::anyhow!("{e}, csv"))?,
        ]
    };
    let csv_dir = formats.len() > 1;
    if csv_dir && args.out.is_none() {
        anyhow::bail!("--format csv writes nodes.csv and edges.csv: give the folder with --out");
    }
    let params = ExportParams {
        around: args.around,
        depth: args.depth,
        kinds: args.kinds,
        types: args.types,
        limit: args.limit,
    };
    let data = match load_with_iati(args.seed.as_ref(), &args.iati) {
        Ok(d) => d,
        Err(diags) => {
            eprintln!("{diags}");
            eprintln!("aidgraph: not exporting: the data has problems (fix them, then run again)");
            return Ok(ExitCode::FAILURE);
        }
    };
    let graph = KnowledgeGraph::build(data);
    let selection = export::select_for(formats[0], &graph, &params)?;
    let metrics = if formats.iter().all(|f| f.uses_metrics()) {
        graph.node_metrics()
    } else {
        Default::default()
    };
    let write = |format: Format, out: &mut dyn std::io::Write| {
        export::write(
            format,
            &graph,
            &selection.subgraph,
            &metrics,
            &mut &mut *out,
        )
    };
    match &args.out {
        None => {
            let stdout = std::io::stdout();
            write(formats[0], &mut stdout.lock()).context("cannot write to standard output")?;
        }
        Some(dir) if csv_dir => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the folder {}", dir.display()))?;
            for format in formats {
                let path = dir.join(format.extension());
                let mut file = std::fs::File::create(&path)
                    .with_context(|| format!("cannot create {}", path.display()))?;
                write(format, &mut file)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
        }
        Some(path) => {
            let mut file = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            write(formats[0], &mut file)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn generate(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    use std::io::{IsTerminal, Write};

    use aidgraph::generate::{self, Params};

    let started = std::time::Instant::now();
    let usage = |message: String| -> ! {
        use clap::CommandFactory;
        Cli::command()
            .error(clap::error::ErrorKind::ValueValidation, message)
            .exit()
    };
    let nodes = match (args.nodes, args.target_bytes) {
        (Some(n), _) => n,
        (None, Some(_)) if args.format.is_folder() => usage(format!(
            "--target-bytes sizes --format iati files only: give --nodes N for --format {}",
            args.format
        )),
        (None, Some(bytes)) => generate::iati::activities_for_bytes(bytes, args.seed),
        (None, None) => anyhow::bail!("give --nodes N or --target-bytes SIZE"),
    };
    let params = Params {
        nodes,
        seed: args.seed,
    };
    if args.format.is_folder() || args.format == generate::Format::Snapshot {
        if nodes < generate::seed::MIN_NODES {
            usage(format!(
                "--format {} needs --nodes {} or more (the countries, regions and themes alone \
                 are about 100 nodes)",
                args.format,
                generate::seed::MIN_NODES
            ));
        }
        if args.format == generate::Format::Snapshot {
            return generate_snapshot(&args.out, &params, started);
        }
        return generate_seed(&args.out, &params, started);
    }
    let path = &args.out;
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let tty = std::io::stderr().is_terminal();
    let mut last = started;
    let mut progress = |done: usize, bytes: u64| {
        if tty && (last.elapsed().as_millis() >= 200 || done == nodes) {
            last = std::time::Instant::now();
            eprint!(
                "\r{}: {}% ({done} of {nodes} activities, {:.1} MB)",
                path.display(),
                done * 100 / nodes,
                bytes as f64 / 1e6
            );
        }
    };
    let result = generate::write(args.format, &mut out, &params, &mut progress)
        .map_err(anyhow::Error::from)
        .and_then(|stats| Ok(out.flush().map(|()| stats)?));
    if tty {
        eprintln!();
    }
    let stats = match result {
        Ok(stats) => stats,
        Err(e) => {
            // Leave no truncated file behind that could pass for a generated one.
            let _ = std::fs::remove_file(path);
            return Err(e.context(format!("cannot write {}", path.display())));
        }
    };
    eprintln!(
        "wrote {}: {} activities from {} publishers, {} transactions, {} bytes ({:.1} MB) in {:.2} s",
        path.display(),
        stats.activities,
        stats.publishers,
        stats.transactions,
        stats.bytes,
        stats.bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// `aidgraph generate --format snapshot`: the generated seed folder, loaded and written as a
/// snapshot. The folder goes to `OUT.seed.partial` and is removed whatever happens, so the
/// snapshot is exactly what `generate --format seed` then `aidgraph snapshot --seed` make.
fn generate_snapshot(
    out: &std::path::Path,
    params: &aidgraph::generate::Params,
    started: std::time::Instant,
) -> anyhow::Result<ExitCode> {
    let name = out
        .file_name()
        .with_context(|| format!("--out {}: give a file name", out.display()))?;
    if out.is_dir() {
        anyhow::bail!(
            "{} is a folder: --format snapshot writes a file; give a file name to --out",
            out.display()
        );
    }
    let mut folder = name.to_os_string();
    folder.push(".seed.partial");
    let dir = out.with_file_name(folder);
    if dir.exists() {
        anyhow::bail!(
            "{} exists (left by an interrupted run?): remove it, then generate again",
            dir.display()
        );
    }
    let result = (|| -> anyhow::Result<ExitCode> {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the folder {}", dir.display()))?;
        aidgraph::generate::write_seed(&dir, params, &mut |_, _| {})
            .with_context(|| format!("cannot write {}", dir.display()))?;
        let generated = started.elapsed();
        let graph = match DataSource::Dir(dir.clone()).build() {
            Ok(g) => g,
            Err(diags) => {
                // A generator bug, not the user's: say so with the evidence.
                eprintln!("{diags}");
                anyhow::bail!("the generated data has problems (a bug: please report it)");
            }
        };
        let built = started.elapsed();
        let bytes = write_snapshot(&graph, out)?;
        eprintln!(
            "wrote {}: {}; generated in {:.2} s, loaded in {:.2} s, written in {:.2} s; the hub \
             `{}` implements every project",
            out.display(),
            snapshot_sizes(&graph, bytes),
            generated.as_secs_f64(),
            (built - generated).as_secs_f64(),
            (started.elapsed() - built).as_secs_f64(),
            aidgraph::generate::seed::HUB_ID,
        );
        Ok(ExitCode::SUCCESS)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// `aidgraph generate --format seed`: a seed data folder at `dir`, which must be new or empty.
fn generate_seed(
    dir: &std::path::Path,
    params: &aidgraph::generate::Params,
    started: std::time::Instant,
) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;

    if dir.is_file() {
        anyhow::bail!(
            "{} is a file: --format seed writes a folder; give a new or empty folder to --out",
            dir.display()
        );
    }
    let created = !dir.exists();
    if !created {
        let mut entries = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read the folder {}", dir.display()))?;
        if entries.next().is_some() {
            anyhow::bail!(
                "{} is not empty: --format seed writes a folder; give a new or empty folder to --out",
                dir.display()
            );
        }
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    let nodes = params.nodes;
    let tty = std::io::stderr().is_terminal();
    let mut last = started;
    let mut progress = |done: usize, bytes: u64| {
        if tty && last.elapsed().as_millis() >= 200 {
            last = std::time::Instant::now();
            eprint!(
                "\r{}: {}% (about {done} of {nodes} nodes, {:.1} MB)",
                dir.display(),
                (done * 100 / nodes).min(100),
                bytes as f64 / 1e6
            );
        }
    };
    let result = aidgraph::generate::write_seed(dir, params, &mut progress);
    if tty {
        eprintln!();
    }
    let stats = match result {
        Ok(stats) => stats,
        Err(e) => {
            // Leave no partial folder behind that could pass for a generated one: everything
            // in it is ours, since it was new or empty.
            if created {
                let _ = std::fs::remove_dir_all(dir);
            } else if let Ok(entries) = std::fs::read_dir(dir) {
                for path in entries.flatten().map(|e| e.path()) {
                    let _ = if path.is_dir() {
                        std::fs::remove_dir_all(&path)
                    } else {
                        std::fs::remove_file(&path)
                    };
                }
            }
            return Err(anyhow::Error::from(e).context(format!("cannot write {}", dir.display())));
        }
    };
    eprintln!(
        "wrote {}: {} nodes ({} sources, {} organisations, {} programmes, {} projects, \
         {} countries, {} regions, {} themes, {} outcomes) and {} edges ({} relations, {} \
         derived reports) in {} data files and {} source files, {} bytes ({:.1} MB) in {:.2} s; \
         the hub `{}` implements every project; check it with `aidgraph check {}`",
        dir.display(),
        stats.nodes(),
        stats.sources,
        stats.organizations,
        stats.programmes,
        stats.projects,
        stats.countries,
        stats.regions,
        stats.themes,
        stats.outcomes,
        stats.edges(),
        stats.relations,
        stats.outcomes,
        stats.toml_files,
        stats.source_files,
        stats.bytes,
        stats.bytes as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        aidgraph::generate::seed::HUB_ID,
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `aidgraph import iati`: the base data set, the IATI files in `sources/`, and `iati.toml`.
fn import_iati(
    paths: &[PathBuf],
    out: &std::path::Path,
    seed_dir: Option<&PathBuf>,
) -> anyhow::Result<ExitCode> {
    use aidgraph::iati;

    let files_in_out = std::fs::read_dir(out).map(|mut d| d.next().is_some());
    if matches!(files_in_out, Ok(true)) {
        anyhow::bail!(
            "{} is not empty: give a new or empty folder to --out",
            out.display()
        );
    }
    let base_files = match seed_dir {
        Some(d) => seed::SeedFiles::read_dir(d),
        None => Ok(seed::SeedFiles::embedded()),
    };
    let imported = base_files.and_then(|files| {
        let base = files.load()?;
        let iati_files = iati::files(paths)?;
        let imported = iati::import(&iati_files, &base, true)?;
        Ok((files, iati_files, imported))
    });
    let (base_files, iati_files, imported) = match imported {
        Ok(x) => x,
        Err(diags) => {
            eprintln!("{diags}");
            eprintln!("aidgraph: nothing written: fix the problems above, then run again");
            return Ok(ExitCode::FAILURE);
        }
    };
    iati::report_warnings(&imported.warnings);
    let sources = out.join("sources");
    std::fs::create_dir_all(&sources)
        .with_context(|| format!("cannot create {}", sources.display()))?;
    for (path, text) in &base_files.data {
        let name = std::path::Path::new(path)
            .file_name()
            .context("a data file without a name")?;
        std::fs::write(out.join(name), text)
            .with_context(|| format!("cannot write {}", out.join(name).display()))?;
    }
    for (name, text) in &base_files.sources {
        std::fs::write(sources.join(name), text)
            .with_context(|| format!("cannot write {}", sources.join(name).display()))?;
    }
    for f in &iati_files {
        let to = sources.join(&f.source_name);
        if to.exists() {
            anyhow::bail!(
                "sources/{} exists in the base data set: rename the IATI file",
                f.source_name
            );
        }
        std::fs::copy(&f.path, &to)
            .with_context(|| format!("cannot copy {} to {}", f.path.display(), to.display()))?;
    }
    let toml_path = out.join("iati.toml");
    std::fs::write(&toml_path, iati::toml::write(&imported.data))
        .with_context(|| format!("cannot write {}", toml_path.display()))?;
    let d = &imported.data;
    println!(
        "wrote {}: {} projects, {} organisations, {} outcomes, {} relations from {} IATI file{}; \
         check it with `aidgraph check {}`",
        toml_path.display(),
        d.projects.len(),
        d.organizations.len(),
        d.outcomes.len(),
        d.relations.len(),
        iati_files.len(),
        if iati_files.len() == 1 { "" } else { "s" },
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}
