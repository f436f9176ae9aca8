//! Detectors over Route 53 Resolver query logs: DNS tunnelling, generated domain names, DNS
//! rebinding to the instance metadata service.
//!
//! Shared here: registered domains from the Public Suffix List (the `psl` crate, never "the
//! last two labels"), the instance a query came from, and the GuardDuty `DNS_REQUEST` draft.

pub mod dga;
mod dga_model;
pub mod exfiltration;
pub mod metadata_rebind;

use std::net::IpAddr;

use psl::Type;

use crate::detect::Context;
use crate::event::DnsQuery;
use crate::findings::model::*;
use crate::findings::Draft;

pub use crate::detect::network::{Samples, Span};

/// The registered domain of a name under the full Public Suffix List (ICANN and private
/// sections): `example.co.uk` for `a.b.example.co.uk`, `my-bucket.s3.amazonaws.com` for
/// objects in that bucket. `None` for names under no known suffix (`corp.internal`, `.local`)
/// and for the reverse-lookup trees under `.arpa`.
pub fn registered_domain(name: &str) -> Option<&str> {
    let name = name.trim_end_matches('.');
    let d = psl::domain(name.as_bytes())?;
    if !d.suffix().is_known() || name.ends_with(".arpa") {
        return None;
    }
    std::str::from_utf8(d.as_bytes()).ok()
}

/// The label a name was registered under with an ICANN registry, and the registered domain:
/// `("example", "example.co.uk")` for `www.example.co.uk`. Private-section suffixes (hosting
/// and CDN providers' customer namespaces such as `cloudfront.net` or `s3.amazonaws.com`) are
/// looked through, so `d1234abcd.cloudfront.net` gives `("cloudfront", "cloudfront.net")`: the
/// hashed customer label was chosen by the provider, not registered by anyone.
pub fn icann_registration(name: &str) -> Option<(&str, &str)> {
    let name = name.trim_end_matches('.');
    if name.ends_with(".arpa") {
        return None;
    }
    let s = psl::suffix(name.as_bytes())?;
    let mut suffix = std::str::from_utf8(s.as_bytes()).ok()?;
    let mut typ = s.typ();
    while typ == Some(Type::Private) {
        let (_, tail) = suffix.split_once('.')?;
        let s = psl::suffix(tail.as_bytes())?;
        suffix = std::str::from_utf8(s.as_bytes()).ok()?;
        typ = s.typ();
    }
    if typ != Some(Type::Icann) {
        return None;
    }
    let prefix = name.strip_suffix(suffix)?.strip_suffix('.')?;
    let label = prefix.rsplit('.').next().filter(|l| !l.is_empty())?;
    let registered = &name[name.len() - suffix.len() - label.len() - 1..];
    Some((label, registered))
}

/// The key per-instance DNS state is kept under: `srcids.instance`, else `addr:<srcaddr>`.
pub fn entity_key(q: &DnsQuery) -> Option<String> {
    let mut key = String::new();
    entity_key_into(q, &mut key).then_some(key)
}

/// [`entity_key`] written into a reused buffer; `false` when the query has no entity.
pub fn entity_key_into(q: &DnsQuery, out: &mut String) -> bool {
    use std::fmt::Write as _;
    out.clear();
    if let Some(i) = q.src_instance.as_deref().filter(|s| !s.is_empty()) {
        out.push_str(i);
        return true;
    }
    match q.srcaddr {
        Some(a) => {
            let _ = write!(out, "addr:{a}");
            true
        }
        None => false,
    }
}

/// The instance id for an entity key once the whole input is seen: the key itself, or the
/// owner of the source address (from flow logs or CloudTrail), or the bare address when no
/// instance is known.
pub fn resolve_entity(ctx: &Context, key: &str) -> String {
    match key.strip_prefix("addr:") {
        Some(a) => a
            .parse::<IpAddr>()
            .ok()
            .and_then(|ip| ctx.inventory.instance_for_address(ip))
            .unwrap_or(a)
            .to_string(),
        None => key.to_string(),
    }
}

/// Where a query was logged: account and region (from the record, falling back to what the
/// inventory knows of the instance).
#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub account_id: String,
    pub region: String,
    pub vpc_id: Option<String>,
}

impl Origin {
    pub fn of(q: &DnsQuery) -> Self {
        Self {
            account_id: q.account_id.clone().unwrap_or_default(),
            region: q.region.clone().unwrap_or_default(),
            vpc_id: q.vpc_id.clone(),
        }
    }
}

/// One line describing a query for evidence.
pub fn query_summary(q: &DnsQuery) -> String {
    let answers: Vec<&str> = q.answers.iter().take(3).map(|a| a.rdata.as_str()).collect();
    format!(
        "{} {} {} → {}{}{}",
        q.src_instance
            .as_deref()
            .map(str::to_string)
            .or(q.srcaddr.map(|a| a.to_string()))
            .unwrap_or_default(),
        q.query_type,
        q.query_name,
        q.rcode,
        if answers.is_empty() { String::new() } else { format!(" [{}]", answers.join(", ")) },
        q.firewall_rule_action.as_deref().map(|a| format!(" firewall {a}")).unwrap_or_default()
    )
}

/// A `DNS_REQUEST` draft about the instance behind `entity`.
#[allow(clippy::too_many_arguments)]
pub fn dns_draft(
    ctx: &Context,
    entity: &str,
    origin: &Origin,
    finding_type: &str,
    severity: f64,
    domain: &str,
    blocked: bool,
    span: Span,
    samples: Samples,
    detector: &'static str,
) -> (Draft, String) {
    let resource_id = resolve_entity(ctx, entity);
    let mut d = Draft::at(finding_type, severity, span.first, detector);
    d.last_seen = span.last.max(span.first);
    let (account, region) = ctx.inventory.location(&resource_id);
    d.account_id = if origin.account_id.is_empty() { account } else { origin.account_id.clone() };
    d.region = if origin.region.is_empty() { region } else { origin.region.clone() };
    d.resource = crate::detect::network::instance_resource(&ctx.inventory, &resource_id);
    d.action = Action {
        action_type: "DNS_REQUEST".to_string(),
        dns_request_action: Some(DnsRequestAction {
            domain: domain.to_string(),
            protocol: "UDP".to_string(),
            blocked,
            domain_with_suffix: registered_domain(domain).map(str::to_string),
            vpc_owner_account_id: None,
        }),
        ..Action::default()
    };
    d.resource_role = "ACTOR";
    d.evidence = samples.into_vec();
    d.actor = Some(resource_id.clone());
    if let Some(vpc) = &origin.vpc_id {
        d.additional_info.insert("vpcId".into(), vpc.clone().into());
    }
    (d, resource_id)
}

/// Shannon entropy of a string's characters, in bits per character.
pub fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut n = 0u32;
    for b in s.bytes() {
        counts[b as usize] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = n as f64;
    counts.iter().filter(|&&c| c > 0).map(|&c| -(c as f64 / n) * (c as f64 / n).log2()).sum()
}

#[cfg(test)]
pub mod fixtures {
    use crate::event::{DnsAnswer, DnsQuery, Event, SourceRef};
    use crate::time::Millis;

    pub const T0: Millis = 1_709_251_200_000;

    pub fn query(n: u64, instance: &str, name: &str, rcode: &str, t: Millis) -> DnsQuery {
        DnsQuery {
            src: SourceRef { file: 0, record: n },
            time: t,
            account_id: Some("111122223333".into()),
            region: Some("us-east-1".into()),
            vpc_id: Some("vpc-1".into()),
            query_name: name.to_string(),
            query_type: "A".into(),
            query_class: "IN".into(),
            rcode: rcode.into(),
            srcaddr: "10.0.0.5".parse().ok(),
            srcport: Some(53000),
            transport: Some("UDP".into()),
            src_instance: Some(instance.to_string()),
            ..DnsQuery::default()
        }
    }

    pub fn answered(mut q: DnsQuery, rdata: &str) -> DnsQuery {
        q.answers.push(DnsAnswer { rdata: rdata.into(), rtype: "A".into(), class: "IN".into() });
        q
    }

    pub fn ev(q: DnsQuery) -> Event {
        Event::Dns(q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_domains_come_from_the_psl() {
        assert_eq!(registered_domain("www.example.co.uk"), Some("example.co.uk"));
        assert_eq!(registered_domain("a.b.example.com"), Some("example.com"));
        assert_eq!(registered_domain("x.my-bucket.s3.amazonaws.com"), Some("my-bucket.s3.amazonaws.com"));
        assert_eq!(registered_domain("4.3.2.1.in-addr.arpa"), None);
        assert_eq!(registered_domain("ip-10-0-0-1.ec2.internal"), None);
        assert_eq!(registered_domain("com"), None);
    }

    #[test]
    fn icann_labels_look_through_provider_namespaces() {
        assert_eq!(icann_registration("www.example.co.uk"), Some(("example", "example.co.uk")));
        assert_eq!(icann_registration("d1234abcd.cloudfront.net"), Some(("cloudfront", "cloudfront.net")));
        assert_eq!(
            icann_registration("ec2-1-2-3-4.compute-1.amazonaws.com"),
            Some(("amazonaws", "amazonaws.com"))
        );
        assert_eq!(
            icann_registration("bucket.s3.us-east-1.amazonaws.com"),
            Some(("amazonaws", "amazonaws.com"))
        );
        assert_eq!(icann_registration("qwxkjhgfdsa.ru"), Some(("qwxkjhgfdsa", "qwxkjhgfdsa.ru")));
        assert_eq!(icann_registration("host.corp.internal"), None);
        assert_eq!(icann_registration("1.0.0.127.in-addr.arpa"), None);
    }

    #[test]
    fn resolver_query_log_json_feeds_the_dns_detectors() {
        use crate::event::{Event, SourceRef};
        use crate::ingest::route53::parse_query;
        let line = |i: usize, name: &str, rcode: &str, rdata: Option<&str>| {
            let answers = rdata
                .map(|r| format!(r#"[{{"Rdata":"{r}","Type":"A","Class":"IN"}}]"#))
                .unwrap_or("[]".into());
            format!(
                r#"{{"version":"1.100000","account_id":"111122223333","region":"us-east-1","vpc_id":"vpc-1","query_timestamp":"2024-03-01T00:00:{:02}Z","query_name":"{name}.","query_type":"A","query_class":"IN","rcode":"{rcode}","answers":{answers},"srcaddr":"10.0.0.5","srcport":"53000","transport":"UDP","srcids":{{"instance":"i-0dns"}}}}"#,
                i % 60
            )
        };
        let mut lines = vec![
            line(0, "xjkqwpzmfhtrvb.com", "NXDOMAIN", None),
            line(1, "qpwoeirutyzxmv.net", "NXDOMAIN", None),
            line(2, "mnbvcxzlkjhgqw.org", "NXDOMAIN", None),
            line(3, "169.254.169.254.nip.io", "NOERROR", Some("169.254.169.254")),
            line(4, "www.example.com", "NOERROR", Some("93.184.216.34")),
        ];
        lines.push(line(5, "d111111abcdef8.cloudfront.net", "NOERROR", Some("13.224.0.1")));
        let events: Vec<Event> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                Event::Dns(parse_query(l.as_bytes(), SourceRef { file: 0, record: i as u64 }).unwrap())
            })
            .collect();
        let f = crate::detect::testing::scan_events(events);
        let mut types: Vec<&str> = f.iter().map(|x| x.finding_type.as_str()).collect();
        types.sort();
        assert_eq!(types, vec!["Trojan:EC2/DGADomainRequest.B", "UnauthorizedAccess:EC2/MetadataDNSRebind"]);
        assert!(f.iter().all(|x| x.resource.instance_details.as_ref().unwrap().instance_id == "i-0dns"));
        assert!(f.iter().all(|x| x.region == "us-east-1" && x.account_id == "111122223333"));
    }

    #[test]
    fn entropy_of_strings() {
        assert_eq!(entropy("aaaa"), 0.0);
        assert!((entropy("abcd") - 2.0).abs() < 1e-9);
    }
}
