//! Finding type → MITRE ATT&CK tactic and technique, and → Security Hub (ASFF) type category.
//!
//! A data table: the first row whose pattern matches wins; patterns are exact types or prefixes
//! ending in `*`, so specific rows come before their family's fallback.

/// One ATT&CK mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attack {
    pub tactic_uid: &'static str,
    pub tactic: &'static str,
    pub technique_uid: &'static str,
    pub technique: &'static str,
}

const fn a(
    tactic_uid: &'static str,
    tactic: &'static str,
    technique_uid: &'static str,
    technique: &'static str,
) -> Attack {
    Attack { tactic_uid, tactic, technique_uid, technique }
}

const DEFENSE_EVASION: &str = "Defense Evasion";
const CLOUD_LOGS: &str = "Impair Defenses: Disable or Modify Cloud Logs";
const CLOUD_ACCOUNTS: &str = "Valid Accounts: Cloud Accounts";

pub const ATTACKS: &[(&str, Attack)] = &[
    ("Stealth:IAMUser/CloudTrailLoggingDisabled", a("TA0005", DEFENSE_EVASION, "T1562.008", CLOUD_LOGS)),
    ("Stealth:S3/ServerAccessLoggingDisabled", a("TA0005", DEFENSE_EVASION, "T1562.008", CLOUD_LOGS)),
    ("DefenseEvasion:IAMUser/BedrockLoggingDisabled", a("TA0005", DEFENSE_EVASION, "T1562.008", CLOUD_LOGS)),
    ("DefenseImpairment:EC2/DisableOrModifyTools", a("TA0005", DEFENSE_EVASION, "T1562.008", CLOUD_LOGS)),
    (
        "DefenseImpairment:Route53Resolver/DisableOrModifyTools",
        a("TA0005", DEFENSE_EVASION, "T1562.008", CLOUD_LOGS),
    ),
    (
        "Stealth:IAMUser/PasswordPolicyChange",
        a("TA0005", DEFENSE_EVASION, "T1556", "Modify Authentication Process"),
    ),
    (
        "DefenseImpairment:Organizations/ModifyCloudResourceHierarchy",
        a("TA0005", DEFENSE_EVASION, "T1666", "Modify Cloud Resource Hierarchy"),
    ),
    (
        "DefenseImpairment:RDS/ModifyAuthenticationProcess",
        a("TA0005", DEFENSE_EVASION, "T1556", "Modify Authentication Process"),
    ),
    (
        "DefenseImpairment:*",
        a("TA0005", DEFENSE_EVASION, "T1562.001", "Impair Defenses: Disable or Modify Tools"),
    ),
    ("Policy:IAMUser/*", a("TA0004", "Privilege Escalation", "T1078.004", CLOUD_ACCOUNTS)),
    ("Policy:S3/AccountBlockPublicAccessDisabled", a("TA0005", DEFENSE_EVASION, "T1562", "Impair Defenses")),
    ("Policy:S3/BucketBlockPublicAccessDisabled", a("TA0005", DEFENSE_EVASION, "T1562", "Impair Defenses")),
    ("Policy:S3/*", a("TA0009", "Collection", "T1530", "Data from Cloud Storage")),
    ("PenTest:*", a("TA0007", "Discovery", "T1526", "Cloud Service Discovery")),
    (
        "CredentialAccess:EC2/UnsecuredCredentials",
        a("TA0006", "Credential Access", "T1552", "Unsecured Credentials"),
    ),
    (
        "CredentialAccess:RDS/ModifyAuthenticationProcess",
        a("TA0006", "Credential Access", "T1556", "Modify Authentication Process"),
    ),
    ("CredentialAccess:*", a("TA0006", "Credential Access", "T1552", "Unsecured Credentials")),
    (
        "Exfiltration:EC2/TransferDataToCloudAccount",
        a("TA0010", "Exfiltration", "T1537", "Transfer Data to Cloud Account"),
    ),
    (
        "Exfiltration:RDS/TransferDataToCloudAccount",
        a("TA0010", "Exfiltration", "T1537", "Transfer Data to Cloud Account"),
    ),
    ("Exfiltration:*", a("TA0010", "Exfiltration", "T1048", "Exfiltration Over Alternative Protocol")),
    (
        "PrivilegeEscalation:IAM/AccountManipulation",
        a("TA0004", "Privilege Escalation", "T1098.003", "Account Manipulation: Additional Cloud Roles"),
    ),
    ("PrivilegeEscalation:*", a("TA0004", "Privilege Escalation", "T1098", "Account Manipulation")),
    (
        "Persistence:IAM/AccountManipulation",
        a("TA0003", "Persistence", "T1098.001", "Account Manipulation: Additional Cloud Credentials"),
    ),
    (
        "Persistence:EC2/ExternalRemoteServices",
        a("TA0003", "Persistence", "T1133", "External Remote Services"),
    ),
    (
        "Persistence:EC2/BootOrLogonInitializationScripts",
        a("TA0003", "Persistence", "T1037", "Boot or Logon Initialization Scripts"),
    ),
    (
        "Persistence:Lambda/ModifyAuthenticationProcess",
        a("TA0003", "Persistence", "T1556", "Modify Authentication Process"),
    ),
    ("Persistence:*", a("TA0003", "Persistence", "T1098", "Account Manipulation")),
    ("Execution:*", a("TA0002", "Execution", "T1059", "Command and Scripting Interpreter")),
    (
        "InitialAccess:RDS/ExploitPublicFacingApplication",
        a("TA0001", "Initial Access", "T1190", "Exploit Public-Facing Application"),
    ),
    (
        "LateralMovement:EC2/RemoteServices",
        a("TA0008", "Lateral Movement", "T1021.004", "Remote Services: SSH"),
    ),
    ("InitialAccess:*", a("TA0001", "Initial Access", "T1078.004", CLOUD_ACCOUNTS)),
    ("UnauthorizedAccess:EC2/SSHBruteForce", a("TA0006", "Credential Access", "T1110", "Brute Force")),
    ("UnauthorizedAccess:EC2/RDPBruteForce", a("TA0006", "Credential Access", "T1110", "Brute Force")),
    (
        "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration*",
        a("TA0006", "Credential Access", "T1552.005", "Unsecured Credentials: Cloud Instance Metadata API"),
    ),
    (
        "UnauthorizedAccess:EC2/Tor*",
        a("TA0011", "Command and Control", "T1090.003", "Proxy: Multi-hop Proxy"),
    ),
    ("UnauthorizedAccess:*", a("TA0001", "Initial Access", "T1078.004", CLOUD_ACCOUNTS)),
    ("Recon:IAMUser/*", a("TA0007", "Discovery", "T1580", "Cloud Infrastructure Discovery")),
    ("Recon:*", a("TA0043", "Reconnaissance", "T1595", "Active Scanning")),
    ("Discovery:*", a("TA0007", "Discovery", "T1580", "Cloud Infrastructure Discovery")),
    ("Backdoor:EC2/DenialOfService*", a("TA0040", "Impact", "T1498", "Network Denial of Service")),
    ("Backdoor:*", a("TA0011", "Command and Control", "T1071", "Application Layer Protocol")),
    ("Trojan:*", a("TA0011", "Command and Control", "T1071", "Application Layer Protocol")),
    ("CryptoCurrency:*", a("TA0040", "Impact", "T1496", "Resource Hijacking")),
    ("Impact:*", a("TA0040", "Impact", "T1496", "Resource Hijacking")),
    (
        "Behavior:EC2/TrafficVolumeUnusual",
        a("TA0010", "Exfiltration", "T1048", "Exfiltration Over Alternative Protocol"),
    ),
    ("Behavior:*", a("TA0011", "Command and Control", "T1571", "Non-Standard Port")),
    ("Stealth:*", a("TA0005", DEFENSE_EVASION, "T1562", "Impair Defenses")),
    ("DefenseEvasion:*", a("TA0005", DEFENSE_EVASION, "T1562", "Impair Defenses")),
];

fn matches(pattern: &str, finding_type: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => finding_type.starts_with(prefix),
        None => pattern == finding_type,
    }
}

/// The ATT&CK tactic and technique for a finding type, if the table knows its family.
pub fn attack_for(finding_type: &str) -> Option<Attack> {
    ATTACKS.iter().find(|(p, _)| matches(p, finding_type)).map(|(_, a)| *a)
}

/// Security Hub's type category (`namespace/category`) for a GuardDuty threat purpose, as
/// GuardDuty's own Security Hub integration files them.
pub const ASFF_CATEGORIES: &[(&str, &str)] = &[
    ("Backdoor", "TTPs/Command and Control"),
    ("Behavior", "Unusual Behaviors"),
    ("CredentialAccess", "TTPs/Credential Access"),
    ("CryptoCurrency", "Effects/Resource Consumption"),
    ("DefenseEvasion", "TTPs/Defense Evasion"),
    ("DefenseImpairment", "TTPs/Defense Evasion"),
    ("Discovery", "TTPs/Discovery"),
    ("Execution", "TTPs/Execution"),
    ("Exfiltration", "Effects/Data Exfiltration"),
    ("Impact", "Effects"),
    ("InitialAccess", "TTPs/Initial Access"),
    ("PenTest", "TTPs/Discovery"),
    ("Persistence", "TTPs/Persistence"),
    ("Policy", "Software and Configuration Checks/AWS Security Best Practices"),
    ("PrivilegeEscalation", "TTPs/Privilege Escalation"),
    ("Recon", "TTPs/Discovery"),
    ("Stealth", "TTPs/Defense Evasion"),
    ("Trojan", "TTPs/Command and Control"),
    ("UnauthorizedAccess", "TTPs/Initial Access"),
];

/// The ASFF `Types` entry for a GuardDuty finding type: category, then the type with `/`
/// replaced by `-` (ASFF uses `/` as its own separator), e.g.
/// `TTPs/Defense Evasion/Stealth:IAMUser-CloudTrailLoggingDisabled`.
pub fn asff_type(finding_type: &str) -> String {
    let purpose = finding_type.split(':').next().unwrap_or("");
    let category = ASFF_CATEGORIES.iter().find(|(p, _)| *p == purpose).map_or("TTPs", |(_, c)| c);
    format!("{category}/{}", finding_type.replace('/', "-"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::remediation::GUIDES;

    #[test]
    fn specific_rows_win_over_family_fallbacks() {
        assert_eq!(
            attack_for("Stealth:IAMUser/CloudTrailLoggingDisabled").unwrap().technique_uid,
            "T1562.008"
        );
        assert_eq!(attack_for("Stealth:Something/Else").unwrap().technique_uid, "T1562");
        assert_eq!(
            attack_for("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS")
                .unwrap()
                .technique_uid,
            "T1552.005"
        );
        assert!(attack_for("Nonsense").is_none());
    }

    #[test]
    fn every_type_with_remediation_has_an_attack_mapping() {
        for g in GUIDES {
            for t in g.types {
                let probe = t.replace('*', "X");
                assert!(attack_for(&probe).is_some(), "{t}");
            }
        }
    }

    #[test]
    fn asff_types() {
        assert_eq!(
            asff_type("Stealth:IAMUser/CloudTrailLoggingDisabled"),
            "TTPs/Defense Evasion/Stealth:IAMUser-CloudTrailLoggingDisabled"
        );
        assert_eq!(
            asff_type("Policy:S3/BucketAnonymousAccessGranted"),
            "Software and Configuration Checks/AWS Security Best Practices/Policy:S3-BucketAnonymousAccessGranted"
        );
    }
}
