//! aidgraph: a GraphQL knowledge-graph server for development-cooperation data.
//!
//! Data flows one way: files ([`seed`]) -> domain ([`model`]) -> store ([`graph`]) ->
//! GraphQL ([`api`]) -> HTTP ([`http`]); [`live`] holds the graph being served and swaps in a
//! new one on reload. Nothing points back up; see ARCHITECTURE.md. [`generate`] writes large
//! synthetic input files (IATI 2.03) for benchmarks and round-trip tests.

pub mod analysis;
pub mod api;
pub mod export;
pub mod generate;
pub mod graph;
pub mod http;
pub mod iati;
pub mod live;
pub mod model;
pub mod seed;
