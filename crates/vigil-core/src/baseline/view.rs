//! What the console's baselines view shows: per entity (principal, bucket, instance), its
//! learned profile and how the analysed window departs from it — every value the window used
//! that the baseline never saw, with how often — and the anomalies scored for it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::features::{wider_network, Sym};
use super::profile::Counts;
use super::{day_text, port_label, Baselines};

/// One value the analysed window used that the baseline never saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Departure {
    pub feature: String,
    pub value: String,
    /// Calls, requests or flows with it in the analysed window.
    pub count: u64,
}

/// One entity in the baselines view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityView {
    /// `principal`, `bucket` or `instance`.
    pub kind: String,
    pub account_id: String,
    /// Principal ARN, bucket name, or instance / interface id.
    pub id: String,
    /// `learned` (from the input's first days) or `imported`.
    pub baseline_source: String,
    pub baseline_from: String,
    pub baseline_to: String,
    /// First analysed day, `YYYY-MM-DD`; `None` when everything was scored (imported baseline).
    pub analysed_from: Option<String>,
    /// The profile as in the baseline file (`None`: not enough history to be judged).
    pub profile: Option<serde_json::Value>,
    /// Activity in the analysed window (calls, requests or flows).
    pub window_count: u64,
    pub departures: Vec<Departure>,
    /// `type: explanation; explanation…` for each anomaly scored on this entity.
    pub anomalies: Vec<String>,
}

type Key = (&'static str, Sym, String);

#[derive(Default)]
struct Window {
    count: u64,
    departures: BTreeMap<(&'static str, String), u64>,
}

impl Window {
    fn depart(&mut self, feature: &'static str, value: &str, n: u64) {
        *self.departures.entry((feature, value.to_string())).or_default() += n;
    }

    /// `country` / `asn` departures of a new source network (when the baseline has geo figures).
    fn depart_geo(&mut self, b: &Baselines, network: Sym, countries: &Counts, asns: &Counts, n: u64) {
        let geo = b.geo_of(network);
        if let Some(c) = geo.country.clone().filter(|c| !countries.is_empty() && !countries.contains_key(c)) {
            self.depart("country", &c, n);
        }
        if let Some(a) = geo.asn_label().filter(|a| !asns.is_empty() && !asns.contains_key(a)) {
            self.depart("asn", &a, n);
        }
    }
}

impl Baselines {
    /// The baselines view: every entity with a baseline or activity in the analysed window,
    /// ordered by account, kind and id. Empty before [`Baselines::finish`].
    pub fn views(&self) -> Vec<EntityView> {
        let name = |s: Sym| self.strings.name(s);
        let mut windows: BTreeMap<Key, Window> = BTreeMap::new();
        for (k, g) in &self.principal_groups {
            let Some(st) = self.accounts.get(&k.account) else { continue };
            if k.day < st.analysed_from {
                continue;
            }
            let id = name(k.principal).to_string();
            let p = st.baseline.principals.get(&id);
            let w = windows.entry(("principal", k.account, id)).or_default();
            w.count += g.calls;
            let Some(p) = p else { continue };
            let net = name(k.network);
            if !p.networks.contains_key(net) {
                let wider_known = wider_network(net).is_some_and(|n| p.wider_networks.contains_key(&n));
                w.depart(if wider_known { "network (known wider network)" } else { "network" }, net, g.calls);
                w.depart_geo(self, k.network, &p.countries, &p.asns, g.calls);
            }
            if !p.agents.contains_key(name(k.agent)) {
                w.depart("userAgent", name(k.agent), g.calls);
            }
            for (r, n) in &g.regions {
                if !p.regions.contains_key(name(*r)) {
                    w.depart("region", name(*r), *n);
                }
            }
            for (a, u) in &g.apis {
                if !p.apis.contains_key(name(*a)) {
                    w.depart("api", name(*a), u.calls);
                }
            }
        }
        for (k, g) in &self.bucket_groups {
            let Some(st) = self.accounts.get(&k.account) else { continue };
            if k.day < st.analysed_from {
                continue;
            }
            let id = name(k.bucket).to_string();
            let p = st.baseline.buckets.get(&id);
            let calls: u64 = g.ops.values().map(|u| u.calls).sum();
            let w = windows.entry(("bucket", k.account, id)).or_default();
            w.count += calls;
            let Some(p) = p else { continue };
            if !p.principals.contains_key(name(k.principal)) {
                w.depart("principal", name(k.principal), calls);
            }
            if !p.networks.contains_key(name(k.network)) {
                w.depart("network", name(k.network), calls);
                w.depart_geo(self, k.network, &p.countries, &p.asns, calls);
            }
            for (op, u) in &g.ops {
                if !p.operations.contains_key(name(*op)) {
                    w.depart("operation", name(*op), u.calls);
                }
            }
        }
        for (k, g) in &self.flow_groups {
            let Some(st) = self.accounts.get(&k.account) else { continue };
            if k.day < st.analysed_from {
                continue;
            }
            let id = name(k.endpoint).to_string();
            let p = st.baseline.instances.get(&id);
            let w = windows.entry(("instance", k.account, id)).or_default();
            w.count += g.flows;
            let Some(p) = p else { continue };
            if !g.folded && !p.peers_saturated && !p.peers.contains_key(name(k.peer)) {
                w.depart("peer", name(k.peer), g.flows);
            }
            for (port, u) in &g.ports {
                let label = port_label(port.protocol, port.port);
                let known = if port.outbound { &p.remote_ports } else { &p.local_ports };
                if port.port != 0 && port.port < 49152 && !known.contains_key(&label) {
                    w.depart(if port.outbound { "remotePort" } else { "localPort" }, &label, u.flows);
                }
            }
        }
        // Entities with a baseline but no activity in the window are shown too.
        for (account, st) in &self.accounts {
            for id in st.baseline.principals.keys() {
                windows.entry(("principal", *account, id.clone())).or_default();
            }
            for id in st.baseline.buckets.keys() {
                windows.entry(("bucket", *account, id.clone())).or_default();
            }
            for id in st.baseline.instances.keys() {
                windows.entry(("instance", *account, id.clone())).or_default();
            }
        }

        let mut anomalies: BTreeMap<Key, Vec<String>> = BTreeMap::new();
        let sym = |s: &str| self.accounts.keys().copied().find(|a| name(*a) == s);
        let texts = |u: &[super::score::Unusual]| {
            u.iter().map(|u| u.explanation.clone()).collect::<Vec<_>>().join("; ")
        };
        for a in &self.scored.principals {
            if let Some(acc) = sym(&a.account) {
                anomalies.entry(("principal", acc, a.principal.clone())).or_default().push(format!(
                    "{}: {}",
                    a.tactic.finding_type(),
                    texts(&a.unusual)
                ));
            }
        }
        for a in &self.scored.logins {
            if let Some(acc) = sym(&a.account) {
                anomalies
                    .entry(("principal", acc, a.principal.clone()))
                    .or_default()
                    .push(format!("UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B: {}", texts(&a.unusual)));
            }
        }
        for a in &self.scored.buckets {
            if let Some(acc) = sym(&a.account) {
                anomalies.entry(("bucket", acc, a.bucket.clone())).or_default().push(format!(
                    "{}: {}",
                    a.class.finding_type(),
                    texts(&a.unusual)
                ));
            }
        }
        for (t, list) in [
            ("Behavior:EC2/NetworkPortUnusual", &self.scored.ports),
            ("Behavior:EC2/TrafficVolumeUnusual", &self.scored.volumes),
        ] {
            for a in list {
                if let Some(acc) = sym(&a.account) {
                    anomalies
                        .entry(("instance", acc, a.endpoint.clone()))
                        .or_default()
                        .push(format!("{t}: {}", texts(&a.unusual)));
                }
            }
        }

        let mut out: Vec<EntityView> = windows
            .into_iter()
            .map(|(key, w)| {
                let st = &self.accounts[&key.1];
                let b = &st.baseline;
                let profile = match key.0 {
                    "principal" => b.principals.get(&key.2).and_then(|p| serde_json::to_value(p).ok()),
                    "bucket" => b.buckets.get(&key.2).and_then(|p| serde_json::to_value(p).ok()),
                    _ => b.instances.get(&key.2).and_then(|p| serde_json::to_value(p).ok()),
                };
                let mut departures: Vec<Departure> = w
                    .departures
                    .into_iter()
                    .map(|((feature, value), count)| Departure { feature: feature.to_string(), value, count })
                    .collect();
                departures.sort_by(|a, b| {
                    b.count.cmp(&a.count).then(a.feature.cmp(&b.feature)).then(a.value.cmp(&b.value))
                });
                EntityView {
                    kind: key.0.to_string(),
                    account_id: name(key.1).to_string(),
                    baseline_source: if st.imported { "imported" } else { "learned" }.to_string(),
                    baseline_from: b.learned_from.clone(),
                    baseline_to: b.learned_to.clone(),
                    analysed_from: (!st.imported).then(|| day_text(st.analysed_from)),
                    profile,
                    window_count: w.count,
                    departures,
                    anomalies: anomalies.remove(&key).unwrap_or_default(),
                    id: key.2,
                }
            })
            .collect();
        out.sort_by(|a, b| (&a.account_id, &a.kind, &a.id).cmp(&(&b.account_id, &b.kind, &b.id)));
        out
    }
}
