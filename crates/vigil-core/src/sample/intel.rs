//! Addresses and domains the sample world uses, chosen so that detectors that depend on bundled
//! intelligence see real indicators and benign traffic never touches a listed one.
//!
//! Sources (snapshots in the project's `refdata/`, see its README for commits and licenses):
//! - `intel/tor-exits.txt` (Tor Metrics Onionoo via alireza-rezaee/tor-nodes, 2026-08-22);
//! - `intel/ipsum-level3.txt` (stamparm/ipsum, 2026-08-22);
//! - `intel/maltrail/crypto_mining.txt` (stamparm/maltrail, 2026-08-23);
//! - `aws/ip-ranges.json` (AWS's published ranges, createDate 2026-08-22);
//! - GuardDuty's tester (`amazon-guardduty-tester`) test domains.
//!
//! The benign address blocks were checked against every list in `refdata/intel/` (Tor exits
//! and relays, ThreatFox, ipsum, maltrail mass scanners, cloud providers' ranges) and AWS's
//! ranges: none of them holds a listed address, so random hosts drawn from them are clean.

use std::net::Ipv4Addr;

/// A Tor exit relay (`intel/tor-exits.txt`): the compromised key's StopLogging comes from it.
pub const TOR_EXIT: Ipv4Addr = Ipv4Addr::new(109, 70, 100, 8);

/// An address on three or more public blocklists (`intel/ipsum-level3.txt`): it brute-forces
/// SSH on the bastion.
pub const SSH_BRUTE_FORCER: Ipv4Addr = Ipv4Addr::new(77, 90, 185, 20);

/// GuardDuty tester's C&C test domain (`Backdoor:EC2/C&CActivity.B!DNS` in GuardDuty).
pub const GUARDDUTY_C2_DOMAIN: &str = "guarddutyc2activityb.com";

/// Mining pools listed in `intel/maltrail/crypto_mining.txt`.
pub const MINING_POOL_DOMAINS: &[&str] =
    &["pool.supportxmr.com", "xmr.nanopool.org", "gulf.moneroocean.stream"];

/// What the mining pool names resolve to in the sample (a pool front end outside AWS).
pub const MINING_POOL_ADDRS: &[Ipv4Addr] = &[Ipv4Addr::new(141, 94, 96, 71), Ipv4Addr::new(141, 94, 96, 72)];

/// Not on any list and outside AWS: an attacker's VPS using stolen instance credentials.
pub const ATTACKER_VPS: Ipv4Addr = Ipv4Addr::new(110, 44, 116, 23);

/// Not on any list: the network a stolen developer key is suddenly used from (a mobile carrier).
pub const ATTACKER_MOBILE: Ipv4Addr = Ipv4Addr::new(197, 210, 54, 88);

/// Residential and business ISP /16 blocks with no listed address in any bundled list and no
/// cloud range: web clients, internet background scanners and remote targets come from here.
pub const CLEAN_BLOCKS: &[[u8; 2]] = &[
    [86, 28],
    [92, 40],
    [82, 132],
    [90, 204],
    [109, 144],
    [73, 92],
    [98, 207],
    [71, 198],
    [76, 102],
    [67, 160],
    [174, 62],
    [68, 34],
    [84, 209],
    [88, 152],
    [93, 104],
    [79, 216],
    [2, 216],
    [31, 94],
    [151, 224],
    [94, 134],
    [85, 255],
    [177, 33],
    [200, 158],
    [122, 172],
    [1, 39],
    [110, 44],
    [60, 241],
    [124, 168],
    [220, 253],
    [36, 2],
    [114, 165],
    [41, 90],
    [105, 112],
];

/// The company's office network (two NAT addresses in one /24: both are "the office").
pub const OFFICE: [Ipv4Addr; 2] = [Ipv4Addr::new(81, 2, 69, 142), Ipv4Addr::new(81, 2, 69, 160)];

/// The self-hosted CI runner's fixed address.
pub const CI_RUNNER: Ipv4Addr = Ipv4Addr::new(88, 152, 14, 20);

/// Well-known update servers and their addresses (Canonical's archive, PyPI, GitHub).
pub const UPDATE_SERVERS: &[(&str, Ipv4Addr, u16)] = &[
    ("archive.ubuntu.com", Ipv4Addr::new(91, 189, 91, 81), 80),
    ("security.ubuntu.com", Ipv4Addr::new(91, 189, 91, 82), 80),
    ("pypi.org", Ipv4Addr::new(151, 101, 0, 223), 443),
    ("files.pythonhosted.org", Ipv4Addr::new(151, 101, 1, 63), 443),
    ("github.com", Ipv4Addr::new(140, 82, 121, 3), 443),
    ("registry.npmjs.org", Ipv4Addr::new(104, 16, 26, 35), 443),
];

/// Public address ranges inside AWS's published EC2 and S3 prefixes (`aws/ip-ranges.json`).
pub struct AwsRanges {
    /// EC2 public addresses (first three octets; the generator picks the last).
    pub ec2: [u8; 3],
    /// S3 front ends reached through gateway endpoints and NAT.
    pub s3: [u8; 3],
}

/// us-east-1: EC2 3.80.0.0/12, S3 52.216.0.0/15.
pub const US_EAST_1: AwsRanges = AwsRanges { ec2: [3, 84, 17], s3: [52, 216, 142] };
/// eu-west-1: EC2 34.240.0.0/13, S3 52.218.0.0/17.
pub const EU_WEST_1: AwsRanges = AwsRanges { ec2: [34, 242, 61], s3: [52, 218, 40] };
/// The staging NAT gateway's Elastic IP (eu-west-1 EC2 range 34.248.0.0/13).
pub const EU_WEST_1_NAT: Ipv4Addr = Ipv4Addr::new(34, 249, 118, 7);
