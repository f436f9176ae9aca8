//! Baselines: what each principal, S3 bucket and EC2 instance normally does, learned from the
//! logs themselves, and how the analysed period departs from it.
//!
//! **How it runs.** The engine feeds every event to [`Baselines::observe`], in arrival order
//! (files arrive in any order, so nothing here assumes time order). `observe` keeps compact
//! aggregates, never event copies: per principal, per UTC day, per source network and
//! user-agent family, the APIs called (with counts, errors and one evidence sample each), regions
//! and hours; per bucket, day, principal and network, the operations and bytes per hour; per
//! instance (or network interface), day and remote network, the ports, protocols and bytes sent
//! per hour. Strings are interned. [`Baselines::finish`] then, per account, splits the days into
//! the learning window — the earliest [`BaselineConfig::learning_days`] days of the input — and
//! the analysed days after it, builds the [`Baseline`] profiles from the learning window and
//! scores the analysed days against them ([`score`]). With an imported baseline for an account,
//! every day of the input is scored against it and nothing is learned first.
//!
//! **Portable.** [`Baselines::export`] returns a [`BaselineFile`] (versioned JSON, one
//! [`Baseline`] per account) holding everything learned from this input, merged into the
//! imported baseline when there was one; importing it later judges new logs against it.
//!
//! **For other detectors.** [`Baselines::principal_network_seen`] tells whether a principal
//! recurrently uses a source network (the "learns recurring remote networks" behaviour of
//! GuardDuty's InstanceCredentialExfiltration findings).
//!
//! **For the console.** [`Baselines::views`] gives, per entity, its profile and how the analysed
//! window departs from it ([`view`]).

pub mod features;
pub mod profile;
pub mod score;
pub mod tactics;
pub mod view;

#[cfg(test)]
mod tests;

use rustc_hash::FxHashMap as HashMap;
use std::net::IpAddr;

use ipnet::IpNet;

use serde::Deserialize;

use crate::detect::common::summarize;
use crate::event::{
    ApiCall, Event, EventCategory, FlowAction, FlowDirection, FlowRecord, IdentityType, SmolStr, SourceRef,
};
use crate::geo::{GeoDb, GeoInfo};
use crate::time::{day_of, format_iso8601, hour_of_day, Millis, DAY};
use features::{agent_family, call_network, network_of, wider_network, Interner, Sym};
pub use profile::{Baseline, BaselineFile, BucketProfile, InstanceProfile, PrincipalProfile, Seen};
use tactics::{s3_class, tactic_of, S3Class};

/// GuardDuty learns for roughly one to two weeks; two weeks by default.
pub const DEFAULT_LEARNING_DAYS: u32 = 14;
/// The learning window never takes more than this share (numerator, denominator) of an
/// account's input span, so the rest is scored.
pub const MAX_LEARNING_SHARE: (i64, i64) = (2, 3);

/// How many of the earliest days of an input spanning `span_days` (first to last day, both
/// included) are learned: up to `max_days`, but never more than two thirds of the span
/// (rounded down). Two weeks of logs learn their first 9 days and score the last 5; four weeks
/// learn 14 and score 14; a single day learns nothing (everything is scored against an empty
/// baseline, which judges nothing). Without the cap, logs shorter than `max_days` would be all
/// learning and nothing would ever be scored.
pub fn learning_window(max_days: u32, span_days: i64) -> i64 {
    let (num, den) = MAX_LEARNING_SHARE;
    (max_days as i64).min(span_days.max(0) * num / den)
}
/// Remote networks kept per instance and day; more go to one "(other)" peer and peer novelty
/// is not judged for that instance (a public web server talks to the whole internet).
pub const MAX_PEERS_PER_DAY: u32 = 512;
/// Appends `n` in decimal.
fn push_decimal(out: &mut String, n: u8) {
    if n >= 100 {
        out.push(char::from(b'0' + n / 100));
    }
    if n >= 10 {
        out.push(char::from(b'0' + n / 10 % 10));
    }
    out.push(char::from(b'0' + n % 10));
}

/// Distinct raw user agents whose family is remembered (see `Baselines::agent_sym`).
const MAX_CACHED_AGENTS: usize = 1 << 16;
/// Console sign-ins kept per run (each is a few dozen bytes).
pub const MAX_LOGINS: usize = 200_000;

/// How baselines are learned.
#[derive(Clone, Debug)]
pub struct BaselineConfig {
    /// The longest learning window, in days from the first day of each account's input; a
    /// shorter input learns less ([`learning_window`]).
    pub learning_days: u32,
    /// A baseline exported earlier: accounts it covers are scored entirely against it.
    pub imported: Option<BaselineFile>,
}

impl Default for BaselineConfig {
    fn default() -> Self {
        Self { learning_days: DEFAULT_LEARNING_DAYS, imported: None }
    }
}

/// One event kept as evidence: where it is and a one-line summary, plus the call details a
/// finding's `action` needs.
#[derive(Clone, Debug, Default)]
pub struct Sample {
    pub time: Millis,
    pub src: SourceRef,
    pub summary: String,
    pub api: SmolStr,
    pub event_source: SmolStr,
    pub region: SmolStr,
    pub source_ip: SmolStr,
    pub source_addr: Option<IpAddr>,
    pub user_agent: SmolStr,
    pub error_code: Option<SmolStr>,
}

impl Sample {
    fn of_call(c: &ApiCall) -> Self {
        Self {
            time: c.time,
            src: c.src,
            summary: summarize(c),
            api: c.event_name.clone(),
            event_source: c.event_source.clone(),
            region: c.region.clone(),
            source_ip: c.source_ip.clone(),
            source_addr: c.source_addr,
            user_agent: c.user_agent.clone(),
            error_code: c.error_code.clone(),
        }
    }

    fn earlier_than(&self, time: Millis, src: SourceRef) -> bool {
        (self.time, self.src) <= (time, src)
    }
}

/// Who made a call, for a finding's `accessKeyDetails`.
#[derive(Clone, Debug, Default)]
pub struct Who {
    pub kind: String,
    pub name: String,
    pub access_key_id: String,
    pub principal_id: String,
    pub time: Millis,
}

impl Who {
    fn of_call(c: &ApiCall) -> Self {
        let id = &c.identity;
        Self {
            kind: id.kind.as_str().to_string(),
            name: id.name().to_string(),
            access_key_id: id.access_key_id.as_deref().unwrap_or_default().to_string(),
            principal_id: id.principal_id.as_deref().unwrap_or_default().to_string(),
            time: c.time,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct ApiUse {
    pub calls: u64,
    pub errors: u64,
    /// Boxed: uses live in per-group maps, which grow by moving their entries, and a new group
    /// (one per principal, day, network and agent) starts with a table of a few entries.
    pub sample: Box<Sample>,
}

impl ApiUse {
    fn add(&mut self, c: &ApiCall) {
        if self.calls == 0 || !self.sample.earlier_than(c.time, c.src) {
            *self.sample = Sample::of_call(c);
        }
        self.calls += 1;
        self.errors += c.failed() as u64;
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct PrincipalKey {
    pub account: Sym,
    pub principal: Sym,
    pub day: i64,
    pub network: Sym,
    pub agent: Sym,
}

/// One principal's calls on one day from one network with one user-agent family.
#[derive(Default)]
pub(crate) struct PrincipalGroup {
    pub calls: u64,
    pub errors: u64,
    pub hours: [u32; 24],
    pub regions: HashMap<Sym, u64>,
    /// `service:API` → use.
    pub apis: HashMap<Sym, ApiUse>,
    pub who: Who,
}

/// A successful console sign-in.
pub(crate) struct Login {
    pub account: Sym,
    pub principal: Sym,
    pub network: Sym,
    pub agent: Sym,
    pub mfa: bool,
    pub sample: Sample,
    pub who: Who,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct BucketKey {
    pub account: Sym,
    pub bucket: Sym,
    pub day: i64,
    pub principal: Sym,
    pub network: Sym,
}

/// One principal's calls to one bucket on one day from one network.
#[derive(Default)]
pub(crate) struct BucketGroup {
    /// API name → use.
    pub ops: HashMap<Sym, ApiUse>,
    /// Per UTC hour: bytes read, bytes written, delete calls.
    pub hourly: HashMap<u8, [u64; 3]>,
    pub who: Who,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct FlowKey {
    pub account: Sym,
    /// Instance id, or network interface id when the flow log has no instance id.
    pub endpoint: Sym,
    pub day: i64,
    pub peer: Sym,
}

/// A port/protocol used with one peer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct PortKey {
    pub protocol: u8,
    pub port: u16,
    /// `true`: the instance connected to the remote's port; `false`: the remote connected to
    /// the instance's port.
    pub outbound: bool,
}

#[derive(Clone, Debug, Default)]
pub struct FlowSample {
    pub time: Millis,
    pub src: SourceRef,
    pub local: Option<IpAddr>,
    pub remote: Option<IpAddr>,
    pub local_port: u16,
    pub remote_port: u16,
    pub protocol: u8,
    pub blocked: bool,
    pub region: String,
    pub interface_id: String,
    pub instance_id: Option<String>,
}

impl FlowSample {
    pub fn summary(&self) -> String {
        let ip = |a: Option<IpAddr>| a.map_or("?".to_string(), |a| a.to_string());
        format!(
            "{} {}:{} → {}:{}{}",
            protocol_name(self.protocol),
            ip(self.local),
            self.local_port,
            ip(self.remote),
            self.remote_port,
            if self.blocked { " [REJECT]" } else { "" }
        )
    }
}

#[derive(Default)]
pub(crate) struct PortUse {
    pub flows: u64,
    pub bytes_out: u64,
    pub bytes_in: u64,
    pub sample: FlowSample,
}

/// One instance's traffic with one remote network on one day.
#[derive(Default)]
pub(crate) struct FlowGroup {
    pub flows: u64,
    pub bytes_out: u64,
    pub bytes_in: u64,
    /// UTC hour → bytes sent to this peer.
    pub hourly_out: HashMap<u8, u64>,
    pub ports: HashMap<PortKey, PortUse>,
    /// DNS servers (full addresses) queried in this peer network.
    pub resolvers: Vec<IpAddr>,
    /// More peers than [`MAX_PEERS_PER_DAY`] were folded into this group.
    pub folded: bool,
}

/// The per-account outcome of [`Baselines::finish`].
#[derive(Default)]
pub(crate) struct AccountState {
    pub first_day: i64,
    pub last_day: i64,
    /// First analysed day (days before it are learned); `i64::MIN` when imported.
    pub analysed_from: i64,
    /// The baseline scored against.
    pub baseline: Baseline,
    pub imported: bool,
}

/// Learns baselines from the events and scores the analysed period. Lives in
/// [`crate::detect::Context`]; the engine feeds it and finishes it before the detectors finish.
#[derive(Default)]
pub struct Baselines {
    pub config: BaselineConfig,
    pub(crate) strings: Interner,
    pub(crate) spans: HashMap<Sym, (i64, i64)>,
    pub(crate) principal_groups: HashMap<PrincipalKey, PrincipalGroup>,
    pub(crate) logins: Vec<Login>,
    pub(crate) bucket_groups: HashMap<BucketKey, BucketGroup>,
    pub(crate) flow_groups: HashMap<FlowKey, FlowGroup>,
    peers_per_day: HashMap<(Sym, Sym, i64), u32>,
    local_addrs: HashMap<Sym, Vec<IpAddr>>,
    pub(crate) accounts: HashMap<Sym, AccountState>,
    /// Per-event lookups answered without formatting or allocating: source network (/24 or
    /// /48 prefix) → its interned text, raw user agent → interned family.
    network_syms: HashMap<IpNet, Sym>,
    agent_syms: HashMap<Box<str>, Sym>,
    /// Reused buffer for the `service:API` key.
    scratch: String,
    pub(crate) scored: score::Scored,
    /// Country/ASN sources for source networks (empty: no geo features).
    pub geo: GeoDb,
    finished: bool,
}

#[derive(Deserialize)]
struct ConsoleLoginResult {
    #[serde(rename = "ConsoleLogin")]
    console_login: Option<String>,
}

#[derive(Deserialize)]
struct MfaUsed {
    #[serde(rename = "MFAUsed")]
    mfa_used: Option<String>,
}

impl Baselines {
    pub fn new(config: BaselineConfig) -> Self {
        Self { config, ..Self::default() }
    }

    pub fn observe(&mut self, event: &Event) {
        match event {
            Event::Api(c) => self.observe_call(c),
            Event::Flow(f) => self.observe_flow(f),
            Event::Dns(_) => {}
        }
    }

    fn touch(&mut self, account: Sym, day: i64) {
        let span = self.spans.entry(account).or_insert((day, day));
        span.0 = span.0.min(day);
        span.1 = span.1.max(day);
    }

    /// The interned source network of an address (the text of [`network_of`]).
    fn network_sym(&mut self, ip: IpAddr) -> Sym {
        let len = if ip.is_ipv4() { 24 } else { 48 };
        let Ok(net) = IpNet::new(ip, len) else { return self.strings.id(&network_of(ip)) };
        let net = net.trunc();
        if let Some(&sym) = self.network_syms.get(&net) {
            return sym;
        }
        // IPv4 prefixes are written by hand: this runs for every new /24, and the formatting
        // machinery costs more than the rest of the record's baseline work.
        self.scratch.clear();
        match net {
            IpNet::V4(v4) => {
                for (i, octet) in v4.addr().octets().iter().enumerate() {
                    if i > 0 {
                        self.scratch.push('.');
                    }
                    push_decimal(&mut self.scratch, *octet);
                }
                self.scratch.push_str("/24");
            }
            IpNet::V6(_) => self.scratch.push_str(&net.to_string()),
        }
        let sym = self.strings.id(&self.scratch);
        self.network_syms.insert(net, sym);
        sym
    }

    /// The interned [`agent_family`] of a user agent.
    fn agent_sym(&mut self, user_agent: &str) -> Sym {
        if let Some(&sym) = self.agent_syms.get(user_agent) {
            return sym;
        }
        let sym = self.strings.id(&agent_family(user_agent));
        // Bounded: inputs with a unique agent per call just skip the cache.
        if self.agent_syms.len() < MAX_CACHED_AGENTS {
            self.agent_syms.insert(user_agent.into(), sym);
        }
        sym
    }

    fn observe_call(&mut self, c: &ApiCall) {
        let id = &c.identity;
        // AWS acting for itself or on a principal's behalf is not the principal's behaviour.
        if id.invoked_by.is_some() || matches!(id.kind, IdentityType::AWSService | IdentityType::Unknown) {
            return;
        }
        let day = day_of(c.time);
        let account = self.strings.id(&c.account_id);
        self.touch(account, day);
        let principal = self.strings.id(id.principal_key_str());
        let network = match c.source_addr {
            Some(ip) => self.network_sym(ip),
            None => self.strings.id(&call_network(None, &c.source_ip)),
        };

        if let Some(s3) = &c.s3 {
            if s3_class(&c.event_name).is_some() {
                let key = BucketKey { account, bucket: self.strings.id(&s3.bucket), day, principal, network };
                let op = self.strings.id(&c.event_name);
                let g = self.bucket_groups.entry(key).or_default();
                if g.ops.is_empty() || c.time < g.who.time {
                    g.who = Who::of_call(c);
                }
                g.ops.entry(op).or_default().add(c);
                let h = g.hourly.entry(hour_of_day(c.time) as u8).or_default();
                match s3_class(&c.event_name) {
                    Some(S3Class::Read) => h[0] += s3.bytes_out,
                    Some(S3Class::Write) => h[1] += s3.bytes_in,
                    Some(S3Class::Delete) => h[2] += 1,
                    _ => {}
                }
            }
        }
        if c.category != EventCategory::Management {
            return;
        }
        let agent = self.agent_sym(&c.user_agent);
        self.scratch.clear();
        self.scratch.push_str(c.service());
        self.scratch.push(':');
        self.scratch.push_str(&c.event_name);
        let api = self.strings.id(&self.scratch);
        let region = self.strings.id(&c.region);
        let key = PrincipalKey { account, principal, day, network, agent };
        let g = self.principal_groups.entry(key).or_default();
        if g.calls == 0 || c.time < g.who.time {
            g.who = Who::of_call(c);
        }
        g.calls += 1;
        g.errors += c.failed() as u64;
        g.hours[hour_of_day(c.time) as usize] += 1;
        *g.regions.entry(region).or_default() += 1;
        g.apis.entry(api).or_default().add(c);

        if c.event_name == "ConsoleLogin"
            && c.response::<ConsoleLoginResult>().and_then(|r| r.console_login).as_deref() == Some("Success")
            && self.logins.len() < MAX_LOGINS
        {
            let mfa = c.additional::<MfaUsed>().and_then(|m| m.mfa_used).as_deref() == Some("Yes");
            self.logins.push(Login {
                account,
                principal,
                network,
                agent,
                mfa,
                sample: Sample::of_call(c),
                who: Who::of_call(c),
            });
        }
    }

    fn observe_flow(&mut self, f: &FlowRecord) {
        let Some(endpoint) = f.instance_id.as_deref().or(f.interface_id.as_deref()) else { return };
        let (Some(src), Some(dst)) = (f.srcaddr, f.dstaddr) else { return };
        let endpoint = self.strings.id(endpoint);
        let day = day_of(f.start);
        let account = self.strings.id(f.account_id.as_deref().unwrap_or(""));
        self.touch(account, day);

        // Which side is the instance: the flow direction when logged, else the private side,
        // else an address already known to be this instance's.
        let known = self.local_addrs.entry(endpoint).or_default();
        let src_is_local = match f.flow_direction {
            Some(FlowDirection::Egress) => true,
            Some(FlowDirection::Ingress) => false,
            None => match (is_private(src), is_private(dst)) {
                (true, false) => true,
                (false, true) => false,
                _ => !known.contains(&dst),
            },
        };
        let (local, remote) = if src_is_local { (src, dst) } else { (dst, src) };
        if !known.contains(&local) && known.len() < 8 && (f.flow_direction.is_some() || is_private(local)) {
            known.push(local);
        }
        let (sp, dp) = (f.srcport.unwrap_or(0), f.dstport.unwrap_or(0));
        let (local_port, remote_port) = if src_is_local { (sp, dp) } else { (dp, sp) };
        // The server side is the lower port: an instance connecting out uses an ephemeral port.
        let outbound = remote_port < local_port || (remote_port == local_port && src_is_local);
        let port = PortKey {
            protocol: f.protocol.unwrap_or(0),
            port: if outbound { remote_port } else { local_port },
            outbound,
        };

        let mut peer = self.network_sym(remote);
        let count_key = (account, endpoint, day);
        let mut folded = false;
        let key = FlowKey { account, endpoint, day, peer };
        if !self.flow_groups.contains_key(&key) {
            let n = self.peers_per_day.entry(count_key).or_default();
            if *n >= MAX_PEERS_PER_DAY {
                peer = self.strings.id("(other)");
                folded = true;
            } else {
                *n += 1;
            }
        }
        let key = FlowKey { peer, ..key };
        let g = self.flow_groups.entry(key).or_default();
        g.folded |= folded;
        let (out, inn) = if src_is_local { (f.bytes, 0) } else { (0, f.bytes) };
        g.flows += 1;
        g.bytes_out += out;
        g.bytes_in += inn;
        if out > 0 {
            *g.hourly_out.entry(hour_of_day(f.start) as u8).or_default() += out;
        }
        if outbound && remote_port == 53 && !g.resolvers.contains(&remote) && g.resolvers.len() < 8 {
            g.resolvers.push(remote);
        }
        let u = g.ports.entry(port).or_default();
        if u.flows == 0 || (f.start, f.src) < (u.sample.time, u.sample.src) {
            u.sample = FlowSample {
                time: f.start,
                src: f.src,
                local: Some(local),
                remote: Some(remote),
                local_port,
                remote_port,
                protocol: port.protocol,
                blocked: f.action == FlowAction::Reject,
                region: f.region.clone().unwrap_or_default(),
                interface_id: f.interface_id.clone().unwrap_or_default(),
                instance_id: f.instance_id.clone(),
            };
        }
        u.flows += 1;
        u.bytes_out += out;
        u.bytes_in += inn;
    }

    /// Splits learning and analysed days per account, builds the baselines and scores. Called
    /// once by the engine after the last event; further calls do nothing.
    pub fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        let spans: Vec<(Sym, (i64, i64))> = self.spans.iter().map(|(a, s)| (*a, *s)).collect();
        for (account, (first, last)) in spans {
            let account_id = self.strings.name(account).to_string();
            let imported = self.config.imported.as_ref().and_then(|f| f.account(&account_id)).cloned();
            let state = match imported {
                Some(b) => AccountState {
                    first_day: first,
                    last_day: last,
                    analysed_from: i64::MIN,
                    baseline: b,
                    imported: true,
                },
                None => {
                    let analysed_from = first + learning_window(self.config.learning_days, last - first + 1);
                    AccountState {
                        first_day: first,
                        last_day: last,
                        analysed_from,
                        baseline: self.build(account, first, analysed_from.min(last + 1)),
                        imported: false,
                    }
                }
            };
            self.accounts.insert(account, state);
        }
        self.scored = score::score(self);
    }

    /// The baseline of `account` learned from days `from..to` of the input.
    pub(crate) fn build(&self, account: Sym, from: i64, to: i64) -> Baseline {
        let name = |s: Sym| self.strings.name(s).to_string();
        let mut b = Baseline {
            account_id: name(account),
            learned_from: day_text(from),
            learned_to: day_text(to - 1),
            days: (to - from).max(0) as u32,
            ..Baseline::default()
        };
        let in_range = |a: Sym, d: i64| a == account && d >= from && d < to;

        let mut keys: Vec<&PrincipalKey> =
            self.principal_groups.keys().filter(|k| in_range(k.account, k.day)).collect();
        keys.sort();
        let mut last: Option<(Sym, i64)> = None;
        for k in keys {
            let g = &self.principal_groups[k];
            let p = b.principals.entry(name(k.principal)).or_default();
            if p.kind.is_empty() {
                p.kind = g.who.kind.clone();
                p.name = g.who.name.clone();
            }
            if last != Some((k.principal, k.day)) {
                p.active_days += 1;
                last = Some((k.principal, k.day));
            }
            p.calls += g.calls;
            p.errors += g.errors;
            p.hours.resize(24, 0);
            for (h, n) in g.hours.iter().enumerate() {
                p.hours[h] += *n as u64;
            }
            let net = name(k.network);
            if let Some(w) = wider_network(&net) {
                p.wider_networks.entry(w).or_default().add(k.day, g.calls);
            }
            let geo = self.geo_of(k.network);
            if let Some(c) = geo.country.clone() {
                p.countries.entry(c).or_default().add(k.day, g.calls);
            }
            if let Some(a) = geo.asn_label() {
                p.asns.entry(a).or_default().add(k.day, g.calls);
            }
            p.networks.entry(net).or_default().add(k.day, g.calls);
            p.agents.entry(name(k.agent)).or_default().add(k.day, g.calls);
            for (r, n) in &g.regions {
                p.regions.entry(name(*r)).or_default().add(k.day, *n);
            }
            for (api, u) in &g.apis {
                let api = name(*api);
                let (svc, op) = api.split_once(':').unwrap_or(("", &api));
                p.services.entry(svc.to_string()).or_default().add(k.day, u.calls);
                if let Some(t) = tactic_of(svc, op) {
                    p.tactics.entry(t.name().to_string()).or_default().add(k.day, u.calls);
                }
                p.apis.entry(api.clone()).or_default().add(k.day, u.calls);
            }
        }
        let mut logins: Vec<&Login> =
            self.logins.iter().filter(|l| in_range(l.account, day_of(l.sample.time))).collect();
        logins.sort_by_key(|l| (l.principal, l.sample.time));
        for l in logins {
            let p = b.principals.entry(name(l.principal)).or_default();
            p.console_networks.entry(name(l.network)).or_default().add(day_of(l.sample.time), 1);
        }

        let mut keys: Vec<&BucketKey> =
            self.bucket_groups.keys().filter(|k| in_range(k.account, k.day)).collect();
        keys.sort_by_key(|k| (k.bucket, k.day, k.principal, k.network));
        let mut last: Option<(Sym, i64)> = None;
        // Bucket-wide bytes per (bucket, day, hour), for the peaks.
        let mut hourly: HashMap<(Sym, i64, u8), [u64; 3]> = HashMap::default();
        for k in keys {
            let g = &self.bucket_groups[k];
            let p = b.buckets.entry(name(k.bucket)).or_default();
            if last != Some((k.bucket, k.day)) {
                p.active_days += 1;
                last = Some((k.bucket, k.day));
            }
            let calls: u64 = g.ops.values().map(|u| u.calls).sum();
            p.calls += calls;
            let principal = name(k.principal);
            p.principals.entry(principal.clone()).or_default().add(k.day, calls);
            let net = name(k.network);
            if let Some(w) = wider_network(&net) {
                p.wider_networks.entry(w).or_default().add(k.day, calls);
            }
            let geo = self.geo_of(k.network);
            if let Some(c) = geo.country.clone() {
                p.countries.entry(c).or_default().add(k.day, calls);
            }
            if let Some(a) = geo.asn_label() {
                p.asns.entry(a).or_default().add(k.day, calls);
            }
            p.networks.entry(net).or_default().add(k.day, calls);
            for (op, u) in &g.ops {
                let op = name(*op);
                if let Some(class) = s3_class(&op) {
                    p.classes.entry(class.name().to_string()).or_default().add(k.day, u.calls);
                    p.principal_classes
                        .entry(format!("{principal}|{}", class.name()))
                        .or_default()
                        .add(k.day, u.calls);
                }
                p.operations.entry(op).or_default().add(k.day, u.calls);
            }
            for (h, v) in &g.hourly {
                let e = hourly.entry((k.bucket, k.day, *h)).or_default();
                for i in 0..3 {
                    e[i] += v[i];
                }
            }
        }
        for ((bucket, _, _), v) in hourly {
            let p = b.buckets.entry(name(bucket)).or_default();
            for (class, amount) in [(S3Class::Read, v[0]), (S3Class::Write, v[1]), (S3Class::Delete, v[2])] {
                if let Some(s) = p.classes.get_mut(class.name()) {
                    s.peak_hourly_bytes = s.peak_hourly_bytes.max(amount);
                }
            }
        }

        let mut keys: Vec<&FlowKey> =
            self.flow_groups.keys().filter(|k| in_range(k.account, k.day)).collect();
        keys.sort_by_key(|k| (k.endpoint, k.day, k.peer));
        let mut last: Option<(Sym, i64)> = None;
        for k in keys {
            let g = &self.flow_groups[k];
            let p = b.instances.entry(name(k.endpoint)).or_default();
            if last != Some((k.endpoint, k.day)) {
                p.active_days += 1;
                last = Some((k.endpoint, k.day));
            }
            p.flows += g.flows;
            p.peers_saturated |= g.folded;
            let peak = g.hourly_out.values().copied().max().unwrap_or(0);
            if !g.folded {
                p.peak_hourly_bytes_out = p.peak_hourly_bytes_out.max(peak);
            }
            let peer = p.peers.entry(name(k.peer)).or_default();
            peer.add(k.day, g.flows);
            peer.peak_hourly_bytes = peer.peak_hourly_bytes.max(peak);
            for (port, u) in &g.ports {
                let label = port_label(port.protocol, port.port);
                if port.outbound {
                    p.remote_ports.entry(label).or_default().add(k.day, u.flows);
                } else {
                    p.local_ports.entry(label).or_default().add(k.day, u.flows);
                }
                p.protocols.entry(protocol_name(port.protocol).to_string()).or_default().add(k.day, u.flows);
            }
            for r in &g.resolvers {
                p.resolvers.entry(r.to_string()).or_default().add(k.day, 1);
            }
        }
        b
    }

    /// Everything learned from this input, per account, merged into the imported baseline where
    /// there was one: the file to keep for next time. Empty before [`Self::finish`].
    pub fn export(&self) -> BaselineFile {
        let mut accounts: Vec<Baseline> = self
            .accounts
            .iter()
            .map(|(account, st)| {
                let learned = self.build(*account, st.first_day, st.last_day + 1);
                if st.imported {
                    let mut b = st.baseline.clone();
                    b.merge(&learned);
                    b
                } else {
                    learned
                }
            })
            .collect();
        // Accounts only in the imported file are kept as they were.
        if let Some(imported) = &self.config.imported {
            for b in &imported.accounts {
                if !accounts.iter().any(|a| a.account_id == b.account_id) {
                    accounts.push(b.clone());
                }
            }
        }
        accounts.sort_by(|a, b| a.account_id.cmp(&b.account_id));
        BaselineFile::new(accounts)
    }

    /// Country and AS of a source network (its first address), from [`Self::geo`]; nothing for
    /// service names and when no source knows it.
    pub(crate) fn geo_of(&self, network: Sym) -> GeoInfo {
        if self.geo.is_empty() {
            return GeoInfo::default();
        }
        match self.strings.name(network).parse::<ipnet::IpNet>() {
            Ok(net) => self.geo.lookup(net.addr()),
            Err(_) => GeoInfo::default(),
        }
    }

    /// What scoring found (after [`Self::finish`]).
    pub fn scored(&self) -> &score::Scored {
        &self.scored
    }

    /// The baseline findings are scored against, for an account (after [`Self::finish`]).
    pub fn baseline_of(&self, account_id: &str) -> Option<&Baseline> {
        self.accounts.iter().find(|(a, _)| self.strings.name(**a) == account_id).map(|(_, s)| &s.baseline)
    }

    /// Whether `principal` (a [`crate::event::Identity::principal_key`], i.e. the user or role
    /// ARN) recurrently uses the source network of `ip`: its /24 (/48) was seen for that
    /// principal on at least two distinct days of the baseline (the learning window, or the
    /// imported baseline). Once-seen networks do not count, so an attacker who used stolen
    /// credentials once in the learning window is not whitelisted. Answers `false` before
    /// [`Self::finish`] and for principals without a baseline. Looks in every account's
    /// baseline, since the ARN already names the account.
    pub fn principal_network_seen(&self, principal: &str, ip: IpAddr) -> bool {
        let net = network_of(ip);
        self.accounts.values().any(|st| {
            st.baseline
                .principals
                .get(principal)
                .and_then(|p| p.networks.get(&net))
                .is_some_and(|s| s.days >= 2)
        })
    }

    /// The first analysed UTC day of an account (`None` when everything was scored against an
    /// imported baseline, or the account is unknown).
    pub fn analysed_from(&self, account_id: &str) -> Option<Millis> {
        let (_, st) = self.accounts.iter().find(|(a, _)| self.strings.name(**a) == account_id)?;
        (!st.imported).then_some(st.analysed_from * DAY)
    }
}

/// `YYYY-MM-DD` of a day number.
pub(crate) fn day_text(day: i64) -> String {
    format_iso8601(day * DAY)[..10].to_string()
}

pub(crate) fn protocol_name(p: u8) -> &'static str {
    match p {
        6 => "TCP",
        17 => "UDP",
        1 => "ICMP",
        58 => "ICMPv6",
        47 => "GRE",
        50 => "ESP",
        _ => "OTHER",
    }
}

pub(crate) fn port_label(protocol: u8, port: u16) -> String {
    format!("{}/{}", protocol_name(protocol).to_ascii_lowercase(), port)
}

/// Private, loopback, link-local, shared (100.64/10) and unique-local addresses.
pub(crate) fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_private() || v4.is_loopback() || v4.is_link_local() || (o[0] == 100 && (o[1] & 0xc0) == 64)
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            v6.is_loopback() || (s[0] & 0xfe00) == 0xfc00 || (s[0] & 0xffc0) == 0xfe80
        }
    }
}
