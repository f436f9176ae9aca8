//! Threat-intelligence detectors: a caller, peer or queried domain is on a bundled feed or on a
//! list the user loaded (`ctx.intel`). One module per finding family:
//!
//! - [`iam_caller`] — `Recon:`/`UnauthorizedAccess:IAMUser/{MaliciousIPCaller,MaliciousIPCaller.Custom,TorIPCaller}`
//! - [`s3_caller`] — `Discovery:`/`Exfiltration:`/`Impact:`/`UnauthorizedAccess:S3/…IPCaller…`
//! - [`instance_credential_exfiltration`] — `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.{OutsideAWS,InsideAWS}`
//! - [`dns_request`] — the `!DNS` types, `Impact:EC2/*DomainRequest.Reputation` and `.Custom`
//! - [`ip_traffic`] — `C&CActivity.B`, `BitcoinTool.B`, `BlackholeTraffic`, `DropPoint`,
//!   `UnauthorizedAccess:EC2/MaliciousIPCaller.Custom`, with DNS → flow attribution
//! - [`tor`] — `UnauthorizedAccess:EC2/{TorClient,TorRelay,TorIPCaller}`
//! - [`port_probe`] — `Recon:EC2/PortProbeUnprotectedPort`, `PortProbeEMRUnprotectedPort`
//!
//! Trusted lists win everywhere: `Intel::lookup_ip`/`lookup_domain` return nothing for a trusted
//! address or domain, so no finding names one as its remote party.

pub mod dns_request;
pub mod iam_caller;
pub mod instance_credential_exfiltration;
pub mod ip_traffic;
pub mod port_probe;
pub mod s3_caller;
pub mod tor;

use rustc_hash::FxHashMap as HashMap;

use crate::detect::Context;
use crate::event::SourceRef;
use crate::findings::model::{Resource, ThreatIntelligenceDetail};
use crate::findings::{Draft, FindingSink};
use crate::intel::Hit;
use crate::time::Millis;

/// GuardDuty's `threatIntelligenceDetails` entry for a hit: the list and the indicator.
pub fn threat_detail(hit: &Hit<'_>) -> ThreatIntelligenceDetail {
    ThreatIntelligenceDetail {
        threat_list_name: hit.list.name.clone(),
        threat_names: vec![hit.indicator.clone()],
        threat_file_sha256: None,
    }
}

/// `IPsum level 3 (malicious): 198.51.100.7`
pub fn describe_hit(hit: &Hit<'_>) -> String {
    format!("{} ({}): {}", hit.list.name, hit.category.as_str(), hit.indicator)
}

/// `true` when `name` looks like a read-only discovery call (`Describe*`, `List*`, `Get*`,
/// `Head*`, …) — GuardDuty files those under `Recon:`/`Discovery:` — rather than one that
/// reads secrets or changes something.
pub fn is_discovery_api(name: &str) -> bool {
    const SENSITIVE_READS: &[&str] = &[
        "GetSecretValue",
        "BatchGetSecretValue",
        "GetPasswordData",
        "GetObject",
        "GetObjectVersion",
        "GetParameter",
        "GetParameters",
        "GetParametersByPath",
        "GetSessionToken",
        "GetFederationToken",
        "GetCallerIdentity",
        "GetAuthorizationToken",
        "GetLoginProfile",
        "GetCredentialReport",
        "GetObjectTorrent",
        "GetDecryptedValue",
    ];
    const PREFIXES: &[&str] =
        &["Describe", "List", "Get", "Head", "Lookup", "Search", "BatchGet", "Scan", "Query"];
    PREFIXES.iter().any(|p| name.starts_with(p)) && !SENSITIVE_READS.contains(&name)
}

/// Which instance a buffered network/DNS match is about, resolved in `finish` when the
/// inventory has seen the whole input.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Subject {
    pub instance_id: Option<String>,
    pub interface_id: Option<String>,
}

impl Subject {
    /// The instance id, else the instance behind the interface, else the interface itself.
    pub fn resolve(&self, ctx: &Context) -> Option<String> {
        if let Some(i) = &self.instance_id {
            return Some(i.clone());
        }
        let eni = self.interface_id.as_deref()?;
        Some(ctx.inventory.instance_for_interface(eni).unwrap_or(eni).to_string())
    }

    /// `true` when the interface forwards other hosts' packets (NAT gateway, firewall): its
    /// records repeat those of the instances behind it, which are blamed instead.
    pub fn is_middlebox(&self, ctx: &Context) -> bool {
        self.instance_id.is_none()
            && self.interface_id.as_deref().is_some_and(|e| ctx.inventory.is_middlebox(e))
    }
}

/// GuardDuty's `NETWORK_CONNECTION` action for an oriented flow record.
pub fn connection_action(o: &crate::net::flow::Oriented, blocked: bool) -> crate::findings::model::Action {
    use crate::findings::model::*;
    Action {
        action_type: "NETWORK_CONNECTION".to_string(),
        network_connection_action: Some(NetworkConnectionAction {
            connection_direction: o.direction.as_str().to_string(),
            blocked,
            protocol: crate::net::flow::protocol_name(o.protocol).to_string(),
            local_port_details: Some(PortDetails::new(o.local_port)),
            remote_port_details: Some(PortDetails::new(o.remote_port)),
            local_ip_details: Some(LocalIpDetails::for_ip(o.local)),
            remote_ip_details: Some(RemoteIpDetails::for_ip(o.remote)),
        }),
        ..Action::default()
    }
}

/// `eni-1 i-0abc 10.0.0.5:49152 → 203.0.113.9:443 TCP ACCEPT (OUTBOUND)`
pub fn flow_summary(o: &crate::net::flow::Oriented, f: &crate::event::FlowRecord) -> String {
    let arrow = if o.egress { "→" } else { "←" };
    format!(
        "{} {}:{} {arrow} {}:{} {} {:?} ({}, {} packets, {} bytes)",
        f.instance_id.as_deref().or(f.interface_id.as_deref()).unwrap_or("?"),
        o.local,
        o.local_port,
        o.remote,
        o.remote_port,
        crate::net::flow::protocol_name(o.protocol),
        f.action,
        o.direction.as_str(),
        f.packets,
        f.bytes
    )
}

/// GuardDuty's `Instance` resource for an instance (or interface) id.
pub fn instance_resource(ctx: &Context, id: &str) -> Resource {
    Resource {
        resource_type: "Instance".to_string(),
        instance_details: Some(ctx.inventory.instance_details(id)),
        ..Resource::default()
    }
}

/// Evidence kept per buffered finding (the sink keeps a sample too; this bounds memory).
const EVIDENCE_KEEP: usize = 20;

/// Matches buffered until `finish`, aggregated by a key the detector chooses (finding type,
/// subject, remote party). Memory grows with distinct keys, not with events.
#[derive(Default)]
pub struct Pending {
    entries: HashMap<String, (Subject, Draft)>,
}

impl Pending {
    /// Adds one occurrence: the first creates the draft with `make`, later ones extend its
    /// time span, count, evidence and threat-intel details.
    pub fn add(
        &mut self,
        key: String,
        subject: &Subject,
        time: Millis,
        src: SourceRef,
        summary: impl FnOnce() -> String,
        make: impl FnOnce() -> Draft,
    ) {
        match self.entries.get_mut(&key) {
            Some((_, d)) => {
                d.count += 1;
                d.first_seen = d.first_seen.min(time);
                d.last_seen = d.last_seen.max(time);
                if d.evidence.len() < EVIDENCE_KEEP {
                    d.evidence.push((time, src, summary()));
                }
            }
            None => {
                let mut d = make();
                d.first_seen = time;
                d.last_seen = time;
                d.count = 1;
                d.evidence.push((time, src, summary()));
                self.entries.insert(key, (subject.clone(), d));
            }
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Buffers a complete draft under `key` (replacing any other).
    pub fn insert(&mut self, key: String, subject: Subject, draft: Draft) {
        self.entries.insert(key, (subject, draft));
    }

    /// The draft buffered under `key`, to add details (port-probe targets, …).
    pub fn draft_mut(&mut self, key: &str) -> Option<&mut Draft> {
        self.entries.get_mut(key).map(|(_, d)| d)
    }

    /// Takes the buffered (subject, draft) pairs out, in key order.
    pub fn take(&mut self) -> Vec<(String, Subject, Draft)> {
        let mut v: Vec<(String, Subject, Draft)> =
            self.entries.drain().map(|(k, (s, d))| (k, s, d)).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Resolves each subject to its instance and reports the drafts (in key order, so the
    /// output does not depend on hash order).
    pub fn flush(&mut self, ctx: &Context, sink: &mut FindingSink) {
        let mut entries: Vec<(String, (Subject, Draft))> = self.entries.drain().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, (subject, mut d)) in entries {
            if subject.is_middlebox(ctx) {
                continue;
            }
            let Some(id) = subject.resolve(ctx) else { continue };
            d.resource = instance_resource(ctx, &id);
            d.description = d.description.replace("{instance}", &id);
            d.title = d.title.replace("{instance}", &id);
            sink.report(d);
        }
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Events and contexts shared by the intel detectors' tests.

    use std::net::IpAddr;

    use crate::detect::Context;
    use crate::event::{DnsAnswer, DnsQuery, Event, FlowAction, FlowDirection, FlowRecord, SourceRef};
    use crate::intel::ListKind;

    /// The bundled intel plus a user threat list and a trusted list.
    pub fn context(threat: &str, trusted: &str) -> Context {
        // Decoding and indexing the bundle once per test binary keeps the tests quick.
        static BUNDLED: std::sync::OnceLock<crate::intel::Intel> = std::sync::OnceLock::new();
        let intel = BUNDLED.get_or_init(|| Context::with_bundled_intel().intel).clone();
        let mut ctx = Context { intel, ..Context::default() };
        if !threat.is_empty() {
            let r = ctx.intel.load_user_list("my-threats", ListKind::Threat, threat.as_bytes());
            assert!(r.errors.is_empty(), "{r:?}");
        }
        if !trusted.is_empty() {
            let r = ctx.intel.load_user_list("my-trusted", ListKind::Trusted, trusted.as_bytes());
            assert!(r.errors.is_empty(), "{r:?}");
        }
        ctx
    }

    /// A bundled address of the given category (first in the list), for fixtures that must
    /// not depend on one snapshot's content.
    pub fn bundled_ip(ctx: &Context, list: &str) -> IpAddr {
        ctx.intel.sample_ipv4(list).expect("bundled list has an IPv4 address")
    }

    pub const T0: i64 = 1_700_000_000_000;

    /// A flow record on `eni-1` of `i-0abc` (v5 fields with flow-direction).
    #[allow(clippy::too_many_arguments)]
    pub fn flow(
        n: u64,
        src: &str,
        sport: u16,
        dst: &str,
        dport: u16,
        egress: bool,
        action: FlowAction,
        tcp_flags: u16,
    ) -> Event {
        Event::Flow(FlowRecord {
            src: SourceRef { file: 0, record: n },
            version: 5,
            account_id: Some("111122223333".into()),
            interface_id: Some("eni-1".into()),
            srcaddr: Some(src.parse().unwrap()),
            dstaddr: Some(dst.parse().unwrap()),
            srcport: Some(sport),
            dstport: Some(dport),
            protocol: Some(6),
            packets: 10,
            bytes: 1000,
            start: T0 + n as i64 * 60_000,
            end: T0 + n as i64 * 60_000 + 60_000,
            action,
            instance_id: Some("i-0abc".into()),
            tcp_flags: Some(tcp_flags),
            region: Some("us-east-1".into()),
            flow_direction: Some(if egress { FlowDirection::Egress } else { FlowDirection::Ingress }),
            ..FlowRecord::default()
        })
    }

    /// An outbound TCP connection (SYN) from the instance to `remote:port`.
    pub fn outbound(n: u64, remote: &str, port: u16) -> Event {
        flow(n, "10.0.0.5", 49152, remote, port, true, FlowAction::Accept, 2)
    }

    /// An inbound TCP connection (SYN) from `remote` to the instance's `port`.
    pub fn inbound(n: u64, remote: &str, port: u16, action: FlowAction) -> Event {
        flow(n, remote, 51000, "10.0.0.5", port, false, action, 2)
    }

    /// A DNS query by the instance for `name`, answered with `answers`.
    pub fn dns(n: u64, name: &str, answers: &[&str]) -> Event {
        Event::Dns(DnsQuery {
            src: SourceRef { file: 1, record: n },
            time: T0 + n as i64 * 60_000,
            account_id: Some("111122223333".into()),
            region: Some("us-east-1".into()),
            vpc_id: Some("vpc-1".into()),
            query_name: name.into(),
            query_type: "A".into(),
            query_class: "IN".into(),
            rcode: "NOERROR".into(),
            answers: answers
                .iter()
                .map(|a| DnsAnswer { rdata: a.to_string(), rtype: "A".into(), class: "IN".into() })
                .collect(),
            srcaddr: Some("10.0.0.5".parse().unwrap()),
            srcport: Some(53000),
            transport: Some("UDP".into()),
            src_instance: Some("i-0abc".into()),
            ..DnsQuery::default()
        })
    }
}
