//! `Behavior:EC2/TrafficVolumeUnusual` — an EC2 instance is sending an unusually large amount of
//! traffic to a remote host.
//!
//! **Fires on** an hour in which an instance sent to one remote network (/24, /48) at least
//! 512 MiB **and** ten times its baseline for that network (for a known network: the largest hour
//! sent to it; for a new one: the median of the instance's per-network largest hours), **and**
//! something else is new: the remote network, or a server port. So a nightly multi-GB backup to
//! its usual destination stays silent, and so does a known peer merely getting more.
//!
//! **Fields**: `instance-id`/`interface-id`, `srcaddr`, `dstaddr`, `srcport`, `dstport`,
//! `protocol`, `bytes`, `start`, `flow-direction` (when logged).
//!
//! **Severity**: Medium (5.0) as GuardDuty; +0.5 per further unusual feature (a new port as
//! well); −0.5 on a thin baseline.
//!
//! **Evidence**: the largest flow of that hour; `additionalInfo.unusual` gives the hour's bytes
//! against the baseline's figure.
//!
//! **Known false positives**: a first large transfer to a new legitimate destination (a new
//! backup target, a migration).

use serde_json::json;

use super::{anomaly_info, baseline_info, instance_draft};
use crate::detect::{Context, Detector};
use crate::findings::FindingSink;

pub const TYPE: &str = "Behavior:EC2/TrafficVolumeUnusual";

pub struct TrafficVolumeUnusual;

impl Detector for TrafficVolumeUnusual {
    fn name(&self) -> &'static str {
        "anomaly::traffic_volume_unusual"
    }

    fn observe(&mut self, _e: &crate::event::Event, _ctx: &Context, _sink: &mut FindingSink) {}

    fn finish(&mut self, ctx: &Context, sink: &mut FindingSink) {
        for a in &ctx.baseline.scored().volumes {
            let mut d =
                instance_draft(TYPE, a.severity, &a.account, &a.endpoint, &a.sample, ctx, self.name());
            d.first_seen = a.first;
            d.last_seen = a.last;
            d.count = a.flows.max(1);
            d.title = format!("Unusually large amount of traffic sent by EC2 instance {}.", a.endpoint);
            d.description = format!(
                "EC2 instance {} sent {} to {} in one hour, far more than usual: {}.",
                a.endpoint,
                crate::baseline::features::bytes(a.bytes_out),
                a.peer,
                a.unusual.iter().map(|u| u.explanation.as_str()).collect::<Vec<_>>().join("; ")
            );
            let baseline = ctx
                .baseline
                .baseline_of(&a.account)
                .map(|b| {
                    let peak = b.instances.get(&a.endpoint).map_or(0, |p| p.peak_hourly_bytes_out);
                    baseline_info(b, json!({"instance": a.endpoint, "peakHourlyBytesOut": peak}))
                })
                .unwrap_or_default();
            d.additional_info = anomaly_info(&a.unusual, baseline);
            d.additional_info.insert("bytesOut".into(), json!(a.bytes_out));
            d.why = a.unusual.iter().map(|u| u.explanation.clone()).collect();
            d.distinguish_by = a.peer.clone();
            sink.report(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testworld::*;
    use super::TYPE;

    #[test]
    fn fires_on_gigabytes_to_a_new_network() {
        let mut w = World::new(41, 21);
        for i in 0..8 {
            let t = w.day_time(18, 4, 5 * i);
            w.connection(t, "i-0web1", "10.0.1.15", "45.77.12.9", 443, 6, 800 * MB, MB);
        }
        let f = w.scan();
        let a = anomaly_findings(&f);
        assert_eq!(a.len(), 1, "{:#?}", explain(&a));
        assert_eq!(a[0].finding_type, TYPE);
        assert_eq!(a[0].severity, 5.0);
        let u = unusual_of(a[0]);
        assert!(u[0].starts_with("sent 6.2 GiB to 45.77.12.0/24 in one hour (typical largest hour to one network in baseline: "), "{u:?}");
        assert!(u[1].starts_with("remote network 45.77.12.0/24: new"), "{u:?}");
    }

    #[test]
    fn nightly_backup_and_busier_known_peers_stay_silent() {
        let mut w = World::new(42, 21);
        // The backup grows by a third on one night; the web app sends more to S3 than usual.
        for i in 0..4 {
            let t = w.day_time(18, 2, 10 * i);
            w.connection(t, "i-0backup", "10.0.5.10", "192.0.2.50", 443, 6, 700 * MB, MB);
        }
        let t = w.day_time(18, 15, 0);
        w.connection(t, "i-0web1", "10.0.1.15", "52.216.10.7", 443, 6, 2 * GB, MB);
        let f = w.scan();
        assert!(anomaly_findings(&f).is_empty(), "{:#?}", explain(&anomaly_findings(&f)));
    }
}
