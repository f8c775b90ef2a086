//! Components and communities on the undirected simple view of a [`Snapshot`]: connected
//! components, Louvain, asynchronous label propagation, and Newman modularity.

use std::collections::VecDeque;

use super::rng::Rng;
use super::{Partition, Snapshot};

/// Connected components of the undirected simple view (`networkx.connected_components`),
/// each sorted ascending, ordered by size descending then smallest member. Isolated nodes
/// are components of their own. O(n + m).
pub fn components(s: &Snapshot) -> Vec<Vec<u32>> {
    let n = s.node_count();
    let mut seen = vec![false; n];
    let mut out = Vec::new();
    for start in 0..n as u32 {
        if seen[start as usize] {
            continue;
        }
        seen[start as usize] = true;
        let mut comp = vec![start];
        let mut head = 0;
        while let Some(&v) = comp.get(head) {
            head += 1;
            for &w in s.neighbors(v) {
                if !seen[w as usize] {
                    seen[w as usize] = true;
                    comp.push(w);
                }
            }
        }
        comp.sort_unstable();
        out.push(comp);
    }
    sort_groups(&mut out);
    out
}

/// Orders sorted, non-empty groups by size descending, then smallest member.
fn sort_groups(groups: &mut [Vec<u32>]) {
    groups.sort_unstable_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
}

/// Builds the canonical [`Partition`] from any labelling of the nodes (`labels[v]` is `v`'s
/// group, any `u32`): communities numbered from 0 by decreasing size, ties by smallest
/// member, members ascending, with the modularity at `resolution`.
fn canonical_partition(s: &Snapshot, labels: &[u32], resolution: f64) -> Partition {
    let mut order: Vec<u32> = (0..labels.len() as u32).collect();
    order.sort_unstable_by_key(|&v| (labels[v as usize], v));
    let mut communities: Vec<Vec<u32>> = order
        .chunk_by(|&a, &b| labels[a as usize] == labels[b as usize])
        .map(<[u32]>::to_vec)
        .collect();
    sort_groups(&mut communities);
    let mut membership = vec![0u32; labels.len()];
    for (id, members) in communities.iter().enumerate() {
        for &v in members {
            membership[v as usize] = id as u32;
        }
    }
    let modularity = modularity(s, &membership, resolution);
    Partition {
        membership,
        communities,
        modularity,
    }
}

/// `networkx.community.modularity(G, communities, resolution=resolution)` on the undirected
/// simple view (unit weights), for a membership vector (`membership[v]` is `v`'s community;
/// ids need not be contiguous): `Σ_c L_c / m - resolution * (D_c / 2m)²` with `L_c` the
/// edges inside `c` and `D_c` its total degree, summed in ascending community id.
///
/// Returns 0.0 for a graph without edges (NetworkX divides by zero) and NaN if
/// `membership.len()` differs from the node count (NetworkX raises `NotAPartition`).
pub fn modularity(s: &Snapshot, membership: &[u32], resolution: f64) -> f64 {
    let n = s.node_count();
    if membership.len() != n {
        return f64::NAN;
    }
    let edges = s.undirected_edge_count();
    if edges == 0 {
        return 0.0;
    }
    let mut ids = membership.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let dense: Vec<usize> = membership
        .iter()
        .map(|c| ids.binary_search(c).unwrap_or_default())
        .collect();
    let mut inner = vec![0u64; ids.len()];
    let mut degree_sum = vec![0u64; ids.len()];
    for u in 0..n as u32 {
        let cu = dense[u as usize];
        let nbrs = s.neighbors(u);
        degree_sum[cu] += nbrs.len() as u64;
        inner[cu] += nbrs
            .iter()
            .filter(|&&v| v > u && dense[v as usize] == cu)
            .count() as u64;
    }
    let m = edges as f64;
    let norm = 1.0 / ((2 * edges) as f64).powi(2);
    inner
        .iter()
        .zip(&degree_sum)
        .map(|(&l, &d)| {
            let d = d as f64;
            l as f64 / m - resolution * d * d * norm
        })
        .sum()
}

/// NetworkX's default modularity-gain threshold between Louvain levels.
const LOUVAIN_THRESHOLD: f64 = 1e-7;
/// A safety bound on the confirming sweeps within one Louvain level (NetworkX has none;
/// every move strictly raises modularity, so it is never reached in practice).
const LOUVAIN_MAX_SWEEPS: usize = 1000;

/// Louvain community detection (Blondel et al.) on the undirected simple view with unit
/// weights, following `networkx.community.louvain_communities(G, resolution=resolution,
/// threshold=1e-7)`: at each level, nodes are visited in a random order (shuffled once per
/// level by a PRNG seeded with `seed`) and moved to the neighbouring community of largest
/// positive modularity gain until no move improves; communities are then aggregated into
/// weighted nodes (internal edges become self-loop weight) and the process repeats while a
/// level raises modularity by more than 1e-7. Isolated nodes stay alone.
///
/// Differences from NetworkX, none of which lowers the modularity reached: after the first
/// pass, only the neighbours of nodes that moved are revisited, with a full confirming sweep
/// at the end (see `one_level`); gains are compared in a form exact for unit weights. The
/// random stream differs from Python's, so partitions differ from NetworkX's for the same
/// seed, with similar modularity. Deterministic for a given seed.
/// About O(levels * (n + m)) in practice.
pub fn louvain(s: &Snapshot, resolution: f64, seed: u64) -> Partition {
    let n = s.node_count();
    let mut membership: Vec<u32> = (0..n as u32).collect();
    if s.undirected_edge_count() == 0 {
        return canonical_partition(s, &membership, resolution);
    }
    let m = s.undirected_edge_count() as f64;
    let mut rng = Rng::new(seed);
    let mut level = WeightedGraph::from_snapshot(s);
    let mut best = modularity(s, &membership, resolution);
    let mut coms = one_level(&level, m, resolution, &mut rng).0;
    loop {
        for c in &mut membership {
            *c = coms[*c as usize];
        }
        let current = modularity(s, &membership, resolution);
        if current - best <= LOUVAIN_THRESHOLD {
            break;
        }
        best = current;
        level = level.aggregate(&coms);
        let (next, improved) = one_level(&level, m, resolution, &mut rng);
        if !improved {
            break;
        }
        coms = next;
    }
    canonical_partition(s, &membership, resolution)
}

/// A weighted undirected graph without self-loops in its adjacency; `degree` is the weighted
/// degree including self-loops (counted twice, as NetworkX does).
struct WeightedGraph {
    offsets: Vec<usize>,
    targets: Vec<u32>,
    weights: Vec<f64>,
    degree: Vec<f64>,
}

impl WeightedGraph {
    fn from_snapshot(s: &Snapshot) -> WeightedGraph {
        let n = s.node_count();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut targets = Vec::with_capacity(2 * s.undirected_edge_count());
        offsets.push(0);
        for v in 0..n as u32 {
            targets.extend_from_slice(s.neighbors(v));
            offsets.push(targets.len());
        }
        let weights = vec![1.0; targets.len()];
        let degree = (0..n as u32).map(|v| s.degree_of(v) as f64).collect();
        WeightedGraph {
            offsets,
            targets,
            weights,
            degree,
        }
    }

    fn node_count(&self) -> usize {
        self.degree.len()
    }

    fn edges(&self, v: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let range = self.offsets[v]..self.offsets[v + 1];
        self.targets[range.clone()]
            .iter()
            .map(|&t| t as usize)
            .zip(self.weights[range].iter().copied())
    }

    /// The graph of communities (`coms[v]` in `0..k`, every id used): edge weights between
    /// communities summed, weights inside a community folded into its degree only.
    fn aggregate(&self, coms: &[u32]) -> WeightedGraph {
        let k = coms.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
        // Members of each community (counting sort).
        let mut start = vec![0usize; k + 1];
        for &c in coms {
            start[c as usize + 1] += 1;
        }
        for c in 0..k {
            start[c + 1] += start[c];
        }
        let mut cursor = start.clone();
        let mut members = vec![0usize; coms.len()];
        for (v, &c) in coms.iter().enumerate() {
            members[cursor[c as usize]] = v;
            cursor[c as usize] += 1;
        }
        let mut acc = vec![0.0f64; k];
        let mut touched: Vec<u32> = Vec::new();
        let mut offsets = Vec::with_capacity(k + 1);
        let mut targets = Vec::new();
        let mut weights = Vec::new();
        let mut degree = vec![0.0; k];
        offsets.push(0);
        for c in 0..k {
            for &v in &members[start[c]..start[c + 1]] {
                degree[c] += self.degree[v];
                for (w, wt) in self.edges(v) {
                    let cw = coms[w];
                    if cw as usize == c {
                        continue;
                    }
                    if acc[cw as usize] == 0.0 {
                        touched.push(cw);
                    }
                    acc[cw as usize] += wt;
                }
            }
            touched.sort_unstable();
            for &cw in &touched {
                targets.push(cw);
                weights.push(acc[cw as usize]);
                acc[cw as usize] = 0.0;
            }
            touched.clear();
            offsets.push(targets.len());
        }
        WeightedGraph {
            offsets,
            targets,
            weights,
            degree,
        }
    }
}

/// One Louvain level (NetworkX's `_one_level`): local moves until no single move raises
/// modularity. Returns each node's community renumbered `0..k` in ascending order of the
/// original community index, and whether any node moved.
///
/// NetworkX sweeps over all nodes (in one random order per level) until a sweep moves
/// nothing. On large sparse graphs that can take hundreds of sweeps, each moving a handful
/// of nodes along a "front". We reach the same stopping condition faster with the queue of
/// Traag et al.'s fast local moving: nodes are first queued in the random order, a node that
/// moves re-queues its neighbours, and when the queue runs dry a full sweep in the same
/// order confirms that no node can improve (re-queueing around any node it moves).
fn one_level(g: &WeightedGraph, m: f64, resolution: f64, rng: &mut Rng) -> (Vec<u32>, bool) {
    let n = g.node_count();
    let mut order: Vec<u32> = (0..n as u32).collect();
    rng.shuffle(&mut order);
    let mut mover = LocalMover {
        node2com: (0..n as u32).collect(),
        stot: g.degree.clone(),
        two_m: 2.0 * m,
        resolution,
        weight_to: vec![0.0; n],
        seen: vec![false; n],
        touched: Vec::new(),
    };
    let mut queue: VecDeque<u32> = order.iter().copied().collect();
    let mut queued = vec![true; n];
    let mut improvement = false;
    for _ in 0..LOUVAIN_MAX_SWEEPS {
        while let Some(u) = queue.pop_front() {
            queued[u as usize] = false;
            if mover.try_move(g, u as usize) {
                improvement = true;
                requeue(g, u as usize, &mut queue, &mut queued);
            }
        }
        let mut moved = false;
        for &u in &order {
            if mover.try_move(g, u as usize) {
                improvement = true;
                moved = true;
                requeue(g, u as usize, &mut queue, &mut queued);
            }
        }
        if !moved {
            break;
        }
    }
    // Renumber the non-empty communities 0..k by ascending index.
    let mut node2com = mover.node2com;
    let mut renumber = vec![u32::MAX; n];
    for &c in &node2com {
        renumber[c as usize] = 0;
    }
    for (next, r) in renumber.iter_mut().filter(|r| **r == 0).enumerate() {
        *r = next as u32;
    }
    for c in &mut node2com {
        *c = renumber[*c as usize];
    }
    (node2com, improvement)
}

/// Queues the neighbours of `u` that are not queued yet.
fn requeue(g: &WeightedGraph, u: usize, queue: &mut VecDeque<u32>, queued: &mut [bool]) {
    for (v, _) in g.edges(u) {
        if !queued[v] {
            queued[v] = true;
            queue.push_back(v as u32);
        }
    }
}

/// The state of one Louvain level's local moving: community of each node, total degree of
/// each community, and scratch space to sum a node's edge weight towards each community.
struct LocalMover {
    node2com: Vec<u32>,
    stot: Vec<f64>,
    two_m: f64,
    resolution: f64,
    weight_to: Vec<f64>,
    seen: Vec<bool>,
    touched: Vec<u32>,
}

impl LocalMover {
    /// Moves `u` to the neighbouring community with the largest positive modularity gain, if
    /// any (first such community in neighbour order on ties, as NetworkX); reports whether
    /// `u` moved.
    fn try_move(&mut self, g: &WeightedGraph, u: usize) -> bool {
        let own = self.node2com[u] as usize;
        for (v, wt) in g.edges(u) {
            let c = self.node2com[v] as usize;
            if !self.seen[c] {
                self.seen[c] = true;
                self.touched.push(c as u32);
            }
            self.weight_to[c] += wt;
        }
        let degree = g.degree[u];
        self.stot[own] -= degree;
        // NetworkX's gain of moving `u` (taken out of `own`) into `c` is
        // `(score(c) - score(own)) / 2m²` with `score(c) = 2m w_c - γ Σtot_c d_u`. Comparing
        // scores is equivalent but exact for unit weights and integer γ, so a move whose true
        // gain is 0 is never taken on rounding noise; `slack` absorbs rounding for other γ
        // (~1e-12 of the largest possible score).
        let (two_m, resolution) = (self.two_m, self.resolution);
        let score = |w: f64, tot: f64| two_m * w - resolution * (tot * degree);
        let stay = score(self.weight_to[own], self.stot[own]);
        let mut best_score = stay + 1e-12 * two_m * degree * (1.0 + resolution.abs());
        let mut best_com = own;
        for &c in &self.touched {
            let c = c as usize;
            let candidate = score(self.weight_to[c], self.stot[c]);
            if candidate > best_score {
                best_score = candidate;
                best_com = c;
            }
        }
        self.stot[best_com] += degree;
        for &c in &self.touched {
            self.weight_to[c as usize] = 0.0;
            self.seen[c as usize] = false;
        }
        self.touched.clear();
        self.node2com[u] = best_com as u32;
        best_com != own
    }
}

/// A bound on label-propagation sweeps; NetworkX has none, but on rare graphs the
/// asynchronous updates can oscillate for a long time.
const LPA_MAX_SWEEPS: usize = 100;

/// Asynchronous label propagation (Raghavan, Albert & Kumara), as
/// `networkx.community.asyn_lpa_communities(G, seed=...)` on the undirected simple view: every
/// node starts with its own label; each sweep visits the nodes in a fresh random order and
/// gives a node one of the labels most frequent among its neighbours (chosen at random among
/// ties) unless it already has one of them; stops after a sweep that changes nothing, or
/// after 100 sweeps. Isolated nodes keep their own community. Deterministic for a given seed
/// (the random stream differs from Python's). The partition's modularity is at resolution 1.
pub fn label_propagation(s: &Snapshot, seed: u64) -> Partition {
    let n = s.node_count();
    let mut rng = Rng::new(seed);
    let mut labels: Vec<u32> = (0..n as u32).collect();
    let mut freq = vec![0u32; n];
    let mut touched: Vec<u32> = Vec::new();
    let mut best: Vec<u32> = Vec::new();
    let mut order: Vec<u32> = Vec::with_capacity(n);
    for _ in 0..LPA_MAX_SWEEPS {
        order.clear();
        order.extend(0..n as u32);
        rng.shuffle(&mut order);
        let mut changed = false;
        for &v in &order {
            let nbrs = s.neighbors(v);
            if nbrs.is_empty() {
                continue;
            }
            for &w in nbrs {
                let l = labels[w as usize];
                if freq[l as usize] == 0 {
                    touched.push(l);
                }
                freq[l as usize] += 1;
            }
            let max = touched.iter().map(|&l| freq[l as usize]).max().unwrap_or(0);
            best.clear();
            best.extend(touched.iter().copied().filter(|&l| freq[l as usize] == max));
            for &l in &touched {
                freq[l as usize] = 0;
            }
            touched.clear();
            if !best.contains(&labels[v as usize]) {
                labels[v as usize] = best[rng.below(best.len())];
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    canonical_partition(s, &labels, 1.0)
}
