//! The keys that hold what an IATI file says beyond the plain seed format: `[project.iati]`
//! with its budgets, transactions and related activities, `iati` on regions, themes and
//! outcomes, `iati_type` on organisations, `percentage` and `iati_role` on relations.

use super::*;
use crate::model::iati::*;

impl Parser<'_, '_, '_> {
    /// The items of an optional array of tables.
    fn tables<'t, 'i>(&mut self, t: &TableReader<'t, 'i>, key: &str) -> Vec<&'t Item<'i>> {
        let Some(v) = t.raw(key) else {
            return Vec::new();
        };
        match v.get_ref() {
            DeValue::Array(items) => items.iter().collect(),
            _ => {
                self.ctx.error(
                    v.span(),
                    format!("`{key}` must be an array of tables: write `[[...{key}]]`"),
                    None,
                );
                Vec::new()
            }
        }
    }

    fn opt_u32(&mut self, t: &TableReader<'_, '_>, key: &str) -> Option<u32> {
        let at = t.opt_str(self.ctx, key)?;
        match at.value.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.ctx.error_at(
                    at.loc,
                    format!(
                        "`{key}` must be a whole number as a string, found `{}`",
                        at.value
                    ),
                    None,
                );
                None
            }
        }
    }

    fn opt_bool(&mut self, t: &TableReader<'_, '_>, key: &str) -> Option<bool> {
        let v = t.raw(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.ctx
                    .error(v.span(), format!("`{key}` must be true or false"), None);
                None
            }
        }
    }

    fn opt_date_at(&mut self, t: &TableReader<'_, '_>, key: &str) -> Option<PartialDate> {
        self.opt_date(t, key)
    }

    pub(super) fn iati_org_type(&mut self, t: &TableReader<'_, '_>) -> Option<String> {
        let at = t.opt_str(self.ctx, "iati_type")?;
        if organisation_type_name(&at.value).is_none() {
            let codes: Vec<&str> = ORGANISATION_TYPES.iter().map(|(c, _)| *c).collect();
            self.ctx.error_at(
                at.loc,
                format!("unknown IATI organisation type `{}`", at.value),
                Some(format!("expected one of: {}", codes.join(", "))),
            );
            return None;
        }
        Some(at.value)
    }

    pub(super) fn iati_code(&mut self, t: &TableReader<'_, '_>) -> Option<IatiCode> {
        let v = t.raw("iati")?;
        let c = TableReader::new(self.ctx, v, "iati code", &["vocabulary", "code"])?;
        let vocabulary = c.req_str(self.ctx, "vocabulary")?;
        let code = c.req_str(self.ctx, "code")?;
        Some(IatiCode {
            vocabulary: vocabulary.value,
            code: code.value,
        })
    }

    pub(super) fn percentage(&mut self, t: &TableReader<'_, '_>) -> Option<Decimal> {
        let at = t.opt_str(self.ctx, "percentage")?;
        let p = self.decimal(&at, "percentage")?;
        if p > Decimal::ONE_HUNDRED {
            self.ctx.error_at(
                at.loc,
                format!("percentage `{}` is over 100", at.value),
                None,
            );
            return None;
        }
        Some(p)
    }

    fn narratives(&mut self, t: &TableReader<'_, '_>, key: &str) -> Vec<Narrative> {
        let mut out = Vec::new();
        let Some(v) = t.raw(key) else { return out };
        let DeValue::Array(items) = v.get_ref() else {
            self.ctx.error(
                v.span(),
                format!("`{key}` must be an array of {{ lang, text }} tables"),
                None,
            );
            return out;
        };
        for item in items {
            let Some(n) = TableReader::new(self.ctx, item, "narrative", &["lang", "text"]) else {
                continue;
            };
            let lang = n.opt_str(self.ctx, "lang").map(|a| a.value);
            if let Some(text) = n.req_str(self.ctx, "text") {
                out.push(Narrative {
                    lang,
                    text: text.value,
                });
            }
        }
        out
    }

    fn opt_currency(&mut self, t: &TableReader<'_, '_>) -> Option<Currency> {
        let at = t.opt_str(self.ctx, "currency")?;
        self.currency(&at)
    }

    pub(super) fn iati_activity(&mut self, t: &TableReader<'_, '_>) -> Option<Box<IatiActivity>> {
        const KEYS: &[&str] = &[
            "identifier",
            "hierarchy",
            "default_currency",
            "lang",
            "activity_status",
            "titles",
            "descriptions",
            "dates",
            "budgets",
            "transactions",
            "related",
        ];
        let v = t.raw("iati")?;
        let a = TableReader::new(self.ctx, v, "project iati", KEYS)?;
        let identifier = a.req_str(self.ctx, "identifier");
        let hierarchy = self.opt_u32(&a, "hierarchy");
        let default_currency = a
            .opt_str(self.ctx, "default_currency")
            .and_then(|c| self.currency(&c));
        let lang = a.opt_str(self.ctx, "lang").map(|l| l.value);
        let status = a.opt_code(
            self.ctx,
            "activity_status",
            ActivityStatus::ALL,
            ActivityStatus::code,
        );
        let titles = self.narratives(&a, "titles");
        let mut descriptions = Vec::new();
        for item in self.tables(&a, "descriptions") {
            let Some(d) =
                TableReader::new(self.ctx, item, "description", &["type", "lang", "text"])
            else {
                continue;
            };
            let kind = d.opt_code(
                self.ctx,
                "type",
                DescriptionType::ALL,
                DescriptionType::code,
            );
            let lang = d.opt_str(self.ctx, "lang").map(|l| l.value);
            if let Some(text) = d.req_str(self.ctx, "text") {
                descriptions.push(Description {
                    kind,
                    lang,
                    text: text.value,
                });
            }
        }
        let mut dates = Vec::new();
        for item in self.tables(&a, "dates") {
            let Some(d) = TableReader::new(self.ctx, item, "activity date", &["type", "date"])
            else {
                continue;
            };
            let kind = d.req_code(
                self.ctx,
                "type",
                ActivityDateType::ALL,
                ActivityDateType::code,
            );
            let date = d.req_str(self.ctx, "date").and_then(|at| self.date(&at));
            if let (Some(kind), Some(date)) = (kind, date) {
                dates.push(ActivityDate { kind, date });
            }
        }
        let budgets = self.budgets(&a);
        let transactions = self.transactions(&a);
        let mut related = Vec::new();
        for item in self.tables(&a, "related") {
            let Some(r) =
                TableReader::new(self.ctx, item, "related activity", &["type", "ref", "cite"])
            else {
                continue;
            };
            let kind = r.req_code(
                self.ctx,
                "type",
                RelatedActivityType::ALL,
                RelatedActivityType::code,
            );
            let activity_id = r.req_str(self.ctx, "ref");
            let cite = self.cite(&r);
            if let (Some(kind), Some(activity_id)) = (kind, activity_id) {
                related.push(RelatedActivity {
                    kind,
                    activity_id: activity_id.value,
                    cite,
                });
            }
        }
        Some(Box::new(IatiActivity {
            identifier: identifier?.value,
            hierarchy,
            default_currency,
            lang,
            status,
            dates,
            titles,
            descriptions,
            budgets,
            transactions: transactions.into_iter().map(std::sync::Arc::new).collect(),
            related,
        }))
    }

    fn budgets(&mut self, a: &TableReader<'_, '_>) -> Vec<Budget> {
        const KEYS: &[&str] = &[
            "type",
            "status",
            "period",
            "value",
            "currency",
            "value_date",
            "cite",
        ];
        let mut out = Vec::new();
        for item in self.tables(a, "budgets") {
            let Some(b) = TableReader::new(self.ctx, item, "budget", KEYS) else {
                continue;
            };
            let kind = b.opt_code(self.ctx, "type", BudgetType::ALL, BudgetType::code);
            let status = b.opt_code(self.ctx, "status", BudgetStatus::ALL, BudgetStatus::code);
            let period = self.period(&b, "period");
            let value = b
                .req_str(self.ctx, "value")
                .and_then(|v| self.decimal(&v, "value"));
            let currency = self.opt_currency(&b);
            let value_date = self.opt_date_at(&b, "value_date");
            let cite = self.cite(&b);
            if let Some(value) = value {
                out.push(Budget {
                    kind,
                    status,
                    period: period.unwrap_or_default(),
                    value,
                    currency,
                    value_date,
                    cite,
                });
            }
        }
        out
    }

    fn party(
        &mut self,
        t: &TableReader<'_, '_>,
        org: &'static str,
        activity: &str,
    ) -> TransactionParty {
        let org_at = t.opt_str(self.ctx, org);
        if let Some(at) = &org_at {
            self.refer(at, org, &[EntityKind::Organization]);
        }
        TransactionParty {
            org: org_at.map(|a| a.value),
            activity_id: t.opt_str(self.ctx, activity).map(|a| a.value),
        }
    }

    fn transactions(&mut self, a: &TableReader<'_, '_>) -> Vec<Transaction> {
        const KEYS: &[&str] = &[
            "type",
            "date",
            "value",
            "currency",
            "value_date",
            "provider",
            "provider_activity",
            "receiver",
            "receiver_activity",
            "description",
            "cite",
        ];
        let mut out = Vec::new();
        for item in self.tables(a, "transactions") {
            let Some(t) = TableReader::new(self.ctx, item, "transaction", KEYS) else {
                continue;
            };
            let kind = t.req_code(
                self.ctx,
                "type",
                TransactionType::ALL,
                TransactionType::code,
            );
            let date = self.opt_date_at(&t, "date");
            let value = t
                .req_str(self.ctx, "value")
                .and_then(|v| self.decimal(&v, "value"));
            let currency = self.opt_currency(&t);
            let value_date = self.opt_date_at(&t, "value_date");
            let provider = self.party(&t, "provider", "provider_activity");
            let receiver = self.party(&t, "receiver", "receiver_activity");
            let description = t.opt_str(self.ctx, "description").map(|d| d.value);
            let cite = self.cite(&t);
            if let (Some(kind), Some(value)) = (kind, value) {
                out.push(Transaction {
                    kind,
                    date,
                    value,
                    currency,
                    value_date,
                    provider,
                    receiver,
                    description,
                    cite,
                });
            }
        }
        out
    }

    pub(super) fn iati_indicator(
        &mut self,
        t: &TableReader<'_, '_>,
    ) -> Option<Box<IndicatorPoint>> {
        const KEYS: &[&str] = &[
            "result",
            "result_type",
            "result_title",
            "indicator",
            "indicator_title",
            "measure",
            "ascending",
        ];
        let v = t.raw("iati")?;
        let i = TableReader::new(self.ctx, v, "outcome iati", KEYS)?;
        let result = self.opt_u32(&i, "result");
        let result_type = i.opt_code(self.ctx, "result_type", ResultType::ALL, ResultType::code);
        let result_title = i.req_str(self.ctx, "result_title");
        let indicator = self.opt_u32(&i, "indicator");
        let indicator_title = i.req_str(self.ctx, "indicator_title");
        let measure = i.opt_code(
            self.ctx,
            "measure",
            IndicatorMeasure::ALL,
            IndicatorMeasure::code,
        );
        let ascending = self.opt_bool(&i, "ascending");
        Some(Box::new(IndicatorPoint {
            result: result.unwrap_or(1),
            result_type,
            result_title: result_title?.value,
            indicator: indicator.unwrap_or(1),
            indicator_title: indicator_title?.value,
            measure,
            ascending,
        }))
    }
}
