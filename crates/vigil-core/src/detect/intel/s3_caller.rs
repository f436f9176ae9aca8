//! The S3 threat-intel callers — an S3 API was called from an address on a threat list or from
//! a Tor exit node:
//!
//! | caller on | discovery API | data read (`GetObject`, `CopyObject`, …) | data change (`Put*`, `Delete*`, …) |
//! |---|---|---|---|
//! | bundled malicious list | `Discovery:S3/MaliciousIPCaller` | `Exfiltration:S3/MaliciousIPCaller` | `Impact:S3/MaliciousIPCaller` |
//! | user threat list | `Discovery:S3/MaliciousIPCaller.Custom` | `UnauthorizedAccess:S3/MaliciousIPCaller.Custom` | `UnauthorizedAccess:S3/MaliciousIPCaller.Custom` |
//! | Tor exit list | `Discovery:S3/TorIPCaller` | `UnauthorizedAccess:S3/TorIPCaller` | `UnauthorizedAccess:S3/TorIPCaller` |
//!
//! **Fires on** CloudTrail records from `s3.amazonaws.com` (data events and bucket management
//! events) whose `sourceIPAddress` a list covers (see [`super::iam_caller::caller_hits`]); calls
//! made by AWS services on the caller's behalf are skipped; trusted lists win.
//!
//! **Severity** as GuardDuty: High (8.0), except `Discovery:S3/TorIPCaller`, Medium (5.0).
//!
//! **Resource**: the bucket (`S3Bucket`, with the caller's access key); `AccessKey` for calls
//! without a bucket (`ListBuckets`). Evidence names the list and indicator; repeats aggregate per
//! bucket, principal and caller address.
//!
//! **Known false positives**: as for the IAM callers — shared egress addresses on a feed.
//!
//! Example: `GetObject` on `s3://reports/q3.csv` from a ThreatFox C2 address →
//! `Exfiltration:S3/MaliciousIPCaller`.

use crate::detect::common::{api_draft, bucket_resource};
use crate::detect::intel::iam_caller::caller_hits;
use crate::detect::intel::{describe_hit, is_discovery_api, threat_detail};
use crate::detect::{Context, Detector};
use crate::event::Event;
use crate::findings::FindingSink;

pub struct S3Caller;

/// What an S3 API does, for the tactic in the finding type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum S3Use {
    Discovery,
    /// Reads object data out of the bucket.
    Exfiltration,
    /// Writes, deletes or reconfigures.
    Impact,
}

pub fn s3_use(api: &str) -> S3Use {
    const READS: &[&str] = &[
        "GetObject",
        "GetObjectVersion",
        "CopyObject",
        "UploadPartCopy",
        "SelectObjectContent",
        "GetObjectTorrent",
        "RestoreObject",
    ];
    if READS.contains(&api) {
        S3Use::Exfiltration
    } else if is_discovery_api(api) {
        S3Use::Discovery
    } else {
        S3Use::Impact
    }
}

impl Detector for S3Caller {
    fn name(&self) -> &'static str {
        "intel::s3_caller"
    }

    fn observe(&mut self, event: &Event, ctx: &Context, sink: &mut FindingSink) {
        let Event::Api(call) = event else { return };
        if call.event_source != "s3.amazonaws.com" {
            return;
        }
        let Some(hits) = caller_hits(call, ctx) else { return };
        let usage = s3_use(&call.event_name);
        let malicious_type = match usage {
            S3Use::Discovery => "Discovery:S3/MaliciousIPCaller",
            S3Use::Exfiltration => "Exfiltration:S3/MaliciousIPCaller",
            S3Use::Impact => "Impact:S3/MaliciousIPCaller",
        };
        let discovery = usage == S3Use::Discovery;
        let custom_type = if discovery {
            "Discovery:S3/MaliciousIPCaller.Custom"
        } else {
            "UnauthorizedAccess:S3/MaliciousIPCaller.Custom"
        };
        let (tor_type, tor_severity) = if discovery {
            ("Discovery:S3/TorIPCaller", 5.0)
        } else {
            ("UnauthorizedAccess:S3/TorIPCaller", 8.0)
        };
        for (hits, finding_type, severity, what) in [
            (&hits.malicious, malicious_type, 8.0, "a known malicious IP address"),
            (&hits.custom, custom_type, 8.0, "an IP address on a custom threat list"),
            (&hits.tor, tor_type, tor_severity, "a Tor exit node IP address"),
        ] {
            if hits.is_empty() {
                continue;
            }
            let mut d = api_draft(finding_type, severity, call, self.name());
            let bucket = call.s3.as_ref().map(|s| s.bucket.as_str()).filter(|b| !b.is_empty());
            if let Some(b) = bucket {
                d.resource = bucket_resource(call, b);
            }
            d.title = format!("An S3 API {} was invoked from {}.", call.event_name, what);
            d.description = format!(
                "S3 API {} was invoked{} by {} from {} {}.",
                call.event_name,
                bucket.map(|b| format!(" on bucket {b}")).unwrap_or_default(),
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
            sink.report(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::intel::fixtures::{bundled_ip, context};
    use crate::detect::testing::scan_events_with;
    use crate::event::{Event, SourceRef};
    use crate::findings::Finding;
    use crate::ingest::cloudtrail::parse_record;

    fn s3(name: &str, ip: &str) -> Event {
        let json = format!(
            r#"{{"eventTime":"2024-01-01T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"{name}","eventCategory":"Data","awsRegion":"us-east-1","sourceIPAddress":"{ip}","userIdentity":{{"type":"IAMUser","principalId":"AIDA1","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIA1","userName":"alice"}},"requestParameters":{{"bucketName":"reports","key":"q3.csv"}},"recipientAccountId":"111122223333"}}"#
        );
        Event::Api(Box::new(parse_record(&json, SourceRef::default()).unwrap()))
    }

    fn s3_types(f: &[Finding]) -> Vec<String> {
        let mut t: Vec<String> = f
            .iter()
            .filter(|f| f.finding_type.contains(":S3/") && f.finding_type.contains("IPCaller"))
            .map(|f| f.finding_type.clone())
            .collect();
        t.sort();
        t
    }

    #[test]
    fn each_s3_caller_type() {
        let ctx = context("198.51.100.0/24\n", "");
        let tor = bundled_ip(&ctx, "Tor exit nodes").to_string();
        let bad = bundled_ip(&ctx, "IPsum level 3").to_string();
        let custom = "198.51.100.9";
        let f = scan_events_with(
            ctx,
            [
                s3("ListObjects", &bad),
                s3("GetObject", &bad),
                s3("PutObject", &bad),
                s3("ListObjects", custom),
                s3("GetObject", custom),
                s3("ListObjects", &tor),
                s3("DeleteObject", &tor),
            ],
        );
        assert_eq!(
            s3_types(&f),
            vec![
                "Discovery:S3/MaliciousIPCaller",
                "Discovery:S3/MaliciousIPCaller.Custom",
                "Discovery:S3/TorIPCaller",
                "Exfiltration:S3/MaliciousIPCaller",
                "Impact:S3/MaliciousIPCaller",
                "UnauthorizedAccess:S3/MaliciousIPCaller.Custom",
                "UnauthorizedAccess:S3/TorIPCaller",
            ]
        );
        let ex = f.iter().find(|f| f.finding_type == "Exfiltration:S3/MaliciousIPCaller").unwrap();
        assert_eq!(ex.severity, 8.0);
        assert_eq!(ex.resource.resource_type, "S3Bucket");
        assert_eq!(ex.resource.s3_bucket_details.as_ref().unwrap()[0].name, "reports");
        assert_eq!(ex.service.evidence.as_ref().unwrap().threat_intelligence_details[0].threat_names[0], bad);
        let disc_tor = f.iter().find(|f| f.finding_type == "Discovery:S3/TorIPCaller").unwrap();
        assert_eq!(disc_tor.severity, 5.0);
    }

    #[test]
    fn silent_for_clean_and_trusted_callers() {
        let ctx = context("198.51.100.0/24\n", "198.51.100.0/25\n");
        let f = scan_events_with(ctx, [s3("GetObject", "198.51.100.9"), s3("GetObject", "192.0.2.1")]);
        assert!(s3_types(&f).is_empty(), "{:?}", s3_types(&f));
    }
}
