//! `Trojan:EC2/DNSDataExfiltration` — an instance encodes data into the names it looks up
//! under one domain (DNS tunnelling: iodine, dnscat2, DNSExfiltrator and the like).
//!
//! **Fires on** an instance whose queries under one registered domain (Public Suffix List,
//! including providers' private sections, so `x.duckdns.org` customers stay apart) within
//! [`WINDOW`] have at least [`MIN_DISTINCT_NAMES`] distinct sub-domain parts, a mean sub-domain
//! length of at least [`MIN_MEAN_SUBDOMAIN_LEN`] characters, a mean per-name character entropy
//! of at least [`MIN_MEAN_ENTROPY`] bits, and carry an estimated [`MIN_ENCODED_BYTES`] or more
//! (Σ length × entropy / 8 over distinct names). Encoded payloads are long, varied and
//! random-looking; CDN and cloud names repeat a few short hashes, and telemetry names repeat.
//! Reverse lookups (`.arpa`), names under no public suffix (`.internal`, `.local`) and
//! services that answer lookups of hashes or addresses by design ([`LOOKUP_SERVICES`]: DNS
//! blocklists, anti-virus cloud lookups) are skipped.
//!
//! **Fields**: `query_name`, `query_timestamp`, `srcids.instance` / `srcaddr`, `rcode`,
//! `firewall_rule_action`.
//!
//! **Severity**: High (8.0), as GuardDuty.
//!
//! **Evidence**: the domain, distinct names, queries, mean length and entropy, estimated bytes,
//! first/last seen, sample queries. One finding per instance and domain.
//!
//! **Known false positives**: vendor services that look up hashes over DNS and are not listed;
//! add them to a suppression rule by domain.
//!
//! Example: 400 queries like `mzxw6ytboi4dqmrtgq3tmnzzga2dinzw.t.example-tunnel.com` within
//! ten minutes ⇒ DNSDataExfiltration.

use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

use serde_json::json;

use super::{dns_draft, entity_key, entropy, query_summary, registered_domain, Origin, Samples, Span};
use crate::detect::network::{human_bytes, info, window_buckets};
use crate::detect::{Context, Detector};
use crate::event::Event;
use crate::findings::FindingSink;
use crate::time::MINUTE;

pub const TYPE: &str = "Trojan:EC2/DNSDataExfiltration";
pub const SEVERITY: f64 = 8.0;
/// Tunnels send hundreds of queries a minute; fifty distinct long names under one domain in
/// an hour is already more than any ordinary service generates.
pub const MIN_DISTINCT_NAMES: usize = 50;
pub const WINDOW: i64 = 60 * MINUTE;
/// Tunnel tools fill labels to 50–63 characters; ordinary sub-domains are a word or two.
pub const MIN_MEAN_SUBDOMAIN_LEN: f64 = 20.0;
/// Hex carries 4 bits per character, base32 5, base64 6; English-like names ≈3.5 over the
/// short strings measured here, hex strings of 20–40 characters measure ≈3.6–3.9.
pub const MIN_MEAN_ENTROPY: f64 = 3.3;
/// The data the names can carry: below a kilobyte it is not worth calling exfiltration.
pub const MIN_ENCODED_BYTES: f64 = 1024.0;
/// Distinct names remembered per window (beyond it the count is conclusive).
const MAX_NAMES: usize = 4 * MIN_DISTINCT_NAMES;

/// Registered domains whose services are queried with encoded hashes or addresses by design:
/// DNS blocklists and reputation services, anti-virus and threat-intel cloud lookups.
pub const LOOKUP_SERVICES: &[&str] = &[
    "spamhaus.org",
    "spamhaus.net",
    "spamcop.net",
    "sorbs.net",
    "barracudacentral.org",
    "surbl.org",
    "uribl.com",
    "dnswl.org",
    "mailspike.net",
    "senderscore.com",
    "abuseat.org",
    "senderbase.org",
    "sophosxl.net",
    "mcafee.com",
    "trendmicro.com",
    "cymru.com",
    "e5.sk",
    "eset.com",
    "avts.mcafee.com",
];

#[derive(Default)]
struct Bucket {
    /// Hashes of the distinct sub-domain parts.
    names: Vec<u64>,
    chars: u64,
    bits: f64,
}

#[derive(Default)]
struct DomainState {
    buckets: BTreeMap<i64, Bucket>,
    queries: u64,
    blocked: u64,
    longest: String,
    origin: Origin,
    span: Span,
    samples: Samples,
}

#[derive(Default)]
pub struct DnsDataExfiltration {
    domains: HashMap<(String, String), DomainState>,
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3))
}

fn is_lookup_service(registered: &str) -> bool {
    LOOKUP_SERVICES.iter().any(|s| registered == *s || registered.ends_with(&format!(".{s}")))
}

impl Detector for DnsDataExfiltration {
    fn name(&self) -> &'static str {
        "dns::exfiltration"
    }

    fn observe(&mut self, event: &Event, _ctx: &Context, _sink: &mut FindingSink) {
        let Event::Dns(q) = event else { return };
        let Some(registered) = registered_domain(&q.query_name) else { return };
        let name = q.query_name.trim_end_matches('.');
        let Some(sub) = name.strip_suffix(registered).and_then(|s| s.strip_suffix('.')) else { return };
        if sub.is_empty() || is_lookup_service(registered) {
            return;
        }
        let Some(key) = entity_key(q) else { return };
        let st = self.domains.entry((key, registered.to_string())).or_default();
        if st.origin.account_id.is_empty() {
            st.origin = Origin::of(q);
        }
        st.queries += 1;
        st.blocked += (q.firewall_rule_action.as_deref() == Some("BLOCK")) as u64;
        let payload: String = sub.chars().filter(|c| *c != '.').collect();
        let h = fnv(sub);
        let bits = entropy(&payload) * payload.len() as f64;
        for b in window_buckets(q.time, WINDOW) {
            let bucket = st.buckets.entry(b).or_default();
            if bucket.names.len() < MAX_NAMES && !bucket.names.contains(&h) {
                bucket.names.push(h);
                bucket.chars += payload.len() as u64;
                bucket.bits += bits;
            }
        }
        if payload.len() > st.longest.len() {
            st.longest = name.to_string();
        }
        st.span.add_time(q.time);
        st.samples.offer(q.time, q.src, || query_summary(q));
    }

    fn finish(&mut self, ctx: &Context, sink: &mut FindingSink) {
        for ((entity, domain), st) in &self.domains {
            // The most telling window: most distinct names among those passing every test.
            let passing = st.buckets.values().filter_map(|b| {
                let n = b.names.len();
                if n < MIN_DISTINCT_NAMES {
                    return None;
                }
                let mean_len = b.chars as f64 / n as f64;
                let mean_entropy = b.bits / b.chars.max(1) as f64;
                let bytes = b.bits / 8.0;
                (mean_len >= MIN_MEAN_SUBDOMAIN_LEN
                    && mean_entropy >= MIN_MEAN_ENTROPY
                    && bytes >= MIN_ENCODED_BYTES)
                    .then_some((n, mean_len, mean_entropy, bytes))
            });
            let Some((n, mean_len, mean_entropy, bytes)) = passing.max_by(|a, b| a.0.cmp(&b.0)) else {
                continue;
            };
            let blocked = st.blocked == st.queries;
            let (mut d, resource) = dns_draft(
                ctx,
                entity,
                &st.origin,
                TYPE,
                SEVERITY,
                &st.longest,
                blocked,
                st.span,
                st.samples.clone(),
                self.name(),
            );
            d.count = st.queries;
            d.distinguish_by = domain.clone();
            d.title =
                format!("EC2 instance {resource} is exfiltrating data through DNS queries to {domain}.");
            d.description = format!(
                "EC2 instance {resource} is encoding data into DNS queries under {domain}: {n} distinct long, random-looking \
                 names within {} minutes. Malware uses DNS queries for outbound data transfers because DNS is rarely \
                 blocked.",
                WINDOW / MINUTE
            );
            d.why.push(format!(
                "{n} distinct sub-domains of {domain} within {} minutes (threshold {MIN_DISTINCT_NAMES}), mean length \
                 {mean_len:.1} characters (≥{MIN_MEAN_SUBDOMAIN_LEN}), mean entropy {mean_entropy:.2} bits/character \
                 (≥{MIN_MEAN_ENTROPY}), ≈{} encoded.",
                WINDOW / MINUTE,
                human_bytes(bytes as u64)
            ));
            d.why.push(format!(
                "{} queries in all{}.",
                st.queries,
                if blocked { ", all blocked by DNS Firewall" } else { "" }
            ));
            let (first, last) = st.span.json();
            let m = &mut d.additional_info;
            info(m, "domain", json!(domain));
            info(m, "distinctNamesPerWindow", json!(n));
            info(m, "queries", json!(st.queries));
            info(m, "meanSubdomainLength", json!((mean_len * 10.0).round() / 10.0));
            info(m, "meanEntropyBits", json!((mean_entropy * 100.0).round() / 100.0));
            info(m, "estimatedBytes", json!(bytes.round()));
            info(m, "firstSeen", first);
            info(m, "lastSeen", last);
            sink.report(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::dns::fixtures::*;
    use crate::detect::testing::scan_events;
    use crate::event::Event;

    /// Base32 of a counter-driven byte stream: what iodine-like tools put in labels.
    fn chunk(i: u64) -> String {
        const B32: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
        let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..52)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                B32[(x % 32) as usize] as char
            })
            .collect()
    }

    #[test]
    fn tunnel_fires_with_figures() {
        let events: Vec<Event> = (0..300u64)
            .map(|i| {
                ev(query(
                    i,
                    "i-x",
                    &format!("{}.t.tunnel-example.com", chunk(i)),
                    "NOERROR",
                    T0 + i as i64 * 1000,
                ))
            })
            .collect();
        let f = scan_events(events);
        let ex: Vec<_> = f.iter().filter(|x| x.finding_type == TYPE).collect();
        assert_eq!(ex.len(), 1, "{f:#?}");
        assert_eq!(ex[0].severity, 8.0);
        assert_eq!(ex[0].service.count, 300);
        let dra = ex[0].service.action.dns_request_action.as_ref().unwrap();
        assert_eq!(dra.domain_with_suffix.as_deref(), Some("tunnel-example.com"));
        assert!(ex[0].service.additional_info.as_ref().unwrap().value.contains("estimatedBytes"));
    }

    #[test]
    fn cdn_reverse_lookups_blocklists_and_repeats_do_not_fire() {
        let mut events = Vec::new();
        for i in 0..300u64 {
            // Reverse lookups of many addresses.
            events.push(ev(query(
                i,
                "i-w",
                &format!("{}.{}.113.203.in-addr.arpa", i % 256, i / 256),
                "NOERROR",
                T0,
            )));
            // DNSBL lookups of many addresses.
            events.push(ev(query(
                1000 + i,
                "i-w",
                &format!("{}.{}.0.198.zen.spamhaus.org", i % 256, i / 256),
                "NXDOMAIN",
                T0,
            )));
            // Hashed CDN names: distinct registered domains under cloudfront.net, short.
            events.push(ev(query(
                2000 + i,
                "i-w",
                &format!("d{:012x}.cloudfront.net", i * 7919),
                "NOERROR",
                T0,
            )));
            // Telemetry: the same long name again and again.
            events.push(ev(query(
                3000 + i,
                "i-w",
                "v10.events.data.microsoft.com",
                "NOERROR",
                T0 + i as i64,
            )));
            // Per-user sub-domains of a SaaS: short words.
            events.push(ev(query(4000 + i, "i-w", &format!("tenant{i}.app.example.com"), "NOERROR", T0)));
        }
        let f = scan_events(events);
        assert!(f.iter().all(|x| x.finding_type != TYPE), "{f:#?}");
    }
}
