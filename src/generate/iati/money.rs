//! Money: annual budgets, and the transactions of every funding flow, written identically by
//! the funder (outgoing commitment, disbursements) and the funded activity (incoming
//! commitment, incoming funds), plus expenditure where the work is done.

use std::io::{self, Write};

use super::{local_partner, organisation};
use crate::analysis::rng::Rng;
use crate::generate::codes;
use crate::generate::plan::{AS_OF, Core, Day, Plan, unit};
use crate::generate::xml::{close, empty, leaf, narratives, open};

/// Annual budgets in the activity's currency, one per year (at most seven), each period at
/// most a year long and its share of the whole in proportion to its length.
pub(super) fn budgets(w: &mut impl Write, plan: &Plan, core: &Core) -> io::Result<()> {
    let total = (core.usd / codes::usd_per_unit(plan.currency(core))).round() as u64;
    let days = u64::try_from(core.planned_end.0 - core.planned_start.0).unwrap_or(0) + 1;
    let status = if core.started() { "2" } else { "1" };
    let mut from = core.planned_start;
    let mut left = total;
    for _ in 0..7 {
        if from > core.planned_end {
            break;
        }
        let to = from.plus(364).min(core.planned_end);
        let value = if to == core.planned_end {
            left
        } else {
            (total * (to.0 - from.0 + 1) as u64 / days).min(left)
        };
        left -= value;
        open(w, 2, "budget", &[("type", &"1"), ("status", &status)])?;
        empty(w, 3, "period-start", &[("iso-date", &from)])?;
        empty(w, 3, "period-end", &[("iso-date", &to)])?;
        leaf(w, 3, "value", &[("value-date", &from)], &value)?;
        close(w, 2, "budget")?;
        from = to.plus(1);
    }
    Ok(())
}

/// The transactions of one funding flow, seen from the funder (`incoming` false: outgoing
/// commitment and disbursements) or from the funded activity (incoming commitment and funds).
fn flow(
    w: &mut impl Write,
    plan: &Plan,
    own_currency: &str,
    from: &Party,
    to: &Party,
    incoming: bool,
) -> io::Result<u64> {
    let Some(flow) = plan.flow(to.activity) else {
        return Ok(0);
    };
    let reported = Reported {
        plan,
        currency: (flow.currency != own_currency).then_some(flow.currency),
        provider: from,
        receiver: to,
    };
    let mut count = 0;
    if flow.committed_on <= AS_OF {
        let kind = if incoming { "11" } else { "2" };
        reported.transaction(w, kind, flow.committed_on, flow.units)?;
        count += 1;
    }
    for t in flow.tranches.iter().filter(|t| t.date <= AS_OF) {
        let kind = if incoming { "1" } else { "3" };
        reported.transaction(w, kind, t.date, t.units)?;
        count += 1;
    }
    Ok(count)
}

/// One end of a transaction: a publisher and, when known, the activity on its side.
struct Party {
    publisher: usize,
    activity: usize,
}

/// A funding flow as one of its ends reports it; `currency` only when it is not the
/// reporting activity's default currency.
struct Reported<'a> {
    plan: &'a Plan,
    currency: Option<&'static str>,
    provider: &'a Party,
    receiver: &'a Party,
}

impl Reported<'_> {
    fn transaction(&self, w: &mut impl Write, kind: &str, date: Day, units: u64) -> io::Result<()> {
        open(w, 2, "transaction", &[])?;
        empty(w, 3, "transaction-type", &[("code", &kind)])?;
        empty(w, 3, "transaction-date", &[("iso-date", &date)])?;
        match self.currency {
            Some(c) => leaf(
                w,
                3,
                "value",
                &[("currency", &c), ("value-date", &date)],
                &units,
            )?,
            None => leaf(w, 3, "value", &[("value-date", &date)], &units)?,
        }
        let plan = self.plan;
        let provider_id = plan.identifier(self.provider.activity);
        let receiver_id = plan.identifier(self.receiver.activity);
        organisation(
            w,
            3,
            "provider-org",
            plan,
            self.provider.publisher,
            &[("provider-activity-id", &provider_id)],
        )?;
        organisation(
            w,
            3,
            "receiver-org",
            plan,
            self.receiver.publisher,
            &[("receiver-activity-id", &receiver_id)],
        )?;
        close(w, 2, "transaction")
    }
}

/// Incoming commitment and funds from the funder, outgoing commitments and disbursements to
/// each funded activity (the same figures on both sides), expenditure where the work is done.
/// Nothing dated after [`AS_OF`].
pub(super) fn transactions(
    w: &mut impl Write,
    plan: &Plan,
    i: usize,
    core: &Core,
    rng: &mut Rng,
) -> io::Result<u64> {
    let own = plan.currency(core);
    let me = Party {
        publisher: core.publisher,
        activity: i,
    };
    let mut count = 0;
    if let Some(p) = plan.parent(i) {
        let funder = Party {
            publisher: plan.core(p).publisher,
            activity: p,
        };
        count += flow(w, plan, own, &funder, &me, true)?;
    }
    let children = plan.children(i);
    let leaf_activity = children.is_empty();
    for c in children {
        let funded = Party {
            publisher: plan.core(c).publisher,
            activity: c,
        };
        count += flow(w, plan, own, &me, &funded, false)?;
    }
    if leaf_activity && core.started() {
        let total = core.usd / codes::usd_per_unit(own);
        let mut day = core.actual_start.plus(180);
        for _ in 0..6 {
            if day > AS_OF || day > core.actual_end {
                break;
            }
            let units = (total * (0.15 + 0.1 * unit(rng))).round() as u64;
            open(w, 2, "transaction", &[])?;
            empty(w, 3, "transaction-type", &[("code", &"4")])?;
            empty(w, 3, "transaction-date", &[("iso-date", &day)])?;
            leaf(w, 3, "value", &[("value-date", &day)], &units)?;
            narratives(
                w,
                3,
                "description",
                &[],
                &[(None, &format_args!("Expenditure {}", day.year()))],
            )?;
            local_partner(w, 3, "receiver-org", core, rng, &[])?;
            close(w, 2, "transaction")?;
            count += 1;
            day = day.plus(365);
        }
    }
    Ok(count)
}
