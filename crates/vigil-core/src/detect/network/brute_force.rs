//! `UnauthorizedAccess:EC2/SSHBruteForce`, `UnauthorizedAccess:EC2/RDPBruteForce` and
//! `Impact:EC2/WinRMBruteForce` — many short login-sized connections between one remote host
//! and one instance on the SSH (22 only, as GuardDuty), RDP (3389) or WinRM (5985/5986) port.
//!
//! **Fires on** at least [`MIN_ATTEMPTS`] distinct *attempts* within [`WINDOW`] between one
//! instance and one remote address on the service port, in either role:
//! - `TARGET`: the remote host opened the connections to the instance's service port;
//! - `ACTOR`: the instance opened them to the remote host's service port.
//!
//! An attempt is one TCP connection (told apart by its client port, which every record of the
//! connection shares in both directions and across capture windows) that was accepted, got
//! past the handshake (a record with at least [`ATTEMPT_MIN_PACKETS`] packets) and stayed
//! login-sized (no record above [`ATTEMPT_MAX_BYTES`]). Connections that carried more are real
//! sessions or transfers (scp, rsync backups, RDP sessions) and do not count; rejected or
//! unanswered SYNs are port probes, not password guesses, and do not count either.
//!
//! **Fields**: `srcaddr`, `dstaddr`, `srcport`, `dstport`, `protocol`, `packets`, `bytes`,
//! `action`, `start`/`end`, and `tcp-flags`/`flow-direction` when logged (for direction).
//!
//! **Severity**: as GuardDuty — Low (2.0) when the instance is the target, High (8.0) when it
//! is the actor.
//!
//! **Evidence**: attempts, packets and bytes in both directions, client ports, first/last seen,
//! sample records; one finding per instance, remote host, role and service.
//!
//! **Known false positives**: configuration-management tools (Ansible without connection
//! reuse) or CI runners opening dozens of short SSH connections from one address; bastion
//! health checks. Suppress by instance tag or remote address.
//!
//! Example: 40 connections from 198.51.100.7:4xxxx to 10.0.0.5:22 within five minutes, each
//! 12 packets / 3 KB ⇒ SSHBruteForce, TARGET, Low.

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
use crate::net::flow::{ConnDirection, TCP};
use crate::time::MINUTE;

/// Attempts within one window that make a brute force: tools such as Hydra or Ncrack run
/// 4–16 parallel tasks and open hundreds of connections a minute; a person, a deploy script
/// or a backup opens a handful.
pub const MIN_ATTEMPTS: usize = 20;
/// The window attempts are counted in.
pub const WINDOW: i64 = 10 * MINUTE;
/// A record with fewer packets is a bare handshake or reset (a port probe), not a login try.
pub const ATTEMPT_MIN_PACKETS: u64 = 4;
/// A connection with a record above this many bytes carried a session or a transfer; a failed
/// SSH or RDP login (key exchange, a few password tries) moves a few KB each way.
pub const ATTEMPT_MAX_BYTES: u64 = 30_000;
/// Client ports remembered per window and pair; beyond it the count is already conclusive.
const MAX_PORTS: usize = 4 * MIN_ATTEMPTS;

/// One of the brute-forced services.
pub struct Service {
    pub finding_type: &'static str,
    pub name: &'static str,
    pub ports: &'static [u16],
}

pub const SERVICES: &[Service] = &[
    Service { finding_type: "UnauthorizedAccess:EC2/SSHBruteForce", name: "SSH", ports: &[22] },
    Service { finding_type: "UnauthorizedAccess:EC2/RDPBruteForce", name: "RDP", ports: &[3389] },
    Service { finding_type: "Impact:EC2/WinRMBruteForce", name: "WinRM", ports: &[5985, 5986] },
];

pub const SEVERITY_TARGET: f64 = 2.0;
pub const SEVERITY_ACTOR: f64 = 8.0;

#[derive(Default)]
struct Bucket {
    /// Client ports of login-sized, past-handshake connections.
    attempts: Vec<u16>,
    /// Client ports of connections that carried a session or transfer.
    sessions: Vec<u16>,
}

impl Bucket {
    fn count(&self) -> usize {
        self.attempts.iter().filter(|p| !self.sessions.contains(p)).count()
    }
}

#[derive(Default)]
struct PairState {
    buckets: Windows<Bucket>,
    service_port: u16,
    local: Option<IpAddr>,
    span: Span,
    packets_to_server: u64,
    bytes_to_server: u64,
    packets_to_client: u64,
    bytes_to_client: u64,
    samples: FlowSamples,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    /// Interned entity key (see [`Entities`]).
    entity: u32,
    remote: IpAddr,
    service: usize,
    direction: ConnDirection,
}

#[derive(Default)]
pub struct BruteForce {
    pairs: HashMap<Key, PairState>,
    entities: Entities,
}

fn push_port(v: &mut Vec<u16>, p: u16) {
    if v.len() < MAX_PORTS && !v.contains(&p) {
        v.push(p);
    }
}

impl Detector for BruteForce {
    fn name(&self) -> &'static str {
        "network::brute_force"
    }

    fn observe(&mut self, event: &Event, ctx: &Context, _sink: &mut FindingSink) {
        let Some(v) = view(event, ctx) else { return };
        let f = v.rec;
        if f.protocol != Some(TCP) || f.action != FlowAction::Accept {
            return;
        }
        let (Some(port), Some(client_port)) = (v.o.service_port(), v.o.client_port()) else { return };
        let Some(service) = SERVICES.iter().position(|s| s.ports.contains(&port)) else { return };
        let key =
            Key { entity: self.entities.id(v.entity), remote: v.o.remote, service, direction: v.o.direction };
        let st = self.pairs.entry(key).or_default();
        st.service_port = port;
        st.local.get_or_insert(v.o.local);
        st.span.add(f);
        // Server-bound packets are the client's: egress when the instance is the client.
        let to_server = v.o.egress == (v.o.direction == ConnDirection::Outbound);
        if to_server {
            st.packets_to_server += f.packets;
            st.bytes_to_server += f.bytes;
        } else {
            st.packets_to_client += f.packets;
            st.bytes_to_client += f.bytes;
        }
        for b in window_buckets(f.start, WINDOW) {
            let bucket = st.buckets.slot(b);
            if f.bytes > ATTEMPT_MAX_BYTES {
                push_port(&mut bucket.sessions, client_port);
            } else if f.packets >= ATTEMPT_MIN_PACKETS {
                push_port(&mut bucket.attempts, client_port);
            }
        }
        st.samples.offer(f.start, f.src, || FlowBrief::of(f, &mut self.entities));
    }

    fn finish(&mut self, ctx: &Context, sink: &mut FindingSink) {
        // Only pairs that reach the threshold are sorted (by name, for a stable report order).
        let peak_of = |st: &PairState| st.buckets.values().map(Bucket::count).max().unwrap_or(0);
        let mut keys: Vec<&Key> =
            self.pairs.iter().filter(|(_, st)| peak_of(st) >= MIN_ATTEMPTS).map(|(k, _)| k).collect();
        let name = |k: &Key| self.entities.name(k.entity);
        keys.sort_by(|a, b| (name(a), a.remote, a.service).cmp(&(name(b), b.remote, b.service)));
        for key in keys {
            let st = &self.pairs[key];
            let peak = peak_of(st);
            let Some(resource) = resolve_entity(&ctx.inventory, name(key)) else { continue };
            let service = &SERVICES[key.service];
            // Total attempts over the input, counted once (the first bucketing only).
            let total: usize = st.buckets.iter().filter(|(b, _)| *b % 2 == 0).map(|(_, b)| b.count()).sum();
            let actor = key.direction == ConnDirection::Outbound;
            let conn = Connection {
                direction: key.direction,
                protocol: TCP,
                local: st.local,
                local_port: (!actor).then_some(st.service_port),
                remote: Some(key.remote),
                remote_port: actor.then_some(st.service_port),
                blocked: false,
            };
            let severity = if actor { SEVERITY_ACTOR } else { SEVERITY_TARGET };
            let mut d = instance_draft(
                ctx,
                &resource,
                service.finding_type,
                severity,
                st.span,
                &conn,
                st.samples.lines(&self.entities),
                self.name(),
            );
            d.count = total.max(1) as u64;
            d.distinguish_by = format!("{}|{}", key.remote, conn.direction.as_str());
            let (attacker, victim) = if actor {
                (resource.clone(), key.remote.to_string())
            } else {
                (key.remote.to_string(), resource.clone())
            };
            d.title =
                format!("{attacker} is performing {} brute force attacks against {victim}.", service.name);
            d.description = format!(
                "{attacker} is performing {} brute force attacks against {victim}. Brute force attacks are used to gain \
                 unauthorized access to an instance by guessing its {} credentials.",
                service.name, service.name
            );
            d.why.push(format!(
                "{peak} login-sized {} connections (≥{ATTEMPT_MIN_PACKETS} packets, ≤{ATTEMPT_MAX_BYTES} bytes per record) \
                 between {} and {} on port {} within {} minutes (threshold {MIN_ATTEMPTS}); {total} in all.",
                service.name,
                key.remote,
                resource,
                st.service_port,
                WINDOW / MINUTE
            ));
            d.why.push(if actor {
                "The instance opened the connections (it is the ACTOR): High.".to_string()
            } else {
                "The remote host opened the connections (the instance is the TARGET): Low.".to_string()
            });
            let (first, last) = st.span.json();
            let mut m = Map::new();
            info(&mut m, "attempts", json!(total));
            info(&mut m, "peakAttemptsPerWindow", json!(peak));
            info(&mut m, "servicePort", json!(st.service_port));
            info(&mut m, "remoteHost", json!(key.remote.to_string()));
            info(&mut m, "packetsToServer", json!(st.packets_to_server));
            info(&mut m, "bytesToServer", json!(st.bytes_to_server));
            info(&mut m, "packetsToClient", json!(st.packets_to_client));
            info(&mut m, "bytesToClient", json!(st.bytes_to_client));
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

    /// `n` SSH-like connections from `remote` to the instance's port `port`, both directions.
    fn attempts(remote: &str, port: u16, n: u64, packets: u64, bytes: u64, step: i64) -> Vec<Event> {
        let mut v = Vec::new();
        for i in 0..n {
            let cport = 40000 + i as u16;
            let t = T0 + i as i64 * step;
            v.push(ev(flow(2 * i, "eni-web", remote, cport, "10.0.0.5", port, TCP, packets, bytes, t)));
            v.push(ev(flow(2 * i + 1, "eni-web", "10.0.0.5", port, remote, cport, TCP, packets, bytes, t)));
        }
        v
    }

    fn of_type<'a>(f: &'a [Finding], t: &str) -> Vec<&'a Finding> {
        f.iter().filter(|x| x.finding_type == t).collect()
    }

    #[test]
    fn inbound_ssh_brute_force_is_low_target() {
        let f = scan_events(attempts("198.51.100.7", 22, 40, 12, 3000, 5_000));
        let ssh = of_type(&f, "UnauthorizedAccess:EC2/SSHBruteForce");
        assert_eq!(ssh.len(), 1, "{f:#?}");
        let s = ssh[0];
        assert_eq!(s.severity, 2.0);
        assert_eq!(s.service.resource_role, "TARGET");
        assert_eq!(s.service.count, 40);
        let nca = s.service.action.network_connection_action.as_ref().unwrap();
        assert_eq!(nca.connection_direction, "INBOUND");
        assert_eq!(nca.local_port_details.as_ref().unwrap().port, 22);
        assert_eq!(nca.remote_ip_details.as_ref().unwrap().ip(), Some("198.51.100.7"));
        assert_eq!(s.resource.instance_details.as_ref().unwrap().instance_id, "eni-web");
        assert!(!s.vigil.as_ref().unwrap().evidence.is_empty());
    }

    #[test]
    fn outbound_rdp_and_winrm_are_high_actor() {
        let mut events = Vec::new();
        for i in 0..30u64 {
            let cport = 50000 + i as u16;
            let t = T0 + i as i64 * 2_000;
            let mut a = flow(i, "eni-x", "10.0.0.9", cport, "203.0.113.50", 3389, TCP, 20, 4000, t);
            a.instance_id = Some("i-bad".into());
            events.push(ev(a));
            let mut b = flow(100 + i, "eni-x", "10.0.0.9", cport, "203.0.113.51", 5985, TCP, 10, 2500, t);
            b.instance_id = Some("i-bad".into());
            events.push(ev(b));
        }
        let f = scan_events(events);
        let rdp = of_type(&f, "UnauthorizedAccess:EC2/RDPBruteForce");
        assert_eq!(rdp.len(), 1);
        assert_eq!(rdp[0].severity, 8.0);
        assert_eq!(rdp[0].service.resource_role, "ACTOR");
        assert_eq!(rdp[0].resource.instance_details.as_ref().unwrap().instance_id, "i-bad");
        let winrm = of_type(&f, "Impact:EC2/WinRMBruteForce");
        assert_eq!(winrm.len(), 1);
        assert_eq!(winrm[0].severity, 8.0);
    }

    #[test]
    fn ssh_on_other_ports_and_slow_or_small_traffic_do_not_fire() {
        // SSH on 2222: GuardDuty watches port 22 only.
        let f = scan_events(attempts("198.51.100.7", 2222, 60, 12, 3000, 1_000));
        assert!(f.is_empty(), "{f:#?}");
        // A handful of logins spread over a day (admins).
        let f = scan_events(attempts("198.51.100.7", 22, 30, 12, 3000, 3_600_000));
        assert!(f.is_empty(), "{f:#?}");
        // Internet background scanning of a closed port: SYN / RST only.
        let f = scan_events(attempts("198.51.100.7", 22, 100, 1, 44, 1_000));
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn nightly_backups_and_rejected_probes_do_not_fire() {
        // rsync over SSH: 25 big transfers in a few minutes from the backup server.
        let f = scan_events(attempts("10.0.9.9", 22, 25, 50_000, 60_000_000, 5_000));
        assert!(f.is_empty(), "{f:#?}");
        // Blocked by the security group.
        let events: Vec<Event> = (0..50u64)
            .map(|i| {
                ev(rejected(flow(
                    i,
                    "eni-web",
                    "198.51.100.9",
                    40000 + i as u16,
                    "10.0.0.5",
                    22,
                    TCP,
                    6,
                    360,
                    T0 + i as i64,
                )))
            })
            .collect();
        assert!(scan_events(events).is_empty());
    }

    #[test]
    fn one_long_session_split_across_windows_is_one_connection() {
        // One interactive session (same client port) logged every minute for an hour.
        let events: Vec<Event> = (0..60u64)
            .map(|i| {
                ev(flow(
                    i,
                    "eni-web",
                    "198.51.100.7",
                    40001,
                    "10.0.0.5",
                    22,
                    TCP,
                    20,
                    3000,
                    T0 + i as i64 * 60_000,
                ))
            })
            .collect();
        assert!(scan_events(events).is_empty());
    }
}
