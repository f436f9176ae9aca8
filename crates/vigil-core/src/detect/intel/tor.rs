//! `UnauthorizedAccess:EC2/TorClient`, `UnauthorizedAccess:EC2/TorRelay` and
//! `UnauthorizedAccess:EC2/TorIPCaller` — an EC2 instance uses the Tor network, relays it, or is
//! reached from it.
//!
//! **Fires on** VPC flow records of an instance's interface whose remote address is on the
//! bundled Tor lists (relays of any flag; exits):
//! - `TorIPCaller`: an inbound connection from a Tor exit node was accepted;
//! - `TorRelay`: the instance both accepts connections from Tor relays and opens connections to
//!   them, with at least [`RELAY_MIN_PEERS`] distinct relays — how a relay behaves;
//! - `TorClient`: otherwise, the instance opens connections to Tor relays (guards, authorities).
//!
//! One instance gets `TorRelay` or `TorClient`, not both. Trusted addresses never count.
//!
//! **Severity** as GuardDuty: `TorClient` High (8.0), `TorRelay` High (8.0), `TorIPCaller` Medium
//! (5.0).
//!
//! **Evidence**: sampled flows; `threatIntelligenceDetails` names the Tor list and the relays.
//!
//! **Known false positives**: sanctioned Tor use (research, privacy tooling); a public service
//! visited by Tor users (`TorIPCaller` — expected for public websites; suppress by instance).
//!
//! Example: `i-0abc` opens TCP 9001 to a Tor relay → `UnauthorizedAccess:EC2/TorClient`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use crate::detect::intel::{connection_action, flow_summary, threat_detail, Pending, Subject};
use crate::detect::{Context, Detector};
use crate::event::{Event, FlowAction};
use crate::findings::{Draft, FindingSink};
use crate::intel::Category;
use crate::net::flow::ConnDirection;

pub const CLIENT: &str = "UnauthorizedAccess:EC2/TorClient";
pub const RELAY: &str = "UnauthorizedAccess:EC2/TorRelay";
pub const IP_CALLER: &str = "UnauthorizedAccess:EC2/TorIPCaller";

/// Distinct relays (in and out together) an instance must exchange connections with before it
/// counts as a relay rather than a client.
pub const RELAY_MIN_PEERS: usize = 3;
const PEERS_KEPT: usize = 50;

#[derive(Default)]
struct Peers {
    out: BTreeSet<IpAddr>,
    inbound: BTreeSet<IpAddr>,
}

#[derive(Default)]
pub struct Tor {
    caller: Pending,
    /// Outbound connections to relays, per subject (draft of the first, aggregated).
    outbound: Pending,
    inbound: Pending,
    peers: BTreeMap<String, Peers>,
}

fn subject_key(s: &Subject) -> String {
    format!("{}|{}", s.instance_id.as_deref().unwrap_or(""), s.interface_id.as_deref().unwrap_or(""))
}

impl Detector for Tor {
    fn name(&self) -> &'static str {
        "intel::tor"
    }

    fn observe(&mut self, event: &Event, ctx: &Context, _sink: &mut FindingSink) {
        let Event::Flow(f) = event else { return };
        let Some(o) = ctx.orient(f) else { return };
        if !ctx.intel.is_threat_ip(o.remote) {
            return;
        }
        let hits = ctx.intel.lookup_ip(o.remote);
        let exit = hits.iter().find(|h| h.category == Category::TorExit && !h.is_custom());
        let relay = hits
            .iter()
            .find(|h| matches!(h.category, Category::TorRelay | Category::TorExit) && !h.is_custom());
        let Some(relay) = relay else { return };
        let subject = Subject { instance_id: f.instance_id.clone(), interface_id: f.interface_id.clone() };
        let skey = subject_key(&subject);
        let accepted = f.action == FlowAction::Accept;
        let remote = o.remote;
        let make = |t: &'static str, sev: f64, title: &str, hit: &crate::intel::Hit<'_>| {
            let mut d = Draft::at(t, sev, f.start, "intel::tor");
            d.account_id = f.account_id.clone().unwrap_or_default();
            d.region = f.region.clone().unwrap_or_default();
            d.action = connection_action(&o, f.action == FlowAction::Reject);
            d.resource_role = o.direction.resource_role();
            d.title = title.to_string();
            d.description = format!("{title} Remote address: {remote}.");
            d.threat_intel = vec![threat_detail(hit)];
            d.why.push(format!("{remote} is on {} ({}).", hit.list.name, hit.category.as_str()));
            d
        };
        match o.direction {
            ConnDirection::Inbound if accepted => {
                if let Some(exit) = exit {
                    self.caller.add(
                        format!("{skey}|{remote}"),
                        &subject,
                        f.start,
                        f.src,
                        || flow_summary(&o, f),
                        || {
                            let mut d = make(IP_CALLER, 5.0, "EC2 instance {instance} is receiving inbound connections from a Tor exit node.", exit);
                            d.distinguish_by = remote.to_string();
                            d
                        },
                    );
                }
                let p = self.peers.entry(skey.clone()).or_default();
                if p.inbound.len() < PEERS_KEPT {
                    p.inbound.insert(remote);
                }
                self.inbound.add(
                    skey,
                    &subject,
                    f.start,
                    f.src,
                    || flow_summary(&o, f),
                    || {
                        make(
                            RELAY,
                            8.0,
                            "EC2 instance {instance} is making connections to a Tor network as a Tor relay.",
                            relay,
                        )
                    },
                );
            }
            ConnDirection::Outbound => {
                let p = self.peers.entry(skey.clone()).or_default();
                if p.out.len() < PEERS_KEPT {
                    p.out.insert(remote);
                }
                self.outbound.add(
                    skey,
                    &subject,
                    f.start,
                    f.src,
                    || flow_summary(&o, f),
                    || {
                        make(
                            CLIENT,
                            8.0,
                            "EC2 instance {instance} is making connections to Tor guard or authority nodes.",
                            relay,
                        )
                    },
                );
            }
            _ => {}
        }
    }

    fn finish(&mut self, ctx: &Context, sink: &mut FindingSink) {
        self.caller.flush(ctx, sink);
        let mut inbound: BTreeMap<String, (Subject, Draft)> =
            self.inbound.take().into_iter().map(|(k, s, d)| (k, (s, d))).collect();
        let mut out = Pending::default();
        for (key, subject, mut d) in self.outbound.take() {
            let peers = self.peers.get(&key);
            let n_out = peers.map_or(0, |p| p.out.len());
            let n_in = peers.map_or(0, |p| p.inbound.len());
            let listed: Vec<String> =
                peers.map(|p| p.out.iter().map(|a| a.to_string()).collect()).unwrap_or_default();
            if let Some((_, mut relay)) = inbound.remove(&key).filter(|_| n_in + n_out >= RELAY_MIN_PEERS) {
                relay.count += d.count;
                relay.first_seen = relay.first_seen.min(d.first_seen);
                relay.last_seen = relay.last_seen.max(d.last_seen);
                relay.evidence.append(&mut d.evidence);
                relay.why.push(format!(
                    "Accepted connections from {n_in} Tor relays and opened connections to {n_out}."
                ));
                relay.threat_intel[0].threat_names = listed;
                out.insert(key, subject, relay);
            } else {
                d.why.push(format!("Opened connections to {n_out} Tor relays."));
                d.threat_intel[0].threat_names = listed;
                out.insert(key, subject, d);
            }
        }
        // Inbound only: a relay that only receives (middle relays do both; guard-only is rare).
        for (key, (subject, mut d)) in inbound {
            let peers = self.peers.get(&key);
            let n_in = peers.map_or(0, |p| p.inbound.len());
            if n_in >= RELAY_MIN_PEERS {
                d.why.push(format!("Accepted connections from {n_in} Tor relays."));
                d.threat_intel[0].threat_names =
                    peers.map(|p| p.inbound.iter().map(|a| a.to_string()).collect()).unwrap_or_default();
                out.insert(key, subject, d);
            }
        }
        out.flush(ctx, sink);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::intel::fixtures::{context, inbound, outbound};
    use crate::detect::testing::scan_events_with;
    use crate::event::FlowAction;
    use crate::findings::Finding;

    fn tor_types(f: &[Finding]) -> Vec<String> {
        let mut t: Vec<String> =
            f.iter().filter(|f| f.finding_type.contains("/Tor")).map(|f| f.finding_type.clone()).collect();
        t.sort();
        t
    }

    /// Relays that are not exits, and exits, from the bundle.
    fn relays(ctx: &Context, n: usize) -> Vec<String> {
        ctx.intel.sample_ipv4s("Tor relays", n).into_iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn client_relay_and_ip_caller() {
        let ctx = context("", "");
        let r = relays(&ctx, 4);
        let exit = ctx.intel.sample_ipv4s("Tor exit nodes", 1)[0].to_string();
        assert_eq!(r.len(), 4);
        let client = scan_events_with(context("", ""), [outbound(1, &r[0], 9001), outbound(2, &r[0], 9001)]);
        assert_eq!(tor_types(&client), vec![CLIENT]);
        assert_eq!(client.iter().find(|f| f.finding_type == CLIENT).unwrap().service.count, 2);
        let relay = scan_events_with(
            context("", ""),
            [
                inbound(1, &r[0], 9001, FlowAction::Accept),
                inbound(2, &r[1], 9001, FlowAction::Accept),
                outbound(3, &r[2], 9001),
                outbound(4, &r[3], 443),
            ],
        );
        assert_eq!(tor_types(&relay), vec![RELAY]);
        assert_eq!(relay[0].severity, 8.0);
        let caller = scan_events_with(context("", ""), [inbound(1, &exit, 443, FlowAction::Accept)]);
        assert!(tor_types(&caller).contains(&IP_CALLER.to_string()), "{:?}", tor_types(&caller));
        assert_eq!(caller.iter().find(|f| f.finding_type == IP_CALLER).unwrap().severity, 5.0);
    }

    #[test]
    fn silent_for_rejected_clean_and_trusted() {
        let ctx = context("", "");
        let r = relays(&ctx, 1);
        let exit = ctx.intel.sample_ipv4s("Tor exit nodes", 1)[0].to_string();
        let f = scan_events_with(
            context("", &format!("{}\n", r[0])),
            [
                outbound(1, &r[0], 9001),                   // trusted
                inbound(2, &exit, 443, FlowAction::Reject), // rejected
                outbound(3, "11.22.44.8", 9001),            // not Tor
            ],
        );
        assert!(tor_types(&f).is_empty(), "{:?}", tor_types(&f));
    }
}
