//! VPC Flow Log records and Route 53 Resolver query log records, formatted exactly as AWS
//! writes them: space-separated flow records under a header line naming the fields, and one
//! JSON object per line for resolver queries.

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use serde::Serialize;

use super::rng::Rng;
use super::world::{Account, FlowFormat};
use crate::time::{format_iso8601, Millis, SECOND};

/// AWS's default format (version 2), which is also the header AWS writes for it.
pub const V2_FIELDS: &str =
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

/// The staging account's custom format: version 5 fields in an order of its own choosing.
pub const V5_FIELDS: &str = "version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status region az-id flow-direction traffic-path pkt-src-aws-service pkt-dst-aws-service";

pub const TCP: u8 = 6;

/// TCP flags as flow logs report them (OR of the window's FIN 1, SYN 2, RST 4, SYN-ACK 18).
pub const FLAGS_INITIATOR: u16 = 3;
pub const FLAGS_RESPONDER: u16 = 19;
pub const FLAGS_SYN: u16 = 2;
pub const FLAGS_RST: u16 = 4;

/// One flow record on one interface.
#[derive(Clone, Debug)]
pub struct Flow {
    /// Index into the account's [`Account::nics`].
    pub nic: usize,
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub sport: u16,
    pub dport: u16,
    pub proto: u8,
    pub packets: u64,
    pub bytes: u64,
    /// Epoch seconds.
    pub start: i64,
    pub end: i64,
    pub accept: bool,
    pub tcp_flags: u16,
    pub ingress: bool,
    /// Packet-level addresses when they differ (NAT gateway interface).
    pub pkt_src: Option<Ipv4Addr>,
    pub pkt_dst: Option<Ipv4Addr>,
    pub pkt_src_service: Option<&'static str>,
    pub pkt_dst_service: Option<&'static str>,
    /// v5 `traffic-path` for egress.
    pub traffic_path: Option<u8>,
    /// A `NODATA` record (no traffic in the window): only the interface and times are set.
    pub nodata: bool,
}

impl Flow {
    pub fn time(&self) -> Millis {
        self.start * SECOND
    }
}

fn dash<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// Appends one flow record line in the account's format.
pub fn write_flow(line: &mut String, acct: &Account, f: &Flow) {
    let nic = &acct.nics[f.nic];
    let action = if f.accept { "ACCEPT" } else { "REJECT" };
    match acct.flow_format {
        Some(FlowFormat::CustomV5) => {
            if f.nodata {
                let _ = writeln!(
                    line,
                    "5 {} {} {} {} {} - - - - - - - - - - {} {} - - NODATA {} {} - - - -",
                    acct.vpc_id,
                    nic.subnet_id,
                    dash(nic.instance_id.as_deref()),
                    nic.eni,
                    acct.id,
                    f.start,
                    f.end,
                    acct.region,
                    nic.az_id
                );
                return;
            }
            let _ = writeln!(
                line,
                "5 {} {} {} {} {} IPv4 {} {} {} {} {} {} {} {} {} {} {} {action} {} OK {} {} {} {} {} {}",
                acct.vpc_id,
                nic.subnet_id,
                dash(nic.instance_id.as_deref()),
                nic.eni,
                acct.id,
                f.src,
                f.dst,
                f.sport,
                f.dport,
                f.pkt_src.unwrap_or(f.src),
                f.pkt_dst.unwrap_or(f.dst),
                f.proto,
                f.bytes,
                f.packets,
                f.start,
                f.end,
                if f.proto == TCP { f.tcp_flags } else { 0 },
                acct.region,
                nic.az_id,
                if f.ingress { "ingress" } else { "egress" },
                dash(if f.ingress { None } else { f.traffic_path }),
                dash(f.pkt_src_service),
                dash(f.pkt_dst_service),
            );
        }
        _ => {
            if f.nodata {
                let _ =
                    writeln!(line, "2 {} {} - - - - - - - {} {} - NODATA", acct.id, nic.eni, f.start, f.end);
                return;
            }
            let _ = writeln!(
                line,
                "2 {} {} {} {} {} {} {} {} {} {} {} {action} OK",
                acct.id, nic.eni, f.src, f.dst, f.sport, f.dport, f.proto, f.packets, f.bytes, f.start, f.end
            );
        }
    }
}

/// The header line of a flow-log file.
pub fn flow_header(acct: &Account) -> &'static str {
    match acct.flow_format {
        Some(FlowFormat::CustomV5) => V5_FIELDS,
        _ => V2_FIELDS,
    }
}

/// What one side of a TCP/UDP exchange sent.
#[derive(Clone, Copy, Debug)]
pub struct Leg {
    pub packets: u64,
    pub bytes: u64,
}

impl Leg {
    pub fn new(packets: u64, bytes: u64) -> Self {
        Self { packets, bytes }
    }
}

/// One connection as the flow log of interface `nic` sees it: the initiator's record and,
/// when accepted and answered, the responder's. `local_initiates` says which side opened it.
#[allow(clippy::too_many_arguments)]
pub fn connection(
    flows: &mut Vec<Flow>,
    nic: usize,
    local: Ipv4Addr,
    remote: Ipv4Addr,
    local_port: u16,
    remote_port: u16,
    proto: u8,
    local_initiates: bool,
    t: Millis,
    duration_s: i64,
    request: Leg,
    reply: Leg,
    accept: bool,
    remote_service: Option<&'static str>,
    traffic_path: u8,
) {
    let start = t / SECOND;
    let end = start + duration_s.clamp(1, 60);
    let base = Flow {
        nic,
        src: local,
        dst: remote,
        sport: local_port,
        dport: remote_port,
        proto,
        packets: 0,
        bytes: 0,
        start,
        end,
        accept,
        tcp_flags: 0,
        ingress: false,
        pkt_src: None,
        pkt_dst: None,
        pkt_src_service: None,
        pkt_dst_service: None,
        traffic_path: Some(traffic_path),
        nodata: false,
    };
    let outbound = Flow { packets: 0, bytes: 0, pkt_dst_service: remote_service, ..base.clone() };
    let inbound = Flow {
        src: remote,
        dst: local,
        sport: remote_port,
        dport: local_port,
        ingress: true,
        pkt_src_service: remote_service,
        traffic_path: None,
        ..base
    };
    let (mut first, mut second) = if local_initiates { (outbound, inbound) } else { (inbound, outbound) };
    first.packets = request.packets;
    first.bytes = request.bytes;
    first.tcp_flags = if reply.packets == 0 || !accept { FLAGS_SYN } else { FLAGS_INITIATOR };
    flows.push(first);
    if accept && reply.packets > 0 {
        second.packets = reply.packets;
        second.bytes = reply.bytes;
        second.tcp_flags = if reply.bytes <= 40 * reply.packets { FLAGS_RST | 16 } else { FLAGS_RESPONDER };
        flows.push(second);
    }
}

/// Route 53 Resolver query log record, fields in the order the service writes them.
#[derive(Serialize)]
pub struct DnsLine<'a> {
    pub version: &'static str,
    pub account_id: &'a str,
    pub region: &'a str,
    pub vpc_id: &'a str,
    pub query_timestamp: String,
    pub query_name: String,
    pub query_type: &'a str,
    pub query_class: &'static str,
    pub rcode: &'a str,
    pub answers: Vec<DnsAnswerLine>,
    pub srcaddr: String,
    pub srcport: String,
    pub transport: &'static str,
    pub srcids: SrcIds<'a>,
}

#[derive(Serialize)]
pub struct DnsAnswerLine {
    #[serde(rename = "Rdata")]
    pub rdata: String,
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(rename = "Class")]
    pub class: &'static str,
}

#[derive(Serialize)]
pub struct SrcIds<'a> {
    pub instance: &'a str,
}

/// One resolver query by an instance; `answers` as (type, rdata). An empty answer list with
/// `NOERROR` is a NODATA answer.
#[allow(clippy::too_many_arguments)]
pub fn dns_line(
    rng: &mut Rng,
    acct: &Account,
    instance_id: &str,
    src: Ipv4Addr,
    t: Millis,
    name: &str,
    qtype: &str,
    rcode: &str,
    answers: &[(&str, String)],
) -> String {
    let ts = format_iso8601(t);
    let line = DnsLine {
        version: "1.100000",
        account_id: acct.id,
        region: acct.region,
        vpc_id: &acct.vpc_id,
        query_timestamp: format!("{}Z", &ts[..19]),
        query_name: format!("{name}."),
        query_type: qtype,
        query_class: "IN",
        rcode,
        answers: answers
            .iter()
            .map(|(k, r)| DnsAnswerLine { rdata: r.clone(), kind: k.to_string(), class: "IN" })
            .collect(),
        srcaddr: src.to_string(),
        srcport: rng.range(32768, 60999).to_string(),
        transport: "UDP",
        srcids: SrcIds { instance: instance_id },
    };
    serde_json::to_string(&line).expect("DNS line serialises")
}
