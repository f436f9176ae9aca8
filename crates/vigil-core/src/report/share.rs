//! Share links: a report (findings and a summary of what was analysed — never raw logs)
//! compressed into a URL fragment. Browsers never send the fragment to a server, so a link
//! can sit on any static host without the report reaching it.
//!
//! Format: `v1.` + base64url(deflate(JSON of [`SharedReport`])). Decoding checks every step and
//! says which one failed, bounds the inflated size (a crafted link cannot exhaust memory) and
//! validates what it got before anything is shown.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::IpAddr;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::findings::Finding;

const PREFIX: &str = "v1.";
/// No honest report inflates past this; a larger one is refused as damaged or hostile.
pub const MAX_INFLATED_BYTES: u64 = 64 * 1024 * 1024;

/// One analysed input, as a share link summarises it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SharedFile {
    pub path: String,
    pub format: String,
    pub records: u64,
    pub events: u64,
    pub skipped: u64,
    pub errors: u64,
}

/// What a share link carries.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SharedReport {
    pub findings: Vec<Finding>,
    pub files: Vec<SharedFile>,
    /// Account ids and IP addresses were replaced by placeholders.
    pub redacted: bool,
}

/// Why a share link could not be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareError {
    UnknownVersion,
    NotBase64,
    NotCompressed(String),
    TooLarge,
    NotAReport(String),
    Invalid(String),
}

impl std::fmt::Display for ShareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShareError::UnknownVersion => {
                write!(f, "this is not a Vigil report link (or one from a newer version)")
            }
            ShareError::NotBase64 => write!(
                f,
                "the link is damaged: its report is not valid base64url (was it cut or re-wrapped?)"
            ),
            ShareError::NotCompressed(e) => {
                write!(f, "the link is damaged: its report does not decompress ({e})")
            }
            ShareError::TooLarge => {
                write!(f, "the link's report inflates past {MAX_INFLATED_BYTES} bytes and was refused")
            }
            ShareError::NotAReport(e) => write!(f, "the link does not hold a readable report: {e}"),
            ShareError::Invalid(e) => write!(f, "the link's report is inconsistent: {e}"),
        }
    }
}

/// Encodes a report for a URL fragment (without the `#`).
pub fn encode(report: &SharedReport) -> String {
    let json = serde_json::to_vec(report).expect("reports serialise");
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&json).expect("writing to memory");
    let packed = z.finish().expect("writing to memory");
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Decodes and validates a fragment (with or without the leading `#`).
pub fn decode(fragment: &str) -> Result<SharedReport, ShareError> {
    let body = fragment.trim_start_matches('#').strip_prefix(PREFIX).ok_or(ShareError::UnknownVersion)?;
    let packed = URL_SAFE_NO_PAD.decode(body.trim()).map_err(|_| ShareError::NotBase64)?;
    let mut json = Vec::new();
    flate2::read::DeflateDecoder::new(&packed[..])
        .take(MAX_INFLATED_BYTES + 1)
        .read_to_end(&mut json)
        .map_err(|e| ShareError::NotCompressed(e.to_string()))?;
    if json.len() as u64 > MAX_INFLATED_BYTES {
        return Err(ShareError::TooLarge);
    }
    let report: SharedReport =
        serde_json::from_slice(&json).map_err(|e| ShareError::NotAReport(e.to_string()))?;
    validate(&report)?;
    Ok(report)
}

fn validate(r: &SharedReport) -> Result<(), ShareError> {
    for f in &r.findings {
        if !(1.0..=10.0).contains(&f.severity) || f.severity.is_nan() {
            return Err(ShareError::Invalid(format!("finding {} has severity {}", f.id, f.severity)));
        }
        if f.finding_type.is_empty() || f.id.is_empty() {
            return Err(ShareError::Invalid("a finding has no type or id".to_string()));
        }
    }
    Ok(())
}

/// Replaces account ids (12-digit runs) and IP addresses everywhere in the report with stable
/// placeholders (`account-1`, `ip-1`, …), so findings still group the same way.
pub fn redact(report: &SharedReport) -> SharedReport {
    let mut value = serde_json::to_value(report).expect("reports serialise");
    let mut names = Redactor::default();
    names.walk(&mut value);
    let mut out: SharedReport = serde_json::from_value(value).expect("redaction keeps the shape");
    out.redacted = true;
    out
}

#[derive(Default)]
struct Redactor {
    seen: BTreeMap<String, String>,
    accounts: usize,
    ips: usize,
}

impl Redactor {
    fn walk(&mut self, v: &mut Value) {
        match v {
            Value::String(s) => *s = self.redact_text(s),
            Value::Array(items) => items.iter_mut().for_each(|i| self.walk(i)),
            Value::Object(map) => map.values_mut().for_each(|i| self.walk(i)),
            _ => {}
        }
    }

    fn name(&mut self, original: &str, account: bool) -> String {
        if let Some(n) = self.seen.get(original) {
            return n.clone();
        }
        let n = if account {
            self.accounts += 1;
            format!("account-{}", self.accounts)
        } else {
            self.ips += 1;
            format!("ip-{}", self.ips)
        };
        self.seen.insert(original.to_string(), n.clone());
        n
    }

    /// Splits text into runs of address-like characters and the rest; replaces runs that are
    /// IP addresses or exactly 12 digits.
    fn redact_text(&mut self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut run = String::new();
        let is_run_char = |c: char| c.is_ascii_hexdigit() || c == '.' || c == ':';
        for c in s.chars().chain(std::iter::once('\u{0}')) {
            if c != '\u{0}' && is_run_char(c) {
                run.push(c);
                continue;
            }
            if !run.is_empty() {
                out.push_str(&self.redact_run(&run));
                run.clear();
            }
            if c != '\u{0}' {
                out.push(c);
            }
        }
        out
    }

    fn redact_run(&mut self, run: &str) -> String {
        let trimmed = run.trim_matches(|c| c == '.' || c == ':');
        if trimmed.parse::<IpAddr>().is_ok() && (trimmed.contains('.') || trimmed.matches(':').count() >= 2) {
            let name = self.name(trimmed, false);
            return run.replacen(trimmed, &name, 1);
        }
        // Account ids sit inside ARNs between colons, or end a sentence: replace every maximal
        // run of exactly 12 digits.
        let mut out = String::new();
        let mut digits = String::new();
        for c in run.chars().chain(std::iter::once(' ')) {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            if digits.len() == 12 {
                out.push_str(&self.name(&digits, true));
            } else {
                out.push_str(&digits);
            }
            digits.clear();
            if c != ' ' {
                out.push(c);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SharedReport {
        let f = Finding {
            id: "a".repeat(32),
            finding_type: "Recon:EC2/Portscan".into(),
            severity: 5.0,
            account_id: "111122223333".into(),
            arn: "arn:aws:guardduty:us-east-1:111122223333:detector/x/finding/y".into(),
            description: "EC2 instance i-1 is scanning 10.0.0.7 and 2001:db8::1 from 111122223333.".into(),
            ..Default::default()
        };
        SharedReport {
            findings: vec![f],
            files: vec![SharedFile {
                path: "a.json.gz".into(),
                format: "cloudtrail".into(),
                records: 3,
                events: 3,
                ..Default::default()
            }],
            redacted: false,
        }
    }

    #[test]
    fn round_trips() {
        let r = sample();
        let link = encode(&r);
        assert!(link.starts_with("v1."));
        assert_eq!(decode(&format!("#{link}")).unwrap(), r);
    }

    #[test]
    fn damaged_links_say_why() {
        let link = encode(&sample());
        assert_eq!(decode("#v9.abc"), Err(ShareError::UnknownVersion));
        assert_eq!(decode("#v1.***"), Err(ShareError::NotBase64));
        assert!(matches!(
            decode(&link[..link.len() / 2]),
            Err(ShareError::NotCompressed(_) | ShareError::NotBase64)
        ));
        let not_report = {
            let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
            z.write_all(b"{\"hello\":1}").unwrap();
            format!("v1.{}", URL_SAFE_NO_PAD.encode(z.finish().unwrap()))
        };
        assert!(matches!(decode(&not_report), Err(ShareError::NotAReport(_))));
        let mut bad = sample();
        bad.findings[0].severity = 99.0;
        assert!(matches!(decode(&encode(&bad)), Err(ShareError::Invalid(_))));
    }

    #[test]
    fn redaction_hides_accounts_and_addresses_consistently() {
        let r = redact(&sample());
        let f = &r.findings[0];
        assert!(r.redacted);
        assert_eq!(f.account_id, "account-1");
        assert_eq!(f.arn, "arn:aws:guardduty:us-east-1:account-1:detector/x/finding/y");
        assert_eq!(f.description, "EC2 instance i-1 is scanning ip-1 and ip-2 from account-1.");
        let text = serde_json::to_string(&r).unwrap();
        assert!(!text.contains("111122223333") && !text.contains("10.0.0.7") && !text.contains("2001:db8"));
    }
}
