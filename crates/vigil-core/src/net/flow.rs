//! Reading one flow record from the point of view of the interface that logged it: which side
//! is local, which remote, which side opened the connection, and hence GuardDuty's
//! `connectionDirection` and the instance's `resourceRole`.
//!
//! A VPC flow record describes packets in one direction (`srcaddr` → `dstaddr`) on one network
//! interface during one capture window; one of the two addresses is the interface's own. A
//! connection therefore shows up as (at least) two records, one per direction, repeated in
//! every capture window it spans. Who *opened* the connection is a separate question from which
//! way a record's packets flow: an egress record from port 443 is a web server answering.
//!
//! - Local side: `flow-direction` when the log has it (egress ⇒ `srcaddr` is the interface's),
//!   else what the [`Inventory`] knows of the interface's addresses, else the address classes
//!   (an internal address facing a public one is the local side).
//! - Initiator: TCP flags when logged (a SYN without ACK comes from the opener, SYN-ACK from the
//!   answerer; flow logs OR the flags of a window), else ports (the side on a well-known or
//!   listed service port is the server; between two unlisted ports the lower one is).

use std::net::IpAddr;

use crate::detect::inventory::Inventory;
use crate::event::{FlowDirection, FlowRecord};
use crate::net::addr::is_internal;

pub const TCP: u8 = 6;
pub const UDP: u8 = 17;
pub const ICMP: u8 = 1;
pub const ICMPV6: u8 = 58;

const TCP_SYN: u16 = 0x02;
const TCP_ACK: u16 = 0x10;

/// Ports above 1023 that are servers' ports, so that a client's ephemeral port is never taken
/// for them: databases, remote administration, mail submission, proxies, DoT…
pub const SERVICE_PORTS_ABOVE_1023: &[u16] = &[
    1080, 1194, 1433, 1521, 1723, 2049, 2375, 2376, 2379, 3000, 3128, 3306, 3389, 4369, 5000, 5432, 5601,
    5671, 5672, 5900, 5985, 5986, 6379, 6443, 7001, 8000, 8008, 8080, 8081, 8088, 8443, 8888, 9000, 9042,
    9090, 9092, 9200, 9300, 9418, 10250, 11211, 15672, 27017,
];

/// `true` for ports a server listens on: below 1024, or listed in
/// [`SERVICE_PORTS_ABOVE_1023`].
pub fn is_service_port(port: u16) -> bool {
    (1..1024).contains(&port) || SERVICE_PORTS_ABOVE_1023.contains(&port)
}

/// GuardDuty's protocol name for an IANA protocol number.
pub fn protocol_name(p: u8) -> &'static str {
    match p {
        1 => "ICMP",
        2 => "IGMP",
        6 => "TCP",
        17 => "UDP",
        47 => "GRE",
        50 => "ESP",
        51 => "AH",
        58 => "ICMPV6",
        132 => "SCTP",
        _ => "UNKNOWN",
    }
}

/// GuardDuty's `connectionDirection`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConnDirection {
    /// The remote side opened the connection.
    Inbound,
    /// The local side (the instance) opened it.
    Outbound,
    Unknown,
}

impl ConnDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inbound => "INBOUND",
            Self::Outbound => "OUTBOUND",
            Self::Unknown => "UNKNOWN",
        }
    }

    /// GuardDuty's `resourceRole` for the instance: `ACTOR` when it opened the connection.
    pub fn resource_role(self) -> &'static str {
        match self {
            Self::Outbound => "ACTOR",
            _ => "TARGET",
        }
    }
}

/// A flow record seen from its interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Oriented {
    pub local: IpAddr,
    /// The far end; behind a middlebox, the packet-level address (`pkt-*addr`) of that side.
    pub remote: IpAddr,
    pub local_port: u16,
    pub remote_port: u16,
    /// The record's packets flow local → remote.
    pub egress: bool,
    pub direction: ConnDirection,
    pub protocol: u8,
}

impl Oriented {
    /// The server's port of the connection: the remote port when the instance opened it, the
    /// local one when the remote did.
    pub fn service_port(&self) -> Option<u16> {
        match self.direction {
            ConnDirection::Outbound => Some(self.remote_port),
            ConnDirection::Inbound => Some(self.local_port),
            ConnDirection::Unknown => None,
        }
    }

    /// The client's (ephemeral) port of the connection, which tells connections apart.
    pub fn client_port(&self) -> Option<u16> {
        match self.direction {
            ConnDirection::Outbound => Some(self.local_port),
            ConnDirection::Inbound => Some(self.remote_port),
            ConnDirection::Unknown => None,
        }
    }
}

/// Which of `srcaddr`/`dstaddr` is the interface's: `Some(true)` for src.
fn src_is_local(f: &FlowRecord, inv: &Inventory, src: IpAddr, dst: IpAddr) -> Option<bool> {
    match f.flow_direction {
        Some(FlowDirection::Egress) => return Some(true),
        Some(FlowDirection::Ingress) => return Some(false),
        None => {}
    }
    if let Some(eni) = f.interface_id.as_deref() {
        match (inv.interface_owns(eni, src), inv.interface_owns(eni, dst)) {
            (Some(true), Some(false)) => return Some(true),
            (Some(false), Some(true)) => return Some(false),
            _ => {}
        }
    }
    if let Some(me) = inv.resource_for_flow_ref(f) {
        let owner = |a: IpAddr| inv.instance_for_address(a) == Some(me);
        match (owner(src), owner(dst)) {
            (true, false) => return Some(true),
            (false, true) => return Some(false),
            _ => {}
        }
    }
    match (is_internal(src), is_internal(dst)) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// Who opened the connection: `Some(true)` when `srcaddr` did.
fn src_initiated(f: &FlowRecord, sport: u16, dport: u16) -> Option<bool> {
    if f.protocol == Some(TCP) {
        if let Some(flags) = f.tcp_flags {
            if flags & TCP_SYN != 0 {
                return Some(flags & TCP_ACK == 0);
            }
        }
    }
    if sport == 0 && dport == 0 {
        return None;
    }
    match (is_service_port(sport), is_service_port(dport)) {
        (false, true) => Some(true),
        (true, false) => Some(false),
        _ if sport != dport => Some(sport > dport),
        _ => None,
    }
}

/// Orients a flow record; `None` when addresses are missing or the local side cannot be told.
pub fn orient(f: &FlowRecord, inv: &Inventory) -> Option<Oriented> {
    let (src, dst) = (f.srcaddr?, f.dstaddr?);
    let src_local = src_is_local(f, inv, src, dst)?;
    let (sport, dport) = (f.srcport.unwrap_or(0), f.dstport.unwrap_or(0));
    let direction = match src_initiated(f, sport, dport) {
        Some(src_init) if src_init == src_local => ConnDirection::Outbound,
        Some(_) => ConnDirection::Inbound,
        None => ConnDirection::Unknown,
    };
    let (local, remote, local_port, remote_port) = if src_local {
        (src, f.pkt_dstaddr.unwrap_or(dst), sport, dport)
    } else {
        (dst, f.pkt_srcaddr.unwrap_or(src), dport, sport)
    };
    Some(Oriented {
        local,
        remote,
        local_port,
        remote_port,
        egress: src_local,
        direction,
        protocol: f.protocol.unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(src: &str, sp: u16, dst: &str, dp: u16) -> FlowRecord {
        FlowRecord {
            interface_id: Some("eni-1".into()),
            srcaddr: src.parse().ok(),
            dstaddr: dst.parse().ok(),
            srcport: Some(sp),
            dstport: Some(dp),
            protocol: Some(TCP),
            ..FlowRecord::default()
        }
    }

    #[test]
    fn web_server_reply_is_inbound() {
        let inv = Inventory::default();
        let o = orient(&rec("10.0.0.5", 443, "198.51.100.20", 51000), &inv).unwrap();
        assert_eq!(o.local.to_string(), "10.0.0.5");
        assert!(o.egress);
        assert_eq!(o.direction, ConnDirection::Inbound);
        assert_eq!(o.service_port(), Some(443));
        assert_eq!(o.client_port(), Some(51000));
        assert_eq!(o.direction.resource_role(), "TARGET");
    }

    #[test]
    fn client_request_is_outbound() {
        let inv = Inventory::default();
        let o = orient(&rec("198.51.100.20", 22, "10.0.0.5", 40000), &inv).unwrap();
        assert!(!o.egress);
        assert_eq!(o.direction, ConnDirection::Outbound);
        assert_eq!(o.remote_port, 22);
    }

    #[test]
    fn flags_and_flow_direction_win_over_heuristics() {
        let inv = Inventory::default();
        // Both internal: only flow-direction tells the local side.
        let mut r = rec("10.0.0.5", 40000, "10.0.0.9", 60000);
        assert!(orient(&r, &inv).is_none());
        r.flow_direction = Some(FlowDirection::Egress);
        r.tcp_flags = Some(2); // SYN: src opened
        let o = orient(&r, &inv).unwrap();
        assert_eq!(o.direction, ConnDirection::Outbound);
        assert_eq!(o.remote_port, 60000);
        r.tcp_flags = Some(18); // SYN-ACK: dst opened
        assert_eq!(orient(&r, &inv).unwrap().direction, ConnDirection::Inbound);
    }

    #[test]
    fn service_ports() {
        assert!(is_service_port(22));
        assert!(is_service_port(3389));
        assert!(!is_service_port(0));
        assert!(!is_service_port(51515));
        assert_eq!(protocol_name(6), "TCP");
        assert_eq!(protocol_name(2), "IGMP");
    }
}
