//! GuardDuty's finding JSON, field for field (camelCase as in GuardDuty's API, EventBridge events
//! and S3 exports), plus one extra top-level object, `vigil`, for what GuardDuty does not give:
//! the evidence events, why the finding fired and how to contain it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const SCHEMA_VERSION: &str = "2.0";

/// GuardDuty's severity bands: Low < 4.0 ≤ Medium < 7.0 ≤ High < 9.0 ≤ Critical.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SeverityLabel {
    Low,
    Medium,
    High,
    Critical,
}

impl SeverityLabel {
    pub fn of(severity: f64) -> Self {
        if severity >= 9.0 {
            Self::Critical
        } else if severity >= 7.0 {
            Self::High
        } else if severity >= 4.0 {
            Self::Medium
        } else {
            Self::Low
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "Low",
            Self::Medium => "Medium",
            Self::High => "High",
            Self::Critical => "Critical",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub schema_version: String,
    pub account_id: String,
    pub region: String,
    pub partition: String,
    pub id: String,
    pub arn: String,
    #[serde(rename = "type")]
    pub finding_type: String,
    pub title: String,
    pub description: String,
    pub severity: f64,
    pub created_at: String,
    pub updated_at: String,
    pub resource: Resource,
    pub service: Service,
    /// Vigil's additions; absent from GuardDuty's own findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vigil: Option<VigilDetails>,
}

impl Finding {
    pub fn severity_label(&self) -> SeverityLabel {
        SeverityLabel::of(self.severity)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    /// `AccessKey`, `Instance`, `S3Bucket`.
    pub resource_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_details: Option<AccessKeyDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_details: Option<InstanceDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_bucket_details: Option<Vec<S3BucketDetail>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessKeyDetails {
    pub access_key_id: String,
    pub principal_id: String,
    pub user_name: String,
    pub user_type: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceDetails {
    pub instance_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iam_instance_profile: Option<IamInstanceProfile>,
    #[serde(default)]
    pub network_interfaces: Vec<NetworkInterface>,
    #[serde(default)]
    pub product_codes: Vec<Value>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IamInstanceProfile {
    pub arn: String,
    pub id: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkInterface {
    pub network_interface_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_dns_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_dns_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub security_groups: Vec<SecurityGroup>,
    #[serde(default)]
    pub ipv6_addresses: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityGroup {
    pub group_id: String,
    pub group_name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S3BucketDetail {
    pub arn: String,
    pub name: String,
    /// `Destination` when the bucket is the target of the activity.
    #[serde(rename = "type")]
    pub bucket_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Owner>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_access: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Owner {
    pub id: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    pub service_name: String,
    pub detector_id: String,
    pub action: Action,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    pub archived: bool,
    pub count: u64,
    pub event_first_seen: String,
    pub event_last_seen: String,
    /// `ACTOR` or `TARGET`.
    pub resource_role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_info: Option<AdditionalInfo>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdditionalInfo {
    pub value: String,
    #[serde(rename = "type")]
    pub info_type: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    /// `AWS_API_CALL`, `NETWORK_CONNECTION`, `PORT_PROBE`, `DNS_REQUEST`.
    pub action_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws_api_call_action: Option<AwsApiCallAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_connection_action: Option<NetworkConnectionAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_probe_action: Option<PortProbeAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_request_action: Option<DnsRequestAction>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AwsApiCallAction {
    pub api: String,
    /// `Remote IP`, `Domain`, `AWS Service`.
    pub caller_type: String,
    pub service_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_ip_details: Option<RemoteIpDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_details: Option<DomainDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_account_details: Option<RemoteAccountDetails>,
    #[serde(default)]
    pub affected_resources: Map<String, Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainDetails {
    pub domain: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteAccountDetails {
    pub account_id: String,
    pub affiliated: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteIpDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address_v4: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address_v6: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Country>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<City>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo_location: Option<GeoLocation>,
}

impl RemoteIpDetails {
    /// Details for an address, in the v4 or v6 field as GuardDuty puts it.
    pub fn for_ip(ip: std::net::IpAddr) -> Self {
        match ip {
            std::net::IpAddr::V4(v4) => Self { ip_address_v4: Some(v4.to_string()), ..Self::default() },
            std::net::IpAddr::V6(v6) => Self { ip_address_v6: Some(v6.to_string()), ..Self::default() },
        }
    }

    pub fn ip(&self) -> Option<&str> {
        self.ip_address_v4.as_deref().or(self.ip_address_v6.as_deref())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub asn: String,
    pub asn_org: String,
    pub isp: String,
    pub org: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Country {
    pub country_code: String,
    pub country_name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct City {
    pub city_name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GeoLocation {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortDetails {
    pub port: u16,
    pub port_name: String,
}

impl PortDetails {
    pub fn new(port: u16) -> Self {
        Self { port, port_name: crate::findings::model::port_name(port).to_string() }
    }
}

/// GuardDuty's `portName` for the well-known ports it names, else `Unknown`.
pub fn port_name(port: u16) -> &'static str {
    match port {
        20 | 21 => "FTP",
        22 => "SSH",
        23 => "Telnet",
        25 | 587 | 465 => "SMTP",
        53 => "DNS",
        80 => "HTTP",
        110 => "POP3",
        123 => "NTP",
        143 => "IMAP",
        389 => "LDAP",
        443 => "HTTPS",
        445 => "SMB",
        1433 => "MSSQL",
        3306 => "MYSQL",
        3389 => "RDP",
        5432 => "POSTGRESQL",
        5985 | 5986 => "WinRM",
        6379 => "REDIS",
        8080 => "HTTP",
        27017 => "MONGODB",
        _ => "Unknown",
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalIpDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address_v4: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address_v6: Option<String>,
}

impl LocalIpDetails {
    pub fn for_ip(ip: std::net::IpAddr) -> Self {
        match ip {
            std::net::IpAddr::V4(v4) => Self { ip_address_v4: Some(v4.to_string()), ip_address_v6: None },
            std::net::IpAddr::V6(v6) => Self { ip_address_v4: None, ip_address_v6: Some(v6.to_string()) },
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkConnectionAction {
    /// `INBOUND`, `OUTBOUND`, `UNKNOWN`.
    pub connection_direction: String,
    pub blocked: bool,
    /// `TCP`, `UDP`, `ICMP`, …
    pub protocol: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_port_details: Option<PortDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_port_details: Option<PortDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_ip_details: Option<LocalIpDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_ip_details: Option<RemoteIpDetails>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortProbeAction {
    pub blocked: bool,
    pub port_probe_details: Vec<PortProbeDetail>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortProbeDetail {
    pub local_port_details: PortDetails,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_ip_details: Option<LocalIpDetails>,
    pub remote_ip_details: RemoteIpDetails,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsRequestAction {
    pub domain: String,
    pub protocol: String,
    pub blocked: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_with_suffix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_owner_account_id: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    pub threat_intelligence_details: Vec<ThreatIntelligenceDetail>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreatIntelligenceDetail {
    pub threat_list_name: String,
    pub threat_names: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat_file_sha256: Option<String>,
}

/// What Vigil adds to each finding.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VigilDetails {
    /// The detector module that produced the finding.
    pub detector: String,
    /// Why it fired, in plain words, with the figures that crossed a threshold.
    pub why: Vec<String>,
    /// A bounded, order-independent sample of the events behind the finding.
    pub evidence: Vec<EvidenceRef>,
    /// How many events stand behind the finding in all (the sample may hold fewer).
    pub evidence_total: u64,
    /// What the actor was: user/role name, remote address or instance, for display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// What to check first and how to contain it, with commands filled with this finding's ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<Remediation>,
}

/// Remediation guidance for one finding (see [`crate::findings::remediation`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Remediation {
    /// One sentence: what the finding means for the responder.
    pub summary: String,
    /// What to verify before acting, most telling first.
    pub check_first: Vec<String>,
    /// AWS CLI commands that contain or revert it, templated with the finding's resource ids.
    /// `<…>` marks a value the finding does not know.
    pub commands: Vec<String>,
    /// Where AWS documents the response.
    pub reference: String,
}

/// One event behind a finding: the file it came from and its record number there.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceRef {
    pub time: String,
    pub file: String,
    pub record: u64,
    /// A one-line summary of the event: `iam:CreateAccessKey by alice from 203.0.113.9`.
    pub summary: String,
}
