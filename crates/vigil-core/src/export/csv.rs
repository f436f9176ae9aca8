//! `csv`: one row per finding, most severe first, RFC 4180 quoting.

use crate::export::{actor_label, by_severity, resource_label};
use crate::findings::Finding;

pub const HEADER: &[&str] = &[
    "severity",
    "severity_label",
    "type",
    "title",
    "account_id",
    "region",
    "resource_type",
    "resource",
    "actor",
    "count",
    "first_seen",
    "last_seen",
    "id",
    "description",
    "remediation",
    "first_command",
];

/// Quotes a field when it holds a comma, quote or line break.
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub fn render(findings: &[Finding]) -> String {
    let mut out = HEADER.join(",");
    out.push_str("\r\n");
    for f in by_severity(findings) {
        let remediation = f.vigil.as_ref().and_then(|v| v.remediation.as_ref());
        let row = [
            format!("{:.1}", f.severity),
            f.severity_label().as_str().to_string(),
            f.finding_type.clone(),
            f.title.clone(),
            f.account_id.clone(),
            f.region.clone(),
            f.resource.resource_type.clone(),
            resource_label(f),
            actor_label(f),
            f.service.count.to_string(),
            f.service.event_first_seen.clone(),
            f.service.event_last_seen.clone(),
            f.id.clone(),
            f.description.clone(),
            remediation.map(|r| r.summary.clone()).unwrap_or_default(),
            remediation.and_then(|r| r.commands.first().cloned()).unwrap_or_default(),
        ];
        let fields: Vec<String> = row.iter().map(|s| field(s)).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests_support::sample_findings;

    #[test]
    fn quoting() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\"\nbye"), "\"say \"\"hi\"\"\nbye\"");
    }

    /// Splits RFC 4180 text into records of fields (enough for the test).
    fn parse(text: &str) -> Vec<Vec<String>> {
        let mut rows = vec![vec![String::new()]];
        let mut quoted = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let row = rows.last_mut().unwrap();
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    chars.next();
                    row.last_mut().unwrap().push('"');
                }
                ('"', _) => quoted = !quoted,
                (',', false) => row.push(String::new()),
                ('\r', false) => {}
                ('\n', false) => rows.push(vec![String::new()]),
                (c, _) => row.last_mut().unwrap().push(c),
            }
        }
        rows.pop();
        rows
    }

    #[test]
    fn rows_match_header_and_are_most_severe_first() {
        let findings = sample_findings();
        let rows = parse(&render(&findings));
        assert_eq!(rows[0], HEADER);
        assert_eq!(rows.len(), findings.len() + 1);
        assert!(rows[1..].iter().all(|r| r.len() == HEADER.len()));
        let severities: Vec<f64> = rows[1..].iter().map(|r| r[0].parse().unwrap()).collect();
        assert!(severities.windows(2).all(|w| w[0] >= w[1]), "{severities:?}");
        assert!(rows
            .iter()
            .any(|r| r[2] == "Policy:S3/BucketAnonymousAccessGranted" && r[7] == "bucket payroll"));
    }
}
