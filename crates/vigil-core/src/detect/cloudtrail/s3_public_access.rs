//! `Policy:S3/AccountBlockPublicAccessDisabled`, `Policy:S3/BucketBlockPublicAccessDisabled`,
//! `Policy:S3/BucketAnonymousAccessGranted` and `Policy:S3/BucketPublicAccessGranted` — S3
//! protections against public buckets were removed, or a bucket was made public.
//!
//! **Fires on** successful `s3.amazonaws.com` calls:
//! - `PutAccountPublicAccessBlock` with any of the four settings false, or
//!   `DeleteAccountPublicAccessBlock` → `AccountBlockPublicAccessDisabled` (Low, 2.0);
//! - `PutBucketPublicAccessBlock` with any setting false, or `DeleteBucketPublicAccessBlock` →
//!   `BucketBlockPublicAccessDisabled` (Low, 2.0);
//! - `PutBucketPolicy` whose policy has a public statement, or `PutBucketAcl`/`CreateBucket`
//!   whose ACL grants to `AllUsers` → `BucketAnonymousAccessGranted` (High, 8.0); an ACL grant to
//!   `AuthenticatedUsers` (every AWS account) → `BucketPublicAccessGranted` (High, 8.0). What
//!   counts as public is decided by [`super::s3_policy`]: `Principal "*"` with no condition that
//!   really restricts the caller.
//!
//! The severities are GuardDuty's defaults. The call succeeding matters: with Block Public Access
//! on, S3 refuses a public policy (`AccessDenied`), and no finding is due.
//!
//! **Evidence**: the call; `why` quotes the statement or grant; resource `S3Bucket` with the
//! caller's key. Repeats aggregate per bucket and caller.
//!
//! **Known false positives**: buckets meant to be public (static websites, public datasets) —
//! suppress by bucket name.
//!
//! Example: `{"eventName":"PutBucketPolicy","requestParameters":{"bucketName":"b","bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",…}]}}}`.

use serde_json::Value;

use super::s3_policy::{acl_public_grants, policy_public_grants, Audience, PublicGrant};
use crate::detect::common::*;
use crate::detect::{Context, Detector};
use crate::event::{ApiCall, Event};
use crate::findings::FindingSink;

pub const ACCOUNT_BPA_DISABLED: &str = "Policy:S3/AccountBlockPublicAccessDisabled";
pub const BUCKET_BPA_DISABLED: &str = "Policy:S3/BucketBlockPublicAccessDisabled";
pub const BUCKET_ANONYMOUS_ACCESS: &str = "Policy:S3/BucketAnonymousAccessGranted";
pub const BUCKET_PUBLIC_ACCESS: &str = "Policy:S3/BucketPublicAccessGranted";

const BPA_SETTINGS: &[&str] =
    &["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"];

/// The Block Public Access settings a request turns off (all four for a deletion).
fn bpa_settings_off(call: &ApiCall) -> Vec<&'static str> {
    if call.event_name.starts_with("Delete") {
        return BPA_SETTINGS.to_vec();
    }
    let req = request_json(call);
    let Some(config) = get_ci(&req, "PublicAccessBlockConfiguration") else { return Vec::new() };
    BPA_SETTINGS.iter().copied().filter(|s| as_bool(get_ci(config, s)) != Some(true)).collect()
}

pub struct S3PublicAccess;

impl S3PublicAccess {
    fn report_grants(&self, call: &ApiCall, bucket: &str, grants: Vec<PublicGrant>, sink: &mut FindingSink) {
        let Some(audience) = grants.iter().map(|g| g.audience).max() else { return };
        let (finding_type, whom) = match audience {
            Audience::Anonymous => (BUCKET_ANONYMOUS_ACCESS, "anyone on the internet"),
            Audience::AnyAwsAccount => (BUCKET_PUBLIC_ACCESS, "every authenticated AWS user"),
        };
        let mut d = api_draft(finding_type, 8.0, call, self.name());
        d.resource = bucket_resource(call, bucket);
        affect(&mut d, "AWS::S3::Bucket", bucket);
        d.title = format!("Amazon S3 bucket {bucket} was made accessible to {whom}.");
        d.description = format!(
            "{} ({}) changed the {} of bucket {bucket} so that {whom} can access it: {}.",
            call.identity.name(),
            call.identity.kind.as_str(),
            if call.event_name == "PutBucketPolicy" { "bucket policy" } else { "ACL" },
            grants.iter().map(|g| g.why.as_str()).collect::<Vec<_>>().join("; ")
        );
        d.why.extend(grants.into_iter().map(|g| format!("s3:{}: {}.", call.event_name, g.why)));
        sink.report(d);
    }
}

impl Detector for S3PublicAccess {
    fn name(&self) -> &'static str {
        "cloudtrail::s3_public_access"
    }

    fn observe(&mut self, event: &Event, _ctx: &Context, sink: &mut FindingSink) {
        let Event::Api(call) = event else { return };
        if call.event_source != "s3.amazonaws.com" || call.failed() {
            return;
        }
        let bucket = call.s3.as_ref().map(|s| s.bucket.clone()).filter(|b| !b.is_empty());
        match (call.event_name.as_str(), bucket) {
            ("PutAccountPublicAccessBlock" | "DeleteAccountPublicAccessBlock", _)
            | ("PutPublicAccessBlock" | "DeletePublicAccessBlock", None) => {
                let off = bpa_settings_off(call);
                if off.is_empty() {
                    return;
                }
                let mut d = api_draft(ACCOUNT_BPA_DISABLED, 2.0, call, self.name());
                d.resource.resource_type = "S3Bucket".into();
                d.title =
                    format!("Amazon S3 Block Public Access was disabled for account {}.", call.account_id);
                d.description = format!(
                    "{} ({}) turned off account-level S3 Block Public Access settings ({}) from {}; buckets in the account can now be made public.",
                    call.identity.name(),
                    call.identity.kind.as_str(),
                    off.join(", "),
                    call.source_ip
                );
                d.why.push(format!("s3:{} leaves {} off for the account.", call.event_name, off.join(", ")));
                sink.report(d);
            }
            ("PutBucketPublicAccessBlock" | "DeleteBucketPublicAccessBlock", Some(bucket)) => {
                let off = bpa_settings_off(call);
                if off.is_empty() {
                    return;
                }
                let mut d = api_draft(BUCKET_BPA_DISABLED, 2.0, call, self.name());
                d.resource = bucket_resource(call, &bucket);
                affect(&mut d, "AWS::S3::Bucket", &bucket);
                d.title = format!("Amazon S3 Block Public Access was disabled for S3 bucket {bucket}.");
                d.description = format!(
                    "{} ({}) turned off S3 Block Public Access settings ({}) for bucket {bucket} from {}.",
                    call.identity.name(),
                    call.identity.kind.as_str(),
                    off.join(", "),
                    call.source_ip
                );
                d.why.push(format!("s3:{} leaves {} off for {bucket}.", call.event_name, off.join(", ")));
                sink.report(d);
            }
            ("PutBucketPolicy", Some(bucket)) => {
                let req = request_json(call);
                let policy =
                    get_ci(&req, "bucketPolicy").or_else(|| get_ci(&req, "policy")).unwrap_or(&Value::Null);
                self.report_grants(call, &bucket, policy_public_grants(policy), sink);
            }
            ("PutBucketAcl" | "CreateBucket", Some(bucket)) => {
                self.report_grants(call, &bucket, acl_public_grants(&request_json(call)), sink);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testing::scan_records;

    fn rec(name: &str, params: &str, error: bool) -> String {
        format!(
            r#"{{"eventTime":"2024-03-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.5","userAgent":"aws-cli/2.15.0","userIdentity":{{"type":"IAMUser","principalId":"AIDAEX","accountId":"111122223333","accessKeyId":"AKIAEX","userName":"mallory"}},"requestParameters":{params},{}"recipientAccountId":"111122223333"}}"#,
            if error { r#""errorCode":"AccessDenied","# } else { "" }
        )
    }

    fn types(records: &[String]) -> Vec<String> {
        let refs: Vec<&str> = records.iter().map(String::as_str).collect();
        scan_records(&refs).into_iter().map(|f| f.finding_type).collect()
    }

    #[test]
    fn block_public_access_disabled() {
        let off = r#"{"PublicAccessBlockConfiguration":{"BlockPublicAcls":false,"IgnorePublicAcls":false,"BlockPublicPolicy":false,"RestrictPublicBuckets":false},"x-amz-account-id":"111122223333"}"#;
        assert_eq!(types(&[rec("PutAccountPublicAccessBlock", off, false)]), vec![ACCOUNT_BPA_DISABLED]);
        let bucket_off = r#"{"bucketName":"b","PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":false,"RestrictPublicBuckets":true},"publicAccessBlock":""}"#;
        assert_eq!(types(&[rec("PutBucketPublicAccessBlock", bucket_off, false)]), vec![BUCKET_BPA_DISABLED]);
        assert_eq!(
            types(&[rec("DeleteBucketPublicAccessBlock", r#"{"bucketName":"b"}"#, false)]),
            vec![BUCKET_BPA_DISABLED]
        );
    }

    #[test]
    fn block_public_access_fully_on_is_silent() {
        let on = r#"{"bucketName":"b","PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":true,"RestrictPublicBuckets":true}}"#;
        assert!(types(&[rec("PutBucketPublicAccessBlock", on, false)]).is_empty());
    }

    #[test]
    fn public_policy_and_acls() {
        let public = r#"{"bucketName":"b","bucketPolicy":{"Version":"2012-10-17","Statement":[{"Sid":"Pub","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]},"policy":""}"#;
        assert_eq!(types(&[rec("PutBucketPolicy", public, false)]), vec![BUCKET_ANONYMOUS_ACCESS]);
        let auth_acl = r#"{"bucketName":"b","AccessControlPolicy":{"AccessControlList":{"Grant":{"Grantee":{"xsi:type":"Group","URI":"http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},"Permission":"READ"}}},"acl":""}"#;
        assert_eq!(types(&[rec("PutBucketAcl", auth_acl, false)]), vec![BUCKET_PUBLIC_ACCESS]);
        assert_eq!(
            types(&[rec("CreateBucket", r#"{"bucketName":"b","x-amz-acl":["public-read"]}"#, false)]),
            vec![BUCKET_ANONYMOUS_ACCESS]
        );
    }

    #[test]
    fn restricted_policy_and_refused_calls_are_silent() {
        let org_only = r#"{"bucketName":"b","bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]}}"#;
        let public = r#"{"bucketName":"b","bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}}"#;
        assert!(types(&[rec("PutBucketPolicy", org_only, false), rec("PutBucketPolicy", public, true)])
            .is_empty());
    }

    #[test]
    fn deny_statements_in_the_same_policy() {
        let policy = |deny: &str| {
            format!(
                r#"{{"bucketName":"b","bucketPolicy":{{"Statement":[{{"Sid":"Pub","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}},{deny}]}}}}"#
            )
        };
        let vpce_only = r#"{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c"}}}"#;
        assert!(types(&[rec("PutBucketPolicy", &policy(vpce_only), false)]).is_empty());
        let tls_only = r#"{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#;
        assert_eq!(types(&[rec("PutBucketPolicy", &policy(tls_only), false)]), vec![BUCKET_ANONYMOUS_ACCESS]);
        let sub_path = r#"{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/secret/*"}"#;
        assert_eq!(types(&[rec("PutBucketPolicy", &policy(sub_path), false)]), vec![BUCKET_ANONYMOUS_ACCESS]);
    }
}
