//! Deterministic generators of large, realistic data sets, for load tests, benchmarks and
//! round-trip tests: `aidgraph generate --format F --nodes N --seed S --out PATH`.
//!
//! [`Format::Iati`] ([`iati`]: an IATI 2.03 activity file, valid against the official XSDs) is
//! written to one stream by [`write`]; [`Format::Seed`] ([`seed`]: a seed data folder that
//! `aidgraph check` accepts) to a folder by [`write_seed`]; [`Format::Snapshot`] is that
//! folder's graph, which the CLI loads and writes (the generators stay independent of the
//! graph). Each generator writes as it generates, in (nearly) constant memory, and the same
//! parameters always give the same bytes.
//!
//! *Architecture Invariant*: generators know nothing of the model, the graph or the API; they
//! write files that the loaders must accept like any other input.

mod codes;
pub mod iati;
mod plan;
pub mod seed;
mod xml;

use std::fmt;
use std::io::{self, Write};
use std::path::Path;
use std::str::FromStr;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// How big: for [`Format::Iati`], the number of activities (each an `iati-activity`; the
    /// 50 to 500 publishers and the organisations they name come on top); for
    /// [`Format::Seed`], about the number of nodes (entities and sources) the folder loads to.
    pub nodes: usize,
    /// The random seed: the same seed and size give the same bytes.
    pub seed: u64,
}

/// What the IATI generator wrote ([`SeedStats`] for a seed folder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub activities: usize,
    /// Publishers with at least one activity.
    pub publishers: usize,
    pub transactions: u64,
    pub bytes: u64,
}

pub use seed::Stats as SeedStats;

/// A generated format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A seed data folder ([`write_seed`]).
    Seed,
    /// An IATI 2.03 activity file.
    Iati,
    /// A graph snapshot: the seed folder's graph, written by the CLI (`aidgraph generate`),
    /// which loads the folder.
    Snapshot,
}

impl Format {
    pub const NAMES: &'static [&'static str] = &["seed", "iati", "snapshot"];

    /// Whether the format is a folder ([`write_seed`]) rather than one stream ([`write`]).
    pub fn is_folder(self) -> bool {
        matches!(self, Format::Seed)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Seed => "seed",
            Format::Iati => "iati",
            Format::Snapshot => "snapshot",
        })
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "seed" => Ok(Format::Seed),
            "iati" => Ok(Format::Iati),
            "snapshot" => Ok(Format::Snapshot),
            _ => Err(format!(
                "unknown format `{s}`: use {}",
                Format::NAMES.join(", ")
            )),
        }
    }
}

/// Why generating failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("--format {0} is not written as one stream")]
    NotAStream(Format),
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Writes a one-stream `format` to `out`, reporting `progress(items written, bytes written)`
/// now and then.
pub fn write(
    format: Format,
    out: &mut impl Write,
    params: &Params,
    progress: &mut dyn FnMut(usize, u64),
) -> Result<Stats, Error> {
    match format {
        Format::Iati => Ok(iati::write_with_progress(out, params, progress)?),
        Format::Seed | Format::Snapshot => Err(Error::NotAStream(format)),
    }
}

/// Writes a seed data folder of about `params.nodes` nodes (at least [`seed::MIN_NODES`]) into
/// `dir`, which must exist and be empty, reporting `progress(nodes written, bytes written)`
/// now and then. See [`seed`] for its shape.
pub fn write_seed(
    dir: &Path,
    params: &Params,
    progress: &mut dyn FnMut(usize, u64),
) -> Result<SeedStats, Error> {
    Ok(seed::write(dir, params, progress)?)
}

/// Parses a size such as `200MB`, `1.5GiB`, `64k` or `1000000` (bytes; decimal units are
/// powers of 1000, `KiB`/`MiB`/`GiB` of 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (number, unit) = (&t[..split], t[split..].trim());
    let number: f64 = number
        .parse()
        .map_err(|_| format!("`{s}` is not a size; write e.g. 200MB, 1GiB or 5000000"))?;
    let scale = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => {
            return Err(format!(
                "`{unit}` is not a size unit; use B, KB, MB, GB, KiB, MiB or GiB"
            ));
        }
    };
    let bytes = number * scale;
    if !(1e4..=1e11).contains(&bytes) {
        return Err(format!("`{s}`: give a size from 10KB to 100GB"));
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("200MB"), Ok(200_000_000));
        assert_eq!(parse_size("1.5 GiB"), Ok(1_610_612_736));
        assert_eq!(parse_size("64k"), Ok(64_000));
        assert_eq!(parse_size("50000"), Ok(50_000));
        assert!(parse_size("1TB").unwrap_err().contains("not a size unit"));
        assert!(parse_size("12").unwrap_err().contains("10KB to 100GB"));
        assert!(parse_size("MB").unwrap_err().contains("not a size"));
    }

    #[test]
    fn only_iati_is_written_to_a_stream() {
        let params = Params { nodes: 10, seed: 1 };
        let mut out = Vec::new();
        for format in [Format::Seed, Format::Snapshot] {
            let err = write(format, &mut out, &params, &mut |_, _| {}).unwrap_err();
            assert!(matches!(err, Error::NotAStream(f) if f == format));
        }
        assert!(out.is_empty());
        assert!(Format::Seed.is_folder() && !Format::Snapshot.is_folder());
        assert!(!Format::Iati.is_folder());
        assert_eq!("IATI".parse::<Format>(), Ok(Format::Iati));
        assert!(
            "gexf"
                .parse::<Format>()
                .unwrap_err()
                .contains("seed, iati, snapshot")
        );
    }
}
