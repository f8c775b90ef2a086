//! The donor-donor projection: donors linked by the projects, programmes and countries they
//! both fund, the network researchers draw to see who co-funds with whom.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::NodeIndex;

use super::{KnowledgeGraph, Outgoing};
use crate::model::{EntityKind, RelationType};

/// Two donors and what they both fund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DonorLink {
    /// The donors, `a` before `b` in node order.
    pub a: NodeIndex,
    pub b: NodeIndex,
    /// The projects, programmes and countries both fund, in node order.
    pub shared: Vec<NodeIndex>,
}

impl KnowledgeGraph {
    /// The organisations that fund something directly, in label order.
    pub fn donors(&self) -> Vec<NodeIndex> {
        self.nodes_of(EntityKind::Organization)
            .iter()
            .copied()
            .filter(|o| {
                !self
                    .relations(*o, Some(RelationType::Funds), Outgoing)
                    .is_empty()
            })
            .collect()
    }

    /// What a donor funds, directly or through programmes and funds: those programmes, the
    /// projects money reaches, and the countries those projects and programmes are in.
    pub fn funded_items(&self, donor: NodeIndex) -> BTreeSet<NodeIndex> {
        let mut items = BTreeSet::new();
        for n in self.neighbors(donor, RelationType::Funds, Outgoing) {
            if self.entity(n).kind() == EntityKind::Programme {
                items.insert(n);
            }
        }
        for (project, via) in self.funded_projects(donor, true) {
            items.insert(project);
            items.extend(via);
        }
        let places: Vec<NodeIndex> = items
            .iter()
            .flat_map(|n| self.neighbors(*n, RelationType::InCountry, Outgoing))
            .collect();
        items.extend(places);
        items
    }

    /// Every pair of donors sharing at least `min_shared` funded items, heaviest first (ties
    /// in node order).
    pub fn donor_network(&self, min_shared: usize) -> Vec<DonorLink> {
        // item -> the donors funding it, then every pair of those donors shares the item:
        // the cost grows with the links, not with the square of the donors.
        let mut funders: BTreeMap<NodeIndex, Vec<NodeIndex>> = BTreeMap::new();
        for d in self.donors() {
            for item in self.funded_items(d) {
                funders.entry(item).or_default().push(d);
            }
        }
        let mut pairs: BTreeMap<(NodeIndex, NodeIndex), Vec<NodeIndex>> = BTreeMap::new();
        for (item, mut ds) in funders {
            ds.sort();
            for (i, a) in ds.iter().enumerate() {
                for b in &ds[i + 1..] {
                    pairs.entry((*a, *b)).or_default().push(item);
                }
            }
        }
        let mut links: Vec<DonorLink> = pairs
            .into_iter()
            .filter(|(_, shared)| shared.len() >= min_shared.max(1))
            .map(|((a, b), shared)| DonorLink { a, b, shared })
            .collect();
        links.sort_by(|x, y| {
            y.shared
                .len()
                .cmp(&x.shared.len())
                .then((x.a, x.b).cmp(&(y.a, y.b)))
        });
        links
    }
}
