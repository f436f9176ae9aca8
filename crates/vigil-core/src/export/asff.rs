//! `asff`: the AWS Security Finding Format, as a Security Hub `BatchImportFindings` request body
//! `{"Findings":[…]}` that imports as is: `aws securityhub batch-import-findings --cli-input-json
//! file://findings.asff.json` (at most 100 findings a call).
//!
//! - `ProductArn` is the account's own default product,
//!   `arn:aws:securityhub:REGION:ACCOUNT:product/ACCOUNT/default` — the one every account may
//!   import into (GuardDuty's `product/aws/guardduty` is reserved for GuardDuty itself).
//!   `ProductName`/`CompanyName` say `Vigil`, so the findings are not mistaken for GuardDuty's.
//! - The rest follows GuardDuty's own integration: `Id` the finding ARN, `GeneratorId` the
//!   detector ARN, `Types` GuardDuty's published ASFF type ([`super::mitre::asff_type`]),
//!   `Severity.Label` from GuardDuty's bands with `Normalized` = severity × 10 (so LOW 10–39,
//!   MEDIUM 40–69, HIGH 70–89, CRITICAL 90–100, as Security Hub maps them), `Resources`
//!   (`AwsIamAccessKey`, `AwsS3Bucket`, `AwsEc2Instance`, else `AwsAccount`), GuardDuty's `service`
//!   flattened into `ProductFields` (`aws/guardduty/service/…`), and Vigil's remediation as
//!   `Remediation.Recommendation`.
//! - Security Hub's limits are kept: all required top-level attributes present; Title ≤ 256
//!   and Description ≤ 1024 characters; at most 50 `ProductFields`, keys ≤ 128 and values ≤ 2048
//!   characters; no empty strings (ASFF strings must hold a non-blank character), so empty
//!   optional values are left out.

use serde_json::{json, Map, Value};

use super::mitre::asff_type;
use crate::findings::Finding;

/// ASFF allows at most 50 product fields.
pub const MAX_PRODUCT_FIELDS: usize = 50;

pub fn render(findings: &[Finding]) -> String {
    let list: Vec<Value> = findings.iter().map(finding).collect();
    let mut out = serde_json::to_string_pretty(&json!({ "Findings": list })).unwrap_or_default();
    out.push('\n');
    out
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

pub fn finding(f: &Finding) -> Value {
    let label = f.severity_label().as_str().to_uppercase();
    let types = vec![asff_type(&f.finding_type)];
    let remediation = f.vigil.as_ref().and_then(|v| v.remediation.as_ref());
    let mut v = json!({
        "SchemaVersion": "2018-10-08",
        "Id": f.arn,
        "ProductArn": product_arn(&f.region, &f.account_id),
        "ProductName": "Vigil",
        "CompanyName": "Vigil",
        "GeneratorId": format!("arn:aws:guardduty:{}:{}:detector/{}", f.region, f.account_id, f.service.detector_id),
        "AwsAccountId": f.account_id,
        "Region": f.region,
        "Types": types,
        "FirstObservedAt": f.service.event_first_seen,
        "LastObservedAt": f.service.event_last_seen,
        "CreatedAt": f.created_at,
        "UpdatedAt": f.updated_at,
        "Severity": {
            "Label": label,
            "Normalized": (f.severity * 10.0).round().clamp(0.0, 100.0) as u32,
            "Product": f.severity,
        },
        "FindingProviderFields": {
            "Severity": { "Label": label, "Original": format!("{:.1}", f.severity) },
            "Types": [asff_type(&f.finding_type)],
        },
        "Title": truncate(&f.title, 256),
        "Description": truncate(&f.description, 1024),
        "Resources": resources(f),
        "ProductFields": product_fields(f),
        "RecordState": if f.service.archived { "ARCHIVED" } else { "ACTIVE" },
        "Workflow": { "Status": "NEW" },
    });
    if let Some(r) = remediation {
        let mut text = r.summary.clone();
        if let Some(c) = r.commands.first() {
            text.push_str(" First: ");
            text.push_str(c);
        }
        v["Remediation"] = json!({ "Recommendation": { "Text": truncate(&text, 512), "Url": r.reference } });
    }
    if let Some(action) = action(f) {
        v["Action"] = action;
    }
    prune_empty(&mut v);
    v
}

/// The account's own default Security Hub product, which every account may import into.
pub fn product_arn(region: &str, account: &str) -> String {
    format!("arn:aws:securityhub:{region}:{account}:product/{account}/default")
}

/// Drops empty strings, nulls and the objects/arrays they leave empty: Security Hub rejects
/// blank strings, and an absent optional field says the same.
fn prune_empty(v: &mut Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => {
            a.retain_mut(prune_empty);
            !a.is_empty()
        }
        Value::Object(o) => {
            o.retain(|_, v| prune_empty(v));
            !o.is_empty()
        }
        _ => true,
    }
}

fn resources(f: &Finding) -> Vec<Value> {
    let r = &f.resource;
    let mut out = Vec::new();
    if let Some(i) = &r.instance_details {
        let mut details = Map::new();
        if let Some(t) = &i.instance_type {
            details.insert("Type".into(), json!(t));
        }
        if let Some(img) = &i.image_id {
            details.insert("ImageId".into(), json!(img));
        }
        if let Some(p) = &i.iam_instance_profile {
            details.insert("IamInstanceProfileArn".into(), json!(p.arn));
        }
        if let Some(n) = i.network_interfaces.first() {
            if let Some(vpc) = &n.vpc_id {
                details.insert("VpcId".into(), json!(vpc));
            }
            if let Some(subnet) = &n.subnet_id {
                details.insert("SubnetId".into(), json!(subnet));
            }
        }
        let ips: Vec<&String> =
            i.network_interfaces.iter().filter_map(|n| n.private_ip_address.as_ref()).collect();
        if !ips.is_empty() {
            details.insert("IpV4Addresses".into(), json!(ips));
        }
        out.push(json!({
            "Type": "AwsEc2Instance",
            "Id": format!("arn:aws:ec2:{}:{}:instance/{}", f.region, f.account_id, i.instance_id),
            "Partition": f.partition,
            "Region": f.region,
            "Details": { "AwsEc2Instance": details },
        }));
    }
    for b in r.s3_bucket_details.iter().flatten() {
        let mut details = Map::new();
        if let Some(o) = &b.owner {
            details.insert("OwnerId".into(), json!(o.id));
        }
        out.push(json!({
            "Type": "AwsS3Bucket",
            "Id": b.arn,
            "Partition": f.partition,
            "Region": f.region,
            "Details": { "AwsS3Bucket": details },
        }));
    }
    if let Some(k) = &r.access_key_details {
        let id = if k.access_key_id.is_empty() { &k.principal_id } else { &k.access_key_id };
        out.push(json!({
            "Type": "AwsIamAccessKey",
            "Id": format!("AWS::IAM::AccessKey:{id}"),
            "Partition": f.partition,
            "Region": f.region,
            "Details": { "AwsIamAccessKey": {
                "PrincipalId": k.principal_id,
                "PrincipalName": k.user_name,
                "PrincipalType": k.user_type,
            }},
        }));
    }
    if out.is_empty() {
        out.push(json!({
            "Type": "AwsAccount",
            "Id": format!("AWS::::Account:{}", f.account_id),
            "Partition": f.partition,
            "Region": f.region,
        }));
    }
    out
}

/// GuardDuty's `service` flattened to `aws/guardduty/service/…` string fields, then Vigil's
/// detector and evidence count; at most [`MAX_PRODUCT_FIELDS`].
fn product_fields(f: &Finding) -> Map<String, Value> {
    let mut out = Map::new();
    let service = serde_json::to_value(&f.service).unwrap_or(Value::Null);
    flatten("aws/guardduty/service", &service, &mut out);
    if let Some(v) = &f.vigil {
        out.insert("vigil/detector".into(), json!(v.detector));
        out.insert("vigil/evidenceTotal".into(), json!(v.evidence_total.to_string()));
    }
    out.into_iter().filter(|(k, _)| k.chars().count() <= 128).take(MAX_PRODUCT_FIELDS).collect()
}

fn flatten(prefix: &str, v: &Value, out: &mut Map<String, Value>) {
    match v {
        Value::Object(o) => o.iter().for_each(|(k, v)| flatten(&format!("{prefix}/{k}"), v, out)),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, v)| flatten(&format!("{prefix}/{i}"), v, out)),
        Value::Null => {}
        Value::String(s) => {
            out.insert(prefix.to_string(), json!(truncate(s, 2048)));
        }
        other => {
            out.insert(prefix.to_string(), json!(other.to_string()));
        }
    }
}

/// ASFF's `Action` for API-call and network findings.
fn action(f: &Finding) -> Option<Value> {
    let a = &f.service.action;
    if let Some(api) = &a.aws_api_call_action {
        let mut call = json!({
            "Api": api.api,
            "ServiceName": api.service_name,
            "CallerType": api.caller_type,
            "FirstSeen": f.service.event_first_seen,
            "LastSeen": f.service.event_last_seen,
        });
        if let Some(ip) = api.remote_ip_details.as_ref().and_then(|r| r.ip_address_v4.clone()) {
            call["RemoteIpDetails"] = json!({ "IpAddressV4": ip });
        }
        if let Some(d) = &api.domain_details {
            call["DomainDetails"] = json!({ "Domain": d.domain });
        }
        if !api.affected_resources.is_empty() {
            call["AffectedResources"] = Value::Object(api.affected_resources.clone());
        }
        return Some(json!({ "ActionType": "AWS_API_CALL", "AwsApiCallAction": call }));
    }
    if let Some(n) = &a.network_connection_action {
        let mut conn = json!({
            "ConnectionDirection": n.connection_direction,
            "Protocol": n.protocol,
            "Blocked": n.blocked,
        });
        if let Some(ip) = n.remote_ip_details.as_ref().and_then(|r| r.ip_address_v4.clone()) {
            conn["RemoteIpDetails"] = json!({ "IpAddressV4": ip });
        }
        if let Some(p) = &n.remote_port_details {
            conn["RemotePortDetails"] = json!({ "Port": p.port, "PortName": p.port_name });
        }
        if let Some(p) = &n.local_port_details {
            conn["LocalPortDetails"] = json!({ "Port": p.port, "PortName": p.port_name });
        }
        return Some(json!({ "ActionType": "NETWORK_CONNECTION", "NetworkConnectionAction": conn }));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests_support::sample_findings;

    #[test]
    fn batch_import_shape() {
        let findings = sample_findings();
        let v: Value = serde_json::from_str(&render(&findings)).unwrap();
        let list = v["Findings"].as_array().unwrap();
        assert_eq!(list.len(), findings.len());
        for (a, f) in list.iter().zip(&findings) {
            for key in [
                "SchemaVersion",
                "Id",
                "ProductArn",
                "GeneratorId",
                "AwsAccountId",
                "Types",
                "CreatedAt",
                "UpdatedAt",
                "Severity",
                "Title",
                "Description",
                "Resources",
            ] {
                assert!(a.get(key).is_some(), "{key} missing");
            }
            assert_eq!(a["Id"], f.arn);
            assert_eq!(
                a["ProductArn"],
                format!("arn:aws:securityhub:us-east-1:{0}:product/{0}/default", f.account_id)
            );
            assert_eq!(a["SchemaVersion"], "2018-10-08");
            assert_eq!(a["GeneratorId"], a["Id"].as_str().unwrap().split("/finding/").next().unwrap());
            let fields = a["ProductFields"].as_object().unwrap();
            assert!(fields.len() <= MAX_PRODUCT_FIELDS);
            for (k, v) in fields {
                assert!(k.chars().count() <= 128 && v.as_str().unwrap().chars().count() <= 2048, "{k}");
            }
            let label = a["Severity"]["Label"].as_str().unwrap();
            let normalized = a["Severity"]["Normalized"].as_u64().unwrap();
            let band = match normalized {
                1..=39 => "LOW",
                40..=69 => "MEDIUM",
                70..=89 => "HIGH",
                90..=100 => "CRITICAL",
                _ => "INFORMATIONAL",
            };
            assert_eq!(label, band, "Security Hub derives the label from Normalized the same way");
            assert_eq!(a["FindingProviderFields"]["Severity"]["Label"], label);
            assert_eq!(a["FindingProviderFields"]["Types"], a["Types"]);
            let types = a["Types"].as_array().unwrap();
            assert!(!types.is_empty());
            for t in types {
                let t = t.as_str().unwrap();
                assert!(
                    super::super::mitre::ASFF_NAMESPACES.iter().any(|n| t.starts_with(&format!("{n}/"))),
                    "{t}"
                );
            }
            for r in a["Resources"].as_array().unwrap() {
                assert!(r["Type"].is_string() && r["Id"].is_string(), "{r}");
            }
            assert!(a["Title"].as_str().unwrap().chars().count() <= 256);
            assert!(a["Description"].as_str().unwrap().chars().count() <= 1024);
            assert_no_blank_strings(a);
            assert_eq!(a["Severity"]["Product"], f.severity);
        }
        let public = list
            .iter()
            .find(|a| a["Types"][0].as_str().unwrap().ends_with("Policy:S3-BucketAnonymousAccessGranted"))
            .unwrap();
        assert_eq!(public["Severity"]["Label"], "HIGH");
        assert_eq!(public["Severity"]["Normalized"], 80);
        assert_eq!(public["Resources"][0]["Type"], "AwsS3Bucket");
        assert_eq!(public["Resources"][0]["Id"], "arn:aws:s3:::payroll");
        assert_eq!(public["Resources"][1]["Type"], "AwsIamAccessKey");
        assert_eq!(public["ProductFields"]["aws/guardduty/service/action/actionType"], "AWS_API_CALL");
        assert!(public["Remediation"]["Recommendation"]["Text"].as_str().unwrap().len() <= 512 + 3);
        assert_eq!(public["Types"][0], "TTPs/Policy:S3-BucketAnonymousAccessGranted");
    }

    fn assert_no_blank_strings(v: &Value) {
        match v {
            Value::String(s) => assert!(!s.trim().is_empty(), "blank string in ASFF"),
            Value::Array(a) => a.iter().for_each(assert_no_blank_strings),
            Value::Object(o) => o.values().for_each(assert_no_blank_strings),
            _ => {}
        }
    }

    #[test]
    fn blank_values_are_left_out() {
        let mut f = sample_findings().into_iter().find(|f| f.resource.access_key_details.is_some()).unwrap();
        f.resource.access_key_details.as_mut().unwrap().user_name = String::new();
        let v = finding(&f);
        assert_no_blank_strings(&v);
        let key = v["Resources"].as_array().unwrap().iter().find(|r| r["Type"] == "AwsIamAccessKey").unwrap();
        assert!(key["Details"]["AwsIamAccessKey"].get("PrincipalName").is_none());
        assert!(key["Details"]["AwsIamAccessKey"]["PrincipalId"].is_string());
    }
}
