//! Signature and policy detectors over CloudTrail management and S3 data events.

pub mod cloudtrail_logging_disabled;
pub mod root_credential_usage;
pub mod short_term_root_credential_usage;
