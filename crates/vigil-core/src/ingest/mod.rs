//! Sources: where data enters. Recognises each input by its content, streams it in bounded
//! memory and turns records into [`crate::event::Event`]s, accounting for every record.
//!
//! - [`stream::FileIngest`]: one file, fed chunk by chunk (gzip or plain; CloudTrail, VPC Flow
//!   Logs, Route 53 Resolver query logs, in their delivery and export shapes);
//! - [`archive`]: `.zip` archives, each entry ingested as a file of its own;
//! - [`account`]: what became of every record of every file.

pub mod account;
pub mod archive;
pub mod cloudtrail;
pub mod flow;
mod json;
pub mod route53;
pub mod stream;
mod text;

pub use account::{FileAccount, Format, RecordErrorEntry, Totals};
pub use stream::{ingest_bytes, FileIngest};
