//! `DefenseEvasion:EC2/UnusualDNSResolver`, `DefenseEvasion:EC2/UnusualDoHActivity`,
//! `DefenseEvasion:EC2/UnusualDoTActivity` — an instance resolves names outside the VPC's
//! resolver, out of sight of Route 53 Resolver query logs and DNS Firewall.
//!
//! **Fires on** connections the instance opens to
//! - `UnusualDNSResolver`: port 53 (UDP or TCP) of a public address. Skipped for instances that
//!   are resolvers themselves: those that answer DNS (inbound port 53) or talk to at least
//!   [`RECURSIVE_RESOLVER_MIN_SERVERS`] distinct public DNS servers (recursion walks root, TLD
//!   and authoritative servers; a client uses one or two resolvers).
//! - `UnusualDoHActivity`: port 443 (TCP, or UDP for DNS over HTTP/3) of a well-known public DoH
//!   resolver address ([`DOH_RESOLVERS`]).
//! - `UnusualDoTActivity`: TCP port 853 (DNS over TLS) of a public address, with real traffic:
//!   accepted flows carrying at least [`DOT_MIN_PACKETS`] packets and [`DOT_MIN_BYTES`] bytes
//!   towards that address in all. A lone SYN, SYN retries to a closed port or a rejected
//!   attempt are a port check, not DNS being resolved over TLS.
//!
//! GuardDuty raises these when the behaviour is new for the instance. Within one input there is
//! no history, so every instance's use is reported once per resolver, with first/last seen and
//! volume: the Amazon-provided resolver is what EC2 instances normally use, and bypassing it is
//! worth a look even when it is routine.
//!
//! **Fields**: `srcaddr`, `dstaddr`, `srcport`, `dstport`, `protocol`, `packets`, `bytes`,
//! `start`, and `flow-direction`/`tcp-flags` when logged.
//!
//! **Severity**: Medium (5.0) for all three, as GuardDuty; the instance is the `ACTOR`.
//!
//! **Evidence**: resolver address and port, packets, bytes, first/last seen, sample records.
//!
//! **Known false positives**: instances deliberately configured with public resolvers; browsers
//! on workspaces doing DoH.
//!
//! Example: 10.0.0.9:51000 → 1.1.1.1:443 TCP ⇒ UnusualDoHActivity.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::net::IpAddr;

use serde_json::{json, Map};

use super::{
    human_bytes, info, instance_draft, resolve_entity, view, Connection, Entities, FlowBrief, FlowSamples,
    Span,
};
use crate::detect::{Context, Detector};
use crate::event::{Event, FlowAction};
use crate::findings::FindingSink;
use crate::net::addr::is_public;
use crate::net::flow::{ConnDirection, TCP, UDP};

pub const TYPE_RESOLVER: &str = "DefenseEvasion:EC2/UnusualDNSResolver";
pub const TYPE_DOH: &str = "DefenseEvasion:EC2/UnusualDoHActivity";
pub const TYPE_DOT: &str = "DefenseEvasion:EC2/UnusualDoTActivity";
pub const SEVERITY: f64 = 5.0;

/// Outbound packets and bytes to one DoT server below which no DNS exchange took place: a TCP
/// handshake with a TLS ClientHello is about 3–5 packets and 600 bytes from the client; a query
/// and its session add more.
pub const DOT_MIN_PACKETS: u64 = 6;
pub const DOT_MIN_BYTES: u64 = 800;

/// Distinct public DNS servers beyond which an instance is taken for a recursive resolver.
pub const RECURSIVE_RESOLVER_MIN_SERVERS: usize = 20;

/// Well-known public DNS-over-HTTPS resolver addresses (Cloudflare, Google, Quad9, OpenDNS,
/// AdGuard, CleanBrowsing, Mullvad, Control D, NextDNS anycast).
pub const DOH_RESOLVERS: &[&str] = &[
    "1.1.1.1",
    "1.0.0.1",
    "1.1.1.2",
    "1.0.0.2",
    "1.1.1.3",
    "1.0.0.3",
    "2606:4700:4700::1111",
    "2606:4700:4700::1001",
    "8.8.8.8",
    "8.8.4.4",
    "2001:4860:4860::8888",
    "2001:4860:4860::8844",
    "9.9.9.9",
    "149.112.112.112",
    "9.9.9.11",
    "149.112.112.11",
    "2620:fe::fe",
    "2620:fe::9",
    "208.67.222.222",
    "208.67.220.220",
    "2620:119:35::35",
    "94.140.14.14",
    "94.140.15.15",
    "2a10:50c0::ad1:ff",
    "185.228.168.9",
    "185.228.169.9",
    "194.242.2.2",
    "76.76.2.0",
    "76.76.10.0",
    "45.90.28.0",
    "45.90.30.0",
];

fn is_doh_resolver(ip: IpAddr) -> bool {
    // Parsed once: this runs for every outbound HTTPS record.
    static PARSED: std::sync::OnceLock<Vec<IpAddr>> = std::sync::OnceLock::new();
    PARSED.get_or_init(|| DOH_RESOLVERS.iter().filter_map(|s| s.parse().ok()).collect()).contains(&ip)
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
    Resolver,
    Doh,
    Dot,
}

impl Kind {
    fn finding_type(self) -> &'static str {
        match self {
            Self::Resolver => TYPE_RESOLVER,
            Self::Doh => TYPE_DOH,
            Self::Dot => TYPE_DOT,
        }
    }
}

#[derive(Default)]
struct Use {
    local: Option<IpAddr>,
    protocol: u8,
    port: u16,
    packets: u64,
    bytes: u64,
    connections: HashSet<u16>,
    span: Span,
    samples: FlowSamples,
}

#[derive(Default)]
pub struct UnusualDns {
    /// Keyed by interned entity (see [`Entities`]): no key allocated per record.
    uses: HashMap<(u32, Kind, IpAddr), Use>,
    /// Distinct public DNS servers per entity (capped at the recursive-resolver threshold).
    dns_servers: HashMap<u32, HashSet<IpAddr>>,
    /// Entities answering DNS themselves.
    dns_servers_local: HashSet<u32>,
    entities: Entities,
}

impl Detector for UnusualDns {
    fn name(&self) -> &'static str {
        "network::unusual_dns"
    }

    fn observe(&mut self, event: &Event, ctx: &Context, _sink: &mut FindingSink) {
        let Some(v) = view(event, ctx) else { return };
        let f = v.rec;
        let o = v.o;
        let proto = o.protocol;
        if proto != TCP && proto != UDP {
            return;
        }
        if o.direction == ConnDirection::Inbound && o.local_port == 53 {
            self.dns_servers_local.insert(self.entities.id(v.entity));
            return;
        }
        if o.direction != ConnDirection::Outbound || !is_public(o.remote) {
            return;
        }
        let kind = match o.remote_port {
            53 => Kind::Resolver,
            853 if proto == TCP => Kind::Dot,
            443 if is_doh_resolver(o.remote) => Kind::Doh,
            _ => return,
        };
        if kind == Kind::Dot && f.action == FlowAction::Reject {
            return;
        }
        let entity = self.entities.id(v.entity);
        if kind == Kind::Resolver {
            let servers = self.dns_servers.entry(entity).or_default();
            if servers.len() < RECURSIVE_RESOLVER_MIN_SERVERS {
                servers.insert(o.remote);
            }
        }
        let u = self.uses.entry((entity, kind, o.remote)).or_default();
        u.local.get_or_insert(o.local);
        u.protocol = proto;
        u.port = o.remote_port;
        u.packets += f.packets;
        u.bytes += f.bytes;
        if u.connections.len() < 100_000 {
            u.connections.insert(o.local_port);
        }
        u.span.add(f);
        u.samples.offer(f.start, f.src, || FlowBrief::of(f, &mut self.entities));
    }

    fn finish(&mut self, ctx: &Context, sink: &mut FindingSink) {
        for ((entity, kind, remote), u) in &self.uses {
            if *kind == Kind::Dot && (u.packets < DOT_MIN_PACKETS || u.bytes < DOT_MIN_BYTES) {
                continue;
            }
            if *kind == Kind::Resolver {
                let servers = self.dns_servers.get(entity).map_or(0, HashSet::len);
                if servers >= RECURSIVE_RESOLVER_MIN_SERVERS || self.dns_servers_local.contains(entity) {
                    continue;
                }
            }
            let Some(resource) = resolve_entity(&ctx.inventory, self.entities.name(*entity)) else {
                continue;
            };
            let conn = Connection {
                direction: ConnDirection::Outbound,
                protocol: u.protocol,
                local: u.local,
                local_port: None,
                remote: Some(*remote),
                remote_port: Some(u.port),
                blocked: false,
            };
            let mut d = instance_draft(
                ctx,
                &resource,
                kind.finding_type(),
                SEVERITY,
                u.span,
                &conn,
                u.samples.lines(&self.entities),
                self.name(),
            );
            d.count = u.connections.len().max(1) as u64;
            d.distinguish_by = remote.to_string();
            let what = match kind {
                Kind::Resolver => "communicating with an unusual public DNS resolver",
                Kind::Doh => "performing DNS over HTTPS (DoH) communication",
                Kind::Dot => "performing DNS over TLS (DoT) communication",
            };
            d.title = format!("EC2 instance {resource} is {what} ({remote}).");
            d.description = format!(
                "EC2 instance {resource} is {what} with {remote} on port {}, bypassing the VPC's Amazon-provided resolver \
                 (its query logs and DNS Firewall do not see these lookups).",
                u.port
            );
            d.why.push(format!(
                "{} connection(s) to {remote}:{} ({}), {} packets / {} sent.",
                u.connections.len(),
                u.port,
                match kind {
                    Kind::Resolver => "public DNS server",
                    Kind::Doh => "well-known DoH resolver",
                    Kind::Dot => "DNS over TLS port",
                },
                u.packets,
                human_bytes(u.bytes)
            ));
            let (first, last) = u.span.json();
            let mut m = Map::new();
            info(&mut m, "unusual", json!(format!("{remote}:{}", u.port)));
            info(&mut m, "connections", json!(u.connections.len()));
            info(&mut m, "packets", json!(u.packets));
            info(&mut m, "bytes", json!(u.bytes));
            info(&mut m, "firstSeen", first);
            info(&mut m, "lastSeen", last);
            d.additional_info = m;
            sink.report(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_doh_resolver_is_an_address() {
        for a in DOH_RESOLVERS {
            let ip: IpAddr = a.parse().unwrap_or_else(|_| panic!("{a}"));
            assert!(is_doh_resolver(ip), "{a}");
        }
        assert!(!is_doh_resolver("1.1.1.4".parse().unwrap()));
    }
    use crate::detect::network::fixtures::*;
    use crate::detect::testing::scan_events;
    use crate::event::Event;

    fn types(events: Vec<Event>) -> Vec<String> {
        let mut t: Vec<String> = scan_events(events).into_iter().map(|f| f.finding_type).collect();
        t.sort();
        t
    }

    #[test]
    fn public_resolver_doh_and_dot_fire() {
        let t = types(vec![
            ev(flow(1, "eni-a", "10.0.0.9", 51000, "8.8.8.8", 53, UDP, 2, 150, T0)),
            ev(flow(2, "eni-a", "10.0.0.9", 51001, "1.1.1.1", 443, TCP, 20, 4000, T0)),
            ev(flow(3, "eni-a", "10.0.0.9", 51002, "185.10.10.53", 853, TCP, 20, 4000, T0)),
        ]);
        assert_eq!(t, vec![TYPE_RESOLVER, TYPE_DOH, TYPE_DOT]);
    }

    #[test]
    fn dot_needs_real_traffic_not_a_port_check() {
        let dot = |n: u64, sport: u16, packets: u64, bytes: u64| {
            flow(n, "eni-a", "10.0.0.9", sport, "185.10.10.53", 853, TCP, packets, bytes, T0)
        };
        // A lone SYN; SYN retries to a closed port.
        assert!(types(vec![ev(dot(1, 51000, 1, 60))]).is_empty());
        assert!(types(vec![ev(dot(1, 51000, 3, 180)), ev(dot(2, 51001, 2, 120))]).is_empty());
        // A rejected attempt, however large, never reached the server.
        let mut rejected = dot(1, 51000, 40, 9000);
        rejected.action = FlowAction::Reject;
        assert!(types(vec![ev(rejected)]).is_empty());
        // Short sessions that add up to real exchanges do count.
        assert_eq!(types(vec![ev(dot(1, 51000, 4, 500)), ev(dot(2, 51001, 4, 500))]), vec![TYPE_DOT]);
    }

    #[test]
    fn vpc_resolver_web_traffic_and_recursive_resolvers_do_not_fire() {
        let mut events = vec![
            // The VPC resolver and the link-local Amazon DNS.
            ev(flow(1, "eni-a", "10.0.0.9", 51000, "10.0.0.2", 53, UDP, 2, 150, T0)),
            ev(flow(2, "eni-a", "10.0.0.9", 51001, "169.254.169.253", 53, UDP, 2, 150, T0)),
            // HTTPS to an ordinary site; port 443 of a non-resolver.
            ev(flow(3, "eni-a", "10.0.0.9", 51002, "198.51.100.80", 443, TCP, 20, 4000, T0)),
            // Reverse lookup answers to a client of our own DNS server.
            ev(flow(4, "eni-a", "10.0.0.9", 53, "198.51.100.99", 40000, UDP, 1, 100, T0)),
        ];
        // An unbound resolver walking the DNS tree.
        events.extend((0..40u64).map(|i| {
            ev(flow(
                10 + i,
                "eni-r",
                "10.0.0.53",
                40000 + i as u16,
                &format!("192.{}.{}.30", 5 + i, i),
                53,
                UDP,
                2,
                200,
                T0,
            ))
        }));
        assert!(types(events).is_empty());
    }
}
