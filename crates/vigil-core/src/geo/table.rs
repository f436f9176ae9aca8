//! Vigil's compact geo range table (`VGEO`), as written by `scripts/build-geo.py`:
//!
//! ```text
//! "VGEO" u8:version=1 u8:kind (1 country, 2 asn)
//! varint:labels, each: country → 2 ASCII bytes; asn → varint:number varint:len org (UTF-8)
//! for family in (IPv4, IPv6): varint:ranges, each: varint:gap (first − previous last − 1;
//!     the first range's first address), varint:span (last − first), varint:label index
//! ```
//!
//! Varints are LEB128. The file is usually gzip-compressed (the bundled IPv4 country table:
//! 328,231 ranges, 465 KB). Decoded, each family is three sorted arrays searched by binary
//! search.

use std::io::Read;
use std::net::IpAddr;

use super::GeoInfo;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableKind {
    Country,
    Asn,
}

impl TableKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Country => "country",
            Self::Asn => "asn",
        }
    }
}

enum Label {
    Country([u8; 2]),
    Asn(u32, Box<str>),
}

/// Sorted, non-overlapping ranges of one address family.
#[derive(Default)]
struct Ranges<T> {
    first: Vec<T>,
    last: Vec<T>,
    label: Vec<u32>,
}

impl<T: Copy + Ord> Ranges<T> {
    fn find(&self, ip: T) -> Option<u32> {
        let i = self.first.partition_point(|f| *f <= ip).checked_sub(1)?;
        (ip <= self.last[i]).then(|| self.label[i])
    }
}

pub struct RangeTable {
    pub kind: TableKind,
    labels: Vec<Label>,
    v4: Ranges<u32>,
    v6: Ranges<u128>,
}

const MAGIC: &[u8] = b"VGEO";

/// A `VGEO` table, gzip-compressed or not.
pub fn is_table(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC) || bytes.starts_with(&[0x1f, 0x8b])
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn byte(&mut self) -> Result<u8, String> {
        let b = *self.bytes.get(self.at).ok_or_else(|| format!("truncated at byte {}", self.at))?;
        self.at += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self.at.checked_add(n).filter(|e| *e <= self.bytes.len());
        let end = end.ok_or_else(|| format!("truncated at byte {}", self.at))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn varint(&mut self) -> Result<u128, String> {
        let mut v: u128 = 0;
        for shift in (0..128).step_by(7) {
            let b = self.byte()?;
            v |= ((b & 0x7f) as u128) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(format!("varint too long at byte {}", self.at))
    }

    fn count(&mut self) -> Result<usize, String> {
        let n = self.varint()?;
        // Every entry takes at least one byte: a larger count is a corrupt file, not an allocation.
        if n > (self.bytes.len() - self.at) as u128 {
            return Err(format!("count {n} larger than the file at byte {}", self.at));
        }
        Ok(n as usize)
    }

    fn ranges<T: TryFrom<u128>>(&mut self, labels: usize, max: u128) -> Result<Ranges<T>, String> {
        let n = self.count()?;
        let mut r = Ranges {
            first: Vec::with_capacity(n),
            last: Vec::with_capacity(n),
            label: Vec::with_capacity(n),
        };
        let mut next: u128 = 0;
        for _ in 0..n {
            let first = next.checked_add(self.varint()?);
            let last = first.and_then(|f| f.checked_add(self.varint().ok()?));
            let label = self.varint()?;
            let (Some(first), Some(last)) = (first, last) else {
                return Err(format!("range overflows at byte {}", self.at));
            };
            if last > max || label as usize >= labels {
                return Err(format!("bad range at byte {}", self.at));
            }
            let conv = |v: u128| T::try_from(v).map_err(|_| format!("bad address at byte {}", self.at));
            r.first.push(conv(first)?);
            r.last.push(conv(last)?);
            r.label.push(label as u32);
            next = last.saturating_add(1);
        }
        Ok(r)
    }
}

impl RangeTable {
    /// Decodes a table (gzip-compressed or not).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let mut raw = Vec::new();
        let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
            flate2::read::GzDecoder::new(bytes).read_to_end(&mut raw).map_err(|e| format!("gzip: {e}"))?;
            &raw[..]
        } else {
            bytes
        };
        if !bytes.starts_with(MAGIC) {
            return Err("not a VGEO geo table".into());
        }
        let mut c = Cursor { bytes, at: MAGIC.len() };
        if c.byte()? != 1 {
            return Err("unsupported VGEO version".into());
        }
        let kind = match c.byte()? {
            1 => TableKind::Country,
            2 => TableKind::Asn,
            k => return Err(format!("unknown VGEO kind {k}")),
        };
        let n = c.count()?;
        let mut labels = Vec::with_capacity(n);
        for _ in 0..n {
            labels.push(match kind {
                TableKind::Country => {
                    let code = c.take(2)?;
                    Label::Country([code[0], code[1]])
                }
                TableKind::Asn => {
                    let asn = u32::try_from(c.varint()?).map_err(|_| "AS number too large".to_string())?;
                    let len = c.count()?;
                    let org = String::from_utf8_lossy(c.take(len)?).into();
                    Label::Asn(asn, org)
                }
            });
        }
        let v4 = c.ranges::<u32>(labels.len(), u32::MAX as u128)?;
        let v6 = c.ranges::<u128>(labels.len(), u128::MAX)?;
        Ok(Self { kind, labels, v4, v6 })
    }

    pub fn describe(&self) -> String {
        format!(
            "{} table: {} IPv4 and {} IPv6 ranges",
            self.kind.name(),
            self.v4.first.len(),
            self.v6.first.len()
        )
    }

    /// Fills the fields of `out` this table knows and `out` does not have yet.
    pub fn fill(&self, ip: IpAddr, out: &mut GeoInfo) {
        let label = match ip {
            IpAddr::V4(a) => self.v4.find(u32::from(a)),
            IpAddr::V6(a) => match a.to_ipv4_mapped() {
                Some(v4) => self.v4.find(u32::from(v4)),
                None => self.v6.find(u128::from(a)),
            },
        };
        match label.and_then(|l| self.labels.get(l as usize)) {
            Some(Label::Country(code)) if out.country.is_none() => {
                out.country = Some(String::from_utf8_lossy(code).into_owned());
            }
            Some(Label::Asn(asn, org)) if out.asn.is_none() => {
                out.asn = Some(*asn);
                out.org = (!org.is_empty()).then(|| org.to_string());
            }
            _ => {}
        }
    }
}

/// Encodes a table (the inverse of [`RangeTable::from_bytes`], uncompressed); for tests and tools
/// that build small tables in Rust. `ranges`: (first, last, label index), sorted, per family.
#[cfg(test)]
pub fn encode(
    kind: TableKind,
    labels: &[(&str, u32)],
    v4: &[(u32, u32, u32)],
    v6: &[(u128, u128, u32)],
) -> Vec<u8> {
    fn varint(out: &mut Vec<u8>, mut v: u128) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }
    let mut out = MAGIC.to_vec();
    out.push(1);
    out.push(if kind == TableKind::Country { 1 } else { 2 });
    varint(&mut out, labels.len() as u128);
    for (text, asn) in labels {
        match kind {
            TableKind::Country => out.extend_from_slice(&text.as_bytes()[..2]),
            TableKind::Asn => {
                varint(&mut out, *asn as u128);
                varint(&mut out, text.len() as u128);
                out.extend_from_slice(text.as_bytes());
            }
        }
    }
    let fam = |out: &mut Vec<u8>, ranges: Vec<(u128, u128, u32)>| {
        varint(out, ranges.len() as u128);
        let mut next = 0u128;
        for (first, last, label) in ranges {
            varint(out, first - next);
            varint(out, last - first);
            varint(out, label as u128);
            next = last + 1;
        }
    };
    fam(&mut out, v4.iter().map(|r| (r.0 as u128, r.1 as u128, r.2)).collect());
    fam(&mut out, v6.to_vec());
    out
}
