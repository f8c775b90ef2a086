//! Network exports for Gephi, NetworkX and Cytoscape: GraphML, GEXF 1.3, CSV (nodes and
//! edges), Cytoscape.js elements JSON and NetworkX node-link JSON.
//!
//! *Architecture Invariant*: exports read the graph and precomputed metrics; they compute
//! nothing themselves and know nothing of HTTP.
