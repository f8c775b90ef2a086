//! The integration tests: one binary, driving aidgraph through its public surfaces
//! (GraphQL over HTTP, the CLI, the data loader).

mod abuse;
mod analysis;
mod app;
mod cache;
mod cli;
mod export;
mod facts;
mod generate;
mod graphql;
mod http;
mod iati;
mod iati_export;
mod loader_props;
mod ops;
mod paging;
mod plan;
mod playground;
mod process;
mod protocol;
mod provenance;
mod seed_errors;
mod snapshot;
mod tidy;
