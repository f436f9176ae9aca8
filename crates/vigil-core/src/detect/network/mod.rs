//! Detectors over VPC Flow Logs: scans, sweeps, brute force, floods, spam, and DNS resolvers
//! that bypass the VPC's own.
//!
//! Shared here: which flow records a detector may read ([`view`]), the entity key a detector
//! keeps state under ([`entity_key`]) and its resolution to an instance at the end
//! ([`resolve_entity`]), order-independent time windows ([`window_buckets`]), bounded evidence
//! samples ([`Samples`]) and the GuardDuty `Instance` resource and `NETWORK_CONNECTION` action.
//!
//! Flow records are aggregates: one record counts the packets and bytes of one direction of one
//! 5-tuple during one capture window. Detectors therefore count *connections* as distinct client
//! ports (a connection keeps its ephemeral port across both directions and every window it
//! spans) and add up packets and bytes per direction.

pub mod brute_force;
pub mod denial_of_service;
pub mod port_sweep;
pub mod portscan;
pub mod spambot;
pub mod unusual_dns;

use serde_json::{json, Map, Value};

use crate::detect::inventory::Inventory;
use crate::detect::Context;
use crate::event::{Event, FlowAction, FlowRecord, SourceRef};
use crate::findings::model::*;
use crate::findings::Draft;
use crate::net::flow::{protocol_name, ConnDirection, Oriented};
use crate::time::{format_iso8601, Millis};

/// How many sample records each detector keeps per entity for evidence.
pub const SAMPLES_PER_ENTITY: usize = 5;

/// A flow record a network detector may read, seen from its interface.
pub struct FlowView<'a> {
    pub rec: &'a FlowRecord,
    pub o: Oriented,
    /// The key state is kept under: see [`entity_key`].
    pub entity: &'a str,
}

/// The key per-instance state is kept under while records stream in: the record's
/// `instance-id`, else its interface id. CloudTrail telling which instance owns an interface
/// may arrive after the flows; [`resolve_entity`] maps the key to the instance at the end.
pub fn entity_key(f: &FlowRecord) -> Option<&str> {
    f.instance_id.as_deref().or(f.interface_id.as_deref()).filter(|s| !s.is_empty())
}

/// The resource id for an entity key once the whole input is seen, or `None` when the entity
/// is a middlebox (NAT gateway, firewall, load balancer) that forwards other hosts' traffic.
pub fn resolve_entity(inv: &Inventory, key: &str) -> Option<String> {
    if key.starts_with("eni-") {
        if inv.is_middlebox(key) {
            return None;
        }
        return Some(inv.instance_for_interface(key).unwrap_or(key).to_string());
    }
    Some(key.to_string())
}

/// The flow record inside an event, oriented, when a network detector can use it: an
/// interface's record (not a Transit Gateway's) whose local side is known.
pub fn view<'a>(event: &'a Event, ctx: &Context) -> Option<FlowView<'a>> {
    let Event::Flow(rec) = event else { return None };
    if rec.tgw_id.is_some() {
        return None;
    }
    let entity = entity_key(rec)?;
    let o = ctx.orient(rec)?;
    Some(FlowView { rec, o, entity })
}

/// Entity keys interned to small numbers: per-record state lookups then neither allocate a
/// key nor hash a string.
#[derive(Default)]
pub struct Entities {
    ids: rustc_hash::FxHashMap<String, u32>,
    names: Vec<String>,
}

impl Entities {
    pub fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), id);
        id
    }

    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }
}

/// Two overlapping bucketings of time into windows of `window` ms, the second shifted by half a
/// window. Counting an event into both means that any burst no longer than half a window lies
/// wholly inside at least one bucket, and the result never depends on the order records
/// arrive in (files come in any order). Even ids are the first bucketing, odd the second.
pub fn window_buckets(t: Millis, window: Millis) -> [i64; 2] {
    [t.div_euclid(window) * 2, (t + window / 2).div_euclid(window) * 2 + 1]
}

/// Per-window state of one entity or pair, in window order (what a `BTreeMap<i64, T>` gave).
/// Most pairs are met in one or two windows, where a map node would be an allocation several
/// times the size of the state; records mostly arrive in time order, so a new window is
/// usually appended.
#[derive(Clone, Debug)]
pub struct Windows<T>(Vec<(i64, T)>);

impl<T> Default for Windows<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T: Default> Windows<T> {
    /// The state of window `id`, created empty when new.
    pub fn slot(&mut self, id: i64) -> &mut T {
        let pos = match self.0.last() {
            Some((last, _)) if *last < id => self.0.len(),
            _ => self.0.partition_point(|(w, _)| *w < id),
        };
        if self.0.get(pos).is_none_or(|(w, _)| *w != id) {
            self.0.insert(pos, (id, T::default()));
        }
        &mut self.0[pos].1
    }
}

impl<T> Windows<T> {
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.0.iter().map(|(_, t)| t)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&i64, &T)> {
        self.0.iter().map(|(w, t)| (w, t))
    }
}

/// What a flow record's evidence line is made of, kept instead of the formatted line: records
/// enter evidence samples far more often than they end up in a finding, so formatting (address
/// to text, one allocation per piece) waits until a finding is built. The interface id is
/// interned in the detector's [`Entities`] rather than copied.
#[derive(Clone, Debug)]
pub struct FlowBrief {
    interface_id: Option<u32>,
    srcaddr: Option<std::net::IpAddr>,
    dstaddr: Option<std::net::IpAddr>,
    srcport: Option<u16>,
    dstport: Option<u16>,
    protocol: u8,
    packets: u64,
    bytes: u64,
    action: FlowAction,
    flow_direction: Option<crate::event::FlowDirection>,
}

impl FlowBrief {
    pub fn of(f: &FlowRecord, names: &mut Entities) -> Self {
        Self {
            interface_id: f.interface_id.as_deref().map(|i| names.id(i)),
            srcaddr: f.srcaddr,
            dstaddr: f.dstaddr,
            srcport: f.srcport,
            dstport: f.dstport,
            protocol: f.protocol.unwrap_or(0),
            packets: f.packets,
            bytes: f.bytes,
            action: f.action,
            flow_direction: f.flow_direction,
        }
    }

    /// The evidence line, e.g. `eni-0a1 10.0.0.5:22 → 45.9.9.9:40000 TCP 12 pkts 3900 bytes ACCEPT`.
    pub fn summary(&self, names: &Entities) -> String {
        let addr = |a: Option<std::net::IpAddr>, p: Option<u16>| match (a, p) {
            (Some(std::net::IpAddr::V6(a)), Some(p)) => format!("[{a}]:{p}"),
            (Some(a), Some(p)) => format!("{a}:{p}"),
            (Some(a), None) => a.to_string(),
            _ => "?".to_string(),
        };
        format!(
            "{} {} → {} {} {} pkts {} bytes {}{}",
            self.interface_id.map_or("?", |i| names.name(i)),
            addr(self.srcaddr, self.srcport),
            addr(self.dstaddr, self.dstport),
            protocol_name(self.protocol),
            self.packets,
            self.bytes,
            match self.action {
                FlowAction::Accept => "ACCEPT",
                FlowAction::Reject => "REJECT",
                FlowAction::Unknown => "-",
            },
            self.flow_direction.map(|d| format!(" ({d:?})").to_lowercase()).unwrap_or_default()
        )
    }
}

/// A bounded, order-independent sample of evidence records: the earliest few by
/// (time, file, record), each with its summary (a text line, or what one is made of).
#[derive(Clone, Debug)]
pub struct Samples<T = String>(Vec<(Millis, SourceRef, T)>);

/// Flow evidence samples, formatted when a finding is built ([`Samples::into_lines`]).
pub type FlowSamples = Samples<FlowBrief>;

impl<T> Default for Samples<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> Samples<T> {
    /// Offers a record; `summary` is only built when the record enters the sample.
    pub fn offer(&mut self, t: Millis, src: SourceRef, summary: impl FnOnce() -> T) {
        if self.0.len() >= SAMPLES_PER_ENTITY {
            let last = self.0.last().map(|e| (e.0, e.1));
            if last.is_some_and(|l| (t, src) >= l) {
                return;
            }
        }
        if self.0.iter().any(|e| e.1 == src) {
            return;
        }
        let pos = self.0.partition_point(|e| (e.0, e.1) < (t, src));
        // Room for one at first: most entities never get a second sample.
        if self.0.capacity() == 0 {
            self.0.reserve_exact(1);
        }
        self.0.insert(pos, (t, src, summary()));
        self.0.truncate(SAMPLES_PER_ENTITY);
    }

    pub fn into_vec(self) -> Vec<(Millis, SourceRef, T)> {
        self.0
    }
}

impl<T: Clone> Samples<T> {
    pub fn merge(&mut self, other: &Samples<T>) {
        for (t, src, s) in &other.0 {
            self.offer(*t, *src, || s.clone());
        }
    }
}

impl FlowSamples {
    /// The samples with their evidence lines formatted (`names`: where the interface ids were
    /// interned).
    pub fn lines(&self, names: &Entities) -> Samples<String> {
        Samples(self.0.iter().map(|(t, src, b)| (*t, *src, b.summary(names))).collect())
    }
}

/// First and last time seen.
#[derive(Clone, Copy, Debug)]
pub struct Span {
    pub first: Millis,
    pub last: Millis,
}

impl Default for Span {
    fn default() -> Self {
        Self { first: Millis::MAX, last: Millis::MIN }
    }
}

impl Span {
    pub fn add(&mut self, f: &FlowRecord) {
        self.first = self.first.min(f.start);
        self.last = self.last.max(f.end.max(f.start));
    }

    pub fn add_time(&mut self, t: Millis) {
        self.first = self.first.min(t);
        self.last = self.last.max(t);
    }

    pub fn merge(&mut self, o: Span) {
        self.first = self.first.min(o.first);
        self.last = self.last.max(o.last);
    }

    pub fn json(&self) -> (Value, Value) {
        (json!(format_iso8601(self.first)), json!(format_iso8601(self.last)))
    }
}

/// GuardDuty's `Instance` resource for an instance (or interface) id.
pub fn instance_resource(inv: &Inventory, id: &str) -> Resource {
    Resource {
        resource_type: "Instance".to_string(),
        instance_details: Some(inv.instance_details(id)),
        ..Resource::default()
    }
}

/// The endpoints of a connection for GuardDuty's `networkConnectionAction`.
pub struct Connection {
    pub direction: ConnDirection,
    pub protocol: u8,
    pub local: Option<std::net::IpAddr>,
    pub local_port: Option<u16>,
    pub remote: Option<std::net::IpAddr>,
    pub remote_port: Option<u16>,
    pub blocked: bool,
}

/// GuardDuty's `NETWORK_CONNECTION` action.
pub fn connection_action(c: &Connection) -> Action {
    Action {
        action_type: "NETWORK_CONNECTION".to_string(),
        network_connection_action: Some(NetworkConnectionAction {
            connection_direction: c.direction.as_str().to_string(),
            blocked: c.blocked,
            protocol: protocol_name(c.protocol).to_string(),
            local_port_details: c.local_port.map(PortDetails::new),
            remote_port_details: c.remote_port.map(PortDetails::new),
            local_ip_details: c.local.map(LocalIpDetails::for_ip),
            remote_ip_details: c.remote.map(RemoteIpDetails::for_ip),
        }),
        ..Action::default()
    }
}

/// A draft about an instance: resource, account, region, span, role, action and evidence
/// filled in. `key` is the entity key the detector kept state under.
#[allow(clippy::too_many_arguments)]
pub fn instance_draft(
    ctx: &Context,
    resource_id: &str,
    finding_type: &str,
    severity: f64,
    span: Span,
    conn: &Connection,
    samples: Samples<String>,
    detector: &'static str,
) -> Draft {
    let inv = &ctx.inventory;
    let mut d = Draft::at(finding_type, severity, span.first, detector);
    d.last_seen = span.last.max(span.first);
    let (account, region) = inv.location(resource_id);
    d.account_id = account;
    d.region = region;
    d.resource = instance_resource(inv, resource_id);
    d.action = connection_action(conn);
    d.resource_role = conn.direction.resource_role();
    d.evidence = samples.into_vec();
    d.actor = Some(match conn.direction {
        ConnDirection::Outbound => resource_id.to_string(),
        _ => conn.remote.map(|r| r.to_string()).unwrap_or_else(|| resource_id.to_string()),
    });
    d
}

/// Inserts a JSON value into a draft's `additionalInfo`.
pub fn info(map: &mut Map<String, Value>, key: &str, v: impl Into<Value>) {
    map.insert(key.to_string(), v.into());
}

/// Human-readable byte counts for `why` lines.
pub fn human_bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Test helpers: flow records built directly.
#[cfg(test)]
pub mod fixtures {
    use crate::event::{Event, FlowAction, FlowDirection, FlowRecord, SourceRef};
    use crate::time::Millis;

    /// A base time: 2024-03-01T00:00:00Z.
    pub const T0: Millis = 1_709_251_200_000;

    /// One accepted flow record on `eni` in the given direction (`srcaddr:port → dstaddr:port`).
    #[allow(clippy::too_many_arguments)]
    pub fn flow(
        n: u64,
        eni: &str,
        src: &str,
        sport: u16,
        dst: &str,
        dport: u16,
        proto: u8,
        packets: u64,
        bytes: u64,
        t: Millis,
    ) -> FlowRecord {
        FlowRecord {
            src: SourceRef { file: 0, record: n },
            version: 2,
            account_id: Some("111122223333".into()),
            interface_id: Some(eni.into()),
            srcaddr: src.parse().ok(),
            dstaddr: dst.parse().ok(),
            srcport: Some(sport),
            dstport: Some(dport),
            protocol: Some(proto),
            packets,
            bytes,
            start: t,
            end: t + 60_000,
            action: FlowAction::Accept,
            ..FlowRecord::default()
        }
    }

    pub fn ev(f: FlowRecord) -> Event {
        Event::Flow(f)
    }

    pub fn egress(mut f: FlowRecord) -> FlowRecord {
        f.flow_direction = Some(FlowDirection::Egress);
        f
    }

    pub fn rejected(mut f: FlowRecord) -> FlowRecord {
        f.action = FlowAction::Reject;
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_overlap() {
        let w = 600_000;
        assert_eq!(window_buckets(0, w), [0, 1]);
        assert_eq!(window_buckets(299_999, w), [0, 1]);
        assert_eq!(window_buckets(300_000, w), [0, 3]);
        assert_eq!(window_buckets(600_000, w), [2, 3]);
        assert_eq!(window_buckets(-1, w), [-2, 1]);
    }

    #[test]
    fn samples_keep_the_earliest_whatever_the_order() {
        let mut a = Samples::default();
        let mut b = Samples::default();
        let recs: Vec<(Millis, SourceRef)> =
            (0..12).map(|i| (1000 - i * 10, SourceRef { file: 0, record: i as u64 })).collect();
        for r in &recs {
            a.offer(r.0, r.1, || format!("{}", r.1.record));
        }
        for r in recs.iter().rev() {
            b.offer(r.0, r.1, || format!("{}", r.1.record));
        }
        let a = a.into_vec();
        assert_eq!(a, b.into_vec());
        assert_eq!(a.len(), SAMPLES_PER_ENTITY);
        assert_eq!(a[0].0, 1000 - 110);
    }

    #[test]
    fn cloudtrail_arriving_after_the_flows_still_names_the_instance() {
        use crate::detect::testing::scan_events;
        use crate::ingest::cloudtrail::parse_record;
        use fixtures::*;
        let mut events: Vec<Event> = (0..30u64)
            .map(|i| {
                ev(flow(
                    i,
                    "eni-01",
                    "45.9.9.9",
                    40000 + i as u16,
                    "10.0.1.5",
                    22,
                    6,
                    12,
                    3000,
                    T0 + i as i64 * 1000,
                ))
            })
            .collect();
        let run = r#"{"eventTime":"2024-03-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","awsRegion":"eu-west-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser"},
          "responseElements":{"instancesSet":{"items":[{"instanceId":"i-0abc","instanceType":"t3.micro","tagSet":{"items":[{"key":"Name","value":"bastion"}]},
          "networkInterfaceSet":{"items":[{"networkInterfaceId":"eni-01","privateIpAddress":"10.0.1.5"}]}}]}}}"#;
        events.push(Event::Api(Box::new(parse_record(run, SourceRef { file: 0, record: 99 }).unwrap())));
        let f = scan_events(events);
        assert_eq!(f.len(), 1, "{f:#?}");
        let d = f[0].resource.instance_details.as_ref().unwrap();
        assert_eq!(d.instance_id, "i-0abc");
        assert_eq!(d.tags[0].value, "bastion");
        assert_eq!(f[0].region, "eu-west-1");
        assert_eq!(f[0].account_id, "111122223333");
    }

    /// Flow-log text (header line optional) → events, through the real parser.
    fn from_text(text: &str) -> Vec<Event> {
        use crate::ingest::flow::{FlowFormat, FlowLine};
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty()).peekable();
        let format = match lines.peek().and_then(|l| FlowFormat::from_header(l.as_bytes())) {
            Some(f) => {
                lines.next();
                f
            }
            None => FlowFormat::default(),
        };
        lines
            .enumerate()
            .filter_map(|(i, l)| {
                match format.parse_line(l.as_bytes(), SourceRef { file: 0, record: i as u64 }) {
                    Ok(FlowLine::Record(r)) => Some(Event::Flow(*r)),
                    Ok(FlowLine::Skip(_)) => None,
                    Err(e) => panic!("fixture line {i}: {e}"),
                }
            })
            .collect()
    }

    #[test]
    fn default_v2_text_feeds_brute_force() {
        // No header: the default v2 format. 30 SSH logins from the internet, both directions.
        let mut text = String::new();
        for i in 0..30 {
            let t = 1_709_251_200 + i * 5;
            text += &format!(
                "2 111122223333 eni-0a1 45.9.9.9 10.0.0.5 {} 22 6 14 3200 {t} {} ACCEPT OK\n",
                40000 + i,
                t + 60
            );
            text += &format!(
                "2 111122223333 eni-0a1 10.0.0.5 45.9.9.9 22 {} 6 12 3900 {t} {} ACCEPT OK\n",
                40000 + i,
                t + 60
            );
        }
        text += "2 111122223333 eni-0a1 - - - - - - - 1709251200 1709251260 - NODATA\n";
        let f = crate::detect::testing::scan_events(from_text(&text));
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].finding_type, "UnauthorizedAccess:EC2/SSHBruteForce");
        assert_eq!(f[0].service.count, 30);
        assert_eq!(f[0].account_id, "111122223333");
    }

    #[test]
    fn v5_text_with_flow_direction_and_tcp_flags_feeds_an_east_west_portscan() {
        // Both ends private: only flow-direction (and tcp-flags for who opened) tell the story.
        let mut text = String::from(
            "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action \
             log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id \
             sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path\n",
        );
        for p in 1..=120 {
            let t = 1_709_251_200 + p;
            text += &format!(
                "5 111122223333 eni-0b2 10.0.0.9 10.0.3.3 61000 {p} 6 1 44 {t} {} ACCEPT OK vpc-1 subnet-1 i-0scan 2 IPv4 \
                 10.0.0.9 10.0.3.3 eu-west-1 euw1-az1 - - - - egress 1\n",
                t + 60
            );
            // Closed ports answer with a reset (ingress, RST = 4).
            text += &format!(
                "5 111122223333 eni-0b2 10.0.3.3 10.0.0.9 {p} 61000 6 1 40 {t} {} ACCEPT OK vpc-1 subnet-1 i-0scan 4 IPv4 \
                 10.0.3.3 10.0.0.9 eu-west-1 euw1-az1 - - - - ingress -\n",
                t + 60
            );
        }
        let f = crate::detect::testing::scan_events(from_text(&text));
        let scans: Vec<_> = f.iter().filter(|x| x.finding_type == "Recon:EC2/Portscan").collect();
        assert_eq!(scans.len(), 1, "{f:#?}");
        assert_eq!(scans[0].resource.instance_details.as_ref().unwrap().instance_id, "i-0scan");
        assert_eq!(scans[0].region, "eu-west-1");
    }

    #[test]
    fn custom_field_order_text_feeds_spambot() {
        let mut text = String::from("interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n");
        for i in 0..30 {
            let t = 1_709_251_200 + i * 30;
            text += &format!(
                "eni-0c3 10.0.0.4 185.{}.7.25 {} 25 6 20 9000 {t} {} ACCEPT OK\n",
                10 + i,
                33000 + i,
                t + 60
            );
        }
        let f = crate::detect::testing::scan_events(from_text(&text));
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].finding_type, "Backdoor:EC2/Spambot");
    }

    /// Scale check (run with `--ignored --nocapture`): a busy web server answering 250,000
    /// public clients plus internet background scanning, one million records; nothing fires.
    #[test]
    #[ignore]
    fn million_benign_records() {
        use fixtures::*;
        let start = std::time::Instant::now();
        let mut engine = crate::detect::Engine::default();
        let mut n = 0u64;
        for i in 0..250_000u64 {
            let client = format!("{}.{}.{}.{}", 23 + i % 150, (i >> 8) % 256, i % 256, 1 + i % 200);
            let cport = 1024 + (i * 7 % 60000) as u16;
            let t = T0 + (i as i64) * 300;
            engine.observe(&ev(flow(n, "eni-web", &client, cport, "10.0.0.5", 443, 6, 12, 2400, t)));
            engine.observe(&ev(flow(n + 1, "eni-web", "10.0.0.5", 443, &client, cport, 6, 14, 18_000, t)));
            // Background scanning of closed ports, and the resets.
            let port = (i % 1000) as u16 + 1;
            engine.observe(&ev(flow(n + 2, "eni-web", &client, 50000, "10.0.0.5", port, 6, 1, 44, t)));
            engine.observe(&ev(flow(n + 3, "eni-web", "10.0.0.5", port, &client, 50000, 6, 1, 40, t)));
            n += 4;
        }
        let findings = engine.finish();
        println!("{n} records in {:?}; {} findings", start.elapsed(), findings.len());
        assert!(findings.is_empty(), "{:#?}", &findings[..findings.len().min(3)]);
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(2048), "2.0 KB");
    }
}
