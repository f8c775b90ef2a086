//! The `aidgraph` command: serve (the default), check, schema, export.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use aidgraph::graph::KnowledgeGraph;
use aidgraph::model::Dataset;
use aidgraph::seed::{self, Diagnostics};

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
    },
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Write the graph, or a neighbourhood of a node, for Gephi, NetworkX or Cytoscape.
    Export(ExportArgs),
}

#[derive(Args)]
struct ExportArgs {
    /// graphml, gexf, nodes.csv, edges.csv, csv (both, into the --out folder), cytoscape or
    /// node-link.
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
    #[arg(long, env = "AIDGRAPH_SEED")]
    seed: Option<PathBuf>,
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
        Some(Command::Check { dir }) => Ok(check(dir.as_ref())),
        Some(Command::Serve(args)) => serve(args),
        Some(Command::Export(args)) => export(args),
        None => serve(cli.serve),
    };
    result.unwrap_or_else(|e| {
        eprintln!("aidgraph: error: {e:#}");
        ExitCode::FAILURE
    })
}

fn check(dir: Option<&PathBuf>) -> ExitCode {
    match load(dir) {
        Ok(data) => {
            println!(
                "ok: {} sources, {} organisations, {} programmes, {} projects, {} countries, \
                 {} regions, {} themes, {} outcomes, {} relations; every quote found in its source",
                data.sources.len(),
                data.organizations.len(),
                data.programmes.len(),
                data.projects.len(),
                data.countries.len(),
                data.regions.len(),
                data.themes.len(),
                data.outcomes.len(),
                data.relations.len()
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
    let data = match load(args.seed.as_ref()) {
        Ok(d) => d,
        Err(diags) => {
            eprintln!("{diags}");
            eprintln!("aidgraph: not serving: the data has problems (fix them, then run again)");
            return Ok(ExitCode::FAILURE);
        }
    };
    let graph = Arc::new(KnowledgeGraph::build(data));
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime
        .block_on(aidgraph::http::serve(args.addr, graph))
        .with_context(|| format!("cannot serve on {}", args.addr))?;
    Ok(ExitCode::SUCCESS)
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
    let data = match load(args.seed.as_ref()) {
        Ok(d) => d,
        Err(diags) => {
            eprintln!("{diags}");
            eprintln!("aidgraph: not exporting: the data has problems (fix them, then run again)");
            return Ok(ExitCode::FAILURE);
        }
    };
    let graph = KnowledgeGraph::build(data);
    let selection = export::select(&graph, &params)?;
    let metrics = graph.node_metrics();
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
