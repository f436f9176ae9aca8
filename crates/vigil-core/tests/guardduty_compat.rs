//! Produced findings have GuardDuty's key structure: every key Vigil writes in `--format json`
//! exists at the same place in a GuardDuty sample finding written from the documented format
//! (`tests/fixtures/guardduty-sample-finding.json`, as `aws guardduty get-findings` prints it),
//! and the keys every GuardDuty finding of that resource type carries are all there.

use std::collections::BTreeSet;

use serde_json::Value;
use vigil_core::detect::{Context, Engine};
use vigil_core::event::{Event, SourceRef};
use vigil_core::export::{render, Format, RenderOptions};
use vigil_core::ingest::cloudtrail::parse_record;
use vigil_core::scan::Scanner;

/// Key paths of a JSON value: `Service.Action.AwsApiCallAction.Api`, arrays as `[]`. The keys of
/// `AffectedResources` are data (resource types), so the path stops there.
fn paths(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                out.insert(p.clone());
                if k != "AffectedResources" {
                    paths(v, &p, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| paths(v, &format!("{prefix}[]"), out)),
        _ => {}
    }
}

fn key_paths(v: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    paths(v, "", &mut out);
    out
}

const WHO: &str = r#""userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333","accessKeyId":"AKIAMALLORY","userName":"mallory"},"recipientAccountId":"111122223333","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0""#;

fn produced() -> Value {
    let records = [
        format!(
            r#"{{"eventTime":"2024-05-14T09:02:11Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","requestParameters":{{"name":"main"}},{WHO}}}"#
        ),
        format!(
            r#"{{"eventTime":"2024-05-14T09:07:40Z","eventSource":"cloudtrail.amazonaws.com","eventName":"DeleteTrail","requestParameters":{{"name":"main"}},{WHO}}}"#
        ),
        format!(
            r#"{{"eventTime":"2024-05-14T09:59:58Z","eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy","requestParameters":{{"bucketName":"payroll","bucketPolicy":{{"Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::payroll/*"}}]}}}},{WHO}}}"#
        ),
    ];
    let mut engine = Engine::new(Context::default());
    engine.set_file_name(0, "trail.json");
    for (i, r) in records.iter().enumerate() {
        let call = parse_record(r, SourceRef { file: 0, record: i as u64 }).unwrap();
        engine.observe(&Event::Api(Box::new(call)));
    }
    let findings = engine.finish();
    serde_json::from_str(&render(&findings, Format::Json, &RenderOptions::default())).unwrap()
}

/// An `Instance` finding through real ingestion: a VPC flow log (v5 fields) with an instance
/// doing DNS over TLS.
fn produced_instance() -> Value {
    let log = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path\n\
               5 111122223333 eni-0a 10.0.1.5 185.10.10.53 51000 853 6 20 4000 1714557900 1714557960 ACCEPT OK vpc-0a subnet-0a i-0abc 2 IPv4 10.0.1.5 185.10.10.53 us-east-1 use1-az1 - - - - egress 8\n";
    let mut scanner = Scanner::new(Engine::new(Context::default()));
    let id = scanner.begin_file("flow.log");
    scanner.push(id, log.as_bytes());
    scanner.end_file(id);
    let findings = scanner.finish().findings;
    serde_json::from_str(&render(&findings, Format::Json, &RenderOptions::default())).unwrap()
}

fn sample() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/guardduty-sample-finding.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Keys every GuardDuty finding has (the sample has more, optional ones); see [`always`].
const ALWAYS: &[&str] = &[
    "AccountId",
    "Arn",
    "CreatedAt",
    "Description",
    "Id",
    "Partition",
    "Region",
    "Resource",
    "Resource.ResourceType",
    "SchemaVersion",
    "Service",
    "Service.Action",
    "Service.Action.ActionType",
    "Service.Archived",
    "Service.Count",
    "Service.DetectorId",
    "Service.EventFirstSeen",
    "Service.EventLastSeen",
    "Service.ResourceRole",
    "Service.ServiceName",
    "Severity",
    "Title",
    "Type",
    "UpdatedAt",
];

/// The keys a finding of this resource type always has: [`ALWAYS`] plus its resource details
/// and its action's required fields.
fn always(resource_type: &str) -> Vec<&'static str> {
    let mut keys = ALWAYS.to_vec();
    match resource_type {
        "Instance" => keys.extend([
            "Resource.InstanceDetails",
            "Resource.InstanceDetails.InstanceId",
            "Service.Action.NetworkConnectionAction",
            "Service.Action.NetworkConnectionAction.Blocked",
            "Service.Action.NetworkConnectionAction.ConnectionDirection",
            "Service.Action.NetworkConnectionAction.Protocol",
            "Service.Action.NetworkConnectionAction.RemoteIpDetails",
            "Service.Action.NetworkConnectionAction.RemoteIpDetails.IpAddressV4",
            "Service.Action.NetworkConnectionAction.RemotePortDetails.Port",
        ]),
        _ => keys.extend([
            "Service.Action.AwsApiCallAction",
            "Service.Action.AwsApiCallAction.Api",
            "Service.Action.AwsApiCallAction.CallerType",
            "Service.Action.AwsApiCallAction.ServiceName",
        ]),
    }
    if resource_type == "AccessKey" {
        keys.extend([
            "Resource.AccessKeyDetails",
            "Resource.AccessKeyDetails.AccessKeyId",
            "Resource.AccessKeyDetails.PrincipalId",
            "Resource.AccessKeyDetails.UserName",
            "Resource.AccessKeyDetails.UserType",
        ]);
    }
    keys
}

#[test]
fn produced_findings_have_guardduty_key_structure() {
    let sample = sample();
    let mut ours = produced();
    assert_eq!(ours.as_object().unwrap().keys().collect::<Vec<_>>(), vec!["Findings"]);
    let instance = produced_instance();
    assert_eq!(instance.as_object().unwrap().keys().collect::<Vec<_>>(), vec!["Findings"]);
    let ours = ours["Findings"].as_array_mut().unwrap();
    ours.extend(instance["Findings"].as_array().unwrap().iter().cloned());
    let ours = &*ours;
    assert!(ours.len() >= 3);
    for resource_type in ["AccessKey", "S3Bucket", "Instance"] {
        let pick = |list: &Vec<Value>| {
            list.iter().find(|f| f["Resource"]["ResourceType"] == resource_type).cloned().unwrap()
        };
        let theirs = key_paths(&pick(sample["Findings"].as_array().unwrap()));
        let mine = key_paths(&pick(ours));
        let invented: Vec<&String> = mine.difference(&theirs).collect();
        assert!(invented.is_empty(), "{resource_type}: keys GuardDuty does not have: {invented:?}");
        let missing: Vec<&str> = always(resource_type).into_iter().filter(|k| !mine.contains(*k)).collect();
        assert!(missing.is_empty(), "{resource_type}: keys GuardDuty always has are missing: {missing:?}");
        if resource_type == "S3Bucket" {
            for k in [
                "Resource.S3BucketDetails[].Arn",
                "Resource.S3BucketDetails[].Name",
                "Resource.S3BucketDetails[].Type",
            ] {
                assert!(mine.contains(k), "{k}");
            }
        }
    }
}

#[test]
fn values_have_guardduty_types_and_formats() {
    let ours = produced();
    for f in ours["Findings"].as_array().unwrap() {
        assert!(f["Severity"].is_number());
        let sev = f["Severity"].as_f64().unwrap();
        assert!((1.0..=10.0).contains(&sev));
        assert!(f["Service"]["Count"].is_u64());
        assert!(f["Service"]["Archived"].is_boolean());
        assert_eq!(f["SchemaVersion"], "2.0");
        assert_eq!(f["Partition"], "aws");
        assert_eq!(f["Service"]["ServiceName"], "guardduty");
        let id = f["Id"].as_str().unwrap();
        assert_eq!(id.len(), 32);
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
        assert!(f["Arn"].as_str().unwrap().starts_with("arn:aws:guardduty:us-east-1:111122223333:detector/"));
        for t in ["CreatedAt", "UpdatedAt"] {
            let s = f[t].as_str().unwrap();
            assert!(s.len() == 24 && s.ends_with('Z') && &s[10..11] == "T", "{t}: {s}");
        }
    }
    let trail = ours["Findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["Type"] == "Stealth:IAMUser/CloudTrailLoggingDisabled")
        .unwrap();
    assert_eq!(trail["Service"]["Count"], 2, "StopLogging and DeleteTrail by the same key aggregate");
    assert_eq!(trail["Service"]["EventFirstSeen"], "2024-05-14T09:02:11.000Z");
    assert_eq!(trail["Service"]["EventLastSeen"], "2024-05-14T09:07:40.000Z");
}

#[test]
fn ids_are_stable_across_runs() {
    let ids = |v: &Value| {
        v["Findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["Id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&produced()), ids(&produced()));
}
