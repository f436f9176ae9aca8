//! Messages between the page and the analysis worker. The page sends the dropped `File`
//! objects themselves (structured clone: no copy of their bytes) plus a JSON job description;
//! the worker answers with JSON texts.

use serde::{Deserialize, Serialize};
use vigil_core::baseline::view::EntityView;
use vigil_core::scan::ScanReport;

/// What to analyse. Sent as `{job: <JSON of this>, files: [File…]}`; `paths[i]` names `files[i]`
/// (its path inside a dropped folder, else its name).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Job {
    pub paths: Vec<String>,
    /// Pre-signed S3 (or any CORS-enabled https) URLs to fetch and analyse.
    pub urls: Vec<String>,
    /// Generate and analyse the built-in sample world instead of user data.
    pub sample: bool,
    /// `(index, of)`: this worker analyses only its share of the sample world's accounts.
    pub sample_shard: Option<(usize, usize)>,
    /// User threat lists and trusted-IP lists that are switched on.
    pub lists: Vec<UserList>,
    /// A baseline file (JSON) kept from an earlier analysis: accounts it covers are judged
    /// against it instead of learning from this input's first days.
    pub baseline: Option<String>,
}

/// A finished analysis: the report, the baselines view, and what was learned (baseline files,
/// JSON, one per worker: joined only when the user downloads or keeps them, so a large analysis
/// does not stall the page when it ends).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Finished {
    pub report: ScanReport,
    pub baselines: Vec<EntityView>,
    pub learned: Vec<String>,
}

/// A user-supplied threat list or trusted-IP list, as loaded in the lists panel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserList {
    pub name: String,
    /// `true` for a trusted-IP list, `false` for a threat list.
    pub trusted: bool,
    pub enabled: bool,
    pub text: String,
}

/// How far the analysis has come.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub bytes_done: u64,
    /// 0 when unknown (a URL without Content-Length).
    pub bytes_total: u64,
    pub events: u64,
    pub files_done: usize,
    pub files_total: usize,
    pub elapsed_ms: f64,
    pub current: String,
    /// Workers sharing the analysis (set by the page when it combines their progress).
    #[serde(default)]
    pub workers: usize,
}

impl Progress {
    /// ` on N workers` when the analysis is split, for status lines.
    pub fn workers_note(&self) -> String {
        if self.workers > 1 {
            format!(" on {} workers", self.workers)
        } else {
            String::new()
        }
    }

    pub fn events_per_second(&self) -> f64 {
        if self.elapsed_ms <= 0.0 {
            0.0
        } else {
            self.events as f64 * 1000.0 / self.elapsed_ms
        }
    }

    /// Seconds left at the byte rate so far, when the total is known.
    pub fn seconds_left(&self) -> Option<f64> {
        if self.bytes_total == 0 || self.bytes_done == 0 || self.elapsed_ms <= 0.0 {
            return None;
        }
        let rate = self.bytes_done as f64 / self.elapsed_ms;
        Some(self.bytes_total.saturating_sub(self.bytes_done) as f64 / rate / 1000.0)
    }
}

/// Worker → page.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Reply {
    /// The worker's wasm is loaded and it listens.
    Ready,
    Progress(Progress),
    /// What loading one of the user's lists did (format, indicators, bad lines).
    ListLoaded(vigil_core::intel::LoadReport),
    /// A URL that could not be fetched, with the reason and what to do.
    UrlError {
        url: String,
        message: String,
    },
    /// Something the user should know that did not stop the analysis.
    Notice(String),
    Done(Box<Finished>),
    Failed(String),
    /// Benchmark page only: the input for the next runs is generated.
    BenchPrepared {
        format: String,
        bytes: u64,
        ms: f64,
    },
    /// Benchmark page only: one timed run over the prepared input.
    BenchMeasured(BenchMeasure),
}

/// Page → worker, from the benchmark page (`bench.html`), sent as `{bench: <JSON of this>}`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum BenchRequest {
    /// Generate about `bytes` of one format (`cloudtrail`, `vpcflow`, `route53`) inside the
    /// worker and keep it for the following runs.
    Prepare { format: String, bytes: usize },
    /// Time one run over the prepared input: parse-only, or the full scan when `scan`.
    Run { scan: bool },
}

/// One timed benchmark run in a worker. `start`/`end` are `performance.timeOrigin + now()`
/// (ms since the epoch, comparable between workers), so the page can time runs in parallel.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct BenchMeasure {
    pub format: String,
    pub scan: bool,
    pub bytes: u64,
    pub events: u64,
    pub findings: usize,
    pub ms: f64,
    pub start: f64,
    pub end: f64,
}
