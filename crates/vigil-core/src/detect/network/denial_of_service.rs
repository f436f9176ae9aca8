//! `Backdoor:EC2/DenialOfService.{Tcp,Udp,Dns,UdpOnTcpPorts,UnusualProtocol}` — an instance
//! floods one publicly routable address.
//!
//! **Fires on** an instance sending at least [`MIN_PACKETS`] packets ([`MIN_PACKETS_UNUSUAL`]
//! for unusual protocols) to one public address within [`WINDOW`], while the target sends back
//! at most [`MAX_RESPONSE_RATIO`] of that (a flood is one-way; an upload or a backup gets
//! acknowledgements back). For TCP the mean packet must also be small (≤
//! [`TCP_FLOOD_MAX_MEAN_BYTES`]): SYN/ACK floods are header-only packets, bulk uploads are
//! full-sized. Packets are added up over all records — every direction, every 5-tuple, every
//! capture window — of the instance and the target; traffic the instance sends as a *server*
//! (from a service port to a client's ephemeral port) is not counted. The variant is chosen by
//! the remote port and protocol: port 53 ⇒ `Dns`; UDP to a port that only TCP services use ⇒
//! `UdpOnTcpPorts`; other UDP ⇒ `Udp`; TCP ⇒ `Tcp`; any protocol other than TCP, UDP, ICMP,
//! ICMPv6, GRE, ESP and AH ⇒ `UnusualProtocol`. ICMP floods are not reported (GuardDuty has no
//! variant for them). Private, CGNAT, link-local and other non-public targets never fire.
//!
//! **Fields**: `srcaddr`, `dstaddr`, `srcport`, `dstport`, `protocol`, `packets`, `bytes`,
//! `start`, and `flow-direction`/`tcp-flags` when logged.
//!
//! **Severity**: High (8.0) for every variant, as GuardDuty; the instance is the `ACTOR`.
//!
//! **Evidence**: target, packets and bytes each way, peak packets per window and rate,
//! first/last seen, sample records. One finding per instance, target and variant.
//!
//! **Known false positives**: load tests against one's own public endpoints; UDP streaming to a
//! single public peer with no return traffic.
//!
//! Example: 10.0.0.9 sends 2,000,000 64-byte SYNs to 203.0.113.10:80 in five minutes and gets
//! 1,000 packets back ⇒ DenialOfService.Tcp.

use rustc_hash::FxHashMap as HashMap;
use std::net::IpAddr;

use serde_json::{json, Map};

use super::{
    human_bytes, info, instance_draft, resolve_entity, view, window_buckets, Connection, Entities, FlowBrief,
    FlowSamples, Span,
};
use crate::detect::{Context, Detector};
use crate::event::Event;
use crate::findings::FindingSink;
use crate::net::addr::is_public;
use crate::net::flow::{is_service_port, ConnDirection, ICMP, ICMPV6, TCP, UDP};
use crate::time::{MINUTE, SECOND};

pub const SEVERITY: f64 = 8.0;

/// The rate that makes a flood, as packets per window: 100,000 packets in five minutes is
/// ≈333 packets/s sustained towards one host (or ≈667/s over half a window), far above what
/// any client sends a single server without data coming back.
pub const MIN_PACKETS: u64 = 100_000;
/// Unusual protocols have no legitimate bulk use at all on EC2; a lower bar suffices.
pub const MIN_PACKETS_UNUSUAL: u64 = 10_000;
pub const WINDOW: i64 = 5 * MINUTE;
/// Packets back from the target, as a fraction of packets sent. TCP bulk transfers get an ACK
/// for every one or two segments (even with offloads, rarely fewer than one per ten).
pub const MAX_RESPONSE_RATIO: f64 = 0.05;
/// The mean size of TCP flood packets: 40–80 byte headers; uploads average well over 500.
pub const TCP_FLOOD_MAX_MEAN_BYTES: u64 = 200;
/// Ports only TCP services listen on; UDP sent to them is noise aimed at a TCP service.
/// (443 is excluded: HTTP/3 runs over UDP 443.)
pub const TCP_ONLY_PORTS: &[u16] = &[
    20, 21, 22, 23, 25, 80, 110, 143, 445, 465, 587, 993, 995, 1433, 3306, 3389, 5432, 6379, 8080, 8443,
    27017,
];
/// Protocols EC2 instances normally speak; anything else is unusual.
pub const USUAL_PROTOCOLS: &[u8] = &[ICMP, TCP, UDP, 47, 50, 51, ICMPV6];
/// Pairs tracked at most, so that memory stays bounded on inputs with millions of peers; the
/// first pairs met are kept (a flood target is met early and often).
pub const MAX_TRACKED: usize = 1 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
    Tcp,
    Udp,
    Dns,
    UdpOnTcpPorts,
    UnusualProtocol,
}

impl Variant {
    pub fn finding_type(self) -> &'static str {
        match self {
            Self::Tcp => "Backdoor:EC2/DenialOfService.Tcp",
            Self::Udp => "Backdoor:EC2/DenialOfService.Udp",
            Self::Dns => "Backdoor:EC2/DenialOfService.Dns",
            Self::UdpOnTcpPorts => "Backdoor:EC2/DenialOfService.UdpOnTcpPorts",
            Self::UnusualProtocol => "Backdoor:EC2/DenialOfService.UnusualProtocol",
        }
    }

    fn protocol_words(self) -> &'static str {
        match self {
            Self::Tcp => "the TCP protocol",
            Self::Udp => "the UDP protocol",
            Self::Dns => "the DNS protocol",
            Self::UdpOnTcpPorts => "the UDP protocol on a TCP port",
            Self::UnusualProtocol => "an unusual protocol",
        }
    }

    /// The variant for traffic of `protocol` to `remote_port`, or `None` when no variant
    /// applies.
    pub fn of(protocol: u8, remote_port: u16) -> Option<Self> {
        match protocol {
            TCP | UDP if remote_port == 53 => Some(Self::Dns),
            UDP if TCP_ONLY_PORTS.contains(&remote_port) => Some(Self::UdpOnTcpPorts),
            UDP => Some(Self::Udp),
            TCP => Some(Self::Tcp),
            p if !USUAL_PROTOCOLS.contains(&p) => Some(Self::UnusualProtocol),
            _ => None,
        }
    }
}

#[derive(Default, Clone, Copy)]
struct Volume {
    sent_packets: u64,
    sent_bytes: u64,
    received_packets: u64,
}

#[derive(Default)]
struct TargetState {
    total: Volume,
    received_bytes: u64,
    local: Option<IpAddr>,
    protocol: u8,
    remote_port: u16,
    span: Span,
    samples: FlowSamples,
}

#[derive(Default)]
pub struct DenialOfService {
    /// (entity, target, variant) → index into `states`.
    targets: HashMap<(u32, IpAddr, Variant), u32>,
    states: Vec<TargetState>,
    /// (target index, window bucket) → volume. One flat map instead of a map per target: most
    /// targets are met only a few times, and a map of their own would be an allocation each.
    windows: HashMap<(u32, i64), Volume>,
    entities: Entities,
    untracked_records: u64,
}

impl Detector for DenialOfService {
    fn name(&self) -> &'static str {
        "network::denial_of_service"
    }

    fn observe(&mut self, event: &Event, ctx: &Context, _sink: &mut FindingSink) {
        let Some(v) = view(event, ctx) else { return };
        let f = v.rec;
        let o = v.o;
        if !is_public(o.remote) {
            return;
        }
        // The instance answering clients as a server is not flooding them.
        if o.direction == ConnDirection::Inbound && is_service_port(o.local_port) {
            return;
        }
        let Some(variant) = Variant::of(o.protocol, o.remote_port) else { return };
        let key = (self.entities.id(v.entity), o.remote, variant);
        let index = match self.targets.get(&key) {
            Some(&i) => i,
            None if self.targets.len() >= MAX_TRACKED => {
                self.untracked_records += 1;
                return;
            }
            None => {
                let i = self.states.len() as u32;
                self.states.push(TargetState::default());
                self.targets.insert(key, i);
                i
            }
        };
        let st = &mut self.states[index as usize];
        for b in window_buckets(f.start, WINDOW) {
            let vol = self.windows.entry((index, b)).or_default();
            if o.egress {
                vol.sent_packets += f.packets;
                vol.sent_bytes += f.bytes;
            } else {
                vol.received_packets += f.packets;
            }
        }
        if o.egress {
            st.total.sent_packets += f.packets;
            st.total.sent_bytes += f.bytes;
            st.local.get_or_insert(o.local);
            st.protocol = o.protocol;
            st.remote_port = o.remote_port;
            st.span.add(f);
            st.samples.offer(f.start, f.src, || FlowBrief::of(f, &mut self.entities));
        } else {
            st.total.received_packets += f.packets;
            st.received_bytes += f.bytes;
        }
    }

    fn finish(&mut self, ctx: &Context, sink: &mut FindingSink) {
        let min_packets = |variant: Variant| {
            if variant == Variant::UnusualProtocol {
                MIN_PACKETS_UNUSUAL
            } else {
                MIN_PACKETS
            }
        };
        let flood = |variant: Variant, v: &Volume| {
            v.sent_packets >= min_packets(variant)
                && (v.received_packets as f64) <= MAX_RESPONSE_RATIO * v.sent_packets as f64
                && (variant != Variant::Tcp
                    || v.sent_bytes / v.sent_packets.max(1) <= TCP_FLOOD_MAX_MEAN_BYTES)
        };
        let mut variants = vec![Variant::Tcp; self.states.len()];
        for (&(_, _, variant), &i) in &self.targets {
            variants[i as usize] = variant;
        }
        // The busiest flooding window of each target.
        let mut peaks: Vec<Option<u64>> = vec![None; self.states.len()];
        for (&(i, _), v) in &self.windows {
            if flood(variants[i as usize], v) {
                let peak = &mut peaks[i as usize];
                *peak = Some(peak.map_or(v.sent_packets, |p| p.max(v.sent_packets)));
            }
        }
        for (&(entity, remote, variant), &i) in &self.targets {
            let (entity, remote, variant) = (self.entities.name(entity), &remote, &variant);
            let st = &self.states[i as usize];
            let min = min_packets(*variant);
            let Some(peak) = peaks[i as usize] else { continue };
            let Some(resource) = resolve_entity(&ctx.inventory, entity) else { continue };
            let conn = Connection {
                direction: ConnDirection::Outbound,
                protocol: st.protocol,
                local: st.local,
                local_port: None,
                remote: Some(*remote),
                remote_port: (st.remote_port != 0).then_some(st.remote_port),
                blocked: false,
            };
            let mut d = instance_draft(
                ctx,
                &resource,
                variant.finding_type(),
                SEVERITY,
                st.span,
                &conn,
                st.samples.lines(&self.entities),
                self.name(),
            );
            d.count = 1;
            d.distinguish_by = remote.to_string();
            d.title = format!(
                "EC2 instance {resource} is behaving in a manner that may indicate it is being used to perform a Denial of \
                 Service (DoS) attack using {}.",
                variant.protocol_words()
            );
            d.description = format!(
                "EC2 instance {resource} is sending a large volume of outbound traffic to {remote} using {}: up to {peak} \
                 packets in {} minutes with almost nothing coming back.",
                variant.protocol_words(),
                WINDOW / MINUTE
            );
            let rate = peak as f64 / (WINDOW / SECOND) as f64;
            d.why.push(format!(
                "{peak} packets to public address {remote} within {} minutes (≈{rate:.0}/s; threshold {min}); replies at \
                 most {:.0}% of that.",
                WINDOW / MINUTE,
                MAX_RESPONSE_RATIO * 100.0
            ));
            d.why.push(format!(
                "In all: {} packets / {} sent, {} packets / {} received.",
                st.total.sent_packets,
                human_bytes(st.total.sent_bytes),
                st.total.received_packets,
                human_bytes(st.received_bytes)
            ));
            let (first, last) = st.span.json();
            let mut m = Map::new();
            info(&mut m, "target", json!(remote.to_string()));
            info(&mut m, "peakPacketsPerWindow", json!(peak));
            info(&mut m, "packetsSent", json!(st.total.sent_packets));
            info(&mut m, "bytesSent", json!(st.total.sent_bytes));
            info(&mut m, "packetsReceived", json!(st.total.received_packets));
            info(&mut m, "bytesReceived", json!(st.received_bytes));
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
    use crate::detect::network::fixtures::*;
    use crate::detect::testing::scan_events;
    use crate::event::Event;
    use crate::findings::Finding;

    /// The denial-of-service types among the findings (a DNS flood also uses a public
    /// resolver, which another detector reports).
    fn types(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|x| x.finding_type.as_str()).filter(|t| t.contains("DenialOfService")).collect()
    }

    #[test]
    fn syn_flood_with_random_source_ports_fires_tcp() {
        // 60 records a minute of different source ports, 4,000 SYNs each, for five minutes.
        let events: Vec<Event> = (0..300u64)
            .map(|i| {
                ev(flow(
                    i,
                    "eni-d",
                    "10.0.0.9",
                    20000 + i as u16,
                    "45.33.20.10",
                    80,
                    TCP,
                    4000,
                    4000 * 60,
                    T0 + i as i64 * 1000,
                ))
            })
            .collect();
        let f = scan_events(events);
        assert_eq!(types(&f), vec!["Backdoor:EC2/DenialOfService.Tcp"], "{f:#?}");
        assert_eq!(f[0].severity, 8.0);
        assert_eq!(f[0].service.resource_role, "ACTOR");
    }

    #[test]
    fn variants_by_protocol_and_port() {
        let mk = |n: u64, dst: &str, dport: u16, proto: u8, packets: u64| {
            ev(flow(n, "eni-d", "10.0.0.9", 33333, dst, dport, proto, packets, packets * 512, T0))
        };
        let f = scan_events(vec![
            mk(1, "45.33.20.1", 9999, UDP, 200_000),
            mk(2, "45.33.20.2", 53, UDP, 200_000),
            mk(3, "45.33.20.3", 80, UDP, 200_000),
            mk(4, "45.33.20.4", 0, 2, 20_000),
        ]);
        let mut t = types(&f);
        t.sort();
        assert_eq!(
            t,
            vec![
                "Backdoor:EC2/DenialOfService.Dns",
                "Backdoor:EC2/DenialOfService.Udp",
                "Backdoor:EC2/DenialOfService.UdpOnTcpPorts",
                "Backdoor:EC2/DenialOfService.UnusualProtocol",
            ]
        );
    }

    #[test]
    fn private_targets_backups_and_busy_servers_do_not_fire() {
        let mut events = vec![
            // Flood-sized traffic to a private address (another instance).
            ev(flow(1, "eni-d", "10.0.0.9", 33333, "10.0.5.5", 9999, UDP, 500_000, 500_000 * 100, T0)),
            // Nightly backup to a public endpoint: big packets, ACKs back.
            ev(flow(2, "eni-b", "10.0.0.3", 44444, "52.95.1.1", 443, TCP, 700_000, 700_000 * 1400, T0)),
            ev(flow(3, "eni-b", "52.95.1.1", 443, "10.0.0.3", 44444, TCP, 200_000, 200_000 * 52, T0)),
        ];
        // A busy web server answering many clients from port 443.
        events.extend((0..100u64).map(|i| {
            ev(flow(
                10 + i,
                "eni-w",
                "10.0.0.5",
                443,
                "198.51.100.77",
                30000 + i as u16,
                TCP,
                5_000,
                5_000 * 60,
                T0,
            ))
        }));
        let f = scan_events(events);
        assert!(f.is_empty(), "{f:#?}");
    }
}
