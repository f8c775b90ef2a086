//! The `aidgraph` command: serve (the default), check, schema.

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
