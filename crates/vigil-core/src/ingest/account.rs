//! The per-file account: what was read from each file and what became of every record.
//!
//! Every record has exactly one outcome — an event, a skip (with its reason) or an error — so
//! `records == events + skipped + errors` always holds. A stretch of input that cannot be split
//! into records (a truncated gzip tail, a file of unknown format, an unterminated record) counts
//! as one record in error, so damage is never silently absorbed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How many errors a file's account lists; the rest are still counted in `errors_not_listed`.
pub const MAX_LISTED_ERRORS: usize = 100;

/// What a file turned out to be.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[serde(rename = "cloudtrail")]
    CloudTrail,
    #[serde(rename = "vpcflow")]
    VpcFlow,
    #[serde(rename = "route53resolver")]
    Route53Resolver,
    /// Recognised, but nothing in it is a log record (digest file, notification, empty file…).
    Skipped,
    #[default]
    Unknown,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::CloudTrail => "cloudtrail",
            Format::VpcFlow => "vpcflow",
            Format::Route53Resolver => "route53resolver",
            Format::Skipped => "skipped",
            Format::Unknown => "unknown",
        }
    }
}

/// One error: where (record / line / byte) and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordErrorEntry {
    pub location: String,
    pub message: String,
}

/// The account of one input file (or one entry of a zip archive, named `archive.zip!inner/path`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FileAccount {
    pub path: String,
    pub format: Format,
    /// Records read: each has exactly one outcome below.
    pub records: u64,
    pub events: u64,
    /// Records skipped (not errors), by reason.
    pub skipped: BTreeMap<String, u64>,
    /// The first [`MAX_LISTED_ERRORS`] errors.
    pub errors: Vec<RecordErrorEntry>,
    /// Errors beyond those listed (still counted as records).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub errors_not_listed: u64,
    /// Bytes of the file as given (compressed size for gzip).
    pub bytes: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl FileAccount {
    pub fn new(path: &str) -> Self {
        Self { path: path.to_string(), ..Self::default() }
    }

    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }

    pub fn error_total(&self) -> u64 {
        self.errors.len() as u64 + self.errors_not_listed
    }

    /// `records == events + skipped + errors`.
    pub fn reconciles(&self) -> bool {
        self.records == self.events + self.skipped_total() + self.error_total()
    }

    pub(crate) fn count_event(&mut self) {
        self.records += 1;
        self.events += 1;
    }

    pub(crate) fn count_skip(&mut self, reason: &str) {
        self.records += 1;
        match self.skipped.get_mut(reason) {
            Some(n) => *n += 1,
            None => {
                self.skipped.insert(reason.to_string(), 1);
            }
        }
    }

    pub(crate) fn count_error(&mut self, location: String, message: String) {
        self.records += 1;
        if self.errors.len() < MAX_LISTED_ERRORS {
            self.errors.push(RecordErrorEntry { location, message });
        } else {
            self.errors_not_listed += 1;
        }
    }
}

/// Sums over all files.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub files: u64,
    /// Files per format.
    pub formats: BTreeMap<String, u64>,
    pub records: u64,
    pub events: u64,
    pub skipped: BTreeMap<String, u64>,
    pub errors: u64,
    pub bytes: u64,
}

impl Totals {
    pub fn of(files: &[FileAccount]) -> Self {
        let mut t = Totals::default();
        for f in files {
            t.files += 1;
            *t.formats.entry(f.format.as_str().to_string()).or_default() += 1;
            t.records += f.records;
            t.events += f.events;
            for (reason, n) in &f.skipped {
                *t.skipped.entry(reason.clone()).or_default() += n;
            }
            t.errors += f.error_total();
            t.bytes += f.bytes;
        }
        t
    }

    pub fn reconciles(&self) -> bool {
        self.records == self.events + self.skipped.values().sum::<u64>() + self.errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_in_the_summary_shape() {
        let mut a = FileAccount::new("x/y.json.gz");
        a.format = Format::CloudTrail;
        a.count_event();
        a.count_skip("empty object");
        a.count_error("record 3".into(), "bad".into());
        a.bytes = 42;
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"path":"x/y.json.gz","format":"cloudtrail","records":3,"events":1,
                "skipped":{"empty object":1},"errors":[{"location":"record 3","message":"bad"}],"bytes":42})
        );
        assert!(a.reconciles());
        let back: FileAccount = serde_json::from_value(v).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn errors_beyond_the_list_are_still_counted() {
        let mut a = FileAccount::new("f");
        for i in 0..MAX_LISTED_ERRORS + 5 {
            a.count_error(format!("line {i}"), "x".into());
        }
        assert_eq!(a.errors.len(), MAX_LISTED_ERRORS);
        assert_eq!(a.error_total(), MAX_LISTED_ERRORS as u64 + 5);
        assert!(a.reconciles());
        let t = Totals::of(&[a.clone(), a]);
        assert_eq!(t.errors, 2 * (MAX_LISTED_ERRORS as u64 + 5));
        assert!(t.reconciles());
    }
}
