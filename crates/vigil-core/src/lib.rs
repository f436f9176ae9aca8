//! Vigil's detection core. Data flows sources → transforms → sinks:
//!
//! - [`ingest`]: where logs enter (CloudTrail, VPC Flow Logs, Route 53 Resolver query logs; plain,
//!   gzip, zip), recognised by content and streamed chunk by chunk;
//! - [`event`]: the normalised events they become;
//! - [`detect`]: detectors (signatures, policy, threat intelligence, baselines) that watch the
//!   events and report drafts;
//! - [`findings`]: the sink that aggregates drafts into GuardDuty-shaped findings.
//!
//! Nothing here knows about browsers or terminals; `vigil-web` and `vigil-cli` sit on top.

pub mod baseline;
pub mod detect;
pub mod event;
pub mod export;
pub mod findings;
pub mod geo;
pub mod ingest;
pub mod intel;
pub mod net;
pub mod report;
pub mod sample;
pub mod scan;
pub mod shard;
pub mod time;
