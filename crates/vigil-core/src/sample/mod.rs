//! A deterministic generator of a realistic AWS world as raw log files, exactly as AWS writes
//! them, with attacks injected on later days and an answer key (`expected-findings.json`).
//!
//! The world: up to three accounts (production in us-east-1 with default-format flow logs,
//! staging in eu-west-1 with custom v5 flow logs, and a CloudTrail-only security account) with
//! admins and developers signing in to the console with MFA and using the CLI, a Terraform user,
//! a reporting script, a CI runner assuming a deploy role once a week from a fixed address,
//! instance roles used by EC2 instances from their AWS addresses, AWS services calling on their
//! own, S3 data events with bytes moved (a nightly multi-GB backup), web servers with many
//! HTTPS clients, NAT egress to update servers, internal database traffic, background scanning
//! of closed ports, and Route 53 Resolver queries with AWS endpoints, mirrors and hashed CDN
//! names. The attacks are described in [`attacks`].
//!
//! Everything comes from a seeded xoshiro256** ([`rng`]): no OS randomness and no clock, so it
//! runs unchanged inside a Web Worker and the same options always give the same bytes.
//! Generation is hour by hour; [`generate_each`] hands each file over as soon as its hour is
//! done, so memory stays bounded at any scale.

// Record builders take the many fields a log record has; bundling them would only rename them.
#![allow(clippy::too_many_arguments)]

mod attacks;
mod background;
pub mod bench;
mod ct;
pub mod intel;
mod net;
pub mod rng;
mod world;

use std::collections::BTreeMap;
use std::io::Write as _;

use flate2::write::GzEncoder;
use flate2::Compression;
use serde::{Deserialize, Serialize};

use crate::time::{format_iso8601, parse_iso8601, Millis, DAY, HOUR, MINUTE};
use net::Flow;
use rng::Rng;
use world::World;

pub use attacks::ExpectedFinding;

/// The first day of the sample world (a Monday). Fixed, never read from a clock.
pub const START: &str = "2026-11-02T00:00:00Z";

/// The answer key's file name, at the root of the output.
pub const ANSWER_KEY_PATH: &str = "expected-findings.json";

/// How big a world to make.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleOptions {
    pub seed: u64,
    /// Days of logs, starting at [`START`]. Attacks happen in the last third.
    pub days: u32,
    /// 1 to 3 accounts (production, staging, security).
    pub accounts: u32,
    /// Multiplies background volume (web clients, scanners, service calls, S3 reads, DNS);
    /// people, attacks and the answer key stay the same.
    pub scale: u32,
}

impl Default for SampleOptions {
    fn default() -> Self {
        Self { seed: 0x5EED_2026, days: 14, accounts: 3, scale: 1 }
    }
}

/// One generated file: its path relative to the output folder (S3 key layout) and content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The answer key as written to [`ANSWER_KEY_PATH`].
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerKey {
    pub generator: String,
    pub options: SampleOptions,
    pub start: String,
    pub end: String,
    pub accounts: Vec<AccountSummary>,
    pub expected_findings: Vec<ExpectedFinding>,
}

/// An account of the sample world, for the answer key and the console.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    pub account_id: String,
    pub label: String,
    pub region: String,
    pub instances: BTreeMap<String, String>,
}

/// Generates the whole world in memory: every log file and, last, the answer key.
pub fn generate(opts: &SampleOptions) -> Vec<SampleFile> {
    let mut files = Vec::new();
    generate_each(opts, |f| files.push(f));
    files
}

/// The answer key alone (cheap: no logs are generated).
pub fn answer_key(opts: &SampleOptions) -> AnswerKey {
    let world = make_world(opts);
    let plan = attacks::plan(&world);
    AnswerKey {
        generator: format!("vigil sample {}", env!("CARGO_PKG_VERSION")),
        options: opts.clone(),
        start: format_iso8601(world.start),
        end: format_iso8601(world.start + world.days as i64 * DAY),
        accounts: world
            .accounts
            .iter()
            .map(|a| AccountSummary {
                account_id: a.id.to_string(),
                label: a.label.to_string(),
                region: a.region.to_string(),
                instances: a.instances.iter().map(|i| (i.name.to_string(), i.id.clone())).collect(),
            })
            .collect(),
        expected_findings: plan.iter().flat_map(|a| a.expected.iter().cloned()).collect(),
    }
}

fn make_world(opts: &SampleOptions) -> World {
    let start = parse_iso8601(START).expect("START is a valid timestamp");
    World::new(opts.seed, start, opts.days, opts.accounts, opts.scale)
}

/// One hour of the world's clock.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hour {
    /// Hours since the start.
    pub index: u32,
    pub day: u32,
    pub hour: u32,
    pub start: Millis,
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u32,
}

impl Hour {
    fn new(world_start: Millis, index: u32) -> Self {
        let start = world_start + index as i64 * HOUR;
        let weekday = ((start.div_euclid(DAY) + 3).rem_euclid(7)) as u32;
        Self { index, day: index / 24, hour: index % 24, start, weekday }
    }

    pub fn workday(&self) -> bool {
        self.weekday < 5
    }

    /// A random instant within the hour, with milliseconds.
    pub fn random(&self, rng: &mut Rng) -> Millis {
        self.start + rng.below(HOUR as u64) as i64
    }

    /// A random instant between minute `from` and minute `to` of the hour.
    pub fn between(&self, rng: &mut Rng, from: u32, to: u32) -> Millis {
        self.start + from as i64 * MINUTE + rng.below(((to - from).max(1)) as u64 * MINUTE as u64) as i64
    }
}

/// What one hour produced, per account.
pub(crate) struct HourOut {
    /// (account index, region) → records.
    pub cloudtrail: BTreeMap<(usize, String), Vec<ct::Record>>,
    pub flows: Vec<Vec<Flow>>,
    pub dns: Vec<Vec<(Millis, String)>>,
}

impl HourOut {
    fn new(accounts: usize) -> Self {
        Self {
            cloudtrail: BTreeMap::new(),
            flows: vec![Vec::new(); accounts],
            dns: vec![Vec::new(); accounts],
        }
    }

    pub fn ct(&mut self, account: usize, r: ct::Record) {
        self.cloudtrail.entry((account, r.aws_region.clone())).or_default().push(r);
    }
}

/// Generates the world and hands each file to `emit` as soon as it is complete; the answer key
/// comes last.
pub fn generate_each(opts: &SampleOptions, mut emit: impl FnMut(SampleFile)) {
    let world = make_world(opts);
    let plan = attacks::plan(&world);
    for index in 0..world.days * 24 {
        let hour = Hour::new(world.start, index);
        let mut rng = Rng::derive(world.seed, index as u64);
        let mut out = HourOut::new(world.accounts.len());
        for acct in &world.accounts {
            background::hour(&world, acct, &hour, &mut rng, &mut out);
        }
        for attack in &plan {
            attacks::hour(&world, attack, &hour, &mut rng, &mut out);
        }
        flush(&world, &hour, &mut rng, out, &mut emit);
    }
    let key = answer_key(opts);
    emit(SampleFile {
        path: ANSWER_KEY_PATH.to_string(),
        bytes: serde_json::to_vec_pretty(&key).expect("answer key serialises"),
    });
}

/// CloudTrail delivers records in files of at most a few thousand records.
const MAX_RECORDS_PER_CLOUDTRAIL_FILE: usize = 5_000;
/// Flow logs and resolver logs roll over to a new file at this many lines.
const MAX_LINES_PER_NET_FILE: usize = 200_000;

/// Gzip at the fastest level: generation speed matters more in the browser than the last
/// 25% of size.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::with_capacity(bytes.len() / 6), Compression::fast());
    enc.write_all(bytes).expect("writing to memory");
    enc.finish().expect("writing to memory")
}

/// `YYYY/MM/DD` and `YYYYMMDDTHHMMZ` for a file's delivery time.
fn path_times(t: Millis) -> (String, String) {
    let s = format_iso8601(t);
    let (y, m, d, hh, mm) = (&s[0..4], &s[5..7], &s[8..10], &s[11..13], &s[14..16]);
    (format!("{y}/{m}/{d}"), format!("{y}{m}{d}T{hh}{mm}Z"))
}

/// Files are named after their delivery time: the 5-minute mark after the last record,
/// kept inside the hour so a file stays in its hour's folder.
fn delivery_time(hour: &Hour, last: Millis) -> Millis {
    let minute = ((last - hour.start) / MINUTE).clamp(0, 59);
    hour.start + ((minute / 5 + 1) * 5).min(55) * MINUTE
}

fn flush(world: &World, hour: &Hour, rng: &mut Rng, out: HourOut, emit: &mut impl FnMut(SampleFile)) {
    for ((account, region), mut records) in out.cloudtrail {
        let acct = &world.accounts[account];
        records.sort_by_key(|r| r.time);
        for chunk in records.chunks(MAX_RECORDS_PER_CLOUDTRAIL_FILE) {
            let last = chunk.last().map_or(hour.start, |r| r.time);
            let (dir, stamp) = path_times(delivery_time(hour, last));
            let mut json = String::with_capacity(chunk.len() * 1500);
            json.push_str("{\"Records\":[");
            for (i, r) in chunk.iter().enumerate() {
                if i > 0 {
                    json.push(',');
                }
                json.push_str(&serde_json::to_string(r).expect("record serialises"));
            }
            json.push_str("]}");
            let id = acct.id;
            emit(SampleFile {
                path: format!(
                    "AWSLogs/{id}/CloudTrail/{region}/{dir}/{id}_CloudTrail_{region}_{stamp}_{}.json.gz",
                    rng.alnum(16)
                ),
                bytes: gzip(json.as_bytes()),
            });
        }
    }
    for (account, mut flows) in out.flows.into_iter().enumerate() {
        let acct = &world.accounts[account];
        if flows.is_empty() || acct.flow_format.is_none() {
            continue;
        }
        flows.sort_by_key(|f| (f.start, f.nic));
        for chunk in flows.chunks(MAX_LINES_PER_NET_FILE) {
            let (dir, stamp) = path_times(delivery_time(hour, chunk.last().map_or(hour.start, Flow::time)));
            let mut text = String::with_capacity(chunk.len() * 110);
            text.push_str(net::flow_header(acct));
            text.push('\n');
            for f in chunk {
                net::write_flow(&mut text, acct, f);
            }
            let (id, region) = (acct.id, acct.region);
            emit(SampleFile {
                path: format!(
                    "AWSLogs/{id}/vpcflowlogs/{region}/{dir}/{id}_vpcflowlogs_{region}_{}_{stamp}_{}.log.gz",
                    acct.flow_log_id,
                    rng.hex(8)
                ),
                bytes: gzip(text.as_bytes()),
            });
        }
    }
    for (account, mut lines) in out.dns.into_iter().enumerate() {
        let acct = &world.accounts[account];
        if lines.is_empty() {
            continue;
        }
        lines.sort_by_key(|(t, _)| *t);
        for chunk in lines.chunks(MAX_LINES_PER_NET_FILE) {
            let (dir, stamp) = path_times(delivery_time(hour, chunk.last().map_or(hour.start, |l| l.0)));
            let mut text = String::with_capacity(chunk.len() * 330);
            for (_, l) in chunk {
                text.push_str(l);
                text.push('\n');
            }
            let (id, vpc) = (acct.id, &acct.vpc_id);
            emit(SampleFile {
                path: format!(
                    "AWSLogs/{id}/vpcdnsquerylogs/{vpc}/{dir}/{id}_vpcdnsquerylogs_{vpc}_{stamp}_{}.log.gz",
                    rng.hex(8)
                ),
                bytes: gzip(text.as_bytes()),
            });
        }
    }
}

#[cfg(test)]
mod tests;
