//! Centralities on a [`Snapshot`]: degree, PageRank, betweenness (exact and sampled),
//! closeness and eigenvector centrality, each replicating the NetworkX 3 function it names
//! (same iteration, same summation order where it matters, same stopping rule).

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::rng::Rng;
use super::{NotConverged, Snapshot};

/// Degree of every node in the undirected simple view (distinct neighbours, self-loops
/// excluded): `dict(networkx.Graph(G).degree())` without self-loops.
pub fn degree(s: &Snapshot) -> Vec<u32> {
    (0..s.node_count() as u32)
        .map(|v| s.neighbors(v).len() as u32)
        .collect()
}

/// `networkx.degree_centrality(G)` on the undirected simple view: degree / (n - 1), and 1.0
/// for every node when n <= 1 (as NetworkX).
pub fn degree_centrality(s: &Snapshot) -> Vec<f64> {
    let n = s.node_count();
    if n <= 1 {
        return vec![1.0; n];
    }
    let scale = 1.0 / (n - 1) as f64;
    (0..n as u32)
        .map(|v| s.degree_of(v) as f64 * scale)
        .collect()
}

/// `networkx.pagerank(G, alpha=damping, tol=tol, max_iter=max_iter)` on the DIRECTED simple
/// view, replicating NetworkX 3's `_pagerank_scipy`: start from `x = 1/n`, iterate
/// `x <- damping * (x A + (Σ dangling x) / n) + (1 - damping) / n` where `A` is the
/// row-normalised adjacency and dangling nodes (no successors) spread their mass uniformly,
/// and stop as soon as `Σ |x - x_last| < n * tol`. Contributions are summed in the order
/// SciPy sums them, so results agree with NetworkX to ~1e-15. Like NetworkX 3, the converged
/// vector is returned as is (it sums to 1 up to rounding).
///
/// Empty graph: `Ok(vec![])`; one node: `Ok(vec![1.0])`. O(iterations * (n + m)).
///
/// # Errors
///
/// [`NotConverged`] if the stopping rule is not met within `max_iter` iterations.
pub fn pagerank(
    s: &Snapshot,
    damping: f64,
    tol: f64,
    max_iter: usize,
) -> Result<Vec<f64>, NotConverged> {
    let n = s.node_count();
    if n == 0 {
        return Ok(Vec::new());
    }
    let p = 1.0 / n as f64;
    let teleport = (1.0 - damping) * p;
    let inv_out: Vec<f64> = (0..n as u32)
        .map(|u| match s.out_degree_of(u) {
            0 => 0.0,
            d => 1.0 / d as f64,
        })
        .collect();
    let dangling: Vec<u32> = (0..n as u32).filter(|&u| s.out_degree_of(u) == 0).collect();
    let mut x = vec![p; n];
    let mut y = vec![0.0; n];
    for _ in 0..max_iter {
        // y = x A, scattered row by row as SciPy's CSC mat-vec does.
        y.fill(0.0);
        for u in 0..n as u32 {
            let share = inv_out[u as usize] * x[u as usize];
            for &v in s.successors(u) {
                y[v as usize] += share;
            }
        }
        let dangling_sum: f64 = dangling.iter().map(|&u| x[u as usize]).sum();
        let dangling_share = dangling_sum * p;
        let mut err = 0.0;
        for (yv, xv) in y.iter_mut().zip(&x) {
            let next = damping * (*yv + dangling_share) + teleport;
            err += (next - xv).abs();
            *yv = next;
        }
        std::mem::swap(&mut x, &mut y);
        if err < n as f64 * tol {
            return Ok(x);
        }
    }
    Err(NotConverged {
        algorithm: "pagerank",
        iterations: max_iter,
    })
}

/// `networkx.betweenness_centrality(G)` (normalized=True, endpoints=False) on the undirected
/// simple view: Brandes' algorithm with BFS on the CSR adjacency, scaled by
/// `1 / ((n - 1)(n - 2))` (no scaling when n <= 2, where every value is 0).
///
/// Our own Brandes rather than rustworkx-core's: it runs on the CSR directly (no petgraph
/// copy, no per-source allocations) and splits the sources into a fixed number of chunks run
/// on the available cores, so results do not depend on the machine. O(n m).
pub fn betweenness(s: &Snapshot) -> Vec<f64> {
    let n = s.node_count();
    let sources: Vec<u32> = (0..n as u32).collect();
    let mut bc = brandes(s, &sources);
    if n > 2 {
        let scale = 1.0 / ((n - 1) * (n - 2)) as f64;
        for b in &mut bc {
            *b *= scale;
        }
    }
    bc
}

/// Approximate betweenness on the undirected simple view, as
/// `networkx.betweenness_centrality(G, k=pivots)` (normalized=True, endpoints=False):
/// Brandes from `pivots` source nodes sampled without replacement with a PRNG seeded by
/// `seed`, rescaled exactly as NetworkX 3.5+ does for `k` sources: by `1 / (k (n - 2))` for
/// nodes that were not sampled and by `1 / ((k - 1)(n - 2))` for sampled ones (a source never
/// counts paths from itself). `pivots >= n` computes the exact [`betweenness`]; `pivots == 0`
/// gives all zeros, and with `pivots == 1` the single source gets 0 (NetworkX: NaN).
/// Deterministic for a given seed; sampling differs from Python's `random`.
pub fn betweenness_approx(s: &Snapshot, pivots: usize, seed: u64) -> Vec<f64> {
    let n = s.node_count();
    if pivots >= n {
        return betweenness(s);
    }
    if pivots == 0 {
        return vec![0.0; n];
    }
    // Partial Fisher–Yates: the first `pivots` slots are a uniform sample.
    let mut rng = Rng::new(seed);
    let mut nodes: Vec<u32> = (0..n as u32).collect();
    for i in 0..pivots {
        let j = i + rng.below(n - i);
        nodes.swap(i, j);
    }
    let mut sources = nodes[..pivots].to_vec();
    sources.sort_unstable();
    let mut bc = brandes(s, &sources);
    if n > 2 {
        let k = pivots;
        let scale_nonsource = 1.0 / (k * (n - 2)) as f64;
        let scale_source = if k > 1 {
            1.0 / ((k - 1) * (n - 2)) as f64
        } else {
            0.0
        };
        let mut sampled = vec![false; n];
        for &v in &sources {
            sampled[v as usize] = true;
        }
        for (b, &is_source) in bc.iter_mut().zip(&sampled) {
            *b *= if is_source {
                scale_source
            } else {
                scale_nonsource
            };
        }
    }
    bc
}

/// Unnormalised Brandes dependency sums from `sources` (NetworkX's `_accumulate_basic`),
/// sources in fixed chunks whose partial sums are added in chunk order.
fn brandes(s: &Snapshot, sources: &[u32]) -> Vec<f64> {
    let n = s.node_count();
    let partials = par_chunks(sources.len(), |range| {
        let mut state = BrandesState::new(n);
        let mut bc = vec![0.0; n];
        for &src in &sources[range] {
            state.accumulate(s, src, &mut bc);
        }
        bc
    });
    let mut total = vec![0.0; n];
    for part in partials {
        for (t, p) in total.iter_mut().zip(part) {
            *t += p;
        }
    }
    total
}

/// Scratch space for one Brandes single-source pass, reused across sources.
struct BrandesState {
    dist: Vec<u32>,
    sigma: Vec<f64>,
    delta: Vec<f64>,
    order: Vec<u32>,
}

const UNSEEN: u32 = u32::MAX;

impl BrandesState {
    fn new(n: usize) -> BrandesState {
        BrandesState {
            dist: vec![UNSEEN; n],
            sigma: vec![0.0; n],
            delta: vec![0.0; n],
            order: Vec::with_capacity(n),
        }
    }

    /// Adds the dependencies of source `src` to `bc` (every node but `src`). Same BFS and
    /// accumulation order as NetworkX, predecessors found by distance instead of stored.
    fn accumulate(&mut self, s: &Snapshot, src: u32, bc: &mut [f64]) {
        let BrandesState {
            dist,
            sigma,
            delta,
            order,
        } = self;
        order.clear();
        dist[src as usize] = 0;
        sigma[src as usize] = 1.0;
        order.push(src);
        let mut head = 0;
        while let Some(&v) = order.get(head) {
            head += 1;
            let next = dist[v as usize] + 1;
            let sigma_v = sigma[v as usize];
            for &w in s.neighbors(v) {
                let w = w as usize;
                if dist[w] == UNSEEN {
                    dist[w] = next;
                    order.push(w as u32);
                }
                if dist[w] == next {
                    sigma[w] += sigma_v;
                }
            }
        }
        for &w in order.iter().rev() {
            let wi = w as usize;
            let coeff = (1.0 + delta[wi]) / sigma[wi];
            let pred_dist = dist[wi].wrapping_sub(1);
            for &v in s.neighbors(w) {
                let v = v as usize;
                if dist[v] == pred_dist {
                    delta[v] += sigma[v] * coeff;
                }
            }
            if w != src {
                bc[wi] += delta[wi];
            }
        }
        for &w in order.iter() {
            let w = w as usize;
            dist[w] = UNSEEN;
            sigma[w] = 0.0;
            delta[w] = 0.0;
        }
    }
}

/// `networkx.closeness_centrality(G)` (wf_improved=True) on the undirected simple view: for
/// a node reaching `r - 1` others at total distance `d`, `((r - 1) / d) * ((r - 1) / (n - 1))`,
/// and 0 when it reaches nobody (so 0 for isolated nodes and graphs of <= 1 node).
/// One BFS per node on the CSR, chunks of nodes in parallel. O(n m).
pub fn closeness(s: &Snapshot) -> Vec<f64> {
    let n = s.node_count();
    let parts = par_chunks(n, |range| {
        let mut dist = vec![UNSEEN; n];
        let mut queue: Vec<u32> = Vec::with_capacity(n);
        range
            .map(|src| {
                queue.clear();
                queue.push(src as u32);
                dist[src] = 0;
                let mut total: u64 = 0;
                let mut head = 0;
                while let Some(&v) = queue.get(head) {
                    head += 1;
                    let next = dist[v as usize] + 1;
                    for &w in s.neighbors(v) {
                        if dist[w as usize] == UNSEEN {
                            dist[w as usize] = next;
                            total += u64::from(next);
                            queue.push(w);
                        }
                    }
                }
                for &v in &queue {
                    dist[v as usize] = UNSEEN;
                }
                if total == 0 || n <= 1 {
                    return 0.0;
                }
                let reached = (queue.len() - 1) as f64;
                (reached / total as f64) * (reached / (n - 1) as f64)
            })
            .collect::<Vec<f64>>()
    });
    parts.into_iter().flatten().collect()
}

/// `networkx.eigenvector_centrality(G, max_iter=max_iter, tol=tol)` on the undirected simple
/// view, replicating its power iteration: start from `x = 1/n`, iterate
/// `x <- (A + I) x_last / ‖(A + I) x_last‖₂` (neighbours summed in ascending order, the norm
/// computed accurately like Python's `math.hypot`), and stop as soon as
/// `Σ |x - x_last| < n * tol` (the first iteration is compared against the 1/n start).
///
/// Empty graph: `Ok(vec![])` (NetworkX raises). O(iterations * (n + m)).
///
/// # Errors
///
/// [`NotConverged`] if the stopping rule is not met within `max_iter` iterations.
pub fn eigenvector(s: &Snapshot, max_iter: usize, tol: f64) -> Result<Vec<f64>, NotConverged> {
    let n = s.node_count();
    if n == 0 {
        return Ok(Vec::new());
    }
    let mut x = vec![1.0 / n as f64; n];
    let mut next = vec![0.0; n];
    for _ in 0..max_iter {
        for (v, out) in next.iter_mut().enumerate() {
            let mut acc = x[v];
            for &u in s.neighbors(v as u32) {
                acc += x[u as usize];
            }
            *out = acc;
        }
        // NetworkX: `math.hypot(*x.values()) or 1`.
        let norm = euclidean_norm(&next);
        let norm = if norm == 0.0 { 1.0 } else { norm };
        let mut err = 0.0;
        for (nv, xv) in next.iter_mut().zip(&x) {
            *nv /= norm;
            err += (*nv - xv).abs();
        }
        std::mem::swap(&mut x, &mut next);
        if err < n as f64 * tol {
            return Ok(x);
        }
    }
    Err(NotConverged {
        algorithm: "eigenvector centrality",
        iterations: max_iter,
    })
}

/// The Euclidean norm with a compensated sum of exact squares (TwoProduct via FMA, Neumaier
/// summation), close to the correctly rounded `math.hypot(*values)` NetworkX uses.
/// Values here are bounded by n, so no scaling against overflow is needed.
fn euclidean_norm(values: &[f64]) -> f64 {
    let mut sum = 0.0f64;
    let mut comp = 0.0f64;
    for &v in values {
        let sq = v * v;
        let sq_err = v.mul_add(v, -sq);
        let t = sum + sq;
        comp += if sum.abs() >= sq.abs() {
            (sum - t) + sq
        } else {
            (sq - t) + sum
        };
        comp += sq_err;
        sum = t;
    }
    (sum + comp).sqrt()
}

/// Above this many items, work is split into [`CHUNKS`] chunks run on worker threads.
const PARALLEL_THRESHOLD: usize = 512;
/// A fixed chunk count, so floating-point sums do not depend on the machine's core count.
const CHUNKS: usize = 16;

/// Runs `work` over `0..len` split into fixed contiguous chunks (one chunk when `len` is
/// small), on up to `available_parallelism` threads, and returns the results in chunk order.
/// Falls back to the current thread if a thread cannot be spawned.
fn par_chunks<T, F>(len: usize, work: F) -> Vec<T>
where
    T: Send,
    F: Fn(Range<usize>) -> T + Sync,
{
    let chunks = if len >= PARALLEL_THRESHOLD { CHUNKS } else { 1 };
    let bounds: Vec<Range<usize>> = (0..chunks)
        .map(|c| c * len / chunks..(c + 1) * len / chunks)
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .min(chunks);
    if threads <= 1 {
        return bounds.into_iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let run = || {
        let mut done = Vec::new();
        loop {
            let c = next.fetch_add(1, Ordering::Relaxed);
            let Some(range) = bounds.get(c) else { break };
            done.push((c, work(range.clone())));
        }
        done
    };
    let mut results: Vec<(usize, T)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, run).ok())
            .collect();
        let mut all = run();
        for handle in handles {
            match handle.join() {
                Ok(done) => all.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    results.sort_unstable_by_key(|&(c, _)| c);
    results.into_iter().map(|(_, r)| r).collect()
}
