//! Pieces every CloudTrail detector needs: the GuardDuty resource and action for an API call,
//! and the one-line evidence summary.

use crate::event::{ApiCall, IdentityType};
use crate::findings::model::*;
use crate::findings::Draft;

/// GuardDuty's `AccessKey` resource for the caller of an API call.
pub fn access_key_resource(call: &ApiCall) -> Resource {
    let id = &call.identity;
    Resource {
        resource_type: "AccessKey".to_string(),
        access_key_details: Some(AccessKeyDetails {
            access_key_id: id.access_key_id.clone().unwrap_or_default(),
            principal_id: id.principal_id.clone().unwrap_or_default(),
            user_name: id.name().to_string(),
            user_type: id.kind.as_str().to_string(),
        }),
        ..Resource::default()
    }
}

/// GuardDuty's `AWS_API_CALL` action for an API call.
pub fn api_call_action(call: &ApiCall) -> Action {
    let (caller_type, remote_ip_details, domain_details) = match call.source_addr {
        Some(ip) => ("Remote IP", Some(RemoteIpDetails::for_ip(ip)), None),
        None if call.source_ip.ends_with(".amazonaws.com") || call.source_ip == "AWS Internal" => {
            ("AWS Service", None, None)
        }
        None => ("Domain", None, Some(DomainDetails { domain: call.source_ip.clone() })),
    };
    Action {
        action_type: "AWS_API_CALL".to_string(),
        aws_api_call_action: Some(AwsApiCallAction {
            api: call.event_name.clone(),
            caller_type: caller_type.to_string(),
            service_name: call.event_source.clone(),
            remote_ip_details,
            domain_details,
            error_code: call.error_code.clone(),
            user_agent: (!call.user_agent.is_empty()).then(|| call.user_agent.clone()),
            ..AwsApiCallAction::default()
        }),
        ..Action::default()
    }
}

/// `iam:CreateAccessKey by alice (IAMUser) from 203.0.113.9 [AccessDenied]`
pub fn summarize(call: &ApiCall) -> String {
    let mut s = format!(
        "{}:{} by {} ({}) from {}",
        call.service(),
        call.event_name,
        call.identity.name(),
        call.identity.kind.as_str(),
        if call.source_ip.is_empty() { "?" } else { &call.source_ip }
    );
    if let Some(e) = &call.error_code {
        s.push_str(&format!(" [{e}]"));
    }
    s
}

/// A draft for a finding about the caller of `call`, with resource, action, account, region,
/// actor and the call itself as evidence filled in.
pub fn api_draft(finding_type: &str, severity: f64, call: &ApiCall, detector: &'static str) -> Draft {
    let mut d = Draft::at(finding_type, severity, call.time, detector);
    d.account_id = call.account_id.clone();
    d.region = call.region.clone();
    d.resource = access_key_resource(call);
    d.action = api_call_action(call);
    d.actor = Some(match call.identity.kind {
        IdentityType::Root => "Root".to_string(),
        _ => call.identity.name().to_string(),
    });
    d.evidence.push((call.time, call.src, summarize(call)));
    d
}
