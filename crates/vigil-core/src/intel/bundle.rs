//! The bundled intelligence file (`crates/vigil-core/data/intel.bin`), written by
//! `scripts/build-intel.py` from the upstream-format snapshots. It is gzip; inside:
//!
//! ```text
//! "VIGILINTEL1\n"
//! u32 LE manifest length, manifest JSON {"generated": …, "lists": [ListInfo without state]}
//! for each list of the manifest, in order, sections until kind 0:
//!   u8 kind (1 = IPv4 prefixes, 2 = IPv6 prefixes, 3 = domains, 0 = end of list)
//!   u8 category-name length, category name (see `Category::as_str`)
//!   u32 LE entry count, u32 LE payload length, payload:
//!     IPv4: per entry, sorted: LEB128 delta of the base from the previous base, u8 prefix length
//!     IPv6: per entry: 16-byte base (big-endian), u8 prefix length
//!     domains: names joined by '\n'; `*.` marks subdomain-only entries
//! ```

use std::io::Read;

use serde::Deserialize;

use super::{Category, ListInfo, ListKind, Origin, Stored};

const MAGIC: &[u8] = b"VIGILINTEL1\n";

#[derive(Deserialize)]
struct Manifest {
    lists: Vec<ManifestList>,
}

#[derive(Deserialize)]
struct ManifestList {
    name: String,
    category: String,
    source: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    license: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    description: String,
}

/// Decodes a bundle into lists with their indicators.
pub(super) fn decode(bytes: &[u8]) -> Result<Vec<(ListInfo, Vec<Stored>)>, String> {
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut raw)
        .map_err(|e| format!("intel bundle: not a gzip stream ({e})"))?;
    let mut r = Reader { b: &raw, pos: 0 };
    if r.take(MAGIC.len())? != MAGIC {
        return Err("intel bundle: bad magic (not a Vigil intel bundle, or a newer version)".into());
    }
    let mlen = r.u32()? as usize;
    let manifest: Manifest =
        serde_json::from_slice(r.take(mlen)?).map_err(|e| format!("intel bundle: bad manifest: {e}"))?;
    let mut out = Vec::with_capacity(manifest.lists.len());
    for m in manifest.lists {
        let category = Category::parse(&m.category)
            .ok_or_else(|| format!("intel bundle: list {} has unknown category {}", m.name, m.category))?;
        let mut items = Vec::new();
        loop {
            let kind = r.u8()?;
            if kind == 0 {
                break;
            }
            let clen = r.u8()? as usize;
            let cname = std::str::from_utf8(r.take(clen)?).map_err(|_| "intel bundle: bad category name")?;
            let cat =
                Category::parse(cname).ok_or_else(|| format!("intel bundle: unknown category {cname}"))?;
            let count = r.u32()? as usize;
            let plen = r.u32()? as usize;
            let mut p = Reader { b: r.take(plen)?, pos: 0 };
            match kind {
                1 => {
                    let mut base: u32 = 0;
                    for _ in 0..count {
                        base = base.wrapping_add(p.leb128()? as u32);
                        items.push(Stored::V4(base, p.u8()?.min(32), cat));
                    }
                }
                2 => {
                    for _ in 0..count {
                        let b: [u8; 16] = p.take(16)?.try_into().map_err(|_| "intel bundle: short IPv6")?;
                        items.push(Stored::V6(u128::from_be_bytes(b), p.u8()?.min(128), cat));
                    }
                }
                3 => {
                    let text = std::str::from_utf8(p.b).map_err(|_| "intel bundle: domains are not UTF-8")?;
                    for d in text.split('\n').filter(|d| !d.is_empty()) {
                        let (name, sub) = match d.strip_prefix("*.") {
                            Some(n) => (n, true),
                            None => (d, false),
                        };
                        items.push(Stored::Domain(name.into(), cat, sub));
                    }
                }
                k => return Err(format!("intel bundle: unknown section kind {k}")),
            }
        }
        let info = ListInfo {
            name: m.name,
            kind: ListKind::Threat,
            origin: Origin::Bundled,
            category,
            source: m.source,
            url: m.url,
            license: m.license,
            date: m.date,
            description: m.description,
            format: None,
            enabled: true,
            count: items.len(),
        };
        out.push((info, items));
    }
    Ok(out)
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.b.len()).ok_or("intel bundle: truncated")?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
    fn leb128(&mut self) -> Result<u64, String> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("intel bundle: bad varint".into())
    }
}

/// The bundle shipped with Vigil.
pub const BUNDLED: &[u8] = include_bytes!("../../data/intel.bin");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intel::Intel;
    use std::net::IpAddr;

    #[test]
    fn bundled_file_loads_with_provenance() {
        let intel = Intel::from_bundle(BUNDLED).expect("bundle decodes");
        let lists = intel.attributions();
        assert!(lists.len() >= 8, "{lists:?}");
        for l in &lists {
            assert!(!l.source.is_empty() && !l.license.is_empty() && !l.date.is_empty(), "{l:?}");
            assert!(l.count > 0, "{l:?}");
        }
        // The GuardDuty tester's domains, with GuardDuty's categories.
        let cat = |d: &str| intel.lookup_domain(d).first().map(|h| h.category);
        assert_eq!(cat("guarddutyc2activityb.com"), Some(Category::C2));
        assert_eq!(cat("c2.guarddutyc2activityb.com"), Some(Category::C2));
        assert_eq!(cat("crypto.guarddutyc2activityb.com"), Some(Category::Mining));
        assert_eq!(cat("abused-rep.guarddutyc2activityb.com"), Some(Category::AbusedDomain));
        assert_eq!(cat("guarddutydgaactivity.com"), Some(Category::Dga));
        assert!(intel.is_aws_ip("3.5.140.1".parse::<IpAddr>().unwrap()));
        assert!(!intel.is_aws_ip("192.0.2.1".parse::<IpAddr>().unwrap()));
    }

    #[test]
    fn corrupt_bundles_are_errors_not_panics() {
        assert!(Intel::from_bundle(b"nope").is_err());
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, b"VIGILINTEL1\n\x05\x00\x00\x00{\"li").unwrap();
        assert!(Intel::from_bundle(&gz.finish().unwrap()).is_err());
    }
}
