//! `Discovery:S3/AnomalousBehavior`, `Exfiltration:S3/AnomalousBehavior`,
//! `Impact:S3/AnomalousBehavior.Delete`, `Impact:S3/AnomalousBehavior.Permission`,
//! `Impact:S3/AnomalousBehavior.Write` — S3 APIs invoked on a bucket in a way its baseline never
//! shows.
//!
//! **Fires on** one principal's calls to one bucket on one UTC day from one source network, per
//! class of call (listing/metadata → Discovery, reading objects → Exfiltration, deleting →
//! Delete, ACL/policy/public-access changes → Permission, writing → Write), when something about
//! the class is new — the principal never did this class on this bucket, an operation never seen
//! on the bucket, or an hourly volume at least ten times the bucket's peak (and at least 512 MiB
//! read or written, or 100 delete calls) — **and** at least two features are unusual in all,
//! one of them about the context (a principal that never accessed the bucket, or a network new
//! to the bucket and its /16) or the volume. Buckets need 3 active days of baseline.
//!
//! **Fields**: `eventName`, `requestParameters.bucketName`, `additionalEventData.bytesTransferredIn/
//! Out`, `userIdentity` (principal key), `sourceIPAddress`, `eventTime`.
//!
//! **Severity**: GuardDuty's defaults — Discovery Low (2.0), Write Medium (5.0), Exfiltration,
//! Delete and Permission High (8.0) — +0.5 per unusual feature beyond two, −0.5 on a thin
//! baseline, kept in the band.
//!
//! **Evidence**: the first call of each operation; `additionalInfo.unusual` names the
//! principal, network, operations and volumes with the bucket's baseline figures.
//!
//! **Known false positives**: a new consumer of a bucket reading a large backlog on its first
//! day; a one-off migration.

use serde_json::json;

use super::{access_key_resource, anomaly_info, api_action, baseline_info};
use crate::detect::{Context, Detector};
use crate::findings::model::{Resource, S3BucketDetail};
use crate::findings::{Draft, FindingSink};

pub struct S3AnomalousBehavior;

impl Detector for S3AnomalousBehavior {
    fn name(&self) -> &'static str {
        "anomaly::s3_anomalous_behavior"
    }

    fn observe(&mut self, _e: &crate::event::Event, _ctx: &Context, _sink: &mut FindingSink) {}

    fn finish(&mut self, ctx: &Context, sink: &mut FindingSink) {
        for a in &ctx.baseline.scored().buckets {
            let Some(first) = a.samples.first() else { continue };
            let mut d = Draft::at(a.class.finding_type(), a.severity, a.first, self.name());
            d.last_seen = a.last;
            d.count = a.calls;
            d.account_id = a.account.clone();
            d.region = first.region.to_string();
            let key = access_key_resource(&a.who);
            d.resource = Resource {
                resource_type: "S3Bucket".to_string(),
                s3_bucket_details: Some(vec![S3BucketDetail {
                    arn: format!("arn:aws:s3:::{}", a.bucket),
                    name: a.bucket.clone(),
                    bucket_type: "Destination".to_string(),
                    ..S3BucketDetail::default()
                }]),
                access_key_details: None,
                ..key
            };
            d.action = api_action(first);
            d.actor = Some(a.who.name.clone());
            let ops = a.ops.iter().map(|(o, n)| format!("{o} ×{n}")).collect::<Vec<_>>().join(", ");
            d.title = format!("Anomalous {} of S3 bucket {} by {}.", a.class.name(), a.bucket, a.who.name);
            d.description = format!(
                "{} {} invoked S3 APIs ({ops}) on bucket {} in a way not seen before: {}.",
                a.who.kind,
                a.who.name,
                a.bucket,
                a.unusual.iter().map(|u| u.explanation.as_str()).collect::<Vec<_>>().join("; ")
            );
            let baseline = ctx
                .baseline
                .baseline_of(&a.account)
                .map(|b| {
                    let p = b.buckets.get(&a.bucket);
                    baseline_info(
                        b,
                        json!({"bucket": a.bucket, "bucketCalls": p.map_or(0, |p| p.calls),
                               "bucketActiveDays": p.map_or(0, |p| p.active_days)}),
                    )
                })
                .unwrap_or_default();
            d.additional_info = anomaly_info(&a.unusual, baseline);
            d.additional_info.insert("principal".into(), json!(a.principal));
            d.additional_info.insert("accessKeyId".into(), json!(a.who.access_key_id));
            d.why = a.unusual.iter().map(|u| u.explanation.clone()).collect();
            d.distinguish_by = a.principal.clone();
            d.evidence = a.samples.iter().map(|s| (s.time, s.src, s.summary.clone())).collect();
            sink.report(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testworld::*;

    #[test]
    fn exfiltration_from_a_new_network_fires_high() {
        let mut w = World::new(51, 21);
        for i in 0..40 {
            let t = w.day_time(17, 1, i);
            w.s3(&CAROL, t, "GetObject", "corp-data", 0, 500 * MB, "102.129.235.17", CLI);
        }
        let f = w.scan();
        let a = anomaly_findings(&f);
        assert_eq!(a.len(), 1, "{:#?}", explain(&a));
        assert_eq!(a[0].finding_type, "Exfiltration:S3/AnomalousBehavior");
        assert_eq!(a[0].severity, 8.0);
        assert_eq!(a[0].resource.resource_type, "S3Bucket");
        let u = unusual_of(a[0]);
        assert!(u[0].starts_with("read: 19.5 GiB in one hour (baseline peak for this bucket: "), "{u:?}");
        assert!(u[1].starts_with("network 102.129.235.0/24: new for this bucket"), "{u:?}");
    }

    #[test]
    fn each_class_fires() {
        // Delete: the web app suddenly deletes thousands of assets (no context change: volume).
        let mut w = World::new(52, 21);
        for i in 0..600 {
            let t = w.day_time(16, 13, 0) + i * 5_000;
            w.s3(&WEBAPP, t, "DeleteObjects", "corp-assets", 0, 0, "10.0.1.15", JAVA_SDK);
        }
        let a = w.scan();
        let a = anomaly_findings(&a);
        assert_eq!(
            explain(&a).iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
            ["Impact:S3/AnomalousBehavior.Delete"],
            "{:#?}",
            explain(&a)
        );
        let u = unusual_of(a[0]);
        assert!(
            u.iter()
                .any(|s| s.starts_with("delete: never done by this principal on this bucket (it did: read ")),
            "{u:?}"
        );
        assert!(u.iter().any(|s| s.starts_with("delete: 600 delete calls in one hour")), "{u:?}");

        // Permission: the developer's key makes the data bucket public from a new network.
        let mut w = World::new(53, 21);
        let t = w.day_time(16, 22, 0);
        w.s3(&BOB, t, "PutBucketAcl", "corp-data", 0, 0, "102.129.235.17", BOTO);
        let a = w.scan();
        let a = anomaly_findings(&a);
        let types: Vec<&str> = a.iter().map(|f| f.finding_type.as_str()).collect();
        assert!(types.contains(&"Impact:S3/AnomalousBehavior.Permission"), "{:#?}", explain(&a));

        // Write and Discovery: an unknown principal lists and writes the data bucket.
        let mut w = World::new(54, 21);
        let t = w.day_time(16, 22, 0);
        w.s3(&DAVE, t, "ListObjectsV2", "corp-data", 0, 0, "102.129.235.17", BOTO);
        for i in 0..5 {
            w.s3(&DAVE, t + i * 1000, "PutObject", "corp-data", 200 * MB, 0, "102.129.235.17", BOTO);
        }
        let a = w.scan();
        let a = anomaly_findings(&a);
        let mut types: Vec<(&str, f64)> = a.iter().map(|f| (f.finding_type.as_str(), f.severity)).collect();
        types.sort_by(|a, b| a.0.cmp(b.0));
        assert_eq!(
            types,
            [("Discovery:S3/AnomalousBehavior", 2.0), ("Impact:S3/AnomalousBehavior.Write", 6.0)],
            "{:#?}",
            explain(&a)
        );
    }

    #[test]
    fn nightly_backup_and_routine_access_stay_silent() {
        let mut w = World::new(55, 21);
        // A bigger-than-usual backup night, and the analyst from a second office address.
        for i in 0..30 {
            let t = w.day_time(17, 2, i);
            w.s3(&BACKUP, t, "PutObject", "corp-backups", 400 * MB, 0, "10.0.5.10", CLI);
        }
        for i in 0..50 {
            let t = w.day_time(16, 10, i);
            w.s3(&CAROL, t, "GetObject", "corp-data", 0, 4 * MB, "198.51.100.131", CLI);
        }
        let f = w.scan();
        assert!(anomaly_findings(&f).is_empty(), "{:#?}", explain(&anomaly_findings(&f)));
    }
}
