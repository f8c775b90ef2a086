//! One IATI activity (or organisation) element -> model records added beside the base data
//! set: the project, its organisations, places, themes, outcomes and relations, each citing
//! the raw XML it came from.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use super::codes;
use super::xml::El;
use crate::model::iati::*;
use crate::model::*;
use crate::seed::Diagnostic;

/// The records imported so far and what they must not collide with.
pub struct Importer {
    pub out: Dataset,
    pub diags: Vec<Diagnostic>,
    used_ids: HashSet<String>,
    /// Organisation ids by IATI ref, and by folded name for organisations without one.
    orgs: HashMap<String, String>,
    countries: HashSet<String>,
    themes: HashMap<(String, String), String>,
    regions: HashMap<(String, String), String>,
    activities: HashSet<String>,
    /// The file being read and its source id.
    file: String,
    source: String,
    /// The file's `xml:lang`.
    file_lang: Option<String>,
}

impl Importer {
    /// An importer adding to `base` (whose ids, organisations, countries and themes imported
    /// data joins).
    pub fn new(base: &Dataset) -> Importer {
        let mut used_ids = HashSet::new();
        used_ids.extend(base.sources.iter().map(|s| s.id.clone()));
        used_ids.extend(base.organizations.iter().map(|s| s.id.clone()));
        used_ids.extend(base.programmes.iter().map(|s| s.id.clone()));
        used_ids.extend(base.projects.iter().map(|s| s.id.clone()));
        used_ids.extend(base.regions.iter().map(|s| s.id.clone()));
        used_ids.extend(base.themes.iter().map(|s| s.id.clone()));
        used_ids.extend(base.outcomes.iter().map(|s| s.id.clone()));
        let mut orgs = HashMap::new();
        for (iati, id) in codes::SEED_ORGANISATIONS {
            if base.organizations.iter().any(|o| o.id == *id) {
                orgs.insert(iati.to_string(), id.to_string());
            }
        }
        for o in &base.organizations {
            if let Some(iati) = &o.iati_id {
                orgs.insert(iati.clone(), o.id.clone());
            }
        }
        let mut themes = HashMap::new();
        for t in &base.themes {
            if let Some(code) = &t.dac_code {
                themes.insert(("1".to_string(), code.clone()), t.id.clone());
            }
            if let Some(c) = &t.iati {
                themes.insert((c.vocabulary.clone(), c.code.clone()), t.id.clone());
            }
        }
        let regions = base
            .regions
            .iter()
            .filter_map(|r| {
                let c = r.iati.as_ref()?;
                Some(((c.vocabulary.clone(), c.code.clone()), r.id.clone()))
            })
            .collect();
        let activities = base
            .projects
            .iter()
            .filter_map(|p| Some(p.iati.as_ref()?.identifier.clone()))
            .collect();
        Importer {
            out: Dataset::default(),
            diags: Vec::new(),
            used_ids,
            orgs,
            countries: base.countries.iter().map(|c| c.code.clone()).collect(),
            themes,
            regions,
            activities,
            file: String::new(),
            source: String::new(),
            file_lang: None,
        }
    }

    /// Starts a file: declares its source document.
    pub fn begin_file(&mut self, file: &str, source_file: &str) {
        self.file = file.to_string();
        let stem = source_file
            .rsplit_once('.')
            .map_or(source_file, |(stem, _)| stem);
        self.source = self.unique_id(&format!("iati-{}", slug(stem)));
        self.file_lang = None;
        self.out.sources.push(Source {
            id: self.source.clone(),
            file: source_file.to_string(),
            title: format!("IATI file {source_file}"),
            publisher: None,
            year: None,
            description: Some(
                "An IATI 2.03 XML file, imported by aidgraph. Quotes are the raw XML of the \
                 element a fact was read from, escapes as in the file."
                    .into(),
            ),
            text: None,
        });
    }

    pub fn root(&mut self, root: &El) {
        self.file_lang = root.attr("xml:lang").map(str::to_string);
    }

    fn warn(&mut self, el: &El, message: String) {
        self.diags.push(Diagnostic::warning(
            self.file.clone(),
            el.loc,
            message,
            None,
        ));
    }

    fn cite(&self, el: &El) -> Vec<Citation> {
        vec![Citation {
            source: self.source.clone(),
            quote: el.quote.clone(),
        }]
    }

    fn unique_id(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "iati" } else { base };
        let mut id = base.to_string();
        let mut n = 2;
        while self.used_ids.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.used_ids.insert(id.clone());
        id
    }

    /// The narratives of `el`, each with the language in force.
    fn narratives(&self, el: &El, default_lang: Option<&str>) -> Vec<Narrative> {
        el.all("narrative")
            .filter_map(|n| {
                Some(Narrative {
                    lang: n.attr("xml:lang").or(default_lang).map(str::to_string),
                    text: n.text()?.to_string(),
                })
            })
            .collect()
    }

    /// The narrative in the default language, else the first.
    fn name_of(&self, el: &El, default_lang: Option<&str>) -> Option<String> {
        let all = self.narratives(el, default_lang);
        let pick = all
            .iter()
            .find(|n| n.lang.as_deref() == default_lang)
            .or(all.first());
        pick.map(|n| n.text.clone())
    }

    fn decimal(&mut self, el: &El, text: Option<&str>, what: &str) -> Option<Decimal> {
        let Some(text) = text else {
            self.warn(el, format!("<{}> has no {what}: skipped", el.name));
            return None;
        };
        match text.parse::<Decimal>() {
            Ok(d) if d.is_sign_negative() => {
                self.warn(
                    el,
                    format!("negative {what} `{text}` in <{}>: skipped (the data set keeps amounts and counts non-negative)", el.name),
                );
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                self.warn(
                    el,
                    format!("{what} `{text}` of <{}> is not a number: skipped", el.name),
                );
                None
            }
        }
    }

    fn date(&mut self, el: &El, attr: &str) -> Option<PartialDate> {
        let text = el.attr(attr)?;
        match PartialDate::parse(text) {
            Ok(d) => Some(d),
            Err(e) => {
                self.warn(el, format!("`{attr}` of <{}>: {e}; ignored", el.name));
                None
            }
        }
    }

    fn currency(&mut self, el: &El, attr: &str) -> Option<Currency> {
        let code = el.attr(attr)?;
        let c = Currency::parse(code);
        if c.is_none() {
            self.warn(
                el,
                format!("unknown currency `{code}` in <{}>: ignored", el.name),
            );
        }
        c
    }

    fn percentage(&mut self, el: &El) -> Option<Decimal> {
        let text = el.attr("percentage")?;
        match text.parse::<Decimal>() {
            Ok(p) if !p.is_sign_negative() && p <= Decimal::ONE_HUNDRED => Some(p),
            _ => {
                self.warn(
                    el,
                    format!(
                        "percentage `{text}` of <{}> is not between 0 and 100: ignored",
                        el.name
                    ),
                );
                None
            }
        }
    }

    fn code<T>(
        &mut self,
        el: &El,
        attr: &str,
        parse: fn(&str) -> Option<T>,
        what: &str,
    ) -> Option<T> {
        let code = el.attr(attr)?;
        let v = parse(code);
        if v.is_none() {
            self.warn(el, format!("unknown {what} `{code}` in <{}>", el.name));
        }
        v
    }

    /// A period from `period-start` and `period-end` children; an end before the start is
    /// dropped with a warning.
    fn period(&mut self, el: &El) -> Period {
        let start = el
            .child("period-start")
            .and_then(|p| self.date(p, "iso-date"));
        let end = el
            .child("period-end")
            .and_then(|p| self.date(p, "iso-date"));
        self.checked_period(el, start, end)
    }

    fn checked_period(
        &mut self,
        el: &El,
        start: Option<PartialDate>,
        end: Option<PartialDate>,
    ) -> Period {
        if let (Some(s), Some(e)) = (start, end)
            && e.latest() < s.earliest()
        {
            self.warn(
                el,
                format!(
                    "<{}> ends ({e}) before it starts ({s}): end ignored",
                    el.name
                ),
            );
            return Period {
                start,
                end: None,
                text: None,
            };
        }
        Period {
            start,
            end,
            text: None,
        }
    }

    /// The organisation an element (`reporting-org`, `participating-org`, `provider-org` ...)
    /// names: the same node for the same IATI ref (a seed organisation when the ref is
    /// known), else by name.
    fn org(&mut self, el: &El, lang: Option<&str>) -> Option<String> {
        let iati_type = el.attr("type").map(str::to_string);
        let iati_type = match iati_type {
            Some(t) if organisation_type_name(&t).is_none() => {
                self.warn(
                    el,
                    format!("unknown organisation type `{t}` in <{}>: ignored", el.name),
                );
                None
            }
            t => t,
        };
        let name = self.name_of(el, lang);
        let mut reference = el.attr("ref").map(str::to_string);
        if let Some(r) = &reference
            && !r
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            self.warn(
                el,
                format!("`{r}` is not an IATI organisation identifier (letters, digits, `-`, `_`): the organisation is identified by its name"),
            );
            reference = None;
        }
        let key = match (&reference, &name) {
            (Some(r), _) => r.clone(),
            (None, Some(n)) => format!("name:{}", fold_whitespace(n).to_lowercase()),
            (None, None) => {
                self.warn(
                    el,
                    format!("<{}> has neither `ref` nor a name: skipped", el.name),
                );
                return None;
            }
        };
        if let Some(id) = self.orgs.get(&key) {
            let id = id.clone();
            // Fill in a type first seen here, on an organisation of this import.
            if let Some(o) = self.out.organizations.iter_mut().find(|o| o.id == id)
                && o.iati_type.is_none()
            {
                o.kind = codes::org_kind(iati_type.as_deref());
                o.iati_type = iati_type;
            }
            return Some(id);
        }
        let id = match &reference {
            Some(r) => self.unique_id(&slug(r)),
            None => self.unique_id(&format!("org-{}", slug(name.as_deref().unwrap_or("")))),
        };
        self.orgs.insert(key, id.clone());
        self.out.organizations.push(Organization {
            id: id.clone(),
            name: name.or_else(|| reference.clone()).unwrap_or_default(),
            short_name: None,
            kind: codes::org_kind(iati_type.as_deref()),
            aliases: Vec::new(),
            iati_id: reference,
            iati_type,
            country: None,
            description: None,
            cite: self.cite(el),
        });
        Some(id)
    }

    fn relation(&mut self, el: &El, from: String, kind: RelationType, to: String) -> &mut Relation {
        let cite = self.cite(el);
        self.out.relations.push(Relation::new(from, kind, to, cite));
        self.out.relations.last_mut().expect("just pushed")
    }

    /// Reads one `iati-organisation` of an organisation file.
    pub fn organisation(&mut self, el: &El) {
        if el.name != "iati-organisation" {
            self.warn(
                el,
                format!("<{}> ignored: expected <iati-organisation>", el.name),
            );
            return;
        }
        let lang = el
            .attr("xml:lang")
            .map(str::to_string)
            .or(self.file_lang.clone());
        let Some(ident) = el.child("organisation-identifier") else {
            self.warn(
                el,
                "<iati-organisation> without <organisation-identifier>: skipped".into(),
            );
            return;
        };
        let Some(reference) = ident.text().map(str::to_string) else {
            self.warn(ident, "empty <organisation-identifier>: skipped".into());
            return;
        };
        let iati_type = el
            .child("reporting-org")
            .filter(|r| r.attr("ref") == Some(reference.as_str()))
            .and_then(|r| r.attr("type"))
            .map(str::to_string);
        // Build an element that `org` reads: the identifier's quote, the name's narratives.
        let synthetic = El {
            name: "organisation-identifier".into(),
            attrs: [("ref".to_string(), reference)]
                .into_iter()
                .chain(iati_type.map(|t| ("type".to_string(), t)))
                .collect(),
            children: el
                .child("name")
                .map(|n| n.all("narrative").map(clone_leaf).collect())
                .unwrap_or_default(),
            loc: ident.loc,
            quote: ident.quote.clone(),
            ..El::default()
        };
        self.org(&synthetic, lang.as_deref());
    }

    /// Reads one `iati-activity`.
    pub fn activity(&mut self, act: &El) {
        if act.name != "iati-activity" {
            self.warn(
                act,
                format!("<{}> ignored: expected <iati-activity>", act.name),
            );
            return;
        }
        let lang = act
            .attr("xml:lang")
            .map(str::to_string)
            .or(self.file_lang.clone());
        let lang = lang.as_deref();
        let Some(ident_el) = act.child("iati-identifier") else {
            self.warn(
                act,
                "<iati-activity> without <iati-identifier>: skipped (it is required)".into(),
            );
            return;
        };
        let Some(identifier) = ident_el.text().map(str::to_string) else {
            self.warn(ident_el, "empty <iati-identifier>: activity skipped".into());
            return;
        };
        if !self.activities.insert(identifier.clone()) {
            self.warn(
                ident_el,
                format!("activity `{identifier}` is already loaded: this one is skipped"),
            );
            return;
        }
        let id = self.unique_id(&slug(&identifier));

        let titles = act
            .child("title")
            .map(|t| self.narratives(t, lang))
            .unwrap_or_default();
        let title = titles
            .iter()
            .find(|n| n.lang.as_deref() == lang)
            .or(titles.first())
            .map(|n| n.text.clone());
        let title = title.unwrap_or_else(|| {
            self.warn(
                act,
                format!("activity `{identifier}` has no title: its identifier is used"),
            );
            identifier.clone()
        });

        let mut descriptions = Vec::new();
        for d in act.all("description") {
            let kind = match d.attr("type") {
                None => None,
                Some(code) => match DescriptionType::from_iati_code(code) {
                    Some(k) => Some(k),
                    None => {
                        self.warn(
                            d,
                            format!("unknown description type `{code}`: description skipped"),
                        );
                        continue;
                    }
                },
            };
            for n in self.narratives(d, lang) {
                descriptions.push(Description {
                    kind,
                    lang: n.lang,
                    text: n.text,
                });
            }
        }
        let description = descriptions
            .iter()
            .filter(|d| matches!(d.kind, None | Some(DescriptionType::General)))
            .find(|d| d.lang.as_deref() == lang)
            .map(|d| d.text.clone());

        let status = act
            .child("activity-status")
            .and_then(|s| self.code(s, "code", ActivityStatus::from_iati_code, "activity status"));
        let mut dates = Vec::new();
        for d in act.all("activity-date") {
            let kind = self.code(
                d,
                "type",
                ActivityDateType::from_iati_code,
                "activity date type",
            );
            let date = self.date(d, "iso-date");
            match (kind, date) {
                (Some(kind), Some(date)) => dates.push(ActivityDate { kind, date }),
                _ => self.warn(
                    d,
                    "<activity-date> needs a known `type` and an `iso-date`: skipped".into(),
                ),
            }
        }
        let find = |k: ActivityDateType| dates.iter().find(|d| d.kind == k).map(|d| d.date);
        let start = find(ActivityDateType::ActualStart).or(find(ActivityDateType::PlannedStart));
        let end = find(ActivityDateType::ActualEnd).or(find(ActivityDateType::PlannedEnd));
        let period = self.checked_period(act, start, end);
        let period = (period.start.is_some() || period.end.is_some()).then_some(period);

        let hierarchy = act.attr("hierarchy").and_then(|h| {
            let n = h.parse::<u32>().ok();
            if n.is_none() {
                self.warn(
                    act,
                    format!("hierarchy `{h}` is not a whole number: ignored"),
                );
            }
            n
        });
        let default_currency = self.currency(act, "default-currency");

        // Organisations.
        if let Some(r) = act.child("reporting-org") {
            if let Some(org) = self.org(r, lang) {
                self.relation(r, org, RelationType::Publishes, id.clone());
            }
        } else {
            self.warn(
                act,
                format!("activity `{identifier}` has no <reporting-org> (it is required)"),
            );
        }
        for p in act.all("participating-org") {
            let Some(role) = self.code(p, "role", OrgRole::from_iati_code, "organisation role")
            else {
                if p.attr("role").is_none() {
                    self.warn(p, "<participating-org> without `role`: skipped".into());
                }
                continue;
            };
            let Some(org) = self.org(p, lang) else {
                continue;
            };
            let kind = match role {
                OrgRole::Funding => RelationType::Funds,
                OrgRole::Accountable => RelationType::AccountableFor,
                OrgRole::Extending => RelationType::Manages,
                OrgRole::Implementing => RelationType::Implements,
            };
            let activity_id = p.attr("activity-id").map(str::to_string);
            let r = self.relation(p, org, kind, id.clone());
            r.iati_role = Some(role);
            r.iati_activity_id = activity_id;
        }

        // Places and sectors.
        for c in act.all("recipient-country") {
            self.country(c, &id);
        }
        for r in act.all("recipient-region") {
            self.region(r, &id, lang);
        }
        for s in act.all("sector") {
            self.sector(s, &id, lang);
        }

        // Money.
        let mut budgets = Vec::new();
        for b in act.all("budget") {
            let kind = self.code(b, "type", BudgetType::from_iati_code, "budget type");
            let status = self.code(b, "status", BudgetStatus::from_iati_code, "budget status");
            let period = self.period(b);
            let Some(v) = b.child("value") else {
                self.warn(b, "<budget> without <value>: skipped".into());
                continue;
            };
            let Some(value) = self.decimal(v, v.text(), "value") else {
                continue;
            };
            let currency = self.currency(v, "currency");
            self.no_currency(v, currency, default_currency);
            let value_date = self.date(v, "value-date");
            budgets.push(Budget {
                kind,
                status,
                period,
                value,
                currency,
                value_date,
                cite: self.cite(v),
            });
        }
        let mut transactions = Vec::new();
        for t in act.all("transaction") {
            if let Some(tx) = self.transaction(t, lang, default_currency) {
                transactions.push(std::sync::Arc::new(tx));
            }
        }
        let mut related = Vec::new();
        for r in act.all("related-activity") {
            let kind = self.code(
                r,
                "type",
                RelatedActivityType::from_iati_code,
                "related activity type",
            );
            match (kind, r.attr("ref")) {
                (Some(kind), Some(other)) => related.push(RelatedActivity {
                    kind,
                    activity_id: other.to_string(),
                    cite: self.cite(r),
                }),
                _ => self.warn(
                    r,
                    "<related-activity> needs a known `type` and a `ref`: skipped".into(),
                ),
            }
        }

        self.results(act, &id, lang);

        let project_status = match status {
            Some(ActivityStatus::Pipeline) => ProjectStatus::Planned,
            Some(ActivityStatus::Implementation | ActivityStatus::Finalisation) => {
                ProjectStatus::Ongoing
            }
            Some(ActivityStatus::Closed) => ProjectStatus::Completed,
            _ => ProjectStatus::Unknown,
        };
        self.out.projects.push(Project {
            id,
            title,
            short_title: None,
            aliases: Vec::new(),
            status: project_status,
            period,
            budget: None,
            description,
            coordinator: None,
            iati: Some(Box::new(IatiActivity {
                identifier,
                hierarchy,
                default_currency,
                lang: act.attr("xml:lang").map(str::to_string),
                status,
                dates,
                titles,
                descriptions,
                budgets,
                transactions,
                related,
            })),
            cite: self.cite(ident_el),
        });
    }

    fn no_currency(&mut self, v: &El, stated: Option<Currency>, default: Option<Currency>) {
        if stated.is_none() && default.is_none() {
            self.warn(
                v,
                "a value without currency, and the activity has no `default-currency`".into(),
            );
        }
    }

    fn transaction(
        &mut self,
        t: &El,
        lang: Option<&str>,
        default_currency: Option<Currency>,
    ) -> Option<Transaction> {
        let Some(kind_el) = t.child("transaction-type") else {
            self.warn(
                t,
                "<transaction> without <transaction-type>: skipped".into(),
            );
            return None;
        };
        let kind = self.code(
            kind_el,
            "code",
            TransactionType::from_iati_code,
            "transaction type",
        );
        let Some(kind) = kind else {
            self.warn(t, "<transaction> skipped: its type is unknown".into());
            return None;
        };
        let date = t
            .child("transaction-date")
            .and_then(|d| self.date(d, "iso-date"));
        let Some(v) = t.child("value") else {
            self.warn(t, "<transaction> without <value>: skipped".into());
            return None;
        };
        let value = self.decimal(v, v.text(), "value")?;
        let currency = self.currency(v, "currency");
        self.no_currency(v, currency, default_currency);
        let value_date = self.date(v, "value-date");
        let mut party = |el: Option<&El>, activity_attr: &str| -> TransactionParty {
            let Some(el) = el else {
                return TransactionParty::default();
            };
            TransactionParty {
                org: self.org(el, lang),
                activity_id: el.attr(activity_attr).map(str::to_string),
            }
        };
        let provider = party(t.child("provider-org"), "provider-activity-id");
        let receiver = party(t.child("receiver-org"), "receiver-activity-id");
        let description = t.child("description").and_then(|d| self.name_of(d, lang));
        Some(Transaction {
            kind,
            date,
            value,
            currency,
            value_date,
            provider,
            receiver,
            description,
            cite: self.cite(v),
        })
    }

    fn country(&mut self, c: &El, project: &str) {
        let Some(code) = c.attr("code") else {
            self.warn(c, "<recipient-country> without `code`: skipped".into());
            return;
        };
        let Some((a2, a3, name)) = iso_country(code) else {
            self.warn(
                c,
                format!("`{code}` is not an ISO 3166-1 alpha-2 country code: skipped"),
            );
            return;
        };
        if self.countries.insert(a2.to_string()) {
            self.out.countries.push(Country {
                code: a2.to_string(),
                alpha3: a3.to_string(),
                name: name.to_string(),
                aliases: Vec::new(),
                cite: self.cite(c),
            });
        }
        let percentage = self.percentage(c);
        self.relation(
            c,
            project.to_string(),
            RelationType::InCountry,
            a2.to_string(),
        )
        .percentage = percentage;
    }

    fn region(&mut self, r: &El, project: &str, lang: Option<&str>) {
        let vocabulary = r.attr("vocabulary").unwrap_or("1").to_string();
        let Some(code) = r.attr("code").map(str::to_string) else {
            self.warn(r, "<recipient-region> without `code`: skipped".into());
            return;
        };
        if !codes::REGION_VOCABULARIES.contains(&vocabulary.as_str()) {
            self.warn(
                r,
                format!("unknown region vocabulary `{vocabulary}`: region skipped"),
            );
            return;
        }
        let key = (vocabulary.clone(), code.clone());
        let id = match self.regions.get(&key) {
            Some(id) => id.clone(),
            None => {
                let known = (vocabulary == "1")
                    .then(|| codes::lookup(codes::DAC_REGIONS, &code))
                    .flatten();
                if vocabulary == "1" && known.is_none() {
                    self.warn(
                        r,
                        format!("unknown OECD DAC region code `{code}`: kept under its code"),
                    );
                }
                let name = known
                    .map(str::to_string)
                    .or_else(|| self.name_of(r, lang))
                    .unwrap_or_else(|| {
                        format!("Region {code} (IATI region vocabulary {vocabulary})")
                    });
                let id = self.unique_id(&format!("iati-region-{vocabulary}-{}", slug(&code)));
                self.regions.insert(key, id.clone());
                self.out.regions.push(Region {
                    id: id.clone(),
                    name,
                    aliases: Vec::new(),
                    description: None,
                    iati: Some(IatiCode { vocabulary, code }),
                    cite: self.cite(r),
                });
                id
            }
        };
        let percentage = self.percentage(r);
        self.relation(r, project.to_string(), RelationType::InRegion, id)
            .percentage = percentage;
    }

    fn sector(&mut self, s: &El, project: &str, lang: Option<&str>) {
        let vocabulary = s.attr("vocabulary").unwrap_or("1").to_string();
        let Some(code) = s.attr("code").map(str::to_string) else {
            self.warn(s, "<sector> without `code`: skipped".into());
            return;
        };
        if !codes::SECTOR_VOCABULARIES.contains(&vocabulary.as_str()) {
            self.warn(
                s,
                format!("unknown sector vocabulary `{vocabulary}`: sector skipped"),
            );
            return;
        }
        let key = (vocabulary.clone(), code.clone());
        let id = match self.themes.get(&key) {
            Some(id) => id.clone(),
            None => {
                let known = match vocabulary.as_str() {
                    "1" => Some(dac::dac_name(&code)),
                    "2" => Some(codes::lookup(codes::DAC_SECTOR_CATEGORIES, &code)),
                    _ => None,
                };
                if let Some(None) = known {
                    let what = if vocabulary == "1" {
                        "DAC 5-digit purpose"
                    } else {
                        "DAC 3-digit sector"
                    };
                    self.warn(
                        s,
                        format!(
                            "{what} code `{code}` is not in aidgraph's list: kept under its code"
                        ),
                    );
                }
                let known = known.flatten();
                let name = known
                    .map(str::to_string)
                    .or_else(|| self.name_of(s, lang))
                    .unwrap_or_else(|| {
                        format!("Sector {code} (IATI sector vocabulary {vocabulary})")
                    });
                let dac_code = (vocabulary == "1" && known.is_some()).then(|| code.clone());
                let id = self.unique_id(&format!("iati-sector-{vocabulary}-{}", slug(&code)));
                self.themes.insert(key, id.clone());
                self.out.themes.push(Theme {
                    id: id.clone(),
                    name,
                    dac_code,
                    iati: Some(IatiCode { vocabulary, code }),
                    aliases: Vec::new(),
                    description: None,
                    cite: self.cite(s),
                });
                id
            }
        };
        let percentage = self.percentage(s);
        self.relation(s, project.to_string(), RelationType::HasTheme, id)
            .percentage = percentage;
    }

    /// Every baseline, target and actual of every indicator becomes an outcome of the project.
    fn results(&mut self, act: &El, project: &str, lang: Option<&str>) {
        for (ri, result) in act.all("result").enumerate() {
            let result_type = self.code(result, "type", ResultType::from_iati_code, "result type");
            let result_title = result
                .child("title")
                .and_then(|t| self.name_of(t, lang))
                .unwrap_or_else(|| format!("Result {}", ri + 1));
            for (ii, ind) in result.all("indicator").enumerate() {
                let measure = self.code(
                    ind,
                    "measure",
                    IndicatorMeasure::from_iati_code,
                    "indicator measure",
                );
                let ascending = match ind.attr("ascending") {
                    Some("1" | "true") => Some(true),
                    Some("0" | "false") => Some(false),
                    None => None,
                    Some(other) => {
                        self.warn(
                            ind,
                            format!("`ascending` is `{other}`, not 0 or 1: ignored"),
                        );
                        None
                    }
                };
                let Some(indicator_title) = ind.child("title").and_then(|t| self.name_of(t, lang))
                else {
                    self.warn(ind, "<indicator> without a title: skipped".into());
                    continue;
                };
                let point = IndicatorPoint {
                    result: ri as u32 + 1,
                    result_type,
                    result_title: result_title.clone(),
                    indicator: ii as u32 + 1,
                    indicator_title: indicator_title.clone(),
                    measure,
                    ascending,
                };
                let stem = format!("{project}-r{}-i{}", ri + 1, ii + 1);
                for (bi, b) in ind.all("baseline").enumerate() {
                    let date = self.date(b, "iso-date");
                    let year = b
                        .attr("year")
                        .and_then(|y| PartialDate::parse(y).ok())
                        .filter(|d| matches!(d, PartialDate::Year(_)));
                    let at = date.or(year);
                    let period = at.map(|d| Period {
                        start: Some(d),
                        end: Some(d),
                        text: None,
                    });
                    let suffix = if bi == 0 {
                        String::new()
                    } else {
                        format!("-{}", bi + 1)
                    };
                    self.outcome(
                        b,
                        project,
                        &format!("{stem}-baseline{suffix}"),
                        &point,
                        OutcomeStatus::Baseline,
                        period,
                        lang,
                    );
                }
                for (pi, p) in ind.all("period").enumerate() {
                    let period = self.period(p);
                    let period = (period.start.is_some() || period.end.is_some()).then_some(period);
                    for (tag, status) in [
                        ("target", OutcomeStatus::Target),
                        ("actual", OutcomeStatus::Achieved),
                    ] {
                        for (k, v) in p.all(tag).enumerate() {
                            let suffix = if k == 0 {
                                String::new()
                            } else {
                                format!("-{}", k + 1)
                            };
                            let id = format!("{stem}-p{}-{tag}{suffix}", pi + 1);
                            self.outcome(v, project, &id, &point, status, period.clone(), lang);
                        }
                    }
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn outcome(
        &mut self,
        el: &El,
        project: &str,
        id: &str,
        point: &IndicatorPoint,
        status: OutcomeStatus,
        period: Option<Period>,
        lang: Option<&str>,
    ) {
        if el.attr("value").is_none() {
            if point.measure != Some(IndicatorMeasure::Qualitative) {
                self.warn(el, format!("<{}> without `value`: skipped", el.name));
            }
            return;
        }
        let Some(value) = self.decimal(el, el.attr("value"), "value") else {
            return;
        };
        let unit = match point.measure {
            Some(IndicatorMeasure::Percentage) => "percent",
            Some(IndicatorMeasure::Nominal) => "nominal",
            Some(IndicatorMeasure::Ordinal) => "ordinal",
            Some(IndicatorMeasure::Qualitative) => "qualitative",
            _ => "unit",
        };
        let note = el.child("comment").and_then(|c| self.name_of(c, lang));
        let id = self.unique_id(id);
        self.out.outcomes.push(Outcome {
            id,
            subject: project.to_string(),
            metric: metric(&point.indicator_title),
            label: point.indicator_title.clone(),
            value,
            unit: Unit::Count(unit.into()),
            qualifier: Qualifier::Exact,
            status,
            period,
            country: None,
            note,
            iati: Some(Box::new(point.clone())),
            cite: self.cite(el),
        });
    }
}

fn clone_leaf(el: &El) -> El {
    El {
        name: el.name.clone(),
        attrs: el.attrs.clone(),
        text: el.text.clone(),
        loc: el.loc,
        quote: el.quote.clone(),
        ..El::default()
    }
}

/// A slug: lower-case ASCII letters and digits, other runs become `-`; at most 80 bytes.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 80 {
            break;
        }
    }
    out.trim_end_matches('-').to_string()
}

/// A metric slug (`snake_case`) from an indicator title.
fn metric(title: &str) -> String {
    let s = slug(title).replace('-', "_");
    if s.is_empty() {
        "iati_indicator".into()
    } else {
        s
    }
}
