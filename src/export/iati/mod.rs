//! IATI 2.03 activity XML: one `iati-activity` per project of the selection, in the order of
//! their identifiers, elements in the schema's sequence, written as they are made.
//!
//! An imported project is written from what the importer kept (`Project.iati`, its relations
//! and its outcomes), so importing the export gives the same records back. Derived edges are
//! never written: the `funds` edges of transactions and the `related_activity` edges come
//! back from `Project.iati`. A seed project has no IATI side; [`seed`] makes one from what the
//! seed knows, and leaves out the projects the schema's required elements cannot be made for
//! honestly (they are listed in a comment at the top of the file).
//!
//! *Architecture Invariant*: like the other exports, this reads the graph and knows nothing of
//! HTTP; `generated` is a parameter, so the same graph and time give the same bytes.

mod results;
mod seed;

use std::borrow::Cow;
use std::io::{self, Write};

use petgraph::graph::NodeIndex;
use rust_decimal::Decimal;

use super::xml::{Attr, OPEN, attr, close, empty, leaf, narrative, open, start};
use crate::graph::{Entity, Incoming, KnowledgeGraph, Outgoing, Subgraph};
use crate::iati::codes::SEED_ORGANISATIONS;
use crate::model::iati::{ActivityDateType, IatiActivity, Narrative, OrgRole};
use crate::model::{
    Currency, Day, IatiCode, OrgKind, Organization, PartialDate, Period, Project, RelationType,
};

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    pub activities: usize,
    /// Seed projects left out, by id, with the reason.
    pub left_out: Vec<(String, &'static str)>,
}

/// One project to write, with the IATI side it has or was given.
struct Activity<'a> {
    node: NodeIndex,
    project: &'a Project,
    iati: Cow<'a, IatiActivity>,
    /// The organisation that reports it: its `publishes` relation, or the one chosen for a
    /// seed project.
    reporting: Option<NodeIndex>,
}

/// How many of `sub`'s projects an IATI export would write (IATI-sourced ones, and seed
/// projects with what IATI requires: a date and an organisation with an IATI identifier).
pub fn writable(graph: &KnowledgeGraph, sub: &Subgraph) -> usize {
    sub.nodes
        .iter()
        .filter(|&&node| match graph.entity(node) {
            Entity::Project(p) if p.iati.is_some() => true,
            Entity::Project(p) => {
                let publishes = graph
                    .relations(node, Some(RelationType::Publishes), Incoming)
                    .first()
                    .map(|(_, org)| *org);
                seed::activity(graph, node, p, publishes, None).is_ok()
            }
            _ => false,
        })
        .count()
}

/// Writes the projects among `sub`'s nodes as an `iati-activities` document dated
/// `generated` (RFC 3339; the day also stands for "now" where a seed project's status must be
/// inferred from its dates). Each project is written whole, with every relation it has in
/// `graph`, whatever edges `sub` holds.
pub fn write(
    graph: &KnowledgeGraph,
    sub: &Subgraph,
    generated: &str,
    out: &mut impl Write,
) -> io::Result<Written> {
    let today = generated
        .get(..10)
        .and_then(|d| PartialDate::parse(d).ok())
        .map(|d| d.earliest());
    let mut written = Written::default();
    let mut activities = Vec::new();
    for &node in &sub.nodes {
        let Entity::Project(project) = graph.entity(node) else {
            continue;
        };
        let reporting = graph
            .relations(node, Some(RelationType::Publishes), Incoming)
            .first()
            .map(|(_, org)| *org);
        match &project.iati {
            Some(iati) => activities.push(Activity {
                node,
                project,
                iati: Cow::Borrowed(iati),
                reporting,
            }),
            None => match seed::activity(graph, node, project, reporting, today) {
                Ok((iati, reporting)) => activities.push(Activity {
                    node,
                    project,
                    iati: Cow::Owned(iati),
                    reporting: Some(reporting),
                }),
                Err(why) => written.left_out.push((project.id.clone(), why)),
            },
        }
    }
    activities.sort_by(|a, b| {
        (&a.iati.identifier, &a.project.id).cmp(&(&b.iati.identifier, &b.project.id))
    });
    written.left_out.sort();

    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    let n = activities.len();
    writeln!(
        out,
        "<!-- Exported by aidgraph: {n} IATI {}. -->",
        if n == 1 { "activity" } else { "activities" }
    )?;
    if !written.left_out.is_empty() {
        // `--` may not occur in an XML comment.
        let list: Vec<String> = written
            .left_out
            .iter()
            .map(|(id, why)| format!("{id} ({why})"))
            .collect();
        writeln!(
            out,
            "<!-- Seed projects left out (IATI requires what the data does not say): {}. -->",
            list.join("; ").replace("--", "- -")
        )?;
    }
    open(
        out,
        0,
        "iati-activities",
        &[("version", &"2.03"), ("generated-datetime", &generated)],
    )?;
    for a in &activities {
        activity(out, graph, a)?;
    }
    close(out, 0, "iati-activities")?;
    written.activities = activities.len();
    Ok(written)
}

fn activity(w: &mut impl Write, graph: &KnowledgeGraph, a: &Activity) -> io::Result<()> {
    let iati = &*a.iati;
    let lang = iati.lang.as_deref();
    start(w, 1, "iati-activity", &[])?;
    if let Some(l) = lang {
        attr(w, "xml:lang", &l)?;
    }
    if let Some(c) = iati.default_currency {
        attr(w, "default-currency", &c.0)?;
    }
    if let Some(h) = iati.hierarchy {
        attr(w, "hierarchy", &h)?;
    }
    w.write_all(OPEN)?;
    leaf(w, 2, "iati-identifier", &[], &iati.identifier)?;
    if let Some(org) = a.reporting.and_then(|ix| organization(graph, ix)) {
        let kind = org
            .iati_type
            .clone()
            .unwrap_or_else(|| type_of_kind(org.kind).to_string());
        organisation(w, 2, "reporting-org", org, &[("type", &kind)], false)?;
    }

    open(w, 2, "title", &[])?;
    if iati.titles.is_empty() {
        narrative(w, 3, None, &a.project.title)?;
    }
    narratives(w, 3, &iati.titles, lang)?;
    close(w, 2, "title")?;
    descriptions(w, iati, lang)?;

    participating_orgs(w, graph, a.node)?;
    if let Some(s) = iati.status {
        empty(w, 2, "activity-status", &[("code", &s.iati_code())])?;
    }
    for d in &iati.dates {
        let end = matches!(
            d.kind,
            ActivityDateType::PlannedEnd | ActivityDateType::ActualEnd
        );
        empty(
            w,
            2,
            "activity-date",
            &[
                ("iso-date", &day(d.date, end)),
                ("type", &d.kind.iati_code()),
            ],
        )?;
    }
    places_and_sectors(w, graph, a.node)?;

    for b in &iati.budgets {
        start(w, 2, "budget", &[])?;
        if let Some(k) = b.kind {
            attr(w, "type", &k.iati_code())?;
        }
        if let Some(s) = b.status {
            attr(w, "status", &s.iati_code())?;
        }
        w.write_all(OPEN)?;
        period(w, 3, &b.period)?;
        value(w, 3, b.value, b.currency, b.value_date)?;
        close(w, 2, "budget")?;
    }
    for t in &iati.transactions {
        open(w, 2, "transaction", &[])?;
        empty(w, 3, "transaction-type", &[("code", &t.kind.iati_code())])?;
        if let Some(d) = t.date {
            empty(w, 3, "transaction-date", &[("iso-date", &day(d, false))])?;
        }
        value(w, 3, t.value, t.currency, t.value_date)?;
        if let Some(text) = &t.description {
            open(w, 3, "description", &[])?;
            narrative(w, 4, None, text)?;
            close(w, 3, "description")?;
        }
        for (name, party, activity_attr) in [
            ("provider-org", &t.provider, "provider-activity-id"),
            ("receiver-org", &t.receiver, "receiver-activity-id"),
        ] {
            let org = party
                .org
                .as_deref()
                .and_then(|id| graph.by_id(id))
                .and_then(|ix| organization(graph, ix));
            let activity: Vec<Attr> = party
                .activity_id
                .as_ref()
                .map(|id| (activity_attr, id as &dyn std::fmt::Display))
                .into_iter()
                .collect();
            match org {
                Some(org) => organisation(w, 3, name, org, &activity, true)?,
                None if !activity.is_empty() => empty(w, 3, name, &activity)?,
                None => {}
            }
        }
        close(w, 2, "transaction")?;
    }
    for r in &iati.related {
        empty(
            w,
            2,
            "related-activity",
            &[("ref", &r.activity_id), ("type", &r.kind.iati_code())],
        )?;
    }
    results::write(w, graph, a.node)?;
    close(w, 1, "iati-activity")
}

/// Narratives, with `xml:lang` where it is not the activity's language.
fn narratives(
    w: &mut impl Write,
    depth: usize,
    texts: &[Narrative],
    lang: Option<&str>,
) -> io::Result<()> {
    for n in texts {
        let own = n.lang.as_deref().filter(|l| Some(*l) != lang);
        narrative(w, depth, own, &n.text)?;
    }
    Ok(())
}

/// Consecutive narratives of the same type share a `description`. The schema requires one:
/// an activity without any gets an empty narrative, which the importer reads as no text.
fn descriptions(w: &mut impl Write, iati: &IatiActivity, lang: Option<&str>) -> io::Result<()> {
    if iati.descriptions.is_empty() {
        open(w, 2, "description", &[])?;
        empty(w, 3, "narrative", &[])?;
        return close(w, 2, "description");
    }
    let mut rest = &iati.descriptions[..];
    while let Some(first) = rest.first() {
        let n = rest.iter().take_while(|d| d.kind == first.kind).count();
        start(w, 2, "description", &[])?;
        if let Some(k) = first.kind {
            attr(w, "type", &k.iati_code())?;
        }
        w.write_all(OPEN)?;
        for d in &rest[..n] {
            let own = d.lang.as_deref().filter(|l| Some(*l) != lang);
            narrative(w, 3, own, &d.text)?;
        }
        close(w, 2, "description")?;
        rest = &rest[n..];
    }
    Ok(())
}

/// The organisations that fund, are accountable for, extend or implement the activity, in
/// data order. Relations read from IATI carry their role; others take the role of their type.
/// The `funds` edges derived from transactions are not participating organisations.
fn participating_orgs(
    w: &mut impl Write,
    graph: &KnowledgeGraph,
    node: NodeIndex,
) -> io::Result<()> {
    for (edge, from) in graph.relations(node, None, Incoming) {
        let r = graph.edge(edge);
        if r.transaction().is_some() {
            continue;
        }
        let Some(role) = r.iati_role().or_else(|| role_of(r.kind)) else {
            continue;
        };
        let Some(org) = organization(graph, from) else {
            continue;
        };
        let code = role.iati_code();
        let mut attrs: Vec<Attr> = vec![("role", &code)];
        let activity = r.iati_activity_id();
        if let Some(id) = &activity {
            attrs.push(("activity-id", id));
        }
        organisation(w, 2, "participating-org", org, &attrs, true)?;
    }
    Ok(())
}

/// The participating-org role a relation type stands for.
pub(super) fn role_of(kind: RelationType) -> Option<OrgRole> {
    match kind {
        RelationType::Funds => Some(OrgRole::Funding),
        RelationType::AccountableFor => Some(OrgRole::Accountable),
        RelationType::Manages => Some(OrgRole::Extending),
        RelationType::Implements => Some(OrgRole::Implementing),
        _ => None,
    }
}

/// `recipient-country`, `recipient-region` (regions with an IATI code) and `sector` (themes
/// with an IATI code or a DAC purpose code), with their percentages.
fn places_and_sectors(
    w: &mut impl Write,
    graph: &KnowledgeGraph,
    node: NodeIndex,
) -> io::Result<()> {
    let related = |kind| graph.relations(node, Some(kind), Outgoing);
    let percentage = |r: &crate::graph::Edge| r.percentage();
    for (edge, to) in related(RelationType::InCountry) {
        if let Entity::Country(c) = graph.entity(to) {
            let mut attrs: Vec<Attr> = vec![("code", &c.code)];
            let p = percentage(graph.edge(edge));
            if let Some(p) = &p {
                attrs.push(("percentage", p));
            }
            empty(w, 2, "recipient-country", &attrs)?;
        }
    }
    for (edge, to) in related(RelationType::InRegion) {
        if let Entity::Region(r) = graph.entity(to)
            && let Some(code) = &r.iati
        {
            coded(
                w,
                "recipient-region",
                code,
                percentage(graph.edge(edge)),
                &r.name,
            )?;
        }
    }
    for (edge, to) in related(RelationType::HasTheme) {
        let Entity::Theme(t) = graph.entity(to) else {
            continue;
        };
        let code = t.iati.clone().or_else(|| {
            t.dac_code.clone().map(|code| IatiCode {
                vocabulary: "1".into(),
                code,
            })
        });
        if let Some(code) = code {
            coded(w, "sector", &code, percentage(graph.edge(edge)), &t.name)?;
        }
    }
    Ok(())
}

/// A `recipient-region` or `sector`: code, vocabulary, percentage and the name as narrative
/// (the importer names a code it does not know by it).
fn coded(
    w: &mut impl Write,
    name: &str,
    code: &IatiCode,
    percentage: Option<Decimal>,
    label: &str,
) -> io::Result<()> {
    let mut attrs: Vec<Attr> = vec![("code", &code.code), ("vocabulary", &code.vocabulary)];
    if let Some(p) = &percentage {
        attrs.push(("percentage", p));
    }
    open(w, 2, name, &attrs)?;
    narrative(w, 3, None, &label)?;
    close(w, 2, name)
}

fn organization(graph: &KnowledgeGraph, ix: NodeIndex) -> Option<&Organization> {
    match graph.entity(ix) {
        Entity::Organization(o) => Some(o),
        _ => None,
    }
}

/// An organisation's IATI identifier: its own, else the importer's table of seed
/// organisations.
pub(super) fn org_ref(org: &Organization) -> Option<&str> {
    org.iati_id.as_deref().or_else(|| {
        SEED_ORGANISATIONS
            .iter()
            .find(|(_, id)| *id == org.id)
            .map(|(r, _)| *r)
    })
}

/// An organisation element: `ref` when the organisation has an IATI identifier (else it was
/// identified by its name), `type` when known (`typed`), the name as narrative.
fn organisation(
    w: &mut impl Write,
    depth: usize,
    name: &str,
    org: &Organization,
    attrs: &[Attr],
    typed: bool,
) -> io::Result<()> {
    start(w, depth, name, attrs)?;
    if let Some(r) = org_ref(org) {
        attr(w, "ref", &r)?;
    }
    if typed && let Some(t) = &org.iati_type {
        attr(w, "type", t)?;
    }
    w.write_all(OPEN)?;
    narrative(w, depth + 1, None, &org.name)?;
    close(w, depth, name)
}

/// The IATI OrganisationType closest to an organisation kind, for a reporting-org whose type
/// the data does not state (the schema requires one).
fn type_of_kind(kind: OrgKind) -> &'static str {
    match kind {
        OrgKind::Government | OrgKind::Ministry | OrgKind::StatisticsOffice => "10",
        OrgKind::Agency | OrgKind::Office | OrgKind::Committee => "15",
        OrgKind::Multilateral | OrgKind::Fund => "40",
        OrgKind::Ngo => "21",
        OrgKind::Company => "70",
        OrgKind::TrainingCentre => "80",
        OrgKind::EmployersOrganization
        | OrgKind::WorkersOrganization
        | OrgKind::Association
        | OrgKind::Constituents
        | OrgKind::Other => "90",
    }
}

/// `period-start` and `period-end` (days: a coarser date is written as its first or last
/// day).
fn period(w: &mut impl Write, depth: usize, p: &Period) -> io::Result<()> {
    if let Some(s) = p.start {
        empty(w, depth, "period-start", &[("iso-date", &day(s, false))])?;
    }
    if let Some(e) = p.end {
        empty(w, depth, "period-end", &[("iso-date", &day(e, true))])?;
    }
    Ok(())
}

/// A date as `xsd:date`: itself when known to the day, else its first (or `last`) day.
fn day(d: PartialDate, last: bool) -> Day {
    if last { d.latest() } else { d.earliest() }
}

/// `<value currency? value-date?>v</value>`: the currency only where the data states one,
/// so a value in the default currency stays without it.
fn value(
    w: &mut impl Write,
    depth: usize,
    v: Decimal,
    currency: Option<Currency>,
    value_date: Option<PartialDate>,
) -> io::Result<()> {
    let mut attrs: Vec<Attr> = Vec::new();
    let code = currency.map(|c| c.0);
    if let Some(c) = &code {
        attrs.push(("currency", c));
    }
    let date = value_date.map(|d| day(d, false));
    if let Some(d) = &date {
        attrs.push(("value-date", d));
    }
    leaf(w, depth, "value", &attrs, &v)
}
