//! `ocsf`: OCSF 1.1 Detection Finding (class 2004, category Findings), one JSON object per line.
//!
//! `finding_info.analytic` names the Vigil detector (a `Rule`, uid = the GuardDuty type),
//! `finding_info.attacks` carries the MITRE ATT&CK tactic and technique from
//! [`super::mitre::attack_for`], `resources` the affected key, bucket or instance, `evidences`
//! the API call or connection, `remediation` the guidance, and `unmapped.guardduty` the
//! finding's GuardDuty id and type so the two can be joined.

use serde_json::{json, Value};

use super::mitre::attack_for;
use crate::findings::{Finding, SeverityLabel};
use crate::time::parse_iso8601;

pub const OCSF_VERSION: &str = "1.1.0";
pub const CLASS_UID: u32 = 2004;

pub fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&serde_json::to_string(&finding(f)).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// OCSF `severity_id`: 2 Low, 3 Medium, 4 High, 5 Critical.
pub fn severity_id(label: SeverityLabel) -> u32 {
    match label {
        SeverityLabel::Low => 2,
        SeverityLabel::Medium => 3,
        SeverityLabel::High => 4,
        SeverityLabel::Critical => 5,
    }
}

fn ms(iso: &str) -> Value {
    parse_iso8601(iso).map_or(Value::Null, |t| json!(t))
}

pub fn finding(f: &Finding) -> Value {
    let label = f.severity_label();
    let detector = f.vigil.as_ref().map(|v| v.detector.clone()).unwrap_or_default();
    let attacks: Vec<Value> = attack_for(&f.finding_type)
        .map(|a| {
            json!({
                "tactic": { "uid": a.tactic_uid, "name": a.tactic },
                "technique": { "uid": a.technique_uid, "name": a.technique },
                "version": "v15",
            })
        })
        .into_iter()
        .collect();
    let mut v = json!({
        "class_uid": CLASS_UID,
        "class_name": "Detection Finding",
        "category_uid": 2,
        "category_name": "Findings",
        "activity_id": 1,
        "activity_name": "Create",
        "type_uid": CLASS_UID * 100 + 1,
        "type_name": "Detection Finding: Create",
        // `time` is required: the last event, else when the finding was last updated.
        "time": parse_iso8601(&f.service.event_last_seen)
            .or_else(|| parse_iso8601(&f.updated_at))
            .unwrap_or(0),
        "severity_id": severity_id(label),
        "severity": label.as_str(),
        "status_id": if f.service.archived { 4 } else { 1 },
        "status": if f.service.archived { "Archived" } else { "New" },
        "message": f.title,
        "count": f.service.count,
        "metadata": {
            "version": OCSF_VERSION,
            "uid": f.id,
            "product": { "name": "Vigil", "vendor_name": "Vigil", "feature": { "name": detector } },
        },
        "finding_info": {
            "uid": f.arn,
            "title": f.title,
            "desc": f.description,
            "types": [f.finding_type],
            "created_time": ms(&f.created_at),
            "modified_time": ms(&f.updated_at),
            "first_seen_time": ms(&f.service.event_first_seen),
            "last_seen_time": ms(&f.service.event_last_seen),
            "analytic": {
                "uid": f.finding_type,
                "name": if detector.is_empty() { f.finding_type.clone() } else { detector.clone() },
                "type_id": 1,
                "type": "Rule",
            },
            "attacks": attacks,
        },
        "cloud": {
            "provider": "AWS",
            "region": f.region,
            "account": { "uid": f.account_id, "type_id": 10, "type": "AWS Account" },
        },
        "resources": resources(f),
        "evidences": evidences(f),
        "unmapped": { "guardduty": { "id": f.id, "type": f.finding_type, "severity": f.severity } },
    });
    if let Some(r) = f.vigil.as_ref().and_then(|v| v.remediation.as_ref()) {
        let mut steps = r.check_first.clone();
        steps.extend(r.commands.iter().cloned());
        v["remediation"] = json!({ "desc": r.summary, "references": [r.reference], "steps": steps });
    }
    if let Some(vigil) = &f.vigil {
        v["unmapped"]["vigil"] =
            json!({ "why": vigil.why, "evidence": vigil.evidence, "evidence_total": vigil.evidence_total });
    }
    v
}

fn resources(f: &Finding) -> Vec<Value> {
    let r = &f.resource;
    let mut out = Vec::new();
    if let Some(i) = &r.instance_details {
        out.push(json!({ "uid": i.instance_id, "type": "AWS::EC2::Instance", "region": f.region, "cloud_partition": f.partition }));
    }
    for b in r.s3_bucket_details.iter().flatten() {
        out.push(json!({ "uid": b.arn, "name": b.name, "type": "AWS::S3::Bucket", "region": f.region, "cloud_partition": f.partition }));
    }
    if let Some(k) = &r.access_key_details {
        out.push(json!({
            "uid": if k.access_key_id.is_empty() { &k.principal_id } else { &k.access_key_id },
            "name": k.user_name,
            "type": "AWS::IAM::AccessKey",
            "region": f.region,
            "cloud_partition": f.partition,
            "labels": [k.user_type],
        }));
    }
    out
}

fn evidences(f: &Finding) -> Vec<Value> {
    let a = &f.service.action;
    let mut ev = json!({});
    if let Some(api) = &a.aws_api_call_action {
        ev["api"] = json!({ "operation": api.api, "service": { "name": api.service_name } });
        if let Some(ip) = api.remote_ip_details.as_ref().and_then(|r| r.ip()) {
            ev["src_endpoint"] = json!({ "ip": ip });
        }
        if let Some(ua) = &api.user_agent {
            // OCSF keeps the caller's user agent on the HTTP request, not on the endpoint.
            ev["http_request"] = json!({ "user_agent": ua });
        }
    }
    if let Some(n) = &a.network_connection_action {
        if let Some(ip) = n.remote_ip_details.as_ref().and_then(|r| r.ip()) {
            ev["dst_endpoint"] = json!({ "ip": ip, "port": n.remote_port_details.as_ref().map(|p| p.port) });
        }
        ev["connection_info"] = json!({ "direction": n.connection_direction, "protocol_name": n.protocol });
    }
    if let Some(k) = &f.resource.access_key_details {
        ev["actor"] = json!({ "user": { "name": k.user_name, "uid": k.principal_id, "type": k.user_type, "credential_uid": k.access_key_id } });
    }
    if ev.as_object().is_some_and(|o| o.is_empty()) {
        Vec::new()
    } else {
        vec![ev]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests_support::sample_findings;

    #[test]
    fn detection_finding_shape_with_attacks() {
        let findings = sample_findings();
        let lines: Vec<Value> = render(&findings).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), findings.len());
        for v in &lines {
            assert_eq!(v["class_uid"], 2004);
            assert_eq!(v["type_uid"], 200401);
            assert_eq!(v["finding_info"]["analytic"]["type"], "Rule");
            assert!(v["finding_info"]["attacks"][0]["technique"]["uid"].is_string(), "{v}");
            assert!(v["time"].is_number());
            // Detection Finding's required attributes (OCSF 1.1): base event + finding_info.
            for key in ["activity_id", "category_uid", "class_uid", "severity_id", "time", "type_uid"] {
                assert!(v[key].is_number(), "{key}");
            }
            assert_eq!(v["category_uid"], 2);
            assert_eq!(
                v["type_uid"],
                v["class_uid"].as_u64().unwrap() * 100 + v["activity_id"].as_u64().unwrap()
            );
            assert!(
                v["metadata"]["version"].is_string() && v["metadata"]["product"]["vendor_name"].is_string()
            );
            assert!(v["finding_info"]["uid"].is_string() && v["finding_info"]["title"].is_string());
            for a in v["finding_info"]["attacks"].as_array().unwrap() {
                assert!(a["version"].is_string() && a["tactic"]["uid"].is_string(), "{a}");
            }
            assert_eq!(v["cloud"]["provider"], "AWS");
            for e in v["evidences"].as_array().unwrap() {
                assert!(e.get("src_endpoint").is_none_or(|s| s.get("svc_name").is_none()), "{e}");
            }
        }
        let trail = lines
            .iter()
            .find(|v| v["finding_info"]["types"][0] == "Stealth:IAMUser/CloudTrailLoggingDisabled")
            .unwrap();
        assert_eq!(trail["finding_info"]["attacks"][0]["technique"]["uid"], "T1562.008");
        assert_eq!(trail["severity_id"], 2);
        assert_eq!(trail["evidences"][0]["api"]["operation"], "StopLogging");
        assert_eq!(trail["finding_info"]["analytic"]["name"], "cloudtrail::cloudtrail_logging_disabled");
        assert!(trail["remediation"]["steps"].as_array().unwrap().len() >= 2);
    }
}
