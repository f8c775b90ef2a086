//! Imported records -> a seed data file (TOML) that the seed loader reads back into the same
//! records (`seed/README.md` describes the keys). Written by hand so that the file reads like
//! the curated seed: one table per record, citations inline.

use std::fmt::Write;

use crate::model::iati::*;
use crate::model::*;

/// A TOML basic string.
fn s(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn cite(out: &mut String, cite: &[Citation]) {
    out.push_str("cite = [");
    for (i, c) in cite.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(
            out,
            "{{ source = {}, quote = {} }}",
            s(&c.source),
            s(&c.quote)
        );
    }
    out.push_str("]\n");
}

fn kv(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(out, "{key} = {}", s(value));
}

fn opt(out: &mut String, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        kv(out, key, v);
    }
}

fn period(p: &Period) -> String {
    let mut parts = Vec::new();
    if let Some(start) = p.start {
        parts.push(format!("start = {}", s(&start.to_string())));
    }
    if let Some(end) = p.end {
        parts.push(format!("end = {}", s(&end.to_string())));
    }
    if let Some(text) = &p.text {
        parts.push(format!("text = {}", s(text)));
    }
    format!("{{ {} }}", parts.join(", "))
}

fn opt_period(out: &mut String, key: &str, p: Option<&Period>) {
    if let Some(p) = p.filter(|p| p.start.is_some() || p.end.is_some()) {
        let _ = writeln!(out, "{key} = {}", period(p));
    }
}

fn narratives(out: &mut String, key: &str, list: &[Narrative]) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "{key} = [");
    for n in list {
        let lang = n.lang.as_deref().map(|l| format!("lang = {}, ", s(l)));
        let _ = writeln!(
            out,
            "  {{ {}text = {} }},",
            lang.unwrap_or_default(),
            s(&n.text)
        );
    }
    out.push_str("]\n");
}

fn iati_code(out: &mut String, code: Option<&IatiCode>) {
    if let Some(c) = code {
        let _ = writeln!(
            out,
            "iati = {{ vocabulary = {}, code = {} }}",
            s(&c.vocabulary),
            s(&c.code)
        );
    }
}

/// The data file for `data` (the imported records), with a header saying where it came from.
pub fn write(data: &Dataset) -> String {
    let mut out = String::from(
        "# Imported from IATI files by `aidgraph import iati`. Each quote is the raw XML of the\n\
         # element the fact was read from (escapes such as &amp; as in the file, whitespace\n\
         # folded); the files are in sources/. Review and edit like any seed file.\n",
    );
    for x in &data.sources {
        out.push_str("\n[[source]]\n");
        kv(&mut out, "id", &x.id);
        kv(&mut out, "file", &x.file);
        kv(&mut out, "title", &x.title);
        opt(&mut out, "publisher", x.publisher.as_deref());
        if let Some(y) = x.year {
            kv(&mut out, "year", &y.to_string());
        }
        opt(&mut out, "description", x.description.as_deref());
    }
    for o in &data.organizations {
        out.push_str("\n[[organization]]\n");
        kv(&mut out, "id", &o.id);
        kv(&mut out, "name", &o.name);
        kv(&mut out, "kind", o.kind.code());
        opt(&mut out, "short_name", o.short_name.as_deref());
        opt(&mut out, "iati_id", o.iati_id.as_deref());
        opt(&mut out, "iati_type", o.iati_type.as_deref());
        opt(&mut out, "country", o.country.as_deref());
        opt(&mut out, "description", o.description.as_deref());
        cite(&mut out, &o.cite);
    }
    for c in &data.countries {
        out.push_str("\n[[country]]\n");
        kv(&mut out, "code", &c.code);
        kv(&mut out, "alpha3", &c.alpha3);
        kv(&mut out, "name", &c.name);
        cite(&mut out, &c.cite);
    }
    for r in &data.regions {
        out.push_str("\n[[region]]\n");
        kv(&mut out, "id", &r.id);
        kv(&mut out, "name", &r.name);
        opt(&mut out, "description", r.description.as_deref());
        iati_code(&mut out, r.iati.as_ref());
        cite(&mut out, &r.cite);
    }
    for t in &data.themes {
        out.push_str("\n[[theme]]\n");
        kv(&mut out, "id", &t.id);
        kv(&mut out, "name", &t.name);
        opt(&mut out, "dac_code", t.dac_code.as_deref());
        opt(&mut out, "description", t.description.as_deref());
        iati_code(&mut out, t.iati.as_ref());
        cite(&mut out, &t.cite);
    }
    for p in &data.projects {
        project(&mut out, p);
    }
    for o in &data.outcomes {
        outcome(&mut out, o);
    }
    for r in &data.relations {
        out.push_str("\n[[relation]]\n");
        kv(&mut out, "from", &r.from);
        kv(&mut out, "type", r.kind.code());
        kv(&mut out, "to", &r.to);
        opt(&mut out, "role", r.role.as_deref());
        if let Some(p) = r.percentage {
            kv(&mut out, "percentage", &p.to_string());
        }
        if let Some(role) = r.iati_role {
            kv(&mut out, "iati_role", role.code());
        }
        opt(&mut out, "iati_activity_id", r.iati_activity_id.as_deref());
        opt_period(&mut out, "period", r.period.as_ref());
        opt(&mut out, "note", r.note.as_deref());
        cite(&mut out, &r.cite);
    }
    out
}

fn project(out: &mut String, p: &Project) {
    out.push_str("\n[[project]]\n");
    kv(out, "id", &p.id);
    kv(out, "title", &p.title);
    kv(out, "status", p.status.code());
    opt_period(out, "period", p.period.as_ref());
    opt(out, "description", p.description.as_deref());
    cite(out, &p.cite);
    let Some(a) = &p.iati else { return };
    out.push_str("\n[project.iati]\n");
    kv(out, "identifier", &a.identifier);
    if let Some(h) = a.hierarchy {
        kv(out, "hierarchy", &h.to_string());
    }
    opt(out, "default_currency", a.default_currency.map(|c| c.0));
    opt(out, "lang", a.lang.as_deref());
    opt(out, "activity_status", a.status.map(|s| s.code()));
    narratives(out, "titles", &a.titles);
    if !a.descriptions.is_empty() {
        out.push_str("descriptions = [\n");
        for d in &a.descriptions {
            let mut parts = Vec::new();
            if let Some(k) = d.kind {
                parts.push(format!("type = {}", s(k.code())));
            }
            if let Some(l) = &d.lang {
                parts.push(format!("lang = {}", s(l)));
            }
            parts.push(format!("text = {}", s(&d.text)));
            let _ = writeln!(out, "  {{ {} }},", parts.join(", "));
        }
        out.push_str("]\n");
    }
    if !a.dates.is_empty() {
        out.push_str("dates = [\n");
        for d in &a.dates {
            let _ = writeln!(
                out,
                "  {{ type = {}, date = {} }},",
                s(d.kind.code()),
                s(&d.date.to_string())
            );
        }
        out.push_str("]\n");
    }
    for b in &a.budgets {
        out.push_str("\n[[project.iati.budgets]]\n");
        opt(out, "type", b.kind.map(|k| k.code()));
        opt(out, "status", b.status.map(|k| k.code()));
        opt_period(out, "period", Some(&b.period));
        kv(out, "value", &b.value.to_string());
        opt(out, "currency", b.currency.map(|c| c.0));
        opt(
            out,
            "value_date",
            b.value_date.map(|d| d.to_string()).as_deref(),
        );
        cite(out, &b.cite);
    }
    for t in &a.transactions {
        out.push_str("\n[[project.iati.transactions]]\n");
        kv(out, "type", t.kind.code());
        opt(out, "date", t.date.map(|d| d.to_string()).as_deref());
        kv(out, "value", &t.value.to_string());
        opt(out, "currency", t.currency.map(|c| c.0));
        opt(
            out,
            "value_date",
            t.value_date.map(|d| d.to_string()).as_deref(),
        );
        opt(out, "provider", t.provider.org.as_deref());
        opt(out, "provider_activity", t.provider.activity_id.as_deref());
        opt(out, "receiver", t.receiver.org.as_deref());
        opt(out, "receiver_activity", t.receiver.activity_id.as_deref());
        opt(out, "description", t.description.as_deref());
        cite(out, &t.cite);
    }
    for r in &a.related {
        out.push_str("\n[[project.iati.related]]\n");
        kv(out, "type", r.kind.code());
        kv(out, "ref", &r.activity_id);
        cite(out, &r.cite);
    }
}

fn outcome(out: &mut String, o: &Outcome) {
    out.push_str("\n[[outcome]]\n");
    kv(out, "id", &o.id);
    kv(out, "subject", &o.subject);
    kv(out, "metric", &o.metric);
    kv(out, "label", &o.label);
    kv(out, "value", &o.value.to_string());
    match &o.unit {
        Unit::Count(u) => kv(out, "unit", u),
        Unit::Currency(c) => kv(out, "currency", c.0),
    }
    kv(out, "qualifier", o.qualifier.code());
    kv(out, "status", o.status.code());
    opt_period(out, "period", o.period.as_ref());
    opt(out, "country", o.country.as_deref());
    opt(out, "note", o.note.as_deref());
    if let Some(i) = &o.iati {
        let mut parts = vec![
            format!("result = {}", s(&i.result.to_string())),
            format!("result_title = {}", s(&i.result_title)),
            format!("indicator = {}", s(&i.indicator.to_string())),
            format!("indicator_title = {}", s(&i.indicator_title)),
        ];
        if let Some(t) = i.result_type {
            parts.push(format!("result_type = {}", s(t.code())));
        }
        if let Some(m) = i.measure {
            parts.push(format!("measure = {}", s(m.code())));
        }
        if let Some(a) = i.ascending {
            parts.push(format!("ascending = {a}"));
        }
        let _ = writeln!(out, "iati = {{ {} }}", parts.join(", "));
    }
    cite(out, &o.cite);
}
