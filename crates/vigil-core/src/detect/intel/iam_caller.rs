//! `Recon:IAMUser/MaliciousIPCaller`, `UnauthorizedAccess:IAMUser/MaliciousIPCaller`, their
//! `.Custom` forms, and `Recon:IAMUser/TorIPCaller` / `UnauthorizedAccess:IAMUser/TorIPCaller` —
//! an AWS API (other than S3's, see [`super::s3_caller`]) was called from an address on a threat
//! list or from a Tor exit node.
//!
//! **Fires on** any CloudTrail management event whose `sourceIPAddress` is an address (not an
//! AWS service) and is covered by:
//! - a bundled list of known-malicious hosts (categories malicious, c2, drop-point, phishing,
//!   drive-by, scanner) → `…/MaliciousIPCaller`;
//! - a threat list the user loaded → `…/MaliciousIPCaller.Custom`;
//! - the bundled Tor exit list → `…/TorIPCaller`.
//!
//! Read-only discovery calls (`Describe*`, `List*`, `Get*` other than secret reads, …) get the
//! `Recon:` prefix, everything else `UnauthorizedAccess:`, as GuardDuty splits them. Calls AWS
//! services make on the principal's behalf (`invokedBy`) are skipped; trusted lists win.
//!
//! **Severity**: Medium (5.0) for all six, as GuardDuty.
//!
//! **Evidence**: the call; `service.evidence.threatIntelligenceDetails` names the list and the
//! matching indicator (address or CIDR). Repeats aggregate per principal and caller address.
//!
//! **Known false positives**: shared addresses (VPNs, carrier NAT, Tor used on purpose by a
//! security team) that a feed lists; add them to a trusted list.
//!
//! Example: `{"eventName":"ListUsers","sourceIPAddress":"<Tor exit>",…}` →
//! `Recon:IAMUser/TorIPCaller`.

use crate::detect::common::api_draft;
use crate::detect::intel::{describe_hit, is_discovery_api, threat_detail};
use crate::detect::{Context, Detector};
use crate::event::{ApiCall, Event};
use crate::findings::FindingSink;
use crate::intel::{Category, Hit};

pub struct IamCaller;

/// Categories of bundled lists that make a caller "known malicious".
pub const MALICIOUS_CALLER: &[Category] = &[
    Category::Malicious,
    Category::C2,
    Category::DropPoint,
    Category::Phishing,
    Category::DriveBy,
    Category::Scanner,
];

/// The three caller families an address can fall into, with the hits that put it there.
pub struct CallerHits<'a> {
    pub malicious: Vec<Hit<'a>>,
    pub custom: Vec<Hit<'a>>,
    pub tor: Vec<Hit<'a>>,
}

/// Looks up a call's caller address; `None` when it has none worth looking up.
pub fn caller_hits<'a>(call: &ApiCall, ctx: &'a Context) -> Option<CallerHits<'a>> {
    let ip = call.source_addr?;
    if call.identity.invoked_by.is_some() || !ctx.intel.is_threat_ip(ip) {
        return None;
    }
    let mut h = CallerHits { malicious: Vec::new(), custom: Vec::new(), tor: Vec::new() };
    for hit in ctx.intel.lookup_ip(ip) {
        if hit.is_custom() {
            h.custom.push(hit);
        } else if hit.category == Category::TorExit {
            h.tor.push(hit);
        } else if MALICIOUS_CALLER.contains(&hit.category) {
            h.malicious.push(hit);
        }
    }
    Some(h)
}

impl Detector for IamCaller {
    fn name(&self) -> &'static str {
        "intel::iam_caller"
    }

    fn observe(&mut self, event: &Event, ctx: &Context, sink: &mut FindingSink) {
        let Event::Api(call) = event else { return };
        if call.event_source == "s3.amazonaws.com" {
            return;
        }
        let Some(hits) = caller_hits(call, ctx) else { return };
        let tactic = if is_discovery_api(&call.event_name) { "Recon" } else { "UnauthorizedAccess" };
        for (hits, name, what) in [
            (&hits.malicious, "MaliciousIPCaller", "a known malicious IP address"),
            (&hits.custom, "MaliciousIPCaller.Custom", "an IP address on a custom threat list"),
            (&hits.tor, "TorIPCaller", "a Tor exit node IP address"),
        ] {
            if hits.is_empty() {
                continue;
            }
            let finding_type = format!("{tactic}:IAMUser/{name}");
            let mut d = api_draft(&finding_type, 5.0, call, self.name());
            d.title = format!("API {} was invoked from {}.", call.event_name, what);
            d.description = format!(
                "API {} was invoked by {} from {} {}.",
                call.event_name,
                call.identity.name(),
                what,
                call.source_ip
            );
            d.distinguish_by = call.source_ip.to_string();
            d.threat_intel = hits.iter().map(threat_detail).collect();
            d.why.push(format!(
                "sourceIPAddress {} is on {}.",
                call.source_ip,
                hits.iter().map(describe_hit).collect::<Vec<_>>().join("; ")
            ));
            if tactic == "Recon" {
                d.why.push(format!("{} is a read-only discovery call.", call.event_name));
            }
            sink.report(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::intel::fixtures::{bundled_ip, context};
    use crate::detect::testing::scan_events_with;
    use crate::event::{Event, SourceRef};
    use crate::ingest::cloudtrail::parse_record;

    fn call(name: &str, source: &str, ip: &str) -> Event {
        let json = format!(
            r#"{{"eventTime":"2024-01-01T00:00:00Z","eventSource":"{source}","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"{ip}","userIdentity":{{"type":"IAMUser","principalId":"AIDA1","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIA1","userName":"alice"}},"recipientAccountId":"111122223333"}}"#
        );
        Event::Api(Box::new(parse_record(&json, SourceRef::default()).unwrap()))
    }

    fn types(f: &[crate::findings::Finding]) -> Vec<&str> {
        f.iter().map(|f| f.finding_type.as_str()).filter(|t| t.contains("IPCaller")).collect()
    }

    #[test]
    fn tor_malicious_and_custom_callers_split_recon_and_unauthorized() {
        let ctx = context("198.51.100.0/24\n", "");
        let tor = bundled_ip(&ctx, "Tor exit nodes").to_string();
        let bad = bundled_ip(&ctx, "IPsum level 3").to_string();
        let f = scan_events_with(
            ctx,
            [
                call("ListUsers", "iam.amazonaws.com", &tor),
                call("CreateUser", "iam.amazonaws.com", &tor),
                call("DescribeInstances", "ec2.amazonaws.com", &bad),
                call("GetSecretValue", "secretsmanager.amazonaws.com", &bad),
                call("ListRoles", "iam.amazonaws.com", "198.51.100.20"),
            ],
        );
        let mut t = types(&f);
        t.sort();
        assert_eq!(
            t,
            vec![
                "Recon:IAMUser/MaliciousIPCaller",
                "Recon:IAMUser/MaliciousIPCaller.Custom",
                "Recon:IAMUser/TorIPCaller",
                "UnauthorizedAccess:IAMUser/MaliciousIPCaller",
                "UnauthorizedAccess:IAMUser/TorIPCaller",
            ]
        );
        let custom = f.iter().find(|f| f.finding_type == "Recon:IAMUser/MaliciousIPCaller.Custom").unwrap();
        assert_eq!(custom.severity, 5.0);
        let ti = &custom.service.evidence.as_ref().unwrap().threat_intelligence_details[0];
        assert_eq!(
            (ti.threat_list_name.as_str(), ti.threat_names[0].as_str()),
            ("my-threats", "198.51.100.0/24")
        );
        let tor_f = f.iter().find(|f| f.finding_type == "Recon:IAMUser/TorIPCaller").unwrap();
        assert_eq!(
            tor_f.service.evidence.as_ref().unwrap().threat_intelligence_details[0].threat_list_name,
            "Tor exit nodes"
        );
    }

    #[test]
    fn silent_for_clean_trusted_s3_and_service_callers() {
        let ctx = context("198.51.100.0/24\n", "198.51.100.20\n");
        let tor = bundled_ip(&ctx, "Tor exit nodes").to_string();
        let f = scan_events_with(
            ctx,
            [
                call("ListUsers", "iam.amazonaws.com", "192.0.2.44"),
                call("ListRoles", "iam.amazonaws.com", "198.51.100.20"), // trusted wins
                call("ListObjects", "s3.amazonaws.com", &tor),           // S3 family's
                call("ListUsers", "iam.amazonaws.com", "ec2.amazonaws.com"),
            ],
        );
        assert!(types(&f).iter().all(|t| !t.contains("IAMUser")), "{:?}", types(&f));
    }
}
