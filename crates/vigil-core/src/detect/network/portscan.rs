//! `Recon:EC2/Portscan` — an instance probes many ports of one remote host in a short time.
//!
//! **Fires on** an instance that, within [`WINDOW`], sends probe-sized connection attempts to at
//! least [`MIN_PORTS`] distinct ports of one remote host (TCP or UDP, any address class). A
//! probe is a record of a connection the instance opened that carried at most
//! [`PROBE_MAX_PACKETS`] packets (a SYN, a retransmission, a reset) or was rejected. Connections
//! that carried data (passive-mode FTP data channels, a service mesh on many ports) are not
//! probes.
//!
//! **Fields**: `srcaddr`, `dstaddr`, `srcport`, `dstport`, `protocol`, `packets`, `action`,
//! `start`, and `tcp-flags`/`flow-direction` when logged (who opened the connection).
//!
//! **Severity**: Medium (5.0), as GuardDuty; the instance is the `ACTOR`.
//!
//! **Evidence**: the remote host, how many ports, a sample of them, probes, first/last seen,
//! sample records. One finding per instance and remote host.
//!
//! **Known false positives**: vulnerability scanners and inventory tools run from the instance
//! (suppress by instance tag or image).
//!
//! Example: 10.0.0.9 sends single SYNs from port 40000 to ports 1–1000 of 203.0.113.8 in two
//! minutes ⇒ Portscan.

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
use crate::net::flow::{ConnDirection, TCP, UDP};
use crate::time::MINUTE;

pub const TYPE: &str = "Recon:EC2/Portscan";
pub const SEVERITY: f64 = 5.0;

/// Distinct ports on one host that make a scan: well above what any client needs on one
/// server (a web app with a database and a cache touches a handful), well below what scanners
/// try (nmap's default is the 1,000 most common ports).
pub const MIN_PORTS: usize = 50;
/// Scanners cover a host in seconds to minutes.
pub const WINDOW: i64 = 10 * MINUTE;
/// A record of at most this many packets carried no data: SYN, SYN retransmission, RST.
pub const PROBE_MAX_PACKETS: u64 = 3;
/// Ports kept per pair for evidence.
const EVIDENCE_PORTS: usize = 20;

#[derive(Default)]
struct PairState {
    /// Distinct probed ports per window bucket (capped at [`MIN_PORTS`]).
    buckets: Windows<Vec<u16>>,
    local: Option<IpAddr>,
    protocol: u8,
    probes: u64,
    blocked: u64,
    ports: Vec<u16>,
    span: Span,
    samples: FlowSamples,
}

#[derive(Default)]
pub struct Portscan {
    pairs: HashMap<(u32, IpAddr), PairState>,
    entities: Entities,
}

impl Detector for Portscan {
    fn name(&self) -> &'static str {
        "network::portscan"
    }

    fn observe(&mut self, event: &Event, ctx: &Context, _sink: &mut FindingSink) {
        let Some(v) = view(event, ctx) else { return };
        let f = v.rec;
        if v.o.direction != ConnDirection::Outbound || !matches!(f.protocol, Some(TCP) | Some(UDP)) {
            return;
        }
        let blocked = f.action == FlowAction::Reject;
        if f.packets > PROBE_MAX_PACKETS && !blocked {
            return;
        }
        let port = v.o.remote_port;
        let st = self.pairs.entry((self.entities.id(v.entity), v.o.remote)).or_default();
        st.local.get_or_insert(v.o.local);
        st.protocol = f.protocol.unwrap_or(0);
        st.probes += 1;
        st.blocked += blocked as u64;
        st.span.add(f);
        for b in window_buckets(f.start, WINDOW) {
            let ports = st.buckets.slot(b);
            if ports.len() < MIN_PORTS && !ports.contains(&port) {
                ports.push(port);
            }
        }
        if st.ports.len() < EVIDENCE_PORTS && !st.ports.contains(&port) {
            st.ports.push(port);
        }
        st.samples.offer(f.start, f.src, || FlowBrief::of(f, &mut self.entities));
    }

    fn finish(&mut self, ctx: &Context, sink: &mut FindingSink) {
        for ((entity, remote), st) in &self.pairs {
            let entity = self.entities.name(*entity);
            let peak = st.buckets.values().map(Vec::len).max().unwrap_or(0);
            if peak < MIN_PORTS {
                continue;
            }
            let Some(resource) = resolve_entity(&ctx.inventory, entity) else { continue };
            let conn = Connection {
                direction: ConnDirection::Outbound,
                protocol: st.protocol,
                local: st.local,
                local_port: None,
                remote: Some(*remote),
                remote_port: st.ports.iter().max().copied(),
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
            d.distinguish_by = remote.to_string();
            d.title = format!(
                "EC2 instance {resource} is performing outbound port scans against remote host {remote}."
            );
            d.description = format!(
                "EC2 instance {resource} is probing ports of remote host {remote}: at least {peak} distinct ports within {} \
                 minutes. The purpose of a port scan is to find open ports and the services behind them.",
                WINDOW / MINUTE
            );
            d.why.push(format!(
                "{resource} opened probe-sized connections (≤{PROBE_MAX_PACKETS} packets, or rejected) to ≥{peak} distinct \
                 ports of {remote} within {} minutes (threshold {MIN_PORTS}); {} probes in all, {} rejected.",
                WINDOW / MINUTE,
                st.probes,
                st.blocked
            ));
            let mut ports = st.ports.clone();
            ports.sort_unstable();
            let (first, last) = st.span.json();
            let mut m = Map::new();
            info(&mut m, "remoteHost", json!(remote.to_string()));
            info(&mut m, "distinctPortsPerWindow", json!(peak));
            info(&mut m, "samplePorts", json!(ports));
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

    #[test]
    fn syn_scan_of_one_host_fires() {
        let mut events: Vec<Event> = (0..200u64)
            .map(|p| {
                ev(flow(
                    p,
                    "eni-s",
                    "10.0.0.9",
                    40000,
                    "203.0.113.8",
                    1 + p as u16,
                    TCP,
                    1,
                    44,
                    T0 + p as i64 * 300,
                ))
            })
            .collect();
        // The target answers some with resets.
        events.push(ev(flow(999, "eni-s", "203.0.113.8", 22, "10.0.0.9", 40000, TCP, 1, 40, T0)));
        let f = scan_events(events);
        let scans: Vec<_> = f.iter().filter(|x| x.finding_type == TYPE).collect();
        assert_eq!(scans.len(), 1, "{f:#?}");
        assert_eq!(scans[0].severity, 5.0);
        assert_eq!(scans[0].service.resource_role, "ACTOR");
        let nca = scans[0].service.action.network_connection_action.as_ref().unwrap();
        assert_eq!(nca.connection_direction, "OUTBOUND");
        assert_eq!(nca.remote_ip_details.as_ref().unwrap().ip(), Some("203.0.113.8"));
        assert!(scans[0].service.additional_info.as_ref().unwrap().value.contains("samplePorts"));
    }

    #[test]
    fn busy_web_server_and_data_connections_do_not_fire() {
        // A web server answering one busy client (a load balancer) from port 443 to many of
        // the client's ephemeral ports: the client opened those connections.
        let mut events: Vec<Event> = (0..500u64)
            .map(|i| {
                ev(flow(
                    i,
                    "eni-w",
                    "10.0.0.5",
                    443,
                    "198.51.100.20",
                    30000 + i as u16,
                    TCP,
                    2,
                    120,
                    T0 + i as i64,
                ))
            })
            .collect();
        // Passive FTP: many data ports on one server, each carrying data.
        events.extend((0..100u64).map(|i| {
            ev(flow(
                1000 + i,
                "eni-w",
                "10.0.0.5",
                45000,
                "198.51.100.30",
                50000 + i as u16,
                TCP,
                800,
                1_000_000,
                T0,
            ))
        }));
        // Slow: 60 ports over 10 hours.
        events.extend((0..60u64).map(|i| {
            ev(flow(
                2000 + i,
                "eni-w",
                "10.0.0.5",
                41000,
                "198.51.100.40",
                1 + i as u16,
                TCP,
                1,
                44,
                T0 + i as i64 * 600_000,
            ))
        }));
        let f = scan_events(events);
        assert!(f.iter().all(|x| x.finding_type != TYPE), "{f:#?}");
    }
}
