//! VPC Flow Logs and Transit Gateway flow logs: space-separated text lines.
//!
//! The field order comes from the header line (`version account-id interface-id …`) when the
//! file has one — any subset and order of the v2–v8 and Transit Gateway fields. Without a
//! header, a line is read in the default v2 format (14 fields) or, when it has the field count
//! of "all fields of version N" in AWS's documented order (v3: 21, v4: 25, v5: 29, v7: 39,
//! v8: 40) and its values fit that order, in that format; any other headerless custom format
//! is an error per line asking for the header. `-` means absent. Records whose `log-status` is `NODATA` or `SKIPDATA`
//! carry no traffic: they are skipped with that reason, not errors.

use std::net::IpAddr;

use crate::event::{FlowAction, FlowDirection, FlowRecord, SourceRef};

/// A column of a flow-log format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlowField {
    Version,
    AccountId,
    InterfaceId,
    SrcAddr,
    DstAddr,
    SrcPort,
    DstPort,
    Protocol,
    Packets,
    Bytes,
    Start,
    End,
    Action,
    LogStatus,
    VpcId,
    SubnetId,
    InstanceId,
    TcpFlags,
    Type,
    PktSrcAddr,
    PktDstAddr,
    Region,
    AzId,
    PktSrcAwsService,
    PktDstAwsService,
    FlowDirection,
    TrafficPath,
    RejectReason,
    EcsClusterName,
    EcsTaskId,
    TgwId,
    ResourceType,
    /// A known field Vigil does not keep, or a field name it does not know (tolerated).
    Other,
}

/// Header names → fields. Transit Gateway logs name the source VPC, subnet and interface with a
/// `tgw-src-` prefix; they land in the same slots as a VPC flow log's.
const FIELD_NAMES: &[(&str, FlowField)] = &[
    ("version", FlowField::Version),
    ("account-id", FlowField::AccountId),
    ("interface-id", FlowField::InterfaceId),
    ("srcaddr", FlowField::SrcAddr),
    ("dstaddr", FlowField::DstAddr),
    ("srcport", FlowField::SrcPort),
    ("dstport", FlowField::DstPort),
    ("protocol", FlowField::Protocol),
    ("packets", FlowField::Packets),
    ("bytes", FlowField::Bytes),
    ("start", FlowField::Start),
    ("end", FlowField::End),
    ("action", FlowField::Action),
    ("log-status", FlowField::LogStatus),
    ("vpc-id", FlowField::VpcId),
    ("subnet-id", FlowField::SubnetId),
    ("instance-id", FlowField::InstanceId),
    ("tcp-flags", FlowField::TcpFlags),
    ("type", FlowField::Type),
    ("pkt-srcaddr", FlowField::PktSrcAddr),
    ("pkt-dstaddr", FlowField::PktDstAddr),
    ("region", FlowField::Region),
    ("az-id", FlowField::AzId),
    ("sublocation-type", FlowField::Other),
    ("sublocation-id", FlowField::Other),
    ("pkt-src-aws-service", FlowField::PktSrcAwsService),
    ("pkt-dst-aws-service", FlowField::PktDstAwsService),
    ("flow-direction", FlowField::FlowDirection),
    ("traffic-path", FlowField::TrafficPath),
    ("ecs-cluster-arn", FlowField::Other),
    ("ecs-cluster-name", FlowField::EcsClusterName),
    ("ecs-container-instance-arn", FlowField::Other),
    ("ecs-container-instance-id", FlowField::Other),
    ("ecs-container-id", FlowField::Other),
    ("ecs-second-container-id", FlowField::Other),
    ("ecs-service-name", FlowField::Other),
    ("ecs-task-definition-arn", FlowField::Other),
    ("ecs-task-arn", FlowField::Other),
    ("ecs-task-id", FlowField::EcsTaskId),
    ("reject-reason", FlowField::RejectReason),
    ("resource-type", FlowField::ResourceType),
    ("tgw-id", FlowField::TgwId),
    ("tgw-attachment-id", FlowField::Other),
    ("tgw-src-vpc-account-id", FlowField::Other),
    ("tgw-dst-vpc-account-id", FlowField::Other),
    ("tgw-src-vpc-id", FlowField::VpcId),
    ("tgw-dst-vpc-id", FlowField::Other),
    ("tgw-src-subnet-id", FlowField::SubnetId),
    ("tgw-dst-subnet-id", FlowField::Other),
    ("tgw-src-eni", FlowField::InterfaceId),
    ("tgw-dst-eni", FlowField::Other),
    ("tgw-src-az-id", FlowField::AzId),
    ("tgw-dst-az-id", FlowField::Other),
    ("tgw-pair-attachment-id", FlowField::Other),
    ("packets-lost-no-route", FlowField::Other),
    ("packets-lost-blackhole", FlowField::Other),
    ("packets-lost-mtu-exceeded", FlowField::Other),
    ("packets-lost-ttl-expired", FlowField::Other),
];

/// The fields of AWS's "available fields" table, in its order, with the version that
/// introduced each: "all fields of version N" is every field up to N, in this order (the
/// default format is all of version 2). Version 6 added no field.
const AWS_FIELD_ORDER: &[(&str, u8)] = &[
    ("version", 2),
    ("account-id", 2),
    ("interface-id", 2),
    ("srcaddr", 2),
    ("dstaddr", 2),
    ("srcport", 2),
    ("dstport", 2),
    ("protocol", 2),
    ("packets", 2),
    ("bytes", 2),
    ("start", 2),
    ("end", 2),
    ("action", 2),
    ("log-status", 2),
    ("vpc-id", 3),
    ("subnet-id", 3),
    ("instance-id", 3),
    ("tcp-flags", 3),
    ("type", 3),
    ("pkt-srcaddr", 3),
    ("pkt-dstaddr", 3),
    ("region", 4),
    ("az-id", 4),
    ("sublocation-type", 4),
    ("sublocation-id", 4),
    ("pkt-src-aws-service", 5),
    ("pkt-dst-aws-service", 5),
    ("flow-direction", 5),
    ("traffic-path", 5),
    ("ecs-cluster-arn", 7),
    ("ecs-cluster-name", 7),
    ("ecs-container-instance-arn", 7),
    ("ecs-container-instance-id", 7),
    ("ecs-container-id", 7),
    ("ecs-second-container-id", 7),
    ("ecs-service-name", 7),
    ("ecs-task-definition-arn", 7),
    ("ecs-task-arn", 7),
    ("ecs-task-id", 7),
    ("reject-reason", 8),
];

/// Versions whose "all fields" format Vigil recognises without a header (v2 is the default).
const ALL_FIELDS_VERSIONS: &[u8] = &[3, 4, 5, 7, 8];

/// The default (v2) format, used when a file has no header line.
const DEFAULT_V2: &[FlowField] = &[
    FlowField::Version,
    FlowField::AccountId,
    FlowField::InterfaceId,
    FlowField::SrcAddr,
    FlowField::DstAddr,
    FlowField::SrcPort,
    FlowField::DstPort,
    FlowField::Protocol,
    FlowField::Packets,
    FlowField::Bytes,
    FlowField::Start,
    FlowField::End,
    FlowField::Action,
    FlowField::LogStatus,
];

fn field_named(name: &[u8]) -> Option<FlowField> {
    // Athena and Parquet exports spell the names with underscores.
    let mut norm = [0u8; 32];
    if name.len() > norm.len() {
        return None;
    }
    for (d, s) in norm.iter_mut().zip(name) {
        *d = if *s == b'_' { b'-' } else { s.to_ascii_lowercase() };
    }
    let norm = &norm[..name.len()];
    FIELD_NAMES.iter().find(|(n, _)| n.as_bytes() == norm).map(|(_, f)| *f)
}

/// Splits a line on runs of spaces or tabs.
fn fields(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    line.split(|b| *b == b' ' || *b == b'\t').filter(|f| !f.is_empty())
}

/// The columns of a flow log, from its header line or the v2 default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowFormat {
    columns: Vec<FlowField>,
    origin: Origin,
    /// A line has parsed in this format.
    established: bool,
}

/// Where a format's columns came from (for error messages, and whether lines may change it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    Header,
    /// No header: the default v2 format.
    Default,
    /// No header: all fields of this version, recognised by the field count.
    AllFieldsOf(u8),
}

impl Default for FlowFormat {
    fn default() -> Self {
        Self { columns: DEFAULT_V2.to_vec(), origin: Origin::Default, established: false }
    }
}

/// What one flow-log line became.
#[derive(Debug)]
pub enum FlowLine {
    Record(Box<FlowRecord>),
    /// `NODATA` / `SKIPDATA`: the reason to count it under.
    Skip(&'static str),
}

pub const SKIP_NODATA: &str = "flow log-status NODATA";
pub const SKIP_SKIPDATA: &str = "flow log-status SKIPDATA";

impl FlowFormat {
    /// Reads a header line; `None` when the line is not one (its first name must be a known
    /// field and no name may start with a digit).
    pub fn from_header(line: &[u8]) -> Option<Self> {
        let mut columns = Vec::new();
        for (i, name) in fields(line).enumerate() {
            if name.first().is_none_or(|c| !c.is_ascii_alphabetic())
                || !name.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
            {
                return None;
            }
            let f = field_named(name);
            if i == 0 && f.is_none() {
                return None;
            }
            columns.push(f.unwrap_or(FlowField::Other));
        }
        (!columns.is_empty()).then_some(Self { columns, origin: Origin::Header, established: false })
    }

    /// All fields of `version` in AWS's documented order.
    fn all_fields_of(version: u8) -> Self {
        let columns = AWS_FIELD_ORDER
            .iter()
            .filter(|(_, v)| *v <= version)
            .map(|(name, _)| field_named(name.as_bytes()).unwrap_or(FlowField::Other))
            .collect();
        Self { columns, origin: Origin::AllFieldsOf(version), established: false }
    }

    /// For a file without a header line: the format of a line with `n` fields, when `n` is the
    /// field count of all fields of some version and the line's values fit that order.
    fn without_header_for(line: &[u8], n: usize) -> Result<Self, String> {
        let counts = || {
            std::iter::once((2, DEFAULT_V2.len()))
                .chain(ALL_FIELDS_VERSIONS.iter().map(|v| (*v, Self::all_fields_of(*v).columns.len())))
        };
        let Some((version, _)) = counts().find(|(_, count)| *count == n) else {
            let known: Vec<String> = counts().map(|(v, c)| format!("v{v}: {c}")).collect();
            return Err(format!(
                "custom format without header: {n} fields; add the header line (the format's field \
                 names, as AWS writes it to S3) at the top of the file, or use the default format or \
                 all fields of one version in AWS's order ({})",
                known.join(", ")
            ));
        };
        let format = if version == 2 { Self::default() } else { Self::all_fields_of(version) };
        match format.misfit(line, version) {
            None => Ok(format),
            Some(why) => Err(format!(
                "custom format without header: {n} fields, the count of all fields of version \
                 {version}, but the values do not fit that order ({why}); add the header line at \
                 the top of the file"
            )),
        }
    }

    /// Why `line` does not look like a record of this format whose version column says
    /// `version`, if it does not.
    fn misfit(&self, line: &[u8], version: u8) -> Option<String> {
        for (col, value) in self.columns.iter().zip(fields(line)) {
            let fits = value == b"-"
                || match col {
                    FlowField::Version => number::<u8>(value) == Some(version),
                    FlowField::SrcPort | FlowField::DstPort => number::<u16>(value).is_some(),
                    FlowField::Protocol => number::<u8>(value).is_some(),
                    FlowField::SrcAddr | FlowField::DstAddr => addr(value).is_some(),
                    FlowField::Action => matches!(value, b"ACCEPT" | b"REJECT"),
                    FlowField::LogStatus => matches!(value, b"OK" | b"NODATA" | b"SKIPDATA"),
                    _ => true,
                };
            if !fits {
                return Some(format!("{} {:?}", field_label(*col), String::from_utf8_lossy(value)));
            }
        }
        None
    }

    /// Parses a line; in a file without a header line, a line with another field count than
    /// the current format's switches the format to the one that count stands for (see the
    /// module documentation), or is an error saying the header is needed.
    /// Once lines have parsed in a headerless format, a line that fits no other is reported as
    /// a damaged line of that format rather than as an unknown custom format.
    pub fn parse_line_adapting(&mut self, line: &[u8], src: SourceRef) -> Result<FlowLine, String> {
        if self.origin != Origin::Header {
            let n = fields(line).count();
            if n != self.columns.len() {
                match Self::without_header_for(line, n) {
                    Ok(format) => *self = format,
                    Err(_) if self.established => {}
                    Err(e) => return Err(e),
                }
            }
        }
        let parsed = self.parse_line(line, src);
        self.established |= parsed.is_ok();
        parsed
    }

    /// Whether a line looks like a flow-log data line of this format (used to recognise files).
    pub fn looks_like_record(&self, line: &[u8]) -> bool {
        let n = fields(line).count();
        let first = fields(line).next().unwrap_or(b"");
        n == self.columns.len()
            && !first.is_empty()
            && (first.iter().all(u8::is_ascii_digit) || first == b"-")
    }

    pub fn parse_line(&self, line: &[u8], src: SourceRef) -> Result<FlowLine, String> {
        let n = fields(line).count();
        if n != self.columns.len() {
            let expected = self.columns.len();
            return Err(match self.origin {
                Origin::Header => format!("expected {expected} fields as the header says, found {n}"),
                Origin::Default => {
                    format!("expected {expected} fields (default v2 format, no header line), found {n}")
                }
                Origin::AllFieldsOf(v) => format!(
                    "expected {expected} fields (all fields of version {v}, no header line), found {n}"
                ),
            });
        }
        let mut r = FlowRecord { src, ..FlowRecord::default() };
        for (col, value) in self.columns.iter().zip(fields(line)) {
            if value == b"-" {
                continue;
            }
            let bad =
                |what: &str| format!("{}: {what} {:?}", field_label(*col), String::from_utf8_lossy(value));
            let text = || String::from_utf8_lossy(value).into_owned();
            match col {
                FlowField::Version => r.version = number(value).ok_or_else(|| bad("invalid number"))?,
                FlowField::AccountId => r.account_id = Some(text()),
                FlowField::InterfaceId => r.interface_id = Some(text()),
                FlowField::SrcAddr => r.srcaddr = Some(addr(value).ok_or_else(|| bad("invalid address"))?),
                FlowField::DstAddr => r.dstaddr = Some(addr(value).ok_or_else(|| bad("invalid address"))?),
                FlowField::SrcPort => r.srcport = Some(number(value).ok_or_else(|| bad("invalid port"))?),
                FlowField::DstPort => r.dstport = Some(number(value).ok_or_else(|| bad("invalid port"))?),
                FlowField::Protocol => {
                    r.protocol = Some(number(value).ok_or_else(|| bad("invalid protocol"))?)
                }
                FlowField::Packets => r.packets = number(value).ok_or_else(|| bad("invalid number"))?,
                FlowField::Bytes => r.bytes = number(value).ok_or_else(|| bad("invalid number"))?,
                FlowField::Start => {
                    r.start = epoch_millis(value).ok_or_else(|| bad("invalid epoch seconds"))?
                }
                FlowField::End => r.end = epoch_millis(value).ok_or_else(|| bad("invalid epoch seconds"))?,
                FlowField::Action => {
                    r.action = match value {
                        b"ACCEPT" => FlowAction::Accept,
                        b"REJECT" => FlowAction::Reject,
                        _ => return Err(bad("unknown action")),
                    }
                }
                FlowField::LogStatus => match value {
                    b"OK" => {}
                    b"NODATA" => return Ok(FlowLine::Skip(SKIP_NODATA)),
                    b"SKIPDATA" => return Ok(FlowLine::Skip(SKIP_SKIPDATA)),
                    _ => return Err(bad("unknown log-status")),
                },
                FlowField::VpcId => r.vpc_id = Some(text()),
                FlowField::SubnetId => r.subnet_id = Some(text()),
                FlowField::InstanceId => r.instance_id = Some(text()),
                FlowField::TcpFlags => {
                    r.tcp_flags = Some(number(value).ok_or_else(|| bad("invalid number"))?)
                }
                FlowField::Type => r.flow_type = Some(text()),
                FlowField::PktSrcAddr => {
                    r.pkt_srcaddr = Some(addr(value).ok_or_else(|| bad("invalid address"))?)
                }
                FlowField::PktDstAddr => {
                    r.pkt_dstaddr = Some(addr(value).ok_or_else(|| bad("invalid address"))?)
                }
                FlowField::Region => r.region = Some(text()),
                FlowField::AzId => r.az_id = Some(text()),
                FlowField::PktSrcAwsService => r.pkt_src_aws_service = Some(text()),
                FlowField::PktDstAwsService => r.pkt_dst_aws_service = Some(text()),
                FlowField::FlowDirection => {
                    r.flow_direction = Some(match value {
                        b"ingress" => FlowDirection::Ingress,
                        b"egress" => FlowDirection::Egress,
                        _ => return Err(bad("unknown flow-direction")),
                    })
                }
                FlowField::TrafficPath => {
                    r.traffic_path = Some(number(value).ok_or_else(|| bad("invalid number"))?)
                }
                FlowField::RejectReason => r.reject_reason = Some(text()),
                FlowField::EcsClusterName => r.ecs_cluster_name = Some(text()),
                FlowField::EcsTaskId => r.ecs_task_id = Some(text()),
                FlowField::TgwId => r.tgw_id = Some(text()),
                FlowField::ResourceType => r.resource_type = Some(text()),
                FlowField::Other => {}
            }
        }
        Ok(FlowLine::Record(Box::new(r)))
    }
}

fn field_label(f: FlowField) -> &'static str {
    FIELD_NAMES.iter().find(|(_, g)| *g == f).map_or("field", |(n, _)| n)
}

/// Parses an unsigned decimal without going through `str` (flow lines are ASCII).
fn number<T: TryFrom<u64>>(b: &[u8]) -> Option<T> {
    if b.is_empty() || b.len() > 19 {
        return None;
    }
    let mut n: u64 = 0;
    for c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + (c - b'0') as u64;
    }
    T::try_from(n).ok()
}

fn epoch_millis(b: &[u8]) -> Option<i64> {
    number::<i64>(b)?.checked_mul(1000)
}

fn addr(b: &[u8]) -> Option<IpAddr> {
    std::str::from_utf8(b).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(fmt: &FlowFormat, line: &str) -> FlowRecord {
        match fmt.parse_line(line.as_bytes(), SourceRef::default()).unwrap() {
            FlowLine::Record(r) => *r,
            FlowLine::Skip(s) => panic!("skipped: {s}"),
        }
    }

    #[test]
    fn default_v2_line() {
        let f = FlowFormat::default();
        let r = record(&f, "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK");
        assert_eq!(r.version, 2);
        assert_eq!(r.account_id.as_deref(), Some("123456789010"));
        assert_eq!(r.srcaddr, Some("172.31.16.139".parse().unwrap()));
        assert_eq!((r.srcport, r.dstport, r.protocol), (Some(20641), Some(22), Some(6)));
        assert_eq!((r.packets, r.bytes), (20, 4249));
        assert_eq!((r.start, r.end), (1_418_530_010_000, 1_418_530_070_000));
        assert_eq!(r.action, FlowAction::Accept);
    }

    #[test]
    fn nodata_skipdata_and_absent_values() {
        let f = FlowFormat::default();
        let nodata = "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA";
        assert!(matches!(
            f.parse_line(nodata.as_bytes(), SourceRef::default()),
            Ok(FlowLine::Skip(SKIP_NODATA))
        ));
        let skip = "2 123456789010 eni-11111111111111111 - - - - - - - 1431280876 1431280934 - SKIPDATA";
        assert!(matches!(
            f.parse_line(skip.as_bytes(), SourceRef::default()),
            Ok(FlowLine::Skip(SKIP_SKIPDATA))
        ));
    }

    #[test]
    fn wrong_field_count_and_bad_values_are_errors() {
        let f = FlowFormat::default();
        let e = f.parse_line(b"2 123 eni-1 1.2.3.4", SourceRef::default()).unwrap_err();
        assert_eq!(e, "expected 14 fields (default v2 format, no header line), found 4");
        let e = f
            .parse_line(
                b"2 1 eni-1 1.2.3.4 5.6.7.8 99999 22 6 1 1 1418530010 1418530070 ACCEPT OK",
                SourceRef::default(),
            )
            .unwrap_err();
        assert_eq!(e, "srcport: invalid port \"99999\"");
    }

    #[test]
    fn custom_v5_order_with_ipv6() {
        let h = b"region az-id version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status flow-direction traffic-path pkt-srcaddr pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service tcp-flags type vpc-id subnet-id instance-id sublocation-type sublocation-id";
        let f = FlowFormat::from_header(h).unwrap();
        let r = record(&f, "us-east-1 use1-az2 5 111122223333 eni-0a 2001:db8::1 2001:db8::2 443 50000 6 10 840 1700000000 1700000060 REJECT OK egress 8 2001:db8::1 2001:db8::2 AMAZON - 2 IPv6 vpc-1 subnet-1 i-1 - -");
        assert_eq!(r.region.as_deref(), Some("us-east-1"));
        assert_eq!(r.srcaddr, Some("2001:db8::1".parse().unwrap()));
        assert_eq!(r.flow_direction, Some(FlowDirection::Egress));
        assert_eq!(r.traffic_path, Some(8));
        assert_eq!(r.pkt_src_aws_service.as_deref(), Some("AMAZON"));
        assert_eq!(r.pkt_dst_aws_service, None);
        assert_eq!(r.flow_type.as_deref(), Some("IPv6"));
        assert_eq!(r.instance_id.as_deref(), Some("i-1"));
        assert_eq!(r.action, FlowAction::Reject);
    }

    #[test]
    fn header_detection() {
        assert!(FlowFormat::from_header(b"version account-id interface-id").is_some());
        assert!(FlowFormat::from_header(b"account_id version").is_some());
        assert!(FlowFormat::from_header(b"2 123 eni-1").is_none());
        assert!(FlowFormat::from_header(b"hello world").is_none());
    }

    /// A line of all fields of `version` in AWS's order, with the given values for some.
    fn all_fields_line(version: u8, values: &[(&str, &str)]) -> String {
        AWS_FIELD_ORDER
            .iter()
            .filter(|(_, v)| *v <= version)
            .map(|(name, _)| {
                let sample = match *name {
                    "version" => version.to_string(),
                    "account-id" => "111122223333".into(),
                    "interface-id" => "eni-0a".into(),
                    "srcaddr" => "10.0.0.5".into(),
                    "dstaddr" => "203.0.113.9".into(),
                    "srcport" => "49152".into(),
                    "dstport" => "443".into(),
                    "protocol" => "6".into(),
                    "packets" => "3".into(),
                    "bytes" => "180".into(),
                    "start" => "1714557600".into(),
                    "end" => "1714557660".into(),
                    "action" => "ACCEPT".into(),
                    "log-status" => "OK".into(),
                    _ => "-".into(),
                };
                values.iter().find(|(n, _)| n == name).map_or(sample, |(_, v)| v.to_string())
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn all_fields_of_each_version_have_the_documented_counts() {
        let counts: Vec<(u8, usize)> =
            ALL_FIELDS_VERSIONS.iter().map(|v| (*v, FlowFormat::all_fields_of(*v).columns.len())).collect();
        assert_eq!(counts, [(3, 21), (4, 25), (5, 29), (7, 39), (8, 40)]);
        assert_eq!(FlowFormat::all_fields_of(2).columns, DEFAULT_V2);
    }

    #[test]
    fn headerless_all_fields_formats_are_recognised_by_field_count() {
        for version in [3u8, 4, 5, 7, 8] {
            let mut f = FlowFormat::default();
            let line = all_fields_line(
                version,
                &[
                    ("vpc-id", "vpc-0a"),
                    ("region", "eu-west-1"),
                    ("flow-direction", "egress"),
                    ("reject-reason", "BPA"),
                ],
            );
            let r = match f.parse_line_adapting(line.as_bytes(), SourceRef::default()) {
                Ok(FlowLine::Record(r)) => r,
                other => panic!("v{version}: {other:?}"),
            };
            assert_eq!(r.version, version, "v{version}");
            assert_eq!((r.srcport, r.dstport), (Some(49152), Some(443)));
            assert_eq!(r.vpc_id.as_deref(), Some("vpc-0a"));
            assert_eq!(r.region.as_deref(), (version >= 4).then_some("eu-west-1"));
            assert_eq!(r.flow_direction, (version >= 5).then_some(FlowDirection::Egress));
            assert_eq!(r.reject_reason.as_deref(), (version >= 8).then_some("BPA"));
            // The format sticks, and a default-format line switches back.
            assert_eq!(f.origin, Origin::AllFieldsOf(version));
            let v2 = all_fields_line(2, &[]);
            assert!(matches!(
                f.parse_line_adapting(v2.as_bytes(), SourceRef::default()),
                Ok(FlowLine::Record(_))
            ));
            assert_eq!(f.origin, Origin::Default);
        }
    }

    #[test]
    fn headerless_custom_formats_that_fit_no_version_are_errors_asking_for_the_header() {
        let mut f = FlowFormat::default();
        let e = f
            .parse_line_adapting(
                b"10.0.0.5 203.0.113.9 49152 443 6 3 180 ACCEPT OK vpc-1",
                SourceRef::default(),
            )
            .unwrap_err();
        assert!(e.starts_with("custom format without header: 10 fields; add the header line"), "{e}");
        assert!(e.contains("v2: 14, v3: 21, v4: 25, v5: 29, v7: 39, v8: 40"), "{e}");
        // The count of all fields of version 5, but the version column says 2.
        let line = all_fields_line(5, &[("version", "2")]);
        let e = f.parse_line_adapting(line.as_bytes(), SourceRef::default()).unwrap_err();
        assert!(e.contains("29 fields, the count of all fields of version 5"), "{e}");
        assert!(e.contains("version \"2\""), "{e}");
        // Ports that are not numbers do not fit either.
        let line = all_fields_line(3, &[("srcport", "eni-1")]);
        let e = f.parse_line_adapting(line.as_bytes(), SourceRef::default()).unwrap_err();
        assert!(e.contains("srcport \"eni-1\""), "{e}");
    }

    #[test]
    fn a_damaged_line_of_an_established_headerless_format_says_what_was_expected() {
        let mut f = FlowFormat::default();
        let good = all_fields_line(2, &[]);
        assert!(f.parse_line_adapting(good.as_bytes(), SourceRef::default()).is_ok());
        let e = f
            .parse_line_adapting(b"2 111122223333 eni-1 10.0.0.1 10.0.0.2 1 2 6", SourceRef::default())
            .unwrap_err();
        assert_eq!(e, "expected 14 fields (default v2 format, no header line), found 8");
    }
}
