//! How raw event fields become baseline features: source networks (address prefixes), user-agent
//! families, and the string interner that keeps per-entity aggregates small.

use rustc_hash::FxHashMap as HashMap;
use std::net::IpAddr;

use ipnet::IpNet;

/// An interned string.
pub type Sym = u32;

/// Maps strings to small integers so aggregates hold `u32`s, not copies of ARNs and API names.
#[derive(Default)]
pub struct Interner {
    ids: HashMap<Box<str>, Sym>,
    names: Vec<Box<str>>,
}

impl Interner {
    pub fn id(&mut self, s: &str) -> Sym {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.names.len() as Sym;
        self.names.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }

    pub fn name(&self, id: Sym) -> &str {
        self.names.get(id as usize).map_or("", |s| s)
    }
}

/// The source network of an address: its /24 (IPv4) or /48 (IPv6). One office or one home
/// connection usually stays inside one such prefix.
pub fn network_of(ip: IpAddr) -> String {
    let len = if ip.is_ipv4() { 24 } else { 48 };
    IpNet::new(ip, len).map(|n| n.trunc().to_string()).unwrap_or_else(|_| ip.to_string())
}

/// The network a CloudTrail `sourceIPAddress` belongs to: the address prefix, or the logged text
/// itself when it is a service name (`ec2.amazonaws.com`, `AWS Internal`).
pub fn call_network(addr: Option<IpAddr>, source_ip: &str) -> String {
    match addr {
        Some(ip) => network_of(ip),
        None if source_ip.is_empty() => "(none)".to_string(),
        None => source_ip.to_string(),
    }
}

/// The wider network around a prefix from [`network_of`]: its /16 (IPv4) or /32 (IPv6). A second
/// office address of the same organisation tends to share it; `None` for non-address networks.
pub fn wider_network(network: &str) -> Option<String> {
    let net: IpNet = network.parse().ok()?;
    let len = if matches!(net, IpNet::V4(_)) { 16 } else { 32 };
    IpNet::new(net.addr(), len).ok().map(|n| n.trunc().to_string())
}

/// A user agent's family: the product token (`aws-cli`, `boto3`, `aws-sdk-go-v2`, `terraform`),
/// `browser` for web browsers, `aws-internal` for calls AWS makes from the console or itself.
/// Versions are dropped: an upgrade of the CLI is not new behaviour.
pub fn agent_family(user_agent: &str) -> String {
    let ua = user_agent.trim().trim_start_matches('[').trim();
    if ua.is_empty() {
        return "(none)".to_string();
    }
    let lower = ua.to_ascii_lowercase();
    if lower == "aws internal" || lower.ends_with(".amazonaws.com") || lower.starts_with("aws internal") {
        return "aws-internal".to_string();
    }
    if lower.starts_with("mozilla/") || lower.starts_with("opera/") {
        return "browser".to_string();
    }
    let token: String =
        lower.split(['/', ' ', ']', ',', ';', '(']).next().unwrap_or("").chars().take(40).collect();
    match token.as_str() {
        "botocore" | "boto3" => "boto3".to_string(),
        "" => "(none)".to_string(),
        _ => token,
    }
}

/// `1234567` → `1,234,567`, for explanations people read.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `5368709120` → `5.0 GiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_and_agents() {
        assert_eq!(network_of("198.51.100.77".parse().unwrap()), "198.51.100.0/24");
        assert_eq!(network_of("2001:db8:1:2::9".parse().unwrap()), "2001:db8:1::/48");
        assert_eq!(wider_network("198.51.100.0/24").as_deref(), Some("198.51.0.0/16"));
        assert_eq!(wider_network("AWS Internal"), None);
        assert_eq!(call_network(None, "ec2.amazonaws.com"), "ec2.amazonaws.com");
        assert_eq!(agent_family("[aws-cli/2.15.0 Python/3.11.6 Linux/6.1]"), "aws-cli");
        assert_eq!(agent_family("Boto3/1.34.2 md/Botocore#1.34.2 ua/2.0"), "boto3");
        assert_eq!(agent_family("Mozilla/5.0 (X11; Linux x86_64)"), "browser");
        assert_eq!(agent_family("AWS Internal"), "aws-internal");
        assert_eq!(agent_family("console.amazonaws.com"), "aws-internal");
        assert_eq!(agent_family(""), "(none)");
        assert_eq!(thousands(2312), "2,312");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(bytes(5 * 1024 * 1024 * 1024), "5.0 GiB");
    }
}
