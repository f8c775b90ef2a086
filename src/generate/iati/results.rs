//! Results: outputs and outcomes with an indicator, a baseline and annual periods whose
//! targets are set and whose actuals are reported once the period is over.

use std::io::{self, Write};

use crate::analysis::rng::Rng;
use crate::generate::codes::INDICATORS;
use crate::generate::plan::{AS_OF, Core, unit};
use crate::generate::xml::{EMPTY, close, empty, narratives, open, start};

/// An output result and sometimes an outcome, each with an indicator, a baseline and annual
/// periods with targets (and actuals once the period is over).
pub(super) fn results(w: &mut impl Write, core: &Core, rng: &mut Rng) -> io::Result<()> {
    let count = 1 + rng.below(2);
    for k in 0..count {
        let (kind, title) = if k == 0 {
            ("1", "Outputs delivered")
        } else {
            ("2", "Outcomes achieved")
        };
        open(
            w,
            2,
            "result",
            &[("type", &kind), ("aggregation-status", &"1")],
        )?;
        narratives(w, 3, "title", &[], &[(None, &title)])?;
        let (indicator, measure) = INDICATORS[rng.below(INDICATORS.len())];
        open(
            w,
            3,
            "indicator",
            &[("measure", &measure), ("ascending", &"1")],
        )?;
        narratives(w, 4, "title", &[], &[(None, &indicator)])?;
        let percent = measure == "2";
        let baseline = if percent {
            10.0 + 40.0 * unit(rng)
        } else {
            (100 + rng.below(5000)) as f64
        };
        let value = |v: f64| {
            if percent {
                format!("{:.1}", v.min(100.0))
            } else {
                format!("{}", v.round())
            }
        };
        start(
            w,
            4,
            "baseline",
            &[
                ("year", &core.actual_start.year()),
                ("iso-date", &core.actual_start),
                ("value", &value(baseline)),
            ],
        )?;
        w.write_all(EMPTY)?;
        let step = if percent { 5.0 } else { baseline * 0.4 };
        for p in 0..3 {
            let from = core.actual_start.plus(365 * p);
            if from.plus(90) >= core.planned_end {
                break;
            }
            let to = from.plus(364).min(core.planned_end);
            let target = baseline + step * (p + 1) as f64;
            open(w, 4, "period", &[])?;
            empty(w, 5, "period-start", &[("iso-date", &from)])?;
            empty(w, 5, "period-end", &[("iso-date", &to)])?;
            empty(w, 5, "target", &[("value", &value(target))])?;
            if to <= AS_OF {
                let actual = baseline + step * (p + 1) as f64 * (0.6 + 0.6 * unit(rng));
                empty(w, 5, "actual", &[("value", &value(actual))])?;
            }
            close(w, 4, "period")?;
        }
        close(w, 3, "indicator")?;
        close(w, 2, "result")?;
    }
    Ok(())
}
