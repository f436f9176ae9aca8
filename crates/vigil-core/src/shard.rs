//! Splitting one analysis over several scanners (one per core: the console's Web Workers) and
//! merging their reports back into the report a single scanner would have given.
//!
//! Files are split **by AWS account**, read from the `AWSLogs/<account>/…` layout of their
//! path (or an `<account>_CloudTrail_…`-style file name). Every detector keeps its state within
//! an account — findings, baselines, instance inventories and aggregation keys all carry the
//! account, as GuardDuty's own per-account detectors do — so scanners that each see whole
//! accounts find exactly what one scanner seeing everything would. When any file's account
//! cannot be told from its path, the plan keeps everything together in one shard rather than
//! risk splitting an account.

use std::collections::{BTreeMap, HashMap};

use crate::baseline::view::EntityView;
use crate::baseline::BaselineFile;
use crate::findings::Finding;
use crate::ingest::Totals;
use crate::scan::ScanReport;

/// The 12-digit AWS account a log file belongs to, from its path: the folder after `AWSLogs/`
/// (skipping an `o-…` organisation folder), else a file name starting `<account>_`.
pub fn account_of_path(path: &str) -> Option<&str> {
    let is_account = |s: &str| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
    let mut parts = path.split(['/', '\\']).skip_while(|p| *p != "AWSLogs").skip(1);
    if let Some(first) = parts.next() {
        let candidate = if first.starts_with("o-") { parts.next().unwrap_or("") } else { first };
        if is_account(candidate) {
            return Some(candidate);
        }
    }
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.split('_').next().filter(|p| is_account(p) && name.len() > 12)
}

/// Which shard each file goes to (`plan[i]` for `files[i]`, given as `(path, bytes)`), for at
/// most `shards` shards: whole accounts, the largest first onto the least loaded shard. All in
/// shard 0 when any file's account is unknown or there is a single account.
pub fn plan(files: &[(&str, u64)], shards: usize) -> Vec<usize> {
    let accounts: Option<Vec<&str>> = files.iter().map(|(p, _)| account_of_path(p)).collect();
    let Some(accounts) = accounts else { return vec![0; files.len()] };
    let mut sizes: BTreeMap<&str, u64> = BTreeMap::new();
    for (a, (_, bytes)) in accounts.iter().zip(files) {
        *sizes.entry(a).or_default() += bytes;
    }
    let mut by_size: Vec<(&str, u64)> = sizes.into_iter().collect();
    by_size.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut load = vec![0u64; shards.max(1).min(by_size.len().max(1))];
    let mut shard_of: HashMap<&str, usize> = HashMap::new();
    for (account, bytes) in by_size {
        let lightest = (0..load.len()).min_by_key(|&i| (load[i], i)).unwrap_or(0);
        load[lightest] += bytes;
        shard_of.insert(account, lightest);
    }
    accounts.iter().map(|a| shard_of[a]).collect()
}

/// For inputs produced as they are read (the sample world): shard `index` of `shards` takes an
/// account's files when the account's order of first appearance, modulo `shards`, is `index`.
/// Every shard sees the same sequence, so together they take each file exactly once.
#[derive(Debug)]
pub struct StreamShard {
    index: usize,
    shards: usize,
    seen: HashMap<String, usize>,
}

impl StreamShard {
    pub fn new(index: usize, shards: usize) -> Self {
        Self { index, shards: shards.max(1), seen: HashMap::new() }
    }

    /// Whether this shard takes the file at `path` (files without a known account go to shard 0).
    pub fn takes(&mut self, path: &str) -> bool {
        let Some(account) = account_of_path(path) else { return self.index == 0 };
        let next = self.seen.len();
        let ordinal = *self.seen.entry(account.to_string()).or_insert(next);
        ordinal % self.shards == self.index
    }
}

/// Merges the reports of shards into one: accounts of files side by side, totals recomputed,
/// and a finding that several shards reported (the same id: same type, account, resource…)
/// merged as the aggregating sink would have — counts added, first/last seen widened, evidence
/// samples joined.
pub fn merge_reports(parts: Vec<ScanReport>) -> ScanReport {
    let mut files = Vec::new();
    let mut findings = Vec::new();
    for p in parts {
        files.extend(p.files);
        findings.extend(p.findings);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let totals = Totals::of(&files);
    ScanReport { findings: merge_findings(findings), files, totals }
}

/// Joins findings with the same id; most severe first, then by type and id (the sink's order).
pub fn merge_findings(findings: Vec<Finding>) -> Vec<Finding> {
    let mut by_id: BTreeMap<String, Finding> = BTreeMap::new();
    for f in findings {
        match by_id.get_mut(&f.id) {
            None => {
                by_id.insert(f.id.clone(), f);
            }
            Some(into) => join(into, f),
        }
    }
    let mut out: Vec<Finding> = by_id.into_values().collect();
    out.sort_by(|a, b| {
        b.severity
            .total_cmp(&a.severity)
            .then_with(|| a.finding_type.cmp(&b.finding_type))
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}

fn join(into: &mut Finding, other: Finding) {
    // The earlier report describes the finding, as in the sink.
    let other_first = other.service.event_first_seen.clone();
    if other_first < into.service.event_first_seen {
        into.title = other.title.clone();
        into.description = other.description.clone();
        into.service.action = other.service.action.clone();
        into.service.additional_info = other.service.additional_info.clone();
        into.service.event_first_seen = other_first;
        into.created_at = other.created_at.clone();
    }
    if other.service.event_last_seen > into.service.event_last_seen {
        into.service.event_last_seen = other.service.event_last_seen.clone();
        into.updated_at = other.updated_at.clone();
    }
    into.service.count += other.service.count;
    into.severity = into.severity.max(other.severity);
    if let Some(theirs) = other.service.evidence {
        let ours = into.service.evidence.get_or_insert_with(Default::default);
        for t in theirs.threat_intelligence_details {
            match ours
                .threat_intelligence_details
                .iter_mut()
                .find(|o| o.threat_list_name == t.threat_list_name)
            {
                Some(o) => {
                    o.threat_names.extend(t.threat_names);
                    o.threat_names.sort();
                    o.threat_names.dedup();
                }
                None => ours.threat_intelligence_details.push(t),
            }
        }
        ours.threat_intelligence_details.sort_by(|a, b| a.threat_list_name.cmp(&b.threat_list_name));
    }
    if let (Some(ours), Some(theirs)) = (into.vigil.as_mut(), other.vigil) {
        ours.evidence.extend(theirs.evidence);
        ours.evidence.sort_by(|a, b| (&a.time, &a.file, a.record).cmp(&(&b.time, &b.file, b.record)));
        ours.evidence.dedup_by(|a, b| a.file == b.file && a.record == b.record);
        ours.evidence.truncate(crate::findings::sink::EVIDENCE_SAMPLE);
        ours.evidence_total += theirs.evidence_total;
        for w in theirs.why {
            if !ours.why.contains(&w) {
                ours.why.push(w);
            }
        }
    }
}

/// The baselines views of shards as one, ordered by account, kind and id.
pub fn merge_views(parts: Vec<Vec<EntityView>>) -> Vec<EntityView> {
    let mut all: Vec<EntityView> = parts.into_iter().flatten().collect();
    all.sort_by(|a, b| (&a.account_id, &a.kind, &a.id).cmp(&(&b.account_id, &b.kind, &b.id)));
    all
}

/// The baseline files learned by shards as one file (an account seen by two shards is merged).
pub fn merge_baselines(parts: Vec<BaselineFile>) -> BaselineFile {
    let mut accounts: BTreeMap<String, crate::baseline::Baseline> = BTreeMap::new();
    for file in parts {
        for b in file.accounts {
            match accounts.get_mut(&b.account_id) {
                Some(into) => into.merge(&b),
                None => {
                    accounts.insert(b.account_id.clone(), b);
                }
            }
        }
    }
    BaselineFile::new(accounts.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Engine;
    use crate::sample::{generate, SampleOptions};
    use crate::scan::Scanner;

    #[test]
    fn account_from_log_layouts() {
        let p = "AWSLogs/111122223333/CloudTrail/us-east-1/2024/01/01/111122223333_CloudTrail_us-east-1_x.json.gz";
        assert_eq!(account_of_path(p), Some("111122223333"));
        assert_eq!(
            account_of_path("drop/AWSLogs/o-abc123/444455556666/CloudTrail/x.json"),
            Some("444455556666")
        );
        assert_eq!(
            account_of_path("C:\\logs\\AWSLogs\\777788889999\\vpcflowlogs\\f.log"),
            Some("777788889999")
        );
        assert_eq!(
            account_of_path("exports/123456789012_vpcflowlogs_us-east-1_fl-1_20240101T0000Z_ab.log.gz"),
            Some("123456789012")
        );
        assert_eq!(account_of_path("trail.json"), None);
        assert_eq!(account_of_path("AWSLogs/12345/CloudTrail/x.json"), None);
    }

    #[test]
    fn plan_keeps_accounts_whole_and_balances_bytes() {
        let files = [
            ("AWSLogs/111111111111/a", 100),
            ("AWSLogs/222222222222/a", 60),
            ("AWSLogs/111111111111/b", 10),
            ("AWSLogs/333333333333/a", 50),
        ];
        let p = plan(&files, 2);
        assert_eq!(p[0], p[2], "one account, one shard");
        assert_eq!(p, vec![0, 1, 0, 1]);
        assert_eq!(plan(&files, 8).iter().max(), Some(&2), "no more shards than accounts");
        // One file of unknown account keeps everything together.
        let mixed = [("AWSLogs/111111111111/a", 1), ("trail.json", 1)];
        assert_eq!(plan(&mixed, 4), vec![0, 0]);
    }

    /// The point of it all: shards' merged report equals one scanner's report on the same world.
    struct SampleWorld {
        files: Vec<crate::sample::SampleFile>,
    }

    #[test]
    fn sharded_scan_equals_single_scan() {
        let world = generate(&SampleOptions { days: 6, ..SampleOptions::default() });
        // The answer key is not a log: scanned alone it is "unknown" and would keep all together.
        let world =
            SampleWorld { files: world.into_iter().filter(|f| f.path.starts_with("AWSLogs/")).collect() };
        let scan = |files: &mut dyn Iterator<Item = &crate::sample::SampleFile>| {
            let mut s = Scanner::new(Engine::new(crate::detect::Context::with_bundled_intel()));
            for f in files {
                let id = s.begin_file(&f.path);
                s.push(id, &f.bytes);
                s.end_file(id);
            }
            let (report, context) = s.finish_with_context();
            (report, context.baseline.views())
        };
        let (whole, whole_views) = scan(&mut world.files.iter());
        let sized: Vec<(&str, u64)> =
            world.files.iter().map(|f| (f.path.as_str(), f.bytes.len() as u64)).collect();
        let shards = plan(&sized, 2);
        assert!(shards.contains(&1), "the sample world has several accounts");
        let (parts, views): (Vec<ScanReport>, Vec<Vec<EntityView>>) = (0..2)
            .map(|s| scan(&mut world.files.iter().zip(&shards).filter(|(_, &k)| k == s).map(|(f, _)| f)))
            .unzip();
        let merged = merge_reports(parts);
        assert_eq!(merge_views(views), whole_views, "the same baselines");
        assert!(!whole.findings.is_empty());
        let ids =
            |r: &ScanReport| r.findings.iter().map(|f| (f.id.clone(), f.service.count)).collect::<Vec<_>>();
        assert_eq!(ids(&merged), ids(&whole));
        assert_eq!(merged.totals, whole.totals);

        // The streaming split takes every file exactly once.
        let mut takers: Vec<StreamShard> = (0..3).map(|i| StreamShard::new(i, 3)).collect();
        for f in &world.files {
            assert_eq!(
                takers.iter_mut().map(|t| t.takes(&f.path)).filter(|&took| took).count(),
                1,
                "{}",
                f.path
            );
        }
    }

    #[test]
    fn findings_reported_by_two_shards_merge_like_the_sink() {
        let mut a = crate::findings::Finding {
            id: "x".into(),
            severity: 5.0,
            description: "later".into(),
            ..Default::default()
        };
        a.service.count = 2;
        a.service.event_first_seen = "2024-01-02T00:00:00.000Z".into();
        a.service.event_last_seen = "2024-01-03T00:00:00.000Z".into();
        let mut b = a.clone();
        b.service.count = 3;
        b.service.event_first_seen = "2024-01-01T00:00:00.000Z".into();
        b.service.event_last_seen = "2024-01-02T00:00:00.000Z".into();
        b.description = "earlier".into();
        let m = merge_findings(vec![a, b]);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].service.count, 5);
        assert_eq!(m[0].service.event_first_seen, "2024-01-01T00:00:00.000Z");
        assert_eq!(m[0].service.event_last_seen, "2024-01-03T00:00:00.000Z");
        assert_eq!(m[0].description, "earlier");
    }
}
