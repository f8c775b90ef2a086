//! How an activity is classified: where (recipient countries and regions), what (DAC sectors
//! in two vocabularies), which policy markers and SDG tag, and the default types its
//! transactions inherit. Percentages always add up to 100 per vocabulary.

use std::io::{self, Write};

use crate::analysis::rng::Rng;
use crate::generate::codes::{COUNTRIES, THEMES, Theme};
use crate::generate::plan::{Core, Publisher};
use crate::generate::xml::empty;

/// `count` integer percentages of at least 5 that add up to 100.
fn split_percent(rng: &mut Rng, count: usize) -> Vec<u32> {
    let mut left = 100u32;
    let mut parts = Vec::with_capacity(count);
    for k in (1..count).rev() {
        let most = left - 5 * k as u32;
        let share = 5 + rng.below((most - 5) as usize + 1) as u32;
        let share = share.min(most);
        parts.push(share);
        left -= share;
    }
    parts.push(left);
    parts
}

/// `activity-scope`, `recipient-country` and `recipient-region`, percentages adding to 100.
pub(super) fn geography(
    w: &mut impl Write,
    core: &Core,
    level: usize,
    rng: &mut Rng,
) -> io::Result<()> {
    let (countries, region) = match level {
        0 => (1 + rng.below(3), rng.below(4) == 0),
        1 => (1 + rng.below(2), rng.below(10) == 0),
        _ => (1, false),
    };
    let scope = if region {
        "2"
    } else if countries > 1 {
        "3"
    } else {
        "4"
    };
    empty(w, 2, "activity-scope", &[("code", &scope)])?;
    let percents = split_percent(rng, countries + usize::from(region));
    let step = 1 + rng.below((COUNTRIES.len() - 1) / 2);
    for (k, percent) in percents.iter().take(countries).enumerate() {
        // Distinct countries: the activity's own, then others at a stride below half the list.
        let country = &COUNTRIES[(core.country + k * step) % COUNTRIES.len()];
        empty(
            w,
            2,
            "recipient-country",
            &[("code", &country.code), ("percentage", percent)],
        )?;
    }
    if region {
        empty(
            w,
            2,
            "recipient-region",
            &[
                ("code", &COUNTRIES[core.country].region),
                ("vocabulary", &"1"),
                ("percentage", &percents[countries]),
            ],
        )?;
    }
    Ok(())
}

/// DAC 5-digit sectors (vocabulary 1) and their 3-digit categories (vocabulary 2), each
/// vocabulary's percentages adding to 100.
pub(super) fn sectors(w: &mut impl Write, core: &Core, rng: &mut Rng) -> io::Result<()> {
    let count = 1 + rng.below(3);
    let step = 1 + rng.below((THEMES.len() - 1) / 2);
    let percents = split_percent(rng, count);
    let explicit_vocabulary = rng.below(4) > 0;
    let mut categories: Vec<(&str, u32)> = Vec::with_capacity(count);
    for (k, percent) in percents.iter().enumerate() {
        let code = THEMES[(core.theme + k * step) % THEMES.len()].dac;
        if explicit_vocabulary {
            empty(
                w,
                2,
                "sector",
                &[
                    ("vocabulary", &"1"),
                    ("code", &code),
                    ("percentage", percent),
                ],
            )?;
        } else {
            empty(w, 2, "sector", &[("code", &code), ("percentage", percent)])?;
        }
        match categories.iter_mut().find(|(c, _)| *c == &code[..3]) {
            Some((_, sum)) => *sum += percent,
            None => categories.push((&code[..3], *percent)),
        }
    }
    for (code, percent) in categories {
        empty(
            w,
            2,
            "sector",
            &[
                ("vocabulary", &"2"),
                ("code", &code),
                ("percentage", &percent),
            ],
        )?;
    }
    Ok(())
}

/// The SDG tag, policy markers, and the defaults every transaction inherits: collaboration,
/// flow, finance and aid types, tied status.
pub(super) fn markers_and_defaults(
    w: &mut impl Write,
    me: &Publisher,
    theme: &Theme,
    level: usize,
    rng: &mut Rng,
) -> io::Result<()> {
    empty(w, 2, "tag", &[("vocabulary", &"2"), ("code", &theme.sdg)])?;
    empty(
        w,
        2,
        "policy-marker",
        &[
            ("vocabulary", &"1"),
            ("code", &"1"),
            ("significance", &rng.below(3)),
        ],
    )?;
    if matches!(theme.sdg, 2 | 6 | 7 | 13) {
        empty(
            w,
            2,
            "policy-marker",
            &[
                ("vocabulary", &"1"),
                ("code", &if theme.sdg == 7 { "6" } else { "7" }),
                ("significance", &(1 + rng.below(2))),
            ],
        )?;
    }
    let multilateral = me.org_type == "40";
    empty(
        w,
        2,
        "collaboration-type",
        &[("code", &if multilateral { "2" } else { "1" })],
    )?;
    empty(
        w,
        2,
        "default-flow-type",
        &[("code", &if me.org_type == "60" { "30" } else { "10" })],
    )?;
    let loan = me.currency == "JPY" && level == 0 && rng.below(3) == 0;
    empty(
        w,
        2,
        "default-finance-type",
        &[("code", &if loan { "421" } else { "110" })],
    )?;
    let aid_type = match level {
        0 => "B03",
        _ if theme.dac == "11330" => "D02",
        _ => "C01",
    };
    empty(
        w,
        2,
        "default-aid-type",
        &[("code", &aid_type), ("vocabulary", &"1")],
    )?;
    empty(
        w,
        2,
        "default-tied-status",
        &[("code", &if rng.below(10) == 0 { "3" } else { "5" })],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_add_up_to_100() {
        let mut rng = Rng::new(3);
        for count in 1..=4 {
            for _ in 0..200 {
                let parts = split_percent(&mut rng, count);
                assert_eq!(parts.len(), count);
                assert_eq!(parts.iter().sum::<u32>(), 100);
                assert!(parts.iter().all(|p| *p >= 5), "{parts:?}");
            }
        }
    }
}
