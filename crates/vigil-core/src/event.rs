//! The normalised event model: what every source (CloudTrail, VPC Flow Logs, Route 53 Resolver
//! query logs) is turned into before detection.
//!
//! An event keeps what detectors, evidence and baselines need and a [`SourceRef`] back to the file
//! and record it came from; the raw file is never kept. CloudTrail's free-form parts
//! (`requestParameters`, `responseElements`, `additionalEventData`) are kept as raw JSON text so
//! that parsing them is paid only by the few detectors that read them, for the few event names
//! they care about.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
pub use smol_str::SmolStr;

use crate::time::Millis;

/// Where an event came from: the index of its file in the run's file table and the 0-based
/// record (CloudTrail record, flow-log line, DNS log line) within that file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceRef {
    pub file: u32,
    pub record: u64,
}

/// One normalised log event.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Event {
    /// A CloudTrail record: management event, S3 data event, console sign-in or service event.
    Api(Box<ApiCall>),
    /// One VPC Flow Log record with `log-status` OK.
    Flow(FlowRecord),
    /// One Route 53 Resolver query log record.
    Dns(DnsQuery),
}

impl Event {
    pub fn time(&self) -> Millis {
        match self {
            Event::Api(a) => a.time,
            Event::Flow(f) => f.start,
            Event::Dns(d) => d.time,
        }
    }

    pub fn source(&self) -> SourceRef {
        match self {
            Event::Api(a) => a.src,
            Event::Flow(f) => f.src,
            Event::Dns(d) => d.src,
        }
    }
}

/// CloudTrail's `eventCategory`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventCategory {
    #[default]
    Management,
    Data,
    Insight,
    NetworkActivity,
}

/// A CloudTrail record, normalised.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiCall {
    pub src: SourceRef,
    pub time: Millis,
    pub event_id: SmolStr,
    /// e.g. `iam.amazonaws.com`
    pub event_source: SmolStr,
    /// e.g. `CreateAccessKey`
    pub event_name: SmolStr,
    /// `AwsApiCall`, `AwsConsoleSignIn`, `AwsServiceEvent`, …
    pub event_type: SmolStr,
    pub category: EventCategory,
    pub region: SmolStr,
    /// `sourceIPAddress` as logged: an address, or a service name such as `ec2.amazonaws.com`,
    /// or `AWS Internal`.
    pub source_ip: SmolStr,
    /// `source_ip` when it is a valid address.
    pub source_addr: Option<IpAddr>,
    pub user_agent: SmolStr,
    pub error_code: Option<SmolStr>,
    pub error_message: Option<SmolStr>,
    pub read_only: Option<bool>,
    /// The account the event was delivered to (`recipientAccountId`), falling back to the
    /// identity's account.
    pub account_id: SmolStr,
    pub vpc_endpoint_id: Option<SmolStr>,
    pub vpc_endpoint_account_id: Option<SmolStr>,
    pub identity: Identity,
    pub request_parameters: Option<RawJson>,
    pub response_elements: Option<RawJson>,
    pub additional_event_data: Option<RawJson>,
    /// CloudTrail's `resources` array (mostly on data events).
    pub resources: Vec<ResourceRef>,
    /// Filled for S3 calls (data and management) that name a bucket.
    pub s3: Option<S3Access>,
}

impl ApiCall {
    /// `true` when the call failed (it has an `errorCode`).
    pub fn failed(&self) -> bool {
        self.error_code.is_some()
    }

    /// The service part of `eventSource`: `iam` for `iam.amazonaws.com`.
    pub fn service(&self) -> &str {
        self.event_source.split('.').next().unwrap_or(&self.event_source)
    }

    /// Parses `requestParameters` into `T`; `None` when absent or of another shape.
    pub fn request<T: for<'de> Deserialize<'de>>(&self) -> Option<T> {
        serde_json::from_str(self.request_parameters.as_ref()?.get()).ok()
    }

    /// Parses `responseElements` into `T`; `None` when absent or of another shape.
    pub fn response<T: for<'de> Deserialize<'de>>(&self) -> Option<T> {
        serde_json::from_str(self.response_elements.as_ref()?.get()).ok()
    }

    /// Parses `additionalEventData` into `T`; `None` when absent or of another shape.
    pub fn additional<T: for<'de> Deserialize<'de>>(&self) -> Option<T> {
        serde_json::from_str(self.additional_event_data.as_ref()?.get()).ok()
    }
}

/// A JSON value kept as its text (well-formed: checked when the record was parsed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawJson(Box<str>);

impl RawJson {
    /// Takes `json` as is; it must be one well-formed JSON value (as the record parsers
    /// guarantee). [`RawJson::parse`] checks.
    pub(crate) fn new_unchecked(json: &str) -> Self {
        Self(json.into())
    }

    /// Checks that `json` is one JSON value.
    pub fn parse(json: &str) -> Option<Self> {
        let value: &RawValue = serde_json::from_str(json).ok()?;
        Some(Self(value.get().into()))
    }

    /// The JSON text.
    pub fn get(&self) -> &str {
        &self.0
    }
}

/// Serialised as the JSON value itself, not as a string holding it.
impl Serialize for RawJson {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match RawValue::from_string(self.0.to_string()) {
            Ok(raw) => raw.serialize(s),
            Err(_) => s.serialize_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        Ok(Self(raw.get().into()))
    }
}

/// `userIdentity.type`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IdentityType {
    Root,
    IAMUser,
    AssumedRole,
    Role,
    FederatedUser,
    AWSService,
    AWSAccount,
    IdentityCenterUser,
    SAMLUser,
    WebIdentityUser,
    #[default]
    Unknown,
    /// Any other value CloudTrail may add later, kept verbatim.
    Other(String),
}

impl IdentityType {
    pub fn parse(s: &str) -> Self {
        match s {
            "Root" => Self::Root,
            "IAMUser" => Self::IAMUser,
            "AssumedRole" => Self::AssumedRole,
            "Role" => Self::Role,
            "FederatedUser" => Self::FederatedUser,
            "AWSService" => Self::AWSService,
            "AWSAccount" => Self::AWSAccount,
            "IdentityCenterUser" => Self::IdentityCenterUser,
            "SAMLUser" => Self::SAMLUser,
            "WebIdentityUser" => Self::WebIdentityUser,
            "" | "Unknown" => Self::Unknown,
            other => Self::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Root => "Root",
            Self::IAMUser => "IAMUser",
            Self::AssumedRole => "AssumedRole",
            Self::Role => "Role",
            Self::FederatedUser => "FederatedUser",
            Self::AWSService => "AWSService",
            Self::AWSAccount => "AWSAccount",
            Self::IdentityCenterUser => "IdentityCenterUser",
            Self::SAMLUser => "SAMLUser",
            Self::WebIdentityUser => "WebIdentityUser",
            Self::Unknown => "Unknown",
            Self::Other(s) => s,
        }
    }
}

/// `userIdentity`, flattened.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    pub kind: IdentityType,
    pub principal_id: Option<SmolStr>,
    pub arn: Option<SmolStr>,
    pub account_id: Option<SmolStr>,
    pub access_key_id: Option<SmolStr>,
    pub user_name: Option<SmolStr>,
    /// `invokedBy`: the service that made the call on the principal's behalf.
    pub invoked_by: Option<SmolStr>,
    /// `sessionContext.sessionIssuer` for AssumedRole and FederatedUser sessions.
    pub session_issuer: Option<SessionIssuer>,
    /// `sessionContext.attributes.mfaAuthenticated`.
    pub mfa_authenticated: Option<bool>,
    /// `sessionContext.attributes.creationDate`.
    pub session_created: Option<Millis>,
    /// `sessionContext.ec2RoleDelivery` (`1.0` or `2.0`): present when the session's credentials
    /// were delivered to an EC2 instance through its metadata service.
    pub ec2_role_delivery: Option<SmolStr>,
    pub source_identity: Option<SmolStr>,
    /// `onBehalfOf.userId` for IAM Identity Center users.
    pub on_behalf_of_user_id: Option<SmolStr>,
    /// `sessionContext.assumedRoot`: the session holds short-term root credentials obtained with
    /// `sts:AssumeRoot` (centralised root access), not the root user's own credentials.
    #[serde(default)]
    pub assumed_root: bool,
}

impl Identity {
    /// The name of the user or role behind the call: the user name, else the session issuer's
    /// name (a role), else the principal id.
    pub fn name(&self) -> &str {
        if let Some(u) = &self.user_name {
            return u;
        }
        if let Some(si) = &self.session_issuer {
            if let Some(n) = &si.user_name {
                return n;
            }
        }
        if self.kind == IdentityType::Root {
            return "Root";
        }
        self.principal_id.as_deref().unwrap_or("unknown")
    }

    /// A stable key for the principal that baselines and aggregation group by: the IAM user or
    /// the role (via its session issuer), never one short-lived session.
    pub fn principal_key(&self) -> String {
        self.principal_key_str().to_string()
    }

    /// [`Identity::principal_key`], borrowed (for per-event lookups that need no copy).
    pub fn principal_key_str(&self) -> &str {
        if let Some(arn) = self.session_issuer.as_ref().and_then(|s| s.arn.as_deref()) {
            return arn;
        }
        if let Some(arn) = &self.arn {
            return arn;
        }
        self.principal_id.as_deref().unwrap_or_else(|| self.kind.as_str())
    }

    /// The session's role name when the caller is an assumed role.
    pub fn role_name(&self) -> Option<&str> {
        self.session_issuer.as_ref()?.user_name.as_deref()
    }
}

/// `userIdentity.sessionContext.sessionIssuer`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionIssuer {
    pub kind: Option<SmolStr>,
    pub principal_id: Option<SmolStr>,
    pub arn: Option<SmolStr>,
    pub account_id: Option<SmolStr>,
    pub user_name: Option<SmolStr>,
}

/// One entry of CloudTrail's `resources` array.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRef {
    pub arn: Option<SmolStr>,
    pub kind: Option<SmolStr>,
    pub account_id: Option<SmolStr>,
}

/// What an S3 call touched.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S3Access {
    pub bucket: SmolStr,
    pub key: Option<SmolStr>,
    /// `additionalEventData.bytesTransferredIn`
    pub bytes_in: u64,
    /// `additionalEventData.bytesTransferredOut`
    pub bytes_out: u64,
}

/// `action` of a flow record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FlowAction {
    Accept,
    Reject,
    #[default]
    Unknown,
}

/// `flow-direction` (v5+).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FlowDirection {
    Ingress,
    Egress,
}

/// One VPC Flow Log (or Transit Gateway flow log) record whose `log-status` is OK.
/// Fields absent from the log's format, or logged as `-`, are `None`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowRecord {
    pub src: SourceRef,
    pub version: u8,
    pub account_id: Option<String>,
    pub interface_id: Option<String>,
    pub srcaddr: Option<IpAddr>,
    pub dstaddr: Option<IpAddr>,
    pub srcport: Option<u16>,
    pub dstport: Option<u16>,
    /// IANA protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6).
    pub protocol: Option<u8>,
    pub packets: u64,
    pub bytes: u64,
    /// Start of the capture window (`start`, epoch seconds → ms).
    pub start: Millis,
    /// End of the capture window.
    pub end: Millis,
    pub action: FlowAction,
    pub vpc_id: Option<String>,
    pub subnet_id: Option<String>,
    pub instance_id: Option<String>,
    pub tcp_flags: Option<u16>,
    /// `type`: IPv4, IPv6 or EFA.
    pub flow_type: Option<String>,
    pub pkt_srcaddr: Option<IpAddr>,
    pub pkt_dstaddr: Option<IpAddr>,
    pub region: Option<String>,
    pub az_id: Option<String>,
    pub pkt_src_aws_service: Option<String>,
    pub pkt_dst_aws_service: Option<String>,
    pub flow_direction: Option<FlowDirection>,
    pub traffic_path: Option<u8>,
    pub reject_reason: Option<String>,
    /// Transit Gateway flow logs: `tgw-id`.
    pub tgw_id: Option<String>,
    /// `resource-type` of Transit Gateway flow logs (`TransitGatewayAttachment`, …).
    pub resource_type: Option<String>,
    pub ecs_cluster_name: Option<String>,
    pub ecs_task_id: Option<String>,
}

/// One answer of a Route 53 Resolver query log record.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsAnswer {
    pub rdata: String,
    pub rtype: String,
    pub class: String,
}

/// One Route 53 Resolver query log record.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsQuery {
    pub src: SourceRef,
    pub time: Millis,
    pub account_id: Option<String>,
    pub region: Option<String>,
    pub vpc_id: Option<String>,
    /// Lower-cased, without the trailing dot.
    pub query_name: String,
    pub query_type: String,
    pub query_class: String,
    /// `NOERROR`, `NXDOMAIN`, `SERVFAIL`, …
    pub rcode: String,
    pub answers: Vec<DnsAnswer>,
    pub srcaddr: Option<IpAddr>,
    pub srcport: Option<u16>,
    /// `UDP` or `TCP`.
    pub transport: Option<String>,
    /// `srcids.instance`
    pub src_instance: Option<String>,
    /// `srcids.resolver_endpoint`
    pub src_resolver_endpoint: Option<String>,
    /// DNS Firewall: `firewall_rule_action` (`BLOCK`, `ALERT`, `ALLOW`).
    pub firewall_rule_action: Option<String>,
    pub firewall_rule_group_id: Option<String>,
    pub firewall_domain_list_id: Option<String>,
}
