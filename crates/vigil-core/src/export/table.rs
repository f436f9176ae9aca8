//! `table`: findings for people, most severe first, one block per finding:
//!
//! ```text
//! SEVERITY     TYPE                                      RESOURCE                  ACTOR      COUNT  LAST SEEN
//! HIGH 8.0     Policy:S3/BucketAnonymousAccessGranted    bucket payroll            mallory        1  2024-03-01T12:05:00Z
//!              Amazon S3 bucket payroll was made accessible to anyone on the internet.
//!              → aws s3api put-public-access-block --bucket payroll …
//! ```
//!
//! With colour on, the severity is red (Critical bold), yellow (Medium) or cyan (Low).

use crate::export::{actor_label, by_severity, resource_label};
use crate::findings::{Finding, SeverityLabel};

const RESET: &str = "\x1b[0m";

fn colour(label: SeverityLabel) -> &'static str {
    match label {
        SeverityLabel::Critical => "\x1b[1;91m",
        SeverityLabel::High => "\x1b[31m",
        SeverityLabel::Medium => "\x1b[33m",
        SeverityLabel::Low => "\x1b[36m",
    }
}

/// Cuts `s` to `width` characters (ending in `…` when cut) and pads it.
fn cell(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n > width {
        let cut: String = s.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

pub fn render(findings: &[Finding], color: bool) -> String {
    if findings.is_empty() {
        return "No findings.\n".to_string();
    }
    let sorted = by_severity(findings);
    let type_w = sorted.iter().map(|f| f.finding_type.chars().count()).max().unwrap_or(4).clamp(4, 60);
    let res_w = sorted.iter().map(|f| resource_label(f).chars().count()).max().unwrap_or(8).clamp(8, 40);
    let actor_w = sorted.iter().map(|f| actor_label(f).chars().count()).max().unwrap_or(5).clamp(5, 24);
    let mut out = format!(
        "{}  {}  {}  {}  {:>5}  LAST SEEN\n",
        cell("SEVERITY", 11),
        cell("TYPE", type_w),
        cell("RESOURCE", res_w),
        cell("ACTOR", actor_w),
        "COUNT"
    );
    let indent = " ".repeat(13);
    let mut counts = [0usize; 4];
    for f in sorted {
        let label = f.severity_label();
        counts[label as usize] += 1;
        let sev = cell(&format!("{} {:.1}", label.as_str().to_uppercase(), f.severity), 11);
        let sev = if color { format!("{}{sev}{RESET}", colour(label)) } else { sev };
        out.push_str(&format!(
            "{sev}  {}  {}  {}  {:>5}  {}\n",
            cell(&f.finding_type, type_w),
            cell(&resource_label(f), res_w),
            cell(&actor_label(f), actor_w),
            f.service.count,
            f.service.event_last_seen
        ));
        out.push_str(&format!("{indent}{}\n", f.title));
        if let Some(r) = f.vigil.as_ref().and_then(|v| v.remediation.as_ref()) {
            if let Some(check) = r.check_first.first() {
                out.push_str(&format!("{indent}check: {check}\n"));
            }
            if let Some(cmd) = r.commands.first() {
                out.push_str(&format!("{indent}→ {cmd}\n"));
            }
        }
    }
    let [low, medium, high, critical] = counts;
    out.push_str(&format!(
        "\n{} finding(s): {critical} critical, {high} high, {medium} medium, {low} low\n",
        findings.len()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests_support::sample_findings;

    #[test]
    fn most_severe_first_and_colour_only_when_asked() {
        let findings = sample_findings();
        let plain = render(&findings, false);
        assert!(!plain.contains('\x1b'));
        let high = plain.find("Policy:S3/BucketAnonymousAccessGranted").unwrap();
        let low = plain.find("Stealth:IAMUser/CloudTrailLoggingDisabled").unwrap();
        assert!(high < low, "{plain}");
        assert!(plain.contains("→ aws s3api put-public-access-block --bucket payroll"), "{plain}");
        assert!(plain.trim_end().ends_with("low"));
        let coloured = render(&findings, true);
        assert!(coloured.contains("\x1b[31mHIGH 8.0"), "{coloured}");
        assert_eq!(render(&[], true), "No findings.\n");
    }

    #[test]
    fn cells_cut_and_pad() {
        assert_eq!(cell("abc", 5), "abc  ");
        assert_eq!(cell("abcdef", 4), "abc…");
    }
}
