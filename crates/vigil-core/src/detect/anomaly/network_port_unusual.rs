//! `Behavior:EC2/NetworkPortUnusual` — an EC2 instance is communicating with a remote host on a
//! server port it has no history of using.
//!
//! **Fires on** an accepted outbound connection (VPC Flow Logs) of an instance (its
//! `instance-id`, else its network interface) to a remote server port (the lower port of the
//! pair; ephemeral ports ≥ 49152 and ICMP are ignored) that the instance's baseline never shows,
//! **and** either a remote network (/24, /48) that is new for the instance too, or a protocol it
//! never used. A new port to a known peer (a new service on a known database host) stays silent.
//! Instances with 3 active days of baseline are judged; instances talking to more than 512
//! networks a day (public servers) have peer novelty switched off.
//!
//! **Fields**: `instance-id`/`interface-id`, `srcaddr`, `dstaddr`, `srcport`, `dstport`,
//! `protocol`, `bytes`, `start`, `action`, `flow-direction` (when logged).
//!
//! **Severity**: Medium (5.0) as GuardDuty; 5.5 when the protocol is new as well; −0.5 on a thin
//! baseline.
//!
//! **Evidence**: the first flow to the port; `additionalInfo.unusual` lists the new port with
//! the instance's usual ports, and the new peer.
//!
//! **Known false positives**: a newly deployed integration (a new SaaS API on a non-standard
//! port). Ports of connections refused by security groups are not judged here.

use serde_json::json;

use super::{anomaly_info, baseline_info, instance_draft};
use crate::detect::{Context, Detector};
use crate::findings::FindingSink;

pub const TYPE: &str = "Behavior:EC2/NetworkPortUnusual";

pub struct NetworkPortUnusual;

impl Detector for NetworkPortUnusual {
    fn name(&self) -> &'static str {
        "anomaly::network_port_unusual"
    }

    fn observe(&mut self, _e: &crate::event::Event, _ctx: &Context, _sink: &mut FindingSink) {}

    fn finish(&mut self, ctx: &Context, sink: &mut FindingSink) {
        for a in &ctx.baseline.scored().ports {
            let mut d =
                instance_draft(TYPE, a.severity, &a.account, &a.endpoint, &a.sample, ctx, self.name());
            d.count = a.flows.max(1);
            let remote = a.sample.remote.map(|r| r.to_string()).unwrap_or_default();
            d.title = format!(
                "Unusual outbound communication on port {} from EC2 instance {}.",
                a.sample.remote_port, a.endpoint
            );
            d.description = format!(
                "EC2 instance {} is communicating with remote host {remote} on an unusual server port {}: {}.",
                a.endpoint,
                a.sample.remote_port,
                a.unusual.iter().map(|u| u.explanation.as_str()).collect::<Vec<_>>().join("; ")
            );
            let baseline = ctx
                .baseline
                .baseline_of(&a.account)
                .map(|b| {
                    let flows = b.instances.get(&a.endpoint).map_or(0, |p| p.flows);
                    baseline_info(b, json!({"instance": a.endpoint, "instanceFlows": flows}))
                })
                .unwrap_or_default();
            d.additional_info = anomaly_info(&a.unusual, baseline);
            d.why = a.unusual.iter().map(|u| u.explanation.clone()).collect();
            d.distinguish_by = format!("{remote}:{}", a.sample.remote_port);
            sink.report(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testworld::*;
    use super::TYPE;

    #[test]
    fn fires_on_a_new_port_to_a_new_peer() {
        let mut w = World::new(31, 21);
        let t = w.day_time(17, 3, 12);
        w.connection(t, "i-0web1", "10.0.1.15", "198.18.7.7", 6667, 6, 40_000, 9_000);
        let f = w.scan();
        let a = anomaly_findings(&f);
        assert_eq!(a.len(), 1, "{:#?}", explain(&a));
        let f = a[0];
        assert_eq!(f.finding_type, TYPE);
        assert_eq!(f.severity, 5.0);
        assert_eq!(f.resource.instance_details.as_ref().unwrap().instance_id, "i-0web1");
        let nc = f.service.action.network_connection_action.as_ref().unwrap();
        assert_eq!(nc.remote_port_details.as_ref().unwrap().port, 6667);
        assert_eq!(nc.connection_direction, "OUTBOUND");
        let u = unusual_of(f);
        assert!(u[0].starts_with("remote port tcp/6667: never used by this instance in 14 days / "), "{u:?}");
        assert!(u[0].contains("tcp/443"), "{u:?}");
        assert!(u[1].starts_with("remote network 198.18.7.0/24: new for this instance"), "{u:?}");
    }

    #[test]
    fn known_ports_and_new_ports_to_known_peers_stay_silent() {
        let mut w = World::new(32, 21);
        let t = w.day_time(17, 3, 12);
        // New peer, usual port.
        w.connection(t, "i-0web1", "10.0.1.15", "151.101.1.69", 443, 6, 40_000, 900_000);
        // Known peer (the database host), new port.
        w.connection(t, "i-0web1", "10.0.1.15", "10.0.2.15", 6379, 6, 1_000, 1_000);
        let f = w.scan();
        assert!(anomaly_findings(&f).is_empty(), "{:#?}", explain(&anomaly_findings(&f)));
    }
}
