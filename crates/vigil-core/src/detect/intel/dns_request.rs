//! DNS findings — an EC2 instance queried a domain on a threat list:
//!
//! | list category | finding type | severity |
//! |---|---|---|
//! | c2 | `Backdoor:EC2/C&CActivity.B!DNS` | High 8 |
//! | mining | `CryptoCurrency:EC2/BitcoinTool.B!DNS` | High 8 |
//! | blackhole | `Trojan:EC2/BlackholeTraffic!DNS` | Medium 5 |
//! | drop-point | `Trojan:EC2/DropPoint!DNS` | Medium 5 |
//! | dga | `Trojan:EC2/DGADomainRequest.C!DNS` | High 8 |
//! | drive-by | `Trojan:EC2/DriveBySourceTraffic!DNS` | High 8 |
//! | phishing | `Trojan:EC2/PhishingDomainRequest!DNS` | High 8 |
//! | abused-domain (dynamic DNS, free hosting) | `Impact:EC2/AbusedDomainRequest.Reputation` | Medium 5 |
//! | crypto-domain (in-browser mining) | `Impact:EC2/BitcoinDomainRequest.Reputation` | High 8 |
//! | malicious-domain, malicious | `Impact:EC2/MaliciousDomainRequest.Reputation` | High 8 |
//! | suspicious-domain (proxies, DNS tunnels, Tor2web) | `Impact:EC2/SuspiciousDomainRequest.Reputation` | Low 2 |
//! | any entry of a user threat list | `Impact:EC2/MaliciousDomainRequest.Custom` | Medium 5 |
//!
//! **Fires on** Route 53 Resolver query log records from an instance (`srcids.instance`, or a
//! source address the inventory maps to one) whose `query_name`, or a parent of it, is listed;
//! the most specific entry of each list decides (so the GuardDuty tester's
//! `crypto.guarddutyc2activityb.com` is mining, its parent C&C). When a query matches a
//! specific (`!DNS`) family, the broader `.Reputation` types are not raised for it too.
//! Trusted domain lists win. Queries DNS Firewall blocked are reported with `blocked: true`.
//!
//! **Evidence**: the query; `threatIntelligenceDetails` names the list and the listed domain.
//! Repeats aggregate per instance, type and listed domain.
//!
//! **Known false positives**: dynamic-DNS and free-hosting names used legitimately (the
//! `.Reputation` classes are broad by nature); mining pools queried by sanctioned miners.
//!
//! Example: instance `i-0abc` queries `c2.guarddutyc2activityb.com` →
//! `Backdoor:EC2/C&CActivity.B!DNS`.

use crate::detect::intel::{describe_hit, threat_detail, Pending, Subject};
use crate::detect::{Context, Detector};
use crate::event::{DnsQuery, Event};
use crate::findings::model::{Action, DnsRequestAction};
use crate::findings::{Draft, FindingSink};
use crate::intel::{Category, Hit};

/// Finding type, severity and GuardDuty's one-line description for a domain category.
pub fn dns_type(category: Category) -> Option<(&'static str, f64, &'static str)> {
    Some(match category {
        Category::C2 => ("Backdoor:EC2/C&CActivity.B!DNS", 8.0, "a domain name associated with a known command and control server"),
        Category::Mining => ("CryptoCurrency:EC2/BitcoinTool.B!DNS", 8.0, "a domain name associated with cryptocurrency-related activity"),
        Category::Blackhole => ("Trojan:EC2/BlackholeTraffic!DNS", 5.0, "a domain name that is being redirected to a black hole IP address"),
        Category::DropPoint => ("Trojan:EC2/DropPoint!DNS", 5.0, "a domain name of a remote host known to hold credentials and other stolen data captured by malware"),
        Category::Dga => ("Trojan:EC2/DGADomainRequest.C!DNS", 8.0, "an algorithmically generated domain"),
        Category::DriveBy => ("Trojan:EC2/DriveBySourceTraffic!DNS", 8.0, "a domain name of a remote host that is a known source of drive-by download attacks"),
        Category::Phishing => ("Trojan:EC2/PhishingDomainRequest!DNS", 8.0, "a domain involved in phishing attacks"),
        Category::AbusedDomain => ("Impact:EC2/AbusedDomainRequest.Reputation", 5.0, "a low reputation domain name associated with known abused domains"),
        Category::CryptoDomain => ("Impact:EC2/BitcoinDomainRequest.Reputation", 8.0, "a low reputation domain name associated with cryptocurrency-related activity"),
        Category::MaliciousDomain | Category::Malicious => ("Impact:EC2/MaliciousDomainRequest.Reputation", 8.0, "a low reputation domain name associated with known malicious activity"),
        Category::SuspiciousDomain => ("Impact:EC2/SuspiciousDomainRequest.Reputation", 2.0, "a low reputation domain name that is suspicious in nature"),
        _ => return None,
    })
}

pub const CUSTOM: &str = "Impact:EC2/MaliciousDomainRequest.Custom";

#[derive(Default)]
pub struct DnsRequest {
    pending: Pending,
}

fn is_reputation(t: &str) -> bool {
    t.ends_with(".Reputation")
}

/// The (type, severity, description, hit) pairs a query raises.
pub fn classify<'a>(hits: &[Hit<'a>]) -> Vec<(&'static str, f64, &'static str, Hit<'a>)> {
    let mut out: Vec<(&'static str, f64, &'static str, Hit<'a>)> = Vec::new();
    for h in hits {
        let t = if h.is_custom() {
            Some((CUSTOM, 5.0, "a domain name on a custom threat list"))
        } else {
            dns_type(h.category)
        };
        if let Some((t, sev, what)) = t {
            if !out.iter().any(|o| o.0 == t) {
                out.push((t, sev, what, h.clone()));
            }
        }
    }
    if out.iter().any(|o| !is_reputation(o.0) && o.0 != CUSTOM) {
        out.retain(|o| !is_reputation(o.0));
    }
    out
}

fn dns_action(q: &DnsQuery) -> Action {
    Action {
        action_type: "DNS_REQUEST".to_string(),
        dns_request_action: Some(DnsRequestAction {
            domain: q.query_name.clone(),
            protocol: q.transport.clone().unwrap_or_else(|| "UDP".to_string()),
            blocked: q.firewall_rule_action.as_deref() == Some("BLOCK"),
            domain_with_suffix: None,
            vpc_owner_account_id: q.account_id.clone(),
        }),
        ..Action::default()
    }
}

impl Detector for DnsRequest {
    fn name(&self) -> &'static str {
        "intel::dns_request"
    }

    fn observe(&mut self, event: &Event, ctx: &Context, _sink: &mut FindingSink) {
        let Event::Dns(q) = event else { return };
        let hits = ctx.intel.lookup_domain(&q.query_name);
        if hits.is_empty() {
            return;
        }
        let instance = q
            .src_instance
            .clone()
            .or_else(|| q.srcaddr.and_then(|a| ctx.inventory.instance_for_address(a)).map(str::to_string));
        let Some(instance) = instance else { return };
        let subject = Subject { instance_id: Some(instance.clone()), interface_id: None };
        for (finding_type, severity, what, hit) in classify(&hits) {
            let key = format!("{finding_type}|{instance}|{}", hit.indicator);
            self.pending.add(
                key,
                &subject,
                q.time,
                q.src,
                || format!("{} queried {} ({}) [{}]", instance, q.query_name, q.query_type, q.rcode),
                || {
                    let mut d = Draft::at(finding_type, severity, q.time, "intel::dns_request");
                    d.account_id = q.account_id.clone().unwrap_or_default();
                    d.region = q.region.clone().unwrap_or_default();
                    d.action = dns_action(q);
                    d.resource_role = "ACTOR";
                    d.title = format!("EC2 instance {{instance}} is querying {what}.");
                    d.description =
                        format!("EC2 instance {{instance}} is querying {}, {what}.", q.query_name);
                    d.distinguish_by = hit.indicator.clone();
                    d.threat_intel = vec![threat_detail(&hit)];
                    d.actor = Some(instance.clone());
                    d.why.push(format!("{} is on {}.", q.query_name, describe_hit(&hit)));
                    d
                },
            );
        }
    }

    fn finish(&mut self, ctx: &Context, sink: &mut FindingSink) {
        self.pending.flush(ctx, sink);
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::intel::fixtures::{context, dns};
    use crate::detect::testing::scan_events_with;
    use crate::findings::Finding;

    fn dns_types(f: &[Finding]) -> Vec<String> {
        let mut t: Vec<String> = f
            .iter()
            .filter(|f| f.service.action.action_type == "DNS_REQUEST")
            .map(|f| f.finding_type.clone())
            .collect();
        t.sort();
        t
    }

    #[test]
    fn guardduty_tester_domains_light_up_as_in_guardduty() {
        let names = [
            ("c2.guarddutyc2activityb.com", "Backdoor:EC2/C&CActivity.B!DNS"),
            ("crypto.guarddutyc2activityb.com", "CryptoCurrency:EC2/BitcoinTool.B!DNS"),
            ("abused-rep.guarddutyc2activityb.com", "Impact:EC2/AbusedDomainRequest.Reputation"),
            ("crypto-rep.guarddutyc2activityb.com", "Impact:EC2/BitcoinDomainRequest.Reputation"),
            ("malicious-rep.guarddutyc2activityb.com", "Impact:EC2/MaliciousDomainRequest.Reputation"),
            ("suspicious-rep.guarddutyc2activityb.com", "Impact:EC2/SuspiciousDomainRequest.Reputation"),
            ("guarddutydroppointactivity.com", "Trojan:EC2/DropPoint!DNS"),
            ("guarddutyblackholeactivity.com", "Trojan:EC2/BlackholeTraffic!DNS"),
            ("guarddutyphishingactivity.com", "Trojan:EC2/PhishingDomainRequest!DNS"),
            ("guarddutydrivebyactivity.com", "Trojan:EC2/DriveBySourceTraffic!DNS"),
            ("guarddutydgaactivity.com", "Trojan:EC2/DGADomainRequest.C!DNS"),
        ];
        for (name, expected) in names {
            let f = scan_events_with(context("", ""), [dns(1, name, &["192.0.2.1"])]);
            assert_eq!(dns_types(&f), vec![expected.to_string()], "{name}");
            let finding = &f[0];
            assert_eq!(finding.resource.instance_details.as_ref().unwrap().instance_id, "i-0abc");
            let ti = &finding.service.evidence.as_ref().unwrap().threat_intelligence_details[0];
            assert_eq!(ti.threat_list_name, "GuardDuty tester domains");
        }
        let f = scan_events_with(context("", ""), [dns(1, "GuardDutyC2ActivityB.com.", &[])]);
        assert_eq!(
            f.iter().find(|f| f.finding_type == "Backdoor:EC2/C&CActivity.B!DNS").unwrap().severity,
            8.0
        );
    }

    #[test]
    fn bundled_feeds_and_custom_lists() {
        let f = scan_events_with(
            context("evil.example\n", ""),
            [
                dns(1, "something.duckdns.org", &[]), // maltrail dynamic DNS: abused
                dns(2, "a.evil.example", &[]),        // user list
                dns(3, "coinhive.com", &[]),          // NoCoin: crypto reputation
            ],
        );
        let t = dns_types(&f);
        assert!(t.contains(&"Impact:EC2/AbusedDomainRequest.Reputation".to_string()), "{t:?}");
        assert!(t.contains(&"Impact:EC2/MaliciousDomainRequest.Custom".to_string()), "{t:?}");
        let custom = f.iter().find(|f| f.finding_type == "Impact:EC2/MaliciousDomainRequest.Custom").unwrap();
        assert_eq!(custom.severity, 5.0);
        assert_eq!(
            custom.service.evidence.as_ref().unwrap().threat_intelligence_details[0].threat_names,
            vec!["evil.example"]
        );
    }

    #[test]
    fn silent_for_clean_and_trusted_domains() {
        let f = scan_events_with(
            context("evil.example\n", "good.evil.example\nguarddutyc2activityb.com\n"),
            [
                dns(1, "www.amazon.com", &[]),
                dns(2, "good.evil.example", &[]),
                dns(3, "c2.guarddutyc2activityb.com", &[]),
            ],
        );
        assert!(dns_types(&f).is_empty(), "{:?}", dns_types(&f));
    }
}
