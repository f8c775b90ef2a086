//! Case- and accent-insensitive word and prefix search with field-weighted ranking.
//!
//! Text is folded (NFD, combining marks dropped, lower-cased) and split into words. A query
//! matches a node when every query word is a word, or the start of a word, of the node's
//! indexed text; exact words score twice a prefix, names score above descriptions.

use std::collections::{BTreeMap, HashMap};

use petgraph::graph::{DiGraph, NodeIndex};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::{Edge, Entity};

/// Folds case and accents: "Côte d’Ivoire" -> "cote d’ivoire".
pub fn normalize(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    let folded = normalize(text);
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect::<Vec<_>>()
        .into_iter()
}

const NAME: u32 = 10;
const ALIAS: u32 = 8;
const CODE: u32 = 6;
const DESCRIPTION: u32 = 2;

/// A search result with its score (higher is better).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub node: NodeIndex,
    pub score: u32,
}

#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct SearchIndex {
    /// word -> (node, best field weight of that word in the node)
    postings: BTreeMap<String, Vec<(NodeIndex, u32)>>,
    /// Each node's words, for filtering a known node by text.
    node_words: HashMap<NodeIndex, Vec<String>>,
    /// Each node's whole names, folded: the label first, then acronyms, aliases and codes. A
    /// query equal to one of them names the node and ranks it first.
    names: HashMap<NodeIndex, Vec<String>>,
}

fn indexed_fields(e: &Entity) -> Vec<(&str, u32)> {
    let mut f: Vec<(&str, u32)> = vec![(e.label(), NAME)];
    fn push_all<'e>(f: &mut Vec<(&'e str, u32)>, v: &'e [String], w: u32) {
        f.extend(v.iter().map(|s| (s.as_str(), w)));
    }
    match e {
        Entity::Source(s) => {
            push_all(&mut f, std::slice::from_ref(&s.file), CODE);
        }
        Entity::Organization(o) => {
            push_all(&mut f, &o.aliases, ALIAS);
            f.extend(o.short_name.as_deref().map(|s| (s, ALIAS)));
            f.extend(o.iati_id.as_deref().map(|s| (s, CODE)));
            f.extend(o.description.as_deref().map(|s| (s, DESCRIPTION)));
        }
        Entity::Programme(p) => {
            push_all(&mut f, &p.aliases, ALIAS);
            f.extend(p.short_name.as_deref().map(|s| (s, ALIAS)));
            f.extend(p.description.as_deref().map(|s| (s, DESCRIPTION)));
        }
        Entity::Project(p) => {
            push_all(&mut f, &p.aliases, ALIAS);
            f.extend(p.short_title.as_deref().map(|s| (s, ALIAS)));
            f.extend(p.description.as_deref().map(|s| (s, DESCRIPTION)));
        }
        Entity::Country(c) => {
            push_all(&mut f, &c.aliases, ALIAS);
            f.push((&c.code, CODE));
            f.push((&c.alpha3, CODE));
        }
        Entity::Region(r) => {
            push_all(&mut f, &r.aliases, ALIAS);
            f.extend(r.description.as_deref().map(|s| (s, DESCRIPTION)));
        }
        Entity::Theme(t) => {
            push_all(&mut f, &t.aliases, ALIAS);
            f.extend(t.dac_code.as_deref().map(|s| (s, CODE)));
            f.extend(t.description.as_deref().map(|s| (s, DESCRIPTION)));
        }
        Entity::Outcome(o) => {
            f.push((&o.metric, ALIAS));
            f.extend(o.note.as_deref().map(|s| (s, DESCRIPTION)));
        }
    }
    f
}

impl SearchIndex {
    pub fn build(graph: &DiGraph<Entity, Edge>) -> SearchIndex {
        let mut postings: BTreeMap<String, Vec<(NodeIndex, u32)>> = BTreeMap::new();
        let mut node_words = HashMap::new();
        let mut names = HashMap::new();
        for ix in graph.node_indices() {
            let e = &graph[ix];
            let mut best: HashMap<String, u32> = HashMap::new();
            let fields = indexed_fields(e);
            names.insert(
                ix,
                fields
                    .iter()
                    .filter(|(_, w)| *w > DESCRIPTION)
                    .map(|(t, _)| normalize(t))
                    .collect(),
            );
            for (text, weight) in fields {
                for w in words(text) {
                    let slot = best.entry(w).or_insert(0);
                    *slot = (*slot).max(weight);
                }
            }
            let mut ws: Vec<String> = best.keys().cloned().collect();
            ws.sort();
            for (w, weight) in best {
                postings.entry(w).or_default().push((ix, weight));
            }
            node_words.insert(ix, ws);
        }
        SearchIndex {
            postings,
            node_words,
            names,
        }
    }

    /// Whether the index can belong to a graph of `nodes` (a snapshot check).
    pub fn fits(&self, nodes: usize) -> bool {
        self.names.len() == nodes
            && self.names.keys().all(|n| n.index() < nodes)
            && self.names.values().all(|v| !v.is_empty())
            && self
                .postings
                .values()
                .flatten()
                .all(|(n, _)| n.index() < nodes)
    }

    pub fn search(&self, query: &str) -> Vec<SearchHit> {
        let terms: Vec<String> = words(query).collect();
        if terms.is_empty() {
            return Vec::new();
        }
        let mut scores: HashMap<NodeIndex, (u32, usize)> = HashMap::new();
        for (i, term) in terms.iter().enumerate() {
            let mut best: HashMap<NodeIndex, u32> = HashMap::new();
            for (word, posts) in self
                .postings
                .range(term.clone()..)
                .take_while(|(w, _)| w.starts_with(term.as_str()))
            {
                let factor = if word == term { 2 } else { 1 };
                for &(ix, weight) in posts {
                    let s = best.entry(ix).or_insert(0);
                    *s = (*s).max(weight * factor);
                }
            }
            for (ix, s) in best {
                let entry = scores.entry(ix).or_insert((0, 0));
                // Only nodes that matched every earlier term stay in the running.
                if entry.1 == i {
                    *entry = (entry.0 + s, i + 1);
                }
            }
        }
        let phrase = normalize(query.trim());
        let mut hits: Vec<SearchHit> = scores
            .into_iter()
            .filter(|(_, (_, matched))| *matched == terms.len())
            .map(|(node, (score, _))| {
                let label = &self.names[&node][0];
                let bonus = if self.names[&node].contains(&phrase) {
                    20
                } else if label.contains(&phrase) {
                    5
                } else {
                    0
                };
                SearchHit {
                    node,
                    score: score + bonus,
                }
            })
            .collect();
        hits.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| self.names[&a.node][0].cmp(&self.names[&b.node][0]))
                .then_with(|| a.node.cmp(&b.node))
        });
        hits
    }

    pub fn matches(&self, node: NodeIndex, text: &str) -> bool {
        let Some(ws) = self.node_words.get(&node) else {
            return false;
        };
        words(text).all(|t| {
            let start = ws.partition_point(|w| w.as_str() < t.as_str());
            ws.get(start).is_some_and(|w| w.starts_with(t.as_str()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(normalize("Côte d’Ivoire"), "cote d’ivoire");
        assert_eq!(normalize("TÜRKİYE"), "turkiye");
        let w: Vec<String> = words("Lao People’s Democratic Republic").collect();
        assert_eq!(w, ["lao", "people", "s", "democratic", "republic"]);
    }
}
