//! Paths between two entities: the shortest one (breadth-first) and all simple ones up to a
//! length, over a directed or undirected view restricted by a [`Filter`].
//!
//! Paths are node sequences. Where two entities are linked by several relations, each hop
//! carries the first allowed relation in data order, so answers are deterministic.

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
    "the search scanned {steps} relations without finishing; lower maxLength or restrict the relation types and kinds"
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

    /// A shortest path from `from` to `to` of at most `q.max_length` hops, if any.
    ///
    /// Bidirectional breadth-first search (as NetworkX's `shortest_path`): each round grows
    /// the smaller frontier by one level, so the work is about the square root of a one-sided
    /// search's on graphs with hubs. Deterministic: the graph's adjacency order is fixed.
    pub fn shortest_path(&self, from: NodeIndex, to: NodeIndex, q: &PathQuery) -> Option<Path> {
        if from == to {
            return Some(Path {
                nodes: vec![from],
                hops: Vec::new(),
            });
        }
        const NONE: u32 = u32::MAX;
        let n = self.graph.node_count();
        // pred[v]: v's neighbour towards `from`; succ[v]: towards `to`.
        let mut pred = vec![NONE; n];
        let mut succ = vec![NONE; n];
        pred[from.index()] = from.index() as u32;
        succ[to.index()] = to.index() as u32;
        let mut forward = vec![from];
        let mut backward = vec![to];
        let (mut depth_f, mut depth_b) = (0, 0);
        let undirected = q.view == PathView::Undirected;
        while !forward.is_empty() && !backward.is_empty() && depth_f + depth_b < q.max_length {
            let grow_forward = forward.len() <= backward.len();
            let (frontier, mine, theirs, dir) = if grow_forward {
                (&mut forward, &mut pred, &succ, Outgoing)
            } else {
                (&mut backward, &mut succ, &pred, Incoming)
            };
            let mut next = Vec::new();
            for &u in frontier.iter() {
                if u != from && u != to && !self.passable(u, q) {
                    continue;
                }
                let dirs: &[petgraph::Direction] = if undirected {
                    &[Outgoing, Incoming]
                } else if dir == Outgoing {
                    &[Outgoing]
                } else {
                    &[Incoming]
                };
                for &d in dirs {
                    for e in self.graph.edges_directed(u, d) {
                        if !q.filter.keeps_type(e.weight().kind) {
                            continue;
                        }
                        let v = if d == Outgoing {
                            e.target()
                        } else {
                            e.source()
                        };
                        if mine[v.index()] != NONE {
                            continue;
                        }
                        mine[v.index()] = u.index() as u32;
                        if theirs[v.index()] != NONE
                            && (v == from || v == to || self.passable(v, q))
                        {
                            return Some(self.join(from, to, v, &pred, &succ, q));
                        }
                        next.push(v);
                    }
                }
            }
            *frontier = next;
            if grow_forward {
                depth_f += 1;
            } else {
                depth_b += 1;
            }
        }
        None
    }

    /// The path through `meet` from the two search trees, each hop the first allowed
    /// relation in data order between its two entities.
    fn join(
        &self,
        from: NodeIndex,
        to: NodeIndex,
        meet: NodeIndex,
        pred: &[u32],
        succ: &[u32],
        q: &PathQuery,
    ) -> Path {
        let mut nodes = vec![meet];
        let mut at = meet;
        while at != from {
            at = NodeIndex::new(pred[at.index()] as usize);
            nodes.push(at);
        }
        nodes.reverse();
        at = meet;
        while at != to {
            at = NodeIndex::new(succ[at.index()] as usize);
            nodes.push(at);
        }
        let hops = nodes
            .windows(2)
            .map(|w| self.first_hop(w[0], w[1], q))
            .collect();
        Path { nodes, hops }
    }

    /// The first relation in data order that `q` lets a path follow from `a` to `b`.
    fn first_hop(&self, a: NodeIndex, b: NodeIndex, q: &PathQuery) -> Hop {
        let forward = self
            .graph
            .edges_connecting(a, b)
            .filter(|e| q.filter.keeps_type(e.weight().kind))
            .map(|e| Hop {
                edge: e.id(),
                forward: true,
            });
        let backward = self
            .graph
            .edges_connecting(b, a)
            .filter(|e| q.view == PathView::Undirected && q.filter.keeps_type(e.weight().kind))
            .map(|e| Hop {
                edge: e.id(),
                forward: false,
            });
        forward
            .chain(backward)
            .min_by_key(|h| h.edge.index())
            .expect("the search followed a relation between consecutive nodes")
    }

    /// Simple paths (no entity twice) from `from` to `to` of at most `q.max_length` hops,
    /// shortest first, at most `limit` of them. The search gives up after scanning
    /// `budget` relations rather than running unbounded on a dense graph.
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
        // The budget counts relations scanned, kept or not: a hub costs its degree.
        *s.steps += self.graph.edges_directed(last, Outgoing).count()
            + match s.q.view {
                PathView::Undirected => self.graph.edges_directed(last, Incoming).count(),
                PathView::Directed => 0,
            }
            + 1;
        for (next, hop) in self.hops(last, s.q) {
            if s.found.len() >= s.limit {
                return Ok(());
            }
            if s.on_path[next.index()] {
                continue;
            }
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
