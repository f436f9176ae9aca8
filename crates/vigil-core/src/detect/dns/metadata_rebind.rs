//! `UnauthorizedAccess:EC2/MetadataDNSRebind` — an instance looks up a name that resolves to
//! the instance metadata service.
//!
//! **Fires on** a Route 53 Resolver query whose answers include `169.254.169.254` or
//! `fd00:ec2::254` (the metadata service), for a name other than AWS's own aliases of it
//! (`instance-data`, names under `.internal`). An application that fetches attacker-supplied
//! URLs can be made to fetch a name that first resolves elsewhere (passing the URL check) and
//! then to the metadata service (DNS rebinding), handing out the instance role's credentials.
//!
//! **Fields**: `query_name`, `answers[].Rdata`, `query_timestamp`, `srcids.instance` /
//! `srcaddr`.
//!
//! **Severity**: High (8.0), as GuardDuty.
//!
//! **Evidence**: the name, its answers, lookups, first/last seen, sample queries. One finding
//! per instance and name.
//!
//! **Known false positives**: test tooling that deliberately maps a name to the metadata
//! address.
//!
//! Example: `169.254.169.254.nip.io` → `169.254.169.254` looked up by i-0abc ⇒
//! MetadataDNSRebind.

use rustc_hash::FxHashMap as HashMap;
use std::net::IpAddr;

use serde_json::json;

use super::{dns_draft, entity_key, query_summary, Origin, Samples, Span};
use crate::detect::network::info;
use crate::detect::{Context, Detector};
use crate::event::{DnsQuery, Event};
use crate::findings::FindingSink;
use crate::net::addr::is_metadata_service;

pub const TYPE: &str = "UnauthorizedAccess:EC2/MetadataDNSRebind";
pub const SEVERITY: f64 = 8.0;

/// AWS's own names for the metadata service.
fn is_aws_alias(name: &str) -> bool {
    let name = name.trim_end_matches('.');
    name == "instance-data" || name.ends_with(".internal")
}

fn resolves_to_metadata(q: &DnsQuery) -> bool {
    q.answers.iter().any(|a| a.rdata.trim().parse::<IpAddr>().is_ok_and(is_metadata_service))
}

#[derive(Default)]
struct Lookup {
    lookups: u64,
    answers: Vec<String>,
    origin: Origin,
    span: Span,
    samples: Samples,
}

#[derive(Default)]
pub struct MetadataDnsRebind {
    lookups: HashMap<(String, String), Lookup>,
}

impl Detector for MetadataDnsRebind {
    fn name(&self) -> &'static str {
        "dns::metadata_rebind"
    }

    fn observe(&mut self, event: &Event, _ctx: &Context, _sink: &mut FindingSink) {
        let Event::Dns(q) = event else { return };
        if !resolves_to_metadata(q) || is_aws_alias(&q.query_name) {
            return;
        }
        let Some(key) = entity_key(q) else { return };
        let l = self.lookups.entry((key, q.query_name.clone())).or_default();
        if l.origin.account_id.is_empty() {
            l.origin = Origin::of(q);
        }
        l.lookups += 1;
        for a in &q.answers {
            if l.answers.len() < 10 && !l.answers.contains(&a.rdata) {
                l.answers.push(a.rdata.clone());
            }
        }
        l.span.add_time(q.time);
        l.samples.offer(q.time, q.src, || query_summary(q));
    }

    fn finish(&mut self, ctx: &Context, sink: &mut FindingSink) {
        for ((entity, name), l) in &self.lookups {
            let (mut d, resource) = dns_draft(
                ctx,
                entity,
                &l.origin,
                TYPE,
                SEVERITY,
                name,
                false,
                l.span,
                l.samples.clone(),
                self.name(),
            );
            d.count = l.lookups;
            d.distinguish_by = name.clone();
            d.title = format!("EC2 instance {resource} is performing DNS lookups that resolve to the instance metadata service.");
            d.description = format!(
                "EC2 instance {resource} looked up {name}, which resolves to the instance metadata service. This can be a \
                 DNS rebinding attempt to reach the metadata service and steal the instance's credentials."
            );
            d.why.push(format!(
                "{name} answered {} ({} lookup(s)); it is not one of AWS's own names for the metadata service.",
                l.answers.join(", "),
                l.lookups
            ));
            let (first, last) = l.span.json();
            let m = &mut d.additional_info;
            info(m, "answers", json!(l.answers));
            info(m, "lookups", json!(l.lookups));
            info(m, "firstSeen", first);
            info(m, "lastSeen", last);
            sink.report(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::dns::fixtures::*;
    use crate::detect::testing::scan_events;

    #[test]
    fn rebinding_name_fires() {
        let f = scan_events(vec![
            ev(answered(query(1, "i-app", "169.254.169.254.nip.io", "NOERROR", T0), "169.254.169.254")),
            ev(answered(
                query(2, "i-app", "rebind.attacker-example.net", "NOERROR", T0 + 5),
                "93.184.216.34",
            )),
            ev(answered(
                query(3, "i-app", "rebind.attacker-example.net", "NOERROR", T0 + 10),
                "169.254.169.254",
            )),
        ]);
        let r: Vec<_> = f.iter().filter(|x| x.finding_type == TYPE).collect();
        assert_eq!(r.len(), 2, "{f:#?}");
        assert!(r.iter().all(|x| x.severity == 8.0));
        assert!(r
            .iter()
            .any(|x| x.service.action.dns_request_action.as_ref().unwrap().domain
                == "rebind.attacker-example.net"));
    }

    #[test]
    fn aws_aliases_and_other_link_local_answers_do_not_fire() {
        let f = scan_events(vec![
            ev(answered(query(1, "i-app", "instance-data.ec2.internal", "NOERROR", T0), "169.254.169.254")),
            ev(answered(query(2, "i-app", "instance-data", "NOERROR", T0), "169.254.169.254")),
            ev(answered(query(3, "i-app", "ntp.example.com", "NOERROR", T0), "169.254.169.123")),
            ev(answered(query(4, "i-app", "www.example.com", "NOERROR", T0), "93.184.216.34")),
        ]);
        assert!(f.is_empty(), "{f:#?}");
    }
}
