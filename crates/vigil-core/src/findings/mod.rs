//! Findings: GuardDuty's finding model ([`model`]) and the sink that turns detector reports into
//! aggregated findings with stable ids ([`sink`]).

pub mod catalog;
pub mod filter;
pub mod model;
pub mod remediation;
pub mod sink;

pub use model::{Finding, SeverityLabel};
pub use sink::{Draft, FindingSink};
