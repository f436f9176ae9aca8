//! The learned baseline as data: what each principal, bucket and instance of one account did
//! over the learning period. Serialises to versioned JSON so a baseline can be exported and
//! imported later ([`BaselineFile`]); merging two baselines adds their figures.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `format` of a baseline file.
pub const FORMAT: &str = "vigil-baseline";
/// Version of the baseline file layout; files of another version are refused.
pub const VERSION: u32 = 1;

/// How often one feature value (an API, a network, a port…) was seen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seen {
    /// Calls, flows or requests.
    pub count: u64,
    /// Distinct UTC days with at least one.
    pub days: u32,
    /// First and last UTC day (days since the epoch).
    pub first_day: i64,
    pub last_day: i64,
    /// Highest hourly volume in bytes, where the feature has one (peers, buckets); else 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub peak_hourly_bytes: u64,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

impl Seen {
    /// Adds `count` seen on `day`; days must come in non-decreasing order per value for `days`
    /// to count each day once.
    pub fn add(&mut self, day: i64, count: u64) {
        if self.days == 0 {
            self.first_day = day;
            self.last_day = day;
            self.days = 1;
        } else if day != self.last_day {
            self.days += 1;
            self.first_day = self.first_day.min(day);
            self.last_day = self.last_day.max(day);
        }
        self.count += count;
    }

    pub fn merge(&mut self, other: &Seen) {
        if other.days == 0 && other.count == 0 {
            return;
        }
        if self.days == 0 && self.count == 0 {
            *self = *other;
            return;
        }
        self.count += other.count;
        self.days += other.days;
        self.first_day = self.first_day.min(other.first_day);
        self.last_day = self.last_day.max(other.last_day);
        self.peak_hourly_bytes = self.peak_hourly_bytes.max(other.peak_hourly_bytes);
    }
}

/// Feature value → how often it was seen.
pub type Counts = BTreeMap<String, Seen>;

fn merge_counts(into: &mut Counts, from: &Counts) {
    for (k, v) in from {
        into.entry(k.clone()).or_default().merge(v);
    }
}

/// What one principal (IAM user, or role through its sessions) did.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrincipalProfile {
    /// `userIdentity.type` (IAMUser, AssumedRole, Root…).
    pub kind: String,
    /// User or role name.
    pub name: String,
    pub active_days: u32,
    pub calls: u64,
    pub errors: u64,
    /// `service:API` → calls.
    pub apis: Counts,
    pub services: Counts,
    /// Tactic name → calls of APIs of that tactic.
    pub tactics: Counts,
    pub regions: Counts,
    /// Source networks (/24, /48, or the service name AWS logged).
    pub networks: Counts,
    /// The /16 (/32) around each address network.
    pub wider_networks: Counts,
    pub agents: Counts,
    /// Calls per UTC hour of day.
    pub hours: Vec<u64>,
    /// Networks of successful console sign-ins.
    pub console_networks: Counts,
    /// Countries (ISO code) of the source networks, where a geo database answered.
    #[serde(default, skip_serializing_if = "Counts::is_empty")]
    pub countries: Counts,
    /// Autonomous systems of the source networks (`AS64500 (Org)`), where a database answered.
    #[serde(default, skip_serializing_if = "Counts::is_empty")]
    pub asns: Counts,
}

impl PrincipalProfile {
    pub fn error_rate(&self) -> f64 {
        if self.calls == 0 {
            0.0
        } else {
            self.errors as f64 / self.calls as f64
        }
    }

    fn merge(&mut self, o: &PrincipalProfile) {
        if self.kind.is_empty() {
            self.kind = o.kind.clone();
            self.name = o.name.clone();
        }
        self.active_days += o.active_days;
        self.calls += o.calls;
        self.errors += o.errors;
        for (a, b) in [
            (&mut self.apis, &o.apis),
            (&mut self.services, &o.services),
            (&mut self.tactics, &o.tactics),
            (&mut self.regions, &o.regions),
            (&mut self.networks, &o.networks),
            (&mut self.wider_networks, &o.wider_networks),
            (&mut self.agents, &o.agents),
            (&mut self.console_networks, &o.console_networks),
            (&mut self.countries, &o.countries),
            (&mut self.asns, &o.asns),
        ] {
            merge_counts(a, b);
        }
        merge_hours(&mut self.hours, &o.hours);
    }
}

fn merge_hours(into: &mut Vec<u64>, from: &[u64]) {
    into.resize(24, 0);
    for (a, b) in into.iter_mut().zip(from) {
        *a += b;
    }
}

/// What happened to one S3 bucket (data events and bucket-level calls).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BucketProfile {
    pub active_days: u32,
    pub calls: u64,
    /// Principal key → calls.
    pub principals: Counts,
    /// `principal|class` → calls: which principal does what to the bucket.
    pub principal_classes: Counts,
    pub networks: Counts,
    pub wider_networks: Counts,
    pub operations: Counts,
    /// Class (`read`, `write`, `delete`, `permission`, `discovery`) → calls; for `read` and
    /// `write` `peakHourlyBytes` is the largest hour's bytes, for `delete` the largest hour's
    /// count of delete calls.
    pub classes: Counts,
    /// Countries and autonomous systems of the source networks, as for principals.
    #[serde(default, skip_serializing_if = "Counts::is_empty")]
    pub countries: Counts,
    #[serde(default, skip_serializing_if = "Counts::is_empty")]
    pub asns: Counts,
}

impl BucketProfile {
    fn merge(&mut self, o: &BucketProfile) {
        self.active_days += o.active_days;
        self.calls += o.calls;
        for (a, b) in [
            (&mut self.principals, &o.principals),
            (&mut self.principal_classes, &o.principal_classes),
            (&mut self.networks, &o.networks),
            (&mut self.wider_networks, &o.wider_networks),
            (&mut self.operations, &o.operations),
            (&mut self.classes, &o.classes),
            (&mut self.countries, &o.countries),
            (&mut self.asns, &o.asns),
        ] {
            merge_counts(a, b);
        }
    }
}

/// What one EC2 instance (or network interface, when the instance is unknown) sent and received.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceProfile {
    pub active_days: u32,
    pub flows: u64,
    /// Remote server ports of outbound connections, as `tcp/443`.
    pub remote_ports: Counts,
    /// Local server ports that received inbound connections.
    pub local_ports: Counts,
    /// Remote networks (/24, /48); `peakHourlyBytes` is the most sent to it in one hour.
    pub peers: Counts,
    /// `true` when the instance talked to more peers a day than are kept: peer novelty is then
    /// not judged.
    pub peers_saturated: bool,
    pub protocols: Counts,
    /// Addresses the instance sent DNS (port 53) queries to.
    pub resolvers: Counts,
    /// The most bytes sent to any single remote network in one hour.
    pub peak_hourly_bytes_out: u64,
}

impl InstanceProfile {
    fn merge(&mut self, o: &InstanceProfile) {
        self.active_days += o.active_days;
        self.flows += o.flows;
        self.peers_saturated |= o.peers_saturated;
        self.peak_hourly_bytes_out = self.peak_hourly_bytes_out.max(o.peak_hourly_bytes_out);
        for (a, b) in [
            (&mut self.remote_ports, &o.remote_ports),
            (&mut self.local_ports, &o.local_ports),
            (&mut self.peers, &o.peers),
            (&mut self.protocols, &o.protocols),
            (&mut self.resolvers, &o.resolvers),
        ] {
            merge_counts(a, b);
        }
    }
}

/// The baseline of one account.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Baseline {
    pub account_id: String,
    /// First and last UTC day learned, as `YYYY-MM-DD`.
    pub learned_from: String,
    pub learned_to: String,
    /// Days learned (the span; for merged baselines, the sum of spans).
    pub days: u32,
    pub principals: BTreeMap<String, PrincipalProfile>,
    pub buckets: BTreeMap<String, BucketProfile>,
    pub instances: BTreeMap<String, InstanceProfile>,
}

impl Baseline {
    /// Adds another baseline of the same account (a later or earlier period) to this one.
    pub fn merge(&mut self, o: &Baseline) {
        if self.learned_from.is_empty() || (!o.learned_from.is_empty() && o.learned_from < self.learned_from)
        {
            self.learned_from = o.learned_from.clone();
        }
        if o.learned_to > self.learned_to {
            self.learned_to = o.learned_to.clone();
        }
        self.days += o.days;
        for (k, p) in &o.principals {
            self.principals.entry(k.clone()).or_default().merge(p);
        }
        for (k, p) in &o.buckets {
            self.buckets.entry(k.clone()).or_default().merge(p);
        }
        for (k, p) in &o.instances {
            self.instances.entry(k.clone()).or_default().merge(p);
        }
    }
}

/// A baseline file: one baseline per account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BaselineFile {
    pub format: String,
    pub version: u32,
    pub accounts: Vec<Baseline>,
}

impl BaselineFile {
    pub fn new(accounts: Vec<Baseline>) -> Self {
        Self { format: FORMAT.to_string(), version: VERSION, accounts }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a baseline file, refusing other formats and versions with a clear message.
    pub fn from_json(text: &str) -> Result<Self, String> {
        #[derive(Deserialize)]
        struct Header {
            format: Option<String>,
            version: Option<u32>,
        }
        let h: Header = serde_json::from_str(text).map_err(|e| format!("not a baseline file: {e}"))?;
        if h.format.as_deref() != Some(FORMAT) {
            return Err(format!("not a baseline file: format is {:?}, expected {FORMAT:?}", h.format));
        }
        if h.version != Some(VERSION) {
            return Err(format!(
                "baseline file version {:?} is not supported (expected {VERSION})",
                h.version
            ));
        }
        serde_json::from_str(text).map_err(|e| format!("baseline file is damaged: {e}"))
    }

    pub fn account(&self, account_id: &str) -> Option<&Baseline> {
        self.accounts.iter().find(|b| b.account_id == account_id)
    }
}
