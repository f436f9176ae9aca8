//! Where detectors report, and where repeats become one finding.
//!
//! GuardDuty aggregates a repeat of the same finding type on the same resource (and, where it
//! distinguishes them, the same actor or remote party) into one finding whose `count` rises and
//! whose `eventLastSeen` moves. The sink does the same, keyed by [`Draft::aggregation_key`]. Ids
//! are a hash of that key, so they are stable across runs and independent of file order; every
//! merge rule below (min/max times, max severity, the descriptive fields of the earliest report,
//! the smallest evidence refs) is order-independent for the same reason.

use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::event::SourceRef;
use crate::findings::model::*;
use crate::time::{format_iso8601, Millis};

/// How many evidence events a finding keeps; the total is still counted.
pub const EVIDENCE_SAMPLE: usize = 20;

/// A detector's report of one occurrence (or, with `count` > 1, several) of a finding.
#[derive(Clone, Debug, Default)]
pub struct Draft {
    pub finding_type: String,
    pub severity: f64,
    pub account_id: String,
    pub region: String,
    pub title: String,
    pub description: String,
    pub resource: Resource,
    pub action: Action,
    /// `ACTOR` or `TARGET`.
    pub resource_role: &'static str,
    pub threat_intel: Vec<ThreatIntelligenceDetail>,
    /// Goes to `service.additionalInfo.value` as a JSON object.
    pub additional_info: Map<String, Value>,
    /// The part of the aggregation key beyond type, account, region and resource: the actor or
    /// remote party where GuardDuty keeps them apart. Empty when it does not.
    pub distinguish_by: String,
    pub first_seen: Millis,
    pub last_seen: Millis,
    pub count: u64,
    /// The events behind this report, with a one-line summary each.
    pub evidence: Vec<(Millis, SourceRef, String)>,
    pub why: Vec<String>,
    pub actor: Option<String>,
    pub detector: &'static str,
}

impl Draft {
    /// A draft at one instant with count 1.
    pub fn at(finding_type: &str, severity: f64, time: Millis, detector: &'static str) -> Self {
        Self {
            finding_type: finding_type.to_string(),
            severity,
            first_seen: time,
            last_seen: time,
            count: 1,
            resource_role: "TARGET",
            detector,
            ..Self::default()
        }
    }

    /// The identity of the resource for aggregation: access key / principal, instance id, or
    /// bucket names.
    fn resource_key(&self) -> String {
        let r = &self.resource;
        if let Some(a) = &r.access_key_details {
            return format!("key:{}:{}", a.access_key_id, a.principal_id);
        }
        if let Some(i) = &r.instance_details {
            return format!("instance:{}", i.instance_id);
        }
        if let Some(b) = &r.s3_bucket_details {
            let names: Vec<&str> = b.iter().map(|b| b.name.as_str()).collect();
            return format!("bucket:{}", names.join(","));
        }
        format!("resource:{}", r.resource_type)
    }

    pub fn aggregation_key(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}",
            self.finding_type,
            self.account_id,
            self.region,
            self.resource_key(),
            self.distinguish_by
        )
    }
}

struct Entry {
    draft: Draft,
    count: u64,
    first: Millis,
    last: Millis,
    severity: f64,
    intel: BTreeMap<String, ThreatIntelligenceDetail>,
    evidence: Vec<(Millis, SourceRef, String)>,
    evidence_total: u64,
}

/// Collects drafts, aggregates repeats, and produces findings.
#[derive(Default)]
pub struct FindingSink {
    entries: HashMap<String, Entry>,
    files: Vec<String>,
}

impl FindingSink {
    pub fn new() -> Self {
        Self::default()
    }

    /// Tells the sink the path of file number `file` (as in [`SourceRef::file`]), so evidence
    /// can name it and be ordered independently of file order.
    pub fn set_file_name(&mut self, file: u32, path: &str) {
        let i = file as usize;
        if self.files.len() <= i {
            self.files.resize(i + 1, String::new());
        }
        self.files[i] = path.to_string();
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Records one report, merging it into an earlier one with the same aggregation key.
    pub fn report(&mut self, draft: Draft) {
        // Every fixture test of every detector also checks the type and its documented
        // default severity against GuardDuty's table.
        #[cfg(test)]
        if let Some(problem) = crate::findings::catalog::mismatch(
            &draft.finding_type,
            draft.severity,
            draft.additional_info.get("signal").and_then(|v| v.as_str()),
        ) {
            panic!("{} reported a finding off GuardDuty's documentation: {problem}", draft.detector);
        }
        let key = draft.aggregation_key();
        let files = std::mem::take(&mut self.files);
        let order = |e: &(Millis, SourceRef, String)| {
            (e.0, files.get(e.1.file as usize).cloned().unwrap_or_default(), e.1.record)
        };
        let entry = self.entries.entry(key).or_insert_with(|| Entry {
            count: 0,
            first: draft.first_seen,
            last: draft.last_seen,
            severity: draft.severity,
            intel: BTreeMap::new(),
            evidence: Vec::new(),
            evidence_total: 0,
            draft: Draft { first_seen: Millis::MAX, ..Draft::default() },
        });
        entry.count += draft.count.max(1);
        entry.first = entry.first.min(draft.first_seen);
        entry.last = entry.last.max(draft.last_seen);
        entry.severity = entry.severity.max(draft.severity);
        for t in &draft.threat_intel {
            let e =
                entry.intel.entry(t.threat_list_name.clone()).or_insert_with(|| ThreatIntelligenceDetail {
                    threat_list_name: t.threat_list_name.clone(),
                    threat_names: Vec::new(),
                    threat_file_sha256: t.threat_file_sha256.clone(),
                });
            for n in &t.threat_names {
                if !e.threat_names.contains(n) {
                    e.threat_names.push(n.clone());
                }
            }
            e.threat_names.sort();
        }
        entry.evidence_total += draft.evidence.len() as u64;
        entry.evidence.extend(draft.evidence.iter().cloned());
        entry.evidence.sort_by_cached_key(order);
        entry.evidence.dedup_by(|a, b| a.1 == b.1);
        entry.evidence.truncate(EVIDENCE_SAMPLE);
        // The earliest report describes the finding; ties go to the smaller description so the
        // choice never depends on arrival order.
        let keep_new =
            (draft.first_seen, &draft.description) < (entry.draft.first_seen, &entry.draft.description);
        if keep_new {
            entry.draft = Draft { evidence: Vec::new(), threat_intel: Vec::new(), ..draft };
        }
        self.files = files;
    }

    /// All findings, most severe first, then by type and id.
    pub fn into_findings(self) -> Vec<Finding> {
        let mut out: Vec<Finding> =
            self.entries.into_iter().map(|(key, e)| self_to_finding(&self.files, &key, e)).collect();
        out.sort_by(|a, b| {
            b.severity
                .total_cmp(&a.severity)
                .then_with(|| a.finding_type.cmp(&b.finding_type))
                .then_with(|| a.id.cmp(&b.id))
        });
        out
    }
}

fn self_to_finding(files: &[String], key: &str, e: Entry) -> Finding {
    let d = e.draft;
    let id = stable_id(key);
    let detector_id = stable_id(&format!("detector|{}|{}", d.account_id, d.region));
    let file_name = |f: u32| files.get(f as usize).cloned().unwrap_or_default();
    let additional_info = (!d.additional_info.is_empty()).then(|| AdditionalInfo {
        value: Value::Object(d.additional_info.clone()).to_string(),
        info_type: "default".to_string(),
    });
    let mut finding = Finding {
        schema_version: SCHEMA_VERSION.to_string(),
        arn: format!(
            "arn:aws:guardduty:{}:{}:detector/{}/finding/{}",
            d.region, d.account_id, detector_id, id
        ),
        account_id: d.account_id,
        region: d.region,
        partition: "aws".to_string(),
        id,
        finding_type: d.finding_type,
        title: d.title,
        description: d.description,
        severity: e.severity,
        created_at: format_iso8601(e.first),
        updated_at: format_iso8601(e.last),
        resource: d.resource,
        service: Service {
            service_name: "guardduty".to_string(),
            detector_id,
            action: d.action,
            evidence: (!e.intel.is_empty())
                .then(|| Evidence { threat_intelligence_details: e.intel.into_values().collect() }),
            archived: false,
            count: e.count,
            event_first_seen: format_iso8601(e.first),
            event_last_seen: format_iso8601(e.last),
            resource_role: d.resource_role.to_string(),
            additional_info,
        },
        vigil: Some(VigilDetails {
            detector: d.detector.to_string(),
            why: d.why,
            evidence: e
                .evidence
                .into_iter()
                .map(|(t, src, summary)| EvidenceRef {
                    time: format_iso8601(t),
                    file: file_name(src.file),
                    record: src.record,
                    summary,
                })
                .collect(),
            evidence_total: e.evidence_total.max(e.count),
            actor: d.actor,
            remediation: None,
        }),
    };
    let remediation = crate::findings::remediation::for_finding(&finding);
    if let Some(v) = finding.vigil.as_mut() {
        v.remediation = Some(remediation);
    }
    finding
}

/// A 32-hex-digit id from a key (two FNV-1a 64-bit hashes with different offsets): stable across
/// runs, platforms and builds, unlike `std`'s randomly seeded hasher.
pub fn stable_id(key: &str) -> String {
    let fnv = |seed: u64| key.bytes().fold(seed, |h, b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3));
    format!("{:016x}{:016x}", fnv(0xcbf2_9ce4_8422_2325), fnv(0x84222325_cbf29ce4))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(t: Millis, record: u64) -> Draft {
        let mut d = Draft::at("Policy:IAMUser/RootCredentialUsage", 2.0, t, "test");
        d.account_id = "111122223333".into();
        d.region = "us-east-1".into();
        d.resource.resource_type = "AccessKey".into();
        d.resource.access_key_details = Some(AccessKeyDetails {
            access_key_id: "AKIA1".into(),
            principal_id: "111122223333".into(),
            user_name: "Root".into(),
            user_type: "Root".into(),
        });
        d.description = format!("call at {t}");
        d.evidence.push((t, SourceRef { file: (record % 2) as u32, record }, format!("event {record}")));
        d
    }

    fn run(order: &[usize]) -> Vec<Finding> {
        let drafts = [draft(3_000, 3), draft(1_000, 1), draft(2_000, 2)];
        let mut sink = FindingSink::new();
        sink.set_file_name(0, "a.json");
        sink.set_file_name(1, "b.json");
        for &i in order {
            sink.report(drafts[i].clone());
        }
        sink.into_findings()
    }

    #[test]
    fn repeats_aggregate_and_ids_do_not_depend_on_order() {
        let a = run(&[0, 1, 2]);
        let b = run(&[2, 0, 1]);
        assert_eq!(a, b);
        assert_eq!(a.len(), 1);
        let f = &a[0];
        assert_eq!(f.service.count, 3);
        assert_eq!(f.service.event_first_seen, "1970-01-01T00:00:01.000Z");
        assert_eq!(f.service.event_last_seen, "1970-01-01T00:00:03.000Z");
        assert_eq!(f.description, "call at 1000");
        let ev = &f.vigil.as_ref().unwrap().evidence;
        assert_eq!(ev.iter().map(|e| e.record).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert_eq!(ev[0].file, "b.json");
        assert_eq!(f.id.len(), 32);
        assert!(f.arn.ends_with(&f.id));
    }

    #[test]
    fn distinct_actor_keys_stay_apart() {
        let mut sink = FindingSink::new();
        let mut x = draft(1, 1);
        x.distinguish_by = "198.51.100.1".into();
        let mut y = draft(2, 2);
        y.distinguish_by = "198.51.100.2".into();
        sink.report(x);
        sink.report(y);
        assert_eq!(sink.into_findings().len(), 2);
    }
}
