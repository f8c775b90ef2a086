//! The result framework of an imported activity, rebuilt from the outcomes that report on it:
//! outcomes with the same result and indicator numbers are one indicator; baselines are its
//! `baseline`s (the period's start as `@iso-date` and `@year`), and consecutive targets and
//! actuals of the same period one `period` (targets before actuals, as the importer reads
//! them). Outcomes without an IATI indicator (the seed's) are not written.

use std::collections::BTreeMap;
use std::io::{self, Write};

use petgraph::graph::NodeIndex;

use super::day;
use crate::export::xml::{Attr, OPEN, attr, close, empty, narrative, open, start};
use crate::graph::{Entity, KnowledgeGraph, Outgoing};
use crate::model::{Outcome, OutcomeStatus, PartialDate, RelationType};

pub(super) fn write(w: &mut impl Write, graph: &KnowledgeGraph, node: NodeIndex) -> io::Result<()> {
    // result number -> indicator number -> outcomes, in data order.
    let mut results: BTreeMap<u32, BTreeMap<u32, Vec<&Outcome>>> = BTreeMap::new();
    for (_, to) in graph.relations(node, Some(RelationType::Reports), Outgoing) {
        if let Entity::Outcome(o) = graph.entity(to)
            && let Some(point) = &o.iati
        {
            results
                .entry(point.result)
                .or_default()
                .entry(point.indicator)
                .or_default()
                .push(o);
        }
    }
    for indicators in results.values() {
        let Some(first) = indicators.values().flatten().next() else {
            continue;
        };
        let point = first.iati.as_deref().expect("grouped by their indicator");
        start(w, 2, "result", &[])?;
        if let Some(t) = point.result_type {
            attr(w, "type", &t.iati_code())?;
        }
        w.write_all(OPEN)?;
        titled(w, 3, &point.result_title)?;
        for outcomes in indicators.values() {
            indicator(w, outcomes)?;
        }
        close(w, 2, "result")?;
    }
    Ok(())
}

fn titled(w: &mut impl Write, depth: usize, title: &str) -> io::Result<()> {
    open(w, depth, "title", &[])?;
    narrative(w, depth + 1, None, &title)?;
    close(w, depth, "title")
}

fn indicator(w: &mut impl Write, outcomes: &[&Outcome]) -> io::Result<()> {
    let point = outcomes[0]
        .iati
        .as_deref()
        .expect("grouped by their indicator");
    start(w, 3, "indicator", &[])?;
    if let Some(m) = point.measure {
        attr(w, "measure", &m.iati_code())?;
    }
    if let Some(a) = point.ascending {
        attr(w, "ascending", &if a { "1" } else { "0" })?;
    }
    w.write_all(OPEN)?;
    titled(w, 4, &point.indicator_title)?;
    for b in outcomes
        .iter()
        .filter(|o| o.status == OutcomeStatus::Baseline)
    {
        let at = b.period.as_ref().and_then(|p| p.start);
        let year = at.map(|d| d.earliest().year);
        let iso = at
            .filter(|d| matches!(d, PartialDate::Day(_)))
            .map(|d| day(d, false));
        let mut attrs: Vec<Attr> = Vec::new();
        if let Some(y) = &year {
            attrs.push(("year", y));
        }
        if let Some(d) = &iso {
            attrs.push(("iso-date", d));
        }
        attrs.push(("value", &b.value));
        point_value(w, 4, "baseline", &attrs, b.note.as_deref())?;
    }
    // Consecutive targets and actuals of one period; a target after an actual starts another.
    let mut periods: Vec<Vec<&Outcome>> = Vec::new();
    for o in outcomes
        .iter()
        .filter(|o| matches!(o.status, OutcomeStatus::Target | OutcomeStatus::Achieved))
    {
        let same = periods.last().and_then(|p| p.last()).is_some_and(|last| {
            last.period == o.period
                && !(last.status == OutcomeStatus::Achieved && o.status == OutcomeStatus::Target)
        });
        if same {
            periods.last_mut().expect("just checked").push(o);
        } else {
            periods.push(vec![o]);
        }
    }
    for values in periods {
        open(w, 4, "period", &[])?;
        if let Some(p) = &values[0].period {
            super::period(w, 5, p)?;
        }
        for o in values {
            let tag = if o.status == OutcomeStatus::Target {
                "target"
            } else {
                "actual"
            };
            point_value(w, 5, tag, &[("value", &o.value)], o.note.as_deref())?;
        }
        close(w, 4, "period")?;
    }
    close(w, 3, "indicator")
}

/// A `baseline`, `target` or `actual`, with its note as `comment`.
fn point_value(
    w: &mut impl Write,
    depth: usize,
    name: &str,
    attrs: &[Attr],
    note: Option<&str>,
) -> io::Result<()> {
    match note {
        None => empty(w, depth, name, attrs),
        Some(note) => {
            open(w, depth, name, attrs)?;
            open(w, depth + 1, "comment", &[])?;
            narrative(w, depth + 2, None, &note)?;
            close(w, depth + 1, "comment")?;
            close(w, depth, name)
        }
    }
}
