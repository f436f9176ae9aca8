//! Signature and policy detectors over CloudTrail management and S3 data events.

pub mod bedrock_logging_disabled;
pub mod cloudtrail_logging_disabled;
pub mod custom_detection_rules;
pub mod password_policy_change;
pub mod pentest_user_agent;
pub mod root_credential_usage;
pub mod s3_policy;
pub mod s3_public_access;
pub mod s3_server_access_logging_disabled;
pub mod short_term_root_credential_usage;
