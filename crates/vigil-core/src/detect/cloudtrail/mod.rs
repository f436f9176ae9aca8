//! Signature and policy detectors over CloudTrail management and S3 data events.

pub mod root_credential_usage;
