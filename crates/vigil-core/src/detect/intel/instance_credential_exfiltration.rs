//! `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS` and `.InsideAWS` —
//! temporary credentials that EC2 delivered to one instance (its instance-profile role) are
//! being used from somewhere else.
//!
//! **Fires on** CloudTrail calls by an `AssumedRole` session whose credentials came from an
//! instance: `sessionContext.ec2RoleDelivery` is set, or the role session is named after an
//! instance id (`AROA…:i-0123456789abcdef0`, how EC2 names instance-profile sessions). Then:
//! - `OutsideAWS`: `sourceIPAddress` is a public address outside AWS's published ranges (the
//!   bundled `ip-ranges.json`);
//! - `InsideAWS`: the call came through a VPC endpoint owned by another account
//!   (`vpcEndpointAccountId` ≠ the role's account), or from an AWS address that the input shows
//!   is not the instance's own public address nor that of another instance of the same account
//!   in the input. An address of another account's instance still fires: that is exactly
//!   GuardDuty's "used from an EC2 instance in a different AWS account". Judging only within the
//!   account also means the result does not depend on which accounts are analysed together.
//!
//! Calls made by AWS services (`invokedBy`, service names as source) and trusted addresses are
//! skipped. Without AWS ranges loaded nothing fires (outside cannot be told).
//!
//! **Severity**: High (8.0) for both, as GuardDuty.
//!
//! **Evidence**: the call, the instance id, the address and why it is not the instance's.
//!
//! **Known false positives**: credentials deliberately copied to another host (bad practice,
//! still worth knowing); an instance whose public address changed (stop/start) while the input
//! holds only the new one — GuardDuty checks ownership, Vigil only what the logs show.
//!
//! Example: `userIdentity.principalId` `AROAEXAMPLE:i-0abc…`, `sourceIPAddress` `198.51.100.7`
//! (not AWS) → `…InstanceCredentialExfiltration.OutsideAWS`.

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::detect::common::api_draft;
use crate::detect::{Context, Detector};
use crate::event::{ApiCall, Event, IdentityType};
use crate::findings::{Draft, FindingSink};
use crate::net::addr::is_internal;

pub const OUTSIDE: &str = "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS";
pub const INSIDE: &str = "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS";

/// Candidates for `InsideAWS` decided in `finish`, keyed by (instance, address).
#[derive(Default)]
pub struct InstanceCredentialExfiltration {
    inside_candidates: BTreeMap<(String, IpAddr), Draft>,
}

/// The instance whose role credentials made the call, when they are instance credentials.
pub fn instance_of_session(call: &ApiCall) -> Option<String> {
    let id = &call.identity;
    if id.kind != IdentityType::AssumedRole {
        return None;
    }
    let session = id.principal_id.as_deref().and_then(|p| p.split_once(':')).map(|(_, s)| s).unwrap_or("");
    let named_after_instance = session
        .strip_prefix("i-")
        .is_some_and(|hex| (8..=17).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()));
    match (named_after_instance, id.ec2_role_delivery.is_some()) {
        (true, _) => Some(session.to_string()),
        (false, true) => {
            Some(if session.is_empty() { "unknown instance".to_string() } else { session.to_string() })
        }
        _ => None,
    }
}

impl InstanceCredentialExfiltration {
    fn draft(&self, finding_type: &str, call: &ApiCall, instance: &str, why: String) -> Draft {
        let mut d = api_draft(finding_type, 8.0, call, self.name());
        let role = call.identity.role_name().unwrap_or("an instance role");
        d.title = format!("Credentials for instance {instance} were used from {}.", call.source_ip);
        d.description = format!(
            "Credentials of role {role} created exclusively for EC2 instance {instance} were used to call {} from {}.",
            call.event_name, call.source_ip
        );
        d.distinguish_by = call.source_ip.to_string();
        d.why.push(format!(
            "The session {} holds instance-profile credentials of {instance}.",
            call.identity.principal_id.as_deref().unwrap_or("?")
        ));
        d.why.push(why);
        d
    }
}

impl Detector for InstanceCredentialExfiltration {
    fn name(&self) -> &'static str {
        "intel::instance_credential_exfiltration"
    }

    fn observe(&mut self, event: &Event, ctx: &Context, sink: &mut FindingSink) {
        let Event::Api(call) = event else { return };
        let Some(ip) = call.source_addr else { return };
        if call.identity.invoked_by.is_some() {
            return;
        }
        let Some(instance) = instance_of_session(call) else { return };
        if ctx.intel.is_trusted_ip(ip) {
            return;
        }
        let role_account = call
            .identity
            .session_issuer
            .as_ref()
            .and_then(|s| s.account_id.clone())
            .or_else(|| call.identity.account_id.clone())
            .unwrap_or_else(|| call.account_id.clone());
        if is_internal(ip) {
            // Private source: the call came through a VPC endpoint.
            if let Some(owner) = call.vpc_endpoint_account_id.as_deref().filter(|o| *o != role_account) {
                let why = format!(
                    "The call came through VPC endpoint {} owned by account {owner}, not the role's account {role_account}.",
                    call.vpc_endpoint_id.as_deref().unwrap_or("?")
                );
                sink.report(self.draft(INSIDE, call, &instance, why));
            }
            return;
        }
        if !ctx.intel.has_aws_ranges() {
            return;
        }
        if !ctx.intel.is_aws_ip(ip) {
            let why = format!("{ip} is not in AWS's published IP ranges.");
            sink.report(self.draft(OUTSIDE, call, &instance, why));
            return;
        }
        let key = (instance.clone(), ip);
        match self.inside_candidates.get_mut(&key) {
            Some(d) => {
                d.count += 1;
                d.first_seen = d.first_seen.min(call.time);
                d.last_seen = d.last_seen.max(call.time);
                if d.evidence.len() < 20 {
                    d.evidence.push((call.time, call.src, crate::detect::common::summarize(call)));
                }
            }
            None => {
                let why = format!("{ip} is an AWS address that is neither {instance}'s public address nor that of another instance of this account in the input.");
                let d = self.draft(INSIDE, call, &instance, why);
                self.inside_candidates.insert(key, d);
            }
        }
    }

    fn finish(&mut self, ctx: &Context, sink: &mut FindingSink) {
        for ((instance, ip), d) in std::mem::take(&mut self.inside_candidates) {
            if let Some(owner) = ctx.inventory.instance_for_address(ip) {
                let (owner_account, _) = ctx.inventory.location(owner);
                if owner_account.is_empty() || owner_account == d.account_id {
                    continue; // an instance of this account (or of no known account) owns it
                }
            }
            let details = ctx.inventory.instance_details(&instance);
            let own: Vec<String> =
                details.network_interfaces.iter().filter_map(|n| n.public_ip.clone()).collect();
            if own.is_empty() || own.contains(&ip.to_string()) {
                continue; // the instance's own address, or not known: cannot tell
            }
            sink.report(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::intel::fixtures::context;
    use crate::detect::testing::scan_events_with;
    use crate::event::SourceRef;
    use crate::ingest::cloudtrail::parse_record;

    fn role_call(principal: &str, ip: &str, extra: &str) -> Event {
        let json = format!(
            r#"{{"eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"us-east-1","sourceIPAddress":"{ip}","userIdentity":{{"type":"AssumedRole","principalId":"{principal}","arn":"arn:aws:sts::111122223333:assumed-role/web/i-0abc1234def567890","accountId":"111122223333","accessKeyId":"ASIA1","sessionContext":{{"sessionIssuer":{{"type":"Role","principalId":"AROA1","arn":"arn:aws:iam::111122223333:role/web","accountId":"111122223333","userName":"web"}},"attributes":{{"mfaAuthenticated":"false"}}}}}},"recipientAccountId":"111122223333"{extra}}}"#
        );
        Event::Api(Box::new(parse_record(&json, SourceRef::default()).unwrap()))
    }

    fn of_type<'a>(f: &'a [crate::findings::Finding], t: &str) -> Vec<&'a crate::findings::Finding> {
        f.iter().filter(|f| f.finding_type == t).collect()
    }

    #[test]
    fn outside_aws_and_endpoint_of_another_account() {
        let f = scan_events_with(
            context("", ""),
            [
                role_call("AROA1:i-0abc1234def567890", "198.51.100.7", ""),
                role_call(
                    "AROA1:i-0abc1234def567890",
                    "10.1.2.3",
                    r#","vpcEndpointId":"vpce-1","vpcEndpointAccountId":"999988887777""#,
                ),
            ],
        );
        let out = of_type(&f, OUTSIDE);
        assert_eq!(out.len(), 1, "{f:?}");
        assert_eq!(out[0].severity, 8.0);
        assert!(out[0].description.contains("i-0abc1234def567890"));
        assert_eq!(of_type(&f, INSIDE).len(), 1);
    }

    #[test]
    fn silent_inside_aws_own_endpoint_users_and_trusted() {
        let f = scan_events_with(
            context("", "203.0.113.0/24\n"),
            [
                // From an AWS address with nothing known about the instance: cannot tell.
                role_call("AROA1:i-0abc1234def567890", "3.5.140.9", ""),
                // Through the account's own endpoint.
                role_call(
                    "AROA1:i-0abc1234def567890",
                    "10.1.2.3",
                    r#","vpcEndpointId":"vpce-1","vpcEndpointAccountId":"111122223333""#,
                ),
                // A role session not named after an instance.
                role_call("AROA1:alice-session", "198.51.100.7", ""),
                // Trusted address.
                role_call("AROA1:i-0abc1234def567890", "203.0.113.5", ""),
            ],
        );
        assert!(of_type(&f, OUTSIDE).is_empty() && of_type(&f, INSIDE).is_empty(), "{f:?}");
    }

    /// A DescribeInstances call in `account` answering that `instance` has `public_ip`.
    fn described(instance: &str, account: &str, public_ip: &str) -> Event {
        let json = format!(
            r#"{{"eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.1","userIdentity":{{"type":"IAMUser","accountId":"{account}"}},"recipientAccountId":"{account}",
            "responseElements":{{"reservationSet":{{"items":[{{"ownerId":"{account}","instancesSet":{{"items":[{{"instanceId":"{instance}","networkInterfaceSet":{{"items":[{{"networkInterfaceId":"eni-{public_ip}","privateIpAddress":"10.9.0.4","association":{{"publicIp":"{public_ip}"}}}}]}}}}]}}}}]}}}}}}"#
        );
        Event::Api(Box::new(parse_record(&json, SourceRef::default()).unwrap()))
    }

    #[test]
    fn inside_aws_judged_within_the_account() {
        let run = |other_account: &str| {
            scan_events_with(
                context("", ""),
                [
                    described("i-0abc1234def567890", "111122223333", "3.5.140.10"),
                    described("i-0fedcba9876543210", other_account, "3.5.140.9"),
                    role_call("AROA1:i-0abc1234def567890", "3.5.140.9", ""),
                ],
            )
        };
        // Another instance of the same account owns the address: not exfiltration.
        assert!(of_type(&run("111122223333"), INSIDE).is_empty());
        // An instance of a different account: GuardDuty's "used from another account's instance".
        let f = run("999988887777");
        assert_eq!(of_type(&f, INSIDE).len(), 1, "{f:?}");
    }
}
