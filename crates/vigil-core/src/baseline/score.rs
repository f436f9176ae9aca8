//! Scoring the analysed days against the baseline.
//!
//! Every rule here is the same in spirit: an activity is anomalous when it is **new or rare for
//! that entity on several features at once** — a new API *and* a new network, a new port *and* a
//! new peer — never on one novelty alone (busy principals call new read APIs every week). Each
//! unusual feature is reported as an [`Unusual`] with the baseline's own figures, so a finding
//! explains itself. Severity starts at GuardDuty's default for the finding type (its
//! sensitivity) and rises by half a point per unusual feature beyond two (rarity), staying in
//! the type's band; a thin baseline (under a week of activity) lowers it by half a point.

use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

use serde::Serialize;

use super::features::{bytes, thousands, wider_network, Sym};
use super::profile::{Counts, PrincipalProfile};
use super::tactics::{s3_class, tactic_of, S3Class, Tactic};
use super::{port_label, protocol_name, Baselines, FlowSample, Sample, Who};
use crate::time::{day_of, Millis, DAY, HOUR};

/// A principal, bucket or instance needs this many active days in the baseline to be judged.
pub const MIN_ACTIVE_DAYS: u32 = 3;
/// …and a principal this many calls.
pub const MIN_PRINCIPAL_CALLS: u64 = 20;
/// Below this many active days the baseline is "thin" and severity is lowered.
pub const SOLID_ACTIVE_DAYS: u32 = 7;
/// An hourly volume is unusual from this many times the baseline's peak…
pub const VOLUME_FACTOR: u64 = 10;
/// …and above this many bytes (S3 reads/writes, bytes sent by an instance).
pub const VOLUME_FLOOR_BYTES: u64 = 512 * 1024 * 1024;
/// More new remote ports than this to one network on one day are one sweep, reported once.
pub const MAX_NEW_PORTS_PER_PEER: usize = 8;
/// Delete calls in one hour below this are never a volume anomaly.
pub const DELETE_FLOOR: u64 = 100;
/// Two successful console sign-ins from different networks this close are "around the same
/// time".
pub const LOGIN_WINDOW: Millis = 2 * HOUR;

/// One unusual feature of an activity, with the baseline's figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unusual {
    /// `api`, `tactic`, `service`, `network`, `userAgent`, `region`, `hour`, `errors`,
    /// `principal`, `operation`, `class`, `volume`, `port`, `ports`, `peer`, `protocol`,
    /// `simultaneousLogin`, `country`, `asn`.
    pub feature: &'static str,
    pub value: String,
    /// `new`, `rare` or `unusual`.
    pub status: &'static str,
    /// The sentence shown to people.
    pub explanation: String,
    /// How often the baseline saw this value (0 when new).
    pub baseline_count: u64,
    pub baseline_days: u32,
}

impl Unusual {
    fn new(
        feature: &'static str,
        value: impl Into<String>,
        status: &'static str,
        explanation: String,
    ) -> Self {
        Self { feature, value: value.into(), status, explanation, baseline_count: 0, baseline_days: 0 }
    }

    fn seen(mut self, count: u64, days: u32) -> Self {
        self.baseline_count = count;
        self.baseline_days = days;
        self
    }
}

/// `…:IAMUser/AnomalousBehavior`: a principal's calls of one tactic on one day from one network
/// and user-agent family.
#[derive(Clone, Debug)]
pub struct PrincipalAnomaly {
    pub account: String,
    pub principal: String,
    pub tactic: Tactic,
    /// `service:API` → (calls, errors).
    pub apis: Vec<(String, u64, u64)>,
    pub unusual: Vec<Unusual>,
    pub severity: f64,
    pub first: Millis,
    pub last: Millis,
    pub calls: u64,
    pub samples: Vec<Sample>,
    pub who: Who,
    pub network: String,
    pub agent: String,
    pub baseline_days: u32,
    pub baseline_calls: u64,
}

/// `UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B`.
#[derive(Clone, Debug)]
pub struct LoginAnomaly {
    pub account: String,
    pub principal: String,
    /// The unusual sign-in first, then the concurrent ones from elsewhere.
    pub logins: Vec<(Sample, String)>,
    pub unusual: Vec<Unusual>,
    pub severity: f64,
    pub who: Who,
}

/// `…:S3/AnomalousBehavior…`: one principal's calls of one class to one bucket on one day from
/// one network.
#[derive(Clone, Debug)]
pub struct BucketAnomaly {
    pub account: String,
    pub bucket: String,
    pub principal: String,
    pub class: S3Class,
    pub ops: Vec<(String, u64)>,
    pub unusual: Vec<Unusual>,
    pub severity: f64,
    pub first: Millis,
    pub last: Millis,
    pub calls: u64,
    pub samples: Vec<Sample>,
    pub who: Who,
    pub network: String,
}

/// `Behavior:EC2/NetworkPortUnusual` and `Behavior:EC2/TrafficVolumeUnusual`.
#[derive(Clone, Debug)]
pub struct FlowAnomaly {
    pub account: String,
    /// Instance id, or interface id when the flow log had none.
    pub endpoint: String,
    pub peer: String,
    pub unusual: Vec<Unusual>,
    pub severity: f64,
    pub first: Millis,
    pub last: Millis,
    pub flows: u64,
    pub bytes_out: u64,
    pub sample: FlowSample,
}

/// Everything scoring found, for the detectors and the console.
#[derive(Default)]
pub struct Scored {
    pub principals: Vec<PrincipalAnomaly>,
    pub logins: Vec<LoginAnomaly>,
    pub buckets: Vec<BucketAnomaly>,
    pub ports: Vec<FlowAnomaly>,
    pub volumes: Vec<FlowAnomaly>,
}

/// Severity from GuardDuty's default for the type and the number of unusual features, kept in
/// the default's band (Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9).
pub fn severity(default: f64, features: usize, thin: bool, only_rare: bool) -> f64 {
    let (lo, hi) = if default < 4.0 {
        (1.0, 3.9)
    } else if default < 7.0 {
        (4.0, 6.9)
    } else {
        (7.0, 8.9)
    };
    let mut s = default + 0.5 * features.saturating_sub(2) as f64;
    if thin {
        s -= 0.5;
    }
    if only_rare {
        s -= 1.0;
    }
    (s.clamp(lo, hi) * 10.0).round() / 10.0
}

/// The few most used values of a feature, for explanations: `aws-cli, boto3`.
fn top(c: &Counts, n: usize) -> String {
    let mut v: Vec<(&String, u64)> = c.iter().map(|(k, s)| (k, s.count)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut s: Vec<&str> = v.iter().take(n).map(|(k, _)| k.as_str()).collect();
    if v.len() > n {
        s.push("…");
    }
    if s.is_empty() {
        "none".to_string()
    } else {
        s.join(", ")
    }
}

fn known_network(c: &Counts, wider: &Counts, net: &str) -> bool {
    c.contains_key(net) || wider_network(net).is_some_and(|w| wider.contains_key(&w))
}

/// The country and autonomous system of a new source network, when the entity's baseline never
/// saw them. Judged only when the baseline has geo figures (a database was loaded when it was
/// learned): without them every country would look new.
fn geo_features(b: &Baselines, network: Sym, countries: &Counts, asns: &Counts, whom: &str) -> Vec<Unusual> {
    let geo = b.geo_of(network);
    let mut out = Vec::new();
    if let Some(c) = geo.country.clone().filter(|c| !countries.is_empty() && !countries.contains_key(c)) {
        let text = format!("country {c}: new for this {whom} (baseline: {})", top(countries, 3));
        out.push(Unusual::new("country", c, "new", text));
    }
    if let Some(a) = geo.asn_label().filter(|a| !asns.is_empty() && !asns.contains_key(a)) {
        let text = format!("ASN {a}: new for this {whom} (baseline: {})", top(asns, 2));
        out.push(Unusual::new("asn", a, "new", text));
    }
    out
}

pub(crate) fn score(b: &Baselines) -> Scored {
    let mut out = Scored::default();
    score_principals(b, &mut out);
    score_logins(b, &mut out);
    score_buckets(b, &mut out);
    score_flows(b, &mut out);
    out.principals
        .sort_by(|a, b| (&a.account, &a.principal, a.first).cmp(&(&b.account, &b.principal, b.first)));
    out.buckets.sort_by(|a, b| (&a.account, &a.bucket, a.first).cmp(&(&b.account, &b.bucket, b.first)));
    out.ports.sort_by(|a, b| (&a.account, &a.endpoint, a.first).cmp(&(&b.account, &b.endpoint, b.first)));
    out.volumes.sort_by(|a, b| (&a.account, &a.endpoint, a.first).cmp(&(&b.account, &b.endpoint, b.first)));
    out
}

fn principal_context(
    b: &Baselines,
    p: &PrincipalProfile,
    network: Sym,
    agent: Sym,
    g: &super::PrincipalGroup,
) -> Vec<Unusual> {
    let name = |s: Sym| b.strings.name(s);
    let mut ctx = Vec::new();
    let net = name(network);
    if !known_network(&p.networks, &p.wider_networks, net) {
        ctx.push(Unusual::new(
            "network",
            net,
            "new",
            format!("network {net}: new (baseline: {} networks: {})", p.networks.len(), top(&p.networks, 3)),
        ));
        ctx.extend(geo_features(b, network, &p.countries, &p.asns, "principal"));
    }
    let agent = name(agent);
    if !p.agents.contains_key(agent) {
        ctx.push(Unusual::new(
            "userAgent",
            agent,
            "new",
            format!("user-agent family {agent}: new (baseline: {})", top(&p.agents, 3)),
        ));
    }
    let mut regions: Vec<&str> =
        g.regions.keys().map(|r| name(*r)).filter(|r| !p.regions.contains_key(*r)).collect();
    regions.sort();
    for r in regions {
        ctx.push(Unusual::new(
            "region",
            r,
            "new",
            format!("region {r}: new (baseline: {})", top(&p.regions, 3)),
        ));
    }
    if p.active_days >= SOLID_ACTIVE_DAYS && p.hours.len() == 24 {
        let quiet = |h: usize| (0..3).all(|d| p.hours[(h + 23 + d) % 24] == 0);
        let odd: Vec<usize> = (0..24).filter(|&h| g.hours[h] > 0 && quiet(h)).collect();
        if let Some(&h) = odd.first() {
            ctx.push(Unusual::new(
                "hour",
                format!("{h:02}:00"),
                "unusual",
                format!(
                    "hour {h:02}:00 UTC: unusual (no calls between {:02}:00 and {:02}:59 UTC in baseline)",
                    (h + 23) % 24,
                    (h + 1) % 24
                ),
            ));
        }
    }
    let rate = p.error_rate();
    if g.errors >= 3 && g.errors * 2 >= g.calls && rate < 0.1 {
        ctx.push(
            Unusual::new(
                "errors",
                format!("{}/{}", g.errors, g.calls),
                "unusual",
                format!(
                    "errors: {} of {} calls failed (baseline {:.1}% of {} calls)",
                    thousands(g.errors),
                    thousands(g.calls),
                    rate * 100.0,
                    thousands(p.calls)
                ),
            )
            .seen(p.errors, 0),
        );
    }
    ctx
}

fn score_principals(b: &Baselines, out: &mut Scored) {
    let name = |s: Sym| b.strings.name(s);
    for (k, g) in &b.principal_groups {
        let Some(st) = b.accounts.get(&k.account) else { continue };
        if k.day < st.analysed_from {
            continue;
        }
        let principal = name(k.principal);
        let Some(p) = st.baseline.principals.get(principal) else { continue };
        if p.active_days < MIN_ACTIVE_DAYS || p.calls < MIN_PRINCIPAL_CALLS {
            continue;
        }
        // New or rare APIs that belong to a tactic.
        let mut by_tactic: BTreeMap<Tactic, Vec<(&str, &super::ApiUse, &'static str)>> = BTreeMap::new();
        for (api, u) in &g.apis {
            let api = name(*api);
            let (svc, op) = api.split_once(':').unwrap_or(("", api));
            let Some(t) = tactic_of(svc, op) else { continue };
            let status = match p.apis.get(api) {
                None => "new",
                Some(s) if p.active_days >= SOLID_ACTIVE_DAYS && s.days <= 1 && s.count <= 2 => "rare",
                Some(_) => continue,
            };
            by_tactic.entry(t).or_default().push((api, u, status));
        }
        if by_tactic.is_empty() {
            continue;
        }
        let ctx = principal_context(b, p, k.network, k.agent, g);
        if ctx.is_empty() {
            // One novelty alone (a new API from the usual place and tool) is not an anomaly.
            continue;
        }
        for (t, mut apis) in by_tactic {
            apis.sort_by(|a, b| a.0.cmp(b.0));
            let mut unusual = Vec::new();
            for (api, _, status) in &apis {
                let op = api.split_once(':').map_or(*api, |x| x.1);
                let text = match *status {
                    "new" => format!(
                        "{op}: never seen for this principal in {} days / {} calls",
                        st.baseline.days,
                        thousands(p.calls)
                    ),
                    _ => {
                        let s = p.apis[*api];
                        format!(
                            "{op}: rare for this principal ({} calls on {} day in {} days / {} calls)",
                            s.count,
                            s.days,
                            st.baseline.days,
                            thousands(p.calls)
                        )
                    }
                };
                let s = p.apis.get(*api).copied().unwrap_or_default();
                unusual.push(Unusual::new("api", *api, status, text).seen(s.count, s.days));
            }
            if !p.tactics.contains_key(t.name()) {
                unusual.push(Unusual::new(
                    "tactic",
                    t.name(),
                    "new",
                    format!("{} APIs: none in baseline (baseline: {})", t.name(), top(&p.tactics, 3)),
                ));
            }
            let mut services: Vec<&str> = apis
                .iter()
                .map(|(a, _, _)| a.split_once(':').map_or("", |x| x.0))
                .filter(|s| !p.services.contains_key(*s))
                .collect();
            services.sort();
            services.dedup();
            for s in services {
                unusual.push(Unusual::new(
                    "service",
                    s,
                    "new",
                    format!("service {s}: new (baseline: {})", top(&p.services, 4)),
                ));
            }
            unusual.extend(ctx.iter().cloned());
            // The API novelties count once, whatever their number.
            let n = unusual.iter().filter(|u| u.feature != "api").count() + 1;
            let only_rare = apis.iter().all(|a| a.2 == "rare");
            let sev = severity(t.default_severity(), n, p.active_days < SOLID_ACTIVE_DAYS, only_rare);
            let mut samples: Vec<Sample> = apis.iter().map(|a| Sample::clone(&a.1.sample)).collect();
            samples.sort_by_key(|s| (s.time, s.src));
            out.principals.push(PrincipalAnomaly {
                account: name(k.account).to_string(),
                principal: principal.to_string(),
                tactic: t,
                apis: apis.iter().map(|(a, u, _)| (a.to_string(), u.calls, u.errors)).collect(),
                unusual,
                severity: sev,
                first: samples.first().map_or(k.day * DAY, |s| s.time),
                last: samples.last().map_or(k.day * DAY, |s| s.time),
                calls: apis.iter().map(|a| a.1.calls).sum(),
                samples,
                who: g.who.clone(),
                network: name(k.network).to_string(),
                agent: name(k.agent).to_string(),
                baseline_days: st.baseline.days,
                baseline_calls: p.calls,
            });
        }
    }
}

fn score_logins(b: &Baselines, out: &mut Scored) {
    let name = |s: Sym| b.strings.name(s);
    let mut by_principal: HashMap<(Sym, Sym), Vec<&super::Login>> = HashMap::default();
    for l in &b.logins {
        by_principal.entry((l.account, l.principal)).or_default().push(l);
    }
    for ((account, principal), mut logins) in by_principal {
        let Some(st) = b.accounts.get(&account) else { continue };
        let Some(p) = st.baseline.principals.get(name(principal)) else { continue };
        if p.active_days < MIN_ACTIVE_DAYS {
            continue;
        }
        logins.sort_by_key(|l| (l.sample.time, l.sample.src));
        for (i, l) in logins.iter().enumerate() {
            if day_of(l.sample.time) < st.analysed_from {
                continue;
            }
            let net = name(l.network);
            if known_network(&p.networks, &p.wider_networks, net) || p.console_networks.contains_key(net) {
                continue;
            }
            let wider = |n: &str| wider_network(n).unwrap_or_else(|| n.to_string());
            let others: Vec<&&super::Login> = logins
                .iter()
                .enumerate()
                .filter(|(j, o)| {
                    *j != i
                        && (o.sample.time - l.sample.time).abs() <= LOGIN_WINDOW
                        && wider(name(o.network)) != wider(net)
                })
                .map(|(_, o)| o)
                .collect();
            if others.is_empty() {
                continue;
            }
            let other = others[0];
            let minutes = (other.sample.time - l.sample.time).abs() / 60_000;
            let mut unusual = vec![
                Unusual::new(
                    "network",
                    net,
                    "new",
                    format!(
                        "network {net}: new for this user (baseline: {} networks: {})",
                        p.networks.len(),
                        top(&p.networks, 3)
                    ),
                ),
                Unusual::new(
                    "simultaneousLogin",
                    name(other.network),
                    "unusual",
                    format!("signed in from {net} and {} within {minutes} minutes", name(other.network)),
                ),
            ];
            let agent = name(l.agent);
            if !p.agents.contains_key(agent) {
                unusual.push(Unusual::new(
                    "userAgent",
                    agent,
                    "new",
                    format!("user-agent family {agent}: new (baseline: {})", top(&p.agents, 3)),
                ));
            }
            if !l.mfa && others.iter().any(|o| o.mfa) {
                unusual.push(Unusual::new(
                    "mfa",
                    "No",
                    "unusual",
                    "MFA: not used, while the concurrent sign-in used it".to_string(),
                ));
            }
            let sev = severity(5.0, unusual.len(), p.active_days < SOLID_ACTIVE_DAYS, false);
            let mut all = vec![(l.sample.clone(), net.to_string())];
            all.extend(others.iter().map(|o| (o.sample.clone(), name(o.network).to_string())));
            out.logins.push(LoginAnomaly {
                account: name(account).to_string(),
                principal: name(principal).to_string(),
                logins: all,
                unusual,
                severity: sev,
                who: l.who.clone(),
            });
        }
    }
    out.logins.sort_by(|a, b| {
        (&a.account, &a.principal, a.logins[0].0.time).cmp(&(&b.account, &b.principal, b.logins[0].0.time))
    });
}

fn score_buckets(b: &Baselines, out: &mut Scored) {
    let name = |s: Sym| b.strings.name(s);
    for (k, g) in &b.bucket_groups {
        let Some(st) = b.accounts.get(&k.account) else { continue };
        if k.day < st.analysed_from {
            continue;
        }
        let bucket = name(k.bucket);
        let Some(p) = st.baseline.buckets.get(bucket) else { continue };
        if p.active_days < MIN_ACTIVE_DAYS {
            continue;
        }
        let principal = name(k.principal);
        let net = name(k.network);
        let known_principal = p.principals.get(principal);
        let mut ctx = Vec::new();
        if known_principal.is_none() {
            ctx.push(Unusual::new(
                "principal",
                principal,
                "new",
                format!(
                    "principal {principal}: never accessed this bucket in {} days / {} calls (baseline: {} principals)",
                    st.baseline.days,
                    thousands(p.calls),
                    p.principals.len()
                ),
            ));
        }
        if !known_network(&p.networks, &p.wider_networks, net) {
            ctx.push(Unusual::new(
                "network",
                net,
                "new",
                format!("network {net}: new for this bucket (baseline: {})", top(&p.networks, 3)),
            ));
            ctx.extend(geo_features(b, k.network, &p.countries, &p.asns, "bucket"));
        }
        let mut by_class: BTreeMap<S3Class, Vec<(&str, &super::ApiUse)>> = BTreeMap::new();
        for (op, u) in &g.ops {
            let op = name(*op);
            if let Some(c) = s3_class(op) {
                by_class.entry(c).or_default().push((op, u));
            }
        }
        for (class, mut ops) in by_class {
            ops.sort_by(|a, b| a.0.cmp(b.0));
            let mut feats = Vec::new();
            if known_principal.is_some()
                && !p.principal_classes.contains_key(&format!("{principal}|{}", class.name()))
            {
                let did: Vec<String> = S3Class::ALL
                    .iter()
                    .filter_map(|c| {
                        let s = p.principal_classes.get(&format!("{principal}|{}", c.name()))?;
                        Some(format!("{} {}", c.name(), thousands(s.count)))
                    })
                    .collect();
                feats.push(Unusual::new(
                    "class",
                    class.name(),
                    "new",
                    format!(
                        "{}: never done by this principal on this bucket (it did: {})",
                        class.name(),
                        if did.is_empty() { "nothing else".to_string() } else { did.join(", ") }
                    ),
                ));
            }
            for (op, _) in &ops {
                if !p.operations.contains_key(*op) {
                    feats.push(Unusual::new(
                        "operation",
                        *op,
                        "new",
                        format!(
                            "{op}: never seen on this bucket in {} days / {} calls",
                            st.baseline.days,
                            thousands(p.calls)
                        ),
                    ));
                }
            }
            let slot = match class {
                S3Class::Read => Some(0),
                S3Class::Write => Some(1),
                S3Class::Delete => Some(2),
                _ => None,
            };
            let mut has_volume = false;
            if let Some(i) = slot {
                let peak_hour = g.hourly.values().map(|v| v[i]).max().unwrap_or(0);
                let base = p.classes.get(class.name()).map_or(0, |s| s.peak_hourly_bytes);
                let floor = if i == 2 { DELETE_FLOOR } else { VOLUME_FLOOR_BYTES };
                if peak_hour >= floor && peak_hour >= VOLUME_FACTOR * base.max(1) {
                    has_volume = true;
                    let fmt =
                        |v: u64| if i == 2 { format!("{} delete calls", thousands(v)) } else { bytes(v) };
                    feats.push(
                        Unusual::new(
                            "volume",
                            fmt(peak_hour),
                            "unusual",
                            format!(
                                "{}: {} in one hour (baseline peak for this bucket: {})",
                                class.name(),
                                fmt(peak_hour),
                                if base == 0 { "none".to_string() } else { fmt(base) }
                            ),
                        )
                        .seen(base, 0),
                    );
                }
            }
            // Everything an unknown principal does to the bucket is new; that is said once, by
            // the `principal` feature.
            if feats.is_empty() && known_principal.is_some() {
                continue;
            }
            let n = feats.len() + ctx.len();
            if n < 2 || (ctx.is_empty() && !has_volume) {
                continue;
            }
            let mut unusual = feats;
            unusual.extend(ctx.iter().cloned());
            let sev = severity(class.default_severity(), n, p.active_days < SOLID_ACTIVE_DAYS, false);
            let mut samples: Vec<Sample> = ops.iter().map(|o| Sample::clone(&o.1.sample)).collect();
            samples.sort_by_key(|s| (s.time, s.src));
            out.buckets.push(BucketAnomaly {
                account: name(k.account).to_string(),
                bucket: bucket.to_string(),
                principal: principal.to_string(),
                class,
                ops: ops.iter().map(|(o, u)| (o.to_string(), u.calls)).collect(),
                unusual,
                severity: sev,
                first: samples.first().map_or(0, |s| s.time),
                last: samples.last().map_or(0, |s| s.time),
                calls: ops.iter().map(|o| o.1.calls).sum(),
                samples,
                who: g.who.clone(),
                network: net.to_string(),
            });
        }
    }
}

/// Many new ports to one remote network on one day are a sweep (a port scan, which
/// `Recon:EC2/Portscan` reports), not many unusual services: they are folded into the earliest
/// one, with a `ports` feature saying how many there were.
fn fold_port_sweep(mut found: Vec<FlowAnomaly>) -> Vec<FlowAnomaly> {
    if found.len() <= MAX_NEW_PORTS_PER_PEER {
        return found;
    }
    found.sort_by_key(|a| (a.first, a.sample.src));
    let (n, flows, bytes_out) =
        (found.len(), found.iter().map(|a| a.flows).sum(), found.iter().map(|a| a.bytes_out).sum());
    let last = found.iter().map(|a| a.last).max().unwrap_or(0);
    let mut first = found.swap_remove(0);
    let ports: Vec<String> =
        std::iter::once(&first).chain(&found).map(|a| a.unusual[0].value.clone()).collect();
    first.unusual.push(Unusual::new(
        "ports",
        n.to_string(),
        "unusual",
        format!(
            "{n} new remote ports to {} on one day ({}, …): a sweep, reported once",
            first.peer,
            ports.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
        ),
    ));
    first.last = last;
    first.flows = flows;
    first.bytes_out = bytes_out;
    vec![first]
}

/// The median of the per-peer hourly peaks: a "normal big transfer" for the instance.
fn typical_peer_peak(peers: &Counts) -> u64 {
    let mut v: Vec<u64> = peers.values().map(|s| s.peak_hourly_bytes).collect();
    if v.is_empty() {
        return 0;
    }
    v.sort_unstable();
    v[v.len() / 2]
}

fn score_flows(b: &Baselines, out: &mut Scored) {
    let name = |s: Sym| b.strings.name(s);
    let mut typical: HashMap<(Sym, Sym), u64> = HashMap::default();
    for (k, g) in &b.flow_groups {
        let Some(st) = b.accounts.get(&k.account) else { continue };
        if k.day < st.analysed_from || g.folded {
            continue;
        }
        let endpoint = name(k.endpoint);
        let Some(p) = st.baseline.instances.get(endpoint) else { continue };
        if p.active_days < MIN_ACTIVE_DAYS {
            continue;
        }
        let peer = name(k.peer);
        let peer_seen = p.peers.get(peer);
        let peer_new = peer_seen.is_none() && !p.peers_saturated;
        let peer_feature = || {
            Unusual::new(
                "peer",
                peer,
                "new",
                format!(
                    "remote network {peer}: new for this instance (baseline: {} networks)",
                    p.peers.len()
                ),
            )
        };
        let thin = p.active_days < SOLID_ACTIVE_DAYS;

        // NetworkPortUnusual: an outbound connection to a server port the instance never used.
        let mut ports: Vec<(&super::PortKey, &super::PortUse)> = g.ports.iter().collect();
        ports.sort_by_key(|(k, _)| **k);
        let mut new_ports = Vec::new();
        let mut port_anomalies = Vec::new();
        for (port, u) in ports {
            if !port.outbound || port.port == 0 || port.port >= 49152 || u.sample.blocked {
                continue;
            }
            let label = port_label(port.protocol, port.port);
            if p.remote_ports.contains_key(&label) {
                continue;
            }
            new_ports.push(label.clone());
            let mut unusual = vec![Unusual::new(
                "port",
                label.clone(),
                "new",
                format!(
                    "remote port {label}: never used by this instance in {} days / {} flows (baseline: {})",
                    st.baseline.days,
                    thousands(p.flows),
                    top(&p.remote_ports, 4)
                ),
            )];
            if peer_new {
                unusual.push(peer_feature());
            }
            let proto = protocol_name(port.protocol);
            if !p.protocols.contains_key(proto) {
                unusual.push(Unusual::new(
                    "protocol",
                    proto,
                    "new",
                    format!("protocol {proto}: new (baseline: {})", top(&p.protocols, 3)),
                ));
            }
            if unusual.len() < 2 {
                continue;
            }
            port_anomalies.push(FlowAnomaly {
                account: name(k.account).to_string(),
                endpoint: endpoint.to_string(),
                peer: peer.to_string(),
                severity: severity(5.0, unusual.len(), thin, false),
                unusual,
                first: u.sample.time,
                last: u.sample.time,
                flows: u.flows,
                bytes_out: u.bytes_out,
                sample: u.sample.clone(),
            });
        }
        out.ports.extend(fold_port_sweep(port_anomalies));

        // TrafficVolumeUnusual: far more sent to one remote network in an hour than normal.
        let Some((&hour, &sent)) = g.hourly_out.iter().max_by_key(|(h, v)| (**v, std::cmp::Reverse(**h)))
        else {
            continue;
        };
        let (base, base_text) = match peer_seen {
            Some(s) => (
                s.peak_hourly_bytes,
                format!("largest hour to this network in baseline: {}", bytes(s.peak_hourly_bytes)),
            ),
            None => {
                let t =
                    *typical.entry((k.account, k.endpoint)).or_insert_with(|| typical_peer_peak(&p.peers));
                (t, format!("typical largest hour to one network in baseline: {}", bytes(t)))
            }
        };
        if sent < VOLUME_FLOOR_BYTES || sent < VOLUME_FACTOR * base.max(1) {
            continue;
        }
        let mut unusual = vec![Unusual::new(
            "volume",
            bytes(sent),
            "unusual",
            format!("sent {} to {peer} in one hour ({base_text})", bytes(sent)),
        )
        .seen(base, 0)];
        if peer_new {
            unusual.push(peer_feature());
        }
        for label in &new_ports {
            unusual.push(Unusual::new(
                "port",
                label.clone(),
                "new",
                format!("remote port {label}: new for this instance"),
            ));
        }
        if unusual.len() < 2 {
            continue;
        }
        let sample = g
            .ports
            .values()
            .filter(|u| u.bytes_out > 0)
            .max_by_key(|u| (u.bytes_out, std::cmp::Reverse(u.sample.time)))
            .map(|u| u.sample.clone())
            .unwrap_or_default();
        let at = k.day * DAY + hour as i64 * HOUR;
        out.volumes.push(FlowAnomaly {
            account: name(k.account).to_string(),
            endpoint: endpoint.to_string(),
            peer: peer.to_string(),
            severity: severity(5.0, unusual.len(), thin, false),
            unusual,
            first: at,
            last: at + HOUR - 1,
            flows: g.flows,
            bytes_out: sent,
            sample,
        });
    }
}
