//! The severity timeline: findings over time, stacked by severity.
//!
//! A finding counts in every bucket its activity overlaps (`eventFirstSeen`..`eventLastSeen`),
//! so a long-running aggregated finding shows for as long as it was active.

use serde::{Deserialize, Serialize};

use crate::findings::{Finding, SeverityLabel};
use crate::time::{parse_iso8601, Millis, DAY, HOUR};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    pub start: Millis,
    pub end: Millis,
    /// Findings active in the bucket by severity: Low, Medium, High, Critical.
    pub counts: [u32; 4],
}

impl Bucket {
    pub fn total(&self) -> u32 {
        self.counts.iter().sum()
    }
}

/// Hourly buckets for up to three days of activity, daily beyond; empty when no finding has
/// readable times.
pub fn buckets(findings: &[Finding]) -> Vec<Bucket> {
    let spans: Vec<(Millis, Millis, SeverityLabel)> = findings
        .iter()
        .filter_map(|f| {
            let a = parse_iso8601(&f.service.event_first_seen)?;
            let b = parse_iso8601(&f.service.event_last_seen)?.max(a);
            Some((a, b, f.severity_label()))
        })
        .collect();
    let (Some(min), Some(max)) = (spans.iter().map(|s| s.0).min(), spans.iter().map(|s| s.1).max()) else {
        return Vec::new();
    };
    let width = if max - min <= 3 * DAY { HOUR } else { DAY };
    let first = min.div_euclid(width) * width;
    let n = ((max - first) / width + 1) as usize;
    let mut out: Vec<Bucket> = (0..n)
        .map(|i| Bucket {
            start: first + i as Millis * width,
            end: first + (i as Millis + 1) * width,
            counts: [0; 4],
        })
        .collect();
    for (a, b, label) in spans {
        let from = ((a - first) / width) as usize;
        let to = ((b - first) / width) as usize;
        for bucket in &mut out[from..=to.min(n - 1)] {
            bucket.counts[label as usize] += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(sev: f64, first: &str, last: &str) -> Finding {
        let mut f = Finding { severity: sev, ..Default::default() };
        f.service.event_first_seen = first.into();
        f.service.event_last_seen = last.into();
        f
    }

    #[test]
    fn hourly_for_short_spans_and_spanning_findings_count_in_each_bucket() {
        let b = buckets(&[
            f(8.0, "2024-01-01T10:05:00Z", "2024-01-01T12:30:00Z"),
            f(2.0, "2024-01-01T11:00:00Z", "2024-01-01T11:00:00Z"),
        ]);
        assert_eq!(b.len(), 3);
        assert_eq!(b[0].end - b[0].start, HOUR);
        assert_eq!(b[0].counts, [0, 0, 1, 0]);
        assert_eq!(b[1].counts, [1, 0, 1, 0]);
        assert_eq!(b[2].counts, [0, 0, 1, 0]);
    }

    #[test]
    fn daily_for_long_spans() {
        let b = buckets(&[
            f(9.5, "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z"),
            f(5.0, "2024-01-10T00:00:00Z", "2024-01-10T00:00:00Z"),
        ]);
        assert_eq!(b.len(), 10);
        assert_eq!(b[0].counts[SeverityLabel::Critical as usize], 1);
        assert_eq!(b[9].counts[SeverityLabel::Medium as usize], 1);
        assert!(buckets(&[]).is_empty());
    }
}
