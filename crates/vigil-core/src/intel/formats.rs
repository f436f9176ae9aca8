//! Readers for the list formats GuardDuty accepts, plus STIX 2.1 JSON bundles and plain domain
//! lists. The format is recognised from the content ([`detect`]); every reader returns the
//! indicators it understood and the bad lines with their 1-based line numbers.
//!
//! | format | recognised by | indicator taken from |
//! |---|---|---|
//! | plain text | fallback | each line: IP, CIDR, domain, `*.domain`, or hosts-file `0.0.0.0 domain`; `#` comments |
//! | STIX 1.2 XML | starts with `<` | `AddressObj:Address_Value` (also `InclusiveBetween` ranges), `DomainNameObj:Value` |
//! | OTX_CSV | header `Indicator type, Indicator, Description` | types `IPv4`, `IPv6`, `CIDR`, `Domain name`, `hostname` |
//! | ALIEN_VAULT | `#`-separated, 8 fields | field 1 |
//! | PROOF_POINT | `ip|domain,category,score,first_seen,last_seen,ports` | field 1 |
//! | FIRE_EYE | iSIGHT CSV header (`reportId`, …, `ip`, `cidr`, `domain`) | the `ip`, `cidr`, `domain` columns |
//! | STIX 2.1 JSON | starts with `{` | `indicator` patterns `[ipv4-addr:value = '…']`, `ipv6-addr`, `domain-name` |

use std::net::IpAddr;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

/// A list format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Format {
    /// GuardDuty's `TXT`: one IP, CIDR or domain per line.
    #[default]
    PlainText,
    /// GuardDuty's `STIX` (STIX 1.2 XML).
    Stix,
    OtxCsv,
    AlienVault,
    ProofPoint,
    FireEye,
    /// A STIX 2.1 JSON bundle of indicators.
    Stix21,
}

impl Format {
    /// GuardDuty's name for the format (`TXT`, `STIX`, `OTX_CSV`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PlainText => "TXT",
            Self::Stix => "STIX",
            Self::OtxCsv => "OTX_CSV",
            Self::AlienVault => "ALIEN_VAULT",
            Self::ProofPoint => "PROOF_POINT",
            Self::FireEye => "FIRE_EYE",
            Self::Stix21 => "STIX_2.1",
        }
    }
}

/// One indicator as read from a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RawIndicator {
    Net(IpNet),
    /// Lower-cased domain; `subdomains_only` for `*.domain` entries.
    Domain {
        name: String,
        subdomains_only: bool,
    },
}

/// What a reader produced.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub format: Format,
    pub indicators: Vec<RawIndicator>,
    /// Entries of kinds not matched on (URLs, hashes, …).
    pub skipped: usize,
    pub errors: Vec<(usize, String)>,
}

/// Recognises the format of a list from its content.
pub fn detect(text: &str) -> Format {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('{') {
        return Format::Stix21;
    }
    if t.starts_with('<') {
        return Format::Stix;
    }
    let first = t.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let lower = first.to_ascii_lowercase();
    if lower.starts_with("indicator type") {
        return Format::OtxCsv;
    }
    let header: Vec<String> = split_csv(&lower).into_iter().map(|c| c.trim().to_string()).collect();
    if header.len() >= 10
        && header.iter().any(|c| c == "ip" || c == "domain" || c == "cidr")
        && header.iter().any(|c| c == "reportid" || c == "fileid" || c == "threatscape")
    {
        return Format::FireEye;
    }
    if !first.starts_with('#') && first.split('#').count() >= 8 {
        return Format::AlienVault;
    }
    if (header.first().map(String::as_str) == Some("ip")
        || header.first().map(String::as_str) == Some("domain"))
        && header.get(1).map(String::as_str) == Some("category")
    {
        return Format::ProofPoint;
    }
    if header.len() == 6 && looks_like_date(&header[3]) && looks_like_date(&header[4]) {
        return Format::ProofPoint;
    }
    Format::PlainText
}

fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && b[..4].iter().all(u8::is_ascii_digit)
}

/// Reads a list in whatever format it is in.
pub fn parse(text: &str) -> Parsed {
    let text = text.trim_start_matches('\u{feff}');
    let format = detect(text);
    let mut p = Parsed { format, ..Parsed::default() };
    match format {
        Format::PlainText => parse_plain(text, &mut p),
        Format::Stix => parse_stix1(text, &mut p),
        Format::OtxCsv => parse_otx(text, &mut p),
        Format::AlienVault => parse_delimited(text, '#', &mut p),
        Format::ProofPoint => parse_delimited(text, ',', &mut p),
        Format::FireEye => parse_fireeye(text, &mut p),
        Format::Stix21 => parse_stix21(text, &mut p),
    }
    p
}

/// Parses one value: IP, CIDR, domain or `*.domain`.
pub fn parse_value(value: &str) -> Result<RawIndicator, String> {
    let v = value.trim().trim_matches('"').trim();
    if v.is_empty() {
        return Err("empty value".to_string());
    }
    if let Ok(ip) = v.parse::<IpAddr>() {
        return Ok(RawIndicator::Net(IpNet::from(ip)));
    }
    if v.contains('/') {
        return match v.parse::<IpNet>() {
            Ok(n) => Ok(RawIndicator::Net(n.trunc())),
            Err(_) => Err(format!("`{v}` is not a valid CIDR")),
        };
    }
    let (name, subdomains_only) = match v.strip_prefix("*.") {
        Some(rest) => (rest, true),
        None => (v, false),
    };
    let name = super::normalize_domain(name);
    if is_domain(&name) {
        Ok(RawIndicator::Domain { name, subdomains_only })
    } else {
        Err(format!("`{v}` is not an IP address, CIDR or domain name"))
    }
}

/// A plausible DNS name: labels of letters, digits, `-` and `_` (and non-ASCII, for IDNs),
/// at least two labels, none empty or longer than 63.
fn is_domain(name: &str) -> bool {
    if name.len() > 253 || !name.contains('.') {
        return false;
    }
    let labels_ok = name.split('.').all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || !c.is_ascii())
    });
    // An all-numeric last label is a mistyped address, not a TLD.
    labels_ok && !name.rsplit('.').next().unwrap_or("").chars().all(|c| c.is_ascii_digit())
}

fn push(p: &mut Parsed, line: usize, value: &str) {
    match parse_value(value) {
        Ok(i) => p.indicators.push(i),
        Err(e) => p.errors.push((line, e)),
    }
}

fn parse_plain(text: &str, p: &mut Parsed) {
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with("//") || line.starts_with(';') {
            continue;
        }
        let mut tokens = line.split_whitespace();
        let first = tokens.next().unwrap_or("");
        match tokens.next() {
            // hosts-file format: `0.0.0.0 domain`
            Some(second) if matches!(first, "0.0.0.0" | "127.0.0.1" | "::" | "::1") => push(p, n + 1, second),
            Some(_) => p.errors.push((n + 1, format!("`{line}` has more than one value"))),
            None => push(p, n + 1, first),
        }
    }
}

/// ALIEN_VAULT (`#`) and PROOF_POINT (`,`): the indicator is the first field; a header line is
/// skipped.
fn parse_delimited(text: &str, sep: char, p: &mut Parsed) {
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || (sep != '#' && line.starts_with('#')) {
            continue;
        }
        let first = line.split(sep).next().unwrap_or("").trim();
        if n == 0
            && matches!(first.to_ascii_lowercase().as_str(), "ip" | "domain" | "indicator" | "ip|domain")
        {
            continue;
        }
        push(p, n + 1, first);
    }
}

fn parse_otx(text: &str, p: &mut Parsed) {
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.to_ascii_lowercase().starts_with("indicator type") {
            continue;
        }
        let fields = split_csv(line);
        if fields.len() < 2 {
            p.errors.push((n + 1, format!("`{line}`: expected `Indicator type, Indicator, Description`")));
            continue;
        }
        let kind = fields[0].trim().to_ascii_lowercase();
        let value = fields[1].trim();
        match kind.as_str() {
            "ipv4" | "ipv6" | "cidr" | "domain" | "domain name" | "hostname" => push(p, n + 1, value),
            "" => p.errors.push((n + 1, "missing indicator type".to_string())),
            _ => p.skipped += 1,
        }
    }
}

fn parse_fireeye(text: &str, p: &mut Parsed) {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else { return };
    let cols: Vec<String> = split_csv(header).into_iter().map(|c| c.trim().to_ascii_lowercase()).collect();
    let find = |name: &str| cols.iter().position(|c| c == name);
    let (ip, cidr, domain) = (find("ip"), find("cidr"), find("domain"));
    for (n, raw) in lines {
        let fields = split_csv(raw);
        let mut any = false;
        for col in [ip, cidr, domain].into_iter().flatten() {
            if let Some(v) = fields.get(col).map(|s| s.trim()).filter(|s| !s.is_empty()) {
                any = true;
                push(p, n + 1, v);
            }
        }
        if !any {
            if fields.len() + 1 < cols.len() {
                p.errors.push((n + 1, format!("expected {} columns, found {}", cols.len(), fields.len())));
            } else {
                p.skipped += 1; // a row about a URL, hash or e-mail address
            }
        }
    }
}

/// Splits one CSV line (RFC 4180 quoting, `""` escapes).
fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].bytes().filter(|&b| b == b'\n').count() + 1
}

fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// STIX 1.2 XML: address and domain observables. Ranges (`condition="InclusiveBetween"`,
/// `low##comma##high`) become the CIDRs that cover exactly that range.
fn parse_stix1(text: &str, p: &mut Parsed) {
    let mut pos = 0;
    let mut found_any = false;
    while let Some(rel) = text[pos..].find('<') {
        let start = pos + rel;
        let Some(end_rel) = text[start..].find('>') else {
            p.errors.push((line_of(text, start), "unterminated XML tag".to_string()));
            break;
        };
        let tag = &text[start + 1..start + end_rel];
        pos = start + end_rel + 1;
        if tag.starts_with('/') || tag.starts_with('?') || tag.starts_with('!') || tag.ends_with('/') {
            continue;
        }
        let name = tag.split_whitespace().next().unwrap_or("");
        let local = name.rsplit(':').next().unwrap_or(name);
        let prefix = name.split(':').next().unwrap_or("");
        let is_addr = local == "Address_Value";
        let is_domain = local == "Value" && prefix.eq_ignore_ascii_case("DomainNameObj");
        if !is_addr && !is_domain {
            continue;
        }
        let value_end = text[pos..].find('<').map(|r| pos + r).unwrap_or(text.len());
        let value = xml_unescape(text[pos..value_end].trim());
        let line = line_of(text, pos);
        found_any = true;
        let condition = attr(tag, "condition").unwrap_or_default();
        let parts: Vec<&str> = value.split("##comma##").map(str::trim).filter(|s| !s.is_empty()).collect();
        if is_addr && condition.eq_ignore_ascii_case("InclusiveBetween") {
            match (
                parts.first().and_then(|a| a.parse::<IpAddr>().ok()),
                parts.get(1).and_then(|b| b.parse::<IpAddr>().ok()),
            ) {
                (Some(lo), Some(hi)) if parts.len() == 2 => match range_to_cidrs(lo, hi) {
                    Some(nets) => p.indicators.extend(nets.into_iter().map(RawIndicator::Net)),
                    None => p.errors.push((line, format!("`{value}` is not a valid address range"))),
                },
                _ => p.errors.push((line, format!("`{value}` is not a valid address range"))),
            }
            continue;
        }
        if parts.is_empty() {
            p.errors.push((line, "empty value".to_string()));
        }
        for part in parts {
            push(p, line, part);
        }
    }
    if !found_any && p.errors.is_empty() {
        p.errors.push((1, "no AddressObj or DomainNameObj observables found".to_string()));
    }
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!("{name}=");
    let i = tag.find(&key)? + key.len();
    let rest = &tag[i..];
    let q = rest.chars().next()?;
    if q != '"' && q != '\'' {
        return None;
    }
    let end = rest[1..].find(q)?;
    Some(rest[1..1 + end].to_string())
}

/// The smallest set of CIDRs covering exactly `lo..=hi` (same family, `lo <= hi`).
pub fn range_to_cidrs(lo: IpAddr, hi: IpAddr) -> Option<Vec<IpNet>> {
    match (lo, hi) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            let nets = split_range(u32::from(a) as u128, u32::from(b) as u128, 32)?;
            Some(
                nets.into_iter()
                    .map(|(s, l)| IpNet::new(IpAddr::V4((s as u32).into()), l).unwrap())
                    .collect(),
            )
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => {
            let nets = split_range(u128::from(a), u128::from(b), 128)?;
            Some(nets.into_iter().map(|(s, l)| IpNet::new(IpAddr::V6(s.into()), l).unwrap()).collect())
        }
        _ => None,
    }
}

fn split_range(mut lo: u128, hi: u128, bits: u8) -> Option<Vec<(u128, u8)>> {
    if lo > hi {
        return None;
    }
    let span_minus_one = |k: u32| if k >= 128 { u128::MAX } else { (1u128 << k) - 1 };
    let mut out = Vec::new();
    loop {
        // The largest block aligned at `lo` that stays within `hi`.
        let mut k = if lo == 0 { bits as u32 } else { lo.trailing_zeros().min(bits as u32) };
        while lo.checked_add(span_minus_one(k)).is_none_or(|last| last > hi) {
            k -= 1;
        }
        out.push((lo, bits - k as u8));
        if out.len() > 4096 {
            return None; // an absurd range; refuse rather than flood the table
        }
        let last = lo + span_minus_one(k);
        if last >= hi {
            return Some(out);
        }
        lo = last + 1;
    }
}

/// STIX 2.1: every `indicator` object's pattern comparisons on `ipv4-addr:value`,
/// `ipv6-addr:value` and `domain-name:value` (`=` and `IN (…)`).
fn parse_stix21(text: &str, p: &mut Parsed) {
    let root: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            p.errors.push((e.line(), format!("not valid JSON: {e}")));
            return;
        }
    };
    let objects: Vec<&serde_json::Value> =
        match (&root.get("objects"), root.get("type").and_then(|t| t.as_str())) {
            (Some(serde_json::Value::Array(objs)), _) => objs.iter().collect(),
            (_, Some("indicator")) => vec![&root],
            _ => {
                p.errors.push((1, "not a STIX 2.1 bundle (no `objects` array)".to_string()));
                return;
            }
        };
    // Line numbers: the n-th `"pattern"` key in the text belongs to the n-th indicator.
    let pattern_positions: Vec<usize> = text.match_indices("\"pattern\"").map(|(i, _)| i).collect();
    let mut k = 0;
    for obj in objects {
        if obj.get("type").and_then(|t| t.as_str()) != Some("indicator") {
            continue;
        }
        let Some(pattern) = obj.get("pattern").and_then(|v| v.as_str()) else { continue };
        let line = pattern_positions.get(k).map(|&b| line_of(text, b)).unwrap_or(1);
        k += 1;
        if obj.get("pattern_type").and_then(|v| v.as_str()).is_some_and(|t| t != "stix") {
            p.skipped += 1;
            continue;
        }
        let values = stix2_values(pattern);
        if values.is_empty() {
            p.skipped += 1; // file hashes, URLs, …
            continue;
        }
        for v in values {
            push(p, line, &v);
        }
    }
}

/// The quoted values compared against address or domain objects in a STIX 2 pattern.
fn stix2_values(pattern: &str) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["ipv4-addr:value", "ipv6-addr:value", "domain-name:value"] {
        let mut from = 0;
        while let Some(i) = pattern[from..].find(key) {
            let mut rest = pattern[from + i + key.len()..].trim_start();
            from += i + key.len();
            let in_list = if let Some(r) = rest.strip_prefix('=') {
                rest = r;
                false
            } else if rest.len() >= 2 && rest[..2].eq_ignore_ascii_case("IN") {
                rest = rest[2..].trim_start().trim_start_matches('(');
                true
            } else {
                continue;
            };
            loop {
                rest = rest.trim_start().trim_start_matches(',').trim_start();
                let Some(r) = rest.strip_prefix('\'') else { break };
                let Some(end) = r.find('\'') else { break };
                out.push(r[..end].to_string());
                rest = &r[end + 1..];
                if !in_list {
                    break;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const REF: &str = "/work/shared/refdata/list-formats";

    fn net(s: &str) -> RawIndicator {
        RawIndicator::Net(s.parse().unwrap())
    }
    fn dom(s: &str) -> RawIndicator {
        RawIndicator::Domain { name: s.into(), subdomains_only: false }
    }

    /// Reads a reference example when the shared data is present (it is on the build machine);
    /// the inline fixtures below cover the same formats either way.
    fn reference(name: &str) -> Option<String> {
        std::fs::read_to_string(format!("{REF}/{name}")).ok()
    }

    #[test]
    fn plain_text_with_comments_wildcards_and_bad_lines() {
        let p = parse("# my list\n192.0.2.1\n192.0.2.0/24  # office\n\nexample.com\n*.example.org\nnot a value\n300.1.1.1\n0.0.0.0 miner.example\n2001:db8::/48\n");
        assert_eq!(p.format, Format::PlainText);
        assert_eq!(
            p.indicators,
            vec![
                net("192.0.2.1/32"),
                net("192.0.2.0/24"),
                dom("example.com"),
                RawIndicator::Domain { name: "example.org".into(), subdomains_only: true },
                dom("miner.example"),
                net("2001:db8::/48"),
            ]
        );
        assert_eq!(p.errors.iter().map(|e| e.0).collect::<Vec<_>>(), vec![7, 8], "{:?}", p.errors);
        if let Some(t) = reference("guardduty-txt.txt") {
            let p = parse(&t);
            assert_eq!((p.format, p.indicators.len(), p.errors.len()), (Format::PlainText, 4, 0));
        }
    }

    #[test]
    fn otx_csv() {
        let p = parse("Indicator type, Indicator, Description\nCIDR, 192.0.2.0/24, example\nIPv4, 198.51.100.1, example\nDomain name, example.net, example\nURL, http://x.example/a, skipped\nIPv4, 198.51.100.300, bad\n");
        assert_eq!(p.format, Format::OtxCsv);
        assert_eq!(p.indicators, vec![net("192.0.2.0/24"), net("198.51.100.1/32"), dom("example.net")]);
        assert_eq!(p.skipped, 1);
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].0, 6);
        if let Some(t) = reference("guardduty-otx.csv") {
            let p = parse(&t);
            assert_eq!((p.format, p.indicators.len(), p.errors.len()), (Format::OtxCsv, 3, 0));
        }
    }

    #[test]
    fn alien_vault() {
        let p = parse("198.51.100.1#4#2#Malicious Host#US##0.0,0.0#3\nwww.example.com#4#2#Malicious Host#PL##52.2,21.0#3\nbad value#4#2#Malicious Host#US##0.0,0.0#3\n");
        assert_eq!(p.format, Format::AlienVault);
        assert_eq!(p.indicators, vec![net("198.51.100.1/32"), dom("www.example.com")]);
        assert_eq!(p.errors[0].0, 3);
        if let Some(t) = reference("guardduty-alienvault.txt") {
            let p = parse(&t);
            assert_eq!((p.format, p.indicators.len(), p.errors.len()), (Format::AlienVault, 2, 0));
        }
    }

    #[test]
    fn proof_point() {
        let p = parse("ip, category, score, first_seen, last_seen, ports (|)\n198.51.100.1, 1, 100, 2000-01-01, 2000-01-01,\n203.0.113.1, 1, 100, 2000-01-01, 2000-01-01, 80\nx, 1, 100, 2000-01-01, 2000-01-01, 80\n");
        assert_eq!(p.format, Format::ProofPoint);
        assert_eq!(p.indicators, vec![net("198.51.100.1/32"), net("203.0.113.1/32")]);
        assert_eq!(p.errors.iter().map(|e| e.0).collect::<Vec<_>>(), vec![4]);
        // Without the header too.
        let p = parse("198.51.100.1, 1, 100, 2000-01-01, 2000-01-01,\n");
        assert_eq!((p.format, p.indicators.len()), (Format::ProofPoint, 1));
        if let Some(t) = reference("guardduty-proofpoint.csv") {
            let p = parse(&t);
            assert_eq!((p.format, p.indicators.len(), p.errors.len()), (Format::ProofPoint, 2, 0));
        }
    }

    #[test]
    fn fire_eye() {
        let header = "reportId,title,ThreatScape,audience,intelligenceType,publishDate,reportLink,webLink,emailIdentifier,senderAddress,senderName,sourceDomain,sourceIp,subject,recipient,emailLanguage,fileName,fileSize,fuzzyHash,fileIdentifier,md5,sha1,sha256,description,fileType,packer,userAgent,registry,fileCompilationDateTime,filePath,asn,cidr,domain,domainTimeOfLookup,ip,port,protocol,url,actor,actorId,malwareFamily,malwareFamilyId,networkZone,networkType,networkIdentifier,observationTime,malwareType";
        let cols = header.split(',').count();
        assert_eq!(cols, 47);
        let row = |cidr: &str, domain: &str, ip: &str| {
            let mut f = vec![String::new(); cols];
            f[0] = "18-00001".into();
            f[1] = "\"Title, with comma\"".into();
            f[31] = cidr.into();
            f[32] = domain.into();
            f[34] = ip.into();
            f.join(",")
        };
        let text = format!(
            "{header}\n{}\n{}\n{}\n{}\nshort,row\n",
            row("", "", "198.51.100.9"),
            row("203.0.113.0/24", "", ""),
            row("", "bad.example", ""),
            row("", "", "not-an-ip!")
        );
        let p = parse(&text);
        assert_eq!(p.format, Format::FireEye);
        assert_eq!(p.indicators, vec![net("198.51.100.9/32"), net("203.0.113.0/24"), dom("bad.example")]);
        assert_eq!(p.errors.iter().map(|e| e.0).collect::<Vec<_>>(), vec![5, 6], "{:?}", p.errors);
    }

    #[test]
    fn stix1_xml_with_range_and_domain() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<stix:STIX_Package xmlns:AddressObj="http://cybox.mitre.org/objects#AddressObject-2" xmlns:DomainNameObj="http://cybox.mitre.org/objects#DomainNameObject-1">
  <stix:Observables cybox_major_version="2" cybox_minor_version="1">
    <cybox:Observable id="example:Observable-1">
      <cybox:Object><cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr">
        <AddressObj:Address_Value condition="Equals">198.51.100.1</AddressObj:Address_Value>
      </cybox:Properties></cybox:Object>
    </cybox:Observable>
    <cybox:Observable id="example:Observable-2">
      <cybox:Object><cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr">
        <AddressObj:Address_Value condition="InclusiveBetween" apply_condition="ANY">192.0.2.0##comma##192.0.2.255</AddressObj:Address_Value>
      </cybox:Properties></cybox:Object>
    </cybox:Observable>
    <cybox:Observable id="example:Observable-3">
      <cybox:Object><cybox:Properties xsi:type="DomainNameObj:DomainNameObjectType">
        <DomainNameObj:Value condition="Equals">bad.example</DomainNameObj:Value>
      </cybox:Properties></cybox:Object>
    </cybox:Observable>
    <AddressObj:Address_Value>999.1.1.1</AddressObj:Address_Value>
    <AddressObj:Address_Value condition="InclusiveBetween">10.0.0.1##comma##10.0.0.6</AddressObj:Address_Value>
  </stix:Observables>
</stix:STIX_Package>"#;
        let p = parse(xml);
        assert_eq!(p.format, Format::Stix);
        assert_eq!(
            p.indicators,
            vec![
                net("198.51.100.1/32"),
                net("192.0.2.0/24"),
                dom("bad.example"),
                net("10.0.0.1/32"),
                net("10.0.0.2/31"),
                net("10.0.0.4/31"),
                net("10.0.0.6/32"),
            ]
        );
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].0, 19);
    }

    #[test]
    fn stix21_bundle() {
        let json = r#"{
  "type": "bundle",
  "id": "bundle--1",
  "objects": [
    {"type": "identity", "id": "identity--1", "name": "x"},
    {"type": "indicator", "id": "indicator--1",
     "pattern": "[ipv4-addr:value = '198.51.100.1'] OR [ipv4-addr:value = '203.0.113.0/24']",
     "pattern_type": "stix"},
    {"type": "indicator", "id": "indicator--2",
     "pattern": "[domain-name:value = 'evil.example'] OR [domain-name:value IN ('a.example', 'b.example')]",
     "pattern_type": "stix"},
    {"type": "indicator", "id": "indicator--3",
     "pattern": "[file:hashes.'SHA-256' = 'abc']", "pattern_type": "stix"},
    {"type": "indicator", "id": "indicator--4",
     "pattern": "[ipv4-addr:value = '10.0.0.300']", "pattern_type": "stix"}
  ]
}"#;
        let p = parse(json);
        assert_eq!(p.format, Format::Stix21);
        assert_eq!(
            p.indicators,
            vec![
                net("198.51.100.1/32"),
                net("203.0.113.0/24"),
                dom("evil.example"),
                dom("a.example"),
                dom("b.example")
            ]
        );
        assert_eq!(p.skipped, 1);
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].0, 15, "{:?}", p.errors);
        let bad = parse("{ not json");
        assert_eq!(bad.errors.len(), 1);
        for name in ["stix21-indicator-c2-ip.json", "stix21-indicators-c2-coa.json"] {
            if let Some(t) = reference(name) {
                let p = parse(&t);
                assert_eq!(p.format, Format::Stix21);
                assert!(!p.indicators.is_empty(), "{name}: {p:?}");
                assert!(p.errors.is_empty(), "{name}: {:?}", p.errors);
            }
        }
    }

    #[test]
    fn ranges_become_exact_cidrs() {
        let r = range_to_cidrs("0.0.0.0".parse().unwrap(), "255.255.255.255".parse().unwrap()).unwrap();
        assert_eq!(r, vec!["0.0.0.0/0".parse::<IpNet>().unwrap()]);
        let r = range_to_cidrs("2001:db8::".parse().unwrap(), "2001:db8::ff".parse().unwrap()).unwrap();
        assert_eq!(r, vec!["2001:db8::/120".parse::<IpNet>().unwrap()]);
        assert!(range_to_cidrs("10.0.0.2".parse().unwrap(), "10.0.0.1".parse().unwrap()).is_none());
    }
}
