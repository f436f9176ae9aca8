//! Address classes: which addresses are private, shared, special-purpose or publicly routable.
//!
//! Written out from the IANA special-purpose registries (RFC 6890 and successors) rather than
//! `std`'s `is_global`, which is unstable, and because detectors need to know *which* class an
//! address is in (a CGNAT peer is not "the internet", a link-local peer may be the instance
//! metadata service). IPv4-mapped (`::ffff:a.b.c.d`) and NAT64 (`64:ff9b::/96`) addresses are
//! classified by the IPv4 address they carry.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The instance metadata service (IMDS) over IPv4.
pub const IMDS_V4: Ipv4Addr = Ipv4Addr::new(169, 254, 169, 254);
/// The instance metadata service over IPv6 (Nitro instances).
pub const IMDS_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254);
/// The Amazon-provided DNS resolver's link-local IPv4 address (also reachable at VPC base + 2).
pub const AMAZON_DNS_V4: Ipv4Addr = Ipv4Addr::new(169, 254, 169, 253);
/// The Amazon-provided DNS resolver over IPv6 (Nitro instances).
pub const AMAZON_DNS_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0253);
/// The Amazon Time Sync Service.
pub const AMAZON_NTP_V4: Ipv4Addr = Ipv4Addr::new(169, 254, 169, 123);

/// What kind of address an address is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AddrClass {
    /// `0.0.0.0/8`, `::`.
    Unspecified,
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// RFC 1918: `10/8`, `172.16/12`, `192.168/16`.
    Private,
    /// RFC 6598 carrier-grade NAT shared space `100.64.0.0/10`.
    SharedCgnat,
    /// `169.254.0.0/16`, `fe80::/10` (includes the instance metadata service and Amazon DNS).
    LinkLocal,
    /// `224.0.0.0/4`, `ff00::/8`.
    Multicast,
    /// `255.255.255.255`.
    Broadcast,
    /// RFC 5737 `192.0.2/24`, `198.51.100/24`, `203.0.113/24`; RFC 3849 `2001:db8::/32`.
    Documentation,
    /// RFC 2544 benchmarking `198.18.0.0/15`, `2001:2::/48`.
    Benchmarking,
    /// IETF protocol assignments `192.0.0.0/24`, `2001::/23` (except the global sub-blocks
    /// Teredo and friends), 6to4 relay anycast `192.88.99.0/24`, discard-only `100::/64`.
    ProtocolAssignment,
    /// `240.0.0.0/4` (former class E).
    Reserved,
    /// RFC 4193 unique local `fc00::/7` (the IPv6 counterpart of RFC 1918; includes the IMDS and
    /// Amazon DNS IPv6 addresses).
    UniqueLocal,
    /// Everything else: publicly routable.
    Public,
}

impl AddrClass {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unspecified => "unspecified",
            Self::Loopback => "loopback",
            Self::Private => "private (RFC 1918)",
            Self::SharedCgnat => "shared/CGNAT (RFC 6598)",
            Self::LinkLocal => "link-local",
            Self::Multicast => "multicast",
            Self::Broadcast => "broadcast",
            Self::Documentation => "documentation",
            Self::Benchmarking => "benchmarking",
            Self::ProtocolAssignment => "IETF protocol assignment",
            Self::Reserved => "reserved",
            Self::UniqueLocal => "unique local (RFC 4193)",
            Self::Public => "public",
        }
    }

    /// Addresses of one's own networks: RFC 1918, CGNAT, link-local and IPv6 unique local.
    pub fn is_internal(self) -> bool {
        matches!(self, Self::Private | Self::SharedCgnat | Self::LinkLocal | Self::UniqueLocal)
    }
}

/// The class of an IPv4 address.
pub fn classify_v4(ip: Ipv4Addr) -> AddrClass {
    let o = ip.octets();
    match o {
        [0, ..] => AddrClass::Unspecified,
        [127, ..] => AddrClass::Loopback,
        [10, ..] | [192, 168, ..] => AddrClass::Private,
        [172, b, ..] if (16..=31).contains(&b) => AddrClass::Private,
        [100, b, ..] if (64..=127).contains(&b) => AddrClass::SharedCgnat,
        [169, 254, ..] => AddrClass::LinkLocal,
        [255, 255, 255, 255] => AddrClass::Broadcast,
        [a, ..] if (224..=239).contains(&a) => AddrClass::Multicast,
        [a, ..] if a >= 240 => AddrClass::Reserved,
        [192, 0, 2, _] | [198, 51, 100, _] | [203, 0, 113, _] => AddrClass::Documentation,
        [198, b, ..] if b == 18 || b == 19 => AddrClass::Benchmarking,
        // 192.0.0.9 and 192.0.0.10 (PCP and TURN anycast) are globally reachable; the rest of
        // the block is not.
        [192, 0, 0, 9] | [192, 0, 0, 10] => AddrClass::Public,
        [192, 0, 0, _] | [192, 88, 99, _] => AddrClass::ProtocolAssignment,
        _ => AddrClass::Public,
    }
}

/// The class of an IPv6 address.
pub fn classify_v6(ip: Ipv6Addr) -> AddrClass {
    if let Some(v4) = embedded_v4(ip) {
        return classify_v4(v4);
    }
    let s = ip.segments();
    if ip.is_unspecified() {
        return AddrClass::Unspecified;
    }
    if ip.is_loopback() {
        return AddrClass::Loopback;
    }
    match s[0] {
        x if x & 0xff00 == 0xff00 => AddrClass::Multicast,
        x if x & 0xffc0 == 0xfe80 => AddrClass::LinkLocal,
        x if x & 0xfe00 == 0xfc00 => AddrClass::UniqueLocal,
        0x2001 if s[1] == 0x0db8 => AddrClass::Documentation,
        0x2001 if s[1] == 0x0002 && s[2] == 0 => AddrClass::Benchmarking,
        // 2001::/23 is IETF protocol assignments, except the globally reachable sub-blocks:
        // Teredo 2001::/32, AMT 2001:3::/32, AS112 2001:4:112::/48, ORCHIDv2 2001:20::/28.
        0x2001 if s[1] < 0x0200 => match s[1] {
            0x0000 | 0x0003 => AddrClass::Public,
            0x0004 if s[2] == 0x0112 => AddrClass::Public,
            x if (0x0020..=0x002f).contains(&x) => AddrClass::Public,
            _ => AddrClass::ProtocolAssignment,
        },
        0x0100 if s[1] == 0 && s[2] == 0 && s[3] == 0 => AddrClass::ProtocolAssignment,
        // Anything outside 2000::/3 (global unicast) that is not one of the above is reserved.
        x if x & 0xe000 != 0x2000 => AddrClass::Reserved,
        _ => AddrClass::Public,
    }
}

/// The IPv4 address inside an IPv4-mapped (`::ffff:0:0/96`) or NAT64 (`64:ff9b::/96`) address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if s[..5] == [0, 0, 0, 0, 0] && s[5] == 0xffff {
        return Some(tail);
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(tail);
    }
    None
}

/// The class of an address.
pub fn classify(ip: IpAddr) -> AddrClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

/// `true` for publicly routable unicast addresses: what GuardDuty means by "publicly routable
/// IP addresses" in its denial-of-service and sweep findings.
pub fn is_public(ip: IpAddr) -> bool {
    classify(ip) == AddrClass::Public
}

/// `true` for addresses of one's own networks (RFC 1918, CGNAT, link-local, IPv6 ULA).
pub fn is_internal(ip: IpAddr) -> bool {
    classify(ip).is_internal()
}

/// `true` for the instance metadata service (IPv4 or IPv6), including the IPv4-mapped form.
pub fn is_metadata_service(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4 == IMDS_V4,
        IpAddr::V6(v6) => v6 == IMDS_V6 || embedded_v4(v6) == Some(IMDS_V4),
    }
}

/// `true` for the Amazon-provided DNS resolver at its link-local addresses. The resolver is
/// also reachable at the VPC CIDR base + 2, which only the VPC's CIDR tells; see
/// [`is_probably_vpc_resolver`].
pub fn is_amazon_dns(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4 == AMAZON_DNS_V4,
        IpAddr::V6(v6) => v6 == AMAZON_DNS_V6,
    }
}

/// `true` for an internal address ending in `.2`, where the VPC resolver sits at base + 2 for
/// the common CIDR sizes (/16 to /24). Used only to *excuse* DNS traffic, never to accuse.
pub fn is_probably_vpc_resolver(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_internal(ip) && v4.octets()[3] == 2,
        IpAddr::V6(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> AddrClass {
        classify(s.parse().unwrap())
    }

    #[test]
    fn ipv4_classes() {
        assert_eq!(c("10.1.2.3"), AddrClass::Private);
        assert_eq!(c("172.16.0.1"), AddrClass::Private);
        assert_eq!(c("172.31.255.255"), AddrClass::Private);
        assert_eq!(c("172.32.0.1"), AddrClass::Public);
        assert_eq!(c("172.15.255.255"), AddrClass::Public);
        assert_eq!(c("192.168.1.1"), AddrClass::Private);
        assert_eq!(c("100.64.0.1"), AddrClass::SharedCgnat);
        assert_eq!(c("100.127.255.255"), AddrClass::SharedCgnat);
        assert_eq!(c("100.128.0.1"), AddrClass::Public);
        assert_eq!(c("169.254.169.254"), AddrClass::LinkLocal);
        assert_eq!(c("127.0.0.1"), AddrClass::Loopback);
        assert_eq!(c("0.0.0.0"), AddrClass::Unspecified);
        assert_eq!(c("224.0.0.251"), AddrClass::Multicast);
        assert_eq!(c("255.255.255.255"), AddrClass::Broadcast);
        assert_eq!(c("240.0.0.1"), AddrClass::Reserved);
        assert_eq!(c("198.51.100.7"), AddrClass::Documentation);
        assert_eq!(c("203.0.113.9"), AddrClass::Documentation);
        assert_eq!(c("192.0.2.1"), AddrClass::Documentation);
        assert_eq!(c("198.18.5.5"), AddrClass::Benchmarking);
        assert_eq!(c("192.0.0.8"), AddrClass::ProtocolAssignment);
        assert_eq!(c("192.0.0.9"), AddrClass::Public);
        assert_eq!(c("8.8.8.8"), AddrClass::Public);
        assert_eq!(c("52.95.110.1"), AddrClass::Public);
    }

    #[test]
    fn ipv6_classes() {
        assert_eq!(c("::1"), AddrClass::Loopback);
        assert_eq!(c("::"), AddrClass::Unspecified);
        assert_eq!(c("fe80::1"), AddrClass::LinkLocal);
        assert_eq!(c("fd00:ec2::254"), AddrClass::UniqueLocal);
        assert_eq!(c("fc12::1"), AddrClass::UniqueLocal);
        assert_eq!(c("ff02::1"), AddrClass::Multicast);
        assert_eq!(c("2001:db8::1"), AddrClass::Documentation);
        assert_eq!(c("2001::1"), AddrClass::Public, "Teredo is global");
        assert_eq!(c("2001:10::1"), AddrClass::ProtocolAssignment);
        assert_eq!(c("2600:1f18::1"), AddrClass::Public);
        assert_eq!(c("::ffff:10.0.0.1"), AddrClass::Private);
        assert_eq!(c("::ffff:8.8.8.8"), AddrClass::Public);
        assert_eq!(c("64:ff9b::192.168.0.1"), AddrClass::Private);
        assert_eq!(c("100::1"), AddrClass::ProtocolAssignment);
        assert_eq!(c("4000::1"), AddrClass::Reserved);
    }

    #[test]
    fn aws_special_addresses() {
        assert!(is_metadata_service("169.254.169.254".parse().unwrap()));
        assert!(is_metadata_service("fd00:ec2::254".parse().unwrap()));
        assert!(is_metadata_service("::ffff:169.254.169.254".parse().unwrap()));
        assert!(!is_metadata_service("169.254.169.253".parse().unwrap()));
        assert!(is_amazon_dns("169.254.169.253".parse().unwrap()));
        assert!(is_probably_vpc_resolver("10.0.0.2".parse().unwrap()));
        assert!(!is_probably_vpc_resolver("8.8.8.2".parse().unwrap()));
        assert!(is_public("1.1.1.1".parse().unwrap()));
        assert!(!is_public("100.64.1.1".parse().unwrap()));
        assert!(is_internal("100.64.1.1".parse().unwrap()));
    }
}
