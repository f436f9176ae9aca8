//! Remediation guidance per finding type: what to check first and the AWS CLI commands that
//! contain or revert it, filled with the finding's own ids.
//!
//! The guidance is data ([`GUIDES`]): each entry names the finding types it covers (exactly, or
//! by a prefix ending in `*`), what to check and which commands to run. Commands are templates;
//! `{name}` placeholders are filled from the finding:
//!
//! | placeholder | from |
//! | --- | --- |
//! | `{account}`, `{region}` | `accountId`, `region` |
//! | `{access_key_id}`, `{user_name}`, `{user_type}`, `{principal_id}` | `resource.accessKeyDetails` |
//! | `{bucket}` | the first `resource.s3BucketDetails[].name` |
//! | `{instance_id}`, `{vpc_id}` | `resource.instanceDetails` |
//! | `{remote_ip}`, `{api}` | `service.action.awsApiCallAction` (or the network action's remote address) |
//! | `{last_seen}` | `service.eventLastSeen` |
//! | `{AWS::EC2::Snapshot}`, … | `service.action.awsApiCallAction.affectedResources` |
//!
//! A placeholder the finding cannot fill becomes `<name>` so the command is visibly incomplete
//! rather than silently wrong. After the type's own steps, findings about an access key get the
//! credential-containment steps that fit the kind of principal (IAM user, role session, root),
//! and findings about an instance get the isolation steps.

use crate::findings::model::{Finding, Remediation};

/// Guidance for a family of finding types.
pub struct Guide {
    /// Exact types, or prefixes ending in `*` (`Policy:S3/*`).
    pub types: &'static [&'static str],
    pub summary: &'static str,
    pub check_first: &'static [&'static str],
    pub commands: &'static [&'static str],
    /// Whether the credential-containment steps for the caller's access key apply.
    pub contain_credentials: bool,
}

const REF_CREDENTIALS: &str = "https://docs.aws.amazon.com/guardduty/latest/ug/compromised-creds.html";
const REF_S3: &str = "https://docs.aws.amazon.com/guardduty/latest/ug/compromised-s3.html";
const REF_EC2: &str = "https://docs.aws.amazon.com/guardduty/latest/ug/compromised-ec2.html";

pub static GUIDES: &[Guide] = &[
    Guide {
        types: &["Stealth:IAMUser/CloudTrailLoggingDisabled"],
        summary: "CloudTrail logging was stopped, a trail deleted or narrowed, or its log bucket destroyed: \
                  what this principal does next may go unrecorded.",
        check_first: &[
            "Is the trail still logging and where to? `aws cloudtrail get-trail-status` and `describe-trails`.",
            "What else did {user_name} do around {last_seen}? Look for IAM, EC2 and S3 changes in the minutes before and after.",
            "Was this a planned change (change ticket, infrastructure-as-code pipeline role)?",
        ],
        commands: &[
            "aws cloudtrail start-logging --name {AWS::CloudTrail::Trail} --region {region}",
            "aws cloudtrail put-event-selectors --trail-name {AWS::CloudTrail::Trail} --region {region} --event-selectors '[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}]'",
            "aws cloudtrail get-trail-status --name {AWS::CloudTrail::Trail} --region {region}",
        ],
        contain_credentials: true,
    },
    Guide {
        types: &["Stealth:IAMUser/PasswordPolicyChange"],
        summary: "The account password policy was weakened or deleted, making console passwords easier to guess.",
        check_first: &[
            "Compare the current policy with your standard: `aws iam get-account-password-policy`.",
            "Were console logins or CreateLoginProfile/UpdateLoginProfile calls made after the change?",
        ],
        commands: &[
            "aws iam update-account-password-policy --minimum-password-length 14 --require-symbols --require-numbers --require-uppercase-characters --require-lowercase-characters --password-reuse-prevention 24 --max-password-age 90",
        ],
        contain_credentials: true,
    },
    Guide {
        types: &["Stealth:S3/ServerAccessLoggingDisabled"],
        summary: "Server access logging was turned off for bucket {bucket}: reads and writes to it are no longer recorded there.",
        check_first: &[
            "Which objects were read or deleted in {bucket} after {last_seen} (CloudTrail S3 data events, if enabled)?",
            "Where did the bucket log before? `aws s3api get-bucket-logging --bucket {bucket}` now returns nothing.",
        ],
        commands: &[
            "aws s3api put-bucket-logging --bucket {bucket} --bucket-logging-status '{\"LoggingEnabled\":{\"TargetBucket\":\"<log-bucket>\",\"TargetPrefix\":\"{bucket}/\"}}'",
        ],
        contain_credentials: true,
    },
    Guide {
        types: &["Policy:IAMUser/RootCredentialUsage", "Policy:IAMUser/ShortTermRootCredentialUsage"],
        summary: "The root user (or a short-term root session) made API calls; root cannot be limited by IAM policy.",
        check_first: &[
            "Did anyone in your team knowingly use root at {last_seen} from {remote_ip}?",
            "Does root have access keys? `aws iam get-account-summary` (AccountAccessKeysPresent) and is MFA on (AccountMFAEnabled)?",
            "For short-term root sessions: who called sts:AssumeRoot in the management account, and for which task policy?",
        ],
        commands: &[
            "aws iam get-account-summary --query 'SummaryMap.[AccountAccessKeysPresent,AccountMFAEnabled]'",
        ],
        contain_credentials: true,
    },
    Guide {
        types: &["PenTest:IAMUser/*", "PenTest:S3/*"],
        summary: "API calls came from a penetration-testing distribution ({user_agent_family}); unless a sanctioned test is running, treat the credentials as stolen.",
        check_first: &[
            "Is a penetration test scheduled against account {account}, and does it use {user_name}?",
            "Which APIs did {access_key_id} call from {remote_ip}, and did any change state?",
        ],
        commands: &[],
        contain_credentials: true,
    },
    Guide {
        types: &["Policy:S3/AccountBlockPublicAccessDisabled"],
        summary: "S3 Block Public Access was weakened for the whole account {account}: buckets may now be made public by policy or ACL.",
        check_first: &[
            "Which buckets have public policies or ACLs now? `aws s3api get-bucket-policy-status --bucket <bucket>` per bucket, or IAM Access Analyzer.",
        ],
        commands: &[
            "aws s3control put-public-access-block --account-id {account} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        ],
        contain_credentials: true,
    },
    Guide {
        types: &["Policy:S3/BucketBlockPublicAccessDisabled"],
        summary: "S3 Block Public Access was weakened for bucket {bucket}.",
        check_first: &[
            "Is {bucket} meant to serve public content (static website, public dataset)?",
            "Did a bucket policy or ACL change follow? `aws s3api get-bucket-policy-status --bucket {bucket}`.",
        ],
        commands: &[
            "aws s3api put-public-access-block --bucket {bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        ],
        contain_credentials: true,
    },
    Guide {
        types: &["Policy:S3/BucketAnonymousAccessGranted", "Policy:S3/BucketPublicAccessGranted"],
        summary: "Bucket {bucket} was opened to anyone (or to every AWS account) through its policy or ACL.",
        check_first: &[
            "What does the policy grant now? `aws s3api get-bucket-policy --bucket {bucket}` and `get-bucket-acl`.",
            "Were objects listed or read anonymously since {last_seen} (S3 server access logs, CloudTrail data events)?",
        ],
        commands: &[
            "aws s3api put-public-access-block --bucket {bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
            "aws s3api delete-bucket-policy --bucket {bucket}",
            "aws s3api put-bucket-acl --bucket {bucket} --acl private",
        ],
        contain_credentials: true,
    },
    Guide {
        types: &["DefenseEvasion:IAMUser/BedrockLoggingDisabled"],
        summary: "Amazon Bedrock model invocation logging was turned off in {region}: prompts and responses are no longer recorded.",
        check_first: &[
            "Which Bedrock models were invoked after {last_seen} (CloudTrail bedrock:InvokeModel events)?",
        ],
        commands: &[
            "aws bedrock put-model-invocation-logging-configuration --region {region} --logging-config '{\"s3Config\":{\"bucketName\":\"<log-bucket>\"},\"textDataDeliveryEnabled\":true}'",
        ],
        contain_credentials: true,
    },
    Guide {
        types: &["DefenseImpairment:EC2/DisableOrModifyTools"],
        summary: "VPC flow logs were deleted: network traffic is no longer recorded for the affected VPC, subnet or interface.",
        check_first: &[
            "Which resource did flow log {AWS::EC2::FlowLog} cover, and is anything still logging it? `aws ec2 describe-flow-logs --region {region}`.",
        ],
        commands: &[
            "aws ec2 create-flow-logs --region {region} --resource-type VPC --resource-ids <vpc-id> --traffic-type ALL --log-destination-type s3 --log-destination arn:aws:s3:::<log-bucket>",
        ],
        contain_credentials: true,
    },
    Guide {
        types: &["DefenseImpairment:Route53Resolver/DisableOrModifyTools"],
        summary: "Route 53 Resolver query logging was removed: DNS lookups from the VPC are no longer recorded.",
        check_first: &["Which VPCs were associated with {AWS::Route53Resolver::ResolverQueryLogConfig}?"],
        commands: &[
            "aws route53resolver list-resolver-query-log-config-associations --region {region}",
            "aws route53resolver associate-resolver-query-log-config --region {region} --resolver-query-log-config-id <config-id> --resource-id <vpc-id>",
        ],
        contain_credentials: true,
    },
    Guide {
        types: &["DefenseImpairment:Organizations/*"],
        summary: "The account's place in AWS Organizations, or the organization's guard-rail policies, changed: SCP protections may no longer apply.",
        check_first: &[
            "Is account {account} still a member? `aws organizations describe-organization` from the account.",
            "Which SCPs or policy types are now detached or disabled?",
        ],
        commands: &["aws organizations list-policies-for-target --target-id {account} --filter SERVICE_CONTROL_POLICY"],
        contain_credentials: true,
    },
    Guide {
        types: &["Exfiltration:EC2/TransferDataToCloudAccount", "Exfiltration:RDS/TransferDataToCloudAccount"],
        summary: "An image or snapshot was shared with another AWS account or made public; whoever it was shared with can copy the data.",
        check_first: &[
            "Is the receiving account ({remote_account}) one of yours or a known partner?",
            "What data does the image or snapshot hold?",
        ],
        commands: &[
            "aws ec2 modify-snapshot-attribute --region {region} --snapshot-id {AWS::EC2::Snapshot} --attribute createVolumePermission --operation-type remove --user-ids {remote_account}",
            "aws ec2 modify-image-attribute --region {region} --image-id {AWS::EC2::Image} --launch-permission '{\"Remove\":[{\"UserId\":\"{remote_account}\"},{\"Group\":\"all\"}]}'",
            "aws rds modify-db-snapshot-attribute --region {region} --db-snapshot-identifier {AWS::RDS::DBSnapshot} --attribute-name restore --values-to-remove {remote_account}",
        ],
        contain_credentials: true,
    },
    Guide {
        types: &["Exfiltration:S3/TransferDataToCloudAccount"],
        summary: "The policy of bucket {AWS::S3::Bucket} now lets account {remote_account} read or write it.",
        check_first: &[
            "Is {remote_account} one of your accounts or a known partner?",
            "What did {remote_account} read since {last_seen} (CloudTrail S3 data events, server access logs)?",
        ],
        commands: &[
            "aws s3api get-bucket-policy --bucket {AWS::S3::Bucket} --query Policy --output text",
            "aws s3api delete-bucket-policy --bucket {AWS::S3::Bucket}   # or put back the previous policy",
        ],
        contain_credentials: true,
    },
    Guide {
        types: &["PrivilegeEscalation:IAM/AccountManipulation"],
        summary: "Administrator permissions were granted to a user, group or role.",
        check_first: &[
            "Who is {AWS::IAM::Principal}, and should it be an administrator?",
            "What did it do after {last_seen}?",
        ],
        commands: &[
            "aws iam detach-user-policy --user-name {AWS::IAM::Principal} --policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
            "aws iam detach-role-policy --role-name {AWS::IAM::Principal} --policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
            "aws iam list-attached-user-policies --user-name {AWS::IAM::Principal}",
        ],
        contain_credentials: true,
    },
    Guide {
        types: &["Persistence:IAM/AccountManipulation"],
        summary: "A console password was created or reset for an IAM user: whoever set it can now sign in as that user.",
        check_first: &[
            "Did {AWS::IAM::Principal} sign in to the console after {last_seen}, and from where?",
            "Is {user_name} an administrator who normally manages other users' passwords?",
        ],
        commands: &["aws iam delete-login-profile --user-name {AWS::IAM::Principal}"],
        contain_credentials: true,
    },
    Guide {
        types: &["Persistence:EC2/ExternalRemoteServices"],
        summary: "A security group now admits remote administration (SSH/RDP or all ports) from the whole internet.",
        check_first: &[
            "Which instances use {AWS::EC2::SecurityGroup}? `aws ec2 describe-instances --filters Name=instance.group-id,Values={AWS::EC2::SecurityGroup}`.",
            "Were there logins or port scans on those instances since {last_seen}?",
        ],
        commands: &[
            "aws ec2 revoke-security-group-ingress --region {region} --group-id {AWS::EC2::SecurityGroup} --ip-permissions '[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":22,\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]'",
        ],
        contain_credentials: true,
    },
    Guide {
        types: &["Persistence:Lambda/AccountManipulation", "Persistence:Lambda/ModifyAuthenticationProcess"],
        summary: "Lambda function {AWS::Lambda::Function} can now be invoked by anyone (public resource policy or an unauthenticated function URL).",
        check_first: &[
            "Read the policy: `aws lambda get-policy --function-name {AWS::Lambda::Function} --region {region}`.",
            "Was the function's code or role changed around {last_seen}?",
        ],
        commands: &[
            "aws lambda remove-permission --function-name {AWS::Lambda::Function} --region {region} --statement-id <statement-id>",
            "aws lambda delete-function-url-config --function-name {AWS::Lambda::Function} --region {region}",
        ],
        contain_credentials: true,
    },
    Guide {
        types: &["Persistence:EC2/BootOrLogonInitializationScripts"],
        summary: "An instance's user data was replaced; it runs as root on the next start.",
        check_first: &[
            "Decode and read it: `aws ec2 describe-instance-attribute --instance-id {AWS::EC2::Instance} --attribute userData --region {region}`.",
        ],
        commands: &[
            "aws ec2 describe-instance-attribute --instance-id {AWS::EC2::Instance} --attribute userData --region {region} --query UserData.Value --output text | base64 -d",
            "aws ec2 modify-instance-attribute --instance-id {AWS::EC2::Instance} --region {region} --attribute userData --value <previous-user-data>",
        ],
        contain_credentials: true,
    },
    Guide {
        types: &["InitialAccess:IAM/ValidAccounts"],
        summary: "{user_name} signed in to the console without MFA.",
        check_first: &[
            "Does {user_name} have an MFA device? `aws iam list-mfa-devices --user-name {user_name}`.",
            "Is {remote_ip} a known address for this user?",
        ],
        commands: &["aws iam list-mfa-devices --user-name {user_name}"],
        contain_credentials: true,
    },
    Guide {
        types: &["CredentialAccess:EC2/UnsecuredCredentials"],
        summary: "The administrator password of a Windows instance was retrieved.",
        check_first: &["Who needed the password of {AWS::EC2::Instance}, and was it rotated afterwards?"],
        commands: &[],
        contain_credentials: true,
    },
    Guide {
        types: &["CredentialAccess:RDS/ModifyAuthenticationProcess"],
        summary: "The master password of a database was reset: whoever reset it can log in as the database administrator.",
        check_first: &["Who connected to {AWS::RDS::DBInstance} after {last_seen}?"],
        commands: &[
            "aws rds modify-db-instance --db-instance-identifier {AWS::RDS::DBInstance} --region {region} --manage-master-user-password --apply-immediately",
        ],
        contain_credentials: true,
    },
];

/// Fallbacks by resource type, for finding types without their own guide.
const GENERIC_ACCESS_KEY: Guide = Guide {
    types: &[],
    summary: "Activity by {user_name} ({user_type}) matched a threat pattern; treat the credentials as possibly compromised until explained.",
    check_first: &[
        "Which APIs did {access_key_id} call around {last_seen}, from which addresses?",
        "Is {remote_ip} one of your networks?",
    ],
    commands: &[],
    contain_credentials: true,
};

const GENERIC_S3: Guide = Guide {
    types: &[],
    summary: "Activity on bucket {bucket} matched a threat pattern.",
    check_first: &["Who accessed {bucket} around {last_seen} and what did they read or change?"],
    commands: &["aws s3api get-bucket-policy --bucket {bucket}"],
    contain_credentials: true,
};

const GENERIC_INSTANCE: Guide = Guide {
    types: &[],
    summary: "Instance {instance_id} behaved like a compromised host.",
    check_first: &[
        "What runs on {instance_id}, and is the traffic to {remote_ip} expected?",
        "Snapshot its volumes before changing anything, for forensics.",
    ],
    commands: &[],
    contain_credentials: false,
};

/// Steps that isolate an instance, appended to every instance finding.
const ISOLATE_INSTANCE: &[&str] = &[
    "aws ec2 create-security-group --region {region} --group-name isolate-{instance_id} --description 'Vigil isolation: no traffic' --vpc-id {vpc_id}",
    "aws ec2 modify-instance-attribute --region {region} --instance-id {instance_id} --groups <isolation-group-id>",
    "aws ec2 describe-iam-instance-profile-associations --region {region} --filters Name=instance-id,Values={instance_id}",
    "aws ec2 disassociate-iam-instance-profile --region {region} --association-id <association-id>",
    "aws ec2 create-snapshots --region {region} --instance-specification InstanceId={instance_id} --description 'forensics {instance_id}'",
];

const CONTAIN_IAM_USER: &[&str] = &[
    "aws iam update-access-key --user-name {user_name} --access-key-id {access_key_id} --status Inactive",
    "aws iam list-access-keys --user-name {user_name}",
    "aws iam delete-login-profile --user-name {user_name}",
];

const CONTAIN_ROLE_SESSION: &[&str] = &[
    "aws iam put-role-policy --role-name {user_name} --policy-name AWSRevokeOlderSessions --policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":[\"*\"],\"Resource\":[\"*\"],\"Condition\":{\"DateLessThan\":{\"aws:TokenIssueTime\":\"{last_seen}\"}}}]}'",
];

const CONTAIN_ROOT: &[&str] = &[
    "aws iam list-access-keys   # run with root credentials; delete any root key: aws iam delete-access-key --access-key-id {access_key_id}",
    "aws iam list-virtual-mfa-devices --assignment-status Assigned   # make sure root has MFA",
];

/// The guide for a finding type: its own, else none (the caller falls back by resource type).
pub fn guide_for(finding_type: &str) -> Option<&'static Guide> {
    GUIDES.iter().find(|g| {
        g.types.iter().any(|t| match t.strip_suffix('*') {
            Some(prefix) => finding_type.starts_with(prefix),
            None => *t == finding_type,
        })
    })
}

/// Remediation guidance for a finding, with its ids filled in.
pub fn for_finding(f: &Finding) -> Remediation {
    let resource_type = f.resource.resource_type.as_str();
    let guide = guide_for(&f.finding_type).unwrap_or(match resource_type {
        "Instance" => &GENERIC_INSTANCE,
        "S3Bucket" => &GENERIC_S3,
        _ => &GENERIC_ACCESS_KEY,
    });
    let fill = |t: &str| fill_template(t, f);
    let mut commands: Vec<String> = guide.commands.iter().map(|c| fill(c)).collect();
    if guide.contain_credentials {
        if let Some(key) = &f.resource.access_key_details {
            let steps = match key.user_type.as_str() {
                "Root" => CONTAIN_ROOT,
                "IAMUser" => CONTAIN_IAM_USER,
                "AssumedRole" | "Role" => CONTAIN_ROLE_SESSION,
                _ => &[][..],
            };
            commands.extend(steps.iter().map(|c| fill(c)));
        }
    }
    if resource_type == "Instance" {
        commands.extend(ISOLATE_INSTANCE.iter().map(|c| fill(c)));
    }
    Remediation {
        summary: fill(guide.summary),
        check_first: guide.check_first.iter().map(|c| fill(c)).collect(),
        commands,
        reference: match resource_type {
            "Instance" => REF_EC2,
            "S3Bucket" => REF_S3,
            _ => REF_CREDENTIALS,
        }
        .to_string(),
    }
}

/// The value of one placeholder for a finding, if it knows it.
fn placeholder(name: &str, f: &Finding) -> Option<String> {
    let key = f.resource.access_key_details.as_ref();
    let api = f.service.action.aws_api_call_action.as_ref();
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
    match name {
        "account" => non_empty(&f.account_id),
        "region" => non_empty(&f.region),
        "access_key_id" => key.and_then(|k| non_empty(&k.access_key_id)),
        // For role sessions the key's user name is the role, which is what the commands need.
        "user_name" => key.and_then(|k| non_empty(&k.user_name)),
        "user_type" => key.and_then(|k| non_empty(&k.user_type)),
        "principal_id" => key.and_then(|k| non_empty(&k.principal_id)),
        "bucket" => f.resource.s3_bucket_details.as_ref()?.first().and_then(|b| non_empty(&b.name)),
        "instance_id" => f.resource.instance_details.as_ref().and_then(|i| non_empty(&i.instance_id)),
        "vpc_id" => {
            f.resource.instance_details.as_ref()?.network_interfaces.iter().find_map(|n| n.vpc_id.clone())
        }
        "api" => api.and_then(|a| non_empty(&a.api)),
        "remote_ip" => api
            .and_then(|a| a.remote_ip_details.as_ref())
            .or_else(|| f.service.action.network_connection_action.as_ref()?.remote_ip_details.as_ref())
            .and_then(|r| r.ip().map(str::to_string)),
        "remote_account" => api.and_then(|a| a.remote_account_details.as_ref()).map(|r| r.account_id.clone()),
        "user_agent_family" => api.and_then(|a| a.user_agent.clone()),
        "last_seen" => non_empty(&f.service.event_last_seen),
        other => api?.affected_resources.get(other)?.as_str().map(str::to_string),
    }
}

/// Replaces every `{name}` in `template` by its value for `f`, or by `<name>` when unknown.
/// Braces that do not form a placeholder (JSON in a command) are kept.
pub fn fill_template(template: &str, f: &Finding) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_end = after.find('}').filter(|&end| {
            let name = &after[..end];
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
        });
        match name_end {
            Some(end) => {
                let name = &after[..end];
                match placeholder(name, f) {
                    Some(v) => out.push_str(&v),
                    None => {
                        out.push('<');
                        out.push_str(name);
                        out.push('>');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::model::*;

    fn key_finding(t: &str, user_type: &str) -> Finding {
        let mut f = Finding {
            finding_type: t.to_string(),
            account_id: "111122223333".into(),
            region: "eu-west-1".into(),
            ..Finding::default()
        };
        f.resource.resource_type = "AccessKey".into();
        f.resource.access_key_details = Some(AccessKeyDetails {
            access_key_id: "AKIAEXAMPLE".into(),
            principal_id: "AIDAEXAMPLE".into(),
            user_name: "alice".into(),
            user_type: user_type.into(),
        });
        f.service.event_last_seen = "2024-01-01T00:00:00.000Z".into();
        let mut api = AwsApiCallAction::default();
        api.affected_resources.insert("AWS::CloudTrail::Trail".into(), "main-trail".into());
        f.service.action.aws_api_call_action = Some(api);
        f
    }

    #[test]
    fn fills_ids_and_adds_credential_steps_by_principal_kind() {
        let r = for_finding(&key_finding("Stealth:IAMUser/CloudTrailLoggingDisabled", "IAMUser"));
        assert!(r.commands[0].contains("start-logging --name main-trail --region eu-west-1"), "{r:?}");
        assert!(r.commands.iter().any(|c| c
            .contains("update-access-key --user-name alice --access-key-id AKIAEXAMPLE --status Inactive")));
        let role = for_finding(&key_finding("Stealth:IAMUser/CloudTrailLoggingDisabled", "AssumedRole"));
        assert!(role
            .commands
            .iter()
            .any(|c| c.contains("AWSRevokeOlderSessions") && c.contains("2024-01-01T00:00:00.000Z")));
        assert!(!role.commands.iter().any(|c| c.contains("update-access-key")));
    }

    #[test]
    fn unknown_values_are_marked_and_json_braces_survive() {
        let r = for_finding(&key_finding("Stealth:S3/ServerAccessLoggingDisabled", "IAMUser"));
        assert!(r.commands[0].contains("--bucket <bucket>"), "{}", r.commands[0]);
        assert!(r.commands[0].contains("{\"LoggingEnabled\":{"), "{}", r.commands[0]);
    }

    #[test]
    fn every_guide_type_resolves_and_unknown_types_fall_back() {
        for g in GUIDES {
            for t in g.types {
                let probe = t.replace('*', "Anything");
                assert!(std::ptr::eq(guide_for(&probe).unwrap(), g), "{t}");
            }
        }
        let mut f = key_finding("Recon:EC2/PortProbeUnprotectedPort", "IAMUser");
        f.resource = Resource {
            resource_type: "Instance".into(),
            instance_details: Some(InstanceDetails { instance_id: "i-0abc".into(), ..Default::default() }),
            ..Default::default()
        };
        let r = for_finding(&f);
        assert!(r.commands.iter().any(|c| c.contains("--instance-id i-0abc --groups")));
        assert_eq!(r.reference, REF_EC2);
    }
}
