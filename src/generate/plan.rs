//! The shape of a generated aid network, as pure functions of (seed, activity index): who
//! publishes each activity, who funds whom, when, and how much.
//!
//! Activities form a forest three levels deep, laid out by index like a heap so that parents
//! and children are computed, never stored: the first `roots` activities are donors'
//! programmes (level 0); activity `i >= roots` is funded by activity `(i - roots) / 3`, so
//! level 1 (multilateral and other channels' funds) holds `roots..4 * roots` and level 2
//! (implementers' projects) the rest. With `roots = ceil(n / 13)` no index reaches a fourth
//! level. Each activity draws its facts from its own random stream, so a funder's disbursement
//! and the recipient's incoming funds are computed from the same numbers on both sides, and
//! memory stays constant whatever `n`.

use std::ops::Range;

use super::codes::{self, COUNTRIES, KNOWN_PUBLISHERS, NAME_FIRST, NAME_SECOND, Pool, THEMES};
use crate::analysis::rng::Rng;

/// Children per funded activity.
pub(super) const BRANCHING: usize = 3;

/// The date generated files describe the world as of: activities starting later are in the
/// pipeline, transactions are never later. Fixed, so output never depends on the clock.
pub(super) const AS_OF: Day = Day::from_civil(2025, 6, 30);

/// A calendar day, counted from 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Day(pub i32);

impl Day {
    /// Howard Hinnant's `days_from_civil`.
    pub const fn from_civil(y: i32, m: u32, d: u32) -> Day {
        let y = if m <= 2 { y - 1 } else { y };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy as i32;
        Day(era * 146_097 + doe - 719_468)
    }

    /// `(year, month, day)`: Howard Hinnant's `civil_from_days`.
    pub fn civil(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (yoe + era * 400 + i32::from(m <= 2), m, d)
    }

    pub fn year(self) -> i32 {
        self.civil().0
    }

    pub fn plus(self, days: i32) -> Day {
        Day(self.0 + days)
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.civil();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// An organisation that publishes activities.
pub(super) struct Publisher {
    pub reference: String,
    pub name: String,
    pub other_name: Option<(&'static str, &'static str)>,
    pub org_type: &'static str,
    pub currency: &'static str,
    pub pool: Pool,
}

/// The facts about one activity that other activities need too.
#[derive(Debug, Clone, Copy)]
pub(super) struct Core {
    pub publisher: usize,
    pub theme: usize,
    pub country: usize,
    pub planned_start: Day,
    pub actual_start: Day,
    pub planned_end: Day,
    pub actual_end: Day,
    /// The activity's whole budget, in US dollars.
    pub usd: f64,
}

impl Core {
    pub fn started(&self) -> bool {
        self.actual_start <= AS_OF
    }

    pub fn ended(&self) -> bool {
        self.actual_end <= AS_OF
    }
}

/// One payment of a funding flow; `date` may lie after [`AS_OF`] (not yet paid).
#[derive(Debug, Clone, Copy)]
pub(super) struct Tranche {
    pub date: Day,
    pub units: u64,
}

/// Money an activity receives from its funder, in the funder's currency.
#[derive(Debug, Clone)]
pub(super) struct Flow {
    pub currency: &'static str,
    pub committed_on: Day,
    pub units: u64,
    pub tranches: Vec<Tranche>,
}

/// Independent random streams of an activity: adding draws to one never shifts another.
#[derive(Debug, Clone, Copy)]
pub(super) enum Stream {
    Core = 0,
    Flow = 1,
    Details = 2,
}

pub(super) struct Plan {
    seed: u64,
    n: usize,
    roots: usize,
    pub publishers: Vec<Publisher>,
    pools: [Vec<usize>; 3],
}

impl Plan {
    /// The plan of `n` activities (at least 1) for `seed`: 50 to 500 publishers, about one per
    /// 20 activities.
    pub fn new(n: usize, seed: u64) -> Plan {
        let n = n.max(1);
        let count = (n / 20).clamp(50, 500);
        let publishers: Vec<Publisher> = (0..count).map(publisher).collect();
        let mut pools = [Vec::new(), Vec::new(), Vec::new()];
        for (i, p) in publishers.iter().enumerate() {
            pools[p.pool as usize].push(i);
        }
        Plan {
            seed,
            n,
            roots: n.div_ceil(13),
            publishers,
            pools,
        }
    }

    pub fn len(&self) -> usize {
        self.n
    }

    pub fn level(&self, i: usize) -> usize {
        if i < self.roots {
            0
        } else if i < 4 * self.roots {
            1
        } else {
            2
        }
    }

    pub fn parent(&self, i: usize) -> Option<usize> {
        (i >= self.roots).then(|| (i - self.roots) / BRANCHING)
    }

    pub fn children(&self, i: usize) -> Range<usize> {
        let first = (self.roots + BRANCHING * i).min(self.n);
        first..(first + BRANCHING).min(self.n)
    }

    /// A random stream of activity `i`.
    pub fn rng(&self, i: usize, stream: Stream) -> Rng {
        let key = (i as u64).wrapping_mul(4).wrapping_add(stream as u64);
        Rng::new(self.seed ^ key.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17))
    }

    /// The activity's `iati-identifier`: its publisher's reference and a per-file number.
    pub fn identifier(&self, i: usize) -> String {
        format!(
            "{}-A{i:07}",
            self.publishers[self.core(i).publisher].reference
        )
    }

    pub fn core(&self, i: usize) -> Core {
        let mut rng = self.rng(i, Stream::Core);
        let pool = &self.pools[self.level(i)];
        // Skewed towards the first (real, large) publishers of the pool, as in real data.
        let publisher = pool[((pool.len() as f64) * unit(&mut rng).powi(2)) as usize];
        let Some(parent) = self.parent(i).map(|p| self.core(p)) else {
            let planned_start = Day::from_civil(2012, 1, 1).plus(rng.below(14 * 365 + 180) as i32);
            let planned_end = planned_start.plus(730 + rng.below(4 * 365) as i32);
            return Core {
                publisher,
                theme: rng.below(THEMES.len()),
                country: rng.below(COUNTRIES.len()),
                planned_start,
                actual_start: planned_start.plus(rng.below(90) as i32),
                planned_end,
                actual_end: planned_end.plus(rng.below(120) as i32),
                usd: 10f64.powf(6.0 + 2.5 * unit(&mut rng)),
            };
        };
        let keep_theme = rng.below(5) > 0;
        let theme = rng.below(THEMES.len());
        let keep_country = rng.below(4) > 0;
        let country = rng.below(COUNTRIES.len());
        let planned_start = parent.actual_start.plus(rng.below(180) as i32);
        let span = (parent.planned_end.0 - planned_start.0).max(365);
        let planned_end = planned_start.plus((365 + rng.below(3 * 365) as i32).min(span));
        Core {
            publisher,
            theme: if keep_theme { parent.theme } else { theme },
            country: if keep_country {
                parent.country
            } else {
                country
            },
            planned_start,
            actual_start: planned_start.plus(rng.below(60) as i32),
            planned_end,
            actual_end: planned_end.plus(rng.below(90) as i32),
            usd: parent.usd * (0.12 + 0.2 * unit(&mut rng)),
        }
    }

    pub fn currency(&self, core: &Core) -> &'static str {
        self.publishers[core.publisher].currency
    }

    /// What activity `i` receives from its funder (None for a root): the whole commitment and
    /// one to three tranches, computed the same way for both ends of the flow.
    pub fn flow(&self, i: usize) -> Option<Flow> {
        let funder = self.core(self.parent(i)?);
        let core = self.core(i);
        let mut rng = self.rng(i, Stream::Flow);
        let currency = self.currency(&funder);
        let units = (core.usd / codes::usd_per_unit(currency)).round().max(1.0) as u64;
        let count = 1 + rng.below(3);
        let span = (core.planned_end.0 - core.actual_start.0).max(count as i32);
        let mut tranches = Vec::with_capacity(count);
        let mut left = units;
        for k in 0..count {
            let share = if k + 1 == count {
                left
            } else {
                (units as f64 * (0.2 + 0.3 * unit(&mut rng)) / count as f64 * 1.5) as u64
            }
            .min(left);
            left -= share;
            tranches.push(Tranche {
                date: core.actual_start.plus(span * k as i32 / count as i32 + 14),
                units: share,
            });
        }
        Some(Flow {
            currency,
            committed_on: core.planned_start.plus(-30),
            units,
            tranches,
        })
    }
}

/// A uniform number in [0, 1).
pub(super) fn unit(rng: &mut Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Publisher `p`: the real ones first, then `XX-GEN-0001`... with made-up names.
fn publisher(p: usize) -> Publisher {
    if let Some(k) = KNOWN_PUBLISHERS.get(p) {
        return Publisher {
            reference: k.reference.to_string(),
            name: k.name.to_string(),
            other_name: k.other_name,
            org_type: k.org_type,
            currency: k.currency,
            pool: k.pool,
        };
    }
    let s = p - KNOWN_PUBLISHERS.len();
    let (second, org_type, pool) = NAME_SECOND[s % NAME_SECOND.len()];
    Publisher {
        reference: format!("XX-GEN-{:04}", s + 1),
        name: format!(
            "{} {second}",
            NAME_FIRST[(s / NAME_SECOND.len()) % NAME_FIRST.len()]
        ),
        other_name: None,
        org_type,
        currency: codes::SYNTHETIC_CURRENCIES[s % codes::SYNTHETIC_CURRENCIES.len()],
        pool,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        assert_eq!(Day::from_civil(1970, 1, 1), Day(0));
        assert_eq!(Day::from_civil(2024, 2, 29).to_string(), "2024-02-29");
        assert_eq!(
            Day::from_civil(2024, 2, 29).plus(1).to_string(),
            "2024-03-01"
        );
        for d in (-1000..40_000).step_by(7) {
            let (y, m, dd) = Day(d).civil();
            assert_eq!(Day::from_civil(y, m, dd), Day(d));
        }
    }

    #[test]
    fn three_levels_and_consistent_parents() {
        for n in [1, 2, 13, 14, 200, 1001] {
            let plan = Plan::new(n, 1);
            for i in 0..n {
                assert!(plan.level(i) <= 2, "n={n} i={i}");
                if let Some(p) = plan.parent(i) {
                    assert!(plan.children(p).contains(&i));
                    assert_eq!(plan.level(p) + 1, plan.level(i));
                }
                for c in plan.children(i) {
                    assert_eq!(plan.parent(c), Some(i));
                }
            }
        }
    }

    #[test]
    fn tranches_add_up_and_every_pool_has_publishers() {
        let plan = Plan::new(500, 7);
        assert!(plan.pools.iter().all(|p| !p.is_empty()));
        for i in 0..500 {
            if let Some(flow) = plan.flow(i) {
                assert_eq!(
                    flow.tranches.iter().map(|t| t.units).sum::<u64>(),
                    flow.units
                );
            }
        }
    }
}
