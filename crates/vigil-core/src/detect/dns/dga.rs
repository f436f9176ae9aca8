//! `Trojan:EC2/DGADomainRequest.B` — an instance looks up algorithmically generated domain
//! names, the rendezvous points malware derives from the date to find its command servers.
//!
//! **Fires on** an instance querying at least [`MIN_DOMAINS`] distinct registered domains that
//! the classifier scores as generated, within [`WINDOW`]. A bot tries many candidates a day
//! (most answer NXDOMAIN); one odd-looking name is not enough.
//!
//! **The classifier** scores the label a name was registered under with an ICANN registry
//! (`example` in `www.example.co.uk`, via the Public Suffix List; hosting and CDN namespaces
//! such as `cloudfront.net` or `amazonaws.com` are looked through, so their hashed customer
//! labels are never scored). Labels shorter than [`MIN_LABEL_LEN`], punycode and non-LDH labels
//! are not scored. Features: length, Shannon entropy, vowel share, digit share, longest
//! consonant run, mean and minimum character-bigram log-probability under an English model,
//! share of rare bigrams, hyphens, letter/digit switches; a logistic regression over them
//! ([`super::dga_model`], ~2 KB of compiled-in tables, built by
//! `scripts/dga/build-dga-model.py` from Debian's `wamerican` word list and re-implemented DGA
//! families). On the labelled evaluation set in `testdata/dga_eval.tsv` (see the test
//! `classifier_precision_and_recall`: 1,440 DGA names from 12 families, 1,922 benign names),
//! precision is 0.986 and recall 0.701 over all DGA names, including three families never seen
//! in training; random-letter families are caught 88–100%, dictionary DGAs (suppobox-like) not
//! at all and pronounceable ones (simda-like) rarely — a lexical model cannot tell those from
//! brand names.
//!
//! **Fields**: `query_name`, `rcode`, `query_timestamp`, `srcids.instance` / `srcaddr`.
//!
//! **Severity**: High (8.0), as GuardDuty.
//!
//! **Evidence**: the generated domains with their scores and response codes, how many were
//! NXDOMAIN, first/last seen, sample queries. One finding per instance.
//!
//! **Known false positives**: a handful of real but opaque names (acronym-heavy or hashed
//! first-party domains); needing several per hour keeps them from firing alone.
//!
//! Example: i-0abc queries `xjkqwpzmfhtr.com`, `qpwoeirutyzx.net`, `mnbvcxzlkjhg.org` (all
//! NXDOMAIN) within a minute ⇒ DGADomainRequest.B.

use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

use serde_json::{json, Map};

use super::dga_model::{BIAS, BIGRAM_LOGP_MILLI, MEAN, NSYM, STD, THRESHOLD, WEIGHTS};
use super::{dns_draft, entity_key, icann_registration, query_summary, Origin, Samples, Span};
use crate::detect::network::{info, window_buckets};
use crate::detect::{Context, Detector};
use crate::event::Event;
use crate::findings::FindingSink;
use crate::time::MINUTE;

pub const TYPE: &str = "Trojan:EC2/DGADomainRequest.B";
pub const SEVERITY: f64 = 8.0;
/// Shorter labels carry too little to judge (and short real names abound).
pub const MIN_LABEL_LEN: usize = 6;
/// A bigram rarer than e^-6 (≈ 1 in 400) in English counts as rare.
pub const RARE_BIGRAM_LOGP: f64 = -6.0;
/// Distinct generated domains per window that make a finding.
pub const MIN_DOMAINS: usize = 3;
pub const WINDOW: i64 = 60 * MINUTE;
const EVIDENCE_DOMAINS: usize = 20;

fn sym(c: u8) -> usize {
    match c {
        b'a'..=b'z' => (c - b'a' + 1) as usize,
        b'0'..=b'9' => 27,
        _ => 28,
    }
}

/// The classifier's features of a label (lower-case LDH), in [`super::dga_model`] order.
pub fn features(label: &str) -> [f64; 10] {
    let b = label.as_bytes();
    let n = b.len() as f64;
    let letters = b.iter().filter(|c| c.is_ascii_alphabetic()).count();
    let is_vowel = |c: &u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u');
    let vowels = b.iter().filter(|c| is_vowel(c)).count();
    let digits = b.iter().filter(|c| c.is_ascii_digit()).count();
    let (mut run, mut best) = (0usize, 0usize);
    for c in b {
        if c.is_ascii_alphabetic() && !is_vowel(c) {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    let mut seq = Vec::with_capacity(b.len() + 2);
    seq.push(0);
    seq.extend(b.iter().map(|&c| sym(c)));
    seq.push(0);
    let lps: Vec<f64> =
        seq.windows(2).map(|w| BIGRAM_LOGP_MILLI[w[0] * NSYM + w[1]] as f64 / 1000.0).collect();
    let switches = b
        .windows(2)
        .filter(|w| w[0].is_ascii_digit() != w[1].is_ascii_digit() && w[0] != b'-' && w[1] != b'-')
        .count();
    [
        n,
        super::entropy(label),
        if letters > 0 { vowels as f64 / letters as f64 } else { 0.0 },
        digits as f64 / n,
        best as f64,
        lps.iter().sum::<f64>() / lps.len() as f64,
        lps.iter().cloned().fold(f64::INFINITY, f64::min),
        lps.iter().filter(|&&x| x < RARE_BIGRAM_LOGP).count() as f64 / lps.len() as f64,
        b.iter().filter(|&&c| c == b'-').count() as f64,
        switches as f64 / n,
    ]
}

/// The probability-like score (0–1) that a label was generated; `None` for labels that are
/// not scored (too short, punycode, characters outside LDH).
pub fn score_label(label: &str) -> Option<f64> {
    if label.len() < MIN_LABEL_LEN
        || label.starts_with("xn--")
        || !label.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
    {
        return None;
    }
    let x = features(label);
    let z: f64 = BIAS + (0..x.len()).map(|i| WEIGHTS[i] * (x[i] - MEAN[i]) / STD[i]).sum::<f64>();
    Some(1.0 / (1.0 + (-z.clamp(-30.0, 30.0)).exp()))
}

/// Registered domains of CDN, cloud, certificate and telemetry infrastructure that machines
/// query all day: never reported, whatever their label scores (several are opaque
/// abbreviations: `msftncsi`, `mzstatic`, `jsdelivr`).
pub const KNOWN_INFRASTRUCTURE: &[&str] = &[
    "amazonaws.com",
    "amazontrust.com",
    "cloudfront.net",
    "awsstatic.com",
    "akamai.net",
    "akamaiedge.net",
    "akamaihd.net",
    "akamaized.net",
    "edgekey.net",
    "edgesuite.net",
    "fastly.net",
    "fastlylb.net",
    "jsdelivr.net",
    "unpkg.com",
    "cdnjs.com",
    "gstatic.com",
    "googleusercontent.com",
    "googlevideo.com",
    "ggpht.com",
    "ytimg.com",
    "1e100.net",
    "fbcdn.net",
    "mzstatic.com",
    "msftncsi.com",
    "msedge.net",
    "azureedge.net",
    "azurefd.net",
    "trafficmanager.net",
    "cloudapp.net",
    "windowsupdate.com",
    "lencr.org",
    "digicert.com",
    "phicdn.net",
    "llnwd.net",
    "cdn77.org",
    "b-cdn.net",
    "kxcdn.com",
    "sentry.io",
    "datadoghq.com",
    "nr-data.net",
];

/// The registered domain and score when a query name looks generated, before the
/// [`KNOWN_INFRASTRUCTURE`] exemption.
pub fn classify_raw(name: &str) -> Option<(&str, f64)> {
    let (label, registered) = icann_registration(name)?;
    let s = score_label(label)?;
    (s >= THRESHOLD).then_some((registered, s))
}

/// The registered domain and score when a query name looks generated and is not known
/// infrastructure.
pub fn classify(name: &str) -> Option<(&str, f64)> {
    classify_raw(name).filter(|(r, _)| !KNOWN_INFRASTRUCTURE.contains(r))
}

#[derive(Default)]
struct DgaState {
    buckets: BTreeMap<i64, Vec<String>>,
    /// Registered domain → (best score, NXDOMAIN answers, queries).
    domains: BTreeMap<String, (f64, u64, u64)>,
    origin: Origin,
    span: Span,
    samples: Samples,
}

#[derive(Default)]
pub struct DgaDomainRequest {
    entities: HashMap<String, DgaState>,
    /// Registered domains already scored, with their verdict, so popular names are scored once.
    verdicts: HashMap<String, Option<f64>>,
}

/// How many verdicts are cached before the cache is cleared (bounds memory on inputs with
/// millions of distinct names).
const VERDICT_CACHE: usize = 200_000;

impl Detector for DgaDomainRequest {
    fn name(&self) -> &'static str {
        "dns::dga"
    }

    fn observe(&mut self, event: &Event, _ctx: &Context, _sink: &mut FindingSink) {
        let Event::Dns(q) = event else { return };
        let Some((label, registered)) = icann_registration(&q.query_name) else { return };
        let verdict = match self.verdicts.get(registered) {
            Some(v) => *v,
            None => {
                let v = score_label(label)
                    .filter(|s| *s >= THRESHOLD && !KNOWN_INFRASTRUCTURE.contains(&registered));
                if self.verdicts.len() >= VERDICT_CACHE {
                    self.verdicts.clear();
                }
                self.verdicts.insert(registered.to_string(), v);
                v
            }
        };
        let Some(score) = verdict else { return };
        let Some(key) = entity_key(q) else { return };
        let st = self.entities.entry(key).or_default();
        if st.origin.account_id.is_empty() {
            st.origin = Origin::of(q);
        }
        for b in window_buckets(q.time, WINDOW) {
            let v = st.buckets.entry(b).or_default();
            if v.len() < MIN_DOMAINS && !v.iter().any(|d| d == registered) {
                v.push(registered.to_string());
            }
        }
        let nx = (q.rcode == "NXDOMAIN") as u64;
        if let Some(e) = st.domains.get_mut(registered) {
            e.1 += nx;
            e.2 += 1;
        } else if st.domains.len() < EVIDENCE_DOMAINS {
            st.domains.insert(registered.to_string(), (score, nx, 1));
        }
        st.span.add_time(q.time);
        st.samples.offer(q.time, q.src, || query_summary(q));
    }

    fn finish(&mut self, ctx: &Context, sink: &mut FindingSink) {
        for (entity, st) in &self.entities {
            let peak = st.buckets.values().map(Vec::len).max().unwrap_or(0);
            if peak < MIN_DOMAINS {
                continue;
            }
            let first_domain = st.domains.keys().next().cloned().unwrap_or_default();
            let (mut d, resource) = dns_draft(
                ctx,
                entity,
                &st.origin,
                TYPE,
                SEVERITY,
                &first_domain,
                false,
                st.span,
                st.samples.clone(),
                self.name(),
            );
            let queries: u64 = st.domains.values().map(|v| v.2).sum();
            let nx: u64 = st.domains.values().map(|v| v.1).sum();
            d.count = queries.max(1);
            d.title = format!("EC2 instance {resource} is querying algorithmically generated domains.");
            d.description = format!(
                "EC2 instance {resource} is querying algorithmically generated domains ({} such domains, e.g. {first_domain}). \
                 Such domains are commonly used by malware and could be an indication of a compromised EC2 instance.",
                st.domains.len()
            );
            let list: Vec<String> = st
                .domains
                .iter()
                .map(|(dom, (s, nx, n))| format!("{dom} (score {s:.2}, {nx}/{n} NXDOMAIN)"))
                .collect();
            d.why.push(format!(
                "{peak}+ distinct registered domains scored as generated (≥{THRESHOLD:.2}) within {} minutes (threshold \
                 {MIN_DOMAINS}): {}.",
                WINDOW / MINUTE,
                list.join(", ")
            ));
            d.why.push(format!("{nx} of {queries} lookups of them answered NXDOMAIN."));
            let (first, last) = st.span.json();
            let mut m = std::mem::take(&mut d.additional_info);
            let scores: Map<String, serde_json::Value> =
                st.domains.iter().map(|(k, v)| (k.clone(), json!((v.0 * 1000.0).round() / 1000.0))).collect();
            info(&mut m, "domains", serde_json::Value::Object(scores));
            info(&mut m, "nxdomain", json!(nx));
            info(&mut m, "queries", json!(queries));
            info(&mut m, "firstSeen", first);
            info(&mut m, "lastSeen", last);
            d.additional_info = m;
            sink.report(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::dns::fixtures::*;
    use crate::detect::testing::scan_events;

    const EVAL: &str = include_str!("testdata/dga_eval.tsv");

    /// Precision, recall and per-group counts of a classification function on the set.
    fn evaluate(f: fn(&str) -> Option<(&str, f64)>) -> (f64, f64, BTreeMap<String, (u32, u32)>) {
        let (mut tp, mut fp, mut fn_, mut tn) = (0u32, 0u32, 0u32, 0u32);
        let mut groups: BTreeMap<String, (u32, u32)> = BTreeMap::new();
        for line in EVAL.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
            let mut it = line.split('\t');
            let (label, group, name) = (it.next().unwrap(), it.next().unwrap(), it.next().unwrap());
            let flagged = f(name).is_some();
            let g = groups.entry(format!("{label}/{group}")).or_default();
            g.0 += flagged as u32;
            g.1 += 1;
            match (label == "dga", flagged) {
                (true, true) => tp += 1,
                (true, false) => fn_ += 1,
                (false, true) => fp += 1,
                (false, false) => tn += 1,
            }
        }
        let precision = tp as f64 / (tp + fp) as f64;
        let recall = tp as f64 / (tp + fn_) as f64;
        println!("on {} DGA and {} benign names:", tp + fn_, fp + tn);
        println!("  precision {precision:.3}  recall {recall:.3}  (tp {tp} fp {fp} fn {fn_} tn {tn})");
        for (g, (flagged, n)) in &groups {
            println!("  {g:22} flagged {flagged}/{n}");
        }
        (precision, recall, groups)
    }

    #[test]
    fn classifier_precision_and_recall() {
        print!("DGA classifier alone ");
        let (precision, recall, _) = evaluate(classify_raw);
        assert!(precision >= 0.97, "precision {precision}");
        assert!(recall >= 0.68, "recall {recall}");
        print!("DGA classifier with the infrastructure exemption ");
        let (precision, recall, groups) = evaluate(classify);
        assert!(precision >= 0.98, "precision {precision}");
        assert!(recall >= 0.68, "recall {recall}");
        assert_eq!(groups["benign/cloud"].0, 0, "hashed cloud/CDN/telemetry names must not fire");
        // Families seen in training are caught well; held-out random-letter families too.
        assert!(groups["dga/corebot"].0 >= 110 && groups["dga/newgoz"].0 >= 110);
        assert!(groups["dga/locky*"].0 >= 80);
    }

    #[test]
    fn cloud_and_popular_names_are_not_scored_as_generated() {
        for n in [
            "d1234abcd5efgh.cloudfront.net",
            "ec2-54-12-34-56.compute-1.amazonaws.com",
            "prod-alb-1234567890.us-east-1.elb.amazonaws.com",
            "my-bucket-7f3a9c.s3.amazonaws.com",
            "www.google.com",
            "login.microsoftonline.com",
            "github.com",
            "4.3.2.1.in-addr.arpa",
            "stackoverflow.com",
            "wikipedia.org",
        ] {
            assert!(classify(n).is_none(), "{n} flagged: {:?}", classify(n));
        }
        for n in ["xjkqwpzmfhtrvb.com", "qpwoeirutyzxmv.net", "kq3zx9vbn2mlp8.org"] {
            assert!(classify(n).is_some(), "{n} not flagged");
        }
    }

    #[test]
    fn several_generated_domains_fire_once_per_instance() {
        let names = ["xjkqwpzmfhtrvb.com", "qpwoeirutyzxmv.net", "mnbvcxzlkjhgqw.org", "zxqwvbnmkjhgfd.info"];
        let events =
            names.iter().enumerate().map(|(i, n)| ev(query(i as u64, "i-bot", n, "NXDOMAIN", T0 + i as i64)));
        let f = scan_events(events);
        let dga: Vec<_> = f.iter().filter(|x| x.finding_type == TYPE).collect();
        assert_eq!(dga.len(), 1, "{f:#?}");
        assert_eq!(dga[0].severity, 8.0);
        assert_eq!(dga[0].resource.instance_details.as_ref().unwrap().instance_id, "i-bot");
        assert_eq!(dga[0].service.action.action_type, "DNS_REQUEST");
        assert!(dga[0].vigil.as_ref().unwrap().why[1].starts_with("4 of 4"));
    }

    #[test]
    fn one_odd_name_or_cdn_traffic_does_not_fire() {
        let mut events = vec![ev(query(0, "i-web", "xjkqwpzmfhtrvb.com", "NXDOMAIN", T0))];
        for i in 0..50u64 {
            events.push(ev(query(
                10 + i,
                "i-web",
                &format!("d{:x}.cloudfront.net", 0x9a3f_11c2_u64 * (i + 1)),
                "NOERROR",
                T0,
            )));
            events.push(ev(query(
                100 + i,
                "i-web",
                &format!("ec2-54-1-2-{i}.compute-1.amazonaws.com"),
                "NOERROR",
                T0,
            )));
        }
        let f = scan_events(events);
        assert!(f.iter().all(|x| x.finding_type != TYPE), "{f:#?}");
    }
}
