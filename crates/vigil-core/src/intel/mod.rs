//! Threat intelligence: an indicator store (IP addresses, CIDRs, domains) filled from the
//! bundled feeds ([`Intel::from_bundle`]) and from lists the user loads
//! ([`Intel::load_user_list`]), queried by the intel detectors.
//!
//! - IPs and CIDRs (v4 and v6) go to a [`table::PrefixTable`]: longest-prefix match by binary
//!   search over disjoint ranges, one hit per list.
//! - Domains match exactly and by parent: `evil.example` matches `a.b.evil.example`; a list
//!   entry `*.evil.example` matches only names below it. The most specific entry of each list
//!   wins, so `crypto.guarddutyc2activityb.com` is "mining" even though its parent is "c2".
//! - Trusted lists win: an address or domain on an enabled trusted list yields no threat hit.
//!
//! Every indicator carries its list (name, source, license, date) and a [`Category`].

pub mod bundle;
pub mod formats;
pub mod table;

use rustc_hash::FxHashMap as HashMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

pub use formats::{Format, RawIndicator};
use table::{PrefixEntry, PrefixTable};

/// What an indicator is known for. The intel detectors pick finding types by category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Known malicious host (generic): IAM/S3 `MaliciousIPCaller`, port probes.
    Malicious,
    /// Tor exit node.
    TorExit,
    /// Any Tor relay (guard, middle, exit, authority).
    TorRelay,
    /// Cryptocurrency mining pool or endpoint: `BitcoinTool.B` / `.B!DNS`.
    Mining,
    /// Command-and-control server: `C&CActivity.B` / `.B!DNS`.
    C2,
    /// Holds stolen data captured by malware: `DropPoint`.
    DropPoint,
    /// Black-hole (sinkhole) address or domain redirected to one: `BlackholeTraffic`.
    Blackhole,
    /// Phishing domain.
    Phishing,
    /// Drive-by download source.
    DriveBy,
    /// Known algorithmically generated domain.
    Dga,
    /// Mass internet scanner: port probes.
    Scanner,
    /// Low-reputation domain class that is commonly abused (dynamic DNS, free hosting).
    AbusedDomain,
    /// Low-reputation domain of a suspicious class (anonymising proxies, DNS tunnelling, …).
    SuspiciousDomain,
    /// Low-reputation domain associated with malicious activity.
    MaliciousDomain,
    /// Low-reputation domain associated with cryptocurrency (in-browser mining, …).
    CryptoDomain,
    /// AWS's own published ranges: reference data, not a threat.
    AwsRange,
    /// A cloud or hosting provider's published ranges: reference data, not a threat.
    Cloud,
}

impl Category {
    pub const ALL: [Category; 17] = [
        Self::Malicious,
        Self::TorExit,
        Self::TorRelay,
        Self::Mining,
        Self::C2,
        Self::DropPoint,
        Self::Blackhole,
        Self::Phishing,
        Self::DriveBy,
        Self::Dga,
        Self::Scanner,
        Self::AbusedDomain,
        Self::SuspiciousDomain,
        Self::MaliciousDomain,
        Self::CryptoDomain,
        Self::AwsRange,
        Self::Cloud,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Malicious => "malicious",
            Self::TorExit => "tor-exit",
            Self::TorRelay => "tor-relay",
            Self::Mining => "mining",
            Self::C2 => "c2",
            Self::DropPoint => "drop-point",
            Self::Blackhole => "blackhole",
            Self::Phishing => "phishing",
            Self::DriveBy => "drive-by",
            Self::Dga => "dga",
            Self::Scanner => "scanner",
            Self::AbusedDomain => "abused-domain",
            Self::SuspiciousDomain => "suspicious-domain",
            Self::MaliciousDomain => "malicious-domain",
            Self::CryptoDomain => "crypto-domain",
            Self::AwsRange => "aws",
            Self::Cloud => "cloud",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    fn code(self) -> u8 {
        Self::ALL.iter().position(|&c| c == self).unwrap_or(0) as u8
    }

    fn from_code(c: u8) -> Self {
        Self::ALL.get(c as usize).copied().unwrap_or(Self::Malicious)
    }

    /// Reference categories describe address ownership, not threats.
    pub fn is_reference(self) -> bool {
        matches!(self, Self::AwsRange | Self::Cloud)
    }
}

/// What a list is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListKind {
    /// Indicators of threats.
    Threat,
    /// Addresses (or domains) never to name as a threat; wins over every threat list.
    Trusted,
}

/// Who supplied a list: bundled threat lists give GuardDuty's built-in finding types, user
/// threat lists give the `.Custom` ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Bundled,
    User,
}

/// Provenance and state of one list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListInfo {
    pub name: String,
    pub kind: ListKind,
    pub origin: Origin,
    /// The list's category; each indicator may still carry its own.
    pub category: Category,
    /// Where the data comes from (project, feed).
    pub source: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub license: String,
    /// Snapshot date (`YYYY-MM-DD`) for bundled lists, load date or empty for user lists.
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub description: String,
    /// The format it was read from (user lists).
    #[serde(default)]
    pub format: Option<Format>,
    pub enabled: bool,
    /// Number of indicators held.
    #[serde(default)]
    pub count: usize,
}

/// One indicator of a list, before indexing.
#[derive(Clone, Debug, PartialEq)]
enum Stored {
    V4(u32, u8, Category),
    V6(u128, u8, Category),
    Domain(Box<str>, Category, bool),
}

#[derive(Clone, Debug)]
struct List {
    info: ListInfo,
    items: Vec<Stored>,
}

#[derive(Clone, Copy, Debug)]
struct DomainEntry {
    list: u16,
    category: Category,
    subdomains_only: bool,
}

/// A match: which list, which indicator, what it is known for.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit<'a> {
    pub list: &'a ListInfo,
    pub category: Category,
    /// The indicator as listed: `203.0.113.7`, `198.51.100.0/24`, `evil.example`,
    /// `*.evil.example`.
    pub indicator: String,
}

impl Hit<'_> {
    /// `true` for hits from lists the user loaded (`.Custom` finding types).
    pub fn is_custom(&self) -> bool {
        self.list.origin == Origin::User
    }
}

/// What loading a user list did.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadReport {
    pub name: String,
    pub format: Option<Format>,
    /// Indicators loaded.
    pub loaded: usize,
    /// Valid entries of kinds Vigil does not match on (URLs, hashes, …), left out.
    pub skipped: usize,
    /// Bad lines: 1-based line number and what is wrong.
    pub errors: Vec<(usize, String)>,
}

/// The indicator store.
#[derive(Clone, Debug, Default)]
pub struct Intel {
    lists: Vec<List>,
    v4: PrefixTable<u32>,
    v6: PrefixTable<u128>,
    trusted_v4: PrefixTable<u32>,
    trusted_v6: PrefixTable<u128>,
    domains: HashMap<Box<str>, Vec<DomainEntry>>,
    /// `true` when some enabled trusted list holds domains.
    trusted_domains: bool,
}

impl Intel {
    /// An empty store (no lists).
    pub fn new() -> Self {
        Self::default()
    }

    /// The bundled intelligence, decoded from `data/intel.bin` (gzip). See [`bundle`].
    pub fn from_bundle(bytes: &[u8]) -> Result<Self, String> {
        let mut intel = Self::new();
        for (info, items) in bundle::decode(bytes)? {
            intel.lists.push(List { info, items });
        }
        intel.rebuild();
        Ok(intel)
    }

    /// Every list with its provenance and state, in load order.
    pub fn lists(&self) -> Vec<&ListInfo> {
        self.lists.iter().map(|l| &l.info).collect()
    }

    /// Loads a user list from its bytes, recognising the format from the content. Bad lines
    /// are reported with their line numbers; the rest loads. A list of the same name is
    /// replaced.
    pub fn load_user_list(&mut self, name: &str, kind: ListKind, bytes: &[u8]) -> LoadReport {
        let text = String::from_utf8_lossy(bytes);
        let parsed = formats::parse(&text);
        let mut items = Vec::with_capacity(parsed.indicators.len());
        for ind in &parsed.indicators {
            push_raw(&mut items, ind, Category::Malicious);
        }
        let info = ListInfo {
            name: name.to_string(),
            kind,
            origin: Origin::User,
            category: Category::Malicious,
            source: "user".to_string(),
            url: String::new(),
            license: String::new(),
            date: String::new(),
            description: String::new(),
            format: Some(parsed.format),
            enabled: true,
            count: items.len(),
        };
        let report = LoadReport {
            name: name.to_string(),
            format: Some(parsed.format),
            loaded: items.len(),
            skipped: parsed.skipped,
            errors: parsed.errors,
        };
        self.lists.retain(|l| !(l.info.origin == Origin::User && l.info.name == name));
        self.lists.push(List { info, items });
        self.rebuild();
        report
    }

    /// Adds a list of already-parsed indicators (used by the bundle and by tests).
    pub fn add_list(&mut self, info: ListInfo, indicators: &[(RawIndicator, Category)]) {
        let mut items = Vec::with_capacity(indicators.len());
        for (ind, cat) in indicators {
            push_raw(&mut items, ind, *cat);
        }
        let mut info = info;
        info.count = items.len();
        self.lists.retain(|l| l.info.name != info.name || l.info.origin != info.origin);
        self.lists.push(List { info, items });
        self.rebuild();
    }

    /// Enables or disables a list by name; returns `false` when there is no such list.
    pub fn set_enabled(&mut self, name: &str, enabled: bool) -> bool {
        let mut found = false;
        for l in self.lists.iter_mut().filter(|l| l.info.name == name) {
            l.info.enabled = enabled;
            found = true;
        }
        if found {
            self.rebuild();
        }
        found
    }

    /// Removes a user list by name; returns `false` when there is no such list.
    pub fn remove_list(&mut self, name: &str) -> bool {
        let before = self.lists.len();
        self.lists.retain(|l| !(l.info.name == name && l.info.origin == Origin::User));
        let removed = self.lists.len() != before;
        if removed {
            self.rebuild();
        }
        removed
    }

    fn rebuild(&mut self) {
        let (mut v4, mut v6, mut t4, mut t6) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut domains: HashMap<Box<str>, Vec<DomainEntry>> = HashMap::default();
        let mut trusted_domains = false;
        for (li, l) in self.lists.iter().enumerate() {
            if !l.info.enabled {
                continue;
            }
            let list = li as u16;
            let trusted = l.info.kind == ListKind::Trusted;
            for item in &l.items {
                match item {
                    Stored::V4(b, len, c) => {
                        let e = PrefixEntry { base: *b, len: *len, list, tag: c.code() };
                        if trusted {
                            t4.push(e)
                        } else {
                            v4.push(e)
                        }
                    }
                    Stored::V6(b, len, c) => {
                        let e = PrefixEntry { base: *b, len: *len, list, tag: c.code() };
                        if trusted {
                            t6.push(e)
                        } else {
                            v6.push(e)
                        }
                    }
                    Stored::Domain(d, c, sub) => {
                        trusted_domains |= trusted;
                        domains.entry(d.clone()).or_default().push(DomainEntry {
                            list,
                            category: *c,
                            subdomains_only: *sub,
                        });
                    }
                }
            }
        }
        let threat = |tag: u8| !Category::from_code(tag).is_reference();
        self.v4 = PrefixTable::build(v4, threat);
        self.v6 = PrefixTable::build(v6, threat);
        self.trusted_v4 = PrefixTable::build(t4, threat);
        self.trusted_v6 = PrefixTable::build(t6, threat);
        self.domains = domains;
        self.trusted_domains = trusted_domains;
    }

    /// Number of indexed IP/CIDR indicators and domain names (enabled lists).
    pub fn size(&self) -> (usize, usize) {
        (self.v4.len() + self.v6.len() + self.trusted_v4.len() + self.trusted_v6.len(), self.domains.len())
    }

    /// `true` when an enabled trusted list covers the address.
    pub fn is_trusted_ip(&self, ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(a) => self.trusted_v4.contains(u32::from(a)),
            IpAddr::V6(a) => match a.to_ipv4_mapped() {
                Some(v4) => self.trusted_v4.contains(u32::from(v4)),
                None => self.trusted_v6.contains(u128::from(a)),
            },
        }
    }

    /// Threat (and reference) hits for an address, longest prefix first, one per list; empty
    /// when a trusted list covers it.
    pub fn lookup_ip(&self, ip: IpAddr) -> Vec<Hit<'_>> {
        if self.is_trusted_ip(ip) {
            return Vec::new();
        }
        self.raw_ip_hits(ip)
    }

    /// Fast, allocation-free pre-check: `true` when some threat list (not a reference range)
    /// covers the address and no trusted list does. Detectors call it on every flow and ask
    /// [`Intel::lookup_ip`] for details only on a `true`.
    #[inline]
    pub fn is_threat_ip(&self, ip: IpAddr) -> bool {
        let hit = match ip {
            IpAddr::V4(a) => self.v4.any_flagged(u32::from(a)),
            IpAddr::V6(a) => match a.to_ipv4_mapped() {
                Some(v4) => self.v4.any_flagged(u32::from(v4)),
                None => self.v6.any_flagged(u128::from(a)),
            },
        };
        hit && !self.is_trusted_ip(ip)
    }

    fn raw_ip_hits(&self, ip: IpAddr) -> Vec<Hit<'_>> {
        let v4 = match ip {
            IpAddr::V4(a) => Some(a),
            IpAddr::V6(a) => a.to_ipv4_mapped(),
        };
        match (v4, ip) {
            (Some(a), _) => self
                .v4
                .lookup(u32::from(a))
                .iter()
                .map(|&i| {
                    let e = self.v4.entry(i);
                    self.hit(
                        e.list,
                        Category::from_code(e.tag),
                        prefix_text(IpAddr::V4(e.base.into()), e.len),
                    )
                })
                .collect(),
            (None, IpAddr::V6(a)) => self
                .v6
                .lookup(u128::from(a))
                .iter()
                .map(|&i| {
                    let e = self.v6.entry(i);
                    self.hit(
                        e.list,
                        Category::from_code(e.tag),
                        prefix_text(IpAddr::V6(e.base.into()), e.len),
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Hits of one category for an address (trusted lists win).
    pub fn ip_hits(&self, ip: IpAddr, category: Category) -> Vec<Hit<'_>> {
        let mut v = self.lookup_ip(ip);
        v.retain(|h| h.category == category);
        v
    }

    /// `true` when the address is in AWS's published ranges (bundled `ip-ranges.json`). Trusted
    /// lists do not change this: it is a fact about ownership, not a threat verdict.
    pub fn is_aws_ip(&self, ip: IpAddr) -> bool {
        self.raw_ip_hits(ip).iter().any(|h| h.category == Category::AwsRange)
    }

    /// `true` when any list of category [`Category::AwsRange`] is loaded (so "outside AWS" can
    /// be decided at all).
    pub fn has_aws_ranges(&self) -> bool {
        self.lists.iter().any(|l| l.info.enabled && l.info.category == Category::AwsRange && l.info.count > 0)
    }

    /// Threat hits for a domain name (case-insensitive, trailing dot ignored): the most
    /// specific entry of each list, most specific first. Empty when a trusted list holds the
    /// name or a parent of it.
    pub fn lookup_domain(&self, name: &str) -> Vec<Hit<'_>> {
        let name = normalize_domain(name);
        if name.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<Hit<'_>> = Vec::new();
        let mut seen: Vec<u16> = Vec::new();
        let mut suffix: &str = &name;
        let mut level = 0;
        loop {
            if let Some(entries) = self.domains.get(suffix) {
                for e in entries {
                    if e.subdomains_only && level == 0 {
                        continue;
                    }
                    if seen.contains(&e.list) {
                        continue;
                    }
                    seen.push(e.list);
                    let info = &self.lists[e.list as usize].info;
                    if info.kind == ListKind::Trusted {
                        return Vec::new();
                    }
                    let text = if e.subdomains_only { format!("*.{suffix}") } else { suffix.to_string() };
                    hits.push(Hit { list: info, category: e.category, indicator: text });
                }
            }
            match suffix.find('.') {
                Some(i) => {
                    suffix = &suffix[i + 1..];
                    level += 1;
                }
                None => break,
            }
        }
        hits
    }

    fn hit(&self, list: u16, category: Category, indicator: String) -> Hit<'_> {
        Hit { list: &self.lists[list as usize].info, category, indicator }
    }

    /// The bundle's provenance manifest (bundled lists only), for attribution pages.
    pub fn attributions(&self) -> Vec<&ListInfo> {
        self.lists.iter().filter(|l| l.info.origin == Origin::Bundled).map(|l| &l.info).collect()
    }

    /// An IPv4 address of a list that no other list covers, for examples and tests.
    pub fn sample_ipv4(&self, list: &str) -> Option<IpAddr> {
        self.sample_ipv4s(list, 1).into_iter().next()
    }

    /// Up to `n` IPv4 host addresses of a list that no other threat list covers (Tor relay
    /// lists aside: every exit is also a relay).
    pub fn sample_ipv4s(&self, list: &str, n: usize) -> Vec<IpAddr> {
        let Some(l) = self.lists.iter().find(|l| l.info.name == list) else { return Vec::new() };
        l.items
            .iter()
            .filter_map(|i| match i {
                Stored::V4(b, 32, _) => {
                    let ip = IpAddr::V4((*b).into());
                    let others = self.raw_ip_hits(ip).into_iter().filter(|h| h.list.name != list).all(|h| {
                        h.category == Category::TorRelay
                            || (h.category.is_reference() && h.category != Category::AwsRange)
                    });
                    others.then_some(ip)
                }
                _ => None,
            })
            .take(n)
            .collect()
    }

    /// `true` when a trusted list holds domains (detectors may skip domain work otherwise).
    pub fn has_trusted_domains(&self) -> bool {
        self.trusted_domains
    }
}

/// Trusted lists win over every detector, not only the intel ones, as in GuardDuty: findings
/// whose remote party (API caller, connection peer) is on an enabled trusted list are dropped;
/// port-probe details from trusted addresses are removed, and the finding with them when none
/// is left.
pub fn drop_trusted(findings: &mut Vec<crate::findings::Finding>, intel: &Intel) {
    if intel.trusted_v4.is_empty() && intel.trusted_v6.is_empty() {
        return;
    }
    let trusted =
        |ip: Option<&str>| ip.and_then(|s| s.parse::<IpAddr>().ok()).is_some_and(|a| intel.is_trusted_ip(a));
    findings.retain_mut(|f| {
        let a = &mut f.service.action;
        if let Some(api) = &a.aws_api_call_action {
            if trusted(api.remote_ip_details.as_ref().and_then(|r| r.ip())) {
                return false;
            }
        }
        if let Some(nc) = &a.network_connection_action {
            if trusted(nc.remote_ip_details.as_ref().and_then(|r| r.ip())) {
                return false;
            }
        }
        if let Some(pp) = a.port_probe_action.as_mut() {
            let before = pp.port_probe_details.len();
            pp.port_probe_details.retain(|d| !trusted(d.remote_ip_details.ip()));
            if before > 0 && pp.port_probe_details.is_empty() {
                return false;
            }
        }
        true
    });
}

fn push_raw(items: &mut Vec<Stored>, ind: &RawIndicator, cat: Category) {
    match ind {
        RawIndicator::Net(ipnet::IpNet::V4(n)) => {
            items.push(Stored::V4(u32::from(n.network()), n.prefix_len(), cat))
        }
        RawIndicator::Net(ipnet::IpNet::V6(n)) => {
            items.push(Stored::V6(u128::from(n.network()), n.prefix_len(), cat))
        }
        RawIndicator::Domain { name, subdomains_only } => {
            items.push(Stored::Domain(name.clone().into_boxed_str(), cat, *subdomains_only))
        }
    }
}

/// `203.0.113.7` for host prefixes, `198.51.100.0/24` otherwise.
fn prefix_text(base: IpAddr, len: u8) -> String {
    let host = match base {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    };
    if len == host {
        base.to_string()
    } else {
        format!("{base}/{len}")
    }
}

/// Lower-cased, without the trailing dot.
pub fn normalize_domain(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(intel: &mut Intel, name: &str, kind: ListKind, text: &str) -> LoadReport {
        intel.load_user_list(name, kind, text.as_bytes())
    }

    #[test]
    fn ip_cidr_and_domain_lookups() {
        let mut i = Intel::new();
        let r = user(
            &mut i,
            "mine",
            ListKind::Threat,
            "198.51.100.7\n203.0.113.0/24\n2001:db8::/32\nevil.example\n*.wild.example\n",
        );
        assert_eq!(r.loaded, 5, "{r:?}");
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(i.lookup_ip(ip("198.51.100.7"))[0].indicator, "198.51.100.7");
        assert!(i.lookup_ip(ip("198.51.100.8")).is_empty());
        assert_eq!(i.lookup_ip(ip("203.0.113.200"))[0].indicator, "203.0.113.0/24");
        assert_eq!(i.lookup_ip(ip("2001:db8::1"))[0].indicator, "2001:db8::/32");
        assert_eq!(i.lookup_ip(ip("::ffff:198.51.100.7")).len(), 1);
        assert_eq!(i.lookup_domain("EVIL.example.")[0].indicator, "evil.example");
        assert_eq!(i.lookup_domain("a.b.evil.example")[0].indicator, "evil.example");
        assert!(i.lookup_domain("notevil.example").is_empty());
        assert!(i.lookup_domain("wild.example").is_empty());
        assert_eq!(i.lookup_domain("x.wild.example")[0].indicator, "*.wild.example");
        assert!(i.lookup_ip(ip("198.51.100.7"))[0].is_custom());
    }

    #[test]
    fn trusted_wins_and_lists_can_be_disabled_and_removed() {
        let mut i = Intel::new();
        user(&mut i, "bad", ListKind::Threat, "203.0.113.0/24\nevil.example\n");
        user(&mut i, "ours", ListKind::Trusted, "203.0.113.9\nok.evil.example\n");
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(i.lookup_ip(ip("203.0.113.9")).is_empty());
        assert!(i.is_trusted_ip(ip("203.0.113.9")));
        assert_eq!(i.lookup_ip(ip("203.0.113.10")).len(), 1);
        assert!(i.lookup_domain("ok.evil.example").is_empty());
        assert_eq!(i.lookup_domain("x.evil.example").len(), 1);
        assert!(i.set_enabled("ours", false));
        assert_eq!(i.lookup_ip(ip("203.0.113.9")).len(), 1);
        assert!(i.remove_list("bad"));
        assert!(i.lookup_ip(ip("203.0.113.10")).is_empty());
        assert_eq!(i.lists().len(), 1);
    }

    #[test]
    fn most_specific_domain_per_list() {
        let mut i = Intel::new();
        let info = ListInfo {
            name: "tester".into(),
            kind: ListKind::Threat,
            origin: Origin::Bundled,
            category: Category::C2,
            source: "t".into(),
            url: String::new(),
            license: String::new(),
            date: String::new(),
            description: String::new(),
            format: None,
            enabled: true,
            count: 0,
        };
        let d = |s: &str| RawIndicator::Domain { name: s.into(), subdomains_only: false };
        i.add_list(info, &[(d("c2.example"), Category::C2), (d("crypto.c2.example"), Category::Mining)]);
        assert_eq!(i.lookup_domain("crypto.c2.example")[0].category, Category::Mining);
        assert_eq!(i.lookup_domain("crypto.c2.example").len(), 1);
        assert_eq!(i.lookup_domain("x.c2.example")[0].category, Category::C2);
    }

    #[test]
    fn trusted_remote_parties_drop_any_detectors_findings() {
        use crate::findings::model::*;
        use crate::findings::Finding;
        let mut i = Intel::new();
        user(&mut i, "ours", ListKind::Trusted, "203.0.113.0/24\n");
        let api = |ip: &str| {
            let mut f = Finding::default();
            f.service.action.aws_api_call_action = Some(AwsApiCallAction {
                remote_ip_details: Some(RemoteIpDetails::for_ip(ip.parse().unwrap())),
                ..Default::default()
            });
            f
        };
        let probe = |ips: &[&str]| {
            let mut f = Finding::default();
            f.service.action.port_probe_action = Some(PortProbeAction {
                blocked: false,
                port_probe_details: ips
                    .iter()
                    .map(|ip| PortProbeDetail {
                        remote_ip_details: RemoteIpDetails::for_ip(ip.parse().unwrap()),
                        ..Default::default()
                    })
                    .collect(),
            });
            f
        };
        let mut v = vec![
            api("203.0.113.5"),
            api("198.51.100.5"),
            probe(&["203.0.113.1"]),
            probe(&["203.0.113.1", "192.0.2.1"]),
        ];
        drop_trusted(&mut v, &i);
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].service.action.port_probe_action.as_ref().unwrap().port_probe_details.len(), 1);
    }
}
