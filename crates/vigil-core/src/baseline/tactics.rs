//! Which attack stage (tactic) an API belongs to, as data.
//!
//! GuardDuty's `…:IAMUser/AnomalousBehavior` types each name a tactic and give a few example
//! APIs (marked *GD* below). The table extends them over the IAM, STS, EC2, S3, KMS, Secrets
//! Manager, SSM, CloudTrail, CloudWatch, Config, GuardDuty, Organizations, Lambda, RDS, DynamoDB,
//! ECR and Backup API surface, following MITRE ATT&CK's cloud matrix. Lookup order: an exact
//! `(service, API)` entry, then a verb prefix rule for the service, then a verb prefix rule for
//! any service. Read-only verbs (`Describe`, `List`, `Get`, …) not named elsewhere are Discovery.
//! Calls that fit no rule (most writes of ordinary workloads) have no tactic and never make an
//! AnomalousBehavior finding on their own.
//!
//! S3 calls are classed separately for the `…:S3/AnomalousBehavior` types by [`s3_class`].

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Tactic {
    Discovery,
    Persistence,
    PrivilegeEscalation,
    DefenseEvasion,
    CredentialAccess,
    Exfiltration,
    Impact,
    InitialAccess,
}

impl Tactic {
    pub const ALL: [Tactic; 8] = [
        Tactic::Discovery,
        Tactic::Persistence,
        Tactic::PrivilegeEscalation,
        Tactic::DefenseEvasion,
        Tactic::CredentialAccess,
        Tactic::Exfiltration,
        Tactic::Impact,
        Tactic::InitialAccess,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Tactic::Discovery => "Discovery",
            Tactic::Persistence => "Persistence",
            Tactic::PrivilegeEscalation => "PrivilegeEscalation",
            Tactic::DefenseEvasion => "DefenseEvasion",
            Tactic::CredentialAccess => "CredentialAccess",
            Tactic::Exfiltration => "Exfiltration",
            Tactic::Impact => "Impact",
            Tactic::InitialAccess => "InitialAccess",
        }
    }

    /// GuardDuty's finding type for this tactic.
    pub fn finding_type(self) -> &'static str {
        match self {
            Tactic::Discovery => "Discovery:IAMUser/AnomalousBehavior",
            Tactic::Persistence => "Persistence:IAMUser/AnomalousBehavior",
            Tactic::PrivilegeEscalation => "PrivilegeEscalation:IAMUser/AnomalousBehavior",
            Tactic::DefenseEvasion => "DefenseEvasion:IAMUser/AnomalousBehavior",
            Tactic::CredentialAccess => "CredentialAccess:IAMUser/AnomalousBehavior",
            Tactic::Exfiltration => "Exfiltration:IAMUser/AnomalousBehavior",
            Tactic::Impact => "Impact:IAMUser/AnomalousBehavior",
            Tactic::InitialAccess => "InitialAccess:IAMUser/AnomalousBehavior",
        }
    }

    /// GuardDuty's default severity: Discovery Low, Exfiltration and Impact High, the rest Medium.
    pub fn default_severity(self) -> f64 {
        match self {
            Tactic::Discovery => 2.0,
            Tactic::Exfiltration | Tactic::Impact => 8.0,
            _ => 5.0,
        }
    }

    /// What GuardDuty says the stage is about, for descriptions.
    pub fn purpose(self) -> &'static str {
        match self {
            Tactic::Discovery => "gather information about the account and its resources",
            Tactic::Persistence => "keep access to the environment",
            Tactic::PrivilegeEscalation => "obtain higher-level permissions",
            Tactic::DefenseEvasion => "avoid detection",
            Tactic::CredentialAccess => "collect passwords, usernames and access keys",
            Tactic::Exfiltration => "take data out of the environment",
            Tactic::Impact => "disrupt, tamper with or destroy data or systems",
            Tactic::InitialAccess => "gain access to the environment",
        }
    }
}

use Tactic::*;

/// Exact `(service, API)` → tactic. Service is the first label of `eventSource`.
pub const API_TACTICS: &[(&str, &str, Tactic)] = &[
    // CredentialAccess — GD: GetPasswordData, GetSecretValue, BatchGetSecretValue, GenerateDbAuthToken.
    ("ec2", "GetPasswordData", CredentialAccess),
    ("secretsmanager", "GetSecretValue", CredentialAccess),
    ("secretsmanager", "BatchGetSecretValue", CredentialAccess),
    ("rds", "GenerateDbAuthToken", CredentialAccess),
    ("rds-db", "connect", CredentialAccess),
    ("ssm", "GetParameter", CredentialAccess),
    ("ssm", "GetParameters", CredentialAccess),
    ("ssm", "GetParametersByPath", CredentialAccess),
    ("kms", "Decrypt", CredentialAccess),
    ("iam", "GetSSHPublicKey", CredentialAccess),
    ("iam", "GetCredentialReport", CredentialAccess),
    ("iam", "GenerateCredentialReport", CredentialAccess),
    ("codecommit", "GetRepository", CredentialAccess),
    ("lambda", "GetFunction", CredentialAccess),
    ("ec2", "GetLaunchTemplateData", CredentialAccess),
    ("ecr", "BatchGetImage", CredentialAccess),
    // DefenseEvasion — GD: DeleteFlowLogs, DisableAlarmActions, StopLogging.
    ("ec2", "DeleteFlowLogs", DefenseEvasion),
    ("monitoring", "DisableAlarmActions", DefenseEvasion),
    ("monitoring", "DeleteAlarms", DefenseEvasion),
    ("cloudtrail", "StopLogging", DefenseEvasion),
    ("cloudtrail", "DeleteTrail", DefenseEvasion),
    ("cloudtrail", "UpdateTrail", DefenseEvasion),
    ("cloudtrail", "PutEventSelectors", DefenseEvasion),
    ("cloudtrail", "PutInsightSelectors", DefenseEvasion),
    ("cloudtrail", "DeleteEventDataStore", DefenseEvasion),
    ("guardduty", "DeleteDetector", DefenseEvasion),
    ("guardduty", "UpdateDetector", DefenseEvasion),
    ("guardduty", "CreateIPSet", DefenseEvasion),
    ("guardduty", "UpdateIPSet", DefenseEvasion),
    ("guardduty", "CreateFilter", DefenseEvasion),
    ("guardduty", "UpdateFilter", DefenseEvasion),
    ("guardduty", "DisassociateFromMasterAccount", DefenseEvasion),
    ("guardduty", "DisassociateFromAdministratorAccount", DefenseEvasion),
    ("guardduty", "DeleteMembers", DefenseEvasion),
    ("guardduty", "StopMonitoringMembers", DefenseEvasion),
    ("guardduty", "ArchiveFindings", DefenseEvasion),
    ("config", "StopConfigurationRecorder", DefenseEvasion),
    ("config", "DeleteConfigurationRecorder", DefenseEvasion),
    ("config", "DeleteDeliveryChannel", DefenseEvasion),
    ("config", "DeleteConfigRule", DefenseEvasion),
    ("logs", "DeleteLogGroup", DefenseEvasion),
    ("logs", "DeleteLogStream", DefenseEvasion),
    ("logs", "PutRetentionPolicy", DefenseEvasion),
    ("logs", "DeleteSubscriptionFilter", DefenseEvasion),
    ("securityhub", "DisableSecurityHub", DefenseEvasion),
    ("securityhub", "BatchDisableStandards", DefenseEvasion),
    ("securityhub", "DeleteInsight", DefenseEvasion),
    ("access-analyzer", "DeleteAnalyzer", DefenseEvasion),
    ("macie2", "DisableMacie", DefenseEvasion),
    ("detective", "DeleteGraph", DefenseEvasion),
    ("inspector2", "Disable", DefenseEvasion),
    ("s3", "PutBucketLogging", DefenseEvasion),
    ("wafv2", "DeleteWebACL", DefenseEvasion),
    ("waf", "DeleteWebACL", DefenseEvasion),
    ("route53resolver", "DeleteResolverQueryLogConfig", DefenseEvasion),
    ("route53resolver", "DisassociateResolverQueryLogConfig", DefenseEvasion),
    ("ec2", "DeleteTrafficMirrorSession", DefenseEvasion),
    ("iam", "DeleteAccountPasswordPolicy", DefenseEvasion),
    ("iam", "UpdateAccountPasswordPolicy", DefenseEvasion),
    ("organizations", "LeaveOrganization", DefenseEvasion),
    ("ec2", "DisableEbsEncryptionByDefault", DefenseEvasion),
    ("kms", "DisableKeyRotation", DefenseEvasion),
    // Discovery — GD: DescribeInstances, GetRolePolicy, ListAccessKeys (and every read verb, below).
    ("sts", "GetCallerIdentity", Discovery),
    ("sts", "GetAccessKeyInfo", Discovery),
    ("iam", "GetAccountAuthorizationDetails", Discovery),
    ("iam", "SimulatePrincipalPolicy", Discovery),
    ("iam", "SimulateCustomPolicy", Discovery),
    ("cloudtrail", "LookupEvents", Discovery),
    ("s3", "ListBuckets", Discovery),
    ("organizations", "DescribeOrganization", Discovery),
    // Exfiltration — GD: PutBucketReplication, CreateSnapshot, RestoreDBInstanceFromDBSnapshot.
    ("s3", "PutBucketReplication", Exfiltration),
    ("ec2", "CreateSnapshot", Exfiltration),
    ("ec2", "CreateSnapshots", Exfiltration),
    ("ec2", "CopySnapshot", Exfiltration),
    ("ec2", "ModifySnapshotAttribute", Exfiltration),
    ("ec2", "ModifyImageAttribute", Exfiltration),
    ("ec2", "CreateImage", Exfiltration),
    ("ec2", "CopyImage", Exfiltration),
    ("ec2", "CreateInstanceExportTask", Exfiltration),
    ("ec2", "CreateStoreImageTask", Exfiltration),
    ("ec2", "CreateTrafficMirrorSession", Exfiltration),
    ("ebs", "StartSnapshot", Exfiltration),
    ("rds", "RestoreDBInstanceFromDBSnapshot", Exfiltration),
    ("rds", "RestoreDBClusterFromSnapshot", Exfiltration),
    ("rds", "RestoreDBInstanceToPointInTime", Exfiltration),
    ("rds", "CreateDBSnapshot", Exfiltration),
    ("rds", "CreateDBClusterSnapshot", Exfiltration),
    ("rds", "CopyDBSnapshot", Exfiltration),
    ("rds", "CopyDBClusterSnapshot", Exfiltration),
    ("rds", "ModifyDBSnapshotAttribute", Exfiltration),
    ("rds", "ModifyDBClusterSnapshotAttribute", Exfiltration),
    ("rds", "StartExportTask", Exfiltration),
    ("dynamodb", "ExportTableToPointInTime", Exfiltration),
    ("logs", "CreateExportTask", Exfiltration),
    ("redshift", "AuthorizeSnapshotAccess", Exfiltration),
    ("backup", "StartCopyJob", Exfiltration),
    ("ssm", "ModifyDocumentPermission", Exfiltration),
    ("ec2", "SharedSnapshotCopyInitiated", Exfiltration),
    // Impact — GD: DeleteSecurityGroup, UpdateUser, PutBucketPolicy.
    ("ec2", "DeleteSecurityGroup", Impact),
    ("iam", "UpdateUser", Impact),
    ("s3", "PutBucketPolicy", Impact),
    ("s3", "DeleteBucketPolicy", Impact),
    ("s3", "PutBucketAcl", Impact),
    ("s3", "PutObjectAcl", Impact),
    ("s3", "PutBucketPublicAccessBlock", Impact),
    ("s3", "DeleteBucketPublicAccessBlock", Impact),
    ("s3", "PutBucketVersioning", Impact),
    ("s3", "PutBucketLifecycle", Impact),
    ("s3", "PutBucketLifecycleConfiguration", Impact),
    ("s3", "PutBucketEncryption", Impact),
    ("s3", "DeleteBucket", Impact),
    ("ec2", "TerminateInstances", Impact),
    ("ec2", "StopInstances", Impact),
    ("ec2", "ModifyInstanceMetadataOptions", Impact),
    ("kms", "ScheduleKeyDeletion", Impact),
    ("kms", "DisableKey", Impact),
    ("kms", "PutKeyPolicy", Impact),
    ("secretsmanager", "PutSecretValue", Impact),
    ("secretsmanager", "UpdateSecret", Impact),
    ("secretsmanager", "PutResourcePolicy", Impact),
    ("iam", "DeleteLoginProfile", Impact),
    ("iam", "DeactivateMFADevice", Impact),
    ("iam", "DeleteVirtualMFADevice", Impact),
    ("organizations", "RemoveAccountFromOrganization", Impact),
    ("organizations", "DeleteOrganization", Impact),
    ("organizations", "CloseAccount", Impact),
    ("rds", "ModifyDBInstance", Impact),
    ("rds", "StopDBInstance", Impact),
    ("dynamodb", "UpdateTable", Impact),
    ("lambda", "PutFunctionConcurrency", Impact),
    ("route53", "ChangeResourceRecordSets", Impact),
    ("glacier", "DeleteArchive", Impact),
    ("ec2", "DisassociateAddress", Impact),
    // InitialAccess — GD: StartSession, GetAuthorizationToken.
    ("ssm", "StartSession", InitialAccess),
    ("ssm", "ResumeSession", InitialAccess),
    ("ecr", "GetAuthorizationToken", InitialAccess),
    ("ecr-public", "GetAuthorizationToken", InitialAccess),
    ("codeartifact", "GetAuthorizationToken", InitialAccess),
    ("ec2-instance-connect", "SendSSHPublicKey", InitialAccess),
    ("ec2-instance-connect", "SendSerialConsoleSSHPublicKey", InitialAccess),
    ("sts", "GetFederationToken", InitialAccess),
    ("sts", "GetSessionToken", InitialAccess),
    ("sts", "AssumeRoleWithSAML", InitialAccess),
    ("sts", "AssumeRoleWithWebIdentity", InitialAccess),
    ("sso", "GetRoleCredentials", InitialAccess),
    ("signin", "GetSigninToken", InitialAccess),
    ("eks", "CreateAccessEntry", InitialAccess),
    // Persistence — GD: CreateAccessKey, ImportKeyPair, ModifyInstanceAttribute.
    ("iam", "CreateAccessKey", Persistence),
    ("ec2", "ImportKeyPair", Persistence),
    ("ec2", "ModifyInstanceAttribute", Persistence),
    ("ec2", "CreateKeyPair", Persistence),
    ("iam", "CreateUser", Persistence),
    ("iam", "CreateLoginProfile", Persistence),
    ("iam", "UpdateLoginProfile", Persistence),
    ("iam", "UploadSSHPublicKey", Persistence),
    ("iam", "CreateServiceSpecificCredential", Persistence),
    ("iam", "EnableMFADevice", Persistence),
    ("iam", "CreateVirtualMFADevice", Persistence),
    ("iam", "UpdateAccessKey", Persistence),
    ("iam", "CreateOpenIDConnectProvider", Persistence),
    ("iam", "CreateSAMLProvider", Persistence),
    ("iam", "UpdateSAMLProvider", Persistence),
    ("iam", "AddClientIDToOpenIDConnectProvider", Persistence),
    ("iam", "UploadServerCertificate", Persistence),
    ("iam", "UploadSigningCertificate", Persistence),
    ("ec2", "AuthorizeSecurityGroupIngress", Persistence),
    ("ec2", "AuthorizeSecurityGroupEgress", Persistence),
    ("ec2", "CreateSecurityGroup", Persistence),
    ("ec2", "CreateNetworkAclEntry", Persistence),
    ("ec2", "ReplaceNetworkAclEntry", Persistence),
    ("ec2", "CreateRoute", Persistence),
    ("ec2", "CreateVpcPeeringConnection", Persistence),
    ("ec2", "CreateClientVpnEndpoint", Persistence),
    ("lambda", "CreateFunction", Persistence),
    ("lambda", "CreateFunction20150331", Persistence),
    ("lambda", "UpdateFunctionCode", Persistence),
    ("lambda", "UpdateFunctionCode20150331v2", Persistence),
    ("lambda", "AddPermission", Persistence),
    ("lambda", "AddPermission20150331v2", Persistence),
    ("lambda", "AddLayerVersionPermission", Persistence),
    ("lambda", "CreateEventSourceMapping", Persistence),
    ("lambda", "CreateFunctionUrlConfig", Persistence),
    ("events", "PutRule", Persistence),
    ("events", "PutTargets", Persistence),
    ("ssm", "CreateAssociation", Persistence),
    ("ssm", "SendCommand", Persistence),
    ("ssm", "CreateDocument", Persistence),
    ("cognito-idp", "AdminCreateUser", Persistence),
    ("sso", "CreatePermissionSet", Persistence),
    ("sso-directory", "CreateUser", Persistence),
    ("organizations", "InviteAccountToOrganization", Persistence),
    ("rds", "ModifyDBInstanceAttribute", Persistence),
    ("s3", "PutBucketNotification", Persistence),
    ("kms", "CreateGrant", Persistence),
    // PrivilegeEscalation — GD: AssociateIamInstanceProfile, AddUserToGroup, PutUserPolicy.
    ("ec2", "AssociateIamInstanceProfile", PrivilegeEscalation),
    ("ec2", "ReplaceIamInstanceProfileAssociation", PrivilegeEscalation),
    ("iam", "AddUserToGroup", PrivilegeEscalation),
    ("iam", "PutUserPolicy", PrivilegeEscalation),
    ("iam", "PutRolePolicy", PrivilegeEscalation),
    ("iam", "PutGroupPolicy", PrivilegeEscalation),
    ("iam", "AttachUserPolicy", PrivilegeEscalation),
    ("iam", "AttachRolePolicy", PrivilegeEscalation),
    ("iam", "AttachGroupPolicy", PrivilegeEscalation),
    ("iam", "CreatePolicyVersion", PrivilegeEscalation),
    ("iam", "SetDefaultPolicyVersion", PrivilegeEscalation),
    ("iam", "UpdateAssumeRolePolicy", PrivilegeEscalation),
    ("iam", "AddRoleToInstanceProfile", PrivilegeEscalation),
    ("iam", "CreateRole", PrivilegeEscalation),
    ("iam", "CreatePolicy", PrivilegeEscalation),
    ("iam", "DeleteUserPermissionsBoundary", PrivilegeEscalation),
    ("iam", "DeleteRolePermissionsBoundary", PrivilegeEscalation),
    ("iam", "PutUserPermissionsBoundary", PrivilegeEscalation),
    ("iam", "PutRolePermissionsBoundary", PrivilegeEscalation),
    ("sts", "AssumeRole", PrivilegeEscalation),
    ("sts", "AssumeRoot", PrivilegeEscalation),
    ("lambda", "UpdateFunctionConfiguration", PrivilegeEscalation),
    ("lambda", "UpdateFunctionConfiguration20150331v2", PrivilegeEscalation),
    ("glue", "UpdateDevEndpoint", PrivilegeEscalation),
    ("glue", "CreateDevEndpoint", PrivilegeEscalation),
    ("cloudformation", "CreateStack", PrivilegeEscalation),
    ("datapipeline", "CreatePipeline", PrivilegeEscalation),
    ("ec2", "RunInstances", PrivilegeEscalation),
    ("sso", "AttachManagedPolicyToPermissionSet", PrivilegeEscalation),
    ("sso", "PutInlinePolicyToPermissionSet", PrivilegeEscalation),
    ("sso", "CreateAccountAssignment", PrivilegeEscalation),
];

/// `(service or "*", verb prefix)` → tactic, tried after [`API_TACTICS`], longest service match
/// first (service-specific rules before `*`).
pub const PREFIX_TACTICS: &[(&str, &str, Tactic)] = &[
    ("iam", "Delete", Impact),
    ("iam", "Detach", Impact),
    ("iam", "Remove", Impact),
    ("ec2", "Delete", Impact),
    ("ec2", "Deregister", Impact),
    ("rds", "Delete", Impact),
    ("s3", "Delete", Impact),
    ("dynamodb", "Delete", Impact),
    ("lambda", "Delete", Impact),
    ("kms", "Delete", Impact),
    ("secretsmanager", "Delete", Impact),
    ("backup", "Delete", Impact),
    ("elasticfilesystem", "Delete", Impact),
    ("ecr", "Delete", Impact),
    ("ecr", "BatchDelete", Impact),
    ("organizations", "Delete", Impact),
    ("cloudformation", "Delete", Impact),
    ("*", "Describe", Discovery),
    ("*", "List", Discovery),
    ("*", "Get", Discovery),
    ("*", "BatchGet", Discovery),
    ("*", "Search", Discovery),
    ("*", "Lookup", Discovery),
    ("*", "Scan", Discovery),
];

/// The tactic of a management API call, by the table above; `None` for calls in none.
pub fn tactic_of(service: &str, api: &str) -> Option<Tactic> {
    // CloudWatch's eventSource is `monitoring.amazonaws.com`; accept both spellings.
    let service = if service == "cloudwatch" { "monitoring" } else { service };
    if let Some(&(_, _, t)) = API_TACTICS.iter().find(|(s, a, _)| *s == service && *a == api) {
        return Some(t);
    }
    let prefix = |svc: &str| {
        PREFIX_TACTICS.iter().find(|(s, p, _)| *s == svc && verb_prefix(api, p)).map(|&(_, _, t)| t)
    };
    prefix(service).or_else(|| prefix("*"))
}

/// `api` starts with the verb `p` followed by a capital (so `Get` matches `GetUser`, not
/// `Getaway`) or equals it.
fn verb_prefix(api: &str, p: &str) -> bool {
    api.strip_prefix(p)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// What an S3 call does to a bucket, for the `…:S3/AnomalousBehavior` types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum S3Class {
    /// Listing and reading metadata and ACLs: `Discovery:S3/AnomalousBehavior`.
    Discovery,
    /// Reading object data: `Exfiltration:S3/AnomalousBehavior`.
    Read,
    /// Deleting objects or the bucket: `Impact:S3/AnomalousBehavior.Delete`.
    Delete,
    /// Changing who may access: `Impact:S3/AnomalousBehavior.Permission`.
    Permission,
    /// Writing objects: `Impact:S3/AnomalousBehavior.Write`.
    Write,
}

impl S3Class {
    pub const ALL: [S3Class; 5] =
        [S3Class::Discovery, S3Class::Read, S3Class::Delete, S3Class::Permission, S3Class::Write];

    pub fn name(self) -> &'static str {
        match self {
            S3Class::Discovery => "discovery",
            S3Class::Read => "read",
            S3Class::Delete => "delete",
            S3Class::Permission => "permission",
            S3Class::Write => "write",
        }
    }

    pub fn finding_type(self) -> &'static str {
        match self {
            S3Class::Discovery => "Discovery:S3/AnomalousBehavior",
            S3Class::Read => "Exfiltration:S3/AnomalousBehavior",
            S3Class::Delete => "Impact:S3/AnomalousBehavior.Delete",
            S3Class::Permission => "Impact:S3/AnomalousBehavior.Permission",
            S3Class::Write => "Impact:S3/AnomalousBehavior.Write",
        }
    }

    /// GuardDuty's defaults: Discovery Low, Write Medium, Exfiltration, Delete, Permission High.
    pub fn default_severity(self) -> f64 {
        match self {
            S3Class::Discovery => 2.0,
            S3Class::Write => 5.0,
            _ => 8.0,
        }
    }
}

/// The class of an S3 API call.
pub fn s3_class(api: &str) -> Option<S3Class> {
    const PERMISSION: &[&str] = &[
        "PutBucketAcl",
        "PutObjectAcl",
        "PutBucketPolicy",
        "DeleteBucketPolicy",
        "PutBucketPublicAccessBlock",
        "DeleteBucketPublicAccessBlock",
        "PutBucketOwnershipControls",
        "DeleteBucketOwnershipControls",
        "PutAccessPointPolicy",
        "PutBucketCors",
    ];
    const READ: &[&str] = &["GetObject", "GetObjectTorrent", "SelectObjectContent", "RestoreObject"];
    const WRITE: &[&str] = &[
        "PutObject",
        "CopyObject",
        "UploadPart",
        "UploadPartCopy",
        "CreateMultipartUpload",
        "CompleteMultipartUpload",
        "PutObjectTagging",
        "PutObjectRetention",
        "PutObjectLegalHold",
    ];
    if PERMISSION.contains(&api) {
        Some(S3Class::Permission)
    } else if READ.contains(&api) {
        Some(S3Class::Read)
    } else if WRITE.contains(&api) {
        Some(S3Class::Write)
    } else if verb_prefix(api, "Delete") || api == "AbortMultipartUpload" {
        Some(S3Class::Delete)
    } else if ["List", "Get", "Head"].iter().any(|p| verb_prefix(api, p)) {
        Some(S3Class::Discovery)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_examples_map_to_their_tactic() {
        for (svc, api, t) in [
            ("ec2", "GetPasswordData", CredentialAccess),
            ("secretsmanager", "GetSecretValue", CredentialAccess),
            ("ec2", "DeleteFlowLogs", DefenseEvasion),
            ("monitoring", "DisableAlarmActions", DefenseEvasion),
            ("cloudtrail", "StopLogging", DefenseEvasion),
            ("ec2", "DescribeInstances", Discovery),
            ("iam", "GetRolePolicy", Discovery),
            ("iam", "ListAccessKeys", Discovery),
            ("s3", "PutBucketReplication", Exfiltration),
            ("ec2", "CreateSnapshot", Exfiltration),
            ("rds", "RestoreDBInstanceFromDBSnapshot", Exfiltration),
            ("ec2", "DeleteSecurityGroup", Impact),
            ("iam", "UpdateUser", Impact),
            ("s3", "PutBucketPolicy", Impact),
            ("ssm", "StartSession", InitialAccess),
            ("ecr", "GetAuthorizationToken", InitialAccess),
            ("iam", "CreateAccessKey", Persistence),
            ("ec2", "ImportKeyPair", Persistence),
            ("ec2", "ModifyInstanceAttribute", Persistence),
            ("ec2", "AssociateIamInstanceProfile", PrivilegeEscalation),
            ("iam", "AddUserToGroup", PrivilegeEscalation),
            ("iam", "PutUserPolicy", PrivilegeEscalation),
        ] {
            assert_eq!(tactic_of(svc, api), Some(t), "{svc}:{api}");
        }
        assert_eq!(tactic_of("ec2", "DeleteVolume"), Some(Impact));
        assert_eq!(tactic_of("sqs", "SendMessage"), None);
        assert_eq!(tactic_of("xray", "Getaway"), None);
        assert_eq!(tactic_of("cloudwatch", "DisableAlarmActions"), Some(DefenseEvasion));
        assert_eq!(s3_class("GetObject"), Some(S3Class::Read));
        assert_eq!(s3_class("DeleteObjects"), Some(S3Class::Delete));
        assert_eq!(s3_class("ListObjectsV2"), Some(S3Class::Discovery));
        assert_eq!(s3_class("PutBucketAcl"), Some(S3Class::Permission));
        assert_eq!(s3_class("PutObject"), Some(S3Class::Write));
    }
}
