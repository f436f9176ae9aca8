//! Traffic to listed addresses — an EC2 instance talked to an IP address on a threat list, or
//! to the address a listed domain resolved to for it:
//!
//! | peer | finding type | severity |
//! |---|---|---|
//! | C&C server (ThreatFox, or a C&C domain's answer) | `Backdoor:EC2/C&CActivity.B` | High 8 |
//! | mining pool / endpoint | `CryptoCurrency:EC2/BitcoinTool.B` | High 8 |
//! | black hole | `Trojan:EC2/BlackholeTraffic` | Medium 5 |
//! | drop point | `Trojan:EC2/DropPoint` | Medium 5 |
//! | any entry of a user threat list | `UnauthorizedAccess:EC2/MaliciousIPCaller.Custom` | Medium 5 |
//!
//! **Fires on** VPC flow records of an instance's interface where the remote address (the
//! packet-level one behind a NAT gateway) is listed: outbound connections (the instance opened
//! them, from TCP flags or ports — see `net::flow::orient`) for the bundled families; for user
//! lists also inbound connections that were accepted, as GuardDuty reports both directions.
//! Rejected outbound attempts still count (`blocked: true`): the attempt is the signal.
//!
//! **DNS → flow attribution**: when a Route 53 Resolver answer gave an instance a listed
//! domain's address, that instance's flows to the address at or after the query are attributed
//! to the domain (its list's family, the domain named in the evidence), even if the address is
//! on no list — C&C domains move between addresses faster than IP feeds follow. Flow and DNS
//! files may arrive in any order: outbound flows to public addresses are summarised per
//! (interface, address) as they come (bounded, see `FLOW_SUMMARY_CAP`) and joined in `finish`.
//!
//! **Evidence**: the flows (one line each, sampled), the list and indicator (address, CIDR or
//! domain). Repeats aggregate per instance, type and remote address. Trusted addresses and
//! domains are never reported; middlebox interfaces (NAT gateways) are skipped because the
//! instances behind them log the same traffic.
//!
//! **Known false positives**: feeds list shared hosting and CDN addresses now and then; a
//! mining-pool address serving other content.
//!
//! Example: `i-0abc` → `203.0.113.9:443` where ThreatFox lists `203.0.113.9` →
//! `Backdoor:EC2/C&CActivity.B`.

use rustc_hash::FxHashMap as HashMap;
use std::net::IpAddr;

use crate::detect::intel::{connection_action, describe_hit, flow_summary, threat_detail, Pending, Subject};
use crate::detect::{Context, Detector};
use crate::event::{Event, FlowAction, FlowRecord, SourceRef};
use crate::findings::model::ThreatIntelligenceDetail;
use crate::findings::{Draft, FindingSink};
use crate::intel::{Category, Hit};
use crate::net::addr::is_public;
use crate::net::flow::{ConnDirection, Oriented};
use crate::time::Millis;

pub const CUSTOM: &str = "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom";

/// At most this many (interface, address) flow summaries are kept for DNS attribution; past
/// it, flows still match addresses already resolved by an earlier DNS answer.
pub const FLOW_SUMMARY_CAP: usize = 1_000_000;

/// Finding type, severity and description for an address category.
pub fn ip_type(category: Category) -> Option<(&'static str, f64, &'static str)> {
    Some(match category {
        Category::C2 => ("Backdoor:EC2/C&CActivity.B", 8.0, "an IP address associated with a known command and control server"),
        Category::Mining => ("CryptoCurrency:EC2/BitcoinTool.B", 8.0, "an IP address associated with cryptocurrency-related activity"),
        Category::Blackhole => ("Trojan:EC2/BlackholeTraffic", 5.0, "an IP address of a remote host that is a known black hole"),
        Category::DropPoint => ("Trojan:EC2/DropPoint", 5.0, "an IP address of a remote host known to hold credentials and other stolen data captured by malware"),
        _ => return None,
    })
}

fn type_for(hit: &Hit<'_>) -> Option<(&'static str, f64, &'static str)> {
    if hit.is_custom() {
        Some((CUSTOM, 5.0, "an IP address on a custom threat list"))
    } else {
        ip_type(hit.category)
    }
}

/// A listed domain that resolved to an address for an instance.
#[derive(Clone, Debug)]
struct DnsLink {
    /// The instance that asked.
    instance: String,
    time: Millis,
    src: SourceRef,
    query: String,
    finding_type: &'static str,
    severity: f64,
    what: &'static str,
    detail: ThreatIntelligenceDetail,
    why: String,
}

/// Outbound flows of one interface to one public address: about a hundred bytes, whatever the
/// number of flows.
#[derive(Clone, Debug)]
struct FlowSummary {
    first: Millis,
    last: Millis,
    count: u64,
    /// The first flow seen (in arrival order) stands for the rest.
    sample_src: SourceRef,
    sample: Oriented,
    blocked: bool,
    /// Interned (account, region).
    place: u32,
}

#[derive(Default)]
pub struct IpTraffic {
    pending: Pending,
    /// Subjects interned by their joined ids (see [`joined_key`]), so that a record's lookup
    /// copies no strings.
    subjects: HashMap<Box<str>, u32>,
    subject_list: Vec<Subject>,
    /// (instance id from the DNS log, answer address) → the listed domains behind it.
    dns_links: HashMap<(String, IpAddr), Vec<DnsLink>>,
    flows: HashMap<(u32, IpAddr), FlowSummary>,
    /// (account, region) interned by their joined text.
    places: HashMap<Box<str>, u32>,
    place_list: Vec<(String, String)>,
    /// Reused buffer for the joined keys.
    scratch: String,
}

/// Two optional ids as one lookup key; the separator appears in neither.
fn joined_key(buf: &mut String, a: Option<&str>, b: Option<&str>) {
    buf.clear();
    if let Some(a) = a {
        buf.push('+');
        buf.push_str(a);
    }
    buf.push('\u{1f}');
    if let Some(b) = b {
        buf.push('+');
        buf.push_str(b);
    }
}

impl IpTraffic {
    fn subject_id(&mut self, f: &FlowRecord) -> u32 {
        joined_key(&mut self.scratch, f.instance_id.as_deref(), f.interface_id.as_deref());
        if let Some(&i) = self.subjects.get(self.scratch.as_str()) {
            return i;
        }
        let i = self.subject_list.len() as u32;
        self.subject_list
            .push(Subject { instance_id: f.instance_id.clone(), interface_id: f.interface_id.clone() });
        self.subjects.insert(self.scratch.as_str().into(), i);
        i
    }

    /// The interned (account, region) of a flow record.
    fn place_id(&mut self, f: &FlowRecord) -> u32 {
        let (account, region) = (f.account_id.as_deref().unwrap_or(""), f.region.as_deref().unwrap_or(""));
        joined_key(&mut self.scratch, Some(account), Some(region));
        if let Some(&p) = self.places.get(self.scratch.as_str()) {
            return p;
        }
        let p = self.place_list.len() as u32;
        self.place_list.push((account.to_string(), region.to_string()));
        self.places.insert(self.scratch.as_str().into(), p);
        p
    }

    fn observe_dns(&mut self, q: &crate::event::DnsQuery, ctx: &Context) {
        let Some(instance) = q
            .src_instance
            .clone()
            .or_else(|| q.srcaddr.and_then(|a| ctx.inventory.instance_for_address(a)).map(str::to_string))
        else {
            return;
        };
        let answers: Vec<IpAddr> = q.answers.iter().filter_map(|a| a.rdata.trim().parse().ok()).collect();
        if answers.is_empty() {
            return;
        }
        let hits = ctx.intel.lookup_domain(&q.query_name);
        let Some((hit, (t, sev, what))) = hits.iter().find_map(|h| type_for(h).map(|t| (h, t))) else {
            return;
        };
        // Keyed by the instance, and by the asking address for flow logs that name only the
        // interface (default v2 format) when nothing maps the interface to the instance.
        let mut keys = vec![instance.clone()];
        if let Some(a) = q.srcaddr {
            keys.push(format!("addr:{a}"));
        }
        for (key, ip) in answers.iter().flat_map(|ip| keys.iter().map(move |k| (k.clone(), *ip))) {
            if ctx.intel.is_trusted_ip(ip) || !is_public(ip) {
                continue;
            }
            let links = self.dns_links.entry((key, ip)).or_default();
            if links.iter().any(|l| l.finding_type == t && l.time <= q.time) {
                continue;
            }
            links.retain(|l| l.finding_type != t);
            links.push(DnsLink {
                instance: instance.clone(),
                time: q.time,
                src: q.src,
                query: q.query_name.clone(),
                finding_type: t,
                severity: sev,
                what,
                detail: threat_detail(hit),
                why: format!(
                    "{} resolved to {ip} for {instance}; {} is on {}.",
                    q.query_name,
                    q.query_name,
                    describe_hit(hit)
                ),
            });
        }
    }

    fn observe_flow(&mut self, f: &FlowRecord, ctx: &Context) {
        let Some(o) = ctx.orient(f) else { return };
        if !is_public(o.remote) {
            return;
        }
        let outbound =
            o.direction == ConnDirection::Outbound || (o.direction == ConnDirection::Unknown && o.egress);
        if ctx.intel.is_threat_ip(o.remote) {
            let subject =
                Subject { instance_id: f.instance_id.clone(), interface_id: f.interface_id.clone() };
            for hit in ctx.intel.lookup_ip(o.remote) {
                let Some((t, sev, what)) = type_for(&hit) else { continue };
                let counts = outbound || (hit.is_custom() && f.action == FlowAction::Accept);
                if !counts {
                    continue;
                }
                let detail = threat_detail(&hit);
                let why = format!("Remote address {} is on {}.", o.remote, describe_hit(&hit));
                self.add(ctx, &subject, f, &o, t, sev, what, detail, why, None);
            }
        }
        if outbound {
            let sid = self.subject_id(f);
            let key = (sid, o.remote);
            let full = self.flows.len() >= FLOW_SUMMARY_CAP;
            match self.flows.get_mut(&key) {
                Some(s) => {
                    s.count += 1;
                    s.first = s.first.min(f.start);
                    s.last = s.last.max(f.start);
                }
                None if !full => {
                    let place = self.place_id(f);
                    self.flows.insert(
                        key,
                        FlowSummary {
                            first: f.start,
                            last: f.start,
                            count: 1,
                            sample_src: f.src,
                            sample: o,
                            blocked: f.action == FlowAction::Reject,
                            place,
                        },
                    );
                }
                None => {}
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        _ctx: &Context,
        subject: &Subject,
        f: &FlowRecord,
        o: &Oriented,
        finding_type: &'static str,
        severity: f64,
        what: &'static str,
        detail: ThreatIntelligenceDetail,
        why: String,
        domain: Option<&str>,
    ) {
        let key = format!(
            "{finding_type}|{}|{}|{}",
            subject.instance_id.as_deref().unwrap_or(""),
            subject.interface_id.as_deref().unwrap_or(""),
            o.remote
        );
        let remote = o.remote;
        self.pending.add(
            key,
            subject,
            f.start,
            f.src,
            || flow_summary(o, f),
            || {
                let mut d = Draft::at(finding_type, severity, f.start, "intel::ip_traffic");
                d.account_id = f.account_id.clone().unwrap_or_default();
                d.region = f.region.clone().unwrap_or_default();
                d.action = connection_action(o, f.action == FlowAction::Reject);
                d.resource_role = o.direction.resource_role();
                let via = domain.map(|q| format!(" ({q})")).unwrap_or_default();
                d.title = format!("EC2 instance {{instance}} is communicating with {what}.");
                d.description =
                    format!("EC2 instance {{instance}} is communicating with {remote}{via}, {what}.");
                d.distinguish_by = remote.to_string();
                d.threat_intel = vec![detail];
                d.why.push(why);
                d
            },
        );
    }
}

impl Detector for IpTraffic {
    fn name(&self) -> &'static str {
        "intel::ip_traffic"
    }

    fn observe(&mut self, event: &Event, ctx: &Context, _sink: &mut FindingSink) {
        match event {
            Event::Flow(f) => self.observe_flow(f, ctx),
            Event::Dns(q) => self.observe_dns(q, ctx),
            Event::Api(_) => {}
        }
    }

    fn finish(&mut self, ctx: &Context, sink: &mut FindingSink) {
        // DNS → flow attribution: join resolved addresses with the flows that followed.
        // Only flows to an address some listed domain resolved to can join; picking them out
        // first spares resolving, copying and formatting for every other flow.
        let linked: rustc_hash::FxHashSet<IpAddr> = self.dns_links.keys().map(|(_, ip)| *ip).collect();
        let mut flows: Vec<((u32, IpAddr), FlowSummary)> =
            self.flows.drain().filter(|((_, ip), _)| linked.contains(ip)).collect();
        flows.sort_by_key(|a| a.0);
        for ((sid, ip), s) in flows {
            let subject = self.subject_list[sid as usize].clone();
            let Some(resolved) = subject.resolve(ctx) else { continue };
            let links = match self.dns_links.get(&(resolved.clone(), ip)) {
                Some(l) => l,
                None => match self.dns_links.get(&(format!("addr:{}", s.sample.local), ip)) {
                    Some(l) => l,
                    None => continue,
                },
            };
            for link in links {
                let instance = link.instance.clone();
                if s.last < link.time {
                    continue; // every flow came before the answer: not this domain's traffic
                }
                let key = format!(
                    "{}|{}|{}|{ip}",
                    link.finding_type,
                    instance,
                    subject.interface_id.as_deref().unwrap_or("")
                );
                let o = &s.sample;
                let arrow = if o.egress { "→" } else { "←" };
                let flow_line = format!(
                    "{instance} {}:{} {arrow} {}:{} {} ({} flow records from {} to {})",
                    o.local,
                    o.local_port,
                    o.remote,
                    o.remote_port,
                    crate::net::flow::protocol_name(o.protocol),
                    s.count,
                    crate::time::format_iso8601(s.first),
                    crate::time::format_iso8601(s.last)
                );
                let samples = vec![
                    (s.first, s.sample_src, flow_line),
                    (link.time, link.src, format!("{instance} resolved {} to {ip}", link.query)),
                ];
                let first = samples[0].clone();
                let link2 = link.clone();
                let action = connection_action(o, s.blocked);
                let (account, region) = self.place_list[s.place as usize].clone();
                let attributed = Subject { instance_id: Some(instance.clone()), interface_id: None };
                self.pending.add(
                    key.clone(),
                    &attributed,
                    first.0,
                    first.1,
                    || first.2.clone(),
                    || {
                        let mut d =
                            Draft::at(link2.finding_type, link2.severity, first.0, "intel::ip_traffic");
                        d.account_id = account;
                        d.region = region;
                        d.action = action;
                        d.resource_role = "ACTOR";
                        d.title = format!("EC2 instance {{instance}} is communicating with {}.", link2.what);
                        d.description = format!(
                            "EC2 instance {{instance}} is communicating with {ip}, which {} resolved to: {}.",
                            link2.query, link2.what
                        );
                        d.distinguish_by = ip.to_string();
                        d.threat_intel = vec![link2.detail.clone()];
                        d.why.push(link2.why.clone());
                        d
                    },
                );
                if let Some(d) = self.pending.draft_mut(&key) {
                    d.count = d.count.max(s.count);
                    d.first_seen = d.first_seen.min(s.first.max(link.time));
                    d.last_seen = d.last_seen.max(s.last);
                    for e in samples.into_iter().skip(1) {
                        if !d.evidence.iter().any(|x| x.1 == e.1) {
                            d.evidence.push(e);
                        }
                    }
                }
            }
        }
        self.pending.flush(ctx, sink);
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::intel::fixtures::{bundled_ip, context, dns, inbound, outbound};
    use crate::detect::testing::scan_events_with;
    use crate::event::FlowAction;
    use crate::findings::Finding;

    fn net_types(f: &[Finding]) -> Vec<String> {
        let mut t: Vec<String> = f
            .iter()
            .filter(|f| f.vigil.as_ref().is_some_and(|v| v.detector == "intel::ip_traffic"))
            .map(|f| f.finding_type.clone())
            .collect();
        t.sort();
        t
    }

    #[test]
    fn outbound_to_listed_addresses() {
        let ctx = context("11.22.33.0/24\n", "");
        let c2 = bundled_ip(&ctx, "ThreatFox C2 IPs").to_string();
        let miner = bundled_ip(&ctx, "Maltrail crypto mining").to_string();
        let f = scan_events_with(
            ctx,
            [
                outbound(1, &c2, 443),
                outbound(2, &c2, 443),
                outbound(3, &miner, 3333),
                outbound(4, "11.22.33.4", 8009),
            ],
        );
        assert_eq!(
            net_types(&f),
            vec![
                "Backdoor:EC2/C&CActivity.B",
                "CryptoCurrency:EC2/BitcoinTool.B",
                "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom"
            ]
        );
        let c2f = f.iter().find(|f| f.finding_type == "Backdoor:EC2/C&CActivity.B").unwrap();
        assert_eq!(c2f.severity, 8.0);
        assert_eq!(c2f.service.count, 2);
        assert_eq!(c2f.service.resource_role, "ACTOR");
        assert_eq!(c2f.resource.instance_details.as_ref().unwrap().instance_id, "i-0abc");
        let nca = c2f.service.action.network_connection_action.as_ref().unwrap();
        assert_eq!(nca.connection_direction, "OUTBOUND");
        assert_eq!(nca.remote_ip_details.as_ref().unwrap().ip(), Some(c2.as_str()));
        let ti = &c2f.service.evidence.as_ref().unwrap().threat_intelligence_details[0];
        assert_eq!(
            (ti.threat_list_name.as_str(), ti.threat_names[0].as_str()),
            ("ThreatFox C2 IPs", c2.as_str())
        );
        let custom =
            f.iter().find(|f| f.finding_type == "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom").unwrap();
        assert_eq!(custom.severity, 5.0);
    }

    #[test]
    fn tester_domains_attribute_later_flows_in_any_file_order() {
        // The flow file arrives before the DNS file; the flow is after the query in time.
        let f = scan_events_with(
            context("", ""),
            [
                outbound(5, "11.22.44.10", 80),
                outbound(6, "11.22.44.11", 80),
                outbound(7, "11.22.44.12", 80),
                dns(1, "c2.guarddutyc2activityb.com", &["11.22.44.10"]),
                dns(2, "guarddutyblackholeactivity.com", &["11.22.44.11"]),
                dns(3, "guarddutydroppointactivity.com", &["11.22.44.12"]),
            ],
        );
        assert_eq!(
            net_types(&f),
            vec!["Backdoor:EC2/C&CActivity.B", "Trojan:EC2/BlackholeTraffic", "Trojan:EC2/DropPoint"]
        );
        let c2 = f.iter().find(|f| f.finding_type == "Backdoor:EC2/C&CActivity.B").unwrap();
        assert!(c2.description.contains("c2.guarddutyc2activityb.com"), "{}", c2.description);
        assert_eq!(
            c2.service.evidence.as_ref().unwrap().threat_intelligence_details[0].threat_names[0],
            "c2.guarddutyc2activityb.com"
        );
        assert_eq!(f.iter().find(|f| f.finding_type == "Trojan:EC2/DropPoint").unwrap().severity, 5.0);
    }

    #[test]
    fn silent_for_clean_trusted_inbound_and_earlier_flows() {
        let ctx = context("11.22.33.0/24\n", "11.22.33.0/25\n");
        let c2 = bundled_ip(&ctx, "ThreatFox C2 IPs").to_string();
        let f = scan_events_with(
            ctx,
            [
                outbound(1, "11.22.44.50", 443),                    // clean
                outbound(2, "11.22.33.4", 443),                     // trusted beats custom
                inbound(3, &c2, 443, FlowAction::Accept),           // inbound from C2: not C&C activity
                inbound(4, "11.22.33.200", 22, FlowAction::Reject), // custom, inbound but rejected
                outbound(5, "11.22.44.10", 80),                     // before the DNS answer below
                dns(9, "c2.guarddutyc2activityb.com", &["11.22.44.10"]),
            ],
        );
        assert!(net_types(&f).is_empty(), "{:?}", net_types(&f));
    }
}
