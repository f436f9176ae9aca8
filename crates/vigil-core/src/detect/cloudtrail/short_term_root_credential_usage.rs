//! `Policy:IAMUser/ShortTermRootCredentialUsage` — an API was invoked with short-term root
//! credentials, i.e. a privileged session opened with `sts:AssumeRoot` (centralised root access
//! for member accounts).
//!
//! **Fires on** any CloudTrail record whose `userIdentity.type` is `Root` and whose
//! `userIdentity.sessionContext.assumedRoot` is `true`, unless an AWS service made the call on
//! its behalf (`invokedBy`).
//!
//! **Why it matters**: the session can do what the root user can within its task policy; it
//! should appear only for the few tasks AssumeRoot exists for (deleting a misconfigured bucket
//! policy, unlocking an SQS queue policy, deleting root credentials).
//!
//! **Severity**: Low (2.0), GuardDuty's default; Medium (5.0) when the call failed (probing).
//!
//! **Evidence**: the call; repeats aggregate per account, region and session key.
//!
//! **Known false positives**: the planned privileged tasks above, run by the management account's
//! administrators.
//!
//! Example: `{"userIdentity":{"type":"Root","accessKeyId":"ASIA…","sessionContext":{"assumedRoot":"true"}},"eventName":"DeleteBucketPolicy",…}`.

use crate::detect::common::api_draft;
use crate::detect::{Context, Detector};
use crate::event::{Event, IdentityType};
use crate::findings::FindingSink;

pub const TYPE: &str = "Policy:IAMUser/ShortTermRootCredentialUsage";

pub struct ShortTermRootCredentialUsage;

impl Detector for ShortTermRootCredentialUsage {
    fn name(&self) -> &'static str {
        "cloudtrail::short_term_root_credential_usage"
    }

    fn observe(&mut self, event: &Event, _ctx: &Context, sink: &mut FindingSink) {
        let Event::Api(call) = event else { return };
        let id = &call.identity;
        if id.kind != IdentityType::Root || !id.assumed_root || id.invoked_by.is_some() {
            return;
        }
        let severity = if call.failed() { 5.0 } else { 2.0 };
        let mut d = api_draft(TYPE, severity, call, self.name());
        d.title = format!("API {} was invoked using short-term root credentials.", call.event_name);
        d.description = format!(
            "API {} was invoked using short-term root credentials (an sts:AssumeRoot session) from IP address {}.",
            call.event_name, call.source_ip
        );
        d.why.push(format!(
            "userIdentity.type is Root and sessionContext.assumedRoot is true ({}).",
            call.event_name
        ));
        sink.report(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::cloudtrail::root_credential_usage;
    use crate::detect::testing::scan_records;

    const ASSUMED_ROOT: &str = r#"{"eventTime":"2024-11-20T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"DeleteBucketPolicy","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.22.0","userIdentity":{"type":"Root","principalId":"444455556666","arn":"arn:aws:iam::444455556666:root","accountId":"444455556666","accessKeyId":"ASIAROOTSESSION","sessionContext":{"attributes":{"creationDate":"2024-11-20T09:59:00Z","mfaAuthenticated":"false"},"assumedRoot":"true"}},"requestParameters":{"bucketName":"locked-bucket"},"recipientAccountId":"444455556666"}"#;

    #[test]
    fn fires_on_assumed_root_sessions_only() {
        let f = scan_records(&[ASSUMED_ROOT]);
        assert!(f.iter().any(|f| f.finding_type == TYPE && f.severity == 2.0), "{f:?}");
        assert!(f.iter().all(|f| f.finding_type != root_credential_usage::TYPE), "{f:?}");
    }

    #[test]
    fn silent_for_ordinary_root_and_users() {
        let ordinary_root = ASSUMED_ROOT.replace(r#","assumedRoot":"true""#, "");
        let user = r#"{"eventTime":"2024-11-20T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","userIdentity":{"type":"IAMUser","userName":"alice","sessionContext":{"assumedRoot":"true"}}}"#;
        let f = scan_records(&[&ordinary_root, user]);
        assert!(f.iter().all(|f| f.finding_type != TYPE), "{f:?}");
        assert!(f.iter().any(|f| f.finding_type == root_credential_usage::TYPE));
    }
}
