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
    ("Impact:S3/DataDestruction", a("TA0040", "Impact", "T1485", "Data Destruction")),
    (
        "ResourceDevelopment:*",
        a("TA0042", "Resource Development", "T1586.002", "Compromise Accounts: Email Accounts"),
    ),
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

/// GuardDuty's own ASFF `Types` value for each GuardDuty finding type Vigil emits, exactly as
/// GuardDuty's Security Hub integration page lists them
/// (<https://docs.aws.amazon.com/guardduty/latest/ug/securityhub-integration.html>, "Interpreting
/// GuardDuty finding names in AWS Security Hub"). GuardDuty's values are not regular (some have no
/// category, some keep a `/`); Security Hub rules and SIEM filters are written against these, so
/// they are kept as published.
pub const GUARDDUTY_ASFF_TYPES: &[(&str, &str)] = &[
    ("Backdoor:EC2/C&CActivity.B", "TTPs/Command and Control/Backdoor:EC2-C&CActivity.B"),
    ("Backdoor:EC2/C&CActivity.B!DNS", "TTPs/Command and Control/Backdoor:EC2-C&CActivity.B!DNS"),
    ("Backdoor:EC2/DenialOfService.Dns", "TTPs/Command and Control/Backdoor:EC2-DenialOfService.Dns"),
    ("Backdoor:EC2/DenialOfService.Tcp", "TTPs/Command and Control/Backdoor:EC2-DenialOfService.Tcp"),
    ("Backdoor:EC2/DenialOfService.Udp", "TTPs/Command and Control/Backdoor:EC2-DenialOfService.Udp"),
    (
        "Backdoor:EC2/DenialOfService.UdpOnTcpPorts",
        "TTPs/Command and Control/Backdoor:EC2-DenialOfService.UdpOnTcpPorts",
    ),
    (
        "Backdoor:EC2/DenialOfService.UnusualProtocol",
        "TTPs/Command and Control/Backdoor:EC2-DenialOfService.UnusualProtocol",
    ),
    ("Backdoor:EC2/Spambot", "TTPs/Command and Control/Backdoor:EC2-Spambot"),
    ("Behavior:EC2/NetworkPortUnusual", "Unusual Behaviors/VM/Behavior:EC2-NetworkPortUnusual"),
    ("Behavior:EC2/TrafficVolumeUnusual", "Unusual Behaviors/VM/Behavior:EC2-TrafficVolumeUnusual"),
    ("CredentialAccess:IAMUser/AnomalousBehavior", "TTPs/Credential Access/IAMUser-AnomalousBehavior"),
    ("CryptoCurrency:EC2/BitcoinTool.B", "TTPs/Command and Control/CryptoCurrency:EC2-BitcoinTool.B"),
    ("CryptoCurrency:EC2/BitcoinTool.B!DNS", "TTPs/Command and Control/CryptoCurrency:EC2-BitcoinTool.B!DNS"),
    ("DefenseEvasion:EC2/UnusualDNSResolver", "TTPs/DefenseEvasion/EC2:Unusual-DNS-Resolver"),
    ("DefenseEvasion:EC2/UnusualDoHActivity", "TTPs/DefenseEvasion/EC2:Unusual-DoH-Activity"),
    ("DefenseEvasion:EC2/UnusualDoTActivity", "TTPs/DefenseEvasion/EC2:Unusual-DoT-Activity"),
    ("DefenseEvasion:IAMUser/AnomalousBehavior", "TTPs/Defense Evasion/IAMUser-AnomalousBehavior"),
    (
        "DefenseEvasion:IAMUser/BedrockLoggingDisabled",
        "TTPs/Defense Evasion/DefenseEvasion:IAMUser-BedrockLoggingDisabled",
    ),
    ("Discovery:IAMUser/AnomalousBehavior", "TTPs/Discovery/IAMUser-AnomalousBehavior"),
    ("Discovery:S3/AnomalousBehavior", "TTPs/Discovery:S3-AnomalousBehavior"),
    ("Discovery:S3/MaliciousIPCaller", "TTPs/Discovery:S3-MaliciousIPCaller"),
    ("Discovery:S3/MaliciousIPCaller.Custom", "TTPs/Discovery:S3-MaliciousIPCaller.Custom"),
    ("Discovery:S3/TorIPCaller", "TTPs/Discovery:S3-TorIPCaller"),
    ("Exfiltration:IAMUser/AnomalousBehavior", "TTPs/Exfiltration/IAMUser-AnomalousBehavior"),
    ("Exfiltration:S3/AnomalousBehavior", "TTPs/Exfiltration:S3-AnomalousBehavior"),
    ("Exfiltration:S3/MaliciousIPCaller", "TTPs/Exfiltration:S3-MaliciousIPCaller"),
    ("Impact:EC2/AbusedDomainRequest.Reputation", "TTPs/Impact:EC2-AbusedDomainRequest.Reputation"),
    ("Impact:EC2/BitcoinDomainRequest.Reputation", "TTPs/Impact:EC2-BitcoinDomainRequest.Reputation"),
    ("Impact:EC2/MaliciousDomainRequest.Custom", "TTPs/Impact/Impact:EC2-MaliciousDomainRequest.Custom"),
    ("Impact:EC2/MaliciousDomainRequest.Reputation", "TTPs/Impact:EC2-MaliciousDomainRequest.Reputation"),
    ("Impact:EC2/PortSweep", "TTPs/Impact/Impact:EC2-PortSweep"),
    ("Impact:EC2/SuspiciousDomainRequest.Reputation", "TTPs/Impact:EC2-SuspiciousDomainRequest.Reputation"),
    ("Impact:EC2/WinRMBruteForce", "TTPs/Impact/Impact:EC2-WinRMBruteForce"),
    ("Impact:IAMUser/AnomalousBehavior", "TTPs/Impact/IAMUser-AnomalousBehavior"),
    ("Impact:S3/AnomalousBehavior.Delete", "TTPs/Impact:S3-AnomalousBehavior.Delete"),
    ("Impact:S3/AnomalousBehavior.Permission", "TTPs/Impact:S3-AnomalousBehavior.Permission"),
    ("Impact:S3/AnomalousBehavior.Write", "TTPs/Impact:S3-AnomalousBehavior.Write"),
    ("Impact:S3/MaliciousIPCaller", "TTPs/Impact:S3-MaliciousIPCaller"),
    ("InitialAccess:IAMUser/AnomalousBehavior", "TTPs/Initial Access/IAMUser-AnomalousBehavior"),
    ("PenTest:IAMUser/KaliLinux", "TTPs/PenTest:IAMUser/KaliLinux"),
    ("PenTest:IAMUser/ParrotLinux", "TTPs/PenTest:IAMUser/ParrotLinux"),
    ("PenTest:IAMUser/PentooLinux", "TTPs/PenTest:IAMUser/PentooLinux"),
    ("PenTest:S3/KaliLinux", "TTPs/PenTest:S3-KaliLinux"),
    ("PenTest:S3/ParrotLinux", "TTPs/PenTest:S3-ParrotLinux"),
    ("PenTest:S3/PentooLinux", "TTPs/PenTest:S3-PentooLinux"),
    ("Persistence:IAMUser/AnomalousBehavior", "TTPs/Persistence/IAMUser-AnomalousBehavior"),
    ("Policy:IAMUser/RootCredentialUsage", "TTPs/Policy:IAMUser-RootCredentialUsage"),
    ("Policy:IAMUser/ShortTermRootCredentialUsage", "TTPs/Policy:IAMUser-ShortTermRootCredentialUsage"),
    ("Policy:S3/AccountBlockPublicAccessDisabled", "TTPs/Policy:S3-AccountBlockPublicAccessDisabled"),
    ("Policy:S3/BucketAnonymousAccessGranted", "TTPs/Policy:S3-BucketAnonymousAccessGranted"),
    (
        "Policy:S3/BucketBlockPublicAccessDisabled",
        "Effects/Data Exposure/Policy:S3-BucketBlockPublicAccessDisabled",
    ),
    ("Policy:S3/BucketPublicAccessGranted", "TTPs/Policy:S3-BucketPublicAccessGranted"),
    ("PrivilegeEscalation:IAMUser/AnomalousBehavior", "TTPs/Privilege Escalation/IAMUser-AnomalousBehavior"),
    ("Recon:EC2/PortProbeEMRUnprotectedPort", "TTPs/Discovery/Recon:EC2-PortProbeEMRUnprotectedPort"),
    ("Recon:EC2/PortProbeUnprotectedPort", "TTPs/Discovery/Recon:EC2-PortProbeUnprotectedPort"),
    ("Recon:EC2/Portscan", "TTPs/Discovery/Recon:EC2-Portscan"),
    ("Recon:IAMUser/MaliciousIPCaller", "TTPs/Discovery/Recon:IAMUser-MaliciousIPCaller"),
    ("Recon:IAMUser/MaliciousIPCaller.Custom", "TTPs/Discovery/Recon:IAMUser-MaliciousIPCaller.Custom"),
    ("Recon:IAMUser/TorIPCaller", "TTPs/Discovery/Recon:IAMUser-TorIPCaller"),
    (
        "Stealth:IAMUser/CloudTrailLoggingDisabled",
        "TTPs/Defense Evasion/Stealth:IAMUser-CloudTrailLoggingDisabled",
    ),
    ("Stealth:IAMUser/PasswordPolicyChange", "TTPs/Defense Evasion/Stealth:IAMUser-PasswordPolicyChange"),
    ("Stealth:S3/ServerAccessLoggingDisabled", "TTPs/Defense Evasion/Stealth:S3-ServerAccessLoggingDisabled"),
    ("Trojan:EC2/BlackholeTraffic", "TTPs/Command and Control/Trojan:EC2-BlackholeTraffic"),
    ("Trojan:EC2/BlackholeTraffic!DNS", "TTPs/Command and Control/Trojan:EC2-BlackholeTraffic!DNS"),
    ("Trojan:EC2/DGADomainRequest.B", "TTPs/Command and Control/Trojan:EC2-DGADomainRequest.B"),
    ("Trojan:EC2/DGADomainRequest.C!DNS", "TTPs/Command and Control/Trojan:EC2-DGADomainRequest.C!DNS"),
    ("Trojan:EC2/DNSDataExfiltration", "TTPs/Command and Control/Trojan:EC2-DNSDataExfiltration"),
    ("Trojan:EC2/DriveBySourceTraffic!DNS", "TTPs/Initial Access/Trojan:EC2-DriveBySourceTraffic!DNS"),
    ("Trojan:EC2/DropPoint", "Effects/Data Exfiltration/Trojan:EC2-DropPoint"),
    ("Trojan:EC2/DropPoint!DNS", "Effects/Data Exfiltration/Trojan:EC2-DropPoint!DNS"),
    ("Trojan:EC2/PhishingDomainRequest!DNS", "TTPs/Command and Control/Trojan:EC2-PhishingDomainRequest!DNS"),
    (
        "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom",
        "TTPs/Command and Control/UnauthorizedAccess:EC2-MaliciousIPCaller.Custom",
    ),
    ("UnauthorizedAccess:EC2/MetadataDNSRebind", "TTPs/UnauthorizedAccess:EC2-MetadataDNSRebind"),
    ("UnauthorizedAccess:EC2/RDPBruteForce", "TTPs/Initial Access/UnauthorizedAccess:EC2-RDPBruteForce"),
    ("UnauthorizedAccess:EC2/SSHBruteForce", "TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce"),
    ("UnauthorizedAccess:EC2/TorClient", "Effects/Resource Consumption/UnauthorizedAccess:EC2-TorClient"),
    ("UnauthorizedAccess:EC2/TorRelay", "Effects/Resource Consumption/UnauthorizedAccess:EC2-TorRelay"),
    (
        "UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B",
        "TTPs/UnauthorizedAccess:IAMUser-ConsoleLoginSuccess.B",
    ),
    (
        "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS",
        "Effects/Data Exfiltration/UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration.InsideAWS",
    ),
    (
        "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        "Effects/Data Exfiltration/UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration.OutsideAWS",
    ),
    ("UnauthorizedAccess:IAMUser/MaliciousIPCaller", "TTPs/UnauthorizedAccess:IAMUser-MaliciousIPCaller"),
    (
        "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom",
        "TTPs/UnauthorizedAccess:IAMUser-MaliciousIPCaller.Custom",
    ),
    (
        "UnauthorizedAccess:IAMUser/TorIPCaller",
        "TTPs/Command and Control/UnauthorizedAccess:IAMUser-TorIPCaller",
    ),
    ("UnauthorizedAccess:S3/MaliciousIPCaller.Custom", "TTPs/UnauthorizedAccess:S3-MaliciousIPCaller.Custom"),
    ("UnauthorizedAccess:S3/TorIPCaller", "TTPs/UnauthorizedAccess:S3-TorIPCaller"),
];

/// ASFF `namespace/category` for a threat purpose GuardDuty's table does not cover (Custom
/// Detection Rules types, retired types): Security Hub's documented namespaces and categories
/// (<https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format-type-taxonomy.html>).
pub const ASFF_CATEGORIES: &[(&str, &str)] = &[
    ("Backdoor", "TTPs/Command and Control"),
    ("Behavior", "Unusual Behaviors/VM"),
    ("CredentialAccess", "TTPs/Credential Access"),
    ("CryptoCurrency", "Effects/Resource Consumption"),
    ("DefenseEvasion", "TTPs/Defense Evasion"),
    ("DefenseImpairment", "TTPs/Defense Evasion"),
    ("Discovery", "TTPs/Discovery"),
    ("Execution", "TTPs/Execution"),
    ("Exfiltration", "Effects/Data Exfiltration"),
    ("Impact", "Effects/Data Destruction"),
    ("InitialAccess", "TTPs/Initial Access"),
    ("LateralMovement", "TTPs/Lateral Movement"),
    ("PenTest", "TTPs/Discovery"),
    ("Persistence", "TTPs/Persistence"),
    ("Policy", "Software and Configuration Checks/AWS Security Best Practices"),
    ("PrivilegeEscalation", "TTPs/Privilege Escalation"),
    ("Recon", "TTPs/Discovery"),
    ("ResourceDevelopment", "TTPs/Initial Access"),
    ("Stealth", "TTPs/Defense Evasion"),
    ("Trojan", "TTPs/Command and Control"),
    ("UnauthorizedAccess", "TTPs/Initial Access"),
];

/// Security Hub's finding-type namespaces: every `Types` entry must start with one.
pub const ASFF_NAMESPACES: &[&str] = &[
    "Software and Configuration Checks",
    "TTPs",
    "Effects",
    "Unusual Behaviors",
    "Sensitive Data Identifications",
];

/// The ASFF `Types` entry for a GuardDuty finding type: GuardDuty's published value when it has
/// one, else `namespace/category/classifier` with the type (`/` replaced by `-`, as GuardDuty
/// does) as classifier, e.g. `TTPs/Persistence/Persistence:EC2-ExternalRemoteServices`.
pub fn asff_type(finding_type: &str) -> String {
    if let Some((_, t)) = GUARDDUTY_ASFF_TYPES.iter().find(|(g, _)| *g == finding_type) {
        return t.to_string();
    }
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
            "TTPs/Policy:S3-BucketAnonymousAccessGranted"
        );
        assert_eq!(
            asff_type("DefenseEvasion:EC2/UnusualDoTActivity"),
            "TTPs/DefenseEvasion/EC2:Unusual-DoT-Activity"
        );
        assert_eq!(
            asff_type("Persistence:EC2/ExternalRemoteServices"),
            "TTPs/Persistence/Persistence:EC2-ExternalRemoteServices"
        );
        assert_eq!(
            asff_type("LateralMovement:EC2/RemoteServices"),
            "TTPs/Lateral Movement/LateralMovement:EC2-RemoteServices"
        );
    }

    #[test]
    fn every_documented_type_has_an_asff_type_in_a_valid_namespace_and_an_attack_mapping() {
        use crate::findings::catalog::{Page, GUARDDUTY_TYPES};
        for d in GUARDDUTY_TYPES {
            let t = asff_type(d.finding_type);
            assert!(ASFF_NAMESPACES.iter().any(|n| t.starts_with(&format!("{n}/"))), "{t}");
            assert!(t.len() <= 256 && !t.ends_with('/'), "{t}");
            let published = GUARDDUTY_ASFF_TYPES.iter().any(|(g, _)| g == &d.finding_type);
            assert_eq!(
                published,
                !matches!(d.page, Page::CustomDetectionRules | Page::Retired),
                "{}: GuardDuty publishes an ASFF type for every non-custom active type",
                d.finding_type
            );
            assert!(attack_for(d.finding_type).is_some(), "{}", d.finding_type);
        }
        for (g, _) in GUARDDUTY_ASFF_TYPES {
            assert!(crate::findings::catalog::documented(g).is_some(), "{g}");
        }
    }
}
