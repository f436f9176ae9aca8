//! One CloudTrail record (the JSON object inside `Records`) → [`ApiCall`].
//!
//! Deserialises straight into borrowed views of the record text (no `serde_json::Value` tree);
//! unknown fields are ignored, missing ones stay empty. The free-form parts are kept as raw JSON.

use serde::Deserialize;

use crate::event::{
    ApiCall, EventCategory, Identity, IdentityType, RawJson, ResourceRef, S3Access, SessionIssuer, SmolStr,
    SourceRef,
};
use crate::time::parse_iso8601;

use super::json::{flag_field, list_field, nullable, raw_field, read_object, text_field, Cursor, Step};
use super::text::{Flag, RawText, Text};

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawRecord<'a> {
    #[serde(borrow)]
    event_time: Text<'a>,
    #[serde(borrow)]
    event_source: Text<'a>,
    #[serde(borrow)]
    event_name: Text<'a>,
    #[serde(borrow)]
    event_type: Text<'a>,
    #[serde(borrow)]
    event_category: Text<'a>,
    // CloudTrail spells it `eventID`, not camelCase `eventId`.
    #[serde(borrow, rename = "eventID")]
    event_id: Text<'a>,
    #[serde(borrow)]
    aws_region: Text<'a>,
    #[serde(borrow, rename = "sourceIPAddress")]
    source_ip_address: Text<'a>,
    #[serde(borrow)]
    user_agent: Text<'a>,
    #[serde(borrow)]
    error_code: Text<'a>,
    #[serde(borrow)]
    error_message: Text<'a>,
    read_only: Option<Flag>,
    #[serde(borrow)]
    recipient_account_id: Text<'a>,
    #[serde(borrow)]
    vpc_endpoint_id: Text<'a>,
    #[serde(borrow)]
    vpc_endpoint_account_id: Text<'a>,
    #[serde(borrow)]
    user_identity: Option<RawIdentity<'a>>,
    #[serde(borrow)]
    request_parameters: Option<RawText<'a>>,
    #[serde(borrow)]
    response_elements: Option<RawText<'a>>,
    #[serde(borrow)]
    additional_event_data: Option<RawText<'a>>,
    #[serde(borrow)]
    resources: Option<Vec<RawResource<'a>>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawIdentity<'a> {
    #[serde(borrow, rename = "type")]
    kind: Text<'a>,
    #[serde(borrow)]
    principal_id: Text<'a>,
    #[serde(borrow)]
    arn: Text<'a>,
    #[serde(borrow)]
    account_id: Text<'a>,
    #[serde(borrow)]
    access_key_id: Text<'a>,
    #[serde(borrow)]
    user_name: Text<'a>,
    #[serde(borrow)]
    invoked_by: Text<'a>,
    #[serde(borrow)]
    source_identity: Text<'a>,
    #[serde(borrow)]
    session_context: Option<RawSessionContext<'a>>,
    #[serde(borrow)]
    on_behalf_of: Option<RawOnBehalfOf<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawSessionContext<'a> {
    #[serde(borrow)]
    session_issuer: Option<RawIssuer<'a>>,
    #[serde(borrow)]
    attributes: Option<RawAttributes<'a>>,
    #[serde(borrow)]
    ec2_role_delivery: Text<'a>,
    #[serde(borrow)]
    source_identity: Text<'a>,
    assumed_root: Option<Flag>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawIssuer<'a> {
    #[serde(borrow, rename = "type")]
    kind: Text<'a>,
    #[serde(borrow)]
    principal_id: Text<'a>,
    #[serde(borrow)]
    arn: Text<'a>,
    #[serde(borrow)]
    account_id: Text<'a>,
    #[serde(borrow)]
    user_name: Text<'a>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawAttributes<'a> {
    #[serde(borrow)]
    creation_date: Text<'a>,
    mfa_authenticated: Option<Flag>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawOnBehalfOf<'a> {
    #[serde(borrow)]
    user_id: Text<'a>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawResource<'a> {
    #[serde(borrow, rename = "ARN")]
    arn: Text<'a>,
    #[serde(borrow, rename = "type")]
    kind: Text<'a>,
    #[serde(borrow, rename = "accountId")]
    account_id: Text<'a>,
}

#[derive(Deserialize)]
struct S3Params<'a> {
    #[serde(borrow, rename = "bucketName")]
    bucket_name: Text<'a>,
    #[serde(borrow)]
    key: Text<'a>,
}

#[derive(Deserialize)]
struct S3Transfer {
    #[serde(rename = "bytesTransferredIn", default)]
    bytes_in: Option<f64>,
    #[serde(rename = "bytesTransferredOut", default)]
    bytes_out: Option<f64>,
}

fn own(t: Text<'_>) -> Option<SmolStr> {
    t.filter(|s| !s.is_empty()).map(|s| SmolStr::new(&*s))
}

fn own_or_empty(t: Text<'_>) -> SmolStr {
    t.map(|s| SmolStr::new(&*s)).unwrap_or_default()
}

/// Both record readers check the value is well-formed JSON.
fn raw_json(r: Option<RawText<'_>>) -> Option<RawJson> {
    r.filter(|r| r.0 != "null").map(|r| RawJson::new_unchecked(r.0))
}

fn flag(v: Option<Flag>) -> Option<bool> {
    v?.0
}

/// Reads the record at the start of `text` without serde, for the hot path: the same
/// [`RawRecord`] as serde_json would give, and the offset just past the record. `None` when the
/// record is anything but plain (an escape in a string field, a value of an unexpected type, a
/// repeated field, malformed or cut-short JSON): the caller then lets serde_json parse it and
/// report what is wrong.
pub(crate) fn read_record(text: &str) -> Option<(RawRecord<'_>, usize)> {
    let mut c = Cursor::new(text);
    let record = read_object!(c, RawRecord {
        "eventTime" => event_time: text_field,
        "eventSource" => event_source: text_field,
        "eventName" => event_name: text_field,
        "eventType" => event_type: text_field,
        "eventCategory" => event_category: text_field,
        "eventID" => event_id: text_field,
        "awsRegion" => aws_region: text_field,
        "sourceIPAddress" => source_ip_address: text_field,
        "userAgent" => user_agent: text_field,
        "errorCode" => error_code: text_field,
        "errorMessage" => error_message: text_field,
        "readOnly" => read_only: flag_field,
        "recipientAccountId" => recipient_account_id: text_field,
        "vpcEndpointId" => vpc_endpoint_id: text_field,
        "vpcEndpointAccountId" => vpc_endpoint_account_id: text_field,
        "userIdentity" => user_identity: identity_field,
        "requestParameters" => request_parameters: raw_field,
        "responseElements" => response_elements: raw_field,
        "additionalEventData" => additional_event_data: raw_field,
        "resources" => resources: |c| list_field(c, resource),
    })
    .ok()?;
    c.at_value_end().then_some((record, c.pos()))
}

fn identity_field<'a>(c: &mut Cursor<'a>) -> Step<Option<RawIdentity<'a>>> {
    nullable(c, |c| {
        read_object!(c, RawIdentity {
            "type" => kind: text_field,
            "principalId" => principal_id: text_field,
            "arn" => arn: text_field,
            "accountId" => account_id: text_field,
            "accessKeyId" => access_key_id: text_field,
            "userName" => user_name: text_field,
            "invokedBy" => invoked_by: text_field,
            "sourceIdentity" => source_identity: text_field,
            "sessionContext" => session_context: session_context_field,
            "onBehalfOf" => on_behalf_of: |c| nullable(c, |c| read_object!(c, RawOnBehalfOf {
                "userId" => user_id: text_field,
            })),
        })
    })
}

fn session_context_field<'a>(c: &mut Cursor<'a>) -> Step<Option<RawSessionContext<'a>>> {
    nullable(c, |c| {
        read_object!(c, RawSessionContext {
            "sessionIssuer" => session_issuer: |c| nullable(c, |c| read_object!(c, RawIssuer {
                "type" => kind: text_field,
                "principalId" => principal_id: text_field,
                "arn" => arn: text_field,
                "accountId" => account_id: text_field,
                "userName" => user_name: text_field,
            })),
            "attributes" => attributes: |c| nullable(c, |c| read_object!(c, RawAttributes {
                "creationDate" => creation_date: text_field,
                "mfaAuthenticated" => mfa_authenticated: flag_field,
            })),
            "ec2RoleDelivery" => ec2_role_delivery: text_field,
            "sourceIdentity" => source_identity: text_field,
            "assumedRoot" => assumed_root: flag_field,
        })
    })
}

fn resource<'a>(c: &mut Cursor<'a>) -> Step<RawResource<'a>> {
    read_object!(c, RawResource {
        "ARN" => arn: text_field,
        "type" => kind: text_field,
        "accountId" => account_id: text_field,
    })
}

/// Why a JSON object is not a CloudTrail record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    /// Not valid JSON, or a field of the wrong type; the text says where.
    Malformed(String),
    /// Valid JSON but lacking `eventTime`, `eventName` or `eventSource`.
    NotARecord(&'static str),
    /// `eventTime` present but not an ISO 8601 time.
    BadTime(String),
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordError::Malformed(m) => write!(f, "malformed CloudTrail record: {m}"),
            RecordError::NotARecord(what) => write!(f, "not a CloudTrail record: missing {what}"),
            RecordError::BadTime(t) => write!(f, "unreadable eventTime {t:?}"),
        }
    }
}

/// Parses one CloudTrail record's JSON text.
pub fn parse_record(json: &str, src: SourceRef) -> Result<ApiCall, RecordError> {
    let raw: RawRecord<'_> = serde_json::from_str(json).map_err(|e| RecordError::Malformed(e.to_string()))?;
    from_raw(raw, src).map(|a| *a)
}

/// [`parse_record`] over bytes (UTF-8 is checked string by string while parsing).
pub(crate) fn parse_record_bytes(json: &[u8], src: SourceRef) -> Result<Box<ApiCall>, RecordError> {
    let raw: RawRecord<'_> =
        serde_json::from_slice(json).map_err(|e| RecordError::Malformed(e.to_string()))?;
    from_raw(raw, src)
}

/// Normalises a deserialised record.
///
/// The call is filled in place on the heap: an `ApiCall` is most of a kilobyte, and building it
/// on the stack and then boxing it costs more copying than the record's own text.
pub(crate) fn from_raw(raw: RawRecord<'_>, src: SourceRef) -> Result<Box<ApiCall>, RecordError> {
    let time_text = raw.event_time.ok_or(RecordError::NotARecord("eventTime"))?;
    let time = parse_iso8601(&time_text).ok_or_else(|| RecordError::BadTime(time_text.to_string()))?;
    let event_name = own(raw.event_name).ok_or(RecordError::NotARecord("eventName"))?;
    let event_source = own(raw.event_source).ok_or(RecordError::NotARecord("eventSource"))?;

    let mut api = Box::<ApiCall>::default();
    let a = &mut *api;
    a.src = src;
    a.time = time;
    if let Some(identity) = raw.user_identity {
        fill_identity(&mut a.identity, identity);
    }
    a.source_ip = own_or_empty(raw.source_ip_address);
    a.source_addr = a.source_ip.parse().ok();
    a.category = match raw.event_category.as_deref() {
        Some("Data") => EventCategory::Data,
        Some("Insight") => EventCategory::Insight,
        Some("NetworkActivity") => EventCategory::NetworkActivity,
        _ => EventCategory::Management,
    };
    if let Some(resources) = raw.resources {
        a.resources = resources
            .into_iter()
            .map(|r| ResourceRef { arn: own(r.arn), kind: own(r.kind), account_id: own(r.account_id) })
            .collect();
    }
    if event_source == "s3.amazonaws.com" {
        a.s3 = s3_access(raw.request_parameters, raw.additional_event_data, &a.resources);
    }
    a.account_id =
        own(raw.recipient_account_id).or_else(|| a.identity.account_id.clone()).unwrap_or_default();
    a.event_id = own_or_empty(raw.event_id);
    a.event_source = event_source;
    a.event_name = event_name;
    a.event_type = own_or_empty(raw.event_type);
    a.region = own_or_empty(raw.aws_region);
    a.user_agent = own_or_empty(raw.user_agent);
    a.error_code = own(raw.error_code);
    a.error_message = own(raw.error_message);
    a.read_only = flag(raw.read_only);
    a.vpc_endpoint_id = own(raw.vpc_endpoint_id);
    a.vpc_endpoint_account_id = own(raw.vpc_endpoint_account_id);
    a.request_parameters = raw_json(raw.request_parameters);
    a.response_elements = raw_json(raw.response_elements);
    a.additional_event_data = raw_json(raw.additional_event_data);
    Ok(api)
}

fn fill_identity(id: &mut Identity, raw: RawIdentity<'_>) {
    id.kind = IdentityType::parse(raw.kind.as_deref().unwrap_or(""));
    id.principal_id = own(raw.principal_id);
    id.arn = own(raw.arn);
    id.account_id = own(raw.account_id);
    id.access_key_id = own(raw.access_key_id);
    id.user_name = own(raw.user_name);
    id.invoked_by = own(raw.invoked_by);
    id.source_identity = own(raw.source_identity);
    id.on_behalf_of_user_id = raw.on_behalf_of.and_then(|o| own(o.user_id));
    if let Some(ctx) = raw.session_context {
        id.session_issuer = ctx.session_issuer.map(|i| SessionIssuer {
            kind: own(i.kind),
            principal_id: own(i.principal_id),
            arn: own(i.arn),
            account_id: own(i.account_id),
            user_name: own(i.user_name),
        });
        // An issuer with no fields at all (IAM users' console sessions log `{}`) says nothing.
        if id.session_issuer.as_ref().is_some_and(|i| i.arn.is_none() && i.principal_id.is_none()) {
            id.session_issuer = None;
        }
        if let Some(attrs) = ctx.attributes {
            id.mfa_authenticated = flag(attrs.mfa_authenticated);
            id.session_created = attrs.creation_date.as_deref().and_then(parse_iso8601);
        }
        id.ec2_role_delivery = own(ctx.ec2_role_delivery);
        id.assumed_root = flag(ctx.assumed_root).unwrap_or(false);
        if id.source_identity.is_none() {
            id.source_identity = own(ctx.source_identity);
        }
    }
}

fn s3_access(
    params: Option<RawText<'_>>,
    extra: Option<RawText<'_>>,
    resources: &[ResourceRef],
) -> Option<S3Access> {
    let p: Option<S3Params<'_>> = params.and_then(|p| serde_json::from_str(p.0).ok());
    let (bucket, key) = match p {
        Some(p) => (own(p.bucket_name), own(p.key)),
        None => (None, None),
    };
    let bucket = bucket.or_else(|| {
        resources.iter().find_map(|r| {
            (r.kind.as_deref() == Some("AWS::S3::Bucket"))
                .then(|| r.arn.as_deref()?.strip_prefix("arn:aws:s3:::").map(SmolStr::new))
                .flatten()
        })
    })?;
    let t: Option<S3Transfer> = extra.and_then(|e| serde_json::from_str(e.0).ok());
    let (bytes_in, bytes_out) =
        t.map_or((0, 0), |t| (t.bytes_in.unwrap_or(0.0) as u64, t.bytes_out.unwrap_or(0.0) as u64));
    Some(S3Access { bucket, key, bytes_in, bytes_out })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::json::differential;

    const ASSUMED_ROLE_S3_GET: &str = r#"{
      "eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:i-0abc",
      "arn":"arn:aws:sts::111122223333:assumed-role/web-role/i-0abc","accountId":"111122223333",
      "accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE",
      "arn":"arn:aws:iam::111122223333:role/web-role","accountId":"111122223333","userName":"web-role"},
      "attributes":{"creationDate":"2024-05-01T10:00:00Z","mfaAuthenticated":"false"},"ec2RoleDelivery":"2.0"}},
      "eventTime":"2024-05-01T10:05:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject",
      "awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"[aws-cli/2.15.0]",
      "requestParameters":{"bucketName":"payroll","key":"2024/may.csv","Host":"payroll.s3.amazonaws.com"},
      "responseElements":null,"additionalEventData":{"bytesTransferredIn":0.0,"bytesTransferredOut":5120.0},
      "readOnly":true,"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::payroll/2024/may.csv"},
      {"accountId":"111122223333","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::payroll"}],
      "eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333",
      "eventCategory":"Data","someFutureField":{"x":[1,2,3]}}"#;

    #[test]
    fn parses_s3_data_event_with_role_session() {
        let a = parse_record(ASSUMED_ROLE_S3_GET, SourceRef { file: 3, record: 7 }).unwrap();
        assert_eq!(a.src, SourceRef { file: 3, record: 7 });
        assert_eq!(a.event_name, "GetObject");
        assert_eq!(a.service(), "s3");
        assert_eq!(a.category, EventCategory::Data);
        assert_eq!(a.read_only, Some(true));
        assert_eq!(a.source_addr, Some("203.0.113.9".parse().unwrap()));
        assert_eq!(a.identity.kind, IdentityType::AssumedRole);
        assert_eq!(a.identity.ec2_role_delivery.as_deref(), Some("2.0"));
        assert_eq!(a.identity.mfa_authenticated, Some(false));
        assert_eq!(a.identity.role_name(), Some("web-role"));
        assert_eq!(a.identity.principal_key(), "arn:aws:iam::111122223333:role/web-role");
        assert!(a.response_elements.is_none());
        let s3 = a.s3.unwrap();
        assert_eq!((s3.bucket.as_str(), s3.key.as_deref()), ("payroll", Some("2024/may.csv")));
        assert_eq!((s3.bytes_in, s3.bytes_out), (0, 5120));
    }

    #[test]
    fn rejects_what_is_not_a_record() {
        let src = SourceRef::default();
        assert!(matches!(parse_record("{\"foo\":1}", src), Err(RecordError::NotARecord("eventTime"))));
        assert!(matches!(parse_record("{\"eventTime\":", src), Err(RecordError::Malformed(_))));
        assert!(matches!(
            parse_record(r#"{"eventTime":"soon","eventName":"X","eventSource":"y"}"#, src),
            Err(RecordError::BadTime(_))
        ));
    }

    #[test]
    fn root_with_escaped_strings() {
        let rec = r#"{"eventTime":"2024-01-01T00:00:00Z","eventSource":"signin.amazonaws.com",
          "eventName":"ConsoleLogin","userIdentity":{"type":"Root","arn":"arn:aws:iam::1:root",
          "accountId":"1"},"userAgent":"Mozilla/5.0 \"quoted\"","additionalEventData":{"MFAUsed":"No"},
          "responseElements":{"ConsoleLogin":"Success"}}"#;
        let a = parse_record(rec, SourceRef::default()).unwrap();
        assert_eq!(a.identity.kind, IdentityType::Root);
        assert_eq!(a.identity.name(), "Root");
        assert_eq!(a.account_id, "1");
        assert_eq!(a.user_agent, "Mozilla/5.0 \"quoted\"");
        #[derive(Deserialize)]
        struct Mfa {
            #[serde(rename = "MFAUsed")]
            mfa_used: String,
        }
        assert_eq!(a.additional::<Mfa>().unwrap().mfa_used, "No");
    }

    // ---- the serde-free reader agrees with serde_json or steps aside ----

    fn by_serde(text: &str) -> Option<(String, usize)> {
        differential::by_serde(text, |raw: RawRecord<'_>| from_raw(raw, SourceRef::default()))
    }

    fn by_reader(text: &str) -> Option<(String, usize)> {
        differential::by_reader(text, read_record, |raw| from_raw(raw, SourceRef::default()))
    }

    /// Every record of the benchmark input and of a small sample world.
    fn corpus() -> Vec<String> {
        #[derive(Deserialize)]
        struct Delivery<'a> {
            #[serde(borrow, rename = "Records")]
            records: Vec<&'a serde_json::value::RawValue>,
        }
        let mut texts = vec![crate::sample::bench::BenchFormat::CloudTrail.generate(1 << 20)];
        texts.extend(differential::sample_world_files("/CloudTrail/"));
        let mut records = vec![ASSUMED_ROLE_S3_GET.to_string()];
        for text in &texts {
            let text = std::str::from_utf8(text).unwrap();
            for d in serde_json::Deserializer::from_str(text).into_iter::<Delivery<'_>>() {
                records.extend(d.unwrap().records.iter().map(|r| r.get().to_string()));
            }
        }
        records
    }

    #[test]
    fn reader_reads_plain_records_as_serde_does() {
        let records = corpus();
        let read = differential::as_is(&records, by_reader, by_serde);
        // `\u` escapes in the strings it reads are the only reason to step aside on these.
        assert!(read * 100 >= records.len() * 98, "read {read} of {}", records.len());
        let quoted = r#"{"eventTime":"2024-01-01T00:00:00Z","eventSource":"s","eventName":"N","userAgent":"a\"b\\c\/\t"}"#;
        assert!(by_reader(quoted).is_some());
        assert_eq!(by_reader(quoted), by_serde(quoted));
        let unicode = quoted.replace("a\\\"b", "caf\\u00e9");
        assert_eq!(by_reader(&unicode), None);
        assert!(by_serde(&unicode).is_some());
    }

    #[test]
    fn reader_never_accepts_what_serde_rejects_or_reads_otherwise() {
        differential::mutated(&corpus(), by_reader, by_serde);
    }

    #[test]
    fn reader_steps_aside_for_repeats_wrong_types_and_odd_shapes() {
        let base = r#""eventTime":"2024-01-01T00:00:00Z","eventSource":"s","eventName":"N""#;
        for extra in [
            r#""eventName":"again""#,
            r#""eventName":5"#,
            r#""userIdentity":"Root""#,
            r#""userIdentity":["Root"]"#,
            r#""resources":{}"#,
            r#""readOnly":[true]"#,
            r#""userIdentity":{"type":"Root","type":"IAMUser"}"#,
        ] {
            let text = format!("{{{base},{extra}}}");
            assert_eq!(by_reader(&text), None, "{text}");
        }
        let text =
            format!(r#"{{{base},"readOnly":"TRUE","resources":null,"userIdentity":null,"x":[{{}}]}} "#);
        assert_eq!(by_reader(&text), by_serde(&text));
        assert!(by_reader(&text).is_some());
        assert_eq!(by_reader(&format!("{{{base}}}x")), None);
    }
}
