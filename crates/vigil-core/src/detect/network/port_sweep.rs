//! `Impact:EC2/PortSweep` — an instance probes one port on many publicly routable hosts.
//!
//! **Fires on** an instance that, within [`WINDOW`], sends probe-sized TCP connection attempts
//! to one remote port on at least [`MIN_HOSTS`] distinct public addresses, while the hosts it
//! actually talked to on that port (connections that carried data) number less than
//! 1/[`PROBE_TO_SESSION_RATIO`] of those. A probe is a record of a connection the instance opened
//! with at most [`PROBE_MAX_PACKETS`] packets, or a rejected one. Crawlers and API clients
//! reach many hosts on 443 too, but their connections carry data.
//!
//! **Fields**: `srcaddr`, `dstaddr`, `srcport`, `dstport`, `protocol`, `packets`, `action`,
//! `start`, and `tcp-flags`/`flow-direction` when logged.
//!
//! **Severity**: High (8.0), as GuardDuty; the instance is the `ACTOR`.
//!
//! **Evidence**: the port, how many hosts were probed, the most recent host (as GuardDuty shows),
//! a sample of hosts, first/last seen, sample records. One finding per instance and port.
//!
//! **Known false positives**: internet measurement and attack-surface tools run on purpose.
//!
//! Example: 10.0.0.9 sends one SYN to port 6379 of 500 public addresses in five minutes ⇒
//! PortSweep on port 6379.

use rustc_hash::FxHashMap as HashMap;
use std::net::IpAddr;

use serde_json::{json, Map};

use super::{
    info, instance_draft, resolve_entity, view, window_buckets, Connection, Entities, FlowBrief, FlowSamples,
    Span, Windows,
};
use crate::detect::{Context, Detector};
use crate::event::{Event, FlowAction};
use crate::findings::FindingSink;
use crate::net::addr::is_public;
use crate::net::flow::{ConnDirection, TCP};
use crate::time::MINUTE;

pub const TYPE: &str = "Impact:EC2/PortSweep";
pub const SEVERITY: f64 = 8.0;

/// Distinct public hosts probed on one port that make a sweep. Mass scanners (masscan, zmap,
/// worms) reach thousands a minute; no client legitimately fails to reach 50 hosts on one port.
pub const MIN_HOSTS: usize = 50;
/// Sweeps are fast; half an hour also covers slowed-down ones.
pub const WINDOW: i64 = 30 * MINUTE;
/// See [`super::portscan::PROBE_MAX_PACKETS`].
pub const PROBE_MAX_PACKETS: u64 = 3;
/// Probed hosts must outnumber hosts with real sessions on the port by this factor.
pub const PROBE_TO_SESSION_RATIO: usize = 4;
/// Hosts kept for evidence.
const EVIDENCE_HOSTS: usize = 20;

#[derive(Default)]
struct Bucket {
    probed: Vec<IpAddr>,
    sessions: Vec<IpAddr>,
}

#[derive(Default)]
struct SweepState {
    buckets: Windows<Bucket>,
    local: Option<IpAddr>,
    probes: u64,
    blocked: u64,
    hosts: Vec<IpAddr>,
    latest: Option<(i64, IpAddr)>,
    span: Span,
    samples: FlowSamples,
}

#[derive(Default)]
pub struct PortSweep {
    sweeps: HashMap<(u32, u16), SweepState>,
    entities: Entities,
}

fn push_host(v: &mut Vec<IpAddr>, a: IpAddr, cap: usize) {
    if v.len() < cap && !v.contains(&a) {
        v.push(a);
    }
}

impl Detector for PortSweep {
    fn name(&self) -> &'static str {
        "network::port_sweep"
    }

    fn observe(&mut self, event: &Event, ctx: &Context, _sink: &mut FindingSink) {
        let Some(v) = view(event, ctx) else { return };
        let f = v.rec;
        if v.o.direction != ConnDirection::Outbound || f.protocol != Some(TCP) || !is_public(v.o.remote) {
            return;
        }
        let blocked = f.action == FlowAction::Reject;
        let probe = blocked || f.packets <= PROBE_MAX_PACKETS;
        let st = self.sweeps.entry((self.entities.id(v.entity), v.o.remote_port)).or_default();
        // Caps: enough probed hosts to decide, and enough session hosts to veto.
        let session_cap = MIN_HOSTS * 2;
        for b in window_buckets(f.start, WINDOW) {
            let bucket = st.buckets.slot(b);
            if probe {
                push_host(&mut bucket.probed, v.o.remote, MIN_HOSTS * PROBE_TO_SESSION_RATIO * 2);
            } else {
                push_host(&mut bucket.sessions, v.o.remote, session_cap);
            }
        }
        if !probe {
            return;
        }
        st.local.get_or_insert(v.o.local);
        st.probes += 1;
        st.blocked += blocked as u64;
        st.span.add(f);
        push_host(&mut st.hosts, v.o.remote, EVIDENCE_HOSTS);
        let latest = (f.start, v.o.remote);
        if st.latest.is_none_or(|l| latest > l) {
            st.latest = Some(latest);
        }
        st.samples.offer(f.start, f.src, || FlowBrief::of(f, &mut self.entities));
    }

    fn finish(&mut self, ctx: &Context, sink: &mut FindingSink) {
        for ((entity, port), st) in &self.sweeps {
            let entity = self.entities.name(*entity);
            let swept = |b: &Bucket| {
                let probed = b.probed.iter().filter(|h| !b.sessions.contains(h)).count();
                (probed >= MIN_HOSTS && probed >= PROBE_TO_SESSION_RATIO * b.sessions.len()).then_some(probed)
            };
            let Some(peak) = st.buckets.values().filter_map(swept).max() else { continue };
            let Some(resource) = resolve_entity(&ctx.inventory, entity) else { continue };
            let remote = st.latest.map(|l| l.1);
            let conn = Connection {
                direction: ConnDirection::Outbound,
                protocol: TCP,
                local: st.local,
                local_port: None,
                remote,
                remote_port: Some(*port),
                blocked: st.blocked == st.probes,
            };
            let mut d = instance_draft(
                ctx,
                &resource,
                TYPE,
                SEVERITY,
                st.span,
                &conn,
                st.samples.lines(&self.entities),
                self.name(),
            );
            d.count = st.probes;
            d.distinguish_by = port.to_string();
            d.title =
                format!("EC2 instance {resource} is probing port {port} on a large number of IP addresses.");
            d.description = format!(
                "EC2 instance {resource} is probing port {port} on a large number of publicly routable IP addresses \
                 ({peak} within {} minutes). This type of activity is typically used to find vulnerable hosts to exploit.",
                WINDOW / MINUTE
            );
            d.why.push(format!(
                "{resource} sent probe-sized TCP attempts (≤{PROBE_MAX_PACKETS} packets, or rejected) to port {port} of \
                 {peak} distinct public hosts within {} minutes (threshold {MIN_HOSTS}), against fewer than 1/{} as many \
                 hosts with real sessions on that port.",
                WINDOW / MINUTE,
                PROBE_TO_SESSION_RATIO
            ));
            let hosts: Vec<String> = st.hosts.iter().map(|h| h.to_string()).collect();
            let (first, last) = st.span.json();
            let mut m = Map::new();
            info(&mut m, "port", json!(port));
            info(&mut m, "hostsProbedPerWindow", json!(peak));
            info(&mut m, "sampleHosts", json!(hosts));
            info(&mut m, "probes", json!(st.probes));
            info(&mut m, "rejected", json!(st.blocked));
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

    fn host(i: u64) -> String {
        format!("52.{}.{}.{}", 10 + i / 65536 % 200, i / 256 % 256, i % 256)
    }

    #[test]
    fn sweep_of_one_port_fires() {
        let events: Vec<Event> = (0..300u64)
            .map(|i| {
                ev(flow(
                    i,
                    "eni-s",
                    "10.0.0.9",
                    40000 + (i % 1000) as u16,
                    &host(i),
                    6379,
                    TCP,
                    1,
                    60,
                    T0 + i as i64 * 100,
                ))
            })
            .collect();
        let f = scan_events(events);
        let s: Vec<_> = f.iter().filter(|x| x.finding_type == TYPE).collect();
        assert_eq!(s.len(), 1, "{f:#?}");
        assert_eq!(s[0].severity, 8.0);
        assert_eq!(s[0].service.count, 300);
        let nca = s[0].service.action.network_connection_action.as_ref().unwrap();
        assert_eq!(nca.remote_port_details.as_ref().unwrap().port, 6379);
        assert_eq!(nca.remote_ip_details.as_ref().unwrap().ip(), Some(host(299).as_str()));
    }

    #[test]
    fn crawlers_and_internal_sweeps_do_not_fire() {
        // A crawler: 300 sites on 443 with real sessions and a few failures.
        let mut events: Vec<Event> = (0..300u64)
            .map(|i| {
                ev(flow(
                    i,
                    "eni-c",
                    "10.0.0.7",
                    40000 + i as u16,
                    &host(i),
                    443,
                    TCP,
                    40,
                    50_000,
                    T0 + i as i64,
                ))
            })
            .collect();
        events.extend((0..60u64).map(|i| {
            ev(flow(1000 + i, "eni-c", "10.0.0.7", 45000 + i as u16, &host(5000 + i), 443, TCP, 2, 120, T0))
        }));
        // Monitoring probing port 9100 across the private network.
        events.extend((0..200u64).map(|i| {
            ev(flow(
                2000 + i,
                "eni-m",
                "10.0.0.8",
                40000 + i as u16,
                &format!("10.1.{}.{}", i / 256, i % 256),
                9100,
                TCP,
                1,
                60,
                T0,
            ))
        }));
        let f = scan_events(events);
        assert!(f.iter().all(|x| x.finding_type != TYPE), "{f:#?}");
    }

    #[test]
    fn nat_gateway_interfaces_are_not_blamed() {
        // The NAT gateway's interface forwards a sweep made by an instance behind it: the
        // inside leg carries the packet-level destination, which marks the interface as a
        // middlebox; the outside leg alone would look like the gateway sweeping.
        let mut events = Vec::new();
        for i in 0..300u64 {
            let mut inside =
                flow(2 * i, "eni-nat", "10.0.1.5", 40000, "10.0.2.10", 23, TCP, 1, 60, T0 + i as i64);
            inside.pkt_srcaddr = inside.srcaddr;
            inside.pkt_dstaddr = host(i).parse().ok();
            events.push(ev(inside));
            events.push(ev(flow(
                2 * i + 1,
                "eni-nat",
                "10.0.2.10",
                40000 + i as u16,
                &host(i),
                23,
                TCP,
                1,
                60,
                T0 + i as i64,
            )));
        }
        let f = scan_events(events);
        assert!(
            f.iter().all(|x| x.resource.instance_details.as_ref().unwrap().instance_id != "eni-nat"),
            "{f:#?}"
        );
    }
}
