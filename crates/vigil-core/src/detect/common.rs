//! Pieces every CloudTrail detector needs: the GuardDuty resource and action for an API call,
//! and the one-line evidence summary.

use std::net::IpAddr;

use crate::event::{ApiCall, IdentityType};
use crate::findings::model::*;
use crate::findings::Draft;

/// GuardDuty's `AccessKey` resource for the caller of an API call.
pub fn access_key_resource(call: &ApiCall) -> Resource {
    let id = &call.identity;
    Resource {
        resource_type: "AccessKey".to_string(),
        access_key_details: Some(AccessKeyDetails {
            access_key_id: id.access_key_id.as_deref().unwrap_or_default().to_string(),
            principal_id: id.principal_id.as_deref().unwrap_or_default().to_string(),
            user_name: id.name().to_string(),
            user_type: id.kind.as_str().to_string(),
        }),
        ..Resource::default()
    }
}

/// GuardDuty's `AWS_API_CALL` action for an API call.
pub fn api_call_action(call: &ApiCall) -> Action {
    api_action_of(CallFacts {
        api: &call.event_name,
        service: &call.event_source,
        source_ip: &call.source_ip,
        source_addr: call.source_addr,
        error_code: call.error_code.as_deref(),
        user_agent: &call.user_agent,
    })
}

/// What GuardDuty's `AWS_API_CALL` action tells of one call (from an event, or from a sample a
/// baseline kept).
pub struct CallFacts<'a> {
    pub api: &'a str,
    pub service: &'a str,
    /// `sourceIPAddress` as logged: an address, a service name or `AWS Internal`.
    pub source_ip: &'a str,
    pub source_addr: Option<IpAddr>,
    pub error_code: Option<&'a str>,
    pub user_agent: &'a str,
}

/// GuardDuty's `AWS_API_CALL` action: the caller is a remote IP, an AWS service, or a domain.
pub fn api_action_of(call: CallFacts<'_>) -> Action {
    let (caller_type, remote_ip_details, domain_details) = match call.source_addr {
        Some(ip) => ("Remote IP", Some(RemoteIpDetails::for_ip(ip)), None),
        None if call.source_ip.ends_with(".amazonaws.com") || call.source_ip == "AWS Internal" => {
            ("AWS Service", None, None)
        }
        None => ("Domain", None, Some(DomainDetails { domain: call.source_ip.to_string() })),
    };
    Action {
        action_type: "AWS_API_CALL".to_string(),
        aws_api_call_action: Some(AwsApiCallAction {
            api: call.api.to_string(),
            caller_type: caller_type.to_string(),
            service_name: call.service.to_string(),
            remote_ip_details,
            domain_details,
            error_code: call.error_code.map(str::to_string),
            user_agent: (!call.user_agent.is_empty()).then(|| call.user_agent.to_string()),
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
    d.account_id = call.account_id.to_string();
    d.region = call.region.to_string();
    d.resource = access_key_resource(call);
    d.action = api_call_action(call);
    d.actor = Some(match call.identity.kind {
        IdentityType::Root => "Root".to_string(),
        _ => call.identity.name().to_string(),
    });
    d.evidence.push((call.time, call.src, summarize(call)));
    d
}

/// `requestParameters` as a JSON tree (for the few detectors that look inside), or `Null`.
pub fn request_json(call: &ApiCall) -> serde_json::Value {
    call.request().unwrap_or(serde_json::Value::Null)
}

/// `responseElements` as a JSON tree, or `Null`.
pub fn response_json(call: &ApiCall) -> serde_json::Value {
    call.response().unwrap_or(serde_json::Value::Null)
}

/// GuardDuty's `S3Bucket` resource for a call on `bucket`: the bucket as `Destination`, plus the
/// caller's access key (GuardDuty's S3 findings carry both).
pub fn bucket_resource(call: &ApiCall, bucket: &str) -> Resource {
    let mut r = access_key_resource(call);
    r.resource_type = "S3Bucket".to_string();
    r.s3_bucket_details = Some(vec![S3BucketDetail {
        arn: format!("arn:aws:s3:::{bucket}"),
        name: bucket.to_string(),
        bucket_type: "Destination".to_string(),
        ..S3BucketDetail::default()
    }]);
    r
}

/// Records an affected resource (`AWS::EC2::Snapshot` → `snap-…`) in the draft's API action, as
/// GuardDuty's `affectedResources`; remediation commands are filled from these.
pub fn affect(d: &mut Draft, resource_type: &str, id: &str) {
    if id.is_empty() {
        return;
    }
    if let Some(a) = d.action.aws_api_call_action.as_mut() {
        a.affected_resources.insert(resource_type.to_string(), serde_json::Value::String(id.to_string()));
    }
}

/// A string field of a JSON object, looked up by any of several spellings (CloudTrail logs some
/// parameters in camelCase and others in PascalCase).
pub fn str_field<'a>(v: &'a serde_json::Value, names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|n| v.get(*n).and_then(|x| x.as_str()))
}

/// A field of a JSON object by name, ignoring ASCII case (`eventSelectors` / `EventSelectors`).
pub fn get_ci<'a>(v: &'a serde_json::Value, name: &str) -> Option<&'a serde_json::Value> {
    let obj = v.as_object()?;
    obj.get(name).or_else(|| obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
}

/// A JSON value as a list: arrays as they are, a single value as a list of one, null as empty.
/// (CloudTrail logs one-element XML lists as a bare object.)
pub fn as_list(v: Option<&serde_json::Value>) -> Vec<&serde_json::Value> {
    match v {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::Array(a)) => a.iter().collect(),
        Some(other) => vec![other],
    }
}

/// A JSON boolean that may be logged as a string.
pub fn as_bool(v: Option<&serde_json::Value>) -> Option<bool> {
    match v? {
        serde_json::Value::Bool(b) => Some(*b),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// A JSON number that may be logged as a string.
pub fn as_f64(v: Option<&serde_json::Value>) -> Option<f64> {
    match v? {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The last path segment of an ARN-or-name (`arn:…:trail/main` → `main`).
pub fn short_name(name_or_arn: &str) -> &str {
    name_or_arn.rsplit('/').next().unwrap_or(name_or_arn)
}
