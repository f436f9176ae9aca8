//! One Route 53 Resolver query log record (a JSON object, one per line) → [`DnsQuery`].
//!
//! Borrowed deserialisation like CloudTrail's; `srcport` is a string in the logs but a number is
//! accepted too. DNS Firewall fields are kept when present; `answers` may be empty.

use serde::Deserialize;

use crate::event::{DnsAnswer, DnsQuery, SourceRef};
use crate::time::parse_iso8601;

use super::json::{list_field, nullable, port_field, read_object, text_field, Cursor};
use super::text::{Port, Text};

#[derive(Deserialize, Default)]
pub(crate) struct RawQuery<'a> {
    #[serde(borrow)]
    account_id: Text<'a>,
    #[serde(borrow)]
    region: Text<'a>,
    #[serde(borrow)]
    vpc_id: Text<'a>,
    #[serde(borrow)]
    query_timestamp: Text<'a>,
    #[serde(borrow)]
    query_name: Text<'a>,
    #[serde(borrow)]
    query_type: Text<'a>,
    #[serde(borrow)]
    query_class: Text<'a>,
    #[serde(borrow)]
    rcode: Text<'a>,
    #[serde(borrow)]
    answers: Option<Vec<RawAnswer<'a>>>,
    #[serde(borrow)]
    srcaddr: Text<'a>,
    srcport: Option<Port>,
    #[serde(borrow)]
    transport: Text<'a>,
    #[serde(borrow)]
    srcids: Option<RawSrcIds<'a>>,
    #[serde(borrow)]
    firewall_rule_action: Text<'a>,
    #[serde(borrow)]
    firewall_rule_group_id: Text<'a>,
    #[serde(borrow)]
    firewall_domain_list_id: Text<'a>,
}

#[derive(Deserialize, Default)]
struct RawAnswer<'a> {
    #[serde(borrow, rename = "Rdata")]
    rdata: Text<'a>,
    #[serde(borrow, rename = "Type")]
    rtype: Text<'a>,
    #[serde(borrow, rename = "Class")]
    class: Text<'a>,
}

#[derive(Deserialize, Default)]
struct RawSrcIds<'a> {
    #[serde(borrow)]
    instance: Text<'a>,
    #[serde(borrow)]
    resolver_endpoint: Text<'a>,
}

/// Reads the record at the start of `text` without serde, for the hot path (see
/// [`super::cloudtrail::read_record`]); `None` for anything but a plain record.
pub(crate) fn read_query(text: &str) -> Option<(RawQuery<'_>, usize)> {
    let mut c = Cursor::new(text);
    let query = read_object!(c, RawQuery {
        "account_id" => account_id: text_field,
        "region" => region: text_field,
        "vpc_id" => vpc_id: text_field,
        "query_timestamp" => query_timestamp: text_field,
        "query_name" => query_name: text_field,
        "query_type" => query_type: text_field,
        "query_class" => query_class: text_field,
        "rcode" => rcode: text_field,
        "answers" => answers: |c| list_field(c, |c| read_object!(c, RawAnswer {
            "Rdata" => rdata: text_field,
            "Type" => rtype: text_field,
            "Class" => class: text_field,
        })),
        "srcaddr" => srcaddr: text_field,
        "srcport" => srcport: port_field,
        "transport" => transport: text_field,
        "srcids" => srcids: |c| nullable(c, |c| read_object!(c, RawSrcIds {
            "instance" => instance: text_field,
            "resolver_endpoint" => resolver_endpoint: text_field,
        })),
        "firewall_rule_action" => firewall_rule_action: text_field,
        "firewall_rule_group_id" => firewall_rule_group_id: text_field,
        "firewall_domain_list_id" => firewall_domain_list_id: text_field,
    })
    .ok()?;
    c.at_value_end().then_some((query, c.pos()))
}

/// Why an object is not a Route 53 Resolver query log record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    Malformed(String),
    NotARecord(&'static str),
    BadTime(String),
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QueryError::Malformed(m) => write!(f, "malformed Route 53 Resolver query log record: {m}"),
            QueryError::NotARecord(what) => {
                write!(f, "not a Route 53 Resolver query log record: missing {what}")
            }
            QueryError::BadTime(t) => write!(f, "unreadable query_timestamp {t:?}"),
        }
    }
}

fn own(t: Text<'_>) -> Option<String> {
    t.filter(|s| !s.is_empty()).map(|s| s.into_owned())
}

/// Parses one record's JSON text.
pub fn parse_query(json: &[u8], src: SourceRef) -> Result<DnsQuery, QueryError> {
    let raw: RawQuery<'_> = serde_json::from_slice(json).map_err(|e| QueryError::Malformed(e.to_string()))?;
    from_raw(raw, src)
}

pub(crate) fn from_raw(raw: RawQuery<'_>, src: SourceRef) -> Result<DnsQuery, QueryError> {
    let name = raw.query_name.ok_or(QueryError::NotARecord("query_name"))?;
    let ts = raw.query_timestamp.ok_or(QueryError::NotARecord("query_timestamp"))?;
    let time = parse_iso8601(&ts).ok_or_else(|| QueryError::BadTime(ts.to_string()))?;
    let name = name.strip_suffix('.').unwrap_or(&name);
    let query_name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
        name.to_ascii_lowercase()
    } else {
        name.to_string()
    };
    let srcport = raw.srcport.and_then(|p| p.0);
    let (src_instance, src_resolver_endpoint) =
        raw.srcids.map_or((None, None), |s| (own(s.instance), own(s.resolver_endpoint)));
    Ok(DnsQuery {
        src,
        time,
        account_id: own(raw.account_id),
        region: own(raw.region),
        vpc_id: own(raw.vpc_id),
        query_name,
        query_type: own(raw.query_type).unwrap_or_default(),
        query_class: own(raw.query_class).unwrap_or_default(),
        rcode: own(raw.rcode).unwrap_or_default(),
        answers: raw
            .answers
            .unwrap_or_default()
            .into_iter()
            .map(|a| DnsAnswer {
                rdata: own(a.rdata).unwrap_or_default(),
                rtype: own(a.rtype).unwrap_or_default(),
                class: own(a.class).unwrap_or_default(),
            })
            .collect(),
        srcaddr: raw.srcaddr.as_deref().and_then(|s| s.parse().ok()),
        srcport,
        transport: own(raw.transport),
        src_instance,
        src_resolver_endpoint,
        firewall_rule_action: own(raw.firewall_rule_action),
        firewall_rule_group_id: own(raw.firewall_rule_group_id),
        firewall_domain_list_id: own(raw.firewall_domain_list_id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::json::differential;

    #[test]
    fn query_with_answers() {
        let rec = br#"{"version":"1.100000","account_id":"111122223333","region":"us-east-1","vpc_id":"vpc-0a",
          "query_timestamp":"2024-05-01T10:00:00Z","query_name":"Example.COM.","query_type":"A","query_class":"IN",
          "rcode":"NOERROR","answers":[{"Rdata":"93.184.216.34","Type":"A","Class":"IN"}],
          "srcaddr":"10.0.0.5","srcport":"53122","transport":"UDP","srcids":{"instance":"i-0abc"}}"#;
        let q = parse_query(rec, SourceRef { file: 1, record: 2 }).unwrap();
        assert_eq!(q.query_name, "example.com");
        assert_eq!(q.answers.len(), 1);
        assert_eq!(q.answers[0].rdata, "93.184.216.34");
        assert_eq!(q.srcport, Some(53122));
        assert_eq!(q.src_instance.as_deref(), Some("i-0abc"));
        assert_eq!(q.time, parse_iso8601("2024-05-01T10:00:00Z").unwrap());
    }

    #[test]
    fn firewall_block_with_empty_answers() {
        let rec = br#"{"version":"1.100000","account_id":"1","region":"eu-west-1","vpc_id":"vpc-1",
          "query_timestamp":"2024-05-01T10:00:00Z","query_name":"bad.example.net.","query_type":"AAAA",
          "query_class":"IN","rcode":"NXDOMAIN","answers":[],"srcaddr":"10.0.0.9","srcport":53,
          "transport":"TCP","srcids":{"resolver_endpoint":"rslvr-in-1"},"firewall_rule_action":"BLOCK",
          "firewall_rule_group_id":"rslvr-frg-1","firewall_domain_list_id":"rslvr-fdl-1"}"#;
        let q = parse_query(rec, SourceRef::default()).unwrap();
        assert!(q.answers.is_empty());
        assert_eq!(q.firewall_rule_action.as_deref(), Some("BLOCK"));
        assert_eq!(q.src_resolver_endpoint.as_deref(), Some("rslvr-in-1"));
        assert_eq!(q.srcport, Some(53));
    }

    #[test]
    fn rejects_non_records() {
        assert!(matches!(
            parse_query(b"{}", SourceRef::default()),
            Err(QueryError::NotARecord("query_name"))
        ));
        assert!(matches!(
            parse_query(b"{\"query_name\":", SourceRef::default()),
            Err(QueryError::Malformed(_))
        ));
    }

    // ---- the serde-free reader agrees with serde_json or steps aside ----

    fn by_serde(text: &str) -> Option<(String, usize)> {
        differential::by_serde(text, |raw: RawQuery<'_>| from_raw(raw, SourceRef::default()))
    }

    fn by_reader(text: &str) -> Option<(String, usize)> {
        differential::by_reader(text, read_query, |raw| from_raw(raw, SourceRef::default()))
    }

    /// Every record of the benchmark input and of a small sample world, and the fixtures above.
    fn corpus() -> Vec<String> {
        let mut texts = vec![crate::sample::bench::BenchFormat::Route53.generate(256 << 10)];
        texts.extend(differential::sample_world_files("/vpcdnsquerylogs/"));
        let mut records: Vec<String> = texts
            .iter()
            .flat_map(|t| std::str::from_utf8(t).unwrap().lines().map(str::to_string).collect::<Vec<_>>())
            .filter(|l| !l.trim().is_empty())
            .collect();
        records.push(r#"{"query_name":"a.","query_timestamp":"2024-05-01T10:00:00Z","srcport":53,"answers":null,"srcids":null}"#.into());
        records.push(r#"{"query_name":"a.","query_timestamp":"2024-05-01T10:00:00Z","srcport":" 99999 ","answers":[]}"#.into());
        records
    }

    #[test]
    fn reader_reads_plain_records_as_serde_does() {
        let records = corpus();
        let read = differential::as_is(&records, by_reader, by_serde);
        assert_eq!(read, records.len());
        for odd in [
            r#"{"query_name":"a.","srcport":-1}"#,
            r#"{"query_name":"a.","srcport":5.0}"#,
            r#"{"query_name":"a\u002e"}"#,
            r#"{"query_name":"a.","query_name":"b."}"#,
            r#"{"query_name":"a.","answers":{}}"#,
        ] {
            assert_eq!(by_reader(odd), None, "{odd}");
        }
    }

    #[test]
    fn reader_never_accepts_what_serde_rejects_or_reads_otherwise() {
        differential::mutated(&corpus(), by_reader, by_serde);
    }
}
