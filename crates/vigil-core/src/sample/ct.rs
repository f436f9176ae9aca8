//! CloudTrail records as CloudTrail writes them: the field names, order and shapes of real
//! delivery files, built from typed structs so that every record serialises quickly.

use serde::Serialize;
use serde_json::{json, Value};

use super::rng::Rng;
use super::world::{Account, Role, User};
use crate::time::{format_iso8601, Millis};

#[derive(Serialize, Clone, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub struct UserIdentity {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_context: Option<SessionContext>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoked_by: Option<&'static str>,
}

#[derive(Serialize, Clone, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub struct SessionContext {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_issuer: Option<SessionIssuer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_id_federation_data: Option<Value>,
    pub attributes: Attributes,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ec2_role_delivery: Option<&'static str>,
}

#[derive(Serialize, Clone, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub struct SessionIssuer {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub principal_id: String,
    pub arn: String,
    pub account_id: String,
    pub user_name: String,
}

#[derive(Serialize, Clone, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub struct Attributes {
    pub creation_date: String,
    pub mfa_authenticated: &'static str,
}

/// CloudTrail's `creationDate` form: no fraction.
pub fn ct_time(t: Millis) -> String {
    let s = format_iso8601(t);
    format!("{}Z", &s[..19])
}

/// IAM's response date form: `Nov 13, 2026, 3:21:07 PM`.
pub fn iam_date(t: Millis) -> String {
    let s = format_iso8601(t);
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS[s[5..7].parse::<usize>().unwrap_or(1) - 1];
    let day: u32 = s[8..10].parse().unwrap_or(1);
    let hour: u32 = s[11..13].parse().unwrap_or(0);
    let (h12, ampm) = match hour {
        0 => (12, "AM"),
        1..=11 => (hour, "AM"),
        12 => (12, "PM"),
        _ => (hour - 12, "PM"),
    };
    format!("{month} {day}, {}, {h12}:{} {ampm}", &s[0..4], &s[14..19])
}

fn mfa(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// An IAM user calling with its long-term access key (or, for console sign-in, none).
pub fn iam_user(acct: &Account, u: &User, key: Option<&str>) -> UserIdentity {
    UserIdentity {
        kind: "IAMUser",
        principal_id: Some(u.principal_id.clone()),
        arn: Some(format!("arn:aws:iam::{}:user/{}", acct.id, u.name)),
        account_id: Some(acct.id.to_string()),
        access_key_id: key.map(str::to_string),
        user_name: Some(u.name.to_string()),
        ..UserIdentity::default()
    }
}

/// An IAM user's console session: temporary `ASIA` key, session attributes with MFA.
pub fn console_user(acct: &Account, u: &User, session_key: &str, created: Millis) -> UserIdentity {
    UserIdentity {
        session_context: Some(SessionContext {
            attributes: Attributes { creation_date: ct_time(created), mfa_authenticated: "true" },
            ..SessionContext::default()
        }),
        ..iam_user(acct, u, Some(session_key))
    }
}

/// A role session. `ec2` marks instance-profile credentials delivered through IMDS.
pub fn role_session(
    acct: &Account,
    role: &Role,
    session: &str,
    key: &str,
    created: Millis,
    ec2: bool,
) -> UserIdentity {
    UserIdentity {
        kind: "AssumedRole",
        principal_id: Some(format!("{}:{session}", role.role_id)),
        arn: Some(format!("arn:aws:sts::{}:assumed-role/{}/{session}", acct.id, role.name)),
        account_id: Some(acct.id.to_string()),
        access_key_id: Some(key.to_string()),
        session_context: Some(SessionContext {
            session_issuer: Some(SessionIssuer {
                kind: "Role",
                principal_id: role.role_id.clone(),
                arn: role.arn(acct.id),
                account_id: acct.id.to_string(),
                user_name: role.name.to_string(),
            }),
            web_id_federation_data: Some(json!({})),
            attributes: Attributes { creation_date: ct_time(created), mfa_authenticated: mfa(false) },
            ec2_role_delivery: ec2.then_some("2.0"),
        }),
        ..UserIdentity::default()
    }
}

/// A service-linked role's session used by the service itself (`invokedBy`).
pub fn service_role(
    acct: &Account,
    role: &Role,
    service: &'static str,
    key: &str,
    created: Millis,
) -> UserIdentity {
    let session = match service {
        "config.amazonaws.com" => "AWSConfig-Describe",
        _ => service.split('.').next().unwrap_or(service),
    };
    UserIdentity { invoked_by: Some(service), ..role_session(acct, role, session, key, created, false) }
}

/// An AWS service acting on its own (for instance EC2 fetching instance-profile credentials).
pub fn aws_service(service: &'static str) -> UserIdentity {
    UserIdentity { kind: "AWSService", invoked_by: Some(service), ..UserIdentity::default() }
}

/// The account's root user; console sessions carry a temporary key.
pub fn root(acct: &Account, key: Option<&str>, created: Option<Millis>) -> UserIdentity {
    UserIdentity {
        kind: "Root",
        principal_id: Some(acct.id.to_string()),
        arn: Some(format!("arn:aws:iam::{}:root", acct.id)),
        account_id: Some(acct.id.to_string()),
        access_key_id: key.map(str::to_string),
        session_context: created.map(|c| SessionContext {
            attributes: Attributes { creation_date: ct_time(c), mfa_authenticated: "false" },
            ..SessionContext::default()
        }),
        ..UserIdentity::default()
    }
}

#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct TlsDetails {
    pub tls_version: &'static str,
    pub cipher_suite: &'static str,
    pub client_provided_host_header: String,
}

#[derive(Serialize, Clone, Debug)]
pub struct CtResource {
    #[serde(rename = "accountId", skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(rename = "ARN")]
    pub arn: String,
}

/// One CloudTrail record, fields in CloudTrail's order.
#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub event_version: &'static str,
    pub user_identity: UserIdentity,
    pub event_time: String,
    pub event_source: String,
    pub event_name: String,
    pub aws_region: String,
    #[serde(rename = "sourceIPAddress")]
    pub source_ip_address: String,
    pub user_agent: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    pub request_parameters: Value,
    pub response_elements: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_event_data: Option<Value>,
    #[serde(rename = "requestID")]
    pub request_id: String,
    #[serde(rename = "eventID")]
    pub event_id: String,
    pub read_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Vec<CtResource>>,
    pub event_type: &'static str,
    pub management_event: bool,
    pub recipient_account_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_endpoint_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_endpoint_account_id: Option<String>,
    pub event_category: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_details: Option<TlsDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_credential_from_console: Option<&'static str>,
    /// Not serialised: when the record happened, for ordering within a delivery file.
    #[serde(skip)]
    pub time: Millis,
}

/// Read-only by API name, as CloudTrail marks it.
pub fn is_read_only(name: &str) -> bool {
    ["Get", "List", "Describe", "Head", "Lookup", "Search", "Select", "BatchGet", "BatchCheck"]
        .iter()
        .any(|p| name.starts_with(p))
}

/// The host name a caller's SDK sends for a service.
fn host_for(service: &str, region: &str) -> String {
    match service {
        "iam" | "organizations" | "ce" | "cloudfront" => format!("{service}.amazonaws.com"),
        "sts" => "sts.amazonaws.com".to_string(),
        "signin" => "signin.aws.amazon.com".to_string(),
        _ => format!("{service}.{region}.amazonaws.com"),
    }
}

/// A management API call from `ip` with `ua`. Request and response default to `null` (as
/// CloudTrail logs them for most reads); callers fill what the API logs.
pub fn api(
    rng: &mut Rng,
    t: Millis,
    who: UserIdentity,
    acct: &Account,
    region: &str,
    service: &str,
    name: &str,
    ip: &str,
    ua: &str,
) -> Record {
    let event_source = format!("{service}.amazonaws.com");
    let external = ip.parse::<std::net::IpAddr>().is_ok();
    let tls_details = external.then(|| TlsDetails {
        tls_version: "TLSv1.3",
        cipher_suite: "TLS_AES_128_GCM_SHA256",
        client_provided_host_header: host_for(service, region),
    });
    // IAM, STS (global endpoint) and sign-in events are logged in us-east-1.
    let aws_region = match service {
        "iam" | "signin" | "organizations" | "ce" => "us-east-1",
        _ => region,
    };
    Record {
        event_version: "1.09",
        user_identity: who,
        event_time: ct_time(t),
        event_source,
        event_name: name.to_string(),
        aws_region: aws_region.to_string(),
        source_ip_address: ip.to_string(),
        user_agent: ua.to_string(),
        error_code: None,
        error_message: None,
        request_parameters: Value::Null,
        response_elements: Value::Null,
        additional_event_data: None,
        request_id: rng.uuid(),
        event_id: rng.uuid(),
        read_only: is_read_only(name),
        resources: None,
        event_type: "AwsApiCall",
        management_event: true,
        recipient_account_id: acct.id.to_string(),
        vpc_endpoint_id: None,
        vpc_endpoint_account_id: None,
        event_category: "Management",
        tls_details,
        session_credential_from_console: None,
        time: t,
    }
}

/// An S3 object-level (data) event with the bytes it moved.
#[allow(clippy::too_many_arguments)]
pub fn s3_object(
    rng: &mut Rng,
    t: Millis,
    who: UserIdentity,
    acct: &Account,
    name: &str,
    bucket: &str,
    key: &str,
    ip: &str,
    ua: &str,
    bytes_in: u64,
    bytes_out: u64,
) -> Record {
    let mut r = api(rng, t, who, acct, acct.region, "s3", name, ip, ua);
    let host = format!("{bucket}.s3.{}.amazonaws.com", acct.region);
    r.request_parameters = if key.is_empty() {
        json!({ "bucketName": bucket, "Host": host, "list-type": "2", "prefix": "" })
    } else {
        json!({ "bucketName": bucket, "Host": host, "key": key })
    };
    r.additional_event_data = Some(json!({
        "SignatureVersion": "SigV4",
        "CipherSuite": "TLS_AES_128_GCM_SHA256",
        "bytesTransferredIn": bytes_in,
        "AuthenticationMethod": "AuthHeader",
        "x-amz-id-2": format!("{}=", rng.alnum(55)),
        "bytesTransferredOut": bytes_out,
    }));
    r.request_id = rng.hex(16).to_uppercase();
    r.management_event = false;
    r.event_category = "Data";
    if let Some(tls) = &mut r.tls_details {
        tls.client_provided_host_header = host;
    }
    let mut resources = Vec::new();
    if !key.is_empty() {
        resources.push(CtResource {
            account_id: None,
            kind: "AWS::S3::Object",
            arn: format!("arn:aws:s3:::{bucket}/{key}"),
        });
    }
    resources.push(CtResource {
        account_id: Some(acct.id.to_string()),
        kind: "AWS::S3::Bucket",
        arn: format!("arn:aws:s3:::{bucket}"),
    });
    r.resources = Some(resources);
    r
}

/// A bucket-level S3 management call (`PutBucketPolicy`, `GetBucketAcl`…).
#[allow(clippy::too_many_arguments)]
pub fn s3_bucket(
    rng: &mut Rng,
    t: Millis,
    who: UserIdentity,
    acct: &Account,
    name: &str,
    bucket: &str,
    ip: &str,
    ua: &str,
    extra: Value,
) -> Record {
    let mut r = api(rng, t, who, acct, acct.region, "s3", name, ip, ua);
    let mut params =
        json!({ "bucketName": bucket, "Host": format!("{bucket}.s3.{}.amazonaws.com", acct.region) });
    if let (Some(p), Value::Object(e)) = (params.as_object_mut(), extra) {
        p.extend(e);
    }
    r.request_parameters = params;
    r.request_id = rng.hex(16).to_uppercase();
    r.resources = Some(vec![CtResource {
        account_id: Some(acct.id.to_string()),
        kind: "AWS::S3::Bucket",
        arn: format!("arn:aws:s3:::{bucket}"),
    }]);
    r
}

/// `ConsoleLogin` as CloudTrail logs a successful IAM user or root sign-in.
pub fn console_login(
    rng: &mut Rng,
    t: Millis,
    who: UserIdentity,
    acct: &Account,
    ip: &str,
    ua: &str,
    mfa_used: bool,
) -> Record {
    let mut r = api(rng, t, who, acct, "us-east-1", "signin", "ConsoleLogin", ip, ua);
    r.event_type = "AwsConsoleSignIn";
    r.read_only = false;
    r.response_elements = json!({ "ConsoleLogin": "Success" });
    r.additional_event_data = Some(json!({
        "LoginTo": "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_3f2a9c7d1e0b4a55",
        "MobileVersion": "No",
        "MFAUsed": if mfa_used { "Yes" } else { "No" },
    }));
    r.tls_details = None;
    r
}
