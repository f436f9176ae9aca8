//! `Policy:IAMUser/RootCredentialUsage` — an API was invoked with the account's root user
//! credentials.
//!
//! **Fires on** any CloudTrail record (management or S3 data event) whose `userIdentity.type` is
//! `Root`, unless the call was made by an AWS service on the root user's behalf (`invokedBy`
//! set) — that is AWS acting, not someone holding root credentials — or the session holds
//! short-term root credentials from `sts:AssumeRoot` (`sessionContext.assumedRoot`), which is
//! [`super::short_term_root_credential_usage`]'s finding.
//!
//! **Why it matters**: root credentials cannot be limited by IAM policy; AWS's own guidance is to
//! use them only for the few tasks that need them. Any use outside those is a sign of poor
//! practice or of stolen root credentials.
//!
//! **Severity**: Low (2.0), as GuardDuty — raised to Medium (5.0) when the call failed, which
//! suggests someone probing with the credentials.
//!
//! **Evidence**: the call (API, source address, user agent); repeats aggregate per account and
//! region.
//!
//! **Known false positives**: the genuine, rare root tasks (changing the support plan, closing
//! the account). Suppress by API name where that is the policy.
//!
//! Example record: `{"userIdentity":{"type":"Root",…},"eventName":"ListBuckets",…}`.

use crate::detect::common::api_draft;
use crate::detect::{Context, Detector};
use crate::event::{Event, IdentityType};
use crate::findings::FindingSink;

pub const TYPE: &str = "Policy:IAMUser/RootCredentialUsage";

pub struct RootCredentialUsage;

impl Detector for RootCredentialUsage {
    fn name(&self) -> &'static str {
        "cloudtrail::root_credential_usage"
    }

    fn observe(&mut self, event: &Event, _ctx: &Context, sink: &mut FindingSink) {
        let Event::Api(call) = event else { return };
        if call.identity.kind != IdentityType::Root
            || call.identity.invoked_by.is_some()
            || call.identity.assumed_root
        {
            return;
        }
        let severity = if call.failed() { 5.0 } else { 2.0 };
        let mut d = api_draft(TYPE, severity, call, self.name());
        d.title = format!("API {} was invoked using root credentials.", call.event_name);
        d.description = format!(
            "API {} was invoked using root credentials from IP address {}.",
            call.event_name, call.source_ip
        );
        d.why.push(format!(
            "userIdentity.type is Root and the call was not made by an AWS service ({}).",
            call.event_name
        ));
        sink.report(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testing::scan_records;

    #[test]
    fn fires_on_root_calls_and_aggregates() {
        let f = scan_records(&[
            r#"{"eventTime":"2024-01-01T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"AKIAROOT"},"recipientAccountId":"111122223333"}"#,
            r#"{"eventTime":"2024-01-02T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"AKIAROOT"},"recipientAccountId":"111122223333"}"#,
        ]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].finding_type, TYPE);
        assert_eq!(f[0].service.count, 2);
        assert_eq!(f[0].severity, 2.0);
        assert_eq!(f[0].resource.access_key_details.as_ref().unwrap().user_type, "Root");
    }

    #[test]
    fn covers_s3_data_events() {
        let f = scan_records(&[
            r#"{"eventTime":"2024-01-01T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventCategory":"Data","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"AKIAROOT"},"requestParameters":{"bucketName":"payroll","key":"a.csv"},"recipientAccountId":"111122223333"}"#,
        ]);
        assert_eq!(f.iter().filter(|f| f.finding_type == TYPE).count(), 1, "{f:?}");
        assert_eq!(f[0].service.action.aws_api_call_action.as_ref().unwrap().api, "GetObject");
    }

    #[test]
    fn silent_for_users_and_service_calls_on_roots_behalf() {
        let f = scan_records(&[
            r#"{"eventTime":"2024-01-01T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","userIdentity":{"type":"IAMUser","userName":"alice"}}"#,
            r#"{"eventTime":"2024-01-01T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"PutObject","userIdentity":{"type":"Root","invokedBy":"cloudtrail.amazonaws.com"}}"#,
        ]);
        assert!(f.iter().all(|f| f.finding_type != TYPE), "{f:?}");
    }
}
