//! `Stealth:IAMUser/CloudTrailLoggingDisabled` — a CloudTrail trail was disabled, deleted or
//! narrowed so that it no longer records management events, or its logs are being destroyed.
//!
//! **Fires on** successful (no `errorCode`) `cloudtrail.amazonaws.com` calls:
//! - `StopLogging`, `DeleteTrail` (any trail);
//! - `PutEventSelectors` whose resulting selectors log no management events, or only read-only
//!   ones (basic selectors: none with `includeManagementEvents: true` and `readWriteType` `All` or
//!   `WriteOnly`; advanced selectors: none selecting `eventCategory = Management` without
//!   restricting `readOnly` to `true`);
//! - `UpdateTrail` that turns off `isMultiRegionTrail` or `includeGlobalServiceEvents` (the trail
//!   stops recording other regions, or IAM/STS/CloudFront);
//!
//! and on S3 calls against a trail's log bucket (a bucket named in `CreateTrail`/`UpdateTrail`/
//! `DescribeTrails`/`GetTrail`, written to by `cloudtrail.amazonaws.com` in the input, or whose
//! name contains `cloudtrail`):
//! - `DeleteBucket` (delivery fails from then on);
//! - `PutBucketLifecycle` with an expiration of at most [`MAX_LOG_RETENTION_DAYS`] days (logs
//!   are destroyed as they arrive — Stratus Red Team's `cloudtrail-lifecycle-rule`). GuardDuty
//!   itself does not look at lifecycle rules; Vigil reports it under this type because the effect
//!   is the same.
//!
//! Bucket-based cases are decided in `finish`, when every file has told what it knows about trails.
//!
//! **Severity**: Low (2.0), GuardDuty's default for the type.
//!
//! **Evidence**: the call; `affectedResources` names the trail (`AWS::CloudTrail::Trail`) or
//! bucket (`AWS::S3::Bucket`), which remediation uses. Repeats aggregate per caller.
//!
//! **Known false positives**: trail clean-up by infrastructure-as-code (Terraform/CloudFormation
//! roles), consolidation into an organisation trail. Suppress by principal.
//!
//! Example: `{"eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","requestParameters":{"name":"arn:aws:cloudtrail:us-east-1:111122223333:trail/main"},…}`.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::detect::common::*;
use crate::detect::{Context, Detector};
use crate::event::{ApiCall, Event, IdentityType};
use crate::findings::{Draft, FindingSink};

pub const TYPE: &str = "Stealth:IAMUser/CloudTrailLoggingDisabled";
pub const SEVERITY: f64 = 2.0;
/// A lifecycle expiration at or below this many days on a trail bucket counts as log destruction.
pub const MAX_LOG_RETENTION_DAYS: f64 = 7.0;

#[derive(Default)]
pub struct CloudTrailLoggingDisabled {
    trail_buckets: BTreeSet<String>,
    /// Bucket calls waiting for `finish`: the bucket and the draft to report if it is a trail's.
    pending: Vec<(String, Draft)>,
}

impl CloudTrailLoggingDisabled {
    fn draft(&self, call: &ApiCall, title: String, why: String) -> Draft {
        let mut d = api_draft(TYPE, SEVERITY, call, self.name());
        d.title = format!("{title}.");
        d.description = format!(
            "{} by {} ({}) from {}. {}",
            title,
            call.identity.name(),
            call.identity.kind.as_str(),
            call.source_ip,
            "CloudTrail records what principals do in the account; without it, follow-up activity may go unseen."
        );
        d.why.push(why);
        d
    }

    fn learn_trail_buckets(&mut self, call: &ApiCall) {
        let mut learn = |v: &Value| {
            if let Some(b) = get_ci(v, "s3BucketName").and_then(Value::as_str) {
                self.trail_buckets.insert(b.to_string());
            }
        };
        match call.event_name.as_str() {
            "CreateTrail" | "UpdateTrail" => {
                learn(&request_json(call));
                learn(&response_json(call));
            }
            "DescribeTrails" => {
                for t in as_list(get_ci(&response_json(call), "trailList")) {
                    learn(t);
                }
            }
            "GetTrail" => {
                if let Some(t) = get_ci(&response_json(call), "trail") {
                    learn(t);
                }
            }
            _ => {}
        }
    }

    fn trail_call(&mut self, call: &ApiCall, sink: &mut FindingSink) {
        let req = request_json(call);
        let trail = str_field(&req, &["name", "trailName", "Name", "TrailName"]).unwrap_or("").to_string();
        let trail_name = short_name(&trail).to_string();
        let reason = match call.event_name.as_str() {
            "StopLogging" => Some((
                format!("Logging was stopped for CloudTrail trail {trail_name}"),
                "cloudtrail:StopLogging succeeded.".to_string(),
            )),
            "DeleteTrail" => Some((
                format!("CloudTrail trail {trail_name} was deleted"),
                "cloudtrail:DeleteTrail succeeded.".to_string(),
            )),
            "PutEventSelectors" => selectors_drop_management(&req).map(|why| {
                (format!("CloudTrail trail {trail_name} no longer logs management write events"), why)
            }),
            "UpdateTrail" => {
                let mut why = Vec::new();
                if as_bool(get_ci(&req, "isMultiRegionTrail")) == Some(false) {
                    why.push("isMultiRegionTrail set to false: other regions are no longer recorded");
                }
                if as_bool(get_ci(&req, "includeGlobalServiceEvents")) == Some(false) {
                    why.push("includeGlobalServiceEvents set to false: IAM, STS and CloudFront calls are no longer recorded");
                }
                (!why.is_empty()).then(|| {
                    (
                        format!("CloudTrail trail {trail_name} was narrowed"),
                        format!("cloudtrail:UpdateTrail {}.", why.join("; ")),
                    )
                })
            }
            _ => None,
        };
        if let Some((title, why)) = reason {
            let mut d = self.draft(call, title, why);
            affect(&mut d, "AWS::CloudTrail::Trail", &trail_name);
            sink.report(d);
        }
    }

    fn bucket_call(&mut self, call: &ApiCall) {
        let Some(s3) = &call.s3 else { return };
        let bucket = s3.bucket.to_string();
        let from_cloudtrail = call.identity.invoked_by.as_deref() == Some("cloudtrail.amazonaws.com")
            || call.source_ip == "cloudtrail.amazonaws.com"
            || (call.identity.kind == IdentityType::AWSService
                && call.identity.principal_id.as_deref() == Some("cloudtrail.amazonaws.com"));
        if from_cloudtrail {
            self.trail_buckets.insert(bucket.clone());
        }
        if call.failed() {
            return;
        }
        let found = match call.event_name.as_str() {
            "DeleteBucket" => Some((
                format!("The log bucket {bucket} of a CloudTrail trail was deleted"),
                "s3:DeleteBucket on a bucket CloudTrail delivers to: delivery fails from now on.".to_string(),
            )),
            "PutBucketLifecycle" | "PutBucketLifecycleConfiguration" => {
                shortest_expiration_days(&request_json(call)).filter(|d| *d <= MAX_LOG_RETENTION_DAYS).map(
                    |days| {
                        (
                            format!("The log bucket {bucket} of a CloudTrail trail now deletes logs after {days} day(s)"),
                            format!("s3:{} sets an expiration of {days} day(s) (≤ {MAX_LOG_RETENTION_DAYS}) on a bucket CloudTrail delivers to.", call.event_name),
                        )
                    },
                )
            }
            _ => None,
        };
        if let Some((title, why)) = found {
            let mut d = self.draft(call, title, why);
            affect(&mut d, "AWS::S3::Bucket", &bucket);
            self.pending.push((bucket, d));
        }
    }
}

/// Why the selectors in a `PutEventSelectors` request stop management write events being
/// logged, or `None` when they still log them (or the request is unreadable).
fn selectors_drop_management(req: &Value) -> Option<String> {
    if let Some(advanced) = get_ci(req, "advancedEventSelectors").filter(|v| !v.is_null()) {
        let logs_writes = as_list(Some(advanced)).iter().any(|sel| {
            let fields = as_list(get_ci(sel, "fieldSelectors"));
            let field_equals = |name: &str, value: &str| {
                fields.iter().any(|f| {
                    get_ci(f, "field").and_then(Value::as_str) == Some(name)
                        && as_list(get_ci(f, "equals")).iter().any(|v| v.as_str() == Some(value))
                })
            };
            field_equals("eventCategory", "Management") && !field_equals("readOnly", "true")
        });
        return (!logs_writes).then(|| {
            "cloudtrail:PutEventSelectors: no advanced selector records management write events.".to_string()
        });
    }
    let selectors = get_ci(req, "eventSelectors")?;
    let logs_writes = as_list(Some(selectors)).iter().any(|sel| {
        let mgmt = as_bool(get_ci(sel, "includeManagementEvents")).unwrap_or(true);
        let rw = get_ci(sel, "readWriteType").and_then(Value::as_str).unwrap_or("All");
        mgmt && !rw.eq_ignore_ascii_case("ReadOnly")
    });
    (!logs_writes).then(|| {
        "cloudtrail:PutEventSelectors: no event selector records management write events (includeManagementEvents false or readWriteType ReadOnly).".to_string()
    })
}

/// The shortest `Expiration.Days` of the enabled rules of a lifecycle configuration.
fn shortest_expiration_days(req: &Value) -> Option<f64> {
    let config = get_ci(req, "LifecycleConfiguration")?;
    as_list(get_ci(config, "Rule").or_else(|| get_ci(config, "Rules")))
        .into_iter()
        .filter(|r| {
            get_ci(r, "Status").and_then(Value::as_str).is_none_or(|s| s.eq_ignore_ascii_case("Enabled"))
        })
        .filter_map(|r| as_f64(get_ci(r, "Expiration").and_then(|e| get_ci(e, "Days"))))
        .min_by(f64::total_cmp)
}

impl Detector for CloudTrailLoggingDisabled {
    fn name(&self) -> &'static str {
        "cloudtrail::cloudtrail_logging_disabled"
    }

    fn observe(&mut self, event: &Event, _ctx: &Context, sink: &mut FindingSink) {
        let Event::Api(call) = event else { return };
        match call.event_source.as_str() {
            "cloudtrail.amazonaws.com" => {
                self.learn_trail_buckets(call);
                if !call.failed() {
                    self.trail_call(call, sink);
                }
            }
            "s3.amazonaws.com" => self.bucket_call(call),
            _ => {}
        }
    }

    fn finish(&mut self, _ctx: &Context, sink: &mut FindingSink) {
        for (bucket, d) in std::mem::take(&mut self.pending) {
            if self.trail_buckets.contains(&bucket) || bucket.to_ascii_lowercase().contains("cloudtrail") {
                sink.report(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testing::scan_records;

    fn rec(name: &str, source: &str, params: &str) -> String {
        format!(
            r#"{{"eventTime":"2024-03-01T12:00:00Z","eventSource":"{source}","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.5","userAgent":"aws-cli/2.15.0","userIdentity":{{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333","accessKeyId":"AKIAMALLORY","userName":"mallory"}},"requestParameters":{params},"recipientAccountId":"111122223333"}}"#
        )
    }

    fn hits(records: &[String]) -> Vec<crate::findings::Finding> {
        let refs: Vec<&str> = records.iter().map(String::as_str).collect();
        scan_records(&refs).into_iter().filter(|f| f.finding_type == TYPE).collect()
    }

    const CT: &str = "cloudtrail.amazonaws.com";

    #[test]
    fn stop_and_delete_fire_and_aggregate_per_caller() {
        let f = hits(&[
            rec("StopLogging", CT, r#"{"name":"arn:aws:cloudtrail:us-east-1:111122223333:trail/main"}"#),
            rec("DeleteTrail", CT, r#"{"name":"main"}"#),
        ]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].service.count, 2);
        assert_eq!(f[0].severity, SEVERITY);
        let api = f[0].service.action.aws_api_call_action.as_ref().unwrap();
        assert_eq!(api.affected_resources["AWS::CloudTrail::Trail"], "main");
    }

    #[test]
    fn event_selectors_that_drop_management_writes_fire() {
        for params in [
            r#"{"trailName":"main","eventSelectors":[{"readWriteType":"All","includeManagementEvents":false,"dataResources":[]}]}"#,
            r#"{"trailName":"main","eventSelectors":[{"readWriteType":"ReadOnly","includeManagementEvents":true}]}"#,
            r#"{"trailName":"main","advancedEventSelectors":[{"name":"data only","fieldSelectors":[{"field":"eventCategory","equals":["Data"]},{"field":"resources.type","equals":["AWS::S3::Object"]}]}]}"#,
        ] {
            assert_eq!(hits(&[rec("PutEventSelectors", CT, params)]).len(), 1, "{params}");
        }
    }

    #[test]
    fn event_selectors_that_keep_management_writes_are_silent() {
        for params in [
            r#"{"trailName":"main","eventSelectors":[{"readWriteType":"All","includeManagementEvents":true}]}"#,
            r#"{"trailName":"main","eventSelectors":[{"readWriteType":"WriteOnly","includeManagementEvents":true}]}"#,
            r#"{"trailName":"main","advancedEventSelectors":[{"fieldSelectors":[{"field":"eventCategory","equals":["Management"]}]}]}"#,
        ] {
            assert!(hits(&[rec("PutEventSelectors", CT, params)]).is_empty(), "{params}");
        }
    }

    #[test]
    fn update_trail_narrowing_fires_but_renaming_bucket_does_not() {
        assert_eq!(hits(&[rec("UpdateTrail", CT, r#"{"name":"main","isMultiRegionTrail":false}"#)]).len(), 1);
        assert!(hits(&[rec("UpdateTrail", CT, r#"{"name":"main","s3BucketName":"new-logs"}"#)]).is_empty());
    }

    #[test]
    fn trail_bucket_deletion_and_short_lifecycle_fire_only_for_trail_buckets() {
        let lifecycle = r#"{"bucketName":"%B","LifecycleConfiguration":{"Rule":{"Expiration":{"Days":1},"Filter":{"Prefix":""},"ID":"nuke","Status":"Enabled"}},"lifecycle":""}"#;
        let s3 = "s3.amazonaws.com";
        // The bucket is known as a trail bucket from a CreateTrail elsewhere in the input,
        // even though that record comes after.
        let f = hits(&[
            rec("PutBucketLifecycle", s3, &lifecycle.replace("%B", "org-audit-logs")),
            rec("DeleteBucket", s3, r#"{"bucketName":"org-audit-logs"}"#),
            rec("CreateTrail", CT, r#"{"name":"main","s3BucketName":"org-audit-logs"}"#),
        ]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].service.count, 2);
        // An unrelated bucket with a short expiration, and a trail bucket with a long one.
        assert!(hits(&[rec("PutBucketLifecycle", s3, &lifecycle.replace("%B", "tmp-uploads"))]).is_empty());
        assert!(hits(&[
            rec("CreateTrail", CT, r#"{"name":"main","s3BucketName":"org-audit-logs"}"#),
            rec(
                "PutBucketLifecycle",
                s3,
                &lifecycle.replace("%B", "org-audit-logs").replace("\"Days\":1", "\"Days\":365")
            ),
        ])
        .is_empty());
    }

    #[test]
    fn failed_calls_and_other_services_are_silent() {
        let mut failed = rec("StopLogging", CT, r#"{"name":"main"}"#);
        failed =
            failed.replace(r#""recipientAccountId""#, r#""errorCode":"AccessDenied","recipientAccountId""#);
        assert!(hits(&[failed, rec("StartLogging", CT, r#"{"name":"main"}"#)]).is_empty());
    }
}
