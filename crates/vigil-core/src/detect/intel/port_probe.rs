//! `Recon:EC2/PortProbeUnprotectedPort` and `Recon:EC2/PortProbeEMRUnprotectedPort` — a port of
//! an EC2 instance is open to the internet and known scanners or malicious hosts are probing it.
//!
//! **Fires on** inbound VPC flow records that were ACCEPTED (nothing — security group, network
//! ACL — blocked them: the port is unprotected) from a remote address on a bundled scanner list
//! (maltrail mass scanners) or a known-malicious list (IPsum, ThreatFox). GuardDuty reports these
//! per instance with the probed ports and probing addresses in `portProbeAction`; so does Vigil.
//! The EMR variant applies to instances tagged as part of an EMR cluster
//! (`aws:elasticmapreduce:job-flow-id`) probed on an EMR web/UI port (YARN 8088, …).
//!
//! **Severity** as GuardDuty: `PortProbeUnprotectedPort` Low (2.0), High (8.0) when an
//! Elasticsearch port (9200, 9300) is probed; `PortProbeEMRUnprotectedPort` High (8.0).
//!
//! **Evidence**: the probes (local port, remote address) and the lists that name the prober.
//! Trusted addresses never count.
//!
//! **Known false positives**: intentionally public services (web servers on 80/443) — the
//! finding then says "scanners see this port", which is true; suppress by instance or port.
//!
//! Example: a Shodan scanner's SYN to `i-0abc:22` accepted → `Recon:EC2/PortProbeUnprotectedPort`.

use std::collections::BTreeSet;
use std::net::IpAddr;

use crate::detect::intel::{describe_hit, flow_summary, threat_detail, Pending, Subject};
use crate::detect::{Context, Detector};
use crate::event::{Event, FlowAction};
use crate::findings::model::{
    Action, LocalIpDetails, PortDetails, PortProbeAction, PortProbeDetail, RemoteIpDetails,
};
use crate::findings::{Draft, FindingSink};
use crate::intel::Category;
use crate::net::flow::ConnDirection;

pub const UNPROTECTED: &str = "Recon:EC2/PortProbeUnprotectedPort";
pub const EMR: &str = "Recon:EC2/PortProbeEMRUnprotectedPort";

/// Ports whose exposure makes the finding High.
pub const ELASTICSEARCH_PORTS: &[u16] = &[9200, 9300];
/// EMR web interfaces and services that allow remote code execution when exposed.
pub const EMR_PORTS: &[u16] = &[8088, 8042, 8890, 8998, 9870, 50070, 18080, 20888, 16010, 4040];
const EMR_TAG: &str = "aws:elasticmapreduce:job-flow-id";
/// Port-probe details kept per finding.
const DETAILS_KEPT: usize = 20;

#[derive(Default)]
pub struct PortProbe {
    pending: Pending,
}

impl Detector for PortProbe {
    fn name(&self) -> &'static str {
        "intel::port_probe"
    }

    fn observe(&mut self, event: &Event, ctx: &Context, _sink: &mut FindingSink) {
        let Event::Flow(f) = event else { return };
        if f.action != FlowAction::Accept {
            return;
        }
        let Some(o) = ctx.orient(f) else { return };
        if o.direction != ConnDirection::Inbound || !ctx.intel.is_threat_ip(o.remote) {
            return;
        }
        let hits = ctx.intel.lookup_ip(o.remote);
        let Some(hit) = hits.iter().find(|h| {
            !h.is_custom() && matches!(h.category, Category::Scanner | Category::Malicious | Category::C2)
        }) else {
            return;
        };
        let subject = Subject { instance_id: f.instance_id.clone(), interface_id: f.interface_id.clone() };
        let key = format!(
            "{}|{}",
            subject.instance_id.as_deref().unwrap_or(""),
            subject.interface_id.as_deref().unwrap_or("")
        );
        self.pending.add(
            key.clone(),
            &subject,
            f.start,
            f.src,
            || flow_summary(&o, f),
            || {
                let mut d = Draft::at(UNPROTECTED, 2.0, f.start, "intel::port_probe");
                d.account_id = f.account_id.clone().unwrap_or_default();
                d.region = f.region.clone().unwrap_or_default();
                d.action = Action {
                    action_type: "PORT_PROBE".to_string(),
                    port_probe_action: Some(PortProbeAction {
                        blocked: false,
                        port_probe_details: Vec::new(),
                    }),
                    ..Action::default()
                };
                d.resource_role = "TARGET";
                d
            },
        );
        let Some(d) = self.pending.draft_mut(&key) else { return };
        if let Some(ppa) = d.action.port_probe_action.as_mut() {
            let seen = ppa.port_probe_details.iter().any(|p| {
                p.local_port_details.port == o.local_port
                    && p.remote_ip_details.ip() == Some(&o.remote.to_string())
            });
            if !seen && ppa.port_probe_details.len() < DETAILS_KEPT {
                ppa.port_probe_details.push(PortProbeDetail {
                    local_port_details: PortDetails::new(o.local_port),
                    local_ip_details: Some(LocalIpDetails::for_ip(o.local)),
                    remote_ip_details: RemoteIpDetails::for_ip(o.remote),
                });
                d.why.push(format!(
                    "Port {} accepted a connection from {}.",
                    o.local_port,
                    describe_hit(hit)
                ));
            }
        }
        let detail = threat_detail(hit);
        if let Some(t) = d.threat_intel.iter_mut().find(|t| t.threat_list_name == detail.threat_list_name) {
            if t.threat_names.len() < DETAILS_KEPT && !t.threat_names.contains(&detail.threat_names[0]) {
                t.threat_names.push(detail.threat_names[0].clone());
            }
        } else {
            d.threat_intel.push(detail);
        }
    }

    fn finish(&mut self, ctx: &Context, sink: &mut FindingSink) {
        let mut out = Pending::default();
        for (key, subject, mut d) in self.pending.take() {
            let Some(id) = subject.resolve(ctx) else { continue };
            let emr = ctx.inventory.instance_details(&id).tags.iter().any(|t| t.key == EMR_TAG);
            let ports: BTreeSet<u16> = d
                .action
                .port_probe_action
                .as_ref()
                .map(|p| p.port_probe_details.iter().map(|x| x.local_port_details.port).collect())
                .unwrap_or_default();
            let probers: BTreeSet<IpAddr> = d
                .action
                .port_probe_action
                .as_ref()
                .map(|p| {
                    p.port_probe_details
                        .iter()
                        .filter_map(|x| x.remote_ip_details.ip()?.parse().ok())
                        .collect()
                })
                .unwrap_or_default();
            let port_list = ports.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
            if emr && ports.iter().any(|p| EMR_PORTS.contains(p)) {
                d.finding_type = EMR.to_string();
                d.severity = 8.0;
                d.title =
                    "Unprotected EMR-related port on EC2 instance {instance} is being probed.".to_string();
                d.why.push(format!("The instance is tagged {EMR_TAG} and an EMR port was probed."));
            } else {
                if ports.iter().any(|p| ELASTICSEARCH_PORTS.contains(p)) {
                    d.severity = 8.0;
                    d.why.push("An Elasticsearch port (9200/9300) was probed: severity High.".to_string());
                }
                d.title = "Unprotected port on EC2 instance {instance} is being probed.".to_string();
            }
            d.description = format!(
                "Port(s) {port_list} of EC2 instance {{instance}} are not blocked and are being probed by {} known scanner(s) or malicious host(s).",
                probers.len()
            );
            out.insert(key, subject, d);
        }
        out.flush(ctx, sink);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::intel::fixtures::{context, inbound, outbound};
    use crate::detect::testing::scan_events_with;
    use crate::findings::Finding;

    fn probes(f: &[Finding]) -> Vec<&Finding> {
        f.iter().filter(|f| f.finding_type.starts_with("Recon:EC2/PortProbe")).collect()
    }

    #[test]
    fn accepted_probes_from_scanners() {
        let ctx = context("", "");
        let scanners: Vec<String> =
            ctx.intel.sample_ipv4s("Maltrail mass scanners", 2).into_iter().map(|a| a.to_string()).collect();
        let f = scan_events_with(
            context("", ""),
            [
                inbound(1, &scanners[0], 22, FlowAction::Accept),
                inbound(2, &scanners[1], 22, FlowAction::Accept),
                inbound(3, &scanners[1], 3389, FlowAction::Accept),
            ],
        );
        let p = probes(&f);
        assert_eq!(p.len(), 1, "{f:?}");
        assert_eq!(p[0].finding_type, UNPROTECTED);
        assert_eq!(p[0].severity, 2.0);
        let details = &p[0].service.action.port_probe_action.as_ref().unwrap().port_probe_details;
        assert_eq!(details.len(), 3);
        assert_eq!(
            p[0].service.evidence.as_ref().unwrap().threat_intelligence_details[0].threat_list_name,
            "Maltrail mass scanners"
        );
        let es = scan_events_with(context("", ""), [inbound(1, &scanners[0], 9200, FlowAction::Accept)]);
        assert_eq!(probes(&es)[0].severity, 8.0);
    }

    #[test]
    fn emr_ports_on_emr_instances() {
        let ctx = context("", "");
        let scanner = ctx.intel.sample_ipv4("Maltrail mass scanners").unwrap().to_string();
        // CloudTrail tells the inventory the instance belongs to an EMR cluster.
        let run = r#"{"eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","awsRegion":"us-east-1","sourceIPAddress":"elasticmapreduce.amazonaws.com","userIdentity":{"type":"AssumedRole","accountId":"111122223333"},"recipientAccountId":"111122223333","responseElements":{"instancesSet":{"items":[{"instanceId":"i-0abc","instanceType":"m5.xlarge","tagSet":{"items":[{"key":"aws:elasticmapreduce:job-flow-id","value":"j-1"}]},"networkInterfaceSet":{"items":[{"networkInterfaceId":"eni-1","privateIpAddress":"10.0.0.5"}]}}]}}}"#;
        let run =
            Event::Api(Box::new(crate::ingest::cloudtrail::parse_record(run, Default::default()).unwrap()));
        let f = scan_events_with(context("", ""), [run, inbound(1, &scanner, 8088, FlowAction::Accept)]);
        let p = probes(&f);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].finding_type, EMR, "{:?}", p[0].resource);
        assert_eq!(p[0].severity, 8.0);
    }

    #[test]
    fn silent_for_blocked_outbound_clean_and_trusted() {
        let ctx = context("", "");
        let scanner = ctx.intel.sample_ipv4("Maltrail mass scanners").unwrap().to_string();
        let f = scan_events_with(
            context("", &format!("{scanner}\n")),
            [inbound(1, &scanner, 22, FlowAction::Accept)],
        );
        assert!(probes(&f).is_empty());
        let f = scan_events_with(
            context("", ""),
            [
                inbound(1, &scanner, 22, FlowAction::Reject),
                outbound(2, &scanner, 22),
                inbound(3, "11.22.44.77", 22, FlowAction::Accept),
            ],
        );
        assert!(probes(&f).is_empty(), "{f:?}");
    }
}
