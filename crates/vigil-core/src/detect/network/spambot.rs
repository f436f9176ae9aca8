//! `Backdoor:EC2/Spambot` — an instance that is not a mail server talks SMTP (port 25) to many
//! mail servers on the internet.
//!
//! **Fires on** an instance opening TCP connections to port 25 of at least [`MIN_HOSTS`]
//! distinct public addresses within [`WINDOW`], when the instance does not itself receive SMTP
//! from public addresses (mail servers both receive and relay; GuardDuty's "no prior history of
//! port 25" is approximated by "not a mail server in this input"). Applications that send
//! notifications use one relay or an email API, not dozens of recipients' MX hosts.
//!
//! **Fields**: `srcaddr`, `dstaddr`, `srcport`, `dstport`, `protocol`, `packets`, `bytes`,
//! `action`, `start`, and `flow-direction`/`tcp-flags` when logged.
//!
//! **Severity**: Medium (5.0), as GuardDuty; the instance is the `ACTOR`.
//!
//! **Evidence**: distinct mail hosts, connections, bytes, sample hosts, first/last seen,
//! sample records. One finding per instance.
//!
//! **Known false positives**: outbound-only mail relays (a send-only Postfix for an
//! application). Suppress by instance tag.
//!
//! Example: 10.0.0.9 connects to port 25 of 40 different public addresses within an hour and
//! receives no SMTP itself ⇒ Spambot.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::net::IpAddr;

use serde_json::{json, Map};

use super::{
    human_bytes, info, instance_draft, resolve_entity, view, window_buckets, Connection, Entities, FlowBrief,
    FlowSamples, Span, Windows,
};
use crate::detect::{Context, Detector};
use crate::event::{Event, FlowAction};
use crate::findings::FindingSink;
use crate::net::addr::is_public;
use crate::net::flow::{ConnDirection, TCP};
use crate::time::MINUTE;

pub const TYPE: &str = "Backdoor:EC2/Spambot";
pub const SEVERITY: f64 = 5.0;
pub const SMTP_PORT: u16 = 25;
/// Distinct recipient mail servers within the window: spam runs reach hundreds an hour; an
/// application sending through a relay reaches one or two.
pub const MIN_HOSTS: usize = 10;
pub const WINDOW: i64 = 60 * MINUTE;
const EVIDENCE_HOSTS: usize = 20;

#[derive(Default)]
struct SmtpState {
    buckets: Windows<Vec<IpAddr>>,
    hosts: Vec<IpAddr>,
    connections: HashSet<(IpAddr, u16)>,
    bytes: u64,
    blocked: u64,
    records: u64,
    local: Option<IpAddr>,
    last_host: Option<(i64, IpAddr)>,
    span: Span,
    samples: FlowSamples,
}

#[derive(Default)]
pub struct Spambot {
    senders: HashMap<String, SmtpState>,
    /// Interface ids of evidence samples.
    entities: Entities,
    /// Entities that receive SMTP from the internet: mail servers.
    mail_servers: HashSet<String>,
}

/// Connections remembered per instance for counting (beyond it the count is a floor).
const MAX_CONNECTIONS: usize = 10_000;

impl Detector for Spambot {
    fn name(&self) -> &'static str {
        "network::spambot"
    }

    fn observe(&mut self, event: &Event, ctx: &Context, _sink: &mut FindingSink) {
        let Some(v) = view(event, ctx) else { return };
        let f = v.rec;
        let o = v.o;
        if f.protocol != Some(TCP) || !is_public(o.remote) {
            return;
        }
        if o.direction == ConnDirection::Inbound && o.local_port == SMTP_PORT {
            if f.action == FlowAction::Accept && !self.mail_servers.contains(v.entity) {
                self.mail_servers.insert(v.entity.to_string());
            }
            return;
        }
        if o.direction != ConnDirection::Outbound || o.remote_port != SMTP_PORT {
            return;
        }
        // Looked up before inserting: the key is copied once per sender, not per record.
        if !self.senders.contains_key(v.entity) {
            self.senders.insert(v.entity.to_string(), SmtpState::default());
        }
        let Some(st) = self.senders.get_mut(v.entity) else { return };
        for b in window_buckets(f.start, WINDOW) {
            let hosts = st.buckets.slot(b);
            if hosts.len() < MIN_HOSTS && !hosts.contains(&o.remote) {
                hosts.push(o.remote);
            }
        }
        if st.hosts.len() < EVIDENCE_HOSTS && !st.hosts.contains(&o.remote) {
            st.hosts.push(o.remote);
        }
        if st.connections.len() < MAX_CONNECTIONS {
            st.connections.insert((o.remote, o.local_port));
        }
        st.records += 1;
        st.blocked += (f.action == FlowAction::Reject) as u64;
        if o.egress {
            st.bytes += f.bytes;
        }
        st.local.get_or_insert(o.local);
        let latest = (f.start, o.remote);
        if st.last_host.is_none_or(|l| latest > l) {
            st.last_host = Some(latest);
        }
        st.span.add(f);
        st.samples.offer(f.start, f.src, || FlowBrief::of(f, &mut self.entities));
    }

    fn finish(&mut self, ctx: &Context, sink: &mut FindingSink) {
        for (entity, st) in &self.senders {
            let peak = st.buckets.values().map(Vec::len).max().unwrap_or(0);
            if peak < MIN_HOSTS || self.mail_servers.contains(entity) {
                continue;
            }
            let Some(resource) = resolve_entity(&ctx.inventory, entity) else { continue };
            let conn = Connection {
                direction: ConnDirection::Outbound,
                protocol: TCP,
                local: st.local,
                local_port: None,
                remote: st.last_host.map(|l| l.1),
                remote_port: Some(SMTP_PORT),
                blocked: st.blocked == st.records,
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
            d.count = st.connections.len() as u64;
            d.title = format!("EC2 instance {resource} is exhibiting unusual behavior by communicating with remote hosts on port 25.");
            d.description = format!(
                "EC2 instance {resource} is communicating with {peak}+ remote hosts on port 25 (SMTP) within an hour and does \
                 not receive mail itself. It might be compromised for use in sending out spam."
            );
            d.why.push(format!(
                "Outbound SMTP to {peak} distinct public hosts within {} minutes (threshold {MIN_HOSTS}); {} connections, {} \
                 sent; the instance receives no SMTP from the internet.",
                WINDOW / MINUTE,
                st.connections.len(),
                human_bytes(st.bytes)
            ));
            let hosts: Vec<String> = st.hosts.iter().map(|h| h.to_string()).collect();
            let (first, last) = st.span.json();
            let mut m = Map::new();
            info(&mut m, "mailHostsPerWindow", json!(peak));
            info(&mut m, "sampleHosts", json!(hosts));
            info(&mut m, "connections", json!(st.connections.len()));
            info(&mut m, "bytesSent", json!(st.bytes));
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

    fn smtp_out(eni: &str, n: u64) -> Vec<Event> {
        (0..n)
            .map(|i| {
                ev(flow(
                    i,
                    eni,
                    "10.0.0.9",
                    40000 + i as u16,
                    &format!("198.51.{}.25", i % 200),
                    25,
                    TCP,
                    20,
                    8000,
                    T0 + i as i64 * 20_000,
                ))
            })
            .collect()
    }

    #[test]
    fn smtp_to_many_mail_hosts_fires() {
        let f = scan_events(smtp_out("eni-s", 40));
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].finding_type, TYPE);
        assert_eq!(f[0].severity, 5.0);
        assert_eq!(f[0].service.count, 40);
    }

    #[test]
    fn mail_servers_and_single_relays_do_not_fire() {
        let mut events = smtp_out("eni-mx", 40);
        events.push(ev(flow(900, "eni-mx", "185.20.30.60", 50000, "10.0.0.9", 25, TCP, 30, 9000, T0)));
        // An app sending all mail through one relay.
        events.extend((0..100u64).map(|i| {
            ev(flow(
                1000 + i,
                "eni-app",
                "10.0.0.4",
                40000 + i as u16,
                "198.51.100.25",
                25,
                TCP,
                20,
                8000,
                T0 + i as i64,
            ))
        }));
        let f = scan_events(events);
        assert!(f.is_empty(), "{f:#?}");
    }
}
