//! GuardDuty's documented finding types with their default severities, as the AWS GuardDuty User
//! Guide lists them, and the signals of GuardDuty's Custom Detection Rules. Vigil emits only
//! types from this table; tests hold every detector to it (see the tests below and the check in
//! [`crate::findings::FindingSink::report`] under `cfg(test)`).
//!
//! Sources (read for this table, 2026):
//! - IAM: <https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html>
//! - EC2: <https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-ec2.html>
//! - S3: <https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-s3.html>
//! - Custom Detection Rules: <https://docs.aws.amazon.com/guardduty/latest/ug/findings-custom-detection-rules.html>
//! - Retired: <https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-retired.html>

use super::model::SeverityLabel;

/// Which page of the GuardDuty User Guide documents a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Iam,
    Ec2,
    S3,
    CustomDetectionRules,
    /// Still documented, but on the retired-types page: GuardDuty no longer generates it.
    Retired,
}

impl Page {
    pub fn url(self) -> &'static str {
        match self {
            Page::Iam => "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html",
            Page::Ec2 => "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-ec2.html",
            Page::S3 => "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-s3.html",
            Page::CustomDetectionRules => {
                "https://docs.aws.amazon.com/guardduty/latest/ug/findings-custom-detection-rules.html"
            }
            Page::Retired => {
                "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-retired.html"
            }
        }
    }
}

/// One documented finding type.
#[derive(Clone, Copy, Debug)]
pub struct DocumentedType {
    pub finding_type: &'static str,
    /// The documented default severity (for custom detection types: that of their most severe
    /// signal; the per-signal severities are in [`CUSTOM_DETECTION_SIGNALS`]).
    pub severity: SeverityLabel,
    /// GuardDuty marks the severity with `*`: it depends on the circumstances (resource role,
    /// how much weaker a policy got, affiliated account…).
    pub variable: bool,
    pub page: Page,
}

use Page::*;
use SeverityLabel::{High, Low, Medium};

const fn t(finding_type: &'static str, severity: SeverityLabel, page: Page) -> DocumentedType {
    DocumentedType { finding_type, severity, variable: false, page }
}

/// A type whose documented severity carries GuardDuty's `*` (it varies).
const fn v(finding_type: &'static str, severity: SeverityLabel, page: Page) -> DocumentedType {
    DocumentedType { finding_type, severity, variable: true, page }
}

pub const GUARDDUTY_TYPES: &[DocumentedType] = &[
    // IAM
    t("CredentialAccess:IAMUser/AnomalousBehavior", Medium, Iam),
    t("DefenseEvasion:IAMUser/AnomalousBehavior", Medium, Iam),
    t("DefenseEvasion:IAMUser/BedrockLoggingDisabled", Medium, Iam),
    t("Discovery:IAMUser/AnomalousBehavior", Low, Iam),
    t("Exfiltration:IAMUser/AnomalousBehavior", High, Iam),
    t("Impact:IAMUser/AnomalousBehavior", High, Iam),
    t("InitialAccess:IAMUser/AnomalousBehavior", Medium, Iam),
    t("PenTest:IAMUser/KaliLinux", Medium, Iam),
    t("PenTest:IAMUser/ParrotLinux", Medium, Iam),
    t("PenTest:IAMUser/PentooLinux", Medium, Iam),
    t("Persistence:IAMUser/AnomalousBehavior", Medium, Iam),
    t("Policy:IAMUser/RootCredentialUsage", Low, Iam),
    t("Policy:IAMUser/ShortTermRootCredentialUsage", Low, Iam),
    t("PrivilegeEscalation:IAMUser/AnomalousBehavior", Medium, Iam),
    t("Recon:IAMUser/MaliciousIPCaller", Medium, Iam),
    t("Recon:IAMUser/MaliciousIPCaller.Custom", Medium, Iam),
    t("Recon:IAMUser/TorIPCaller", Medium, Iam),
    t("Stealth:IAMUser/CloudTrailLoggingDisabled", Low, Iam),
    v("Stealth:IAMUser/PasswordPolicyChange", Low, Iam),
    t("UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B", Medium, Iam),
    v("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS", High, Iam),
    t("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", High, Iam),
    t("UnauthorizedAccess:IAMUser/MaliciousIPCaller", Medium, Iam),
    t("UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom", Medium, Iam),
    t("UnauthorizedAccess:IAMUser/TorIPCaller", Medium, Iam),
    // EC2
    t("Backdoor:EC2/C&CActivity.B", High, Ec2),
    t("Backdoor:EC2/C&CActivity.B!DNS", High, Ec2),
    t("Backdoor:EC2/DenialOfService.Dns", High, Ec2),
    t("Backdoor:EC2/DenialOfService.Tcp", High, Ec2),
    t("Backdoor:EC2/DenialOfService.Udp", High, Ec2),
    t("Backdoor:EC2/DenialOfService.UdpOnTcpPorts", High, Ec2),
    t("Backdoor:EC2/DenialOfService.UnusualProtocol", High, Ec2),
    t("Backdoor:EC2/Spambot", Medium, Ec2),
    t("Behavior:EC2/NetworkPortUnusual", Medium, Ec2),
    t("Behavior:EC2/TrafficVolumeUnusual", Medium, Ec2),
    t("CryptoCurrency:EC2/BitcoinTool.B", High, Ec2),
    t("CryptoCurrency:EC2/BitcoinTool.B!DNS", High, Ec2),
    t("DefenseEvasion:EC2/UnusualDNSResolver", Medium, Ec2),
    t("DefenseEvasion:EC2/UnusualDoHActivity", Medium, Ec2),
    t("DefenseEvasion:EC2/UnusualDoTActivity", Medium, Ec2),
    t("Impact:EC2/AbusedDomainRequest.Reputation", Medium, Ec2),
    t("Impact:EC2/BitcoinDomainRequest.Reputation", High, Ec2),
    t("Impact:EC2/MaliciousDomainRequest.Custom", Medium, Ec2),
    t("Impact:EC2/MaliciousDomainRequest.Reputation", High, Ec2),
    t("Impact:EC2/PortSweep", High, Ec2),
    t("Impact:EC2/SuspiciousDomainRequest.Reputation", Low, Ec2),
    v("Impact:EC2/WinRMBruteForce", Low, Ec2),
    t("Recon:EC2/PortProbeEMRUnprotectedPort", High, Ec2),
    v("Recon:EC2/PortProbeUnprotectedPort", Low, Ec2),
    t("Recon:EC2/Portscan", Medium, Ec2),
    t("Trojan:EC2/BlackholeTraffic", Medium, Ec2),
    t("Trojan:EC2/BlackholeTraffic!DNS", Medium, Ec2),
    t("Trojan:EC2/DGADomainRequest.B", High, Ec2),
    t("Trojan:EC2/DGADomainRequest.C!DNS", High, Ec2),
    t("Trojan:EC2/DNSDataExfiltration", High, Ec2),
    t("Trojan:EC2/DriveBySourceTraffic!DNS", High, Ec2),
    t("Trojan:EC2/DropPoint", Medium, Ec2),
    t("Trojan:EC2/DropPoint!DNS", Medium, Ec2),
    t("Trojan:EC2/PhishingDomainRequest!DNS", High, Ec2),
    t("UnauthorizedAccess:EC2/MaliciousIPCaller.Custom", Medium, Ec2),
    t("UnauthorizedAccess:EC2/MetadataDNSRebind", High, Ec2),
    v("UnauthorizedAccess:EC2/RDPBruteForce", Low, Ec2),
    v("UnauthorizedAccess:EC2/SSHBruteForce", Low, Ec2),
    t("UnauthorizedAccess:EC2/TorClient", High, Ec2),
    t("UnauthorizedAccess:EC2/TorRelay", High, Ec2),
    // On GuardDuty's retired-types page (inbound connections from a Tor exit node).
    t("UnauthorizedAccess:EC2/TorIPCaller", Medium, Retired),
    // S3
    t("Discovery:S3/AnomalousBehavior", Low, S3),
    t("Discovery:S3/MaliciousIPCaller", High, S3),
    t("Discovery:S3/MaliciousIPCaller.Custom", High, S3),
    t("Discovery:S3/TorIPCaller", Medium, S3),
    t("Exfiltration:S3/AnomalousBehavior", High, S3),
    t("Exfiltration:S3/MaliciousIPCaller", High, S3),
    t("Impact:S3/AnomalousBehavior.Delete", High, S3),
    t("Impact:S3/AnomalousBehavior.Permission", High, S3),
    t("Impact:S3/AnomalousBehavior.Write", Medium, S3),
    t("Impact:S3/MaliciousIPCaller", High, S3),
    t("PenTest:S3/KaliLinux", Medium, S3),
    t("PenTest:S3/ParrotLinux", Medium, S3),
    t("PenTest:S3/PentooLinux", Medium, S3),
    t("Policy:S3/AccountBlockPublicAccessDisabled", Low, S3),
    t("Policy:S3/BucketAnonymousAccessGranted", High, S3),
    t("Policy:S3/BucketBlockPublicAccessDisabled", Low, S3),
    t("Policy:S3/BucketPublicAccessGranted", High, S3),
    t("Stealth:S3/ServerAccessLoggingDisabled", Low, S3),
    t("UnauthorizedAccess:S3/MaliciousIPCaller.Custom", High, S3),
    t("UnauthorizedAccess:S3/TorIPCaller", High, S3),
    // Custom Detection Rules (one type aggregates several signals; see below)
    t("CredentialAccess:EC2/UnsecuredCredentials", Medium, CustomDetectionRules),
    t("CredentialAccess:RDS/ModifyAuthenticationProcess", High, CustomDetectionRules),
    v("DefenseImpairment:EC2/DisableOrModifyTools", High, CustomDetectionRules),
    t("DefenseImpairment:Organizations/ModifyCloudResourceHierarchy", High, CustomDetectionRules),
    t("DefenseImpairment:Organizations/DisableOrModifyTools", High, CustomDetectionRules),
    t("DefenseImpairment:RDS/ModifyAuthenticationProcess", Medium, CustomDetectionRules),
    t("DefenseImpairment:Route53Resolver/DisableOrModifyTools", Medium, CustomDetectionRules),
    t("DefenseImpairment:S3/DisableOrModifyTools", High, CustomDetectionRules),
    t("Execution:SageMaker/CommandAndScriptingInterpreter", Medium, CustomDetectionRules),
    t("Exfiltration:EC2/TransferDataToCloudAccount", High, CustomDetectionRules),
    t("Exfiltration:RDS/TransferDataToCloudAccount", High, CustomDetectionRules),
    t("Exfiltration:S3/TransferDataToCloudAccount", High, CustomDetectionRules),
    t("Impact:S3/DataDestruction", Medium, CustomDetectionRules),
    v("Impact:SES/ResourceHijacking", Medium, CustomDetectionRules),
    t("InitialAccess:IAM/ValidAccounts", Medium, CustomDetectionRules),
    t("InitialAccess:RDS/ExploitPublicFacingApplication", High, CustomDetectionRules),
    t("LateralMovement:EC2/RemoteServices", Medium, CustomDetectionRules),
    t("Persistence:EC2/BootOrLogonInitializationScripts", High, CustomDetectionRules),
    t("Persistence:EC2/ExternalRemoteServices", Medium, CustomDetectionRules),
    v("Persistence:IAM/AccountManipulation", High, CustomDetectionRules),
    t("Persistence:Lambda/AccountManipulation", High, CustomDetectionRules),
    t("Persistence:Lambda/ModifyAuthenticationProcess", High, CustomDetectionRules),
    t("Persistence:RolesAnywhere/AccountManipulation", Medium, CustomDetectionRules),
    v("PrivilegeEscalation:IAM/AccountManipulation", High, CustomDetectionRules),
    t("ResourceDevelopment:SES/CompromiseAccounts", Medium, CustomDetectionRules),
];

/// One documented Custom Detection Rules signal: (finding type, signal name, severity).
pub type CustomSignal = (&'static str, &'static str, SeverityLabel);

/// Every signal on GuardDuty's "Custom Detection Rules finding types" page.
pub const CUSTOM_DETECTION_SIGNALS: &[CustomSignal] = &[
    ("CredentialAccess:EC2/UnsecuredCredentials", "EC2PasswordDataRetrieved", Medium),
    ("CredentialAccess:RDS/ModifyAuthenticationProcess", "RDSMasterPasswordReset", High),
    ("DefenseImpairment:EC2/DisableOrModifyTools", "EC2TerminationProtectionEnabled", Low),
    ("DefenseImpairment:EC2/DisableOrModifyTools", "VPCFlowLogsDeleted", High),
    ("DefenseImpairment:Organizations/ModifyCloudResourceHierarchy", "OrganizationLeaveAttempt", High),
    ("DefenseImpairment:Organizations/DisableOrModifyTools", "OrganizationPolicyDisabled", High),
    ("DefenseImpairment:RDS/ModifyAuthenticationProcess", "RDSIAMAuthDisabled", Medium),
    ("DefenseImpairment:Route53Resolver/DisableOrModifyTools", "DNSQueryLogsDeleted", Medium),
    ("DefenseImpairment:S3/DisableOrModifyTools", "S3CustomerProvidedKeysEnabled", High),
    ("Execution:SageMaker/CommandAndScriptingInterpreter", "SageMakerLifecycleConfigModified", Medium),
    ("Exfiltration:EC2/TransferDataToCloudAccount", "AMIExternalAccess", High),
    ("Exfiltration:EC2/TransferDataToCloudAccount", "EBSSnapshotExternalAccess", High),
    ("Exfiltration:RDS/TransferDataToCloudAccount", "RDSSnapshotPubliclyShared", High),
    ("Exfiltration:S3/TransferDataToCloudAccount", "S3BucketPolicyExternalAccess", High),
    ("Impact:S3/DataDestruction", "S3LifecycleRapidExpiration", Medium),
    ("Impact:SES/ResourceHijacking", "SESAccountSendingEnabled", Low),
    ("Impact:SES/ResourceHijacking", "SESProductionAccessEnabled", Medium),
    ("InitialAccess:IAM/ValidAccounts", "ConsoleLoginWithoutMFA", Medium),
    ("InitialAccess:RDS/ExploitPublicFacingApplication", "RDSPubliclyAccessible", High),
    ("LateralMovement:EC2/RemoteServices", "EC2InstanceSSHKeyPushed", Medium),
    ("Persistence:EC2/BootOrLogonInitializationScripts", "EC2UserDataModified", High),
    ("Persistence:EC2/ExternalRemoteServices", "EC2SecurityGroupPublicSSH", Medium),
    ("Persistence:IAM/AccountManipulation", "IAMAccessKeyCreated", Low),
    ("Persistence:IAM/AccountManipulation", "IAMRoleTrustPolicyModified", Medium),
    ("Persistence:IAM/AccountManipulation", "IAMUserLoginProfileCreated", High),
    ("Persistence:IAM/AccountManipulation", "IAMUserLoginProfileUpdated", Medium),
    ("Persistence:Lambda/AccountManipulation", "LambdaFunctionPublicAccess", High),
    ("Persistence:Lambda/ModifyAuthenticationProcess", "LambdaFunctionUrlPublicAccess", High),
    ("Persistence:RolesAnywhere/AccountManipulation", "RolesAnywhereTrustAnchorCreated", Medium),
    ("PrivilegeEscalation:IAM/AccountManipulation", "AdminPolicyAttachedToRole", High),
    ("PrivilegeEscalation:IAM/AccountManipulation", "AdminPolicyAttachedToUser", High),
    ("PrivilegeEscalation:IAM/AccountManipulation", "BedrockServiceCredentialCreated", Medium),
    ("PrivilegeEscalation:IAM/AccountManipulation", "SESFullAccessPolicyAttachedToRole", Medium),
    ("PrivilegeEscalation:IAM/AccountManipulation", "SESFullAccessPolicyAttachedToUser", Medium),
    ("ResourceDevelopment:SES/CompromiseAccounts", "SESDomainIdentityVerified", Medium),
];

/// Prefix of a signal name that GuardDuty does not have: a Vigil extension reported under the
/// documented type that covers it.
pub const VIGIL_EXTENSION_PREFIX: &str = "Vigil:";

pub fn documented(finding_type: &str) -> Option<&'static DocumentedType> {
    GUARDDUTY_TYPES.iter().find(|d| d.finding_type == finding_type)
}

pub fn custom_signal(finding_type: &str, signal: &str) -> Option<&'static CustomSignal> {
    CUSTOM_DETECTION_SIGNALS.iter().find(|(t, s, _)| *t == finding_type && *s == signal)
}

/// Why a reported (type, severity, signal) does not match the documentation, if it does not.
/// Variable-severity types and Vigil extension signals are checked for their type only.
pub fn mismatch(finding_type: &str, severity: f64, signal: Option<&str>) -> Option<String> {
    let Some(doc) = documented(finding_type) else {
        return Some(format!("{finding_type} is not a documented GuardDuty finding type"));
    };
    let label = SeverityLabel::of(severity);
    if let Some(signal) = signal {
        if signal.starts_with(VIGIL_EXTENSION_PREFIX) {
            return None;
        }
        if doc.page == CustomDetectionRules {
            return match custom_signal(finding_type, signal) {
                None => Some(format!("{signal} is not a documented signal of {finding_type}")),
                Some((_, _, want)) if *want != label => Some(format!(
                    "{finding_type} / {signal}: severity {severity} is {label:?}, GuardDuty documents {want:?}"
                )),
                _ => None,
            };
        }
    }
    (!doc.variable && doc.severity != label).then(|| {
        format!(
            "{finding_type}: severity {severity} is {label:?}, GuardDuty documents {:?} ({})",
            doc.severity,
            doc.page.url()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::tactics::{S3Class, Tactic};
    use std::collections::BTreeSet;
    use std::path::Path;

    /// `"Tactic:Resource/Name"` string literals in non-test code of a Rust source.
    fn type_literals(source: &str) -> Vec<String> {
        let code = source.split("#[cfg(test)]").next().unwrap_or("");
        let mut out = Vec::new();
        for piece in code.split('"').skip(1).step_by(2) {
            let Some((tactic, rest)) = piece.split_once(':') else { continue };
            let Some((resource, name)) = rest.split_once('/') else { continue };
            let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric());
            if word(tactic)
                && tactic.starts_with(|c: char| c.is_ascii_uppercase())
                && word(resource)
                && !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || ".!&_".contains(c))
            {
                out.push(piece.to_string());
            }
        }
        out
    }

    fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }

    /// Every type a detector can emit: the literals in `src/detect`, plus the families built
    /// from a table (PenTest distributions, IAM AnomalousBehavior tactics).
    fn emitted_types() -> BTreeSet<String> {
        let mut files = Vec::new();
        rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/detect"), &mut files);
        let mut types: BTreeSet<String> = BTreeSet::new();
        for f in files {
            types.extend(type_literals(&std::fs::read_to_string(&f).unwrap()));
        }
        for family in ["IAMUser", "S3"] {
            for distro in ["KaliLinux", "ParrotLinux", "PentooLinux"] {
                types.insert(format!("PenTest:{family}/{distro}"));
            }
        }
        types.extend(Tactic::ALL.iter().map(|t| t.finding_type().to_string()));
        types.extend(S3Class::ALL.iter().map(|c| c.finding_type().to_string()));
        types
    }

    #[test]
    fn anomaly_families_use_documented_default_severities() {
        for t in Tactic::ALL {
            assert_eq!(mismatch(t.finding_type(), t.default_severity(), None), None);
        }
        for c in S3Class::ALL {
            assert_eq!(mismatch(c.finding_type(), c.default_severity(), None), None);
        }
    }

    #[test]
    fn every_emitted_type_is_documented() {
        let types = emitted_types();
        assert!(types.len() > 60, "the source scan found only {types:?}");
        let unknown: Vec<&String> = types.iter().filter(|t| documented(t).is_none()).collect();
        assert!(unknown.is_empty(), "types GuardDuty does not document: {unknown:?}");
    }

    #[test]
    fn custom_detection_rules_use_documented_signals_and_severities() {
        use crate::detect::cloudtrail::custom_detection_rules::RULES;
        for rule in RULES {
            let doc = documented(rule.finding_type).unwrap_or_else(|| panic!("{}", rule.finding_type));
            assert_eq!(doc.page, CustomDetectionRules, "{}", rule.finding_type);
            if rule.documented {
                assert!(!rule.signal.starts_with(VIGIL_EXTENSION_PREFIX), "{}", rule.signal);
                assert_eq!(mismatch(rule.finding_type, rule.severity, Some(rule.signal)), None);
            } else {
                assert!(rule.signal.starts_with(VIGIL_EXTENSION_PREFIX), "{}", rule.signal);
                assert!(custom_signal(rule.finding_type, &rule.signal[6..]).is_none());
            }
        }
        assert_eq!(RULES.iter().filter(|r| r.documented).count(), 23);
    }

    #[test]
    fn mismatch_reports_wrong_types_severities_and_signals() {
        assert_eq!(mismatch("Recon:EC2/Portscan", 5.0, None), None);
        assert!(mismatch("Recon:EC2/Portscan", 8.0, None).unwrap().contains("documents Medium"));
        assert!(mismatch("Execution:EC2/CloudAdministrationCommand", 5.0, None).is_some());
        assert_eq!(mismatch("UnauthorizedAccess:EC2/SSHBruteForce", 8.0, None), None, "variable");
        let t = "Persistence:IAM/AccountManipulation";
        assert_eq!(mismatch(t, 8.0, Some("IAMUserLoginProfileCreated")), None);
        assert!(mismatch(t, 8.0, Some("IAMUserLoginProfileUpdated")).is_some());
        assert!(mismatch(t, 5.0, Some("LoginProfileCreatedOrChanged")).is_some());
        assert_eq!(mismatch(t, 5.0, Some("Vigil:Anything")), None);
    }

    #[test]
    fn table_has_no_duplicates_and_custom_signals_name_custom_types() {
        let mut seen = BTreeSet::new();
        for d in GUARDDUTY_TYPES {
            assert!(seen.insert(d.finding_type), "duplicate {}", d.finding_type);
        }
        for (t, s, sev) in CUSTOM_DETECTION_SIGNALS {
            let doc = documented(t).unwrap_or_else(|| panic!("{t}"));
            assert_eq!(doc.page, CustomDetectionRules, "{t} / {s}");
            assert!(*sev <= doc.severity, "{t}: type severity is its most severe signal's");
        }
    }
}
