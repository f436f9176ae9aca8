//! `Stealth:S3/ServerAccessLoggingDisabled` — S3 server access logging was turned off for a
//! bucket.
//!
//! **Fires on** a successful `s3:PutBucketLogging` whose `BucketLoggingStatus` has no
//! `LoggingEnabled` element (that is how the API turns logging off).
//!
//! **Why it matters**: server access logs are often the only record of who read a bucket;
//! turning them off is a common step before exfiltration.
//!
//! **Severity**: Low (2.0), GuardDuty's default.
//!
//! **Evidence**: the call; resource `S3Bucket` (the bucket, plus the caller's key). Repeats
//! aggregate per bucket and caller.
//!
//! **Known false positives**: moving a bucket to CloudTrail data events instead of access logs.
//!
//! Example: `{"eventName":"PutBucketLogging","requestParameters":{"bucketName":"payroll","BucketLoggingStatus":{"xmlns":"http://s3.amazonaws.com/doc/2006-03-01/"}}}`.

use crate::detect::common::*;
use crate::detect::{Context, Detector};
use crate::event::Event;
use crate::findings::FindingSink;

pub const TYPE: &str = "Stealth:S3/ServerAccessLoggingDisabled";

pub struct S3ServerAccessLoggingDisabled;

impl Detector for S3ServerAccessLoggingDisabled {
    fn name(&self) -> &'static str {
        "cloudtrail::s3_server_access_logging_disabled"
    }

    fn observe(&mut self, event: &Event, _ctx: &Context, sink: &mut FindingSink) {
        let Event::Api(call) = event else { return };
        if call.event_source != "s3.amazonaws.com" || call.event_name != "PutBucketLogging" || call.failed() {
            return;
        }
        let Some(s3) = &call.s3 else { return };
        let req = request_json(call);
        let Some(status) = get_ci(&req, "BucketLoggingStatus") else { return };
        if get_ci(status, "LoggingEnabled").is_some_and(|v| !v.is_null()) {
            return;
        }
        let mut d = api_draft(TYPE, 2.0, call, self.name());
        d.resource = bucket_resource(call, &s3.bucket);
        d.title = format!("S3 server access logging was disabled for bucket {}.", s3.bucket);
        d.description = format!(
            "S3 server access logging was disabled for bucket {} by {} from {}; reads and writes to it are no longer recorded in access logs.",
            s3.bucket,
            call.identity.name(),
            call.source_ip
        );
        d.why.push(
            "s3:PutBucketLogging succeeded with a BucketLoggingStatus that has no LoggingEnabled.".into(),
        );
        affect(&mut d, "AWS::S3::Bucket", &s3.bucket);
        sink.report(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testing::scan_records;

    fn rec(status: &str) -> String {
        format!(
            r#"{{"eventTime":"2024-03-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"PutBucketLogging","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.5","userIdentity":{{"type":"IAMUser","principalId":"AIDAEX","accountId":"111122223333","accessKeyId":"AKIAEX","userName":"mallory"}},"requestParameters":{{"bucketName":"payroll","BucketLoggingStatus":{status},"logging":""}},"recipientAccountId":"111122223333"}}"#
        )
    }

    #[test]
    fn fires_when_logging_is_removed() {
        let f = scan_records(&[&rec(r#"{"xmlns":"http://s3.amazonaws.com/doc/2006-03-01/"}"#)]);
        let f: Vec<_> = f.into_iter().filter(|f| f.finding_type == TYPE).collect();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].resource.resource_type, "S3Bucket");
        assert_eq!(f[0].resource.s3_bucket_details.as_ref().unwrap()[0].name, "payroll");
    }

    #[test]
    fn silent_when_logging_is_enabled() {
        let f = scan_records(&[&rec(
            r#"{"xmlns":"http://s3.amazonaws.com/doc/2006-03-01/","LoggingEnabled":{"TargetBucket":"logs","TargetPrefix":"payroll/"}}"#,
        )]);
        assert!(f.iter().all(|f| f.finding_type != TYPE));
    }
}
