//! One data file -> model records, plus the cross-file checks they still need.
//!
//! Each table is read into its model type right away; what can only be checked once every file
//! is read (ids, references, quotes) is queued in [`Collected`] for `validate`.

use std::sync::Arc;

use rust_decimal::Decimal;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diagnostic::Diagnostic;
use super::reader::{At, FileCtx, TableReader};
use crate::model::*;

mod iati_keys;

/// A reference to check once all ids are known.
pub(crate) struct RefCheck {
    pub file: Arc<str>,
    pub at: At<String>,
    pub field: &'static str,
    pub allowed: &'static [EntityKind],
}

/// A citation to check against its source's text.
pub(crate) struct QuoteCheck {
    pub file: Arc<str>,
    pub source: At<String>,
    pub quote: At<String>,
}

/// Everything read from the files so far.
#[derive(Default)]
pub(crate) struct Collected {
    pub data: Dataset,
    /// Every id declared so far: its kind, where it was first declared, and its key (the
    /// number of ids declared before it), by which staged relations name it.
    pub ids: std::collections::HashMap<String, (EntityKind, Arc<str>, super::Loc, u32)>,
    /// When the graph is built straight from the files: the relations and the records'
    /// citations, staged as they are read instead of kept in `data`.
    pub stage: Option<crate::graph::Stage>,
    /// The ids relations named before they were declared: a staged end's key is
    /// `FORWARD | i` for the id `forward[i]` until every file is read.
    pub forward: Vec<String>,
    /// The key of each record in `data`, per kind in node order (sources, organisations ...
    /// outcomes): the graph maps keys to nodes without the id map.
    pub node_keys: [Vec<u32>; 8],
    /// The key `declare` gave the record being read (`u32::MAX` when it gave none).
    last_key: u32,
    pub refs: Vec<RefCheck>,
    pub quotes: Vec<QuoteCheck>,
    /// `(declaring file, file name)` for each source, to find its text.
    pub source_files: Vec<(Arc<str>, At<String>)>,
    /// The source documents by file name, when known before parsing: a citation of a source
    /// declared earlier is then checked at once instead of queued.
    pub texts: std::collections::BTreeMap<String, String>,
    /// The file of each source declared so far (its first complete declaration).
    pub declared_sources: std::collections::HashMap<String, String>,
    /// Sources' texts with whitespace folded, made when a quote is not found as written.
    pub folded: std::collections::HashMap<String, String>,
}

/// Marks the key of a relation's end that was not declared yet (see `Collected::forward`).
pub(crate) const FORWARD: u32 = 1 << 31;

impl Collected {
    /// Collects into `texts`, the source documents by file name; `staged` stages relations
    /// for the graph rather than keeping them in `data`.
    pub fn with_texts(
        texts: std::collections::BTreeMap<String, String>,
        staged: bool,
    ) -> Collected {
        Collected {
            texts,
            stage: staged.then(Default::default),
            ..Collected::default()
        }
    }

    /// How many records of the kind in `TABLES[slot]` were read (0 for relations).
    fn records(&self, slot: usize) -> usize {
        crate::graph::records(&self.data, slot)
    }

    /// Stages the record just read of the kind in `TABLES[slot]`, when staging: its
    /// citations go to the table (sources cite nothing, and get their text later).
    fn stage_record(&mut self, slot: usize) {
        let last = self.records(slot).saturating_sub(1);
        if let Some(stage) = &mut self.stage {
            stage.record_at(&mut self.data, slot, last);
        }
    }

    /// Gives the ends named before their declaration their keys, once every file is read
    /// and every reference checked (an id still unknown has been reported).
    pub fn resolve_forward(&mut self) {
        let Some(stage) = &mut self.stage else { return };
        if self.forward.is_empty() {
            return;
        }
        let keys: Vec<u32> = (self.forward.iter())
            .map(|id| self.ids.get(id).map_or(u32::MAX, |d| d.3))
            .collect();
        stage.map_keys(|k| {
            if k != u32::MAX && k & FORWARD != 0 {
                keys[(k & !FORWARD) as usize]
            } else {
                k
            }
        });
        self.forward = Vec::new();
    }
}

/// The problem with `quote`, cited from a source whose document is `text` (in file `file`),
/// if it is not there word for word with whitespace folded; `folded` caches folded texts.
pub(crate) fn quote_problem(
    folded: &mut std::collections::HashMap<String, String>,
    file: &str,
    text: &str,
    source: &str,
    quote: &str,
) -> Option<(String, String)> {
    // A quote found as written is found once whitespace is folded too (folding both sides
    // keeps a substring a substring); only the others need the folded text, made once.
    if text.contains(quote) {
        return None;
    }
    let text = folded
        .entry(file.to_string())
        .or_insert_with(|| fold_whitespace(text));
    let folded_quote = fold_whitespace(quote);
    if text.contains(&folded_quote) {
        return None;
    }
    Some((
        format!("quote not found in source `{source}`: \"{quote}\""),
        super::quote_hint(text, &folded_quote),
    ))
}

const TABLES: &[&str] = &[
    "source",
    "organization",
    "programme",
    "project",
    "country",
    "region",
    "theme",
    "outcome",
    "relation",
];

/// Parses one TOML file, adding its records to `out` and its problems to `diags`.
pub(crate) fn parse_file(file: &str, text: &str, out: &mut Collected, diags: &mut Vec<Diagnostic>) {
    let mut ctx = FileCtx::new(file, text, diags);
    // Shared by every check queued from this file (millions in a large data set).
    let file_name: Arc<str> = Arc::from(file);
    let (doc, errors) = DeTable::parse_recoverable(text);
    for e in &errors {
        let span = e.span().unwrap_or(0..0);
        ctx.error(
            span,
            format!("TOML syntax: {}", e.message().trim()),
            Some("see https://toml.io for the syntax; strings need double quotes".into()),
        );
    }
    // Records before what names them: tables are read in `TABLES` order (sources first),
    // not the key order toml gives (`outcome` before `project`, `relation` before `source`),
    // so references and citations within a file are checked at once rather than queued.
    let mut tables: Vec<_> = (doc.get_ref().iter())
        .map(|(key, value)| {
            let name: &str = key.get_ref();
            (TABLES.iter().position(|t| *t == name), key, value)
        })
        .collect();
    tables.sort_by_key(|(slot, _, _)| slot.unwrap_or(TABLES.len()));
    for (slot, key, value) in tables {
        let name: &str = key.get_ref();
        let Some(slot) = slot else {
            let hint = match super::diagnostic::did_you_mean(name, TABLES.iter().copied()) {
                Some(t) => format!("did you mean `[[{t}]]`?"),
                None => format!("known tables: {}", TABLES.join(", ")),
            };
            ctx.error(key.span(), format!("unknown table `{name}`"), Some(hint));
            continue;
        };
        let table = TABLES[slot];
        let DeValue::Array(items) = value.get_ref() else {
            ctx.error(
                key.span(),
                format!("`{table}` must be an array of tables: write `[[{table}]]`"),
                None,
            );
            continue;
        };
        for item in items {
            out.last_key = u32::MAX;
            let before = out.records(slot);
            let mut p = Parser {
                ctx: &mut ctx,
                out,
                file: file_name.clone(),
            };
            match table {
                "source" => p.source(item),
                "organization" => p.organization(item),
                "programme" => p.programme(item),
                "project" => p.project(item),
                "country" => p.country(item),
                "region" => p.region(item),
                "theme" => p.theme(item),
                "outcome" => p.outcome(item),
                _ => p.relation(item),
            }
            if slot < 8 && out.records(slot) > before {
                out.node_keys[slot].push(out.last_key);
                out.stage_record(slot);
            }
        }
    }
}

struct Parser<'c, 'a, 'o> {
    ctx: &'c mut FileCtx<'a>,
    out: &'o mut Collected,
    file: Arc<str>,
}

type Item<'i> = Spanned<DeValue<'i>>;

impl Parser<'_, '_, '_> {
    fn file(&self) -> Arc<str> {
        self.file.clone()
    }

    fn declare(&mut self, id: Option<&At<String>>, kind: EntityKind) {
        let Some(id) = id else { return };
        let valid = if kind == EntityKind::Country {
            true // checked against ISO 3166 by `country`
        } else {
            let v = &id.value;
            v.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && v.bytes().next().is_some_and(|b| b != b'-')
        };
        if !valid {
            self.ctx.error_at(
                id.loc,
                format!("invalid id `{}`", id.value),
                Some("ids are slugs: lower-case ASCII letters, digits and `-`".into()),
            );
        }
        match self.out.ids.get(&id.value) {
            Some((_, file, loc, _)) => {
                let hint = format!(
                    "first defined at {file}:{}:{}; ids are unique across all files and kinds",
                    loc.line, loc.col
                );
                self.ctx
                    .error_at(id.loc, format!("duplicate id `{}`", id.value), Some(hint));
            }
            None => {
                let key = self.out.ids.len() as u32;
                self.out.last_key = key;
                let first = (kind, self.file.clone(), id.loc, key);
                self.out.ids.insert(id.value.clone(), first);
            }
        }
    }

    /// Checks a reference to an id declared already; queues the others until every file is
    /// read. Gives the id's key, or `None` when it is not declared yet.
    fn refer(
        &mut self,
        at: &At<String>,
        field: &'static str,
        allowed: &'static [EntityKind],
    ) -> Option<u32> {
        match self.out.ids.get(&at.value) {
            Some((kind, _, _, key)) => {
                if !allowed.contains(kind) {
                    let message = super::wrong_kind(field, allowed, &at.value, *kind);
                    self.ctx.error_at(at.loc, message, None);
                }
                Some(*key)
            }
            None => {
                self.out.refs.push(RefCheck {
                    file: self.file(),
                    at: at.clone(),
                    field,
                    allowed,
                });
                None
            }
        }
    }

    /// [`Parser::refer`] for a relation's end: the key a staged relation names it by.
    fn end(&mut self, at: &At<String>, field: &'static str, allowed: &'static [EntityKind]) -> u32 {
        match self.refer(at, field, allowed) {
            Some(key) => key,
            None if self.out.stage.is_none() => u32::MAX,
            None => {
                self.out.forward.push(at.value.clone());
                FORWARD | (self.out.forward.len() - 1) as u32
            }
        }
    }

    fn cite(&mut self, t: &TableReader<'_, '_>) -> Vec<Citation> {
        let Some(v) = t.raw("cite") else {
            self.ctx.error_at(
                t.loc(self.ctx),
                "fact without a citation: `cite` is missing".into(),
                Some(
                    "add cite = [{ source = \"<source id>\", quote = \"<verbatim words>\" }]"
                        .into(),
                ),
            );
            return Vec::new();
        };
        let items = match v.get_ref() {
            DeValue::Array(items) if !items.is_empty() => items,
            _ => {
                self.ctx.error(
                    v.span(),
                    "`cite` must be a non-empty array of { source, quote } tables".into(),
                    None,
                );
                return Vec::new();
            }
        };
        let mut cites = Vec::with_capacity(items.len());
        for item in items {
            let Some(c) = TableReader::new(self.ctx, item, "cite entry", &["source", "quote"])
            else {
                continue;
            };
            let source = c.req_str(self.ctx, "source");
            let quote = c.req_str(self.ctx, "quote");
            if let (Some(source), Some(quote)) = (source, quote) {
                cites.push(Citation {
                    source: source.value.clone(),
                    quote: quote.value.clone(),
                });
                let out = &mut *self.out;
                match out.declared_sources.get(&source.value) {
                    // A source declared earlier: its reference holds, and its quote is
                    // checked now (a missing document is reported with the declaration).
                    Some(file) => {
                        if let Some(text) = out.texts.get(file)
                            && let Some((message, hint)) = quote_problem(
                                &mut out.folded,
                                file,
                                text,
                                &source.value,
                                &quote.value,
                            )
                        {
                            self.ctx.error_at(quote.loc, message, Some(hint));
                        }
                    }
                    None => {
                        out.refs.push(RefCheck {
                            file: self.file.clone(),
                            at: source.clone(),
                            field: "source",
                            allowed: &[EntityKind::Source],
                        });
                        out.quotes.push(QuoteCheck {
                            file: self.file.clone(),
                            source,
                            quote,
                        });
                    }
                }
            }
        }
        cites
    }

    fn date(&mut self, at: &At<String>) -> Option<PartialDate> {
        PartialDate::parse(&at.value)
            .map_err(|e| self.ctx.error_at(at.loc, e, None))
            .ok()
    }

    fn opt_date(&mut self, t: &TableReader<'_, '_>, key: &str) -> Option<PartialDate> {
        let at = t.opt_str(self.ctx, key)?;
        self.date(&at)
    }

    fn period(&mut self, t: &TableReader<'_, '_>, key: &str) -> Option<Period> {
        let v = t.raw(key)?;
        let p = TableReader::new(self.ctx, v, "period", &["start", "end", "text"])?;
        let start_at = p.opt_str(self.ctx, "start");
        let end_at = p.opt_str(self.ctx, "end");
        let start = start_at.as_ref().and_then(|a| self.date(a));
        let end = end_at.as_ref().and_then(|a| self.date(a));
        let text = p.opt_str(self.ctx, "text").map(|t| t.value);
        if start_at.is_none() && end_at.is_none() {
            self.ctx.error(
                v.span(),
                "a period needs `start`, `end` or both".into(),
                None,
            );
            return None;
        }
        if let (Some(s), Some(e), Some(at)) = (start, end, &end_at)
            && e.latest() < s.earliest()
        {
            self.ctx.error_at(
                at.loc,
                format!("period ends ({e}) before it starts ({s})"),
                None,
            );
        }
        Some(Period { start, end, text })
    }

    fn decimal(&mut self, at: &At<String>, what: &str) -> Option<Decimal> {
        match at.value.parse::<Decimal>() {
            Ok(d) if d.is_sign_negative() => {
                self.ctx.error_at(
                    at.loc,
                    format!("negative {what} `{}`", at.value),
                    Some("amounts and counts are never negative".into()),
                );
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                self.ctx.error_at(
                    at.loc,
                    format!("`{}` is not a decimal number", at.value),
                    Some("write digits with an optional `.`, no separators: \"27650000\"".into()),
                );
                None
            }
        }
    }

    fn currency(&mut self, at: &At<String>) -> Option<Currency> {
        let c = Currency::parse(&at.value);
        if c.is_none() {
            let hint = if at.value.eq_ignore_ascii_case("yuan") {
                "the yuan renminbi is `CNY`"
            } else {
                "use an ISO 4217 code such as `USD`, `JPY`, `CNY`"
            };
            self.ctx.error_at(
                at.loc,
                format!("unknown currency `{}`", at.value),
                Some(hint.into()),
            );
        }
        c
    }

    fn qualifier(&mut self, t: &TableReader<'_, '_>) -> Option<Qualifier> {
        t.req_code(self.ctx, "qualifier", Qualifier::ALL, Qualifier::code)
    }

    fn amount(&mut self, t: &TableReader<'_, '_>, key: &str) -> Option<Amount> {
        let v = t.raw(key)?;
        let a = TableReader::new(self.ctx, v, "amount", &["value", "currency", "qualifier"])?;
        let value = a.req_str(self.ctx, "value");
        let currency = a.req_str(self.ctx, "currency");
        let qualifier = self.qualifier(&a);
        let amount = value.and_then(|v| self.decimal(&v, "amount"));
        let currency = currency.and_then(|c| self.currency(&c));
        Some(Amount {
            money: Money {
                amount: amount?,
                currency: currency?,
            },
            qualifier: qualifier?,
        })
    }

    fn country_ref(&mut self, t: &TableReader<'_, '_>, key: &'static str) -> Option<String> {
        let at = t.opt_str(self.ctx, key)?;
        self.refer(&at, key, &[EntityKind::Country]);
        Some(at.value)
    }

    fn source(&mut self, item: &Item<'_>) {
        const KEYS: &[&str] = &["id", "file", "title", "publisher", "year", "description"];
        let Some(t) = TableReader::new(self.ctx, item, "source", KEYS) else {
            return;
        };
        let id = t.req_str(self.ctx, "id");
        self.declare(id.as_ref(), EntityKind::Source);
        let file = t.req_str(self.ctx, "file");
        let title = t.req_str(self.ctx, "title");
        let publisher = t.opt_str(self.ctx, "publisher").map(|a| a.value);
        let year = self.opt_date(&t, "year");
        let description = t.opt_str(self.ctx, "description").map(|a| a.value);
        if let Some(f) = &file {
            if f.value.contains(['/', '\\']) || f.value.starts_with('.') {
                self.ctx.error_at(
                    f.loc,
                    format!("source file `{}` must be a plain file name", f.value),
                    Some("put the document in the data set's `sources/` folder".into()),
                );
            }
            self.out.source_files.push((self.file(), f.clone()));
        }
        if let (Some(id), Some(file), Some(title)) = (id, file, title) {
            self.out
                .declared_sources
                .entry(id.value.clone())
                .or_insert_with(|| file.value.clone());
            self.out.data.sources.push(Source {
                id: id.value,
                file: file.value,
                title: title.value,
                publisher,
                year,
                description,
                text: None,
            });
        }
    }

    fn organization(&mut self, item: &Item<'_>) {
        const KEYS: &[&str] = &[
            "id",
            "name",
            "kind",
            "short_name",
            "aliases",
            "iati_id",
            "iati_type",
            "country",
            "description",
            "cite",
        ];
        let Some(t) = TableReader::new(self.ctx, item, "organization", KEYS) else {
            return;
        };
        let id = t.req_str(self.ctx, "id");
        self.declare(id.as_ref(), EntityKind::Organization);
        let name = t.req_str(self.ctx, "name");
        let kind = t.req_code(self.ctx, "kind", OrgKind::ALL, OrgKind::code);
        let country = self.country_ref(&t, "country");
        let iati_id = t.opt_str(self.ctx, "iati_id");
        if let Some(iati) = &iati_id
            && !iati
                .value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            self.ctx.error_at(
                iati.loc,
                format!("`{}` is not an IATI organisation identifier", iati.value),
                Some("IATI identifiers look like `XM-DAC-41302` or `JP-MOF-1234`".into()),
            );
        }
        let org = Organization {
            id: String::new(),
            name: String::new(),
            short_name: t.opt_str(self.ctx, "short_name").map(|a| a.value),
            kind: OrgKind::Other,
            aliases: values(t.strs(self.ctx, "aliases")),
            iati_id: iati_id.map(|a| a.value),
            iati_type: self.iati_org_type(&t),
            country,
            description: t.opt_str(self.ctx, "description").map(|a| a.value),
            cite: self.cite(&t),
        };
        if let (Some(id), Some(name), Some(kind)) = (id, name, kind) {
            self.out.data.organizations.push(Organization {
                id: id.value,
                name: name.value,
                kind,
                ..org
            });
        }
    }

    fn programme(&mut self, item: &Item<'_>) {
        const KEYS: &[&str] = &[
            "id",
            "name",
            "kind",
            "short_name",
            "aliases",
            "established",
            "period",
            "description",
            "cite",
        ];
        let Some(t) = TableReader::new(self.ctx, item, "programme", KEYS) else {
            return;
        };
        let id = t.req_str(self.ctx, "id");
        self.declare(id.as_ref(), EntityKind::Programme);
        let name = t.req_str(self.ctx, "name");
        let kind = t.req_code(self.ctx, "kind", ProgrammeKind::ALL, ProgrammeKind::code);
        let short_name = t.opt_str(self.ctx, "short_name").map(|a| a.value);
        let aliases = values(t.strs(self.ctx, "aliases"));
        let established = self.opt_date(&t, "established");
        let period = self.period(&t, "period");
        let description = t.opt_str(self.ctx, "description").map(|a| a.value);
        let cite = self.cite(&t);
        if let (Some(id), Some(name), Some(kind)) = (id, name, kind) {
            self.out.data.programmes.push(Programme {
                id: id.value,
                name: name.value,
                short_name,
                kind,
                aliases,
                established,
                period,
                description,
                cite,
            });
        }
    }

    fn project(&mut self, item: &Item<'_>) {
        const KEYS: &[&str] = &[
            "id",
            "title",
            "status",
            "short_title",
            "aliases",
            "period",
            "budget",
            "description",
            "coordinator",
            "iati",
            "cite",
        ];
        let Some(t) = TableReader::new(self.ctx, item, "project", KEYS) else {
            return;
        };
        let id = t.req_str(self.ctx, "id");
        self.declare(id.as_ref(), EntityKind::Project);
        let title = t.req_str(self.ctx, "title");
        let status = t.req_code(self.ctx, "status", ProjectStatus::ALL, ProjectStatus::code);
        let short_title = t.opt_str(self.ctx, "short_title").map(|a| a.value);
        let aliases = values(t.strs(self.ctx, "aliases"));
        let period = self.period(&t, "period");
        let budget = self.amount(&t, "budget");
        let description = t.opt_str(self.ctx, "description").map(|a| a.value);
        let coordinator = t.raw("coordinator").and_then(|v| {
            let c = TableReader::new(self.ctx, v, "coordinator", &["name", "role"])?;
            Some(Coordinator {
                name: c.req_str(self.ctx, "name")?.value,
                role: c.opt_str(self.ctx, "role").map(|a| a.value),
            })
        });
        let iati = self.iati_activity(&t);
        let cite = self.cite(&t);
        if let (Some(id), Some(title), Some(status)) = (id, title, status) {
            self.out.data.projects.push(Project {
                id: id.value,
                title: title.value,
                short_title,
                aliases,
                status,
                period,
                budget,
                description,
                coordinator,
                iati,
                cite,
            });
        }
    }

    fn country(&mut self, item: &Item<'_>) {
        const KEYS: &[&str] = &["code", "alpha3", "name", "aliases", "cite"];
        let Some(t) = TableReader::new(self.ctx, item, "country", KEYS) else {
            return;
        };
        let code = t.req_str(self.ctx, "code");
        let alpha3 = t.req_str(self.ctx, "alpha3");
        let name = t.req_str(self.ctx, "name");
        let aliases = values(t.strs(self.ctx, "aliases"));
        let cite = self.cite(&t);
        let (Some(code), Some(alpha3), Some(name)) = (code, alpha3, name) else {
            return;
        };
        let Some((a2, a3, iso_name)) = iso_country(&code.value) else {
            self.ctx.error_at(
                code.loc,
                format!("`{}` is not an ISO 3166-1 alpha-2 country code", code.value),
                Some("use two capital letters, e.g. `KH` for Cambodia, `LA` for Lao PDR".into()),
            );
            return;
        };
        if a3 != alpha3.value {
            self.ctx.error_at(
                alpha3.loc,
                format!(
                    "alpha-3 code of {a2} ({iso_name}) is `{a3}`, not `{}`",
                    alpha3.value
                ),
                None,
            );
        }
        self.declare(Some(&code), EntityKind::Country);
        self.out.data.countries.push(Country {
            code: code.value,
            alpha3: alpha3.value,
            name: name.value,
            aliases,
            cite,
        });
    }

    fn region(&mut self, item: &Item<'_>) {
        const KEYS: &[&str] = &["id", "name", "aliases", "description", "iati", "cite"];
        let Some(t) = TableReader::new(self.ctx, item, "region", KEYS) else {
            return;
        };
        let id = t.req_str(self.ctx, "id");
        self.declare(id.as_ref(), EntityKind::Region);
        let name = t.req_str(self.ctx, "name");
        let aliases = values(t.strs(self.ctx, "aliases"));
        let description = t.opt_str(self.ctx, "description").map(|a| a.value);
        let iati = self.iati_code(&t);
        let cite = self.cite(&t);
        if let (Some(id), Some(name)) = (id, name) {
            self.out.data.regions.push(Region {
                id: id.value,
                name: name.value,
                aliases,
                description,
                iati,
                cite,
            });
        }
    }

    fn theme(&mut self, item: &Item<'_>) {
        const KEYS: &[&str] = &[
            "id",
            "name",
            "dac_code",
            "iati",
            "aliases",
            "description",
            "cite",
        ];
        let Some(t) = TableReader::new(self.ctx, item, "theme", KEYS) else {
            return;
        };
        let id = t.req_str(self.ctx, "id");
        self.declare(id.as_ref(), EntityKind::Theme);
        let name = t.req_str(self.ctx, "name");
        let dac_code = t.opt_str(self.ctx, "dac_code");
        if let Some(code) = &dac_code
            && dac::dac_name(&code.value).is_none()
        {
            self.ctx.error_at(
                code.loc,
                format!("unknown OECD DAC purpose code `{}`", code.value),
                Some("use a 5-digit CRS purpose code listed in src/model/dac.rs".into()),
            );
        }
        let aliases = values(t.strs(self.ctx, "aliases"));
        let description = t.opt_str(self.ctx, "description").map(|a| a.value);
        let iati = self.iati_code(&t);
        let cite = self.cite(&t);
        if let (Some(id), Some(name)) = (id, name) {
            self.out.data.themes.push(Theme {
                id: id.value,
                name: name.value,
                dac_code: dac_code.map(|a| a.value),
                iati,
                aliases,
                description,
                cite,
            });
        }
    }

    fn outcome(&mut self, item: &Item<'_>) {
        const KEYS: &[&str] = &[
            "id",
            "subject",
            "metric",
            "label",
            "value",
            "unit",
            "currency",
            "qualifier",
            "status",
            "period",
            "country",
            "note",
            "iati",
            "cite",
        ];
        let Some(t) = TableReader::new(self.ctx, item, "outcome", KEYS) else {
            return;
        };
        let id = t.req_str(self.ctx, "id");
        self.declare(id.as_ref(), EntityKind::Outcome);
        let subject = t.req_str(self.ctx, "subject");
        if let Some(s) = &subject {
            self.refer(s, "subject", RelationType::Reports.endpoints().0);
        }
        let metric = t.req_str(self.ctx, "metric");
        if let Some(m) = &metric
            && !m
                .value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            self.ctx.error_at(
                m.loc,
                format!("invalid metric `{}`", m.value),
                Some("metrics are snake_case slugs, e.g. `people_trained`".into()),
            );
        }
        let label = t.req_str(self.ctx, "label");
        let value = t
            .req_str(self.ctx, "value")
            .and_then(|v| self.decimal(&v, "value"));
        let unit = match (t.opt_str(self.ctx, "unit"), t.opt_str(self.ctx, "currency")) {
            (Some(u), None) => Some(Unit::Count(u.value)),
            (None, Some(c)) => self.currency(&c).map(Unit::Currency),
            (Some(u), Some(_)) => {
                self.ctx.error_at(
                    u.loc,
                    "an outcome has either `unit` or `currency`, not both".into(),
                    Some("money figures use `currency`; counts use `unit`".into()),
                );
                None
            }
            (None, None) => {
                self.ctx.error_at(
                    t.loc(self.ctx),
                    "outcome is missing `unit` (or `currency` for money)".into(),
                    None,
                );
                None
            }
        };
        let qualifier = self.qualifier(&t);
        let status = t.req_code(self.ctx, "status", OutcomeStatus::ALL, OutcomeStatus::code);
        let period = self.period(&t, "period");
        let country = self.country_ref(&t, "country");
        let note = t.opt_str(self.ctx, "note").map(|a| a.value);
        let iati = self.iati_indicator(&t);
        let cite = self.cite(&t);
        if let (Some(id), Some(subject), Some(metric), Some(label)) = (id, subject, metric, label)
            && let (Some(value), Some(unit), Some(qualifier), Some(status)) =
                (value, unit, qualifier, status)
        {
            self.out.data.outcomes.push(Outcome {
                id: id.value,
                subject: subject.value,
                metric: metric.value,
                label: label.value,
                value,
                unit,
                qualifier,
                status,
                period,
                country,
                note,
                iati,
                cite,
            });
        }
    }

    fn relation(&mut self, item: &Item<'_>) {
        const KEYS: &[&str] = &[
            "from",
            "type",
            "to",
            "contribution",
            "amount",
            "period",
            "role",
            "note",
            "percentage",
            "iati_role",
            "iati_activity_id",
            "cite",
        ];
        let Some(t) = TableReader::new(self.ctx, item, "relation", KEYS) else {
            return;
        };
        let from = t.req_str(self.ctx, "from");
        let to = t.req_str(self.ctx, "to");
        let kind = t.req_code(self.ctx, "type", RelationType::ALL, RelationType::code);
        if kind == Some(RelationType::Reports) {
            self.ctx.error_at(
                t.loc(self.ctx),
                "`reports` relations come from each outcome's `subject`".into(),
                Some("set `subject` on the [[outcome]] instead".into()),
            );
            return;
        }
        if kind == Some(RelationType::RelatedActivity) {
            self.ctx.error_at(
                t.loc(self.ctx),
                "`related_activity` relations come from each project's `iati.related`".into(),
                Some("add a [[project.iati.related]] entry to the project instead".into()),
            );
            return;
        }
        let cite = self.cite(&t);
        let Some(kind) = kind else { return };
        let (from_kinds, to_kinds) = kind.endpoints();
        let from_key = from.as_ref().map(|f| self.end(f, "from", from_kinds));
        let to_key = to.as_ref().map(|to| self.end(to, "to", to_kinds));
        let allowed = kind.attributes();
        for (key, attr) in [
            ("contribution", RelationAttr::Contribution),
            ("amount", RelationAttr::Amount),
            ("period", RelationAttr::Period),
            ("role", RelationAttr::Role),
            ("note", RelationAttr::Note),
            ("percentage", RelationAttr::Percentage),
            ("iati_role", RelationAttr::IatiRole),
            ("iati_activity_id", RelationAttr::IatiActivityId),
        ] {
            if let Some(v) = t.raw(key)
                && !allowed.contains(&attr)
            {
                self.ctx.error(
                    v.span(),
                    format!("a `{}` relation has no `{key}`", kind.code()),
                    Some("see the relation table in seed/README.md".into()),
                );
            }
        }
        let relation = Relation {
            from: from.map(|a| a.value).unwrap_or_default(),
            kind,
            to: to.map(|a| a.value).unwrap_or_default(),
            contribution: t.opt_code(
                self.ctx,
                "contribution",
                ContributionKind::ALL,
                ContributionKind::code,
            ),
            amount: self.amount(&t, "amount"),
            period: self.period(&t, "period"),
            role: t.opt_str(self.ctx, "role").map(|a| a.value),
            note: t.opt_str(self.ctx, "note").map(|a| a.value),
            percentage: self.percentage(&t),
            iati_role: t.opt_code(
                self.ctx,
                "iati_role",
                iati::OrgRole::ALL,
                iati::OrgRole::code,
            ),
            iati_activity_id: t.opt_str(self.ctx, "iati_activity_id").map(|a| a.value),
            transaction: None,
            related: None,
            cite,
        };
        if relation.from.is_empty() || relation.to.is_empty() {
            return;
        }
        match (&mut self.out.stage, from_key, to_key) {
            (Some(stage), Some(from), Some(to)) => stage.relation(from, to, relation),
            (Some(_), _, _) => {}
            (None, _, _) => self.out.data.relations.push(relation),
        }
    }
}

fn values(v: Vec<At<String>>) -> Vec<String> {
    v.into_iter().map(|a| a.value).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record's slot in `TABLES` is its kind's in `EntityKind::ALL`: staged citations and
    /// node keys are filed by it, and the graph adds nodes in that order.
    #[test]
    fn tables_list_the_kinds_in_node_order() {
        let kinds: Vec<&str> = EntityKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(TABLES[..kinds.len()], kinds[..]);
        assert_eq!(TABLES[kinds.len()..], ["relation"]);
    }
}
