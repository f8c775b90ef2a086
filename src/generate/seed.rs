//! A seed data folder (`seed/README.md`) shaped like real aid data, for scale benchmarks:
//! `aidgraph generate --format seed --nodes N --seed S --out DIR` writes `DIR/*.toml` and
//! `DIR/sources/*.txt` that `aidgraph check DIR` accepts and that load into about `N` nodes
//! (sources included) and about five edges per node (each outcome's derived `reports` edge
//! included).
//!
//! The shape, as shares of the nodes: projects (about 53%) and their outcomes (about 29%),
//! implementing partners (13%: the multilaterals and NGOs of [`tables::KNOWN_IMPLEMENTERS`],
//! then made-up NGOs, companies, unions and associations, most based in a recipient country),
//! programmes and funds (3%), donors (one per 2,000 nodes, at least the 27 well-known
//! agencies, ministries and foundations and the 21 governments they belong to), one source
//! document per 20 to 60 projects, and a fixed hundred: 41 recipient and 21 donor countries,
//! the 8 DAC regions that `include` them, and one theme per DAC purpose code the loader knows.
//! Donors `establish` and `fund` programmes; each report lists one donor's projects, which it
//! `funds` (sometimes with an amount or an earmarked contribution, sometimes with a co-funder)
//! and which are `part_of` one of its programmes; organisations `implement`, `partner_with`
//! and `manage`; projects are `in_country`, `in_region` and `has_theme` with percentages,
//! later phases `follow` earlier ones, and outcomes report numbers with units or currencies,
//! qualifiers and statuses. Funders, implementers, countries, themes and programmes are drawn
//! with Zipf-like weights, so a few have a huge degree and most a small one. One deliberate
//! hub, [`HUB_ID`] (`hub-agency`, the synthetic "Global Implementation Agency"), `implements`
//! every project, so benchmarks can page from a hub and from a leaf.
//!
//! Every entity and relation cites the sentence of a generated document that states it, word
//! for word: a few short sentences per project, each naming the project's code (`P-0001234`
//! for `p-0001234`), and one per organisation, programme and reference entry, each naming a
//! unique name or code, so quotes repeat only where facts share a sentence (a project's
//! countries, its implementers). Each document opens by saying it is synthetic data generated
//! by `aidgraph generate --seed S` and not real. Documents stay small (15 to 70 KB) because the
//! loader searches each quote's whole document: a document's cost grows with its size times
//! its quotes.
//!
//! Everything is a pure function of (seed, size, index) drawn from per-index xoshiro streams,
//! so the same parameters give the same bytes. The folder is written as it is generated, in
//! memory proportional to the number of donors and programmes only (a few bytes each), into
//! data files of at most [`folder::MAX_TABLES`] tables whose names sort in generation order.

mod folder;
mod tables;

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use super::Params;
use super::codes::{COUNTRIES, NAME_FIRST, NAME_SECOND, Pool};
use super::plan::unit;
use crate::analysis::rng::Rng;
use folder::{Folder, toml_str};
use tables::{
    DONOR_COUNTRIES, DONOR_CURRENCIES, DONOR_SECOND, GENERIC_METRICS, KNOWN_DONORS,
    KNOWN_IMPLEMENTERS, Measure, Metric, REGIONS, SYLLABLES, THEMES, alpha3, implementer_kind,
    kind_phrase, usd_per_unit,
};

/// The id of the organisation that implements every project.
pub const HUB_ID: &str = "hub-agency";

/// The smallest folder worth generating: the countries, regions and themes alone are about a
/// hundred nodes.
pub const MIN_NODES: usize = 1000;

/// What [`write`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub sources: usize,
    pub organizations: usize,
    pub programmes: usize,
    pub projects: usize,
    pub countries: usize,
    pub regions: usize,
    pub themes: usize,
    pub outcomes: usize,
    /// `[[relation]]` tables (each outcome adds a derived `reports` edge on top).
    pub relations: usize,
    pub toml_files: usize,
    pub source_files: usize,
    pub bytes: u64,
}

impl Stats {
    /// Entities, sources included: the nodes of the loaded graph.
    pub fn nodes(&self) -> usize {
        self.sources
            + self.organizations
            + self.programmes
            + self.projects
            + self.countries
            + self.regions
            + self.themes
            + self.outcomes
    }

    /// Relations plus the `reports` edge of each outcome: the edges of the loaded graph.
    pub fn edges(&self) -> usize {
        self.relations + self.outcomes
    }
}

/// Projects in one source document (a donor's portfolio report): 20 to 60.
const BATCH_MIN: usize = 20;
const BATCH_SPREAD: usize = 41;
/// Organisations per directory document, programmes per programme document.
const ORGS_PER_SOURCE: usize = 200;
const PROGRAMMES_PER_SOURCE: usize = 50;
/// Shares of nodes.
const IMPLEMENTER_SHARE: f64 = 0.13;
const PROGRAMME_SHARE: f64 = 0.03;
const NODES_PER_DONOR: usize = 2000;
const MAX_DONORS: usize = 1000;
/// How many outcomes a project reports: 0, 1, 2 or 3, with these probabilities.
const OUTCOME_COUNTS: [f64; 4] = [0.58, 0.33, 0.06, 0.03];
/// Share of programmes and of synthetic implementers that report an outcome.
const PROGRAMME_OUTCOME_SHARE: f64 = 0.1;
const ORG_OUTCOME_SHARE: f64 = 0.05;
/// Share of projects that are a later phase of an earlier project.
const FOLLOW_SHARE: f64 = 0.18;
/// The month generated data describe the world as of (June 2025, as the IATI generator).
const AS_OF_MONTH: i32 = 2025 * 12 + 5;

/// How many of each kind `n` nodes make.
#[derive(Debug, Clone, Copy)]
struct Shape {
    donors: usize,
    implementers: usize,
    programmes: usize,
    projects: usize,
}

impl Shape {
    fn new(n: usize) -> Shape {
        let nf = n as f64;
        let fixed = COUNTRIES.len() + DONOR_COUNTRIES.len() + REGIONS.len() + THEMES.len() + 3;
        let donors =
            (KNOWN_DONORS.len() + DONOR_COUNTRIES.len()).max((n / NODES_PER_DONOR).min(MAX_DONORS));
        let implementers = ((nf * IMPLEMENTER_SHARE) as usize).max(KNOWN_IMPLEMENTERS.len() + 10);
        let programmes = ((nf * PROGRAMME_SHARE) as usize).max(10);
        let others = fixed as f64
            + donors as f64
            + implementers as f64 * (1.0 + 1.0 / ORGS_PER_SOURCE as f64 + ORG_OUTCOME_SHARE)
            + programmes as f64
                * (1.0 + 1.0 / PROGRAMMES_PER_SOURCE as f64 + PROGRAMME_OUTCOME_SHARE);
        let outcomes: f64 = OUTCOME_COUNTS
            .iter()
            .enumerate()
            .map(|(k, p)| k as f64 * p)
            .sum();
        let batch = BATCH_MIN as f64 + (BATCH_SPREAD - 1) as f64 / 2.0;
        let per_project = 1.0 + outcomes + 1.0 / batch;
        let projects = (((nf - others) / per_project) as usize).max(BATCH_MIN);
        Shape {
            donors,
            implementers,
            programmes,
            projects,
        }
    }
}

/// Independent random streams: adding draws to one never shifts another.
#[derive(Debug, Clone, Copy)]
enum Stream {
    Order = 0,
    Donor = 1,
    Implementer = 2,
    Programme = 3,
    Batch = 4,
    Project = 5,
    Links = 6,
    Outcomes = 7,
    Directory = 8,
}

/// Ranks `0..n` drawn with probability falling like `rank^-s` (a continuous power law cut
/// into integer ranks): a few ranks take a large share, most a small one.
#[derive(Debug, Clone, Copy)]
struct Zipf {
    n: usize,
    a: f64,
    top: f64,
}

impl Zipf {
    fn new(n: usize, s: f64) -> Zipf {
        let a = 1.0 - s;
        let end = (n + 1) as f64;
        let top = if a.abs() < 1e-9 {
            end.ln()
        } else {
            end.powf(a) - 1.0
        };
        Zipf { n, a, top }
    }

    fn sample(&self, rng: &mut Rng) -> usize {
        let u = unit(rng);
        let x = if self.a.abs() < 1e-9 {
            (u * self.top).exp()
        } else {
            (self.top * u + 1.0).powf(1.0 / self.a)
        };
        (x as usize).clamp(1, self.n.max(1)) - 1
    }
}

/// An index drawn with the given probabilities (the last takes the remainder).
fn pick(rng: &mut Rng, probabilities: &[f64]) -> usize {
    let mut u = unit(rng);
    for (i, p) in probabilities.iter().enumerate() {
        if u < *p {
            return i;
        }
        u -= p;
    }
    probabilities.len() - 1
}

/// A made-up word for synthetic names: the first words of `codes::NAME_FIRST`, then
/// syllables (`Kalomi`), different for every `m`.
fn name_word(m: usize) -> String {
    if let Some(w) = NAME_FIRST.get(m) {
        return (*w).to_string();
    }
    let mut m = m - NAME_FIRST.len();
    let mut syllables = Vec::new();
    while syllables.len() < 3 || m > 0 {
        syllables.push(SYLLABLES[m % SYLLABLES.len()]);
        m /= SYLLABLES.len();
        if syllables.len() >= 3 && m == 0 {
            break;
        }
    }
    let word: String = syllables.concat();
    let mut chars = word.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase()).unwrap_or('X');
    std::iter::once(first).chain(chars).collect()
}

/// `1234567` -> `1,234,567`.
fn commas(v: u64) -> String {
    let digits = v.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `v` rounded to two significant digits.
fn two_digits(v: f64) -> u64 {
    if v < 10.0 {
        return v.round().max(1.0) as u64;
    }
    let scale = 10f64.powi(v.log10().floor() as i32 - 1);
    ((v / scale).round() * scale).round() as u64
}

/// A round figure as reports write it: `4.5 million`, `1.2 billion`, `45,000`.
fn round_figure(v: u64) -> String {
    let (unit, word) = if v >= 1_000_000_000 {
        (1_000_000_000, " billion")
    } else if v >= 1_000_000 {
        (1_000_000, " million")
    } else {
        return commas(v);
    };
    let mut s = commas(v / unit);
    let frac = v % unit;
    if frac != 0 {
        let digits = format!("{frac:0width$}", width = unit.ilog10() as usize);
        s.push('.');
        s.push_str(digits.trim_end_matches('0'));
    }
    s.push_str(word);
    s
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A project's place in the generated world, computed from its index alone.
#[derive(Debug, Clone, Copy)]
struct Core {
    /// Indexes into [`THEMES`], the first the main one.
    themes: [u8; 3],
    n_themes: usize,
    /// Indexes into `codes::COUNTRIES`, the first the main one.
    countries: [u8; 4],
    n_countries: usize,
    title: usize,
    phase: u32,
    pred: Option<usize>,
    /// Months since year 0 (`year * 12 + month - 1`).
    start: i32,
    end: i32,
    usd: f64,
    month_precision: bool,
    unknown: bool,
}

impl Core {
    fn status(&self) -> &'static str {
        if self.unknown {
            "unknown"
        } else if self.end < AS_OF_MONTH {
            "completed"
        } else if self.start > AS_OF_MONTH {
            "planned"
        } else {
            "ongoing"
        }
    }
}

/// A donor: organisations that fund.
struct Donor {
    id: String,
    name: String,
    /// How reports name it in a sentence: `JICA`, `the Government of Japan`.
    short: String,
    /// How programme names start: `JICA`, `Japan`.
    label: String,
    kind: &'static str,
    iati_type: &'static str,
    iati_id: Option<&'static str>,
    country: Option<&'static str>,
    currency: &'static str,
    /// The donor index of its government.
    parent: Option<usize>,
}

/// An implementer: id, name, kind, IATI type and identifier, home country.
struct Implementer {
    id: String,
    name: String,
    short: Option<&'static str>,
    kind: &'static str,
    iati_type: &'static str,
    iati_id: Option<&'static str>,
    /// Where it is based: international organisations in a donor country, others in a
    /// recipient country; multilaterals nowhere in particular.
    country: Option<Place>,
}

#[derive(Debug, Clone, Copy)]
enum Place {
    /// An index into `codes::COUNTRIES`.
    Recipient(usize),
    /// An index into [`DONOR_COUNTRIES`].
    Donor(usize),
}

/// Where a programme works.
#[derive(Debug, Clone, Copy)]
enum Scope {
    Country(usize),
    Region(usize),
    Global,
}

struct Programme {
    owner: usize,
    kind: &'static str,
    theme: usize,
    scope: Scope,
    year: i32,
    rng: Rng,
}

struct Gen {
    seed: u64,
    shape: Shape,
    /// Popularity rank -> index into `codes::COUNTRIES` / [`THEMES`].
    countries: Vec<usize>,
    themes: Vec<usize>,
    region_members: Vec<Vec<usize>>,
    donors: Vec<Donor>,
    /// The programmes each donor owns.
    owned: Vec<Vec<u32>>,
    country_zipf: Zipf,
    theme_zipf: Zipf,
    donor_zipf: Zipf,
    implementer_zipf: Zipf,
    manager_zipf: Zipf,
    /// Synthetic implementers' name endings: `codes::NAME_SECOND` beyond the donors'.
    seconds: Vec<(&'static str, &'static str)>,
    next_outcome: usize,
    stats: Stats,
    disclaimer: String,
}

/// Writes a seed folder of about `params.nodes` nodes into `dir`, which must exist and be
/// empty; `progress(nodes written, bytes written)` is called now and then.
pub fn write(
    dir: &Path,
    params: &Params,
    progress: &mut dyn FnMut(usize, u64),
) -> io::Result<Stats> {
    if params.nodes < MIN_NODES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("a seed folder needs at least {MIN_NODES} nodes"),
        ));
    }
    let mut g = Gen::new(params);
    let mut out = Folder::new(dir)?;
    g.reference(&mut out)?;
    g.donor_directory(&mut out)?;
    progress(g.stats.nodes(), out.bytes());
    g.implementers(&mut out, progress)?;
    g.programmes(&mut out, progress)?;
    g.projects(&mut out, progress)?;
    g.stats.toml_files = out.toml_files;
    g.stats.source_files = out.source_files;
    g.stats.bytes = out.finish()?;
    progress(g.stats.nodes(), g.stats.bytes);
    Ok(g.stats)
}

impl Gen {
    fn new(params: &Params) -> Gen {
        let shape = Shape::new(params.nodes);
        let seed = params.seed;
        let mut g = Gen {
            seed,
            shape,
            countries: (0..COUNTRIES.len()).collect(),
            themes: (0..THEMES.len()).collect(),
            region_members: REGIONS
                .iter()
                .map(|r| {
                    (0..COUNTRIES.len())
                        .filter(|&c| COUNTRIES[c].region == r.code)
                        .collect()
                })
                .collect(),
            donors: Vec::new(),
            owned: Vec::new(),
            country_zipf: Zipf::new(COUNTRIES.len(), 1.0),
            theme_zipf: Zipf::new(THEMES.len(), 0.8),
            donor_zipf: Zipf::new(shape.donors, 1.1),
            implementer_zipf: Zipf::new(shape.implementers, 0.9),
            manager_zipf: Zipf::new(shape.implementers.min(60), 1.0),
            seconds: NAME_SECOND
                .iter()
                .filter(|(_, _, pool)| *pool != Pool::Donor)
                .map(|(s, t, _)| (*s, *t))
                .collect(),
            next_outcome: 0,
            stats: Stats::default(),
            disclaimer: format!(
                "This document is synthetic data generated by aidgraph generate --seed {seed} \
                 and is not real: its projects, figures and relations are invented, and the \
                 names of real organisations and countries in it are placeholders."
            ),
        };
        let mut order = g.rng(Stream::Order, 0);
        order.shuffle(&mut g.countries);
        order.shuffle(&mut g.themes);
        g.donors = (0..shape.donors).map(|d| g.donor(d)).collect();
        g.owned = vec![Vec::new(); shape.donors];
        for p in 0..shape.programmes {
            let owner = g.programme(p).owner;
            g.owned[owner].push(p as u32);
        }
        g
    }

    /// A random stream of item `i`.
    fn rng(&self, stream: Stream, i: usize) -> Rng {
        let key = (i as u64).wrapping_mul(16).wrapping_add(stream as u64);
        Rng::new(self.seed ^ key.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(23))
    }

    fn country(&self, rng: &mut Rng) -> usize {
        self.countries[self.country_zipf.sample(rng)]
    }

    fn source_header(
        &mut self,
        out: &mut Folder,
        id: &str,
        file: &str,
        title: &str,
    ) -> io::Result<()> {
        out.room(1)?;
        out.begin("source")?;
        out.str("id", id)?;
        out.str("file", file)?;
        out.str("title", title)?;
        out.str("publisher", "aidgraph generate (synthetic data)")?;
        out.str(
            "description",
            &format!(
                "Synthetic data generated by aidgraph generate --seed {}; not real.",
                self.seed
            ),
        )?;
        out.end()?;
        out.open_source(file)?;
        out.text(&self.disclaimer)?;
        out.text("\n\n")?;
        out.text(title)?;
        out.text("\n\n")?;
        self.stats.sources += 1;
        Ok(())
    }

    /// The reference document: countries, regions, themes and the hub.
    fn reference(&mut self, out: &mut Folder) -> io::Result<()> {
        const SRC: &str = "src-reference";
        out.section("00-reference")?;
        self.source_header(
            out,
            SRC,
            "reference.txt",
            "Reference lists: countries, regions, themes",
        )?;
        let hub = "The Global Implementation Agency is a multilateral organisation that \
                   implements every project in this data set; it is a synthetic hub for \
                   benchmarks.";
        out.text(hub)?;
        out.text("\n\n")?;
        out.room(1)?;
        out.begin("organization")?;
        out.str("id", HUB_ID)?;
        out.str("name", "Global Implementation Agency")?;
        out.str("kind", "multilateral")?;
        out.str("iati_type", "40")?;
        out.str(
            "description",
            "A synthetic hub: it implements every generated project.",
        )?;
        out.cite(SRC, hub)?;
        self.stats.organizations += 1;

        let mut s = String::new();
        for c in COUNTRIES {
            let region = REGIONS
                .iter()
                .find(|r| r.code == c.region)
                .expect("a region");
            s.clear();
            let _ = write!(
                s,
                "{} ({}, {}) is a recipient country in the {} region.",
                c.en,
                c.code,
                alpha3(c.code),
                region.name
            );
            self.country_entry(out, c.code, c.en, SRC, &s)?;
        }
        for c in DONOR_COUNTRIES {
            s.clear();
            let _ = write!(
                s,
                "{} ({}, {}) is a donor country.",
                c.name,
                c.code,
                alpha3(c.code)
            );
            self.country_entry(out, c.code, c.name, SRC, &s)?;
        }
        out.text("\n")?;
        for (r, region) in REGIONS.iter().enumerate() {
            let members = &self.region_members[r];
            s.clear();
            let _ = write!(
                s,
                "The {} region (OECD DAC region {}) includes ",
                region.name, region.code
            );
            for (k, &c) in members.iter().enumerate() {
                if k > 0 {
                    s.push_str(if k + 1 == members.len() {
                        " and "
                    } else {
                        ", "
                    });
                }
                s.push_str(COUNTRIES[c].en);
            }
            s.push('.');
            out.text(&s)?;
            out.text("\n")?;
            out.room(1 + members.len())?;
            out.begin("region")?;
            out.str("id", region.id)?;
            out.str("name", region.name)?;
            out.raw(
                "iati",
                &format!("{{ vocabulary = \"1\", code = \"{}\" }}", region.code),
            )?;
            out.cite(SRC, &s)?;
            self.stats.regions += 1;
            for &c in members {
                out.relation(region.id, "includes", COUNTRIES[c].code, "", SRC, &s)?;
                self.stats.relations += 1;
            }
        }
        out.text("\n")?;
        for t in THEMES {
            s.clear();
            let _ = write!(
                s,
                "The theme {} covers OECD DAC purpose code {}, {}.",
                t.name, t.dac, t.dac_name
            );
            out.text(&s)?;
            out.text("\n")?;
            out.room(1)?;
            out.begin("theme")?;
            out.str("id", &format!("theme-{}", t.dac))?;
            out.str("name", t.name)?;
            out.str("dac_code", t.dac)?;
            out.cite(SRC, &s)?;
            self.stats.themes += 1;
        }
        Ok(())
    }

    fn country_entry(
        &mut self,
        out: &mut Folder,
        code: &str,
        name: &str,
        src: &str,
        sentence: &str,
    ) -> io::Result<()> {
        out.text(sentence)?;
        out.text("\n")?;
        out.room(1)?;
        out.begin("country")?;
        out.str("code", code)?;
        out.str("alpha3", alpha3(code))?;
        out.str("name", name)?;
        out.cite(src, sentence)?;
        self.stats.countries += 1;
        Ok(())
    }

    /// Donor `d`: the well-known donors, their governments, then synthetic ones.
    fn donor(&self, d: usize) -> Donor {
        let government = |c: usize| KNOWN_DONORS.len() + c;
        if let Some(k) = KNOWN_DONORS.get(d) {
            let parent = k.country.and_then(|code| {
                DONOR_COUNTRIES
                    .iter()
                    .position(|c| c.code == code)
                    .filter(|_| matches!(k.kind, "agency" | "ministry"))
                    .map(government)
            });
            return Donor {
                id: k.id.to_string(),
                name: k.name.to_string(),
                short: k.short.to_string(),
                label: k.short.trim_start_matches("the ").to_string(),
                kind: k.kind,
                iati_type: k.iati_type,
                iati_id: k.iati_id,
                country: k.country,
                currency: k.currency,
                parent,
            };
        }
        if let Some(c) = DONOR_COUNTRIES.get(d - KNOWN_DONORS.len()) {
            return Donor {
                id: format!("gov-{}", c.slug),
                name: format!("Government of {}", c.of),
                short: format!("the Government of {}", c.of),
                label: c.name.to_string(),
                kind: "government",
                iati_type: "10",
                iati_id: None,
                country: Some(c.code),
                currency: c.currency,
                parent: None,
            };
        }
        let j = d - KNOWN_DONORS.len() - DONOR_COUNTRIES.len();
        let mut rng = self.rng(Stream::Donor, j);
        let (second, kind, iati_type) = DONOR_SECOND[j % DONOR_SECOND.len()];
        let name = format!("{} {second}", name_word(j / DONOR_SECOND.len()));
        let country = (kind == "government" || unit(&mut rng) < 0.6)
            .then(|| DONOR_COUNTRIES[rng.below(DONOR_COUNTRIES.len())].code);
        Donor {
            id: format!("donor-{:04}", j + 1),
            short: name.clone(),
            label: name.clone(),
            name,
            kind,
            iati_type,
            iati_id: None,
            country,
            currency: DONOR_CURRENCIES[rng.below(DONOR_CURRENCIES.len())],
            parent: None,
        }
    }

    fn donor_directory(&mut self, out: &mut Folder) -> io::Result<()> {
        const SRC: &str = "src-donors";
        out.section("01-donors")?;
        self.source_header(out, SRC, "donors.txt", "Directory of donors")?;
        let mut s = String::new();
        for d in 0..self.donors.len() {
            let donor = &self.donors[d];
            let country = donor
                .country
                .and_then(|code| DONOR_COUNTRIES.iter().find(|c| c.code == code));
            s.clear();
            if donor.kind == "government" && donor.iati_type == "10" {
                let of = country.map_or("", |c| c.of);
                let _ = write!(s, "The {} is the national government of {of}.", donor.name);
            } else {
                s.push_str(&donor.name);
                let short = (donor.short != donor.name).then_some(donor.label.as_str());
                match (short, donor.iati_id) {
                    (Some(short), Some(iati)) => {
                        let _ = write!(s, " ({short}; IATI identifier {iati})");
                    }
                    (Some(short), None) => {
                        let _ = write!(s, " ({short})");
                    }
                    (None, Some(iati)) => {
                        let _ = write!(s, " (IATI identifier {iati})");
                    }
                    (None, None) => {}
                }
                let _ = write!(s, " is {}", kind_phrase(donor.kind));
                match (donor.parent, country) {
                    (Some(p), _) => {
                        let _ = write!(s, " of the {}", self.donors[p].name);
                    }
                    (None, Some(c)) => {
                        let _ = write!(s, " based in {}", c.of);
                    }
                    (None, None) => {}
                }
                s.push('.');
            }
            out.text(&s)?;
            out.text("\n")?;
            out.room(3)?;
            out.begin("organization")?;
            out.str("id", &donor.id)?;
            out.str("name", &donor.name)?;
            if donor.short != donor.name && donor.kind != "government" {
                out.str("short_name", &donor.label)?;
            }
            out.str("kind", donor.kind)?;
            if let Some(iati) = donor.iati_id {
                out.str("iati_id", iati)?;
            }
            out.str("iati_type", donor.iati_type)?;
            if let Some(c) = donor.country {
                out.str("country", c)?;
            }
            out.cite(SRC, &s)?;
            self.stats.organizations += 1;
            if let Some(p) = donor.parent {
                out.relation(&donor.id, "part_of", &self.donors[p].id, "", SRC, &s)?;
                self.stats.relations += 1;
            }
            if let Some(c) = donor.country {
                out.relation(&donor.id, "in_country", c, "", SRC, &s)?;
                self.stats.relations += 1;
            }
        }
        Ok(())
    }

    /// Implementer `i`: the well-known ones, then synthetic ones.
    fn implementer(&self, i: usize) -> Implementer {
        if let Some(k) = KNOWN_IMPLEMENTERS.get(i) {
            return Implementer {
                id: k.id.to_string(),
                name: k.name.to_string(),
                short: (k.short != k.name).then_some(k.short),
                kind: k.kind,
                iati_type: k.iati_type,
                iati_id: k.iati_id,
                country: k.country.and_then(|code| {
                    DONOR_COUNTRIES
                        .iter()
                        .position(|c| c.code == code)
                        .map(Place::Donor)
                }),
            };
        }
        let k = i - KNOWN_IMPLEMENTERS.len();
        let (second, iati_type) = self.seconds[k % self.seconds.len()];
        let mut rng = self.rng(Stream::Implementer, k);
        let international = matches!(iati_type, "21" | "40");
        let country = self.country(&mut rng);
        let headquarters = rng.below(DONOR_COUNTRIES.len());
        Implementer {
            id: format!("org-{:06}", k + 1),
            name: format!("{} {second}", name_word(k / self.seconds.len())),
            short: None,
            kind: implementer_kind(second, iati_type),
            iati_type,
            iati_id: None,
            country: Some(if international {
                Place::Donor(headquarters)
            } else {
                Place::Recipient(country)
            }),
        }
    }

    /// The name of implementer `i` (without building the rest).
    fn implementer_name(&self, i: usize) -> String {
        match KNOWN_IMPLEMENTERS.get(i) {
            Some(k) => k.name.to_string(),
            None => {
                let k = i - KNOWN_IMPLEMENTERS.len();
                let (second, _) = self.seconds[k % self.seconds.len()];
                format!("{} {second}", name_word(k / self.seconds.len()))
            }
        }
    }

    fn implementers(
        &mut self,
        out: &mut Folder,
        progress: &mut dyn FnMut(usize, u64),
    ) -> io::Result<()> {
        out.section("02-implementers")?;
        let mut s = String::new();
        let mut src = String::new();
        for i in 0..self.shape.implementers {
            if i % ORGS_PER_SOURCE == 0 {
                let n = i / ORGS_PER_SOURCE + 1;
                src = format!("src-implementers-{n:05}");
                let title = format!("Directory of implementing partners, part {n}");
                self.source_header(out, &src, &format!("implementers-{n:05}.txt"), &title)?;
                progress(self.stats.nodes(), out.bytes());
            }
            let org = self.implementer(i);
            s.clear();
            s.push_str(&org.name);
            match (org.short, org.iati_id) {
                (Some(short), Some(iati)) => {
                    let _ = write!(s, " ({short}; IATI identifier {iati})");
                }
                (None, Some(iati)) => {
                    let _ = write!(s, " (IATI identifier {iati})");
                }
                (Some(short), None) => {
                    let _ = write!(s, " ({short})");
                }
                (None, None) => {}
            }
            let _ = write!(s, " is {}", kind_phrase(org.kind));
            let country = match org.country {
                Some(Place::Recipient(c)) => Some((COUNTRIES[c].code, COUNTRIES[c].en)),
                Some(Place::Donor(c)) => Some((DONOR_COUNTRIES[c].code, DONOR_COUNTRIES[c].of)),
                None => None,
            };
            match country {
                Some((_, name)) => {
                    let _ = write!(s, " based in {name}.");
                }
                None if org.kind == "multilateral" => s.push('.'),
                None => s.push_str(" working internationally."),
            }
            out.text(&s)?;
            out.room(4)?;
            out.begin("organization")?;
            out.str("id", &org.id)?;
            out.str("name", &org.name)?;
            if let Some(short) = org.short {
                out.str("short_name", short)?;
            }
            out.str("kind", org.kind)?;
            if let Some(iati) = org.iati_id {
                out.str("iati_id", iati)?;
            }
            out.str("iati_type", org.iati_type)?;
            out.cite(&src, &s)?;
            self.stats.organizations += 1;
            if let Some((code, _)) = country {
                out.relation(&org.id, "in_country", code, "", &src, &s)?;
                self.stats.relations += 1;
            }
            if i >= KNOWN_IMPLEMENTERS.len() {
                let mut rng = self.rng(Stream::Directory, i);
                // Some members of a larger network, a few with a figure about themselves.
                if i >= 100 && unit(&mut rng) < 0.1 {
                    // Networks are the most active synthetic organisations.
                    let network = KNOWN_IMPLEMENTERS.len() + self.manager_zipf.sample(&mut rng);
                    s.clear();
                    let _ = write!(
                        s,
                        "{} is a member of {}.",
                        org.name,
                        self.implementer_name(network)
                    );
                    out.text(" ")?;
                    out.text(&s)?;
                    out.relation(
                        &org.id,
                        "member_of",
                        &self.implementer(network).id,
                        "",
                        &src,
                        &s,
                    )?;
                    self.stats.relations += 1;
                }
                if unit(&mut rng) < ORG_OUTCOME_SHARE {
                    let year = 2016 + rng.below(9) as i32;
                    let staff = 5.0 * 400f64.powf(unit(&mut rng));
                    let (qualifier, value) = qualified(&mut rng, staff);
                    s.clear();
                    let _ = write!(
                        s,
                        "{} reported {}{} staff in {year}.",
                        org.name,
                        qualifier_words(qualifier),
                        commas(value)
                    );
                    out.text(" ")?;
                    out.text(&s)?;
                    let outcome = Outcome {
                        subject: &org.id,
                        metric: "staff",
                        label: "staff",
                        value: value.to_string(),
                        unit: ("unit", "person"),
                        qualifier,
                        status: "statistic",
                        period: format!(
                            "{{ start = \"{year}\", end = \"{year}\", text = \"in {year}\" }}"
                        ),
                        country: None,
                    };
                    self.outcome(out, &outcome, &src, &s)?;
                }
            }
            out.text("\n")?;
        }
        Ok(())
    }

    /// Programme `p`, drawn from its own stream (the owner first, so [`Gen::new`] can group
    /// programmes by owner before writing them).
    fn programme(&self, p: usize) -> Programme {
        let mut rng = self.rng(Stream::Programme, p);
        let owner = self.donor_zipf.sample(&mut rng);
        let kind = [
            "programme",
            "programme",
            "fund",
            "facility",
            "scheme",
            "flagship_programme",
        ][rng.below(6)];
        let theme = self.themes[self.theme_zipf.sample(&mut rng)];
        let country = self.country(&mut rng);
        let scope = match pick(&mut rng, &[0.45, 0.35, 0.2]) {
            0 => Scope::Region(
                REGIONS
                    .iter()
                    .position(|r| r.code == COUNTRIES[country].region)
                    .expect("a region"),
            ),
            1 => Scope::Country(country),
            _ => Scope::Global,
        };
        let year = 2000 + rng.below(24) as i32;
        Programme {
            owner,
            kind,
            theme,
            scope,
            year,
            rng,
        }
    }

    fn programme_name(&self, p: &Programme) -> String {
        let words = match p.kind {
            "fund" => "Trust Fund",
            "facility" => "Facility",
            "scheme" => "Grant Scheme",
            "flagship_programme" => "Flagship Programme",
            _ => "Programme",
        };
        let mut name = format!(
            "{} {} {words}",
            self.donors[p.owner].label, THEMES[p.theme].short
        );
        match p.scope {
            Scope::Country(c) => {
                let _ = write!(name, " for {}", COUNTRIES[c].en);
            }
            Scope::Region(r) => {
                let _ = write!(name, " for {}", REGIONS[r].name);
            }
            Scope::Global => {}
        }
        name
    }

    fn programmes(
        &mut self,
        out: &mut Folder,
        progress: &mut dyn FnMut(usize, u64),
    ) -> io::Result<()> {
        out.section("03-programmes")?;
        let mut s = String::new();
        let mut src = String::new();
        for p in 0..self.shape.programmes {
            if p % PROGRAMMES_PER_SOURCE == 0 {
                let n = p / PROGRAMMES_PER_SOURCE + 1;
                src = format!("src-programmes-{n:05}");
                let title = format!("Directory of programmes and funds, part {n}");
                self.source_header(out, &src, &format!("programmes-{n:05}.txt"), &title)?;
                progress(self.stats.nodes(), out.bytes());
            }
            let mut prog = self.programme(p);
            let id = format!("pg-{:06}", p + 1);
            let code = format!("PG-{:06}", p + 1);
            let name = self.programme_name(&prog);
            let owner = &self.donors[prog.owner];
            let (owner_id, owner_short, currency) =
                (owner.id.clone(), owner.short.clone(), owner.currency);
            let kind_words = match prog.kind {
                "fund" => "trust fund",
                "facility" => "funding facility",
                "scheme" => "grant scheme",
                "flagship_programme" => "flagship programme",
                _ => "programme",
            };
            let article = if kind_words.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            s.clear();
            let _ = write!(
                s,
                "{code}, the {name}, is {article} {kind_words} established by {owner_short} in {}.",
                prog.year
            );
            out.text(&s)?;
            out.room(12)?;
            out.begin("programme")?;
            out.str("id", &id)?;
            out.str("name", &name)?;
            out.str("kind", prog.kind)?;
            out.str("established", &prog.year.to_string())?;
            out.cite(&src, &s)?;
            self.stats.programmes += 1;
            out.relation(&owner_id, "establishes", &id, "", &src, &s)?;
            self.stats.relations += 1;

            // Funders: the owner, and up to two more donors.
            let rng = &mut prog.rng;
            let mut funders = vec![prog.owner];
            for _ in 0..pick(rng, &[0.5, 0.35, 0.15]) {
                let d = self.donor_zipf.sample(rng);
                if !funders.contains(&d) {
                    funders.push(d);
                }
            }
            let pooled = funders.len() > 1 && unit(rng) < 0.5;
            let amount = (!pooled && unit(rng) < 0.4).then(|| {
                let usd = 10f64.powf(6.5 + 2.0 * unit(rng));
                exact_units(usd, currency)
            });
            s.clear();
            if pooled {
                let _ = write!(
                    s,
                    "{code} is funded through lightly earmarked contributions from "
                );
            } else {
                let _ = write!(s, "{code} is funded by ");
            }
            for (k, &d) in funders.iter().enumerate() {
                if k > 0 {
                    s.push_str(if k + 1 == funders.len() {
                        " and "
                    } else {
                        ", "
                    });
                }
                s.push_str(&self.donors[d].short);
                if k == 0
                    && let Some(units) = amount
                {
                    let _ = write!(s, " with {currency} {}", commas(units));
                }
            }
            s.push('.');
            out.text(" ")?;
            out.text(&s)?;
            for (k, &d) in funders.iter().enumerate() {
                let mut attrs = String::new();
                if pooled {
                    attrs.push_str("contribution = \"lightly_earmarked\"\n");
                }
                if k == 0
                    && let Some(units) = amount
                {
                    let _ = writeln!(
                        attrs,
                        "amount = {{ value = \"{units}\", currency = \"{currency}\", qualifier = \"exact\" }}"
                    );
                }
                out.relation(&self.donors[d].id, "funds", &id, &attrs, &src, &s)?;
                self.stats.relations += 1;
            }

            // What and where.
            let theme = &THEMES[prog.theme];
            s.clear();
            let _ = write!(s, "{code} works on {}", theme.name);
            match prog.scope {
                Scope::Country(c) => {
                    let _ = write!(s, " in {}.", COUNTRIES[c].en);
                }
                Scope::Region(r) => {
                    let _ = write!(s, " in the {} region.", REGIONS[r].name);
                }
                Scope::Global => s.push_str(" worldwide."),
            }
            out.text(" ")?;
            out.text(&s)?;
            out.relation(
                &id,
                "has_theme",
                &format!("theme-{}", theme.dac),
                "",
                &src,
                &s,
            )?;
            self.stats.relations += 1;
            match prog.scope {
                Scope::Country(c) => {
                    out.relation(&id, "in_country", COUNTRIES[c].code, "", &src, &s)?;
                    self.stats.relations += 1;
                }
                Scope::Region(r) => {
                    out.relation(&id, "in_region", REGIONS[r].id, "", &src, &s)?;
                    self.stats.relations += 1;
                }
                Scope::Global => {}
            }

            if unit(rng) < 0.35 {
                let manager = self.manager_zipf.sample(rng);
                s.clear();
                let _ = write!(
                    s,
                    "{code} is managed by {}.",
                    self.implementer_name(manager)
                );
                out.text(" ")?;
                out.text(&s)?;
                out.relation(&self.implementer(manager).id, "manages", &id, "", &src, &s)?;
                self.stats.relations += 1;
            }
            if unit(rng) < PROGRAMME_OUTCOME_SHARE {
                let metric = &theme.metrics[rng.below(theme.metrics.len())];
                let year = (prog.year + 2 + rng.below(8) as i32).min(2024);
                self.result(
                    out, rng, &id, &code, metric, currency, year, true, None, &src,
                )?;
            }
            out.text("\n\n")?;
        }
        Ok(())
    }

    /// Project `i`'s core, following its earlier phases back to the first.
    fn core(&self, i: usize) -> Core {
        let mut rng = self.rng(Stream::Project, i);
        let follows = unit(&mut rng) < FOLLOW_SHARE;
        let back = 1 + rng.below(60);
        let n_themes = pick(&mut rng, &[0.55, 0.35, 0.10]) + 1;
        let mut themes = [0u8; 3];
        let mut t = 0;
        for _ in 0..n_themes * 4 {
            let theme = self.themes[self.theme_zipf.sample(&mut rng)] as u8;
            if !themes[..t].contains(&theme) {
                themes[t] = theme;
                t += 1;
                if t == n_themes {
                    break;
                }
            }
        }
        let n_countries = pick(&mut rng, &[0.65, 0.20, 0.10, 0.05]) + 1;
        let mut countries = [0u8; 4];
        let mut c = 0;
        for _ in 0..n_countries * 4 {
            let country = if c > 0 && unit(&mut rng) < 0.7 {
                let region = REGIONS
                    .iter()
                    .position(|r| r.code == COUNTRIES[countries[0] as usize].region)
                    .expect("a region");
                let members = &self.region_members[region];
                members[rng.below(members.len())]
            } else {
                self.country(&mut rng)
            } as u8;
            if !countries[..c].contains(&country) {
                countries[c] = country;
                c += 1;
                if c == n_countries {
                    break;
                }
            }
        }
        let title = rng.below(3);
        let start = 2008 * 12 + rng.below(20 * 12) as i32;
        let end = start + 12 + rng.below(60) as i32;
        let usd = 10f64.powf(5.0 + 2.5 * unit(&mut rng));
        let month_precision = unit(&mut rng) < 0.35;
        let unknown = unit(&mut rng) < 0.06;
        let fresh = Core {
            themes,
            n_themes: t,
            countries,
            n_countries: c,
            title,
            phase: 1,
            pred: None,
            start,
            end,
            usd,
            month_precision,
            unknown,
        };
        if !follows || i < back {
            return fresh;
        }
        let pred = i - back;
        let base = self.core(pred);
        let start = base.end + rng.below(6) as i32;
        Core {
            themes: base.themes,
            n_themes: base.n_themes,
            countries: base.countries,
            n_countries: base.n_countries,
            title: base.title,
            phase: base.phase + 1,
            pred: Some(pred),
            start,
            end: start + 12 + rng.below(48) as i32,
            ..fresh
        }
    }

    fn projects(
        &mut self,
        out: &mut Folder,
        progress: &mut dyn FnMut(usize, u64),
    ) -> io::Result<()> {
        out.section("04-projects")?;
        let mut reports = vec![0u32; self.donors.len()];
        let mut first = 0;
        let mut batch = 0;
        while first < self.shape.projects {
            let mut rng = self.rng(Stream::Batch, batch);
            let size = (BATCH_MIN + rng.below(BATCH_SPREAD)).min(self.shape.projects - first);
            let donor = self.donor_zipf.sample(&mut rng);
            reports[donor] += 1;
            batch += 1;
            let src = format!("src-report-{batch:06}");
            let title = format!(
                "{}: portfolio report, part {}",
                self.donors[donor].label, reports[donor]
            );
            // A batch has at most 60 projects of at most 22 tables each.
            out.room(60 * 22)?;
            self.source_header(out, &src, &format!("report-{batch:06}.txt"), &title)?;
            for i in first..first + size {
                self.project(out, i, donor, &src)?;
            }
            first += size;
            progress(self.stats.nodes(), out.bytes());
        }
        Ok(())
    }

    /// Writes project `i`, reported by `donor` in source `src`, with its relations and results.
    fn project(&mut self, out: &mut Folder, i: usize, donor: usize, src: &str) -> io::Result<()> {
        let core = self.core(i);
        let mut rng = self.rng(Stream::Links, i);
        let id = format!("p-{:07}", i + 1);
        let code = format!("P-{:07}", i + 1);
        let d = &self.donors[donor];
        let currency = d.currency;
        let theme = &THEMES[core.themes[0] as usize];
        let countries: Vec<usize> = core.countries[..core.n_countries]
            .iter()
            .map(|&c| c as usize)
            .collect();

        // The project: title, status, period, budget.
        let mut title = format!("{} in ", theme.titles[core.title % theme.titles.len()]);
        for (k, &c) in countries.iter().enumerate() {
            if k > 0 {
                title.push_str(if k + 1 == countries.len() {
                    " and "
                } else {
                    ", "
                });
            }
            title.push_str(COUNTRIES[c].en);
        }
        if core.phase > 1 {
            let _ = write!(title, ", phase {}", core.phase);
        }
        let status = core.status();
        let (period, period_text) = period(&core, currency == "JPY");
        let budget = match pick(&mut rng, &[0.6, 0.2, 0.05, 0.15]) {
            0 => Some(("exact", exact_units(core.usd, currency))),
            1 => Some(("about", two_digits(core.usd / usd_per_unit(currency)))),
            2 => Some(("up_to", two_digits(core.usd * 1.2 / usd_per_unit(currency)))),
            _ => None,
        };
        let mut s = String::with_capacity(256);
        let _ = write!(s, "{code}, “{title}”, is ");
        match status {
            "completed" => {
                let _ = write!(s, "a completed project that ran from {period_text}");
            }
            "ongoing" => {
                let _ = write!(s, "an ongoing project that runs from {period_text}");
            }
            "planned" => {
                let _ = write!(s, "a planned project that is to run from {period_text}");
            }
            _ => s.push_str("a project whose status and dates are not reported"),
        }
        if status == "unknown" && budget.is_some() {
            s.push(',');
        }
        match budget {
            Some(("exact", units)) => {
                let _ = write!(s, " with a budget of {currency} {}", commas(units));
            }
            Some((q, units)) => {
                let _ = write!(
                    s,
                    " with a budget of {}{currency} {}",
                    qualifier_words(q),
                    round_figure(units)
                );
            }
            None => {}
        }
        s.push('.');
        out.text(&s)?;
        out.begin("project")?;
        out.str("id", &id)?;
        out.str("title", &title)?;
        out.str("status", status)?;
        if status != "unknown" {
            out.raw("period", &period)?;
        }
        if let Some((q, units)) = budget {
            out.raw(
                "budget",
                &format!(
                    "{{ value = \"{units}\", currency = \"{currency}\", qualifier = \"{q}\" }}"
                ),
            )?;
        }
        out.cite(src, &s)?;
        self.stats.projects += 1;

        // Funding: the reporting donor, sometimes with an amount, sometimes a co-funder.
        let co_funder = (unit(&mut rng) < 0.3)
            .then(|| self.donor_zipf.sample(&mut rng))
            .filter(|&c| c != donor);
        let amount = (unit(&mut rng) < 0.45).then(|| {
            let share = if co_funder.is_some() {
                0.5 + 0.4 * unit(&mut rng)
            } else {
                1.0
            };
            exact_units(core.usd * share, currency)
        });
        let earmarked = unit(&mut rng) < 0.3;
        s.clear();
        let _ = write!(s, "{code} is funded by {}", d.short);
        if let Some(units) = amount {
            let _ = write!(s, " with {currency} {}", commas(units));
        }
        if earmarked {
            s.push_str(" through an earmarked contribution");
        }
        if let Some(c) = co_funder {
            let _ = write!(s, " and co-funded by {}", self.donors[c].short);
        }
        s.push('.');
        out.text(" ")?;
        out.text(&s)?;
        let mut attrs = String::new();
        if earmarked {
            attrs.push_str("contribution = \"earmarked\"\n");
        }
        if let Some(units) = amount {
            let _ = writeln!(
                attrs,
                "amount = {{ value = \"{units}\", currency = \"{currency}\", qualifier = \"exact\" }}"
            );
        }
        out.relation(&d.id, "funds", &id, &attrs, src, &s)?;
        self.stats.relations += 1;
        if let Some(c) = co_funder {
            out.relation(&self.donors[c].id, "funds", &id, "", src, &s)?;
            self.stats.relations += 1;
        }

        // The programme it belongs to: one of the donor's, preferring one that works where
        // and on what the project does.
        let owned = &self.owned[donor];
        if !owned.is_empty() && unit(&mut rng) < 0.75 {
            let zipf = Zipf::new(owned.len(), 1.0);
            let home = REGIONS
                .iter()
                .position(|r| r.code == COUNTRIES[countries[0]].region);
            let (mut p, mut best) = (0, -1);
            for _ in 0..6 {
                let candidate = owned[zipf.sample(&mut rng)] as usize;
                let prog = self.programme(candidate);
                let fit = match prog.scope {
                    Scope::Country(c) => 2 * i32::from(countries.contains(&c)),
                    Scope::Region(r) => 2 * i32::from(Some(r) == home),
                    Scope::Global => 1,
                } + i32::from(core.themes[..core.n_themes].contains(&(prog.theme as u8)));
                if fit > best {
                    (p, best) = (candidate, fit);
                }
            }
            let name = self.programme_name(&self.programme(p));
            s.clear();
            let _ = write!(s, "{code} is part of PG-{:06}, the {name}.", p + 1);
            out.text(" ")?;
            out.text(&s)?;
            out.relation(&id, "part_of", &format!("pg-{:06}", p + 1), "", src, &s)?;
            self.stats.relations += 1;
        }

        // Who implements it: the hub, one or two implementers, up to three partners.
        let mut implementers = vec![self.implementer_zipf.sample(&mut rng)];
        if unit(&mut rng) < 0.1 {
            let second = self.implementer_zipf.sample(&mut rng);
            if !implementers.contains(&second) {
                implementers.push(second);
            }
        }
        let mut partners = Vec::new();
        for _ in 0..pick(&mut rng, &[0.35, 0.30, 0.20, 0.15]) {
            let p = self.implementer_zipf.sample(&mut rng);
            if !implementers.contains(&p) && !partners.contains(&p) {
                partners.push(p);
            }
        }
        s.clear();
        let _ = write!(
            s,
            "{code} is implemented by the Global Implementation Agency"
        );
        for (k, &m) in implementers.iter().enumerate() {
            s.push_str(if k + 1 == implementers.len() {
                " and "
            } else {
                ", "
            });
            s.push_str(&self.implementer_name(m));
        }
        s.push('.');
        out.text(" ")?;
        out.text(&s)?;
        out.relation(HUB_ID, "implements", &id, "", src, &s)?;
        for &m in &implementers {
            out.relation(&self.implementer(m).id, "implements", &id, "", src, &s)?;
        }
        if !partners.is_empty() {
            s.clear();
            let _ = write!(s, "{code} works in partnership with ");
            for (k, &p) in partners.iter().enumerate() {
                if k > 0 {
                    s.push_str(if k + 1 == partners.len() {
                        " and "
                    } else {
                        ", "
                    });
                }
                s.push_str(&self.implementer_name(p));
            }
            s.push('.');
            out.text(" ")?;
            out.text(&s)?;
            for &p in &partners {
                out.relation(&self.implementer(p).id, "partners_with", &id, "", src, &s)?;
            }
        }
        self.stats.relations += 1 + implementers.len() + partners.len();

        // Where and on what.
        const SPLITS: [&[&str]; 4] = [
            &["100"],
            &["60", "40"],
            &["50", "30", "20"],
            &["40", "30", "20", "10"],
        ];
        let country_split = SPLITS[countries.len() - 1];
        let theme_split = SPLITS[core.n_themes - 1];
        let region = (countries.len() > 1).then(|| {
            REGIONS
                .iter()
                .position(|r| r.code == COUNTRIES[countries[0]].region)
                .expect("a region")
        });
        s.clear();
        let _ = write!(s, "{code} works in ");
        for (k, &c) in countries.iter().enumerate() {
            if k > 0 {
                s.push_str(if k + 1 == countries.len() {
                    " and "
                } else {
                    ", "
                });
            }
            s.push_str(COUNTRIES[c].en);
            if countries.len() > 1 {
                let _ = write!(s, " ({}%)", country_split[k]);
            }
        }
        if let Some(r) = region {
            let _ = write!(s, ", in the {} region", REGIONS[r].name);
        }
        s.push('.');
        out.text(" ")?;
        out.text(&s)?;
        for (k, &c) in countries.iter().enumerate() {
            let attrs = if countries.len() > 1 {
                format!("percentage = \"{}\"\n", country_split[k])
            } else {
                String::new()
            };
            out.relation(&id, "in_country", COUNTRIES[c].code, &attrs, src, &s)?;
        }
        if let Some(r) = region {
            out.relation(&id, "in_region", REGIONS[r].id, "", src, &s)?;
            self.stats.relations += 1;
        }
        s.clear();
        let _ = write!(
            s,
            "{code} addresses {}",
            if core.n_themes > 1 {
                "the themes "
            } else {
                "the theme "
            }
        );
        for k in 0..core.n_themes {
            if k > 0 {
                s.push_str(if k + 1 == core.n_themes {
                    " and "
                } else {
                    ", "
                });
            }
            s.push_str(THEMES[core.themes[k] as usize].name);
            if core.n_themes > 1 {
                let _ = write!(s, " ({}%)", theme_split[k]);
            }
        }
        s.push('.');
        out.text(" ")?;
        out.text(&s)?;
        for k in 0..core.n_themes {
            let attrs = if core.n_themes > 1 {
                format!("percentage = \"{}\"\n", theme_split[k])
            } else {
                String::new()
            };
            let to = format!("theme-{}", THEMES[core.themes[k] as usize].dac);
            out.relation(&id, "has_theme", &to, &attrs, src, &s)?;
        }
        self.stats.relations += countries.len() + core.n_themes;

        if let Some(pred) = core.pred {
            s.clear();
            let _ = write!(s, "{code} follows P-{:07}, its previous phase.", pred + 1);
            out.text(" ")?;
            out.text(&s)?;
            out.relation(&id, "follows", &format!("p-{:07}", pred + 1), "", src, &s)?;
            self.stats.relations += 1;
        }

        // Results.
        let mut rng = self.rng(Stream::Outcomes, i);
        let count = pick(&mut rng, &OUTCOME_COUNTS);
        let mut chosen: Vec<&Metric> = Vec::with_capacity(count);
        for k in 0..count {
            let pool: &[Metric] = if k == 0 {
                theme.metrics
            } else {
                GENERIC_METRICS
            };
            let mut metric = &pool[rng.below(pool.len())];
            if chosen.iter().any(|m| m.slug == metric.slug) {
                let all: Vec<&Metric> = theme.metrics.iter().chain(GENERIC_METRICS).collect();
                match all
                    .iter()
                    .find(|m| !chosen.iter().any(|c| c.slug == m.slug))
                {
                    Some(m) => metric = m,
                    None => break,
                }
            }
            chosen.push(metric);
        }
        for metric in chosen {
            let achieved = match status {
                "planned" => false,
                "ongoing" => unit(&mut rng) < 0.6,
                _ => true,
            };
            let end_year = core.end / 12;
            let year = if status == "unknown" {
                2016 + rng.below(9) as i32
            } else if achieved {
                let first = core.start / 12 + 1;
                let last = end_year.min(2024).max(first);
                first + rng.below((last - first + 1) as usize) as i32
            } else {
                end_year
            };
            let country = (countries.len() > 1 && unit(&mut rng) < 0.3)
                .then(|| countries[rng.below(countries.len())]);
            self.result(
                out, &mut rng, &id, &code, metric, currency, year, achieved, country, src,
            )?;
        }
        out.text("\n\n")?;
        Ok(())
    }

    /// A result of `subject` (a project or programme named `code` in text): a sentence and
    /// an outcome citing it.
    #[allow(clippy::too_many_arguments)]
    fn result(
        &mut self,
        out: &mut Folder,
        rng: &mut Rng,
        subject: &str,
        code: &str,
        metric: &Metric,
        currency: &str,
        year: i32,
        achieved: bool,
        country: Option<usize>,
        src: &str,
    ) -> io::Result<()> {
        let draw = metric.low * (metric.high / metric.low).powf(unit(rng));
        let (verb, when, period) = if achieved {
            (
                "reported",
                format!("in {year}"),
                format!("{{ start = \"{year}\", end = \"{year}\", text = \"in {year}\" }}"),
            )
        } else {
            (
                "aims at",
                format!("by {year}"),
                format!("{{ end = \"{year}\", text = \"by {year}\" }}"),
            )
        };
        let place = country.map_or(String::new(), |c| format!(" in {}", COUNTRIES[c].en));
        let mut s = String::with_capacity(160);
        let (qualifier, value, unit_key) = match metric.measure {
            Measure::Count(u) => {
                let (q, v) = qualified(rng, draw);
                let _ = write!(
                    s,
                    "{code} {verb} {}{} {}{place} {when}.",
                    qualifier_words(q),
                    commas(v),
                    metric.label
                );
                (q, v.to_string(), ("unit", u))
            }
            Measure::Percent => {
                let q = pick_qualifier(rng);
                let v = if q == "exact" {
                    format!("{:.1}", (draw * 10.0).round() / 10.0)
                } else {
                    format!("{}", draw.round() as u64)
                };
                let _ = write!(
                    s,
                    "{code} {verb} a {} of {}{v} percent{place} {when}.",
                    metric.label,
                    qualifier_words(q)
                );
                (q, v, ("unit", "percent"))
            }
            Measure::Money => {
                let units = draw / usd_per_unit(currency);
                let (q, v) = qualified(rng, units);
                let figure = if q == "exact" {
                    commas(v)
                } else {
                    round_figure(v)
                };
                let _ = write!(
                    s,
                    "{code} {verb} {}{currency} {figure} {}{place} {when}.",
                    qualifier_words(q),
                    metric.label
                );
                (q, v.to_string(), ("currency", currency))
            }
        };
        out.text(" ")?;
        out.text(&s)?;
        let outcome = Outcome {
            subject,
            metric: metric.slug,
            label: metric.label,
            value,
            unit: unit_key,
            qualifier,
            status: if achieved { "achieved" } else { "target" },
            period,
            country: country.map(|c| COUNTRIES[c].code),
        };
        self.outcome(out, &outcome, src, &s)
    }

    fn outcome(
        &mut self,
        out: &mut Folder,
        o: &Outcome<'_>,
        src: &str,
        quote: &str,
    ) -> io::Result<()> {
        self.next_outcome += 1;
        out.begin("outcome")?;
        out.str("id", &format!("o-{:07}", self.next_outcome))?;
        out.str("subject", o.subject)?;
        out.str("metric", o.metric)?;
        out.str("label", o.label)?;
        out.str("value", &o.value)?;
        out.str(o.unit.0, o.unit.1)?;
        out.str("qualifier", o.qualifier)?;
        out.str("status", o.status)?;
        out.raw("period", &o.period)?;
        if let Some(c) = o.country {
            out.str("country", c)?;
        }
        out.cite(src, quote)?;
        self.stats.outcomes += 1;
        Ok(())
    }
}

/// An outcome about to be written.
struct Outcome<'a> {
    subject: &'a str,
    metric: &'a str,
    label: &'a str,
    value: String,
    /// `("unit", "person")` or `("currency", "USD")`.
    unit: (&'static str, &'a str),
    qualifier: &'static str,
    status: &'static str,
    period: String,
    country: Option<&'static str>,
}

/// A project's period as an inline TOML table, and the source's wording of it: Japanese
/// fiscal years for yen donors, else months or years.
fn period(core: &Core, fiscal: bool) -> (String, String) {
    let (sy, sm) = (core.start / 12, core.start % 12);
    let (ey, em) = (core.end / 12, core.end % 12);
    let (start, end, text) = if fiscal {
        // A Japanese fiscal year starts in April.
        let fy = |y: i32, m: i32| if m >= 3 { y } else { y - 1 };
        let (a, b) = (fy(sy, sm), fy(ey, em));
        (
            format!("FY{a}"),
            format!("FY{b}"),
            format!("FY{a} to FY{b}"),
        )
    } else if core.month_precision {
        (
            format!("{sy}-{:02}", sm + 1),
            format!("{ey}-{:02}", em + 1),
            format!(
                "{} {sy} to {} {ey}",
                MONTHS[sm as usize], MONTHS[em as usize]
            ),
        )
    } else {
        (sy.to_string(), ey.to_string(), format!("{sy} to {ey}"))
    };
    (
        format!(
            "{{ start = \"{start}\", end = \"{end}\", text = {} }}",
            toml_str(&text)
        ),
        text,
    )
}

/// `usd` in `currency`, rounded as a budget line is (to 100 units, 1,000 for yen and won).
fn exact_units(usd: f64, currency: &str) -> u64 {
    let step = if matches!(currency, "JPY" | "KRW") {
        1000.0
    } else {
        100.0
    };
    (((usd / usd_per_unit(currency)) / step).round().max(1.0) * step) as u64
}

/// A qualifier with its share of reported figures.
fn pick_qualifier(rng: &mut Rng) -> &'static str {
    const QUALIFIERS: [&str; 8] = [
        "exact",
        "over",
        "more_than",
        "at_least",
        "about",
        "nearly",
        "up_to",
        "less_than",
    ];
    QUALIFIERS[pick(rng, &[0.55, 0.1, 0.05, 0.05, 0.12, 0.08, 0.03, 0.02])]
}

/// A count as a report states it: exact, or a round figure with a qualifier.
fn qualified(rng: &mut Rng, v: f64) -> (&'static str, u64) {
    let q = pick_qualifier(rng);
    let value = if q == "exact" {
        v.round().max(1.0) as u64
    } else {
        two_digits(v)
    };
    (q, value)
}

fn qualifier_words(q: &str) -> &'static str {
    match q {
        "over" => "over ",
        "more_than" => "more than ",
        "at_least" => "at least ",
        "nearly" => "nearly ",
        "about" => "about ",
        "up_to" => "up to ",
        "less_than" => "less than ",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_written_as_reports_write_them() {
        assert_eq!(commas(0), "0");
        assert_eq!(commas(999), "999");
        assert_eq!(commas(1000), "1,000");
        assert_eq!(commas(4_512_300), "4,512,300");
        assert_eq!(two_digits(4_512_300.0), 4_500_000);
        assert_eq!(two_digits(7.4), 7);
        assert_eq!(two_digits(96.0), 96);
        assert_eq!(round_figure(4_500_000), "4.5 million");
        assert_eq!(round_figure(12_000_000), "12 million");
        assert_eq!(round_figure(1_200_000_000), "1.2 billion");
        assert_eq!(round_figure(45_000), "45,000");
        assert_eq!(exact_units(1234.0, "USD"), 1200);
    }

    #[test]
    fn made_up_names_are_unique() {
        let names: std::collections::HashSet<String> = (0..20_000).map(name_word).collect();
        assert_eq!(names.len(), 20_000);
        assert_eq!(name_word(0), "Sahel");
        assert!(
            name_word(NAME_FIRST.len())
                .chars()
                .next()
                .unwrap()
                .is_uppercase()
        );
    }

    #[test]
    fn zipf_ranks_stay_in_range_and_favour_the_first() {
        let mut rng = Rng::new(3);
        for (n, s) in [(1, 1.0), (41, 1.0), (22, 0.8), (500, 1.1), (100_000, 0.9)] {
            let z = Zipf::new(n, s);
            let mut counts = vec![0usize; n];
            for _ in 0..20_000 {
                counts[z.sample(&mut rng)] += 1;
            }
            if n > 1 {
                assert!(counts[0] > counts[n / 2] * 3, "{n} {s}: {counts:?}");
            }
        }
    }

    #[test]
    fn shapes_add_up_to_about_the_nodes_asked_for() {
        // The fixed hundred countries, regions and themes weigh on the smallest folders.
        for (n, least) in [
            (MIN_NODES, 42),
            (10_000, 48),
            (1_000_000, 50),
            (10_000_000, 50),
        ] {
            let s = Shape::new(n);
            let percent = s.projects * 100 / n;
            assert!((least..=56).contains(&percent), "{n}: {s:?}");
        }
    }

    #[test]
    fn data_files_roll_over_and_stats_count_what_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let params = Params {
            nodes: 10_000,
            seed: 2,
        };
        let mut calls = 0;
        let stats = write(dir.path(), &params, &mut |_, _| calls += 1).unwrap();
        assert!(calls > 3);
        assert!((9_000..=11_000).contains(&stats.nodes()), "{stats:?}");
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        names.sort();
        assert_eq!(names.len(), stats.toml_files);
        assert!(
            names
                .iter()
                .filter(|n| n.starts_with("04-projects-"))
                .count()
                >= 2
        );
        let mut tables = std::collections::BTreeMap::<String, usize>::new();
        let mut bytes = 0;
        for name in &names {
            let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
            bytes += text.len() as u64;
            let in_file = text.matches("\n[[").count();
            assert!(in_file <= folder::MAX_TABLES, "{name}: {in_file} tables");
            for line in text.lines().filter(|l| l.starts_with("[[")) {
                *tables.entry(line.to_string()).or_default() += 1;
            }
        }
        let sources = std::fs::read_dir(dir.path().join("sources")).unwrap();
        for entry in sources {
            bytes += entry.unwrap().metadata().unwrap().len();
        }
        assert_eq!(bytes, stats.bytes);
        assert_eq!(tables["[[relation]]"], stats.relations);
        assert_eq!(tables["[[project]]"], stats.projects);
        assert_eq!(tables["[[outcome]]"], stats.outcomes);
        assert_eq!(tables["[[source]]"], stats.sources);
        assert_eq!(stats.sources, stats.source_files);
        assert_eq!(tables["[[organization]]"], stats.organizations);
    }

    #[test]
    fn too_small_a_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let params = Params {
            nodes: 999,
            seed: 1,
        };
        let err = write(dir.path(), &params, &mut |_, _| {}).unwrap_err();
        assert!(err.to_string().contains("at least 1000 nodes"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn themes_use_dac_codes_the_loader_knows_and_countries_real_codes() {
        // A test may look at the model the generator must not depend on.
        for t in THEMES {
            assert_eq!(
                crate::model::dac::dac_name(t.dac),
                Some(t.dac_name),
                "{}",
                t.dac
            );
        }
        for c in COUNTRIES {
            assert_eq!(
                crate::model::iso_country(c.code).map(|x| x.1),
                Some(alpha3(c.code))
            );
        }
        for c in DONOR_COUNTRIES {
            assert_eq!(
                crate::model::iso_country(c.code).map(|x| x.1),
                Some(alpha3(c.code))
            );
        }
    }
}
