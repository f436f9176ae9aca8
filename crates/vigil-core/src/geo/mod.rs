//! IP address → country and autonomous system (ASN + organisation), for baselines: "a new
//! country for this principal" is a stronger sign than "a new /24".
//!
//! Sources, asked in the order they were added (the first that knows a field answers it):
//! - a MaxMind-format database (`.mmdb`: GeoLite2/GeoIP2 Country or ASN, DB-IP lite, ip-location-db
//!   MMDB builds…) the user loads, read from bytes ([`GeoDb::load`]; no mmap, no files: it runs in
//!   the browser);
//! - Vigil's compact range table (`VGEO`, [`table`]), built from the CC0/CC BY ip-location-db CSVs
//!   by `scripts/build-geo.py` — the bundled IPv4 country table ([`GeoDb::bundled`]) or a user
//!   file in the same format (e.g. the ASN table, too large to bundle).

pub mod table;

use std::net::IpAddr;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use table::RangeTable;

/// What the sources know about an address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeoInfo {
    /// ISO 3166-1 alpha-2 code (`BR`).
    pub country: Option<String>,
    pub asn: Option<u32>,
    /// The AS organisation (`Cloudflare, Inc.`), when the source has it.
    pub org: Option<String>,
}

impl GeoInfo {
    /// `AS13335 (Cloudflare, Inc.)`, or `AS13335`.
    pub fn asn_label(&self) -> Option<String> {
        let asn = self.asn?;
        Some(match &self.org {
            Some(o) if !o.is_empty() => format!("AS{asn} ({o})"),
            _ => format!("AS{asn}"),
        })
    }
}

enum Source {
    Mmdb(maxminddb::Reader<Vec<u8>>),
    Table(Arc<RangeTable>),
}

/// One loaded source, for reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceInfo {
    pub name: String,
    /// `mmdb` or `vgeo`.
    pub format: &'static str,
    /// What it answers: `country`, `asn` or `country+asn`.
    pub answers: String,
    pub description: String,
}

/// The loaded geo sources; empty by default (every lookup answers nothing).
#[derive(Clone, Default)]
pub struct GeoDb {
    sources: Vec<(SourceInfo, Arc<Source>)>,
}

impl std::fmt::Debug for GeoDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.sources.iter().map(|(i, _)| i)).finish()
    }
}

/// The bundled IPv4 country table (see `crates/vigil-core/data/geo-country.vgeo.gz`).
static BUNDLED_COUNTRY: &[u8] = include_bytes!("../../data/geo-country.vgeo.gz");

/// Fields of the MMDB record layouts in use: GeoIP2/GeoLite2 (`country.iso_code`,
/// `registered_country.iso_code`), ip-location-db and DB-IP lite (`country_code`), and the ASN
/// databases (`autonomous_system_number`, `autonomous_system_organization`).
#[derive(Deserialize, Default)]
struct MmdbRecord {
    #[serde(default)]
    country: Option<IsoCode>,
    #[serde(default)]
    registered_country: Option<IsoCode>,
    #[serde(default)]
    country_code: Option<String>,
    #[serde(default)]
    autonomous_system_number: Option<u32>,
    #[serde(default)]
    autonomous_system_organization: Option<String>,
}

#[derive(Deserialize, Default)]
struct IsoCode {
    #[serde(default)]
    iso_code: Option<String>,
}

impl GeoDb {
    /// Just the bundled country table (decoded once per process, then shared).
    pub fn bundled() -> Self {
        static TABLE: OnceLock<Option<Arc<RangeTable>>> = OnceLock::new();
        let mut db = Self::default();
        if let Some(t) = TABLE.get_or_init(|| RangeTable::from_bytes(BUNDLED_COUNTRY).ok().map(Arc::new)) {
            db.push_table("bundled: ip-location-db geo-whois-asn-country (IPv4)", t.clone());
        }
        db
    }

    /// A MaxMind-format database from its bytes.
    pub fn from_mmdb(bytes: Vec<u8>) -> Result<Self, String> {
        let mut db = Self::default();
        db.add_mmdb("mmdb", bytes)?;
        Ok(db)
    }

    /// Adds a source from a file's bytes: a `VGEO` table (gzip-compressed or not) or a
    /// MaxMind-format database. Sources added earlier answer first. Returns what was loaded.
    pub fn load(&mut self, name: &str, bytes: Vec<u8>) -> Result<SourceInfo, String> {
        if table::is_table(&bytes) {
            let t = RangeTable::from_bytes(&bytes).map_err(|e| format!("{name}: {e}"))?;
            self.push_table(name, Arc::new(t));
        } else {
            self.add_mmdb(name, bytes)?;
        }
        Ok(self.sources.last().map(|s| s.0.clone()).expect("a source was just added"))
    }

    fn push_table(&mut self, name: &str, t: Arc<RangeTable>) {
        let info = SourceInfo {
            name: name.to_string(),
            format: "vgeo",
            answers: t.kind.name().to_string(),
            description: t.describe(),
        };
        self.sources.push((info, Arc::new(Source::Table(t))));
    }

    fn add_mmdb(&mut self, name: &str, bytes: Vec<u8>) -> Result<(), String> {
        let reader = maxminddb::Reader::from_source(bytes)
            .map_err(|e| format!("{name}: not a MaxMind-format database ({e})"))?;
        let m = reader.metadata();
        let t = m.database_type.to_ascii_lowercase();
        let answers =
            match (t.contains("asn") || t.contains("-as"), t.contains("country") || t.contains("city")) {
                (true, true) => "country+asn",
                (true, false) => "asn",
                (false, true) => "country",
                (false, false) => "country+asn",
            };
        let info = SourceInfo {
            name: name.to_string(),
            format: "mmdb",
            answers: answers.to_string(),
            description: format!("{} (IPv{}, {} nodes)", m.database_type, m.ip_version, m.node_count),
        };
        self.sources.push((info, Arc::new(Source::Mmdb(reader))));
        Ok(())
    }

    /// Adds `other`'s sources after this one's (they answer only what these do not know).
    pub fn extend(&mut self, other: GeoDb) {
        self.sources.extend(other.sources);
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    pub fn sources(&self) -> Vec<SourceInfo> {
        self.sources.iter().map(|s| s.0.clone()).collect()
    }

    /// Country and AS of an address; each field from the first source that knows it.
    pub fn lookup(&self, ip: IpAddr) -> GeoInfo {
        let mut out = GeoInfo::default();
        for (_, s) in &self.sources {
            match &**s {
                Source::Table(t) => t.fill(ip, &mut out),
                Source::Mmdb(r) => {
                    let rec = r.lookup(ip).ok().and_then(|l| l.decode::<MmdbRecord>().ok().flatten());
                    if let Some(rec) = rec {
                        let country = rec
                            .country
                            .and_then(|c| c.iso_code)
                            .or(rec.country_code)
                            .or(rec.registered_country.and_then(|c| c.iso_code));
                        if out.country.is_none() {
                            out.country = country.filter(|c| !c.is_empty());
                        }
                        if out.asn.is_none() {
                            out.asn = rec.autonomous_system_number;
                            out.org = rec.autonomous_system_organization;
                        }
                    }
                }
            }
            if out.country.is_some() && out.asn.is_some() {
                break;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
