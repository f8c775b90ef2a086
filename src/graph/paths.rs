//! Paths between two entities: the shortest one (breadth-first) and all simple ones up to a
//! length, over a directed or undirected view restricted by a [`Filter`].
//!
//! Paths are node sequences. Where two entities are linked by several relations, each hop
//! carries the first allowed relation in data order, so answers are deterministic.

use std::collections::VecDeque;

use petgraph::Direction::{Incoming, Outgoing};
use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

use super::{Filter, KnowledgeGraph};

/// Which way relations may be followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathView {
    /// Only from subject to object ("METI funds project", then "project in Malaysia").
    Directed,
    /// Either way: two entities are connected whatever the relations' directions.
    Undirected,
}

/// One hop of a path: the relation and whether it was followed along its direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop {
    pub edge: EdgeIndex,
    pub forward: bool,
}

/// A path: `nodes.len() == hops.len() + 1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub nodes: Vec<NodeIndex>,
    pub hops: Vec<Hop>,
}

/// How far a path search may go.
#[derive(Debug, Clone)]
pub struct PathQuery {
    pub view: PathView,
    /// Relation types to follow and kinds of entity to pass through (the ends always count).
    pub filter: Filter,
    /// The longest path, in hops.
    pub max_length: usize,
}

/// A path search that stopped at its work bound before finishing.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "the search explored {steps} partial paths without finishing; lower maxLength or restrict the relation types and kinds"
)]
pub struct SearchTooLarge {
    pub steps: usize,
}

impl KnowledgeGraph {
    /// The hops out of `node` allowed by `q`, as `(other end, hop)`, in data order.
    fn hops(&self, node: NodeIndex, q: &PathQuery) -> Vec<(NodeIndex, Hop)> {
        let mut out: Vec<(NodeIndex, Hop)> = self
            .graph
            .edges_directed(node, Outgoing)
            .filter(|e| q.filter.keeps_type(e.weight().kind))
            .map(|e| {
                let hop = Hop {
                    edge: e.id(),
                    forward: true,
                };
                (e.target(), hop)
            })
            .collect();
        if q.view == PathView::Undirected {
            out.extend(
                self.graph
                    .edges_directed(node, Incoming)
                    .filter(|e| q.filter.keeps_type(e.weight().kind))
                    .map(|e| {
                        let hop = Hop {
                            edge: e.id(),
                            forward: false,
                        };
                        (e.source(), hop)
                    }),
            );
        }
        // One hop per neighbour: the first relation in data order.
        out.sort_by_key(|(n, h)| (n.index(), h.edge.index()));
        out.dedup_by_key(|(n, _)| *n);
        out.sort_by_key(|(_, h)| h.edge.index());
        out
    }

    /// Whether a path may pass through `node` (the ends always may).
    fn passable(&self, node: NodeIndex, q: &PathQuery) -> bool {
        q.filter.keeps_kind(self.graph[node].kind())
    }

    /// A shortest path from `from` to `to` of at most `q.max_length` hops, if any. Among
    /// shortest paths, the one found first breadth-first in data order.
    pub fn shortest_path(&self, from: NodeIndex, to: NodeIndex, q: &PathQuery) -> Option<Path> {
        if from == to {
            return Some(Path {
                nodes: vec![from],
                hops: Vec::new(),
            });
        }
        let n = self.graph.node_count();
        let mut parent: Vec<Option<(NodeIndex, Hop)>> = vec![None; n];
        let mut seen = vec![false; n];
        seen[from.index()] = true;
        let mut queue = VecDeque::from([(from, 0usize)]);
        while let Some((node, d)) = queue.pop_front() {
            if d == q.max_length {
                continue;
            }
            for (next, hop) in self.hops(node, q) {
                if seen[next.index()] {
                    continue;
                }
                seen[next.index()] = true;
                parent[next.index()] = Some((node, hop));
                if next == to {
                    return Some(unwind(&parent, to));
                }
                if self.passable(next, q) {
                    queue.push_back((next, d + 1));
                }
            }
        }
        None
    }

    /// Simple paths (no entity twice) from `from` to `to` of at most `q.max_length` hops,
    /// shortest first, at most `limit` of them. The search gives up after `budget` partial
    /// paths rather than running unbounded on a dense graph.
    pub fn simple_paths(
        &self,
        from: NodeIndex,
        to: NodeIndex,
        q: &PathQuery,
        limit: usize,
        budget: usize,
    ) -> Result<Vec<Path>, SearchTooLarge> {
        let mut found = Vec::new();
        if from == to || limit == 0 {
            return Ok(found);
        }
        let mut steps = 0;
        // Iterative deepening yields shorter paths first; every level costs at most `budget`.
        for length in 1..=q.max_length {
            let mut on_path = vec![false; self.graph.node_count()];
            on_path[from.index()] = true;
            let mut nodes = vec![from];
            let mut hops = Vec::new();
            let mut reached_depth = false;
            self.extend_paths(
                &mut Search {
                    to,
                    q,
                    length,
                    limit,
                    budget,
                    steps: &mut steps,
                    found: &mut found,
                    on_path: &mut on_path,
                    reached_depth: &mut reached_depth,
                },
                &mut nodes,
                &mut hops,
            )?;
            if found.len() >= limit || !reached_depth {
                break;
            }
        }
        Ok(found)
    }

    fn extend_paths(
        &self,
        s: &mut Search<'_>,
        nodes: &mut Vec<NodeIndex>,
        hops: &mut Vec<Hop>,
    ) -> Result<(), SearchTooLarge> {
        let last = *nodes.last().expect("a path starts with its first node");
        for (next, hop) in self.hops(last, s.q) {
            if s.found.len() >= s.limit {
                return Ok(());
            }
            if s.on_path[next.index()] {
                continue;
            }
            *s.steps += 1;
            if *s.steps > s.budget {
                return Err(SearchTooLarge { steps: s.budget });
            }
            let depth = hops.len() + 1;
            if next == s.to {
                if depth == s.length {
                    let mut p = Path {
                        nodes: nodes.clone(),
                        hops: hops.clone(),
                    };
                    p.nodes.push(next);
                    p.hops.push(hop);
                    s.found.push(p);
                }
                continue;
            }
            if depth == s.length {
                *s.reached_depth = true;
                continue;
            }
            if !self.passable(next, s.q) {
                continue;
            }
            s.on_path[next.index()] = true;
            nodes.push(next);
            hops.push(hop);
            self.extend_paths(s, nodes, hops)?;
            nodes.pop();
            hops.pop();
            s.on_path[next.index()] = false;
        }
        Ok(())
    }
}

/// The state of one depth level of [`KnowledgeGraph::simple_paths`].
struct Search<'a> {
    to: NodeIndex,
    q: &'a PathQuery,
    length: usize,
    limit: usize,
    budget: usize,
    steps: &'a mut usize,
    found: &'a mut Vec<Path>,
    on_path: &'a mut Vec<bool>,
    /// Whether some partial path reached `length` hops without ending at `to`, so that a
    /// longer path may exist.
    reached_depth: &'a mut bool,
}

fn unwind(parent: &[Option<(NodeIndex, Hop)>], to: NodeIndex) -> Path {
    let mut nodes = vec![to];
    let mut hops = Vec::new();
    let mut at = to;
    while let Some((prev, hop)) = parent[at.index()] {
        nodes.push(prev);
        hops.push(hop);
        at = prev;
    }
    nodes.reverse();
    hops.reverse();
    Path { nodes, hops }
}
