//! GuardDuty's opt-in Custom Detection Rules over CloudTrail management events: actions that are
//! routine in one account and a sign of compromise in another (sharing a snapshot outside the
//! account, deleting flow logs, attaching an administrator policy, signing in without MFA, …).
//!
//! **Fires on** the calls in [`RULES`], one row per signal: the service, the event names, and a
//! check on the request that decides whether the call is the risky form (a share *outside* the
//! account, an ingress rule open to `0.0.0.0/0` on SSH/RDP, a Lambda permission for `"*"` without
//! source condition, …). Only successful calls count, except where the signal is an attempt
//! (leaving the organisation).
//!
//! **Names and severities**: GuardDuty names these findings `Tactic:Service/Technique` and
//! aggregates every signal sharing tactic, service and technique into one finding. Every finding
//! type here, and every signal marked `documented`, is on GuardDuty's "Custom Detection Rules
//! finding types" page (<https://docs.aws.amazon.com/guardduty/latest/ug/findings-custom-detection-rules.html>)
//! with that page's signal name and severity. Signals GuardDuty does not have (an RDP port opened
//! to the world, an admin policy on a group, a snapshot shared with one named account, a query
//! log detached rather than deleted) are Vigil extensions: they report under the documented type
//! that covers them, but their signal name starts with `Vigil:`, which the description and
//! `service.additionalInfo.signal` carry into the console and every export.
//!
//! **Evidence**: the call; `affectedResources` names the snapshot, image, group, function,
//! principal… that remediation fills into its commands; `remoteAccountDetails` the account a
//! resource was shared with. Repeats aggregate per type and caller, as GuardDuty does.
//!
//! **Known false positives**: by design these fire on legitimate administration too — enable
//! them (or keep their findings) only for accounts where the action is not expected.
//!
//! Example: `{"eventSource":"ec2.amazonaws.com","eventName":"ModifySnapshotAttribute","requestParameters":{"snapshotId":"snap-1","createVolumePermission":{"add":{"items":[{"userId":"999988887777"}]}}}}`.

use serde_json::Value;

use crate::detect::common::*;
use crate::detect::{Context, Detector};
use crate::event::{ApiCall, Event, IdentityType};
use crate::findings::model::RemoteAccountDetails;
use crate::findings::FindingSink;

/// What a matching call tells, for the finding.
#[derive(Default)]
pub struct Signal {
    /// Completes "… by {actor}": e.g. `EBS snapshot snap-1 was shared with account 999988887777`.
    pub what: String,
    pub affected: Vec<(&'static str, String)>,
    pub remote_account: Option<String>,
}

/// One custom detection rule.
pub struct Rule {
    pub signal: &'static str,
    pub finding_type: &'static str,
    pub severity: f64,
    pub event_source: &'static str,
    /// Event names; a trailing `*` matches a prefix (Lambda logs `AddPermission20150331v2`).
    pub event_names: &'static [&'static str],
    /// `true` when the signal (name and severity) is GuardDuty's documented one; `false` for a
    /// Vigil extension, whose signal name then starts with `Vigil:`. The finding type is always
    /// a documented one.
    pub documented: bool,
    /// Whether failed calls count (the signal is an attempt).
    pub attempts_count: bool,
    pub check: fn(&ApiCall, &Value) -> Option<Signal>,
}

const HIGH: f64 = 8.0;
const MEDIUM: f64 = 5.0;
const LOW: f64 = 2.0;

pub const RULES: &[Rule] = &[
    Rule {
        signal: "VPCFlowLogsDeleted",
        finding_type: "DefenseImpairment:EC2/DisableOrModifyTools",
        severity: HIGH,
        event_source: "ec2.amazonaws.com",
        event_names: &["DeleteFlowLogs"],
        documented: true,
        attempts_count: false,
        check: |_, req| {
            let ids = find_ids(req, "fl-");
            Some(Signal {
                what: format!("VPC flow log(s) {} were deleted", list_or_unknown(&ids)),
                affected: ids.into_iter().map(|id| ("AWS::EC2::FlowLog", id)).take(1).collect(),
                ..Signal::default()
            })
        },
    },
    Rule {
        signal: "DNSQueryLogsDeleted",
        finding_type: "DefenseImpairment:Route53Resolver/DisableOrModifyTools",
        severity: MEDIUM,
        event_source: "route53resolver.amazonaws.com",
        event_names: &["DeleteResolverQueryLogConfig"],
        documented: true,
        attempts_count: false,
        check: |_, req| {
            let id = str_field(req, &["resolverQueryLogConfigId", "ResolverQueryLogConfigId"]).unwrap_or("");
            Some(Signal {
                what: format!("DNS query logging configuration {id} was deleted"),
                affected: vec![("AWS::Route53Resolver::ResolverQueryLogConfig", id.to_string())],
                ..Signal::default()
            })
        },
    },
    Rule {
        signal: "Vigil:DNSQueryLogsDisassociated",
        finding_type: "DefenseImpairment:Route53Resolver/DisableOrModifyTools",
        severity: MEDIUM,
        event_source: "route53resolver.amazonaws.com",
        event_names: &["DisassociateResolverQueryLogConfig"],
        documented: false,
        attempts_count: false,
        check: |_, req| {
            let id = str_field(req, &["resolverQueryLogConfigId", "ResolverQueryLogConfigId"]).unwrap_or("");
            let vpc = str_field(req, &["resourceId", "ResourceId"]).unwrap_or("its VPC");
            Some(Signal {
                what: format!("DNS query logging {id} was detached from {vpc}"),
                affected: vec![("AWS::Route53Resolver::ResolverQueryLogConfig", id.to_string())],
                ..Signal::default()
            })
        },
    },
    Rule {
        signal: "OrganizationLeaveAttempt",
        finding_type: "DefenseImpairment:Organizations/ModifyCloudResourceHierarchy",
        severity: HIGH,
        event_source: "organizations.amazonaws.com",
        event_names: &["LeaveOrganization", "RemoveAccountFromOrganization"],
        documented: true,
        attempts_count: true,
        check: |call, req| {
            let account = str_field(req, &["accountId", "AccountId"]).unwrap_or(&call.account_id).to_string();
            Some(Signal {
                what: format!(
                    "account {account} {} to leave its AWS organization{}",
                    if call.event_name == "LeaveOrganization" {
                        "tried"
                    } else {
                        "was removed, or attempted"
                    },
                    call.error_code.as_deref().map(|e| format!(" (refused: {e})")).unwrap_or_default()
                ),
                affected: vec![("AWS::Organizations::Account", account)],
                ..Signal::default()
            })
        },
    },
    Rule {
        signal: "OrganizationPolicyDisabled",
        finding_type: "DefenseImpairment:Organizations/DisableOrModifyTools",
        severity: HIGH,
        event_source: "organizations.amazonaws.com",
        event_names: &["DisablePolicyType", "DetachPolicy", "DeletePolicy"],
        documented: true,
        attempts_count: false,
        check: |call, req| {
            let policy = str_field(req, &["policyId", "policyType", "PolicyId", "PolicyType"]).unwrap_or("?");
            Some(Signal {
                what: format!("organization policy {policy} was changed by {}", call.event_name),
                affected: vec![("AWS::Organizations::Policy", policy.to_string())],
                ..Signal::default()
            })
        },
    },
    Rule {
        signal: "EC2PasswordDataRetrieved",
        finding_type: "CredentialAccess:EC2/UnsecuredCredentials",
        severity: MEDIUM,
        event_source: "ec2.amazonaws.com",
        event_names: &["GetPasswordData"],
        documented: true,
        attempts_count: false,
        check: |_, req| {
            let id = str_field(req, &["instanceId", "InstanceId"]).unwrap_or("").to_string();
            Some(Signal {
                what: format!("the administrator password of instance {id} was retrieved"),
                affected: vec![("AWS::EC2::Instance", id)],
                ..Signal::default()
            })
        },
    },
    Rule {
        signal: "RDSMasterPasswordReset",
        finding_type: "CredentialAccess:RDS/ModifyAuthenticationProcess",
        severity: HIGH,
        event_source: "rds.amazonaws.com",
        event_names: &["ModifyDBInstance", "ModifyDBCluster"],
        documented: true,
        attempts_count: false,
        check: |_, req| {
            get_ci(req, "masterUserPassword")?;
            let id =
                str_field(req, &["dBInstanceIdentifier", "dBClusterIdentifier"]).unwrap_or("").to_string();
            Some(Signal {
                what: format!("the master user password of database {id} was reset"),
                affected: vec![("AWS::RDS::DBInstance", id)],
                ..Signal::default()
            })
        },
    },
    Rule {
        signal: "AMIExternalAccess",
        finding_type: "Exfiltration:EC2/TransferDataToCloudAccount",
        severity: HIGH,
        event_source: "ec2.amazonaws.com",
        event_names: &["ModifyImageAttribute"],
        documented: true,
        attempts_count: false,
        check: |call, req| {
            let image = str_field(req, &["imageId", "ImageId"]).unwrap_or("").to_string();
            let share = external_share(get_ci(req, "launchPermission"), &call.account_id)?;
            Some(Signal {
                what: format!("AMI {image} was {}", share.describe()),
                affected: vec![("AWS::EC2::Image", image)],
                remote_account: share.first_account(),
            })
        },
    },
    Rule {
        signal: "EBSSnapshotExternalAccess",
        finding_type: "Exfiltration:EC2/TransferDataToCloudAccount",
        severity: HIGH,
        event_source: "ec2.amazonaws.com",
        event_names: &["ModifySnapshotAttribute"],
        documented: true,
        attempts_count: false,
        check: |call, req| {
            let snapshot = str_field(req, &["snapshotId", "SnapshotId"]).unwrap_or("").to_string();
            let share = external_share(get_ci(req, "createVolumePermission"), &call.account_id)?;
            Some(Signal {
                what: format!("EBS snapshot {snapshot} was {}", share.describe()),
                affected: vec![("AWS::EC2::Snapshot", snapshot)],
                remote_account: share.first_account(),
            })
        },
    },
    Rule {
        signal: "RDSSnapshotPubliclyShared",
        finding_type: "Exfiltration:RDS/TransferDataToCloudAccount",
        severity: HIGH,
        event_source: "rds.amazonaws.com",
        event_names: &["ModifyDBSnapshotAttribute", "ModifyDBClusterSnapshotAttribute"],
        documented: true,
        attempts_count: false,
        check: |call, req| rds_snapshot_share(call, req, true),
    },
    Rule {
        signal: "Vigil:RDSSnapshotExternalAccess",
        finding_type: "Exfiltration:RDS/TransferDataToCloudAccount",
        severity: HIGH,
        event_source: "rds.amazonaws.com",
        event_names: &["ModifyDBSnapshotAttribute", "ModifyDBClusterSnapshotAttribute"],
        documented: false,
        attempts_count: false,
        check: |call, req| rds_snapshot_share(call, req, false),
    },
    Rule {
        signal: "S3BucketPolicyExternalAccess",
        finding_type: "Exfiltration:S3/TransferDataToCloudAccount",
        severity: HIGH,
        event_source: "s3.amazonaws.com",
        event_names: &["PutBucketPolicy"],
        documented: true,
        attempts_count: false,
        check: |call, req| {
            let bucket = call.s3.as_ref().map(|s| s.bucket.to_string()).unwrap_or_default();
            let policy = get_ci(req, "bucketPolicy").or_else(|| get_ci(req, "policy"))?;
            let accounts = external_policy_accounts(policy, &call.account_id);
            let first = accounts.first().cloned()?;
            Some(Signal {
                what: format!(
                    "the policy of S3 bucket {bucket} now grants access to account(s) {}",
                    accounts.join(", ")
                ),
                affected: vec![("AWS::S3::Bucket", bucket)],
                remote_account: Some(first),
            })
        },
    },
    Rule {
        signal: "AdminPolicyAttachedToUser",
        finding_type: "PrivilegeEscalation:IAM/AccountManipulation",
        severity: HIGH,
        event_source: "iam.amazonaws.com",
        event_names: &["AttachUserPolicy", "PutUserPolicy"],
        documented: true,
        attempts_count: false,
        check: admin_policy_granted,
    },
    Rule {
        signal: "AdminPolicyAttachedToRole",
        finding_type: "PrivilegeEscalation:IAM/AccountManipulation",
        severity: HIGH,
        event_source: "iam.amazonaws.com",
        event_names: &["AttachRolePolicy", "PutRolePolicy"],
        documented: true,
        attempts_count: false,
        check: admin_policy_granted,
    },
    Rule {
        signal: "Vigil:AdminPolicyAttachedToGroup",
        finding_type: "PrivilegeEscalation:IAM/AccountManipulation",
        severity: HIGH,
        event_source: "iam.amazonaws.com",
        event_names: &["AttachGroupPolicy", "PutGroupPolicy"],
        documented: false,
        attempts_count: false,
        check: admin_policy_granted,
    },
    Rule {
        signal: "IAMUserLoginProfileCreated",
        finding_type: "Persistence:IAM/AccountManipulation",
        severity: HIGH,
        event_source: "iam.amazonaws.com",
        event_names: &["CreateLoginProfile"],
        documented: true,
        attempts_count: false,
        check: |call, req| login_profile(call, req, "created"),
    },
    Rule {
        signal: "IAMUserLoginProfileUpdated",
        finding_type: "Persistence:IAM/AccountManipulation",
        severity: MEDIUM,
        event_source: "iam.amazonaws.com",
        event_names: &["UpdateLoginProfile"],
        documented: true,
        attempts_count: false,
        check: |call, req| login_profile(call, req, "changed"),
    },
    Rule {
        signal: "EC2SecurityGroupPublicSSH",
        finding_type: "Persistence:EC2/ExternalRemoteServices",
        severity: MEDIUM,
        event_source: "ec2.amazonaws.com",
        event_names: &["AuthorizeSecurityGroupIngress"],
        documented: true,
        attempts_count: false,
        check: |_, req| world_open_port(req, 22, "SSH (22)"),
    },
    Rule {
        signal: "Vigil:EC2SecurityGroupPublicRDP",
        finding_type: "Persistence:EC2/ExternalRemoteServices",
        severity: MEDIUM,
        event_source: "ec2.amazonaws.com",
        event_names: &["AuthorizeSecurityGroupIngress"],
        documented: false,
        attempts_count: false,
        check: |_, req| world_open_port(req, 3389, "RDP (3389)"),
    },
    Rule {
        signal: "LambdaFunctionPublicAccess",
        finding_type: "Persistence:Lambda/AccountManipulation",
        severity: HIGH,
        event_source: "lambda.amazonaws.com",
        event_names: &["AddPermission*"],
        documented: true,
        attempts_count: false,
        check: |_, req| {
            let function =
                short_name(str_field(req, &["functionName", "FunctionName"]).unwrap_or("")).to_string();
            let public = str_field(req, &["principal", "Principal"]) == Some("*")
                && ["sourceAccount", "sourceArn", "principalOrgID"]
                    .iter()
                    .all(|k| get_ci(req, k).is_none_or(Value::is_null));
            public.then(|| Signal {
                what: format!("Lambda function {function} was made invocable by any principal"),
                affected: vec![("AWS::Lambda::Function", function)],
                ..Signal::default()
            })
        },
    },
    Rule {
        signal: "LambdaFunctionUrlPublicAccess",
        finding_type: "Persistence:Lambda/ModifyAuthenticationProcess",
        severity: HIGH,
        event_source: "lambda.amazonaws.com",
        event_names: &["CreateFunctionUrlConfig*", "UpdateFunctionUrlConfig*"],
        documented: true,
        attempts_count: false,
        check: |_, req| {
            let function =
                short_name(str_field(req, &["functionName", "FunctionName"]).unwrap_or("")).to_string();
            (str_field(req, &["authType", "AuthType"]) == Some("NONE")).then(|| Signal {
                what: format!("Lambda function {function} got a function URL without authentication"),
                affected: vec![("AWS::Lambda::Function", function)],
                ..Signal::default()
            })
        },
    },
    Rule {
        signal: "EC2UserDataModified",
        finding_type: "Persistence:EC2/BootOrLogonInitializationScripts",
        severity: HIGH,
        event_source: "ec2.amazonaws.com",
        event_names: &["ModifyInstanceAttribute"],
        documented: true,
        attempts_count: false,
        check: |_, req| {
            let attribute = str_field(req, &["attribute"]).unwrap_or("");
            if get_ci(req, "userData").is_none() && !attribute.eq_ignore_ascii_case("userData") {
                return None;
            }
            let id = str_field(req, &["instanceId"]).unwrap_or("").to_string();
            Some(Signal {
                what: format!("the user data of instance {id} was replaced (it runs as root at next start)"),
                affected: vec![("AWS::EC2::Instance", id)],
                ..Signal::default()
            })
        },
    },
    Rule {
        signal: "EC2TerminationProtectionEnabled",
        finding_type: "DefenseImpairment:EC2/DisableOrModifyTools",
        severity: LOW,
        event_source: "ec2.amazonaws.com",
        event_names: &["ModifyInstanceAttribute"],
        documented: true,
        attempts_count: false,
        check: |_, req| {
            // Turning termination protection on can keep responders from replacing an instance.
            let on = get_ci(req, "disableApiTermination")
                .map(|v| get_ci(v, "value").unwrap_or(v))
                .is_some_and(|v| v.as_bool() == Some(true) || v.as_str() == Some("true"));
            let id = str_field(req, &["instanceId"]).unwrap_or("").to_string();
            on.then(|| Signal {
                what: format!("termination protection was turned on for instance {id}"),
                affected: vec![("AWS::EC2::Instance", id)],
                ..Signal::default()
            })
        },
    },
    Rule {
        signal: "EC2InstanceSSHKeyPushed",
        finding_type: "LateralMovement:EC2/RemoteServices",
        severity: MEDIUM,
        event_source: "ec2-instance-connect.amazonaws.com",
        event_names: &["SendSSHPublicKey", "SendSerialConsoleSSHPublicKey"],
        documented: true,
        attempts_count: false,
        check: |_, req| {
            let id = str_field(req, &["instanceId", "InstanceId"]).unwrap_or("").to_string();
            let os_user = str_field(req, &["instanceOSUser", "InstanceOSUser"]).unwrap_or("?");
            Some(Signal {
                what: format!("an SSH public key was pushed to instance {id} for OS user {os_user}"),
                affected: vec![("AWS::EC2::Instance", id)],
                ..Signal::default()
            })
        },
    },
    Rule {
        signal: "RDSIAMAuthDisabled",
        finding_type: "DefenseImpairment:RDS/ModifyAuthenticationProcess",
        severity: MEDIUM,
        event_source: "rds.amazonaws.com",
        event_names: &["ModifyDBInstance", "ModifyDBCluster"],
        documented: true,
        attempts_count: false,
        check: |_, req| {
            let off = get_ci(req, "enableIAMDatabaseAuthentication").and_then(Value::as_bool) == Some(false);
            let id =
                str_field(req, &["dBInstanceIdentifier", "dBClusterIdentifier"]).unwrap_or("").to_string();
            off.then(|| Signal {
                what: format!("IAM database authentication was turned off for database {id}"),
                affected: vec![("AWS::RDS::DBInstance", id)],
                ..Signal::default()
            })
        },
    },
    Rule {
        signal: "RDSPubliclyAccessible",
        finding_type: "InitialAccess:RDS/ExploitPublicFacingApplication",
        severity: HIGH,
        event_source: "rds.amazonaws.com",
        event_names: &["ModifyDBInstance"],
        documented: true,
        attempts_count: false,
        check: |_, req| {
            let public = get_ci(req, "publiclyAccessible").and_then(Value::as_bool) == Some(true);
            let id = str_field(req, &["dBInstanceIdentifier"]).unwrap_or("").to_string();
            public.then(|| Signal {
                what: format!("database {id} was made publicly accessible"),
                affected: vec![("AWS::RDS::DBInstance", id)],
                ..Signal::default()
            })
        },
    },
    Rule {
        signal: "ConsoleLoginWithoutMFA",
        finding_type: "InitialAccess:IAM/ValidAccounts",
        severity: MEDIUM,
        event_source: "signin.amazonaws.com",
        event_names: &["ConsoleLogin"],
        documented: true,
        attempts_count: false,
        check: |call, _| {
            // Federated and Identity Center sign-ins do MFA at the identity provider; CloudTrail
            // always logs MFAUsed "No" for them.
            if !matches!(call.identity.kind, IdentityType::IAMUser | IdentityType::Root) {
                return None;
            }
            let extra: Value = call.additional().unwrap_or(Value::Null);
            let outcome: Value = call.response().unwrap_or(Value::Null);
            let success = str_field(&outcome, &["ConsoleLogin"]) == Some("Success");
            let no_mfa = str_field(&extra, &["MFAUsed"]) == Some("No");
            (success && no_mfa).then(|| Signal {
                what: format!("{} signed in to the console without MFA", call.identity.name()),
                ..Signal::default()
            })
        },
    },
];

/// Who a permission change adds, beyond the own account.
struct Share {
    public: bool,
    accounts: Vec<String>,
}

impl Share {
    fn describe(&self) -> String {
        match (self.public, self.accounts.is_empty()) {
            (true, true) => "made public".into(),
            (true, false) => format!("made public and shared with account(s) {}", self.accounts.join(", ")),
            _ => format!("shared with account(s) {}", self.accounts.join(", ")),
        }
    }

    fn first_account(&self) -> Option<String> {
        self.accounts.first().cloned()
    }
}

/// The accounts and groups a `launchPermission` / `createVolumePermission` change adds outside
/// `own_account`; `None` when it adds nobody outside.
fn external_share(permission: Option<&Value>, own_account: &str) -> Option<Share> {
    let add = get_ci(permission?, "add")?;
    let items = as_list(get_ci(add, "items").or_else(|| get_ci(add, "item")));
    let mut share = Share { public: false, accounts: Vec::new() };
    for item in items {
        if str_field(item, &["group", "Group"]).is_some_and(|g| g.eq_ignore_ascii_case("all")) {
            share.public = true;
        }
        if let Some(user) = str_field(item, &["userId", "UserId"]) {
            if user != own_account {
                share.accounts.push(user.to_string());
            }
        }
    }
    (share.public || !share.accounts.is_empty()).then_some(share)
}

/// Accounts other than `own_account` that an `Allow` statement of a bucket policy (object or
/// JSON text) names as principal (`"AWS": "arn:aws:iam::ACCOUNT:…"` or a bare account id).
/// `"*"` is not an account: public grants are the S3 public-access detector's.
fn external_policy_accounts(policy: &Value, own_account: &str) -> Vec<String> {
    let parsed;
    let policy = match policy {
        Value::String(text) => match serde_json::from_str::<Value>(text) {
            Ok(v) => {
                parsed = v;
                &parsed
            }
            Err(_) => return Vec::new(),
        },
        other => other,
    };
    let mut out: Vec<String> = Vec::new();
    for st in as_list(get_ci(policy, "Statement")) {
        if get_ci(st, "Effect").and_then(Value::as_str) != Some("Allow") {
            continue;
        }
        let Some(principal) = get_ci(st, "Principal") else { continue };
        for p in as_list(get_ci(principal, "AWS")) {
            let Some(p) = p.as_str() else { continue };
            let account = match p.strip_prefix("arn:aws:iam::").or_else(|| p.strip_prefix("arn:aws:sts::")) {
                Some(rest) => rest.split(':').next().unwrap_or(""),
                None => p,
            };
            if account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && account != own_account
                && !out.iter().any(|a| a == account)
            {
                out.push(account.to_string());
            }
        }
    }
    out
}

/// Whether an IAM policy document (object or JSON text) allows every action on every resource.
fn allows_everything(doc: &Value) -> bool {
    let parsed;
    let doc = match doc {
        Value::String(text) => match serde_json::from_str::<Value>(text) {
            Ok(v) => {
                parsed = v;
                &parsed
            }
            Err(_) => return false,
        },
        other => other,
    };
    as_list(get_ci(doc, "Statement")).iter().any(|st| {
        let is = |field: &str| as_list(get_ci(st, field)).iter().any(|v| v.as_str() == Some("*"));
        get_ci(st, "Effect").and_then(Value::as_str) == Some("Allow")
            && get_ci(st, "Condition").is_none()
            && is("Action")
            && is("Resource")
    })
}

/// Whether an ingress request opens `port` (alone, in a range, or as "all traffic") to
/// `0.0.0.0/0` or `::/0`.
fn world_open_port(req: &Value, port: i64, name: &str) -> Option<Signal> {
    let group = str_field(req, &["groupId", "groupName"]).unwrap_or("").to_string();
    let perms = get_ci(req, "ipPermissions").map(|p| get_ci(p, "items").unwrap_or(p));
    let opened = as_list(perms).iter().any(|perm| {
        let ranges = |field: &str, key: &str| {
            let r = get_ci(perm, field).map(|r| get_ci(r, "items").unwrap_or(r));
            as_list(r).iter().any(|x| str_field(x, &[key]).is_some_and(|c| c == "0.0.0.0/0" || c == "::/0"))
        };
        if !ranges("ipRanges", "cidrIp") && !ranges("ipv6Ranges", "cidrIpv6") {
            return false;
        }
        match str_field(perm, &["ipProtocol"]).unwrap_or("") {
            "-1" => true,
            "tcp" | "6" => {
                let from = as_f64(get_ci(perm, "fromPort")).unwrap_or(0.0) as i64;
                let to = as_f64(get_ci(perm, "toPort")).unwrap_or(65535.0) as i64;
                from <= port && port <= to
            }
            _ => false,
        }
    });
    opened.then(|| Signal {
        what: format!("security group {group} was opened to the internet on {name}"),
        affected: vec![("AWS::EC2::SecurityGroup", group)],
        ..Signal::default()
    })
}

/// An `Attach*Policy` of `AdministratorAccess` or a `Put*Policy` whose document allows every
/// action on every resource.
fn admin_policy_granted(call: &ApiCall, req: &Value) -> Option<Signal> {
    let target = str_field(req, &["userName", "roleName", "groupName"]).unwrap_or("?").to_string();
    let grants_admin = if call.event_name.starts_with("Attach") {
        str_field(req, &["policyArn"]).is_some_and(|a| a.ends_with(":policy/AdministratorAccess"))
    } else {
        get_ci(req, "policyDocument").is_some_and(allows_everything)
    };
    grants_admin.then(|| Signal {
        what: format!("administrator access was granted to {target} by {}", call.event_name),
        affected: vec![("AWS::IAM::Principal", target)],
        ..Signal::default()
    })
}

fn login_profile(call: &ApiCall, req: &Value, verb: &str) -> Option<Signal> {
    let user = str_field(req, &["userName"]).unwrap_or(call.identity.name()).to_string();
    Some(Signal {
        what: format!("a console password was {verb} for IAM user {user}"),
        affected: vec![("AWS::IAM::Principal", user)],
        ..Signal::default()
    })
}

/// An RDS snapshot `restore` attribute change: with `public`, a share with `all` (GuardDuty's
/// RDSSnapshotPubliclyShared); otherwise a share with named accounts outside the own one only.
fn rds_snapshot_share(call: &ApiCall, req: &Value, public: bool) -> Option<Signal> {
    if !str_field(req, &["attributeName", "AttributeName"]).is_some_and(|a| a.eq_ignore_ascii_case("restore"))
    {
        return None;
    }
    let snapshot =
        str_field(req, &["dBSnapshotIdentifier", "dBClusterSnapshotIdentifier"]).unwrap_or("").to_string();
    let values: Vec<String> = as_list(get_ci(req, "valuesToAdd"))
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .filter(|v| *v != call.account_id)
        .collect();
    let share = Share {
        public: values.iter().any(|v| v.eq_ignore_ascii_case("all")),
        accounts: values.into_iter().filter(|v| !v.eq_ignore_ascii_case("all")).collect(),
    };
    let fires = if public { share.public } else { !share.public && !share.accounts.is_empty() };
    fires.then(|| Signal {
        what: format!("RDS snapshot {snapshot} was {}", share.describe()),
        affected: vec![("AWS::RDS::DBSnapshot", snapshot)],
        remote_account: share.first_account(),
    })
}

/// Every string in a JSON tree that starts with `prefix` (EC2 logs ids in varying shapes).
fn find_ids(v: &Value, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(v: &Value, prefix: &str, out: &mut Vec<String>) {
        match v {
            Value::String(s) if s.starts_with(prefix) => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|x| walk(x, prefix, out)),
            Value::Object(o) => o.values().for_each(|x| walk(x, prefix, out)),
            _ => {}
        }
    }
    walk(v, prefix, &mut out);
    out.sort();
    out.dedup();
    out
}

fn list_or_unknown(ids: &[String]) -> String {
    if ids.is_empty() {
        "(unnamed)".into()
    } else {
        ids.join(", ")
    }
}

fn name_matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

pub struct CustomDetectionRules;

impl Detector for CustomDetectionRules {
    fn name(&self) -> &'static str {
        "cloudtrail::custom_detection_rules"
    }

    fn observe(&mut self, event: &Event, _ctx: &Context, sink: &mut FindingSink) {
        let Event::Api(call) = event else { return };
        let mut request = None;
        for rule in RULES {
            if rule.event_source != call.event_source
                || !rule.event_names.iter().any(|p| name_matches(p, &call.event_name))
                || (call.failed() && !rule.attempts_count)
            {
                continue;
            }
            let req = request.get_or_insert_with(|| request_json(call));
            let Some(signal) = (rule.check)(call, req) else { continue };
            let mut d = api_draft(rule.finding_type, rule.severity, call, self.name());
            let mut what = signal.what;
            if let Some(first) = what.get(..1) {
                what = first.to_uppercase() + &what[1..];
            }
            d.title = format!("{what}.");
            let signal_note = if rule.documented {
                format!("Custom detection signal {}.", rule.signal)
            } else {
                format!(
                    "{} is a Vigil extension signal, not one of GuardDuty's; it is reported under the \
                     GuardDuty type that covers it.",
                    rule.signal
                )
            };
            d.description = format!(
                "{what} by {} ({}) from {}. {signal_note}",
                call.identity.name(),
                call.identity.kind.as_str(),
                call.source_ip,
            );
            d.why.push(format!(
                "{}:{} matched custom detection signal {}.",
                call.service(),
                call.event_name,
                rule.signal
            ));
            for (kind, id) in &signal.affected {
                affect(&mut d, kind, id);
            }
            if let (Some(account), Some(api)) = (signal.remote_account, d.action.aws_api_call_action.as_mut())
            {
                api.remote_account_details =
                    Some(RemoteAccountDetails { account_id: account, affiliated: false });
            }
            d.additional_info.insert("signal".into(), Value::String(rule.signal.into()));
            sink.report(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::testing::scan_records;

    fn rec(source: &str, name: &str, params: &str) -> String {
        format!(
            r#"{{"eventTime":"2024-03-01T12:00:00Z","eventSource":"{source}","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.5","userAgent":"aws-cli/2.15.0","userIdentity":{{"type":"IAMUser","principalId":"AIDAEX","accountId":"111122223333","accessKeyId":"AKIAEX","userName":"mallory"}},"requestParameters":{params},"recipientAccountId":"111122223333"}}"#
        )
    }

    fn types(records: &[String]) -> Vec<String> {
        let refs: Vec<&str> = records.iter().map(String::as_str).collect();
        scan_records(&refs).into_iter().map(|f| f.finding_type).collect()
    }

    const EC2: &str = "ec2.amazonaws.com";
    const IAM: &str = "iam.amazonaws.com";

    #[test]
    fn each_rule_fires_on_its_positive() {
        let cases = [
            (
                rec(
                    EC2,
                    "DeleteFlowLogs",
                    r#"{"DeleteFlowLogsRequest":{"FlowLogId":{"content":"fl-0123","tag":1}}}"#,
                ),
                "DefenseImpairment:EC2/DisableOrModifyTools",
            ),
            (
                rec(
                    "route53resolver.amazonaws.com",
                    "DeleteResolverQueryLogConfig",
                    r#"{"resolverQueryLogConfigId":"rqlc-1"}"#,
                ),
                "DefenseImpairment:Route53Resolver/DisableOrModifyTools",
            ),
            (
                rec("organizations.amazonaws.com", "LeaveOrganization", "null").replace(
                    r#""recipientAccountId""#,
                    r#""errorCode":"ConstraintViolationException","recipientAccountId""#,
                ),
                "DefenseImpairment:Organizations/ModifyCloudResourceHierarchy",
            ),
            (
                rec(
                    "organizations.amazonaws.com",
                    "DisablePolicyType",
                    r#"{"rootId":"r-1","policyType":"SERVICE_CONTROL_POLICY"}"#,
                ),
                "DefenseImpairment:Organizations/DisableOrModifyTools",
            ),
            (
                rec(EC2, "GetPasswordData", r#"{"instanceId":"i-0abc"}"#),
                "CredentialAccess:EC2/UnsecuredCredentials",
            ),
            (
                rec(
                    "rds.amazonaws.com",
                    "ModifyDBInstance",
                    r#"{"dBInstanceIdentifier":"db1","masterUserPassword":"HIDDEN_DUE_TO_SECURITY_REASONS","applyImmediately":true}"#,
                ),
                "CredentialAccess:RDS/ModifyAuthenticationProcess",
            ),
            (
                rec(
                    EC2,
                    "ModifyImageAttribute",
                    r#"{"imageId":"ami-1","launchPermission":{"add":{"items":[{"userId":"999988887777"}]}},"attributeType":"launchPermission"}"#,
                ),
                "Exfiltration:EC2/TransferDataToCloudAccount",
            ),
            (
                rec(
                    EC2,
                    "ModifySnapshotAttribute",
                    r#"{"snapshotId":"snap-1","attributeType":"CREATE_VOLUME_PERMISSION","createVolumePermission":{"add":{"items":[{"group":"all"}]}}}"#,
                ),
                "Exfiltration:EC2/TransferDataToCloudAccount",
            ),
            (
                rec(
                    "rds.amazonaws.com",
                    "ModifyDBSnapshotAttribute",
                    r#"{"dBSnapshotIdentifier":"s1","attributeName":"restore","valuesToAdd":["999988887777"]}"#,
                ),
                "Exfiltration:RDS/TransferDataToCloudAccount",
            ),
            (
                rec(
                    IAM,
                    "AttachUserPolicy",
                    r#"{"userName":"backdoor","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}"#,
                ),
                "PrivilegeEscalation:IAM/AccountManipulation",
            ),
            (
                rec(
                    IAM,
                    "PutRolePolicy",
                    r#"{"roleName":"r","policyName":"p","policyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"}"#,
                ),
                "PrivilegeEscalation:IAM/AccountManipulation",
            ),
            (
                rec(IAM, "CreateLoginProfile", r#"{"userName":"victim","passwordResetRequired":false}"#),
                "Persistence:IAM/AccountManipulation",
            ),
            (
                rec(IAM, "UpdateLoginProfile", r#"{"userName":"victim"}"#),
                "Persistence:IAM/AccountManipulation",
            ),
            (
                rec(
                    EC2,
                    "AuthorizeSecurityGroupIngress",
                    r#"{"groupId":"sg-1","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"groups":{},"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]},"ipv6Ranges":{},"prefixListIds":{}}]}}"#,
                ),
                "Persistence:EC2/ExternalRemoteServices",
            ),
            (
                rec(
                    "lambda.amazonaws.com",
                    "AddPermission20150331v2",
                    r#"{"functionName":"f","statementId":"s","action":"lambda:InvokeFunction","principal":"*"}"#,
                ),
                "Persistence:Lambda/AccountManipulation",
            ),
            (
                rec(
                    "lambda.amazonaws.com",
                    "CreateFunctionUrlConfig20211031",
                    r#"{"functionName":"f","authType":"NONE"}"#,
                ),
                "Persistence:Lambda/ModifyAuthenticationProcess",
            ),
            (
                rec(
                    EC2,
                    "ModifyInstanceAttribute",
                    r#"{"instanceId":"i-0abc","userData":"<sensitiveDataRemoved>"}"#,
                ),
                "Persistence:EC2/BootOrLogonInitializationScripts",
            ),
            (
                rec(
                    EC2,
                    "ModifyInstanceAttribute",
                    r#"{"instanceId":"i-0abc","disableApiTermination":{"value":true}}"#,
                ),
                "DefenseImpairment:EC2/DisableOrModifyTools",
            ),
            (
                rec(
                    "ec2-instance-connect.amazonaws.com",
                    "SendSSHPublicKey",
                    r#"{"instanceId":"i-0abc","instanceOSUser":"ec2-user","sSHPublicKey":"ssh-ed25519 AAAA"}"#,
                ),
                "LateralMovement:EC2/RemoteServices",
            ),
            (
                rec(
                    "rds.amazonaws.com",
                    "ModifyDBInstance",
                    r#"{"dBInstanceIdentifier":"db1","enableIAMDatabaseAuthentication":false}"#,
                ),
                "DefenseImpairment:RDS/ModifyAuthenticationProcess",
            ),
            (
                rec(
                    "rds.amazonaws.com",
                    "ModifyDBInstance",
                    r#"{"dBInstanceIdentifier":"db1","publiclyAccessible":true}"#,
                ),
                "InitialAccess:RDS/ExploitPublicFacingApplication",
            ),
        ];
        for (record, want) in &cases {
            assert_eq!(types(std::slice::from_ref(record)), vec![want.to_string()], "{record}");
        }
    }

    #[test]
    fn each_rule_stays_silent_on_its_negative() {
        let cases = [
            rec(EC2, "DescribeFlowLogs", "null"),
            rec(EC2, "GetPasswordData", r#"{"instanceId":"i-0abc"}"#).replace(
                r#""recipientAccountId""#,
                r#""errorCode":"Client.UnauthorizedOperation","recipientAccountId""#,
            ),
            rec(
                "rds.amazonaws.com",
                "ModifyDBInstance",
                r#"{"dBInstanceIdentifier":"db1","allocatedStorage":100}"#,
            ),
            rec(
                EC2,
                "ModifyImageAttribute",
                r#"{"imageId":"ami-1","launchPermission":{"add":{"items":[{"userId":"111122223333"}]}}}"#,
            ),
            rec(
                EC2,
                "ModifySnapshotAttribute",
                r#"{"snapshotId":"snap-1","createVolumePermission":{"remove":{"items":[{"userId":"999988887777"}]}}}"#,
            ),
            rec(
                "rds.amazonaws.com",
                "ModifyDBSnapshotAttribute",
                r#"{"dBSnapshotIdentifier":"s1","attributeName":"restore","valuesToRemove":["999988887777"]}"#,
            ),
            rec(
                IAM,
                "AttachUserPolicy",
                r#"{"userName":"dev","policyArn":"arn:aws:iam::aws:policy/ReadOnlyAccess"}"#,
            ),
            rec(
                IAM,
                "PutUserPolicy",
                r#"{"userName":"dev","policyDocument":"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"}"#,
            ),
            rec(
                EC2,
                "AuthorizeSecurityGroupIngress",
                r#"{"groupId":"sg-1","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"}]}}]}}"#,
            ),
            rec(
                EC2,
                "AuthorizeSecurityGroupIngress",
                r#"{"groupId":"sg-1","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":443,"toPort":443,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}"#,
            ),
            rec(
                "lambda.amazonaws.com",
                "AddPermission20150331v2",
                r#"{"functionName":"f","principal":"s3.amazonaws.com","sourceAccount":"111122223333"}"#,
            ),
            rec(
                "lambda.amazonaws.com",
                "AddPermission20150331v2",
                r#"{"functionName":"f","principal":"*","sourceArn":"arn:aws:s3:::my-bucket"}"#,
            ),
            rec(
                "lambda.amazonaws.com",
                "CreateFunctionUrlConfig20211031",
                r#"{"functionName":"f","authType":"AWS_IAM"}"#,
            ),
            rec(
                EC2,
                "ModifyInstanceAttribute",
                r#"{"instanceId":"i-0abc","instanceType":{"value":"t3.large"}}"#,
            ),
            rec(
                EC2,
                "ModifyInstanceAttribute",
                r#"{"instanceId":"i-0abc","disableApiTermination":{"value":false}}"#,
            ),
            rec(
                "rds.amazonaws.com",
                "ModifyDBInstance",
                r#"{"dBInstanceIdentifier":"db1","enableIAMDatabaseAuthentication":true,"publiclyAccessible":false}"#,
            ),
        ];
        for record in &cases {
            assert!(types(std::slice::from_ref(record)).is_empty(), "{record}");
        }
    }

    fn console_login(kind: &str, mfa: &str, outcome: &str) -> String {
        format!(
            r#"{{"eventTime":"2024-03-01T12:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","eventType":"AwsConsoleSignIn","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.5","userIdentity":{{"type":"{kind}","principalId":"AIDAEX","accountId":"111122223333","userName":"alice"}},"responseElements":{{"ConsoleLogin":"{outcome}"}},"additionalEventData":{{"MFAUsed":"{mfa}","LoginTo":"https://console.aws.amazon.com/"}},"recipientAccountId":"111122223333"}}"#
        )
    }

    #[test]
    fn console_login_without_mfa() {
        assert_eq!(
            types(&[console_login("IAMUser", "No", "Success")]),
            vec!["InitialAccess:IAM/ValidAccounts"]
        );
        assert!(types(&[
            console_login("IAMUser", "Yes", "Success"),
            console_login("IAMUser", "No", "Failure"),
            console_login("AssumedRole", "No", "Success"),
        ])
        .is_empty());
    }

    fn signals(records: &[String]) -> Vec<(String, String, f64, String)> {
        let refs: Vec<&str> = records.iter().map(String::as_str).collect();
        scan_records(&refs)
            .into_iter()
            .map(|f| {
                let info: serde_json::Value =
                    serde_json::from_str(&f.service.additional_info.as_ref().unwrap().value).unwrap();
                let signal = info["signal"].as_str().unwrap().to_string();
                (f.finding_type, signal, f.severity, f.description)
            })
            .collect()
    }

    #[test]
    fn documented_signals_and_vigil_extensions_are_told_apart() {
        let ingress = |port: u16| {
            rec(
                EC2,
                "AuthorizeSecurityGroupIngress",
                &format!(
                    r#"{{"groupId":"sg-1","ipPermissions":{{"items":[{{"ipProtocol":"tcp","fromPort":{port},"toPort":{port},"ipRanges":{{"items":[{{"cidrIp":"0.0.0.0/0"}}]}}}}]}}}}"#
                ),
            )
        };
        let ssh = signals(&[ingress(22)]);
        assert_eq!(ssh.len(), 1);
        assert_eq!(
            (ssh[0].0.as_str(), ssh[0].1.as_str()),
            ("Persistence:EC2/ExternalRemoteServices", "EC2SecurityGroupPublicSSH")
        );
        assert!(ssh[0].3.contains("Custom detection signal EC2SecurityGroupPublicSSH"), "{}", ssh[0].3);
        let rdp = signals(&[ingress(3389)]);
        assert_eq!(rdp[0].1, "Vigil:EC2SecurityGroupPublicRDP");
        assert!(rdp[0].3.contains("Vigil extension signal"), "{}", rdp[0].3);

        let rds = |values: &str| {
            rec(
                "rds.amazonaws.com",
                "ModifyDBSnapshotAttribute",
                &format!(
                    r#"{{"dBSnapshotIdentifier":"s1","attributeName":"restore","valuesToAdd":{values}}}"#
                ),
            )
        };
        assert_eq!(signals(&[rds(r#"["all"]"#)])[0].1, "RDSSnapshotPubliclyShared");
        assert_eq!(signals(&[rds(r#"["999988887777"]"#)])[0].1, "Vigil:RDSSnapshotExternalAccess");

        let created = signals(&[rec(IAM, "CreateLoginProfile", r#"{"userName":"victim"}"#)]);
        assert_eq!((created[0].1.as_str(), created[0].2), ("IAMUserLoginProfileCreated", 8.0));
        let updated = signals(&[rec(IAM, "UpdateLoginProfile", r#"{"userName":"victim"}"#)]);
        assert_eq!((updated[0].1.as_str(), updated[0].2), ("IAMUserLoginProfileUpdated", 5.0));

        let attach = |api: &str, who: &str| {
            rec(
                IAM,
                api,
                &format!(r#"{{"{who}":"x","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}}"#),
            )
        };
        assert_eq!(signals(&[attach("AttachRolePolicy", "roleName")])[0].1, "AdminPolicyAttachedToRole");
        assert_eq!(signals(&[attach("AttachUserPolicy", "userName")])[0].1, "AdminPolicyAttachedToUser");
        assert_eq!(
            signals(&[attach("AttachGroupPolicy", "groupName")])[0].1,
            "Vigil:AdminPolicyAttachedToGroup"
        );

        let dns = signals(&[rec(
            "route53resolver.amazonaws.com",
            "DeleteResolverQueryLogConfig",
            r#"{"resolverQueryLogConfigId":"rqlc-1"}"#,
        )]);
        assert_eq!((dns[0].1.as_str(), dns[0].2), ("DNSQueryLogsDeleted", 5.0));
    }

    #[test]
    fn shares_name_the_receiving_account() {
        let f = scan_records(&[&rec(
            EC2,
            "ModifySnapshotAttribute",
            r#"{"snapshotId":"snap-9","createVolumePermission":{"add":{"items":[{"userId":"999988887777"}]}}}"#,
        )]);
        let api = f[0].service.action.aws_api_call_action.as_ref().unwrap();
        assert_eq!(api.remote_account_details.as_ref().unwrap().account_id, "999988887777");
        assert_eq!(api.affected_resources["AWS::EC2::Snapshot"], "snap-9");
        let commands = &f[0].vigil.as_ref().unwrap().remediation.as_ref().unwrap().commands;
        assert!(
            commands[0].contains("--snapshot-id snap-9") && commands[0].contains("--user-ids 999988887777"),
            "{commands:?}"
        );
    }
}
